/* Unit tests of base/jose.h: base64url, RFC 7638 thumbprints, RS256 and
 * ES256 tokens signed by the openssl command line (fixed vectors, so our
 * verifier is checked against another implementation), sign/verify round
 * trips, JWK and JWKS import and export, and the refusals: alg "none", HS*
 * (the algorithm-confusion attack), alg/key-type mismatch, off-curve points,
 * tampered tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/jose.h"

/* made with: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048;
 * the token signed with `openssl dgst -sha256 -sign` */
static const char rsa_pub[] = "-----BEGIN PUBLIC KEY-----\n"
			      "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAojFPAt1fo8TYHcsN8Lc/\n"
			      "UxK7UfOw2PlGPmJs0kuLHnXgeZGmYQEFimpnV2FAsJ06G1chDRrKu4lol1c7HbOx\n"
			      "x7Cj5oAWZ3+4xNtRNmPgNUDE2w9iRuMfdXw54AhGtxPcQUpzviy87LdUbEWHxMT7\n"
			      "6o9XIFn5cUmAXs+/gx+YXny0TH2XmPRa/LCF8D75icu6WacdDuVWUuQWhYsw1AFG\n"
			      "x0d3aaViV57suP4dBfsDQpuv1tbumIxylqjdUHiVVKTEzJCyvsU/sQyynN8yz2P+\n"
			      "PNYGf5zo9TGRUCPULZ4rqE3gLsIE0tkDN6SyZpFHZ8vkQFHXxMd/SgleDr3b0xJY\n"
			      "AQIDAQAB\n"
			      "-----END PUBLIC KEY-----\n";
static const char rsa_token[] =
	"eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0."
	"eyJpc3MiOiJodHRwczovL2lkcC50ZXN0Iiwic3ViIjoiYWxpY2UiLCJhdWQiOiJjbGllbnQtMSJ9."
	"Y0G8oPj9kicWqwrKuTgeWk6ct5CL3hmVulo_dnTKgPZ3m26C5smTkrezRDMwQa9KkwjjrGq7W7rzlh9rXBIcWlNjZ"
	"Gq8Jl75Lou_k8sudnLPRVClEhNGJ8Q-Q4Who1QBgtX2xakF-pIPyA2SmOkEjOo1-J34c0O3Y2Z-g_qMoyofJZ_Hq4"
	"mB6UXgppa_JyUwhg2GkhzOlGhh5178fYwfWIdeZ-lTYNwHTB0UhFvN2z57-XyAVLtKPI4PD_hFD7dze-Edw56aHY0"
	"y6hHsezkSKRSG-MGCB48vMo-B-HdF7GntXIncIPEScu5Gzd762Gv3DYQ9cyJ-sHDP1wNjUFK8SA";
/* P-256; the DER signature of `openssl dgst` converted to R||S */
static const char ec_pub[] = "-----BEGIN PUBLIC KEY-----\n"
			     "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEir8jJNrh+//0phzLEACzsGOR0Nv2\n"
			     "7kDbTi/dLkh50ZY5rbmAvULyD4rKxKBUUEss9pAMSVviv4j882GMKiIeMQ==\n"
			     "-----END PUBLIC KEY-----\n";
static const char ec_token[] =
	"eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0."
	"eyJpc3MiOiJodHRwczovL2lkcC50ZXN0Iiwic3ViIjoiYWxpY2UiLCJhdWQiOiJjbGllbnQtMSJ9."
	"2qEgqocWY8sVe4P80HClzwusEz2QmofbIOcWhEvkzPbmpnxKXjuBBgQD9jPIWzdWdv6XC2H-XOdqIB0NOsfbEg";

/* RFC 7638 section 3.1: the example key and its thumbprint */
static const char rfc7638_jwk[] =
	"{\"kty\":\"RSA\",\"n\":"
	"\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1R"
	"K7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf"
	"0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD0"
	"8qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJz"
	"KnqDKgw\",\"e\":\"AQAB\",\"alg\":\"RS256\"}";

static void b64url(void **state)
{
	struct buf b = BUF_INIT;
	jose_b64url_put(&b, "\xfb\xff", 2);
	assert_string_equal(buf_cstr(&b), "-_8");
	buf_reset(&b);
	assert_int_equal(jose_b64url_decode(STR_LIT("-_8"), &b), EB_OK);
	assert_int_equal(b.len, 2);
	assert_memory_equal(b.data, "\xfb\xff", 2);
	buf_reset(&b);
	assert_int_equal(jose_b64url_decode(STR_LIT("YQ=="), &b), EB_EPARSE); /* padding */
	buf_reset(&b);
	assert_int_equal(jose_b64url_decode(STR_LIT("a+b/"), &b), EB_EPARSE); /* plain base64 */
	buf_reset(&b);
	assert_int_equal(jose_b64url_decode(STR_LIT("abcde"), &b), EB_EPARSE); /* length */
	buf_reset(&b);
	assert_int_equal(jose_b64url_decode(STR_LIT("YR"), &b), EB_EPARSE); /* not canonical */
	buf_free(&b);
}

