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
/* BEGIN (deferred): one snapshot for a series of reads, such as a page or an
 * evaluation that runs many small queries. They all see one consistent state
 * and take the file lock once instead of once per statement. End it with
 * db_rollback. */
enum eb_err db_begin_read(struct db *db);
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

/* Group commit. Writes from many threads are queued to one writer thread,
 * which runs them in groups, each group in one transaction on a connection
 * of its own: BEGIN IMMEDIATE, each job's fn in queue order, COMMIT. Under
 * concurrent load the pages every writer touches (the tail of a table, a
 * hot index leaf, a student's mastery row) reach the WAL once per group
 * instead of once per request, and the writer's page cache stays warm. Each
 * job keeps its own outcome: when any job fails (or the COMMIT does), the
 * group is rolled back and every job of it is run again alone, in order, in
 * its own transaction, so a job's result is exactly what it would have been
 * had it run by itself. Hence fn:
 * - writes only through the db it is given (the writer's connection, not
 *   the caller's), inside the open transaction, and never begins, commits
 *   or rolls back;
 * - may run twice, so it keeps no state between runs beyond its ctx output;
 * - may register db_before_commit work as usual.
 * Jobs are grouped only with others on the same database file. */
struct db_write {
	enum eb_err (*fn)(struct db *db, void *ctx);
	void *ctx;
	enum eb_err rc;		/* fn's result once the job is done */
	/* private to db.c */
	struct db *db;
	const char *file;	/* db's file; "" for none of its own */
	struct db_write *next;
	void (*done_cb)(void *arg);
	void *done_arg;
	bool finished;
};

/* Queues w and waits until its group has committed (or rolled back);
 * returns w->rc, which it always sets. The caller must not have a
 * transaction open (EB_EINVAL). */
enum eb_err db_write_grouped(struct db *db, struct db_write *w);

/* Queues w and returns at once. done(arg) runs on the writer thread once the
 * job is done, with w->rc set; it must be quick, must not use a db, and
 * must not touch w after handing it on (w may be freed then). EB_EBUSY when too many jobs are waiting and EB_EINVAL when db is
 * in a transaction or on no file of its own (in memory, read-only): the
 * caller then writes with db_write_grouped. */
enum eb_err db_write_submit(struct db *db, struct db_write *w, void (*done)(void *arg),
			    void *arg);

/* Waits until every job queued so far has been done (tests; exit). */
void db_write_drain(void);

/* Refuses every job still waiting in the queue (not the group being
 * written): each is taken off unrun, with rc EB_EBUSY as if the queue had
 * been full, and its done callback runs (or its db_write_grouped caller
 * returns). For a server that stops and cannot wait for a locked
 * database: nothing of a refused job is written. */
void db_write_refuse_waiting(void);

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
