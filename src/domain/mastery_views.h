/* mastery_views.h - the listings of stored mastery the pages, exports and
 * evaluations read (the class, student and standard views; evidence trails;
 * a tool's standards), and the cell's text forms for exports. Read only:
 * the estimates are written by mastery_record and mastery_refit. Every call
 * takes the district (tenant) id; strings of results live in the caller's
 * arena. */
#ifndef EB_MASTERY_VIEWS_H
#define EB_MASTERY_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/mastery.h"

struct arena;
struct db;

/* One stored cell. *found false (and *out zeroed) when absent. EB_EDB,
 * EB_EPARSE (a blob not in its format). */
enum eb_err mastery_cell_get(struct db *db, int64_t district_id, const char *student,
			     const char *standard, struct mastery_cell *out, bool *found);

/* P of a student on a standard, or -1 when no cell (or on an error). */
double mastery_p(struct db *db, int64_t district_id, const char *student, const char *standard);

/* A cell for listings (strings in the arena). */
struct mastery_row {
	const char *student, *standard;
	struct mastery_cell c;
};
/* Every cell of a student: measured ones first, each group by standard code.
 * Nothing is returned on error (EB_EDB, EB_EPARSE, EB_ENOMEM). */
enum eb_err mastery_student_cells(struct db *db, int64_t district_id, const char *student,
				  struct arena *a, struct mastery_row **out, size_t *n);

/* One piece of evidence (strings in the arena). */
struct mastery_evidence {
	const char *tool, *item, *standard;
	int correct;
	int64_t at;
};
/* A student's latest evidence, newest first, at most limit (1..1000). */
enum eb_err mastery_evidence_trail(struct db *db, int64_t district_id, const char *student,
				   int limit, struct arena *a, struct mastery_evidence **out,
				   size_t *n);

/* Every student's cell on a standard with the student's school (first org
 * of the person) and grades. */
struct mastery_standard_row {
	const char *student, *school, *grades;
	double p;
	bool inferred;
	int32_t responses;
};
enum eb_err mastery_standard_cells(struct db *db, int64_t district_id, const char *standard,
				   struct arena *a, struct mastery_standard_row **out, size_t *n);

/* Standards on which at least min_students students have a measured cell
 * (min_responses or more direct responses) that tool_id contributed to,
 * most students first (ties by code), at most cap; codes in arena. */
enum eb_err mastery_standards_of_tool(struct db *db, int64_t district_id, int64_t tool_id,
				      int min_responses, int min_students, size_t cap,
				      struct arena *a, const char **codes, size_t *n);

/* A standard's measured estimates in aggregate, as of the last refit
 * (mastery_refit writes them; the online updates since are not in them). */
struct mastery_standard_summary {
	const char *school; /* sourcedId; "" for the whole district */
	const char *standard;
	int64_t students; /* measured estimates */
	int64_t not_yet;  /* of them below the district's Approaching threshold */
	double mean_p;
};
/* The standards with at least min_students measured estimates where the
 * largest share is Not yet (by the lower end of its 95% Wilson interval, so
 * that a share of few students ranks below the same share of many; then the
 * lowest mean), at most per_school of each school: school NULL for every school of the district (never the
 * district's own rows), "" for the district's rows, else that school's.
 * Rows by school, then weakest first; strings in the arena. */
/* The lower end of the 95% Wilson interval of r's share Not yet. */
double mastery_share_low(const struct mastery_standard_summary *r);
enum eb_err mastery_weakest_standards(struct db *db, int64_t district_id, const char *school,
				      int64_t min_students, size_t per_school, struct arena *a,
				      struct mastery_standard_summary **out, size_t *n);

/* Calls fn for every stored cell of a standard (student, decoded cell). */
enum eb_err mastery_each_cell_of_standard(struct db *db, int64_t district_id, const char *standard,
					  void (*fn)(void *ctx, const char *student,
						     const struct mastery_cell *c),
					  void *ctx);

/* Cell text forms for exports (and tests): tools "id:responses:correct,..."
 * and the trend "p,p,..." (percent, oldest first). format writes at most
 * cap bytes, cut at an entry boundary; parse reads what it can and stops at
 * the first malformed entry. */
void mastery_tools_format(const struct mastery_cell *c, char *out, size_t cap);
void mastery_tools_parse(const char *s, struct mastery_cell *c);
void mastery_trend_format(const struct mastery_cell *c, char *out, size_t cap);
void mastery_trend_parse(const char *s, struct mastery_cell *c);

#endif
