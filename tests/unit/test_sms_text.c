/* Unit tests of domain/sms_text: GSM-7 / UCS-2 counts from a table written
 * from 3GPP TS 23.038 (counts worked out by hand), and fitting a family's
 * text and link into the segment budget. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/sms_text.h"

/* n copies of s */
static char *rep(const char *s, size_t n)
{
	size_t l = strlen(s);
	char *o = malloc(l * n + 1);
	assert_non_null(o);
	for (size_t i = 0; i < n; i++)
		memcpy(o + i * l, s, l);
	o[l * n] = 0;
	return o;
}

/* a + b + c (each may be NULL) */
static char *cat3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a ? a : "") + strlen(b ? b : "") + strlen(c ? c : "");
	char *o = malloc(n + 1);
	assert_non_null(o);
	snprintf(o, n + 1, "%s%s%s", a ? a : "", b ? b : "", c ? c : "");
	return o;
}

struct row {
	const char *what;
	char *text;
	enum sms_encoding enc;
	size_t chars, units, segments;
};

static void check(const struct row *r)
{
	struct sms_count c;
	assert_true(sms_count(r->text, strlen(r->text), &c));
	if (c.enc != r->enc || c.chars != r->chars || c.units != r->units ||
	    c.segments != r->segments)
		fail_msg("%s: got %s chars %zu units %zu segments %zu", r->what,
			 c.enc == SMS_GSM7 ? "GSM-7" : "UCS-2", c.chars, c.units, c.segments);
}

