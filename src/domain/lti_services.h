/* lti_services.h - the LTI Advantage services edbridge offers registered
 * tools (docs/lti_services.md): the OAuth 2.0 token endpoint (client
 * credentials with a signed JWT assertion, IMS Security Framework 4.1),
 * Assignment and Grade Services 2.0 (line items, scores, results), Names and
 * Role Provisioning Services 2.0 (a class's members), and deletion on
 * request of a tool's data about students.
 *
 * Every grant and every answer honours the district's data-sharing scopes
 * (domain/data_scope.h), checked again on each call so that a scope the
 * district takes back stops a token already issued: AGS needs "scores",
 * NRPS "membership", and NRPS members carry only the fields granted.
 *
 * A posted score with a grade becomes a learning event of the student
 * through activity_event_record (domain/activity.h), the path xAPI and
 * Caliper take into mastery: one event per standard of the line item's
 * resource link (or, without a link, the tool's activity map), source
 * "lti". A score of at least LTI_SCORE_CORRECT_AT of its maximum counts as
 * a correct response.
 *
 * Errors carry an OAuth/JSON error code (error, static) and a sentence for
 * people (why); nothing is stored on an error. */
#ifndef EB_LTI_SERVICES_H
#define EB_LTI_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "domain/audit.h"

struct db;

#define LTI_TOKEN_TTL_S 3600	  /* an access token's life */
#define LTI_ASSERTION_MAX_S 3600  /* a client assertion's exp at most this far ahead */
#define LTI_CLOCK_SKEW_S 60	  /* tolerance on exp and iat */
#define LTI_TOKEN_CHARS 43	  /* base64url of 32 random bytes */
#define LTI_SCORE_CORRECT_AT 0.8  /* scoreGiven / scoreMaximum counted as correct */
#define LTI_NRPS_PAGE_DEFAULT 100 /* members per page without ?limit */
#define LTI_NRPS_PAGE_MAX 1000

/* The OAuth scopes of the services (bits of a grant). */
enum lti_scope {
	LTI_SCOPE_LINEITEM,	   /* .../lti-ags/scope/lineitem */
	LTI_SCOPE_LINEITEM_READ,   /* .../lti-ags/scope/lineitem.readonly */
	LTI_SCOPE_RESULT_READ,	   /* .../lti-ags/scope/result.readonly */
	LTI_SCOPE_SCORE,	   /* .../lti-ags/scope/score */
	LTI_SCOPE_MEMBERSHIP_READ, /* .../lti-nrps/scope/contextmembership.readonly */
	LTI_SCOPE__COUNT
};

/* The scope's URI; NULL out of range. */
const char *lti_scope_uri(enum lti_scope s);

/* An error for the caller to answer: HTTP status, the RFC 6749 / service
 * error code, and words. */
struct lti_error {
	int status;
	const char *error; /* "invalid_client", "invalid_scope", "invalid_request" ... */
	char why[300];
};

/* The verified tool behind a request. */
struct lti_caller {
	int64_t district_id, tool_id, lti_tool_id;
	unsigned scopes; /* bits of enum lti_scope */
};

/* A /lti/token request's form fields (NULL: absent). */
struct lti_token_request {
	const char *grant_type, *client_assertion_type, *client_assertion, *scope;
};

/* Checks the assertion: a JWS (RS256/ES256) verified with the tool's JWKS,
 * iss = sub = a registered client_id, aud = token_url (string or array),
 * exp in the future and at most LTI_ASSERTION_MAX_S ahead, iat not in the
 * future, jti never seen before (kept until exp); the inventory tool not
 * denied or retired. Grants the requested scopes the district allows (AGS
 * needs "scores", NRPS "membership"); none granted: invalid_scope. On
 * success appends the RFC 6749 JSON answer to out (access_token,
 * token_type Bearer, expires_in, scope) and stores the token's hash. */
enum eb_err lti_token_issue(struct db *db, const struct lti_token_request *in,
			    const char *token_url, int64_t now, struct buf *out,
			    struct lti_error *err);

/* Checks "Bearer TOKEN" (the Authorization header's value): a live token
 * (401 invalid_token otherwise) holding one of the scopes of any_of (403
 * insufficient_scope). Fills caller. */
enum eb_err lti_token_check(struct db *db, const char *authorization, unsigned any_of, int64_t now,
			    struct lti_caller *caller, struct lti_error *err);

/* ---- Assignment and Grade Services ------------------------------------ */

/* The container of a link: appends the JSON array of the line items of the
 * caller's tool in the link's class (filters NULL: none: resource_link_id,
 * resource_id, tag); base: the absolute URL of /lti/ags/<link>/lineitems
 * (each item's id is base/<item>). 404 when the link is not the tool's. */
