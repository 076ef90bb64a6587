#include "store/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/log.h"
#include "base/str.h"

#define STMT_CACHE 512

struct db_stmt {
	sqlite3_stmt *st;
	struct db *db;
};

#define DB_HOOKS 4

struct db_hook {
	enum eb_err (*before_commit)(struct db *, void *);
	void (*on_rollback)(void *);
	void *ctx;
};

struct db {
	sqlite3 *h;
	int schema_version;
	/* work registered for the open transaction (db_before_commit) */
	struct db_hook hooks[DB_HOOKS];
	int nhooks;
	struct {
		const char *sql;
		struct db_stmt stmt;
	} cache[STMT_CACHE];
};

static int commit_guard(void *arg);
static void rollback_hooks(void *arg);

static void set_err(char *errmsg, size_t cap, const char *fmt, const char *a, const char *b)
{
	if (errmsg && cap)
		snprintf(errmsg, cap, fmt, a, b);
}

/* Applies every embedded src/store/migrations/NNN_name.sql whose number is
 * above the stored schema_version, each in its own transaction. */
static enum eb_err db_migrate(struct db *db, char *errmsg, size_t cap)
{
	char *err = NULL;
	if (sqlite3_exec(db->h,
			 "CREATE TABLE IF NOT EXISTS schema_version("
			 " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
			 " applied_at INTEGER NOT NULL) STRICT",
			 NULL, NULL, &err) != SQLITE_OK) {
		set_err(errmsg, cap, "schema_version: %s%s", err, "");
		sqlite3_free(err);
		return EB_EDB;
	}
	static const char prefix[] = "src/store/migrations/";
	int applied_max = 0;
	for (;;) {
		/* the smallest migration number not yet recorded: a migration merged
		 * after a higher-numbered one still gets applied */
		const struct embed_file *next = NULL;
		int next_no = 0;
		for (const struct embed_file *f = embed_files; f->path; f++) {
			if (strncmp(f->path, prefix, sizeof prefix - 1) != 0)
				continue;
			const char *base = f->path + sizeof prefix - 1;
			int64_t no;
			char num[8] = { 0 };
			size_t k = 0;
			while (k < 7 && base[k] >= '0' && base[k] <= '9') {
				num[k] = base[k];
				k++;
			}
			if (cstr_to_i64(num, 1, 999999, &no) || no <= applied_max)
				continue;
			if (next && no >= next_no)
				continue;
			sqlite3_stmt *q;
			int seen = 0;
			if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM schema_version WHERE version=?", -1,
					       &q, NULL) == SQLITE_OK) {
				sqlite3_bind_int(q, 1, (int)no);
				seen = sqlite3_step(q) == SQLITE_ROW;
				sqlite3_finalize(q);
			}
			if (!seen) {
				next = f;
				next_no = (int)no;
			}
		}
		if (!next)
			break;
		if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db->h, next->data, NULL, NULL, &err) != SQLITE_OK) {
			set_err(errmsg, cap, "migration %s: %s", next->path, err ? err : "?");
			sqlite3_free(err);
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
			return EB_EDB;
		}
		sqlite3_stmt *ins;
		sqlite3_prepare_v2(db->h,
				   "INSERT INTO schema_version(version,name,applied_at)"
				   " VALUES(?,?,unixepoch())",
				   -1, &ins, NULL);
		sqlite3_bind_int(ins, 1, next_no);
		sqlite3_bind_text(ins, 2, next->path + sizeof prefix - 1, -1, SQLITE_STATIC);
		int rc = sqlite3_step(ins);
		sqlite3_finalize(ins);
		if (rc != SQLITE_DONE || sqlite3_exec(db->h, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
			set_err(errmsg, cap, "migration %s: %s", next->path, sqlite3_errmsg(db->h));
			sqlite3_free(err);
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
			return EB_EDB;
		}
		applied_max = next_no - 1;
	}
	sqlite3_stmt *q;
	db->schema_version = 0;
	if (sqlite3_prepare_v2(db->h, "SELECT coalesce(max(version),0) FROM schema_version", -1, &q,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			db->schema_version = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	return EB_OK;
}

enum eb_err db_open(const char *path, int flags, struct db **out, char *errmsg, size_t cap)
{
	*out = NULL;
	struct db *db = calloc(1, sizeof *db);
	if (!db)
		return EB_ENOMEM;
	int oflags = SQLITE_OPEN_NOMUTEX;
	if (flags & DB_OPEN_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE | ((flags & DB_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db->h, oflags, NULL) != SQLITE_OK) {
		set_err(errmsg, cap, "%s: %s", path, db->h ? sqlite3_errmsg(db->h) : "cannot open");
		sqlite3_close(db->h);
		free(db);
		return EB_EIO;
	}
	sqlite3_busy_timeout(db->h, 10000);
	sqlite3_commit_hook(db->h, commit_guard, db);
	sqlite3_rollback_hook(db->h, rollback_hooks, db);
	sqlite3_extended_result_codes(db->h, 0);
	char *err = NULL;
	const char *pragmas = (flags & DB_OPEN_READONLY)
				      ? "PRAGMA foreign_keys=ON;"
				      : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
					"PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
					"PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8192;"
					"PRAGMA journal_size_limit=67108864; PRAGMA mmap_size=268435456;";
	if (sqlite3_exec(db->h, pragmas, NULL, NULL, &err) != SQLITE_OK) {
		set_err(errmsg, cap, "%s: %s", path, err ? err : "pragma failed");
		sqlite3_free(err);
		sqlite3_close(db->h);
		free(db);
		return EB_EIO;
	}
	if (!(flags & DB_OPEN_READONLY)) {
		enum eb_err rc = db_migrate(db, errmsg, cap);
		if (rc) {
			sqlite3_close(db->h);
			free(db);
			return rc;
		}
	}
	*out = db;
	return EB_OK;
}

/* SQLite's commit hook: a COMMIT that did not go through db_commit while
 * registered work is pending would lose that work, so it is turned into a
 * rollback (the transaction fails instead of committing half of itself). */
static int commit_guard(void *arg)
{
	struct db *db = arg;
	return db->nhooks > 0;
}

/* Every rollback of the connection's transaction (db_rollback, a failed
 * COMMIT, SQLite's own automatic rollback): the registered work is void. */
static void rollback_hooks(void *arg)
{
	struct db *db = arg;
	int n = db->nhooks;
	db->nhooks = 0;
	for (int i = 0; i < n; i++)
		db->hooks[i].on_rollback(db->hooks[i].ctx);
}

enum eb_err db_before_commit(struct db *db, enum eb_err (*before_commit)(struct db *, void *),
			     void (*on_rollback)(void *), void *ctx)
{
	if (!before_commit || !on_rollback || sqlite3_get_autocommit(db->h))
		return EB_EINVAL;
	if (db->nhooks >= DB_HOOKS)
		return EB_ETOOBIG;
	db->hooks[db->nhooks++] = (struct db_hook){ before_commit, on_rollback, ctx };
	return EB_OK;
}

bool db_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	db_rollback(db);
	rollback_hooks(db);
	for (int i = 0; i < STMT_CACHE; i++)
		if (db->cache[i].stmt.st)
			sqlite3_finalize(db->cache[i].stmt.st);
	sqlite3_close(db->h);
	free(db);
}

enum eb_err db_exec(struct db *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("db: %s", err ? err : sqlite3_errmsg(db->h));
		sqlite3_free(err);
		return EB_EDB;
	}
	return EB_OK;
}

