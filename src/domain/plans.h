/* plans.h - intervention plans (MTSS tiers 2 and 3): students, tier, focus
 * standards, the intervention (a tool of the inventory, a teacher-led
 * strategy in words, or both), an owner, how often and how long, start and
 * end, a progress-monitoring measure, a goal and the aim line; the progress
 * read from the district's own data (mastery, a tool's scores or an
 * assessment), the trend, the decision rules and the check-ins.
 *
 * Validation happens here: every bad field is reported as "field: reason"
 * (one per line in why) and nothing is stored. Every change writes the
 * audit log in its own transaction. Tables of migration 021. Every call
 * takes the district (tenant) id; strings and arrays of results live in the
 * caller's arena. Days are days since 1970-01-01 (UTC). */
#ifndef EB_PLANS_H
#define EB_PLANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/audit.h"

struct db;
struct account;

#define PLAN_STUDENTS_MAX 8
#define PLAN_STANDARDS_MAX 4
#define PLAN_WHY_CAP 2048
/* the decision rules: the last PLAN_RULE_POINTS points below the aim line;
 * minutes delivered under PLAN_RULE_MINUTES of those planned */
#define PLAN_RULE_POINTS 4
#define PLAN_RULE_MINUTES 0.75

enum plan_measure { PLAN_MEASURE_MASTERY, PLAN_MEASURE_TOOL, PLAN_MEASURE_ASSESSMENT };
enum plan_decision { PLAN_CONTINUE, PLAN_INTENSIFY, PLAN_CHANGE, PLAN_EXIT, PLAN_DECISION__COUNT };

/* Stored names ("mastery", "continue") and words for people. */
const char *plans_measure_name(enum plan_measure m);
const char *plans_measure_label(enum plan_measure m);
const char *plans_decision_name(enum plan_decision d);
const char *plans_decision_label(enum plan_decision d);
bool plans_decision_parse(const char *s, enum plan_decision *out);

/* What a form submits, as typed (the domain parses and checks every field).
 * students: roster sourcedIds (1..PLAN_STUDENTS_MAX, one school);
 * standards: CCSS-M codes separated by commas (1..PLAN_STANDARDS_MAX);
 * tool_id: "" or a tool of the district's inventory; strategy: words
 * (<= 300); at least a tool or a strategy; strategy_id: the library's id
 * (optional, <= 64); owner_id: an account of the district with a staff role
 * that gives it access to every student (domain/access); sessions_per_week
 * 1..10; minutes_per_session 5..120; start_date, end_date YYYY-MM-DD, the
 * end after the start and within 366 days of it; measure "mastery" | "tool"
 * (measure_tool_id, default the intervention's tool) | "assessment"
 * (measure_assessment: an assessment's name); baseline and goal: percent of
 * the measure, 0..100, the goal above the baseline; goal_text <= 500;
 * checkin_every_days 7..60 (blank: 14). */
struct plan_in {
	const char *tier;
	const char *const *students;
	size_t nstudents;
	const char *standards;
	const char *tool_id, *strategy, *strategy_id;
	const char *owner_id;
	const char *sessions_per_week, *minutes_per_session;
	const char *start_date, *end_date;
	const char *measure, *measure_tool_id, *measure_assessment;
	const char *baseline, *goal, *goal_text;
	const char *checkin_every_days;
};

/* Validates in against what actor may see (every student must be one
 * access_student lets actor open) and stores a new plan (active, first
 * check-in due checkin_every_days after the start), with its audit entry,
 * in one transaction. EB_EINVAL: why holds one "field: reason" per line;
 * nothing is stored. */
enum eb_err plans_create(struct db *db, const struct account *actor, const struct audit_actor *who,
			 const struct plan_in *in, int64_t *id, char *why, size_t cap);
/* The same checks, then replaces plan id's fields, students and standards
 * (the next check-in is kept). EB_ENOTFOUND for no such plan. */
enum eb_err plans_update(struct db *db, const struct account *actor, const struct audit_actor *who,
			 int64_t id, const struct plan_in *in, char *why, size_t cap);

struct plan {
	int64_t id, district_id, tool_id, owner_id, measure_tool_id, measure_assessment_id;
	int tier;
	bool active;
	const char *school, *strategy, *strategy_id, *goal_text;
	const char *tool_name;	     /* "" when none (or no longer in the inventory) */
	const char *measure_tool;    /* "" when none */
	const char *assessment_name; /* "" when none */
	const char *owner_name;	     /* "" when the account has gone */
	double assessment_min, assessment_max;
	int sessions_per_week, minutes_per_session, checkin_every_days;
	int32_t start_day, end_day, next_checkin_day;
	enum plan_measure measure;
	double baseline, goal;
	int64_t created_at, updated_at;
	const char **students, **standards; /* sourcedIds, codes */
	size_t nstudents, nstandards;
};
/* One plan of the district. EB_ENOTFOUND when none with that id. */
enum eb_err plans_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
		      struct plan *out);

/* ---- progress and the decision rules ---------------------------------- */

struct plan_point {
	int32_t day;  /* the Monday of its week, or the assessment's date */
	double value; /* percent of the measure */
	int n;	      /* students (or student x standard estimates) behind it */
};

/* The aim line's value on day: baseline at the start, goal at the end. */
double plans_aim_at(const struct plan *p, int32_t day);

