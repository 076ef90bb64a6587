/* xapi_attach.c - multipart/mixed statements and their attachments
 * (xapi_attach.h). */
#include "ingest/xapi_attach.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/str.h"
#include "domain/xapi_attachment.h"
#include "ingest/xapi_sig.h"

#define BOUNDARY_MAX 70 /* RFC 2046 section 5.1.1 */

bool xapi_attach_is_multipart(const char *content_type)
{
	return content_type && strncasecmp(content_type, "multipart/mixed", 15) == 0 &&
	       (content_type[15] == '\0' || content_type[15] == ';' || content_type[15] == ' ');
}

/* The boundary parameter of a Content-Type, quoted or not; false when
 * absent or not 1-70 characters. */
static bool boundary_of(const char *ct, char out[BOUNDARY_MAX + 1])
{
	for (const char *p = strchr(ct, ';'); p; p = strchr(p + 1, ';')) {
		const char *q = p + 1;
		while (*q == ' ' || *q == '\t')
			q++;
		if (strncasecmp(q, "boundary=", 9) != 0)
			continue;
		q += 9;
		size_t n = 0;
		if (*q == '"') {
			const char *end = strchr(q + 1, '"');
			if (!end)
				return false;
			n = (size_t)(end - q - 1);
			q++;
		} else {
			n = strcspn(q, "; \t");
		}
		if (n == 0 || n > BOUNDARY_MAX)
			return false;
		memcpy(out, q, n);
		out[n] = '\0';
		return true;
	}
	return false;
}

/* The first occurrence of needle[nlen] in hay[hlen], or NULL. */
static const char *find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen > hlen)
		return NULL;
	const char *end = hay + hlen - nlen;
	for (const char *p = hay; p <= end; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, nlen) == 0)
			return p;
	}
	return NULL;
}

static bool is_hex_str(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	return true;
}

static void lower_copy(char *dst, size_t cap, const char *src, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
	dst[n] = '\0';
}

/* The SHA-2 of data by the length of the hex it is compared with. */
static bool sha2_hex(const void *data, size_t len, size_t hexlen, char out[129])
{
	const EVP_MD *md = hexlen == 56	   ? EVP_sha224()
			   : hexlen == 64  ? EVP_sha256()
			   : hexlen == 96  ? EVP_sha384()
			   : hexlen == 128 ? EVP_sha512()
					   : NULL;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hn = 0;
	if (!md || EVP_Digest(data, len, h, &hn, md, NULL) != 1)
		return false;
	static const char hx[] = "0123456789abcdef";
	for (unsigned i = 0; i < hn; i++) {
		out[2 * i] = hx[h[i] >> 4];
		out[2 * i + 1] = hx[h[i] & 15];
	}
	out[2 * hn] = '\0';
	return true;
}

struct part_head {
	char content_type[128];
	char cte[32];
	char hash[160];
	bool has_ct, has_cte, has_hash;
};

/* Reads a part's header lines (p up to the blank line, end excluded). */
static bool read_headers(const char *p, const char *end, struct part_head *h, char *err, size_t cap,
			 size_t index)
{
	memset(h, 0, sizeof *h);
	while (p < end) {
		const char *eol = find(p, (size_t)(end - p), "\r\n", 2);
		const char *le = eol ? eol : end;
		const char *colon = memchr(p, ':', (size_t)(le - p));
		if (!colon || colon == p) {
			snprintf(err, cap, "multipart part %zu: a header line without a name",
				 index);
			return false;
		}
		size_t nlen = (size_t)(colon - p);
		const char *v = colon + 1;
		while (v < le && (*v == ' ' || *v == '\t'))
			v++;
		size_t vlen = (size_t)(le - v);
		while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		char *dst = NULL;
		size_t dcap = 0;
		bool *flag = NULL;
		if (nlen == 12 && strncasecmp(p, "Content-Type", 12) == 0)
			dst = h->content_type, dcap = sizeof h->content_type, flag = &h->has_ct;
		else if (nlen == 25 && strncasecmp(p, "Content-Transfer-Encoding", 25) == 0)
			dst = h->cte, dcap = sizeof h->cte, flag = &h->has_cte;
		else if (nlen == 21 && strncasecmp(p, "X-Experience-API-Hash", 21) == 0)
			dst = h->hash, dcap = sizeof h->hash, flag = &h->has_hash;
		if (dst) {
			if (vlen >= dcap || *flag) {
				snprintf(err, cap, "multipart part %zu: header %.*s is %s", index,
					 (int)nlen, p, *flag ? "repeated" : "too long");
				return false;
			}
			memcpy(dst, v, vlen);
			dst[vlen] = '\0';
			*flag = true;
		}
		p = eol ? eol + 2 : end;
	}
	return true;
}

