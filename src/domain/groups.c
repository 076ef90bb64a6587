/* groups.c - small groups of a class for a unit: the proposal, saved groups
 * (tables of migration 020) and what changed since. See groups.h and
 * docs/groups.md for the rules. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "domain/audit.h"
#include "domain/frameworks.h"
#include "domain/groups.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "store/db.h"

struct groups_params groups_params_default(void)
{
	return (struct groups_params){ GROUPS_DEFAULT_MIN, GROUPS_DEFAULT_MAX, GROUPS_MAX_GROUPS };
}

/* "field: reason" lines, cut at cap */
struct why {
	char *out;
	size_t cap, len;
	int n;
};

static void whyf(struct why *w, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void whyf(struct why *w, const char *field, const char *fmt, ...)
{
	w->n++;
	if (!w->out || w->len + 1 >= w->cap)
		return;
	int k = snprintf(w->out + w->len, w->cap - w->len, "%s%s: ", w->len ? "\n" : "", field);
	if (k < 0 || (size_t)k >= w->cap - w->len) {
		w->out[w->len] = '\0';
		return;
	}
	w->len += (size_t)k;
	va_list ap;
	va_start(ap, fmt);
	k = vsnprintf(w->out + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (k > 0)
		w->len += (size_t)k < w->cap - w->len ? (size_t)k : w->cap - w->len - 1;
}

enum eb_err groups_params_check(const struct groups_params *p, char *why, size_t cap)
{
	struct why w = { why, cap, 0, 0 };
	if (why && cap)
		why[0] = '\0';
	if (p->min_size < GROUPS_SIZE_LO || p->min_size > GROUPS_SIZE_HI)
		whyf(&w, "min", "the smallest group size must be %d to %d students", GROUPS_SIZE_LO,
		     GROUPS_SIZE_HI);
	if (p->max_size < GROUPS_SIZE_LO || p->max_size > GROUPS_SIZE_HI)
		whyf(&w, "max", "the largest group size must be %d to %d students", GROUPS_SIZE_LO,
		     GROUPS_SIZE_HI);
	else if (p->max_size < p->min_size)
		whyf(&w, "max", "the largest group size must not be below the smallest (%d)",
		     p->min_size);
	if (p->max_groups < 1 || p->max_groups > GROUPS_MAX_GROUPS)
		whyf(&w, "count", "the number of groups must be 1 to %d", GROUPS_MAX_GROUPS);
	return w.n ? EB_EINVAL : EB_OK;
}

/* ---- the unit --------------------------------------------------------------- */

int groups_class_grade(const char *grades)
{
	if (!grades)
		return -1;
	char g[8];
	size_t n = strcspn(grades, ", ");
	if (n == 0 || n >= sizeof g)
		return -1;
	memcpy(g, grades, n);
	g[n] = '\0';
	if (strcmp(g, "KG") == 0 || strcmp(g, "PK") == 0)
		return 0;
	const char *p = g;
	while (p[0] == '0' && p[1])
		p++;
	int64_t v;
	if (cstr_to_i64(p, 0, 13, &v) == EB_OK)
		return v >= 9 ? STANDARDS_GRADE_HS : (int)v;
	int out;
	if (standards_parse_grade(g, &out) == EB_OK)
		return out;
	return -1;
}

static void unit_add_cluster(struct groups_unit *u, const struct standard *cl)
{
	const struct standard *s[GROUPS_UNIT_MAX];
	size_t n = standards_in_cluster(cl, s, GROUPS_UNIT_MAX);
	for (size_t i = 0; i < n && i < GROUPS_UNIT_MAX && u->n < GROUPS_UNIT_MAX; i++)
		u->std[u->n++] = s[i];
}

static const char *grade_key(int grade, char out[4])
{
	if (grade == STANDARDS_GRADE_HS)
		return "HS";
	if (grade == 0)
		return "K";
	snprintf(out, 4, "%d", grade);
	return out;
}

/* the grade's clusters of one domain (dom) or its major clusters (dom NULL) */
static void unit_of_grade(struct groups_unit *u, int grade, const char *dom)
{
	u->grade = grade;
	const char *doms[32];
	size_t nd = standards_domains_of_grade(grade, doms, 32);
	bool found = false;
	for (size_t i = 0; i < nd && i < 32; i++) {
		if (dom && strcmp(doms[i], dom) != 0)
			continue;
		if (dom) {
			u->domain = doms[i];
			found = true;
		}
		const struct standard *cls[32];
		size_t nc = standards_clusters_of(grade, doms[i], cls, 32);
		for (size_t j = 0; j < nc && j < 32; j++)
			if (dom || cls[j]->emphasis == EMPHASIS_MAJOR ||
			    grade == STANDARDS_GRADE_HS)
				unit_add_cluster(u, cls[j]);
	}
	if (dom && !found) { /* an unknown domain: the grade's major clusters */
		unit_of_grade(u, grade, NULL);
		return;
	}
	char g[4];
	const char *gl = grade_key(grade, g);
	if (u->domain) {
		snprintf(u->key, sizeof u->key, "%s:%s", gl, u->domain);
		snprintf(u->title, sizeof u->title, "Grade %s, %s", gl, u->domain);
	} else {
		snprintf(u->key, sizeof u->key, "%s", gl);
		snprintf(u->title, sizeof u->title, "Major clusters of grade %s", gl);
	}
}

static void unit_of_cluster(struct groups_unit *u, const struct standard *cl)
{
	u->grade = cl->grade;
	u->cluster = cl->code;
	u->domain = cl->domain_code;
	unit_add_cluster(u, cl);
	snprintf(u->key, sizeof u->key, "%s", cl->code);
	snprintf(u->title, sizeof u->title, "Cluster %s", cl->code);
}

void groups_unit_pick(int class_grade, const char *grade, const char *domain, const char *cluster,
		      struct groups_unit *u)
{
	memset(u, 0, sizeof *u);
	const struct standard *cl = cluster && *cluster ? standards_find(cluster) : NULL;
	if (cl && cl->kind == STANDARD_CLUSTER) {
		unit_of_cluster(u, cl);
		return;
	}
	int g = class_grade < 0 ? 5 : class_grade;
	if (grade && *grade)
		standards_parse_grade(grade, &g);
	if (standards_domains_of_grade(g, NULL, 0) == 0)
		g = class_grade < 0 ? 5 : class_grade;
	unit_of_grade(u, g, domain && *domain ? domain : NULL);
}

enum eb_err groups_unit_from_key(const char *key, struct groups_unit *u)
{
	memset(u, 0, sizeof *u);
	if (!key || !*key || strlen(key) >= sizeof u->key)
		return EB_EINVAL;
	const struct standard *cl = standards_find(key);
	if (cl && cl->kind == STANDARD_CLUSTER && strcmp(cl->code, key) == 0) {
		unit_of_cluster(u, cl);
		return EB_OK;
	}
	char g[8];
	const char *colon = strchr(key, ':');
	size_t gn = colon ? (size_t)(colon - key) : strlen(key);
	if (gn == 0 || gn >= sizeof g)
		return EB_EINVAL;
	memcpy(g, key, gn);
	g[gn] = '\0';
	int grade;
	if (standards_parse_grade(g, &grade) || standards_domains_of_grade(grade, NULL, 0) == 0)
		return EB_EINVAL;
	unit_of_grade(u, grade, colon ? colon + 1 : NULL);
	if (colon && (!u->domain || strcmp(u->domain, colon + 1) != 0))
		return EB_EINVAL;
	return u->n ? EB_OK : EB_EINVAL;
}

size_t groups_standards_of_unit(const struct groups_unit *u, const struct standard **out,
				int *depth, size_t cap)
{
	return groups_standards_of_unit_links(u, NULL, out, depth, cap);
}

/* The catalog standards s builds on: the coherence map's, then the
 * district's links between catalog standards. */
static size_t prereqs_of(const struct frameworks_links *links, const struct standard *s,
			 const struct standard **out, size_t cap)
{
	if (!links)
		return standards_prereqs(s, out, cap);
	const char *k[32];
	size_t nk = frameworks_links_of(links, s->code, 0, k, 32), n = 0;
	for (size_t i = 0; i < nk && n < cap; i++)
		if ((out[n] = standards_find(k[i])))
			n++;
	return n;
}

size_t groups_standards_of_unit_links(const struct groups_unit *u,
				      const struct frameworks_links *links,
				      const struct standard **out, int *depth, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < u->n && n < cap; i++) {
		if (depth)
			depth[n] = 0;
		out[n++] = u->std[i];
	}
	/* breadth first: each level's prerequisites after the level before */
	size_t lo = 0;
	for (int d = 1; d <= GROUPS_PREREQ_DEPTH; d++) {
		size_t hi = n;
		for (size_t i = lo; i < hi; i++) {
			const struct standard *pre[32];
			size_t np = prereqs_of(links, out[i], pre, 32);
			for (size_t k = 0; k < np && k < 32; k++) {
				if (pre[k]->kind == STANDARD_CLUSTER ||
				    pre[k]->kind == STANDARD_PRACTICE)
					continue;
				bool have = false;
				for (size_t j = 0; j < n && !have; j++)
					have = out[j] == pre[k];
				if (have || n >= cap)
					continue;
				if (depth)
					depth[n] = d;
				out[n++] = pre[k];
			}
		}
		lo = hi;
	}
	return n;
}

/* ---- the proposal ------------------------------------------------------------ */

#define WORDS 3 /* 64-bit words of a set of GROUPS_STD_MAX standards */

struct work {
	const struct groups_input *in;
	const struct groups_params *p;
	struct arena *a;
	uint64_t (*reach)[WORDS]; /* per unit standard: the prerequisites it builds on */
	size_t **need;		  /* per student: needs, earliest first */
	size_t *nneed;
	int *assigned; /* group index or -1 */
	bool *unclear; /* below Proficient somewhere, but not clearly */
	struct groups_proposal *out;
	size_t cur; /* the standard the comparison sorts by */
	size_t *tmp;
};

static const struct groups_cell *cell(const struct groups_input *in, size_t s, size_t j)
{
	return &in->cells[s * in->nstds + j];
}

/* Measured below Proficient (the level Not yet or Approaching). */
static bool below(const struct groups_input *in, size_t s, size_t j)
{
	const struct groups_cell *c = cell(in, s, j);
	return c->measured && c->p < in->lv.proficient;
}

/* Clearly below Proficient: the one-sided 95% upper bound of the estimate,
 * p + 1.645 sd, stays under it. Only a clear need places a student in a
 * group; a student below Proficient on less evidence is listed apart. */
static bool lacking(const struct groups_input *in, size_t s, size_t j)
{
	const struct groups_cell *c = cell(in, s, j);
	return below(in, s, j) && c->p + GROUPS_Z95 * c->sd < in->lv.proficient;
}

/* earlier first: lower grade, then further back in the map, then catalog order */
static int earlier(const struct groups_input *in, size_t x, size_t y)
{
	int gx = in->stds[x]->grade, gy = in->stds[y]->grade;
	if (gx != gy)
		return gx < gy ? -1 : 1;
	if (in->depth[x] != in->depth[y])
		return in->depth[x] > in->depth[y] ? -1 : 1;
	return in->stds[x]->index < in->stds[y]->index ? -1
						       : in->stds[x]->index > in->stds[y]->index;
}

static _Thread_local const struct groups_input *sort_in;

static int by_earliness(const void *a, const void *b)
{
	return earlier(sort_in, *(const size_t *)a, *(const size_t *)b);
}

static _Thread_local size_t sort_std;

static int by_p(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	float px = cell(sort_in, x, sort_std)->p, py = cell(sort_in, y, sort_std)->p;
	if (px != py)
		return px < py ? -1 : 1;
	return x < y ? -1 : x > y;
}

static size_t index_of(const struct groups_input *in, const struct standard *s)
{
	for (size_t j = 0; j < in->nstds; j++)
		if (in->stds[j] == s)
			return j;
	return SIZE_MAX;
}

/* reach[u]: the prerequisites (by index) unit standard u builds on, up to
 * GROUPS_PREREQ_DEPTH links back */
static void make_reach(struct work *w)
{
	const struct groups_input *in = w->in;
	for (size_t u = 0; u < in->nunit; u++) {
		size_t frontier[GROUPS_STD_MAX], nf = 0;
		frontier[nf++] = u;
		size_t lo = 0;
		for (int d = 1; d <= GROUPS_PREREQ_DEPTH; d++) {
			size_t hi = nf;
			for (size_t i = lo; i < hi; i++) {
				const struct standard *pre[32];
				size_t np = prereqs_of(in->links, in->stds[frontier[i]], pre, 32);
				for (size_t k = 0; k < np && k < 32; k++) {
					size_t j = index_of(in, pre[k]);
					if (j == SIZE_MAX || j < in->nunit ||
					    (w->reach[u][j / 64] >> (j % 64) & 1) ||
					    nf >= GROUPS_STD_MAX)
						continue;
					w->reach[u][j / 64] |= (uint64_t)1 << (j % 64);
					frontier[nf++] = j;
				}
			}
			lo = hi;
		}
	}
}

/* the student's needs, earliest first */
static enum eb_err make_needs(struct work *w, size_t s)
{
	const struct groups_input *in = w->in;
	uint64_t open[WORDS] = { 0 }; /* prerequisites of unit standards not secure */
	for (size_t u = 0; u < in->nunit; u++) {
		const struct groups_cell *c = cell(in, s, u);
		if (c->measured && c->p >= in->lv.proficient)
			continue;
		for (int k = 0; k < WORDS; k++)
			open[k] |= w->reach[u][k];
	}
	size_t *need = arena_alloc(w->a, (in->nstds ? in->nstds : 1) * sizeof *need), n = 0;
	if (!need)
		return EB_ENOMEM;
	for (size_t j = 0; j < in->nstds; j++) {
		if (!(j < in->nunit || (open[j / 64] >> (j % 64) & 1)))
			continue;
		if (lacking(in, s, j))
			need[n++] = j;
		else if (below(in, s, j))
			w->unclear[s] = true;
	}
	sort_in = in;
	qsort(need, n, sizeof *need, by_earliness);
	w->need[s] = need;
	w->nneed[s] = n;
	return EB_OK;
}

static bool has_need(const struct work *w, size_t s, size_t j)
{
	for (size_t k = 0; k < w->nneed[s]; k++)
		if (w->need[s][k] == j)
			return true;
	return false;
}

static enum eb_err new_group(struct work *w, size_t focus, struct groups_group **out)
{
	struct groups_proposal *pr = w->out;
	struct groups_group *g = &pr->groups[pr->ngroups];
	memset(g, 0, sizeof *g);
	g->focus = focus;
	g->members = arena_alloc(w->a, (size_t)w->p->max_size * sizeof *g->members);
	if (!g->members)
		return EB_ENOMEM;
	pr->ngroups++;
	*out = g;
	return EB_OK;
}

/* Groups the unassigned students who need focus (first need only when
 * first_only): the weakest on it together, as many groups as it takes of at
 * most max_size, within the groups left. Returns whether a group was made. */
static enum eb_err group_focus(struct work *w, size_t focus, bool first_only, bool *made)
{
	const struct groups_input *in = w->in;
	size_t c = 0;
	*made = false;
	for (size_t s = 0; s < in->nstudents; s++)
		if (w->assigned[s] < 0 && w->nneed[s] &&
		    (first_only ? w->need[s][0] == focus : has_need(w, s, focus)))
			w->tmp[c++] = s;
	size_t max = (size_t)w->p->max_size, left = (size_t)w->p->max_groups - w->out->ngroups;
	if (c < (size_t)w->p->min_size || !left)
		return EB_OK;
	sort_in = in;
	sort_std = focus;
	qsort(w->tmp, c, sizeof *w->tmp, by_p);
	size_t k = (c + max - 1) / max;
	if (k > left)
		k = left;
	if (c > k * max)
		c = k * max; /* the weakest; the rest stay for later groups */
	size_t at = 0;
	for (size_t i = 0; i < k; i++) {
		size_t size = c / k + (i < c % k);
		struct groups_group *g;
		enum eb_err e = new_group(w, focus, &g);
		if (e)
			return e;
		for (size_t m = 0; m < size; m++) {
			size_t s = w->tmp[at++];
			g->members[g->n++] = s;
			w->assigned[s] = (int)w->out->ngroups - 1;
		}
	}
	*made = true;
	return EB_OK;
}

/* the focus shared by most unassigned students (first needs only, or any
 * need), ties to the earliest; SIZE_MAX when none reaches min_size */
static size_t best_focus(struct work *w, bool first_only, const bool *tried)
{
	const struct groups_input *in = w->in;
	size_t best = SIZE_MAX, best_n = 0;
	for (size_t j = 0; j < in->nstds; j++) {
		if (tried[j])
			continue;
		size_t c = 0;
		for (size_t s = 0; s < in->nstudents; s++)
			if (w->assigned[s] < 0 && w->nneed[s] &&
			    (first_only ? w->need[s][0] == j : has_need(w, s, j)))
				c++;
		if (c < (size_t)w->p->min_size)
			continue;
		if (c > best_n || (c == best_n && earlier(in, j, best) < 0)) {
			best = j;
			best_n = c;
		}
	}
	return best;
}

static int by_focus(const void *a, const void *b)
{
	const struct groups_group *x = a, *y = b;
	int c = earlier(sort_in, x->focus, y->focus);
	if (c)
		return c;
	return x->p_lo < y->p_lo ? -1 : x->p_lo > y->p_lo;
}

static void finish_group(const struct work *w, struct groups_group *g)
{
	const struct groups_input *in = w->in;
	sort_in = in;
	sort_std = g->focus;
	qsort(g->members, g->n, sizeof *g->members, by_p);
	g->p_lo = 1;
	g->p_hi = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct groups_cell *c = cell(in, g->members[i], g->focus);
		if (c->p < g->p_lo)
			g->p_lo = c->p;
		if (c->p > g->p_hi)
			g->p_hi = c->p;
		g->responses += c->responses;
		if (c->p < in->lv.approaching)
			g->not_yet++;
		if (c->p + GROUPS_Z99 * c->sd < in->lv.proficient)
			g->clear++;
	}
	g->sure = g->clear * 5 >= g->n * 4 ? GROUPS_SURE
		  : g->clear * 2 >= g->n   ? GROUPS_FAIRLY_SURE
					   : GROUPS_TENTATIVE;
	g->ntoward = 0;
	if (g->focus < in->nunit)
		return;
	/* the unit standards built on it that some member is not secure on */
	size_t j = g->focus;
	for (size_t u = 0; u < in->nunit && g->ntoward < 4; u++) {
		if (!(w->reach[u][j / 64] >> (j % 64) & 1))
			continue;
		size_t open = 0;
		for (size_t i = 0; i < g->n; i++) {
			const struct groups_cell *c = cell(in, g->members[i], u);
			if (!(c->measured && c->p >= in->lv.proficient))
				open++;
		}
		if (open)
			g->toward[g->ntoward++] = u;
	}
}

