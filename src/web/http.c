#include "web/http.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "store/db.h"
#include "store/db_write.h"

#define HTTP_DEFAULT_MAX_BODY ((size_t)16 << 20)
/* Bytes MHD may use per connection for the request line and headers: a
 * request whose headers do not fit is refused by MHD itself. */
#define HTTP_CONN_MEMORY (64 * 1024)
#define HTTP_DEFAULT_MAX_CONN 4096
#define HTTP_DEFAULT_PER_ADDR 256
#define HTTP_DEFAULT_IDLE_S 10
#define HTTP_DEFAULT_STOP_GRACE_S 3.0
/* A refused request with a body up to this size is answered once the body
 * has been read past, on a connection that stays open: closing with unread
 * bytes makes the kernel reset the connection, and a browser may then show
 * the reset instead of the answer (a form posted after the session ended). */
#define HTTP_SKIP_BODY (64 * 1024)
/* Allocations from this size up get pages of their own (mmap), which free()
 * hands back to the system at once. glibc's default raises this threshold
 * to the size of the largest block freed (up to 32 MiB), after which every
 * request body lands in the heap and stays with the process once freed:
 * 150 bodies of 16 MiB left 1.6 GB behind. */
#define HTTP_MMAP_THRESHOLD (256 * 1024)

struct http_server {
	struct MHD_Daemon *d;
	struct http_server_opts opts;
	_Atomic size_t body_used; /* bytes of the body budget held by requests */
	_Atomic int in_handler;	  /* requests inside dispatch right now */
	_Atomic int answering;	  /* dispatched and not yet completed */
	_Atomic bool stopping;
};

/* What the server keeps per request besides what handlers see. */
struct request_state {
	struct http_request req; /* first: a request is its state */
	struct http_server *srv;
	size_t reserved;    /* bytes of the body budget held */
	bool body_admitted; /* the headers passed admission: read the body */
	bool body_busy;	    /* the budget ran out mid-body: 503 when it has arrived */
	bool dispatched;    /* counted in srv->answering */
	bool answered;	    /* refused at admission; the small body is skipped */
};

static pthread_key_t tls_db_key;
static pthread_once_t tls_db_once = PTHREAD_ONCE_INIT;

static void tls_db_close(void *p)
{
	db_close(p);
}

static void tls_db_init(void)
{
	pthread_key_create(&tls_db_key, tls_db_close);
}

/* The calling worker's own connection, opened on first use, with its read
 * replica when the server has one (a replica that does not answer yet is
 * retried by the store; its reads go to the primary meanwhile). */
static struct db *worker_db(const struct http_server_opts *o)
{
	pthread_once(&tls_db_once, tls_db_init);
	struct db *db = pthread_getspecific(tls_db_key);
	if (db)
		return db;
	char err[256];
	if (db_open(o->db_path, 0, &db, err, sizeof err)) {
		log_error("http: worker cannot open database: %s", err);
		return NULL;
	}
	if (o->db_read_path && db_open_replica(db, o->db_read_path, err, sizeof err))
		log_warn("http: worker reads from the primary: %s", err);
	pthread_setspecific(tls_db_key, db);
	return db;
}

/* own_csp: the handler set a Content-Security-Policy of its own (the LTI
 * launch form posts to a tool's address), which replaces the default. */
static void add_security_headers(struct MHD_Response *r, bool no_cache, bool own_csp)
{
	if (!own_csp)
		MHD_add_response_header(
			r, "Content-Security-Policy",
			"default-src 'none'; style-src 'self'; img-src 'self' data:; "
			"script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
			"base-uri 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy",
				"camera=(), microphone=(), geolocation=()");
	if (no_cache)
		MHD_add_response_header(r, "Cache-Control", "no-store");
}

