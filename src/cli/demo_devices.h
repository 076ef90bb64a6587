/* demo_devices.h - the demo district's devices (edbridge demo): made
 * through the same domain calls as the import and the pages. */
#ifndef EB_DEMO_DEVICES_H
#define EB_DEMO_DEVICES_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* For each school: a Chromebook for each student of its first classes
 * (checked out to them), a cart of Chromebooks in service, loaners in the
 * pool, a tablet or two, one in repair; hotspots lent (through a child) to
 * two of every three families whose roster says no home internet; and a
 * few loans overdue (made ten days ago, due three days ago) for IT's home.
 * By the demo IT staff ("itstaff"). Prints what it made. */
enum eb_err demo_devices(struct db *db, int64_t district_id);

#endif
