/* LTI 1.3 launches from edbridge (docs/lti.md): the launch of a resource
 * link and of a deep-linking request (the OIDC third-party login
 * initiation), the tool's authentication request at /lti/login answered
 * with the signed id_token posted to the tool, the deep-linking return,
 * edbridge's JWKS, and the sections of the class page, the student
 * dashboard and the tool page. Role masks are in routes.c; the record
 * checks (the student is in the class, the teacher teaches it) here. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/embed.h"
#include "base/i18n.h"
#include "base/str.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/lti.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"
#include "web/router.h"

#define ISSUER_MAX 256

/* edbridge's issuer: serve's --public-url, else the address the request
 * came to (a development server). NULL when neither is usable. */
static const char *issuer(struct http_request *req, char *out, size_t cap)
{
	const char *pub = page_public_url();
	if (pub) {
		str_copy(out, cap, pub);
		return out;
	}
	const char *host = http_header(req, "Host");
	if (!host || !*host)
		return NULL;
	snprintf(out, cap, "http://%s", host);
	size_t n = str_site_url_len(out, cap - 1);
	if (n == 0)
		return NULL;
	out[n] = '\0';
	return out;
}

static bool is_student(const struct account *a)
{
	return access_has(a, ROLE_STUDENT) && a->person_sid[0];
}

/* May a open the tool's activities in class cid: a student enrolled in
 * it, or staff who may open the class (the teacher who teaches it...).
 * Families and vendor contacts launch nothing. */
static bool may_launch(struct http_request *req, const struct account *a, const char *cid)
{
	if (is_student(a) && roster_student_in_class(req->db, a->district_id, a->person_sid, cid))
		return true;
	if (!(a->role_mask &
	      ~(ROLE_BIT(ROLE_STUDENT) | ROLE_BIT(ROLE_GUARDIAN) | ROLE_BIT(ROLE_VENDOR_CONTACT))))
		return false;
	return access_class(req->db, a, cid) == EB_OK;
}

/* May a add activities to class cid (deep linking): district admins and
 * the coordinator, and a teacher who teaches it. */
static bool may_add(struct http_request *req, const struct account *a, const char *cid)
{
	if (a->role_mask & (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_COORDINATOR)))
		return roster_class_exists(req->db, a->district_id, cid, NULL);
	return access_has(a, ROLE_TEACHER) && a->person_sid[0] &&
	       roster_teaches_class(req->db, a->district_id, a->person_sid, cid);
}

static void refuse(struct http_request *req, int status, const char *msg)
{
	if (is_student(&req->session->account)) {
		page_family_use_lang(req);
		page_error(req, status, TR(req->lang, "This activity could not be opened"),
			   TR(req->lang, "Ask your teacher to check the activity."));
		return;
	}
	page_error(req, status, "This activity could not be opened", msg);
}

/* Redirects to the tool's OIDC login initiation URL with the launch's
 * parameters (LTI 1.3 core, 5.1.1; GET, the spec allows either). */
static void initiate(struct http_request *req, const struct lti_tool *t, const struct lti_launch *l,
		     const char *target)
{
	char iss[ISSUER_MAX], sub[LTI_SUB_MAX + 1];
	if (!issuer(req, iss, sizeof iss) ||
	    lti_subject(req->db, t->district_id, t->id, l->account_id, sub)) {
		page_error(req, 503, "This activity could not be opened",
			   "The server does not know its own address: ask IT to start it with "
			   "--public-url.");
		return;
	}
	struct buf loc = BUF_INIT;
	buf_puts(&loc, t->login_url);
	buf_puts(&loc, strchr(t->login_url, '?') ? "&iss=" : "?iss=");
	html_url(&loc, iss);
	buf_puts(&loc, "&login_hint=");
	html_url(&loc, sub);
	buf_puts(&loc, "&target_link_uri=");
	html_url(&loc, target);
	buf_puts(&loc, "&lti_message_hint=");
	html_url(&loc, l->hint);
	buf_puts(&loc, "&client_id=");
	html_url(&loc, t->client_id);
	buf_puts(&loc, "&lti_deployment_id=");
	html_url(&loc, l->deployment_id);
	if (buf_failed(&loc)) {
		buf_free(&loc);
		page_error(req, 500, "This activity could not be opened", "Out of memory.");
		return;
	}
	req->no_cache = true;
	http_redirect(req, buf_cstr(&loc));
	buf_free(&loc);
}

