/* assessments.h - district assessments (unit quizzes, interim benchmarks,
 * state test scale scores): one named assessment has one score scale; a
 * score belongs to a student and a date. Pretests are the same data, taken
 * before an initiative's start.
 *
 * Validation of files is the ingest's job (ingest/assessment_csv.h); these
 * functions store what they are given and report conflicts. */
#ifndef EB_ASSESSMENTS_H
#define EB_ASSESSMENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

struct db;
struct audit_actor;

#define ASSESSMENT_NAME_MAX 200

/* Finds the assessment `name` of the district, or creates it with the scale
 * [scale_min, scale_max]. EB_ECONFLICT (why: "scale: ...") when it exists
 * with another scale - one assessment never mixes scales. EB_EINVAL for an
 * empty or too long name, or scale_min >= scale_max. */
enum eb_err assessment_ensure(struct db *db, int64_t district_id, const char *name,
			      double scale_min, double scale_max, int64_t *id, char *why,
			      size_t cap);

/* Looks an assessment up by name. EB_ENOTFOUND when there is none. */
enum eb_err assessment_find(struct db *db, int64_t district_id, const char *name, int64_t *id,
			    double *scale_min, double *scale_max);

/* Stores one score (date YYYY-MM-DD), replacing a stored score of the same
 * student and date. The caller holds the transaction. */
enum eb_err assessment_score_put(struct db *db, int64_t district_id, int64_t assessment_id,
				 const char *student_sid, const char *date, double score);

struct assessment_score {
	const char *student_sid; /* in arena */
	int32_t day;		 /* days since 1970-01-01 */
	double score;
};
/* Every score of the assessment, ordered by student then date. */
enum eb_err assessment_scores(struct db *db, int64_t district_id, int64_t assessment_id,
			      struct arena *a, struct assessment_score **out, size_t *n);

/* Number of scores stored for an assessment. */
int64_t assessment_count(struct db *db, int64_t district_id, int64_t assessment_id);

/* ---- common assessments by standard (migration 022, docs/assessments.md) --
 *
 * The district's benchmark or common assessment for a window (fall, winter,
 * spring, or a unit): items, each on one standard of the CCSS-M catalog,
 * worth some points, and for multiple choice its choices (letters A..J) and
 * key; and the item results per student. Item results are evidence of
 * mastery: every stored result is also a learning event of the district's
 * tool "Common assessments" (its own items, with their own difficulty). */

#define ASSESSMENT_ITEMS_MAX 200
#define ASSESSMENT_CHOICES_MAX 10 /* letters A..J */

enum assessment_season {
	ASSESSMENT_FALL,
	ASSESSMENT_WINTER,
	ASSESSMENT_SPRING,
	ASSESSMENT_UNIT,
	ASSESSMENT_SEASON__COUNT
};
/* Stored name ("fall"), and words ("Fall benchmark"); NULL out of range. */
const char *assessment_season_name(enum assessment_season s);
const char *assessment_season_label(enum assessment_season s);
bool assessment_season_parse(const char *s, enum assessment_season *out);

struct assessment_item {
	int number;				  /* 1..ASSESSMENT_ITEMS_MAX */
	char standard[32];			  /* canonical code */
	double points;				  /* the most it earns, 0 < points <= 100 */
	char choices[ASSESSMENT_CHOICES_MAX + 1]; /* "ABCD"; "" for a points item */
	char key;				  /* one of choices; 0 for a points item */
};

struct assessment_common {
	int64_t id;
	const char *name; /* arena */
	enum assessment_season season;
	char opens[11], closes[11];
	struct assessment_item *items; /* by number, arena */
	size_t nitems;
	int64_t students; /* students with results */
};

/* Parses items written one per line, "number, standard, points" for an item
 * scored in points or "number, standard, points, choices, key" for multiple
 * choice (choices as letters "ABCD" or "A B C D"; blank lines skipped), e.g.
 *   1, 4.NF.A.1, 1, ABCD, C
 *   2, 4.NF.B.3, 2
 * Each problem is appended to why as "items: line N: reason" (a number
 * outside 1..ASSESSMENT_ITEMS_MAX or repeated, an unknown standard, points
 * outside (0, 100], fewer than 2 or more than 10 choices, a key outside the
 * item's choices; the first 20, then a count); then EB_EINVAL. Items live
 * in arena. */
