/* mastery_views.c - the listings of stored mastery (see mastery_views.h). */
#include "domain/mastery_views.h"

#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/hashset.h"
#include "domain/mastery_rows.h"
#include "store/db.h"

/* ---- one cell --------------------------------------------------------- */

enum eb_err mastery_cell_get(struct db *db, int64_t district_id, const char *student,
			     const char *standard, struct mastery_cell *out, bool *found)
{
	struct db_stmt *st;
	memset(out, 0, sizeof *out);
	*found = false;
	enum eb_err rc = db_query(db,
				  "SELECT " MASTERY_CELL_COLS " FROM mastery_state"
				  " WHERE district_id = ?1 AND student_sourced_id = ?2"
				  " AND standard_code = ?3",
				  DB_ARGS(DB_INT(district_id), DB_TEXT(student), DB_TEXT(standard)),
				  &st);
	if (rc)
		return rc;
	if (db_next(st))
		*found = mastery_cell_read(st, 0, out) == EB_OK;
	return db_done(st);
}

double mastery_p(struct db *db, int64_t district_id, const char *student, const char *standard)
{
	struct db_stmt *st;
	if (db_query(db,
		     "SELECT p FROM mastery_state WHERE district_id = ?1"
		     " AND student_sourced_id = ?2 AND standard_code = ?3",
		     DB_ARGS(DB_INT(district_id), DB_TEXT(student), DB_TEXT(standard)), &st))
		return -1;
	double p = db_next(st) ? db_col_double(st, 0) : -1;
	return db_done(st) ? -1 : p;
}

/* ---- listings --------------------------------------------------------- */

/* Appends the current row's cell to *v (k used of *cap). */
static bool student_cell_add(struct db_stmt *st, const char *student, struct arena *a,
			     struct mastery_row **v, size_t *k, size_t *cap)
{
	struct mastery_row *nv = arena_grow(a, *v, *k, cap, sizeof **v, 32);
	if (!nv) {
		db_fail(st, EB_ENOMEM);
		return false;
	}
	*v = nv;
	nv[*k].student = student;
	/* NULL only when out of memory (the statement's error then) */
	if (!(nv[*k].standard = db_col_dup(st, 0, a)) || mastery_cell_read(st, 1, &nv[*k].c))
		return false;
	(*k)++;
	return true;
}

enum eb_err mastery_student_cells(struct db *db, int64_t district_id, const char *student,
				  struct arena *a, struct mastery_row **out, size_t *n)
{
	struct db_stmt *st;
	struct mastery_row *v = NULL, *w = NULL;
	size_t cap = 0, k = 0, wcap = 0, wk = 0;
	*out = NULL;
	*n = 0;
	/* in primary-key order (by code): the measured cells are kept in v and
	 * the inferred ones in w, appended after them, which is the order of
	 * ORDER BY inferred, standard_code without SQLite's sort of the rows */
	enum eb_err rc = db_query(db,
				  "SELECT standard_code, " MASTERY_CELL_COLS " FROM mastery_state"
				  " WHERE district_id = ?1 AND student_sourced_id = ?2"
				  " ORDER BY standard_code",
				  DB_ARGS(DB_INT(district_id), DB_TEXT(student)), &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		bool inferred = db_col_int(st, 10) != 0;
		if (!(inferred ? student_cell_add(st, student, a, &w, &wk, &wcap)
			       : student_cell_add(st, student, a, &v, &k, &cap)))
			break;
	}
	if ((rc = db_done(st)))
		return rc;
	if (!k) {
		v = w;
		k = wk;
	} else if (wk) {
		if (cap < k + wk) {
			struct mastery_row *nv = arena_alloc(a, (k + wk) * sizeof *nv);
			if (!nv)
				return EB_ENOMEM;
			memcpy(nv, v, k * sizeof *v);
			v = nv;
		}
		memcpy(v + k, w, wk * sizeof *w);
		k += wk;
	}
	*out = v;
	*n = k;
	return EB_OK;
}