bool db_ping(struct db *db)
{
	struct db_stmt *st;
	if (db_prepare(db, "SELECT 1", &st))
		return false;
	bool ok = db_step(st) == DB_ROW;
	db_reset(st);
	return ok;
}

enum eb_err db_analyze(struct db *db)
{
	return db_exec(db, "ANALYZE");
}

enum eb_err db_begin(struct db *db)
{
	return sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? EB_OK
										    : EB_EDB;
}

enum eb_err db_before_commit_run(struct db *db)
{
	/* each hook is taken off before it runs, so it runs once */
	while (db->nhooks > 0) {
		struct db_hook h = db->hooks[0];
		memmove(&db->hooks[0], &db->hooks[1], (size_t)(db->nhooks - 1) * sizeof h);
		db->nhooks--;
		enum eb_err rc = h.before_commit(db, h.ctx);
		if (rc) {
			log_error("db: before-commit work failed: %s", eb_strerror(rc));
			h.on_rollback(h.ctx);
			return rc;
		}
	}
	return EB_OK;
}

enum eb_err db_commit(struct db *db)
{
	/* registered work first, through this connection, inside the transaction */
	enum eb_err rc = db_before_commit_run(db);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if (sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		log_error("db: commit: %s", sqlite3_errmsg(db->h));
		db_rollback(db);
		return EB_EDB;
	}
	return EB_OK;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

enum eb_err db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 40) % STMT_CACHE;
	for (size_t probe = 0; probe < STMT_CACHE; probe++, i = (i + 1) % STMT_CACHE) {
		if (db->cache[i].sql == sql) {
			sqlite3_reset(db->cache[i].stmt.st);
			sqlite3_clear_bindings(db->cache[i].stmt.st);
			*out = &db->cache[i].stmt;
			return EB_OK;
		}
		if (!db->cache[i].sql)
			break;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_error("db: prepare: %s in: %.200s", sqlite3_errmsg(db->h), sql);
		return EB_EDB;
	}
	if (db->cache[i].sql) {
		/* cache full: fall back to a statement slot we overwrite (rare) */
		sqlite3_finalize(db->cache[i].stmt.st);
	}
	db->cache[i].sql = sql;
	db->cache[i].stmt.st = st;
	db->cache[i].stmt.db = db;
	*out = &db->cache[i].stmt;
	return EB_OK;
}

