/* device.h - the district's devices (Chromebooks, tablets, hotspots,
 * laptops): the inventory, who holds each device, check-out and check-in
 * with their history, loaners with a due date and the ones overdue, and the
 * hotspots lent to families without home internet (tables of migration 030;
 * docs/devices.md).
 *
 * Every function takes the district id; a device of another district
 * answers EB_ENOTFOUND. Role checks (device_can_manage, device_can_view)
 * are the caller's, before the call; writes that touch a student's record
 * (a check-out to a student, its check-in) are audited here. Strings and
 * arrays of results live in the caller's arena. */
#ifndef EB_DEVICE_H
#define EB_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;
struct account;
struct audit_actor;

#define DEVICE_TAG_MAX 64
#define DEVICE_SERIAL_MAX 64
#define DEVICE_MODEL_MAX 128
#define DEVICE_NOTES_MAX 1000
#define DEVICE_ORG_UNIT_MAX 256
#define DEVICE_USER_MAX 256
#define DEVICE_CONDITION_MAX 500
#define DEVICE_WHY_CAP 256

enum device_kind {
	DEVICE_CHROMEBOOK,
	DEVICE_TABLET,
	DEVICE_HOTSPOT,
	DEVICE_LAPTOP,
	DEVICE_OTHER,
	DEVICE_KIND__COUNT
};

enum device_status {
	DEVICE_IN_SERVICE,  /* in use at its school, nobody holds it personally */
	DEVICE_ASSIGNED,    /* a person holds it (an open check-out) */
	DEVICE_LOANER_POOL, /* a loaner waiting on the shelf */
	DEVICE_IN_REPAIR,
	DEVICE_LOST,
	DEVICE_RETIRED,
	DEVICE_STATUS__COUNT
};

/* Stored names ("chromebook", "loaner_pool"); NULL when out of range. */
const char *device_kind_name(enum device_kind k);
const char *device_status_name(enum device_status s);
/* Words for people ("Chromebook", "In the loaner pool"). */
const char *device_kind_label(enum device_kind k);
const char *device_status_label(enum device_status s);
/* Parse a stored name (any case; '-' or ' ' for '_'). */
bool device_kind_parse(const char *s, enum device_kind *out);
bool device_status_parse(const char *s, enum device_status *out);

/* Who may do what: manage (import, edit, check out and in): district admin
 * and IT staff; view: those, and a principal or tech champion for the
 * schools of their roles (device_can_view_school). */
bool device_can_manage(const struct account *a);
bool device_can_view(const struct account *a);
/* True when a may see the devices of school_sid (a manager sees all). */
bool device_can_view_school(const struct account *a, const char *school_sid);

struct device {
	int64_t id;
	const char *asset_tag, *serial, *model;
	enum device_kind kind;
	enum device_status status;
	const char *school_sid;	   /* "" for the district's stock */
	const char *school_name;   /* "" when none */
	const char *assignee_sid;  /* NULL when nobody holds it */
	bool assignee_is_student;  /* meaningful when assignee_sid */
	const char *assignee_name; /* "" when none */
	const char *purchase_date; /* YYYY-MM-DD or NULL */
	const char *warranty_end;  /* YYYY-MM-DD or NULL */
	const char *update_end;	   /* ChromeOS auto update expiration, or NULL */
	const char *notes, *org_unit, *last_user;
	int64_t last_sync;    /* Unix seconds; 0: unknown */
	const char *due_date; /* the open loan's due date, or NULL */
	bool overdue;	      /* an open loan past its due date */
	int64_t created_at, updated_at;
};

/* Today in the district's time zone as YYYY-MM-DD (out[11]), the date
 * that due dates are compared with. */
void device_today(struct db *db, int64_t district_id, int64_t now, char out[11]);

/* The device id of district_id, with its school's and holder's names and
 * its open loan. EB_ENOTFOUND when there is none in the district. */
enum eb_err device_get(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
		       struct device *out);
/* Whether device id exists in district_id (for the ticket domain's check of
 * ticket.device_id). */
bool device_exists(struct db *db, int64_t district_id, int64_t id);
/* The id of the device tagged asset_tag; EB_ENOTFOUND when none. */
enum eb_err device_id_by_tag(struct db *db, int64_t district_id, const char *asset_tag,
			     int64_t *id);

/* Filters of the list (0 / "" / false: any). overdue: only devices out on a
 * loan past its due date. school_sids (n_schools > 0): only those schools
 * (a principal's or champion's). */
