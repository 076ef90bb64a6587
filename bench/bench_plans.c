/* bench_plans.c - the intervention plans list of a school on the
 * 350,000-student generated district, end to end over HTTP.
 *
 * Builds the district through the real roster import (bench/lib/large), then seeds a realistic
 * number of plans: in every school, of its students in roster order, 15 in
 * 100 are in a tier 2 group plan (three students a plan) and 5 in 100 have
 * a tier 3 plan of their own, each with a focus standard (inserted in bulk:
 * the figure is the list's, and plans_create's path is timed apart on
 * PLAN_CREATES plans through the real validation). Logs in a district admin
 * and, for SCHOOLS schools spread over the district, times GET
 * /plans?school=ID (the active plans of the school with their students'
 * names, audited as a bulk view) on one keep-alive loopback connection: a
 * warm-up pass, then ROUNDS passes. Prints:
 *   plans_350k_plans, plans_350k_students_in_plans, plans_350k_schools_timed
 *   plans_350k_seed_seconds, plans_350k_create_p50_ms
 *   plans_350k_school_list_p50_ms / _p99_ms, plans_350k_school_list_rows_mean
 * `--students N` changes the district size (default 350000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/plans.h"
#include "lib/large.h"
#include "store/db.h"

enum { SCHOOLS = 40, ROUNDS = 5, PLAN_CREATES = 50 };

static enum eb_err insert_plan(struct db *db, int64_t d, const char *school, int tier,
			       int64_t owner, char sids[][64], int n, int32_t today)
{
	static const char *const stds[] = { "4.NF.A.1", "3.NF.A.1", "5.NF.A.1", "2.OA.A.1",
					    "6.RP.A.1" };
	enum eb_err e = db_execute(
		db,
		"INSERT INTO plan(district_id,school_sourced_id,tier,strategy,owner_id,"
		"sessions_per_week,minutes_per_session,start_day,end_day,measure,baseline,goal,"
		"goal_text,checkin_every_days,next_checkin_day,created_at,updated_at) VALUES"
		"(?1,?2,?3,'small-group "
		"re-teach',?4,3,20,?5,?6,'mastery',30,80,'secure',14,?7,0,0)",
		DB_ARGS(DB_INT(d), DB_TEXT(school), DB_INT(tier), DB_INT(owner), DB_INT(today - 30),
			DB_INT(today + 60), DB_INT(today - 10 + (int)(db_last_id(db) % 20))),
		NULL);
	int64_t id = db_last_id(db);
	for (int i = 0; !e && i < n; i++)
		e = db_execute(db,
			       "INSERT INTO plan_student(district_id,plan_id,student_sourced_id)"
			       " VALUES(?1,?2,?3)",
			       DB_ARGS(DB_INT(d), DB_INT(id), DB_TEXT(sids[i])), NULL);
	if (!e)
		e = db_execute(db,
			       "INSERT INTO plan_standard(district_id,plan_id,standard_code)"
			       " VALUES(?1,?2,?3)",
			       DB_ARGS(DB_INT(d), DB_INT(id), DB_TEXT(stds[id % 5])), NULL);
	return e;
}

int main(int argc, char **argv)
{
	struct large L;
	int students;
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "plans_350k", students))
		return 0;
	struct db *db = L.db;
	int64_t d = L.d;

	/* a district admin (the owner of the seeded plans, and the viewer) */
	int64_t aid;
	struct account acc;
	char token[64];
	if (!large_admin_login(&L, token))
		return 1;
	if (account_find_login(db, d, "bench-admin", &acc)) {
		printf("plans_350k: the administrator cannot be read back\n");
		return 1;
	}
	aid = acc.id;

	/* the plans: 15 in 100 students in tier 2 groups of three, 5 in 100 tier 3 */
	double t0 = time_mono();
	int32_t today = (int32_t)(time_now() / 86400);
	struct db_stmt *st;
	static char school[64], group[3][64];
	static char schools[SCHOOLS * 8][64];
	size_t nschools = 0;
	long plans = 0, in_plans = 0, k = 0;
	int ng = 0;
	if (db_begin(db) ||
	    db_query(db,
		     "SELECT DISTINCT school_sourced_id,user_sourced_id FROM enrollment WHERE"
		     " district_id=?1 AND role='student' ORDER BY 1,2",
		     DB_ARGS(DB_INT(d)), &st))
		return 1;
	while (db_next(st)) {
		const char *s = db_col_text(st, 0);
		if (strcmp(s, school) != 0) {
			str_copy(school, sizeof school, s);
			if (nschools < sizeof schools / sizeof schools[0])
				str_copy(schools[nschools++], sizeof schools[0], s);
			k = 0;
			ng = 0;
		}
		long m = k++ % 100;
		if (m < 15) {
			str_copy(group[ng++], sizeof group[0], db_col_text(st, 1));
			if (ng == 3) {
				if (insert_plan(db, d, school, 2, aid, group, 3, today))
					return 1;
				plans++;
				in_plans += 3;
				ng = 0;
			}
		} else if (m < 20) {
			str_copy(group[0], sizeof group[0], db_col_text(st, 1));
			if (insert_plan(db, d, school, 3, aid, group, 1, today))
				return 1;
			plans++;
			in_plans++;
		}
	}
	if (db_done(st) || db_commit(db))
		return 1;
	double t_seed = time_mono() - t0;

	/* plans_create through the whole validation, PLAN_CREATES times */
	static double cms[PLAN_CREATES];
	size_t nc = 0;
	char owner[24];
	snprintf(owner, sizeof owner, "%lld", (long long)aid);
	for (int i = 0; i < PLAN_CREATES; i++) {
		char sid[64];
		struct db_stmt *q;
		if (db_query(db,
			     "SELECT user_sourced_id FROM enrollment WHERE district_id=?1 AND"
			     " role='student' LIMIT 1 OFFSET ?2",
			     DB_ARGS(DB_INT(d), DB_INT((1000 + i * 997) % (students / 2))), &q))
			break;
		sid[0] = 0;
		if (db_next(q))
			db_col_copy(q, 0, sid, sizeof sid);
		db_done(q);
		const char *sids[1] = { sid };
		struct plan_in in = { .tier = "3",
				      .students = sids,
				      .nstudents = 1,
				      .standards = "4.NF.A.1",
				      .strategy = "worked examples",
				      .owner_id = owner,
				      .sessions_per_week = "3",
				      .minutes_per_session = "20",
				      .start_date = "2026-09-07",
				      .end_date = "2026-12-18",
				      .measure = "mastery",
				      .baseline = "30",
				      .goal = "80",
				      .goal_text = "secure" };
		int64_t id;
		char why[PLAN_WHY_CAP];
		double t1 = time_mono();
		if (plans_create(db, &acc, NULL, &in, &id, why, sizeof why)) {
			printf("plans_350k: plans_create: %s\n", why);
			break;
		}
		cms[nc++] = (time_mono() - t1) * 1e3;
	}
	double create_p50 = large_quantile(cms, nc, 0.5);
	db_analyze(db);

	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	/* SCHOOLS schools spread over the district */
	size_t timed = nschools < SCHOOLS ? nschools : SCHOOLS;
	static double ms[SCHOOLS * ROUNDS];
	size_t n = 0, bad = 0, rows = 0;
	for (int r = 0; r <= ROUNDS; r++)
		for (size_t i = 0; i < timed; i++) {
			char url[160];
			snprintf(url, sizeof url, "/plans?school=%s",
				 schools[i * nschools / (timed ? timed : 1)]);
			double t1 = time_mono();
			int status = large_get(fd, url, token);
			double dt = (time_mono() - t1) * 1e3;
			if (status != 200)
				bad++;
			if (r) {
				ms[n++] = dt;
				for (const char *p = large_last_body();
				     (p = strstr(p, "<tr><td><a href=\"/plans/")); p++)
					rows++;
			}
		}
	if (getenv("BENCH_KEEP"))
		L.path[0] = '\0'; /* large_finish removes nothing */
	large_finish(&L, srv, fd);
	printf("plans_350k_students: %d\nplans_350k_plans: %ld\nplans_350k_students_in_plans: "
	       "%ld\nplans_350k_seed_seconds: %.1f\nplans_350k_schools_timed: %zu\n"
	       "plans_350k_requests: %zu\nplans_350k_non_200: %zu\n",
	       students, plans, in_plans, t_seed, timed, n, bad);
	if (nc)
		printf("plans_350k_create_p50_ms: %.3f\n", create_p50);
	if (n) {
		double p99 = large_quantile(ms, n, 0.99);
		printf("plans_350k_school_list_rows_mean: %.0f\nplans_350k_school_list_p50_ms: "
		       "%.3f\nplans_350k_school_list_p99_ms: %.3f\n",
		       (double)rows / (double)n, large_quantile(ms, n, 0.5), p99);
	}
	return 0;
}
