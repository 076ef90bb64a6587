#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/hashset.h"
#include "domain/district.h"
#include "domain/roster.h"
#include "ingest/oneroster.h"
#include "store/db.h"
#include "roster_fixture.h"

struct fx {
	struct db *db;
	int64_t d, other;
	struct arena a;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[200];
	if (db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d) || district_create(f->db, "Other", &f->other))
		return -1;
	struct oneroster_file files[FX_COUNT];
	size_t n = fx_files(files, -1, NULL);
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_files(f->db, f->d, files, n, &rep);
	oneroster_report_free(&rep);
	if (rc)
		return -1;
	arena_init(&f->a);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->a);
	db_close(f->db);
	free(f);
	return 0;
}

static void test_schools_and_classes(void **state)
{
	struct fx *f = *state;
	struct roster_org_row *orgs;
	size_t n;
	assert_int_equal(roster_schools(f->db, f->d, &f->a, &orgs, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(orgs[0].name, "Alpha High");
	assert_string_equal(orgs[1].sourced_id, "s2");
	/* another district sees nothing */
	assert_int_equal(roster_schools(f->db, f->other, &f->a, &orgs, &n), EB_OK);
	assert_int_equal(n, 0);

	struct roster_class_row *cls;
	assert_int_equal(roster_school_classes(f->db, f->d, "s1", &f->a, &cls, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(cls[0].title, "Algebra I - P1");
	assert_string_equal(cls[0].class_type, "scheduled");
	assert_int_equal(roster_school_classes(f->db, f->d, "s2", &f->a, &cls, &n), EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(roster_teacher_classes(f->db, f->d, "u-t1", &f->a, &cls, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(roster_student_classes(f->db, f->d, "u-s1", &f->a, &cls, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(cls[0].sourced_id, "k1");

	struct roster_org_row school;
	assert_int_equal(roster_class_school(f->db, f->d, "k2", &f->a, &school), EB_OK);
	assert_string_equal(school.sourced_id, "s1");
	assert_int_equal(roster_class_school(f->db, f->d, "nope", &f->a, &school), EB_ENOTFOUND);
	assert_int_equal(roster_class_school(f->db, f->other, "k2", &f->a, &school), EB_ENOTFOUND);
}

static void test_class_people(void **state)
{
	struct fx *f = *state;
	struct roster_person_row *p;
	size_t n;
	assert_int_equal(roster_class_students(f->db, f->d, "k1", &f->a, &p, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(p[0].family_name, "Diaz"); /* by family name */
	assert_string_equal(p[1].given_name, "Ann");
	assert_string_equal(p[1].grades, "09");
	assert_int_equal(roster_class_teachers(f->db, f->d, "k1", &f->a, &p, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].sourced_id, "u-t1");
}

static void test_person_get(void **state)
{
	struct fx *f = *state;
	struct roster_person_row p;
	assert_int_equal(roster_person_get(f->db, f->d, "u-s2", &f->a, &p), EB_OK);
	assert_string_equal(p.role, "student");
	assert_string_equal(p.home_language, "vi");
	assert_int_equal(p.english_learner, 0);
	assert_int_equal(p.disability, 1);
	assert_int_equal(p.home_internet, -1);
	assert_int_equal(p.enabled_user, 1);
	assert_null(p.middle_name);
	assert_int_equal(roster_person_get(f->db, f->d, "u-g1", &f->a, &p), EB_OK);
	assert_int_equal(p.home_internet, 0);
	assert_int_equal(roster_person_get(f->db, f->d, "zz", &f->a, &p), EB_ENOTFOUND);
	assert_int_equal(roster_person_get(f->db, f->other, "u-s2", &f->a, &p), EB_ENOTFOUND);
}

static void test_guardians(void **state)
{
	struct fx *f = *state;
	struct roster_person_row *p;
	size_t n;
	assert_int_equal(roster_guardian_children(f->db, f->d, "u-g2", &f->a, &p, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].sourced_id, "u-s2");
	assert_int_equal(roster_student_guardians(f->db, f->d, "u-s1", &f->a, &p, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(p[0].sourced_id, "u-g1");
	assert_true(roster_is_guardian_of(f->db, f->d, "u-g1", "u-s1"));
	assert_false(roster_is_guardian_of(f->db, f->other, "u-g1", "u-s1"));
	assert_false(roster_is_guardian_of(f->db, f->d, NULL, "u-s1"));
}

static void test_authz_checks(void **state)
{
	struct fx *f = *state;
	assert_true(roster_person_in_school(f->db, f->d, "u-s1", "s1"));
	assert_false(roster_person_in_school(f->db, f->d, "u-s1", "s2"));
	assert_false(roster_person_in_school(f->db, f->d, "u-s1", "s")); /* no prefix match */
	assert_false(roster_person_in_school(f->db, f->other, "u-s1", "s1"));
	assert_true(roster_student_in_teacher_class(f->db, f->d, "u-t1", "u-s1"));
	assert_true(roster_student_in_teacher_class(f->db, f->d, "u-t1", "u-s2"));
	assert_false(roster_student_in_teacher_class(f->db, f->d, "u-s1", "u-s2"));
	assert_false(roster_student_in_teacher_class(f->db, f->other, "u-t1", "u-s1"));

	struct roster_org_row *orgs;
	size_t n;
	assert_int_equal(roster_person_schools(f->db, f->d, "u-t1", &f->a, &orgs, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(orgs[0].sourced_id, "s1");
}

static void test_counts(void **state)
{
	struct fx *f = *state;
	struct roster_counts c;
	assert_int_equal(roster_count(f->db, f->d, &c), EB_OK);
	assert_int_equal(c.schools, 2);
	assert_int_equal(c.classes, 2);
	assert_int_equal(c.students, 2);
	assert_int_equal(c.teachers, 1);
	assert_int_equal(c.guardians, 2);
	assert_int_equal(roster_count(f->db, f->other, &c), EB_OK);
	assert_int_equal(c.students, 0);
}

static void test_put_unchanged(void **state)
{
	struct fx *f = *state;
	struct roster_val v[7] = {
		{ RV_TEXT, "s9", 2, 0 },   { RV_TEXT, "active", 6, 0 }, { RV_NULL, NULL, 0, 0 },
		{ RV_TEXT, "Nine", 4, 0 }, { RV_TEXT, "school", 6, 0 }, { RV_NULL, NULL, 0, 0 },
		{ RV_TEXT, "d1", 2, 0 },
	};
	bool changed;
	assert_int_equal(roster_put(f->db, f->d, ROSTER_ORG, v, &changed), EB_OK);
	assert_true(changed);
	assert_int_equal(roster_put(f->db, f->d, ROSTER_ORG, v, &changed), EB_OK);
	assert_false(changed);
	v[3].p = "Nein";
	assert_int_equal(roster_put(f->db, f->d, ROSTER_ORG, v, &changed), EB_OK);
	assert_true(changed);
	bool del;
	assert_int_equal(roster_delete(f->db, f->d, ROSTER_ORG, "s9", 2, &del), EB_OK);
	assert_true(del);
	assert_int_equal(roster_delete(f->db, f->d, ROSTER_ORG, "s9", 2, &del), EB_OK);
	assert_false(del);
}

static void test_hashset(void **state)
{
	struct hashset h;
	hs_init(&h);
	static char keys[20000][16];
	for (int i = 0; i < 20000; i++) {
		snprintf(keys[i], sizeof keys[i], "k%d", i);
		assert_int_equal(hs_put(&h, str_from(keys[i]), i, NULL), EB_OK);
	}
	assert_int_equal(h.count, 20000);
	int32_t v, old;
	assert_true(hs_get(&h, str_from("k1234"), &v));
	assert_int_equal(v, 1234);
	assert_false(hs_get(&h, str_from("k20000"), NULL));
	assert_int_equal(hs_put(&h, str_from("k7"), 99, &old), EB_EEXIST);
	assert_int_equal(old, 7);
	assert_int_equal(hs_set(&h, str_from("k7"), 99), EB_OK);
	assert_true(hs_get(&h, str_from("k7"), &v));
	assert_int_equal(v, 99);
	assert_int_equal(hs_put(&h, (struct str){ "", 0 }, 5, NULL), EB_OK);
	assert_true(hs_get(&h, (struct str){ "", 0 }, &v));
	assert_int_equal(v, 5);
	hs_free(&h);
	assert_false(hs_get(&h, str_from("k1"), NULL));
}

/* A list grows past its first block: every row kept, in order. */
static void test_list_grows(void **state)
{
	struct fx *f = *state;
	char sid[32], name[32];
	for (int i = 0; i < 40; i++) {
		snprintf(sid, sizeof sid, "g%d", i);
		snprintf(name, sizeof name, "School %02d", i);
		assert_int_equal(db_execute(f->db,
					    "INSERT INTO org(district_id,sourced_id,name,type)"
					    " VALUES(?1,?2,?3,'school')",
					    DB_ARGS(DB_INT(f->other), DB_TEXT(sid), DB_TEXT(name)),
					    NULL),
				 EB_OK);
	}
	struct roster_org_row *orgs;
	size_t n;
	assert_int_equal(roster_schools(f->db, f->other, &f->a, &orgs, &n), EB_OK);
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof name, "School %02zu", i);
		assert_string_equal(orgs[i].name, name);
		assert_string_equal(orgs[i].type, "school");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_schools_and_classes), T(test_class_people),	     T(test_person_get),
		T(test_guardians),	     T(test_authz_checks),	     T(test_counts),
		T(test_put_unchanged),	     cmocka_unit_test(test_hashset), T(test_list_grows),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
