/* xapi_canon.c - a validated statement made ready to store (xapi_canon.h). */
#include "ingest/xapi_canon.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/str.h"
#include "ingest/xapi_validate.h"

/* A fresh statement id: UUID version 7 (RFC 9562), 48 bits of Unix
 * milliseconds, a 12-bit sequence within the millisecond (RFC 9562 method 1,
 * shared by the process's threads), then 62 random bits. Ids the server
 * assigns are therefore increasing, so the id indexes grow at their tail
 * (full pages, one dirty page per batch) instead of touching a random leaf
 * page per statement. */
static _Atomic uint64_t uuid_last; /* ms << 12 | sequence of the last id */

static void uuid_v7(char out[37])
{
	unsigned char b[16];
	if (sodium_init() < 0)
		abort(); /* no entropy source: nothing sensible to continue with */
	randombytes_buf(b, sizeof b);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t now = ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) << 12;
	uint64_t last = atomic_load(&uuid_last), next;
	do /* a sequence overflow borrows from the next millisecond: still unique, ordered */
		next = now > last ? now : last + 1;
	while (!atomic_compare_exchange_weak(&uuid_last, &last, next));
	uint64_t ms = next >> 12;
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | ((next >> 8) & 0x0f));
	b[7] = (unsigned char)(next & 0xff);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	static const char hx[] = "0123456789abcdef";
	int o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hx[b[i] >> 4];
		out[o++] = hx[b[i] & 15];
	}
	out[o] = '\0';
}

/* Canonical content: sorted, compact JSON without the LRS-set properties
 * (stored, authority, version), which the spec lets differ between two
 * sendings of one statement. Removes them from stmt; returns the text
 * (in a) and its SHA-256 in hex. */
static char *canonical(struct arena *a, struct buf *tmp, struct jv *stmt, bool lrs_timestamp,
		       size_t *len, char hash[65])
{
	jv_del(stmt, "stored");
	jv_del(stmt, "authority");
	jv_del(stmt, "version");
	buf_reset(tmp);
	/* a timestamp the LRS filled in (= stored) is not content: the same
	 * statement sent again without one is the same statement */
	static const char *const no_ts[] = { "timestamp", NULL };
	unsigned char h[crypto_hash_sha256_BYTES];
	if (lrs_timestamp) {
		jv_dump_sorted(stmt, tmp, no_ts);
		if (buf_failed(tmp))
			return NULL;
		crypto_hash_sha256(h, (const unsigned char *)tmp->data, tmp->len);
		buf_reset(tmp);
	}
	jv_dump_sorted(stmt, tmp, NULL);
	if (buf_failed(tmp))
		return NULL;
	if (!lrs_timestamp)
		crypto_hash_sha256(h, (const unsigned char *)tmp->data, tmp->len);
	sodium_bin2hex(hash, 65, h, sizeof h);
	*len = tmp->len;
	return arena_strndup(a, tmp->data, tmp->len);
}

enum eb_err xapi_canon_prepare(struct arena *a, struct buf *tmp, struct jv *stmt,
			       enum xapi_version v, const char *stored, struct xapi_prepared *p)
{
	p->stmt = stmt;
	const char *id = jv_str(jv_get(stmt, "id"));
	if (id) {
		xapi_uuid_lower(p->id, id);
	} else {
		uuid_v7(p->id);
		p->generated_id = true;
	}
	struct jv idv = jv_string(p->id), tsv = jv_string(stored);
	bool lrs_timestamp = !jv_get(stmt, "timestamp");
	if (!jv_set(a, stmt, "id", &idv) || (lrs_timestamp && !jv_set(a, stmt, "timestamp", &tsv)))
		return EB_ENOMEM;
	const char *ver = jv_str(jv_get(stmt, "version"));
	str_copy(p->version, sizeof p->version, ver ? ver : v == XAPI_V2 ? "2.0.0" : "1.0.0");
	if (!(p->canon = canonical(a, tmp, stmt, lrs_timestamp, &p->canon_len, p->hash)))
		return EB_ENOMEM;
	p->voiding = xapi_is_voiding(stmt);
	p->voids[0] = '\0';
	p->target[0] = '\0';
	struct jv *obj = jv_get(stmt, "object");
	const char *ot = xapi_object_type(obj);
	if (ot && !strcmp(ot, "StatementRef")) {
		const char *t = jv_str(jv_get(obj, "id"));
		xapi_uuid_lower(p->target, t ? t : "");
	}
	if (p->voiding)
		str_copy(p->voids, sizeof p->voids, p->target);
	return EB_OK;
}

void xapi_canon_stored_json(struct buf *b, const struct xapi_prepared *p, int64_t tool_id,
			    const char *stored)
{
	buf_put(b, p->canon, p->canon_len - 1); /* without the closing brace */
	buf_printf(
		b,
		",\"authority\":{\"objectType\":\"Agent\",\"account\":{\"homePage\":"
		"\"urn:edbridge:tool\",\"name\":\"%lld\"}},\"stored\":\"%s\",\"version\":\"%s\"}",
		(long long)tool_id, stored, p->version);
}
