#include "web/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

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
				   "csrf", &part) == EB_OK && part.len < 64)
			t = arena_strndup(&req->arena, part.data, part.len);
	}
	return token_eq(t, req->session->csrf);
}

static void set_cookie(struct http_request *req, const char *name, const char *value, int max_age)
{
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", name, value,
		 max_age, cookie_secure ? "; Secure" : "");
	http_set_header(req, "Set-Cookie", c);
}

enum eb_err auth_start_session(struct http_request *req, const struct account *a)
{
	char token[64], csrf[64];
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
	req->session = NULL;
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
	return token_eq(http_form(req, "csrf"), http_cookie(req, "eb_login") ? http_cookie(req, "eb_login") : "");
}

/* --- rate limiting: a small fixed table, oldest entry evicted --- */

#define RATE_SLOTS 4096
#define RATE_WINDOW_S (15 * 60)
#define RATE_MAX_LOGIN 5
#define RATE_MAX_ADDR 20

struct rate_slot {
	char key[140];
	int64_t first;
	int count;
};

static struct rate_slot rate_table[RATE_SLOTS];
static pthread_mutex_t rate_lock = PTHREAD_MUTEX_INITIALIZER;

static struct rate_slot *rate_find(const char *key, bool create)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	size_t i = (size_t)(h % RATE_SLOTS);
	for (int probe = 0; probe < 8; probe++, i = (i + 1) % RATE_SLOTS) {
		if (strcmp(rate_table[i].key, key) == 0)
			return &rate_table[i];
		if (!rate_table[i].key[0] || time_now() - rate_table[i].first > RATE_WINDOW_S) {
			if (!create)
				continue;
			str_copy(rate_table[i].key, sizeof rate_table[i].key, key);
			rate_table[i].first = time_now();
			rate_table[i].count = 0;
			return &rate_table[i];
		}
	}
	if (!create)
		return NULL;
	/* all probed slots busy: reuse the first (bounded memory beats perfect memory) */
	i = (size_t)(h % RATE_SLOTS);
	str_copy(rate_table[i].key, sizeof rate_table[i].key, key);
	rate_table[i].first = time_now();
	rate_table[i].count = 0;
	return &rate_table[i];
}

static int rate_count(const char *key)
{
	struct rate_slot *s = rate_find(key, false);
	if (!s || time_now() - s->first > RATE_WINDOW_S)
		return 0;
	return s->count;
}

static void keys(const char *login, const char *address, char *kl, char *ka)
{
	snprintf(kl, 140, "l:%.128s", login ? login : "");
	snprintf(ka, 140, "a:%.128s", address ? address : "");
	for (char *p = kl; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
}

bool auth_rate_allowed(const char *login, const char *address)
{
	char kl[140], ka[140];
	keys(login, address, kl, ka);
	pthread_mutex_lock(&rate_lock);
	bool ok = rate_count(kl) < RATE_MAX_LOGIN && rate_count(ka) < RATE_MAX_ADDR;
	pthread_mutex_unlock(&rate_lock);
	return ok;
}

void auth_rate_failure(const char *login, const char *address)
{
	char kl[140], ka[140];
	keys(login, address, kl, ka);
	pthread_mutex_lock(&rate_lock);
	struct rate_slot *s = rate_find(kl, true);
	if (s)
		s->count++;
	s = rate_find(ka, true);
	if (s)
		s->count++;
	pthread_mutex_unlock(&rate_lock);
}

void auth_rate_success(const char *login)
{
	char kl[140], ka[140];
	keys(login, "", kl, ka);
	pthread_mutex_lock(&rate_lock);
	struct rate_slot *s = rate_find(kl, false);
	if (s)
		s->key[0] = '\0';
	pthread_mutex_unlock(&rate_lock);
}

void auth_rate_reset(void)
{
	pthread_mutex_lock(&rate_lock);
	memset(rate_table, 0, sizeof rate_table);
	pthread_mutex_unlock(&rate_lock);
}
