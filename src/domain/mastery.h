/* mastery.h - mastery of every standard for every student: the rules and
 * the online update. The room's doors (docs/mastery_store.md):
 *   mastery.h         the cell, levels, ids, the update and inference rules,
 *                     the online update (mastery_record)
 *   mastery_cache.h   the online update's context (owned by the connection)
 *   mastery_rows.h    how state is stored: blob formats, one row in and out
 *   mastery_refit.h   the nightly refit and the stored fit's facts
 *   mastery_views.h   the listings the pages and exports read
 * The model itself is mastery_model.h. All SQL about mastery lives in these
 * files (tables of migrations 007 and 014). This header includes the refit's
 * and the listings' so a caller of the room needs one include.
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

#define MASTERY_TREND_WEEKS 12 /* weekly P values kept for the sparkline */
#define MASTERY_MAX_TOOLS 8    /* per-tool evidence counts kept per cell */
#define MASTERY_MIN_DIRECT 3   /* fewer direct responses: the estimate is inferred */

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
	struct mastery_skill_state sk; /* the model's state (direct evidence only) */
	double p;		       /* P(mastered) now (inferred when `inferred`) */
	double sd;		       /* uncertainty: sqrt(p(1-p)/(n+3)), n = responses */
	int32_t responses, correct;    /* direct evidence */
	int64_t first_at, last_at;     /* Unix seconds; 0 when none */
	int32_t trend_week;	       /* week number of trend[ntrend-1] */
	uint8_t ntrend;
	uint8_t trend[MASTERY_TREND_WEEKS]; /* weekly P in percent, oldest first */
	uint8_t ntools;
	struct mastery_tool_count tools[MASTERY_MAX_TOOLS];
	bool inferred; /* p borrowed from coherence-map neighbours */
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

/* Applies the rule to a thin cell (fewer than MASTERY_MIN_DIRECT responses)
 * given its measured neighbours' P: base = c->p when it has responses, else
 * the standard's prior (m NULL: the default), moved halfway to ability when
 * ability >= 0 and c has no responses. Sets c->p, c->sd (n = 0), inferred,
 * and the trend's current week. key: mastery_standard_key of the cell. */
void mastery_cell_infer(const struct mastery_model *m, struct mastery_cell *c, int32_t key,
			double ability, const double *pre, size_t npre, const double *suc,
			size_t nsuc);

/* Online update: called by activity_event_record inside the caller's
 * transaction for every stored evidence event (correct 0/1, a standard).
 * Uses the connection's context (mastery_cache.h: made on the first update
 * on db, freed by db_close): the model decoded once per district and
 * fitted_at (each update reads fitted_at), and inside a transaction the
 * student's row (state and measured list), written by db_commit before
 * COMMIT (db_before_commit); the cell is written at once. Outside a
 * transaction both are written at once. A cell with < MASTERY_MIN_DIRECT
 * responses is stored inferred from its measured neighbours. No student or
 * standard, or correct < 0: nothing to do (EB_OK). EB_EDB on a database
 * error, EB_EPARSE when the student's stored state is not its format,
 * EB_ENOMEM when the context cannot take the update (roll back). */
enum eb_err mastery_record(struct db *db, int64_t district_id, const char *student,
			   const char *standard, int64_t tool_id, const char *item_id, int correct,
			   int64_t at);

/* The cell of one (student, standard) in the open transaction, read ahead
 * by a batch (domain/activity.h: activity_batch_read) and kept by
 * mastery_record_hinted, which updates it here and leaves the write to
 * mastery_cell_hint_flush: a cell a batch updates many times is written
 * once. */
struct mastery_cell_hint {
	bool found;	       /* the cell exists (stored, or made by an update here) */
	bool stored;	       /* a row of it is stored (UPDATE rather than INSERT) */
	bool dirty;	       /* updated here since it was read or last flushed */
	struct mastery_cell c; /* as mastery_cell_read would read it */
};

/* mastery_record with the cell kept in h (NULL: mastery_record): h must hold
 * the cell of (student, standard) as db's open transaction has it, counting
 * its own unflushed updates, and nothing but mastery_record_hinted with this
 * h may update that cell until mastery_cell_hint_flush. No read of the cell;
 * the student's row and the model are read as mastery_record reads them.
 * The numbers are mastery_record's. */
enum eb_err mastery_record_hinted(struct db *db, int64_t district_id, const char *student,
				  const char *standard, int64_t tool_id, const char *item_id,
				  int correct, int64_t at, struct mastery_cell_hint *hint);

/* Writes the cell h keeps when it was updated since it was read or last
 * flushed (mastery_cell_write), in db's open transaction, before anything
 * else reads it from the table. EB_EDB, EB_EINVAL as mastery_cell_write. */
enum eb_err mastery_cell_hint_flush(struct db *db, int64_t district_id, const char *student,
				    const char *standard, struct mastery_cell_hint *hint);

/* Forgets the decoded models of db's context (the refit calls it once it
 * has committed a new model). Nothing to do when db has no context. */
void mastery_cache_clear(struct db *db);

#include "domain/mastery_refit.h"
#include "domain/mastery_views.h"

#endif
