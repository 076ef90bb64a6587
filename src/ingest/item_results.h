/* item_results.h - the item results of a common assessment from a CSV file
 * (one row per student and item), validated whole before anything is
 * stored: `edbridge import item-results` and the upload on /assessments/:id.
 *
 * Columns (names matched case-insensitively, any order, others ignored):
 *   student_id  the student's roster sourcedId
 *   item        the item number
 *   response    the letter chosen on a multiple-choice item (blank: left
 *               blank, scored 0)
 *   points      the points earned on an item scored in points (0..its
 *               points); on a multiple-choice item it may be given and must
 *               then agree with the key
 *   date        the day it was taken, YYYY-MM-DD
 * A file with any bad row is rejected entirely; each problem is reported as
 * "FILE:LINE: field: reason" on its own line of `errors` (at most 50, then a
 * count): an unknown student or item, a response outside the item's
 * choices, points outside the item's range, a bad date, a row repeating a
 * student and item. */
#ifndef EB_ITEM_RESULTS_H
#define EB_ITEM_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct db;
struct audit_actor;

struct item_results_report {
	size_t rows;	 /* rows in the file */
	size_t changed;	 /* rows new or different from what was stored */
	size_t students; /* distinct students in the file */
};

/* Imports data[0..len) (modified in place) into assessment `assessment_id`
 * of the district, in one transaction with an audit entry by `who`: the
 * results (assessment_results_put, which also feeds mastery). EB_EINVAL
 * with the problems in errors when the file is bad, EB_ENOTFOUND when the
 * assessment is not the district's; nothing is stored on any error. label
 * names the file in messages. */
enum eb_err item_results_import(struct db *db, int64_t district_id, int64_t assessment_id,
				const struct audit_actor *who, const char *label, char *data,
				size_t len, struct item_results_report *rep, struct buf *errors);

#endif
