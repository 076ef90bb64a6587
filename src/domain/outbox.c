/* outbox.c - the outbox of family messages (outbox.h). */
#include "domain/outbox.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/audit.h"
#include "domain/delivery.h"
#include "domain/district.h"
#include "domain/family_lang.h"
#include "domain/family_week.h"
#include "store/db.h"

static const char *const status_names[] = { "queued", "sending", "sent",   "retry",
					    "failed", "bounced", "skipped" };
static const char *const why_names[OUTBOX_WHY_N] = { "no contact", "bounced",	     "opted out",
						     "failed",	   "invalid number", "pending" };
static const struct audit_actor system_actor = { 0, "system", "" };

const char *outbox_status_name(enum outbox_status s)
{
	return (unsigned)s < sizeof status_names / sizeof status_names[0] ? status_names[s]
									  : "queued";
}

bool outbox_status_parse(const char *s, enum outbox_status *out)
{
	for (size_t i = 0; s && i < sizeof status_names / sizeof status_names[0]; i++)
		if (strcmp(s, status_names[i]) == 0) {
			*out = (enum outbox_status)i;
			return true;
		}
	return false;
}

const char *outbox_why_name(enum outbox_why w)
{
	return (unsigned)w < OUTBOX_WHY_N ? why_names[w] : "pending";
}

int64_t outbox_backoff_s(int attempts, double jitter01)
{
	if (attempts < 1)
		attempts = 1;
	int64_t s = OUTBOX_BACKOFF_BASE_S;
	for (int i = 1; i < attempts && s < OUTBOX_BACKOFF_CAP_S; i++)
		s *= 2;
	if (s > OUTBOX_BACKOFF_CAP_S)
		s = OUTBOX_BACKOFF_CAP_S;
	if (jitter01 < 0)
		jitter01 = 0;
	if (jitter01 >= 1)
		jitter01 = 0.999999;
	return s + (int64_t)((double)s * 0.5 * (jitter01 - 0.5));
}

/* ---- queueing a week ---- */

struct queue_state {
	struct db *db;
	int64_t district;
	const char *week;
	bool dry_run;
	int64_t now;
	outbox_note_fn note;
	void *note_ctx;
	struct outbox_queue_report *rep;
	struct db_stmt *kids; /* guardian, student, school; by guardian */
	bool kids_row;	      /* kids is on a row not yet consumed */
	bool kids_done;
};

static bool kids_advance(struct queue_state *q)
{
	if (q->kids_done)
		return false;
	if (!db_next(q->kids)) {
		q->kids_done = true;
		return false;
	}
	return true;
}

static enum eb_err queue_row(struct queue_state *q, const char *gsid, enum family_channel ch,
			     enum outbox_status status, const char *address, const char *lang,
			     const char *reason)
{
	int changes = 0;
	enum eb_err rc = db_execute(
		q->db,
		"INSERT OR IGNORE INTO outbox(district_id, guardian_sourced_id, week, channel,"
		" status, address, lang, next_attempt_at, reason, created_at, updated_at)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?8,?8)",
		DB_ARGS(DB_INT(q->district), DB_TEXT(gsid), DB_TEXT(q->week),
			DB_TEXT(family_channel_name(ch)), DB_TEXT(outbox_status_name(status)),
			DB_TEXT(address), DB_TEXT(lang), DB_INT(q->now), DB_TEXT(reason)),
		&changes);
	if (!rc && changes == 0)
		q->rep->existing++;
	else if (!rc && status == OUTBOX_QUEUED)
		q->rep->queued[ch]++;
	return rc;
}

