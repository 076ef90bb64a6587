/* recommend.c - the next best intervention: candidates from the district's
 * tools (rec_tool_standard), the strategy library and the students' plans;
 * expected gains from the district's own evaluations (rec_effect, kept by
 * recommend_refresh) pooled per standard; the ranking; done marks and their
 * comparison. docs/recommendations.md has the method. Reads no simulator
 * truth: nothing here includes sim/. */
#include "domain/recommend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/stats.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/evaluation.h"
#include "domain/evidence.h"
#include "domain/frameworks.h"
#include "domain/initiatives.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/strategies.h"
#include "store/db.h"

#define MAX_PREREQS 16
#define MAX_CANDIDATES 64
#define Z95 1.959963985

/* ---- the students' estimates ------------------------------------------ */

struct rec_student {
	const char *sid;
	int grade; /* -1 unknown */
	struct mastery_row *cells;
	size_t ncells;
};

struct effect_row {
	int64_t tool;
	char standard[32], subgroup[32];
	double g, lo, hi, p, tau;
	int64_t n_t, n_c;
	int tier;
};

/* What every list of one page reads alike, read once (lazily): whether the
 * plans' tables exist, and every tool's whole-sample and grade rows. */
struct rec_cache {
	bool loaded, has_plans;
	struct effect_row *prior;
	size_t nprior;
};

struct rec_students {
	struct rec_student *st;
	size_t n;
	int grade; /* shared by all, else -1 */
	struct district_levels lv;
	struct rec_cache *cache; /* shared with subsets */
};

/* "03", "3", "KG", "K" -> 3 / 0; the first of a list; -1 when unknown. */
static int first_grade(const char *grades)
{
	if (!grades || !*grades)
		return -1;
	char g[8];
	size_t n = strcspn(grades, ", ");
	if (n == 0 || n >= sizeof g)
		return -1;
	memcpy(g, grades, n);
	g[n] = '\0';
	if (strcmp(g, "KG") == 0 || strcmp(g, "K") == 0 || strcmp(g, "k") == 0)
		return 0;
	int64_t v;
	if (cstr_to_i64(g, 0, 12, &v))
		return -1;
	return v > 8 ? STANDARDS_GRADE_HS : (int)v;
}

enum eb_err recommend_students_load(struct db *db, int64_t district_id,
				    const char *const *student_sids, size_t n, struct arena *arena,
				    struct rec_students **out)
{
	*out = NULL;
	if (n == 0 || !student_sids)
		return EB_EINVAL;
	struct rec_students *s = arena_zalloc(arena, sizeof *s);
	if (!s || !(s->st = arena_zalloc(arena, n * sizeof *s->st)))
		return EB_ENOMEM;
	if (district_levels(db, district_id, &s->lv)) {
		s->lv.approaching = 0.40;
		s->lv.proficient = 0.70;
		s->lv.mastered = 0.90;
	}
	s->n = n;
	if (!(s->cache = arena_zalloc(arena, sizeof *s->cache)))
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct roster_person_row p;
		enum eb_err rc = roster_person_get(db, district_id, student_sids[i], arena, &p);
		if (rc)
			return rc == EB_ENOTFOUND ? EB_ENOTFOUND : rc;
		if (!p.role || strcmp(p.role, "student") != 0)
			return EB_ENOTFOUND;
		s->st[i].sid = p.sourced_id;
		s->st[i].grade = first_grade(p.grades);
		if ((rc = mastery_student_cells(db, district_id, p.sourced_id, arena,
						&s->st[i].cells, &s->st[i].ncells)))
			return rc;
		if (i == 0)
			s->grade = s->st[i].grade;
		else if (s->grade != s->st[i].grade)
			s->grade = -1;
	}
	*out = s;
	return EB_OK;
}

enum eb_err recommend_students_subset(const struct rec_students *s, const size_t *idx, size_t n,
				      struct arena *arena, struct rec_students **out)
{
	*out = NULL;
	if (!s || n == 0)
		return EB_EINVAL;
	struct rec_students *t = arena_zalloc(arena, sizeof *t);
	if (!t || !(t->st = arena_alloc(arena, n * sizeof *t->st)))
		return EB_ENOMEM;
	t->lv = s->lv;
	t->cache = s->cache;
	t->n = n;
	for (size_t i = 0; i < n; i++) {
		if (idx[i] >= s->n)
			return EB_EINVAL;
		t->st[i] = s->st[idx[i]];
		t->grade = i == 0 || t->grade == t->st[i].grade ? t->st[i].grade : -1;
	}
	*out = t;
	return EB_OK;
}

size_t recommend_students_count(const struct rec_students *s)
{
	return s ? s->n : 0;
}

const char *recommend_student_sid(const struct rec_students *s, size_t i)
{
	return s && i < s->n ? s->st[i].sid : NULL;
}

double recommend_student_p(const struct rec_students *s, size_t i, const char *standard)
{
	if (!s || i >= s->n)
		return -1;
	const struct rec_student *t = &s->st[i];
	for (size_t k = 0; k < t->ncells; k++)
		if (strcmp(t->cells[k].standard, standard) == 0)
			return t->cells[k].c.inferred ? -1 : t->cells[k].c.p;
	return -1;
}

size_t recommend_not_secure(const struct rec_students *s, const char *standard)
{
	size_t k = 0;
	for (size_t i = 0; s && i < s->n; i++) {
		double p = recommend_student_p(s, i, standard);
		k += p >= 0 && p < s->lv.proficient;
	}
	return k;
}

/* ---- expected gain ---------------------------------------------------- */

void recommend_pool(double prior_g, double prior_se, double tau, bool has_own, double own_g,
		    double own_se, double *mean, double *sd)
{
	double v0 = prior_se * prior_se + tau * tau;
	if (!(v0 > 0))
		v0 = 1e-6;
	if (!has_own || !(own_se > 0)) {
		*mean = prior_g;
		*sd = sqrt(v0);
		return;
	}
	double w0 = 1 / v0, w1 = 1 / (own_se * own_se);
	*mean = (w0 * prior_g + w1 * own_g) / (w0 + w1);
	*sd = sqrt(1 / (w0 + w1));
}

/* ---- ranking ---------------------------------------------------------- */

double recommend_p_gain(const struct recommendation *r)
{
	if (!r->has_effect)
		return 0;
	double sd = (r->hi - r->lo) / (2 * Z95);
	if (!(sd > 0))
		return r->effect > 0 ? 1 : 0;
	return stats_norm_cdf(r->effect / sd);
}

/* Ranking classes, best first. */
enum rank_class {
	RANK_PLAN,
	RANK_HELPS,    /* on the focus, a gain likely from local evidence */
	RANK_STRATEGY, /* the library, on the focus, no local evidence */
	RANK_PREREQ,   /* on a prerequisite the group lacks */
	RANK_UNPROVEN, /* no helpful local evidence */
	RANK_HARM,     /* the whole interval below zero: dropped */
};

