/* demo_assessment.h - the demo district's common assessment (`edbridge
 * demo`): a grade 4 winter benchmark built through the domain, answered by
 * every grade 4 student from the simulator's latent mastery at the end of
 * the tool period. */
#ifndef EB_DEMO_ASSESSMENT_H
#define EB_DEMO_ASSESSMENT_H

#include <stdint.h>

#include "base/err.h"

struct db;
struct sim_district;
struct sim_learning;

/* Builds the assessment and stores its item results (one transaction for
 * the results; they feed mastery like any import). A student with the
 * standard mastered answers right with probability .85, else .25, moved by
 * .12 per SD of the simulator's ability (so the items of one test agree);
 * item 7's key is deliberately wrong so the item
 * analysis has a flag to show. */
enum eb_err demo_common_assessment(struct db *db, int64_t district_id,
				   const struct sim_district *sd, const struct sim_learning *l);

#endif
