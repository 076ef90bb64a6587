/* test_activity.c - learning events: roster matching, quarantine, re-match,
 * the activity map and the CCSS code extractor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "domain/activity.h"
#include "domain/district.h"
#include "ingest/xapi.h"
#include "ingest/xapi_store.h"
#include "store/db.h"

struct fx {
	struct db *db;
	int64_t district;
	char path[64];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_activity_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "Test", &f->district))
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

static void add_person(struct fx *f, const char *sid, const char *role, const char *username,
		       const char *email)
{
	assert_int_equal(db_execute(f->db,
				    "INSERT INTO person (district_id, sourced_id, org_sourced_ids, "
				    "role, username,"
				    " given_name, family_name, email) VALUES (?1, ?2, 'school1', "
				    "?3, ?4, 'G', 'F', ?5)",
				    DB_ARGS(DB_INT(f->district), DB_TEXT(sid), DB_TEXT(role),
					    DB_TEXT(username), DB_TEXT(email)),
				    NULL),
			 EB_OK);
}

static void counts(struct fx *f, int64_t tool, int64_t *events, int64_t *quarantined)
{
	int64_t s;
	assert_int_equal(activity_counts(f->db, f->district, tool, &s, events, quarantined), EB_OK);
}

static const char *event_standard(struct fx *f, const char *student, char *out, size_t cap)
{
	struct db_stmt *st;
	assert_int_equal(
		db_query(f->db,
			 "SELECT coalesce(standard_code, '-'), coalesce(correct, -1), "
			 "coalesce(score, -1),"
			 " coalesce(duration_s, -1) FROM learning_event WHERE district_id = ?1"
			 " AND student_sourced_id = ?2 ORDER BY id DESC LIMIT 1",
			 DB_ARGS(DB_INT(f->district), DB_TEXT(student)), &st),
		EB_OK);
	out[0] = '\0';
	if (db_next(st))
		snprintf(out, cap, "%s %lld %.2f %.1f", db_col_text(st, 0),
			 (long long)db_col_int(st, 1), db_col_double(st, 2), db_col_double(st, 3));
	assert_int_equal(db_done(st), EB_OK);
	return out;
}

static void post(struct fx *f, const char *body)
{
	struct xapi_result r = { 0 };
	if (xapi_post(f->db, f->district, 7, body, strlen(body), "1.0.3", &r))
		fail_msg("POST %s: %s", eb_strerror(r.rc), r.body ? r.body : "");
	xapi_result_free(&r);
}

static void test_ccss_extract(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "3.NF.A.1", "3.NF.A.1" },
		{ "http://standards.example/CCSS.Math.Content.3.NF.A.1", "3.NF.A.1" },
		{ "https://tool.example/items/ccss-k-cc-b-4/q7", "K.CC.B.4" },
		{ "Practice 6.RP.A.3a ratios", "6.RP.A.3a" },
		{ "4.OA.3", "4.OA.3" },
		{ "CCSS.Math.Content.HSA-SSE.A.1", "HSA-SSE.A.1" },
		{ "F-IF.B.4 interpreting", "HSF-IF.B.4" },
		{ "8_ee_c_7_b", "8.EE.C.7b" },
		{ "version 1.2.3", "" },
		{ "13.NF.A.1", "" },
		{ "3.XY.A.1", "" },
		{ "http://example.org/q/1", "" },
		{ "", "" },
	};
	char out[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bool found = activity_extract_ccss_code(cases[i].in, out, sizeof out);
		if (strcmp(out, cases[i].want) || found != (cases[i].want[0] != 0))
			fail_msg("\"%s\": got \"%s\", want \"%s\"", cases[i].in, out,
				 cases[i].want);
	}
	assert_false(activity_extract_ccss_code(NULL, out, sizeof out));
}

#define VERB "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/answered\"}"

/* The page's summaries (kept by the triggers of migration 010) equal exact
 * counts over the rows themselves: totals, students and every day. */
