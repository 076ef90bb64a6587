/* Unit tests of base/tz: TZif files and POSIX TZ rules, against the C
 * library's own reading of the same files (localtime_r with TZ set, which
 * a single-threaded test may do). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/rng.h"
#include "base/tz.h"

static bool have_tzdata(void)
{
	return access("/usr/share/zoneinfo/America/Chicago", R_OK) == 0;
}

static void names_are_checked(void **state)
{
	assert_true(tz_name_ok("America/Chicago"));
	assert_true(tz_name_ok("UTC"));
	assert_true(tz_name_ok("Etc/GMT+5"));
	assert_true(tz_name_ok("America/Argentina/Buenos_Aires"));
	assert_false(tz_name_ok(NULL));
	assert_false(tz_name_ok(""));
	assert_false(tz_name_ok("/etc/passwd"));
	assert_false(tz_name_ok("../etc/passwd"));
	assert_false(tz_name_ok("America/../../etc"));
	assert_false(tz_name_ok("America//Chicago"));
	assert_false(tz_name_ok("America/Chicago/"));
	assert_false(tz_name_ok("America Chicago"));
	assert_false(tz_name_ok("America/Chicago\n"));
	assert_null(tz_get("Nowhere/Atlantis"));
	assert_null(tz_get("../../etc/passwd"));
	assert_non_null(tz_get("UTC"));
}

static void chicago_known_instants(void **state)
{
	if (!have_tzdata()) {
		skip();
		return;
	}
	const struct tz *z = tz_get("America/Chicago");
	assert_non_null(z);
	assert_ptr_equal(z, tz_get("America/Chicago")); /* read once */
	char out[48];
	tz_format(z, 1736942400, out, sizeof out); /* 2025-01-15 12:00 UTC */
	assert_string_equal(out, "2025-01-15 06:00 CST");
	tz_format(z, 1751371200, out, sizeof out); /* 2025-07-01 12:00 UTC */
	assert_string_equal(out, "2025-07-01 07:00 CDT");
	/* 2025-03-09 02:00 CST is 03:00 CDT */
	tz_format(z, 1741507200 - 60, out, sizeof out);
	assert_string_equal(out, "2025-03-09 01:59 CST");
	tz_format(z, 1741507200, out, sizeof out);
	assert_string_equal(out, "2025-03-09 03:00 CDT");
	/* past the file's transitions: the footer's rule */
	tz_format(z, 4118126400, out, sizeof out); /* 2100-07-01 12:00 UTC */
	assert_string_equal(out, "2100-07-01 07:00 CDT");
	tz_format(z, 4102488000, out, sizeof out); /* 2100-01-01 12:00 UTC */
	assert_string_equal(out, "2100-01-01 06:00 CST");
	tz_format(tz_utc(), 0, out, sizeof out);
	assert_string_equal(out, "1970-01-01 00:00 UTC");
	const struct tz *k = tz_get("Asia/Kolkata");
	assert_non_null(k);
	tz_format(k, 1736942400, out, sizeof out);
	assert_string_equal(out, "2025-01-15 17:30 IST");
}

/* The same offsets as glibc for random instants from 1901 to 2199. */
static void agrees_with_the_c_library(void **state)
{
	if (!have_tzdata()) {
		skip();
		return;
	}
	static const char *const names[] = {
		"America/Chicago",     "America/New_York",  "America/Phoenix",	 "America/Denver",
		"Pacific/Honolulu",    "America/Anchorage", "Europe/London",	 "Australia/Sydney",
		"Australia/Lord_Howe", "Pacific/Chatham",   "America/Sao_Paulo", "Asia/Kolkata",
		"Africa/Casablanca",   "America/Santiago",  "Europe/Dublin",	 "UTC",
	};
	struct rng r;
	rng_seed(&r, 11);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct tz *z = tz_get(names[i]);
		assert_non_null(z);
		setenv("TZ", names[i], 1);
		tzset();
		for (int k = 0; k < 4000; k++) {
			int64_t t = -2145916800LL + (int64_t)(rng_uniform(&r) * 9467280000.0);
			time_t tt = (time_t)t;
			struct tm tm;
			localtime_r(&tt, &tm);
			const char *abbr;
			int32_t off = tz_offset(z, t, &abbr);
			if (off != tm.tm_gmtoff || strcmp(abbr, tm.tm_zone) != 0)
				fail_msg("%s at %lld: %d %s, libc %ld %s", names[i], (long long)t,
					 off, abbr, tm.tm_gmtoff, tm.tm_zone);
		}
	}
	unsetenv("TZ");
	tzset();
}

static void write_file(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

/* A file without transitions, only a POSIX rule; and files that are not
 * TZif or are cut short. */
static void rule_only_and_bad_files(void **state)
{
	char dir[] = "/tmp/eb-tz-XXXXXX";
	assert_non_null(mkdtemp(dir));
	setenv("TZDIR", dir, 1);
	unsigned char f[256];
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		memcpy(f + n, "TZif2", 5);
		memset(f + n + 5, 0, 15);
		/* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
		const uint32_t cnt[6] = { 0, 0, 0, 0, 1, 4 };
		for (int k = 0; k < 6; k++) {
			f[n + 20 + 4 * k] = 0;
			f[n + 21 + 4 * k] = 0;
			f[n + 22 + 4 * k] = 0;
			f[n + 23 + 4 * k] = (unsigned char)cnt[k];
		}
		n += 44;
		const unsigned char type[6] = { 0xff, 0xff, 0xb9, 0xb0, 0, 0 }; /* -18000 */
		memcpy(f + n, type, 6);
		n += 6;
		memcpy(f + n, "EST", 4);
		n += 4;
	}
	const char footer[] = "\nEST5EDT,M3.2.0,M11.1.0\n";
	memcpy(f + n, footer, sizeof footer - 1);
	n += sizeof footer - 1;
	char path[128];
	snprintf(path, sizeof path, "%s/Rule", dir);
	write_file(path, f, n);
	const struct tz *z = tz_get("Rule");
	assert_non_null(z);
	char out[48];
	tz_format(z, 1751371200, out, sizeof out);
	assert_string_equal(out, "2025-07-01 08:00 EDT");
	tz_format(z, 1736942400, out, sizeof out);
	assert_string_equal(out, "2025-01-15 07:00 EST");
	/* cut short, at every length: refused, never read past the end */
	for (size_t cut = 0; cut < n - sizeof footer + 1; cut += 3) {
		snprintf(path, sizeof path, "%s/Cut%zu", dir, cut);
		write_file(path, f, cut);
		snprintf(path, sizeof path, "Cut%zu", cut);
		assert_null(tz_get(path));
	}
	snprintf(path, sizeof path, "%s/Text", dir);
	write_file(path, (const unsigned char *)"not a zone\n", 11);
	assert_null(tz_get("Text"));
	unsetenv("TZDIR");
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_are_checked),
		cmocka_unit_test(chicago_known_instants),
		cmocka_unit_test(agrees_with_the_c_library),
		cmocka_unit_test(rule_only_and_bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