struct device_filter {
	const char *school_sid;
	const char *const *school_sids;
	size_t n_schools;
	int kind;   /* enum device_kind + 1; 0 any */
	int status; /* enum device_status + 1; 0 any */
	bool overdue;
	const char *q;	      /* part of the asset tag, serial or model; "" any */
	size_t offset, limit; /* limit 1..500 */
};

/* The devices matching f, by asset tag; *total (may be NULL) gets how many
 * match in all (for paging). */
enum eb_err device_list(struct db *db, int64_t district_id, const struct device_filter *f,
			struct arena *arena, struct device **out, size_t *n, size_t *total);

/* One device's fields as an import or the edit form gives them (the
 * strings are the caller's; "" for none; dates YYYY-MM-DD or ""). */
struct device_fields {
	const char *asset_tag, *serial, *model;
	enum device_kind kind;
	enum device_status status;
	bool status_given; /* false: keep a stored device's status, in_service for a new one */
	const char *school_sid;
	const char *purchase_date, *warranty_end, *update_end;
	const char *notes, *org_unit, *last_user;
	int64_t last_sync; /* 0: unknown */
};

/* Inserts or updates the device tagged f->asset_tag (when f->asset_tag is
 * "", the device whose serial is f->serial, or a new one tagged with the
 * serial). Validation is the caller's (ingest/device_csv); the caller holds
 * the transaction. An imported status never overrides a stored assigned or
 * loaner_pool status with in_service (the export does not know them).
 * *id (may be NULL) gets the id; *created whether it was new. */
enum eb_err device_upsert(struct db *db, int64_t district_id, const struct device_fields *f,
			  int64_t now, int64_t *id, bool *created);

/* The school whose sourcedId, identifier or name (any case) is s, into
 * sid[cap]. EB_ENOTFOUND when no school of the district matches. */
enum eb_err device_school_lookup(struct db *db, int64_t district_id, const char *s, char *sid,
				 size_t cap);

/* ---- check-out and check-in ---------------------------------------- */

/* Hands device id to the roster person person (a sourcedId, username or
 * email of a student or staff member of district_id) by who (name: as the
 * history shows it). due_date: YYYY-MM-DD for a loan ("" for none; a device
 * in the loaner pool needs one). EB_EINVAL with why (a sentence a person
 * can act on) and nothing stored for: an unknown person, a person of
 * another district, a parent or guardian, a device not available (lost,
 * retired, in repair, already held: check it in first), a bad or past due
 * date, a condition longer than DEVICE_CONDITION_MAX. Audited when the
 * person is a student. One transaction (the caller's when open). */
enum eb_err device_checkout(struct db *db, int64_t district_id, const struct audit_actor *who,
			    const char *who_name, int64_t id, const char *person,
			    const char *due_date, const char *condition, int64_t now,
			    const char *today, char *why, size_t cap);

/* Takes device id back from its holder: the open assignment closes, the
 * device returns to the loaner pool (a loaner) or to in_service, or to
 * in_repair when damaged. EB_EINVAL (why) when nobody holds it. */
enum eb_err device_checkin(struct db *db, int64_t district_id, const struct audit_actor *who,
			   const char *who_name, int64_t id, const char *condition, bool damaged,
			   int64_t now, char *why, size_t cap);

struct device_assignment {
	int64_t id, out_at, in_at; /* in_at 0: still out */
	const char *person_sid, *person_name;
	bool person_is_student, loaner, overdue;
	const char *due_date; /* NULL: none */
	const char *out_by, *out_condition, *in_by, *in_condition;
};

/* Device id's check-outs, newest first, at most 200. */
enum eb_err device_history(struct db *db, int64_t district_id, int64_t id, const char *today,
			   struct arena *arena, struct device_assignment **out, size_t *n);

/* ---- what needs IT ---------------------------------------------------- */

/* Loans past their due date (today: the district's YYYY-MM-DD), oldest
 * due first, at most max (1..500); *total (may be NULL) counts all. */
enum eb_err device_overdue(struct db *db, int64_t district_id, const char *today, size_t max,
			   struct arena *arena, struct device **out, size_t *n, size_t *total);

/* ---- hotspots lent to families ---------------------------------------- */

/* Per school: the families (guardians) whose roster says no home internet,
 * and how many of them have a hotspot lent (a hotspot held by one of their
 * children). A family's school is its children's first (as in the weekly
 * update's reach); school_sid "" for families whose children have no
 * school. only_school: that school alone (NULL: every school). */
struct device_reach_school {
	const char *school_sid, *school_name;
	int64_t families_no_internet, with_hotspot;
};
enum eb_err device_hotspot_reach(struct db *db, int64_t district_id, const char *only_school,
				 struct arena *arena, struct device_reach_school **out, size_t *n);

#endif
