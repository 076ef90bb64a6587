/* Unit tests of domain/plans and domain/learning_plans: the aim line, the
 * OLS trend against hand-computed values, the decision rules, validation
 * (every field's reason, nothing stored), progress read from a tool's
 * scores and minutes, and a goal that closes itself once mastered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/account.h"
#include "domain/district.h"
#include "domain/learning_plans.h"
#include "domain/plans.h"
#include "store/db.h"

struct fx {
	struct db *db;
	int64_t d, teacher, parent;
	struct account t;
};

static const char roster_sql[] =
	"INSERT INTO org(district_id,sourced_id,name,type) VALUES"
	" (1,'s1','Birch','school'),(1,'s2','Cedar','school');"
	"INSERT INTO class(district_id,sourced_id,title,grades,course_sourced_id,class_type,"
	" school_sourced_id,term_sourced_ids) VALUES"
	" (1,'k1','Math 4a','04','c','scheduled','s1','t'),"
	" (1,'k2','Math 4b','04','c','scheduled','s2','t');"
	"INSERT INTO person(district_id,sourced_id,org_sourced_ids,role,given_name,family_name,"
	" grades) VALUES (1,'p1','s1','student','Ana','A','04'),(1,'p2','s1','student','Ben','B',"
	"'04'),(1,'p3','s2','student','Cy','C','04'),(1,'t1','s1','teacher','Tess','T',NULL);"
	"INSERT INTO enrollment(district_id,sourced_id,class_sourced_id,school_sourced_id,"
	" user_sourced_id,role) VALUES (1,'e1','k1','s1','p1','student'),"
	" (1,'e2','k1','s1','p2','student'),(1,'e3','k2','s2','p3','student'),"
	" (1,'e4','k1','s1','t1','teacher');"
	"INSERT INTO tool(district_id,id,name,status,standards,created_at,updated_at) VALUES"
	" (1,1,'Quizzy','approved','4.NF.A.1',0,0);";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	if (db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "One", &f->d) || db_exec(f->db, roster_sql))
		return -1;
	if (account_create(f->db, f->d, "tess", "Tess Teacher", NULL, "t1", &f->teacher) ||
	    account_add_role(f->db, f->d, f->teacher, ROLE_TEACHER, "school", "s1") ||
	    account_create(f->db, f->d, "gina", "Gina Guardian", NULL, NULL, &f->parent) ||
	    account_add_role(f->db, f->d, f->parent, ROLE_GUARDIAN, "person", "p1") ||
	    account_get(f->db, f->d, f->teacher, &f->t))
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

/* ---- pure rules --------------------------------------------------------- */

static struct plan plan_of(int32_t start, int32_t end, double base, double goal)
{
	struct plan p;
	memset(&p, 0, sizeof p);
	p.start_day = start;
	p.end_day = end;
	p.baseline = base;
	p.goal = goal;
	return p;
}

static void test_aim_line(void **state)
{
	(void)state;
	struct plan p = plan_of(100, 200, 20, 70);
	assert_float_equal(plans_aim_at(&p, 100), 20, 1e-12);
	assert_float_equal(plans_aim_at(&p, 200), 70, 1e-12);
	assert_float_equal(plans_aim_at(&p, 150), 45, 1e-12);
	assert_float_equal(plans_aim_at(&p, 130), 35, 1e-12);
}

static void test_trend_against_hand_computed_values(void **state)
{
	(void)state;
	/* x = 0, 7, 14, 21; y = 30, 34, 35, 41: mean x 10.5, mean y 35;
	 * Sxx = 110.25+12.25+12.25+110.25 = 245; Sxy = (-10.5)(-5)+(-3.5)(-1)+
	 * (3.5)(0)+(10.5)(6) = 52.5+3.5+0+63 = 119; b = 119/245 = 0.485714...;
	 * a = 35 - b*10.5 = 29.9 */
	struct plan_point pts[] = {
		{ 100, 30, 1 }, { 107, 34, 1 }, { 114, 35, 1 }, { 121, 41, 1 }
	};
	double a = -1, b = -1;
	assert_true(plans_trend(pts, 4, 100, &a, &b));
	assert_float_equal(b, 119.0 / 245.0, 1e-12);
	assert_float_equal(a, 29.9, 1e-12);
	/* one point, or every point on one day: no trend */
	assert_false(plans_trend(pts, 1, 100, &a, &b));
	struct plan_point same[] = { { 5, 1, 1 }, { 5, 2, 1 } };
	assert_false(plans_trend(same, 2, 0, &a, &b));
}

