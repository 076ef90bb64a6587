#include "domain/district.h"

#include <string.h>

#include "base/str.h"
#include "store/db.h"

enum eb_err district_create(struct db *db, const char *name, int64_t *id)
{
	struct str n = str_trim(str_from(name));
	if (n.n == 0 || n.n > 200)
		return EB_EINVAL;
	struct db_stmt *st;
	if (db_prepare(db, "INSERT INTO district(name) VALUES(?)", &st))
		return EB_EDB;
	db_bind_text(st, 1, n.p, (int)n.n);
	enum eb_err rc = db_run(st);
	if (!rc)
		*id = db_last_id(db);
	return rc;
}

bool district_exists(struct db *db, int64_t id)
{
	struct db_stmt *st;
	if (db_prepare(db, "SELECT 1 FROM district WHERE id=?", &st))
		return false;
	db_bind_int(st, 1, id);
	bool ok = db_step(st) == DB_ROW;
	db_reset(st);
	return ok;
}

enum eb_err district_only(struct db *db, int64_t *id)
{
	struct db_stmt *st;
	if (db_prepare(db, "SELECT id FROM district ORDER BY id LIMIT 2", &st))
		return EB_EDB;
	int n = 0;
	while (db_step(st) == DB_ROW) {
		if (n++ == 0)
			*id = db_col_int(st, 0);
	}
	db_reset(st);
	return n == 0 ? EB_ENOTFOUND : n > 1 ? EB_ECONFLICT : EB_OK;
}

enum eb_err district_name(struct db *db, int64_t id, char *out, size_t cap)
{
	struct db_stmt *st;
	if (db_prepare(db, "SELECT name FROM district WHERE id=?", &st))
		return EB_EDB;
	db_bind_int(st, 1, id);
	enum eb_err rc = EB_ENOTFOUND;
	if (db_step(st) == DB_ROW) {
		str_copy(out, cap, db_col_text(st, 0));
		rc = EB_OK;
	}
	db_reset(st);
	return rc;
}

enum eb_err district_levels(struct db *db, int64_t id, struct district_levels *out)
{
	struct db_stmt *st;
	if (db_prepare(db,
		       "SELECT level_approaching, level_proficient, level_mastered"
		       " FROM district WHERE id=?",
		       &st))
		return EB_EDB;
	db_bind_int(st, 1, id);
	enum eb_err rc = EB_ENOTFOUND;
	if (db_step(st) == DB_ROW) {
		out->approaching = db_col_double(st, 0);
		out->proficient = db_col_double(st, 1);
		out->mastered = db_col_double(st, 2);
		rc = EB_OK;
	}
	db_reset(st);
	return rc;
}

size_t district_all(struct db *db, int64_t *ids, size_t cap)
{
	struct db_stmt *st;
	size_t n = 0;
	if (db_prepare(db, "SELECT id FROM district ORDER BY id", &st))
		return 0;
	while (db_step(st) == DB_ROW) {
		if (n < cap)
			ids[n] = db_col_int(st, 0);
		n++;
	}
	db_reset(st);
	return n;
}
