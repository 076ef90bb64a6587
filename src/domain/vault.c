/* vault.c - secrets sealed at rest (see vault.h). */
#include "domain/vault.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/jose.h"
#include "base/str.h"
#include "store/db.h"

#define VAULT_KEY_BYTES crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define VAULT_NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define VAULT_TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define VAULT_MAX_KEYS 8
#define VAULT_KID_LEN 16
#define VAULT_PREFIX "ebv1:"
#define VAULT_MAX_SECRET (64 * 1024)

struct vault_key {
	char kid[VAULT_KID_LEN + 1];
	unsigned char key[VAULT_KEY_BYTES];
};

struct vault {
	int n; /* keys[0] is current */
	struct vault_key keys[VAULT_MAX_KEYS];
};

/* Every column that holds sealed values: `edbridge secrets rotate` re-seals
 * them all. A module that seals a new column adds one line here. Tables that
 * do not exist (yet) are skipped. The SQL is written out per column as
 * literals: the statement cache is keyed by the SQL text's address
 * (store/db.h), so text built into one buffer would run the first column's
 * statement for every column. */
#define VAULT_COLUMN(table, col, purpose)                                                          \
	{                                                                                          \
		table, purpose, "SELECT id, " col " FROM " table " WHERE " col " IS NOT NULL",     \
			"UPDATE " table " SET " col " = ?1 WHERE id = ?2"                          \
	}
static const struct vault_column {
	const char *table, *purpose, *select_sql, *update_sql;
} vault_columns[] = {
	VAULT_COLUMN("sso_provider", "client_secret_sealed", "sso.client_secret"),
	VAULT_COLUMN("lti_platform_key", "private_sealed", "lti.platform_key"),
	VAULT_COLUMN("case_provider", "client_secret_sealed", "case.client_secret"),
	VAULT_COLUMN("roster_source", "client_secret_sealed", "roster.client_secret"),
};

enum eb_err vault_key_path(struct db *db, char *out, size_t cap)
{
	const char *env = getenv("EDBRIDGE_VAULT_KEY_FILE");
	const char *file;
	int n;

	if (env && *env)
		n = snprintf(out, cap, "%s", env);
	else if (db && (file = db_file(db)) && *file)
		n = snprintf(out, cap, "%s.key", file);
	else
		return EB_EINVAL;
	return n < 0 || (size_t)n >= cap ? EB_ETOOBIG : EB_OK;
}

static void new_key(struct vault_key *k)
{
	unsigned char id[VAULT_KID_LEN / 2];
	crypto_aead_xchacha20poly1305_ietf_keygen(k->key);
	randombytes_buf(id, sizeof id);
	sodium_bin2hex(k->kid, sizeof k->kid, id, sizeof id);
}

/* Writes v's keys to path atomically (a 0600 temporary file renamed). */
static enum eb_err write_key_file(const char *path, const struct vault *v)
{
	struct buf b = BUF_INIT;
	char tmp[4096];
	enum eb_err rc = EB_EIO;
	int fd = -1;

	if (snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return EB_ETOOBIG;
	buf_puts(&b, "# edbridge vault keys: keep this file beside the database, never in it\n");
	for (int i = 0; i < v->n; i++) {
		buf_printf(&b, "ebvk1 %s ", v->keys[i].kid);
		jose_b64url_put(&b, v->keys[i].key, VAULT_KEY_BYTES);
		buf_putc(&b, '\n');
	}
	if (buf_failed(&b)) {
		rc = b.err;
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	rc = EB_OK;
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	vault_wipe(&b);
	return rc;
}

static enum eb_err parse_key_file(const char *text, struct vault *v)
{
	const char *p = text;
	v->n = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		struct str line = str_trim((struct str){ p, len });
		p += len + (eol ? 1 : 0);
		if (line.n == 0 || line.p[0] == '#')
			continue;
		/* "ebvk1 " KID " " KEY */
		if (v->n == VAULT_MAX_KEYS || line.n < 6 + VAULT_KID_LEN + 1 ||
		    memcmp(line.p, "ebvk1 ", 6) != 0 || line.p[6 + VAULT_KID_LEN] != ' ')
			return EB_EPARSE;
		struct vault_key *k = &v->keys[v->n];
		for (int i = 0; i < VAULT_KID_LEN; i++) {
			char c = line.p[6 + i];
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
				return EB_EPARSE;
			k->kid[i] = c;
		}
		k->kid[VAULT_KID_LEN] = '\0';
		struct buf kb = BUF_INIT;
		buf_init(&kb, 64);
		struct str enc = { line.p + 7 + VAULT_KID_LEN, line.n - 7 - VAULT_KID_LEN };
		enum eb_err rc = jose_b64url_decode(enc, &kb);
		if (rc == EB_OK && kb.len != VAULT_KEY_BYTES)
			rc = EB_EPARSE;
		if (rc == EB_OK)
			memcpy(k->key, kb.data, VAULT_KEY_BYTES);
		vault_wipe(&kb);
		if (rc)
			return EB_EPARSE;
		v->n++;
	}
	return v->n ? EB_OK : EB_EPARSE;
}

enum eb_err vault_load(const char *path, struct vault **out)
{
	struct vault *v;
	struct stat st;
	char text[4096];
	ssize_t got;
	enum eb_err rc = EB_EIO;
	int fd;

