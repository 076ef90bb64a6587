/* test_db.c - the one way to run a query and read its rows (store/db.h):
 * typed parameters, rows read by table into arena arrays, the sticky error
 * that db_done returns, and statements that nobody can reset or finalize
 * while their caller is still stepping them. Every test runs on SQLite and,
 * when EDBRIDGE_TEST_PG names a PostgreSQL database (tests/run.py --backend
 * pg, make check's smoke subset), again on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "store/db.h"
#include "store/db_rows.h"

/* The database the group runs on: ":memory:" or a PostgreSQL URL. */
static const char *target = ":memory:";

static int setup(void **state)
{
	struct db *db;
	char err[512] = "";
	if (db_open(target, DB_OPEN_CREATE, &db, err, sizeof err)) {
		print_error("%s\n", err);
		return -1;
	}
	if (db_exec(db, "DROP TABLE IF EXISTS t") ||
	    db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, note TEXT,"
			" score REAL, small INTEGER, flag INTEGER, CHECK (small < 1000)) STRICT"))
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	db_close(*state);
	return 0;
}

struct row {
	int64_t id;
	char *name;
	char *note; /* NULL stays NULL */
	double score;
	int small;
	bool flag;
	char shortname[4];
	int name_len; /* set by finish */
};

static enum eb_err finish_row(struct db_stmt *st, void *row, struct arena *a)
{
	struct row *r = row;
	r->name_len = db_col_bytes(st, 1);
	return r->small == -1 ? EB_EINVAL : EB_OK;
}

DB_ROWSPEC(row_spec, struct row, finish_row, DB_FIELD_INT(struct row, id),
	   DB_FIELD_STR(struct row, name), DB_FIELD_TEXT(struct row, note),
	   DB_FIELD_REAL_OR(struct row, score, -1), DB_FIELD_INT_OR(struct row, small, -7),
	   DB_FIELD_INT(struct row, flag), DB_FIELD_CHARS(struct row, shortname));

#define ROW_SQL "SELECT id, name, note, score, small, flag, name FROM t"

static void insert(struct db *db, int64_t id, const char *name, const char *note, double score,
		   bool has_small, int small, bool flag)
{
	assert_int_equal(db_execute(db, "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
				    DB_ARGS(DB_INT(id), DB_TEXT(name), DB_TEXT(note),
					    DB_REAL_IF(score >= 0, score),
					    DB_INT_IF(has_small, small), DB_INT(flag)),
				    NULL),
			 EB_OK);
}

static void test_rows_by_table(void **state)
{
	struct db *db = *state;
	struct arena a;
	arena_init(&a);
	insert(db, 1, "Ana", NULL, 0.5, true, 3, true);
	insert(db, 2, "Zoë Ångström", "n", -1, false, 0, false);
	struct row *rows = NULL;
	size_t n = 99;
	assert_int_equal(
		db_get_rows(db, ROW_SQL " ORDER BY id", DB_NOARGS, &row_spec, &a, &rows, &n),
		EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].id, 1);
	assert_string_equal(rows[0].name, "Ana");
	assert_null(rows[0].note);
	assert_true(fabs(rows[0].score - 0.5) < 1e-12);
	assert_int_equal(rows[0].small, 3);
	assert_true(rows[0].flag);
	assert_string_equal(rows[0].shortname, "Ana");
	assert_int_equal(rows[0].name_len, 3);
	assert_string_equal(rows[1].note, "n");
	assert_true(rows[1].score == -1); /* NULL reads the given value */
	assert_int_equal(rows[1].small, -7);
	assert_false(rows[1].flag);
	/* "Zoë Ångström" cut to 3 bytes never splits the 2-byte "ë" */
	assert_string_equal(rows[1].shortname, "Zo");

	/* an empty result is a valid empty array */
	rows = NULL;
	assert_int_equal(db_get_rows(db, ROW_SQL " WHERE id > ?1", DB_ARGS(DB_INT(5)), &row_spec,
				     &a, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 0);
	assert_non_null(rows);

	struct row one;
	assert_int_equal(db_get_row(db, ROW_SQL " WHERE name = ?1", DB_ARGS(DB_TEXT("Ana")),
				    &row_spec, &a, &one),
			 EB_OK);
	assert_int_equal(one.id, 1);
	assert_int_equal(db_get_row(db, ROW_SQL " WHERE name = ?1", DB_ARGS(DB_TEXT("nobody")),
				    &row_spec, &a, &one),
			 EB_ENOTFOUND);
	/* the finish function's error stops the read and is returned */
	assert_int_equal(db_execute(db, "UPDATE t SET small = -1 WHERE id = 2", DB_NOARGS, NULL),
			 EB_OK);
	assert_int_equal(
		db_get_rows(db, ROW_SQL " ORDER BY id", DB_NOARGS, &row_spec, &a, &rows, &n),
		EB_EINVAL);
	arena_free(&a);
}

