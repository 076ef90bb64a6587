/* evidence_check.h - the honesty study: does the evaluation engine read
 * selection as an effect?
 *
 * Per seed, the simulated district (sim/district.h, 3,000 students by
 * default: a mid-size district's K-8 enrolment; grades 3-8 are targeted)
 * gives each student latent ability and motivation (correlated ~0.3).
 *   pretest  = 0.6 ability + 0.5 motivation + u_class + 0.5 e1
 *   use      ~ Bernoulli(logistic(-0.4 + 1.2 motivation))   (selection)
 *   outcome  = 0.8 pretest + 0.55 e2 + effect * SD(y0) * use
 * with u_class ~ N(0, 0.35^2), e ~ N(0, 1): motivated students use the tool
 * more, and motivation correlates with both pretest and outcome (acting on
 * the outcome through what the engine observes - the case an honest matched
 * design must get right; see docs/evidence.md for hidden confounding).
 * Each seed is evaluated through domain/evaluation (matched design: pretest,
 * English learner, disability; strata grade; clusters class; ICC estimated)
 * twice: with no true effect and with a true effect of `effect` SD. */
#ifndef EB_EVIDENCE_CHECK_H
#define EB_EVIDENCE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct evcheck_params {
	int seeds;		/* >= 1 */
	int students;		/* district size; 0 = 3,000 */
	double effect;		/* true effect in SD; 0 = 0.15 */
	uint64_t first_seed;	/* seeds first_seed .. first_seed + seeds - 1 */
};

struct evcheck_result {
	int seeds, failed;		/* failed: seeds where no estimate could be made */
	double false_positive_rate;	/* null: share significant and positive */
	double naive_difference_mean;	/* null: mean naive g, users vs non-users */
	double null_mean_g;		/* null: mean matched g */
	double coverage;		/* effect: share of 95% intervals covering it */
	double mean_bias;		/* effect: mean (g - effect) */
	double power;			/* effect: share significant and positive */
	double mean_n;			/* matched students per seed */
	double seconds;
};

/* Runs the study. EB_EINVAL for seeds < 1 or a district the simulator
 * refuses; EB_ENOMEM. */
enum eb_err evcheck_run(const struct evcheck_params *p, struct evcheck_result *out);

#endif
