#include "web/router.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "web/api/xapi_alt.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

/* Matches pattern against path; fills params (decoded) on success. */
static bool route_match(struct http_request *req, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	int np = 0;
	const char *params[HTTP_MAX_PARAMS];
	while (*p && *s) {
		if (p[0] == '*' && p[1] == '\0') {
			/* trailing wildcard: the rest of the path */
			p++;
			s += strlen(s);
			break;
		}
		if (*p == ':') {
			while (*p && *p != '/')
				p++;
			const char *start = s;
			while (*s && *s != '/')
				s++;
			if (s == start || np == HTTP_MAX_PARAMS)
				return false;
			char *v = arena_strndup(&req->arena, start, (size_t)(s - start));
			if (!v || !http_url_decode(v) || strlen(v) > 200)
				return false;
			params[np++] = v;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	if (*p || *s)
		return false;
	memcpy(req->params, params, sizeof(params[0]) * (size_t)np);
	req->nparams = np;
	return true;
}

static void deny(struct http_request *req, const struct route *r, int status, const char *msg)
{
	if (r && (r->flags & ROUTE_API))
		http_json_error(req, status, msg);
	else
		page_error(req, status, status == 403 ? "Not allowed" : "Error", msg);
}

/* The route for req's method and path (req->params filled), or NULL after
 * answering 404 or 405. */
static const struct route *route_find(struct http_request *req)
{
	const struct route *hit = NULL;
	bool path_known = false;
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	for (size_t i = 0; i < routes_count; i++) {
		if (!route_match(req, routes[i].pattern, req->path))
			continue;
		path_known = true;
		if (strcmp(routes[i].method, method) == 0 || strcmp(routes[i].method, "*") == 0) {
			hit = &routes[i];
			break;
		}
	}
	if (!hit) {
		if (path_known) {
			http_set_header(req, "Allow", "GET, POST");
			deny(req, NULL, 405, "This address does not accept that method.");
		} else {
			bool api = strncmp(req->path, "/api/", 5) == 0;
			if (api)
				http_json_error(req, 404, "no such endpoint");
			else
				page_error(req, 404, "Not found",
					   "There is no page at this address.");
		}
		return NULL;
	}
	req->route = (void *)hit;
	return hit;
}

/* To the login form, which returns to the page asked for (a GET's; a form
 * sent without a session cannot be sent again from there). */
static void login_redirect(struct http_request *req)
{
	const char *target = NULL;
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0)
		target = http_request_target(req, AUTH_NEXT_MAX + 1);
	if (!target || !auth_safe_next(target) || strcmp(target, "/home") == 0) {
		http_redirect(req, "/login");
		return;
	}
	struct buf b = BUF_INIT;
	buf_init(&b, 4 * AUTH_NEXT_MAX);
	buf_puts(&b, "/login?next=");
	html_url(&b, target);
	const char *loc = buf_failed(&b) ? NULL : arena_strdup(&req->arena, buf_cstr(&b));
	buf_free(&b);
	http_redirect(req, loc ? loc : "/login");
}

/* A route behind a login: the session must exist and its role be allowed;
 * otherwise the answer is filled in and false returned. */
static bool session_gate(struct http_request *req, const struct route *hit)
{
	if (!req->session)
		auth_load(req);
	if (!req->session)
		auth_resume(req);
	if (!req->session) {
		if (hit->flags & ROUTE_API)
			http_json_error(req, 401, "log in first");
		else
			login_redirect(req);
		return false;
	}
	if (!router_allows(hit, true, req->session->account.role_mask)) {
		deny(req, hit, 403, "Your role does not give access to this page.");
		return false;
	}
	return true;
}

/* Read replicas (db.h): a GET or HEAD reads from the replica, unless its
 * caller changed something the replica has not replayed yet: the eb_rw
 * cookie holds the primary's WAL position after the caller's last change,
 * and while the replica is behind it every read is the primary's
 * (read-your-writes). Any other method reads from the primary. */
static void reads_begin(struct http_request *req)
{
	if (!db_has_replica(req->db))
		return;
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	const char *mark = get ? http_cookie(req, "eb_rw") : NULL;
	bool replica = get && (!mark || db_replica_caught_up(req->db, mark));
	db_read_from(req->db, replica ? DB_READ_REPLICA : DB_READ_PRIMARY);
}

/* After a request that may have changed something (any method but GET and
 * HEAD, or a GET that wrote through its connection): the mark for the
 * caller's next pages, for as long as a replica may reasonably lag. */
static void reads_end(struct http_request *req)
{
	if (!db_has_replica(req->db))
		return;
	bool get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	char pos[40];
	if ((get && !db_wrote(req->db)) || db_write_position(req->db, pos, sizeof pos))
		return;
	auth_set_cookie(req, "eb_rw", pos, "/", ROUTER_READ_MARK_S);
}

bool router_admit(struct http_request *req, size_t *body_cap)
{
	reads_begin(req);
	if (xapi_alt_requested(req))
		return xapi_alt_admit(req, body_cap); /* its credentials are in the body */
	const struct route *hit = route_find(req);
	if (!hit)
		return false;
	if (hit->flags & ROUTE_TOOL)
		return api_tool_admit(req, body_cap);
	if (hit->flags & ROUTE_PUBLIC) {
		if (*body_cap > ROUTER_PUBLIC_MAX_BODY)
			*body_cap = ROUTER_PUBLIC_MAX_BODY;
		return true;
	}
	return session_gate(req, hit);
}

static void dispatch(struct http_request *req);

void router_dispatch(struct http_request *req)
{
	reads_begin(req);
	dispatch(req);
	reads_end(req);
}

static void dispatch(struct http_request *req)
{
	/* an xAPI request in the alternate syntax becomes the one it carries */
	if (xapi_alt_requested(req) && !xapi_alt_apply(req))
		return;
	/* the route and session found at admission, when the request had a body */
	const struct route *hit = req->route ? req->route : route_find(req);
	if (!hit)
		return;
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	if (!(hit->flags & ROUTE_PUBLIC)) {
		if (!session_gate(req, hit))
			return;
	} else if (!req->session) {
		auth_load(req);
	}
	if (strcmp(method, "POST") == 0 && !(hit->flags & ROUTE_NO_CSRF) && req->session &&
	    !auth_csrf_ok(req)) {
		deny(req, hit, 403,
		     "The form's security token is missing or out of date. "
		     "Go back, reload the page and try again.");
		return;
	}
	if (req->session)
		req->no_cache = true;
	hit->handler(req);
}

bool router_allows(const struct route *r, bool signed_in, unsigned role_mask)
{
	if (r->flags & ROUTE_PUBLIC)
		return true;
	return signed_in && (role_mask & r->roles);
}

size_t router_nav(bool signed_in, unsigned role_mask, const struct route **out, size_t cap)
{
	size_t n = 0;
	unsigned who = signed_in ? NAV_SIGNED_IN : NAV_SIGNED_OUT;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		unsigned to = r->nav_for ? r->nav_for : NAV_SIGNED_IN;
		if (!r->nav || strcmp(r->method, "GET") != 0 || !(to & who) ||
		    !router_allows(r, signed_in, role_mask))
			continue;
		/* insert in position order; at a taken position the first stays */
		size_t k = n;
		while (k > 0 && out[k - 1]->nav_at > r->nav_at)
			k--;
		if ((k > 0 && out[k - 1]->nav_at == r->nav_at) || n == cap)
			continue;
		memmove(&out[k + 1], &out[k], (n - k) * sizeof out[0]);
		out[k] = r;
		n++;
	}
	return n;
}
