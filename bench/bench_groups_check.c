/* bench_groups_check.c - the simulator check of small groups
 * (sim/groups_check.h): on the demo district's simulator (3,000 students,
 * 12 weeks), SEEDS seeds, the share of grouped students who truly lack their
 * group's focus (target >= 0.85) and the groups' within-group spread of
 * latent mastery on the focus against random groups of the same sizes
 * (target: lower). `--seeds N` and `--students N` change the run. Prints
 * `name: value` lines and `groups_check_pass: yes|no`. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "sim/groups_check.h"

int main(int argc, char **argv)
{
	struct gcheck_params p = { .seeds = 20, .students = 0, .first_seed = 1 };
	for (int i = 1; i + 1 < argc; i += 2) {
		int64_t v;
		if (cstr_to_i64(argv[i + 1], 1, 2000000, &v)) {
			fprintf(stderr, "%s: a positive number\n", argv[i]);
			return 2;
		}
		if (strcmp(argv[i], "--seeds") == 0)
			p.seeds = (int)v;
		else if (strcmp(argv[i], "--students") == 0)
			p.students = (int)v;
	}
	struct gcheck_result r;
	enum eb_err e = gcheck_run(&p, &r);
	if (e) {
		printf("groups_check: failed: %s\n", eb_strerror(e));
		return 1;
	}
	bool pass = r.lacking_share >= 0.85 && r.lacking_min >= 0.85 &&
		    r.spread_groups < r.spread_random && r.ratio_max < 1;
	printf("groups_check_seeds: %d\ngroups_check_students: %d\ngroups_check_classes: %ld\n"
	       "groups_check_groups: %ld\ngroups_check_grouped_students: %ld\n"
	       "groups_check_focus_not_followed: %ld\n"
	       "groups_check_focus_truly_lacking: %.4f (per seed %.4f..%.4f)\n"
	       "groups_check_spread_groups: %.4f\ngroups_check_spread_random: %.4f\n"
	       "groups_check_spread_ratio: %.3f (per seed %.3f..%.3f)\n"
	       "groups_check_seconds: %.1f\ngroups_check_pass: %s\n",
	       r.seeds, p.students ? p.students : 3000, r.classes, r.groups, r.grouped, r.unknown,
	       r.lacking_share, r.lacking_min, r.lacking_max, r.spread_groups, r.spread_random,
	       r.spread_groups / (r.spread_random > 0 ? r.spread_random : 1), r.ratio_min,
	       r.ratio_max, r.seconds, pass ? "yes" : "no");
	return 0;
}
