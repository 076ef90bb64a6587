/* fuzz_form - the application/x-www-form-urlencoded reader (http_form_parse)
 * on arbitrary input. Checks: no crash or overread, at most cap fields,
 * every name and value a string inside the input's copy, decoding never
 * makes a field longer than it was. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	size_t len = strlen(s); /* the reader stops at a NUL, as the body copy does */
	struct http_kv kv[HTTP_MAX_FORM];
	int n = http_form_parse(s, kv, HTTP_MAX_FORM);
	if (n < 0 || n > HTTP_MAX_FORM)
		abort();
	const char *prev = s;
	for (int i = 0; i < n; i++) {
		const char *name = kv[i].name, *value = kv[i].value;
		if (name < s || name > s + len || value < s || value > s + len)
			abort();
		if (name < prev || value <= name)
			abort(); /* fields in input order, the value after its name */
		if (name + strlen(name) > s + len || value + strlen(value) > s + len)
			abort();
		prev = value;
	}
	free(s);
	return 0;
}
