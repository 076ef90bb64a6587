/* demo_lti_services.h - the demo district's data-sharing scopes (edbridge
 * demo; issue 16, h16-ags): what each demo tool may receive, set through
 * the same domain call as the scopes page (domain/data_scope). */
#ifndef EB_DEMO_LTI_SERVICES_H
#define EB_DEMO_LTI_SERVICES_H

#include <stdint.h>

#include "base/err.h"

struct db;

/* The approved tools: the first (by name) receives names, the class title,
 * the class list and scores; the second the class list and scores only
 * (pseudonymous); the others nothing yet, as a new tool starts. Recorded by
 * the demo coordinator's account when there is one. */
enum eb_err demo_lti_services(struct db *db, int64_t district_id);

#endif
