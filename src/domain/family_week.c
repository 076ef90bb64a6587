/* ISO weeks: the week with the year's first Thursday is week 1. */
#include "domain/family_week.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"

/* Monday of the ISO week holding day (days since 1970-01-01, a Thursday). */
static int32_t monday_of(int32_t day)
{
	int32_t wd = (int32_t)(((int64_t)day + 3) % 7); /* Monday 0 */
	if (wd < 0)
		wd += 7;
	return day - wd;
}

/* Local midnight of a day as Unix seconds in z (the offset of that moment). */
static int64_t local_midnight(int32_t day, const struct tz *z)
{
	int64_t t = (int64_t)day * 86400;
	int32_t off = z ? tz_offset(z, t, NULL) : 0;
	return t - off;
}

static void fill(int32_t monday, const struct tz *z, struct family_week *out)
{
	int y;
	unsigned m, d;
	civil_from_days(monday + 3, &y, &m, &d); /* the Thursday decides the year */
	int32_t first = monday_of(days_from_civil(y, 1, 4));
	out->year = y;
	out->week = (monday - first) / 7 + 1;
	char tmp[32];
	snprintf(tmp, sizeof tmp, "%04d-W%02d", y, out->week);
	str_copy(out->label, sizeof out->label, tmp);
	out->start = local_midnight(monday, z);
	out->end = local_midnight(monday + 7, z);
}

void family_week_of(int64_t t, const struct tz *z, struct family_week *out)
{
	int64_t local = t + (z ? tz_offset(z, t, NULL) : 0);
	int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	fill(monday_of((int32_t)day), z, out);
}

enum eb_err family_week_parse(const char *s, const struct tz *z, struct family_week *out)
{
	if (!s || strlen(s) != 8 || s[4] != '-' || (s[5] != 'W' && s[5] != 'w'))
		return EB_EINVAL;
	int y = 0, w = 0;
	for (int i = 0; i < 8; i++) {
		if (i == 4 || i == 5)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return EB_EINVAL;
		if (i < 4)
			y = y * 10 + (s[i] - '0');
		else
			w = w * 10 + (s[i] - '0');
	}
	if (y < 1970 || y > 9999 || w < 1 || w > 53)
		return EB_EINVAL;
	int32_t monday = monday_of(days_from_civil(y, 1, 4)) + (w - 1) * 7;
	fill(monday, z, out);
	return out->year == y && out->week == w ? EB_OK : EB_EINVAL;
}

void family_week_prev(const struct family_week *w, const struct tz *z, struct family_week *out)
{
	family_week_of(w->start - 3 * 86400, z, out);
}
