/* demo_observations.h - the demo district's classroom observations (edbridge
 * demo), made through the same domain calls as the pages (domain/observation). */
#ifndef EB_DEMO_OBSERVATIONS_H
#define EB_DEMO_OBSERVATIONS_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* Four closed observations of the demo teacher's first class by the coach,
 * a week apart and ending a week before now (Unix s), whose tallies show a
 * shift (more student talk, more student-to-student talk, more reasoning
 * questions), with ratings, evidence and notes; one by the principal, not
 * shared; one open today with a few marks. Prints what it made; nothing when
 * the demo logins are missing. */
enum eb_err demo_observations(struct db *db, int64_t district_id, int64_t now);

#endif
