/* family_week.h - the week of a family update: an ISO 8601 week
 * ("2026-W47", Monday to Sunday) in the district's time zone. */
#ifndef EB_FAMILY_WEEK_H
#define EB_FAMILY_WEEK_H

#include <stdint.h>

#include "base/err.h"

struct tz;

struct family_week {
	char label[9];	    /* "2026-W47" */
	int64_t start, end; /* Unix seconds: Monday 00:00 local, and the next Monday's */
	int year, week;
};

/* The week that holds t, in zone z (NULL: UTC). */
void family_week_of(int64_t t, const struct tz *z, struct family_week *out);
/* Parses "YYYY-Www" (week 1..52, or 53 in the years that have one; also
 * lower-case w). EB_EINVAL for anything else. */
enum eb_err family_week_parse(const char *s, const struct tz *z, struct family_week *out);
/* The week before w. */
void family_week_prev(const struct family_week *w, const struct tz *z, struct family_week *out);

#endif
