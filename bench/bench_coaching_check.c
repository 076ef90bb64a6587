/* bench_coaching_check.c - the full honesty study of the coaching impact
 * design (sim/coaching_check.h): 200 seeds of a mid-size district (3,000
 * students), coaching with a known true effect and with none. Prints
 * `name: value`.
 * usage: bench_coaching_check [seeds [students]] */
#include <stdio.h>
#include <stdlib.h>

#include "base/str.h"
#include "sim/coaching_check.h"

int main(int argc, char **argv)
{
	int64_t seeds = 200, students = 3000;
	if ((argc > 1 && cstr_to_i64(argv[1], 1, 100000, &seeds)) ||
	    (argc > 2 && cstr_to_i64(argv[2], 200, 2000000, &students))) {
		fprintf(stderr, "usage: bench_coaching_check [seeds [students]]\n");
		return 2;
	}
	struct coachcheck_params p = { .seeds = (int)seeds, .students = (int)students };
	struct coachcheck_result r;
	if (coachcheck_run(&p, &r))
		return 1;
	printf("students: %d\nseeds: %d\ncoaching_false_positive_rate: %.4f\n"
	       "coaching_coverage: %.4f\ncoaching_power: %.4f\ncoaching_true_effect_mean: %.4f\n"
	       "coaching_mean_bias: %.4f\ncoaching_null_mean_diff: %.4f\n"
	       "coaching_naive_difference_mean: %.4f\ncoached_classes_mean: %.1f\n"
	       "compared_classes_mean: %.1f\nfailed: %d\nseconds: %.2f\n",
	       (int)students, r.seeds, r.false_positive_rate, r.coverage, r.power,
	       r.true_effect_mean, r.mean_bias, r.null_mean_diff, r.naive_difference_mean,
	       r.coached_mean, r.compared_mean, r.failed, r.seconds);
	return 0;
}
