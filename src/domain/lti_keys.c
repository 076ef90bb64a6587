/* lti_keys.c - edbridge's LTI platform keys (see lti.h): RSA 2048 keys for
 * RS256, the private part sealed with the vault (purpose
 * "lti.platform_key"), the public JWK kept as published, rotation with a
 * grace period, and a process-wide cache of the opened current key so that
 * a launch does not pay for the vault and the PEM parse each time. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jose.h"
#include "base/str.h"
#include "domain/lti.h"
#include "domain/vault.h"
#include "store/db.h"

#define KEY_PURPOSE "lti.platform_key"

enum eb_err lti_key_rotate(struct db *db, int64_t now, int64_t grace_s, char *kid_out)
{
	struct jose_key *k = NULL;
	struct vault *v = NULL;
	struct buf pem = BUF_INIT, sealed = BUF_INIT, jwk = BUF_INIT;
	enum eb_err rc;
	if (grace_s < 0)
		return EB_EINVAL;
	if ((rc = jose_key_generate(JOSE_RS256, &k)) || (rc = vault_for_db(db, &v))) {
		rc = EB_EIO;
		goto out;
	}
	if (jose_key_private_pem(k, &pem) || buf_failed(&pem) ||
	    vault_seal(v, KEY_PURPOSE, pem.data, pem.len, &sealed) || buf_failed(&sealed) ||
	    jose_jwk_export(k, &jwk) || buf_failed(&jwk)) {
		rc = EB_EIO;
		goto out;
	}
	bool own = !db_in_transaction(db);
	if (own && (rc = db_begin(db)))
		goto out;
	rc = db_execute(db,
			"UPDATE lti_platform_key SET retired_at=?1, retire_after=?2"
			" WHERE retired_at IS NULL",
			DB_ARGS(DB_INT(now), DB_INT(now + grace_s)), NULL);
	if (!rc)
		rc = db_execute(db,
				"INSERT INTO lti_platform_key (kid, public_jwk, private_sealed,"
				" created_at) VALUES (?1, ?2, ?3, ?4)",
				DB_ARGS(DB_TEXT(jose_key_kid(k)), DB_TEXT(buf_cstr(&jwk)),
					DB_TEXT(buf_cstr(&sealed)), DB_INT(now)),
				NULL);
	if (own) {
		if (rc || (rc = db_commit(db)))
			db_rollback(db);
	}
	if (!rc && kid_out)
		str_copy(kid_out, LTI_KID_MAX + 1, jose_key_kid(k));
out:
	vault_wipe(&pem);
	buf_free(&sealed);
	buf_free(&jwk);
	vault_close(v);
	jose_key_free(k);
	return rc;
}

/* ---- the cache of opened keys ------------------------------------------ */

#define KEY_SLOTS 4

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct key_slot {
	char kid[LTI_KID_MAX + 1];
	struct jose_key *key;
	int refs;
} slots[KEY_SLOTS];

static const struct jose_key *cache_take(const char *kid)
{
	const struct jose_key *k = NULL;
	pthread_mutex_lock(&cache_mu);
	for (int i = 0; i < KEY_SLOTS; i++)
		if (slots[i].key && strcmp(slots[i].kid, kid) == 0) {
			slots[i].refs++;
			k = slots[i].key;
			break;
		}
	pthread_mutex_unlock(&cache_mu);
	return k;
}

/* Puts a freshly opened key in a free slot (or one no caller holds) and
 * takes a reference; false when every slot is held (the caller then owns
 * k alone). */
static bool cache_put(const char *kid, struct jose_key *k)
{
	bool put = false;
	struct jose_key *evicted = NULL;
	pthread_mutex_lock(&cache_mu);
	for (int i = 0; i < KEY_SLOTS && !put; i++)
		if (!slots[i].key || slots[i].refs == 0) {
			evicted = slots[i].key;
			str_copy(slots[i].kid, sizeof slots[i].kid, kid);
			slots[i].key = k;
			slots[i].refs = 1;
			put = true;
		}
	pthread_mutex_unlock(&cache_mu);
	jose_key_free(evicted);
	return put;
}

