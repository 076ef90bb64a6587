/* lti.h - edbridge as an LTI 1.3 platform (migration 037; docs/lti.md):
 * tool registration per district (tied to an inventory tool), deployments,
 * edbridge's platform keys (RSA 2048, RS256, private parts sealed with the
 * vault, rotated with a grace period, published as a JWKS), resource links
 * (a tool's activity placed in a class, with custom parameters and the
 * standards it counts toward), the one-time launch hints of the OIDC
 * third-party login initiation, the pseudonymous subject a tool sees, the
 * role mapping to LIS role URIs and the launch id_token's claims.
 *
 * Every function that reads a district's rows takes the district id; a row
 * of another district answers EB_ENOTFOUND. The lookups by client id find
 * the district (one issuer serves every district of the installation).
 * Functions that write more than one row take their own transaction unless
 * said otherwise, and store nothing on an error. Nothing here logs a key. */
#ifndef EB_LTI_H
#define EB_LTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "domain/audit.h"

struct jose_jws;

struct db;
struct account;
struct jose_key;

#define LTI_CLIENT_ID_MAX 200
#define LTI_DEPLOYMENT_ID_MAX 255
#define LTI_URL_MAX 500
#define LTI_REDIRECTS_MAX 2000
#define LTI_TITLE_MAX 200
#define LTI_CUSTOM_MAX 4000
#define LTI_KID_MAX 64
#define LTI_SUB_MAX 64
#define LTI_HINT_MAX 64
/* A launch hint (the lti_message_hint) is good for this long. */
#define LTI_HINT_TTL_S 300
/* A launch id_token is valid for this long after it is issued. */
#define LTI_ID_TOKEN_TTL_S 300
/* A rotated-out platform key stays published this long by default. */
#define LTI_KEY_GRACE_S (7 * 24 * 3600)

/* The endpoints h16-ags serves, as paths under the issuer (the AGS and NRPS
 * endpoint claims of a launch point at them). */
#define LTI_PATH_TOKEN "/lti/token"
#define LTI_PATH_AGS_LINEITEMS "/lti/ags/%lld/lineitems" /* link id */
#define LTI_PATH_NRPS "/lti/nrps/%s/memberships"	 /* class sourced id, url-escaped */
#define LTI_PATH_DEEP_RETURN "/lti/deep-linking/return"
#define LTI_PATH_JWKS "/.well-known/jwks.json"

/* Who may register tools and rotate keys: district admin, IT staff. */
bool lti_can_manage(const struct account *a);

/* ---- tool registration ------------------------------------------------ */

/* A registered tool. name is the inventory tool's name. */
struct lti_tool {
	int64_t id, district_id, tool_id, created_at;
	char client_id[LTI_CLIENT_ID_MAX + 1];
	char login_url[LTI_URL_MAX + 1], launch_url[LTI_URL_MAX + 1];
	char redirect_uris[LTI_REDIRECTS_MAX + 1]; /* one a line */
	char jwks_url[LTI_URL_MAX + 1], deep_link_url[LTI_URL_MAX + 1];
	char name[121];
};

/* A registration as typed (command line or form). tool: the inventory
 * tool's id or exact name. redirect_uris: one or more http(s) addresses
 * separated by newlines, commas or spaces ("" : the launch URL alone).
 * deep_link_url may be "" or NULL. deployment_ids: one or more ids
 * separated by commas (at least one). URLs must be http(s); plain http
 * only to a loopback host (tests, a tool on the same machine). */
struct lti_tool_form {
	const char *tool, *client_id, *deployment_ids, *login_url, *launch_url, *redirect_uris,
		*jwks_url, *deep_link_url;
};

/* Checks the form and stores the registration with its deployments
 * (audited). EB_EINVAL with "field: reason" in why (field as in the form:
 * client_id, login_url ...) on the first bad field, EB_ENOTFOUND for an
 * unknown inventory tool ("tool: ..."), EB_EEXIST when the tool is already
 * registered or the client id is taken (by any district: the launch finds
 * the registration by client id alone): nothing stored. */
enum eb_err lti_tool_add(struct db *db, int64_t district_id, const struct lti_tool_form *in,
			 const struct audit_actor *who, int64_t *id, char *why, size_t cap);

/* Lookups. EB_ENOTFOUND when absent. */
enum eb_err lti_tool_get(struct db *db, int64_t district_id, int64_t lti_tool_id,
			 struct lti_tool *out);
