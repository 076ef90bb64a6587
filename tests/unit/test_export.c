/* Unit tests of web/export: the CSV writer (RFC 4180, CRLF, quoting, the
 * formula guard, numbers, UTF-8) and the Excel writer (a workbook written,
 * unzipped and its sheet XML read back). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "web/export.h"

/* The CSV of one table: rows of cells, a cell "#1.5" is the number 1.5
 * (2 decimals), anything else text; NULL ends a row, two NULLs the table. */
static char *csv_of(const char *const *cells)
{
	static struct buf out;
	buf_free(&out);
	buf_init(&out, 0);
	struct export x;
	assert_int_equal(export_begin(&x, EXPORT_CSV, NULL, &out), EB_OK);
	for (const char *const *c = cells; c[0] || c[1]; c++) {
		if (!*c)
			export_end_row(&x);
		else if ((*c)[0] == '#')
			export_num(&x, strtod(*c + 1, NULL), 2);
		else
			export_text(&x, *c);
	}
	export_end_row(&x);
	assert_int_equal(export_finish(&x), EB_OK);
	return (char *)buf_cstr(&out);
}

static void csv_quotes_only_what_needs_it_and_ends_records_in_crlf(void **state)
{
	const char *t[] = { "id", "name",  "note", NULL,	 "stu-1", "One, Sam", "said \"hi\"",
			    NULL, "stu-2", "",	   "two\nlines", NULL,	  NULL };
	assert_string_equal(csv_of(t), "id,name,note\r\n"
				       "stu-1,\"One, Sam\",\"said \"\"hi\"\"\"\r\n"
				       "stu-2,,\"two\nlines\"\r\n");
	struct buf out = BUF_INIT;
	struct export x;
	assert_int_equal(export_begin(&x, EXPORT_CSV, NULL, &out), EB_OK);
	export_head(&x, "a");
	export_text(&x, NULL);
	export_head(&x, "b");
	export_end_row(&x);
	export_end_row(&x);
	assert_int_equal(export_finish(&x), EB_OK);
	assert_string_equal(buf_cstr(&out), "a,,b\r\n\r\n");
	buf_free(&out);
}

static void csv_guards_formulas_in_text_only(void **state)
{
	const char *t[] = { "=1+1", "+1",  "-1",     "@SUM(A1)",
			    "\tx",  "\rx", NULL,     "=HYPERLINK(\"x\") <b>v</b>",
			    "a=b",  "1-2", "#-0.25", "#-3",
			    NULL,   NULL };
	assert_string_equal(csv_of(t),
			    "'=1+1,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\"\r\n"
			    "\"'=HYPERLINK(\"\"x\"\") <b>v</b>\",a=b,1-2,-0.25,-3.00\r\n");
}

static void csv_writes_numbers_as_asked(void **state)
{
	struct buf out = BUF_INIT;
	struct export x;
	assert_int_equal(export_begin(&x, EXPORT_CSV, NULL, &out), EB_OK);
	export_num(&x, 8, 0);
	export_num(&x, 0.123456, 4);
	export_num(&x, 205, EXPORT_SHORTEST);
	export_num(&x, 4500, 2);
	export_num(&x, NAN, 2);
	export_num(&x, INFINITY, 0);
	export_num(&x, -1e-9, 3);
	export_end_row(&x);
	assert_int_equal(export_finish(&x), EB_OK);
	assert_string_equal(buf_cstr(&out), "8,0.1235,205,4500.00,,,-0.000\r\n");
	buf_free(&out);
}

static void csv_passes_utf8_through(void **state)
{
	const char *t[] = { "Zoë", "Ångström", "数学", "😀", NULL, NULL };
	assert_string_equal(csv_of(t), "Zoë,Ångström,数学,😀\r\n");
}

static void csv_fails_when_out_is_full(void **state)
{
	struct buf out;
	buf_init(&out, 16);
	struct export x;
	assert_int_equal(export_begin(&x, EXPORT_CSV, NULL, &out), EB_OK);
	for (int i = 0; i < 10; i++)
		export_text(&x, "0123456789");
	export_end_row(&x);
	assert_int_not_equal(export_finish(&x), EB_OK);
	buf_free(&out);
}

static void format_names(void **state)
{
	enum export_format f;
	assert_true(export_format_parse("csv", &f));
	assert_int_equal(f, EXPORT_CSV);
	assert_true(export_format_parse("xlsx", &f));
	assert_int_equal(f, EXPORT_XLSX);
	assert_false(export_format_parse("xls", &f));
	assert_false(export_format_parse("", &f));
	assert_false(export_format_parse(NULL, &f));
}

/* The member `name` of the zip in out, NUL-terminated (free()), or NULL. */
static char *unzip_member(const struct buf *out, const char *name)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(out->data, out->len, 0, &ze);
	assert_non_null(src);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	char *text = NULL;
	zip_stat_t st;
	if (zip_stat(z, name, 0, &st) == 0) {
		zip_file_t *f = zip_fopen(z, name, 0);
		assert_non_null(f);
		text = calloc(1, st.size + 1);
		assert_non_null(text);
		assert_int_equal(zip_fread(f, text, st.size), (zip_int64_t)st.size);
		zip_fclose(f);
	}
	zip_close(z);
	zip_error_fini(&ze);
	return text;
}

