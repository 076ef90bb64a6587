/* xapi_validate.h - xAPI statement validation (1.0.3 and 2.0): the rules of
 * the specification as property tables (ingest/validate.h), and the lexical
 * checks the other xAPI files reuse (query parameters, mapping, ids).
 * Everything here reads; nothing stores or answers. */
#ifndef EB_XAPI_VALIDATE_H
#define EB_XAPI_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "ingest/xapi.h"

struct arena;
struct jv;

/* Validates one statement (parsed by jv_parse into arena a) in place: a
 * single contextActivities object is normalised to an array, allocating from
 * a. path prefixes error paths ("$", "$[3]"). On failure (EB_EINVAL) err
 * gets "<path>: <reason>", e.g. "$.actor.mbox: must start with mailto:". */
enum eb_err xapi_validate_statement(struct arena *a, struct jv *stmt, enum xapi_version v,
				    const char *path, char *err, size_t errcap);

/* Validates an Agent or Group (the GET agent filter) as the actor of a
 * statement would be; EB_EINVAL with "<path>: <reason>" in err. */
enum eb_err xapi_validate_agent(struct arena *a, struct jv *agent, enum xapi_version v,
				const char *path, char *err, size_t errcap);

/* Parses a request body into a, capped at XAPI_MAX_BODY: the root, or NULL
 * with *rc (EB_ETOOBIG, EB_EPARSE, EB_ENOMEM) and the reason in err. */
struct jv *xapi_parse_body(struct arena *a, const char *json, size_t len, char *err, size_t errcap,
			   enum eb_err *rc);

/* Parses (size-capped) and validates a body: one statement or an array.
 * EB_EPARSE for bad JSON, EB_ETOOBIG over the caps, EB_EINVAL for an invalid
 * statement; err says where. For fuzzing and the benchmark. */
enum eb_err xapi_validate_json(const char *json, size_t len, enum xapi_version v, char *err,
			       size_t errcap);

/* Lexical checks, as the validator applies them. */
bool xapi_is_iri(const char *s);  /* absolute IRI: scheme ":" and no spaces, <>"{}\^` */
bool xapi_is_uuid(const char *s); /* 8-4-4-4-12 hex digits, either case */
/* ISO 8601 date-time (one without a zone is read as UTC); *ms (may be NULL)
 * gets Unix milliseconds. */
bool xapi_parse_timestamp(const char *s, int64_t *ms);
/* Whether date-time s ends in the "-00:00" offset (or -0000, -00), which xAPI
 * refuses (RFC 3339 reads it as "local offset unknown"); xapi_parse_timestamp
 * refuses it too. */
bool xapi_negative_zero_offset(const char *s);
/* ISO 8601 duration PnYnMnDTnHnMnS or PnW, as xAPI reads it
 * (val_parse_duration, strict); *secs (may be NULL) gets seconds. */
bool xapi_parse_duration(const char *s, double *secs);

/* Copies a UUID (xapi_is_uuid) in lower case: the form ids are stored in. */
void xapi_uuid_lower(char out[37], const char *uuid);

/* The objectType of an object, or NULL when absent or not a string. */
const char *xapi_object_type(struct jv *v);

/* Whether a statement's verb is http://adlnet.gov/expapi/verbs/voided. */
bool xapi_is_voiding(struct jv *stmt);

#endif
