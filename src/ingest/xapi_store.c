/* xapi_store.c - POST and PUT of the Statements resource (xapi_store.h):
 * validate and prepare every statement on the caller's thread, then store
 * them whole or not at all through the group commit, with their refs (the
 * query index), their learning events and their voiding. */
#include "ingest/xapi_store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/str.h"
#include "domain/activity.h"
#include "ingest/xapi_attach.h"
#include "ingest/xapi_canon.h"
#include "ingest/xapi_map.h"
#include "ingest/xapi_validate.h"
#include "store/db.h"
#include "store/db_write.h"

/* ---- refs: the agents and activities a statement names, for the query -- */

#define MAX_REFS 64

struct refs {
	struct activity_ref r[MAX_REFS];
	char keys[MAX_REFS][300];
	size_t n;
};

static void add_agent_ref(struct refs *rs, struct jv *agent, int related)
{
	if (!agent || rs->n >= MAX_REFS)
		return;
	if (xapi_agent_key(agent, rs->keys[rs->n], sizeof rs->keys[0])) {
		rs->r[rs->n] = (struct activity_ref){ "agent", rs->keys[rs->n], related };
		rs->n++;
	}
	/* group members count as related agents */
	size_t i;
	struct jv *m;
	struct jv *members = jv_get(agent, "member");
	jv_array_foreach(members, i, m) add_agent_ref(rs, m, 1);
}

static void add_activity_ref(struct refs *rs, struct jv *act, int related)
{
	const char *id = jv_str(jv_get(act, "id"));
	if (!id || rs->n >= MAX_REFS || strlen(id) >= sizeof rs->keys[0])
		return;
	str_copy(rs->keys[rs->n], sizeof rs->keys[0], id);
	rs->r[rs->n] = (struct activity_ref){ "activity", rs->keys[rs->n], related };
	rs->n++;
}

static void collect_refs(struct refs *rs, struct jv *stmt, int related)
{
	add_agent_ref(rs, jv_get(stmt, "actor"), related);
	struct jv *obj = jv_get(stmt, "object");
	const char *ot = xapi_object_type(obj);
	if (!ot || !strcmp(ot, "Activity"))
		add_activity_ref(rs, obj, related);
	else if (!strcmp(ot, "Agent") || !strcmp(ot, "Group"))
		add_agent_ref(rs, obj, related);
	else if (!strcmp(ot, "SubStatement"))
		collect_refs(rs, obj, 1);
	struct jv *ctx = jv_get(stmt, "context");
	add_agent_ref(rs, jv_get(ctx, "instructor"), 1);
	add_agent_ref(rs, jv_get(ctx, "team"), 1);
	/* 2.0: context agents and groups are related agents */
	size_t j;
	struct jv *ca;
	jv_array_foreach(jv_get(ctx, "contextAgents"), j, ca)
		add_agent_ref(rs, jv_get(ca, "agent"), 1);
	jv_array_foreach(jv_get(ctx, "contextGroups"), j, ca)
		add_agent_ref(rs, jv_get(ca, "group"), 1);
	const char *key;
	struct jv *list, *cas = jv_get(ctx, "contextActivities");
	jv_object_foreach(cas, key, list)
	{
		(void)key;
		size_t i;
		struct jv *a;
		jv_array_foreach(list, i, a) add_activity_ref(rs, a, 1);
	}
}

/* ---- storing, in the group commit's transaction ------------------------- */

/* What a job's statements need read before they are stored, read for all
 * of them at once (a few set-based queries instead of several round trips
 * per statement, which on PostgreSQL each drain the write pipeline): what is
 * stored under their ids and their voiding targets (activity_statements_find),
 * and their learning events' look-ups (activity_batch_read). Kept true
 * while the job stores its statements: the ids a statement of the job takes
 * and the targets it voids are marked as it is stored. */
struct ahead {
	struct activity_found *f; /* the ids, then the voiding targets */
	size_t nf;
	size_t *fid, *vid;	       /* per statement: its entries in f (SIZE_MAX none) */
	struct learning_event_in *evs; /* per statement */
	size_t *ev;		       /* per statement: its event in evs (SIZE_MAX none) */
	char *scratch;		       /* the events' strings */
	struct activity_batch *batch;
	struct activity_stmts *rows;	 /* the statements' rows, written together */
	const struct xapi_prepared *all; /* the job's statements */
	size_t nall;
};

