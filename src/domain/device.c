/* device.c - see device.h. */
#include "domain/device.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "store/db.h"

/* ---- names ---- */

static const char *const kind_names[DEVICE_KIND__COUNT] = {
	"chromebook", "tablet", "hotspot", "laptop", "other",
};
static const char *const kind_labels[DEVICE_KIND__COUNT] = {
	"Chromebook", "Tablet", "Hotspot", "Laptop", "Other device",
};
static const char *const status_names[DEVICE_STATUS__COUNT] = {
	"in_service", "assigned", "loaner_pool", "in_repair", "lost", "retired",
};
static const char *const status_labels[DEVICE_STATUS__COUNT] = {
	"In service", "Assigned", "In the loaner pool", "In repair", "Lost", "Retired",
};

const char *device_kind_name(enum device_kind k)
{
	return (unsigned)k < DEVICE_KIND__COUNT ? kind_names[k] : NULL;
}

const char *device_status_name(enum device_status s)
{
	return (unsigned)s < DEVICE_STATUS__COUNT ? status_names[s] : NULL;
}

const char *device_kind_label(enum device_kind k)
{
	return (unsigned)k < DEVICE_KIND__COUNT ? kind_labels[k] : "";
}

const char *device_status_label(enum device_status s)
{
	return (unsigned)s < DEVICE_STATUS__COUNT ? status_labels[s] : "";
}

/* The index of s (normalised: lower case, '_' for '-' and ' ') in
 * names[0..n), or -1. */
static int name_index(const char *s, const char *const *names, int n)
{
	char norm[32];
	size_t len = s ? strlen(s) : 0;
	if (!len || len >= sizeof norm)
		return -1;
	for (size_t i = 0; i <= len; i++) {
		char c = s[i];
		if (c == '-' || c == ' ')
			c = '_';
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		norm[i] = c;
	}
	for (int i = 0; i < n; i++)
		if (strcmp(norm, names[i]) == 0)
			return i;
	return -1;
}

bool device_kind_parse(const char *s, enum device_kind *out)
{
	int i = name_index(s, kind_names, DEVICE_KIND__COUNT);
	if (i < 0)
		return false;
	*out = (enum device_kind)i;
	return true;
}

bool device_status_parse(const char *s, enum device_status *out)
{
	int i = name_index(s, status_names, DEVICE_STATUS__COUNT);
	if (i < 0)
		return false;
	*out = (enum device_status)i;
	return true;
}

/* ---- who may ---- */

bool device_can_manage(const struct account *a)
{
	return a && (a->role_mask & ((1u << ROLE_DISTRICT_ADMIN) | (1u << ROLE_IT_STAFF)));
}

bool device_can_view(const struct account *a)
{
	return a && (device_can_manage(a) ||
		     (a->role_mask & ((1u << ROLE_PRINCIPAL) | (1u << ROLE_TECH_CHAMPION))));
}

bool device_can_view_school(const struct account *a, const char *school_sid)
{
	if (device_can_manage(a))
		return true;
	if (!a || !school_sid || !*school_sid)
		return false;
	for (int i = 0; i < a->nroles; i++)
		if ((a->roles[i].role == ROLE_PRINCIPAL ||
		     a->roles[i].role == ROLE_TECH_CHAMPION) &&
		    strcmp(a->roles[i].scope_type, "school") == 0 &&
		    strcmp(a->roles[i].scope_id, school_sid) == 0)
			return true;
	return false;
}

/* ---- dates ---- */

void device_today(struct db *db, int64_t district_id, int64_t now, char out[11])
{
	char zone[64];
	const struct tz *z = NULL;
	if (district_time_zone(db, district_id, zone, sizeof zone) == EB_OK)
		z = tz_get(zone);
	if (!z)
		z = tz_utc();
	int64_t local = now + tz_offset(z, now, NULL);
	int32_t days = (int32_t)(local >= 0 ? local / 86400 : (local - 86399) / 86400);
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}

/* A valid YYYY-MM-DD (a real day). */
static bool date_ok(const char *s)
{
	int32_t days;
	return s && strlen(s) == 10 && date_parse_ymd(str_from(s), &days) == EB_OK;
}

