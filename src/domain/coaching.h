/* coaching.h - coaching cycles tied to class data (migration 033,
 * docs/coaching.md): a coach works with one teacher or a team of teachers
 * and their classes through three phases (identify, learn, improve), with
 * dated entries and notes, action steps with owners and due dates,
 * resources, and goals tied to data: the share of a class's students secure
 * on named standards by a date (progress drawn from mastery), or an
 * observation indicator reaching a value (progress from the teacher's
 * observations). Coaching is not evaluation: the notes are read by the
 * coach and the cycle's teachers, and by whom a teacher shares them with
 * (coaching_notes_visible).
 *
 * Every function takes the district id; a cycle of another district answers
 * EB_ENOTFOUND. Functions that write more than one row take their own
 * transaction and store nothing on an error. Days are "YYYY-MM-DD" in the
 * district's zone; strings of results live in the caller's arena. */
#ifndef EB_COACHING_H
#define EB_COACHING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/audit.h"

struct db;
struct account;

#define COACHING_TITLE_MAX 200
#define COACHING_NOTES_MAX 8000
#define COACHING_STEP_MAX 500
#define COACHING_URL_MAX 500
#define COACHING_TEACHERS_MAX 12 /* a team */
#define COACHING_CLASSES_MAX 8
#define COACHING_GOAL_STANDARDS_MAX 8
#define COACHING_WHY_CAP 400
#define COACHING_QUIET_DAYS 14	 /* no entry for this long: the cycle needs a next step */
#define COACHING_NO_DATA_DAYS 21 /* a goal without new data for this long is at risk */

enum coaching_phase {
	COACHING_IDENTIFY,
	COACHING_LEARN,
	COACHING_IMPROVE,
	COACHING_COMPLETED,
	COACHING_STOPPED,
	COACHING_PHASE__COUNT
};

/* Stored name ("identify"), and words for people ("Identify: a look at
 * the class's data"). NULL / "" out of range. */
const char *coaching_phase_name(enum coaching_phase p);
const char *coaching_phase_label(enum coaching_phase p);
/* Parses a stored name. EB_EINVAL when unknown. */
enum eb_err coaching_phase_parse(const char *s, enum coaching_phase *out);

enum coaching_entry_kind {
	COACHING_KICKOFF,
	COACHING_GOAL_SETTING,
	COACHING_STRATEGY,
	COACHING_MODELING,
	COACHING_CO_TEACHING,
	COACHING_PRACTICE,
	COACHING_OBSERVATION,
	COACHING_DEBRIEF,
	COACHING_REFLECTION,
	COACHING_ENTRY__COUNT
};
/* Stored name ("co_teaching"), words ("Co-teaching"), and the phase an
 * entry of that kind belongs to (kickoff: identify; goal setting, strategy,
 * modeling, co-teaching: learn; the rest: improve). */
const char *coaching_entry_name(enum coaching_entry_kind k);
const char *coaching_entry_label(enum coaching_entry_kind k);
enum coaching_phase coaching_entry_phase(enum coaching_entry_kind k);
enum eb_err coaching_entry_parse(const char *s, enum coaching_entry_kind *out);

/* Who may open /coaching at all: coaches, teachers, coordinators,
 * principals, district admins. */
bool coaching_can_view(const struct account *a);
/* Who may start a cycle: coaches (and coordinators, for a coach). */
bool coaching_can_create(const struct account *a);

/* One cycle. teachers/teacher_names and classes/class_titles: arrays in
 * the arena (nteachers >= 1, nclasses >= 1). ended_on "" while it runs. */
struct coaching_cycle {
	int64_t id, district_id, coach_id, created_at, updated_at;
	enum coaching_phase phase;
	char title[COACHING_TITLE_MAX + 1];
	char school_sid[128], started_on[11], ended_on[11];
	char coach_name[128];
	int64_t *teachers;
	const char **teacher_names;
	size_t nteachers;
	const char **classes, **class_titles;
	size_t nclasses;
};

/* Loads a cycle with its teachers and classes. EB_ENOTFOUND when absent. */
enum eb_err coaching_cycle_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			       struct coaching_cycle *out);
/* True when the cycle exists in the district (observations check the
 * cycle_id they are given). False on an error too. */
bool coaching_cycle_exists(struct db *db, int64_t district_id, int64_t id);

