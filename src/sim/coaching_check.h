/* coaching_check.h - the honesty study of the coaching impact design
 * (domain/coaching_impact) on the learning simulator, where coaching has a
 * known true effect.
 *
 * Per seed: sim_district_build (students, seed = the seed number) and
 * sim_learning_run (default parameters: 12 weeks). Each class of grades 1-8
 * is one unit. Its cycle runs from week COACH_SIM_START to COACH_SIM_END;
 * its goal standards are the grade's focus standards taught in that span
 * (focus 2, 3 and 4). A class is measured as the product measures it: each
 * student answers COACH_SIM_ITEMS items per goal standard at the start and
 * at the end of the cycle, right with 1 - slip when the latent state is
 * mastered and with guess when not; the class's pre and post are its mean
 * share of correct answers. Who is coached is chosen, not drawn fairly:
 * a class's chance rises steeply as its measured pre share falls below its
 * grade's (principals send coaches to struggling classes). Coaching's true
 * effect: in a coached class, each (student, goal standard) not mastered at
 * the end of the cycle becomes mastered with probability boost (drawn on its
 * own stream, so the other records do not move); the truth is the mean over
 * the coached classes in the estimate of (1 - slip - guess) x the share of
 * (student, standard) cells turned, in share-of-correct units. With boost
 * 0 the same districts give the zero-effect variant. Nothing is tuned per
 * seed. */
#ifndef EB_COACHING_CHECK_H
#define EB_COACHING_CHECK_H

#include <stdint.h>

#include "base/err.h"

#define COACH_SIM_START 3
#define COACH_SIM_END 9
#define COACH_SIM_ITEMS 4
#define COACH_SIM_BOOST 0.20

struct coachcheck_params {
	int seeds;	     /* >= 1 */
	int students;	     /* district size; 0 = 3,000 */
	double boost;	     /* 0 = COACH_SIM_BOOST; the zero variant always runs */
	uint64_t first_seed; /* seeds first_seed + 1 .. first_seed + seeds */
};

struct coachcheck_result {
	int seeds, failed;	      /* failed: seeds without a shown estimate */
	double false_positive_rate;   /* zero effect: share declared a positive effect */
	double coverage;	      /* effect: share of 95 % intervals covering the truth */
	double power;		      /* effect: share declared a positive effect */
	double true_effect_mean;      /* share points */
	double mean_bias;	      /* effect: mean (diff - truth) */
	double naive_difference_mean; /* zero effect: mean post difference, coached - all others */
	double null_mean_diff;	      /* zero effect: mean estimate (share points) */
	double coached_mean, compared_mean; /* classes in the estimate per seed */
	double seconds;
};

/* Runs the study. EB_EINVAL for seeds < 1 or a district the simulator
 * refuses; EB_ENOMEM. */
enum eb_err coachcheck_run(const struct coachcheck_params *p, struct coachcheck_result *out);

#endif
