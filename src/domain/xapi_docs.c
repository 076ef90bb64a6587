/* The xAPI documents' SQL (domain/xapi_docs.h). Portable: ?N parameters,
 * ON CONFLICT upserts, no SQLite-only functions. */
#include "domain/xapi_docs.h"

#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"
#include "store/db.h"

#define KEY_ARGS(k)                                                                                \
	DB_INT((k)->district_id), DB_INT((k)->tool_id), DB_INT((k)->kind),                         \
		DB_TEXT((k)->activity_id), DB_TEXT((k)->agent_key)

enum eb_err xdocs_get(struct db *db, const struct xdoc_key *k, struct arena *a, struct xdoc *d)
{
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT content_type, content, etag, updated_ms FROM xapi_document "
			 "WHERE district_id = ?1 AND tool_id = ?2 AND kind = ?3 "
			 "AND activity_id = ?4 AND agent_key = ?5 AND registration = ?6 "
			 "AND doc_id = ?7",
			 DB_ARGS(KEY_ARGS(k), DB_TEXT(k->registration), DB_TEXT(k->doc_id)), &st);
	if (rc)
		return rc;
	bool found = false;
	if (db_next(st)) {
		found = true;
		d->content_type = db_col_str(st, 0, a);
		int n = db_col_bytes(st, 1);
		d->len = n > 0 ? (size_t)n : 0;
		d->content = arena_alloc(a, d->len + 1);
		if (!d->content) {
			db_fail(st, EB_ENOMEM);
		} else {
			if (d->len)
				memcpy(d->content, db_col_blob(st, 1), d->len);
			((char *)d->content)[d->len] = '\0';
		}
		db_col_copy(st, 2, d->etag, sizeof d->etag);
		d->updated_ms = db_col_int(st, 3);
	}
	rc = db_done(st);
	if (rc)
		return rc;
	return found ? EB_OK : EB_ENOTFOUND;
}

enum eb_err xdocs_put(struct db *db, const struct xdoc_key *k, const struct xdoc *d)
{
	return db_execute(
		db,
		"INSERT INTO xapi_document (district_id, tool_id, kind, activity_id, "
		"agent_key, registration, doc_id, content_type, content, etag, updated_ms) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
		"ON CONFLICT (district_id, tool_id, kind, activity_id, agent_key, "
		"registration, doc_id) DO UPDATE SET content_type = excluded.content_type, "
		"content = excluded.content, etag = excluded.etag, "
		"updated_ms = excluded.updated_ms",
		DB_ARGS(KEY_ARGS(k), DB_TEXT(k->registration), DB_TEXT(k->doc_id),
			DB_TEXT(d->content_type), DB_BLOB(d->content ? d->content : "", d->len),
			DB_TEXT(d->etag), DB_INT(d->updated_ms)),
		NULL);
}

enum eb_err xdocs_delete(struct db *db, const struct xdoc_key *k, int *n)
{
	if (k->doc_id)
		return db_execute(
			db,
			"DELETE FROM xapi_document WHERE district_id = ?1 AND tool_id = ?2 "
			"AND kind = ?3 AND activity_id = ?4 AND agent_key = ?5 "
			"AND registration = ?6 AND doc_id = ?7",
			DB_ARGS(KEY_ARGS(k), DB_TEXT(k->registration), DB_TEXT(k->doc_id)), n);
	/* ?6 NULL: of any registration */
	return db_execute(db,
			  "DELETE FROM xapi_document WHERE district_id = ?1 AND tool_id = ?2 "
			  "AND kind = ?3 AND activity_id = ?4 AND agent_key = ?5 "
			  "AND (?6 IS NULL OR registration = ?6)",
			  DB_ARGS(KEY_ARGS(k), DB_TEXT(k->registration)), n);
}

enum eb_err xdocs_ids(struct db *db, const struct xdoc_key *k, int64_t since_ms, struct buf *out,
		      int64_t *latest_ms)
{
	struct db_stmt *st;
	*latest_ms = 0;
	enum eb_err rc = db_query(db,
				  "SELECT doc_id, updated_ms FROM xapi_document "
				  "WHERE district_id = ?1 AND tool_id = ?2 AND kind = ?3 "
				  "AND activity_id = ?4 AND agent_key = ?5 "
				  "AND (?6 IS NULL OR registration = ?6) AND updated_ms > ?7 "
				  "ORDER BY doc_id",
				  DB_ARGS(KEY_ARGS(k), DB_TEXT(k->registration), DB_INT(since_ms)),
				  &st);
	if (rc)
		return rc;
	const char *prev = NULL;
	char last[2049] = "";
	buf_putc(out, '[');
	size_t count = 0;
	while (db_next(st)) {
		const char *id = db_col_text(st, 0);
		if (!id)
			continue;
		/* one id once, though it be stored under several registrations */
		if (prev && strcmp(last, id) == 0)
			continue;
		str_copy(last, sizeof last, id);
		prev = last;
		if (count++)
			buf_putc(out, ',');
		buf_putc(out, '"');
		for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_printf(out, "\\%c", *p);
			else if (*p < 0x20)
				buf_printf(out, "\\u%04x", *p);
			else
				buf_putc(out, (char)*p);
		}
		buf_putc(out, '"');
		int64_t at = db_col_int(st, 1);
		if (at > *latest_ms)
			*latest_ms = at;
	}
	buf_putc(out, ']');
	return db_done(st);
}

enum eb_err xdocs_statements_about(struct db *db, int64_t district_id, int64_t tool_id,
				   const char *kind, const char *key, int max,
				   int (*fn)(void *ctx, const char *json, size_t len), void *ctx)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT s.json FROM xapi_statement_ref r "
				  "JOIN xapi_statement s ON s.district_id = r.district_id "
				  "AND s.tool_id = r.tool_id AND s.seq = r.seq "
				  "WHERE r.district_id = ?1 AND r.tool_id = ?2 AND r.kind = ?3 "
				  "AND r.key = ?4 AND r.related = 0 AND s.voided = 0 "
				  "ORDER BY r.seq DESC LIMIT ?5",
				  DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(kind),
					  DB_TEXT(key), DB_INT(max)),
				  &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		const char *j = db_col_text(st, 0);
		if (j && fn(ctx, j, (size_t)db_col_bytes(st, 0)))
			break;
	}
	return db_done(st);
}
