/* test_gradebook.c - OneRoster 1.2 Gradebook: the CSV and REST JSON readers
 * (every refusal by its exact place and reason), and the evidence: a
 * result's score as a share of its line item's range on the standard its
 * objective names, a result sent again replacing its events (mastery
 * replayed, nothing counted twice), records set aside with their reason. */
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
#include "base/buf.h"
#include "domain/district.h"
#include "domain/gradebook.h"
#include "domain/mastery_views.h"
#include "ingest/oneroster_gradebook.h"
#include "store/db.h"

#define LI_HDR                                                                                     \
	"sourcedId,status,dateLastModified,title,description,assignDate,dueDate,classSourcedId,"   \
	"categorySourcedId,academicSessionSourcedId,resultValueMin,resultValueMax\n"
#define RES_HDR                                                                                    \
	"sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,scoreStatus,score,"  \
	"textScore,scoreDate,comment\n"
#define LIO_HDR "sourcedId,status,dateLastModified,lineItemSourcedId,source,learningObjectiveId\n"
#define RO_HDR                                                                                     \
	"sourcedId,status,dateLastModified,resultSourcedId,source,learningObjectiveId,score,"      \
	"textScore\n"

struct pkg {
	struct oneroster_file f[4];
	size_t n;
};

static void add(struct pkg *p, const char *name, const char *text)
{
	p->f[p->n].name = name;
	p->f[p->n].data = strdup(text);
	p->f[p->n].len = strlen(text);
	p->n++;
}

static void pkg_free(struct pkg *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->f[i].data);
	p->n = 0;
}

/* Parses the package; returns the error lines (static buffer). */
static enum eb_err parse(struct pkg *p, struct arena *a, struct gradebook *g, struct buf *errs)
{
	gradebook_init(g, a, errs);
	enum eb_err rc = gradebook_parse_csv(g, p->f, p->n);
	if (rc == EB_OK)
		rc = gradebook_check(g);
	return rc;
}

static void csv_reads_items_results_objectives(void **state)
{
	struct pkg p = { 0 };
	add(&p, "lineItems.csv", LI_HDR "li1,active,,Quiz,,2026-01-05,2026-01-09,k1,c1,t1,0,10\n");
	add(&p, "results.csv",
	    RES_HDR "r1,,,li1,s1,fully graded,7.5,,2026-01-09,good\n"
		    "r2,tobedeleted,,li1,s2,Submitted,,,2026-01-09T10:00:00Z,\n");
	add(&p, "lineItemLearningObjectiveIds.csv", LIO_HDR ",,,li1,case,abc-123\n");
	add(&p, "resultLearningObjectiveIds.csv", RO_HDR ",,,r1,Unknown,3.NF.A.1,4,\n");
	struct arena a;
	arena_init(&a);
	struct buf errs = BUF_INIT;
	struct gradebook g;
	assert_int_equal(parse(&p, &a, &g, &errs), EB_OK);
	assert_int_equal(g.nitems, 1);
	assert_string_equal(g.items[0].class_sid, "k1");
	assert_true(g.items[0].has_max);
	assert_true(g.items[0].max == 10);
	assert_int_equal(g.items[0].nobj, 1);
	assert_string_equal(g.items[0].obj[0].source, "case");
	assert_string_equal(g.items[0].obj[0].id, "abc-123");
	assert_int_equal(g.nresults, 2);
	assert_string_equal(g.results[0].score_status, "fully graded");
	assert_true(g.results[0].score == 7.5);
	assert_int_equal(g.results[0].score_date, 20462 * 86400LL);
	assert_int_equal(g.results[0].nobj, 1);
	assert_true(g.results[0].obj[0].has_score);
	assert_string_equal(g.results[1].score_status, "submitted");
	assert_true(g.results[1].deleted);
	assert_false(g.results[1].has_score);
	assert_string_equal(g.results[1].where, "results.csv:3");
	buf_free(&errs);
	arena_free(&a);
	pkg_free(&p);
}

static void expect_csv_error(const char *file, const char *text, const char *want)
{
	struct pkg p = { 0 };
	add(&p, "lineItems.csv", LI_HDR "li1,active,,Quiz,,,,k1,,,0,10\n");
	if (strcmp(file, "lineItems.csv") == 0)
		p.n = 0, free(p.f[0].data);
	add(&p, file, text);
	struct arena a;
	arena_init(&a);
	struct buf errs = BUF_INIT;
	struct gradebook g;
	assert_int_equal(parse(&p, &a, &g, &errs), EB_EPARSE);
	if (!strstr(buf_cstr(&errs), want))
		fail_msg("want '%s' in:\n%s", want, buf_cstr(&errs));
	buf_free(&errs);
	arena_free(&a);
	pkg_free(&p);
}

