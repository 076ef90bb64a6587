/* Unit tests of the device inventory (domain/device, ingest/device_csv):
 * names and their parsing, the import by profile with its refusals (nothing
 * stored), the upsert rules (by asset tag, by serial, a held device keeps
 * its status), check-out and check-in with their refusals (a person of
 * another district, a guardian, a loaner without a due date, a past date),
 * loans overdue as of a day, the list's filters, hotspots lent to families
 * without home internet. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "domain/audit.h"
#include "domain/device.h"
#include "domain/district.h"
#include "ingest/device_csv.h"
#include "store/db.h"

struct fx {
	char path[64];
	struct db *db;
	int64_t d, d2;
};

static const struct audit_actor it = { 3, "itstaff", "127.0.0.1" };

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->db, sql, DB_ARGS(DB_INT(f->d)), &n), EB_OK);
	return n;
}

static void exec_ok(struct fx *f, int64_t d, const char *sql)
{
	assert_int_equal(db_execute(f->db, sql, DB_ARGS(DB_INT(d)), NULL), EB_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_device_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d) || district_create(f->db, "Other", &f->d2))
		return -1;
	exec_ok(f, f->d,
		"INSERT INTO org(district_id, sourced_id, name, type, identifier) VALUES"
		" (?1, 'sch-1', 'Birch Elementary', 'school', 'BE'),"
		" (?1, 'sch-2', 'Cedar Elementary', 'school', 'CE')");
	exec_ok(f, f->d,
		"INSERT INTO person(district_id, sourced_id, org_sourced_ids, role, username,"
		" email, given_name, family_name, home_internet) VALUES"
		" (?1, 'stu-1', 'sch-1', 'student', 'sam.one', NULL, 'Sam', 'One', NULL),"
		" (?1, 'stu-2', 'sch-2', 'student', 'sara.two', NULL, 'Sara', 'Two', NULL),"
		" (?1, 'tch-1', 'sch-1', 'teacher', 'tina', 'tina@x.example', 'Tina', 'Teach', "
		"NULL),"
		" (?1, 'gdn-1', 'sch-1', 'guardian', 'gloria', NULL, 'Gloria', 'One', 0),"
		" (?1, 'gdn-2', 'sch-2', 'guardian', 'gus', NULL, 'Gus', 'Two', 0)");
	exec_ok(f, f->d,
		"INSERT INTO guardianship VALUES (?1, 'gdn-1', 'stu-1'), (?1, 'gdn-2', 'stu-2')");
	exec_ok(f, f->d,
		"INSERT INTO enrollment(district_id, sourced_id, class_sourced_id,"
		" school_sourced_id, user_sourced_id, role) VALUES"
		" (?1, 'e1', 'c1', 'sch-1', 'stu-1', 'student'),"
		" (?1, 'e2', 'c2', 'sch-2', 'stu-2', 'student')");
	/* a student of the other district only */
	exec_ok(f, f->d2,
		"INSERT INTO person(district_id, sourced_id, org_sourced_ids, role, username,"
		" given_name, family_name) VALUES (?1, 'stu-far', '', 'student', 'far', 'Fay',"
		" 'Away')");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	unlink(f->path);
	char side[80];
	snprintf(side, sizeof side, "%s-wal", f->path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", f->path);
	unlink(side);
	free(f);
	return 0;
}

/* Imports text by profile; returns the result, errors in errs (caller frees). */
static enum eb_err import(struct fx *f, const char *profile, const char *text, struct buf *errs,
			  struct device_import_report *rep)
{
	char *copy = strdup(text);
	buf_init(errs, 1 << 16);
	enum eb_err rc = device_csv_import(f->db, f->d, &it, device_profile_find(profile), "d.csv",
					   copy, strlen(copy), 1000, rep, errs);
	free(copy);
	return rc;
}

static void names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < DEVICE_KIND__COUNT; i++) {
		enum device_kind k;
		assert_true(device_kind_parse(device_kind_name((enum device_kind)i), &k));
		assert_int_equal(k, i);
		assert_true(*device_kind_label((enum device_kind)i));
	}
	for (int i = 0; i < DEVICE_STATUS__COUNT; i++) {
		enum device_status s;
		assert_true(device_status_parse(device_status_name((enum device_status)i), &s));
		assert_int_equal(s, i);
	}
	enum device_status s;
	assert_true(device_status_parse("Loaner Pool", &s));
	assert_int_equal(s, DEVICE_LOANER_POOL);
	assert_false(device_status_parse("broken", &s));
	assert_null(device_kind_name(DEVICE_KIND__COUNT));
	assert_non_null(device_profile_find("google"));
	assert_non_null(device_profile_find("generic"));
	assert_null(device_profile_find("snipe"));
}

