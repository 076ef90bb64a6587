/* Time zones from TZif files (RFC 8536) and POSIX TZ rules, thread-safe. */
#include "base/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"

#define TZ_FILE_MAX (256 * 1024)
#define TZ_NAME_MAX 65
#define TZ_ABBR_MAX 16
#define TZ_TYPES_MAX 256

struct tz_type {
	int32_t utoff;
	bool dst;
	char abbr[TZ_ABBR_MAX];
};

/* A POSIX TZ rule date: Jn (julian, no leap day), n (zero-based, leap day
 * counted) or Mm.w.d; time in seconds after local midnight. */
struct tz_date {
	char kind; /* 'J', 'N' or 'M' */
	int n, m, w, d;
	int32_t time;
};

struct tz_rule {
	bool ok, has_dst;
	struct tz_type std, dst;
	struct tz_date start, end;
};

struct tz {
	char name[TZ_NAME_MAX];
	int64_t *times; /* transitions, ascending */
	uint8_t *idx;	/* type of each transition */
	size_t ntimes;
	struct tz_type types[TZ_TYPES_MAX];
	size_t ntypes;
	struct tz_rule rule; /* the footer: after the last transition */
	struct tz *next;
};

static struct tz utc_zone = { .name = "UTC", .ntypes = 1, .types = { { 0, false, "UTC" } } };
static pthread_mutex_t zones_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz *zones; /* loaded so far; never freed */

bool tz_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= TZ_NAME_MAX || name[0] == '/')
		return false;
	size_t comp = 0;
	bool dots_only = true;
	for (size_t i = 0; i <= n; i++) {
		char c = name[i];
		if (c == '/' || c == '\0') {
			if (comp == 0 || dots_only)
				return false;
			comp = 0;
			dots_only = true;
			continue;
		}
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '+' || c == '.'))
			return false;
		dots_only = dots_only && c == '.';
		comp++;
	}
	return true;
}

const struct tz *tz_utc(void)
{
	return &utc_zone;
}

const char *tz_name(const struct tz *z)
{
	return z->name;
}

/* ---- POSIX TZ strings ("CST6CDT,M3.2.0,M11.1.0", "<+0330>-3:30") ---- */

static bool posix_name(const char **p, char out[TZ_ABBR_MAX])
{
	const char *s = *p;
	size_t n = 0;
	if (*s == '<') {
		s++;
		while (s[n] && s[n] != '>')
			n++;
		if (s[n] != '>' || n < 3 || n >= TZ_ABBR_MAX)
			return false;
		memcpy(out, s, n);
		out[n] = '\0';
		*p = s + n + 1;
		return true;
	}
	while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))
		n++;
	if (n < 3 || n >= TZ_ABBR_MAX)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	*p = s + n;
	return true;
}

/* [+-]hh[:mm[:ss]] with hours up to max_h; seconds into *out. */
static bool posix_time(const char **p, int max_h, int32_t *out)
{
	const char *s = *p;
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	int32_t part[3] = { 0, 0, 0 };
	for (int k = 0; k < 3; k++) {
		if (k && *s != ':')
			break;
		if (k)
			s++;
		if (*s < '0' || *s > '9')
			return false;
		int v = 0, digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 3) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		part[k] = v;
	}
	if (part[0] > max_h || part[1] > 59 || part[2] > 59)
		return false;
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	*p = s;
	return true;
}

static bool posix_num(const char **p, int lo, int hi, int *out)
{
	const char *s = *p;
	int v = 0, digits = 0;
	while (*s >= '0' && *s <= '9' && digits < 4) {
		v = v * 10 + (*s++ - '0');
		digits++;
	}
	if (!digits || v < lo || v > hi)
		return false;
	*out = v;
	*p = s;
	return true;
}

static bool posix_date(const char **p, struct tz_date *d)
{
	const char *s = *p;
	d->time = 7200;
	if (*s == 'J') {
		s++;
		d->kind = 'J';
		if (!posix_num(&s, 1, 365, &d->n))
			return false;
	} else if (*s == 'M') {
		s++;
		d->kind = 'M';
		if (!posix_num(&s, 1, 12, &d->m) || *s++ != '.' || !posix_num(&s, 1, 5, &d->w) ||
		    *s++ != '.' || !posix_num(&s, 0, 6, &d->d))
			return false;
	} else {
		d->kind = 'N';
		if (!posix_num(&s, 0, 365, &d->n))
			return false;
	}
	if (*s == '/') {
		s++;
		if (!posix_time(&s, 167, &d->time))
			return false;
	}
	*p = s;
	return true;
}

