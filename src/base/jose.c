/* jose.c - JWS and JWK over OpenSSL 3 (see jose.h for what is refused). */
#include "base/jose.h"

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define JOSE_MAX_TOKEN (64 * 1024)
#define JOSE_MAX_JSON (256 * 1024)
#define JOSE_KID_MAX 128
#define JOSE_RSA_MIN_BITS 2048
#define JOSE_EC_COORD 32

struct jose_key {
	EVP_PKEY *pk;
	enum jose_alg alg;
	int is_private;
	char kid[JOSE_KID_MAX];
};

struct jose_jwks {
	struct jose_key **keys;
	size_t n;
};

#define WHY(s)                                                                                     \
	do {                                                                                       \
		if (why)                                                                           \
			*why = (s);                                                                \
	} while (0)

const char *jose_alg_name(enum jose_alg alg)
{
	switch (alg) {
	case JOSE_RS256:
		return "RS256";
	case JOSE_ES256:
		return "ES256";
	case JOSE_RS384:
		return "RS384";
	case JOSE_RS512:
		return "RS512";
	default:
		return "unknown";
	}
}

enum jose_alg jose_alg_from_name(const char *name)
{
	if (!name)
		return JOSE_ALG_UNKNOWN;
	if (strcmp(name, "RS256") == 0)
		return JOSE_RS256;
	if (strcmp(name, "ES256") == 0)
		return JOSE_ES256;
	if (strcmp(name, "RS384") == 0)
		return JOSE_RS384;
	if (strcmp(name, "RS512") == 0)
		return JOSE_RS512;
	return JOSE_ALG_UNKNOWN;
}

/* ---- base64url --------------------------------------------------------- */

static const char b64url_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void jose_b64url_put(struct buf *out, const void *p, size_t n)
{
	const unsigned char *s = p;
	char q[4];
	size_t i = 0;

	for (; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		q[0] = b64url_chars[v >> 18 & 63];
		q[1] = b64url_chars[v >> 12 & 63];
		q[2] = b64url_chars[v >> 6 & 63];
		q[3] = b64url_chars[v & 63];
		buf_put(out, q, 4);
	}
	if (n - i == 1) {
		unsigned v = (unsigned)s[i] << 16;
		q[0] = b64url_chars[v >> 18 & 63];
		q[1] = b64url_chars[v >> 12 & 63];
		buf_put(out, q, 2);
	} else if (n - i == 2) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
		q[0] = b64url_chars[v >> 18 & 63];
		q[1] = b64url_chars[v >> 12 & 63];
		q[2] = b64url_chars[v >> 6 & 63];
		buf_put(out, q, 3);
	}
	if (n == 0)
		buf_put(out, "", 0);
}

static int b64url_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

enum eb_err jose_b64url_decode(struct str in, struct buf *out)
{
	unsigned v = 0;
	int bits = 0;

	if (in.n % 4 == 1)
		return EB_EPARSE;
	for (size_t i = 0; i < in.n; i++) {
		int d = b64url_val((unsigned char)in.p[i]);
		if (d < 0)
			return EB_EPARSE;
		v = (v << 6 | (unsigned)d) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)(v >> bits & 0xff));
		}
	}
	/* the unused low bits of the last character must be zero (canonical) */
	if (bits > 0 && (v & ((1u << bits) - 1)) != 0)
		return EB_EPARSE;
	if (in.n == 0)
		buf_put(out, "", 0);
	return out->err;
}

/* ---- keys --------------------------------------------------------------- */

static enum jose_alg alg_of_pkey(EVP_PKEY *pk, const char **why)
{
	int id = EVP_PKEY_get_base_id(pk);
	if (id == EVP_PKEY_RSA) {
		if (EVP_PKEY_get_bits(pk) < JOSE_RSA_MIN_BITS) {
			WHY("RSA key shorter than 2048 bits");
			return JOSE_ALG_UNKNOWN;
		}
		return JOSE_RS256;
	}
	if (id == EVP_PKEY_EC) {
		char group[64];
		size_t glen = 0;
		if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
						    sizeof group, &glen) ||
		    (strcmp(group, "prime256v1") != 0 && strcmp(group, "P-256") != 0)) {
			WHY("EC key not on curve P-256");
			return JOSE_ALG_UNKNOWN;
		}
		return JOSE_ES256;
	}
	WHY("key type is neither RSA nor EC");
	return JOSE_ALG_UNKNOWN;
}

