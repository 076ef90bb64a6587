/* lti_services.c - LTI Advantage services: token, AGS, NRPS, deletion on
 * request (see lti_services.h). */
#include "domain/lti_services.h"

#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jose.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/data_scope.h"
#include "domain/lti.h"
#include "domain/mastery.h"
#include "domain/tools.h"
#include "store/db.h"

#define AGS "https://purl.imsglobal.org/spec/lti-ags/scope/"
static const char *const scope_uris[LTI_SCOPE__COUNT] = {
	[LTI_SCOPE_LINEITEM] = AGS "lineitem",
	[LTI_SCOPE_LINEITEM_READ] = AGS "lineitem.readonly",
	[LTI_SCOPE_RESULT_READ] = AGS "result.readonly",
	[LTI_SCOPE_SCORE] = AGS "score",
	[LTI_SCOPE_MEMBERSHIP_READ] =
		"https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
};
#define AGS_SCOPES                                                                                 \
	((1u << LTI_SCOPE_LINEITEM) | (1u << LTI_SCOPE_LINEITEM_READ) |                            \
	 (1u << LTI_SCOPE_RESULT_READ) | (1u << LTI_SCOPE_SCORE))

const char *lti_scope_uri(enum lti_scope s)
{
	return (unsigned)s < LTI_SCOPE__COUNT ? scope_uris[s] : NULL;
}

static enum eb_err fail(struct lti_error *err, int status, const char *error, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static enum eb_err fail(struct lti_error *err, int status, const char *error, const char *fmt, ...)
{
	err->status = status;
	err->error = error;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->why, sizeof err->why, fmt, ap);
	va_end(ap);
	switch (status) {
	case 401:
		return EB_EAUTH;
	case 403:
		return EB_EPERM;
	case 404:
		return EB_ENOTFOUND;
	case 409:
		return EB_ECONFLICT;
	case 503:
		return EB_EBUSY;
	case 500:
		return EB_EDB;
	default:
		return EB_EINVAL;
	}
}

static enum eb_err db_fail_err(struct lti_error *err, enum eb_err rc)
{
	if (rc == EB_ENOMEM)
		return fail(err, 500, "server_error", "out of memory");
	return fail(err, 503, "temporarily_unavailable", "the database is busy; try again");
}

/* The district's scopes as OAuth scope bits. */
static unsigned allowed_scopes(struct db *db, int64_t district_id, int64_t tool_id)
{
	unsigned mask = 0, out = 0;
	if (data_scope_get(db, district_id, tool_id, &mask))
		return 0;
	if (mask & (1u << DATA_SCOPE_SCORES))
		out |= AGS_SCOPES;
	if (mask & (1u << DATA_SCOPE_MEMBERSHIP))
		out |= 1u << LTI_SCOPE_MEMBERSHIP_READ;
	return out;
}

/* ---- /lti/token ---------------------------------------------------------- */

