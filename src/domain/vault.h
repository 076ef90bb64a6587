/* vault.h - secrets sealed at rest under a key kept outside the database.
 *
 * Client secrets of sign-in providers and private signing keys are stored
 * sealed: XChaCha20-Poly1305 (libsodium) under a 32-byte key that lives in
 * a key file beside the database, never in it. Whoever copies the database
 * alone (a backup, a support dump) gets nothing readable.
 *
 * The key file is EDBRIDGE_VAULT_KEY_FILE when set, else "<db file>.key".
 * It is created on first use with mode 0600; an existing file readable or
 * writable by group or others is refused. Its lines are "ebvk1 KID KEY"
 * (KID 16 hex digits, KEY base64url of 32 bytes); the first line is the
 * current key, later lines are old keys still readable during a rotation.
 *
 * A sealed value is text: "ebv1:KID:" then base64url of nonce || ciphertext.
 * The purpose string (such as "sso.client_secret") is bound as associated
 * data: a value sealed for one purpose does not open for another.
 *
 * Secrets never go to the log: no function here logs a value, and callers
 * must not either. Plain secrets are returned in a buf that the caller wipes
 * with vault_wipe. */
#ifndef EB_VAULT_H
#define EB_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct buf;
struct db;

struct vault;

/* The key file's path for db (see above) into out[cap]. EB_EINVAL when db is
 * in memory and no EDBRIDGE_VAULT_KEY_FILE is set; EB_ETOOBIG when the path
 * does not fit. */
enum eb_err vault_key_path(struct db *db, char *out, size_t cap);

/* Loads the key file at path, creating it (0600, a fresh random key) when it
 * does not exist. EB_EPERM for a file open to group or others, EB_EPARSE for
 * a malformed one, EB_EIO when it cannot be read or created. The vault is
 * the caller's (vault_close). */
enum eb_err vault_load(const char *path, struct vault **out);
/* vault_load of vault_key_path(db). */
enum eb_err vault_for_db(struct db *db, struct vault **out);
/* Wipes the keys from memory and frees v (NULL is fine). */
void vault_close(struct vault *v);
/* The current key's id (16 hex digits). Owned by v. */
const char *vault_current_kid(const struct vault *v);

/* Appends the sealed form of plain[n] for purpose to out (current key). */
enum eb_err vault_seal(const struct vault *v, const char *purpose, const void *plain, size_t n,
		       struct buf *out);
/* Opens sealed (sealed for purpose) and appends the secret to out.
 * EB_ENOTFOUND when its key is not in the vault (a database moved without
 * its key file), EB_EAUTH when it does not open (tampered, or another
 * purpose), EB_EPARSE when it is not a sealed value. */
enum eb_err vault_unseal(const struct vault *v, const char *purpose, const char *sealed,
			 struct buf *out);
/* Zeroes b's bytes and frees them. */
void vault_wipe(struct buf *b);

/* What a rotation did. */
struct vault_rotation {
	char old_kid[17], new_kid[17];
	int64_t resealed; /* values re-sealed, all tables together */
	int tables;	  /* tables that hold sealed values and were re-sealed */
};

/* Re-seals every sealed value of the database under a new key: the key file
 * first gains the new key (old keys kept readable), then each table of
 * sealed values is re-sealed in one transaction of its own, then the key
 * file keeps only the new key. On a failure the file keeps the old keys and
 * every value stays readable; running it again finishes the work. The
 * sealed columns are listed in vault.c (vault_columns); a module that seals
 * a new column adds its line there. v is reloaded with the new key. */
enum eb_err vault_rotate(struct db *db, const char *key_path, struct vault_rotation *out);

#endif