static enum MHD_Result send_response(struct http_request *req)
{
	size_t len = 0;
	char *body;
	if (buf_failed(&req->out)) {
		/* the page outgrew its cap: say so rather than send half a page */
		req->status = 500;
		req->content_type = "text/plain; charset=utf-8";
		buf_free(&req->out);
		buf_puts(&req->out, "The response was too large to send.\n");
	}
	body = buf_detach(&req->out, &len);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	if (req->content_type)
		MHD_add_response_header(r, "Content-Type", req->content_type);
	bool own_csp = false;
	for (int i = 0; i < req->nheaders; i++)
		own_csp |= strcasecmp(req->headers[i].name, "Content-Security-Policy") == 0;
	add_security_headers(r, req->no_cache, own_csp);
	for (int i = 0; i < req->nheaders; i++)
		MHD_add_response_header(r, req->headers[i].name, req->headers[i].value);
	enum MHD_Result ok = MHD_queue_response(req->conn, (unsigned)req->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* Requests suspended in http_defer_write whose finish has not yet run:
 * http_stop waits for them before it stops the daemon. */
static _Atomic int deferred_inflight;

static void run_finish(struct http_request *req)
{
	void (*f)(struct http_request *, void *) = req->finish;
	req->finish = NULL;
	f(req, req->finish_arg);
	deferred_inflight--;
}

/* The group commit's callback, on the writer thread: the connection goes
 * back to its worker, which calls the handler again (on_request). req must
 * not be touched after the resume. */
static void deferred_done(void *arg)
{
	struct http_request *req = arg;
	MHD_resume_connection(req->conn);
}

void http_defer_write(struct http_request *req, struct db_write *w,
		      void (*finish)(struct http_request *req, void *arg), void *arg)
{
	req->finish = finish;
	req->finish_arg = arg;
	deferred_inflight++;
	/* suspended before it is queued, so the resume cannot come first */
	MHD_suspend_connection(req->conn);
	enum eb_err rc = db_write_submit(req->db, w, deferred_done, req);
	if (rc == EB_EBUSY) {
		w->rc = EB_EBUSY; /* not written: finish answers 503 */
		MHD_resume_connection(req->conn);
	} else if (rc) {
		db_write_grouped(req->db, w);
		MHD_resume_connection(req->conn);
	}
}

bool http_hold_until_written(struct http_request *req, struct db_write *w,
			     void (*failed)(struct http_request *req))
{
	if (req->hold)
		return false;
	req->hold = w;
	req->hold_failed = failed;
	return true;
}

static void hold_finish(struct http_request *req, void *arg)
{
	(void)arg;
	if (req->hold->rc) {
		buf_reset(&req->out);
		req->nheaders = 0;
		req->hold_failed(req);
	}
	req->hold = NULL;
}

/* Takes n bytes from the body budget; false when they do not fit. */
static bool budget_take(struct http_server *srv, size_t n)
{
	size_t used = atomic_load(&srv->body_used);
	do {
		if (used > srv->opts.body_budget || n > srv->opts.body_budget - used)
			return false;
	} while (!atomic_compare_exchange_weak(&srv->body_used, &used, used + n));
	return true;
}

/* Frees the body now and gives its share of the budget back. */
static void body_drop(struct request_state *rs)
{
	buf_free(&rs->req.body);
	atomic_fetch_sub(&rs->srv->body_used, rs->reserved);
	rs->reserved = 0;
}

static void request_free(struct http_request *req)
{
	struct request_state *rs = (struct request_state *)req;
	body_drop(rs);
	if (rs->dispatched)
		rs->srv->answering--;
	buf_free(&req->out);
	arena_free(&req->arena);
	free(rs);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_request *req = *con_cls;
	if (!req)
		return;
	if (req->finish)
		run_finish(req); /* the client went away: free the deferred work */
	if (srv->opts.access_log && req->status) {
		/* path only: query strings can carry tokens, never log them */
		log_info("access %s %s %.200s %d %.1fms", req->client_addr, req->method, req->path,
			 req->status, (time_mono() - req->started) * 1000.0);
	}
	request_free(req);
	*con_cls = NULL;
}

static void too_big(struct http_request *req)
{
	req->status = 413;
	req->content_type = "application/json";
	buf_reset(&req->out);
	buf_puts(&req->out, "{\"error\":\"request body too large\"}");
}

/* 503 for a body that does not fit in the body budget now. */
static void busy(struct http_request *req)
{
	http_json_error(req, 503,
			"the server is receiving too many uploads at once; "
			"try again in a few seconds");
	http_set_header(req, "Retry-After", "5");
}

void http_unavailable(struct http_request *req)
{
	req->nheaders = 0;
	req->no_cache = true;
	http_text(req, 503,
		  "The database is not available right now; nothing was changed. "
		  "Try again in a few seconds.\n");
	char s[16];
	snprintf(s, sizeof s, "%d", HTTP_UNAVAILABLE_RETRY_S);
	http_set_header(req, "Retry-After", s);
}

bool http_unavailable_if(struct http_request *req, enum eb_err rc)
{
	if (rc != EB_EUNAVAIL)
		return false;
	http_unavailable(req);
	return true;
}

static void refuse_stopping(struct http_request *req)
{
	http_json_error(req, 503, "the server is stopping; try again in a moment");
	http_set_header(req, "Retry-After", "10");
	http_set_header(req, "Connection", "close");
}

/* --- the framing of a request: what a proxy in front and we must agree on --- */

struct framing {
	int ncl, nte;
	const char *cl, *te;
	bool cl_conflict, bad_name;
};

/* RFC 9110 token characters: a header name is one token, nothing else. */
static bool tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind;
	struct framing *f = cls;
	if (!key || !*key)
		f->bad_name = true;
	for (const char *k = key; k && *k; k++)
		if (!tchar((unsigned char)*k)) {
			f->bad_name = true;
			break;
		}
	if (!value)
		value = "";
	if (key && strcasecmp(key, "Content-Length") == 0) {
		if (f->cl && strcmp(f->cl, value) != 0)
			f->cl_conflict = true;
		if (!f->cl)
			f->cl = value;
		f->ncl++;
	} else if (key && strcasecmp(key, "Transfer-Encoding") == 0) {
		f->te = value;
		f->nte++;
	}
	return MHD_YES;
}

/* Why the request's framing is refused, or NULL. libmicrohttpd 0.9.75 takes
 * the first of two Content-Length headers and keeps "Transfer-Encoding :"
 * (white space before the colon) as a header of another name, ignoring it:
 * a proxy that reads either differently would see another request boundary
 * than we do (request smuggling). RFC 9112 says to refuse both. */
static const char *framing_error(struct MHD_Connection *c, const char *version, struct framing *f)
{
	MHD_get_connection_values(c, MHD_HEADER_KIND, scan_header, f);
	if (f->bad_name)
		return "a header name holds a character that is not allowed "
		       "(white space before the colon?)";
	if (f->cl_conflict)
		return "two different Content-Length headers";
	if (f->cl) {
		const char *p = f->cl;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == f->cl || *p || p - f->cl > 18)
			return "Content-Length is not a number";
	}
	if (f->nte > 1)
		return "more than one Transfer-Encoding header";
	if (f->nte && f->ncl)
		return "both Content-Length and Transfer-Encoding";
	if (f->nte && strcasecmp(f->te, "chunked") != 0)
		return "a Transfer-Encoding other than chunked";
	if (f->nte && version && strcmp(version, "HTTP/1.0") == 0)
		return "Transfer-Encoding in an HTTP/1.0 request";
	return NULL;
}

