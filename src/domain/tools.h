/* tools.h - the district's technology inventory (apps, platforms, device
 * types), its support matrix, the review of requested tools through their
 * statuses, and the credentials tools use to send data (xAPI Basic key and
 * secret, Caliper bearer token).
 *
 * Every function takes the district id; a tool of another district answers
 * EB_ENOTFOUND. Functions that write more than one row expect the caller to
 * hold a transaction (db_begin/db_commit) so a failure stores nothing.
 *
 * Secrets: xAPI secrets and Caliper tokens are random 32 bytes, base64url;
 * only their BLAKE2b-256 hashes are stored and they are returned exactly once,
 * by the call that makes them. Nothing here logs a secret. */
#ifndef EB_TOOLS_H
#define EB_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/audit.h"

struct db;
struct account;

/* Who may do what (record-level checks the pages call):
 * edit tools and change their status: district admin, coordinator, IT staff;
 * manage credentials: district admin, IT staff;
 * edit one school's support row: the editors, and a tech champion of that school. */
bool tools_can_edit(const struct account *a);
bool tools_can_manage_credentials(const struct account *a);
bool tools_is_champion_of(const struct account *a, const char *school_sid);
bool tools_can_edit_support(const struct account *a, const char *school_sid);

enum tool_status {
	TOOL_REQUESTED,
	TOOL_UNDER_REVIEW,
	TOOL_APPROVED,
	TOOL_APPROVED_WITH_CONDITIONS,
	TOOL_DENIED,
	TOOL_RETIRED,
	TOOL_STATUS__COUNT
};

/* Stored name ("approved_with_conditions"); NULL when out of range. */
const char *tool_status_name(enum tool_status s);
/* Words for people ("Approved with conditions"). */
const char *tool_status_label(enum tool_status s);
/* Parses a stored name (also with '-' or ' ' for '_', any case). */
bool tool_status_parse(const char *s, enum tool_status *out);
/* True for approved and approved_with_conditions (the public list). */
bool tool_status_public(enum tool_status s);
/* Whether a change from -> to is allowed (never to the same status):
 *   requested    -> under_review approved approved_with_conditions denied
 *   under_review -> requested approved approved_with_conditions denied
 *   approved / approved_with_conditions -> each other, under_review, retired
 *   denied, retired -> under_review (the tool is reconsidered) */
bool tool_status_allowed(enum tool_status from, enum tool_status to);

/* The fixed checklist of student data elements a tool may receive. */
enum tool_data {
	TOOL_DATA_NAME,
	TOOL_DATA_EMAIL,
	TOOL_DATA_STUDENT_ID,
	TOOL_DATA_GRADE,
	TOOL_DATA_DEMOGRAPHICS,
	TOOL_DATA_ASSESSMENT,
	TOOL_DATA_USAGE,
	TOOL_DATA_AUDIO_VIDEO,
	TOOL_DATA__COUNT
};
/* Form value ("student_id") and words ("Student id"); NULL when out of range. */
const char *tool_data_name(enum tool_data e);
const char *tool_data_label(enum tool_data e);

enum tool_kind { TOOL_KIND_APP, TOOL_KIND_PLATFORM, TOOL_KIND_DEVICE, TOOL_KIND__COUNT };
const char *tool_kind_name(enum tool_kind k);
/* Words for people ("App", "Platform", "Device type"); NULL out of range. */
const char *tool_kind_label(enum tool_kind k);
bool tool_kind_parse(const char *s, enum tool_kind *out);

#define TOOL_NAME_MAX 121 /* 120 bytes + NUL */
#define TOOL_SHORT_MAX 121
#define TOOL_LONG_MAX 2001 /* need, conditions */
#define TOOL_URL_MAX 501
#define TOOL_STANDARDS_MAX 2001
#define TOOL_GRADES_MAX 40 /* "K,1,2,...,12" */

/* One tool. Strings are "" when not recorded; seats and annual_cost_cents
 * are -1 when not recorded; it_owner_id 0 when none. */
