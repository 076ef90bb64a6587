/* training.c - see training.h. */
#include "domain/training.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/evaluation.h"
#include "store/db.h"

#define WEEK 604800

bool training_can_manage(const struct account *a)
{
	return access_has(a, ROLE_DISTRICT_ADMIN) || access_has(a, ROLE_COORDINATOR) ||
	       access_has(a, ROLE_IT_STAFF) || access_has(a, ROLE_COACH);
}

bool training_can_view(const struct account *a)
{
	return training_can_manage(a) || access_has(a, ROLE_PRINCIPAL) ||
	       access_has(a, ROLE_TEACHER) || access_has(a, ROLE_TECH_CHAMPION);
}

bool training_can_take_attendance(const struct account *a, const struct training *t)
{
	return training_can_manage(a) || (t->created_by && t->created_by == a->id);
}

/* ---- creating ----------------------------------------------------------- */

static bool is_web_address(const char *s)
{
	size_t n = strlen(s);
	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == '"' || s[i] == '<' || s[i] == '>' ||
		    (unsigned char)s[i] == 0x7f)
			return false;
	return n > 10;
}

/* Text of 0..max bytes of valid UTF-8 without control characters but
 * newlines (allow_nl); *out trimmed, in arena-free storage (the caller's). */
static bool text_ok(const char *s, size_t max, bool allow_nl)
{
	size_t n = strlen(s);
	if (n > max || !str_utf8_valid(str_from(s), NULL))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < ' ' && !(allow_nl && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
			return false;
	}
	return true;
}

/* "YYYY-MM-DD" and "HH:MM" in z as Unix seconds. */
static bool local_time(const char *date, const char *hm, const struct tz *z, int64_t *out)
{
	int32_t days;
	if (date_parse_ymd(str_from(date), &days))
		return false;
	if (strlen(hm) != 5 || hm[2] != ':')
		return false;
	int64_t h, m;
	char hh[3] = { hm[0], hm[1], 0 }, mm[3] = { hm[3], hm[4], 0 };
	if (cstr_to_i64(hh, 0, 23, &h) || cstr_to_i64(mm, 0, 59, &m))
		return false;
	int64_t naive = (int64_t)days * 86400 + h * 3600 + m * 60;
	if (!z)
		z = tz_utc();
	int64_t t = naive - tz_offset(z, naive, NULL);
	t = naive - tz_offset(z, t, NULL);
	*out = t;
	return true;
}

