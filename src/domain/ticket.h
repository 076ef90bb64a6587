/* ticket.h - support tickets for the district's tools (issue 14; migration
 * 029; docs/support.md): filing with the context (tool, class, school,
 * device, the reporter's role and browser, the tool's data health), routing
 * along the support matrix (the school's tech champion, then district IT,
 * then the vendor), SLA targets per tier and priority with the escalation
 * sweep, duplicates merged into one incident, comments (public, internal),
 * attachments, status history, email notices, and who sees which ticket.
 *
 * Every function takes the district id; a ticket of another district, or
 * one the viewer may not see, answers EB_ENOTFOUND. Writes that touch more
 * than one row run in one transaction (the caller's when it holds one), so
 * a refusal stores nothing. Strings and arrays of results live in the
 * caller's arena. Times are Unix seconds; `now` is passed in so the tests
 * and the sweep can move the clock. */
#ifndef EB_TICKET_H
#define EB_TICKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;
struct account;

#define TICKET_TITLE_MAX 200
#define TICKET_BODY_MAX 4000
#define TICKET_COMMENT_MAX 4000
#define TICKET_BROWSER_MAX 80
#define TICKET_ATTACH_MAX (5 * 1024 * 1024) /* bytes of one attachment */
#define TICKET_FILENAME_MAX 200
#define TICKET_WHY_CAP 256
#define TICKET_DUP_WINDOW_S (4 * 3600) /* "is it this?": filed in the last 4 hours */
#define TICKET_PAGE_MAX 200	       /* rows of one list page */
#define TICKET_NEAR_S (2 * 3600)       /* a target within 2 hours is "near" */

enum ticket_status {
	TICKET_NEW,
	TICKET_OPEN,
	TICKET_WAITING, /* waiting_on_reporter: the SLA clock pauses */
	TICKET_ESCALATED,
	TICKET_RESOLVED,
	TICKET_CLOSED,
	TICKET_STATUS__COUNT
};
/* Stored name ("waiting_on_reporter"); NULL out of range. */
const char *ticket_status_name(enum ticket_status s);
/* Words for staff ("Waiting on the reporter"). */
const char *ticket_status_label(enum ticket_status s);
/* Plain words for the reporter (families and students too): "We are
 * looking into it", "We need your answer", "Fixed" ... (English msgids:
 * the pages translate them with TR). */
const char *ticket_status_plain(enum ticket_status s);
bool ticket_status_parse(const char *s, enum ticket_status *out);
/* True for new, open, waiting and escalated. */
bool ticket_status_active(enum ticket_status s);

enum ticket_priority {
	TICKET_LOW,
	TICKET_NORMAL,
	TICKET_HIGH,
	TICKET_URGENT,
	TICKET_PRIORITY__COUNT
};
const char *ticket_priority_name(enum ticket_priority p);  /* "urgent" */
const char *ticket_priority_label(enum ticket_priority p); /* "Urgent" */
bool ticket_priority_parse(const char *s, enum ticket_priority *out);

enum ticket_tier { TICKET_TIER_CHAMPION, TICKET_TIER_IT, TICKET_TIER_VENDOR, TICKET_TIER__COUNT };
const char *ticket_tier_name(enum ticket_tier t);  /* "champion" "it" "vendor" */
const char *ticket_tier_label(enum ticket_tier t); /* "School tech champion" ... */
bool ticket_tier_parse(const char *s, enum ticket_tier *out);

/* ---- SLA ---- */

struct ticket_sla {
	int respond_min, resolve_min; /* minutes of the clock (pauses excluded) */
};
/* The defaults in code (docs/support.md has the table). */
struct ticket_sla ticket_sla_default(enum ticket_tier t, enum ticket_priority p);
/* The district's target: its ticket_sla row, else the default. */
enum eb_err ticket_sla_get(struct db *db, int64_t district_id, enum ticket_tier t,
			   enum ticket_priority p, struct ticket_sla *out);