struct tool {
	int64_t id, district_id;
	char name[TOOL_NAME_MAX], vendor[TOOL_SHORT_MAX], category[TOOL_SHORT_MAX];
	enum tool_kind kind;
	char need[TOOL_LONG_MAX], url[TOOL_URL_MAX];
	char grades[TOOL_GRADES_MAX];
	char standards[TOOL_STANDARDS_MAX];
	enum tool_status status;
	char conditions[TOOL_LONG_MAX];
	bool dpa_signed;
	char dpa_date[11];
	unsigned data_elements; /* bit (1u << enum tool_data) */
	char data_location[TOOL_SHORT_MAX];
	int64_t seats, annual_cost_cents;
	char term_start[11], term_end[11];
	int64_t it_owner_id;
	char help_name[TOOL_SHORT_MAX], help_email[TOOL_SHORT_MAX], help_phone[TOOL_SHORT_MAX],
		help_url[TOOL_URL_MAX], help_hours[TOOL_SHORT_MAX];
	int64_t requested_by, created_at, updated_at;
};

/* Raw field values as a person typed them (form or command line). NULL means
 * "not given": the field keeps its current value (or its default). Lists:
 * grades "K-5", "K, 1, 2", "9-12"; standards separated by blanks or commas
 * in any spelling standards_find() accepts; data_elements an array of
 * tool_data_name() values (ndata of them; data_given tells whether the
 * checklist was submitted at all). annual_cost in dollars ("1200", "1200.50",
 * "$99"). dpa_signed "yes"/"no"/"on". it_owner an account id. */
struct tool_form {
	const char *name, *vendor, *kind, *category, *need, *url, *grades, *standards, *conditions,
		*dpa_signed, *dpa_date, *data_location, *seats, *annual_cost, *term_start,
		*term_end, *it_owner, *help_name, *help_email, *help_phone, *help_url, *help_hours;
	const char *const *data_elements;
	int ndata;
	bool data_given;
};

/* Checks every given field and writes the result over *t (which holds the
 * current values or defaults). On the first bad field returns EB_EINVAL and
 * writes "field: reason" into why; *t may then be partly changed (discard
 * it). The IT owner must be an account of the district with the it_staff or
 * district_admin role. Does not check name uniqueness (the write does). */
enum eb_err tools_validate(struct db *db, int64_t district_id, const struct tool_form *in,
			   struct tool *t, char *why, size_t cap);

/* A tool with every field at its default (status requested, kind app). */
void tools_defaults(struct tool *t);

/* Adds a validated tool with status `initial` (requested or under_review),
 * recording the first history entry (reason: `reason`) and an audit entry.
 * requested_by may be 0. EB_EEXIST when the name is taken in the district. */
enum eb_err tools_create(struct db *db, int64_t district_id, struct tool *t,
			 enum tool_status initial, int64_t requested_by,
			 const struct audit_actor *who, const char *reason, int64_t *id);
/* Stores every field of t except status and the history (use
 * tools_set_status), and records an audit entry. EB_EEXIST on a name taken
 * by another tool, EB_ENOTFOUND when the tool is not in the district. */
enum eb_err tools_update(struct db *db, int64_t district_id, const struct tool *t,
			 const struct audit_actor *who);
/* Loads a tool; EB_ENOTFOUND when absent or of another district. */
enum eb_err tools_get(struct db *db, int64_t district_id, int64_t id, struct tool *out);
/* Finds a tool by id (all digits) or by exact name (case-insensitive). */
enum eb_err tools_find(struct db *db, int64_t district_id, const char *id_or_name,
		       struct tool *out);

/* Changes the status. reason is required (1..2000 bytes, EB_EINVAL when
 * missing); conditions is required for approved_with_conditions and
 * replaces the stored conditions when given. A change not allowed by
 * tool_status_allowed() answers EB_ECONFLICT. Writes the history row and an
 * audit entry. why (may be NULL) receives "field: reason" on EB_EINVAL and
 * EB_ECONFLICT. */
enum eb_err tools_set_status(struct db *db, int64_t district_id, int64_t id, enum tool_status to,
			     const char *reason, const char *conditions,
			     const struct audit_actor *who, char *why, size_t cap);

