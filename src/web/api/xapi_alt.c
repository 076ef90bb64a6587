/* The alternate request syntax (xAPI 1.0.3, Communication 1.3): a POST
 * carrying another request in a form, rewritten here into that request
 * before the router picks the route (web/api/xapi_alt.h). */
#include "web/api/xapi_alt.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "ingest/xapi.h"
#include "web/pages/pages.h"
#include "web/http.h"

/* The form fields that stand for headers (Communication 1.3.s3.b6); not
 * Content-Transfer-Encoding. */
static const char *const header_fields[] = {
	"Authorization", "X-Experience-API-Version", "Content-Type", "Content-Length", "If-Match",
	"If-None-Match",
};

static const char *const methods[] = { "GET", "HEAD", "PUT", "POST", "DELETE" };

bool xapi_alt_requested(struct http_request *req)
{
	if (req->alt || strncmp(req->path, "/xapi/", 6) != 0 ||
	    !MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, "method"))
		return false;
	/* 2.0 has no alternate syntax: a request that is not a POST and says
	 * 2.0 in its real header is an ordinary request, whose `method` the
	 * resource's parameter check refuses as unknown */
	const char *v =
		MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "X-Experience-API-Version");
	return strcmp(req->method, "POST") == 0 || !v || strncmp(v, "2.", 2) != 0;
}

bool xapi_alt_admit(struct http_request *req, size_t *body_cap)
{
	/* credentials in the real header: checked now, as for any tool */
	if (MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Authorization") &&
	    !api_tool_admit(req, body_cap))
		return false;
	size_t cap = req->admitted ? XAPI_ALT_MAX_BODY : XAPI_ALT_ANON_MAX_BODY;
	if (*body_cap > cap)
		*body_cap = cap;
	return true;
}

static bool refuse(struct http_request *req, const char *why)
{
	req->status = 400;
	req->content_type = "text/plain; charset=utf-8";
	req->no_cache = true;
	buf_reset(&req->out);
	buf_puts(&req->out, why);
	buf_putc(&req->out, '\n');
	http_set_header(req, "X-Experience-API-Version", "1.0.3");
	return false;
}

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	(void)kind, (void)key, (void)value;
	++*(int *)cls;
	return MHD_YES;
}

static bool is_header_field(const char *name)
{
	for (size_t i = 0; i < sizeof header_fields / sizeof header_fields[0]; i++)
		if (strcasecmp(name, header_fields[i]) == 0)
			return true;
	return false;
}

/* Splits the form (a NUL-terminated arena copy, decoded in place) into
 * fields; false with the reason on a malformed one. */
static bool split_form(char *s, struct http_kv *f, int *n, const char **why)
{
	*n = 0;
	for (char *p = s; *p;) {
		char *amp = strchr(p, '&');
		if (amp)
			*amp = '\0';
		if (*p) {
			char *eq = strchr(p, '=');
			if (!eq) {
				*why = "alternate request syntax: a form field without '='";
				return false;
			}
			*eq = '\0';
			if (!http_url_decode(p) || !http_url_decode(eq + 1)) {
				*why = "alternate request syntax: a form field with a bad %-escape";
				return false;
			}
			if (*n == XAPI_ALT_MAX_FIELDS) {
				*why = "alternate request syntax: more than 64 form fields";
				return false;
			}
			for (int i = 0; i < *n; i++)
				if (strcasecmp(f[i].name, p) == 0) {
					*why = "alternate request syntax: a form field sent twice";
					return false;
				}
			f[*n].name = p;
			f[*n].value = eq + 1;
			++*n;
		}
		if (!amp)
			break;
		p = amp + 1;
	}
	return true;
}

bool xapi_alt_apply(struct http_request *req)
{
	const char *method =
		MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, "method");
	if (strcmp(req->method, "POST") != 0)
		return refuse(req, "alternate request syntax: the request must be a POST "
				   "(Communication 1.3.s3.b1)");
	int nargs = 0;
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, count_arg, &nargs);
	if (nargs != 1)
		return refuse(req, "alternate request syntax: the query string must hold only "
				   "\"method\"; send the other parameters as form fields "
				   "(Communication 1.3.s3.b3)");
	const char *real = NULL;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(method, methods[i]) == 0)
			real = methods[i];
	if (!real)
		return refuse(req, "alternate request syntax: method must be GET, HEAD, PUT, POST "
				   "or DELETE");
	const char *ct = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Content-Type");
	if (req->body.len && (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0))
		return refuse(req, "alternate request syntax: the body must be "
				   "application/x-www-form-urlencoded (Communication 1.3.s3.b9)");
	char *s = arena_strndup(&req->arena, req->body.len ? req->body.data : "", req->body.len);
	struct http_kv *f = arena_alloc(&req->arena, XAPI_ALT_MAX_FIELDS * sizeof *f);
	struct http_kv *h = arena_alloc(&req->arena, XAPI_ALT_MAX_FIELDS * sizeof *h);
	struct http_kv *q = arena_alloc(&req->arena, XAPI_ALT_MAX_FIELDS * sizeof *q);
	if (!s || !f || !h || !q) {
		http_text(req, 500, "out of memory\n");
		return false;
	}
	if (memchr(s, '\0', req->body.len))
		return refuse(req, "alternate request syntax: the form holds a NUL byte");
	int n, nh = 0, nq = 0;
	const char *why = NULL, *content = NULL;
	if (!split_form(s, f, &n, &why))
		return refuse(req, why);
	for (int i = 0; i < n; i++) {
		if (strcmp(f[i].name, "content") == 0)
			content = f[i].value;
		else if (is_header_field(f[i].name))
			h[nh++] = f[i];
		else
			q[nq++] = f[i];
	}
	req->alt_headers = h;
	req->nalt_headers = nh;
	req->alt_query = q;
	req->nalt_query = nq;
	req->alt = true;
	req->method = real;
	const char *version = http_header(req, "X-Experience-API-Version");
	enum xapi_version v;
	if (version && xapi_version_parse(version, &v) == EB_OK && v == XAPI_V2) {
		req->alt = false;
		return refuse(req, "the alternate request syntax was removed in xAPI 2.0 "
				   "(IEEE 9274.1.1): send the request with its own method, "
				   "headers and query string");
	}
	/* the content replaces the form: never longer, so it fits */
	buf_reset(&req->body);
	if (content)
		buf_put(&req->body, content, strlen(content));
	return true;
}
