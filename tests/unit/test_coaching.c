/* Unit tests of coaching cycles (domain/coaching): the at-risk rule
 * (met, missed, no data, below the straight line, on it); a goal's
 * progress drawn from mastery (secure = measured at or above Proficient on
 * every named standard, inferred estimates not counted); bad input stores
 * nothing (unknown teacher or class, a step due before the start or owned
 * by someone outside the cycle, a target outside 1..100 %); a goal on a
 * standard the class's grade does not study is warned, then stored when
 * confirmed; who reads the notes (coach, teachers, and whom a teacher
 * shares with; not the principal); the completed cycles the impact reads. */
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
#include "domain/coaching.h"
#include "domain/district.h"
#include "domain/observation.h"
#include "domain/standards.h"
#include "base/timeutil.h"
#include "base/str.h"
#include "store/db.h"

struct fx {
	char path[64];
	struct db *db;
	int64_t d, coach, t1, t2, principal, other;
};

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->db, sql, DB_ARGS(DB_INT(f->d)), &n), EB_OK);
	return n;
}

static void exec_ok(struct fx *f, const char *sql)
{
	assert_int_equal(db_exec(f->db, sql), EB_OK);
}

#define SETUP_OK(x)                                                                                \
	do {                                                                                       \
		if (x) {                                                                           \
			fprintf(stderr, "setup: %s failed (line %d)\n", #x, __LINE__);             \
			return -1;                                                                 \
		}                                                                                  \
	} while (0)

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_coaching_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d) || f->d != 1 || standards_init())
		return -1;
	/* a grade 7 class of ten students */
	if (db_exec(f->db, "INSERT INTO org (district_id, sourced_id, name, type) VALUES"
			   " (1, 'sch', 'Birch Middle', 'school');"
			   "INSERT INTO class (district_id, sourced_id, title, grades,"
			   " course_sourced_id, class_type, school_sourced_id, term_sourced_ids)"
			   " VALUES (1, 'cls7', '4th period', '07', 'c', 'scheduled', 'sch', 't')"))
		return -1;
	for (int s = 0; s < 10; s++) {
		char sql[400];
		snprintf(sql, sizeof sql,
			 "INSERT INTO enrollment (district_id, sourced_id, class_sourced_id,"
			 " school_sourced_id, user_sourced_id, role) VALUES (1, 'e%d', 'cls7',"
			 " 'sch', 's%d', 'student')",
			 s, s);
		if (db_exec(f->db, sql))
			return -1;
	}
	SETUP_OK(account_create(f->db, 1, "coachlee", "Coach Lee", NULL, NULL, &f->coach));
	SETUP_OK(account_add_role(f->db, 1, f->coach, ROLE_COACH, "district", "1"));
	SETUP_OK(db_exec(f->db,
			 "INSERT INTO enrollment (district_id, sourced_id, class_sourced_id,"
			 " school_sourced_id, user_sourced_id, role) VALUES (1, 'et1', 'cls7',"
			 " 'sch', 'tch7', 'teacher')"));
	SETUP_OK(account_create(f->db, 1, "teacher1", "Teacher One", NULL, "tch7", &f->t1));
	SETUP_OK(account_add_role(f->db, 1, f->t1, ROLE_TEACHER, "school", "sch"));
	SETUP_OK(account_create(f->db, 1, "teacher2", "Teacher Two", NULL, NULL, &f->t2));
	SETUP_OK(account_add_role(f->db, 1, f->t2, ROLE_TEACHER, "school", "sch"));
	SETUP_OK(account_create(f->db, 1, "principal", "Principal", NULL, NULL, &f->principal));
	SETUP_OK(account_add_role(f->db, 1, f->principal, ROLE_PRINCIPAL, "school", "sch"));
	SETUP_OK(account_create(f->db, 1, "teacher3", "Other Teacher", NULL, NULL, &f->other));
	SETUP_OK(account_add_role(f->db, 1, f->other, ROLE_TEACHER, "school", "sch"));
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

/* One stored estimate. */
static void cell(struct fx *f, int student, const char *standard, double p, int inferred)
{
	char sql[400];
	snprintf(sql, sizeof sql,
		 "INSERT INTO mastery_state (district_id, student_sourced_id, standard_code, p, sd,"
		 " responses, correct, tools, trend_week, trend, inferred) VALUES (1, 's%d', '%s',"
		 " %f, 0.1, 5, 4, X'', 0, X'', %d)",
		 student, standard, p, inferred);
	exec_ok(f, sql);
}