/* Longest target a district may set: 60 days, in minutes. */
#define TICKET_SLA_MAX_MIN (60 * 24 * 60)
/* Sets the district's targets for one tier x priority: 1 <= respond_min <=
 * resolve_min <= TICKET_SLA_MAX_MIN, else EB_EINVAL with why. They apply
 * from the next time a tier takes a ticket (targets already running keep
 * theirs). reset: back to the default (sla ignored). */
enum eb_err ticket_sla_set(struct db *db, int64_t district_id, enum ticket_tier t,
			   enum ticket_priority p, const struct ticket_sla *sla, bool reset,
			   char *why, size_t cap);

/* ---- the tool's data health (what IT would ask first) ---- */

enum ticket_cred_state { TICKET_CRED_NONE, TICKET_CRED_ACTIVE, TICKET_CRED_REVOKED };
const char *ticket_cred_name(enum ticket_cred_state c); /* "none" "active" "revoked" */

struct ticket_health {
	int64_t last_received;	     /* Unix seconds, 0: never */
	int64_t quarantined;	     /* quarantined events stored in the last 7 days */
	enum ticket_cred_state cred; /* active: at least one active credential */
};
/* Computes the health of tool_id from activity (activity_tool_data) and its
 * credentials. EB_ENOTFOUND for a tool not of the district. */
enum eb_err ticket_health_of(struct db *db, int64_t district_id, int64_t tool_id, int64_t now,
			     struct ticket_health *out);

/* ---- one ticket ---- */

struct ticket {
	int64_t id, district_id, tool_id, device_id; /* tool_id, device_id 0: none */
	const char *tool_name;			     /* "" when none */
	const char *school_sid, *school_name, *class_sid, *class_title;
	int64_t reporter_id;
	const char *reporter_role, *reporter_name, *browser;
	bool share_with_vendor;
	struct ticket_health health; /* at filing */
	const char *title, *body;
	enum ticket_priority priority;
	enum ticket_status status;
	enum ticket_tier tier;
	int64_t assignee_id; /* 0: the tier as a group */
	const char *assignee_name, *vendor_email;
	int64_t tier_since, response_due, resolve_due, next_due; /* 0: none */
	int64_t first_response_at, resolved_at, paused_at, paused_s;
	bool sla_breached;
	int64_t merged_into; /* 0: not merged */
	int64_t reporters;   /* how many people reported it */
	int64_t created_at, updated_at;
};

/* What a reporter files. Strings may be NULL (none). */
struct ticket_new {
	int64_t tool_id;	/* 0: none (then device_id or a title alone) */
	const char *class_sid;	/* the class it was opened from; sets the school */
	const char *school_sid; /* when no class: the school (else the reporter's) */
	int64_t device_id;	/* 0: none */
	const char *title;	/* what is wrong, 1..TICKET_TITLE_MAX bytes */
	const char *body;	/* more words, 0..TICKET_BODY_MAX */
	const char *priority;	/* staff only; NULL or "" normal (families, students: normal) */
	const char *user_agent; /* summarised into the browser field */
	bool share_with_vendor;
};

/* The school a report by a from class_sid would go to: the class's school
 * (EB_ENOTFOUND when a may not see the class), else a's own (its first
 * school-scoped role's, or its roster person's school); "" when none. */
enum eb_err ticket_school_of(struct db *db, const struct account *a, const char *class_sid,
			     char *out, size_t cap);

/* Files a ticket by reporter, routed to its first tier (ticket_route), with
 * the tool's health now, the first history entry and the notices to the
 * tier. EB_EINVAL (why: "field: reason") and nothing stored for an empty or
 * too long title or body, an unknown priority, a tool, class, school or
 * device (domain/device.h) not of the district, a class the reporter may not see. route_note (may be
 * NULL, cap TICKET_WHY_CAP) gets a sentence when the first tier was empty
 * and it went to district IT. */
enum eb_err ticket_create(struct db *db, int64_t district_id, const struct account *reporter,
			  const struct ticket_new *in, int64_t now, int64_t *id, char *route_note,
			  char *why, size_t cap);

/* Loads ticket id as viewer may see it (ticket_can_see; viewer NULL: the
 * system, any ticket of the district). Vendor contacts get the reporter's
 * name and class only when shared ("" otherwise). */