static void csv_refusals_name_file_line_field(void **state)
{
	expect_csv_error("results.csv", RES_HDR "r1,,,li1,s1,graded,5,,2026-01-09,\n",
			 "results.csv:2: scoreStatus: 'graded' is not one of: exempt, fully "
			 "graded, not submitted, partially graded, submitted\n");
	expect_csv_error("results.csv", RES_HDR "r1,,,li1,s1,fully graded,five,,2026-01-09,\n",
			 "results.csv:2: score: 'five' is not a number\n");
	expect_csv_error("results.csv", RES_HDR "r1,,,li1,s1,fully graded,5,,09/01/2026,\n",
			 "results.csv:2: scoreDate: '09/01/2026' is not a date");
	expect_csv_error("results.csv", RES_HDR "r1,,,,s1,fully graded,5,,2026-01-09,\n",
			 "results.csv:2: lineItemSourcedId: required, but blank\n");
	expect_csv_error("results.csv", RES_HDR "r1,inactive,,li1,s1,fully graded,5,,2026-01-09,\n",
			 "results.csv:2: status: 'inactive' is not active or tobedeleted\n");
	expect_csv_error("results.csv",
			 "sourcedId,lineItemSourcedId,studentSourcedId,scoreStatus\nr1,li1,s1,"
			 "exempt\n",
			 "results.csv:1: scoreDate: required column missing\n");
	expect_csv_error("lineItems.csv", LI_HDR "li1,,,Quiz,,,,k1,,,10,10\n",
			 "lineItems.csv:2: resultValueMax: 10 is not above resultValueMin (10)\n");
	expect_csv_error("results.csv",
			 RES_HDR "r1,,,li1,s1,fully graded,5,,2026-01-09,\n"
				 "r1,,,li1,s2,fully graded,5,,2026-01-09,\n",
			 "results.csv:3: sourcedId: result 'r1' appears twice (also at "
			 "results.csv:2)\n");
	expect_csv_error("lineItemLearningObjectiveIds.csv", LIO_HDR ",,,li9,case,x\n",
			 "lineItemLearningObjectiveIds.csv:2: lineItemSourcedId: 'li9' is not a "
			 "line item of lineItems.csv\n");
	expect_csv_error("resultLearningObjectiveIds.csv", RO_HDR ",,,r9,case,x,1,\n",
			 "resultLearningObjectiveIds.csv:2: resultSourcedId: 'r9' is not a result "
			 "of results.csv\n");
}

static void json_reads_rest_binding_with_paths(void **state)
{
	struct arena a;
	arena_init(&a);
	struct buf errs = BUF_INIT;
	struct gradebook g;
	gradebook_init(&g, &a, &errs);
	const char *items =
		"{\"lineItems\": [{\"sourcedId\": \"li1\", \"status\": \"active\", \"title\": "
		"\"Quiz\", \"class\": {\"sourcedId\": \"k1\", \"type\": \"class\"},"
		" \"resultValueMin\": 0, \"resultValueMax\": \"20\", \"learningObjectiveSet\":"
		" [{\"source\": \"case\", \"learningObjectiveIds\": [\"id-1\", \"id-2\"]}]}]}";
	assert_int_equal(gradebook_parse_json(&g, "lineItems", items, strlen(items), "lineItems"),
			 EB_OK);
	assert_int_equal(g.nitems, 1);
	assert_int_equal(g.items[0].nobj, 2);
	assert_true(g.items[0].max == 20);
	const char *results =
		"{\"results\": [{\"sourcedId\": \"r1\", \"lineItem\": {\"sourcedId\": \"li1\"},"
		" \"student\": {\"sourcedId\": \"s1\"}, \"scoreStatus\": \"fully graded\","
		" \"score\": 15, \"scoreDate\": \"2026-01-09\", \"learningObjectiveSet\": [{"
		"\"source\": \"case\", \"learningObjectiveResults\": [{\"learningObjectiveId\":"
		" \"id-1\", \"score\": 18}]}]}]}";
	assert_int_equal(gradebook_parse_json(&g, "results", results, strlen(results), "results"),
			 EB_OK);
	assert_int_equal(g.nresults, 1);
	assert_int_equal(g.results[0].nobj, 1);
	assert_true(g.results[0].obj[0].score == 18);
	assert_string_equal(g.results[0].where, "results: $.results[0]");

	const char *bad =
		"{\"results\": [{\"sourcedId\": \"r2\", \"lineItem\": {}, \"student\":"
		" {\"sourcedId\": \"s1\"}, \"scoreStatus\": \"fully graded\", \"score\": true,"
		" \"scoreDate\": \"2026-01-09\", \"learningObjectiveSet\": [{\"source\": \"case\","
		" \"learningObjectiveResults\": [{\"score\": 1}]}]}]}";
	assert_int_equal(gradebook_parse_json(&g, "results", bad, strlen(bad), "p2"), EB_EPARSE);
	const char *e = buf_cstr(&errs);
	assert_non_null(strstr(e, "p2: $.results[0].lineItem: sourcedId: required\n"));
	assert_non_null(strstr(e, "p2: $.results[0]: score: a number\n"));
	assert_non_null(strstr(e, "p2: $.results[0].learningObjectiveSet[0]."
				  "learningObjectiveResults[0]: learningObjectiveId: required\n"));
	assert_int_equal(g.nresults, 1); /* nothing of the refused object kept */
	assert_int_equal(gradebook_parse_json(&g, "results", "[1", 2, "p3"), EB_EPARSE);
	assert_non_null(strstr(buf_cstr(&errs), "p3: $: not JSON"));
	buf_free(&errs);
	arena_free(&a);
}

