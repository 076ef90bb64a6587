/* coaching_impact.h (pages) - did coaching move students: the district's
 * estimate at /coaching/impact (coordinator, district admin; a principal for
 * their school's coached classes), and the section a completed cycle's page
 * shows (domain/coaching_impact). */
#ifndef EB_PAGES_COACHING_IMPACT_H
#define EB_PAGES_COACHING_IMPACT_H

#include <stdint.h>

struct http_request;

/* GET /coaching/impact[?school=ID]: the estimate with its 95 % interval
 * drawn, the classes compared (names for district roles and a principal's
 * own school, counts otherwise), how the classes were matched, and the
 * design's limits. */
void page_coaching_impact(struct http_request *req);

/* Writes a <section> into req->out for cycle cycle_id of the viewer's
 * district: its classes' change on the goal standards beside their matched
 * comparison classes' (class averages, no names of the comparison), a link
 * to /coaching/impact for those who may open it, and the limits. Writes a
 * short line when the cycle is not completed or has no comparison. The
 * caller (the cycle's page) has already checked the viewer may see the
 * cycle's data. */
void coaching_impact_section(struct http_request *req, int64_t cycle_id);

#endif