static void token_hash(const char *token, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static bool aud_matches(json_t *aud, const char *want)
{
	if (json_is_string(aud))
		return strcmp(json_string_value(aud), want) == 0;
	size_t i;
	json_t *v;
	json_array_foreach(aud, i, v) if (json_is_string(v) &&
					  strcmp(json_string_value(v), want) == 0) return true;
	return false;
}

enum eb_err lti_token_issue(struct db *db, const struct lti_token_request *in,
			    const char *token_url, int64_t now, struct buf *out,
			    struct lti_error *err)
{
	if (!in->grant_type || strcmp(in->grant_type, "client_credentials") != 0)
		return fail(err, 400, "unsupported_grant_type",
			    "grant_type must be client_credentials");
	if (!in->client_assertion_type ||
	    strcmp(in->client_assertion_type,
		   "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") != 0)
		return fail(err, 400, "invalid_request",
			    "client_assertion_type must be "
			    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
	if (!in->client_assertion || !*in->client_assertion)
		return fail(err, 400, "invalid_request", "client_assertion is required");
	if (!in->scope || !*in->scope)
		return fail(err, 400, "invalid_scope", "scope is required");

	struct jose_jws jws = { 0 };
	json_t *claims = NULL;
	const char *why = NULL;
	enum eb_err rc;
	if (jose_jws_parse(str_from(in->client_assertion), &jws, &why)) {
		rc = fail(err, 401, "invalid_client", "client_assertion: %s",
			  why ? why : "not a signed JWT");
		goto out;
	}
	json_error_t je;
	claims = json_loads(jws.payload, JSON_REJECT_DUPLICATES, &je);
	const char *iss = json_string_value(json_object_get(claims, "iss"));
	const char *sub = json_string_value(json_object_get(claims, "sub"));
	const char *jti = json_string_value(json_object_get(claims, "jti"));
	json_t *exp = json_object_get(claims, "exp"), *iat = json_object_get(claims, "iat");
	if (!json_is_object(claims) || !iss || !sub || strcmp(iss, sub) != 0) {
		rc = fail(err, 401, "invalid_client",
			  "client_assertion: iss and sub must both be the tool's client_id");
		goto out;
	}
	struct lti_tool reg;
	if ((rc = lti_tool_by_client(db, iss, &reg))) {
		rc = rc == EB_ENOTFOUND ? fail(err, 401, "invalid_client",
					       "client_assertion: no tool is registered with "
					       "this client_id")
					: db_fail_err(err, rc);
		goto out;
	}
	if (!aud_matches(json_object_get(claims, "aud"), token_url)) {
		rc = fail(err, 401, "invalid_client", "client_assertion: aud must be %s",
			  token_url);
		goto out;
	}
	if (!json_is_integer(exp) || json_integer_value(exp) + LTI_CLOCK_SKEW_S < now) {
		rc = fail(err, 401, "invalid_client", "client_assertion: expired (exp)");
		goto out;
	}
	if (json_integer_value(exp) > now + LTI_ASSERTION_MAX_S) {
		rc = fail(err, 401, "invalid_client",
			  "client_assertion: exp more than an hour ahead");
		goto out;
	}
	if (iat && (!json_is_integer(iat) || json_integer_value(iat) > now + LTI_CLOCK_SKEW_S)) {
		rc = fail(err, 401, "invalid_client", "client_assertion: iat in the future");
		goto out;
	}
	if (!jti || !*jti || strlen(jti) > 256) {
		rc = fail(err, 401, "invalid_client", "client_assertion: jti is required");
		goto out;
	}
	rc = lti_verify_with_tool_keys(reg.jwks_url, &jws, now, &why);
	if (rc) {
		rc = fail(err, 401, "invalid_client", "client_assertion: %s",
			  rc == EB_EIO ? "the tool's key set (JWKS URL) could not be fetched"
			  : why	       ? why
				       : "the signature does not verify");
		goto out;
	}
	struct tool t;
	if ((rc = tools_get(db, reg.district_id, reg.tool_id, &t))) {
		rc = db_fail_err(err, rc);
		goto out;
	}
	if (t.status == TOOL_DENIED || t.status == TOOL_RETIRED) {
		rc = fail(err, 401, "invalid_client", "the district has %s this tool",
			  t.status == TOOL_DENIED ? "denied" : "retired");
		goto out;
	}
	/* the requested scopes the district allows */
	unsigned allowed = allowed_scopes(db, reg.district_id, reg.tool_id), granted = 0;
	char req_scopes[1024];
	snprintf(req_scopes, sizeof req_scopes, "%s", in->scope);
	for (char *p = req_scopes; *p;) {
		while (*p == ' ')
			p++;
		char *e = p;
		while (*e && *e != ' ')
			e++;
		char save = *e;
		*e = '\0';
		for (int i = 0; i < LTI_SCOPE__COUNT; i++)
			if (*p && strcmp(p, scope_uris[i]) == 0 && (allowed & (1u << i)))
				granted |= 1u << i;
		*e = save;
		p = e;
	}
	if (!granted) {
		rc = fail(err, 400, "invalid_scope",
			  "none of the requested scopes is allowed: the district's data-sharing "
			  "scopes for this tool do not include %s",
			  strstr(in->scope, "lti-nrps") ? "the class list" : "scores");
		goto out;
	}
	char scopes[600] = "";
	size_t sl = 0;
	for (int i = 0; i < LTI_SCOPE__COUNT; i++)
		if (granted & (1u << i))
			sl += (size_t)snprintf(scopes + sl, sizeof scopes - sl, "%s%s",
					       sl ? " " : "", scope_uris[i]);
	unsigned char raw[32], hash[32];
	char token[LTI_TOKEN_CHARS + 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, sizeof token, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	token_hash(token, hash);
	if ((rc = db_begin(db))) {
		rc = db_fail_err(err, rc);
		goto out;
	}
	rc = db_execute(db, "DELETE FROM lti_assertion_jti WHERE expires_at < ?1",
			DB_ARGS(DB_INT(now - LTI_CLOCK_SKEW_S)), NULL);
	if (!rc)
		rc = db_execute(db, "DELETE FROM lti_access_token WHERE expires_at < ?1",
				DB_ARGS(DB_INT(now)), NULL);
	if (!rc)
		rc = db_execute(db,
				"INSERT INTO lti_assertion_jti (district_id, tool_id, jti,"
				" expires_at) VALUES (?1, ?2, ?3, ?4)",
				DB_ARGS(DB_INT(reg.district_id), DB_INT(reg.tool_id), DB_TEXT(jti),
					DB_INT(json_integer_value(exp))),
				NULL);
	if (rc == EB_EEXIST) {
		db_rollback(db);
		rc = fail(err, 401, "invalid_client",
			  "client_assertion: this jti was used already (a replay)");
		goto out;
	}
	if (!rc)
		rc = db_execute(db,
				"INSERT INTO lti_access_token (token_hash, district_id, tool_id,"
				" scopes, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
				DB_ARGS(DB_BLOB(hash, 32), DB_INT(reg.district_id),
					DB_INT(reg.tool_id), DB_TEXT(scopes), DB_INT(now),
					DB_INT(now + LTI_TOKEN_TTL_S)),
				NULL);
	if (rc || (rc = db_commit(db))) {
		db_rollback(db);
		rc = db_fail_err(err, rc);
		goto out;
	}
	buf_printf(out,
		   "{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":%d,"
		   "\"scope\":\"%s\"}",
		   token, LTI_TOKEN_TTL_S, scopes);
	sodium_memzero(token, sizeof token);
out:
	json_decref(claims);
	jose_jws_free(&jws);
	return rc;
}

enum eb_err lti_token_check(struct db *db, const char *authorization, unsigned any_of, int64_t now,
			    struct lti_caller *caller, struct lti_error *err)
{
	if (!authorization || strncmp(authorization, "Bearer ", 7) != 0 ||
	    strlen(authorization + 7) != LTI_TOKEN_CHARS)
		return fail(err, 401, "invalid_token",
			    "send Authorization: Bearer with a token from /lti/token");
	unsigned char hash[32];
	token_hash(authorization + 7, hash);
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT a.district_id, a.tool_id, a.scopes, a.expires_at, l.id"
			 " FROM lti_access_token a JOIN lti_tool l ON l.tool_id = a.tool_id"
			 " AND l.district_id = a.district_id WHERE a.token_hash = ?1",
			 DB_ARGS(DB_BLOB(hash, 32)), &st);
	if (rc)
		return db_fail_err(err, rc);
	bool found = db_next(st);
	int64_t expires = 0;
	memset(caller, 0, sizeof *caller);
	if (found) {
		caller->district_id = db_col_int(st, 0);
		caller->tool_id = db_col_int(st, 1);
		const char *s = db_col_text(st, 2);
		for (int i = 0; i < LTI_SCOPE__COUNT; i++)
			if (s && strstr(s, scope_uris[i])) {
				/* whole words only: lineitem is a prefix of lineitem.readonly */
				const char *p = s;
				size_t n = strlen(scope_uris[i]);
				while ((p = strstr(p, scope_uris[i]))) {
					if (p[n] == '\0' || p[n] == ' ')
						caller->scopes |= 1u << i;
					p += n;
				}
			}
		expires = db_col_int(st, 3);
		caller->lti_tool_id = db_col_int(st, 4);
	}
	if ((rc = db_done(st)))
		return db_fail_err(err, rc);
	if (!found)
		return fail(err, 401, "invalid_token", "the access token is not known");
	if (expires <= now)
		return fail(err, 401, "invalid_token",
			    "the access token has expired; get a new one from /lti/token");
	/* the district may have taken a scope back since */
	caller->scopes &= allowed_scopes(db, caller->district_id, caller->tool_id);
	if (!(caller->scopes & any_of))
		return fail(err, 403, "insufficient_scope",
			    "the token was not granted the scope this service needs (or the "
			    "district's data-sharing scopes no longer allow it)");
	return EB_OK;
}

/* ---- AGS ----------------------------------------------------------------- */

/* The link must be the caller's tool's. */
static enum eb_err caller_link(struct db *db, const struct lti_caller *c, int64_t link_id,
			       struct lti_link *link, struct lti_error *err)
{
	enum eb_err rc = lti_link_get(db, c->district_id, link_id, link);
	if (rc == EB_ENOTFOUND || (!rc && link->lti_tool_id != c->lti_tool_id))
		return fail(err, 404, "not_found", "no such resource link for this tool");
	return rc ? db_fail_err(err, rc) : EB_OK;
}

struct lineitem {
	int64_t id, link_id;
	char class_sid[256], label[201], tag[201], resource_id[201], start_at[40], end_at[40];
	double score_maximum;
};

static enum eb_err lineitem_load(struct db *db, const struct lti_caller *c,
				 const struct lti_link *link, int64_t item_id, struct lineitem *li,
				 struct lti_error *err)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT id, coalesce(link_id, 0), class_sourced_id, label, tag,"
				  " resource_id, start_at, end_at, score_maximum FROM lti_lineitem"
				  " WHERE id = ?1 AND district_id = ?2 AND tool_id = ?3"
				  " AND class_sourced_id = ?4",
				  DB_ARGS(DB_INT(item_id), DB_INT(c->district_id),
					  DB_INT(c->tool_id), DB_TEXT(link->class_sourced_id)),
				  &st);
	if (rc)
		return db_fail_err(err, rc);
	bool found = db_next(st);
	if (found) {
		li->id = db_col_int(st, 0);
		li->link_id = db_col_int(st, 1);
		db_col_copy(st, 2, li->class_sid, sizeof li->class_sid);
		db_col_copy(st, 3, li->label, sizeof li->label);
		db_col_copy(st, 4, li->tag, sizeof li->tag);
		db_col_copy(st, 5, li->resource_id, sizeof li->resource_id);
		db_col_copy(st, 6, li->start_at, sizeof li->start_at);
		db_col_copy(st, 7, li->end_at, sizeof li->end_at);
		li->score_maximum = db_col_double(st, 8);
	}
	if ((rc = db_done(st)))
		return db_fail_err(err, rc);
	return found ? EB_OK : fail(err, 404, "not_found", "no such line item in this context");
}

