/* The xAPI document resources (State, Activity Profile, Agent Profile), the
 * Activities and Agents resources: HTTP in, ingest/xapi_docs.h's rules, HTTP
 * out (docs/xapi.md "Document resources"). A HEAD is answered as the GET,
 * the server leaving the body out. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ingest/xapi_docs.h"
#include "web/api/ingest.h"
#include "web/http.h"
#include "web/pages/pages.h"

/* RFC 7231 IMF-fixdate of Unix milliseconds. */
static void http_date(int64_t ms, char out[40])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void send_doc_answer(struct http_request *req, struct xdoc_answer *a)
{
	struct xapi_result *r = &a->r;
	req->status = a->precondition_failed ? 412 : api_ingest_status(r->rc, r->body != NULL);
	if (r->rc == EB_OK && r->body)
		req->content_type = arena_strdup(&req->arena, a->content_type[0]
								      ? a->content_type
								      : "application/octet-stream");
	else
		req->content_type = "text/plain; charset=utf-8";
	buf_reset(&req->out);
	if (r->body)
		buf_put(&req->out, r->body, r->body_len);
	req->no_cache = true;
	http_set_header(req, "X-Experience-API-Version", r->version ? r->version : "1.0.3");
	if (r->rc == EB_OK && a->etag[0])
		http_set_header(req, "ETag", arena_strdup(&req->arena, a->etag));
	if (r->rc == EB_OK && a->last_modified_ms > 0) {
		char d[40];
		http_date(a->last_modified_ms, d);
		http_set_header(req, "Last-Modified", arena_strdup(&req->arena, d));
	}
	if (req->status == 503)
		http_set_header(req, "Retry-After", "2");
	xdoc_answer_free(a);
}

static void write_done(struct http_request *req, void *arg)
{
	struct xdoc_answer a;
	xdoc_write_end(arg, &a);
	send_doc_answer(req, &a);
}

static void serve(struct http_request *req, enum xdoc_resource res)
{
	int64_t district, tool;
	if (!api_xapi_auth(req, &district, &tool))
		return;
	struct http_kv kv[XDOC_MAX_PARAMS];
	struct xdoc_arg args[XDOC_MAX_PARAMS];
	int n = http_query_all(req, kv, XDOC_MAX_PARAMS);
	for (int i = 0; i < n && i < XDOC_MAX_PARAMS; i++)
		args[i] = (struct xdoc_arg){ kv[i].name, kv[i].value };
	struct xdoc_request q = {
		.resource = res,
		.method = req->method,
		.district_id = district,
		.tool_id = tool,
		.version_header = http_header(req, "X-Experience-API-Version"),
		.args = args,
		.nargs = n,
		.content_type = http_header(req, "Content-Type"),
		.if_match = http_header(req, "If-Match"),
		.if_none_match = http_header(req, "If-None-Match"),
		.body = req->body.data ? req->body.data : "",
		.len = req->body.len,
	};
	struct xdoc_answer a;
	struct xdoc_write *x = xdoc_begin(req->db, &q, &a);
	if (x)
		http_defer_write(req, xdoc_write_job(x), write_done, x);
	else
		send_doc_answer(req, &a);
}

void api_xapi_state(struct http_request *req)
{
	serve(req, XDOC_RES_STATE);
}

void api_xapi_activity_profile(struct http_request *req)
{
	serve(req, XDOC_RES_ACTIVITY_PROFILE);
}

void api_xapi_agent_profile(struct http_request *req)
{
	serve(req, XDOC_RES_AGENT_PROFILE);
}

void api_xapi_activities(struct http_request *req)
{
	serve(req, XDOC_RES_ACTIVITIES);
}

void api_xapi_agents(struct http_request *req)
{
	serve(req, XDOC_RES_AGENTS);
}
