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
#include "base/timeutil.h"
#include "store/sql_dialect.h"

/* PostgreSQL's type oids the store reads or declares */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701

struct dbpg {
	PGconn *conn;
	int flags; /* db_open's: a reconnected session is set up the same way */
	/* the read connection (db_open_replica): a hot standby; NULL if none */
	PGconn *rconn;
	bool to_replica;      /* reads go to rconn (db_read_from) */
	bool rtx;	      /* a db_begin_read snapshot is open on rconn */
	bool wrote;	      /* a statement wrote since db_read_from */
	unsigned rreads;      /* statements run on rconn since db_read_from */
	double replica_retry; /* a failed replica is tried again from then */
	unsigned rgen;	      /* counts the read connection's (re)connections */
	int schema_version;
	int changes;
	unsigned next_name;  /* prepared statements are named s1, s2, ... */
	int lock_timeout_ms; /* dbpg_set_lock_timeout's, set again after a reconnect; < 0 none */
	/* A lost connection (the server restarted, the network went) is
	 * reconnected by the next statement outside a transaction: each
	 * reconnect bumps gen, and a statement prepared under another gen is
	 * prepared again. Inside a transaction (tx_open: a BEGIN went out and
	 * no COMMIT or ROLLBACK since) every statement fails EB_EUNAVAIL until
	 * the caller rolls back: the transaction died with the connection, and
	 * what follows must not run outside it. */
	unsigned gen;
	bool tx_open, lost;
	bool unavailable_seen; /* db_unavailable_take */
	bool unguarded;	       /* db_set_statement_guard(false) */
	/* dbpg_send: writes sent in pipeline mode whose results are read at
	 * the next statement that waits (pipe_drain) */
	bool piped;
	int npending;
	/* dbpg_send_sum: where each pending write adds the rows it changed
	 * (NULL: nowhere), in the order sent */
	long *sums[256];
	char errmsg[512];
};

struct dbpg_stmt {
	struct dbpg *pg;
	char *sql;  /* translated */
	bool write; /* changes rows: runs under a savepoint inside a transaction */
	int nparams;
	char name[16];
	bool prepared;
	bool returns;	    /* has a RETURNING clause: never sent without waiting */
	unsigned gen;	    /* the connection's gen when it was prepared */
	unsigned rprepared; /* pg->rgen when prepared on the read connection */
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

static bool first_word_is(const char *s, const char *w);
static void replica_end(struct dbpg *pg);
static const char *sqlstate(const PGresult *r);

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

/* Whether a failed command means the server cannot be reached: the
 * connection is gone (libpq says so), or the server said it is shutting
 * down or starting (57P01-57P03) or the connection failed (class 08). */
static bool is_unreachable(struct dbpg *pg, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!state)
		state = "";
	return PQstatus(pg->conn) != CONNECTION_OK || strncmp(state, "08", 2) == 0 ||
	       strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
	       strcmp(state, "57P03") == 0;
}

/* The connection is lost: EB_EUNAVAIL, remembered for db_unavailable_take. */
static enum eb_err unavailable(struct dbpg *pg)
{
	pg->lost = true;
	pg->unavailable_seen = true;
	first_line(pg->errmsg, sizeof pg->errmsg, PQerrorMessage(pg->conn));
	if (!pg->errmsg[0])
		str_copy(pg->errmsg, sizeof pg->errmsg, "the connection to PostgreSQL was lost");
	return EB_EUNAVAIL;
}

/* What every session of the store runs first (a new one after a reconnect
 * too). */
static bool session_setup(struct dbpg *pg, char *why, size_t cap)
{
	if (!run_ok(pg->conn, "SET client_min_messages=warning", why, cap) ||
	    ((pg->flags & DB_OPEN_READONLY) &&
	     !run_ok(pg->conn, "SET default_transaction_read_only=on", why, cap)))
		return false;
	if (pg->lock_timeout_ms >= 0) {
		char sql[64];
		snprintf(sql, sizeof sql, "SET lock_timeout=%d", pg->lock_timeout_ms);
		return run_ok(pg->conn, sql, why, cap);
	}
	return true;
}

/* EB_OK when the connection can take a command now: a lost one is
 * reconnected here (outside a transaction only, see struct dbpg), else
 * EB_EUNAVAIL. */
