/* Unit tests of the support reports (domain/ticket_report) against a small
 * fixture computed by hand: seven tickets of two tools at two schools, one
 * merged into another and one filed before the period (both left out);
 * times to first response and to resolution (less the time waiting on the
 * reporter) by tool, tier and school, their medians and 90th percentiles;
 * tickets per 100 active students, district-wide and of one school; the
 * tickets the knowledge base deflected. */
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

#include "domain/district.h"
#include "domain/ticket_report.h"
#include "domain/tools.h"
#include "store/db.h"

#define H 3600.0
#define T0 1800000000 /* the period: [T0, T0 + 7 days) */
#define T1 (T0 + 7 * 86400)

struct fx {
	char path[64];
	struct db *db;
	int64_t d, a, b;
	struct arena arena;
};

static const struct audit_actor actor = { 1, "it", "127.0.0.1" };

static void exec(struct fx *f, const char *sql)
{
	assert_int_equal(db_execute(f->db, sql, DB_ARGS(DB_INT(f->d)), NULL), EB_OK);
}

/* a ticket filed at created with its times in hours after it (<0: none) */
static void ticket(struct fx *f, int64_t tool, const char *school, const char *tier,
		   int64_t created, double resp_h, double res_h, double paused_h, int64_t merged)
{
	assert_int_equal(
		db_execute(f->db,
			   "INSERT INTO ticket(district_id, tool_id, school_sid, reporter_id,"
			   " reporter_role, reporter_name, title, tier, tier_since, created_at,"
			   " updated_at, first_response_at, resolved_at, paused_s, merged_into)"
			   " VALUES(?1, ?2, ?3, 1, 'teacher', 'T', 'x', ?4, ?5, ?5, ?5, ?6, ?7, ?8,"
			   " ?9)",
			   DB_ARGS(DB_INT(f->d), DB_INT(tool), DB_TEXT(school), DB_TEXT(tier),
				   DB_INT(created), DB_INT_IF(resp_h >= 0, created + resp_h * H),
				   DB_INT_IF(res_h >= 0, created + res_h * H), DB_INT(paused_h * H),
				   DB_INT_IF(merged > 0, merged)),
			   NULL),
		EB_OK);
}

static int64_t make_tool(struct fx *f, const char *name)
{
	struct tool t;
	tools_defaults(&t);
	snprintf(t.name, sizeof t.name, "%s", name);
	int64_t id = 0;
	if (tools_create(f->db, f->d, &t, TOOL_UNDER_REVIEW, 0, &actor, "test", &id))
		return 0;
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_ticket_report_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d))
		return -1;
	f->a = make_tool(f, "MathWorld");
	f->b = make_tool(f, "FractionLab");
	arena_init(&f->arena);
	*state = f;
	exec(f, "INSERT INTO org(district_id, sourced_id, name, type) VALUES"
		"(?1, 's1', 'Alder Elementary', 'school'), (?1, 's2', 'Birch Middle', 'school')");
	/* MathWorld: T1 champion 1h/4h; T2 IT 2h/10h less 2h waiting; T3 IT 3h/-;
	 * T4 vendor at s2 4h/6h; a duplicate merged into T1 and one filed
	 * before the period, both left out. FractionLab: T7 at s2, nothing yet. */
	ticket(f, f->a, "s1", "champion", T0 + 100, 1, 4, 0, 0);
	ticket(f, f->a, "s1", "it", T0 + 200, 2, 10, 2, 0);
	ticket(f, f->a, "s1", "it", T0 + 300, 3, -1, 0, 0);
	ticket(f, f->a, "s2", "vendor", T0 + 400, 4, 6, 0, 0);
	ticket(f, f->a, "s1", "champion", T0 + 500, 9, 9, 0, 1);
	ticket(f, f->a, "s1", "champion", T0 - 100, 9, 9, 0, 0);
	ticket(f, f->b, "s2", "champion", T0 + 600, -1, -1, 0, 0);
	/* 8 students have used MathWorld, 3 of them enrolled at s1 */
	/* (the statement cache is keyed by the SQL's address: static SQL only) */
	for (int i = 1; i <= 8; i++) {
		char sid[16];
		snprintf(sid, sizeof sid, "stu-%d", i);
		assert_int_equal(db_execute(f->db, "INSERT INTO tool_student VALUES(?1, ?2, ?3)",
					    DB_ARGS(DB_INT(f->d), DB_INT(f->a), DB_TEXT(sid)),
					    NULL),
				 EB_OK);
	}
	exec(f, "INSERT INTO enrollment(district_id, sourced_id, class_sourced_id,"
		" school_sourced_id, user_sourced_id, role) VALUES"
		"(?1, 'e1', 'c1', 's1', 'stu-1', 'student'), (?1, 'e2', 'c1', 's1', 'stu-2', "
		"'student'),"
		"(?1, 'e3', 'c2', 's1', 'stu-3', 'student'), (?1, 'e4', 'c3', 's2', 'stu-4', "
		"'student'),"
		"(?1, 'e5', 'c1', 's1', 'tch-1', 'teacher')");
	/* one ticket MathWorld's knowledge base deflected in the period */
	assert_int_equal(
		db_execute(f->db,
			   "INSERT INTO kb_article(district_id, tool_id, title, symptom, fix,"
			   " audience, status, author_account_id, author_name, created_at,"
			   " updated_at) VALUES(?1, ?2, 't', 's', 'f', 'everyone', 'published', 1,"
			   " 'a', 0, 0)",
			   DB_ARGS(DB_INT(f->d), DB_INT(f->a)), NULL),
		EB_OK);
	assert_int_equal(db_execute(f->db,
				    "INSERT INTO kb_mark VALUES(?1, 1, 5, 1, 1, ?2, ?3),"
				    " (?1, 1, 6, 1, 0, ?2, ?3)",
				    DB_ARGS(DB_INT(f->d), DB_INT(f->a), DB_INT(T0 + 50)), NULL),
			 EB_OK);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->arena);
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