/* ---- reading devices ---- */

/* The columns of struct device, in order; ?9 is today (YYYY-MM-DD). */
#define DEVICE_COLS                                                                                \
	"d.id, d.asset_tag, d.serial, d.model, d.kind, d.status, d.school_sourced_id,"             \
	" coalesce(o.name, ''), d.assignee_sourced_id, d.assignee_kind = 'student',"               \
	" coalesce(trim(coalesce(nullif(p.preferred_first_name, ''), p.given_name) || ' ' ||"      \
	" p.family_name), ''), d.purchase_date, d.warranty_end, d.update_end, d.notes,"            \
	" d.org_unit, d.last_user, d.last_sync, a.due_date,"                                       \
	" CASE WHEN a.due_date < ?9 THEN 1 ELSE 0 END, d.created_at, d.updated_at"
#define DEVICE_FROM                                                                                \
	" FROM device d LEFT JOIN org o ON o.district_id = d.district_id"                          \
	"  AND o.sourced_id = d.school_sourced_id"                                                 \
	" LEFT JOIN person p ON p.district_id = d.district_id"                                     \
	"  AND p.sourced_id = d.assignee_sourced_id"                                               \
	" LEFT JOIN device_assignment a ON a.device_id = d.id AND a.in_at IS NULL"

static enum eb_err device_finish(struct db_stmt *st, void *row, struct arena *arena)
{
	struct device *d = row;
	(void)arena;
	if (!device_kind_parse(db_col_text(st, 4), &d->kind))
		d->kind = DEVICE_OTHER;
	if (!device_status_parse(db_col_text(st, 5), &d->status))
		d->status = DEVICE_IN_SERVICE;
	return EB_OK;
}

DB_ROWSPEC(device_spec, struct device, device_finish, DB_FIELD_INT(struct device, id),
	   DB_FIELD_STR(struct device, asset_tag), DB_FIELD_STR(struct device, serial),
	   DB_FIELD_STR(struct device, model), DB_FIELD_SKIP, DB_FIELD_SKIP,
	   DB_FIELD_STR(struct device, school_sid), DB_FIELD_STR(struct device, school_name),
	   DB_FIELD_TEXT(struct device, assignee_sid),
	   DB_FIELD_INT(struct device, assignee_is_student),
	   DB_FIELD_STR(struct device, assignee_name), DB_FIELD_TEXT(struct device, purchase_date),
	   DB_FIELD_TEXT(struct device, warranty_end), DB_FIELD_TEXT(struct device, update_end),
	   DB_FIELD_STR(struct device, notes), DB_FIELD_STR(struct device, org_unit),
	   DB_FIELD_STR(struct device, last_user), DB_FIELD_INT(struct device, last_sync),
	   DB_FIELD_TEXT(struct device, due_date), DB_FIELD_INT(struct device, overdue),
	   DB_FIELD_INT(struct device, created_at), DB_FIELD_INT(struct device, updated_at));

enum eb_err device_get(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
		       struct device *out)
{
	char today[11];
	device_today(db, district_id, time_now(), today);
	return db_get_row(
		db, "SELECT " DEVICE_COLS DEVICE_FROM " WHERE d.district_id = ?1 AND d.id = ?2",
		DB_ARGS(DB_INT(district_id), DB_INT(id), DB_NULL, DB_NULL, DB_NULL, DB_NULL,
			DB_NULL, DB_NULL, DB_TEXT(today)),
		&device_spec, arena, out);
}