/* The request announces a body: ask whether the caller may send it, and
 * whether it fits, before a byte of it is read. A response queued here is
 * sent at once and the connection closed, the body unread. */
static enum MHD_Result admit_body(struct request_state *rs, int64_t content_length)
{
	struct http_server *srv = rs->srv;
	struct http_request *req = &rs->req;
	req->db = worker_db(&srv->opts);
	if (!req->db) {
		http_unavailable(req);
		return send_response(req);
	}
	db_unavailable_take(req->db); /* an outage an earlier request met */
	size_t cap = srv->opts.max_body;
	srv->in_handler++;
	bool admitted = !srv->opts.admit || srv->opts.admit(req, &cap);
	srv->in_handler--;
	if (db_unavailable_take(req->db)) {
		http_unavailable(req); /* the admission could not read the database */
		http_set_header(req, "Connection", "close");
		return send_response(req);
	}
	if (!admitted) {
		if (content_length >= 0 && content_length <= HTTP_SKIP_BODY) {
			rs->answered = true;
			return MHD_YES;
		}
		http_set_header(req, "Connection", "close");
		return send_response(req);
	}
	if (cap > srv->opts.max_body)
		cap = srv->opts.max_body;
	if (content_length >= 0 && (uint64_t)content_length > cap) {
		/* refuse before reading a byte of it */
		too_big(req);
		return send_response(req);
	}
	buf_init(&req->body, cap);
	if (content_length > 0) {
		size_t n = (size_t)content_length;
		if (!budget_take(srv, n)) {
			busy(req);
			return send_response(req);
		}
		rs->reserved = n;
		/* one block of the announced size: no doubling, no copies */
		req->body.data = malloc(n + 1);
		if (!req->body.data) {
			body_drop(rs);
			busy(req);
			return send_response(req);
		}
		req->body.cap = n + 1;
		req->body.data[0] = '\0';
	}
	rs->body_admitted = true;
	return MHD_YES;
}