static const char google[] =
	"Serial Number,Asset ID,Model,Status,Org Unit Path,Annotated Location,Recent Users,"
	"Last Sync,Auto Update Expiration\n"
	"S1,AT-1,HP 11 G9,ACTIVE,/Students/Birch Elementary,,a@x.example b@x.example,"
	"2026-09-12T14:03:11Z,2028-06\n"
	"S2,,Lenovo 100e,DEPROVISIONED,/Students,CE,,,\n";

static void import_google_then_upsert(void **state)
{
	struct fx *f = *state;
	struct buf errs;
	struct device_import_report rep;
	assert_int_equal(import(f, "google", google, &errs, &rep), EB_OK);
	buf_free(&errs);
	assert_int_equal(rep.rows, 2);
	assert_int_equal(rep.created, 2);
	int64_t id;
	assert_int_equal(device_id_by_tag(f->db, f->d, "AT-1", &id), EB_OK);
	struct arena a;
	arena_init(&a);
	struct device dv;
	assert_int_equal(device_get(f->db, f->d, id, &a, &dv), EB_OK);
	assert_string_equal(dv.school_sid, "sch-1");
	assert_string_equal(dv.school_name, "Birch Elementary");
	assert_string_equal(dv.update_end, "2028-06-01");
	assert_string_equal(dv.last_user, "a@x.example");
	assert_int_equal(dv.last_sync, 1789221791); /* 2026-09-12T14:03:11Z */
	assert_int_equal(dv.kind, DEVICE_CHROMEBOOK);
	/* no asset tag: tagged with the serial, retired */
	assert_int_equal(device_id_by_tag(f->db, f->d, "S2", &id), EB_OK);
	assert_int_equal(device_get(f->db, f->d, id, &a, &dv), EB_OK);
	assert_int_equal(dv.status, DEVICE_RETIRED);
	assert_string_equal(dv.school_sid, "sch-2");
	/* lent, then the export again: ACTIVE never overrides "assigned" */
	assert_int_equal(device_id_by_tag(f->db, f->d, "AT-1", &id), EB_OK);
	char why[DEVICE_WHY_CAP];
	assert_int_equal(device_checkout(f->db, f->d, &it, "IT", id, "stu-1", "", "", 2000,
					 "2026-01-01", why, sizeof why),
			 EB_OK);
	assert_int_equal(import(f, "google", google, &errs, &rep), EB_OK);
	buf_free(&errs);
	assert_int_equal(rep.created, 0);
	assert_int_equal(rep.updated, 2);
	assert_int_equal(device_get(f->db, f->d, id, &a, &dv), EB_OK);
	assert_int_equal(dv.status, DEVICE_ASSIGNED);
	assert_string_equal(dv.assignee_sid, "stu-1");
	assert_true(dv.assignee_is_student);
	assert_string_equal(dv.assignee_name, "Sam One");
	assert_int_equal(count(f, "SELECT count(*) FROM device WHERE district_id=?1"), 2);
	arena_free(&a);
}

static void refused_files_store_nothing(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *profile, *text, *want;
	} cases[] = {
		{ "google", "Serial Number,Asset ID\nS1,AT-1\nS2,AT-1\n",
		  "d.csv:3: asset_tag: 'AT-1' repeats line 2 (duplicate)" },
		{ "google", "Serial Number,Asset ID\nS1,\nS1,\n",
		  "d.csv:3: serial: 'S1' repeats line 2 (duplicate)" },
		{ "google", "Serial Number,Asset ID,Annotated Location\nS1,AT-1,Nowhere High\n",
		  "d.csv:2: school: 'Nowhere High' is not a school of this district" },
		{ "generic", "asset_tag,kind,school,warranty_end\nT1,tablet,BE,2026-13-01\n",
		  "d.csv:2: warranty_end: '2026-13-01' is not a date YYYY-MM-DD" },
		{ "generic", "asset_tag,kind,school,status\nT1,tablet,BE,assigned\n",
		  "d.csv:2: status: 'assigned' is not in_service" },
		{ "generic", "asset_tag,kind,school\n,tablet,BE\n",
		  "d.csv:2: asset_tag: is empty, and there is no serial number" },
		{ "generic", "asset_tag,school\nT1,BE\n", "d.csv:1: header: no column 'kind'" },
		{ "google", "Serial Number,Last Sync\nS1,yesterday\n",
		  "d.csv:2: last_sync: 'yesterday' is not a date and time" },
		{ "google", "Serial Number\n", "d.csv:2: file: has no device rows" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf errs;
		struct device_import_report rep;
		assert_int_equal(import(f, cases[i].profile, cases[i].text, &errs, &rep),
				 EB_EINVAL);
		if (!strstr(buf_cstr(&errs), cases[i].want))
			fail_msg("case %zu: '%s' not in:\n%s", i, cases[i].want, buf_cstr(&errs));
		buf_free(&errs);
		assert_int_equal(count(f, "SELECT count(*) FROM device WHERE district_id=?1"), 0);
		assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE district_id=?1"),
				 0);
	}
}

