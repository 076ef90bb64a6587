/* sso.c - the OpenID Connect relying party (see sso.h). */
#include "domain/sso.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/jose.h"
#include "base/str.h"
#include "domain/district.h"
#include "domain/vault.h"
#include "store/db.h"

#define SSO_FETCH_MAX (256 * 1024)
#define SSO_TIMEOUT_MS 5000L
#define SSO_IAT_MAX_AGE_S (24 * 3600)
#define SSO_SECRET_PURPOSE "sso.client_secret"

#define WHY(s)                                                                                     \
	do {                                                                                       \
		if (why)                                                                           \
			*why = (s);                                                                \
	} while (0)

const struct sso_preset sso_presets[] = {
	{ "google", "Google", "https://accounts.google.com", "email" },
	{ "microsoft", "Microsoft", NULL, "email" },
	{ "clever", "Clever", "https://clever.com", "email" },
	{ "classlink", "ClassLink", "https://launchpad.classlink.com", "email" },
	{ "generic", "your district's account", NULL, "email" },
	{ NULL, NULL, NULL, NULL },
};

const struct sso_preset *sso_preset_find(const char *name)
{
	for (const struct sso_preset *p = sso_presets; name && p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* ---- providers ----------------------------------------------------------- */

static bool slug_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > SSO_SLUG_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* An https:// address without spaces or quotes, at most 500 bytes. */
static bool https_ok(const char *u)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 9 || n > 500 || strncmp(u, "https://", 8) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f || u[i] == '"' ||
		    u[i] == '<' || u[i] == '>' || u[i] == '\\')
			return false;
	return true;
}

static bool printable(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return str_utf8_valid((struct str){ s, n }, NULL);
}

enum eb_err sso_provider_add(struct db *db, int64_t district, const struct sso_provider_new *in,
			     int64_t *id, const char **why)
{
	const struct sso_preset *pre = sso_preset_find(in->preset);
	struct vault *v = NULL;
	struct buf sealed = BUF_INIT;
	const char *issuer, *label;
	bool own = false;
	enum eb_err rc;

	if (!slug_ok(in->slug)) {
		WHY("Name in the address: 1 to 40 lowercase letters, digits or dashes.");
		return EB_EINVAL;
	}
	if (!pre) {
		WHY("Preset: google, microsoft, clever, classlink or generic.");
		return EB_EINVAL;
	}
	issuer = in->issuer && *in->issuer ? in->issuer : pre->issuer;
	if (!https_ok(issuer)) {
		WHY("Issuer: the provider's https:// address (its OpenID configuration is read from"
		    " there).");
		return EB_EINVAL;
	}
	/* the issuer is compared with the tokens' iss as the provider writes it */
	label = in->label && *in->label ? in->label : pre->label;
	if (!printable(label, 80)) {
		WHY("Label: 1 to 80 characters.");
		return EB_EINVAL;
	}
	if (!printable(in->client_id, 500)) {
		WHY("Client id: the id the provider gave edbridge (1 to 500 characters).");
		return EB_EINVAL;
	}
	if (in->client_secret && strlen(in->client_secret) > 4096) {
		WHY("Client secret: at most 4096 characters.");
		return EB_EINVAL;
	}
	if (in->ca_file && *in->ca_file) {
		FILE *f = strlen(in->ca_file) <= 500 ? fopen(in->ca_file, "r") : NULL;
		if (!f) {
			WHY("CA file: cannot be read.");
			return EB_EINVAL;
		}
		fclose(f);
	}
	if (!district_exists(db, district)) {
		WHY("No such district.");
		return EB_ENOTFOUND;
	}
	if (in->client_secret && *in->client_secret) {
		if ((rc = vault_for_db(db, &v))) {
			WHY("The secret vault's key file cannot be read or made (see "
			    "docs/sso.md).");
			return rc;
		}
		rc = vault_seal(v, SSO_SECRET_PURPOSE, in->client_secret, strlen(in->client_secret),
				&sealed);
		vault_close(v);
		if (rc)
			goto out;
	}
	/* /sso/{slug} names no district: the slug is unique in the whole
	 * installation, which PostgreSQL's keys (district_id first, for Citus)
	 * no longer enforce, so the check is here, in one transaction (db_begin
	 * locks the database on both backends) */
	own = !db_in_transaction(db);
	if (own && (rc = db_begin(db)))
		goto out;
	int64_t taken = 0;
	if ((rc = db_get_int(db, "SELECT count(*) FROM sso_provider WHERE slug = ?1",
			     DB_ARGS(DB_TEXT(in->slug)), &taken)))
		goto done;
	if (taken) {
		rc = EB_EEXIST;
		goto done;
	}
	rc = db_execute(
		db,
		"INSERT INTO sso_provider(district_id, slug, preset, label, issuer, client_id,"
		" client_secret_sealed, ca_file, match_by) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?9)",
		DB_ARGS(DB_INT(district), DB_TEXT(in->slug), DB_TEXT(pre->name), DB_TEXT(label),
			DB_TEXT(issuer), DB_TEXT(in->client_id),
			DB_TEXT(sealed.len ? buf_cstr(&sealed) : NULL),
			DB_TEXT(in->ca_file ? in->ca_file : ""), DB_TEXT(pre->match_by)),
		NULL);
	if (rc == EB_OK && id)
		*id = db_last_id(db);
done:
	if (own && (rc || (rc = db_commit(db))))
		db_rollback(db);
	if (rc == EB_EEXIST)
		WHY("Name in the address: already used by another provider, in this or another "
		    "district.");
out:
	buf_free(&sealed);
	return rc;
}

