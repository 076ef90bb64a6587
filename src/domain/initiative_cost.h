/* initiative_cost.h - licence utilization and cost of an initiative's tool:
 * seats, active students, utilization and cost per active student from the
 * tools inventory (domain/tools.h), and cost per unit of effect from an
 * evaluation (domain/evaluation.h).
 *
 * Definitions (docs/initiatives.md):
 *   active students    students with recorded use (initiative_use minutes > 0)
 *   utilization        100 * active / seats (seats > 0)
 *   cost per active    annual cost / active students
 *   cost per 0.1 SD    cost per active student / (g / 0.1): what one student's
 *                      gain of 0.1 SD costs; only for a significant positive
 *                      effect (otherwise there is no effect to price, and
 *                      `why_no_effect_cost` says so).
 * The licence is the tool's, for the whole district: several initiatives of
 * one tool share it, and a school's page shows the district's figures. */
#ifndef EB_INITIATIVE_COST_H
#define EB_INITIATIVE_COST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/evidence.h"

struct db;
struct initiative;

struct init_cost {
	bool has_tool; /* the initiative names a tool of the inventory */
	char tool_name[128];
	int64_t seats;		   /* 0: not recorded */
	int64_t annual_cost_cents; /* 0: not recorded */
	int64_t active;		   /* students with minutes > 0 */
	double utilization_pct;	   /* -1: no seats recorded */
	double cost_per_active;	   /* dollars; -1: no cost or no active student */
	double cost_per_01sd;	   /* dollars per student per 0.1 SD; -1: see why */
	char why_no_effect_cost[160];
};

/* Pure: fills the derived figures of c (seats, cost and active already
 * set) from est (may be NULL: not evaluated). */
void init_cost_compute(struct init_cost *c, const struct ev_estimate *est);

/* Reads the tool (tools_get on in->tool_id) and the active students, then
 * init_cost_compute. has_tool false (EB_OK) when tool_id is 0 or names no
 * tool of the district. EB_EDB on a database error. */
enum eb_err init_cost_get(struct db *db, int64_t district_id, const struct initiative *in,
			  const struct ev_estimate *est, struct init_cost *out);

#endif