static void decide(struct plan *p, struct plan_point *pts, size_t n, bool known, double got,
		   double planned, struct plan_progress *pr)
{
	memset(pr, 0, sizeof *pr);
	pr->points = pts;
	pr->npoints = n;
	pr->minutes_known = known;
	pr->minutes_delivered = got;
	pr->minutes_planned = planned;
	plans_decide(p, pr);
}

static void test_decision_rules(void **state)
{
	(void)state;
	/* aim: 20 at day 0 to 80 at day 60, so 1 point a day */
	struct plan p = plan_of(0, 60, 20, 80);
	struct plan_progress pr;
	/* four points under the aim line (aim 27, 34, 41, 48), minutes given */
	struct plan_point under[] = { { 7, 25, 1 }, { 14, 30, 1 }, { 21, 35, 1 }, { 28, 40, 1 } };
	decide(&p, under, 4, true, 100, 120, &pr);
	assert_true(pr.below_aim);
	assert_false(pr.low_minutes); /* 100/120 = 83% */
	assert_int_equal(pr.suggest, PLAN_CHANGE);
	/* the same under 75 % of the minutes: intensify first */
	decide(&p, under, 4, true, 89, 120, &pr);
	assert_true(pr.low_minutes);
	assert_int_equal(pr.suggest, PLAN_INTENSIFY);
	/* exactly 75 %: not low */
	decide(&p, under, 4, true, 90, 120, &pr);
	assert_false(pr.low_minutes);
	/* one of the last four on the line: not below */
	struct plan_point touch[] = { { 7, 25, 1 }, { 14, 34, 1 }, { 21, 35, 1 }, { 28, 40, 1 } };
	decide(&p, touch, 4, false, 0, 0, &pr);
	assert_false(pr.below_aim);
	assert_int_equal(pr.suggest, PLAN_CONTINUE);
	/* three points under: too few to judge */
	decide(&p, under, 3, false, 0, 0, &pr);
	assert_false(pr.below_aim);
	assert_int_equal(pr.suggest, PLAN_CONTINUE);
	/* only the last four count: an early point above does not save it */
	struct plan_point five[] = {
		{ 1, 90, 1 }, { 7, 25, 1 }, { 14, 30, 1 }, { 21, 35, 1 }, { 28, 40, 1 }
	};
	decide(&p, five, 5, false, 0, 0, &pr);
	assert_true(pr.below_aim);
	/* the goal reached: exit */
	struct plan_point met[] = { { 7, 30, 1 }, { 14, 85, 1 } };
	decide(&p, met, 2, true, 0, 120, &pr);
	assert_true(pr.goal_met);
	assert_int_equal(pr.suggest, PLAN_EXIT);
	/* no tool: minutes unknown, never low */
	decide(&p, touch, 4, false, 0, 120, &pr);
	assert_false(pr.low_minutes);
	assert_non_null(pr.why);
}

/* ---- validation ---------------------------------------------------------- */

