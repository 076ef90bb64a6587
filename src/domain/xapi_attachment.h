/* xapi_attachment.h - the bytes of xAPI statement attachments (migration
 * 040), one copy per SHA-2 per (district, tool). The rules (parts, hashes,
 * signatures) are in ingest/xapi_attach.h; this is only their storage. */
#ifndef EB_DOMAIN_XAPI_ATTACHMENT_H
#define EB_DOMAIN_XAPI_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct arena;

/* Stores one attachment's bytes under its hash (lower-case hex, 56, 64, 96
 * or 128 digits) unless the tool stored that hash already (then nothing
 * changes: the same hash is the same bytes). Inside the caller's
 * transaction. EB_EDB / EB_EINVAL from the store. */
enum eb_err xapi_attachment_put(struct db *db, int64_t district_id, int64_t tool_id,
				const char *sha2, const char *content_type, const void *data,
				size_t len, int64_t stored_ms);

/* The bytes and content type stored under sha2 for the tool, copied into a
 * (EB_ENOTFOUND when none). */
enum eb_err xapi_attachment_get(struct db *db, int64_t district_id, int64_t tool_id,
				const char *sha2, struct arena *a, const void **data, size_t *len,
				const char **content_type);

#endif
