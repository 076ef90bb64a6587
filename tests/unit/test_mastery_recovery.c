/* test_mastery_recovery.c - the fitted per-standard BKT parameters against
 * the simulator's truth (issue 4: "the simulator's true parameters recovered
 * within a stated tolerance"; the tolerances and their reasons are in
 * docs/mastery_store.md, "Parameter recovery on the simulator").
 *
 * The demo's district (3,000 students, half dosage; ~1 s in all) is simulated; its
 * item responses (every tool's answered records) become a kt_dataset exactly
 * as the refit builds one (user = student, item = tool + item, skill = the
 * standard's catalog index, per student in time order) and are fitted with
 * mastery_fit. For every standard with >= RECOVER_MIN_RESPONSES responses:
 *   guess, slip   vs the mean sim_learning_item guess / slip over the items
 *                 answered on that standard (asserted: MAE <= 0.08 each);
 *   forget        vs the realised per-attempt forgetting of the latent state
 *                 between consecutive responses of a chain (the weekly
 *                 forget_p seen per attempt; asserted: MAE <= 0.02);
 *   prior, learn  printed only (prior vs the share mastered at a chain's first
 *                 response; learn vs the realised 0 -> 1 rate between
 *                 consecutive responses, which is not the tools' learn_p).
 * Also fitted with one skill per (tool, standard), where the fit must beat the
 * constant prior centre on guess. At 600 students that last check fails
 * (guess MAE 0.040 vs 0.028 for the constant: per-skill sampling error ~0.05
 * exceeds the spread of the truths), hence the full district. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/kt_data.h"
#include "domain/mastery_model.h"
#include "domain/standards.h"
#include "sim/district.h"
#include "sim/learning.h"

#define STUDENTS 3000
#define RECOVER_MIN_RESPONSES 200
#define TOL_GUESS_MAE 0.08
#define TOL_SLIP_MAE 0.08
#define TOL_FORGET_MAE 0.02

/* ---- the truth (same code as bench/bench_mastery_store.c) ---- */

struct resp {
	int64_t time;
	int32_t student;
	uint16_t std, item;
	uint8_t tool, correct, mastered;
};

/* Per standard: item guess/slip sums over responses (all, and conditioned on
 * the latent state), first-response mastery, and realised transitions. */
struct truth {
	double g, s, g0, s1;
	size_t n, n0, n1, chains, first_m, pairs1, fall, pairs0, rise;
};

static int resp_cmp(const void *a, const void *b)
{
	const struct resp *x = a, *y = b;
	if (x->student != y->student)
		return x->student < y->student ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->tool > y->tool) - (x->tool < y->tool);
}

/* Every answered record of every tool, sorted per student in time order;
 * *n gets the count. Caller frees. */
static struct resp *truth_responses(const struct sim_learning *l, size_t *n)
{
	size_t tot = 0, k = 0;
	for (int t = 0; t < SIM_TOOL_COUNT; t++) {
		size_t ne;
		const struct sim_event *ev = sim_learning_events(l, (enum sim_tool_id)t, &ne);
		for (size_t i = 0; i < ne; i++)
			tot += ev[i].kind == SIM_EV_ANSWERED;
	}
	struct resp *r = malloc((tot ? tot : 1) * sizeof *r);
	if (!r)
		return NULL;
	for (int t = 0; t < SIM_TOOL_COUNT; t++) {
		size_t ne;
		const struct sim_event *ev = sim_learning_events(l, (enum sim_tool_id)t, &ne);
		for (size_t i = 0; i < ne; i++)
			if (ev[i].kind == SIM_EV_ANSWERED)
				r[k++] = (struct resp){ ev[i].time, ev[i].student, ev[i].standard, ev[i].item,
							(uint8_t)t, ev[i].correct, ev[i].mastered };
	}
	qsort(r, k, sizeof *r, resp_cmp);
	*n = k;
	return r;
}

/* The skill of a response: its standard's catalog index, or with per_tool
 * one skill per (tool, standard). */
static size_t skill_key(const struct resp *r, int per_tool)
{
	return per_tool ? (size_t)r->tool * standards_count() + r->std : r->std;
}

/* Fills tr[0..nskills) from the sorted responses, nskills = standards_count()
 * (times SIM_TOOL_COUNT with per_tool). */