DB_ROWSPEC(evidence_spec, struct mastery_evidence, NULL,
	   DB_FIELD_TEXT(struct mastery_evidence, tool),
	   DB_FIELD_TEXT(struct mastery_evidence, item),
	   DB_FIELD_TEXT(struct mastery_evidence, standard),
	   DB_FIELD_INT(struct mastery_evidence, correct),
	   DB_FIELD_INT(struct mastery_evidence, at));

enum eb_err mastery_evidence_trail(struct db *db, int64_t district_id, const char *student,
				   int limit, struct arena *a, struct mastery_evidence **out,
				   size_t *n)
{
	if (limit < 1)
		limit = 1;
	if (limit > 1000)
		limit = 1000;
	*out = NULL;
	*n = 0;
	return db_get_rows(
		db,
		"SELECT coalesce(t.name, CASE WHEN e.tool_id = 0 THEN 'District gradebook'"
		" ELSE 'tool ' || e.tool_id END), e.item_id, e.standard_code,"
		" e.correct, e.occurred_at FROM learning_event e LEFT JOIN tool t"
		" ON t.id = e.tool_id AND t.district_id = e.district_id WHERE e.district_id = ?1"
		" AND e.student_sourced_id = ?2 AND e.correct IS NOT NULL"
		" AND e.standard_code IS NOT NULL ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?3",
		DB_ARGS(DB_INT(district_id), DB_TEXT(student), DB_INT(limit)), &evidence_spec, a,
		out, n);
}

/* The school is the first of the person's orgs. */
static enum eb_err finish_standard_row(struct db_stmt *st, void *row, struct arena *a)
{
	struct mastery_standard_row *w = row;
	const char *orgs = db_col_text(st, 1);
	if (!orgs)
		return EB_OK;
	size_t len = strcspn(orgs, ",");
	char *s = arena_strndup(a, orgs, len);
	if (!s)
		return EB_ENOMEM;
	w->school = s;
	return EB_OK;
}

DB_ROWSPEC(standard_row_spec, struct mastery_standard_row, finish_standard_row,
	   DB_FIELD_TEXT(struct mastery_standard_row, student), DB_FIELD_SKIP, /* school */
	   DB_FIELD_TEXT(struct mastery_standard_row, grades),
	   DB_FIELD_REAL(struct mastery_standard_row, p),
	   DB_FIELD_INT(struct mastery_standard_row, inferred),
	   DB_FIELD_INT(struct mastery_standard_row, responses));

enum eb_err mastery_standard_cells(struct db *db, int64_t district_id, const char *standard,
				   struct arena *a, struct mastery_standard_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return db_get_rows(
		db,
		"SELECT m.student_sourced_id, p.org_sourced_ids, p.grades, m.p, m.inferred,"
		" m.responses FROM mastery_state m LEFT JOIN person p"
		" ON p.district_id = m.district_id AND p.sourced_id = m.student_sourced_id"
		" WHERE m.district_id = ?1 AND m.standard_code = ?2",
		DB_ARGS(DB_INT(district_id), DB_TEXT(standard)), &standard_row_spec, a, out, n);
}

DB_ROWSPEC(summary_spec, struct mastery_standard_summary, NULL,
	   DB_FIELD_STR(struct mastery_standard_summary, school),
	   DB_FIELD_STR(struct mastery_standard_summary, standard),
	   DB_FIELD_INT(struct mastery_standard_summary, students),
	   DB_FIELD_INT(struct mastery_standard_summary, not_yet),
	   DB_FIELD_REAL(struct mastery_standard_summary, mean_p));

/* The lower end of the 95% Wilson interval of the share Not yet: a share
 * of few students ranks below the same share of many. */
double mastery_share_low(const struct mastery_standard_summary *r)
{
	const double z = 1.96;
	double n = (double)r->students, p = n > 0 ? (double)r->not_yet / n : 0;
	if (n <= 0)
		return 0;
	double c = p + z * z / (2 * n), h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
	return (c - h) / (1 + z * z / n);
}

