/* web/api/lti_services.c - the LTI Advantage service endpoints tools call:
 * /lti/token, /lti/ags/<link>/lineitems..., /lti/nrps/<class>/memberships.
 * Public routes (no session, no CSRF): each handler checks the tool's own
 * credential (the signed assertion, then the bearer token); the domain
 * (domain/lti_services.h) does the rest. Errors are JSON: {"error",
 * "error_description"} as RFC 6749 and 6750 write them. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/lti_services.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

/* The address tools reach edbridge at: serve --public-url, else the Host
 * the request came to (loopback tests, one machine). */
static void base_url(struct http_request *req, char *out, size_t cap)
{
	const char *pub = page_public_url();
	const char *host = http_header(req, "Host");
	if (pub)
		snprintf(out, cap, "%s", pub);
	else
		snprintf(out, cap, "http://%s", host && strlen(host) < 200 ? host : "localhost");
}

static void send_error(struct http_request *req, const struct lti_error *e)
{
	req->status = e->status ? e->status : 500;
	req->content_type = "application/json";
	req->no_cache = true;
	buf_reset(&req->out);
	json_t *j = json_pack("{s:s, s:s}", "error", e->error ? e->error : "server_error",
			      "error_description", e->why);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	buf_puts(&req->out, s ? s : "{\"error\":\"server_error\"}");
	free(s);
	json_decref(j);
	if (e->status == 401)
		http_set_header(req, "WWW-Authenticate",
				strcmp(e->error, "invalid_token") == 0
					? "Bearer error=\"invalid_token\""
					: "Bearer");
}

static void send_json(struct http_request *req, int status, const char *type, struct buf *body)
{
	req->status = status;
	req->content_type = type;
	req->no_cache = true;
	buf_reset(&req->out);
	buf_put(&req->out, body->data ? body->data : "", body->len);
}

void api_lti_token(struct http_request *req)
{
	char base[300], url[340];
	base_url(req, base, sizeof base);
	snprintf(url, sizeof url, "%s/lti/token", base);
	struct lti_token_request in = {
		.grant_type = http_form(req, "grant_type"),
		.client_assertion_type = http_form(req, "client_assertion_type"),
		.client_assertion = http_form(req, "client_assertion"),
		.scope = http_form(req, "scope"),
	};
	struct lti_error err = { 0 };
	struct buf out = BUF_INIT;
	buf_init(&out, 4096);
	if (lti_token_issue(req->db, &in, url, time_now(), &out, &err))
		send_error(req, &err);
	else
		send_json(req, 200, "application/json", &out);
	if (out.data)
		sodium_memzero(out.data, out.len); /* the token is a secret */
	buf_free(&out);
}

/* The bearer token with one of any_of; false (the answer sent) otherwise. */
static bool caller(struct http_request *req, unsigned any_of, struct lti_caller *c)
{
	struct lti_error err = { 0 };
	if (lti_token_check(req->db, http_header(req, "Authorization"), any_of, time_now(), c,
			    &err)) {
		send_error(req, &err);
		return false;
	}
	return true;
}

static bool param_id(struct http_request *req, int i, int64_t *out)
{
	if (req->nparams > i && !cstr_to_i64(req->params[i], 1, INT64_MAX, out))
		return true;
	struct lti_error e = { .status = 404, .error = "not_found" };
	snprintf(e.why, sizeof e.why, "no such resource");
	send_error(req, &e);
	return false;
}

#define S(x) (1u << (x))

static void container_url(struct http_request *req, int64_t link, char *out, size_t cap)
{
	char base[300];
	base_url(req, base, sizeof base);
	snprintf(out, cap, "%s/lti/ags/%lld/lineitems", base, (long long)link);
}

void api_lti_lineitems_get(struct http_request *req)
{
	struct lti_caller c;
	int64_t link;
	if (!param_id(req, 0, &link) ||
	    !caller(req, S(LTI_SCOPE_LINEITEM) | S(LTI_SCOPE_LINEITEM_READ), &c))
		return;
	char url[400];
	container_url(req, link, url, sizeof url);
	int64_t limit = 0;
	const char *l = http_query(req, "limit");
	if (l && cstr_to_i64(l, 1, 1000, &limit))
		limit = 0;
	struct lti_lineitem_filter f = {
		.resource_link_id = http_query(req, "resource_link_id"),
		.resource_id = http_query(req, "resource_id"),
		.tag = http_query(req, "tag"),
		.limit = (int)limit,
	};
	struct lti_error err = { 0 };
	struct buf out = BUF_INIT;
	buf_init(&out, 8 * 1024 * 1024);
	if (lti_ags_lineitems(req->db, &c, link, &f, url, &out, &err))
		send_error(req, &err);
	else
		send_json(req, 200, "application/vnd.ims.lis.v2.lineitemcontainer+json", &out);
	buf_free(&out);
}

static void lineitem_write(struct http_request *req, bool create)
{
	struct lti_caller c;
	int64_t link, item = 0;
	if (!param_id(req, 0, &link) || (!create && !param_id(req, 1, &item)) ||
	    !caller(req, S(LTI_SCOPE_LINEITEM), &c))
		return;
	char url[400];
	container_url(req, link, url, sizeof url);
	struct lti_error err = { 0 };
	struct buf out = BUF_INIT;
	buf_init(&out, 64 * 1024);
	int64_t id;
	if (lti_ags_lineitem_put(req->db, &c, link, item, req->body.data, req->body.len, url,
				 time_now(), &out, &id, &err)) {
		send_error(req, &err);
	} else {
		if (create) {
			char loc[440];
			snprintf(loc, sizeof loc, "%s/%lld", url, (long long)id);
			http_set_header(req, "Location", loc);
		}
		send_json(req, create ? 201 : 200, "application/vnd.ims.lis.v2.lineitem+json",
			  &out);
	}
	buf_free(&out);
}

