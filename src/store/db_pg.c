/* The PostgreSQL backend of the store (db_pg.h). */
#define _GNU_SOURCE /* strcasestr */
#include "store/db_pg.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/embed.h"
#include "base/log.h"
#include "base/str.h"
#include "store/sql_dialect.h"

/* PostgreSQL's type oids the store reads or declares */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701

struct dbpg {
	PGconn *conn;
	int schema_version;
	int changes;
	unsigned next_name; /* prepared statements are named s1, s2, ... */
	char errmsg[512];
};

struct dbpg_stmt {
	struct dbpg *pg;
	char *sql;  /* translated */
	bool write; /* changes rows: runs under a savepoint inside a transaction */
	int nparams;
	char name[16];
	bool prepared;
	/* the arguments of the next run */
	int nargs, cap;
	char **values;
	int *lengths, *formats;
	Oid *types;
	char (*nums)[32];
	/* the run's result */
	PGresult *res;
	int row, nrows;
	bool ran;
	/* BYTEA columns of the current row, decoded on first read */
	unsigned char **blobs;
	size_t *blob_len;
	int nblobs;
};

static void ignore_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* The first line of libpq's message, for a log or an error line. */
static void first_line(char *dst, size_t cap, const char *msg)
{
	size_t n = strcspn(msg ? msg : "", "\n");
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, msg ? msg : "", n);
	dst[n] = '\0';
}

static bool run_ok(PGconn *c, const char *sql, char *err, size_t cap)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok && err)
		first_line(err, cap, PQresultErrorMessage(r));
	PQclear(r);
	return ok;
}

/* The migration file for number no: pg/NNN_*.sql where one exists, else
 * the shared NNN_*.sql (translated by the caller). */
static const struct embed_file *migration_file(int no, bool *hand)
{
	static const char prefix[] = "src/store/migrations/";
	const struct embed_file *shared = NULL;
	for (const struct embed_file *f = embed_files; f->path; f++) {
		if (strncmp(f->path, prefix, sizeof prefix - 1) != 0)
			continue;
		const char *base = f->path + sizeof prefix - 1;
		bool pg = strncmp(base, "pg/", 3) == 0;
		if (pg)
			base += 3;
		char num[8] = { 0 };
		size_t k = 0;
		while (k < 7 && base[k] >= '0' && base[k] <= '9') {
			num[k] = base[k];
			k++;
		}
		int64_t n;
		if (base[k] != '_' || cstr_to_i64(num, 1, 999999, &n) || n != no)
			continue;
		if (pg) {
			*hand = true;
			return f;
		}
		shared = f;
	}
	*hand = false;
	return shared;
}

/* Every migration number, ascending, above after (0 when none). */
static int next_migration_no(int after)
{
	static const char prefix[] = "src/store/migrations/";
	int best = 0;
	for (const struct embed_file *f = embed_files; f->path; f++) {
		if (strncmp(f->path, prefix, sizeof prefix - 1) != 0)
			continue;
		const char *base = f->path + sizeof prefix - 1;
		if (strncmp(base, "pg/", 3) == 0)
			continue; /* a pg file replaces a shared one of its number */
		char num[8] = { 0 };
		size_t k = 0;
		while (k < 7 && base[k] >= '0' && base[k] <= '9') {
			num[k] = base[k];
			k++;
		}
		int64_t n;
		if (cstr_to_i64(num, 1, 999999, &n) || n <= after)
			continue;
		if (!best || n < best)
			best = (int)n;
	}
	return best;
}

static bool migration_applied(PGconn *c, int no)
{
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT 1 FROM schema_version WHERE version=%d", no);
	PGresult *r = PQexec(c, sql);
	bool seen = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
	PQclear(r);
	return seen;
}

