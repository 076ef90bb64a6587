/* case_provider.h - fetching a CFPackage from a CASE provider's REST API
 * (GET {base}/ims/case/v1p0/CFPackages/{id}), optionally with OAuth 2.0
 * client credentials, and the providers a district saved for re-import
 * (the client secret sealed by domain/vault, purpose "case.client_secret";
 * docs/case.md).
 *
 * Transport: https with the certificate checked (the system's CAs, or
 * ca_file); plain http only to a loopback address (127.0.0.1, ::1,
 * localhost: a provider on the same machine, and the tests). No redirects.
 * Nothing here logs a secret or a token. */
#ifndef EB_CASE_PROVIDER_H
#define EB_CASE_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

struct db;

#define CASE_PROVIDER_URL_MAX 2048

struct case_provider_auth {
	const char *token_url; /* OAuth 2.0 token endpoint; NULL or "": no auth */
	const char *client_id;
	const char *client_secret; /* plain; the caller wipes it */
	const char *ca_file;	   /* NULL: the system's CAs */
};

/* True when url may be fetched (the transport rule above) and has the
 * package path /ims/case/v1p0/CFPackages/ (or v1p1) in it. */
int case_provider_url_ok(const char *url, const char **why);

/* GETs the package at url into out (capped by out's max). With auth, first
 * takes a token from auth->token_url (client_credentials, HTTP Basic) and
 * sends it as a Bearer token. EB_EINVAL for a URL the rule refuses, EB_EIO
 * when the provider cannot be reached, its certificate does not verify or
 * it answers other than 200 (why says which), EB_EAUTH when the token
 * endpoint refuses the credentials, EB_ETOOBIG past out's max. */
enum eb_err case_provider_fetch(const char *url, const struct case_provider_auth *auth,
				struct buf *out, char *why, size_t whycap);

/* Saves (or updates) the provider of the district for url, the secret
 * sealed, its CA file (auth->ca_file, a path on the server), and the
 * framework it gave. */
enum eb_err case_provider_save(struct db *db, int64_t district_id, const char *url,
			       const struct case_provider_auth *auth, int64_t framework_id,
			       int64_t now);

/* A saved provider as pages and the command line show it: never the
 * secret, only whether one is sealed. */
struct case_provider_row {
	int64_t id, framework_id;     /* framework_id 0: it was deleted since */
	int64_t saved_at, fetched_at; /* fetched_at 0: not fetched again yet */
	char package_url[CASE_PROVIDER_URL_MAX + 1], token_url[CASE_PROVIDER_URL_MAX + 1];
	char client_id[513], ca_file[1025];
	char framework_title[256]; /* "" when the framework is gone */
	bool has_secret;
};

/* The district's saved providers, oldest first, into an arena array. */
enum eb_err case_provider_list(struct db *db, int64_t district_id, struct arena *a,
			       struct case_provider_row **out, size_t *n);

/* The district's provider named by key: its id (digits) or its package URL.
 * EB_ENOTFOUND when the district has none such. */
enum eb_err case_provider_find(struct db *db, int64_t district_id, const char *key,
			       struct case_provider_row *out);

/* Fills auth from p for case_provider_fetch: the token URL, client id, CA
 * file (ca_file when not NULL: an override) and the secret unsealed into
 * secret (the caller wipes it with vault_wipe). Errors as vault_unseal. */
enum eb_err case_provider_auth_of(struct db *db, int64_t district_id,
				  const struct case_provider_row *p, const char *ca_file,
				  struct buf *secret, struct case_provider_auth *auth);

/* Records that provider id was fetched again at now and gave framework_id. */
enum eb_err case_provider_fetched(struct db *db, int64_t district_id, int64_t id,
				  int64_t framework_id, int64_t now);

#endif
