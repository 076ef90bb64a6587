/* Unit tests of domain/sms: the keywords of the ten languages and quiet
 * hours across the clock changes (expected instants worked out with
 * Python's zoneinfo from the same tzdata). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/tz.h"
#include "domain/sms.h"

static void keywords_in_ten_languages(void **state)
{
	struct {
		const char *body;
		enum sms_keyword kw;
	} t[] = {
		{ "STOP", SMS_KW_STOP },
		{ "stop", SMS_KW_STOP },
		{ "  Stop!  ", SMS_KW_STOP },
		{ "StopAll", SMS_KW_STOP },
		{ "UNSUBSCRIBE", SMS_KW_STOP },
		{ "cancel", SMS_KW_STOP },
		{ "END", SMS_KW_STOP },
		{ "quit.", SMS_KW_STOP },
		{ "opt  out", SMS_KW_STOP },
		{ "ALTO", SMS_KW_STOP },  /* Spanish */
		{ "Parar", SMS_KW_STOP }, /* Spanish, Portuguese */
		{ "BAJA", SMS_KW_STOP },  /* Spanish */
		{ "ARR\xC3\x8A"
		  "TER",
		  SMS_KW_STOP },	    /* ARRÊTER */
		{ "arreter", SMS_KW_STOP }, /* French, no accent */
		{ "STOPE", SMS_KW_STOP },   /* Haitian Creole */
		{ "sispann", SMS_KW_STOP }, /* Haitian Creole */
		{ "PARE", SMS_KW_STOP },    /* Portuguese */
		{ "D\xE1\xBB\xAA"
		  "NG",
		  SMS_KW_STOP }, /* DỪNG */
		{ "d\xE1\xBB\xAB"
		  "ng",
		  SMS_KW_STOP },	 /* dừng */
		{ "DUNG", SMS_KW_STOP }, /* typed without its accents */
		/* dừng with a decomposed accent: d u+031B+0300 n g */
		{ "du\xCC\x9B\xCC\x80ng", SMS_KW_STOP },
		{ "\xE5\x81\x9C\xE6\xAD\xA2", SMS_KW_STOP },		     /* 停止 */
		{ "\xE9\x80\x80\xE8\xAE\xA2", SMS_KW_STOP },		     /* 退订 */
		{ "\xD8\xAA\xD9\x88\xD9\x82\xD9\x81", SMS_KW_STOP },	     /* توقف */
		{ "\xD8\xA5\xD9\x8A\xD9\x82\xD8\xA7\xD9\x81", SMS_KW_STOP }, /* إيقاف */
		{ "\xD0\xA1\xD0\xA2\xD0\x9E\xD0\x9F", SMS_KW_STOP },	     /* СТОП */
		{ "\xD1\x81\xD1\x82\xD0\xBE\xD0\xBF", SMS_KW_STOP },	     /* стоп */
		{ "\xEC\xA4\x91\xEC\xA7\x80", SMS_KW_STOP },		     /* 중지 */
		{ "HINTO", SMS_KW_STOP },				     /* Tagalog */
		{ "HELP", SMS_KW_HELP },
		{ "info", SMS_KW_HELP },
		{ "AIDE", SMS_KW_HELP },
		{ "Ayuda", SMS_KW_HELP },
		{ "AJUDA", SMS_KW_HELP },
		{ "\xC3\xA8"
		  "d",
		  SMS_KW_HELP },			       /* èd */
		{ "tr\xE1\xBB\xA3 gi\xC3\xBAp", SMS_KW_HELP }, /* trợ giúp */
		{ "\xE5\xB8\xAE\xE5\x8A\xA9", SMS_KW_HELP },   /* 帮助 */
		{ "\xD9\x85\xD8\xB3\xD8\xA7\xD8\xB9\xD8\xAF\xD8\xA9", SMS_KW_HELP }, /* مساعدة */
		{ "\xD0\x9F\xD0\x9E\xD0\x9C\xD0\x9E\xD0\xA9\xD0\xAC", SMS_KW_HELP }, /* ПОМОЩЬ */
		{ "\xEB\x8F\x84\xEC\x9B\x80", SMS_KW_HELP },			     /* 도움 */
		{ "tulong", SMS_KW_HELP },
		{ "START", SMS_KW_START },
		{ "unstop", SMS_KW_START },
		{ "Yes", SMS_KW_START },
		{ "\xE5\xBC\x80\xE5\xA7\x8B", SMS_KW_START },		  /* 开始 */
		{ "b\xE1\xBA\xAFt \xC4\x91\xE1\xBA\xA7u", SMS_KW_START }, /* bắt đầu */
		/* a whole message only; other words are for the school */
		{ "please stop", SMS_KW_NONE },
		{ "stop sending me these", SMS_KW_NONE },
		{ "Thank you!", SMS_KW_NONE },
		{ "", SMS_KW_NONE },
		{ "   ", SMS_KW_NONE },
		/* đúng ("right") is not dừng, though it folds the same */
		{ "\xC4\x90\xC3\xBAng", SMS_KW_NONE },
		{ "\xC4\x91\xC3\xBAng", SMS_KW_NONE },
		/* not UTF-8: nothing */
		{ "STOP\xFF", SMS_KW_NONE },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (sms_keyword_of(t[i].body) != t[i].kw)
			fail_msg("\"%s\": got %d, want %d", t[i].body, sms_keyword_of(t[i].body),
				 t[i].kw);
	assert_int_equal(sms_keyword_of(NULL), SMS_KW_NONE);
}

