/* xapi_attachment.c - attachment bytes by hash (xapi_attachment.h). */
#include "domain/xapi_attachment.h"

#include <string.h>

#include "base/arena.h"
#include "store/db.h"

enum eb_err xapi_attachment_put(struct db *db, int64_t district_id, int64_t tool_id,
				const char *sha2, const char *content_type, const void *data,
				size_t len, int64_t stored_ms)
{
	return db_execute(db,
			  "INSERT INTO xapi_attachment (district_id, tool_id, sha2, content_type,"
			  " data, stored_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
			  " ON CONFLICT (district_id, tool_id, sha2) DO NOTHING",
			  DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(sha2),
				  DB_TEXT(content_type), DB_BLOB(len ? data : "", len),
				  DB_INT(stored_ms)),
			  NULL);
}

enum eb_err xapi_attachment_get(struct db *db, int64_t district_id, int64_t tool_id,
				const char *sha2, struct arena *a, const void **data, size_t *len,
				const char **content_type)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT data, content_type FROM xapi_attachment"
				  " WHERE district_id = ?1 AND tool_id = ?2 AND sha2 = ?3",
				  DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(sha2)),
				  &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found) {
		const void *blob = db_col_blob(st, 0);
		int n = db_col_bytes(st, 0);
		void *copy = arena_alloc(a, n > 0 ? (size_t)n : 1);
		*content_type = db_col_str(st, 1, a);
		if (!copy || !*content_type) {
			db_fail(st, EB_ENOMEM);
		} else {
			if (n > 0)
				memcpy(copy, blob, (size_t)n);
			*data = copy;
			*len = (size_t)n;
		}
	}
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}
