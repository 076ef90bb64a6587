/* item_results.c - see item_results.h. */
#include "ingest/item_results.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/csv.h"
#include "base/hashset.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/assessments.h"
#include "domain/audit.h"
#include "domain/roster.h"
#include "ingest/file_errs.h"
#include "store/db.h"

#define SID_MAX 255

/* A shown value: at most 40 bytes of it. */
#define SHOW(s) (int)((s).n > 40 ? 40 : (s).n), (s).p

/* Whether sid is a student of the district, asked once per distinct id
 * (cache: 1 yes, 0 no; keys point into the file buffer). */
static bool is_student(struct db *db, int64_t d, struct hashset *cache, struct str sid)
{
	int32_t v;
	if (hs_get(cache, sid, &v))
		return v == 1;
	char tmp[SID_MAX + 1];
	bool yes = false;
	if (sid.n && sid.n <= SID_MAX) {
		memcpy(tmp, sid.p, sid.n);
		tmp[sid.n] = 0;
		yes = roster_is_student(db, d, tmp);
	}
	hs_set(cache, sid, yes ? 1 : 0);
	return yes;
}

enum eb_err item_results_import(struct db *db, int64_t district_id, int64_t assessment_id,
				const struct audit_actor *who, const char *label, char *data,
				size_t len, struct item_results_report *rep, struct buf *errors)
{
	struct file_errs E = { errors, label, 0 };
	memset(rep, 0, sizeof *rep);
	struct arena a;
	arena_init(&a);
	struct hashset students, seen;
	hs_init(&students);
	hs_init(&seen);
	struct assessment_result_in *v = NULL;
	size_t cap = 0, n = 0;
	struct assessment_common ac;
	enum eb_err e = assessment_common_get(db, district_id, assessment_id, &a, &ac);
	if (e)
		goto out;
	int index_of[ASSESSMENT_ITEMS_MAX + 1];
	for (int i = 0; i <= ASSESSMENT_ITEMS_MAX; i++)
		index_of[i] = -1;
	for (size_t i = 0; i < ac.nitems; i++)
		index_of[ac.items[i].number] = (int)i;

	struct csv_reader rd;
	csv_init(&rd, data, len);
	struct csv_record rec;
	struct csv_error ce;
	e = csv_next(&rd, &rec, &ce);
	if (e) {
		file_err_at(&E, e == EB_EPARSE ? ce.line : 1, "header", "%s",
			    e == EB_EPARSE ? ce.reason : "the file is empty");
		e = EB_EINVAL;
		goto out;
	}
	int c_st = csv_column(&rec, "student_id"), c_it = csv_column(&rec, "item"),
	    c_re = csv_column(&rec, "response"), c_pt = csv_column(&rec, "points"),
	    c_dt = csv_column(&rec, "date");
	if (c_st < 0)
		file_err_at(&E, rec.line, "header",
			    "no column 'student_id' (the student's sourcedId)");
	if (c_it < 0)
		file_err_at(&E, rec.line, "header", "no column 'item' (the item number)");
	if (c_re < 0 && c_pt < 0)
		file_err_at(&E, rec.line, "header", "no column 'response' or 'points'");
	if (c_dt < 0)
		file_err_at(&E, rec.line, "header", "no column 'date' (YYYY-MM-DD)");
	if (E.n) {
		e = EB_EINVAL;
		goto out;
	}
	for (;;) {
		e = csv_next(&rd, &rec, &ce);
		if (e == EB_ENOTFOUND)
			break;
		if (e) {
			file_err_at(&E, ce.line, "csv", "column %zu: %s", ce.column, ce.reason);
			continue;
		}
		size_t line = rec.line;
		rep->rows++;
		struct assessment_result_in r = { 0 };
		bool bad = false;
		struct str sid = csv_field(&rec, c_st), num = csv_field(&rec, c_it);
		struct str resp = csv_field(&rec, c_re), pts = csv_field(&rec, c_pt);
		struct str date = csv_field(&rec, c_dt);
		if (!sid.n) {
			file_err_at(&E, line, "student_id", "is empty");
			bad = true;
		} else if (!is_student(db, district_id, &students, sid)) {
			file_err_at(&E, line, "student_id",
				    "'%.*s' is not a student of this district", SHOW(sid));
			bad = true;
		}
		int64_t number;
		const struct assessment_item *it = NULL;
		if (str_to_i64(num, 1, ASSESSMENT_ITEMS_MAX, &number) || index_of[number] < 0) {
			file_err_at(&E, line, "item",
				    "'%.*s' is not an item number of this assessment", SHOW(num));
			bad = true;
		} else {
			r.item = index_of[number];
			it = &ac.items[r.item];
		}
		int32_t day;
		if (date.n != 10 || date_parse_ymd(date, &day)) {
			file_err_at(&E, line, "date", "'%.*s' is not a date YYYY-MM-DD",
				    SHOW(date));
			bad = true;
		}
		double given = NAN;
		if (pts.n && (str_to_double(pts, &given) || !isfinite(given))) {
			file_err_at(&E, line, "points", "'%.*s' is not a number", SHOW(pts));
			bad = true;
		}
		if (it && it->key) {
			char c = resp.n == 1 ? resp.p[0] : 0;
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (resp.n && (!c || !strchr(it->choices, c))) {
				file_err_at(&E, line, "response",
					    "'%.*s' is not one of the choices of item %d (%s)",
					    SHOW(resp), it->number, it->choices);
				bad = true;
			} else {
				r.response = resp.n ? c : ' ';
				r.points = c == it->key ? it->points : 0;
				if (!isnan(given) && given != r.points) {
					file_err_at(
						&E, line, "points",
						"%g disagrees with the key of item %d (%s scores "
						"%g)",
						given, it->number,
						resp.n ? "this response" : "a blank", r.points);
					bad = true;
				}
			}
		} else if (it) {
			if (resp.n) {
				file_err_at(
					&E, line, "response",
					"item %d is scored in points: give points, not a response",
					it->number);
				bad = true;
			} else if (isnan(given)) {
				if (!pts.n)
					file_err_at(&E, line, "points",
						    "is empty (item %d is scored in points)",
						    it->number);
				bad = true;
			} else if (given < 0 || given > it->points) {
				file_err_at(&E, line, "points", "%g is outside item %d's 0..%g",
					    given, it->number, it->points);
				bad = true;
			} else {
				r.points = given;
			}
		}
		if (bad)
			continue;
		char *key = arena_printf(&a, "%.*s\x1f%d", (int)sid.n, sid.p, it->number);
		r.student_sid = arena_strndup(&a, sid.p, sid.n);
		r.date = arena_strndup(&a, date.p, date.n);
		if (!key || !r.student_sid || !r.date) {
			e = EB_ENOMEM;
			goto out;
		}
		int32_t old;
		if (hs_put(&seen, str_from(key), (int32_t)line, &old) == EB_EEXIST) {
			file_err_at(&E, line, "student_id",
				    "'%.*s' on item %d repeats line %d (duplicate row)", SHOW(sid),
				    it->number, old);
			continue;
		}
		struct assessment_result_in *nv = arena_grow(&a, v, n, &cap, sizeof *v, 1024);
		if (!nv) {
			e = EB_ENOMEM;
			goto out;
		}
		v = nv;
		v[n++] = r;
	}
	if (!E.n && n == 0)
		file_err_at(&E, rd.line, "file", "has no result rows");
	if (E.n) {
		e = EB_EINVAL;
		goto out;
	}
	for (size_t i = 0; i < students.cap; i++)
		rep->students += students.slots[i].p != NULL;
	if ((e = db_begin(db)))
		goto out;
	e = assessment_results_put(db, district_id, &ac, v, n, &rep->changed);
	if (!e) {
		char sid[24], detail[400];
		snprintf(sid, sizeof sid, "%lld", (long long)assessment_id);
		snprintf(detail, sizeof detail,
			 "item results from %.200s: %zu rows (%zu new or changed)", label, n,
			 rep->changed);
		e = audit_record_students(db, district_id, who, "import", "common_assessment", sid,
					  (int64_t)rep->students, detail);
	}
	if (!e)
		e = db_commit(db);
	if (e) {
		db_rollback(db);
		file_err_at(&E, 0, "database", "%s", eb_strerror(e));
	}
out:
	file_err_done(&E);
	if (e)
		rep->changed = 0;
	hs_free(&students);
	hs_free(&seen);
	arena_free(&a);
	return e;
}
