/* The rules of the xAPI document resources, Activities and Agents
 * (ingest/xapi_docs.h). */
#include "ingest/xapi_docs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/sha1.h"
#include "base/str.h"
#include "ingest/xapi_map.h"
#include "ingest/xapi_validate.h"
#include "store/db.h"
#include "store/db_write.h"

#define XDOC_MAX_ID 2048	  /* bytes of an activityId, stateId, profileId, agent key */
#define XDOC_AGENT_STATEMENTS 200 /* statements read for the Agents resource's Person */

enum method { M_GET, M_PUT, M_POST, M_DELETE };

/* The parameters a resource needs with a method (which ones it may take at
 * all is xapi_params_check's, ingest/xapi.h); NULL when it takes none. */
struct param_rule {
	const char *required[4];
};

static const char *doc_id_name(enum xdoc_resource res)
{
	return res == XDOC_RES_STATE ? "stateId" : "profileId";
}

static const struct param_rule *rule_of(enum xdoc_resource res, enum method m)
{
	static const struct param_rule state_get = { { "activityId", "agent" } };
	static const struct param_rule state_write = { { "activityId", "agent", "stateId" } };
	static const struct param_rule ap_get = { { "activityId" } };
	static const struct param_rule ap_write = { { "activityId", "profileId" } };
	static const struct param_rule gp_get = { { "agent" } };
	static const struct param_rule gp_write = { { "agent", "profileId" } };
	switch (res) {
	case XDOC_RES_STATE:
		/* DELETE without stateId: every state of the context */
		return m == M_GET || m == M_DELETE ? &state_get : &state_write;
	case XDOC_RES_ACTIVITY_PROFILE:
		return m == M_GET ? &ap_get : &ap_write;
	case XDOC_RES_AGENT_PROFILE:
		return m == M_GET ? &gp_get : &gp_write;
	case XDOC_RES_ACTIVITIES:
		return m == M_GET ? &ap_get : NULL;
	case XDOC_RES_AGENTS:
		return m == M_GET ? &gp_get : NULL;
	}
	return NULL;
}

static enum xapi_resource xapi_resource_of(enum xdoc_resource res)
{
	switch (res) {
	case XDOC_RES_STATE:
		return XAPI_RES_STATE;
	case XDOC_RES_ACTIVITY_PROFILE:
		return XAPI_RES_ACTIVITY_PROFILE;
	case XDOC_RES_AGENT_PROFILE:
		return XAPI_RES_AGENT_PROFILE;
	case XDOC_RES_ACTIVITIES:
		return XAPI_RES_ACTIVITIES;
	case XDOC_RES_AGENTS:
		return XAPI_RES_AGENTS;
	}
	return XAPI_RES_STATE;
}

/* What a request's parameters say, checked. */
struct parsed {
	enum xapi_version v;
	enum method m;
	const char *activity_id, *doc_id, *registration_raw;
	char agent_key[XDOC_MAX_ID + 64];
	struct jv *agent; /* the agent parameter, parsed */
	char registration[37];
	bool has_since;
	int64_t since_ms;
};

static const char *arg(const struct xdoc_request *q, const char *name)
{
	for (int i = 0; i < q->nargs && i < XDOC_MAX_PARAMS; i++)
		if (strcmp(q->args[i].name, name) == 0)
			return q->args[i].value ? q->args[i].value : "";
	return NULL;
}

static enum method method_of(const char *m, bool *ok)
{
	*ok = true;
	if (!strcmp(m, "GET") || !strcmp(m, "HEAD"))
		return M_GET;
	if (!strcmp(m, "PUT"))
		return M_PUT;
	if (!strcmp(m, "POST"))
		return M_POST;
	if (!strcmp(m, "DELETE"))
		return M_DELETE;
	*ok = false;
	return M_GET;
}

static const char *resource_name(enum xdoc_resource res)
{
	switch (res) {
	case XDOC_RES_STATE:
		return "the State resource";
	case XDOC_RES_ACTIVITY_PROFILE:
		return "the Activity Profile resource";
	case XDOC_RES_AGENT_PROFILE:
		return "the Agent Profile resource";
	case XDOC_RES_ACTIVITIES:
		return "the Activities resource";
	case XDOC_RES_AGENTS:
		return "the Agents resource";
	}
	return "this resource";
}

