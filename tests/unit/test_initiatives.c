/* Unit tests of domain/initiatives, domain/assessments, ingest/assessment_csv
 * and domain/evaluation: validation at the edge (every field's reason, nothing
 * stored), status decisions, file rejection with FILE:LINE: field: reason,
 * the randomized draw, and a hand-computed effect size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "domain/account.h"
#include "domain/assessments.h"
#include "domain/district.h"
#include "domain/evaluation.h"
#include "domain/initiative_cost.h"
#include "domain/initiatives.h"
#include "domain/tools.h"
#include "ingest/assessment_csv.h"
#include "store/db.h"
#include "domain/eval_inputs.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/pages/whats_working.h"

struct fx {
	struct db *db;
	int64_t d, d2, coord, other;
};

static const char roster_sql[] =
	"INSERT INTO org(district_id,sourced_id,name,type) VALUES"
	" (1,'s1','Birch','school'),(1,'s2','Cedar','school'),(1,'dist','D','district');"
	"INSERT INTO class(district_id,sourced_id,title,grades,course_sourced_id,class_type,"
	" school_sourced_id,term_sourced_ids) VALUES"
	" (1,'k1','Math 3a','03','c','scheduled','s1','t'),(1,'k2','Math "
	"3b','03','c','scheduled','s1','t'),"
	" (1,'k3','Math 3c','03','c','scheduled','s2','t'),(1,'k4','Math "
	"3d','03','c','scheduled','s2','t');"
	"INSERT INTO "
	"person(district_id,sourced_id,org_sourced_ids,role,given_name,family_name,grades,"
	" english_learner,disability) VALUES"
	" (1,'p1','s1','student','A','A','03',0,0),(1,'p2','s1','student','B','B','03',1,0),"
	" (1,'p3','s1','student','C','C','03',0,1),(1,'p4','s2','student','D','D','03',0,0),"
	" (1,'p5','s2','student','E','E','03',0,0),(1,'p6','s2','student','F','F','03',1,0),"
	" (1,'t1','s1','teacher','T','T',NULL,NULL,NULL);"
	"INSERT INTO enrollment(district_id,sourced_id,class_sourced_id,school_sourced_id,"
	" user_sourced_id,role) VALUES"
	" (1,'e1','k1','s1','p1','student'),(1,'e2','k1','s1','p2','student'),"
	" (1,'e3','k2','s1','p3','student'),(1,'e4','k3','s2','p4','student'),"
	" (1,'e5','k4','s2','p5','student'),(1,'e6','k4','s2','p6','student');";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	if (db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "One", &f->d) || district_create(f->db, "Two", &f->d2))
		return -1;
	if (db_exec(f->db, roster_sql))
		return -1;
	if (account_create(f->db, f->d, "coord", "Cora Coord", "long-password", NULL, &f->coord) ||
	    account_create(f->db, f->d2, "other", "Other", "long-password", NULL, &f->other))
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

static int64_t count(struct db *db, const char *sql)
{
	int64_t n;
	return db_get_int(db, sql, DB_NOARGS, &n) ? -1 : n;
}

static struct initiative_in good(const struct fx *f)
{
	struct initiative_in in = {
		.title = "Fraction videos",
		.need = "Grade 3 students mix up numerators and denominators",
		.tool_name = "Khan Academy",
		.schools = "s1, s2",
		.grades = "3",
		.standards = "3.NF.1, 3.NF.A.2a",
		.start_date = "2026-09-01",
		.review_date = "2027-01-15",
		.outcome_assessment = "Unit 5 quiz",
		.success_measure = "average up 5 points",
		.dosage_minutes = 60,
		.quiz_builder = f->coord,
		.monitor = f->coord,
		.monitor_every_days = 14,
		.evaluator = f->coord,
		.teacher_support = f->coord,
		.family_contact = f->coord,
	};
	return in;
}

static void create_and_read_back(void **state)
{
	struct fx *f = *state;
	struct initiative_in in = good(f);
	int64_t id;
	char why[INIT_WHY_CAP] = "";
	assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id, why, sizeof why), EB_OK);
	struct arena a;
	arena_init(&a);
	struct initiative got;
	assert_int_equal(initiative_get(f->db, f->d, id, &a, &got), EB_OK);
	assert_string_equal(got.title, "Fraction videos");
	assert_int_equal(got.status, INIT_PLANNED);
	assert_int_equal(got.nschools, 2);
	assert_int_equal(got.ngrades, 1);
	assert_int_equal(got.grades[0], 3);
	assert_int_equal(got.nstandards, 2);
	assert_string_equal(got.standards[0], "3.NF.A.1"); /* canonical */
	assert_string_equal(got.pretest_assessment, "Unit 5 quiz");
	assert_string_equal(got.evaluator.display_name, "Cora Coord");
	assert_int_equal(got.tool_id, 0);
	/* another district cannot see it */
	assert_int_equal(initiative_get(f->db, f->d2, id, &a, &got), EB_ENOTFOUND);
	assert_int_equal(
		count(f->db, "SELECT count(*) FROM audit_log WHERE subject_type='initiative'"), 1);
	struct init_student *s;
	size_t n;
	assert_int_equal(initiative_get(f->db, f->d, id, &a, &got), EB_OK);
	assert_int_equal(initiative_students(f->db, f->d, &got, &a, &s, &n), EB_OK);
	assert_int_equal(n, 6);
	assert_string_equal(s[1].sid, "p2");
	assert_int_equal(s[1].el, 1);
	assert_string_equal(s[1].class_sid, "k1");
	arena_free(&a);
}

