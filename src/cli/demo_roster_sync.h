/* demo_roster_sync.h - the demo district's OneRoster REST source and its last
 * runs (edbridge demo), made through domain/roster_source. */
#ifndef EB_DEMO_ROSTER_SYNC_H
#define EB_DEMO_ROSTER_SYNC_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* A saved source (the district's SIS at sis.example.org, OneRoster 1.1,
 * nightly at 02:00, its secret sealed) and four runs over the last days:
 * three scheduled ones (two applied, one that failed on a 500 and changed
 * nothing) and one the administrator asked for. The source is disabled:
 * the demo has no SIS to reach, so serve's nightly run leaves it alone. */
enum eb_err demo_roster_sync(struct db *db, int64_t district_id, int64_t now);

#endif