static enum eb_err bn_param_b64(EVP_PKEY *pk, const char *name, size_t pad, struct buf *out)
{
	BIGNUM *bn = NULL;
	unsigned char *bin = NULL;
	enum eb_err rc = EB_ENOMEM;

	if (!EVP_PKEY_get_bn_param(pk, name, &bn))
		return EB_EINVAL;
	size_t n = pad ? pad : (size_t)BN_num_bytes(bn);
	if (n == 0)
		n = 1;
	bin = malloc(n);
	if (!bin)
		goto out;
	if (BN_bn2binpad(bn, bin, (int)n) < 0) {
		rc = EB_EINVAL;
		goto out;
	}
	jose_b64url_put(out, bin, n);
	rc = out->err;
out:
	free(bin);
	BN_free(bn);
	return rc;
}

/* The members of a public JWK in lexicographic order (RFC 7638), with extra
 * members appended before the closing brace when full. */
static enum eb_err jwk_members(const struct jose_key *k, int full, struct buf *out)
{
	enum eb_err rc;
	if (k->alg == JOSE_RS256) {
		buf_puts(out, "{\"e\":\"");
		if ((rc = bn_param_b64(k->pk, OSSL_PKEY_PARAM_RSA_E, 0, out)))
			return rc;
		buf_puts(out, "\",\"kty\":\"RSA\",\"n\":\"");
		if ((rc = bn_param_b64(k->pk, OSSL_PKEY_PARAM_RSA_N, 0, out)))
			return rc;
		buf_puts(out, "\"");
	} else if (k->alg == JOSE_ES256) {
		buf_puts(out, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"");
		if ((rc = bn_param_b64(k->pk, OSSL_PKEY_PARAM_EC_PUB_X, JOSE_EC_COORD, out)))
			return rc;
		buf_puts(out, "\",\"y\":\"");
		if ((rc = bn_param_b64(k->pk, OSSL_PKEY_PARAM_EC_PUB_Y, JOSE_EC_COORD, out)))
			return rc;
		buf_puts(out, "\"");
	} else {
		return EB_EINVAL;
	}
	if (full) {
		/* kid is printable ASCII without quotes or backslashes (set_kid) */
		buf_printf(out, ",\"alg\":\"%s\",\"use\":\"sig\",\"kid\":\"%s\"",
			   jose_alg_name(k->alg), k->kid);
	}
	buf_putc(out, '}');
	return out->err;
}

enum eb_err jose_key_thumbprint(const struct jose_key *k, struct buf *out)
{
	struct buf m = BUF_INIT;
	unsigned char h[SHA256_DIGEST_LENGTH];
	enum eb_err rc = jwk_members(k, 0, &m);
	if (rc == EB_OK) {
		SHA256((const unsigned char *)m.data, m.len, h);
		jose_b64url_put(out, h, sizeof h);
		rc = out->err;
	}
	buf_free(&m);
	return rc;
}

static bool kid_ok(const char *kid)
{
	size_t n = strlen(kid);
	if (n == 0 || n >= JOSE_KID_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)kid[i];
		if (c < 0x21 || c > 0x7e || c == '"' || c == '\\')
			return false;
	}
	return true;
}

enum eb_err jose_key_set_kid(struct jose_key *k, const char *kid)
{
	if (!kid || !kid_ok(kid))
		return EB_EINVAL;
	str_copy(k->kid, sizeof k->kid, kid);
	return EB_OK;
}

