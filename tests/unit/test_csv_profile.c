/* test_csv_profile.c - vendor CSV profiles: each kind of bad input by its
 * exact message with nothing stored, the date formats, header aliases,
 * idempotent re-import, quarantine and re-match after mapping. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "domain/activity.h"
#include "domain/district.h"
#include "ingest/csv_profile.h"
#include "store/db.h"

#define TOOL 7

struct fx {
	struct db *db;
	int64_t district;
	char path[64];
	struct csvp_report rep;
};

static void add_person(struct fx *f, const char *sid, const char *username, const char *email)
{
	assert_int_equal(db_execute(f->db,
				    "INSERT INTO person (district_id, sourced_id, org_sourced_ids, "
				    "role, username,"
				    " given_name, family_name, email) VALUES (?1, ?2, 'school1', "
				    "'student', ?3, 'G', 'F', ?4)",
				    DB_ARGS(DB_INT(f->district), DB_TEXT(sid), DB_TEXT(username),
					    DB_TEXT(email)),
				    NULL),
			 EB_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_csvp_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "Test", &f->district))
		return -1;
	add_person(f, "stu-1", "sam.one", "sam.one@alder.example");
	add_person(f, "stu-2", "sara.two", "sara@alder.example");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	char p[80];
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static enum eb_err import(struct fx *f, const char *profile, const char *text)
{
	const struct csv_profile *p = csvp_find(profile);
	assert_non_null(p);
	size_t n = strlen(text);
	char *d = malloc(n + 1);
	memcpy(d, text, n + 1);
	enum eb_err rc = csvp_import(f->db, f->district, TOOL, p, "v.csv", d, n, &f->rep);
	free(d);
	return rc;
}

static void counts(struct fx *f, int64_t *events, int64_t *quarantined)
{
	int64_t s;
	assert_int_equal(activity_counts(f->db, f->district, TOOL, &s, events, quarantined), EB_OK);
}

#define QUIZ_HDR "student_id,item_id,standard,correct,score,date\r\n"

static void expect_one_error(struct fx *f, const char *profile, const char *text, const char *msg)
{
	assert_int_equal(import(f, profile, text), EB_EPARSE);
	assert_int_equal(f->rep.nerrors, 1);
	assert_string_equal(f->rep.errors[0], msg);
	int64_t e, q;
	counts(f, &e, &q);
	assert_int_equal(e, 0);
	assert_int_equal(q, 0);
}

static void test_bad_input(void **state)
{
	struct fx *f = *state;
	/* a good row first: nothing of it is stored either */
	const char *good = "stu-1,q1,3.OA.A.1,1,1,09/14/2026\r\n";
	char text[512];
	struct {
		const char *row, *msg;
	} cases[] = {
		{ "stu-1,q1,3.OA.A.1,1,1\r\n", "v.csv:3:6: row: has 5 fields, the header has 6" },
		{ "stu-1,q1,3.OA.A.1,1,1,09/14/2026,x\r\n",
		  "v.csv:3:7: row: has 7 fields, the header has 6" },
		{ "stu-1,q1,3.OA.A.1,1,1,2026-09-14\r\n",
		  "v.csv:3:6: date: \"2026-09-14\" is not a date in the form MM/DD/YYYY" },
		{ "stu-1,q1,3.OA.A.1,1,1,02/30/2026\r\n",
		  "v.csv:3:6: date: \"02/30/2026\" is not a date in the form MM/DD/YYYY" },
		{ "stu-1,q1,3.OA.A.1,yes,1,09/14/2026\r\n",
		  "v.csv:3:4: correct: \"yes\" is not one of 1 (true) or 0 (false)" },
		{ "stu-1,q1,3.OA.A.1,1,-2,09/14/2026\r\n", "v.csv:3:5: score: negative (-2)" },
		{ "stu-1,q1,3.OA.A.1,1,abc,09/14/2026\r\n",
		  "v.csv:3:5: score: \"abc\" is not a number" },
		{ "stu-1,q1,banana,1,1,09/14/2026\r\n",
		  "v.csv:3:3: standard: \"banana\" is not a CCSS code (like 3.NF.A.1)" },
		{ "stu-1,q1,3.OA.A.9,1,1,09/14/2026\r\n",
		  "v.csv:3:3: standard: \"3.OA.A.9\" is not a standard of the CCSS-M catalog" },
		{ ",q1,3.OA.A.1,1,1,09/14/2026\r\n", "v.csv:3:1: student_id: empty" },
		{ "stu-1,\"q1,3.OA.A.1,1,1,09/14/2026\r\n", NULL }, /* csv syntax: checked below */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(text, sizeof text, QUIZ_HDR "%s%s", good, cases[i].row);
		if (cases[i].msg) {
			expect_one_error(f, "sim-quiz", text, cases[i].msg);
		} else {
			assert_int_equal(import(f, "sim-quiz", text), EB_EPARSE);
			assert_true(f->rep.nerrors >= 1);
			assert_memory_equal(f->rep.errors[0], "v.csv:3:", 8);
		}
	}
	/* missing required column; empty file */
	expect_one_error(f, "sim-quiz", "student_id,item_id,standard,score,date\n",
			 "v.csv:1:1: correct: missing required column");
	expect_one_error(f, "sim-quiz", "", "v.csv:1:1: header: the file is empty");
	/* score out of range: generic item-results has a percent score */
	expect_one_error(f, "item-results",
			 "Student ID,Item,Percent,Date\nstu-1,q1,101,2026-09-14\n",
			 "v.csv:2:3: score: 101 is out of range 0..100");
	/* negative minutes */
	expect_one_error(
		f, "sim-fluency",
		"student_email,week_start,minutes,sessions,items_attempted,items_correct,standard\n"
		"sam.one@alder.example,2026-09-14,-5,1,1,1,3.OA.C.7\n",
		"v.csv:2:3: minutes: negative (-5)");
	expect_one_error(f, "usage-summary",
			 "email,week,minutes\nsam.one@alder.example,2026-09-14,x\n",
			 "v.csv:2:3: minutes: \"x\" is not a number");
	expect_one_error(f, "usage-summary", "week,minutes\n2026-09-14,3\n",
			 "v.csv:1:1: student: missing required column (a student sourcedId, "
			 "username or email)");
}

