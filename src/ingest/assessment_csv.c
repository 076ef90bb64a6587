/* assessment_csv.c - see assessment_csv.h. */
#include "ingest/assessment_csv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/hashset.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/assessments.h"
#include "domain/audit.h"
#include "domain/initiatives.h"
#include "domain/roster.h"
#include "ingest/file_errs.h"
#include "store/db.h"

static const char *const date_formats[] = { "YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY", "YYYYMMDD",
					    NULL };

enum eb_err assessment_csv_date_format_ok(const char *fmt)
{
	for (int i = 0; date_formats[i]; i++)
		if (strcmp(fmt, date_formats[i]) == 0)
			return EB_OK;
	return EB_EINVAL;
}

/* Digits of s[at..at+n) as a number, or -1. */
static int digits(struct str s, size_t at, size_t n)
{
	int v = 0;
	for (size_t i = at; i < at + n; i++) {
		if (i >= s.n || s.p[i] < '0' || s.p[i] > '9')
			return -1;
		v = v * 10 + (s.p[i] - '0');
	}
	return v;
}

/* Parses a date in fmt into out "YYYY-MM-DD" (checked as a real date). */
static int parse_date(struct str s, const char *fmt, char out[11])
{
	int y, m, d;
	if (strcmp(fmt, "YYYY-MM-DD") == 0) {
		if (s.n != 10 || s.p[4] != '-' || s.p[7] != '-')
			return -1;
		y = digits(s, 0, 4), m = digits(s, 5, 2), d = digits(s, 8, 2);
	} else if (strcmp(fmt, "MM/DD/YYYY") == 0 || strcmp(fmt, "DD/MM/YYYY") == 0) {
		if (s.n != 10 || s.p[2] != '/' || s.p[5] != '/')
			return -1;
		int a = digits(s, 0, 2), b = digits(s, 3, 2);
		y = digits(s, 6, 4);
		m = fmt[0] == 'M' ? a : b;
		d = fmt[0] == 'M' ? b : a;
	} else {
		if (s.n != 8)
			return -1;
		y = digits(s, 0, 4), m = digits(s, 4, 2), d = digits(s, 6, 2);
	}
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
	memcpy(out, tmp, 11);
	int32_t days;
	if (date_parse_ymd(str_from(out), &days))
		return -1;
	int yy;
	unsigned mm, dd;
	civil_from_days(days, &yy, &mm, &dd);
	return (yy == y && (int)mm == m && (int)dd == d) ? 0 : -1; /* no 31 February */
}

static int is_student(struct db *db, int64_t d, struct str sid)
{
	char tmp[256];
	if (sid.n == 0 || sid.n >= sizeof tmp)
		return 0;
	memcpy(tmp, sid.p, sid.n);
	tmp[sid.n] = 0;
	return roster_is_student(db, d, tmp);
}

struct row {
	struct str sid;
	char date[11];
	double score;
};

enum eb_err assessment_csv_import(struct db *db, int64_t district_id, const char *label, char *data,
				  size_t len, const struct assessment_profile *p, size_t *rows,
				  struct buf *errors)
{
	struct file_errs E = { errors, label, 0 };
	*rows = 0;
	const char *fmt = p->date_format ? p->date_format : "YYYY-MM-DD";
	if (assessment_csv_date_format_ok(fmt)) {
		file_err_at(&E, 0, "date_format",
			    "'%s' is not one of YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, YYYYMMDD", fmt);
		return EB_EINVAL;
	}
	if (!(p->scale_min < p->scale_max) || !isfinite(p->scale_min) || !isfinite(p->scale_max)) {
		file_err_at(&E, 0, "scale", "the minimum (%g) must be below the maximum (%g)",
			    p->scale_min, p->scale_max);
		return EB_EINVAL;
	}
	struct csv_reader rd;
	csv_init(&rd, data, len);
	struct csv_record rec;
	struct csv_error ce;
	enum eb_err e = csv_next(&rd, &rec, &ce);
	if (e) {
		file_err_at(&E, e == EB_EPARSE ? ce.line : 1, "header", "%s",
			    e == EB_EPARSE ? ce.reason : "the file is empty");
		return EB_EINVAL;
	}
	const char *n_st = p->col_student ? p->col_student : "student_id";
	const char *n_dt = p->col_date ? p->col_date : "date";
	const char *n_sc = p->col_score ? p->col_score : "score";
	int c_st = csv_column(&rec, n_st), c_dt = csv_column(&rec, n_dt),
	    c_sc = csv_column(&rec, n_sc);
	int c_as = csv_column(&rec, p->col_assessment ? p->col_assessment : "assessment");
	int c_lo = csv_column(&rec, p->col_scale_min ? p->col_scale_min : "scale_min");
	int c_hi = csv_column(&rec, p->col_scale_max ? p->col_scale_max : "scale_max");
	if (c_st < 0)
		file_err_at(&E, rec.line, "header", "no column '%s' (student id)", n_st);
	if (c_dt < 0)
		file_err_at(&E, rec.line, "header", "no column '%s' (date)", n_dt);
	if (c_sc < 0)
		file_err_at(&E, rec.line, "header", "no column '%s' (score)", n_sc);
	if (E.n)
		return EB_EINVAL;