enum eb_err groups_propose(const struct groups_input *in, const struct groups_params *p,
			   struct arena *arena, struct groups_proposal *out)
{
	memset(out, 0, sizeof *out);
	if (!in->nstds || in->nstds > GROUPS_STD_MAX || in->nunit > in->nstds)
		return EB_EINVAL;
	size_t ns = in->nstudents;
	struct work w = { .in = in, .p = p, .a = arena, .out = out };
	w.reach = arena_zalloc(arena, (in->nunit ? in->nunit : 1) * sizeof *w.reach);
	w.need = arena_zalloc(arena, (ns ? ns : 1) * sizeof *w.need);
	w.nneed = arena_zalloc(arena, (ns ? ns : 1) * sizeof *w.nneed);
	w.assigned = arena_alloc(arena, (ns ? ns : 1) * sizeof *w.assigned);
	w.unclear = arena_zalloc(arena, (ns ? ns : 1) * sizeof *w.unclear);
	w.tmp = arena_alloc(arena, (ns ? ns : 1) * sizeof *w.tmp);
	out->apart = arena_alloc(arena, (ns ? ns : 1) * sizeof *out->apart);
	bool *tried = arena_zalloc(arena, in->nstds * sizeof *tried);
	if (!w.reach || !w.need || !w.nneed || !w.assigned || !w.unclear || !w.tmp || !out->apart ||
	    !tried)
		return EB_ENOMEM;
	make_reach(&w);
	enum eb_err e;
	for (size_t s = 0; s < ns; s++) {
		w.assigned[s] = -1;
		if ((e = make_needs(&w, s)))
			return e;
	}
	/* 1. by first (earliest) need */
	size_t f;
	while (out->ngroups < (size_t)p->max_groups &&
	       (f = best_focus(&w, true, tried)) != SIZE_MAX) {
		bool made;
		if ((e = group_focus(&w, f, true, &made)))
			return e;
		tried[f] = true;
	}
	/* 2. those left join a group of a later need that has room */
	for (size_t s = 0; s < ns; s++)
		for (size_t k = 0; w.assigned[s] < 0 && k < w.nneed[s]; k++)
			for (size_t gi = 0; gi < out->ngroups; gi++) {
				struct groups_group *g = &out->groups[gi];
				if (g->focus == w.need[s][k] && g->n < (size_t)p->max_size) {
					g->members[g->n++] = s;
					w.assigned[s] = (int)gi;
					break;
				}
			}
	/* 3. groups of any shared need among those still left */
	memset(tried, 0, in->nstds * sizeof *tried);
	while (out->ngroups < (size_t)p->max_groups &&
	       (f = best_focus(&w, false, tried)) != SIZE_MAX) {
		bool made;
		if ((e = group_focus(&w, f, false, &made)))
			return e;
		tried[f] = true;
	}
	for (size_t gi = 0; gi < out->ngroups; gi++)
		finish_group(&w, &out->groups[gi]);
	sort_in = in;
	qsort(out->groups, out->ngroups, sizeof out->groups[0], by_focus);
	/* 4. everyone else, with the reason */
	for (size_t s = 0; s < ns; s++) {
		bool grouped = false;
		for (size_t gi = 0; gi < out->ngroups && !grouped; gi++)
			for (size_t m = 0; m < out->groups[gi].n && !grouped; m++)
				grouped = out->groups[gi].members[m] == s;
		if (grouped)
			continue;
		struct groups_apart *ap = &out->apart[out->napart++];
		ap->student = s;
		ap->need = SIZE_MAX;
		if (w.nneed[s]) {
			ap->why = GROUPS_APART_ALONE;
			ap->need = w.need[s][0];
			continue;
		}
		bool measured = false;
		for (size_t j = 0; j < in->nstds && !measured; j++)
			measured = cell(in, s, j)->measured;
		ap->why = w.unclear[s] ? GROUPS_APART_UNCLEAR
			  : measured   ? GROUPS_APART_ON_TRACK
				       : GROUPS_APART_THIN;
	}
	return EB_OK;
}