static json_t *lineitem_json(const struct lineitem *li, const char *base)
{
	char id[600], link[24];
	snprintf(id, sizeof id, "%s/%lld", base, (long long)li->id);
	json_t *o = json_pack("{s:s, s:f, s:s}", "id", id, "scoreMaximum", li->score_maximum,
			      "label", li->label);
	if (!o)
		return NULL;
	if (li->link_id) {
		snprintf(link, sizeof link, "%lld", (long long)li->link_id);
		json_object_set_new(o, "resourceLinkId", json_string(link));
	}
	if (li->tag[0])
		json_object_set_new(o, "tag", json_string(li->tag));
	if (li->resource_id[0])
		json_object_set_new(o, "resourceId", json_string(li->resource_id));
	if (li->start_at[0])
		json_object_set_new(o, "startDateTime", json_string(li->start_at));
	if (li->end_at[0])
		json_object_set_new(o, "endDateTime", json_string(li->end_at));
	return o;
}

static enum eb_err put_json(struct buf *out, json_t *j, struct lti_error *err)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s)
		return fail(err, 500, "server_error", "out of memory");
	buf_puts(out, s);
	free(s);
	return buf_failed(out) ? fail(err, 500, "server_error", "answer too large") : EB_OK;
}

enum eb_err lti_ags_lineitems(struct db *db, const struct lti_caller *c, int64_t link_id,
			      const struct lti_lineitem_filter *f, const char *base,
			      struct buf *out, struct lti_error *err)
{
	struct lti_link link;
	enum eb_err rc = caller_link(db, c, link_id, &link, err);
	if (rc)
		return rc;
	int64_t want_link = 0;
	if (f->resource_link_id && cstr_to_i64(f->resource_link_id, 1, INT64_MAX, &want_link))
		want_link = -1; /* matches nothing */
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT id, coalesce(link_id, 0), class_sourced_id, label, tag,"
			   " resource_id, start_at, end_at, score_maximum FROM lti_lineitem"
			   " WHERE district_id = ?1 AND tool_id = ?2 AND class_sourced_id = ?3"
			   " AND (?4 = 0 OR link_id = ?4) AND (?5 IS NULL OR resource_id = ?5)"
			   " AND (?6 IS NULL OR tag = ?6) ORDER BY id",
			   DB_ARGS(DB_INT(c->district_id), DB_INT(c->tool_id),
				   DB_TEXT(link.class_sourced_id), DB_INT(want_link),
				   DB_TEXT(f->resource_id), DB_TEXT(f->tag)),
			   &st)))
		return db_fail_err(err, rc);
	json_t *arr = json_array();
	int n = 0;
	while (db_next(st) && (f->limit <= 0 || n < f->limit)) {
		struct lineitem li;
		li.id = db_col_int(st, 0);
		li.link_id = db_col_int(st, 1);
		db_col_copy(st, 2, li.class_sid, sizeof li.class_sid);
		db_col_copy(st, 3, li.label, sizeof li.label);
		db_col_copy(st, 4, li.tag, sizeof li.tag);
		db_col_copy(st, 5, li.resource_id, sizeof li.resource_id);
		db_col_copy(st, 6, li.start_at, sizeof li.start_at);
		db_col_copy(st, 7, li.end_at, sizeof li.end_at);
		li.score_maximum = db_col_double(st, 8);
		json_array_append_new(arr, lineitem_json(&li, base));
		n++;
	}
	if ((rc = db_done(st))) {
		json_decref(arr);
		return db_fail_err(err, rc);
	}
	return put_json(out, arr, err);
}

static bool opt_string(json_t *o, const char *key, size_t max, char *dst, size_t cap,
		       struct lti_error *err, enum eb_err *rc)
{
	json_t *v = json_object_get(o, key);
	dst[0] = '\0';
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v) || json_string_length(v) > max) {
		*rc = fail(err, 400, "invalid_request", "%s: a text of at most %zu characters", key,
			   max);
		return false;
	}
	snprintf(dst, cap, "%s", json_string_value(v));
	return true;
}