static int truth_compute(const struct sim_learning *l, const struct resp *r, size_t n,
			 int per_tool, struct truth *tr)
{
	size_t ns = standards_count() * (per_tool ? SIM_TOOL_COUNT : 1);
	int32_t *stamp = malloc(ns * sizeof *stamp);
	uint8_t *last = malloc(ns);
	if (!stamp || !last) {
		free(stamp);
		free(last);
		return -1;
	}
	for (size_t s = 0; s < ns; s++)
		stamp[s] = -1;
	memset(tr, 0, ns * sizeof *tr);
	for (size_t i = 0; i < n; i++) {
		size_t key = skill_key(&r[i], per_tool);
		struct truth *t = &tr[key];
		double d, g, sl;
		sim_learning_item(l, (enum sim_tool_id)r[i].tool, r[i].std, r[i].item, &d, &g, &sl);
		t->g += g, t->s += sl, t->n++;
		if (r[i].mastered)
			t->s1 += sl, t->n1++;
		else
			t->g0 += g, t->n0++;
		if (stamp[key] != r[i].student) {
			stamp[key] = r[i].student;
			t->chains++;
			t->first_m += r[i].mastered;
		} else if (last[key]) {
			t->pairs1++;
			t->fall += !r[i].mastered;
		} else {
			t->pairs0++;
			t->rise += r[i].mastered;
		}
		last[key] = r[i].mastered;
	}
	free(stamp);
	free(last);
	return 0;
}

struct recovery {
	size_t standards;
	double guess_mae, slip_mae, guess_cond_mae, slip_cond_mae;
	double forget_mae, forget_fit_mean, forget_true_mean;
	double prior_mae, learn_mae, learn_fit_mean, learn_true_mean;
	double base_guess_mae, base_slip_mae;	/* the fit's prior centres .2/.1 as estimates */
};

static void truth_compare(const struct mastery_model *m, const struct truth *tr, int per_tool,
			  struct recovery *o)
{
	memset(o, 0, sizeof *o);
	size_t ns = standards_count() * (per_tool ? SIM_TOOL_COUNT : 1), k = 0;
	for (size_t s = 0; s < ns; s++) {
		const struct truth *t = &tr[s];
		int32_t sk = mastery_skill_index(m, (int32_t)s);
		if (t->n < RECOVER_MIN_RESPONSES || sk < 0 || !t->n0 || !t->n1 || !t->pairs1 ||
		    !t->pairs0)
			continue;
		struct mastery_bkt b = mastery_skill_bkt(m, sk);
		double fall = (double)t->fall / (double)t->pairs1;
		double rise = (double)t->rise / (double)t->pairs0;
		o->guess_mae += fabs(b.guess - t->g / (double)t->n);
		o->slip_mae += fabs(b.slip - t->s / (double)t->n);
		o->base_guess_mae += fabs(0.2 - t->g / (double)t->n);
		o->base_slip_mae += fabs(0.1 - t->s / (double)t->n);
		o->guess_cond_mae += fabs(b.guess - t->g0 / (double)t->n0);
		o->slip_cond_mae += fabs(b.slip - t->s1 / (double)t->n1);
		o->forget_mae += fabs(b.forget - fall);
		o->forget_fit_mean += b.forget, o->forget_true_mean += fall;
		o->prior_mae += fabs(b.prior - (double)t->first_m / (double)t->chains);
		o->learn_mae += fabs(b.learn - rise);
		o->learn_fit_mean += b.learn, o->learn_true_mean += rise;
		k++;
	}
	o->standards = k;
	if (!k)
		return;
	double *f[] = { &o->guess_mae, &o->slip_mae, &o->guess_cond_mae, &o->slip_cond_mae,
			&o->forget_mae, &o->forget_fit_mean, &o->forget_true_mean, &o->prior_mae,
			&o->learn_mae, &o->learn_fit_mean, &o->learn_true_mean, &o->base_guess_mae,
			&o->base_slip_mae };
	for (size_t i = 0; i < sizeof f / sizeof *f; i++)
		*f[i] /= (double)k;
}

/* ---- the test ---- */

static struct sim_district *sd;
static struct sim_learning *sl;

