#include "base/hashset.h"

#include <stdlib.h>
#include <string.h>

void hs_init(struct hashset *h)
{
	h->slots = NULL;
	h->cap = 0;
	h->count = 0;
}

void hs_free(struct hashset *h)
{
	free(h->slots);
	hs_init(h);
}

uint32_t hs_hash(const char *p, size_t n)
{
	uint64_t x = 0x9E3779B97F4A7C15ull ^ n;
	for (size_t i = 0; i < n; i++) {
		x ^= (unsigned char)p[i];
		x *= 0x100000001B3ull;
	}
	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 32;
	return (uint32_t)x;
}

static struct hs_slot *hs_find(const struct hashset *h, const char *p, size_t n, uint32_t hash)
{
	size_t mask = h->cap - 1;
	for (size_t i = hash & mask;; i = (i + 1) & mask) {
		struct hs_slot *s = &h->slots[i];
		if (!s->p)
			return s;
		if (s->hash == hash && s->n == n && memcmp(s->p, p, n) == 0)
			return s;
	}
}

static enum eb_err hs_grow(struct hashset *h)
{
	size_t ncap = h->cap ? h->cap * 2 : 64;
	struct hs_slot *ns = calloc(ncap, sizeof *ns);
	if (!ns)
		return EB_ENOMEM;
	struct hashset nh = { ns, ncap, h->count };
	for (size_t i = 0; i < h->cap; i++) {
		struct hs_slot *s = &h->slots[i];
		if (s->p)
			*hs_find(&nh, s->p, s->n, s->hash) = *s;
	}
	free(h->slots);
	*h = nh;
	return EB_OK;
}

static const char hs_empty_key[1] = "";

enum eb_err hs_put(struct hashset *h, struct str key, int32_t val, int32_t *old)
{
	if (key.n > UINT32_MAX)
		return EB_ETOOBIG;
	if ((h->count + 1) * 4 > h->cap * 3) {
		enum eb_err rc = hs_grow(h);
		if (rc)
			return rc;
	}
	uint32_t hash = hs_hash(key.p, key.n);
	struct hs_slot *s = hs_find(h, key.p ? key.p : hs_empty_key, key.n, hash);
	if (s->p) {
		if (old)
			*old = s->val;
		return EB_EEXIST;
	}
	s->p = key.p ? key.p : hs_empty_key;
	s->n = (uint32_t)key.n;
	s->hash = hash;
	s->val = val;
	h->count++;
	return EB_OK;
}

enum eb_err hs_set(struct hashset *h, struct str key, int32_t val)
{
	enum eb_err rc = hs_put(h, key, val, NULL);
	if (rc == EB_EEXIST) {
		struct hs_slot *s =
			hs_find(h, key.p ? key.p : hs_empty_key, key.n, hs_hash(key.p, key.n));
		s->val = val;
		return EB_OK;
	}
	return rc;
}

bool hs_get(const struct hashset *h, struct str key, int32_t *val)
{
	if (!h->cap || key.n > UINT32_MAX)
		return false;
	struct hs_slot *s = hs_find(h, key.p ? key.p : hs_empty_key, key.n, hs_hash(key.p, key.n));
	if (!s->p)
		return false;
	if (val)
		*val = s->val;
	return true;
}
