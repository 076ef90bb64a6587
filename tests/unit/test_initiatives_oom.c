/* test_initiatives_oom.c - domain/initiatives.c and domain/evaluation.c
 * built with arena calls that fail on demand. Each failure point in turn
 * must give EB_ENOMEM (or the answer of a run with memory): they used to
 * write through unchecked arena_alloc / arena_strdup results (the
 * initiative's target lists, the students, the randomized units, the
 * evaluation's rows and school names) and crash. A randomized draw that runs
 * out of memory stores nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/arena.h"

/* arena calls of the two files fail from call number fail_at on (0: never) */
static long arena_calls, fail_at;

static bool fail_now(void)
{
	return fail_at && ++arena_calls >= fail_at;
}

static void *failing_alloc(struct arena *a, size_t n)
{
	return fail_now() ? NULL : arena_alloc(a, n);
}

static void *failing_zalloc(struct arena *a, size_t n)
{
	return fail_now() ? NULL : arena_zalloc(a, n);
}

static char *failing_strdup(struct arena *a, const char *s)
{
	return fail_now() ? NULL : arena_strdup(a, s);
}

/* counted only when the array must move, as arena_grow fails only then */
static void *failing_grow(struct arena *a, void *arr, size_t used, size_t *cap, size_t elem,
			  size_t first)
{
	if (used == *cap && fail_now())
		return NULL;
	return arena_grow(a, arr, used, cap, elem, first);
}

static char *failing_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static char *failing_printf(struct arena *a, const char *fmt, ...)
{
	if (fail_now())
		return NULL;
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return s;
}

#define arena_alloc failing_alloc
#define arena_zalloc failing_zalloc
#define arena_strdup failing_strdup
#define arena_grow failing_grow
#define arena_printf failing_printf
#include "domain/initiatives.c"
#define in_list eval_in_list /* both files have one */
#include "domain/evaluation.c"
#undef in_list
#undef arena_alloc
#undef arena_zalloc
#undef arena_strdup
#undef arena_grow
#undef arena_printf

#include "base/buf.h"
#include "domain/district.h"
#include "ingest/assessment_csv.h"

static const char roster_sql[] =
	"INSERT INTO org(district_id,sourced_id,name,type) VALUES"
	" (1,'s1','Birch','school'),(1,'s2','Cedar','school');"
	"INSERT INTO class(district_id,sourced_id,title,grades,course_sourced_id,class_type,"
	" school_sourced_id,term_sourced_ids) VALUES"
	" (1,'k1','Math 3a','03','c','scheduled','s1','t'),"
	" (1,'k2','Math 3b','03','c','scheduled','s1','t'),"
	" (1,'k3','Math 3c','03','c','scheduled','s2','t'),"
	" (1,'k4','Math 3d','03','c','scheduled','s2','t');"
	"INSERT INTO person(district_id,sourced_id,org_sourced_ids,role,given_name,family_name,"
	" grades) VALUES (1,'p1','s1','student','A','A','03'),(1,'p2','s1','student','B','B','03'),"
	" (1,'p3','s1','student','C','C','03'),(1,'p4','s2','student','D','D','03'),"
	" (1,'p5','s2','student','E','E','03'),(1,'p6','s2','student','F','F','03'),"
	" (1,'t1','s1','teacher','Tess','Teach',NULL);"
	"INSERT INTO enrollment(district_id,sourced_id,class_sourced_id,school_sourced_id,"
	" user_sourced_id,role) VALUES"
	" (1,'e1','k1','s1','p1','student'),(1,'e2','k1','s1','p2','student'),"
	" (1,'e3','k2','s1','p3','student'),(1,'e4','k3','s2','p4','student'),"
	" (1,'e5','k4','s2','p5','student'),(1,'e6','k4','s2','p6','student'),"
	" (1,'e7','k1','s1','t1','teacher');";

struct fx {
	struct db *db;
	int64_t d, a, b;
};