/* Wraps pk (taken over) into a key with its thumbprint as kid. */
static enum eb_err key_wrap(EVP_PKEY *pk, int is_private, struct jose_key **out, const char **why)
{
	struct jose_key *k = calloc(1, sizeof *k);
	struct buf tp = BUF_INIT;
	enum eb_err rc = EB_ENOMEM;

	if (!k) {
		EVP_PKEY_free(pk);
		return EB_ENOMEM;
	}
	k->pk = pk;
	k->is_private = is_private;
	k->alg = alg_of_pkey(pk, why);
	if (k->alg == JOSE_ALG_UNKNOWN) {
		rc = EB_EINVAL;
		goto out;
	}
	if ((rc = jose_key_thumbprint(k, &tp)))
		goto out;
	str_copy(k->kid, sizeof k->kid, buf_cstr(&tp));
	*out = k;
	k = NULL;
out:
	buf_free(&tp);
	jose_key_free(k);
	return rc;
}

enum eb_err jose_key_generate(enum jose_alg alg, struct jose_key **out)
{
	EVP_PKEY *pk = NULL;
	if (alg == JOSE_RS256)
		pk = EVP_RSA_gen(JOSE_RSA_MIN_BITS);
	else if (alg == JOSE_ES256)
		pk = EVP_EC_gen("P-256");
	else
		return EB_EINVAL;
	if (!pk)
		return EB_ENOMEM;
	return key_wrap(pk, 1, out, NULL);
}

enum eb_err jose_key_from_pem(const char *pem, size_t len, struct jose_key **out, const char **why)
{
	BIO *bio;
	EVP_PKEY *pk;
	int priv = 1;

	if (!pem || len > JOSE_MAX_JSON) {
		WHY("no key or key too long");
		return EB_EINVAL;
	}
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return EB_ENOMEM;
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (!pk) {
		priv = 0;
		(void)BIO_reset(bio);
		pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	BIO_free(bio);
	if (!pk) {
		WHY("not a PEM private or public key");
		return EB_EPARSE;
	}
	return key_wrap(pk, priv, out, why);
}

enum eb_err jose_key_private_pem(const struct jose_key *k, struct buf *out)
{
	BIO *bio;
	char *p = NULL;
	long n;
	enum eb_err rc = EB_ENOMEM;

	if (!k || !k->is_private)
		return EB_EINVAL;
	bio = BIO_new(BIO_s_mem());
	if (!bio)
		return EB_ENOMEM;
	if (!PEM_write_bio_PrivateKey(bio, k->pk, NULL, NULL, 0, NULL, NULL))
		goto out;
	n = BIO_get_mem_data(bio, &p);
	buf_put(out, p, (size_t)n);
	rc = out->err;
out:
	BIO_free(bio);
	return rc;
}

enum eb_err jose_key_public_pem(const struct jose_key *k, struct buf *out)
{
	BIO *bio;
	char *p = NULL;
	long n;
	enum eb_err rc = EB_ENOMEM;

	if (!k)
		return EB_EINVAL;
	bio = BIO_new(BIO_s_mem());
	if (!bio)
		return EB_ENOMEM;
	if (!PEM_write_bio_PUBKEY(bio, k->pk))
		goto out;
	n = BIO_get_mem_data(bio, &p);
	buf_put(out, p, (size_t)n);
	rc = out->err;
out:
	BIO_free(bio);
	return rc;
}

void jose_key_free(struct jose_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pk);
	free(k);
}

enum jose_alg jose_key_alg(const struct jose_key *k)
{
	return k ? k->alg : JOSE_ALG_UNKNOWN;
}

const char *jose_key_kid(const struct jose_key *k)
{
	return k->kid;
}

int jose_key_is_private(const struct jose_key *k)
{
	return k && k->is_private;
}

enum eb_err jose_jwk_export(const struct jose_key *k, struct buf *out)
{
	if (!k)
		return EB_EINVAL;
	return jwk_members(k, 1, out);
}

/* A base64url member of o decoded into a BIGNUM; want is the exact byte
 * length (0: any, at most 1024 bytes). */
