/* demo_plans.h - the demo district's intervention and learning plans
 * (edbridge demo), made through the same domain calls as the pages. */
#ifndef EB_DEMO_PLANS_H
#define EB_DEMO_PLANS_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* For the demo teacher ("teacher"): a tier 2 plan for the students who need
 * attention in the first class's current unit (with the class's most used
 * tool; its check-in overdue) and a tier 3 plan for one of them (a
 * strategy); for the demo student ("student"): a learning plan with a goal,
 * its pathway and a reflection. start_day: when the plans began (days
 * since the epoch). Prints what it made. Nothing when the logins or the
 * data are missing. */
enum eb_err demo_plans(struct db *db, int64_t district_id, int32_t start_day);

#endif