/* The query's parameters against the resource's rule: unknown, repeated,
 * missing or malformed ones are EB_EINVAL with the reason in out. */
static enum eb_err check_params(const struct xdoc_request *q, struct arena *a, struct parsed *p,
				struct xapi_result *out)
{
	const struct param_rule *rule = rule_of(q->resource, p->m);
	if (!rule) {
		xapi_result_fail(out, EB_EINVAL, "%s does not take %s", resource_name(q->resource),
				 q->method);
		return EB_EINVAL;
	}
	if (q->nargs > XDOC_MAX_PARAMS) {
		xapi_result_fail(out, EB_EINVAL, "too many query parameters (at most %d)",
				 XDOC_MAX_PARAMS);
		return EB_EINVAL;
	}
	/* unknown, repeated or on the wrong method: the check all resources share */
	const char *names[XDOC_MAX_PARAMS];
	for (int i = 0; i < q->nargs; i++)
		names[i] = q->args[i].name;
	char why[200];
	if (xapi_params_check(xapi_resource_of(q->resource), q->method, p->v, names,
			      (size_t)q->nargs, why, sizeof why)) {
		xapi_result_fail(out, EB_EINVAL, "%s", why);
		return EB_EINVAL;
	}
	for (size_t i = 0; i < 4 && rule->required[i]; i++)
		if (!arg(q, rule->required[i])) {
			xapi_result_fail(out, EB_EINVAL, "%s with %s needs the parameter %s",
					 resource_name(q->resource), q->method, rule->required[i]);
			return EB_EINVAL;
		}
	p->activity_id = arg(q, "activityId");
	if (p->activity_id &&
	    (!xapi_is_iri(p->activity_id) || strlen(p->activity_id) > XDOC_MAX_ID)) {
		xapi_result_fail(out, EB_EINVAL, "activityId: must be an IRI (of %d bytes at most)",
				 XDOC_MAX_ID);
		return EB_EINVAL;
	}
	const char *agent = arg(q, "agent");
	if (agent) {
		struct jv_error e;
		char err[256];
		p->agent = jv_parse(a, agent, strlen(agent), &e);
		if (!p->agent) {
			xapi_result_fail(out, EB_EINVAL,
					 "agent: must be an Agent as JSON: line %d column %d: %s",
					 e.line, e.column, e.text);
			return EB_EINVAL;
		}
		if (!jv_is_object(p->agent)) {
			xapi_result_fail(out, EB_EINVAL, "agent: must be an Agent object");
			return EB_EINVAL;
		}
		if (xapi_validate_agent(a, p->agent, p->v, "agent", err, sizeof err)) {
			xapi_result_fail(out, EB_EINVAL, "%s", err);
			return EB_EINVAL;
		}
		if (!xapi_agent_key(p->agent, p->agent_key, sizeof p->agent_key) ||
		    strlen(p->agent_key) > XDOC_MAX_ID) {
			xapi_result_fail(out, EB_EINVAL,
					 "agent: must have exactly one identifier (mbox, "
					 "mbox_sha1sum, openid or account)");
			return EB_EINVAL;
		}
	}
	p->registration_raw = arg(q, "registration");
	if (p->registration_raw) {
		if (!xapi_is_uuid(p->registration_raw)) {
			xapi_result_fail(out, EB_EINVAL, "registration: must be a UUID");
			return EB_EINVAL;
		}
		xapi_uuid_lower(p->registration, p->registration_raw);
	}
	p->doc_id = arg(q, doc_id_name(q->resource));
	if (p->doc_id && (!p->doc_id[0] || strlen(p->doc_id) > XDOC_MAX_ID)) {
		xapi_result_fail(out, EB_EINVAL, "%s: must be a string of 1 to %d bytes",
				 doc_id_name(q->resource), XDOC_MAX_ID);
		return EB_EINVAL;
	}
	const char *since = arg(q, "since");
	if (since) {
		if (p->doc_id) {
			xapi_result_fail(out, EB_EINVAL,
					 "since: only for a list of ids, not with %s",
					 doc_id_name(q->resource));
			return EB_EINVAL;
		}
		if (!xapi_parse_timestamp(since, &p->since_ms)) {
			xapi_result_fail(out, EB_EINVAL, "since: must be an ISO 8601 timestamp");
			return EB_EINVAL;
		}
		p->has_since = true;
	}
	return EB_OK;
}