static enum rank_class class_of(const struct recommendation *r, const char *focus)
{
	if (r->source == REC_PLAN)
		return RANK_PLAN;
	if (r->has_effect && r->hi < 0)
		return RANK_HARM;
	bool on_focus = strcmp(r->standard, focus) == 0;
	if (!on_focus)
		return RANK_PREREQ;
	if (r->has_effect && recommend_p_gain(r) >= REC_HELPS_P)
		return RANK_HELPS;
	if (r->source == REC_STRATEGY)
		return RANK_STRATEGY;
	return RANK_UNPROVEN;
}

/* qsort's comparator takes no context: the focus of the list being ranked,
 * per thread */
static _Thread_local const char *rank_focus;

static int by_rank(const void *a, const void *b)
{
	const struct recommendation *x = a, *y = b;
	enum rank_class cx = class_of(x, rank_focus), cy = class_of(y, rank_focus);
	if (cx != cy)
		return cx < cy ? -1 : 1;
	if (x->has_effect != y->has_effect)
		return x->has_effect ? -1 : 1;
	if (x->has_effect && x->effect != y->effect)
		return x->effect > y->effect ? -1 : 1;
	/* prerequisites: tools with helpful evidence before strategies */
	if (x->source != y->source)
		return x->source == REC_TOOL ? -1 : 1;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->title, y->title);
}

void recommend_rank(struct recommendation *c, size_t n, const char *focus, size_t max, size_t *nout)
{
	rank_focus = focus;
	qsort(c, n, sizeof *c, by_rank);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (class_of(&c[i], focus) != RANK_HARM)
			c[k++] = c[i];
	n = k;
	for (size_t i = 0; i < n; i++)
		c[i].exploratory = false;
	/* at most one exploratory pick, in the second place, never the first */
	if (n >= 2 && c[0].source != REC_PLAN) {
		double top = c[0].has_effect ? c[0].effect : 0;
		size_t best = 0;
		double best_hi = top;
		for (size_t i = 1; i < n; i++)
			if (c[i].source == REC_TOOL && c[i].has_effect &&
			    strcmp(c[i].standard, focus) == 0 && c[i].n < REC_EXPLORE_MAX_N &&
			    c[i].hi > best_hi && c[i].effect > 0) {
				best = i;
				best_hi = c[i].hi;
			}
		if (best > 1) {
			struct recommendation e = c[best];
			memmove(&c[2], &c[1], (best - 1) * sizeof *c);
			c[1] = e;
		}
		if (best >= 1)
			c[1].exploratory = true;
	}
	*nout = n < max ? n : max;
}

/* ---- words ------------------------------------------------------------ */

static const char *tier_words(int tier)
{
	switch (tier) {
	case 1:
		return "strong evidence (ESSA tier 1)";
	case 2:
		return "moderate evidence (ESSA tier 2)";
	case 3:
		return "promising evidence (ESSA tier 3)";
	case 4:
		return "a rationale only (ESSA tier 4)";
	default:
		return "no tier";
	}
}

static void why_tool(struct recommendation *r, struct arena *a, const char *focus, bool own,
		     long n_own, const char *prior_label)
{
	const char *where = own ? arena_printf(a,
					       "on %s itself (%ld students) and on its other "
					       "standards",
					       r->standard, n_own)
				: arena_printf(a,
					       "on its standards overall (%s; none measured "
					       "on %s alone yet)",
					       prior_label, r->standard);
	if (r->effect >= REC_MIN_GAIN && recommend_p_gain(r) >= REC_HELPS_P)
		r->why = arena_printf(a,
				      "Here, students who used it grew more than similar students "
				      "who did not: about %+.2f SD (likely %+.2f to %+.2f), %s; "
				      "%s.",
				      r->effect, r->lo, r->hi, where, tier_words(r->essa_tier));
	else if (r->effect > 0)
		r->why = arena_printf(a,
				      "A small expected gain here, not shown to differ from none: "
				      "students who used it grew about %+.2f SD (likely %+.2f to "
				      "%+.2f) against similar students, %s; %s.",
				      r->effect, r->lo, r->hi, where, tier_words(r->essa_tier));
	else
		r->why = arena_printf(a,
				      "No local evidence that it helps: students who used it grew "
				      "about %+.2f SD (likely %+.2f to %+.2f) against similar "
				      "students, %s.",
				      r->effect, r->lo, r->hi, where);
	(void)focus;
}

/* ---- candidates -------------------------------------------------------- */

static void read_effect(struct db_stmt *st, struct effect_row *e)
{
	e->tool = db_col_int(st, 0);
	db_col_copy(st, 1, e->standard, sizeof e->standard);
	db_col_copy(st, 2, e->subgroup, sizeof e->subgroup);
	e->g = db_col_double(st, 3);
	e->lo = db_col_double(st, 4);
	e->hi = db_col_double(st, 5);
	e->p = db_col_double(st, 6);
	e->tau = db_col_double(st, 7);
	e->n_t = db_col_int(st, 8);
	e->n_c = db_col_int(st, 9);
	e->tier = (int)db_col_int(st, 10);
}

#define EFFECT_COLS "tool_id, standard, subgroup, g, lo, hi, p, tau, n_t, n_c, tier"

static enum eb_err cache_load(struct db *db, int64_t d, struct rec_cache *c, struct arena *a)
{
	if (c->loaded)
		return EB_OK;
	int64_t have = 0;
	enum eb_err rc = db_get_int(db,
				    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND"
				    " name IN ('plan', 'plan_student', 'plan_standard')",
				    DB_NOARGS, &have);
	if (rc)
		return rc;
	c->has_plans = have == 3;
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT " EFFECT_COLS " FROM rec_effect WHERE district_id = ?1 AND"
			   " standard = '' ORDER BY tool_id, subgroup",
			   DB_ARGS(DB_INT(d)), &st)))
		return rc;
	size_t cap = 0;
	while (db_next(st)) {
		if (c->nprior == cap) {
			struct effect_row *m =
				arena_grow(a, c->prior, c->nprior, &cap, sizeof *m, 64);
			if (!m || c->nprior == cap) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			c->prior = m;
		}
		read_effect(st, &c->prior[c->nprior++]);
	}
	if ((rc = db_done(st)))
		return rc;
	c->loaded = true;
	return EB_OK;
}

/* Every tool's own row on a standard (at most cap). */
static enum eb_err read_own(struct db *db, int64_t d, const char *standard, struct effect_row *rows,
			    size_t cap, size_t *n)
{
	struct db_stmt *st;
	*n = 0;
	enum eb_err rc = db_query(db,
				  "SELECT " EFFECT_COLS " FROM rec_effect WHERE district_id = ?1"
				  " AND standard = ?2 AND subgroup = ''",
				  DB_ARGS(DB_INT(d), DB_TEXT(standard)), &st);
	if (rc)
		return rc;
	while (db_next(st) && *n < cap)
		read_effect(st, &rows[(*n)++]);
	return db_done(st);
}

static double se_of(const struct effect_row *e)
{
	return (e->hi - e->lo) / (2 * Z95);
}

