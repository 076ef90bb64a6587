/* fuzz_xapi.c - libFuzzer driver for the xAPI statement validator: any bytes,
 * both versions; the validator must never crash, leak or read out of bounds.
 * Build: clang -fsanitize=fuzzer,address -Isrc fuzz/fuzz_xapi.c <objects> -ljansson -lsodium ... */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/activity.h"
#include "ingest/xapi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	for (int v = XAPI_V1; v <= XAPI_V2; v++)
		xapi_validate_json((const char *)data, size, (enum xapi_version)v, err, sizeof err);
	/* mapping runs on whatever validated */
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (root && json_is_object(root) &&
	    !xapi_validate_statement(root, XAPI_V1, "$", err, sizeof err)) {
		struct learning_event_in ev;
		char scratch[640];
		xapi_map_event(root, &ev, scratch, sizeof scratch);
	}
	json_decref(root);
	return 0;
}