/* True when viewer may read the cycle's notes (entries' notes, steps,
 * reflections): its coach, one of its teachers, or an account the teachers
 * shared the cycle with. Everyone else, a principal or a coordinator
 * included, sees that the cycle exists and its phase only. False on an
 * error. */
bool coaching_notes_visible(struct db *db, int64_t district_id, const struct account *viewer,
			    int64_t cycle_id);
/* True when viewer may see the cycle at all (existence and phase): the
 * above, a district admin or coordinator, or a principal of its school. */
bool coaching_cycle_visible(struct db *db, int64_t district_id, const struct account *viewer,
			    const struct coaching_cycle *c);

/* Completed cycles with their classes and goal standards (the coaching
 * impact's treated classes, domain/coaching_impact). Only cycles whose
 * phase is completed; newest end first. standards: the distinct canonical
 * codes of the cycle's student goals (may be empty). started_at/ended_at:
 * the days at 00:00 UTC in Unix seconds. */
struct coaching_completed {
	int64_t id, coach_id, started_at, ended_at;
	const char *started_on, *ended_on;
	const char **classes;
	size_t nclasses;
	const char **standards;
	size_t nstandards;
	int64_t *teachers;
	size_t nteachers;
};
enum eb_err coaching_completed_cycles(struct db *db, int64_t district_id, struct arena *a,
				      struct coaching_completed **rows, size_t *n);

/* ---- writing ------------------------------------------------------------- */

/* A new cycle as typed on the form: title; coach an account id holding the
 * coach role (NULL or "": the actor); teachers: account ids holding the
 * teacher role, 1..COACHING_TEACHERS_MAX; classes: class sourcedIds of the
 * district, 1..COACHING_CLASSES_MAX; started_on "YYYY-MM-DD". EB_EINVAL
 * with "field: reason" in why on the first bad field (unknown teacher or
 * class included): nothing stored. Audited. */
struct coaching_form {
	const char *title, *coach, *started_on;
	const char *const *teachers;
	size_t nteachers;
	const char *const *classes;
	size_t nclasses;
};
enum eb_err coaching_cycle_create(struct db *db, int64_t district_id, const struct coaching_form *f,
				  const struct audit_actor *who, int64_t *id, char *why,
				  size_t cap);

/* Moves the cycle to phase on day (completed/stopped set ended_on, which
 * must not be before the start). EB_EINVAL (why) otherwise. Audited. */
enum eb_err coaching_set_phase(struct db *db, int64_t district_id, int64_t cycle_id,
			       const char *phase, const char *day, const struct audit_actor *who,
			       char *why, size_t cap);

/* A dated entry: kind a stored entry name, day "YYYY-MM-DD" not before the
 * cycle's start, at "HH:MM" or "" / NULL, notes at most COACHING_NOTES_MAX
 * bytes. EB_EINVAL (why): nothing stored. */
enum eb_err coaching_entry_add(struct db *db, int64_t district_id, int64_t cycle_id,
			       const char *kind, const char *day, const char *at, const char *notes,
			       const struct audit_actor *who, char *why, size_t cap);

/* An action step: body 1..COACHING_STEP_MAX bytes; owner the coach's or
 * one of the cycle's teachers' account id (anyone else: EB_EINVAL "owner:
 * ... is not part of this cycle"); due "YYYY-MM-DD" not before the cycle's
 * start. Nothing stored on an error. */
enum eb_err coaching_step_add(struct db *db, int64_t district_id, int64_t cycle_id,
			      const char *body, const char *owner, const char *due,
			      const struct audit_actor *who, char *why, size_t cap);
/* Marks a step done on day (or not done: day NULL). EB_ENOTFOUND when the
 * step is not the cycle's. */
enum eb_err coaching_step_done(struct db *db, int64_t district_id, int64_t cycle_id,
			       int64_t step_id, const char *day, const struct audit_actor *who);

/* A resource: kind "tool" (ref a tool id of the district), "strategy" (a
 * strategy id of the library), "kb" (an article id of the district's
 * knowledge base) or "url" (an http(s) address; title required). title
 * may be "" for the others (the tool's, strategy's or article's name is
 * used). EB_EINVAL (why) on an unknown ref. */
enum eb_err coaching_resource_add(struct db *db, int64_t district_id, int64_t cycle_id,
				  const char *kind, const char *ref, const char *title,
				  const struct audit_actor *who, char *why, size_t cap);

