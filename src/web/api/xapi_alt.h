/* web/api/xapi_alt.h - xAPI 1.0.3's alternate request syntax (Communication
 * 1.3) for every /xapi/ resource: a POST whose query string holds only
 * `method` and whose application/x-www-form-urlencoded body carries the
 * headers (Authorization, X-Experience-API-Version, Content-Type,
 * Content-Length, If-Match, If-None-Match), the resource's parameters and
 * the `content`. The router turns it into the real request before it picks
 * the route, so every handler serves both syntaxes without knowing which
 * came. xAPI 2.0 removed the syntax: a form naming 2.0.x is refused (400).
 *
 * How the request is rewritten: req->method becomes the form's method; the
 * form's header fields are what http_header() answers for those names
 * (Content-Type and Content-Length only from the form: the real ones
 * describe the form); every other field except `content` is what
 * http_query() answers (the real query string is not consulted); req->body
 * holds the decoded `content`. req->alt is then true. */
#ifndef EB_WEB_API_XAPI_ALT_H
#define EB_WEB_API_XAPI_ALT_H

#include <stdbool.h>
#include <stddef.h>

struct http_request;

/* Whether req uses the alternate syntax and is not rewritten yet: a path
 * under /xapi/ with a `method` query parameter (any HTTP method: one other
 * than POST is refused by xapi_alt_apply), except a request other than a
 * POST whose X-Experience-API-Version header says 2.x: 2.0 has no
 * alternate syntax, so its `method` is an unknown parameter like any. */
bool xapi_alt_requested(struct http_request *req);

/* The admit step (router_admit) for such a request. Credentials in a real
 * Authorization header are checked now (401 before the body is read, as
 * api_tool_admit does) and the body capped at XAPI_ALT_MAX_BODY; without
 * one they are in the form, checked by the handler once the body is read,
 * and the body is capped at XAPI_ALT_ANON_MAX_BODY (413 above). */
bool xapi_alt_admit(struct http_request *req, size_t *body_cap);

/* Rewrites req into the request it carries (see above). False after
 * filling in a 400 answer (text, X-Experience-API-Version: 1.0.3) when:
 * the HTTP method is not POST; the query string holds more than `method`;
 * `method` is not GET, HEAD, PUT, POST or DELETE; the body is not
 * form-encoded (Content-Type) or a field is malformed (a bad %-escape, no
 * '=', a field twice, more than XAPI_ALT_MAX_FIELDS fields); the form names
 * X-Experience-API-Version 2.0.x (removed in 2.0). Nothing is stored by a
 * refused request: the handler never runs. */
bool xapi_alt_apply(struct http_request *req);

#define XAPI_ALT_MAX_FIELDS 64
#define XAPI_ALT_MAX_BODY ((size_t)8 << 20)	 /* the whole form, as any xAPI body */
#define XAPI_ALT_ANON_MAX_BODY ((size_t)1 << 20) /* credentials only in the form */

#endif
