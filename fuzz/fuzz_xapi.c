/* fuzz_xapi.c - libFuzzer driver for the xAPI statement validator: any bytes,
 * both versions; the validator must never crash, leak or read out of bounds.
 * Build: clang -fsanitize=fuzzer,address -Isrc fuzz/fuzz_xapi.c <objects> -lsodium ... */
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "domain/activity.h"
#include "ingest/xapi.h"
#include "base/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	for (int v = XAPI_V1; v <= XAPI_V2; v++)
		xapi_validate_json((const char *)data, size, (enum xapi_version)v, err, sizeof err);
	/* mapping runs on whatever validated */
	struct arena a;
	arena_init(&a);
	struct jv_error je;
	struct jv *root = jv_parse(&a, (const char *)data, size, &je);
	if (root && jv_is_object(root) &&
	    !xapi_validate_statement(&a, root, XAPI_V1, "$", err, sizeof err)) {
		struct learning_event_in ev;
		char scratch[640];
		xapi_map_event(root, &ev, scratch, sizeof scratch);
		/* the canonical form of a valid statement must parse again */
		struct buf b = BUF_INIT;
		jv_dump_sorted(root, &b, NULL);
		if (!buf_failed(&b) && !jv_parse(&a, b.data, b.len, &je))
			__builtin_trap();
		buf_free(&b);
	}
	arena_free(&a);
	return 0;
}
