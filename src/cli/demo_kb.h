/* demo_kb.h - the demo district's knowledge base (edbridge demo): known
 * fixes for every demo tool, made through the same domain calls as the
 * pages (domain/kb). */
#ifndef EB_DEMO_KB_H
#define EB_DEMO_KB_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* Three known fixes per tool of the district, written by the demo tech
 * champion ("champion": signing in again and again, for everyone; new
 * students missing, for staff) and IT staff ("itstaff": a page that stays
 * blank, for everyone); the demo teacher, parent and student marked the
 * first tool's first one "this fixed it" (the student from the report
 * form: a deflected ticket), so it leads the list.
 * Nothing when the logins are missing. */
enum eb_err demo_kb(struct db *db, int64_t district_id);

#endif