static int weakest_first(const void *a, const void *b)
{
	const struct mastery_standard_summary *x = a, *y = b;
	int s = strcmp(x->school, y->school);
	if (s)
		return s;
	double lx = mastery_share_low(x), ly = mastery_share_low(y);
	if (lx != ly)
		return lx > ly ? -1 : 1;
	if (x->mean_p != y->mean_p)
		return x->mean_p < y->mean_p ? -1 : 1;
	return strcmp(x->standard, y->standard);
}

enum eb_err mastery_weakest_standards(struct db *db, int64_t district_id, const char *school,
				      int64_t min_students, size_t per_school, struct arena *a,
				      struct mastery_standard_summary **out, size_t *n)
{
	struct mastery_standard_summary *r;
	size_t nr;
	*out = NULL;
	*n = 0;
	/* ?2 NULL: every school's rows (not the district's ''), else that one */
	enum eb_err rc = db_get_rows(
		db,
		"SELECT school_sourced_id, standard_code, students, not_yet, mean_p"
		" FROM mastery_standard_summary WHERE district_id = ?1 AND students >= ?3"
		"  AND (school_sourced_id = ?2 OR (?2 IS NULL AND school_sourced_id <> ''))",
		DB_ARGS(DB_INT(district_id), DB_TEXT(school), DB_INT(min_students)), &summary_spec,
		a, &r, &nr);
	if (rc)
		return rc;
	if (nr > 1)
		qsort(r, nr, sizeof *r, weakest_first);
	size_t k = 0, run = 0;
	for (size_t i = 0; i < nr; i++) {
		run = i && strcmp(r[i].school, r[i - 1].school) == 0 ? run + 1 : 0;
		if (run < per_school)
			r[k++] = r[i];
	}
	*out = r;
	*n = k;
	return EB_OK;
}

/* The standards a tool's measured cells are on, with how many students. */
struct tool_standards {
	struct hashset ix;  /* code -> index */
	const char **codes; /* in the caller's arena */
	int32_t *count;
	size_t n, cap;
};

/* Counts one cell on code (the code copied into a on first sight). */
static enum eb_err tool_standards_add(struct tool_standards *t, const char *code, struct arena *a)
{
	int32_t i;
	if (!hs_get(&t->ix, str_from(code), &i)) {
		if (t->n == t->cap) {
			size_t na = t->cap ? t->cap * 2 : 128;
			const char **ns = arena_alloc(a, na * sizeof *ns);
			int32_t *nc = arena_alloc(a, na * sizeof *nc);
			if (!ns || !nc)
				return EB_ENOMEM;
			if (t->n) {
				memcpy(ns, t->codes, t->n * sizeof *ns);
				memcpy(nc, t->count, t->n * sizeof *nc);
			}
			t->codes = ns;
			t->count = nc;
			t->cap = na;
		}
		if (!(t->codes[t->n] = arena_strdup(a, code)))
			return EB_ENOMEM;
		t->count[t->n] = 0;
		i = (int32_t)t->n++;
		if (hs_set(&t->ix, str_from(t->codes[i]), i))
			return EB_ENOMEM;
	}
	t->count[i]++;
	return EB_OK;
}

