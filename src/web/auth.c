#include "web/auth.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "web/http.h"
#include "web/multipart.h"

static bool cookie_secure;

void auth_set_cookie_secure(bool secure)
{
	cookie_secure = secure;
}

void auth_load(struct http_request *req)
{
	const char *tok = http_cookie(req, "eb_session");
	req->session = NULL;
	if (!tok)
		return;
	struct auth_session *s = arena_zalloc(&req->arena, sizeof *s);
	if (!s)
		return;
	if (session_lookup(req->db, tok, &s->account, s->csrf) == EB_OK)
		req->session = s;
}

static bool token_eq(const char *a, const char *b)
{
	size_t n = strlen(b);
	if (!a || strlen(a) != n || n == 0)
		return false;
	return sodium_memcmp(a, b, n) == 0;
}

bool auth_csrf_ok(struct http_request *req)
{
	if (!req->session)
		return false;
	const char *t = http_form(req, "csrf");
	if (!t)
		t = http_header(req, "X-CSRF-Token");
	if (!t && req->body.len) {
		/* an upload form carries the token as one of its parts */
		struct multipart_part part;
		if (multipart_find(http_header(req, "Content-Type"), req->body.data, req->body.len,
				   "csrf", &part) == EB_OK &&
		    part.len < 64)
			t = arena_strndup(&req->arena, part.data, part.len);
	}
	return token_eq(t, req->session->csrf);
}

/* Lax, not Strict: a parent who follows a link to edbridge from an email
 * or a text message arrives with the session (Strict leaves it behind on
 * every navigation from another site, and the family is asked to sign in
 * again, with a code they no longer have). Lax still keeps the cookies
 * off cross-site POSTs, images and frames; CSRF tokens protect every POST
 * anyway, and no GET changes anything (docs/security.md "Sessions"). */
static void set_cookie(struct http_request *req, const char *name, const char *value, long max_age)
{
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%ld%s", name, value,
		 max_age, cookie_secure ? "; Secure" : "");
	http_set_header(req, "Set-Cookie", c);
}

void auth_set_cookie(struct http_request *req, const char *name, const char *value,
		     const char *path, long max_age)
{
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=%s; HttpOnly; SameSite=Lax; Max-Age=%ld%s", name, value,
		 path, max_age, cookie_secure ? "; Secure" : "");
	http_set_header(req, "Set-Cookie", c);
}

enum eb_err auth_start_session(struct http_request *req, const struct account *a)
{
	char token[64], csrf[64];
	/* rotation: the session this browser had before (a fixed one included)
	 * ends with the sign-in */
	const char *old = http_cookie(req, "eb_session");
	if (old && *old)
		session_delete(req->db, old);
	enum eb_err rc = session_create(req->db, a, token, csrf);
	if (rc)
		return rc;
	set_cookie(req, "eb_session", token, SESSION_TTL_S);
	sodium_memzero(token, sizeof token);
	return EB_OK;
}

void auth_end_session(struct http_request *req)
{
	session_delete(req->db, http_cookie(req, "eb_session"));
	set_cookie(req, "eb_session", "", 0);
	if (req->session)
		auth_forget_device(req, &req->session->account);
	req->session = NULL;
}

/* --- remembered devices --- */

void auth_device_label(const char *user_agent, char *out, size_t cap)
{
	static const struct {
		const char *needle, *name;
	} browsers[] = {
		/* the first that the user agent names: the others' names are in
		 * theirs too (Edge says Chrome and Safari, Chrome says Safari) */
		{ "Edg/", "Edge" }, { "OPR/", "Opera" }, { "SamsungBrowser", "Samsung Internet" },
		{ "Firefox/", "Firefox" }, { "FxiOS", "Firefox" }, { "CriOS", "Chrome" },
		{ "Chrome/", "Chrome" }, { "Safari/", "Safari" },
	}, systems[] = {
		{ "CrOS", "a Chromebook" }, { "Android", "Android" }, { "iPhone", "an iPhone" },
		{ "iPad", "an iPad" }, { "Windows", "Windows" }, { "Macintosh", "a Mac" },
		{ "Linux", "Linux" },
	};
	const char *ua = user_agent ? user_agent : "", *br = "A browser", *os = NULL;
	for (size_t i = 0; i < sizeof browsers / sizeof browsers[0]; i++)
		if (strstr(ua, browsers[i].needle)) {
			br = browsers[i].name;
			break;
		}
	for (size_t i = 0; i < sizeof systems / sizeof systems[0]; i++)
		if (strstr(ua, systems[i].needle)) {
			os = systems[i].name;
			break;
		}
	if (os)
		snprintf(out, cap, "%s on %s", br, os);
	else
		str_copy(out, cap, br);
}

