/* The endpoints classroom tools send data to: the xAPI Statements resource
 * (/xapi/, HTTP Basic with the tool's key and secret) and Caliper envelopes
 * (POST /caliper, bearer token). A tool's credentials name its district and
 * the tool itself; every read and write below is scoped to both. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/tools.h"
#include "ingest/caliper.h"
#include "ingest/xapi_attach.h"
#include "ingest/xapi.h"
#include "ingest/xapi_query.h"
#include "ingest/xapi_store.h"
#include "web/api/ingest.h"
#include "web/http.h"
#include "web/pages/pages.h"

struct tool_identity {
	int64_t district_id, tool_id;
};

/* The identity that api_tool_admit found for this request, if any. */
static bool admitted(struct http_request *req, struct tool_identity *who)
{
	if (!req->admitted)
		return false;
	*who = *(const struct tool_identity *)req->admitted;
	return true;
}

/* Decodes "Basic base64(key:secret)" and checks it; 401 with a challenge
 * otherwise. */
static bool auth_basic(struct http_request *req, struct tool_identity *who)
{
	if (admitted(req, who))
		return true;
	const char *h = http_header(req, "Authorization");
	unsigned char raw[256];
	size_t n = 0;
	if (h && strncmp(h, "Basic ", 6) == 0 && strlen(h + 6) < 340 &&
	    sodium_base642bin(raw, sizeof raw - 1, h + 6, strlen(h + 6), NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) == 0) {
		raw[n] = '\0';
		char *colon = strchr((char *)raw, ':');
		if (colon && strlen((char *)raw) == n) {
			*colon = '\0';
			enum eb_err rc = tools_check_basic(req->db, (char *)raw, colon + 1,
							   &who->district_id, &who->tool_id);
			sodium_memzero(raw, sizeof raw);
			if (rc == EB_OK)
				return true;
		}
	}
	sodium_memzero(raw, sizeof raw);
	/* the 401 too says which xAPI version it speaks */
	enum xapi_version v;
	const char *answer = "1.0.3";
	xapi_version_negotiate(http_header(req, "X-Experience-API-Version"), XAPI_RES_STATEMENTS,
			       &v, &answer, NULL, 0);
	http_set_header(req, "X-Experience-API-Version", answer);
	http_set_header(req, "WWW-Authenticate", "Basic realm=\"edbridge xAPI\"");
	http_json_error(req, 401,
			"send the tool's xAPI key and secret with HTTP Basic "
			"authentication (edbridge tool credentials TOOL)");
	return false;
}

static bool auth_bearer(struct http_request *req, struct tool_identity *who)
{
	if (admitted(req, who))
		return true;
	const char *h = http_header(req, "Authorization");
	if (h && strncmp(h, "Bearer ", 7) == 0 && strlen(h + 7) < 200 &&
	    tools_check_bearer(req->db, h + 7, &who->district_id, &who->tool_id) == EB_OK)
		return true;
	http_set_header(req, "WWW-Authenticate", "Bearer realm=\"edbridge Caliper\"");
	http_json_error(req, 401,
			"send the tool's Caliper token as Authorization: Bearer TOKEN "
			"(edbridge tool credentials TOOL)");
	return false;
}

bool api_xapi_auth(struct http_request *req, int64_t *district_id, int64_t *tool_id)
{
	struct tool_identity who;
	if (!auth_basic(req, &who))
		return false;
	*district_id = who.district_id;
	*tool_id = who.tool_id;
	return true;
}

bool api_tool_admit(struct http_request *req, size_t *body_cap)
{
	struct tool_identity who;
	bool caliper = strcmp(req->path, "/caliper") == 0;
	if (!(caliper ? auth_bearer(req, &who) : auth_basic(req, &who)))
		return false;
	size_t cap = caliper ? CALIPER_MAX_BODY : XAPI_MAX_BODY;
	if (*body_cap > cap)
		*body_cap = cap; /* 413 before the body is read, not after */
	struct tool_identity *keep = arena_alloc(&req->arena, sizeof *keep);
	if (keep) {
		*keep = who;
		req->admitted = keep;
	}
	return true;
}

