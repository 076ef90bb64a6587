/* xapi_docs.h - the stored xAPI documents (State, Activity Profile, Agent
 * Profile; migration 039) and what the Activities and Agents resources read
 * from the stored statements. All SQL of the document resources; the rules
 * are in ingest/xapi_docs.h.
 *
 * Every call is scoped by (district_id, tool_id): a tool reads and writes
 * only its own documents, as with statements. */
#ifndef EB_DOMAIN_XAPI_DOCS_H
#define EB_DOMAIN_XAPI_DOCS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct arena;
struct buf;

enum xdoc_kind { XDOC_STATE = 1, XDOC_ACTIVITY_PROFILE = 2, XDOC_AGENT_PROFILE = 3 };

/* A document's address. The parts a kind does not use are "" (never NULL):
 * activity_id for an agent profile, agent_key for an activity profile,
 * registration ("" or a lower-case UUID) for the profiles. doc_id is the
 * stateId or profileId; NULL addresses every document of the rest (id lists,
 * State's multi-delete), where registration NULL also means any. */
struct xdoc_key {
	int64_t district_id, tool_id;
	enum xdoc_kind kind;
	const char *activity_id, *agent_key, *registration, *doc_id;
};

struct xdoc {
	char *content_type; /* arena */
	void *content;	    /* arena, len bytes (NUL after them) */
	size_t len;
	char etag[43]; /* "\"<40 hex>\"" */
	int64_t updated_ms;
};

/* The document at k (doc_id set) into d (arena memory). EB_ENOTFOUND when
 * there is none. */
enum eb_err xdocs_get(struct db *db, const struct xdoc_key *k, struct arena *a, struct xdoc *d);

/* Stores d at k (doc_id set), replacing what was there. */
enum eb_err xdocs_put(struct db *db, const struct xdoc_key *k, const struct xdoc *d);

/* Deletes the document at k, or (doc_id NULL; State only) every document
 * of the activity and agent, of k->registration or (NULL) of any. *n (may
 * be NULL) gets how many went. */
enum eb_err xdocs_delete(struct db *db, const struct xdoc_key *k, int *n);

/* Appends the JSON array of the doc_ids at k (doc_id NULL; registration NULL:
 * any) updated after since_ms (0: all) to out, in id order; *latest_ms gets
 * the newest updated_ms among them (0 when none). */
enum eb_err xdocs_ids(struct db *db, const struct xdoc_key *k, int64_t since_ms, struct buf *out,
		      int64_t *latest_ms);

/* The stored statements' JSON (newest first, at most max) whose actor or
 * object is the activity (kind "activity") or the agent (kind "agent") with
 * that key, for the Activities and Agents resources: fn(ctx, json, len) for
 * each, stopping when it returns nonzero. */
enum eb_err xdocs_statements_about(struct db *db, int64_t district_id, int64_t tool_id,
				   const char *kind, const char *key, int max,
				   int (*fn)(void *ctx, const char *json, size_t len), void *ctx);

#endif
