/* Single sign-on pages (docs/sso.md):
 *   /sso/:provider/start     begins a sign-in with a district's provider
 *   /sso/:provider/callback  where the provider sends the person back
 *   /admin/sso               the district's providers (district admin)
 * and the provider buttons of the login page (page_sso_buttons). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/str.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/sso.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

#define SSO_STATE_COOKIE "eb_sso_state"
#define SSO_PROVIDER_COOKIE "eb_sso"

/* The address the provider sends people back to: serve --public-url, else
 * this request's Host (a name or address with a port, nothing else). */
static const char *redirect_uri(struct http_request *req, const struct sso_provider *p)
{
	const char *base = page_public_url();
	const char *host = http_header(req, "Host");
	if (!base) {
		if (!host || !*host || strlen(host) > 255)
			return NULL;
		for (const char *c = host; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == ':' ||
			      *c == '[' || *c == ']'))
				return NULL;
		return arena_printf(&req->arena, "http://%s/sso/%s/callback", host, p->slug);
	}
	return arena_printf(&req->arena, "%s/sso/%s/callback", base, p->slug);
}

static void sso_refused(struct http_request *req, int status, const char *why)
{
	req->status = status;
	page_begin(req, "Sign-in refused");
	struct buf *b = &req->out;
	html_raw(b, "<p class=\"notice error\" role=\"alert\">");
	html_text(b, why ? why : "The sign-in did not work. Start again from the login page.");
	html_raw(b, "</p><p><a href=\"/login\">Back to the login page</a> (you can also log in"
		    " with your password or your family access code).</p>");
	page_end(req);
}

static bool provider_of(struct http_request *req, struct sso_provider *p)
{
	if (req->nparams < 1 || sso_provider_by_slug(req->db, req->params[0], p) != EB_OK) {
		page_error(req, 404, "Not found", "This sign-in provider does not exist.");
		return false;
	}
	return true;
}

void page_sso_start(struct http_request *req)
{
	struct sso_provider p;
	struct buf url = BUF_INIT;
	char state[64];
	const char *why = NULL, *ru;

	if (!provider_of(req, &p))
		return;
	ru = redirect_uri(req, &p);
	if (!ru) {
		sso_refused(req, 400,
			    "This server does not know its own address (serve"
			    " --public-url).");
		return;
	}
	enum eb_err rc = sso_begin(req->db, &p, ru, &url, state, &why);
	if (rc) {
		log_warn("sso: %s: sign-in could not start (%s)", p.slug, eb_strerror(rc));
		sso_refused(req, rc == EB_EIO ? 502 : 503, why);
		buf_free(&url);
		return;
	}
	/* binds the sign-in to this browser: a code and state sent to another
	 * browser (login CSRF) do not match its cookie */
	auth_set_cookie(req, SSO_STATE_COOKIE, state, "/sso/", SSO_LOGIN_TTL_S);
	http_redirect(req, buf_cstr(&url));
	sodium_memzero(state, sizeof state);
	buf_free(&url);
}

void page_sso_callback(struct http_request *req)
{
	struct sso_provider p;
	struct account a;
	const char *why = NULL, *ru;
	const char *state = http_query(req, "state"), *code = http_query(req, "code");
	const char *cookie = http_cookie(req, SSO_STATE_COOKIE);
	enum eb_err rc;

	if (!provider_of(req, &p))
		return;
	/* whatever follows, this browser's sign-in under way is over */
	auth_set_cookie(req, SSO_STATE_COOKIE, "", "/sso/", 0);
	if (http_query(req, "error")) {
		/* the person cancelled, or the provider refused: nothing to check */
		if (state)
			(void)sso_take_state(req->db, &p, state, (int64_t)time(NULL),
					     (char[64]){ 0 }, (char[64]){ 0 }, NULL);
		sso_refused(req, 401,
			    "The sign-in provider did not sign you in (cancelled or refused).");
		return;
	}
	if (!state || !cookie || strlen(cookie) != strlen(state) ||
	    sodium_memcmp(cookie, state, strlen(state)) != 0) {
		sso_refused(req, 400,
			    "This sign-in was not started in this browser, or was already used."
			    " Start again from the login page.");
		return;
	}
	ru = redirect_uri(req, &p);
	if (!ru) {
		sso_refused(req, 400,
			    "This server does not know its own address (serve"
			    " --public-url).");
		return;
	}
	rc = sso_finish(req->db, &p, state, code, ru, (int64_t)time(NULL), &a, &why);
	if (rc) {
		struct audit_actor who = auth_actor(req);
		log_info("sso: %s: sign-in refused (%s)", p.slug, eb_strerror(rc));
		audit_record(req->db, p.district_id, &who, "login_refused", "sso_provider", p.slug,
			     why ? why : eb_strerror(rc));
		sso_refused(req, rc == EB_EIO ? 502 : rc == EB_EAUTH ? 401 : 403, why);
		return;
	}
	/* a new session, and the one this browser had (if any) ends */
	if (auth_start_session(req, &a)) {
		page_error(req, 503, "Error", "The session could not be started. Try again.");
		return;
	}
	struct audit_actor who = { a.id, a.login, req->client_addr };
	audit_record(req->db, a.district_id, &who, "login", "account", a.login, p.label);
	auth_set_cookie(req, SSO_PROVIDER_COOKIE, p.slug, "/", SESSION_TTL_S);
	http_redirect(req, "/home");
}

