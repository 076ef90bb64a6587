/* demo_coaching_impact.h - completed coaching cycles of the demo district
 * with enough history that /coaching/impact shows a real estimate (edbridge
 * demo), made through the same domain calls as the pages (domain/coaching). */
#ifndef EB_DEMO_COACHING_IMPACT_H
#define EB_DEMO_COACHING_IMPACT_H

#include <stdint.h>

#include "base/err.h"

struct db;
struct sim_learning;

/* Gives DEMO_COACHED simulated teachers of grades 3-8 a sign-in (teacher
 * role at their school; no password) and the demo coach a completed cycle
 * with each, on all their classes, from the Monday of the tool period's
 * week 3 to week 9, with a student goal on the grade's first three focus
 * standards: the classes the impact page compares with the others of
 * their courses. Prints what it made; nothing when the demo coach is
 * missing. */
#define DEMO_COACHED 20
enum eb_err demo_coaching_impact(struct db *db, int64_t district_id, const struct sim_learning *l);

#endif
