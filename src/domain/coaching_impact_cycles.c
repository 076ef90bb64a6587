/* coaching_impact_cycles.c - the coaching estimator's input read from the
 * coaching cycles' tables (domain/coaching, migration 033). Kept apart from
 * the design so the estimator does not depend on how cycles are stored. */
#include "domain/coaching_impact.h"

#include <string.h>

#include "base/arena.h"
#include "store/db.h"

enum eb_err coaching_impact_cycles(struct db *db, int64_t district_id, struct arena *a,
				   struct coaching_impact_class **out, size_t *n)
{
	(void)db;
	(void)district_id;
	(void)a;
	/* no cycle tables yet on this branch: no cycles */
	*out = NULL;
	*n = 0;
	return EB_OK;
}
