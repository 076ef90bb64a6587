/* demo_imports.h - the demo district's import history (issue 17): after the
 * full roster, a nightly delta export with one row set aside and one
 * waiting for its class, through the same importer as the command line. */
#ifndef EB_DEMO_IMPORTS_H
#define EB_DEMO_IMPORTS_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* Imports a small OneRoster 1.1 delta (an org with a type that is not
 * OneRoster's: set aside; a summer-school enrollment whose class is not in
 * the roster yet: waiting) as "scheduled sync". Prints what it did. */
enum eb_err demo_imports(struct db *db, int64_t district_id);

#endif