/* Shares the cycle's notes with account (an enabled staff account of the
 * district), or takes the share back (share false). Only one of the
 * cycle's teachers may do it (EB_EPERM otherwise). Audited. */
enum eb_err coaching_share_set(struct db *db, int64_t district_id, int64_t cycle_id,
			       const struct account *teacher, int64_t account_id, bool share,
			       const struct audit_actor *who, char *why, size_t cap);

/* ---- goals --------------------------------------------------------------- */

enum coaching_goal_kind { COACHING_GOAL_STUDENTS, COACHING_GOAL_PRACTICE };

/* A goal as typed. kind "students": class (one of the cycle's classes),
 * standards (codes in any accepted spelling, separated by commas or
 * blanks, 1..COACHING_GOAL_STANDARDS_MAX), target a percent 1..100 of the
 * class's students secure on every one; kind "practice": indicator (an
 * observation indicator key), class optional, target the indicator's value.
 * target_on "YYYY-MM-DD" after the cycle's start. confirm: store a goal
 * on a standard that the class's grade does not study. */
struct coaching_goal_form {
	const char *kind, *class_sid, *standards, *indicator, *target, *target_on;
	bool confirm;
};
/* Checks and stores the goal with its start value read now (today: day).
 * EB_EINVAL with "field: reason" on a bad field: nothing stored.
 * EB_ECONFLICT with the warning in why ("standards: 7.RP.A.2 is not a
 * grade 4 standard ...") when a standard is off the class's grade and
 * confirm is false: nothing stored; confirmed, it is stored and flagged. */
enum eb_err coaching_goal_add(struct db *db, int64_t district_id, int64_t cycle_id,
			      const struct coaching_goal_form *f, const char *day,
			      const struct audit_actor *who, int64_t *goal_id, char *why,
			      size_t cap);

/* A goal's state. */
enum coaching_goal_state {
	COACHING_GOAL_ON_TRACK,
	COACHING_GOAL_AT_RISK,
	COACHING_GOAL_MET,
	COACHING_GOAL_MISSED, /* the date passed below target */
	COACHING_GOAL_NO_DATA,
};
const char *coaching_goal_state_label(enum coaching_goal_state s);

/* One point of progress (value in the goal's unit: percent secure, or the
 * indicator's value). */
struct coaching_point {
	char day[11];
	double value;
	int students;
};

/* The at-risk rule (docs/coaching.md), pure: met when now >= target;
 * missed when today is after target_on and not met; no data when there is
 * no point, or the newest is older than COACHING_NO_DATA_DAYS; at risk when
 * now is below the straight line from (start_on, start) to (target_on,
 * target) at today; on track otherwise. Days "YYYY-MM-DD"; start < 0: no
 * start value (the line starts at the first point). */
enum coaching_goal_state coaching_goal_rule(double start, const char *start_on, double target,
					    const char *target_on, const struct coaching_point *pts,
					    size_t n, const char *today);

struct coaching_goal {
	int64_t id, cycle_id;
	enum coaching_goal_kind kind;
	const char *class_sid, *class_title, *indicator, *indicator_label;
	const char **standards;
	size_t nstandards;
	double target, start_value;
	const char *target_on, *start_on;
	bool off_grade;
	struct coaching_point *points; /* oldest first */
	size_t npoints;
	double now; /* the newest point's value, -1 when none */
	enum coaching_goal_state state;
};

/* The cycle's goals with their progress. When record is true, reads each
 * goal's value today (mastery, or the observations) and stores it as
 * today's point first. */
enum eb_err coaching_goals(struct db *db, int64_t district_id, int64_t cycle_id, const char *today,
			   bool record, struct arena *a, struct coaching_goal **rows, size_t *n);

/* The share (percent) of the class's students secure (measured, P at or
 * above the district's Proficient level) on every one of standards, and
 * how many students the class has. *pct -1 when the class has none. */
enum eb_err coaching_class_secure(struct db *db, int64_t district_id, const char *class_sid,
				  const char *const *standards, size_t nstandards, double *pct,
				  int *students);

/* A plain sentence for a goal: "52 % secure now, 80 % by March 15: at
 * risk." */
void coaching_goal_sentence(const struct coaching_goal *g, char *out, size_t cap);