/* Text that is not UTF-8 is refused with the file, line and column, and
 * nothing is stored (an unknown student's id used to reach the quarantine
 * as it was sent, bytes FF FE included). */
static void test_not_utf8_refused(void **state)
{
	struct fx *f = *state;
	expect_one_error(
		f, "sim-quiz",
		QUIZ_HDR "stu-1,q1,3.OA.A.1,1,1,09/14/2026\r\n"
			 "stu-\xFF\xFE,q1,3.OA.A.1,1,1,09/14/2026\r\n",
		"v.csv:3:1: csv: not UTF-8 text: byte FF at byte 5 of the field (save the file"
		" as CSV UTF-8)");
	expect_one_error(
		f, "sim-quiz", QUIZ_HDR "stu-1,caf\xE9,3.OA.A.1,1,1,09/14/2026\r\n",
		"v.csv:2:2: csv: not UTF-8 text: byte E9 at byte 4 of the field (save the file"
		" as CSV UTF-8)");
	/* a UTF-16 export: the header already says so */
	static const char u16[] = "\xFF\xFEs\0t\0u\0,\0\r\0\n\0";
	char *d = malloc(sizeof u16);
	memcpy(d, u16, sizeof u16);
	assert_int_equal(csvp_import(f->db, f->district, TOOL, csvp_find("sim-quiz"), "v.csv", d,
				     sizeof u16 - 1, &f->rep),
			 EB_EPARSE);
	free(d);
	assert_int_equal(f->rep.nerrors, 1);
	assert_string_equal(f->rep.errors[0], "v.csv:1:1: csv: the file is UTF-16 (byte-order mark"
					      " FF FE), not UTF-8: save it as CSV UTF-8");
	int64_t e, q;
	counts(f, &e, &q);
	assert_int_equal(e + q, 0);
	/* UTF-8 names are fine */
	assert_int_equal(
		import(f, "sim-quiz", QUIZ_HDR "stu-\xC3\xA9,q1,3.OA.A.1,1,1,09/14/2026\r\n"),
		EB_OK);
	assert_int_equal(f->rep.quarantined, 1);
}