void lti_key_release(const struct jose_key *k)
{
	bool cached = false;
	if (!k)
		return;
	pthread_mutex_lock(&cache_mu);
	for (int i = 0; i < KEY_SLOTS; i++)
		if (slots[i].key == k) {
			slots[i].refs--;
			cached = true;
			break;
		}
	pthread_mutex_unlock(&cache_mu);
	if (!cached)
		jose_key_free((struct jose_key *)k);
}

static enum eb_err open_key(struct db *db, const char *kid, const char *sealed,
			    struct jose_key **out)
{
	struct vault *v = NULL;
	struct buf pem = BUF_INIT;
	enum eb_err rc = vault_for_db(db, &v);
	if (!rc)
		rc = vault_unseal(v, KEY_PURPOSE, sealed, &pem);
	if (!rc)
		rc = jose_key_from_pem(pem.data, pem.len, out, NULL);
	if (!rc && (rc = jose_key_set_kid(*out, kid))) {
		jose_key_free(*out);
		*out = NULL;
	}
	vault_wipe(&pem);
	vault_close(v);
	return rc ? EB_EIO : EB_OK;
}

enum eb_err lti_key_current(struct db *db, int64_t now, const struct jose_key **out)
{
	char kid[LTI_KID_MAX + 1];
	char *sealed = NULL;
	struct db_stmt *st;
	enum eb_err rc;
	*out = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = db_query(db,
				   "SELECT kid FROM lti_platform_key WHERE retired_at IS NULL"
				   " ORDER BY id DESC LIMIT 1",
				   DB_NOARGS, &st)))
			return rc;
		bool found = db_next(st);
		if (found)
			db_col_copy(st, 0, kid, sizeof kid);
		if ((rc = db_done(st)))
			return rc;
		if (found)
			break;
		if (attempt || (rc = lti_key_rotate(db, now, 0, NULL)))
			return rc ? rc : EB_EIO;
	}
	if ((*out = cache_take(kid)))
		return EB_OK;
	if ((rc = db_query(db, "SELECT private_sealed FROM lti_platform_key WHERE kid=?1",
			   DB_ARGS(DB_TEXT(kid)), &st)))
		return rc;
	if (db_next(st) && db_col_text(st, 0))
		sealed = strdup(db_col_text(st, 0));
	if ((rc = db_done(st)) || !sealed) {
		free(sealed);
		return rc ? rc : EB_ENOTFOUND;
	}
	struct jose_key *k = NULL;
	rc = open_key(db, kid, sealed, &k);
	free(sealed);
	if (rc)
		return rc;
	cache_put(kid, k);
	*out = k;
	return EB_OK;
}

enum eb_err lti_jwks(struct db *db, int64_t now, struct buf *out)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT public_jwk FROM lti_platform_key WHERE retired_at IS NULL"
				  " OR retire_after > ?1 ORDER BY id DESC",
				  DB_ARGS(DB_INT(now)), &st);
	if (rc)
		return rc;
	buf_puts(out, "{\"keys\":[");
	for (int n = 0; db_next(st); n++) {
		if (n)
			buf_putc(out, ',');
		buf_puts(out, db_col_text(st, 0) ? db_col_text(st, 0) : "{}");
	}
	buf_puts(out, "]}");
	rc = db_done(st);
	return rc ? rc : buf_failed(out) ? out->err : EB_OK;
}

DB_ROWSPEC(key_row_spec, struct lti_key_row, NULL, DB_FIELD_STR(struct lti_key_row, kid),
	   DB_FIELD_INT(struct lti_key_row, created_at),
	   DB_FIELD_INT(struct lti_key_row, retired_at),
	   DB_FIELD_INT(struct lti_key_row, retire_after));

enum eb_err lti_key_list(struct db *db, struct arena *a, struct lti_key_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT kid, created_at, retired_at, retire_after FROM lti_platform_key"
			   " ORDER BY id DESC",
			   DB_NOARGS, &key_row_spec, a, rows, n);
}