/* Fills r's evidence for tool on standard (the focus or a prerequisite). */
static void tool_evidence(const struct rec_students *s, int64_t tool, const char *standard,
			  const struct effect_row *owns, size_t nown, struct arena *a,
			  struct recommendation *r)
{
	char gl[16] = "";
	if (s->grade >= 0 && s->grade <= 8)
		snprintf(gl, sizeof gl, s->grade == 0 ? "grade K" : "grade %d", s->grade);
	const struct effect_row *whole = NULL, *grade = NULL, *own = NULL;
	for (size_t i = 0; i < s->cache->nprior; i++) {
		const struct effect_row *e = &s->cache->prior[i];
		if (e->tool != tool)
			continue;
		if (!e->subgroup[0])
			whole = e;
		else if (gl[0] && strcmp(e->subgroup, gl) == 0)
			grade = e;
	}
	for (size_t i = 0; i < nown; i++)
		if (owns[i].tool == tool)
			own = &owns[i];
	if (!whole) {
		r->has_effect = false;
		r->why = arena_printf(a,
				      "No local evidence yet: this tool has no evaluation in this "
				      "district (no initiative with enough students), so no gain "
				      "is claimed.");
		return;
	}
	/* the group's grade pooled with the whole sample (by the between-grade
	 * spread), then the standard's own estimate pooled with that */
	const struct effect_row *prior = grade ? grade : whole;
	double wm, wsd, pm, psd, mean, sd;
	/* the tool's whole-sample estimate, first, against a sceptical prior:
	 * most tools move achievement little (N(0, REC_SCEPTIC_SD^2)) */
	recommend_pool(0, REC_SCEPTIC_SD, 0, true, whole->g, se_of(whole), &wm, &wsd);
	recommend_pool(wm, wsd, grade ? grade->tau : 0, grade != NULL, grade ? grade->g : 0,
		       grade ? se_of(grade) : 0, &pm, &psd);
	recommend_pool(pm, psd, whole->tau, own != NULL, own ? own->g : 0, own ? se_of(own) : 0,
		       &mean, &sd);
	r->has_effect = true;
	r->effect = mean;
	r->lo = mean - Z95 * sd;
	r->hi = mean + Z95 * sd;
	r->n = (long)(own ? own->n_t + own->n_c : prior->n_t + prior->n_c);
	r->essa_tier = whole->tier;
	why_tool(r, a, standard, own != NULL, own ? (long)(own->n_t + own->n_c) : 0,
		 grade ? arena_printf(a, "%s, %lld students", gl,
				      (long long)(grade->n_t + grade->n_c))
		       : arena_printf(a, "%lld students", (long long)(whole->n_t + whole->n_c)));
}

/* Whether a tool's licensed grades ("K,1,2", "3,4,5") include g. */
static bool licensed_for(const char *grades, int g)
{
	if (g < 0 || !grades || !*grades)
		return true;
	char want[4];
	if (g == STANDARDS_GRADE_HS)
		return strstr(grades, "9") || strstr(grades, "1");
	snprintf(want, sizeof want, g == 0 ? "K" : "%d", g);
	for (const char *p = grades; *p;) {
		size_t len = strcspn(p, ", ");
		if (len == strlen(want) && strncmp(p, want, len) == 0)
			return true;
		p += len;
		p += strspn(p, ", ");
	}
	return false;
}

/* The approved tools with data on the standard. A tool whose category is
 * "assessment" (the common assessments' own, a quiz tool) measures and is
 * never offered as something to do. */
static enum eb_err add_tools(struct db *db, int64_t d, const struct rec_students *s,
			     const char *standard, struct arena *a, struct recommendation *c,
			     size_t *n)
{
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT t.id, t.name, t.grades, r.students FROM rec_tool_standard r"
			 " JOIN tool t ON t.district_id = r.district_id AND t.id = r.tool_id"
			 " WHERE r.district_id = ?1 AND r.standard = ?2 AND"
			 " t.status = 'approved' AND t.category <> 'assessment' ORDER BY t.id",
			 DB_ARGS(DB_INT(d), DB_TEXT(standard)), &st);
	if (rc)
		return rc;
	struct {
		int64_t id;
		char *name;
		long students;
	} found[16];
	size_t nf = 0;
	while (db_next(st))
		if (nf < 16 && licensed_for(db_col_text(st, 2), s->grade)) {
			found[nf].id = db_col_int(st, 0);
			found[nf].name = db_col_dup(st, 1, a);
			found[nf].students = (long)db_col_int(st, 3);
			nf++;
		}
	if ((rc = db_done(st)))
		return rc;
	struct effect_row owns[16];
	size_t nown = 0;
	if (nf && (rc = read_own(db, d, standard, owns, 16, &nown)))
		return rc;
	for (size_t i = 0; i < nf && *n < MAX_CANDIDATES; i++) {
		struct recommendation *r = &c[*n];
		memset(r, 0, sizeof *r);
		r->source = REC_TOOL;
		r->standard = standards_find(standard)->code;
		r->tool_id = found[i].id;
		r->title = arena_printf(a, "%s, on %s", found[i].name, r->standard);
		r->what =
			arena_printf(a,
				     "Students work on %s in %s (its activities on this standard, "
				     "used by %ld students here so far).",
				     r->standard, found[i].name, found[i].students);
		tool_evidence(s, found[i].id, standard, owns, nown, a, r);
		if (!r->title || !r->what || !r->why)
			return EB_ENOMEM;
		(*n)++;
	}
	return EB_OK;
}

/* The followed-recommendation comparisons of the library's strategies on a
 * standard, when the refresh has some (at most cap). */
struct followed_row {
	char option[96];
	double g, lo, hi;
	long n;
	int tier;
};

static enum eb_err followed_effects(struct db *db, int64_t d, const char *standard,
				    struct followed_row *rows, size_t cap, size_t *n)
{
	struct db_stmt *st;
	*n = 0;
	enum eb_err rc = db_query(db,
				  "SELECT option_id, g, lo, hi, n_t + n_c, tier FROM"
				  " rec_followed_effect WHERE district_id = ?1 AND"
				  " source = 'strategy' AND standard = ?2",
				  DB_ARGS(DB_INT(d), DB_TEXT(standard)), &st);
	if (rc)
		return rc;
	while (db_next(st) && *n < cap) {
		struct followed_row *f = &rows[(*n)++];
		db_col_copy(st, 0, f->option, sizeof f->option);
		f->g = db_col_double(st, 1);
		f->lo = db_col_double(st, 2);
		f->hi = db_col_double(st, 3);
		f->n = (long)db_col_int(st, 4);
		f->tier = (int)db_col_int(st, 5);
	}
	return db_done(st);
}

