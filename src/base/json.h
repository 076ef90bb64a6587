/* json.h - the one JSON reader of edbridge: small, strict, into an arena.
 *
 * Both ingest paths read their bodies with it (xAPI statements, Caliper
 * envelopes), and the xAPI GET cursor is read back with it. The prefix is
 * jv_ ("JSON value") because jansson, which still writes some JSON, owns
 * json_ (docs/json.md says which library is used where).
 *
 * One parse copies the input once into the arena and decodes strings in
 * place; nodes live in contiguous arrays in the arena (no per-node malloc,
 * nothing to free but the arena). It accepts exactly RFC 8259 JSON with the
 * rules jansson applies with JSON_REJECT_DUPLICATES | JSON_DECODE_ANY: valid
 * UTF-8, no \u0000, no lone surrogates, integers that fit int64_t, finite
 * reals, no duplicate object keys, nothing but whitespace after the value;
 * nesting is capped at JV_MAX_DEPTH. Object members keep their order of
 * arrival. Numbers keep the lexeme they arrived with.
 *
 * Accessors are NULL-safe like jansson's: jv_get(NULL, "k") is NULL,
 * jv_str() of a non-string is NULL, iterating a non-array does nothing. */
#ifndef EB_JSON_H
#define EB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;

#define JV_MAX_DEPTH 512

enum jv_type { JV_NULL, JV_FALSE, JV_TRUE, JV_INT, JV_REAL, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv_member;

struct jv {
	enum jv_type type;
	uint32_t n; /* string: bytes; number: lexeme bytes; array/object: count */
	union {
		const char
			*s; /* string: decoded, NUL-terminated; number: lexeme (not terminated) */
		struct jv *items;	   /* array: n nodes */
		struct jv_member *members; /* object: n members */
	} u;
	double num; /* JV_INT and JV_REAL */
	int64_t i;  /* JV_INT */
};

struct jv_member {
	const char *key; /* decoded, NUL-terminated */
	uint32_t klen;
	struct jv val;
};

/* Parse failure: 1-based line and column (bytes) and a reason. */
struct jv_error {
	int line, column;
	char text[96];
};

/* Parses len bytes of json into nodes allocated from a. Returns the root or
 * NULL with *e filled (bad JSON) or NULL with e->line 0 (out of memory). */
struct jv *jv_parse(struct arena *a, const char *json, size_t len, struct jv_error *e);

/* Object member value by key, or NULL. */
struct jv *jv_get(const struct jv *o, const char *key);

/* Replaces (or appends) member key of object o with v (copied); key is
 * borrowed and must outlive the tree. false when o is not an object or on
 * out of memory. Pointers to o's old members become stale. */
bool jv_set(struct arena *a, struct jv *o, const char *key, const struct jv *v);

/* Removes member key of object o if present. */
void jv_del(struct jv *o, const char *key);

/* A string node for s (borrowed). */
struct jv jv_string(const char *s);

/* Replaces *v by a one-element array holding the old value. */
bool jv_wrap_array(struct arena *a, struct jv *v);

/* Deep equality (numbers by value, objects regardless of member order). */
bool jv_equal(const struct jv *x, const struct jv *y);

/* Appends compact JSON with object keys sorted bytewise (the canonical form
 * used for content hashes); at the top level only, members named in skip
 * (NULL-terminated list, may be NULL) are left out. Numbers keep the lexeme
 * they arrived with. Errors are out's (sticky). */
void jv_dump_sorted(const struct jv *v, struct buf *out, const char *const *skip);

/* Appends compact JSON with members in their order of arrival: the value as
 * it was sent, less its whitespace (numbers keep their lexeme, strings are
 * escaped as jv_dump_sorted does). Errors are out's (sticky). */
void jv_dump(const struct jv *v, struct buf *out);

static inline bool jv_is_string(const struct jv *v)
{
	return v && v->type == JV_STRING;
}
static inline bool jv_is_object(const struct jv *v)
{
	return v && v->type == JV_OBJECT;
}
static inline bool jv_is_array(const struct jv *v)
{
	return v && v->type == JV_ARRAY;
}
static inline bool jv_is_boolean(const struct jv *v)
{
	return v && (v->type == JV_TRUE || v->type == JV_FALSE);
}
static inline bool jv_is_true(const struct jv *v)
{
	return v && v->type == JV_TRUE;
}
static inline bool jv_is_null(const struct jv *v)
{
	return v && v->type == JV_NULL;
}
static inline bool jv_is_number(const struct jv *v)
{
	return v && (v->type == JV_INT || v->type == JV_REAL);
}
static inline bool jv_is_integer(const struct jv *v)
{
	return v && v->type == JV_INT;
}
/* A number written with a fraction or an exponent (8.0, 1e3), as jansson's json_is_real. */
static inline bool jv_is_real(const struct jv *v)
{
	return v && v->type == JV_REAL;
}
static inline const char *jv_str(const struct jv *v)
{
	return jv_is_string(v) ? v->u.s : NULL;
}
static inline double jv_num(const struct jv *v)
{
	return jv_is_number(v) ? v->num : 0;
}
static inline int64_t jv_int(const struct jv *v)
{
	return jv_is_integer(v) ? v->i : 0;
}
static inline size_t jv_size(const struct jv *v)
{
	return v && (v->type == JV_ARRAY || v->type == JV_OBJECT) ? v->n : 0;
}
static inline struct jv *jv_at(const struct jv *a, size_t i)
{
	return jv_is_array(a) && i < a->n ? &a->u.items[i] : NULL;
}

#define JV_CAT2_(a, b) a##b
#define JV_CAT_(a, b) JV_CAT2_(a, b)

/* for (each index i, element v of array a) */
#define jv_array_foreach(a, i, v)                                                                  \
	for ((i) = 0; (i) < jv_size(jv_is_array(a) ? (a) : NULL) && ((v) = &(a)->u.items[i], 1);   \
	     (i)++)

/* for (each key k, value v of object o), in arrival order (k may go unused) */
#define jv_object_foreach(o, k, v) JV_OFE_(o, k, v, JV_CAT_(jv_i_, __LINE__))
#define JV_OFE_(o, k, v, ix)                                                                       \
	for (size_t ix = 0;                                                                        \
	     ix < jv_size(jv_is_object(o) ? (o) : NULL) &&                                         \
	     ((k) = (o)->u.members[ix].key, (void)(k), (v) = &(o)->u.members[ix].val, 1);          \
	     ix++)

#endif