static BIGNUM *jwk_bn(json_t *o, const char *name, size_t want)
{
	const char *s = json_string_value(json_object_get(o, name));
	struct buf b = BUF_INIT;
	BIGNUM *bn = NULL;

	if (!s)
		return NULL;
	buf_init(&b, 1024);
	if (jose_b64url_decode(str_from(s), &b) == EB_OK && b.len > 0 &&
	    (want == 0 || b.len == want))
		bn = BN_bin2bn((const unsigned char *)b.data, (int)b.len, NULL);
	buf_free(&b);
	return bn;
}

static enum eb_err jwk_from_json(json_t *o, struct jose_key **out, const char **why)
{
	const char *kty = json_string_value(json_object_get(o, "kty"));
	const char *use = json_string_value(json_object_get(o, "use"));
	const char *alg = json_string_value(json_object_get(o, "alg"));
	const char *kid = json_string_value(json_object_get(o, "kid"));
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;
	BIGNUM *a = NULL, *b = NULL;
	/* the EC point: OSSL_PARAM_BLD keeps a pointer to it until
	 * OSSL_PARAM_BLD_to_param, so it lives as long as the function */
	unsigned char pt[1 + 2 * JOSE_EC_COORD];
	enum jose_alg want;
	enum eb_err rc = EB_EPARSE;

	if (!json_is_object(o) || !kty) {
		WHY("JWK without kty");
		return EB_EPARSE;
	}
	if (use && strcmp(use, "sig") != 0) {
		WHY("JWK not for signatures");
		return EB_EINVAL;
	}
	if (strcmp(kty, "RSA") == 0) {
		want = JOSE_RS256;
	} else if (strcmp(kty, "EC") == 0) {
		want = JOSE_ES256;
	} else {
		WHY("JWK type is neither RSA nor EC");
		return EB_EINVAL;
	}
	if (alg && jose_alg_from_name(alg) != want) {
		WHY("JWK alg does not fit its key type");
		return EB_EINVAL;
	}
	if (json_object_get(o, "kid") && (!kid || !kid_ok(kid))) {
		WHY("JWK kid is not a short printable string");
		return EB_EPARSE;
	}
	bld = OSSL_PARAM_BLD_new();
	if (!bld)
		return EB_ENOMEM;
	if (want == JOSE_RS256) {
		a = jwk_bn(o, "n", 0);
		b = jwk_bn(o, "e", 0);
		if (!a || !b) {
			WHY("RSA JWK without valid n and e");
			goto out;
		}
		if (!OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, a) ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, b)) {
			rc = EB_ENOMEM;
			goto out;
		}
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	} else {
		const char *crv = json_string_value(json_object_get(o, "crv"));
		if (!crv || strcmp(crv, "P-256") != 0) {
			WHY("EC JWK not on curve P-256");
			rc = EB_EINVAL;
			goto out;
		}
		a = jwk_bn(o, "x", JOSE_EC_COORD);
		b = jwk_bn(o, "y", JOSE_EC_COORD);
		if (!a || !b) {
			WHY("EC JWK without valid x and y");
			goto out;
		}
		pt[0] = 0x04;
		BN_bn2binpad(a, pt + 1, JOSE_EC_COORD);
		BN_bn2binpad(b, pt + 1 + JOSE_EC_COORD, JOSE_EC_COORD);
		if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
						     0) ||
		    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt,
						      sizeof pt)) {
			rc = EB_ENOMEM;
			goto out;
		}
		ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	if (!ctx || !params) {
		rc = EB_ENOMEM;
		goto out;
	}
	if (EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0 || !pk) {
		WHY("JWK is not a valid public key");
		rc = EB_EINVAL;
		goto out;
	}
	if (want == JOSE_ES256) {
		/* the point must lie on the curve (invalid-curve attacks) */
		EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
		int ok = chk && EVP_PKEY_public_check(chk) == 1;
		EVP_PKEY_CTX_free(chk);
		if (!ok) {
			WHY("EC JWK point is not on the curve");
			rc = EB_EINVAL;
			goto out;
		}
	}
	rc = key_wrap(pk, 0, out, why);
	pk = NULL;
	if (rc == EB_OK && kid)
		str_copy((*out)->kid, sizeof(*out)->kid, kid);