static enum eb_err add_strategies(struct db *db, int64_t d, const struct standard *std,
				  const char *focus, size_t lacking, size_t of, size_t most,
				  struct arena *a, struct recommendation *c, size_t *n)
{
	size_t added = 0;
	const struct strategy *ss[16];
	size_t k = strategies_for(std, ss, 16), nf = 0;
	struct followed_row fr[16];
	enum eb_err rc = followed_effects(db, d, std->code, fr, 16, &nf);
	if (rc)
		return rc;
	for (size_t i = 0; i < k && i < 16 && *n < MAX_CANDIDATES && added < most; i++) {
		bool seen = false;
		for (size_t j = 0; j < *n && !seen; j++)
			seen = c[j].source == REC_STRATEGY &&
			       strcmp(c[j].strategy_id, ss[i]->id) == 0;
		if (seen)
			continue; /* one cluster serves two prerequisites */
		added++;
		struct recommendation *r = &c[*n];
		memset(r, 0, sizeof *r);
		r->source = REC_STRATEGY;
		r->standard = std->code;
		r->strategy_id = ss[i]->id;
		r->title = arena_printf(a, "%s (%s, %d minutes)", ss[i]->name, ss[i]->kind,
					ss[i]->minutes);
		r->what = arena_printf(a, "%s Materials: %s.", ss[i]->what, ss[i]->materials);
		for (size_t f = 0; f < nf; f++)
			if (strcmp(fr[f].option, ss[i]->id) == 0) {
				r->has_effect = true;
				r->effect = fr[f].g;
				r->lo = fr[f].lo;
				r->hi = fr[f].hi;
				r->n = fr[f].n;
				r->essa_tier = fr[f].tier;
			}
		bool prereq = strcmp(std->code, focus) != 0;
		const char *base =
			prereq ? arena_printf(
					 a,
					 "%zu of %zu are not yet secure on %s, which %s builds "
					 "on: start there. ",
					 lacking, of, std->code, focus)
			       : "";
		if (r->has_effect)
			r->why = arena_printf(
				a,
				"%sWhen teachers here marked it done, their students "
				"then grew about %+.2f SD (likely %+.2f to %+.2f) more "
				"than comparable students (%ld students; %s).",
				base, r->effect, r->lo, r->hi, r->n, tier_words(r->essa_tier));
		else
			r->why = arena_printf(a,
					      "%sA teacher-led strategy for cluster %s from "
					      "edbridge's library; no local evidence on it yet, so "
					      "no gain is claimed.",
					      base, std->cluster_code);
		if (!r->title || !r->what || !r->why)
			return EB_ENOMEM;
		(*n)++;
	}
	return EB_OK;
}

/* (c) The students' current intervention plans on the standard: reads the
 * plans' tables (migration 021, domain/plans) when this database has them;
 * none otherwise. */
static enum eb_err add_plans(struct db *db, int64_t d, const struct rec_students *s,
			     const char *standard, struct arena *a, struct recommendation *c,
			     size_t *n)
{
	enum eb_err rc;
	if (!s->cache->has_plans)
		return EB_OK;
	for (size_t i = 0; i < s->n && *n < MAX_CANDIDATES; i++) {
		struct db_stmt *st;
		rc = db_query(db,
			      "SELECT p.id, p.tier, coalesce(p.tool_id, 0), p.strategy,"
			      " p.sessions_per_week, p.minutes_per_session FROM plan p"
			      " JOIN plan_student ps ON ps.district_id = p.district_id AND"
			      "  ps.plan_id = p.id"
			      " JOIN plan_standard pd ON pd.district_id = p.district_id AND"
			      "  pd.plan_id = p.id"
			      " WHERE p.district_id = ?1 AND ps.student_sourced_id = ?2 AND"
			      " pd.standard_code = ?3 AND p.status = 'active' ORDER BY p.id",
			      DB_ARGS(DB_INT(d), DB_TEXT(s->st[i].sid), DB_TEXT(standard)), &st);
		if (rc)
			return rc;
		while (db_next(st) && *n < MAX_CANDIDATES) {
			int64_t id = db_col_int(st, 0);
			bool seen = false;
			for (size_t k = 0; k < *n; k++)
				seen |= c[k].source == REC_PLAN && c[k].plan_id == id;
			if (seen)
				continue;
			struct recommendation *r = &c[*n];
			memset(r, 0, sizeof *r);
			r->source = REC_PLAN;
			r->standard = standards_find(standard)->code;
			r->plan_id = id;
			r->tool_id = db_col_int(st, 2);
			r->title = arena_printf(a, "The tier %lld intervention plan",
						(long long)db_col_int(st, 1));
			const char *what = db_col_text(st, 3);
			r->what = arena_printf(a, "%s (%lld sessions a week of %lld minutes).",
					       what && *what ? what : "As the plan sets out",
					       (long long)db_col_int(st, 4),
					       (long long)db_col_int(st, 5));
			r->why =
				"Already on an intervention plan for this standard: keep to it and "
				"record its check-ins.";
			if (!r->title || !r->what)
				db_fail(st, EB_ENOMEM);
			else
				(*n)++;
		}
		if ((rc = db_done(st)))
			return rc;
	}
	return EB_OK;
}

enum eb_err recommend_for_students(struct db *db, int64_t district_id, const struct rec_students *s,
				   const char *focus_standard, size_t max, struct arena *arena,
				   struct recommendation **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	const struct standard *f = focus_standard ? standards_find(focus_standard) : NULL;
	if (!s || s->n == 0 || !f || f->kind == STANDARD_PRACTICE || f->kind == STANDARD_CLUSTER)
		return EB_EINVAL;
	if (strategies_init())
		return EB_EPARSE;
	struct recommendation *c = arena_alloc(arena, MAX_CANDIDATES * sizeof *c);
	if (!c)
		return EB_ENOMEM;
	size_t n = 0;
	enum eb_err rc;
	if ((rc = cache_load(db, district_id, s->cache, arena)))
		return rc;
	if ((rc = add_plans(db, district_id, s, f->code, arena, c, &n)) ||
	    (rc = add_tools(db, district_id, s, f->code, arena, c, &n)) ||
	    (rc = add_strategies(db, district_id, f, f->code, 0, s->n, 16, arena, c, &n)))
		return rc;
	/* prerequisites the group lacks: most of those measured below Proficient;
	 * the coherence map's and the district's frameworks' (catalog standards:
	 * tools and strategies are tagged with them), named as the district's
	 * primary framework names them */
	struct frameworks_links *links = NULL;
	struct frameworks_labels *labels = NULL;
	if (frameworks_links_load(db, district_id, arena, &links))
		links = NULL;
	if (frameworks_labels_load(db, district_id, arena, &labels))
		labels = NULL;
	const struct standard *pre[MAX_PREREQS];
	const char *pk[MAX_PREREQS];
	size_t npk = frameworks_links_of(links, f->code, 0, pk, MAX_PREREQS), np = 0;
	for (size_t i = 0; i < npk; i++)
		if ((pre[np] = standards_find(pk[i])))
			np++;
	for (size_t i = 0; i < np; i++) {
		size_t measured = 0, lacking = 0;
		for (size_t k = 0; k < s->n; k++) {
			double p = recommend_student_p(s, k, pre[i]->code);
			measured += p >= 0;
			lacking += p >= 0 && p < s->lv.proficient;
		}
		if (!lacking || 2 * lacking < measured)
			continue;
		size_t before = n;
		if ((rc = add_tools(db, district_id, s, pre[i]->code, arena, c, &n)))
			return rc;
		/* a prerequisite's tool only with helpful evidence */
		size_t k = before;
		for (size_t j = before; j < n; j++)
			if (c[j].has_effect && c[j].effect >= REC_MIN_GAIN) {
				c[j].why = arena_printf(
					arena,
					"%zu of %zu are not yet secure on %s, which "
					"%s builds on. %s",
					lacking, s->n, frameworks_label(labels, pre[i]->code),
					frameworks_label(labels, f->code), c[j].why);
				c[k++] = c[j];
			}
		n = k;
		if ((rc = add_strategies(db, district_id, pre[i], f->code, lacking, s->n, 1, arena,
					 c, &n)))
			return rc;
	}
	for (size_t i = 0; i < n; i++)
		if (!c[i].why)
			return EB_ENOMEM;
	recommend_rank(c, n, f->code, max, nout);
	for (size_t i = 0; i < *nout; i++)
		if (c[i].exploratory) {
			c[i].why = arena_printf(
				arena,
				"Worth trying: little used here so far, and it could "
				"help more than the first choice (up to %+.2f SD); the "
				"first choice is the surer one. %s",
				c[i].hi, c[i].why);
			if (!c[i].why)
				return EB_ENOMEM;
		}
	*out = c;
	return EB_OK;
}

