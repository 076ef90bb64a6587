/* coaching.c - see coaching.h. */
#include "domain/coaching.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/groups.h"
#include "domain/kb.h"
#include "domain/observation.h"
#include "domain/standards.h"
#include "domain/strategies.h"
#include "domain/tools.h"
#include "store/db.h"

/* ---- words --------------------------------------------------------------- */

static const char *const phase_names[COACHING_PHASE__COUNT] = {
	"identify", "learn", "improve", "completed", "stopped",
};
static const char *const phase_labels[COACHING_PHASE__COUNT] = {
	"Identify: a look at the class's data",
	"Learn: goal and strategy",
	"Improve: practice and feedback",
	"Completed",
	"Stopped",
};

const char *coaching_phase_name(enum coaching_phase p)
{
	return (unsigned)p < COACHING_PHASE__COUNT ? phase_names[p] : NULL;
}

const char *coaching_phase_label(enum coaching_phase p)
{
	return (unsigned)p < COACHING_PHASE__COUNT ? phase_labels[p] : "";
}

enum eb_err coaching_phase_parse(const char *s, enum coaching_phase *out)
{
	for (int i = 0; s && i < COACHING_PHASE__COUNT; i++)
		if (strcmp(s, phase_names[i]) == 0) {
			*out = (enum coaching_phase)i;
			return EB_OK;
		}
	return EB_EINVAL;
}

static const struct {
	const char *name, *label;
	enum coaching_phase phase;
} entry_kinds[COACHING_ENTRY__COUNT] = {
	{ "kickoff", "Kickoff: a look at the class's data", COACHING_IDENTIFY },
	{ "goal_setting", "Goal setting", COACHING_LEARN },
	{ "strategy", "Strategy", COACHING_LEARN },
	{ "modeling", "Modeling", COACHING_LEARN },
	{ "co_teaching", "Co-teaching", COACHING_LEARN },
	{ "practice", "Practice", COACHING_IMPROVE },
	{ "observation", "Observation", COACHING_IMPROVE },
	{ "debrief", "Debrief", COACHING_IMPROVE },
	{ "reflection", "Reflection", COACHING_IMPROVE },
};

const char *coaching_entry_name(enum coaching_entry_kind k)
{
	return (unsigned)k < COACHING_ENTRY__COUNT ? entry_kinds[k].name : NULL;
}

const char *coaching_entry_label(enum coaching_entry_kind k)
{
	return (unsigned)k < COACHING_ENTRY__COUNT ? entry_kinds[k].label : "";
}

enum coaching_phase coaching_entry_phase(enum coaching_entry_kind k)
{
	return (unsigned)k < COACHING_ENTRY__COUNT ? entry_kinds[k].phase : COACHING_IDENTIFY;
}

enum eb_err coaching_entry_parse(const char *s, enum coaching_entry_kind *out)
{
	for (int i = 0; s && i < COACHING_ENTRY__COUNT; i++)
		if (strcmp(s, entry_kinds[i].name) == 0) {
			*out = (enum coaching_entry_kind)i;
			return EB_OK;
		}
	return EB_EINVAL;
}

static const char *const goal_state_labels[] = {
	"on track", "at risk", "met", "missed", "no data yet",
};

const char *coaching_goal_state_label(enum coaching_goal_state s)
{
	return (unsigned)s <= COACHING_GOAL_NO_DATA ? goal_state_labels[s] : "";
}

bool coaching_can_view(const struct account *a)
{
	return access_has(a, ROLE_COACH) || access_has(a, ROLE_TEACHER) ||
	       access_has(a, ROLE_COORDINATOR) || access_has(a, ROLE_PRINCIPAL) ||
	       access_has(a, ROLE_DISTRICT_ADMIN);
}

bool coaching_can_create(const struct account *a)
{
	return access_has(a, ROLE_COACH) || access_has(a, ROLE_COORDINATOR);
}

/* ---- small checks ---------------------------------------------------------- */

static bool day_of(const char *s, int32_t *days)
{
	return s && strlen(s) == 10 && date_parse_ymd(str_from(s), days) == EB_OK;
}

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

static bool holds_role(struct db *db, int64_t district_id, int64_t account_id, const char *role)
{
	int64_t x;
	return db_get_int(db,
			  "SELECT 1 FROM account_role r JOIN account a ON "
			  "a.district_id=r.district_id AND a.id=r.account_id"
			  " WHERE r.district_id=?1 AND r.account_id=?2 AND r.role=?3 AND"
			  " a.disabled=0 LIMIT 1",
			  DB_ARGS(DB_INT(district_id), DB_INT(account_id), DB_TEXT(role)),
			  &x) == EB_OK;
}

struct cycle_head {
	int64_t id, coach_id;
	char phase[12], started_on[11], school[128];
};
DB_ROWSPEC(cycle_head_spec, struct cycle_head, NULL, DB_FIELD_INT(struct cycle_head, id),
	   DB_FIELD_INT(struct cycle_head, coach_id), DB_FIELD_CHARS(struct cycle_head, phase),
	   DB_FIELD_CHARS(struct cycle_head, started_on),
	   DB_FIELD_CHARS(struct cycle_head, school));

static enum eb_err head_get(struct db *db, int64_t district_id, int64_t id, struct cycle_head *h)
{
	return db_get_row(db,
			  "SELECT id, coach_account_id, phase, started_on, school_sourced_id FROM"
			  " coaching_cycle WHERE district_id=?1 AND id=?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(id)), &cycle_head_spec, NULL, h);
}

/* The coach or one of the cycle's teachers. */
static bool in_cycle(struct db *db, int64_t district_id, const struct cycle_head *h,
		     int64_t account_id)
{
	if (account_id == h->coach_id)
		return true;
	int64_t x;
	return db_get_int(db,
			  "SELECT 1 FROM coaching_teacher WHERE district_id=?1 AND cycle_id=?2 AND"
			  " account_id=?3",
			  DB_ARGS(DB_INT(district_id), DB_INT(h->id), DB_INT(account_id)),
			  &x) == EB_OK;
}

static enum eb_err touch(struct db *db, int64_t district_id, int64_t id)
{
	return db_execute(db,
			  "UPDATE coaching_cycle SET updated_at=?3 WHERE district_id=?1 AND id=?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(time_now())), NULL);
}

/* ---- reading one cycle ------------------------------------------------------- */

DB_ROWSPEC(cycle_spec, struct coaching_cycle, NULL, DB_FIELD_INT(struct coaching_cycle, id),
	   DB_FIELD_INT(struct coaching_cycle, district_id),
	   DB_FIELD_INT(struct coaching_cycle, coach_id), DB_FIELD_SKIP,
	   DB_FIELD_CHARS(struct coaching_cycle, title),
	   DB_FIELD_CHARS(struct coaching_cycle, school_sid),
	   DB_FIELD_CHARS(struct coaching_cycle, started_on),
	   DB_FIELD_CHARS(struct coaching_cycle, ended_on),
	   DB_FIELD_CHARS(struct coaching_cycle, coach_name),
	   DB_FIELD_INT(struct coaching_cycle, created_at),
	   DB_FIELD_INT(struct coaching_cycle, updated_at));

enum eb_err coaching_cycle_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			       struct coaching_cycle *out)
{
	char phase[12] = "";
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT c.id, c.district_id, c.coach_account_id, c.phase, c.title,"
		" c.school_sourced_id, c.started_on, coalesce(c.ended_on, ''),"
		" coalesce((SELECT display_name FROM account WHERE district_id=c.district_id AND "
		"id=c.coach_account_id), ''),"
		" c.created_at, c.updated_at FROM coaching_cycle c WHERE c.district_id=?1 AND"
		" c.id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &st);
	if (rc)
		return rc;
	bool found = false;
	memset(out, 0, sizeof *out);
	if (db_next(st)) {
		found = true;
		db_read_row(st, &cycle_spec, a, out);
		db_col_copy(st, 3, phase, sizeof phase);
	}
	if ((rc = db_done(st)))
		return rc;
	if (!found)
		return EB_ENOTFOUND;
	if (coaching_phase_parse(phase, &out->phase))
		out->phase = COACHING_IDENTIFY;

	size_t cap = COACHING_TEACHERS_MAX + 4;
	out->teachers = arena_alloc(a, cap * sizeof *out->teachers);
	out->teacher_names = arena_alloc(a, cap * sizeof *out->teacher_names);
	if (!out->teachers || !out->teacher_names)
		return EB_ENOMEM;
	if ((rc = db_query(
		     db,
		     "SELECT t.account_id, coalesce(a.display_name, a.login, '') FROM"
		     " coaching_teacher t LEFT JOIN account a ON a.district_id=t.district_id AND "
		     "a.id=t.account_id WHERE"
		     " t.district_id=?1 AND t.cycle_id=?2 ORDER BY a.display_name, t.account_id",
		     DB_ARGS(DB_INT(district_id), DB_INT(id)), &st)))
		return rc;
	while (db_next(st) && out->nteachers < cap) {
		out->teachers[out->nteachers] = db_col_int(st, 0);
		out->teacher_names[out->nteachers++] = db_col_str(st, 1, a);
	}
	if ((rc = db_done(st)))
		return rc;

