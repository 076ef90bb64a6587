/* teams.c - see teams.h. */
#include "domain/teams.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/delivery.h"
#include "domain/district.h"
#include "domain/family_contact.h"
#include "domain/initiatives.h"
#include "domain/outbox.h"
#include "domain/roster.h"
#include "domain/smtp.h"
#include "store/db.h"

/* ---- names ---------------------------------------------------------------- */

static const char *const kind_names[TEAM_KIND__COUNT] = { "initiative", "school", "grade" };
static const char *const kind_labels[TEAM_KIND__COUNT] = { "Initiative team", "School team",
							   "Grade team" };

const char *teams_kind_name(enum team_kind k)
{
	return (unsigned)k < TEAM_KIND__COUNT ? kind_names[k] : NULL;
}

const char *teams_kind_label(enum team_kind k)
{
	return (unsigned)k < TEAM_KIND__COUNT ? kind_labels[k] : NULL;
}

static bool kind_parse(const char *s, enum team_kind *out)
{
	for (int k = 0; s && k < TEAM_KIND__COUNT; k++)
		if (strcmp(s, kind_names[k]) == 0) {
			*out = (enum team_kind)k;
			return true;
		}
	return false;
}

static const char *const role_names[TEAM_ROLE__COUNT] = {
	"teacher",	 "coach",	   "principal", "coordinator", "it",
	"tech_champion", "vendor_contact", "admin",	"family_rep",  "partner",
};
static const char *const role_labels[TEAM_ROLE__COUNT] = {
	"Teacher",
	"Coach",
	"Principal",
	"Math coordinator",
	"District IT",
	"Tech champion",
	"Vendor contact",
	"District administrator",
	"Family representative",
	"Partner",
};

const char *teams_role_name(enum team_role r)
{
	return (unsigned)r < TEAM_ROLE__COUNT ? role_names[r] : NULL;
}

const char *teams_role_label(enum team_role r)
{
	return (unsigned)r < TEAM_ROLE__COUNT ? role_labels[r] : NULL;
}

enum eb_err teams_role_parse(const char *s, enum team_role *out)
{
	for (int r = 0; s && r < TEAM_ROLE__COUNT; r++)
		if (strcmp(s, role_names[r]) == 0) {
			*out = (enum team_role)r;
			return EB_OK;
		}
	return EB_EINVAL;
}

bool teams_role_by_name(enum team_role r)
{
	return r == TEAM_ROLE_FAMILY_REP || r == TEAM_ROLE_PARTNER;
}

static const char *const status_names[ACTION__COUNT] = { "open", "done", "dropped" };
static const char *const status_labels[ACTION__COUNT] = { "Open", "Done", "Dropped" };

const char *teams_action_status_name(enum action_status s)
{
	return (unsigned)s < ACTION__COUNT ? status_names[s] : NULL;
}

const char *teams_action_status_label(enum action_status s)
{
	return (unsigned)s < ACTION__COUNT ? status_labels[s] : NULL;
}

