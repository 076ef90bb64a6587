#include "base/timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t time_now(void)
{
	return (int64_t)time(NULL);
}

double time_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Howard Hinnant's civil calendar algorithms. */
int32_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

void time_format_iso(int64_t t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int digits(const char *p, int n, int *v)
{
	int x = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

enum eb_err date_parse_ymd(struct str s, int32_t *days)
{
	int y, m, d;
	if (s.n != 10 || s.p[4] != '-' || s.p[7] != '-')
		return EB_EINVAL;
	if (digits(s.p, 4, &y) || digits(s.p + 5, 2, &m) || digits(s.p + 8, 2, &d))
		return EB_EINVAL;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return EB_EINVAL;
	*days = days_from_civil(y, (unsigned)m, (unsigned)d);
	return EB_OK;
}

enum eb_err time_parse_iso(struct str s, int64_t *t, int32_t *millis)
{
	int32_t days;
	int hh, mm, ss = 0, ms = 0;
	if (s.n < 16)
		return EB_EINVAL;
	if (date_parse_ymd((struct str){ s.p, 10 }, &days))
		return EB_EINVAL;
	if (s.p[10] != 'T' && s.p[10] != 't' && s.p[10] != ' ')
		return EB_EINVAL;
	const char *p = s.p + 11, *e = s.p + s.n;
	if (e - p < 5 || digits(p, 2, &hh) || p[2] != ':' || digits(p + 3, 2, &mm))
		return EB_EINVAL;
	p += 5;
	if (p < e && *p == ':') {
		if (e - p < 3 || digits(p + 1, 2, &ss))
			return EB_EINVAL;
		p += 3;
		if (p < e && *p == '.') {
			p++;
			int nd = 0;
			while (p < e && *p >= '0' && *p <= '9') {
				if (nd < 3)
					ms = ms * 10 + (*p - '0');
				nd++;
				p++;
			}
			if (nd == 0)
				return EB_EINVAL;
			while (nd < 3) {
				ms *= 10;
				nd++;
			}
		}
	}
	if (hh > 23 || mm > 59 || ss > 60)
		return EB_EINVAL;
	int offset = 0;
	if (p < e && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < e && (*p == '+' || *p == '-')) {
		int oh, om;
		int sign = *p == '-' ? -1 : 1;
		if (e - p == 6 && p[3] == ':') {
			if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om))
				return EB_EINVAL;
			p += 6;
		} else if (e - p == 5) {
			if (digits(p + 1, 2, &oh) || digits(p + 3, 2, &om))
				return EB_EINVAL;
			p += 5;
		} else if (e - p == 3) {
			if (digits(p + 1, 2, &oh))
				return EB_EINVAL;
			om = 0;
			p += 3;
		} else {
			return EB_EINVAL;
		}
		if (oh > 23 || om > 59)
			return EB_EINVAL;
		offset = sign * (oh * 3600 + om * 60);
	} else {
		return EB_EINVAL; /* a zone is required */
	}
	if (p != e)
		return EB_EINVAL;
	*t = (int64_t)days * 86400 + hh * 3600 + mm * 60 + ss - offset;
	if (millis)
		*millis = ms;
	return EB_OK;
}