	cap = COACHING_CLASSES_MAX + 4;
	out->classes = arena_alloc(a, cap * sizeof *out->classes);
	out->class_titles = arena_alloc(a, cap * sizeof *out->class_titles);
	if (!out->classes || !out->class_titles)
		return EB_ENOMEM;
	if ((rc = db_query(db,
			   "SELECT k.class_sourced_id, coalesce(c.title, k.class_sourced_id) FROM"
			   " coaching_class k LEFT JOIN class c ON c.district_id=k.district_id AND"
			   " c.sourced_id=k.class_sourced_id WHERE k.district_id=?1 AND"
			   " k.cycle_id=?2 ORDER BY 2",
			   DB_ARGS(DB_INT(district_id), DB_INT(id)), &st)))
		return rc;
	while (db_next(st) && out->nclasses < cap) {
		out->classes[out->nclasses] = db_col_str(st, 0, a);
		out->class_titles[out->nclasses++] = db_col_str(st, 1, a);
	}
	return db_done(st);
}

bool coaching_cycle_exists(struct db *db, int64_t district_id, int64_t id)
{
	int64_t x;
	return db_get_int(db, "SELECT 1 FROM coaching_cycle WHERE district_id=?1 AND id=?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(id)), &x) == EB_OK;
}

bool coaching_notes_visible(struct db *db, int64_t district_id, const struct account *viewer,
			    int64_t cycle_id)
{
	if (!viewer || viewer->district_id != district_id)
		return false;
	int64_t x;
	return db_get_int(db,
			  "SELECT 1 FROM coaching_cycle c WHERE c.district_id=?1 AND c.id=?2 AND"
			  " (c.coach_account_id=?3 OR EXISTS (SELECT 1 FROM coaching_teacher t"
			  " WHERE t.district_id=c.district_id AND t.cycle_id=c.id AND "
			  "t.account_id=?3) OR EXISTS (SELECT 1 FROM"
			  " coaching_share s WHERE s.district_id=c.district_id AND s.cycle_id=c.id "
			  "AND s.account_id=?3))",
			  DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_INT(viewer->id)),
			  &x) == EB_OK;
}

static bool principal_of(const struct account *a, const char *school)
{
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == ROLE_PRINCIPAL &&
		    strcmp(a->roles[i].scope_type, "school") == 0 &&
		    strcmp(a->roles[i].scope_id, school) == 0)
			return true;
	return false;
}

bool coaching_cycle_visible(struct db *db, int64_t district_id, const struct account *viewer,
			    const struct coaching_cycle *c)
{
	if (!viewer || viewer->district_id != district_id || c->district_id != district_id)
		return false;
	if (access_has(viewer, ROLE_DISTRICT_ADMIN) || access_has(viewer, ROLE_COORDINATOR))
		return true;
	if (principal_of(viewer, c->school_sid))
		return true;
	return coaching_notes_visible(db, district_id, viewer, c->id);
}

/* ---- the completed cycles ------------------------------------------------------ */

static int64_t day_seconds(const char *day)
{
	int32_t d;
	return day_of(day, &d) ? (int64_t)d * 86400 : 0;
}

/* Splits a stored comma-separated list into arena strings. */
static const char **split_list(const char *s, struct arena *a, size_t *n)
{
	size_t k = 1;
	for (const char *p = s; *p; p++)
		k += *p == ',';
	const char **out = arena_alloc(a, k * sizeof *out);
	*n = 0;
	if (!out)
		return NULL;
	const char *p = s;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len) {
			char *v = arena_alloc(a, len + 1);
			if (!v)
				return NULL;
			memcpy(v, p, len);
			v[len] = 0;
			out[(*n)++] = v;
		}
		p += len + (e != NULL);
	}
	return out;
}

enum eb_err coaching_completed_cycles(struct db *db, int64_t district_id, struct arena *a,
				      struct coaching_completed **rows, size_t *n)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT c.id, c.coach_account_id, c.started_on, coalesce(c.ended_on, c.started_on),"
		" (SELECT group_concat(class_sourced_id) FROM coaching_class k WHERE"
		" k.district_id=c.district_id AND k.cycle_id=c.id),"
		" (SELECT group_concat(standards) FROM coaching_goal g WHERE "
		"g.district_id=c.district_id AND g.cycle_id=c.id AND"
		" g.kind='students'),"
		" (SELECT group_concat(account_id) FROM coaching_teacher t WHERE "
		"t.district_id=c.district_id AND t.cycle_id=c.id)"
		" FROM coaching_cycle c WHERE c.district_id=?1 AND c.phase='completed'"
		" ORDER BY c.ended_on DESC, c.id DESC",
		DB_ARGS(DB_INT(district_id)), &st);
	if (rc)
		return rc;
	size_t cap = 16, k = 0;
	struct coaching_completed *out = arena_alloc(a, cap * sizeof *out);
	while (out && db_next(st)) {
		if (k == cap) {
			struct coaching_completed *grown = arena_alloc(a, 2 * cap * sizeof *out);
			if (!grown) {
				out = NULL;
				break;
			}
			memcpy(grown, out, cap * sizeof *out);
			out = grown;
			cap *= 2;
		}
		struct coaching_completed *r = &out[k++];
		memset(r, 0, sizeof *r);
		r->id = db_col_int(st, 0);
		r->coach_id = db_col_int(st, 1);
		r->started_on = db_col_str(st, 2, a);
		r->ended_on = db_col_str(st, 3, a);
		r->started_at = day_seconds(r->started_on);
		r->ended_at = day_seconds(r->ended_on);
		r->classes = split_list(db_col_str(st, 4, a), a, &r->nclasses);
		/* distinct standards over the cycle's goals */
		size_t ns = 0;
		const char **all = split_list(db_col_str(st, 5, a), a, &ns);
		r->standards = all;
		for (size_t i = 0; all && i < ns; i++) {
			bool seen = false;
			for (size_t j = 0; j < r->nstandards; j++)
				seen = seen || strcmp(all[j], all[i]) == 0;
			if (!seen)
				all[r->nstandards++] = all[i];
		}
		size_t nt = 0;
		const char **ts = split_list(db_col_str(st, 6, a), a, &nt);
		r->teachers = arena_alloc(a, (nt + 1) * sizeof *r->teachers);
		for (size_t i = 0; ts && r->teachers && i < nt; i++) {
			int64_t v;
			if (cstr_to_i64(ts[i], 1, INT64_MAX, &v) == EB_OK)
				r->teachers[r->nteachers++] = v;
		}
		if (!r->classes || !r->started_on || !r->teachers) {
			out = NULL;
			break;
		}
	}
	rc = db_done(st);
	if (rc)
		return rc;
	if (!out)
		return EB_ENOMEM;
	*rows = out;
	*n = k;
	return EB_OK;
}

/* ---- creating and changing ------------------------------------------------------- */

enum eb_err coaching_cycle_create(struct db *db, int64_t district_id, const struct coaching_form *f,
				  const struct audit_actor *who, int64_t *id, char *why, size_t cap)
{
	char title[COACHING_TITLE_MAX + 2], started[16];
	const char *ti = str_trimmed(f->title, title, sizeof title);
	const char *sd = str_trimmed(f->started_on, started, sizeof started);
	int32_t d;
	int64_t coach = who->account_id, x;
	if (!*ti || !text_ok(ti, COACHING_TITLE_MAX, false))
		return eb_say(why, cap, EB_EINVAL,
			      "title: give the cycle a title of at most 200 characters");
	if (f->coach && *f->coach && cstr_to_i64(f->coach, 1, INT64_MAX, &coach))
		return eb_say(why, cap, EB_EINVAL, "coach: choose a coach from the list");
	if (!holds_role(db, district_id, coach, "coach"))
		return eb_say(why, cap, EB_EINVAL, "coach: %s",
			      "the coach is not a coach of the district");
	if (f->nteachers == 0)
		return eb_say(why, cap, EB_EINVAL, "teachers: choose at least one teacher");
	if (f->nteachers > COACHING_TEACHERS_MAX)
		return eb_say(why, cap, EB_EINVAL, "teachers: at most %d teachers in one cycle",
			      COACHING_TEACHERS_MAX);
	int64_t tids[COACHING_TEACHERS_MAX];
	for (size_t i = 0; i < f->nteachers; i++) {
		if (!f->teachers[i] || cstr_to_i64(f->teachers[i], 1, INT64_MAX, &tids[i]) ||
		    !holds_role(db, district_id, tids[i], "teacher"))
			return eb_say(why, cap, EB_EINVAL,
				      "teachers: %.60s is not a teacher of the district",
				      f->teachers[i] ? f->teachers[i] : "");
		for (size_t j = 0; j < i; j++)
			if (tids[j] == tids[i])
				return eb_say(why, cap, EB_EINVAL,
					      "teachers: a teacher is named twice");
	}
	if (f->nclasses == 0)
		return eb_say(why, cap, EB_EINVAL, "classes: choose at least one class");
	if (f->nclasses > COACHING_CLASSES_MAX)
		return eb_say(why, cap, EB_EINVAL, "classes: at most %d classes in one cycle",
			      COACHING_CLASSES_MAX);
	char school[128] = "";
	for (size_t i = 0; i < f->nclasses; i++) {
		const char *c = f->classes[i] ? f->classes[i] : "";
		char s[128] = "";
		struct db_stmt *st;
		enum eb_err rc =
			db_query(db,
				 "SELECT school_sourced_id FROM class WHERE district_id=?1 AND"
				 " sourced_id=?2",
				 DB_ARGS(DB_INT(district_id), DB_TEXT(c)), &st);
		if (rc)
			return rc;
		bool found = false;
		if (db_next(st)) {
			found = true;
			db_col_copy(st, 0, s, sizeof s);
		}
		if ((rc = db_done(st)))
			return rc;
		if (!found)
			return eb_say(why, cap, EB_EINVAL,
				      "classes: there is no class %.80s in the district", c);
		for (size_t j = 0; j < i; j++)
			if (strcmp(f->classes[j], c) == 0)
				return eb_say(why, cap, EB_EINVAL,
					      "classes: a class is named twice");
		if (i == 0)
			str_copy(school, sizeof school, s);
	}
	if (!day_of(sd, &d))
		return eb_say(why, cap, EB_EINVAL, "started_on: give the start date as YYYY-MM-DD");

	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	int64_t now = time_now();
	if ((rc = db_execute(db,
			     "INSERT INTO coaching_cycle(district_id, coach_account_id, title,"
			     " school_sourced_id, phase, started_on, created_by, created_at,"
			     " updated_at) VALUES (?1, ?2, ?3, ?4, 'identify', ?5, ?6, ?7, ?7)",
			     DB_ARGS(DB_INT(district_id), DB_INT(coach), DB_TEXT(ti),
				     DB_TEXT(school), DB_TEXT(sd), DB_INT(who->account_id),
				     DB_INT(now)),
			     NULL)))
		goto out;
	if ((rc = db_get_int(db, "SELECT last_insert_rowid()", DB_NOARGS, &x)))
		goto out;
	for (size_t i = 0; i < f->nteachers && !rc; i++)
		rc = db_execute(db,
				"INSERT INTO coaching_teacher(district_id, cycle_id, account_id)"
				" VALUES (?1, ?2, ?3)",
				DB_ARGS(DB_INT(district_id), DB_INT(x), DB_INT(tids[i])), NULL);
	for (size_t i = 0; i < f->nclasses && !rc; i++)
		rc = db_execute(
			db,
			"INSERT INTO coaching_class(district_id, cycle_id, class_sourced_id)"
			" VALUES (?1, ?2, ?3)",
			DB_ARGS(DB_INT(district_id), DB_INT(x), DB_TEXT(f->classes[i])), NULL);
	if (rc)
		goto out;
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)x);
	if ((rc = audit_record(db, district_id, who, "create", "coaching_cycle", sid, ti)))
		goto out;
	rc = db_commit(db);
