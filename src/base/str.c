#include "base/str.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct str str_from(const char *s)
{
	return (struct str){ s, s ? strlen(s) : 0 };
}

bool str_eq(struct str a, struct str b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

bool str_eq_cstr(struct str a, const char *s)
{
	return str_eq(a, str_from(s));
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

bool str_ieq_cstr(struct str a, const char *s)
{
	size_t n = strlen(s);
	if (n != a.n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(a.p[i]) != ascii_lower(s[i]))
			return false;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

struct str str_trim(struct str s)
{
	while (s.n && is_space(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_space(s.p[s.n - 1]))
		s.n--;
	return s;
}

bool str_starts_with(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.n >= n && memcmp(s.p, prefix, n) == 0;
}

enum eb_err str_to_i64(struct str s, int64_t min, int64_t max, int64_t *out)
{
	char tmp[32];
	if (s.n == 0 || s.n >= sizeof tmp)
		return EB_EINVAL;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = '\0';
	return cstr_to_i64(tmp, min, max, out);
}

enum eb_err cstr_to_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	if (!s || !*s || is_space(*s))
		return EB_EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return EB_EINVAL;
	*out = v;
	return EB_OK;
}

enum eb_err str_to_double(struct str s, double *out)
{
	char tmp[64];
	char *end;
	if (s.n == 0 || s.n >= sizeof tmp || is_space(s.p[0]))
		return EB_EINVAL;
	memcpy(tmp, s.p, s.n);
	tmp[s.n] = '\0';
	errno = 0;
	double v = strtod(tmp, &end);
	if (errno || *end || !isfinite(v))
		return EB_EINVAL;
	*out = v;
	return EB_OK;
}

size_t str_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (cap == 0)
		return 0;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}

bool str_utf8_valid(struct str s, size_t *bad)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0, n = s.n;
	while (i < n) {
		unsigned c = p[i];
		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		/* lead byte: sequence length and the range of the second byte */
		size_t len = 0;
		unsigned lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0; /* overlong */
			else if (c == 0xED)
				hi = 0x9F; /* surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90; /* overlong */
			else if (c == 0xF4)
				hi = 0x8F; /* above U+10FFFF */
		}
		bool ok = len && i + len <= n && p[i + 1] >= lo && p[i + 1] <= hi;
		for (size_t k = 2; ok && k < len; k++)
			ok = (p[i + k] & 0xC0) == 0x80;
		if (!ok) {
			if (bad)
				*bad = i;
			return false;
		}
		i += len;
	}
	return true;
}

size_t str_site_url_len(const char *url, size_t max)
{
	if (!url)
		return 0;
	size_t n = strlen(url), scheme = strncmp(url, "https://", 8) == 0  ? 8
					 : strncmp(url, "http://", 7) == 0 ? 7
									   : 0;
	while (n > scheme && url[n - 1] == '/')
		n--;
	if (!scheme || n <= scheme || url[scheme] == '/' || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (url[i] <= ' ' || url[i] > '~' || strchr("\"'<>\\`?#", url[i]))
			return 0;
	return n;
}

const char *str_trimmed(const char *s, char *tmp, size_t cap)
{
	if (!s)
		return "";
	struct str v = str_trim(str_from(s));
	if (v.n >= cap)
		v.n = cap - 1;
	memcpy(tmp, v.p, v.n);
	tmp[v.n] = 0;
	return tmp;
}