static struct plan_in good(const char *const *students, size_t n)
{
	struct plan_in in = {
		.tier = "2",
		.students = students,
		.nstudents = n,
		.standards = "4.nf.a.1",
		.tool_id = "1",
		.strategy = "number lines",
		.owner_id = "1",
		.sessions_per_week = "3",
		.minutes_per_session = "20",
		.start_date = "2026-09-07",
		.end_date = "2026-11-30",
		.measure = "tool",
		.baseline = "30",
		.goal = "80",
		.goal_text = "on the number line",
	};
	return in;
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t n = -1;
	struct db_stmt *st;
	if (db_query(db, sql, NULL, 0, &st))
		return -1;
	if (db_next(st))
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static void test_validation_names_every_field_and_stores_nothing(void **state)
{
	struct fx *f = *state;
	const char *two[] = { "p1", "p2" }, *other[] = { "p1", "p3" };
	char why[PLAN_WHY_CAP];
	int64_t id;
	struct plan_in in = good(two, 2);
	in.end_date = "2026-09-01";
	in.minutes_per_session = "121";
	in.standards = "4.NF.A.1, 9.ZZ.A.1";
	in.tool_id = "7";
	assert_int_equal(plans_create(f->db, &f->t, NULL, &in, &id, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "end_date: must come after the start date"));
	assert_non_null(strstr(why, "minutes_per_session: must be minutes per session"));
	assert_non_null(strstr(why, "standards: '9.ZZ.A.1'"));
	assert_non_null(strstr(why, "tool_id: tool 7 is not in the district's inventory"));
	/* a student the teacher does not teach (and of another school) */
	in = good(other, 2);
	assert_int_equal(plans_create(f->db, &f->t, NULL, &in, &id, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "students: 'p3' is not a student of this district you may"));
	/* an owner with no staff role (a guardian) */
	in = good(two, 2);
	char owner[24];
	snprintf(owner, sizeof owner, "%lld", (long long)f->parent);
	in.owner_id = owner;
	assert_int_equal(plans_create(f->db, &f->t, NULL, &in, &id, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "owner_id: Gina Guardian holds no staff role"));
	/* minutes out of range, the goal under the baseline, no intervention */
	in = good(two, 2);
	in.minutes_per_session = "4";
	in.goal = "10";
	in.tool_id = "";
	in.strategy = " ";
	in.measure = "tool";
	assert_int_equal(plans_create(f->db, &f->t, NULL, &in, &id, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "minutes_per_session"));
	assert_non_null(strstr(why, "goal: must be above the baseline"));
	assert_non_null(strstr(why, "intervention: name a tool, a strategy or both"));
	assert_int_equal(count(f->db, "SELECT count(*) FROM plan"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM plan_student"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log"), 0);
}

/* ---- progress from a tool's scores and minutes --------------------------- */

static void test_progress_from_tool_scores_and_minutes(void **state)
{
	struct fx *f = *state;
	const char *two[] = { "p1", "p2" };
	char why[PLAN_WHY_CAP];
	int64_t id;
	struct plan_in in = good(two, 2);
	struct audit_actor who = { f->teacher, "tess", "" };
	assert_int_equal(plans_create(f->db, &f->t, &who, &in, &id, why, sizeof why), EB_OK);
	struct arena a;
	arena_init(&a);
	struct plan p;
	assert_int_equal(plans_get(f->db, f->d, id, &a, &p), EB_OK);
	assert_int_equal(p.nstudents, 2);
	assert_string_equal(p.standards[0], "4.NF.A.1");
	assert_string_equal(p.tool_name, "Quizzy");
	assert_int_equal(p.measure_tool_id, 1); /* the intervention's tool */
	assert_int_equal(p.next_checkin_day, p.start_day + 14);
	/* Monday 2026-09-07 is day 20703: two weeks of scores; p1 0.4 and 0.6
	 * in week one (mean 50), p2 0.2 in week two (20); 10 and 20 minutes */
	int64_t t0 = (int64_t)p.start_day * 86400 + 3600;
	char sql[1024];
	snprintf(sql, sizeof sql,
		 "INSERT INTO learning_event(district_id,tool_id,student_sourced_id,actor_key,"
		 "standard_code,score,duration_s,occurred_at,source) VALUES"
		 " (1,1,'p1','a','4.NF.A.1',0.4,600,%lld,'csv'),"
		 " (1,1,'p1','a','4.NF.A.1',0.6,600,%lld,'csv'),"
		 " (1,1,'p2','b','4.NF.A.1',0.2,1200,%lld,'csv'),"
		 " (1,1,'p2','b','4.NF.A.1',0.9,60,%lld,'csv')",
		 (long long)t0, (long long)(t0 + 86400), (long long)(t0 + 7 * 86400),
		 (long long)(t0 - 86400));
	assert_int_equal(db_exec(f->db, sql), EB_OK);
	struct plan_progress pr;
	int32_t today = p.start_day + 13;
	assert_int_equal(plans_progress(f->db, f->d, &p, today, &a, &pr), EB_OK);
	assert_int_equal(pr.npoints, 2);
	assert_int_equal(pr.points[0].day, p.start_day);
	assert_float_equal(pr.points[0].value, 50, 1e-9);
	assert_int_equal(pr.points[1].day, p.start_day + 7);
	assert_float_equal(pr.points[1].value, 20, 1e-9);
	/* the event before the start counts for neither; minutes per student:
	 * (20 + 20) / 2 = 20 of 3 x 20 x 14 / 7 = 120 planned */
	assert_true(pr.minutes_known);
	assert_float_equal(pr.minutes_delivered, 20, 1e-9);
	assert_float_equal(pr.minutes_planned, 120, 1e-9);
	assert_true(pr.low_minutes);
	assert_int_equal(pr.suggest, PLAN_INTENSIFY);
	/* a check-in: stored, next due in 14 days, audited; exit closes */
	assert_int_equal(plans_checkin(f->db, f->d, &who, id, "exit", "goal met", &pr, today, why,
				       sizeof why),
			 EB_OK);
	assert_int_equal(
		plans_checkin(f->db, f->d, &who, id, "continue", "", &pr, today, why, sizeof why),
		EB_ECONFLICT);
	assert_int_equal(
		plans_checkin(f->db, f->d, &who, 999, "continue", "", &pr, today, why, sizeof why),
		EB_ENOTFOUND);
	struct plan_checkin *c;
	size_t n;
	assert_int_equal(plans_checkins(f->db, f->d, id, &a, &c, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].decision, PLAN_EXIT);
	assert_int_equal(c[0].suggested, PLAN_INTENSIFY);
	assert_true(c[0].minutes_known);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log WHERE subject_type='plan'"),
			 2);
	/* the list: closed now */
	struct plan_filter flt = { .status = 2, .today = today, .limit = 10 };
	struct plan_row *rows;
	bool more;
	assert_int_equal(plans_list(f->db, f->d, &flt, &a, &rows, &n, &more), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].nstudents, 2);
	assert_string_equal(rows[0].names[0], "A, Ana");
	arena_free(&a);
}

