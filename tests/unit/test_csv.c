#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

/* Reads all of text; writes records as "f1|f2;" and errors as "E<line>:<col>;" */
static char *dump(const char *text)
{
	static char out[4096];
	size_t len = strlen(text);
	char *buf = malloc(len + 1);
	memcpy(buf, text, len + 1);
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error e;
	size_t n = 0;
	out[0] = 0;
	csv_init(&r, buf, len);
	enum eb_err rc;
	while ((rc = csv_next(&r, &rec, &e)) != EB_ENOTFOUND) {
		if (rc) {
			n += (size_t)snprintf(out + n, sizeof out - n, "E%zu:%zu;", e.line,
					      e.column);
			continue;
		}
		n += (size_t)snprintf(out + n, sizeof out - n, "@%zu ", rec.line);
		for (size_t i = 0; i < rec.nfields; i++)
			n += (size_t)snprintf(out + n, sizeof out - n, "%s%.*s", i ? "|" : "",
					      (int)rec.fields[i].n, rec.fields[i].p);
		n += (size_t)snprintf(out + n, sizeof out - n, ";");
	}
	free(buf);
	return out;
}

static void test_basic(void **s)
{
	assert_string_equal(dump("a,b,c\n1,2,3\n"), "@1 a|b|c;@2 1|2|3;");
	assert_string_equal(dump("a,b\n1,2"), "@1 a|b;@2 1|2;"); /* no final newline */
	assert_string_equal(dump(""), "");
}

static void test_crlf_and_bom(void **s)
{
	assert_string_equal(dump("\xEF\xBB\xBF"
				 "a,b\r\n1,2\r\n"),
			    "@1 a|b;@2 1|2;");
	assert_string_equal(dump("a,b\r\n1,2\r"), "@1 a|b;@2 1|2;");
	assert_string_equal(dump("a,\"b\"\r"), "@1 a|b;");   /* CR after a quote at EOF */
	assert_string_equal(dump("a\rb,c\n"), "@1 a\rb|c;"); /* lone CR is data */
}

static void test_empty_fields(void **s)
{
	assert_string_equal(dump(",,\n"), "@1 ||;");
	assert_string_equal(dump("a,\n"), "@1 a|;");
	assert_string_equal(dump("a,"), "@1 a|;");
	assert_string_equal(dump("\"\",x\n"), "@1 |x;");
}

static void test_blank_lines_skipped(void **s)
{
	assert_string_equal(dump("a\n\n\r\nb\n"), "@1 a;@4 b;");
}

static void test_quotes(void **s)
{
	assert_string_equal(dump("\"a,b\",\"say \"\"hi\"\"\"\n"), "@1 a,b|say \"hi\";");
	/* a newline inside quotes: the record starts on line 1, the next on line 3 */
	assert_string_equal(dump("\"x\ny\",z\nnext\n"), "@1 x\ny|z;@3 next;");
	assert_string_equal(dump("\"a\"\r\n\"b\"\n"), "@1 a;@2 b;");
}

static void test_errors(void **s)
{
	/* unterminated quote: reported at the line where it opened, field 2 */
	assert_string_equal(dump("ok\nx,\"abc\ndef\n"), "@1 ok;E2:2;");
	/* character after closing quote, then the reader resumes on the next line */
	assert_string_equal(dump("\"a\"b,c\nd\n"), "E1:1;@2 d;");
	/* quote in an unquoted field */
	assert_string_equal(dump("a,b\"c\nd\n"), "E1:2;@2 d;");
}

static void test_error_reason_text(void **s)
{
	char text[] = "a,\"open\n";
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error e;
	csv_init(&r, text, strlen(text));
	assert_int_equal(csv_next(&r, &rec, &e), EB_EPARSE);
	assert_string_equal(e.reason, "unterminated quoted field");
	assert_int_equal(csv_next(&r, &rec, &e), EB_ENOTFOUND);
}

