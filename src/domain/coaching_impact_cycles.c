/* coaching_impact_cycles.c - the coaching estimator's input read from the
 * coaching cycles (domain/coaching, migration 033). Kept apart from the
 * design so the estimator does not depend on how cycles are stored. */
#include "domain/coaching_impact.h"

#include <string.h>

#include "base/arena.h"
#include "domain/coaching.h"
#include "store/db.h"

struct running_class {
	int64_t cycle_id;
	const char *class_id;
};

DB_ROWSPEC(running_spec, struct running_class, NULL, DB_FIELD_INT(struct running_class, cycle_id),
	   DB_FIELD_STR(struct running_class, class_id));

enum eb_err coaching_impact_cycles(struct db *db, int64_t district_id, struct arena *a,
				   struct coaching_impact_class **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct coaching_completed *done = NULL;
	size_t ndone = 0, total = 0;
	enum eb_err rc = coaching_completed_cycles(db, district_id, a, &done, &ndone);
	if (rc)
		return rc;
	/* classes of cycles not completed (running or stopped): their teachers
	 * were coached too, so they are no comparison */
	struct running_class *run = NULL;
	size_t nrun = 0;
	rc = db_get_rows(
		db,
		"SELECT c.id, cc.class_sourced_id FROM coaching_cycle c JOIN coaching_class cc"
		" ON cc.district_id=c.district_id AND cc.cycle_id=c.id WHERE c.district_id=?1 AND "
		"c.phase <> 'completed'"
		" ORDER BY c.id, cc.class_sourced_id",
		DB_ARGS(DB_INT(district_id)), &running_spec, a, &run, &nrun);
	if (rc)
		return rc;
	for (size_t i = 0; i < ndone; i++)
		total += done[i].nclasses;
	total += nrun;
	struct coaching_impact_class *v = arena_alloc(a, (total ? total : 1) * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	size_t k = 0;
	/* oldest first: the order the matching takes coached classes in */
	for (size_t i = ndone; i-- > 0;)
		for (size_t j = 0; j < done[i].nclasses; j++)
			v[k++] = (struct coaching_impact_class){
				.cycle_id = done[i].id,
				.class_id = done[i].classes[j],
				.standards = done[i].standards,
				.nstandards = done[i].nstandards,
				.starts_at = done[i].started_at,
				.ends_at = done[i].ended_at + 86400, /* the end day counts */
				.completed = 1,
			};
	for (size_t i = 0; i < nrun; i++)
		v[k++] = (struct coaching_impact_class){ .cycle_id = run[i].cycle_id,
							 .class_id = run[i].class_id };
	*out = v;
	*n = k;
	return EB_OK;
}
