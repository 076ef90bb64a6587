/* xapi_canon.h - a validated xAPI statement made ready to store: its id
 * (sent, or a fresh time-ordered UUID v7), its timestamp, and its canonical
 * form with the content hash that tells "the same statement again" from
 * "another statement with a stored id" (409). */
#ifndef EB_XAPI_CANON_H
#define EB_XAPI_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "ingest/xapi.h"

struct arena;
struct buf;
struct jv;

struct xapi_prepared {
	struct jv *stmt; /* the statement, with id and timestamp set */
	char id[37];	 /* lower case */
	char hash[65];	 /* SHA-256 of the comparison form, hex */
	bool voiding;
	char voids[37];	 /* the voided statement's id, when voiding */
	char target[37]; /* the object's StatementRef id (voiding too), else "" */
	char *canon;	 /* canonical text (in the request's arena) */
	size_t canon_len;
	bool generated_id;  /* fresh UUID v7: cannot be stored or voided yet */
	char version[16];   /* as sent, or the default of the request version */
	bool lrs_timestamp; /* the timestamp was absent: the LRS set it to stored */
};

/* Fills p (zeroed by the caller) from stmt, which xapi_validate_statement
 * accepted: sets its id (a fresh UUID v7 when absent) and, when absent, its
 * timestamp to stored; removes the properties the LRS sets (stored,
 * authority, version) and keeps the canonical form (keys sorted, compact)
 * and its hash. tmp is scratch. EB_ENOMEM is the only failure. */
enum eb_err xapi_canon_prepare(struct arena *a, struct buf *tmp, struct jv *stmt,
			       enum xapi_version v, const char *stored, struct xapi_prepared *p);

/* The hash that decides whether two sendings of one statement are the same
 * statement (xAPI Data 2.3.1, "Statement Comparison Requirements"): SHA-256,
 * hex, of the sorted dump of stmt less what the exceptions to immutability
 * let differ: id, authority, stored, version (and timestamp when
 * drop_timestamp: the LRS filled it in), verb display, activity definitions
 * (object, contextActivities, SubStatement), a timestamp's zone and precision
 * (compared as the UTC instant to the millisecond), the order of a group's
 * members, and the case of UUIDs (registration, StatementRef ids) and of the
 * context's language. stmt is not changed. EB_ENOMEM is the only failure. */
enum eb_err xapi_canon_compare_hash(struct arena *a, struct buf *tmp, const struct jv *stmt,
				    bool drop_timestamp, char hash[65]);

/* Appends the stored form: the canonical text plus authority (the tool),
 * stored and version. */
void xapi_canon_stored_json(struct buf *b, const struct xapi_prepared *p, int64_t tool_id,
			    const char *stored);

#endif
