/* fuzz_gradebook.c - libFuzzer driver for the OneRoster Gradebook readers
 * (ingest/oneroster_gradebook.c): the input's first byte picks the CSV
 * file it is (lineItems, results, their objective files) or the REST JSON
 * of lineItems or results; any bytes give records or errors, never a
 * crash, and a record read is whole. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "ingest/oneroster_gradebook.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = { "lineItems.csv", "results.csv",
				     "lineItemLearningObjectiveIds.csv",
				     "resultLearningObjectiveIds.csv", "categories.csv" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	unsigned pick = data[0] % 7;
	data++;
	size--;
	struct arena a;
	arena_init(&a);
	struct buf errs = BUF_INIT;
	struct gradebook g;
	gradebook_init(&g, &a, &errs);
	if (pick >= 5) {
		gradebook_parse_json(&g, pick == 5 ? "lineItems" : "results", (const char *)data,
				     size, "fuzz");
	} else {
		/* a line item and a result the objective files can name */
		static const char li[] = "sourcedId,title,classSourcedId\nli1,Quiz,k1\n";
		static const char rs[] = "sourcedId,lineItemSourcedId,studentSourcedId,scoreStatus,"
					 "scoreDate\nr1,li1,s1,fully graded,2026-01-09\n";
		struct oneroster_file f[3] = {
			{ "lineItems.csv", strdup(li), sizeof li - 1 },
			{ "results.csv", strdup(rs), sizeof rs - 1 },
			{ names[pick], malloc(size + 1), size },
		};
		if (f[0].data && f[1].data && f[2].data) {
			memcpy(f[2].data, data, size);
			f[2].data[size] = 0;
			gradebook_parse_csv(&g, pick < 2 ? &f[2] : f, pick < 2 ? 1 : 3);
		}
		for (int i = 0; i < 3; i++)
			free(f[i].data);
	}
	gradebook_check(&g);
	for (size_t i = 0; i < g.nitems; i++)
		if (!g.items[i].sourced_id || !g.items[i].class_sid || !g.items[i].title ||
		    (g.items[i].nobj && !g.items[i].obj[0].id))
			__builtin_trap();
	for (size_t i = 0; i < g.nresults; i++)
		if (!g.results[i].sourced_id || !g.results[i].line_item_sid ||
		    !g.results[i].student_sid || !g.results[i].score_status)
			__builtin_trap();
	buf_free(&errs);
	arena_free(&a);
	return 0;
}