/* ---- learning plans: a goal closes itself once mastered ----------------- */

static void test_learning_goal_closes_when_mastered(void **state)
{
	struct fx *f = *state;
	char why[LPLAN_WHY_CAP];
	int64_t gid;
	assert_int_equal(lplan_goal_add(f->db, f->d, NULL, "p1", "4.nf.a.1", "", false, &gid, why,
					sizeof why),
			 EB_OK);
	assert_int_equal(lplan_goal_add(f->db, f->d, NULL, "p1", "4.NF.A.1", "", true, &gid, why,
					sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "already a goal"));
	assert_int_equal(
		lplan_goal_add(f->db, f->d, NULL, "p1", "4.NF.A", "", true, &gid, why, sizeof why),
		EB_EINVAL);
	assert_non_null(strstr(why, "cluster"));
	struct arena a;
	arena_init(&a);
	struct lplan lp;
	assert_int_equal(lplan_get(f->db, f->d, "p1", &a, &lp), EB_OK);
	assert_int_equal(lp.ngoals, 1);
	assert_false(lp.goals[0].reached);
	/* the tool covering the standard is suggested */
	struct lplan_pathway *sg;
	size_t ns;
	assert_int_equal(lplan_suggest(f->db, f->d, "p1", "4.NF.A.1", 3, &a, &sg, &ns), EB_OK);
	assert_int_equal(ns, 1);
	assert_int_equal(sg[0].tool_id, 1);
	/* twenty right answers: the estimate reaches Mastered, the goal is reached */
	for (int i = 0; i < 20; i++)
		assert_int_equal(mastery_record(f->db, f->d, "p1", "4.NF.A.1", 1, "q", 1,
						1790000000 + i * 3600),
				 EB_OK);
	assert_int_equal(lplan_get(f->db, f->d, "p1", &a, &lp), EB_OK);
	assert_true(lp.goals[0].measured);
	assert_true(lp.goals[0].reached);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aim_line),
		cmocka_unit_test(test_trend_against_hand_computed_values),
		cmocka_unit_test(test_decision_rules),
		cmocka_unit_test_setup_teardown(
			test_validation_names_every_field_and_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress_from_tool_scores_and_minutes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_learning_goal_closes_when_mastered, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