enum eb_err groups_read_input(struct db *db, int64_t district_id, const char *const *sids, size_t n,
			      const struct groups_unit *u, struct arena *arena,
			      struct groups_input *in)
{
	memset(in, 0, sizeof *in);
	if (n > GROUPS_CLASS_MAX)
		return EB_ETOOBIG;
	if (district_levels(db, district_id, &in->lv))
		in->lv = (struct district_levels){ 0.40, 0.70, 0.90 };
	const struct standard **stds = arena_alloc(arena, GROUPS_STD_MAX * sizeof *stds);
	int *depth = arena_alloc(arena, GROUPS_STD_MAX * sizeof *depth);
	size_t ncat = standards_count();
	int *map = arena_alloc(arena, (ncat ? ncat : 1) * sizeof *map);
	if (!stds || !depth || !map)
		return EB_ENOMEM;
	/* the district's links (a store error: the coherence map alone) */
	struct frameworks_links *links = NULL;
	if (frameworks_links_load(db, district_id, arena, &links))
		links = NULL;
	in->links = links;
	if (frameworks_labels_load(db, district_id, arena, &in->labels))
		in->labels = NULL;
	size_t ns = groups_standards_of_unit_links(u, links, stds, depth, GROUPS_STD_MAX);
	for (size_t i = 0; i < ncat; i++)
		map[i] = -1;
	for (size_t j = 0; j < ns; j++)
		map[stds[j]->index] = (int)j;
	struct groups_cell *cells =
		arena_zalloc(arena, (n ? n : 1) * (ns ? ns : 1) * sizeof *cells);
	if (!cells)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct mastery_row *rows;
		size_t nr;
		enum eb_err e = mastery_student_cells(db, district_id, sids[i], arena, &rows, &nr);
		if (e)
			return e;
		for (size_t k = 0; k < nr; k++) {
			const struct standard *s = standards_find(rows[k].standard);
			if (!s || map[s->index] < 0)
				continue;
			struct groups_cell *c = &cells[i * ns + (size_t)map[s->index]];
			c->p = (float)rows[k].c.p;
			c->sd = (float)rows[k].c.sd;
			c->responses = rows[k].c.responses;
			c->present = true;
			c->measured = !rows[k].c.inferred &&
				      rows[k].c.responses >= MASTERY_MIN_DIRECT;
		}
	}
	in->stds = stds;
	in->depth = depth;
	in->nstds = ns;
	in->nunit = u->n < ns ? u->n : ns;
	in->nstudents = n;
	in->cells = cells;
	return EB_OK;
}

