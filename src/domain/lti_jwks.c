/* lti_jwks.c - the tools' key sets (JWKS): fetched from a registration's
 * jwks_url with libcurl, parsed once and cached, for every message a tool
 * signs (the deep-linking answer, the client assertion of /lti/token). */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/jose.h"
#include "domain/lti.h"

static size_t collect(char *p, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;
	buf_put(b, p, size * n);
	return buf_failed(b) ? 0 : size * n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static enum eb_err curl_fetch(const char *url, struct buf *out)
{
	pthread_once(&curl_once, curl_start);
	CURL *h = curl_easy_init();
	if (!h)
		return EB_ENOMEM;
	long status = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	CURLcode c = curl_easy_perform(h);
	if (c == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(h);
	return c == CURLE_OK && status == 200 && !buf_failed(out) ? EB_OK : EB_EIO;
}

static lti_jwks_fetch_fn fetch_fn = curl_fetch;

#define JWKS_SLOTS 16
static pthread_mutex_t jwks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char url[LTI_URL_MAX + 1];
	struct jose_jwks *set;
	int64_t fetched_at;
} jwks_cache[JWKS_SLOTS];

void lti_jwks_set_fetch(lti_jwks_fetch_fn fn)
{
	fetch_fn = fn ? fn : curl_fetch;
	lti_jwks_cache_clear();
}

void lti_jwks_cache_clear(void)
{
	pthread_mutex_lock(&jwks_lock);
	for (int i = 0; i < JWKS_SLOTS; i++) {
		jose_jwks_free(jwks_cache[i].set);
		jwks_cache[i].set = NULL;
		jwks_cache[i].url[0] = '\0';
	}
	pthread_mutex_unlock(&jwks_lock);
}

/* Under the lock, so that a refetch never frees a set in use. */
enum eb_err lti_verify_with_tool_keys(const char *url, const struct jose_jws *jws, int64_t now,
				      const char **why)
{
	pthread_mutex_lock(&jwks_lock);
	int slot = -1, oldest = 0;
	for (int i = 0; i < JWKS_SLOTS; i++) {
		if (jwks_cache[i].set && strcmp(jwks_cache[i].url, url) == 0)
			slot = i;
		if (jwks_cache[i].fetched_at < jwks_cache[oldest].fetched_at)
			oldest = i;
	}
	enum eb_err rc = EB_EAUTH;
	for (int attempt = 0; attempt < 2; attempt++) {
		bool stale = slot < 0 || now - jwks_cache[slot].fetched_at > LTI_JWKS_CACHE_S;
		bool retry = attempt == 1 && slot >= 0 && now - jwks_cache[slot].fetched_at >= 60;
		if (stale || retry) {
			struct buf b = BUF_INIT;
			buf_init(&b, 256 * 1024);
			struct jose_jwks *set = NULL;
			if (fetch_fn(url, &b) == EB_OK &&
			    jose_jwks_parse(buf_cstr(&b), b.len, &set, why) == EB_OK) {
				if (slot < 0)
					slot = oldest;
				jose_jwks_free(jwks_cache[slot].set);
				jwks_cache[slot].set = set;
				snprintf(jwks_cache[slot].url, sizeof jwks_cache[slot].url, "%s",
					 url);
				jwks_cache[slot].fetched_at = now;
			} else if (slot < 0) {
				*why = "the tool's key set (JWKS URL) could not be fetched";
				buf_free(&b);
				rc = EB_EIO;
				break;
			}
			buf_free(&b);
		}
		rc = jose_jws_verify_jwks(jws, jwks_cache[slot].set, why);
		if (rc != EB_ENOTFOUND)
			break;
	}
	pthread_mutex_unlock(&jwks_lock);
	return rc;
}
