/* test_sql_dialect.c - SQLite's SQL translated for PostgreSQL
 * (store/sql_dialect.h): parameters, upserts, functions, DDL and triggers,
 * with literals and comments left untouched. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "store/sql_dialect.h"

static void expect(const char *in, const char *want, int want_params)
{
	char *out = NULL;
	int n = -1;
	assert_int_equal(sql_to_pg(in, &out, &n, NULL, 0), EB_OK);
	assert_string_equal(out, want);
	assert_int_equal(n, want_params);
	free(out);
}

static void test_parameters(void **state)
{
	(void)state;
	expect("SELECT a FROM t WHERE b=?1 AND c=?12", "SELECT a FROM t WHERE b=$1 AND c=$12", 12);
	expect("SELECT ? , ?", "SELECT $1 , $2", 2);
	/* not inside literals, quoted names or comments */
	expect("SELECT '?1', \"a?\" -- ?3\n FROM t", "SELECT '?1', \"a?\" -- ?3\n FROM t", 0);
	expect("SELECT 'it''s ?1' || ?2", "SELECT 'it''s ?1' || $2", 2);
}

static void test_upserts_and_functions(void **state)
{
	(void)state;
	expect("INSERT OR IGNORE INTO t(a) VALUES(?1)",
	       "INSERT INTO t(a) VALUES($1) ON CONFLICT DO NOTHING", 1);
	expect("insert or ignore into t(a) values(?1) returning a",
	       "INSERT into t(a) values($1) ON CONFLICT DO NOTHING returning a", 1);
	expect("SELECT ifnull(a, 0), instr(b, 'x'), max(a, b), max(a), min(a,(b)) FROM t",
	       "SELECT coalesce(a, 0), strpos(b, 'x'), greatest(a, b), max(a), least(a,(b)) FROM t",
	       0);
	expect("INSERT INTO t(a, n) VALUES(?1, 1) ON CONFLICT DO UPDATE SET n = n + 1, a=excluded.a"
	       " WHERE a IS NOT excluded.a OR abs(n) > 2 RETURNING n",
	       "INSERT INTO t(a, n) VALUES($1, 1) ON CONFLICT DO UPDATE SET n = t.n + 1,"
	       " a=excluded.a WHERE t.a IS DISTINCT FROM excluded.a OR abs(t.n) > 2 RETURNING n",
	       1);
	expect("SELECT group_concat(a || 'x', ', '), group_concat(DISTINCT b) FROM t",
	       "SELECT string_agg(CAST(a || 'x' AS TEXT),  ', '), string_agg(DISTINCT CAST( b AS "
	       "TEXT),"
	       " ',') FROM t",
	       0);
	expect("INSERT OR REPLACE INTO t(k, v) VALUES(?1, ?2)",
	       "INSERT INTO t(k, v) VALUES($1, $2) ON CONFLICT DO UPDATE SET k=excluded.k,"
	       " v=excluded.v",
	       2);
	expect("SELECT lower(hex(h)), char(31), last_insert_rowid() FROM t",
	       "SELECT lower(upper(encode(h, 'hex'))), chr(31), lastval() FROM t", 0);
	expect("SELECT unixepoch()", "SELECT CAST(extract(epoch FROM now()) AS BIGINT)", 0);
	expect("SELECT id FROM t WHERE id IN (SELECT value FROM json_each(?3))",
	       "SELECT id FROM t WHERE id IN (SELECT value FROM"
	       " json_array_elements_text(($3)::json) AS json_each(value))",
	       3);
	expect("INSERT INTO t (a, b) SELECT json_extract(value, '$.a'),"
	       " CAST(json_extract(value, '$.b') AS REAL) FROM json_each(?1)",
	       "INSERT INTO t (a, b) SELECT ((value)::json ->> 'a'),"
	       " CAST(((value)::json ->> 'b') AS DOUBLE PRECISION) FROM"
	       " json_array_elements_text(($1)::json) AS json_each(value)",
	       1);
	expect("SELECT json_extract(value, '$[0]'), json_extract(value, '$[12]') FROM "
	       "json_each(?1)",
	       "SELECT ((value)::json ->> 0), ((value)::json ->> 12) FROM"
	       " json_array_elements_text(($1)::json) AS json_each(value)",
	       1);
	expect("SELECT 1 WHERE a LIKE ?1", "SELECT 1 WHERE a ILIKE $1 COLLATE \"C\"", 1);
	expect("SELECT 1 WHERE a IS ?1 AND b IS NOT c AND d IS NULL AND e IS NOT NULL",
	       "SELECT 1 WHERE a IS NOT DISTINCT FROM $1 AND b IS DISTINCT FROM c AND d IS NULL"
	       " AND e IS NOT NULL",
	       1);
	expect("SELECT X'01ff' || x''", "SELECT '\\x01ff'::bytea || '\\x'::bytea", 0);
}