/* By the inventory tool's id. */
enum eb_err lti_tool_by_tool(struct db *db, int64_t district_id, int64_t tool_id,
			     struct lti_tool *out);
/* By client id alone (any district: out->district_id says which). */
enum eb_err lti_tool_by_client(struct db *db, const char *client_id, struct lti_tool *out);
/* By client id + deployment id: EB_ENOTFOUND when the client is unknown or
 * the deployment is not one of its deployments. */
enum eb_err lti_tool_by_deployment(struct db *db, const char *client_id, const char *deployment_id,
				   struct lti_tool *out);
/* The tool's first deployment id (the one launches use) into out.
 * EB_ENOTFOUND when it has none. */
enum eb_err lti_tool_deployment(struct db *db, const struct lti_tool *t, char *out, size_t cap);
/* True when uri is exactly one of t's registered redirect URIs. */
bool lti_redirect_registered(const struct lti_tool *t, const char *uri);

/* The district's registrations, by tool name; deployments: the ids joined
 * with ", ". Arrays in arena. */
struct lti_tool_row {
	int64_t id, tool_id;
	int links;
	const char *name, *client_id, *deployments, *launch_url, *deep_link_url;
};
enum eb_err lti_tool_list(struct db *db, int64_t district_id, struct arena *a,
			  struct lti_tool_row **rows, size_t *n);

/* ---- platform keys ---------------------------------------------------- */

/* Adds a new RSA 2048 key that becomes the current one; the previous
 * current key is retired now and stays published until now + grace_s
 * (grace_s >= 0). The private key is sealed with the vault. kid_out (may be
 * NULL, LTI_KID_MAX + 1 bytes) gets the new key's id. EB_EIO when a key
 * cannot be made or sealed (the vault's key file unreadable...). */
enum eb_err lti_key_rotate(struct db *db, int64_t now, int64_t grace_s, char *kid_out);

/* The current key (private, for signing), opened from the vault; kept
 * in a process-wide cache while it stays current. *out is shared: the
 * caller releases it with lti_key_release, never jose_key_free. Makes the
 * first key when there is none. EB_EIO when the vault cannot open it. */
enum eb_err lti_key_current(struct db *db, int64_t now, const struct jose_key **out);
void lti_key_release(const struct jose_key *k);

/* Appends the JWKS (`{"keys":[...]}`) of the keys published at now: the
 * current key and the retired ones within their grace period. */
enum eb_err lti_jwks(struct db *db, int64_t now, struct buf *out);

/* The published keys for `edbridge lti keys list`: kid, created_at,
 * retired_at (0: current), retire_after. Arrays in arena. */
struct lti_key_row {
	int64_t created_at, retired_at, retire_after;
	const char *kid;
};
enum eb_err lti_key_list(struct db *db, struct arena *a, struct lti_key_row **rows, size_t *n);

/* ---- resource links --------------------------------------------------- */

#define LTI_LINK_STANDARDS_MAX 16

/* A resource link. standards: the codes its work counts toward (none: "to
 * be mapped"). custom: a JSON object of string values. */
struct lti_link {
	int64_t id, district_id, lti_tool_id, tool_id, created_by, created_at;
	char class_sourced_id[256];
	char title[LTI_TITLE_MAX + 1], url[LTI_URL_MAX + 1];
	char custom[LTI_CUSTOM_MAX + 1];
	char activity_id[300];
	char standards[LTI_LINK_STANDARDS_MAX][64];
	int nstandards;
	char tool_name[121];
};

/* A link as typed or as a deep-linking content item gave it. custom: a
 * JSON object of string values, or NULL/"" for none. standards: codes
 * separated by commas or spaces (each must be in the district's catalogue),
 * or NULL/"". resource_id: the tool's id for the activity (NULL: the link's
 * own id). */
struct lti_link_form {
	const char *class_sourced_id, *title, *url, *custom, *standards, *resource_id;
};

/* Stores a link of lti_tool_id in a class of the district (audited; in the
 * caller's transaction when one is open, else its own). EB_EINVAL with
 * "field: reason" in why, EB_ENOTFOUND for an unknown tool or class:
 * nothing stored. A standard of a grade the class does not study (its
 * roster grades) is stored and warned of in why with rc EB_OK ("standards:
 * ..."; "" when nothing to warn of). */
enum eb_err lti_link_add(struct db *db, int64_t district_id, int64_t lti_tool_id,
			 const struct lti_link_form *in, const struct audit_actor *who, int64_t *id,
			 char *why, size_t cap);

