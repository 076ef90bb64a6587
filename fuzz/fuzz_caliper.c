/* fuzz_caliper.c - libFuzzer driver for the Caliper envelope/event/entity
 * validators and the event mapping. */
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/activity.h"
#include "ingest/caliper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	size_t events, entities;
	caliper_validate_json((const char *)data, size, err, sizeof err, &events, &entities);
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (root && json_is_object(root)) {
		caliper_validate_entity(root, "$", err, sizeof err);
		if (!caliper_validate_event(root, "$", err, sizeof err)) {
			struct learning_event_in ev;
			char scratch[1536];
			caliper_map_event(root, &ev, scratch, sizeof scratch);
		}
	}
	json_decref(root);
	return 0;
}
