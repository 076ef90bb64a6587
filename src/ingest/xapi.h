/* xapi.h - the xAPI Statements resource (1.0.3 and 2.0), HTTP-shaped but
 * HTTP-free: the web layer passes the body bytes, the query parameters and
 * the X-Experience-API-Version header value, and sends back out->status,
 * out->content_type, out->body and the headers named in struct xapi_result.
 *
 * Scope: every call takes (district_id, tool_id) from the tool's credentials;
 * a tool writes and reads only its own statements. */
#ifndef EB_XAPI_H
#define EB_XAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct arena;
struct jv;
struct learning_event_in;

#define XAPI_MAX_BODY (8u << 20)	/* bytes of one request body; 413 above */
#define XAPI_MAX_BATCH 1000		/* statements in one POST; 413 above */
#define XAPI_DEFAULT_LIMIT 100		/* statements per page when limit is 0/absent */
#define XAPI_MAX_LIMIT 500

enum xapi_version { XAPI_V1 = 1, XAPI_V2 = 2 };

struct xapi_result {
	int status;		/* 200, 204, 400, 404, 409, 413, 500, 503 */
	const char *content_type; /* "application/json" or "text/plain; charset=utf-8" */
	char *body;		/* malloc'd, NUL-terminated; NULL with 204 */
	size_t body_len;
	char consistent_through[40]; /* X-Experience-API-Consistent-Through, "" if none */
	const char *version;	/* X-Experience-API-Version to answer with */
};

/* Frees out->body; the struct may be reused. */
void xapi_result_free(struct xapi_result *out);

/* Parses the X-Experience-API-Version header: 1.0.0-1.0.3 (and "1.0") give
 * XAPI_V1, 2.0.x gives XAPI_V2; NULL or anything else is EB_EINVAL. */
enum eb_err xapi_version_parse(const char *header, enum xapi_version *out);

/* Validates one statement (parsed by jv_parse into arena a) in place: a
 * single contextActivities object is normalised to an array, allocating from
 * a. path prefixes error paths ("$", "$[3]"). On failure err gets
 * "<path>: <reason>", e.g. "$.actor.mbox: must start with mailto:". */
enum eb_err xapi_validate_statement(struct arena *a, struct jv *stmt, enum xapi_version v,
				    const char *path, char *err, size_t errcap);

/* Parses (size-capped) and validates a body: one statement or an array.
 * EB_EPARSE for bad JSON, EB_ETOOBIG over the caps, EB_EINVAL for an invalid
 * statement; err says where. For fuzzing and the benchmark. */
enum eb_err xapi_validate_json(const char *json, size_t len, enum xapi_version v,
			       char *err, size_t errcap);

/* Fills ev from a validated statement (pointers borrow from stmt and from
 * scratch, scratch_cap >= 512). Returns false when the statement carries no
 * learner evidence to map (Group actor, non-Activity object, voiding). */
bool xapi_map_event(struct jv *stmt, struct learning_event_in *ev, char *scratch,
		    size_t scratch_cap);

/* Agent key of an Agent/Group object with an identifier ("mbox:mailto:a@b",
 * "mbox_sha1sum:<hex>", "openid:<iri>", "account:<homePage> <name>"), written
 * into out. false when there is none. */
bool xapi_agent_key(struct jv *agent, char *out, size_t cap);

/* POST /xapi/statements: one statement or an array, stored whole or not at
 * all. 200 with a JSON array of the ids (generated as time-ordered UUID v7 where absent);
 * 400 invalid (reason and JSON path), 409 an id already stored with other
 * content, 413 over the caps. */
enum eb_err xapi_post(struct db *db, int64_t district_id, int64_t tool_id, const char *json,
		      size_t len, const char *version_header, struct xapi_result *out);

/* PUT /xapi/statements?statementId=ID: 204 stored (or already stored with
 * the same content), 400, 409, 413. */
enum eb_err xapi_put(struct db *db, int64_t district_id, int64_t tool_id,
		     const char *statement_id, const char *json, size_t len,
		     const char *version_header, struct xapi_result *out);

/* POST and PUT in two halves, for a server that must not block while the
 * statements are written: xapi_post_begin / xapi_put_begin parse and
 * validate on the caller's thread. NULL means out already holds the answer
 * (an error). Otherwise the caller has the job xapi_write_job(x) run by the
 * group commit (db_write_submit, or db_write_grouped), and once it is done
 * calls xapi_write_end, which fills out and frees x. xapi_post and xapi_put
 * are exactly these steps with db_write_grouped. */
struct xapi_write;
struct db_write;
struct xapi_write *xapi_post_begin(int64_t district_id, int64_t tool_id, const char *json,
				   size_t len, const char *version_header,
				   struct xapi_result *out);
struct xapi_write *xapi_put_begin(int64_t district_id, int64_t tool_id,
				  const char *statement_id, const char *json, size_t len,
				  const char *version_header, struct xapi_result *out);
struct db_write *xapi_write_job(struct xapi_write *x);
enum eb_err xapi_write_end(struct xapi_write *x, struct xapi_result *out);

/* GET /xapi/statements parameters, the raw (URL-decoded) query values or NULL. */
struct xapi_get_params {
	const char *statement_id, *voided_statement_id;
	const char *agent;	/* JSON Agent/Group */
	const char *verb, *activity, *registration;
	const char *since, *until; /* ISO 8601 */
	const char *limit;	/* non-negative integer; 0 = server default */
	const char *ascending, *related_activities, *related_agents; /* "true"/"false" */
	const char *more;	/* cursor from a previous "more" URL; alone */
	const char *format, *attachments; /* accepted; format "exact" only */
};

/* GET /xapi/statements: by id (200 statement / 404) or a query (200
 * {"statements":[...],"more":"/xapi/statements?more=TOKEN" or ""}). Voided
 * statements are only returned through voided_statement_id. */
enum eb_err xapi_get(struct db *db, int64_t district_id, int64_t tool_id,
		     const struct xapi_get_params *p, const char *version_header,
		     struct xapi_result *out);

/* GET /xapi/about: static JSON, never NULL. */
const char *xapi_about_json(void);

/* Current time as ISO 8601 UTC with milliseconds (the value for
 * X-Experience-API-Consistent-Through and `stored`). */
void xapi_now_iso(char out[40], int64_t *ms);

/* Answer for the resources not supported yet (state, activity and agent
 * profiles, activities, agents): 501 with a text body. */
void xapi_not_supported(const char *resource, struct xapi_result *out);

#endif
