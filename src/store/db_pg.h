/* db_pg.h - the PostgreSQL backend of store/db.h (store/ only: db.c
 * dispatches here when db_open was given a postgresql:// or postgres://
 * URL; nothing above the store includes this file).
 *
 * One libpq connection per struct db, as SQLite's. SQL is translated by
 * sql_dialect once per statement and prepared once per connection
 * (PQprepare, named per cache slot); results come as text, BYTEA decoded
 * when a blob column is read. Inside a transaction a statement that changes
 * rows runs under a savepoint, so that a failed one (a uniqueness violation
 * the caller handles) leaves the transaction usable, as on SQLite. */
#ifndef EB_DB_PG_H
#define EB_DB_PG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "store/db.h"

struct dbpg;
struct dbpg_stmt;

/* Connects to url and applies the migrations not yet applied (the same
 * numbered files, translated, or pg/NNN_name.sql where one exists). The
 * error message never holds the URL's password. */
enum eb_err dbpg_open(const char *url, int flags, struct dbpg **out, char *errmsg, size_t cap);
void dbpg_close(struct dbpg *pg);
/* A script of statements without results (translated). */
enum eb_err dbpg_exec(struct dbpg *pg, const char *sql);
bool dbpg_in_transaction(struct dbpg *pg);
int dbpg_schema_version(struct dbpg *pg);
const char *dbpg_errmsg(struct dbpg *pg);
int64_t dbpg_last_id(struct dbpg *pg);
int dbpg_changes(struct dbpg *pg);
void dbpg_set_lock_timeout(struct dbpg *pg, int ms);
/* db_unavailable_take: whether a statement failed with EB_EUNAVAIL since
 * the last call (cleared by it). */
bool dbpg_unavailable_take(struct dbpg *pg);
/* db_set_statement_guard. */
bool dbpg_set_statement_guard(struct dbpg *pg, bool on);
/* Whether st (bound) may be sent without waiting for its answer: a write
 * without RETURNING, inside a transaction without statement guards (the
 * group commit's). */
bool dbpg_sendable(struct dbpg_stmt *st);
/* Sends st in pipeline mode without reading its answer: its error, if any,
 * is returned by the next statement that waits (or by COMMIT, which then
 * does not happen); without guards a failed statement aborts the
 * transaction anyway, and the group commit runs its jobs again, guarded. */
enum eb_err dbpg_send(struct dbpg_stmt *st);
/* dbpg_send that adds the rows st changes to *sum (when not NULL) once its
 * answer is read: by dbpg_flush at the latest. */
enum eb_err dbpg_send_sum(struct dbpg_stmt *st, long *sum);
/* Reads the answers of the writes sent: the first one's error, else EB_OK. */
enum eb_err dbpg_flush(struct dbpg *pg);

/* The read connection (db.h, read replicas): what db.c's calls of the
 * same names do on PostgreSQL. */
enum eb_err dbpg_open_replica(struct dbpg *pg, const char *url, char *errmsg, size_t cap);
void dbpg_read_from(struct dbpg *pg, bool replica);
unsigned dbpg_replica_reads(struct dbpg *pg);
bool dbpg_has_replica(struct dbpg *pg);
bool dbpg_wrote(struct dbpg *pg);
/* db_begin_read: on the replica when reads go there, else the primary. */
enum eb_err dbpg_begin_read(struct dbpg *pg);
/* Ends any open transaction, the replica's snapshot included. */
void dbpg_rollback(struct dbpg *pg);
enum eb_err dbpg_write_position(struct dbpg *pg, char *out, size_t cap);
bool dbpg_replica_caught_up(struct dbpg *pg, const char *position);

/* A script that moves every identity column's sequence past the highest id
 * its table holds (after rows were copied in with their ids). */
const char *dbpg_identity_sync_sql(void);

/* A statement for sql (translated now, prepared on its first run). NULL
 * when it does not translate (logged). */
struct dbpg_stmt *dbpg_prepare(struct dbpg *pg, const char *sql);
void dbpg_finalize(struct dbpg_stmt *st);
/* Copies the arguments for the next run. */
enum eb_err dbpg_bind(struct dbpg_stmt *st, const struct db_arg *args, size_t nargs);
/* 1: a row; 0: no more rows; else the eb_err (negated) of a failed run. */
int dbpg_step(struct dbpg_stmt *st);
/* Ends a run: the result freed, the arguments cleared. */
void dbpg_reset(struct dbpg_stmt *st);
bool dbpg_busy(struct dbpg_stmt *st);

int64_t dbpg_col_int(struct dbpg_stmt *st, int col);
double dbpg_col_double(struct dbpg_stmt *st, int col);
const char *dbpg_col_text(struct dbpg_stmt *st, int col);
int dbpg_col_bytes(struct dbpg_stmt *st, int col);
const void *dbpg_col_blob(struct dbpg_stmt *st, int col);
bool dbpg_col_is_null(struct dbpg_stmt *st, int col);

#endif
