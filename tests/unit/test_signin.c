/* Unit tests of sign-in (issue 9, items 1-5): logins unique per district
 * (and migration 011 that made them so, on a database of the old schema), the
 * password policy, a password reset that ends sessions, the account lock and
 * its unlock code, and the database-kept throttles. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/district.h"
#include "store/db.h"
#include "web/auth.h"

struct fx {
	struct db *db;
	int64_t d1, d2;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	if (db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "One", &f->d1) || district_create(f->db, "Two", &f->d2))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	free(f);
	return 0;
}

static void logins_are_unique_per_district(void **state)
{
	struct fx *f = *state;
	int64_t a1, a2, x;
	struct account a;
	assert_int_equal(
		account_create(f->db, f->d1, "sam", "Sam One", "river stone one", NULL, &a1),
		EB_OK);
	/* the same login in another district is not "taken" (it leaked across districts) */
	assert_int_equal(
		account_create(f->db, f->d2, "sam", "Sam Two", "river stone two", NULL, &a2),
		EB_OK);
	assert_int_equal(account_create(f->db, f->d1, "SAM", "Again", "river stone one", NULL, &x),
			 EB_EEXIST);
	assert_int_equal(account_find_login(f->db, f->d1, "Sam", &a), EB_OK);
	assert_int_equal(a.id, a1);
	assert_int_equal(account_find_login(f->db, f->d2, "sam", &a), EB_OK);
	assert_int_equal(a.id, a2);
	assert_int_equal(account_check_password(f->db, f->d2, "sam", "river stone two", &a), EB_OK);
	assert_int_equal(a.id, a2);
	assert_int_equal(account_check_password(f->db, f->d1, "sam", "river stone two", &a),
			 EB_EAUTH);
	assert_int_equal(account_check_password(f->db, f->d1, "nobody", "river stone two", &a),
			 EB_EAUTH);
}

