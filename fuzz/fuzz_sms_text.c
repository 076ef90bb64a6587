/* fuzz_sms_text.c - libFuzzer driver for the text-message segment counter
 * and fitter (domain/sms_text.c): input split at the first NUL into a text
 * and a tail; a fitted message must count again, stay within the budget,
 * end with the tail whole and be valid UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/sms_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 2);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = s[size + 1] = 0;
	const char *text = s, *tail = s + strlen(s) + 1;
	if (tail > s + size)
		tail = "";
	struct sms_count c, again;
	sms_count(text, strlen(text), &c);
	struct buf b = BUF_INIT;
	if (sms_fit(text, tail, SMS_BUDGET_DEFAULT, &b, &c) == EB_OK) {
		size_t tl = strlen(tail);
		if (!sms_count(b.data ? b.data : "", b.len, &again) ||
		    again.segments != c.segments || c.segments > (c.enc == SMS_GSM7 ? 2u : 3u) ||
		    b.len < tl || (tl && memcmp(b.data + b.len - tl, tail, tl) != 0))
			__builtin_trap();
	} else if (b.len) {
		__builtin_trap(); /* nothing appended on an error */
	}
	buf_free(&b);
	free(s);
	return 0;
}
