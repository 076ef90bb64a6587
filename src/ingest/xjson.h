/* xjson.h - a small, strict JSON reader into an arena, for the xAPI hot path.
 *
 * One parse copies the input once into the arena and decodes strings in
 * place; nodes live in contiguous arrays in the arena (no per-node malloc,
 * nothing to free but the arena). It accepts exactly RFC 8259 JSON with the
 * rules jansson applies with JSON_REJECT_DUPLICATES: valid UTF-8, no \u0000,
 * no lone surrogates, integers that fit int64_t, finite reals, no duplicate
 * object keys, nothing but whitespace after the value; nesting is capped at
 * XJ_MAX_DEPTH. Object members keep their order of arrival.
 *
 * Accessors are NULL-safe like jansson's: xj_get(NULL, "k") is NULL,
 * xj_str() of a non-string is NULL, iterating a non-array does nothing. */
#ifndef EB_XJSON_H
#define EB_XJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;

#define XJ_MAX_DEPTH 512

enum xj_type { XJ_NULL, XJ_FALSE, XJ_TRUE, XJ_INT, XJ_REAL, XJ_STRING, XJ_ARRAY, XJ_OBJECT };

struct xj_member;

struct xj {
	enum xj_type type;
	uint32_t n;		/* string: bytes; number: lexeme bytes; array/object: count */
	union {
		const char *s;	/* string: decoded, NUL-terminated; number: lexeme (not terminated) */
		struct xj *items; /* array: n nodes */
		struct xj_member *members; /* object: n members */
	} u;
	double num;		/* XJ_INT and XJ_REAL */
	int64_t i;		/* XJ_INT */
};

struct xj_member {
	const char *key;	/* decoded, NUL-terminated */
	uint32_t klen;
	struct xj val;
};

/* Parse failure: 1-based line and column (bytes) and a reason. */
struct xj_error {
	int line, column;
	char text[96];
};

/* Parses len bytes of json into nodes allocated from a. Returns the root or
 * NULL with *e filled (bad JSON) or NULL with e->line 0 (out of memory). */
struct xj *xj_parse(struct arena *a, const char *json, size_t len, struct xj_error *e);

/* Object member value by key, or NULL. */
struct xj *xj_get(const struct xj *o, const char *key);

/* Replaces (or appends) member key of object o with v (copied); key is
 * borrowed and must outlive the tree. false when o is not an object or on
 * out of memory. Pointers to o's old members become stale. */
bool xj_set(struct arena *a, struct xj *o, const char *key, const struct xj *v);

/* Removes member key of object o if present. */
void xj_del(struct xj *o, const char *key);

/* A string node for s (borrowed). */
struct xj xj_string(const char *s);

/* Replaces *v by a one-element array holding the old value. */
bool xj_wrap_array(struct arena *a, struct xj *v);

/* Deep equality (numbers by value, objects regardless of member order). */
bool xj_equal(const struct xj *x, const struct xj *y);

/* Appends compact JSON with object keys sorted bytewise (the canonical form
 * used for content hashes); at the top level only, members named in skip
 * (NULL-terminated list, may be NULL) are left out. Numbers keep the lexeme
 * they arrived with. */
void xj_dump_sorted(const struct xj *v, struct buf *out, const char *const *skip);

static inline bool xj_is_string(const struct xj *v) { return v && v->type == XJ_STRING; }
static inline bool xj_is_object(const struct xj *v) { return v && v->type == XJ_OBJECT; }
static inline bool xj_is_array(const struct xj *v) { return v && v->type == XJ_ARRAY; }
static inline bool xj_is_boolean(const struct xj *v)
{
	return v && (v->type == XJ_TRUE || v->type == XJ_FALSE);
}
static inline bool xj_is_true(const struct xj *v) { return v && v->type == XJ_TRUE; }
static inline bool xj_is_null(const struct xj *v) { return v && v->type == XJ_NULL; }
static inline bool xj_is_number(const struct xj *v)
{
	return v && (v->type == XJ_INT || v->type == XJ_REAL);
}
static inline bool xj_is_integer(const struct xj *v) { return v && v->type == XJ_INT; }
static inline const char *xj_str(const struct xj *v) { return xj_is_string(v) ? v->u.s : NULL; }
static inline double xj_num(const struct xj *v) { return xj_is_number(v) ? v->num : 0; }
static inline int64_t xj_int(const struct xj *v) { return xj_is_integer(v) ? v->i : 0; }
static inline size_t xj_size(const struct xj *v)
{
	return v && (v->type == XJ_ARRAY || v->type == XJ_OBJECT) ? v->n : 0;
}
static inline struct xj *xj_at(const struct xj *a, size_t i)
{
	return xj_is_array(a) && i < a->n ? &a->u.items[i] : NULL;
}

#define XJ_CAT2_(a, b) a##b
#define XJ_CAT_(a, b) XJ_CAT2_(a, b)

/* for (each index i, element v of array a) */
#define xj_array_foreach(a, i, v) \
	for ((i) = 0; (i) < xj_size(xj_is_array(a) ? (a) : NULL) && ((v) = &(a)->u.items[i], 1); (i)++)

/* for (each key k, value v of object o), in arrival order */
#define xj_object_foreach(o, k, v) XJ_OFE_(o, k, v, XJ_CAT_(xj_i_, __LINE__))
#define XJ_OFE_(o, k, v, ix)                                                              \
	for (size_t ix = 0; ix < xj_size(xj_is_object(o) ? (o) : NULL) &&                \
			    ((k) = (o)->u.members[ix].key, (v) = &(o)->u.members[ix].val, 1); \
	     ix++)

#endif