bool device_exists(struct db *db, int64_t district_id, int64_t id)
{
	int64_t one;
	return db_get_int(db, "SELECT 1 FROM device WHERE district_id = ?1 AND id = ?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(id)), &one) == EB_OK;
}

enum eb_err device_id_by_tag(struct db *db, int64_t district_id, const char *asset_tag, int64_t *id)
{
	return db_get_int(db, "SELECT id FROM device WHERE district_id = ?1 AND asset_tag = ?2",
			  DB_ARGS(DB_INT(district_id), DB_TEXT(asset_tag)), id);
}

/* s with LIKE's wildcards escaped ('\'), between '%'s, in the arena. */
static char *like_pattern(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	char *p = arena_alloc(a, 2 * n + 3);
	if (!p)
		return NULL;
	size_t k = 0;
	p[k++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			p[k++] = '\\';
		p[k++] = s[i];
	}
	p[k++] = '%';
	p[k] = '\0';
	return p;
}

struct device_row_total {
	struct device d;
	int64_t total;
};

/* Reads the rows of a "SELECT DEVICE_COLS, count(*) OVER ()" query into
 * *out (n of them; total: the window count, 0 when none), then finishes it. */
static enum eb_err read_devices(struct db_stmt *st, struct arena *arena, struct device **out,
				size_t *n, size_t *total)
{
	size_t cap = 0;
	struct device *v = NULL;
	if (total)
		*total = 0;
	while (db_next(st)) {
		struct device *nv = arena_grow(arena, v, *n, &cap, sizeof *v, 32);
		if (!nv) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		v = nv;
		db_read_row(st, &device_spec, arena, &v[*n]);
		if (total)
			*total = (size_t)db_col_int(st, 22);
		(*n)++;
	}
	enum eb_err rc = db_done(st);
	if (rc) {
		*n = 0;
		return rc;
	}
	*out = v;
	return EB_OK;
}

enum eb_err device_list(struct db *db, int64_t district_id, const struct device_filter *f,
			struct arena *arena, struct device **out, size_t *n, size_t *total)
{
	*out = NULL;
	*n = 0;
	if (total)
		*total = 0;
	size_t limit = f->limit ? f->limit : 100;
	if (limit > 500)
		limit = 500;
	char today[11];
	device_today(db, district_id, time_now(), today);
	/* the schools a principal or champion sees, joined with commas (a
	 * sourcedId has none: OneRoster lists them comma-separated) */
	char *schools = NULL;
	if (f->n_schools) {
		size_t len = 1;
		for (size_t i = 0; i < f->n_schools; i++)
			len += strlen(f->school_sids[i]) + 1;
		if (!(schools = arena_alloc(arena, len)))
			return EB_ENOMEM;
		size_t k = 0;
		for (size_t i = 0; i < f->n_schools; i++) {
			size_t m = strlen(f->school_sids[i]);
			memcpy(schools + k, f->school_sids[i], m);
			k += m;
			if (i + 1 < f->n_schools)
				schools[k++] = ',';
		}
		schools[k] = '\0';
	}
	const char *kind = f->kind > 0 ? device_kind_name((enum device_kind)(f->kind - 1)) : NULL;
	const char *status = f->status > 0 ? device_status_name((enum device_status)(f->status - 1))
					   : NULL;
	char *q = f->q && *f->q ? like_pattern(arena, f->q) : NULL;
	if (f->q && *f->q && !q)
		return EB_ENOMEM;
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT " DEVICE_COLS ", count(*) OVER ()" DEVICE_FROM
		" WHERE d.district_id = ?1 AND (?2 IS NULL OR d.school_sourced_id = ?2)"
		" AND (?3 IS NULL OR instr(',' || ?3 || ',', ',' || d.school_sourced_id || ',') > "
		"0)"
		" AND (?4 IS NULL OR d.kind = ?4) AND (?5 IS NULL OR d.status = ?5)"
		" AND (?6 = 0 OR a.due_date < ?9)"
		" AND (?7 IS NULL OR d.asset_tag LIKE ?7 ESCAPE '\\' OR d.serial LIKE ?7 ESCAPE "
		"'\\'"
		"  OR d.model LIKE ?7 ESCAPE '\\')"
		" ORDER BY d.asset_tag LIMIT ?8 OFFSET ?10",
		DB_ARGS(DB_INT(district_id),
			DB_TEXT(f->school_sid && *f->school_sid ? f->school_sid : NULL),
			DB_TEXT(schools), DB_TEXT(kind), DB_TEXT(status), DB_INT(f->overdue),
			DB_TEXT(q), DB_INT(limit), DB_TEXT(today), DB_INT(f->offset)),
		&st);
	if (rc)
		return rc;
	return read_devices(st, arena, out, n, total);
}

