/* The support reports (/tickets/reports; domain/ticket_report): time to
 * first response and to resolution by tool, tier and school over a period,
 * tickets per 100 active students by tool with the tickets known fixes
 * deflected, the definitions written on the page, and the same as CSV or
 * Excel (web/export). District admins, coordinators and IT see the
 * district (or one school); a principal their school (access_report_school). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/roster.h"
#include "domain/ticket.h"
#include "domain/ticket_report.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/export.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

#define PERIOD_MAX_DAYS 1096 /* three years */

struct period {
	int32_t from_day, to_day; /* inclusive, the district's calendar */
	int64_t from, to;	  /* [from, to) in Unix seconds */
	char from_s[16], to_s[16];
};

static void day_text(int32_t day, char out[16])
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, 16, "%04d-%02u-%02u", y, m, d);
}

/* Midnight at the start of day in zone z, as Unix seconds. */
static int64_t day_start(const struct tz *z, int32_t day)
{
	int64_t t = (int64_t)day * 86400;
	return z ? t - tz_offset(z, t, NULL) : t;
}

/* The period of ?from= and ?to= (YYYY-MM-DD, both days included), by
 * default the 30 days up to today. False when a date cannot be read, from
 * comes after to, or it spans more than three years. */
static bool read_period(struct http_request *req, struct period *p)
{
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	const struct tz *z = NULL;
	if (district_time_zone(req->db, req->session->account.district_id, zname, sizeof zname) ==
	    EB_OK)
		z = tz_get(zname);
	int64_t now = time_now();
	int32_t today = (int32_t)((now + (z ? tz_offset(z, now, NULL) : 0)) / 86400);
	const char *from = http_query(req, "from"), *to = http_query(req, "to");
	p->to_day = today;
	if (to && *to && date_parse_ymd(str_from(to), &p->to_day))
		return false;
	p->from_day = p->to_day - 29;
	if (from && *from && date_parse_ymd(str_from(from), &p->from_day))
		return false;
	if (p->from_day > p->to_day || p->to_day - p->from_day >= PERIOD_MAX_DAYS)
		return false;
	p->from = day_start(z, p->from_day);
	p->to = day_start(z, p->to_day + 1);
	day_text(p->from_day, p->from_s);
	day_text(p->to_day, p->to_s);
	return true;
}

/* A duration for people: "45 min", "3.5 h", "2.1 days"; "no data" for none. */
static void duration(char *out, size_t cap, double s)
{
	if (s < 0)
		snprintf(out, cap, "no data");
	else if (s < 3600)
		snprintf(out, cap, "%.0f min", s / 60);
	else if (s < 48 * 3600)
		snprintf(out, cap, "%.1f h", s / 3600);
	else
		snprintf(out, cap, "%.1f days", s / 86400);
}

static const char *group_label(const struct ticket_report_row *r, enum ticket_report_by by)
{
	enum ticket_tier t;
	if (by == TICKET_REPORT_TIER && ticket_tier_parse(r->key, &t))
		return ticket_tier_label(t);
	if (by == TICKET_REPORT_TOOL && strcmp(r->key, "0") == 0)
		return "No tool (a device or something general)";
	if (by == TICKET_REPORT_SCHOOL && !*r->key)
		return "No school";
	return *r->label ? r->label : r->key;
}

static const char *const by_names[] = { "tool", "tier", "school" };
static const char *const by_heads[] = { "By tool", "By tier", "By school" };