out:
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(a);
	BN_free(b);
	return rc;
}

enum eb_err jose_jwk_parse(const char *json, size_t len, struct jose_key **out, const char **why)
{
	json_error_t e;
	json_t *o;
	enum eb_err rc;

	if (!json || len > JOSE_MAX_JSON) {
		WHY("JWK too long");
		return EB_ETOOBIG;
	}
	o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &e);
	if (!o) {
		WHY("JWK is not JSON");
		return EB_EPARSE;
	}
	rc = jwk_from_json(o, out, why);
	json_decref(o);
	return rc;
}

enum eb_err jose_jwks_parse(const char *json, size_t len, struct jose_jwks **out, const char **why)
{
	json_error_t e;
	json_t *o = NULL, *keys;
	struct jose_jwks *set = NULL;
	enum eb_err rc = EB_EPARSE;
	size_t i;

	if (!json || len > JOSE_MAX_JSON) {
		WHY("key set too long");
		return EB_ETOOBIG;
	}
	o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &e);
	keys = json_object_get(o, "keys");
	if (!json_is_array(keys)) {
		WHY("not a JSON Web Key Set");
		goto out;
	}
	set = calloc(1, sizeof *set);
	if (!set || (json_array_size(keys) &&
		     !(set->keys = calloc(json_array_size(keys), sizeof *set->keys)))) {
		rc = EB_ENOMEM;
		goto out;
	}
	for (i = 0; i < json_array_size(keys); i++) {
		struct jose_key *k = NULL;
		enum eb_err krc = jwk_from_json(json_array_get(keys, i), &k, NULL);
		if (krc == EB_ENOMEM) {
			rc = krc;
			goto out;
		}
		if (krc == EB_OK)
			set->keys[set->n++] = k;
	}
	*out = set;
	set = NULL;
	rc = EB_OK;
out:
	jose_jwks_free(set);
	json_decref(o);
	return rc;
}

const struct jose_key *jose_jwks_find(const struct jose_jwks *set, const char *kid,
				      enum jose_alg alg)
{
	const struct jose_key *only = NULL;
	size_t count = 0;

	if (!set)
		return NULL;
	for (size_t i = 0; i < set->n; i++) {
		const struct jose_key *k = set->keys[i];
		if (k->alg != alg)
			continue;
		if (kid && strcmp(k->kid, kid) == 0)
			return k;
		only = k;
		count++;
	}
	return !kid && count == 1 ? only : NULL;
}

size_t jose_jwks_count(const struct jose_jwks *set)
{
	return set ? set->n : 0;
}

void jose_jwks_free(struct jose_jwks *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		jose_key_free(set->keys[i]);
	free(set->keys);
	free(set);
}

enum eb_err jose_jwks_export(const struct jose_key *const *keys, size_t n, struct buf *out)
{
	enum eb_err rc;
	buf_puts(out, "{\"keys\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		if ((rc = jose_jwk_export(keys[i], out)))
			return rc;
	}
	buf_puts(out, "]}");
	return out->err;
}

/* ---- JWS --------------------------------------------------------------- */

/* The RSA algorithms share one key type: an RSA key (alg RS256) signs and
 * verifies RS256, RS384 and RS512. */
static bool rsa_alg(enum jose_alg alg)
{
	return alg == JOSE_RS256 || alg == JOSE_RS384 || alg == JOSE_RS512;
}

static const EVP_MD *alg_md(enum jose_alg alg)
{
	return alg == JOSE_RS384 ? EVP_sha384() : alg == JOSE_RS512 ? EVP_sha512() : EVP_sha256();
}

enum eb_err jose_sign(const struct jose_key *k, const char *typ, const char *payload,
		      size_t payload_len, struct buf *out)
{
	return jose_sign_alg(k, k ? k->alg : JOSE_ALG_UNKNOWN, typ, payload, payload_len, out);
}

