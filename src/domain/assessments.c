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
	enum eb_err e = db_query(db,
				 "SELECT id,scale_min,scale_max FROM assessment"
				 " WHERE district_id=?1 AND name=?2",
				 DB_ARGS(DB_INT(district_id), DB_TEXT(name)), &st);
	if (e)
		return e;
	bool found = db_next(st);
	if (found) {
		*id = db_col_int(st, 0);
		if (scale_min)
			*scale_min = db_col_double(st, 1);
		if (scale_max)
			*scale_max = db_col_double(st, 2);
	}
	e = db_done(st);
	return e ? e : found ? EB_OK : EB_ENOTFOUND;
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
					 "scale: '%s' is stored with scale %g..%g, not %g..%g "
					 "(mixed scales;"
					 " use another assessment name)",
					 name, lo, hi, scale_min, scale_max);
			return EB_ECONFLICT;
		}
		return EB_OK;
	}
	if (e != EB_ENOTFOUND)
		return e;
	if ((e = db_execute(db,
			    "INSERT INTO assessment(district_id,name,scale_min,scale_max)"
			    " VALUES(?1,?2,?3,?4)",
			    DB_ARGS(DB_INT(district_id), DB_TEXT(name), DB_REAL(scale_min),
				    DB_REAL(scale_max)),
			    NULL)))
		return e;
	*id = db_last_id(db);
	return EB_OK;
}

enum eb_err assessment_score_put(struct db *db, int64_t district_id, int64_t assessment_id,
				 const char *student_sid, const char *date, double score)
{
	return db_execute(db,
			  "INSERT OR REPLACE INTO assessment_score(district_id,assessment_id,"
			  "student_sourced_id,date,score) VALUES(?1,?2,?3,?4,?5)",
			  DB_ARGS(DB_INT(district_id), DB_INT(assessment_id), DB_TEXT(student_sid),
				  DB_TEXT(date), DB_REAL(score)),
			  NULL);
}

enum eb_err assessment_scores(struct db *db, int64_t district_id, int64_t assessment_id,
			      struct arena *a, struct assessment_score **out, size_t *n)
{
	size_t cap = 256, k = 0;
	struct assessment_score *v = arena_alloc(a, cap * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	struct db_stmt *st;
	enum eb_err e = db_query(db,
				 "SELECT student_sourced_id,date,score FROM assessment_score"
				 " WHERE district_id=?1 AND assessment_id=?2"
				 " ORDER BY student_sourced_id,date",
				 DB_ARGS(DB_INT(district_id), DB_INT(assessment_id)), &st);
	if (e)
		return e;
	while (db_next(st)) {
		int32_t day;
		const char *d = db_col_text(st, 1);
		if (!d || date_parse_ymd(str_from(d), &day))
			continue; /* no day to place the score on: left out */
		struct assessment_score *nv = arena_grow(a, v, k, &cap, sizeof *v, 0);
		if (!nv) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		v = nv;
		v[k].student_sid = db_col_str(st, 0, a);
		v[k].day = day;
		v[k].score = db_col_double(st, 2);
		k++;
	}
	if ((e = db_done(st)))
		return e;
	*out = v;
	*n = k;
	return EB_OK;
}

int64_t assessment_count(struct db *db, int64_t district_id, int64_t assessment_id)
{
	int64_t c = 0;
	if (db_get_int(db,
		       "SELECT count(*) FROM assessment_score"
		       " WHERE district_id=?1 AND assessment_id=?2",
		       DB_ARGS(DB_INT(district_id), DB_INT(assessment_id)), &c))
		return 0;
	return c;
}
