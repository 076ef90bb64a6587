/* fuzz_csv - the CSV reader never reads out of bounds, always terminates, and
 * every field lies inside the input buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error err;
	csv_init(&r, buf, size);
	size_t guard = 0, last_line = 0;
	enum eb_err rc;
	while ((rc = csv_next(&r, &rec, &err)) != EB_ENOTFOUND) {
		if (++guard > size + 2)
			abort(); /* no progress */
		if (rc != EB_OK) {
			if (err.line < 1 || err.column < 1 ||
			    !memchr(err.reason, 0, sizeof err.reason))
				abort();
			continue;
		}
		if (rec.nfields < 1 || rec.nfields > CSV_MAX_FIELDS || rec.line < last_line)
			abort();
		last_line = rec.line;
		for (size_t i = 0; i < rec.nfields; i++) {
			const char *p = rec.fields[i].p;
			if (p < buf || p + rec.fields[i].n > buf + size)
				abort();
		}
	}
	free(buf);
	return 0;
}