	if (sodium_init() < 0)
		return EB_EIO;
	v = sodium_malloc(sizeof *v);
	if (!v)
		return EB_ENOMEM;
	memset(v, 0, sizeof *v);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		v->n = 1;
		new_key(&v->keys[0]);
		/* O_EXCL inside write_key_file's rename: a racing creator wins
		 * and we read its key */
		int nfd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (nfd >= 0) {
			close(nfd);
			if ((rc = write_key_file(path, v)))
				goto out;
			*out = v;
			return EB_OK;
		}
		if (errno != EEXIST)
			goto out;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0)
		goto out;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		rc = EB_EPERM;
		goto out;
	}
	got = read(fd, text, sizeof text - 1);
	close(fd);
	if (got < 0)
		goto out;
	if (got == 0) {
		/* an empty file: the creator above has not written it yet */
		rc = EB_EPARSE;
		goto out;
	}
	text[got] = '\0';
	rc = parse_key_file(text, v);
	sodium_memzero(text, sizeof text);
	if (rc)
		goto out;
	*out = v;
	return EB_OK;
out:
	vault_close(v);
	return rc;
}

enum eb_err vault_for_db(struct db *db, struct vault **out)
{
	char path[4096];
	enum eb_err rc = vault_key_path(db, path, sizeof path);
	if (rc)
		return rc;
	return vault_load(path, out);
}

void vault_close(struct vault *v)
{
	if (v)
		sodium_free(v); /* zeroes the memory */
}

const char *vault_current_kid(const struct vault *v)
{
	return v->keys[0].kid;
}

static enum eb_err seal_with(const struct vault_key *k, const char *purpose, const void *plain,
			     size_t n, struct buf *out)
{
	unsigned char *box;
	unsigned long long clen = 0;
	size_t boxlen = VAULT_NONCE_BYTES + n + VAULT_TAG_BYTES;

	if (!purpose || n > VAULT_MAX_SECRET)
		return EB_EINVAL;
	box = malloc(boxlen);
	if (!box)
		return EB_ENOMEM;
	randombytes_buf(box, VAULT_NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + VAULT_NONCE_BYTES, &clen, plain, n,
						   (const unsigned char *)purpose, strlen(purpose),
						   NULL, box, k->key);
	buf_printf(out, VAULT_PREFIX "%s:", k->kid);
	jose_b64url_put(out, box, VAULT_NONCE_BYTES + (size_t)clen);
	free(box);
	return out->err;
}

enum eb_err vault_seal(const struct vault *v, const char *purpose, const void *plain, size_t n,
		       struct buf *out)
{
	if (!v || v->n == 0)
		return EB_EINVAL;
	return seal_with(&v->keys[0], purpose, plain, n, out);
}

enum eb_err vault_unseal(const struct vault *v, const char *purpose, const char *sealed,
			 struct buf *out)
{
	const struct vault_key *k = NULL;
	struct buf box = BUF_INIT;
	unsigned char *plain = NULL;
	unsigned long long plen = 0;
	size_t plen_max;
	enum eb_err rc = EB_EPARSE;