/* ---- words --------------------------------------------------------------------- */

const char *groups_sureness_words(enum groups_sureness s)
{
	switch (s) {
	case GROUPS_SURE:
		return "Sure";
	case GROUPS_FAIRLY_SURE:
		return "Fairly sure";
	default:
		return "Tentative: check in class first";
	}
}

static const char *number_word(size_t n, char buf[24])
{
	static const char *const w[] = { "none", "one",	   "two",   "three", "four",
					 "five", "six",	   "seven", "eight", "nine",
					 "ten",	 "eleven", "twelve" };
	if (n < sizeof w / sizeof w[0])
		return w[n];
	snprintf(buf, 24, "%zu", n);
	return buf;
}

void groups_reason_words(const struct groups_input *in, const struct groups_group *g, char *out,
			 size_t cap)
{
	char nb[24];
	const char *focus = frameworks_label(in->labels, in->stds[g->focus]->code);
	int k;
	if (g->n == 1)
		k = snprintf(out, cap, "The student is not yet secure on %s", focus);
	else if (g->n == 2)
		k = snprintf(out, cap, "Both are not yet secure on %s", focus);
	else
		k = snprintf(out, cap, "All %s are not yet secure on %s", number_word(g->n, nb),
			     focus);
	if (k < 0 || (size_t)k >= cap)
		return;
	size_t len = (size_t)k;
	if (!g->ntoward) {
		snprintf(out + len, cap - len, ", a standard of this unit.");
		return;
	}
	k = snprintf(out + len, cap - len, ", the prerequisite that ");
	if (k < 0 || (size_t)k >= cap - len)
		return;
	len += (size_t)k;
	for (size_t i = 0; i < g->ntoward && len < cap; i++) {
		k = snprintf(out + len, cap - len, "%s%s",
			     i == 0		   ? ""
			     : i + 1 == g->ntoward ? " and "
						   : ", ",
			     frameworks_label(in->labels, in->stds[g->toward[i]]->code));
		if (k < 0)
			return;
		len += (size_t)k;
	}
	if (len < cap)
		snprintf(out + len, cap - len, " of this unit build%s on.",
			 g->ntoward == 1 ? "s" : "");
}