/* LIKE on a COLLATE NOCASE column: PostgreSQL refuses LIKE and ILIKE under
 * the nondeterministic nocase collation, so the pattern's first operand
 * carries an explicit "C" (which wins over the column's implicit one). */
static void test_like_on_nocase(void **state)
{
	(void)state;
	expect("SELECT 1 FROM t WHERE login LIKE ?2 ESCAPE '\\' AND b NOT LIKE 'x%'",
	       "SELECT 1 FROM t WHERE login ILIKE $2 COLLATE \"C\" ESCAPE '\\' AND b NOT ILIKE"
	       " 'x%' COLLATE \"C\"",
	       2);
	expect("SELECT 1 FROM t WHERE t.name LIKE '%' || ? || '%' OR a LIKE lower(?) OR a LIKE"
	       " (b || 'x') OR a LIKE u.name OR a LIKE ifnull(?, '')",
	       "SELECT 1 FROM t WHERE t.name ILIKE '%' COLLATE \"C\" || $1 || '%' OR a ILIKE"
	       " lower($2) COLLATE \"C\" OR a ILIKE (b || 'x') COLLATE \"C\" OR a ILIKE u.name"
	       " COLLATE \"C\" OR a ILIKE coalesce($3, '') COLLATE \"C\"",
	       3);
	/* an operand this walk does not know keeps plain ILIKE */
	expect("SELECT a LIKE CASE WHEN b THEN 'x' END", "SELECT a ILIKE CASE WHEN b THEN 'x' END",
	       0);
}

static void test_cross_join_on(void **state)
{
	(void)state;
	/* SQLite's CROSS JOIN with ON (a fixed join order) is an inner join */
	expect("SELECT 1 FROM e CROSS JOIN le ON le.d = e.d CROSS JOIN person AS p ON p.id = e.p"
	       " CROSS JOIN (SELECT id FROM x) y ON y.id = e.id",
	       "SELECT 1 FROM e JOIN le ON le.d = e.d JOIN person AS p ON p.id = e.p"
	       " JOIN (SELECT id FROM x) y ON y.id = e.id",
	       0);
	/* without ON it stays a cross join, LATERAL too */
	expect("SELECT 1 FROM k CROSS JOIN e CROSS JOIN le WHERE e.d = k.d",
	       "SELECT 1 FROM k CROSS JOIN e CROSS JOIN le WHERE e.d = k.d", 0);
	expect("SELECT 1 FROM x CROSS JOIN LATERAL unnest(x.k) AS k(a)",
	       "SELECT 1 FROM x CROSS JOIN LATERAL unnest(x.k) AS k(a)", 0);
	/* SQLite's index hints go: PostgreSQL takes none */
	expect("SELECT a FROM t INDEXED BY t_b WHERE b = ?1 AND c NOT IN (SELECT c FROM u NOT"
	       " INDEXED)",
	       "SELECT a FROM t  WHERE b = $1 AND c NOT IN (SELECT c FROM u )", 1);
}

