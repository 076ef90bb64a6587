/* Log in with a password or a family access code; log out; change one's own
 * password. The throttles and the account lock are described in
 * docs/security.md ("Logging in"). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/family_lang.h"
#include "domain/family_link.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

#define MAX_DISTRICTS_LISTED 2000
/* The 429 answer: Retry-After and the wait in words (in L; NULL English). */
static void retry_after(struct http_request *req, int64_t retry_s, char *words, size_t cap)
{
	char v[24];
	const struct i18n_lang *L = req->lang;
	snprintf(v, sizeof v, "%lld", (long long)retry_s);
	http_set_header(req, "Retry-After", v);
	if (retry_s < 90)
		snprintf(words, cap,
			 TR(L, "Too many failed attempts. Wait %lld seconds and try again."),
			 (long long)retry_s);
	else
		snprintf(words, cap,
			 TR(L, "Too many failed attempts. Wait %lld minutes and try again."),
			 (long long)((retry_s + 59) / 60));
}

/* The language of the access-code pages, which families open before
 * anyone knows who they are: ?lang= (the letter's address carries it) or
 * the form's lang field, else the browser's Accept-Language, else English. */
static void visitor_lang(struct http_request *req)
{
	const char *q = http_form(req, "lang");
	if (!q)
		q = http_query(req, "lang");
	const struct i18n_lang *l = q ? i18n_find(q) : NULL;
	if (!l)
		l = i18n_from_accept(http_header(req, "Accept-Language"));
	req->lang = l && l != i18n_english() ? l : NULL;
}