static void test_error_cap(void **state)
{
	struct fx *f = *state;
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_puts(&b, QUIZ_HDR);
	for (int i = 0; i < 80; i++)
		buf_puts(&b, "stu-1,q1,3.OA.A.1,2,1,09/14/2026\r\n");
	assert_int_equal(import(f, "sim-quiz", buf_cstr(&b)), EB_EPARSE);
	assert_int_equal(f->rep.nerrors, 80);
	assert_string_equal(f->rep.errors[49],
			    "v.csv:51:4: correct: \"2\" is not one of 1 (true) or 0 (false)");
	buf_free(&b);
}

static enum eb_err keep_time(void *ctx, const struct learning_event_in *ev, size_t line)
{
	int64_t *t = ctx;
	t[line - 2] = ev->occurred_at;
	return EB_OK;
}

static void test_date_formats(void **state)
{
	(void)state;
	struct csv_profile p = {
		.name = "t",
		.kind = CSVP_USAGE,
		.date_format = CSVP_DATE_DMY,
		.cols = { { CSVP_SOURCED_ID, "s", true },
			  { CSVP_DATE, "d", true },
			  { CSVP_MINUTES, "m", true } },
		.ncols = 3,
	};
	const int64_t sep14 = 1789344000; /* 2026-09-14T00:00:00Z */
	struct {
		enum csvp_date fmt;
		const char *row;
		int64_t want;
	} c[] = {
		{ CSVP_DATE_DMY, "x,14/09/2026,1\n", sep14 },
		{ CSVP_DATE_DMY, "x,1/2/2026,1\n", 1769904000 }, /* 1 Feb */
		{ CSVP_DATE_MDY, "x,09/14/2026,1\n", sep14 },
		{ CSVP_DATE_YMD, "x,2026-09-14,1\n", sep14 },
		{ CSVP_DATE_ISO, "x,2026-09-14T10:30:00Z,1\n", sep14 + 37800 },
		{ CSVP_DATE_ISO, "x,2026-09-14T12:30:00+02:00,1\n", sep14 + 37800 },
		{ CSVP_DATE_ISO, "x,2026-09-14,1\n", sep14 },
	};
	struct csvp_report *rep = malloc(sizeof *rep);
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		char text[128];
		int64_t t[1] = { -1 };
		p.date_format = c[i].fmt;
		snprintf(text, sizeof text, "S,D,M\n%s", c[i].row);
		assert_int_equal(csvp_read(&p, "d.csv", 1, text, strlen(text), keep_time, t, rep),
				 EB_OK);
		assert_int_equal(t[0], c[i].want);
	}
	const char *bad[] = { "x,14/13/2026,1\n", "x,2026/09/14,1\n", "x,14/09/26,1\n", "x,,1\n" };
	p.date_format = CSVP_DATE_DMY;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[128];
		snprintf(text, sizeof text, "s,d,m\n%s", bad[i]);
		assert_int_equal(csvp_read(&p, "d.csv", 1, text, strlen(text), NULL, NULL, rep),
				 EB_EPARSE);
	}
	free(rep);
}

static void test_store_and_reimport(void **state)
{
	struct fx *f = *state;
	/* two identical rows are two attempts; a third student is unknown */
	const char *text = QUIZ_HDR "stu-1,q-3.OA-01,3.OA.A.1,1,1,09/14/2026\r\n"
				    "stu-1,q-3.OA-01,3.OA.A.1,1,1,09/14/2026\r\n"
				    "stu-2,q-3.OA-02,3.OA.A.1,0,0,09/15/2026\r\n"
				    "stu-99,q-3.OA-02,3.OA.A.1,0,0,09/15/2026\r\n";
	assert_int_equal(import(f, "sim-quiz", text), EB_OK);
	assert_int_equal(f->rep.rows, 4);
	assert_int_equal(f->rep.events, 3);
	assert_int_equal(f->rep.quarantined, 1);
	assert_int_equal(f->rep.skipped, 0);
	assert_int_equal(import(f, "sim-quiz", text), EB_OK);
	assert_int_equal(f->rep.events, 0);
	assert_int_equal(f->rep.quarantined, 0);
	assert_int_equal(f->rep.skipped, 4);
	int64_t e, q;
	counts(f, &e, &q);
	assert_int_equal(e, 3);
	assert_int_equal(q, 1);
	/* the roster gains the student: re-match moves it, a re-import still adds nothing */
	add_person(f, "stu-99", "x.y", NULL);
	int matched = 0;
	assert_int_equal(activity_rematch(f->db, f->district, &matched), EB_OK);
	assert_int_equal(matched, 1);
	assert_int_equal(import(f, "sim-quiz", text), EB_OK);
	assert_int_equal(f->rep.skipped, 4);
	counts(f, &e, &q);
	assert_int_equal(e, 4);
	assert_int_equal(q, 0);
}