/* A tool of another district's inventory, or of none, is refused with the
 * field named and nothing stored (it used to be stored as given). */
static void tool_of_another_district_refused(void **state)
{
	struct fx *f = *state;
	struct initiative_in in;
	int64_t id = 0;
	char why[INIT_WHY_CAP] = "";
	struct tool t;
	struct audit_actor cli = { 0, "cli", "" };
	tools_defaults(&t);
	snprintf(t.name, sizeof t.name, "Other district's app");
	int64_t other_tool, own_tool;
	assert_int_equal(
		tools_create(f->db, f->d2, &t, TOOL_REQUESTED, 0, &cli, "test", &other_tool),
		EB_OK);
	snprintf(t.name, sizeof t.name, "Our app");
	assert_int_equal(tools_create(f->db, f->d, &t, TOOL_REQUESTED, 0, &cli, "test", &own_tool),
			 EB_OK);
	int64_t ids[] = { other_tool, 9999 };
	for (size_t i = 0; i < 2; i++) {
		in = good(f);
		in.tool_id = ids[i];
		char expect_tool[96];
		snprintf(expect_tool, sizeof expect_tool,
			 "tool_id: %lld is not a tool of this district's inventory",
			 (long long)ids[i]);
		assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id, why, sizeof why),
				 EB_EINVAL);
		if (!strstr(why, expect_tool))
			fail_msg("missing '%s' in:\n%s", expect_tool, why);
	}
	assert_int_equal(count(f->db, "SELECT count(*) FROM initiative"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM initiative_target"), 0);
	in = good(f);
	in.tool_id = own_tool;
	if (initiative_create(f->db, f->d, NULL, &in, &id, why, sizeof why) != EB_OK)
		fail_msg("%s", why);
	struct arena a;
	arena_init(&a);
	struct initiative got;
	assert_int_equal(initiative_get(f->db, f->d, id, &a, &got), EB_OK);
	assert_int_equal(got.tool_id, own_tool);
	arena_free(&a);
	assert_int_equal(count(f->db, "SELECT count(*) FROM initiative"), 1);
}

static void bad_input_names_every_field_and_stores_nothing(void **state)
{
	struct fx *f = *state;
	struct initiative_in in = good(f);
	in.title = "   ";
	in.schools = "s1,nowhere";
	in.grades = "3,14";
	in.classes = "k9";
	in.standards = "3.NF.A.1,3.ZZ.9,banana";
	in.start_date = "2026-02-30";
	in.review_date = "2026-01-01";
	in.dosage_minutes = 0;
	in.monitor = f->other; /* another district's account */
	in.family_contact = 0;
	in.monitor_every_days = 0;
	int64_t id = 0;
	char why[INIT_WHY_CAP] = "";
	assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id, why, sizeof why),
			 EB_EINVAL);
	static const char *const expect[] = {
		"title: is required",
		"schools: 'nowhere' is not a school of this district",
		"grades: '14' is not a grade",
		"classes: 'k9' is not a class of this district",
		"standards: '3.ZZ.9'",
		"standards: 'banana' is not a CCSS-M code",
		"start_date: must be a date YYYY-MM-DD",
		"dosage_minutes: must be minutes per week between 1 and 3000",
		"monitor: account",
		"monitor_every_days: must be between 1 and 365 days",
		"family_contact: is required",
	};
	for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++)
		if (!strstr(why, expect[i]))
			fail_msg("missing '%s' in:\n%s", expect[i], why);
	assert_int_equal(count(f->db, "SELECT count(*) FROM initiative"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM initiative_target"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log"), 0);
	/* review before start, when both are dates */
	in = good(f);
	in.review_date = "2026-08-01";
	in.schools = in.grades = in.classes = NULL;
	assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "review_date: must come after the start date"));
	assert_non_null(strstr(why, "target: name at least one school, grade or class"));
}