enum eb_err recommend_for_group(struct db *db, int64_t district_id, const char *const *student_sids,
				size_t n, const char *focus_standard, size_t max,
				struct arena *arena, struct recommendation **out, size_t *nout)
{
	struct rec_students *s;
	*out = NULL;
	*nout = 0;
	const struct standard *f = focus_standard ? standards_find(focus_standard) : NULL;
	if (n == 0 || !f || f->kind == STANDARD_PRACTICE || f->kind == STANDARD_CLUSTER)
		return EB_EINVAL;
	enum eb_err rc = recommend_students_load(db, district_id, student_sids, n, arena, &s);
	if (rc)
		return rc;
	return recommend_for_students(db, district_id, s, focus_standard, max, arena, out, nout);
}

/* ---- the refresh ------------------------------------------------------ */

struct kept_effect {
	int64_t tool, initiative;
	const char *standard, *subgroup;
	double g, lo, hi, p, tau;
	double n_t, n_c;
	int tier;
};

/* DerSimonian-Laird between-standard SD of a tool's standard effects. */
static double dl_tau(const struct kept_effect *e, size_t n)
{
	double sw = 0, sw2 = 0, swg = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		double se = (e[i].hi - e[i].lo) / (2 * Z95);
		if (!(se > 0))
			continue;
		double w = 1 / (se * se);
		sw += w;
		sw2 += w * w;
		swg += w * e[i].g;
		k++;
	}
	if (k < 2 || !(sw > 0))
		return 0;
	double mean = swg / sw, q = 0;
	for (size_t i = 0; i < n; i++) {
		double se = (e[i].hi - e[i].lo) / (2 * Z95);
		if (se > 0)
			q += (e[i].g - mean) * (e[i].g - mean) / (se * se);
	}
	double t2 = (q - (double)(k - 1)) / (sw - sw2 / sw);
	return t2 > 0 ? sqrt(t2) : 0;
}

static enum eb_err evaluate_tool(struct db *db, int64_t d, int64_t initiative_id, int64_t tool,
				 struct arena *a, struct kept_effect **rows, size_t *n, size_t *cap)
{
	struct initiative in;
	struct eval_data data;
	char why[256];
	enum eb_err rc = initiative_get(db, d, initiative_id, a, &in);
	if (rc)
		return rc;
	enum eval_design design = in.random_unit ? EVAL_RANDOMIZED : EVAL_MATCHED;
	struct eval_result *r = arena_zalloc(a, sizeof *r);
	if (!r)
		return EB_ENOMEM;
	rc = eval_load(db, d, &in, design, a, &data, why, sizeof why);
	if (rc == EB_EINVAL)
		return EB_OK; /* what the data lacks: no evidence, said so on the page */
	if (rc)
		return rc;
	data.has_pass = in.has_pass;
	data.pass_score = in.pass_score;
	/* a covariate set the sample cannot separate (a co-used tool's minutes
	 * constant among the matched, say): the same design without the
	 * co-intervention columns, then without the prior-year score */
	bool ran = eval_run(&data, r, why, sizeof why) == EB_OK;
	if (!ran && data.nother) {
		data.nother = 0;
		ran = eval_run(&data, r, why, sizeof why) == EB_OK;
	}
	if (!ran && data.has_prior) {
		data.has_prior = false;
		ran = eval_run(&data, r, why, sizeof why) == EB_OK;
	}
	if (!ran)
		return EB_OK;
	if (eval_suppress_small(r, why, sizeof why) != EB_OK)
		return EB_OK;
	size_t first = *n;
	struct kept_effect whole = { .tool = tool,
				     .initiative = initiative_id,
				     .standard = "",
				     .subgroup = "",
				     .g = r->est.g,
				     .lo = r->est.ci_lo,
				     .hi = r->est.ci_hi,
				     .p = r->est.p,
				     .n_t = r->est.n_t,
				     .n_c = r->est.n_c,
				     .tier = r->tier.tier < 1 ? 4 : r->tier.tier };
	size_t need = 1 + r->nsub + r->nstd;
	while (*n + need > *cap) {
		size_t c2 = *cap ? *cap * 2 : 64;
		struct kept_effect *m = arena_alloc(a, c2 * sizeof *m);
		if (!m)
			return EB_ENOMEM;
		if (*n)
			memcpy(m, *rows, *n * sizeof *m);
		*rows = m;
		*cap = c2;
	}
	(*rows)[(*n)++] = whole;
	for (size_t i = 0; i < r->nsub; i++) {
		const struct eval_subgroup *sg = &r->sub[i];
		if (!sg->ok || strncmp(sg->label, "grade ", 6) != 0)
			continue;
		struct kept_effect e = whole;
		e.subgroup = arena_strdup(a, sg->label);
		e.g = sg->g;
		e.lo = sg->ci_lo;
		e.hi = sg->ci_hi;
		e.p = sg->p;
		e.n_t = sg->n_t;
		e.n_c = sg->n_c;
		if (!e.subgroup)
			return EB_ENOMEM;
		(*rows)[(*n)++] = e;
	}
	size_t grade0 = first + 1, std0 = *n;
	double tg = dl_tau(*rows + grade0, std0 - grade0);
	for (size_t i = grade0; i < std0; i++)
		(*rows)[i].tau = tg; /* the between-grade spread, on each grade's row */
	for (size_t i = 0; i < r->nstd; i++) {
		const struct eval_subgroup *sg = &r->std[i];
		const struct standard *s = standards_find(sg->label);
		if (!sg->ok || !s)
			continue;
		struct kept_effect e = whole;
		e.standard = s->code;
		e.g = sg->g;
		e.lo = sg->ci_lo;
		e.hi = sg->ci_hi;
		e.p = sg->p;
		e.n_t = sg->n_t;
		e.n_c = sg->n_c;
		(*rows)[(*n)++] = e;
	}
	(*rows)[first].tau = dl_tau(*rows + std0, *n - std0);
	return EB_OK;
}

