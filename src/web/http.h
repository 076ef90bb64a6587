/* http.h - the HTTP server (libmicrohttpd, thread pool with epoll).
 *
 * Each request gets a struct http_request whose arena lives exactly as long
 * as the request. The server calls one dispatch function per complete
 * request (after the whole body has arrived, never on the first callback,
 * so connections stay alive); the dispatcher fills in the response fields.
 * Hard limits: headers (connection memory), body (413), idle timeout. */
#ifndef EB_HTTP_H
#define EB_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"

struct db;
struct MHD_Connection;
struct auth_session;

#define HTTP_MAX_HEADERS_OUT 12
#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_FORM 128

struct http_kv {
	const char *name, *value;
};

struct http_request {
	struct arena arena;		/* dies with the request */
	struct MHD_Connection *conn;
	const char *method;		/* "GET", "POST", ... */
	const char *path;		/* as received, without the query */
	char client_addr[64];
	struct db *db;			/* this worker thread's connection */
	const char *db_path;

	/* body (capped) */
	struct buf body;
	bool body_too_big;

	/* form fields (urlencoded POST body), parsed on demand */
	struct http_kv form[HTTP_MAX_FORM];
	int nform;
	bool form_parsed;

	/* filled by the router */
	const char *params[HTTP_MAX_PARAMS];
	int nparams;
	struct auth_session *session;	/* NULL when not logged in */
	void *route;			/* the matched route entry */

	/* response */
	int status;
	const char *content_type;
	struct buf out;
	struct http_kv headers[HTTP_MAX_HEADERS_OUT];
	int nheaders;
	bool no_cache;
	double started;

	/* http_defer_write: the continuation, set while the write is pending */
	void (*finish)(struct http_request *req, void *arg);
	void *finish_arg;
};

struct http_server_opts {
	const char *bind_addr;	/* default 127.0.0.1 */
	int port;		/* 0 picks a free port */
	int threads;		/* worker threads; default = CPU count */
	size_t max_body;	/* bytes; default 16 MiB */
	int timeout_s;		/* idle connection timeout; default 30 */
	const char *db_path;
	bool access_log;	/* one line per request to stderr */
	void (*dispatch)(struct http_request *req);
};

struct http_server;

/* Starts serving; the actual port is in *port_out. */
enum eb_err http_start(const struct http_server_opts *opts, struct http_server **out,
		       int *port_out);
void http_stop(struct http_server *srv);

/* Request helpers */
const char *http_header(struct http_request *req, const char *name);
const char *http_cookie(struct http_request *req, const char *name);
/* Query-string argument, URL-decoded; NULL if absent. */
const char *http_query(struct http_request *req, const char *name);
/* Form field of an application/x-www-form-urlencoded body; NULL if absent. */
const char *http_form(struct http_request *req, const char *name);
/* All values of a repeated form field; returns the count (at most cap). */
int http_form_all(struct http_request *req, const char *name, const char **out, int cap);

/* Response helpers */
void http_set_header(struct http_request *req, const char *name, const char *value);
void http_redirect(struct http_request *req, const char *location); /* 303 See Other */
/* Sets status and a JSON body {"error": message}. */
void http_json_error(struct http_request *req, int status, const char *message);
void http_text(struct http_request *req, int status, const char *text);

/* Lets a handler answer after a write handed to the group commit without
 * holding up its worker thread, which goes on serving other connections:
 * the connection is suspended and w queued (db_write_submit). Once w is
 * done the server calls finish(req, arg) on a worker thread, where w->rc
 * tells the outcome and finish fills in the response as a handler would.
 * When the queue is full, w is not run and w->rc is EB_EBUSY: finish
 * should answer 503 (the write is refused whole, and the worker is not held
 * up while the database is locked). When w cannot be queued for another
 * reason it is written at once (db_write_grouped) and finish follows the
 * same way. finish also runs, to free what it owns, when
 * the client has gone by then (the response is dropped). The handler must
 * return right after calling this. */
struct db_write;
void http_defer_write(struct http_request *req, struct db_write *w,
		      void (*finish)(struct http_request *req, void *arg), void *arg);

/* Percent-decodes in place (+ becomes space); returns false on a bad escape. */
bool http_url_decode(char *s);

#endif
