/* bench_evidence_check.c - the full honesty study through the evaluation
 * glue (domain/evaluation + sim/district): 200 seeds at a mid-size district
 * (3,000 students) and 200 at a small one (600). Prints `name: value`. */
#include <stdio.h>

#include "sim/evidence_check.h"

int main(void)
{
	static const int sizes[2] = { 3000, 600 };
	for (int k = 0; k < 2; k++) {
		struct evcheck_params p = { .seeds = 200, .students = sizes[k] };
		struct evcheck_result r;
		if (evcheck_run(&p, &r))
			return 1;
		const char *pre = k ? "small_" : "";
		printf("%sstudents: %d\n%sseeds: %d\n%sfalse_positive_rate: %.4f\n"
		       "%snaive_difference_mean: %.4f\n%scoverage: %.4f\n%smean_bias: %.4f\n"
		       "%spower: %.4f\n%sseconds: %.2f\n",
		       pre, sizes[k], pre, r.seeds, pre, r.false_positive_rate, pre,
		       r.naive_difference_mean, pre, r.coverage, pre, r.mean_bias, pre, r.power, pre,
		       r.seconds);
	}
	return 0;
}