static void key_of(const struct xdoc_request *q, const struct parsed *p, struct xdoc_key *k)
{
	*k = (struct xdoc_key){
		.district_id = q->district_id,
		.tool_id = q->tool_id,
		.kind = (enum xdoc_kind)q->resource,
		.activity_id = q->resource == XDOC_RES_AGENT_PROFILE ? "" : p->activity_id,
		.agent_key = q->resource == XDOC_RES_ACTIVITY_PROFILE ? "" : p->agent_key,
		.registration = p->registration_raw ? p->registration : "",
		.doc_id = p->doc_id,
	};
}

static bool is_json_type(const char *ct)
{
	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	size_t n = strcspn(ct, "; ");
	return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

static void etag_of(const void *p, size_t n, char out[43])
{
	struct sha1 s;
	unsigned char h[SHA1_LEN];
	sha1_init(&s);
	sha1_update(&s, p, n);
	sha1_final(&s, h);
	out[0] = '"';
	for (int i = 0; i < SHA1_LEN; i++)
		snprintf(out + 1 + 2 * i, 3, "%02x", h[i]);
	out[41] = '"';
	out[42] = '\0';
}

/* Whether the If-Match / If-None-Match list (RFC 7232: "*" or quoted tags,
 * comma separated) names etag. strong: If-Match's strong comparison, where a
 * weak tag (W/"...") never matches (RFC 7232 3.1); If-None-Match compares
 * weakly. The hex is compared without regard to case, and a tag sent without
 * its quotes is read as if quoted (what some tools send). */
static bool etag_listed(const char *list, const char *etag, bool strong)
{
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (*p == '*')
			return true;
		bool weak = p[0] == 'W' && p[1] == '/';
		if (weak)
			p += 2;
		const char *start = p;
		if (*p == '"') {
			const char *end = strchr(p + 1, '"');
			if (!end)
				return false;
			p = end + 1;
		} else {
			p += strcspn(p, ", \t");
		}
		size_t n = (size_t)(p - start);
		const char *t = start;
		if (n >= 2 && t[0] == '"') { /* compare what is inside the quotes */
			t++;
			n -= 2;
		}
		if (n == 40 && strncasecmp(t, etag + 1, 40) == 0 && !(weak && strong))
			return true;
	}
	return false;
}

/* ---- reads -------------------------------------------------------------- */

static void answer_doc(struct xdoc_answer *ans, const struct xdoc *d)
{
	ans->r.rc = EB_OK;
	ans->r.body = malloc(d->len + 1);
	if (!ans->r.body) {
		xapi_result_fail(&ans->r, EB_ENOMEM, "out of memory");
		return;
	}
	memcpy(ans->r.body, d->content, d->len);
	ans->r.body[d->len] = '\0';
	ans->r.body_len = d->len;
	str_copy(ans->content_type, sizeof ans->content_type, d->content_type);
	memcpy(ans->etag, d->etag, sizeof ans->etag);
	ans->last_modified_ms = d->updated_ms;
}

