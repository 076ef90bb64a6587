/* xapi.c - the xAPI answer, the version header and the clock (xapi.h). */
#include "ingest/xapi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/timeutil.h"

void xapi_result_free(struct xapi_result *out)
{
	free(out->body);
	out->body = NULL;
	out->body_len = 0;
}

static void result_vfail(struct xapi_result *out, enum eb_err rc, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;
	buf_vprintf(&b, fmt, ap);
	buf_putc(&b, '\n');
	free(out->body);
	out->rc = rc;
	out->body = buf_detach(&b, &out->body_len);
}

void xapi_result_fail(struct xapi_result *out, enum eb_err rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	result_vfail(out, rc, fmt, ap);
	va_end(ap);
}

void xapi_result_json(struct xapi_result *out, struct buf *b)
{
	free(out->body);
	out->body = NULL;
	if (buf_failed(b)) {
		buf_free(b);
		xapi_result_fail(out, EB_ENOMEM, "response too large");
		return;
	}
	out->rc = EB_OK;
	buf_cstr(b);
	out->body = buf_detach(b, &out->body_len);
}

static void begin_result(struct xapi_result *out, enum xapi_version v)
{
	out->rc = EB_OK;
	out->body = NULL;
	out->body_len = 0;
	out->consistent_through[0] = '\0';
	out->version = v == XAPI_V2 ? "2.0.0" : "1.0.3";
}

void xapi_now_iso(char out[40], int64_t *ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t t = (int64_t)ts.tv_sec;
	int milli = (int)(ts.tv_nsec / 1000000);
	char base[32];
	time_format_iso(t, base); /* YYYY-MM-DDTHH:MM:SSZ */
	base[19] = '\0';
	snprintf(out, 40, "%s.%03dZ", base, milli);
	if (ms)
		*ms = t * 1000 + milli;
}

enum eb_err xapi_version_parse(const char *h, enum xapi_version *out)
{
	static const struct {
		const char *s;
		enum xapi_version v;
	} known[] = { { "1.0", XAPI_V1 },   { "1.0.0", XAPI_V1 }, { "1.0.1", XAPI_V1 },
		      { "1.0.2", XAPI_V1 }, { "1.0.3", XAPI_V1 }, { "2.0", XAPI_V2 },
		      { NULL, 0 } };
	if (!h)
		return EB_EINVAL;
	for (size_t i = 0; known[i].s; i++)
		if (!strcmp(known[i].s, h)) {
			*out = known[i].v;
			return EB_OK;
		}
	if (!strncmp(h, "2.0.", 4) && h[4] && strspn(h + 4, "0123456789") == strlen(h + 4)) {
		*out = XAPI_V2;
		return EB_OK;
	}
	return EB_EINVAL;
}

enum eb_err xapi_result_start(struct xapi_result *out, const char *h, enum xapi_version *v)
{
	if (xapi_version_parse(h, v)) {
		begin_result(out, XAPI_V1);
		xapi_result_fail(out, EB_EINVAL,
				 "X-Experience-API-Version header must be 1.0.x or"
				 " 2.0.x (got %s)",
				 h ? h : "none");
		return EB_EINVAL;
	}
	begin_result(out, *v);
	return EB_OK;
}

const char *xapi_about_json(void)
{
	return "{\"version\":[\"1.0.3\",\"2.0.0\"],\"extensions\":{}}";
}

void xapi_not_supported(const char *resource, struct xapi_result *out)
{
	begin_result(out, XAPI_V1);
	xapi_result_fail(out, EB_ENOTSUP,
			 "the xAPI %s resource is not supported by this LRS yet;"
			 " only /xapi/statements and /xapi/about are",
			 resource ? resource : "requested");
}
