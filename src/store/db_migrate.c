/* SQLite to PostgreSQL, a whole database (db_migrate.h). */
#include "store/db_migrate.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "store/db.h"
#include "store/db_pg.h"

#define MAX_TABLES 512
#define MAX_COLS 128

struct table {
	char name[64];
	bool in_source, in_target, done;
};

struct migrate {
	sqlite3 *s;
	PGconn *c;
	struct table t[MAX_TABLES];
	int n;
	char *errmsg;
	size_t cap;
};

static struct table *table_of(struct migrate *m, const char *name)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->t[i].name, name) == 0)
			return &m->t[i];
	if (m->n == MAX_TABLES || strlen(name) >= sizeof m->t[0].name)
		return NULL;
	struct table *t = &m->t[m->n++];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	return t;
}

static enum eb_err pg_fail(struct migrate *m, const char *what, PGresult *r)
{
	const char *e = r ? PQresultErrorMessage(r) : PQerrorMessage(m->c);
	return eb_say(m->errmsg, m->cap, EB_EDB, "PostgreSQL: %s: %.*s", what,
		      (int)strcspn(e, "\n"), e);
}

static bool pg_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	return ok;
}

/* The tables of both sides: SQLite's own (not its internals, virtual tables
 * or their shadow tables), PostgreSQL's base tables. */
static enum eb_err list_tables(struct migrate *m)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(
		    m->s,
		    "SELECT name FROM sqlite_master t WHERE type = 'table'"
		    " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
		    " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'"
		    " AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table'"
		    "  AND v.sql LIKE 'CREATE VIRTUAL TABLE%'"
		    "  AND t.name LIKE v.name || '\\_%' ESCAPE '\\')",
		    -1, &q, NULL) != SQLITE_OK)
		return eb_say(m->errmsg, m->cap, EB_EDB, "SQLite: %s", sqlite3_errmsg(m->s));
	while (sqlite3_step(q) == SQLITE_ROW) {
		struct table *t = table_of(m, (const char *)sqlite3_column_text(q, 0));
		if (t)
			t->in_source = true;
	}
	sqlite3_finalize(q);
	PGresult *r = PQexec(m->c, "SELECT table_name FROM information_schema.tables"
				   " WHERE table_schema = current_schema()"
				   " AND table_type = 'BASE TABLE'");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum eb_err rc = pg_fail(m, "its tables", r);
		PQclear(r);
		return rc;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		struct table *t = table_of(m, PQgetvalue(r, i, 0));
		if (t)
			t->in_target = true;
	}
	PQclear(r);
	return EB_OK;
}

/* The target's tables in foreign-key order: each after the tables it
 * references (a cycle, if any, in name order). */
static enum eb_err order_tables(struct migrate *m, int *order, int *norder)
{
	PGresult *r = PQexec(m->c, "SELECT conrelid::regclass::text, confrelid::regclass::text"
				   " FROM pg_constraint WHERE contype = 'f'"
				   " AND connamespace = current_schema()::regnamespace");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum eb_err rc = pg_fail(m, "its foreign keys", r);
		PQclear(r);
		return rc;
	}
	*norder = 0;
	for (bool progress = true; progress;) {
		progress = false;
		for (int i = 0; i < m->n; i++) {
			struct table *t = &m->t[i];
			if (!t->in_target || t->done)
				continue;
			bool ready = true;
			for (int k = 0; k < PQntuples(r) && ready; k++) {
				if (strcmp(PQgetvalue(r, k, 0), t->name) != 0 ||
				    strcmp(PQgetvalue(r, k, 1), t->name) == 0)
					continue;
				for (int j = 0; j < m->n; j++)
					if (strcmp(m->t[j].name, PQgetvalue(r, k, 1)) == 0 &&
					    m->t[j].in_target && !m->t[j].done)
						ready = false;
			}
			if (ready) {
				t->done = true;
				order[(*norder)++] = i;
				progress = true;
			}
		}
	}
	for (int i = 0; i < m->n; i++)
		if (m->t[i].in_target && !m->t[i].done) {
			m->t[i].done = true;
			order[(*norder)++] = i;
		}
	PQclear(r);
	return EB_OK;
}

/* One value in COPY's text format. */
static void copy_value(struct buf *b, sqlite3_stmt *q, int col, const char *pgtype)
{
	int type = sqlite3_column_type(q, col);
	if (type == SQLITE_NULL) {
		buf_puts(b, "\\N");
		return;
	}
	if (strcmp(pgtype, "bytea") == 0) {
		const unsigned char *p = sqlite3_column_blob(q, col);
		int n = sqlite3_column_bytes(q, col);
		buf_puts(b, "\\\\x");
		for (int i = 0; i < n; i++)
			buf_printf(b, "%02x", p[i]);
		return;
	}
	if (strcmp(pgtype, "boolean") == 0) {
		buf_puts(b, sqlite3_column_int64(q, col) ? "t" : "f");
		return;
	}
	if (type == SQLITE_INTEGER) {
		buf_printf(b, "%lld", (long long)sqlite3_column_int64(q, col));
		return;
	}
	if (type == SQLITE_FLOAT) {
		buf_printf(b, "%.17g", sqlite3_column_double(q, col));
		return;
	}
	const unsigned char *s = sqlite3_column_text(q, col);
	int n = sqlite3_column_bytes(q, col);
	for (int i = 0; i < n; i++) {
		switch (s[i]) {
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		default:
			buf_putc(b, (char)s[i]);
		}
	}
}

