#include "web/http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct http_server {
	struct MHD_Daemon *d;
	struct http_server_opts opts;
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

/* The calling worker's own connection, opened on first use. */
static struct db *worker_db(const char *path)
{
	pthread_once(&tls_db_once, tls_db_init);
	struct db *db = pthread_getspecific(tls_db_key);
	if (db)
		return db;
	char err[256];
	if (db_open(path, 0, &db, err, sizeof err)) {
		log_error("http: worker cannot open database: %s", err);
		return NULL;
	}
	pthread_setspecific(tls_db_key, db);
	return db;
}

static void add_security_headers(struct MHD_Response *r, bool no_cache)
{
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; style-src 'self'; img-src 'self' data:; "
				"script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
				"base-uri 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
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
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	if (req->content_type)
		MHD_add_response_header(r, "Content-Type", req->content_type);
	add_security_headers(r, req->no_cache);
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
		w->rc = EB_EBUSY;	/* not written: finish answers 503 */
		MHD_resume_connection(req->conn);
	} else if (rc) {
		db_write_grouped(req->db, w);
		MHD_resume_connection(req->conn);
	}
}

static void request_free(struct http_request *req)
{
	buf_free(&req->body);
	buf_free(&req->out);
	arena_free(&req->arena);
	free(req);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct http_request *req = *con_cls;
	if (!req)
		return;
	if (req->finish)
		run_finish(req);	/* the client went away: free the deferred work */
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_server *srv = cls;
	struct http_request *req = *con_cls;
	if (!req) {
		req = calloc(1, sizeof *req);
		if (!req)
			return MHD_NO;
		arena_init(&req->arena);
		buf_init(&req->body, srv->opts.max_body);
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
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t n;
		if (cl && cstr_to_i64(cl, 0, INT64_MAX, &n) == EB_OK &&
		    (size_t)n > srv->opts.max_body) {
			/* refuse before reading a byte of it */
			too_big(req);
			return send_response(req);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!req->body_too_big) {
			buf_put(&req->body, upload_data, *upload_data_size);
			if (buf_failed(&req->body)) {
				req->body_too_big = true;
				buf_free(&req->body);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->finish) {
		/* back from http_defer_write: the write is done */
		run_finish(req);
		return send_response(req);
	}
	if (req->body_too_big) {
		too_big(req);
		return send_response(req);
	}
	req->db = worker_db(srv->opts.db_path);
	if (!req->db) {
		http_text(req, 503, "The database is not available.\n");
		return send_response(req);
	}
	srv->opts.dispatch(req);
	if (req->finish)
		return MHD_YES;	/* suspended: answered when the write is done */
	return send_response(req);
}

enum eb_err http_start(const struct http_server_opts *opts, struct http_server **out,
		       int *port_out)
{
	struct http_server *srv = calloc(1, sizeof *srv);
	if (!srv)
		return EB_ENOMEM;
	srv->opts = *opts;
	if (!srv->opts.max_body)
		srv->opts.max_body = HTTP_DEFAULT_MAX_BODY;
	if (!srv->opts.timeout_s)
		srv->opts.timeout_s = 30;
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
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->opts.threads,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)srv->opts.timeout_s,
		MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_LISTENING_ADDRESS_REUSE,
		1u, MHD_OPTION_END);
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

void http_stop(struct http_server *srv)
{
	if (!srv)
		return;
	/* MHD must not be stopped with a connection suspended: let the pending
	 * writes finish and their answers go out (they are bounded by the
	 * group commit's queue, and SQLite's busy timeout) */
	for (int i = 0; i < 60000 && deferred_inflight > 0; i++)
		usleep(1000);
	if (deferred_inflight > 0) {
		/* a write still pending after a minute: stopping MHD would free
		 * requests the writer thread will resume; leave it to the exit */
		log_error("http: %d requests still waiting for their write at shutdown",
			  (int)deferred_inflight);
		free(srv);
		return;
	}
	MHD_stop_daemon(srv->d);
	free(srv);
}

const char *http_header(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

const char *http_query(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
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
			hi = (a >= '0' && a <= '9') ? a - '0' : (a >= 'a' && a <= 'f') ? a - 'a' + 10
				: (a >= 'A' && a <= 'F') ? a - 'A' + 10 : -1;
			lo = (b >= '0' && b <= '9') ? b - '0' : (b >= 'a' && b <= 'f') ? b - 'a' + 10
				: (b >= 'A' && b <= 'F') ? b - 'A' + 10 : -1;
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

static void parse_form(struct http_request *req)
{
	req->form_parsed = true;
	const char *ct = http_header(req, "Content-Type");
	if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0 || !req->body.len)
		return;
	char *s = arena_strndup(&req->arena, req->body.data, req->body.len);
	if (!s)
		return;
	char *p = s;
	while (*p && req->nform < HTTP_MAX_FORM) {
		char *amp = strchr(p, '&');
		if (amp)
			*amp = '\0';
		char *eq = strchr(p, '=');
		if (eq) {
			*eq = '\0';
			if (http_url_decode(p) && http_url_decode(eq + 1)) {
				req->form[req->nform].name = p;
				req->form[req->nform].value = eq + 1;
				req->nform++;
			}
		}
		if (!amp)
			break;
		p = amp + 1;
	}
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
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
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
