/* bench_plans.c - the intervention plans list of a school on the
 * 350,000-student generated district, end to end over HTTP.
 *
 * Builds the district as bench_class_view_350k.c does (sim_district_build,
 * sim_write_oneroster_mem, oneroster_import_files), then seeds a realistic
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/plans.h"
#include "ingest/oneroster.h"
#include "sim/district.h"
#include "store/db.h"
#include "web/http.h"
#include "web/router.h"

enum { SCHOOLS = 40, ROUNDS = 5, PLAN_CREATES = 50 };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static size_t last_body_rows;

/* One GET on fd; returns the status (0 on a transport error). */
static int get(int fd, const char *path, const char *token)
{
	char req[512];
	int len = snprintf(req, sizeof req,
			   "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: eb_session=%s\r\n\r\n",
			   path, token);
	if (write(fd, req, (size_t)len) != len)
		return 0;
	static char buf[1 << 22];
	size_t got = 0;
	long need = -1;
	size_t head = 0;
	while (got < sizeof buf) {
		ssize_t r = read(fd, buf + got, sizeof buf - got - 1);
		if (r <= 0)
			return 0;
		got += (size_t)r;
		buf[got] = '\0';
		if (!head) {
			char *e = strstr(buf, "\r\n\r\n");
			if (!e)
				continue;
			head = (size_t)(e - buf) + 4;
			char *cl = strstr(buf, "\r\nContent-Length:");
			if (!cl || cl > e)
				return 0;
			need = strtol(cl + 17, NULL, 10);
		}
		if (got >= head + (size_t)need)
			break;
	}
	last_body_rows = 0;
	for (const char *p = buf + head; (p = strstr(p, "<tr><td><a href=\"/plans/")); p++)
		last_body_rows++;
	return (int)strtol(buf + 9, NULL, 10);
}

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
	int students = 350000;
	if (argc > 2 && strcmp(argv[1], "--students") == 0) {
		int64_t v;
		if (cstr_to_i64(argv[2], 1000, 2000000, &v)) {
			fprintf(stderr, "--students: 1000..2000000\n");
			return 2;
		}
		students = (int)v;
	}
	char path[128], p2[160];
	snprintf(path, sizeof path, "/tmp/bench_plans_%d.db", (int)getpid());
	struct db *db;
	char err[256];
	int64_t d;
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Large", &d)) {
		printf("plans_350k: skipped: %s\n", err);
		return 0;
	}
	struct sim_params sp;
	struct sim_district *sd = NULL;
	struct sim_csv_file files[SIM_CSV_FILE_COUNT];
	size_t nf = 0;
	sim_params_scaled(&sp, students);
	if (sim_district_build(&sp, &sd) || sim_write_oneroster_mem(sd, files, &nf)) {
		printf("plans_350k: skipped: cannot generate the district\n");
		return 0;
	}
	sim_district_free(sd);
	struct oneroster_file of[SIM_CSV_FILE_COUNT];
	for (size_t i = 0; i < nf; i++) {
		of[i].name = files[i].name;
		of[i].data = files[i].data.data;
		of[i].len = files[i].data.len;
	}
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_files(db, d, of, nf, &rep);
	oneroster_report_free(&rep);
	sim_csv_files_free(files, nf);
	if (rc) {
		printf("plans_350k: import failed: %s\n", eb_strerror(rc));
		return 1;
	}

	/* a district admin (the owner of the seeded plans, and the viewer) */
	int64_t aid;
	struct account acc;
	char token[64], csrf[64], scope[24];
	snprintf(scope, sizeof scope, "%lld", (long long)d);
	if (account_create(db, d, "bench-admin", "Bench Admin", "bench-password-350k", NULL,
			   &aid) ||
	    account_add_role(db, d, aid, ROLE_DISTRICT_ADMIN, "district", scope) ||
	    account_get(db, d, aid, &acc) || session_create(db, &acc, token, csrf)) {
		printf("plans_350k: cannot create a session\n");
		return 1;
	}

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
	qsort(cms, nc, sizeof *cms, cmp_double);
	db_analyze(db);
	db_exec(db, "PRAGMA optimize");
	db_close(db);

	struct http_server *srv;
	struct http_server_opts o = { 0 };
	o.bind_addr = "127.0.0.1";
	o.threads = 2;
	o.db_path = path;
	o.dispatch = router_dispatch;
	int port = 0;
	if (http_start(&o, &srv, &port)) {
		printf("plans_350k: cannot start the server\n");
		return 1;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		printf("plans_350k: cannot connect\n");
		return 1;
	}
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
			int status = get(fd, url, token);
			double dt = (time_mono() - t1) * 1e3;
			if (status != 200)
				bad++;
			if (r) {
				ms[n++] = dt;
				rows += last_body_rows;
			}
		}
	close(fd);
	http_stop(srv);
	qsort(ms, n, sizeof *ms, cmp_double);
	printf("plans_350k_students: %d\nplans_350k_plans: %ld\nplans_350k_students_in_plans: "
	       "%ld\nplans_350k_seed_seconds: %.1f\nplans_350k_schools_timed: %zu\n"
	       "plans_350k_requests: %zu\nplans_350k_non_200: %zu\n",
	       students, plans, in_plans, t_seed, timed, n, bad);
	if (nc)
		printf("plans_350k_create_p50_ms: %.3f\n", cms[nc / 2]);
	if (n)
		printf("plans_350k_school_list_rows_mean: %.0f\nplans_350k_school_list_p50_ms: "
		       "%.3f\nplans_350k_school_list_p99_ms: %.3f\n",
		       (double)rows / (double)n, ms[n / 2], ms[(size_t)((double)(n - 1) * 0.99)]);
	if (getenv("BENCH_KEEP"))
		return 0;
	unlink(path);
	snprintf(p2, sizeof p2, "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof p2, "%s-shm", path);
	unlink(p2);
	return 0;
}