enum eb_err lti_ags_lineitem_put(struct db *db, const struct lti_caller *c, int64_t link_id,
				 int64_t item_id, const char *body, size_t len, const char *base,
				 int64_t now, struct buf *out, int64_t *item_out,
				 struct lti_error *err)
{
	struct lti_link link;
	enum eb_err rc = caller_link(db, c, link_id, &link, err);
	if (rc)
		return rc;
	struct lineitem li = { 0 };
	if (item_id && (rc = lineitem_load(db, c, &link, item_id, &li, err)))
		return rc;
	json_error_t je;
	json_t *o = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(o)) {
		json_decref(o);
		return fail(err, 400, "invalid_request", "the body is not a JSON object: %s",
			    je.text);
	}
	json_t *max = json_object_get(o, "scoreMaximum");
	const char *label = json_string_value(json_object_get(o, "label"));
	if (!json_is_number(max) || !(json_number_value(max) > 0) ||
	    !isfinite(json_number_value(max))) {
		rc = fail(err, 400, "invalid_request",
			  "scoreMaximum: a number above 0 is required");
		goto out;
	}
	if (!label || !*label || strlen(label) > 200) {
		rc = fail(err, 400, "invalid_request", "label: 1 to 200 characters are required");
		goto out;
	}
	li.score_maximum = json_number_value(max);
	snprintf(li.label, sizeof li.label, "%s", label);
	char rl[40];
	if (!opt_string(o, "tag", 200, li.tag, sizeof li.tag, err, &rc) ||
	    !opt_string(o, "resourceId", 200, li.resource_id, sizeof li.resource_id, err, &rc) ||
	    !opt_string(o, "startDateTime", 39, li.start_at, sizeof li.start_at, err, &rc) ||
	    !opt_string(o, "endDateTime", 39, li.end_at, sizeof li.end_at, err, &rc) ||
	    !opt_string(o, "resourceLinkId", 30, rl, sizeof rl, err, &rc))
		goto out;
	int64_t t;
	int32_t ms;
	if ((li.start_at[0] && time_parse_iso(str_from(li.start_at), &t, &ms)) ||
	    (li.end_at[0] && time_parse_iso(str_from(li.end_at), &t, &ms))) {
		rc = fail(err, 400, "invalid_request",
			  "startDateTime, endDateTime: ISO 8601 date-times with a zone");
		goto out;
	}
	li.link_id = 0;
	if (rl[0]) {
		struct lti_link other;
		if (cstr_to_i64(rl, 1, INT64_MAX, &li.link_id) ||
		    lti_link_get(db, c->district_id, li.link_id, &other) ||
		    other.lti_tool_id != c->lti_tool_id ||
		    strcmp(other.class_sourced_id, link.class_sourced_id) != 0) {
			rc = fail(err, 400, "invalid_request",
				  "resourceLinkId: not a resource link of this tool in this class");
			goto out;
		}
	}
	if (item_id)
		rc = db_execute(
			db,
			"UPDATE lti_lineitem SET link_id = ?2, label = ?3, score_maximum = ?4,"
			" tag = ?5, resource_id = ?6, start_at = ?7, end_at = ?8"
			" WHERE id = ?1",
			DB_ARGS(DB_INT(item_id), DB_INT_IF(li.link_id, li.link_id),
				DB_TEXT(li.label), DB_REAL(li.score_maximum), DB_TEXT(li.tag),
				DB_TEXT(li.resource_id), DB_TEXT(li.start_at), DB_TEXT(li.end_at)),
			NULL);
	else
		rc = db_execute(
			db,
			"INSERT INTO lti_lineitem (district_id, tool_id, class_sourced_id,"
			" link_id, label, score_maximum, tag, resource_id, start_at, end_at,"
			" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			DB_ARGS(DB_INT(c->district_id), DB_INT(c->tool_id),
				DB_TEXT(link.class_sourced_id), DB_INT_IF(li.link_id, li.link_id),
				DB_TEXT(li.label), DB_REAL(li.score_maximum), DB_TEXT(li.tag),
				DB_TEXT(li.resource_id), DB_TEXT(li.start_at), DB_TEXT(li.end_at),
				DB_INT(now)),
			NULL);
	if (rc) {
		rc = db_fail_err(err, rc);
		goto out;
	}
	if (!item_id && (rc = db_get_int(db, "SELECT last_insert_rowid()", DB_NOARGS, &li.id))) {
		rc = db_fail_err(err, rc);
		goto out;
	}
	if (item_id)
		li.id = item_id;
	*item_out = li.id;
	rc = put_json(out, lineitem_json(&li, base), err);
out:
	json_decref(o);
	return rc;
}

enum eb_err lti_ags_lineitem_get(struct db *db, const struct lti_caller *c, int64_t link_id,
				 int64_t item_id, const char *base, struct buf *out,
				 struct lti_error *err)
{
	struct lti_link link;
	struct lineitem li;
	enum eb_err rc = caller_link(db, c, link_id, &link, err);
	if (rc || (rc = lineitem_load(db, c, &link, item_id, &li, err)))
		return rc;
	return put_json(out, lineitem_json(&li, base), err);
}

enum eb_err lti_ags_lineitem_delete(struct db *db, const struct lti_caller *c, int64_t link_id,
				    int64_t item_id, struct lti_error *err)
{
	struct lti_link link;
	struct lineitem li;
	enum eb_err rc = caller_link(db, c, link_id, &link, err);
	if (rc || (rc = lineitem_load(db, c, &link, item_id, &li, err)))
		return rc;
	rc = db_execute(db, "DELETE FROM lti_lineitem WHERE id = ?1", DB_ARGS(DB_INT(item_id)),
			NULL);
	return rc ? db_fail_err(err, rc) : EB_OK;
}

static const char *const activity_values[] = { "Initialized", "Started",   "InProgress",
					       "Submitted",   "Completed", NULL };
static const char *const grading_values[] = { "FullyGraded", "Pending",	 "PendingManual",
					      "Failed",	     "NotReady", NULL };

static bool one_of(const char *s, const char *const *values)
{
	for (int i = 0; s && values[i]; i++)
		if (strcmp(s, values[i]) == 0)
			return true;
	return false;
}

/* The student behind a tool's userId, enrolled as a student in the class. */
static enum eb_err score_student(struct db *db, const struct lti_caller *c, const char *class_sid,
				 const char *user_id, char *sid, size_t cap, struct lti_error *err)
{
	int64_t account_id;
	enum eb_err rc = lti_subject_account(db, c->lti_tool_id, user_id, &account_id);
	if (rc == EB_ENOTFOUND)
		return fail(err, 400, "invalid_request",
			    "userId: not a user id edbridge gave this tool (use the sub of the "
			    "launch)");
	if (rc)
		return db_fail_err(err, rc);
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT a.person_sourced_id FROM account a JOIN enrollment e"
			   " ON e.district_id = a.district_id AND e.user_sourced_id ="
			   " a.person_sourced_id AND e.class_sourced_id = ?3 AND e.role = 'student'"
			   " AND e.status = 'active' WHERE a.id = ?1 AND a.district_id = ?2",
			   DB_ARGS(DB_INT(account_id), DB_INT(c->district_id), DB_TEXT(class_sid)),
			   &st)))
		return db_fail_err(err, rc);
	bool found = db_next(st);
	if (found)
		db_col_copy(st, 0, sid, cap);
	if ((rc = db_done(st)))
		return db_fail_err(err, rc);
	if (!found || !sid[0])
		return fail(err, 403, "invalid_request",
			    "userId: not a student of this class; no score is stored for them");
	return EB_OK;
}

