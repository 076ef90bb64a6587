/* validate.h - the validation context the JSON formats share (xAPI, Caliper).
 *
 * A checker walks a parsed document (base/json.h) and, at the first thing
 * wrong, writes one error "<JSON path>: <reason>", e.g.
 * "$[3].actor.mbox: must start with mailto:". The context keeps the path of
 * the value being checked: push a key or an index before descending, pop
 * after. Objects are checked against tables of the properties they may
 * carry (struct val_field), one checker per property.
 *
 * A format extends the context by embedding it as its first member (the
 * xAPI version, Caliper's nesting depth) and casting back in its checkers.
 * Also here: the size-capped parse of a request body, and the lexical checks
 * both formats make (IRI, ISO 8601 duration), strict for xAPI. */
#ifndef EB_VALIDATE_H
#define EB_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "base/err.h"

struct arena;
struct jv;

struct val_ctx {
	char path[512]; /* JSON path of the value being checked, e.g. "$.actor" */
	size_t plen;
	char *err; /* the first failure, "<path>: <reason>"; may be NULL */
	size_t cap;
	bool failed;	     /* later failures leave err as it is */
	unsigned hidden;     /* a field whose flags meet this mask counts as unknown */
	bool ignore_unknown; /* members no table names pass unchecked (else refused) */
};

/* Starts a context at path (NULL: "$"); err (cap bytes) is emptied. */
void val_init(struct val_ctx *c, const char *path, char *err, size_t cap);

/* Records "<path>: <reason>" unless a failure is recorded already; always -1,
 * so a checker can `return val_fail(c, ...)`. */
int val_fail(struct val_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends n bytes of p to the path, as many as fit (the path stays
 * NUL-terminated at plen). */
static inline void val_path_put(struct val_ctx *c, const char *p, size_t n)
{
	size_t room = sizeof c->path - 1 - c->plen;
	if (n > room)
		n = room;
	memcpy(c->path + c->plen, p, n);
	c->plen += n;
	c->path[c->plen] = '\0';
}

/* Appends ".key" / "[i]" to the path (truncated at the path's size) and
 * returns the mark that val_pop goes back to. On the hot path: every
 * member of every object checked passes here, so no printf. */
static inline size_t val_push_key(struct val_ctx *c, const char *key)
{
	size_t mark = c->plen;
	val_path_put(c, ".", 1);
	val_path_put(c, key, strlen(key));
	return mark;
}

static inline size_t val_push_index(struct val_ctx *c, size_t i)
{
	char digits[24], *p = digits + sizeof digits;
	*--p = ']';
	do
		*--p = (char)('0' + i % 10);
	while (i /= 10);
	*--p = '[';
	size_t mark = c->plen;
	val_path_put(c, p, (size_t)(digits + sizeof digits - p));
	return mark;
}

static inline void val_pop(struct val_ctx *c, size_t mark)
{
	c->plen = mark;
	c->path[mark] = '\0';
}

struct val_field;

/* Checks value v of a property (the path is at it already); 0 when it is
 * valid, else val_fail's -1. f is the table row (NULL when called directly),
 * for checkers that take an argument from it. */
typedef int (*val_check_fn)(struct val_ctx *c, struct jv *v, const struct val_field *f);

/* Flags of a field; bits from VAL_TAGS up are the format's own tags, tested
 * against val_ctx.hidden (xAPI: properties that exist only in 2.0). */
enum {
	VAL_REQUIRED = 1,    /* missing: "<path>.name: is required" */
	VAL_CHECKS_NULL = 2, /* null goes to the checker (else: "must not be null") */
	VAL_TAGS = 1u << 8,
};

struct val_field {
	const char *name;
	val_check_fn check; /* NULL: any value, null included */
	unsigned flags;
	const char *arg; /* for the checker (a list of types, of words ...) */
};

/* Checks object obj against fields (ended by a row with name NULL): it must
 * be an object ("must be an object"); each member in its order of arrival
 * must be in the table ("unknown property", unless ignore_unknown), not null
 * and pass its checker; then every VAL_REQUIRED field must be there. The
 * first failure wins; 0 or -1. */
int val_check_fields(struct val_ctx *c, struct jv *obj, const struct val_field *fields);

/* Parses a request body of len bytes (at most max) into a: the root, or
 * NULL with *rc and err set: EB_ETOOBIG "body of N bytes exceeds the limit
 * of M", EB_EPARSE "body is not valid JSON: line L column C: <why>",
 * EB_ENOMEM "out of memory". */
struct jv *val_parse_body(struct arena *a, const char *json, size_t len, size_t max, char *err,
			  size_t errcap, enum eb_err *rc);

/* An absolute IRI: a scheme (a letter, then letters, digits, + - .), ':' and
 * at least one more character, none of them a space, a control character or
 * <>"; strict (xAPI's rule) also refuses {}\^`. NULL is not one. */
bool val_is_iri(const char *s, bool strict);

/* Reads an ISO 8601 duration, PnYnMnWnDTnHnMnS with the units in that order,
 * into *secs (may be NULL; years count 365 days, months 30). strict is the
 * xAPI reading: only the last number may have a fraction, and weeks stand
 * alone (PnW) or last; otherwise (Caliper) any number may. false when
 * malformed. */
bool val_parse_duration(const char *s, bool strict, double *secs);

#endif