static void get_docs(struct db *db, const struct xdoc_request *q, struct parsed *p, struct arena *a,
		     struct xdoc_answer *ans)
{
	struct xdoc_key k;
	key_of(q, p, &k);
	enum eb_err rc;
	if (p->doc_id) {
		struct xdoc d;
		rc = xdocs_get(db, &k, a, &d);
		if (rc == EB_ENOTFOUND)
			xapi_result_fail(&ans->r, EB_ENOTFOUND, "no such document");
		else if (rc)
			xapi_result_fail(&ans->r, rc, "the document could not be read");
		else
			answer_doc(ans, &d);
		return;
	}
	k.registration = p->registration_raw ? p->registration : NULL;
	struct buf b = BUF_INIT;
	buf_init(&b, XAPI_MAX_BODY);
	int64_t latest = 0;
	rc = xdocs_ids(db, &k, p->has_since ? p->since_ms : -1, &b, &latest);
	if (rc) {
		buf_free(&b);
		xapi_result_fail(&ans->r, rc, "the document ids could not be read");
		return;
	}
	xapi_result_json(&ans->r, &b);
	str_copy(ans->content_type, sizeof ans->content_type, "application/json");
	ans->last_modified_ms = latest;
}

/* The Activities resource: the Activity with the latest definition seen in a
 * stored statement whose object it is, or just its id. */
struct activity_find {
	struct arena *a;
	const char *id;
	struct jv *definition;
};

static int activity_seen(void *ctx, const char *json, size_t len)
{
	struct activity_find *f = ctx;
	struct jv_error e;
	struct jv *st = jv_parse(f->a, json, len, &e);
	struct jv *obj = jv_get(st, "object");
	const char *id = jv_str(jv_get(obj, "id"));
	struct jv *def = jv_get(obj, "definition");
	if (id && strcmp(id, f->id) == 0 && jv_is_object(def)) {
		f->definition = def;
		return 1;
	}
	return 0;
}

static void get_activity(struct db *db, const struct xdoc_request *q, struct parsed *p,
			 struct arena *a, struct xdoc_answer *ans)
{
	struct activity_find f = { a, p->activity_id, NULL };
	enum eb_err rc = xdocs_statements_about(db, q->district_id, q->tool_id, "activity",
						p->activity_id, 50, activity_seen, &f);
	if (rc) {
		xapi_result_fail(&ans->r, rc, "the activity could not be read");
		return;
	}
	struct buf b = BUF_INIT;
	buf_init(&b, XAPI_MAX_BODY);
	struct jv id = jv_string(p->activity_id);
	buf_puts(&b, "{\"objectType\":\"Activity\",\"id\":");
	jv_dump(&id, &b);
	if (f.definition) {
		buf_puts(&b, ",\"definition\":");
		jv_dump(f.definition, &b);
	}
	buf_putc(&b, '}');
	xapi_result_json(&ans->r, &b);
	str_copy(ans->content_type, sizeof ans->content_type, "application/json");
}

/* The Agents resource: a Person object gathering the names and identifiers
 * of the agents with this identifier in the stored statements. */
#define PERSON_MAX 32
struct person {
	struct arena *a;
	const char *key;
	struct jv *name[PERSON_MAX], *mbox[PERSON_MAX], *sha1[PERSON_MAX], *openid[PERSON_MAX],
		*account[PERSON_MAX];
	size_t nname, nmbox, nsha1, nopenid, naccount;
};

static void person_add(struct jv **list, size_t *n, struct jv *v)
{
	if (!v || *n >= PERSON_MAX)
		return;
	for (size_t i = 0; i < *n; i++)
		if (jv_equal(list[i], v))
			return;
	list[(*n)++] = v;
}

static void person_take(struct person *pp, struct jv *agent)
{
	char key[XDOC_MAX_ID + 64];
	if (!jv_is_object(agent) || !xapi_agent_key(agent, key, sizeof key) ||
	    strcmp(key, pp->key) != 0)
		return;
	struct jv *v;
	if ((v = jv_get(agent, "name")) && jv_is_string(v))
		person_add(pp->name, &pp->nname, v);
	if ((v = jv_get(agent, "mbox")) && jv_is_string(v))
		person_add(pp->mbox, &pp->nmbox, v);
	if ((v = jv_get(agent, "mbox_sha1sum")) && jv_is_string(v))
		person_add(pp->sha1, &pp->nsha1, v);
	if ((v = jv_get(agent, "openid")) && jv_is_string(v))
		person_add(pp->openid, &pp->nopenid, v);
	if ((v = jv_get(agent, "account")) && jv_is_object(v))
		person_add(pp->account, &pp->naccount, v);
}