void groups_evidence_words(const struct groups_input *in, const struct groups_group *g, char *out,
			   size_t cap)
{
	snprintf(out, cap,
		 "%lld responses on %s; probability of mastery %.0f%% to %.0f%%; %zu at Not yet, "
		 "%zu Approaching.",
		 (long long)g->responses, frameworks_label(in->labels, in->stds[g->focus]->code),
		 g->p_lo * 100, g->p_hi * 100, g->not_yet, g->n - g->not_yet);
}

void groups_sureness_detail(const struct groups_group *g, const struct district_levels *lv,
			    char *out, size_t cap)
{
	snprintf(out, cap,
		 "%zu of %zu well below Proficient (even their 99%% range stays under %.0f%%); "
		 "all %zu clearly below it (95%%).",
		 g->clear, g->n, lv->proficient * 100, g->n);
}

/* ---- saved groups ------------------------------------------------------------- */

static bool valid_name(const char *s, size_t *len)
{
	struct str t = str_trim(str_from(s ? s : ""));
	*len = t.n;
	return t.n > 0 && t.n <= GROUPS_NAME_MAX && str_utf8_valid(t, NULL);
}

enum eb_err groups_save(struct db *db, int64_t district_id, const struct audit_actor *who,
			const char *class_sid, const char *unit_key, const struct groups_params *p,
			const struct groups_save_group *g, size_t ng, int64_t now, int64_t *set_id,
			char *why, size_t cap)
{
	struct why w = { why, cap, 0, 0 };
	if (why && cap)
		why[0] = '\0';
	struct arena a;
	arena_init(&a);
	enum eb_err e = groups_params_check(p, why, cap);
	if (e) {
		w.n = 1;
		w.len = why ? strlen(why) : 0;
	}
	struct groups_unit u;
	if (groups_unit_from_key(unit_key, &u))
		whyf(&w, "unit", "choose a unit of the catalog (a grade, a domain or a cluster)");
	if (ng > GROUPS_MAX_GROUPS || (!e && ng > (size_t)p->max_groups))
		whyf(&w, "count", "%zu groups; at most %d", ng,
		     e ? GROUPS_MAX_GROUPS : p->max_groups);
	const struct standard *focus[GROUPS_MAX_GROUPS] = { NULL };
	size_t with_members = 0;
	for (size_t i = 0; i < ng && i < GROUPS_MAX_GROUPS; i++) {
		if (!g[i].n)
			continue;
		with_members++;
		char f[16];
		size_t len;
		snprintf(f, sizeof f, "name%zu", i + 1);
		if (!valid_name(g[i].name, &len))
			whyf(&w, f, len ? "at most %d characters" : "give the group a name",
			     GROUPS_NAME_MAX);
		snprintf(f, sizeof f, "focus%zu", i + 1);
		focus[i] = g[i].focus && *g[i].focus ? standards_find(g[i].focus) : NULL;
		if (!focus[i] ||
		    (focus[i]->kind != STANDARD_STANDARD && focus[i]->kind != STANDARD_SUBSTANDARD))
			whyf(&w, f, "choose a standard of the catalog, such as 4.NF.A.1");
		snprintf(f, sizeof f, "group%zu", i + 1);
		if (!e && g[i].n > (size_t)p->max_size)
			whyf(&w, f, "%zu students; at most %d (the largest group size)", g[i].n,
			     p->max_size);
		for (size_t m = 0; m < g[i].n; m++) {
			const char *sid = g[i].members[m];
			char field[80];
			snprintf(field, sizeof field, "g.%s", sid);
			bool twice = false;
			for (size_t j = 0; j <= i && !twice; j++)
				for (size_t k = 0; k < (j == i ? m : g[j].n) && !twice; k++)
					twice = strcmp(g[j].members[k], sid) == 0;
			if (twice)
				whyf(&w, field, "a student can be in one group only");
			else if (!roster_student_in_class(db, district_id, sid, class_sid))
				whyf(&w, field, "'%s' is not a student of this class", sid);
		}
	}
	if (!with_members && !w.n)
		whyf(&w, "groups", "put at least one student in a group");
	if (w.n) {
		arena_free(&a);
		return EB_EINVAL;
	}
	struct roster_person_row *st;
	size_t nst;
	if ((e = roster_class_students(db, district_id, class_sid, &a, &st, &nst)))
		goto out;
	if ((e = db_begin(db)))
		goto out;
	if ((e = db_execute(db,
			    "INSERT INTO group_set (district_id, class_sourced_id, unit, saved_at,"
			    " saved_by, min_size, max_size, max_groups)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			    DB_ARGS(DB_INT(district_id), DB_TEXT(class_sid), DB_TEXT(u.key),
				    DB_INT(now), DB_INT_IF(who && who->account_id, who->account_id),
				    DB_INT(p->min_size), DB_INT(p->max_size),
				    DB_INT(p->max_groups)),
			    NULL)))
		goto fail;
	int64_t id = db_last_id(db);
	int pos = 0;
	size_t members = 0;
	for (size_t i = 0; i < ng; i++) {
		if (!g[i].n)
			continue;
		pos++;
		struct str name = str_trim(str_from(g[i].name));
		if ((e = db_execute(db,
				    "INSERT INTO group_set_group (set_id, position, name, focus,"
				    " district_id) VALUES (?1, ?2, ?3, ?4, ?5)",
				    DB_ARGS(DB_INT(id), DB_INT(pos), DB_TEXTN(name.p, name.n),
					    DB_TEXT(focus[i]->code), DB_INT(district_id)),
				    NULL)))
			goto fail;
		for (size_t m = 0; m < g[i].n; m++, members++)
			if ((e = db_execute(
				     db,
				     "INSERT INTO group_set_member (set_id, student_sourced_id,"
				     " position, district_id) VALUES (?1, ?2, ?3, ?4)",
				     DB_ARGS(DB_INT(id), DB_TEXT(g[i].members[m]), DB_INT(pos),
					     DB_INT(district_id)),
				     NULL)))
				goto fail;
		for (size_t s = 0; s < nst; s++) {
			struct mastery_cell c;
			bool found;
			if ((e = mastery_cell_get(db, district_id, st[s].sourced_id, focus[i]->code,
						  &c, &found)))
				goto fail;
			if (!found || (!c.responses && c.inferred && c.p <= 0))
				continue;
			if ((e = db_execute(db,
					    "INSERT INTO group_set_snapshot (set_id, position,"
					    " student_sourced_id, p, measured, district_id)"
					    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
					    DB_ARGS(DB_INT(id), DB_INT(pos),
						    DB_TEXT(st[s].sourced_id), DB_REAL(c.p),
						    DB_INT(!c.inferred), DB_INT(district_id)),
					    NULL)))
				goto fail;
		}
	}
	char detail[256];
	snprintf(detail, sizeof detail, "small groups saved: %d group%s, %zu students, unit %s",
		 pos, pos == 1 ? "" : "s", members, u.key);
	if ((e = audit_record_students(db, district_id, who, "create", "class", class_sid,
				       (int64_t)members, detail)))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	if (set_id)
		*set_id = id;
	goto out;