static void test_rows_grow(void **state)
{
	struct db *db = *state;
	struct arena a;
	arena_init(&a);
	assert_int_equal(db_begin(db), EB_OK);
	for (int i = 1; i <= 1000; i++) {
		char name[16];
		snprintf(name, sizeof name, "n%d", i);
		insert(db, i, name, NULL, i, true, i % 999, false);
	}
	assert_int_equal(db_commit(db), EB_OK);
	struct row *rows;
	size_t n;
	assert_int_equal(
		db_get_rows(db, ROW_SQL " ORDER BY id", DB_NOARGS, &row_spec, &a, &rows, &n),
		EB_OK);
	assert_int_equal(n, 1000);
	for (size_t i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "n%zu", i + 1);
		assert_string_equal(rows[i].name, name);
		assert_int_equal(rows[i].small, (int)((i + 1) % 999));
	}
	arena_free(&a);
}

static void test_execute_errors(void **state)
{
	struct db *db = *state;
	int changes = -1;
	insert(db, 1, "a", NULL, 1, true, 1, false);
	assert_int_equal(db_execute(db, "INSERT INTO t (id, name) VALUES (?1, ?2)",
				    DB_ARGS(DB_INT(2), DB_TEXT("a")), NULL),
			 EB_EEXIST);
	assert_int_equal(db_execute(db, "INSERT INTO t (id, name, small) VALUES (?1, ?2, ?3)",
				    DB_ARGS(DB_INT(3), DB_TEXT("b"), DB_INT(5000)), NULL),
			 EB_EINVAL);
	/* STRICT: text in a REAL column is a constraint failure, not stored */
	assert_int_equal(db_execute(db, "INSERT INTO t (id, name, score) VALUES (?1, ?2, ?3)",
				    DB_ARGS(DB_INT(4), DB_TEXT("c"), DB_TEXT("x")), NULL),
			 EB_EINVAL);
	assert_int_equal(
		db_execute(db, "UPDATE t SET note = ?1", DB_ARGS(DB_TEXTN("hello", 4)), &changes),
		EB_OK);
	assert_int_equal(changes, 1);
	int64_t v = 0;
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM t", DB_NOARGS, &v), EB_OK);
	assert_int_equal(v, 1);
	assert_int_equal(db_get_int(db, "SELECT id FROM t WHERE id = ?1", DB_ARGS(DB_INT(9)), &v),
			 EB_ENOTFOUND);
	struct arena a;
	arena_init(&a);
	struct db_stmt *st;
	assert_int_equal(db_query(db, "SELECT note FROM t", DB_NOARGS, &st), EB_OK);
	assert_true(db_next(st));
	assert_string_equal(db_col_dup(st, 0, &a), "hell");
	assert_false(db_next(st));
	assert_false(db_next(st)); /* stays at the end */
	assert_int_equal(db_done(st), EB_OK);
	/* an error met while stepping is sticky and db_done returns it */
	assert_int_equal(db_query(db, "SELECT abs(?1)", DB_ARGS(DB_INT(INT64_MIN)), &st), EB_OK);
	assert_false(db_next(st));
	assert_false(db_next(st));
	assert_int_equal(db_done(st), EB_EDB);
	/* a SQL mistake is an error, never a crash */
	assert_int_equal(db_query(db, "SELECT nosuchcolumn FROM t", DB_NOARGS, &st), EB_EDB);
	assert_null(st);
	assert_int_equal(db_done(NULL), EB_OK);
	arena_free(&a);
}