/* A migration that rebuilds a table (marked "-- edbridge: foreign_keys
 * off" for SQLite: create x_new, copy, DROP TABLE x, rename x_new to x):
 * PostgreSQL refuses to drop a table others reference, so each DROP TABLE
 * gets CASCADE and the foreign keys it took away are put back after the
 * script, by name, on the renamed table (same transaction). *fixups gets
 * the ALTER TABLE statements to run after it. */
static enum eb_err rebuild_fixups(PGconn *c, char **sql, struct buf *fixups)
{
	struct buf out = BUF_INIT;
	const char *p = *sql;
	for (;;) {
		const char *d = strcasestr(p, "DROP TABLE ");
		if (!d)
			break;
		const char *name = d + 11;
		if (strncasecmp(name, "IF EXISTS ", 10) == 0)
			name += 10;
		size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_");
		buf_put(&out, p, (size_t)(name - p) + n);
		buf_puts(&out, " CASCADE");
		p = name + n;
		if (!n || n > 63)
			continue;
		char q[400];
		snprintf(q, sizeof q,
			 "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
			 " FROM pg_constraint WHERE contype='f' AND confrelid=to_regclass('%.*s')"
			 " AND conrelid<>confrelid",
			 (int)n, name);
		PGresult *r = PQexec(c, q);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			PQclear(r);
			buf_free(&out);
			return EB_EDB;
		}
		for (int i = 0; i < PQntuples(r); i++)
			buf_printf(fixups, "ALTER TABLE %s ADD CONSTRAINT %s %s;\n",
				   PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
		PQclear(r);
	}
	buf_puts(&out, p);
	if (buf_failed(&out) || buf_failed(fixups)) {
		buf_free(&out);
		return EB_ENOMEM;
	}
	free(*sql);
	*sql = buf_detach(&out, NULL);
	return EB_OK;
}

/* Identity columns continue after the highest id a migration copied in
 * (PostgreSQL's sequence does not move for explicit values, SQLite's rowid
 * does). */
static const char identity_sync[] =
	"DO $eb$ DECLARE r record; BEGIN"
	" FOR r IN SELECT table_name, column_name FROM information_schema.columns"
	"  WHERE table_schema = current_schema() AND is_identity = 'YES' LOOP"
	"  EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, %L),"
	"   coalesce(max(%I), 0) + 1, false) FROM %I', r.table_name, r.column_name,"
	"   r.column_name, r.table_name);"
	" END LOOP; END $eb$";

/* The same numbered migrations as SQLite's, each in its own transaction,
 * under an advisory lock so that connections opened together (a server's
 * workers) apply each once. */