enum eb_err jose_sign_alg(const struct jose_key *k, enum jose_alg alg, const char *typ,
			  const char *payload, size_t payload_len, struct buf *out)
{
	struct buf hdr = BUF_INIT;
	EVP_MD_CTX *md = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0, start;
	enum eb_err rc = EB_ENOMEM;
	ECDSA_SIG *es = NULL;

	if (!k || !k->is_private || !payload)
		return EB_EINVAL;
	if (alg != k->alg && !(rsa_alg(alg) && k->alg == JOSE_RS256))
		return EB_EINVAL;
	if (typ && !kid_ok(typ))
		return EB_EINVAL;
	buf_printf(&hdr, "{\"alg\":\"%s\",\"kid\":\"%s\"", jose_alg_name(alg), k->kid);
	if (typ)
		buf_printf(&hdr, ",\"typ\":\"%s\"", typ);
	buf_putc(&hdr, '}');
	if (buf_failed(&hdr))
		goto out;
	start = out->len;
	jose_b64url_put(out, hdr.data, hdr.len);
	buf_putc(out, '.');
	jose_b64url_put(out, payload, payload_len);
	if (buf_failed(out)) {
		rc = out->err;
		goto out;
	}
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestSignInit(md, NULL, alg_md(alg), NULL, k->pk) <= 0 ||
	    EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)out->data + start,
			   out->len - start) <= 0)
		goto out;
	sig = malloc(siglen);
	if (!sig || EVP_DigestSign(md, sig, &siglen, (const unsigned char *)out->data + start,
				   out->len - start) <= 0)
		goto out;
	buf_putc(out, '.');
	if (k->alg == JOSE_ES256) {
		/* DER SEQUENCE{r, s} -> the JOSE form r||s, 32 bytes each */
		const unsigned char *p = sig;
		unsigned char rs[2 * JOSE_EC_COORD];
		const BIGNUM *r, *s;
		es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
		if (!es)
			goto out;
		ECDSA_SIG_get0(es, &r, &s);
		if (BN_bn2binpad(r, rs, JOSE_EC_COORD) < 0 ||
		    BN_bn2binpad(s, rs + JOSE_EC_COORD, JOSE_EC_COORD) < 0)
			goto out;
		jose_b64url_put(out, rs, sizeof rs);
	} else {
		jose_b64url_put(out, sig, siglen);
	}
	rc = out->err;
out:
	ECDSA_SIG_free(es);
	free(sig);
	EVP_MD_CTX_free(md);
	buf_free(&hdr);
	return rc;
}

static char *buf_take(struct buf *b, size_t *len)
{
	if (!b->data)
		buf_put(b, "", 0);
	if (buf_failed(b))
		return NULL;
	return buf_detach(b, len);
}

enum eb_err jose_jws_parse(struct str compact, struct jose_jws *out, const char **why)
{
	const char *d1, *d2;
	struct buf b = BUF_INIT;
	json_error_t e;
	json_t *hdr = NULL, *crit;
	const char *alg, *kid;
	enum eb_err rc = EB_EPARSE;

	memset(out, 0, sizeof *out);
	if (compact.n == 0 || compact.n > JOSE_MAX_TOKEN) {
		WHY("token empty or too long");
		return compact.n ? EB_ETOOBIG : EB_EPARSE;
	}
	d1 = memchr(compact.p, '.', compact.n);
	d2 = d1 ? memchr(d1 + 1, '.', compact.n - (size_t)(d1 + 1 - compact.p)) : NULL;
	if (!d1 || !d2 || memchr(d2 + 1, '.', compact.n - (size_t)(d2 + 1 - compact.p))) {
		WHY("token is not three dot-separated parts");
		return EB_EPARSE;
	}
	struct str h = { compact.p, (size_t)(d1 - compact.p) };
	struct str p = { d1 + 1, (size_t)(d2 - d1 - 1) };
	struct str s = { d2 + 1, compact.n - (size_t)(d2 + 1 - compact.p) };

