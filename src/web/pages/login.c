/* Log in with a password or a family access code; log out. */
#include <string.h>

#include "base/log.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

static void login_form(struct http_request *req, int status, const char *error, const char *login)
{
	const char *csrf = auth_login_csrf(req);
	req->status = status;
	page_begin(req, "Log in");
	struct buf *b = &req->out;
	if (error) {
		html_raw(b, "<p class=\"notice error\" role=\"alert\">");
		html_text(b, error);
		html_raw(b, "</p>");
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/login\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(b, csrf);
	html_raw(b, "\"><div><label for=\"login\">Login</label><input id=\"login\" name=\"login\""
		    " autocomplete=\"username\" required maxlength=\"127\" value=\"");
	html_attr(b, login ? login : "");
	html_raw(b, "\"></div><div><label for=\"password\">Password</label><input id=\"password\""
		    " name=\"password\" type=\"password\" autocomplete=\"current-password\" required"
		    " maxlength=\"256\"></div><div><button type=\"submit\">Log in</button></div></form>"
		    "<p>Families: <a href=\"/login/code\">log in with the access code from your school's letter</a>.</p>");
	page_end(req);
}

void page_login_form(struct http_request *req)
{
	if (req->session) {
		http_redirect(req, "/home");
		return;
	}
	login_form(req, 200, NULL, NULL);
}

void page_login_submit(struct http_request *req)
{
	const char *login = http_form(req, "login");
	const char *password = http_form(req, "password");
	if (!auth_login_csrf_ok(req)) {
		login_form(req, 403, "Your login form expired. Please try again.", login);
		return;
	}
	if (!login || !*login || !password || !*password) {
		login_form(req, 400, "Enter your login and your password.", login);
		return;
	}
	if (!auth_rate_allowed(login, req->client_addr)) {
		login_form(req, 429, "Too many failed attempts. Wait 15 minutes, or ask your school "
				     "to reset your password.", login);
		return;
	}
	struct account a;
	enum eb_err rc = account_check_password(req->db, login, password, &a);
	if (rc) {
		auth_rate_failure(login, req->client_addr);
		struct account known;
		if (rc == EB_EAUTH && account_find_login(req->db, login, &known) == EB_OK) {
			struct audit_actor who = { known.id, known.login, req->client_addr };
			audit_record(req->db, known.district_id, &who, "login_failed", "account",
				     known.login, "wrong password or disabled account");
		}
		login_form(req, 401, "That login and password do not match an account.", login);
		return;
	}
	auth_rate_success(login);
	if (auth_start_session(req, &a)) {
		page_error(req, 500, "Error", "Could not start a session. Try again.");
		return;
	}
	struct audit_actor who = { a.id, a.login, req->client_addr };
	audit_record(req->db, a.district_id, &who, "login", "account", a.login, "password");
	http_redirect(req, "/home");
}

static void code_form(struct http_request *req, int status, const char *error)
{
	const char *csrf = auth_login_csrf(req);
	req->status = status;
	page_begin(req, "Log in with an access code");
	struct buf *b = &req->out;
	if (error) {
		html_raw(b, "<p class=\"notice error\" role=\"alert\">");
		html_text(b, error);
		html_raw(b, "</p>");
	}
	html_raw(b, "<p>Your school's letter has a 12-character access code. Each code works once.</p>"
		    "<form class=\"stack\" method=\"post\" action=\"/login/code\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(b, csrf);
	html_raw(b, "\"><div><label for=\"code\">Access code</label><input id=\"code\" name=\"code\""
		    " autocomplete=\"one-time-code\" required maxlength=\"40\" placeholder=\"XXXX-XXXX-XXXX\">"
		    "</div><div><button type=\"submit\">Log in</button></div></form>");
	page_end(req);
}

void page_code_form(struct http_request *req)
{
	code_form(req, 200, NULL);
}

void page_code_submit(struct http_request *req)
{
	const char *code = http_form(req, "code");
	if (!auth_login_csrf_ok(req)) {
		code_form(req, 403, "Your login form expired. Please try again.");
		return;
	}
	if (!auth_rate_allowed("access-code", req->client_addr)) {
		code_form(req, 429, "Too many failed attempts. Wait 15 minutes and try again.");
		return;
	}
	struct account a;
	if (!code || account_redeem_code(req->db, code, &a) != EB_OK) {
		auth_rate_failure("access-code", req->client_addr);
		code_form(req, 401, "That code is not valid: it may be mistyped, already used or "
				    "expired. Ask your school for a new letter.");
		return;
	}
	if (auth_start_session(req, &a)) {
		page_error(req, 500, "Error", "Could not start a session. Try again.");
		return;
	}
	struct audit_actor who = { a.id, a.login, req->client_addr };
	audit_record(req->db, a.district_id, &who, "login", "account", a.login, "access code");
	http_redirect(req, "/home");
}

void page_logout(struct http_request *req)
{
	if (req->session) {
		struct audit_actor who = auth_actor(req);
		audit_record(req->db, req->session->account.district_id, &who, "logout", "account",
			     req->session->account.login, "");
	}
	auth_end_session(req);
	http_redirect(req, "/login");
}
