/* router.h - the route table and the gate every request passes.
 *
 * Before a handler runs, the router has: matched the path (":name" segments
 * become req->params), loaded the session, sent anonymous users to the login
 * page (HTML) or answered 401 (API), answered 403 to a role not in the
 * route's mask, and checked the CSRF token of every state-changing request.
 * Handlers then check the tenant and the record (domain/access.h). */
#ifndef EB_ROUTER_H
#define EB_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/account.h"

struct http_request;

enum route_flags {
	ROUTE_PUBLIC = 1,	/* no login needed */
	ROUTE_API = 2,		/* JSON errors instead of HTML pages */
	ROUTE_NO_CSRF = 4,	/* the handler protects itself (login forms, tool credentials) */
	ROUTE_TOOL = 8,		/* a classroom tool's credentials, checked before a body is read */
};

#define ROLE_BIT(r) (1u << (r))
#define ROLES_ANY ((1u << ROLE__COUNT) - 1)
#define ROLES_STAFF (ROLES_ANY & ~(ROLE_BIT(ROLE_GUARDIAN) | ROLE_BIT(ROLE_STUDENT)))
#define ROLES_STUDENT_DATA                                                                        \
	(ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) |  \
	 ROLE_BIT(ROLE_COACH) | ROLE_BIT(ROLE_TEACHER) | ROLE_BIT(ROLE_GUARDIAN) |                 \
	 ROLE_BIT(ROLE_STUDENT))

struct route {
	const char *method;
	const char *pattern;	/* "/classes/:id" */
	void (*handler)(struct http_request *req);
	unsigned roles;		/* ROLE_BIT mask; ignored for ROUTE_PUBLIC */
	unsigned flags;
	const char *summary;
};

extern const struct route routes[];
extern const size_t routes_count;

void router_dispatch(struct http_request *req);

/* Bodies of requests that no credential vouches for (the login forms):
 * a form of a few fields, not an upload. */
#define ROUTER_PUBLIC_MAX_BODY (64 * 1024)

/* The server's admit callback (http.h): from the headers alone, before a
 * byte of a body is read. An unknown address or method gets its 404/405
 * now; a page behind a login needs a session whose role the route allows
 * (else the login redirect, 401 or 403, as router_dispatch answers); a
 * tool endpoint needs the tool's credentials (api_tool_admit); a public
 * page may send ROUTER_PUBLIC_MAX_BODY bytes at most. */
bool router_admit(struct http_request *req, size_t *body_cap);

#endif
