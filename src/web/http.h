/* http.h - the HTTP server (libmicrohttpd, thread pool with epoll).
 *
 * Each request gets a struct http_request whose arena lives exactly as long
 * as the request. The server calls one dispatch function per complete
 * request (after the whole body has arrived, never on the first callback,
 * so connections stay alive); the dispatcher fills in the response fields.
 *
 * Before a byte of a body is read, the headers are checked: a request that
 * frames its body ambiguously (two different Content-Length headers, a
 * Transfer-Encoding other than chunked or next to a Content-Length, a header
 * name with white space) is refused with 400; the admit callback decides,
 * from the headers alone, whether the caller may send a body and how large;
 * and the body must fit in what is left of the server-wide body budget (503
 * with Retry-After otherwise). Hard limits: headers (connection memory),
 * body (413), connections per client address, an idle timeout for
 * connections that have sent nothing, the body budget. docs/security.md
 * lists them. */
#ifndef EB_HTTP_H
#define EB_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

struct db;
struct MHD_Connection;
struct auth_session;
struct i18n_lang;

#define HTTP_MAX_HEADERS_OUT 12
#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_FORM 128

struct http_kv {
	const char *name, *value;
};

struct http_request {
	struct arena arena; /* dies with the request */
	struct MHD_Connection *conn;
	const char *method; /* "GET", "POST", ... */
	const char *path;   /* as received, without the query */
	char client_addr[64];
	struct db *db; /* this worker thread's connection */
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
	struct auth_session *session; /* NULL when not logged in */
	void *route;		      /* the matched route entry */
	const void *zone;	      /* the district's time zone, once page_time read it */
	void *std_labels; /* the district's standard labels, once page_std_labels read them */
	/* the language the page is written in (base/i18n.h); NULL: English.
	 * Family and student pages set it (docs/i18n.md) */
	const struct i18n_lang *lang;

	/* set by the admit callback when the headers proved who the caller is
	 * (arena memory), for the handler to reuse; NULL otherwise */
	const void *admitted;

	/* the alternate request syntax (web/api/xapi_alt.h): when alt is set,
	 * http_header and http_query answer from these (arena memory) */
	bool alt;
	const struct http_kv *alt_headers, *alt_query;
	int nalt_headers, nalt_query;

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

	/* http_hold_until_written: the write the response waits for */
	struct db_write *hold;
	void (*hold_failed)(struct http_request *req);
};

struct http_server_opts {
	const char *bind_addr; /* default 127.0.0.1 */
	int port;	       /* 0 picks a free port */
	int threads;	       /* worker threads; default = CPU count */
	size_t max_body;       /* bytes; default 16 MiB */
	/* bytes of request bodies held at once, all connections together;
	 * default: an eighth of the machine's memory, within [64 MiB, 1 GiB],
	 * never below max_body */
	size_t body_budget;
	int timeout_s; /* inactivity timeout once a request has begun; default 30 */
	/* a connection that has not sent a whole request header within this
	 * many seconds of going quiet is closed; default 10 */
	int idle_timeout_s;
	int max_connections; /* default 4096 (less when the file limit is lower) */
	int per_addr_limit;  /* connections per client address; default 256, -1 no cap */
	double stop_grace_s; /* http_stop's wait for work in progress; default 3 */
	const char *db_path;
	/* a hot standby of db_path (PostgreSQL) each worker's connection reads
	 * from where the router says (db.h, read replicas); NULL: none */
	const char *db_read_path;
	bool access_log; /* one line per request to stderr */
	void (*dispatch)(struct http_request *req);
	/* Called on the worker thread once the headers of a request that
	 * carries a body have arrived, before any of the body is read, with
	 * req->db set and *body_cap = max_body. Returns true to read the body
	 * (after lowering *body_cap for a caller the headers do not identify),
	 * or false after filling in the response that refuses the request: it
	 * is sent at once and the body never read (the connection closes), or,
	 * for a declared body of 64 KiB at most, sent once the body has been
	 * skipped (the connection stays open). NULL admits every body. */
	bool (*admit)(struct http_request *req, size_t *body_cap);
};

struct http_server;

/* Starts serving; the actual port is in *port_out. */
enum eb_err http_start(const struct http_server_opts *opts, struct http_server **out,
		       int *port_out);
