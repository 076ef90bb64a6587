/* fuzz_kt_data.c - libFuzzer driver for the ASSISTments-format reader:
 * any byte string must either parse into a consistent dataset or be refused
 * with a message, never crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/kt_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	struct kt_dataset d;
	char err[256];
	if (kt_parse("fuzz", buf, size, &d, err, sizeof err) == EB_OK) {
		if (d.nusers == 0 || d.user_start[d.nusers] != d.n)
			abort();
		for (size_t i = 0; i < d.n; i++)
			if (d.rows[i].correct > 1 || d.rows[i].nskills > KT_MAX_SKILLS)
				abort();
		kt_free(&d);
	}
	free(buf);
	return 0;
}
