/* page.h - the page frame every HTML page shares: head, navigation for the
 * viewer's roles (the route table's links the viewer may open, router_nav),
 * footer; and error pages. Output goes to req->out. */
#ifndef EB_PAGE_H
#define EB_PAGE_H

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
/* A short notice box (role=status), escaped. kind: "ok" or "error". */
void page_notice(struct http_request *req, const char *kind, const char *text);

#endif
