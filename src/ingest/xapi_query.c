/* xapi_query.c - GET /xapi/statements (xapi_query.h): one statement by id,
 * or a filtered page of them and the "more" cursor to the next page. */
#include "ingest/xapi_query.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "ingest/xapi_map.h"
#include "ingest/xapi_validate.h"

/* A read that fails is the server's failure whatever its code: a page that
 * outgrows its buffer (EB_ETOOBIG from buf) is not a request too large. */
static enum eb_err read_failure(enum eb_err rc)
{
	return rc == EB_ETOOBIG ? EB_ENOMEM : rc;
}

static int parse_bool_param(const char *s, bool *out)
{
	if (!s)
		return 0;
	if (!strcmp(s, "true"))
		*out = true;
	else if (!strcmp(s, "false"))
		*out = false;
	else
		return -1;
	return 0;
}

/* ---- the "more" cursor ----------------------------------------------------- */

/* base64url of a compact JSON object of the query and the position, written
 * with jansson (json_pack leaves out the NULL filters); malloc'd or NULL. */
static char *cursor_encode(const struct activity_query *q)
{
	json_t *o = json_pack("{s:s*, s:s*, s:s*, s:s*, s:I, s:I, s:b, s:b, s:b, s:i, s:I, s:I}",
			      "ag", q->agent_key, "vb", q->verb, "ac", q->activity, "rg",
			      q->registration, "si", (json_int_t)q->since_ms, "un",
			      (json_int_t)q->until_ms, "ra", q->related_agents, "rc",
			      q->related_activities, "as", q->ascending, "li", q->limit, "af",
			      (json_int_t)q->after_seq, "mx", (json_int_t)q->max_seq);
	if (!o)
		return NULL;
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *b = malloc(cap);
	if (b)
		sodium_bin2base64(b, cap, (const unsigned char *)s, n,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(s);
	return b;
}

/* Cursor member key: an optional string (absent: NULL); false when present
 * as anything else. */
static bool cursor_string(struct jv *o, const char *key, const char **out)
{
	struct jv *v = jv_get(o, key);
	*out = jv_str(v);
	return !v || jv_is_string(v);
}

static bool cursor_int(struct jv *o, const char *key, int64_t *out)
{
	struct jv *v = jv_get(o, key);
	*out = jv_int(v);
	return jv_is_integer(v);
}

static bool cursor_bool(struct jv *o, const char *key, bool *out)
{
	struct jv *v = jv_get(o, key);
	*out = jv_is_true(v);
	return jv_is_boolean(v);
}

/* Decodes a cursor cursor_encode wrote into q; its strings live in a. */
static bool cursor_decode(struct arena *a, const char *tok, struct activity_query *q)
{
	size_t n = strlen(tok);
	if (n > 16384)
		return false;
	unsigned char *bin = malloc(n + 1);
	size_t len = 0;
	if (!bin || sodium_base642bin(bin, n + 1, tok, n, NULL, &len, NULL,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		free(bin);
		return false;
	}
	struct jv_error je;
	struct jv *o = jv_parse(a, (const char *)bin, len, &je);
	free(bin);
	int64_t limit;
	*q = (struct activity_query){ 0 };
	if (!jv_is_object(o) || !cursor_string(o, "ag", &q->agent_key) ||
	    !cursor_string(o, "vb", &q->verb) || !cursor_string(o, "ac", &q->activity) ||
	    !cursor_string(o, "rg", &q->registration) || !cursor_int(o, "si", &q->since_ms) ||
	    !cursor_int(o, "un", &q->until_ms) || !cursor_bool(o, "ra", &q->related_agents) ||
	    !cursor_bool(o, "rc", &q->related_activities) || !cursor_bool(o, "as", &q->ascending) ||
	    !cursor_int(o, "li", &limit) || !cursor_int(o, "af", &q->after_seq) ||
	    !cursor_int(o, "mx", &q->max_seq) || limit < 1 || limit > XAPI_MAX_LIMIT)
		return false;
	q->limit = (int)limit;
	return true;
}

/* ---- the filters --------------------------------------------------------- */

/* The query of p's filters into q (agent_key is its buffer); EB_EINVAL with
 * out holding the reason when one is malformed. */
static enum eb_err query_from_params(struct arena *a, const struct xapi_get_params *p,
				     enum xapi_version v, struct activity_query *q,
				     char agent_key[300], struct xapi_result *out)
{
	if (p->agent) {
		char err[256];
		struct jv_error je;
		struct jv *ag = jv_parse(a, p->agent, strlen(p->agent), &je);
		bool valid = ag && !xapi_validate_agent(a, ag, v, "agent", err, sizeof err);
		bool keyed = valid && xapi_agent_key(ag, agent_key, 300);
		if (!keyed) {
			xapi_result_fail(out, EB_EINVAL, "%s",
					 valid ? "agent: an anonymous Group cannot be used as a"
						 " filter; give an identifier"
					 : ag  ? err
					       : "agent: must be a JSON Agent or identified Group");
			return EB_EINVAL;
		}
		q->agent_key = agent_key;
	}
	if ((p->verb && !xapi_is_iri(p->verb)) || (p->activity && !xapi_is_iri(p->activity))) {
		xapi_result_fail(out, EB_EINVAL, "%s: must be an IRI",
				 p->verb && !xapi_is_iri(p->verb) ? "verb" : "activity");
		return EB_EINVAL;
	}
	q->verb = p->verb;
	q->activity = p->activity;
	if (p->registration && !xapi_is_uuid(p->registration)) {
		xapi_result_fail(out, EB_EINVAL, "registration: must be a UUID");
		return EB_EINVAL;
	}
	q->registration = p->registration;
	if ((p->since && !xapi_parse_timestamp(p->since, &q->since_ms)) ||
	    (p->until && !xapi_parse_timestamp(p->until, &q->until_ms))) {
		xapi_result_fail(out, EB_EINVAL, "%s: must be an ISO 8601 timestamp",
				 p->since && !xapi_parse_timestamp(p->since, NULL) ? "since"
										   : "until");
		return EB_EINVAL;
	}
	int64_t lim = 0;
	if (p->limit && cstr_to_i64(p->limit, 0, INT32_MAX, &lim)) {
		xapi_result_fail(out, EB_EINVAL, "limit: must be a non-negative integer");
		return EB_EINVAL;
	}
	q->limit = lim == 0 ? XAPI_DEFAULT_LIMIT : lim > XAPI_MAX_LIMIT ? XAPI_MAX_LIMIT : (int)lim;
	if (parse_bool_param(p->ascending, &q->ascending) ||
	    parse_bool_param(p->related_agents, &q->related_agents) ||
	    parse_bool_param(p->related_activities, &q->related_activities)) {
		xapi_result_fail(out, EB_EINVAL,
				 "ascending, related_agents and related_activities"
				 " take true or false");
		return EB_EINVAL;
	}
	return EB_OK;
}

/* ---- the answer's shape: format, Last-Modified ------------------------------ */

/* Reduces an Agent or Group to what identifies it (format=ids): objectType
 * and its identifier; an anonymous Group keeps its members, each reduced. */
static void ids_agent(struct jv *ag)
{
	if (!jv_is_object(ag))
		return;
	jv_del(ag, "name");
	struct jv *m = jv_get(ag, "member");
	bool identified = jv_get(ag, "mbox") || jv_get(ag, "mbox_sha1sum") ||
			  jv_get(ag, "openid") || jv_get(ag, "account");
	if (m && identified) {
		jv_del(ag, "member");
	} else {
		size_t i;
		struct jv *x;
		jv_array_foreach(m, i, x) ids_agent(x);
	}
}

static void ids_activity(struct jv *act)
{
	if (jv_is_object(act))
		jv_del(act, "definition");
}

static void ids_statement(struct jv *st);

static void ids_object(struct jv *obj)
{
	const char *t = xapi_object_type(obj);
	if (!t || !strcmp(t, "Activity"))
		ids_activity(obj);
	else if (!strcmp(t, "Agent") || !strcmp(t, "Group"))
		ids_agent(obj);
	else if (!strcmp(t, "SubStatement"))
		ids_statement(obj);
}

static void ids_statement(struct jv *st)
{
	ids_agent(jv_get(st, "actor"));
	ids_object(jv_get(st, "object"));
	ids_agent(jv_get(st, "authority"));
	struct jv *ctx = jv_get(st, "context");
	ids_agent(jv_get(ctx, "instructor"));
	ids_agent(jv_get(ctx, "team"));
	const char *k;
	struct jv *list, *x;
	size_t i;
	jv_object_foreach(jv_get(ctx, "contextActivities"), k, list)
	{
		(void)k;
		jv_array_foreach(list, i, x) ids_activity(x);
	}
	jv_array_foreach(jv_get(ctx, "contextAgents"), i, x) ids_agent(jv_get(x, "agent"));
	jv_array_foreach(jv_get(ctx, "contextGroups"), i, x) ids_agent(jv_get(x, "group"));
}

/* How well language range r (from Accept-Language) matches tag: 3 exact,
 * 2 one is a prefix of the other at a '-' (fr-CA asks for fr, as RFC 4647's
 * lookup falls back; fr takes fr-CA), 1 "*", 0 not at all (case-insensitive). */
static int lang_match(const char *r, size_t rn, const char *tag)
{
	size_t tn = strlen(tag);
	if (rn == 1 && r[0] == '*')
		return 1;
	if (tn == rn && !strncasecmp(r, tag, rn))
		return 3;
	if (tn > rn && !strncasecmp(r, tag, rn) && tag[rn] == '-')
		return 2;
	if (rn > tn && !strncasecmp(r, tag, tn) && r[tn] == '-')
		return 2;
	return 0;
}

/* The quality (0..1000) Accept-Language header h gives tag: the highest q of
 * the ranges that match it, ties to the more exact match; -1 when none. */
static int lang_quality(const char *h, const char *tag)
{
	int best = -1;
	while (h && *h) {
		h += strspn(h, " \t,");
		size_t rn = strcspn(h, " \t;,");
		if (!rn)
			break;
		const char *r = h;
		h += rn;
		int q = 1000;
		const char *semi = h + strspn(h, " \t");
		if (*semi == ';') {
			const char *qp = semi + 1 + strspn(semi + 1, " \t");
			if (qp[0] == 'q' && qp[1] == '=') {
				double d = strtod(qp + 2, NULL);
				q = d < 0 ? 0 : d > 1 ? 1000 : (int)(d * 1000 + 0.5);
			}
		}
		h += strcspn(h, ",");
		int m = lang_match(r, rn, tag);
		if (m && q > 0 && q * 4 + m > best)
			best = q * 4 + m;
	}
	return best;
}

/* Keeps the one language of map v that best matches Accept-Language h (the
 * first one when none matches or h is absent). */
static void canon_map(struct jv *v, const char *h)
{
	if (!jv_is_object(v) || jv_size(v) < 2)
		return;
	const char *k, *keep = NULL;
	struct jv *x;
	int best = -2;
	jv_object_foreach(v, k, x)
	{
		(void)x;
		int q = lang_quality(h, k);
		if (q > best) {
			best = q;
			keep = k;
		}
	}
	for (size_t n = jv_size(v); n > 1;) {
		const char *drop = NULL;
		jv_object_foreach(v, k, x)
		{
			(void)x;
			if (strcmp(k, keep)) {
				drop = k;
				break;
			}
		}
		if (!drop)
			break;
		jv_del(v, drop);
		if (jv_size(v) == n)
			break;
		n = jv_size(v);
	}
}

static void canon_activity(struct jv *act, const char *h)
{
	struct jv *d = jv_get(act, "definition");
	canon_map(jv_get(d, "name"), h);
	canon_map(jv_get(d, "description"), h);
	static const char *const lists[] = {
		"choices", "scale", "source", "target", "steps", NULL
	};
	for (const char *const *l = lists; *l; l++) {
		size_t i;
		struct jv *c;
		jv_array_foreach(jv_get(d, *l), i, c) canon_map(jv_get(c, "description"), h);
	}
}

static void canon_statement(struct jv *st, const char *h)
{
	canon_map(jv_get(jv_get(st, "verb"), "display"), h);
	struct jv *obj = jv_get(st, "object");
	const char *t = xapi_object_type(obj);
	if (!t || !strcmp(t, "Activity"))
		canon_activity(obj, h);
	else if (!strcmp(t, "SubStatement"))
		canon_statement(obj, h);
	const char *k;
	struct jv *list, *x;
	size_t i;
	jv_object_foreach(jv_get(jv_get(st, "context"), "contextActivities"), k, list)
	{
		(void)k;
		jv_array_foreach(list, i, x) canon_activity(x, h);
	}
	jv_array_foreach(jv_get(st, "attachments"), i, x)
	{
		canon_map(jv_get(x, "display"), h);
		canon_map(jv_get(x, "description"), h);
	}
}

/* t (Unix ms) as an HTTP-date: "Sun, 06 Nov 1994 08:49:37 GMT". */
static void http_date(int64_t ms, char out[40])
{
	static const char days[][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" };
	static const char months[][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t t = ms / 1000;
	char iso[32]; /* YYYY-MM-DDTHH:MM:SSZ */
	time_format_iso(t, iso);
	int64_t day = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int mon = (iso[5] - '0') * 10 + (iso[6] - '0');
	snprintf(out, 40, "%.3s, %.2s %.3s %.4s %.8s GMT", days[((day % 7) + 7) % 7], iso + 8,
		 months[mon >= 1 && mon <= 12 ? mon - 1 : 0], iso, iso + 11);
}

/* Shapes one statement as format asks and keeps the newest `stored` in *newest. */
static void shape_statement(struct jv *st, const char *format, const char *accept, int64_t *newest)
{
	int64_t ms;
	struct jv *stored = jv_get(st, "stored");
	if (jv_is_string(stored) && xapi_parse_timestamp(jv_str(stored), &ms) && ms > *newest)
		*newest = ms;
	if (format && !strcmp(format, "ids"))
		ids_statement(st);
	else if (format && !strcmp(format, "canonical"))
		canon_statement(st, accept);
}

/* The answer in out->body (a statement, or {"statements":[...]}) shaped as
 * p asks, and out->last_modified set. */
static void shape_answer(const struct xapi_get_params *p, bool one, struct xapi_result *out)
{
	if (out->rc || !out->body)
		return;
	struct arena a;
	arena_init(&a);
	struct jv_error je;
	struct jv *root = jv_parse(&a, out->body, out->body_len, &je);
	int64_t newest = -1;
	bool reshape = p->format && strcmp(p->format, "exact");
	if (root && one) {
		shape_statement(root, p->format, p->accept_language, &newest);
	} else if (root) {
		size_t i;
		struct jv *st;
		jv_array_foreach(jv_get(root, "statements"), i, st)
			shape_statement(st, p->format, p->accept_language, &newest);
	}
	if (newest >= 0)
		http_date(newest, out->last_modified);
	if (root && reshape) {
		struct buf b = BUF_INIT;
		jv_dump(root, &b);
		xapi_result_json(out, &b);
	}
	arena_free(&a);
}

/* ---- reading ------------------------------------------------------------------ */

static enum eb_err get_one(struct db *db, int64_t district_id, int64_t tool_id, const char *id,
			   bool voided, struct xapi_result *out)
{
	if (!xapi_is_uuid(id)) {
		xapi_result_fail(out, EB_EINVAL, "%s must be a UUID",
				 voided ? "voidedStatementId" : "statementId");
		return EB_EINVAL;
	}
	char lid[37];
	xapi_uuid_lower(lid, id);
	struct buf b = BUF_INIT;
	enum eb_err rc = activity_statement_get(db, district_id, tool_id, lid, voided, &b);
	if (rc) {
		buf_free(&b);
		if (rc == EB_ENOTFOUND)
			xapi_result_fail(out, rc, "no %sstatement with id %s",
					 voided ? "voided " : "", lid);
		else
			xapi_result_fail(out, read_failure(rc), "reading failed: %s",
					 eb_strerror(rc));
		return out->rc;
	}
	xapi_result_json(out, &b);
	return out->rc;
}

/* One page of q: {"statements":[...],"more":URL or ""}. */
static enum eb_err get_page(struct db *db, int64_t district_id, int64_t tool_id,
			    struct activity_query *q, struct xapi_result *out)
{
	struct buf b = BUF_INIT;
	size_t count;
	int64_t last;
	bool more;
	buf_puts(&b, "{\"statements\":[");
	enum eb_err rc =
		activity_statement_query(db, district_id, tool_id, q, &b, &count, &last, &more);
	if (rc) {
		buf_free(&b);
		xapi_result_fail(out, read_failure(rc), "query failed: %s", eb_strerror(rc));
		return out->rc;
	}
	buf_puts(&b, "],\"more\":\"");
	if (more) {
		q->after_seq = last;
		char *tok = cursor_encode(q);
		if (tok)
			buf_printf(&b, "/xapi/statements?more=%s", tok);
		free(tok);
	}
	buf_puts(&b, "\"}");
	xapi_result_json(out, &b);
	return out->rc;
}

enum eb_err xapi_get(struct db *db, int64_t district_id, int64_t tool_id,
		     const struct xapi_get_params *p, const char *version_header,
		     struct xapi_result *out)
{
	enum xapi_version v;
	if (xapi_result_start(out, version_header, &v))
		return EB_EINVAL;
	xapi_now_iso(out->consistent_through, NULL);
	bool filters = p->agent || p->verb || p->activity || p->registration || p->since ||
		       p->until || p->limit || p->ascending || p->related_activities ||
		       p->related_agents || p->more;
	if (p->format && strcmp(p->format, "exact") && strcmp(p->format, "ids") &&
	    strcmp(p->format, "canonical")) {
		xapi_result_fail(out, EB_EINVAL, "format must be exact, ids or canonical");
		return EB_EINVAL;
	}
	if (p->statement_id || p->voided_statement_id) {
		if ((p->statement_id && p->voided_statement_id) || filters) {
			xapi_result_fail(out, EB_EINVAL,
					 "statementId / voidedStatementId take no"
					 " other parameters except attachments and format");
			return EB_EINVAL;
		}
		if (p->statement_id)
			get_one(db, district_id, tool_id, p->statement_id, false, out);
		else
			get_one(db, district_id, tool_id, p->voided_statement_id, true, out);
		shape_answer(p, true, out);
		return out->rc;
	}
	struct activity_query q = { .since_ms = -1, .until_ms = -1, .limit = XAPI_DEFAULT_LIMIT };
	char agent_key[300];
	struct arena a;
	arena_init(&a);
	enum eb_err rc;
	if (p->more) {
		rc = cursor_decode(&a, p->more, &q) ? EB_OK : EB_EINVAL;
		if (rc)
			xapi_result_fail(out, rc, "more: not a cursor this server issued");
	} else if (!(rc = query_from_params(&a, p, v, &q, agent_key, out)) &&
		   (rc = activity_statement_max_seq(db, district_id, tool_id, &q.max_seq))) {
		xapi_result_fail(out, read_failure(rc), "query failed: %s", eb_strerror(rc));
	}
	if (!rc)
		get_page(db, district_id, tool_id, &q, out);
	arena_free(&a);
	shape_answer(p, false, out);
	return out->rc;
}
