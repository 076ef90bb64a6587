/* Unit tests of classroom observations (domain/observation): the protocol's
 * keys are unique and complete; the summary's math (shares of talk,
 * student to student, reasoning questions, moves per 10 minutes, per
 * segment, by group); a bad observation stores nothing; the tally (marks
 * stamped with the segment, undo, a mark after the close refused with its
 * sentence and nothing stored); ratings and evidence (bad ones store
 * nothing); who sees what (observer, teacher, shared, a principal who did
 * not observe, a family); the series across observations of a class. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/account.h"
#include "domain/coaching.h"
#include "domain/district.h"
#include "domain/observation.h"
#include "store/db.h"

struct fx {
	char path[64];
	struct db *db;
	int64_t d, coach, teacher, other_teacher, principal, guardian;
};

static const struct audit_actor cli = { 0, "cli", "" };

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
	snprintf(f->path, sizeof f->path, "/tmp/test_observation_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d) || f->d != 1)
		return -1;
	exec_ok(f, "INSERT INTO org (district_id, sourced_id, name, type) VALUES"
		   " (1, 'sch', 'Birch Middle', 'school');"
		   "INSERT INTO person (district_id, sourced_id, org_sourced_ids, role, given_name,"
		   " family_name) VALUES (1, 'tch1', 'sch', 'teacher', 'Ana', 'Ruiz'),"
		   " (1, 'tch2', 'sch', 'teacher', 'Ben', 'Okafor');"
		   "INSERT INTO class (district_id, sourced_id, title, course_sourced_id,"
		   " class_type, school_sourced_id, term_sourced_ids) VALUES (1, 'cls1',"
		   " 'Math 7 P4', 'c', 'scheduled', 'sch', 't'), (1, 'cls2', 'Math 7 P5', 'c',"
		   " 'scheduled', 'sch', 't');"
		   "INSERT INTO enrollment (district_id, sourced_id, class_sourced_id,"
		   " school_sourced_id, user_sourced_id, role) VALUES (1, 'e1', 'cls1', 'sch',"
		   " 'tch1', 'teacher'), (1, 'e2', 'cls2', 'sch', 'tch2', 'teacher')");
	SETUP_OK(account_create(f->db, 1, "coach", "Coach Lee", NULL, NULL, &f->coach));
	SETUP_OK(account_add_role(f->db, 1, f->coach, ROLE_COACH, "school", "sch"));
	SETUP_OK(account_create(f->db, 1, "ana", "Ana Ruiz", NULL, "tch1", &f->teacher));
	SETUP_OK(account_add_role(f->db, 1, f->teacher, ROLE_TEACHER, "school", "sch"));
	SETUP_OK(account_create(f->db, 1, "ben", "Ben Okafor", NULL, "tch2", &f->other_teacher));
	SETUP_OK(account_add_role(f->db, 1, f->other_teacher, ROLE_TEACHER, "school", "sch"));
	SETUP_OK(account_create(f->db, 1, "princ", "Pat Principal", NULL, NULL, &f->principal));
	SETUP_OK(account_add_role(f->db, 1, f->principal, ROLE_PRINCIPAL, "school", "sch"));
	SETUP_OK(account_create(f->db, 1, "parent", "A Parent", NULL, NULL, &f->guardian));
	SETUP_OK(account_add_role(f->db, 1, f->guardian, ROLE_GUARDIAN, "person", "stu1"));
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

static struct account obs_acct(struct fx *f, int64_t id)
{
	struct account a;
	assert_int_equal(account_get(f->db, 1, id, &a), EB_OK);
	return a;
}

static int64_t start(struct fx *f, const char *class_sid, int64_t teacher, int64_t now)
{
	struct account c = obs_acct(f, f->coach);
	char t[24], why[OBSERVATION_WHY_CAP];
	int64_t id = 0;
	snprintf(t, sizeof t, "%lld", (long long)teacher);
	struct observation_form in = { .class_sid = class_sid, .teacher = t, .focus = "talk" };
	assert_int_equal(observation_create(f->db, 1, &c, &in, now, &cli, &id, why, sizeof why),
			 EB_OK);
	return id;
}

static void protocol_keys_are_unique(void **state)
{
	(void)state;
	assert_int_equal(observation_dimensions_count, 5);
	for (size_t i = 0; i < observation_indicators_count; i++) {
		const struct observation_indicator *in = &observation_indicators[i];
		assert_ptr_equal(observation_indicator_find(in->key), in);
		bool dim = false;
		for (size_t j = 0; j < observation_dimensions_count; j++)
			dim |= strcmp(observation_dimensions[j].key, in->dimension) == 0;
		assert_true(dim);
		for (int l = 0; l < OBSERVATION_LEVELS; l++)
			assert_true(in->levels[l] && in->levels[l][0]);
	}
	for (size_t i = 0; i < observation_codes_count; i++) {
		assert_ptr_equal(observation_code_find(observation_codes[i].key),
				 &observation_codes[i]);
		assert_null(observation_indicator_find(observation_codes[i].key));
	}
	assert_non_null(observation_measure_find("student_talk_share"));
	assert_string_equal(observation_level_name(4), "Strong");
	assert_string_equal(observation_level_name(5), "");
}

static void summary_math(void **state)
{
	(void)state;
	/* segment 1: 600 s, teacher 6, student 2 (group A), s2s 2 (group B),
	 * revoice 1, press 2, recall 3, reasoning 1; segment 2: 300 s, teacher 1,
	 * student_student 3, press 1, connect 1 */
	struct observation_segment_row segs[] = { { 1, 1000 }, { 2, 1600 } };
	struct observation_mark_row m[40];
	size_t n = 0;