/* Stops: no new connection is accepted and every request not yet handed to
 * a handler is answered 503 (Retry-After, Connection: close); requests in
 * a handler and writes in the group commit get up to stop_grace_s to
 * finish and answer; writes still waiting in the queue then are refused
 * (503, nothing written). Returns true when everything stopped and the
 * server is freed; false when a handler or a write was still running at the
 * deadline: the server is then left to the process exit (which must not
 * wait for the writer: _exit), and nothing it holds was acknowledged. */
bool http_stop(struct http_server *srv);

/* Request helpers */
const char *http_header(struct http_request *req, const char *name);
const char *http_cookie(struct http_request *req, const char *name);
/* The request's path and query as a local address, "/students/x?sort=name"
 * (the query re-encoded from its decoded arguments), in the arena; NULL
 * when it would be longer than cap bytes or memory runs out. */
const char *http_request_target(struct http_request *req, size_t cap);
/* Query-string argument, URL-decoded; NULL if absent. */
const char *http_query(struct http_request *req, const char *name);
/* Every query-string argument (URL-decoded, in order; an alternate-syntax
 * request's form parameters once rewritten, see alt above): writes at most
 * cap to out, returns how many there are (more than cap: some left out). */
int http_query_all(struct http_request *req, struct http_kv *out, int cap);
/* The names of the query-string arguments, URL-decoded, in order, repeats
 * included (an alternate-syntax request's form parameters once rewritten),
 * into out[0..cap); returns how many there are (more than cap when some did
 * not fit). */
size_t http_query_names(struct http_request *req, const char **out, size_t cap);
/* Form field of an application/x-www-form-urlencoded body; NULL if absent. */
const char *http_form(struct http_request *req, const char *name);
/* All values of a repeated form field; returns the count (at most cap). */
int http_form_all(struct http_request *req, const char *name, const char **out, int cap);

/* Response helpers */
void http_set_header(struct http_request *req, const char *name, const char *value);
void http_redirect(struct http_request *req, const char *location); /* 303 See Other */
/* The one answer when the store cannot be reached (EB_EUNAVAIL, see
 * base/err.h): 503, Retry-After: HTTP_UNAVAILABLE_RETRY_S, no-store, and a
 * plain-text line saying that nothing was changed. Any earlier response is
 * replaced. The server calls it itself for a request whose worker
 * connection met the outage (db_unavailable_take), whatever the handler
 * answered; a handler whose write went through the group commit (the
 * writer's own connection: db_write's rc EB_EUNAVAIL) calls it through
 * http_unavailable_if (the ingest API maps it in api_ingest_status). */
#define HTTP_UNAVAILABLE_RETRY_S 5
void http_unavailable(struct http_request *req);
/* True (after http_unavailable) when rc is EB_EUNAVAIL; false otherwise,
 * the response untouched: `if (http_unavailable_if(req, rc)) return;`. */
bool http_unavailable_if(struct http_request *req, enum eb_err rc);

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

/* Holds the response the handler fills in until w (a group-commit job, see
 * store/db_write.h; w and what it points to live in req->arena) has
 * committed: the handler returns as usual, the worker goes on serving other
 * connections, and the response leaves only after the COMMIT. When w fails
 * (or the queue is full), failed(req) replaces the response instead, so what
 * the response shows is never seen without w stored: the audit of record
 * views ("no record of the view, no view"), written in groups under load.
 * One per request: false when one is held already (the caller then writes
 * itself). A response that is not a success (status >= 300) is sent without
 * waiting, and w is not run. */
bool http_hold_until_written(struct http_request *req, struct db_write *w,
			     void (*failed)(struct http_request *req));

/* Percent-decodes in place (+ becomes space); returns false on a bad escape. */
bool http_url_decode(char *s);

/* The form reader: splits an application/x-www-form-urlencoded string, in
 * place, into at most cap fields of out (names and values decoded, pointing
 * into s); a field with a bad escape or no '=' is skipped. Returns the
 * count. */
int http_form_parse(char *s, struct http_kv *out, int cap);

/* The cookie reader: the value of the first cookie called name in a Cookie
 * header (RFC 6265: "a=1; b=2", a value may be in double quotes), copied
 * into out (cap bytes with the NUL). False when the header has no such
 * cookie or its value does not fit; a malformed pair is skipped, never
 * mistaken for another. */
bool http_cookie_parse(const char *header, const char *name, char *out, size_t cap);

#endif
