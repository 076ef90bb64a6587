/* fuzz_xapi_multipart.c - libFuzzer driver for the xAPI multipart/mixed
 * reader (ingest/xapi_attach.c) and the signed-statement check
 * (ingest/xapi_sig.c). The first byte picks the boundary's form (quoted or
 * not); the rest is the body. Every part found must lie inside the body,
 * and the check of a fixed statement against each part as a JWS must end
 * in an answer, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/json.h"
#include "ingest/xapi_attach.h"
#include "ingest/xapi_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *ct = data[0] & 1 ? "multipart/mixed; boundary=\"b0undary\""
				     : "multipart/mixed; boundary=b0undary";
	const char *body = (const char *)data + 1, *json = NULL;
	size_t len = size - 1, json_len = 0;
	char err[512];
	struct arena a;
	arena_init(&a);
	struct xapi_parts parts;
	if (xapi_attach_parse(&a, ct, body, len, &json, &json_len, &parts, err, sizeof err) ==
	    EB_OK) {
		if (json < body || json + json_len > body + len)
			__builtin_trap();
		static const char stmt_json[] = "{\"actor\":{\"mbox\":\"mailto:a@example.org\"},"
						"\"verb\":{\"id\":\"http://example.org/v\"},"
						"\"object\":{\"id\":\"http://example.org/o\"}}";
		struct jv_error je;
		struct jv *stmt = jv_parse(&a, stmt_json, sizeof stmt_json - 1, &je);
		for (size_t i = 0; i < parts.n; i++) {
			if (parts.p[i].data < body || parts.p[i].data + parts.p[i].len > body + len)
				__builtin_trap();
			if (stmt)
				xapi_sig_verify(&a, stmt, parts.p[i].data, parts.p[i].len, "$", err,
						sizeof err);
		}
	}
	arena_free(&a);
	return 0;
}
