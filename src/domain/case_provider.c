/* case_provider.c - CFPackages fetched from a CASE provider (case_provider.h). */
#include "domain/case_provider.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "domain/vault.h"
#include "store/db.h"

#define CASE_SECRET_PURPOSE "case.client_secret"
#define CASE_TIMEOUT_MS 30000L
#define TOKEN_MAX (64u << 10)

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

/* http://HOST... where HOST is a loopback name */
static int loopback_http(const char *url)
{
	static const char *const hosts[] = { "http://127.0.0.1:", "http://127.0.0.1/",
					     "http://localhost:", "http://localhost/",
					     "http://[::1]:",	  "http://[::1]/" };
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
		if (!strncasecmp(url, hosts[i], strlen(hosts[i])))
			return 1;
	return 0;
}

static int transport_ok(const char *url)
{
	return !strncasecmp(url, "https://", 8) || loopback_http(url);
}

int case_provider_url_ok(const char *url, const char **why)
{
	const char *w = NULL;
	if (!url || !*url || strlen(url) > CASE_PROVIDER_URL_MAX)
		w = "the URL is missing or longer than 2048 bytes";
	else if (!transport_ok(url))
		w = "the URL must be https:// (plain http only to this machine: 127.0.0.1, "
		    "localhost)";
	else if (!strstr(url, "/ims/case/v1p0/CFPackages/") &&
		 !strstr(url, "/ims/case/v1p1/CFPackages/"))
		w = "the URL must be a CASE provider's package: "
		    ".../ims/case/v1p0/CFPackages/{identifier}";
	for (const char *p = url; !w && *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			w = "the URL contains a blank or a control character";
	if (why)
		*why = w;
	return w == NULL;
}

/* *tls_bad is set when the failure was the TLS certificate check (or the
 * CA file), so that the caller can say so. */
static enum eb_err http_call(const char *url, const char *ca_file, const char *post,
			     const char *user, const char *pass, const char *bearer, long *status,
			     struct buf *out, bool *tls_bad)
{
	*tls_bad = false;
	pthread_once(&curl_once, curl_start);
	CURL *h = curl_easy_init();
	if (!h)
		return EB_ENOMEM;
	struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");
	struct buf auth;
	buf_init(&auth, 8192);
	if (bearer && hdr) {
		buf_printf(&auth, "Authorization: Bearer %s", bearer);
		hdr = curl_slist_append(hdr, buf_cstr(&auth));
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, loopback_http(url) ? "http,https" : "https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, CASE_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (ca_file && *ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	if (user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, pass ? pass : "");
	}
	if (post)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
	enum eb_err rc = EB_EIO;
	CURLcode c = curl_easy_perform(h);
	if (c == CURLE_OK && curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status) == CURLE_OK)
		rc = EB_OK;
	else if (c == CURLE_WRITE_ERROR && buf_failed(out))
		rc = EB_ETOOBIG;
	else
		*tls_bad = c == CURLE_PEER_FAILED_VERIFICATION || c == CURLE_SSL_CACERT_BADFILE ||
			   c == CURLE_SSL_CONNECT_ERROR || c == CURLE_SSL_CERTPROBLEM;
	vault_wipe(&auth);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return rc;
}

/* A token from the provider's token endpoint, into tok (wiped by the caller). */
static enum eb_err take_token(const struct case_provider_auth *auth, struct buf *tok, char *why,
			      size_t whycap)
{
	if (!transport_ok(auth->token_url)) {
		snprintf(why, whycap,
			 "the token URL must be https:// (plain http only to this "
			 "machine)");
		return EB_EINVAL;
	}
	struct buf body;
	buf_init(&body, TOKEN_MAX);
	long status = 0;
	bool tls_bad;
	enum eb_err rc = http_call(auth->token_url, auth->ca_file, "grant_type=client_credentials",
				   auth->client_id ? auth->client_id : "",
				   auth->client_secret ? auth->client_secret : "", NULL, &status,
				   &body, &tls_bad);
	if (rc) {
		snprintf(why, whycap,
			 tls_bad ? "the token endpoint's certificate does not verify (the CA file, "
				   "or the system's CAs without one)"
				 : "the token endpoint cannot be reached");
		goto out;
	}
	if (status == 400 || status == 401 || status == 403) {
		snprintf(why, whycap,
			 "the token endpoint refused the client credentials (HTTP %ld)", status);
		rc = EB_EAUTH;
		goto out;
	}
	if (status != 200) {
		snprintf(why, whycap, "the token endpoint answered HTTP %ld", status);
		rc = EB_EIO;
		goto out;
	}
	json_error_t je;
	json_t *doc = json_loads(buf_cstr(&body), JSON_REJECT_DUPLICATES, &je);
	const char *t = json_string_value(json_object_get(doc, "access_token"));
	if (!t || !*t) {
		snprintf(why, whycap, "the token endpoint's answer has no access_token");
		rc = EB_EIO;
	} else {
		buf_puts(tok, t);
	}
	json_decref(doc);
out:
	vault_wipe(&body);
	return rc;
}