/* The columns both sides have (the target's stored ones: no generated
 * column), with the target's types. */
static enum eb_err shared_columns(struct migrate *m, const char *table, char cols[][64],
				  char types[][32], int *ncols)
{
	const char *vals[] = { table };
	PGresult *r = PQexecParams(m->c,
				   "SELECT column_name, data_type FROM information_schema.columns"
				   " WHERE table_schema = current_schema() AND table_name = $1"
				   " AND is_generated = 'NEVER' ORDER BY ordinal_position",
				   1, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum eb_err rc = pg_fail(m, table, r);
		PQclear(r);
		return rc;
	}
	*ncols = 0;
	for (int i = 0; i < PQntuples(r) && *ncols < MAX_COLS; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "SELECT 1 FROM pragma_table_info('%s') WHERE name = ?1",
			 table);
		sqlite3_stmt *q;
		bool has = false;
		if (sqlite3_prepare_v2(m->s, sql, -1, &q, NULL) == SQLITE_OK) {
			sqlite3_bind_text(q, 1, PQgetvalue(r, i, 0), -1, SQLITE_TRANSIENT);
			has = sqlite3_step(q) == SQLITE_ROW;
			sqlite3_finalize(q);
		}
		if (!has)
			continue;
		snprintf(cols[*ncols], 64, "%s", PQgetvalue(r, i, 0));
		snprintf(types[*ncols], 32, "%s", PQgetvalue(r, i, 1));
		(*ncols)++;
	}
	PQclear(r);
	return EB_OK;
}

static enum eb_err copy_table(struct migrate *m, const char *table)
{
	char cols[MAX_COLS][64], types[MAX_COLS][32];
	int ncols = 0;
	enum eb_err rc = shared_columns(m, table, cols, types, &ncols);
	if (rc || !ncols)
		return rc;
	struct buf sel = BUF_INIT, copy = BUF_INIT, row = BUF_INIT;
	buf_puts(&sel, "SELECT ");
	buf_printf(&copy, "DELETE FROM \"%s\"; ", table); /* rows its migrations seeded */
	buf_printf(&copy, "COPY \"%s\" (", table);
	for (int i = 0; i < ncols; i++) {
		buf_printf(&sel, "%s\"%s\"", i ? ", " : "", cols[i]);
		buf_printf(&copy, "%s\"%s\"", i ? ", " : "", cols[i]);
	}
	buf_printf(&sel, " FROM \"%s\"", table);
	buf_puts(&copy, ") FROM STDIN");
	sqlite3_stmt *q = NULL;
	PGresult *r = NULL;
	if (buf_failed(&sel) || buf_failed(&copy)) {
		rc = EB_ENOMEM;
		goto out;
	}
	if (sqlite3_prepare_v2(m->s, buf_cstr(&sel), -1, &q, NULL) != SQLITE_OK) {
		rc = eb_say(m->errmsg, m->cap, EB_EDB, "SQLite: %s: %s", table,
			    sqlite3_errmsg(m->s));
		goto out;
	}
	r = PQexec(m->c, buf_cstr(&copy));
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		rc = pg_fail(m, table, r);
		goto out;
	}
	PQclear(r);
	r = NULL;
	int step;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		buf_reset(&row);
		for (int i = 0; i < ncols; i++) {
			if (i)
				buf_putc(&row, '\t');
			copy_value(&row, q, i, types[i]);
		}
		buf_putc(&row, '\n');
		if (buf_failed(&row)) {
			PQputCopyEnd(m->c, "out of memory");
			rc = EB_ENOMEM;
			break;
		}
		if (PQputCopyData(m->c, row.data, (int)row.len) != 1) {
			rc = pg_fail(m, table, NULL);
			break;
		}
	}
	if (!rc && step != SQLITE_DONE) {
		PQputCopyEnd(m->c, "the source could not be read");
		rc = eb_say(m->errmsg, m->cap, EB_EDB, "SQLite: %s: %s", table,
			    sqlite3_errmsg(m->s));
	}
	if (!rc && PQputCopyEnd(m->c, NULL) != 1)
		rc = pg_fail(m, table, NULL);
	while ((r = PQgetResult(m->c))) {
		if (!rc && PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = pg_fail(m, table, r);
		PQclear(r);
	}
out:
	PQclear(r);
	sqlite3_finalize(q);
	buf_free(&sel);
	buf_free(&copy);
	buf_free(&row);
	return rc;
}

