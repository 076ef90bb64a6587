/* Unit tests of the common assessments (domain/assessments, migration 022),
 * their item analysis (domain/item_analysis) and the item-results import
 * (ingest/item_results): statistics against hand-computed values, the
 * validation of items and of result files (FILE:LINE: field: reason,
 * nothing stored), results feeding mastery, scopes and tenants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/assessments.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/item_analysis.h"
#include "ingest/item_results.h"
#include "store/db.h"

/* ---- statistics ------------------------------------------------------- */

/* Five students, three items scored right (1) or wrong (0):
 *        i1 i2 i3  total
 *   s1    1  1  1    3
 *   s2    1  1  0    2
 *   s3    1  0  0    1
 *   s4    0  1  0    1
 *   s5    0  0  0    0
 * By hand (population moments, divide by n = 5):
 *   i1: p = .6; rest = 2,1,0,1,0 (mean .8); cov(x, rest) = (.48 + .08 - .32
 *       - .12 + .48) / 5 = .12; var x = .24; var rest = 2.8 / 5 = .56;
 *       r = .12 / sqrt(.24 * .56) = .327327
 *   i3: p = .2; rest = 2,2,1,1,0 (mean 1.2); cov = (.64 - .16 + .04 + .04 +
 *       .24) / 5 = .16; var x = .16; var rest = .56; r = .16 / sqrt(.16 *
 *       .56) = .534522
 *   alpha: item variances .24 + .24 + .16 = .64; totals 3,2,1,1,0 (mean 1.4)
 *       variance 5.2 / 5 = 1.04; alpha = 3/2 (1 - .64/1.04) = .576923
 *   mean total 1.4, SD sqrt(1.04) = 1.019804. */
static void hand_computed_statistics(void **state)
{
	(void)state;
	static const double pts[] = { 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0 };
	struct ia_item items[3] = { { 1, 0, -1 }, { 1, 0, -1 }, { 1, 0, -1 } };
	struct ia_input in = { 5, 3, items, pts, NULL };
	struct arena a;
	arena_init(&a);
	struct ia_result r;
	assert_int_equal(item_analysis_run(&in, &a, &r), EB_OK);
	assert_true(fabs(r.items[0].p - 0.6) < 1e-12);
	assert_true(fabs(r.items[1].p - 0.6) < 1e-12);
	assert_true(fabs(r.items[2].p - 0.2) < 1e-12);
	assert_true(fabs(r.items[0].rpb - 0.327327) < 1e-6);
	assert_true(fabs(r.items[2].rpb - 0.534522) < 1e-6);
	assert_true(fabs(r.alpha - 0.576923) < 1e-6);
	assert_true(fabs(r.mean_total - 1.4) < 1e-12);
	assert_true(fabs(r.sd_total - 1.019804) < 1e-6);
	assert_int_equal(r.ntop, 2); /* ceil(.27 * 5) */
	assert_false(r.flagged);     /* 5 students: too few for flags */
	/* the correlation helper agrees with the item's rest-score figure */
	double x[5] = { 1, 1, 1, 0, 0 }, rest[5] = { 2, 1, 0, 1, 0 };
	assert_true(fabs(item_analysis_correlation(x, rest, 5) - 0.327327) < 1e-6);
	double flat[5] = { 1, 1, 1, 1, 1 };
	assert_true(isnan(item_analysis_correlation(flat, rest, 5)));
	arena_free(&a);
}

/* Partial credit: point-biserial becomes the Pearson correlation of the item
 * points with the rest; p is the mean share of the points. Two items of 2
 * points, four students: (2,2) (1,2) (1,0) (0,0).
 *   i1: mean 1, p = .5; rest = 2,2,0,0 (mean 1): cov = (1*1 + 0 + 0 + (-1)(-1))
 *       / 4 = .5; var x = .5; var rest = 1; r = .5 / sqrt(.5) = .707107 */
