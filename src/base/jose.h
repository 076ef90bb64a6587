/* jose.h - JSON Web Signatures and Keys (RFC 7515, 7517, 7518, 7638) over
 * OpenSSL libcrypto: what OpenID Connect and LTI 1.3 need, and no more.
 *
 * Accepted: RS256, RS384 and RS512 (RSA PKCS#1 v1.5 with SHA-256, -384 or
 * -512, keys of 2048 bits or more; one RSA key, whose alg reads RS256,
 * serves all three) and ES256 (ECDSA P-256, SHA-256, the signature as the
 * 64-byte JOSE form R||S). Everything else is refused where a token is read:
 * "none", HS* (an HMAC with a public key as the secret is the classic
 * algorithm-confusion attack), unknown names, and an alg that does not match
 * the key's type. The alg a token names is only ever checked against the key
 * that verifies it; it never chooses the key type.
 *
 * Errors: EB_EINVAL for bad arguments or a refused algorithm, EB_EPARSE for
 * malformed input, EB_EAUTH for a signature that does not verify,
 * EB_ENOTFOUND for a kid not in a set, EB_ENOMEM. Functions that take a
 * `const char **why` set it (when why is not NULL) to a short English
 * reason of static storage on failure. */
#ifndef EB_JOSE_H
#define EB_JOSE_H

#include <stddef.h>

#include "base/err.h"
#include "base/str.h"

struct buf;

enum jose_alg {
	JOSE_ALG_UNKNOWN = 0,
	JOSE_RS256,
	JOSE_ES256,
	JOSE_RS384,
	JOSE_RS512,
};

/* "RS256", "ES256", "RS384", "RS512", or "unknown". */
const char *jose_alg_name(enum jose_alg alg);
/* The alg for name ("RS256", "RS384", "RS512", "ES256"); JOSE_ALG_UNKNOWN for anything else,
 * "none" and HS* included. */
enum jose_alg jose_alg_from_name(const char *name);

/* ---- base64url (RFC 4648 section 5, no padding) ---------------------- */

/* Appends the base64url form of p[n] to out (no '='). Errors stay sticky in
 * out (buf_failed). */
void jose_b64url_put(struct buf *out, const void *p, size_t n);
/* Decodes in (no padding expected; '=' padding refused, whitespace refused)
 * and appends the bytes to out. EB_EPARSE on a character outside the
 * alphabet or an impossible length; EB_ENOMEM from out. */
enum eb_err jose_b64url_decode(struct str in, struct buf *out);

/* ---- keys ------------------------------------------------------------- */

/* A public or private key with the alg it is used with and its kid. Owned
 * by whoever created it; jose_key_free releases it. */
struct jose_key;

/* A fresh private key: RSA 2048 for RS256, P-256 for ES256. The kid is the
 * RFC 7638 thumbprint. */
enum eb_err jose_key_generate(enum jose_alg alg, struct jose_key **out);
/* A key from PEM text (PKCS#8 or traditional private key, or a SubjectPublicKeyInfo
 * public key). The alg follows the key type (RSA -> RS256, P-256 -> ES256;
 * other curves and types are refused); the kid is the thumbprint. */
enum eb_err jose_key_from_pem(const char *pem, size_t len, struct jose_key **out, const char **why);
/* Appends the private key as PKCS#8 PEM (EB_EINVAL for a public key), or
 * the public key as SubjectPublicKeyInfo PEM. Sticky errors stay in out. */
enum eb_err jose_key_private_pem(const struct jose_key *k, struct buf *out);
enum eb_err jose_key_public_pem(const struct jose_key *k, struct buf *out);
void jose_key_free(struct jose_key *k);

enum jose_alg jose_key_alg(const struct jose_key *k);
/* The key's kid: the one its JWK carried, else the RFC 7638 thumbprint
 * (base64url of SHA-256 over the required members). Owned by k. */
const char *jose_key_kid(const struct jose_key *k);
/* Replaces the kid (at most 127 bytes, printable ASCII). */
enum eb_err jose_key_set_kid(struct jose_key *k, const char *kid);
/* True when k holds a private part (can sign). */
int jose_key_is_private(const struct jose_key *k);

/* Appends the RFC 7638 thumbprint of k's public part to out. */
enum eb_err jose_key_thumbprint(const struct jose_key *k, struct buf *out);

