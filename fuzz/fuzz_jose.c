/* fuzz_jose - the JOSE readers (base/jose.h) on arbitrary input: the first
 * byte picks the reader (JWS compact, JWK, JWKS, base64url), the rest is
 * its input. Checks: no crash or overread; a parsed JWS names only RS256 or
 * ES256 and its payload is NUL-terminated at its length; verification with
 * a fixed key of the other kind is refused, never accepted. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/jose.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jose_key *rsa, *ec;
	if (!rsa && (jose_key_generate(JOSE_RS256, &rsa) || jose_key_generate(JOSE_ES256, &ec)))
		abort();
	if (size == 0)
		return 0;
	const char *in = (const char *)data + 1;
	size_t n = size - 1;
	const char *why = NULL;
	switch (data[0] % 4) {
	case 0: {
		struct jose_jws j;
		if (jose_jws_parse((struct str){ in, n }, &j, &why) != EB_OK)
			break;
		if ((j.alg != JOSE_RS256 && j.alg != JOSE_ES256) ||
		    j.payload[j.payload_len] != '\0')
			abort();
		/* nobody but our keys' holders can sign: a fuzzed token never verifies */
		if (jose_jws_verify(&j, rsa, &why) == EB_OK ||
		    jose_jws_verify(&j, ec, &why) == EB_OK)
			abort();
		jose_jws_free(&j);
		break;
	}
	case 1: {
		struct jose_key *k = NULL;
		if (jose_jwk_parse(in, n, &k, &why) == EB_OK) {
			struct buf b = BUF_INIT;
			if (jose_key_is_private(k) || jose_jwk_export(k, &b) != EB_OK)
				abort();
			buf_free(&b);
			jose_key_free(k);
		}
		break;
	}
	case 2: {
		struct jose_jwks *s = NULL;
		if (jose_jwks_parse(in, n, &s, &why) == EB_OK) {
			(void)jose_jwks_find(s, NULL, JOSE_RS256);
			jose_jwks_free(s);
		}
		break;
	}
	default: {
		struct buf b = BUF_INIT;
		if (jose_b64url_decode((struct str){ in, n }, &b) == EB_OK) {
			struct buf again = BUF_INIT;
			jose_b64url_put(&again, b.data ? b.data : "", b.len);
			/* canonical input only: decoding and encoding give it back */
			if (again.len != n || (n && memcmp(again.data, in, n) != 0))
				abort();
			buf_free(&again);
		}
		buf_free(&b);
	}
	}
	return 0;
}