static void rfc7638_thumbprint(void **state)
{
	struct jose_key *k = NULL;
	const char *why = NULL;
	struct buf b = BUF_INIT;
	assert_int_equal(jose_jwk_parse(rfc7638_jwk, strlen(rfc7638_jwk), &k, &why), EB_OK);
	assert_int_equal(jose_key_thumbprint(k, &b), EB_OK);
	assert_string_equal(buf_cstr(&b), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	/* no kid in the JWK: the thumbprint is the kid */
	assert_string_equal(jose_key_kid(k), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
	buf_free(&b);
	jose_key_free(k);
}

static void verify_openssl_vector(const char *pem, const char *token, enum jose_alg alg)
{
	struct jose_key *k = NULL;
	struct jose_jws j;
	const char *why = NULL;
	char bad[1024];

	assert_int_equal(jose_key_from_pem(pem, strlen(pem), &k, &why), EB_OK);
	assert_int_equal(jose_key_alg(k), alg);
	assert_false(jose_key_is_private(k));
	assert_int_equal(jose_jws_parse(str_from(token), &j, &why), EB_OK);
	assert_int_equal(j.alg, alg);
	assert_string_equal(j.kid, "k1");
	assert_string_equal(
		j.payload, "{\"iss\":\"https://idp.test\",\"sub\":\"alice\",\"aud\":\"client-1\"}");
	assert_int_equal(jose_jws_verify(&j, k, &why), EB_OK);
	jose_jws_free(&j);

	/* one changed payload character: the signature no longer verifies */
	snprintf(bad, sizeof bad, "%s", token);
	char *p = strchr(bad, '.') + 5;
	*p = *p == 'A' ? 'B' : 'A';
	assert_int_equal(jose_jws_parse(str_from(bad), &j, &why), EB_OK);
	assert_int_equal(jose_jws_verify(&j, k, &why), EB_EAUTH);
	jose_jws_free(&j);
	jose_key_free(k);
}

static void openssl_vectors(void **state)
{
	verify_openssl_vector(rsa_pub, rsa_token, JOSE_RS256);
	verify_openssl_vector(ec_pub, ec_token, JOSE_ES256);
}

static void round_trip(enum jose_alg alg)
{
	struct jose_key *k = NULL, *pub = NULL;
	struct buf tok = BUF_INIT, jwk = BUF_INIT, pem = BUF_INIT;
	struct jose_jws j;
	const char *why = NULL;
	const char payload[] = "{\"sub\":\"s-1\"}";

	assert_int_equal(jose_key_generate(alg, &k), EB_OK);
	assert_true(jose_key_is_private(k));
	assert_int_equal(jose_sign(k, "JWT", payload, strlen(payload), &tok), EB_OK);
	assert_int_equal(jose_jwk_export(k, &jwk), EB_OK);
	assert_null(strstr(buf_cstr(&jwk), "\"d\""));
	assert_int_equal(jose_jwk_parse(jwk.data, jwk.len, &pub, &why), EB_OK);
	assert_string_equal(jose_key_kid(pub), jose_key_kid(k));
	assert_false(jose_key_is_private(pub));
	assert_int_equal(jose_jws_parse(str_from(buf_cstr(&tok)), &j, &why), EB_OK);
	assert_string_equal(j.payload, payload);
	assert_string_equal(j.kid, jose_key_kid(k));
	assert_int_equal(jose_jws_verify(&j, pub, &why), EB_OK);
	jose_jws_free(&j);

	/* the private PEM reads back as a private key of the same kid */
	assert_int_equal(jose_key_private_pem(k, &pem), EB_OK);
	struct jose_key *k2 = NULL;
	assert_int_equal(jose_key_from_pem(pem.data, pem.len, &k2, &why), EB_OK);
	assert_true(jose_key_is_private(k2));
	assert_string_equal(jose_key_kid(k2), jose_key_kid(k));
	/* a public key cannot sign */
	buf_reset(&tok);
	assert_int_equal(jose_sign(pub, NULL, "{}", 2, &tok), EB_EINVAL);
	jose_key_free(k2);
	jose_key_free(pub);
	jose_key_free(k);
	buf_free(&tok);
	buf_free(&jwk);
	buf_free(&pem);
}

static void sign_and_verify(void **state)
{
	round_trip(JOSE_RS256);
	round_trip(JOSE_ES256);
}

/* RS384 and RS512 with one RSA key: each verifies under its own digest;
 * a token whose header names another RSA alg than it was signed with does
 * not verify; an EC key cannot make them. */
static void rs384_and_rs512(void **state)
{
	struct jose_key *k = NULL, *ec = NULL;
	const char *why = NULL;
	assert_int_equal(jose_key_generate(JOSE_RS256, &k), EB_OK);
	assert_int_equal(jose_key_generate(JOSE_ES256, &ec), EB_OK);
	assert_string_equal(jose_alg_name(JOSE_RS384), "RS384");
	assert_int_equal(jose_alg_from_name("RS512"), JOSE_RS512);
	enum jose_alg algs[] = { JOSE_RS384, JOSE_RS512 };
	for (size_t i = 0; i < 2; i++) {
		struct buf tok = BUF_INIT, forged = BUF_INIT;
		struct jose_jws j;
		assert_int_equal(jose_sign_alg(k, algs[i], NULL, "{\"a\":1}", 7, &tok), EB_OK);
		assert_int_equal(jose_jws_parse(((struct str){ tok.data, tok.len }), &j, &why),
				 EB_OK);
		assert_int_equal(j.alg, algs[i]);
		assert_int_equal(jose_jws_verify(&j, k, &why), EB_OK);
		assert_int_equal(jose_jws_verify(&j, ec, &why), EB_EINVAL);
		jose_jws_free(&j);
		/* the same signature under the other RSA alg's header */
		const char *hdr = algs[i] == JOSE_RS384 ? "{\"alg\":\"RS512\"}"
							: "{\"alg\":\"RS384\"}";
		jose_b64url_put(&forged, hdr, strlen(hdr));
		const char *dot = memchr(tok.data, '.', tok.len);
		buf_put(&forged, dot, tok.len - (size_t)(dot - tok.data));
		assert_int_equal(
			jose_jws_parse(((struct str){ forged.data, forged.len }), &j, &why), EB_OK);
		assert_int_equal(jose_jws_verify(&j, k, &why), EB_EAUTH);
		jose_jws_free(&j);
		assert_int_equal(jose_sign_alg(ec, algs[i], NULL, "{}", 2, &forged), EB_EINVAL);
		buf_free(&tok);
		buf_free(&forged);
	}
	jose_key_free(k);
	jose_key_free(ec);
}

/* x5c: none, malformed entries and too many are refused with a reason;
 * chains themselves are checked in tests/http/test_xapi_signed.py, whose
 * certificates python3-cryptography makes. */
static void x5c_refusals(void **state)
{
	struct jose_key *k = NULL;
	const char *why = NULL;
	assert_int_equal(jose_x5c_key("{\"alg\":\"RS256\"}", &k, &why), EB_ENOTFOUND);
	assert_int_equal(jose_x5c_key("{\"x5c\":\"AAAA\"}", &k, &why), EB_EPARSE);
	assert_int_equal(jose_x5c_key("{\"x5c\":[]}", &k, &why), EB_EPARSE);
	assert_int_equal(jose_x5c_key("{\"x5c\":[\"not base64!\"]}", &k, &why), EB_EPARSE);
	assert_int_equal(jose_x5c_key("{\"x5c\":[\"AAAA\"]}", &k, &why), EB_EPARSE);
	assert_non_null(strstr(why, "X.509"));
	assert_int_equal(
		jose_x5c_key("{\"x5c\":[\"A\",\"A\",\"A\",\"A\",\"A\",\"A\",\"A\",\"A\",\"A\"]}",
			     &k, &why),
		EB_EPARSE);
	assert_null(k);
}

static void refuses_none_and_hmac(void **state)
{
	struct jose_jws j;
	const char *why = NULL;
	/* {"alg":"none"}.{"sub":"x"}. */
	assert_int_equal(jose_jws_parse(STR_LIT("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), &j, &why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "alg none"));
	/* {"alg":"none"} with a signature part still refused */
	assert_int_equal(
		jose_jws_parse(STR_LIT("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.AAAA"), &j, &why),
		EB_EINVAL);
	/* {"alg":"HS256"}: an HMAC keyed with the provider's public key */
	assert_int_equal(
		jose_jws_parse(STR_LIT("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA"), &j, &why),
		EB_EINVAL);
	assert_non_null(strstr(why, "HS"));
	/* {"alg":"PS256"}: not one we accept */
	assert_int_equal(
		jose_jws_parse(STR_LIT("eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA"), &j, &why),
		EB_EINVAL);
	/* {"alg":"RS256"} without a signature */
	assert_int_equal(jose_jws_parse(STR_LIT("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0."), &j, &why),
			 EB_EPARSE);
	/* two parts, four parts, a header that is not JSON */
	assert_int_equal(jose_jws_parse(STR_LIT("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"), &j, &why),
			 EB_EPARSE);
	assert_int_equal(jose_jws_parse(STR_LIT("a.b.c.d"), &j, &why), EB_EPARSE);
	assert_int_equal(jose_jws_parse(STR_LIT("bm90IGpzb24.e30.AAAA"), &j, &why), EB_EPARSE);
}

static void alg_must_match_key(void **state)
{
	struct jose_key *rsa = NULL, *ec = NULL;
	struct jose_jws j;
	const char *why = NULL;
	struct buf tok = BUF_INIT;

	assert_int_equal(jose_key_from_pem(rsa_pub, strlen(rsa_pub), &rsa, &why), EB_OK);
	assert_int_equal(jose_key_generate(JOSE_ES256, &ec), EB_OK);
	/* an RS256 token checked with an EC key, and an ES256 one with RSA */
	assert_int_equal(jose_jws_parse(str_from(rsa_token), &j, &why), EB_OK);
	assert_int_equal(jose_jws_verify(&j, ec, &why), EB_EINVAL);
	jose_jws_free(&j);
	assert_int_equal(jose_sign(ec, NULL, "{}", 2, &tok), EB_OK);
	assert_int_equal(jose_jws_parse(str_from(buf_cstr(&tok)), &j, &why), EB_OK);
	assert_int_equal(jose_jws_verify(&j, rsa, &why), EB_EINVAL);
	jose_jws_free(&j);
	/* a JWK whose alg does not fit its type */
	const char *mismatch = "{\"kty\":\"RSA\",\"alg\":\"ES256\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
	struct jose_key *k = NULL;
	assert_int_equal(jose_jwk_parse(mismatch, strlen(mismatch), &k, &why), EB_EINVAL);
	const char *hs = "{\"kty\":\"oct\",\"alg\":\"HS256\",\"k\":\"AQAB\"}";
	assert_int_equal(jose_jwk_parse(hs, strlen(hs), &k, &why), EB_EINVAL);
	/* a short RSA modulus */
	const char *shortn = "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}";
	assert_int_not_equal(jose_jwk_parse(shortn, strlen(shortn), &k, &why), EB_OK);
	/* an EC point off the curve (x, y = 1, 1) */
	const char *off = "{\"kty\":\"EC\",\"crv\":\"P-256\","
			  "\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\","
			  "\"y\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\"}";
	assert_int_equal(jose_jwk_parse(off, strlen(off), &k, &why), EB_EINVAL);
	buf_free(&tok);
	jose_key_free(rsa);
	jose_key_free(ec);
}

static void key_sets(void **state)
{
	struct jose_key *a = NULL, *b = NULL;
	struct jose_jwks *set = NULL;
	struct buf jwks = BUF_INIT, tok = BUF_INIT;
	const char *why = NULL;
	struct jose_jws j;

	assert_int_equal(jose_key_generate(JOSE_RS256, &a), EB_OK);
	assert_int_equal(jose_key_generate(JOSE_ES256, &b), EB_OK);
	const struct jose_key *both[] = { a, b };
	assert_int_equal(jose_jwks_export(both, 2, &jwks), EB_OK);
	assert_int_equal(jose_jwks_parse(jwks.data, jwks.len, &set, &why), EB_OK);
	assert_int_equal(jose_jwks_count(set), 2);
	assert_non_null(jose_jwks_find(set, jose_key_kid(a), JOSE_RS256));
	assert_null(jose_jwks_find(set, jose_key_kid(a), JOSE_ES256));
	assert_null(jose_jwks_find(set, "unknown", JOSE_RS256));
	assert_int_equal(jose_sign(b, "JWT", "{}", 2, &tok), EB_OK);
	assert_int_equal(jose_jws_parse(str_from(buf_cstr(&tok)), &j, &why), EB_OK);
	assert_int_equal(jose_jws_verify_jwks(&j, set, &why), EB_OK);
	jose_jws_free(&j);
	jose_jwks_free(set);

	/* an encryption key and an unknown type are skipped, not fatal */
	const char *mixed =
		"{\"keys\":[{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
		"{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}]}";
	assert_int_equal(jose_jwks_parse(mixed, strlen(mixed), &set, &why), EB_OK);
	assert_int_equal(jose_jwks_count(set), 0);
	jose_jwks_free(set);
	assert_int_equal(jose_jwks_parse("{\"keys\":3}", 10, &set, &why), EB_EPARSE);
	assert_int_equal(jose_jwks_parse("[]", 2, &set, &why), EB_EPARSE);
	buf_free(&jwks);
	buf_free(&tok);
	jose_key_free(a);
	jose_key_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(b64url),
		cmocka_unit_test(rfc7638_thumbprint),
		cmocka_unit_test(openssl_vectors),
		cmocka_unit_test(sign_and_verify),
		cmocka_unit_test(rs384_and_rs512),
		cmocka_unit_test(x5c_refusals),
		cmocka_unit_test(refuses_none_and_hmac),
		cmocka_unit_test(alg_must_match_key),
		cmocka_unit_test(key_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
