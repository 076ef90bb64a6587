/* xapi_sig.c - signed statements (xapi_sig.h). */
#include "ingest/xapi_sig.h"

#include <stdio.h>
#include <string.h>

#include "base/jose.h"
#include "base/json.h"
#include "base/str.h"
#include "ingest/xapi_attach.h"

static bool is_signature(const struct jv *att)
{
	const char *u = jv_str(jv_get(att, "usageType"));
	return u && strcmp(u, XAPI_SIGNATURE_USAGE) == 0;
}

/* The received statement's attachments less its signatures equal the
 * signed ones (an absent list equals an empty one). */
static bool same_attachments(const struct jv *got, const struct jv *signed_list)
{
	size_t i, k = 0, n = jv_size(jv_is_array(signed_list) ? signed_list : NULL);
	struct jv *att;
	if (signed_list && !jv_is_array(signed_list))
		return false;
	jv_array_foreach(got, i, att)
	{
		if (is_signature(att))
			continue;
		if (k == n || !jv_equal(att, jv_at(signed_list, k)))
			return false;
		k++;
	}
	return k == n;
}

/* Members the LRS sets or may set: not compared. */
static bool lrs_member(const char *key)
{
	return !strcmp(key, "authority") || !strcmp(key, "stored") || !strcmp(key, "version");
}

/* Compared only when both sides have them. */
static bool when_both(const char *key)
{
	return !strcmp(key, "id") || !strcmp(key, "timestamp");
}

/* The first member where the statement and the payload differ, or NULL
 * when they are logically equivalent. */
static const char *first_difference(const struct jv *stmt, const struct jv *payload)
{
	const char *key;
	struct jv *v;
	jv_object_foreach(stmt, key, v)
	{
		struct jv *w = jv_get(payload, key);
		if (lrs_member(key))
			continue;
		if (!strcmp(key, "attachments")) {
			if (!same_attachments(v, w))
				return key;
		} else if (when_both(key)) {
			if (w && !jv_equal(v, w))
				return key;
		} else if (!w || !jv_equal(v, w)) {
			return key;
		}
	}
	jv_object_foreach(payload, key, v)
	{
		if (lrs_member(key) || when_both(key) || jv_get(stmt, key))
			continue;
		return key; /* signed but not sent */
	}
	return NULL;
}

enum eb_err xapi_sig_verify(struct arena *a, const struct jv *stmt, const char *jws, size_t len,
			    const char *path, char *err, size_t cap)
{
	struct jose_jws j;
	struct jose_key *k = NULL;
	const char *why = NULL;
	enum eb_err rc = jose_jws_parse((struct str){ jws, len }, &j, &why);
	if (rc) {
		snprintf(err, cap, "%s: the signature is not a compact JWS (%s)", path,
			 why ? why : eb_strerror(rc));
		return EB_EINVAL;
	}
	if (j.alg != JOSE_RS256 && j.alg != JOSE_RS384 && j.alg != JOSE_RS512) {
		snprintf(err, cap,
			 "%s: the signature uses %s; signed statements use RS256, RS384 or RS512",
			 path, jose_alg_name(j.alg));
		rc = EB_EINVAL;
		goto out;
	}
	rc = jose_x5c_key(j.header_json, &k, &why);
	if (rc == EB_OK) {
		rc = jose_jws_verify(&j, k, &why);
		if (rc) {
			snprintf(err, cap,
				 "%s: the signature does not verify with the x5c certificate (%s)",
				 path, why ? why : eb_strerror(rc));
			rc = EB_EINVAL;
			goto out;
		}
	} else if (rc != EB_ENOTFOUND) {
		snprintf(err, cap, "%s: the signature's x5c chain is refused (%s)", path,
			 why ? why : eb_strerror(rc));
		rc = EB_EINVAL;
		goto out;
	}
	struct jv_error je;
	struct jv *payload = jv_parse(a, j.payload, j.payload_len, &je);
	if (!payload || !jv_is_object(payload)) {
		snprintf(err, cap, "%s: the signature's payload is not a JSON statement", path);
		rc = EB_EINVAL;
		goto out;
	}
	const char *diff = first_difference(stmt, payload);
	if (diff) {
		snprintf(err, cap,
			 "%s: the signature does not match the statement (the signed statement"
			 " differs in \"%s\")",
			 path, diff);
		rc = EB_EINVAL;
		goto out;
	}
	rc = EB_OK;
out:
	jose_key_free(k);
	jose_jws_free(&j);
	return rc;
}