/* ---- the evidence --------------------------------------------------------- */

struct fx {
	struct db *db;
	int64_t d;
	char path[64];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_gradebook_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d))
		return -1;
	const char *students[] = { "s1", "s2" };
	for (int i = 0; i < 2; i++)
		if (db_execute(f->db,
			       "INSERT INTO person (district_id, sourced_id, org_sourced_ids, role,"
			       " username, given_name, family_name) VALUES (?1, ?2, 'sch',"
			       " 'student', ?2, 'G', 'F')",
			       DB_ARGS(DB_INT(f->d), DB_TEXT(students[i])), NULL))
			return -1;
	if (db_execute(f->db,
		       "INSERT INTO class (district_id, sourced_id, title, course_sourced_id,"
		       " class_type, school_sourced_id, term_sourced_ids) VALUES (?1, 'k1',"
		       " 'Math', 'c1', 'scheduled', 'sch', 't1')",
		       DB_ARGS(DB_INT(f->d)), NULL))
		return -1;
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

static enum eb_err import(struct fx *f, const char *results, struct gradebook_report *rep)
{
	struct pkg p = { 0 };
	add(&p, "lineItems.csv",
	    LI_HDR "li1,active,,Quiz,,,,k1,,,0,10\n"
		   "li2,active,,Lost,,,,k9,,,0,10\n"
		   "li3,active,,No max,,,,k1,,,,\n");
	add(&p, "lineItemLearningObjectiveIds.csv",
	    LIO_HDR ",,,li1,Unknown,3.NF.A.1\n,,,li3,Unknown,3.NF.A.2\n");
	add(&p, "results.csv", results);
	struct buf errs = BUF_INIT;
	enum eb_err rc = oneroster_gradebook_import(f->db, f->d, 0, p.f, p.n, &errs, rep);
	if (rc == EB_EPARSE)
		print_message("%s", buf_cstr(&errs));
	buf_free(&errs);
	pkg_free(&p);
	return rc;
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t v = -1;
	assert_int_equal(db_get_int(f->db, sql, DB_ARGS(DB_INT(f->d)), &v), EB_OK);
	return v;
}

