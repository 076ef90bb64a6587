/* learning_plans.h - a student's personalized learning plan: goals
 * (standards, set by a teacher or by the student), pathways (a tool or an
 * activity towards a goal) and the student's own reflection.
 *
 * A goal is reached when the student's estimate of its standard is at the
 * district's Mastered level: that is read from the mastery estimates each
 * time (never stored here), so a goal closes itself as soon as the
 * evidence shows it. Every change is audited (subject: the student).
 * Tables of migration 021; every call takes the district id; strings and
 * arrays of results live in the caller's arena. */
#ifndef EB_LEARNING_PLANS_H
#define EB_LEARNING_PLANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/audit.h"
#include "domain/mastery.h"

struct db;

#define LPLAN_GOALS_MAX 12
#define LPLAN_WHY_CAP 512

struct lplan_pathway {
	int64_t id, goal_id, tool_id;
	const char *title, *what;
};

struct lplan_goal {
	int64_t id, created_at;
	const char *standard, *note;
	bool by_student;	  /* set by the student; else by a teacher */
	bool measured;		  /* the student has an estimate of the standard */
	enum mastery_level level; /* when measured */
	bool reached;		  /* measured at Mastered */
	struct lplan_pathway *pathways;
	size_t npathways;
};

struct lplan {
	struct lplan_goal *goals; /* open first (by creation), then reached */
	size_t ngoals;
	const char *reflection; /* "" when none */
	int64_t reflection_at;	/* 0 when none */
};

/* The student's plan (goals not removed, each with its pathways and its
 * level read from mastery under the district's thresholds). */
enum eb_err lplan_get(struct db *db, int64_t district_id, const char *student_sid, struct arena *a,
		      struct lplan *out);

/* Adds a goal on standard (any CCSS-M spelling; a standard or substandard
 * of the catalog) with an optional note (<= 300), by_student telling who
 * set it. EB_EINVAL with "field: reason" in why: an unknown standard, one
 * already an open goal, more than LPLAN_GOALS_MAX open goals. *id gets the
 * goal. */
enum eb_err lplan_goal_add(struct db *db, int64_t district_id, const struct audit_actor *who,
			   const char *student_sid, const char *standard, const char *note,
			   bool by_student, int64_t *id, char *why, size_t cap);
/* Takes a goal off the plan (kept, marked removed). EB_ENOTFOUND when the
 * student has no such goal. */
enum eb_err lplan_goal_remove(struct db *db, int64_t district_id, const struct audit_actor *who,
			      const char *student_sid, int64_t goal_id);

/* Adds a pathway to a goal of the student: a tool of the inventory (tool_id
 * > 0) or an activity in words (tool_id 0), title 1..200, what <= 300.
 * EB_EINVAL (why) for bad fields or a goal the student does not have. */
enum eb_err lplan_pathway_add(struct db *db, int64_t district_id, const struct audit_actor *who,
			      const char *student_sid, int64_t goal_id, int64_t tool_id,
			      const char *title, const char *what, char *why, size_t cap);

/* Replaces the student's reflection (1..2000 bytes; blank clears it). */
enum eb_err lplan_reflection_set(struct db *db, int64_t district_id, const struct audit_actor *who,
				 const char *student_sid, const char *text, char *why, size_t cap);

/* What could lead a student to a goal: the one door through which pathways
 * are suggested, at most max. The tools the next best intervention ranks for
 * this student (recommend_for_group, domain/recommend.h), best first; when it
 * ranks none, the approved tools of the inventory that cover the standard
 * (or, failing that, a prerequisite of it). */
enum eb_err lplan_suggest(struct db *db, int64_t district_id, const char *student_sid,
			  const char *standard, size_t max, struct arena *a,
			  struct lplan_pathway **out, size_t *n);

/* Every student of a class with their plan at a glance. */
struct lplan_glance {
	const char *sid, *name; /* "Family, Given" */
	size_t open, reached, pathways;
	bool reflection;
};
enum eb_err lplan_class_glance(struct db *db, int64_t district_id, const char *class_sid,
			       struct arena *a, struct lplan_glance **out, size_t *n);

#endif