static void test_aliases_spellings_scaling(void **state)
{
	struct fx *f = *state;
	const char *text = "User Name,Question ID,Skill,Is Correct,Score Percent,Time Spent "
			   "(Seconds),Completed At\n"
			   "sam.one,q1,fractions-1,Y,80,30,2026-09-14T10:00:00Z\n"
			   "SARA@alder.example,q2,fractions-1,N,0,,2026-09-14\n";
	/* "Time Spent (Seconds)" is no alias: ignored; email goes in Username */
	assert_int_equal(import(f, "item-results", text), EB_OK);
	assert_int_equal(f->rep.rows, 2);
	/* no standard anywhere: both are quarantined (sara is not a username) */
	assert_int_equal(f->rep.quarantined, 2);
	struct db_stmt *st;
	assert_int_equal(db_query(f->db,
				  "SELECT correct, score, reason FROM quarantine"
				  " ORDER BY id",
				  DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 1);
	assert_true(db_col_double(st, 1) > 0.79 && db_col_double(st, 1) < 0.81);
	assert_string_equal(db_col_text(st, 2), "activity not mapped to a standard");
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 0);
	assert_string_equal(
		db_col_text(st, 2),
		"actor not matched to a roster student (by sourcedId, username or email)");
	assert_int_equal(db_done(st), EB_OK);
}

