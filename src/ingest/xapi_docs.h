/* xapi_docs.h - the rules of the xAPI document resources (State, Activity
 * Profile, Agent Profile), the Activities and Agents resources: xAPI 1.0.3
 * (xAPI-Communication 2.3-2.7) and 2.0 (IEEE 9274.1.1, 4.1.6). No SQL (that
 * is domain/xapi_docs.h), no HTTP: the web layer passes the method, the
 * query arguments, the headers that matter and the body, and gets back an
 * answer (docs/xapi.md "Document resources").
 *
 * Writes (PUT, POST, DELETE) read, check the precondition and write in one
 * transaction of the group commit, so two writers of one document cannot
 * both pass an If-Match on the same ETag. */
#ifndef EB_INGEST_XAPI_DOCS_H
#define EB_INGEST_XAPI_DOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/xapi_docs.h"
#include "ingest/xapi.h"

struct db;
struct db_write;

#define XDOC_MAX_BODY (1u << 20) /* bytes of one document; EB_ETOOBIG (413) above */
#define XDOC_MAX_PARAMS 16	 /* query arguments looked at; more: 400 */

enum xdoc_resource {
	XDOC_RES_STATE = XDOC_STATE,
	XDOC_RES_ACTIVITY_PROFILE = XDOC_ACTIVITY_PROFILE,
	XDOC_RES_AGENT_PROFILE = XDOC_AGENT_PROFILE,
	XDOC_RES_ACTIVITIES, /* GET /xapi/activities */
	XDOC_RES_AGENTS,     /* GET /xapi/agents */
};

struct xdoc_arg {
	const char *name, *value; /* decoded; value NULL for "?name" */
};

/* One request, as the web layer read it. method: "GET", "HEAD", "PUT",
 * "POST" or "DELETE"; nargs may exceed XDOC_MAX_PARAMS (refused). Header
 * values NULL when absent. */
struct xdoc_request {
	enum xdoc_resource resource;
	const char *method;
	int64_t district_id, tool_id;
	const char *version_header; /* X-Experience-API-Version */
	const struct xdoc_arg *args;
	int nargs;
	const char *content_type, *if_match, *if_none_match;
	const void *body;
	size_t len;
};

/* How it ended. r.rc and r.body as struct xapi_result says (on success the
 * body is the document's bytes, an id list or a JSON object; NULL for 204),
 * r.version the version to answer in. precondition_failed: answer 412 (r.rc
 * is EB_ECONFLICT then, with the reason). On success with a body:
 * content_type, and for a single document etag and last_modified_ms. */
struct xdoc_answer {
	struct xapi_result r;
	bool precondition_failed;
	char content_type[256];
	char etag[43];		  /* "" when none */
	int64_t last_modified_ms; /* 0 when none */
};

void xdoc_answer_free(struct xdoc_answer *a);

struct xdoc_write;

/* Checks q; a GET (or HEAD) is answered at once from db into *ans, as is a
 * request refused by its parameters, version, headers or body: NULL then.
 * A write returns its job instead (ans untouched): queue xdoc_write_job(x)
 * to the group commit (http_defer_write or db_write_grouped), then
 * xdoc_write_end. q's memory may be freed once this returns. */
struct xdoc_write *xdoc_begin(struct db *db, const struct xdoc_request *q, struct xdoc_answer *ans);

struct db_write *xdoc_write_job(struct xdoc_write *x);

/* The answer of a finished write job (204, 400, 409, 412 or 503 when the
 * queue was full); frees x. */
void xdoc_write_end(struct xdoc_write *x, struct xdoc_answer *ans);

/* A whole request on db's own connection (tests, the command line). */
void xdoc_handle(struct db *db, const struct xdoc_request *q, struct xdoc_answer *ans);

#endif
