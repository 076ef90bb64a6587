#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "domain/district.h"
#include "domain/roster.h"
#include "ingest/oneroster.h"
#include "store/db.h"
#include "roster_fixture.h"

struct fx {
	char path[64];
	struct db *db;
	int64_t d;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_oneroster_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[200];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char p[80];
	if (f->db)
		db_close(f->db);
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static int64_t q1(struct db *db, const char *sql)
{
	int64_t v = 0;
	assert_int_equal(db_get_int(db, sql, DB_NOARGS, &v), EB_OK);
	return v;
}

/* total rows in the roster tables, a fingerprint for "nothing stored" */
static int64_t roster_rows(struct db *db)
{
	return q1(db, "SELECT (SELECT count(*) FROM org)+(SELECT count(*) FROM academic_session)"
		      "+(SELECT count(*) FROM course)+(SELECT count(*) FROM class)"
		      "+(SELECT count(*) FROM person)+(SELECT count(*) FROM person_role)"
		      "+(SELECT count(*) FROM enrollment)+(SELECT count(*) FROM demographics)"
		      "+(SELECT count(*) FROM guardianship)");
}

static enum eb_err run(struct fx *f, int which, const char *text, struct oneroster_report *rep)
{
	struct oneroster_file files[FX_COUNT];
	size_t n = fx_files(files, which, text);
	oneroster_report_init(rep);
	return oneroster_import_files(f->db, f->d, files, n, rep);
}

static const struct oneroster_count *count_of(const struct oneroster_report *rep, const char *name)
{
	for (size_t i = 0; i < rep->nfiles; i++)
		if (strcmp(rep->files[i].name, name) == 0)
			return &rep->files[i];
	fail_msg("no count for %s", name);
	return NULL;
}

static void import_ok(struct fx *f)
{
	struct oneroster_report rep;
	assert_int_equal(run(f, -1, NULL, &rep), EB_OK);
	oneroster_report_free(&rep);
}

static void test_good_import_counts(void **state)
{
	struct fx *f = *state;
	struct oneroster_report rep;
	assert_int_equal(run(f, -1, NULL, &rep), EB_OK);
	assert_int_equal(rep.nerrors_total, 0);
	const struct oneroster_count *u = count_of(&rep, "users.csv");
	assert_int_equal(u->rows, 5);
	assert_int_equal(u->added, 5);
	assert_int_equal(count_of(&rep, "enrollments.csv")->added, 5);
	assert_int_equal(count_of(&rep, "orgs.csv")->added, 3);
	assert_int_equal(rep.guardians_added, 2);
	char *out = NULL;
	size_t outlen = 0;
	FILE *mf = open_memstream(&out, &outlen);
	oneroster_report_print(&rep, mf, mf);
	fclose(mf);
	assert_non_null(strstr(out, "users.csv: 5 rows, 5 added, 0 changed, 0 deleted\n"));
	free(out);
	oneroster_report_free(&rep);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM import_run WHERE ok=1"), 1);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM audit_log WHERE action='import' AND "
				   "subject_type='roster' AND actor='cli'"),
			 1);
	/* case-insensitive enum stored in canonical spelling */
	assert_int_equal(q1(f->db, "SELECT count(*) FROM class WHERE class_type='scheduled'"), 2);
	/* metadata columns */
	assert_int_equal(q1(f->db, "SELECT count(*) FROM person WHERE sourced_id='u-s1' AND "
				   "home_language='es' AND english_learner=1 AND disability=0 AND "
				   "home_internet IS NULL"),
			 1);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM person WHERE sourced_id='u-g1' AND "
				   "home_internet=0"),
			 1);
}

static void test_reimport_changes_nothing(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	struct oneroster_report rep;
	assert_int_equal(run(f, -1, NULL, &rep), EB_OK);
	for (size_t i = 0; i < rep.nfiles; i++) {
		assert_int_equal(rep.files[i].added, 0);
		assert_int_equal(rep.files[i].changed, 0);
		assert_int_equal(rep.files[i].deleted, 0);
	}
	assert_int_equal(rep.guardians_added, 0);
	assert_int_equal(rep.guardians_deleted, 0);
	oneroster_report_free(&rep);
}

static void test_change_detected(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	char users[4096];
	snprintf(users, sizeof users, "%s", fx_users);
	char *p = strstr(users, "Tara");
	memcpy(p, "Tina", 4);
	struct oneroster_report rep;
	assert_int_equal(run(f, FX_USERS, users, &rep), EB_OK);
	assert_int_equal(count_of(&rep, "users.csv")->changed, 1);
	assert_int_equal(count_of(&rep, "users.csv")->added, 0);
	oneroster_report_free(&rep);
}

static void test_guardians_from_agents(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	/* student lists guardian */
	assert_true(roster_is_guardian_of(f->db, f->d, "u-g1", "u-s1"));
	/* guardian lists student */
	assert_true(roster_is_guardian_of(f->db, f->d, "u-g2", "u-s2"));
	assert_false(roster_is_guardian_of(f->db, f->d, "u-g1", "u-s2"));
	assert_false(roster_is_guardian_of(f->db, f->d, "u-t1", "u-s1"));
	assert_int_equal(q1(f->db, "SELECT count(*) FROM guardianship"), 2);
}