static enum eb_err migrate(struct dbpg *pg, char *errmsg, size_t cap)
{
	char err[400] = "";
	enum eb_err rc = EB_OK;
	if (!run_ok(pg->conn, "SELECT pg_advisory_lock(7301880427)", err, sizeof err)) {
		snprintf(errmsg, cap, "migrations: %s", err);
		return EB_EDB;
	}
	/* SQLite's COLLATE NOCASE (logins, tool names): equal regardless of
	 * case, in comparisons and unique constraints */
	if (!run_ok(pg->conn,
		    "CREATE COLLATION IF NOT EXISTS nocase (provider = icu,"
		    " locale = 'und-u-ks-level2', deterministic = false)",
		    err, sizeof err)) {
		snprintf(errmsg, cap, "collation nocase: %s", err);
		rc = EB_EDB;
		goto out;
	}
	/* sum(a < b): SQLite sums comparisons as integers; NULL for no rows */
	if (!run_ok(pg->conn,
		    "CREATE OR REPLACE FUNCTION eb_sum_bool(bigint, boolean) RETURNS bigint"
		    " LANGUAGE sql IMMUTABLE AS"
		    " 'SELECT CASE WHEN $2 IS NULL THEN $1 ELSE coalesce($1, 0) + $2::int END';"
		    "CREATE OR REPLACE AGGREGATE sum(boolean) (sfunc = eb_sum_bool, stype = "
		    "bigint)",
		    err, sizeof err)) {
		snprintf(errmsg, cap, "sum(boolean): %s", err);
		rc = EB_EDB;
		goto out;
	}
	if (!run_ok(pg->conn,
		    "CREATE TABLE IF NOT EXISTS schema_version(version BIGINT PRIMARY KEY,"
		    " name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
		    err, sizeof err)) {
		snprintf(errmsg, cap, "schema_version: %s", err);
		rc = EB_EDB;
		goto out;
	}
	for (int no = next_migration_no(0); no; no = next_migration_no(no)) {
		if (migration_applied(pg->conn, no))
			continue;
		bool hand;
		const struct embed_file *f = migration_file(no, &hand);
		char *sql = NULL;
		/* a hand-written pg/ file is read with the same translation */
		rc = sql_to_pg(f->data, &sql, NULL, err, sizeof err);
		if (rc) {
			snprintf(errmsg, cap, "migration %s: %s", f->path,
				 rc == EB_ENOMEM ? "out of memory" : err);
			goto out;
		}
		struct buf fixups = BUF_INIT;
		if (strstr(f->data, "-- edbridge: foreign_keys off") &&
		    (rc = rebuild_fixups(pg->conn, &sql, &fixups))) {
			free(sql);
			buf_free(&fixups);
			snprintf(errmsg, cap, "migration %s: cannot read its foreign keys",
				 f->path);
			goto out;
		}
		const char *slash = strrchr(f->path, '/');
		char ins[256];
		snprintf(ins, sizeof ins,
			 "INSERT INTO schema_version(version,name,applied_at) VALUES(%d,'%.120s',"
			 "CAST(extract(epoch FROM now()) AS BIGINT))",
			 no, slash ? slash + 1 : f->path);
		bool ok = run_ok(pg->conn, "BEGIN", err, sizeof err) &&
			  run_ok(pg->conn, sql, err, sizeof err) &&
			  (!fixups.len || run_ok(pg->conn, buf_cstr(&fixups), err, sizeof err)) &&
			  (!strcasestr(f->data, "INSERT") ||
			   run_ok(pg->conn, identity_sync, err, sizeof err)) &&
			  run_ok(pg->conn, ins, err, sizeof err) &&
			  run_ok(pg->conn, "COMMIT", err, sizeof err);
		free(sql);
		buf_free(&fixups);
		if (!ok) {
			run_ok(pg->conn, "ROLLBACK", NULL, 0);
			snprintf(errmsg, cap, "migration %s%s: %s", f->path,
				 hand ? "" : " (translated for PostgreSQL)", err);
			rc = EB_EDB;
			goto out;
		}
	}
	PGresult *r = PQexec(pg->conn, "SELECT coalesce(max(version),0) FROM schema_version");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		pg->schema_version = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
out:
	run_ok(pg->conn, "SELECT pg_advisory_unlock(7301880427)", NULL, 0);
	return rc;
}

enum eb_err dbpg_open(const char *url, int flags, struct dbpg **out, char *errmsg, size_t cap)
{
	char shown[512], why[400];
	db_name_masked(url, shown, sizeof shown);
	*out = NULL;
	struct dbpg *pg = calloc(1, sizeof *pg);
	if (!pg)
		return EB_ENOMEM;
	pg->conn = PQconnectdb(url);
	if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK) {
		first_line(why, sizeof why, pg->conn ? PQerrorMessage(pg->conn) : "out of memory");
		if (errmsg && cap)
			snprintf(errmsg, cap, "%s: cannot connect to PostgreSQL: %s", shown, why);
		PQfinish(pg->conn);
		free(pg);
		return EB_EIO;
	}
	PQsetNoticeProcessor(pg->conn, ignore_notice, NULL);
	if (!run_ok(pg->conn, "SET client_min_messages=warning", why, sizeof why) ||
	    ((flags & DB_OPEN_READONLY) &&
	     !run_ok(pg->conn, "SET default_transaction_read_only=on", why, sizeof why))) {
		if (errmsg && cap)
			snprintf(errmsg, cap, "%s: %s", shown, why);
		PQfinish(pg->conn);
		free(pg);
		return EB_EIO;
	}
	if (!(flags & DB_OPEN_READONLY)) {
		char merr[480] = "";
		enum eb_err rc = migrate(pg, merr, sizeof merr);
		if (rc) {
			if (errmsg && cap)
				snprintf(errmsg, cap, "%s: %s", shown, merr);
			PQfinish(pg->conn);
			free(pg);
			return rc;
		}
	} else {
		PGresult *r =
			PQexec(pg->conn, "SELECT coalesce(max(version),0) FROM schema_version");
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			pg->schema_version = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	}
	*out = pg;
	return EB_OK;
}