struct tool_row {
	int64_t id;
	const char *name, *vendor, *kind, *category, *need, *grades, *conditions, *data_location;
	enum tool_status status;
	bool dpa_signed;
	unsigned data_elements;
};
/* Tools of a district by name; only_status < 0 lists all statuses, and
 * public_only lists approved and approved_with_conditions. Arrays and
 * strings live in arena. */
enum eb_err tools_list(struct db *db, int64_t district_id, int only_status, bool public_only,
		       struct arena *arena, struct tool_row **rows, size_t *n);

struct tool_history {
	int64_t at, account_id;
	const char *actor, *from_status, *to_status, *reason;
};
/* Oldest first. */
enum eb_err tools_history(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
			  struct tool_history **rows, size_t *n);

/* ---- support matrix ---- */

struct tool_support {
	const char *school_sid, *champion_login, *champion_name, *notes;
	int64_t champion_id; /* 0 when none */
};
/* One row per school that has an entry, by school sourcedId. */
enum eb_err tools_support(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
			  struct tool_support **rows, size_t *n);
/* Sets the champion (0: none) and notes (<= 2000 bytes) of one school.
 * The school must be a school of the district and the champion an account
 * holding the tech_champion role at that school; else EB_EINVAL with why. */
enum eb_err tools_set_support(struct db *db, int64_t district_id, int64_t id,
			      const char *school_sid, int64_t champion_id, const char *notes,
			      const struct audit_actor *who, char *why, size_t cap);

struct tool_champion {
	int64_t account_id;
	const char *school_sid, *name;
};
/* Every account holding the tech_champion role at a school of the
 * district, by school then name: the choices of the support form. */
enum eb_err tools_champions(struct db *db, int64_t district_id, struct arena *arena,
			    struct tool_champion **rows, size_t *n);

/* ---- credentials ---- */

enum tool_cred_kind { TOOL_CRED_XAPI, TOOL_CRED_CALIPER };

#define TOOL_KEY_MAX 32
#define TOOL_SECRET_MAX 64

struct tool_credential {
	int64_t id, tool_id, created_at, rotated_at, last_used_at, revoked_at; /* 0: never */
	enum tool_cred_kind kind;
	const char *key_id;
	bool revoked;
};

/* Creates a credential. key_out receives the public id (xAPI: the Basic
 * user name; Caliper: a label "cal-..." to tell tokens apart), secret_out the
 * xAPI secret or the Caliper bearer token - shown once, never stored. */
enum eb_err tools_cred_create(struct db *db, int64_t district_id, int64_t tool_id,
			      enum tool_cred_kind kind, const struct audit_actor *who,
			      int64_t *cred_id, char key_out[TOOL_KEY_MAX],
			      char secret_out[TOOL_SECRET_MAX]);
/* Issues a new secret (token) for the same key; the old one stops working at
 * once. EB_ECONFLICT when the credential is revoked. */
enum eb_err tools_cred_rotate(struct db *db, int64_t district_id, int64_t tool_id, int64_t cred_id,
			      const struct audit_actor *who, char key_out[TOOL_KEY_MAX],
			      char secret_out[TOOL_SECRET_MAX]);
/* Revokes for good. EB_ECONFLICT when already revoked. */
enum eb_err tools_cred_revoke(struct db *db, int64_t district_id, int64_t tool_id, int64_t cred_id,
			      const struct audit_actor *who);
/* Credentials of a tool, newest first (never the secrets). */
enum eb_err tools_cred_list(struct db *db, int64_t district_id, int64_t tool_id,
			    struct arena *arena, struct tool_credential **rows, size_t *n);

/* Verifies an xAPI HTTP Basic pair (constant-time on the secret's hash).
 * EB_EAUTH when the key is unknown, the secret wrong, the credential revoked,
 * or the tool denied or retired - the caller cannot tell which. On success
 * fills the tool's district and id and updates last_used_at (at most once a
 * minute). Safe on any thread's connection. */
enum eb_err tools_check_basic(struct db *db, const char *key, const char *secret,
			      int64_t *district_id, int64_t *tool_id);
/* The same for a Caliper bearer token. */
enum eb_err tools_check_bearer(struct db *db, const char *token, int64_t *district_id,
			       int64_t *tool_id);

#endif