#define MK(seg, c, w) (m[n] = (struct observation_mark_row){ 0, 0, (seg), (c), (w) }, n++)
	for (int i = 0; i < 6; i++)
		MK(1, "teacher", "");
	MK(1, "student", "A");
	MK(1, "student", "A");
	MK(1, "student_student", "B");
	MK(1, "student_student", "B");
	MK(1, "revoice", "");
	MK(1, "press", "");
	MK(1, "press", "");
	MK(1, "recall", "");
	MK(1, "recall", "");
	MK(1, "recall", "");
	MK(1, "reasoning", "");
	MK(1, "no_such_code", "");
	MK(2, "teacher", "");
	MK(2, "student_student", "A");
	MK(2, "student_student", "");
	MK(2, "student_student", "");
	MK(2, "press", "");
	MK(2, "connect", "");
#undef MK
	struct arena a;
	arena_init(&a);
	struct observation_summary s;
	assert_int_equal(observation_summarize(m, n, segs, 2, 1900, &a, &s), EB_OK);
	assert_int_equal(s.total.talk, 14);
	assert_int_equal(s.total.moves, 4);
	assert_int_equal(s.total.questions, 5);
	assert_int_equal(s.total.seconds, 900);
	assert_true(fabs(s.total.student_talk_share - 7.0 / 14) < 1e-9);
	assert_true(fabs(s.total.student_to_student_share - 5.0 / 14) < 1e-9);
	assert_true(fabs(s.total.reasoning_question_share - 2.0 / 5) < 1e-9);
	assert_true(fabs(s.total.moves_per_10min - 4 * 600.0 / 900) < 1e-9);
	assert_int_equal(s.nsegments, 2);
	assert_int_equal(s.segment[0].seconds, 600);
	assert_int_equal(s.segment[1].seconds, 300);
	assert_true(fabs(s.segment[0].student_talk_share - 4.0 / 10) < 1e-9);
	assert_true(fabs(s.segment[1].student_talk_share - 3.0 / 4) < 1e-9);
	assert_true(fabs(s.segment[0].moves_per_10min - 3.0) < 1e-9);
	assert_true(fabs(s.segment[1].moves_per_10min - 2.0) < 1e-9);
	assert_true(fabs(s.segment[1].reasoning_question_share - 1.0) < 1e-9);
	/* by group: A 3 turns (2 + 1), B 2 */
	assert_int_equal(s.nwho, 2);
	assert_string_equal(s.who[0], "A");
	assert_int_equal(s.who_turns[0], 3);
	assert_int_equal(s.who_turns[1], 2);
	/* nothing marked: shares undefined, not 0 */
	assert_int_equal(observation_summarize(NULL, 0, segs, 1, 1000, &a, &s), EB_OK);
	assert_true(isnan(s.total.student_talk_share));
	assert_true(isnan(s.total.moves_per_10min));
	arena_free(&a);
}