/* Appends k's public part as a JWK object: kty, n/e or crv/x/y, alg, use
 * "sig", kid. Never the private members. */
enum eb_err jose_jwk_export(const struct jose_key *k, struct buf *out);
/* Reads one public JWK (JSON text). RSA needs n and e (modulus of 2048 bits
 * or more), EC needs crv P-256, x and y (a point on the curve). A "use"
 * other than "sig" and an "alg" that does not fit the key type are refused;
 * private members are ignored. */
enum eb_err jose_jwk_parse(const char *json, size_t len, struct jose_key **out, const char **why);

/* ---- key sets ---------------------------------------------------------- */

struct jose_jwks;

/* Reads a JWKS ({"keys":[...]}). Keys that are not for signing, of a type
 * or curve we do not use, or malformed are skipped (a provider may publish
 * encryption keys beside its signing keys); EB_EPARSE when the text is not
 * a key set at all. An empty usable set is not an error. */
enum eb_err jose_jwks_parse(const char *json, size_t len, struct jose_jwks **out, const char **why);
/* The key with this kid that can verify alg, or NULL. With kid NULL: the
 * only key for alg when there is exactly one, else NULL. Owned by set. */
const struct jose_key *jose_jwks_find(const struct jose_jwks *set, const char *kid,
				      enum jose_alg alg);
size_t jose_jwks_count(const struct jose_jwks *set);
void jose_jwks_free(struct jose_jwks *set);
/* Appends {"keys":[...]} with the public JWKs of keys[n]. */
enum eb_err jose_jwks_export(const struct jose_key *const *keys, size_t n, struct buf *out);

/* ---- JWS compact serialisation ---------------------------------------- */

/* Appends header.payload.signature to out: the header is
 * {"alg":...,"kid":...,"typ":typ} (typ omitted when NULL), payload is the
 * JSON text as given. EB_EINVAL when k has no private part. */
enum eb_err jose_sign(const struct jose_key *k, const char *typ, const char *payload,
		      size_t payload_len, struct buf *out);

/* jose_sign with another alg than k's own: RS384 or RS512 with an RSA key
 * (EB_EINVAL for an alg the key cannot make). */
enum eb_err jose_sign_alg(const struct jose_key *k, enum jose_alg alg, const char *typ,
			  const char *payload, size_t payload_len, struct buf *out);

/* A parsed, not yet verified, compact JWS. Strings are owned by the struct
 * (jose_jws_free). */
struct jose_jws {
	enum jose_alg alg;
	char *kid;	   /* NULL when the header has none */
	char *header_json; /* decoded header */
	char *payload;	   /* decoded payload, NUL-terminated */
	size_t payload_len;
	/* private: the signed input (header.payload) and the raw signature */
	char *signing_input;
	size_t signing_input_len;
	unsigned char *sig;
	size_t sig_len;
};

/* Splits and decodes a compact JWS (at most 64 KiB). Refuses alg "none",
 * HS*, unknown algs, "crit" headers, a missing signature, and anything not
 * three base64url parts with a JSON object header. */
enum eb_err jose_jws_parse(struct str compact, struct jose_jws *out, const char **why);
/* Verifies jws with k: the header's alg must be k's alg, or RS384/RS512
 * for an RSA key (EB_EINVAL otherwise), then the signature (EB_EAUTH when
 * it does not verify). */
enum eb_err jose_jws_verify(const struct jose_jws *jws, const struct jose_key *k, const char **why);
/* Verifies with the key of set that the header's kid (and alg) name. */
enum eb_err jose_jws_verify_jwks(const struct jose_jws *jws, const struct jose_jwks *set,
				 const char **why);
void jose_jws_free(struct jose_jws *jws);

/* ---- x5c (RFC 7515 section 4.1.6) ------------------------------------- */

/* The key of the first certificate of the x5c chain in a JWS header (the
 * decoded header_json): each entry standard base64 DER (at most 8 entries);
 * each certificate must be issued by the next (issuer name = the next's
 * subject, and the next's key verifies its signature). No trust anchor is
 * required and validity dates are not checked: the chain says who signed,
 * not that anyone vouches for them. EB_ENOTFOUND when the header has no
 * x5c; EB_EPARSE for a malformed entry; EB_EAUTH for a broken chain;
 * EB_EINVAL for a key jose does not use. *out is the caller's. */
enum eb_err jose_x5c_key(const char *header_json, struct jose_key **out, const char **why);

#endif
