/* Coaching impact (domain/coaching_impact): the matched difference in
 * differences on fixtures with a known effect, the matching rules, the
 * privacy rule; and the honesty study on the simulator (sim/coaching_check)
 * at a size that fits make check (the full size is `edbridge sim
 * evidence-check`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/coaching_impact.h"
#include "domain/evaluation.h"
#include "sim/coaching_check.h"

/* 12 coached classes (pre 0.40 + 0.01 k) each with 3 candidates of which
 * two are near (pre +- 0.01..0.02) and one far (pre + 0.3, outside the
 * caliper, gaining 0.30); the others gain 0.10 plus a small wobble, coached
 * classes effect more. */
static size_t fixture(struct coaching_impact_unit *u, double effect, int ncoached)
{
	size_t n = 0;
	for (int k = 0; k < ncoached; k++) {
		double pre = 0.40 + 0.01 * k;
		double wob = ((k * 7) % 5 - 2) * 0.004;
		u[n++] = (struct coaching_impact_unit){ 1000 + k, 1000 + k,
							1,	  (size_t)k,
							pre,	  pre + 0.10 + effect + wob };
		u[n++] = (struct coaching_impact_unit){ 2000 + k,   2000 + k,
							0,	    (size_t)k,
							pre + 0.01, pre + 0.01 + 0.10 - wob };
		u[n++] = (struct coaching_impact_unit){ 3000 + k,   3000 + k / 2,
							0,	    (size_t)k,
							pre - 0.02, pre - 0.02 + 0.10 + wob / 2 };
		u[n++] = (struct coaching_impact_unit){ 4000 + k,  4000 + k,   0,
							(size_t)k, pre + 0.30, pre + 0.30 - 0.20 };
	}
	return n;
}

static void known_effect(void **state)
{
	(void)state;
	struct coaching_impact_unit u[64];
	struct coaching_impact_pair pairs[64];
	struct coaching_impact r;
	size_t n = fixture(u, 0.08, 12);
	assert_int_equal(coaching_impact_run(u, n, pairs, 64, &r), EB_OK);
	assert_true(r.shown);
	/* the far candidates (pre + 0.30) are never used: they would pull the
	 * estimate down by 0.20 */
	assert_int_equal((int)r.n_coached, 12);
	assert_int_equal((int)r.n_compared, 24);
	assert_int_equal(r.n_unmatched, 0);
	for (size_t i = 0; i < r.npairs; i++)
		assert_true(u[r.pairs[i].unit].cls < 4000);
	assert_true(fabs(r.diff - 0.08) < 0.01);
	assert_true(r.lo < 0.08 && 0.08 < r.hi);
	assert_true(r.lo > 0 && r.significant);
	assert_int_equal((int)r.teachers_coached, 12);
	assert_int_equal((int)r.teachers_compared, 18); /* 12 + 6 sharing */
	assert_true(fabs(r.baseline_g) < 0.5);
	/* coached first in the list */
	assert_int_equal(r.pairs[0].coached, 1);
	assert_int_equal(r.pairs[r.npairs - 1].coached, 0);

	/* no effect: the interval holds zero */
	n = fixture(u, 0, 12);
	assert_int_equal(coaching_impact_run(u, n, NULL, 0, &r), EB_OK);
	assert_true(r.shown);
	assert_true(fabs(r.diff) < 0.01);
	assert_false(r.significant);
	assert_true(r.lo < 0 && r.hi > 0);
}

/* Gains that depend on the level before (regression to the mean, room to
 * grow: gain = 0.30 - 0.50 pre for every class) and comparison classes a
 * little above their coached class inside the caliper: without the
 * correction for the leftover difference the estimate would read +0.03 of
 * no effect at all (the bias the simulator showed, docs/coaching_impact.md). */