out:
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if (id)
		*id = x;
	return EB_OK;
}

enum eb_err coaching_set_phase(struct db *db, int64_t district_id, int64_t cycle_id,
			       const char *phase, const char *day, const struct audit_actor *who,
			       char *why, size_t cap)
{
	struct cycle_head h;
	enum coaching_phase p;
	int32_t d, s;
	enum eb_err rc = head_get(db, district_id, cycle_id, &h);
	if (rc)
		return rc;
	if (coaching_phase_parse(phase, &p))
		return eb_say(why, cap, EB_EINVAL, "phase: choose a phase from the list");
	bool over = p == COACHING_COMPLETED || p == COACHING_STOPPED;
	if (over && (!day_of(day, &d) || !day_of(h.started_on, &s)))
		return eb_say(why, cap, EB_EINVAL, "day: give the day as YYYY-MM-DD");
	if (over && d < s)
		return eb_say(why, cap, EB_EINVAL,
			      "day: the cycle cannot end before it started (%s)", h.started_on);
	if ((rc = db_begin(db)))
		return rc;
	if ((rc = db_execute(db,
			     "UPDATE coaching_cycle SET phase=?3, ended_on=?4, updated_at=?5 WHERE"
			     " district_id=?1 AND id=?2",
			     DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_TEXT(phase),
				     over ? DB_TEXT(day) : DB_NULL, DB_INT(time_now())),
			     NULL)))
		goto out;
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)cycle_id);
	if ((rc = audit_record(db, district_id, who, "update", "coaching_cycle", sid, phase)))
		goto out;
	rc = db_commit(db);
out:
	if (rc)
		db_rollback(db);
	return rc;
}

/* Writes one row and the audit entry in one transaction. */
static enum eb_err write_audited(struct db *db, int64_t district_id, int64_t cycle_id,
				 const struct audit_actor *who, const char *detail, const char *sql,
				 const struct db_arg *args, size_t nargs)
{
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	if ((rc = db_execute(db, sql, args, nargs, NULL)))
		goto out;
	if ((rc = touch(db, district_id, cycle_id)))
		goto out;
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)cycle_id);
	if ((rc = audit_record(db, district_id, who, "update", "coaching_cycle", sid, detail)))
		goto out;
	rc = db_commit(db);
out:
	if (rc)
		db_rollback(db);
	return rc;
}

enum eb_err coaching_entry_add(struct db *db, int64_t district_id, int64_t cycle_id,
			       const char *kind, const char *day, const char *at, const char *notes,
			       const struct audit_actor *who, char *why, size_t cap)
{
	struct cycle_head h;
	enum coaching_entry_kind k;
	int32_t d, s;
	enum eb_err rc = head_get(db, district_id, cycle_id, &h);
	if (rc)
		return rc;
	if (coaching_entry_parse(kind, &k))
		return eb_say(why, cap, EB_EINVAL, "kind: choose what the entry is from the list");
	if (!day_of(day, &d))
		return eb_say(why, cap, EB_EINVAL, "day: give the day as YYYY-MM-DD");
	if (day_of(h.started_on, &s) && d < s)
		return eb_say(why, cap, EB_EINVAL,
			      "day: the cycle started on %s; an entry cannot be"
			      " before it",
			      h.started_on);
	if (!at)
		at = "";
	if (*at) {
		int64_t hh, mm;
		char a2[3] = { at[0], at[0] ? at[1] : 0, 0 };
		if (strlen(at) != 5 || at[2] != ':' || cstr_to_i64(a2, 0, 23, &hh) ||
		    cstr_to_i64(at + 3, 0, 59, &mm))
			return eb_say(why, cap, EB_EINVAL,
				      "at: give the time as HH:MM, or leave it empty");
	}
	if (!notes)
		notes = "";
	if (!text_ok(notes, COACHING_NOTES_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "notes: at most %d characters of text",
			      COACHING_NOTES_MAX);
	return write_audited(
		db, district_id, cycle_id, who, entry_kinds[k].name,
		"INSERT INTO coaching_entry(district_id, cycle_id, kind, on_day, at,"
		" notes, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_TEXT(entry_kinds[k].name),
			DB_TEXT(day), DB_TEXT(at), DB_TEXT(notes), DB_INT(who->account_id),
			DB_INT(time_now())));
}

enum eb_err coaching_step_add(struct db *db, int64_t district_id, int64_t cycle_id,
			      const char *body, const char *owner, const char *due,
			      const struct audit_actor *who, char *why, size_t cap)
{
	struct cycle_head h;
	int32_t d, s;
	int64_t oid;
	char tmp[COACHING_STEP_MAX + 2];
	enum eb_err rc = head_get(db, district_id, cycle_id, &h);
	if (rc)
		return rc;
	const char *b = str_trimmed(body, tmp, sizeof tmp);
	if (!*b || !text_ok(b, COACHING_STEP_MAX, false))
		return eb_say(why, cap, EB_EINVAL,
			      "body: say what the step is, in at most %d"
			      " characters",
			      COACHING_STEP_MAX);
	if (!owner || cstr_to_i64(owner, 1, INT64_MAX, &oid) || !in_cycle(db, district_id, &h, oid))
		return eb_say(why, cap, EB_EINVAL,
			      "owner: the owner must be the coach or one of the cycle's teachers;"
			      " that person is not part of this cycle");
	if (!day_of(due, &d))
		return eb_say(why, cap, EB_EINVAL, "due: give the due date as YYYY-MM-DD");
	if (day_of(h.started_on, &s) && d < s)
		return eb_say(why, cap, EB_EINVAL,
			      "due: the due date %s is before the cycle started (%s)", due,
			      h.started_on);
	return write_audited(db, district_id, cycle_id, who, "step",
			     "INSERT INTO coaching_step(district_id, cycle_id, body,"
			     " owner_account_id, due_on, created_by, created_at) VALUES (?1, ?2,"
			     " ?3, ?4, ?5, ?6, ?7)",
			     DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_TEXT(b), DB_INT(oid),
				     DB_TEXT(due), DB_INT(who->account_id), DB_INT(time_now())));
}

enum eb_err coaching_step_done(struct db *db, int64_t district_id, int64_t cycle_id,
			       int64_t step_id, const char *day, const struct audit_actor *who)
{
	int64_t x;
	int32_t d;
	if (day && !day_of(day, &d))
		return EB_EINVAL;
	if (db_get_int(db,
		       "SELECT 1 FROM coaching_step WHERE district_id=?1 AND cycle_id=?2 AND id=?3",
		       DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_INT(step_id)), &x))
		return EB_ENOTFOUND;
	return write_audited(db, district_id, cycle_id, who, day ? "step done" : "step reopened",
			     "UPDATE coaching_step SET done_on=?4 WHERE district_id=?1 AND"
			     " cycle_id=?2 AND id=?3",
			     DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_INT(step_id),
				     day ? DB_TEXT(day) : DB_NULL));
}

