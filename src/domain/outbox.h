/* outbox.h - the outbox of family messages: one row per family (guardian)
 * x week x channel, queued, sent through a channel, retried with back-off,
 * restart-safe (issue 13; migration 025; docs/family_updates.md
 * "Delivery").
 *
 * Life of a row (status):
 *   queued  -> sending (claimed, with a lease) -> sent | retry | failed |
 *              bounced
 *   retry   -> sending again at next_attempt_at (exponential back-off with
 *              jitter, OUTBOX_MAX_ATTEMPTS in all, then failed)
 *   skipped    the family opted out of the channel (never sent)
 * A quiet-hours deferral is not a skip: the row stays queued with a later
 * next_attempt_at. 'letter' rows stay queued until `families letters`
 * prints them (outbox_mark_letters_printed).
 *
 * Exactly once, as far as a provider lets us: the UNIQUE row means queueing
 * a week twice queues nothing new; a claimed row is 'sending' with
 * lease_until; a channel records the provider's id of an accepted message
 * (outbox_record_provider_id, or the result's provider_id) before the row
 * is marked sent; after a crash, outbox_recover turns a 'sending' row whose
 * lease ran out into 'sent' when it has a provider id, else into 'retry'.
 *
 * The message is rendered when it is sent, not stored: the sign-in links
 * in it are issued then (family_link_issue), so no live token rests in the
 * database, and the week's latest teacher note goes out. The renderer is
 * the caller's (it writes HTML: the web layer's family_message.h).
 *
 * Audit: every queued week (one entry per district and channel, with
 * counts), every message sent, failed or bounced (subject account: the
 * guardian's sourcedId; detail: channel, week, reason; never an address
 * or a body). */
#ifndef EB_OUTBOX_H
#define EB_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/family_contact.h"

struct db;
struct delivery_settings;

enum outbox_status {
	OUTBOX_QUEUED,
	OUTBOX_SENDING,
	OUTBOX_SENT,
	OUTBOX_RETRY,
	OUTBOX_FAILED,
	OUTBOX_BOUNCED,
	OUTBOX_SKIPPED,
};
/* The stored name ("queued" ...). */
const char *outbox_status_name(enum outbox_status s);
bool outbox_status_parse(const char *s, enum outbox_status *out);

#define OUTBOX_MAX_ATTEMPTS 6
#define OUTBOX_LEASE_S 300	   /* a claim lasts this long */
#define OUTBOX_BACKOFF_BASE_S 60   /* the first retry waits about a minute */
#define OUTBOX_BACKOFF_CAP_S 21600 /* and none waits more than 6 hours */
#define OUTBOX_REASON_MAX 200
#define OUTBOX_PROVIDER_ID_MAX 128
#define OUTBOX_CHILDREN_MAX 12

/* One message of the outbox, as a channel sees it. */
struct outbox_row {
	int64_t id, district_id;
	char guardian_sid[FAMILY_SID_MAX];
	char week[9]; /* "2026-W47" */
	enum family_channel channel;
	enum outbox_status status;
	char address[FAMILY_EMAIL_MAX]; /* email or E.164 number; "" for a letter */
	char lang[16];			/* the family's language tag */
	char school_sid[FAMILY_SID_MAX];
	/* the family's children in the district (outbox_family.students), in
	 * arena memory of the claim */
	const char *children[OUTBOX_CHILDREN_MAX];
	size_t nchildren;
	int attempts; /* including the one being made */
	int64_t next_attempt_at, lease_until;
	char provider_id[OUTBOX_PROVIDER_ID_MAX]; /* "" when none */
	char reason[OUTBOX_REASON_MAX];
};

/* What a renderer made for one row, in its language (arena memory). */
struct outbox_message {
	const char *to;		     /* row->address */
	const char *subject;	     /* UTF-8, not encoded (email) */
	const char *text;	     /* email text part; the whole text message */
	const char *html;	     /* email HTML part (a whole document); NULL for sms */
	const char *unsubscribe_url; /* one-click opt-out link (email), or NULL */
	const char *lang;	     /* BCP 47 tag */
	bool rtl;
};