void dbpg_close(struct dbpg *pg)
{
	if (!pg)
		return;
	PQfinish(pg->conn);
	free(pg);
}

enum eb_err dbpg_exec(struct dbpg *pg, const char *sql)
{
	char *t = NULL, err[256] = "";
	enum eb_err rc = sql_to_pg(sql, &t, NULL, err, sizeof err);
	if (rc) {
		log_error("db: %s", rc == EB_ENOMEM ? "out of memory" : err);
		return rc;
	}
	PGresult *r = PQexec(pg->conn, t);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		first_line(pg->errmsg, sizeof pg->errmsg, PQresultErrorMessage(r));
		log_error("db: %s in: %.200s", pg->errmsg, t);
		rc = EB_EDB;
	}
	PQclear(r);
	free(t);
	return rc;
}

bool dbpg_in_transaction(struct dbpg *pg)
{
	return PQtransactionStatus(pg->conn) != PQTRANS_IDLE;
}

int dbpg_schema_version(struct dbpg *pg)
{
	return pg->schema_version;
}

const char *dbpg_errmsg(struct dbpg *pg)
{
	if (!pg->errmsg[0])
		first_line(pg->errmsg, sizeof pg->errmsg, PQerrorMessage(pg->conn));
	return pg->errmsg;
}

int dbpg_changes(struct dbpg *pg)
{
	return pg->changes;
}

void dbpg_set_lock_timeout(struct dbpg *pg, int ms)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SET lock_timeout=%d", ms);
	run_ok(pg->conn, sql, NULL, 0);
}

/* lastval(): the identity the session's last INSERT took. Inside a
 * transaction under a savepoint: an error (no INSERT yet) must not abort
 * the caller's transaction. */
int64_t dbpg_last_id(struct dbpg *pg)
{
	bool tx = dbpg_in_transaction(pg);
	if (tx && !run_ok(pg->conn, "SAVEPOINT eb_lastval", NULL, 0))
		return 0;
	PGresult *r = PQexec(pg->conn, "SELECT lastval()");
	int64_t id = 0;
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok)
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (tx)
		run_ok(pg->conn,
		       ok ? "RELEASE SAVEPOINT eb_lastval"
			  : "ROLLBACK TO SAVEPOINT eb_lastval; RELEASE SAVEPOINT eb_lastval",
		       NULL, 0);
	return id;
}

/* ---- statements ------------------------------------------------------ */