static enum action_status status_of(const char *s)
{
	for (int i = 0; s && i < ACTION__COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return (enum action_status)i;
	return ACTION_OPEN;
}

enum action_filter teams_action_filter_parse(const char *s)
{
	if (s && strcmp(s, "overdue") == 0)
		return ACTION_F_OVERDUE;
	if (s && strcmp(s, "done") == 0)
		return ACTION_F_DONE;
	if (s && strcmp(s, "all") == 0)
		return ACTION_F_ALL;
	return ACTION_F_OPEN;
}

bool teams_can_create(const struct account *a)
{
	return access_has(a, ROLE_DISTRICT_ADMIN) || access_has(a, ROLE_COORDINATOR) ||
	       access_has(a, ROLE_PRINCIPAL) || access_has(a, ROLE_COACH);
}

bool teams_can_open(const struct account *a)
{
	return teams_can_create(a) || access_has(a, ROLE_TEACHER) ||
	       access_has(a, ROLE_TECH_CHAMPION) || access_has(a, ROLE_IT_STAFF) ||
	       access_has(a, ROLE_VENDOR_CONTACT);
}

/* ---- small checks ------------------------------------------------------ */

/* Text of 0..max bytes of valid UTF-8 without control characters but
 * newlines and tabs (allow_nl). */
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

/* s trimmed into tmp[cap]; "" for NULL. A longer s is cut, which the
 * caller's length check (against the untrimmed length) refuses first. */
static bool day_ok(const char *s)
{
	int32_t days;
	return s && strlen(s) == 10 && date_parse_ymd(str_from(s), &days) == EB_OK;
}

/* "YYYY-MM-DD" and "HH:MM" in z as Unix seconds. */
static bool local_time(const char *date, const char *hm, const struct tz *z, int64_t *out)
{
	int32_t days;
	if (!day_ok(date) || date_parse_ymd(str_from(date), &days))
		return false;
	if (!hm || strlen(hm) != 5 || hm[2] != ':')
		return false;
	int64_t h, m;
	char hh[3] = { hm[0], hm[1], 0 }, mm[3] = { hm[3], hm[4], 0 };
	if (cstr_to_i64(hh, 0, 23, &h) || cstr_to_i64(mm, 0, 59, &m))
		return false;
	int64_t naive = (int64_t)days * 86400 + h * 3600 + m * 60;
	if (!z)
		z = tz_utc();
	int64_t t = naive - tz_offset(z, naive, NULL);
	*out = naive - tz_offset(z, t, NULL);
	return true;
}

static const struct tz *district_zone(struct db *db, int64_t district_id)
{
	char name[DISTRICT_TIME_ZONE_MAX];
	const struct tz *z = NULL;
	if (district_time_zone(db, district_id, name, sizeof name) == EB_OK)
		z = tz_get(name);
	return z ? z : tz_utc();
}

static void day_of(const struct tz *z, int64_t t, char out[11])
{
	int64_t local = t + tz_offset(z, t, NULL);
	int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	int y;
	unsigned m, d;
	civil_from_days((int32_t)days, &y, &m, &d);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}

void teams_today(struct db *db, int64_t district_id, int64_t t, char out[11])
{
	day_of(district_zone(db, district_id), t, out);
}

/* The day n days after day (both "YYYY-MM-DD"). */
static void day_add(const char *day, int n, char out[11])
{
	int32_t days = 0;
	date_parse_ymd(str_from(day), &days);
	int y;
	unsigned m, d;
	civil_from_days(days + n, &y, &m, &d);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}

static void id_text(int64_t id, char out[24])
{
	snprintf(out, 24, "%lld", (long long)id);
}

/* ---- teams ----------------------------------------------------------------- */

static enum team_role role_for(const struct account *a)
{
	static const struct {
		enum role r;
		enum team_role t;
	} map[] = {
		{ ROLE_COACH, TEAM_ROLE_COACH },
		{ ROLE_PRINCIPAL, TEAM_ROLE_PRINCIPAL },
		{ ROLE_COORDINATOR, TEAM_ROLE_COORDINATOR },
		{ ROLE_TECH_CHAMPION, TEAM_ROLE_CHAMPION },
		{ ROLE_IT_STAFF, TEAM_ROLE_IT },
		{ ROLE_VENDOR_CONTACT, TEAM_ROLE_VENDOR },
		{ ROLE_TEACHER, TEAM_ROLE_TEACHER },
		{ ROLE_DISTRICT_ADMIN, TEAM_ROLE_ADMIN },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (access_has(a, map[i].r))
			return map[i].t;
	return TEAM_ROLE_TEACHER;
}

/* A user who may sit on a team: an enabled staff account (not a family or
 * student account only). */
static bool staff_account(const struct account *a)
{
	return !a->disabled && teams_can_open(a);
}

enum eb_err teams_create(struct db *db, int64_t district_id, const struct team_form *in,
			 const struct account *creator, const struct audit_actor *who, int64_t now,
			 int64_t *id, char *why, size_t cap)
{
	char nm[TEAMS_NAME_MAX + 2], pu[TEAMS_PURPOSE_MAX + 2], sch[130], gr[8];
	const char *name = str_trimmed(in->name, nm, sizeof nm);
	const char *purpose = str_trimmed(in->purpose, pu, sizeof pu);
	const char *school = str_trimmed(in->school, sch, sizeof sch);
	if (!*name)
		return eb_say(why, cap, EB_EINVAL, "name: give the team a name");
	if ((in->name && strlen(in->name) > TEAMS_NAME_MAX + 64) || strlen(name) > TEAMS_NAME_MAX ||
	    !text_ok(name, TEAMS_NAME_MAX, false))
		return eb_say(why, cap, EB_EINVAL, "name: at most %d characters of plain text",
			      TEAMS_NAME_MAX);
	if ((in->purpose && strlen(in->purpose) > TEAMS_PURPOSE_MAX + 64) ||
	    !text_ok(purpose, TEAMS_PURPOSE_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "purpose: at most %d characters of text",
			      TEAMS_PURPOSE_MAX);
	enum team_kind kind;
	if (!kind_parse(in->kind, &kind))
		return eb_say(why, cap, EB_EINVAL,
			      "kind: choose an initiative team, a school team or a grade team");
	int64_t initiative_id = 0;
	int grade = -1;
	if (kind == TEAM_INITIATIVE) {
		int64_t got;
		if (!in->initiative || cstr_to_i64(in->initiative, 1, INT64_MAX, &initiative_id) ||
		    db_get_int(db, "SELECT id FROM initiative WHERE district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(initiative_id)), &got))
			return eb_say(why, cap, EB_EINVAL,
				      "initiative: choose an initiative of this district");
		school = "";
	} else {
		if (!*school || strlen(school) > 120 || !roster_is_school(db, district_id, school))
			return eb_say(why, cap, EB_EINVAL,
				      "school: choose a school of this district");
		if (kind == TEAM_GRADE) {
			if (initiative_parse_grade(str_trimmed(in->grade, gr, sizeof gr), &grade))
				return eb_say(why, cap, EB_EINVAL,
					      "grade: give a grade from K to 12");
		}
	}
	if (!creator || !staff_account(creator))
		return eb_say(why, cap, EB_EPERM, "team: only staff may start a team");
	enum eb_err e = db_begin(db);
	if (e)
		return e;
	if ((e = db_execute(db,
			    "INSERT INTO team(district_id,name,kind,initiative_id,school_sid,grade,"
			    "purpose,created_by,created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
			    DB_ARGS(DB_INT(district_id), DB_TEXT(name), DB_TEXT(kind_names[kind]),
				    DB_INT_IF(initiative_id, initiative_id),
				    DB_TEXT(*school ? school : NULL), DB_INT_IF(grade >= 0, grade),
				    DB_TEXT(purpose), DB_INT(creator->id), DB_INT(now)),
			    NULL)))
		goto fail;
	*id = db_last_id(db);
	if ((e = db_execute(db,
			    "INSERT INTO team_member(district_id,team_id,account_id,team_role,"
			    "connector,added_at) VALUES(?1,?2,?3,?4,?5,?6)",
			    DB_ARGS(DB_INT(district_id), DB_INT(*id), DB_INT(creator->id),
				    DB_TEXT(role_names[role_for(creator)]),
				    DB_INT(role_for(creator) == TEAM_ROLE_COACH), DB_INT(now)),
			    NULL)))
		goto fail;
	char sid[24];
	id_text(*id, sid);
	if ((e = audit_record(db, district_id, who, "create", "team", sid, name)))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	return EB_OK;
fail:
	db_rollback(db);
	return eb_say(why, cap, e, "team: could not be stored (%s)", eb_strerror(e));
}

static enum eb_err team_finish(struct db_stmt *st, void *row, struct arena *a)
{
	(void)a;
	struct team *t = row;
	if (!kind_parse(db_col_text(st, 3), &t->kind))
		t->kind = TEAM_SCHOOL;
	t->grade = db_col_is_null(st, 4) ? -1 : (int)db_col_int(st, 4);
	return EB_OK;
}
DB_ROWSPEC(team_spec, struct team, team_finish, DB_FIELD_INT(struct team, id),
	   DB_FIELD_INT(struct team, district_id), DB_FIELD_INT(struct team, initiative_id),
	   DB_FIELD_SKIP, DB_FIELD_SKIP, DB_FIELD_CHARS(struct team, name),
	   DB_FIELD_CHARS(struct team, purpose), DB_FIELD_CHARS(struct team, school_sid),
	   DB_FIELD_CHARS(struct team, school_name), DB_FIELD_CHARS(struct team, initiative_title),
	   DB_FIELD_CHARS(struct team, tool_name), DB_FIELD_INT(struct team, tool_id),
	   DB_FIELD_INT(struct team, created_by), DB_FIELD_INT(struct team, created_at));

enum eb_err teams_get(struct db *db, int64_t district_id, int64_t id, struct team *out)
{
	return db_get_row(
		db,
		"SELECT t.id,t.district_id,t.initiative_id,t.kind,t.grade,t.name,t.purpose,"
		"coalesce(t.school_sid,''),coalesce(o.name,''),coalesce(i.title,''),"
		"coalesce(i.tool_name,''),coalesce(i.tool_id,0),coalesce(t.created_by,0),"
		"t.created_at FROM team t"
		" LEFT JOIN org o ON o.district_id=t.district_id AND o.sourced_id=t.school_sid"
		" LEFT JOIN initiative i ON i.district_id=t.district_id AND i.id=t.initiative_id"
		" WHERE t.district_id=?1 AND t.id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &team_spec, NULL, out);
}

/* Whether a principal's school role covers team t (its school, or one of
 * its initiative's targeted schools; a district-wide principal all). */
static bool principal_covers(struct db *db, const struct account *a, const struct team *t)
{
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		if (r->role != ROLE_PRINCIPAL)
			continue;
		if (strcmp(r->scope_type, "district") == 0)
			return true;
		if (strcmp(r->scope_type, "school") != 0)
			continue;
		if (t->kind != TEAM_INITIATIVE && strcmp(t->school_sid, r->scope_id) == 0)
			return true;
		int64_t got;
		if (t->kind == TEAM_INITIATIVE &&
		    db_get_int(db,
			       "SELECT 1 FROM initiative_target WHERE district_id=?1 AND"
			       " initiative_id=?2 AND kind='school' AND value=?3",
			       DB_ARGS(DB_INT(t->district_id), DB_INT(t->initiative_id),
				       DB_TEXT(r->scope_id)),
			       &got) == EB_OK)
			return true;
	}
	return false;
}

static bool is_member(struct db *db, int64_t district_id, int64_t team_id, int64_t account_id)
{
	int64_t got;
	return db_get_int(db,
			  "SELECT 1 FROM team_member WHERE district_id=?1 AND team_id=?2 AND"
			  " account_id=?3",
			  DB_ARGS(DB_INT(district_id), DB_INT(team_id), DB_INT(account_id)),
			  &got) == EB_OK;
}

bool teams_can_view(struct db *db, const struct account *viewer, const struct team *t)
{
	if (!viewer || viewer->district_id != t->district_id || !teams_can_open(viewer))
		return false;
	if (access_has(viewer, ROLE_DISTRICT_ADMIN) || access_has(viewer, ROLE_COORDINATOR))
		return true;
	if (t->created_by == viewer->id || is_member(db, t->district_id, t->id, viewer->id))
		return true;
	return principal_covers(db, viewer, t);
}

bool teams_can_edit(struct db *db, const struct account *viewer, const struct team *t)
{
	if (!viewer || viewer->district_id != t->district_id || !teams_can_open(viewer))
		return false;
	if (access_has(viewer, ROLE_DISTRICT_ADMIN) || access_has(viewer, ROLE_COORDINATOR))
		return true;
	return t->created_by == viewer->id || is_member(db, t->district_id, t->id, viewer->id);
}

static enum eb_err team_row_finish(struct db_stmt *st, void *row, struct arena *a)
{
	(void)a;
	struct team_row *r = row;
	if (!kind_parse(db_col_text(st, 2), &r->kind))
		r->kind = TEAM_SCHOOL;
	r->grade = db_col_is_null(st, 3) ? -1 : (int)db_col_int(st, 3);
	return EB_OK;
}
DB_ROWSPEC(team_row_spec, struct team_row, team_row_finish, DB_FIELD_INT(struct team_row, id),
	   DB_FIELD_INT(struct team_row, initiative_id), DB_FIELD_SKIP, DB_FIELD_SKIP,
	   DB_FIELD_STR(struct team_row, name), DB_FIELD_STR(struct team_row, school_name),
	   DB_FIELD_STR(struct team_row, initiative_title), DB_FIELD_INT(struct team_row, mine),
	   DB_FIELD_INT(struct team_row, members), DB_FIELD_INT(struct team_row, open_items),
	   DB_FIELD_INT(struct team_row, next_meeting), DB_FIELD_SKIP, DB_FIELD_SKIP);

enum eb_err teams_list(struct db *db, int64_t district_id, const struct account *viewer,
		       int64_t now, struct arena *a, struct team_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (!teams_can_open(viewer))
		return EB_OK;
	struct team_row *all;
	size_t na;
	enum eb_err e = db_get_rows(
		db,
		"SELECT t.id,coalesce(t.initiative_id,0),t.kind,t.grade,t.name,coalesce(o.name,''),"
		"coalesce(i.title,''),"
		"EXISTS(SELECT 1 FROM team_member m WHERE m.district_id=t.district_id AND "
		"m.team_id=t.id AND m.account_id=?2),"
		"(SELECT count(*) FROM team_member m WHERE m.district_id=t.district_id AND "
		"m.team_id=t.id),"
		"(SELECT count(*) FROM action_item x WHERE x.district_id=t.district_id AND "
		"x.team_id=t.id AND x.status='open'),"
		"coalesce((SELECT min(starts_at) FROM meeting g WHERE g.district_id=t.district_id "
		"AND g.team_id=t.id AND"
		" g.starts_at+g.minutes*60>=?3),0),coalesce(t.created_by,0),"
		"coalesce(t.school_sid,'') FROM team t"
		" LEFT JOIN org o ON o.district_id=t.district_id AND o.sourced_id=t.school_sid"
		" LEFT JOIN initiative i ON i.district_id=t.district_id AND i.id=t.initiative_id"
		" WHERE t.district_id=?1 ORDER BY t.name COLLATE NOCASE, t.id",
		DB_ARGS(DB_INT(district_id), DB_INT(viewer->id), DB_INT(now)), &team_row_spec, a,
		&all, &na);
	if (e)
		return e;
	/* the visibility rule, one team at a time (teams are few) */
	size_t kept = 0;
	for (size_t i = 0; i < na; i++) {
		bool see = all[i].mine || access_has(viewer, ROLE_DISTRICT_ADMIN) ||
			   access_has(viewer, ROLE_COORDINATOR);
		if (!see) {
			struct team t;
			if (teams_get(db, district_id, all[i].id, &t) == EB_OK)
				see = teams_can_view(db, viewer, &t);
		}
		if (see)
			all[kept++] = all[i];
	}
	*rows = all;
	*n = kept;
	return EB_OK;
}

/* ---- members ---- */

static enum eb_err member_finish(struct db_stmt *st, void *row, struct arena *a)
{
	(void)a;
	struct team_member *m = row;
	if (teams_role_parse(db_col_text(st, 2), &m->role))
		m->role = TEAM_ROLE_TEACHER;
	return EB_OK;
}
DB_ROWSPEC(member_spec, struct team_member, member_finish, DB_FIELD_INT(struct team_member, id),
	   DB_FIELD_INT(struct team_member, account_id), DB_FIELD_SKIP,
	   DB_FIELD_INT(struct team_member, connector), DB_FIELD_STR(struct team_member, name),
	   DB_FIELD_STR(struct team_member, email));

enum eb_err teams_members(struct db *db, int64_t district_id, int64_t team_id, struct arena *a,
			  struct team_member **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT m.id,coalesce(m.account_id,0),m.team_role,m.connector,"
		"CASE WHEN m.account_id IS NULL THEN m.name ELSE coalesce(c.display_name,'') END,"
		"m.email FROM team_member m LEFT JOIN account c ON c.district_id=m.district_id AND "
		"c.id=m.account_id"
		" WHERE m.district_id=?1 AND m.team_id=?2"
		" ORDER BY m.account_id IS NULL, CASE m.team_role WHEN 'principal' THEN 0"
		" WHEN 'coordinator' THEN 1 WHEN 'coach' THEN 2 WHEN 'teacher' THEN 3"
		" WHEN 'tech_champion' THEN 4 WHEN 'it' THEN 5 WHEN 'vendor_contact' THEN 6"
		" ELSE 7 END, CASE WHEN m.account_id IS NULL THEN m.name ELSE"
		" coalesce(c.display_name,'') END COLLATE NOCASE, m.id",
		DB_ARGS(DB_INT(district_id), DB_INT(team_id)), &member_spec, a, rows, n);
}

static bool on(const char *s)
{
	return s && (strcmp(s, "1") == 0 || strcmp(s, "on") == 0 || strcmp(s, "yes") == 0);
}

enum eb_err teams_member_add(struct db *db, int64_t district_id, int64_t team_id,
			     const struct team_member_form *in, const struct audit_actor *who,
			     int64_t now, int64_t *member_id, char *why, size_t cap)
{
	struct team t;
	enum eb_err e = teams_get(db, district_id, team_id, &t);
	if (e)
		return eb_say(why, cap, e, "team: %s", eb_strerror(e));
	enum team_role role;
	if (teams_role_parse(in->role, &role))
		return eb_say(why, cap, EB_EINVAL, "role: choose the member's role on the team");
	char nm[TEAMS_MEMBER_NAME_MAX + 2], em[TEAMS_EMAIL_MAX + 2], ac[ACCOUNT_LOGIN_MAX + 2];
	const char *name = str_trimmed(in->name, nm, sizeof nm);
	const char *email = str_trimmed(in->email, em, sizeof em);
	const char *acc = str_trimmed(in->account, ac, sizeof ac);
	int64_t account_id = 0;
	char detail[200];
	if (teams_role_by_name(role)) {
		if (*acc)
			return eb_say(why, cap, EB_EINVAL,
				      "member: a %s is added by name, without an edbridge account",
				      role == TEAM_ROLE_FAMILY_REP ? "family representative"
								   : "partner");
		if (!*name)
			return eb_say(why, cap, EB_EINVAL, "name: write the person's name");
		if ((in->name && strlen(in->name) > TEAMS_MEMBER_NAME_MAX + 64) ||
		    strlen(name) > TEAMS_MEMBER_NAME_MAX ||
		    !text_ok(name, TEAMS_MEMBER_NAME_MAX, false))
			return eb_say(why, cap, EB_EINVAL,
				      "name: at most %d characters of plain text",
				      TEAMS_MEMBER_NAME_MAX);
		if (*email && (strlen(email) > TEAMS_EMAIL_MAX || !family_email_valid(email)))
			return eb_say(
				why, cap, EB_EINVAL,
				"email: give an email address like name@example.org, or leave it"
				" empty");
		snprintf(detail, sizeof detail, "add %s by name", role_names[role]);
	} else {
		if (*name || *email)
			name = email = ""; /* a user's name and address come from the account */
		struct account m;
		int64_t num;
		bool found = false;
		if (*acc && strlen(acc) < ACCOUNT_LOGIN_MAX) {
			if (cstr_to_i64(acc, 1, INT64_MAX, &num) == EB_OK)
				found = account_get(db, district_id, num, &m) == EB_OK;
			if (!found)
				found = account_find_login(db, district_id, acc, &m) == EB_OK;
		}
		if (!*acc)
			return eb_say(why, cap, EB_EINVAL, "member: choose a person");
		if (!found || m.district_id != district_id || m.disabled)
			return eb_say(why, cap, EB_EINVAL,
				      "member: \"%.60s\" is not a user of this district (family"
				      " representatives and partners are added by name)",
				      acc);
		if (!staff_account(&m))
			return eb_say(why, cap, EB_EINVAL,
				      "member: %.60s has a family or student account; add family"
				      " representatives by name (a team gives no account access)",
				      m.login);
		account_id = m.id;
		snprintf(detail, sizeof detail, "add account %lld as %s", (long long)account_id,
			 role_names[role]);
	}
	if ((e = db_begin(db)))
		return e;
	e = db_execute(
		db,
		"INSERT INTO team_member(district_id,team_id,account_id,name,email,team_role,"
		"connector,added_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
		DB_ARGS(DB_INT(district_id), DB_INT(team_id), DB_INT_IF(account_id, account_id),
			DB_TEXT(name), DB_TEXT(email), DB_TEXT(role_names[role]),
			DB_INT(on(in->connector)), DB_INT(now)),
		NULL);
	if (e == EB_EEXIST) {
		db_rollback(db);
		return eb_say(why, cap, EB_EEXIST, "member: this person is on the team already");
	}
	if (e)
		goto fail;
	*member_id = db_last_id(db);
	char sid[24];
	id_text(team_id, sid);
	if ((e = audit_record(db, district_id, who, "update", "team", sid, detail)))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	return EB_OK;
fail:
	db_rollback(db);
	return eb_say(why, cap, e, "member: could not be stored (%s)", eb_strerror(e));
}

enum eb_err teams_member_remove(struct db *db, int64_t district_id, int64_t team_id,
				int64_t member_id, const struct audit_actor *who, char *why,
				size_t cap)
{
	int64_t got;
	enum eb_err e = db_get_int(
		db, "SELECT id FROM team_member WHERE district_id=?1 AND team_id=?2 AND id=?3",
		DB_ARGS(DB_INT(district_id), DB_INT(team_id), DB_INT(member_id)), &got);
	if (e)
		return eb_say(why, cap, e, "member: not on this team");
	if (db_get_int(db,
		       "SELECT count(*) FROM action_item WHERE district_id=?1 AND"
		       " owner_member_id=?2 AND status='open'",
		       DB_ARGS(DB_INT(district_id), DB_INT(member_id)), &got) == EB_OK &&
	    got > 0)
		return eb_say(why, cap, EB_ECONFLICT,
			      "member: they own %lld open action item%s; give them to someone else"
			      " or close them first",
			      (long long)got, got == 1 ? "" : "s");
	if ((e = db_begin(db)))
		return e;
	/* their closed items and attendance go with them: keep the item, drop
	 * the attendance (ON DELETE CASCADE); closed items keep an owner */
	if ((e = db_execute(db,
			    "DELETE FROM team_member WHERE district_id=?1 AND id=?2 AND NOT EXISTS("
			    "SELECT 1 FROM action_item WHERE owner_member_id=?2)",
			    DB_ARGS(DB_INT(district_id), DB_INT(member_id)), NULL)))
		goto fail;
	if (db_get_int(db, "SELECT 1 FROM team_member WHERE id=?1", DB_ARGS(DB_INT(member_id)),
		       &got) == EB_OK) {
		db_rollback(db);
		return eb_say(why, cap, EB_ECONFLICT,
			      "member: they are named on earlier action items, which keep their"
			      " owner");
	}
	char sid[24], detail[64];
	id_text(team_id, sid);
	snprintf(detail, sizeof detail, "remove member %lld", (long long)member_id);
	if ((e = audit_record(db, district_id, who, "update", "team", sid, detail)))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	return EB_OK;
fail:
	db_rollback(db);
	return eb_say(why, cap, e, "member: %s", eb_strerror(e));
}

/* ---- meetings ---- */

enum eb_err teams_meeting_create(struct db *db, int64_t district_id, int64_t team_id,
				 const struct meeting_form *in, const struct tz *z,
				 const struct audit_actor *who, int64_t now, int64_t *id, char *why,
				 size_t cap)
{
	struct team t;
	enum eb_err e = teams_get(db, district_id, team_id, &t);
	if (e)
		return eb_say(why, cap, e, "team: %s", eb_strerror(e));
	char dt[16], tm[8], pl[TEAMS_PLACE_MAX + 2];
	const char *date = str_trimmed(in->date, dt, sizeof dt);
	const char *time = str_trimmed(in->time, tm, sizeof tm);
	int64_t starts, minutes = 60;
	if (!local_time(date, time, z, &starts))
		return eb_say(why, cap, EB_EINVAL,
			      "date: give the date as YYYY-MM-DD and the time as HH:MM");
	if (in->minutes && *in->minutes && cstr_to_i64(in->minutes, 5, 600, &minutes))
		return eb_say(why, cap, EB_EINVAL, "minutes: a length from 5 to 600 minutes");
	const char *place = str_trimmed(in->place, pl, sizeof pl);
	if ((in->place && strlen(in->place) > TEAMS_PLACE_MAX + 64) ||
	    strlen(place) > TEAMS_PLACE_MAX || !text_ok(place, TEAMS_PLACE_MAX, false))
		return eb_say(why, cap, EB_EINVAL, "place: at most %d characters of plain text",
			      TEAMS_PLACE_MAX);
	/* the agenda, one item per line */
	const char *ag = in->agenda ? in->agenda : "";
	if (strlen(ag) > (size_t)TEAMS_AGENDA_ITEMS * (TEAMS_AGENDA_MAX + 2))
		return eb_say(why, cap, EB_ETOOBIG, "agenda: too long");
	struct str items[TEAMS_AGENDA_ITEMS];
	size_t nitems = 0;
	for (const char *p = ag; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct str line = str_trim((struct str){ p, len });
		if (line.n) {
			if (nitems == TEAMS_AGENDA_ITEMS)
				return eb_say(why, cap, EB_EINVAL, "agenda: at most %d items",
					      TEAMS_AGENDA_ITEMS);
			char tmp[TEAMS_AGENDA_MAX + 1];
			if (line.n > TEAMS_AGENDA_MAX)
				return eb_say(why, cap, EB_EINVAL,
					      "agenda: item %zu is longer than %d characters",
					      nitems + 1, TEAMS_AGENDA_MAX);
			memcpy(tmp, line.p, line.n);
			tmp[line.n] = 0;
			if (!text_ok(tmp, TEAMS_AGENDA_MAX, false))
				return eb_say(why, cap, EB_EINVAL,
					      "agenda: item %zu is not plain text", nitems + 1);
			items[nitems++] = line;
		}
		p += len + (nl ? 1 : 0);
	}
	if ((e = db_begin(db)))
		return e;
	if ((e = db_execute(
		     db,
		     "INSERT INTO meeting(district_id,team_id,day,at,starts_at,minutes,place,"
		     "created_by,created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
		     DB_ARGS(DB_INT(district_id), DB_INT(team_id), DB_TEXT(date), DB_TEXT(time),
			     DB_INT(starts), DB_INT(minutes), DB_TEXT(place),
			     DB_INT_IF(who && who->account_id, who ? who->account_id : 0),
			     DB_INT(now)),
		     NULL)))
		goto fail;
	*id = db_last_id(db);
	for (size_t i = 0; i < nitems; i++)
		if ((e = db_execute(
			     db,
			     "INSERT INTO meeting_agenda(district_id,meeting_id,position,text)"
			     " VALUES(?1,?2,?3,?4)",
			     DB_ARGS(DB_INT(district_id), DB_INT(*id), DB_INT(i + 1),
				     DB_TEXTN(items[i].p, items[i].n)),
			     NULL)))
			goto fail;
	char sid[24];
	id_text(*id, sid);
	if ((e = audit_record(db, district_id, who, "create", "meeting", sid, t.name)))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	return EB_OK;
fail:
	db_rollback(db);
	return eb_say(why, cap, e, "meeting: could not be stored (%s)", eb_strerror(e));
}

DB_ROWSPEC(meeting_spec, struct meeting, NULL, DB_FIELD_INT(struct meeting, id),
	   DB_FIELD_INT(struct meeting, team_id), DB_FIELD_INT(struct meeting, starts_at),
	   DB_FIELD_INT(struct meeting, created_by), DB_FIELD_INT(struct meeting, minutes),
	   DB_FIELD_CHARS(struct meeting, day), DB_FIELD_CHARS(struct meeting, at),
	   DB_FIELD_CHARS(struct meeting, place), DB_FIELD_STR(struct meeting, notes));

enum eb_err teams_meeting_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			      struct meeting *out)
{
	return db_get_row(db,
			  "SELECT id,team_id,starts_at,coalesce(created_by,0),minutes,day,at,place,"
			  "notes FROM meeting WHERE district_id=?1 AND id=?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(id)), &meeting_spec, a, out);
}

DB_ROWSPEC(meeting_row_spec, struct meeting_row, NULL, DB_FIELD_INT(struct meeting_row, id),
	   DB_FIELD_INT(struct meeting_row, team_id), DB_FIELD_INT(struct meeting_row, starts_at),
	   DB_FIELD_INT(struct meeting_row, minutes), DB_FIELD_STR(struct meeting_row, day),
	   DB_FIELD_STR(struct meeting_row, at), DB_FIELD_STR(struct meeting_row, place),
	   DB_FIELD_STR(struct meeting_row, team_name),
	   DB_FIELD_INT(struct meeting_row, agenda_items),
	   DB_FIELD_INT(struct meeting_row, decisions), DB_FIELD_INT(struct meeting_row, actions));

#define MEETING_ROW_COLS                                                                           \
	"SELECT g.id,g.team_id,g.starts_at,g.minutes,g.day,g.at,g.place,t.name,"                   \
	"(SELECT count(*) FROM meeting_agenda x WHERE x.district_id=g.district_id AND "            \
	"x.meeting_id=g.id),"                                                                      \
	"(SELECT count(*) FROM meeting_decision x WHERE x.district_id=g.district_id AND "          \
	"x.meeting_id=g.id),"                                                                      \
	"(SELECT count(*) FROM action_item x WHERE x.district_id=g.district_id AND "               \
	"x.meeting_id=g.id)"                                                                       \
	" FROM meeting g JOIN team t ON t.district_id=g.district_id AND t.id=g.team_id"

enum eb_err teams_meetings(struct db *db, int64_t district_id, int64_t team_id, struct arena *a,
			   struct meeting_row **rows, size_t *n)
{
	return db_get_rows(db,
			   MEETING_ROW_COLS " WHERE g.district_id=?1 AND g.team_id=?2"
					    " ORDER BY g.starts_at DESC, g.id DESC LIMIT 200",
			   DB_ARGS(DB_INT(district_id), DB_INT(team_id)), &meeting_row_spec, a,
			   rows, n);
}

enum eb_err teams_meetings_on_day(struct db *db, int64_t district_id, int64_t account_id,
				  const char *day, struct arena *a, struct meeting_row **rows,
				  size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (!day_ok(day))
		return EB_EINVAL;
	return db_get_rows(db,
			   MEETING_ROW_COLS " WHERE g.district_id=?1 AND g.day=?3 AND EXISTS("
					    "SELECT 1 FROM team_member m WHERE "
					    "m.district_id=g.district_id AND m.team_id=g.team_id"
					    " AND m.account_id=?2) ORDER BY g.starts_at, g.id",
			   DB_ARGS(DB_INT(district_id), DB_INT(account_id), DB_TEXT(day)),
			   &meeting_row_spec, a, rows, n);
}

DB_ROWSPEC(agenda_spec, struct meeting_agenda_item, NULL,
	   DB_FIELD_INT(struct meeting_agenda_item, id),
	   DB_FIELD_INT(struct meeting_agenda_item, position),
	   DB_FIELD_STR(struct meeting_agenda_item, text));

enum eb_err teams_agenda(struct db *db, int64_t district_id, int64_t meeting_id, struct arena *a,
			 struct meeting_agenda_item **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT id,position,text FROM meeting_agenda WHERE district_id=?1 AND"
			   " meeting_id=?2 ORDER BY position, id",
			   DB_ARGS(DB_INT(district_id), DB_INT(meeting_id)), &agenda_spec, a, rows,
			   n);
}

static enum eb_err meeting_exists(struct db *db, int64_t district_id, int64_t meeting_id)
{
	int64_t got;
	return db_get_int(db, "SELECT id FROM meeting WHERE district_id=?1 AND id=?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(meeting_id)), &got);
}

/* Stores one change of a meeting with its audit entry, in a transaction. */
static enum eb_err meeting_change(struct db *db, int64_t district_id, int64_t meeting_id,
				  const char *sql, const struct db_arg *args, size_t nargs,
				  const struct audit_actor *who, const char *detail)
{
	enum eb_err e = db_begin(db);
	if (e)
		return e;
	char sid[24];
	id_text(meeting_id, sid);
	if ((e = db_execute(db, sql, args, nargs, NULL)) ||
	    (e = audit_record(db, district_id, who, "update", "meeting", sid, detail)) ||
	    (e = db_commit(db)))
		db_rollback(db);
	return e;
}

enum eb_err teams_agenda_add(struct db *db, int64_t district_id, int64_t meeting_id,
			     const char *text, const struct audit_actor *who, char *why, size_t cap)
{
	enum eb_err e = meeting_exists(db, district_id, meeting_id);
	if (e)
		return eb_say(why, cap, e, "meeting: %s", eb_strerror(e));
	char tx[TEAMS_AGENDA_MAX + 2];
	const char *t = str_trimmed(text, tx, sizeof tx);
	if (!*t)
		return eb_say(why, cap, EB_EINVAL, "agenda: write the item's text");
	if (strlen(text) > TEAMS_AGENDA_MAX + 64 || strlen(t) > TEAMS_AGENDA_MAX ||
	    !text_ok(t, TEAMS_AGENDA_MAX, false))
		return eb_say(why, cap, EB_EINVAL, "agenda: at most %d characters of plain text",
			      TEAMS_AGENDA_MAX);
	int64_t count = 0;
	db_get_int(db, "SELECT count(*) FROM meeting_agenda WHERE district_id=?1 AND meeting_id=?2",
		   DB_ARGS(DB_INT(district_id), DB_INT(meeting_id)), &count);
	if (count >= TEAMS_AGENDA_ITEMS)
		return eb_say(why, cap, EB_EINVAL, "agenda: at most %d items", TEAMS_AGENDA_ITEMS);
	e = meeting_change(db, district_id, meeting_id,
			   "INSERT INTO meeting_agenda(district_id,meeting_id,position,text)"
			   " VALUES(?1,?2,(SELECT coalesce(max(position),0)+1 FROM meeting_agenda"
			   " WHERE meeting_id=?2),?3)",
			   DB_ARGS(DB_INT(district_id), DB_INT(meeting_id), DB_TEXT(t)), who,
			   "agenda item");
	return e ? eb_say(why, cap, e, "agenda: could not be stored (%s)", eb_strerror(e)) : EB_OK;
}

enum eb_err teams_notes_set(struct db *db, int64_t district_id, int64_t meeting_id,
			    const char *notes, const struct audit_actor *who, char *why, size_t cap)
{
	enum eb_err e = meeting_exists(db, district_id, meeting_id);
	if (e)
		return eb_say(why, cap, e, "meeting: %s", eb_strerror(e));
	if (!notes)
		notes = "";
	if (strlen(notes) > TEAMS_NOTES_MAX || !text_ok(notes, TEAMS_NOTES_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "notes: at most %d characters of text",
			      TEAMS_NOTES_MAX);
	e = meeting_change(db, district_id, meeting_id,
			   "UPDATE meeting SET notes=?3 WHERE district_id=?1 AND id=?2",
			   DB_ARGS(DB_INT(district_id), DB_INT(meeting_id), DB_TEXT(notes)), who,
			   "notes");
	return e ? eb_say(why, cap, e, "notes: could not be stored (%s)", eb_strerror(e)) : EB_OK;
}

static enum eb_err attendance_finish(struct db_stmt *st, void *row, struct arena *a)
{
	(void)a;
	struct meeting_attendance *m = row;
	if (teams_role_parse(db_col_text(st, 3), &m->role))
		m->role = TEAM_ROLE_TEACHER;
	return EB_OK;
}
DB_ROWSPEC(attendance_spec, struct meeting_attendance, attendance_finish,
	   DB_FIELD_INT(struct meeting_attendance, member_id),
	   DB_FIELD_INT_OR(struct meeting_attendance, present, -1),
	   DB_FIELD_STR(struct meeting_attendance, name), DB_FIELD_SKIP);

enum eb_err teams_attendance(struct db *db, int64_t district_id, int64_t meeting_id,
			     struct arena *a, struct meeting_attendance **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT m.id,x.present,CASE WHEN m.account_id IS NULL THEN m.name ELSE"
		" coalesce(c.display_name,'') END,m.team_role FROM meeting g"
		" JOIN team_member m ON m.district_id=g.district_id AND m.team_id=g.team_id"
		" LEFT JOIN account c ON c.district_id=m.district_id AND c.id=m.account_id"
		" LEFT JOIN meeting_attendance x ON x.district_id=g.district_id AND "
		"x.meeting_id=g.id AND x.member_id=m.id"
		" WHERE g.district_id=?1 AND g.id=?2 ORDER BY m.account_id IS NULL,"
		" CASE WHEN m.account_id IS NULL THEN m.name ELSE coalesce(c.display_name,'') END"
		" COLLATE NOCASE, m.id",
		DB_ARGS(DB_INT(district_id), DB_INT(meeting_id)), &attendance_spec, a, rows, n);
}

enum eb_err teams_attendance_set(struct db *db, int64_t district_id, int64_t meeting_id,
				 const int64_t *ids, const bool *present, size_t n,
				 const struct audit_actor *who, char *why, size_t cap)
{
	enum eb_err e = meeting_exists(db, district_id, meeting_id);
	if (e)
		return eb_say(why, cap, e, "meeting: %s", eb_strerror(e));
	if ((e = db_begin(db)))
		return e;
	for (size_t i = 0; i < n; i++) {
		int64_t got;
		if (db_get_int(db,
			       "SELECT m.id FROM team_member m JOIN meeting g ON "
			       "g.district_id=m.district_id AND g.team_id=m.team_id"
			       " WHERE g.district_id=?1 AND g.id=?2 AND m.id=?3",
			       DB_ARGS(DB_INT(district_id), DB_INT(meeting_id), DB_INT(ids[i])),
			       &got)) {
			db_rollback(db);
			return eb_say(why, cap, EB_EINVAL,
				      "attendance: member %lld is not on this meeting's team",
				      (long long)ids[i]);
		}
		if ((e = db_execute(
			     db,
			     "INSERT INTO meeting_attendance(district_id,meeting_id,member_id,"
			     "present) VALUES(?1,?2,?3,?4)"
			     " ON CONFLICT(district_id,meeting_id,member_id)"
			     " DO UPDATE SET present=excluded.present",
			     DB_ARGS(DB_INT(district_id), DB_INT(meeting_id), DB_INT(ids[i]),
				     DB_INT(present[i])),
			     NULL)))
			goto fail;
	}
	char sid[24];
	id_text(meeting_id, sid);
	if ((e = audit_record(db, district_id, who, "update", "meeting", sid, "attendance")))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	return EB_OK;
fail:
	db_rollback(db);
	return eb_say(why, cap, e, "attendance: could not be stored (%s)", eb_strerror(e));
}

/* ---- decisions ---- */

DB_ROWSPEC(decision_spec, struct meeting_decision, NULL, DB_FIELD_INT(struct meeting_decision, id),
	   DB_FIELD_INT(struct meeting_decision, initiative_id),
	   DB_FIELD_INT(struct meeting_decision, at), DB_FIELD_STR(struct meeting_decision, text),
	   DB_FIELD_STR(struct meeting_decision, from), DB_FIELD_STR(struct meeting_decision, to));

enum eb_err teams_decisions(struct db *db, int64_t district_id, int64_t meeting_id, struct arena *a,
			    struct meeting_decision **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT d.id,coalesce(d.initiative_id,0),d.at,d.text,coalesce(s.from_status,''),"
		"coalesce(s.to_status,'') FROM meeting_decision d LEFT JOIN initiative_status s"
		" ON s.district_id=d.district_id AND s.id=d.initiative_status_id WHERE "
		"d.district_id=?1 AND d.meeting_id=?2"
		" ORDER BY d.id",
		DB_ARGS(DB_INT(district_id), DB_INT(meeting_id)), &decision_spec, a, rows, n);
}

enum eb_err teams_decision_add(struct db *db, int64_t district_id, int64_t meeting_id,
			       const char *text, const char *status, const char *evidence,
			       const struct audit_actor *who, int64_t now, char *why, size_t cap)
{
	struct arena a;
	arena_init(&a);
	struct meeting g;
	struct team t;
	enum eb_err e = teams_meeting_get(db, district_id, meeting_id, &a, &g);
	arena_free(&a);
	if (e || (e = teams_get(db, district_id, g.team_id, &t)))
		return eb_say(why, cap, e, "meeting: %s", eb_strerror(e));
	char tx[TEAMS_DECISION_MAX + 2];
	const char *d = str_trimmed(text, tx, sizeof tx);
	if (!*d)
		return eb_say(why, cap, EB_EINVAL, "decision: write what was decided");
	if (strlen(text) > TEAMS_DECISION_MAX + 64 || strlen(d) > TEAMS_DECISION_MAX ||
	    !text_ok(d, TEAMS_DECISION_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "decision: at most %d characters of text",
			      TEAMS_DECISION_MAX);
	bool on_initiative = status && *status;
	if (on_initiative && t.kind != TEAM_INITIATIVE)
		return eb_say(
			why, cap, EB_EINVAL,
			"status: only an initiative's team decides on the initiative's status");
	struct audit_actor cli = { 0, "cli", "" };
	if (!who)
		who = &cli;
	if ((e = db_begin(db)))
		return e;
	int64_t status_id = 0;
	if (on_initiative) {
		/* the initiatives domain keeps its rules and its history: it joins
		 * this transaction (initiative_set_status nests in an open one) */
		e = initiative_set_status(db, district_id, who, t.initiative_id, status, d,
					  evidence, why, cap);
		if (e) {
			db_rollback(db);
			return e;
		}
		if ((e = db_get_int(db,
				    "SELECT max(id) FROM initiative_status WHERE district_id=?1 AND"
				    " initiative_id=?2",
				    DB_ARGS(DB_INT(district_id), DB_INT(t.initiative_id)),
				    &status_id)))
			goto fail;
	}
	if ((e = db_execute(
		     db,
		     "INSERT INTO meeting_decision(district_id,meeting_id,text,initiative_id,"
		     "initiative_status_id,account_id,at) VALUES(?1,?2,?3,?4,?5,?6,?7)",
		     DB_ARGS(DB_INT(district_id), DB_INT(meeting_id), DB_TEXT(d),
			     DB_INT_IF(on_initiative, t.initiative_id),
			     DB_INT_IF(status_id, status_id),
			     DB_INT_IF(who->account_id, who->account_id), DB_INT(now)),
		     NULL)))
		goto fail;
	char sid[24];
	id_text(meeting_id, sid);
	if ((e = audit_record(db, district_id, who, "update", "meeting", sid,
			      on_initiative ? "decision on the initiative's status" : "decision")))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	return EB_OK;
fail:
	db_rollback(db);
	return eb_say(why, cap, e, "decision: could not be stored (%s)", eb_strerror(e));
}

/* ---- action items ---- */

static enum eb_err action_finish(struct db_stmt *st, void *row, struct arena *a)
{
	(void)a;
	struct action_item *x = row;
	x->status = status_of(db_col_text(st, 5));
	return EB_OK;
}
DB_ROWSPEC(action_spec, struct action_item, action_finish, DB_FIELD_INT(struct action_item, id),
	   DB_FIELD_INT(struct action_item, meeting_id), DB_FIELD_INT(struct action_item, team_id),
	   DB_FIELD_INT(struct action_item, owner_member_id),
	   DB_FIELD_INT(struct action_item, owner_account_id), DB_FIELD_SKIP,
	   DB_FIELD_INT(struct action_item, overdue), DB_FIELD_STR(struct action_item, text),
	   DB_FIELD_STR(struct action_item, due), DB_FIELD_STR(struct action_item, owner_name),
	   DB_FIELD_STR(struct action_item, team_name),
	   DB_FIELD_STR(struct action_item, meeting_day));

/* ?1 district, ?2 today */
#define ACTION_COLS                                                                                \
	"SELECT x.id,x.meeting_id,x.team_id,x.owner_member_id,coalesce(m.account_id,0),"           \
	"x.status,x.status='open' AND x.due<?2,x.text,x.due,"                                      \
	"CASE WHEN m.account_id IS NULL THEN m.name ELSE coalesce(c.display_name,'') END,"         \
	"t.name,g.day FROM action_item x JOIN team_member m ON m.district_id=x.district_id AND "   \
	"m.id=x.owner_member_id"                                                                   \
	" LEFT JOIN account c ON c.district_id=m.district_id AND c.id=m.account_id JOIN team t "   \
	"ON t.district_id=x.district_id AND t.id=x.team_id"                                        \
	" JOIN meeting g ON g.district_id=x.district_id AND g.id=x.meeting_id"

enum eb_err teams_action_add(struct db *db, int64_t district_id, int64_t meeting_id,
			     const struct action_form *in, const struct audit_actor *who,
			     int64_t now, int64_t *id, char *why, size_t cap)
{
	struct arena a;
	arena_init(&a);
	struct meeting g;
	enum eb_err e = teams_meeting_get(db, district_id, meeting_id, &a, &g);
	arena_free(&a);
	if (e)
		return eb_say(why, cap, e, "meeting: %s", eb_strerror(e));
	char tx[TEAMS_ACTION_MAX + 2], du[16];
	const char *text = str_trimmed(in->text, tx, sizeof tx);
	const char *due = str_trimmed(in->due, du, sizeof du);
	if (!*text)
		return eb_say(why, cap, EB_EINVAL, "text: write what is to be done");
	if (strlen(in->text) > TEAMS_ACTION_MAX + 64 || strlen(text) > TEAMS_ACTION_MAX ||
	    !text_ok(text, TEAMS_ACTION_MAX, false))
		return eb_say(why, cap, EB_EINVAL, "text: at most %d characters of plain text",
			      TEAMS_ACTION_MAX);
	int64_t owner, got;
	if (!in->owner || cstr_to_i64(in->owner, 1, INT64_MAX, &owner) ||
	    db_get_int(db,
		       "SELECT id FROM team_member WHERE district_id=?1 AND team_id=?2 AND id=?3",
		       DB_ARGS(DB_INT(district_id), DB_INT(g.team_id), DB_INT(owner)), &got))
		return eb_say(why, cap, EB_EINVAL,
			      "owner: choose a member of this team (add the person to the team"
			      " first)");
	if (!day_ok(due))
		return eb_say(why, cap, EB_EINVAL, "due: give the due date as YYYY-MM-DD");
	if (strcmp(due, g.day) < 0)
		return eb_say(why, cap, EB_EINVAL,
			      "due: the due date %s is before the meeting (%s); give a date on or"
			      " after it",
			      due, g.day);
	if ((e = db_begin(db)))
		return e;
	if ((e = db_execute(db,
			    "INSERT INTO action_item(district_id,meeting_id,team_id,text,"
			    "owner_member_id,due,created_at) VALUES(?1,?2,?3,?4,?5,?6,?7)",
			    DB_ARGS(DB_INT(district_id), DB_INT(meeting_id), DB_INT(g.team_id),
				    DB_TEXT(text), DB_INT(owner), DB_TEXT(due), DB_INT(now)),
			    NULL)))
		goto fail;
	*id = db_last_id(db);
	char sid[24];
	id_text(meeting_id, sid);
	if ((e = audit_record(db, district_id, who, "update", "meeting", sid, "action item")))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	return EB_OK;
fail:
	db_rollback(db);
	return eb_say(why, cap, e, "action item: could not be stored (%s)", eb_strerror(e));
}

enum eb_err teams_action_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			     struct action_item *out)
{
	char today[11];
	teams_today(db, district_id, time_now(), today);
	return db_get_row(db, ACTION_COLS " WHERE x.district_id=?1 AND x.id=?3",
			  DB_ARGS(DB_INT(district_id), DB_TEXT(today), DB_INT(id)), &action_spec, a,
			  out);
}

enum eb_err teams_action_set_status(struct db *db, int64_t district_id, int64_t id,
				    const char *status, const struct audit_actor *who, int64_t now,
				    char *why, size_t cap)
{
	int s = -1;
	for (int i = 0; status && i < ACTION__COUNT; i++)
		if (strcmp(status, status_names[i]) == 0)
			s = i;
	if (s < 0)
		return eb_say(why, cap, EB_EINVAL, "status: open, done or dropped");
	int64_t got;
	enum eb_err e = db_get_int(db, "SELECT id FROM action_item WHERE district_id=?1 AND id=?2",
				   DB_ARGS(DB_INT(district_id), DB_INT(id)), &got);
	if (e)
		return eb_say(why, cap, e, "action item: %s", eb_strerror(e));
	if ((e = db_begin(db)))
		return e;
	char sid[24];
	id_text(id, sid);
	if ((e = db_execute(db,
			    "UPDATE action_item SET status=?3, closed_at=CASE WHEN ?3='open' THEN"
			    " NULL ELSE ?4 END WHERE district_id=?1 AND id=?2",
			    DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(status_names[s]),
				    DB_INT(now)),
			    NULL)) ||
	    (e = audit_record(db, district_id, who, "update", "action_item", sid,
			      status_names[s])) ||
	    (e = db_commit(db))) {
		db_rollback(db);
		return eb_say(why, cap, e, "action item: could not be stored (%s)", eb_strerror(e));
	}
	return EB_OK;
}

enum eb_err teams_actions(struct db *db, int64_t district_id, const struct action_query *q,
			  struct arena *a, struct action_item **rows, size_t *n)
{
	const char *today = q->today ? q->today : "";
	int f = (int)q->filter;
	if (q->meeting_id > 0)
		return db_get_rows(
			db,
			ACTION_COLS " WHERE x.district_id=?1 AND x.meeting_id=?3"
				    " ORDER BY x.id",
			DB_ARGS(DB_INT(district_id), DB_TEXT(today), DB_INT(q->meeting_id)),
			&action_spec, a, rows, n);
	/* ?4: 0 open, 1 overdue, 2 done (done or dropped), 3 all */
	if (q->team_id > 0)
		return db_get_rows(
			db,
			ACTION_COLS " WHERE x.district_id=?1 AND x.team_id=?3 AND (?4=3 OR"
				    " (?4=0 AND x.status='open') OR (?4=1 AND x.status='open' AND"
				    " x.due<?2) OR (?4=2 AND x.status<>'open'))"
				    " ORDER BY x.status<>'open', CASE WHEN x.status='open' THEN"
				    " x.due END, x.closed_at DESC, x.id LIMIT 500",
			DB_ARGS(DB_INT(district_id), DB_TEXT(today), DB_INT(q->team_id), DB_INT(f)),
			&action_spec, a, rows, n);
	return db_get_rows(db,
			   ACTION_COLS
			   " WHERE x.district_id=?1 AND m.account_id=?3 AND (?4=3 OR"
			   " (?4=0 AND x.status='open') OR (?4=1 AND x.status='open' AND"
			   " x.due<?2) OR (?4=2 AND x.status<>'open'))"
			   " ORDER BY x.status<>'open', CASE WHEN x.status='open' THEN x.due END,"
			   " x.closed_at DESC, x.id LIMIT 500",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(today), DB_INT(q->owner_account_id),
				   DB_INT(f)),
			   &action_spec, a, rows, n);
}

enum eb_err teams_action_items_due(struct db *db, int64_t district_id, int64_t account_id,
				   const char *today, const char *through, size_t max,
				   struct arena *a, struct action_item **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (!day_ok(today) || !day_ok(through))
		return EB_EINVAL;
	return db_get_rows(db,
			   ACTION_COLS
			   " WHERE x.district_id=?1 AND m.account_id=?3 AND"
			   " x.status='open' AND x.due<=?4 ORDER BY x.due, x.id LIMIT ?5",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(today), DB_INT(account_id),
				   DB_TEXT(through), DB_INT(max ? max : 1)),
			   &action_spec, a, rows, n);
}

