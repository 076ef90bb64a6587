/* xapi_attach.h - xAPI statement attachments (Data 2.4.11, Communication
 * 1.5.2): the multipart/mixed request read into its statements part and its
 * attachment parts, each part's X-Experience-API-Hash checked against its
 * bytes; the statements' attachment objects matched with the parts; and a
 * GET's answer made multipart when it asks for attachments. Parsing and
 * rules only: no SQL (domain/xapi_attachment.h stores the bytes), no HTTP.
 *
 * Limits (413, EB_ETOOBIG): the whole request is XAPI_MAX_BODY (8 MiB, the
 * statements' cap: refused before it is read); one attachment part at most
 * XAPI_ATTACH_MAX_PART bytes; at most XAPI_ATTACH_MAX_PARTS parts. */
#ifndef EB_XAPI_ATTACH_H
#define EB_XAPI_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "ingest/xapi.h"

struct arena;
struct db;
struct jv;

#define XAPI_ATTACH_MAX_PART ((size_t)4 << 20)
#define XAPI_ATTACH_MAX_PARTS 64
#define XAPI_SIGNATURE_USAGE "http://adlnet.gov/expapi/attachments/signature"

struct xapi_part {
	const char *data; /* the raw bytes (in the caller's arena or body) */
	size_t len;
	char content_type[128]; /* "" when the part has none */
	char hash[129];		/* X-Experience-API-Hash, lower case */
	bool used;		/* matched by an attachment object */
};

/* The attachments a POST or PUT brought: parts NULL (n 0) for an
 * application/json request, where every attachment object needs fileUrl. */
struct xapi_parts {
	struct xapi_part *p;
	size_t n;
	bool multipart;
};

/* Whether a request's Content-Type is multipart/mixed. */
bool xapi_attach_is_multipart(const char *content_type);

/* Reads a multipart/mixed body (RFC 2046; the boundary from content_type):
 * the first part must be application/json (the statements: *json, *json_len
 * point into body); every other part needs Content-Transfer-Encoding binary
 * and an X-Experience-API-Hash of 56, 64, 96 or 128 hex digits that is the
 * SHA-224/256/384/512 of its bytes. Parts point into body; the array is in
 * a. EB_EINVAL with the reason in err (no boundary, a part without its
 * closing delimiter, a bad header, a hash that does not match); EB_ETOOBIG
 * for a part or a count over the limits. */
enum eb_err xapi_attach_parse(struct arena *a, const char *content_type, const char *body,
			      size_t len, const char **json, size_t *json_len,
			      struct xapi_parts *out, char *err, size_t cap);

/* Checks one validated statement's attachment objects against parts (path
 * "$" or "$[i]" for the reasons): an object without fileUrl needs a part
 * with its sha2 (which must then agree with its contentType and length);
 * a signature attachment (usageType XAPI_SIGNATURE_USAGE) must be
 * application/octet-stream, come as a part, and verify (xapi_sig.h). Marks
 * the parts it uses. Costs one member look-up for a statement without
 * attachments. EB_EINVAL with the reason. Call before the statement is
 * prepared (xapi_canon_prepare adds its id and timestamp). */
enum eb_err xapi_attach_check(struct arena *a, struct jv *stmt, struct xapi_parts *parts,
			      const char *path, char *err, size_t cap);

/* After every statement was checked: EB_EINVAL when a part matched no
 * attachment object (Communication 1.5.2.s2.b2.b2: each part is an
 * attachment of a statement). */
enum eb_err xapi_attach_check_unused(const struct xapi_parts *parts, char *err, size_t cap);

/* Stores every matched part (domain/xapi_attachment.h), inside the
 * caller's transaction; the same hash once per (district, tool). */
enum eb_err xapi_attach_store(struct db *db, int64_t district_id, int64_t tool_id,
			      const struct xapi_parts *parts, int64_t stored_ms);

/* GET with attachments=true: turns out's JSON answer (a statement or a
 * StatementResult) into a multipart/mixed body (the JSON first, then one
 * part per distinct sha2 that the statements' attachment objects name and
 * this tool stored), and writes its Content-Type (with the boundary) to
 * content_type. An answer whose statements name no stored attachment is
 * still multipart (the JSON part alone). EB_ENOMEM / EB_EDB leave out as
 * it was. */
enum eb_err xapi_attach_answer(struct db *db, int64_t district_id, int64_t tool_id,
			       struct xapi_result *out, char *content_type, size_t cap);

#endif
