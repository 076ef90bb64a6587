/* Unit tests of family sign-in links (domain/family_link.h): a link only for
 * a child of the guardianship, the family account made once with exactly the
 * roster's children, a check that spends nothing, a redemption that works
 * once (also when two threads race for it), expiry, and malformed tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/account.h"
#include "domain/district.h"
#include "domain/family_link.h"
#include "store/db.h"

struct fx {
	struct db *db;
	int64_t d;
	char path[64];
};

static enum eb_err person(struct db *db, int64_t d, const char *sid, const char *role)
{
	return db_execute(db,
			  "INSERT INTO person(district_id, sourced_id, org_sourced_ids, role,"
			  " given_name, family_name) VALUES(?1, ?2, 'sch-1', ?3, 'Ana', 'Ruiz')",
			  DB_ARGS(DB_INT(d), DB_TEXT(sid), DB_TEXT(role)), NULL);
}

static enum eb_err guardian_of(struct db *db, int64_t d, const char *g, const char *s)
{
	return db_execute(db, "INSERT INTO guardianship VALUES(?1, ?2, ?3)",
			  DB_ARGS(DB_INT(d), DB_TEXT(g), DB_TEXT(s)), NULL);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	snprintf(f->path, sizeof f->path, "/tmp/eb-link-%d.db", (int)getpid());
	unlink(f->path);
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "One", &f->d))
		return -1;
	/* Ana (gdn-1) is the guardian of two children; Bo (gdn-2) of a third */
	const char *people[][2] = { { "gdn-1", "guardian" }, { "gdn-2", "guardian" },
				    { "stu-1", "student" },  { "stu-2", "student" },
				    { "stu-3", "student" },  { "gdn/odd id", "guardian" } };
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++)
		if (person(f->db, f->d, people[i][0], people[i][1]))
			return -1;
	if (guardian_of(f->db, f->d, "gdn-1", "stu-1") ||
	    guardian_of(f->db, f->d, "gdn-1", "stu-2") ||
	    guardian_of(f->db, f->d, "gdn-2", "stu-3") ||
	    guardian_of(f->db, f->d, "gdn/odd id", "stu-3"))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	unlink(f->path);
	free(f);
	return 0;
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(db, sql, NULL, 0, &n), EB_OK);
	return n;
}