/* GET /lti/launch/:link */
void page_lti_launch(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct lti_link link;
	struct lti_tool t;
	struct lti_launch l;
	int64_t id;
	if (cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    lti_link_get(req->db, a->district_id, id, &link) ||
	    lti_tool_get(req->db, a->district_id, link.lti_tool_id, &t)) {
		refuse(req, 404, "There is no such activity in this district.");
		return;
	}
	if (!may_launch(req, a, link.class_sourced_id)) {
		refuse(req, 403, "This activity belongs to a class you are not in.");
		return;
	}
	if (lti_launch_begin(req->db, a->district_id, t.id, a->id, LTI_LAUNCH_RESOURCE, id,
			     link.class_sourced_id, (int64_t)time(NULL), &l)) {
		refuse(req, 503, "The tool has no deployment, or the launch could not be stored.");
		return;
	}
	initiate(req, &t, &l, link.url[0] ? link.url : t.launch_url);
}

/* GET /lti/add/:tool?class=C: a deep-linking request to the tool (its
 * registration id) for class C. */
void page_lti_add(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *cid = http_query(req, "class");
	struct lti_tool t;
	struct lti_launch l;
	int64_t id;
	if (cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    lti_tool_get(req->db, a->district_id, id, &t)) {
		page_error(req, 404, "Not found", "This tool is not registered for LTI launches.");
		return;
	}
	if (!cid || !*cid || !may_add(req, a, cid)) {
		page_error(
			req, 403, "Activities not added",
			"Only the class's teacher (or the district) adds activities to a class.");
		return;
	}
	if (lti_launch_begin(req->db, a->district_id, t.id, a->id, LTI_LAUNCH_DEEP, 0, cid,
			     (int64_t)time(NULL), &l)) {
		page_error(req, 503, "Activities not added",
			   "The tool has no deployment, or the request could not be stored.");
		return;
	}
	initiate(req, &t, &l, t.deep_link_url[0] ? t.deep_link_url : t.launch_url);
}

/* a parameter of the authentication request: query (GET) or form (POST) */
static const char *param(struct http_request *req, const char *name)
{
	return strcmp(req->method, "POST") == 0 ? http_form(req, name) : http_query(req, name);
}

static bool is(const char *v, const char *want)
{
	return v && strcmp(v, want) == 0;
}

/* The origin (scheme://host[:port]) of url into out. */
static void origin_of(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");
	size_t n = p ? (size_t)(p + 3 - url) + strcspn(p + 3, "/?#") : 0;
	if (n >= cap)
		n = 0;
	memcpy(out, url, n);
	out[n] = '\0';
}

/* GET or POST /lti/login: the tool's OIDC authentication request (LTI 1.3
 * security framework 5.1.1.2); answered with the id_token posted to the
 * registered redirect_uri (form_post), or a page that says what is wrong. */