static void test_password_not_stored(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	db_close(f->db);
	f->db = NULL;
	char p[80];
	const char *paths[] = { f->path, p };
	snprintf(p, sizeof p, "%s-wal", f->path);
	for (int i = 0; i < 2; i++) {
		FILE *fp = fopen(paths[i], "rb");
		if (!fp)
			continue;
		static char buf[1 << 22];
		size_t n = fread(buf, 1, sizeof buf, fp);
		fclose(fp);
		for (size_t k = 0; k + 9 <= n; k++)
			assert_false(memcmp(buf + k, "Secr3t-pw", 9) == 0);
	}
}

static void test_guardian_link_removed(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	char users[4096];
	snprintf(users, sizeof users, "%s", fx_users);
	char *p = strstr(users, ",u-g1,09,"); /* u-s1 no longer lists u-g1 */
	memmove(p + 1, p + 5, strlen(p + 5) + 1);
	struct oneroster_report rep;
	assert_int_equal(run(f, FX_USERS, users, &rep), EB_OK);
	assert_int_equal(rep.guardians_added, 0);
	assert_int_equal(rep.guardians_deleted, 1);
	assert_int_equal(count_of(&rep, "users.csv")->changed, 1);
	oneroster_report_free(&rep);
	assert_false(roster_is_guardian_of(f->db, f->d, "u-g1", "u-s1"));
	assert_true(roster_is_guardian_of(f->db, f->d, "u-g2", "u-s2"));
}

static void test_unknown_header_noted(void **state)
{
	struct fx *f = *state;
	struct oneroster_report rep;
	assert_int_equal(
		run(f, FX_ORGS,
		    "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId,"
		    "color,metadata.vendorThing\n"
		    "d1,,,North District,district,,,blue,x\n"
		    "s1,,,Alpha High,school,AH,d1,red,y\n"
		    "s2,,,Beta Middle,school,BM,d1,,\n",
		    &rep),
		EB_OK);
	assert_int_equal(rep.nnotes, 1);
	assert_string_equal(rep.notes[0], "orgs.csv: column color is not a OneRoster 1.1 orgs "
					  "column; ignored");
	oneroster_report_free(&rep);
}

/* ---- bad inputs: exact message and nothing stored ---- */

static void expect_reject(struct fx *f, int which, const char *text, const char *msg)
{
	int64_t before = roster_rows(f->db);
	assert_true(before > 0);
	struct oneroster_report rep;
	assert_int_equal(run(f, which, text, &rep), EB_EPARSE);
	bool found = false;
	for (size_t i = 0; i < rep.nerrors; i++)
		if (strcmp(rep.errors[i], msg) == 0)
			found = true;
	if (!found) {
		for (size_t i = 0; i < rep.nerrors; i++)
			print_message("got: %s\n", rep.errors[i]);
		fail_msg("expected: %s", msg);
	}
	oneroster_report_free(&rep);
	assert_int_equal(roster_rows(f->db), before);
}

static void test_bad_unterminated_quote(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	expect_reject(
		f, FX_CLASSES,
		"sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
		"classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
		"k1,,,Algebra I - P1,09,c1,ALG1-1,scheduled,R101,s1,t1,,,1\n"
		"k2,,,\"Biology - P2,09,c2,BIO-2,scheduled,R102,s1,t1,,,2\n",
		"classes.csv:3:4: csv: unterminated quoted field");
}

/* A name in Latin-1 (or any byte that is not UTF-8) is refused with the file,
 * line and column; the roster stays as it was. */
static void test_bad_not_utf8(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	expect_reject(f, FX_USERS,
		      "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,"
		      "userIds,givenName,familyName,middleName,identifier,email,sms,phone,"
		      "agentSourcedIds,grades\n"
		      "u-t1,,,TRUE,s1,teacher,tkim,,Tara,Kim,,T1,tkim@x.org,,,,\n"
		      "u-s1,,,true,s1,student,ann,,Ren\xE9"
		      "e,Lee,,S1,,,,,09\n",
		      "users.csv:3:9: csv: not UTF-8 text: byte E9 at byte 4 of the field (save the"
		      " file as CSV UTF-8)");
}

static void test_bad_column_count(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	expect_reject(f, FX_ENROLLMENTS,
		      "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
		      "userSourcedId,role,primary,beginDate,endDate\n"
		      "e1,,,k1,s1,u-t1,teacher,true,,,extra\n",
		      "enrollments.csv:2:11: csv: 11 fields, but the header has 10");
}

static void test_bad_date(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	expect_reject(
		f, FX_SESSIONS,
		"sourcedId,status,dateLastModified,title,type,startDate,endDate,"
		"parentSourcedId,schoolYear\n"
		"y1,,,2024-25,schoolYear,2024-13-20,2025-06-10,,2025\n"
		"t1,,,Fall,term,2024-08-20,2024-12-20,y1,2025\n",
		"academicSessions.csv:2:6: startDate: '2024-13-20' is not a date (YYYY-MM-DD)");
}

static void test_bad_enum(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	expect_reject(
		f, FX_CLASSES,
		"sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
		"classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
		"k1,,,Algebra I - P1,09,c1,ALG1-1,lab,R101,s1,t1,,,1\n",
		"classes.csv:2:8: classType: 'lab' is not one of homeroom, scheduled");
}

