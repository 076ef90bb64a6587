/* trainings.h - the trainings' part of the staff homes (trainings.c): the
 * coordinator's and IT's next session and the sessions without anyone from
 * IT; a teacher's own registrations; the champions' link. A row of
 * home_staff.c's table. */
#ifndef EB_PAGES_TRAININGS_H
#define EB_PAGES_TRAININGS_H

struct home_ctx;

/* The upcoming sessions (a teacher's or principal's own; the district's for
 * those who plan them), adding a next step for sessions without IT, and
 * for the principal, IT and the coordinator the link to the suggested
 * champions; NULL: nothing to show. */
void *trainings_home_load(struct home_ctx *h);
void trainings_home_write(struct home_ctx *h, void *state);

#endif
