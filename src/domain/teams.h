/* teams.h - role-diverse teams for an initiative, a school or a grade of a
 * school (migration 035): members who are edbridge users with their role
 * on the team, family representatives and outside partners by name only
 * (never users through the team, never shown student data), connectors
 * marked; meetings with agenda, attendance, notes, decisions (a status
 * decision on the team's initiative goes through the initiatives domain and
 * keeps its meeting) and action items (owner a member, due date, status)
 * with email reminders (docs/teams.md).
 *
 * Every function takes the district id; a team, meeting or item of another
 * district answers EB_ENOTFOUND. Functions that write take their own
 * transaction and store nothing on an error; a refused input answers
 * EB_EINVAL with one "field: reason" sentence in why. */
#ifndef EB_TEAMS_H
#define EB_TEAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/audit.h"

struct db;
struct account;
struct tz;

#define TEAMS_WHY_CAP 240
#define TEAMS_NAME_MAX 200
#define TEAMS_PURPOSE_MAX 2000
#define TEAMS_MEMBER_NAME_MAX 120
#define TEAMS_EMAIL_MAX 254
#define TEAMS_PLACE_MAX 200
#define TEAMS_NOTES_MAX 20000
#define TEAMS_AGENDA_MAX 500
#define TEAMS_AGENDA_ITEMS 40
#define TEAMS_DECISION_MAX 2000
#define TEAMS_ACTION_MAX 1000
/* Reminders go for open items due within this many days, and overdue ones. */
#define TEAMS_REMIND_DAYS 2

enum team_kind { TEAM_INITIATIVE, TEAM_SCHOOL, TEAM_GRADE, TEAM_KIND__COUNT };
/* Stored name ("initiative"); NULL out of range. */
const char *teams_kind_name(enum team_kind k);
/* Words for people ("Initiative team"). */
const char *teams_kind_label(enum team_kind k);

/* A member's role on the team. The last two are people without an
 * edbridge account (by name). */
enum team_role {
	TEAM_ROLE_TEACHER,
	TEAM_ROLE_COACH,
	TEAM_ROLE_PRINCIPAL,
	TEAM_ROLE_COORDINATOR,
	TEAM_ROLE_IT,
	TEAM_ROLE_CHAMPION,
	TEAM_ROLE_VENDOR,
	TEAM_ROLE_ADMIN,
	TEAM_ROLE_FAMILY_REP,
	TEAM_ROLE_PARTNER,
	TEAM_ROLE__COUNT
};
/* Stored name ("tech_champion"); NULL out of range. */
const char *teams_role_name(enum team_role r);
/* Words for people ("Tech champion", "Family representative"). */
const char *teams_role_label(enum team_role r);
/* Parses a stored name. EB_EINVAL otherwise. */
enum eb_err teams_role_parse(const char *s, enum team_role *out);
/* True for the roles held by name only (family representative, partner). */
bool teams_role_by_name(enum team_role r);

/* Who may start a team: district admin, coordinator, principal, coach. */
bool teams_can_create(const struct account *a);
/* Who may open /teams at all: staff (not families or students). */
bool teams_can_open(const struct account *a);

struct team {
	int64_t id, district_id, initiative_id, tool_id, created_by, created_at;
	enum team_kind kind;
	int grade; /* 0..12 for a grade team, else -1 */
	char name[TEAMS_NAME_MAX + 1], purpose[TEAMS_PURPOSE_MAX + 1];
	char school_sid[128], school_name[201]; /* "" for an initiative team */
	char initiative_title[201];		/* "" unless an initiative team */
	char tool_name[201];			/* the initiative's tool, "" when none */
};

/* A new team as typed on the form. kind "initiative" (initiative: its id),
 * "school" (school: an org sourcedId of type school) or "grade" (school and
 * grade: K, 0..12). name 1..200 bytes, purpose 0..2000. */
struct team_form {
	const char *name, *kind, *initiative, *school, *grade, *purpose;
};
/* Checks and stores the team; the creator (creator, a user of the
 * district) becomes its first member, with the team role their account
 * suggests. Audited. */
enum eb_err teams_create(struct db *db, int64_t district_id, const struct team_form *in,
			 const struct account *creator, const struct audit_actor *who, int64_t now,
			 int64_t *id, char *why, size_t cap);

/* Loads a team. EB_ENOTFOUND when absent. */
enum eb_err teams_get(struct db *db, int64_t district_id, int64_t id, struct team *out);

/* Whether viewer may see the team: a member (by account), a district admin
 * or coordinator, a principal of the team's school (an initiative team:
 * one of its targeted schools), or its creator. */
bool teams_can_view(struct db *db, const struct account *viewer, const struct team *t);
/* Whether viewer may change the team and its meetings: a member who is a
 * user, a district admin or coordinator, or its creator. */
bool teams_can_edit(struct db *db, const struct account *viewer, const struct team *t);