/* ---- writing devices ---- */

enum eb_err device_school_lookup(struct db *db, int64_t district_id, const char *s, char *sid,
				 size_t cap)
{
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT sourced_id FROM org WHERE district_id = ?1 AND type = 'school'"
			 " AND (sourced_id = ?2 OR identifier = ?2 COLLATE NOCASE"
			 "  OR name = ?2 COLLATE NOCASE)"
			 " ORDER BY sourced_id = ?2 DESC, identifier = ?2 COLLATE NOCASE DESC"
			 " LIMIT 1",
			 DB_ARGS(DB_INT(district_id), DB_TEXT(s)), &st);
	if (rc)
		return rc;
	bool found = false;
	if (db_next(st)) {
		db_col_copy(st, 0, sid, cap);
		found = true;
	}
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

static const char *nul_if_empty(const char *s)
{
	return s && *s ? s : NULL;
}

enum eb_err device_upsert(struct db *db, int64_t district_id, const struct device_fields *f,
			  int64_t now, int64_t *id_out, bool *created)
{
	const char *tag = *f->asset_tag ? f->asset_tag : f->serial;
	if (!tag || !*tag)
		return EB_EINVAL;
	int64_t id = 0;
	enum eb_err rc;
	if (*f->asset_tag) {
		rc = device_id_by_tag(db, district_id, f->asset_tag, &id);
		/* first imported without a tag (tagged with its serial): it takes
		 * its asset tag now */
		if (rc == EB_ENOTFOUND && *f->serial)
			rc = db_get_int(
				db,
				"SELECT id FROM device WHERE district_id = ?1 AND serial = ?2"
				" AND asset_tag = ?2",
				DB_ARGS(DB_INT(district_id), DB_TEXT(f->serial)), &id);
	} else {
		rc = db_get_int(db,
				"SELECT id FROM device WHERE district_id = ?1 AND serial = ?2"
				" ORDER BY asset_tag = ?2 DESC, id LIMIT 1",
				DB_ARGS(DB_INT(district_id), DB_TEXT(f->serial)), &id);
	}
	if (rc && rc != EB_ENOTFOUND)
		return rc;
	if (created)
		*created = rc == EB_ENOTFOUND;
	const char *status_in = f->status_given ? device_status_name(f->status) : NULL;
	if (rc == EB_ENOTFOUND) {
		rc = db_execute(
			db,
			"INSERT INTO device(district_id, asset_tag, serial, model, kind,"
			" school_sourced_id, status, purchase_date, warranty_end, update_end, "
			"notes,"
			" org_unit, last_user, last_sync, created_at, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
			" ?15)",
			DB_ARGS(DB_INT(district_id), DB_TEXT(tag), DB_TEXT(f->serial),
				DB_TEXT(f->model), DB_TEXT(device_kind_name(f->kind)),
				DB_TEXT(f->school_sid),
				DB_TEXT(status_in ? status_in : "in_service"),
				DB_TEXT(nul_if_empty(f->purchase_date)),
				DB_TEXT(nul_if_empty(f->warranty_end)),
				DB_TEXT(nul_if_empty(f->update_end)), DB_TEXT(f->notes),
				DB_TEXT(f->org_unit), DB_TEXT(f->last_user),
				DB_INT_IF(f->last_sync, f->last_sync), DB_INT(now)),
			NULL);
		if (!rc)
			id = db_last_id(db);
	} else {
		/* a device someone holds keeps "assigned" (check it in first); a
		 * loaner on the shelf stays in the pool when the export calls it
		 * in service (the export knows neither) */
		rc = db_execute(
			db,
			"UPDATE device SET asset_tag = coalesce(?3, asset_tag), serial = CASE WHEN "
			"?4 = '' THEN serial"
			" ELSE ?4 END, model = CASE WHEN ?5 = '' THEN model ELSE ?5 END, kind = ?6,"
			" school_sourced_id = ?7,"
			" status = CASE WHEN ?8 IS NULL OR status = 'assigned'"
			"  OR (status = 'loaner_pool' AND ?8 = 'in_service') THEN status ELSE ?8 "
			"END,"
			" purchase_date = coalesce(?9, purchase_date),"
			" warranty_end = coalesce(?10, warranty_end),"
			" update_end = coalesce(?11, update_end),"
			" notes = CASE WHEN ?12 = '' THEN notes ELSE ?12 END,"
			" org_unit = CASE WHEN ?13 = '' THEN org_unit ELSE ?13 END,"
			" last_user = CASE WHEN ?14 = '' THEN last_user ELSE ?14 END,"
			" last_sync = coalesce(?15, last_sync), updated_at = ?16"
			" WHERE district_id = ?1 AND id = ?2",
			DB_ARGS(DB_INT(district_id), DB_INT(id),
				DB_TEXT(*f->asset_tag ? tag : NULL), DB_TEXT(f->serial),
				DB_TEXT(f->model), DB_TEXT(device_kind_name(f->kind)),
				DB_TEXT(f->school_sid), DB_TEXT(status_in),
				DB_TEXT(nul_if_empty(f->purchase_date)),
				DB_TEXT(nul_if_empty(f->warranty_end)),
				DB_TEXT(nul_if_empty(f->update_end)), DB_TEXT(f->notes),
				DB_TEXT(f->org_unit), DB_TEXT(f->last_user),
				DB_INT_IF(f->last_sync, f->last_sync), DB_INT(now)),
			NULL);
	}
	if (!rc && id_out)
		*id_out = id;
	return rc;
}

