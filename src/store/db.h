/* db.h - the one database interface: open, transactions, prepared statements.
 *
 * One struct db per thread (SQLite connections are not shared between
 * workers). Statements are cached per connection, keyed by the SQL text's
 * address, so pass string literals. SQL is always parameterised: every query
 * goes through db_query and its helpers below. */
#ifndef EB_DB_H
#define EB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;
struct db_stmt;

enum db_open_flags {
	DB_OPEN_CREATE = 1, /* create the file if missing */
	DB_OPEN_READONLY = 2,
};

/* Opens path in WAL mode with foreign keys on and a busy timeout, and applies
 * any migration not yet applied. On error *out is NULL and errmsg (if given)
 * says why. A path that is a postgresql:// or postgres:// URL (db_is_url)
 * opens PostgreSQL through libpq instead (docs/scale.md): the same
 * interface, the same migrations translated; EB_EIO when it cannot connect,
 * and the message never holds the URL's password. */
enum eb_err db_open(const char *path, int flags, struct db **out, char *errmsg, size_t errcap);
void db_close(struct db *db);

/* True when path names a PostgreSQL database (postgresql:// or postgres://)
 * rather than a SQLite file. */
bool db_is_url(const char *path);
/* True when db is a PostgreSQL connection: for the few features whose SQL
 * differs by more than the store translates (full-text search). */
bool db_is_pg(struct db *db);
/* path as it may be shown in a log or an error line: a URL's password (in
 * its user part or a password= parameter) replaced by ***; cut to cap. */
void db_name_masked(const char *path, char *out, size_t cap);

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

/* The file the connection writes to; "" for an in-memory or read-only
 * connection (one that another connection cannot share). Never NULL. */
const char *db_file(struct db *db);
/* What another connection of this process opens to reach the same database
 * (the group-commit writer's own connection): db_file on SQLite, the URL
 * the connection was opened with on PostgreSQL. Never NULL. */
const char *db_shared_name(struct db *db);
/* How long a statement waits for another connection's lock before it fails
 * with EB_EDB (default 10 s). */
void db_set_busy_timeout(struct db *db, int ms);

/* Statement guards (PostgreSQL; nothing on SQLite): inside a transaction
 * each statement that changes rows runs under a savepoint, so that a failed
 * one (a duplicate the caller handles) leaves the transaction usable, as on
 * SQLite. Off, a write costs one round trip instead of three, and a failed
 * statement aborts the transaction: every later statement fails EB_EDB and
 * db_commit rolls back and returns EB_EDB. Off, db_execute without
 * `changes` sends a write without RETURNING in pipeline mode and returns
 * at once: its error, if any, comes from the next statement that waits for
 * its answer (a query, db_commit). For the group commit, which runs
 * a failed group's jobs again, each alone, with the guards on, and for a
 * bulk write whose caller rolls back on any failure (frameworks_store). On
 * by default. Returns whether they were on before (SQLite: always true), to
 * put back. */
bool db_set_statement_guard(struct db *db, bool on);

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

/* State of a module above the store that lives and dies with one
 * connection (a cache of what was read through it, work pending for its
 * transaction), owned by the connection instead of thread-local tables
 * keyed by it: only the connection's user reaches it, and db_close frees it
 * with free_fn(obj) (may be NULL) after rolling back an open transaction,
 * so rollback work registered with db_before_commit still finds it. key is
 * the address of a static object of the module (one per module). EB_EEXIST
 * when key is attached already, EB_ETOOBIG past 4 per connection. */
enum eb_err db_attach(struct db *db, const void *key, void *obj, void (*free_fn)(void *obj));
/* The object attached under key, or NULL. */
void *db_attached(struct db *db, const void *key);

/* Runs the registered before-commit work now, inside the open transaction
 * (the first thing db_commit does; for a caller that must see it done, such
 * as a benchmark timing it). On an error the caller must db_rollback. */
enum eb_err db_before_commit_run(struct db *db);