static const char generic[] = "asset_tag,serial,model,kind,school,status\n"
			      "LN-1,L1,Dell 3100,chromebook,BE,loaner_pool\n"
			      "HS-1,H1,SmartSpot,hotspot,CE,loaner_pool\n"
			      "CB-1,C1,HP 11 G9,chromebook,sch-1,in_service\n"
			      "TB-50%,T1,iPad,tablet,,in_service\n";

static int64_t tag_id(struct fx *f, const char *tag)
{
	int64_t id = 0;
	assert_int_equal(device_id_by_tag(f->db, f->d, tag, &id), EB_OK);
	return id;
}

static void checkout_refusals_and_loans(void **state)
{
	struct fx *f = *state;
	struct buf errs;
	struct device_import_report rep;
	assert_int_equal(import(f, "generic", generic, &errs, &rep), EB_OK);
	buf_free(&errs);
	int64_t ln = tag_id(f, "LN-1"), cb = tag_id(f, "CB-1");
	static const struct {
		const char *person, *due, *want;
	} bad[] = {
		{ "stu-far", "2026-02-01",
		  "person: 'stu-far' is not a student or staff member of this district" },
		{ "far", "2026-02-01", "is not a student or staff member of this district" },
		{ "", "2026-02-01", "person: give the student's" },
		{ "gdn-1", "2026-02-01", "person: 'gdn-1' is a parent or guardian" },
		{ "stu-1", "", "due_date: a loaner needs the day it comes back" },
		{ "stu-1", "2025-12-31", "due_date: 2025-12-31 has passed" },
		{ "stu-1", "2026-02-30", "due_date: '2026-02-30' is not a date" },
	};
	char why[DEVICE_WHY_CAP];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(device_checkout(f->db, f->d, &it, "IT", ln, bad[i].person,
						 bad[i].due, "", 2000, "2026-01-01", why,
						 sizeof why),
				 EB_EINVAL);
		if (!strstr(why, bad[i].want))
			fail_msg("case %zu: '%s' not in '%s'", i, bad[i].want, why);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM device_assignment WHERE district_id=?1"),
			 0);
	/* another district's device does not exist here */
	assert_int_equal(device_checkout(f->db, f->d2, &it, "IT", ln, "stu-far", "2026-02-01", "",
					 2000, "2026-01-01", why, sizeof why),
			 EB_ENOTFOUND);
	assert_false(device_exists(f->db, f->d2, ln));
	/* a loan to Sam One (by login), one to the teacher by email */
	assert_int_equal(device_checkout(f->db, f->d, &it, "IT", ln, "sam.one", "2026-01-10",
					 "scuffed lid", 2000, "2026-01-01", why, sizeof why),
			 EB_OK);
	assert_int_equal(device_checkout(f->db, f->d, &it, "IT", cb, "TINA@x.example", "", "", 2000,
					 "2026-01-01", why, sizeof why),
			 EB_OK);
	assert_int_equal(device_checkout(f->db, f->d, &it, "IT", ln, "stu-2", "2026-01-10", "",
					 2000, "2026-01-01", why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "check it in first"));
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE district_id=?1 AND"
				  " action='device_checkout' AND subject_id='stu-1'"),
			 1);
	/* overdue as of a day after the due date, not before */
	struct arena a;
	arena_init(&a);
	struct device *v;
	size_t n, total;
	assert_int_equal(device_overdue(f->db, f->d, "2026-01-10", 10, &a, &v, &n, &total), EB_OK);
	assert_int_equal(total, 0);
	assert_int_equal(device_overdue(f->db, f->d, "2026-01-11", 10, &a, &v, &n, &total), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_string_equal(v[0].asset_tag, "LN-1");
	assert_string_equal(v[0].due_date, "2026-01-10");
	assert_true(v[0].overdue);
	struct device_assignment *h;
	assert_int_equal(device_history(f->db, f->d, ln, "2026-01-11", &a, &h, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_true(h[0].loaner);
	assert_true(h[0].overdue);
	assert_string_equal(h[0].out_condition, "scuffed lid");
	/* back: to the pool; nothing to check in twice */
	assert_int_equal(
		device_checkin(f->db, f->d, &it, "IT", ln, "fine", false, 3000, why, sizeof why),
		EB_OK);
	assert_int_equal(
		device_checkin(f->db, f->d, &it, "IT", ln, "", false, 3000, why, sizeof why),
		EB_EINVAL);
	struct device dv;
	assert_int_equal(device_get(f->db, f->d, ln, &a, &dv), EB_OK);
	assert_int_equal(dv.status, DEVICE_LOANER_POOL);
	assert_null(dv.assignee_sid);
	assert_int_equal(device_overdue(f->db, f->d, "2026-02-01", 10, &a, &v, &n, &total), EB_OK);
	assert_int_equal(total, 0);
	/* damaged: to repair, and not lendable */
	assert_int_equal(
		device_checkin(f->db, f->d, &it, "IT", cb, "", true, 3000, why, sizeof why), EB_OK);
	assert_int_equal(device_checkout(f->db, f->d, &it, "IT", cb, "tch-1", "", "", 4000,
					 "2026-01-01", why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "in repair"));
	arena_free(&a);
}

static void list_filters(void **state)
{
	struct fx *f = *state;
	struct buf errs;
	struct device_import_report rep;
	assert_int_equal(import(f, "generic", generic, &errs, &rep), EB_OK);
	buf_free(&errs);
	struct arena a;
	arena_init(&a);
	struct device *v;
	size_t n, total;
	struct device_filter all = { .limit = 2 };
	assert_int_equal(device_list(f->db, f->d, &all, &a, &v, &n, &total), EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(total, 4);
	const char *mine[] = { "sch-1" };
	struct device_filter f1 = { .school_sids = mine, .n_schools = 1 };
	assert_int_equal(device_list(f->db, f->d, &f1, &a, &v, &n, &total), EB_OK);
	assert_int_equal(n, 2); /* LN-1 and CB-1 */
	struct device_filter f2 = { .kind = DEVICE_HOTSPOT + 1 };
	assert_int_equal(device_list(f->db, f->d, &f2, &a, &v, &n, &total), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].asset_tag, "HS-1");
	assert_string_equal(v[0].school_name, "Cedar Elementary");
	/* a '%' searched for is a '%', not a wildcard */
	struct device_filter f3 = { .q = "50%" };
	assert_int_equal(device_list(f->db, f->d, &f3, &a, &v, &n, &total), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].school_sid, "");
	struct device_filter f4 = { .q = "%", .status = DEVICE_LOANER_POOL + 1 };
	assert_int_equal(device_list(f->db, f->d, &f4, &a, &v, &n, &total), EB_OK);
	assert_int_equal(n, 0);
	/* the other district sees none */
	assert_int_equal(device_list(f->db, f->d2, &all, &a, &v, &n, &total), EB_OK);
	assert_int_equal(n, 0);
	arena_free(&a);
}

static void hotspots_for_families_without_internet(void **state)
{
	struct fx *f = *state;
	struct buf errs;
	struct device_import_report rep;
	assert_int_equal(import(f, "generic", generic, &errs, &rep), EB_OK);
	buf_free(&errs);
	char why[DEVICE_WHY_CAP];
	assert_int_equal(device_checkout(f->db, f->d, &it, "IT", tag_id(f, "HS-1"), "stu-2",
					 "2026-06-01", "", 2000, "2026-01-01", why, sizeof why),
			 EB_OK);
	struct arena a;
	arena_init(&a);
	struct device_reach_school *r;
	size_t n;
	assert_int_equal(device_hotspot_reach(f->db, f->d, NULL, &a, &r, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].school_name, "Birch Elementary");
	assert_int_equal(r[0].families_no_internet, 1);
	assert_int_equal(r[0].with_hotspot, 0);
	assert_string_equal(r[1].school_sid, "sch-2");
	assert_int_equal(r[1].families_no_internet, 1);
	assert_int_equal(r[1].with_hotspot, 1);
	assert_int_equal(device_hotspot_reach(f->db, f->d, "sch-1", &a, &r, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].with_hotspot, 0);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test_setup_teardown(import_google_then_upsert, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_files_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(checkout_refusals_and_loans, setup, teardown),
		cmocka_unit_test_setup_teardown(list_filters, setup, teardown),
		cmocka_unit_test_setup_teardown(hotspots_for_families_without_internet, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