/* ---- check-out and check-in ---- */

static void fail(char *why, size_t cap, const char *fmt, const char *arg)
{
	if (why && cap)
		snprintf(why, cap, fmt, arg ? arg : "");
}

/* Opens a transaction unless the caller holds one: *own says whether to
 * commit it here. */
static enum eb_err tx_open(struct db *db, bool *own)
{
	*own = !db_in_transaction(db);
	return *own ? db_begin(db) : EB_OK;
}

static enum eb_err tx_close(struct db *db, bool own, enum eb_err rc)
{
	if (!own)
		return rc;
	if (rc) {
		db_rollback(db);
		return rc;
	}
	rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

static bool text_ok(const char *s, size_t max)
{
	return strlen(s) <= max && str_utf8_valid(str_from(s), NULL);
}

enum eb_err device_checkout(struct db *db, int64_t district_id, const struct audit_actor *who,
			    const char *who_name, int64_t id, const char *person,
			    const char *due_date, const char *condition, int64_t now,
			    const char *today, char *why, size_t cap)
{
	if (why && cap)
		why[0] = '\0';
	person = person ? person : "";
	due_date = due_date ? due_date : "";
	condition = condition ? condition : "";
	if (!*person || strlen(person) > 255 || !str_utf8_valid(str_from(person), NULL)) {
		fail(why, cap, "person: give the student's or staff member's id, login or email%s",
		     NULL);
		return EB_EINVAL;
	}
	if (*due_date && !date_ok(due_date)) {
		fail(why, cap, "due_date: '%.20s' is not a date YYYY-MM-DD", due_date);
		return EB_EINVAL;
	}
	if (*due_date && strcmp(due_date, today) < 0) {
		fail(why, cap, "due_date: %.20s has passed; give a day from today on", due_date);
		return EB_EINVAL;
	}
	if (!text_ok(condition, DEVICE_CONDITION_MAX)) {
		fail(why, cap, "condition: at most 500 characters of text%s", NULL);
		return EB_EINVAL;
	}
	bool own;
	enum eb_err rc = tx_open(db, &own);
	if (rc)
		return rc;
	char status_s[16] = "", tag[DEVICE_TAG_MAX + 1] = "";
	struct db_stmt *st;
	if ((rc = db_query(
		     db, "SELECT status, asset_tag FROM device WHERE district_id = ?1 AND id = ?2",
		     DB_ARGS(DB_INT(district_id), DB_INT(id)), &st)))
		goto out;
	bool found = false;
	if (db_next(st)) {
		db_col_copy(st, 0, status_s, sizeof status_s);
		db_col_copy(st, 1, tag, sizeof tag);
		found = true;
	}
	if ((rc = db_done(st)))
		goto out;
	if (!found) {
		rc = EB_ENOTFOUND;
		goto out;
	}
	enum device_status status;
	if (!device_status_parse(status_s, &status))
		status = DEVICE_IN_SERVICE;
	if (status == DEVICE_ASSIGNED) {
		fail(why, cap, "device: someone holds this device already; check it in first%s",
		     NULL);
		rc = EB_EINVAL;
		goto out;
	}
	if (status == DEVICE_LOST || status == DEVICE_RETIRED || status == DEVICE_IN_REPAIR) {
		fail(why, cap, "device: a device that is %s cannot be checked out",
		     status == DEVICE_LOST	? "lost"
		     : status == DEVICE_RETIRED ? "retired"
						: "in repair");
		rc = EB_EINVAL;
		goto out;
	}
	bool loaner = status == DEVICE_LOANER_POOL;
	if (loaner && !*due_date) {
		fail(why, cap, "due_date: a loaner needs the day it comes back%s", NULL);
		rc = EB_EINVAL;
		goto out;
	}
	/* the person, by sourcedId first, then login or email, in this district
	 * only: a person of another district reads as unknown here */
	char psid[256] = "", role[64] = "";
	if ((rc = db_query(db,
			   "SELECT sourced_id, role FROM person WHERE district_id = ?1"
			   " AND status = 'active' AND (sourced_id = ?2"
			   "  OR username = ?2 COLLATE NOCASE OR email = ?2 COLLATE NOCASE)"
			   " ORDER BY sourced_id = ?2 DESC LIMIT 1",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(person)), &st)))
		goto out;
	found = false;
	if (db_next(st)) {
		db_col_copy(st, 0, psid, sizeof psid);
		db_col_copy(st, 1, role, sizeof role);
		found = true;
	}
	if ((rc = db_done(st)))
		goto out;
	if (!found) {
		fail(why, cap, "person: '%.60s' is not a student or staff member of this district",
		     person);
		rc = EB_EINVAL;
		goto out;
	}
	if (strcmp(role, "parent") == 0 || strcmp(role, "guardian") == 0 ||
	    strcmp(role, "relative") == 0) {
		fail(why, cap,
		     "person: '%.60s' is a parent or guardian; lend a family's device to their"
		     " child",
		     person);
		rc = EB_EINVAL;
		goto out;
	}
	bool student = strcmp(role, "student") == 0;
	const char *kind = student ? "student" : "staff";
	if ((rc = db_execute(db,
			     "INSERT INTO device_assignment(district_id, device_id,"
			     " person_sourced_id, person_kind, loaner, due_date, out_at,"
			     " out_by_account_id, out_by_name, out_condition)"
			     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			     DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(psid), DB_TEXT(kind),
				     DB_INT(loaner), DB_TEXT(nul_if_empty(due_date)), DB_INT(now),
				     DB_INT(who ? who->account_id : 0),
				     DB_TEXT(who_name && *who_name ? who_name : "edbridge"),
				     DB_TEXT(condition)),
			     NULL)))
		goto out;
	if ((rc = db_execute(
		     db,
		     "UPDATE device SET status = 'assigned', assignee_sourced_id = ?3,"
		     " assignee_kind = ?4, updated_at = ?5 WHERE district_id = ?1 AND id = ?2",
		     DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(psid), DB_TEXT(kind),
			     DB_INT(now)),
		     NULL)))
		goto out;
	if (student) {
		char detail[160];
		snprintf(detail, sizeof detail, "device %s checked out%s%s", tag,
			 *due_date ? ", due " : "", due_date);
		rc = audit_record(db, district_id, who, "device_checkout", "student", psid, detail);
	}
