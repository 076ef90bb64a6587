/* fuzz_csv_profile.c - libFuzzer driver for the vendor CSV profile reader:
 * any bytes through every compiled-in profile and as a profile file (validation and the event
 * builder, no database); the reader must never crash, leak or read out of
 * bounds, and every error it reports must name the file.
 * Build: clang -fsanitize=fuzzer,address -Isrc fuzz/fuzz_csv_profile.c <objects> -lsodium ... */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/activity.h"
#include "ingest/csv_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum eb_err check_event(void *ctx, const struct learning_event_in *ev, size_t line)
{
	(void)ctx;
	(void)line;
	if (!ev->actor_key || !ev->statement_id || strlen(ev->statement_id) != 36 ||
	    (ev->score >= 0 && ev->score > 1) ||
	    (ev->correct != -1 && ev->correct != 0 && ev->correct != 1))
		abort();
	return EB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct csvp_report rep;
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	for (size_t i = 0; i < csvp_count(); i++) {
		memcpy(copy, data, size);
		enum eb_err rc =
			csvp_read(csvp_at(i), "f.csv", 1, copy, size, check_event, NULL, &rep);
		if (rc == EB_EPARSE &&
		    (rep.nerrors == 0 || strncmp(rep.errors[0], "f.csv:", 6) != 0))
			abort();
	}
	/* the same bytes as a profile file, and a small CSV through it when it parses */
	static struct csvp_custom custom;
	char *text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
		char why[200];
		if (csvp_parse_profile(text, &custom, why, sizeof why) == EB_OK) {
			char csv[] = "student_id,item_id,date,minutes\nstu-1,q1,2026-09-14,3\n";
			csvp_read(&custom.p, "p.csv", 1, csv, sizeof csv - 1, check_event, NULL,
				  &rep);
		}
		free(text);
	}
	free(copy);
	return 0;
}
