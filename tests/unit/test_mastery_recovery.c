/* test_mastery_recovery.c - the fitted per-standard BKT parameters against
 * the simulator's truth (issue 4: "the simulator's true parameters recovered
 * within a stated tolerance"; the tolerances and their reasons are in
 * docs/mastery_store.md, "Parameter recovery on the simulator").
 *
 * The demo's district (3,000 students, half dosage; ~1 s in all) is simulated; its
 * item responses (every tool's answered records) become a kt_dataset exactly
 * as the refit builds one (user = student, item = tool + item, skill = the
 * standard's catalog index, per student in time order) and are fitted with
 * mastery_fit, then compared by sim_recovery_compare (sim/recovery.h, shared
 * with bench/bench_mastery_store.c). For every standard with >=
 * RECOVER_MIN_RESPONSES responses:
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

#include <stdio.h>
#include <stdlib.h>

#include "domain/kt_data.h"
#include "domain/mastery_model.h"
#include "sim/district.h"
#include "sim/learning.h"
#include "sim/recovery.h"

#define STUDENTS 3000
#define RECOVER_MIN_RESPONSES 200
#define TOL_GUESS_MAE 0.08
#define TOL_SLIP_MAE 0.08
#define TOL_FORGET_MAE 0.02

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
static void recover(int per_tool, struct sim_recovery *o)
{
	size_t n;
	struct sim_response *r = sim_recovery_responses(sl, &n);
	assert_non_null(r);
	assert_true(n > 1000);

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
			.item = (int32_t)(r[i].tool * 1000000 + r[i].std * SIM_ITEMS_PER_STANDARD +
					  r[i].item),
			.skill = { (int32_t)sim_recovery_skill(&r[i], per_tool) },
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
	assert_int_equal(sim_recovery_compare(sl, r, n, m, per_tool, RECOVER_MIN_RESPONSES, o), 0);
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
	free(r);
}

/* The refit's model: one skill per standard, items of several tools mixed. */
static void test_recovery_per_standard(void **state)
{
	(void)state;
	struct sim_recovery o;
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
	struct sim_recovery o;
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
