/* family_link.h - single-use sign-in links for families (issue 13;
 * docs/security.md "Family sign-in links").
 *
 * The weekly update reaches a family by email, text message or a printed
 * letter whose QR code holds a link; the link signs the family in to one
 * child's page once, without a password. A link is a random token (base64url
 * of 32 bytes) bound to the family's account and to one child; only its
 * BLAKE2b hash is stored; it is used at most once (one UPDATE marks it, so
 * two redemptions cannot both succeed) and expires after a channel's time.
 *
 * A family's account: the roster knows guardians (person rows and the
 * guardianship table) but a guardian has no account until the school makes
 * one. family_account_ensure makes it on first need: login "family-<sid>",
 * no password (the family may set one), person_sourced_id the guardian, and
 * one guardian role scoped to each child of the guardianship. */
#ifndef EB_FAMILY_LINK_H
#define EB_FAMILY_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/account.h"

struct db;

#define FAMILY_LINK_TOKEN_LEN 43 /* base64url of 32 random bytes */
/* How long a link lasts, per channel: a message is read within the week;
 * a letter travels home in a backpack or by post. */
#define FAMILY_LINK_TTL_MESSAGE_S (7 * 86400)
#define FAMILY_LINK_TTL_LETTER_S (30 * 86400)

/* The channels a link is issued for (stored names). */
enum family_link_channel {
	FAMILY_LINK_EMAIL,
	FAMILY_LINK_SMS,
	FAMILY_LINK_LETTER,
	FAMILY_LINK_STAFF, /* issued by a person at the school */
};
const char *family_link_channel_name(enum family_link_channel c);
/* The TTL a channel's links get (FAMILY_LINK_TTL_*). */
int64_t family_link_ttl(enum family_link_channel c);

/* The family account of guardian_sid (a roster person of the district with
 * at least one child in guardianship): found by person_sourced_id among the
 * accounts holding a guardian role, else created (see above). Either way it
 * gets a guardian role for every child the roster gives the guardian (roles
 * it already has are kept). *account_id gets its id. EB_ENOTFOUND when the
 * roster has no such guardian or no child of it; EB_EDB on a database error.
 * Runs in one transaction of its own unless the caller holds one. */
enum eb_err family_account_ensure(struct db *db, int64_t district_id, const char *guardian_sid,
				  int64_t *account_id);

/* Issues a link for guardian_sid to child student_sid through channel: the
 * family account is ensured, the token's hash stored with the expiry
 * (now + family_link_ttl). token_out receives the token (NUL-terminated).
 * EB_ENOTFOUND when the roster does not make guardian_sid a guardian of
 * student_sid; EB_EINVAL for empty ids; EB_EDB on a database error. */
enum eb_err family_link_issue(struct db *db, int64_t district_id, const char *guardian_sid,
			      const char *student_sid, enum family_link_channel channel,
			      char token_out[64]);

/* What a redemption found. */
enum family_link_state {
	FAMILY_LINK_OK,
	FAMILY_LINK_UNKNOWN, /* malformed or never issued (or purged) */
	FAMILY_LINK_USED,
	FAMILY_LINK_EXPIRED,
	FAMILY_LINK_DISABLED, /* the account is disabled */
};

/* Redeems token: on FAMILY_LINK_OK marks it used, fills *a (the family
 * account with its roles) and student_sid_out (the child the link opens).
 * Otherwise *state says why, and *a is filled for USED and EXPIRED (so the
 * page can speak the family's language) — it must not start a session.
 * EB_EDB on a database error (state unset). */
enum eb_err family_link_redeem(struct db *db, const char *token, enum family_link_state *state,
			       struct account *a, char student_sid_out[ACCOUNT_ID_MAX]);

/* What token would do, without using it (the page before the sign-in
 * button, which mail scanners that open every link must not spend): *state,
 * and *a (the family account) unless the state is FAMILY_LINK_UNKNOWN.
 * EB_EDB on a database error. */
enum eb_err family_link_check(struct db *db, const char *token, enum family_link_state *state,
			      struct account *a);

/* "<base>/f/<token>" into out (base without its trailing '/'); false when
 * it does not fit or base is empty. */
bool family_link_url(const char *base, const char *token, char *out, size_t cap);

/* Deletes links that expired more than a day ago (*n: how many; may be
 * NULL). */
enum eb_err family_link_purge(struct db *db, int64_t *n);

#endif