enum eb_err lti_ags_score(struct db *db, const struct lti_caller *c, int64_t link_id,
			  int64_t item_id, const char *body, size_t len, int64_t now, int *events,
			  struct lti_error *err)
{
	*events = 0;
	struct lti_link link;
	struct lineitem li;
	enum eb_err rc = caller_link(db, c, link_id, &link, err);
	if (rc || (rc = lineitem_load(db, c, &link, item_id, &li, err)))
		return rc;
	json_error_t je;
	json_t *o = json_loadb(body ? body : "", len, JSON_REJECT_DUPLICATES, &je);
	bool began = false;
	if (!json_is_object(o)) {
		rc = fail(err, 400, "invalid_request", "the body is not a JSON object: %s",
			  je.text);
		goto out;
	}
	const char *user = json_string_value(json_object_get(o, "userId"));
	const char *ap = json_string_value(json_object_get(o, "activityProgress"));
	const char *gp = json_string_value(json_object_get(o, "gradingProgress"));
	const char *ts = json_string_value(json_object_get(o, "timestamp"));
	json_t *given = json_object_get(o, "scoreGiven"), *max = json_object_get(o, "scoreMaximum");
	json_t *comment = json_object_get(o, "comment");
	if (!user || !*user) {
		rc = fail(err, 400, "invalid_request", "userId is required");
		goto out;
	}
	if (!one_of(ap, activity_values)) {
		rc = fail(err, 400, "invalid_request",
			  "activityProgress: one of Initialized, Started, InProgress, Submitted, "
			  "Completed");
		goto out;
	}
	if (!one_of(gp, grading_values)) {
		rc = fail(err, 400, "invalid_request",
			  "gradingProgress: one of FullyGraded, Pending, PendingManual, Failed, "
			  "NotReady");
		goto out;
	}
	int64_t at;
	int32_t ms;
	if (!ts || time_parse_iso(str_from(ts), &at, &ms)) {
		rc = fail(err, 400, "invalid_request",
			  "timestamp: an ISO 8601 date-time with a zone is required");
		goto out;
	}
	if (given && !json_is_null(given) && (!json_is_number(given) || !max)) {
		rc = fail(err, 400, "invalid_request",
			  "scoreGiven: a number, sent with scoreMaximum");
		goto out;
	}
	if (max && !json_is_null(max) &&
	    (!json_is_number(max) || !(json_number_value(max) > 0) ||
	     !isfinite(json_number_value(max)))) {
		rc = fail(err, 400, "invalid_request", "scoreMaximum: a number above 0");
		goto out;
	}
	bool has_score = given && json_is_number(given);
	double g = has_score ? json_number_value(given) : 0;
	double m = has_score ? json_number_value(max) : 0;
	if (has_score && (!isfinite(g) || g < 0)) {
		rc = fail(err, 400, "invalid_request", "scoreGiven: a number of 0 or more");
		goto out;
	}
	if (has_score && g > m) {
		rc = fail(err, 400, "invalid_request",
			  "scoreGiven (%g) is above scoreMaximum (%g): the district does not take "
			  "extra credit",
			  g, m);
		goto out;
	}
	if (comment && !json_is_null(comment) &&
	    (!json_is_string(comment) || json_string_length(comment) > 2000)) {
		rc = fail(err, 400, "invalid_request",
			  "comment: a text of at most 2000 characters");
		goto out;
	}
	char sid[256];
	if ((rc = score_student(db, c, li.class_sid, user, sid, sizeof sid, err)))
		goto out;
	if ((rc = db_begin(db))) {
		rc = db_fail_err(err, rc);
		goto out;
	}
	began = true;
	/* a later score stored already wins (the spec's ordering by timestamp) */
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT timestamp FROM lti_score WHERE lineitem_id = ?1"
			   " AND student_sourced_id = ?2",
			   DB_ARGS(DB_INT(li.id), DB_TEXT(sid)), &st))) {
		rc = db_fail_err(err, rc);
		goto out;
	}
	int64_t stored_at = INT64_MIN;
	int32_t stored_ms = 0;
	if (db_next(st)) {
		const char *prev = db_col_text(st, 0);
		if (prev && time_parse_iso(str_from(prev), &stored_at, &stored_ms))
			stored_at = INT64_MIN;
	}
	if ((rc = db_done(st))) {
		rc = db_fail_err(err, rc);
		goto out;
	}
	if (stored_at != INT64_MIN && (at < stored_at || (at == stored_at && ms < stored_ms))) {
		rc = fail(err, 409, "conflict",
			  "timestamp: a later score of this student is stored already");
		goto out;
	}
	if (stored_at == at && stored_ms == ms) {
		rc = db_commit(db); /* the same post again: nothing changes */
		began = false;
		if (rc)
			rc = db_fail_err(err, rc);
		goto out;
	}
	rc = db_execute(db,
			"INSERT OR REPLACE INTO lti_score (district_id, lineitem_id,"
			" student_sourced_id, score_given, score_maximum, activity_progress,"
			" grading_progress, comment, timestamp, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			DB_ARGS(DB_INT(c->district_id), DB_INT(li.id), DB_TEXT(sid),
				DB_REAL_IF(has_score, g), DB_REAL_IF(has_score, m), DB_TEXT(ap),
				DB_TEXT(gp),
				DB_TEXT(json_is_string(comment) ? json_string_value(comment) : ""),
				DB_TEXT(ts), DB_INT(now)),
			NULL);
	if (!rc && has_score && strcmp(gp, "FullyGraded") == 0) {
		/* the learning event(s): one per standard of the link, else the tool's
		 * activity map decides (activity_event_record) */
		struct lti_link src = link;
		if (li.link_id && li.link_id != link.id &&
		    (rc = lti_link_get(db, c->district_id, li.link_id, &src)))
			goto stored;
		char stmt_id[400], actor[80], activity[400];
		double ratio = g / m;
		snprintf(actor, sizeof actor, "lti:%s", user);
		snprintf(activity, sizeof activity, "%s",
			 li.link_id ? src.activity_id
				    : (li.resource_id[0] ? li.resource_id : li.label));
		int nstd = li.link_id ? src.nstandards : 0;
		for (int k = 0; k < (nstd ? nstd : 1) && !rc; k++) {
			snprintf(stmt_id, sizeof stmt_id, "lti:%lld:%s:%s", (long long)li.id, sid,
				 ts);
			struct learning_event_in ev = {
				.actor_key = actor,
				.match_name = sid,
				.activity_id = activity,
				.standard_code = nstd ? src.standards[k] : NULL,
				.item_id = activity,
				.correct = ratio >= LTI_SCORE_CORRECT_AT ? 1 : 0,
				.score = ratio,
				.duration_s = -1,
				.occurred_at = at,
				.source = "lti",
				.statement_id = stmt_id,
				.verb = "lti:score",
			};
			bool quarantined = false;
			rc = activity_event_record(db, c->district_id, c->tool_id, &ev,
						   &quarantined);
			if (!rc && !quarantined)
				(*events)++;
		}
	}
stored:
	if (rc || (rc = db_commit(db))) {
		rc = db_fail_err(err, rc);
		goto out;
	}
	began = false;
out:
	if (began)
		db_rollback(db);
	json_decref(o);
	return rc;
}

enum eb_err lti_ags_results(struct db *db, const struct lti_caller *c, int64_t link_id,
			    int64_t item_id, const char *user_id, int limit, const char *base,
			    struct buf *out, struct lti_error *err)
{
	struct lti_link link;
	struct lineitem li;
	enum eb_err rc = caller_link(db, c, link_id, &link, err);
	if (rc || (rc = lineitem_load(db, c, &link, item_id, &li, err)))
		return rc;
	struct db_stmt *st;
	if ((rc = db_query(
		     db,
		     "SELECT s.sub, r.score_given, r.score_maximum, r.comment FROM lti_score r"
		     " JOIN account a ON a.district_id = r.district_id AND"
		     " a.person_sourced_id = r.student_sourced_id"
		     " JOIN lti_subject s ON s.district_id = a.district_id AND s.lti_tool_id = ?2"
		     " AND s.account_id = a.id"
		     " WHERE r.lineitem_id = ?1 AND (?3 IS NULL OR s.sub = ?3)"
		     " ORDER BY s.sub",
		     DB_ARGS(DB_INT(li.id), DB_INT(c->lti_tool_id), DB_TEXT(user_id)), &st)))
		return db_fail_err(err, rc);
	json_t *arr = json_array();
	int n = 0;
	char item[600], id[800];
	snprintf(item, sizeof item, "%s/%lld", base, (long long)li.id);
	while (db_next(st) && (limit <= 0 || n < limit)) {
		const char *sub = db_col_text(st, 0);
		snprintf(id, sizeof id, "%s/results/%s", item, sub);
		json_t *r = json_pack("{s:s, s:s, s:s}", "id", id, "scoreOf", item, "userId", sub);
		if (!db_col_is_null(st, 1)) {
			json_object_set_new(r, "resultScore", json_real(db_col_double(st, 1)));
			json_object_set_new(r, "resultMaximum", json_real(db_col_double(st, 2)));
		}
		const char *cm = db_col_text(st, 3);
		if (cm && *cm)
			json_object_set_new(r, "comment", json_string(cm));
		json_array_append_new(arr, r);
		n++;
	}
	if ((rc = db_done(st))) {
		json_decref(arr);
		return db_fail_err(err, rc);
	}
	return put_json(out, arr, err);
}