static bool first_word_is(const char *s, const char *w)
{
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '(')
		s++;
	size_t n = strlen(w);
	return strncasecmp(s, w, n) == 0 &&
	       !((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') || s[n] == '_');
}

/* SQLite takes ON CONFLICT DO UPDATE without a conflict target (any
 * uniqueness); PostgreSQL wants one: the table's primary key, read from the
 * catalog once per statement and connection. *sql is replaced. */
static enum eb_err conflict_target(struct dbpg *pg, char **sql)
{
	char *oc = strcasestr(*sql, "ON CONFLICT DO UPDATE");
	const char *ins = strcasestr(*sql, "INSERT INTO ");
	if (!oc || !ins || ins > oc)
		return EB_OK;
	const char *name = ins + 12;
	while (*name == ' ')
		name++;
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_");
	if (!n || n > 63)
		return EB_OK;
	char q[512];
	snprintf(q, sizeof q,
		 "SELECT string_agg(quote_ident(a.attname), ',' ORDER BY k.i)"
		 " FROM pg_index x CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(att, i)"
		 " JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.att"
		 " WHERE x.indrelid = to_regclass('%.*s') AND x.indisprimary",
		 (int)n, name);
	PGresult *r = PQexec(pg->conn, q);
	enum eb_err rc = EB_OK;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
		struct buf b = BUF_INIT;
		buf_put(&b, *sql, (size_t)(oc - *sql) + 12); /* "ON CONFLICT " */
		buf_printf(&b, "(%s) ", PQgetvalue(r, 0, 0));
		buf_puts(&b, oc + 12);
		if (buf_failed(&b)) {
			rc = EB_ENOMEM;
		} else {
			free(*sql);
			*sql = buf_detach(&b, NULL);
		}
		buf_free(&b);
	}
	PQclear(r);
	return rc;
}

struct dbpg_stmt *dbpg_prepare(struct dbpg *pg, const char *sql)
{
	struct dbpg_stmt *st = calloc(1, sizeof *st);
	char err[256] = "";
	if (!st)
		return NULL;
	if (sql_to_pg(sql, &st->sql, &st->nparams, err, sizeof err)) {
		log_error("db: prepare: %s in: %.200s", err[0] ? err : "out of memory", sql);
		free(st);
		return NULL;
	}
	if (conflict_target(pg, &st->sql)) {
		free(st->sql);
		free(st);
		return NULL;
	}
	st->pg = pg;
	st->write = !first_word_is(st->sql, "SELECT") && !first_word_is(st->sql, "VALUES");
	snprintf(st->name, sizeof st->name, "s%u", ++pg->next_name);
	return st;
}

static void clear_blobs(struct dbpg_stmt *st)
{
	for (int i = 0; i < st->nblobs; i++) {
		PQfreemem(st->blobs[i]);
		st->blobs[i] = NULL;
	}
}

void dbpg_reset(struct dbpg_stmt *st)
{
	clear_blobs(st);
	PQclear(st->res);
	st->res = NULL;
	st->ran = false;
	st->row = -1;
	st->nrows = 0;
	st->nargs = 0;
}

void dbpg_finalize(struct dbpg_stmt *st)
{
	if (!st)
		return;
	dbpg_reset(st);
	if (st->prepared && PQstatus(st->pg->conn) == CONNECTION_OK &&
	    PQtransactionStatus(st->pg->conn) != PQTRANS_INERROR) {
		char sql[40];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
		run_ok(st->pg->conn, sql, NULL, 0);
	}
	free(st->blobs);
	free(st->blob_len);
	for (int i = 0; i < st->cap; i++)
		if (st->formats && st->values[i] && st->values[i] != st->nums[i])
			free(st->values[i]);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->types);
	free(st->nums);
	free(st->sql);
	free(st);
}

bool dbpg_busy(struct dbpg_stmt *st)
{
	return st->ran;
}

static enum eb_err prepare_now(struct dbpg_stmt *st);

static enum eb_err grow_args(struct dbpg_stmt *st, int n)
{
	if (n <= st->cap)
		return EB_OK;
	char **v = realloc(st->values, (size_t)n * sizeof *v);
	if (v)
		st->values = v;
	int *l = realloc(st->lengths, (size_t)n * sizeof *l);
	if (l)
		st->lengths = l;
	int *f = realloc(st->formats, (size_t)n * sizeof *f);
	if (f)
		st->formats = f;
	Oid *t = realloc(st->types, (size_t)n * sizeof *t);
	if (t)
		st->types = t;
	char(*nums)[32] = realloc(st->nums, (size_t)n * sizeof *nums);
	if (nums)
		st->nums = nums;
	if (!v || !l || !f || !t || !nums)
		return EB_ENOMEM;
	for (int i = st->cap; i < n; i++) {
		st->values[i] = NULL;
		st->formats[i] = 0;
	}
	st->cap = n;
	return EB_OK;
}