enum eb_err sso_provider_remove(struct db *db, int64_t district, int64_t id)
{
	int64_t n = 0;
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_get_int(db, "SELECT count(*) FROM sso_provider WHERE id = ?1 AND district_id = ?2",
			DB_ARGS(DB_INT(id), DB_INT(district)), &n);
	if (rc == EB_OK && n == 0)
		rc = EB_ENOTFOUND;
	if (rc == EB_OK)
		rc = db_execute(db, "DELETE FROM sso_identity WHERE provider_id = ?1",
				DB_ARGS(DB_INT(id)), NULL);
	if (rc == EB_OK)
		rc = db_execute(db, "DELETE FROM sso_login WHERE provider_id = ?1",
				DB_ARGS(DB_INT(id)), NULL);
	if (rc == EB_OK)
		rc = db_execute(db, "DELETE FROM sso_provider WHERE id = ?1", DB_ARGS(DB_INT(id)),
				NULL);
	if (rc == EB_OK)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

#define PROVIDER_COLS                                                                              \
	"id, district_id, slug, preset, label, issuer, client_id, ca_file, match_by,"              \
	" client_secret_sealed IS NOT NULL"

static void provider_row(struct db_stmt *st, struct sso_provider *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_col_int(st, 0);
	p->district_id = db_col_int(st, 1);
	db_col_copy(st, 2, p->slug, sizeof p->slug);
	db_col_copy(st, 3, p->preset, sizeof p->preset);
	db_col_copy(st, 4, p->label, sizeof p->label);
	db_col_copy(st, 5, p->issuer, sizeof p->issuer);
	db_col_copy(st, 6, p->client_id, sizeof p->client_id);
	db_col_copy(st, 7, p->ca_file, sizeof p->ca_file);
	db_col_copy(st, 8, p->match_by, sizeof p->match_by);
	p->has_secret = db_col_int(st, 9) != 0;
}

enum eb_err sso_provider_list(struct db *db, int64_t district, struct arena *arena,
			      struct sso_provider **out, size_t *n)
{
	struct db_stmt *st = NULL;
	size_t cap = 0;
	enum eb_err rc;