/* The district select of a deployment with several districts (nothing for one). */
static void district_field(struct http_request *req, const char *chosen)
{
	struct buf *b = &req->out;
	size_t n = district_all(req->db, NULL, 0);
	if (n < 2)
		return;
	if (n > MAX_DISTRICTS_LISTED)
		n = MAX_DISTRICTS_LISTED;
	int64_t *ids = arena_alloc(&req->arena, n * sizeof *ids);
	if (!ids)
		return;
	n = district_all(req->db, ids, n);
	if (n > MAX_DISTRICTS_LISTED)
		n = MAX_DISTRICTS_LISTED;
	html_raw(b, "<div><label for=\"district\">District</label><select id=\"district\" "
		    "name=\"district\""
		    " required><option value=\"\">Choose your district</option>");
	for (size_t i = 0; i < n; i++) {
		char name[256], id[24];
		if (district_name(req->db, ids[i], name, sizeof name))
			continue;
		snprintf(id, sizeof id, "%lld", (long long)ids[i]);
		html_raw(b, "<option value=\"");
		html_attr(b, id);
		html_raw(b, chosen && strcmp(chosen, id) == 0 ? "\" selected>" : "\">");
		html_text(b, name);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div>");
}

/* The page sign-in returns to: ?next= of the form's address, or the form's
 * field when it is sent; NULL unless it is a safe local path. */
static const char *next_of(struct http_request *req)
{
	const char *n = http_form(req, "next");
	if (!n)
		n = http_query(req, "next");
	return auth_safe_next(n) ? n : NULL;
}

static void next_field(struct http_request *req, const char *next)
{
	if (!next)
		return;
	html_raw(&req->out, "<input type=\"hidden\" name=\"next\" value=\"");
	html_attr(&req->out, next);
	html_raw(&req->out, "\">");
}

static void remember_field(struct buf *b, const struct i18n_lang *L)
{
	html_raw(b,
		 "<div class=\"check\"><input type=\"checkbox\" id=\"remember\" name=\"remember\""
		 " value=\"1\"><label for=\"remember\">");
	html_textf(b, TR(L, "Keep me signed in on this device for %d days"), DEVICE_TTL_DAYS);
	html_raw(b, " <span class=\"muted\">");
	html_text(b, TR(L, "(on your own phone or computer, not a shared one)"));
	html_raw(b, "</span></label></div>");
}

/* After a sign-in: remembers the device when asked, then goes to the page
 * asked for. */
static void signed_in(struct http_request *req, const struct account *a, const char *next)
{
	const char *r = http_form(req, "remember");
	if (r && strcmp(r, "1") == 0 && auth_remember_device(req, a))
		log_warn("login: could not remember the device of account %lld", (long long)a->id);
	http_redirect(req, next ? next : "/home");
}

static void login_form(struct http_request *req, int status, const char *error, const char *login)
{
	const char *next = next_of(req);
	const char *csrf = auth_login_csrf(req);
	req->status = status;
	page_begin(req, "Log in");
	struct buf *b = &req->out;
	page_sso_signed_out(req);
	if (error) {
		html_raw(b, "<p class=\"notice error\" role=\"alert\">");
		html_text(b, error);
		html_raw(b, "</p>");
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/login\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(b, csrf);
	html_raw(b, "\">");
	next_field(req, next);
	district_field(req, http_form(req, "district"));
	html_raw(b, "<div><label for=\"login\">Login</label><input id=\"login\" name=\"login\""
		    " autocomplete=\"username\" required maxlength=\"127\" value=\"");
	html_attr(b, login ? login : "");
	html_raw(
		b,
		"\"></div><div><label for=\"password\">Password</label><input id=\"password\""
		" name=\"password\" type=\"password\" autocomplete=\"current-password\" required"
		" maxlength=\"256\"></div><div><label for=\"unlock\">Unlock code <span "
		"class=\"muted\">"
		"(only if your administrator gave you one: after many failed attempts an account"
		" locks itself)</span></label><input id=\"unlock\" name=\"unlock\" maxlength=\"40\""
		" autocomplete=\"off\" placeholder=\"XXXX-XXXX-XXXX\"></div>");
	remember_field(b, NULL);
	html_raw(b, "<div><button type=\"submit\">Log in</button></div></form>"
		    "<p>Families: <a href=\"/login/code");
	if (next) {
		html_raw(b, "?next=");
		html_url(b, next);
	}
	html_raw(b, "\">log in with the access code from your school's letter</a>.</p>");
	page_sso_buttons(req);
	page_end(req);
}

void page_login_form(struct http_request *req)
{
	if (auth_resume(req)) {
		http_redirect(req, auth_next_or_home(http_query(req, "next")));
		return;
	}
	login_form(req, 200, NULL, NULL);
}

/* The district a login is looked up in: the chosen one, or the only one.
 * False with a message when a deployment of several districts got none. */
static bool login_district(struct http_request *req, int64_t *out, const char **why)
{
	const char *s = http_form(req, "district");
	if (s && *s) {
		if (cstr_to_i64(s, 1, INT64_MAX, out) || !district_exists(req->db, *out)) {
			*why = "District: choose one from the list.";
			return false;
		}
		return true;
	}
	if (district_only(req->db, out) != EB_OK) {
		*why = "Choose your district, then log in.";
		return false;
	}
	return true;
}

void page_login_submit(struct http_request *req)
{
	const char *login = http_form(req, "login");
	const char *password = http_form(req, "password");
	const char *unlock = http_form(req, "unlock");
	const char *why = NULL;
	char words[128];
	int64_t district, retry;
	if (!auth_login_csrf_ok(req)) {
		login_form(req, 403, "Your login form expired. Please try again.", login);
		return;
	}
	if (!login || !*login || !password || !*password) {
		login_form(req, 400, "Enter your login and your password.", login);
		return;
	}
	if (!login_district(req, &district, &why)) {
		login_form(req, 400, why, login);
		return;
	}
	struct account a;
	enum eb_err rc = account_find_login(req->db, district, login, &a);
	if (rc && rc != EB_ENOTFOUND) {
		login_form(req, 503, "The server is busy. Try again in a moment.", login);
		return;
	}
	bool found = rc == EB_OK;
	struct auth_throttle t;
	rc = auth_password_attempt(req, found ? &a : NULL, district, login, &t, &retry);
	if (rc == EB_EBUSY) {
		retry_after(req, retry, words, sizeof words);
		login_form(req, 429, words, login);
		return;
	}
	/* a locked account is checked only with its unlock code; without it the
	 * dummy hash is checked instead, so the answer and its time are those of
	 * a wrong password */
	bool refused = false;
	if (!rc && found) {
		rc = account_login_attempt(req->db, &a, unlock && *unlock ? unlock : NULL);
		refused = rc == EB_EBUSY;
		if (refused)
			rc = EB_OK;
	}
	if (rc) {
		login_form(req, 503, "The server is busy. Try again in a moment.", login);
		return;
	}
	rc = account_verify_password(req->db, found && !refused ? &a : NULL, password);
	if (rc || !found || refused) {
		if (found) {
			struct audit_actor who = { a.id, a.login, req->client_addr };
			audit_record(req->db, a.district_id, &who, "login_failed", "account",
				     a.login,
				     refused ? "account locked: no valid unlock code"
					     : "wrong password or disabled account");
			struct account now;
			if (!refused && !a.locked &&
			    account_get(req->db, a.district_id, a.id, &now) == EB_OK && now.locked)
				audit_record(req->db, a.district_id, &who, "login_locked",
					     "account", a.login,
					     "locked after too many failed password checks");
		}
		login_form(req, 401, "That login and password do not match an account.", login);
		return;
	}
	auth_attempt_succeeded(req, &t);
	if (account_login_succeeded(req->db, &a))
		log_warn("login: could not reset the failure count of account %lld",
			 (long long)a.id);
	if (auth_start_session(req, &a)) {
		page_error(req, 500, "Error", "Could not start a session. Try again.");
		return;
	}
	struct audit_actor who = { a.id, a.login, req->client_addr };
	audit_record(req->db, a.district_id, &who, "login", "account", a.login,
		     a.locked ? "password and unlock code (the lock is lifted)" : "password");
	signed_in(req, &a, next_of(req));
}

static void code_form(struct http_request *req, int status, const char *error)
{
	const char *next = next_of(req);
	const char *csrf = auth_login_csrf(req);
	const struct i18n_lang *L = req->lang;
	req->status = status;
	page_begin(req, TR(L, "Log in with an access code"));
	struct buf *b = &req->out;
	if (error) {
		html_raw(b, "<p class=\"notice error\" role=\"alert\">");
		html_text(b, error);
		html_raw(b, "</p>");
	}
	html_raw(b, "<p>");
	html_text(b, TR(L, "Your school's letter has a 12-character access code. Each code works"
			   " once."));
	html_raw(b, "</p><form class=\"stack\" method=\"post\" action=\"/login/code\">"
		    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(b, csrf);
	html_raw(b, "\">");
	next_field(req, next);
	if (L) {
		html_raw(b, "<input type=\"hidden\" name=\"lang\" value=\"");
		html_attr(b, L->tag);
		html_raw(b, "\">");
	}
	html_raw(b, "<div><label for=\"code\">");
	html_text(b, TR(L, "Access code"));
	html_raw(b, "</label><input id=\"code\" name=\"code\" dir=\"ltr\""
		    " autocomplete=\"one-time-code\" required maxlength=\"40\" "
		    "placeholder=\"XXXX-XXXX-XXXX\"></div>");
	remember_field(b, L);
	html_raw(b, "<div><button type=\"submit\">");
	html_text(b, TR(L, "Log in"));
	html_raw(b, "</button></div></form><p class=\"muted\">");
	html_text(b, TR(L, "Once you are in, you can set a password, so that you need no new letter"
			   " next time."));
	/* the page in another language: each name in its own language */
	html_raw(b, "</p><nav aria-label=\"");
	html_attr(b, TR(L, "Languages"));
	html_raw(b, "\" class=\"langs\"><ul>");
	for (size_t i = 0; i < i18n_count(); i++) {
		const struct i18n_lang *l = i18n_at(i);
		html_raw(b, "<li><a href=\"/login/code?lang=");
		html_url(b, l->tag);
		if (next) {
			html_raw(b, "&amp;next=");
			html_url(b, next);
		}
		html_raw(b, "\" lang=\"");
		html_attr(b, l->tag);
		html_raw(b, "\" hreflang=\"");
		html_attr(b, l->tag);
		html_raw(b, "\">");
		html_text(b, l->name);
		html_raw(b, "</a></li>");
	}
	html_raw(b, "</ul></nav>");
	page_end(req);
}

void page_code_form(struct http_request *req)
{
	if (auth_resume(req)) {
		http_redirect(req, auth_next_or_home(http_query(req, "next")));
		return;
	}
	visitor_lang(req);
	code_form(req, 200, NULL);
}

void page_code_submit(struct http_request *req)
{
	const char *code = http_form(req, "code");
	char words[160];
	int64_t retry;
	visitor_lang(req);
	const struct i18n_lang *L = req->lang;
	if (!auth_login_csrf_ok(req)) {
		code_form(req, 403, TR(L, "Your login form expired. Please try again."));
		return;
	}
	if (!code || !*code) {
		code_form(req, 400, TR(L, "Enter the access code from your school's letter."));
		return;
	}
	struct auth_throttle t;
	enum eb_err rc = auth_code_attempt(req, code, &t, &retry);
	if (rc == EB_EBUSY) {
		retry_after(req, retry, words, sizeof words);
		code_form(req, 429, words);
		return;
	}
	if (rc) {
		code_form(req, 503, TR(L, "The server is busy. Try again in a moment."));
		return;
	}
	struct account a;
	if (account_redeem_code(req->db, code, &a) != EB_OK) {
		code_form(req, 401,
			  TR(L, "That code is not valid: it may be mistyped, already used or "
				"expired. Ask your school for a new letter."));
		return;
	}
	auth_attempt_succeeded(req, &t);
	if (auth_start_session(req, &a)) {
		page_error(req, 500, TR(L, "Error"),
			   TR(L, "Could not start a session. Try again."));
		return;
	}
	struct audit_actor who = { a.id, a.login, req->client_addr };
	audit_record(req->db, a.district_id, &who, "login", "account", a.login, "access code");
	/* the language the letter's address asked for becomes the family's
	 * when it has chosen none */
	char chosen[24];
	const char *asked = http_form(req, "lang");
	if (L && asked && i18n_find(asked) == L &&
	    family_lang_chosen(req->db, a.district_id, a.id, chosen, sizeof chosen) ==
		    EB_ENOTFOUND &&
	    family_lang_set(req->db, a.district_id, a.id, L->tag))
		log_warn("login: could not keep the language of account %lld", (long long)a.id);
	signed_in(req, &a, next_of(req));
}

/* --- a family's sign-in link (email, text message, a letter's QR code;
 * docs/security.md "Family sign-in links") --- */

/* The language of a link's pages: the family's, when the token still names
 * its account, else the visitor's. */
static void link_lang(struct http_request *req, const struct account *a)
{
	if (a) {
		struct family_lang fl;
		family_lang_of_account(req->db, a->district_id, a, NULL, &fl);
		req->lang = fl.lang && fl.lang != i18n_english() ? fl.lang : NULL;
	} else {
		visitor_lang(req);
	}
}

/* The page of a link that no longer signs in (410): why, and what to do. */
static void link_gone(struct http_request *req, enum family_link_state st)
{
	const struct i18n_lang *L = req->lang;
	req->status = st == FAMILY_LINK_UNKNOWN ? 404 : 410;
	page_begin(req, TR(L, "This link does not work any more"));
	struct buf *b = &req->out;
	html_raw(b, "<p class=\"notice error\" role=\"alert\">");
	switch (st) {
	case FAMILY_LINK_USED:
		html_text(b, TR(L, "This link was already used. Each link works once."));
		break;
	case FAMILY_LINK_EXPIRED:
		html_text(b, TR(L, "This link is too old. Links in messages work for 7 days, and"
				   " links in letters for 30 days."));
		break;
	case FAMILY_LINK_DISABLED:
		html_text(b, TR(L, "This account is closed. Please contact your school."));
		break;
	default:
		html_text(b, TR(L, "This link is not one of ours, or it was copied only in part."));
		break;
	}
	html_raw(b, "</p><p>");
	html_text(b,
		  TR(L, "Next week's update brings a new link. You can also sign in with the"
			" access code from a school letter, or ask the school for a new letter."));
	html_raw(b, "</p><p><a href=\"/login/code");
	if (L) {
		html_raw(b, "?lang=");
		html_url(b, L->tag);
	}
	html_raw(b, "\">");
	html_text(b, TR(L, "Log in with an access code"));
	html_raw(b, "</a></p>");
	page_end(req);
}

void page_family_link_form(struct http_request *req)
{
	const char *token = req->params[0];
	struct account a;
	enum family_link_state st = FAMILY_LINK_UNKNOWN;
	if (family_link_check(req->db, token, &st, &a) != EB_OK) {
		visitor_lang(req);
		page_error(req, 503, TR(req->lang, "Error"),
			   TR(req->lang, "The server is busy. Try again in a moment."));
		return;
	}
	if (st != FAMILY_LINK_OK) {
		/* a family already signed in on this device goes on to its page */
		if (st != FAMILY_LINK_DISABLED && auth_resume(req)) {
			http_redirect(req, "/home");
			return;
		}
		link_lang(req, st == FAMILY_LINK_UNKNOWN ? NULL : &a);
		link_gone(req, st);
		return;
	}
	/* the link is used only by the button below: mail scanners that open
	 * every link must not spend it */
	link_lang(req, &a);
	const struct i18n_lang *L = req->lang;
	const char *csrf = auth_login_csrf(req);
	page_begin(req, TR(L, "Welcome"));
	struct buf *b = &req->out;
	char district[256] = "";
	district_name(req->db, a.district_id, district, sizeof district);
	html_raw(b, "<p>");
	html_textf(b, TR(L, "This link opens your child's page at %s."), district);
	html_raw(b, "</p><form class=\"stack\" method=\"post\" action=\"/f/");
	html_url(b, token);
	html_raw(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	html_attr(b, csrf);
	html_raw(b, "\"><div class=\"check\"><input type=\"checkbox\" id=\"remember\""
		    " name=\"remember\" value=\"1\" checked><label for=\"remember\">");
	html_textf(b, TR(L, "Keep me signed in on this device for %d days"), DEVICE_TTL_DAYS);
	html_raw(b, " <span class=\"muted\">");
	html_text(b, TR(L, "(on your own phone or computer, not a shared one)"));
	html_raw(b, "</span></label></div><div><button type=\"submit\">");
	html_text(b, TR(L, "Open my child's page"));
	html_raw(b, "</button></div></form>");
	page_end(req);
}

void page_family_link_submit(struct http_request *req)
{
	const char *token = req->params[0];
	struct account a;
	char sid[ACCOUNT_ID_MAX] = "";
	enum family_link_state st = FAMILY_LINK_UNKNOWN;
	if (!auth_login_csrf_ok(req)) {
		visitor_lang(req);
		page_error(req, 403, TR(req->lang, "Error"),
			   TR(req->lang, "Your login form expired. Please try again."));
		return;
	}
	if (family_link_redeem(req->db, token, &st, &a, sid) != EB_OK) {
		visitor_lang(req);
		page_error(req, 503, TR(req->lang, "Error"),
			   TR(req->lang, "The server is busy. Try again in a moment."));
		return;
	}
	if (st != FAMILY_LINK_OK) {
		link_lang(req, st == FAMILY_LINK_UNKNOWN ? NULL : &a);
		link_gone(req, st);
		return;
	}
	link_lang(req, &a);
	if (auth_start_session(req, &a)) {
		page_error(req, 500, TR(req->lang, "Error"),
			   TR(req->lang, "Could not start a session. Try again."));
		return;
	}
	struct audit_actor who = { a.id, a.login, req->client_addr };
	audit_record(req->db, a.district_id, &who, "login", "account", a.login, "sign-in link");
	struct buf nb = BUF_INIT;
	buf_puts(&nb, "/students/");
	html_url(&nb, sid);
	signed_in(req, &a, buf_failed(&nb) ? "/home" : buf_cstr(&nb));
	buf_free(&nb);
}

void page_logout(struct http_request *req)
{
	if (req->session) {
		struct audit_actor who = auth_actor(req);
		audit_record(req->db, req->session->account.district_id, &who, "logout", "account",
			     req->session->account.login, "");
	}
	auth_end_session(req);
	/* signed in with a provider: the login page offers its own sign-out */
	const char *sso = http_cookie(req, "eb_sso");
	if (sso && *sso && strlen(sso) <= 40 &&
	    strspn(sso, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(sso)) {
		auth_set_cookie(req, "eb_sso", "", "/", 0);
		char *to = arena_printf(&req->arena, "/login?signed_out=%s", sso);
		http_redirect(req, to ? to : "/login");
		return;
	}
	http_redirect(req, "/login");
}

/* --- one's own sign-in: password and remembered devices --- */

/* A day in words, "3 October 2026" (UTC), into out; for a family reading
 * another language 2026-10-03 (the form the weekly update uses), isolated
 * left-to-right in a right-to-left language. */
static void day_words(const struct i18n_lang *L, int64_t t, char *out, size_t cap)
{
	char tmp[40];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(tmp, sizeof tmp, L ? "%Y-%m-%d" : "%e %B %Y", &tm);
	snprintf(out, cap, L && L->rtl ? "\u2066%s\u2069" : "%s", tmp[0] == ' ' ? tmp + 1 : tmp);
}

/* One's own sign-in pages speak a family's or a student's language. */
static void own_lang(struct http_request *req)
{
	if (page_family_viewer(&req->session->account))
		page_family_use_lang(req);
}

/* The devices that stay signed in, each with a button to forget it. */
static void devices_section(struct http_request *req)
{
	const struct account *me = &req->session->account;
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	struct device_row *d = NULL;
	size_t n = 0;
	html_raw(b, "<h2 id=\"devices\">");
	html_text(b, TR(L, "Devices that stay signed in"));
	html_raw(b, "</h2>");
	if (account_device_list(req->db, me->district_id, me->id, &req->arena, &d, &n)) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(L, "They could not be listed just now."));
		html_raw(b, "</p>");
		return;
	}
	if (!n) {
		html_raw(b, "<p>");
		html_text(b, TR(L, "None. To stay signed in on your own phone or computer, tick"
				   " \"Keep me signed in on this device\" when you sign in."));
		html_raw(b, "</p>");
		return;
	}
	int64_t here = auth_this_device(req, me);
	html_raw(b, "<ul class=\"fam-list\">");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li><p class=\"fam-what\"><bdi>");
		html_text(b, d[i].label);
		html_raw(b, "</bdi>");
		if (d[i].id == here) {
			html_raw(b, " ");
			html_text(b, TR(L, "(this device)"));
		}
		char made[48], used[48], until[48];
		day_words(L, d[i].created_at, made, sizeof made);
		day_words(L, d[i].last_used_at, used, sizeof used);
		day_words(L, d[i].expires_at, until, sizeof until);
		html_raw(b, "</p><p class=\"muted\">");
		html_textf(b, TR(L, "Remembered on %s; last signed in %s; until %s."), made, used,
			   until);
		html_raw(b, "</p><form method=\"post\" action=\"/account/devices\">");
		page_csrf_field(req);
		html_raw(b, "<input type=\"hidden\" name=\"device\" value=\"");
		html_int(b, d[i].id);
		html_raw(b, "\"><button type=\"submit\" class=\"secondary\">");
		html_text(b, TR(L, "Forget this device"));
		html_raw(b, "</button></form></li>");
	}
	html_raw(b, "</ul>");
	if (n > 1) {
		html_raw(b, "<form method=\"post\" action=\"/account/devices\">");
		page_csrf_field(req);
		html_raw(b, "<input type=\"hidden\" name=\"device\" value=\"all\"><button"
			    " type=\"submit\" class=\"secondary\">");
		html_text(b, TR(L, "Forget every device"));
		html_raw(b, "</button></form>");
	}
}

/* The page; msg is an English message, shown in the reader's language. */
static void password_form(struct http_request *req, int status, const char *kind, const char *msg)
{
	const struct account *me = &req->session->account;
	own_lang(req);
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	req->status = status;
	page_begin(req, TR(L, "Your sign-in"));
	if (msg)
		page_notice(req, kind, TR(L, msg));
	html_raw(b, "<p>");
	html_text(b, TR(L, "Your login:"));
	html_raw(b, " <strong dir=\"ltr\">");
	html_text(b, me->login);
	html_raw(b, "</strong></p><h2>");
	html_text(b, me->has_password ? TR(L, "Change your password") : TR(L, "Set a password"));
	html_raw(b, "</h2>");
	if (!me->has_password) {
		html_raw(b, "<p>");
		html_text(b, TR(L, "You signed in with a link or an access code from the school."
				   " A password is not needed, but with one you can sign in at any"
				   " time with your login and password."));
		html_raw(b, "</p>");
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/account/password\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"username\" autocomplete=\"username\" value=\"");
	html_attr(b, me->login);
	html_raw(b, "\">");
	if (me->has_password) {
		html_raw(b, "<div><label for=\"current\">");
		html_text(b, TR(L, "Current password"));
		html_raw(b, "</label><input id=\"current\" name=\"current\" type=\"password\""
			    " autocomplete=\"current-password\" required maxlength=\"256\"></div>");
	}
	html_raw(b, "<div><label for=\"password\">");
	html_text(b, TR(L, "New password"));
	html_raw(b, " <span class=\"muted\">");
	html_text(b, TR(L, "(at least 8 characters; a few unrelated words make a good one; common"
			   " passwords are refused)"));
	html_raw(b, "</span></label><input id=\"password\" name=\"password\" type=\"password\""
		    " autocomplete=\"new-password\" required minlength=\"8\" maxlength=\"256\">"
		    "</div><div><label for=\"again\">");
	html_text(b, TR(L, "New password again"));
	html_raw(b, "</label><input id=\"again\" name=\"again\" type=\"password\""
		    " autocomplete=\"new-password\" required maxlength=\"256\"></div>"
		    "<div><button type=\"submit\">");
	html_text(b, me->has_password ? TR(L, "Change my password") : TR(L, "Set my password"));
	html_raw(b, "</button></div></form><p class=\"muted\">");
	html_text(b, me->has_password ? TR(L, "Changing it signs you out everywhere else, and other"
					      " devices stop staying signed in.")
				      : TR(L, "Setting it signs you out everywhere else."));
	html_raw(b, "</p>");
	devices_section(req);
	page_end(req);
}

void page_account_password_form(struct http_request *req)
{
	const char *changed = http_query(req, "changed"), *forgot = http_query(req, "forgot");
	if (changed && strcmp(changed, "1") == 0)
		password_form(req, 200, "ok",
			      N_("Your password was changed. Your other sessions were ended."));
	else if (changed && strcmp(changed, "set") == 0)
		password_form(req, 200, "ok",
			      N_("Your password is set. Next time, sign in with your login"
				 " and password."));
	else if (forgot && strcmp(forgot, "1") == 0)
		password_form(req, 200, "ok",
			      N_("The device was forgotten: it signs in again next time."));
	else if (forgot && strcmp(forgot, "all") == 0)
		password_form(req, 200, "ok", N_("Every device was forgotten."));
	else
		password_form(req, 200, NULL, NULL);
}

void page_account_devices(struct http_request *req)
{
	const struct account *me = &req->session->account;
	const char *which = http_form(req, "device");
	int64_t id = 0, n = 0;
	bool all = which && strcmp(which, "all") == 0;
	if (!all && (!which || cstr_to_i64(which, 1, INT64_MAX, &id))) {
		password_form(req, 400, "error", N_("Choose a device to forget."));
		return;
	}
	if (account_device_forget(req->db, me->district_id, me->id, id, &n)) {
		password_form(req, 503, "error", N_("The server is busy. Try again in a moment."));
		return;
	}
	if (!n) {
		password_form(req, 404, "error",
			      N_("There is no such device (it may be forgotten already)."));
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, me->district_id, &who, "device_forgotten", "account", me->login,
		     all ? "every device, by the account holder" : "by the account holder");
	http_redirect(req, all ? "/account/password?forgot=all" : "/account/password?forgot=1");
}

void page_account_password(struct http_request *req)
{
	struct account me = req->session->account;
	const char *current = http_form(req, "current"), *pw = http_form(req, "password");
	const char *again = http_form(req, "again");
	char words[128];
	int64_t retry;
	bool setting = !me.has_password;
	if (!pw || !again || (!setting && (!current || !*current))) {
		password_form(req, 400, "error",
			      setting ? N_("Enter the new password twice.")
				      : N_("Enter your current password and the new one twice."));
		return;
	}
	struct auth_throttle t;
	enum eb_err rc = EB_OK;
	/* checking the current password is a password check like a login's:
	 * the same throttles and lock, so a borrowed session cannot guess it;
	 * an account without one (a family's, signed in with a code) proves
	 * itself by its session, as for everything else it does */
	if (!setting) {
		rc = auth_password_attempt(req, &me, me.district_id, me.login, &t, &retry);
		if (rc == EB_EBUSY) {
			retry_after(req, retry, words, sizeof words);
			password_form(req, 429, "error", words);
			return;
		}
		if (!rc)
			rc = account_login_attempt(req->db, &me, NULL);
		if (rc == EB_EBUSY) {
			account_verify_password(req->db, NULL, current);
			password_form(req, 403, "error", N_("Your current password is not right."));
			return;
		}
		if (rc) {
			password_form(req, 503, "error",
				      N_("The server is busy. Try again in a moment."));
			return;
		}
		if (account_verify_password(req->db, &me, current) != EB_OK) {
			struct audit_actor who = auth_actor(req);
			audit_record(req->db, me.district_id, &who, "login_failed", "account",
				     me.login, "wrong current password when changing it");
			password_form(req, 403, "error", N_("Your current password is not right."));
			return;
		}
		auth_attempt_succeeded(req, &t);
		account_login_succeeded(req->db, &me);
	}
	const char *why = account_password_problem(pw, me.login, me.display_name);
	if (!why && strcmp(pw, again) != 0)
		why = N_("The two new passwords differ. Type the same one twice.");
	if (!why && !setting && strcmp(pw, current) == 0)
		why = N_("The new password is the current one. Choose another.");
	if (why) {
		password_form(req, 400, "error", why);
		return;
	}
	/* ends every session of the account, this one too, and forgets its
	 * devices: a new session follows, and this device is remembered again
	 * when it was */
	bool remembered = auth_this_device(req, &me) != 0;
	rc = account_set_password(req->db, me.district_id, me.id, pw);
	if (rc) {
		password_form(req, rc == EB_EINVAL ? 400 : 503, "error",
			      N_("Could not change the password. Try again."));
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, me.district_id, &who, "update", "account", me.login,
		     setting ? "password set by its owner (other sessions ended)"
			     : "password changed by its owner (other sessions ended)");
	me.has_password = true;
	if (auth_start_session(req, &me)) {
		page_error(req, 500, "Error",
			   "Your password was changed, but a new session could not"
			   " start. Log in again.");
		return;
	}
	if (remembered && auth_remember_device(req, &me))
		log_warn("password: could not remember the device of account %lld",
			 (long long)me.id);
	http_redirect(req,
		      setting ? "/account/password?changed=set" : "/account/password?changed=1");
}