static void partial_credit(void **state)
{
	(void)state;
	static const double pts[] = { 2, 2, 1, 2, 1, 0, 0, 0 };
	struct ia_item items[2] = { { 2, 0, -1 }, { 2, 0, -1 } };
	struct ia_input in = { 4, 2, items, pts, NULL };
	struct arena a;
	arena_init(&a);
	struct ia_result r;
	assert_int_equal(item_analysis_run(&in, &a, &r), EB_OK);
	assert_true(fabs(r.items[0].p - 0.5) < 1e-12);
	assert_true(fabs(r.items[0].rpb - 0.707107) < 1e-6);
	assert_true(fabs(r.max_total - 4) < 1e-12);
	/* bad items are refused */
	struct ia_item bad[1] = { { 0, 0, -1 } };
	struct ia_input bi = { 4, 1, bad, pts, NULL };
	assert_int_equal(item_analysis_run(&bi, &a, &r), EB_EINVAL);
	struct ia_item badkey[1] = { { 1, 4, 4 } };
	int8_t ch[4] = { 0 };
	struct ia_input bk = { 4, 1, badkey, pts, ch };
	assert_int_equal(item_analysis_run(&bk, &a, &r), EB_EINVAL);
	arena_free(&a);
}

/* Twenty students (0..9 strong), six multiple-choice items (A..D, key index
 * given), checked by hand and with a short script (figures in comments):
 * i0 (key A) the strong and a few others right: a good item (p .6, r .505);
 * i1 (key B) only two weak students pick B, the strong pick C: a wrong key:
 *   very hard (p .1), negative (r -.388), the top scorers drawn to C;
 * i2 (key C) everyone right: very easy, no discrimination (r undefined);
 * i3 (key D) right at random: r -.081, flagged;
 * i4, i5 good items that make the strong students' totals high (r .52, .67).
 * The top 27 %: ceil(5.4) = 6 students, all strong. */
static void flags_in_words(void **state)
{
	(void)state;
	enum { N = 20, K = 6 };
	double pts[N * K];
	int8_t ch[N * K];
	struct ia_item items[K] = { { 1, 4, 0 }, { 1, 4, 1 }, { 1, 4, 2 },
				    { 1, 4, 3 }, { 1, 4, 0 }, { 1, 4, 1 } };
	for (int s = 0; s < N; s++) {
		bool strong = s < 10;
		ch[s * K + 0] = strong || s % 4 == 0 ? 0 : 2;
		ch[s * K + 1] = strong ? 2 : s >= 18 ? 1 : 3;
		ch[s * K + 2] = 2;
		ch[s * K + 3] = s % 2 ? 3 : 0;
		ch[s * K + 4] = (strong && s != 3) || s == 15 ? 0 : 1;
		ch[s * K + 5] = (strong && s != 6) || s == 12 ? 1 : 3;
		for (int i = 0; i < K; i++)
			pts[s * K + i] = ch[s * K + i] == items[i].key ? 1 : 0;
	}
	struct ia_input in = { N, K, items, pts, ch };
	struct arena a;
	arena_init(&a);
	struct ia_result r;
	assert_int_equal(item_analysis_run(&in, &a, &r), EB_OK);
	assert_true(r.flagged);
	assert_int_equal(r.ntop, 6);
	assert_int_equal(r.items[0].flags, 0);
	assert_true(r.items[1].flags & IA_FLAG_NEGATIVE_DISC);
	assert_true(r.items[1].flags & IA_FLAG_DISTRACTOR);
	assert_true(r.items[1].flags & IA_FLAG_HARD);
	assert_int_equal(r.items[1].distractor, 2);
	assert_int_equal(r.items[1].counts[2], 10);
	assert_int_equal(r.items[1].top_counts[2], 6);
	assert_int_equal(r.items[2].flags, IA_FLAG_EASY);
	assert_true(isnan(r.items[2].rpb));
	assert_true(fabs(r.items[0].rpb - 0.505291) < 1e-6);
	assert_true(fabs(r.items[1].rpb + 0.387943) < 1e-6);
	assert_int_equal(r.items[3].flags, IA_FLAG_NEGATIVE_DISC);
	assert_int_equal(r.items[4].flags, 0);
	assert_int_equal(r.items[5].flags, 0);
	assert_non_null(item_analysis_flag_words(IA_FLAG_DISTRACTOR));
	assert_null(item_analysis_flag_words(IA_FLAG_HARD | IA_FLAG_EASY));
	arena_free(&a);
}

