/* groups_check.h - the simulator check of small groups (docs/groups.md):
 * are the proposed groups' foci standards the students truly lack, and are
 * the groups more alike on their focus than random groups?
 *
 * Per seed: sim_district_build (3,000 students by default, seed = the seed
 * number) and sim_learning_run (default parameters: 12 weeks). Every item
 * response the tools send (practice, tutor, quiz) updates an estimate per
 * student and standard with the product's own online update
 * (mastery_cell_observe, the default model: a district before its first
 * fit). Each class's students and estimates go to domain/groups
 * (groups_propose, default sizes, the class grade's major clusters, the
 * default levels): the proposal reads estimates only. The truth is read
 * only to score it:
 *   lacking   share of grouped students whose latent state on their group's
 *             focus at the end of the period is "not mastered";
 *   spread    within-group standard deviation of latent mastery on the
 *             focus (the share of the last five weekly states mastered),
 *             weighted by group size, against random groups of the same
 *             sizes drawn from the class's students (same foci, 20 draws). */
#ifndef EB_GROUPS_CHECK_H
#define EB_GROUPS_CHECK_H

#include <stdint.h>

#include "base/err.h"

struct gcheck_params {
	int seeds;	     /* >= 1 */
	int students;	     /* district size; 0 = 3,000 */
	uint64_t first_seed; /* seeds first_seed .. first_seed + seeds - 1 (0: 1) */
};

struct gcheck_result {
	int seeds;
	long classes, groups, grouped, unknown; /* unknown: focus not followed by the simulator */
	double lacking_share;			/* over all seeds' grouped students */
	double lacking_min, lacking_max;	/* per seed */
	double spread_groups, spread_random;	/* means over seeds */
	double ratio_min, ratio_max;		/* per seed: spread_groups / spread_random */
	double seconds;
};

/* Runs the check. EB_EINVAL for seeds < 1 or a district the simulator
 * refuses; EB_ENOMEM; EB_EPARSE when the catalog cannot be loaded. */
enum eb_err gcheck_run(const struct gcheck_params *p, struct gcheck_result *out);

#endif