struct lti_lineitem_filter {
	const char *resource_link_id, *resource_id, *tag;
	int limit; /* 0: all */
};
enum eb_err lti_ags_lineitems(struct db *db, const struct lti_caller *c, int64_t link_id,
			      const struct lti_lineitem_filter *f, const char *base,
			      struct buf *out, struct lti_error *err);

/* POST (item_id 0) or PUT (item_id > 0) of a line item JSON body
 * (scoreMaximum > 0 and label 1..200 bytes required; resourceLinkId, when
 * given, a link of the tool in the same class; tag, resourceId,
 * startDateTime, endDateTime optional). Appends the stored item to out;
 * *item_out its id. */
enum eb_err lti_ags_lineitem_put(struct db *db, const struct lti_caller *c, int64_t link_id,
				 int64_t item_id, const char *body, size_t len, const char *base,
				 int64_t now, struct buf *out, int64_t *item_out,
				 struct lti_error *err);
/* GET one line item (404 when not the tool's, in the link's class). */
enum eb_err lti_ags_lineitem_get(struct db *db, const struct lti_caller *c, int64_t link_id,
				 int64_t item_id, const char *base, struct buf *out,
				 struct lti_error *err);
/* DELETE a line item with its scores (the learning events stay: they are
 * evidence the student gave; deletion on request removes those). */
enum eb_err lti_ags_lineitem_delete(struct db *db, const struct lti_caller *c, int64_t link_id,
				    int64_t item_id, struct lti_error *err);

/* POST a score (application/vnd.ims.lis.v1.score+json): userId (the
 * tool's pseudonymous subject of a student of the class), scoreGiven and
 * scoreMaximum (both or neither; 0 <= given <= maximum, maximum > 0),
 * activityProgress and gradingProgress (the spec's values), timestamp (ISO
 * 8601 with zone), comment (<= 2000 bytes). A timestamp older than the
 * stored one is 409; the same one again is accepted and changes nothing.
 * With gradingProgress FullyGraded and a scoreGiven, records the learning
 * event(s) in the same transaction. *events: learning events stored. */
enum eb_err lti_ags_score(struct db *db, const struct lti_caller *c, int64_t link_id,
			  int64_t item_id, const char *body, size_t len, int64_t now, int *events,
			  struct lti_error *err);

/* GET results: appends the JSON array of the item's results (filter
 * user_id NULL: all; limit 0: all). */
enum eb_err lti_ags_results(struct db *db, const struct lti_caller *c, int64_t link_id,
			    int64_t item_id, const char *user_id, int limit, const char *base,
			    struct buf *out, struct lti_error *err);

/* ---- Names and Role Provisioning Services ----------------------------- */

/* The members of class_sourced_id (a class the tool has a link in, else
 * 404) with an edbridge account, ordered by the tool's subject: user_id,
 * status "Active", roles (LIS membership role URIs); name, given_name,
 * family_name, email, lis_person_sourcedid only as the scopes allow; the
 * context (id; title and label only with "class"). A page of limit
 * (1..LTI_NRPS_PAGE_MAX) after subject `after` ("" first); *next gets the
 * last subject of the page when more follow ("" otherwise). Records one
 * audit entry (export, subject class) with the fields disclosed. */
enum eb_err lti_nrps_members(struct db *db, const struct lti_caller *c,
			     const char *class_sourced_id, const char *after, int limit,
			     const char *self_url, struct buf *out, char next[80],
			     struct lti_error *err);

/* ---- deletion on request ----------------------------------------------- */

/* What a deletion removed: rows per table, in the order found. */
#define LTI_FORGET_TABLES 32
struct lti_forget_report {
	int n;
	struct {
		char table[64];
		int64_t rows;
	} t[LTI_FORGET_TABLES];
	int64_t students; /* students whose mastery was recomputed */
};

/* Deletes the inventory tool's data about one student (student_sid) or,
 * with student_sid NULL, about every student (removing the tool): learning
 * events and quarantined events, xAPI statements and Caliper events from
 * the tool about them, AGS scores, the pseudonymous subjects, the tool's
 * per-student summary rows; then recomputes the students' mastery from the
 * evidence left. With student_sid NULL also the tool's line items, access
 * tokens, assertion ids, LTI registration (links, launches), credentials,
 * scopes and activity map, and the tool is retired (denied when it was
 * never approved). One transaction; audited (delete, subject
 * tool_data, with the counts). EB_ENOTFOUND for a tool or student not in
 * the district. */
enum eb_err lti_forget(struct db *db, int64_t district_id, int64_t tool_id, const char *student_sid,
		       const struct audit_actor *who, struct lti_forget_report *report);

/* Writes the report as "table: rows" lines into out. */
void lti_forget_describe(const struct lti_forget_report *r, struct buf *out);

#endif