/* ---- reading ------------------------------------------------------------- */

struct coaching_entry {
	int64_t id;
	enum coaching_entry_kind kind;
	const char *on_day, *at, *notes, *author;
};
struct coaching_step {
	int64_t id, owner_id;
	const char *body, *owner_name, *due_on, *done_on; /* done_on "" when open */
};
struct coaching_resource {
	int64_t id;
	const char *kind, *ref, *title;
};
/* The cycle's entries (by day), steps (by due day) and resources. Callers
 * show notes only when coaching_notes_visible. */
enum eb_err coaching_entries(struct db *db, int64_t district_id, int64_t cycle_id, struct arena *a,
			     struct coaching_entry **rows, size_t *n);
enum eb_err coaching_steps(struct db *db, int64_t district_id, int64_t cycle_id, struct arena *a,
			   struct coaching_step **rows, size_t *n);
enum eb_err coaching_resources(struct db *db, int64_t district_id, int64_t cycle_id,
			       struct arena *a, struct coaching_resource **rows, size_t *n);
/* The accounts the cycle is shared with (ids and names). */
enum eb_err coaching_shares(struct db *db, int64_t district_id, int64_t cycle_id, struct arena *a,
			    int64_t **ids, const char ***names, size_t *n);

/* A cycle in a list: the caseload, a teacher's own, a school's. */
struct coaching_row {
	int64_t id, coach_id;
	enum coaching_phase phase;
	const char *title, *coach_name, *teachers, *classes, *school_sid, *school_name;
	const char *started_on, *last_entry_on; /* last_entry_on "" when none */
	const char *next_meeting;		/* "YYYY-MM-DD HH:MM" or "" */
	int open_steps, overdue_steps, goals, goals_at_risk, goals_met;
	bool needs_next_step; /* an overdue step, or no entry in COACHING_QUIET_DAYS */
};

enum coaching_scope {
	COACHING_OF_COACH,   /* id: the coach's account */
	COACHING_OF_TEACHER, /* id: the teacher's account */
	COACHING_OF_SCHOOL,  /* school: the school's sourcedId */
	COACHING_OF_DISTRICT,
};
/* Cycles of a scope, running first (by phase), then over; at most 500.
 * today "YYYY-MM-DD" (overdue steps, quiet cycles, goal states from the
 * stored points). */
enum eb_err coaching_list(struct db *db, int64_t district_id, enum coaching_scope scope, int64_t id,
			  const char *school, const char *today, struct arena *a,
			  struct coaching_row **rows, size_t *n);

/* The coordinator's summary per school: cycles by phase and goals met. */
struct coaching_school_row {
	const char *school_sid, *school_name;
	int by_phase[COACHING_PHASE__COUNT];
	int goals, goals_met;
};
enum eb_err coaching_summary(struct db *db, int64_t district_id, const char *today, struct arena *a,
			     struct coaching_school_row **rows, size_t *n);

/* A coach's (or teacher's) meetings on day: the cycles' entries dated that
 * day. */
struct coaching_meeting {
	int64_t cycle_id;
	const char *title, *at, *kind_label, *teachers;
};
enum eb_err coaching_meetings_on_day(struct db *db, int64_t district_id, int64_t account_id,
				     const char *day, struct arena *a,
				     struct coaching_meeting **rows, size_t *n);

/* ---- choosing people and classes ------------------------------------------ */

/* A teacher with the classes they teach (roster enrollment), for the form
 * of a new cycle: enabled accounts holding the teacher role, of the school
 * (its classes or a school-scoped role) or of the district (school NULL),
 * by name, at most cap teachers (*more true when there were more). */
struct coaching_candidate {
	int64_t id;
	const char *name;
	const char **classes, **class_titles;
	size_t nclasses;
};
enum eb_err coaching_candidates(struct db *db, int64_t district_id, const char *school, size_t cap,
				struct arena *a, struct coaching_candidate **rows, size_t *n,
				bool *more);

/* Enabled accounts of the district holding role (a stored role name), by
 * name, at most 500: the coaches of the form, whom a teacher shares with. */
struct coaching_person {
	int64_t id;
	const char *name, *role_label;
};
enum eb_err coaching_people(struct db *db, int64_t district_id, const char *const *roles,
			    size_t nroles, struct arena *a, struct coaching_person **rows,
			    size_t *n);

#endif