/* ---- the store -------------------------------------------------------- */

struct fx {
	struct db *db;
	int64_t d, d2;
};

static const char roster_sql[] =
	"INSERT INTO org(district_id,sourced_id,name,type) VALUES"
	" (1,'s1','Birch','school'),(1,'s2','Cedar','school');"
	"INSERT INTO class(district_id,sourced_id,title,grades,course_sourced_id,class_type,"
	" school_sourced_id,term_sourced_ids) VALUES"
	" (1,'k1','Math 4a','04','c','scheduled','s1','t'),"
	" (1,'k2','Math 4b','04','c','scheduled','s2','t');"
	"INSERT INTO person(district_id,sourced_id,org_sourced_ids,role,given_name,family_name)"
	" VALUES (1,'p1','s1','student','A','A'),(1,'p2','s1','student','B','B'),"
	" (1,'p3','s2','student','C','C'),(1,'t1','s1','teacher','Tina','Teach'),"
	" (1,'t2','s2','teacher','Omar','Other'),(2,'q1','x','student','Q','Q');"
	"INSERT INTO enrollment(district_id,sourced_id,class_sourced_id,school_sourced_id,"
	" user_sourced_id,role) VALUES"
	" (1,'e1','k1','s1','p1','student'),(1,'e2','k1','s1','p2','student'),"
	" (1,'e3','k2','s2','p3','student'),(1,'e4','k1','s1','t1','teacher'),"
	" (1,'e5','k2','s2','t2','teacher');";

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

static const struct audit_actor who = { 0, "cli", "" };

static const char good_items[] = "1, 4.NF.A.1, 1, ABCD, C\n"
				 "2, 4.nf.b.3, 2\n"
				 "\n"
				 "3, 3.NF.A.1, 1, A B C, a\n";

static int64_t make(struct fx *f)
{
	struct assessment_common_in in = { "Winter benchmark 4", "winter", "2027-01-10",
					   "2027-01-31", good_items };
	struct buf why;
	buf_init(&why, 4096);
	int64_t id = 0;
	assert_int_equal(assessment_common_create(f->db, f->d, &who, &in, &id, &why), EB_OK);
	buf_free(&why);
	return id;
}

static void create_and_read_back(void **state)
{
	struct fx *f = *state;
	int64_t id = make(f);
	struct arena a;
	arena_init(&a);
	struct assessment_common ac;
	assert_int_equal(assessment_common_get(f->db, f->d, id, &a, &ac), EB_OK);
	assert_string_equal(ac.name, "Winter benchmark 4");
	assert_int_equal(ac.season, ASSESSMENT_WINTER);
	assert_int_equal(ac.nitems, 3);
	assert_string_equal(ac.items[0].choices, "ABCD");
	assert_int_equal(ac.items[0].key, 'C');
	assert_string_equal(ac.items[1].standard, "4.NF.B.3");
	assert_int_equal(ac.items[1].key, 0);
	assert_true(ac.items[1].points == 2);
	assert_int_equal(ac.items[2].key, 'A');
	/* another district sees nothing */
	assert_int_equal(assessment_common_get(f->db, f->d2, id, &a, &ac), EB_ENOTFOUND);
	struct assessment_common *list;
	size_t n;
	assert_int_equal(assessment_common_list(f->db, f->d2, &a, &list, &n), EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(assessment_common_list(f->db, f->d, &a, &list, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].nitems, 3);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log WHERE subject_type="
				      "'common_assessment'"),
			 1);
	/* the same name again */
	struct assessment_common_in in = { "Winter benchmark 4", "winter", "2027-01-10",
					   "2027-01-31", good_items };
	struct buf why;
	buf_init(&why, 4096);
	assert_int_equal(assessment_common_create(f->db, f->d, &who, &in, &id, &why), EB_EEXIST);
	assert_non_null(strstr(buf_cstr(&why), "name: "));
	buf_free(&why);
	arena_free(&a);
}

