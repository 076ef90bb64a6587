/* teams.h - the teams' part of the staff homes (teams.c): the viewer's
 * team action items due soon or overdue (home_staff.c's section table).
 * For pages/ only; the handlers are in pages.h. */
#ifndef EB_PAGES_TEAMS_H
#define EB_PAGES_TEAMS_H

struct home_ctx;

/* NULL (no section) when the viewer has no open item due within
 * TEAMS_REMIND_DAYS; an overdue one also adds a next step. */
void *teams_home_load(struct home_ctx *h);
void teams_home_write(struct home_ctx *h, void *state);

#endif