enum eb_err dbpg_bind(struct dbpg_stmt *st, const struct db_arg *args, size_t nargs)
{
	int n = (int)nargs > st->nparams ? (int)nargs : st->nparams;
	if (grow_args(st, n))
		return EB_ENOMEM;
	for (int i = 0; i < n; i++) {
		if (st->values[i] && st->values[i] != st->nums[i])
			free(st->values[i]);
		st->values[i] = NULL;
		st->lengths[i] = 0;
		st->formats[i] = 0;
		const struct db_arg *a = i < (int)nargs ? &args[i] : NULL;
		Oid type = i < st->nparams ? 0 : OID_TEXT; /* an argument no $N names */
		if (!a || a->type == DB_ARG_NULL || (a->type == DB_ARG_TEXT && !a->v.p)) {
			st->types[i] = type;
			continue;
		}
		switch (a->type) {
		case DB_ARG_INT:
			snprintf(st->nums[i], sizeof st->nums[i], "%lld", (long long)a->v.i);
			st->values[i] = st->nums[i];
			type = OID_INT8;
			break;
		case DB_ARG_REAL:
			snprintf(st->nums[i], sizeof st->nums[i], "%.17g", a->v.d);
			st->values[i] = st->nums[i];
			type = OID_FLOAT8;
			break;
		case DB_ARG_TEXT: {
			size_t len = a->n < 0 ? strlen(a->v.p) : (size_t)a->n;
			char *c = malloc(len + 1);
			if (!c)
				return EB_ENOMEM;
			memcpy(c, a->v.p, len);
			c[len] = '\0';
			st->values[i] = c;
			break;
		}
		case DB_ARG_BLOB: {
			char *c = malloc(a->n > 0 ? (size_t)a->n : 1);
			if (!c)
				return EB_ENOMEM;
			if (a->n > 0)
				memcpy(c, a->v.p, (size_t)a->n);
			st->values[i] = c;
			st->lengths[i] = a->n;
			st->formats[i] = 1;
			type = OID_BYTEA;
			break;
		}
		case DB_ARG_NULL:
			break;
		}
		st->types[i] = type;
	}
	st->nargs = n;
	/* prepared now, with these arguments' types: a statement that does not
	 * prepare fails in db_query, as on SQLite */
	return st->prepared ? EB_OK : prepare_now(st);
}

static const char *sqlstate(const PGresult *r)
{
	const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return s ? s : "";
}

/* The N of PostgreSQL's "could not determine data type of parameter $N"
 * (1-based), or 0. */
static int undetermined_param(const char *msg)
{
	const char *p = strstr(msg, "could not determine data type of parameter $");
	int n = 0;
	if (!p)
		return 0;
	for (p += strlen("could not determine data type of parameter $");
	     *p >= '0' && *p <= '9' && n < 100000; p++)
		n = n * 10 + (*p - '0');
	return n;
}

/* Prepares on first use with the first run's argument types; when
 * PostgreSQL cannot take them (an int8 compared with text) or cannot infer
 * a type (a text parameter only tested IS NULL), again with the types left
 * to it, then with text (or the run's type) for each parameter it names as
 * undetermined, one at a time, so that a NULL parameter it can type from
 * its other uses (coalesce(?15, an_integer_column)) keeps that type; last,
 * with text for all the unknown ones. */
