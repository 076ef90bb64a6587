/* oneroster_rest.c - OneRoster REST client: token, paging, retries.
 *
 * One libcurl easy handle per client (connections are reused between pages);
 * the client is not shared between threads. */
#include "ingest/oneroster_rest.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"

#define TOKEN_MAX 8192
#define TOKEN_SLACK_S 30 /* a token this close to expiry is fetched again */

struct oneroster_rest {
	struct oneroster_rest_config cfg;
	int version;
	char root[ONEROSTER_REST_URL_MAX];   /* service root, no trailing slash */
	char origin[ONEROSTER_REST_URL_MAX]; /* scheme://host[:port] */
	char token_url[ONEROSTER_REST_URL_MAX];
	char *id, *secret, *scope;
	char *token;	      /* "Authorization: Bearer ..." header, or NULL */
	double token_expires; /* monotonic seconds */
	CURL *h;
	struct oneroster_rest_stats stats;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void free_secret(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* dst = a + b[0..bn) + c; false when it does not fit cap. */
static bool join3(char *dst, size_t cap, const char *a, const char *b, size_t bn, const char *c)
{
	size_t an = strlen(a), cn = strlen(c);
	if (an + bn + cn >= cap)
		return false;
	memcpy(dst, a, an);
	memcpy(dst + an, b, bn);
	memcpy(dst + an + bn, c, cn + 1);
	return true;
}

/* Splits url into origin and path with curl's parser; refuses credentials
 * in the URL, other schemes, and http to anything but a loopback host. */
static enum eb_err check_url(const char *what, const char *url, char *origin, size_t ocap,
			     char *path, size_t pcap, char *why, size_t cap)
{
	enum eb_err rc = EB_EINVAL;
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *p = NULL;
	CURLU *u = curl_url();
	if (!u)
		return EB_ENOMEM;
	if (!url || !*url || strlen(url) >= ONEROSTER_REST_URL_MAX - 64 ||
	    curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		eb_say(why, cap, EB_EINVAL, "%s: not a URL (https://host/path)", what);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		eb_say(why, cap, EB_EINVAL,
		       "%s: credentials in the URL are refused (give the client id and secret "
		       "apart)",
		       what);
		goto out;
	}
	bool loopback = !strcmp(host, "127.0.0.1") || !strcmp(host, "localhost") ||
			!strcmp(host, "[::1]");
	if (strcmp(scheme, "https") && !(loopback && !strcmp(scheme, "http"))) {
		eb_say(why, cap, EB_EINVAL,
		       "%s: must be https (plain http only to 127.0.0.1 or localhost)", what);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &p, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &p, 0) == CURLUE_OK) {
		eb_say(why, cap, EB_EINVAL, "%s: no ?query or #fragment, please", what);
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_PATH, &p, 0);
	snprintf(origin, ocap, "%s://%s%s%s", scheme, host, port ? ":" : "", port ? port : "");
	size_t n = p ? strlen(p) : 0;
	while (n && p[n - 1] == '/')
		n--;
	snprintf(path, pcap, "%.*s", (int)n, p ? p : "");
	rc = EB_OK;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_free(p);
	curl_url_cleanup(u);
	return rc;
}

enum eb_err oneroster_rest_new(const struct oneroster_rest_config *cfg, struct oneroster_rest **out,
			       char *why, size_t cap)
{
	char path[ONEROSTER_REST_URL_MAX], tpath[ONEROSTER_REST_URL_MAX];
	char torigin[ONEROSTER_REST_URL_MAX];
	enum eb_err rc;
	*out = NULL;
	pthread_once(&curl_once, curl_start);
	struct oneroster_rest *c = calloc(1, sizeof *c);
	if (!c)
		return EB_ENOMEM;
	c->cfg = *cfg;
	rc = check_url("url", cfg->url, c->origin, sizeof c->origin, path, sizeof path, why, cap);
	if (rc)
		goto fail;
	if (!cfg->client_id || !*cfg->client_id || strlen(cfg->client_id) > 512) {
		rc = eb_say(why, cap, EB_EINVAL, "client id: required (at most 512 characters)");
		goto fail;
	}
	if (!cfg->client_secret || !*cfg->client_secret || strlen(cfg->client_secret) > 4096) {
		rc = eb_say(why, cap, EB_EINVAL, "client secret: required (at most 4096 bytes)");
		goto fail;
	}
	c->version = cfg->version;
	if (!c->version)
		c->version = strstr(path, "v1p2") ? 12 : 11;
	if (c->version != 11 && c->version != 12) {
		rc = eb_say(why, cap, EB_EINVAL, "version: 1.1 or 1.2");
		goto fail;
	}
	/* the service root: keep a path that names the binding, else append it */
	const char *ims = strstr(path, "/ims/oneroster");
	bool fits = join3(c->root, sizeof c->root, c->origin, path, strlen(path),
			  ims		     ? ""
			  : c->version == 12 ? "/ims/oneroster/rostering/v1p2"
					     : "/ims/oneroster/v1p1");
	if (cfg->token_url && *cfg->token_url) {
		rc = check_url("token url", cfg->token_url, torigin, sizeof torigin, tpath,
			       sizeof tpath, why, cap);
		if (rc)
			goto fail;
		fits = fits &&
		       join3(c->token_url, sizeof c->token_url, torigin, tpath, strlen(tpath), "");
	} else {
		fits = fits && join3(c->token_url, sizeof c->token_url, c->origin, path,
				     ims ? (size_t)(ims - path) : strlen(path), "/oauth/token");
	}
	if (!fits) {
		rc = eb_say(why, cap, EB_EINVAL, "url: too long");
		goto fail;
	}
	c->id = strdup(cfg->client_id);
	c->secret = strdup(cfg->client_secret);
	c->scope = strdup(
		cfg->scope && *cfg->scope ? cfg->scope
		: c->version == 12
			? "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"
			: "https://purl.imsglobal.org/spec/or/v1p1/scope/roster-core.readonly");
	c->cfg.ca_file = NULL;
	if (cfg->ca_file && *cfg->ca_file) {
		FILE *f = strlen(cfg->ca_file) < 1000 ? fopen(cfg->ca_file, "r") : NULL;
		if (!f) {
			rc = eb_say(why, cap, EB_EINVAL, "CA file: cannot be read");
			goto fail;
		}
		fclose(f);
		c->cfg.ca_file = dup_or_null(cfg->ca_file);
	}
	c->cfg.url = c->cfg.token_url = c->cfg.client_id = c->cfg.client_secret = NULL;
	c->cfg.scope = NULL;
	if (!c->cfg.timeout_ms)
		c->cfg.timeout_ms = 30000;
	if (!c->cfg.retries)
		c->cfg.retries = 4;
	if (c->cfg.retries < 0)
		c->cfg.retries = 0;
	if (!c->cfg.backoff_ms)
		c->cfg.backoff_ms = 500;
	if (!c->cfg.backoff_cap_ms)
		c->cfg.backoff_cap_ms = 30000;
	if (c->cfg.page_size <= 0)
		c->cfg.page_size = 1000;
	c->h = curl_easy_init();
	if (!c->id || !c->secret || !c->scope || !c->h ||
	    (cfg->ca_file && *cfg->ca_file && !c->cfg.ca_file)) {
		rc = EB_ENOMEM;
		goto fail;
	}
	*out = c;
	return EB_OK;
fail:
	oneroster_rest_free(c);
	return rc;
}

void oneroster_rest_free(struct oneroster_rest *c)
{
	if (!c)
		return;
	if (c->h)
		curl_easy_cleanup(c->h);
	free(c->id);
	free_secret(c->secret);
	free_secret(c->token);
	free(c->scope);
	free((char *)c->cfg.ca_file);
	free(c);
}

int oneroster_rest_version(const struct oneroster_rest *c)
{
	return c->version;
}

const char *oneroster_rest_root(const struct oneroster_rest *c)
{
	return c->root;
}

const struct oneroster_rest_stats *oneroster_rest_stats(const struct oneroster_rest *c)
{
	return &c->stats;
}

/* ---- one HTTP exchange ------------------------------------------------------ */

struct answer {
	long status;
	struct buf body;
	long total;			   /* X-Total-Count, -1 when absent */
	long retry_after_ms;		   /* Retry-After, -1 when absent */
	char next[ONEROSTER_REST_URL_MAX]; /* Link rel="next", "" when absent */
};

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	buf_put(b, p, size * n);
	return buf_failed(b) ? 0 : size * n;
}