/* ---- NRPS ---------------------------------------------------------------- */

#define LIS_M "http://purl.imsglobal.org/vocab/lis/v2/membership#"

enum eb_err lti_nrps_members(struct db *db, const struct lti_caller *c,
			     const char *class_sourced_id, const char *after, int limit,
			     const char *self_url, struct buf *out, char next[80],
			     struct lti_error *err)
{
	next[0] = '\0';
	if (limit < 1 || limit > LTI_NRPS_PAGE_MAX)
		limit = LTI_NRPS_PAGE_DEFAULT;
	int64_t one;
	enum eb_err rc = db_get_int(
		db,
		"SELECT 1 FROM lti_link WHERE district_id = ?1 AND"
		" lti_tool_id = ?2 AND class_sourced_id = ?3 LIMIT 1",
		DB_ARGS(DB_INT(c->district_id), DB_INT(c->lti_tool_id), DB_TEXT(class_sourced_id)),
		&one);
	if (rc == EB_ENOTFOUND)
		return fail(err, 404, "not_found",
			    "no such context: the tool has no resource link in this class");
	if (rc)
		return db_fail_err(err, rc);
	unsigned mask = 0;
	if ((rc = data_scope_get(db, c->district_id, c->tool_id, &mask)))
		return db_fail_err(err, rc);
	bool f_name = mask & (1u << DATA_SCOPE_NAME), f_email = mask & (1u << DATA_SCOPE_EMAIL);
	bool f_sid = mask & (1u << DATA_SCOPE_STUDENT_ID),
	     f_class = mask & (1u << DATA_SCOPE_CLASS);
	if ((rc = db_begin(db)))
		return db_fail_err(err, rc);
	/* every member with an account gets its subject first (stable, random) */
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT DISTINCT a.id FROM enrollment e JOIN account a ON"
			   " a.district_id = e.district_id AND a.person_sourced_id ="
			   " e.user_sourced_id WHERE e.district_id = ?1 AND e.class_sourced_id = ?2"
			   " AND e.status = 'active' AND e.role IN ('student', 'teacher')"
			   " AND NOT EXISTS (SELECT 1 FROM lti_subject s WHERE s.district_id ="
			   " a.district_id AND s.lti_tool_id = ?3 AND s.account_id = a.id)",
			   DB_ARGS(DB_INT(c->district_id), DB_TEXT(class_sourced_id),
				   DB_INT(c->lti_tool_id)),
			   &st)))
		goto dberr;
	int64_t ids[256];
	size_t nids = 0;
	bool more_missing = false;
	do {
		nids = 0;
		while (nids < 256 && db_next(st))
			ids[nids++] = db_col_int(st, 0);
		more_missing = nids == 256;
		if ((rc = db_done(st)))
			goto dberr;
		for (size_t i = 0; i < nids && !rc; i++) {
			char sub[LTI_SUB_MAX + 1];
			rc = lti_subject(db, c->district_id, c->lti_tool_id, ids[i], sub);
		}
		if (rc)
			goto dberr;
		if (more_missing &&
		    (rc = db_query(
			     db,
			     "SELECT DISTINCT a.id FROM enrollment e JOIN account a ON"
			     " a.district_id = e.district_id AND a.person_sourced_id ="
			     " e.user_sourced_id WHERE e.district_id = ?1 AND"
			     " e.class_sourced_id = ?2 AND e.status = 'active' AND e.role IN"
			     " ('student', 'teacher') AND NOT EXISTS (SELECT 1 FROM lti_subject"
			     " s WHERE s.lti_tool_id = ?3 AND s.account_id = a.id)",
			     DB_ARGS(DB_INT(c->district_id), DB_TEXT(class_sourced_id),
				     DB_INT(c->lti_tool_id)),
			     &st)))
			goto dberr;
	} while (more_missing);
	json_t *members = json_array();
	if ((rc = db_query(
		     db,
		     "SELECT s.sub, max(CASE WHEN e.role = 'teacher' THEN 1 ELSE 0 END),"
		     " p.given_name, p.family_name,"
		     " p.email, p.sourced_id FROM enrollment e JOIN account a ON"
		     " a.district_id = e.district_id AND a.person_sourced_id = e.user_sourced_id"
		     " JOIN lti_subject s ON s.district_id = a.district_id AND s.lti_tool_id = ?3"
		     " AND s.account_id = a.id"
		     " JOIN person p ON p.district_id = e.district_id AND p.sourced_id ="
		     " e.user_sourced_id WHERE e.district_id = ?1 AND e.class_sourced_id = ?2"
		     " AND e.status = 'active' AND e.role IN ('student', 'teacher')"
		     " AND s.sub > ?4 GROUP BY s.sub, p.given_name, p.family_name, p.email,"
		     " p.sourced_id ORDER BY s.sub LIMIT ?5",
		     DB_ARGS(DB_INT(c->district_id), DB_TEXT(class_sourced_id),
			     DB_INT(c->lti_tool_id), DB_TEXT(after ? after : ""),
			     DB_INT(limit + 1)),
		     &st))) {
		json_decref(members);
		goto dberr;
	}
	int n = 0, students = 0;
	char last[80] = "";
	while (db_next(st)) {
		if (n == limit) {
			snprintf(next, 80, "%s", last);
			break;
		}
		const char *sub = db_col_text(st, 0);
		bool teacher = db_col_int(st, 1) != 0;
		json_t *mbr = json_pack("{s:s, s:s, s:[s]}", "user_id", sub, "status", "Active",
					"roles", teacher ? LIS_M "Instructor" : LIS_M "Learner");
		if (f_name) {
			const char *gn = db_col_text(st, 2), *fn = db_col_text(st, 3);
			char full[300];
			snprintf(full, sizeof full, "%s %s", gn ? gn : "", fn ? fn : "");
			json_object_set_new(mbr, "name", json_string(full));
			json_object_set_new(mbr, "given_name", json_string(gn ? gn : ""));
			json_object_set_new(mbr, "family_name", json_string(fn ? fn : ""));
		}
		const char *em = db_col_text(st, 4);
		if (f_email && em && *em)
			json_object_set_new(mbr, "email", json_string(em));
		if (f_sid)
			json_object_set_new(mbr, "lis_person_sourcedid",
					    json_string(db_col_text(st, 5)));
		json_array_append_new(members, mbr);
		snprintf(last, sizeof last, "%s", sub);
		students += !teacher;
		n++;
	}
	if ((rc = db_done(st))) {
		json_decref(members);
		goto dberr;
	}
	json_t *ctx = json_pack("{s:s}", "id", class_sourced_id);
	if (f_class) {
		char title[256] = "";
		struct db_stmt *ct;
		if (!db_query(db,
			      "SELECT title FROM class WHERE district_id = ?1 AND sourced_id = ?2",
			      DB_ARGS(DB_INT(c->district_id), DB_TEXT(class_sourced_id)), &ct)) {
			if (db_next(ct))
				db_col_copy(ct, 0, title, sizeof title);
			db_done(ct);
		}
		json_object_set_new(ctx, "title", json_string(title));
	}
	json_t *doc =
		json_pack("{s:s, s:o, s:o}", "id", self_url, "context", ctx, "members", members);
	/* the disclosure is audited: which tool, which fields, how many students */
	char fields[200], detail[300], tool_id[24];
	data_scope_describe(mask & ((1u << DATA_SCOPE_NAME) | (1u << DATA_SCOPE_EMAIL) |
				    (1u << DATA_SCOPE_STUDENT_ID) | (1u << DATA_SCOPE_CLASS)),
			    fields, sizeof fields);
	snprintf(tool_id, sizeof tool_id, "%lld", (long long)c->tool_id);
	snprintf(detail, sizeof detail, "LTI class list to tool %s (fields: user id, role%s%s)",
		 tool_id, strcmp(fields, "none") ? ", " : "", strcmp(fields, "none") ? fields : "");
	struct audit_actor tool_actor = { 0, "lti-tool", "" };
	if ((rc = audit_record_students(db, c->district_id, &tool_actor, "export", "class",
					class_sourced_id, students, detail)) ||
	    (rc = db_commit(db))) {
		json_decref(doc);
		goto dberr;
	}
	return put_json(out, doc, err);
