/* sso.h - OpenID Connect single sign-on: edbridge as the relying party.
 *
 * A district registers its sign-in providers (Google Workspace, Microsoft
 * Entra ID, Clever, ClassLink, or any standards-following provider). A
 * sign-in is the authorization-code flow with PKCE (S256), a state and a
 * nonce kept server-side (single use, SSO_LOGIN_TTL_S), the code exchanged
 * at the provider's token endpoint, and the id_token checked: signature
 * (RS256 or ES256, with the provider's published keys), iss, aud and azp,
 * exp, iat and nbf with SSO_SKEW_S of clock skew, and the nonce.
 *
 * Who signs in comes from edbridge's roster only: the provider's subject
 * when it was tied to an account before (sso_identity), else the roster's
 * email (or username) within the provider's district, then tied. Nobody is
 * ever given an account by a provider, and roles never come from claims.
 *
 * Every talk with a provider is HTTPS with certificate verification
 * (libcurl), the system's CAs or the provider's own CA file. Discovery is
 * cached for an hour; the key set is cached and fetched again when a token
 * names a kid it lacks, at most once a minute.
 *
 * Functions that can fail for a person's reason set *why (when not NULL) to
 * an English sentence of static storage that a page can show. */
#ifndef EB_SSO_H
#define EB_SSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/account.h"

struct arena;
struct buf;
struct db;

#define SSO_LOGIN_TTL_S 600
#define SSO_SKEW_S 120
#define SSO_JWKS_MIN_REFETCH_S 60
#define SSO_DISCOVERY_TTL_S 3600
#define SSO_SLUG_MAX 40

struct sso_provider {
	int64_t id, district_id;
	char slug[SSO_SLUG_MAX + 1];
	char preset[16];
	char label[81];
	char issuer[501];
	char client_id[501];
	char ca_file[501];
	char match_by[10]; /* "email" or "username" */
	bool has_secret;
};

/* The presets: name, what people read ("Google"), the issuer when it is
 * fixed (NULL: the district's own, as for Microsoft's tenant), and how
 * accounts are matched. NULL-terminated by name. */
struct sso_preset {
	const char *name, *label, *issuer, *match_by;
};
extern const struct sso_preset sso_presets[];
const struct sso_preset *sso_preset_find(const char *name);

/* What `sso add` and the admin page give. issuer may be NULL for a preset
 * with a fixed issuer; label NULL takes the preset's; secret may be NULL
 * (a public client), and is sealed with the vault; ca_file NULL or "". */
struct sso_provider_new {
	const char *slug, *preset, *label, *issuer, *client_id, *client_secret, *ca_file;
};

/* Adds a provider to district. EB_EINVAL (with *why) for a bad slug (a-z,
 * 0-9 and '-', 1-40), an unknown preset, an issuer that is not an https://
 * address (http:// only for 127.0.0.1 and localhost is refused too: tests
 * use https with their own CA), an empty client id, a CA file that cannot
 * be read; EB_EEXIST for a slug in use by any district (/sso/{slug} names
 * none; checked here, as PostgreSQL's keys are per district). Nothing is
 * stored on a refusal. */
enum eb_err sso_provider_add(struct db *db, int64_t district, const struct sso_provider_new *in,
			     int64_t *id, const char **why);
/* Removes a provider of district, with its identities and sign-ins under
 * way; EB_ENOTFOUND when district has no such provider. */
enum eb_err sso_provider_remove(struct db *db, int64_t district, int64_t id);
/* The providers of district (0: every district), by label, into an array
 * allocated from arena. */
enum eb_err sso_provider_list(struct db *db, int64_t district, struct arena *arena,
			      struct sso_provider **out, size_t *n);
/* One provider by slug, or by district and id; EB_ENOTFOUND otherwise. */
enum eb_err sso_provider_by_slug(struct db *db, const char *slug, struct sso_provider *out);
enum eb_err sso_provider_get(struct db *db, int64_t district, int64_t id, struct sso_provider *out);

/* The provider's endpoints from discovery (cached). */
struct sso_endpoints {
	char authorization[501], token[501], jwks[501], end_session[501];
	bool secret_basic; /* client_secret_basic rather than client_secret_post */
};
/* Discovery: the cached document when younger than SSO_DISCOVERY_TTL_S,
 * else fetched. Its issuer must be the provider's, every endpoint https.
 * EB_EIO (with *why) when the provider cannot be reached. */
enum eb_err sso_discover(struct db *db, const struct sso_provider *p, struct sso_endpoints *out,
			 const char **why);

/* Starts a sign-in: removes the expired ones (sso_purge), stores the state,
 * nonce and PKCE verifier, and appends the provider's authorization address
 * to url. state_out gets the state (43 characters) for the browser cookie
 * that binds the sign-in to it. */
enum eb_err sso_begin(struct db *db, const struct sso_provider *p, const char *redirect_uri,
		      struct buf *url, char state_out[64], const char **why);

/* The id_token's claims that edbridge reads. */
struct sso_claims {
	char sub[256], email[256], username[256], name[256];
	int email_verified; /* 1 true, 0 false, -1 absent */
	int64_t exp, iat;
};

/* Checks the claims of a verified id_token's payload: iss equals issuer,
 * aud is client_id or an array holding it (then azp, when present or when
 * aud has several values, must be client_id), exp in the future and iat and
 * nbf not in the future (skew SSO_SKEW_S), iat not older than a day, the
 * nonce equal to nonce, sub present. EB_EAUTH with *why otherwise. */
enum eb_err sso_check_claims(const char *payload, size_t len, const char *issuer,
			     const char *client_id, const char *nonce, int64_t now,
			     struct sso_claims *out, const char **why);

/* Verifies id_token for provider p: its signature with the provider's key
 * set (cached; fetched again for an unknown kid at most once a minute),
 * then sso_check_claims. */
enum eb_err sso_verify_id_token(struct db *db, const struct sso_provider *p,
				const struct sso_endpoints *ep, const char *id_token,
				const char *nonce, int64_t now, struct sso_claims *out,
				const char **why);

/* The account of the person who signed in: the subject's tie, else the
 * roster match in p's district (a single account), then tied. EB_ENOTFOUND
 * (with *why) for a person the roster does not know, EB_EPERM for a
 * disabled account, EB_ECONFLICT when several accounts match. */
enum eb_err sso_match_account(struct db *db, const struct sso_provider *p,
			      const struct sso_claims *c, int64_t now, struct account *out,
			      const char **why);

/* Takes the sign-in of state (single use: gone afterwards, whatever
 * follows). EB_EAUTH (with *why) when unknown, used, expired or of another
 * provider; nonce and verifier get the stored values. */
enum eb_err sso_take_state(struct db *db, const struct sso_provider *p, const char *state,
			   int64_t now, char nonce[64], char verifier[64], const char **why);

/* Exchanges code at the token endpoint (client_secret_basic or _post, with
 * the PKCE verifier) and appends the id_token to id_token. EB_EIO when the
 * provider cannot be reached, EB_EAUTH when it refuses the code. */
enum eb_err sso_exchange_code(struct db *db, const struct sso_provider *p,
			      const struct sso_endpoints *ep, const char *code,
			      const char *verifier, const char *redirect_uri, struct buf *id_token,
			      const char **why);

/* The whole callback: take the state, exchange the code, verify the
 * id_token, match the account. */
enum eb_err sso_finish(struct db *db, const struct sso_provider *p, const char *state,
		       const char *code, const char *redirect_uri, int64_t now, struct account *out,
		       const char **why);

/* Removes sign-ins under way that expired. */
enum eb_err sso_purge(struct db *db, int64_t now);

#endif
