/* fuzz_multipart - the multipart/form-data reader (web/multipart.c) on
 * arbitrary input: the first line is the Content-Type header, the rest the
 * body. Checks: no crash or overread, a part found lies inside the body,
 * its file name is a terminated string. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hl = nl ? (size_t)(nl - data) : size;
	char *ct = malloc(hl + 1);
	/* the body in a block of its own size, so that ASan sees any overread */
	size_t bl = nl ? size - hl - 1 : 0;
	char *body = malloc(bl ? bl : 1);
	if (!ct || !body) {
		free(ct);
		free(body);
		return 0;
	}
	memcpy(ct, data, hl);
	ct[hl] = '\0';
	if (bl)
		memcpy(body, nl + 1, bl);
	static const char *const names[] = { "file", "csrf", "profile", "" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct multipart_part p;
		enum eb_err rc = multipart_find(ct, body, bl, names[i], &p);
		if (rc == EB_OK) {
			if (p.data < body || p.len > bl || p.data + p.len > body + bl)
				abort();
			if (!memchr(p.filename, '\0', sizeof p.filename))
				abort();
		} else if (rc != EB_ENOTFOUND && rc != EB_EINVAL) {
			abort();
		}
	}
	free(ct);
	free(body);
	return 0;
}
