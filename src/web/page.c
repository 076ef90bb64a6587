#include "web/page.h"

#include "domain/access.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"

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
	if (req->session) {
		const struct account *a = &req->session->account;
		html_raw(b, "<a href=\"/home\">Home</a>");
		if (access_any_students(a) && !access_has(a, ROLE_GUARDIAN) &&
		    !access_has(a, ROLE_STUDENT))
			html_raw(b, "<a href=\"/schools\">Schools</a>");
		html_raw(b, "<a href=\"/standards\">Standards</a>");
		html_raw(b, (a->role_mask & ~((1u << ROLE_VENDOR_CONTACT) | (1u << ROLE_GUARDIAN) |
					      (1u << ROLE_STUDENT)))
				    ? "<a href=\"/tools\">Tools</a>"
				    : "<a href=\"/tools/approved\">Tools</a>");
		if (a->role_mask & ((1u << ROLE_DISTRICT_ADMIN) | (1u << ROLE_COORDINATOR) |
				    (1u << ROLE_PRINCIPAL) | (1u << ROLE_COACH)))
			html_raw(b, "<a href=\"/initiatives\">Initiatives</a>");
		if (access_has(a, ROLE_DISTRICT_ADMIN))
			html_raw(b, "<a href=\"/admin/users\">Users</a><a href=\"/admin/audit\">Audit log</a>");
		if (a->has_password)
			html_raw(b, "<a href=\"/account/password\">Password</a>");
		html_raw(b, "<form class=\"logout\" method=\"post\" action=\"/logout\">");
		page_csrf_field(req);
		html_raw(b, "<span class=\"who\">");
		html_text(b, a->display_name);
		html_raw(b, "</span><button type=\"submit\">Log out</button></form>");
	} else {
		html_raw(b, "<a href=\"/standards\">Standards</a><a href=\"/login\">Log in</a>");
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