void page_lti_login(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *scope = param(req, "scope"), *rtype = param(req, "response_type");
	const char *client = param(req, "client_id"), *redirect = param(req, "redirect_uri");
	const char *login_hint = param(req, "login_hint"), *hint = param(req, "lti_message_hint");
	const char *state = param(req, "state"), *mode = param(req, "response_mode");
	const char *nonce = param(req, "nonce"), *prompt = param(req, "prompt");
	const char *dep = param(req, "lti_deployment_id");
	const char *bad = NULL;
	struct lti_tool t;
	struct lti_launch l;
	char iss[ISSUER_MAX], sub[LTI_SUB_MAX + 1];
	int64_t now = (int64_t)time(NULL);
	if (!scope && !rtype && !client && !hint && !login_hint) {
		/* a person who typed the address or followed an old link */
		page_begin(req, "Signing in to a tool");
		html_raw(&req->out,
			 "<p>Apps come back here to sign you in when you open one of "
			 "their activities. Open an activity from your class page or "
			 "your home page.</p><p><a href=\"/home\">Your home page</a></p>");
		page_end(req);
		return;
	}
	if (!is(scope, "openid"))
		bad = "The tool's request must ask for scope=openid.";
	else if (!is(rtype, "id_token"))
		bad = "The tool's request must ask for response_type=id_token.";
	else if (!is(mode, "form_post"))
		bad = "The tool's request must ask for response_mode=form_post.";
	else if (prompt && !is(prompt, "none"))
		bad = "The tool's request must ask for prompt=none.";
	else if (!nonce || !*nonce || strlen(nonce) > 255)
		bad = "The tool's request has no nonce.";
	else if (state && strlen(state) > 1024)
		bad = "The tool's state is too long.";
	else if (lti_tool_by_client(req->db, client, &t) || t.district_id != a->district_id)
		bad = "The request names a tool that is not registered (unknown client_id).";
	else if (!lti_redirect_registered(&t, redirect))
		bad = "The tool asked to send the launch to an address it did not register "
		      "(redirect_uri).";
	else if (lti_subject(req->db, a->district_id, t.id, a->id, sub) || !is(login_hint, sub))
		bad = "The launch was started by someone else (login_hint): open the activity "
		      "again from edbridge.";
	else if (!issuer(req, iss, sizeof iss))
		bad = "The server does not know its own address: ask IT to start it with "
		      "--public-url.";
	if (bad) {
		page_error(req, 400, "This activity could not be opened", bad);
		return;
	}
	enum eb_err rc = lti_launch_take(req->db, hint, t.id, a->id, dep, now, &l);
	if (rc) {
		page_error(req, 400, "This activity could not be opened",
			   rc == EB_EEXIST  ? "This launch was used already: open the activity "
					      "again from edbridge."
			   : rc == EB_EAUTH ? "This launch has expired: open the activity again "
					      "from edbridge."
			   : rc == EB_EPERM ? "This launch was started by someone else: open the "
					      "activity again from edbridge."
			   : rc == EB_ECONFLICT
				   ? "The tool named another deployment "
				     "(lti_deployment_id)."
				   : "This launch is unknown (lti_message_hint): open the "
				     "activity again from edbridge.");
		return;
	}
	char dname[200] = "";
	district_name(req->db, a->district_id, dname, sizeof dname);
	struct lti_message m = { iss, nonce, NULL, dname, now };
	struct buf token = BUF_INIT;
	if (lti_id_token(req->db, &l, a, &m, &token, NULL)) {
		buf_free(&token);
		page_error(req, 503, "This activity could not be opened",
			   "The launch could not be signed: ask IT to check the platform keys "
			   "(`edbridge lti keys list`).");
		return;
	}
	/* the form posts to the tool: this page's policy allows that origin */
	char origin[LTI_URL_MAX + 1], csp[LTI_URL_MAX + 300];
	origin_of(redirect, origin, sizeof origin);
	snprintf(csp, sizeof csp,
		 "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self';"
		 " form-action %s; frame-ancestors 'none'; base-uri 'none'",
		 origin);
	http_set_header(req, "Content-Security-Policy", csp);
	req->no_cache = true;
	if (is_student(a))
		page_family_use_lang(req);
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	page_begin(req, TR(L, "Opening the app"));
	html_raw(b, "<form id=\"lti-form\" method=\"post\" action=\"");
	html_attr(b, redirect);
	html_raw(b, "\"><input type=\"hidden\" name=\"id_token\" value=\"");
	html_attr(b, buf_cstr(&token));
	html_raw(b, "\">");
	if (state) {
		html_raw(b, "<input type=\"hidden\" name=\"state\" value=\"");
		html_attr(b, state);
		html_raw(b, "\">");
	}
	html_raw(b, "<p>");
	html_text(b, t.name);
	html_raw(b, "</p><button type=\"submit\">");
	html_text(b, TR(L, "Continue"));
	html_raw(b, "</button></form><script src=\"/assets/lti_autosubmit.js\"></script>");
	page_end(req);
	buf_free(&token);
}

/* POST /lti/deep-linking/return: the tool's LtiDeepLinkingResponse (the
 * JWT field). No session is needed (a tool's page posts it across sites,
 * where the session cookie is not sent): the message is signed by the
 * tool and names the request it answers. */
void page_lti_deep_return(struct http_request *req)
{
	char iss[ISSUER_MAX], why[300];
	struct lti_deep_result res;
	if (!issuer(req, iss, sizeof iss)) {
		page_error(req, 503, "Activities not added",
			   "The server does not know its own address: ask IT to start it with "
			   "--public-url.");
		return;
	}
	enum eb_err rc = lti_deep_linking_return(req->db, http_form(req, "JWT"), iss,
						 (int64_t)time(NULL), &res, why, sizeof why);
	if (rc) {
		page_error(req, rc == EB_EDB ? 503 : 400, "Activities not added", why);
		return;
	}
	struct buf *b = &req->out;
	page_begin(req, "Activities added");
	html_raw(b, "<p>");
	html_textf(b, "%d %s added to the class.", res.added,
		   res.added == 1 ? "activity was" : "activities were");
	if (res.to_map)
		html_textf(b, " %d %s no standard yet: map %s on the tool's page.", res.to_map,
			   res.to_map == 1 ? "has" : "have", res.to_map == 1 ? "it" : "them");
	if (res.skipped)
		html_textf(b, " %d %s of a kind edbridge does not take (only links to activities).",
			   res.skipped, res.skipped == 1 ? "item was" : "items were");
	html_raw(b, "</p>");
	if (res.msg[0]) {
		html_raw(b, "<p>The tool says: ");
		html_text(b, res.msg);
		html_raw(b, "</p>");
	}
	html_raw(b, "<p><a href=\"/classes/");
	html_url(b, res.launch.class_sourced_id);
	html_raw(b, "\">Back to the class</a> &middot; <a href=\"/tools/");
	html_int(b, res.tool_id);
	html_raw(b, "\">The tool's page</a></p>");
	page_end(req);
}

