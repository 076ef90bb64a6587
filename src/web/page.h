/* page.h - the page frame every HTML page shares: head, navigation for the
 * viewer's roles (the route table's links the viewer may open, router_nav),
 * footer; and error pages. Output goes to req->out. */
#ifndef EB_PAGE_H
#define EB_PAGE_H

#include <stdbool.h>
#include <stdint.h>

struct http_request;

void page_begin(struct http_request *req, const char *title);
void page_end(struct http_request *req);
/* A complete error page with status (4xx/5xx) and a message for people. */
void page_error(struct http_request *req, int status, const char *title, const char *message);
/* <input type=hidden name=csrf value=...> for the current session. */
void page_csrf_field(struct http_request *req);
/* Opens the scroll box of a wide table, "<div class=table-wrap>" (close it
 * with "</div>"): keyboard users can reach and scroll it (tabindex 0), and
 * screen readers name it (role region, label escaped). */
void page_scroll_begin(struct http_request *req, const char *label);
/* A time (Unix seconds) in the district's time zone, "2025-11-24 14:05 CST"
 * (UTC for a visitor who is not signed in), escaped. */
void page_time(struct http_request *req, int64_t t);
/* How the signed-in user's district names its standards (domain/frameworks:
 * the primary framework's codes, an own item's code), read once per request
 * and kept on it; NULL without a session or on a store error (labels are
 * then the codes themselves). */
struct frameworks_labels *page_std_labels(struct http_request *req);
/* The label of a standard code (page_std_labels, frameworks_label); never
 * NULL. */
const char *page_std_label(struct http_request *req, const char *code);
/* A short notice box (role=status), escaped. kind: "ok" or "error". */
void page_notice(struct http_request *req, const char *kind, const char *text);

/* The address families and staff reach edbridge at ("https://edbridge.
 * example.org", no trailing slash), for what is printed (the access-code
 * letter): `serve --public-url`. NULL when not set. Set once at start-up,
 * before the server runs; read by any thread. */
const char *page_public_url(void);
/* Sets it (a copy); false, leaving it unset, for an address that is not an
 * absolute http(s) URL of printable ASCII without quotes, spaces or a
 * query, at most PAGE_PUBLIC_URL_MAX bytes. NULL unsets it. */
#define PAGE_PUBLIC_URL_MAX 200
bool page_set_public_url(const char *url);

#endif