static void only_for_a_child_of_the_guardianship(void **state)
{
	struct fx *f = *state;
	char token[64];
	assert_int_equal(family_link_issue(f->db, f->d, "gdn-2", "stu-1", FAMILY_LINK_EMAIL, token),
			 EB_ENOTFOUND);
	assert_int_equal(
		family_link_issue(f->db, f->d, "nobody", "stu-1", FAMILY_LINK_EMAIL, token),
		EB_ENOTFOUND);
	assert_int_equal(family_link_issue(f->db, f->d, "", "stu-1", FAMILY_LINK_EMAIL, token),
			 EB_EINVAL);
	/* nothing stored on the way: no link, no account */
	assert_int_equal(count(f->db, "SELECT count(*) FROM family_link"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM account"), 0);
}

static void the_account_is_made_once_with_the_rosters_children(void **state)
{
	struct fx *f = *state;
	char t1[64], t2[64];
	assert_int_equal(family_link_issue(f->db, f->d, "gdn-1", "stu-1", FAMILY_LINK_EMAIL, t1),
			 EB_OK);
	assert_int_equal(family_link_issue(f->db, f->d, "gdn-1", "stu-2", FAMILY_LINK_LETTER, t2),
			 EB_OK);
	assert_int_equal(strlen(t1), FAMILY_LINK_TOKEN_LEN);
	assert_string_not_equal(t1, t2);
	assert_int_equal(count(f->db, "SELECT count(*) FROM account"), 1);
	assert_int_equal(count(f->db, "SELECT count(*) FROM account_role WHERE role='guardian'"
				      " AND scope_type='person' AND scope_id IN ('stu-1','stu-2')"),
			 2);
	assert_int_equal(count(f->db, "SELECT count(*) FROM account_role"), 2);
	/* a letter lasts 30 days, a message 7 */
	assert_int_equal(count(f->db, "SELECT max(expires_at-created_at) FROM family_link"),
			 FAMILY_LINK_TTL_LETTER_S);
	assert_int_equal(count(f->db, "SELECT min(expires_at-created_at) FROM family_link"),
			 FAMILY_LINK_TTL_MESSAGE_S);
	/* a sourced id a login cannot hold */
	int64_t id;
	struct account a;
	assert_int_equal(family_account_ensure(f->db, f->d, "gdn/odd id", &id), EB_OK);
	assert_int_equal(account_get(f->db, f->d, id, &a), EB_OK);
	assert_string_equal(a.login, "family-gdn_odd_id");
	assert_string_equal(a.person_sid, "gdn/odd id");
	assert_false(a.has_password);
}

static void a_link_works_once(void **state)
{
	struct fx *f = *state;
	char token[64], sid[ACCOUNT_ID_MAX];
	struct account a;
	enum family_link_state st;
	assert_int_equal(family_link_issue(f->db, f->d, "gdn-1", "stu-2", FAMILY_LINK_SMS, token),
			 EB_OK);
	/* the token is not what is stored */
	int64_t plain = -1;
	assert_int_equal(db_get_int(f->db, "SELECT count(*) FROM family_link WHERE token_hash=?1",
				    DB_ARGS(DB_BLOB(token, strlen(token))), &plain),
			 EB_OK);
	assert_int_equal(plain, 0);
	for (int i = 0; i < 2; i++) { /* a check spends nothing */
		assert_int_equal(family_link_check(f->db, token, &st, &a), EB_OK);
		assert_int_equal(st, FAMILY_LINK_OK);
	}
	assert_int_equal(family_link_redeem(f->db, token, &st, &a, sid), EB_OK);
	assert_int_equal(st, FAMILY_LINK_OK);
	assert_string_equal(sid, "stu-2");
	assert_string_equal(a.person_sid, "gdn-1");
	assert_int_equal(family_link_redeem(f->db, token, &st, &a, sid), EB_OK);
	assert_int_equal(st, FAMILY_LINK_USED);
	assert_int_equal(family_link_check(f->db, token, &st, &a), EB_OK);
	assert_int_equal(st, FAMILY_LINK_USED);
}

static void expired_disabled_and_malformed(void **state)
{
	struct fx *f = *state;
	char token[64], sid[ACCOUNT_ID_MAX];
	struct account a;
	enum family_link_state st;
	assert_int_equal(family_link_issue(f->db, f->d, "gdn-2", "stu-3", FAMILY_LINK_EMAIL, token),
			 EB_OK);
	assert_int_equal(db_execute(f->db, "UPDATE family_link SET expires_at=1", NULL, 0, NULL),
			 EB_OK);
	assert_int_equal(family_link_redeem(f->db, token, &st, &a, sid), EB_OK);
	assert_int_equal(st, FAMILY_LINK_EXPIRED);
	assert_int_equal(count(f->db, "SELECT count(*) FROM family_link WHERE used_at IS NOT NULL"),
			 0);
	int64_t n = 0;
	assert_int_equal(family_link_purge(f->db, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(family_link_check(f->db, token, &st, &a), EB_OK);
	assert_int_equal(st, FAMILY_LINK_UNKNOWN);
	/* a disabled account's link does not sign in */
	assert_int_equal(family_link_issue(f->db, f->d, "gdn-2", "stu-3", FAMILY_LINK_EMAIL, token),
			 EB_OK);
	int64_t id;
	assert_int_equal(family_account_ensure(f->db, f->d, "gdn-2", &id), EB_OK);
	assert_int_equal(account_set_disabled(f->db, f->d, id, true), EB_OK);
	assert_int_equal(family_link_redeem(f->db, token, &st, &a, sid), EB_OK);
	assert_int_equal(st, FAMILY_LINK_DISABLED);
	const char *bad[] = { "", "short", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
			      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(family_link_redeem(f->db, bad[i], &st, &a, sid), EB_OK);
		assert_int_equal(st, FAMILY_LINK_UNKNOWN);
	}
	char url[128];
	assert_true(family_link_url("https://x.example//", "tok", url, sizeof url));
	assert_string_equal(url, "https://x.example/f/tok");
	assert_false(family_link_url("", "tok", url, sizeof url));
	assert_false(family_link_url("https://x.example", "tok", url, 10));
}

struct race {
	const char *path, *token;
	enum family_link_state st;
	pthread_barrier_t *go;
};

static void *redeem_thread(void *arg)
{
	struct race *r = arg;
	struct db *db;
	char err[256], sid[ACCOUNT_ID_MAX];
	struct account a;
	r->st = FAMILY_LINK_UNKNOWN;
	if (db_open(r->path, 0, &db, err, sizeof err))
		return NULL;
	pthread_barrier_wait(r->go);
	if (family_link_redeem(db, r->token, &r->st, &a, sid))
		r->st = FAMILY_LINK_UNKNOWN;
	db_close(db);
	return NULL;
}

static void two_redemptions_cannot_both_succeed(void **state)
{
	struct fx *f = *state;
	for (int round = 0; round < 20; round++) {
		char token[64];
		assert_int_equal(
			family_link_issue(f->db, f->d, "gdn-1", "stu-1", FAMILY_LINK_EMAIL, token),
			EB_OK);
		pthread_barrier_t go;
		pthread_barrier_init(&go, NULL, 4);
		struct race r[4];
		pthread_t th[4];
		for (int i = 0; i < 4; i++) {
			r[i] = (struct race){ f->path, token, FAMILY_LINK_UNKNOWN, &go };
			pthread_create(&th[i], NULL, redeem_thread, &r[i]);
		}
		int ok = 0, used = 0;
		for (int i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			ok += r[i].st == FAMILY_LINK_OK;
			used += r[i].st == FAMILY_LINK_USED;
		}
		pthread_barrier_destroy(&go);
		assert_int_equal(ok, 1);
		assert_int_equal(used, 3);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(only_for_a_child_of_the_guardianship, setup,
						teardown),
		cmocka_unit_test_setup_teardown(the_account_is_made_once_with_the_rosters_children,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_link_works_once, setup, teardown),
		cmocka_unit_test_setup_teardown(expired_disabled_and_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(two_redemptions_cannot_both_succeed, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