enum eb_err coaching_resource_add(struct db *db, int64_t district_id, int64_t cycle_id,
				  const char *kind, const char *ref, const char *title,
				  const struct audit_actor *who, char *why, size_t cap)
{
	struct cycle_head h;
	char rtmp[COACHING_URL_MAX + 2], ttmp[COACHING_TITLE_MAX + 2], name[COACHING_TITLE_MAX + 1];
	enum eb_err rc = head_get(db, district_id, cycle_id, &h);
	if (rc)
		return rc;
	const char *r = str_trimmed(ref, rtmp, sizeof rtmp);
	const char *t = str_trimmed(title, ttmp, sizeof ttmp);
	if (!text_ok(t, COACHING_TITLE_MAX, false))
		return eb_say(why, cap, EB_EINVAL, "title: at most %d characters",
			      COACHING_TITLE_MAX);
	str_copy(name, sizeof name, t);
	if (!kind)
		kind = "";
	if (strcmp(kind, "tool") == 0) {
		int64_t tid;
		struct tool tl;
		if (cstr_to_i64(r, 1, INT64_MAX, &tid) || tools_get(db, district_id, tid, &tl))
			return eb_say(why, cap, EB_EINVAL,
				      "ref: there is no such tool in the inventory");
		if (!*name)
			str_copy(name, sizeof name, tl.name);
	} else if (strcmp(kind, "strategy") == 0) {
		const struct strategy *sg = NULL;
		strategies_init();
		for (size_t i = 0; i < strategies_count() && !sg; i++)
			if (strcmp(strategies_at(i)->id, r) == 0)
				sg = strategies_at(i);
		if (!sg)
			return eb_say(why, cap, EB_EINVAL,
				      "ref: there is no such strategy in the library");
		if (!*name)
			str_copy(name, sizeof name, sg->name);
	} else if (strcmp(kind, "kb") == 0) {
		int64_t kid;
		char ktitle[COACHING_TITLE_MAX + 1] = "";
		struct db_stmt *st;
		bool found = false;
		if (cstr_to_i64(r, 1, INT64_MAX, &kid))
			return eb_say(why, cap, EB_EINVAL,
				      "ref: there is no such article in the knowledge base");
		if ((rc = db_query(db,
				   "SELECT title FROM kb_article WHERE district_id=?1 AND id=?2",
				   DB_ARGS(DB_INT(district_id), DB_INT(kid)), &st)))
			return rc;
		if (db_next(st)) {
			found = true;
			db_col_copy(st, 0, ktitle, sizeof ktitle);
		}
		if ((rc = db_done(st)))
			return rc;
		if (!found)
			return eb_say(why, cap, EB_EINVAL,
				      "ref: there is no such article in the knowledge base");
		if (!*name)
			str_copy(name, sizeof name, ktitle);
	} else if (strcmp(kind, "url") == 0) {
		if (!is_web_address(r) || strlen(r) > COACHING_URL_MAX)
			return eb_say(why, cap, EB_EINVAL,
				      "ref: a web address starts with https:// and has no spaces");
		if (!*name)
			return eb_say(why, cap, EB_EINVAL, "title: say what the link is");
	} else {
		return eb_say(
			why, cap, EB_EINVAL,
			"kind: a resource is a tool, a strategy, an article or a web address");
	}
	return write_audited(
		db, district_id, cycle_id, who, "resource",
		"INSERT INTO coaching_resource(district_id, cycle_id, kind, ref, title,"
		" created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_TEXT(kind), DB_TEXT(r),
			DB_TEXT(name), DB_INT(who->account_id), DB_INT(time_now())));
}

enum eb_err coaching_share_set(struct db *db, int64_t district_id, int64_t cycle_id,
			       const struct account *teacher, int64_t account_id, bool share,
			       const struct audit_actor *who, char *why, size_t cap)
{
	struct cycle_head h;
	int64_t x;
	enum eb_err rc = head_get(db, district_id, cycle_id, &h);
	if (rc)
		return rc;
	if (db_get_int(db,
		       "SELECT 1 FROM coaching_teacher WHERE district_id=?1 AND cycle_id=?2 AND"
		       " account_id=?3",
		       DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_INT(teacher->id)), &x))
		return eb_say(why, cap, EB_EPERM,
			      "Only the cycle's teachers decide whom the notes are shared with.");
	if (share) {
		if (db_get_int(db,
			       "SELECT 1 FROM account a WHERE a.district_id=?1 AND a.id=?2 AND"
			       " a.disabled=0 AND EXISTS (SELECT 1 FROM account_role r WHERE"
			       " r.district_id=a.district_id AND r.account_id=a.id AND r.role IN "
			       "('district_admin', 'coordinator',"
			       " 'principal', 'coach', 'teacher'))",
			       DB_ARGS(DB_INT(district_id), DB_INT(account_id)), &x))
			return eb_say(
				why, cap, EB_EINVAL,
				"account: choose a staff member of the district to share with");
		return write_audited(
			db, district_id, cycle_id, who, "notes shared",
			"INSERT OR IGNORE INTO coaching_share(district_id, cycle_id,"
			" account_id, shared_by, shared_at) VALUES (?1, ?2, ?3, ?4, ?5)",
			DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_INT(account_id),
				DB_INT(teacher->id), DB_INT(time_now())));
	}
	return write_audited(db, district_id, cycle_id, who, "notes share taken back",
			     "DELETE FROM coaching_share WHERE district_id=?1 AND cycle_id=?2 AND"
			     " account_id=?3",
			     DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_INT(account_id)));
}

/* ---- goals ------------------------------------------------------------------------ */

enum eb_err coaching_class_secure(struct db *db, int64_t district_id, const char *class_sid,
				  const char *const *standards, size_t nstandards, double *pct,
				  int *students)
{
	struct district_levels lv;
	int64_t total = 0, secure = 0;
	char list[COACHING_GOAL_STANDARDS_MAX * 40 + 2] = ",";
	size_t len = 1;
	enum eb_err rc;
	*pct = -1;
	*students = 0;
	if (nstandards == 0 || nstandards > COACHING_GOAL_STANDARDS_MAX)
		return EB_EINVAL;
	for (size_t i = 0; i < nstandards; i++) {
		int k = snprintf(list + len, sizeof list - len, "%s,", standards[i]);
		if (k < 0 || (size_t)k >= sizeof list - len)
			return EB_ETOOBIG;
		len += (size_t)k;
	}
	if ((rc = district_levels(db, district_id, &lv)))
		return rc;
	if ((rc = db_get_int(db,
			     "SELECT count(*) FROM enrollment WHERE district_id=?1 AND"
			     " class_sourced_id=?2 AND role='student' AND status='active'",
			     DB_ARGS(DB_INT(district_id), DB_TEXT(class_sid)), &total)))
		return rc;
	if ((rc = db_get_int(
		     db,
		     "SELECT count(*) FROM (SELECT e.user_sourced_id FROM enrollment e JOIN"
		     " mastery_state m ON m.district_id=e.district_id AND"
		     " m.student_sourced_id=e.user_sourced_id WHERE e.district_id=?1 AND"
		     " e.class_sourced_id=?2 AND e.role='student' AND e.status='active' AND"
		     " instr(?3, ',' || m.standard_code || ',') > 0 AND m.inferred=0 AND m.p >= ?4"
		     " GROUP BY e.user_sourced_id HAVING count(DISTINCT m.standard_code) = ?5)",
		     DB_ARGS(DB_INT(district_id), DB_TEXT(class_sid), DB_TEXT(list),
			     DB_REAL(lv.proficient), DB_INT(nstandards)),
		     &secure)))
		return rc;
	*students = (int)total;
	if (total > 0)
		*pct = 100.0 * (double)secure / (double)total;
	return EB_OK;
}

/* A practice goal's key: an observation measure (a share 0..1, stored and
 * shown as a percent; or a rate) or an indicator (a rating 1..4). */
static bool practice_indicator_ok(const char *key)
{
	return observation_measure_find(key) || observation_indicator_find(key);
}

static const char *practice_indicator_label(const char *key)
{
	const struct observation_measure *m = observation_measure_find(key);
	const struct observation_indicator *i = observation_indicator_find(key);
	return m ? m->label : i ? i->label : key;
}

/* The goal's value in its unit: a share measure in percent. */
static double practice_scale(const char *key, double v)
{
	const struct observation_measure *m = observation_measure_find(key);
	return m && m->share ? 100 * v : v;
}

/* The first teacher of the cycle (whose observations a practice goal
 * without a class follows). */
static int64_t first_teacher(struct db *db, int64_t district_id, int64_t cycle_id)
{
	int64_t t = 0;
	db_get_int(db,
		   "SELECT min(account_id) FROM coaching_teacher WHERE district_id=?1 AND"
		   " cycle_id=?2",
		   DB_ARGS(DB_INT(district_id), DB_INT(cycle_id)), &t);
	return t;
}

/* A practice goal's points: one per closed observation since from_day
 * (of the class when given, else of the cycle's first teacher), in the
 * goal's unit. */