enum eb_err auth_remember_device(struct http_request *req, const struct account *a)
{
	char token[64], label[DEVICE_LABEL_MAX + 1];
	auth_device_label(http_header(req, "User-Agent"), label, sizeof label);
	enum eb_err rc = account_device_remember(req->db, a, label, token, NULL);
	if (rc)
		return rc;
	set_cookie(req, "eb_device", token, (long)DEVICE_TTL_DAYS * 86400);
	sodium_memzero(token, sizeof token);
	struct audit_actor who = { a->id, a->login, req->client_addr };
	audit_record(req->db, a->district_id, &who, "device_remembered", "account", a->login,
		     label);
	return EB_OK;
}

int64_t auth_this_device(struct http_request *req, const struct account *a)
{
	const char *tok = http_cookie(req, "eb_device");
	return tok ? account_device_of(req->db, tok, a->id) : 0;
}

void auth_forget_device(struct http_request *req, const struct account *a)
{
	const char *tok = http_cookie(req, "eb_device");
	if (!tok)
		return;
	int64_t id = account_device_of(req->db, tok, a->id), n = 0;
	if (id && account_device_forget(req->db, a->district_id, a->id, id, &n) == EB_OK && n) {
		struct audit_actor who = { a->id, a->login, req->client_addr };
		audit_record(req->db, a->district_id, &who, "device_forgotten", "account", a->login,
			     "by signing out on it");
	}
	set_cookie(req, "eb_device", "", 0);
}

bool auth_resume(struct http_request *req)
{
	if (req->session)
		return true;
	const char *tok = http_cookie(req, "eb_device");
	if (!tok)
		return false;
	struct auth_session *s = arena_zalloc(&req->arena, sizeof *s);
	if (!s)
		return false;
	enum eb_err rc = account_device_lookup(req->db, tok, &s->account, NULL);
	if (rc == EB_EAUTH) {
		/* forgotten, expired or of a disabled account: the browser forgets it too */
		set_cookie(req, "eb_device", "", 0);
		return false;
	}
	char token[64];
	if (rc || session_create(req->db, &s->account, token, s->csrf))
		return false;
	set_cookie(req, "eb_session", token, SESSION_TTL_S);
	sodium_memzero(token, sizeof token);
	req->session = s;
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, s->account.district_id, &who, "login", "account", s->account.login,
		     "remembered device");
	return true;
}

/* --- where sign-in returns to --- */

bool auth_safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return false;
	size_t n = strlen(next);
	if (n > AUTH_NEXT_MAX)
		return false;
	/* printable ASCII only: no spaces, controls (a browser drops tabs and
	 * line breaks, so "/\t/evil.example" would become "//evil.example"),
	 * backslashes (read as slashes) or raw non-ASCII; escapes stay escaped */
	for (size_t i = 0; i < n; i++)
		if (next[i] <= ' ' || next[i] > '~' || next[i] == '\\')
			return false;
	/* not back to a sign-in page: a loop */
	size_t path = strcspn(next, "?#");
	static const char *const signin[] = { "/login", "/login/code", "/logout" };
	for (size_t i = 0; i < sizeof signin / sizeof signin[0]; i++)
		if (path == strlen(signin[i]) && strncmp(next, signin[i], path) == 0)
			return false;
	return true;
}

const char *auth_next_or_home(const char *next)
{
	return auth_safe_next(next) ? next : "/home";
}

struct audit_actor auth_actor(struct http_request *req)
{
	struct audit_actor a = { 0, "anonymous", req->client_addr };
	if (req->session) {
		a.account_id = req->session->account.id;
		a.login = req->session->account.login;
	}
	return a;
}

