/* The support reports (ticket_report.h). */
#include "domain/ticket_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/activity.h"
#include "domain/kb.h"
#include "store/db.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double ticket_report_quantile(double *v, size_t n, double p)
{
	if (!n)
		return -1;
	qsort(v, n, sizeof *v, cmp_double);
	if (p <= 0)
		return v[0];
	if (p >= 1)
		return v[n - 1];
	double h = (double)(n - 1) * p, lo = floor(h);
	size_t i = (size_t)lo;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

/* One ticket of the period: its group, and its times (-1: none). */
struct period_ticket {
	const char *key, *label;
	double response, resolve;
};

static enum eb_err finish_ticket(struct db_stmt *st, void *row, struct arena *arena)
{
	struct period_ticket *t = row;
	int64_t created = db_col_int(st, 2), paused = db_col_int(st, 5);
	t->response = db_col_is_null(st, 3) ? -1 : (double)(db_col_int(st, 3) - created);
	t->resolve = db_col_is_null(st, 4) ? -1 : (double)(db_col_int(st, 4) - created - paused);
	if (t->response < 0 && !db_col_is_null(st, 3))
		t->response = 0;
	if (t->resolve < 0 && !db_col_is_null(st, 4))
		t->resolve = 0;
	return EB_OK;
}

DB_ROWSPEC(ticket_spec, struct period_ticket, finish_ticket,
	   DB_FIELD_STR(struct period_ticket, key), DB_FIELD_STR(struct period_ticket, label),
	   DB_FIELD_SKIP, DB_FIELD_SKIP, DB_FIELD_SKIP, DB_FIELD_SKIP);

/* ?1 district, ?2 from, ?3 to, ?4 school (NULL: all) */
#define PERIOD                                                                                     \
	" FROM ticket k WHERE k.district_id=?1 AND k.created_at>=?2 AND k.created_at<?3"           \
	" AND k.merged_into IS NULL AND (?4 IS NULL OR k.school_sid=?4)"
#define TIMES ", k.created_at, k.first_response_at, k.resolved_at, k.paused_s"

static const char *const by_sql[] = {
	[TICKET_REPORT_TOOL] =
		"SELECT CAST(k.tool_id AS TEXT), coalesce((SELECT t.name FROM tool t WHERE"
		" t.district_id=k.district_id AND t.id=k.tool_id), '') AS label" TIMES PERIOD
		" ORDER BY label, k.tool_id",
	[TICKET_REPORT_TIER] = "SELECT k.tier, k.tier AS label" TIMES PERIOD
			       " ORDER BY CASE k.tier WHEN 'champion' THEN 0 WHEN 'it' THEN 1"
			       " ELSE 2 END",
	[TICKET_REPORT_SCHOOL] =
		"SELECT k.school_sid, coalesce((SELECT o.name FROM org o WHERE"
		" o.district_id=k.district_id AND o.sourced_id=k.school_sid), '') AS label" TIMES
			PERIOD " ORDER BY label, k.school_sid",
};

enum eb_err ticket_report_times(struct db *db, int64_t district_id, int64_t from, int64_t to,
				const char *school_sid, enum ticket_report_by by,
				struct arena *arena, struct ticket_report_row **rows, size_t *n)
{
	struct period_ticket *t = NULL;
	size_t nt = 0;
	*rows = NULL;
	*n = 0;
	if ((unsigned)by > TICKET_REPORT_SCHOOL)
		return EB_EINVAL;
	enum eb_err rc =
		db_get_rows(db, by_sql[by],
			    DB_ARGS(DB_INT(district_id), DB_INT(from), DB_INT(to),
				    DB_TEXT(school_sid && *school_sid ? school_sid : NULL)),
			    &ticket_spec, arena, &t, &nt);
	if (rc)
		return rc;
	struct ticket_report_row *out = arena_alloc(arena, (nt ? nt : 1) * sizeof *out);
	double *resp = arena_alloc(arena, (nt ? nt : 1) * sizeof *resp);
	double *res = arena_alloc(arena, (nt ? nt : 1) * sizeof *res);
	if (!out || !resp || !res)
		return EB_ENOMEM;
	size_t groups = 0;
	for (size_t i = 0; i < nt;) {
		size_t j = i, nresp = 0, nres = 0;
		for (; j < nt && strcmp(t[j].key, t[i].key) == 0; j++) {
			if (t[j].response >= 0)
				resp[nresp++] = t[j].response;
			if (t[j].resolve >= 0)
				res[nres++] = t[j].resolve;
		}
		struct ticket_report_row *r = &out[groups++];
		r->key = t[i].key;
		r->label = t[i].label;
		r->tickets = (int64_t)(j - i);
		r->responded = (int64_t)nresp;
		r->resolved = (int64_t)nres;
		r->response_median = ticket_report_quantile(resp, nresp, 0.5);
		r->response_p90 = ticket_report_quantile(resp, nresp, 0.9);
		r->resolve_median = ticket_report_quantile(res, nres, 0.5);
		r->resolve_p90 = ticket_report_quantile(res, nres, 0.9);
		i = j;
	}
	*rows = out;
	*n = groups;
	return EB_OK;
}

DB_ROWSPEC(load_spec, struct ticket_report_load, NULL,
	   DB_FIELD_INT(struct ticket_report_load, tool_id),
	   DB_FIELD_STR(struct ticket_report_load, tool_name),
	   DB_FIELD_INT(struct ticket_report_load, tickets));

enum eb_err ticket_report_load(struct db *db, int64_t district_id, int64_t from, int64_t to,
			       const char *school_sid, struct arena *arena,
			       struct ticket_report_load **rows, size_t *n)
{
	const char *school = school_sid && *school_sid ? school_sid : NULL;
	struct kb_deflection *d = NULL;
	size_t nd = 0;
	*rows = NULL;
	*n = 0;
	/* the tools with a ticket of the period, or a deflected one */
	enum eb_err rc = db_get_rows(
		db,
		"SELECT t.id, t.name, (SELECT count(*)" PERIOD " AND k.tool_id=t.id)"
		" FROM tool t WHERE t.district_id=?1 AND (EXISTS (SELECT 1" PERIOD
		" AND k.tool_id=t.id) OR EXISTS (SELECT 1 FROM kb_mark m WHERE"
		" m.district_id=?1 AND m.tool_id=t.id AND m.deflected=1 AND m.at>=?2 AND m.at<?3))"
		" ORDER BY t.name, t.id",
		DB_ARGS(DB_INT(district_id), DB_INT(from), DB_INT(to), DB_TEXT(school)), &load_spec,
		arena, rows, n);
	if (!rc)
		rc = kb_deflections(db, district_id, from, to, arena, &d, &nd);
	for (size_t i = 0; !rc && i < *n; i++) {
		struct ticket_report_load *r = &(*rows)[i];
		for (size_t k = 0; k < nd; k++)
			if (d[k].tool_id == r->tool_id)
				r->deflected = d[k].deflected;
		if (school) {
			rc = db_get_int(
				db,
				"SELECT count(*) FROM tool_student s WHERE s.district_id=?1"
				" AND s.tool_id=?2 AND EXISTS (SELECT 1 FROM enrollment e"
				" WHERE e.district_id=?1 AND e.user_sourced_id="
				"s.student_sourced_id AND e.school_sourced_id=?3"
				" AND e.role='student' AND e.status='active')",
				DB_ARGS(DB_INT(district_id), DB_INT(r->tool_id), DB_TEXT(school)),
				&r->active_students);
		} else {
			struct activity_tool_data a;
			rc = activity_tool_data(db, district_id, r->tool_id, 0, &a);
			r->active_students = a.students;
		}
		r->per_100 = r->active_students > 0
				     ? 100.0 * (double)r->tickets / (double)r->active_students
				     : -1;
	}
	if (rc) {
		*rows = NULL;
		*n = 0;
	}
	return rc;
}
