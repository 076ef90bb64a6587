/* Unit tests of web/: html escaping, multipart, form and cookie parsing, charts,
 * the navigation built from the route table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/auth.h"
#include "web/chart.h"
#include "web/html.h"
#include "web/http.h"
#include "web/multipart.h"
#include "web/page.h"
#include "web/router.h"

static void html_escapes_everything_that_matters(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	html_text(&b, "<a href=\"x\">Tom & 'Jerry'</a>");
	assert_string_equal(buf_cstr(&b),
			    "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
	buf_reset(&b);
	html_url(&b, "3.NF.A.1 /?&=é");
	assert_string_equal(buf_cstr(&b), "3.NF.A.1%20%2F%3F%26%3D%C3%A9");
	buf_reset(&b);
	html_text(&b, NULL);
	assert_string_equal(buf_cstr(&b), "");
	buf_free(&b);
}

static void url_decode_rejects_bad_escapes(void **state)
{
	char a[] = "a+b%20c%2Fd";
	assert_true(http_url_decode(a));
	assert_string_equal(a, "a b c/d");
	char bad[] = "%zz";
	assert_false(http_url_decode(bad));
	char cut[] = "abc%2";
	assert_false(http_url_decode(cut));
}

static void multipart_finds_the_file(void **state)
{
	const char *ct = "multipart/form-data; boundary=XyZ";
	const char body[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n"
		"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.zip\"\r\n"
		"Content-Type: application/zip\r\n\r\nPK\x03\x04\r\n--XyZ--\r\n";
	struct multipart_part p;
	assert_int_equal(multipart_find(ct, body, sizeof body - 1, "file", &p), EB_OK);
	assert_int_equal(p.len, 4);
	assert_memory_equal(p.data, "PK\x03\x04", 4);
	assert_string_equal(p.filename, "r.zip");
	assert_int_equal(multipart_find(ct, body, sizeof body - 1, "csrf", &p), EB_OK);
	assert_int_equal(p.len, 3);
	assert_string_equal(p.filename, "");
	assert_int_equal(multipart_find(ct, body, sizeof body - 1, "other", &p), EB_ENOTFOUND);
	assert_int_equal(multipart_find("text/plain", body, sizeof body - 1, "file", &p),
			 EB_EINVAL);
	assert_int_equal(multipart_find(ct, body, 20, "file", &p), EB_EINVAL);
	assert_int_equal(
		multipart_find("multipart/form-data; boundary=", body, sizeof body - 1, "file", &p),
		EB_EINVAL);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void forest_plot_draws_each_row_and_cuts_labels_whole(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	chart_forest(&b, "forest", "t", "c", NULL, 0);
	assert_int_equal(b.len, 0);
	/* 43 bytes, then a 2-byte character across the 44-byte cut */
	const char *long_title = "Fractions on a number line, grades 3 to 5, \xC3\xA9t\xC3\xA9";
	struct chart_interval rows[] = {
		{ "Short <b>", 0.3, 0.1, 0.5, SVG_POSITIVE },
		{ long_title, -5, -9, 9, SVG_NEUTRAL },
	};
	chart_forest(&b, "forest", "Effects", "effect size", rows, 2);
	const char *s = buf_cstr(&b);
	assert_int_equal(count(s, "<circle"), 2);
	assert_non_null(strstr(s, ">Short &lt;b&gt;</text>"));
	assert_non_null(
		strstr(s, ">Fractions on a number line, grades 3 to 5, \xE2\x80\xA6</text>"));
	assert_null(strstr(s, "\xC3\xE2")); /* never half a character */
	/* the axis is clamped to -2..2 */
	assert_non_null(strstr(s, ">-2.00</text>"));
	assert_non_null(strstr(s, ">2.00</text>"));
	buf_free(&b);
}

/* The tool page's volume chart: real SVG elements (the page once wrote them
 * through html_textf, escaped, and the browser showed markup as text and
 * dropped the rest of the page), tooltips escaped, zero days flat, a small
 * day still visible. */