	struct hashset seen;
	hs_init(&seen);
	size_t cap = 1024, n = 0;
	struct row *v = malloc(cap * sizeof *v);
	/* keys "sid\x1fdate" live in one arena-like buffer per row */
	struct arena a;
	arena_init(&a);
	if (!v) {
		arena_free(&a);
		return EB_ENOMEM;
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
		struct row r = { 0 };
		int bad = 0;
		r.sid = csv_field(&rec, c_st);
		if (r.sid.n == 0) {
			file_err_at(&E, line, n_st, "is empty");
			bad = 1;
		} else if (!is_student(db, district_id, r.sid)) {
			file_err_at(&E, line, n_st, "'%.*s' is not a student of this district",
				    (int)(r.sid.n > 60 ? 60 : r.sid.n), r.sid.p);
			bad = 1;
		}
		struct str ds = csv_field(&rec, c_dt);
		if (parse_date(ds, fmt, r.date)) {
			file_err_at(&E, line, n_dt, "'%.*s' is not a date in the format %s",
				    (int)(ds.n > 40 ? 40 : ds.n), ds.p, fmt);
			bad = 1;
		}
		struct str ss = csv_field(&rec, c_sc);
		if (ss.n == 0 || str_to_double(ss, &r.score) || !isfinite(r.score)) {
			file_err_at(&E, line, n_sc, "'%.*s' is not a number",
				    (int)(ss.n > 40 ? 40 : ss.n), ss.p);
			bad = 1;
		} else if (r.score < p->scale_min || r.score > p->scale_max) {
			file_err_at(&E, line, n_sc, "%g is outside the scale %g..%g", r.score,
				    p->scale_min, p->scale_max);
			bad = 1;
		}
		if (c_as >= 0) {
			struct str as = csv_field(&rec, c_as);
			if (!str_eq_cstr(as, p->name)) {
				file_err_at(&E, line, "assessment",
					    "'%.*s' differs from '%s' (one assessment per file)",
					    (int)(as.n > 60 ? 60 : as.n), as.p, p->name);
				bad = 1;
			}
		}
		for (int k = 0; k < 2; k++) {
			int c = k ? c_hi : c_lo;
			double want = k ? p->scale_max : p->scale_min, got;
			if (c < 0)
				continue;
			struct str s = csv_field(&rec, c);
			if (s.n == 0 || str_to_double(s, &got) || got != want) {
				file_err_at(&E, line, k ? "scale_max" : "scale_min",
					    "'%.*s' differs from the declared scale %g..%g (mixed "
					    "scales)",
					    (int)(s.n > 40 ? 40 : s.n), s.p, p->scale_min,
					    p->scale_max);
				bad = 1;
			}
		}
		if (bad)
			continue;
		char *key = arena_printf(&a, "%.*s\x1f%s", (int)r.sid.n, r.sid.p, r.date);
		int32_t old;
		if (hs_put(&seen, str_from(key), (int32_t)line, &old) == EB_EEXIST) {
			file_err_at(&E, line, n_st, "'%.*s' on %s repeats line %d (duplicate row)",
				    (int)(r.sid.n > 60 ? 60 : r.sid.n), r.sid.p, r.date, old);
			continue;
		}
		if (n == cap) {
			struct row *nv = realloc(v, 2 * cap * sizeof *v);
			if (!nv) {
				e = EB_ENOMEM;
				goto out;
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = r;
	}
	if (!E.n && n == 0)
		file_err_at(&E, rd.line, "file", "has no score rows");
	if (E.n) {
		e = EB_EINVAL;
		goto out;
	}
	if ((e = db_begin(db)))
		goto out;
	int64_t aid;
	char why[256];
	if ((e = assessment_ensure(db, district_id, p->name, p->scale_min, p->scale_max, &aid, why,
				   sizeof why))) {
		db_rollback(db);
		file_err_at(&E, 0, "assessment", "%s", why);
		goto out;
	}
	for (size_t i = 0; i < n && !e; i++) {
		char sid[256];
		memcpy(sid, v[i].sid.p, v[i].sid.n);
		sid[v[i].sid.n] = 0;
		e = assessment_score_put(db, district_id, aid, sid, v[i].date, v[i].score);
	}
	if (!e) {
		char detail[300];
		snprintf(detail, sizeof detail, "assessment '%.200s': %zu scores", p->name, n);
		struct audit_actor cli = { 0, "cli", "" };
		e = audit_record(db, district_id, &cli, "import", "assessment", p->name, detail);
	}
	if (!e)
		e = db_commit(db);
	if (e) {
		db_rollback(db);
		file_err_at(&E, 0, "database", "%s", eb_strerror(e));
	} else {
		*rows = n;
	}
out:
	file_err_done(&E);
	hs_free(&seen);
	arena_free(&a);
	free(v);
	return e;
}

enum eb_err usage_csv_import(struct db *db, int64_t district_id, int64_t initiative_id,
			     const char *label, char *data, size_t len, size_t *rows,
			     struct buf *errors)
{
	struct file_errs E = { errors, label, 0 };
	*rows = 0;
	struct csv_reader rd;
	csv_init(&rd, data, len);
	struct csv_record rec;
	struct csv_error ce;
	enum eb_err e = csv_next(&rd, &rec, &ce);
	if (e) {
		file_err_at(&E, e == EB_EPARSE ? ce.line : 1, "header", "%s",
			    e == EB_EPARSE ? ce.reason : "the file is empty");
		return EB_EINVAL;
	}
	int c_st = csv_column(&rec, "student_id"), c_mi = csv_column(&rec, "minutes"),
	    c_se = csv_column(&rec, "sessions");
	if (c_st < 0)
		file_err_at(&E, rec.line, "header", "no column 'student_id'");
	if (c_mi < 0)
		file_err_at(&E, rec.line, "header", "no column 'minutes'");
	if (c_se < 0)
		file_err_at(&E, rec.line, "header", "no column 'sessions'");
	if (E.n)
		return EB_EINVAL;
	struct hashset seen;
	hs_init(&seen);
	struct arena a;
	arena_init(&a);
	struct urow {
		const char *sid;
		double minutes;
		int64_t sessions;
	};
	size_t cap = 1024, n = 0;
	struct urow *v = malloc(cap * sizeof *v);
	if (!v) {
		arena_free(&a);
		return EB_ENOMEM;
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
		int bad = 0;
		struct str sid = csv_field(&rec, c_st), ms = csv_field(&rec, c_mi),
			   ss = csv_field(&rec, c_se);
		double minutes = 0;
		int64_t sessions = 0;
		if (!is_student(db, district_id, sid)) {
			file_err_at(&E, line, "student_id",
				    "'%.*s' is not a student of this district",
				    (int)(sid.n > 60 ? 60 : sid.n), sid.p);
			bad = 1;
		}
		if (ms.n == 0 || str_to_double(ms, &minutes) || !isfinite(minutes) || minutes < 0 ||
		    minutes > 100000) {
			file_err_at(&E, line, "minutes",
				    "'%.*s' is not a number of minutes 0..100000",
				    (int)(ms.n > 40 ? 40 : ms.n), ms.p);
			bad = 1;
		}
		if (ss.n == 0 || str_to_i64(ss, 0, 100000, &sessions)) {
			file_err_at(&E, line, "sessions", "'%.*s' is not a whole number 0..100000",
				    (int)(ss.n > 40 ? 40 : ss.n), ss.p);
			bad = 1;
		}
		if (bad)
			continue;
		char *key = arena_strndup(&a, sid.p, sid.n);
		int32_t old;
		if (hs_put(&seen, str_from(key), (int32_t)line, &old) == EB_EEXIST) {
			file_err_at(&E, line, "student_id", "'%s' repeats line %d (duplicate row)",
				    key, old);
			continue;
		}
		if (n == cap) {
			struct urow *nv = realloc(v, 2 * cap * sizeof *v);
			if (!nv) {
				e = EB_ENOMEM;
				goto out;
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = (struct urow){ key, minutes, sessions };
	}
	if (!E.n && n == 0)
		file_err_at(&E, rd.line, "file", "has no use rows");
	if (E.n) {
		e = EB_EINVAL;
		goto out;
	}
	if ((e = db_begin(db)))
		goto out;
	for (size_t i = 0; i < n && !e; i++)
		e = initiative_use_put(db, district_id, initiative_id, v[i].sid, v[i].minutes,
				       v[i].sessions);
	if (!e) {
		char sid[24], detail[64];
		snprintf(sid, sizeof sid, "%lld", (long long)initiative_id);
		snprintf(detail, sizeof detail, "tool use: %zu students", n);
		struct audit_actor cli = { 0, "cli", "" };
		e = audit_record(db, district_id, &cli, "import", "initiative", sid, detail);
	}
	if (!e)
		e = db_commit(db);
	if (e) {
		db_rollback(db);
		file_err_at(&E, 0, "database", "%s", eb_strerror(e));
	} else {
		*rows = n;
	}
out:
	file_err_done(&E);
	hs_free(&seen);
	arena_free(&a);
	free(v);
	return e;
}
