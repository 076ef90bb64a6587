#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/str.h"
#include "store/db_pg.h"
#include "store/pg_tools.h"

#define STMT_CACHE 512

/* A statement between db_query and db_done belongs to its caller (held). */
struct db_stmt {
	sqlite3_stmt *st;
	struct dbpg_stmt *pg; /* instead of st on PostgreSQL */
	struct db *db;
	const char *sql; /* the cache key; NULL for a free slot */
	enum eb_err err; /* sticky: the first error since db_query */
	bool held;	 /* between db_query and db_done */
	bool ended;	 /* the last step found no more rows */
	bool uncached;	 /* freed by db_done */
};

#define DB_HOOKS 4
#define DB_ATTACH 4

struct db_hook {
	enum eb_err (*before_commit)(struct db *, void *);
	void (*on_rollback)(void *);
	void *ctx;
};

struct db {
	sqlite3 *h;
	struct dbpg *pg; /* instead of h on PostgreSQL (db_pg.h) */
	char *url;	 /* the URL it was opened with, on PostgreSQL */
	int schema_version;
	/* work registered for the open transaction (db_before_commit) */
	struct db_hook hooks[DB_HOOKS];
	int nhooks;
	/* objects of modules above the store that live with the connection */
	struct {
		const void *key;
		void *obj;
		void (*free_fn)(void *);
	} attached[DB_ATTACH];
	struct db_stmt cache[STMT_CACHE];
	/* db_trace_reads */
	void (*trace_fn)(void *ctx, const char *table);
	void *trace_ctx;
};

static int commit_guard(void *arg);
static void rollback_hooks(void *arg);

static void set_err(char *errmsg, size_t cap, const char *fmt, const char *a, const char *b)
{
	if (errmsg && cap)
		snprintf(errmsg, cap, fmt, a, b);
}