static enum eb_err queue_one(void *ctx, const struct family_contact *c)
{
	struct queue_state *q = ctx;
	/* this guardian's active children (the cursor is ordered as we are) */
	char students[OUTBOX_CHILDREN_MAX * 48 + 1] = "", first[FAMILY_SID_MAX] = "";
	char school[FAMILY_SID_MAX] = "";
	size_t nkids = 0, len = 0;
	while (q->kids_row || kids_advance(q)) {
		q->kids_row = true;
		int cmp = strcmp(db_col_text(q->kids, 0), c->guardian_sid);
		if (cmp > 0)
			break;
		q->kids_row = false;
		if (cmp < 0)
			continue;
		const char *sid = db_col_text(q->kids, 1), *sch = db_col_text(q->kids, 2);
		size_t sl = strlen(sid);
		if (nkids < OUTBOX_CHILDREN_MAX && len + sl + 2 < sizeof students &&
		    !strchr(sid, ',')) {
			if (len)
				students[len++] = ',';
			memcpy(students + len, sid, sl + 1);
			len += sl;
			if (!nkids)
				str_copy(first, sizeof first, sid);
			nkids++;
		}
		if (!*school && sch && *sch)
			str_copy(school, sizeof school, sch);
	}
	if (nkids == 0)
		return EB_OK; /* no active child: not a family of the district this week */
	struct outbox_queue_report *rep = q->rep;
	rep->families++;
	struct family_lang fl;
	family_lang_of_guardian(q->db, q->district, c->guardian_sid, first, &fl);
	const char *lang = fl.lang->tag;
	if (fl.fallback)
		rep->lang_fallback++;
	char problems[160] = "", line[400];
	if (c->email_problem) {
		rep->bad_email++;
		snprintf(line, sizeof line, "email '%s': %s", c->email_raw, c->email_problem);
		if (q->note)
			q->note(q->note_ctx, c->guardian_sid, line);
		str_copy(problems, sizeof problems, "invalid email");
	}
	if (c->phone_problem) {
		rep->bad_phone++;
		snprintf(line, sizeof line, "phone '%s': %s", c->phone_raw, c->phone_problem);
		if (q->note)
			q->note(q->note_ctx, c->guardian_sid, line);
		size_t k = strlen(problems);
		snprintf(problems + k, sizeof problems - k, "%sinvalid number", k ? "; " : "");
	}
	bool unreachable = !*school;
	bool want[FAMILY_CH_N];
	family_contact_channels(c, want);
	if (unreachable) {
		rep->unreachable++;
		if (q->note)
			q->note(q->note_ctx, c->guardian_sid,
				"no child of this family is enrolled in a school: nothing can be"
				" sent");
	}
	if (!want[FAMILY_CH_EMAIL] && !want[FAMILY_CH_SMS] && !c->email[0] && !c->phone[0]) {
		size_t k = strlen(problems);
		snprintf(problems + k, sizeof problems - k, "%sno contact", k ? "; " : "");
	}
	if (q->dry_run) {
		for (int ch = 0; ch < FAMILY_CH_N && !unreachable; ch++)
			if (want[ch])
				rep->queued[ch]++;
		if (c->email[0] && c->opted_out[FAMILY_CH_EMAIL])
			rep->skipped++;
		if (c->phone[0] && c->opted_out[FAMILY_CH_SMS])
			rep->skipped++;
		return EB_OK;
	}
	int fresh = 0;
	enum eb_err rc = db_execute(
		q->db,
		"INSERT OR IGNORE INTO outbox_family(district_id, week, guardian_sourced_id,"
		" school_sourced_id, lang, lang_fallback, students, problems, unreachable,"
		" created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
		DB_ARGS(DB_INT(q->district), DB_TEXT(q->week), DB_TEXT(c->guardian_sid),
			DB_TEXT(school), DB_TEXT(lang), DB_INT(fl.fallback), DB_TEXT(students),
			DB_TEXT(problems), DB_INT(unreachable), DB_INT(q->now)),
		&fresh);
	/* a family is decided once per week: a second run (or an opt-out
	 * after this week's email) adds no channel to it */
	if (!rc && !fresh) {
		rep->existing++;
		return EB_OK;
	}
	if (rc || unreachable)
		return rc;
	const char *addr[FAMILY_CH_N] = { c->email, c->phone, "" };
	for (int ch = 0; ch < FAMILY_CH_N && !rc; ch++) {
		if (want[ch])
			rc = queue_row(q, c->guardian_sid, (enum family_channel)ch, OUTBOX_QUEUED,
				       addr[ch], lang, "");
		else if (ch != FAMILY_CH_LETTER && *addr[ch] && c->opted_out[ch]) {
			rc = queue_row(q, c->guardian_sid, (enum family_channel)ch, OUTBOX_SKIPPED,
				       addr[ch], lang, "opted out");
			rep->skipped++;
		}
	}
	return rc;
}