enum eb_err xapi_attach_parse(struct arena *a, const char *content_type, const char *body,
			      size_t len, const char **json, size_t *json_len,
			      struct xapi_parts *out, char *err, size_t cap)
{
	char b[BOUNDARY_MAX + 1];
	char delim[BOUNDARY_MAX + 5];
	memset(out, 0, sizeof *out);
	out->multipart = true;
	if (!content_type || !boundary_of(content_type, b)) {
		snprintf(err, cap,
			 "multipart/mixed needs a boundary parameter of 1 to 70 characters");
		return EB_EINVAL;
	}
	/* the delimiter is CRLF "--" boundary; the first may open the body */
	int dn = snprintf(delim, sizeof delim, "\r\n--%s", b);
	size_t dlen = (size_t)dn;
	const char *p;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = body + dlen - 2;
	} else {
		const char *d = find(body, len, delim, dlen);
		if (!d) {
			snprintf(err, cap, "multipart body: no delimiter of the boundary \"%s\"",
				 b);
			return EB_EINVAL;
		}
		p = d + dlen;
	}
	const char *end = body + len;
	size_t cap_parts = 8, index = 0;
	out->p = arena_alloc(a, cap_parts * sizeof *out->p);
	if (!out->p)
		return EB_ENOMEM;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* the close delimiter: the rest is the epilogue */
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			snprintf(err, cap,
				 "multipart body: a boundary delimiter not followed by CRLF");
			return EB_EINVAL;
		}
		p += 2;
		const char *hend;
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			hend = p; /* no header lines */
		} else {
			hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);
			if (!hend) {
				snprintf(err, cap,
					 "multipart part %zu: headers without a blank line", index);
				return EB_EINVAL;
			}
			hend += 2;
		}
		struct part_head h;
		if (!read_headers(p, hend, &h, err, cap, index))
			return EB_EINVAL;
		const char *data = hend + 2;
		const char *next = find(data, (size_t)(end - data), delim, dlen);
		if (!next) {
			snprintf(err, cap,
				 "multipart part %zu: no closing delimiter (the body must end with"
				 " --%s--)",
				 index, b);
			return EB_EINVAL;
		}
		size_t dsz = (size_t)(next - data);
		p = next + dlen;
		if (index == 0) {
			if (!h.has_ct || strncasecmp(h.content_type, "application/json", 16) != 0) {
				snprintf(err, cap,
					 "multipart part 0: the statements part must be"
					 " Content-Type application/json");
				return EB_EINVAL;
			}
			*json = data;
			*json_len = dsz;
			index++;
			continue;
		}
		if (out->n == XAPI_ATTACH_MAX_PARTS) {
			snprintf(err, cap, "more than %d attachment parts", XAPI_ATTACH_MAX_PARTS);
			return EB_ETOOBIG;
		}
		if (dsz > XAPI_ATTACH_MAX_PART) {
			snprintf(err, cap, "multipart part %zu: %zu bytes, over the limit of %zu",
				 index, dsz, XAPI_ATTACH_MAX_PART);
			return EB_ETOOBIG;
		}
		if (!h.has_hash) {
			snprintf(err, cap, "multipart part %zu: no X-Experience-API-Hash header",
				 index);
			return EB_EINVAL;
		}
		if (!h.has_cte || strcasecmp(h.cte, "binary") != 0) {
			snprintf(err, cap,
				 "multipart part %zu: Content-Transfer-Encoding must be binary",
				 index);
			return EB_EINVAL;
		}
		size_t hl = strlen(h.hash);
		char got[129];
		if (!(hl == 56 || hl == 64 || hl == 96 || hl == 128) || !is_hex_str(h.hash, hl)) {
			snprintf(err, cap,
				 "multipart part %zu: X-Experience-API-Hash must be a SHA-2 in hex",
				 index);
			return EB_EINVAL;
		}
		struct xapi_part *xp = &out->p[out->n];
		lower_copy(xp->hash, sizeof xp->hash, h.hash, hl);
		if (!sha2_hex(data, dsz, hl, got) || strcmp(got, xp->hash) != 0) {
			snprintf(err, cap,
				 "multipart part %zu: X-Experience-API-Hash %s does not match the"
				 " part's bytes",
				 index, xp->hash);
			return EB_EINVAL;
		}
		xp->data = data;
		xp->len = dsz;
		str_copy(xp->content_type, sizeof xp->content_type, h.content_type);
		xp->used = false;
		out->n++;
		index++;
		if (out->n == cap_parts) {
			out->p = arena_grow(a, out->p, out->n, &cap_parts, sizeof *out->p, 8);
			if (!out->p)
				return EB_ENOMEM;
		}
	}
	if (index == 0) {
		snprintf(err, cap, "multipart body: no statements part");
		return EB_EINVAL;
	}
	return EB_OK;
}