/* A piece of the body: kept while it fits the cap and the budget, else
 * dropped (the answer, 413 or 503, goes out once the body has arrived). */
static void body_piece(struct request_state *rs, const char *data, size_t n)
{
	struct http_request *req = &rs->req;
	if (rs->answered)
		return;
	if (!rs->body_admitted) {
		req->body_too_big = true; /* a body the headers did not announce */
		return;
	}
	if (req->body_too_big || rs->body_busy)
		return;
	if (req->body.len + n > req->body.max) {
		req->body_too_big = true;
		body_drop(rs);
		return;
	}
	if (req->body.len + n > rs->reserved) {
		size_t more = req->body.len + n - rs->reserved;
		if (!budget_take(rs->srv, more)) {
			rs->body_busy = true;
			body_drop(rs);
			return;
		}
		rs->reserved += more;
	}
	buf_put(&req->body, data, n);
	if (buf_failed(&req->body)) {
		req->body_too_big = true;
		body_drop(rs);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_request *req = *con_cls;
	struct request_state *rs;
	if (!req) {
		rs = calloc(1, sizeof *rs);
		if (!rs)
			return MHD_NO;
		rs->srv = srv;
		req = &rs->req;
		arena_init(&req->arena);
		buf_init(&req->body, 0);
		buf_init(&req->out, (size_t)32 << 20);
		req->conn = c;
		req->started = time_mono();
		req->method = arena_strdup(&req->arena, method);
		req->path = arena_strdup(&req->arena, url);
		req->db_path = srv->opts.db_path;
		req->status = 200;
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
					  req->client_addr, sizeof req->client_addr);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
					  req->client_addr, sizeof req->client_addr);
		}
		*con_cls = req;
		if (srv->stopping) {
			refuse_stopping(req);
			return send_response(req);
		}
		struct framing f = { 0 };
		const char *why = framing_error(c, version, &f);
		if (why) {
			http_json_error(req, 400, why);
			http_set_header(req, "Connection", "close");
			return send_response(req);
		}
		/* it has sent a request: from now on the longer timeout */
		MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
					  (unsigned)srv->opts.timeout_s);
		int64_t n = -1;
		if (f.cl)
			cstr_to_i64(f.cl, 0, INT64_MAX, &n);
		if (n > 0 || f.nte)
			return admit_body(rs, f.nte ? -1 : n);
		return MHD_YES;
	}
	rs = (struct request_state *)req;
	if (*upload_data_size) {
		body_piece(rs, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->finish) {
		/* back from http_defer_write: the write is done */
		run_finish(req);
		return send_response(req);
	}
	if (rs->answered)
		return send_response(req); /* the refusal filled in at admission */
	if (srv->stopping) {
		refuse_stopping(req);
		return send_response(req);
	}
	if (req->body_too_big) {
		too_big(req);
		return send_response(req);
	}
	if (rs->body_busy) {
		busy(req);
		return send_response(req);
	}
	req->db = worker_db(&srv->opts);
	if (!req->db) {
		http_unavailable(req);
		return send_response(req);
	}
	db_unavailable_take(req->db); /* an outage an earlier request met */
	rs->dispatched = true;
	srv->answering++;
	srv->in_handler++;
	db_write_work_begin();
	srv->opts.dispatch(req);
	srv->in_handler--;
	if (db_unavailable_take(req->db) && !req->finish && !req->hold)
		http_unavailable(req); /* whatever the handler made of the outage */
	if (!req->finish && req->hold && req->status < 300)
		http_defer_write(req, req->hold, hold_finish, NULL);
	db_write_work_end();
	if (req->finish)
		return MHD_YES; /* suspended: answered when the write is done */
	return send_response(req);
}

/* The most connections the file limit allows: raised to its hard maximum
 * when lower than wanted, less some descriptors for the database files,
 * the workers' epoll and the log. */
