/* evidence_check.h - the honesty study: does the evaluation engine read
 * selection as an effect? Run on the learning simulator itself.
 *
 * Per seed: sim_district_build (3,000 students by default, seed = the seed
 * number) and sim_learning_run (default parameters: 12 weeks). Two tools of
 * sim/learning.h are evaluated with the matched design through
 * domain/evaluation (the code `edbridge evaluate` runs):
 *   null    the video library (learn_p 0: no true effect) whose use rises
 *           steeply with motivation, which also raises prior mastery and the
 *           use of the effective tools (the selection trap);
 *   effect  the adaptive practice app; its truth is
 *           sim_learning_true_effect_sd (mean over users of posttest minus
 *           the posttest had the app taught nothing, ~0.15 SD).
 * Rows: every student of the tool's licensed grades (K-8); users = minutes
 * > 0; outcome the posttest, pretest the pretest. The full design adds what
 * a district has on file: the prior year's score (sim_learning_prior),
 * English learner, disability, sex, school (exact strata grade x school)
 * and the hours of use of the district's other four tools. pretest_only
 * reproduces the earlier design (pretest, English learner, disability;
 * strata grade) for comparison. Nothing is tuned per seed: the design is
 * fixed, then measured. */
#ifndef EB_EVIDENCE_CHECK_H
#define EB_EVIDENCE_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct evcheck_params {
	int seeds;	     /* >= 1 */
	int students;	     /* district size; 0 = 3,000 */
	bool pretest_only;   /* the earlier, weaker design (see above) */
	uint64_t first_seed; /* seeds first_seed .. first_seed + seeds - 1 */
};

struct evcheck_result {
	int seeds, failed;	      /* failed: seeds where no estimate could be made */
	double false_positive_rate;   /* null: share significant and positive */
	double naive_difference_mean; /* null: mean naive g, users vs non-users */
	double null_mean_g;	      /* null: mean matched g */
	double coverage;	      /* effect: share of 95% intervals covering the truth */
	double mean_bias;	      /* effect: mean (g - true effect) */
	double power;		      /* effect: share significant and positive */
	double mean_n;		      /* matched students per seed (null tool) */
	double true_effect_mean;      /* effect: mean true effect on users (SD) */
	double seconds;
};

/* Runs the study. EB_EINVAL for seeds < 1 or a district the simulator
 * refuses; EB_ENOMEM. */
enum eb_err evcheck_run(const struct evcheck_params *p, struct evcheck_result *out);

#endif