static int64_t new_cycle(struct fx *f)
{
	char t1[24], why[COACHING_WHY_CAP] = "";
	snprintf(t1, sizeof t1, "%lld", (long long)f->t1);
	const char *teachers[] = { t1 }, *classes[] = { "cls7" };
	struct coaching_form cf = { .title = "Ratios in 4th period",
				    .started_on = "2026-01-05",
				    .teachers = teachers,
				    .nteachers = 1,
				    .classes = classes,
				    .nclasses = 1 };
	struct audit_actor who = { f->coach, "coach", "" };
	int64_t id = 0;
	assert_int_equal(coaching_cycle_create(f->db, 1, &cf, &who, &id, why, sizeof why), EB_OK);
	return id;
}

static void at_risk_rule(void **state)
{
	(void)state;
	struct coaching_point p[2] = { { "2026-01-05", 20, 10 }, { "2026-02-01", 30, 10 } };
	/* no point at all */
	assert_int_equal(coaching_goal_rule(20, "2026-01-05", 80, "2026-03-15", p, 0, "2026-02-01"),
			 COACHING_GOAL_NO_DATA);
	/* 30 % on Feb 1: the line from 20 % on Jan 5 to 80 % on Mar 15 is at
	 * 20 + 60 * 27/69 = 43.5 %: at risk */
	assert_int_equal(coaching_goal_rule(20, "2026-01-05", 80, "2026-03-15", p, 2, "2026-02-01"),
			 COACHING_GOAL_AT_RISK);
	/* 50 % on Feb 1 is above the line: on track */
	p[1].value = 50;
	assert_int_equal(coaching_goal_rule(20, "2026-01-05", 80, "2026-03-15", p, 2, "2026-02-01"),
			 COACHING_GOAL_ON_TRACK);
	/* the newest reading older than three weeks: no data */
	assert_int_equal(coaching_goal_rule(20, "2026-01-05", 80, "2026-03-15", p, 2, "2026-02-23"),
			 COACHING_GOAL_NO_DATA);
	/* the target reached: met, whatever the date */
	p[1].value = 80;
	assert_int_equal(coaching_goal_rule(20, "2026-01-05", 80, "2026-03-15", p, 2, "2026-04-30"),
			 COACHING_GOAL_MET);
	/* the date passed below the target: missed */
	p[1].value = 70;
	assert_int_equal(coaching_goal_rule(20, "2026-01-05", 80, "2026-03-15", p, 2, "2026-03-16"),
			 COACHING_GOAL_MISSED);
	/* no start value: the line starts at the first point */
	p[1].value = 30;
	assert_int_equal(coaching_goal_rule(-1, "2026-01-05", 80, "2026-03-15", p, 2, "2026-02-01"),
			 COACHING_GOAL_AT_RISK);
}