void api_lti_lineitems_post(struct http_request *req)
{
	lineitem_write(req, true);
}

void api_lti_lineitem_put(struct http_request *req)
{
	lineitem_write(req, false);
}

void api_lti_lineitem_get(struct http_request *req)
{
	struct lti_caller c;
	int64_t link, item;
	if (!param_id(req, 0, &link) || !param_id(req, 1, &item) ||
	    !caller(req, S(LTI_SCOPE_LINEITEM) | S(LTI_SCOPE_LINEITEM_READ), &c))
		return;
	char url[400];
	container_url(req, link, url, sizeof url);
	struct lti_error err = { 0 };
	struct buf out = BUF_INIT;
	buf_init(&out, 64 * 1024);
	if (lti_ags_lineitem_get(req->db, &c, link, item, url, &out, &err))
		send_error(req, &err);
	else
		send_json(req, 200, "application/vnd.ims.lis.v2.lineitem+json", &out);
	buf_free(&out);
}

void api_lti_lineitem_delete(struct http_request *req)
{
	struct lti_caller c;
	int64_t link, item;
	if (!param_id(req, 0, &link) || !param_id(req, 1, &item) ||
	    !caller(req, S(LTI_SCOPE_LINEITEM), &c))
		return;
	struct lti_error err = { 0 };
	if (lti_ags_lineitem_delete(req->db, &c, link, item, &err)) {
		send_error(req, &err);
		return;
	}
	req->status = 204;
	req->no_cache = true;
	buf_reset(&req->out);
}

void api_lti_scores(struct http_request *req)
{
	struct lti_caller c;
	int64_t link, item;
	if (!param_id(req, 0, &link) || !param_id(req, 1, &item) ||
	    !caller(req, S(LTI_SCOPE_SCORE), &c))
		return;
	struct lti_error err = { 0 };
	int events = 0;
	if (lti_ags_score(req->db, &c, link, item, req->body.data, req->body.len, time_now(),
			  &events, &err)) {
		send_error(req, &err);
		return;
	}
	struct buf out = BUF_INIT;
	buf_init(&out, 256);
	buf_printf(&out, "{\"learningEvents\":%d}", events);
	send_json(req, 200, "application/json", &out);
	buf_free(&out);
}

void api_lti_results(struct http_request *req)
{
	struct lti_caller c;
	int64_t link, item;
	if (!param_id(req, 0, &link) || !param_id(req, 1, &item) ||
	    !caller(req, S(LTI_SCOPE_RESULT_READ), &c))
		return;
	char url[400];
	container_url(req, link, url, sizeof url);
	int64_t limit = 0;
	const char *l = http_query(req, "limit");
	if (l && cstr_to_i64(l, 1, 100000, &limit))
		limit = 0;
	struct lti_error err = { 0 };
	struct buf out = BUF_INIT;
	buf_init(&out, 16 * 1024 * 1024);
	if (lti_ags_results(req->db, &c, link, item, http_query(req, "user_id"), (int)limit, url,
			    &out, &err))
		send_error(req, &err);
	else
		send_json(req, 200, "application/vnd.ims.lis.v2.resultcontainer+json", &out);
	buf_free(&out);
}

void api_lti_nrps(struct http_request *req)
{
	struct lti_caller c;
	if (req->nparams < 1 || !caller(req, S(LTI_SCOPE_MEMBERSHIP_READ), &c))
		return;
	char base[300];
	base_url(req, base, sizeof base);
	struct buf self = BUF_INIT;
	buf_init(&self, 2048);
	buf_puts(&self, base);
	buf_puts(&self, "/lti/nrps/");
	html_url(&self, req->params[0]);
	buf_puts(&self, "/memberships");
	int64_t limit = 0;
	const char *l = http_query(req, "limit");
	if (l && cstr_to_i64(l, 1, LTI_NRPS_PAGE_MAX, &limit))
		limit = 0;
	const char *after = http_query(req, "after");
	struct lti_error err = { 0 };
	struct buf out = BUF_INIT;
	buf_init(&out, 32 * 1024 * 1024);
	char next[80];
	if (lti_nrps_members(req->db, &c, req->params[0], after, (int)limit, buf_cstr(&self), &out,
			     next, &err)) {
		send_error(req, &err);
	} else {
		if (next[0]) {
			struct buf link = BUF_INIT;
			buf_init(&link, 4096);
			buf_printf(&link, "<%s?limit=%lld&after=", buf_cstr(&self),
				   (long long)(limit ? limit : LTI_NRPS_PAGE_DEFAULT));
			html_url(&link, next);
			buf_puts(&link, ">; rel=\"next\"");
			if (!buf_failed(&link))
				http_set_header(req, "Link",
						arena_strdup(&req->arena, buf_cstr(&link)));
			buf_free(&link);
		}
		send_json(req, 200, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
			  &out);
	}
	buf_free(&out);
	buf_free(&self);
}