bool db_is_url(const char *path)
{
	return path &&
	       (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

bool db_is_pg(struct db *db)
{
	return db && db->pg;
}

void db_name_masked(const char *path, char *out, size_t cap)
{
	if (!cap)
		return;
	out[0] = '\0';
	if (!path)
		return;
	if (!db_is_url(path)) {
		str_copy(out, cap, path);
		return;
	}
	struct buf b = BUF_INIT;
	const char *p = strstr(path, "://") + 3;
	buf_put(&b, path, (size_t)(p - path));
	size_t auth = strcspn(p, "/?#");
	const char *at = memchr(p, '@', auth);
	const char *colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
	if (colon) {
		buf_put(&b, p, (size_t)(colon - p));
		buf_puts(&b, ":***");
		p = at;
	}
	/* a password=... parameter, in any case, up to the next & */
	while (*p) {
		if ((p[0] == '?' || p[0] == '&') && strncasecmp(p + 1, "password=", 9) == 0) {
			buf_put(&b, p, 10);
			buf_puts(&b, "***");
			p += 10;
			p += strcspn(p, "&#");
			continue;
		}
		buf_putc(&b, *p++);
	}
	str_copy(out, cap, buf_failed(&b) ? "postgresql://(hidden)" : buf_cstr(&b));
	buf_free(&b);
}

/* True when PRAGMA foreign_key_check finds no violation; else *err says
 * which table (sqlite3_malloc'ed, for the caller to free). */
static bool foreign_keys_hold(struct db *db, char **err)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db->h, "PRAGMA foreign_key_check", -1, &q, NULL) != SQLITE_OK) {
		*err = sqlite3_mprintf("foreign_key_check: %s", sqlite3_errmsg(db->h));
		return false;
	}
	bool ok = true;
	if (sqlite3_step(q) == SQLITE_ROW) {
		*err = sqlite3_mprintf("foreign key violated in table %s",
				       (const char *)sqlite3_column_text(q, 0));
		ok = false;
	}
	sqlite3_finalize(q);
	return ok;
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
			if (sqlite3_prepare_v2(db->h,
					       "SELECT 1 FROM schema_version WHERE version=?", -1,
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
		/* A migration that rebuilds a table says so with this marker: it runs
		 * with foreign keys off (a PRAGMA that is a no-op inside a transaction,
		 * hence before BEGIN) and they are checked before COMMIT, SQLite's
		 * documented procedure for changing a table's constraints. */
		bool fk_off = strstr(next->data, "-- edbridge: foreign_keys off") != NULL;
		if (fk_off)
			sqlite3_exec(db->h, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
		if (sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK ||
		    sqlite3_exec(db->h, next->data, NULL, NULL, &err) != SQLITE_OK ||
		    (fk_off && !foreign_keys_hold(db, &err))) {
			set_err(errmsg, cap, "migration %s: %s", next->path, err ? err : "?");
			sqlite3_free(err);
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
			if (fk_off)
				sqlite3_exec(db->h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
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
		bool committed = rc == SQLITE_DONE &&
				 sqlite3_exec(db->h, "COMMIT", NULL, NULL, &err) == SQLITE_OK;
		if (!committed) {
			set_err(errmsg, cap, "migration %s: %s", next->path, sqlite3_errmsg(db->h));
			sqlite3_free(err);
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
		}
		if (fk_off)
			sqlite3_exec(db->h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
		if (!committed)
			return EB_EDB;
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
	if (db_is_url(path)) {
		enum eb_err rc = dbpg_open(path, flags, &db->pg, errmsg, cap);
		if (!rc && !(flags & DB_OPEN_READONLY) && !(db->url = strdup(path))) {
			dbpg_close(db->pg);
			rc = EB_ENOMEM;
		}
		if (rc) {
			free(db);
			return rc;
		}
		*out = db;
		return EB_OK;
	}
	int oflags = SQLITE_OPEN_NOMUTEX;
	if (flags & DB_OPEN_READONLY)
		oflags |= SQLITE_OPEN_READONLY;
	else
		oflags |= SQLITE_OPEN_READWRITE |
			  ((flags & DB_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
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
					"PRAGMA journal_size_limit=67108864; PRAGMA mmap_size=0;";
	/* mmap_size=0: no memory-mapped reads. A connection that sees another's
	 * commit unmaps the whole file and faults it back in, page by page;
	 * with commits every few milliseconds (audited views, arriving data)
	 * that cost 3-4 ms of CPU per class page (docs/benchmarks.md). */
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
	if (!before_commit || !on_rollback || !db_in_transaction(db))
		return EB_EINVAL;
	if (db->nhooks >= DB_HOOKS)
		return EB_ETOOBIG;
	db->hooks[db->nhooks++] = (struct db_hook){ before_commit, on_rollback, ctx };
	return EB_OK;
}

enum eb_err db_attach(struct db *db, const void *key, void *obj, void (*free_fn)(void *))
{
	int slot = -1;
	for (int i = 0; i < DB_ATTACH; i++) {
		if (db->attached[i].key == key)
			return EB_EEXIST;
		if (!db->attached[i].key && slot < 0)
			slot = i;
	}
	if (!key || slot < 0)
		return key ? EB_ETOOBIG : EB_EINVAL;
	db->attached[slot].key = key;
	db->attached[slot].obj = obj;
	db->attached[slot].free_fn = free_fn;
	return EB_OK;
}

void *db_attached(struct db *db, const void *key)
{
	for (int i = 0; i < DB_ATTACH; i++)
		if (db->attached[i].key == key)
			return db->attached[i].obj;
	return NULL;
}

const char *db_file(struct db *db)
{
	if (db->pg)
		return ""; /* no file another connection of this process shares */
	const char *path = sqlite3_db_filename(db->h, "main");
	return path && path[0] && !sqlite3_db_readonly(db->h, "main") ? path : "";
}

const char *db_shared_name(struct db *db)
{
	return db->pg ? (db->url ? db->url : "") : db_file(db);
}

void db_set_busy_timeout(struct db *db, int ms)
{
	if (db->pg) {
		dbpg_set_lock_timeout(db->pg, ms);
		return;
	}
	sqlite3_busy_timeout(db->h, ms);
}

bool db_in_transaction(struct db *db)
{
	if (db->pg)
		return dbpg_in_transaction(db->pg);
	return !sqlite3_get_autocommit(db->h);
}

static int trace_authorizer(void *arg, int action, const char *a, const char *b, const char *c,
			    const char *d)
{
	struct db *db = arg;
	(void)b;
	(void)c;
	(void)d;
	if (action == SQLITE_READ && a && db->trace_fn)
		db->trace_fn(db->trace_ctx, a);
	return SQLITE_OK;
}

void db_trace_reads(struct db *db, void (*fn)(void *ctx, const char *table), void *ctx)
{
	db->trace_fn = fn;
	db->trace_ctx = ctx;
	if (db->pg)
		return; /* PostgreSQL has no authorizer: nothing is reported */
	sqlite3_set_authorizer(db->h, fn ? trace_authorizer : NULL, fn ? db : NULL);
}

void db_close(struct db *db)
{
	if (!db)
		return;
	db_rollback(db);
	rollback_hooks(db);
	/* after the rollback hooks: they may still use an attached object */
	for (int i = 0; i < DB_ATTACH; i++)
		if (db->attached[i].key && db->attached[i].free_fn)
			db->attached[i].free_fn(db->attached[i].obj);
	for (int i = 0; i < STMT_CACHE; i++) {
		if (db->cache[i].st)
			sqlite3_finalize(db->cache[i].st);
		dbpg_finalize(db->cache[i].pg);
	}
	free(db->url);
	if (db->pg)
		dbpg_close(db->pg);
	else
		sqlite3_close(db->h);
	free(db);
}

enum eb_err db_exec(struct db *db, const char *sql)
{
	if (db->pg) {
		/* a COMMIT around db_commit would lose registered work: refused,
		 * as SQLite's commit hook turns it into a rollback */
		if (db->nhooks > 0 &&
		    (strncasecmp(sql, "COMMIT", 6) == 0 || strncasecmp(sql, "END", 3) == 0)) {
			db_rollback(db);
			return EB_EDB;
		}
		return dbpg_exec(db->pg, sql);
	}
	char *err = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_error("db: %s", err ? err : sqlite3_errmsg(db->h));
		sqlite3_free(err);
		return EB_EDB;
	}
	return EB_OK;
}

bool db_set_statement_guard(struct db *db, bool on)
{
	return db->pg ? dbpg_set_statement_guard(db->pg, on) : true;
}

bool db_unavailable_take(struct db *db)
{
	return db->pg && dbpg_unavailable_take(db->pg);
}

bool db_ping(struct db *db)
{
	int64_t one = 0;
	return db_get_int(db, "SELECT 1", DB_NOARGS, &one) == EB_OK && one == 1;
}

enum eb_err db_analyze(struct db *db)
{
	return db_exec(db, "ANALYZE");
}

enum eb_err db_begin(struct db *db)
{
	/* the database's write lock, as SQLite's BEGIN IMMEDIATE: writers of a
	 * database take turns (a read-check-write such as the sign-in
	 * throttle stays atomic under READ COMMITTED) */
	if (db->pg)
		return dbpg_exec(db->pg, "BEGIN; SELECT pg_advisory_xact_lock(7301880428)");
	return sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? EB_OK
										     : EB_EDB;
}

enum eb_err db_begin_read(struct db *db)
{
	/* one snapshot for the series of reads, as SQLite's deferred BEGIN */
	if (db->pg)
		return dbpg_begin_read(db->pg);
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
	if (db->pg) {
		/* EB_EUNAVAIL when the connection went: not committed (or, when
		 * it went while COMMIT was on its way, not known to be) */
		rc = dbpg_exec(db->pg, "COMMIT");
		if (rc || dbpg_in_transaction(db->pg)) {
			db_rollback(db);
			return rc ? rc : EB_EDB;
		}
		return EB_OK;
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
	if (db->pg) {
		/* no rollback hook in libpq: the registered work is void here */
		dbpg_rollback(db->pg);
		rollback_hooks(db);
		return;
	}
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- statements ------------------------------------------------------ */

/* The statement cache: open addressing on the SQL text's address. A slot
 * holds one prepared statement; `held` says a caller has it between
 * db_query and db_done. A held statement is never reset, rebound or
 * finalized by anyone else: a second run of the same SQL while the first is
 * open gets a statement of its own, and a full cache evicts only a statement
 * nobody holds (or, when every slot in reach is held, hands out an uncached
 * one that db_done finalizes). */
static size_t cache_slot(const char *sql)
{
	uintptr_t h = (uintptr_t)sql;
	h ^= h >> 17;
	h *= 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 40) % STMT_CACHE;
}

/* EDBRIDGE_SQL_LOG=FILE: every statement the store prepares, one a line,
 * appended (the SQL as the domain wrote it, before any translation, newlines
 * as spaces; never a parameter's value). Off when unset. For the Citus query
 * check (tests/http/test_citus_rules.py, docs/scale.md). */
static pthread_once_t sql_log_once = PTHREAD_ONCE_INIT;
static int sql_log_fd = -1;

static void sql_log_open(void)
{
	const char *path = getenv("EDBRIDGE_SQL_LOG");
	if (path && *path)
		sql_log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

static void sql_log(const char *sql)
{
	pthread_once(&sql_log_once, sql_log_open);
	if (sql_log_fd < 0)
		return;
	struct buf b = BUF_INIT;
	for (const char *p = sql; *p; p++)
		buf_putc(&b, *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
	buf_putc(&b, '\n');
	/* one write of the whole line: O_APPEND keeps lines whole */
	if (!buf_failed(&b) && write(sql_log_fd, buf_cstr(&b), b.len) < 0)
		log_warn("db: EDBRIDGE_SQL_LOG: %s", strerror(errno));
	buf_free(&b);
}

static sqlite3_stmt *prepare_raw(struct db *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_error("db: prepare: %s in: %.200s", sqlite3_errmsg(db->h), sql);
		return NULL;
	}
	return st;
}

/* A statement of its own for a run the cache cannot take. */
static enum eb_err stmt_uncached(struct db *db, const char *sql, struct db_stmt **out)
{
	struct db_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return EB_ENOMEM;
	sql_log(sql);
	if (db->pg ? !(s->pg = dbpg_prepare(db->pg, sql)) : !(s->st = prepare_raw(db, sql))) {
		free(s);
		return EB_EDB;
	}
	s->db = db;
	s->uncached = true;
	s->held = true;
	*out = s;
	return EB_OK;
}

static enum eb_err stmt_get(struct db *db, const char *sql, struct db_stmt **out)
{
	size_t home = cache_slot(sql), i = home;
	struct db_stmt *victim = NULL;
	for (size_t probe = 0; probe < STMT_CACHE; probe++, i = (i + 1) % STMT_CACHE) {
		struct db_stmt *c = &db->cache[i];
		if (c->sql == sql) {
			if (c->held)
				return stmt_uncached(db, sql, out);
			c->held = true;
			c->err = EB_OK;
			*out = c;
			return EB_OK;
		}
		if (!c->sql) {
			victim = c;
			break;
		}
	}
	if (!victim) {
		/* full: the first statement in probe order that nobody is stepping;
		 * replacing a slot in place keeps every other entry's probe chain */
		i = home;
		for (size_t probe = 0; probe < STMT_CACHE; probe++, i = (i + 1) % STMT_CACHE) {
			struct db_stmt *c = &db->cache[i];
			if (!c->held && !(c->pg ? dbpg_busy(c->pg) : sqlite3_stmt_busy(c->st))) {
				victim = c;
				break;
			}
		}
		if (!victim)
			return stmt_uncached(db, sql, out);
	}
	sql_log(sql);
	if (db->pg) {
		struct dbpg_stmt *p = dbpg_prepare(db->pg, sql);
		if (!p)
			return EB_EDB;
		dbpg_finalize(victim->pg);
		*victim = (struct db_stmt){ .pg = p, .db = db, .sql = sql, .held = true };
		*out = victim;
		return EB_OK;
	}
	sqlite3_stmt *st = prepare_raw(db, sql);
	if (!st)
		return EB_EDB;
	if (victim->st)
		sqlite3_finalize(victim->st);
	*victim = (struct db_stmt){ .st = st, .db = db, .sql = sql, .held = true };
	*out = victim;
	return EB_OK;
}

static enum eb_err bind_args(struct db_stmt *s, const struct db_arg *args, size_t nargs)
{
	if (s->pg)
		return dbpg_bind(s->pg, args, nargs);
	for (size_t k = 0; k < nargs; k++) {
		const struct db_arg *a = &args[k];
		int idx = (int)k + 1, rc = SQLITE_OK;
		switch (a->type) {
		case DB_ARG_INT:
			rc = sqlite3_bind_int64(s->st, idx, a->v.i);
			break;
		case DB_ARG_REAL:
			rc = sqlite3_bind_double(s->st, idx, a->v.d);
			break;
		case DB_ARG_TEXT:
			rc = a->v.p ? sqlite3_bind_text(s->st, idx, a->v.p, a->n, SQLITE_TRANSIENT)
				    : sqlite3_bind_null(s->st, idx);
			break;
		case DB_ARG_BLOB:
			rc = sqlite3_bind_blob(s->st, idx, a->v.p, a->n, SQLITE_TRANSIENT);
			break;
		case DB_ARG_NULL:
			rc = sqlite3_bind_null(s->st, idx);
			break;
		}
		if (rc != SQLITE_OK) {
			log_error("db: bind ?%d: %s in: %.200s", idx, sqlite3_errstr(rc),
				  sqlite3_sql(s->st));
			return rc == SQLITE_NOMEM ? EB_ENOMEM : EB_EDB;
		}
	}
	return EB_OK;
}

enum eb_err db_query(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		     struct db_stmt **out)
{
	*out = NULL;
	struct db_stmt *s;
	enum eb_err rc = stmt_get(db, sql, &s);
	if (rc)
		return rc;
	if ((rc = bind_args(s, args, nargs))) {
		db_done(s);
		return rc;
	}
	*out = s;
	return EB_OK;
}

/* The eb_err for a failed step; constraint failures keep their kind. */
static enum eb_err step_error(struct db_stmt *s, int rc)
{
	if (rc == SQLITE_CONSTRAINT) {
		int ext = sqlite3_extended_errcode(s->db->h);
		return (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			       ? EB_EEXIST
			       : EB_EINVAL;
	}
	if (rc == SQLITE_NOMEM)
		return EB_ENOMEM;
	log_error("db: %s in: %.200s", sqlite3_errmsg(s->db->h), sqlite3_sql(s->st));
	return EB_EDB;
}

bool db_next(struct db_stmt *s)
{
	if (s->err || s->ended)
		return false;
	if (s->pg) {
		int r = dbpg_step(s->pg);
		if (r == 1)
			return true;
		s->ended = true;
		if (r < 0)
			s->err = (enum eb_err) - r;
		return false;
	}
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return true;
	s->ended = true;
	if (rc != SQLITE_DONE)
		s->err = step_error(s, rc);
	return false;
}

void db_fail(struct db_stmt *s, enum eb_err rc)
{
	if (!s->err)
		s->err = rc;
}

enum eb_err db_done(struct db_stmt *s)
{
	if (!s)
		return EB_OK;
	enum eb_err rc = s->err;
	if (s->uncached) {
		if (s->pg)
			dbpg_finalize(s->pg);
		else
			sqlite3_finalize(s->st);
		free(s);
		return rc;
	}
	if (s->pg) {
		dbpg_reset(s->pg);
	} else {
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
	}
	s->held = false;
	s->ended = false;
	s->err = EB_OK;
	return rc;
}

enum eb_err db_execute(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		       int *changes)
{
	struct db_stmt *s;
	enum eb_err rc = db_query(db, sql, args, nargs, &s);
	if (rc)
		return rc;
	if (s->pg && !changes && dbpg_sendable(s->pg)) {
		/* in a group commit's unguarded transaction on PostgreSQL: sent
		 * without waiting, its outcome read by the next statement that
		 * waits (db_set_statement_guard) */
		rc = dbpg_send(s->pg);
		db_done(s);
		return rc;
	}
	while (db_next(s))
		; /* a RETURNING clause's rows, if any, are not wanted */
	rc = db_done(s);
	if (!rc && changes)
		*changes = db->pg ? dbpg_changes(db->pg) : sqlite3_changes(db->h);
	return rc;
}

enum eb_err db_execute_sum(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
			   long *sum)
{
	struct db_stmt *s;
	enum eb_err rc = db_query(db, sql, args, nargs, &s);
	if (rc)
		return rc;
	if (s->pg && dbpg_sendable(s->pg)) {
		rc = dbpg_send_sum(s->pg, sum);
		db_done(s);
		return rc;
	}
	while (db_next(s))
		;
	rc = db_done(s);
	if (!rc)
		*sum += db->pg ? dbpg_changes(db->pg) : sqlite3_changes(db->h);
	return rc;
}

enum eb_err db_flush(struct db *db)
{
	return db->pg ? dbpg_flush(db->pg) : EB_OK;
}

enum eb_err db_get_int(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		       int64_t *out)
{
	struct db_stmt *s;
	enum eb_err rc = db_query(db, sql, args, nargs, &s);
	if (rc)
		return rc;
	bool row = db_next(s);
	if (row)
		*out = db_col_int(s, 0);
	rc = db_done(s);
	return rc ? rc : row ? EB_OK : EB_ENOTFOUND;
}

int64_t db_col_int(struct db_stmt *s, int col)
{
	if (s->pg)
		return dbpg_col_int(s->pg, col);
	return sqlite3_column_int64(s->st, col);
}

double db_col_double(struct db_stmt *s, int col)
{
	if (s->pg)
		return dbpg_col_double(s->pg, col);
	return sqlite3_column_double(s->st, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
	if (s->pg)
		return dbpg_col_text(s->pg, col);
	return (const char *)sqlite3_column_text(s->st, col);
}

int db_col_bytes(struct db_stmt *s, int col)
{
	if (s->pg)
		return dbpg_col_bytes(s->pg, col);
	return sqlite3_column_bytes(s->st, col);
}

const void *db_col_blob(struct db_stmt *s, int col)
{
	if (s->pg)
		return dbpg_col_blob(s->pg, col);
	return sqlite3_column_blob(s->st, col);
}

bool db_col_is_null(struct db_stmt *s, int col)
{
	if (s->pg)
		return dbpg_col_is_null(s->pg, col);
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

char *db_col_dup(struct db_stmt *s, int col, struct arena *arena)
{
	const char *t = db_col_text(s, col);
	if (!t)
		return NULL;
	char *c = arena_strndup(arena, t, (size_t)db_col_bytes(s, col));
	if (!c)
		db_fail(s, EB_ENOMEM);
	return c;
}

char *db_col_str(struct db_stmt *s, int col, struct arena *arena)
{
	char *c = db_col_dup(s, col, arena);
	return c ? c : (char *)"";
}

void db_col_copy(struct db_stmt *s, int col, char *dst, size_t cap)
{
	if (!cap)
		return;
	const char *t = db_col_text(s, col);
	size_t n = t ? (size_t)db_col_bytes(s, col) : 0;
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
			n--; /* never half a character */
	}
	if (n)
		memcpy(dst, t, n);
	dst[n] = '\0';
}

/* Stores an integer of the member's width. */
static void put_int(void *p, size_t size, int64_t v)
{
	switch (size) {
	case 1: {
		uint8_t x = (uint8_t)v;
		memcpy(p, &x, 1);
		break;
	}
	case 2: {
		uint16_t x = (uint16_t)v;
		memcpy(p, &x, 2);
		break;
	}
	case 4: {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, 4);
		break;
	}
	default:
		memcpy(p, &v, 8);
		break;
	}
}

enum eb_err db_read_row(struct db_stmt *s, const struct db_rowspec *spec, struct arena *arena,
			void *row)
{
	memset(row, 0, spec->size);
	for (size_t i = 0; i < spec->nfields; i++) {
		const struct db_field *f = &spec->fields[i];
		char *p = (char *)row + f->offset;
		int col = (int)i;
		/* SQLite reads NULL as 0 and 0.0 by itself: the type is asked only
		 * where NULL reads as something else */
		bool null = (f->kind == DB_F_INT || f->kind == DB_F_REAL) && f->null_value != 0 &&
			    db_col_is_null(s, col);
		switch (f->kind) {
		case DB_F_SKIP:
			break;
		case DB_F_INT:
			put_int(p, f->size, null ? (int64_t)f->null_value : db_col_int(s, col));
			break;
		case DB_F_REAL: {
			double d = null ? f->null_value : db_col_double(s, col);
			memcpy(p, &d, sizeof d);
			break;
		}
		case DB_F_TEXT:
		case DB_F_STR: {
			char *t = f->kind == DB_F_TEXT ? db_col_dup(s, col, arena)
						       : db_col_str(s, col, arena);
			memcpy(p, &t, sizeof t);
			break;
		}
		case DB_F_CHARS:
			db_col_copy(s, col, p, f->size);
			break;
		}
	}
	if (!s->err && spec->finish) {
		enum eb_err rc = spec->finish(s, row, arena);
		if (rc)
			db_fail(s, rc);
	}
	return s->err;
}

enum eb_err db_get_row(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
		       const struct db_rowspec *spec, struct arena *arena, void *row)
{
	struct db_stmt *s;
	enum eb_err rc = db_query(db, sql, args, nargs, &s);
	if (rc)
		return rc;
	bool found = db_next(s);
	if (found)
		db_read_row(s, spec, arena, row);
	rc = db_done(s);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

enum eb_err db_get_rows(struct db *db, const char *sql, const struct db_arg *args, size_t nargs,
			const struct db_rowspec *spec, struct arena *arena, void *rows, size_t *n)
{
	struct db_stmt *s;
	enum eb_err rc = db_query(db, sql, args, nargs, &s);
	if (rc)
		return rc;
	size_t cap = 0, k = 0;
	char *arr = NULL;
	while (db_next(s)) {
		char *g = arena_grow(arena, arr, k, &cap, spec->size, 16);
		if (!g) {
			db_fail(s, EB_ENOMEM);
			break;
		}
		arr = g;
		if (db_read_row(s, spec, arena, arr + k * spec->size))
			break;
		k++;
	}
	if (!arr && !s->err && !(arr = arena_alloc(arena, spec->size)))
		db_fail(s, EB_ENOMEM); /* a valid empty array */
	if ((rc = db_done(s)))
		return rc;
	memcpy(rows, &arr, sizeof arr);
	*n = k;
	return EB_OK;
}

int64_t db_last_id(struct db *db)
{
	if (db->pg)
		return dbpg_last_id(db->pg);
	return sqlite3_last_insert_rowid(db->h);
}

const char *db_errmsg(struct db *db)
{
	if (db->pg)
		return dbpg_errmsg(db->pg);
	return sqlite3_errmsg(db->h);
}

int db_schema_version(struct db *db)
{
	if (db->pg)
		return dbpg_schema_version(db->pg);
	return db->schema_version;
}

enum eb_err db_open_replica(struct db *db, const char *url, char *errmsg, size_t cap)
{
	if (!db->pg)
		return eb_say(errmsg, cap, EB_EINVAL,
			      "a read replica needs PostgreSQL (--db postgresql://...)");
	if (!url || !db_is_url(url))
		return eb_say(errmsg, cap, EB_EINVAL,
			      "the read replica must be a postgresql:// URL");
	return dbpg_open_replica(db->pg, url, errmsg, cap);
}

void db_read_from(struct db *db, enum db_read_target target)
{
	if (db->pg)
		dbpg_read_from(db->pg, target == DB_READ_REPLICA);
}

bool db_has_replica(struct db *db)
{
	return db->pg && dbpg_has_replica(db->pg);
}

unsigned db_replica_reads(struct db *db)
{
	return db->pg ? dbpg_replica_reads(db->pg) : 0;
}

bool db_wrote(struct db *db)
{
	return db->pg && dbpg_wrote(db->pg);
}

enum eb_err db_write_position(struct db *db, char *out, size_t cap)
{
	if (!db->pg)
		return EB_EINVAL;
	return dbpg_write_position(db->pg, out, cap);
}

bool db_replica_caught_up(struct db *db, const char *position)
{
	return db->pg && dbpg_replica_caught_up(db->pg, position);
}

struct sqlite3 *db_handle(struct db *db)
{
	if (db->pg)
		return NULL;
	return db->h;
}

/* Restore's copy: the whole source in one step, so one read transaction on
 * it and one write transaction on the destination (the restore is all or
 * nothing). */
static enum eb_err copy_db(sqlite3 *from, sqlite3 *to, char *errmsg, size_t cap)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	if (!b) {
		set_err(errmsg, cap, "backup: %s%s", sqlite3_errmsg(to), "");
		return EB_EDB;
	}
	int rc;
	do {
		rc = sqlite3_backup_step(b, -1);
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

/* Flushes the file or directory at path to stable storage. */
static int backup_sync(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

/* The backup is written by VACUUM INTO under one read transaction, so writers
 * on other connections neither wait for it nor restart it (the step-wise
 * online backup restarted on every commit by another connection and never
 * finished under ingest load): its time is proportional to the database's
 * size. It goes to DEST.partial-XXXXXX (mode 0600) in DEST's directory, is
 * fsynced, then linked to DEST, which never exists half-written: a backup
 * killed midway leaves only the .partial file (and its -journal), never a
 * file at DEST. */
enum eb_err db_backup(struct db *db, const char *dest, char *errmsg, size_t cap)
{
	char tmp[4096], journal[4200];
	if (!dest || !*dest || strlen(dest) > sizeof tmp - 32) {
		set_err(errmsg, cap, "%s: %s", dest ? dest : "", "not a usable file name");
		return EB_EINVAL;
	}
	if (access(dest, F_OK) == 0) {
		set_err(errmsg, cap, "%s: %s", dest, "already exists; choose a new file name");
		return EB_EEXIST;
	}
	snprintf(tmp, sizeof tmp, "%s.partial-XXXXXX", dest);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		set_err(errmsg, cap, "%s: %s", dest, strerror(errno));
		return EB_EIO;
	}
	close(fd);
	snprintf(journal, sizeof journal, "%s-journal", tmp);
	enum eb_err rc = EB_OK;
	if (db->pg) {
		/* pg_dump: one snapshot of its own (a custom-format archive) */
		rc = pgtools_dump(db->url, tmp, errmsg, cap);
	} else {
		sqlite3_stmt *st = NULL;
		int src = sqlite3_prepare_v2(db->h, "VACUUM main INTO ?1", -1, &st, NULL);
		if (src == SQLITE_OK)
			src = sqlite3_bind_text(st, 1, tmp, -1, SQLITE_STATIC);
		if (src == SQLITE_OK)
			src = sqlite3_step(st);
		if (src != SQLITE_DONE) {
			set_err(errmsg, cap, "backup: %s%s", sqlite3_errmsg(db->h), "");
			rc = EB_EDB;
		}
		sqlite3_finalize(st);
	}
	if (!rc && backup_sync(tmp, O_RDONLY) != 0) {
		set_err(errmsg, cap, "%s: %s", tmp, strerror(errno));
		rc = EB_EIO;
	}
	/* link, not rename: never replaces a DEST created meanwhile */
	if (!rc && link(tmp, dest) != 0) {
		int e = errno;
		if (e == EEXIST) {
			set_err(errmsg, cap, "%s: %s", dest,
				"already exists; choose a new file name");
			rc = EB_EEXIST;
		} else if ((e == EPERM || e == ENOTSUP || e == EXDEV || e == EMLINK) &&
			   access(dest, F_OK) != 0 && rename(tmp, dest) == 0) {
			/* a file system without hard links */
		} else {
			set_err(errmsg, cap, "%s: %s", dest, strerror(e));
			rc = EB_EIO;
		}
	}
	unlink(tmp);
	unlink(journal);
	if (!rc) {
		char dir[4096];
		const char *slash = strrchr(dest, '/');
		if (!slash)
			str_copy(dir, sizeof dir, ".");
		else if (slash == dest)
			str_copy(dir, sizeof dir, "/");
		else
			snprintf(dir, sizeof dir, "%.*s", (int)(slash - dest), dest);
		/* the file itself is on disk; only its name might not survive a
		 * power cut, which is worth a warning, not a failed backup */
		if (backup_sync(dir, O_RDONLY | O_DIRECTORY) != 0)
			log_warn("backup: %s: could not sync the directory: %s", dir,
				 strerror(errno));
	}
	return rc;
}

/* The highest migration number this binary has. */
static int latest_migration(void)
{
	static const char prefix[] = "src/store/migrations/";
	int best = 0;
	for (const struct embed_file *f = embed_files; f->path; f++) {
		if (strncmp(f->path, prefix, sizeof prefix - 1) != 0)
			continue;
		const char *base = f->path + sizeof prefix - 1;
		char num[8] = { 0 };
		size_t k = 0;
		while (k < 7 && base[k] >= '0' && base[k] <= '9') {
			num[k] = base[k];
			k++;
		}
		int64_t no;
		if (!cstr_to_i64(num, 1, 999999, &no) && no > best)
			best = (int)no;
	}
	return best;
}

static enum eb_err newer_backup(const char *src, int version, char *errmsg, size_t cap)
{
	return eb_say(errmsg, cap, EB_EINVAL,
		      "%s: made by a newer edbridge (schema version %d; this one knows up to %d): "
		      "restore it with that version",
		      src, version, latest_migration());
}

static enum eb_err not_empty(const char *shown, const char *what, char *errmsg, size_t cap)
{
	return eb_say(errmsg, cap, EB_EEXIST,
		      "%s: not empty (%s); restore into an empty database, or pass --force to "
		      "replace what it holds",
		      shown, what);
}

/* restore on PostgreSQL: a pg_dump archive, through pg_restore */
static enum eb_err restore_pg(const char *url, const char *src, bool force, char *errmsg,
			      size_t cap)
{
	char shown[512];
	db_name_masked(url, shown, sizeof shown);
	if (access(src, R_OK) != 0)
		return eb_say(errmsg, cap, EB_EIO, "%s: %s", src, strerror(errno));
	if (!pgtools_is_archive(src))
		return eb_say(errmsg, cap, EB_EINVAL,
			      "%s: not an edbridge backup of a PostgreSQL database (pg_dump's "
			      "archive); a SQLite database goes to PostgreSQL with `edbridge "
			      "migrate`",
			      src);
	int version;
	enum eb_err rc = pgtools_archive_version(src, &version, errmsg, cap);
	if (rc)
		return rc;
	if (version > latest_migration())
		return newer_backup(src, version, errmsg, cap);
	int64_t tables = 0;
	if ((rc = pgtools_table_count(url, &tables, errmsg, cap)))
		return rc;
	if (tables && !force) {
		char what[64];
		snprintf(what, sizeof what, "%lld tables", (long long)tables);
		return not_empty(shown, what, errmsg, cap);
	}
	return pgtools_restore(url, src, tables > 0, errmsg, cap);
}

enum eb_err db_restore(const char *db_path, const char *src, bool force, char *errmsg, size_t cap)
{
	sqlite3 *from, *to;
	if (db_is_url(db_path))
		return restore_pg(db_path, src, force, errmsg, cap);
	struct stat st;
	if (!force && stat(db_path, &st) == 0 && st.st_size > 0)
		return not_empty(db_path, "a database file", errmsg, cap);
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
	int version = ok ? sqlite3_column_int(q, 0) : 0;
	if (q)
		sqlite3_finalize(q);
	if (!ok) {
		set_err(errmsg, cap, "%s: %s", src, "not an edbridge backup (no schema_version)");
		sqlite3_close(from);
		return EB_EINVAL;
	}
	if (version > latest_migration()) {
		sqlite3_close(from);
		return newer_backup(src, version, errmsg, cap);
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