static enum eb_err conn_ready(struct dbpg *pg)
{
	if (!pg->lost && PQstatus(pg->conn) == CONNECTION_OK)
		return EB_OK;
	if (pg->tx_open)
		return unavailable(pg);
	PQreset(pg->conn);
	char why[256];
	if (PQstatus(pg->conn) != CONNECTION_OK || !session_setup(pg, why, sizeof why))
		return unavailable(pg);
	PQsetNoticeProcessor(pg->conn, ignore_notice, NULL);
	pg->lost = false;
	pg->gen++;
	pg->errmsg[0] = '\0';
	log_info("db: reconnected to PostgreSQL");
	return EB_OK;
}

bool dbpg_set_statement_guard(struct dbpg *pg, bool on)
{
	bool was = !pg->unguarded;
	pg->unguarded = !on;
	return was;
}

bool dbpg_unavailable_take(struct dbpg *pg)
{
	bool seen = pg->unavailable_seen;
	pg->unavailable_seen = false;
	return seen;
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

const char *dbpg_identity_sync_sql(void)
{
	return identity_sync;
}

/* Runs pg/citus_keys.sql (as it is: PL/pgSQL, not translated) in its own
 * transaction: every key of a table with district_id made to include it. */
static enum eb_err citus_keys(PGconn *c, char *errmsg, size_t cap)
{
	static const char path[] = "src/store/migrations/pg/citus_keys.sql";
	char err[400] = "";
	for (const struct embed_file *f = embed_files; f->path; f++) {
		if (strcmp(f->path, path) != 0)
			continue;
		if (run_ok(c, "BEGIN", err, sizeof err) && run_ok(c, f->data, err, sizeof err) &&
		    run_ok(c, "COMMIT", err, sizeof err))
			return EB_OK;
		run_ok(c, "ROLLBACK", NULL, 0);
		snprintf(errmsg, cap, "%s: %s", path, err);
		return EB_EDB;
	}
	snprintf(errmsg, cap, "%s: not embedded", path);
	return EB_EDB;
}

/* Whether every embedded migration is already applied, in one round trip:
 * the common case at every open (a server's workers, each CLI command),
 * which then takes no advisory lock and writes no catalog row (a CREATE OR
 * REPLACE at each open would send every other connection of the database
 * a catalog-cache invalidation). Sets pg->schema_version when it is. */
static bool up_to_date(struct dbpg *pg)
{
	int want = 0, count = 0;
	for (int no = next_migration_no(0); no; no = next_migration_no(no)) {
		want = no;
		count++;
	}
	PGresult *r = PQexec(pg->conn,
			     "SELECT CASE WHEN to_regclass('schema_version') IS NULL"
			     " THEN '0 0' ELSE (SELECT coalesce(max(version), 0) || ' ' ||"
			     " count(*) FROM schema_version) END");
	bool ok = false;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		char *end;
		long have = strtol(PQgetvalue(r, 0, 0), &end, 10);
		long n = strtol(end, NULL, 10);
		ok = want > 0 && have == want && n == count;
		if (ok)
			pg->schema_version = (int)have;
	}
	PQclear(r);
	return ok;
}

/* The same numbered migrations as SQLite's, each in its own transaction,
 * under an advisory lock so that connections opened together (a server's
 * workers) apply each once. */
static enum eb_err migrate(struct dbpg *pg, char *errmsg, size_t cap)
{
	char err[400] = "";
	enum eb_err rc = EB_OK;
	int applied = 0;
	if (up_to_date(pg))
		return EB_OK;
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
		applied += ok;
		if (!ok) {
			run_ok(pg->conn, "ROLLBACK", NULL, 0);
			snprintf(errmsg, cap, "migration %s%s: %s", f->path,
				 hand ? "" : " (translated for PostgreSQL)", err);
			rc = EB_EDB;
			goto out;
		}
	}
	/* Citus's key rules over every distributed table, a new one included
	 * (pg/citus_keys.sql; docs/scale.md "Ready for Citus") */
	if (applied && (rc = citus_keys(pg->conn, errmsg, cap)))
		goto out;
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
	pg->flags = flags;
	pg->lock_timeout_ms = -1;
	/* a server that does not answer (a host gone) fails a connection, and
	 * each reconnect, in 5 s unless the URL says otherwise (it comes
	 * later, so it wins) */
	static const char *const keys[] = { "connect_timeout", "dbname", NULL };
	const char *vals[] = { "5", url, NULL };
	pg->conn = PQconnectdbParams(keys, vals, 1);
	if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK) {
		first_line(why, sizeof why, pg->conn ? PQerrorMessage(pg->conn) : "out of memory");
		if (errmsg && cap)
			snprintf(errmsg, cap, "%s: cannot connect to PostgreSQL: %s", shown, why);
		PQfinish(pg->conn);
		free(pg);
		return EB_EIO;
	}
	PQsetNoticeProcessor(pg->conn, ignore_notice, NULL);
	if (!session_setup(pg, why, sizeof why)) {
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
	PQfinish(pg->rconn);
	free(pg);
}