static void column_chart_is_markup_and_escapes_only_text(void **state)
{
	struct buf b;
	buf_init(&b, 0);
	chart_columns(&b, "volume", "t", NULL, NULL, 0);
	assert_int_equal(b.len, 0);
	const double v[] = { 0, 1000, 1, 500 };
	const char *const tips[] = { "day <1>", "day 2", "day 3", NULL };
	chart_columns(&b, "volume", "Events & days", v, tips, 4);
	const char *s = buf_cstr(&b);
	assert_int_equal(count(s, "<rect "), 4);
	assert_int_equal(count(s, "&lt;"), 1);
	assert_non_null(strstr(s, "<title>day &lt;1&gt;</title></rect>"));
	assert_non_null(strstr(s, ">Events &amp; days</title>"));
	assert_non_null(strstr(s, "height=\"0.00\""));	 /* the zero day */
	assert_non_null(strstr(s, "height=\"1.00\""));	 /* 1 of 1000: still drawn */
	assert_non_null(strstr(s, "height=\"116.00\"")); /* the largest: full height */
	assert_null(strstr(s, "&lt;rect"));
	assert_true(s[b.len - 1] == '>' && strstr(s, "</svg>") == s + b.len - 6);
	buf_free(&b);
}

/* The navigation of one viewer as "/a /b ..." */
static const char *nav_of(bool signed_in, unsigned mask)
{
	static char out[512];
	const struct route *nav[ROUTER_NAV_MAX];
	size_t n = router_nav(signed_in, mask, nav, ROUTER_NAV_MAX);
	out[0] = '\0';
	for (size_t i = 0, k = 0; i < n; i++)
		k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", i ? " " : "",
				      nav[i]->pattern);
	return out;
}

/* For every viewer (signed out, and every combination of roles): each link
 * shown is a GET route without parameters that the viewer may open, one per
 * position, in order; and each route with a link that the viewer may open
 * has its position filled (a new page appears where it should). */
static void nav_shows_only_and_all_routes_the_viewer_may_get(void **state)
{
	for (unsigned mask = 0; mask < (1u << ROLE__COUNT); mask++)
		for (int in = 0; in < 2; in++) {
			if (!in && mask)
				continue;
			const struct route *nav[ROUTER_NAV_MAX];
			size_t n = router_nav(in, mask, nav, ROUTER_NAV_MAX);
			for (size_t i = 0; i < n; i++) {
				const struct route *r = nav[i];
				assert_string_equal(r->method, "GET");
				assert_null(strpbrk(r->pattern, ":*"));
				assert_true((r->flags & ROUTE_PUBLIC) || (in && (mask & r->roles)));
				if (i)
					assert_true(nav[i - 1]->nav_at < r->nav_at);
			}
			for (size_t j = 0; j < routes_count; j++) {
				const struct route *r = &routes[j];
				unsigned to = r->nav_for ? r->nav_for : NAV_SIGNED_IN;
				if (!r->nav || !(to & (in ? NAV_SIGNED_IN : NAV_SIGNED_OUT)) ||
				    !((r->flags & ROUTE_PUBLIC) || (in && (mask & r->roles))))
					continue;
				bool placed = false;
				for (size_t i = 0; i < n; i++)
					placed |= nav[i]->nav_at == r->nav_at;
				if (!placed)
					fail_msg("mask %#x: %s has no link", mask, r->pattern);
			}
		}
}

/* Each role alone sees the navigation it saw when it was written by hand,
 * plus Schools for the staff roles that may open it (IT staff, tech
 * champions, vendor contacts). */
