/* family_contact.h - how a family can be reached: a guardian's usable
 * contacts from the roster, its opt-outs and its paper preference (issue 13;
 * docs/family_updates.md "Delivery").
 *
 * The roster's person row of a guardian gives email, sms and phone as the
 * district typed them. A usable email passes a syntax check; a usable phone
 * is the E.164 form of sms (else phone), normalised with the district's
 * default country code (delivery.h). An address that is not usable is
 * reported with the guardian and the reason (never its value in a log) and
 * nothing is sent to it. A family may opt out of a channel (stored with its
 * source) and may ask for paper.
 *
 * The channels a family gets for a week (family_contact_channels):
 *   email   a usable email, not opted out of email;
 *   sms     a usable phone, not opted out of texts (both when both: reach
 *           is "at least one channel");
 *   letter  when neither email nor sms is chosen, or when the family asked
 *           for paper; not when it opted out of letters. */
#ifndef EB_FAMILY_CONTACT_H
#define EB_FAMILY_CONTACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

enum family_channel {
	FAMILY_CH_EMAIL,
	FAMILY_CH_SMS,
	FAMILY_CH_LETTER,
	FAMILY_CH_N,
};
/* "email", "sms", "letter" (the stored names). */
const char *family_channel_name(enum family_channel c);
/* The channel named s; false for another name. */
bool family_channel_parse(const char *s, enum family_channel *out);

/* Who asked for an opt-out (stored as 'sms STOP', 'family page', 'staff',
 * 'bounce'). */
enum family_opt_out_source {
	FAMILY_OPT_OUT_SMS_STOP,
	FAMILY_OPT_OUT_FAMILY_PAGE,
	FAMILY_OPT_OUT_STAFF,
	FAMILY_OPT_OUT_BOUNCE,
};
const char *family_opt_out_source_name(enum family_opt_out_source s);

#define FAMILY_EMAIL_MAX 256 /* bytes with the NUL (RFC 5321 path: 254) */
#define FAMILY_PHONE_MAX 17  /* "+" and at most 15 digits, NUL */
#define FAMILY_SID_MAX 128

/* True when s is an email address we send to: one '@', a local part of
 * 1..64 bytes of letters, digits and !#$%&'*+/=?^_`{|}~.- (no leading,
 * trailing or double dot), a domain of at least two dot-separated labels
 * of letters, digits and '-' (not at a label's ends), at most 254 bytes in
 * all. No spaces, quotes, comments or IP literals. */
bool family_email_valid(const char *s);

/* Normalises a phone number to E.164 ("+15551234567") into out: strips
 * spaces and the punctuation people type ( ) - . /; a leading "+" or "00"
 * (international) keeps the country code written; a national number gets
 * default_cc ("1") after dropping one trunk "0" (or, for "1", a leading
 * "1" when 11 digits); a NANP number ("1") must be 10 national digits
 * whose area code and exchange do not start with 0 or 1. The result has
 * 8..15 digits and does not start with 0. EB_EINVAL with *reason (a static
 * phrase: "not a valid phone number", "too short", "too long", "letters in
 * it", ...) otherwise; out is then "". */
enum eb_err family_phone_e164(const char *raw, const char *default_cc, char out[FAMILY_PHONE_MAX],
			      const char **reason);

/* A guardian's contacts, as the week's send sees them. */
struct family_contact {
	char guardian_sid[FAMILY_SID_MAX];
	char email[FAMILY_EMAIL_MAX]; /* usable email, "" when none */
	char phone[FAMILY_PHONE_MAX]; /* E.164, "" when none */
	/* why the roster's value is not usable (NULL: no problem or nothing
	 * given); static phrases, without the value */
	const char *email_problem, *phone_problem;
	bool email_given, phone_given; /* the roster had something */
	/* what the roster says, as typed (cut), for the operator's report of a
	 * problem: never for logs */
	char email_raw[FAMILY_EMAIL_MAX], phone_raw[48];
	bool opted_out[FAMILY_CH_N];
	bool paper;	   /* asked for paper */
	int home_internet; /* roster metadata.homeInternet: 1, 0, -1 unknown */
};

/* Reads guardian_sid's contacts (person row, opt-outs, paper) in district.
 * default_cc: the district's country code (NULL: "1"). EB_ENOTFOUND when no
 * such person; EB_EDB. */
enum eb_err family_contact_get(struct db *db, int64_t district_id, const char *guardian_sid,
			       const char *default_cc, struct family_contact *out);

/* Calls fn(ctx, c) for each guardian of the district with at least one
 * child in guardianship, in sourcedId order (one query, for the weekly
 * send); fn returns an error to stop, and that error is returned. */
enum eb_err family_contact_each(struct db *db, int64_t district_id, const char *default_cc,
				enum eb_err (*fn)(void *ctx, const struct family_contact *c),
				void *ctx);

/* The channels for c (see the rule above): want[FAMILY_CH_*]. */
void family_contact_channels(const struct family_contact *c, bool want[FAMILY_CH_N]);

/* Opts guardian_sid's family out of channel, with its source; for 'bounce'
 * and 'sms STOP' bound to the address the roster gives now (a new address
 * starts clean). Replaces an earlier opt-out of the channel. Audited
 * (subject account: the guardian's sid; no address in the detail).
 * EB_EINVAL for an empty sid; EB_EDB. */
enum eb_err family_contact_opt_out(struct db *db, int64_t district_id, const char *guardian_sid,
				   enum family_channel channel, enum family_opt_out_source source);
/* Ends the opt-out of channel (a START text, the family page, the school).
 * Not an error when there is none. Audited. */
enum eb_err family_contact_opt_in(struct db *db, int64_t district_id, const char *guardian_sid,
				  enum family_channel channel, const char *why);
/* Sets or clears the paper preference. Audited. */
enum eb_err family_contact_set_paper(struct db *db, int64_t district_id, const char *guardian_sid,
				     bool paper, const char *source);

/* The guardians whose usable phone is e164 (an inbound text's From), for
 * the text-message channel: *sids (an arena array of n strings), sourcedId
 * order. default_cc as above. n = 0 when none. EB_EINVAL when e164 is not
 * E.164; EB_EDB, EB_ENOMEM. */
enum eb_err family_contact_by_phone(struct db *db, int64_t district_id, const char *e164,
				    const char *default_cc, struct arena *arena, char ***sids,
				    size_t *n);

/* ---- the one-click opt-out link of an email (List-Unsubscribe) ----
 * A random token (base64url, 43 characters) whose hash is stored
 * (family_unsubscribe), bound to one family and one channel, valid for
 * FAMILY_UNSUBSCRIBE_TTL_S; using it again changes nothing. */
#define FAMILY_UNSUBSCRIBE_TTL_S (400 * 86400)

/* Issues a token for guardian_sid and channel into token_out. EB_EINVAL
 * for an empty sid; EB_EDB. */
enum eb_err family_unsubscribe_issue(struct db *db, int64_t district_id, const char *guardian_sid,
				     enum family_channel channel, char token_out[64]);
/* What token is for, without using it: EB_ENOTFOUND for a malformed,
 * unknown or expired token; else *district_id, guardian_sid_out and
 * *channel. */
enum eb_err family_unsubscribe_check(struct db *db, const char *token, int64_t *district_id,
				     char guardian_sid_out[FAMILY_SID_MAX],
				     enum family_channel *channel);
/* Uses token: the family is opted out of its channel (source 'family
 * page'; audited). EB_ENOTFOUND as family_unsubscribe_check. */
enum eb_err family_unsubscribe_use(struct db *db, const char *token, int64_t *district_id,
				   enum family_channel *channel);

#endif