static void test_bad_duplicate(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	expect_reject(f, FX_ORGS,
		      "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
		      "d1,,,North District,district,,\n"
		      "s1,,,Alpha High,school,AH,d1\n"
		      "s2,,,Beta Middle,school,BM,d1\n"
		      "s1,,,Alpha High again,school,AH,d1\n",
		      "orgs.csv:5:1: sourcedId: duplicate 's1' (first on line 3)");
}

static void test_bad_orphan(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	expect_reject(f, FX_ENROLLMENTS,
		      "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
		      "userSourcedId,role,primary,beginDate,endDate\n"
		      "e1,,,k9,s1,u-t1,teacher,true,,\n",
		      "enrollments.csv:2:4: classSourcedId: 'k9' is not a class in this import or "
		      "in the database");
}

static void test_bad_missing_column(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	expect_reject(
		f, FX_CLASSES,
		"sourcedId,status,dateLastModified,grades,courseSourcedId,classCode,"
		"classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
		"k1,,,09,c1,ALG1-1,scheduled,R101,s1,t1,,,1\n",
		"classes.csv:1:1: header: missing required column title");
}

static void test_bad_missing_value(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	expect_reject(
		f, FX_COURSES,
		"sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
		"orgSourcedId,subjects,subjectCodes\n"
		"c1,,,y1,,ALG1,09,s1,Math,\n"
		"c2,,,y1,Biology,BIO,09,s1,Science,\n",
		"courses.csv:2:5: title: required value is missing");
}

static void test_bad_ref_to_deleted(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	/* bulk orgs without s1: everything that points at s1 is an error */
	expect_reject(f, FX_ORGS,
		      "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
		      "d1,,,North District,district,,\n"
		      "s2,,,Beta Middle,school,BM,d1\n",
		      "courses.csv:2:8: orgSourcedId: 's1' is an org that this import deletes");
}

static void test_bad_stored_refs_to_deleted(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	struct oneroster_file files[2] = {
		{ "manifest.csv", "propertyName,value\noneroster.version,1.1\nfile.classes,bulk\n",
		  0 },
		{ "classes.csv",
		  "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
		  "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,"
		  "periods\n"
		  "k1,,,Algebra I - P1,09,c1,ALG1-1,scheduled,R101,s1,t1,,,1\n",
		  0 },
	};
	for (int i = 0; i < 2; i++)
		files[i].len = strlen(files[i].data);
	int64_t before = roster_rows(f->db);
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	assert_int_equal(oneroster_import_files(f->db, f->d, files, 2, &rep), EB_EPARSE);
	assert_int_equal(rep.nerrors_total, 1);
	assert_string_equal(
		rep.errors[0],
		"classes.csv:0:0: sourcedId: 'k2' is deleted by this import, but 2 stored "
		"enrollment rows still refer to it or another deleted class (first: "
		"enrollment 'e4' classSourcedId); import enrollments.csv too, or delete "
		"those rows");
	oneroster_report_free(&rep);
	assert_int_equal(roster_rows(f->db), before);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM class"), 2);
}

static void test_bad_status_delta(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	char man[1024];
	snprintf(man, sizeof man, "%s", fx_manifest);
	char *p = strstr(man, "file.orgs,bulk");
	memcpy(p, "file.orgs,delt", 14);
	/* "delt" is not a mode */
	expect_reject(f, FX_MANIFEST, man,
		      "manifest.csv:10:2: file.orgs: 'delt' is not bulk, "
		      "delta or absent");
}

static void test_error_cap(void **state)
{
	struct fx *f = *state;
	char *buf = malloc(1 << 16);
	size_t n = (size_t)snprintf(buf, 1 << 16, "%s",
				    "sourcedId,status,dateLastModified,name,type,identifier,"
				    "parentSourcedId\n");
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(buf + n, (1 << 16) - n, "x%d,,,X,planet,,\n", i);
	struct oneroster_report rep;
	assert_int_equal(run(f, FX_ORGS, buf, &rep), EB_EPARSE);
	assert_int_equal(rep.nerrors, 50);
	assert_true(rep.nerrors_total >= 60);
	char *out = NULL;
	size_t outlen = 0;
	FILE *mf = open_memstream(&out, &outlen);
	oneroster_report_print(&rep, mf, mf);
	fclose(mf);
	char want[64];
	snprintf(want, sizeof want, "... and %zu more errors\n", rep.nerrors_total - 50);
	assert_non_null(strstr(out, want));
	free(out);
	free(buf);
	oneroster_report_free(&rep);
	assert_int_equal(roster_rows(f->db), 0);
}

/* ---- bulk and delta ---- */

static void test_bulk_removal(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	/* enrollments without e5: it is deleted */
	char enr[2048];
	snprintf(enr, sizeof enr, "%s", fx_enrollments);
	*strstr(enr, "e5,") = 0;
	struct oneroster_report rep;
	assert_int_equal(run(f, FX_ENROLLMENTS, enr, &rep), EB_OK);
	assert_int_equal(count_of(&rep, "enrollments.csv")->deleted, 1);
	oneroster_report_free(&rep);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM enrollment"), 4);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM enrollment WHERE sourced_id='e5'"), 0);
}