void db_bind_int(struct db_stmt *s, int idx, int64_t v)
{
	sqlite3_bind_int64(s->st, idx, v);
}

void db_bind_double(struct db_stmt *s, int idx, double v)
{
	sqlite3_bind_double(s->st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *p, int n)
{
	if (!p)
		sqlite3_bind_null(st->st, idx);
	else
		sqlite3_bind_text(st->st, idx, p, n, SQLITE_TRANSIENT);
}

void db_bind_blob(struct db_stmt *s, int idx, const void *p, int n)
{
	sqlite3_bind_blob(s->st, idx, p, n, SQLITE_TRANSIENT);
}

const void *db_col_blob(struct db_stmt *s, int col)
{
	return sqlite3_column_blob(s->st, col);
}

void db_bind_null(struct db_stmt *s, int idx)
{
	sqlite3_bind_null(s->st, idx);
}

int db_step(struct db_stmt *s)
{
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return -1;
}

enum eb_err db_run(struct db_stmt *s)
{
	int rc = sqlite3_step(s->st);
	enum eb_err out = EB_OK;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		out = EB_OK;
	} else if (rc == SQLITE_CONSTRAINT) {
		int ext = sqlite3_extended_errcode(s->db->h);
		out = (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			      ? EB_EEXIST
			      : EB_EINVAL;
	} else {
		log_error("db: %s", sqlite3_errmsg(s->db->h));
		out = EB_EDB;
	}
	sqlite3_reset(s->st);
	return out;
}

int64_t db_col_int(struct db_stmt *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

double db_col_double(struct db_stmt *s, int col)
{
	return sqlite3_column_double(s->st, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->st, col);
}

int db_col_bytes(struct db_stmt *s, int col)
{
	return sqlite3_column_bytes(s->st, col);
}

bool db_col_is_null(struct db_stmt *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

void db_reset(struct db_stmt *s)
{
	sqlite3_reset(s->st);
}

int64_t db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}

const char *db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

int db_schema_version(struct db *db)
{
	return db->schema_version;
}

struct sqlite3 *db_handle(struct db *db)
{
	return db->h;
}

static enum eb_err copy_db(sqlite3 *from, sqlite3 *to, char *errmsg, size_t cap)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b) {
		set_err(errmsg, cap, "backup: %s%s", sqlite3_errmsg(to), "");
		return EB_EDB;
	}
	int rc;
	/* Copy in steps so writers are blocked only briefly; a write between
	 * steps restarts the copy, which keeps the result consistent. */
	do {
		rc = sqlite3_backup_step(b, 1024);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(5);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		set_err(errmsg, cap, "backup: %s%s", sqlite3_errstr(rc), "");
		return EB_EDB;
	}
	return EB_OK;
}

enum eb_err db_backup(struct db *db, const char *dest, char *errmsg, size_t cap)
{
	sqlite3 *to;
	if (access(dest, F_OK) == 0) {
		set_err(errmsg, cap, "%s: %s", dest, "already exists; choose a new file name");
		return EB_EEXIST;
	}
	if (sqlite3_open_v2(dest, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		set_err(errmsg, cap, "%s: %s", dest, sqlite3_errmsg(to));
		sqlite3_close(to);
		return EB_EIO;
	}
	enum eb_err rc = copy_db(db->h, to, errmsg, cap);
	if (!rc)
		sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(to);
	if (rc)
		unlink(dest);
	return rc;
}

enum eb_err db_restore(const char *db_path, const char *src, char *errmsg, size_t cap)
{
	sqlite3 *from, *to;
	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		set_err(errmsg, cap, "%s: %s", src, sqlite3_errmsg(from));
		sqlite3_close(from);
		return EB_EIO;
	}
	/* refuse anything that is not an edbridge database */
	sqlite3_stmt *q;
	int ok = sqlite3_prepare_v2(from, "SELECT max(version) FROM schema_version", -1, &q,
				    NULL) == SQLITE_OK &&
		 sqlite3_step(q) == SQLITE_ROW;
	if (q)
		sqlite3_finalize(q);
	if (!ok) {
		set_err(errmsg, cap, "%s: %s", src, "not an edbridge backup (no schema_version)");
		sqlite3_close(from);
		return EB_EINVAL;
	}
	if (sqlite3_open_v2(db_path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		set_err(errmsg, cap, "%s: %s", db_path, sqlite3_errmsg(to));
		sqlite3_close(from);
		sqlite3_close(to);
		return EB_EIO;
	}
	sqlite3_busy_timeout(to, 10000);
	enum eb_err rc = copy_db(from, to, errmsg, cap);
	sqlite3_close(from);
	sqlite3_close(to);
	return rc;
}
