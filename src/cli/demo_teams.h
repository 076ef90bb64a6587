/* demo_teams.h - the demo district's teams (edbridge demo), made through the
 * same domain calls as the pages (domain/teams). */
#ifndef EB_DEMO_TEAMS_H
#define EB_DEMO_TEAMS_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* An initiative team around the first initiative with a tool (the coach
 * leads; the coordinator, principal, teacher, tech champion, IT, the vendor
 * contact, a family representative and a university partner by name): a
 * meeting held a week before now with its agenda, attendance, notes,
 * decisions (one the initiative's move to continued, recorded with its
 * evidence) and action items (one done, one open, one overdue), and a
 * meeting today; and a school team at the principal's school. Prints what
 * it made; nothing when the demo logins or initiatives are missing. */
enum eb_err demo_teams(struct db *db, int64_t district_id, int64_t now);

#endif
