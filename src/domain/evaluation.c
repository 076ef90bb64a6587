/* evaluation.c - see evaluation.h. */
#include "domain/evaluation.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashset.h"
#include "base/stats.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/assessments.h"
#include "domain/initiatives.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "store/db.h"

static const char *const design_names[EVAL__COUNT] = { "matched", "randomized", "did", "dose" };

const char *eval_design_name(enum eval_design d)
{
	return (unsigned)d < EVAL__COUNT ? design_names[d] : "?";
}

enum eb_err eval_design_parse(const char *s, enum eval_design *out)
{
	for (int i = 0; s && i < EVAL__COUNT; i++)
		if (strcmp(s, design_names[i]) == 0) {
			*out = (enum eval_design)i;
			return EB_OK;
		}
	return EB_EINVAL;
}

#define FAILW(...) (snprintf(why, cap, __VA_ARGS__), EB_EINVAL)

/* ---- loading ---------------------------------------------------------- */

struct score_ix {
	struct assessment_score *s;
	size_t n;
};

/* Index of the first score of sid in the sorted array, or n. */
static size_t find_sid(const struct score_ix *x, const char *sid)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(x->s[mid].student_sid, sid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Last score before day (before=1) or on/after it (before=0); NAN if none. */
static double pick(const struct score_ix *x, const char *sid, int32_t day, int before)
{
	double v = NAN;
	for (size_t i = find_sid(x, sid); i < x->n && strcmp(x->s[i].student_sid, sid) == 0; i++)
		if (before ? x->s[i].day < day : x->s[i].day >= day)
			v = x->s[i].score;
	return v;
}

/* The score before the one pick(before=1) returns: an earlier measure of
 * the same assessment (a prior benchmark or last year's score); NAN if none. */
static double pick_earlier(const struct score_ix *x, const char *sid, int32_t day)
{
	double last = NAN, prev = NAN;
	for (size_t i = find_sid(x, sid); i < x->n && strcmp(x->s[i].student_sid, sid) == 0; i++)
		if (x->s[i].day < day) {
			prev = last;
			last = x->s[i].score;
		}
	return prev;
}

/* OneRoster demographics sex into *female: 1 female, 0 male, -1 other or
 * unknown. */
static enum eb_err student_female(struct db *db, int64_t d, const char *sid, int *female)
{
	struct db_stmt *st;
	*female = -1;
	enum eb_err e =
		db_query(db, "SELECT sex FROM demographics WHERE district_id=?1 AND sourced_id=?2",
			 DB_ARGS(DB_INT(d), DB_TEXT(sid)), &st);
	if (e)
		return e;
	if (db_next(st)) {
		const char *sex = db_col_text(st, 0);
		*female = sex && strcmp(sex, "female") == 0 ? 1
			  : sex && strcmp(sex, "male") == 0 ? 0
							    : -1;
	}
	return db_done(st);
}

/* Up to 4 other initiatives of the district with recorded use (most rows
 * first): their ids and tool names (arena copies), how many into *n. */
static enum eb_err other_initiatives(struct db *db, int64_t d, int64_t iid, struct arena *a,
				     int64_t ids[4], const char *names[4], size_t *n)
{
	struct db_stmt *st;
	*n = 0;
	enum eb_err e = db_query(
		db,
		"SELECT u.initiative_id, i.tool_name FROM initiative_use u"
		" JOIN initiative i ON i.district_id=u.district_id AND i.id=u.initiative_id"
		" WHERE u.district_id=?1 AND u.initiative_id<>?2 GROUP BY u.initiative_id,"
		" i.tool_name ORDER BY count(*) DESC, u.initiative_id LIMIT 4",
		DB_ARGS(DB_INT(d), DB_INT(iid)), &st);
	if (e)
		return e;
	while (*n < 4 && db_next(st)) {
		const char *t = db_col_text(st, 1);
		char label[96];
		snprintf(label, sizeof label, "%s hours (other tool)", t ? t : "?");
		ids[*n] = db_col_int(st, 0);
		if (!(names[*n] = arena_strdup(a, label))) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		(*n)++;
	}
	return db_done(st);
}

static enum eb_err load_scores(struct db *db, int64_t d, const char *name, struct arena *a,
			       struct score_ix *out, int *found)
{
	int64_t aid;
	double lo, hi;
	out->n = 0;
	out->s = NULL;
	enum eb_err e = assessment_find(db, d, name, &aid, &lo, &hi);
	*found = e == EB_OK;
	if (e == EB_ENOTFOUND)
		return EB_OK;
	if (e)
		return e;
	return assessment_scores(db, d, aid, a, &out->s, &out->n);
}

/* The student's recorded minutes of use of initiative iid (0 when none). */
static enum eb_err use_minutes(struct db *db, int64_t d, int64_t iid, const char *sid,
			       double *minutes)
{
	struct db_stmt *st;
	*minutes = 0;
	enum eb_err e = db_query(db,
				 "SELECT minutes FROM initiative_use WHERE district_id=?1"
				 " AND initiative_id=?2 AND student_sourced_id=?3",
				 DB_ARGS(DB_INT(d), DB_INT(iid), DB_TEXT(sid)), &st);
	if (e)
		return e;
	if (db_next(st))
		*minutes = db_col_double(st, 0);
	return db_done(st);
}

/* Dense id of s in names[0..*n), appending it when new; seen maps the
 * names (arena copies) to their ids. -1 when the arena cannot grow. */
static int64_t intern(struct hashset *seen, const char **names, size_t *n, size_t cap,
		      const char *s, struct arena *a)
{
	int32_t v;
	if (hs_get(seen, str_from(s), &v))
		return v;
	if (*n == cap)
		return (int64_t)cap - 1;
	if (!(names[*n] = arena_strdup(a, s)) || hs_set(seen, str_from(names[*n]), (int32_t)*n))
		return -1;
	return (int64_t)(*n)++;
}

static int in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* Monday-based week number of a civil day (as mastery.c's trend weeks). */
static int64_t week_of_day(int64_t day)
{
	day += 3; /* 1970-01-01 was a Thursday */
	return day >= 0 ? day / 7 : -((-day + 6) / 7);
}

/* The standards examined: the initiative's targeted ones, else those on
 * which 10 or more students have a measured estimate (MASTERY_MIN_DIRECT or
 * more direct responses) to which the initiative's tool contributed
 * evidence (most students first). Read from the stored cells, not the raw
 * events: a cell sums many events, so this scan stays small. */
static size_t std_list(struct db *db, int64_t d, const struct initiative *in, struct arena *a,
		       const char **codes, bool *targeted)
{
	size_t n = 0;
	*targeted = in->nstandards > 0;
	if (in->nstandards) {
		for (size_t i = 0; i < in->nstandards && n < EVAL_MAX_STD; i++)
			codes[n++] = in->standards[i];
		return n;
	}
	if (in->tool_id <= 0)
		return 0;
	if (mastery_standards_of_tool(db, d, in->tool_id, MASTERY_MIN_DIRECT, EVAL_STD_MIN_GROUP,
				      EVAL_MAX_STD, a, codes, &n))
		return 0;
	return n;
}

struct std_fill {
	const struct hashset *ix;
	double *end, *base;
	size_t k, j;
	int64_t wk;
};

static void std_fill_cell(void *ctx, const char *student, const struct mastery_cell *c)
{
	struct std_fill *f = ctx;
	int32_t i;
	if (!hs_get(f->ix, str_from(student), &i) || c->inferred)
		return;
	f->end[(size_t)i * f->k + f->j] = c->p;
	int64_t last = c->trend_week, first = last - c->ntrend + 1;
	if (c->ntrend && f->wk >= first)
		f->base[(size_t)i * f->k + f->j] =
			c->trend[f->wk > last ? (size_t)c->ntrend - 1 : (size_t)(f->wk - first)] /
			100.0;
}

/* Fills out->std_* for the rows (row i is student sids[i]). */
static enum eb_err load_standards(struct db *db, int64_t d, const struct initiative *in,
				  struct arena *a, struct eval_data *out,
				  const struct init_student *sids, int32_t start)
{
	const char **codes = arena_alloc(a, EVAL_MAX_STD * sizeof *codes);
	if (!codes)
		return EB_ENOMEM;
	size_t k = std_list(db, d, in, a, codes, &out->std_targeted);
	if (k == 0 || out->n == 0)
		return EB_OK;
	double *end = arena_alloc(a, out->n * k * sizeof *end);
	double *base = arena_alloc(a, out->n * k * sizeof *base);
	if (!end || !base)
		return EB_ENOMEM;
	for (size_t i = 0; i < out->n * k; i++)
		end[i] = base[i] = NAN;
	struct hashset ix;
	hs_init(&ix);
	enum eb_err rc = EB_OK;
	for (size_t i = 0; i < out->n && !rc; i++)
		rc = hs_set(&ix, str_from(sids[i].sid), (int32_t)i);
	int64_t wk = week_of_day(start) - 1; /* the last week before the start */
	struct std_fill fill = { &ix, end, base, k, 0, wk };
	for (size_t j = 0; j < k && !rc; j++) {
		fill.j = j;
		rc = mastery_each_cell_of_standard(db, d, codes[j], std_fill_cell, &fill);
	}
	hs_free(&ix);
	if (rc)
		return rc;
	out->nstd = k;
	out->std_code = codes;
	out->std_end = end;
	out->std_base = base;
	return EB_OK;
}

static enum eb_err eval_load_in(struct db *db, int64_t district_id, const struct initiative *in,
				enum eval_design design, bool standards, struct arena *a,
				struct eval_data *out, char *why, size_t cap);

/* The loads run many small queries (students, scores, use, covariates): one
 * read transaction gives them one snapshot, so the analysis never mixes two
 * states of the data, and the file lock is taken once. */
static enum eb_err eval_load_snapshot(struct db *db, int64_t district_id,
				      const struct initiative *in, enum eval_design design,
				      bool standards, struct arena *a, struct eval_data *out,
				      char *why, size_t cap)
{
	bool own = !db_in_transaction(db);
	if (own && db_begin_read(db))
		own = false; /* still correct statement by statement, only slower */
	enum eb_err e = eval_load_in(db, district_id, in, design, standards, a, out, why, cap);
	if (own)
		db_rollback(db);
	return e;
}

enum eb_err eval_load(struct db *db, int64_t district_id, const struct initiative *in,
		      enum eval_design design, struct arena *a, struct eval_data *out, char *why,
		      size_t cap)
{
	return eval_load_snapshot(db, district_id, in, design, true, a, out, why, cap);
}

enum eb_err eval_load_headline(struct db *db, int64_t district_id, const struct initiative *in,
			       enum eval_design design, struct arena *a, struct eval_data *out,
			       char *why, size_t cap)
{
	return eval_load_snapshot(db, district_id, in, design, false, a, out, why, cap);
}

static enum eb_err eval_load_in(struct db *db, int64_t district_id, const struct initiative *in,
				enum eval_design design, bool standards, struct arena *a,
				struct eval_data *out, char *why, size_t cap)
{
	memset(out, 0, sizeof *out);
	out->design = design;
	out->icc = -1;
	out->tool = in->tool_name;
	out->outcome_name = in->outcome_assessment;
	out->start_date = in->start_date;
	int32_t start;
	if (date_parse_ymd(str_from(in->start_date), &start))
		return FAILW("initiative: its start date '%s' is not a date", in->start_date);
	struct init_student *st;
	size_t ns;
	enum eb_err e;
	struct initiative pool = *in;
	if (design == EVAL_DID) {
		/* every school, the same grades: comparison schools are the others */
		pool.nschools = pool.nclasses = 0;
	}
	if ((e = initiative_students(db, district_id, &pool, a, &st, &ns)))
		return e;
	if (ns == 0)
		return FAILW("target: no active students are enrolled in the initiative's target"
			     " (schools, grades, classes); import the roster first");
	struct score_ix post, pre;
	int found_post, found_pre;
	if ((e = load_scores(db, district_id, in->outcome_assessment, a, &post, &found_post)))
		return e;
	const char *pre_name = design == EVAL_DID ? in->outcome_assessment : in->pretest_assessment;
	if ((e = load_scores(db, district_id, pre_name, a, &pre, &found_pre)))
		return e;
	if (!found_post || post.n == 0)
		return FAILW(
			"outcome: no scores of the assessment '%s' are stored; import them with"
			" `edbridge import assessment --name \"%s\" ...`",
			in->outcome_assessment, in->outcome_assessment);
	int64_t nuse;
	if ((e = db_get_int(db,
			    "SELECT count(*) FROM initiative_use"
			    " WHERE district_id=?1 AND initiative_id=?2",
			    DB_ARGS(DB_INT(district_id), DB_INT(in->id)), &nuse)))
		return e;
	if ((design == EVAL_MATCHED || design == EVAL_DOSE) && nuse == 0)
		return FAILW(
			"use: no tool use is recorded for this initiative, so users and non-users"
			" cannot be told apart; import it with `edbridge import usage"
			" --initiative %lld FILE`",
			(long long)in->id);
	if (design == EVAL_RANDOMIZED && !in->random_unit)
		return FAILW("assignment: this initiative has no random assignment; draw one with"
			     " `edbridge initiative randomize %lld --unit class|school --seed N`"
			     " before the pilot starts",
			     (long long)in->id);

	int64_t other_ids[4];
	if (design == EVAL_MATCHED && (e = other_initiatives(db, district_id, in->id, a, other_ids,
							     out->other_names, &out->nother)))
		return e;
	size_t with_prior = 0;
	out->rows = arena_alloc(a, ns * sizeof *out->rows);
	out->school_names = arena_alloc(a, 4096 * sizeof(char *));
	const char **class_names = arena_alloc(a, (ns + 1) * sizeof(char *));
	if (!out->rows || !out->school_names || !class_names)
		return EB_ENOMEM;
	size_t nclasses = 0;
	size_t with_post = 0, with_pre = 0;
	struct hashset hs_school, hs_class;
	hs_init(&hs_school);
	hs_init(&hs_class);
	for (size_t i = 0; i < ns && !e; i++) {
		struct eval_row *r = &out->rows[out->n];
		memset(r, 0, sizeof *r);
		r->post = pick(&post, st[i].sid, start, 0);
		r->pre = pick(&pre, st[i].sid, start, 1);
		with_post += !isnan(r->post);
		with_pre += !isnan(r->pre);
		r->prior = design == EVAL_MATCHED ? pick_earlier(&pre, st[i].sid, start) : NAN;
		with_prior += !isnan(r->prior);
		r->female = -1;
		if (design == EVAL_MATCHED &&
		    (e = student_female(db, district_id, st[i].sid, &r->female)))
			break;
		for (size_t j = 0; j < out->nother && !e; j++)
			e = use_minutes(db, district_id, other_ids[j], st[i].sid, &r->other[j]);
		if (e)
			break;
		r->grade = st[i].grade;
		r->el = st[i].el;
		r->swd = st[i].swd;
		r->school = intern(&hs_school, out->school_names, &out->nschools, 4096,
				   st[i].school, a);
		r->cluster = intern(&hs_class, class_names, &nclasses, ns + 1, st[i].class_sid, a);
		if (r->school < 0 || r->cluster < 0) {
			e = EB_ENOMEM;
			break;
		}
		switch (design) {
		case EVAL_MATCHED:
		case EVAL_DOSE:
			e = use_minutes(db, district_id, in->id, st[i].sid, &r->minutes);
			r->treated = r->minutes > 0;
			break;
		case EVAL_RANDOMIZED: {
			const char *unit = strcmp(in->random_unit, "school") == 0 ? st[i].school
										  : st[i].class_sid;
			r->treated = initiative_assigned(db, district_id, in->id, unit);
			break;
		}
		case EVAL_DID:
			r->treated = in_list(in->schools, in->nschools, st[i].school) ||
				     in_list(in->classes, in->nclasses, st[i].class_sid);
			if (in->nschools == 0 && in->nclasses == 0)
				r->treated = -1;
			r->cluster = r->school;
			break;
		default:
			break;
		}
		out->n++;
	}
	hs_free(&hs_school);
	hs_free(&hs_class);
	if (e)
		return e;
	/* the schools by name for the "for whom" labels (people read them) */
	out->school_labels = arena_alloc(a, (out->nschools ? out->nschools : 1) * sizeof(char *));
	for (size_t s = 0; out->school_labels && s < out->nschools; s++) {
		struct roster_org_row o;
		out->school_labels[s] = roster_org_get(db, district_id, out->school_names[s], a, &o)
						? out->school_names[s]
						: o.name;
	}
	out->has_prior = with_prior > 0;
	if (with_post == 0)
		return FAILW(
			"outcome: none of the %zu targeted students has a score of '%s' dated on"
			" or after the start (%s)",
			ns, in->outcome_assessment, in->start_date);
	if (design == EVAL_MATCHED && with_pre == 0)
		return FAILW("pretest: none of the %zu targeted students has a score of '%s' dated"
			     " before the start (%s); the matched design needs a pretest",
			     ns, pre_name, in->start_date);
	if (design == EVAL_DID && with_pre == 0)
		return FAILW("pretest: no scores of '%s' before the start (%s); difference-in-"
			     "differences needs the same assessment before and after",
			     pre_name, in->start_date);
	if (design == EVAL_DID && in->nschools == 0 && in->nclasses == 0)
		return FAILW("comparison: the initiative targets every school, so no school is left"
			     " for comparison; difference-in-differences needs targeted schools or"
			     " classes and others that are not");
	size_t nt = 0, nc = 0;
	for (size_t i = 0; i < out->n; i++) {
		nt += out->rows[i].treated == 1;
		nc += out->rows[i].treated == 0;
	}
	if (nc == 0 && design != EVAL_DOSE)
		return FAILW("comparison: there is no comparison group - %s; an effect cannot be"
			     " estimated without one",
			     design == EVAL_MATCHED	 ? "every targeted student used the tool"
			     : design == EVAL_RANDOMIZED ? "the assignment has no comparison units"
							 : "every student is in a targeted school");
	if (nt == 0)
		return FAILW("group: the intervention group is empty - %s",
			     design == EVAL_RANDOMIZED ? "no targeted student is in a treated unit"
						       : "no targeted student used the tool");
	if (standards && (e = load_standards(db, district_id, in, a, out, st, start)))
		return FAILW("standards: the mastery estimates could not be read (%s)",
			     eb_strerror(e));
	return EB_OK;
}

/* ---- running ---------------------------------------------------------- */

static double row_pre(const struct eval_row *r)
{
	return r->pre;
}

/* Whole-sample and subgroup analyses share this: estimate on rows idx. */
static enum eb_err estimate(const struct eval_data *d, const size_t *idx, size_t n,
			    struct eval_result *r, bool full, char *inm, char *why, size_t cap);

static int all_have_pre(const struct eval_data *d, const size_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isnan(d->rows[idx[i]].pre))
			return 0;
	return 1;
}

static size_t distinct(const int64_t *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = v[j] == v[i];
		k += !seen;
	}
	return k;
}