static struct xapi_part *part_for(struct xapi_parts *parts, const char *sha2)
{
	char want[129];
	if (!parts || !sha2)
		return NULL;
	lower_copy(want, sizeof want, sha2, strlen(sha2));
	for (size_t i = 0; i < parts->n; i++)
		if (strcmp(parts->p[i].hash, want) == 0)
			return &parts->p[i];
	return NULL;
}

/* The media type of a Content-Type (before any parameter), compared
 * without case. */
static bool same_media_type(const char *x, const char *y)
{
	size_t nx = strcspn(x, "; \t"), ny = strcspn(y, "; \t");
	return nx == ny && strncasecmp(x, y, nx) == 0;
}

enum eb_err xapi_attach_check(struct arena *a, struct jv *stmt, struct xapi_parts *parts,
			      const char *path, char *err, size_t cap)
{
	struct jv *atts = jv_get(stmt, "attachments");
	if (!atts)
		return EB_OK;
	size_t i;
	struct jv *att;
	jv_array_foreach(atts, i, att)
	{
		const char *usage = jv_str(jv_get(att, "usageType"));
		const char *sha2 = jv_str(jv_get(att, "sha2"));
		const char *ctype = jv_str(jv_get(att, "contentType"));
		bool has_url = jv_get(att, "fileUrl") != NULL;
		bool sig = usage && strcmp(usage, XAPI_SIGNATURE_USAGE) == 0;
		struct xapi_part *part = part_for(parts, sha2);
		if (sig && (!ctype || strcasecmp(ctype, "application/octet-stream") != 0)) {
			snprintf(err, cap,
				 "%s.attachments[%zu].contentType: a signature attachment must be"
				 " application/octet-stream",
				 path, i);
			return EB_EINVAL;
		}
		if (!part && (sig || !has_url)) {
			if (!parts || !parts->multipart)
				snprintf(
					err, cap,
					"%s.attachments[%zu]: an attachment without fileUrl%s needs"
					" its bytes: send the statements as multipart/mixed with a"
					" part whose X-Experience-API-Hash is its sha2",
					path, i, sig ? " (and every signature)" : "");
			else
				snprintf(err, cap,
					 "%s.attachments[%zu].sha2: no part of the request has this"
					 " hash%s",
					 path, i, sig ? " (a signature must come as a part)" : "");
			return EB_EINVAL;
		}
		if (!part)
			continue;
		part->used = true;
		struct jv *length = jv_get(att, "length");
		if ((uint64_t)jv_int(length) != part->len) {
			snprintf(err, cap,
				 "%s.attachments[%zu].length: %lld, but its part has %zu bytes",
				 path, i, (long long)jv_int(length), part->len);
			return EB_EINVAL;
		}
		if (part->content_type[0] && ctype && !same_media_type(part->content_type, ctype)) {
			snprintf(err, cap,
				 "%s.attachments[%zu].contentType: %s, but its part says %s", path,
				 i, ctype, part->content_type);
			return EB_EINVAL;
		}
		if (sig) {
			char where[64];
			snprintf(where, sizeof where, "%s.attachments[%zu]", path, i);
			enum eb_err rc =
				xapi_sig_verify(a, stmt, part->data, part->len, where, err, cap);
			if (rc)
				return rc;
		}
	}
	return EB_OK;
}

enum eb_err xapi_attach_check_unused(const struct xapi_parts *parts, char *err, size_t cap)
{
	for (size_t i = 0; parts && i < parts->n; i++) {
		bool used = parts->p[i].used;
		/* a second copy of a matched part is the same attachment */
		for (size_t k = 0; k < parts->n && !used; k++)
			used = parts->p[k].used && !strcmp(parts->p[k].hash, parts->p[i].hash);
		if (!used) {
			snprintf(err, cap,
				 "multipart part %zu (X-Experience-API-Hash %s) is not the sha2 of"
				 " any attachment of the statements",
				 i + 1, parts->p[i].hash);
			return EB_EINVAL;
		}
	}
	return EB_OK;
}

