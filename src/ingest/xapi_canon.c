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

/* ---- the comparison form ------------------------------------------------ */

/* xAPI Data 2.3.1 (1.0.3; 2.0 keeps it): two sendings of one statement are
 * the same statement when they differ only by the exceptions to statement
 * immutability, which "MUST be ignored" when statements are compared: the
 * properties the LRS sets (id, authority, stored, timestamp when the LRS
 * filled it in, version), activity definitions and verb displays (not part
 * of the statement), the serialization of timestamps (the same instant in
 * another zone or precision), the order of a group's members, and the case
 * of case-insensitive values (UUIDs, language codes). cmp_stmt builds a copy
 * of the tree with those differences taken out (sharing every unchanged
 * node); its sorted dump is hashed. Timestamps compare to the millisecond,
 * the precision the LRS keeps. */

/* A shallow copy of object o less the members named in drop (NULL-ended). */
static struct jv *obj_less(struct arena *a, const struct jv *o, const char *const *drop)
{
	struct jv *c = arena_alloc(a, sizeof *c);
	struct jv_member *m = o->n ? arena_alloc(a, o->n * sizeof *m) : NULL;
	if (!c || (o->n && !m))
		return NULL;
	*c = *o;
	c->u.members = m;
	c->n = 0;
	for (uint32_t i = 0; i < o->n; i++) {
		bool dropped = false;
		for (const char *const *d = drop; d && *d && !dropped; d++)
			dropped = !strcmp(o->u.members[i].key, *d);
		if (!dropped)
			m[c->n++] = o->u.members[i];
	}
	return c;
}

/* Sets member key of object o (a copy made by obj_less) to *v; false when
 * v is NULL (out of memory where it was made). */
static bool put(struct arena *a, struct jv *o, const char *key, const struct jv *v)
{
	return v && jv_set(a, o, key, v);
}

/* A string node holding s lowered (UUIDs, language codes). */
static struct jv *lowered(struct arena *a, const struct jv *v)
{
	if (!jv_is_string(v))
		return (struct jv *)v;
	char *t = arena_strndup(a, v->u.s, v->n);
	struct jv *c = arena_alloc(a, sizeof *c);
	if (!t || !c)
		return NULL;
	for (char *q = t; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	*c = jv_string(t);
	return c;
}

/* A timestamp as the UTC instant to the millisecond. */
static struct jv *instant(struct arena *a, const struct jv *v)
{
	int64_t ms;
	if (!jv_is_string(v) || !xapi_parse_timestamp(jv_str(v), &ms))
		return (struct jv *)v;
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int milli = (int)(ms - (int64_t)t * 1000);
	struct tm tm;
	char out[40];
	if (!gmtime_r(&t, &tm))
		return (struct jv *)v;
	size_t n = strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, sizeof out - n, ".%03dZ", milli);
	char *keep = arena_strndup(a, out, strlen(out));
	struct jv *c = arena_alloc(a, sizeof *c);
	if (!keep || !c)
		return NULL;
	*c = jv_string(keep);
	return c;
}

/* An Activity without its definition. */
static struct jv *activity(struct arena *a, const struct jv *v)
{
	static const char *const drop[] = { "definition", NULL };
	return jv_is_object(v) ? obj_less(a, v, drop) : (struct jv *)v;
}

static int cmp_dumped(const void *x, const void *y)
{
	const struct jv *const *p = x, *const *q = y;
	return strcmp((*p)->u.s, (*q)->u.s);
}

/* An Agent or Group; a Group's members in a fixed order (by their sorted
 * dump), since "the list of Agents in a Group is not an ordered list". */
