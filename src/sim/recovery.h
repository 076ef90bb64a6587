/* recovery.h - a fitted mastery model's BKT parameters against the learning
 * simulator's truth (docs/mastery_store.md, "Parameter recovery on the
 * simulator"). Used by tests/unit/test_mastery_recovery.c (asserted within
 * tolerances) and bench/bench_mastery_store.c (printed as recover_*).
 *
 * The responses are every answered record of every tool (sim/learning.h),
 * per student in time order, as the refit reads them. A skill is a
 * standard's catalog index, or with per_tool one skill per (tool, standard):
 * tool * standards_count() + standard. For every skill with at least
 * min_responses responses, both latent states seen and both kinds of
 * consecutive pair:
 *   guess, slip   vs the mean sim_learning_item guess / slip over the items
 *                 answered on it (and conditioned on the latent state);
 *   forget        vs the realised per-attempt forgetting of the latent state
 *                 between consecutive responses of a chain;
 *   prior         vs the share mastered at a chain's first response;
 *   learn         vs the realised 0 -> 1 rate between consecutive responses.
 * Pure computation: nothing printed, no clock, no database. */
#ifndef EB_SIM_RECOVERY_H
#define EB_SIM_RECOVERY_H

#include <stddef.h>
#include <stdint.h>

#include "domain/mastery_model.h"
#include "sim/learning.h"

/* One answered item response with its truth. */
struct sim_response {
	int64_t time;			 /* Unix seconds (UTC) */
	int32_t student;		 /* index into sim_students() */
	uint16_t std, item;		 /* catalog index (standards_at); item of the tool's bank */
	uint8_t tool, correct, mastered; /* enum sim_tool_id; 1 when right; latent state */
};

/* Every answered record of every tool of l, sorted by student, then time,
 * then tool. *n gets the count. Returns a malloc'd array the caller frees,
 * or NULL when out of memory. */
struct sim_response *sim_recovery_responses(const struct sim_learning *l, size_t *n);

/* The skill of a response: its standard's catalog index, or with per_tool
 * one skill per (tool, standard): tool * standards_count() + std. */
size_t sim_recovery_skill(const struct sim_response *r, int per_tool);

/* The recovery figures: means over the `standards` skills compared (all 0
 * when none). */
struct sim_recovery {
	size_t standards; /* skills compared */
	double guess_mae, slip_mae, guess_cond_mae, slip_cond_mae;
	double forget_mae, forget_fit_mean, forget_true_mean;
	double prior_mae, learn_mae, learn_fit_mean, learn_true_mean;
	double base_guess_mae, base_slip_mae; /* the fit's prior centres .2/.1 as estimates */
};

/* Compares model m (raw skills numbered as sim_recovery_skill(.., per_tool))
 * with the truth of l over the responses r[0..n) from
 * sim_recovery_responses, skills with fewer than min_responses responses
 * left out. Fills *out. Returns 0, or -1 when out of memory (*out zeroed). */
int sim_recovery_compare(const struct sim_learning *l, const struct sim_response *r, size_t n,
			 const struct mastery_model *m, int per_tool, size_t min_responses,
			 struct sim_recovery *out);

#endif