/* GET /.well-known/jwks.json: the platform's public keys (the current one
 * and the rotated-out ones in their grace period). */
void page_lti_jwks(struct http_request *req)
{
	const struct jose_key *k = NULL;
	int64_t now = (int64_t)time(NULL);
	/* the first launch's key exists before any tool asks for it */
	if (lti_key_current(req->db, now, &k) == EB_OK)
		lti_key_release(k);
	if (lti_jwks(req->db, now, &req->out)) {
		buf_free(&req->out);
		http_json_error(req, 503, "the keys could not be read");
		return;
	}
	req->content_type = "application/json";
	http_set_header(req, "Cache-Control", "public, max-age=300");
}

/* GET /assets/lti_autosubmit.js */
void page_lti_script(struct http_request *req)
{
	const struct embed_file *f = embed_find("src/web/assets/lti_autosubmit.js");
	if (!f) {
		http_text(req, 404, "missing script\n");
		return;
	}
	req->content_type = "text/javascript; charset=utf-8";
	http_set_header(req, "Cache-Control", "public, max-age=3600");
	buf_put(&req->out, f->data, f->len);
}

/* POST /lti/links/:id/standards: map a tool's activity to standards (the
 * tool page's "to be mapped" list). */
void page_lti_link_standards(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct lti_link link;
	struct audit_actor who = { a->id, a->login, req->client_addr };
	char why[300], back[40];
	int64_t id;
	if (cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    lti_link_get(req->db, a->district_id, id, &link)) {
		page_error(req, 404, "Not found", "There is no such activity in this district.");
		return;
	}
	const char *std = http_form(req, "standards");
	enum eb_err rc = lti_link_set_standards(req->db, a->district_id, id, std ? std : "", &who,
						why, sizeof why);
	if (rc) {
		page_error(req, rc == EB_EINVAL ? 400 : 503, "Standards not saved",
			   rc == EB_EINVAL ? why : "The standards could not be stored.");
		return;
	}
	snprintf(back, sizeof back, "/tools/%lld#lti", (long long)link.tool_id);
	http_redirect(req, back);
}

/* ---- sections of other pages --------------------------------------------- */

static void link_item(struct buf *b, const struct lti_link_row *r, bool with_class)
{
	html_raw(b, "<li><a href=\"/lti/launch/");
	html_int(b, r->id);
	html_raw(b, "\">");
	html_text(b, r->title);
	html_raw(b, "</a> <span class=\"muted\">");
	html_text(b, r->tool_name);
	if (with_class && r->class_title && *r->class_title) {
		html_raw(b, " &middot; ");
		html_text(b, r->class_title);
	}
	html_raw(b, "</span></li>");
}

void page_lti_class_section(struct http_request *req, const char *cid)
{
	const struct account *a = &req->session->account;
	struct lti_link_row *rows;
	struct lti_tool_row *tools;
	size_t n = 0, nt = 0;
	struct buf *b = &req->out;
	if (lti_link_list(req->db, a->district_id, cid, 0, &req->arena, &rows, &n))
		n = 0;
	bool add = may_add(req, a, cid) &&
		   lti_tool_list(req->db, a->district_id, &req->arena, &tools, &nt) == EB_OK;
	if (!n && !(add && nt))
		return;
	html_raw(b, "<section aria-labelledby=\"lti-h\"><h2 id=\"lti-h\">Activities in the "
		    "class's apps</h2>");
	if (n) {
		html_raw(b, "<ul>");
		for (size_t i = 0; i < n; i++)
			link_item(b, &rows[i], false);
		html_raw(b, "</ul>");
	} else {
		html_raw(b, "<p class=\"muted\">No activities yet.</p>");
	}
	if (add && nt) {
		html_raw(b, "<p>");
		for (size_t i = 0; i < nt; i++) {
			if (i)
				html_raw(b, " &middot; ");
			html_raw(b, "<a href=\"/lti/add/");
			html_int(b, tools[i].id);
			html_raw(b, "?class=");
			html_url(b, cid);
			html_raw(b, "\">Add activities from ");
			html_text(b, tools[i].name);
			html_raw(b, "</a>");
		}
		html_raw(b, "</p>");
	}
	html_raw(b, "</section>");
}