static struct jv *actor(struct arena *a, struct buf *tmp, const struct jv *v)
{
	struct jv *members = jv_get(v, "member");
	if (!jv_is_array(members) || members->n < 2)
		return (struct jv *)v;
	/* sort string nodes holding each member's dump, then rebuild */
	struct jv **keyed = arena_alloc(a, members->n * sizeof *keyed);
	struct jv *items = arena_alloc(a, members->n * sizeof *items);
	if (!keyed || !items)
		return NULL;
	for (uint32_t i = 0; i < members->n; i++) {
		buf_reset(tmp);
		jv_dump_sorted(&members->u.items[i], tmp, NULL);
		if (buf_failed(tmp))
			return NULL;
		struct jv *k = arena_alloc(a, 2 * sizeof *k);
		char *d = arena_strndup(a, tmp->data, tmp->len);
		if (!k || !d)
			return NULL;
		k[0] = jv_string(d);
		k[1] = members->u.items[i];
		keyed[i] = k;
	}
	qsort(keyed, members->n, sizeof *keyed, cmp_dumped);
	for (uint32_t i = 0; i < members->n; i++)
		items[i] = keyed[i][1];
	struct jv arr = *members;
	arr.u.items = items;
	struct jv *c = obj_less(a, v, NULL);
	return c && jv_set(a, c, "member", &arr) ? c : NULL;
}

/* A list of activities (contextActivities' values: an array, or in 1.0.x
 * a single object). */
static struct jv *activities(struct arena *a, const struct jv *v)
{
	if (jv_is_object(v))
		return activity(a, v);
	if (!jv_is_array(v))
		return (struct jv *)v;
	struct jv *items = v->n ? arena_alloc(a, v->n * sizeof *items) : NULL;
	struct jv *c = arena_alloc(a, sizeof *c);
	if (!c || (v->n && !items))
		return NULL;
	for (uint32_t i = 0; i < v->n; i++) {
		struct jv *x = activity(a, &v->u.items[i]);
		if (!x)
			return NULL;
		items[i] = *x;
	}
	*c = *v;
	c->u.items = items;
	return c;
}

/* 2.0 contextAgents / contextGroups: each entry's agent or group. */
static struct jv *context_actors(struct arena *a, struct buf *tmp, const struct jv *v,
				 const char *key)
{
	if (!jv_is_array(v))
		return (struct jv *)v;
	struct jv *items = v->n ? arena_alloc(a, v->n * sizeof *items) : NULL;
	struct jv *c = arena_alloc(a, sizeof *c);
	if (!c || (v->n && !items))
		return NULL;
	for (uint32_t i = 0; i < v->n; i++) {
		const struct jv *e = &v->u.items[i];
		struct jv *who = jv_get(e, key);
		struct jv *x = who ? obj_less(a, e, NULL) : (struct jv *)e;
		struct jv *n = who ? actor(a, tmp, who) : NULL;
		if (!x || (who && (!n || !jv_set(a, x, key, n))))
			return NULL;
		items[i] = *x;
	}
	*c = *v;
	c->u.items = items;
	return c;
}

static struct jv *context(struct arena *a, struct buf *tmp, const struct jv *v)
{
	if (!jv_is_object(v))
		return (struct jv *)v;
	struct jv *c = obj_less(a, v, NULL);
	if (!c)
		return NULL;
	struct jv *reg = jv_get(v, "registration"), *lang = jv_get(v, "language");
	struct jv *ins = jv_get(v, "instructor"), *team = jv_get(v, "team");
	struct jv *ref = jv_get(v, "statement"), *cas = jv_get(v, "contextActivities");
	struct jv *cag = jv_get(v, "contextAgents"), *cgr = jv_get(v, "contextGroups");
	if ((reg && !put(a, c, "registration", lowered(a, reg))) ||
	    (lang && !put(a, c, "language", lowered(a, lang))) ||
	    (ins && !put(a, c, "instructor", actor(a, tmp, ins))) ||
	    (team && !put(a, c, "team", actor(a, tmp, team))))
		return NULL;
	if (jv_is_object(ref)) {
		struct jv *r = obj_less(a, ref, NULL);
		struct jv *id = jv_get(ref, "id");
		if (!r || (id && !put(a, r, "id", lowered(a, id))) || !jv_set(a, c, "statement", r))
			return NULL;
	}
	if (jv_is_object(cas)) {
		struct jv *cc = obj_less(a, cas, NULL);
		if (!cc)
			return NULL;
		for (uint32_t i = 0; i < cas->n; i++)
			if (!put(a, cc, cas->u.members[i].key,
				 activities(a, &cas->u.members[i].val)))
				return NULL;
		if (!jv_set(a, c, "contextActivities", cc))
			return NULL;
	}
	if ((cag && !put(a, c, "contextAgents", context_actors(a, tmp, cag, "agent"))) ||
	    (cgr && !put(a, c, "contextGroups", context_actors(a, tmp, cgr, "group"))))
		return NULL;
	return c;
}

