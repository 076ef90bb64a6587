/* test_json.c - the arena JSON reader (base/json) against jansson: the same documents
 * accepted and refused, the same values, and a canonical form that jansson
 * reads back equal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/rng.h"
#include "base/json.h"

/* Parses with both; both must agree on acceptance, and when accepted the
 * canonical dump and the arrival-order dump must read back in jansson equal
 * to jansson's own tree.
 * Returns whether it was accepted. */
static bool agree(const char *text, size_t len)
{
	struct arena a;
	arena_init(&a);
	struct jv_error e;
	struct jv *x = jv_parse(&a, text, len, &e);
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
	if (!!x != !!j)
		fail_msg("disagree on %.*s: base/json %s (%s), jansson %s", (int)len, text,
			 x ? "accepts" : "refuses", x ? "" : e.text, j ? "accepts" : "refuses");
	if (x) {
		struct buf b = BUF_INIT;
		jv_dump_sorted(x, &b, NULL);
		assert_false(buf_failed(&b));
		json_t *back = json_loadb(b.data, b.len, JSON_DECODE_ANY, NULL);
		if (!back || !json_equal(back, j))
			fail_msg("canonical form of %.*s reads back different: %.*s", (int)len,
				 text, (int)b.len, b.data);
		json_decref(back);
		buf_reset(&b);
		jv_dump(x, &b); /* arrival order: reads back equal too */
		back = json_loadb(b.data, b.len, JSON_DECODE_ANY, NULL);
		if (!back || !json_equal(back, j))
			fail_msg("dump of %.*s reads back different: %.*s", (int)len, text,
				 (int)b.len, b.data);
		json_decref(back);
		buf_free(&b);
	}
	json_decref(j);
	arena_free(&a);
	return x != NULL;
}

static void test_accepts_and_refuses_like_jansson(void **state)
{
	(void)state;
	static const char *const docs[] = {
		"{}",
		"[]",
		"0",
		"-0",
		"1.5e3",
		"-12.25E-2",
		"true",
		"false",
		"null",
		"\"\"",
		" {\"a\" : [1, 2.0, {\"b\": null}], \"c\": \"d\\u00e9\\n\\t\\\\\\\"\\/\"} ",
		"\"\\ud83d\\ude00\"",
		"\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
		"9223372036854775807",
		"-9223372036854775808",
		"[1e308]",
		"{\"z\":1,\"a\":2,\"m\":{\"y\":[],\"b\":{}}}",
		/* refused */
		"",
		" ",
		"{",
		"[1,]",
		"{\"a\":1,}",
		"{\"a\" 1}",
		"{a:1}",
		"01",
		"1.",
		".5",
		"-",
		"1e",
		"+1",
		"tru",
		"nul",
		"[1 2]",
		"{\"a\":1,\"a\":2}",
		"\"\\u0000\"",
		"\"\\ud83d\"",
		"\"\\ude00\"",
		"\"\\x\"",
		"\"\x01\"",
		"\"\xc3\"",
		"\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"",
		"\"\xf4\x90\x80\x80\"",
		"9223372036854775808",
		"-9223372036854775809",
		"1e400",
		"{} x",
		"[] []",
		"\"abc",
		"[\"a\"",
		"{\"a\":}",
		"[,1]",
		"\xef\xbb\xbf{}",
	};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
		agree(docs[i], strlen(docs[i]));
	/* an embedded NUL is refused by both */
	agree("[1]\0", 4);
	agree("\"a\0b\"", 5);
}