static void status_decisions_are_recorded(void **state)
{
	struct fx *f = *state;
	struct initiative_in in = good(f);
	int64_t id;
	char why[INIT_WHY_CAP] = "";
	assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id, why, sizeof why), EB_OK);
	struct audit_actor who = { f->coord, "coord", "127.0.0.1" };
	assert_int_equal(initiative_set_status(f->db, f->d, &who, id, "scaling", "go", NULL, why,
					       sizeof why),
			 EB_EINVAL);
	assert_string_equal(why, "status: cannot move from planned to scaling up");
	assert_int_equal(
		initiative_set_status(f->db, f->d, &who, id, "piloting", "", NULL, why, sizeof why),
		EB_EINVAL);
	assert_string_equal(why, "reason: is required");
	assert_int_equal(
		initiative_set_status(f->db, f->d, &who, id, "bogus", "x", NULL, why, sizeof why),
		EB_EINVAL);
	assert_non_null(strstr(why, "'bogus' is not a status"));
	assert_int_equal(initiative_set_status(f->db, f->d, &who, id, "piloting",
					       "teachers trained", NULL, why, sizeof why),
			 EB_OK);
	assert_int_equal(initiative_set_status(f->db, f->d, &who, id, "under review", "review date",
					       "", why, sizeof why),
			 EB_OK);
	assert_int_equal(initiative_set_status(f->db, f->d, &who, id, "stopped", "no effect", "",
					       why, sizeof why),
			 EB_EINVAL);
	assert_string_equal(why, "evidence: is required");
	assert_int_equal(initiative_set_status(f->db, f->d, &who, id, "stopped", "no effect",
					       "g = 0.01 [-0.1, 0.12]", why, sizeof why),
			 EB_OK);
	assert_int_equal(initiative_set_status(f->db, f->d, &who, id, "piloting", "again", "x", why,
					       sizeof why),
			 EB_EINVAL);
	assert_int_equal(initiative_set_status(f->db, f->d2, &who, id, "piloting", "x", "x", why,
					       sizeof why),
			 EB_ENOTFOUND);
	struct arena a;
	arena_init(&a);
	struct initiative_decision *h;
	size_t n;
	assert_int_equal(initiative_history(f->db, f->d, id, &a, &h, &n), EB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(h[0].from, "planned");
	assert_string_equal(h[2].to, "stopped");
	assert_string_equal(h[2].evidence, "g = 0.01 [-0.1, 0.12]");
	assert_string_equal(h[2].actor, "coord");
	arena_free(&a);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log WHERE action='update' AND "
				      "subject_type='initiative'"),
			 3);
}

static enum eb_err import(struct fx *f, const char *text, const char *name, double lo, double hi,
			  struct buf *errs, size_t *rows)
{
	char *data = strdup(text);
	struct assessment_profile p = { .name = name, .scale_min = lo, .scale_max = hi };
	buf_reset(errs);
	enum eb_err e = assessment_csv_import(f->db, f->d, "scores.csv", data, strlen(data), &p,
					      rows, errs);
	free(data);
	return e;
}

static void assessment_files_rejected_whole(void **state)
{
	struct fx *f = *state;
	struct buf errs;
	buf_init(&errs, 1 << 16);
	size_t rows;
	assert_int_equal(import(f,
				"student_id,date,score\np1,2026-08-20,50\np2,2026-08-21,61\n"
				"p1,2026-12-01,70.5\n",
				"Unit 5 quiz", 0, 100, &errs, &rows),
			 EB_OK);
	assert_int_equal(rows, 3);
	/* unknown student, impossible score, bad date, duplicate row - all listed */
	assert_int_equal(import(f,
				"student_id,date,score\np1,2026-12-02,50\nghost,2026-12-01,50\n"
				"p2,2026-12-01,101\np3,2026-02-30,5\np1,2026-12-02,55\n",
				"Unit 5 quiz", 0, 100, &errs, &rows),
			 EB_EINVAL);
	const char *t = buf_cstr(&errs);
	assert_non_null(
		strstr(t, "scores.csv:3: student_id: 'ghost' is not a student of this district"));
	assert_non_null(strstr(t, "scores.csv:4: score: 101 is outside the scale 0..100"));
	assert_non_null(strstr(
		t, "scores.csv:5: date: '2026-02-30' is not a date in the format YYYY-MM-DD"));
	assert_non_null(strstr(
		t, "scores.csv:6: student_id: 'p1' on 2026-12-02 repeats line 2 (duplicate row)"));
	/* mixed scales inside the file */
	assert_int_equal(
		import(f,
		       "student_id,date,score,scale_min,scale_max\np1,2026-12-03,50,0,100\n"
		       "p2,2026-12-03,500,200,800\n",
		       "Unit 5 quiz", 0, 100, &errs, &rows),
		EB_EINVAL);
	assert_non_null(strstr(buf_cstr(&errs), "scores.csv:3: scale_min: '200' differs from the "
						"declared scale 0..100 (mixed scales)"));
	/* bytes that are not UTF-8 text: refused with line and column */
	assert_int_equal(
		import(f, "student_id,date,score\np1,2026-12-05,50\np\xFF\xFE,2026-12-05,50\n",
		       "Unit 5 quiz", 0, 100, &errs, &rows),
		EB_EINVAL);
	assert_non_null(strstr(buf_cstr(&errs),
			       "scores.csv:3: csv: column 1: not UTF-8 text: byte FF"
			       " at byte 2 of the field"));
	assert_int_equal(import(f, "\xFF\xFEs\0t\0", "Unit 5 quiz", 0, 100, &errs, &rows),
			 EB_EINVAL);
	assert_non_null(strstr(buf_cstr(&errs), "the file is UTF-16"));
	/* a stored assessment keeps its scale */
	assert_int_equal(import(f, "student_id,date,score\np1,2026-12-04,300\n", "Unit 5 quiz", 200,
				800, &errs, &rows),
			 EB_ECONFLICT);
	assert_non_null(strstr(buf_cstr(&errs), "mixed scales"));
	assert_int_equal(count(f->db, "SELECT count(*) FROM assessment_score"), 3);
	assert_int_equal(count(f->db, "SELECT count(*) FROM assessment"), 1);
	/* other date format and profile column names */
	char *data = strdup("Kid,When,Pts\np4,12/05/2026,7\n");
	struct assessment_profile p = { .name = "Benchmark",
					.scale_min = 0,
					.scale_max = 10,
					.date_format = "MM/DD/YYYY",
					.col_student = "Kid",
					.col_date = "When",
					.col_score = "Pts" };
	buf_reset(&errs);
	assert_int_equal(
		assessment_csv_import(f->db, f->d, "b.csv", data, strlen(data), &p, &rows, &errs),
		EB_OK);
	free(data);
	assert_int_equal(
		count(f->db, "SELECT count(*) FROM assessment_score WHERE date='2026-12-05'"), 1);
	buf_free(&errs);
}