static void check_summary(struct fx *f, int64_t tool)
{
	struct activity_tool_data td;
	int64_t now = time(NULL);
	assert_int_equal(activity_tool_data(f->db, f->district, tool, now, &td), EB_OK);
	int64_t st, ev, q;
	assert_int_equal(activity_counts(f->db, f->district, tool, &st, &ev, &q), EB_OK);
	assert_int_equal(td.statements, st);
	assert_int_equal(td.events, ev);
	assert_int_equal(td.quarantined, q);
	int64_t students = 0;
	assert_int_equal(db_get_int(f->db,
				    "SELECT count(DISTINCT student_sourced_id) FROM learning_event"
				    " WHERE district_id = ?1 AND tool_id = ?2",
				    DB_ARGS(DB_INT(f->district), DB_INT(tool)), &students),
			 EB_OK);
	assert_true(td.students >= students); /* ever matched: voiding does not subtract */
	int64_t per_day[ACTIVITY_DAYS] = { 0 };
	struct db_stmt *s;
	assert_int_equal(db_query(f->db,
				  "SELECT occurred_at / 86400, count(*) FROM ("
				  " SELECT occurred_at FROM learning_event WHERE district_id = ?1"
				  " AND tool_id = ?2 UNION ALL SELECT occurred_at FROM quarantine"
				  " WHERE district_id = ?1 AND tool_id = ?2) GROUP BY 1",
				  DB_ARGS(DB_INT(f->district), DB_INT(tool)), &s),
			 EB_OK);
	while (db_next(s)) {
		int64_t i = db_col_int(s, 0) - td.first_day;
		if (i >= 0 && i < ACTIVITY_DAYS)
			per_day[i] = db_col_int(s, 1);
	}
	assert_int_equal(db_done(s), EB_OK);
	assert_memory_equal(per_day, td.per_day, sizeof per_day);
}

