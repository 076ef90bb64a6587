/* The honesty study on the learning simulator, small version (20 seeds of a
 * 3,000-student district): the video library (no true effect, selection on
 * motivation) shows a positive naive difference, and the matched design
 * declares a significant positive effect in <= 5% of seeds; the practice
 * app's intervals cover its true effect (sim_learning_true_effect_sd) in
 * >= 90%. The 200-seed run is bench/bench_evidence_check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>

#include "sim/evidence_check.h"

static void small_study(void **state)
{
	(void)state;
	struct evcheck_params p = { .seeds = 20 };
	struct evcheck_result r;
	assert_int_equal(evcheck_run(&p, &r), EB_OK);
	printf("# false_positive_rate %.3f coverage %.3f mean_bias %.4f power %.3f naive %.3f"
	       " truth %.3f (%.2f s)\n",
	       r.false_positive_rate, r.coverage, r.mean_bias, r.power, r.naive_difference_mean,
	       r.true_effect_mean, r.seconds);
	assert_int_equal(r.seeds, 20);
	assert_int_equal(r.failed, 0);
	assert_true(r.naive_difference_mean > 0.2); /* selection shows up naively */
	assert_true(r.false_positive_rate <= 0.05);
	assert_true(r.coverage >= 0.90);
	assert_true(r.mean_bias > -0.05 && r.mean_bias < 0.05);
	assert_true(r.true_effect_mean > 0.1 && r.true_effect_mean < 0.2);
	assert_true(r.power >= 0.9);
	assert_true(r.seconds < 30);
	p.seeds = 0;
	assert_int_equal(evcheck_run(&p, &r), EB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(small_study) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
