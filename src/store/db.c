#include "store/db.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

enum eb_err db_begin_read(struct db *db)
{
	return sqlite3_exec(db->h, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ? EB_OK : EB_EDB;
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

/* ---- group commit (db.h) --------------------------------------------- */

/* The most jobs one transaction takes (bounds a group's latency), and the
 * most jobs db_write_submit lets wait (past it, callers write themselves). */
#define GROUP_MAX 32
#define QUEUE_MAX 128

static pthread_mutex_t group_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;	/* jobs queued */
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;	/* jobs finished */
static struct db_write *group_head, **group_tail = &group_head;
static int queued;
static bool writer_running;
static bool group_active;	/* the writer thread is inside a group */

/* Whether jobs x and y may share a transaction: the same file (read when
 * they were queued, on the caller's thread), or the same connection. */
static bool same_file(const struct db_write *x, const struct db_write *y)
{
	return x->db == y->db || (x->file[0] && !strcmp(x->file, y->file));
}

/* A file that a connection of the writer thread's own can be opened on. */
static bool has_own_file(struct db *db)
{
	const char *path = sqlite3_db_filename(db->h, "main");
	return path && path[0] && !sqlite3_db_readonly(db->h, "main");
}

/* The groups of a file are written through one connection of their own, not
 * the callers': in WAL mode a connection that sees another one's commit
 * drops its whole page cache, so writers taking turns on their own
 * connections would each start cold. One writer connection per file (a few
 * files at most: tests), found by path and checked against the file's inode,
 * so a file deleted and made again is not written through a stale
 * connection. Used only by the writer thread; closed at exit. */
#define GROUP_WRITERS 4
static struct group_writer {
	struct db *db;
	dev_t dev;
	ino_t ino;
	char *path;
} writers[GROUP_WRITERS];
static bool writers_atexit;

static void writers_close(void)
{
	db_write_drain(); /* at exit: queued work first, then the connections */
	for (int i = 0; i < GROUP_WRITERS; i++) {
		db_close(writers[i].db);
		free(writers[i].path);
		memset(&writers[i], 0, sizeof writers[i]);
	}
}

static struct db *writer_for(const char *path)
{
	struct stat sb;
	if (!path[0] || stat(path, &sb))
		return NULL;
	struct group_writer *w = NULL;
	for (int i = 0; i < GROUP_WRITERS && !w; i++)
		if (writers[i].path && !strcmp(writers[i].path, path))
			w = &writers[i];
	if (w && w->dev == sb.st_dev && w->ino == sb.st_ino)
		return w->db;
	if (!w) {
		/* a free slot, else the first one is replaced */
		w = &writers[0];
		for (int i = 0; i < GROUP_WRITERS; i++)
			if (!writers[i].path) {
				w = &writers[i];
				break;
			}
	}
	db_close(w->db);
	free(w->path);
	memset(w, 0, sizeof *w);
	struct db *nd;
	char *p = strdup(path);
	if (!p || db_open(path, 0, &nd, NULL, 0)) {
		free(p);
		return NULL;
	}
	/* the writer waits out a long lock (a refit storing, an import, another
	 * process) longer than a worker would: its callers are suspended
	 * requests, not blocked threads */
	sqlite3_busy_timeout(nd->h, 30000);
	*w = (struct group_writer){ nd, sb.st_dev, sb.st_ino, p };
	if (!writers_atexit)
		writers_atexit = atexit(writers_close) == 0;
	return nd;
}

/* One job in its own transaction. */
static enum eb_err write_alone(struct db *db, struct db_write *w)
{
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = w->fn(db, w->ctx);
	if (rc)
		db_rollback(db);
	else
		rc = db_commit(db);
	return rc;
}

/* Runs the jobs of list g (linked by next) on db; sets each one's rc. A
 * BEGIN that fails (the database stayed locked past the busy timeout) fails
 * the whole group at once rather than once per job. */
static void write_group(struct db *db, struct db_write *g)
{
	if (!g->next) {
		g->rc = write_alone(db, g);
		return;
	}
	enum eb_err rc = db_begin(db);
	if (rc) {
		for (struct db_write *w = g; w; w = w->next)
			w->rc = rc;
		return;
	}
	for (struct db_write *w = g; w && !rc; w = w->next)
		rc = w->fn(db, w->ctx);
	if (!rc)
		rc = db_commit(db);	/* rolls back itself when it fails */
	else
		db_rollback(db);
	for (struct db_write *w = g; w; w = w->next)
		w->rc = rc ? write_alone(db, w) : EB_OK;
}

/* Takes the first queued job and up to GROUP_MAX - 1 more on its file, in
 * queue order. Called with group_mu held and the queue not empty. */
static struct db_write *take_group(void)
{
	struct db_write *g = NULL, **gt = &g, **pp = &group_head, *first = group_head;
	int n = 0;
	while (*pp) {
		struct db_write *x = *pp;
		if (n < GROUP_MAX && same_file(x, first)) {
			*pp = x->next;
			x->next = NULL;
			*gt = x;
			gt = &x->next;
			n++;
		} else {
			pp = &x->next;
		}
	}
	group_tail = pp;
	queued -= n;
	return g;
}

/* The writer thread: one group at a time, for ever. A file it cannot open a
 * connection of its own on (in memory, read-only) is written through the
 * first job's connection: only db_write_grouped queues such jobs, and its
 * caller is blocked until the job is done, so the connection is idle. */
static void *writer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&group_mu);
	for (;;) {
		while (!group_head)
			pthread_cond_wait(&work_cv, &group_mu);
		struct db_write *g = take_group();
		group_active = true;
		pthread_mutex_unlock(&group_mu);
		struct db *wdb = writer_for(g->file);
		if (!wdb && !g->done_cb)
			wdb = g->db;
		if (wdb) {
			write_group(wdb, g);
		} else {
			for (struct db_write *x = g; x; x = x->next)
				x->rc = EB_EDB;
		}
		pthread_mutex_lock(&group_mu);
		for (struct db_write *x = g, *next; x; x = next) {
			next = x->next;
			if (x->done_cb) {
				/* x may be freed once the callback has it */
				pthread_mutex_unlock(&group_mu);
				x->done_cb(x->done_arg);
				pthread_mutex_lock(&group_mu);
			} else {
				x->finished = true;
			}
		}
		group_active = false;
		pthread_cond_broadcast(&done_cv);
	}
	return NULL;
}

