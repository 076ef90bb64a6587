/* xapi_store.h - POST and PUT /xapi/statements: a request's statements are
 * validated and prepared on the caller's thread, then stored whole or not
 * at all through the group commit (store/db.h). The answer is a struct
 * xapi_result (xapi.h); the web layer picks its HTTP status. */
#ifndef EB_XAPI_STORE_H
#define EB_XAPI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "ingest/xapi.h"

struct db;
struct db_write;
struct xapi_write;

/* POST /xapi/statements: one statement or an array, stored whole or not at
 * all. EB_OK with a JSON array of the ids (generated as time-ordered UUID v7
 * where absent); EB_EINVAL / EB_EPARSE invalid (reason and JSON path),
 * EB_ECONFLICT an id already stored with other content, EB_ETOOBIG over the
 * caps, EB_EBUSY the writer's queue is full. Returns out->rc. */
enum eb_err xapi_post(struct db *db, int64_t district_id, int64_t tool_id, const char *json,
		      size_t len, const char *version_header, struct xapi_result *out);

/* PUT /xapi/statements?statementId=ID: EB_OK with no body when stored (or
 * already stored with the same content); the refusals of xapi_post. */
enum eb_err xapi_put(struct db *db, int64_t district_id, int64_t tool_id, const char *statement_id,
		     const char *json, size_t len, const char *version_header,
		     struct xapi_result *out);

/* POST and PUT in two halves, for a server that must not block while the
 * statements are written: xapi_post_begin / xapi_put_begin parse and
 * validate on the caller's thread. NULL means out already holds the answer
 * (a refusal). Otherwise the caller has the job xapi_write_job(x) run by the
 * group commit (db_write_submit, or db_write_grouped), and once it is done
 * calls xapi_write_end, which fills out and frees x. xapi_post and xapi_put
 * are exactly these steps with db_write_grouped. */
struct xapi_write *xapi_post_begin(int64_t district_id, int64_t tool_id, const char *json,
				   size_t len, const char *version_header, struct xapi_result *out);
struct xapi_write *xapi_put_begin(int64_t district_id, int64_t tool_id, const char *statement_id,
				  const char *json, size_t len, const char *version_header,
				  struct xapi_result *out);
/* The same with the request's Content-Type: multipart/mixed reads the
 * statements from its first part and the attachments from the others
 * (ingest/xapi_attach.h: hashes checked, every part matched with an
 * attachment object, signatures verified, the bytes stored with the
 * statements in one transaction); anything else (NULL included) is the
 * statements' JSON, where every attachment object needs a fileUrl. */
struct xapi_write *xapi_post_begin_ct(int64_t district_id, int64_t tool_id,
				      const char *content_type, const char *body, size_t len,
				      const char *version_header, struct xapi_result *out);
struct xapi_write *xapi_put_begin_ct(int64_t district_id, int64_t tool_id, const char *statement_id,
				     const char *content_type, const char *body, size_t len,
				     const char *version_header, struct xapi_result *out);
struct db_write *xapi_write_job(struct xapi_write *x);
enum eb_err xapi_write_end(struct xapi_write *x, struct xapi_result *out);

#endif
