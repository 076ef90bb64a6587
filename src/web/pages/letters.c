/* letters.c - the printed letters to families, for principals and
 * administrators (GET /families/letters): per school, how many families
 * need paper this week, and the PDF of their letters (?school=S&format=pdf,
 * &all=1 for every family), drawn by web/letter_pdf.h as `edbridge families
 * letters` draws them (docs/family_updates.md "Printed letters"). */
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/access.h"
#include "domain/delivery.h"
#include "domain/district.h"
#include "domain/family_week.h"
#include "domain/letter.h"
#include "domain/roster.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/letter_pdf.h"
#include "web/page.h"
#include "web/pages/pages.h"

static void this_week(struct http_request *req, struct family_week *w)
{
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	const struct tz *z = NULL;
	if (district_time_zone(req->db, req->session->account.district_id, zname, sizeof zname) ==
	    EB_OK)
		z = tz_get(zname);
	family_week_of(time_now(), z, w);
}

/* The address families use: serve's --public-url, else the district's
 * setting (families settings); NULL when neither. */
static const char *public_url(struct http_request *req)
{
	if (page_public_url())
		return page_public_url();
	struct delivery_settings *ds = arena_zalloc(&req->arena, sizeof *ds);
	if (ds && delivery_get(req->db, req->session->account.district_id, ds) == EB_OK &&
	    ds->public_url[0])
		return ds->public_url;
	return NULL;
}

/* The PDF of school's letters (all: every family's). */
static void letters_pdf(struct http_request *req, const char *school, bool all)
{
	const struct account *a = &req->session->account;
	int64_t d = a->district_id;
	const char *base = public_url(req);
	struct family_week w;
	this_week(req, &w);
	if (!base) {
		page_error(req, 404, "Letters to families",
			   "Letters need the address families use, which this server was not"
			   " given: ask IT to start it with --public-url.");
		return;
	}
	struct letter_list list;
	if (letter_list(req->db, d, school, all, w.label, &req->arena, &list)) {
		page_error(req, 500, "Letters to families", "The roster could not be read.");
		return;
	}
	if (!list.n) {
		page_error(req, 404, "Letters to families",
			   "No family of this school needs a paper letter this week.");
		return;
	}
	long children = 0;
	for (size_t i = 0; i < list.n; i++)
		children += (long)list.v[i].nchildren;
	/* every page shows a child's update: a bulk view of student records */
	char what[160];
	snprintf(what, sizeof what, "printed letters to %zu families%s", list.n,
		 all ? " (every family)" : "");
	if (!page_audit_bulk(req, "export", "school", school, children, what))
		return;
	struct letter_pdf_run run;
	buf_reset(&req->out);
	enum eb_err rc = db_begin(req->db);
	if (!rc)
		rc = letter_pdf_write(req->db, d, &list, &w, base, LETTER_PAPER_US,
				      letter_pdf_sink_buf, &req->out, &run);
	if (!rc)
		rc = letter_mark_printed(req->db, d, w.label, &list, time_now(), NULL);
	if (!rc)
		rc = db_commit(req->db);
	if (rc) {
		if (db_in_transaction(req->db))
			db_rollback(req->db);
		buf_free(&req->out);
		buf_init(&req->out, (size_t)32 << 20);
		page_error(req, 500, "Letters to families",
			   rc == EB_ENOMEM ? "Too many letters for one download: print them"
					     " with `edbridge families letters`."
					   : "The letters could not be made; try again.");
		return;
	}
	req->status = 200;
	req->content_type = "application/pdf";
	req->no_cache = true;
	char disp[200];
	snprintf(disp, sizeof disp, "inline; filename=\"letters-%s.pdf\"", w.label);
	http_set_header(req, "Content-Disposition", arena_strdup(&req->arena, disp));
}

void page_family_letters(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *school = http_query(req, "school");
	const char *format = http_query(req, "format");
	const char *allq = http_query(req, "all");
	bool all = allq && strcmp(allq, "1") == 0;
	if (school && !*school)
		school = NULL;
	if (school && access_school(req->db, a, school) != EB_OK) {
		page_error(req, 404, "Not found", "There is no such school you may see.");
		return;
	}
	if (format && strcmp(format, "pdf") == 0) {
		if (!school) {
			page_error(req, 404, "Letters to families", "Choose a school first.");
			return;
		}
		letters_pdf(req, school, all);
		return;
	}
	struct roster_org_row *s;
	size_t ns;
	struct letter_list need;
	struct family_week w;
	this_week(req, &w);
	const char *base = public_url(req);
	if (roster_schools(req->db, a->district_id, &req->arena, &s, &ns) ||
	    letter_list(req->db, a->district_id, school, false, w.label, &req->arena, &need)) {
		page_error(req, 500, "Letters to families", "The roster could not be read.");
		return;
	}
	struct buf *b = &req->out;
	page_begin(req, "Letters to families");
	html_raw(b, "<p>A printed letter for each family, in the family's language: this"
		    " week's update about each child, the activity to do at home, and a QR code"
		    " that signs the family in to the child's page (it works once, for 30"
		    " days). Families with no email address and no phone number that works,"
		    " and families who asked for paper, need one; the letters of every family"
		    " are there for schools that hand one to everyone (never to a family that"
		    " said no to letters). One page per family, sorted by class, then child."
		    " Printing them marks this week's letters as sent.</p>");
	if (!base)
		page_notice(req, "error",
			    "Letters need the address families use, which this server was not"
			    " given: ask IT to start it with --public-url.");
	html_raw(b, "<p>Week ");
	html_text(b, w.label);
	html_raw(b, "</p>");
	html_raw(b, "<table><caption>Letters by school</caption><thead><tr><th scope=\"col\">"
		    "School</th><th scope=\"col\">Families who need paper</th><th scope=\"col\">"
		    "Letters (PDF)</th></tr></thead><tbody>");
	size_t shown = 0;
	for (size_t i = 0; i < ns; i++) {
		const char *sid = s[i].sourced_id;
		if ((school && strcmp(school, sid) != 0) || access_school(req->db, a, sid))
			continue;
		shown++;
		long n = 0;
		for (size_t k = 0; k < need.n; k++)
			n += strcmp(need.v[k].school_sid, sid) == 0;
		html_raw(b, "<tr><th scope=\"row\">");
		html_text(b, s[i].name);
		buf_printf(b, "</th><td>%ld</td><td>", n);
		if (base) {
			if (n) {
				html_raw(b, "<a href=\"/families/letters?school=");
				html_url(b, sid);
				html_raw(b,
					 "&amp;format=pdf\">Families who need paper</a> &middot; ");
			}
			html_raw(b, "<a href=\"/families/letters?school=");
			html_url(b, sid);
			html_raw(b, "&amp;all=1&amp;format=pdf\">Every family</a>");
		} else {
			html_raw(b, "&mdash;");
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table>");
	if (!shown)
		html_raw(b, "<p class=\"muted\">No school is visible to your role.</p>");
	page_end(req);
}
