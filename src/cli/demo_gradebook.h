/* demo_gradebook.h - the demo district's gradebook from the SIS (edbridge
 * demo; web/pages/gradebook.c), made through domain/gradebook. */
#ifndef EB_DEMO_GRADEBOOK_H
#define EB_DEMO_GRADEBOOK_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* Two line items of the demo teacher's first class (a quiz and an exit
 * ticket on a standard of the class's grade, due last week and this week),
 * a result for each student of the class (most fully graded, a few
 * submitted), and two results that wait for the roster: one for a student
 * who transferred in three weeks ago and is not in the roster yet (past the
 * 14 days the page calls out), one for a line item the SIS has not sent.
 * Nothing when the demo teacher has no class. */
enum eb_err demo_gradebook(struct db *db, int64_t district_id, int64_t now);

#endif