static void test_quarantine_then_map(void **state)
{
	struct fx *f = *state;
	const char *text = "student_id,item,activity,correct,date\n"
			   "stu-1,q1,frac-intro,correct,2026-09-14\n"
			   "stu-2,q2,frac-intro,incorrect,2026-09-14\n"
			   "stu-2,q3,place-value,TRUE,2026-09-15\n"
			   "stu-2,q4,3.NF.A.1-practice,FALSE,2026-09-15\n";
	assert_int_equal(import(f, "item-results", text), EB_OK);
	assert_int_equal(f->rep.events, 1); /* the code in the activity id */
	assert_int_equal(f->rep.quarantined, 3);
	struct arena a;
	arena_init(&a);
	struct activity_count *u;
	size_t n;
	assert_int_equal(activity_unmapped(f->db, f->district, TOOL, 100, &a, &u, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(u[0].text, "frac-intro");
	assert_int_equal(u[0].count, 2);
	assert_string_equal(u[1].text, "place-value");
	struct activity_count *r;
	assert_int_equal(activity_quarantine_reasons(f->db, f->district, TOOL, &a, &r, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].count, 3);
	assert_int_equal(activity_map_set(f->db, f->district, TOOL, "frac-intro", "3.NF.A.1"),
			 EB_OK);
	int matched = 0;
	assert_int_equal(activity_rematch(f->db, f->district, &matched), EB_OK);
	assert_int_equal(matched, 2);
	assert_int_equal(activity_unmapped(f->db, f->district, TOOL, 100, &a, &u, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(u[0].text, "place-value");
	struct activity_tool_data d;
	assert_int_equal(activity_tool_data(f->db, f->district, TOOL, 1789344000 + 86400 + 5, &d),
			 EB_OK);
	assert_int_equal(d.events, 3);
	assert_int_equal(d.quarantined, 1);
	assert_int_equal(d.students, 2);
	assert_int_equal(d.per_day[ACTIVITY_DAYS - 2], 2); /* 09-14 */
	assert_int_equal(d.per_day[ACTIVITY_DAYS - 1], 2); /* 09-15 */
	struct activity_quarantined *ql;
	assert_int_equal(activity_quarantine_list(f->db, f->district, TOOL, 50, &a, &ql, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(ql[0].activity_id, "place-value");
	arena_free(&a);
}

static void test_usage_rows(void **state)
{
	struct fx *f = *state;
	const char *text = "student_email,week_start,minutes,sessions,items_attempted,items_"
			   "correct,standard\r\n"
			   "Sam.One@alder.example,2026-09-14,35,3,40,31,3.oa.c.7\r\n";
	assert_int_equal(import(f, "sim-fluency", text), EB_OK);
	assert_int_equal(f->rep.events, 1);
	struct db_stmt *st;
	assert_int_equal(db_query(f->db,
				  "SELECT student_sourced_id, standard_code, duration_s,"
				  " correct IS NULL, occurred_at FROM learning_event",
				  DB_NOARGS, &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_string_equal(db_col_text(st, 0), "stu-1");
	assert_string_equal(db_col_text(st, 1), "3.OA.C.7");
	assert_true(db_col_double(st, 2) == 35 * 60);
	assert_int_equal(db_col_int(st, 3), 1);
	assert_int_equal(db_col_int(st, 4), 1789344000);
	assert_int_equal(db_done(st), EB_OK);
}

static void test_profiles_listed(void **state)
{
	(void)state;
	const char *want[] = { "item-results", "usage-summary", "sim-quiz", "sim-fluency" };
	assert_int_equal(csvp_count(), 4);
	for (size_t i = 0; i < 4; i++) {
		assert_non_null(csvp_find(want[i]));
		assert_string_equal(csvp_at(i)->name, want[i]);
	}
	assert_null(csvp_find("nope"));
}

static void test_profile_file(void **state)
{
	struct fx *f = *state;
	struct csvp_custom *c = malloc(sizeof *c);
	char why[200];
	const char *text = "# Acme's weekly export\n"
			   "name = acme\n"
			   "kind = items\n"
			   "date_format = DD/MM/YYYY\n"
			   "score_max = 10\n"
			   "true = Right\n"
			   "false = Wrong\n"
			   "student_username = Login|User\n"
			   "item = Question\n"
			   "standard = CCSS\n"
			   "correct = Outcome\n"
			   "score = Points\n"
			   "date = Day\n"
			   "required = student_username item\n";
	assert_int_equal(csvp_parse_profile(text, c, why, sizeof why), EB_OK);
	assert_string_equal(c->p.name, "acme");
	assert_int_equal(c->p.ncols, 6);
	char csv[] = "login,question,ccss,outcome,points,day\n"
		     "sam.one,q1,3.NF.A.1,right,7.5,14/09/2026\n"
		     "sam.one,q2,3.NF.A.1,wrong,11,14/09/2026\n";
	assert_int_equal(
		csvp_import(f->db, f->district, TOOL, &c->p, "a.csv", csv, strlen(csv), &f->rep),
		EB_EPARSE);
	assert_int_equal(f->rep.nerrors, 1);
	assert_string_equal(f->rep.errors[0], "a.csv:3:5: Points: 11 is out of range 0..10");
	char ok[] = "Login,Question,CCSS,Outcome,Points,Day\n"
		    "sam.one,q1,3.NF.A.1,Right,7.5,14/09/2026\n";
	assert_int_equal(
		csvp_import(f->db, f->district, TOOL, &c->p, "a.csv", ok, strlen(ok), &f->rep),
		EB_OK);
	assert_int_equal(f->rep.events, 1);
	struct {
		const char *text, *why;
	} bad[] = {
		{ "name = x\nkind = weekly\n", "line 2: kind: items or usage" },
		{ "name = x\nfoo = bar\n", "line 2: unknown key" },
		{ "name = x\nitem\n", "line 2: expected key = value" },
		{ "name = x\ndate = d\nrequired = item\n",
		  "required: 'item' is not a column of the profile" },
		{ "name = x\nitem = i\n", "date: the profile needs a date column" },
		{ "kind = items\n", "line 1: name: missing" },
		{ "name = x\nscore_max = 0\n", "line 2: score_max: a number above 0" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(csvp_parse_profile(bad[i].text, c, why, sizeof why), EB_EINVAL);
		assert_string_equal(why, bad[i].why);
	}
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_listed),
		cmocka_unit_test(test_date_formats),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_utf8_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_and_reimport, setup, teardown),
		cmocka_unit_test_setup_teardown(test_aliases_spellings_scaling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quarantine_then_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