/* ---- answers: the one place where ingest's eb_err codes become HTTP -------- */

int api_ingest_status(enum eb_err rc, bool has_body)
{
	switch (rc) {
	case EB_OK:
		return has_body ? 200 : 204;
	case EB_EINVAL:
	case EB_EPARSE:
		return 400;
	case EB_ENOTFOUND:
		return 404;
	case EB_ECONFLICT:
		return 409;
	case EB_ETOOBIG:
		return 413;
	case EB_ENOTSUP:
		return 501;
	case EB_EBUSY:
	case EB_EUNAVAIL:
		return 503;
	default:
		return 500;
	}
}

/* Status and body of an ingest answer: JSON on success, the reason as text
 * otherwise. */
static void send_answer(struct http_request *req, enum eb_err rc, const char *body, size_t len)
{
	req->status = api_ingest_status(rc, body != NULL);
	req->content_type = rc == EB_OK && body ? "application/json" : "text/plain; charset=utf-8";
	buf_reset(&req->out);
	if (body)
		buf_put(&req->out, body, len);
	req->no_cache = true;
}

/* A 503 says when to try again. */
static void retry_after_if_busy(struct http_request *req)
{
	if (req->status == 503)
		http_set_header(req, "Retry-After", "2");
}

/* Whether the response already carries header name (api_xapi_begin set it). */
static bool has_header(const struct http_request *req, const char *name)
{
	for (int i = 0; i < req->nheaders; i++)
		if (!strcasecmp(req->headers[i].name, name))
			return true;
	return false;
}

static void send_xapi(struct http_request *req, struct xapi_result *r)
{
	send_answer(req, r->rc, r->body, r->body_len);
	if (!has_header(req, "X-Experience-API-Version"))
		http_set_header(req, "X-Experience-API-Version", r->version ? r->version : "1.0.3");
	if (r->consistent_through[0])
		http_set_header(req, "X-Experience-API-Consistent-Through", r->consistent_through);
	if (r->last_modified[0])
		http_set_header(req, "Last-Modified", r->last_modified);
	retry_after_if_busy(req);
	xapi_result_free(r);
}

