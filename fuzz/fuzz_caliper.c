/* fuzz_caliper.c - libFuzzer driver for the Caliper envelope/event/entity
 * validators (ingest/caliper.c on ingest/validate.c), the event mapping, and
 * the stored form of an event (base/json's jv_dump), which must read back. */
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "domain/activity.h"
#include "ingest/caliper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	size_t events, entities;
	caliper_validate_json((const char *)data, size, err, sizeof err, &events, &entities);
	struct arena a;
	arena_init(&a);
	struct jv_error je;
	struct jv *root = jv_parse(&a, (const char *)data, size, &je);
	if (root && jv_is_object(root)) {
		caliper_validate_entity(root, "$", err, sizeof err);
		if (!caliper_validate_event(root, "$", err, sizeof err)) {
			struct learning_event_in ev;
			char scratch[1536];
			caliper_map_event(root, &ev, scratch, sizeof scratch);
			struct buf b = BUF_INIT;
			jv_dump(root, &b);
			if (!buf_failed(&b) && !jv_parse(&a, b.data, b.len, &je))
				__builtin_trap();
			buf_free(&b);
		}
	}
	arena_free(&a);
	return 0;
}