static void nav_of_each_role(void **state)
{
	static const struct {
		int role;
		const char *nav;
	} want[] = {
		/* issue 14: /devices, /trainings, /kb, /tickets; issue 15: /coaching */
		{ ROLE_DISTRICT_ADMIN,
		  "/home /schools /standards /tools /plans /devices /trainings"
		  " /initiatives /coaching /assessments /kb /admin/users /admin/audit /tickets" },
		{ ROLE_COORDINATOR,
		  "/home /schools /standards /tools /plans /trainings /initiatives"
		  " /coaching /assessments /kb /tickets" },
		{ ROLE_PRINCIPAL, "/home /schools /standards /tools /plans /devices /trainings"
				  " /initiatives /coaching /assessments /kb /tickets" },
		{ ROLE_COACH, "/home /schools /standards /tools /plans /trainings /initiatives"
			      " /coaching /assessments /kb /tickets" },
		{ ROLE_TEACHER,
		  "/home /schools /standards /tools /plans /trainings /coaching /assessments /kb"
		  " /tickets" },
		{ ROLE_TECH_CHAMPION,
		  "/home /schools /standards /tools /devices /trainings /kb /tickets" },
		{ ROLE_IT_STAFF,
		  "/home /schools /standards /tools /devices /trainings /kb /tickets" },
		{ ROLE_VENDOR_CONTACT, "/home /standards /tools/approved /kb /tickets" },
		{ ROLE_GUARDIAN, "/home /standards /tools/approved /kb /tickets" },
		{ ROLE_STUDENT, "/home /standards /tools/approved /kb /tickets" },
	};
	assert_string_equal(nav_of(false, 0), "/standards /login");
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_string_equal(nav_of(true, ROLE_BIT(want[i].role)), want[i].nav);
	/* a teacher who is also a parent in the district keeps the staff links */
	assert_string_equal(
		nav_of(true, ROLE_BIT(ROLE_TEACHER) | ROLE_BIT(ROLE_GUARDIAN)),
		"/home /schools /standards /tools /plans /trainings /coaching /assessments"
		" /kb /tickets");
}

/* A Content-Disposition line of 200,000 `xname="`: the parameter search
 * recursed once per match, 200,000 frames deep (a crash in any build where
 * the compiler does not turn the tail call into a loop: -O0, -O1 with
 * sanitizers). Run on a thread with a 256 KiB stack. */
static void *long_disposition(void *arg)
{
	size_t reps = 200000, n = 0;
	const char *head = "--B\r\nContent-Disposition: form-data; ";
	char *body = malloc(strlen(head) + reps * 7 + 64);
	if (!body)
		return NULL;
	memcpy(body, head, strlen(head));
	n = strlen(head);
	for (size_t i = 0; i < reps; i++, n += 7)
		memcpy(body + n, "xname=\"", 7);
	const char *tail = "\r\n\r\ndata\r\n--B--\r\n";
	memcpy(body + n, tail, strlen(tail));
	n += strlen(tail);
	struct multipart_part p;
	enum eb_err *rc = arg;
	*rc = multipart_find("multipart/form-data; boundary=B", body, n, "file", &p);
	free(body);
	return NULL;
}

static void multipart_long_header_line_does_not_nest(void **state)
{
	pthread_attr_t at;
	pthread_t t;
	enum eb_err rc = EB_OK;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 * 1024);
	assert_int_equal(pthread_create(&t, &at, long_disposition, &rc), 0);
	pthread_join(t, NULL);
	pthread_attr_destroy(&at);
	assert_int_equal(rc, EB_ENOTFOUND);
}

static void form_reader_splits_and_decodes(void **state)
{
	struct http_kv kv[4];
	char s[] = "a=1&b=x+y%21&bad=%zz&novalue&=empty&c=&d=4&e=5";
	int n = http_form_parse(s, kv, 4);
	assert_int_equal(n, 4);
	assert_string_equal(kv[0].name, "a");
	assert_string_equal(kv[0].value, "1");
	assert_string_equal(kv[1].value, "x y!");
	assert_string_equal(kv[2].name, ""); /* "=empty": an empty name is a name */
	assert_string_equal(kv[2].value, "empty");
	assert_string_equal(kv[3].name, "c");
	assert_string_equal(kv[3].value, "");
	char empty[] = "";
	assert_int_equal(http_form_parse(empty, kv, 4), 0);
}

static void cookie_reader_finds_the_named_cookie(void **state)
{
	char v[64];
	assert_true(http_cookie_parse("a=1; eb_session=tok-en_9; b=2", "eb_session", v, sizeof v));
	assert_string_equal(v, "tok-en_9");
	assert_true(http_cookie_parse("eb_session=\"quoted\"", "eb_session", v, sizeof v));
	assert_string_equal(v, "quoted");
	assert_true(http_cookie_parse(" x = 1 ;y=2", "x", v, sizeof v));
	assert_string_equal(v, "1");
	/* the first of two wins, as browsers order the more specific first */
	assert_true(http_cookie_parse("s=first; s=second", "s", v, sizeof v));
	assert_string_equal(v, "first");
	/* a name is matched whole, and case counts */
	assert_false(http_cookie_parse("xeb_session=1; EB_SESSION=2", "eb_session", v, sizeof v));
	assert_false(http_cookie_parse("eb_session", "eb_session", v, sizeof v));
	assert_false(http_cookie_parse("", "eb_session", v, sizeof v));
	assert_false(http_cookie_parse(NULL, "eb_session", v, sizeof v));
	/* too long for the caller, or not cookie-octets: no value at all */
	assert_false(http_cookie_parse("s=0123456789", "s", v, 8));
	assert_false(http_cookie_parse("s=a b", "s", v, sizeof v));
	assert_false(http_cookie_parse("s=a\\b", "s", v, sizeof v));
	assert_true(http_cookie_parse("s=", "s", v, sizeof v));
	assert_string_equal(v, "");
}

