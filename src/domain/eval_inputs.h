/* eval_inputs.h - the version of a district's evaluation inputs: a number
 * that changes, in the same transaction, with every change of a row that
 * What's working's results are computed from (initiatives and their
 * targets, assignments and use; assessments and their scores; the roster's
 * schools, classes, people, enrollments and demographics; the tools
 * inventory). Triggers of migration 017 keep it, whoever writes; see
 * docs/initiatives.md "What's working is computed once per change". */
#ifndef EB_EVAL_INPUTS_H
#define EB_EVAL_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;

/* The district's current version into *out (read in the caller's
 * transaction, if one is open: read it in the snapshot the results are
 * computed from). EB_ENOTFOUND for a district without one (none such). */
enum eb_err eval_inputs_version(struct db *db, int64_t district_id, int64_t *out);

/* The tables whose changes change the version, NULL-terminated. */
extern const char *const eval_inputs_tables[];

#endif