/* ---- one way to run a query and read its rows -------------------------
 *
 * A query is SQL with static storage (a string literal: its address keys the
 * connection's statement cache) and typed parameters bound to ?1, ?2, ... in
 * order, written with the DB_ARGS(...) macro:
 *
 *	struct db_stmt *st;
 *	if ((rc = db_query(db, "SELECT id, name FROM tool WHERE district_id=?1",
 *			   DB_ARGS(DB_INT(district_id)), &st)))
 *		return rc;
 *	while (db_next(st))
 *		... db_col_int(st, 0), db_col_dup(st, 1, arena) ...
 *	rc = db_done(st);
 *
 * The statement is the caller's from db_query until db_done, which must be
 * called on every path (it releases the statement and returns the first
 * error the loop met: a failed step, or EB_ENOMEM from a db_col_dup). The
 * same SQL may be run again while an earlier run is still open (a nested
 * loop, a recursive walk): the second run gets a statement of its own. For
 * the common shapes there are whole-query helpers that do all of it:
 * db_execute (no rows), db_get_int (one number), db_get_row (one row into a
 * struct) and db_get_rows (every row into an arena array). */

enum db_arg_type { DB_ARG_NULL, DB_ARG_INT, DB_ARG_REAL, DB_ARG_TEXT, DB_ARG_BLOB };

struct db_arg {
	enum db_arg_type type;
	int n; /* text: bytes (< 0: NUL-terminated); blob: bytes */
	union {
		int64_t i;
		double d;
		const void *p; /* text or blob; copied when bound */
	} v;
};

#define DB_NULL ((struct db_arg){ .type = DB_ARG_NULL })
#define DB_INT(x) ((struct db_arg){ .type = DB_ARG_INT, .v.i = (int64_t)(x) })
#define DB_REAL(x) ((struct db_arg){ .type = DB_ARG_REAL, .v.d = (double)(x) })
/* A NULL pointer binds SQL NULL. */
#define DB_TEXT(s) ((struct db_arg){ .type = DB_ARG_TEXT, .n = -1, .v.p = (s) })
#define DB_TEXTN(s, len) ((struct db_arg){ .type = DB_ARG_TEXT, .n = (int)(len), .v.p = (s) })
#define DB_BLOB(ptr, len) ((struct db_arg){ .type = DB_ARG_BLOB, .n = (int)(len), .v.p = (ptr) })
/* x when cond holds, else SQL NULL (optional ids, "unknown" counts). */
#define DB_INT_IF(cond, x) ((cond) ? DB_INT(x) : DB_NULL)
#define DB_REAL_IF(cond, x) ((cond) ? DB_REAL(x) : DB_NULL)

/* The parameter list of a query: expands to the two arguments (array,
 * count) that db_query and the helpers take. DB_NOARGS for none. */
#define DB_ARGS(...)                                                                               \
	((const struct db_arg[]){ __VA_ARGS__ }),                                                  \
		(sizeof((const struct db_arg[]){ __VA_ARGS__ }) / sizeof(struct db_arg))
#define DB_NOARGS NULL, 0

/* Prepares sql (static storage) and binds args. On success *out is the
 * caller's until db_done. EB_EDB when the SQL does not prepare (a bug: it is
 * logged with the SQL) and EB_ENOMEM when no statement can be had. */
enum eb_err db_query(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		     struct db_stmt **out);
/* Steps to the next row: true when there is one. False at the end or on an
 * error, which db_done then returns (sticky: later calls stay false). */
bool db_next(struct db_stmt *st);
/* Releases the statement (reset, bindings cleared, back to the cache) and
 * returns the first error met since db_query, else EB_OK. st is not to be
 * used afterwards. Safe with NULL. */
enum eb_err db_done(struct db_stmt *st);