/* After fork() only the calling thread exists: the child starts afresh
 * (its parent's writer connections are not touched, nor closed). */
static void group_atfork_child(void)
{
	pthread_mutex_init(&group_mu, NULL);
	pthread_cond_init(&work_cv, NULL);
	pthread_cond_init(&done_cv, NULL);
	group_head = NULL;
	group_tail = &group_head;
	queued = 0;
	writer_running = false;
	group_active = false;
	memset(writers, 0, sizeof writers);
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void atfork_init(void)
{
	pthread_atfork(NULL, NULL, group_atfork_child);
}

/* Queues w; starts the writer thread if need be. group_mu held. */
static enum eb_err enqueue(struct db *db, struct db_write *w)
{
	if (!writer_running) {
		pthread_t t;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		int e = pthread_create(&t, &at, writer_main, NULL);
		pthread_attr_destroy(&at);
		if (e)
			return EB_ENOMEM;
		writer_running = true;
	}
	w->db = db;
	w->file = has_own_file(db) ? sqlite3_db_filename(db->h, "main") : "";
	w->next = NULL;
	w->finished = false;
	w->rc = EB_OK;
	*group_tail = w;
	group_tail = &w->next;
	queued++;
	pthread_cond_signal(&work_cv);
	return EB_OK;
}

enum eb_err db_write_grouped(struct db *db, struct db_write *w)
{
	if (db_in_transaction(db))
		return w->rc = EB_EINVAL;
	pthread_once(&atfork_once, atfork_init);
	w->done_cb = NULL;
	pthread_mutex_lock(&group_mu);
	enum eb_err rc = enqueue(db, w);
	if (rc) {
		pthread_mutex_unlock(&group_mu);
		return w->rc = write_alone(db, w);	/* no thread: write here */
	}
	while (!w->finished)
		pthread_cond_wait(&done_cv, &group_mu);
	pthread_mutex_unlock(&group_mu);
	return w->rc;
}

void db_write_drain(void)
{
	pthread_mutex_lock(&group_mu);
	while (group_head || group_active)
		pthread_cond_wait(&done_cv, &group_mu);
	pthread_mutex_unlock(&group_mu);
}

void db_write_refuse_waiting(void)
{
	pthread_mutex_lock(&group_mu);
	struct db_write *w = group_head;
	group_head = NULL;
	group_tail = &group_head;
	queued = 0;
	while (w) {
		struct db_write *next = w->next;	/* w may be freed once done has it */
		w->rc = EB_EBUSY;
		if (w->done_cb) {
			pthread_mutex_unlock(&group_mu);
			w->done_cb(w->done_arg);
			pthread_mutex_lock(&group_mu);
		} else {
			w->finished = true;
		}
		w = next;
	}
	pthread_cond_broadcast(&done_cv);
	pthread_mutex_unlock(&group_mu);
}

enum eb_err db_write_submit(struct db *db, struct db_write *w, void (*done)(void *arg),
			    void *arg)
{
	if (db_in_transaction(db) || !has_own_file(db))
		return EB_EINVAL;
	pthread_once(&atfork_once, atfork_init);
	pthread_mutex_lock(&group_mu);
	enum eb_err rc = queued >= QUEUE_MAX ? EB_EBUSY : EB_OK;
	if (!rc) {
		w->done_cb = done;
		w->done_arg = arg;
		rc = enqueue(db, w);
	}
	pthread_mutex_unlock(&group_mu);
	return rc;
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