static void password_policy(void **state)
{
	struct fx *f = *state;
	int64_t id;
	assert_null(account_password_problem("correct horse", "ana", "Ana"));
	assert_null(account_password_problem("edbridge-demo", "teacher", "Teacher"));
	assert_null(account_password_problem("test-password-1", "admin", "Admin"));
	assert_null(account_password_problem("Mañana llueve 7", "ana", "Ana")); /* any characters */
	const char *weak[] = { "password",   "password1",    "Password123",
			       "letmein123", "12345678",     "abcdefgh",
			       "aaaaaaaa",   "qwertyuiop",   "iloveyou",
			       "        ",   "\t \t \t \t ", "1234567",
			       "",	     "mr.jones-99",  NULL };
	for (int i = 0; weak[i]; i++)
		assert_non_null(account_password_problem(weak[i], "mr.jones", "Mr Jones"));
	char big[PASSWORD_MAX + 2];
	memset(big, 'q', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_non_null(account_password_problem(big, "ana", "Ana"));
	/* no composition rules: lower-case words pass */
	assert_null(account_password_problem("purple lantern walks", "ana", "Ana"));
	/* every path that sets a password applies it */
	assert_int_equal(account_create(f->db, f->d1, "weak", "Weak", "password1", NULL, &id),
			 EB_EINVAL);
	assert_int_equal(
		account_create(f->db, f->d1, "ok.pw", "Ok", "purple lantern walks", NULL, &id),
		EB_OK);
	assert_int_equal(account_set_password(f->db, f->d1, id, "football"), EB_EINVAL);
	assert_int_equal(account_set_password(f->db, f->d1, id, "         "), EB_EINVAL);
	assert_int_equal(account_set_password(f->db, f->d2, id, "purple lantern runs"),
			 EB_ENOTFOUND);
}

static void password_reset_ends_sessions(void **state)
{
	struct fx *f = *state;
	int64_t id;
	struct account a, b;
	char tok[64], csrf[64], csrf2[64];
	assert_int_equal(
		account_create(f->db, f->d1, "kim", "Kim", "purple lantern walks", NULL, &id),
		EB_OK);
	assert_int_equal(account_get(f->db, f->d1, id, &a), EB_OK);
	assert_int_equal(session_create(f->db, &a, tok, csrf), EB_OK);
	assert_int_equal(session_lookup(f->db, tok, &b, csrf2), EB_OK);
	assert_int_equal(account_set_password(f->db, f->d1, id, "purple lantern runs"), EB_OK);
	assert_int_equal(session_lookup(f->db, tok, &b, csrf2), EB_EAUTH);
	assert_int_equal(account_check_password(f->db, f->d1, "kim", "purple lantern runs", &b),
			 EB_OK);
	/* a refused password changes nothing and keeps the sessions */
	assert_int_equal(session_create(f->db, &a, tok, csrf), EB_OK);
	assert_int_equal(account_set_password(f->db, f->d1, id, "password"), EB_EINVAL);
	assert_int_equal(session_lookup(f->db, tok, &b, csrf2), EB_OK);
}

static void lock_and_unlock_code(void **state)
{
	struct fx *f = *state;
	int64_t id;
	struct account a;
	char code[32], code2[32];
	assert_int_equal(
		account_create(f->db, f->d1, "lee", "Lee", "purple lantern walks", NULL, &id),
		EB_OK);
	assert_int_equal(account_get(f->db, f->d1, id, &a), EB_OK);
	for (int i = 0; i < ACCOUNT_LOCK_FAILURES; i++)
		assert_int_equal(account_login_attempt(f->db, &a, NULL), EB_OK);
	assert_int_equal(account_login_attempt(f->db, &a, NULL), EB_EBUSY);
	struct account now;
	assert_int_equal(account_get(f->db, f->d1, id, &now), EB_OK);
	assert_true(now.locked);
	assert_int_equal(now.failed_logins, ACCOUNT_LOCK_FAILURES);
	/* an unlock code of the account, not another one's or a wrong one */
	int64_t other;
	assert_int_equal(
		account_create(f->db, f->d1, "lou", "Lou", "purple lantern runs", NULL, &other),
		EB_OK);
	assert_int_equal(account_issue_unlock(f->db, f->d1, other, code2), EB_OK);
	assert_int_equal(account_issue_unlock(f->db, f->d2, id, code), EB_ENOTFOUND);
	assert_int_equal(account_issue_unlock(f->db, f->d1, id, code), EB_OK);
	assert_int_equal(strlen(code), 14);
	assert_int_equal(account_login_attempt(f->db, &a, code2), EB_EBUSY);
	assert_int_equal(account_login_attempt(f->db, &a, "0000-0000-0000"), EB_EBUSY);
	assert_int_equal(account_login_attempt(f->db, &a, "not a code"), EB_EBUSY);
	assert_int_equal(account_login_attempt(f->db, &a, code), EB_OK);
	/* the code is only stored hashed */
	struct db_stmt *st;
	assert_int_equal(db_query(f->db, "SELECT length(unlock_hash) FROM account WHERE id=?1",
				  DB_ARGS(DB_INT(id)), &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 32);
	assert_int_equal(db_done(st), EB_OK);
	assert_int_equal(account_login_succeeded(f->db, &a), EB_OK);
	assert_int_equal(account_get(f->db, f->d1, id, &now), EB_OK);
	assert_false(now.locked);
	assert_int_equal(now.failed_logins, 0);
	assert_int_equal(account_login_attempt(f->db, &a, NULL), EB_OK);
	/* a used code is gone */
	for (int i = 1; i < ACCOUNT_LOCK_FAILURES; i++)
		assert_int_equal(account_login_attempt(f->db, &a, NULL), EB_OK);
	assert_int_equal(account_login_attempt(f->db, &a, code), EB_EBUSY);
}

static void throttles(void **state)
{
	struct fx *f = *state;
	static const struct throttle_rule prog = { THROTTLE_PROGRESSIVE, 3, 30, 120, 3600 };
	static const struct throttle_rule win = { THROTTLE_WINDOW, 4, 900, 0, 0 };
	struct throttle_key k[2];
	int64_t retry;
	account_throttle_key(&k[0], &prog, "pair|1|192.0.2.1");
	account_throttle_key(&k[1], &win, "address|192.0.2.1");
	/* progressive: 3 free, then a wait */
	for (int i = 0; i < 3; i++)
		assert_int_equal(account_throttle_begin(f->db, k, 1, &retry), EB_OK);
	assert_int_equal(account_throttle_begin(f->db, k, 1, &retry), EB_EBUSY);
	assert_true(retry > 25 && retry <= 30);
	/* a success starts it again */
	assert_int_equal(account_throttle_success(f->db, k, 1), EB_OK);
	assert_int_equal(account_throttle_begin(f->db, k, 1, &retry), EB_OK);
	/* window: 4 per window; a blocked key blocks the attempt without counting */
	struct throttle_key w = k[1];
	for (int i = 0; i < 4; i++)
		assert_int_equal(account_throttle_begin(f->db, &w, 1, &retry), EB_OK);
	assert_int_equal(account_throttle_begin(f->db, &w, 1, &retry), EB_EBUSY);
	assert_true(retry > 800 && retry <= 900);
	/* a success gives its attempt back */
	assert_int_equal(account_throttle_success(f->db, &w, 1), EB_OK);
	assert_int_equal(account_throttle_begin(f->db, &w, 1, &retry), EB_OK);
	assert_int_equal(account_throttle_begin(f->db, &w, 1, &retry), EB_EBUSY);
	/* two keys at once: one blocked, nothing counted on the other */
	struct throttle_key fresh[2];
	account_throttle_key(&fresh[0], &prog, "pair|2|192.0.2.1");
	fresh[1] = w;
	assert_int_equal(account_throttle_begin(f->db, fresh, 2, &retry), EB_EBUSY);
	struct db_stmt *st;
	assert_int_equal(db_query(f->db, "SELECT count(*) FROM login_throttle", DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 2);
	assert_int_equal(db_done(st), EB_OK);
	/* many other keys do not displace a counter (nothing is evicted) */
	for (int i = 0; i < 5000; i++) {
		char what[64];
		struct throttle_key junk;
		snprintf(what, sizeof what, "nopair|1|junk%d|192.0.2.1", i);
		account_throttle_key(&junk, &prog, what);
		assert_int_equal(account_throttle_begin(f->db, &junk, 1, &retry), EB_OK);
	}
	assert_int_equal(account_throttle_begin(f->db, &w, 1, &retry), EB_EBUSY);
	/* nothing expired yet: the purge keeps them */
	int64_t n;
	assert_int_equal(session_purge(f->db, &n), EB_OK);
	assert_int_equal(db_query(f->db, "SELECT count(*) FROM login_throttle", DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 5002);
	assert_int_equal(db_done(st), EB_OK);
	/* expired rows go */
	assert_int_equal(db_exec(f->db, "UPDATE login_throttle SET expires_at = 1"), EB_OK);
	assert_int_equal(session_purge(f->db, &n), EB_OK);
	assert_int_equal(db_query(f->db, "SELECT count(*) FROM login_throttle", DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 0);
	assert_int_equal(db_done(st), EB_OK);
	char prefix[9];
	assert_true(account_code_prefix("abcd-efgh-jkmn", prefix));
	assert_string_equal(prefix, "ABCDEFGH");
	assert_false(account_code_prefix("abc", prefix));
}

static void addresses_are_counted_by_client(void **state)
{
	char a[64], b[64];
	auth_address_key("2001:db8:1:2:3:4:5:6", a, sizeof a);
	auth_address_key("2001:db8:1:2::9", b, sizeof b);
	assert_string_equal(a, b); /* one /64, one client */
	auth_address_key("2001:db8:1:3::9", b, sizeof b);
	assert_string_not_equal(a, b);
	auth_address_key("::ffff:192.0.2.1", a, sizeof a);
	auth_address_key("192.0.2.1", b, sizeof b);
	assert_string_equal(a, b);
	auth_address_key("192.0.2.2", a, sizeof a);
	assert_string_not_equal(a, b);
}

/* Runs the embedded migrations numbered below `upto` on a raw connection, as
 * a database made before migration `upto` would be. */
static void old_schema(sqlite3 *h, int upto)
{
	static const char prefix[] = "src/store/migrations/";
	assert_int_equal(sqlite3_exec(h,
				      "PRAGMA foreign_keys=ON; CREATE TABLE schema_version("
				      " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
				      " applied_at INTEGER NOT NULL) STRICT",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	for (const struct embed_file *e = embed_files; e->path; e++) {
		if (strncmp(e->path, prefix, sizeof prefix - 1) != 0)
			continue;
		char num[4] = { 0 };
		int64_t no;
		memcpy(num, e->path + sizeof prefix - 1, 3);
		if (cstr_to_i64(num, 1, 999, &no) || no >= upto)
			continue;
		assert_int_equal(sqlite3_exec(h, e->data, NULL, NULL, NULL), SQLITE_OK);
		char sql[160];
		snprintf(sql, sizeof sql, "INSERT INTO schema_version VALUES(%lld, 'old', 0)",
			 (long long)no);
		assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	}
}

static void migration_keeps_accounts_and_what_hangs_off_them(void **state)
{
	char dir[] = "/tmp/ebsigninXXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], err[256];
	snprintf(path, sizeof path, "%s/old.db", dir);
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	old_schema(h, 11);
	assert_int_equal(
		sqlite3_exec(
			h,
			"INSERT INTO district(id, name) VALUES(1, 'One'), (2, 'Two');"
			"INSERT INTO account(district_id, id, login, display_name, password_hash)"
			" VALUES(1, 7, 'pat', 'Pat', NULL), (2, 8, 'kim', 'Kim', NULL);"
			"INSERT INTO account_role VALUES(1, 7, 'teacher', 'district', '1');"
			"INSERT INTO session VALUES(x'01', 1, 7, 'csrf', 0, 9999999999);"
			"INSERT INTO access_code VALUES(2, x'02', 8, 0, 9999999999, NULL);",
			NULL, NULL, NULL),
		SQLITE_OK);
	/* the old schema refused a login of another district */
	assert_int_not_equal(sqlite3_exec(h,
					  "INSERT INTO account(district_id, login, display_name)"
					  " VALUES(2, 'PAT', 'x')",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	sqlite3_close(h);
	struct db *db;
	assert_int_equal(db_open(path, 0, &db, err, sizeof err), EB_OK);
	assert_true(db_schema_version(db) >= 11);
	struct account a;
	assert_int_equal(account_get(db, 1, 7, &a), EB_OK);
	assert_int_equal(a.nroles, 1);
	assert_false(a.locked);
	struct db_stmt *st;
	assert_int_equal(db_query(db,
				  "SELECT (SELECT count(*) FROM session WHERE account_id=7),"
				  " (SELECT count(*) FROM access_code WHERE account_id=8)",
				  DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 1);
	assert_int_equal(db_col_int(st, 1), 1);
	assert_int_equal(db_done(st), EB_OK);
	int64_t id;
	assert_int_equal(account_create(db, 2, "PAT", "Pat Two", NULL, NULL, &id), EB_OK);
	assert_int_equal(account_create(db, 1, "Pat", "Pat Again", NULL, NULL, &id), EB_EEXIST);
	/* foreign keys are on again, and hold */
	assert_int_equal(db_query(db, "PRAGMA foreign_keys", DB_NOARGS, &st), EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 1);
	assert_int_equal(db_done(st), EB_OK);
	assert_int_not_equal(
		db_exec(db, "INSERT INTO account_role VALUES(1, 999, 'teacher', 'district', '1')"),
		EB_OK);
	db_close(db);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(logins_are_unique_per_district, setup, teardown),
		cmocka_unit_test_setup_teardown(password_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(password_reset_ends_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(lock_and_unlock_code, setup, teardown),
		cmocka_unit_test_setup_teardown(throttles, setup, teardown),
		cmocka_unit_test(addresses_are_counted_by_client),
		cmocka_unit_test(migration_keeps_accounts_and_what_hangs_off_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
