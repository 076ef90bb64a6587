/* Unit tests of domain/access: who sees which student, class and school. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access.h"
#include "domain/account.h"
#include "domain/district.h"
#include "ingest/oneroster.h"
#include "store/db.h"

struct fx {
	struct db *db;
	int64_t d1, d2;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	struct oneroster_report rep;
	if (db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Alder", &f->d1) || district_create(f->db, "Other", &f->d2))
		return -1;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_path(f->db, f->d1, "tests/fixtures/district_a", &rep);
	oneroster_report_free(&rep);
	if (rc)
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

/* An account (no password) with one role. */
static struct account who(struct fx *f, int64_t d, const char *login, const char *person,
			  enum role r, const char *stype, const char *sid)
{
	int64_t id;
	struct account a;
	assert_int_equal(account_create(f->db, d, login, login, NULL, person, &id), EB_OK);
	assert_int_equal(account_add_role(f->db, d, id, r, stype, sid), EB_OK);
	assert_int_equal(account_get(f->db, d, id, &a), EB_OK);
	return a;
}

#define SEES(a, fn, id) assert_int_equal(fn(f->db, &(a), id), EB_OK)
#define HIDDEN(a, fn, id) assert_int_equal(fn(f->db, &(a), id), EB_ENOTFOUND)

static void district_roles_see_the_district(void **state)
{
	struct fx *f = *state;
	struct account admin = who(f, f->d1, "admin", NULL, ROLE_DISTRICT_ADMIN, "district", "1");
	SEES(admin, access_student, "stu-3");
	SEES(admin, access_class, "cls-a2-3");
	SEES(admin, access_school, "sch-a2");
	HIDDEN(admin, access_student, "nobody");
	HIDDEN(admin, access_student, "tch-1"); /* a teacher is not a student record */
	assert_true(access_all_students(&admin));
	struct account other = who(f, f->d2, "other", NULL, ROLE_DISTRICT_ADMIN, "district", "2");
	HIDDEN(other, access_student, "stu-1");
	HIDDEN(other, access_class, "cls-a1-3");
	HIDDEN(other, access_school, "sch-a1");
}

static void school_and_class_roles_stay_in_scope(void **state)
{
	struct fx *f = *state;
	struct account p = who(f, f->d1, "princ", "prn-1", ROLE_PRINCIPAL, "school", "sch-a1");
	SEES(p, access_student, "stu-1");
	HIDDEN(p, access_student, "stu-3");
	SEES(p, access_class, "cls-a1-3");
	HIDDEN(p, access_class, "cls-a2-3");
	HIDDEN(p, access_school, "sch-a2");
	struct account t = who(f, f->d1, "teach", "tch-1", ROLE_TEACHER, "school", "sch-a1");
	SEES(t, access_student, "stu-2");
	HIDDEN(t, access_student, "stu-3");
	SEES(t, access_class, "cls-a1-3");
	HIDDEN(t, access_class, "cls-a2-3");
	/* a teacher with only a class-scoped role and no roster link */
	struct account tc = who(f, f->d1, "sub", NULL, ROLE_TEACHER, "class", "cls-a2-3");
	SEES(tc, access_student, "stu-3");
	HIDDEN(tc, access_student, "stu-1");
	SEES(tc, access_class, "cls-a2-3");
	struct account it = who(f, f->d1, "itstaff", NULL, ROLE_IT_STAFF, "district", "1");
	HIDDEN(it, access_student, "stu-1");
	HIDDEN(it, access_class, "cls-a1-3");
	SEES(it, access_school, "sch-a1");
	assert_false(access_any_students(&it));
}

static void families_see_their_own(void **state)
{
	struct fx *f = *state;
	struct account g = who(f, f->d1, "gloria", "gdn-1", ROLE_GUARDIAN, "person", "stu-1");
	SEES(g, access_student, "stu-1");
	HIDDEN(g, access_student, "stu-2");
	HIDDEN(g, access_class, "cls-a1-3");
	/* the roster's guardianship alone (no person-scoped role for that child) */
	struct account g2 = who(f, f->d1, "gloria2", "gdn-1", ROLE_GUARDIAN, "person", "stu-2");
	SEES(g2, access_student, "stu-1");
	struct account s = who(f, f->d1, "sam", "stu-1", ROLE_STUDENT, "person", "stu-1");
	SEES(s, access_student, "stu-1");
	HIDDEN(s, access_student, "stu-2");
	HIDDEN(s, access_school, "sch-a1");
}

/* One scope rule for the aggregate reports (What's working, an
 * initiative's use and evaluation): the district for those who see it,
 * else the account's own school; another school is not found. */
static void report_scope_is_one_rule(void **state)
{
	struct fx *f = *state;
	const char *s = "x";
	struct account admin = who(f, f->d1, "admin", NULL, ROLE_DISTRICT_ADMIN, "district", "1");
	assert_int_equal(access_report_school(f->db, &admin, NULL, &s), EB_OK);
	assert_null(s);
	assert_int_equal(access_report_school(f->db, &admin, "", &s), EB_OK);
	assert_null(s);
	assert_int_equal(access_report_school(f->db, &admin, "sch-a2", &s), EB_OK);
	assert_string_equal(s, "sch-a2");
	assert_int_equal(access_report_school(f->db, &admin, "sch-zz", &s), EB_ENOTFOUND);
	struct account p = who(f, f->d1, "princ", "prn-1", ROLE_PRINCIPAL, "school", "sch-a1");
	assert_int_equal(access_report_school(f->db, &p, NULL, &s), EB_OK);
	assert_string_equal(s, "sch-a1");
	assert_int_equal(access_report_school(f->db, &p, "sch-a1", &s), EB_OK);
	assert_string_equal(s, "sch-a1");
	assert_int_equal(access_report_school(f->db, &p, "sch-a2", &s), EB_ENOTFOUND);
	struct account it = who(f, f->d1, "itstaff", NULL, ROLE_IT_STAFF, "district", "1");
	assert_int_equal(access_report_school(f->db, &it, NULL, &s), EB_EPERM);
	struct account other = who(f, f->d2, "other", NULL, ROLE_DISTRICT_ADMIN, "district", "2");
	assert_int_equal(access_report_school(f->db, &other, "sch-a1", &s), EB_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(district_roles_see_the_district, setup, teardown),
		cmocka_unit_test_setup_teardown(school_and_class_roles_stay_in_scope, setup,
						teardown),
		cmocka_unit_test_setup_teardown(families_see_their_own, setup, teardown),
		cmocka_unit_test_setup_teardown(report_scope_is_one_rule, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