#define NEAR(x, want) assert_true(fabs((x) - (want)) < 1e-6)

static void quantiles_by_hand(void **state)
{
	double v[] = { 4, 1, 3, 2 };
	NEAR(ticket_report_quantile(v, 4, 0.5), 2.5);
	NEAR(ticket_report_quantile(v, 4, 0.9), 3.7);
	double one[] = { 7 };
	NEAR(ticket_report_quantile(one, 1, 0.9), 7);
	NEAR(ticket_report_quantile(NULL, 0, 0.5), -1);
	double w[] = { 8, 2, 4 };
	NEAR(ticket_report_quantile(w, 3, 0.9), 7.2);
}

static void times_by_tool_tier_school(void **state)
{
	struct fx *f = *state;
	struct ticket_report_row *r;
	size_t n;
	assert_int_equal(ticket_report_times(f->db, f->d, T0, T1, NULL, TICKET_REPORT_TOOL,
					     &f->arena, &r, &n),
			 EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].label, "FractionLab");
	assert_int_equal(r[0].tickets, 1);
	assert_int_equal(r[0].responded, 0);
	NEAR(r[0].response_median, -1);
	NEAR(r[0].resolve_p90, -1);
	assert_string_equal(r[1].label, "MathWorld");
	assert_int_equal(r[1].tickets, 4);
	assert_int_equal(r[1].responded, 4);
	assert_int_equal(r[1].resolved, 3);
	NEAR(r[1].response_median, 2.5 * H); /* 1 2 3 4 hours */
	NEAR(r[1].response_p90, 3.7 * H);
	NEAR(r[1].resolve_median, 6 * H); /* 4, 10 - 2 waiting, 6 hours */
	NEAR(r[1].resolve_p90, 7.6 * H);

	assert_int_equal(ticket_report_times(f->db, f->d, T0, T1, NULL, TICKET_REPORT_TIER,
					     &f->arena, &r, &n),
			 EB_OK);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].key, "champion");
	assert_int_equal(r[0].tickets, 2);
	NEAR(r[0].response_median, 1 * H);
	NEAR(r[0].resolve_median, 4 * H);
	assert_string_equal(r[1].key, "it");
	assert_int_equal(r[1].tickets, 2);
	NEAR(r[1].response_median, 2.5 * H);
	NEAR(r[1].response_p90, 2.9 * H);
	NEAR(r[1].resolve_median, 8 * H);
	assert_string_equal(r[2].key, "vendor");
	NEAR(r[2].response_p90, 4 * H);
	NEAR(r[2].resolve_p90, 6 * H);

	assert_int_equal(ticket_report_times(f->db, f->d, T0, T1, NULL, TICKET_REPORT_SCHOOL,
					     &f->arena, &r, &n),
			 EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].label, "Alder Elementary");
	assert_int_equal(r[0].tickets, 3);
	NEAR(r[0].response_median, 2 * H);
	NEAR(r[0].response_p90, 2.8 * H);
	NEAR(r[0].resolve_median, 6 * H);
	NEAR(r[0].resolve_p90, 7.6 * H);
	assert_string_equal(r[1].label, "Birch Middle");
	assert_int_equal(r[1].tickets, 2);

	/* one school's report, and an empty period */
	assert_int_equal(ticket_report_times(f->db, f->d, T0, T1, "s2", TICKET_REPORT_TOOL,
					     &f->arena, &r, &n),
			 EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[1].tickets, 1);
	NEAR(r[1].resolve_median, 6 * H);
	assert_int_equal(ticket_report_times(f->db, f->d, T1, T1 + 86400, NULL, TICKET_REPORT_TOOL,
					     &f->arena, &r, &n),
			 EB_OK);
	assert_int_equal(n, 0);
}

static void tickets_per_100_active_students(void **state)
{
	struct fx *f = *state;
	struct ticket_report_load *l;
	size_t n;
	assert_int_equal(ticket_report_load(f->db, f->d, T0, T1, NULL, &f->arena, &l, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(l[0].tool_name, "FractionLab");
	assert_int_equal(l[0].tickets, 1);
	assert_int_equal(l[0].active_students, 0);
	NEAR(l[0].per_100, -1);
	assert_int_equal(l[0].deflected, 0);
	assert_string_equal(l[1].tool_name, "MathWorld");
	assert_int_equal(l[1].tickets, 4);
	assert_int_equal(l[1].active_students, 8);
	NEAR(l[1].per_100, 50);
	assert_int_equal(l[1].deflected, 1);
	/* at s1: 3 tickets, 3 of the tool's students enrolled there */
	assert_int_equal(ticket_report_load(f->db, f->d, T0, T1, "s1", &f->arena, &l, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(l[0].tickets, 3);
	assert_int_equal(l[0].active_students, 3);
	NEAR(l[0].per_100, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quantiles_by_hand),
		cmocka_unit_test_setup_teardown(times_by_tool_tier_school, setup, teardown),
		cmocka_unit_test_setup_teardown(tickets_per_100_active_students, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
