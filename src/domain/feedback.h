/* feedback.h - formative feedback: a teacher's words to a student about
 * their work in one standard, given to one student or to a saved small
 * group at once (one row per student, so that each reads and answers their
 * own), the student's short answer thread, and a class's pattern of
 * feedback for a coach (tables of migration 028).
 *
 * Bodies are plain text (the pages escape them), valid UTF-8, trimmed,
 * capped. Every write is audited here (subject: the student); access checks
 * (domain/access.h) are the caller's, before the call. Strings and arrays
 * of results live in the caller's arena. */
#ifndef EB_FEEDBACK_H
#define EB_FEEDBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;
struct audit_actor;
struct district_levels;

#define FEEDBACK_MAX 1000	 /* bytes of a teacher's feedback */
#define FEEDBACK_ANSWER_MAX 500	 /* bytes of one answer */
#define FEEDBACK_THREAD_MAX 10	 /* answers in one thread */
#define FEEDBACK_STUDENTS_MAX 64 /* students given one feedback at once */
#define FEEDBACK_WHY_CAP 256

struct feedback_answer {
	int64_t id, at;
	bool by_student;
	const char *author, *body;
};

struct feedback {
	int64_t id, at;
	const char *student, *class_sid, *standard, *body, *author, *group_name;
	bool share_family;
	struct feedback_answer *answers; /* oldest first */
	size_t nanswers;
};

/* Gives the same feedback (body) on standard (any CCSS-M spelling of a
 * standard or substandard of the catalog) to each of students[0..n) of
 * class class_sid ("" when given outside a class), by the account who
 * (author_name as students read it), with one audit entry per student, all
 * in one transaction (the caller's when it holds one). group_name: the
 * saved group it went to ("" for one student). share_family: shown to the
 * families too. EB_EINVAL with "field: reason" in why and nothing stored
 * for an empty body, one longer than FEEDBACK_MAX or not UTF-8 (body), an
 * unknown standard (standard), n 0 or above FEEDBACK_STUDENTS_MAX
 * (students). *first_id (may be NULL) gets the first row's id. */
enum eb_err feedback_give(struct db *db, int64_t district_id, const struct audit_actor *who,
			  const char *author_name, const char *class_sid,
			  const char *const *students, size_t n, const char *standard,
			  const char *body, bool share_family, const char *group_name,
			  int64_t *first_id, char *why, size_t cap);

/* The feedback of student_sid, newest first, at most max (1..200), each
 * with its answers; family_only: only what the teacher shared with the
 * family. */
enum eb_err feedback_of_student(struct db *db, int64_t district_id, const char *student_sid,
				bool family_only, size_t max, struct arena *arena,
				struct feedback **out, size_t *n);

/* Adds an answer to feedback feedback_id of student_sid (by_student: the
 * student wrote it; else a teacher), audited. EB_ENOTFOUND when the student
 * has no such feedback; EB_EINVAL (why) for an empty body, one longer than
 * FEEDBACK_ANSWER_MAX or not UTF-8, or a thread already
 * FEEDBACK_THREAD_MAX long; nothing stored then. */
enum eb_err feedback_answer_add(struct db *db, int64_t district_id, const struct audit_actor *who,
				const char *student_sid, int64_t feedback_id, bool by_student,
				const char *author_name, const char *body, char *why, size_t cap);

/* A class's feedback since `since` (Unix seconds), per standard: how many
 * students got feedback, how many feedback rows, how many of those the
 * student answered; most students first. */
struct feedback_pattern {
	const char *standard;
	int64_t students, given, answered;
};
/* A standard where students of the class are measured below the district's
 * Proficient level (need) and none of them got feedback on it since. */
struct feedback_gap {
	const char *standard;
	int64_t need;
};
enum eb_err feedback_class_pattern(struct db *db, int64_t district_id, const char *class_sid,
				   int64_t since, const struct district_levels *lv,
				   struct arena *arena, struct feedback_pattern **rows,
				   size_t *nrows, struct feedback_gap **gaps, size_t *ngaps);

/* How many answers by students to feedback by the account author_id came
 * since `since`, and the student of the newest (arena; NULL when none). */
enum eb_err feedback_new_answers(struct db *db, int64_t district_id, int64_t author_id,
				 int64_t since, struct arena *arena, int64_t *count,
				 const char **newest_student);

#endif
