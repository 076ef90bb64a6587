/* arena.h - region allocator: every request, import batch and job owns one.
 *
 * Allocations live until arena_free(); there is no per-object free. Chunks
 * grow geometrically; large requests get a chunk of their own. All functions
 * return NULL only when malloc fails. */
#ifndef EB_ARENA_H
#define EB_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t chunk_size; /* next chunk's size */
	size_t total;	   /* bytes handed out, for accounting */
};

void arena_init(struct arena *a);
/* Releases every chunk; the arena may be used again afterwards. */
void arena_free(struct arena *a);
/* Releases all but the first chunk and resets it: cheap reuse between requests. */
void arena_reset(struct arena *a);

/* Uninitialised memory aligned for any type. */
void *arena_alloc(struct arena *a, size_t n);
/* Zeroed memory. */
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Copies n bytes of p and a terminating NUL. */
char *arena_strndup(struct arena *a, const char *p, size_t n);
/* Room for one more element of an array that lives in the arena: when
 * used == *cap the array moves to a new block of twice the capacity (first
 * elements when empty) and the new address is returned; otherwise arr
 * itself. NULL when the arena cannot grow (arr is still valid). */
void *arena_grow(struct arena *a, void *arr, size_t used, size_t *cap, size_t elem, size_t first);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
