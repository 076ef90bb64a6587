#include "web/page.h"

#include "base/tz.h"
#include "domain/district.h"

#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/router.h"

void page_begin(struct http_request *req, const char *title)
{
	struct buf *b = &req->out;
	req->content_type = "text/html; charset=utf-8";
	html_raw(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		    "<link rel=\"stylesheet\" href=\"/assets/style.css\"><title>");
	html_text(b, title);
	html_raw(b, " - edbridge</title></head><body>\n"
		    "<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header><nav aria-label=\"Main\">"
		    "<a class=\"brand\" href=\"/\">edbridge</a>");
	const struct route *nav[ROUTER_NAV_MAX];
	unsigned roles = req->session ? req->session->account.role_mask : 0;
	size_t n = router_nav(req->session != NULL, roles, nav, ROUTER_NAV_MAX);
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<a href=\"");
		html_attr(b, nav[i]->pattern);
		html_raw(b, "\">");
		html_text(b, nav[i]->nav);
		html_raw(b, "</a>");
	}
	if (req->session) {
		/* not a role's link but the account's: family access-code sign-ins
		 * have no password to change */
		if (req->session->account.has_password)
			html_raw(b, "<a href=\"/account/password\">Password</a>");
		html_raw(b, "<form class=\"logout\" method=\"post\" action=\"/logout\">");
		page_csrf_field(req);
		html_raw(b, "<span class=\"who\">");
		html_text(b, req->session->account.display_name);
		html_raw(b, "</span><button type=\"submit\">Log out</button></form>");
	}
	html_raw(b, "</nav></header>\n<main id=\"main\">\n<h1>");
	html_text(b, title);
	html_raw(b, "</h1>\n");
}

void page_end(struct http_request *req)
{
	html_raw(&req->out, "</main>\n<footer><p>edbridge - student data is private: every view of a "
			    "student record is logged.</p></footer>\n</body></html>\n");
}

void page_error(struct http_request *req, int status, const char *title, const char *message)
{
	buf_reset(&req->out);
	req->status = status;
	page_begin(req, title);
	html_raw(&req->out, "<p class=\"notice error\" role=\"alert\">");
	html_text(&req->out, message);
	html_raw(&req->out, "</p><p><a href=\"/home\">Back to your home page</a></p>");
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
	html_raw(&req->out, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"");
	html_attr(&req->out, label);
	html_raw(&req->out, "\">");
}

void page_time(struct http_request *req, int64_t t)
{
	if (!req->zone) {
		char name[DISTRICT_TIME_ZONE_MAX] = "";
		const struct tz *z = NULL;
		if (req->session &&
		    district_time_zone(req->db, req->session->account.district_id, name, sizeof name) ==
			    EB_OK)
			z = tz_get(name);
		req->zone = z ? z : tz_utc();
	}
	char out[48];
	tz_format(req->zone, t, out, sizeof out);
	html_text(&req->out, out);
}