	if (jose_b64url_decode(h, &b) || !(out->header_json = buf_take(&b, NULL))) {
		WHY("token header is not base64url");
		goto out;
	}
	hdr = json_loads(out->header_json, JSON_REJECT_DUPLICATES, &e);
	if (!json_is_object(hdr)) {
		WHY("token header is not a JSON object");
		goto out;
	}
	alg = json_string_value(json_object_get(hdr, "alg"));
	if (!alg) {
		WHY("token header has no alg");
		goto out;
	}
	out->alg = jose_alg_from_name(alg);
	if (out->alg == JOSE_ALG_UNKNOWN) {
		WHY(strcmp(alg, "none") == 0 ? "unsigned token (alg none) refused"
		    : alg[0] == 'H' && alg[1] == 'S'
			    ? "HMAC token (HS*) refused: only RS256/384/512 and ES256 are accepted"
			    : "token alg is not RS256, RS384, RS512 or ES256");
		rc = EB_EINVAL;
		goto out;
	}
	crit = json_object_get(hdr, "crit");
	if (crit) {
		WHY("token header has critical extensions we do not understand");
		rc = EB_EINVAL;
		goto out;
	}
	if (json_object_get(hdr, "kid")) {
		kid = json_string_value(json_object_get(hdr, "kid"));
		if (!kid || !kid_ok(kid) || !(out->kid = strdup(kid))) {
			WHY("token kid is not a short printable string");
			goto out;
		}
	}
	buf_reset(&b);
	if (jose_b64url_decode(p, &b) || !(out->payload = buf_take(&b, &out->payload_len))) {
		WHY("token payload is not base64url");
		goto out;
	}
	buf_reset(&b);
	if (s.n == 0) {
		WHY("token has no signature");
		goto out;
	}
	if (jose_b64url_decode(s, &b) ||
	    !(out->sig = (unsigned char *)buf_take(&b, &out->sig_len))) {
		WHY("token signature is not base64url");
		goto out;
	}
	out->signing_input_len = (size_t)(d2 - compact.p);
	out->signing_input = strndup(compact.p, out->signing_input_len);
	if (!out->signing_input) {
		rc = EB_ENOMEM;
		goto out;
	}
	rc = EB_OK;
out:
	json_decref(hdr);
	buf_free(&b);
	if (rc)
		jose_jws_free(out);
	return rc;
}

enum eb_err jose_jws_verify(const struct jose_jws *jws, const struct jose_key *k, const char **why)
{
	EVP_MD_CTX *md = NULL;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	const unsigned char *sig = jws->sig;
	size_t siglen = jws->sig_len;
	enum eb_err rc = EB_EAUTH;

	if (!k || jws->alg == JOSE_ALG_UNKNOWN) {
		WHY("no key or no algorithm");
		return EB_EINVAL;
	}
	if (jws->alg != k->alg && !(rsa_alg(jws->alg) && k->alg == JOSE_RS256)) {
		WHY("token alg does not match the key type");
		return EB_EINVAL;
	}
	if (k->alg == JOSE_ES256) {
		int dlen;
		if (siglen != 2 * JOSE_EC_COORD) {
			WHY("ES256 signature is not 64 bytes");
			return EB_EAUTH;
		}
		es = ECDSA_SIG_new();
		r = BN_bin2bn(sig, JOSE_EC_COORD, NULL);
		s = BN_bin2bn(sig + JOSE_EC_COORD, JOSE_EC_COORD, NULL);
		if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
			rc = EB_ENOMEM;
			goto out;
		}
		r = s = NULL;
		dlen = i2d_ECDSA_SIG(es, &der);
		if (dlen <= 0) {
			rc = EB_ENOMEM;
			goto out;
		}
		sig = der;
		siglen = (size_t)dlen;
	}
	md = EVP_MD_CTX_new();
	if (!md || EVP_DigestVerifyInit(md, NULL, alg_md(jws->alg), NULL, k->pk) <= 0) {
		rc = EB_ENOMEM;
		goto out;
	}
	if (EVP_DigestVerify(md, sig, siglen, (const unsigned char *)jws->signing_input,
			     jws->signing_input_len) != 1) {
		WHY("token signature does not verify");
		rc = EB_EAUTH;
		goto out;
	}
	rc = EB_OK;