#define EV_SCRATCH 640

static void ahead_free(struct ahead *ah)
{
	activity_batch_free(ah->batch);
	activity_stmts_free(ah->rows);
	free(ah->f);
	free(ah->fid);
	free(ah->vid);
	free(ah->evs);
	free(ah->ev);
	free(ah->scratch);
	memset(ah, 0, sizeof *ah);
}

static enum eb_err ahead_read(struct db *db, int64_t district_id, int64_t tool_id,
			      struct xapi_prepared *ps, size_t n, struct ahead *ah)
{
	memset(ah, 0, sizeof *ah);
	ah->all = ps;
	ah->nall = n;
	size_t m = n ? n : 1;
	ah->f = calloc(2 * m, sizeof *ah->f);
	ah->fid = calloc(m, sizeof *ah->fid);
	ah->vid = calloc(m, sizeof *ah->vid);
	ah->evs = calloc(m, sizeof *ah->evs);
	ah->ev = calloc(m, sizeof *ah->ev);
	ah->scratch = malloc(m * EV_SCRATCH);
	ah->rows = activity_stmts_new(district_id, tool_id);
	if (!ah->f || !ah->fid || !ah->vid || !ah->evs || !ah->ev || !ah->scratch || !ah->rows)
		return EB_ENOMEM;
	size_t nev = 0;
	for (size_t i = 0; i < n; i++) {
		struct xapi_prepared *p = &ps[i];
		ah->fid[i] = ah->vid[i] = ah->ev[i] = SIZE_MAX;
		if (!p->generated_id) {
			ah->fid[i] = ah->nf;
			ah->f[ah->nf++].id = p->id;
		}
		if (p->voiding) {
			ah->vid[i] = ah->nf;
			ah->f[ah->nf++].id = p->voids;
		} else if (xapi_map_event(p->stmt, &ah->evs[nev], ah->scratch + nev * EV_SCRATCH,
					  EV_SCRATCH)) {
			ah->ev[i] = nev++;
		}
	}
	enum eb_err rc = activity_statements_find(db, district_id, tool_id, ah->f, ah->nf);
	if (!rc)
		rc = activity_batch_read(db, district_id, tool_id, ah->evs, nev, &ah->batch);
	return rc;
}

/* Statement p was stored: the job's later statements see it. */
static void ahead_stored(struct ahead *ah, const struct xapi_prepared *p)
{
	for (size_t k = 0; k < ah->nf && !p->generated_id; k++) {
		struct activity_found *f = &ah->f[k];
		if (!strcmp(f->id, p->id)) {
			f->found = true;
			f->voiding = p->voiding;
			str_copy(f->hash, sizeof f->hash, p->hash);
		}
		if (p->voiding && !strcmp(f->id, p->voids))
			f->voided_by = true;
	}
	for (size_t k = 0; k < ah->nf && p->generated_id && p->voiding; k++)
		if (!strcmp(ah->f[k].id, p->voids))
			ah->f[k].voided_by = true;
}

static enum eb_err store_one(struct db *db, int64_t district_id, int64_t tool_id,
			     struct xapi_prepared *p, size_t i, const char *json, int64_t stored_ms,
			     bool batch, struct refs *rs, struct ahead *ah, char *err, size_t cap);

/* Writes the statement rows kept so far (activity_stmts_flush). A row
 * whose id another writer stored meanwhile (the read ahead found none) is a
 * conflict, named when it can be read. */
static enum eb_err flush_rows(struct db *db, int64_t district_id, int64_t tool_id,
			      const struct xapi_prepared *ps, size_t n, bool batch,
			      struct ahead *ah, char *err, size_t cap)
{
	enum eb_err rc = activity_stmts_flush(db, ah->rows);
	if (rc != EB_EEXIST)
		return rc;
	snprintf(err, cap, "$: a statement of the request was stored meanwhile by another request");
	size_t k = activity_stmts_pending(ah->rows);
	struct activity_found *f = calloc(k ? k : 1, sizeof *f);
	for (size_t j = 0; f && j < k; j++)
		f[j].id = activity_stmts_id(ah->rows, j);
	if (f && !activity_statements_find(db, district_id, tool_id, f, k)) {
		for (size_t j = 0; j < k; j++) {
			if (!f[j].found)
				continue;
			size_t i = 0;
			while (i < n && strcmp(ps[i].id, f[j].id))
				i++;
			char where[32];
			if (batch)
				snprintf(where, sizeof where, "$[%zu]", i);
			else
				str_copy(where, sizeof where, "$");
			snprintf(err, cap, "%s.id: statement %s is already stored", where, f[j].id);
			break;
		}
	}
	free(f);
	return EB_ECONFLICT;
}