fail:
	db_rollback(db);
out:
	arena_free(&a);
	return e;
}

struct set_row {
	int64_t id, saved_at;
	const char *saved_by, *unit;
	int min_size, max_size, max_groups;
};
DB_ROWSPEC(set_spec, struct set_row, NULL, DB_FIELD_INT(struct set_row, id),
	   DB_FIELD_INT(struct set_row, saved_at), DB_FIELD_STR(struct set_row, saved_by),
	   DB_FIELD_STR(struct set_row, unit), DB_FIELD_INT(struct set_row, min_size),
	   DB_FIELD_INT(struct set_row, max_size), DB_FIELD_INT(struct set_row, max_groups));

struct group_row {
	int position;
	const char *name, *focus;
};
DB_ROWSPEC(group_spec, struct group_row, NULL, DB_FIELD_INT(struct group_row, position),
	   DB_FIELD_STR(struct group_row, name), DB_FIELD_STR(struct group_row, focus));

struct member_row {
	int position;
	const char *student;
	double p;
	int measured;
};
DB_ROWSPEC(member_spec, struct member_row, NULL, DB_FIELD_INT(struct member_row, position),
	   DB_FIELD_STR(struct member_row, student), DB_FIELD_REAL_OR(struct member_row, p, -1),
	   DB_FIELD_INT(struct member_row, measured));

