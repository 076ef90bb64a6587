/* initiatives.h - a district's plan for adopting a tool: the need, the tool,
 * the target (schools, grades, classes, CCSS standards), dates, success
 * measure, intended dosage, the named people, and the status decisions.
 *
 * Validation happens here, at the edge of the domain: every bad field is
 * reported as "field: reason" (one per line in why) and nothing is stored.
 * Every change writes the audit log; status decisions also go to
 * initiative_status with their reason and evidence.
 *
 * tool_id refers to the tools inventory (table `tool`, 004_tools.sql) that
 * is built separately: it is nullable (0 = none) and has no foreign key, so
 * it is stored as given (>= 1) and not checked against that table. */
#ifndef EB_INITIATIVES_H
#define EB_INITIATIVES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/audit.h"

struct db;

enum initiative_status {
	INIT_PLANNED,
	INIT_PILOTING,
	INIT_SCALING,
	INIT_UNDER_REVIEW,
	INIT_CONTINUED,
	INIT_CHANGED,
	INIT_STOPPED,
	INIT__COUNT
};
/* Stored name ("under_review"); NULL when out of range. */
const char *initiative_status_name(enum initiative_status s);
/* Words for people ("under review"). */
const char *initiative_status_label(enum initiative_status s);
/* Parses a stored name (also "under review", "under-review"). */
enum eb_err initiative_status_parse(const char *s, enum initiative_status *out);
/* Whether the move from -> to is allowed:
 * planned -> piloting | stopped; piloting -> scaling | under_review | stopped;
 * scaling -> under_review | stopped; under_review -> continued | changed |
 * stopped; continued -> under_review; changed -> piloting | under_review;
 * stopped is final. */
int initiative_transition_ok(enum initiative_status from, enum initiative_status to);

/* What a coordinator submits. Lists are comma-separated text (blanks
 * around items ignored); NULL or "" for none. Account ids are accounts of
 * the district. Caps: title 200, need 4000, tool name 200, success measure
 * 1000, lists 64 items. */
struct initiative_in {
	const char *title, *need, *tool_name;
	int64_t tool_id;		      /* 0: not in the inventory */
	const char *schools;		      /* org sourcedIds of type school */
	const char *grades;		      /* K, KG, 0..12, 01..12 */
	const char *classes;		      /* class sourcedIds */
	const char *standards;		      /* CCSS-M codes, any accepted spelling */
	const char *start_date, *review_date; /* YYYY-MM-DD, review after start */
	const char *outcome_assessment;	      /* assessment name */
	const char *pretest_assessment;	      /* NULL/"": the outcome assessment before the start */
	const char *success_measure;
	int64_t dosage_minutes; /* minutes per week, 1..3000 */
	int64_t quiz_builder, monitor, evaluator, teacher_support, family_contact;
	int64_t monitor_every_days; /* 1..365 */
	const char *pass_score;	    /* NULL/"": none; else a number >= 0 (the cut score on
					 * the outcome's scale: pass = score >= it) */
};

#define INIT_WHY_CAP 2048

/* Validates and stores a new initiative (status planned) with its targets,
 * records "create initiative" in the audit log, in one transaction.
 * EB_EINVAL: why holds one "field: reason" per line for every bad field;
 * nothing is stored. At least one school, grade or class must be targeted. */
enum eb_err initiative_create(struct db *db, int64_t district_id, const struct audit_actor *who,
			      const struct initiative_in *in, int64_t *id, char *why, size_t cap);

struct initiative_person {
	int64_t account_id;
	const char *display_name; /* "" if the account has gone */
};

struct initiative {
	int64_t id, district_id, tool_id, dosage_minutes, monitor_every_days;
	const char *title, *need, *tool_name, *start_date, *review_date;
	const char *outcome_assessment, *pretest_assessment; /* pretest never NULL */
	const char *success_measure;
	enum initiative_status status;
	struct initiative_person quiz_builder, monitor, evaluator, teacher_support, family_contact;
	/* targets, each an array in the arena */
	const char **schools, **classes, **standards;
	int *grades;
	size_t nschools, nclasses, nstandards, ngrades;
	const char *random_unit; /* NULL when not randomized */
	int64_t random_seed, randomized_at, created_at;
	bool has_pass; /* a cut score is stored (migration 008) */
	double pass_score;
};
/* Loads one initiative of the district (strings in arena). EB_ENOTFOUND
 * when there is none with that id in this district. */
