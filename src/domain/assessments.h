/* assessments.h - district assessments (unit quizzes, interim benchmarks,
 * state test scale scores): one named assessment has one score scale; a
 * score belongs to a student and a date. Pretests are the same data, taken
 * before an initiative's start.
 *
 * Validation of files is the ingest's job (ingest/assessment_csv.h); these
 * functions store what they are given and report conflicts. */
#ifndef EB_ASSESSMENTS_H
#define EB_ASSESSMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

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

#endif