out:
	return tx_close(db, own, rc);
}

enum eb_err device_checkin(struct db *db, int64_t district_id, const struct audit_actor *who,
			   const char *who_name, int64_t id, const char *condition, bool damaged,
			   int64_t now, char *why, size_t cap)
{
	if (why && cap)
		why[0] = '\0';
	condition = condition ? condition : "";
	if (!text_ok(condition, DEVICE_CONDITION_MAX)) {
		fail(why, cap, "condition: at most 500 characters of text%s", NULL);
		return EB_EINVAL;
	}
	bool own;
	enum eb_err rc = tx_open(db, &own);
	if (rc)
		return rc;
	if (!device_exists(db, district_id, id)) {
		rc = EB_ENOTFOUND;
		goto out;
	}
	int64_t aid = 0, loaner = 0;
	char psid[256] = "", kind[16] = "", tag[DEVICE_TAG_MAX + 1] = "";
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT a.id, a.loaner, a.person_sourced_id, a.person_kind, d.asset_tag"
			   " FROM device_assignment a JOIN device d ON d.id = a.device_id"
			   " WHERE a.district_id = ?1 AND a.device_id = ?2 AND a.in_at IS NULL",
			   DB_ARGS(DB_INT(district_id), DB_INT(id)), &st)))
		goto out;
	if (db_next(st)) {
		aid = db_col_int(st, 0);
		loaner = db_col_int(st, 1);
		db_col_copy(st, 2, psid, sizeof psid);
		db_col_copy(st, 3, kind, sizeof kind);
		db_col_copy(st, 4, tag, sizeof tag);
	}
	if ((rc = db_done(st)))
		goto out;
	if (!aid) {
		fail(why, cap, "device: nobody holds this device; there is nothing to check in%s",
		     NULL);
		rc = EB_EINVAL;
		goto out;
	}
	if ((rc = db_execute(
		     db,
		     "UPDATE device_assignment SET in_at = ?3, in_by_account_id = ?4,"
		     " in_by_name = ?5, in_condition = ?6 WHERE district_id = ?1 AND id = ?2",
		     DB_ARGS(DB_INT(district_id), DB_INT(aid), DB_INT(now),
			     DB_INT(who ? who->account_id : 0),
			     DB_TEXT(who_name && *who_name ? who_name : "edbridge"),
			     DB_TEXT(condition)),
		     NULL)))
		goto out;
	const char *to = damaged ? "in_repair" : loaner ? "loaner_pool" : "in_service";
	if ((rc = db_execute(
		     db,
		     "UPDATE device SET status = ?3, assignee_sourced_id = NULL,"
		     " assignee_kind = NULL, updated_at = ?4 WHERE district_id = ?1 AND id = ?2",
		     DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(to), DB_INT(now)), NULL)))
		goto out;
	if (strcmp(kind, "student") == 0) {
		char detail[160];
		snprintf(detail, sizeof detail, "device %s checked in%s", tag,
			 damaged ? ", damaged" : "");
		rc = audit_record(db, district_id, who, "device_checkin", "student", psid, detail);
	}