enum eb_err initiative_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			   struct initiative *out);

struct initiative_row {
	int64_t id;
	const char *title, *tool_name, *start_date, *review_date;
	enum initiative_status status;
};
/* All initiatives of the district, newest first. */
enum eb_err initiative_list(struct db *db, int64_t district_id, struct arena *a,
			    struct initiative_row **rows, size_t *n);

/* Moves the initiative to a new status, recording reason and evidence in
 * initiative_status and the audit log (one transaction; inside a caller's
 * open transaction it joins it, and the caller commits or rolls back). reason is required
 * (1..2000 bytes); evidence (0..4000) is required for continued, changed
 * and stopped. EB_EINVAL with "field: reason" lines (bad status, a move not
 * allowed, missing reason); EB_ENOTFOUND for no such initiative. */
enum eb_err initiative_set_status(struct db *db, int64_t district_id, const struct audit_actor *who,
				  int64_t id, const char *to, const char *reason,
				  const char *evidence, char *why, size_t cap);

struct initiative_decision {
	int64_t at;
	const char *actor, *from, *to, *reason, *evidence;
	int64_t meeting_id; /* the team meeting that decided it (domain/teams), 0: none */
};
/* Status history, oldest first. */
enum eb_err initiative_history(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			       struct initiative_decision **rows, size_t *n);

/* One targeted student with what the evaluation needs from the roster. */
struct init_student {
	const char *sid, *school, *class_sid; /* the first targeted class */
	int grade;			      /* 0..12, -1 unknown */
	int el, swd;			      /* 1, 0, or -1 unknown */
};
/* The students the initiative targets: active students enrolled in a
 * targeted class, or in a class of a targeted school, whose grade (person
 * grades, else the class's) is targeted when grades are listed. No schools
 * and no classes listed means every school. Sorted by sid, unique; arrays
 * in arena. */
enum eb_err initiative_students(struct db *db, int64_t district_id, const struct initiative *in,
				struct arena *a, struct init_student **out, size_t *n);

/* The recorded randomized assignment: 1 treated, 0 comparison, -1 when the
 * unit is not in it (or the initiative is not randomized). */
int initiative_assigned(struct db *db, int64_t district_id, int64_t id, const char *unit_id);

/* Draws and records a randomized assignment of the target's classes or
 * schools (unit "class" or "school") with ev_randomize and seed; stratified
 * by school for classes. Refused (EB_ECONFLICT) when already randomized.
 * EB_EINVAL (why) with fewer than 2 units. n_treated and n_units report it. */
enum eb_err initiative_randomize(struct db *db, int64_t district_id, const struct audit_actor *who,
				 int64_t id, const char *unit, uint64_t seed, size_t *n_units,
				 size_t *n_treated, char *why, size_t cap);

/* Records tool use rows (student, minutes, sessions) for an initiative,
 * replacing earlier rows of the same students. The caller has validated
 * the rows; this only stores them (no transaction of its own). */
enum eb_err initiative_use_put(struct db *db, int64_t district_id, int64_t id,
			       const char *student_sid, double minutes, int64_t sessions);

enum initiative_use_by { INIT_USE_BY_SCHOOL, INIT_USE_BY_TEACHER };

struct initiative_use_row {
	const char *key;	  /* school or teacher sourcedId ("" for the total row) */
	const char *name;	  /* school or teacher name */
	int64_t targeted, active; /* targeted students; those with minutes > 0 */
	double minutes;		  /* total minutes of the active students */
	int64_t sessions;
};
/* Use of the tool by the targeted students, grouped by their school or by
 * the teacher of their targeted class, plus a total row first (key "").
 * school: NULL for every school, else only the targeted students of that
 * school (a sourcedId; access_report_school decides it). Rows in arena. */
enum eb_err initiative_use_summary(struct db *db, int64_t district_id, const struct initiative *in,
				   const char *school, enum initiative_use_by by, struct arena *a,
				   struct initiative_use_row **rows, size_t *n);

/* Parses a grade as written in a roster or form: K, KG, 0..12, 01..12.
 * EB_EINVAL otherwise. */
enum eb_err initiative_parse_grade(const char *s, int *grade);

#endif
