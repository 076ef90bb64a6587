/* Unit tests of base/: arena, buf, str, time, rng. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/rng.h"
#include "base/str.h"
#include "base/timeutil.h"

static void arena_allocates_aligned_and_large(void **state)
{
	struct arena a;
	arena_init(&a);
	char *s = arena_strdup(&a, "hello");
	assert_string_equal(s, "hello");
	void *p = arena_alloc(&a, 3);
	assert_int_equal((uintptr_t)p % 16, 0);
	char *big = arena_zalloc(&a, 1 << 21);
	assert_non_null(big);
	assert_int_equal(big[(1 << 21) - 1], 0);
	char *f = arena_printf(&a, "%d-%s", 42, "x");
	assert_string_equal(f, "42-x");
	arena_reset(&a);
	assert_non_null(arena_alloc(&a, 10));
	arena_free(&a);
}

static void buf_cap_is_sticky(void **state)
{
	struct buf b;
	buf_init(&b, 8);
	buf_puts(&b, "12345");
	assert_false(buf_failed(&b));
	buf_puts(&b, "6789");
	assert_true(buf_failed(&b));
	assert_int_equal(b.err, EB_ETOOBIG);
	buf_puts(&b, "a");
	assert_string_equal(buf_cstr(&b), "12345");
	buf_reset(&b);
	buf_printf(&b, "%d", 1234567);
	assert_string_equal(buf_cstr(&b), "1234567");
	buf_free(&b);
	struct buf big;
	buf_init(&big, 0);
	for (int i = 0; i < 1000; i++)
		buf_printf(&big, "%04d", i);
	assert_int_equal(big.len, 4000);
	size_t n;
	char *d = buf_detach(&big, &n);
	assert_int_equal(n, 4000);
	assert_int_equal(memcmp(d + 3996, "0999", 4), 0);
	free(d);
}

static void str_numbers_are_strict(void **state)
{
	int64_t v;
	assert_int_equal(cstr_to_i64("42", 0, 100, &v), EB_OK);
	assert_int_equal(v, 42);
	assert_int_equal(cstr_to_i64("42x", 0, 100, &v), EB_EINVAL);
	assert_int_equal(cstr_to_i64("", 0, 100, &v), EB_EINVAL);
	assert_int_equal(cstr_to_i64(" 4", 0, 100, &v), EB_EINVAL);
	assert_int_equal(cstr_to_i64("101", 0, 100, &v), EB_EINVAL);
	assert_int_equal(cstr_to_i64("99999999999999999999", 0, INT64_MAX, &v), EB_EINVAL);
	double d;
	assert_int_equal(str_to_double(str_from("0.25"), &d), EB_OK);
	assert_true(d == 0.25);
	assert_int_equal(str_to_double(str_from("nan"), &d), EB_EINVAL);
	assert_int_equal(str_to_double(str_from("1e999"), &d), EB_EINVAL);
	struct str t = str_trim(str_from("  ab \r\n"));
	assert_true(str_eq_cstr(t, "ab"));
	assert_true(str_ieq_cstr(str_from("Scheduled"), "scheduled"));
	char small[4];
	assert_int_equal(str_copy(small, sizeof small, "abcdef"), 3);
	assert_string_equal(small, "abc");
}

/* the shared reason writer and trimmed copy the domain files use */
static void say_and_trimmed(void **state)
{
	char why[16], tmp[6];
	assert_int_equal(eb_say(why, sizeof why, EB_EINVAL, "due %d days early", 12), EB_EINVAL);
	assert_string_equal(why, "due 12 days ear");
	assert_int_equal(eb_say(NULL, 0, EB_ENOTFOUND, "x"), EB_ENOTFOUND);
	assert_string_equal(str_trimmed("  a b \t\n", tmp, sizeof tmp), "a b");
	assert_string_equal(str_trimmed(" abcdefgh ", tmp, sizeof tmp), "abcde");
	assert_string_equal(str_trimmed(NULL, tmp, sizeof tmp), "");
}