static int connection_limit(int wanted)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return wanted;
	rlim_t need = (rlim_t)wanted + 256;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need
										 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need)
		return rl.rlim_cur > 512 ? (int)(rl.rlim_cur - 256) : (int)(rl.rlim_cur / 2);
	return wanted;
}

static size_t default_body_budget(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	size_t b = pages > 0 && psize > 0 ? (size_t)pages / 8 * (size_t)psize : (size_t)256 << 20;
	if (b < (size_t)64 << 20)
		b = (size_t)64 << 20;
	if (b > (size_t)1 << 30)
		b = (size_t)1 << 30;
	return b;
}

enum eb_err http_start(const struct http_server_opts *opts, struct http_server **out, int *port_out)
{
	struct http_server *srv = calloc(1, sizeof *srv);
	if (!srv)
		return EB_ENOMEM;
	srv->opts = *opts;
	if (!srv->opts.max_body)
		srv->opts.max_body = HTTP_DEFAULT_MAX_BODY;
	if (!srv->opts.body_budget)
		srv->opts.body_budget = default_body_budget();
	if (srv->opts.body_budget < srv->opts.max_body)
		srv->opts.body_budget = srv->opts.max_body;
	if (!srv->opts.timeout_s)
		srv->opts.timeout_s = 30;
	if (!srv->opts.idle_timeout_s)
		srv->opts.idle_timeout_s = HTTP_DEFAULT_IDLE_S;
	if (!srv->opts.max_connections)
		srv->opts.max_connections = HTTP_DEFAULT_MAX_CONN;
	srv->opts.max_connections = connection_limit(srv->opts.max_connections);
	if (!srv->opts.per_addr_limit)
		srv->opts.per_addr_limit = HTTP_DEFAULT_PER_ADDR;
	if (srv->opts.stop_grace_s <= 0)
		srv->opts.stop_grace_s = HTTP_DEFAULT_STOP_GRACE_S;
	/* large blocks (bodies, pages) are given back to the system when freed */
	mallopt(M_MMAP_THRESHOLD, HTTP_MMAP_THRESHOLD);
	if (srv->opts.threads <= 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		srv->opts.threads = n > 0 ? (int)n : 2;
	}
	struct sockaddr_in addr;
	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)opts->port);
	if (inet_pton(AF_INET, opts->bind_addr ? opts->bind_addr : "127.0.0.1", &addr.sin_addr) !=
	    1) {
		free(srv);
		return EB_EINVAL;
	}
	srv->d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0,
		NULL, NULL, on_request, srv, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned)srv->opts.threads, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)HTTP_CONN_MEMORY,
		/* until a request header has arrived; then timeout_s (on_request) */
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->opts.idle_timeout_s,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)srv->opts.max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned)(srv->opts.per_addr_limit < 0 ? 0 : srv->opts.per_addr_limit),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&addr, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
	if (!srv->d) {
		free(srv);
		return EB_EIO;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	if (port_out)
		*port_out = di ? di->port : opts->port;
	*out = srv;
	return EB_OK;
}

