/* sms.h - the weekly update by text message: rendering a family's text,
 * quiet hours, the outbox's 'sms' channel, and what families text back
 * (issue 13; migration 026; docs/family_updates.md "Text messages").
 *
 * Sending: the outbox (domain/outbox.h) claims a family's 'sms' row, asks
 * sms_not_before whether the district's quiet hours hold it back (then it
 * waits, still queued), renders it (web/update_message.h, through
 * sms_compose: the first child's short update in the family's language, a
 * note when there are other children, and a single-use sign-in link, fitted
 * into 2 GSM-7 or 3 UCS-2 segments; the segments are stored on the row) and
 * sends it through the provider
 * (domain/sms_provider.h).
 *
 * Receiving (POST /sms/inbound, signed by the provider): a whole message
 * that is a stop word in one of our ten languages opts every family of
 * that number out of texts at once (source 'sms STOP'; its 'sms' rows still
 * queued or waiting for a retry are skipped) and is answered in
 * the family's language; a help word answers who is writing and how to
 * stop; a start word opts back in; anything else is kept for the school
 * (sms_reply) and acknowledged. Delivery callbacks (POST /sms/status)
 * update the row: "undelivered" or "failed" with 30003, 30005 or 30006
 * bounce it and stop texts to that number.
 *
 * Never logged: numbers, message bodies, the token. Audited: opt-outs and
 * opt-ins (family_contact), bounces, stored replies (subject account: the
 * guardian's sourcedId). */
#ifndef EB_SMS_H
#define EB_SMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "domain/outbox.h"
#include "domain/sms_provider.h"

struct db;
struct tz;
struct delivery_settings;

/* ---- keywords ---- */

enum sms_keyword {
	SMS_KW_NONE, /* a message for the school */
	SMS_KW_STOP,
	SMS_KW_HELP,
	SMS_KW_START,
};

/* What a whole message says: case, accents, surrounding white space and
 * a trailing '.' or '!' do not count ("Dừng", "DUNG", " stop! " all
 * stop). The words, in English, Spanish, Chinese, Vietnamese, Arabic,
 * Haitian Creole (and French), Portuguese, Russian, Korean and Tagalog,
 * are listed in sms.c and docs/family_updates.md. */
enum sms_keyword sms_keyword_of(const char *body);

/* ---- quiet hours ---- */

/* The first instant at or after now that is outside the quiet hours
 * [quiet_start, quiet_end) (minutes after local midnight, wrapping
 * midnight when start > end; none when start == end) in zone z (NULL:
 * UTC): now itself when now is not quiet. Local time follows the zone's
 * rules, so a night that changes the clocks ends at the right instant
 * (an end time the clocks skip ends at the change). */
int64_t sms_quiet_until(const struct tz *z, int quiet_start, int quiet_end, int64_t now);

/* ---- sending ---- */

/* The provider account of settings s; status callbacks go to
 * "<public_url>/sms/status" (public_url "" or NULL: none). */
void sms_provider_from(const struct delivery_settings *s, const char *public_url,
		       struct sms_provider *out);

/* The text of an 'sms' row from the first child's short update
 * (family_update_short, in L) and its sign-in link: the two fitted into
 * the budget (sms_fit, SMS_BUDGET_DEFAULT: the update shortened, the link
 * never), with a line in L saying that the other children's updates are
 * on the same page when the row has more than one child. The segments and
 * the encoding are stored on the row (the district pays per segment).
 * *text in arena. EB_EINVAL without a link, EB_ETOOBIG when the link alone
 * does not fit; EB_EDB, EB_ENOMEM. */
struct i18n_lang;
enum eb_err sms_compose(struct db *db, const struct outbox_row *row, const struct i18n_lang *L,
			const char *short_text, const char *link, struct arena *arena,
			const char **text);

/* The outbox's 'sms' channel (outbox_channel_for(FAMILY_CH_SMS)): open
 * reads the provider from the settings (EB_ENOTSUP when the district has
 * none: the rows wait); send posts msg->text (SMS_SENT -> sent with the
 * provider's id; retry; failed; a bad number or an opt-out at the
 * provider -> bounced, which stops texts to it); not_before applies the
 * quiet hours in the district's zone. */
extern const struct outbox_channel sms_outbox_channel;

/* ---- receiving ---- */

/* The districts whose provider account is account_sid: their ids and
 * tokens (arena copies), at most cap. For checking a webhook's signature
 * before anything else is read. */
struct sms_account {
	int64_t district_id;
	const char *token;
	const char *public_url; /* the district's, "" for serve's */
};
enum eb_err sms_accounts_of(struct db *db, const char *account_sid, struct arena *arena,
			    struct sms_account *out, size_t cap, size_t *n);

/* What an inbound text did. */
struct sms_inbound_result {
	enum sms_keyword kw;
	size_t families; /* guardians of the number in the district */
	bool stored;	 /* kept as a reply for the school */
};

/* Handles an inbound text from number from (as the provider wrote it)
 * with body and the provider's message id, in district: see above.
 * answer gets the text to send back ("" for none) in the language of the
 * number's first family (English for a number we do not know: a stop word
 * from it is answered all the same, and nothing is stored). EB_EINVAL for
 * a from that is not a phone number, a body that is not UTF-8 or longer
 * than 1600 bytes, or no message id (nothing stored); EB_EDB. */
enum eb_err sms_inbound(struct db *db, int64_t district_id, const char *from, const char *body,
			const char *message_sid, int64_t now, struct buf *answer,
			struct sms_inbound_result *res);

/* A delivery callback: the provider's message id, its status ("queued",
 * "sent", "delivered", "undelivered", "failed", ...) and error code (0:
 * none). Updates the district's 'sms' row with that id: delivered ->
 * delivered_at; undelivered/failed with 30003, 30005 or 30006 -> bounced,
 * and the family opted out of texts to that number (source 'bounce');
 * another undelivered/failed -> failed with the code. *found: whether a
 * row has that id (an unknown id is not an error: the provider may call
 * back about a message sent by hand). EB_EDB. */
enum eb_err sms_status_callback(struct db *db, int64_t district_id, const char *message_sid,
				const char *status, int error_code, int64_t now, bool *found);

#endif
