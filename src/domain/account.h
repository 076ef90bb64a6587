/* account.h - people who log in: accounts, roles with scopes, passwords
 * (Argon2id), family access codes, and sessions.
 *
 * Secrets: passwords are stored as libsodium Argon2id strings; session tokens
 * and access codes are stored only as BLAKE2b hashes. Nothing in this module
 * logs a secret. */
#ifndef EB_ACCOUNT_H
#define EB_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

enum role {
	ROLE_DISTRICT_ADMIN,
	ROLE_COORDINATOR,
	ROLE_PRINCIPAL,
	ROLE_COACH,
	ROLE_TEACHER,
	ROLE_TECH_CHAMPION,
	ROLE_IT_STAFF,
	ROLE_VENDOR_CONTACT,
	ROLE_GUARDIAN,
	ROLE_STUDENT,
	ROLE__COUNT
};

/* Stored name ("district_admin"), or NULL for an invalid role. */
const char *role_name(enum role r);
/* Words for people ("District administrator"). */
const char *role_label(enum role r);
/* Parses a stored name; also accepts '-' for '_' and "parent" for guardian. */
bool role_parse(const char *s, enum role *out);

#define ACCOUNT_MAX_ROLES 16
#define ACCOUNT_LOGIN_MAX 128
#define ACCOUNT_ID_MAX 128

struct account_role {
	enum role role;
	char scope_type[12];		/* district | school | class | person */
	char scope_id[ACCOUNT_ID_MAX];	/* district id, or an org/class/person sourcedId */
};

struct account {
	int64_t id, district_id;
	char login[ACCOUNT_LOGIN_MAX];
	char display_name[ACCOUNT_LOGIN_MAX];
	char person_sid[ACCOUNT_ID_MAX];	/* linked roster person, "" if none */
	bool disabled, has_password;
	int nroles;
	struct account_role roles[ACCOUNT_MAX_ROLES];
	unsigned role_mask;			/* bit (1u << role) for each role held */
};

#define PASSWORD_MIN 8
#define PASSWORD_MAX 256

/* Creates an account. password may be NULL (access-code-only login, for
 * families). person_sid may be NULL. Errors: EB_EINVAL (bad login: 3-128
 * chars of letters, digits, . _ @ -; password shorter than PASSWORD_MIN),
 * EB_EEXIST (login taken). */
enum eb_err account_create(struct db *db, int64_t district_id, const char *login,
			   const char *display_name, const char *password,
			   const char *person_sid, int64_t *id);
enum eb_err account_set_password(struct db *db, int64_t district_id, int64_t id,
				 const char *password);
enum eb_err account_set_disabled(struct db *db, int64_t district_id, int64_t id, bool disabled);
/* scope_type district|school|class|person; for district, scope_id is the
 * district id as text. EB_EINVAL for a scope that does not fit the role. */
enum eb_err account_add_role(struct db *db, int64_t district_id, int64_t id, enum role role,
			     const char *scope_type, const char *scope_id);
enum eb_err account_remove_role(struct db *db, int64_t district_id, int64_t id, enum role role,
				const char *scope_type, const char *scope_id);
/* Loads an account of the district with its roles; EB_ENOTFOUND otherwise. */
enum eb_err account_get(struct db *db, int64_t district_id, int64_t id, struct account *out);
enum eb_err account_find_login(struct db *db, const char *login, struct account *out);

/* Checks a password. EB_EAUTH for an unknown login, a wrong password, a
 * disabled account or one without a password - the caller cannot tell which,
 * and the time taken is similar in each case. */
enum eb_err account_check_password(struct db *db, const char *login, const char *password,
				   struct account *out);

struct account_row {
	int64_t id;
	const char *login, *display_name, *person_sid, *roles; /* roles: "teacher, coach" */
	bool disabled;
};
/* All accounts of a district, ordered by login; arrays live in arena. */
enum eb_err account_list(struct db *db, int64_t district_id, struct arena *arena,
			 struct account_row **rows, size_t *n);

/* Issues a one-time access code (printed by a school for a family), valid
 * for `days`. code_out receives "XXXX-XXXX-XXXX" (Crockford base32). */
enum eb_err account_issue_code(struct db *db, int64_t district_id, int64_t id, int days,
			       char code_out[32]);
/* Redeems a code: EB_EAUTH if unknown, used or expired. Marks it used. */
enum eb_err account_redeem_code(struct db *db, const char *code, struct account *out);

#define SESSION_TOKEN_LEN 43 /* base64url of 32 random bytes */
#define SESSION_TTL_S (12 * 3600)

/* Creates a session; token_out and csrf_out receive NUL-terminated strings. */
enum eb_err session_create(struct db *db, const struct account *a, char token_out[64],
			   char csrf_out[64]);
/* Loads the session's account (with roles) and CSRF token; EB_EAUTH if the
 * token is unknown or expired. */
enum eb_err session_lookup(struct db *db, const char *token, struct account *a,
			   char csrf_out[64]);
enum eb_err session_delete(struct db *db, const char *token);
/* Removes expired sessions; returns how many via *n. */
enum eb_err session_purge(struct db *db, int64_t *n);

/* Random token: base64url (no padding) of nbytes random bytes into out. */
void account_random_token(char *out, size_t cap, size_t nbytes);

#endif