static void usage_file_rejected_whole(void **state)
{
	struct fx *f = *state;
	struct initiative_in in = good(f);
	int64_t id;
	char why[INIT_WHY_CAP];
	assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id, why, sizeof why), EB_OK);
	struct buf errs;
	buf_init(&errs, 1 << 16);
	size_t rows;
	char *data = strdup(
		"student_id,minutes,sessions\np1,30,2\nt1,10,1\np2,-4,1\np1,5,1\np3,5,1.5\n");
	assert_int_equal(
		usage_csv_import(f->db, f->d, id, "use.csv", data, strlen(data), &rows, &errs),
		EB_EINVAL);
	const char *t = buf_cstr(&errs);
	assert_non_null(strstr(t, "use.csv:3: student_id: 't1' is not a student of this district"));
	assert_non_null(strstr(t, "use.csv:4: minutes: '-4' is not a number of minutes"));
	assert_non_null(strstr(t, "use.csv:5: student_id: 'p1' repeats line 2 (duplicate row)"));
	assert_non_null(strstr(t, "use.csv:6: sessions: '1.5' is not a whole number"));
	assert_int_equal(count(f->db, "SELECT count(*) FROM initiative_use"), 0);
	free(data);
	buf_free(&errs);
}

static void randomize_is_reproducible_and_once(void **state)
{
	struct fx *f = *state;
	struct initiative_in in = good(f);
	int64_t id1, id2;
	char why[INIT_WHY_CAP];
	assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id1, why, sizeof why), EB_OK);
	assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id2, why, sizeof why), EB_OK);
	size_t nu, nt;
	assert_int_equal(initiative_randomize(f->db, f->d, NULL, id1, "class", 42, &nu, &nt, why,
					      sizeof why),
			 EB_OK);
	assert_int_equal(nu, 4);
	assert_int_equal(nt, 2); /* stratified by school: one of two classes in each */
	assert_int_equal(initiative_randomize(f->db, f->d, NULL, id1, "class", 43, &nu, &nt, why,
					      sizeof why),
			 EB_ECONFLICT);
	assert_non_null(strstr(why, "already randomized by class with seed 42"));
	assert_int_equal(initiative_randomize(f->db, f->d, NULL, id2, "class", 42, &nu, &nt, why,
					      sizeof why),
			 EB_OK);
	const char *units[] = { "k1", "k2", "k3", "k4" };
	int in_s1 = 0, in_s2 = 0;
	for (int i = 0; i < 4; i++) {
		int a = initiative_assigned(f->db, f->d, id1, units[i]);
		assert_int_equal(a, initiative_assigned(f->db, f->d, id2, units[i]));
		if (i < 2)
			in_s1 += a;
		else
			in_s2 += a;
	}
	assert_int_equal(in_s1, 1);
	assert_int_equal(in_s2, 1);
	assert_int_equal(
		initiative_randomize(f->db, f->d, NULL, id2, "room", 1, &nu, &nt, why, sizeof why),
		EB_EINVAL);
}

/* Hand computation: treated outcomes 5 6 7, comparison 4 5 6, no pretest.
 * diff = 1, pooled SD = 1, omega = 1 - 3/(4*6 - 9) = 0.8, so g = 0.8;
 * OLS se of the difference = sqrt(1 * (1/3 + 1/3)) = 0.816497, se(g) =
 * 0.8 * 0.816497 = 0.653197 before the clustering correction. */