static void xlsx_written_and_read_back(void **state)
{
	struct buf out;
	buf_init(&out, 0);
	struct export x;
	assert_int_equal(export_begin(&x, EXPORT_XLSX, "What's working", &out), EB_OK);
	char path[sizeof x.path];
	memcpy(path, x.path, sizeof path);
	assert_int_equal(access(path, F_OK), 0);
	export_head(&x, "name");
	export_head(&x, "score");
	export_end_row(&x);
	export_text(&x, "Zoë");
	export_num(&x, 0.123456789, 2);
	export_end_row(&x);
	export_text(&x, "007");
	export_num(&x, NAN, 2);
	export_end_row(&x);
	export_text(&x, "Nan");
	export_num(&x, -1.25, 2);
	export_end_row(&x);
	export_text(&x, "=1+1");
	export_text(&x, "bad \xff byte");
	export_end_row(&x);
	assert_int_equal(export_finish(&x), EB_OK);
	assert_int_not_equal(access(path, F_OK), 0); /* the temporary file is gone */
	assert_true(out.len > 100);
	assert_memory_equal(out.data, "PK", 2);

	char *book = unzip_member(&out, "xl/workbook.xml");
	assert_non_null(book);
	assert_non_null(strstr(book, "<sheet name=\"What's working\""));
	free(book);
	char *styles = unzip_member(&out, "xl/styles.xml");
	assert_non_null(styles);
	assert_non_null(strstr(styles, "<font><b/>"));
	free(styles);
	/* text is text: the number-looking, the NaN-looking and the formula;
	 * a bad byte becomes U+FFFD */
	char *strings = unzip_member(&out, "xl/sharedStrings.xml");
	assert_non_null(strings);
	static const char *const want[] = { "<si><t>name</t></si><si><t>score</t></si>",
					    "<si><t>Zo\xC3\xAB</t></si>",
					    "<si><t>007</t></si>",
					    "<si><t>Nan</t></si>",
					    "<si><t>=1+1</t></si>",
					    "<si><t>bad \xEF\xBF\xBD byte</t></si>" };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(strings, want[i]))
			fail_msg("sharedStrings.xml lacks %s: %s", want[i], strings);
	free(strings);
	char *sheet = unzip_member(&out, "xl/worksheets/sheet1.xml");
	assert_non_null(sheet);
	static const char *const cells[] = {
		"<c r=\"A1\" s=\"1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\" t=\"s\"><v>1</v></c>",
		"<c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\"><v>0.123456789</v></c></row>",
		"<row r=\"3\" spans=\"1:2\"><c r=\"A3\" t=\"s\"><v>3</v></c></row>",
		"<c r=\"A4\" t=\"s\"><v>4</v></c><c r=\"B4\"><v>-1.25</v></c>",
		"<c r=\"A5\" t=\"s\"><v>5</v></c><c r=\"B5\" t=\"s\"><v>6</v></c>",
	};
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
		if (!strstr(sheet, cells[i]))
			fail_msg("sheet1.xml lacks %s: %s", cells[i], sheet);
	assert_null(strstr(sheet, "<f>"));
	free(sheet);
	buf_free(&out);
}

static void xlsx_refuses_a_bad_sheet_name_and_cleans_up(void **state)
{
	struct buf out = BUF_INIT;
	struct export x;
	assert_int_equal(export_begin(&x, EXPORT_XLSX, "a[1]", &out), EB_EINVAL);
	char path[sizeof x.path];
	memcpy(path, x.path, sizeof path);
	export_text(&x, "ignored");
	export_end_row(&x);
	assert_int_equal(export_finish(&x), EB_EINVAL);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void xlsx_fails_past_its_grid(void **state)
{
	struct buf out = BUF_INIT;
	struct export x;
	assert_int_equal(export_begin(&x, EXPORT_XLSX, NULL, &out), EB_OK);
	for (int i = 0; i <= 16384; i++)
		export_num(&x, i, 0);
	export_end_row(&x);
	assert_int_equal(export_finish(&x), EB_ETOOBIG);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_quotes_only_what_needs_it_and_ends_records_in_crlf),
		cmocka_unit_test(csv_guards_formulas_in_text_only),
		cmocka_unit_test(csv_writes_numbers_as_asked),
		cmocka_unit_test(csv_passes_utf8_through),
		cmocka_unit_test(csv_fails_when_out_is_full),
		cmocka_unit_test(format_names),
		cmocka_unit_test(xlsx_written_and_read_back),
		cmocka_unit_test(xlsx_refuses_a_bad_sheet_name_and_cleans_up),
		cmocka_unit_test(xlsx_fails_past_its_grid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