/* The followed-recommendation comparison (docs/recommendations.md "Done
 * feeds the evidence"): per option and standard with REC_FOLLOWED_MIN or
 * more followed students. */
struct followed {
	const char *source, *option, *standard;
	double *p0, *p1; /* followed students: P when marked, P now */
	size_t n;
	int64_t week; /* the week of the median mark */
	const char **sids;
};

struct cmp_fill {
	const struct followed *f;
	double threshold;
	double *x, *y;
	size_t n, cap;
	struct arena *a;
	bool oom;
};

static int64_t week_of(int64_t at)
{
	int64_t d = at >= 0 ? at / 86400 : -((-at + 86399) / 86400);
	d += 3;
	return d >= 0 ? d / 7 : -((-d + 6) / 7);
}

static void cmp_cell(void *ctx, const char *student, const struct mastery_cell *c)
{
	struct cmp_fill *cf = ctx;
	if (cf->oom || c->inferred || !c->ntrend)
		return;
	for (size_t i = 0; i < cf->f->n; i++)
		if (strcmp(cf->f->sids[i], student) == 0)
			return;
	int64_t last = c->trend_week, first = last - c->ntrend + 1;
	if (cf->f->week < first || cf->f->week >= last)
		return; /* no estimate then, or no time since */
	double p0 = c->trend[cf->f->week - first] / 100.0;
	if (p0 >= cf->threshold)
		return;
	if (cf->n == cf->cap) {
		size_t c2 = cf->cap ? cf->cap * 2 : 256;
		double *x = arena_alloc(cf->a, c2 * 3 * sizeof *x);
		double *y = arena_alloc(cf->a, c2 * sizeof *y);
		if (!x || !y) {
			cf->oom = true;
			return;
		}
		if (cf->n) {
			memcpy(x, cf->x, cf->n * 3 * sizeof *x);
			memcpy(y, cf->y, cf->n * sizeof *y);
		}
		cf->x = x;
		cf->y = y;
		cf->cap = c2;
	}
	cf->x[cf->n * 3] = 1;
	cf->x[cf->n * 3 + 1] = 0;
	cf->x[cf->n * 3 + 2] = p0;
	cf->y[cf->n] = c->p - p0;
	cf->n++;
}

/* Compares the followed students' growth with comparable students' (OLS
 * gain ~ 1 + followed + P then; clustering-corrected with the WWC default
 * ICC in classes of about 25). False when it cannot be estimated. */
static bool compare_followed(struct db *db, int64_t d, const struct followed *f, double threshold,
			     struct arena *a, struct kept_effect *out)
{
	struct cmp_fill cf = { .f = f, .threshold = threshold, .a = a };
	for (size_t i = 0; i < f->n; i++) {
		if (cf.n == cf.cap) {
			size_t c2 = cf.cap ? cf.cap * 2 : 256;
			double *x = arena_alloc(a, c2 * 3 * sizeof *x),
			       *y = arena_alloc(a, c2 * sizeof *y);
			if (!x || !y)
				return false;
			if (cf.n) {
				memcpy(x, cf.x, cf.n * 3 * sizeof *x);
				memcpy(y, cf.y, cf.n * sizeof *y);
			}
			cf.x = x;
			cf.y = y;
			cf.cap = c2;
		}
		cf.x[cf.n * 3] = 1;
		cf.x[cf.n * 3 + 1] = 1;
		cf.x[cf.n * 3 + 2] = f->p0[i];
		cf.y[cf.n] = f->p1[i] - f->p0[i];
		cf.n++;
	}
	if (mastery_each_cell_of_standard(db, d, f->standard, cmp_cell, &cf) || cf.oom)
		return false;
	size_t nt = f->n, nc = cf.n - f->n;
	if (nc < EVAL_MIN_SHOWN || nt < EVAL_MIN_SHOWN)
		return false;
	struct stats_ols o;
	if (stats_ols_fit(cf.x, cf.y, NULL, cf.n, 3, &o, NULL, 0))
		return false;
	double *gt = arena_alloc(a, nt * sizeof *gt), *gc = arena_alloc(a, nc * sizeof *gc);
	if (!gt || !gc)
		return false;
	for (size_t i = 0; i < nt; i++)
		gt[i] = cf.y[i];
	for (size_t i = 0; i < nc; i++)
		gc[i] = cf.y[nt + i];
	struct ev_g eg;
	if (ev_hedges_g_raw(gt, nt, gc, nc, &eg, NULL, 0) || !(eg.s > 0) || !(o.se[1] > 0))
		return false;
	double g = eg.omega * o.beta[1] / eg.s, t = o.beta[1] / o.se[1];
	double N = (double)(nt + nc), clusters = N / 25 < 2 ? 2 : N / 25;
	struct ev_cluster cc;
	double q;
	if (ev_cluster_correct_t(t, N, clusters, EV_ICC_ACHIEVEMENT, &cc, NULL, 0) ||
	    stats_t_quantile(0.975, cc.h, &q, NULL, 0) || !(fabs(cc.t_adj) > 0))
		return false;
	double se = fabs(g / cc.t_adj);
	struct ev_tier_in ti = { .design = EV_DESIGN_CORRELATIONAL,
				 .statistical_controls = true,
				 .effect = g,
				 .p_value = cc.p_adj,
				 .n = N,
				 .sites = 1 };
	struct ev_tier tier = { 0 };
	ev_essa_tier(&ti, &tier);
	*out = (struct kept_effect){ .standard = f->standard,
				     .g = g,
				     .lo = g - q * se,
				     .hi = g + q * se,
				     .p = cc.p_adj,
				     .n_t = (double)nt,
				     .n_c = (double)nc,
				     .tier = tier.tier };
	return true;
}

