/* timeutil.h - wall-clock and date helpers. Times are Unix seconds (UTC). */
#ifndef EB_TIMEUTIL_H
#define EB_TIMEUTIL_H

#include <stdint.h>

#include "base/err.h"
#include "base/str.h"

int64_t time_now(void);
/* Monotonic clock in seconds, for measuring durations. */
double time_mono(void);
/* Formats t as YYYY-MM-DDTHH:MM:SSZ into out (at least 21 bytes). */
void time_format_iso(int64_t t, char out[32]);
/* Parses YYYY-MM-DD (strict, valid calendar date) to days since 1970-01-01. */
enum eb_err date_parse_ymd(struct str s, int32_t *days);
/* Parses ISO 8601 date-time with optional fraction and zone (Z or +hh:mm). */
enum eb_err time_parse_iso(struct str s, int64_t *t, int32_t *millis);
/* Days since the epoch for a civil date. */
int32_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d);

#endif