static void times_table(struct http_request *req, const struct ticket_report_row *r, size_t n,
			enum ticket_report_by by)
{
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-by-");
	html_raw(b, by_names[by]);
	html_raw(b, "\"><h2 id=\"h-by-");
	html_raw(b, by_names[by]);
	html_raw(b, "\">");
	html_text(b, by_heads[by]);
	html_raw(b, "</h2>");
	if (!n) {
		html_raw(b, "<p>No tickets were filed in this period.</p></section>");
		return;
	}
	page_scroll_begin(req, by_heads[by]);
	html_raw(b, "<table><thead><tr><th scope=\"col\">");
	html_text(b, by == TICKET_REPORT_TOOL	? "Tool"
		     : by == TICKET_REPORT_TIER ? "Tier"
						: "School");
	html_raw(b, "</th><th scope=\"col\">Tickets</th><th scope=\"col\">First response:"
		    " median</th><th scope=\"col\">First response: 90th percentile</th>"
		    "<th scope=\"col\">Resolution: median</th><th scope=\"col\">Resolution: 90th"
		    " percentile</th><th scope=\"col\">Resolved</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		char d[32];
		html_raw(b, "<tr><th scope=\"row\">");
		html_text(b, group_label(&r[i], by));
		html_raw(b, "</th><td>");
		html_int(b, r[i].tickets);
		double v[] = { r[i].response_median, r[i].response_p90, r[i].resolve_median,
			       r[i].resolve_p90 };
		for (size_t k = 0; k < 4; k++) {
			duration(d, sizeof d, v[k]);
			html_raw(b, "</td><td>");
			html_text(b, d);
		}
		html_raw(b, "</td><td>");
		html_int(b, r[i].resolved);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></section>");
}

static void load_table(struct http_request *req, const struct ticket_report_load *l, size_t n)
{
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-load\"><h2 id=\"h-load\">Tickets per 100 active"
		    " students, by tool</h2>");
	if (!n) {
		html_raw(b, "<p>No tickets were filed in this period.</p></section>");
		return;
	}
	page_scroll_begin(req, "Tickets per 100 active students");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Tool</th><th scope=\"col\">Tickets</th>"
		    "<th scope=\"col\">Active students</th><th scope=\"col\">Tickets per 100"
		    " active students</th><th scope=\"col\">Not filed: a known fix worked</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><th scope=\"row\">");
		html_text(b, l[i].tool_name);
		html_raw(b, "</th><td>");
		html_int(b, l[i].tickets);
		html_raw(b, "</td><td>");
		html_int(b, l[i].active_students);
		html_raw(b, "</td><td>");
		if (l[i].per_100 < 0)
			html_text(b, "no active students");
		else
			html_textf(b, "%.1f", l[i].per_100);
		html_raw(b, "</td><td>");
		html_int(b, l[i].deflected);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></section>");
}

static void definitions(struct buf *b)
{
	html_raw(b, "<section aria-labelledby=\"h-defs\"><h2 id=\"h-defs\">How these figures are"
		    " made</h2><dl>"
		    "<dt>Tickets</dt><dd>Tickets filed in the period, the first and last days"
		    " included, in the district's time zone. Duplicates merged into another"
		    " ticket count once, as that ticket.</dd>"
		    "<dt>First response</dt><dd>From filing to the first public answer of the"
		    " tier holding the ticket, over the tickets that had one.</dd>"
		    "<dt>Resolution</dt><dd>From filing to resolved, less the time spent"
		    " waiting on the reporter, over the tickets resolved.</dd>"
		    "<dt>Median, 90th percentile</dt><dd>Half of the tickets took no longer"
		    " than the median; nine in ten no longer than the 90th percentile"
		    " (interpolated between the closest tickets).</dd>"
		    "<dt>Tier</dt><dd>The tier holding the ticket when it was resolved, or"
		    " now.</dd>"
		    "<dt>Active students</dt><dd>Students of the roster whose learning data"
		    " the tool has sent to edbridge (of the school's students, for one"
		    " school).</dd>"
		    "<dt>Tickets per 100 active students</dt><dd>100 times the tickets of the"
		    " tool over its active students: part of what a tool costs is its"
		    " support.</dd>"
		    "<dt>Not filed: a known fix worked</dt><dd>Reporters who marked a known fix"
		    " \"this fixed it\" on the new-ticket form and filed nothing (the whole"
		    " district).</dd></dl></section>");
}

static void download(struct http_request *req, enum export_format fmt,
		     struct ticket_report_row *const rows[3], const size_t nrows[3],
		     const struct ticket_report_load *l, size_t nl)
{
	struct export x;
	if (!export_respond_begin(req, &x, fmt, "Support"))
		return;
	static const char *const head[] = {
		"table",
		"group",
		"tickets",
		"responded",
		"resolved",
		"first response median (hours)",
		"first response 90th percentile (hours)",
		"resolution median (hours)",
		"resolution 90th percentile (hours)",
		"active students",
		"tickets per 100 active students",
		"not filed: a known fix worked",
	};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		export_head(&x, head[i]);
	export_end_row(&x);
	for (int by = 0; by < 3; by++)
		for (size_t i = 0; i < nrows[by]; i++) {
			const struct ticket_report_row *r = &rows[by][i];
			export_text(&x, by_names[by]);
			export_text(&x, group_label(r, (enum ticket_report_by)by));
			export_num(&x, (double)r->tickets, 0);
			export_num(&x, (double)r->responded, 0);
			export_num(&x, (double)r->resolved, 0);
			double v[] = { r->response_median, r->response_p90, r->resolve_median,
				       r->resolve_p90 };
			for (size_t k = 0; k < 4; k++)
				export_num(&x, v[k] < 0 ? NAN : v[k] / 3600, 2);
			for (size_t k = 0; k < 3; k++)
				export_text(&x, NULL);
			export_end_row(&x);
		}
	for (size_t i = 0; i < nl; i++) {
		export_text(&x, "tickets per 100 active students");
		export_text(&x, l[i].tool_name);
		export_num(&x, (double)l[i].tickets, 0);
		for (size_t k = 0; k < 6; k++)
			export_text(&x, NULL);
		export_num(&x, (double)l[i].active_students, 0);
		export_num(&x, l[i].per_100 < 0 ? NAN : l[i].per_100, 2);
		export_num(&x, (double)l[i].deflected, 0);
		export_end_row(&x);
	}
	export_respond_end(req, &x, "support-report");
}

