/* mastery.h - mastery of every standard for every student, at rest and kept
 * current: the district's fitted model (mastery_model.h) and one estimate
 * per student x standard with its evidence. All SQL about mastery lives in
 * mastery.c (tables of migration 007). See docs/mastery_store.md.
 *
 * Model ids: a standard is the skill whose raw id is its catalog index
 * (standards_find()->index; codes outside the catalog hash to ids >= 2^24);
 * an item is (tool, item id) hashed to a 31-bit id (mastery_item_key). */
#ifndef EB_MASTERY_H
#define EB_MASTERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/district.h"
#include "domain/mastery_model.h"

struct arena;
struct db;

#define MASTERY_TREND_WEEKS 12	/* weekly P values kept for the sparkline */
#define MASTERY_MAX_TOOLS 8	/* per-tool evidence counts kept per cell */
#define MASTERY_MIN_DIRECT 3	/* fewer direct responses: the estimate is inferred */

enum mastery_level {
	MASTERY_NOT_YET,
	MASTERY_APPROACHING,
	MASTERY_PROFICIENT,
	MASTERY_MASTERED,
	MASTERY_LEVEL_COUNT
};

/* Level of probability p under the district's thresholds: p < approaching
 * -> Not yet, < proficient -> Approaching, < mastered -> Proficient, else
 * Mastered. */
enum mastery_level mastery_level_of(const struct district_levels *lv, double p);
/* "Not yet" / "Approaching" / "Proficient" / "Mastered". */
const char *mastery_level_name(enum mastery_level l);
/* "not-yet" / "approaching" / "proficient" / "mastered" (CSS class suffix). */
const char *mastery_level_slug(enum mastery_level l);

struct mastery_tool_count {
	int64_t tool_id;
	int32_t responses, correct;
};

/* One student on one standard, as stored. Zero-initialised = no evidence. */
struct mastery_cell {
	struct mastery_skill_state sk;	/* the model's state (direct evidence only) */
	double p;			/* P(mastered) now (inferred when `inferred`) */
	double sd;			/* uncertainty: sqrt(p(1-p)/(n+3)), n = responses */
	int32_t responses, correct;	/* direct evidence */
	int64_t first_at, last_at;	/* Unix seconds; 0 when none */
	int32_t trend_week;		/* week number of trend[ntrend-1] */
	uint8_t ntrend;
	uint8_t trend[MASTERY_TREND_WEEKS];	/* weekly P in percent, oldest first */
	uint8_t ntools;
	struct mastery_tool_count tools[MASTERY_MAX_TOOLS];
	bool inferred;			/* p borrowed from coherence-map neighbours */
};

/* Model raw ids. */
int32_t mastery_item_key(int64_t tool_id, const char *item_id);
int32_t mastery_standard_key(const char *code);

/* The BKT parameters used while a district has no fitted model (the fit's
 * Beta-prior centres: prior .5, learn .1, forget .02, guess .2, slip .1). */
struct mastery_bkt mastery_default_bkt(void);

/* Applies one response to a cell and its student's state: the model's
 * update (mastery_observe; m NULL = mastery_default_bkt), counts, tools,
 * first/last time, weekly trend. Sets c->p and c->sd from direct evidence
 * and clears c->inferred (mastery_cell_infer may set it again). */
void mastery_cell_observe(const struct mastery_model *m, struct mastery_student_state *st,
			  struct mastery_cell *c, int32_t standard_key, int32_t item_key,
			  int64_t tool_id, int correct, int64_t at);

/* The inference rule for thin evidence (documented in docs/mastery_store.md):
 * base (the caller: own p when the cell has responses, else the standard's
 * prior, at a refit halfway to the student's mean measured p);
 * measured prerequisites pull it halfway to their mean; a measured successor
 * with probability q lifts it to at least 0.9 q. Returns the inferred p. */
double mastery_infer(double base, const double *pre, size_t npre, const double *suc, size_t nsuc);

/* Online update: called by activity_event_record inside the caller's
 * transaction for every stored evidence event (correct 0/1, a standard).
 * Reads the model (cached per thread/connection and district, reloaded when
 * fitted_at changes), updates the cell and student state and stores them.
 * A cell with < MASTERY_MIN_DIRECT responses is stored inferred from its
 * measured neighbours. Inside a transaction the student's row (state and
 * measured list) is kept in a per-connection cache and written by db_commit
 * before COMMIT (db_before_commit); the cell is written at once. Outside a
 * transaction both are written at once. EB_EDB on a database error,
 * EB_ENOMEM when the cache cannot take the update (roll back). */
enum eb_err mastery_record(struct db *db, int64_t district_id, const char *student,
			   const char *standard, int64_t tool_id, const char *item_id, int correct,
			   int64_t at);

/* Forgets the cached decoded models of this thread. */
void mastery_cache_clear(void);

struct mastery_refit_summary {
	size_t rows, students, standards, cells, inferred;
	size_t late;		/* responses stored during the fit, applied online after it */
	int iterations;
	double fit_seconds;	/* mastery_fit alone */
	double total_seconds;	/* read + fit + recompute + store */
	int64_t fitted_at;
};

/* Progress: phase ("read", "fit", "recompute", "store"), done of total. */
typedef void (*mastery_progress_fn)(void *ctx, const char *phase, size_t done, size_t total);

/* Refits the district's model on all its evidence (learning_event rows with
 * correct and a standard, per student in time order), stores it, and
 * recomputes every student x standard state (one transaction; inferred
 * cells for the neighbours of measured standards). hp NULL = defaults.
 * EB_ENOTFOUND ("no evidence") when the district has none: nothing changes.
 * Other errors with a reason in err. */
enum eb_err mastery_refit(struct db *db, int64_t district_id, const struct mastery_params *hp,
			  mastery_progress_fn progress, void *ctx,
			  struct mastery_refit_summary *out, char *err, size_t cap);

struct mastery_fit_row {
	int64_t fitted_at, rows, students, standards, iterations;
	double fit_seconds, objective;
};
/* The stored fit's facts; EB_ENOTFOUND when none. */
enum eb_err mastery_fit_info(struct db *db, int64_t district_id, struct mastery_fit_row *out);

/* One stored cell. *found false (and *out zeroed) when absent. */
enum eb_err mastery_cell_get(struct db *db, int64_t district_id, const char *student,
			     const char *standard, struct mastery_cell *out, bool *found);

/* A cell for listings (strings in the arena). */
struct mastery_row {
	const char *student, *standard;
	struct mastery_cell c;
};
/* Every cell of a student: measured ones first, each group by standard code. */
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

/* Calls fn for every stored cell of a standard (student, decoded cell). */
enum eb_err mastery_each_cell_of_standard(struct db *db, int64_t district_id, const char *standard,
					  void (*fn)(void *ctx, const char *student,
						     const struct mastery_cell *c),
					  void *ctx);

/* P of a student on a standard, or -1 when no cell. */
double mastery_p(struct db *db, int64_t district_id, const char *student, const char *standard);

/* Cell text codecs (exported for tests). */
void mastery_tools_format(const struct mastery_cell *c, char *out, size_t cap);
void mastery_tools_parse(const char *s, struct mastery_cell *c);
void mastery_trend_format(const struct mastery_cell *c, char *out, size_t cap);
void mastery_trend_parse(const char *s, struct mastery_cell *c);

#endif
