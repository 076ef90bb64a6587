/* groups_check.c - see groups_check.h. */
#include "sim/groups_check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/timeutil.h"
#include "domain/groups.h"
#include "domain/mastery.h"
#include "sim/district.h"
#include "sim/learning.h"

#define TRACK_MAX 64 /* standards followed per grade */

struct seed_state {
	const struct sim_learning *l;
	const struct standard *tracked[SIM_GRADE_MAX + 1][TRACK_MAX];
	size_t ntracked[SIM_GRADE_MAX + 1];
	struct mastery_cell *cells; /* student x TRACK_MAX */
	struct mastery_student_state *st;
};

static int pos_of(const struct seed_state *s, int grade, const struct standard *std)
{
	for (size_t k = 0; k < s->ntracked[grade]; k++)
		if (s->tracked[grade][k] == std)
			return (int)k;
	return -1;
}

static int by_time(const void *a, const void *b)
{
	const struct sim_event *x = *(const struct sim_event *const *)a,
			       *y = *(const struct sim_event *const *)b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->student < y->student ? -1 : x->student > y->student;
}

/* Every item response, in time order, through the product's online update. */
static enum eb_err estimate(struct seed_state *s, size_t nstudents)
{
	static const enum sim_tool_id answered[] = { SIM_TOOL_PRACTICE, SIM_TOOL_TUTOR,
						     SIM_TOOL_QUIZ };
	size_t total = 0, n;
	for (size_t t = 0; t < 3; t++) {
		sim_learning_events(s->l, answered[t], &n);
		total += n;
	}
	const struct sim_event **ev = malloc((total ? total : 1) * sizeof *ev);
	if (!ev)
		return EB_ENOMEM;
	size_t k = 0;
	for (size_t t = 0; t < 3; t++) {
		const struct sim_event *e = sim_learning_events(s->l, answered[t], &n);
		for (size_t i = 0; i < n; i++)
			if (e[i].kind == SIM_EV_ANSWERED)
				ev[k++] = &e[i];
	}
	qsort(ev, k, sizeof *ev, by_time);
	size_t ns;
	const struct sim_student *stu = sim_students(sim_learning_district(s->l), &ns);
	for (size_t i = 0; i < k; i++) {
		const struct sim_event *e = ev[i];
		if ((size_t)e->student >= nstudents)
			continue;
		const struct standard *std = standards_at(e->standard);
		int g = stu[e->student].grade, pos = std ? pos_of(s, g, std) : -1;
		if (pos < 0)
			continue;
		char item[32];
		snprintf(item, sizeof item, "%u-%u", (unsigned)e->standard, (unsigned)e->item);
		mastery_cell_observe(NULL, &s->st[e->student],
				     &s->cells[(size_t)e->student * TRACK_MAX + (size_t)pos],
				     mastery_standard_key(std->code),
				     mastery_item_key(e->tool + 1, item), e->tool + 1, e->correct,
				     e->time);
	}
	free(ev);
	return EB_OK;
}

/* latent mastery on std: the share of the last five weekly states mastered */
static double latent(const struct sim_learning *l, size_t student, const struct standard *std,
		     int weeks)
{
	int m = 0, n = 0;
	for (int w = weeks - 4; w <= weeks; w++) {
		int v = sim_learning_mastered(l, student, std, w < 0 ? 0 : w);
		if (v < 0)
			return -1;
		m += v;
		n++;
	}
	return n ? (double)m / n : -1;
}

static double sd_of(const double *x, size_t n)
{
	if (n < 2)
		return 0;
	double mean = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		mean += x[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	return sqrt(ss / (double)n);
}

struct tally {
	long classes, groups, grouped, lacking, unknown;
	double spread_g, spread_r, weight_g, weight_r;
};

static enum eb_err check_class(struct seed_state *s, const struct sim_class *cl, const int *members,
			       struct rng *rng, struct tally *t)
{
	const struct sim_learning *l = s->l;
	int weeks = sim_learning_params(l)->weeks, g = cl->grade;
	size_t n = (size_t)cl->nmembers;
	if (!n || n > GROUPS_CLASS_MAX)
		return EB_OK;
	struct groups_unit u;
	groups_unit_pick(g, NULL, NULL, NULL, &u);
	const struct standard *stds[GROUPS_STD_MAX];
	int depth[GROUPS_STD_MAX];
	size_t nstds = groups_standards_of_unit(&u, stds, depth, GROUPS_STD_MAX);
	struct groups_cell *cells = calloc(n * (nstds ? nstds : 1), sizeof *cells);
	size_t *order = malloc(n * sizeof *order);
	double *x = malloc(n * sizeof *x);
	struct arena a;
	arena_init(&a);
	enum eb_err e = EB_ENOMEM;
	if (!cells || !order || !x)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t sidx = (size_t)members[cl->first_member + (int)i];
		for (size_t j = 0; j < nstds; j++) {
			int pos = pos_of(s, g, stds[j]);
			if (pos < 0)
				continue;
			const struct mastery_cell *mc = &s->cells[sidx * TRACK_MAX + (size_t)pos];
			if (!mc->responses)
				continue;
			struct groups_cell *c = &cells[i * nstds + j];
			c->p = (float)mc->p;
			c->sd = (float)mc->sd;
			c->responses = mc->responses;
			c->present = true;
			c->measured = mc->responses >= MASTERY_MIN_DIRECT;
		}
	}
	struct groups_input in = { .stds = stds,
				   .depth = depth,
				   .nstds = nstds,
				   .nunit = u.n,
				   .nstudents = n,
				   .cells = cells,
				   .lv = { 0.40, 0.70, 0.90 } };
	struct groups_params p = groups_params_default();
	struct groups_proposal pr;
	if ((e = groups_propose(&in, &p, &a, &pr)))
		goto out;
	t->classes++;
	for (size_t gi = 0; gi < pr.ngroups; gi++) {
		const struct groups_group *gr = &pr.groups[gi];
		const struct standard *focus = stds[gr->focus];
		t->groups++;
		size_t k = 0;
		for (size_t m = 0; m < gr->n; m++) {
			size_t sidx = (size_t)members[cl->first_member + (int)gr->members[m]];
			int v = sim_learning_mastered(l, sidx, focus, weeks);
			t->grouped++;
			if (v < 0) {
				t->unknown++;
				continue;
			}
			t->lacking += v == 0;
			double lt = latent(l, sidx, focus, weeks);
			if (lt >= 0)
				x[k++] = lt;
		}
		t->spread_g += sd_of(x, k) * (double)k;
		t->weight_g += (double)k;
		/* random groups of the same size from the class, same focus */
		for (int r = 0; r < 20; r++) {
			for (size_t i = 0; i < n; i++)
				order[i] = i;
			for (size_t i = 0; i < gr->n && i < n; i++) {
				size_t j = i + (size_t)(rng_next(rng) % (n - i));
				size_t tmp = order[i];
				order[i] = order[j];
				order[j] = tmp;
			}
			k = 0;
			for (size_t i = 0; i < gr->n && i < n; i++) {
				double lt =
					latent(l, (size_t)members[cl->first_member + (int)order[i]],
					       focus, weeks);
				if (lt >= 0)
					x[k++] = lt;
			}
			t->spread_r += sd_of(x, k) * (double)k;
			t->weight_r += (double)k;
		}
	}
	e = EB_OK;
out:
	arena_free(&a);
	free(cells);
	free(order);
	free(x);
	return e;
}