static bool first_word_is(const char *s, const char *w);
static enum eb_err pipe_drain(struct dbpg *pg);

enum eb_err dbpg_exec(struct dbpg *pg, const char *sql)
{
	bool begins = first_word_is(sql, "BEGIN");
	bool ends = first_word_is(sql, "COMMIT") || first_word_is(sql, "ROLLBACK") ||
		    first_word_is(sql, "END");
	/* the writes sent ahead first: a COMMIT does not happen when one failed
	 * (a ROLLBACK undoes whatever they did) */
	enum eb_err rc = pipe_drain(pg);
	if (rc && !first_word_is(sql, "ROLLBACK"))
		return rc;
	if (pg->lost && pg->tx_open && ends) {
		/* the transaction died with the connection: a rollback has nothing
		 * left to do, a commit did not happen */
		pg->tx_open = false;
		return first_word_is(sql, "ROLLBACK") ? EB_OK : unavailable(pg);
	}
	rc = conn_ready(pg);
	if (rc)
		return rc;
	char *t = NULL, err[256] = "";
	rc = sql_to_pg(sql, &t, NULL, err, sizeof err);
	if (rc) {
		log_error("db: %s", rc == EB_ENOMEM ? "out of memory" : err);
		return rc;
	}
	if (first_word_is(t, "COMMIT") || first_word_is(t, "END") || first_word_is(t, "ROLLBACK")) {
		replica_end(pg);
		if (PQtransactionStatus(pg->conn) == PQTRANS_IDLE) {
			free(t);
			return EB_OK; /* the snapshot was the replica's */
		}
	} else {
		pg->to_replica = false; /* a transaction or a script: the primary's */
	}
	PGresult *r = PQexec(pg->conn, t);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		if (is_unreachable(pg, r)) {
			rc = unavailable(pg);
		} else {
			first_line(pg->errmsg, sizeof pg->errmsg, PQresultErrorMessage(r));
			log_error("db: %s in: %.200s", pg->errmsg, t);
			rc = EB_EDB;
		}
	}
	if (!rc && first_word_is(sql, "COMMIT") && strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		/* a transaction a failed statement had aborted: not committed */
		str_copy(pg->errmsg, sizeof pg->errmsg, "the transaction was rolled back");
		rc = EB_EDB;
	}
	PGTransactionStatusType ts = PQtransactionStatus(pg->conn);
	if (begins && (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR))
		pg->tx_open = true;
	if (ends)
		pg->tx_open = false;
	PQclear(r);
	free(t);
	return rc;
}

bool dbpg_in_transaction(struct dbpg *pg)
{
	if (pg->rtx)
		return true; /* a db_begin_read snapshot on the standby */
	PGTransactionStatusType s = PQtransactionStatus(pg->conn);
	if (pg->lost || s == PQTRANS_UNKNOWN)
		return pg->tx_open; /* until the caller rolls back */
	return s != PQTRANS_IDLE;
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
	pipe_drain(pg);
	pg->lock_timeout_ms = ms;
	char sql[64];
	snprintf(sql, sizeof sql, "SET lock_timeout=%d", ms);
	run_ok(pg->conn, sql, NULL, 0);
}

/* lastval(): the identity the session's last INSERT took. Inside a
 * transaction under a savepoint: an error (no INSERT yet) must not abort
 * the caller's transaction. */