enum eb_err outbox_queue_week(struct db *db, int64_t district_id, const char *week, bool dry_run,
			      int64_t now, outbox_note_fn note, void *note_ctx,
			      struct outbox_queue_report *rep)
{
	memset(rep, 0, sizeof *rep);
	struct family_week w;
	if (!week || family_week_parse(week, NULL, &w))
		return EB_EINVAL;
	struct delivery_settings s;
	enum eb_err rc = delivery_get(db, district_id, &s);
	if (rc)
		return rc;
	struct queue_state q = { db,	   district_id, w.label, dry_run, now,	note,
				 note_ctx, rep,		NULL,	 false,	  false };
	if (!dry_run && (rc = db_begin(db)))
		return rc;
	rc = db_query(db,
		      "SELECT g.guardian_sourced_id, g.student_sourced_id,"
		      " coalesce((SELECT min(e.school_sourced_id) FROM enrollment e"
		      "  WHERE e.district_id=?1 AND e.user_sourced_id=g.student_sourced_id"
		      "  AND e.role='student' AND e.status='active'), '')"
		      " FROM guardianship g JOIN person s ON s.district_id=g.district_id"
		      " AND s.sourced_id=g.student_sourced_id AND s.status='active'"
		      " WHERE g.district_id=?1"
		      " ORDER BY g.guardian_sourced_id, g.student_sourced_id",
		      DB_ARGS(DB_INT(district_id)), &q.kids);
	if (!rc) {
		rc = family_contact_each(db, district_id, s.country_code, queue_one, &q);
		enum eb_err rc2 = db_done(q.kids);
		if (!rc)
			rc = rc2;
	}
	if (dry_run)
		return rc;
	if (!rc) {
		char detail[160];
		snprintf(detail, sizeof detail,
			 "week %s queued: email %ld, sms %ld, letter %ld, skipped %ld,"
			 " unreachable %ld",
			 w.label, rep->queued[FAMILY_CH_EMAIL], rep->queued[FAMILY_CH_SMS],
			 rep->queued[FAMILY_CH_LETTER], rep->skipped, rep->unreachable);
		rc = audit_record(db, district_id, &system_actor, "queue", "outbox", w.label,
				  detail);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	return rc;
}

/* ---- rows ---- */

static enum eb_err row_finish(struct db_stmt *st, void *p, struct arena *arena)
{
	struct outbox_row *r = p;
	if (!family_channel_parse(db_col_text(st, 4), &r->channel) ||
	    !outbox_status_parse(db_col_text(st, 5), &r->status))
		return EB_EPARSE;
	/* the children: a comma-separated list */
	const char *s = db_col_text(st, 15);
	while (s && *s && r->nchildren < OUTBOX_CHILDREN_MAX) {
		size_t n = strcspn(s, ",");
		char *c = arena_strndup(arena, s, n);
		if (!c)
			return EB_ENOMEM;
		if (n)
			r->children[r->nchildren++] = c;
		s += n;
		if (*s == ',')
			s++;
	}
	return EB_OK;
}

DB_ROWSPEC(row_spec, struct outbox_row, row_finish, DB_FIELD_INT(struct outbox_row, id),
	   DB_FIELD_INT(struct outbox_row, district_id),
	   DB_FIELD_CHARS(struct outbox_row, guardian_sid), DB_FIELD_CHARS(struct outbox_row, week),
	   DB_FIELD_SKIP, DB_FIELD_SKIP, DB_FIELD_CHARS(struct outbox_row, address),
	   DB_FIELD_CHARS(struct outbox_row, lang), DB_FIELD_INT(struct outbox_row, attempts),
	   DB_FIELD_INT(struct outbox_row, next_attempt_at),
	   DB_FIELD_INT(struct outbox_row, lease_until),
	   DB_FIELD_CHARS(struct outbox_row, provider_id),
	   DB_FIELD_CHARS(struct outbox_row, reason), DB_FIELD_CHARS(struct outbox_row, school_sid),
	   DB_FIELD_SKIP, DB_FIELD_SKIP);

/* the columns of row_spec, for a query over outbox o joined to outbox_family f */
#define ROW_COLS                                                                                   \
	"o.id, o.district_id, o.guardian_sourced_id, o.week, o.channel, o.status, o.address,"      \
	" o.lang, o.attempts, o.next_attempt_at, o.lease_until, coalesce(o.provider_id,''),"       \
	" o.reason, coalesce(f.school_sourced_id,''), 0, coalesce(f.students,'')"
#define ROW_FROM                                                                                   \
	" FROM outbox o LEFT JOIN outbox_family f ON f.district_id=o.district_id"                  \
	" AND f.week=o.week AND f.guardian_sourced_id=o.guardian_sourced_id"

/* ---- sending ---- */

enum eb_err outbox_recover(struct db *db, int64_t district_id, int64_t now, long *n)
{
	int a = 0, b = 0;
	enum eb_err rc = db_execute(db,
				    "UPDATE outbox SET status='sent', sent_at=coalesce(sent_at,?2),"
				    " lease_until=NULL, updated_at=?2 WHERE district_id=?1"
				    " AND status='sending' AND lease_until < ?2"
				    " AND coalesce(provider_id,'') <> ''",
				    DB_ARGS(DB_INT(district_id), DB_INT(now)), &a);
	if (!rc)
		rc = db_execute(db,
				"UPDATE outbox SET status='retry', next_attempt_at=?2,"
				" lease_until=NULL, reason='interrupted', updated_at=?2"
				" WHERE district_id=?1 AND status='sending' AND lease_until < ?2",
				DB_ARGS(DB_INT(district_id), DB_INT(now)), &b);
	if (n)
		*n = rc ? 0 : a + b;
	if (!rc && (a || b))
		log_info("outbox: district %lld: %d interrupted message(s) had been accepted,"
			 " %d go back to the queue",
			 (long long)district_id, a, b);
	return rc;
}

enum eb_err outbox_claim(struct db *db, int64_t district_id, enum family_channel channel,
			 int64_t now, size_t max, struct arena *arena, struct outbox_row **rows,
			 size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (max == 0)
		return EB_OK;
	int64_t *ids = arena_alloc(arena, max * sizeof *ids);
	if (!ids)
		return EB_ENOMEM;
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	/* a family's opt-out is honoured before the next send, whenever it
	 * came (the family page, the school, an email's unsubscribe link, a
	 * bounce): its due rows are skipped, not sent (an opt-out bound to an
	 * address applies to that address only, as family_contact reads it) */
	rc = db_execute(
		db,
		"UPDATE outbox SET status='skipped', reason='opted out', updated_at=?3"
		" WHERE district_id=?1 AND channel=?2 AND status IN ('queued','retry')"
		" AND next_attempt_at<=?3 AND EXISTS (SELECT 1 FROM family_opt_out f"
		" WHERE f.district_id=outbox.district_id"
		" AND f.guardian_sourced_id=outbox.guardian_sourced_id"
		" AND f.channel=outbox.channel"
		" AND (f.address='' OR f.address=outbox.address COLLATE NOCASE))",
		DB_ARGS(DB_INT(district_id), DB_TEXT(family_channel_name(channel)), DB_INT(now)),
		NULL);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	/* the ids this claim took (RETURNING): another process claiming in the
	 * same second takes other rows, and they are not read as ours */
	struct db_stmt *st;
	size_t k = 0;
	rc = db_query(db,
		      "UPDATE outbox SET status='sending', lease_until=?4, attempts=attempts+1,"
		      " updated_at=?3 WHERE district_id=?1 AND id IN (SELECT id FROM outbox WHERE"
		      " district_id=?1"
		      " AND channel=?2 AND status IN ('queued','retry') AND next_attempt_at<=?3"
		      " ORDER BY id LIMIT ?5) RETURNING id",
		      DB_ARGS(DB_INT(district_id), DB_TEXT(family_channel_name(channel)),
			      DB_INT(now), DB_INT(now + OUTBOX_LEASE_S), DB_INT(max)),
		      &st);
	if (!rc) {
		while (db_next(st))
			if (k < max)
				ids[k++] = db_col_int(st, 0);
		rc = db_done(st);
	}
	struct outbox_row *out = k ? arena_zalloc(arena, k * sizeof *out) : NULL;
	if (!rc && k && !out)
		rc = EB_ENOMEM;
	size_t got = 0;
	for (size_t i = 0; !rc && i < k; i++) {
		rc = db_get_row(db, "SELECT " ROW_COLS ROW_FROM " WHERE o.id=?1",
				DB_ARGS(DB_INT(ids[i])), &row_spec, arena, &out[got]);
		if (!rc)
			got++;
	}
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	*rows = out;
	*n = got;
	return EB_OK;
}

enum eb_err outbox_skip_family(struct db *db, int64_t district_id, const char *guardian_sid,
			       enum family_channel channel, const char *reason, int64_t now)
{
	return db_execute(db,
			  "UPDATE outbox SET status='skipped', reason=?4, updated_at=?5"
			  " WHERE district_id=?1 AND guardian_sourced_id=?2 AND channel=?3"
			  " AND status IN ('queued','retry')",
			  DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid),
				  DB_TEXT(family_channel_name(channel)), DB_TEXT(reason),
				  DB_INT(now)),
			  NULL);
}