struct team_row {
	int64_t id, initiative_id;
	enum team_kind kind;
	int grade;
	bool mine; /* viewer is a member */
	int members, open_items;
	int64_t next_meeting; /* starts_at of the next meeting at or after now, 0: none */
	const char *name, *school_name, *initiative_title;
};
/* The teams viewer may see (teams_can_view's rule), by name. */
enum eb_err teams_list(struct db *db, int64_t district_id, const struct account *viewer,
		       int64_t now, struct arena *a, struct team_row **rows, size_t *n);

/* ---- members ---- */

struct team_member {
	int64_t id, account_id; /* account_id 0: a person by name */
	enum team_role role;
	bool connector;
	const char *name;  /* the account's display name, or the name given */
	const char *email; /* given for a person by name; "" else */
};
/* Members, users first by role then by name. Arrays in arena. */
enum eb_err teams_members(struct db *db, int64_t district_id, int64_t team_id, struct arena *a,
			  struct team_member **rows, size_t *n);

/* A member as typed: role a teams_role_name; for a user, account (an
 * account id or login of the district, enabled); for a family
 * representative or partner, name (1..120) and email (optional, a valid
 * address: reminders go there). connector "1"/"on" or ""/NULL. */
struct team_member_form {
	const char *role, *account, *name, *email, *connector;
};
/* Adds a member. Refused: an account that is not a user of this district
 * ("member: ... is not a user of this district"), a user already on the
 * team (EB_EEXIST), a person by name without a name, a bad email. */
enum eb_err teams_member_add(struct db *db, int64_t district_id, int64_t team_id,
			     const struct team_member_form *in, const struct audit_actor *who,
			     int64_t now, int64_t *member_id, char *why, size_t cap);
/* Removes a member. EB_ECONFLICT (why) while they own open action items. */
enum eb_err teams_member_remove(struct db *db, int64_t district_id, int64_t team_id,
				int64_t member_id, const struct audit_actor *who, char *why,
				size_t cap);

/* ---- meetings ---- */

struct meeting {
	int64_t id, team_id, starts_at, created_by;
	int minutes;
	char day[11], at[6]; /* "YYYY-MM-DD", "HH:MM" in the district's zone */
	char place[TEAMS_PLACE_MAX + 1];
	const char *notes; /* in the arena */
};
/* A new meeting: date "YYYY-MM-DD" and time "HH:MM" in zone z (NULL: UTC),
 * minutes 5..600, place 0..200, agenda: items one per line (blank lines
 * are skipped; at most TEAMS_AGENDA_ITEMS of 1..500 bytes). */
struct meeting_form {
	const char *date, *time, *minutes, *place, *agenda;
};
enum eb_err teams_meeting_create(struct db *db, int64_t district_id, int64_t team_id,
				 const struct meeting_form *in, const struct tz *z,
				 const struct audit_actor *who, int64_t now, int64_t *id, char *why,
				 size_t cap);
/* Loads a meeting (notes in arena). EB_ENOTFOUND when absent. */
enum eb_err teams_meeting_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			      struct meeting *out);

struct meeting_row {
	int64_t id, team_id, starts_at;
	int minutes;
	const char *day, *at, *place, *team_name;
	int agenda_items, decisions, actions;
};
/* The team's meetings, newest first (at most 200). */
enum eb_err teams_meetings(struct db *db, int64_t district_id, int64_t team_id, struct arena *a,
			   struct meeting_row **rows, size_t *n);

/* CONTRACT (h15-cycles: the coach's home). The meetings on day
 * ("YYYY-MM-DD" in the district's zone) of the teams whose member
 * account_id is, earliest first. agenda_items, decisions and actions are
 * counted. EB_EINVAL for a malformed day. Arrays in arena. */
enum eb_err teams_meetings_on_day(struct db *db, int64_t district_id, int64_t account_id,
				  const char *day, struct arena *a, struct meeting_row **rows,
				  size_t *n);

struct meeting_agenda_item {
	int64_t id;
	int position;
	const char *text;
};
enum eb_err teams_agenda(struct db *db, int64_t district_id, int64_t meeting_id, struct arena *a,
			 struct meeting_agenda_item **rows, size_t *n);
/* Adds an item at the end. Refused: empty text ("agenda: write the item"),
 * over 500 bytes, past TEAMS_AGENDA_ITEMS. */
enum eb_err teams_agenda_add(struct db *db, int64_t district_id, int64_t meeting_id,
			     const char *text, const struct audit_actor *who, char *why,
			     size_t cap);

/* Replaces the notes (0..20000 bytes). */
enum eb_err teams_notes_set(struct db *db, int64_t district_id, int64_t meeting_id,
			    const char *notes, const struct audit_actor *who, char *why,
			    size_t cap);

struct meeting_attendance {
	int64_t member_id;
	int present; /* 1 present, 0 absent, -1 not taken */
	const char *name;
	enum team_role role;
};
/* Every member of the meeting's team with their attendance. */
enum eb_err teams_attendance(struct db *db, int64_t district_id, int64_t meeting_id,
			     struct arena *a, struct meeting_attendance **rows, size_t *n);