static void test_too_many_fields(void **s)
{
	size_t n = CSV_MAX_FIELDS + 5;
	char *t = malloc(n * 2 + 8);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		t[k++] = 'x';
		t[k++] = i + 1 < n ? ',' : '\n';
	}
	memcpy(t + k, "ok\n", 4);
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error e;
	csv_init(&r, t, strlen(t));
	assert_int_equal(csv_next(&r, &rec, &e), EB_EPARSE);
	assert_string_equal(e.reason, "too many fields in record");
	assert_int_equal(csv_next(&r, &rec, &e), EB_OK);
	assert_int_equal(rec.line, 2);
	free(t);

	/* exactly the maximum is fine */
	t = malloc(CSV_MAX_FIELDS * 2 + 2);
	k = 0;
	for (size_t i = 0; i < CSV_MAX_FIELDS; i++) {
		t[k++] = 'y';
		t[k++] = i + 1 < CSV_MAX_FIELDS ? ',' : '\n';
	}
	csv_init(&r, t, k);
	assert_int_equal(csv_next(&r, &rec, &e), EB_OK);
	assert_int_equal(rec.nfields, CSV_MAX_FIELDS);
	free(t);
}

/* Every field is UTF-8 text, or the record is refused with the line and
 * column of the bad byte, and the reader goes on with the next record. */
static void test_utf8_only(void **s)
{
	/* multi-byte characters are fine: é, ≤, an emoji */
	assert_string_equal(dump("caf\xC3\xA9,\xE2\x89\xA4,\xF0\x9F\x99\x82\n"),
			    "@1 caf\xC3\xA9|\xE2\x89\xA4|\xF0\x9F\x99\x82;");
	/* Latin-1 é, a lone continuation byte, overlong '/', a surrogate, above
	 * U+10FFFF, a truncated sequence at the end of a field */
	assert_string_equal(dump("ok\nx,caf\xE9\nnext\n"), "@1 ok;E2:2;@3 next;");
	assert_string_equal(dump("\x80\n"), "E1:1;");
	assert_string_equal(dump("a,\xC0\xAF\n"), "E1:2;");
	assert_string_equal(dump("\xED\xA0\x80\n"), "E1:1;");
	assert_string_equal(dump("\xF4\x90\x80\x80\n"), "E1:1;");
	assert_string_equal(dump("\xE2\x89,x\n"), "E1:1;");
	/* in a quoted field spanning lines: the line of the bad byte */
	assert_string_equal(dump("h\n\"one\ntwo\xFF\",x\nz\n"), "@1 h;E3:1;@4 z;");

	char text[] = "id,name\n1,Ana\xFF\n";
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error e;
	csv_init(&r, text, strlen(text));
	assert_int_equal(csv_next(&r, &rec, &e), EB_OK);
	assert_int_equal(csv_next(&r, &rec, &e), EB_EPARSE);
	assert_int_equal(e.line, 2);
	assert_int_equal(e.column, 2);
	assert_non_null(strstr(e.reason, "not UTF-8 text: byte FF at byte 4 of the field"));

	/* a UTF-16 export (bytes FF FE first) is named as such */
	char u16[] = "\xFF\xFEi\0d\0,\0\n\0";
	csv_init(&r, u16, sizeof u16 - 1);
	assert_int_equal(csv_next(&r, &rec, &e), EB_EPARSE);
	assert_int_equal(e.line, 1);
	assert_int_equal(e.column, 1);
	assert_non_null(strstr(e.reason, "UTF-16 (byte-order mark FF FE)"));

	/* a NUL byte would cut the text short when stored */
	char nul[] = "a,b\0c\n";
	csv_init(&r, nul, sizeof nul - 1);
	assert_int_equal(csv_next(&r, &rec, &e), EB_EPARSE);
	assert_int_equal(e.column, 2);
	assert_non_null(strstr(e.reason, "NUL byte at byte 2"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_crlf_and_bom),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_blank_lines_skipped),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_reason_text),
		cmocka_unit_test(test_too_many_fields),
		cmocka_unit_test(test_utf8_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
