/* demo_coaching.h - the demo district's coaching cycles (edbridge demo),
 * made through the same domain calls as the pages (domain/coaching). */
#ifndef EB_DEMO_COACHING_H
#define EB_DEMO_COACHING_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* The demo coach's caseload, dated around today: a cycle with the demo
 * teacher in the improve phase (entries from the kickoff to a debrief
 * today, a planned reflection, steps done and open, resources, a goal at
 * risk and a goal met, its notes shared with the demo principal), and
 * cycles with other teachers in the learn (an overdue step: it needs a
 * next step), identify, completed (a team of two) and stopped phases.
 * Prints what it made; nothing when the demo logins are missing. */
enum eb_err demo_coaching(struct db *db, int64_t district_id);

#endif