/* The statement (or SubStatement) with the exceptions taken out. */
static struct jv *cmp_stmt(struct arena *a, struct buf *tmp, const struct jv *s,
			   bool drop_timestamp)
{
	static const char *const lrs_set[] = { "id", "authority", "stored", "version", NULL };
	static const char *const lrs_set_ts[] = { "id",	     "authority", "stored",
						  "version", "timestamp", NULL };
	static const char *const verb_drop[] = { "display", NULL };
	struct jv *c = obj_less(a, s, drop_timestamp ? lrs_set_ts : lrs_set);
	if (!c)
		return NULL;
	struct jv *ts = jv_get(c, "timestamp"), *verb = jv_get(s, "verb");
	struct jv *act = jv_get(s, "actor"), *obj = jv_get(s, "object");
	struct jv *ctx = jv_get(s, "context");
	if ((ts && !put(a, c, "timestamp", instant(a, ts))) ||
	    (jv_is_object(verb) && !put(a, c, "verb", obj_less(a, verb, verb_drop))) ||
	    (act && !put(a, c, "actor", actor(a, tmp, act))) ||
	    (ctx && !put(a, c, "context", context(a, tmp, ctx))))
		return NULL;
	if (jv_is_object(obj)) {
		const char *ot = xapi_object_type(obj);
		struct jv *o = (struct jv *)obj;
		if (!ot || !strcmp(ot, "Activity")) {
			o = activity(a, obj);
		} else if (!strcmp(ot, "Agent") || !strcmp(ot, "Group")) {
			o = actor(a, tmp, obj);
		} else if (!strcmp(ot, "SubStatement")) {
			o = cmp_stmt(a, tmp, obj, false);
		} else if (!strcmp(ot, "StatementRef")) {
			struct jv *id = jv_get(obj, "id");
			o = obj_less(a, obj, NULL);
			if (o && id && !put(a, o, "id", lowered(a, id)))
				return NULL;
		}
		if (!o || !jv_set(a, c, "object", o))
			return NULL;
	}
	return c;
}

enum eb_err xapi_canon_compare_hash(struct arena *a, struct buf *tmp, const struct jv *stmt,
				    bool drop_timestamp, char hash[65])
{
	struct jv *c = cmp_stmt(a, tmp, stmt, drop_timestamp);
	if (!c)
		return EB_ENOMEM;
	buf_reset(tmp);
	jv_dump_sorted(c, tmp, NULL);
	if (buf_failed(tmp))
		return EB_ENOMEM;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)tmp->data, tmp->len);
	sodium_bin2hex(hash, 65, h, sizeof h);
	return EB_OK;
}

/* Canonical content: sorted, compact JSON without the LRS-set properties
 * (stored, authority, version). Removes them from stmt; returns the text
 * (in a). The hash is the comparison form's (xapi_canon_compare_hash). */
static char *canonical(struct arena *a, struct buf *tmp, struct jv *stmt, size_t *len)
{
	jv_del(stmt, "stored");
	jv_del(stmt, "authority");
	jv_del(stmt, "version");
	buf_reset(tmp);
	jv_dump_sorted(stmt, tmp, NULL);
	if (buf_failed(tmp))
		return NULL;
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
	p->lrs_timestamp = lrs_timestamp;
	if (!(p->canon = canonical(a, tmp, stmt, &p->canon_len)))
		return EB_ENOMEM;
	/* a timestamp the LRS filled in (= stored) is not content: the same
	 * statement sent again without one is the same statement */
	if (xapi_canon_compare_hash(a, tmp, stmt, lrs_timestamp, p->hash))
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