enum eb_err ticket_get(struct db *db, int64_t district_id, const struct account *viewer, int64_t id,
		       struct arena *arena, struct ticket *out);

/* Whether viewer may see ticket t:
 *   IT staff, district admin          every ticket of the district
 *   tech champion                     tickets of their schools
 *   vendor contact                    tickets of their tools, tier vendor or after
 *   anyone                            tickets they reported or joined */
bool ticket_can_see(struct db *db, const struct account *viewer, const struct ticket *t);
/* Staff who work tickets (IT, admin, the champion of the ticket's school,
 * a vendor contact of its tool): comment internally, change status, merge. */
bool ticket_can_work(struct db *db, const struct account *viewer, const struct ticket *t);

/* ---- lists ---- */

struct ticket_filter {
	int64_t tool_id;	/* 0: any */
	int64_t device_id;	/* 0: any */
	const char *school_sid; /* NULL: any */
	int status;		/* -1 any; else an enum ticket_status */
	bool active_only;	/* new, open, waiting, escalated */
	bool mine_only;		/* only those the viewer reported or joined */
	int64_t before_id;	/* 0: from the newest; else ids below (the next page) */
	size_t limit;		/* 1..TICKET_PAGE_MAX (0: 50) */
};
struct ticket_row {
	int64_t id, tool_id, device_id;
	const char *tool_name, *school_sid, *title;
	enum ticket_priority priority;
	enum ticket_status status;
	enum ticket_tier tier;
	int64_t next_due, reporters, created_at, updated_at, merged_into;
};
/* The tickets viewer may see (ticket_can_see's rule; viewer NULL: all of
 * the district), newest first, filtered. */
enum eb_err ticket_list(struct db *db, int64_t district_id, const struct account *viewer,
			const struct ticket_filter *f, struct arena *arena,
			struct ticket_row **rows, size_t *n);

/* Active tickets viewer works (IT: the district's; a champion: their
 * schools'; a vendor contact: their tools' at the vendor tier) whose next target is past or within TICKET_NEAR_S of now,
 * soonest first, at most max (the homes). */
enum eb_err ticket_near_target(struct db *db, int64_t district_id, const struct account *viewer,
			       int64_t now, size_t max, struct arena *arena,
			       struct ticket_row **rows, size_t *n);

/* Active tickets of the same tool and school filed since now -
 * TICKET_DUP_WINDOW_S, not merged, newest first, at most max: "is it
 * this?" on the form. */
enum eb_err ticket_similar(struct db *db, int64_t district_id, int64_t tool_id,
			   const char *school_sid, int64_t now, size_t max, struct arena *arena,
			   struct ticket_row **rows, size_t *n);

/* ---- working a ticket ---- */

/* Changes the status by who (a worker, or a reporter closing or answering
 * their own). Waiting pauses the SLA clock; leaving it resumes the clock
 * with the targets moved by the pause. Resolved sets resolved_at.
 * EB_EINVAL (why) for a status not allowed from the current one. */
enum eb_err ticket_set_status(struct db *db, int64_t district_id, const struct account *who,
			      int64_t id, enum ticket_status to, int64_t now, char *why,
			      size_t cap);

/* Escalates to tier `to` (TICKET_TIER__COUNT: the next one; champion ->
 * it -> vendor).
 * A tier with nobody in it (no champion for the school, no vendor contact
 * nor help-desk email) sends the ticket to district IT instead: *note gets
 * the sentence saying so (cap TICKET_WHY_CAP), EB_OK. who NULL: the sweep.
 * EB_EINVAL (why) when it is already at the vendor tier, or resolved. */
enum eb_err ticket_escalate(struct db *db, int64_t district_id, const struct account *who,
			    int64_t id, enum ticket_tier to, int64_t now, char *note, char *why,
			    size_t cap);

/* Adds a comment. internal: staff only (EB_EPERM for a reporter or a vendor
 * contact). A public comment by a worker is the tier's response (stops the
 * response clock, sets first_response_at once); one by a reporter on a
 * waiting ticket resumes it (status open). Notices go to the reporters
 * (public) and the tier. */