/* Columns of the current row (valid between a true db_next and the next
 * db_next or db_done). NULL reads as 0, 0.0 and NULL. */
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
/* NULL for SQL NULL; valid until the next db_next or db_done. */
const char *db_col_text(struct db_stmt *st, int col);
int db_col_bytes(struct db_stmt *st, int col);
const void *db_col_blob(struct db_stmt *st, int col);
bool db_col_is_null(struct db_stmt *st, int col);
/* The column's text copied into arena: NULL for SQL NULL. db_col_str gives
 * "" instead of NULL. When the arena cannot grow they return NULL (str: "")
 * and the statement's error becomes EB_ENOMEM, which db_done returns: one
 * out-of-memory path for every reader. */
char *db_col_dup(struct db_stmt *st, int col, struct arena *arena);
char *db_col_str(struct db_stmt *st, int col, struct arena *arena);
/* Copies the column's text into dst[cap], cut at a UTF-8 character boundary
 * when longer; "" for SQL NULL. */
void db_col_copy(struct db_stmt *st, int col, char *dst, size_t cap);
/* Marks the statement failed with rc (a reader's own error, such as a value
 * out of range); db_done returns the first one. */
void db_fail(struct db_stmt *st, enum eb_err rc);

/* Runs a statement that returns no rows. EB_EEXIST on a uniqueness
 * violation, EB_EINVAL on another constraint (foreign key, CHECK, NOT
 * NULL), EB_EDB otherwise. *changes (may be NULL) gets the rows changed. */
enum eb_err db_execute(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		       int *changes);
/* db_execute that adds the rows the statement changes to *sum. Inside a
 * transaction without statement guards on PostgreSQL
 * (db_set_statement_guard) the write is sent without waiting (pipelined)
 * and *sum is exact, and its error known, only after db_flush or the next
 * statement that waits; elsewhere it runs at once. A bulk writer's way to
 * count what it changed without a round trip per row. */
enum eb_err db_execute_sum(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
			   long *sum);
/* Waits for the writes sent without waiting (PostgreSQL's pipeline): the
 * first one's error, else EB_OK; EB_OK at once on SQLite. */
enum eb_err db_flush(struct db *db);
/* The first column of the first row as an integer (count(*), an id, an
 * existence test). EB_ENOTFOUND when there is no row; SQL NULL reads 0. */
enum eb_err db_get_int(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		       int64_t *out);

/* Reading rows into structs, by table. Each field says where column i of
 * the row goes in the struct (fields[i] for column i) and how it is read:
 *   DB_FIELD_INT(T, m)        an integer member of any width (bool too);
 *                             SQL NULL reads 0
 *   DB_FIELD_INT_OR(T, m, v)  the same, SQL NULL reads v
 *   DB_FIELD_REAL(T, m)       a double; SQL NULL reads 0
 *   DB_FIELD_REAL_OR(T, m, v) a double; SQL NULL reads v
 *   DB_FIELD_TEXT(T, m)       char *, copied into the arena; NULL for NULL
 *   DB_FIELD_STR(T, m)        char *, copied into the arena; "" for NULL
 *   DB_FIELD_CHARS(T, m)      char m[N], copied (db_col_copy)
 *   DB_FIELD_SKIP             a column the finish function reads itself
 * finish (may be NULL) runs after the fields of each row, for what a table
 * cannot say (an enum parsed from its name, a derived value); it reads the
 * statement's columns and returns an error to stop. */
enum db_field_kind {
	DB_F_SKIP,
	DB_F_INT,
	DB_F_REAL,
	DB_F_TEXT,
	DB_F_STR,
	DB_F_CHARS,
};

struct db_field {
	enum db_field_kind kind;
	size_t offset, size;
	double null_value; /* INT and REAL: what SQL NULL reads as */
};