/* Records attendance: present[i] for member ids[i]. Refused (nothing
 * stored) when an id is not a member of the meeting's team. */
enum eb_err teams_attendance_set(struct db *db, int64_t district_id, int64_t meeting_id,
				 const int64_t *ids, const bool *present, size_t n,
				 const struct audit_actor *who, char *why, size_t cap);

/* ---- decisions ---- */

struct meeting_decision {
	int64_t id, initiative_id, at;
	const char *text;
	const char *from, *to; /* a status decision: the initiative's move; "" else */
};
enum eb_err teams_decisions(struct db *db, int64_t district_id, int64_t meeting_id, struct arena *a,
			    struct meeting_decision **rows, size_t *n);
/* Records a decision (text 1..2000). status "" or NULL: a decision of the
 * meeting alone. Else a status decision on the team's initiative (the team
 * must be an initiative team): it goes through initiative_set_status
 * (reason = text, evidence as given; its rules apply), in the same
 * transaction, and the initiative's history names this meeting. */
enum eb_err teams_decision_add(struct db *db, int64_t district_id, int64_t meeting_id,
			       const char *text, const char *status, const char *evidence,
			       const struct audit_actor *who, int64_t now, char *why, size_t cap);

/* ---- action items ---- */

enum action_status { ACTION_OPEN, ACTION_DONE, ACTION_DROPPED, ACTION__COUNT };
const char *teams_action_status_name(enum action_status s);  /* "open" */
const char *teams_action_status_label(enum action_status s); /* "Open" */

struct action_item {
	int64_t id, meeting_id, team_id, owner_member_id, owner_account_id;
	enum action_status status;
	bool overdue; /* open and due before today (as asked) */
	const char *text, *due, *owner_name, *team_name, *meeting_day;
};
/* A new item: owner a member id of the meeting's team, due "YYYY-MM-DD" on
 * or after the meeting's day, text 1..1000. Refused with "due: ..." for a
 * due date before the meeting and "owner: ..." for an owner outside the
 * team. */
struct action_form {
	const char *text, *owner, *due;
};
enum eb_err teams_action_add(struct db *db, int64_t district_id, int64_t meeting_id,
			     const struct action_form *in, const struct audit_actor *who,
			     int64_t now, int64_t *id, char *why, size_t cap);
/* Loads one item (strings in arena). */
enum eb_err teams_action_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			     struct action_item *out);
/* Sets the status ("open", "done", "dropped"). */
enum eb_err teams_action_set_status(struct db *db, int64_t district_id, int64_t id,
				    const char *status, const struct audit_actor *who, int64_t now,
				    char *why, size_t cap);

enum action_filter { ACTION_F_OPEN, ACTION_F_OVERDUE, ACTION_F_DONE, ACTION_F_ALL };
/* Parses "open", "overdue", "done", "all"; anything else reads open. */
enum action_filter teams_action_filter_parse(const char *s);
/* Items by filter, soonest due first (done: newest closed first), at most
 * 500. meeting_id > 0: that meeting's; else team_id > 0: that team's; else
 * owner_account_id > 0: those owned by that user. today "YYYY-MM-DD" (the
 * district's day) decides overdue. */
struct action_query {
	int64_t meeting_id, team_id, owner_account_id;
	enum action_filter filter;
	const char *today;
};
enum eb_err teams_actions(struct db *db, int64_t district_id, const struct action_query *q,
			  struct arena *a, struct action_item **rows, size_t *n);

/* CONTRACT (the homes). Open items owned by account_id due on or before
 * through ("YYYY-MM-DD"), overdue flagged against today; soonest first, at
 * most max. */
enum eb_err teams_action_items_due(struct db *db, int64_t district_id, int64_t account_id,
				   const char *today, const char *through, size_t max,
				   struct arena *a, struct action_item **rows, size_t *n);

/* ---- reminders ---- */

struct teams_remind_report {
	long sent, failed, no_address; /* items reminded today by this run */
	long already;		       /* reminded earlier today: skipped */
};
/* Emails the owner of each open item of the district due within
 * TEAMS_REMIND_DAYS of today (the district's day at now) or overdue, with
 * the district's delivery settings (domain/delivery; nothing when it sends
 * no email). One reminder per item and day: a second run the same day
 * sends nothing. A user's address is their roster email or an email login;
 * a person by name gets theirs. */
enum eb_err teams_remind(struct db *db, int64_t district_id, int64_t now,
			 struct teams_remind_report *rep);
/* teams_remind for every district (the serve thread, `teams remind`). */
enum eb_err teams_remind_all(struct db *db, int64_t now, struct teams_remind_report *rep);

/* The district's day at t ("YYYY-MM-DD", its time zone). */
void teams_today(struct db *db, int64_t district_id, int64_t t, char out[11]);

#endif