static void known_answer_randomized(void **state)
{
	(void)state;
	struct eval_row rows[6];
	double post[6] = { 5, 6, 7, 4, 5, 6 };
	for (int i = 0; i < 6; i++)
		rows[i] = (struct eval_row){ .pre = NAN,
					     .post = post[i],
					     .treated = i < 3,
					     .grade = 3,
					     .school = 0,
					     .cluster = i,
					     .el = 0,
					     .swd = 0 };
	const char *names[1] = { "s1" };
	struct eval_data d = { .design = EVAL_RANDOMIZED,
			       .rows = rows,
			       .n = 6,
			       .school_names = names,
			       .nschools = 1,
			       .icc = 0.0,
			       .tool = "T" };
	struct eval_result *r = calloc(1, sizeof *r);
	char why[256] = "";
	assert_int_equal(eval_run(&d, r, why, sizeof why), EB_OK);
	assert_true(fabs(r->est.diff - 1.0) < 1e-9);
	assert_true(fabs(r->est.sd_pooled - 1.0) < 1e-9);
	assert_true(fabs(r->est.g - 0.8) < 1e-9);
	assert_true(fabs(r->est.se - 0.653197264742) < 1e-9);
	assert_int_equal((int)r->est.n_t, 3);
	assert_false(r->est.significant);
	assert_true(r->too_little); /* 6 students: only a huge effect is detectable */
	struct buf b;
	buf_init(&b, 1 << 16);
	eval_write_report(r, &d, &b);
	assert_non_null(strstr(buf_cstr(&b), "effect_size_g: 0.8000"));
	assert_non_null(strstr(buf_cstr(&b), "verdict: too little data - no verdict"));
	assert_non_null(strstr(buf_cstr(&b), "attrition: low"));
	buf_free(&b);
	/* pass/fail with cut score 6: p_t = 2/3, p_c = 1/3; Cox = 0.8 ln(4) / 1.65
	 * = 0.672142; SE = 0.8 sqrt(2 / (3 * 2/9)) / 1.65 = 0.839782 (one student
	 * per cluster: no clustering correction) */
	d.has_pass = true;
	d.pass_score = 6;
	assert_int_equal(eval_run(&d, r, why, sizeof why), EB_OK);
	assert_true(r->has_cox);
	assert_true(fabs(r->pass_t - 2.0 / 3) < 1e-12 && fabs(r->pass_c - 1.0 / 3) < 1e-12);
	assert_true(fabs(r->cox.cox - 0.672142537) < 1e-6);
	assert_true(fabs(r->cox_se - 0.839782) < 1e-6);
	assert_true(r->cox_ci_lo < 0 && r->cox_ci_hi > 1.3);
	buf_init(&b, 1 << 16);
	eval_write_report(r, &d, &b);
	assert_non_null(strstr(buf_cstr(&b), "cox_index: 0.6721"));
	buf_free(&b);
	d.pass_score = 100; /* nobody passes: the logit is infinite, said so */
	assert_int_equal(eval_run(&d, r, why, sizeof why), EB_OK);
	assert_false(r->has_cox);
	assert_non_null(strstr(r->cox_why, "strictly between 0 and 1"));
	d.has_pass = false;
	/* one group empty: says which */
	for (int i = 0; i < 6; i++)
		rows[i].treated = 1;
	assert_int_equal(eval_run(&d, r, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "comparison 0"));
	free(r);
}

/* The privacy rule: a subgroup of 6 students (3 and 3) is estimated by
 * eval_run, and eval_suppress_small takes it out of every output; a whole
 * sample of 3 and 3 is not shown at all. */
static void small_groups_never_shown(void **state)
{
	(void)state;
	struct eval_row rows[40];
	for (int i = 0; i < 40; i++) {
		int t = i % 2;
		rows[i] = (struct eval_row){ .pre = NAN,
					     .post = 50 + (i % 7) + 2 * t,
					     .treated = t,
					     .grade = i < 34 ? 3 : 4,
					     .school = 0,
					     .cluster = i,
					     .el = 0,
					     .swd = 0 };
	}
	const char *names[1] = { "s1" };
	struct eval_data d = { .design = EVAL_RANDOMIZED,
			       .rows = rows,
			       .n = 40,
			       .school_names = names,
			       .nschools = 1,
			       .icc = 0.0,
			       .tool = "T" };
	struct eval_result *r = calloc(1, sizeof *r);
	char why[256] = "";
	assert_int_equal(eval_run(&d, r, why, sizeof why), EB_OK);
	size_t g4 = r->nsub;
	for (size_t i = 0; i < r->nsub; i++)
		if (strcmp(r->sub[i].label, "grade 4") == 0)
			g4 = i;
	assert_true(g4 < r->nsub);
	assert_true(r->sub[g4].ok); /* estimated from 4 students up ... */
	assert_int_equal((int)r->sub[g4].n_t, 3);
	assert_int_equal(eval_suppress_small(r, why, sizeof why), EB_OK);
	assert_false(r->sub[g4].ok); /* ... never shown under 10 a group */
	assert_string_equal(r->sub[g4].why, "not shown: fewer than 10 students in a group");
	assert_true(r->sub[g4].n_t == 0 && isnan(r->sub[g4].g));
	struct buf b;
	buf_init(&b, 1 << 16);
	eval_write_report(r, &d, &b);
	assert_non_null(strstr(buf_cstr(&b),
			       "subgroup: grade 4 not estimated: not shown: fewer than 10"
			       " students in a group"));
	assert_null(strstr(buf_cstr(&b), "subgroup: grade 4 n="));
	assert_non_null(strstr(buf_cstr(&b), "subgroup: grade 3 n=17/17"));
	buf_free(&b);
	/* the whole sample under the rule: nothing of it may be shown */
	d.n = 6;
	for (int i = 0; i < 6; i++)
		rows[i].grade = 3;
	memset(r, 0, sizeof *r);
	assert_int_equal(eval_run(&d, r, why, sizeof why), EB_OK);
	assert_int_equal(eval_suppress_small(r, why, sizeof why), EB_EPERM);
	assert_non_null(strstr(why, "not shown: fewer than 10 students in a group"));
	/* the rule itself */
	assert_true(eval_shown(EVAL_MATCHED, EVAL_MIN_SHOWN, EVAL_MIN_SHOWN));
	assert_false(eval_shown(EVAL_MATCHED, 50, 9));
	assert_false(eval_shown(EVAL_DID, 9, 50));
	assert_true(eval_shown(EVAL_DOSE, 10, 0)); /* one sample along the dose */
	assert_false(eval_shown(EVAL_DOSE, 5, 4));
	free(r);
}

