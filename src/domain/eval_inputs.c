/* eval_inputs.c - see eval_inputs.h. */
#include "domain/eval_inputs.h"

#include "store/db.h"

/* the tables of migration 017's triggers */
const char *const eval_inputs_tables[] = {
	"initiative",
	"initiative_target",
	"initiative_assignment",
	"initiative_use",
	"assessment",
	"assessment_score",
	"org",
	"class",
	"person",
	"enrollment",
	"demographics",
	"tool",
	NULL,
};

enum eb_err eval_inputs_version(struct db *db, int64_t district_id, int64_t *out)
{
	return db_get_int(db,
			  "SELECT version FROM evaluation_inputs_version WHERE district_id = ?1",
			  DB_ARGS(DB_INT(district_id)), out);
}