static void progress_from_mastery(void **state)
{
	struct fx *f = *state;
	/* s0..s3 secure on both standards; s4 secure on one only; s5 secure by
	 * an inferred estimate (not counted); s6 below Proficient */
	for (int s = 0; s < 4; s++) {
		cell(f, s, "7.RP.A.2", 0.95, 0);
		cell(f, s, "7.RP.A.3", 0.85, 0);
	}
	cell(f, 4, "7.RP.A.2", 0.95, 0);
	cell(f, 5, "7.RP.A.2", 0.95, 1);
	cell(f, 5, "7.RP.A.3", 0.95, 1);
	cell(f, 6, "7.RP.A.2", 0.30, 0);
	cell(f, 6, "7.RP.A.3", 0.30, 0);
	const char *both[] = { "7.RP.A.2", "7.RP.A.3" }, *one[] = { "7.RP.A.2" };
	double pct;
	int n;
	assert_int_equal(coaching_class_secure(f->db, 1, "cls7", both, 2, &pct, &n), EB_OK);
	assert_int_equal(n, 10);
	assert_true(pct > 39.9 && pct < 40.1);
	assert_int_equal(coaching_class_secure(f->db, 1, "cls7", one, 1, &pct, &n), EB_OK);
	assert_true(pct > 49.9 && pct < 50.1);

	/* a goal reads its start value, and each reading adds the day's point */
	int64_t c = new_cycle(f), gid = 0;
	char why[COACHING_WHY_CAP] = "";
	struct audit_actor who = { f->coach, "coach", "" };
	struct coaching_goal_form gf = { .kind = "students",
					 .class_sid = "cls7",
					 .standards = "7.RP.A.2, 7.RP.3",
					 .target = "80",
					 .target_on = "2026-03-15" };
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-05", &who, &gid, why, sizeof why),
		EB_OK);
	exec_ok(f, "UPDATE mastery_state SET p=0.9 WHERE student_sourced_id='s6'");
	struct arena a;
	arena_init(&a);
	struct coaching_goal *g;
	size_t ng;
	assert_int_equal(coaching_goals(f->db, 1, c, "2026-02-01", true, &a, &g, &ng), EB_OK);
	assert_int_equal(ng, 1);
	assert_int_equal(g[0].npoints, 2);
	assert_true(g[0].start_value > 39.9 && g[0].start_value < 40.1);
	assert_true(g[0].now > 49.9 && g[0].now < 50.1);
	assert_int_equal(g[0].nstandards, 2);
	assert_string_equal(g[0].standards[1], "7.RP.A.3");
	/* 50 % on Feb 1 against the line at 40 + 40 * 27/69 = 55.7 %: at risk */
	assert_int_equal(g[0].state, COACHING_GOAL_AT_RISK);
	char s[200];
	coaching_goal_sentence(&g[0], s, sizeof s);
	assert_string_equal(s, "50 % secure now, 80 % by March 15: at risk.");
	arena_free(&a);
}