enum eb_err ticket_comment_add(struct db *db, int64_t district_id, const struct account *who,
			       int64_t id, const char *body, bool internal, int64_t now,
			       int64_t *comment_id, char *why, size_t cap);

struct ticket_comment {
	int64_t id, at, author_id;
	const char *author, *role, *body;
	bool internal;
};
/* Comments oldest first; internal ones only when with_internal. */
enum eb_err ticket_comments(struct db *db, int64_t district_id, int64_t id, bool with_internal,
			    struct arena *arena, struct ticket_comment **rows, size_t *n);

struct ticket_event {
	int64_t at;
	const char *actor, *kind, *from_value, *to_value, *note;
};
/* Status history oldest first. */
enum eb_err ticket_history(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
			   struct ticket_event **rows, size_t *n);

/* ---- reporters and duplicates ---- */

struct ticket_reporter {
	int64_t account_id, joined_at;
	const char *name, *role, *class_sid;
	bool share_with_vendor;
};
enum eb_err ticket_reporters(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
			     struct ticket_reporter **rows, size_t *n);

/* Adds who as a reporter of active ticket id ("is it this?": the same
 * problem). Joining twice is not an error. */
enum eb_err ticket_join(struct db *db, int64_t district_id, const struct account *who, int64_t id,
			const char *class_sid, bool share_with_vendor, int64_t now, char *why,
			size_t cap);

/* Merges ticket dup into incident into (both active, same district, not
 * the same): dup's reporters join the incident, dup is closed with
 * merged_into set, both histories say so, and the moved reporters get a
 * notice with the incident. EB_EINVAL (why) otherwise. */
enum eb_err ticket_merge(struct db *db, int64_t district_id, const struct account *who, int64_t dup,
			 int64_t into, int64_t now, char *why, size_t cap);

/* ---- attachments ---- */

/* The MIME type told by data's magic bytes: image/png, image/jpeg,
 * application/pdf, or text/plain (valid UTF-8 with no NUL or other control
 * bytes than tab, CR, LF); NULL for any other. */
const char *ticket_attach_type(const void *data, size_t n);

/* Stores an attachment of ticket id. EB_ETOOBIG over TICKET_ATTACH_MAX
 * (or empty: EB_EINVAL), EB_ENOTSUP for a type ticket_attach_type refuses;
 * nothing stored then. */
enum eb_err ticket_attach(struct db *db, int64_t district_id, const struct account *who, int64_t id,
			  const char *filename, const void *data, size_t n, bool internal,
			  int64_t now, int64_t *attachment_id, char *why, size_t cap);

struct ticket_attachment {
	int64_t id, size, at;
	const char *filename, *mime, *uploader;
	bool internal;
	const void *data; /* only from ticket_attachment_get */
};
enum eb_err ticket_attachments(struct db *db, int64_t district_id, int64_t id, bool with_internal,
			       struct arena *arena, struct ticket_attachment **rows, size_t *n);
enum eb_err ticket_attachment_get(struct db *db, int64_t district_id, int64_t id,
				  int64_t attachment_id, struct arena *arena,
				  struct ticket_attachment *out);

/* ---- the sweep ---- */

struct ticket_sweep_report {
	long escalated; /* moved to the next tier */
	long breached;	/* past the vendor tier's target: marked, nowhere further */
	long to_it;	/* escalations whose tier was empty, sent to district IT */
	long notices_sent, notices_failed;
};
/* Escalates every active ticket of every district whose clock ran out
 * (next_due <= now), one tier per run; the new tier's targets start now.
 * Idempotent: a second run at the same now changes nothing. Then sends
 * the queued notices of each district (ticket_notices_send). */
enum eb_err ticket_sweep(struct db *db, int64_t now, struct ticket_sweep_report *rep);

/* Sends the district's queued email notices with its delivery settings
 * (nothing, EB_OK, when it sends no email). */
enum eb_err ticket_notices_send(struct db *db, int64_t district_id, int64_t now, long *sent,
				long *failed);

#endif