/* Many rows in few statements (store/db_rows.h): the same rows as one
 * INSERT each, in order; a few distinct texts; RETURNING read back; a
 * duplicate fails its statement whole (EB_EEXIST), the statements before it
 * written, the transaction usable. */
static void test_insert_rows(void **state)
{
	struct db *db = *state;
	assert_int_equal(db_rows_chunk(100), 64);
	assert_int_equal(db_rows_chunk(300), DB_ROWS_MAX);
	assert_int_equal(db_rows_chunk(36), 32);
	assert_int_equal(db_rows_chunk(3), 2);
	assert_int_equal(db_rows_chunk(1), 1);
	static const char head[] = "INSERT INTO t (name, small, score)";
	const char *s4 = db_rows_sql(head, "", 3, 4);
	assert_non_null(s4);
	assert_ptr_equal(s4, db_rows_sql(head, "", 3, 4));
	assert_string_equal(db_rows_sql(head, " RETURNING id", 3, 2),
			    "INSERT INTO t (name, small, score) VALUES (?1, ?2, ?3), (?4, ?5, ?6)"
			    " RETURNING id");
	assert_null(db_rows_sql(head, "", 3, DB_ROWS_MAX + 1));
	assert_null(db_rows_sql(head, "", 0, 1));

	enum { N = 100 };
	static char names[N][8];
	struct db_arg args[N * 3];
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof names[i], "r%d", i);
		args[3 * i] = DB_TEXT(names[i]);
		args[3 * i + 1] = DB_INT(i);
		args[3 * i + 2] = i % 2 ? DB_REAL(i / 4.0) : DB_NULL;
	}
	assert_int_equal(db_begin(db), EB_OK);
	db_set_statement_guard(db, false); /* as the group commit: pipelined */
	assert_int_equal(db_insert_rows(db, head, 3, args, N), EB_OK);
	db_set_statement_guard(db, true);
	assert_int_equal(db_commit(db), EB_OK);
	struct db_stmt *st;
	assert_int_equal(
		db_query(db, "SELECT name, small, score FROM t ORDER BY id", DB_NOARGS, &st),
		EB_OK);
	int i = 0;
	for (; db_next(st); i++) {
		assert_string_equal(db_col_text(st, 0), names[i]); /* in order */
		assert_int_equal(db_col_int(st, 1), i);
		assert_int_equal(db_col_is_null(st, 2), i % 2 == 0);
		if (i % 2)
			assert_true(db_col_double(st, 2) == i / 4.0);
	}
	assert_int_equal(db_done(st), EB_OK);
	assert_int_equal(i, N);

	/* RETURNING: every row's id read back */
	const char *ret = db_rows_sql(head, " RETURNING id, name", 3, 2);
	struct db_arg two[] = {
		DB_TEXT("x1"), DB_INT(1), DB_NULL, DB_TEXT("x2"), DB_INT(2), DB_NULL
	};
	assert_int_equal(db_query(db, ret, two, 6, &st), EB_OK);
	int got = 0;
	while (db_next(st)) {
		assert_true(db_col_int(st, 0) > N);
		got += !strcmp(db_col_text(st, 1), "x1")   ? 1
		       : !strcmp(db_col_text(st, 1), "x2") ? 2
							   : 9;
	}
	assert_int_equal(db_done(st), EB_OK);
	assert_int_equal(got, 3);

	/* a duplicate name in the second statement (rows 64..95): the first
	 * is written, the second not at all, and the transaction goes on */
	static char again[N][8];
	for (int k = 0; k < N; k++) {
		snprintf(again[k], sizeof again[k], "a%d", k);
		args[3 * k] = DB_TEXT(again[k]);
	}
	args[3 * 70] = DB_TEXT("r5");
	assert_int_equal(db_begin(db), EB_OK);
	assert_int_equal(db_insert_rows(db, head, 3, args, N), EB_EEXIST);
	int64_t v = 0;
	assert_int_equal(
		db_get_int(db, "SELECT count(*) FROM t WHERE name LIKE 'a%'", DB_NOARGS, &v),
		EB_OK);
	assert_int_equal(v, 64);
	assert_int_equal(db_commit(db), EB_OK);
}