static void test_match_and_quarantine(void **state)
{
	struct fx *f = *state;
	add_person(f, "stu-1", "student", "ann.b", "ann@school.org");
	add_person(f, "stu-2", "student", "bo.c", "bo@school.org");
	add_person(f, "tea-1", "teacher", "tina", "tina@school.org");
	char buf[128];
	/* by account name = sourcedId, with a CCSS code in the activity id */
	post(f, "{\"actor\":{\"account\":{\"homePage\":\"https://"
		"sis.example\",\"name\":\"stu-1\"}}," VERB
		",\"object\":{\"id\":\"https://tool.example/items/3.NF.A.1/q1\"},"
		"\"result\":{\"success\":true,\"duration\":\"PT45S\"}}");
	assert_string_equal(event_standard(f, "stu-1", buf, sizeof buf), "3.NF.A.1 1 -1.00 45.0");
	/* by username, code in the definition extensions, score from raw/min/max */
	post(f,
	     "{\"actor\":{\"account\":{\"homePage\":\"https://"
	     "sis.example\",\"name\":\"bo.c\"}}," VERB
	     ",\"object\":{\"id\":\"https://tool.example/items/77\",\"definition\":{\"extensions\":"
	     "{\"http://tool.example/standard\":\"CCSS.Math.Content.4.OA.A.3\"}}},"
	     "\"result\":{\"success\":false,\"score\":{\"raw\":3,\"min\":0,\"max\":4}}}");
	assert_string_equal(event_standard(f, "stu-2", buf, sizeof buf), "4.OA.A.3 0 0.75 -1.0");
	/* by email (case-insensitive), usage without evidence and without a standard */
	post(f, "{\"actor\":{\"mbox\":\"mailto:ANN@school.org\"},\"verb\":{\"id\":"
		"\"http://adlnet.gov/expapi/verbs/experienced\"},\"object\":{\"id\":"
		"\"https://tool.example/videos/9\"}}");
	assert_string_equal(event_standard(f, "stu-1", buf, sizeof buf), "- -1 -1.00 -1.0");
	int64_t ev, q;
	counts(f, 7, &ev, &q);
	assert_int_equal(ev, 3);
	assert_int_equal(q, 0);

	/* unknown learner, a teacher, and evidence without a standard: quarantined */
	post(f, "{\"actor\":{\"mbox\":\"mailto:new@school.org\"}," VERB ",\"object\":{\"id\":"
		"\"https://tool.example/items/2.OA.B.2\"},\"result\":{\"success\":true}}");
	post(f, "{\"actor\":{\"account\":{\"homePage\":\"https://"
		"sis.example\",\"name\":\"tea-1\"}}," VERB
		",\"object\":{\"id\":\"https://tool.example/items/"
		"2.OA.B.2\"},\"result\":{\"success\":true}}");
	post(f, "{\"actor\":{\"account\":{\"homePage\":\"https://"
		"sis.example\",\"name\":\"stu-2\"}}," VERB
		",\"object\":{\"id\":\"https://tool.example/items/mystery\"},"
		"\"result\":{\"score\":{\"scaled\":0.9}}}");
	counts(f, 7, &ev, &q);
	assert_int_equal(ev, 3);
	assert_int_equal(q, 3);
	struct db_stmt *st;
	assert_int_equal(db_query(f->db,
				  "SELECT reason FROM quarantine WHERE district_id = ?1"
				  " ORDER BY id",
				  DB_ARGS(DB_INT(f->district)), &st),
			 EB_OK);
	assert_true(db_next(st));
	assert_non_null(strstr(db_col_text(st, 0), "actor not matched"));
	assert_true(db_next(st));
	assert_non_null(strstr(db_col_text(st, 0), "actor not matched"));
	assert_true(db_next(st));
	assert_string_equal(db_col_text(st, 0), "activity not mapped to a standard");
	assert_int_equal(db_done(st), EB_OK);

	/* roster and mapping change, then re-match */
	add_person(f, "stu-3", "student", "newkid", "new@school.org");
	assert_int_equal(activity_map_set(f->db, f->district, 7,
					  "https://tool.example/items/mystery", "5.NBT.A.1"),
			 EB_OK);
	int moved = -1;
	assert_int_equal(activity_rematch(f->db, f->district, &moved), EB_OK);
	assert_int_equal(moved, 2);
	counts(f, 7, &ev, &q);
	assert_int_equal(ev, 5);
	assert_int_equal(q, 1); /* the teacher stays */
	assert_string_equal(event_standard(f, "stu-3", buf, sizeof buf), "2.OA.B.2 1 -1.00 -1.0");
	assert_string_equal(event_standard(f, "stu-2", buf, sizeof buf), "5.NBT.A.1 -1 0.90 -1.0");
	assert_int_equal(activity_rematch(f->db, f->district, &moved), EB_OK);
	assert_int_equal(moved, 0);

	/* the map overrides a code found in the id */
	assert_int_equal(activity_map_set(f->db, f->district, 7,
					  "https://tool.example/items/3.NF.A.1/q1", "3.NF.A.2"),
			 EB_OK);
	post(f, "{\"actor\":{\"account\":{\"homePage\":\"https://"
		"sis.example\",\"name\":\"stu-1\"}}," VERB
		",\"object\":{\"id\":\"https://tool.example/items/3.NF.A.1/q1\"},"
		"\"result\":{\"success\":false}}");
	assert_string_equal(event_standard(f, "stu-1", buf, sizeof buf), "3.NF.A.2 0 -1.00 -1.0");
	assert_int_equal(activity_map_set(f->db, f->district, 7, "", "x"), EB_EINVAL);

	/* views: the teacher's event stays in quarantine; the video has no standard */
	struct buf b = BUF_INIT;
	assert_int_equal(activity_quarantine_json(f->db, f->district, 0, 50, &b), EB_OK);
	json_error_t je;
	json_t *j = json_loads(buf_cstr(&b), 0, &je);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 1);
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(j, 0), "reason")),
			       "actor not matched"));
	json_decref(j);
	buf_reset(&b);
	assert_int_equal(activity_unmapped_json(f->db, f->district, 7, 50, &b), EB_OK);
	assert_string_equal(buf_cstr(&b),
			    "[{\"activityId\":\"https://tool.example/videos/9\",\"events\":1}]");
	struct activity_tool_data td;
	assert_int_equal(activity_tool_data(f->db, f->district, 7, time(NULL), &td), EB_OK);
	assert_int_equal(td.statements, 7);
	assert_int_equal(td.events, 6);
	assert_int_equal(td.quarantined, 1);
	assert_int_equal(td.students, 3);
	assert_true(td.last_received > 1700000000);
	check_summary(f, 7);
	buf_free(&b);
}