bool api_xapi_begin(struct http_request *req, enum xapi_resource res, enum xapi_version *v)
{
	const char *answer, *names[32];
	char why[200];
	enum eb_err rc = xapi_version_negotiate(http_header(req, "X-Experience-API-Version"), res,
						v, &answer, why, sizeof why);
	if (!rc) {
		size_t n = http_query_names(req, names, 32);
		if (n > 32) {
			snprintf(why, sizeof why, "too many query parameters (%zu)", n);
			rc = EB_EINVAL;
		} else {
			rc = xapi_params_check(res, req->method, *v, names, n, why, sizeof why);
		}
	}
	http_set_header(req, "X-Experience-API-Version", answer);
	if (!rc)
		return true;
	if (res == XAPI_RES_STATEMENTS &&
	    (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD"))) {
		char now[40]; /* on every answer to a statements GET */
		xapi_now_iso(now, NULL);
		http_set_header(req, "X-Experience-API-Consistent-Through", now);
	}
	size_t len = strlen(why);
	why[len < sizeof why - 1 ? len++ : len - 1] = '\n';
	send_answer(req, EB_EINVAL, why, len);
	return false;
}

static const char *body_or_empty(struct http_request *req, size_t *len)
{
	*len = req->body.len;
	return req->body.data ? req->body.data : "";
}

void api_xapi_statements_get(struct http_request *req)
{
	struct tool_identity who;
	struct xapi_result r = { 0 };
	enum xapi_version v;
	if (!auth_basic(req, &who) || !api_xapi_begin(req, XAPI_RES_STATEMENTS, &v))
		return;
	struct xapi_get_params p = {
		.statement_id = http_query(req, "statementId"),
		.voided_statement_id = http_query(req, "voidedStatementId"),
		.agent = http_query(req, "agent"),
		.verb = http_query(req, "verb"),
		.activity = http_query(req, "activity"),
		.registration = http_query(req, "registration"),
		.since = http_query(req, "since"),
		.until = http_query(req, "until"),
		.limit = http_query(req, "limit"),
		.ascending = http_query(req, "ascending"),
		.related_activities = http_query(req, "related_activities"),
		.related_agents = http_query(req, "related_agents"),
		.more = http_query(req, "more"),
		.format = http_query(req, "format"),
		.attachments = http_query(req, "attachments"),
		.accept_language = http_header(req, "Accept-Language"),
	};
	xapi_get(req->db, who.district_id, who.tool_id, &p,
		 http_header(req, "X-Experience-API-Version"), &r);
	char multipart[80] = "";
	if (r.rc == EB_OK && p.attachments && strcmp(p.attachments, "true") == 0) {
		enum eb_err rc = xapi_attach_answer(req->db, who.district_id, who.tool_id, &r,
						    multipart, sizeof multipart);
		if (rc)
			xapi_result_fail(&r, rc, "reading the attachments failed: %s",
					 eb_strerror(rc));
	}
	send_xapi(req, &r);
	if (multipart[0] && req->status == 200)
		req->content_type = arena_strdup(&req->arena, multipart);
}

/* The answer to a POST or PUT once its statements are written (or not). */
static void xapi_write_done(struct http_request *req, void *arg)
{
	struct xapi_result r = { 0 };
	xapi_write_end(arg, &r);
	send_xapi(req, &r);
}

/* Validation here, on the worker thread; the write goes to the group commit
 * and the worker serves other connections meanwhile. */
static void xapi_write_request(struct http_request *req, struct xapi_write *x,
			       struct xapi_result *r)
{
	if (x)
		http_defer_write(req, xapi_write_job(x), xapi_write_done, x);
	else
		send_xapi(req, r);
}

void api_xapi_statements_post(struct http_request *req)
{
	struct tool_identity who;
	struct xapi_result r = { 0 };
	size_t len;
	enum xapi_version v;
	if (!auth_basic(req, &who) || !api_xapi_begin(req, XAPI_RES_STATEMENTS, &v))
		return;
	const char *body = body_or_empty(req, &len);
	xapi_write_request(req,
			   xapi_post_begin_ct(who.district_id, who.tool_id,
					      http_header(req, "Content-Type"), body, len,
					      http_header(req, "X-Experience-API-Version"), &r),
			   &r);
}

void api_xapi_statements_put(struct http_request *req)
{
	struct tool_identity who;
	struct xapi_result r = { 0 };
	size_t len;
	enum xapi_version v;
	if (!auth_basic(req, &who) || !api_xapi_begin(req, XAPI_RES_STATEMENTS, &v))
		return;
	const char *body = body_or_empty(req, &len);
	xapi_write_request(req,
			   xapi_put_begin_ct(who.district_id, who.tool_id,
					     http_query(req, "statementId"),
					     http_header(req, "Content-Type"), body, len,
					     http_header(req, "X-Experience-API-Version"), &r),
			   &r);
}

void api_xapi_about(struct http_request *req)
{
	req->content_type = "application/json";
	buf_puts(&req->out, xapi_about_json());
	http_set_header(req, "X-Experience-API-Version", "1.0.3");
}

void api_xapi_unsupported(struct http_request *req)
{
	struct xapi_result r = { 0 };
	xapi_not_supported(req->path, &r);
	send_xapi(req, &r);
}

static void send_caliper(struct http_request *req, struct caliper_result *r)
{
	send_answer(req, r->rc, r->body, r->body_len);
	retry_after_if_busy(req);
	caliper_result_free(r);
}

static void caliper_done(struct http_request *req, void *arg)
{
	struct caliper_result r;
	caliper_write_end(arg, &r);
	send_caliper(req, &r);
}

void api_caliper(struct http_request *req)
{
	struct tool_identity who;
	struct caliper_result r = { 0 };
	size_t len;
	if (!auth_bearer(req, &who))
		return;
	const char *body = body_or_empty(req, &len);
	struct caliper_write *x = caliper_post_begin(who.district_id, who.tool_id, body, len, &r);
	if (x) {
		http_defer_write(req, caliper_write_job(x), caliper_done, x);
		return;
	}
	send_caliper(req, &r);
}