/* A link with its standards and tool name. EB_ENOTFOUND when absent. */
enum eb_err lti_link_get(struct db *db, int64_t district_id, int64_t id, struct lti_link *out);

/* The links of a class (lti_tool_id 0) or of a tool registration (class
 * NULL), by title; standards joined with ", " ("" : to be mapped). */
struct lti_link_row {
	int64_t id, lti_tool_id, tool_id;
	const char *title, *tool_name, *class_sourced_id, *class_title, *standards;
};
enum eb_err lti_link_list(struct db *db, int64_t district_id, const char *class_sourced_id,
			  int64_t lti_tool_id, struct arena *a, struct lti_link_row **rows,
			  size_t *n);

/* The links of every class a student is enrolled in (the student
 * dashboard), by class then title. */
enum eb_err lti_link_list_student(struct db *db, int64_t district_id, const char *person_sid,
				  struct arena *a, struct lti_link_row **rows, size_t *n);

/* Replaces a link's standards (codes as in lti_link_form; "" clears them).
 * Audited. EB_EINVAL (why) for a code not in the catalogue. */
enum eb_err lti_link_set_standards(struct db *db, int64_t district_id, int64_t id,
				   const char *standards, const struct audit_actor *who, char *why,
				   size_t cap);

/* ---- people as tools see them ------------------------------------------ */

/* The stable pseudonymous subject of account_id for a tool registration
 * (random, made on first use; never the internal id). */
enum eb_err lti_subject(struct db *db, int64_t district_id, int64_t lti_tool_id, int64_t account_id,
			char sub[LTI_SUB_MAX + 1]);

/* The account behind a subject. EB_ENOTFOUND when none. */
enum eb_err lti_subject_account(struct db *db, int64_t lti_tool_id, const char *sub,
				int64_t *account_id);

/* Adds the LIS role URIs of a's roles (in the context of class_sourced_id
 * when not NULL) to roles, a JSON array. Mapping (docs/lti.md):
 * teacher -> membership#Instructor (+ institution/person#Instructor);
 * student -> membership#Learner (+ institution/person#Student);
 * district_admin -> institution/person#Administrator (+ membership#Administrator);
 * coordinator, principal -> institution/person#Administrator;
 * coach -> membership#Mentor (+ institution/person#Mentor);
 * tech_champion -> institution/person#Staff; it_staff -> system/person#SysAdmin;
 * guardian -> membership#Mentor (+ institution/person#Guardian);
 * vendor_contact -> nothing (no launch). Each URI once. */
enum eb_err lti_roles_json(const struct account *a, json_t *roles);

/* ---- launches ---------------------------------------------------------- */

enum lti_launch_kind { LTI_LAUNCH_RESOURCE, LTI_LAUNCH_DEEP };

/* A launch in flight (one row of lti_launch). */
struct lti_launch {
	char hint[LTI_HINT_MAX + 1];
	int64_t district_id, lti_tool_id, account_id, link_id, created_at, expires_at;
	enum lti_launch_kind kind;
	char class_sourced_id[256];
	char deployment_id[LTI_DEPLOYMENT_ID_MAX + 1];
	char deep_data[LTI_HINT_MAX + 1];
};

/* Starts a launch of link (kind resource) or a deep-linking request in
 * class_sourced_id (kind deep, link_id 0) for account_id: stores a fresh
 * one-time hint valid LTI_HINT_TTL_S and fills out. The caller has checked
 * access (the account is in the class). */
enum eb_err lti_launch_begin(struct db *db, int64_t district_id, int64_t lti_tool_id,
			     int64_t account_id, enum lti_launch_kind kind, int64_t link_id,
			     const char *class_sourced_id, int64_t now, struct lti_launch *out);

/* Spends a hint at /lti/login: EB_ENOTFOUND when unknown, EB_EAUTH
 * when past its time, EB_EEXIST when already used (a replay), EB_EPERM when
 * it was not made for account_id or for lti_tool_id, EB_ECONFLICT when
 * deployment_id (NULL or "": not checked) is not the launch's. Only a good
 * hint is marked used. */
enum eb_err lti_launch_take(struct db *db, const char *hint, int64_t lti_tool_id,
			    int64_t account_id, const char *deployment_id, int64_t now,
			    struct lti_launch *out);

/* For the deep-linking return: the deep launch whose data is deep_data,
 * used at /lti/login and not yet answered: marks it done. EB_ENOTFOUND,
 * EB_EAUTH (an hour after it began) or EB_EEXIST (answered already). */