static void test_voiding_removes_event(void **state)
{
	struct fx *f = *state;
	add_person(f, "stu-1", "student", "ann.b", "ann@school.org");
	post(f, "{\"id\":\"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa\",\"actor\":{\"mbox\":"
		"\"mailto:ann@school.org\"}," VERB
		",\"object\":{\"id\":\"https://t.example/3.NF.A.1\"},"
		"\"result\":{\"success\":true}}");
	int64_t ev, q;
	counts(f, 7, &ev, &q);
	assert_int_equal(ev, 1);
	post(f, "{\"actor\":{\"mbox\":\"mailto:ann@school.org\"},\"verb\":{\"id\":"
		"\"http://adlnet.gov/expapi/verbs/"
		"voided\"},\"object\":{\"objectType\":\"StatementRef\","
		"\"id\":\"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa\"}}");
	counts(f, 7, &ev, &q);
	assert_int_equal(ev, 0);
	assert_int_equal(q, 0);
	/* voiding first, statement later: no learning event either */
	post(f, "{\"actor\":{\"mbox\":\"mailto:ann@school.org\"},\"verb\":{\"id\":"
		"\"http://adlnet.gov/expapi/verbs/"
		"voided\"},\"object\":{\"objectType\":\"StatementRef\","
		"\"id\":\"bbbbbbbb-aaaa-4aaa-8aaa-aaaaaaaaaaaa\"}}");
	post(f, "{\"id\":\"bbbbbbbb-aaaa-4aaa-8aaa-aaaaaaaaaaaa\",\"actor\":{\"mbox\":"
		"\"mailto:ann@school.org\"}," VERB
		",\"object\":{\"id\":\"https://t.example/3.NF.A.1\"},"
		"\"result\":{\"success\":true}}");
	counts(f, 7, &ev, &q);
	assert_int_equal(ev, 0);
	assert_int_equal(q, 0);
	check_summary(f, 7);
	/* stored and voided in one batch (one transaction), on a day no other
	 * event has: the counts net out */
	post(f, "[{\"id\":\"cccccccc-aaaa-4aaa-8aaa-aaaaaaaaaaaa\",\"actor\":{\"mbox\":"
		"\"mailto:ann@school.org\"}," VERB
		",\"object\":{\"id\":\"https://t.example/3.NF.A.1\"},"
		"\"result\":{\"success\":true},\"timestamp\":\"2025-01-15T10:00:00Z\"},"
		"{\"actor\":{\"mbox\":\"mailto:ann@school.org\"},\"verb\":{\"id\":"
		"\"http://adlnet.gov/expapi/verbs/"
		"voided\"},\"object\":{\"objectType\":\"StatementRef\","
		"\"id\":\"cccccccc-aaaa-4aaa-8aaa-aaaaaaaaaaaa\"}}]");
	counts(f, 7, &ev, &q);
	assert_int_equal(ev, 0);
	check_summary(f, 7);
	int64_t day_events = -1;
	assert_int_equal(db_get_int(f->db,
				    "SELECT coalesce(sum(events), 0) FROM tool_day"
				    " WHERE district_id = ?1 AND tool_id = 7",
				    DB_ARGS(DB_INT(f->district)), &day_events),
			 EB_OK);
	assert_int_equal(day_events, 0);
	struct activity_tool_data td;
	assert_int_equal(activity_tool_data(f->db, f->district, 7, time(NULL), &td), EB_OK);
	assert_int_equal(td.statements, 6);
	assert_int_equal(td.students, 1); /* matched once, before the voiding */
}

/* Statements kept and written together (activity_stmts_*): each row with
 * its refs under its own seq, a ref named twice stored once, a second
 * batch's row under an id stored meanwhile refused whole (EB_EEXIST, its
 * id still pending for the caller's message). */