static void bad_input_stores_nothing(void **state)
{
	struct fx *f = *state;
	char why[COACHING_WHY_CAP] = "", t1[24], other[24];
	snprintf(t1, sizeof t1, "%lld", (long long)f->t1);
	snprintf(other, sizeof other, "%lld", (long long)f->other);
	struct audit_actor who = { f->coach, "coach", "" };
	int64_t id = 0;
	const char *nobody[] = { "9999" }, *teachers[] = { t1 }, *noclass[] = { "nope" },
		   *classes[] = { "cls7" };
	struct coaching_form cf = { .title = "X",
				    .started_on = "2026-01-05",
				    .teachers = nobody,
				    .nteachers = 1,
				    .classes = classes,
				    .nclasses = 1 };
	assert_int_equal(coaching_cycle_create(f->db, 1, &cf, &who, &id, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "teachers:"));
	cf.teachers = teachers;
	cf.classes = noclass;
	assert_int_equal(coaching_cycle_create(f->db, 1, &cf, &who, &id, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "no class nope"));
	assert_int_equal(count(f, "SELECT count(*) FROM coaching_cycle WHERE district_id=?1"), 0);

	int64_t c = new_cycle(f);
	/* a step due before the cycle started */
	assert_int_equal(coaching_step_add(f->db, 1, c, "Try the number talk", t1, "2026-01-04",
					   &who, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "before the cycle started"));
	/* an owner outside the cycle */
	assert_int_equal(coaching_step_add(f->db, 1, c, "Try the number talk", other, "2026-01-20",
					   &who, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "not part of this cycle"));
	assert_int_equal(count(f, "SELECT count(*) FROM coaching_step WHERE district_id=?1"), 0);
	assert_int_equal(coaching_step_add(f->db, 1, c, "Try the number talk", t1, "2026-01-20",
					   &who, why, sizeof why),
			 EB_OK);
	/* targets outside 1..100 % */
	struct coaching_goal_form gf = { .kind = "students",
					 .class_sid = "cls7",
					 .standards = "7.RP.A.2",
					 .target = "0",
					 .target_on = "2026-03-15" };
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-05", &who, NULL, why, sizeof why),
		EB_EINVAL);
	assert_non_null(strstr(why, "target:"));
	gf.target = "101";
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-05", &who, NULL, why, sizeof why),
		EB_EINVAL);
	gf.target = "80";
	gf.standards = "7.XX.9";
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-05", &who, NULL, why, sizeof why),
		EB_EINVAL);
	assert_non_null(strstr(why, "not a standard"));
	assert_int_equal(count(f, "SELECT count(*) FROM coaching_goal WHERE district_id=?1"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM coaching_goal_point WHERE district_id=?1"),
			 0);
	/* a grade 4 standard in a grade 7 class: warned, then stored when confirmed */
	gf.standards = "4.NF.A.1";
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-05", &who, NULL, why, sizeof why),
		EB_ECONFLICT);
	assert_non_null(strstr(why, "grade 4 standard"));
	assert_int_equal(count(f, "SELECT count(*) FROM coaching_goal WHERE district_id=?1"), 0);
	gf.confirm = true;
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-05", &who, NULL, why, sizeof why),
		EB_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM coaching_goal WHERE district_id=?1 AND"
				  " off_grade=1"),
			 1);
	/* an entry before the start; the end of a cycle before its start */
	assert_int_equal(coaching_entry_add(f->db, 1, c, "kickoff", "2025-12-01", "", "x", &who,
					    why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(
		coaching_set_phase(f->db, 1, c, "completed", "2025-12-01", &who, why, sizeof why),
		EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM coaching_entry WHERE district_id=?1"), 0);
}

static void who_reads_the_notes(void **state)
{
	struct fx *f = *state;
	int64_t c = new_cycle(f);
	struct account coach, t1, prin, other;
	assert_int_equal(account_get(f->db, 1, f->coach, &coach), EB_OK);
	assert_int_equal(account_get(f->db, 1, f->t1, &t1), EB_OK);
	assert_int_equal(account_get(f->db, 1, f->principal, &prin), EB_OK);
	assert_int_equal(account_get(f->db, 1, f->other, &other), EB_OK);
	assert_true(coaching_notes_visible(f->db, 1, &coach, c));
	assert_true(coaching_notes_visible(f->db, 1, &t1, c));
	assert_false(coaching_notes_visible(f->db, 1, &prin, c));
	assert_false(coaching_notes_visible(f->db, 1, &other, c));
	struct arena a;
	arena_init(&a);
	struct coaching_cycle cy;
	assert_int_equal(coaching_cycle_get(f->db, 1, c, &a, &cy), EB_OK);
	assert_true(coaching_cycle_visible(f->db, 1, &prin, &cy));
	assert_false(coaching_cycle_visible(f->db, 1, &other, &cy));
	/* only the teacher shares */
	char why[COACHING_WHY_CAP];
	struct audit_actor who = { f->coach, "coach", "" };
	assert_int_equal(
		coaching_share_set(f->db, 1, c, &coach, f->principal, true, &who, why, sizeof why),
		EB_EPERM);
	assert_false(coaching_notes_visible(f->db, 1, &prin, c));
	assert_int_equal(
		coaching_share_set(f->db, 1, c, &t1, f->principal, true, &who, why, sizeof why),
		EB_OK);
	assert_true(coaching_notes_visible(f->db, 1, &prin, c));
	assert_int_equal(
		coaching_share_set(f->db, 1, c, &t1, f->principal, false, &who, why, sizeof why),
		EB_OK);
	assert_false(coaching_notes_visible(f->db, 1, &prin, c));
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE district_id=?1 AND"
				  " detail LIKE 'notes shar%'"),
			 2);
	arena_free(&a);
}

static void completed_cycles_for_the_impact(void **state)
{
	struct fx *f = *state;
	int64_t c = new_cycle(f);
	new_cycle(f); /* still running */
	char why[COACHING_WHY_CAP];
	struct audit_actor who = { f->coach, "coach", "" };
	struct coaching_goal_form gf = { .kind = "students",
					 .class_sid = "cls7",
					 .standards = "7.RP.A.2 7.RP.A.3",
					 .target = "80",
					 .target_on = "2026-03-15" };
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-05", &who, NULL, why, sizeof why),
		EB_OK);
	gf.standards = "7.RP.A.2";
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-05", &who, NULL, why, sizeof why),
		EB_OK);
	assert_int_equal(
		coaching_set_phase(f->db, 1, c, "completed", "2026-03-20", &who, why, sizeof why),
		EB_OK);
	struct arena a;
	arena_init(&a);
	struct coaching_completed *r;
	size_t n;
	assert_int_equal(coaching_completed_cycles(f->db, 1, &a, &r, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].id, c);
	assert_int_equal(r[0].nclasses, 1);
	assert_string_equal(r[0].classes[0], "cls7");
	assert_int_equal(r[0].nstandards, 2);
	assert_int_equal(r[0].nteachers, 1);
	assert_int_equal(r[0].teachers[0], f->t1);
	assert_string_equal(r[0].ended_on, "2026-03-20");
	assert_true(r[0].ended_at > r[0].started_at);
	/* the lists and the summary */
	struct coaching_row *rows;
	assert_int_equal(coaching_list(f->db, 1, COACHING_OF_COACH, f->coach, NULL, "2026-03-21",
				       &a, &rows, &n),
			 EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].phase, COACHING_COMPLETED);
	assert_true(rows[0].needs_next_step); /* no entry since Jan 5 */
	struct coaching_school_row *sr;
	assert_int_equal(coaching_summary(f->db, 1, "2026-03-21", &a, &sr, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sr[0].by_phase[COACHING_IDENTIFY], 1);
	assert_int_equal(sr[0].by_phase[COACHING_COMPLETED], 1);
	assert_int_equal(sr[0].goals, 2);
	arena_free(&a);
}