static size_t count_distinct_sorted(int64_t *v, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || v[i] != v[i - 1])
			k++;
	return k;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static size_t n_distinct(const int64_t *v, size_t n)
{
	if (n < 64)
		return distinct(v, n);
	int64_t *c = malloc(n * sizeof *c);
	if (!c)
		return 0;
	memcpy(c, v, n * sizeof *c);
	qsort(c, n, sizeof *c, cmp_i64);
	size_t k = count_distinct_sorted(c, n);
	free(c);
	return k;
}

static double icc_for(const struct eval_data *d, const int64_t *cl, size_t n)
{
	if (d->icc >= 0)
		return d->icc;
	return n_distinct(cl, n) >= 10 ? -1.0 : EV_ICC_ACHIEVEMENT;
}

/* Fills est from a regression slope on a 0/1 group (ev_dose_response with
 * the group as dose), in the WWC regression-adjusted form. */
static enum eb_err est_from_slope(const struct ev_dose *dr, const double *y, const int *grp,
				  size_t n, struct ev_estimate *e, char *why, size_t cap)
{
	struct stats_acc acc[2] = { STATS_ACC_INIT, STATS_ACC_INIT };
	for (size_t i = 0; i < n; i++)
		stats_acc_add(&acc[grp[i] ? 1 : 0], y[i]);
	e->n_t = (double)acc[1].n;
	e->n_c = (double)acc[0].n;
	if (acc[0].n < 2 || acc[1].n < 2)
		return FAILW("a group has fewer than 2 students with outcomes (intervention %zu,"
			     " comparison %zu)",
			     acc[1].n, acc[0].n);
	double s2 = (acc[0].m2 + acc[1].m2) / (acc[0].w + acc[1].w - 2);
	if (!(s2 > 0))
		return FAILW("every outcome score is the same; an effect size cannot be computed");
	e->sd_pooled = sqrt(s2);
	double omega;
	enum eb_err rc = ev_omega(e->n_t + e->n_c, &omega, why, cap);
	if (rc)
		return rc;
	double ratio = dr->t != 0 ? dr->t_adj / dr->t : 1.0;
	e->diff = dr->slope;
	e->g = omega * dr->slope / e->sd_pooled;
	e->se = omega * dr->se / e->sd_pooled;
	e->t = dr->t;
	e->t_adj = dr->t_adj;
	e->h = dr->h;
	e->df = (double)n - 2;
	e->icc = dr->icc;
	e->p = dr->p;
	e->se_adj = ratio > 0 ? e->se / ratio : e->se;
	double q, q80;
	if ((rc = stats_t_quantile(0.975, dr->h, &q, why, cap)) ||
	    (rc = stats_t_quantile(0.80, dr->h, &q80, why, cap)))
		return rc;
	e->ci_lo = e->g - q * e->se_adj;
	e->ci_hi = e->g + q * e->se_adj;
	e->improvement = ev_improvement_index(e->g);
	e->mdes = (q + q80) * e->se_adj;
	e->significant = e->p < 0.05;
	return EB_OK;
}