bool http_stop(struct http_server *srv)
{
	if (!srv)
		return true;
	/* no new connections; new requests on open ones get 503 (on_request) */
	srv->stopping = true;
	MHD_socket ls = MHD_quiesce_daemon(srv->d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	/* what handlers have taken finishes and answers */
	double t0 = time_mono();
	while ((srv->answering > 0 || deferred_inflight > 0) &&
	       time_mono() - t0 < srv->opts.stop_grace_s)
		usleep(2000);
	if (deferred_inflight > 0) {
		/* writes still waiting for the group commit (a locked database):
		 * refused, 503, nothing written; the group being written finishes */
		db_write_refuse_waiting();
		t0 = time_mono();
		while ((srv->answering > 0 || deferred_inflight > 0) && time_mono() - t0 < 0.5)
			usleep(2000);
	}
	/* MHD must not be stopped with a connection suspended (the writer would
	 * resume a freed request), and stopping it waits for every handler */
	if (srv->in_handler > 0 || deferred_inflight > 0) {
		log_error("http: stopping with %d requests in a handler and %d waiting for their "
			  "write; they end unanswered with the process",
			  (int)srv->in_handler, (int)deferred_inflight);
		return false;
	}
	MHD_stop_daemon(srv->d);
	free(srv);
	return true;
}

const char *http_header(struct http_request *req, const char *name)
{
	if (req->alt) {
		for (int i = 0; i < req->nalt_headers; i++)
			if (strcasecmp(req->alt_headers[i].name, name) == 0)
				return req->alt_headers[i].value;
		/* the real ones describe the form, not the content it carries */
		if (strcasecmp(name, "Content-Type") == 0 ||
		    strcasecmp(name, "Content-Length") == 0)
			return NULL;
	}
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

bool http_cookie_parse(const char *header, const char *name, char *out, size_t cap)
{
	size_t nl = name ? strlen(name) : 0;
	if (!header || !nl || !cap)
		return false;
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		const char *pair = p, *end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		p = end;
		const char *eq = memchr(pair, '=', (size_t)(end - pair));
		if (!eq)
			continue;
		const char *ne = eq;
		while (ne > pair && (ne[-1] == ' ' || ne[-1] == '\t'))
			ne--;
		if ((size_t)(ne - pair) != nl || memcmp(pair, name, nl) != 0)
			continue;
		const char *v = eq + 1, *ve = end;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (ve - v >= 2 && v[0] == '"' && ve[-1] == '"') {
			v++;
			ve--;
		}
		size_t vl = (size_t)(ve - v);
		if (vl >= cap)
			return false;
		for (const char *q = v; q < ve; q++)
			if ((unsigned char)*q < 0x21 || *q == 0x7f || *q == '"' || *q == ',' ||
			    *q == '\\')
				return false; /* not a cookie-octet (RFC 6265) */
		memcpy(out, v, vl);
		out[vl] = '\0';
		return true;
	}
	return false;
}

struct cookie_find {
	struct http_request *req;
	const char *name;
	const char *value;
};

static enum MHD_Result cookie_header(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	(void)kind;
	struct cookie_find *cf = cls;
	if (!key || strcasecmp(key, "Cookie") != 0 || !value)
		return MHD_YES;
	size_t cap = strlen(value) + 1;
	char *out = arena_alloc(&cf->req->arena, cap);
	if (out && http_cookie_parse(value, cf->name, out, cap)) {
		cf->value = out;
		return MHD_NO; /* the first one found */
	}
	return MHD_YES;
}

const char *http_cookie(struct http_request *req, const char *name)
{
	struct cookie_find cf = { req, name, NULL };
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, cookie_header, &cf);
	return cf.value;
}

struct target_ctx {
	struct buf *b;
	int n;
};

static void target_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~' ||
		    *p == '/') {
			buf_putc(b, (char)*p);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_put(b, e, 3);
		}
	}
}

static enum MHD_Result target_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	struct target_ctx *t = cls;
	(void)kind;
	buf_putc(t->b, t->n++ ? '&' : '?');
	target_encode(t->b, key ? key : "");
	if (value) {
		buf_putc(t->b, '=');
		target_encode(t->b, value);
	}
	return MHD_YES;
}

const char *http_request_target(struct http_request *req, size_t cap)
{
	struct buf b = BUF_INIT;
	buf_init(&b, cap);
	target_encode(&b, req->path);
	struct target_ctx t = { &b, 0 };
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, target_arg, &t);
	const char *out = buf_failed(&b) ? NULL : arena_strdup(&req->arena, buf_cstr(&b));
	buf_free(&b);
	return out;
}

const char *http_query(struct http_request *req, const char *name)
{
	if (req->alt) {
		for (int i = 0; i < req->nalt_query; i++)
			if (strcmp(req->alt_query[i].name, name) == 0)
				return req->alt_query[i].value;
		return NULL;
	}
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct query_all_ctx {
	struct http_request *req;
	struct http_kv *out;
	int cap, n;
};

static enum MHD_Result query_all_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct query_all_ctx *q = cls;
	(void)kind;
	if (q->n < q->cap) {
		q->out[q->n].name = key ? key : "";
		q->out[q->n].value = value ? value : "";
	}
	q->n++;
	return MHD_YES;
}

int http_query_all(struct http_request *req, struct http_kv *out, int cap)
{
	if (req->alt) {
		for (int i = 0; i < req->nalt_query && i < cap; i++)
			out[i] = req->alt_query[i];
		return req->nalt_query;
	}
	struct query_all_ctx q = { req, out, cap, 0 };
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, query_all_arg, &q);
	return q.n;
}

struct names_ctx {
	const char **out;
	size_t cap, n;
};