enum eb_err assessment_items_parse(const char *text, struct arena *a, struct assessment_item **out,
				   size_t *n, struct buf *why);

struct assessment_common_in {
	const char *name;	    /* 1..ASSESSMENT_NAME_MAX */
	const char *season;	    /* assessment_season_name */
	const char *opens, *closes; /* YYYY-MM-DD, opens <= closes */
	const char *items;	    /* assessment_items_parse's text; at least one item */
};

/* Creates a common assessment with its items in one transaction, with an
 * audit entry. On bad input EB_EINVAL with "field: reason" lines in why
 * (fields name, season, opens, closes, items); EB_EEXIST ("name: ...") when
 * the district has one of that name. Nothing is stored on any error. */
enum eb_err assessment_common_create(struct db *db, int64_t district_id,
				     const struct audit_actor *who,
				     const struct assessment_common_in *in, int64_t *id,
				     struct buf *why);

/* Adds items to an assessment that has no results yet (EB_ECONFLICT,
 * "items: ..." in why, once it has: results would no longer add up). A
 * number already used is an error like a repeated one. One transaction,
 * audited. EB_ENOTFOUND for an assessment not of the district. */
enum eb_err assessment_common_add_items(struct db *db, int64_t district_id,
					const struct audit_actor *who, int64_t id,
					const char *items, struct buf *why);

/* Loads one assessment with its items. EB_ENOTFOUND when absent or of
 * another district. */
enum eb_err assessment_common_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
				  struct assessment_common *out);

/* Every common assessment of the district, newest window first (items not
 * loaded: nitems counts them). */
enum eb_err assessment_common_list(struct db *db, int64_t district_id, struct arena *a,
				   struct assessment_common **out, size_t *n);

/* One item result as an importer validated it. */
struct assessment_result_in {
	const char *student_sid;
	int item;	  /* index into the assessment's items */
	char response;	  /* the letter chosen; 0 for a points item; ' ' left blank */
	double points;	  /* earned */
	const char *date; /* YYYY-MM-DD */
};

/* Stores results (replacing a stored result of the same student and item)
 * inside the caller's transaction, and records each new or changed result
 * as a learning event of the "Common assessments" tool (found or created),
 * which moves the student's mastery of the item's standard (full points:
 * right, else wrong). A changed result replaces its earlier event; the
 * online estimate keeps both until the nightly refit. *changed counts rows
 * new or different from what was stored. */
enum eb_err assessment_results_put(struct db *db, int64_t district_id,
				   const struct assessment_common *ac,
				   const struct assessment_result_in *rows, size_t n,
				   size_t *changed);

/* The district's tool the item results are filed under (created, approved,
 * on first use). */
enum eb_err assessment_common_tool(struct db *db, int64_t district_id, int64_t *tool_id);

/* Whose results: the whole district (both NULL), the students of a school
 * (enrolled in one of its classes), of a teacher (in the classes they
 * teach) or of one class. At most one is set. */
struct assessment_scope {
	const char *school_sid, *teacher_sid, *class_sid;
};

/* The results as a matrix for item_analysis: students in scope with any
 * result, in sourcedId order; points[s * nitems + i] (0 when no result),
 * choice[s * nitems + i] (index into the item's choices, -1 blank or none;
 * NULL when no item is multiple choice). Arrays in arena. */
struct assessment_matrix {
	size_t nstudents;
	const char **students;
	double *points;
	int8_t *choice;
};
enum eb_err assessment_common_matrix(struct db *db, int64_t district_id,
				     const struct assessment_common *ac,
				     const struct assessment_scope *scope, struct arena *a,
				     struct assessment_matrix *out);

/* Results grouped by school or by teacher (a student counts under every
 * teacher of a class they are in at a school), for the students in scope:
 * the group's id and name, students, and mean share of the points. */
struct assessment_group {
	const char *id, *name;
	int64_t students;
	double mean_share;
};
enum eb_err assessment_common_groups(struct db *db, int64_t district_id,
				     const struct assessment_common *ac, bool by_teacher,
				     const struct assessment_scope *scope, struct arena *a,
				     struct assessment_group **out, size_t *n);

#endif