/* Licence figures: 50 of 100 seats used, $4,500 a year: $90 per active
 * student; with g = 0.3 significant, $30 per student per 0.1 SD. */
static void cost_figures(void **state)
{
	(void)state;
	struct init_cost c = {
		.has_tool = true, .seats = 100, .annual_cost_cents = 450000, .active = 50
	};
	struct ev_estimate e = { .g = 0.3, .significant = true };
	init_cost_compute(&c, &e);
	assert_true(fabs(c.utilization_pct - 50) < 1e-9);
	assert_true(fabs(c.cost_per_active - 90) < 1e-9);
	assert_true(fabs(c.cost_per_01sd - 30) < 1e-9);
	e.significant = false;
	init_cost_compute(&c, &e);
	assert_true(c.cost_per_01sd < 0);
	assert_non_null(strstr(c.why_no_effect_cost, "no significant positive effect"));
	e = (struct ev_estimate){ .g = -0.3, .significant = true };
	init_cost_compute(&c, &e);
	assert_true(c.cost_per_01sd < 0);
	c.active = 0;
	init_cost_compute(&c, NULL);
	assert_true(c.cost_per_active < 0 && c.utilization_pct == 0);
	assert_non_null(strstr(c.why_no_effect_cost, "no student has used"));
	c.seats = 0;
	c.annual_cost_cents = -1;
	init_cost_compute(&c, NULL);
	assert_true(c.utilization_pct < 0);
	assert_non_null(strstr(c.why_no_effect_cost, "no annual cost"));
}

/* Difference-in-differences by hand: the targeted schools gain 2 points,
 * the others 1, so the interaction (the adjusted difference) is exactly 1. */
static void known_answer_did(void **state)
{
	(void)state;
	struct eval_row rows[12];
	double pre[3] = { 1, 2, 3 };
	for (int i = 0; i < 12; i++) {
		int treated = i < 6, k = i % 3;
		rows[i] = (struct eval_row){ .pre = pre[k],
					     .post = pre[k] + (treated ? 2 : 1),
					     .treated = treated,
					     .grade = 3,
					     .school = i / 3,
					     .cluster = i / 3,
					     .el = -1,
					     .swd = -1 };
	}
	const char *names[4] = { "a", "b", "c", "d" };
	struct eval_data d = { .design = EVAL_DID,
			       .rows = rows,
			       .n = 12,
			       .school_names = names,
			       .nschools = 4,
			       .icc = 0.0,
			       .tool = "T" };
	struct eval_result *r = calloc(1, sizeof *r);
	char why[256] = "";
	assert_int_equal(eval_run(&d, r, why, sizeof why), EB_OK);
	assert_true(fabs(r->est.diff - 1.0) < 1e-9);
	assert_true(r->est.g > 0);
	assert_true(r->baseline_equivalent); /* identical pre-period scores: g = 0 */
	assert_int_equal(r->sites, 4);
	free(r);
}