enum eb_err groups_latest(struct db *db, int64_t district_id, const char *class_sid,
			  struct arena *arena, struct groups_saved *out, bool *found)
{
	memset(out, 0, sizeof *out);
	*found = false;
	struct set_row s;
	enum eb_err e = db_get_row(
		db,
		"SELECT s.id, s.saved_at, a.display_name, s.unit, s.min_size, s.max_size,"
		" s.max_groups FROM group_set s LEFT JOIN account a ON a.district_id = "
		"s.district_id AND a.id = s.saved_by"
		" WHERE s.district_id = ?1 AND s.class_sourced_id = ?2"
		" ORDER BY s.saved_at DESC, s.id DESC LIMIT 1",
		DB_ARGS(DB_INT(district_id), DB_TEXT(class_sid)), &set_spec, arena, &s);
	if (e == EB_ENOTFOUND)
		return EB_OK;
	if (e)
		return e;
	struct group_row *gr;
	size_t ng;
	struct member_row *mr;
	size_t nm;
	if ((e = db_get_rows(db,
			     "SELECT position, name, focus FROM group_set_group WHERE set_id = ?1"
			     " ORDER BY position",
			     DB_ARGS(DB_INT(s.id)), &group_spec, arena, &gr, &ng)) ||
	    (e = db_get_rows(db,
			     "SELECT m.position, m.student_sourced_id, n.p, n.measured"
			     " FROM group_set_member m LEFT JOIN group_set_snapshot n"
			     " ON n.district_id = m.district_id AND n.set_id = m.set_id"
			     " AND n.position = m.position"
			     " AND n.student_sourced_id = m.student_sourced_id"
			     " WHERE m.set_id = ?1 ORDER BY m.position, m.student_sourced_id",
			     DB_ARGS(DB_INT(s.id)), &member_spec, arena, &mr, &nm)))
		return e;
	out->groups = arena_zalloc(arena, (ng ? ng : 1) * sizeof *out->groups);
	if (!out->groups)
		return EB_ENOMEM;
	for (size_t i = 0; i < ng; i++) {
		struct groups_saved_group *g = &out->groups[i];
		g->position = gr[i].position;
		g->name = gr[i].name;
		g->focus = gr[i].focus;
		size_t c = 0;
		for (size_t k = 0; k < nm; k++)
			c += mr[k].position == g->position;
		g->members = arena_zalloc(arena, (c ? c : 1) * sizeof *g->members);
		if (!g->members)
			return EB_ENOMEM;
		for (size_t k = 0; k < nm; k++)
			if (mr[k].position == g->position) {
				struct groups_saved_member *m = &g->members[g->n++];
				m->student = mr[k].student;
				m->p_then = mr[k].p;
				m->measured_then = mr[k].measured != 0;
			}
	}
	out->id = s.id;
	out->saved_at = s.saved_at;
	out->saved_by = s.saved_by;
	out->unit_key = s.unit;
	out->params = (struct groups_params){ s.min_size, s.max_size, s.max_groups };
	out->ngroups = ng;
	*found = true;
	return EB_OK;
}

/* The student's snapshot on a group's focus when saved: p, or -1. */
static enum eb_err then_p(struct db *db, int64_t set_id, int position, const char *student,
			  double *p, bool *measured)
{
	struct db_stmt *st;
	*p = -1;
	*measured = false;
	enum eb_err e = db_query(db,
				 "SELECT p, measured FROM group_set_snapshot WHERE set_id = ?1"
				 " AND position = ?2 AND student_sourced_id = ?3",
				 DB_ARGS(DB_INT(set_id), DB_INT(position), DB_TEXT(student)), &st);
	if (e)
		return e;
	if (db_next(st)) {
		*p = db_col_double(st, 0);
		*measured = db_col_int(st, 1) != 0;
	}
	return db_done(st);
}

