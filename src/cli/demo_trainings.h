/* demo_trainings.h - the demo district's training sessions (edbridge demo),
 * made through the same domain calls as the pages (domain/training). */
#ifndef EB_DEMO_TRAININGS_H
#define EB_DEMO_TRAININGS_H

#include <stdint.h>

#include "base/err.h"

struct db;
struct sim_district;

/* Sessions past and upcoming: two during the tool period (week0_day: the
 * Monday of its first week, days since the epoch) on practice_tool and
 * video_tool, with sign-ins for a dozen of the simulated teachers who came,
 * attendance and follow-ups, so that the payoff has groups to compare; two
 * upcoming, one with IT in the room and the demo teacher registered, one
 * online without IT, full, with a waiting list. Prints what it made;
 * nothing when the demo logins are missing. */
enum eb_err demo_trainings(struct db *db, int64_t district_id, const struct sim_district *sd,
			   int32_t week0_day, int64_t practice_tool, int64_t video_tool);

#endif
