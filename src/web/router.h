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
	ROUTE_PUBLIC = 1,  /* no login needed */
	ROUTE_API = 2,	   /* JSON errors instead of HTML pages */
	ROUTE_NO_CSRF = 4, /* the handler protects itself (login forms, tool credentials) */
	ROUTE_TOOL = 8,	   /* a classroom tool's credentials, checked before a body is read */
};

#define ROLE_BIT(r) (1u << (r))
#define ROLES_ANY ((1u << ROLE__COUNT) - 1)
#define ROLES_STAFF (ROLES_ANY & ~(ROLE_BIT(ROLE_GUARDIAN) | ROLE_BIT(ROLE_STUDENT)))
#define ROLES_STUDENT_DATA                                                                         \
	(ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) |   \
	 ROLE_BIT(ROLE_COACH) | ROLE_BIT(ROLE_TEACHER) | ROLE_BIT(ROLE_GUARDIAN) |                 \
	 ROLE_BIT(ROLE_STUDENT))

/* Who sees a route's link in the main navigation (struct route.nav_for). */
enum route_nav {
	NAV_SIGNED_IN = 1,  /* a session whose roles the route admits (the default, 0) */
	NAV_SIGNED_OUT = 2, /* a visitor without a session; ROUTE_PUBLIC routes only */
};

struct route {
	const char *method;
	const char *pattern; /* "/classes/:id" */
	void (*handler)(struct http_request *req);
	unsigned roles; /* ROLE_BIT mask; ignored for ROUTE_PUBLIC */
	unsigned flags;
	const char *summary;
	/* The main navigation (GET routes without parameters only): the link's
	 * label, NULL for none; its position, smaller first, links at the same
	 * position being alternatives of which the first the viewer may open is
	 * shown; and to whom (enum route_nav bits, 0: NAV_SIGNED_IN). */
	const char *nav;
	int nav_at;
	unsigned nav_for;
};

extern const struct route routes[];
extern const size_t routes_count;

void router_dispatch(struct http_request *req);

/* Whether r opens for a viewer: signed_in with the roles in role_mask, or
 * a visitor without a session (role_mask ignored). The same rule as
 * router_dispatch's role gate (which also sends visitors to the login). */
bool router_allows(const struct route *r, bool signed_in, unsigned role_mask);

#define ROUTER_NAV_MAX 16
/* The main navigation of a viewer (as for router_allows), in order: the
 * routes with a nav label that the viewer may open (router_allows) and is
 * meant to see (nav_for), one per position. Writes at most cap pointers
 * into routes[] to out; returns how many. */
size_t router_nav(bool signed_in, unsigned role_mask, const struct route **out, size_t cap);

/* Bodies of requests that no credential vouches for (the login forms):
 * a form of a few fields, not an upload. */
#define ROUTER_PUBLIC_MAX_BODY (64 * 1024)

/* How long the read-your-writes mark (the eb_rw cookie: the primary's WAL
 * position after a caller's change) sends that caller's reads to the
 * primary at most, while a read replica has not replayed it (db.h). */
#define ROUTER_READ_MARK_S 300

/* The server's admit callback (http.h): from the headers alone, before a
 * byte of a body is read. An unknown address or method gets its 404/405
 * now; a page behind a login needs a session whose role the route allows
 * (else the login redirect, 401 or 403, as router_dispatch answers); a
 * tool endpoint needs the tool's credentials (api_tool_admit); a public
 * page may send ROUTER_PUBLIC_MAX_BODY bytes at most. */
bool router_admit(struct http_request *req, size_t *body_cap);

#endif