static bool have_tzdata(void)
{
	return access("/usr/share/zoneinfo/America/Chicago", R_OK) == 0 &&
	       access("/usr/share/zoneinfo/Europe/Berlin", R_OK) == 0;
}

static void quiet_hours_across_clock_changes(void **state)
{
	if (!have_tzdata()) {
		skip();
		return;
	}
	const struct tz *chi = tz_get("America/Chicago");
	const struct tz *ber = tz_get("Europe/Berlin");
	struct {
		const char *what;
		const struct tz *z;
		int qs, qe;
		int64_t now, want;
	} t[] = {
		/* 20:00-08:00: noon is not quiet */
		{ "noon", chi, 1200, 480, 1782925200, 1782925200 },
		/* 2026-07-01 21:00 CDT waits for 07-02 08:00 CDT */
		{ "summer night", chi, 1200, 480, 1782957600, 1782997200 },
		/* the night the clocks go forward (2026-03-08): 08:00 CDT,
		 * 13:00 UTC, not 14:00 */
		{ "spring forward", chi, 1200, 480, 1772938800, 1772974800 },
		/* and back (2026-11-01): 08:00 CST is 14:00 UTC */
		{ "fall back", chi, 1200, 480, 1793498400, 1793541600 },
		/* quiet until 02:30, a time 2026-03-08 skips: the change at
		 * 08:00 UTC (02:00 CST becomes 03:00 CDT) ends it */
		{ "end skipped", chi, 1320, 150, 1772953200, 1772956800 },
		/* quiet until 01:30, a time 2026-11-01 has twice: the first */
		{ "end twice", chi, 1320, 90, 1793511000, 1793514600 },
		/* Berlin, 2026-03-28 23:00 CET to 03-29 07:00 CEST */
		{ "berlin", ber, 1320, 420, 1774735200, 1774760400 },
		/* UTC (NULL), not wrapping midnight: 22:00-23:00 */
		{ "utc 22:00", NULL, 1320, 1380, 1782943200, 1782943200 + 3600 },
		/* no quiet hours when start == end */
		{ "none", chi, 600, 600, 1782957600, 1782957600 },
		/* a quiet minute's last second still waits */
		{ "last second", NULL, 1320, 1380, 1782943200 + 3599, 1782943200 + 3600 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int64_t got = sms_quiet_until(t[i].z, t[i].qs, t[i].qe, t[i].now);
		if (got != t[i].want)
			fail_msg("%s: got %lld, want %lld", t[i].what, (long long)got,
				 (long long)t[i].want);
	}
	/* every minute of a year, in Chicago: the answer is never quiet,
	 * and the minute before it (when not now) is */
	for (int64_t now = 1767225600; now < 1767225600 + 366 * 86400; now += 7 * 60 + 13) {
		int64_t u = sms_quiet_until(chi, 1200, 480, now);
		assert_true(u >= now);
		assert_true(u - now <= 13 * 3600);
		assert_int_equal(sms_quiet_until(chi, 1200, 480, u), u);
		if (u > now)
			assert_true(sms_quiet_until(chi, 1200, 480, u - 1) == u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keywords_in_ten_languages),
		cmocka_unit_test(quiet_hours_across_clock_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