	*out = NULL;
	*n = 0;
	rc = db_query(db,
		      "SELECT " PROVIDER_COLS " FROM sso_provider WHERE ?1 = 0 OR district_id = ?1"
		      " ORDER BY district_id, label, id",
		      DB_ARGS(DB_INT(district)), &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		struct sso_provider *a = arena_grow(arena, *out, *n, &cap, sizeof **out, 4);
		if (!a) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		*out = a;
		provider_row(st, &a[(*n)++]);
	}
	return db_done(st);
}

static enum eb_err provider_one(struct db *db, const char *sql, const struct db_arg *args,
				size_t nargs, struct sso_provider *out)
{
	struct db_stmt *st = NULL;
	bool found = false;
	enum eb_err rc = db_query(db, sql, args, nargs, &st);
	if (rc)
		return rc;
	if (db_next(st)) {
		provider_row(st, out);
		found = true;
	}
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

enum eb_err sso_provider_by_slug(struct db *db, const char *slug, struct sso_provider *out)
{
	if (!slug_ok(slug))
		return EB_ENOTFOUND;
	return provider_one(db, "SELECT " PROVIDER_COLS " FROM sso_provider WHERE slug = ?1",
			    DB_ARGS(DB_TEXT(slug)), out);
}

enum eb_err sso_provider_get(struct db *db, int64_t district, int64_t id, struct sso_provider *out)
{
	return provider_one(
		db, "SELECT " PROVIDER_COLS " FROM sso_provider WHERE id = ?1 AND district_id = ?2",
		DB_ARGS(DB_INT(id), DB_INT(district)), out);
}

/* ---- HTTPS to the provider -------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	buf_put(b, p, size * n);
	return buf_failed(b) ? 0 : size * n;
}

/* GET url (post NULL) or POST the form post; certificate checked with the
 * system's CAs or p's CA file. *status gets the HTTP status. EB_EIO when
 * the provider cannot be reached (or its certificate does not verify). */
static enum eb_err fetch(const struct sso_provider *p, const char *url, const char *post,
			 const char *auth_header, long *status, struct buf *out)
{
	CURL *h;
	struct curl_slist *hdr = NULL;
	enum eb_err rc = EB_EIO;

	pthread_once(&curl_once, curl_start);
	if (out->max == 0 || out->max > SSO_FETCH_MAX)
		out->max = SSO_FETCH_MAX;
	h = curl_easy_init();
	if (!h)
		return EB_ENOMEM;
	hdr = curl_slist_append(hdr, "Accept: application/json");
	if (auth_header && hdr)
		hdr = curl_slist_append(hdr, auth_header);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, SSO_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, SSO_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (p->ca_file[0])
		curl_easy_setopt(h, CURLOPT_CAINFO, p->ca_file);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	if (post)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
	if (curl_easy_perform(h) == CURLE_OK &&
	    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status) == CURLE_OK)
		rc = buf_failed(out) ? EB_ETOOBIG : EB_OK;
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return rc;
}

/* Appends the form-encoding of s. */
static void put_escaped(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

/* ---- discovery and keys ----------------------------------------------------- */

static bool copy_https(json_t *doc, const char *name, char *out, size_t cap, bool required)
{
	const char *v = json_string_value(json_object_get(doc, name));
	out[0] = '\0';
	if (!v)
		return !required;
	if (!https_ok(v) || strlen(v) >= cap)
		return false;
	str_copy(out, cap, v);
	return true;
}

static enum eb_err endpoints_from(const struct sso_provider *p, const char *text,
				  struct sso_endpoints *out, const char **why)
{
	json_error_t e;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &e), *m;
	enum eb_err rc = EB_EPARSE;
	const char *iss;

	memset(out, 0, sizeof *out);
	if (!json_is_object(doc)) {
		WHY("The provider's OpenID configuration is not a JSON object.");
		goto out;
	}
	iss = json_string_value(json_object_get(doc, "issuer"));
	if (!iss || strcmp(iss, p->issuer) != 0) {
		WHY("The provider's OpenID configuration names another issuer.");
		goto out;
	}
	if (!copy_https(doc, "authorization_endpoint", out->authorization,
			sizeof out->authorization, true) ||
	    !copy_https(doc, "token_endpoint", out->token, sizeof out->token, true) ||
	    !copy_https(doc, "jwks_uri", out->jwks, sizeof out->jwks, true) ||
	    !copy_https(doc, "end_session_endpoint", out->end_session, sizeof out->end_session,
			false)) {
		WHY("The provider's OpenID configuration lacks an https endpoint edbridge needs.");
		goto out;
	}
	/* client_secret_basic is the default (OpenID Connect Discovery 1.0) */
	out->secret_basic = true;
	m = json_object_get(doc, "token_endpoint_auth_methods_supported");
	if (json_is_array(m)) {
		bool basic = false, post = false;
		for (size_t i = 0; i < json_array_size(m); i++) {
			const char *s = json_string_value(json_array_get(m, i));
			basic |= s && strcmp(s, "client_secret_basic") == 0;
			post |= s && strcmp(s, "client_secret_post") == 0;
		}
		out->secret_basic = basic || !post;
	}
	rc = EB_OK;
out:
	json_decref(doc);
	return rc;
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

enum eb_err sso_discover(struct db *db, const struct sso_provider *p, struct sso_endpoints *out,
			 const char **why)
{
	struct db_stmt *st = NULL;
	struct buf doc = BUF_INIT, url = BUF_INIT;
	int64_t now = now_s();
	long status = 0;
	enum eb_err rc;

	rc = db_query(db,
		      "SELECT discovery_json FROM sso_provider WHERE id = ?1 AND discovery_json IS"
		      " NOT NULL AND discovery_at > ?2",
		      DB_ARGS(DB_INT(p->id), DB_INT(now - SSO_DISCOVERY_TTL_S)), &st);
	if (rc)
		return rc;
	if (db_next(st))
		buf_puts(&doc, db_col_text(st, 0));
	if ((rc = db_done(st)))
		goto out;
	if (doc.len && endpoints_from(p, buf_cstr(&doc), out, NULL) == EB_OK)
		goto out;
	buf_reset(&doc);
	buf_puts(&url, p->issuer);
	if (url.len && url.data[url.len - 1] == '/')
		url.data[--url.len] = '\0';
	buf_puts(&url, "/.well-known/openid-configuration");
	if (buf_failed(&url)) {
		rc = EB_ENOMEM;
		goto out;
	}
	rc = fetch(p, buf_cstr(&url), NULL, NULL, &status, &doc);
	if (rc || status != 200) {
		WHY("The sign-in provider did not answer. Try again later, or log in with your"
		    " password.");
		rc = EB_EIO;
		goto out;
	}
	if ((rc = endpoints_from(p, buf_cstr(&doc), out, why)))
		goto out;
	/* a cache: a failed write costs a fetch next time, nothing else */
	(void)db_execute(
		db, "UPDATE sso_provider SET discovery_json = ?1, discovery_at = ?2 WHERE id = ?3",
		DB_ARGS(DB_TEXT(buf_cstr(&doc)), DB_INT(now), DB_INT(p->id)), NULL);
out:
	buf_free(&doc);
	buf_free(&url);
	return rc;
}

/* The provider's key set: the cached one, or fetched when there is none
 * or (refetch) when the cached one lacks a key and was fetched more than a
 * minute ago. *fresh tells whether it was fetched now. */
static enum eb_err load_jwks(struct db *db, const struct sso_provider *p,
			     const struct sso_endpoints *ep, bool refetch, struct jose_jwks **out,
			     bool *fresh, const char **why)
{
	struct db_stmt *st = NULL;
	struct buf text = BUF_INIT;
	int64_t at = 0, now = now_s();
	long status = 0;
	enum eb_err rc;

	*fresh = false;
	rc = db_query(db, "SELECT jwks_json, jwks_at FROM sso_provider WHERE id = ?1",
		      DB_ARGS(DB_INT(p->id)), &st);
	if (rc)
		return rc;
	if (db_next(st) && !db_col_is_null(st, 0)) {
		buf_puts(&text, db_col_text(st, 0));
		at = db_col_int(st, 1);
	}
	if ((rc = db_done(st)))
		goto out;
	if (text.len && (!refetch || now - at < SSO_JWKS_MIN_REFETCH_S)) {
		rc = jose_jwks_parse(text.data, text.len, out, why);
		goto out;
	}
	buf_reset(&text);
	rc = fetch(p, ep->jwks, NULL, NULL, &status, &text);
	if (rc || status != 200) {
		WHY("The sign-in provider's keys could not be read. Try again later.");
		rc = EB_EIO;
		goto out;
	}
	if ((rc = jose_jwks_parse(text.data, text.len, out, why)))
		goto out;
	*fresh = true;
	(void)db_execute(db, "UPDATE sso_provider SET jwks_json = ?1, jwks_at = ?2 WHERE id = ?3",
			 DB_ARGS(DB_TEXT(buf_cstr(&text)), DB_INT(now), DB_INT(p->id)), NULL);
out:
	buf_free(&text);
	return rc;
}

/* ---- the sign-in ------------------------------------------------------------- */

static void random_token(char out[64])
{
	unsigned char r[32];
	struct buf b = BUF_INIT;
	randombytes_buf(r, sizeof r);
	buf_init(&b, 63);
	jose_b64url_put(&b, r, sizeof r);
	str_copy(out, 64, buf_cstr(&b));
	buf_free(&b);
	sodium_memzero(r, sizeof r);
}

static void state_hash(const char *state, unsigned char h[32])
{
	crypto_generichash(h, 32, (const unsigned char *)state, strlen(state), NULL, 0);
}

enum eb_err sso_begin(struct db *db, const struct sso_provider *p, const char *redirect_uri,
		      struct buf *url, char state_out[64], const char **why)
{
	struct sso_endpoints ep;
	char nonce[64], verifier[64];
	unsigned char h[32], ch[crypto_hash_sha256_BYTES];
	int64_t now = now_s();
	enum eb_err rc = sso_discover(db, p, &ep, why);

	if (rc)
		return rc;
	/* sign-ins never finished go when they expire (the expiry index) */
	(void)sso_purge(db, now);
	random_token(state_out);
	random_token(nonce);
	random_token(verifier);
	state_hash(state_out, h);
	rc = db_execute(db,
			"INSERT INTO sso_login(state_hash, provider_id, nonce, code_verifier,"
			" created_at, expires_at, district_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			DB_ARGS(DB_BLOB(h, sizeof h), DB_INT(p->id), DB_TEXT(nonce),
				DB_TEXT(verifier), DB_INT(now), DB_INT(now + SSO_LOGIN_TTL_S),
				DB_INT(p->district_id)),
			NULL);
	if (rc)
		return rc;
	crypto_hash_sha256(ch, (const unsigned char *)verifier, strlen(verifier));
	buf_puts(url, ep.authorization);
	buf_putc(url, strchr(ep.authorization, '?') ? '&' : '?');
	buf_puts(url, "response_type=code&scope=openid%20email%20profile&client_id=");
	put_escaped(url, p->client_id);
	buf_puts(url, "&redirect_uri=");
	put_escaped(url, redirect_uri);
	buf_printf(url, "&state=%s&nonce=%s&code_challenge=", state_out, nonce);
	jose_b64url_put(url, ch, sizeof ch);
	buf_puts(url, "&code_challenge_method=S256");
	sodium_memzero(verifier, sizeof verifier);
	return url->err;
}

enum eb_err sso_take_state(struct db *db, const struct sso_provider *p, const char *state,
			   int64_t now, char nonce[64], char verifier[64], const char **why)
{
	struct db_stmt *st = NULL;
	unsigned char h[32];
	int64_t provider = 0, expires = 0;
	bool found = false;
	enum eb_err rc;

	if (!state || strlen(state) != 43) {
		WHY("This sign-in link is not valid. Start again from the login page.");
		return EB_EAUTH;
	}
	state_hash(state, h);
	rc = db_query(db,
		      "DELETE FROM sso_login WHERE state_hash = ?1"
		      " RETURNING provider_id, nonce, code_verifier, expires_at",
		      DB_ARGS(DB_BLOB(h, sizeof h)), &st);
	if (rc)
		return rc;
	if (db_next(st)) {
		found = true;
		provider = db_col_int(st, 0);
		db_col_copy(st, 1, nonce, 64);
		db_col_copy(st, 2, verifier, 64);
		expires = db_col_int(st, 3);
	}
	if ((rc = db_done(st)))
		return rc;
	if (!found || provider != p->id || expires < now) {
		WHY("This sign-in was already used, has expired, or was not started here. Start"
		    " again from the login page.");
		return EB_EAUTH;
	}
	return EB_OK;
}

enum eb_err sso_exchange_code(struct db *db, const struct sso_provider *p,
			      const struct sso_endpoints *ep, const char *code,
			      const char *verifier, const char *redirect_uri, struct buf *id_token,
			      const char **why)
{
	struct buf form = BUF_INIT, resp = BUF_INIT, secret = BUF_INIT, auth = BUF_INIT;
	struct db_stmt *st = NULL;
	struct vault *v = NULL;
	json_error_t e;
	json_t *doc = NULL;
	long status = 0;
	enum eb_err rc;

	if (!code || !*code || strlen(code) > 2048) {
		WHY("The provider sent no sign-in code.");
		return EB_EAUTH;
	}
	if (p->has_secret) {
		char sealed[8192];
		sealed[0] = '\0';
		rc = db_query(db, "SELECT client_secret_sealed FROM sso_provider WHERE id = ?1",
			      DB_ARGS(DB_INT(p->id)), &st);
		if (rc)
			return rc;
		if (db_next(st))
			db_col_copy(st, 0, sealed, sizeof sealed);
		if ((rc = db_done(st)))
			return rc;
		rc = vault_for_db(db, &v);
		if (rc == EB_OK)
			rc = vault_unseal(v, SSO_SECRET_PURPOSE, sealed, &secret);
		vault_close(v);
		if (rc) {
			WHY("edbridge cannot read this provider's client secret (the vault key"
			    " file). An administrator must check docs/sso.md.");
			goto out;
		}
	}
	buf_puts(&form, "grant_type=authorization_code&code=");
	put_escaped(&form, code);
	buf_puts(&form, "&redirect_uri=");
	put_escaped(&form, redirect_uri);
	buf_puts(&form, "&code_verifier=");
	put_escaped(&form, verifier);
	if (!p->has_secret || !ep->secret_basic) {
		buf_puts(&form, "&client_id=");
		put_escaped(&form, p->client_id);
	}
	if (p->has_secret && !ep->secret_basic) {
		buf_puts(&form, "&client_secret=");
		put_escaped(&form, secret.data ? secret.data : "");
	} else if (p->has_secret) {
		/* RFC 6749 2.3.1: both form-encoded, then base64 of id:secret */
		struct buf pair = BUF_INIT;
		put_escaped(&pair, p->client_id);
		buf_putc(&pair, ':');
		put_escaped(&pair, secret.data ? secret.data : "");
		if (buf_failed(&pair)) {
			vault_wipe(&pair);
			rc = EB_ENOMEM;
			goto out;
		}
		size_t cap = sodium_base64_encoded_len(pair.len, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = malloc(cap);
		if (!b64) {
			vault_wipe(&pair);
			rc = EB_ENOMEM;
			goto out;
		}
		sodium_bin2base64(b64, cap, (const unsigned char *)pair.data, pair.len,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(&auth, "Authorization: Basic %s", b64);
		sodium_memzero(b64, cap);
		free(b64);
		vault_wipe(&pair);
	}
	if (buf_failed(&form) || buf_failed(&auth)) {
		rc = EB_ENOMEM;
		goto out;
	}
	rc = fetch(p, ep->token, buf_cstr(&form), auth.len ? buf_cstr(&auth) : NULL, &status,
		   &resp);
	if (rc) {
		WHY("The sign-in provider did not answer. Try again later, or log in with your"
		    " password.");
		rc = EB_EIO;
		goto out;
	}
	doc = json_loadb(resp.data ? resp.data : "", resp.len, JSON_REJECT_DUPLICATES, &e);
	if (status != 200 || !json_is_object(doc)) {
		WHY("The sign-in provider refused the sign-in code (used already, or expired)."
		    " Start again from the login page.");
		rc = EB_EAUTH;
		goto out;
	}
	const char *tok = json_string_value(json_object_get(doc, "id_token"));
	if (!tok) {
		WHY("The sign-in provider sent no identity token.");
		rc = EB_EAUTH;
		goto out;
	}
	buf_puts(id_token, tok);
	rc = id_token->err;
out:
	json_decref(doc);
	vault_wipe(&form);
	vault_wipe(&secret);
	vault_wipe(&auth);
	buf_free(&resp);
	return rc;
}

static void claim_copy(json_t *o, const char *name, char *out, size_t cap)
{
	const char *s = json_string_value(json_object_get(o, name));
	out[0] = '\0';
	if (s && strlen(s) < cap)
		str_copy(out, cap, s);
}

/* A NumericDate claim: an integer (or a real, truncated); false when absent
 * or not a number. */
static bool claim_time(json_t *o, const char *name, int64_t *out)
{
	json_t *v = json_object_get(o, name);
	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return true;
	}
	if (json_is_real(v) && json_real_value(v) > 0 && json_real_value(v) < 1e15) {
		*out = (int64_t)json_real_value(v);
		return true;
	}
	return false;
}

enum eb_err sso_check_claims(const char *payload, size_t len, const char *issuer,
			     const char *client_id, const char *nonce, int64_t now,
			     struct sso_claims *out, const char **why)
{
	json_error_t e;
	json_t *c = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &e), *aud, *ev;
	const char *s, *azp;
	int64_t nbf = 0;
	size_t auds = 0;
	bool aud_ok = false;
	enum eb_err rc = EB_EAUTH;

	memset(out, 0, sizeof *out);
	out->email_verified = -1;
	if (!json_is_object(c)) {
		WHY("The identity token's claims are not a JSON object.");
		goto out;
	}
	s = json_string_value(json_object_get(c, "iss"));
	if (!s || strcmp(s, issuer) != 0) {
		WHY("The identity token was issued by another provider.");
		goto out;
	}
	aud = json_object_get(c, "aud");
	if (json_is_string(aud)) {
		auds = 1;
		aud_ok = strcmp(json_string_value(aud), client_id) == 0;
	} else if (json_is_array(aud)) {
		auds = json_array_size(aud);
		for (size_t i = 0; i < auds; i++) {
			const char *a = json_string_value(json_array_get(aud, i));
			aud_ok |= a && strcmp(a, client_id) == 0;
		}
	}
	if (!aud_ok) {
		WHY("The identity token was made for another application.");
		goto out;
	}
	azp = json_string_value(json_object_get(c, "azp"));
	if ((json_object_get(c, "azp") || auds > 1) && (!azp || strcmp(azp, client_id) != 0)) {
		WHY("The identity token was made for another application (azp).");
		goto out;
	}
	if (!claim_time(c, "exp", &out->exp) || !claim_time(c, "iat", &out->iat)) {
		WHY("The identity token has no expiry or issue time.");
		goto out;
	}
	if (out->exp + SSO_SKEW_S < now) {
		WHY("The identity token has expired. Start again from the login page.");
		goto out;
	}
	if (out->iat - SSO_SKEW_S > now || out->iat + SSO_IAT_MAX_AGE_S < now) {
		WHY("The identity token's issue time is wrong (check the server clock).");
		goto out;
	}
	if (json_object_get(c, "nbf") && (!claim_time(c, "nbf", &nbf) || nbf - SSO_SKEW_S > now)) {
		WHY("The identity token is not valid yet (check the server clock).");
		goto out;
	}
	s = json_string_value(json_object_get(c, "nonce"));
	if (!nonce || !s || strlen(s) != strlen(nonce) ||
	    sodium_memcmp(s, nonce, strlen(nonce)) != 0) {
		WHY("The identity token does not belong to this sign-in (nonce). Start again from"
		    " the login page.");
		goto out;
	}
	s = json_string_value(json_object_get(c, "sub"));
	if (!s || !*s || strlen(s) >= sizeof out->sub) {
		WHY("The identity token names nobody (no subject).");
		goto out;
	}
	str_copy(out->sub, sizeof out->sub, s);
	claim_copy(c, "email", out->email, sizeof out->email);
	claim_copy(c, "preferred_username", out->username, sizeof out->username);
	claim_copy(c, "name", out->name, sizeof out->name);
	ev = json_object_get(c, "email_verified");
	if (json_is_boolean(ev))
		out->email_verified = json_is_true(ev) ? 1 : 0;
	else if (json_is_string(ev)) /* some providers send "true" */
		out->email_verified = strcmp(json_string_value(ev), "true") == 0;
	rc = EB_OK;
out:
	json_decref(c);
	return rc;
}

enum eb_err sso_verify_id_token(struct db *db, const struct sso_provider *p,
				const struct sso_endpoints *ep, const char *id_token,
				const char *nonce, int64_t now, struct sso_claims *out,
				const char **why)
{
	struct jose_jws jws;
	struct jose_jwks *set = NULL;
	bool fresh = false;
	enum eb_err rc;

	rc = jose_jws_parse(str_from(id_token), &jws, NULL);
	if (rc) {
		WHY(rc == EB_EINVAL ? "The identity token is unsigned or uses an algorithm edbridge"
				      " refuses."
				    : "The identity token is malformed.");
		return EB_EAUTH;
	}
	rc = load_jwks(db, p, ep, false, &set, &fresh, why);
	if (rc)
		goto out;
	if (!jose_jwks_find(set, jws.kid, jws.alg) && !fresh) {
		/* the provider may have rotated its keys */
		jose_jwks_free(set);
		set = NULL;
		if ((rc = load_jwks(db, p, ep, true, &set, &fresh, why)))
			goto out;
	}
	rc = jose_jws_verify_jwks(&jws, set, NULL);
	if (rc) {
		WHY("The identity token's signature does not verify with the provider's keys.");
		rc = EB_EAUTH;
		goto out;
	}
	rc = sso_check_claims(jws.payload, jws.payload_len, p->issuer, p->client_id, nonce, now,
			      out, why);
out:
	jose_jwks_free(set);
	jose_jws_free(&jws);
	return rc;
}

/* The accounts whose roster entry (or login) carries value; up to two ids. */
static enum eb_err roster_accounts(struct db *db, const struct sso_provider *p, const char *value,
				   int64_t ids[2], int *n)
{
	struct db_stmt *st = NULL;
	bool email = strcmp(p->match_by, "username") != 0;
	enum eb_err rc;

	*n = 0;
	rc = db_query(db,
		      /* two indexed lookups: the login (unique per district, any case),
		       * and the roster person's email or username (any case) */
		      email ? "SELECT id FROM account WHERE district_id = ?1 AND login = ?2"
			      " UNION SELECT a.id FROM person p CROSS JOIN account a ON"
			      " a.district_id = p.district_id AND a.person_sourced_id ="
			      " p.sourced_id WHERE p.district_id = ?1 AND p.email = ?2 COLLATE"
			      " NOCASE LIMIT 2"
			    : "SELECT id FROM account WHERE district_id = ?1 AND login = ?2"
			      " UNION SELECT a.id FROM person p CROSS JOIN account a ON"
			      " a.district_id = p.district_id AND a.person_sourced_id ="
			      " p.sourced_id WHERE p.district_id = ?1 AND p.username = ?2 COLLATE"
			      " NOCASE LIMIT 2",
		      DB_ARGS(DB_INT(p->district_id), DB_TEXT(value)), &st);
	if (rc)
		return rc;
	while (db_next(st) && *n < 2)
		ids[(*n)++] = db_col_int(st, 0);
	return db_done(st);
}

enum eb_err sso_match_account(struct db *db, const struct sso_provider *p,
			      const struct sso_claims *c, int64_t now, struct account *out,
			      const char **why)
{
	int64_t id = 0, ids[2];
	int n = 0;
	enum eb_err rc;

	rc = db_get_int(
		db, "SELECT account_id FROM sso_identity WHERE provider_id = ?1 AND subject = ?2",
		DB_ARGS(DB_INT(p->id), DB_TEXT(c->sub)), &id);
	if (rc && rc != EB_ENOTFOUND)
		return rc;
	if (id == 0) {
		const char *value = strcmp(p->match_by, "username") == 0 ? c->username : c->email;
		if (!value[0]) {
			WHY("The provider did not tell edbridge who you are (no email). Ask your"
			    " district's administrator.");
			return EB_ENOTFOUND;
		}
		if (strcmp(p->match_by, "username") != 0 && c->email_verified == 0) {
			WHY("The provider has not verified your email address, so edbridge cannot"
			    " match it to the roster.");
			return EB_EPERM;
		}
		if ((rc = roster_accounts(db, p, value, ids, &n)))
			return rc;
		if (n == 0) {
			WHY("You are not in this district's roster in edbridge, so you cannot sign"
			    " in. Ask your school's office to add you.");
			return EB_ENOTFOUND;
		}
		if (n > 1) {
			WHY("Several edbridge accounts match you. Ask your district's administrator"
			    " to sort them out.");
			return EB_ECONFLICT;
		}
		id = ids[0];
	}
	rc = account_get(db, p->district_id, id, out);
	if (rc == EB_ENOTFOUND)
		WHY("You are not in this district's roster in edbridge, so you cannot sign in.");
	if (rc)
		return rc;
	if (out->disabled) {
		WHY("Your edbridge account is disabled. Ask your district's administrator.");
		return EB_EPERM;
	}
	return db_execute(db,
			  "INSERT INTO sso_identity(provider_id, subject, account_id, created_at,"
			  " last_seen_at, district_id) VALUES(?1, ?2, ?3, ?4, ?4, ?5)"
			  " ON CONFLICT(district_id, provider_id, subject) DO UPDATE SET"
			  " last_seen_at = ?4",
			  DB_ARGS(DB_INT(p->id), DB_TEXT(c->sub), DB_INT(id), DB_INT(now),
				  DB_INT(p->district_id)),
			  NULL);
}

enum eb_err sso_finish(struct db *db, const struct sso_provider *p, const char *state,
		       const char *code, const char *redirect_uri, int64_t now, struct account *out,
		       const char **why)
{
	struct sso_endpoints ep;
	struct sso_claims c;
	struct buf tok = BUF_INIT;
	char nonce[64], verifier[64];
	enum eb_err rc;

	if ((rc = sso_take_state(db, p, state, now, nonce, verifier, why)))
		return rc;
	if ((rc = sso_discover(db, p, &ep, why)))
		goto out;
	if ((rc = sso_exchange_code(db, p, &ep, code, verifier, redirect_uri, &tok, why)))
		goto out;
	if ((rc = sso_verify_id_token(db, p, &ep, buf_cstr(&tok), nonce, now, &c, why)))
		goto out;
	rc = sso_match_account(db, p, &c, now, out, why);
out:
	sodium_memzero(verifier, sizeof verifier);
	vault_wipe(&tok);
	return rc;
}

enum eb_err sso_purge(struct db *db, int64_t now)
{
	return db_execute(db, "DELETE FROM sso_login WHERE expires_at < ?1", DB_ARGS(DB_INT(now)),
			  NULL);
}