static enum eb_err prepare_now(struct dbpg_stmt *st)
{
	Oid *types = st->types;
	Oid *alt = NULL;
	int undetermined = 0;
	for (int attempt = 0; attempt < st->nargs + 3; attempt++) {
		if (attempt == 1) {
			alt = malloc((size_t)(st->nargs ? st->nargs : 1) * sizeof *alt);
			if (!alt)
				return EB_ENOMEM;
			for (int i = 0; i < st->nargs; i++)
				alt[i] = st->types[i] == OID_BYTEA ? OID_BYTEA
					 : i < st->nparams	   ? 0
								   : OID_TEXT;
			types = alt;
		} else if (attempt > 1) {
			int u = undetermined;
			if (u >= 1 && u <= st->nargs && !alt[u - 1]) {
				alt[u - 1] = st->types[u - 1] ? st->types[u - 1] : OID_TEXT;
			} else {
				bool changed = false;
				for (int i = 0; i < st->nargs; i++)
					if (!alt[i]) {
						alt[i] = st->types[i] ? st->types[i] : OID_TEXT;
						changed = true;
					}
				if (!changed)
					break;
			}
		}
		/* inside a transaction a failed prepare would abort it: under a
		 * savepoint (once per statement and connection) */
		bool tx = PQtransactionStatus(st->pg->conn) == PQTRANS_INTRANS;
		if (tx && !run_ok(st->pg->conn, "SAVEPOINT eb_prepare", NULL, 0))
			break;
		PGresult *r = PQprepare(st->pg->conn, st->name, st->sql, st->nargs, types);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (tx)
			run_ok(st->pg->conn,
			       ok ? "RELEASE SAVEPOINT eb_prepare"
				  : "ROLLBACK TO SAVEPOINT eb_prepare; RELEASE SAVEPOINT "
				    "eb_prepare",
			       NULL, 0);
		const char *state = sqlstate(r);
		bool retry = !ok && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0 ||
				     strcmp(state, "42883") == 0 || strcmp(state, "42804") == 0);
		if (!ok) {
			first_line(st->pg->errmsg, sizeof st->pg->errmsg, PQresultErrorMessage(r));
			undetermined = undetermined_param(st->pg->errmsg);
		}
		PQclear(r);
		if (ok) {
			free(alt);
			st->prepared = true;
			return EB_OK;
		}
		if (!retry)
			break;
	}
	free(alt);
	log_error("db: prepare: %s in: %.300s", st->pg->errmsg, st->sql);
	return EB_EDB;
}

static enum eb_err result_error(struct dbpg_stmt *st, const PGresult *r)
{
	const char *state = sqlstate(r);
	first_line(st->pg->errmsg, sizeof st->pg->errmsg, PQresultErrorMessage(r));
	if (strncmp(state, "23", 2) == 0)
		return strcmp(state, "23505") == 0 ? EB_EEXIST : EB_EINVAL;
	/* a value a column cannot take (text in a number, out of range): what
	 * SQLite's STRICT tables refuse as a constraint */
	if (st->write && strncmp(state, "22", 2) == 0)
		return EB_EINVAL;
	log_error("db: %s (SQLSTATE %s) in: %.300s", st->pg->errmsg, state, st->sql);
	return EB_EDB;
}

/* Runs the statement with its arguments; a write inside a transaction under
 * a savepoint, so that its failure leaves the transaction usable. */
static enum eb_err run(struct dbpg_stmt *st)
{
	PGconn *c = st->pg->conn;
	bool guarded = st->write && PQtransactionStatus(c) == PQTRANS_INTRANS;
	if (guarded && !run_ok(c, "SAVEPOINT eb_stmt", st->pg->errmsg, sizeof st->pg->errmsg))
		return EB_EDB;
	enum eb_err rc = st->prepared ? EB_OK : prepare_now(st);
	if (!rc) {
		st->res = PQexecPrepared(c, st->name, st->nargs, (const char *const *)st->values,
					 st->lengths, st->formats, 0);
		ExecStatusType s = PQresultStatus(st->res);
		if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
			st->nrows = s == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
			const char *changed = PQcmdTuples(st->res);
			st->pg->changes = changed && *changed ? (int)strtol(changed, NULL, 10) : 0;
			int nf = PQnfields(st->res);
			if (nf > st->nblobs) {
				unsigned char **b = realloc(st->blobs, (size_t)nf * sizeof *b);
				if (b)
					st->blobs = b;
				size_t *bl = realloc(st->blob_len, (size_t)nf * sizeof *bl);
				if (bl)
					st->blob_len = bl;
				if (!b || !bl) {
					rc = EB_ENOMEM;
				} else {
					for (int i = st->nblobs; i < nf; i++)
						st->blobs[i] = NULL;
					st->nblobs = nf;
				}
			}
		} else {
			rc = result_error(st, st->res);
		}
	}
	if (guarded)
		run_ok(c,
		       rc ? "ROLLBACK TO SAVEPOINT eb_stmt; RELEASE SAVEPOINT eb_stmt"
			  : "RELEASE SAVEPOINT eb_stmt",
		       NULL, 0);
	if (PQstatus(c) != CONNECTION_OK && rc == EB_EDB)
		PQreset(c); /* the server went away: the next statement reconnects */
	return rc;
}