/* ---- reminders ---- */

struct remind_row {
	int64_t id;
	const char *text, *due, *team, *email, *roster_email, *login, *name;
};
DB_ROWSPEC(remind_spec, struct remind_row, NULL, DB_FIELD_INT(struct remind_row, id),
	   DB_FIELD_STR(struct remind_row, text), DB_FIELD_STR(struct remind_row, due),
	   DB_FIELD_STR(struct remind_row, team), DB_FIELD_STR(struct remind_row, email),
	   DB_FIELD_STR(struct remind_row, roster_email), DB_FIELD_STR(struct remind_row, login),
	   DB_FIELD_STR(struct remind_row, name));

/* The owner's address: given for a person by name; for a user, their
 * roster email, else their login when it is an email address. */
static const char *remind_address(const struct remind_row *r)
{
	if (*r->email && family_email_valid(r->email))
		return r->email;
	if (*r->roster_email && family_email_valid(r->roster_email))
		return r->roster_email;
	if (*r->login && family_email_valid(r->login))
		return r->login;
	return "";
}

enum eb_err teams_remind(struct db *db, int64_t district_id, int64_t now,
			 struct teams_remind_report *rep)
{
	struct delivery_settings s;
	enum eb_err e = delivery_get(db, district_id, &s);
	if (e || !s.smtp_url[0] || !s.mail_from[0])
		return e; /* no email: the items wait until the district sends some */
	char today[11], through[11];
	teams_today(db, district_id, now, today);
	day_add(today, TEAMS_REMIND_DAYS, through);
	struct arena tmp;
	arena_init(&tmp);
	struct remind_row *rows;
	size_t n;
	e = db_get_rows(
		db,
		"SELECT x.id,x.text,x.due,t.name,m.email,coalesce(p.email,''),coalesce(c.login,''),"
		"CASE WHEN m.account_id IS NULL THEN m.name ELSE coalesce(c.display_name,'') END"
		" FROM action_item x JOIN team_member m ON m.district_id=x.district_id AND "
		"m.id=x.owner_member_id"
		" JOIN team t ON t.district_id=x.district_id AND t.id=x.team_id"
		" LEFT JOIN account c ON c.district_id=m.district_id AND c.id=m.account_id AND "
		"c.disabled=0"
		" LEFT JOIN person p ON p.district_id=c.district_id AND"
		" p.sourced_id=c.person_sourced_id"
		" WHERE x.district_id=?1 AND x.status='open' AND x.due<=?2 AND NOT EXISTS("
		"SELECT 1 FROM action_item_reminder r WHERE r.district_id=x.district_id AND "
		"r.item_id=x.id AND r.day=?3)"
		" ORDER BY x.due, x.id LIMIT 500",
		DB_ARGS(DB_INT(district_id), DB_TEXT(through), DB_TEXT(today)), &remind_spec, &tmp,
		&rows, &n);
	if (e || n == 0)
		goto out;
	const struct outbox_channel *ch = &outbox_channel_email;
	void *session = NULL;
	char err[OUTBOX_REASON_MAX];
	bool open = false;
	for (size_t i = 0; i < n; i++) {
		const char *to = remind_address(&rows[i]);
		/* claim the item for today first: a second run (or another
		 * server) finds the row and sends nothing */
		int claimed = 0;
		e = db_execute(
			db,
			"INSERT INTO action_item_reminder(district_id,item_id,day,address,status,"
			"at) VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT DO NOTHING",
			DB_ARGS(DB_INT(district_id), DB_INT(rows[i].id), DB_TEXT(today),
				DB_TEXT(to), DB_TEXT(*to ? "failed" : "no_address"), DB_INT(now)),
			&claimed);
		if (e)
			break;
		if (!claimed) {
			rep->already++;
			continue;
		}
		if (!*to) {
			rep->no_address++;
			continue;
		}
		if (!open) {
			if (ch->open(&s, &session, err, sizeof err)) {
				/* the mail server is unreachable: give back today's
				 * claims of the items not sent, so a later run tries */
				db_execute(
					db,
					"DELETE FROM action_item_reminder WHERE district_id=?1 AND"
					" day=?2 AND status='failed' AND at=?3",
					DB_ARGS(DB_INT(district_id), DB_TEXT(today), DB_INT(now)),
					NULL);
				goto out;
			}
			open = true;
		}
		bool overdue = strcmp(rows[i].due, today) < 0;
		char *subject = arena_printf(&tmp, "%s: \"%.80s\" %s %s", rows[i].team,
					     rows[i].text, overdue ? "was due" : "is due",
					     rows[i].due);
		char *body = arena_printf(
			&tmp,
			"Hello %s,\n\nA reminder from your team \"%s\": the action item\n\n  %s\n\n"
			"%s %s.%s\n\nWhen it is done, mark it done on the team's page or tell the"
			" team's lead.\n",
			rows[i].name, rows[i].team, rows[i].text,
			overdue ? "was due on" : "is due on", rows[i].due,
			overdue ? " It is overdue." : "");
		if (!subject || !body) {
			e = EB_ENOMEM;
			break;
		}
		struct outbox_row row;
		memset(&row, 0, sizeof row);
		row.id = rows[i].id;
		row.district_id = district_id;
		str_copy(row.week, sizeof row.week, "team");
		str_copy(row.address, sizeof row.address, to);
		str_copy(row.lang, sizeof row.lang, "en");
		struct outbox_message msg = { .to = to,
					      .subject = subject,
					      .text = body,
					      .html = NULL,
					      .unsubscribe_url = NULL,
					      .lang = "en",
					      .rtl = false };
		struct outbox_result res;
		ch->send(session, &row, &msg, &res);
		bool ok = res.kind == OUTBOX_SEND_SENT;
		if (ok)
			rep->sent++;
		else
			rep->failed++;
		if ((e = db_execute(db,
				    "UPDATE action_item_reminder SET status=?4 WHERE district_id=?1"
				    " AND item_id=?2 AND day=?3",
				    DB_ARGS(DB_INT(district_id), DB_INT(rows[i].id), DB_TEXT(today),
					    DB_TEXT(ok ? "sent" : "failed")),
				    NULL)))
			break;
	}
	if (open)
		ch->close(session);
out:
	arena_free(&tmp);
	return e;
}

enum eb_err teams_remind_all(struct db *db, int64_t now, struct teams_remind_report *rep)
{
	int64_t ids[256];
	size_t n = district_all(db, ids, sizeof ids / sizeof ids[0]);
	if (n > sizeof ids / sizeof ids[0])
		n = sizeof ids / sizeof ids[0];
	enum eb_err first = EB_OK;
	for (size_t i = 0; i < n; i++) {
		enum eb_err e = teams_remind(db, ids[i], now, rep);
		if (e && !first)
			first = e;
	}
	return first;
}