static int agent_seen(void *ctx, const char *json, size_t len)
{
	struct person *pp = ctx;
	struct jv_error e;
	struct jv *st = jv_parse(pp->a, json, len, &e);
	person_take(pp, jv_get(st, "actor"));
	person_take(pp, jv_get(st, "object"));
	return 0;
}

static void person_list(struct buf *b, const char *name, struct jv **list, size_t n)
{
	if (!n)
		return;
	buf_printf(b, ",\"%s\":[", name);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(b, ',');
		jv_dump(list[i], b);
	}
	buf_putc(b, ']');
}

static void get_person(struct db *db, const struct xdoc_request *q, struct parsed *p,
		       struct arena *a, struct xdoc_answer *ans)
{
	struct person pp = { .a = a, .key = p->agent_key };
	person_take(&pp, p->agent); /* the identifier asked about, always */
	enum eb_err rc = xdocs_statements_about(db, q->district_id, q->tool_id, "agent",
						p->agent_key, XDOC_AGENT_STATEMENTS, agent_seen,
						&pp);
	if (rc) {
		xapi_result_fail(&ans->r, rc, "the agent could not be read");
		return;
	}
	struct buf b = BUF_INIT;
	buf_init(&b, XAPI_MAX_BODY);
	buf_puts(&b, "{\"objectType\":\"Person\"");
	person_list(&b, "name", pp.name, pp.nname);
	person_list(&b, "mbox", pp.mbox, pp.nmbox);
	person_list(&b, "mbox_sha1sum", pp.sha1, pp.nsha1);
	person_list(&b, "openid", pp.openid, pp.nopenid);
	person_list(&b, "account", pp.account, pp.naccount);
	buf_putc(&b, '}');
	xapi_result_json(&ans->r, &b);
	str_copy(ans->content_type, sizeof ans->content_type, "application/json");
}

/* ---- writes -------------------------------------------------------------- */

struct xdoc_write {
	struct db_write w;
	struct arena a;	  /* the request's copies */
	struct arena run; /* one run of the job */
	enum method m;
	enum xapi_version v;
	struct xdoc_key k;
	bool multi; /* State DELETE without stateId */
	const char *content_type, *if_match, *if_none_match;
	char *body;
	size_t len;
	struct jv *sent;	/* POST: the sent object */
	struct xdoc_answer ans; /* version set at begin; the outcome by the job */
	enum eb_err refuse;	/* a refusal the job decided (nothing written) */
	bool precondition_failed;
	char reason[300];
};

static void refuse(struct xdoc_write *x, enum eb_err rc, bool precondition, const char *why)
{
	x->refuse = rc;
	x->precondition_failed = precondition;
	str_copy(x->reason, sizeof x->reason, why);
}