/* What a channel says about one send. */
enum outbox_send_kind {
	OUTBOX_SEND_SENT,    /* accepted: provider_id set */
	OUTBOX_SEND_RETRY,   /* transient (4xx, connection): try later */
	OUTBOX_SEND_FAILED,  /* permanent for this message */
	OUTBOX_SEND_BOUNCED, /* permanent for this address: it is opted out ('bounce') */
};
struct outbox_result {
	enum outbox_send_kind kind;
	char provider_id[OUTBOX_PROVIDER_ID_MAX];
	/* short words for people and logs: never an address or a body */
	char reason[OUTBOX_REASON_MAX];
	int retry_after_s; /* a hint for RETRY (0: the back-off decides) */
};

/* A channel: how messages of one kind leave. open makes a session for the
 * district's settings (one SMTP connection reused for many messages);
 * EB_ENOTSUP when the district has not configured the channel (its rows
 * wait), another error with err filled when it cannot start. send fills
 * *res for one message; it must set provider_id with SENT. not_before (may
 * be NULL) gives the earliest time a row may go (quiet hours): a later
 * time defers the row, still queued. close ends the session (NULL-safe). */
struct outbox_channel {
	const char *name; /* "email", "sms" */
	enum family_channel channel;
	enum eb_err (*open)(const struct delivery_settings *s, void **session, char *err,
			    size_t errcap);
	void (*send)(void *session, const struct outbox_row *row, const struct outbox_message *msg,
		     struct outbox_result *res);
	int64_t (*not_before)(void *session, const struct delivery_settings *s,
			      const struct outbox_row *row, int64_t now);
	void (*close)(void *session);
};

/* The channel that sends c, or NULL when this build has none (the rows of
 * c then wait). Letters have none: they are printed. The table is in
 * outbox_channels.c. */
const struct outbox_channel *outbox_channel_for(enum family_channel c);

/* Renders row's message (the caller's renderer; see above): fills *msg in
 * arena, issuing the sign-in links it holds. public_url: where families
 * sign in. */
typedef enum eb_err (*outbox_render_fn)(void *rctx, struct db *db, const struct outbox_row *row,
					const char *public_url, struct arena *arena,
					struct outbox_message *msg);

/* ---- queueing a week ---- */

/* A line about one family's contacts, for the report of a send: the
 * guardian's sid and what is wrong, e.g. "phone '555-01': not a valid
 * phone number" (the value is shown to the operator, never logged). */
typedef void (*outbox_note_fn)(void *ctx, const char *guardian_sid, const char *problem);

struct outbox_queue_report {
	long families;		   /* guardians with a child in the district */
	long queued[FAMILY_CH_N];  /* rows queued now (dry run: would be) per channel */
	long existing;		   /* families queued already (a second run) */
	long skipped;		   /* opted out of a usable channel */
	long unreachable;	   /* no child in a school: not even a letter */
	long bad_email, bad_phone; /* contacts reported as not usable */
	long lang_fallback;	   /* a roster language we have no catalogue for */
};

/* Queues week (label "2026-W47") for every guardian of an active student of
 * the district: the channel choice (family_contact_channels), the address,
 * the family's language (family_lang_of_guardian, first child), its
 * children and school (outbox_family). Idempotent: a family already
 * queued for the week is left as it is (rep->existing counts it; a new
 * family of the roster is queued). dry_run: counts only, nothing
 * stored. note (may be NULL) gets each contact problem. One transaction.
 * EB_EINVAL for a malformed week; EB_EDB. */
enum eb_err outbox_queue_week(struct db *db, int64_t district_id, const char *week, bool dry_run,
			      int64_t now, outbox_note_fn note, void *note_ctx,
			      struct outbox_queue_report *rep);

/* ---- sending ---- */

/* Returns to the queue what a crash left claimed: 'sending' rows whose
 * lease ended before now become 'sent' when a provider id was recorded,
 * else 'retry' (due now). *n (may be NULL): rows changed. */
enum eb_err outbox_recover(struct db *db, int64_t district_id, int64_t now, long *n);

/* Claims up to max due rows of channel (status queued or retry,
 * next_attempt_at <= now) in id order: they become 'sending' with
 * lease_until = now + OUTBOX_LEASE_S and attempts + 1. *rows in arena. */
enum eb_err outbox_claim(struct db *db, int64_t district_id, enum family_channel channel,
			 int64_t now, size_t max, struct arena *arena, struct outbox_row **rows,
			 size_t *n);

/* Records the provider's id of an accepted message (before anything else
 * can fail): a lease that runs out then means 'sent', never a second
 * send. */
enum eb_err outbox_record_provider_id(struct db *db, int64_t district_id, int64_t row_id,
				      const char *provider_id);