static enum eb_err practice_points(struct db *db, int64_t district_id, int64_t cycle_id,
				   const char *indicator, const char *class_sid,
				   const char *from_day, struct arena *a,
				   struct coaching_point **pts, size_t *n)
{
	struct observation_point *op = NULL;
	size_t no = 0;
	int64_t teacher = class_sid && *class_sid ? 0 : first_teacher(db, district_id, cycle_id);
	*n = 0;
	enum eb_err rc = observation_series(db, district_id, teacher, class_sid, indicator,
					    day_seconds(from_day), 0, a, &op, &no);
	if (rc)
		return rc;
	struct coaching_point *out = arena_zalloc(a, (no + 1) * sizeof *out);
	if (!out)
		return EB_ENOMEM;
	for (size_t i = 0; i < no; i++) {
		int y;
		unsigned m, d;
		civil_from_days((int32_t)(op[i].at / 86400), &y, &m, &d);
		snprintf(out[i].day, sizeof out[i].day, "%04d-%02u-%02u", y, m, d);
		out[i].value = practice_scale(indicator, op[i].value);
	}
	*pts = out;
	*n = no;
	return EB_OK;
}

/* The newest value of a practice goal (-1: no observation yet). */
static double practice_value(struct db *db, int64_t district_id, int64_t cycle_id,
			     const char *indicator, const char *class_sid, const char *from_day)
{
	struct arena a;
	arena_init(&a);
	struct coaching_point *p;
	size_t n;
	double v = -1;
	if (practice_points(db, district_id, cycle_id, indicator, class_sid, from_day, &a, &p,
			    &n) == EB_OK &&
	    n)
		v = p[n - 1].value;
	arena_free(&a);
	return v;
}

/* Parses "7.RP.A.2, 7.RP.A.3" into canonical codes. */
static enum eb_err parse_standards(const char *in, char codes[][40], size_t *n, char *why,
				   size_t cap)
{
	*n = 0;
	const char *p = in ? in : "";
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && *e != ',' && *e != ' ' && *e != '\t' && *e != ';')
			e++;
		char one[64];
		size_t len = (size_t)(e - p);
		if (len >= sizeof one)
			return eb_say(why, cap, EB_EINVAL, "standards: a code is too long");
		memcpy(one, p, len);
		one[len] = 0;
		if (*n == COACHING_GOAL_STANDARDS_MAX)
			return eb_say(why, cap, EB_EINVAL,
				      "standards: at most %d standards in one goal",
				      COACHING_GOAL_STANDARDS_MAX);
		const struct standard *s = standards_find(one);
		if (!s || s->kind == STANDARD_CLUSTER)
			return eb_say(
				why, cap, EB_EINVAL,
				"standards: %s is not a standard of the catalog (write it like"
				" 7.RP.A.2)",
				one);
		str_copy(codes[*n], 40, s->code);
		for (size_t j = 0; j < *n; j++)
			if (strcmp(codes[j], s->code) == 0)
				return eb_say(why, cap, EB_EINVAL, "standards: %s is named twice",
					      s->code);
		(*n)++;
		p = e;
	}
	if (*n == 0)
		return eb_say(why, cap, EB_EINVAL,
			      "standards: name at least one standard, like 7.RP.A.2");
	return EB_OK;
}

static bool cycle_has_class(struct db *db, int64_t district_id, int64_t cycle_id, const char *c)
{
	int64_t x;
	return db_get_int(db,
			  "SELECT 1 FROM coaching_class WHERE district_id=?1 AND cycle_id=?2 AND"
			  " class_sourced_id=?3",
			  DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_TEXT(c)), &x) == EB_OK;
}

enum eb_err coaching_goal_add(struct db *db, int64_t district_id, int64_t cycle_id,
			      const struct coaching_goal_form *f, const char *day,
			      const struct audit_actor *who, int64_t *goal_id, char *why,
			      size_t cap)
{
	struct cycle_head h;
	int32_t d, s, today;
	double target;
	enum eb_err rc = head_get(db, district_id, cycle_id, &h);
	if (rc)
		return rc;
	const char *kind = f->kind ? f->kind : "students";
	bool students = strcmp(kind, "students") == 0;
	if (!students && strcmp(kind, "practice") != 0)
		return eb_say(why, cap, EB_EINVAL,
			      "kind: a goal is about students' learning or about practice");
	const char *cls = f->class_sid ? f->class_sid : "";
	if ((students || *cls) && !cycle_has_class(db, district_id, cycle_id, cls))
		return eb_say(why, cap, EB_EINVAL, "class: choose one of the cycle's classes");
	char codes[COACHING_GOAL_STANDARDS_MAX][40];
	size_t ncodes = 0;
	char joined[COACHING_GOAL_STANDARDS_MAX * 40 + 1] = "";
	const char *indicator = "";
	if (students) {
		if ((rc = parse_standards(f->standards, codes, &ncodes, why, cap)))
			return rc;
	} else {
		indicator = f->indicator ? f->indicator : "";
		if (!practice_indicator_ok(indicator))
			return eb_say(why, cap, EB_EINVAL,
				      "indicator: choose an observation indicator from the list");
	}
	if (!f->target || str_to_double(str_trim(str_from(f->target)), &target) ||
	    !isfinite(target))
		return eb_say(why, cap, EB_EINVAL,
			      students ? "target: give a share from 1 to 100 %%"
				       : "target: give the value to reach");
	if (students && (target < 1 || target > 100))
		return eb_say(why, cap, EB_EINVAL,
			      "target: a share of students is from 1 to 100 %% (not %g)", target);
	if (!students && observation_measure_find(indicator) &&
	    observation_measure_find(indicator)->share && (target < 1 || target > 100))
		return eb_say(why, cap, EB_EINVAL, "target: a share is from 1 to 100 %%");
	if (!students && observation_indicator_find(indicator) && (target < 1 || target > 4))
		return eb_say(why, cap, EB_EINVAL, "target: a rating is from 1 to 4");
	if (!students && (target < 0 || target > 1000))
		return eb_say(why, cap, EB_EINVAL, "target: give a value from 0 to 1000");
	if (!day_of(f->target_on, &d))
		return eb_say(why, cap, EB_EINVAL, "target_on: give the date as YYYY-MM-DD");
	if (!day_of(day, &today) || !day_of(h.started_on, &s))
		return EB_EINVAL;
	if (d <= s)
		return eb_say(why, cap, EB_EINVAL,
			      "target_on: the date must be after the cycle started (%s)",
			      h.started_on);
	/* a standard the class's grade does not study: warned, stored if confirmed */
	bool off = false;
	if (students) {
		char grades[64] = "";
		struct db_stmt *st;
		if ((rc = db_query(db,
				   "SELECT coalesce(grades, '') FROM class WHERE district_id=?1 AND"
				   " sourced_id=?2",
				   DB_ARGS(DB_INT(district_id), DB_TEXT(cls)), &st)))
			return rc;
		if (db_next(st))
			db_col_copy(st, 0, grades, sizeof grades);
		if ((rc = db_done(st)))
			return rc;
		int g = groups_class_grade(grades);
		size_t len = 0;
		for (size_t i = 0; i < ncodes; i++) {
			const struct standard *sd = standards_find(codes[i]);
			if (g >= 0 && sd && sd->grade != g && !off) {
				off = true;
				if (!f->confirm)
					return eb_say(
						why, cap, EB_ECONFLICT,
						"standards: %s is a grade %s standard and this"
						" class studies grade %d. Store the goal anyway"
						" if the class works on it.",
						sd->code, sd->grade_label, g);
			}
			int k = snprintf(joined + len, sizeof joined - len, "%s%s", i ? "," : "",
					 codes[i]);
			if (k > 0)
				len += (size_t)k;
		}
	}
	/* the start value, read now */
	double start = -1;
	int nstud = 0;
	if (students) {
		const char *ptrs[COACHING_GOAL_STANDARDS_MAX];
		for (size_t i = 0; i < ncodes; i++)
			ptrs[i] = codes[i];
		if ((rc = coaching_class_secure(db, district_id, cls, ptrs, ncodes, &start,
						&nstud)))
			return rc;
	} else {
		start = practice_value(db, district_id, cycle_id, indicator, cls, h.started_on);
	}

	if ((rc = db_begin(db)))
		return rc;
	int64_t gid = 0;
	if ((rc = db_execute(
		     db,
		     "INSERT INTO coaching_goal(district_id, cycle_id, kind, class_sourced_id,"
		     " standards, indicator, target, target_on, start_value, start_on,"
		     " off_grade, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		     " ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
		     DB_ARGS(DB_INT(district_id), DB_INT(cycle_id), DB_TEXT(kind), DB_TEXT(cls),
			     DB_TEXT(joined), DB_TEXT(indicator), DB_REAL(target),
			     DB_TEXT(f->target_on), DB_REAL(start), DB_TEXT(day), DB_INT(off),
			     DB_INT(who->account_id), DB_INT(time_now())),
		     NULL)))
		goto out;
	if ((rc = db_get_int(db, "SELECT last_insert_rowid()", DB_NOARGS, &gid)))
		goto out;
	if (start >= 0 &&
	    (rc = db_execute(
		     db,
		     "INSERT OR REPLACE INTO coaching_goal_point(district_id, goal_id, on_day,"
		     " value, students) VALUES (?1, ?2, ?3, ?4, ?5)",
		     DB_ARGS(DB_INT(district_id), DB_INT(gid), DB_TEXT(day), DB_REAL(start),
			     DB_INT(nstud)),
		     NULL)))
		goto out;
	if ((rc = touch(db, district_id, cycle_id)))
		goto out;
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)cycle_id);
	if ((rc = audit_record(db, district_id, who, "update", "coaching_cycle", sid,
			       off ? "goal (off the class's grade, confirmed)" : "goal")))
		goto out;
	rc = db_commit(db);
