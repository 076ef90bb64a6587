/* router.h - the route table and the gate every request passes.
 *
 * Before a handler runs, the router has: matched the path (":name" segments
 * become req->params), loaded the session, sent anonymous users to the login
 * page (HTML) or answered 401 (API), answered 403 to a role not in the
 * route's mask, and checked the CSRF token of every state-changing request.
 * Handlers then check the tenant and the record (domain/access.h). */
#ifndef EB_ROUTER_H
#define EB_ROUTER_H

#include <stddef.h>

#include "domain/account.h"

struct http_request;

enum route_flags {
	ROUTE_PUBLIC = 1,	/* no login needed */
	ROUTE_API = 2,		/* JSON errors instead of HTML pages */
	ROUTE_NO_CSRF = 4,	/* the handler protects itself (login forms, tool credentials) */
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

#endif