enum eb_err case_provider_fetch(const char *url, const struct case_provider_auth *auth,
				struct buf *out, char *why, size_t whycap)
{
	const char *w;
	why[0] = '\0';
	if (!case_provider_url_ok(url, &w)) {
		snprintf(why, whycap, "%s", w);
		return EB_EINVAL;
	}
	struct buf tok;
	buf_init(&tok, TOKEN_MAX);
	enum eb_err rc = EB_OK;
	if (auth && auth->token_url && *auth->token_url &&
	    (rc = take_token(auth, &tok, why, whycap)))
		goto out;
	long status = 0;
	bool tls_bad;
	rc = http_call(url, auth ? auth->ca_file : NULL, NULL, NULL, NULL,
		       tok.len ? buf_cstr(&tok) : NULL, &status, out, &tls_bad);
	if (rc == EB_ETOOBIG) {
		snprintf(why, whycap, "the package is larger than %zu MiB", out->max >> 20);
	} else if (rc) {
		snprintf(why, whycap,
			 tls_bad ? "the provider's certificate does not verify (the CA file, or "
				   "the system's CAs without one)"
				 : "the provider cannot be reached (or its certificate does not "
				   "verify)");
	} else if (status != 200) {
		snprintf(why, whycap, "the provider answered HTTP %ld", status);
		rc = status == 401 || status == 403 ? EB_EAUTH : EB_EIO;
	}
out:
	vault_wipe(&tok);
	return rc;
}

enum eb_err case_provider_save(struct db *db, int64_t district_id, const char *url,
			       const struct case_provider_auth *auth, int64_t framework_id,
			       int64_t now)
{
	struct buf sealed;
	buf_init(&sealed, 4096);
	enum eb_err rc = EB_OK;
	if (auth && auth->client_secret && *auth->client_secret) {
		struct vault *v;
		if ((rc = vault_for_db(db, &v)))
			goto out;
		rc = vault_seal(v, CASE_SECRET_PURPOSE, auth->client_secret,
				strlen(auth->client_secret), &sealed);
		vault_close(v);
		if (rc)
			goto out;
	}
	rc = db_execute(db,
			"INSERT INTO case_provider (district_id, package_url, token_url, client_id,"
			" client_secret_sealed, framework_id, saved_at, ca_file)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
			" ON CONFLICT (district_id, package_url) DO UPDATE SET"
			" token_url = excluded.token_url, client_id = excluded.client_id,"
			" client_secret_sealed = excluded.client_secret_sealed,"
			" framework_id = excluded.framework_id, saved_at = excluded.saved_at,"
			" ca_file = excluded.ca_file",
			DB_ARGS(DB_INT(district_id), DB_TEXT(url),
				DB_TEXT(auth && auth->token_url ? auth->token_url : ""),
				DB_TEXT(auth && auth->client_id ? auth->client_id : ""),
				DB_TEXT(sealed.len ? buf_cstr(&sealed) : NULL),
				DB_INT_IF(framework_id > 0, framework_id), DB_INT(now),
				DB_TEXT(auth && auth->ca_file ? auth->ca_file : "")),
			NULL);
out:
	vault_wipe(&sealed);
	return rc;
}