/* Ordinary least squares of value on day over the points: value = a + b *
 * (day - day0). False (a, b untouched) with fewer than 2 points or when
 * every point is on one day. */
bool plans_trend(const struct plan_point *pts, size_t n, int32_t day0, double *a, double *b);

struct plan_progress {
	struct plan_point *points;
	size_t npoints;
	bool has_trend;
	double trend_a, trend_b;  /* value = a + b * (day - start_day) */
	double projected_end;	  /* the trend's value on the end day */
	bool minutes_known;	  /* the plan has a tool: minutes come from its usage data */
	double minutes_delivered; /* per student, from the start to today (or the end) */
	double minutes_planned;	  /* the same period at the planned dose */
	bool below_aim;		  /* the last PLAN_RULE_POINTS points under the aim line */
	bool low_minutes;	  /* delivered < PLAN_RULE_MINUTES of planned */
	bool goal_met;		  /* the last point at or above the goal */
	enum plan_decision suggest;
	const char *why; /* the suggestion's reason in words (static storage) */
};

/* The decision rules on given points and minutes (progress points in
 * order of day), as of today: fills the trend, the flags and the
 * suggestion of out (points and minutes are the caller's). In order: the
 * goal met -> exit; below the aim line with too few minutes -> intensify
 * (deliver the planned dose first); below the aim line at the planned dose
 * -> change; too few minutes -> intensify; else continue. */
void plans_decide(const struct plan *p, struct plan_progress *out);

/* Reads the plan's progress points from the district's data (mastery:
 * each week's mean estimate of the focus standards, from the estimates'
 * weekly trend; tool: each week's mean score of the students' responses on
 * the focus standards in the measure's tool; assessment: each date's mean
 * score as a percent of its scale) from the start to today (or the end),
 * and the minutes delivered (the intervention tool's recorded durations),
 * then applies plans_decide. */
enum eb_err plans_progress(struct db *db, int64_t district_id, const struct plan *p, int32_t today,
			   struct arena *a, struct plan_progress *out);

/* ---- check-ins ---------------------------------------------------------- */

/* Records a check-in: the decision (a plans_decision_parse name), the
 * note (<= 2000) and what the rules saw (pr: suggestion, below_aim,
 * minutes); the next check-in becomes today + checkin_every_days; exit
 * closes the plan. Audited. EB_EINVAL with "field: reason" lines,
 * EB_ENOTFOUND for no such plan, EB_ECONFLICT for a closed one. */
enum eb_err plans_checkin(struct db *db, int64_t district_id, const struct audit_actor *who,
			  int64_t id, const char *decision, const char *note,
			  const struct plan_progress *pr, int32_t today, char *why, size_t cap);

struct plan_checkin {
	int64_t at;
	const char *actor; /* the account's name, "" when gone */
	enum plan_decision decision, suggested;
	const char *note;
	bool below_aim, minutes_known;
	double minutes_share;
};
/* The plan's check-ins, newest first. */
enum eb_err plans_checkins(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			   struct plan_checkin **out, size_t *n);

/* ---- lists --------------------------------------------------------------- */

struct plan_filter {
	const char *school;   /* a school sourcedId, or NULL */
	const char *class_id; /* plans with a student enrolled in the class, or NULL */
	const char *student;  /* plans of a student, or NULL */
	int64_t owner_id;     /* 0: any */
	int tier;	      /* 0: any */
	int status;	      /* 0 any, 1 active, 2 closed */
	bool overdue;	      /* active with the check-in due before today */
	int32_t today;
	size_t limit; /* 1..5000 */
};

struct plan_row {
	int64_t id, owner_id, tool_id;
	int tier;
	bool active, overdue;
	int32_t start_day, end_day, next_checkin_day;
	const char *school, *owner_name, *tool_name, *strategy, *measure, *standards;
	const char **students; /* sourcedIds */
	const char **names;    /* "Family, Given" */
	size_t nstudents;
};
/* Plans matching f, the latest check-in due first; *more when more than
 * f->limit matched. Students and names are filled for each row. */
enum eb_err plans_list(struct db *db, int64_t district_id, const struct plan_filter *f,
		       struct arena *a, struct plan_row **out, size_t *n, bool *more);

/* Active plans owned by account_id or having a student in one of the
 * classes teacher_sid teaches (NULL: owned only), check-in due first, at
 * most limit, with their students: the teacher's home reads them. */
enum eb_err plans_of_teacher(struct db *db, int64_t district_id, int64_t account_id,
			     const char *teacher_sid, size_t limit, struct arena *a,
			     struct plan_row **out, size_t *n);

struct plan_owner {
	int64_t id;
	const char *name, *roles; /* display name; stored role names "teacher,coach" */
};
/* Staff accounts (enabled, a role that sees students) that could own a plan
 * at school_sid (NULL: any school): district-wide roles and the roles
 * scoped to that school or one of its classes, by name, at most 300. The
 * form lists them; plans_create still checks access to each student. */
enum eb_err plans_owner_candidates(struct db *db, int64_t district_id, const char *school_sid,
				   struct arena *a, struct plan_owner **out, size_t *n);

/* Formats a day as YYYY-MM-DD into out (11 bytes). */
void plans_day_format(int32_t day, char out[11]);

#endif
