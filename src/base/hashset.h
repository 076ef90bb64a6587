/* hashset.h - open-addressing set of byte strings with a small value per key.
 *
 * Keys are views (pointer, length) that the set does NOT copy: they must stay
 * valid while the set is used (point them into a file buffer or an arena).
 * Used by importers for duplicate and reference checks over millions of ids. */
#ifndef EB_HASHSET_H
#define EB_HASHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/str.h"

struct hs_slot {
	const char *p;
	uint32_t n;
	uint32_t hash;
	int32_t val;
};

struct hashset {
	struct hs_slot *slots;
	size_t cap; /* power of two, or 0 */
	size_t count;
};

void hs_init(struct hashset *h);
void hs_free(struct hashset *h);
/* 32-bit FNV-1a style hash of the bytes (exposed for tests). */
uint32_t hs_hash(const char *p, size_t n);
/* Inserts key with value val. Returns EB_OK when added, EB_EEXIST when the
 * key was already there (then *old, if given, receives its value and the
 * value is left unchanged), EB_ENOMEM when growing failed, EB_ETOOBIG for a key
 * over 4 GiB. */
enum eb_err hs_put(struct hashset *h, struct str key, int32_t val, int32_t *old);
/* Sets the value of an existing key or adds it. */
enum eb_err hs_set(struct hashset *h, struct str key, int32_t val);
/* True when present; *val (if given) receives the value. */
bool hs_get(const struct hashset *h, struct str key, int32_t *val);
/* Iteration: i from 0 while i < h->cap; slots with p == NULL are empty. */

#endif