static int64_t create(struct fx *f, int64_t who, const char *tool, const char *schools)
{
	struct initiative_in in = {
		.title = tool,
		.need = "Fractions",
		.tool_name = tool,
		.schools = schools,
		.grades = "3",
		.standards = "3.NF.1",
		.start_date = "2026-09-01",
		.review_date = "2027-01-15",
		.outcome_assessment = "Quiz",
		.success_measure = "up 5 points",
		.dosage_minutes = 60,
		.quiz_builder = who,
		.monitor = who,
		.monitor_every_days = 14,
		.evaluator = who,
		.teacher_support = who,
		.family_contact = who,
	};
	int64_t id = 0;
	char why[INIT_WHY_CAP];
	assert_int_equal(initiative_create(f->db, f->d, NULL, &in, &id, why, sizeof why), EB_OK);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	int64_t who;
	if (!f || db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "One", &f->d) || db_exec(f->db, roster_sql) ||
	    account_create(f->db, f->d, "coord", "Cora Coord", NULL, NULL, &who))
		return -1;
	f->a = create(f, who, "Tool A", "s1");
	f->b = create(f, who, "Tool B", "s2");
	static const struct {
		int which;
		const char *sid;
		double minutes;
	} use[] = { { 0, "p1", 30 }, { 0, "p2", 0 }, { 0, "p3", 10 }, { 1, "p4", 20 } };
	for (size_t i = 0; i < sizeof use / sizeof use[0]; i++)
		if (initiative_use_put(f->db, f->d, use[i].which ? f->b : f->a, use[i].sid,
				       use[i].minutes, 1))
			return -1;
	char *csv = strdup("student_id,date,score\n"
			   "p1,2026-08-20,40\np2,2026-08-20,45\np3,2026-08-20,50\n"
			   "p4,2026-08-20,55\np5,2026-08-20,60\np6,2026-08-20,65\n"
			   "p1,2026-12-01,52\np2,2026-12-01,50\np3,2026-12-01,61\n"
			   "p4,2026-12-01,58\np5,2026-12-01,66\np6,2026-12-01,67\n");
	struct assessment_profile p = { .name = "Quiz", .scale_min = 0, .scale_max = 100 };
	struct buf errs;
	buf_init(&errs, 1 << 12);
	size_t rows;
	enum eb_err rc = csv ? assessment_csv_import(f->db, f->d, "q.csv", csv, strlen(csv), &p,
						     &rows, &errs)
			     : EB_ENOMEM;
	buf_free(&errs);
	free(csv);
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

enum { N_CALLS = 10 };

/* Every reader of the two files once, and a randomized draw (undone after
 * it succeeds, so the next run draws again); their results into rc. */
static void run_all(struct fx *f, const struct initiative *in, enum eb_err rc[N_CALLS],
		    char why[][256])
{
	struct arena a;
	arena_init(&a);
	struct initiative got;
	rc[0] = initiative_get(f->db, f->d, f->a, &a, &got);
	struct initiative_row *list;
	struct initiative_decision *hist;
	struct init_student *st;
	struct initiative_use_row *use;
	size_t n;
	rc[1] = initiative_list(f->db, f->d, &a, &list, &n);
	rc[2] = initiative_history(f->db, f->d, f->a, &a, &hist, &n);
	rc[3] = initiative_students(f->db, f->d, in, &a, &st, &n);
	rc[4] = initiative_use_summary(f->db, f->d, in, NULL, INIT_USE_BY_SCHOOL, &a, &use, &n);
	rc[5] = initiative_use_summary(f->db, f->d, in, NULL, INIT_USE_BY_TEACHER, &a, &use, &n);
	static const enum eval_design designs[3] = { EVAL_MATCHED, EVAL_DID, EVAL_DOSE };
	for (int k = 0; k < 3; k++) {
		struct eval_data d;
		why[6 + k][0] = '\0';
		rc[6 + k] = eval_load(f->db, f->d, in, designs[k], &a, &d, why[6 + k], 256);
	}
	size_t nu = 0, nt = 0;
	rc[9] = initiative_randomize(f->db, f->d, NULL, f->a, "class", 7, &nu, &nt, why[9], 256);
	int64_t drawn;
	assert_int_equal(db_get_int(f->db,
				    "SELECT (SELECT count(*) FROM initiative_assignment)"
				    " + (SELECT count(*) FROM initiative"
				    " WHERE random_unit IS NOT NULL)",
				    DB_NOARGS, &drawn),
			 EB_OK);
	assert_int_equal(drawn, rc[9] ? 0 : (int64_t)nu + 1);
	assert_int_equal(db_exec(f->db, "DELETE FROM initiative_assignment;"
					"UPDATE initiative SET random_unit=NULL, random_seed=NULL,"
					" randomized_at=NULL"),
			 EB_OK);
	arena_free(&a);
}

static void test_every_arena_failure_is_out_of_memory(void **state)
{
	struct fx *f = *state;
	struct arena keep;
	arena_init(&keep);
	struct initiative in;
	assert_int_equal(initiative_get(f->db, f->d, f->a, &keep, &in), EB_OK);
	enum eb_err base[N_CALLS], rc[N_CALLS];
	char why[N_CALLS][256];
	/* with memory, counting the arena calls */
	arena_calls = 0;
	fail_at = LONG_MAX;
	run_all(f, &in, base, why);
	fail_at = 0;
	long calls = arena_calls;
	assert_true(calls > 20);
	for (int i = 0; i < N_CALLS; i++)
		if (i < 6 || i == 9)
			assert_int_equal(base[i], EB_OK);
	/* each failure point in turn */
	for (long at = 1; at <= calls; at++) {
		arena_calls = 0;
		fail_at = at;
		run_all(f, &in, rc, why);
		fail_at = 0;
		for (int i = 0; i < N_CALLS; i++) {
			if (rc[i] == base[i] || rc[i] == EB_ENOMEM)
				continue;
			/* an evaluation says which part could not be read */
			assert_true(i >= 6 && rc[i] == EB_EINVAL);
			assert_non_null(strstr(why[i], "out of memory"));
		}
	}
	arena_free(&keep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_arena_failure_is_out_of_memory, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
