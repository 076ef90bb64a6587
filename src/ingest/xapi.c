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
	out->last_modified[0] = '\0';
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

/* 1.0.N or 2.0.N (N digits) after prefix "1.0." / "2.0." */
static bool patch_digits(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n <= 6 && strspn(s, "0123456789") == n;
}

enum eb_err xapi_version_parse(const char *h, enum xapi_version *out)
{
	if (!h)
		return EB_EINVAL;
	if (!strcmp(h, "1.0") || (!strncmp(h, "1.0.", 4) && patch_digits(h + 4))) {
		*out = XAPI_V1;
		return EB_OK;
	}
	if (!strcmp(h, "2.0") || (!strncmp(h, "2.0.", 4) && patch_digits(h + 4))) {
		*out = XAPI_V2;
		return EB_OK;
	}
	return EB_EINVAL;
}

enum eb_err xapi_version_negotiate(const char *h, enum xapi_resource res, enum xapi_version *v,
				   const char **answer, char *why, size_t cap)
{
	*v = XAPI_V1;
	*answer = "1.0.3";
	if (why && cap)
		why[0] = '\0';
	if (!h && res == XAPI_RES_ABOUT)
		return EB_OK;
	if (xapi_version_parse(h, v)) {
		*v = XAPI_V1;
		if (why && cap)
			snprintf(
				why, cap,
				h ? "X-Experience-API-Version %.40s is not supported: send 1.0.3 or"
				    " 2.0.0"
				  : "the X-Experience-API-Version header is required: send 1.0.3"
				    " or 2.0.0%.0s",
				h ? h : "");
		return EB_EINVAL;
	}
	*answer = *v == XAPI_V2 ? "2.0.0" : "1.0.3";
	return EB_OK;
}

enum eb_err xapi_result_start(struct xapi_result *out, const char *h, enum xapi_version *v)
{
	const char *answer;
	char why[160];
	enum eb_err rc =
		xapi_version_negotiate(h, XAPI_RES_STATEMENTS, v, &answer, why, sizeof why);
	begin_result(out, rc ? XAPI_V1 : *v);
	if (rc)
		xapi_result_fail(out, EB_EINVAL, "%s", why);
	return rc;
}

/* ---- query parameters per resource and method ---------------------------- */

enum { M_GET = 1, M_PUT = 2, M_POST = 4, M_DELETE = 8, M_ALL = 15 };

struct param_rule {
	const char *name;
	unsigned methods;
};

static const struct param_rule statements_params[] = {
	{ "statementId", M_GET | M_PUT },
	{ "voidedStatementId", M_GET },
	{ "agent", M_GET },
	{ "verb", M_GET },
	{ "activity", M_GET },
	{ "registration", M_GET },
	{ "related_activities", M_GET },
	{ "related_agents", M_GET },
	{ "since", M_GET },
	{ "until", M_GET },
	{ "limit", M_GET },
	{ "format", M_GET },
	{ "attachments", M_GET },
	{ "ascending", M_GET },
	{ "more", M_GET }, /* this LRS's own cursor, in the "more" URL */
	{ NULL, 0 },
};

static const struct param_rule state_params[] = {
	{ "activityId", M_ALL }, { "agent", M_ALL }, { "registration", M_ALL },
	{ "stateId", M_ALL },	 { "since", M_GET }, { NULL, 0 },
};

static const struct param_rule activity_profile_params[] = {
	{ "activityId", M_ALL },
	{ "profileId", M_ALL },
	{ "since", M_GET },
	{ NULL, 0 },
};

static const struct param_rule agent_profile_params[] = {
	{ "agent", M_ALL },
	{ "profileId", M_ALL },
	{ "since", M_GET },
	{ NULL, 0 },
};

static const struct param_rule activities_params[] = { { "activityId", M_GET }, { NULL, 0 } };
static const struct param_rule agents_params[] = { { "agent", M_GET }, { NULL, 0 } };
static const struct param_rule about_params[] = { { NULL, 0 } };

static const struct {
	const char *name;
	unsigned methods;
	const struct param_rule *params;
} resources[] = {
	[XAPI_RES_STATEMENTS] = { "statements", M_GET | M_PUT | M_POST, statements_params },
	[XAPI_RES_STATE] = { "activities/state", M_ALL, state_params },
	[XAPI_RES_ACTIVITY_PROFILE] = { "activities/profile", M_ALL, activity_profile_params },
	[XAPI_RES_AGENT_PROFILE] = { "agents/profile", M_ALL, agent_profile_params },
	[XAPI_RES_ACTIVITIES] = { "activities", M_GET, activities_params },
	[XAPI_RES_AGENTS] = { "agents", M_GET, agents_params },
	[XAPI_RES_ABOUT] = { "about", M_GET, about_params },
};

static unsigned method_bit(const char *m)
{
	if (!m)
		return 0;
	if (!strcmp(m, "GET") || !strcmp(m, "HEAD"))
		return M_GET;
	if (!strcmp(m, "PUT"))
		return M_PUT;
	if (!strcmp(m, "POST"))
		return M_POST;
	if (!strcmp(m, "DELETE"))
		return M_DELETE;
	return 0;
}

enum eb_err xapi_params_check(enum xapi_resource res, const char *method, enum xapi_version v,
			      const char *const *names, size_t n, char *why, size_t cap)
{
	(void)v; /* the lists are the same in 1.0.3 and 2.0 */
	char dummy[1];
	if (!why || !cap) {
		why = dummy;
		cap = sizeof dummy;
	}
	why[0] = '\0';
	if ((unsigned)res >= sizeof resources / sizeof resources[0]) {
		snprintf(why, cap, "unknown resource");
		return EB_EINVAL;
	}
	unsigned m = method_bit(method);
	if (!(resources[res].methods & m)) {
		snprintf(why, cap, "method %.10s is not allowed on the %s resource",
			 method ? method : "?", resources[res].name);
		return EB_EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i] ? names[i] : "";
		const struct param_rule *r = resources[res].params;
		while (r->name && strcmp(r->name, name))
			r++;
		if (!r->name) {
			snprintf(why, cap, "unknown parameter %.60s", name);
			return EB_EINVAL;
		}
		if (!(r->methods & m)) {
			snprintf(why, cap, "%s is not allowed with %s", r->name, method);
			return EB_EINVAL;
		}
		for (size_t j = 0; j < i; j++)
			if (names[j] && !strcmp(names[j], name)) {
				snprintf(why, cap, "%s is given more than once", r->name);
				return EB_EINVAL;
			}
		/* the cursor carries the whole query of the first page: anything
		 * sent beside it would be ignored or contradict it */
		if (res == XAPI_RES_STATEMENTS && !strcmp(name, "more") && n > 1) {
			snprintf(why, cap,
				 "more is the cursor from a previous page and carries its query:"
				 " send it alone");
			return EB_EINVAL;
		}
	}
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