static bool header_is(const char *line, size_t n, const char *name, const char **val)
{
	size_t k = strlen(name);
	if (n <= k || strncasecmp(line, name, k) || line[k] != ':')
		return false;
	const char *v = line + k + 1;
	while (v < line + n && (*v == ' ' || *v == '\t'))
		v++;
	*val = v;
	return true;
}

/* Link: <url>; rel="next", <url>; rel="last" -> the next one */
static void read_link(const char *v, const char *end, char *next, size_t cap)
{
	while (v < end) {
		const char *lt = memchr(v, '<', (size_t)(end - v));
		if (!lt)
			return;
		const char *gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt)
			return;
		const char *comma = memchr(gt, ',', (size_t)(end - gt));
		const char *stop = comma ? comma : end;
		for (const char *q = gt; q + 8 <= stop; q++)
			if (!strncasecmp(q, "rel=\"next\"", 10) || !strncasecmp(q, "rel=next", 8)) {
				if ((size_t)(gt - lt - 1) < cap)
					snprintf(next, cap, "%.*s", (int)(gt - lt - 1), lt + 1);
				return;
			}
		v = stop + 1;
	}
}

static size_t on_header(char *line, size_t size, size_t n, void *ud)
{
	struct answer *a = ud;
	size_t len = size * n;
	const char *v, *end = line + len;
	while (end > line && (end[-1] == '\r' || end[-1] == '\n'))
		end--;
	size_t m = (size_t)(end - line);
	if (m > 5 && !strncmp(line, "HTTP/", 5)) { /* a new answer (after a 100) */
		a->total = -1;
		a->retry_after_ms = -1;
		a->next[0] = 0;
	} else if (header_is(line, m, "X-Total-Count", &v)) {
		char tmp[24];
		snprintf(tmp, sizeof tmp, "%.*s", (int)(end - v), v);
		char *e;
		long t = strtol(tmp, &e, 10);
		if (e != tmp && *e == 0 && t >= 0)
			a->total = t;
	} else if (header_is(line, m, "Retry-After", &v)) {
		char tmp[24];
		snprintf(tmp, sizeof tmp, "%.*s", (int)(end - v), v);
		char *e;
		long s = strtol(tmp, &e, 10);
		if (e != tmp && *e == 0 && s >= 0)
			a->retry_after_ms = s > 86400 ? 86400000L : s * 1000;
	} else if (header_is(line, m, "Link", &v)) {
		read_link(v, end, a->next, sizeof a->next);
	}
	return len;
}

