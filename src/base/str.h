/* str.h - (pointer, length) string views for parsing. A view never owns. */
#ifndef EB_STR_H
#define EB_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct str {
	const char *p;
	size_t n;
};

#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })

struct str str_from(const char *s);
bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *s);
/* ASCII case-insensitive comparison. */
bool str_ieq_cstr(struct str a, const char *s);
/* Drops leading and trailing ASCII whitespace. */
struct str str_trim(struct str s);
bool str_starts_with(struct str s, const char *prefix);

/* strtonum-like: whole view must be a decimal integer in [min, max]. */
enum eb_err str_to_i64(struct str s, int64_t min, int64_t max, int64_t *out);
/* Whole view must be a finite decimal number. */
enum eb_err str_to_double(struct str s, double *out);
/* Same for a NUL-terminated string (replacement for atoi/strtol). */
enum eb_err cstr_to_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Copies at most cap-1 bytes and NUL-terminates; returns the length copied. */
size_t str_copy(char *dst, size_t cap, const char *src);
/* s without leading and trailing white space, copied into tmp (cap bytes,
 * cut to fit); "" for NULL. Returns tmp (or a static ""). */
const char *str_trimmed(const char *s, char *tmp, size_t cap);

/* True when s is valid UTF-8 text (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) without a NUL byte, which a C string
 * would silently cut. Otherwise false with *bad set to the offset of the
 * first byte that is not part of a valid character (bad may be NULL). */
bool str_utf8_valid(struct str s, size_t *bad);

/* The length of url without its trailing '/' when it is the address of a
 * site for people to open (http:// or https://, a host, printable ASCII
 * without quotes, '<', '>', '\\', '`', a query or a fragment, at most max
 * bytes); 0 otherwise. */
size_t str_site_url_len(const char *url, size_t max);

#endif