static int by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static enum eb_err followed_all(struct db *db, int64_t d, double threshold, struct arena *a,
				struct kept_effect **rows, const char ***opts, const char ***srcs,
				size_t *n)
{
	struct db_stmt *st;
	*n = 0;
	enum eb_err rc =
		db_query(db,
			 "SELECT source, coalesce(strategy_id, CAST(tool_id AS TEXT)), standard,"
			 " student_sourced_id, p_before, done_at FROM rec_done"
			 " WHERE district_id = ?1 AND source IN ('tool', 'strategy') AND"
			 " p_before IS NOT NULL ORDER BY 1, 2, 3, 4, done_at",
			 DB_ARGS(DB_INT(d)), &st);
	if (rc)
		return rc;
	size_t cap = 0, nm = 0;
	struct mark {
		char *source, *option, *standard, *sid;
		double p0;
		int64_t at;
	} *m = NULL;
	while (db_next(st)) {
		if (nm == cap) {
			m = arena_grow(a, m, nm, &cap, sizeof *m, 256);
			if (!m || nm == cap) {
				db_fail(st, EB_ENOMEM);
				break;
			}
		}
		m[nm] = (struct mark){ db_col_dup(st, 0, a), db_col_dup(st, 1, a),
				       db_col_dup(st, 2, a), db_col_dup(st, 3, a),
				       db_col_double(st, 4), db_col_int(st, 5) };
		/* one mark per student and option and standard: the first */
		if (nm && strcmp(m[nm].source, m[nm - 1].source) == 0 &&
		    strcmp(m[nm].option, m[nm - 1].option) == 0 &&
		    strcmp(m[nm].standard, m[nm - 1].standard) == 0 &&
		    strcmp(m[nm].sid, m[nm - 1].sid) == 0)
			continue;
		nm++;
	}
	if ((rc = db_done(st)))
		return rc;
	*rows = arena_alloc(a, (nm ? nm : 1) * sizeof **rows);
	*opts = arena_alloc(a, (nm ? nm : 1) * sizeof **opts);
	*srcs = arena_alloc(a, (nm ? nm : 1) * sizeof **srcs);
	if (!*rows || !*opts || !*srcs)
		return EB_ENOMEM;
	for (size_t i = 0; i < nm;) {
		size_t j = i;
		while (j < nm && strcmp(m[j].source, m[i].source) == 0 &&
		       strcmp(m[j].option, m[i].option) == 0 &&
		       strcmp(m[j].standard, m[i].standard) == 0)
			j++;
		size_t k = j - i;
		if (k >= REC_FOLLOWED_MIN) {
			struct followed f = { .source = m[i].source,
					      .option = m[i].option,
					      .standard = m[i].standard,
					      .n = 0 };
			f.p0 = arena_alloc(a, k * sizeof *f.p0);
			f.p1 = arena_alloc(a, k * sizeof *f.p1);
			f.sids = arena_alloc(a, k * sizeof *f.sids);
			double *at = arena_alloc(a, k * sizeof *at);
			if (!f.p0 || !f.p1 || !f.sids || !at)
				return EB_ENOMEM;
			for (size_t x = i; x < j; x++) {
				double p1 = mastery_p(db, d, m[x].sid, m[x].standard);
				if (p1 < 0)
					continue;
				f.p0[f.n] = m[x].p0;
				f.p1[f.n] = p1;
				f.sids[f.n] = m[x].sid;
				at[f.n] = (double)m[x].at;
				f.n++;
			}
			if (f.n >= REC_FOLLOWED_MIN) {
				qsort(at, f.n, sizeof *at, by_double);
				f.week = week_of((int64_t)at[f.n / 2]);
				struct kept_effect e;
				if (compare_followed(db, d, &f, threshold, a, &e)) {
					(*srcs)[*n] = f.source;
					(*opts)[*n] = f.option;
					(*rows)[(*n)++] = e;
				}
			}
		}
		i = j;
	}
	return EB_OK;
}

enum eb_err recommend_refresh(struct db *db, int64_t district_id, struct rec_refresh_summary *sum,
			      char *why, size_t cap)
{
	struct arena a;
	arena_init(&a);
	memset(sum, 0, sizeof *sum);
	double t0 = time_mono();
	enum eb_err rc;
	struct kept_effect *rows = NULL, *fol = NULL;
	const char **fol_opt = NULL, **fol_src = NULL;
	size_t n = 0, rcap = 0, nfol = 0;
	struct initiative_row *in = NULL;
	size_t nin = 0;
	struct district_levels lv;
	if (why && cap)
		why[0] = '\0';
	if (district_levels(db, district_id, &lv))
		lv.proficient = 0.70;
	/* reads in one snapshot: an evaluation is many small queries */
	if ((rc = db_begin_read(db)))
		goto out;
	if ((rc = initiative_list(db, district_id, &a, &in, &nin))) {
		db_rollback(db);
		goto out;
	}
	sum->initiatives = nin;
	/* newest first: each tool's latest initiative */
	int64_t done_tools[64];
	size_t ndone = 0;
	for (size_t i = 0; i < nin && !rc; i++) {
		struct initiative full;
		if ((rc = initiative_get(db, district_id, in[i].id, &a, &full)))
			break;
		bool seen = full.tool_id <= 0;
		for (size_t k = 0; k < ndone; k++)
			seen |= done_tools[k] == full.tool_id;
		if (seen || ndone == 64)
			continue;
		done_tools[ndone++] = full.tool_id;
		size_t before = n;
		rc = evaluate_tool(db, district_id, in[i].id, full.tool_id, &a, &rows, &n, &rcap);
		sum->evaluated += n > before;
	}
	if (!rc)
		rc = followed_all(db, district_id, lv.proficient, &a, &fol, &fol_opt, &fol_src,
				  &nfol);
	db_rollback(db); /* the end of the read snapshot */
	if (rc)
		goto out;
	int64_t now = time_now();
	if ((rc = db_begin(db)))
		goto out;
	rc = db_execute(db, "DELETE FROM rec_effect WHERE district_id = ?1",
			DB_ARGS(DB_INT(district_id)), NULL);
	for (size_t i = 0; !rc && i < n; i++) {
		const struct kept_effect *e = &rows[i];
		rc = db_execute(db,
				"INSERT INTO rec_effect(district_id, tool_id, standard, subgroup,"
				" initiative_id, g, lo, hi, n_t, n_c, p, tier, tau, computed_at)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
				" ?14)",
				DB_ARGS(DB_INT(district_id), DB_INT(e->tool), DB_TEXT(e->standard),
					DB_TEXT(e->subgroup), DB_INT(e->initiative), DB_REAL(e->g),
					DB_REAL(e->lo), DB_REAL(e->hi), DB_INT(llround(e->n_t)),
					DB_INT(llround(e->n_c)), DB_REAL(e->p), DB_INT(e->tier),
					DB_REAL(e->tau), DB_INT(now)),
				NULL);
	}
	sum->effects = n;
	if (!rc)
		rc = db_execute(db, "DELETE FROM rec_tool_standard WHERE district_id = ?1",
				DB_ARGS(DB_INT(district_id)), NULL);
	if (!rc)
		rc = db_execute(db,
				"INSERT INTO rec_tool_standard(district_id, tool_id, standard,"
				" students, events)"
				" SELECT ?1, tool_id, standard_code, count(DISTINCT"
				" student_sourced_id), count(*) FROM learning_event"
				" WHERE district_id = ?1 AND standard_code IS NOT NULL AND"
				" student_sourced_id IS NOT NULL GROUP BY tool_id, standard_code",
				DB_ARGS(DB_INT(district_id)), NULL);
	if (!rc)
		rc = db_execute(
			db,
			"INSERT OR IGNORE INTO rec_tool_standard(district_id, tool_id,"
			" standard, students, events)"
			" SELECT DISTINCT ?1, tool_id, standard_code, 0, 0 FROM activity_map"
			" WHERE district_id = ?1",
			DB_ARGS(DB_INT(district_id)), NULL);
	if (!rc) {
		int64_t k = 0;
		rc = db_get_int(db, "SELECT count(*) FROM rec_tool_standard WHERE district_id = ?1",
				DB_ARGS(DB_INT(district_id)), &k);
		sum->tool_standards = (size_t)k;
	}
	if (!rc)
		rc = db_execute(db, "DELETE FROM rec_followed_effect WHERE district_id = ?1",
				DB_ARGS(DB_INT(district_id)), NULL);
	for (size_t i = 0; !rc && i < nfol; i++) {
		const struct kept_effect *e = &fol[i];
		rc = db_execute(db,
				"INSERT INTO rec_followed_effect(district_id, source, option_id,"
				" standard, g, lo, hi, n_t, n_c, p, tier, computed_at)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
				DB_ARGS(DB_INT(district_id), DB_TEXT(fol_src[i]),
					DB_TEXT(fol_opt[i]), DB_TEXT(e->standard), DB_REAL(e->g),
					DB_REAL(e->lo), DB_REAL(e->hi), DB_INT(llround(e->n_t)),
					DB_INT(llround(e->n_c)), DB_REAL(e->p), DB_INT(e->tier),
					DB_INT(now)),
				NULL);
	}
	sum->followed = nfol;
	if (!rc)
		rc = db_execute(db,
				"INSERT INTO rec_refresh(district_id, at) VALUES (?1, ?2)"
				" ON CONFLICT(district_id) DO UPDATE SET at = excluded.at",
				DB_ARGS(DB_INT(district_id), DB_INT(now)), NULL);
	if (rc) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db);