/* ---- the login page's buttons ------------------------------------------- */

void page_sso_buttons(struct http_request *req)
{
	struct sso_provider *ps = NULL;
	size_t n = 0;
	int64_t district = 0;
	const char *q = http_query(req, "district");
	struct buf *b = &req->out;

	if (q && cstr_to_i64(q, 1, INT64_MAX, &district) == EB_OK &&
	    district_exists(req->db, district)) {
		/* ?district=N: that district's providers */
	} else if (district_only(req->db, &district) != EB_OK) {
		district = 0;
	}
	if (sso_provider_list(req->db, district, &req->arena, &ps, &n) || n == 0)
		return;
	html_raw(b, "<section aria-labelledby=\"h-sso\"><h2 id=\"h-sso\">Sign in with your"
		    " school account</h2><ul class=\"sso-buttons\">");
	for (size_t i = 0; i < n && i < 40; i++) {
		html_raw(b, "<li><a class=\"button\" href=\"/sso/");
		html_attr(b, ps[i].slug);
		html_raw(b, "/start\">Sign in with ");
		html_text(b, ps[i].label);
		if (district == 0) {
			char name[256];
			if (district_name(req->db, ps[i].district_id, name, sizeof name) == EB_OK) {
				html_raw(b, " <span class=\"muted\">(");
				html_text(b, name);
				html_raw(b, ")</span>");
			}
		}
		html_raw(b, "</a></li>");
	}
	html_raw(b, "</ul></section>");
}

/* After sign-out: the provider's own sign-out, when the session came from
 * one that has an end-session endpoint. */
void page_sso_signed_out(struct http_request *req)
{
	const char *slug = http_query(req, "signed_out");
	struct sso_provider p;
	struct sso_endpoints ep;
	struct buf *b = &req->out;

	if (!slug || sso_provider_by_slug(req->db, slug, &p) != EB_OK)
		return;
	if (sso_discover(req->db, &p, &ep, NULL) != EB_OK || !ep.end_session[0])
		return;
	html_raw(b, "<p class=\"notice\">You are signed out of edbridge. You may still be signed"
		    " in to ");
	html_text(b, p.label);
	html_raw(b, ": <a href=\"");
	html_attr(b, ep.end_session);
	html_raw(b, strchr(ep.end_session, '?') ? "&amp;client_id=" : "?client_id=");
	html_url(b, p.client_id);
	html_raw(b, "\">sign out of ");
	html_text(b, p.label);
	html_raw(b, " too</a>.</p>");
}

/* ---- /admin/sso ---------------------------------------------------------- */

