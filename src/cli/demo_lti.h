/* demo_lti.h - the demo district's LTI 1.3 registration and activities
 * (edbridge demo), made through the same domain calls as `edbridge lti`. */
#ifndef EB_DEMO_LTI_H
#define EB_DEMO_LTI_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* Registers tool_id (the practice tool) for LTI launches with placeholder
 * https addresses at lti-tool.example.org (a real tool is registered with
 * `edbridge lti add`: docs/lti.md), and places three of its activities in
 * each class of the demo teacher and of the demo student: two mapped to a
 * standard, one "to be mapped" for the tool page. Prints what it made;
 * nothing when the demo logins are missing. */
enum eb_err demo_lti(struct db *db, int64_t district_id, int64_t tool_id);

#endif
