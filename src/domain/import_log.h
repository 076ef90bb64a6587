/* import_log.h - the history of roster imports (import_run with its mode,
 * who ran it and the rows set aside, migration 042) and the roster rows kept
 * waiting for a parent (roster_waiting). SQL only; the OneRoster importer
 * (ingest/oneroster.c) decides what goes here, the history page reads it.
 * Every function takes the district id; nothing crosses districts. */
#ifndef EB_IMPORT_LOG_H
#define EB_IMPORT_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct db;

struct import_log_run {
	int64_t id, started_at, finished_at, account_id;
	bool ok;
	const char *kind, *source, *mode, *actor, *summary, *notes;
	long n_aside, n_waiting, n_linked;
};

/* Writes one import_run row (kind "oneroster"; mode "lenient" or "strict";
 * actor the words for who ran it; account_id 0 for none) and, when ok, an
 * audit_log row (action import, subject roster, subject_id the run id,
 * actor the account or 'cli'). *id gets the run's id (may be NULL). */
enum eb_err import_log_record(struct db *db, int64_t district_id, const struct import_log_run *run,
			      int64_t *id);

/* One row of a run's report. kind: "aside", "waiting" or "linked". */
struct import_log_row {
	const char *kind, *file, *field, *sourced_id, *reason;
	int64_t line;
};
enum eb_err import_log_add_row(struct db *db, int64_t district_id, int64_t run_id, int64_t seq,
			       const struct import_log_row *row);

/* Runs of kind "oneroster", newest first, at most limit (1..500). */
enum eb_err import_log_list(struct db *db, int64_t district_id, int limit, struct arena *a,
			    struct import_log_run **rows, size_t *n);
/* One run; EB_ENOTFOUND when it is not this district's. */
enum eb_err import_log_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			   struct import_log_run *out);
/* The run's report rows of one kind (NULL: all), in order. */
enum eb_err import_log_rows(struct db *db, int64_t district_id, int64_t run_id, const char *kind,
			    struct arena *a, struct import_log_row **rows, size_t *n);

/* ---- rows waiting for a parent ---- */

struct roster_waiting_row {
	int kind; /* enum roster_kind */
	const char *sourced_id, *vals, *refs, *waits_for, *file;
	int64_t line, run_id, since;
};
/* Stores (or replaces) the waiting row of (kind, sourced_id). */
enum eb_err roster_waiting_put(struct db *db, int64_t district_id,
			       const struct roster_waiting_row *row);
/* Drops it; *deleted (may be NULL) tells whether there was one. */
enum eb_err roster_waiting_delete(struct db *db, int64_t district_id, int kind, const char *sid,
				  size_t n, bool *deleted);
/* Every waiting row of the district, by kind then sourcedId. */
enum eb_err roster_waiting_all(struct db *db, int64_t district_id, struct arena *a,
			       struct roster_waiting_row **rows, size_t *n);
/* Gives the waiting rows stored without a run (run_id NULL) that run. */
enum eb_err roster_waiting_claim(struct db *db, int64_t district_id, int64_t run_id);
/* How many rows wait now. */
enum eb_err roster_waiting_count(struct db *db, int64_t district_id, int64_t *n);

/* Calls fn for the sourcedId of every stored person whose role is student
 * (the large-removal guard counts students). */
enum eb_err import_log_each_student(struct db *db, int64_t district_id,
				    void (*fn)(void *ctx, const char *sid, size_t n), void *ctx);

#endif
