/* Unit tests of domain/account, domain/audit, domain/district and store/db. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/account.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "store/db.h"

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

static void migrations_are_recorded(void **state)
{
	struct fx *f = *state;
	assert_true(db_schema_version(f->db) >= 1);
	int64_t id;
	assert_int_equal(district_only(f->db, &id), EB_ECONFLICT);
	assert_int_equal(district_create(f->db, "   ", &id), EB_EINVAL);
}

static void passwords_verify_and_fail_alike(void **state)
{
	struct fx *f = *state;
	int64_t id;
	struct account a;
	assert_int_equal(account_create(f->db, f->d1, "ana.t", "Ana T", "correct horse", NULL, &id),
			 EB_OK);
	assert_int_equal(account_create(f->db, f->d1, "ANA.T", "dup", "correct horse", NULL, &id),
			 EB_EEXIST);
	assert_int_equal(account_create(f->db, f->d1, "x", "short", "correct horse", NULL, &id),
			 EB_EINVAL);
	assert_int_equal(
		account_create(f->db, f->d1, "bad login!", "b", "correct horse", NULL, &id),
		EB_EINVAL);
	assert_int_equal(account_create(f->db, f->d1, "shortpw", "s", "1234567", NULL, &id),
			 EB_EINVAL);
	assert_int_equal(account_check_password(f->db, f->d1, "ana.t", "correct horse", &a), EB_OK);
	assert_string_equal(a.display_name, "Ana T");
	assert_int_equal(account_check_password(f->db, f->d1, "ana.t", "wrong horse", &a),
			 EB_EAUTH);
	assert_int_equal(account_check_password(f->db, f->d1, "nobody", "correct horse", &a),
			 EB_EAUTH);
	/* the stored hash is Argon2id, never the password */
	struct db_stmt *st;
	assert_int_equal(db_query(f->db, "SELECT password_hash FROM account WHERE login='ana.t'",
				  DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_non_null(strstr(db_col_text(st, 0), "$argon2id$"));
	assert_null(strstr(db_col_text(st, 0), "horse"));
	assert_int_equal(db_done(st), EB_OK);
	/* disabled accounts cannot log in */
	assert_int_equal(account_find_login(f->db, f->d1, "ana.t", &a), EB_OK);
	assert_int_equal(account_set_disabled(f->db, f->d1, a.id, true), EB_OK);
	assert_int_equal(account_check_password(f->db, f->d1, "ana.t", "correct horse", &a),
			 EB_EAUTH);
}

static void roles_fit_their_scopes(void **state)
{
	struct fx *f = *state;
	int64_t id;
	struct account a;
	assert_int_equal(account_create(f->db, f->d1, "pat", "Pat", "pat principal 77", NULL, &id),
			 EB_OK);
	assert_int_equal(account_add_role(f->db, f->d1, id, ROLE_PRINCIPAL, "school", "sch-1"),
			 EB_OK);
	assert_int_equal(account_add_role(f->db, f->d1, id, ROLE_PRINCIPAL, "district", "1"),
			 EB_EINVAL);
	assert_int_equal(account_add_role(f->db, f->d1, id, ROLE_GUARDIAN, "school", "sch-1"),
			 EB_EINVAL);
	assert_int_equal(account_add_role(f->db, f->d1, id, ROLE_TEACHER, "class", "cls-1"), EB_OK);
	/* another district cannot touch this account */
	assert_int_equal(account_add_role(f->db, f->d2, id, ROLE_TEACHER, "class", "cls-2"), EB_OK);
	assert_int_equal(account_get(f->db, f->d2, id, &a), EB_ENOTFOUND);
	assert_int_equal(account_get(f->db, f->d1, id, &a), EB_OK);
	assert_int_equal(a.nroles, 2);
	assert_true(a.role_mask & (1u << ROLE_PRINCIPAL));
	assert_true(a.role_mask & (1u << ROLE_TEACHER));
	assert_int_equal(account_remove_role(f->db, f->d1, id, ROLE_TEACHER, "class", "cls-1"),
			 EB_OK);
	assert_int_equal(account_remove_role(f->db, f->d1, id, ROLE_TEACHER, "class", "cls-1"),
			 EB_ENOTFOUND);
	enum role r;
	assert_true(role_parse("parent", &r));
	assert_int_equal(r, ROLE_GUARDIAN);
	assert_true(role_parse("tech-champion", &r));
	assert_false(role_parse("superuser", &r));
}

static void sessions_and_codes(void **state)
{
	struct fx *f = *state;
	int64_t id;
	struct account a, b;
	char tok[64], csrf[64], csrf2[64], code[32];
	assert_int_equal(account_create(f->db, f->d1, "fam", "A Family", NULL, "stu-1", &id),
			 EB_OK);
	assert_int_equal(account_check_password(f->db, f->d1, "fam", "anything at all", &a),
			 EB_EAUTH);
	assert_int_equal(account_get(f->db, f->d1, id, &a), EB_OK);
	assert_int_equal(session_create(f->db, &a, tok, csrf), EB_OK);
	assert_int_equal(strlen(tok), SESSION_TOKEN_LEN);
	assert_int_equal(session_lookup(f->db, tok, &b, csrf2), EB_OK);
	assert_int_equal(b.id, id);
	assert_string_equal(csrf, csrf2);
	tok[3] = tok[3] == 'A' ? 'B' : 'A';
	assert_int_equal(session_lookup(f->db, tok, &b, csrf2), EB_EAUTH);
	assert_int_equal(session_lookup(f->db, "short", &b, csrf2), EB_EAUTH);
	tok[3] = csrf[0]; /* any change */
	/* codes: one use, typed loosely */
	assert_int_equal(account_issue_code(f->db, f->d1, id, 30, code), EB_OK);
	assert_int_equal(strlen(code), 14);
	char typed[40];
	snprintf(typed, sizeof typed, " %s ", code);
	for (char *p = typed; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	assert_int_equal(account_redeem_code(f->db, typed, &b), EB_OK);
	assert_int_equal(b.id, id);
	assert_int_equal(account_redeem_code(f->db, code, &b), EB_EAUTH);
	assert_int_equal(account_redeem_code(f->db, "0000-0000-0000", &b), EB_EAUTH);
	assert_int_equal(account_redeem_code(f->db, "not a code", &b), EB_EAUTH);
	assert_int_equal(account_issue_code(f->db, f->d2, id, 30, code), EB_ENOTFOUND);
	/* codes and tokens are stored hashed */
	struct db_stmt *st;
	assert_int_equal(db_query(f->db,
				  "SELECT count(*) FROM access_code"
				  " WHERE typeof(code_hash)='blob' AND length(code_hash)=32",
				  DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 1);
	assert_int_equal(db_done(st), EB_OK);
}

static void audit_lists_newest_first(void **state)
{
	struct fx *f = *state;
	struct audit_actor who = { 0, "cli", "" };
	assert_int_equal(audit_record(f->db, f->d1, &who, "view", "student", "s1", "record"),
			 EB_OK);
	assert_int_equal(audit_record(f->db, f->d1, &who, "view", "student", "s2", "record"),
			 EB_OK);
	assert_int_equal(audit_record(f->db, f->d2, &who, "view", "student", "s3", "record"),
			 EB_OK);
	struct arena ar;
	arena_init(&ar);
	struct audit_entry *e;
	size_t n;
	struct audit_filter flt = { .subject_type = "student", .limit = 10 };
	assert_int_equal(audit_list(f->db, f->d1, &flt, &ar, &e, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].subject_id, "s2");
	flt.subject_id = "s3";
	assert_int_equal(audit_list(f->db, f->d1, &flt, &ar, &e, &n), EB_OK);
	assert_int_equal(n, 0);
	arena_free(&ar);
}

static void backup_and_restore_round_trip(void **state)
{
	char dir[] = "/tmp/ebtestXXXXXX";
	assert_non_null(mkdtemp(dir));
	char dbp[128], bk[128], err[256];
	snprintf(dbp, sizeof dbp, "%s/a.db", dir);
	snprintf(bk, sizeof bk, "%s/b.db", dir);
	struct db *db;
	int64_t d;
	assert_int_equal(db_open(dbp, DB_OPEN_CREATE, &db, err, sizeof err), EB_OK);
	assert_int_equal(district_create(db, "Backed up", &d), EB_OK);
	assert_int_equal(db_backup(db, bk, err, sizeof err), EB_OK);
	assert_int_equal(db_backup(db, bk, err, sizeof err), EB_EEXIST);
	assert_int_equal(district_create(db, "After backup", &d), EB_OK);
	db_close(db);
	assert_int_equal(db_restore(dbp, bk, false, err, sizeof err), EB_EEXIST);
	assert_int_equal(db_restore(dbp, bk, true, err, sizeof err), EB_OK);
	assert_int_equal(db_open(dbp, 0, &db, err, sizeof err), EB_OK);
	assert_int_equal(district_only(db, &d), EB_OK);
	db_close(db);
	char junk[128];
	snprintf(junk, sizeof junk, "%s/junk.db", dir);
	FILE *fp = fopen(junk, "w");
	fputs("not a database", fp);
	fclose(fp);
	assert_int_not_equal(db_restore(dbp, junk, true, err, sizeof err), EB_OK);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(migrations_are_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(passwords_verify_and_fail_alike, setup, teardown),
		cmocka_unit_test_setup_teardown(roles_fit_their_scopes, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions_and_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_lists_newest_first, setup, teardown),
		cmocka_unit_test(backup_and_restore_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