/* clang-format off */
#define DB_FIELD_(kind, T, m, nv) { (kind), offsetof(T, m), sizeof(((T *)0)->m), (nv) }
/* clang-format on */
#define DB_FIELD_INT(T, m) DB_FIELD_(DB_F_INT, T, m, 0)
#define DB_FIELD_INT_OR(T, m, v) DB_FIELD_(DB_F_INT, T, m, (v))
#define DB_FIELD_REAL(T, m) DB_FIELD_(DB_F_REAL, T, m, 0)
#define DB_FIELD_REAL_OR(T, m, v) DB_FIELD_(DB_F_REAL, T, m, (v))
#define DB_FIELD_TEXT(T, m) DB_FIELD_(DB_F_TEXT, T, m, 0)
#define DB_FIELD_STR(T, m) DB_FIELD_(DB_F_STR, T, m, 0)
#define DB_FIELD_CHARS(T, m) DB_FIELD_(DB_F_CHARS, T, m, 0)
/* clang-format off */
#define DB_FIELD_SKIP { DB_F_SKIP, 0, 0, 0 }
/* clang-format on */

struct db_rowspec {
	size_t size;		       /* sizeof the row struct */
	const struct db_field *fields; /* one per column, from column 0 */
	size_t nfields;
	enum eb_err (*finish)(struct db_stmt *st, void *row, struct arena *arena);
};

/* Declares a rowspec named name for rows of type T from a field list. */
#define DB_ROWSPEC(name, T, finish_fn, ...)                                                        \
	static const struct db_field name##_fields_[] = { __VA_ARGS__ };                           \
	static const struct db_rowspec name = { sizeof(T), name##_fields_,                         \
						sizeof name##_fields_ / sizeof name##_fields_[0],  \
						(finish_fn) }

/* Reads the current row into *row (zeroed first) by spec. Errors (EB_ENOMEM,
 * finish's) are also made the statement's, so a db_next loop may ignore the
 * result and check db_done once. */
enum eb_err db_read_row(struct db_stmt *st, const struct db_rowspec *spec, struct arena *arena,
			void *row);
/* Runs the query and reads its first row into *row. EB_ENOTFOUND when there
 * is none. arena may be NULL when spec copies no text into it. */
enum eb_err db_get_row(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		       const struct db_rowspec *spec, struct arena *arena, void *row);
/* Runs the query and reads every row into an array in arena: *rows (a
 * pointer to the row type, passed as its address) and *n. An empty result
 * gives *n = 0 and a valid (empty) array. Nothing is returned on error. */
enum eb_err db_get_rows(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
			const struct db_rowspec *spec, struct arena *arena, void *rows, size_t *n);

/* Calls fn(ctx, table) for each table that a statement prepared from now
 * on reads (SQLite's authorizer: once per column read, at prepare time), so
 * that a test can check that a cache's key covers everything a computation
 * depends on. Statements this connection prepared before are not seen: use
 * a connection opened for it. fn NULL stops. */
void db_trace_reads(struct db *db, void (*fn)(void *ctx, const char *table), void *ctx);

/* The rowid of the last successful INSERT on this connection. */
int64_t db_last_id(struct db *db);
/* SQLite's message for the connection's last error (for logs). */
const char *db_errmsg(struct db *db);
/* The schema version after migrations (highest applied number). */
int db_schema_version(struct db *db);

/* Whether a statement on db failed with EB_EUNAVAIL (the database could
 * not be reached: PostgreSQL down, restarting, the connection lost) since
 * the last call; the call clears it. The web server asks it after each
 * request so that a page that met an outage, whatever it made of the
 * error, is answered 503 with Retry-After (http_unavailable). A lost
 * connection reconnects by itself on a later statement outside a
 * transaction (inside one, every statement fails EB_EUNAVAIL until the
 * caller rolls back). Always false on SQLite. */
bool db_unavailable_take(struct db *db);

/* True when the connection answers a trivial query (health checks). */
bool db_ping(struct db *db);

/* Refreshes the query planner's statistics (ANALYZE). Call after a bulk
 * change such as a roster import: without statistics SQLite may scan a
 * district's whole enrollment table instead of using an index. */
enum eb_err db_analyze(struct db *db);

/* Online, consistent copy of the whole database into dest_path, which must
 * not exist (EB_EEXIST): one read transaction (VACUUM INTO; on PostgreSQL
 * pg_dump's custom-format archive, store/pg_tools.h), so writers on other
 * connections neither wait for it nor restart it. Written to
 * dest_path.partial-XXXXXX (mode 0600), fsynced, then linked to dest_path:
 * dest_path never names a partial copy. EB_EDB / EB_EIO with errmsg. */
