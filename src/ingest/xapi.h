/* xapi.h - the xAPI Statements resource (1.0.3 and 2.0): what every part of
 * it shares, and its answer.
 *
 * HTTP-free: the web layer passes the body bytes, the query parameters and
 * the X-Experience-API-Version header value, and gets back a struct
 * xapi_result whose rc says how the request ended; web/api/ingest.c turns
 * that into the HTTP status. The resource is split by concern, one door
 * each:
 *   xapi_validate.h  the statement rules (and the lexical checks)
 *   xapi_canon.h     a statement made ready to store: id, canonical form, hash
 *   xapi_map.h       a statement read as a learning event
 *   xapi_store.h     POST and PUT: storing, through the group commit
 *   xapi_query.h     GET: one statement or a query, and its "more" cursor
 *
 * Scope: every call takes (district_id, tool_id) from the tool's credentials;
 * a tool writes and reads only its own statements. */
#ifndef EB_XAPI_H
#define EB_XAPI_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct buf;

#define XAPI_MAX_BODY (8u << 20) /* bytes of one request body; EB_ETOOBIG above */
#define XAPI_MAX_BATCH 1000	 /* statements in one POST; EB_ETOOBIG above */
#define XAPI_DEFAULT_LIMIT 100	 /* statements per page when limit is 0/absent */
#define XAPI_MAX_LIMIT 500

enum xapi_version { XAPI_V1 = 1, XAPI_V2 = 2 };

/* How a request ended, in ingest's words; the web layer picks the status.
 * rc: EB_OK (body: the JSON answer, or NULL when there is nothing to send);
 * EB_EINVAL or EB_EPARSE (the request is wrong), EB_ETOOBIG (over a cap),
 * EB_ECONFLICT (an id stored with other content), EB_ENOTFOUND, EB_ENOTSUP
 * (a resource this LRS does not serve), EB_EBUSY (the writer's queue is full;
 * nothing stored); any other code: the server failed. Unless rc is EB_OK the
 * body is the reason, one line of text ending in "\n". */
struct xapi_result {
	enum eb_err rc;
	char *body; /* malloc'd, NUL-terminated, or NULL */
	size_t body_len;
	char consistent_through[40]; /* X-Experience-API-Consistent-Through, "" if none */
	const char *version;	     /* X-Experience-API-Version to answer with */
	char last_modified[40];	     /* Last-Modified (an HTTP-date), "" if none */
};

/* The xAPI resources, for the checks they all share. */
enum xapi_resource {
	XAPI_RES_STATEMENTS,
	XAPI_RES_STATE,		   /* /xapi/activities/state */
	XAPI_RES_ACTIVITY_PROFILE, /* /xapi/activities/profile */
	XAPI_RES_AGENT_PROFILE,	   /* /xapi/agents/profile */
	XAPI_RES_ACTIVITIES,	   /* /xapi/activities */
	XAPI_RES_AGENTS,	   /* /xapi/agents */
	XAPI_RES_ABOUT,		   /* /xapi/about */
};

/* Checks the names of a request's query parameters, names[0..n) (URL-decoded,
 * repeats included), against what resource res allows with method ("GET",
 * "HEAD" (as GET), "PUT", "POST", "DELETE") in version v. Returns EB_OK, or
 * EB_EINVAL with why (NUL-terminated, cut to cap) set to the first fault:
 * "unknown parameter x", "x is not allowed with PUT", "x is given more than
 * once", "method GET is not allowed on the statements resource", or, on the
 * statements resource, "more" with any other parameter (the cursor carries
 * its whole query). Only names
 * are checked (values are the resource's business). The alternate request
 * syntax's `method` is not a parameter here: convert the request first and
 * check the real method with the real query. */
enum eb_err xapi_params_check(enum xapi_resource res, const char *method, enum xapi_version v,
			      const char *const *names, size_t n, char *why, size_t cap);

/* Version negotiation, the one call every resource makes with the request's
 * X-Experience-API-Version header (NULL when absent). Accepted: "1.0" and
 * 1.0.N (read as 1.0.3: XAPI_V1), 2.0.N (XAPI_V2; "2.0" too). Refused with
 * EB_EINVAL and why set: a missing header (except on About), versions before
 * 1.0.0, 1.1.0 and later 1.x, 2.1 and later, anything not a version. *answer
 * is always set to the X-Experience-API-Version to answer with, refusals
 * included: "2.0.0" for a 2.0 request, "1.0.3" otherwise (About without a
 * header: *v = XAPI_V1, "1.0.3"). */
enum eb_err xapi_version_negotiate(const char *header, enum xapi_resource res, enum xapi_version *v,
				   const char **answer, char *why, size_t cap);

/* Frees out->body; the struct may be reused. */
void xapi_result_free(struct xapi_result *out);

/* Parses the X-Experience-API-Version header: 1.0.0-1.0.3 (and "1.0") give
 * XAPI_V1, 2.0.x gives XAPI_V2; NULL or anything else is EB_EINVAL. */
enum eb_err xapi_version_parse(const char *header, enum xapi_version *out);

/* Starts out for a request that sent header as its X-Experience-API-Version:
 * answered in that version, no body yet. A missing or unknown header is
 * EB_EINVAL, and out then holds that answer (in 1.0.3). */
enum eb_err xapi_result_start(struct xapi_result *out, const char *header, enum xapi_version *v);

/* Sets out to a refusal or failure: rc (not EB_OK) and the reason. */
void xapi_result_fail(struct xapi_result *out, enum eb_err rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets out to success with the JSON in b, which it takes (b is left empty);
 * a b whose cap was reached gives EB_ENOMEM "response too large". */
void xapi_result_json(struct xapi_result *out, struct buf *b);

/* GET /xapi/about: static JSON, never NULL. */
const char *xapi_about_json(void);

/* Current time as ISO 8601 UTC with milliseconds (the value for
 * X-Experience-API-Consistent-Through and `stored`). */
void xapi_now_iso(char out[40], int64_t *ms);

/* The answer for the resources not supported yet (state, activity and agent
 * profiles, activities, agents): EB_ENOTSUP with a text body. */
void xapi_not_supported(const char *resource, struct xapi_result *out);

#endif