static enum eb_err add_change(struct arena *a, struct groups_change **out, size_t *n, size_t *cap,
			      const struct groups_change *c)
{
	if (*n == *cap) {
		struct groups_change *g = arena_grow(a, *out, *n, cap, sizeof **out, 16);
		if (!g)
			return EB_ENOMEM;
		*out = g;
	}
	(*out)[(*n)++] = *c;
	return EB_OK;
}

enum eb_err groups_changes(struct db *db, int64_t district_id, const struct groups_saved *s,
			   const char *const *sids, size_t n, const struct district_levels *lv,
			   struct arena *arena, struct groups_change **out, size_t *nout)
{
	*out = NULL;
	*nout = 0;
	size_t cap = 0;
	enum eb_err e;
	for (size_t gi = 0; gi < s->ngroups; gi++) {
		const struct groups_saved_group *g = &s->groups[gi];
		/* members: moved up, or left the class */
		for (size_t m = 0; m < g->n; m++) {
			const struct groups_saved_member *mb = &g->members[m];
			bool in_class = false;
			for (size_t k = 0; k < n && !in_class; k++)
				in_class = strcmp(sids[k], mb->student) == 0;
			struct groups_change c = { gi, GROUPS_LEFT_CLASS, mb->student, mb->p_then,
						   -1 };
			if (in_class) {
				struct mastery_cell cell;
				bool found;
				if ((e = mastery_cell_get(db, district_id, mb->student, g->focus,
							  &cell, &found)))
					return e;
				if (!found || cell.inferred)
					continue;
				c.p_now = cell.p;
				c.kind = GROUPS_MOVED_UP;
				bool up = mb->p_then < 0 || !mb->measured_then
						  ? cell.p >= lv->proficient
						  : mastery_level_of(lv, cell.p) >
							    mastery_level_of(lv, mb->p_then);
				if (!up)
					continue;
			}
			if ((e = add_change(arena, out, nout, &cap, &c)))
				return e;
		}
		/* the class's other students: new to the need */
		for (size_t k = 0; k < n; k++) {
			bool member = false;
			for (size_t m = 0; m < g->n && !member; m++)
				member = strcmp(g->members[m].student, sids[k]) == 0;
			if (member)
				continue;
			struct mastery_cell cell;
			bool found;
			if ((e = mastery_cell_get(db, district_id, sids[k], g->focus, &cell,
						  &found)))
				return e;
			if (!found || cell.inferred || cell.p >= lv->proficient)
				continue;
			double p_then;
			bool measured_then;
			if ((e = then_p(db, s->id, g->position, sids[k], &p_then, &measured_then)))
				return e;
			if (measured_then && p_then < lv->proficient)
				continue; /* lacked it then too: not new */
			struct groups_change c = { gi, GROUPS_NEW_TO_NEED, sids[k], p_then,
						   cell.p };
			if ((e = add_change(arena, out, nout, &cap, &c)))
				return e;
		}
	}
	return EB_OK;
}

struct home_row_db {
	const char *class_sid, *title;
	int64_t saved_at, id;
	int64_t ngroups, nstudents;
	const char *focus;
};
DB_ROWSPEC(home_spec, struct home_row_db, NULL, DB_FIELD_STR(struct home_row_db, class_sid),
	   DB_FIELD_STR(struct home_row_db, title), DB_FIELD_INT(struct home_row_db, saved_at),
	   DB_FIELD_INT(struct home_row_db, id), DB_FIELD_INT(struct home_row_db, ngroups),
	   DB_FIELD_INT(struct home_row_db, nstudents), DB_FIELD_STR(struct home_row_db, focus));

enum eb_err groups_of_teacher(struct db *db, int64_t district_id, const char *teacher_sid,
			      struct arena *arena, struct groups_home_row **out, size_t *n)
{
	struct home_row_db *r;
	size_t nr;
	*out = NULL;
	*n = 0;
	/* the teacher's classes first (a few), then each class's latest set */
	enum eb_err e = db_get_rows(
		db,
		"SELECT c.sourced_id, c.title, s.saved_at, s.id,"
		" (SELECT count(*) FROM group_set_group g WHERE g.district_id = s.district_id AND "
		"g.set_id = s.id),"
		" (SELECT count(*) FROM group_set_member m WHERE m.district_id = s.district_id AND "
		"m.set_id = s.id),"
		" (SELECT focus FROM group_set_group g WHERE g.district_id = s.district_id AND "
		"g.set_id = s.id ORDER BY position"
		" LIMIT 1)"
		" FROM enrollment en CROSS JOIN class c ON c.district_id = en.district_id"
		" AND c.sourced_id = en.class_sourced_id"
		" CROSS JOIN group_set s ON s.district_id = en.district_id"
		" AND s.id = (SELECT id FROM group_set x"
		" WHERE x.district_id = en.district_id AND x.class_sourced_id = en.class_sourced_id"
		" ORDER BY x.saved_at DESC, x.id DESC LIMIT 1)"
		" WHERE en.district_id = ?1 AND en.user_sourced_id = ?2 AND en.role = 'teacher'"
		" ORDER BY s.saved_at DESC",
		DB_ARGS(DB_INT(district_id), DB_TEXT(teacher_sid)), &home_spec, arena, &r, &nr);
	if (e)
		return e;
	struct groups_home_row *o = arena_zalloc(arena, (nr ? nr : 1) * sizeof *o);
	if (!o)
		return EB_ENOMEM;
	for (size_t i = 0; i < nr; i++) {
		o[i].class_sid = r[i].class_sid;
		o[i].class_title = r[i].title;
		o[i].saved_at = r[i].saved_at;
		o[i].ngroups = (size_t)r[i].ngroups;
		o[i].nstudents = (size_t)r[i].nstudents;
		o[i].first_focus = r[i].focus;
	}
	*out = o;
	*n = nr;
	return EB_OK;
}
