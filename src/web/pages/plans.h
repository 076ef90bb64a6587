/* plans.h - the intervention plans' part of the staff home (plans.c). */
#ifndef EB_PAGES_PLANS_H
#define EB_PAGES_PLANS_H

struct home_ctx;

/* Adds the teacher's next steps of intervention plans (home_staff.c's
 * teacher section): each active plan of theirs (owned, or of a student in
 * their classes) with a check-in due, and each whose last four progress
 * points fell below the aim line. */
void plans_home_steps(struct home_ctx *h);

#endif
