/* xapi_sig.h - signed statements (xAPI Data 2.6, "Signed Statements"): a
 * statement whose attachment of usageType
 * http://adlnet.gov/expapi/attachments/signature (application/octet-stream)
 * holds a compact JWS whose payload is the statement as it was signed.
 *
 * What is checked: the JWS parses and its alg is RS256, RS384 or RS512
 * (anything else, ES256 included, is refused); when its header has an x5c
 * chain, the chain is a chain (each certificate issued by the next) and
 * the first certificate's key verifies the signature; the payload is a JSON
 * object logically equivalent to the received statement: the same members
 * and values, except that the received statement's signature attachment is
 * left out (with `attachments` gone when it was the only one), authority,
 * stored and version are ignored (the LRS sets them), and id and timestamp
 * are compared only when both sides have them. No trust anchor is required
 * (the spec requires none): a statement without x5c is checked for its
 * payload and alg only, as the spec allows. */
#ifndef EB_XAPI_SIG_H
#define EB_XAPI_SIG_H

#include <stddef.h>

#include "base/err.h"

struct arena;
struct jv;

/* Checks the signature jws[len] (the attachment part's bytes) of stmt, the
 * statement as received. EB_OK, or EB_EINVAL with the reason in err
 * ("...: the signature ..."), path prefixing it. */
enum eb_err xapi_sig_verify(struct arena *a, const struct jv *stmt, const char *jws, size_t len,
			    const char *path, char *err, size_t cap);

#endif