/* LIKE on a COLLATE NOCASE column (logins, tool names) runs the same SQL on
 * both backends: ASCII case ignored, the escape honoured. PostgreSQL refused
 * it ("nondeterministic collations are not supported for ILIKE") until the
 * dialect put an explicit "C" on the pattern (store/sql_dialect.h). */
static void test_like_on_nocase_column(void **state)
{
	struct db *db = *state;
	assert_int_equal(db_exec(db, "DROP TABLE IF EXISTS tn"), EB_OK);
	assert_int_equal(db_exec(db, "CREATE TABLE tn (name TEXT NOT NULL COLLATE NOCASE) STRICT"),
			 EB_OK);
	assert_int_equal(db_exec(db, "INSERT INTO tn VALUES ('Alice'), ('ALBERT'), ('bob'),"
				     " ('al_x'), ('alyx')"),
			 EB_OK);
	int64_t n = -1;
	static const struct {
		const char *pattern;
		int64_t want;
	} cases[] = { { "al%", 4 }, { "AL%", 4 }, { "aL\\_%", 1 }, { "%O%", 1 }, { "zz%", 0 } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(
			db_get_int(db, "SELECT count(*) FROM tn WHERE name LIKE ?1 ESCAPE '\\'",
				   DB_ARGS(DB_TEXT(cases[i].pattern)), &n),
			EB_OK);
		assert_int_equal(n, cases[i].want);
	}
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM tn WHERE name LIKE 'B' || ?1",
				    DB_ARGS(DB_TEXT("%")), &n),
			 EB_OK);
	assert_int_equal(n, 1);
	/* the column's own collation still holds for equality */
	assert_int_equal(
		db_get_int(db, "SELECT count(*) FROM tn WHERE name = 'ALICE'", DB_NOARGS, &n),
		EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(db_exec(db, "DROP TABLE tn"), EB_OK);
}

/* The same SQL run again while the first run is still being stepped (a
 * recursive walk): each run has its own statement and neither disturbs the
 * other. The statement cache of old reset the outer run here. */
static void test_nested_same_sql(void **state)
{
	struct db *db = *state;
	for (int i = 1; i <= 5; i++)
		insert(db, i, (const char *[]){ "a", "b", "c", "d", "e" }[i - 1], NULL, 1, true, i,
		       false);
	static const char sql[] = "SELECT id FROM t WHERE id >= ?1 ORDER BY id";
	struct db_stmt *outer, *inner;
	int64_t seen_outer = 0, pairs = 0;
	assert_int_equal(db_query(db, sql, DB_ARGS(DB_INT(1)), &outer), EB_OK);
	while (db_next(outer)) {
		int64_t id = db_col_int(outer, 0);
		seen_outer += id;
		assert_int_equal(db_query(db, sql, DB_ARGS(DB_INT(id)), &inner), EB_OK);
		while (db_next(inner))
			pairs++;
		assert_int_equal(db_done(inner), EB_OK);
		assert_int_equal(db_col_int(outer, 0), id);
	}
	assert_int_equal(db_done(outer), EB_OK);
	assert_int_equal(seen_outer, 1 + 2 + 3 + 4 + 5);
	assert_int_equal(pairs, 5 + 4 + 3 + 2 + 1);
}

/* More distinct statements than the cache holds while one is mid-step: the
 * held statement is never finalized under its caller. */
#define MANY 1200
static char many_sql[MANY][48];

static void test_cache_full_keeps_held(void **state)
{
	struct db *db = *state;
	struct db_stmt *held;
	assert_int_equal(db_query(db,
				  "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
				  " WHERE x < 100) SELECT x FROM c",
				  DB_NOARGS, &held),
			 EB_OK);
	assert_true(db_next(held));
	assert_int_equal(db_col_int(held, 0), 1);
	for (int i = 0; i < MANY; i++) {
		snprintf(many_sql[i], sizeof many_sql[i], "SELECT %d + ?1", i);
		int64_t v = 0;
		assert_int_equal(db_get_int(db, many_sql[i], DB_ARGS(DB_INT(1)), &v), EB_OK);
		assert_int_equal(v, i + 1);
	}
	int64_t expect = 2, sum = 1;
	while (db_next(held)) {
		assert_int_equal(db_col_int(held, 0), expect);
		sum += expect++;
	}
	assert_int_equal(db_done(held), EB_OK);
	assert_int_equal(sum, 5050);
	/* and every one still answers after the cache turned over */
	for (int i = 0; i < MANY; i += 97) {
		int64_t v = 0;
		assert_int_equal(db_get_int(db, many_sql[i], DB_ARGS(DB_INT(2)), &v), EB_OK);
		assert_int_equal(v, i + 2);
	}
}

