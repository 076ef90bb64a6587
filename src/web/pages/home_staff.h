/* home_staff.h - the staff roles' part of the home page (home_staff.c):
 * "Next steps" first, then one section per role the viewer holds. */
#ifndef EB_HOME_STAFF_H
#define EB_HOME_STAFF_H

struct http_request;

/* Writes the next steps and the sections of every staff role the viewer
 * holds (nothing for a family or student account). */
void home_staff(struct http_request *req);

/* For a room that adds a role's next steps from its own file (plans.c's
 * plans_home_steps): the request being answered, and one more step (text
 * copied; href NULL: none). */
struct home_ctx;
struct http_request *home_ctx_request(struct home_ctx *h);
void home_add_step(struct home_ctx *h, const char *href, const char *text);

#endif