enum eb_err outbox_record_provider_id(struct db *db, int64_t district_id, int64_t row_id,
				      const char *provider_id)
{
	if (!provider_id || !*provider_id)
		return EB_EINVAL;
	return db_execute(db, "UPDATE outbox SET provider_id=?3 WHERE district_id=?1 AND id=?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(row_id), DB_TEXT(provider_id)), NULL);
}

enum eb_err outbox_finish(struct db *db, const struct outbox_row *row,
			  const struct outbox_result *res, int64_t now)
{
	enum outbox_status st = OUTBOX_SENT;
	int64_t next = now;
	switch (res->kind) {
	case OUTBOX_SEND_SENT:
		st = OUTBOX_SENT;
		break;
	case OUTBOX_SEND_RETRY:
		st = row->attempts >= OUTBOX_MAX_ATTEMPTS ? OUTBOX_FAILED : OUTBOX_RETRY;
		next = now + (res->retry_after_s > 0
				      ? res->retry_after_s
				      : outbox_backoff_s(row->attempts,
							 randombytes_uniform(1000000) / 1e6));
		break;
	case OUTBOX_SEND_FAILED:
		st = OUTBOX_FAILED;
		break;
	case OUTBOX_SEND_BOUNCED:
		st = OUTBOX_BOUNCED;
		break;
	}
	const char *ch = family_channel_name(row->channel);
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_execute(db,
			"UPDATE outbox SET status=?3, next_attempt_at=?4, lease_until=NULL,"
			" provider_id=coalesce(nullif(?5,''), provider_id), reason=?6,"
			" updated_at=?7, sent_at=CASE WHEN ?3='sent' THEN ?7 ELSE sent_at END"
			" WHERE district_id=?1 AND id=?2",
			DB_ARGS(DB_INT(row->district_id), DB_INT(row->id),
				DB_TEXT(outbox_status_name(st)), DB_INT(next),
				DB_TEXT(res->provider_id), DB_TEXT(res->reason), DB_INT(now)),
			NULL);
	if (!rc && st == OUTBOX_BOUNCED)
		rc = family_contact_opt_out(db, row->district_id, row->guardian_sid, row->channel,
					    FAMILY_OPT_OUT_BOUNCE);
	if (!rc && st != OUTBOX_RETRY) {
		char detail[OUTBOX_REASON_MAX + 64];
		snprintf(detail, sizeof detail, "%s %s%s%s", ch, row->week,
			 *res->reason ? ": " : "", st == OUTBOX_SENT ? "" : res->reason);
		rc = audit_record(db, row->district_id, &system_actor,
				  st == OUTBOX_SENT	 ? "message_sent"
				  : st == OUTBOX_BOUNCED ? "message_bounced"
							 : "message_failed",
				  "guardian", row->guardian_sid, detail);
	}
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	if (!rc && st != OUTBOX_SENT)
		log_info("outbox: %s to guardian %s (%s): %s%s%s", ch, row->guardian_sid, row->week,
			 outbox_status_name(st), *res->reason ? ": " : "", res->reason);
	return rc;
}

enum eb_err outbox_defer(struct db *db, const struct outbox_row *row, int64_t not_before)
{
	return db_execute(db,
			  "UPDATE outbox SET status='queued', next_attempt_at=?3, lease_until=NULL,"
			  " attempts=max(attempts-1, 0), reason='quiet hours'"
			  " WHERE district_id=?1 AND id=?2",
			  DB_ARGS(DB_INT(row->district_id), DB_INT(row->id), DB_INT(not_before)),
			  NULL);
}

#define DRAIN_BATCH 64

enum eb_err outbox_drain(struct db *db, int64_t district_id, enum family_channel channel,
			 const struct delivery_settings *s, const char *public_url,
			 outbox_render_fn render, void *rctx, int64_t now, long max_messages,
			 struct outbox_drain_report *rep)
{
	memset(rep, 0, sizeof *rep);
	const struct outbox_channel *c = outbox_channel_for(channel);
	int64_t waiting = 0;
	if (!c) {
		rep->not_configured = true;
		enum eb_err wr = db_get_int(
			db,
			"SELECT count(*) FROM outbox WHERE district_id=?1"
			" AND channel=?2 AND status IN ('queued','retry')",
			DB_ARGS(DB_INT(district_id), DB_TEXT(family_channel_name(channel))),
			&waiting);
		rep->waiting = (long)waiting;
		return wr;
	}
	enum eb_err rc = outbox_recover(db, district_id, now, NULL);
	if (rc)
		return rc;
	void *session = NULL;
	rc = c->open(s, &session, rep->error, sizeof rep->error);
	if (rc == EB_ENOTSUP) {
		rep->not_configured = true;
		rc = db_get_int(db,
				"SELECT count(*) FROM outbox WHERE district_id=?1 AND channel=?2"
				" AND status IN ('queued','retry')",
				DB_ARGS(DB_INT(district_id), DB_TEXT(family_channel_name(channel))),
				&waiting);
		rep->waiting = (long)waiting;
		return rc;
	}
	if (rc)
		return EB_OK; /* rep->error says why; the rows wait */
	struct arena a;
	arena_init(&a);
	long tried = 0;
	for (;;) {
		arena_reset(&a);
		struct outbox_row *rows;
		size_t n;
		size_t want = DRAIN_BATCH;
		if (max_messages > 0 && (long)want > max_messages - tried)
			want = (size_t)(max_messages - tried);
		if (want == 0)
			break;
		int64_t t = time_now() > now ? time_now() : now;
		if ((rc = outbox_claim(db, district_id, channel, t, want, &a, &rows, &n)) || !n)
			break;
		/* the batch's messages rendered in one transaction (their
		 * sign-in and opt-out links are written then), then sent */
		struct outbox_message *msgs = arena_zalloc(&a, n * sizeof *msgs);
		enum eb_err *rendered = arena_zalloc(&a, n * sizeof *rendered);
		int64_t *nb = arena_zalloc(&a, n * sizeof *nb);
		if (!msgs || !rendered || !nb) {
			rc = EB_ENOMEM;
			break;
		}
		if ((rc = db_begin(db)))
			break;
		for (size_t i = 0; i < n; i++) {
			nb[i] = c->not_before ? c->not_before(session, s, &rows[i], t) : t;
			if (nb[i] <= t)
				rendered[i] = render(rctx, db, &rows[i], public_url, &a, &msgs[i]);
		}
		if ((rc = db_commit(db))) {
			db_rollback(db);
			break;
		}
		for (size_t i = 0; i < n && !rc; i++) {
			const struct outbox_row *r = &rows[i];
			tried++;
			if (nb[i] > t) {
				rc = outbox_defer(db, r, nb[i]);
				rep->deferred++;
				continue;
			}
			struct outbox_result res = { 0 };
			if (rendered[i]) {
				res.kind = OUTBOX_SEND_RETRY;
				snprintf(res.reason, sizeof res.reason, "could not be written: %s",
					 eb_strerror(rendered[i]));
			} else {
				c->send(session, r, &msgs[i], &res);
				if (res.kind == OUTBOX_SEND_SENT && !*res.provider_id)
					str_copy(res.provider_id, sizeof res.provider_id,
						 "accepted");
			}
			/* the provider's id and 'sent' in one statement, at once:
			 * after a crash a row is either sent with its id or
			 * still 'sending' without one */
			rc = outbox_finish(db, r, &res, time_now());
			switch (res.kind) {
			case OUTBOX_SEND_SENT:
				rep->sent++;
				break;
			case OUTBOX_SEND_RETRY:
				if (r->attempts >= OUTBOX_MAX_ATTEMPTS)
					rep->failed++;
				else
					rep->retry++;
				break;
			case OUTBOX_SEND_FAILED:
				rep->failed++;
				break;
			case OUTBOX_SEND_BOUNCED:
				rep->bounced++;
				break;
			}
		}
		if (rc)
			break;
	}
	arena_free(&a);
	c->close(session);
	return rc;
}

/* ---- letters ---- */

enum eb_err outbox_letters(struct db *db, int64_t district_id, const char *week,
			   const char *school_sid, bool all, struct arena *arena,
			   struct outbox_row **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT " ROW_COLS ROW_FROM " WHERE o.district_id=?1 AND o.week=?2"
		" AND o.channel='letter' AND (o.status='queued' OR (?4<>0 AND"
		" o.status='sent')) AND (?3 IS NULL OR f.school_sourced_id=?3)"
		" ORDER BY f.school_sourced_id, o.guardian_sourced_id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(week), DB_TEXT(school_sid), DB_INT(all)),
		&row_spec, arena, rows, n);
}