static enum MHD_Result name_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				const char *value)
{
	struct names_ctx *c = cls;
	(void)kind;
	(void)value;
	if (c->n < c->cap)
		c->out[c->n] = key ? key : "";
	c->n++;
	return MHD_YES;
}

size_t http_query_names(struct http_request *req, const char **out, size_t cap)
{
	if (req->alt) { /* the form's parameters (web/api/xapi_alt.h) */
		for (int i = 0; i < req->nalt_query && (size_t)i < cap; i++)
			out[i] = req->alt_query[i].name;
		return (size_t)req->nalt_query;
	}
	struct names_ctx c = { out, cap, 0 };
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, name_arg, &c);
	return c.n;
}

bool http_url_decode(char *s)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		if (*p == '+') {
			*w++ = ' ';
		} else if (*p == '%') {
			int hi, lo;
			char a = p[1], b = a ? p[2] : 0;
			hi = (a >= '0' && a <= '9')   ? a - '0'
			     : (a >= 'a' && a <= 'f') ? a - 'a' + 10
			     : (a >= 'A' && a <= 'F') ? a - 'A' + 10
						      : -1;
			lo = (b >= '0' && b <= '9')   ? b - '0'
			     : (b >= 'a' && b <= 'f') ? b - 'a' + 10
			     : (b >= 'A' && b <= 'F') ? b - 'A' + 10
						      : -1;
			if (hi < 0 || lo < 0)
				return false;
			*w++ = (char)(hi * 16 + lo);
			p += 2;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return true;
}

int http_form_parse(char *s, struct http_kv *out, int cap)
{
	int n = 0;
	char *p = s;
	while (*p && n < cap) {
		char *amp = strchr(p, '&');
		if (amp)
			*amp = '\0';
		char *eq = strchr(p, '=');
		if (eq) {
			*eq = '\0';
			if (http_url_decode(p) && http_url_decode(eq + 1)) {
				out[n].name = p;
				out[n].value = eq + 1;
				n++;
			}
		}
		if (!amp)
			break;
		p = amp + 1;
	}
	return n;
}

static void parse_form(struct http_request *req)
{
	req->form_parsed = true;
	const char *ct = http_header(req, "Content-Type");
	if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0 || !req->body.len)
		return;
	char *s = arena_strndup(&req->arena, req->body.data, req->body.len);
	if (!s)
		return;
	req->nform = http_form_parse(s, req->form, HTTP_MAX_FORM);
}

const char *http_form(struct http_request *req, const char *name)
{
	if (!req->form_parsed)
		parse_form(req);
	for (int i = 0; i < req->nform; i++)
		if (strcmp(req->form[i].name, name) == 0)
			return req->form[i].value;
	return NULL;
}

int http_form_all(struct http_request *req, const char *name, const char **out, int cap)
{
	if (!req->form_parsed)
		parse_form(req);
	int n = 0;
	for (int i = 0; i < req->nform && n < cap; i++)
		if (strcmp(req->form[i].name, name) == 0)
			out[n++] = req->form[i].value;
	return n;
}

void http_set_header(struct http_request *req, const char *name, const char *value)
{
	if (req->nheaders >= HTTP_MAX_HEADERS_OUT) {
		log_error("http: too many response headers, dropped %s", name);
		return;
	}
	req->headers[req->nheaders].name = arena_strdup(&req->arena, name);
	req->headers[req->nheaders].value = arena_strdup(&req->arena, value);
	req->nheaders++;
}

void http_redirect(struct http_request *req, const char *location)
{
	req->status = 303;
	http_set_header(req, "Location", location);
	req->content_type = "text/plain; charset=utf-8";
	buf_reset(&req->out);
}

static void json_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		default:
			if (c < 0x20)
				buf_printf(b, "\\u%04x", c);
			else
				buf_putc(b, (char)c);
		}
	}
}

void http_json_error(struct http_request *req, int status, const char *message)
{
	req->status = status;
	req->content_type = "application/json";
	buf_reset(&req->out);
	buf_puts(&req->out, "{\"error\":\"");
	json_escape(&req->out, message);
	buf_puts(&req->out, "\"}");
}

void http_text(struct http_request *req, int status, const char *text)
{
	req->status = status;
	req->content_type = "text/plain; charset=utf-8";
	buf_reset(&req->out);
	buf_puts(&req->out, text);
}
