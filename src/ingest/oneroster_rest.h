/* oneroster_rest.h - the OneRoster REST client (1.1 and 1.2 bindings).
 *
 * One client talks to one provider (an SIS's OneRoster service): it gets an
 * OAuth 2.0 access token with the client-credentials grant (client id and
 * secret as HTTP Basic auth, as the 1EdTech security framework says), keeps
 * it until it expires (or a 401 says it has), and reads whole collections
 * with limit/offset paging, handing each JSON object to a callback. 5xx,
 * 429, timeouts and broken connections are retried with exponential
 * back-off (Retry-After honoured, each wait capped). Certificates are always
 * checked (optionally against a CA file, for tests); plain http is accepted
 * only for a loopback host. Nothing here touches the database, and the
 * client secret never appears in a message (docs/oneroster_sync.md).
 *
 * Used by the roster sync (ingest/oneroster_sync) and the gradebook
 * endpoints (/ims/oneroster/gradebook/v1p2/...). */
#ifndef EB_ONEROSTER_REST_H
#define EB_ONEROSTER_REST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct jv;

#define ONEROSTER_REST_URL_MAX 1024
#define ONEROSTER_REST_PAGE_MAX (64u << 20) /* bytes of one page's body, at most */
#define ONEROSTER_REST_PAGES_MAX 100000	    /* pages of one collection, at most */

/* What the caller sets; zero fields take the defaults in brackets. Strings
 * are borrowed for the client's life. */
struct oneroster_rest_config {
	/* The service root: https://sis.example.org/ims/oneroster/v1p1 or
	 * .../ims/oneroster/rostering/v1p2; a bare https://host[/prefix] gets
	 * the version's path appended. No user:password@ part. */
	const char *url;
	/* [url's part before /ims/oneroster, + "/oauth/token"] */
	const char *token_url;
	const char *client_id;
	const char *client_secret;
	const char *scope;   /* [the version's roster-core.readonly scope] */
	const char *ca_file; /* PEM bundle to trust instead of the system's [none] */
	int version;	     /* 11 or 12 [from url: v1p2 -> 12, else 11] */
	long timeout_ms;     /* one request, connection included [30000] */
	int retries;	     /* tries after the first, per request [4] */
	long backoff_ms;     /* first wait; doubles each retry [500] */
	long backoff_cap_ms; /* longest wait, Retry-After included [30000] */
	long page_size;	     /* limit= [1000] */
};

/* Counters of one client, for reports and the bench. */
struct oneroster_rest_stats {
	long requests; /* HTTP requests made, token requests included */
	long pages;
	long objects;
	long retries;
	long tokens; /* access tokens fetched */
};

struct oneroster_rest;

/* Called for each object of a collection in the provider's order; obj lives
 * until the callback returns. A non-EB_OK return stops the read and is
 * returned by oneroster_rest_get_all (why, cap: the reason to give). */
typedef enum eb_err (*oneroster_rest_each_fn)(void *ud, const struct jv *obj, char *why,
					      size_t cap);

/* Checks cfg (URL shape and scheme, id and secret present) and makes a
 * client in *out; nothing is fetched yet. EB_EINVAL with a reason in why
 * (never the secret); EB_ENOMEM. Free with oneroster_rest_free. */
enum eb_err oneroster_rest_new(const struct oneroster_rest_config *cfg, struct oneroster_rest **out,
			       char *why, size_t cap);
void oneroster_rest_free(struct oneroster_rest *c);

/* The version the client speaks (11 or 12) and its service root (no
 * trailing slash). */
int oneroster_rest_version(const struct oneroster_rest *c);
const char *oneroster_rest_root(const struct oneroster_rest *c);

/* Reads every object of a collection: GET path?limit=L&offset=O[&filter=F]
 * page by page. path is relative to the service root ("users",
 * "schools/x/classes") or absolute from the host ("/ims/oneroster/
 * gradebook/v1p2/results"). key names the array in each answer ("users");
 * NULL takes path's last segment. filter is the raw filter expression
 * (`dateLastModified>'2026-01-01T00:00:00Z'`), NULL for none; it is
 * URL-encoded here. Paging follows a Link rel="next" on the same host when
 * the provider sends one, else offset += the objects received; it stops on
 * an empty page, when X-Total-Count is reached, or (without a total) on a
 * page shorter than the limit. A 401 fetches a new token once and repeats
 * the request. Errors: EB_EAUTH (credentials refused, or 401/403 again),
 * EB_EIO (unreachable, or still failing after the retries: why names the
 * request and the last status), EB_EPARSE (not JSON, no such array), EB_ENOTFOUND (404: the provider has no such collection),
 * EB_ETOOBIG (a page over ONEROSTER_REST_PAGE_MAX), or the callback's. */
enum eb_err oneroster_rest_get_all(struct oneroster_rest *c, const char *path, const char *key,
				   const char *filter, oneroster_rest_each_fn fn, void *ud,
				   char *why, size_t cap);

/* Fetches a token now (to check credentials before a long run). Errors as
 * above. */
enum eb_err oneroster_rest_authenticate(struct oneroster_rest *c, char *why, size_t cap);

const struct oneroster_rest_stats *oneroster_rest_stats(const struct oneroster_rest *c);

#endif