int64_t dbpg_last_id(struct dbpg *pg)
{
	if (pipe_drain(pg))
		return 0;
	bool tx = dbpg_in_transaction(pg) && !pg->unguarded;
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

/* ---- the read connection (db.h: read replicas) ------------------------ */

/* run_on's answer when the read connection failed in a way the primary
 * does not share (private to this file: never returned to a caller) */
#define EB_EUNAVAIL_REPLICA_ ((enum eb_err)(EB_ERR__COUNT + 1))
/* a failed replica is left alone for this long */
#define REPLICA_RETRY_S 5.0

/* The replica's snapshot (db_begin_read) ends. */
static void replica_end(struct dbpg *pg)
{
	if (pg->rtx && pg->rconn && PQstatus(pg->rconn) == CONNECTION_OK)
		run_ok(pg->rconn, "ROLLBACK", NULL, 0);
	pg->rtx = false;
}

static void replica_down(struct dbpg *pg)
{
	if (pg->rconn && PQstatus(pg->rconn) == CONNECTION_OK &&
	    PQtransactionStatus(pg->rconn) != PQTRANS_IDLE)
		run_ok(pg->rconn, "ROLLBACK", NULL, 0);
	pg->rtx = false;
	if (pg->replica_retry < time_mono())
		log_warn("db: the read replica failed; reads go to the primary for %.0f s",
			 REPLICA_RETRY_S);
	pg->replica_retry = time_mono() + REPLICA_RETRY_S;
}

/* True when the failed run on the replica is the replica's trouble (gone,
 * shutting down, a statement cancelled by a recovery conflict) rather than
 * the statement's, which the primary would answer the same way. */
static bool replica_gone(struct dbpg *pg, const PGresult *r)
{
	const char *state = sqlstate(r);
	return PQstatus(pg->rconn) != CONNECTION_OK || !*state || strncmp(state, "08", 2) == 0 ||
	       strncmp(state, "57", 2) == 0 || strcmp(state, "40001") == 0 ||
	       strcmp(state, "53300") == 0;
}

/* Reads go to the replica now: asked for, present, and up (a broken one is
 * reconnected once its retry time has come). */
static bool replica_usable(struct dbpg *pg)
{
	if (!pg->to_replica || !pg->rconn)
		return false;
	if (PQstatus(pg->rconn) == CONNECTION_OK)
		return pg->replica_retry <= time_mono() || pg->rtx;
	if (pg->replica_retry > time_mono())
		return false;
	PQreset(pg->rconn);
	pg->rgen++; /* its prepared statements are gone */
	if (PQstatus(pg->rconn) != CONNECTION_OK ||
	    !run_ok(pg->rconn, "SET default_transaction_read_only=on", NULL, 0)) {
		replica_down(pg);
		return false;
	}
	PQsetNoticeProcessor(pg->rconn, ignore_notice, NULL);
	return true;
}

enum eb_err dbpg_open_replica(struct dbpg *pg, const char *url, char *errmsg, size_t cap)
{
	char shown[512], why[400];
	db_name_masked(url, shown, sizeof shown);
	if (pg->rconn)
		return eb_say(errmsg, cap, EB_EINVAL, "%s: a read connection is open already",
			      shown);
	/* the URL's own settings win, but for the name the standby shows */
	const char *keys[] = { "connect_timeout", "dbname", "application_name", NULL };
	const char *vals[] = { "5", url, "edbridge-read", NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (!c)
		return eb_say(errmsg, cap, EB_ENOMEM, "%s: out of memory", shown);
	if (PQstatus(c) != CONNECTION_OK) {
		/* kept: tried again from time to time, the primary reads meanwhile */
		first_line(why, sizeof why, PQerrorMessage(c));
		pg->rconn = c;
		pg->rgen = 1;
		pg->replica_retry = time_mono() + REPLICA_RETRY_S;
		return eb_say(errmsg, cap, EB_EIO,
			      "%s: cannot connect to the read replica: %s (reads go to the "
			      "primary until it answers)",
			      shown, why);
	}
	PQsetNoticeProcessor(c, ignore_notice, NULL);
	if (!run_ok(c, "SET client_min_messages=warning", why, sizeof why) ||
	    !run_ok(c, "SET default_transaction_read_only=on", why, sizeof why)) {
		PQfinish(c);
		return eb_say(errmsg, cap, EB_EIO, "%s: %s", shown, why);
	}
	PGresult *r = PQexec(c, "SELECT coalesce(max(version),0) FROM schema_version");
	int version = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		version = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (version != pg->schema_version) {
		PQfinish(c);
		return eb_say(errmsg, cap, EB_EDB,
			      "%s: the read replica is not a copy of this database (schema "
			      "version %d, the primary's %d)",
			      shown, version, pg->schema_version);
	}
	pg->rconn = c;
	pg->rgen = 1;
	return EB_OK;
}

void dbpg_read_from(struct dbpg *pg, bool replica)
{
	pg->to_replica = replica && pg->rconn;
	pg->wrote = false;
	pg->rreads = 0;
}

bool dbpg_has_replica(struct dbpg *pg)
{
	return pg->rconn != NULL;
}

unsigned dbpg_replica_reads(struct dbpg *pg)
{
	return pg->rreads;
}

bool dbpg_wrote(struct dbpg *pg)
{
	return pg->wrote;
}

enum eb_err dbpg_begin_read(struct dbpg *pg)
{
	if (!pg->rtx && replica_usable(pg) && PQtransactionStatus(pg->conn) == PQTRANS_IDLE) {
		if (run_ok(pg->rconn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", NULL,
			   0)) {
			pg->rtx = true;
			pg->rreads++;
			return EB_OK;
		}
		replica_down(pg);
	}
	return dbpg_exec(pg, "BEGIN ISOLATION LEVEL REPEATABLE READ");
}

void dbpg_rollback(struct dbpg *pg)
{
	replica_end(pg);
	if (PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		dbpg_exec(pg, "ROLLBACK");
}

/* a WAL position as PostgreSQL writes one: hex/hex */
static bool lsn_ok(const char *s)
{
	size_t a = strspn(s, "0123456789ABCDEFabcdef");
	if (a < 1 || a > 8 || s[a] != '/')
		return false;
	size_t b = strspn(s + a + 1, "0123456789ABCDEFabcdef");
	return b >= 1 && b <= 8 && !s[a + 1 + b];
}

enum eb_err dbpg_write_position(struct dbpg *pg, char *out, size_t cap)
{
	PGresult *r = PQexec(pg->conn, "SELECT pg_current_wal_lsn()::text");
	enum eb_err rc = EB_EDB;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    strlen(PQgetvalue(r, 0, 0)) < cap) {
		snprintf(out, cap, "%s", PQgetvalue(r, 0, 0));
		rc = EB_OK;
	}
	PQclear(r);
	return rc;
}

bool dbpg_replica_caught_up(struct dbpg *pg, const char *position)
{
	if (!position || !lsn_ok(position) || pg->rtx)
		return false;
	bool was = pg->to_replica;
	pg->to_replica = true;
	bool up = replica_usable(pg);
	pg->to_replica = was;
	if (!up)
		return false;
	const char *vals[] = { position };
	PGresult *r = PQexecParams(pg->rconn,
				   "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)",
				   1, NULL, vals, NULL, NULL, 0);
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
		  PQgetvalue(r, 0, 0)[0] == 't';
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQstatus(pg->rconn) != CONNECTION_OK)
		replica_down(pg);
	PQclear(r);
	return ok;
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
	pipe_drain(pg); /* its error comes again at the next statement: 25P02 */
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
	st->returns = strcasestr(st->sql, "RETURNING") != NULL;
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
	pipe_drain(st->pg);
	dbpg_reset(st);
	if (st->prepared && st->gen == st->pg->gen && !st->pg->lost &&
	    PQstatus(st->pg->conn) == CONNECTION_OK &&
	    PQtransactionStatus(st->pg->conn) != PQTRANS_INERROR) {
		char sql[40];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
		run_ok(st->pg->conn, sql, NULL, 0);
	}
	if (st->rprepared && st->rprepared == st->pg->rgen && st->pg->rconn &&
	    PQstatus(st->pg->rconn) == CONNECTION_OK &&
	    PQtransactionStatus(st->pg->rconn) != PQTRANS_INERROR) {
		char sql[40];
		snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
		run_ok(st->pg->rconn, sql, NULL, 0);
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

static enum eb_err prepare_now(struct dbpg_stmt *st, PGconn *c);

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
	if (st->prepared && st->gen != st->pg->gen)
		st->prepared = false; /* prepared on a connection since lost */
	/* prepared now, with these arguments' types: a statement that does not
	 * prepare fails in db_query, as on SQLite */
	return st->prepared ? EB_OK : prepare_now(st, st->pg->conn);
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
static enum eb_err prepare_now(struct dbpg_stmt *st, PGconn *c)
{
	Oid *types = st->types;
	Oid *alt = NULL;
	if (c == st->pg->conn) {
		enum eb_err ready = pipe_drain(st->pg);
		if (!ready)
			ready = conn_ready(st->pg);
		if (ready)
			return ready;
	}
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
		bool tx = PQtransactionStatus(c) == PQTRANS_INTRANS;
		if (tx &&
		    !run_ok(c, "SAVEPOINT eb_prepare", st->pg->errmsg, sizeof st->pg->errmsg)) {
			if (c == st->pg->conn && PQstatus(c) != CONNECTION_OK) {
				free(alt);
				return unavailable(st->pg);
			}
			break;
		}
		PGresult *r = PQprepare(c, st->name, st->sql, st->nargs, types);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (tx)
			run_ok(c,
			       ok ? "RELEASE SAVEPOINT eb_prepare"
				  : "ROLLBACK TO SAVEPOINT eb_prepare; RELEASE SAVEPOINT "
				    "eb_prepare",
			       NULL, 0);
		const char *state = sqlstate(r);
		if (!ok && c == st->pg->conn && is_unreachable(st->pg, r)) {
			PQclear(r);
			free(alt);
			return unavailable(st->pg);
		}
		bool retry = !ok && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0 ||
				     strcmp(state, "42883") == 0 || strcmp(state, "42804") == 0);
		if (!ok) {
			first_line(st->pg->errmsg, sizeof st->pg->errmsg, PQresultErrorMessage(r));
			undetermined = undetermined_param(st->pg->errmsg);
		}
		PQclear(r);
		if (ok) {
			free(alt);
			if (c == st->pg->conn) {
				st->prepared = true;
				st->gen = st->pg->gen;
			} else {
				st->rprepared = st->pg->rgen;
			}
			return EB_OK;
		}
		if (!retry)
			break;
	}
	free(alt);
	log_error("db: prepare: %s in: %.300s", st->pg->errmsg, st->sql);
	return EB_EDB;
}

/* The eb_err of a failed statement (sql, for the log; write: it changes
 * rows). */
static enum eb_err error_of(struct dbpg *pg, const PGresult *r, bool write, const char *sql)
{
	const char *state = sqlstate(r);
	if (is_unreachable(pg, r))
		return unavailable(pg);
	first_line(pg->errmsg, sizeof pg->errmsg, PQresultErrorMessage(r));
	/* another transaction's serialization failure or deadlock: the same
	 * work again may pass (the group commit retries its group) */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return EB_EBUSY;
	if (strncmp(state, "23", 2) == 0)
		return strcmp(state, "23505") == 0 ? EB_EEXIST : EB_EINVAL;
	/* a value a column cannot take (text in a number, out of range): what
	 * SQLite's STRICT tables refuse as a constraint */
	if (write && strncmp(state, "22", 2) == 0)
		return EB_EINVAL;
	/* after an unguarded failure (db_set_statement_guard) every statement
	 * fails 25P02 until the rollback: the first failure was logged */
	if (strcmp(state, "25P02") != 0)
		log_error("db: %s (SQLSTATE %s) in: %.300s", pg->errmsg, state, sql);
	return EB_EDB;
}

static enum eb_err result_error(struct dbpg_stmt *st, const PGresult *r)
{
	return error_of(st->pg, r, st->write, st->sql);
}

static enum eb_err run(struct dbpg_stmt *st);

/* Reads the results of the writes dbpg_send sent and leaves pipeline mode:
 * the first one's error (the rest were skipped by the server), else EB_OK.
 * Every command that waits for its answer calls it first, so the writes
 * are done, in order, before anything reads or commits. */
static enum eb_err pipe_drain(struct dbpg *pg)
{
	if (!pg->piped)
		return EB_OK;
	enum eb_err rc = EB_OK;
	PGconn *c = pg->conn;
	if (PQpipelineSync(c) != 1) {
		rc = unavailable(pg);
	} else {
		for (int idx = 0;;) {
			PGresult *r = PQgetResult(c);
			if (!r) {
				if (PQstatus(c) != CONNECTION_OK) {
					if (!rc)
						rc = unavailable(pg);
					break;
				}
				continue; /* the end of one write's results */
			}
			ExecStatusType s = PQresultStatus(r);
			if (s == PGRES_FATAL_ERROR && !rc)
				rc = error_of(pg, r, true, "a write sent in a pipeline");
			if (s != PGRES_PIPELINE_SYNC && idx < pg->npending && pg->sums[idx++] &&
			    s == PGRES_COMMAND_OK) {
				const char *n = PQcmdTuples(r);
				*pg->sums[idx - 1] += n && *n ? strtol(n, NULL, 10) : 0;
			}
			PQclear(r);
			if (s == PGRES_PIPELINE_SYNC)
				break;
		}
	}
	PQexitPipelineMode(c);
	pg->piped = false;
	pg->npending = 0;
	return rc;
}

bool dbpg_sendable(struct dbpg_stmt *st)
{
	struct dbpg *pg = st->pg;
	return pg->unguarded && st->write && !st->returns && st->prepared && st->gen == pg->gen &&
	       !pg->lost && (pg->piped || PQtransactionStatus(pg->conn) == PQTRANS_INTRANS);
}

enum eb_err dbpg_send(struct dbpg_stmt *st)
{
	return dbpg_send_sum(st, NULL);
}

enum eb_err dbpg_flush(struct dbpg *pg)
{
	return pipe_drain(pg);
}

enum eb_err dbpg_send_sum(struct dbpg_stmt *st, long *sum)
{
	struct dbpg *pg = st->pg;
	if (!pg->piped) {
		if (PQenterPipelineMode(pg->conn) != 1) {
			enum eb_err rc = run(st); /* as any statement: waiting for it */
			if (!rc && sum)
				*sum += pg->changes;
			return rc;
		}
		pg->piped = true;
	}
	if (PQsendQueryPrepared(pg->conn, st->name, st->nargs, (const char *const *)st->values,
				st->lengths, st->formats, 0) != 1) {
		enum eb_err rc = pipe_drain(pg);
		return rc ? rc : unavailable(pg);
	}
	/* the server's answers wait in the socket: a bounded number */
	pg->sums[pg->npending] = sum;
	if (++pg->npending >= 256)
		return pipe_drain(pg);
	return EB_OK;
}

/* Runs the statement with its arguments; a write inside a transaction under
 * a savepoint, so that its failure leaves the transaction usable. */
static enum eb_err run_on(struct dbpg_stmt *st, PGconn *c)
{
	bool primary = c == st->pg->conn;
	enum eb_err rc = EB_OK;
	if (primary) {
		rc = pipe_drain(st->pg);
		if (!rc)
			rc = conn_ready(st->pg);
		if (rc)
			return rc;
		if (st->prepared && st->gen != st->pg->gen)
			st->prepared = false; /* prepared on a connection since lost */
	}
	bool guarded = st->write && !st->pg->unguarded && PQtransactionStatus(c) == PQTRANS_INTRANS;
	if (guarded && !run_ok(c, "SAVEPOINT eb_stmt", st->pg->errmsg, sizeof st->pg->errmsg))
		return primary && PQstatus(c) != CONNECTION_OK ? unavailable(st->pg) : EB_EDB;
	bool ready = primary ? st->prepared : st->rprepared == st->pg->rgen;
	rc = ready ? EB_OK : prepare_now(st, c);
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
		} else if (c == st->pg->rconn && replica_gone(st->pg, st->res)) {
			rc = EB_EUNAVAIL_REPLICA_;
		} else {
			rc = result_error(st, st->res);
		}
	}
	if (guarded)
		run_ok(c,
		       rc ? "ROLLBACK TO SAVEPOINT eb_stmt; RELEASE SAVEPOINT eb_stmt"
			  : "RELEASE SAVEPOINT eb_stmt",
		       NULL, 0);
	if (primary && PQstatus(c) != CONNECTION_OK && rc != EB_EUNAVAIL)
		rc = unavailable(st->pg); /* the next statement reconnects (conn_ready) */
	return rc;
}

/* A statement that only reads runs on the read connection while reads go
 * there (db_read_from) and no transaction of the primary's is open; one
 * that writes turns the connection to the primary (read-your-writes). A
 * replica that fails leaves the statement to the primary. */
static enum eb_err run(struct dbpg_stmt *st)
{
	struct dbpg *pg = st->pg;
	if (st->write) {
		pg->wrote = true;
		pg->to_replica = false;
	} else if (replica_usable(pg) &&
		   (pg->rtx || PQtransactionStatus(pg->conn) == PQTRANS_IDLE)) {
		enum eb_err rc = run_on(st, pg->rconn);
		if (rc != EB_EUNAVAIL_REPLICA_) {
			pg->rreads++;
			return rc;
		}
		PQclear(st->res);
		st->res = NULL;
		replica_down(pg);
	}
	return run_on(st, pg->conn);
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