enum eb_err training_create(struct db *db, int64_t district_id, const struct training_form *in,
			    const struct tz *z, const struct audit_actor *who, int64_t *id,
			    char *why, size_t cap)
{
	char title[TRAINING_TITLE_MAX + 2], place[TRAINING_PLACE_MAX + 2];
	char url[TRAINING_URL_MAX + 2], trainer[TRAINING_TRAINER_MAX + 2];
	const char *ti = str_trimmed(in->title, title, sizeof title);
	const char *pl = str_trimmed(in->place, place, sizeof place);
	const char *ur = str_trimmed(in->online_url, url, sizeof url);
	const char *tr = str_trimmed(in->trainer, trainer, sizeof trainer);
	const char *materials = in->materials ? in->materials : "";
	int64_t starts, minutes, capacity, tool_id = 0, it_id = 0, x;

	if (!*ti || !text_ok(ti, TRAINING_TITLE_MAX, false))
		return eb_say(why, cap, EB_EINVAL,
			      "title: give the session a title of at most 200"
			      " characters");
	if (!in->date || !in->time || !local_time(in->date, in->time, z, &starts))
		return eb_say(why, cap, EB_EINVAL,
			      "date: give the date as YYYY-MM-DD and the time as HH:MM");
	if (!in->minutes || cstr_to_i64(in->minutes, 5, 600, &minutes))
		return eb_say(why, cap, EB_EINVAL, "minutes: a length of 5 to 600 minutes");
	if (!text_ok(pl, TRAINING_PLACE_MAX, false))
		return eb_say(why, cap, EB_EINVAL, "place: at most 200 characters");
	if (*ur && !is_web_address(ur))
		return eb_say(why, cap, EB_EINVAL,
			      "online_url: an online link starts with https:// and has no spaces");
	if (!*pl && !*ur)
		return eb_say(why, cap, EB_EINVAL,
			      "place: say where the session takes place, or give its online link");
	if (!*tr || !text_ok(tr, TRAINING_TRAINER_MAX, false))
		return eb_say(why, cap, EB_EINVAL,
			      "trainer: name the trainer (at most 120 characters)");
	if (!in->capacity || cstr_to_i64(in->capacity, 1, 1000, &capacity))
		return eb_say(why, cap, EB_EINVAL, "capacity: a number of seats from 1 to 1000");
	if (in->tool && *in->tool) {
		if (cstr_to_i64(in->tool, 1, INT64_MAX, &tool_id) ||
		    db_get_int(db, "SELECT id FROM tool WHERE district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &x))
			return eb_say(why, cap, EB_EINVAL, "tool: not a tool of the district");
	}
	if (in->it_account && *in->it_account) {
		if (cstr_to_i64(in->it_account, 1, INT64_MAX, &it_id) ||
		    db_get_int(db,
			       "SELECT account_id FROM account_role WHERE district_id=?1 AND "
			       "account_id=?2 AND role='it_staff' LIMIT 1",
			       DB_ARGS(DB_INT(district_id), DB_INT(it_id)), &x))
			return eb_say(why, cap, EB_EINVAL,
				      "it_account: choose a person of the district's IT staff");
	}
	if (!text_ok(materials, TRAINING_MATERIALS_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "materials: at most 4000 characters of links");
	/* each line a link */
	for (const char *p = materials; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char line[TRAINING_URL_MAX + 2];
		struct str v = str_trim((struct str){ p, len });
		if (v.n) {
			if (v.n > TRAINING_URL_MAX)
				return eb_say(why, cap, EB_EINVAL,
					      "materials: a link is at most 500 characters");
			memcpy(line, v.p, v.n);
			line[v.n] = 0;
			if (!is_web_address(line))
				return eb_say(
					why, cap, EB_EINVAL,
					"materials: one link a line, each starting with https://");
		}
		p += len + (e ? 1 : 0);
	}
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_execute(
		db,
		"INSERT INTO training (district_id, title, tool_id, starts_at, minutes, place,"
		" online_url, trainer, it_account_id, capacity, materials, created_by,"
		" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
		DB_ARGS(DB_INT(district_id), DB_TEXT(ti), DB_INT_IF(tool_id, tool_id),
			DB_INT(starts), DB_INT(minutes), DB_TEXT(pl), DB_TEXT(ur), DB_TEXT(tr),
			DB_INT_IF(it_id, it_id), DB_INT(capacity), DB_TEXT(materials),
			DB_INT(who ? who->account_id : 0), DB_INT(time_now())),
		NULL);
	if (!rc)
		*id = db_last_id(db);
	if (!rc) {
		char sid[24];
		snprintf(sid, sizeof sid, "%lld", (long long)*id);
		rc = audit_record(db, district_id, who, "create", "training", sid, ti);
	}
	if (rc) {
		db_rollback(db);
		return rc == EB_EINVAL
			       ? eb_say(why, cap, rc, "title: the session could not be stored")
			       : rc;
	}
	return db_commit(db);
}

/* ---- reading ------------------------------------------------------------ */

#define TRAINING_COLS                                                                              \
	"t.id, t.district_id, coalesce(t.tool_id, 0), coalesce(t.initiative_id, 0), t.starts_at,"  \
	" coalesce(t.it_account_id, 0), t.created_by, t.created_at, t.minutes, t.capacity,"        \
	" (SELECT count(*) FROM training_seat s WHERE s.district_id=t.district_id AND "            \
	"s.training_id=t.id AND s.waiting=0),"                                                     \
	" (SELECT count(*) FROM training_seat s WHERE s.district_id=t.district_id AND "            \
	"s.training_id=t.id AND s.waiting=1),"                                                     \
	" (SELECT count(*) FROM training_seat s WHERE s.district_id=t.district_id AND "            \
	"s.training_id=t.id AND s.attended=1),"                                                    \
	" t.title, t.place, t.online_url, t.trainer, t.materials,"                                 \
	" coalesce((SELECT name FROM tool WHERE id=t.tool_id AND district_id=t.district_id), '')," \
	" coalesce((SELECT display_name FROM account WHERE district_id=t.district_id AND "         \
	"id=t.it_account_id), '')"

DB_ROWSPEC(training_spec, struct training, NULL, DB_FIELD_INT(struct training, id),
	   DB_FIELD_INT(struct training, district_id), DB_FIELD_INT(struct training, tool_id),
	   DB_FIELD_INT(struct training, initiative_id), DB_FIELD_INT(struct training, starts_at),
	   DB_FIELD_INT(struct training, it_account_id), DB_FIELD_INT(struct training, created_by),
	   DB_FIELD_INT(struct training, created_at), DB_FIELD_INT(struct training, minutes),
	   DB_FIELD_INT(struct training, capacity), DB_FIELD_INT(struct training, registered),
	   DB_FIELD_INT(struct training, waiting), DB_FIELD_INT(struct training, attended),
	   DB_FIELD_CHARS(struct training, title), DB_FIELD_CHARS(struct training, place),
	   DB_FIELD_CHARS(struct training, online_url), DB_FIELD_CHARS(struct training, trainer),
	   DB_FIELD_CHARS(struct training, materials), DB_FIELD_CHARS(struct training, tool_name),
	   DB_FIELD_CHARS(struct training, it_name));

enum eb_err training_get(struct db *db, int64_t district_id, int64_t id, struct training *out)
{
	return db_get_row(
		db, "SELECT " TRAINING_COLS " FROM training t WHERE t.district_id=?1 AND t.id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &training_spec, NULL, out);
}

#define ROW_COLS                                                                                   \
	"t.id, coalesce(t.tool_id, 0), t.starts_at, coalesce(t.it_account_id, 0), t.minutes,"      \
	" t.capacity,"                                                                             \
	" (SELECT count(*) FROM training_seat s WHERE s.district_id=t.district_id AND "            \
	"s.training_id=t.id AND s.waiting=0),"                                                     \
	" (SELECT count(*) FROM training_seat s WHERE s.district_id=t.district_id AND "            \
	"s.training_id=t.id AND s.waiting=1),"                                                     \
	" (SELECT count(*) FROM training_seat s WHERE s.district_id=t.district_id AND "            \
	"s.training_id=t.id AND s.attended=1),"                                                    \
	" m.account_id IS NOT NULL, coalesce(m.waiting, 0), t.title,"                              \
	" coalesce((SELECT name FROM tool WHERE id=t.tool_id AND district_id=t.district_id), '')," \
	" t.place, t.online_url, t.trainer,"                                                       \
	" coalesce((SELECT display_name FROM account WHERE district_id=t.district_id AND "         \
	"id=t.it_account_id), '')"
#define ROW_FROM                                                                                   \
	" FROM training t LEFT JOIN training_seat m ON m.district_id=t.district_id AND "           \
	"m.training_id=t.id AND m.account_id=?4"                                                   \
	" WHERE t.district_id=?1 AND (?3=0 OR t.tool_id=?3) AND (?5=0 OR m.account_id IS NOT "     \
	"NULL)"

DB_ROWSPEC(row_spec, struct training_row, NULL, DB_FIELD_INT(struct training_row, id),
	   DB_FIELD_INT(struct training_row, tool_id), DB_FIELD_INT(struct training_row, starts_at),
	   DB_FIELD_INT(struct training_row, it_account_id),
	   DB_FIELD_INT(struct training_row, minutes), DB_FIELD_INT(struct training_row, capacity),
	   DB_FIELD_INT(struct training_row, registered),
	   DB_FIELD_INT(struct training_row, waiting), DB_FIELD_INT(struct training_row, attended),
	   DB_FIELD_INT(struct training_row, mine), DB_FIELD_INT(struct training_row, mine_waiting),
	   DB_FIELD_STR(struct training_row, title), DB_FIELD_STR(struct training_row, tool_name),
	   DB_FIELD_STR(struct training_row, place), DB_FIELD_STR(struct training_row, online_url),
	   DB_FIELD_STR(struct training_row, trainer), DB_FIELD_STR(struct training_row, it_name));

enum eb_err training_list(struct db *db, int64_t district_id, bool upcoming, int64_t now,
			  int64_t tool_id, int64_t account_id, bool mine_only, struct arena *a,
			  struct training_row **rows, size_t *n)
{
	if (upcoming)
		return db_get_rows(
			db,
			"SELECT " ROW_COLS ROW_FROM
			" AND t.starts_at + t.minutes * 60 >= ?2 ORDER BY t.starts_at, t.id",
			DB_ARGS(DB_INT(district_id), DB_INT(now), DB_INT(tool_id),
				DB_INT(account_id), DB_INT(mine_only && account_id > 0)),
			&row_spec, a, rows, n);
	return db_get_rows(db,
			   "SELECT " ROW_COLS ROW_FROM " AND t.starts_at + t.minutes * 60 < ?2"
			   " ORDER BY t.starts_at DESC, t.id DESC LIMIT 200",
			   DB_ARGS(DB_INT(district_id), DB_INT(now), DB_INT(tool_id),
				   DB_INT(account_id), DB_INT(mine_only && account_id > 0)),
			   &row_spec, a, rows, n);
}

DB_ROWSPEC(seat_spec, struct training_seat, NULL, DB_FIELD_INT(struct training_seat, account_id),
	   DB_FIELD_INT(struct training_seat, registered_at),
	   DB_FIELD_INT(struct training_seat, waiting),
	   DB_FIELD_INT(struct training_seat, attended),
	   DB_FIELD_INT(struct training_seat, answered), DB_FIELD_STR(struct training_seat, name),
	   DB_FIELD_STR(struct training_seat, login));

enum eb_err training_seats(struct db *db, int64_t district_id, int64_t training_id, struct arena *a,
			   struct training_seat **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT s.account_id, s.registered_at, s.waiting, s.attended,"
		" EXISTS (SELECT 1 FROM training_followup f WHERE f.district_id=s.district_id"
		" AND f.training_id=s.training_id AND f.account_id=s.account_id), a.display_name, "
		"a.login"
		" FROM training_seat s JOIN account a ON a.district_id=s.district_id AND "
		"a.id=s.account_id"
		" WHERE s.district_id=?1 AND s.training_id=?2"
		" ORDER BY s.waiting, s.registered_at, s.account_id",
		DB_ARGS(DB_INT(district_id), DB_INT(training_id)), &seat_spec, a, rows, n);
}

/* ---- seats -------------------------------------------------------------- */

static enum eb_err audit_seat(struct db *db, int64_t d, const struct audit_actor *who,
			      const char *action, int64_t training_id, int64_t account_id,
			      const char *what)
{
	char sid[24], detail[96];
	snprintf(sid, sizeof sid, "%lld", (long long)training_id);
	snprintf(detail, sizeof detail, "%s: account %lld", what, (long long)account_id);
	return audit_record(db, d, who, action, "training", sid, detail);
}

enum eb_err training_register(struct db *db, int64_t district_id, int64_t training_id,
			      int64_t account_id, bool waitlist, bool walk_in,
			      const struct audit_actor *who, enum training_seat_state *state,
			      char *why, size_t cap)
{
	int64_t x;
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	struct training t;
	if ((rc = training_get(db, district_id, training_id, &t)))
		goto out;
	rc = db_get_int(db, "SELECT id FROM account WHERE district_id=?1 AND id=?2 AND disabled=0",
			DB_ARGS(DB_INT(district_id), DB_INT(account_id)), &x);
	if (rc)
		goto out;
	bool started = t.starts_at <= time_now();
	if (started && !walk_in) {
		rc = eb_say(why, cap, EB_EINVAL,
			    "This session has already started: registration is closed.");
		goto out;
	}
	rc = db_get_int(db, "SELECT 1 FROM training_seat WHERE training_id=?1 AND account_id=?2",
			DB_ARGS(DB_INT(training_id), DB_INT(account_id)), &x);
	if (rc == EB_OK) {
		rc = eb_say(why, cap, EB_EEXIST, "Already registered for this session.");
		goto out;
	}
	if (rc != EB_ENOTFOUND)
		goto out;
	/* someone who came is in the room, whatever the seats */
	bool full = t.registered >= t.capacity && !started;
	if (full && !waitlist) {
		rc = eb_say(why, cap, EB_ECONFLICT,
			    "The session is full (%d of %d seats taken). You can join the waiting"
			    " list: you get a seat when someone gives theirs back.",
			    t.registered, t.capacity);
		goto out;
	}
	rc = db_execute(db,
			"INSERT INTO training_seat (district_id, training_id, account_id, waiting,"
			" registered_by, registered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			DB_ARGS(DB_INT(district_id), DB_INT(training_id), DB_INT(account_id),
				DB_INT(full), DB_INT(who ? who->account_id : 0),
				DB_INT(time_now())),
			NULL);
	if (!rc)
		rc = audit_seat(db, district_id, who, "create", training_id, account_id,
				full ? "waiting list" : "registered");
	if (!rc)
		*state = full ? TRAINING_SEAT_WAITING : TRAINING_SEAT_REGISTERED;
out:
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

enum eb_err training_cancel(struct db *db, int64_t district_id, int64_t training_id,
			    int64_t account_id, const struct audit_actor *who)
{
	int changes = 0;
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	int64_t waiting = 0, first = 0;
	rc = db_get_int(db,
			"SELECT waiting FROM training_seat WHERE district_id=?1 AND training_id=?2"
			" AND account_id=?3",
			DB_ARGS(DB_INT(district_id), DB_INT(training_id), DB_INT(account_id)),
			&waiting);
	if (!rc)
		rc = db_execute(
			db,
			"DELETE FROM training_seat WHERE district_id=?1 AND training_id=?2 AND"
			" account_id=?3",
			DB_ARGS(DB_INT(district_id), DB_INT(training_id), DB_INT(account_id)),
			&changes);
	if (!rc && !waiting) {
		rc = db_get_int(db,
				"SELECT account_id FROM training_seat WHERE training_id=?1 AND"
				" waiting=1 ORDER BY registered_at, account_id LIMIT 1",
				DB_ARGS(DB_INT(training_id)), &first);
		if (rc == EB_ENOTFOUND)
			rc = EB_OK, first = 0;
		if (!rc && first)
			rc = db_execute(
				db,
				"UPDATE training_seat SET waiting=0 WHERE training_id=?1 AND"
				" account_id=?2",
				DB_ARGS(DB_INT(training_id), DB_INT(first)), NULL);
	}
	if (!rc)
		rc = audit_seat(db, district_id, who, "delete", training_id, account_id,
				"seat given back");
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

enum eb_err training_set_attendance(struct db *db, int64_t district_id, int64_t training_id,
				    const int64_t *ids, const bool *present, size_t n, int64_t now,
				    const struct audit_actor *who, char *why, size_t cap)
{
	struct training t;
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	if ((rc = training_get(db, district_id, training_id, &t)))
		goto out;
	if (t.starts_at > now) {
		rc = eb_say(why, cap, EB_EINVAL,
			    "Attendance is taken once the session has started.");
		goto out;
	}
	int marked = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		int changes = 0;
		rc = db_execute(
			db,
			"UPDATE training_seat SET attended=?4, waiting=CASE WHEN ?4=1 THEN 0"
			" ELSE waiting END WHERE district_id=?1 AND training_id=?2 AND"
			" account_id=?3",
			DB_ARGS(DB_INT(district_id), DB_INT(training_id), DB_INT(ids[i]),
				DB_INT(present[i] ? 1 : 0)),
			&changes);
		if (!rc && !changes)
			rc = eb_say(
				why, cap, EB_EINVAL,
				"Account %lld has no seat in this session: nothing was recorded.",
				(long long)ids[i]);
		marked += present[i];
	}
	if (!rc) {
		char sid[24], detail[64];
		snprintf(sid, sizeof sid, "%lld", (long long)training_id);
		snprintf(detail, sizeof detail, "attendance: %d of %zu present", marked, n);
		rc = audit_record(db, district_id, who, "update", "training", sid, detail);
	}
out:
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ---- the follow-up ------------------------------------------------------ */

enum eb_err training_followup_save(struct db *db, int64_t district_id, int64_t training_id,
				   int64_t account_id, const char *ready, const char *will_try,
				   const char *still_need, char *why, size_t cap)
{
	int64_t r, x;
	if (!ready || cstr_to_i64(ready, 1, 5, &r))
		return eb_say(
			why, cap, EB_EINVAL,
			"ready: choose how sure you are, from 1 (not at all) to 5 (certainly)");
	will_try = will_try ? will_try : "";
	still_need = still_need ? still_need : "";
	if (!text_ok(will_try, TRAINING_ANSWER_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "will_try: at most 1000 characters");
	if (!text_ok(still_need, TRAINING_ANSWER_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "still_need: at most 1000 characters");
	enum eb_err rc = db_get_int(
		db,
		"SELECT attended FROM training_seat WHERE district_id=?1 AND"
		" training_id=?2 AND account_id=?3",
		DB_ARGS(DB_INT(district_id), DB_INT(training_id), DB_INT(account_id)), &x);
	if (rc == EB_ENOTFOUND || (!rc && !x))
		return eb_say(why, cap, EB_EPERM,
			      "The follow-up is for those who attended the session.");
	if (rc)
		return rc;
	return db_execute(db,
			  "INSERT INTO training_followup (district_id, training_id, account_id,"
			  " ready, will_try, still_need, answered_at) VALUES (?1, ?2, ?3, ?4, ?5,"
			  " ?6, ?7) ON CONFLICT (district_id, training_id, account_id)"
			  " DO UPDATE SET"
			  " ready=excluded.ready, will_try=excluded.will_try,"
			  " still_need=excluded.still_need, answered_at=excluded.answered_at",
			  DB_ARGS(DB_INT(district_id), DB_INT(training_id), DB_INT(account_id),
				  DB_INT(r), DB_TEXT(will_try), DB_TEXT(still_need),
				  DB_INT(time_now())),
			  NULL);
}

enum eb_err training_followup_summary(struct db *db, int64_t district_id, int64_t training_id,
				      struct arena *a, struct training_followup_summary *out)
{
	memset(out, 0, sizeof *out);
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT ready, will_try, still_need FROM training_followup"
			 " WHERE district_id=?1 AND training_id=?2 ORDER BY answered_at DESC",
			 DB_ARGS(DB_INT(district_id), DB_INT(training_id)), &st);
	if (rc)
		return rc;
	size_t cap_try = 0, cap_need = 0;
	double sum = 0;
	while (db_next(st)) {
		int r = (int)db_col_int(st, 0);
		if (r >= 1 && r <= 5)
			out->count[r - 1]++;
		sum += r;
		out->answers++;
		const char *t = db_col_text(st, 1), *nd = db_col_text(st, 2);
		if (t && *t) {
			out->will_try = arena_grow(a, out->will_try, out->ntry, &cap_try,
						   sizeof *out->will_try, 8);
			if (out->will_try)
				out->will_try[out->ntry++] = db_col_str(st, 1, a);
			else
				db_fail(st, EB_ENOMEM);
		}
		if (nd && *nd) {
			out->still_need = arena_grow(a, out->still_need, out->nneed, &cap_need,
						     sizeof *out->still_need, 8);
			if (out->still_need)
				out->still_need[out->nneed++] = db_col_str(st, 2, a);
			else
				db_fail(st, EB_ENOMEM);
		}
	}
	rc = db_done(st);
	if (out->answers)
		out->mean_ready = sum / out->answers;
	return rc;
}

DB_ROWSPEC(person_spec, struct training_person, NULL, DB_FIELD_INT(struct training_person, id),
	   DB_FIELD_STR(struct training_person, name));

enum eb_err training_it_staff(struct db *db, int64_t district_id, struct arena *a,
			      struct training_person **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT DISTINCT a.id, a.display_name FROM account a JOIN account_role r"
			   " ON r.district_id=a.district_id AND r.account_id=a.id AND "
			   "r.role='it_staff' WHERE a.district_id=?1 AND"
			   " a.disabled=0 ORDER BY a.display_name, a.id",
			   DB_ARGS(DB_INT(district_id)), &person_spec, a, rows, n);
}

/* ---- the payoff --------------------------------------------------------- */

enum eb_err training_payoff_run(const struct training_payoff_class *rows, size_t n,
				struct training_payoff *out)
{
	char *why = out->why;
	size_t cap = sizeof out->why;
	enum eb_err rc = EB_OK;
	out->shown = false;
	out->n_trained = out->n_not = 0;
	double st[4] = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (rows[i].trained) {
			out->n_trained++;
			st[0] += rows[i].pre, st[1] += rows[i].post;
		} else {
			out->n_not++;
			st[2] += rows[i].pre, st[3] += rows[i].post;
		}
	}
	if (!eval_shown(EVAL_DID, out->n_trained, out->n_not))
		/* no counts in the words: a small count is what the rule hides */
		return eb_say(why, cap, EB_OK,
			      "Not shown: a group has fewer than %d classes (the attendees' or the"
			      " others'). Small groups are never shown.",
			      EVAL_MIN_SHOWN);
	out->pre_t = st[0] / out->n_trained, out->post_t = st[1] / out->n_trained;
	out->pre_c = st[2] / out->n_not, out->post_c = st[3] / out->n_not;
	double *pre = malloc((n ? n : 1) * sizeof *pre), *post = malloc((n ? n : 1) * sizeof *post);
	int *tr = malloc((n ? n : 1) * sizeof *tr);
	int64_t *cl = malloc((n ? n : 1) * sizeof *cl);
	if (!pre || !post || !tr || !cl) {
		rc = EB_ENOMEM;
		goto out;
	}
	/* teachers per group, for the words; whether any teacher has two
	 * classes (else there is no clustering to correct for) */
	bool shared = false;
	out->teachers_trained = out->teachers_not = 0;
	for (size_t i = 0; i < n; i++) {
		pre[i] = rows[i].pre, post[i] = rows[i].post;
		tr[i] = rows[i].trained ? 1 : 0;
		cl[i] = rows[i].teacher;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = rows[j].teacher == rows[i].teacher;
		if (!seen)
			*(rows[i].trained ? &out->teachers_trained : &out->teachers_not) += 1;
		shared = shared || seen;
	}
	/* the panel form: each class is its own control, so its level cancels;
	 * clustered by teacher with the ICC of the changes */
	rc = ev_did_panel(pre, post, tr, shared ? cl : NULL, n, -1, &out->est, why, cap);
	if (rc)
		goto out;
	double omega = 1;
	if ((rc = ev_omega(out->est.n_t + out->est.n_c, &omega, why, cap)))
		goto out;
	/* the interval of g back in share points: g = omega * diff / sd */
	double scale = out->est.sd_pooled / omega;
	out->diff = out->est.diff;
	out->lo = out->est.ci_lo * scale;
	out->hi = out->est.ci_hi * scale;
	out->p = out->est.p;
	out->significant = out->lo > 0 || out->hi < 0;
	out->shown = true;
	out->why[0] = 0;
out:
	free(pre);
	free(post);
	free(tr);
	free(cl);
	return rc;
}

struct payoff_class {
	const char *sid;
	int64_t students, teacher;
	int status; /* 1 trained here, 0 not yet trained, -1 trained elsewhere */
	double pre, post;
};

static int class_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct payoff_class *)e)->sid);
}