out:
	EVP_MD_CTX_free(md);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	OPENSSL_free(der);
	return rc;
}

enum eb_err jose_jws_verify_jwks(const struct jose_jws *jws, const struct jose_jwks *set,
				 const char **why)
{
	const struct jose_key *k = jose_jwks_find(set, jws->kid, jws->alg);
	if (!k) {
		WHY("no key in the provider's key set for this token");
		return EB_ENOTFOUND;
	}
	return jose_jws_verify(jws, k, why);
}

void jose_jws_free(struct jose_jws *jws)
{
	if (!jws)
		return;
	free(jws->kid);
	free(jws->header_json);
	free(jws->payload);
	free(jws->signing_input);
	free(jws->sig);
	memset(jws, 0, sizeof *jws);
}

/* ---- x5c --------------------------------------------------------------- */

#define JOSE_X5C_MAX 8

enum eb_err jose_x5c_key(const char *header_json, struct jose_key **out, const char **why)
{
	json_error_t e;
	json_t *hdr = header_json ? json_loads(header_json, JSON_REJECT_DUPLICATES, &e) : NULL;
	json_t *x5c = json_object_get(hdr, "x5c");
	X509 *certs[JOSE_X5C_MAX] = { 0 };
	size_t n = 0;
	unsigned char *der = NULL;
	enum eb_err rc = EB_EPARSE;

	*out = NULL;
	if (!x5c) {
		rc = EB_ENOTFOUND;
		WHY("no x5c in the header");
		goto out;
	}
	if (!json_is_array(x5c) || json_array_size(x5c) == 0 ||
	    json_array_size(x5c) > JOSE_X5C_MAX) {
		WHY("x5c is not a list of 1 to 8 certificates");
		goto out;
	}
	for (n = 0; n < json_array_size(x5c); n++) {
		const char *b64 = json_string_value(json_array_get(x5c, n));
		size_t len = b64 ? strlen(b64) : 0, dlen = 0;
		if (!len || len > JOSE_MAX_TOKEN) {
			WHY("an x5c entry is not a base64 string");
			goto out;
		}
		free(der);
		der = malloc(len);
		if (!der) {
			rc = EB_ENOMEM;
			goto out;
		}
		int d = EVP_DecodeBlock(der, (const unsigned char *)b64, (int)len);
		if (d < 0 || len % 4) {
			WHY("an x5c entry is not base64 (RFC 4648 section 4)");
			goto out;
		}
		dlen = (size_t)d - (b64[len - 1] == '=') - (len > 1 && b64[len - 2] == '=');
		const unsigned char *p = der;
		certs[n] = d2i_X509(NULL, &p, (long)dlen);
		if (!certs[n] || p != der + dlen) {
			WHY("an x5c entry is not a DER X.509 certificate");
			goto out;
		}
	}
	for (size_t i = 0; i + 1 < n; i++) {
		EVP_PKEY *issuer_key = X509_get0_pubkey(certs[i + 1]);
		if (X509_NAME_cmp(X509_get_issuer_name(certs[i]),
				  X509_get_subject_name(certs[i + 1])) != 0 ||
		    !issuer_key || X509_verify(certs[i], issuer_key) != 1) {
			rc = EB_EAUTH;
			WHY("the x5c chain is broken: a certificate is not issued by the next");
			goto out;
		}
	}
	EVP_PKEY *pk = X509_get_pubkey(certs[0]);
	if (!pk) {
		WHY("the first x5c certificate has no usable key");
		goto out;
	}
	rc = key_wrap(pk, 0, out, why);
	if (rc == EB_EPARSE)
		rc = EB_EINVAL;
out:
	for (size_t i = 0; i < JOSE_X5C_MAX; i++)
		X509_free(certs[i]);
	free(der);
	json_decref(hdr);
	return rc;
}