out:
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if (goal_id)
		*goal_id = gid;
	return EB_OK;
}

enum coaching_goal_state coaching_goal_rule(double start, const char *start_on, double target,
					    const char *target_on, const struct coaching_point *pts,
					    size_t n, const char *today)
{
	int32_t t0, t1, now, last;
	if (n == 0 || !day_of(today, &now))
		return COACHING_GOAL_NO_DATA;
	double v = pts[n - 1].value;
	if (v >= target)
		return COACHING_GOAL_MET;
	if (!day_of(target_on, &t1))
		return COACHING_GOAL_NO_DATA;
	if (now > t1)
		return COACHING_GOAL_MISSED;
	if (!day_of(pts[n - 1].day, &last) || now - last > COACHING_NO_DATA_DAYS)
		return COACHING_GOAL_NO_DATA;
	if (start < 0 || !day_of(start_on, &t0)) {
		start = pts[0].value;
		if (!day_of(pts[0].day, &t0))
			return COACHING_GOAL_NO_DATA;
	}
	if (t1 <= t0)
		return COACHING_GOAL_AT_RISK;
	double frac = (double)(now - t0) / (double)(t1 - t0);
	if (frac < 0)
		frac = 0;
	double expected = start + (target - start) * frac;
	return v + 1e-9 < expected ? COACHING_GOAL_AT_RISK : COACHING_GOAL_ON_TRACK;
}

static void month_day(const char *day, char *out, size_t cap)
{
	static const char *const months[] = { "January",   "February", "March",	   "April",
					      "May",	   "June",     "July",	   "August",
					      "September", "October",  "November", "December" };
	int32_t d;
	int y;
	unsigned m, dd;
	if (!day_of(day, &d)) {
		str_copy(out, cap, day ? day : "");
		return;
	}
	civil_from_days(d, &y, &m, &dd);
	snprintf(out, cap, "%s %u", months[(m - 1) % 12], dd);
}

void coaching_goal_sentence(const struct coaching_goal *g, char *out, size_t cap)
{
	char when[32];
	month_day(g->target_on, when, sizeof when);
	const char *state = coaching_goal_state_label(g->state);
	if (g->kind == COACHING_GOAL_STUDENTS) {
		if (g->now < 0)
			snprintf(out, cap, "No mastery data yet; the goal is %.0f %% secure by %s.",
				 g->target, when);
		else
			snprintf(out, cap, "%.0f %% secure now, %.0f %% by %s: %s.", g->now,
				 g->target, when, state);
	} else {
		if (g->now < 0)
			snprintf(out, cap, "No observation yet; the goal is %g by %s.", g->target,
				 when);
		else
			snprintf(out, cap, "%g now, %g by %s: %s.", g->now, g->target, when, state);
	}
}

struct goal_raw {
	int64_t id;
	char *kind, *class_sid, *class_title, *standards, *indicator, *target_on, *start_on;
	double target, start_value;
	int64_t off_grade;
};
DB_ROWSPEC(goal_raw_spec, struct goal_raw, NULL, DB_FIELD_INT(struct goal_raw, id),
	   DB_FIELD_STR(struct goal_raw, kind), DB_FIELD_STR(struct goal_raw, class_sid),
	   DB_FIELD_STR(struct goal_raw, class_title), DB_FIELD_STR(struct goal_raw, standards),
	   DB_FIELD_STR(struct goal_raw, indicator), DB_FIELD_REAL(struct goal_raw, target),
	   DB_FIELD_STR(struct goal_raw, target_on), DB_FIELD_REAL(struct goal_raw, start_value),
	   DB_FIELD_STR(struct goal_raw, start_on), DB_FIELD_INT(struct goal_raw, off_grade));

DB_ROWSPEC(point_spec, struct coaching_point, NULL, DB_FIELD_CHARS(struct coaching_point, day),
	   DB_FIELD_REAL(struct coaching_point, value),
	   DB_FIELD_INT(struct coaching_point, students));

enum eb_err coaching_goals(struct db *db, int64_t district_id, int64_t cycle_id, const char *today,
			   bool record, struct arena *a, struct coaching_goal **rows, size_t *n)
{
	struct goal_raw *raw;
	size_t nraw;
	enum eb_err rc = db_get_rows(
		db,
		"SELECT g.id, g.kind, g.class_sourced_id, coalesce(c.title, g.class_sourced_id),"
		" g.standards, g.indicator, g.target, g.target_on, g.start_value, g.start_on,"
		" g.off_grade FROM coaching_goal g LEFT JOIN class c ON"
		" c.district_id=g.district_id AND c.sourced_id=g.class_sourced_id WHERE"
		" g.district_id=?1 AND g.cycle_id=?2 ORDER BY g.id",
		DB_ARGS(DB_INT(district_id), DB_INT(cycle_id)), &goal_raw_spec, a, &raw, &nraw);
	if (rc)
		return rc;
	struct coaching_goal *out = arena_alloc(a, (nraw + 1) * sizeof *out);
	if (!out)
		return EB_ENOMEM;
	for (size_t i = 0; i < nraw; i++) {
		struct coaching_goal *g = &out[i];
		memset(g, 0, sizeof *g);
		g->id = raw[i].id;
		g->cycle_id = cycle_id;
		g->kind = strcmp(raw[i].kind, "practice") == 0 ? COACHING_GOAL_PRACTICE
							       : COACHING_GOAL_STUDENTS;
		g->class_sid = raw[i].class_sid;
		g->class_title = raw[i].class_title;
		g->indicator = raw[i].indicator;
		g->indicator_label = practice_indicator_label(raw[i].indicator);
		g->standards = split_list(raw[i].standards, a, &g->nstandards);
		if (!g->standards)
			return EB_ENOMEM;
		g->target = raw[i].target;
		g->target_on = raw[i].target_on;
		g->start_value = raw[i].start_value;
		g->start_on = raw[i].start_on;
		g->off_grade = raw[i].off_grade != 0;
		if (g->kind == COACHING_GOAL_PRACTICE) {
			char from[11] = "";
			struct db_stmt *st;
			if ((rc = db_query(
				     db,
				     "SELECT started_on FROM coaching_cycle WHERE district_id=?1"
				     " AND id=?2",
				     DB_ARGS(DB_INT(district_id), DB_INT(cycle_id)), &st)))
				return rc;
			if (db_next(st))
				db_col_copy(st, 0, from, sizeof from);
			if ((rc = db_done(st)))
				return rc;
			if ((rc = practice_points(db, district_id, cycle_id, g->indicator,
						  g->class_sid, from, a, &g->points, &g->npoints)))
				return rc;
			g->now = g->npoints ? g->points[g->npoints - 1].value : -1;
			g->state = coaching_goal_rule(g->start_value, g->start_on, g->target,
						      g->target_on, g->points, g->npoints,
						      today ? today : "");
			continue;
		}
		if (record && today) {
			double v = -1;
			int ns = 0;
			rc = coaching_class_secure(db, district_id, g->class_sid, g->standards,
						   g->nstandards, &v, &ns);
			if (rc)
				return rc;
			if (v >= 0 &&
			    (rc = db_execute(
				     db,
				     "INSERT OR REPLACE INTO coaching_goal_point(district_id,"
				     " goal_id, on_day, value, students) VALUES (?1, ?2, ?3, ?4,"
				     " ?5)",
				     DB_ARGS(DB_INT(district_id), DB_INT(g->id), DB_TEXT(today),
					     DB_REAL(v), DB_INT(ns)),
				     NULL)))
				return rc;
		}
		if ((rc = db_get_rows(
			     db,
			     "SELECT on_day, value, students FROM coaching_goal_point WHERE"
			     " district_id=?1 AND goal_id=?2 ORDER BY on_day",
			     DB_ARGS(DB_INT(district_id), DB_INT(g->id)), &point_spec, a,
			     &g->points, &g->npoints)))
			return rc;
		g->now = g->npoints ? g->points[g->npoints - 1].value : -1;
		g->state = coaching_goal_rule(g->start_value, g->start_on, g->target, g->target_on,
					      g->points, g->npoints, today ? today : "");
	}
	*rows = out;
	*n = nraw;
	return EB_OK;
}

/* ---- reading lists ----------------------------------------------------------------- */

static enum eb_err entry_finish(struct db_stmt *st, void *row, struct arena *a)
{
	(void)a;
	struct coaching_entry *e = row;
	const char *k = db_col_text(st, 1);
	if (coaching_entry_parse(k, &e->kind))
		e->kind = COACHING_KICKOFF;
	return EB_OK;
}

DB_ROWSPEC(entry_spec, struct coaching_entry, entry_finish, DB_FIELD_INT(struct coaching_entry, id),
	   DB_FIELD_SKIP, DB_FIELD_STR(struct coaching_entry, on_day),
	   DB_FIELD_STR(struct coaching_entry, at), DB_FIELD_STR(struct coaching_entry, notes),
	   DB_FIELD_STR(struct coaching_entry, author));

enum eb_err coaching_entries(struct db *db, int64_t district_id, int64_t cycle_id, struct arena *a,
			     struct coaching_entry **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT e.id, e.kind, e.on_day, e.at, e.notes,"
		" coalesce((SELECT display_name FROM account WHERE district_id=e.district_id AND "
		"id=e.created_by), '')"
		" FROM coaching_entry e WHERE e.district_id=?1 AND e.cycle_id=?2 ORDER BY"
		" e.on_day, e.at, e.id",
		DB_ARGS(DB_INT(district_id), DB_INT(cycle_id)), &entry_spec, a, rows, n);
}