void page_lti_student_section(struct http_request *req, const char *sid)
{
	const struct account *a = &req->session->account;
	struct lti_link_row *rows;
	size_t n = 0;
	struct buf *b = &req->out;
	if (lti_link_list_student(req->db, a->district_id, sid, &req->arena, &rows, &n) || !n)
		return;
	html_raw(b, "<section aria-labelledby=\"lti-h\"><h2 id=\"lti-h\">");
	html_text(b, TR(req->lang, "Activities in your apps"));
	html_raw(b, "</h2><ul>");
	for (size_t i = 0; i < n; i++)
		link_item(b, &rows[i], true);
	html_raw(b, "</ul></section>");
}

void page_lti_tool_section(struct http_request *req, const struct tool *tool)
{
	const struct account *a = &req->session->account;
	struct lti_tool t;
	struct lti_tool_row *regs;
	struct lti_link_row *rows;
	size_t nr = 0, n = 0;
	struct buf *b = &req->out;
	html_raw(b, "<h2 id=\"lti\">Launches (LTI 1.3)</h2>");
	if (lti_tool_by_tool(req->db, a->district_id, tool->id, &t)) {
		html_raw(b, "<p class=\"muted\">Not registered for launches from edbridge. IT "
			    "registers it with <code>edbridge lti add</code> (docs/lti.md).</p>");
		return;
	}
	const char *deps = "";
	if (lti_tool_list(req->db, a->district_id, &req->arena, &regs, &nr) == EB_OK)
		for (size_t i = 0; i < nr; i++)
			if (regs[i].id == t.id)
				deps = regs[i].deployments;
	html_raw(b, "<dl><dt>Client id</dt><dd>");
	html_text(b, t.client_id);
	html_raw(b, "</dd><dt>Deployments</dt><dd>");
	html_text(b, deps);
	html_raw(b, "</dd><dt>Login address</dt><dd>");
	html_text(b, t.login_url);
	html_raw(b, "</dd><dt>Launch address</dt><dd>");
	html_text(b, t.launch_url);
	html_raw(b, "</dd><dt>Key set address</dt><dd>");
	html_text(b, t.jwks_url);
	html_raw(b, "</dd><dt>Deep linking</dt><dd>");
	if (t.deep_link_url[0])
		html_text(b, t.deep_link_url);
	else
		html_raw(b, "the launch address");
	html_raw(b, "</dd></dl>");
	if (lti_link_list(req->db, a->district_id, NULL, t.id, &req->arena, &rows, &n) || !n) {
		html_raw(b, "<p class=\"muted\">No activities placed in classes yet.</p>");
		return;
	}
	bool edit = tools_can_edit(a);
	page_scroll_begin(req, "Activities placed in classes");
	html_raw(b, "<table><caption>Activities placed in classes</caption><thead><tr><th "
		    "scope=\"col\">Activity</th><th scope=\"col\">Class</th><th "
		    "scope=\"col\">Standards</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, rows[i].title);
		html_raw(b, "</td><td>");
		html_text(b,
			  rows[i].class_title[0] ? rows[i].class_title : rows[i].class_sourced_id);
		html_raw(b, "</td><td>");
		if (rows[i].standards[0])
			html_text(b, rows[i].standards);
		else
			html_raw(b, "<strong>To be mapped</strong>");
		if (edit) {
			char fid[40];
			snprintf(fid, sizeof fid, "std-%lld", (long long)rows[i].id);
			html_raw(b, "<form method=\"post\" action=\"/lti/links/");
			html_int(b, rows[i].id);
			html_raw(b, "/standards\" class=\"inline\">");
			page_csrf_field(req);
			html_raw(b, "<label for=\"");
			html_attr(b, fid);
			html_raw(b, "\">Standards for ");
			html_text(b, rows[i].title);
			html_raw(b, "</label> <input id=\"");
			html_attr(b, fid);
			html_raw(b, "\" name=\"standards\" size=\"14\" value=\"");
			html_attr(b, rows[i].standards);
			html_raw(b, "\"> <button type=\"submit\">Save</button></form>");
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}