enum eb_err outbox_mark_letters_printed(struct db *db, int64_t district_id, const int64_t *ids,
					size_t n, int64_t now)
{
	bool own = !db_in_transaction(db);
	enum eb_err rc = own ? db_begin(db) : EB_OK;
	long done = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		int changes = 0;
		rc = db_execute(
			db,
			"UPDATE outbox SET status='sent', provider_id='printed', sent_at=?3,"
			" updated_at=?3, lease_until=NULL WHERE district_id=?1 AND id=?2"
			" AND channel='letter' AND status IN ('queued','retry','sending')",
			DB_ARGS(DB_INT(district_id), DB_INT(ids[i]), DB_INT(now)), &changes);
		done += changes;
	}
	if (!rc && done) {
		char detail[64];
		snprintf(detail, sizeof detail, "%ld letter(s) printed", done);
		rc = audit_record(db, district_id, &system_actor, "message_sent", "outbox",
				  "letters", detail);
	}
	if (own) {
		if (!rc)
			rc = db_commit(db);
		if (rc)
			db_rollback(db);
	}
	return rc;
}

/* ---- reach ---- */

struct reach_fam {
	const char *gsid, *name, *school, *school_name, *lang, *problems;
	int unreachable, sent, bounced, skipped, failed, pending;
};
DB_ROWSPEC(reach_spec, struct reach_fam, NULL, DB_FIELD_STR(struct reach_fam, gsid),
	   DB_FIELD_STR(struct reach_fam, name), DB_FIELD_STR(struct reach_fam, school),
	   DB_FIELD_STR(struct reach_fam, school_name), DB_FIELD_STR(struct reach_fam, lang),
	   DB_FIELD_STR(struct reach_fam, problems), DB_FIELD_INT(struct reach_fam, unreachable),
	   DB_FIELD_INT(struct reach_fam, sent), DB_FIELD_INT(struct reach_fam, bounced),
	   DB_FIELD_INT(struct reach_fam, skipped), DB_FIELD_INT(struct reach_fam, failed),
	   DB_FIELD_INT(struct reach_fam, pending));