static void result_becomes_evidence_and_replaces(void **state)
{
	struct fx *f = *state;
	struct buf lines = BUF_INIT;
	struct gradebook_report rep = { .out = &lines };
	assert_int_equal(import(f,
				RES_HDR "r1,,,li1,s1,fully graded,9,,2026-01-09,\n"
					"r2,,,li1,s2,fully graded,2,,2026-01-09,\n"
					"r3,,,li1,s2,submitted,,,2026-01-09,\n",
				&rep),
			 EB_OK);
	assert_int_equal(rep.events, 2);
	assert_int_equal(rep.not_graded, 1);
	assert_int_equal(rep.set_aside, 1); /* li2: class k9 */
	assert_non_null(strstr(buf_cstr(&lines), "lineItems.csv:3: classSourcedId: 'k9' is not a "
						 "class of the district's roster"));
	/* 9 of 10 is correct on 3.NF.A.1 with score 0.9; 2 of 10 is not */
	assert_int_equal(count(f, "SELECT count(*) FROM learning_event WHERE district_id = ?1"
				  " AND standard_code = '3.NF.A.1' AND source = 'oneroster'"),
			 2);
	assert_int_equal(count(f, "SELECT correct FROM learning_event WHERE district_id = ?1"
				  " AND statement_id = 'gb:r1'"),
			 1);
	assert_int_equal(count(f, "SELECT round(score * 100) FROM learning_event WHERE"
				  " district_id = ?1 AND statement_id = 'gb:r2'"),
			 20);
	/* the student's evidence trail names the source in plain words (tool 0) */
	struct arena ea;
	arena_init(&ea);
	struct mastery_evidence *ev;
	size_t nev;
	assert_int_equal(mastery_evidence_trail(f->db, f->d, "s1", 10, &ea, &ev, &nev), EB_OK);
	assert_int_equal(nev, 1);
	assert_string_equal(ev[0].tool, "District gradebook");
	arena_free(&ea);
	int64_t p_before = count(f, "SELECT round(p * 1000) FROM mastery_state WHERE"
				    " district_id = ?1 AND student_sourced_id = 's2'");

	/* the same again: nothing changes */
	struct gradebook_report rep2 = { 0 };
	assert_int_equal(import(f,
				RES_HDR "r1,,,li1,s1,fully graded,9,,2026-01-09,\n"
					"r2,,,li1,s2,fully graded,2,,2026-01-09,\n"
					"r3,,,li1,s2,submitted,,,2026-01-09,\n",
				&rep2),
			 EB_OK);
	assert_int_equal(rep2.unchanged, 3);
	assert_int_equal(rep2.events, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM learning_event WHERE district_id = ?1"), 2);

	/* r2 corrected to 10 of 10: its event is replaced, mastery replayed with one response */
	struct gradebook_report rep3 = { 0 };
	assert_int_equal(import(f, RES_HDR "r2,,,li1,s2,fully graded,10,,2026-01-09,\n", &rep3),
			 EB_OK);
	assert_int_equal(rep3.replaced, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM learning_event WHERE district_id = ?1"), 2);
	assert_int_equal(count(f, "SELECT responses FROM mastery_state WHERE district_id = ?1"
				  " AND student_sourced_id = 's2'"),
			 1);
	assert_int_equal(count(f, "SELECT correct FROM mastery_state WHERE district_id = ?1"
				  " AND student_sourced_id = 's2'"),
			 1);
	assert_true(count(f, "SELECT round(p * 1000) FROM mastery_state WHERE district_id = ?1"
			     " AND student_sourced_id = 's2'") > p_before);

	/* deleted: its evidence goes */
	struct gradebook_report rep4 = { 0 };
	assert_int_equal(
		import(f, RES_HDR "r2,tobedeleted,,li1,s2,fully graded,10,,2026-01-09,\n", &rep4),
		EB_OK);
	assert_int_equal(rep4.results_deleted, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM learning_event WHERE district_id = ?1"
				  " AND student_sourced_id = 's2'"),
			 0);
	assert_int_equal(count(f, "SELECT count(*) FROM mastery_state WHERE district_id = ?1"
				  " AND student_sourced_id = 's2'"),
			 0);
	buf_free(&lines);
}

static void unreadable_results_set_aside_with_reason(void **state)
{
	struct fx *f = *state;
	struct buf lines = BUF_INIT;
	struct gradebook_report rep = { .out = &lines };
	assert_int_equal(import(f,
				RES_HDR "r1,,,li1,nobody,fully graded,9,,2026-01-09,\n"
					"r2,,,li9,s1,fully graded,9,,2026-01-09,\n"
					"r3,,,li2,s1,fully graded,9,,2026-01-09,\n"
					"r4,,,li1,s1,fully graded,11,,2026-01-09,\n"
					"r5,,,li3,s1,fully graded,3,,2026-01-09,\n"
					"r6,,,li1,s1,fully graded,,A,2026-01-09,\n",
				&rep),
			 EB_OK);
	const char *l = buf_cstr(&lines);
	/* a student or line item not (yet) there: the result waits for it (issue 17) */
	assert_non_null(strstr(l, "results.csv:2: studentSourcedId: 'nobody' is not a student of "
				  "the district's roster yet; result 'r1' waits for it\n"));
	assert_non_null(strstr(l,
			       "results.csv:3: lineItemSourcedId: 'li9' is not a line item of "
			       "this input or of an earlier one yet; result 'r2' waits for it\n"));
	assert_non_null(strstr(l, "results.csv:4: lineItemSourcedId: line item 'li2' waits for "
				  "its class; result 'r3' waits for it\n"));
	assert_non_null(strstr(l, "results.csv:5: score: 11 is outside the line item's range "
				  "0..10; stored without evidence\n"));
	assert_non_null(strstr(l, "results.csv:6: score: line item 'li3' gives no resultValueMax"));
	assert_non_null(strstr(l, "results.csv:7: score: fully graded without a score (textScore "
				  "'A' only); stored without evidence\n"));
	assert_int_equal(rep.set_aside, 6); /* li2 too */
	assert_int_equal(rep.events, 0);
	assert_int_equal(count(f, "SELECT count(*) FROM learning_event WHERE district_id = ?1"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM gradebook_result WHERE district_id = ?1"),
			 6); /* r4, r5, r6: kept as received, without evidence; r1-r3 waiting */
	assert_int_equal(count(f, "SELECT count(*) FROM gradebook_result WHERE district_id = ?1"
				  " AND waits_for IS NOT NULL"),
			 3);
	buf_free(&lines);
}

static void refused_file_stores_nothing(void **state)
{
	struct fx *f = *state;
	struct gradebook_report rep = { 0 };
	assert_int_equal(import(f,
				RES_HDR "r1,,,li1,s1,fully graded,9,,2026-01-09,\n"
					"r2,,,li1,s2,fully graded,x,,2026-01-09,\n",
				&rep),
			 EB_EPARSE);
	assert_int_equal(
		count(f, "SELECT count(*) FROM gradebook_line_item WHERE district_id = ?1"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM gradebook_result WHERE district_id = ?1"),
			 0);
	assert_int_equal(count(f, "SELECT count(*) FROM learning_event WHERE district_id = ?1"), 0);
}

static void objective_results_own_scores(void **state)
{
	struct fx *f = *state;
	struct pkg p = { 0 };
	add(&p, "lineItems.csv", LI_HDR "li1,active,,Quiz,,,,k1,,,0,4\n");
	add(&p, "results.csv", RES_HDR "r1,,,li1,s1,fully graded,3,,2026-01-09,\n");
	add(&p, "resultLearningObjectiveIds.csv",
	    RO_HDR ",,,r1,Unknown,3.OA.A.1,4,\n,,,r1,Unknown,CCSS.Math.Content.3.OA.A.2,1,\n"
		   ",,,r1,case,no-such-item,4,\n");
	struct buf errs = BUF_INIT, lines = BUF_INIT;
	struct gradebook_report rep = { .out = &lines };
	assert_int_equal(oneroster_gradebook_import(f->db, f->d, 0, p.f, p.n, &errs, &rep), EB_OK);
	assert_int_equal(rep.events, 2);
	assert_int_equal(rep.quarantined, 1);
	assert_non_null(strstr(buf_cstr(&lines), "learningObjectiveId: 'no-such-item' (source "
						 "case) is not a standard the district knows"));
	assert_int_equal(count(f, "SELECT correct FROM learning_event WHERE district_id = ?1"
				  " AND standard_code = '3.OA.A.1'"),
			 1);
	assert_int_equal(count(f, "SELECT correct FROM learning_event WHERE district_id = ?1"
				  " AND standard_code = '3.OA.A.2'"),
			 0);
	buf_free(&errs);
	buf_free(&lines);
	pkg_free(&p);
}

/* A results-only input reads its line item (range, objectives) from the store. */
static void results_only_use_the_stored_line_item(void **state)
{
	struct fx *f = *state;
	struct gradebook_report rep = { 0 };
	assert_int_equal(import(f, RES_HDR, &rep), EB_OK);
	assert_int_equal(rep.items, 2);
	struct pkg p = { 0 };
	add(&p, "results.csv", RES_HDR "r7,,,li1,s1,fully graded,8,,2026-01-09,\n");
	struct buf errs = BUF_INIT;
	struct gradebook_report rep2 = { 0 };
	assert_int_equal(oneroster_gradebook_import(f->db, f->d, 0, p.f, p.n, &errs, &rep2), EB_OK);
	assert_int_equal(rep2.events, 1);
	assert_int_equal(count(f, "SELECT round(score * 100) FROM learning_event WHERE"
				  " district_id = ?1 AND statement_id = 'gb:r7'"
				  " AND standard_code = '3.NF.A.1'"),
			 80);
	buf_free(&errs);
	pkg_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_reads_items_results_objectives),
		cmocka_unit_test(csv_refusals_name_file_line_field),
		cmocka_unit_test(json_reads_rest_binding_with_paths),
		cmocka_unit_test_setup_teardown(result_becomes_evidence_and_replaces, setup,
						teardown),
		cmocka_unit_test_setup_teardown(unreadable_results_set_aside_with_reason, setup,
						teardown),
		cmocka_unit_test_setup_teardown(refused_file_stores_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(objective_results_own_scores, setup, teardown),
		cmocka_unit_test_setup_teardown(results_only_use_the_stored_line_item, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