static void test_boolean_sums_and_the_catalog(void **state)
{
	(void)state;
	/* SQLite sums comparisons (1/0); PostgreSQL's booleans need a cast */
	expect("SELECT sum(o.status='sent'), sum(s IN ('a','b')), avg(x > 2), sum(n), sum((a=b))"
	       " FROM o",
	       "SELECT sum(CAST((o.status='sent') AS INTEGER)), sum(CAST((s IN ('a','b')) AS "
	       "INTEGER)), avg(CAST((x > 2) AS INTEGER)), sum(n), sum((a=b)) FROM o",
	       0);
	expect("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
	       "SELECT count(*) FROM (SELECT CAST('table' AS TEXT) AS type, CAST(tablename AS TEXT)"
	       " AS name FROM pg_tables WHERE schemaname = current_schema()) AS sqlite_master"
	       " WHERE type = 'table' AND name = $1",
	       1);
}

static void test_ddl(void **state)
{
	(void)state;
	expect("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB, r REAL,"
	       " n INTEGER NOT NULL DEFAULT (unixepoch()), s TEXT COLLATE NOCASE) STRICT;",
	       "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, b BYTEA,"
	       " r DOUBLE PRECISION, n BIGINT NOT NULL DEFAULT (CAST(extract(epoch FROM now()) AS"
	       " BIGINT)), s TEXT COLLATE nocase) ;",
	       0);
	expect("CREATE TABLE u (a INTEGER, PRIMARY KEY (a)) WITHOUT ROWID, STRICT;",
	       "CREATE TABLE u (a BIGINT, PRIMARY KEY (a))  ;", 0);
	expect("PRAGMA foreign_keys=ON; SELECT 1;", " SELECT 1;", 0);
	expect("SELECT 1; DELETE FROM sqlite_sequence WHERE name = 'x'; SELECT 2;",
	       "SELECT 1; SELECT 2;", 0);
	expect("SELECT n FROM (SELECT 1 AS n) WHERE n > 0",
	       "SELECT n FROM (SELECT 1 AS n) AS eb_sub14 WHERE n > 0", 0);
	expect("SELECT n FROM (SELECT 1 AS n) x", "SELECT n FROM (SELECT 1 AS n) x", 0);
	/* "district" holds "strict": words, not substrings */
	expect("SELECT district FROM t", "SELECT district FROM t", 0);
}

static void test_trigger(void **state)
{
	(void)state;
	expect("CREATE TRIGGER tr AFTER DELETE ON a BEGIN\n"
	       "  UPDATE b SET n = n - 1 WHERE id = OLD.id;\nEND;",
	       "CREATE OR REPLACE FUNCTION tr_fn() RETURNS trigger LANGUAGE plpgsql AS "
	       "$eb$\nBEGIN\n"
	       "\n  UPDATE b SET n = n - 1 WHERE id = OLD.id;\n\nRETURN NULL;\nEND $eb$;\n"
	       "CREATE TRIGGER tr AFTER DELETE ON a FOR EACH ROW EXECUTE FUNCTION tr_fn();",
	       0);
	char *out = NULL;
	assert_int_equal(sql_to_pg("CREATE TRIGGER tr BEFORE INSERT ON a FOR EACH ROW WHEN"
				   " NEW.x > 0 BEGIN INSERT OR IGNORE INTO b VALUES (CASE WHEN"
				   " NEW.x THEN 1 END); END",
				   &out, NULL, NULL, 0),
			 EB_OK);
	assert_non_null(strstr(out, "IF  NEW.x > 0  THEN"));
	assert_non_null(strstr(out, "ON CONFLICT DO NOTHING"));
	assert_non_null(strstr(out, "RETURN NEW;"));
	assert_non_null(strstr(out, "CREATE TRIGGER tr BEFORE INSERT ON a FOR EACH ROW"));
	free(out);
	char err[128] = "";
	assert_int_equal(sql_to_pg("CREATE TRIGGER tr INSTEAD OF INSERT ON v BEGIN SELECT 1; END",
				   &out, NULL, err, sizeof err),
			 EB_EINVAL);
	assert_null(out);
	assert_non_null(strstr(err, "trigger"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_upserts_and_functions),
		cmocka_unit_test(test_like_on_nocase),
		cmocka_unit_test(test_cross_join_on),
		cmocka_unit_test(test_boolean_sums_and_the_catalog),
		cmocka_unit_test(test_ddl),
		cmocka_unit_test(test_trigger),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