/* each bad input names its field (and the line of an item) and stores nothing */
static void bad_input_stores_nothing(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *items, *opens, *closes, *season, *want;
	} cases[] = {
		{ "1, 4.NF.A.1, 1, ABCD, E", "2027-01-10", "2027-01-31", "winter",
		  "items: line 1: item 1: the key 'E' is not one of the choices ABCD" },
		{ "1, 4.NF.A.9, 1", "2027-01-10", "2027-01-31", "winter",
		  "items: line 1: item 1: '4.NF.A.9' is not a standard of the CCSS-M catalog" },
		{ "1, 4.NF.A.1, 1\n2, 4.NF.A.2, 1\n1, 4.NF.A.1, 1", "2027-01-10", "2027-01-31",
		  "winter", "items: line 3: item number 1 is used twice" },
		{ "1, 4.NF.A.1, 0", "2027-01-10", "2027-01-31", "winter",
		  "items: line 1: item 1: points" },
		{ "1, 4.NF.A.1, 1, A, A", "2027-01-10", "2027-01-31", "winter",
		  "items: line 1: item 1: a multiple-choice item needs 2" },
		{ "1, 4.NF.A.1, 1, ABCD", "2027-01-10", "2027-01-31", "winter",
		  "items: line 1: write" },
		{ "", "2027-01-10", "2027-01-31", "winter", "items: write at least one item" },
		{ "1, 4.NF.A.1, 1", "2027-01-31", "2027-01-10", "winter",
		  "closes: the window closes (2027-01-10) before it opens (2027-01-31)" },
		{ "1, 4.NF.A.1, 1", "2027-02-30", "2027-03-01", "winter", "opens: " },
		{ "1, 4.NF.A.1, 1", "2027-01-10", "2027-01-31", "summer", "season: " },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct assessment_common_in in = { "Bad", cases[i].season, cases[i].opens,
						   cases[i].closes, cases[i].items };
		struct buf why;
		buf_init(&why, 4096);
		int64_t id = 0;
		assert_int_equal(assessment_common_create(f->db, f->d, &who, &in, &id, &why),
				 EB_EINVAL);
		if (!strstr(buf_cstr(&why), cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, buf_cstr(&why), cases[i].want);
		buf_free(&why);
	}
	assert_int_equal(count(f->db, "SELECT count(*) FROM common_assessment"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM common_item"), 0);
	/* a page of bad lines: the first 20, then a count */
	struct buf many, why;
	buf_init(&many, 1 << 20);
	buf_init(&why, 1 << 20);
	for (int i = 0; i < 500; i++)
		buf_printf(&many, "x, 4.NF.A.1, 1\n");
	struct arena a;
	arena_init(&a);
	struct assessment_item *items;
	size_t n;
	assert_int_equal(assessment_items_parse(buf_cstr(&many), &a, &items, &n, &why), EB_EINVAL);
	assert_non_null(strstr(buf_cstr(&why), "items: line 20: "));
	assert_null(strstr(buf_cstr(&why), "items: line 21: "));
	assert_non_null(strstr(buf_cstr(&why), "items: ... and 480 more problems"));
	arena_free(&a);
	buf_free(&many);
	buf_free(&why);
}

static enum eb_err import(struct fx *f, int64_t district, int64_t id, const char *csv,
			  struct item_results_report *rep, struct buf *errs)
{
	char *data = strdup(csv);
	enum eb_err e = item_results_import(f->db, district, id, &who, "r.csv", data, strlen(data),
					    rep, errs);
	free(data);
	return e;
}

static void import_feeds_mastery(void **state)
{
	struct fx *f = *state;
	int64_t id = make(f);
	struct item_results_report rep;
	struct buf errs;
	buf_init(&errs, 1 << 16);
	assert_int_equal(import(f, f->d, id,
				"student_id,item,response,points,date\n"
				"p1,1,C,,2027-01-12\n"
				"p1,2,,2,2027-01-12\n"
				"p1,3,b,,2027-01-12\n"
				"p2,1,A,0,2027-01-12\n"
				"p2,2,,1.5,2027-01-12\n"
				"p2,3,,,2027-01-12\n"
				"p3,1,C,1,2027-01-13\n",
				&rep, &errs),
			 EB_OK);
	assert_int_equal(rep.rows, 7);
	assert_int_equal(rep.changed, 7);
	assert_int_equal(rep.students, 3);
	assert_int_equal(count(f->db, "SELECT count(*) FROM common_response"), 7);
	/* a blank response is stored as such, scored 0 */
	assert_int_equal(count(f->db, "SELECT count(*) FROM common_response WHERE response=''"
				      " AND points=0"),
			 1);
	/* one learning event per result, of the district's own tool, on the
	 * item's standard, right only with full points */
	assert_int_equal(count(f->db, "SELECT count(*) FROM learning_event e JOIN tool t ON"
				      " t.id=e.tool_id WHERE t.name='Common assessments'"),
			 7);
	assert_int_equal(count(f->db, "SELECT count(*) FROM learning_event WHERE correct=1"), 3);
	assert_int_equal(count(f->db, "SELECT count(*) FROM learning_event WHERE"
				      " standard_code='4.NF.B.3' AND correct=0 AND score=0.75"),
			 1);
	assert_true(count(f->db, "SELECT count(*) FROM mastery_state WHERE student_sourced_id="
				 "'p1' AND standard_code='4.NF.A.1'") == 1);
	/* the same file again changes nothing; a corrected response replaces
	 * its result and its evidence */
	buf_reset(&errs);
	assert_int_equal(import(f, f->d, id,
				"student_id,item,response,date\n"
				"p1,1,C,2027-01-12\n"
				"p2,1,C,2027-01-12\n",
				&rep, &errs),
			 EB_OK);
	assert_int_equal(rep.changed, 1);
	assert_int_equal(count(f->db, "SELECT count(*) FROM learning_event"), 7);
	assert_int_equal(count(f->db, "SELECT count(*) FROM learning_event WHERE correct=1"), 4);
	/* items can no longer be added */
	buf_reset(&errs);
	assert_int_equal(
		assessment_common_add_items(f->db, f->d, &who, id, "9, 4.NF.A.1, 1", &errs),
		EB_ECONFLICT);

	/* the matrix and the groups, by scope */
	struct arena a;
	arena_init(&a);
	struct assessment_common ac;
	assert_int_equal(assessment_common_get(f->db, f->d, id, &a, &ac), EB_OK);
	assert_int_equal(ac.students, 3);
	struct assessment_matrix m;
	assert_int_equal(assessment_common_matrix(f->db, f->d, &ac, NULL, &a, &m), EB_OK);
	assert_int_equal(m.nstudents, 3);
	assert_string_equal(m.students[1], "p2");
	assert_true(m.points[1 * 3 + 0] == 1); /* corrected to C */
	assert_true(m.points[1 * 3 + 1] == 1.5);
	assert_int_equal(m.choice[1 * 3 + 2], -1); /* blank */
	assert_int_equal(m.choice[0 * 3 + 2], 1);  /* B */
	assert_true(m.points[2 * 3 + 1] == 0);	   /* p3 has no result on item 2 */
	struct assessment_scope sc = { "s1", NULL, NULL };
	assert_int_equal(assessment_common_matrix(f->db, f->d, &ac, &sc, &a, &m), EB_OK);
	assert_int_equal(m.nstudents, 2);
	struct assessment_scope tc = { NULL, "t2", NULL };
	assert_int_equal(assessment_common_matrix(f->db, f->d, &ac, &tc, &a, &m), EB_OK);
	assert_int_equal(m.nstudents, 1);
	assert_string_equal(m.students[0], "p3");
	struct assessment_group *g;
	size_t ng;
	assert_int_equal(assessment_common_groups(f->db, f->d, &ac, false, NULL, &a, &g, &ng),
			 EB_OK);
	assert_int_equal(ng, 2);
	assert_string_equal(g[0].name, "Birch");
	assert_int_equal(g[0].students, 2);
	/* p1: 1 + 2 + 0 = 3 of 4; p2: 1 + 1.5 + 0 = 2.5 of 4: mean .6875 */
	assert_true(fabs(g[0].mean_share - 0.6875) < 1e-12);
	assert_int_equal(assessment_common_groups(f->db, f->d, &ac, true, NULL, &a, &g, &ng),
			 EB_OK);
	assert_int_equal(ng, 2);
	assert_string_equal(g[0].name, "Omar Other");
	assert_int_equal(g[0].students, 1);
	arena_free(&a);
	buf_free(&errs);
}

/* every bad row is named FILE:LINE: field: reason, and nothing is stored */
static void bad_files_store_nothing(void **state)
{
	struct fx *f = *state;
	int64_t id = make(f);
	static const struct {
		const char *csv, *want;
	} cases[] = {
		{ "student_id,item,response,date\np1,7,C,2027-01-12\n",
		  "r.csv:2: item: '7' is not an item number of this assessment" },
		{ "student_id,item,response,date\nnobody,1,C,2027-01-12\n",
		  "r.csv:2: student_id: 'nobody' is not a student of this district" },
		{ "student_id,item,response,date\nq1,1,C,2027-01-12\n",
		  "r.csv:2: student_id: 'q1' is not a student of this district" },
		{ "student_id,item,response,date\np1,1,E,2027-01-12\n",
		  "r.csv:2: response: 'E' is not one of the choices of item 1 (ABCD)" },
		{ "student_id,item,response,date\np1,1,C,2027-01-12\np2,1,C,2027-01-12\n"
		  "p1,1,D,2027-01-12\n",
		  "r.csv:4: student_id: 'p1' on item 1 repeats line 2 (duplicate row)" },
		{ "student_id,item,points,date\np1,2,3,2027-01-12\n",
		  "r.csv:2: points: 3 is outside item 2's 0..2" },
		{ "student_id,item,response,points,date\np1,2,B,,2027-01-12\n",
		  "r.csv:2: response: item 2 is scored in points" },
		{ "student_id,item,response,points,date\np1,1,C,0,2027-01-12\n",
		  "r.csv:2: points: 0 disagrees with the key of item 1" },
		{ "student_id,item,response,date\np1,1,C,12/01/2027\n",
		  "r.csv:2: date: '12/01/2027' is not a date YYYY-MM-DD" },
		{ "student_id,response,date\np1,C,2027-01-12\n",
		  "r.csv:1: header: no column 'item'" },
		{ "student_id,item,response,date\n", "r.csv:2: file: has no result rows" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct item_results_report rep;
		struct buf errs;
		buf_init(&errs, 1 << 16);
		/* a good row first: it must not be stored either */
		assert_int_equal(import(f, f->d, id, cases[i].csv, &rep, &errs), EB_EINVAL);
		if (!strstr(buf_cstr(&errs), cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i, buf_cstr(&errs), cases[i].want);
		buf_free(&errs);
	}
	assert_int_equal(count(f->db, "SELECT count(*) FROM common_response"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM learning_event"), 0);
	/* another district's assessment is not found */
	struct item_results_report rep;
	struct buf errs;
	buf_init(&errs, 1 << 16);
	assert_int_equal(import(f, f->d2, id, "student_id,item,response,date\nq1,1,C,2027-01-12\n",
				&rep, &errs),
			 EB_ENOTFOUND);
	buf_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_computed_statistics),
		cmocka_unit_test(partial_credit),
		cmocka_unit_test(flags_in_words),
		cmocka_unit_test_setup_teardown(create_and_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_input_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(import_feeds_mastery, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_files_store_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