/* Stores prepared statements in the open transaction; statements already
 * stored with the same content are skipped. */
static enum eb_err store_prepared(struct db *db, int64_t district_id, int64_t tool_id,
				  struct xapi_prepared *ps, size_t n, char *const *json,
				  int64_t stored_ms, bool batch, char *err, size_t cap)
{
	struct refs *rs = malloc(sizeof *rs);
	struct ahead ah;
	enum eb_err rc = ahead_read(db, district_id, tool_id, ps, n, &ah);
	if (!rc && !rs)
		rc = EB_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++)
		rc = store_one(db, district_id, tool_id, &ps[i], i, json[i], stored_ms, batch, rs,
			       &ah, err, cap);
	if (!rc)
		rc = flush_rows(db, district_id, tool_id, ps, n, batch, &ah, err, cap);
	if (!rc)
		rc = activity_batch_finish(db, ah.batch);
	ahead_free(&ah);
	free(rs);
	return rc;
}

/* Whether the stored statement p->id is the same statement as p by the
 * comparison rules (xapi_canon_compare_hash), read from its stored JSON: the
 * slow path, only when the stored hash differs, which a row stored before the
 * rules took out verb displays and activity definitions (and a real conflict)
 * has. */
static bool same_as_stored(struct db *db, int64_t district_id, int64_t tool_id,
			   const struct xapi_prepared *p)
{
	struct buf b = BUF_INIT, tmp = BUF_INIT;
	struct arena a;
	arena_init(&a);
	bool same = false;
	enum eb_err rc = activity_statement_get(db, district_id, tool_id, p->id, false, &b);
	if (rc == EB_ENOTFOUND) {
		buf_reset(&b);
		rc = activity_statement_get(db, district_id, tool_id, p->id, true, &b);
	}
	if (!rc && !buf_failed(&b)) {
		struct jv_error e;
		struct jv *old = jv_parse(&a, b.data, b.len, &e);
		char h[65];
		same = old && !xapi_canon_compare_hash(&a, &tmp, old, p->lrs_timestamp, h) &&
		       !strcmp(h, p->hash);
	}
	buf_free(&b);
	buf_free(&tmp);
	arena_free(&a);
	return same;
}

/* One prepared statement: duplicate and conflict checks, the row, its refs,
 * and its learning event (or voiding). */
static enum eb_err store_one(struct db *db, int64_t district_id, int64_t tool_id,
			     struct xapi_prepared *p, size_t i, const char *json, int64_t stored_ms,
			     bool batch, struct refs *rs, struct ahead *ah, char *err, size_t cap)
{
	{
		char where[32];
		if (batch)
			snprintf(where, sizeof where, "$[%zu]", i);
		else
			str_copy(where, sizeof where, "$");
		const struct activity_found *f = ah->fid[i] != SIZE_MAX ? &ah->f[ah->fid[i]] : NULL;
		enum eb_err rc = EB_OK;
		if (f && f->found) {
			if (strcmp(f->hash, p->hash) &&
			    !same_as_stored(db, district_id, tool_id, p)) {
				snprintf(err, cap,
					 "%s.id: statement %s is already stored with"
					 " different content",
					 where, p->id);
				return EB_ECONFLICT;
			}
			return EB_OK; /* same statement again: no duplicate */
		}
		if (p->voiding) {
			const struct activity_found *t = &ah->f[ah->vid[i]];
			if (t->found && t->voiding) {
				snprintf(err, cap,
					 "%s.object.id: a voiding statement cannot target"
					 " another voiding statement",
					 where);
				return EB_EINVAL;
			}
		}
		rs->n = 0;
		collect_refs(rs, p->stmt, 0);
		struct activity_statement as = {
			.id = p->id,
			.json = json,
			.content_hash = p->hash,
			.stored_ms = stored_ms,
			.voids_id = p->voiding ? p->voids : NULL,
			.target_id = p->target[0] ? p->target : NULL,
			.verb = jv_str(jv_get(jv_get(p->stmt, "verb"), "id")),
			.registration = jv_str(jv_get(jv_get(p->stmt, "context"), "registration")),
			.refs = rs->r,
			.nrefs = rs->n,
			.new_id = p->generated_id,
			.voided_checked = f != NULL,
			.voided_by = f && f->voided_by,
		};
		bool arrived_voided = false;
		as.voided_out = &arrived_voided;
		/* the row is written with the job's others (flush_rows); a
		 * voiding statement's update needs its target's row written */
		rc = activity_stmts_keep(db, ah->rows, &as);
		if (rc)
			return rc;
		ahead_stored(ah, p);
		if (p->voiding &&
		    !(rc = flush_rows(db, district_id, tool_id, ah->all, ah->nall, batch, ah, err,
				      cap)) &&
		    !(rc = activity_batch_flush(db, ah->batch)))
			rc = activity_statement_void(db, district_id, tool_id, p->voids);
		else if (!arrived_voided && ah->ev[i] != SIZE_MAX)
			rc = activity_batch_record(db, ah->batch, ah->ev[i], NULL);
		if (rc)
			return rc;
	}
	return EB_OK;
}

