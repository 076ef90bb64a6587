/* assessment_csv.h - district assessment scores and initiative tool use
 * from CSV files, validated whole before anything is stored.
 *
 * A file with any bad row is rejected entirely (one transaction, rolled
 * back): each problem is reported as "FILE:LINE: field: reason" on its own
 * line of `errors` (at most 50 are listed, then a count). */
#ifndef EB_ASSESSMENT_CSV_H
#define EB_ASSESSMENT_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct db;

/* How to read a district's assessment export. Column names are matched
 * case-insensitively; NULL means the default in brackets. */
struct assessment_profile {
	const char *name;	     /* the assessment (required) */
	double scale_min, scale_max; /* the declared scale (required, min < max) */
	const char *date_format;     /* YYYY-MM-DD [default], MM/DD/YYYY, DD/MM/YYYY, YYYYMMDD */
	const char *col_student;     /* [student_id] */
	const char *col_date;	     /* [date] */
	const char *col_score;	     /* [score] */
	const char *col_assessment;  /* [assessment] optional column; must equal name */
	const char *col_scale_min;   /* [scale_min] optional column; must equal the scale */
	const char *col_scale_max;   /* [scale_max] optional */
};

/* Checks the date format name; EB_EINVAL when unknown. */
enum eb_err assessment_csv_date_format_ok(const char *fmt);

/* Imports data[0..len) (modified in place). Rejected whole (EB_EINVAL, or
 * EB_ECONFLICT for an assessment stored with another scale) when any row
 * names a student who is not a student of the district, a score that is not
 * a number or lies outside the declared scale, a bad date, a row repeating
 * a student and date, a different assessment or a different scale. label
 * names the file in messages. *rows gets the number stored. */
enum eb_err assessment_csv_import(struct db *db, int64_t district_id, const char *label, char *data,
				  size_t len, const struct assessment_profile *p, size_t *rows,
				  struct buf *errors);

/* Tool use for an initiative: columns student_id, minutes, sessions
 * (minutes >= 0 and <= 100000, sessions 0..100000 whole). Unknown students,
 * duplicates and bad numbers reject the file whole. Rows replace the
 * students' earlier use rows; an audit entry records the import. */
enum eb_err usage_csv_import(struct db *db, int64_t district_id, int64_t initiative_id,
			     const char *label, char *data, size_t len, size_t *rows,
			     struct buf *errors);

#endif