enum eb_err db_backup(struct db *db, const char *dest_path, char *errmsg, size_t errcap);
/* Puts the backup at src_path (db_backup's: a SQLite file, or a pg_dump
 * archive for a postgresql:// db_path, restored by pg_restore in one
 * transaction) into the database at db_path, which must be empty (no file,
 * an empty file, or a PostgreSQL database without tables): EB_EEXIST
 * otherwise, unless force, which replaces what it holds. EB_EINVAL for
 * something that is not an edbridge backup of that backend, or one made by
 * a newer edbridge (a schema version above this binary's migrations); an
 * older one is brought up to date when next opened. The server must not be
 * running against db_path. */
enum eb_err db_restore(const char *db_path, const char *src_path, bool force, char *errmsg,
		       size_t errcap);

/* ---- read replicas (docs/scale.md) -----------------------------------
 *
 * A PostgreSQL connection may have a second, read-only connection beside it:
 * a hot standby of the same database (`serve --db-read URL`). Nothing above
 * the store changes its SQL or its handle: while db_read_from(db,
 * DB_READ_REPLICA) is in force, each statement that only reads (SELECT,
 * VALUES) and runs outside a write transaction, and db_begin_read's
 * snapshot, run on the replica; the first statement that writes, or
 * db_begin, turns the connection back to the primary until the next
 * db_read_from, so a request reads what it wrote. A replica that fails
 * (down, a statement cancelled by a recovery conflict) is left for the
 * primary: the statement runs again there, and the replica is tried again
 * 5 s later. On SQLite, and on a connection without a replica, these calls
 * change nothing: every statement runs on the one connection (the same
 * handle), so code that calls them is backward compatible.
 *
 * The web server (web/http.c) sets DB_READ_REPLICA for a GET or HEAD whose
 * user has no write the replica has not replayed yet (read-your-writes,
 * db_write_position / db_replica_caught_up), DB_READ_PRIMARY for every
 * other request. A page needs no call of its own; a GET handler that must
 * read what no other request could have replicated yet calls
 * db_read_from(req->db, DB_READ_PRIMARY) first. */
enum db_read_target { DB_READ_PRIMARY, DB_READ_REPLICA };

/* Opens url as db's read connection (read-only; application_name
 * edbridge-read). EB_EINVAL on SQLite or when db has one already; EB_EDB
 * when url is not at db's schema version (nothing kept); EB_EIO when it
 * cannot connect (errmsg without the URL's password): the replica is kept
 * all the same and tried again every 5 s, the primary reading meanwhile. */
enum eb_err db_open_replica(struct db *db, const char *url, char *errmsg, size_t errcap);
/* True when db has a read connection (up or not). False on SQLite. */
bool db_has_replica(struct db *db);
/* Where db's reads go from now on (see above); also clears db_wrote and
 * db_replica_reads. Changes nothing without a replica. */
void db_read_from(struct db *db, enum db_read_target target);
/* Statements (and snapshots) run on the replica since the last
 * db_read_from. 0 on SQLite. */
unsigned db_replica_reads(struct db *db);
/* True when a statement that writes ran through db since the last
 * db_read_from (a request that changed something). False on SQLite. */
bool db_wrote(struct db *db);
/* The primary's WAL position after everything committed so far
 * ("16/B374D848"), for a read-your-writes mark. EB_EINVAL on SQLite. */
enum eb_err db_write_position(struct db *db, char *out, size_t cap);
/* True when db's replica is up and has replayed position (a
 * db_write_position); false otherwise, also for a position that does not
 * parse. False on SQLite and without a replica. */
bool db_replica_caught_up(struct db *db, const char *position);

/* Raw handle for the rare module that needs SQLite specifics (store/ only);
 * NULL on PostgreSQL. */
struct sqlite3 *db_handle(struct db *db);

#endif