/* ---- the request: validated here, written by the group commit ---------- */

/* A POST or PUT between its validation and its answer: owns the parsed
 * statements (arena), and is the group-commit job (db.h) that stores them.
 * Many requests' batches share one transaction under load. */
struct xapi_write {
	struct db_write w;
	struct arena a;
	struct xapi_prepared *ps;
	char **json; /* per statement: its stored form (xapi_canon_stored_json) */
	size_t n;
	bool batch, put;
	int64_t district_id, tool_id;
	char stored[40];
	int64_t stored_ms;
	char err[512];
	struct xapi_result out;	 /* version set; the rest by xapi_write_end */
	struct xapi_parts parts; /* a multipart request's attachments (in a) */
};

static enum eb_err write_run(struct db *db, void *ctx)
{
	struct xapi_write *x = ctx;
	x->err[0] = '\0';
	enum eb_err rc = store_prepared(db, x->district_id, x->tool_id, x->ps, x->n, x->json,
					x->stored_ms, x->batch, x->err, sizeof x->err);
	if (!rc && x->parts.n)
		rc = xapi_attach_store(db, x->district_id, x->tool_id, &x->parts, x->stored_ms);
	return rc;
}

static void write_free(struct xapi_write *x)
{
	if (!x)
		return;
	free(x->ps);
	arena_free(&x->a);
	xapi_result_free(&x->out);
	free(x);
}

/* Validates root (one statement or, POST only, an array) into x->ps. On an
 * error out holds the answer. */
static enum eb_err write_prepare(struct xapi_write *x, struct jv *root, enum xapi_version v,
				 struct xapi_result *out)
{
	xapi_now_iso(x->stored, &x->stored_ms);
	x->batch = jv_is_array(root);
	size_t n = x->batch ? jv_size(root) : 1;
	if (x->batch && n > XAPI_MAX_BATCH) {
		xapi_result_fail(out, EB_ETOOBIG, "batch of %zu statements exceeds the limit of %d",
				 n, XAPI_MAX_BATCH);
		return EB_ETOOBIG;
	}
	if (x->batch && n == 0) {
		xapi_result_fail(out, EB_EINVAL, "$: the array holds no statements");
		return EB_EINVAL;
	}
	if (!(x->ps = calloc(n, sizeof *x->ps))) {
		xapi_result_fail(out, EB_ENOMEM, "out of memory");
		return EB_ENOMEM;
	}
	x->n = n;
	enum eb_err rc = EB_OK;
	struct buf tmp = BUF_INIT;
	for (size_t i = 0; i < n && !rc; i++) {
		char path[32];
		if (x->batch)
			snprintf(path, sizeof path, "$[%zu]", i);
		else
			str_copy(path, sizeof path, "$");
		struct jv *s = x->batch ? jv_at(root, i) : root;
		rc = xapi_validate_statement(&x->a, s, v, path, x->err, sizeof x->err);
		if (!rc)
			rc = xapi_attach_check(&x->a, s, &x->parts, path, x->err, sizeof x->err);
		if (!rc)
			rc = xapi_canon_prepare(&x->a, &tmp, s, v, x->stored, &x->ps[i]);
		for (size_t j = 0; !rc && j < i; j++)
			if (!strcmp(x->ps[j].id, x->ps[i].id)) {
				snprintf(x->err, sizeof x->err,
					 "%s.id: statement id %s appears"
					 " twice in the batch",
					 path, x->ps[i].id);
				rc = EB_EINVAL;
			}
	}
	/* the stored forms now, on the caller's thread: the writer's
	 * transaction only copies them */
	if (!rc && !(x->json = arena_alloc(&x->a, n * sizeof *x->json)))
		rc = EB_ENOMEM, str_copy(x->err, sizeof x->err, "out of memory");
	for (size_t i = 0; i < n && !rc; i++) {
		buf_reset(&tmp);
		xapi_canon_stored_json(&tmp, &x->ps[i], x->tool_id, x->stored);
		if (buf_failed(&tmp) || !(x->json[i] = arena_strdup(&x->a, buf_cstr(&tmp))))
			rc = EB_ENOMEM, str_copy(x->err, sizeof x->err, "out of memory");
	}
	buf_free(&tmp);
	if (!rc)
		rc = xapi_attach_check_unused(&x->parts, x->err, sizeof x->err);
	if (rc)
		xapi_result_fail(out, rc, "%s", x->err);
	return rc;
}

