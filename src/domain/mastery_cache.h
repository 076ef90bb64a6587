/* mastery_cache.h - the online update's context: what mastery_record keeps
 * between calls, and who owns it.
 *
 * Owner: the connection. A struct db has at most one mastery context: it is
 * attached to the connection (db_attach) at the first online update on it
 * and freed by db_close. It is used by whoever uses the connection (one
 * thread at a time) and lives as long as it does: a web worker's connection;
 * the group-commit writer's connection (db_write.h), where the xAPI, Caliper
 * and CSV ingest paths store their events through activity_event_record, so
 * their updates use the writer's context; a CLI command's, a bench's or a
 * test's connection.
 *
 * Why the connection and not an argument the caller passes: everything in
 * the context is what was read or written through that connection (a model
 * as of the fitted_at it read, the student rows of its open transaction).
 * Two contexts on one connection would hold two copies of a student's row
 * and the second written at commit would undo the first; one per connection
 * rules that out by construction, and mastery_record keeps its signature
 * (its caller, activity_event_record, runs inside the group-commit writer's
 * jobs, which are given only the connection).
 *
 * Nothing here is shared between connections or threads: no locks, no
 * thread-local state. */
#ifndef EB_MASTERY_CACHE_H
#define EB_MASTERY_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/mastery_model.h"
#include "domain/mastery_rows.h"

struct db;
struct frameworks_links;

#define MASTERY_CTX_MODELS 4 /* districts whose decoded model is kept */
#define MASTERY_WB_MAX 2048  /* student rows kept per transaction before a flush */

/* One district's decoded model, valid while the stored fitted_at is the
 * one it was read at (a refit stores a strictly larger one), and its
 * prerequisite links (domain/frameworks) read at the same time: a framework
 * imported meanwhile reaches the online update at the next refit, which
 * applies it to every state anyway. */
struct mastery_model_slot {
	int64_t district_id, fitted_at; /* fitted_at 0: no model stored */
	struct mastery_model *m;	/* owned; NULL when none is stored */
	unsigned used;			/* LRU clock; 0: empty slot */
	struct arena la;		/* the links' memory */
	struct frameworks_links *links; /* in la; NULL when they could not be read */
};

/* A student's row (mastery_student) as updated in the open transaction. */
struct mastery_wb_row {
	char *student; /* owned; NULL: empty slot */
	int64_t district_id;
	uint32_t hash;
	bool exists; /* the row is stored (UPDATE, not INSERT) */
	struct mastery_student_state ss;
	uint8_t *measured; /* owned: the measured list's blob */
	size_t nmeasured, capmeasured;
};

/* The student rows written back at commit: inside a transaction the update
 * keeps each student's row here instead of writing it per event; a later
 * event of the student in the transaction reads it from here, and db_commit
 * writes the rows through the connection right before COMMIT
 * (db_before_commit). A rollback drops them with the transaction; a COMMIT
 * that bypasses db_commit is turned into a rollback by db.c, so a row is
 * never lost. Empty outside a transaction. At MASTERY_WB_MAX rows the
 * rows are written (still inside the transaction) and the table restarts. */
struct mastery_wb {
	bool armed;		    /* registered for the open transaction */
	struct mastery_wb_row *tab; /* open addressing; owned */
	size_t cap, n;		    /* cap: 0 or a power of two */
	/* mastery_fit.fitted_at of district fit_d as read in this transaction
	 * (fit_d 0: not read yet): only a refit changes it, and a refit is a
	 * transaction of its own */
	int64_t fit_d, fitted;
};

struct mastery_ctx {
	struct db *db; /* the connection that owns this context */
	struct mastery_model_slot models[MASTERY_CTX_MODELS];
	unsigned clock;
	struct mastery_wb wb;
	/* scratch of one update: the student's measured list */
	struct mastery_measured measured;
};

/* The connection's context, made and attached on first use. EB_ENOMEM (or
 * db_attach's error) when it cannot be made: *out NULL. */
enum eb_err mastery_ctx_of(struct db *db, struct mastery_ctx **out);

/* The connection's context if it has one, else NULL (makes none). */
struct mastery_ctx *mastery_ctx_find(struct db *db);

/* The district's model for the stored fitted_at (0: none fitted; *out NULL):
 * decoded from mastery_fit once per fitted_at and kept (at most
 * MASTERY_CTX_MODELS districts, least recently used out). *out is valid
 * until the next call on mc. EB_EDB, EB_EPARSE, EB_ENOMEM. */
enum eb_err mastery_ctx_model(struct mastery_ctx *mc, int64_t district_id, int64_t fitted_at,
			      const struct mastery_model **out);

/* The district's prerequisite links as read with its model by the last
 * mastery_ctx_model for it (NULL: not read; the coherence map alone). */
const struct frameworks_links *mastery_ctx_links(struct mastery_ctx *mc, int64_t district_id);

/* Frees the decoded models (they are read again when next needed). */
void mastery_ctx_forget_models(struct mastery_ctx *mc);

/* Arms the write-back for the connection's open transaction: true when
 * armed (now or before), false outside a transaction or when the commit
 * work cannot be registered (the caller then writes rows through). */
bool mastery_wb_arm(struct mastery_ctx *mc);

/* The hash mastery_wb_find and mastery_wb_put take for a student. */
uint32_t mastery_wb_hash(int64_t district_id, const char *student);

/* The student's cached row, or NULL. */
struct mastery_wb_row *mastery_wb_find(struct mastery_ctx *mc, int64_t district_id,
				       const char *student, uint32_t hash);

/* Keeps a student's row after an update (the wb must be armed). row: what
 * mastery_wb_find gave (NULL: a new entry). *kept says the row is in the
 * cache (the caller must not write it). EB_ENOMEM with row given: the entry
 * could not take the update (the caller fails: the cached row is stale);
 * EB_ENOMEM with row NULL and !*kept: no room, nothing cached, the caller
 * writes the row through. May write the cached rows first (the table is
 * full): their write errors are returned. */
enum eb_err mastery_wb_put(struct mastery_ctx *mc, struct mastery_wb_row *row, int64_t district_id,
			   const char *student, uint32_t hash, bool exists,
			   const struct mastery_student_state *ss,
			   const struct mastery_measured *ms, bool *kept);

#endif
