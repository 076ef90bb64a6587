#include "domain/district.h"

#include <string.h>

#include "base/str.h"
#include "base/tz.h"
#include "store/db.h"

enum eb_err district_create(struct db *db, const char *name, int64_t *id)
{
	struct str n = str_trim(str_from(name));
	if (n.n == 0 || n.n > 200)
		return EB_EINVAL;
	enum eb_err rc = db_execute(db, "INSERT INTO district(name) VALUES(?1)",
				    DB_ARGS(DB_TEXTN(n.p, n.n)), NULL);
	if (!rc)
		*id = db_last_id(db);
	return rc;
}

bool district_exists(struct db *db, int64_t id)
{
	int64_t one;
	return db_get_int(db, "SELECT 1 FROM district WHERE id=?1", DB_ARGS(DB_INT(id)), &one) ==
	       EB_OK;
}

enum eb_err district_only(struct db *db, int64_t *id)
{
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db, "SELECT id FROM district ORDER BY id LIMIT 2", DB_NOARGS, &st);
	if (rc)
		return rc;
	int n = 0;
	while (db_next(st)) {
		if (n++ == 0)
			*id = db_col_int(st, 0);
	}
	if ((rc = db_done(st)))
		return rc;
	return n == 0 ? EB_ENOTFOUND : n > 1 ? EB_ECONFLICT : EB_OK;
}

enum eb_err district_name(struct db *db, int64_t id, char *out, size_t cap)
{
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db, "SELECT name FROM district WHERE id=?1", DB_ARGS(DB_INT(id)), &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found)
		db_col_copy(st, 0, out, cap);
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

DB_ROWSPEC(levels_spec, struct district_levels, NULL,
	   DB_FIELD_REAL(struct district_levels, approaching),
	   DB_FIELD_REAL(struct district_levels, proficient),
	   DB_FIELD_REAL(struct district_levels, mastered));

enum eb_err district_levels(struct db *db, int64_t id, struct district_levels *out)
{
	return db_get_row(db,
			  "SELECT level_approaching, level_proficient, level_mastered"
			  " FROM district WHERE id=?1",
			  DB_ARGS(DB_INT(id)), &levels_spec, NULL, out);
}

size_t district_all(struct db *db, int64_t *ids, size_t cap)
{
	struct db_stmt *st;
	size_t n = 0;
	if (db_query(db, "SELECT id FROM district ORDER BY id", DB_NOARGS, &st))
		return 0;
	while (db_next(st)) {
		if (n < cap)
			ids[n] = db_col_int(st, 0);
		n++;
	}
	(void)db_done(st); /* a failed read counts what it saw */
	return n;
}

enum eb_err district_time_zone(struct db *db, int64_t id, char *out, size_t cap)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db, "SELECT time_zone FROM district WHERE id=?1",
				  DB_ARGS(DB_INT(id)), &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found)
		db_col_copy(st, 0, out, cap);
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

enum eb_err district_set_time_zone(struct db *db, int64_t id, const char *name)
{
	if (!tz_get(name))
		return EB_EINVAL;
	int changes = 0;
	enum eb_err rc = db_execute(db, "UPDATE district SET time_zone=?2 WHERE id=?1",
				    DB_ARGS(DB_INT(id), DB_TEXT(name)), &changes);
	return rc ? rc : changes ? EB_OK : EB_ENOTFOUND;
}
