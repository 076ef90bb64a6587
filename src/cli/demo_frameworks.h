/* demo_frameworks.h - the demo district's state framework (edbridge demo;
 * issue 17, docs/case.md): made through the same domain call as a CASE
 * import. */
#ifndef EB_DEMO_FRAMEWORKS_H
#define EB_DEMO_FRAMEWORKS_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* "Demo State Mathematics Standards": the fraction standards of grades 3 to
 * 5 under the state's own codes (DS.3.F.1 ...), grouped by grade and
 * cluster, each an exact match of its Common Core standard, a learning
 * progression (precedes) from grade to grade, and one local priority
 * standard with no match (mastery of its own: a grade 5 class's responses
 * on it). The framework is made primary. Prints what it made. */
enum eb_err demo_frameworks(struct db *db, int64_t district_id);

#endif
