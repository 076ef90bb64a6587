/* xapi_query.h - GET /xapi/statements: one statement by id, or a query with
 * filters, paged by a "more" cursor that holds the query and the position
 * (and the highest row at the first page, so paging is consistent while
 * statements arrive). The answer is a struct xapi_result (xapi.h). */
#ifndef EB_XAPI_QUERY_H
#define EB_XAPI_QUERY_H

#include <stdint.h>

#include "base/err.h"
#include "ingest/xapi.h"

struct db;

/* GET /xapi/statements parameters, the raw (URL-decoded) query values or NULL. */
struct xapi_get_params {
	const char *statement_id, *voided_statement_id;
	const char *agent; /* JSON Agent/Group */
	const char *verb, *activity, *registration;
	const char *since, *until; /* ISO 8601 */
	const char *limit;	   /* non-negative integer; 0 = server default */
	const char *ascending, *related_activities, *related_agents; /* "true"/"false" */
	const char *more;	     /* cursor from a previous "more" URL; alone */
	const char *format;	     /* exact (absent), ids or canonical */
	const char *attachments;     /* "true"/"false" (multipart: web/api) */
	const char *accept_language; /* the Accept-Language header, for canonical */
};

/* GET /xapi/statements: by id (EB_OK with the statement, or EB_ENOTFOUND) or
 * a query (EB_OK with {"statements":[...],"more":"/xapi/statements?more=TOKEN"
 * or ""}); a malformed parameter is EB_EINVAL with the reason. Voided
 * statements are only returned through voided_statement_id; a statement
 * whose object is a StatementRef matches the non-time filters when its
 * target (to 4 levels) does. format ids reduces agents, groups and activities
 * to their identifiers; canonical keeps one language per language map, the
 * best match for p->accept_language. Sets out->consistent_through and, when
 * statements are returned, out->last_modified (the newest `stored`).
 * Returns out->rc. */
enum eb_err xapi_get(struct db *db, int64_t district_id, int64_t tool_id,
		     const struct xapi_get_params *p, const char *version_header,
		     struct xapi_result *out);

#endif