out:
	if (rc && why && cap && !why[0])
		snprintf(why, cap, "the recommendations' evidence could not be refreshed: %s",
			 eb_strerror(rc));
	sum->seconds = time_mono() - t0;
	arena_free(&a);
	return rc;
}

int64_t recommend_refreshed_at(struct db *db, int64_t district_id)
{
	int64_t at = 0;
	if (db_get_int(db, "SELECT coalesce(max(at), 0) FROM rec_refresh WHERE district_id = ?1",
		       DB_ARGS(DB_INT(district_id)), &at))
		return 0;
	return at;
}

/* ---- done marks ------------------------------------------------------- */

static const char *source_name(enum rec_source s)
{
	return s == REC_TOOL ? "tool" : s == REC_STRATEGY ? "strategy" : "plan";
}

enum eb_err recommend_mark_done(struct db *db, int64_t district_id, const struct audit_actor *who,
				const char *const *student_sids, size_t n, const char *standard,
				enum rec_source source, int64_t tool_id, const char *strategy_id,
				int64_t plan_id, char *why, size_t cap)
{
	const struct standard *s = standard ? standards_find(standard) : NULL;
	char detail[256];
	why[0] = '\0';
	if (n == 0 || n > 64) {
		snprintf(why, cap, "student: a group of 1 to 64 students is required");
		return EB_EINVAL;
	}
	if (!s || s->kind == STANDARD_PRACTICE || s->kind == STANDARD_CLUSTER) {
		snprintf(why, cap, "standard: %.60s is not a standard of the catalog",
			 standard ? standard : "");
		return EB_EINVAL;
	}
	if (source == REC_STRATEGY && !strategies_find(strategy_id)) {
		snprintf(why, cap, "strategy: %.60s is not a strategy of the library",
			 strategy_id ? strategy_id : "");
		return EB_EINVAL;
	}
	if (source == REC_PLAN && plan_id <= 0) {
		snprintf(why, cap, "plan: a plan is required");
		return EB_EINVAL;
	}
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	if (source == REC_TOOL) {
		int64_t k = 0;
		rc = db_get_int(db, "SELECT count(*) FROM tool WHERE district_id = ?1 AND id = ?2",
				DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &k);
		if (!rc && k == 0) {
			snprintf(why, cap, "tool: %lld is not a tool of this district",
				 (long long)tool_id);
			rc = EB_EINVAL;
		}
	}
	snprintf(detail, sizeof detail, "recommendation done: %s%s%s on %s", source_name(source),
		 source == REC_STRATEGY ? " " : "", source == REC_STRATEGY ? strategy_id : "",
		 s->code);
	int64_t now = time_now();
	for (size_t i = 0; !rc && i < n; i++) {
		double p = mastery_p(db, district_id, student_sids[i], s->code);
		rc = db_execute(db,
				"INSERT INTO rec_done(district_id, student_sourced_id, standard,"
				" source, tool_id, strategy_id, plan_id, p_before, account_id,"
				" done_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
				DB_ARGS(DB_INT(district_id), DB_TEXT(student_sids[i]),
					DB_TEXT(s->code), DB_TEXT(source_name(source)),
					DB_INT_IF(source == REC_TOOL, tool_id),
					DB_TEXT(source == REC_STRATEGY ? strategy_id : NULL),
					DB_INT_IF(source == REC_PLAN, plan_id),
					DB_REAL_IF(p >= 0, p), DB_INT(who->account_id),
					DB_INT(now)),
				NULL);
		if (!rc)
			rc = audit_record_students(db, district_id, who, "change", "student",
						   student_sids[i], 1, detail);
	}
	if (rc) {
		db_rollback(db);
		if (why[0] == '\0')
			snprintf(why, cap, "could not be saved: %s", eb_strerror(rc));
		return rc;
	}
	return db_commit(db);
}

enum eb_err recommend_done_list(struct db *db, int64_t district_id, const char *student_sid,
				struct arena *arena, struct rec_done_row **out, size_t *n)
{
	struct db_stmt *st;
	*out = NULL;
	*n = 0;
	enum eb_err rc = db_query(db,
				  "SELECT r.standard, r.source, coalesce(r.tool_id, 0),"
				  " coalesce(r.plan_id, 0), r.strategy_id,"
				  " coalesce(a.display_name, ''), r.done_at FROM rec_done r"
				  " LEFT JOIN account a ON a.district_id = r.district_id AND"
				  "  a.id = r.account_id"
				  " WHERE r.district_id = ?1 AND r.student_sourced_id = ?2"
				  " ORDER BY r.done_at DESC, r.id DESC LIMIT 50",
				  DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid)), &st);
	if (rc)
		return rc;
	struct rec_done_row *rows = arena_alloc(arena, 50 * sizeof *rows);
	if (!rows)
		db_fail(st, EB_ENOMEM);
	while (rows && db_next(st)) {
		struct rec_done_row *r = &rows[(*n)++];
		const char *src = db_col_text(st, 1);
		r->standard = db_col_dup(st, 0, arena);
		r->source = strcmp(src, "tool") == 0	   ? REC_TOOL
			    : strcmp(src, "strategy") == 0 ? REC_STRATEGY
							   : REC_PLAN;
		r->tool_id = db_col_int(st, 2);
		r->plan_id = db_col_int(st, 3);
		r->strategy_id = db_col_str(st, 4, arena);
		r->by = db_col_dup(st, 5, arena);
		r->done_at = db_col_int(st, 6);
	}
	rc = db_done(st);
	if (rc)
		*n = 0;
	else
		*out = rows;
	return rc;
}