enum eb_err mastery_standards_of_tool(struct db *db, int64_t district_id, int64_t tool_id,
				      int min_responses, int min_students, size_t cap,
				      struct arena *a, const char **codes, size_t *n)
{
	struct db_stmt *st;
	struct tool_standards t = { 0 };
	*n = 0;
	enum eb_err rc = db_query(db,
				  "SELECT standard_code, " MASTERY_CELL_COLS " FROM mastery_state"
				  " WHERE district_id = ?1 AND inferred = 0 AND responses >= ?2",
				  DB_ARGS(DB_INT(district_id), DB_INT(min_responses)), &st);
	if (rc)
		return rc;
	hs_init(&t.ix);
	while (db_next(st)) {
		struct mastery_cell c;
		if (mastery_cell_read(st, 1, &c))
			break;
		bool used = false;
		for (int k = 0; k < c.ntools && !used; k++)
			used = c.tools[k].tool_id == tool_id;
		const char *code = db_col_text(st, 0);
		if (!used || !code)
			continue;
		if ((rc = tool_standards_add(&t, code, a))) {
			db_fail(st, rc);
			break;
		}
	}
	rc = db_done(st);
	hs_free(&t.ix);
	if (rc)
		return rc;
	/* pick the most-used standards: selection by repeated maximum (few standards) */
	while (*n < cap) {
		size_t best = t.n;
		for (size_t i = 0; i < t.n; i++) {
			if (t.count[i] < min_students)
				continue;
			if (best == t.n || t.count[i] > t.count[best] ||
			    (t.count[i] == t.count[best] && strcmp(t.codes[i], t.codes[best]) < 0))
				best = i;
		}
		if (best == t.n)
			break;
		codes[(*n)++] = t.codes[best];
		t.count[best] = -1;
	}
	return EB_OK;
}

enum eb_err mastery_each_cell_of_standard(struct db *db, int64_t district_id, const char *standard,
					  void (*fn)(void *ctx, const char *student,
						     const struct mastery_cell *c),
					  void *ctx)
{
	struct db_stmt *st;
	/* the planner otherwise scans the district's cells for each standard */
	enum eb_err rc = db_query(db,
				  "SELECT student_sourced_id, " MASTERY_CELL_COLS
				  " FROM mastery_state INDEXED BY mastery_state_standard"
				  " WHERE district_id = ?1 AND standard_code = ?2",
				  DB_ARGS(DB_INT(district_id), DB_TEXT(standard)), &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		struct mastery_cell c;
		const char *student = db_col_text(st, 0);
		if (!student)
			continue;
		if (mastery_cell_read(st, 1, &c))
			break;
		fn(ctx, student, &c);
	}
	return db_done(st);
}

/* ---- text forms (exports) -------------------------------------------- */

void mastery_tools_format(const struct mastery_cell *c, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < c->ntools && len < cap; i++) {
		int w = snprintf(out + len, cap - len, "%s%lld:%d:%d", i ? "," : "",
				 (long long)c->tools[i].tool_id, c->tools[i].responses,
				 c->tools[i].correct);
		if (w < 0 || (size_t)w >= cap - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
}

void mastery_tools_parse(const char *s, struct mastery_cell *c)
{
	c->ntools = 0;
	while (s && *s && c->ntools < MASTERY_MAX_TOOLS) {
		char *e;
		long long t = strtoll(s, &e, 10);
		if (*e != ':')
			break;
		long r = strtol(e + 1, &e, 10);
		if (*e != ':')
			break;
		long k = strtol(e + 1, &e, 10);
		c->tools[c->ntools].tool_id = t;
		c->tools[c->ntools].responses = (int32_t)r;
		c->tools[c->ntools].correct = (int32_t)k;
		c->ntools++;
		if (*e != ',')
			break;
		s = e + 1;
	}
}

void mastery_trend_format(const struct mastery_cell *c, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < c->ntrend; i++) {
		int w = snprintf(out + len, cap - len, "%s%u", i ? "," : "", c->trend[i]);
		if (w < 0 || (size_t)w >= cap - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
}

void mastery_trend_parse(const char *s, struct mastery_cell *c)
{
	c->ntrend = 0;
	while (s && *s && c->ntrend < MASTERY_TREND_WEEKS) {
		char *e;
		long v = strtol(s, &e, 10);
		if (e == s)
			break;
		c->trend[c->ntrend++] = (uint8_t)(v < 0 ? 0 : v > 100 ? 100 : v);
		if (*e != ',')
			break;
		s = e + 1;
	}
}