static void test_values_and_edits(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct jv_error e;
	const char *t = "{\"s\":\"x\\u00e9y\",\"i\":-42,\"r\":0.25,\"b\":true,\"n\":null,"
			"\"arr\":[1,\"two\",[3]],\"o\":{\"k\":\"v\"}}";
	struct jv *x = jv_parse(&a, t, strlen(t), &e);
	assert_non_null(x);
	assert_string_equal(jv_str(jv_get(x, "s")), "x\xc3\xa9y");
	assert_int_equal(jv_get(x, "s")->n, 4);
	assert_true(jv_is_integer(jv_get(x, "i")));
	assert_int_equal(jv_int(jv_get(x, "i")), -42);
	assert_true(jv_num(jv_get(x, "r")) == 0.25);
	assert_false(jv_is_integer(jv_get(x, "r")));
	assert_true(jv_is_true(jv_get(x, "b")));
	assert_true(jv_is_null(jv_get(x, "n")));
	assert_null(jv_get(x, "missing"));
	assert_null(jv_get(NULL, "s"));
	assert_null(jv_str(jv_get(x, "i")));
	assert_int_equal(jv_size(jv_get(x, "arr")), 3);
	assert_string_equal(jv_str(jv_at(jv_get(x, "arr"), 1)), "two");
	assert_null(jv_at(jv_get(x, "arr"), 3));
	size_t i, count = 0;
	struct jv *v;
	struct jv *arr = jv_get(x, "arr");
	jv_array_foreach(arr, i, v) count += v != NULL;
	assert_int_equal(count, 3);
	const char *k, *order[8];
	count = 0;
	jv_object_foreach(x, k, v) order[count++] = k;
	assert_int_equal(count, 7);
	assert_string_equal(order[0], "s");
	assert_string_equal(order[6], "o");
	/* edits */
	struct jv id = jv_string("new");
	assert_true(jv_set(&a, x, "id", &id));
	assert_true(jv_set(&a, x, "s", &id));
	jv_del(x, "arr");
	jv_del(x, "nope");
	assert_true(jv_wrap_array(&a, jv_get(x, "o")));
	struct buf b = BUF_INIT;
	static const char *const skip[] = { "n", NULL };
	jv_dump_sorted(x, &b, skip);
	assert_string_equal(buf_cstr(&b),
			    "{\"b\":true,\"i\":-42,\"id\":\"new\",\"o\":[{\"k\":\"v\"}],\"r\":0.25,"
			    "\"s\":\"new\"}");
	buf_free(&b);
	/* escapes come back out escaped */
	const char *esc = "[\"q\\\"b\\\\c\\u0001\\n/\"]";
	struct jv *y = jv_parse(&a, esc, strlen(esc), &e);
	assert_non_null(y);
	struct buf b2 = BUF_INIT;
	jv_dump_sorted(y, &b2, NULL);
	assert_string_equal(buf_cstr(&b2), "[\"q\\\"b\\\\c\\u0001\\n/\"]");
	buf_free(&b2);
	/* errors carry a position */
	assert_null(jv_parse(&a, "{\n  \"a\": tru }", 14, &e));
	assert_int_equal(e.line, 2);
	assert_int_equal(e.column, 8);
	/* large objects: duplicate keys found past the small-object path */
	struct buf big = BUF_INIT;
	buf_putc(&big, '{');
	for (int n = 0; n < 100; n++)
		buf_printf(&big, "%s\"k%d\":%d", n ? "," : "", n, n);
	buf_puts(&big, ",\"k57\":0}");
	assert_null(jv_parse(&a, big.data, big.len, &e));
	assert_string_equal(e.text, "duplicate object key");
	buf_free(&big);
	/* deep nesting is capped */
	char deep[2 * JV_MAX_DEPTH + 8];
	memset(deep, '[', JV_MAX_DEPTH + 1);
	memset(deep + JV_MAX_DEPTH + 1, ']', JV_MAX_DEPTH + 1);
	assert_null(jv_parse(&a, deep, 2 * JV_MAX_DEPTH + 2, &e));
	assert_non_null(jv_parse(&a, deep + 1, 2 * JV_MAX_DEPTH, &e));
	arena_free(&a);
}

/* jv_dump writes the value as it arrived, less its whitespace: members in
 * their order, numbers as written, strings escaped as jv_dump_sorted does;
 * jansson reads it back equal. */
static void test_dump_in_arrival_order(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	struct jv_error e;
	const char *t = " { \"z\" : 0.10 , \"a\" : [ 1E2 , -0 , { \"y\" : \"q\\\"\\u0001\u00e9\" , "
			"\"b\" : null } ] , \"m\" : { } , \"k\" : [ ] , \"t\" : true } ";
	struct jv *x = jv_parse(&a, t, strlen(t), &e);
	assert_non_null(x);
	struct buf b = BUF_INIT;
	jv_dump(x, &b);
	assert_string_equal(buf_cstr(&b), "{\"z\":0.10,\"a\":[1E2,-0,{\"y\":\"q\\\"\\u0001\u00e9\","
					  "\"b\":null}],\"m\":{},\"k\":[],\"t\":true}");
	json_t *back = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
	json_t *orig = json_loadb(t, strlen(t), JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, orig));
	json_decref(back);
	json_decref(orig);
	buf_free(&b);
	arena_free(&a);
}

/* Random byte edits of valid documents: both readers agree on every one. */
static void test_mutations_agree(void **state)
{
	(void)state;
	static const char *const seeds[] = {
		"{\"actor\":{\"mbox\":\"mailto:a@b.c\",\"name\":\"A\\u00e9\"},\"verb\":{\"id\":"
		"\"http://x/v\",\"display\":{\"en-US\":\"did\"}},\"object\":{\"id\":\"http://x/"
		"o\"},"
		"\"result\":{\"score\":{\"scaled\":0.5,\"raw\":-3},\"success\":true},\"n\":[null,"
		"1e2]}",
		"[\"caf\xc3\xa9\",\"\\ud83d\\ude00\",{\"a\":{\"b\":[[],{}]}},-0.0,123456789012]",
	};
	static const char alphabet[] = "{}[],:\"\\u0123456789abcdefe.-+ \n\x01\x80\xc3\xa9\xed\xf0";
	struct rng r;
	rng_seed(&r, 12345);
	int accepted = 0, total = 0;
	for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
		size_t n = strlen(seeds[s]);
		char buf[512];
		for (int it = 0; it < 20000; it++) {
			memcpy(buf, seeds[s], n);
			size_t len = n;
			int edits = 1 + (int)rng_below(&r, 3);
			for (int k = 0; k < edits; k++) {
				size_t at = rng_below(&r, len);
				switch (rng_below(&r, 3)) {
				case 0: /* replace */
					buf[at] = alphabet[rng_below(&r, sizeof alphabet - 1)];
					break;
				case 1: /* delete */
					memmove(buf + at, buf + at + 1, len - at - 1);
					len--;
					break;
				default: /* insert */
					if (len + 1 < sizeof buf) {
						memmove(buf + at + 1, buf + at, len - at);
						buf[at] = alphabet[rng_below(&r,
									     sizeof alphabet - 1)];
						len++;
					}
				}
			}
			accepted += agree(buf, len);
			total++;
		}
	}
	/* the edits must exercise both outcomes */
	assert_true(accepted > 100);
	assert_true(accepted < total - 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_and_refuses_like_jansson),
		cmocka_unit_test(test_values_and_edits),
		cmocka_unit_test(test_dump_in_arrival_order),
		cmocka_unit_test(test_mutations_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