static bool posix_parse(const char *s, struct tz_rule *r)
{
	memset(r, 0, sizeof *r);
	int32_t off;
	if (!posix_name(&s, r->std.abbr) || !posix_time(&s, 24, &off))
		return false;
	r->std.utoff = -off;
	if (!*s) {
		r->ok = true;
		return true;
	}
	if (!posix_name(&s, r->dst.abbr))
		return false;
	r->dst.dst = true;
	r->dst.utoff = r->std.utoff + 3600;
	if (*s && *s != ',') {
		if (!posix_time(&s, 24, &off))
			return false;
		r->dst.utoff = -off;
	}
	/* without a rule POSIX leaves the dates to the implementation; use the
	 * United States' (tzcode's default) */
	r->start = (struct tz_date){ 'M', 0, 3, 2, 0, 7200 };
	r->end = (struct tz_date){ 'M', 0, 11, 1, 0, 7200 };
	if (*s == ',') {
		s++;
		if (!posix_date(&s, &r->start) || *s++ != ',' || !posix_date(&s, &r->end))
			return false;
	}
	if (*s)
		return false;
	r->has_dst = true;
	r->ok = true;
	return true;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds from the epoch to local midnight of the rule's date in year y,
 * plus its time: the moment in local (wall) seconds. */
static int64_t rule_local(const struct tz_date *d, int y)
{
	int32_t day;
	if (d->kind == 'J') {
		day = days_from_civil(y, 1, 1) + d->n - 1 + (leap(y) && d->n >= 60 ? 1 : 0);
	} else if (d->kind == 'N') {
		day = days_from_civil(y, 1, 1) + d->n;
	} else {
		static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int dim = mdays[d->m - 1] + (d->m == 2 && leap(y) ? 1 : 0);
		int32_t first = days_from_civil(y, (unsigned)d->m, 1);
		int wd = (int)(((int64_t)first + 4) % 7); /* 1970-01-01 was a Thursday */
		if (wd < 0)
			wd += 7;
		int dom = 1 + (d->d - wd + 7) % 7 + 7 * (d->w - 1);
		while (dom > dim)
			dom -= 7;
		day = first + dom - 1;
	}
	return (int64_t)day * 86400 + d->time;
}

static const struct tz_type *rule_type(const struct tz_rule *r, int64_t t)
{
	if (!r->has_dst)
		return &r->std;
	int y;
	unsigned m, dd;
	int64_t local = t + r->std.utoff;
	int64_t days = local / 86400 - (local % 86400 < 0 ? 1 : 0);
	civil_from_days((int32_t)days, &y, &m, &dd);
	/* the change to daylight time happens at a standard-time wall clock,
	 * the change back at a daylight-time one */
	int64_t start = rule_local(&r->start, y) - r->std.utoff;
	int64_t end = rule_local(&r->end, y) - r->dst.utoff;
	bool in_dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
	return in_dst ? &r->dst : &r->std;
}

/* ---- TZif files ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* Parses a TZif image into z; false when it is not one. */
static bool tzif_parse(const unsigned char *buf, size_t len, struct tz *z)
{
	if (len < 44 || memcmp(buf, "TZif", 4) != 0)
		return false;
	int version = buf[4] ? buf[4] - '0' : 1;
	const unsigned char *h = buf;
	size_t tsize = 4;
	uint32_t cnt[6];
	for (int pass = 0; pass < 2; pass++) {
		if ((size_t)(h - buf) + 44 > len || memcmp(h, "TZif", 4) != 0)
			return false;
		for (int k = 0; k < 6; k++)
			cnt[k] = be32(h + 20 + 4 * k);
		/* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
		if (cnt[3] > 100000 || cnt[4] == 0 || cnt[4] > TZ_TYPES_MAX || cnt[5] > 4096 ||
		    cnt[2] > 10000 || cnt[0] > cnt[4] || cnt[1] > cnt[4])
			return false;
		size_t body = cnt[3] * tsize + cnt[3] + cnt[4] * 6 + cnt[5] + cnt[2] * (tsize + 4) +
			      cnt[1] + cnt[0];
		if ((size_t)(h - buf) + 44 + body > len)
			return false;
		if (pass == 0 && version >= 2) {
			h += 44 + body; /* skip the 32-bit block: use the 64-bit one */
			tsize = 8;
			continue;
		}
		break;
	}
	const unsigned char *p = h + 44;
	size_t ntimes = cnt[3], ntypes = cnt[4], nchars = cnt[5];
	z->times = ntimes ? malloc(ntimes * sizeof *z->times) : NULL;
	z->idx = ntimes ? malloc(ntimes) : NULL;
	if (ntimes && (!z->times || !z->idx))
		return false;
	for (size_t i = 0; i < ntimes; i++, p += tsize) {
		z->times[i] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
		if (i && z->times[i] <= z->times[i - 1])
			return false;
	}
	for (size_t i = 0; i < ntimes; i++) {
		z->idx[i] = *p++;
		if (z->idx[i] >= ntypes)
			return false;
	}
	const unsigned char *chars = p + ntypes * 6;
	for (size_t i = 0; i < ntypes; i++, p += 6) {
		z->types[i].utoff = (int32_t)be32(p);
		z->types[i].dst = p[4] != 0;
		size_t ci = p[5];
		if (ci >= nchars || z->types[i].utoff < -89999 || z->types[i].utoff > 93599)
			return false;
		size_t k = 0;
		while (ci + k < nchars && chars[ci + k] && k + 1 < TZ_ABBR_MAX) {
			z->types[i].abbr[k] = (char)chars[ci + k];
			k++;
		}
		z->types[i].abbr[k] = '\0';
	}
	z->ntimes = ntimes;
	z->ntypes = ntypes;
	p = chars + nchars + cnt[2] * (tsize + 4) + cnt[1] + cnt[0];
	/* the footer: "\n" POSIX-TZ "\n" */
	if (version >= 2 && p < buf + len && *p == '\n') {
		const unsigned char *e = memchr(p + 1, '\n', (size_t)(buf + len - p - 1));
		char rule[128];
		size_t rn = e ? (size_t)(e - p - 1) : 0;
		if (e && rn > 0 && rn < sizeof rule) {
			memcpy(rule, p + 1, rn);
			rule[rn] = '\0';
			posix_parse(rule, &z->rule); /* a bad footer: transitions only */
		}
	}
	return true;
}