/* Objects attached to a connection: one per key, found by key, freed by
 * db_close after an open transaction's rollback work has run. */
static int attach_events[4], nattach_events;

static void attach_free(void *obj)
{
	attach_events[nattach_events++] = *(int *)obj;
}

static enum eb_err attach_before(struct db *db, void *ctx)
{
	(void)db;
	(void)ctx;
	return EB_OK;
}

static void attach_rollback(void *ctx)
{
	/* the object is still there when the rollback work runs */
	attach_events[nattach_events++] = 10 + *(int *)ctx;
}

static void test_attach(void **state)
{
	(void)state;
	struct db *db;
	static const char key_a = 0, key_b = 0;
	static int a = 1, b = 2;
	nattach_events = 0;
	assert_int_equal(db_open(target, DB_OPEN_CREATE, &db, NULL, 0), EB_OK);
	assert_null(db_attached(db, &key_a));
	assert_int_equal(db_attach(db, &key_a, &a, attach_free), EB_OK);
	assert_int_equal(db_attach(db, &key_a, &b, attach_free), EB_EEXIST);
	assert_int_equal(db_attach(db, &key_b, &b, attach_free), EB_OK);
	assert_ptr_equal(db_attached(db, &key_a), &a);
	assert_ptr_equal(db_attached(db, &key_b), &b);
	static const char more[3] = { 0 };
	assert_int_equal(db_attach(db, &more[0], NULL, NULL), EB_OK);
	assert_int_equal(db_attach(db, &more[1], NULL, NULL), EB_OK);
	assert_int_equal(db_attach(db, &more[2], NULL, NULL), EB_ETOOBIG);
	assert_int_equal(db_begin(db), EB_OK);
	assert_int_equal(db_before_commit(db, attach_before, attach_rollback, &a), EB_OK);
	db_close(db);
	assert_int_equal(nattach_events, 3);
	assert_int_equal(attach_events[0], 11); /* rollback work first */
	assert_int_equal(attach_events[1] + attach_events[2], 3);
}

/* A failed statement inside a transaction leaves it usable (the caller
 * handles a duplicate and goes on), and what it wrote before stays. */
static void test_transaction_survives_constraint(void **state)
{
	struct db *db = *state;
	assert_int_equal(db_begin(db), EB_OK);
	insert(db, 1, "a", NULL, 1, true, 1, false);
	assert_int_equal(db_execute(db, "INSERT INTO t (id, name) VALUES (?1, ?2)",
				    DB_ARGS(DB_INT(2), DB_TEXT("a")), NULL),
			 EB_EEXIST);
	insert(db, 3, "c", NULL, 1, true, 1, false);
	assert_int_equal(db_commit(db), EB_OK);
	int64_t v = 0;
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM t", DB_NOARGS, &v), EB_OK);
	assert_int_equal(v, 2);
	/* bytes in and out unchanged, NUL and high bytes included */
	static const unsigned char blob[] = { 0, 1, 0xff, '\\', 'x', 0 };
	assert_int_equal(db_execute(db,
				    "CREATE TABLE IF NOT EXISTS b (k INTEGER PRIMARY KEY, v BLOB)",
				    DB_NOARGS, NULL),
			 EB_OK);
	assert_int_equal(db_execute(db, "INSERT INTO b (k, v) VALUES (?1, ?2)",
				    DB_ARGS(DB_INT(7), DB_BLOB(blob, sizeof blob)), NULL),
			 EB_OK);
	struct db_stmt *st;
	assert_int_equal(
		db_query(db, "SELECT v, length(v) FROM b WHERE k = ?1", DB_ARGS(DB_INT(7)), &st),
		EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_bytes(st, 0), sizeof blob);
	assert_memory_equal(db_col_blob(st, 0), blob, sizeof blob);
	assert_int_equal(db_col_int(st, 1), sizeof blob);
	assert_int_equal(db_done(st), EB_OK);
	assert_int_equal(db_execute(db, "DROP TABLE b", DB_NOARGS, NULL), EB_OK);
	/* an optional filter: NULL first (PostgreSQL cannot tell its type from
	 * "?1 IS NULL"), a value on the next run of the same statement */
	for (int k = 0; k < 2; k++) {
		assert_int_equal(db_get_int(db,
					    "SELECT count(*) FROM t WHERE (?1 IS NULL OR name = ?1)"
					    " AND (?2 = 0 OR id > 0)",
					    DB_ARGS(k ? DB_TEXT("c") : DB_NULL, DB_INT(k)), &v),
				 EB_OK);
		assert_int_equal(v, k ? 1 : 2);
	}
	/* a sum of comparisons counts them, as SQLite does */
	assert_int_equal(db_get_int(db, "SELECT sum(id > 1) FROM t", DB_NOARGS, &v), EB_OK);
	assert_int_equal(v, 1);
}