/* Sign-in returns to a page of this site only (issue 11). */
static void next_path_is_local_only(void **state)
{
	static const char *const ok[] = { "/home", "/students/stu-1/mastery?grade=5&x=%2F%2F",
					  "/whats-working", "/login/codes", "/%0d%0a" };
	static const char *const bad[] = {
		NULL,
		"",
		"home",
		"//evil.example",
		"/\\evil.example",
		"\\\\evil.example",
		"https://evil.example/",
		"javascript:alert(1)",
		"/\t/evil.example",
		"/a\r\nSet-Cookie: x=1",
		"/caf\xC3\xA9",
		"/a b",
		" /home",
		"/login",
		"/login?next=/x",
		"/login/code",
		"/logout#x",
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_true(auth_safe_next(ok[i]));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(auth_safe_next(bad[i]));
	char longer[AUTH_NEXT_MAX + 2];
	memset(longer, 'a', sizeof longer - 1);
	longer[0] = '/';
	longer[sizeof longer - 1] = '\0';
	assert_false(auth_safe_next(longer));
	longer[AUTH_NEXT_MAX] = '\0';
	assert_true(auth_safe_next(longer));
	assert_string_equal(auth_next_or_home("//evil.example"), "/home");
	assert_string_equal(auth_next_or_home("/tools"), "/tools");
}

static void public_url_is_an_address(void **state)
{
	assert_true(page_set_public_url("https://edbridge.example.org/"));
	assert_string_equal(page_public_url(), "https://edbridge.example.org");
	assert_true(page_set_public_url("http://127.0.0.1:8080/edbridge"));
	assert_string_equal(page_public_url(), "http://127.0.0.1:8080/edbridge");
	static const char *const bad[] = {
		"edbridge.example.org", "ftp://x",	  "https://",	      "https:///x",
		"https://a b",		"https://x/?q=1", "https://x/\"><b>", "https://x/#top"
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(page_set_public_url(bad[i]));
		assert_null(page_public_url());
	}
	assert_true(page_set_public_url(NULL));
	assert_null(page_public_url());
}

static void device_labels_in_words(void **state)
{
	char l[64];
	auth_device_label("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like"
			  " Gecko) Chrome/126.0 Mobile Safari/537.36",
			  l, sizeof l);
	assert_string_equal(l, "Chrome on Android");
	auth_device_label(
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
		" (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
		l, sizeof l);
	assert_string_equal(l, "Safari on an iPhone");
	auth_device_label(
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
		" Gecko) Chrome/126.0 Safari/537.36 Edg/126.0",
		l, sizeof l);
	assert_string_equal(l, "Edge on Windows");
	auth_device_label(NULL, l, sizeof l);
	assert_string_equal(l, "A browser");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(html_escapes_everything_that_matters),
		cmocka_unit_test(url_decode_rejects_bad_escapes),
		cmocka_unit_test(multipart_finds_the_file),
		cmocka_unit_test(forest_plot_draws_each_row_and_cuts_labels_whole),
		cmocka_unit_test(column_chart_is_markup_and_escapes_only_text),
		cmocka_unit_test(nav_shows_only_and_all_routes_the_viewer_may_get),
		cmocka_unit_test(nav_of_each_role),
		cmocka_unit_test(multipart_long_header_line_does_not_nest),
		cmocka_unit_test(form_reader_splits_and_decodes),
		cmocka_unit_test(cookie_reader_finds_the_named_cookie),
		cmocka_unit_test(next_path_is_local_only),
		cmocka_unit_test(public_url_is_an_address),
		cmocka_unit_test(device_labels_in_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