static void admin_page(struct http_request *req, int status, const char *error, const char *ok)
{
	int64_t d = req->session->account.district_id;
	struct sso_provider *ps = NULL;
	size_t n = 0;
	struct buf *b = &req->out;

	req->status = status;
	page_begin(req, "Single sign-on");
	if (error) {
		html_raw(b, "<p class=\"notice error\" role=\"alert\">");
		html_text(b, error);
		html_raw(b, "</p>");
	} else if (ok) {
		html_raw(b, "<p class=\"notice\" role=\"status\">");
		html_text(b, ok);
		html_raw(b, "</p>");
	}
	html_raw(b, "<p>People sign in with their school account: edbridge finds them in the"
		    " roster by email, and their roles stay the ones edbridge gives. Someone the"
		    " roster does not know is refused. Passwords and family access codes keep"
		    " working.</p><h2>Providers</h2>");
	if (sso_provider_list(req->db, d, &req->arena, &ps, &n)) {
		html_raw(b, "<p>The providers could not be read. Try again.</p>");
	} else if (n == 0) {
		html_raw(b, "<p>No provider yet: everyone signs in with a password or an access"
			    " code.</p>");
	} else {
		page_scroll_begin(req, "Sign-in providers");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Button</th><th scope=\"col\">"
			    "Kind</th><th scope=\"col\">Issuer</th><th scope=\"col\">Client id</th>"
			    "<th scope=\"col\">Secret</th><th scope=\"col\">Return address</th>"
			    "<th scope=\"col\"><span class=\"visually-hidden\">Remove</span></th>"
			    "</tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			const struct sso_preset *pre = sso_preset_find(ps[i].preset);
			const char *ru = redirect_uri(req, &ps[i]);
			html_raw(b, "<tr><td>Sign in with ");
			html_text(b, ps[i].label);
			html_raw(b, "</td><td>");
			html_text(b, pre ? pre->label : ps[i].preset);
			html_raw(b, "</td><td>");
			html_text(b, ps[i].issuer);
			html_raw(b, "</td><td>");
			html_text(b, ps[i].client_id);
			html_raw(b, "</td><td>");
			html_text(b, ps[i].has_secret ? "Set (sealed, never shown)" : "None");
			html_raw(b, "</td><td>");
			html_text(b, ru ? ru : "");
			html_raw(b, "</td><td><form method=\"post\" action=\"/admin/sso/");
			html_int(b, ps[i].id);
			html_raw(b, "/remove\">");
			page_csrf_field(req);
			html_raw(b, "<button type=\"submit\">Remove ");
			html_text(b, ps[i].label);
			html_raw(b, "</button></form></td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	html_raw(b, "<h2>Add a provider</h2><form class=\"stack\" method=\"post\""
		    " action=\"/admin/sso\">");
	page_csrf_field(req);
	html_raw(b,
		 "<div><label for=\"preset\">Kind</label><select id=\"preset\" name=\"preset\">");
	for (const struct sso_preset *p = sso_presets; p->name; p++) {
		html_raw(b, "<option value=\"");
		html_attr(b, p->name);
		html_raw(b, "\">");
		html_text(b, strcmp(p->name, "generic") == 0 ? "Another OpenID Connect provider"
							     : p->label);
		html_raw(b, "</option>");
	}
	html_raw(b,
		 "</select></div>"
		 "<div><label for=\"slug\">Name in the address</label><p class=\"muted\""
		 " id=\"h-slug\">Lowercase letters, digits and dashes, such as lincoln-google:"
		 " the provider sends people back to /sso/NAME/callback.</p><input id=\"slug\""
		 " name=\"slug\" required maxlength=\"40\" pattern=\"[a-z0-9][a-z0-9-]*\""
		 " aria-describedby=\"h-slug\"></div>"
		 "<div><label for=\"label\">Button label</label><p class=\"muted\" id=\"h-label\">"
		 "Shown as \"Sign in with LABEL\"; empty: the kind's name.</p><input id=\"label\""
		 " name=\"label\" maxlength=\"80\" aria-describedby=\"h-label\"></div>"
		 "<div><label for=\"issuer\">Issuer</label><p class=\"muted\" id=\"h-issuer\">The"
		 " provider's https:// address; needed for Microsoft (with your tenant) and other"
		 " providers.</p><input id=\"issuer\" name=\"issuer\" maxlength=\"500\""
		 " aria-describedby=\"h-issuer\"></div>"
		 "<div><label for=\"client_id\">Client id</label><input id=\"client_id\""
		 " name=\"client_id\" required maxlength=\"500\"></div>"
		 "<div><label for=\"client_secret\">Client secret</label><p class=\"muted\""
		 " id=\"h-secret\">Sealed at rest and never shown again.</p><input"
		 " id=\"client_secret\" name=\"client_secret\" type=\"password\""
		 " autocomplete=\"off\" maxlength=\"4096\" aria-describedby=\"h-secret\"></div>"
		 "<div><button type=\"submit\">Add the provider</button></div></form>");
	page_end(req);
}

void page_admin_sso(struct http_request *req)
{
	admin_page(req, 200, NULL, NULL);
}

void page_admin_sso_add(struct http_request *req)
{
	int64_t d = req->session->account.district_id, id = 0;
	const char *why = NULL;
	struct sso_provider_new in = {
		.slug = http_form(req, "slug"),
		.preset = http_form(req, "preset"),
		.label = http_form(req, "label"),
		.issuer = http_form(req, "issuer"),
		.client_id = http_form(req, "client_id"),
		.client_secret = http_form(req, "client_secret"),
		.ca_file = NULL, /* a CA file is a server path: only `edbridge sso add` sets one */
	};
	enum eb_err rc = sso_provider_add(req->db, d, &in, &id, &why);
	if (rc) {
		admin_page(req, rc == EB_EEXIST ? 409 : 400,
			   why ? why : "The provider could not be added. Try again.", NULL);
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, d, &who, "create", "sso_provider", in.slug,
		     "sign-in provider added (secret not recorded)");
	admin_page(req, 200, NULL, "Provider added.");
}

void page_admin_sso_remove(struct http_request *req)
{
	int64_t d = req->session->account.district_id, id = 0;
	struct sso_provider p;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    sso_provider_get(req->db, d, id, &p) != EB_OK) {
		page_error(req, 404, "Not found", "This sign-in provider does not exist.");
		return;
	}
	if (sso_provider_remove(req->db, d, id)) {
		admin_page(req, 503, "The provider could not be removed. Try again.", NULL);
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, d, &who, "delete", "sso_provider", p.slug,
		     "sign-in provider removed");
	admin_page(req, 200, NULL, "Provider removed.");
}