static int64_t count_source(struct migrate *m, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	sqlite3_stmt *q;
	int64_t n = -1;
	if (sqlite3_prepare_v2(m->s, sql, -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
	}
	return n;
}

static int64_t count_target(struct migrate *m, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
	PGresult *r = PQexec(m->c, sql);
	int64_t n = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return n;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct table *)a)->name, ((const struct table *)b)->name);
}

enum eb_err db_migrate(const char *from, const char *to, db_migrate_report_fn report, void *ctx,
		       int *mismatches, char *errmsg, size_t cap)
{
	*mismatches = 0;
	if (!from || db_is_url(from))
		return eb_say(errmsg, cap, EB_EINVAL, "--from: name the SQLite database FILE");
	if (!to || !db_is_url(to))
		return eb_say(errmsg, cap, EB_EINVAL,
			      "--to: name the PostgreSQL database (postgresql://...)");
	char shown[512];
	db_name_masked(to, shown, sizeof shown);
	struct db *src = NULL, *dst = NULL;
	struct migrate *m = calloc(1, sizeof *m);
	int *order = calloc(MAX_TABLES, sizeof *order);
	enum eb_err rc = EB_OK;
	if (!m || !order) {
		rc = EB_ENOMEM;
		goto out;
	}
	m->errmsg = errmsg;
	m->cap = cap;
	if ((rc = db_open(from, 0, &src, errmsg, cap)) || (rc = db_open(to, 0, &dst, errmsg, cap)))
		goto out;
	if (db_schema_version(src) != db_schema_version(dst)) {
		rc = eb_say(errmsg, cap, EB_EINVAL,
			    "%s: schema version %d, the source's %d: migrate with the same "
			    "edbridge on both sides",
			    shown, db_schema_version(dst), db_schema_version(src));
		goto out;
	}
	m->s = db_handle(src);
	m->c = PQconnectdb(to);
	if (!m->c || PQstatus(m->c) != CONNECTION_OK) {
		rc = eb_say(errmsg, cap, EB_EIO, "%s: cannot connect to PostgreSQL", shown);
		goto out;
	}
	pg_ok(m->c, "SET client_min_messages=warning");
	PGresult *r = PQexec(m->c, "SELECT count(*) FROM district");
	int64_t districts =
		PQresultStatus(r) == PGRES_TUPLES_OK ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
	PQclear(r);
	if (districts != 0) {
		rc = eb_say(errmsg, cap, EB_EEXIST,
			    "%s: not empty (%lld districts); migrate into a new database "
			    "(createdb, then edbridge migrate)",
			    shown, (long long)districts);
		goto out;
	}
	int norder = 0;
	if ((rc = list_tables(m)) || (rc = order_tables(m, order, &norder)))
		goto out;
	/* one transaction: the target gets all of it or nothing; the source is
	 * read in one snapshot */
	if (!pg_ok(m->c, "BEGIN") || sqlite3_exec(m->s, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		rc = pg_fail(m, "BEGIN", NULL);
		goto out;
	}
	/* the source's rows satisfy their foreign keys already: a superuser
	 * loads them without the checks (any order within a table); others in
	 * the foreign keys' order */
	if (pg_ok(m->c, "SAVEPOINT eb_role") &&
	    !pg_ok(m->c, "SET LOCAL session_replication_role = replica"))
		pg_ok(m->c, "ROLLBACK TO SAVEPOINT eb_role");
	for (int i = 0; i < norder && !rc; i++) {
		struct table *t = &m->t[order[i]];
		if (t->in_source && strcmp(t->name, "schema_version") != 0)
			rc = copy_table(m, t->name);
	}
	if (!rc && !pg_ok(m->c, dbpg_identity_sync_sql()))
		rc = pg_fail(m, "identity sequences", NULL);
	sqlite3_exec(m->s, "ROLLBACK", NULL, NULL, NULL);
	if (rc || !pg_ok(m->c, "COMMIT")) {
		if (!rc)
			rc = pg_fail(m, "COMMIT", NULL);
		pg_ok(m->c, "ROLLBACK");
		goto out;
	}
	qsort(m->t, (size_t)m->n, sizeof m->t[0], by_name);
	for (int i = 0; i < m->n; i++) {
		struct table *t = &m->t[i];
		int64_t a = t->in_source ? count_source(m, t->name) : 0;
		int64_t b = t->in_target ? count_target(m, t->name) : 0;
		const char *note = !t->in_target   ? "not on PostgreSQL"
				   : !t->in_source ? "not in the source"
						   : "";
		if (a != b)
			(*mismatches)++;
		if (report)
			report(ctx, t->name, a, b, note);
	}
out:
	if (m)
		PQfinish(m->c);
	free(m);
	free(order);
	db_close(src);
	db_close(dst);
	return rc;
}