/* Records the result of one send of a claimed row: SENT -> sent (with the
 * provider id); RETRY -> retry at now + back-off (or the hint), failed
 * after OUTBOX_MAX_ATTEMPTS; FAILED -> failed; BOUNCED -> bounced, and the
 * family is opted out of the channel (source 'bounce'). Audited. */
enum eb_err outbox_finish(struct db *db, const struct outbox_row *row,
			  const struct outbox_result *res, int64_t now);

/* Puts a claimed row back, still queued, until not_before (quiet hours);
 * the attempt is not counted. */
enum eb_err outbox_defer(struct db *db, const struct outbox_row *row, int64_t not_before);

/* The wait before retry number `attempts` (1 after the first failure):
 * OUTBOX_BACKOFF_BASE_S * 2^(attempts-1), capped at OUTBOX_BACKOFF_CAP_S,
 * then jittered by up to +-25% with jitter01 in [0, 1). */
int64_t outbox_backoff_s(int attempts, double jitter01);

struct outbox_drain_report {
	long sent, retry, failed, bounced, deferred;
	bool not_configured;	       /* the channel is absent or not set up: rows wait */
	long waiting;		       /* not_configured: the rows due that wait */
	char error[OUTBOX_REASON_MAX]; /* why the channel could not open, or "" */
};

/* Sends the due rows of channel: recover, then claim in batches, render
 * each (render, rctx), send through outbox_channel_for(channel) with one
 * session, record each result, until no row is due or max_messages were
 * tried (0: no limit). A render error fails that row (retry). public_url
 * "" fails every row's rendering: the caller checks it first. EB_OK with
 * rep->not_configured when the channel cannot send here. */
enum eb_err outbox_drain(struct db *db, int64_t district_id, enum family_channel channel,
			 const struct delivery_settings *s, const char *public_url,
			 outbox_render_fn render, void *rctx, int64_t now, long max_messages,
			 struct outbox_drain_report *rep);

/* ---- letters (h13-letters) ---- */

/* The letter rows of week still to print (status queued; all: sent too),
 * of school school_sid (NULL: every school), by school then guardian:
 * *rows in arena. */
enum eb_err outbox_letters(struct db *db, int64_t district_id, const char *week,
			   const char *school_sid, bool all, struct arena *arena,
			   struct outbox_row **rows, size_t *n);
/* Marks letter rows ids[n] of the district printed ('sent', provider id
 * "printed"). Audited. */
enum eb_err outbox_mark_letters_printed(struct db *db, int64_t district_id, const int64_t *ids,
					size_t n, int64_t now);

/* ---- reach ---- */

/* Why a family was not reached in a week (the first that applies). */
enum outbox_why {
	OUTBOX_WHY_NO_CONTACT, /* nothing usable and no letter made */
	OUTBOX_WHY_BOUNCED,
	OUTBOX_WHY_OPTED_OUT,
	OUTBOX_WHY_FAILED,
	OUTBOX_WHY_INVALID_NUMBER, /* its only phone was not a valid number */
	OUTBOX_WHY_PENDING,	   /* still queued or retrying (letters not printed yet) */
	OUTBOX_WHY_N,
};
const char *outbox_why_name(enum outbox_why w); /* "no contact" ... */

struct outbox_reach_group {
	const char *school_sid, *school_name; /* "" and "" for no school */
	const char *lang;
	long families, reached;
	long why[OUTBOX_WHY_N];
};
struct outbox_reach_family {
	const char *guardian_sid, *guardian_name, *school_sid, *lang;
	enum outbox_why why;
};
struct outbox_reach {
	char week[9];
	long families, reached;
	long why[OUTBOX_WHY_N];
	long lang_fallback;
	struct outbox_reach_group *groups; /* per school and language */
	size_t ngroups;
	struct outbox_reach_family *missed; /* the families not reached */
	size_t nmissed;
};

/* Reach of week (NULL: the newest queued week) in the district, or in
 * school school_sid (NULL: all): families queued that week, those with at
 * least one 'sent' row, and why the others were not. The missed list is
 * capped at max_missed (0: none listed). In arena. EB_ENOTFOUND when no
 * week was queued. */
enum eb_err outbox_reach(struct db *db, int64_t district_id, const char *week,
			 const char *school_sid, size_t max_missed, struct arena *arena,
			 struct outbox_reach *out);

#endif
