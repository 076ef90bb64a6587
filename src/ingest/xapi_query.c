/* xapi_query.c - GET /xapi/statements (xapi_query.h): one statement by id,
 * or a filtered page of them and the "more" cursor to the next page. */
#include "ingest/xapi_query.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/str.h"
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
		return p->statement_id
			       ? get_one(db, district_id, tool_id, p->statement_id, false, out)
			       : get_one(db, district_id, tool_id, p->voided_statement_id, true,
					 out);
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
	return out->rc;
}