static enum eb_err run_seed(uint64_t seed, int students, struct tally *t)
{
	struct sim_params sp;
	sim_params_default(&sp);
	sp.seed = seed;
	if (students > 0) {
		sp.students = students;
		sp.elementary_schools = sp.middle_schools = 0; /* sized as a real district */
	}
	struct sim_district *d = NULL;
	struct sim_learning *l = NULL;
	struct seed_state *s = calloc(1, sizeof *s);
	struct sim_learning_params lp;
	sim_learning_params_default(&lp);
	enum eb_err e = s ? sim_district_build(&sp, &d) : EB_ENOMEM;
	if (e || (e = sim_learning_run(d, &lp, &l)))
		goto out;
	s->l = l;
	for (int g = 0; g <= SIM_GRADE_MAX; g++) {
		size_t nf;
		size_t n = sim_learning_tracked(l, g, s->tracked[g], TRACK_MAX, &nf);
		s->ntracked[g] = n < TRACK_MAX ? n : TRACK_MAX;
	}
	size_t ns, nc, nm;
	sim_students(d, &ns);
	const struct sim_class *cls = sim_classes(d, &nc);
	const int *members = sim_class_members(d, &nm);
	s->cells = calloc(ns * TRACK_MAX, sizeof *s->cells);
	s->st = calloc(ns ? ns : 1, sizeof *s->st);
	if (!s->cells || !s->st) {
		e = EB_ENOMEM;
		goto out;
	}
	if ((e = estimate(s, ns)))
		goto out;
	struct rng rng;
	rng_seed(&rng, seed * 7919 + 17);
	for (size_t c = 0; c < nc && !e; c++)
		e = check_class(s, &cls[c], members, &rng, t);
out:
	if (s) {
		free(s->cells);
		free(s->st);
	}
	free(s);
	sim_learning_free(l);
	sim_district_free(d);
	return e;
}

enum eb_err gcheck_run(const struct gcheck_params *p, struct gcheck_result *out)
{
	memset(out, 0, sizeof *out);
	if (p->seeds < 1)
		return EB_EINVAL;
	if (standards_init())
		return EB_EPARSE;
	double t0 = time_mono();
	struct tally all = { 0 };
	out->lacking_min = out->ratio_min = INFINITY;
	out->lacking_max = out->ratio_max = -INFINITY;
	uint64_t first = p->first_seed ? p->first_seed : 1;
	for (int i = 0; i < p->seeds; i++) {
		struct tally t = { 0 };
		enum eb_err e = run_seed(first + (uint64_t)i, p->students, &t);
		if (e)
			return e;
		long known = t.grouped - t.unknown;
		double share = known ? (double)t.lacking / (double)known : 0;
		double sg = t.weight_g ? t.spread_g / t.weight_g : 0;
		double sr = t.weight_r ? t.spread_r / t.weight_r : 0;
		double ratio = sr > 0 ? sg / sr : 0;
		if (share < out->lacking_min)
			out->lacking_min = share;
		if (share > out->lacking_max)
			out->lacking_max = share;
		if (ratio < out->ratio_min)
			out->ratio_min = ratio;
		if (ratio > out->ratio_max)
			out->ratio_max = ratio;
		out->spread_groups += sg;
		out->spread_random += sr;
		all.classes += t.classes;
		all.groups += t.groups;
		all.grouped += t.grouped;
		all.lacking += t.lacking;
		all.unknown += t.unknown;
		out->seeds++;
	}
	out->classes = all.classes;
	out->groups = all.groups;
	out->grouped = all.grouped;
	out->unknown = all.unknown;
	long known = all.grouped - all.unknown;
	out->lacking_share = known ? (double)all.lacking / (double)known : 0;
	out->spread_groups /= out->seeds;
	out->spread_random /= out->seeds;
	out->seconds = time_mono() - t0;
	return EB_OK;
}
