/* db.h - the one database interface: open, transactions, prepared statements.
 *
 * One struct db per thread (SQLite connections are not shared between
 * workers). Statements are cached per connection, keyed by the SQL text's
 * address, so pass string literals: db_prepare() hands back a statement that
 * is reset and has its bindings cleared. SQL is always parameterised. */
#ifndef EB_DB_H
#define EB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct db_stmt;

enum db_step_result { DB_ROW = 1, DB_DONE = 2 };

enum db_open_flags {
	DB_OPEN_CREATE = 1,	/* create the file if missing */
	DB_OPEN_READONLY = 2,
};

/* Opens path in WAL mode with foreign keys on and a busy timeout, and applies
 * any migration not yet applied. On error *out is NULL and errmsg (if given)
 * says why. */
enum eb_err db_open(const char *path, int flags, struct db **out, char *errmsg, size_t errcap);
void db_close(struct db *db);

/* Runs one or more statements without results. */
enum eb_err db_exec(struct db *db, const char *sql);
/* BEGIN IMMEDIATE: takes the write lock now, so a later write cannot fail
 * with SQLITE_BUSY halfway through an import. */
enum eb_err db_begin(struct db *db);
enum eb_err db_commit(struct db *db);
/* Safe to call when no transaction is open. */
void db_rollback(struct db *db);

/* True while a transaction is open on the connection. */
bool db_in_transaction(struct db *db);

/* Registers work for the open transaction (EB_EINVAL when none is open;
 * EB_ETOOBIG past 4 registrations per transaction). One-shot, in order:
 * - db_commit calls before_commit(db, ctx) before COMMIT, inside the
 *   transaction, so it may write through db; an error from it makes
 *   db_commit call on_rollback(ctx), roll back and return that error;
 * - when the transaction rolls back instead (db_rollback, a failed COMMIT,
 *   SQLite's automatic rollback, db_close), on_rollback(ctx) runs; it must
 *   not use db (it runs inside SQLite's rollback hook);
 * - a COMMIT that does not go through db_commit while work is registered
 *   is turned into a rollback (SQLite commit hook), so registered writes
 *   are never lost silently: they commit with their transaction or not at
 *   all. */
enum eb_err db_before_commit(struct db *db, enum eb_err (*before_commit)(struct db *, void *),
			     void (*on_rollback)(void *), void *ctx);

/* Runs the registered before-commit work now, inside the open transaction
 * (the first thing db_commit does; for a caller that must see it done, such
 * as a benchmark timing it). On an error the caller must db_rollback. */
enum eb_err db_before_commit_run(struct db *db);

/* sql must be a string with static storage (it keys the cache). */
enum eb_err db_prepare(struct db *db, const char *sql, struct db_stmt **out);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_double(struct db_stmt *st, int idx, double v);
/* n < 0 means NUL-terminated; NULL binds SQL NULL. The text is copied. */
void db_bind_text(struct db_stmt *st, int idx, const char *p, int n);
void db_bind_null(struct db_stmt *st, int idx);
/* Binds a copy of n bytes as a BLOB. */
void db_bind_blob(struct db_stmt *st, int idx, const void *p, int n);
/* Returns DB_ROW, DB_DONE, or -1 on error (the message via db_errmsg). */
int db_step(struct db_stmt *st);
/* Steps a statement that returns no rows; EB_EEXIST on a uniqueness
 * violation, EB_EINVAL on another constraint, EB_EDB otherwise. */
enum eb_err db_run(struct db_stmt *st);
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
/* NULL for SQL NULL; valid until the next step or reset. */
const char *db_col_text(struct db_stmt *st, int col);
int db_col_bytes(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col);
bool db_col_is_null(struct db_stmt *st, int col);
void db_reset(struct db_stmt *st);

int64_t db_last_id(struct db *db);
int db_changes(struct db *db);
const char *db_errmsg(struct db *db);
/* The schema version after migrations (highest applied number). */
int db_schema_version(struct db *db);

/* True when the connection answers a trivial query (health checks). */
bool db_ping(struct db *db);

/* Refreshes the query planner's statistics (ANALYZE). Call after a bulk
 * change such as a roster import: without statistics SQLite may scan a
 * district's whole enrollment table instead of using an index. */
enum eb_err db_analyze(struct db *db);

/* Online, consistent copy of the whole database into a new file. */
enum eb_err db_backup(struct db *db, const char *dest_path, char *errmsg, size_t errcap);
/* Replaces the database at db_path with the copy at src_path. The server must
 * not be running against db_path. */
enum eb_err db_restore(const char *db_path, const char *src_path, char *errmsg, size_t errcap);

/* Raw handle for the rare module that needs SQLite specifics (store/ only). */
struct sqlite3 *db_handle(struct db *db);

#endif