static int64_t name_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (int64_t)(h >> 1);
}

/* Adds each class's active student-weeks of the tool in [from, to) over
 * the class's students times weeks to its pre or post. */
static enum eb_err add_usage(struct db *db, int64_t d, int64_t tool_id, int64_t from, int64_t to,
			     struct payoff_class *cls, size_t n, bool post)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT e.class_sourced_id, count(DISTINCT le.student_sourced_id || ':' ||"
		" ((le.occurred_at - ?3) / 604800)) FROM enrollment e JOIN learning_event le"
		" ON le.district_id=e.district_id AND le.student_sourced_id=e.user_sourced_id"
		" WHERE e.district_id=?1 AND e.role='student' AND e.status='active' AND"
		" le.tool_id=?2 AND le.occurred_at >= ?3 AND le.occurred_at < ?4"
		" GROUP BY e.class_sourced_id ORDER BY e.class_sourced_id",
		DB_ARGS(DB_INT(d), DB_INT(tool_id), DB_INT(from), DB_INT(to)), &st);
	if (rc)
		return rc;
	double weeks = (double)(to - from) / WEEK;
	while (db_next(st)) {
		const char *sid = db_col_text(st, 0);
		struct payoff_class *c = sid ? bsearch(sid, cls, n, sizeof *cls, class_cmp) : NULL;
		if (!c || c->students <= 0)
			continue;
		double share = (double)db_col_int(st, 1) / ((double)c->students * weeks);
		*(post ? &c->post : &c->pre) = share > 1 ? 1 : share;
	}
	return db_done(st);
}