DB_ROWSPEC(step_spec, struct coaching_step, NULL, DB_FIELD_INT(struct coaching_step, id),
	   DB_FIELD_INT(struct coaching_step, owner_id), DB_FIELD_STR(struct coaching_step, body),
	   DB_FIELD_STR(struct coaching_step, owner_name),
	   DB_FIELD_STR(struct coaching_step, due_on), DB_FIELD_STR(struct coaching_step, done_on));

enum eb_err coaching_steps(struct db *db, int64_t district_id, int64_t cycle_id, struct arena *a,
			   struct coaching_step **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT s.id, s.owner_account_id, s.body, coalesce(a.display_name,"
			   " a.login, ''), s.due_on, coalesce(s.done_on, '') FROM coaching_step s"
			   " LEFT JOIN account a ON a.district_id=s.district_id AND "
			   "a.id=s.owner_account_id WHERE s.district_id=?1"
			   " AND s.cycle_id=?2 ORDER BY s.done_on IS NOT NULL, s.due_on, s.id",
			   DB_ARGS(DB_INT(district_id), DB_INT(cycle_id)), &step_spec, a, rows, n);
}

DB_ROWSPEC(resource_spec, struct coaching_resource, NULL,
	   DB_FIELD_INT(struct coaching_resource, id), DB_FIELD_STR(struct coaching_resource, kind),
	   DB_FIELD_STR(struct coaching_resource, ref),
	   DB_FIELD_STR(struct coaching_resource, title));

enum eb_err coaching_resources(struct db *db, int64_t district_id, int64_t cycle_id,
			       struct arena *a, struct coaching_resource **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT id, kind, ref, title FROM coaching_resource WHERE district_id=?1"
			   " AND cycle_id=?2 ORDER BY id",
			   DB_ARGS(DB_INT(district_id), DB_INT(cycle_id)), &resource_spec, a, rows,
			   n);
}

enum eb_err coaching_shares(struct db *db, int64_t district_id, int64_t cycle_id, struct arena *a,
			    int64_t **ids, const char ***names, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 64, k = 0;
	int64_t *iv = arena_alloc(a, cap * sizeof *iv);
	const char **nv = arena_alloc(a, cap * sizeof *nv);
	if (!iv || !nv)
		return EB_ENOMEM;
	enum eb_err rc = db_query(db,
				  "SELECT s.account_id, coalesce(a.display_name, a.login, '') FROM"
				  " coaching_share s LEFT JOIN account a ON "
				  "a.district_id=s.district_id AND a.id=s.account_id WHERE"
				  " s.district_id=?1 AND s.cycle_id=?2 ORDER BY 2 LIMIT 64",
				  DB_ARGS(DB_INT(district_id), DB_INT(cycle_id)), &st);
	if (rc)
		return rc;
	while (db_next(st) && k < cap) {
		iv[k] = db_col_int(st, 0);
		nv[k++] = db_col_str(st, 1, a);
	}
	if ((rc = db_done(st)))
		return rc;
	*ids = iv;
	*names = nv;
	*n = k;
	return EB_OK;
}

struct list_raw {
	int64_t id, coach_id;
	char *phase, *title, *coach_name, *teachers, *classes, *school_sid, *school_name;
	char *started_on, *last_entry_on, *next_meeting;
	int64_t open_steps, overdue_steps, goals, at_risk, met;
};
DB_ROWSPEC(list_spec, struct list_raw, NULL, DB_FIELD_INT(struct list_raw, id),
	   DB_FIELD_INT(struct list_raw, coach_id), DB_FIELD_STR(struct list_raw, phase),
	   DB_FIELD_STR(struct list_raw, title), DB_FIELD_STR(struct list_raw, coach_name),
	   DB_FIELD_STR(struct list_raw, teachers), DB_FIELD_STR(struct list_raw, classes),
	   DB_FIELD_STR(struct list_raw, school_sid), DB_FIELD_STR(struct list_raw, school_name),
	   DB_FIELD_STR(struct list_raw, started_on), DB_FIELD_STR(struct list_raw, last_entry_on),
	   DB_FIELD_STR(struct list_raw, next_meeting), DB_FIELD_INT(struct list_raw, open_steps),
	   DB_FIELD_INT(struct list_raw, overdue_steps), DB_FIELD_INT(struct list_raw, goals));

/* The goals' states from their stored points (no new reading). */
static enum eb_err goal_counts(struct db *db, int64_t district_id, int64_t cycle_id,
			       const char *today, struct arena *a, int *goals, int *at_risk,
			       int *met)
{
	struct coaching_goal *g;
	size_t n;
	enum eb_err rc = coaching_goals(db, district_id, cycle_id, today, false, a, &g, &n);
	if (rc)
		return rc;
	*goals = (int)n;
	*at_risk = *met = 0;
	for (size_t i = 0; i < n; i++) {
		*at_risk += g[i].state == COACHING_GOAL_AT_RISK ||
			    g[i].state == COACHING_GOAL_MISSED;
		*met += g[i].state == COACHING_GOAL_MET;
	}
	return EB_OK;
}

#define LIST_SELECT                                                                                \
	"SELECT c.id, c.coach_account_id, c.phase, c.title,"                                       \
	" coalesce((SELECT display_name FROM account WHERE district_id=c.district_id AND "         \
	"id=c.coach_account_id), ''),"                                                             \
	" coalesce((SELECT group_concat(name, ', ') FROM (SELECT a.display_name AS name FROM"      \
	" coaching_teacher t JOIN account a ON a.district_id=t.district_id AND a.id=t.account_id " \
	"WHERE t.district_id=c.district_id AND t.cycle_id=c.id ORDER BY"                           \
	" a.display_name)), ''),"                                                                  \
	" coalesce((SELECT group_concat(title, ', ') FROM (SELECT coalesce(k2.title,"              \
	" k.class_sourced_id) AS title FROM coaching_class k LEFT JOIN class k2 ON"                \
	" k2.district_id=k.district_id AND k2.sourced_id=k.class_sourced_id WHERE"                 \
	" k.district_id=c.district_id AND k.cycle_id=c.id ORDER BY 1)), ''),"                      \
	" c.school_sourced_id, coalesce((SELECT name FROM org WHERE district_id=c.district_id AND" \
	" sourced_id=c.school_sourced_id), c.school_sourced_id), c.started_on,"                    \
	" coalesce((SELECT max(on_day) FROM coaching_entry e WHERE e.district_id=c.district_id "   \
	"AND e.cycle_id=c.id AND"                                                                  \
	" e.on_day <= ?3), ''),"                                                                   \
	" coalesce((SELECT e.on_day || CASE WHEN e.at <> '' THEN ' ' || e.at ELSE '' END FROM"     \
	" coaching_entry e WHERE e.district_id=c.district_id AND e.cycle_id=c.id AND e.on_day >= " \
	"?3 ORDER BY e.on_day, e.at"                                                               \
	" LIMIT 1), ''),"                                                                          \
	" (SELECT count(*) FROM coaching_step s WHERE s.district_id=c.district_id AND "            \
	"s.cycle_id=c.id AND s.done_on IS NULL),"                                                  \
	" (SELECT count(*) FROM coaching_step s WHERE s.district_id=c.district_id AND "            \
	"s.cycle_id=c.id AND s.done_on IS NULL AND"                                                \
	" s.due_on < ?3),"                                                                         \
	" (SELECT count(*) FROM coaching_goal g WHERE g.district_id=c.district_id AND "            \
	"g.cycle_id=c.id)"                                                                         \
	" FROM coaching_cycle c WHERE c.district_id=?1 AND "
#define LIST_ORDER                                                                                 \
	" ORDER BY c.phase IN ('completed', 'stopped'), CASE c.phase WHEN 'identify' THEN 0 WHEN"  \
	" 'learn' THEN 1 WHEN 'improve' THEN 2 ELSE 3 END, c.started_on DESC, c.id DESC LIMIT 500"