static enum outbox_why why_of(const struct reach_fam *f)
{
	if (f->unreachable)
		return OUTBOX_WHY_NO_CONTACT;
	if (f->bounced)
		return OUTBOX_WHY_BOUNCED;
	if (f->failed)
		return OUTBOX_WHY_FAILED;
	if (f->pending)
		return OUTBOX_WHY_PENDING;
	if (f->skipped)
		return OUTBOX_WHY_OPTED_OUT;
	if (strstr(f->problems, "invalid number"))
		return OUTBOX_WHY_INVALID_NUMBER;
	return OUTBOX_WHY_NO_CONTACT;
}

enum eb_err outbox_reach(struct db *db, int64_t district_id, const char *week,
			 const char *school_sid, size_t max_missed, struct arena *arena,
			 struct outbox_reach *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st;
	enum eb_err rc;
	if (week && *week) {
		str_copy(out->week, sizeof out->week, week);
	} else {
		if ((rc = db_query(db, "SELECT max(week) FROM outbox_family WHERE district_id=?1",
				   DB_ARGS(DB_INT(district_id)), &st)))
			return rc;
		if (db_next(st))
			db_col_copy(st, 0, out->week, sizeof out->week);
		if ((rc = db_done(st)))
			return rc;
		if (!*out->week)
			return EB_ENOTFOUND;
	}
	struct reach_fam *f;
	size_t n;
	rc = db_get_rows(
		db,
		"SELECT f.guardian_sourced_id,"
		" coalesce(trim(coalesce(nullif(p.preferred_first_name,''), p.given_name) || ' ' ||"
		" p.family_name), f.guardian_sourced_id),"
		" f.school_sourced_id, coalesce(org.name, ''), f.lang, f.problems, f.unreachable,"
		" sum(o.status='sent'), sum(o.status='bounced'), sum(o.status='skipped'),"
		" sum(o.status='failed'), sum(o.status IN ('queued','retry','sending'))"
		" FROM outbox_family f"
		" LEFT JOIN outbox o ON o.district_id=f.district_id AND o.week=f.week"
		"  AND o.guardian_sourced_id=f.guardian_sourced_id"
		" LEFT JOIN person p ON p.district_id=f.district_id"
		"  AND p.sourced_id=f.guardian_sourced_id"
		" LEFT JOIN org ON org.district_id=f.district_id"
		"  AND org.sourced_id=f.school_sourced_id"
		" WHERE f.district_id=?1 AND f.week=?2 AND (?3 IS NULL OR f.school_sourced_id=?3)"
		" GROUP BY f.guardian_sourced_id, f.school_sourced_id, f.lang, f.problems,"
		" f.unreachable, p.preferred_first_name, p.given_name, p.family_name, org.name"
		" ORDER BY f.school_sourced_id, f.lang, f.guardian_sourced_id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(out->week), DB_TEXT(school_sid)), &reach_spec,
		arena, &f, &n);
	if (rc)
		return rc;
	if (n == 0 && (!week || !*week))
		return EB_ENOTFOUND;
	size_t gcap = 0, mcap = 0;
	for (size_t i = 0; i < n; i++) {
		struct outbox_reach_group *g = out->ngroups ? &out->groups[out->ngroups - 1] : NULL;
		if (!g || strcmp(g->school_sid, f[i].school) || strcmp(g->lang, f[i].lang)) {
			out->groups = arena_grow(arena, out->groups, out->ngroups, &gcap,
						 sizeof *out->groups, 16);
			if (!out->groups)
				return EB_ENOMEM;
			g = &out->groups[out->ngroups++];
			memset(g, 0, sizeof *g);
			g->school_sid = f[i].school;
			g->school_name = f[i].school_name;
			g->lang = f[i].lang;
		}
		g->families++;
		out->families++;
		if (f[i].sent > 0) {
			g->reached++;
			out->reached++;
			continue;
		}
		enum outbox_why w = why_of(&f[i]);
		g->why[w]++;
		out->why[w]++;
		if (out->nmissed < max_missed) {
			out->missed = arena_grow(arena, out->missed, out->nmissed, &mcap,
						 sizeof *out->missed, 16);
			if (!out->missed)
				return EB_ENOMEM;
			struct outbox_reach_family *m = &out->missed[out->nmissed++];
			m->guardian_sid = f[i].gsid;
			m->guardian_name = f[i].name;
			m->school_sid = f[i].school;
			m->lang = f[i].lang;
			m->why = w;
		}
	}
	int64_t fb = 0;
	rc = db_get_int(db,
			"SELECT count(*) FROM outbox_family WHERE district_id=?1 AND week=?2"
			" AND lang_fallback<>0 AND (?3 IS NULL OR school_sourced_id=?3)",
			DB_ARGS(DB_INT(district_id), DB_TEXT(out->week), DB_TEXT(school_sid)), &fb);
	out->lang_fallback = (long)fb;
	return rc;
}