dberr:
	db_rollback(db);
	return db_fail_err(err, rc);
}

/* ---- deletion on request --------------------------------------------------- */

static enum eb_err count_step(struct db *db, struct lti_forget_report *r, const char *table,
			      const char *sql, const struct db_arg *args, size_t nargs)
{
	int changes = 0;
	enum eb_err rc = db_execute(db, sql, args, nargs, &changes);
	if (rc || changes == 0)
		return rc;
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->t[i].table, table) == 0) {
			r->t[i].rows += changes;
			return EB_OK;
		}
	if (r->n < LTI_FORGET_TABLES) {
		snprintf(r->t[r->n].table, sizeof r->t[0].table, "%s", table);
		r->t[r->n++].rows = changes;
	}
	return EB_OK;
}

#define STEP(table, sql, ...)                                                                      \
	do {                                                                                       \
		if (!rc)                                                                           \
			rc = count_step(db, report, table, sql, DB_ARGS(__VA_ARGS__));             \
	} while (0)

/* Forgets one student's data of the tool (lti_tool_id 0: not registered). */
static enum eb_err forget_student(struct db *db, int64_t d, int64_t tool, int64_t lti_tool,
				  const char *sid, struct lti_forget_report *report)
{
	enum eb_err rc = EB_OK;
	/* statements and events from the tool about the student: by the learning
	 * events and quarantine rows they became, and by the student's actor keys */
	STEP("xapi_statement_ref",
	     "DELETE FROM xapi_statement_ref WHERE district_id = ?1 AND tool_id = ?2 AND seq IN"
	     " (SELECT seq FROM xapi_statement WHERE district_id = ?1 AND tool_id = ?2 AND id IN"
	     " (SELECT statement_id FROM learning_event WHERE district_id = ?1 AND tool_id = ?2"
	     " AND student_sourced_id = ?3) UNION SELECT seq FROM xapi_statement_ref WHERE"
	     " district_id = ?1 AND tool_id = ?2 AND kind = 'agent' AND key IN (SELECT actor_key"
	     " FROM learning_event WHERE district_id = ?1 AND tool_id = ?2 AND"
	     " student_sourced_id = ?3))",
	     DB_INT(d), DB_INT(tool), DB_TEXT(sid));
	STEP("xapi_statement",
	     "DELETE FROM xapi_statement WHERE district_id = ?1 AND tool_id = ?2 AND (id IN"
	     " (SELECT statement_id FROM learning_event WHERE district_id = ?1 AND tool_id = ?2"
	     " AND student_sourced_id = ?3) OR id IN (SELECT q.statement_id FROM quarantine q"
	     " JOIN person p ON p.district_id = q.district_id AND p.sourced_id = ?3 WHERE"
	     " q.district_id = ?1 AND q.tool_id = ?2 AND (q.match_name IN (p.sourced_id,"
	     " p.username) OR q.match_email = p.email COLLATE NOCASE)))",
	     DB_INT(d), DB_INT(tool), DB_TEXT(sid));
	STEP("caliper_event",
	     "DELETE FROM caliper_event WHERE district_id = ?1 AND tool_id = ?2 AND id IN"
	     " (SELECT statement_id FROM learning_event WHERE district_id = ?1 AND tool_id = ?2"
	     " AND student_sourced_id = ?3)",
	     DB_INT(d), DB_INT(tool), DB_TEXT(sid));
	STEP("learning_event",
	     "DELETE FROM learning_event WHERE district_id = ?1 AND tool_id = ?2 AND"
	     " student_sourced_id = ?3",
	     DB_INT(d), DB_INT(tool), DB_TEXT(sid));
	STEP("quarantine",
	     "DELETE FROM quarantine WHERE district_id = ?1 AND tool_id = ?2 AND id IN (SELECT"
	     " q.id FROM quarantine q JOIN person p ON p.district_id = q.district_id AND"
	     " p.sourced_id = ?3 WHERE q.district_id = ?1 AND q.tool_id = ?2 AND (q.match_name"
	     " IN (p.sourced_id, p.username) OR q.match_email = p.email COLLATE NOCASE))",
	     DB_INT(d), DB_INT(tool), DB_TEXT(sid));
	STEP("tool_student",
	     "DELETE FROM tool_student WHERE district_id = ?1 AND tool_id = ?2 AND"
	     " student_sourced_id = ?3",
	     DB_INT(d), DB_INT(tool), DB_TEXT(sid));
	STEP("lti_score",
	     "DELETE FROM lti_score WHERE district_id = ?1 AND student_sourced_id = ?3 AND"
	     " lineitem_id IN (SELECT id FROM lti_lineitem WHERE district_id = ?1 AND"
	     " tool_id = ?2)",
	     DB_INT(d), DB_INT(tool), DB_TEXT(sid));
	STEP("lti_launch",
	     "DELETE FROM lti_launch WHERE district_id = ?1 AND lti_tool_id = ?2 AND account_id"
	     " IN (SELECT id FROM account WHERE district_id = ?1 AND person_sourced_id = ?3)",
	     DB_INT(d), DB_INT(lti_tool), DB_TEXT(sid));
	STEP("lti_subject",
	     "DELETE FROM lti_subject WHERE district_id = ?1 AND lti_tool_id = ?2 AND account_id"
	     " IN (SELECT id FROM account WHERE district_id = ?1 AND person_sourced_id = ?3)",
	     DB_INT(d), DB_INT(lti_tool), DB_TEXT(sid));
	if (!rc)
		rc = activity_mastery_replay(db, d, sid);
	if (!rc)
		report->students++;
	return rc;
}