enum eb_err xapi_attach_store(struct db *db, int64_t district_id, int64_t tool_id,
			      const struct xapi_parts *parts, int64_t stored_ms)
{
	for (size_t i = 0; parts && i < parts->n; i++) {
		const struct xapi_part *p = &parts->p[i];
		enum eb_err rc = xapi_attachment_put(
			db, district_id, tool_id, p->hash,
			p->content_type[0] ? p->content_type : "application/octet-stream", p->data,
			p->len, stored_ms);
		if (rc)
			return rc;
	}
	return EB_OK;
}

/* ---- answers ------------------------------------------------------------ */

struct answer {
	struct db *db;
	int64_t district_id, tool_id;
	struct arena *a;
	struct buf *b;
	const char *boundary;
	char (*seen)[129];
	size_t nseen, cap_seen;
	enum eb_err rc;
};

static void answer_statement(struct answer *an, const struct jv *stmt)
{
	size_t i;
	struct jv *att;
	struct jv *atts = jv_get(stmt, "attachments");
	jv_array_foreach(atts, i, att)
	{
		const char *sha2 = jv_str(jv_get(att, "sha2"));
		char h[129];
		if (!sha2 || an->rc)
			continue;
		lower_copy(h, sizeof h, sha2, strlen(sha2));
		bool dup = false;
		for (size_t k = 0; k < an->nseen && !dup; k++)
			dup = strcmp(an->seen[k], h) == 0;
		if (dup)
			continue;
		if (an->nseen == an->cap_seen) {
			an->seen = arena_grow(an->a, an->seen, an->nseen, &an->cap_seen,
					      sizeof an->seen[0], 16);
			if (!an->seen) {
				an->rc = EB_ENOMEM;
				return;
			}
		}
		memcpy(an->seen[an->nseen++], h, sizeof h);
		const void *data = NULL;
		size_t len = 0;
		const char *ct = NULL;
		enum eb_err rc = xapi_attachment_get(an->db, an->district_id, an->tool_id, h, an->a,
						     &data, &len, &ct);
		if (rc == EB_ENOTFOUND)
			continue; /* a fileUrl attachment: its bytes are elsewhere */
		if (rc) {
			an->rc = rc;
			return;
		}
		buf_printf(an->b,
			   "\r\n--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: binary\r\n"
			   "X-Experience-API-Hash: %s\r\n\r\n",
			   an->boundary, ct, h);
		buf_put(an->b, data, len);
	}
}

enum eb_err xapi_attach_answer(struct db *db, int64_t district_id, int64_t tool_id,
			       struct xapi_result *out, char *content_type, size_t cap)
{
	struct arena a;
	struct buf b = BUF_INIT;
	struct jv_error je;
	unsigned char rnd[16];
	char boundary[40];
	static const char hx[] = "0123456789abcdef";
	if (out->rc != EB_OK || !out->body)
		return EB_OK;
	randombytes_buf(rnd, sizeof rnd);
	memcpy(boundary, "xapi-", 5);
	for (size_t i = 0; i < sizeof rnd; i++) {
		boundary[5 + 2 * i] = hx[rnd[i] >> 4];
		boundary[6 + 2 * i] = hx[rnd[i] & 15];
	}
	boundary[5 + 2 * sizeof rnd] = '\0';
	arena_init(&a);
	buf_init(&b, (size_t)32 << 20);
	enum eb_err rc = EB_OK;
	struct jv *root = jv_parse(&a, out->body, out->body_len, &je);
	if (!root) {
		rc = EB_ENOMEM;
		goto out;
	}
	buf_printf(&b, "--%s\r\nContent-Type: application/json\r\n\r\n", boundary);
	buf_put(&b, out->body, out->body_len);
	struct answer an = { db, district_id, tool_id, &a, &b, boundary, NULL, 0, 0, EB_OK };
	struct jv *list = jv_get(root, "statements");
	if (list) {
		size_t i;
		struct jv *s;
		jv_array_foreach(list, i, s) answer_statement(&an, s);
	} else {
		answer_statement(&an, root);
	}
	buf_printf(&b, "\r\n--%s--\r\n", boundary);
	if ((rc = an.rc))
		goto out;
	if (buf_failed(&b)) {
		rc = EB_ENOMEM;
		goto out;
	}
	free(out->body);
	out->body = buf_detach(&b, &out->body_len);
	snprintf(content_type, cap, "multipart/mixed; boundary=%s", boundary);
out:
	buf_free(&b);
	arena_free(&a);
	return rc;
}