/* Runs inside the group commit's transaction; may run twice. */
static enum eb_err write_fn(struct db *db, void *ctx)
{
	struct xdoc_write *x = ctx;
	x->refuse = EB_OK;
	x->precondition_failed = false;
	x->reason[0] = '\0';
	arena_reset(&x->run);
	if (x->multi)
		return xdocs_delete(db, &x->k, NULL);
	struct xdoc cur = { 0 };
	enum eb_err rc = xdocs_get(db, &x->k, &x->run, &cur);
	if (rc && rc != EB_ENOTFOUND)
		return rc;
	bool exists = rc == EB_OK;
	if (x->if_match && (!exists || !etag_listed(x->if_match, cur.etag, true))) {
		refuse(x, EB_ECONFLICT, true,
		       exists ? "If-Match: the document has changed (its ETag is another)"
			      : "If-Match: there is no such document");
		return EB_OK;
	}
	if (x->if_none_match && exists && etag_listed(x->if_none_match, cur.etag, false)) {
		refuse(x, EB_ECONFLICT, true, "If-None-Match: the document exists");
		return EB_OK;
	}
	/* 1.0.3: the profiles; 2.0: every document resource */
	if (x->m == M_PUT && exists && !x->if_match && !x->if_none_match &&
	    (x->k.kind != XDOC_STATE || x->v == XAPI_V2)) {
		refuse(x, EB_ECONFLICT, false,
		       "the document exists: check its current state and send If-Match with its "
		       "ETag (or If-None-Match: * to create only)");
		return EB_OK;
	}
	if (x->m == M_DELETE)
		return exists ? xdocs_delete(db, &x->k, NULL) : EB_OK;
	struct xdoc d = { .content_type = (char *)x->content_type,
			  .content = x->body,
			  .len = x->len };
	if (x->m == M_POST && exists) {
		struct jv_error e;
		struct jv *stored = is_json_type(cur.content_type)
					    ? jv_parse(&x->run, cur.content, cur.len, &e)
					    : NULL;
		if (!stored || !jv_is_object(stored)) {
			refuse(x, EB_EINVAL, false,
			       "the stored document is not a JSON object: it cannot be merged "
			       "(PUT replaces it)");
			return EB_OK;
		}
		const char *key;
		struct jv *val;
		jv_object_foreach(x->sent, key, val)
		{
			if (!jv_set(&x->run, stored, key, val))
				return EB_ENOMEM;
		}
		struct buf b = BUF_INIT;
		buf_init(&b, 2 * XDOC_MAX_BODY);
		jv_dump(stored, &b);
		if (buf_failed(&b)) {
			buf_free(&b);
			refuse(x, EB_ETOOBIG, false, "the merged document is too large");
			return EB_OK;
		}
		d.len = b.len;
		d.content = arena_alloc(&x->run, b.len + 1);
		if (!d.content) {
			buf_free(&b);
			return EB_ENOMEM;
		}
		memcpy(d.content, b.data, b.len);
		buf_free(&b);
		d.content_type = "application/json";
	}
	etag_of(d.content, d.len, d.etag);
	char now[40];
	xapi_now_iso(now, &d.updated_ms);
	return xdocs_put(db, &x->k, &d);
}

struct db_write *xdoc_write_job(struct xdoc_write *x)
{
	return &x->w;
}

static void write_free(struct xdoc_write *x)
{
	arena_free(&x->a);
	arena_free(&x->run);
	free(x);
}

void xdoc_write_end(struct xdoc_write *x, struct xdoc_answer *ans)
{
	*ans = x->ans;
	enum eb_err rc = x->w.rc;
	if (rc == EB_EBUSY)
		xapi_result_fail(&ans->r, EB_EBUSY,
				 "the server is busy storing other data; nothing was stored: "
				 "try again shortly");
	else if (rc)
		xapi_result_fail(&ans->r, rc, "the document could not be stored");
	else if (x->refuse) {
		xapi_result_fail(&ans->r, x->refuse, "%s", x->reason);
		ans->precondition_failed = x->precondition_failed;
	} else
		ans->r.rc = EB_OK;
	write_free(x);
}

static char *adup(struct arena *a, const char *s, size_t cap)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	return arena_strndup(a, s, n < cap ? n : cap);
}

