/* teams.h - the teams' part of the staff homes (teams.c): the viewer's
 * team action items due soon or overdue (home_staff.c's section table).
 * For pages/ only; the handlers are in pages.h. */
#ifndef EB_PAGES_TEAMS_H
#define EB_PAGES_TEAMS_H

struct home_ctx;

/* "Your teams": the viewer's team meetings today (not for coaches, whose
 * coaching home leads with them) and open items due within
 * TEAMS_REMIND_DAYS or overdue; NULL (no section) when there is neither.
 * An overdue item also adds a next step. */
void *teams_home_load(struct home_ctx *h);
void teams_home_write(struct home_ctx *h, void *state);

#endif