enum eb_err lti_forget(struct db *db, int64_t district_id, int64_t tool_id, const char *student_sid,
		       const struct audit_actor *who, struct lti_forget_report *report)
{
	memset(report, 0, sizeof *report);
	struct tool t;
	enum eb_err rc = tools_get(db, district_id, tool_id, &t);
	if (rc)
		return rc;
	int64_t one;
	if (student_sid &&
	    (rc = db_get_int(db,
			     "SELECT 1 FROM person WHERE district_id = ?1 AND sourced_id = ?2"
			     " AND role = 'student'",
			     DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid)), &one)))
		return rc;
	int64_t lti_tool = 0;
	struct lti_tool reg;
	if (lti_tool_by_tool(db, district_id, tool_id, &reg) == EB_OK)
		lti_tool = reg.id;
	struct arena a;
	arena_init(&a);
	if ((rc = db_begin(db))) {
		arena_free(&a);
		return rc;
	}
	if (student_sid) {
		rc = forget_student(db, district_id, tool_id, lti_tool, student_sid, report);
	} else {
		/* every student the tool has data about */
		char **sids = NULL;
		size_t n = 0, cap = 0;
		struct db_stmt *st;
		if (!(rc = db_query(
			      db,
			      "SELECT student_sourced_id FROM tool_student WHERE district_id ="
			      " ?1 AND tool_id = ?2 UNION SELECT student_sourced_id FROM"
			      " learning_event WHERE district_id = ?1 AND tool_id = ?2 AND"
			      " student_sourced_id IS NOT NULL UNION SELECT r.student_sourced_id"
			      " FROM lti_score r JOIN lti_lineitem l ON l.district_id = "
			      "r.district_id"
			      " AND l.id = r.lineitem_id"
			      " WHERE l.district_id = ?1 AND l.tool_id = ?2",
			      DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &st))) {
			while (db_next(st)) {
				if (n == cap) {
					size_t nc = cap ? cap * 2 : 64;
					char **ns = arena_alloc(&a, nc * sizeof *ns);
					if (!ns) {
						db_fail(st, EB_ENOMEM);
						break;
					}
					if (n)
						memcpy(ns, sids, n * sizeof *ns);
					sids = ns;
					cap = nc;
				}
				sids[n++] = db_col_dup(st, 0, &a);
			}
			rc = db_done(st);
		}
		for (size_t i = 0; i < n && !rc; i++)
			rc = forget_student(db, district_id, tool_id, lti_tool, sids[i], report);
		/* then what is left of the tool: unmatched data, its LTI services */
		int64_t d = district_id, tl = tool_id;
		STEP("xapi_statement_ref",
		     "DELETE FROM xapi_statement_ref WHERE district_id = ?1 AND tool_id = ?2",
		     DB_INT(d), DB_INT(tl));
		STEP("xapi_statement",
		     "DELETE FROM xapi_statement WHERE district_id = ?1 AND tool_id = ?2",
		     DB_INT(d), DB_INT(tl));
		STEP("caliper_event",
		     "DELETE FROM caliper_event WHERE district_id = ?1 AND tool_id = ?2", DB_INT(d),
		     DB_INT(tl));
		STEP("quarantine", "DELETE FROM quarantine WHERE district_id = ?1 AND tool_id = ?2",
		     DB_INT(d), DB_INT(tl));
		STEP("activity_map",
		     "DELETE FROM activity_map WHERE district_id = ?1 AND tool_id = ?2", DB_INT(d),
		     DB_INT(tl));
		STEP("tool_day", "DELETE FROM tool_day WHERE district_id = ?1 AND tool_id = ?2",
		     DB_INT(d), DB_INT(tl));
		STEP("tool_total", "DELETE FROM tool_total WHERE district_id = ?1 AND tool_id = ?2",
		     DB_INT(d), DB_INT(tl));
		STEP("lti_lineitem",
		     "DELETE FROM lti_lineitem WHERE district_id = ?1 AND tool_id = ?2", DB_INT(d),
		     DB_INT(tl));
		STEP("lti_access_token",
		     "DELETE FROM lti_access_token WHERE district_id = ?1 AND tool_id = ?2",
		     DB_INT(d), DB_INT(tl));
		STEP("lti_assertion_jti",
		     "DELETE FROM lti_assertion_jti WHERE district_id = ?1 AND tool_id = ?2",
		     DB_INT(d), DB_INT(tl));
		STEP("lti_subject",
		     "DELETE FROM lti_subject WHERE district_id = ?1 AND lti_tool_id = ?2",
		     DB_INT(d), DB_INT(lti_tool));
		STEP("lti_tool (with its links and launches)",
		     "DELETE FROM lti_tool WHERE district_id = ?1 AND id = ?2", DB_INT(d),
		     DB_INT(lti_tool));
		STEP("tool_credential",
		     "DELETE FROM tool_credential WHERE district_id = ?1 AND tool_id = ?2",
		     DB_INT(d), DB_INT(tl));
		STEP("tool_data_scope",
		     "DELETE FROM tool_data_scope WHERE district_id = ?1 AND tool_id = ?2",
		     DB_INT(d), DB_INT(tl));
	}
	if (!rc) {
		struct buf b = BUF_INIT;
		buf_init(&b, 4000);
		char id[300];
		snprintf(id, sizeof id, "%lld%s%s", (long long)tool_id, student_sid ? ":" : "",
			 student_sid ? student_sid : "");
		lti_forget_describe(report, &b);
		rc = audit_record_students(db, district_id, who, "delete", "tool_data", id,
					   report->students,
					   b.len ? buf_cstr(&b) : "nothing was stored");
		buf_free(&b);
	}
	/* a removed tool is retired; one never approved is denied */
	enum tool_status to = tool_status_allowed(t.status, TOOL_RETIRED) ? TOOL_RETIRED
									  : TOOL_DENIED;
	if (!rc && !student_sid && t.status != TOOL_RETIRED && t.status != TOOL_DENIED &&
	    tool_status_allowed(t.status, to))
		rc = tools_set_status(db, district_id, tool_id, to,
				      "removed: its data about students was deleted", NULL, who,
				      NULL, 0);
	if (rc || (rc = db_commit(db)))
		db_rollback(db);
	arena_free(&a);
	return rc;
}

void lti_forget_describe(const struct lti_forget_report *r, struct buf *out)
{
	for (int i = 0; i < r->n; i++)
		buf_printf(out, "%s%s: %lld", i ? "\n" : "", r->t[i].table,
			   (long long)r->t[i].rows);
}