enum eb_err lti_launch_finish_deep(struct db *db, const char *deep_data, int64_t now,
				   struct lti_launch *out);

/* ---- messages ------------------------------------------------------------ */

/* What a launch message needs beyond the launch row. */
struct lti_message {
	const char *issuer;	   /* edbridge's issuer: the site URL, no trailing '/' */
	const char *nonce;	   /* the nonce of the tool's authentication request */
	const char *return_url;	   /* launch_presentation.return_url, or NULL */
	const char *platform_name; /* tool_platform.name (the district's name), or NULL */
	int64_t now;
};

/* Builds the id_token of launch l for account a (l->account_id) and signs
 * it (RS256, the current platform key's kid): appends the compact JWS to
 * out. Claims (docs/lti.md): iss, aud (the client id), azp, sub (lti_subject),
 * iat, exp (now + LTI_ID_TOKEN_TTL_S), nonce, message_type
 * LtiResourceLinkRequest (l->kind resource: resource_link, target_link_uri
 * the link's URL or the tool's launch URL, custom, the AGS endpoint when the
 * tool may send scores) or LtiDeepLinkingRequest (deep_linking_settings with
 * the return URL and l->deep_data), version 1.3.0, deployment_id, roles
 * (lti_roles_json), context {id, type; label and title where the tool may
 * have the class}, tool_platform, launch_presentation, the NRPS claim when
 * the tool may read the class list, and name, given_name, family_name,
 * email and lis only where data_scope_allows. claims (may be NULL) gets the
 * claims (the caller's, json_decref). EB_ENOTFOUND when the link or tool is
 * gone, EB_EIO when no key can sign. */
enum eb_err lti_id_token(struct db *db, const struct lti_launch *l, const struct account *a,
			 const struct lti_message *m, struct buf *out, json_t **claims);

/* What a deep-linking response added. */
struct lti_deep_result {
	struct lti_launch launch; /* the request it answers (class, account) */
	int64_t tool_id;	  /* the inventory tool */
	int added, to_map;	  /* links added; of them, without a standard */
	int skipped;		  /* items of another type than ltiResourceLink */
	char msg[256];		  /* the tool's message to the user ("" : none) */
};

/* Reads a tool's LtiDeepLinkingResponse (the JWT form field) and stores its
 * ltiResourceLink items as links of the request's class, each also an
 * activity of the tool mapped to its standards (a "standards" or "standard"
 * custom parameter, or a lineItem tag or resourceId that is a standard
 * code); an item without one is stored "to be mapped". Checked first, in
 * this order: the JWS (alg RS256 or ES256), iss a registered client id, the
 * signature against the tool's JWKS (fetched from its jwks_url and cached
 * for five minutes; fetched again for an unknown kid), aud our issuer, exp
 * not past and iat not in the future (60 s of skew), nonce present,
 * message_type and version, deployment_id one of the tool's, and the data
 * claim naming a deep-linking request of this tool that was launched and
 * not yet answered (once only). Any failure: EB_EAUTH (EB_EPARSE for a
 * malformed message, EB_EINVAL for a bad item) with a sentence in why, and
 * nothing stored. Audited (the request's account as actor). */
enum eb_err lti_deep_linking_return(struct db *db, const char *jwt, const char *issuer, int64_t now,
				    struct lti_deep_result *out, char *why, size_t cap);

/* ---- the tools' key sets (lti_jwks.c) ---- */

/* Fetches a JWKS document (a tool's jwks_url) into out; the default uses
 * libcurl (HTTPS verified; plain http only to loopback, as registrations
 * allow). Tests and benches may replace it (NULL: the default again, which
 * also empties the cache). */
typedef enum eb_err (*lti_jwks_fetch_fn)(const char *url, struct buf *out);
void lti_jwks_set_fetch(lti_jwks_fetch_fn fn);
/* A tool's set is cached LTI_JWKS_CACHE_S; a kid not in the cached set
 * refetches it, at most once a minute. */
#define LTI_JWKS_CACHE_S 300
/* Forgets the cached JWKS of every tool (tests, key changes at a tool). */
void lti_jwks_cache_clear(void);
/* Verifies jws (RS256/ES256) with the key set at url: EB_OK; EB_EIO when
 * the set could not be fetched (and none is cached); another error with a
 * reason in *why when the signature does not verify. Thread-safe. */
enum eb_err lti_verify_with_tool_keys(const char *url, const struct jose_jws *jws, int64_t now,
				      const char **why);

#endif