static void practice_goal_from_observations(void **state)
{
	struct fx *f = *state;
	int64_t c = new_cycle(f);
	struct account coach;
	assert_int_equal(account_get(f->db, 1, f->coach, &coach), EB_OK);
	struct audit_actor who = { f->coach, "coachlee", "" };
	char why[COACHING_WHY_CAP] = "", t1[24];
	snprintf(t1, sizeof t1, "%lld", (long long)f->t1);
	/* an observation on Jan 10: 3 student turns of 4 (75 % student talk) */
	int32_t day;
	assert_int_equal(date_parse_ymd(str_from("2026-01-10"), &day), EB_OK);
	int64_t at = (int64_t)day * 86400 + 36000, obs = 0;
	struct observation_form of = { .class_sid = "cls7", .teacher = t1 };
	assert_int_equal(observation_create(f->db, 1, &coach, &of, at, &who, &obs, why, sizeof why),
			 EB_OK);
	static const char *const codes[] = { "student", "teacher", "student", "student_student" };
	for (int i = 0; i < 4; i++)
		assert_int_equal(observation_mark(f->db, 1, obs, codes[i], "", at * 1000 + i * 1000,
						  why, sizeof why),
				 EB_OK);
	assert_int_equal(observation_close(f->db, 1, obs, at + 1800, &who, why, sizeof why), EB_OK);
	/* a share target outside 1..100 %, an unknown indicator: refused */
	struct coaching_goal_form gf = { .kind = "practice",
					 .class_sid = "cls7",
					 .indicator = "student_talk_share",
					 .target = "150",
					 .target_on = "2026-03-15" };
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-12", &who, NULL, why, sizeof why),
		EB_EINVAL);
	gf.indicator = "talk_volume";
	gf.target = "80";
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-12", &who, NULL, why, sizeof why),
		EB_EINVAL);
	assert_non_null(strstr(why, "indicator:"));
	gf.indicator = "student_talk_share";
	assert_int_equal(
		coaching_goal_add(f->db, 1, c, &gf, "2026-01-12", &who, NULL, why, sizeof why),
		EB_OK);
	struct arena a;
	arena_init(&a);
	struct coaching_goal *g;
	size_t n;
	assert_int_equal(coaching_goals(f->db, 1, c, "2026-01-12", true, &a, &g, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(g[0].kind, COACHING_GOAL_PRACTICE);
	assert_int_equal(g[0].npoints, 1);
	assert_string_equal(g[0].points[0].day, "2026-01-10");
	assert_true(g[0].now > 74.9 && g[0].now < 75.1);
	assert_true(g[0].start_value > 74.9 && g[0].start_value < 75.1);
	assert_int_equal(g[0].state, COACHING_GOAL_ON_TRACK);
	/* weeks later, no new observation: no data for three weeks */
	assert_int_equal(coaching_goals(f->db, 1, c, "2026-02-10", true, &a, &g, &n), EB_OK);
	assert_int_equal(g[0].state, COACHING_GOAL_NO_DATA);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(at_risk_rule),
		cmocka_unit_test_setup_teardown(progress_from_mastery, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_input_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(who_reads_the_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(completed_cycles_for_the_impact, setup, teardown),
		cmocka_unit_test_setup_teardown(practice_goal_from_observations, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