/* One request; form non-NULL makes it the token POST (Basic auth). EB_EIO
 * when no answer came (timeout, refused, TLS); the status is the caller's
 * to judge. */
static enum eb_err exchange(struct oneroster_rest *c, const char *url, const char *form,
			    struct answer *a, char *why, size_t cap)
{
	CURL *h = c->h;
	struct curl_slist *hdr = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	enum eb_err rc = EB_OK;

	buf_reset(&a->body);
	a->body.max = ONEROSTER_REST_PAGE_MAX;
	a->status = 0;
	a->total = a->retry_after_ms = -1;
	a->next[0] = 0;
	curl_easy_reset(h);
	hdr = curl_slist_append(hdr, "Accept: application/json");
	if (!form && c->token && hdr)
		hdr = curl_slist_append(hdr, c->token);
	if (!hdr)
		return EB_ENOMEM;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->cfg.timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->cfg.timeout_ms);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->cfg.ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->cfg.ca_file);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a->body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (form) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, c->id);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->secret);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
	}
	c->stats.requests++;
	CURLcode cc = curl_easy_perform(h);
	if (cc == CURLE_WRITE_ERROR && buf_failed(&a->body))
		rc = eb_say(why, cap, EB_ETOOBIG, "%s: the answer is over %u MiB", url,
			    ONEROSTER_REST_PAGE_MAX >> 20);
	else if (cc != CURLE_OK)
		rc = eb_say(why, cap, EB_EIO, "%s: %s", url,
			    errbuf[0] ? errbuf : curl_easy_strerror(cc));
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
	/* the handle keeps the secret in its options: clear them */
	curl_easy_setopt(h, CURLOPT_PASSWORD, "");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdr);
	return rc;
}

static bool retryable(enum eb_err rc, long status)
{
	return rc == EB_EIO || status == 429 || (status >= 500 && status <= 599);
}

/* exchange() with the retries; EB_OK means an answer that is not to be
 * retried (the caller judges its status). */