/* The shared start of POST and PUT: version, parse, the PUT's id rules,
 * validation. NULL when out already holds the answer. */
/* A multipart/mixed body: its statements part into *json, its attachment
 * parts copied into x's arena. False when out holds the refusal. */
static bool read_multipart(struct xapi_write *x, const char *content_type, const char **json,
			   size_t *len, struct xapi_result *out, enum eb_err *rc_out)
{
	const char *body = *json;
	enum eb_err rc = xapi_attach_parse(&x->a, content_type, body, *len, json, len, &x->parts,
					   x->err, sizeof x->err);
	for (size_t i = 0; !rc && i < x->parts.n; i++) {
		char *copy = arena_alloc(&x->a, x->parts.p[i].len + 1);
		if (!copy)
			rc = EB_ENOMEM, str_copy(x->err, sizeof x->err, "out of memory");
		else
			x->parts.p[i].data = memcpy(copy, x->parts.p[i].data, x->parts.p[i].len);
	}
	if (rc) {
		*rc_out = rc;
		xapi_result_fail(out, rc, "%s", x->err);
		return false;
	}
	return true;
}

static struct xapi_write *write_begin(int64_t district_id, int64_t tool_id, bool put,
				      const char *statement_id, const char *content_type,
				      const char *json, size_t len, const char *version_header,
				      struct xapi_result *out, enum eb_err *rc_out)
{
	enum xapi_version v;
	*rc_out = EB_EINVAL;
	if (xapi_result_start(out, version_header, &v))
		return NULL;
	if (put && (!statement_id || !xapi_is_uuid(statement_id))) {
		xapi_result_fail(out, EB_EINVAL, "statementId parameter must be a UUID");
		return NULL;
	}
	struct xapi_write *x = calloc(1, sizeof *x);
	if (!x) {
		*rc_out = EB_ENOMEM;
		xapi_result_fail(out, EB_ENOMEM, "out of memory");
		return NULL;
	}
	arena_init(&x->a);
	x->district_id = district_id;
	x->tool_id = tool_id;
	x->put = put;
	x->out = *out;
	x->w.fn = write_run;
	x->w.ctx = x;
	enum eb_err rc = EB_OK;
	struct jv *root = NULL;
	if (xapi_attach_is_multipart(content_type) &&
	    !read_multipart(x, content_type, &json, &len, out, rc_out)) {
		/* out holds the refusal */
	} else if (!(root = xapi_parse_body(&x->a, json, len, x->err, sizeof x->err, &rc))) {
		*rc_out = rc;
		xapi_result_fail(out, rc, "%s", x->err);
	} else if (!put && !jv_is_array(root) && !jv_is_object(root)) {
		xapi_result_fail(out, EB_EINVAL,
				 "$: must be a statement object or an array of statements");
	} else if (put && !jv_is_object(root)) {
		xapi_result_fail(out, EB_EINVAL, "$: PUT takes one statement object");
	} else {
		struct jv *id = put ? jv_get(root, "id") : NULL;
		struct jv idv = jv_string(statement_id ? statement_id : "");
		if (put && id && (!jv_is_string(id) || strcasecmp(jv_str(id), statement_id)))
			xapi_result_fail(out, EB_EINVAL,
					 "$.id: does not match the statementId parameter");
		else if (put && !id && !jv_set(&x->a, root, "id", &idv))
			xapi_result_fail(out, EB_ENOMEM, "out of memory"), *rc_out = EB_ENOMEM;
		else if (!(*rc_out = write_prepare(x, root, v, out)))
			return x;
	}
	x->out = (struct xapi_result){ 0 }; /* out owns the answer */
	write_free(x);
	return NULL;
}