enum eb_err training_payoff(struct db *db, int64_t district_id, const struct training *t,
			    int64_t now, struct arena *a, struct training_payoff *out)
{
	memset(out, 0, sizeof *out);
	if (!t->tool_id) {
		snprintf(out->why, sizeof out->why,
			 "This session is not about one tool, so there is no tool use to compare.");
		return EB_OK;
	}
	out->pre_from = t->starts_at - (int64_t)TRAINING_PAYOFF_WEEKS * WEEK;
	int64_t post_from = t->starts_at + WEEK;
	out->post_to = post_from + (int64_t)TRAINING_PAYOFF_WEEKS * WEEK;
	if (out->post_to > now) {
		snprintf(out->why, sizeof out->why,
			 "Too early: the comparison needs %d weeks after the session's week, which"
			 " end in %lld days.",
			 TRAINING_PAYOFF_WEEKS, (long long)((out->post_to - now + 86399) / 86400));
		return EB_OK;
	}
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT c.sid, c.teacher,"
		" (SELECT count(*) FROM enrollment s WHERE s.district_id=?1 AND"
		"  s.class_sourced_id=c.sid AND s.role='student' AND s.status='active'),"
		" CASE WHEN EXISTS (SELECT 1 FROM account ac JOIN training_seat ts ON"
		"  ts.district_id=ac.district_id AND ts.account_id=ac.id AND ts.attended=1 AND "
		"ts.training_id=?2 WHERE"
		"  ac.district_id=?1 AND ac.person_sourced_id=c.teacher) THEN 1"
		" WHEN EXISTS (SELECT 1 FROM account ac JOIN training_seat ts ON"
		"  ts.district_id=ac.district_id AND ts.account_id=ac.id AND ts.attended=1 JOIN "
		"training tr ON "
		"tr.district_id=ts.district_id AND tr.id=ts.training_id"
		"  AND tr.tool_id=?3 AND tr.starts_at < ?4 WHERE ac.district_id=?1 AND"
		"  ac.person_sourced_id=c.teacher) THEN -1 ELSE 0 END"
		" FROM (SELECT k.sourced_id AS sid, min(tc.user_sourced_id) AS teacher FROM class k"
		"  JOIN enrollment tc ON tc.district_id=k.district_id AND"
		"  tc.class_sourced_id=k.sourced_id AND tc.role='teacher' AND tc.status='active'"
		"  WHERE k.district_id=?1 AND k.status='active' GROUP BY k.sourced_id) c"
		" ORDER BY c.sid",
		DB_ARGS(DB_INT(district_id), DB_INT(t->id), DB_INT(t->tool_id),
			DB_INT(out->post_to)),
		&st);
	if (rc)
		return rc;
	struct payoff_class *cls = NULL;
	size_t n = 0, capn = 0;
	while (db_next(st)) {
		cls = arena_grow(a, cls, n, &capn, sizeof *cls, 64);
		if (!cls) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		struct payoff_class *c = &cls[n++];
		c->sid = db_col_str(st, 0, a);
		c->teacher = name_hash(db_col_text(st, 1) ? db_col_text(st, 1) : "");
		c->students = db_col_int(st, 2);
		c->status = (int)db_col_int(st, 3);
		c->pre = c->post = 0;
	}
	if ((rc = db_done(st)))
		return rc;
	if ((rc = add_usage(db, district_id, t->tool_id, out->pre_from, t->starts_at, cls, n,
			    false)) ||
	    (rc = add_usage(db, district_id, t->tool_id, post_from, out->post_to, cls, n, true)))
		return rc;
	struct training_payoff_class *rows = arena_alloc(a, (n ? n : 1) * sizeof *rows);
	if (!rows)
		return EB_ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (cls[i].status < 0 || cls[i].students <= 0)
			continue;
		rows[m++] = (struct training_payoff_class){ cls[i].pre, cls[i].post, cls[i].status,
							    cls[i].teacher };
	}
	int64_t pre_from = out->pre_from, post_to = out->post_to;
	rc = training_payoff_run(rows, m, out);
	out->pre_from = pre_from, out->post_to = post_to;
	if (rc == EB_EINVAL || rc == EB_EPARSE)
		rc = EB_OK; /* why says it; shown stays false */
	return rc;
}