static void leftover_difference_corrected(void **state)
{
	(void)state;
	struct coaching_impact_unit u[64];
	size_t n = 0;
	for (int k = 0; k < 12; k++) {
		double pre = 0.30 + 0.02 * k;
		double wob = ((k * 7) % 5 - 2) * 0.002;
		u[n++] = (struct coaching_impact_unit){ 100 + k, 100 + k,
							1,	 (size_t)k,
							pre,	 pre + 0.30 - 0.50 * pre + wob };
		for (int j = 0; j < 2; j++) {
			double c = pre + 0.05 + 0.03 * j;
			u[n++] = (struct coaching_impact_unit){
				200 + 2 * k + j,	  200 + 2 * k + j, 0, (size_t)k, c,
				c + 0.30 - 0.50 * c - wob
			};
		}
	}
	struct coaching_impact r;
	assert_int_equal(coaching_impact_run(u, n, NULL, 0, &r), EB_OK);
	assert_true(r.shown);
	assert_true(fabs(r.diff) < 0.005);
	assert_false(r.significant);
}

static void small_groups_and_caliper(void **state)
{
	(void)state;
	struct coaching_impact_unit u[64];
	struct coaching_impact_pair pairs[64];
	struct coaching_impact r;
	/* 9 coached classes: below EVAL_MIN_SHOWN, nothing shown, no list */
	size_t n = fixture(u, 0.08, EVAL_MIN_SHOWN - 1);
	assert_int_equal(coaching_impact_run(u, n, pairs, 64, &r), EB_OK);
	assert_false(r.shown);
	assert_int_equal(r.npairs, 27); /* matched, for a cycle's own page */
	assert_non_null(strstr(r.why, "never shown"));
	assert_null(strstr(r.why, "9"));
	/* a coached class whose only candidates are outside the caliper is
	 * left out and counted */
	n = fixture(u, 0.08, 12);
	for (size_t i = 0; i < n; i++)
		if (!u[i].coached && u[i].target == 0 && u[i].cls < 4000)
			u[i].pre += 0.5;
	assert_int_equal(coaching_impact_run(u, n, NULL, 0, &r), EB_OK);
	assert_int_equal(r.n_unmatched, 1);
	assert_int_equal((int)r.n_coached, 11);
	/* a class is compared once (without replacement): the same candidate
	 * offered to every coached class serves only the first */
	n = 0;
	for (int k = 0; k < 12; k++) {
		u[n++] =
			(struct coaching_impact_unit){ 1000 + k, 1000 + k, 1, (size_t)k, 0.5, 0.6 };
		u[n++] = (struct coaching_impact_unit){ 77, 77, 0, (size_t)k, 0.5, 0.6 };
	}
	assert_int_equal(coaching_impact_run(u, n, NULL, 0, &r), EB_OK);
	assert_int_equal(r.n_unmatched, 11);
	assert_false(r.shown);
	/* nothing at all */
	assert_int_equal(coaching_impact_run(u, 0, NULL, 0, &r), EB_OK);
	assert_false(r.shown);
	assert_non_null(coaching_impact_limits[0]);
}

static void honesty_on_the_simulator(void **state)
{
	(void)state;
	struct coachcheck_params p = { .seeds = 30, .students = 2000 };
	struct coachcheck_result r;
	assert_int_equal(coachcheck_run(&p, &r), EB_OK);
	printf("# coaching_false_positive_rate %.3f coaching_coverage %.3f power %.3f"
	       " truth %.4f bias %.4f naive %.4f coached %.1f compared %.1f failed %d (%.2f s)\n",
	       r.false_positive_rate, r.coverage, r.power, r.true_effect_mean, r.mean_bias,
	       r.naive_difference_mean, r.coached_mean, r.compared_mean, r.failed, r.seconds);
	assert_int_equal(r.seeds, 30);
	assert_int_equal(r.failed, 0);
	assert_true(r.naive_difference_mean < 0); /* struggling classes were chosen */
	assert_true(r.false_positive_rate <= 0.05);
	assert_true(r.coverage >= 0.90);
	assert_true(r.true_effect_mean > 0.02);
	p.seeds = 0;
	assert_int_equal(coachcheck_run(&p, &r), EB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_effect),
		cmocka_unit_test(leftover_difference_corrected),
		cmocka_unit_test(small_groups_and_caliper),
		cmocka_unit_test(honesty_on_the_simulator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