static int setup(void **state)
{
	(void)state;
	struct sim_params sp;
	struct sim_learning_params lp;
	sim_params_default(&sp);
	sp.students = STUDENTS;
	sim_learning_params_default(&lp);
	lp.dosage = 0.5; /* as the demo */
	if (sim_district_build(&sp, &sd) || sim_learning_run(sd, &lp, &sl))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sim_learning_free(sl);
	sim_district_free(sd);
	return 0;
}

/* Fits the simulator's responses (skills per standard, or per tool and
 * standard) and compares with the truth. */
static void recover(int per_tool, struct recovery *o)
{
	size_t n;
	struct resp *r = truth_responses(sl, &n);
	assert_non_null(r);
	assert_true(n > 1000);
	struct truth *tr = calloc(standards_count() * SIM_TOOL_COUNT, sizeof *tr);
	assert_non_null(tr);
	assert_int_equal(truth_compute(sl, r, n, per_tool, tr), 0);

	/* the refit's dataset: per student in time order */
	struct kt_dataset ds = { 0 };
	ds.rows = calloc(n, sizeof *ds.rows);
	ds.user_start = calloc(n + 1, sizeof *ds.user_start);
	assert_non_null(ds.rows);
	assert_non_null(ds.user_start);
	for (size_t i = 0; i < n; i++) {
		if (!i || r[i].student != r[i - 1].student)
			ds.user_start[ds.nusers++] = i;
		ds.rows[i] = (struct kt_response){
			.user = r[i].student,
			.item = (int32_t)(r[i].tool * 1000000 + r[i].std * SIM_ITEMS_PER_STANDARD + r[i].item),
			.skill = { (int32_t)skill_key(&r[i], per_tool) },
			.timestamp = r[i].time,
			.line = (uint32_t)(i + 1),
			.correct = r[i].correct,
			.nskills = 1,
		};
	}
	ds.user_start[ds.nusers] = n;
	ds.n = n;

	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m = NULL;
	char err[256];
	assert_int_equal(mastery_fit(&ds, &hp, &m, NULL, err, sizeof err), EB_OK);
	truth_compare(m, tr, per_tool, o);
	printf("# %s: responses %zu, skills compared %zu\n"
	       "# guess MAE %.4f (cond. on state %.4f, constant .2: %.4f),"
	       " slip MAE %.4f (cond. %.4f, constant .1: %.4f)\n"
	       "# forget MAE %.4f (fitted mean %.4f, realised per attempt %.4f)\n"
	       "# prior MAE %.4f, learn MAE %.4f (fitted mean %.4f, realised 0->1 %.4f)\n",
	       per_tool ? "per tool x standard" : "per standard", n, o->standards, o->guess_mae,
	       o->guess_cond_mae, o->base_guess_mae, o->slip_mae, o->slip_cond_mae,
	       o->base_slip_mae, o->forget_mae, o->forget_fit_mean, o->forget_true_mean,
	       o->prior_mae, o->learn_mae, o->learn_fit_mean, o->learn_true_mean);
	mastery_free(m);
	free(ds.rows);
	free(ds.user_start);
	free(tr);
	free(r);
}

/* The refit's model: one skill per standard, items of several tools mixed. */
static void test_recovery_per_standard(void **state)
{
	(void)state;
	struct recovery o;
	recover(0, &o);
	assert_true(o.standards >= 10);
	assert_true(o.guess_mae <= TOL_GUESS_MAE);
	assert_true(o.slip_mae <= TOL_SLIP_MAE);
	assert_true(o.forget_mae <= TOL_FORGET_MAE);
}

/* One skill per (tool, standard): the tools' guess centres (.15 tutor, .20
 * practice, .25 quiz) spread the truth away from the fit's prior centre .2,
 * so here the fit must also beat that constant on guess (per standard the
 * mixed truth sits too near .2 for the comparison to mean anything; slip
 * centres .08-.10 are too near the .1 prior centre in both splits). */
static void test_recovery_per_tool(void **state)
{
	(void)state;
	struct recovery o;
	recover(1, &o);
	assert_true(o.standards >= 10);
	assert_true(o.guess_mae <= TOL_GUESS_MAE);
	assert_true(o.slip_mae <= TOL_SLIP_MAE);
	assert_true(o.forget_mae <= TOL_FORGET_MAE);
	assert_true(o.guess_mae < o.base_guess_mae);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recovery_per_standard),
		cmocka_unit_test(test_recovery_per_tool),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
