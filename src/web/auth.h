/* auth.h - sessions on the web: cookie, CSRF, remembered devices, where
 * sign-in returns to, login rate limits.
 *
 * Cookies are HttpOnly, SameSite=Lax, Path=/ (and Secure when the server
 * runs with --cookie-secure): eb_session (the session), eb_device (a
 * remembered device), eb_login (the login forms' CSRF token). Every
 * state-changing request of a logged-in user carries the session's CSRF
 * token in the form field `csrf` or the X-CSRF-Token header. */
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
/* Sets cookie name=value (HttpOnly, SameSite=Lax, Secure as configured) for
 * path, for max_age seconds (0 clears it). value: cookie-safe characters. */
void auth_set_cookie(struct http_request *req, const char *name, const char *value,
		     const char *path, long max_age);
/* Starts a session for a and sets the cookie; the session of the request's
 * old cookie, if any, is deleted (sessions rotate at sign-in). */
enum eb_err auth_start_session(struct http_request *req, const struct account *a);
/* Ends the current session and clears the cookie; forgets this browser's
 * remembered device, if any (signing out on a device means it). */
void auth_end_session(struct http_request *req);

/* Remembers this browser for account a (domain: account_device_remember):
 * sets the cookie eb_device for DEVICE_TTL_DAYS and writes the audit entry
 * (device_remembered, with the device's label). */
enum eb_err auth_remember_device(struct http_request *req, const struct account *a);
/* When the request has no session but a remembered device's valid token:
 * starts a new session for its account (cookie, req->session, audit entry
 * "login", "remembered device") and returns true. A token that is no longer
 * valid is cleared from the browser. True also when a session is loaded. */
bool auth_resume(struct http_request *req);
/* The id of this browser's remembered device when it is a's, else 0. */
int64_t auth_this_device(struct http_request *req, const struct account *a);
/* Forgets this browser's remembered device of a (audited) and clears the
 * cookie. */
void auth_forget_device(struct http_request *req, const struct account *a);
/* A device's label for people from its User-Agent ("Chrome on Android"). */
void auth_device_label(const char *user_agent, char *out, size_t cap);

/* Where sign-in returns to: a local path (with its query) of this site,
 * the page that was asked for. True only for "/..." of printable ASCII
 * without backslashes, not "//..." (another site), at most AUTH_NEXT_MAX
 * bytes, and not a sign-in page itself. */
#define AUTH_NEXT_MAX 1024
bool auth_safe_next(const char *next);
/* next when auth_safe_next, else "/home". */
const char *auth_next_or_home(const char *next);

/* The actor for audit entries made during this request. */
struct audit_actor auth_actor(struct http_request *req);

/* Pre-login CSRF (double submit): sets a cookie and returns the value to put
 * in the login form; auth_login_csrf_ok() checks the pair on POST. */
const char *auth_login_csrf(struct http_request *req);
bool auth_login_csrf_ok(struct http_request *req);

/* Sign-in throttles (docs/security.md "Logging in"). The counters live in
 * the database (domain/account.h, account_throttle_*): nothing evicts them,
 * and an attempt is counted before its password or code is checked, in one
 * write transaction, so concurrent attempts cannot overtake the count.
 * Addresses are counted whole for IPv4 and by their /64 for IPv6. */
struct auth_throttle {
	struct throttle_key keys[2];
	size_t n;
};

/* Before checking a password typed for login in district (0 when none was
 * chosen); a is its account, or NULL when there is none (counted alike, so
 * the answers do not tell). Counts the attempt for the (account, address)
 * pair - 5 free, then a wait from 30 s doubling to 15 min - and for the
 * address - 100 failures per 15 min. EB_EBUSY with *retry_s when either is
 * blocked (nothing counted); EB_EDB when the database is busy. */
enum eb_err auth_password_attempt(struct http_request *req, const struct account *a,
				  int64_t district, const char *login, struct auth_throttle *t,
				  int64_t *retry_s);
/* Before redeeming a typed access code: counts the attempt for the address
 * (10 failures per 15 min) and for the code's first 8 characters (5 per 15
 * min; only attempts at one family's code share them). As above. */
enum eb_err auth_code_attempt(struct http_request *req, const char *code, struct auth_throttle *t,
			      int64_t *retry_s);
/* After a successful attempt: the pair starts again, the address gets the
 * attempt back (its limit counts failures). */
void auth_attempt_succeeded(struct http_request *req, const struct auth_throttle *t);
/* The part of a client address that is counted, into out (cap bytes). */
void auth_address_key(const char *address, char *out, size_t cap);

#endif