/* Work registered for a transaction that rolls back is void: on_rollback
 * runs, before_commit never does. */
static int hook_ran, hook_voided;

static enum eb_err hook_before(struct db *db, void *ctx)
{
	(void)db;
	(void)ctx;
	hook_ran++;
	return EB_OK;
}

static void hook_void(void *ctx)
{
	(void)ctx;
	hook_voided++;
}

static void test_hooks(void **state)
{
	struct db *db = *state;
	hook_ran = hook_voided = 0;
	assert_int_equal(db_before_commit(db, hook_before, hook_void, NULL), EB_EINVAL);
	assert_int_equal(db_begin(db), EB_OK);
	assert_true(db_in_transaction(db));
	assert_int_equal(db_before_commit(db, hook_before, hook_void, NULL), EB_OK);
	db_rollback(db);
	assert_false(db_in_transaction(db));
	assert_int_equal(hook_ran, 0);
	assert_int_equal(hook_voided, 1);
	assert_int_equal(db_begin(db), EB_OK);
	assert_int_equal(db_before_commit(db, hook_before, hook_void, NULL), EB_OK);
	assert_int_equal(db_commit(db), EB_OK);
	assert_int_equal(hook_ran, 1);
	assert_int_equal(hook_voided, 1);
}

/* An unreachable PostgreSQL: one clear error, EB_EIO, and the password of
 * the URL nowhere in it. */
static void test_pg_unreachable_masks_password(void **state)
{
	(void)state;
	struct db *db = (struct db *)1;
	char err[512] = "";
	assert_int_equal(
		db_open("postgresql://edb:s3cret-pw@127.0.0.1:1/district?connect_timeout=2", 0, &db,
			err, sizeof err),
		EB_EIO);
	assert_null(db);
	assert_non_null(strstr(err, "cannot connect to PostgreSQL"));
	assert_non_null(strstr(err, "postgresql://edb:***@127.0.0.1:1/district"));
	assert_null(strstr(err, "s3cret"));
	char shown[128];
	db_name_masked("postgres://u@h/d?sslmode=require&password=pw2&x=1", shown, sizeof shown);
	assert_string_equal(shown, "postgres://u@h/d?sslmode=require&password=***&x=1");
	db_name_masked("/var/lib/edbridge/district.db", shown, sizeof shown);
	assert_string_equal(shown, "/var/lib/edbridge/district.db");
	assert_true(db_is_url("postgresql://x/y"));
	assert_false(db_is_url("postgresql.db"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_transaction_survives_constraint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hooks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_by_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rows_grow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insert_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_execute_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_same_sql, setup, teardown),
		cmocka_unit_test_setup_teardown(test_like_on_nocase_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cache_full_keeps_held, setup, teardown),
		cmocka_unit_test(test_attach),
	};
	const struct CMUnitTest once[] = {
		cmocka_unit_test(test_pg_unreachable_masks_password),
	};
	int failed = cmocka_run_group_tests_name("sqlite", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("store", once, NULL, NULL);
	const char *pg = getenv("EDBRIDGE_TEST_PG");
	if (pg && *pg) {
		target = pg;
		failed += cmocka_run_group_tests_name("postgresql", tests, NULL, NULL);
	}
	return failed;
}