#define PROVIDER_COLS                                                                              \
	"p.id, coalesce(p.framework_id, 0), p.saved_at, coalesce(p.fetched_at, 0),"                \
	" p.package_url, p.token_url, p.client_id, p.ca_file, coalesce(f.title, ''),"              \
	" CASE WHEN p.client_secret_sealed IS NULL THEN 0 ELSE 1 END"                              \
	" FROM case_provider p LEFT JOIN framework f ON f.district_id = p.district_id"             \
	" AND f.id = p.framework_id"

DB_ROWSPEC(provider_spec, struct case_provider_row, NULL,
	   DB_FIELD_INT(struct case_provider_row, id),
	   DB_FIELD_INT(struct case_provider_row, framework_id),
	   DB_FIELD_INT(struct case_provider_row, saved_at),
	   DB_FIELD_INT(struct case_provider_row, fetched_at),
	   DB_FIELD_CHARS(struct case_provider_row, package_url),
	   DB_FIELD_CHARS(struct case_provider_row, token_url),
	   DB_FIELD_CHARS(struct case_provider_row, client_id),
	   DB_FIELD_CHARS(struct case_provider_row, ca_file),
	   DB_FIELD_CHARS(struct case_provider_row, framework_title),
	   DB_FIELD_INT(struct case_provider_row, has_secret));

enum eb_err case_provider_list(struct db *db, int64_t district_id, struct arena *a,
			       struct case_provider_row **out, size_t *n)
{
	return db_get_rows(db, "SELECT " PROVIDER_COLS " WHERE p.district_id = ?1 ORDER BY p.id",
			   DB_ARGS(DB_INT(district_id)), &provider_spec, a, out, n);
}

enum eb_err case_provider_find(struct db *db, int64_t district_id, const char *key,
			       struct case_provider_row *out)
{
	int64_t id = 0;
	if (!key || !*key)
		return EB_ENOTFOUND;
	if (cstr_to_i64(key, 1, INT64_MAX, &id) == EB_OK)
		return db_get_row(
			db, "SELECT " PROVIDER_COLS " WHERE p.district_id = ?1 AND p.id = ?2",
			DB_ARGS(DB_INT(district_id), DB_INT(id)), &provider_spec, NULL, out);
	return db_get_row(
		db, "SELECT " PROVIDER_COLS " WHERE p.district_id = ?1 AND p.package_url = ?2",
		DB_ARGS(DB_INT(district_id), DB_TEXT(key)), &provider_spec, NULL, out);
}

enum eb_err case_provider_auth_of(struct db *db, int64_t district_id,
				  const struct case_provider_row *p, const char *ca_file,
				  struct buf *secret, struct case_provider_auth *auth)
{
	memset(auth, 0, sizeof *auth);
	auth->token_url = p->token_url;
	auth->client_id = p->client_id;
	auth->ca_file = ca_file ? ca_file : p->ca_file[0] ? p->ca_file : NULL;
	if (!p->has_secret)
		return EB_OK;
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT client_secret_sealed FROM case_provider"
				  " WHERE district_id = ?1 AND id = ?2",
				  DB_ARGS(DB_INT(district_id), DB_INT(p->id)), &st);
	if (rc)
		return rc;
	struct buf sealed;
	buf_init(&sealed, 8192);
	if (db_next(st))
		buf_puts(&sealed, db_col_text(st, 0) ? db_col_text(st, 0) : "");
	else
		rc = EB_ENOTFOUND;
	db_done(st);
	if (!rc && buf_failed(&sealed))
		rc = EB_ENOMEM;
	struct vault *v = NULL;
	if (!rc && !(rc = vault_for_db(db, &v))) {
		rc = vault_unseal(v, CASE_SECRET_PURPOSE, buf_cstr(&sealed), secret);
		vault_close(v);
	}
	if (!rc)
		auth->client_secret = buf_cstr(secret);
	vault_wipe(&sealed);
	return rc;
}

enum eb_err case_provider_fetched(struct db *db, int64_t district_id, int64_t id,
				  int64_t framework_id, int64_t now)
{
	return db_execute(db,
			  "UPDATE case_provider SET fetched_at = ?3, framework_id = ?4"
			  " WHERE district_id = ?1 AND id = ?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(now),
				  DB_INT_IF(framework_id > 0, framework_id)),
			  NULL);
}