static void missing_data_says_what(void **state)
{
	struct fx *f = *state;
	struct initiative_in in = good(f);
	int64_t id;
	char why[INIT_WHY_CAP];
	assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id, why, sizeof why), EB_OK);
	struct arena a;
	arena_init(&a);
	struct initiative got;
	assert_int_equal(initiative_get(f->db, f->d, id, &a, &got), EB_OK);
	struct eval_data d;
	assert_int_equal(eval_load(f->db, f->d, &got, EVAL_MATCHED, &a, &d, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(
		strstr(why, "outcome: no scores of the assessment 'Unit 5 quiz' are stored"));
	assert_int_equal(eval_load(f->db, f->d, &got, EVAL_RANDOMIZED, &a, &d, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "outcome: no scores"));
	struct buf errs;
	buf_init(&errs, 1 << 16);
	size_t rows;
	assert_int_equal(import(f, "student_id,date,score\np1,2026-10-01,50\n", "Unit 5 quiz", 0,
				100, &errs, &rows),
			 EB_OK);
	assert_int_equal(eval_load(f->db, f->d, &got, EVAL_MATCHED, &a, &d, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "use: no tool use is recorded"));
	assert_int_equal(eval_load(f->db, f->d, &got, EVAL_RANDOMIZED, &a, &d, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "assignment: this initiative has no random assignment"));
	char *data = strdup("student_id,minutes,sessions\np1,30,2\np2,0,0\n");
	assert_int_equal(
		usage_csv_import(f->db, f->d, id, "u.csv", data, strlen(data), &rows, &errs),
		EB_OK);
	free(data);
	assert_int_equal(eval_load(f->db, f->d, &got, EVAL_MATCHED, &a, &d, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "pretest: none of the 6 targeted students has a score"));
	struct initiative_use_row *u;
	size_t nu;
	assert_int_equal(
		initiative_use_summary(f->db, f->d, &got, NULL, INIT_USE_BY_SCHOOL, &a, &u, &nu),
		EB_OK);
	assert_int_equal(nu, 3); /* total, s1, s2 */
	assert_int_equal(u[0].targeted, 6);
	assert_int_equal(u[0].active, 1);
	assert_true(u[0].minutes == 30);
	assert_string_equal(u[1].name, "Birch");
	assert_int_equal(u[1].targeted, 3);
	/* limited to one school: that school's students only, by teacher too */
	assert_int_equal(
		initiative_use_summary(f->db, f->d, &got, "s2", INIT_USE_BY_SCHOOL, &a, &u, &nu),
		EB_OK);
	assert_int_equal(nu, 2); /* total, s2 */
	assert_int_equal(u[0].targeted, 3);
	assert_int_equal(u[0].active, 0);
	assert_string_equal(u[1].name, "Cedar");
	assert_int_equal(
		initiative_use_summary(f->db, f->d, &got, "s2", INIT_USE_BY_TEACHER, &a, &u, &nu),
		EB_OK);
	assert_int_equal(u[0].targeted, 3);
	for (size_t i = 1; i < nu; i++)
		assert_string_not_equal(u[i].key, "k1");
	buf_free(&errs);
	arena_free(&a);
}

/* ---- What's working: computed once per version of its inputs --------- */

struct reads {
	char table[64][64];
	size_t n;
};

static void note_read(void *ctx, const char *table)
{
	struct reads *r = ctx;
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->table[i], table) == 0)
			return;
	if (r->n < 64)
		snprintf(r->table[r->n++], sizeof r->table[0], "%s", table);
}

static size_t ww_load(struct db *db, int64_t d, const char *school, struct ww_row **rows,
		      struct arena *a)
{
	struct http_request req;
	struct auth_session s;
	memset(&req, 0, sizeof req);
	memset(&s, 0, sizeof s);
	s.account.district_id = d;
	req.db = db;
	req.session = &s;
	req.arena = *a;
	size_t n = whats_working_load(&req, school, rows);
	*a = req.arena;
	return n;
}

/* Every table the computation of What's working reads changes the version
 * of its inputs (migration 017's triggers), so that a kept result is never
 * shown for data it was not computed from; a table read without it would
 * be a way to show a stale result. The one exception says why. */
