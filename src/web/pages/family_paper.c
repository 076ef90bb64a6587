/* A family's paper letter (issue 13; docs/family_updates.md "Printed
 * letters"): on the guardian's home page, "Send me a paper letter too" (or
 * its end), stored as the family's paper preference (domain/family_contact),
 * so that `families send` queues a letter and `families letters` prints it
 * even for a family with an email or a phone. */
#include <string.h>

#include "base/i18n.h"
#include "domain/delivery.h"
#include "domain/family_contact.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

/* The guardian's contacts (the account's roster person); false when the
 * account is no roster guardian or they cannot be read. */
static bool contact_of(struct http_request *req, struct family_contact *c)
{
	const struct account *a = &req->session->account;
	if (!a->person_sid[0])
		return false;
	struct delivery_settings *ds = arena_zalloc(&req->arena, sizeof *ds);
	if (!ds || delivery_get(req->db, a->district_id, ds))
		return false;
	return family_contact_get(req->db, a->district_id, a->person_sid,
				  ds->country_code[0] ? ds->country_code : NULL, c) == EB_OK;
}

void page_family_paper_form(struct http_request *req)
{
	struct family_contact *c = arena_zalloc(&req->arena, sizeof *c);
	if (!c || !contact_of(req, c))
		return;
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-paper\"><h2 id=\"h-paper\">");
	html_text(b, TR(L, "Paper letters"));
	html_raw(b, "</h2><p>");
	html_text(b, c->paper ? TR(L, "You asked for a paper letter each week.")
			      : TR(L, "Each week's update can also come home on paper, in your "
				      "language, with a code to open this page."));
	html_raw(b, "</p><form method=\"post\" action=\"/family/paper\">");
	page_csrf_field(req);
	html_raw(b, c->paper ? "<input type=\"hidden\" name=\"paper\" value=\"no\">"
			     : "<input type=\"hidden\" name=\"paper\" value=\"yes\">");
	html_raw(b, "<button type=\"submit\">");
	html_text(b,
		  c->paper ? TR(L, "Stop the paper letters") : TR(L, "Send me a paper letter too"));
	html_raw(b, "</button></form></section>");
}

void page_family_paper(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *v = http_form(req, "paper");
	struct family_contact c;
	page_family_use_lang(req);
	if (!v || (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) || !contact_of(req, &c)) {
		page_error(req, 400, TR(req->lang, "Paper letters"),
			   TR(req->lang, "No students are linked to this account yet. Ask the "
					 "school office."));
		return;
	}
	/* audited by family_contact_set_paper */
	if (family_contact_set_paper(req->db, a->district_id, a->person_sid, strcmp(v, "yes") == 0,
				     "family page")) {
		page_error(req, 503, TR(req->lang, "Paper letters"),
			   TR(req->lang, "The server is busy. Try again in a moment."));
		return;
	}
	http_redirect(req, "/home");
}