out:
	return tx_close(db, own, rc);
}

DB_ROWSPEC(assignment_spec, struct device_assignment, NULL,
	   DB_FIELD_INT(struct device_assignment, id),
	   DB_FIELD_INT(struct device_assignment, out_at),
	   DB_FIELD_INT(struct device_assignment, in_at),
	   DB_FIELD_STR(struct device_assignment, person_sid),
	   DB_FIELD_STR(struct device_assignment, person_name),
	   DB_FIELD_INT(struct device_assignment, person_is_student),
	   DB_FIELD_INT(struct device_assignment, loaner),
	   DB_FIELD_INT(struct device_assignment, overdue),
	   DB_FIELD_TEXT(struct device_assignment, due_date),
	   DB_FIELD_STR(struct device_assignment, out_by),
	   DB_FIELD_STR(struct device_assignment, out_condition),
	   DB_FIELD_STR(struct device_assignment, in_by),
	   DB_FIELD_STR(struct device_assignment, in_condition));

enum eb_err device_history(struct db *db, int64_t district_id, int64_t id, const char *today,
			   struct arena *arena, struct device_assignment **out, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT a.id, a.out_at, a.in_at, a.person_sourced_id,"
		" coalesce(trim(coalesce(nullif(p.preferred_first_name, ''), p.given_name) || ' ' "
		"||"
		" p.family_name), ''), a.person_kind = 'student', a.loaner,"
		" CASE WHEN a.in_at IS NULL AND a.due_date < ?3 THEN 1 ELSE 0 END, a.due_date,"
		" a.out_by_name,"
		" a.out_condition, a.in_by_name, a.in_condition"
		" FROM device_assignment a LEFT JOIN person p ON p.district_id = a.district_id"
		"  AND p.sourced_id = a.person_sourced_id"
		" WHERE a.district_id = ?1 AND a.device_id = ?2 ORDER BY a.out_at DESC, a.id DESC"
		" LIMIT 200",
		DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(today)), &assignment_spec, arena,
		out, n);
}

