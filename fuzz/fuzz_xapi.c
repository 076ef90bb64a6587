/* fuzz_xapi.c - libFuzzer driver for the xAPI statement validator
 * (ingest/xapi_validate.c on ingest/validate.c and base/json.c): any bytes,
 * both versions; the validator must never crash, leak or read out of
 * bounds. What validates is mapped (xapi_map.c) and prepared for storing
 * (xapi_canon.c): the canonical form and the stored form must parse again.
 * The input is also tried as the GET agent filter (xapi_validate_agent).
 * Build: scripts/fuzz.sh. */
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "domain/activity.h"
#include "ingest/xapi.h"
#include "ingest/xapi_canon.h"
#include "ingest/xapi_map.h"
#include "ingest/xapi_validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_parse(struct arena *a, const struct buf *b)
{
	struct jv_error je;
	if (!buf_failed(b) && !jv_parse(a, b->data, b->len, &je))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	for (int v = XAPI_V1; v <= XAPI_V2; v++)
		xapi_validate_json((const char *)data, size, (enum xapi_version)v, err, sizeof err);
	/* mapping and preparing run on whatever validated */
	struct arena a;
	arena_init(&a);
	struct jv_error je;
	struct jv *root = jv_parse(&a, (const char *)data, size, &je);
	if (root && !xapi_validate_agent(&a, root, XAPI_V2, "agent", err, sizeof err)) {
		char key[300]; /* the GET agent filter's key */
		xapi_agent_key(root, key, sizeof key);
	}
	if (root && jv_is_object(root) &&
	    !xapi_validate_statement(&a, root, XAPI_V1, "$", err, sizeof err)) {
		struct learning_event_in ev;
		char scratch[640];
		xapi_map_event(root, &ev, scratch, sizeof scratch);
		struct buf b = BUF_INIT;
		jv_dump_sorted(root, &b, NULL);
		must_parse(&a, &b);
		struct xapi_prepared p = { 0 };
		buf_reset(&b);
		if (!xapi_canon_prepare(&a, &b, root, XAPI_V1, "2024-01-01T00:00:00.000Z", &p)) {
			must_parse(&a, &b); /* the canonical text */
			buf_reset(&b);
			xapi_canon_stored_json(&b, &p, 7, "2024-01-01T00:00:00.000Z");
			must_parse(&a, &b);
		}
		buf_free(&b);
	}
	arena_free(&a);
	return 0;
}