static void bad_observations_store_nothing(void **state)
{
	struct fx *f = *state;
	struct account c = obs_acct(f, f->coach), t = obs_acct(f, f->teacher);
	char why[OBSERVATION_WHY_CAP], tid[24], otid[24];
	int64_t id = 0;
	snprintf(tid, sizeof tid, "%lld", (long long)f->teacher);
	snprintf(otid, sizeof otid, "%lld", (long long)f->other_teacher);
	char longfocus[OBSERVATION_FOCUS_MAX + 2];
	memset(longfocus, 'x', sizeof longfocus - 1);
	longfocus[sizeof longfocus - 1] = 0;
	struct {
		struct observation_form in;
		const char *starts;
	} bad[] = {
		{ { .class_sid = "nope", .teacher = tid }, "class:" },
		{ { .class_sid = "cls1", .teacher = otid }, "teacher:" },
		{ { .class_sid = "cls1", .teacher = "abc" }, "teacher:" },
		{ { .class_sid = "cls1", .teacher = tid, .initiative = "77" }, "initiative:" },
		{ { .class_sid = "cls1", .teacher = tid, .cycle = "x" }, "cycle:" },
		{ { .class_sid = "cls1", .teacher = tid, .focus = longfocus }, "focus:" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = 0;
		assert_int_equal(observation_create(f->db, 1, &c, &bad[i].in, 1000, &cli, &id, why,
						    sizeof why),
				 EB_EINVAL);
		assert_true(strncmp(why, bad[i].starts, strlen(bad[i].starts)) == 0);
	}
	/* a cycle of the district, but with the other teacher only */
	char coach[24];
	int64_t cycle;
	snprintf(coach, sizeof coach, "%lld", (long long)f->coach);
	const char *teachers[] = { otid }, *classes[] = { "cls2" };
	struct coaching_form cf = { .title = "Talk",
				    .coach = coach,
				    .started_on = "2026-01-05",
				    .teachers = teachers,
				    .nteachers = 1,
				    .classes = classes,
				    .nclasses = 1 };
	assert_int_equal(coaching_cycle_create(f->db, 1, &cf, &cli, &cycle, why, sizeof why),
			 EB_OK);
	char cyc[24];
	snprintf(cyc, sizeof cyc, "%lld", (long long)cycle);
	struct observation_form nocycle = { .class_sid = "cls1", .teacher = tid, .cycle = "999" };
	struct observation_form notin = { .class_sid = "cls1", .teacher = tid, .cycle = cyc };
	assert_int_equal(
		observation_create(f->db, 1, &c, &nocycle, 1000, &cli, &id, why, sizeof why),
		EB_EINVAL);
	assert_string_equal(why, "cycle: not a coaching cycle of the district");
	assert_int_equal(observation_create(f->db, 1, &c, &notin, 1000, &cli, &id, why, sizeof why),
			 EB_EINVAL);
	assert_string_equal(why, "cycle: the teacher observed is not in this coaching cycle");
	/* a teacher does not observe */
	struct observation_form ok = { .class_sid = "cls1", .teacher = tid };
	assert_int_equal(observation_create(f->db, 1, &t, &ok, 1000, &cli, &id, why, sizeof why),
			 EB_EPERM);
	assert_int_equal(count(f, "SELECT count(*) FROM observation WHERE district_id=?1"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM observation_segment WHERE district_id=?1"),
			 0);
}

static void tally_marks_undo_and_close(void **state)
{
	struct fx *f = *state;
	char why[OBSERVATION_WHY_CAP];
	int64_t id = start(f, "cls1", f->teacher, 1000);
	int seg = 0;
	assert_int_equal(observation_mark(f->db, 1, id, "teacher", "", 1000500, why, sizeof why),
			 EB_OK);
	assert_int_equal(
		observation_mark(f->db, 1, id, "student", "Table 3", 1001000, why, sizeof why),
		EB_OK);
	assert_int_equal(observation_mark(f->db, 1, id, "shouting", "", 1001000, why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(observation_segment_start(f->db, 1, id, 1300, &seg, why, sizeof why),
			 EB_OK);
	assert_int_equal(seg, 2);
	assert_int_equal(
		observation_mark(f->db, 1, id, "press", "ignored", 1301000, why, sizeof why),
		EB_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM observation_mark WHERE district_id=?1"
				  " AND segment=2 AND code='press' AND who=''"),
			 1);
	assert_int_equal(count(f, "SELECT count(*) FROM observation_mark WHERE district_id=?1"
				  " AND segment=1 AND who='Table 3'"),
			 1);
	/* undo takes the last mark back */
	assert_int_equal(observation_undo(f->db, 1, id, why, sizeof why), EB_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM observation_mark WHERE district_id=?1"), 2);
	assert_int_equal(observation_close(f->db, 1, id, 1600, &cli, why, sizeof why), EB_OK);
	/* closed: refused with the sentence, nothing stored */
	why[0] = 0;
	assert_int_equal(observation_mark(f->db, 1, id, "teacher", "", 1700000, why, sizeof why),
			 EB_ECONFLICT);
	assert_non_null(strstr(why, "was closed at"));
	assert_non_null(strstr(why, "can no longer be added"));
	assert_int_equal(observation_undo(f->db, 1, id, why, sizeof why), EB_ECONFLICT);
	assert_int_equal(observation_segment_start(f->db, 1, id, 1700, &seg, why, sizeof why),
			 EB_ECONFLICT);
	assert_int_equal(observation_close(f->db, 1, id, 1700, &cli, why, sizeof why),
			 EB_ECONFLICT);
	assert_int_equal(count(f, "SELECT count(*) FROM observation_mark WHERE district_id=?1"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM observation_segment WHERE district_id=?1"),
			 2);
	/* another district's id is not found */
	assert_int_equal(observation_mark(f->db, 2, id, "teacher", "", 1, why, sizeof why),
			 EB_ENOTFOUND);
	struct observation o;
	assert_int_equal(observation_get(f->db, 1, id, &o), EB_OK);
	assert_int_equal(o.closed_at, 1600);
	assert_int_equal(o.segments, 2);
	assert_int_equal(o.marks, 2);
	assert_string_equal(o.class_title, "Math 7 P4");
	assert_string_equal(o.teacher_name, "Ana Ruiz");
}

static void ratings_and_evidence(void **state)
{
	struct fx *f = *state;
	char why[OBSERVATION_WHY_CAP];
	int64_t id = start(f, "cls1", f->teacher, 1000);
	assert_int_equal(
		observation_rate(f->db, 1, id, "nope", "3", "", f->coach, 1, why, sizeof why),
		EB_EINVAL);
	assert_int_equal(observation_rate(f->db, 1, id, "agency_reasoning", "5", "a note", f->coach,
					  1, why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(observation_rate(f->db, 1, id, "agency_reasoning", "", "  ", f->coach, 1,
					  why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM observation_rating WHERE district_id=?1"),
			 0);
	assert_int_equal(count(f, "SELECT count(*) FROM observation_evidence WHERE district_id=?1"),
			 0);
	assert_int_equal(observation_rate(f->db, 1, id, "agency_reasoning", "2",
					  "Two students built on Mia's idea.", f->coach, 1, why,
					  sizeof why),
			 EB_OK);
	assert_int_equal(observation_rate(f->db, 1, id, "agency_reasoning", "3", "", f->coach, 2,
					  why, sizeof why),
			 EB_OK);
	assert_int_equal(observation_rate(f->db, 1, id, "math_focus", "4", "On 7.RP.A.2 all along.",
					  f->coach, 3, why, sizeof why),
			 EB_OK);
	struct arena a;
	arena_init(&a);
	struct observation_rating *r;
	struct observation_evidence *e;
	size_t nr, ne;
	assert_int_equal(observation_ratings(f->db, 1, id, &a, &r, &nr, &e, &ne), EB_OK);
	assert_int_equal(nr, 2);
	assert_string_equal(r[0].indicator, "math_focus"); /* protocol order */
	assert_int_equal(r[1].level, 3);		   /* replaced */
	assert_int_equal(ne, 2);
	assert_string_equal(e[1].note, "Two students built on Mia's idea.");
	assert_string_equal(e[1].author, "Coach Lee");
	arena_free(&a);
}

static void who_sees_what(void **state)
{
	struct fx *f = *state;
	char why[OBSERVATION_WHY_CAP];
	int64_t id = start(f, "cls1", f->teacher, 1000);
	struct observation o;
	assert_int_equal(observation_get(f->db, 1, id, &o), EB_OK);
	struct account c = obs_acct(f, f->coach), t = obs_acct(f, f->teacher),
		       p = obs_acct(f, f->principal), ot = obs_acct(f, f->other_teacher),
		       g = obs_acct(f, f->guardian);
	assert_int_equal(observation_visibility(f->db, &c, &o), OBSERVATION_FULL);
	assert_int_equal(observation_visibility(f->db, &t, &o), OBSERVATION_FULL);
	assert_int_equal(observation_visibility(f->db, &p, &o), OBSERVATION_EXISTS);
	assert_int_equal(observation_visibility(f->db, &ot, &o), OBSERVATION_HIDDEN);
	assert_int_equal(observation_visibility(f->db, &g, &o), OBSERVATION_HIDDEN);
	/* only the teacher shares */
	assert_int_equal(
		observation_share(f->db, 1, id, &c, f->principal, true, &cli, why, sizeof why),
		EB_EPERM);
	assert_int_equal(
		observation_share(f->db, 1, id, &t, f->guardian, true, &cli, why, sizeof why),
		EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM observation_share WHERE district_id=?1"),
			 0);
	assert_int_equal(
		observation_share(f->db, 1, id, &t, f->principal, true, &cli, why, sizeof why),
		EB_OK);
	assert_int_equal(observation_visibility(f->db, &p, &o), OBSERVATION_FULL);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE district_id=?1 AND"
				  " subject_type='observation' AND action='share'"),
			 1);
	struct arena a;
	arena_init(&a);
	struct observation_row *rows;
	size_t n;
	assert_int_equal(observation_list(f->db, 1, &ot, &a, &rows, &n), EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(observation_list(f->db, 1, &g, &a, &rows, &n), EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(observation_list(f->db, 1, &p, &a, &rows, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].view, OBSERVATION_FULL);
	assert_int_equal(
		observation_share(f->db, 1, id, &t, f->principal, false, &cli, why, sizeof why),
		EB_OK);
	assert_int_equal(observation_list(f->db, 1, &p, &a, &rows, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].view, OBSERVATION_EXISTS);
	arena_free(&a);
}

static void shifts_across_observations(void **state)
{
	struct fx *f = *state;
	char why[OBSERVATION_WHY_CAP];
	/* three closed observations: student talk 1/4, 2/4, 3/4; one open */
	int64_t ids[4];
	for (int k = 0; k < 4; k++) {
		int64_t t0 = 100000 + k * 604800;
		ids[k] = start(f, "cls1", f->teacher, t0);
		for (int i = 0; i < 4; i++)
			assert_int_equal(observation_mark(f->db, 1, ids[k],
							  i < k + 1 ? "student" : "teacher", "",
							  t0 * 1000, why, sizeof why),
					 EB_OK);
		if (k < 3)
			assert_int_equal(observation_close(f->db, 1, ids[k], t0 + 1200, &cli, why,
							   sizeof why),
					 EB_OK);
	}
	assert_int_equal(observation_rate(f->db, 1, ids[1], "agency_reasoning", "3", "", f->coach,
					  1, why, sizeof why),
			 EB_OK);
	struct arena a;
	arena_init(&a);
	struct observation_point *p;
	size_t n;
	assert_int_equal(observation_series(f->db, 1, f->teacher, "cls1", "student_talk_share", 0,
					    0, &a, &p, &n),
			 EB_OK);
	assert_int_equal(n, 3);
	assert_true(fabs(p[0].value - 0.25) < 1e-9);
	assert_true(fabs(p[2].value - 0.75) < 1e-9);
	assert_true(p[0].at < p[1].at);
	/* no questions asked: no value */
	assert_int_equal(observation_series(f->db, 1, f->teacher, "cls1",
					    "reasoning_question_share", 0, 0, &a, &p, &n),
			 EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(
		observation_series(f->db, 1, 0, "cls1", "agency_reasoning", 0, 0, &a, &p, &n),
		EB_OK);
	assert_int_equal(n, 1);
	assert_true(fabs(p[0].value - 3) < 1e-9);
	/* a window */
	assert_int_equal(observation_series(f->db, 1, f->teacher, NULL, "student_talk_share",
					    100000 + 604800, 0, &a, &p, &n),
			 EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(observation_series(f->db, 1, f->teacher, NULL, "bogus", 0, 0, &a, &p, &n),
			 EB_EINVAL);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(protocol_keys_are_unique),
		cmocka_unit_test(summary_math),
		cmocka_unit_test_setup_teardown(bad_observations_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(tally_marks_undo_and_close, setup, teardown),
		cmocka_unit_test_setup_teardown(ratings_and_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(who_sees_what, setup, teardown),
		cmocka_unit_test_setup_teardown(shifts_across_observations, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