static struct xdoc_write *write_begin(const struct xdoc_request *q, struct parsed *p,
				      struct xdoc_answer *ans)
{
	if (q->len > XDOC_MAX_BODY) {
		xapi_result_fail(&ans->r, EB_ETOOBIG, "a document may have %u bytes at most",
				 XDOC_MAX_BODY);
		return NULL;
	}
	struct xdoc_write *x = calloc(1, sizeof *x);
	if (!x) {
		xapi_result_fail(&ans->r, EB_ENOMEM, "out of memory");
		return NULL;
	}
	arena_init(&x->a);
	arena_init(&x->run);
	x->m = p->m;
	x->v = p->v;
	x->ans = *ans;
	struct xdoc_key k;
	key_of(q, p, &k);
	x->multi = q->resource == XDOC_RES_STATE && p->m == M_DELETE && !p->doc_id;
	x->k = k;
	x->k.activity_id = adup(&x->a, k.activity_id, XDOC_MAX_ID);
	x->k.agent_key = adup(&x->a, k.agent_key, XDOC_MAX_ID + 64);
	x->k.registration = x->multi && !p->registration_raw ? NULL
							     : adup(&x->a, k.registration, 36);
	x->k.doc_id = adup(&x->a, k.doc_id, XDOC_MAX_ID);
	if (!x->multi) {
		x->if_match = adup(&x->a, q->if_match, 4096);
		x->if_none_match = adup(&x->a, q->if_none_match, 4096);
	}
	const char *ct = q->content_type && q->content_type[0] ? q->content_type
							       : "application/octet-stream";
	x->content_type = adup(&x->a, ct, 255);
	x->body = arena_alloc(&x->a, q->len + 1);
	bool oom = !x->k.activity_id || !x->k.agent_key || !x->content_type || !x->body ||
		   (k.doc_id && !x->k.doc_id) || (!x->multi && !x->k.registration);
	if (oom) {
		write_free(x);
		xapi_result_fail(&ans->r, EB_ENOMEM, "out of memory");
		return NULL;
	}
	if (q->len)
		memcpy(x->body, q->body, q->len);
	x->body[q->len] = '\0';
	x->len = q->len;
	/* A JSON document must be JSON; a POST merges a JSON object */
	if (p->m != M_DELETE && (is_json_type(ct) || p->m == M_POST)) {
		struct jv_error e;
		struct jv *doc = is_json_type(ct) ? jv_parse(&x->a, x->body, x->len, &e) : NULL;
		const char *why = NULL;
		char msg[200];
		if (p->m == M_POST && !is_json_type(ct))
			why = "a POST merges JSON: send the document as Content-Type: "
			      "application/json (PUT stores other types)";
		else if (!doc) {
			snprintf(msg, sizeof msg,
				 "the document is not valid JSON: line %d column %d: %s", e.line,
				 e.column, e.text);
			why = msg;
		} else if (p->m == M_POST && !jv_is_object(doc))
			why = "a POST merges a JSON object: the document must be one";
		if (why) {
			xapi_result_fail(&ans->r, EB_EINVAL, "%s", why);
			write_free(x);
			return NULL;
		}
		x->sent = doc; /* jv_parse works on a copy: body keeps the bytes as sent */
	}
	x->w = (struct db_write){ .fn = write_fn, .ctx = x };
	return x;
}

struct xdoc_write *xdoc_begin(struct db *db, const struct xdoc_request *q, struct xdoc_answer *ans)
{
	*ans = (struct xdoc_answer){ 0 };
	struct parsed p = { 0 };
	char why[200];
	if (xapi_version_negotiate(q->version_header, xapi_resource_of(q->resource), &p.v,
				   &ans->r.version, why, sizeof why)) {
		xapi_result_fail(&ans->r, EB_EINVAL, "%s", why);
		return NULL;
	}
	bool ok;
	p.m = method_of(q->method, &ok);
	if (!ok) {
		xapi_result_fail(&ans->r, EB_EINVAL, "%s does not take %s",
				 resource_name(q->resource), q->method);
		return NULL;
	}
	struct arena a;
	arena_init(&a);
	struct xdoc_write *x = NULL;
	if (check_params(q, &a, &p, &ans->r) == EB_OK) {
		if (p.m != M_GET)
			x = write_begin(q, &p, ans);
		else if (q->resource == XDOC_RES_ACTIVITIES)
			get_activity(db, q, &p, &a, ans);
		else if (q->resource == XDOC_RES_AGENTS)
			get_person(db, q, &p, &a, ans);
		else
			get_docs(db, q, &p, &a, ans);
	}
	arena_free(&a);
	return x;
}

void xdoc_handle(struct db *db, const struct xdoc_request *q, struct xdoc_answer *ans)
{
	struct xdoc_write *x = xdoc_begin(db, q, ans);
	if (!x)
		return;
	db_write_grouped(db, xdoc_write_job(x));
	xdoc_write_end(x, ans);
}

void xdoc_answer_free(struct xdoc_answer *a)
{
	xapi_result_free(&a->r);
}