static void whats_working_reads_only_versioned_tables(void **state)
{
	(void)state;
	char path[] = "/tmp/eb-ww-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct db *db;
	char err[256];
	int64_t d, coord, id;
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &db, err, sizeof err), EB_OK);
	assert_int_equal(district_create(db, "One", &d), EB_OK);
	assert_int_equal(db_exec(db, roster_sql), EB_OK);
	assert_int_equal(db_exec(db, "INSERT INTO tool(district_id,name,status,seats,"
				     "annual_cost_cents,created_at,updated_at)"
				     " VALUES(1,'Quizzy','approved',100,450000,0,0)"),
			 EB_OK);
	assert_int_equal(account_create(db, d, "coord", "Cora", "long-password", NULL, &coord),
			 EB_OK);
	struct fx f = { .db = db, .d = d, .coord = coord };
	struct initiative_in in = good(&f);
	in.tool_name = "Quizzy";
	in.tool_id = 1;
	in.pretest_assessment = "Pre";
	char why[INIT_WHY_CAP];
	assert_int_equal(initiative_create(db, d, NULL, &in, &id, why, sizeof why), EB_OK);
	struct buf errs;
	buf_init(&errs, 1 << 16);
	size_t rows;
	assert_int_equal(
		import(&f,
		       "student_id,date,score\np1,2026-08-20,40\np2,2026-08-20,42\n"
		       "p3,2026-08-20,45\np4,2026-08-20,41\np5,2026-08-20,44\np6,2026-08-20,43\n",
		       "Pre", 0, 100, &errs, &rows),
		EB_OK);
	assert_int_equal(
		import(&f,
		       "student_id,date,score\np1,2026-12-01,60\np2,2026-12-01,55\n"
		       "p3,2026-12-01,58\np4,2026-12-01,50\np5,2026-12-01,49\np6,2026-12-01,52\n",
		       "Unit 5 quiz", 0, 100, &errs, &rows),
		EB_OK);
	char *use = strdup("student_id,minutes,sessions\np1,300,10\np2,200,8\np3,250,9\n");
	assert_int_equal(usage_csv_import(db, d, id, "use.csv", use, strlen(use), &rows, &errs),
			 EB_OK);
	free(use);
	db_close(db);

	/* a connection of its own: every statement is prepared under the trace */
	assert_int_equal(db_open(path, 0, &db, err, sizeof err), EB_OK);
	struct reads r = { .n = 0 };
	db_trace_reads(db, note_read, &r);
	struct arena a;
	arena_init(&a);
	struct ww_row *w;
	long hits0, computed0, hits, computed;
	whats_working_cache_stats(&hits0, &computed0);
	assert_int_equal(ww_load(db, d, NULL, &w, &a), 1);
	assert_int_equal(ww_load(db, d, "s1", &w, &a), 1);
	db_trace_reads(db, NULL, NULL);
	whats_working_cache_stats(&hits, &computed);
	assert_int_equal(computed - computed0, 2);
	assert_true(r.n > 5);
	for (size_t i = 0; i < r.n; i++) {
		const char *t = r.table[i];
		bool versioned = false;
		for (const char *const *v = eval_inputs_tables; *v && !versioned; v++)
			versioned = strcmp(*v, t) == 0;
		/* account, account_role: initiative_get names the initiative's
		 * people, which What's working does not show; the version itself;
		 * SQLite's own tables */
		bool exempt = strcmp(t, "account") == 0 || strcmp(t, "account_role") == 0 ||
			      strcmp(t, "evaluation_inputs_version") == 0 ||
			      strncmp(t, "sqlite_", 7) == 0;
		if (!versioned && !exempt)
			fail_msg("What's working reads table %s, which does not change the version "
				 "of"
				 " its inputs (add it to migration 017's triggers and "
				 "eval_inputs_tables)",
				 t);
	}
	/* each versioned table has its three triggers (SQL from literals only:
	 * the statement cache is keyed by the text's address) */
	for (const char *const *v = eval_inputs_tables; *v; v++) {
		int64_t nt = -1;
		assert_int_equal(
			db_get_int(db,
				   "SELECT count(*) FROM sqlite_master WHERE type='trigger'"
				   " AND tbl_name=?1 AND name LIKE 'evaluation_inputs_%'",
				   DB_ARGS(DB_TEXT(*v)), &nt),
			EB_OK);
		assert_int_equal(nt, 3);
	}
	/* kept: no change, no computation */
	assert_int_equal(ww_load(db, d, NULL, &w, &a), 1);
	whats_working_cache_stats(&hits, &computed);
	assert_int_equal(computed - computed0, 2);
	assert_int_equal(hits - hits0, 1);
	/* a change of something else (a login, the audit log) keeps it */
	assert_int_equal(db_exec(db, "UPDATE account SET failed_logins = 1"), EB_OK);
	assert_int_equal(ww_load(db, d, NULL, &w, &a), 1);
	whats_working_cache_stats(&hits, &computed);
	assert_int_equal(computed - computed0, 2);
	/* a change of an input: the version moves, and the rows are computed again */
	int64_t v0, v1;
	assert_int_equal(eval_inputs_version(db, d, &v0), EB_OK);
	f.db = db;
	assert_int_equal(import(&f, "student_id,date,score\np6,2026-12-02,99\n", "Unit 5 quiz", 0,
				100, &errs, &rows),
			 EB_OK);
	assert_int_equal(eval_inputs_version(db, d, &v1), EB_OK);
	assert_true(v1 > v0);
	assert_int_equal(ww_load(db, d, NULL, &w, &a), 1);
	whats_working_cache_stats(&hits, &computed);
	assert_int_equal(computed - computed0, 3);
	/* an UPDATE of any input moves it (INSERT and DELETE have their triggers too) */
	for (const char *const *v = eval_inputs_tables; *v; v++) {
		char sql[256];
		int64_t changed = 0;
		assert_int_equal(eval_inputs_version(db, d, &v0), EB_OK);
		snprintf(sql, sizeof sql, "UPDATE %s SET district_id = district_id", *v);
		assert_int_equal(db_exec(db, sql), EB_OK); /* sqlite3_exec: not cached */
		assert_int_equal(db_get_int(db, "SELECT changes()", DB_NOARGS, &changed), EB_OK);
		assert_int_equal(eval_inputs_version(db, d, &v1), EB_OK);
		if (changed > 0 && v1 == v0)
			fail_msg("an UPDATE of %s left the version as it was", *v);
	}
	buf_free(&errs);
	arena_free(&a);
	db_close(db);
	unlink(path);
	char side[64];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(create_and_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_input_names_every_field_and_stores_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(tool_of_another_district_refused, setup, teardown),
		cmocka_unit_test(small_groups_never_shown),
		cmocka_unit_test_setup_teardown(status_decisions_are_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(assessment_files_rejected_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(usage_file_rejected_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(randomize_is_reproducible_and_once, setup,
						teardown),
		cmocka_unit_test(known_answer_randomized),
		cmocka_unit_test(known_answer_did),
		cmocka_unit_test(cost_figures),
		cmocka_unit_test_setup_teardown(missing_data_says_what, setup, teardown),
		cmocka_unit_test(whats_working_reads_only_versioned_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