	if (!v || !purpose || !sealed)
		return EB_EINVAL;
	size_t n = strlen(sealed), pre = strlen(VAULT_PREFIX);
	if (n < pre + VAULT_KID_LEN + 1 || memcmp(sealed, VAULT_PREFIX, pre) != 0 ||
	    sealed[pre + VAULT_KID_LEN] != ':')
		return EB_EPARSE;
	for (int i = 0; i < v->n; i++)
		if (memcmp(v->keys[i].kid, sealed + pre, VAULT_KID_LEN) == 0)
			k = &v->keys[i];
	if (!k)
		return EB_ENOTFOUND;
	buf_init(&box, 2 * VAULT_MAX_SECRET);
	const char *enc = sealed + pre + VAULT_KID_LEN + 1;
	if (jose_b64url_decode(str_from(enc), &box) ||
	    box.len < VAULT_NONCE_BYTES + VAULT_TAG_BYTES)
		goto out;
	plen_max = box.len - VAULT_NONCE_BYTES - VAULT_TAG_BYTES;
	plain = sodium_malloc(plen_max + 1);
	if (!plain) {
		rc = EB_ENOMEM;
		goto out;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    plain, &plen, NULL, (const unsigned char *)box.data + VAULT_NONCE_BYTES,
		    box.len - VAULT_NONCE_BYTES, (const unsigned char *)purpose, strlen(purpose),
		    (const unsigned char *)box.data, k->key) != 0) {
		rc = EB_EAUTH;
		goto out;
	}
	buf_put(out, plain, (size_t)plen);
	rc = out->err;
out:
	if (plain)
		sodium_free(plain);
	buf_free(&box);
	return rc;
}

void vault_wipe(struct buf *b)
{
	if (b->data && b->cap)
		sodium_memzero(b->data, b->cap);
	buf_free(b);
}

static bool table_exists(struct db *db, const char *table)
{
	int64_t n = 0;
	if (db_get_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
		       DB_ARGS(DB_TEXT(table)), &n))
		return false;
	return n > 0;
}

/* Re-seals one column under v's current key in one transaction. */
static enum eb_err reseal_column(struct db *db, const struct vault *v, const struct vault_column *c,
				 int64_t *count)
{
	struct db_stmt *st = NULL;
	int64_t *ids = NULL;
	char **vals = NULL;
	size_t n = 0, cap = 0;
	enum eb_err rc;

	if ((rc = db_begin(db)))
		return rc;
	if ((rc = db_query(db, c->select_sql, DB_NOARGS, &st)))
		goto out;
	while (db_next(st)) {
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			int64_t *ni = realloc(ids, ncap * sizeof *ids);
			if (ni)
				ids = ni;
			char **nv = realloc(vals, ncap * sizeof *vals);
			if (nv)
				vals = nv;
			if (!ni || !nv) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			cap = ncap;
		}
		ids[n] = db_col_int(st, 0);
		vals[n] = strdup(db_col_text(st, 1) ? db_col_text(st, 1) : "");
		if (!vals[n]) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		n++;
	}
	if ((rc = db_done(st)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct buf plain = BUF_INIT, sealed = BUF_INIT;
		rc = vault_unseal(v, c->purpose, vals[i], &plain);
		if (rc == EB_OK)
			rc = vault_seal(v, c->purpose, plain.data ? plain.data : "", plain.len,
					&sealed);
		if (rc == EB_OK)
			rc = db_execute(db, c->update_sql,
					DB_ARGS(DB_TEXT(buf_cstr(&sealed)), DB_INT(ids[i])), NULL);
		vault_wipe(&plain);
		buf_free(&sealed);
		if (rc)
			goto out;
	}
	rc = db_commit(db);
	if (rc == EB_OK)
		*count += (int64_t)n;
out:
	if (rc)
		db_rollback(db);
	for (size_t i = 0; i < n; i++)
		free(vals[i]);
	free(vals);
	free(ids);
	return rc;
}

enum eb_err vault_rotate(struct db *db, const char *key_path, struct vault_rotation *out)
{
	struct vault *v = NULL;
	enum eb_err rc;

	memset(out, 0, sizeof *out);
	if ((rc = vault_load(key_path, &v)))
		return rc;
	str_copy(out->old_kid, sizeof out->old_kid, v->keys[0].kid);
	if (v->n == VAULT_MAX_KEYS) {
		/* a run that failed many times: keep the newest old keys */
		v->n--;
	}
	memmove(&v->keys[1], &v->keys[0], (size_t)v->n * sizeof v->keys[0]);
	v->n++;
	new_key(&v->keys[0]);
	str_copy(out->new_kid, sizeof out->new_kid, v->keys[0].kid);
	if ((rc = write_key_file(key_path, v)))
		goto out;
	for (size_t i = 0; i < sizeof vault_columns / sizeof vault_columns[0]; i++) {
		if (!table_exists(db, vault_columns[i].table))
			continue;
		if ((rc = reseal_column(db, v, &vault_columns[i], &out->resealed)))
			goto out;
		out->tables++;
	}
	v->n = 1;
	rc = write_key_file(key_path, v);
out:
	vault_close(v);
	return rc;
}
