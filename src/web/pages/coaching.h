/* coaching.h - the coaching part of the staff homes (coaching.c), rows of
 * home_staff.c's table: the coach's home leads with today's meetings, the
 * cycles needing a next step and the goals at risk (as next steps); a
 * teacher's home shows their running cycle and its next meeting. */
#ifndef EB_PAGES_COACHING_H
#define EB_PAGES_COACHING_H

struct home_ctx;

/* The coach's caseload for the home: adds a next step per cycle needing
 * one (an overdue action step, or no entry for COACHING_QUIET_DAYS) and
 * per cycle with goals at risk; NULL on a read error. */
void *coaching_home_coach_load(struct home_ctx *h);
/* A teacher's running cycles and today's meetings; NULL when none. */
void *coaching_home_teacher_load(struct home_ctx *h);
void coaching_home_write(struct home_ctx *h, void *state);

#endif