enum eb_err coaching_list(struct db *db, int64_t district_id, enum coaching_scope scope, int64_t id,
			  const char *school, const char *today, struct arena *a,
			  struct coaching_row **rows, size_t *n)
{
	struct list_raw *raw = NULL;
	size_t nraw = 0;
	enum eb_err rc;
	int32_t now;
	if (!day_of(today, &now))
		return EB_EINVAL;
	switch (scope) {
	case COACHING_OF_COACH:
		rc = db_get_rows(db, LIST_SELECT "c.coach_account_id=?2" LIST_ORDER,
				 DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(today)),
				 &list_spec, a, &raw, &nraw);
		break;
	case COACHING_OF_TEACHER:
		rc = db_get_rows(db,
				 LIST_SELECT "c.id IN (SELECT cycle_id FROM coaching_teacher WHERE"
					     " district_id=?1 AND account_id=?2)" LIST_ORDER,
				 DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(today)),
				 &list_spec, a, &raw, &nraw);
		break;
	case COACHING_OF_SCHOOL:
		rc = db_get_rows(
			db, LIST_SELECT "c.school_sourced_id=?2" LIST_ORDER,
			DB_ARGS(DB_INT(district_id), DB_TEXT(school ? school : ""), DB_TEXT(today)),
			&list_spec, a, &raw, &nraw);
		break;
	default:
		rc = db_get_rows(db, LIST_SELECT "?2=?2" LIST_ORDER,
				 DB_ARGS(DB_INT(district_id), DB_INT(0), DB_TEXT(today)),
				 &list_spec, a, &raw, &nraw);
		break;
	}
	if (rc)
		return rc;
	struct coaching_row *out = arena_alloc(a, (nraw + 1) * sizeof *out);
	if (!out)
		return EB_ENOMEM;
	for (size_t i = 0; i < nraw; i++) {
		struct coaching_row *r = &out[i];
		memset(r, 0, sizeof *r);
		r->id = raw[i].id;
		r->coach_id = raw[i].coach_id;
		if (coaching_phase_parse(raw[i].phase, &r->phase))
			r->phase = COACHING_IDENTIFY;
		r->title = raw[i].title;
		r->coach_name = raw[i].coach_name;
		r->teachers = raw[i].teachers;
		r->classes = raw[i].classes;
		r->school_sid = raw[i].school_sid;
		r->school_name = raw[i].school_name;
		r->started_on = raw[i].started_on;
		r->last_entry_on = raw[i].last_entry_on;
		r->next_meeting = raw[i].next_meeting;
		r->open_steps = (int)raw[i].open_steps;
		r->overdue_steps = (int)raw[i].overdue_steps;
		bool running = r->phase <= COACHING_IMPROVE;
		if (raw[i].goals > 0 &&
		    (rc = goal_counts(db, district_id, r->id, today, a, &r->goals,
				      &r->goals_at_risk, &r->goals_met)))
			return rc;
		int32_t last;
		const char *since = *r->last_entry_on ? r->last_entry_on : r->started_on;
		bool quiet = day_of(since, &last) && now - last > COACHING_QUIET_DAYS;
		r->needs_next_step = running &&
				     (r->overdue_steps > 0 || (quiet && !*r->next_meeting));
		if (!running)
			r->goals_at_risk = 0;
	}
	*rows = out;
	*n = nraw;
	return EB_OK;
}

enum eb_err coaching_summary(struct db *db, int64_t district_id, const char *today, struct arena *a,
			     struct coaching_school_row **rows, size_t *n)
{
	struct coaching_row *r;
	size_t nr;
	enum eb_err rc =
		coaching_list(db, district_id, COACHING_OF_DISTRICT, 0, NULL, today, a, &r, &nr);
	if (rc)
		return rc;
	struct coaching_school_row *out = arena_alloc(a, (nr + 1) * sizeof *out);
	if (!out)
		return EB_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < nr; i++) {
		size_t j = 0;
		while (j < k && strcmp(out[j].school_sid, r[i].school_sid) != 0)
			j++;
		if (j == k) {
			memset(&out[k], 0, sizeof out[k]);
			out[k].school_sid = r[i].school_sid;
			out[k].school_name = r[i].school_name;
			k++;
		}
		out[j].by_phase[r[i].phase]++;
		out[j].goals += r[i].goals;
		out[j].goals_met += r[i].goals_met;
	}
	/* by school name */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && strcmp(out[j - 1].school_name, out[j].school_name) > 0;
		     j--) {
			struct coaching_school_row t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	*rows = out;
	*n = k;
	return EB_OK;
}

static enum eb_err meeting_finish(struct db_stmt *st, void *row, struct arena *a)
{
	(void)a;
	struct coaching_meeting *m = row;
	enum coaching_entry_kind k;
	m->kind_label = coaching_entry_parse(db_col_text(st, 3), &k) ? "" : coaching_entry_label(k);
	return EB_OK;
}

DB_ROWSPEC(meeting_spec, struct coaching_meeting, meeting_finish,
	   DB_FIELD_INT(struct coaching_meeting, cycle_id),
	   DB_FIELD_STR(struct coaching_meeting, title), DB_FIELD_STR(struct coaching_meeting, at),
	   DB_FIELD_SKIP, DB_FIELD_STR(struct coaching_meeting, teachers));

enum eb_err coaching_meetings_on_day(struct db *db, int64_t district_id, int64_t account_id,
				     const char *day, struct arena *a,
				     struct coaching_meeting **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT c.id, c.title, e.at, e.kind,"
		" coalesce((SELECT group_concat(a.display_name, ', ') FROM coaching_teacher t JOIN"
		" account a ON a.district_id=t.district_id AND a.id=t.account_id WHERE"
		" t.district_id=c.district_id AND "
		"t.cycle_id=c.id), '')"
		" FROM coaching_entry e JOIN coaching_cycle c ON c.district_id=e.district_id AND "
		"c.id=e.cycle_id WHERE"
		" e.district_id=?1 AND e.on_day=?3 AND c.phase IN ('identify', 'learn', 'improve')"
		" AND (c.coach_account_id=?2 OR EXISTS (SELECT 1 FROM coaching_teacher t WHERE"
		" t.district_id=c.district_id AND t.cycle_id=c.id AND t.account_id=?2)) ORDER BY "
		"e.at, c.title",
		DB_ARGS(DB_INT(district_id), DB_INT(account_id), DB_TEXT(day)), &meeting_spec, a,
		rows, n);
}

/* ---- choosing people and classes ----------------------------------------------- */

enum eb_err coaching_candidates(struct db *db, int64_t district_id, const char *school, size_t cap,
				struct arena *a, struct coaching_candidate **rows, size_t *n,
				bool *more)
{
	struct db_stmt *st;
	*n = 0;
	*more = false;
	struct coaching_candidate *out = arena_zalloc(a, (cap + 1) * sizeof *out);
	if (!out)
		return EB_ENOMEM;
	enum eb_err rc = db_query(
		db,
		"SELECT a.id, coalesce(a.display_name, a.login, ''), c.sourced_id,"
		" coalesce(c.title, '') FROM account a LEFT JOIN enrollment e ON"
		" e.district_id=a.district_id AND coalesce(a.person_sourced_id, '') <> '' AND"
		" e.user_sourced_id=a.person_sourced_id AND e.role='teacher' AND e.status='active'"
		" LEFT JOIN class c ON c.district_id=e.district_id AND"
		" c.sourced_id=e.class_sourced_id WHERE a.district_id=?1 AND a.disabled=0 AND"
		" EXISTS (SELECT 1 FROM account_role r WHERE r.district_id=a.district_id AND "
		"r.account_id=a.id AND"
		" r.role='teacher') AND (?2 IS NULL OR c.school_sourced_id=?2 OR EXISTS (SELECT 1"
		" FROM account_role r WHERE r.district_id=a.district_id AND r.account_id=a.id AND "
		"r.scope_type='school' AND"
		" r.scope_id=?2)) ORDER BY a.display_name, a.id, c.title, c.sourced_id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(school)), &st);
	if (rc)
		return rc;
	size_t k = 0;
	while (db_next(st)) {
		int64_t id = db_col_int(st, 0);
		if (k == 0 || out[k - 1].id != id) {
			if (k == cap) {
				*more = true;
				break;
			}
			out[k].id = id;
			out[k].name = db_col_str(st, 1, a);
			out[k].classes = arena_alloc(a, 16 * sizeof(char *));
			out[k].class_titles = arena_alloc(a, 16 * sizeof(char *));
			if (!out[k].classes || !out[k].class_titles) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			k++;
		}
		struct coaching_candidate *c = &out[k - 1];
		if (!db_col_is_null(st, 2) && c->nclasses < 16) {
			c->classes[c->nclasses] = db_col_str(st, 2, a);
			c->class_titles[c->nclasses++] = db_col_str(st, 3, a);
		}
	}
	if ((rc = db_done(st)))
		return rc;
	*rows = out;
	*n = k;
	return EB_OK;
}

enum eb_err coaching_people(struct db *db, int64_t district_id, const char *const *roles,
			    size_t nroles, struct arena *a, struct coaching_person **rows,
			    size_t *n)
{
	char list[200] = ",";
	size_t len = 1;
	for (size_t i = 0; i < nroles; i++) {
		int k = snprintf(list + len, sizeof list - len, "%s,", roles[i]);
		if (k < 0 || (size_t)k >= sizeof list - len)
			return EB_ETOOBIG;
		len += (size_t)k;
	}
	struct db_stmt *st;
	size_t cap = 500, k = 0;
	struct coaching_person *out = arena_zalloc(a, (cap + 1) * sizeof *out);
	if (!out)
		return EB_ENOMEM;
	enum eb_err rc = db_query(
		db,
		"SELECT a.id, coalesce(a.display_name, a.login, ''), min(r.role) FROM account a"
		" JOIN account_role r ON r.district_id=a.district_id AND r.account_id=a.id WHERE "
		"a.district_id=?1 AND"
		" a.disabled=0 AND instr(?2, ',' || r.role || ',') > 0 GROUP BY a.id ORDER BY 2,"
		" a.id LIMIT 500",
		DB_ARGS(DB_INT(district_id), DB_TEXT(list)), &st);
	if (rc)
		return rc;
	while (db_next(st) && k < cap) {
		enum role r;
		out[k].id = db_col_int(st, 0);
		out[k].name = db_col_str(st, 1, a);
		out[k].role_label = role_parse(db_col_text(st, 2), &r) ? role_label(r) : "";
		k++;
	}
	if ((rc = db_done(st)))
		return rc;
	*rows = out;
	*n = k;
	return EB_OK;
}
