/* demo.h - the demo district as a world to study: built into a database
 * exactly as `edbridge demo` builds it, with the simulator's objects (and
 * their truth) kept for a study's scoring (cmd_sim_recommend.c). */
#ifndef EB_CLI_DEMO_H
#define EB_CLI_DEMO_H

#include <stdint.h>

#include "base/err.h"
#include "sim/district.h"
#include "sim/learning.h"

struct db;

struct demo_world {
	struct sim_district *sd; /* the roster's truth */
	struct sim_learning *l;	 /* the tools' period and its truth */
	int64_t district_id;
};

/* Builds the demo district of p into db (roster, logins, tools and their
 * learning data through the real ingest, one initiative per tool, the refit
 * and the recommendations' evidence) and keeps the simulator's objects in
 * *w (demo_world_free). Prints what `edbridge demo` prints. On an error
 * nothing is kept. */
enum eb_err demo_build_world(struct db *db, const struct sim_params *p, struct demo_world *w);
void demo_world_free(struct demo_world *w);

#endif