static void utf8_validity(void **state)
{
	size_t bad = 99;
	assert_true(str_utf8_valid(str_from("plain ASCII"), &bad));
	assert_true(str_utf8_valid(
		str_from("Jos\xC3\xA9 \xE2\x82\xAC \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF"), NULL));
	assert_true(str_utf8_valid((struct str){ "", 0 }, &bad));
	static const struct {
		const char *s;
		size_t at;
	} no[] = {
		{ "ab\xFF", 2 },	   /* never in UTF-8 */
		{ "\xFF\xFE", 0 },	   /* a UTF-16 byte-order mark */
		{ "x\x80", 1 },		   /* continuation without a lead */
		{ "\xC1\xBF", 0 },	   /* overlong two bytes */
		{ "\xE0\x9F\xBF", 0 },	   /* overlong three bytes */
		{ "\xF0\x8F\xBF\xBF", 0 }, /* overlong four bytes */
		{ "a\xED\xA0\x80", 1 },	   /* a surrogate */
		{ "\xF4\x90\x80\x80", 0 }, /* above U+10FFFF */
		{ "\xF5\x80\x80\x80", 0 },
		{ "abc\xE2\x82", 3 },	   /* cut short */
		{ "\xE2\x28\xA1", 0 },	   /* a bad second byte */
		{ "\xF0\x90\x28\xBC", 0 }, /* a bad third byte */
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		bad = 99;
		assert_false(str_utf8_valid(str_from(no[i].s), &bad));
		assert_int_equal(bad, no[i].at);
	}
	/* a NUL inside the view */
	assert_false(str_utf8_valid((struct str){ "a\0b", 3 }, &bad));
	assert_int_equal(bad, 1);
}

static void dates_parse_strictly(void **state)
{
	int32_t days;
	assert_int_equal(date_parse_ymd(str_from("1970-01-02"), &days), EB_OK);
	assert_int_equal(days, 1);
	assert_int_equal(date_parse_ymd(str_from("2024-02-29"), &days), EB_OK);
	assert_int_equal(date_parse_ymd(str_from("2023-02-29"), &days), EB_EINVAL);
	assert_int_equal(date_parse_ymd(str_from("2023-13-01"), &days), EB_EINVAL);
	assert_int_equal(date_parse_ymd(str_from("1/05/2023"), &days), EB_EINVAL);
	int64_t t;
	int32_t ms;
	assert_int_equal(time_parse_iso(str_from("2023-05-01T18:25:43.511Z"), &t, &ms), EB_OK);
	assert_int_equal(t, 1682965543);
	assert_int_equal(ms, 511);
	assert_int_equal(time_parse_iso(str_from("2023-05-01T20:25:43+02:00"), &t, &ms), EB_OK);
	assert_int_equal(t, 1682965543);
	assert_int_equal(time_parse_iso(str_from("2023-05-01T18:25:43"), &t, &ms), EB_EINVAL);
	char out[32];
	time_format_iso(1682965543, out);
	assert_string_equal(out, "2023-05-01T18:25:43Z");
	int y;
	unsigned m, d;
	civil_from_days(days_from_civil(2000, 2, 29), &y, &m, &d);
	assert_int_equal(y, 2000);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
}

static void rng_is_reproducible(void **state)
{
	struct rng a, b;
	rng_seed(&a, 7);
	rng_seed(&b, 7);
	for (int i = 0; i < 100; i++)
		assert_true(rng_next(&a) == rng_next(&b));
	double sum = 0, sq = 0;
	for (int i = 0; i < 100000; i++) {
		double x = rng_normal(&a);
		sum += x;
		sq += x * x;
	}
	assert_true(sum / 100000 < 0.02 && sum / 100000 > -0.02);
	assert_true(sq / 100000 > 0.97 && sq / 100000 < 1.03);
	for (int i = 0; i < 1000; i++)
		assert_true(rng_below(&a, 10) < 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_allocates_aligned_and_large),
		cmocka_unit_test(buf_cap_is_sticky),
		cmocka_unit_test(str_numbers_are_strict),
		cmocka_unit_test(say_and_trimmed),
		cmocka_unit_test(utf8_validity),
		cmocka_unit_test(dates_parse_strictly),
		cmocka_unit_test(rng_is_reproducible),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
