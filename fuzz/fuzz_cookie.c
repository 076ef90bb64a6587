/* fuzz_cookie - the Cookie header reader (http_cookie_parse) on arbitrary
 * input: the first line is the cookie's name, the rest the header. Checks:
 * no crash or overread; a value found fits the buffer, holds only
 * cookie-octets (no separator, white space, quote or control character),
 * and appears in the header. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	char *nl = strchr(in, '\n');
	const char *name = nl ? in : "eb_session";
	const char *header = nl ? nl + 1 : in;
	if (nl)
		*nl = '\0';
	char small[8], out[256];
	for (int round = 0; round < 2; round++) {
		char *v = round ? out : small;
		size_t cap = round ? sizeof out : sizeof small;
		memset(v, 'Z', cap);
		if (!http_cookie_parse(header, name, v, cap))
			continue;
		size_t vl = strnlen(v, cap);
		if (vl >= cap)
			abort();
		for (size_t i = 0; i < vl; i++) {
			unsigned char c = (unsigned char)v[i];
			if (c < 0x21 || c == 0x7f || c == ';' || c == ',' || c == '"' || c == '\\')
				abort();
		}
		if (vl && !strstr(header, v))
			abort();
	}
	free(in);
	return 0;
}