struct xapi_write *xapi_post_begin(int64_t district_id, int64_t tool_id, const char *json,
				   size_t len, const char *version_header, struct xapi_result *out)
{
	enum eb_err rc;
	return write_begin(district_id, tool_id, false, NULL, NULL, json, len, version_header, out,
			   &rc);
}

struct xapi_write *xapi_post_begin_ct(int64_t district_id, int64_t tool_id,
				      const char *content_type, const char *body, size_t len,
				      const char *version_header, struct xapi_result *out)
{
	enum eb_err rc;
	return write_begin(district_id, tool_id, false, NULL, content_type, body, len,
			   version_header, out, &rc);
}

struct xapi_write *xapi_put_begin_ct(int64_t district_id, int64_t tool_id, const char *statement_id,
				     const char *content_type, const char *body, size_t len,
				     const char *version_header, struct xapi_result *out)
{
	enum eb_err rc;
	return write_begin(district_id, tool_id, true, statement_id, content_type, body, len,
			   version_header, out, &rc);
}

struct xapi_write *xapi_put_begin(int64_t district_id, int64_t tool_id, const char *statement_id,
				  const char *json, size_t len, const char *version_header,
				  struct xapi_result *out)
{
	enum eb_err rc;
	return write_begin(district_id, tool_id, true, statement_id, NULL, json, len,
			   version_header, out, &rc);
}

struct db_write *xapi_write_job(struct xapi_write *x)
{
	return &x->w;
}

enum eb_err xapi_write_end(struct xapi_write *x, struct xapi_result *out)
{
	enum eb_err rc = x->w.rc;
	*out = x->out;
	x->out = (struct xapi_result){ 0 };
	if (rc == EB_EBUSY) {
		str_copy(x->err, sizeof x->err,
			 "the server is busy storing other statements;"
			 " nothing of this request was stored: send it again shortly");
	} else if (rc == EB_EUNAVAIL) {
		str_copy(x->err, sizeof x->err,
			 "the database is not reachable right now; nothing of this request was"
			 " stored: send it again shortly");
	} else if (rc && !x->err[0]) {
		snprintf(x->err, sizeof x->err, "storing failed: %s", eb_strerror(rc));
	}
	if (rc) {
		xapi_result_fail(out, rc, "%s", x->err);
	} else if (x->put) {
		out->rc = EB_OK; /* nothing to send */
	} else {
		struct buf ids = BUF_INIT;
		buf_putc(&ids, '[');
		for (size_t i = 0; i < x->n; i++)
			buf_printf(&ids, "%s\"%s\"", i ? "," : "", x->ps[i].id);
		buf_putc(&ids, ']');
		xapi_result_json(out, &ids);
	}
	xapi_now_iso(out->consistent_through, NULL);
	write_free(x);
	return rc;
}

enum eb_err xapi_post(struct db *db, int64_t district_id, int64_t tool_id, const char *json,
		      size_t len, const char *version_header, struct xapi_result *out)
{
	enum eb_err rc;
	struct xapi_write *x = write_begin(district_id, tool_id, false, NULL, NULL, json, len,
					   version_header, out, &rc);
	if (!x)
		return rc;
	db_write_grouped(db, xapi_write_job(x));
	return xapi_write_end(x, out);
}

enum eb_err xapi_put(struct db *db, int64_t district_id, int64_t tool_id, const char *statement_id,
		     const char *json, size_t len, const char *version_header,
		     struct xapi_result *out)
{
	enum eb_err rc;
	struct xapi_write *x = write_begin(district_id, tool_id, true, statement_id, NULL, json,
					   len, version_header, out, &rc);
	if (!x)
		return rc;
	db_write_grouped(db, xapi_write_job(x));
	return xapi_write_end(x, out);
}