static void counts_by_table(void **state)
{
	struct row t[] = {
		{ "empty", rep("", 1), SMS_GSM7, 0, 0, 0 },
		{ "plain", rep("Hello", 1), SMS_GSM7, 5, 5, 1 },
		/* '$' '@' '_' are cells of the default alphabet */
		{ "$@_", rep("$@_", 1), SMS_GSM7, 3, 3, 1 },
		/* the extension table: 2 septets each */
		{ "euro", rep("\xE2\x82\xAC", 1), SMS_GSM7, 1, 2, 1 },
		{ "bracket", rep("[", 1), SMS_GSM7, 1, 2, 1 },
		{ "ext all", rep("^{}\\[~]|\xE2\x82\xAC", 1), SMS_GSM7, 9, 18, 1 },
		/* accents of the alphabet: é ñ ü à ¿ */
		{ "spanish gsm",
		  rep("\xC2\xBFQu\xC3\xA9 ma\xC3\xB1"
		      "ana?",
		      1),
		  SMS_GSM7, 12, 12, 1 },
		/* 'ó' is not in it: the whole message goes UCS-2 */
		{ "spanish ucs2", rep("C\xC3\xB3mo", 1), SMS_UCS2, 4, 4, 1 },
		/* lower-case ç is not in it either (only Ç), nor '`' */
		{ "c cedilla", rep("\xC3\xA7", 1), SMS_UCS2, 1, 1, 1 },
		{ "backtick", rep("`", 1), SMS_UCS2, 1, 1, 1 },
		/* 160 / 161 / 306 / 307 septets */
		{ "160", rep("a", 160), SMS_GSM7, 160, 160, 1 },
		{ "161", rep("a", 161), SMS_GSM7, 161, 161, 2 },
		{ "306", rep("a", 306), SMS_GSM7, 306, 306, 2 },
		{ "307", rep("a", 307), SMS_GSM7, 307, 307, 3 },
		/* 158 + € = 160 septets: one segment */
		{ "158+euro", cat3(rep("a", 158), "\xE2\x82\xAC", NULL), SMS_GSM7, 159, 160, 1 },
		/* 152 a, €, 152 a = 306 septets, but the escape may not be
		 * split: 152 | € + 151 | 1 = three segments */
		{ "escape not split", cat3(rep("a", 152), "\xE2\x82\xAC", rep("a", 152)), SMS_GSM7,
		  305, 306, 3 },
		/* Vietnamese: "Con của bạn đã học" (18 characters) */
		{ "vietnamese",
		  rep("Con c\xE1\xBB\xA7"
		      "a b\xE1\xBA\xA1n \xC4\x91\xC3\xA3 h\xE1\xBB\x8D"
		      "c",
		      1),
		  SMS_UCS2, 18, 18, 1 },
		/* Arabic "مرحبا" */
		{ "arabic", rep("\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", 1), SMS_UCS2, 5, 5, 1 },
		/* Chinese: 70 / 71 / 134 / 135 characters of 你 */
		{ "zh 70", rep("\xE4\xBD\xA0", 70), SMS_UCS2, 70, 70, 1 },
		{ "zh 71", rep("\xE4\xBD\xA0", 71), SMS_UCS2, 71, 71, 2 },
		{ "zh 134", rep("\xE4\xBD\xA0", 134), SMS_UCS2, 134, 134, 2 },
		{ "zh 135", rep("\xE4\xBD\xA0", 135), SMS_UCS2, 135, 135, 3 },
		/* an emoji is a surrogate pair: 2 units */
		{ "emoji", rep("\xF0\x9F\x91\x8D", 1), SMS_UCS2, 1, 2, 1 },
		{ "35 emoji", rep("\xF0\x9F\x91\x8D", 35), SMS_UCS2, 35, 70, 1 },
		/* 66 a, emoji, 66 a = 134 units; the pair may not be split:
		 * 66 | pair + 65 | 1 = three segments */
		{ "pair not split", cat3(rep("a", 66), "\xF0\x9F\x91\x8D", rep("a", 66)), SMS_UCS2,
		  133, 134, 3 },
		/* Korean "안녕" and a GSM-7 text with one Cyrillic letter */
		{ "korean", rep("\xEC\x95\x88\xEB\x85\x95", 1), SMS_UCS2, 2, 2, 1 },
		{ "one cyrillic", cat3(rep("a", 69), "\xD0\x96", NULL), SMS_UCS2, 70, 70, 1 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		check(&t[i]);
		free(t[i].text);
	}
}

static void bad_utf8_refused(void **state)
{
	struct sms_count c;
	assert_false(sms_count("\xC3", 1, &c));		/* cut short */
	assert_false(sms_count("\xC0\xAF", 2, &c));	/* overlong */
	assert_false(sms_count("\xED\xA0\x80", 3, &c)); /* a surrogate */
	assert_false(sms_count("\xF4\x90\x80\x80", 4, &c));
	struct buf b = BUF_INIT;
	assert_int_equal(sms_fit("\xFF", "x", SMS_BUDGET_DEFAULT, &b, NULL), EB_EINVAL);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static const char *LINK =
	"https://edbridge.example.org/f/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";

/* the fitted message: the tail whole at the end, within budget, a prefix
 * of text before it (shortened: with the ellipsis) */
static void check_fit(const char *text, const char *tail, bool expect_cut, const char *ell)
{
	struct buf b = BUF_INIT;
	struct sms_count c;
	assert_int_equal(sms_fit(text, tail, SMS_BUDGET_DEFAULT, &b, &c), EB_OK);
	const char *m = buf_cstr(&b);
	struct sms_count again;
	assert_true(sms_count(m, b.len, &again));
	assert_int_equal(again.segments, c.segments);
	assert_true(c.segments <= (c.enc == SMS_GSM7 ? 2 : 3));
	size_t tl = strlen(tail);
	assert_true(b.len >= tl);
	assert_string_equal(m + b.len - tl, tail);
	if (!expect_cut) {
		assert_int_equal(strncmp(m, text, strlen(text)), 0);
	} else {
		const char *e = strstr(m, ell);
		assert_non_null(e);
		size_t kept = (size_t)(e - m);
		assert_true(kept > 0);
		assert_int_equal(strncmp(m, text, kept), 0);
		assert_int_equal(e[strlen(ell)], ' ');
		assert_string_equal(e + strlen(ell) + 1, tail);
	}
	buf_free(&b);
}

static void fits_untouched_when_short(void **state)
{
	struct buf b = BUF_INIT;
	struct sms_count c;
	assert_int_equal(sms_fit("Ana worked on fractions.", LINK, SMS_BUDGET_DEFAULT, &b, &c),
			 EB_OK);
	char want[256];
	snprintf(want, sizeof want, "Ana worked on fractions. %s", LINK);
	assert_string_equal(buf_cstr(&b), want);
	assert_int_equal(c.enc, SMS_GSM7);
	assert_int_equal(c.segments, 1);
	buf_free(&b);
}

static void cut_at_a_word_never_the_link(void **state)
{
	char *words = rep("practice ", 60); /* 540 septets */
	struct buf b = BUF_INIT;
	struct sms_count c;
	assert_int_equal(sms_fit(words, LINK, SMS_BUDGET_DEFAULT, &b, &c), EB_OK);
	const char *m = buf_cstr(&b);
	assert_int_equal(c.enc, SMS_GSM7);
	assert_int_equal(c.segments, 2);
	/* "... practice..." then the link: the cut is at a word's end */
	const char *e = strstr(m, "... ");
	assert_non_null(e);
	assert_string_equal(e + 4, LINK);
	size_t kept = (size_t)(e - m);
	assert_int_equal(strncmp(m, words, kept), 0);
	assert_int_equal(words[kept], ' ');
	/* and it uses the room: less than one word would not fit more */
	assert_true(c.units > 306 - 12);
	buf_free(&b);
	free(words);
}

static void chinese_emoji_and_escapes_kept_whole(void **state)
{
	char *zh = rep("\xE4\xBD\xA0\xE5\xA5\xBD", 150); /* 300 characters, no spaces */
	char *emoji = rep("\xF0\x9F\x91\x8D", 200);
	char *euro = rep("\xE2\x82\xAC", 400);
	const char *texts[] = { zh, emoji, euro };
	for (size_t i = 0; i < 3; i++) {
		struct buf b = BUF_INIT;
		struct sms_count c;
		assert_int_equal(sms_fit(texts[i], LINK, SMS_BUDGET_DEFAULT, &b, &c), EB_OK);
		const char *m = buf_cstr(&b);
		assert_true(sms_count(m, b.len, &c)); /* valid UTF-8: nothing split */
		if (i == 2) {
			assert_int_equal(c.enc, SMS_GSM7);
			assert_true(c.segments <= 2);
			assert_non_null(strstr(m, "... "));
		} else {
			assert_int_equal(c.enc, SMS_UCS2);
			assert_true(c.segments <= 3);
			assert_non_null(strstr(m, "\xE2\x80\xA6 "));
		}
		assert_string_equal(m + b.len - strlen(LINK), LINK);
		/* the kept text is a prefix of the original */
		const char *ell = i == 2 ? "..." : "\xE2\x80\xA6";
		size_t kept = (size_t)(strstr(m, ell) - m);
		assert_int_equal(strncmp(m, texts[i], kept), 0);
		buf_free(&b);
	}
	free(zh);
	free(emoji);
	free(euro);
}

static void never_before_a_combining_mark(void **state)
{
	/* "e" + COMBINING ACUTE ACCENT, 300 times */
	char *dec = rep("e\xCC\x81", 300);
	struct buf b = BUF_INIT;
	assert_int_equal(sms_fit(dec, LINK, SMS_BUDGET_DEFAULT, &b, NULL), EB_OK);
	const char *m = buf_cstr(&b);
	size_t kept = (size_t)(strstr(m, "\xE2\x80\xA6") - m);
	assert_int_equal(strncmp(m, dec, kept), 0);
	/* the next character of the original is a base letter */
	assert_int_equal(dec[kept], 'e');
	buf_free(&b);
	free(dec);
}

static void a_tail_too_long_is_refused(void **state)
{
	char *tail = rep("x", 400);
	struct buf b = BUF_INIT;
	assert_int_equal(sms_fit("Hello", tail, SMS_BUDGET_DEFAULT, &b, NULL), EB_ETOOBIG);
	assert_int_equal(b.len, 0);
	/* a text of nothing: just the tail */
	assert_int_equal(sms_fit(NULL, LINK, SMS_BUDGET_DEFAULT, &b, NULL), EB_OK);
	assert_string_equal(buf_cstr(&b), LINK);
	buf_free(&b);
	free(tail);
	check_fit("short", LINK, false, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_by_table),
		cmocka_unit_test(bad_utf8_refused),
		cmocka_unit_test(fits_untouched_when_short),
		cmocka_unit_test(cut_at_a_word_never_the_link),
		cmocka_unit_test(chinese_emoji_and_escapes_kept_whole),
		cmocka_unit_test(never_before_a_combining_mark),
		cmocka_unit_test(a_tail_too_long_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
