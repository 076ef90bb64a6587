/* home_staff.h - the staff roles' part of the home page (home_staff.c):
 * "Next steps" first, then one section per role the viewer holds. */
#ifndef EB_HOME_STAFF_H
#define EB_HOME_STAFF_H

struct http_request;

/* Writes the next steps and the sections of every staff role the viewer
 * holds (nothing for a family or student account). */
void home_staff(struct http_request *req);

#endif