/* The matched design's covariates, in this order (constant ones dropped, the
 * pretest always kept): pretest; prior-year score and a flag for a missing
 * one (imputed with the pretest) when the rows carry it; English learner,
 * disability, female (OneRoster demographics); hours of use of each other
 * tool of the district (co-interventions: motivated students and
 * enthusiastic teachers use several tools, and the others' effects must not
 * be credited to this one). Exact strata: grade, and school within grade
 * when there are several schools (pairs come from the same school, so school
 * differences cannot masquerade as an effect). */
#define COV_MAX EV_MATCH_MAX_K
/* The Cox index of the pass/fail outcome on rows with in[i] set (NULL:
 * all); see struct eval_result. Fills has_cox or cox_why. */
static void cox_fill(const struct eval_data *d, struct eval_result *r, const double *y,
		     const int *grp, const int64_t *cl, const char *in, size_t n)
{
	double k[2] = { 0 }, pass[2] = { 0 };
	double *z = malloc((n + 1) * sizeof *z);
	int64_t *zc = malloc((n + 1) * sizeof *zc);
	size_t m = 0;
	r->has_cox = false;
	if (!z || !zc) {
		str_copy(r->cox_why, sizeof r->cox_why, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (in && !in[i])
			continue;
		int g = grp[i] ? 1 : 0, ok = y[i] >= d->pass_score;
		k[g]++;
		pass[g] += ok;
		z[m] = ok;
		zc[m++] = cl[i];
	}
	r->cox_n_t = k[1];
	r->cox_n_c = k[0];
	r->pass_t = k[1] > 0 ? pass[1] / k[1] : 0;
	r->pass_c = k[0] > 0 ? pass[0] / k[0] : 0;
	char why[160];
	double se;
	if (ev_cox_se(r->pass_t, k[1], r->pass_c, k[0], &se, why, sizeof why) ||
	    ev_cox_index(r->pass_t, r->pass_c, k[0] + k[1], &r->cox, why, sizeof why)) {
		snprintf(r->cox_why, sizeof r->cox_why, "%s", why);
		goto out;
	}
	double icc = d->icc >= 0 ? d->icc : EV_ICC_ACHIEVEMENT;
	if (d->icc < 0 && n_distinct(zc, m) >= 10 && ev_icc_anova(z, zc, m, &icc, NULL, 0))
		icc = EV_ICC_ACHIEVEMENT;
	double t = r->cox.cox / se, q;
	struct ev_cluster c;
	size_t ncl = n_distinct(zc, m);
	if (ncl >= 2 && ncl < m) {
		if (ev_cluster_correct_t(t, (double)m, (double)ncl, icc, &c, why, sizeof why)) {
			snprintf(r->cox_why, sizeof r->cox_why, "%s", why);
			goto out;
		}
	} else {
		c.t_adj = t;
		c.h = (double)m - 2;
	}
	if (stats_t_quantile(0.975, c.h, &q, why, sizeof why)) {
		snprintf(r->cox_why, sizeof r->cox_why, "%s", why);
		goto out;
	}
	r->cox_se = se;
	r->cox_se_adj = c.t_adj != 0 ? se * t / c.t_adj : se;
	r->cox_h = c.h;
	if (stats_t_p2(c.t_adj, c.h, &r->cox_p, why, sizeof why)) {
		snprintf(r->cox_why, sizeof r->cox_why, "%s", why);
		goto out;
	}
	r->cox_ci_lo = r->cox.cox - q * r->cox_se_adj;
	r->cox_ci_hi = r->cox.cox + q * r->cox_se_adj;
	r->has_cox = true;
out:
	free(z);
	free(zc);
}

/* inm (NULL, or d->n entries): set to 1 for the rows in a matched pair. */
static enum eb_err est_matched(const struct eval_data *d, const size_t *idx, size_t n,
			       struct eval_result *r, char *inm, char *why, size_t cap)
{
	enum eb_err rc = EB_OK;
	size_t m = 0;
	size_t *src = malloc((n + 1) * sizeof *src);
	double *x = malloc((n + 1) * COV_MAX * sizeof *x), *y = malloc((n + 1) * sizeof *y);
	double *tmp = malloc((n + 1) * COV_MAX * sizeof *tmp);
	int *t = malloc((n + 1) * sizeof *t);
	int64_t *strat = malloc((n + 1) * sizeof *strat), *cl = malloc((n + 1) * sizeof *cl);
	if (!x || !y || !tmp || !t || !strat || !cl || !src) {
		rc = EB_ENOMEM;
		goto out;
	}
	const char *names[COV_MAX];
	size_t nc = 0;
	names[nc++] = "pretest";
	size_t c_prior = 0, c_other = 0;
	if (d->has_prior) {
		c_prior = nc;
		names[nc++] = "prior-year score";
		names[nc++] = "prior-year score missing";
	}
	size_t c_demo = nc;
	names[nc++] = "English learner";
	names[nc++] = "disability";
	names[nc++] = "female";
	c_other = nc;
	for (size_t j = 0; j < d->nother && j < 4; j++)
		names[nc++] = d->other_names[j] ? d->other_names[j] : "other tool hours";
	double sum[COV_MAX] = { 0 }, sq[COV_MAX] = { 0 };
	for (size_t i = 0; i < n; i++) {
		const struct eval_row *w = &d->rows[idx[i]];
		if (w->treated < 0 || isnan(w->pre) || isnan(w->post))
			continue;
		double *v = &tmp[m * COV_MAX];
		v[0] = w->pre;
		if (d->has_prior) {
			v[c_prior] = isnan(w->prior) ? w->pre : w->prior;
			v[c_prior + 1] = isnan(w->prior);
		}
		v[c_demo] = w->el == 1;
		v[c_demo + 1] = w->swd == 1;
		v[c_demo + 2] = w->female == 1;
		for (size_t j = 0; j < d->nother && j < 4; j++)
			v[c_other + j] = isnan(w->other[j]) ? 0 : w->other[j] / 60.0;
		for (size_t j = 0; j < nc; j++) {
			sum[j] += v[j];
			sq[j] += v[j] * v[j];
		}
		y[m] = w->post;
		t[m] = w->treated;
		strat[m] = d->nschools <= 1 ? (int64_t)w->grade
					    : (int64_t)w->grade * 1000003 + w->school;
		cl[m] = w->cluster;
		src[m] = idx[i];
		m++;
	}
	/* keep non-constant covariates; the pretest always */
	int keep[COV_MAX], k = 0;
	for (size_t j = 0; j < nc; j++) {
		double var = m ? sq[j] / (double)m - (sum[j] / (double)m) * (sum[j] / (double)m)
			       : 0;
		keep[j] = j == 0 || var > 1e-12;
	}
	for (size_t j = 0; j < nc; j++)
		if (keep[j])
			r->cov_name[k++] = names[j];
	r->ncov = (size_t)k;
	for (size_t i = 0; i < m; i++) {
		int c = 0;
		for (size_t j = 0; j < nc; j++)
			if (keep[j])
				x[i * (size_t)k + (size_t)c++] = tmp[i * COV_MAX + j];
	}
	struct ev_match_in mi = { .n = m,
				  .k = (size_t)k,
				  .x = x,
				  .pretest_col = 0,
				  .treated = t,
				  .stratum = strat,
				  .cluster = cl,
				  .outcome = y,
				  .icc = icc_for(d, cl, m),
				  .caliper_sd = 0 };
	struct ev_match_out mo;
	bool want = d->has_pass || inm;
	int64_t *match_of = want ? malloc((m + 1) * sizeof *match_of) : NULL;
	if (want && !match_of) {
		rc = EB_ENOMEM;
		goto out;
	}
	rc = ev_match(&mi, &mo, match_of, why, cap);
	if (rc == EB_OK && inm)
		for (size_t i = 0; i < m; i++)
			inm[src[i]] = match_of[i] >= 0;
	if (rc == EB_OK && d->has_pass) {
		char *in = malloc(m + 1);
		if (in) {
			for (size_t i = 0; i < m; i++)
				in[i] = match_of[i] >= 0;
			cox_fill(d, r, y, t, cl, in, m);
		}
		free(in);
	}
	free(match_of);
	if (rc)
		goto out;
	r->n_t_before = mo.n_t_before;
	r->n_c_before = mo.n_c_before;
	r->n_pairs = mo.n_pairs;
	r->naive_diff = mo.naive_diff;
	r->naive_g = mo.naive_g;
	for (int j = 0; j < k; j++)
		r->balance[j] = mo.balance[j];
	r->est = mo.est;
	r->has_pretest = true;
	/* equivalence judged on the pretest: satisfied, or within 0.25 with
	 * the regression adjustment for it that the model makes */
	r->baseline_equivalent = mo.balance[0].band_after != EV_BAND_NOT_SATISFIED;
out:
	free(src);
	free(x);
	free(y);
	free(tmp);
	free(t);
	free(strat);
	free(cl);
	return rc;
}

static enum eb_err est_randomized(const struct eval_data *d, const size_t *idx, size_t n,
				  struct eval_result *r, bool full, char *why, size_t cap)
{
	double rand_t = 0, rand_c = 0;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct eval_row *w = &d->rows[idx[i]];
		if (w->treated < 0)
			continue;
		rand_t += w->treated == 1;
		rand_c += w->treated == 0;
	}
	size_t *use = malloc((n + 1) * sizeof *use);
	if (!use)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct eval_row *w = &d->rows[idx[i]];
		if (w->treated >= 0 && !isnan(w->post))
			use[m++] = idx[i];
	}
	int pre = m > 0 && all_have_pre(d, use, m);
	double *y = malloc((m + 1) * sizeof *y), *dose = malloc((m + 1) * sizeof *dose),
	       *x = malloc((m + 1) * sizeof *x);
	int *g = malloc((m + 1) * sizeof *g);
	int64_t *cl = malloc((m + 1) * sizeof *cl);
	enum eb_err rc = EB_OK;
	if (!y || !dose || !x || !g || !cl) {
		rc = EB_ENOMEM;
		goto out;
	}
	double at = 0, ac = 0;
	for (size_t i = 0; i < m; i++) {
		const struct eval_row *w = &d->rows[use[i]];
		y[i] = w->post;
		dose[i] = w->treated;
		g[i] = w->treated;
		x[i] = pre ? row_pre(w) : 0;
		cl[i] = w->cluster;
		at += g[i] == 1;
		ac += g[i] == 0;
	}
	r->n_t_before = (size_t)rand_t;
	r->n_c_before = (size_t)rand_c;
	if (at < 2 || ac < 2) {
		rc = FAILW(
			"a randomized group has fewer than 2 students with outcomes (intervention"
			" %.0f, comparison %.0f)",
			at, ac);
		goto out;
	}
	struct ev_dose dr;
	if ((rc = ev_dose_response(dose, y, pre ? x : NULL, pre ? 1 : 0, cl, m, icc_for(d, cl, m),
				   &dr, why, cap)))
		goto out;
	if ((rc = est_from_slope(&dr, y, g, m, &r->est, why, cap)))
		goto out;
	r->est.icc_estimated = icc_for(d, cl, m) < 0;
	r->has_pretest = pre;
	if (d->has_pass)
		cox_fill(d, r, y, g, cl, NULL, m);
	if (full) {
		r->has_attrition = ev_attrition(rand_t, rand_c, at, ac, &r->attrition, NULL, 0) ==
				   EB_OK;
		/* baseline equivalence on the pretest when available */
		r->baseline_equivalent = false;
		if (pre) {
			double *xt = malloc(m * sizeof *xt), *xc = malloc(m * sizeof *xc);
			size_t a1 = 0, a0 = 0;
			if (xt && xc) {
				for (size_t i = 0; i < m; i++) {
					if (g[i])
						xt[a1++] = x[i];
					else
						xc[a0++] = x[i];
				}
				struct ev_g bg;
				if (ev_hedges_g_raw(xt, a1, xc, a0, &bg, NULL, 0) == EB_OK) {
					r->ncov = 1;
					r->cov_name[0] = "pretest";
					r->balance[0].g_before = r->balance[0].g_after = bg.g;
					r->balance[0].band_before = r->balance[0].band_after =
						ev_baseline_band(bg.g);
					r->baseline_equivalent = r->balance[0].band_after !=
								 EV_BAND_NOT_SATISFIED;
				}
			}
			free(xt);
			free(xc);
		}
	}
