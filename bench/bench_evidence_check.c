/* bench_evidence_check.c - the full honesty study on the learning simulator
 * (sim/evidence_check.h): 200 seeds of a mid-size district (3,000 students)
 * with the full matched design, and the same seeds with the earlier
 * pretest-only design for comparison. Prints `name: value`.
 * usage: bench_evidence_check [seeds [students]] */
#include <stdio.h>
#include <stdlib.h>

#include "base/str.h"
#include "sim/evidence_check.h"

int main(int argc, char **argv)
{
	int64_t seeds = 200, students = 3000;
	if ((argc > 1 && cstr_to_i64(argv[1], 1, 100000, &seeds)) ||
	    (argc > 2 && cstr_to_i64(argv[2], 200, 2000000, &students))) {
		fprintf(stderr, "usage: bench_evidence_check [seeds [students]]\n");
		return 2;
	}
	for (int k = 0; k < 2; k++) {
		struct evcheck_params p = { .seeds = (int)seeds,
					    .students = (int)students,
					    .pretest_only = k == 1 };
		struct evcheck_result r;
		if (evcheck_run(&p, &r))
			return 1;
		const char *pre = k ? "pretest_only_" : "";
		printf("%sstudents: %d\n%sseeds: %d\n%strue_effect_mean: %.4f\n"
		       "%sfalse_positive_rate: %.4f\n%snaive_difference_mean: %.4f\n"
		       "%snull_mean_g: %.4f\n%scoverage: %.4f\n%smean_bias: %.4f\n%spower: %.4f\n"
		       "%sfailed: %d\n%sseconds: %.2f\n",
		       pre, (int)students, pre, r.seeds, pre, r.true_effect_mean, pre,
		       r.false_positive_rate, pre, r.naive_difference_mean, pre, r.null_mean_g, pre,
		       r.coverage, pre, r.mean_bias, pre, r.power, pre, r.failed, pre, r.seconds);
	}
	return 0;
}
