#include "web/multipart.h"

#include <string.h>

#include "base/str.h"

static const char *mem_find(const char *hay, size_t hn, const char *needle, size_t nn)
{
	if (nn == 0 || hn < nn)
		return NULL;
	const char *end = hay + hn - nn;
	for (const char *p = hay; p <= end; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, nn) == 0)
			return p;
	}
	return NULL;
}

/* Copies the value of `key="..."` from a header line into out. A loop,
 * not recursion: a line of a million `xname="` would otherwise nest as deep
 * (the body is the client's, up to 16 MiB). */
static bool header_param(const char *line, size_t n, const char *key, char *out, size_t cap)
{
	char pat[64];
	size_t kl = strlen(key);
	if (kl + 3 > sizeof pat)
		return false;
	memcpy(pat, key, kl);
	pat[kl] = '=';
	pat[kl + 1] = '"';
	const char *end = line + n, *p = line;
	for (;;) {
		p = mem_find(p, (size_t)(end - p), pat, kl + 2);
		if (!p)
			return false;
		/* the key must start a parameter (avoid matching filename= for name=) */
		if (p == line || p[-1] == ' ' || p[-1] == ';')
			break;
		p++;
	}
	p += kl + 2;
	const char *q = memchr(p, '"', (size_t)(end - p));
	if (!q || (size_t)(q - p) >= cap)
		return false;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return true;
}

enum eb_err multipart_find(const char *content_type, const char *body, size_t len, const char *name,
			   struct multipart_part *out)
{
	char boundary[80] = "\r\n--";
	if (!content_type || strncmp(content_type, "multipart/form-data", 19) != 0)
		return EB_EINVAL;
	const char *b = strstr(content_type, "boundary=");
	if (!b)
		return EB_EINVAL;
	b += 9;
	if (*b == '"')
		b++;
	size_t bl = strcspn(b, "\";, ");
	if (bl == 0 || bl > 70)
		return EB_EINVAL;
	memcpy(boundary + 4, b, bl);
	size_t dl = bl + 4;
	boundary[dl] = '\0';
	/* the first boundary has no leading CRLF */
	if (len < dl - 2 || memcmp(body, boundary + 2, dl - 2) != 0)
		return EB_EINVAL;
	const char *p = body + dl - 2, *end = body + len;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return EB_ENOTFOUND; /* closing boundary */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return EB_EINVAL;
		p += 2;
		const char *hdr_end = mem_find(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hdr_end)
			return EB_EINVAL;
		char pname[128] = "", fname[256] = "";
		/* scan the part's header lines for Content-Disposition */
		const char *line = p;
		while (line < hdr_end) {
			const char *eol = mem_find(line, (size_t)(hdr_end + 2 - line), "\r\n", 2);
			if (!eol)
				eol = hdr_end;
			size_t ln = (size_t)(eol - line);
			if (ln > 20 &&
			    str_ieq_cstr((struct str){ line, 20 }, "content-disposition:")) {
				header_param(line, ln, "name", pname, sizeof pname);
				header_param(line, ln, "filename", fname, sizeof fname);
			}
			line = eol + 2;
		}
		const char *data = hdr_end + 4;
		const char *next = mem_find(data, (size_t)(end - data), boundary, dl);
		if (!next)
			return EB_EINVAL;
		if (strcmp(pname, name) == 0) {
			out->data = data;
			out->len = (size_t)(next - data);
			str_copy(out->filename, sizeof out->filename, fname);
			return EB_OK;
		}
		p = next + dl;
	}
}
