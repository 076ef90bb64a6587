/* web/api/ingest.h - the endpoints classroom tools send data to (xAPI,
 * Caliper): what the rest of the program may ask of them. The handlers
 * themselves are in web/pages/pages.h with the route table's others. */
#ifndef EB_WEB_API_INGEST_H
#define EB_WEB_API_INGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "ingest/xapi.h"

struct http_request;

/* The HTTP status for how an ingest call ended (xapi_result.rc,
 * caliper_result.rc): EB_OK 200, or 204 when there is no body; EB_EINVAL and
 * EB_EPARSE 400, EB_ENOTFOUND 404, EB_ECONFLICT 409, EB_ETOOBIG 413,
 * EB_ENOTSUP 501, EB_EBUSY and EB_EUNAVAIL (the database unreachable) 503
 * (with Retry-After); anything else 500. */
int api_ingest_status(enum eb_err rc, bool has_body);

/* The xAPI resources' HTTP Basic check (the tool's key and secret): true
 * with the tool's district and id, or false after answering 401 with a
 * challenge. */
bool api_xapi_auth(struct http_request *req, int64_t *district_id, int64_t *tool_id);

/* The checks every xAPI resource's handler makes first, after the tool's
 * credentials: the version header (xapi_version_negotiate) and the query
 * parameters' names for req->method (xapi_params_check; at most 32). On
 * success sets *v, sets the response's X-Experience-API-Version and returns
 * true; otherwise answers 400 with the reason as text (and the version
 * header) and returns false. Requests in the alternate syntax must be
 * converted before (web/api/xapi_alt.h). */
bool api_xapi_begin(struct http_request *req, enum xapi_resource res, enum xapi_version *v);

#endif
