/* assessments.c - see assessments.h. */
#include "domain/assessments.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "store/db.h"

enum eb_err assessment_find(struct db *db, int64_t district_id, const char *name, int64_t *id,
			    double *scale_min, double *scale_max)
{
	struct db_stmt *st;
	enum eb_err e = db_prepare(db,
				   "SELECT id,scale_min,scale_max FROM assessment WHERE district_id=?"
				   " AND name=?",
				   &st);
	if (e)
		return e;
	db_bind_int(st, 1, district_id);
	db_bind_text(st, 2, name, -1);
	int r = db_step(st);
	if (r == DB_ROW) {
		*id = db_col_int(st, 0);
		if (scale_min)
			*scale_min = db_col_double(st, 1);
		if (scale_max)
			*scale_max = db_col_double(st, 2);
	}
	db_reset(st);
	return r == DB_ROW ? EB_OK : r == DB_DONE ? EB_ENOTFOUND : EB_EDB;
}

enum eb_err assessment_ensure(struct db *db, int64_t district_id, const char *name,
			      double scale_min, double scale_max, int64_t *id, char *why,
			      size_t cap)
{
	if (!name || str_trim(str_from(name)).n == 0 || strlen(name) > ASSESSMENT_NAME_MAX) {
		if (why && cap)
			snprintf(why, cap, "name: must be 1..%d characters", ASSESSMENT_NAME_MAX);
		return EB_EINVAL;
	}
	if (!isfinite(scale_min) || !isfinite(scale_max) || scale_min >= scale_max) {
		if (why && cap)
			snprintf(why, cap, "scale: the minimum must be below the maximum");
		return EB_EINVAL;
	}
	double lo, hi;
	enum eb_err e = assessment_find(db, district_id, name, id, &lo, &hi);
	if (e == EB_OK) {
		if (lo != scale_min || hi != scale_max) {
			if (why && cap)
				snprintf(why, cap,
					 "scale: '%s' is stored with scale %g..%g, not %g..%g (mixed scales;"
					 " use another assessment name)",
					 name, lo, hi, scale_min, scale_max);
			return EB_ECONFLICT;
		}
		return EB_OK;
	}
	if (e != EB_ENOTFOUND)
		return e;
	struct db_stmt *st;
	if ((e = db_prepare(db,
			    "INSERT INTO assessment(district_id,name,scale_min,scale_max) VALUES(?,?,?,?)",
			    &st)))
		return e;
	db_bind_int(st, 1, district_id);
	db_bind_text(st, 2, name, -1);
	db_bind_double(st, 3, scale_min);
	db_bind_double(st, 4, scale_max);
	if ((e = db_run(st)))
		return e;
	*id = db_last_id(db);
	return EB_OK;
}

enum eb_err assessment_score_put(struct db *db, int64_t district_id, int64_t assessment_id,
				 const char *student_sid, const char *date, double score)
{
	struct db_stmt *st;
	enum eb_err e = db_prepare(db,
				   "INSERT OR REPLACE INTO assessment_score(district_id,assessment_id,"
				   "student_sourced_id,date,score) VALUES(?,?,?,?,?)",
				   &st);
	if (e)
		return e;
	db_bind_int(st, 1, district_id);
	db_bind_int(st, 2, assessment_id);
	db_bind_text(st, 3, student_sid, -1);
	db_bind_text(st, 4, date, -1);
	db_bind_double(st, 5, score);
	return db_run(st);
}

enum eb_err assessment_scores(struct db *db, int64_t district_id, int64_t assessment_id,
			      struct arena *a, struct assessment_score **out, size_t *n)
{
	struct db_stmt *st;
	enum eb_err e = db_prepare(db,
				   "SELECT student_sourced_id,date,score FROM assessment_score WHERE"
				   " district_id=? AND assessment_id=? ORDER BY student_sourced_id,date",
				   &st);
	if (e)
		return e;
	db_bind_int(st, 1, district_id);
	db_bind_int(st, 2, assessment_id);
	size_t cap = 256, k = 0;
	struct assessment_score *v = arena_alloc(a, cap * sizeof *v);
	int r;
	while ((r = db_step(st)) == DB_ROW) {
		int32_t day;
		const char *d = db_col_text(st, 1);
		if (!d || date_parse_ymd(str_from(d), &day))
			continue;
		struct assessment_score *nv = arena_grow(a, v, k, &cap, sizeof *v, 0);
		if (!nv) {
			db_reset(st);
			return EB_ENOMEM;
		}
		v = nv;
		v[k].student_sid = arena_strdup(a, db_col_text(st, 0));
		v[k].day = day;
		v[k].score = db_col_double(st, 2);
		k++;
	}
	db_reset(st);
	*out = v;
	*n = k;
	return r == DB_DONE ? EB_OK : EB_EDB;
}

int64_t assessment_count(struct db *db, int64_t district_id, int64_t assessment_id)
{
	struct db_stmt *st;
	if (db_prepare(db, "SELECT count(*) FROM assessment_score WHERE district_id=? AND assessment_id=?",
		       &st))
		return 0;
	db_bind_int(st, 1, district_id);
	db_bind_int(st, 2, assessment_id);
	int64_t c = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
	db_reset(st);
	return c;
}
