/* auth.h - sessions on the web: cookie, CSRF, login rate limits.
 *
 * The session cookie is HttpOnly, SameSite=Strict, Path=/ (and Secure when
 * the server runs with --cookie-secure). Every state-changing request of a
 * logged-in user carries the session's CSRF token in the form field `csrf`
 * or the X-CSRF-Token header. */
#ifndef EB_WEB_AUTH_H
#define EB_WEB_AUTH_H

#include <stdbool.h>

#include "domain/account.h"
#include "domain/audit.h"

struct http_request;

struct auth_session {
	struct account account;
	char csrf[64];
};

void auth_set_cookie_secure(bool secure);
/* Loads req->session from the cookie; leaves it NULL when absent or invalid. */
void auth_load(struct http_request *req);
/* Constant-time comparison of the request's CSRF token with the session's. */
bool auth_csrf_ok(struct http_request *req);
/* Starts a session for a and sets the cookie. */
enum eb_err auth_start_session(struct http_request *req, const struct account *a);
/* Ends the current session and clears the cookie. */
void auth_end_session(struct http_request *req);

/* The actor for audit entries made during this request. */
struct audit_actor auth_actor(struct http_request *req);

/* Pre-login CSRF (double submit): sets a cookie and returns the value to put
 * in the login form; auth_login_csrf_ok() checks the pair on POST. */
const char *auth_login_csrf(struct http_request *req);
bool auth_login_csrf_ok(struct http_request *req);

/* Login rate limit: at most 5 failures per login and 20 per address within
 * 15 minutes. auth_rate_allowed() is false while either limit is exceeded. */
bool auth_rate_allowed(const char *login, const char *address);
void auth_rate_failure(const char *login, const char *address);
void auth_rate_success(const char *login);
/* Forgets every counter (tests). */
void auth_rate_reset(void);

#endif