static void test_delta_tobedeleted(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	struct oneroster_file files[2] = {
		{ "manifest.csv",
		  "propertyName,value\noneroster.version,1.1\nfile.enrollments,delta\n"
		  "file.users,absent\n",
		  0 },
		{ "enrollments.csv",
		  "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,"
		  "role,primary,beginDate,endDate\n"
		  "e5,tobedeleted,2025-01-01,,,,,,,\n"
		  "e6,active,2025-01-01,k2,s1,u-s1,student,false,,\n",
		  0 },
	};
	for (int i = 0; i < 2; i++)
		files[i].len = strlen(files[i].data);
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	assert_int_equal(oneroster_import_files(f->db, f->d, files, 2, &rep), EB_OK);
	assert_int_equal(count_of(&rep, "enrollments.csv")->deleted, 1);
	assert_int_equal(count_of(&rep, "enrollments.csv")->added, 1);
	oneroster_report_free(&rep);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM enrollment"), 5);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM enrollment WHERE sourced_id='e5'"), 0);
	/* untouched kinds stay (delta and absent do not remove) */
	assert_int_equal(q1(f->db, "SELECT count(*) FROM person"), 5);
}

static void test_delta_needs_status(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	struct oneroster_file files[2] = {
		{ "manifest.csv", "propertyName,value\noneroster.version,1.1\nfile.orgs,delta\n",
		  0 },
		{ "orgs.csv",
		  "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
		  "s3,,,Gamma,school,,d1\n",
		  0 },
	};
	for (int i = 0; i < 2; i++)
		files[i].len = strlen(files[i].data);
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	assert_int_equal(oneroster_import_files(f->db, f->d, files, 2, &rep), EB_EPARSE);
	assert_string_equal(rep.errors[0], "orgs.csv:2:2: status: required in a delta file "
					   "(active or tobedeleted)");
	oneroster_report_free(&rep);
}

/* ---- tolerated flaws: BOM, CRLF, header case and spaces, trailing empty headers ---- */

static void test_tolerated(void **state)
{
	struct fx *f = *state;
	const char orgs[] = "\xEF\xBB\xBF SourcedId , STATUS,dateLastModified,name,type,identifier,"
			    "parentSourcedId,,\r\n"
			    "d1,Active,2024-01-05T10:00:00.000Z,North District,District,,\r\n"
			    "s1,,1/05/2023,Alpha High,school,AH,d1\r\n"
			    "s2,,,Beta Middle,school,BM,d1,,\r\n";
	struct oneroster_report rep;
	assert_int_equal(run(f, FX_ORGS, orgs, &rep), EB_OK);
	assert_int_equal(count_of(&rep, "orgs.csv")->added, 3);
	bool noted = false;
	for (size_t i = 0; i < rep.nnotes; i++)
		if (strstr(rep.notes[i], "not ISO 8601 (first: line 3, '1/05/2023')"))
			noted = true;
	assert_true(noted);
	oneroster_report_free(&rep);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM org WHERE type='district' AND "
				   "status='active'"),
			 1);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM org WHERE sourced_id='s1' AND "
				   "date_last_modified IS NULL"),
			 1);
}

/* ---- 1.2 with roles ---- */

static void test_v12_roles(void **state)
{
	struct fx *f = *state;
	struct oneroster_file files[] = {
		{ "manifest.csv",
		  "propertyName,value\noneroster.version,1.2\nfile.orgs,bulk\nfile.users,bulk\n"
		  "file.roles,bulk\nfile.userProfiles,bulk\n",
		  0 },
		{ "orgs.csv",
		  "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
		  "s1,,,Alpha,school,,\n",
		  0 },
		{ "users.csv",
		  "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
		  "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
		  "password,"
		  "userMasterIdentifier,prefferedGivenName,preferredMiddleName,preferredFamilyName,"
		  "primaryOrgSourcedId,pronouns\n"
		  "p1,,,true,pat,,Patricia,Ng,,,,,,k1,,pw,,Pat,,,s1,\n"
		  "k1,,,true,kid,,Kim,Ng,,,,,,,03,,,,,,s1,\n",
		  0 },
		{ "roles.csv",
		  "sourcedId,status,dataLastModified,userSourcedId,roleType,role,beginDate,endDate,"
		  "orgSourcedId,userProfileSourcedId\n"
		  "r1,,,p1,primary,teacher,,,s1,\n"
		  "r2,,,p1,secondary,Guardian,,,s1,\n"
		  "r3,,,k1,primary,student,,,s1,\n",
		  0 },
		{ "userprofiles.csv", "sourcedId,status\nx,active\n", 0 },
	};
	size_t n = sizeof files / sizeof files[0];
	for (size_t i = 0; i < n; i++)
		files[i].len = strlen(files[i].data);
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_files(f->db, f->d, files, n, &rep);
	for (size_t i = 0; i < rep.nerrors; i++)
		print_message("%s\n", rep.errors[i]);
	assert_int_equal(rc, EB_OK);
	assert_true(count_of(&rep, "userprofiles.csv")->ignored);
	assert_int_equal(count_of(&rep, "userprofiles.csv")->rows, 1);
	assert_int_equal(count_of(&rep, "roles.csv")->added, 3);
	oneroster_report_free(&rep);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM person WHERE sourced_id='p1' AND "
				   "role='teacher' AND preferred_first_name='Pat' AND "
				   "org_sourced_ids='s1'"),
			 1);
	/* secondary guardian role + agentSourcedIds -> link */
	assert_true(roster_is_guardian_of(f->db, f->d, "p1", "k1"));
	assert_int_equal(q1(f->db, "SELECT count(*) FROM person_role WHERE role='guardian'"), 1);
}