const char *auth_login_csrf(struct http_request *req)
{
	const char *have = http_cookie(req, "eb_login");
	if (have && strlen(have) == 32)
		return have;
	char *t = arena_alloc(&req->arena, 64);
	if (!t)
		return "";
	account_random_token(t, 64, 24);
	set_cookie(req, "eb_login", t, 3600);
	return t;
}

bool auth_login_csrf_ok(struct http_request *req)
{
	return token_eq(http_form(req, "csrf"),
			http_cookie(req, "eb_login") ? http_cookie(req, "eb_login") : "");
}

/* --- sign-in throttles --- */

static const struct throttle_rule pair_rule = { THROTTLE_PROGRESSIVE, 5, 30, 15 * 60, 24 * 3600 };
static const struct throttle_rule address_rule = { THROTTLE_WINDOW, 100, 15 * 60, 0, 0 };
static const struct throttle_rule code_address_rule = { THROTTLE_WINDOW, 10, 15 * 60, 0, 0 };
static const struct throttle_rule code_prefix_rule = { THROTTLE_WINDOW, 5, 15 * 60, 0, 0 };

void auth_address_key(const char *address, char *out, size_t cap)
{
	unsigned char a6[16];
	const char *v4 = address ? address : "";
	if (strncmp(v4, "::ffff:", 7) == 0 && strchr(v4 + 7, '.'))
		v4 += 7;
	if (strchr(v4, ':') && inet_pton(AF_INET6, v4, a6) == 1) {
		/* one IPv6 client usually holds a whole /64 */
		snprintf(out, cap, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", a6[0], a6[1], a6[2],
			 a6[3], a6[4], a6[5], a6[6], a6[7]);
		return;
	}
	str_copy(out, cap, v4);
}

static enum eb_err throttle_begin(struct http_request *req, struct auth_throttle *t,
				  int64_t *retry_s)
{
	enum eb_err rc = account_throttle_begin(req->db, t->keys, t->n, retry_s);
	if (rc == EB_EBUSY)
		log_info("sign-in throttled: %s for %llds", req->client_addr, (long long)*retry_s);
	return rc;
}

enum eb_err auth_password_attempt(struct http_request *req, const struct account *a,
				  int64_t district, const char *login, struct auth_throttle *t,
				  int64_t *retry_s)
{
	char addr[64], what[320];
	auth_address_key(req->client_addr, addr, sizeof addr);
	if (a) {
		snprintf(what, sizeof what, "pair|%lld|%s", (long long)a->id, addr);
	} else {
		/* no such account: the typed login stands for it, in lower case as
		 * logins compare */
		char low[ACCOUNT_LOGIN_MAX];
		size_t n = str_copy(low, sizeof low, login ? login : "");
		for (size_t i = 0; i < n; i++)
			if (low[i] >= 'A' && low[i] <= 'Z')
				low[i] = (char)(low[i] + 32);
		snprintf(what, sizeof what, "nopair|%lld|%s|%s", (long long)district, low, addr);
	}
	account_throttle_key(&t->keys[0], &pair_rule, what);
	snprintf(what, sizeof what, "address|%s", addr);
	account_throttle_key(&t->keys[1], &address_rule, what);
	t->n = 2;
	return throttle_begin(req, t, retry_s);
}

enum eb_err auth_code_attempt(struct http_request *req, const char *code, struct auth_throttle *t,
			      int64_t *retry_s)
{
	char addr[64], what[128], prefix[9];
	auth_address_key(req->client_addr, addr, sizeof addr);
	snprintf(what, sizeof what, "code-address|%s", addr);
	account_throttle_key(&t->keys[0], &code_address_rule, what);
	t->n = 1;
	if (account_code_prefix(code, prefix)) {
		snprintf(what, sizeof what, "code-prefix|%s", prefix);
		account_throttle_key(&t->keys[1], &code_prefix_rule, what);
		t->n = 2;
		sodium_memzero(what, sizeof what);
		sodium_memzero(prefix, sizeof prefix);
	}
	return throttle_begin(req, t, retry_s);
}

void auth_attempt_succeeded(struct http_request *req, const struct auth_throttle *t)
{
	if (account_throttle_success(req->db, t->keys, t->n))
		log_warn("sign-in throttle: could not record a success");
}
