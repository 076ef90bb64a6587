/* fuzz_case_pkg.c - libFuzzer driver for the CASE package reader
 * (ingest/case_pkg.c): any bytes give a package or a refusal, never a
 * crash; a package's items and associations are whole. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "ingest/case_pkg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	arena_init(&a);
	struct buf errs = BUF_INIT;
	struct framework_in f;
	struct case_pkg_stats st;
	if (case_pkg_parse((const char *)data, size, "fuzz.json", &a, &f, &st, &errs) == EB_OK) {
		for (size_t i = 0; i < f.nitems; i++)
			if (!f.items[i].identifier || !f.items[i].statement ||
			    (f.items[i].parent &&
			     !strcmp(f.items[i].parent, f.items[i].identifier)))
				__builtin_trap();
		for (size_t i = 0; i < f.nassocs; i++)
			if (!f.assocs[i].kind || !f.assocs[i].origin || !f.assocs[i].dest)
				__builtin_trap();
	}
	buf_free(&errs);
	arena_free(&a);
	return 0;
}