/* ---- folder and zip ---- */

static void write_fixture_dir(const char *dir)
{
	mkdir(dir, 0700);
	for (int i = 0; i < FX_COUNT; i++) {
		char p[256];
		snprintf(p, sizeof p, "%s/%s", dir, fx_names[i]);
		FILE *fp = fopen(p, "wb");
		assert_non_null(fp);
		fputs(fx_data[i], fp);
		fclose(fp);
	}
}

static void rm_fixture_dir(const char *dir)
{
	for (int i = 0; i < FX_COUNT; i++) {
		char p[256];
		snprintf(p, sizeof p, "%s/%s", dir, fx_names[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void test_folder_and_zip(void **state)
{
	struct fx *f = *state;
	char dir[96], zpath[96];
	snprintf(dir, sizeof dir, "%s.d", f->path);
	snprintf(zpath, sizeof zpath, "%s.zip", f->path);
	write_fixture_dir(dir);
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	assert_int_equal(oneroster_import_path(f->db, f->d, dir, &rep), EB_OK);
	assert_int_equal(count_of(&rep, "users.csv")->added, 5);
	oneroster_report_free(&rep);

	int err = 0;
	zip_t *z = zip_open(zpath, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (int i = 0; i < FX_COUNT; i++) {
		char name[128];
		snprintf(name, sizeof name, "export/%s", fx_names[i]);
		zip_source_t *src = zip_source_buffer(z, fx_data[i], strlen(fx_data[i]), 0);
		assert_true(zip_file_add(z, name, src, ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	oneroster_report_init(&rep);
	assert_int_equal(oneroster_import_path(f->db, f->d, zpath, &rep), EB_OK);
	assert_int_equal(count_of(&rep, "users.csv")->added, 0);
	assert_int_equal(count_of(&rep, "users.csv")->changed, 0);
	oneroster_report_free(&rep);
	unlink(zpath);
	rm_fixture_dir(dir);
}

/* Writes a zip of the fixture set plus, in place of users.csv when
 * users_len is not 0, users_len bytes of one repeated row; returns the
 * archive's bytes (malloc) and their count. */
static unsigned char *fixture_zip(struct fx *f, size_t users_len, size_t *len)
{
	char zpath[96];
	snprintf(zpath, sizeof zpath, "%s.zip", f->path);
	char *big = NULL;
	int err = 0;
	zip_t *z = zip_open(zpath, ZIP_CREATE | ZIP_TRUNCATE, &err);
	assert_non_null(z);
	for (int i = 0; i < FX_COUNT; i++) {
		const char *data = fx_data[i];
		size_t n = strlen(data);
		if (users_len && strcmp(fx_names[i], "users.csv") == 0) {
			big = malloc(users_len);
			assert_non_null(big);
			for (size_t k = 0; k < users_len; k++)
				big[k] = "u,active,,true,o,student,n,,A,B\n"[k % 31];
			data = big;
			n = users_len;
		}
		zip_source_t *src = zip_source_buffer(z, data, n, 0);
		assert_true(zip_file_add(z, fx_names[i], src, ZIP_FL_OVERWRITE) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	free(big);
	FILE *fp = fopen(zpath, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long sz = ftell(fp);
	rewind(fp);
	unsigned char *buf = malloc((size_t)sz);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)sz, fp), (size_t)sz);
	fclose(fp);
	unlink(zpath);
	*len = (size_t)sz;
	return buf;
}

static bool report_has(const struct oneroster_report *rep, const char *text)
{
	for (size_t i = 0; i < rep->nerrors; i++)
		if (strstr(rep->errors[i], text))
			return true;
	return false;
}

/* Issue 9, item 8: a 3 MB zip expanded to 3 GB in memory. The stated sizes
 * are now held against the archive's size before anything is inflated. */
static void test_zip_bomb_refused_before_inflating(void **state)
{
	struct fx *f = *state;
	size_t len;
	unsigned char *zip = fixture_zip(f, 0, &len);
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	assert_int_equal(oneroster_import_zip(f->db, f->d, zip, len, "ok.zip", &rep), EB_OK);
	oneroster_report_free(&rep);
	free(zip);
	int64_t before = roster_rows(f->db);
	/* 64 MiB of one row compress a thousandfold */
	zip = fixture_zip(f, (size_t)64 << 20, &len);
	assert_true(len * ONEROSTER_ZIP_MAX_RATIO < ((size_t)64 << 20));
	oneroster_report_init(&rep);
	assert_int_equal(oneroster_import_zip(f->db, f->d, zip, len, "bomb.zip", &rep), EB_ETOOBIG);
	assert_true(report_has(&rep, "times the archive"));
	assert_true(report_has(&rep, "bomb.zip:0:0: zip:"));
	oneroster_report_free(&rep);
	free(zip);
	assert_int_equal(roster_rows(f->db), before);
	/* not a zip at all */
	oneroster_report_init(&rep);
	assert_int_equal(oneroster_import_zip(f->db, f->d, "PK\3\4 no", 9, "x.zip", &rep), EB_EIO);
	oneroster_report_free(&rep);
}

/* Sets the uncompressed size of every entry called name, in its local
 * header and its central directory record, to size. */
static void zip_restate_size(unsigned char *z, size_t len, const char *name, uint32_t size)
{
	size_t nl = strlen(name);
	int patched = 0;
	for (size_t i = 0; i + 46 + nl <= len; i++) {
		size_t at = 0, name_at = 0;
		if (memcmp(z + i, "PK\3\4", 4) == 0) {
			at = i + 22;
			name_at = i + 30;
		} else if (memcmp(z + i, "PK\1\2", 4) == 0) {
			at = i + 24;
			name_at = i + 46;
		} else {
			continue;
		}
		if (memcmp(z + name_at, name, nl) != 0)
			continue;
		z[at] = (unsigned char)size;
		z[at + 1] = (unsigned char)(size >> 8);
		z[at + 2] = (unsigned char)(size >> 16);
		z[at + 3] = (unsigned char)(size >> 24);
		patched++;
	}
	assert_int_equal(patched, 2);
}

/* An entry that holds more than its directory says is refused when the
 * first byte too many comes, not read to its end. */
static void test_zip_entry_larger_than_stated(void **state)
{
	struct fx *f = *state;
	size_t len;
	unsigned char *zip = fixture_zip(f, 4000, &len);
	zip_restate_size(zip, len, "users.csv", 100);
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_zip(f->db, f->d, zip, len, "liar.zip", &rep);
	assert_int_equal(rc, EB_ETOOBIG);
	assert_true(report_has(&rep, "liar.zip:0:0: zip: users.csv holds more than the 100 bytes"));
	assert_int_equal(roster_rows(f->db), 0);
	oneroster_report_free(&rep);
	free(zip);
}

/* ---- the hand-made sets in tests/fixtures/oneroster ---- */

static const struct {
	const char *dir;
	enum eb_err rc;
	const char *msg; /* must appear in the printed report */
} fixture_sets[] = {
	{ "good_v11", EB_OK, "users.csv: 5 rows, 5 added, 0 changed, 0 deleted\n" },
	{ "good_v12_quirks", EB_OK, "userProfiles.csv: 1 row, ignored\n" },
	{ "good_v12_quirks", EB_OK,
	  "note: users.csv: 1 row with a dateLastModified that is not ISO 8601 (first: line 2, "
	  "'1/05/2023'); stored as unknown\n" },
	{ "good_v12_quirks", EB_OK,
	  "note: roles.csv: header dataLastModified read as "
	  "dateLastModified\n" },
	{ "bad_unterminated_quote", EB_EPARSE,
	  "classes.csv:3:4: csv: unterminated quoted field\nimport rejected: nothing was stored "
	  "(1 error)\n" },
	{ "bad_orphan_and_bool", EB_EPARSE,
	  "users.csv:4:4: enabledUser: 'maybe' is not true or false\n"
	  "enrollments.csv:7:6: userSourcedId: 'u-nobody' is not a user in this import or in the "
	  "database\nimport rejected: nothing was stored (2 errors)\n" },
};

static void test_fixture_sets(void **state)
{
	for (size_t i = 0; i < sizeof fixture_sets / sizeof fixture_sets[0]; i++) {
		teardown(state);
		assert_int_equal(setup(state), 0);
		struct fx *f = *state;
		char p[256];
		snprintf(p, sizeof p, "tests/fixtures/oneroster/%s", fixture_sets[i].dir);
		struct oneroster_report rep;
		oneroster_report_init(&rep);
		enum eb_err rc = oneroster_import_path(f->db, f->d, p, &rep);
		char *out = NULL;
		size_t outlen = 0;
		FILE *mf = open_memstream(&out, &outlen);
		oneroster_report_print(&rep, mf, mf);
		fclose(mf);
		if (rc != fixture_sets[i].rc || !strstr(out, fixture_sets[i].msg))
			fail_msg("%s: rc %d, output:\n%s", fixture_sets[i].dir, rc, out);
		if (rc != EB_OK)
			assert_int_equal(roster_rows(f->db), 0);
		free(out);
		oneroster_report_free(&rep);
	}
	struct fx *f = *state;
	/* the last good set's 1.2 details */
	teardown(state);
	assert_int_equal(setup(state), 0);
	f = *state;
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	assert_int_equal(oneroster_import_path(f->db, f->d,
					       "tests/fixtures/oneroster/good_v12_quirks", &rep),
			 EB_OK);
	oneroster_report_free(&rep);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM person WHERE sourced_id='u-t1' AND "
				   "role='teacher' AND preferred_first_name='Tee' AND "
				   "date_last_modified IS NULL"),
			 1);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM org WHERE type='district'"), 1);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM demographics WHERE sex='female' AND "
				   "white=1 AND hispanic_or_latino=1"),
			 1);
	assert_true(roster_is_guardian_of(f->db, f->d, "u-g1", "u-s1"));
}

/* ---- the shared sample exports ---- */

static const struct {
	const char *zip;
	enum eb_err rc;
	const char *msg; /* an error (or, for success, a count line) that must appear */
} samples[] = {
	{ "Test_full_data_set.zip", EB_EPARSE,
	  "academicSessions.csv:4:2: status: 'inactive' is not one of active, tobedeleted "
	  "(inactive is OneRoster 1.0; use tobedeleted or leave the row out)" },
	{ "Test_minimal_data_set.zip", EB_EPARSE,
	  "classes.csv:2:6: courseSourcedId: 'crs-222-2023-456-12345' is not a course in this "
	  "import or in the database (courses.csv is not part of this import)" },
	{ "oneroster_test_data.zip", EB_OK, "users.csv: 1 row, 1 added, 0 changed, 0 deleted" },
	{ "v1p2_full_dataset.zip", EB_EPARSE,
	  "orgs.csv:2:7: parentSourcedId: 'org-sch-222-3456' is not an org in this import or in "
	  "the database" },
};

static void test_shared_samples(void **state)
{
	struct fx *f = *state;
	struct stat st;
	if (stat("../shared/data/oneroster", &st)) {
		print_message("skipped: ../shared/data absent\n");
		skip();
	}
	for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char p[256];
		snprintf(p, sizeof p, "../shared/data/oneroster/%s", samples[i].zip);
		int64_t before = roster_rows(f->db);
		struct oneroster_report rep;
		oneroster_report_init(&rep);
		enum eb_err rc = oneroster_import_path(f->db, f->d, p, &rep);
		char *out = NULL;
		size_t outlen = 0;
		FILE *mf = open_memstream(&out, &outlen);
		oneroster_report_print(&rep, mf, mf);
		fclose(mf);
		if (rc != samples[i].rc || !strstr(out, samples[i].msg))
			fail_msg("%s: rc %d, output:\n%s", samples[i].zip, rc, out);
		if (rc != EB_OK)
			assert_int_equal(roster_rows(f->db), before);
		free(out);
		oneroster_report_free(&rep);
	}
}

/* ---- lenient mode and the guard (issue 17): the _opts calls ---- */

static enum eb_err run_opts(struct fx *f, int which, const char *text,
			    const struct oneroster_options *o, struct oneroster_report *rep)
{
	struct oneroster_file files[FX_COUNT];
	size_t n = fx_files(files, which, text);
	oneroster_report_init(rep);
	return oneroster_import_files_opts(f->db, f->d, files, n, o, rep);
}

static void test_lenient_sets_aside_and_waits(void **state)
{
	struct fx *f = *state;
	struct oneroster_report rep;
	struct oneroster_options o = { 0 }; /* zeroed: lenient, guard at 10 % */
	/* a bad enum (set aside), an unknown class (waiting), an enrollment of the
	 * set-aside user (waiting for it), a CSV line with too many fields */
	const char *enr = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
			  "userSourcedId,role,primary,beginDate,endDate\n"
			  "e1,,,k1,s1,u-t1,teacher,true,,\n"
			  "e2,,,k9,s1,u-s1,student,false,,\n"
			  "e3,,,k1,s1,u-s1,pupil,false,,\n"
			  "e4,,,k1,s1,u-s1,student,false,,,extra\n";
	assert_int_equal(run_opts(f, FX_ENROLLMENTS, enr, &o, &rep), EB_OK);
	assert_int_equal(rep.nerrors_total, 0);
	assert_int_equal(rep.naside, 2);
	assert_string_equal(rep.aside[0].file, "enrollments.csv");
	assert_int_equal(rep.aside[0].line, 4);
	assert_string_equal(rep.aside[0].field, "role");
	assert_string_equal(rep.aside[0].sourced_id, "e3");
	assert_non_null(strstr(rep.aside[0].reason, "'pupil' is not one of"));
	assert_int_equal(rep.aside[1].line, 5);
	assert_string_equal(rep.aside[1].field, "csv");
	assert_int_equal(rep.nwaiting, 1);
	assert_string_equal(rep.waiting[0].sourced_id, "e2");
	assert_string_equal(rep.waiting[0].waits_for, "class 'k9'");
	assert_false(rep.waiting[0].linked);
	assert_int_equal(count_of(&rep, "enrollments.csv")->added, 1);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM enrollment"), 1);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM roster_waiting"), 1);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM import_row WHERE kind='aside'"), 2);
	assert_int_equal(q1(f->db, "SELECT n_aside*10+n_waiting FROM import_run"), 21);
	oneroster_report_free(&rep);

	/* the class arrives: e2 is linked, the set-aside and stored rows stay */
	const char *cls =
		"sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
		"classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,"
		"periods\n"
		"k1,,,Algebra I - P1,09,c1,ALG1-1,scheduled,R101,s1,t1,,,1\n"
		"k2,,,Biology - P2,09,c2,BIO-2,Scheduled,R102,s1,t1,,,2\n"
		"k9,,,Chemistry,10,c2,CHM-1,scheduled,R103,s1,t1,,,3\n";
	struct oneroster_file files[2] = {
		{ "manifest.csv", "propertyName,value\noneroster.version,1.1\nfile.classes,delta\n",
		  0 },
		{ "classes.csv", (char *)cls, strlen(cls) },
	};
	files[0].len = strlen(files[0].data);
	oneroster_report_init(&rep);
	/* the delta needs status: add it */
	const char *cls_delta = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,"
				"classCode,classType,location,schoolSourcedId,termSourcedIds\n"
				"k9,active,,Chemistry,10,c2,CHM-1,scheduled,R103,s1,t1\n";
	files[1].data = (char *)cls_delta;
	files[1].len = strlen(cls_delta);
	assert_int_equal(oneroster_import_files_opts(f->db, f->d, files, 2, &o, &rep), EB_OK);
	assert_int_equal(rep.nlinked, 1);
	assert_int_equal(rep.nwaiting, 1);
	assert_true(rep.waiting[0].linked);
	assert_string_equal(rep.waiting[0].sourced_id, "e2");
	assert_int_equal(q1(f->db, "SELECT count(*) FROM enrollment WHERE sourced_id='e2' AND"
				   " class_sourced_id='k9'"),
			 1);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM roster_waiting"), 0);
	oneroster_report_free(&rep);
}

static void test_lenient_inactive_and_deleted_parent(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	struct oneroster_report rep;
	struct oneroster_options o = { .allow_large_removal = true };
	/* class k2 inactive (1.0): read as tobedeleted; its stored enrollments
	 * e4, e5 in the same file are set aside and deleted with it */
	const char *cls =
		"sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
		"classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,"
		"periods\n"
		"k1,,,Algebra I - P1,09,c1,ALG1-1,scheduled,R101,s1,t1,,,1\n"
		"k2,inactive,,Biology - P2,09,c2,BIO-2,Scheduled,R102,s1,t1,,,2\n";
	assert_int_equal(run_opts(f, FX_CLASSES, cls, &o, &rep), EB_OK);
	assert_int_equal(count_of(&rep, "classes.csv")->deleted, 1);
	assert_int_equal(rep.naside, 2);
	assert_string_equal(rep.aside[0].sourced_id, "e4");
	assert_non_null(strstr(rep.aside[0].reason, "'k2' is a class that this import deletes"));
	assert_int_equal(count_of(&rep, "enrollments.csv")->deleted, 2);
	assert_int_equal(q1(f->db, "SELECT count(*) FROM enrollment WHERE class_sourced_id='k2'"),
			 0);
	bool warned = false;
	for (size_t i = 0; i < rep.nnotes; i++)
		warned |= strstr(rep.notes[i], "status inactive") != NULL;
	assert_true(warned);
	oneroster_report_free(&rep);
	/* strict: inactive is still an error */
	struct oneroster_options so = { .strict = true, .allow_large_removal = true };
	assert_int_equal(run_opts(f, FX_CLASSES, cls, &so, &rep), EB_EPARSE);
	assert_non_null(strstr(rep.errors[0], "inactive is OneRoster 1.0"));
	oneroster_report_free(&rep);
}

static void test_large_removal_guard(void **state)
{
	struct fx *f = *state;
	import_ok(f);
	int64_t before = roster_rows(f->db);
	struct oneroster_report rep;
	struct oneroster_options o = { 0 };
	/* a truncated users.csv: 1 of the 2 students left out of the full set */
	const char *users =
		"sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
		"givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
		"password\n"
		"u-t1,,,TRUE,s1,teacher,tkim,,Tara,Kim,,T1,tkim@x.org,,,,,\n"
		"u-s1,,,true,s1,student,ann,,Ann,Lee,,S1,,,,u-g1,09,\n"
		"u-g1,,,true,s1,parent,gl,,Grace,Lee,,,,,,,,\n"
		"u-g2,,,true,s1,guardian,hd,,Hector,Diaz,,,,,,,,\n";
	assert_int_equal(run_opts(f, FX_USERS, users, &o, &rep), EB_ECONFLICT);
	assert_true(rep.removal_stopped);
	assert_int_equal(rep.nremovals, 2); /* students, and the enrollments e3, e5 */
	assert_string_equal(rep.removals[0].what, "students");
	assert_int_equal(rep.removals[0].remove, 1);
	assert_int_equal(rep.removals[0].stored, 2);
	assert_int_equal(roster_rows(f->db), before);
	assert_int_equal(q1(f->db, "SELECT ok FROM import_run ORDER BY id DESC LIMIT 1"), 0);
	oneroster_report_free(&rep);
	/* a higher limit lets it through */
	o.removal_limit = 0.9;
	assert_int_equal(run_opts(f, FX_USERS, users, &o, &rep), EB_OK);
	assert_int_equal(count_of(&rep, "users.csv")->deleted, 1);
	oneroster_report_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(x) cmocka_unit_test_setup_teardown(x, setup, teardown)
		T(test_good_import_counts),
		T(test_reimport_changes_nothing),
		T(test_change_detected),
		T(test_guardians_from_agents),
		T(test_password_not_stored),
		T(test_bad_unterminated_quote),
		T(test_guardian_link_removed),
		T(test_unknown_header_noted),
		T(test_bad_not_utf8),
		T(test_bad_column_count),
		T(test_bad_date),
		T(test_bad_enum),
		T(test_bad_duplicate),
		T(test_bad_orphan),
		T(test_bad_missing_column),
		T(test_bad_missing_value),
		T(test_bad_ref_to_deleted),
		T(test_bad_status_delta),
		T(test_error_cap),
		T(test_bad_stored_refs_to_deleted),
		T(test_bulk_removal),
		T(test_delta_tobedeleted),
		T(test_delta_needs_status),
		T(test_tolerated),
		T(test_v12_roles),
		T(test_folder_and_zip),
		T(test_zip_bomb_refused_before_inflating),
		T(test_zip_entry_larger_than_stated),
		T(test_fixture_sets),
		T(test_shared_samples),
		T(test_lenient_sets_aside_and_waits),
		T(test_lenient_inactive_and_deleted_parent),
		T(test_large_removal_guard),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