out:
	free(use);
	free(y);
	free(dose);
	free(x);
	free(g);
	free(cl);
	return rc;
}

static enum eb_err est_did(const struct eval_data *d, const size_t *idx, size_t n,
			   struct eval_result *r, char *why, size_t cap)
{
	double *y = malloc((2 * n + 1) * sizeof *y);
	int *t = malloc((2 * n + 1) * sizeof *t), *post = malloc((2 * n + 1) * sizeof *post);
	int64_t *cl = malloc((2 * n + 1) * sizeof *cl);
	enum eb_err rc = EB_OK;
	if (!y || !t || !post || !cl) {
		rc = EB_ENOMEM;
		goto out;
	}
	size_t m = 0, nt = 0, nc = 0;
	struct stats_acc cell[4] = { STATS_ACC_INIT, STATS_ACC_INIT, STATS_ACC_INIT,
				     STATS_ACC_INIT };
	for (size_t i = 0; i < n; i++) {
		const struct eval_row *w = &d->rows[idx[i]];
		if (w->treated < 0)
			continue;
		nt += w->treated == 1;
		nc += w->treated == 0;
		double v[2] = { w->pre, w->post };
		for (int p = 0; p < 2; p++) {
			if (isnan(v[p]))
				continue;
			y[m] = v[p];
			t[m] = w->treated;
			post[m] = p;
			cl[m] = w->school;
			stats_acc_add(&cell[w->treated * 2 + p], v[p]);
			m++;
		}
	}
	r->n_t_before = nt;
	r->n_c_before = nc;
	if ((rc = ev_did_students(y, t, post, cl, m, icc_for(d, cl, m), &r->est, why, cap)))
		goto out;
	r->has_pretest = true;
	/* pre-period equivalence of the groups (the design differences it out,
	 * but a large gap makes parallel trends doubtful) */
	double v0, v1;
	if (cell[0].n >= 2 && cell[2].n >= 2 && !stats_acc_var(&cell[0], &v0, NULL, 0) &&
	    !stats_acc_var(&cell[2], &v1, NULL, 0)) {
		struct ev_g bg;
		if (ev_hedges_g((struct ev_group){ cell[2].mean, sqrt(v1), (double)cell[2].n },
				(struct ev_group){ cell[0].mean, sqrt(v0), (double)cell[0].n }, &bg,
				NULL, 0) == EB_OK) {
			r->ncov = 1;
			r->cov_name[0] = "pretest (same assessment, before)";
			r->balance[0].g_before = r->balance[0].g_after = bg.g;
			r->balance[0].band_before = r->balance[0].band_after =
				ev_baseline_band(bg.g);
			r->baseline_equivalent = r->balance[0].band_after != EV_BAND_NOT_SATISFIED;
		}
	}
out:
	free(y);
	free(t);
	free(post);
	free(cl);
	return rc;
}