enum eb_err device_overdue(struct db *db, int64_t district_id, const char *today, size_t max,
			   struct arena *arena, struct device **out, size_t *n, size_t *total)
{
	*out = NULL;
	*n = 0;
	if (max < 1)
		max = 1;
	if (max > 500)
		max = 500;
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT " DEVICE_COLS ", count(*) OVER ()" DEVICE_FROM
			 " WHERE d.district_id = ?1 AND a.district_id = ?1 AND a.due_date < ?9"
			 " ORDER BY a.due_date, d.asset_tag LIMIT ?8",
			 DB_ARGS(DB_INT(district_id), DB_NULL, DB_NULL, DB_NULL, DB_NULL, DB_NULL,
				 DB_NULL, DB_INT(max), DB_TEXT(today)),
			 &st);
	if (rc)
		return rc;
	return read_devices(st, arena, out, n, total);
}

/* ---- hotspots lent to families ---- */

DB_ROWSPEC(reach_spec, struct device_reach_school, NULL,
	   DB_FIELD_STR(struct device_reach_school, school_sid),
	   DB_FIELD_STR(struct device_reach_school, school_name),
	   DB_FIELD_INT(struct device_reach_school, families_no_internet),
	   DB_FIELD_INT(struct device_reach_school, with_hotspot));

enum eb_err device_hotspot_reach(struct db *db, int64_t district_id, const char *only_school,
				 struct arena *arena, struct device_reach_school **out, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT f.school, coalesce(o.name, ''), count(*), sum(f.hotspot) FROM ("
		" SELECT g.sourced_id,"
		"  coalesce((SELECT min(e.school_sourced_id) FROM guardianship k"
		"   JOIN enrollment e ON e.district_id = k.district_id"
		"    AND e.user_sourced_id = k.student_sourced_id AND e.role = 'student'"
		"    AND e.status = 'active'"
		"   WHERE k.district_id = ?1 AND k.guardian_sourced_id = g.sourced_id), '') AS "
		"school,"
		"  EXISTS (SELECT 1 FROM guardianship k JOIN device d"
		"   ON d.district_id = k.district_id AND d.assignee_sourced_id = "
		"k.student_sourced_id"
		"   AND d.assignee_kind = 'student' AND d.kind = 'hotspot'"
		"   WHERE k.district_id = ?1 AND k.guardian_sourced_id = g.sourced_id) AS hotspot"
		" FROM person g WHERE g.district_id = ?1 AND g.home_internet = 0"
		"  AND EXISTS (SELECT 1 FROM guardianship k WHERE k.district_id = ?1"
		"   AND k.guardian_sourced_id = g.sourced_id)) f"
		" LEFT JOIN org o ON o.district_id = ?1 AND o.sourced_id = f.school"
		" WHERE ?2 IS NULL OR f.school = ?2"
		" GROUP BY f.school ORDER BY coalesce(o.name, f.school) = '', coalesce(o.name, "
		"f.school)",
		DB_ARGS(DB_INT(district_id),
			DB_TEXT(only_school && *only_school ? only_school : NULL)),
		&reach_spec, arena, out, n);
}