static struct tz *tz_load(const char *name)
{
	const char *dir = getenv("TZDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = malloc(TZ_FILE_MAX);
	struct tz *z = calloc(1, sizeof *z);
	size_t len = buf ? fread(buf, 1, TZ_FILE_MAX, f) : 0;
	fclose(f);
	if (!buf || !z || len == TZ_FILE_MAX || !tzif_parse(buf, len, z)) {
		if (z) {
			free(z->times);
			free(z->idx);
		}
		free(z);
		free(buf);
		return NULL;
	}
	free(buf);
	str_copy(z->name, sizeof z->name, name);
	return z;
}

const struct tz *tz_get(const char *name)
{
	if (!tz_name_ok(name))
		return NULL;
	pthread_mutex_lock(&zones_lock);
	struct tz *z = zones;
	while (z && strcmp(z->name, name) != 0)
		z = z->next;
	if (!z) {
		/* read under the lock: once per zone and process, a few KiB */
		z = tz_load(name);
		if (z) {
			z->next = zones;
			zones = z;
		}
	}
	pthread_mutex_unlock(&zones_lock);
	if (!z && strcmp(name, "UTC") == 0)
		return &utc_zone;
	return z;
}

int32_t tz_offset(const struct tz *z, int64_t t, const char **abbr)
{
	const struct tz_type *ty;
	if (z->ntimes && t >= z->times[z->ntimes - 1] && z->rule.ok) {
		ty = rule_type(&z->rule, t);
	} else if (!z->ntimes || t < z->times[0]) {
		ty = z->ntimes || !z->rule.ok ? &z->types[0] : rule_type(&z->rule, t);
	} else {
		size_t lo = 0, hi = z->ntimes; /* times[lo] <= t < times[hi] */
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (z->times[mid] <= t)
				lo = mid;
			else
				hi = mid;
		}
		ty = &z->types[z->idx[lo]];
	}
	if (abbr)
		*abbr = ty->abbr;
	return ty->utoff;
}

void tz_format(const struct tz *z, int64_t t, char *out, size_t cap)
{
	const char *abbr;
	int64_t local = t + tz_offset(z, t, &abbr);
	int64_t days = local / 86400 - (local % 86400 < 0 ? 1 : 0);
	int64_t secs = local - days * 86400;
	int y;
	unsigned m, d;
	civil_from_days((int32_t)days, &y, &m, &d);
	snprintf(out, cap, "%04d-%02u-%02u %02d:%02d %s", y, m, d, (int)(secs / 3600),
		 (int)(secs / 60 % 60), abbr && *abbr ? abbr : "");
	/* no trailing blank when the zone has no abbreviation */
	size_t n = strlen(out);
	if (n && out[n - 1] == ' ')
		out[n - 1] = '\0';
}
