/* demo_tickets.h - the demo district's support tickets (edbridge demo),
 * made through the same domain calls as the pages (domain/ticket.h). */
#ifndef EB_DEMO_TICKETS_H
#define EB_DEMO_TICKETS_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* A week of realistic tickets about the district's first approved tools:
 * a teacher's report with a screenshot, answered by IT and joined by a
 * second reporter (a merged duplicate); the champion's own report near its
 * target; one escalated to the vendor, who answered; a student's and a
 * family's reports in plain words; one resolved after waiting on the
 * reporter. Prints what it made. Nothing when the logins or tools are
 * missing. */
enum eb_err demo_tickets(struct db *db, int64_t district_id, int64_t now);

#endif