static void test_statements_kept_together(void **state)
{
	struct fx *f = *state;
	static const char hash[] =
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
	const struct activity_ref refs[] = {
		{ "agent", "mbox:mailto:ann@school.org", 0 },
		{ "activity", "https://t.example/a", 0 },
		{ "agent", "mbox:mailto:ann@school.org", 0 }, /* again */
		{ "agent", "mbox:mailto:ann@school.org", 1 },
	};
	struct activity_stmts *b = activity_stmts_new(f->district, 7);
	assert_non_null(b);
	assert_int_equal(db_begin(f->db), EB_OK);
	char ids[3][40];
	for (int i = 0; i < 3; i++) {
		snprintf(ids[i], sizeof ids[i], "dddddddd-aaaa-4aaa-8aaa-00000000000%d", i);
		struct activity_statement as = {
			.id = ids[i],
			.json = "{}",
			.content_hash = hash,
			.stored_ms = 1700000000000,
			.verb = "http://adlnet.gov/expapi/verbs/answered",
			.refs = refs,
			.nrefs = i == 1 ? 4 : 2,
			.new_id = true,
		};
		assert_int_equal(activity_stmts_keep(f->db, b, &as), EB_OK);
	}
	assert_int_equal(activity_stmts_pending(b), 3);
	assert_int_equal(activity_stmts_flush(f->db, b), EB_OK);
	assert_int_equal(activity_stmts_pending(b), 0);
	assert_int_equal(db_commit(f->db), EB_OK);
	struct db_stmt *st;
	assert_int_equal(
		db_query(f->db,
			 "SELECT s.id, count(r.seq) FROM xapi_statement s"
			 " LEFT JOIN xapi_statement_ref r ON r.district_id = s.district_id"
			 " AND r.tool_id = s.tool_id AND r.seq = s.seq WHERE s.district_id = ?1"
			 " AND s.tool_id = 7 GROUP BY s.id ORDER BY s.id",
			 DB_ARGS(DB_INT(f->district)), &st),
		EB_OK);
	int n = 0;
	for (; db_next(st); n++) {
		assert_string_equal(db_col_text(st, 0), ids[n]);
		assert_int_equal(db_col_int(st, 1), n == 1 ? 3 : 2);
	}
	assert_int_equal(db_done(st), EB_OK);
	assert_int_equal(n, 3);
	/* an id stored already: the batch's rows are not written */
	assert_int_equal(db_begin(f->db), EB_OK);
	struct activity_statement again = {
		.id = "eeeeeeee-aaaa-4aaa-8aaa-000000000000",
		.json = "{}",
		.content_hash = hash,
		.stored_ms = 1700000000000,
		.verb = "v",
		.new_id = true,
	};
	assert_int_equal(activity_stmts_keep(f->db, b, &again), EB_OK);
	again.id = ids[2];
	assert_int_equal(activity_stmts_keep(f->db, b, &again), EB_OK);
	assert_int_equal(activity_stmts_flush(f->db, b), EB_EEXIST);
	assert_int_equal(activity_stmts_pending(b), 2);
	assert_string_equal(activity_stmts_id(b, 1), ids[2]);
	db_rollback(f->db);
	int64_t v = -1;
	assert_int_equal(db_get_int(f->db, "SELECT count(*) FROM xapi_statement", DB_NOARGS, &v),
			 EB_OK);
	assert_int_equal(v, 3);
	/* a ref left by a statement deleted without it, under the seq SQLite
	 * gives again: the new statement is stored all the same */
	assert_int_equal(db_execute(f->db, "DELETE FROM xapi_statement WHERE id = ?1",
				    DB_ARGS(DB_TEXT(ids[2])), NULL),
			 EB_OK);
	activity_stmts_free(b); /* what a failed flush leaves is not for the next transaction */
	b = activity_stmts_new(f->district, 7);
	assert_non_null(b);
	assert_int_equal(db_begin(f->db), EB_OK);
	again.id = "ffffffff-aaaa-4aaa-8aaa-000000000000";
	again.refs = refs;
	again.nrefs = 2;
	assert_int_equal(activity_stmts_keep(f->db, b, &again), EB_OK);
	assert_int_equal(activity_stmts_flush(f->db, b), EB_OK);
	assert_int_equal(db_commit(f->db), EB_OK);
	assert_int_equal(
		db_get_int(f->db,
			   "SELECT count(*) FROM xapi_statement s JOIN xapi_statement_ref r"
			   " ON r.seq = s.seq WHERE s.id = ?1",
			   DB_ARGS(DB_TEXT(again.id)), &v),
		EB_OK);
	assert_int_equal(v, 2);
	/* a hash that is not 64 hex digits */
	again.content_hash = "xyz";
	assert_int_equal(activity_stmts_keep(f->db, b, &again), EB_EINVAL);
	activity_stmts_free(b);
}

static void test_event_record_direct(void **state)
{
	struct fx *f = *state;
	add_person(f, "s9", "student", NULL, NULL);
	struct learning_event_in ev = {
		.actor_key = "csv:s9",
		.match_name = "s9",
		.activity_id = "item-1",
		.standard_code = "K.CC.A.1",
		.item_id = "item-1",
		.correct = 1,
		.score = 1.5,
		.duration_s = 12,
		.occurred_at = 1700000000,
		.source = "csv",
	};
	bool quarantined = true;
	assert_int_equal(activity_event_record(f->db, f->district, 3, &ev, &quarantined), EB_OK);
	assert_false(quarantined);
	char buf[128];
	assert_string_equal(event_standard(f, "s9", buf, sizeof buf), "K.CC.A.1 1 1.00 12.0");
	ev.match_name = "nobody";
	assert_int_equal(activity_event_record(f->db, f->district, 3, &ev, &quarantined), EB_OK);
	assert_true(quarantined);
	/* events of today count on today's bar; the 2023 event does not */
	ev.match_name = "s9";
	ev.occurred_at = time(NULL);
	assert_int_equal(activity_event_record(f->db, f->district, 3, &ev, &quarantined), EB_OK);
	struct activity_tool_data td;
	assert_int_equal(activity_tool_data(f->db, f->district, 3, time(NULL), &td), EB_OK);
	assert_int_equal(td.events, 2);
	assert_int_equal(td.quarantined, 1);
	assert_int_equal(td.per_day[ACTIVITY_DAYS - 1], 1);
	check_summary(f, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ccss_extract),
		cmocka_unit_test_setup_teardown(test_match_and_quarantine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voiding_removes_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_record_direct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statements_kept_together, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