static enum eb_err exchange_retrying(struct oneroster_rest *c, const char *url, const char *form,
				     struct answer *a, char *why, size_t cap)
{
	long wait = c->cfg.backoff_ms;
	for (int attempt = 0;; attempt++) {
		enum eb_err rc = exchange(c, url, form, a, why, cap);
		if (rc && rc != EB_EIO)
			return rc;
		if (!retryable(rc, a->status))
			return EB_OK;
		if (attempt >= c->cfg.retries) {
			if (!rc)
				eb_say(why, cap, EB_EIO, "%s: HTTP %ld", url, a->status);
			size_t n = why ? strlen(why) : 0;
			if (why && n + 40 < cap)
				snprintf(why + n, cap - n, " (after %d tries)", attempt + 1);
			return EB_EIO;
		}
		long w = a->retry_after_ms >= 0 ? a->retry_after_ms : wait;
		if (w > c->cfg.backoff_cap_ms)
			w = c->cfg.backoff_cap_ms;
		c->stats.retries++;
		sleep_ms(w);
		wait = wait > c->cfg.backoff_cap_ms / 2 ? c->cfg.backoff_cap_ms : wait * 2;
	}
}

/* ---- token ---------------------------------------------------------------- */

static void put_form(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

static enum eb_err fetch_token(struct oneroster_rest *c, char *why, size_t cap)
{
	struct buf form = BUF_INIT;
	struct answer a = { .body = BUF_INIT };
	struct arena ar;
	struct jv_error je;
	enum eb_err rc;

	arena_init(&ar);
	free_secret(c->token);
	c->token = NULL;
	buf_puts(&form, "grant_type=client_credentials&scope=");
	put_form(&form, c->scope);
	if (buf_failed(&form)) {
		rc = EB_ENOMEM;
		goto out;
	}
	rc = exchange_retrying(c, c->token_url, buf_cstr(&form), &a, why, cap);
	if (rc) {
		if (rc == EB_EIO && why) {
			char tmp[512];
			snprintf(tmp, sizeof tmp, "%s", why);
			eb_say(why, cap, EB_EIO, "token endpoint unreachable: %s", tmp);
		}
		goto out;
	}
	if (a.status == 400 || a.status == 401 || a.status == 403) {
		rc = eb_say(why, cap, EB_EAUTH,
			    "the provider refused the client id or secret (HTTP %ld from %s)",
			    a.status, c->token_url);
		goto out;
	}
	if (a.status != 200) {
		rc = eb_say(why, cap, EB_EIO, "token endpoint %s: HTTP %ld", c->token_url,
			    a.status);
		goto out;
	}
	struct jv *root = jv_parse(&ar, a.body.data ? a.body.data : "", a.body.len, &je);
	const char *tok = jv_str(jv_get(root, "access_token"));
	const char *type = jv_str(jv_get(root, "token_type"));
	if (!tok || !*tok || strlen(tok) > TOKEN_MAX || strpbrk(tok, "\r\n") ||
	    (type && strcasecmp(type, "bearer"))) {
		rc = eb_say(why, cap, EB_EPARSE,
			    "token endpoint %s: the answer holds no bearer access_token",
			    c->token_url);
		goto out;
	}
	struct jv *exp = jv_get(root, "expires_in");
	double life = jv_is_number(exp) && jv_num(exp) > 0 ? jv_num(exp) : 3600;
	size_t n = strlen(tok) + 32;
	c->token = malloc(n);
	if (!c->token) {
		rc = EB_ENOMEM;
		goto out;
	}
	snprintf(c->token, n, "Authorization: Bearer %s", tok);
	c->token_expires = now_s() + life;
	c->stats.tokens++;
	rc = EB_OK;
out:
	if (a.body.data)
		sodium_memzero(a.body.data, a.body.len);
	buf_free(&a.body);
	buf_free(&form);
	arena_free(&ar);
	return rc;
}

enum eb_err oneroster_rest_authenticate(struct oneroster_rest *c, char *why, size_t cap)
{
	return fetch_token(c, why, cap);
}

static enum eb_err ensure_token(struct oneroster_rest *c, char *why, size_t cap)
{
	if (c->token && now_s() + TOKEN_SLACK_S < c->token_expires)
		return EB_OK;
	return fetch_token(c, why, cap);
}

/* ---- collections ------------------------------------------------------------ */

/* GET url with a valid token; a 401 fetches a token once more. */
static enum eb_err get_json(struct oneroster_rest *c, const char *url, struct answer *a, char *why,
			    size_t cap)
{
	for (int again = 0;; again++) {
		enum eb_err rc = ensure_token(c, why, cap);
		if (rc)
			return rc;
		rc = exchange_retrying(c, url, NULL, a, why, cap);
		if (rc)
			return rc;
		if (a->status == 401 && !again) {
			free_secret(c->token);
			c->token = NULL;
			continue;
		}
		if (a->status == 401 || a->status == 403)
			return eb_say(why, cap, EB_EAUTH, "%s: HTTP %ld (access refused)", url,
				      a->status);
		if (a->status == 404)
			return eb_say(why, cap, EB_ENOTFOUND, "%s: HTTP 404 (no such collection)",
				      url);
		if (a->status != 200)
			return eb_say(why, cap, EB_EIO, "%s: HTTP %ld", url, a->status);
		return EB_OK;
	}
}

enum eb_err oneroster_rest_get_all(struct oneroster_rest *c, const char *path, const char *key,
				   const char *filter, oneroster_rest_each_fn fn, void *ud,
				   char *why, size_t cap)
{
	struct answer a = { .body = BUF_INIT };
	struct buf url = BUF_INIT, base = BUF_INIT;
	struct arena ar;
	enum eb_err rc = EB_OK;
	char keybuf[520];
	long offset = 0, pages = 0;

	arena_init(&ar);
	if (!path || !*path || strlen(path) > 512 || strpbrk(path, "?#")) {
		rc = eb_say(why, cap, EB_EINVAL, "collection path: not valid");
		goto out;
	}
	if (!key) {
		const char *slash = strrchr(path, '/');
		snprintf(keybuf, sizeof keybuf, "%s", slash ? slash + 1 : path);
		key = keybuf;
	}
	if (path[0] == '/')
		buf_printf(&base, "%s%s?limit=%ld", c->origin, path, c->cfg.page_size);
	else
		buf_printf(&base, "%s/%s?limit=%ld", c->root, path, c->cfg.page_size);
	if (filter && *filter) {
		buf_puts(&base, "&filter=");
		put_form(&base, filter);
	}
	if (buf_failed(&base)) {
		rc = EB_ENOMEM;
		goto out;
	}
	buf_printf(&url, "%s&offset=0", buf_cstr(&base));
	for (;;) {
		if (++pages > ONEROSTER_REST_PAGES_MAX) {
			rc = eb_say(why, cap, EB_ETOOBIG, "%s: more than %u pages", path,
				    ONEROSTER_REST_PAGES_MAX);
			goto out;
		}
		if (buf_failed(&url)) {
			rc = EB_ENOMEM;
			goto out;
		}
		rc = get_json(c, buf_cstr(&url), &a, why, cap);
		if (rc)
			goto out;
		c->stats.pages++;
		arena_reset(&ar);
		struct jv_error je;
		struct jv *root = jv_parse(&ar, a.body.data ? a.body.data : "", a.body.len, &je);
		struct jv *arr = jv_get(root, key);
		if (!root) {
			rc = eb_say(why, cap, je.line ? EB_EPARSE : EB_ENOMEM,
				    "%s: not JSON (line %d, column %d: %s)", buf_cstr(&url),
				    je.line, je.column, je.text);
			goto out;
		}
		if (!jv_is_array(arr)) {
			rc = eb_say(why, cap, EB_EPARSE, "%s: the answer has no array \"%s\"",
				    buf_cstr(&url), key);
			goto out;
		}
		size_t n = jv_size(arr);
		for (size_t i = 0; i < n; i++) {
			struct jv *o = jv_at(arr, i);
			if (!jv_is_object(o)) {
				rc = eb_say(why, cap, EB_EPARSE, "%s: %s[%zu] is not an object",
					    buf_cstr(&url), key, i);
				goto out;
			}
			c->stats.objects++;
			rc = fn(ud, o, why, cap);
			if (rc)
				goto out;
		}
		offset += (long)n;
		if (n == 0)
			break;
		if (a.total >= 0 && offset >= a.total)
			break;
		if (a.next[0] == '/' ||
		    (a.next[0] && !strncmp(a.next, c->origin, strlen(c->origin)) &&
		     a.next[strlen(c->origin)] == '/')) {
			buf_reset(&url);
			if (a.next[0] == '/')
				buf_puts(&url, c->origin);
			buf_puts(&url, a.next);
			continue;
		}
		if (a.total < 0 && (long)n < c->cfg.page_size)
			break;
		buf_reset(&url);
		buf_printf(&url, "%s&offset=%ld", buf_cstr(&base), offset);
	}
out:
	buf_free(&a.body);
	buf_free(&url);
	buf_free(&base);
	arena_free(&ar);
	return rc;
}