int dbpg_step(struct dbpg_stmt *st)
{
	if (!st->ran) {
		st->ran = true;
		st->row = -1;
		enum eb_err rc = run(st);
		if (rc)
			return -(int)rc;
	}
	clear_blobs(st);
	if (st->row + 1 >= st->nrows) {
		st->row = st->nrows;
		return 0;
	}
	st->row++;
	return 1;
}

static bool in_row(struct dbpg_stmt *st, int col)
{
	return st->res && st->row >= 0 && st->row < st->nrows && col >= 0 &&
	       col < PQnfields(st->res);
}

bool dbpg_col_is_null(struct dbpg_stmt *st, int col)
{
	return !in_row(st, col) || PQgetisnull(st->res, st->row, col);
}

static const unsigned char *blob_of(struct dbpg_stmt *st, int col, size_t *len)
{
	if (!st->blobs[col]) {
		st->blobs[col] =
			PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, col),
					&st->blob_len[col]);
		if (!st->blobs[col])
			return NULL;
	}
	*len = st->blob_len[col];
	return st->blobs[col];
}

const char *dbpg_col_text(struct dbpg_stmt *st, int col)
{
	if (dbpg_col_is_null(st, col))
		return NULL;
	Oid t = PQftype(st->res, col);
	const char *v = PQgetvalue(st->res, st->row, col);
	if (t == OID_BOOL)
		return v[0] == 't' ? "1" : "0";
	if (t == OID_BYTEA) {
		size_t n;
		return (const char *)blob_of(st, col, &n); /* PQunescapeBytea ends it with NUL */
	}
	return v;
}

int64_t dbpg_col_int(struct dbpg_stmt *st, int col)
{
	if (dbpg_col_is_null(st, col))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (v[0] == 't' || v[0] == 'f')
		return v[0] == 't';
	if (strchr(v, '.') || strchr(v, 'e'))
		return (int64_t)strtod(v, NULL);
	return strtoll(v, NULL, 10);
}

double dbpg_col_double(struct dbpg_stmt *st, int col)
{
	if (dbpg_col_is_null(st, col))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, col);
	if (v[0] == 't' || v[0] == 'f')
		return v[0] == 't';
	return strtod(v, NULL);
}

int dbpg_col_bytes(struct dbpg_stmt *st, int col)
{
	if (dbpg_col_is_null(st, col))
		return 0;
	if (PQftype(st->res, col) == OID_BYTEA) {
		size_t n = 0;
		return blob_of(st, col, &n) ? (int)n : 0;
	}
	if (PQftype(st->res, col) == OID_BOOL)
		return 1;
	return PQgetlength(st->res, st->row, col);
}

const void *dbpg_col_blob(struct dbpg_stmt *st, int col)
{
	if (dbpg_col_is_null(st, col))
		return NULL;
	if (PQftype(st->res, col) == OID_BYTEA) {
		size_t n;
		return blob_of(st, col, &n);
	}
	return dbpg_col_text(st, col);
}
