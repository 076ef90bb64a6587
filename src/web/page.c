#include "web/page.h"

#include <string.h>

#include "base/i18n.h"
#include "base/str.h"
#include "base/tz.h"
#include "domain/district.h"
#include "domain/frameworks.h"

#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/router.h"

void page_begin(struct http_request *req, const char *title)
{
	struct buf *b = &req->out;
	/* the frame's words are in the page's language (family pages) */
	const struct i18n_lang *L = req->lang;
	req->content_type = "text/html; charset=utf-8";
	html_raw(b, "<!doctype html>\n<html lang=\"");
	html_attr(b, L ? L->tag : "en");
	html_raw(b, L && L->rtl ? "\" dir=\"rtl\">" : "\">");
	html_raw(b, "<head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<link rel=\"stylesheet\" href=\"/assets/style.css\"><title>");
	html_text(b, title);
	html_raw(b, " - edbridge</title></head><body>\n<a class=\"skip\" href=\"#main\">");
	html_text(b, TR(L, "Skip to content"));
	html_raw(b, "</a>\n<header><nav aria-label=\"");
	html_attr(b, TR(L, "Main"));
	html_raw(b, "\"><a class=\"brand\" href=\"/\">edbridge</a>");
	const struct route *nav[ROUTER_NAV_MAX];
	unsigned roles = req->session ? req->session->account.role_mask : 0;
	size_t n = router_nav(req->session != NULL, roles, nav, ROUTER_NAV_MAX);
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<a href=\"");
		html_attr(b, nav[i]->pattern);
		html_raw(b, "\">");
		html_text(b, TR(L, nav[i]->nav));
		html_raw(b, "</a>");
	}
	if (req->session) {
		/* not a role's link but the account's: its password (a family
		 * signed in with a code sets one there) and remembered devices */
		html_raw(b, "<a href=\"/account/password\">");
		html_text(b, TR(L, "Your sign-in"));
		html_raw(b, "</a><form class=\"logout\" method=\"post\" action=\"/logout\">");
		page_csrf_field(req);
		html_raw(b, "<span class=\"who\">");
		html_text(b, req->session->account.display_name);
		html_raw(b, "</span><button type=\"submit\">");
		html_text(b, TR(L, "Log out"));
		html_raw(b, "</button></form>");
	}
	html_raw(b, "</nav></header>\n<main id=\"main\">\n<h1>");
	html_text(b, title);
	html_raw(b, "</h1>\n");
}

void page_end(struct http_request *req)
{
	html_raw(&req->out, "</main>\n<footer><p>");
	html_text(&req->out, TR(req->lang, "edbridge - student data is private: every view of a "
					   "student record is logged."));
	html_raw(&req->out, "</p></footer>\n</body></html>\n");
}

void page_error(struct http_request *req, int status, const char *title, const char *message)
{
	buf_reset(&req->out);
	req->status = status;
	page_begin(req, title);
	html_raw(&req->out, "<p class=\"notice error\" role=\"alert\">");
	html_text(&req->out, message);
	html_raw(&req->out, "</p><p><a href=\"/home\">");
	html_text(&req->out, TR(req->lang, "Back to your home page"));
	html_raw(&req->out, "</a></p>");
	page_end(req);
}

void page_csrf_field(struct http_request *req)
{
	if (!req->session)
		return;
	html_raw(&req->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(&req->out, req->session->csrf);
	html_raw(&req->out, "\">");
}

void page_notice(struct http_request *req, const char *kind, const char *text)
{
	html_raw(&req->out, "<p class=\"notice ");
	html_attr(&req->out, kind);
	html_raw(&req->out, "\" role=\"status\">");
	html_text(&req->out, text);
	html_raw(&req->out, "</p>");
}

void page_scroll_begin(struct http_request *req, const char *label)
{
	html_raw(&req->out,
		 "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"");
	html_attr(&req->out, label);
	html_raw(&req->out, "\">");
}

static char public_url[PAGE_PUBLIC_URL_MAX + 1];

const char *page_public_url(void)
{
	return public_url[0] ? public_url : NULL;
}

bool page_set_public_url(const char *url)
{
	public_url[0] = '\0';
	if (!url)
		return true;
	size_t n = str_site_url_len(url, PAGE_PUBLIC_URL_MAX);
	if (!n)
		return false;
	memcpy(public_url, url, n);
	public_url[n] = '\0';
	return true;
}

struct frameworks_labels *page_std_labels(struct http_request *req)
{
	if (!req->std_labels && req->session) {
		struct frameworks_labels *l = NULL;
		if (frameworks_labels_load(req->db, req->session->account.district_id, &req->arena,
					   &l) == EB_OK)
			req->std_labels = l;
	}
	return req->std_labels;
}

const char *page_std_label(struct http_request *req, const char *code)
{
	return frameworks_label(page_std_labels(req), code);
}

void page_time(struct http_request *req, int64_t t)
{
	if (!req->zone) {
		char name[DISTRICT_TIME_ZONE_MAX] = "";
		const struct tz *z = NULL;
		if (req->session && district_time_zone(req->db, req->session->account.district_id,
						       name, sizeof name) == EB_OK)
			z = tz_get(name);
		req->zone = z ? z : tz_utc();
	}
	char out[48];
	tz_format(req->zone, t, out, sizeof out);
	html_text(&req->out, out);
}