static enum eb_err est_dose(const struct eval_data *d, const size_t *idx, size_t n,
			    struct eval_result *r, char *why, size_t cap)
{
	size_t *use = malloc((n + 1) * sizeof *use), m = 0;
	if (!use)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct eval_row *w = &d->rows[idx[i]];
		if (w->treated >= 0 && !isnan(w->post))
			use[m++] = idx[i];
	}
	int pre = m > 0 && all_have_pre(d, use, m);
	double *y = malloc((m + 1) * sizeof *y), *dose = malloc((m + 1) * sizeof *dose),
	       *x = malloc((m + 1) * sizeof *x);
	int64_t *cl = malloc((m + 1) * sizeof *cl);
	enum eb_err rc = EB_OK;
	if (!y || !dose || !x || !cl) {
		rc = EB_ENOMEM;
		goto out;
	}
	size_t users = 0;
	for (size_t i = 0; i < m; i++) {
		const struct eval_row *w = &d->rows[use[i]];
		y[i] = w->post;
		dose[i] = w->minutes;
		x[i] = pre ? w->pre : 0;
		cl[i] = w->cluster;
		users += w->minutes > 0;
	}
	r->n_t_before = users;
	r->n_c_before = m - users;
	if (m < 4) {
		rc = FAILW(
			"only %zu students have an outcome; a dose-response slope needs at least 4",
			m);
		goto out;
	}
	if ((rc = ev_dose_response(dose, y, pre ? x : NULL, pre ? 1 : 0, cl, m, icc_for(d, cl, m),
				   &r->dose, why, cap)))
		goto out;
	r->has_pretest = pre;
	/* est carries the standardised slope for the common fields */
	struct ev_estimate *e = &r->est;
	e->n_t = (double)users;
	e->n_c = (double)(m - users);
	double sdy = 0, sdd = 0, my, md;
	stats_mean_sd(y, m, &my, &sdy, NULL, 0);
	stats_mean_sd(dose, m, &md, &sdd, NULL, 0);
	double f = sdy > 0 ? sdd / sdy : 0;
	e->g = r->dose.g_per_sd;
	e->diff = r->dose.slope;
	e->ci_lo = r->dose.ci_lo * f;
	e->ci_hi = r->dose.ci_hi * f;
	e->p = r->dose.p;
	e->h = r->dose.h;
	e->t_adj = r->dose.t_adj;
	e->icc = r->dose.icc;
	e->icc_estimated = icc_for(d, cl, m) < 0;
	double ratio = r->dose.t != 0 ? r->dose.t_adj / r->dose.t : 1;
	e->se_adj = ratio > 0 ? r->dose.se * f / ratio : r->dose.se * f;
	double q = 1.96, q80 = 0.84;
	stats_t_quantile(0.975, e->h, &q, NULL, 0);
	stats_t_quantile(0.80, e->h, &q80, NULL, 0);
	e->mdes = (q + q80) * e->se_adj;
	e->improvement = ev_improvement_index(e->g);
	e->significant = e->p < 0.05;
	r->baseline_equivalent = false;
out:
	free(use);
	free(y);
	free(dose);
	free(x);
	free(cl);
	return rc;
}

static enum eb_err estimate(const struct eval_data *d, const size_t *idx, size_t n,
			    struct eval_result *r, bool full, char *inm, char *why, size_t cap)
{
	switch (d->design) {
	case EVAL_MATCHED:
		return est_matched(d, idx, n, r, inm, why, cap);
	case EVAL_RANDOMIZED:
		return est_randomized(d, idx, n, r, full, why, cap);
	case EVAL_DID:
		return est_did(d, idx, n, r, why, cap);
	case EVAL_DOSE:
		return est_dose(d, idx, n, r, why, cap);
	default:
		return FAILW("design: unknown");
	}
}

/* ---- subgroups -------------------------------------------------------- */

/* tmp: scratch result reused across subgroups (the designs fill only the
 * fields before the subgroup array, so only those are cleared). */