void page_ticket_reports(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct period p;
	if (!read_period(req, &p)) {
		page_error(req, 400, "Support reports",
			   "The period could not be read: give the first and last days as"
			   " YYYY-MM-DD, the first not after the last, at most three years apart.");
		return;
	}
	unsigned district_wide = (1u << ROLE_DISTRICT_ADMIN) | (1u << ROLE_COORDINATOR) |
				 (1u << ROLE_IT_STAFF);
	const char *school = http_query(req, "school");
	if (school && !*school)
		school = NULL;
	if (a->role_mask & district_wide) {
		if (school && access_school(req->db, a, school) != EB_OK) {
			page_refused(req, "school", school);
			return;
		}
	} else {
		enum eb_err rc = access_report_school(req->db, a, school, &school);
		if (rc) {
			if (rc == EB_ENOTFOUND)
				page_refused(req, "school", school ? school : "");
			else
				page_error(req, 403, "Support reports",
					   "Your account has no school to report on.");
			return;
		}
	}
	enum export_format fmt;
	const char *format = http_query(req, "format");
	bool want_file = format && *format;
	if (want_file && !export_format_parse(format, &fmt)) {
		page_error(req, 400, "Support reports", "The download is csv or xlsx.");
		return;
	}
	struct ticket_report_row *rows[3] = { 0 };
	size_t nrows[3] = { 0 };
	struct ticket_report_load *load = NULL;
	size_t nload = 0;
	enum eb_err rc = db_begin_read(req->db);
	for (int by = 0; !rc && by < 3; by++)
		rc = ticket_report_times(req->db, a->district_id, p.from, p.to, school,
					 (enum ticket_report_by)by, &req->arena, &rows[by],
					 &nrows[by]);
	if (!rc)
		rc = ticket_report_load(req->db, a->district_id, p.from, p.to, school, &req->arena,
					&load, &nload);
	db_rollback(req->db);
	if (rc) {
		page_error(req, 503, "Support reports",
			   "The server is busy. Try again in a moment.");
		return;
	}
	if (want_file) {
		download(req, fmt, rows, nrows, load, nload);
		return;
	}
	page_begin(req, "Support reports");
	html_raw(b, "<p class=\"lead\">How fast support answers and fixes the problems people"
		    " report, and what each tool costs in tickets.");
	if (school) {
		struct roster_org_row o;
		html_raw(b, " School: ");
		html_text(b,
			  roster_org_get(req->db, a->district_id, school, &req->arena, &o) == EB_OK
				  ? o.name
				  : school);
		html_raw(b, ".");
	}
	html_raw(b, "</p><form method=\"get\" action=\"/tickets/reports\" class=\"row\">");
	if (school) {
		html_raw(b, "<input type=\"hidden\" name=\"school\" value=\"");
		html_attr(b, school);
		html_raw(b, "\">");
	}
	html_raw(b, "<div><label for=\"r-from\">First day</label><input type=\"date\""
		    " id=\"r-from\" name=\"from\" value=\"");
	html_attr(b, p.from_s);
	html_raw(b, "\"></div><div><label for=\"r-to\">Last day</label><input type=\"date\""
		    " id=\"r-to\" name=\"to\" value=\"");
	html_attr(b, p.to_s);
	html_raw(b, "\"></div><div><button type=\"submit\">Show</button></div></form>");
	for (int by = 0; by < 3; by++) {
		if (by == TICKET_REPORT_SCHOOL && school)
			continue;
		times_table(req, rows[by], nrows[by], (enum ticket_report_by)by);
	}
	load_table(req, load, nload);
	html_raw(b, "<p>Download: <a href=\"/tickets/reports?format=csv&amp;from=");
	html_url(b, p.from_s);
	html_raw(b, "&amp;to=");
	html_url(b, p.to_s);
	if (school) {
		html_raw(b, "&amp;school=");
		html_url(b, school);
	}
	html_raw(b, "\">CSV</a>, <a href=\"/tickets/reports?format=xlsx&amp;from=");
	html_url(b, p.from_s);
	html_raw(b, "&amp;to=");
	html_url(b, p.to_s);
	if (school) {
		html_raw(b, "&amp;school=");
		html_url(b, school);
	}
	html_raw(b, "\">Excel</a></p>");
	definitions(b);
	page_end(req);
}
