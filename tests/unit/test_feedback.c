/* Unit tests of formative feedback (domain/feedback) and of families'
 * messages to the teacher (domain/family_message): validation with nothing
 * stored on bad input, one row per student of a group, the answer thread
 * and its cap, the class's pattern and its needs without feedback, and the
 * reply's translation into English (a stand-in Apertium that checks its
 * mode; one that fails: the message is kept, untranslated; English: none
 * asked for). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/family_message.h"
#include "domain/feedback.h"
#include "domain/translate.h"
#include "store/db.h"

struct fx {
	char path[64];
	struct db *db;
	int64_t d;
};

static const struct audit_actor teacher = { 7, "teacher", "127.0.0.1" };
static const struct audit_actor student = { 8, "sara", "127.0.0.1" };

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->db, sql, DB_ARGS(DB_INT(f->d)), &n), EB_OK);
	return n;
}

static void exec_ok(struct fx *f, const char *sql)
{
	assert_int_equal(db_execute(f->db, sql, DB_ARGS(DB_INT(f->d)), NULL), EB_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_feedback_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d))
		return -1;
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

static void bad_feedback_stores_nothing(void **state)
{
	struct fx *f = *state;
	const char *one[] = { "s1" };
	const char *many[FEEDBACK_STUDENTS_MAX + 1];
	for (size_t i = 0; i < FEEDBACK_STUDENTS_MAX + 1; i++)
		many[i] = "s1";
	char long_body[FEEDBACK_MAX + 2];
	memset(long_body, 'x', sizeof long_body - 1);
	long_body[sizeof long_body - 1] = '\0';
	struct {
		const char *standard, *body;
		const char *const *students;
		size_t n;
		const char *why;
	} bad[] = {
		{ "3.NF.A.1", "  \n ", one, 1, "body: write something" },
		{ "3.NF.A.1", long_body, one, 1, "body: is longer" },
		{ "3.NF.A.1", "caf\xc3", one, 1, "body: is not valid" },
		{ "9.ZZ.Z.9", "ok", one, 1, "standard:" },
		{ "3.NF.A", "ok", one, 1, "standard:" }, /* a cluster */
		{ NULL, "ok", one, 1, "standard:" },
		{ "3.NF.A.1", "ok", one, 0, "students:" },
		{ "3.NF.A.1", "ok", many, FEEDBACK_STUDENTS_MAX + 1, "students:" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char why[FEEDBACK_WHY_CAP] = "";
		assert_int_equal(feedback_give(f->db, f->d, &teacher, "Ms T", "c1", bad[i].students,
					       bad[i].n, bad[i].standard, bad[i].body, false, "",
					       NULL, why, sizeof why),
				 EB_EINVAL);
		assert_non_null(strstr(why, bad[i].why));
	}
	assert_int_equal(count(f, "SELECT count(*) FROM feedback WHERE district_id=?1"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE district_id=?1"), 0);
}

static void group_feedback_is_one_row_each_and_audited(void **state)
{
	struct fx *f = *state;
	const char *group[] = { "s1", "s2", "s3" };
	char why[FEEDBACK_WHY_CAP] = "";
	int64_t first = 0;
	assert_int_equal(feedback_give(f->db, f->d, &teacher, "Ms T", "c1", group, 3, "3.nf.a.1",
				       "  Use the number line.  ", true, "Fraction friends", &first,
				       why, sizeof why),
			 EB_OK);
	assert_true(first > 0);
	assert_int_equal(count(f, "SELECT count(*) FROM feedback WHERE district_id=?1 AND"
				  " standard='3.NF.A.1' AND body='Use the number line.' AND"
				  " group_name='Fraction friends' AND share_family=1"),
			 3);
	assert_int_equal(count(f, "SELECT count(DISTINCT subject_id) FROM audit_log WHERE"
				  " district_id=?1 AND action='create' AND subject_type='student'"
				  " AND detail LIKE 'feedback on 3.NF.A.1%'"),
			 3);
	struct arena a;
	arena_init(&a);
	struct feedback *fb;
	size_t n;
	assert_int_equal(feedback_of_student(f->db, f->d, "s2", false, 20, &a, &fb, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(fb[0].student, "s2");
	assert_string_equal(fb[0].author, "Ms T");
	/* one for s2 alone, not shared: the family sees only the shared one */
	const char *s2[] = { "s2" };
	assert_int_equal(feedback_give(f->db, f->d, &teacher, "Ms T", "c1", s2, 1, "3.OA.A.1",
				       "Just for you.", false, "", NULL, why, sizeof why),
			 EB_OK);
	assert_int_equal(feedback_of_student(f->db, f->d, "s2", false, 20, &a, &fb, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(fb[0].body, "Just for you."); /* newest first */
	assert_int_equal(feedback_of_student(f->db, f->d, "s2", true, 20, &a, &fb, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(fb[0].body, "Use the number line.");
	arena_free(&a);
}

static void answers_thread_is_the_students_own_and_short(void **state)
{
	struct fx *f = *state;
	const char *s1[] = { "s1" }, *s2[] = { "s2" };
	char why[FEEDBACK_WHY_CAP] = "";
	int64_t id1, id2;
	assert_int_equal(feedback_give(f->db, f->d, &teacher, "Ms T", "c1", s1, 1, "3.NF.A.1",
				       "Try it again.", false, "", &id1, why, sizeof why),
			 EB_OK);
	assert_int_equal(feedback_give(f->db, f->d, &teacher, "Ms T", "c1", s2, 1, "3.NF.A.1",
				       "Well done.", false, "", &id2, why, sizeof why),
			 EB_OK);
	/* s1 cannot answer s2's feedback */
	assert_int_equal(feedback_answer_add(f->db, f->d, &student, "s1", id2, true, "Sam", "hi",
					     why, sizeof why),
			 EB_ENOTFOUND);
	assert_int_equal(feedback_answer_add(f->db, f->d, &student, "s1", id1, true, "Sam", "", why,
					     sizeof why),
			 EB_EINVAL);
	char long_answer[FEEDBACK_ANSWER_MAX + 2];
	memset(long_answer, 'y', sizeof long_answer - 1);
	long_answer[sizeof long_answer - 1] = '\0';
	assert_int_equal(feedback_answer_add(f->db, f->d, &student, "s1", id1, true, "Sam",
					     long_answer, why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM feedback_answer WHERE district_id=?1"), 0);
	assert_int_equal(feedback_answer_add(f->db, f->d, &student, "s1", id1, true, "Sam",
					     "I did!", why, sizeof why),
			 EB_OK);
	assert_int_equal(feedback_answer_add(f->db, f->d, &teacher, "s1", id1, false, "Ms T",
					     "Great.", why, sizeof why),
			 EB_OK);
	for (int i = 2; i < FEEDBACK_THREAD_MAX; i++)
		assert_int_equal(feedback_answer_add(f->db, f->d, &student, "s1", id1, true, "Sam",
						     "more", why, sizeof why),
				 EB_OK);
	assert_int_equal(feedback_answer_add(f->db, f->d, &student, "s1", id1, true, "Sam",
					     "one more", why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "full"));
	struct arena a;
	arena_init(&a);
	struct feedback *fb;
	size_t n;
	assert_int_equal(feedback_of_student(f->db, f->d, "s1", false, 20, &a, &fb, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(fb[0].nanswers, FEEDBACK_THREAD_MAX);
	assert_string_equal(fb[0].answers[0].body, "I did!");
	assert_true(fb[0].answers[0].by_student);
	assert_false(fb[0].answers[1].by_student);
	assert_int_equal(feedback_of_student(f->db, f->d, "s2", false, 20, &a, &fb, &n), EB_OK);
	assert_int_equal(fb[0].nanswers, 0);
	/* the teacher's new answers: nine by the student this week */
	int64_t k;
	const char *newest;
	assert_int_equal(feedback_new_answers(f->db, f->d, teacher.account_id, time_now() - 86400,
					      &a, &k, &newest),
			 EB_OK);
	assert_int_equal(k, FEEDBACK_THREAD_MAX - 1);
	assert_string_equal(newest, "s1");
	arena_free(&a);
}

static void class_pattern_counts_and_needs_without_feedback(void **state)
{
	struct fx *f = *state;
	/* class c1: s1, s2, s3; s1 and s2 below Proficient on 3.NF.A.1 and on
	 * 3.OA.A.1, s3 above; feedback only on 3.NF.A.1 */
	exec_ok(f, "INSERT INTO enrollment(district_id,sourced_id,class_sourced_id,"
		   "school_sourced_id,user_sourced_id,role) VALUES"
		   " (?1,'e1','c1','k','s1','student'),(?1,'e2','c1','k','s2','student'),"
		   " (?1,'e3','c1','k','s3','student'),(?1,'e4','c2','k','s9','student')");
	exec_ok(f, "INSERT INTO mastery_state(district_id,student_sourced_id,standard_code,p,sd,"
		   "responses,correct,tools,trend_week,trend,inferred) VALUES"
		   " (?1,'s1','3.NF.A.1',0.2,0.1,5,1,x'',0,x'',0),"
		   " (?1,'s2','3.NF.A.1',0.3,0.1,5,1,x'',0,x'',0),"
		   " (?1,'s3','3.NF.A.1',0.95,0.1,5,5,x'',0,x'',0),"
		   " (?1,'s1','3.OA.A.1',0.2,0.1,5,1,x'',0,x'',0),"
		   " (?1,'s2','3.OA.A.1',0.1,0.1,5,0,x'',0,x'',1),"
		   " (?1,'s9','3.OA.A.1',0.1,0.1,5,0,x'',0,x'',0)");
	const char *two[] = { "s1", "s2" };
	char why[FEEDBACK_WHY_CAP] = "";
	int64_t id;
	assert_int_equal(feedback_give(f->db, f->d, &teacher, "Ms T", "c1", two, 2, "3.NF.A.1",
				       "Count the parts.", false, "G", &id, why, sizeof why),
			 EB_OK);
	assert_int_equal(feedback_answer_add(f->db, f->d, &student, "s1", id, true, "Sam", "ok",
					     why, sizeof why),
			 EB_OK);
	struct district_levels lv = { 0.40, 0.70, 0.90 };
	struct arena a;
	arena_init(&a);
	struct feedback_pattern *rows;
	struct feedback_gap *gaps;
	size_t nr, ng;
	assert_int_equal(feedback_class_pattern(f->db, f->d, "c1", time_now() - 7 * 86400, &lv, &a,
						&rows, &nr, &gaps, &ng),
			 EB_OK);
	assert_int_equal(nr, 1);
	assert_string_equal(rows[0].standard, "3.NF.A.1");
	assert_int_equal(rows[0].students, 2);
	assert_int_equal(rows[0].given, 2);
	assert_int_equal(rows[0].answered, 1);
	/* 3.OA.A.1: s1 measured below (s2's is inferred; s9 is another class) */
	assert_int_equal(ng, 1);
	assert_string_equal(gaps[0].standard, "3.OA.A.1");
	assert_int_equal(gaps[0].need, 1);
	/* feedback older than the window does not count */
	assert_int_equal(feedback_class_pattern(f->db, f->d, "c1", time_now() + 60, &lv, &a, &rows,
						&nr, &gaps, &ng),
			 EB_OK);
	assert_int_equal(nr, 0);
	assert_int_equal(ng, 2);
	arena_free(&a);
}

/* A stand-in Apertium: checks it is asked spa-eng, answers in "English". */
static void fake_apertium(const char *dir, char *path, size_t cap, bool fails)
{
	snprintf(path, cap, "%s/%s", dir, fails ? "fails" : "apertium");
	FILE *h = fopen(path, "w");
	assert_non_null(h);
	if (fails)
		fputs("#!/bin/sh\ncat >/dev/null\nexit 3\n", h);
	else
		fputs("#!/bin/sh\n[ \"$4\" = spa-eng ] || exit 9\nread line\n"
		      "echo \"EN: $line\"\n",
		      h);
	fclose(h);
	chmod(path, 0700);
}

static void family_message_translated_or_kept_as_written(void **state)
{
	struct fx *f = *state;
	char dir[] = "/tmp/test_feedback_ap_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char ok[96], bad[96];
	fake_apertium(dir, ok, sizeof ok, false);
	fake_apertium(dir, bad, sizeof bad, true);
	struct audit_actor parent = { 9, "rosa", "127.0.0.1" };
	char why[FAMILY_MESSAGE_WHY_CAP] = "";
	const struct i18n_lang *es = i18n_find("es");
	assert_non_null(es);
	/* bad input: nothing stored */
	assert_int_equal(family_message_add(f->db, f->d, &parent, "Rosa", "s1", es, " ", NULL, NULL,
					    NULL, why, sizeof why),
			 EB_EINVAL);
	char long_body[FAMILY_MESSAGE_MAX + 2];
	memset(long_body, 'z', sizeof long_body - 1);
	long_body[sizeof long_body - 1] = '\0';
	assert_int_equal(family_message_add(f->db, f->d, &parent, "Rosa", "s1", es, long_body, NULL,
					    NULL, NULL, why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM family_message WHERE district_id=?1"), 0);
	/* Spanish, Apertium translates */
	setenv("EDBRIDGE_APERTIUM", ok, 1);
	struct translate_config tc = { .timeout_ms = 5000 };
	bool translated = false;
	int64_t id;
	assert_int_equal(family_message_add(f->db, f->d, &parent, "Rosa", "s1", es,
					    "  Gracias, maestra.  ", &tc, &id, &translated, why,
					    sizeof why),
			 EB_OK);
	assert_true(translated);
	/* Apertium fails: kept as written, never lost */
	setenv("EDBRIDGE_APERTIUM", bad, 1);
	assert_int_equal(family_message_add(f->db, f->d, &parent, "Rosa", "s1", es, "Hola otra vez",
					    &tc, NULL, &translated, why, sizeof why),
			 EB_OK);
	assert_false(translated);
	/* English: nothing to translate */
	assert_int_equal(family_message_add(f->db, f->d, &parent, "Rosa", "s1", i18n_english(),
					    "Thanks!", &tc, NULL, &translated, why, sizeof why),
			 EB_OK);
	assert_false(translated);
	unsetenv("EDBRIDGE_APERTIUM");
	struct arena a;
	arena_init(&a);
	struct family_message *m;
	size_t n;
	assert_int_equal(family_message_list(f->db, f->d, "s1", 10, &a, &m, &n), EB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(m[2].body, "Gracias, maestra.");
	assert_string_equal(m[2].lang, "es");
	assert_string_equal(m[2].body_en, "EN: Gracias, maestra.");
	assert_string_equal(m[2].engine, "apertium");
	assert_string_equal(m[1].body, "Hola otra vez");
	assert_null(m[1].body_en);
	assert_null(m[1].engine);
	assert_null(m[0].body_en);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE district_id=?1 AND"
				  " subject_id='s1' AND detail LIKE 'family message%'"),
			 3);
	/* the teacher of s1's class sees them unread, then read */
	exec_ok(f, "INSERT INTO person(district_id,sourced_id,org_sourced_ids,role,given_name,"
		   "family_name) VALUES (?1,'s1','k','student','Ana','Rivera')");
	exec_ok(f, "INSERT INTO enrollment(district_id,sourced_id,class_sourced_id,"
		   "school_sourced_id,user_sourced_id,role) VALUES"
		   " (?1,'t1','c1','k','tch','teacher'),(?1,'e1','c1','k','s1','student')");
	struct family_message_unread *u;
	assert_int_equal(family_message_unread_for_teacher(f->db, f->d, "tch", 5, &a, &u, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(u[0].name, "Ana Rivera");
	assert_int_equal(u[0].count, 3);
	assert_int_equal(family_message_unread_for_teacher(f->db, f->d, "other", 5, &a, &u, &n),
			 EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(family_message_mark_read(f->db, f->d, "s1"), EB_OK);
	assert_int_equal(family_message_unread_for_teacher(f->db, f->d, "tch", 5, &a, &u, &n),
			 EB_OK);
	assert_int_equal(n, 0);
	arena_free(&a);
	unlink(ok);
	unlink(bad);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bad_feedback_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(group_feedback_is_one_row_each_and_audited, setup,
						teardown),
		cmocka_unit_test_setup_teardown(answers_thread_is_the_students_own_and_short, setup,
						teardown),
		cmocka_unit_test_setup_teardown(class_pattern_counts_and_needs_without_feedback,
						setup, teardown),
		cmocka_unit_test_setup_teardown(family_message_translated_or_kept_as_written, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