static void run_sub(const struct eval_data *d, const size_t *idx, size_t n, const char *label,
		    struct eval_result *r, struct eval_result *tmp)
{
	if (r->nsub >= EVAL_MAX_SUB)
		return;
	struct eval_subgroup *s = &r->sub[r->nsub++];
	memset(s, 0, sizeof *s);
	str_copy(s->label, sizeof s->label, label);
	memset(tmp, 0, offsetof(struct eval_result, nsub));
	tmp->design = d->design;
	if (n < 4) {
		snprintf(s->why, sizeof s->why, "too little data (%zu students)", n);
	} else if (estimate(d, idx, n, tmp, false, NULL, s->why, sizeof s->why) == EB_OK) {
		s->ok = true;
		s->n_t = tmp->est.n_t;
		s->n_c = tmp->est.n_c;
		s->g = tmp->est.g;
		s->ci_lo = tmp->est.ci_lo;
		s->ci_hi = tmp->est.ci_hi;
		s->p = tmp->est.p;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void subgroups(const struct eval_data *d, const size_t *all, size_t n, struct eval_result *r)
{
	size_t *idx = malloc((n + 1) * sizeof *idx);
	struct eval_result *tmp = malloc(sizeof *tmp);
	if (!idx || !tmp) {
		free(idx);
		free(tmp);
		return;
	}
	char label[64];
	/* grades */
	for (int g = 0; g <= 12; g++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (d->rows[all[i]].grade == g)
				idx[m++] = all[i];
		if (m == 0 || m == n)
			continue;
		if (g == 0)
			snprintf(label, sizeof label, "grade K");
		else
			snprintf(label, sizeof label, "grade %d", g);
		run_sub(d, idx, m, label, r, tmp);
	}
	/* schools: rows bucketed by school once (counting sort, input order
	 * kept within a school) */
	size_t *start = calloc(d->nschools + 2, sizeof *start);
	size_t *byschool = malloc((n + 1) * sizeof *byschool);
	if (start && byschool) {
		for (size_t i = 0; i < n; i++) {
			int64_t s = d->rows[all[i]].school;
			if (s >= 0 && (size_t)s < d->nschools)
				start[s + 2]++;
		}
		for (size_t s = 0; s < d->nschools; s++)
			start[s + 2] += start[s + 1];
		for (size_t i = 0; i < n; i++) {
			int64_t s = d->rows[all[i]].school;
			if (s >= 0 && (size_t)s < d->nschools)
				byschool[start[s + 1]++] = all[i];
		}
		for (size_t s = 0; s < d->nschools; s++) {
			size_t m = start[s + 1] - start[s];
			if (m == 0 || m == n)
				continue;
			snprintf(label, sizeof label, "%.60s",
				 d->school_labels ? d->school_labels[s] : d->school_names[s]);
			run_sub(d, byschool + start[s], m, label, r, tmp);
		}
	}
	free(start);
	free(byschool);
	/* EL, SWD */
	static const char *const fl[2][2] = { { "not English learners", "English learners" },
					      { "without disabilities",
						"students with disabilities" } };
	for (int f = 0; f < 2; f++)
		for (int v = 1; v >= 0; v--) {
			size_t m = 0;
			for (size_t i = 0; i < n; i++) {
				const struct eval_row *w = &d->rows[all[i]];
				if ((f ? w->swd : w->el) == v)
					idx[m++] = all[i];
			}
			if (m == 0 || m == n)
				continue;
			run_sub(d, idx, m, fl[f][v], r, tmp);
		}
	/* prior-achievement thirds (pretest tertiles) */
	double *pre = malloc((n + 1) * sizeof *pre);
	size_t np = 0;
	for (size_t i = 0; pre && i < n; i++)
		if (!isnan(d->rows[all[i]].pre))
			pre[np++] = d->rows[all[i]].pre;
	if (pre && np >= 12) {
		qsort(pre, np, sizeof *pre, cmp_double);
		double c1 = pre[np / 3], c2 = pre[2 * np / 3];
		static const char *const th[3] = { "lowest third on the pretest",
						   "middle third on the pretest",
						   "highest third on the pretest" };
		for (int k = 0; k < 3; k++) {
			size_t m = 0;
			for (size_t i = 0; i < n; i++) {
				double v = d->rows[all[i]].pre;
				if (isnan(v))
					continue;
				int t = v < c1 ? 0 : v < c2 ? 1 : 2;
				if (t == k)
					idx[m++] = all[i];
			}
			if (m)
				run_sub(d, idx, m, th[k], r, tmp);
		}
	}
	free(pre);
	free(idx);
	free(tmp);
	/* Benjamini-Hochberg across those estimated */
	double p[EVAL_MAX_SUB], adj[EVAL_MAX_SUB];
	size_t map[EVAL_MAX_SUB], k = 0;
	for (size_t i = 0; i < r->nsub; i++)
		if (r->sub[i].ok) {
			p[k] = r->sub[i].p;
			map[k++] = i;
		}
	if (k && stats_bh_adjust(p, k, adj, NULL, 0) == EB_OK)
		for (size_t i = 0; i < k; i++)
			r->sub[map[i]].p_bh = adj[i];
}

/* ---- the privacy rule ------------------------------------------------- */

bool eval_shown(enum eval_design design, double n_t, double n_c)
{
	if (design == EVAL_DOSE)
		return n_t + n_c >= EVAL_MIN_SHOWN;
	return n_t >= EVAL_MIN_SHOWN && n_c >= EVAL_MIN_SHOWN;
}

static void suppress_one(enum eval_design design, struct eval_subgroup *s)
{
	bool large = eval_shown(design, s->n_t, s->n_c);
	if (s->ok && large)
		return;
	if (s->ok)
		snprintf(s->why, sizeof s->why, "not shown: fewer than %d students in a group",
			 EVAL_MIN_SHOWN);
	else if (!large)
		str_copy(s->why, sizeof s->why, "too little data");
	s->ok = false;
	s->n_t = s->n_c = 0;
	s->g = s->ci_lo = s->ci_hi = s->p = s->p_bh = NAN;
}

enum eb_err eval_suppress_small(struct eval_result *r, char *why, size_t cap)
{
	for (size_t i = 0; i < r->nsub && i < EVAL_MAX_SUB; i++)
		suppress_one(r->design, &r->sub[i]);
	for (size_t i = 0; i < r->nstd && i < EVAL_MAX_STD; i++)
		suppress_one(r->design, &r->std[i]);
	if (eval_shown(r->design, r->est.n_t, r->est.n_c))
		return EB_OK;
	if (why && cap)
		snprintf(why, cap,
			 "not shown: fewer than %d students in a group (results about smaller"
			 " groups are never shown)",
			 EVAL_MIN_SHOWN);
	return EB_EPERM;
}

/* ---- by standard (mastery) ------------------------------------------- */

/* One standard j: fills s (label set by the caller). */
static void std_one(const struct eval_data *d, const char *inm, size_t j, struct eval_subgroup *s)
{
	size_t n = d->n, m = 0;
	double *y = malloc((n + 1) * sizeof *y), *grp = malloc((n + 1) * sizeof *grp);
	double *pre = malloc((n + 1) * sizeof *pre), *base = malloc((n + 1) * sizeof *base);
	double *x = malloc((n + 1) * 3 * sizeof *x);
	int *g = malloc((n + 1) * sizeof *g);
	int64_t *cl = malloc((n + 1) * sizeof *cl);
	if (!y || !grp || !pre || !base || !x || !g || !cl) {
		str_copy(s->why, sizeof s->why, "out of memory");
		goto out;
	}
	size_t nt = 0, nc = 0, npre = 0, nbase = 0;
	double sbase = 0;
	for (size_t i = 0; i < n; i++) {
		const struct eval_row *w = &d->rows[i];
		double e = d->std_end[i * d->nstd + j];
		if (w->treated < 0 || isnan(e) || (inm && !inm[i]))
			continue;
		y[m] = e;
		g[m] = w->treated == 1;
		grp[m] = g[m];
		pre[m] = w->pre;
		base[m] = d->std_base ? d->std_base[i * d->nstd + j] : NAN;
		cl[m] = w->cluster;
		nt += g[m];
		nc += !g[m];
		npre += !isnan(pre[m]);
		if (!isnan(base[m])) {
			nbase++;
			sbase += base[m];
		}
		m++;
	}
	s->n_t = (double)nt;
	s->n_c = (double)nc;
	if (nt < EVAL_STD_MIN_GROUP || nc < EVAL_STD_MIN_GROUP) {
		snprintf(s->why, sizeof s->why,
			 "too few students with a measured estimate (%zu users, %zu comparison;"
			 " %d each needed)",
			 nt, nc, EVAL_STD_MIN_GROUP);
		goto out;
	}
	/* controls: pretest (all have it), baseline P (imputed + missing flag) */
	double mbase = nbase ? sbase / (double)nbase : 0;
	double *col[3];
	double *flag = malloc((m + 1) * sizeof *flag);
	if (!flag) {
		str_copy(s->why, sizeof s->why, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < m; i++) {
		flag[i] = isnan(base[i]);
		if (isnan(base[i]))
			base[i] = mbase;
	}
	size_t k = 0;
	if (npre == m)
		col[k++] = pre;
	if (nbase)
		col[k++] = base;
	if (nbase && nbase < m)
		col[k++] = flag;
	/* drop constant controls (the regression would be singular) */
	size_t kk = 0;
	for (size_t c = 0; c < k; c++) {
		bool varies = false;
		for (size_t i = 1; i < m && !varies; i++)
			varies = col[c][i] != col[c][0];
		if (varies)
			col[kk++] = col[c];
	}
	for (size_t i = 0; i < m; i++)
		for (size_t c = 0; c < kk; c++)
			x[i * kk + c] = col[c][i];
	struct ev_dose dr;
	struct ev_estimate e;
	memset(&e, 0, sizeof e);
	if (ev_dose_response(grp, y, kk ? x : NULL, kk, cl, m, icc_for(d, cl, m), &dr, s->why,
			     sizeof s->why) == EB_OK &&
	    est_from_slope(&dr, y, g, m, &e, s->why, sizeof s->why) == EB_OK) {
		s->ok = true;
		s->g = e.g;
		s->ci_lo = e.ci_lo;
		s->ci_hi = e.ci_hi;
		s->p = e.p;
	}
	free(flag);
out:
	free(y);
	free(grp);
	free(pre);
	free(base);
	free(x);
	free(g);
	free(cl);
}

void eval_by_standard(const struct eval_data *d, const char *in_match, struct eval_result *r)
{
	r->nstd = 0;
	for (size_t j = 0; j < d->nstd && r->nstd < EVAL_MAX_STD; j++) {
		struct eval_subgroup *s = &r->std[r->nstd++];
		memset(s, 0, sizeof *s);
		str_copy(s->label, sizeof s->label, d->std_code[j]);
		std_one(d, in_match, j, s);
	}
	double p[EVAL_MAX_STD], adj[EVAL_MAX_STD];
	size_t map[EVAL_MAX_STD], k = 0;
	for (size_t i = 0; i < r->nstd; i++)
		if (r->std[i].ok) {
			p[k] = r->std[i].p;
			map[k++] = i;
		}
	if (k && stats_bh_adjust(p, k, adj, NULL, 0) == EB_OK)
		for (size_t i = 0; i < k; i++)
			r->std[map[i]].p_bh = adj[i];
}

static void decide_tier(const struct eval_data *d, struct eval_result *r)
{
	struct ev_tier_in ti = { 0 };
	switch (d->design) {
	case EVAL_RANDOMIZED:
		ti.design = EV_DESIGN_RANDOMIZED;
		ti.low_attrition = r->has_attrition && r->attrition.low_cautious;
		break;
	case EVAL_MATCHED:
	case EVAL_DID:
		ti.design = EV_DESIGN_QUASI;
		break;
	case EVAL_DOSE:
		ti.design = EV_DESIGN_CORRELATIONAL;
		ti.statistical_controls = r->has_pretest;
		break;
	default:
		ti.design = EV_DESIGN_NONE;
	}
	ti.baseline_equivalent = r->baseline_equivalent;
	ti.effect = r->est.g;
	ti.p_value = r->est.p;
	ti.alpha = 0.05;
	ti.n = r->est.n_t + r->est.n_c;
	ti.sites = (int)r->sites;
	ev_essa_tier(&ti, &r->tier);
}

enum eb_err eval_run(const struct eval_data *d, struct eval_result *r, char *why, size_t cap)
{
	memset(r, 0, sizeof *r);
	r->design = d->design;
	size_t *all = malloc((d->n + 1) * sizeof *all);
	if (!all)
		return EB_ENOMEM;
	for (size_t i = 0; i < d->n; i++)
		all[i] = i;
	char *inm = d->design == EVAL_MATCHED && d->nstd ? calloc(d->n + 1, 1) : NULL;
	enum eb_err rc = estimate(d, all, d->n, r, true, inm, why, cap);
	if (rc == EB_OK) {
		/* sites: schools with analysed students */
		char *seen = calloc(d->nschools + 1, 1);
		for (size_t i = 0; seen && i < d->n; i++)
			if (d->rows[i].treated >= 0 && !isnan(d->rows[i].post) &&
			    d->rows[i].school < (int64_t)d->nschools && !seen[d->rows[i].school]) {
				seen[d->rows[i].school] = 1;
				r->sites++;
			}
		free(seen);
		r->too_little = !r->est.significant && r->est.mdes > 0.5;
		decide_tier(d, r);
		if (!d->no_subgroups) {
			subgroups(d, all, d->n, r);
			if (d->nstd && (d->design != EVAL_MATCHED || inm))
				eval_by_standard(d, inm, r);
		}
	}
	free(inm);
	free(all);
	return rc;
}

/* ---- writing ---------------------------------------------------------- */

static const char *design_words(enum eval_design d)
{
	switch (d) {
	case EVAL_MATCHED:
		return "matched comparison of users and non-users (quasi-experimental)";
	case EVAL_RANDOMIZED:
		return "randomized pilot";
	case EVAL_DID:
		return "difference-in-differences of targeted and other schools "
		       "(quasi-experimental)";
	case EVAL_DOSE:
		return "dose-response (associational, not causal)";
	default:
		return "?";
	}
}

void eval_write_plain(const struct eval_result *r, const char *tool, struct buf *out)
{
	double ii = r->est.improvement;
	if (r->design == EVAL_DOSE) {
		buf_printf(
			out,
			"Students who used %s more %s on average, but this comparison cannot show"
			" that %s caused the difference.",
			tool,
			!r->est.significant ? "did not clearly score differently"
			: r->est.g > 0	    ? "scored somewhat higher"
					    : "scored somewhat lower",
			tool);
		return;
	}
	if (r->too_little) {
		buf_printf(out,
			   "There is not yet enough data to tell whether %s helps: with this many"
			   " students only a large effect could have been seen.",
			   tool);
	} else if (!r->est.significant) {
		buf_printf(
			out,
			"So far, students using %s did not clearly do better or worse than similar"
			" students who did not; a small effect cannot be ruled out.",
			tool);
	} else if (r->est.g > 0) {
		buf_printf(
			out,
			"Students using %s did better than similar students who did not: an average"
			" student would move up about %.0f percentile points.",
			tool, ii);
	} else {
		buf_printf(
			out,
			"Students using %s did worse than similar students who did not: an average"
			" student would move down about %.0f percentile points.",
			tool, -ii);
	}
}

void eval_write_method(const struct eval_result *r, struct buf *out)
{
	buf_printf(out, "Design: %s. ", design_words(r->design));
	switch (r->design) {
	case EVAL_MATCHED:
		buf_puts(
			out,
			"Users are the targeted students with recorded use (minutes > 0); "
			"non-users the"
			" other targeted students. Propensity score by logistic regression on the"
			" pretest, an earlier score of the pretest's assessment when students have "
			"one"
			" (missing ones imputed with the pretest, with a missing flag), the "
			"English-"
			"learner, disability and sex (OneRoster demographics) flags and the hours "
			"of use"
			" of the district's other tools in their initiatives (co-interventions, so "
			"that"
			" another tool's effect is not credited to this one); 1:1 nearest-neighbour"
			" matching on the logit within grade and school, caliper 0.2 SD of the "
			"logit,"
			" without replacement. Effect: OLS of the outcome on group and the same"
			" covariates in the matched sample; Hedges' g = omega * coefficient /"
			" unadjusted pooled SD (WWC). Constant covariates are dropped. Assumes no"
			" unobserved confounding beyond these (see docs/evidence.md).");
		break;
	case EVAL_RANDOMIZED:
		buf_puts(out,
			 "Classes or schools were assigned by edbridge's recorded random draw "
			 "(seeded"
			 " xoshiro256**, Fisher-Yates within strata). Effect: OLS of the outcome on"
			 " assignment (and the pretest when every student has one); Hedges' g ="
			 " omega * coefficient / unadjusted pooled SD. Attrition against the WWC"
			 " cautious boundary.");
		break;
	case EVAL_DID:
		buf_puts(out,
			 "Students of the targeted grades in targeted and other schools, scored on "
			 "the"
			 " same assessment before and after the start. OLS y ~ group + period +"
			 " group:period; g = omega * interaction / pooled post-period SD.");
		break;
	case EVAL_DOSE:
		buf_puts(
			out,
			"OLS of the outcome on minutes of use (and the pretest); the slope is"
			" standardised (per SD of use, in SD of the outcome). Associational only.");
		break;
	default:
		break;
	}
	buf_printf(
		out,
		" Inference: the student-level t corrected for clustering (Hedges 2007) with ICC"
		" %.3f (%s), p two-sided with the corrected degrees of freedom; 95%% interval"
		" g +/- t(0.975, h) * SE. Subgroups: the same analysis in each, Benjamini-Hochberg"
		" adjusted. MDES = (t(0.975,h) + t(0.80,h)) * SE.",
		r->est.icc < 0 ? 0.0 : r->est.icc,
		r->est.icc_estimated ? "estimated from the outcome, one-way ANOVA"
		: r->est.icc < 0     ? "no clusters"
				     : "WWC default for achievement, or given");
	if (r->nstd)
		buf_puts(
			out,
			" By standard (on the mastery model's estimates, not a test score): for "
			"each"
			" standard the initiative targets (else each on which 10 or more students "
			"have"
			" a measured estimate with evidence from the tool), the analysed students "
			"(in the matched design, those in a"
			" matched pair) with a measured estimate (3 or more direct responses) are"
			" compared on P(mastered) now: OLS on group, the pretest and the estimate "
			"at"
			" the start of the period (from the weekly trend; imputed with a missing "
			"flag"
			" when the trend does not reach back), g = omega * coefficient / pooled SD,"
			" clustering-corrected as above, fewer than 10 per group not estimated,"
			" Benjamini-Hochberg across the standards as a family of its own. Only"
			" students with evidence on a standard are compared, and users of the tool "
			"are"
			" more likely to have it: read these as descriptive.");
}

void eval_write_method_plain(const struct eval_result *r, const char *tool, const char *outcome,
			     struct buf *out)
{
	switch (r->design) {
	case EVAL_MATCHED:
		buf_printf(
			out,
			"We compared students who used %s with students who did not, in the same"
			" grades and schools, chosen to be as alike as possible before the start:"
			" the same scores before, the same English-learner, special-education and"
			" sex information, and about the same use of the district's other tools."
			" Then we compared how the two groups did on %s. This kind of comparison"
			" cannot rule out a difference nobody measured, such as how motivated"
			" students were.",
			tool, outcome);
		break;
	case EVAL_RANDOMIZED:
		buf_printf(
			out,
			"Classes or schools were chosen by lot to use %s or not, so the two groups"
			" differed only by chance at the start. Then we compared how they did on"
			" %s. This is the strongest kind of comparison.",
			tool, outcome);
		break;
	case EVAL_DID:
		buf_printf(
			out,
			"We compared how scores on %s changed from before to after the start in the"
			" schools that used %s with how they changed in the other schools. This"
			" assumes both would have changed alike without %s.",
			outcome, tool, tool);
		break;
	case EVAL_DOSE:
		buf_printf(out,
			   "We looked at whether students who used %s more did better on %s. This"
			   " shows a link, not a cause: students who use a tool more may differ in"
			   " other ways.",
			   tool, outcome);
		break;
	default:
		break;
	}
	buf_puts(out,
		 " Students in the same class tend to score alike, and the result allows for"
		 " that. The 95% interval is the range the true effect most likely lies in: it"
		 " is wide when few students took part. The effect is in standard deviations:"
		 " 0.1 is small, 0.25 large for a school program. The ESSA tier says how strong"
		 " the evidence is under the federal rules, from 1 (strong) to 4 (a rationale"
		 " only). Results about fewer than 10 students in a group are never shown.");
}

void eval_write_report(const struct eval_result *r, const struct eval_data *d, struct buf *out)
{
	const struct ev_estimate *e = &r->est;
	buf_printf(out, "design: %s\n", eval_design_name(r->design));
	buf_printf(out, "design_words: %s\n", design_words(r->design));
	buf_printf(out, "n_intervention: %.0f\nn_comparison: %.0f\n", e->n_t, e->n_c);
	buf_printf(out, "n_intervention_before: %zu\nn_comparison_before: %zu\n", r->n_t_before,
		   r->n_c_before);
	if (r->design == EVAL_MATCHED)
		buf_printf(out, "matched_pairs: %zu\nnaive_difference: %.4f\nnaive_g: %.4f\n",
			   r->n_pairs, r->naive_diff, r->naive_g);
	for (size_t j = 0; j < r->ncov; j++)
		buf_printf(out, "baseline: %s g_before=%.4f (%s) g_after=%.4f (%s)\n",
			   r->cov_name[j], r->balance[j].g_before,
			   ev_band_name(r->balance[j].band_before), r->balance[j].g_after,
			   ev_band_name(r->balance[j].band_after));
	buf_printf(out, "baseline_equivalence: %s\n",
		   r->ncov ? (r->baseline_equivalent ? "yes" : "no") : "not assessed (no pretest)");
	if (r->design == EVAL_DOSE) {
		buf_printf(out, "slope_per_minute: %.6f\nassociational: yes (%s)\n", r->dose.slope,
			   r->dose.label);
		buf_printf(out, "standardised_slope: %.4f\n", e->g);
	} else {
		buf_printf(out, "difference: %.4f\n", e->diff);
		buf_printf(out, "effect_size_g: %.4f\n", e->g);
	}
	buf_printf(out, "se: %.4f\n", e->se_adj);
	buf_printf(out, "ci95: %.4f %.4f\n", e->ci_lo, e->ci_hi);
	buf_printf(out, "icc: %.4f (%s)\n", e->icc < 0 ? 0.0 : e->icc,
		   e->icc_estimated ? "estimated" : "WWC default or given");
	buf_printf(out, "clustering_df: %.2f\n", e->h);
	buf_printf(out, "p_value: %.4f\n", e->p);
	buf_printf(out, "improvement_index: %+.1f\n", e->improvement);
	buf_printf(out, "mdes: %.4f\n", e->mdes);
	if (d && d->has_pass) {
		buf_printf(out,
			   "pass_score: %g\npass_rate_intervention: %.4f\npass_rate_comparison: "
			   "%.4f\n",
			   d->pass_score, r->pass_t, r->pass_c);
		if (r->has_cox)
			buf_printf(out,
				   "cox_index: %.4f\ncox_se: %.4f\ncox_ci95: %.4f "
				   "%.4f\ncox_p_value: %.4f\n",
				   r->cox.cox, r->cox_se_adj, r->cox_ci_lo, r->cox_ci_hi, r->cox_p);
		else
			buf_printf(out, "cox_index: not computed: %s\n",
				   r->cox_why[0]
					   ? r->cox_why
					   : "only the matched and randomized designs report it");
	}
	if (r->has_attrition)
		buf_printf(out,
			   "attrition_overall_pct: %.1f\nattrition_differential_pp: %.1f\n"
			   "attrition: %s (WWC cautious boundary)\n",
			   r->attrition.overall_pct, r->attrition.differential_pp,
			   r->attrition.low_cautious ? "low" : "high");
	for (size_t i = 0; i < r->nsub; i++) {
		const struct eval_subgroup *s = &r->sub[i];
		if (s->ok)
			buf_printf(out,
				   "subgroup: %s n=%.0f/%.0f g=%.3f ci=[%.3f, %.3f] p=%.4f "
				   "p_bh=%.4f\n",
				   s->label, s->n_t, s->n_c, s->g, s->ci_lo, s->ci_hi, s->p,
				   s->p_bh);
		else
			buf_printf(out, "subgroup: %s not estimated: %s\n", s->label, s->why);
	}
	if (r->nstd)
		buf_printf(
			out,
			"standards_note: by standard (%s) on the mastery model's estimates of"
			" P(mastered) now, not on a test score; measured cells only, adjusted for"
			" the pretest and the P before the start; Benjamini-Hochberg across the"
			" standards\n",
			d && d->std_targeted ? "the initiative's targeted standards"
					     : "the standards the tool's evidence covers");
	for (size_t i = 0; i < r->nstd; i++) {
		const struct eval_subgroup *s = &r->std[i];
		if (s->ok)
			buf_printf(out,
				   "standard: %s n=%.0f/%.0f g=%.3f ci=[%.3f, %.3f] p=%.4f "
				   "p_bh=%.4f\n",
				   s->label, s->n_t, s->n_c, s->g, s->ci_lo, s->ci_hi, s->p,
				   s->p_bh);
		else
			buf_printf(out, "standard: %s not estimated: %s\n", s->label, s->why);
	}
	buf_printf(out, "essa_tier: %d (%s)\nessa_reason: %s\n", r->tier.tier, r->tier.name,
		   r->tier.reason);
	if (r->too_little)
		buf_printf(
			out,
			"verdict: too little data - no verdict. The smallest effect this analysis"
			" could have detected is g = %.2f (80%% power, 5%% two-sided).\n",
			e->mdes);
	else if (!e->significant)
		buf_printf(
			out,
			"verdict: no significant difference (p = %.3f). This does not show the tool"
			" has no effect: effects smaller than g = %.2f could not be detected.\n",
			e->p, e->mdes);
	else
		buf_printf(out, "verdict: %s difference, g = %.2f (95%% interval %.2f to %.2f)%s\n",
			   e->g > 0 ? "significant positive" : "significant negative", e->g,
			   e->ci_lo, e->ci_hi,
			   r->design == EVAL_DOSE ? ", associational only" : "");
	buf_puts(out, "summary: ");
	eval_write_plain(r, d && d->tool ? d->tool : "the tool", out);
	buf_puts(out, "\nmethod: ");
	eval_write_method(r, out);
	buf_putc(out, '\n');
}
