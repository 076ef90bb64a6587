/* bench_coaching.c - the coach's caseload page on the 350,000-student
 * generated district, end to end over HTTP.
 *
 * Builds the district through the real roster import (bench/lib/large),
 * gives TEACHERS teachers spread over the district an account, and a coach
 * a caseload of one cycle per teacher (through domain/coaching, as the
 * pages make them): phases in turn, entries (one dated today, a planned
 * one), two action steps (one overdue), a goal on a standard of the class's
 * grade with its progress points; then starts the server in-process (2
 * threads) and times GET /coaching (the caseload) and GET /home (which
 * leads with it) as the coach on one keep-alive connection: a warm-up, then
 * ROUNDS requests each. Prints:
 *   coaching_students, coaching_cycles, coaching_build_seconds
 *   coaching_caseload_p50_ms / _p99_ms   (target: p99 <= 50 ms)
 *   coaching_home_p50_ms / _p99_ms
 *   coaching_caseload_cpu_p50_ms / _p99_ms, coaching_home_cpu_...: the
 *   process's CPU per request (the in-process server and the client), which
 *   other load on the machine does not inflate
 *   coaching_non_200
 * `--students N` changes the district size (default 350000). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "domain/coaching.h"
#include "domain/groups.h"
#include "domain/roster.h"
#include "lib/large.h"
#include "store/db.h"

enum { TEACHERS = 60, ROUNDS = 300 };

static void ymd(int32_t day, char out[11])
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}

/* One cycle for the teacher's first class; false on a failure. */
static bool caseload_cycle(struct db *db, int64_t d, const struct audit_actor *coach,
			   int64_t teacher, const struct roster_class_row *c, int i, int32_t today)
{
	static const char *const phases[] = { "identify", "learn", "improve", "improve",
					      "completed" };
	char tid[24], start[11], day[11], later[11], due[11], late[11], why[COACHING_WHY_CAP];
	snprintf(tid, sizeof tid, "%lld", (long long)teacher);
	ymd(today - 30 - i % 20, start);
	ymd(today, day);
	ymd(today + 7, later);
	ymd(today + 40, due);
	ymd(today - 2, late);
	const char *tv[] = { tid }, *cv[] = { c->sourced_id };
	char title[80];
	snprintf(title, sizeof title, "Cycle %d: %s", i + 1, c->title);
	struct coaching_form f = { .title = title,
				   .started_on = start,
				   .teachers = tv,
				   .nteachers = 1,
				   .classes = cv,
				   .nclasses = 1 };
	int64_t id;
	if (coaching_cycle_create(db, d, &f, coach, &id, why, sizeof why) ||
	    coaching_entry_add(db, d, id, "kickoff", start, "15:00", "Looked at the data.", coach,
			       why, sizeof why) ||
	    coaching_entry_add(db, d, id, "debrief", i % 4 ? later : day, "15:30", "", coach, why,
			       sizeof why) ||
	    coaching_step_add(db, d, id, "Try the routine twice a week", tid, late, coach, why,
			      sizeof why) ||
	    coaching_step_add(db, d, id, "Bring student work", tid, due, coach, why, sizeof why)) {
		fprintf(stderr, "coaching: cycle: %s\n", why);
		return false;
	}
	/* a standard of the class's grade */
	const struct standard *u[16];
	size_t nu = large_unit_of_grade(large_grade_of(c->grades ? c->grades : ""), u, 16);
	if (nu) {
		struct coaching_goal_form g = { .kind = "students",
						.class_sid = c->sourced_id,
						.standards = u[i % nu]->code,
						.target = "80",
						.target_on = due,
						.confirm = true };
		if (coaching_goal_add(db, d, id, &g, start, coach, NULL, why, sizeof why)) {
			fprintf(stderr, "coaching: goal: %s\n", why);
			return false;
		}
	}
	if (strcmp(phases[i % 5], "identify") &&
	    coaching_set_phase(db, d, id, phases[i % 5], day, coach, why, sizeof why)) {
		fprintf(stderr, "coaching: phase: %s\n", why);
		return false;
	}
	return true;
}

/* The process's CPU time in ms: the server runs in this process, so a
 * request's CPU (server thread and client) is the difference, a figure the
 * machine's other load does not inflate the way it does wall time. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void timed(int fd, const char *path, const char *token, double *ms, double *cpu, size_t *n,
		  size_t *bad)
{
	double t1 = time_mono(), c1 = cpu_ms();
	if (large_get(fd, path, token) != 200)
		(*bad)++;
	ms[*n] = (time_mono() - t1) * 1e3;
	cpu[(*n)++] = cpu_ms() - c1;
}

int main(int argc, char **argv)
{
	struct large L;
	int students;
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "coaching", students))
		return 0;
	struct db *db = L.db;
	int64_t d = L.d;
	double t0 = time_mono();
	char did[24], coach_tok[64];
	snprintf(did, sizeof did, "%lld", (long long)d);
	if (!large_login(db, d, "coach", ROLE_COACH, "district", did, NULL, coach_tok)) {
		printf("coaching: cannot create the coach's session\n");
		return 1;
	}
	struct account coach_acc;
	if (account_find_login(db, d, "coach", &coach_acc))
		return 1;
	struct audit_actor coach = { coach_acc.id, "coach", "" };
	/* TEACHERS teachers spread evenly over the district */
	static char teacher[TEACHERS][64];
	int64_t nteach = 0;
	struct db_stmt *st;
	if (db_get_int(db,
		       "SELECT count(DISTINCT user_sourced_id) FROM enrollment"
		       " WHERE district_id = ?1 AND role = 'teacher'",
		       DB_ARGS(DB_INT(d)), &nteach) ||
	    db_query(db,
		     "SELECT DISTINCT user_sourced_id FROM enrollment WHERE district_id = ?1"
		     " AND role = 'teacher' ORDER BY user_sourced_id",
		     DB_ARGS(DB_INT(d)), &st))
		return 1;
	size_t nt = 0;
	long row = 0, step = nteach / TEACHERS ? (long)(nteach / TEACHERS) : 1;
	while (nt < TEACHERS && db_next(st))
		if (row++ % step == 0)
			db_col_copy(st, 0, teacher[nt++], sizeof teacher[0]);
	if (db_done(st))
		return 1;
	int32_t today = (int32_t)(time_now() / 86400);
	struct arena a;
	arena_init(&a);
	size_t cycles = 0;
	for (size_t i = 0; i < nt; i++) {
		struct roster_class_row *c;
		size_t nc;
		char login[32], tok[64];
		struct account acc;
		arena_reset(&a);
		snprintf(login, sizeof login, "teacher%zu", i);
		if (roster_teacher_classes(db, d, teacher[i], &a, &c, &nc) || !nc)
			continue;
		if (!large_login(db, d, login, ROLE_TEACHER, "school", c[0].school_sourced_id,
				 teacher[i], tok) ||
		    account_find_login(db, d, login, &acc) ||
		    !caseload_cycle(db, d, &coach, acc.id, &c[0], (int)i, today)) {
			printf("coaching: cannot build the caseload\n");
			return 1;
		}
		cycles++;
	}
	arena_free(&a);
	double t_build = L.import_seconds + time_mono() - t0;
	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	static double cms[ROUNDS], hms[ROUNDS], ccpu[ROUNDS], hcpu[ROUNDS], scratch[16], scpu[16];
	size_t cn = 0, hn = 0, bad = 0, warm = 0;
	for (int w = 0; w < 5; w++) {
		timed(fd, "/coaching", coach_tok, scratch, scpu, &warm, &bad);
		timed(fd, "/home", coach_tok, scratch, scpu, &warm, &bad);
	}
	const char *body = large_last_body();
	bool leads = body && strstr(body, "Coaching today") != NULL;
	for (int r = 0; r < ROUNDS; r++) {
		timed(fd, "/coaching", coach_tok, cms, ccpu, &cn, &bad);
		timed(fd, "/home", coach_tok, hms, hcpu, &hn, &bad);
	}
	large_finish(&L, srv, fd);
	printf("coaching_students: %d\ncoaching_cycles: %zu\ncoaching_build_seconds: %.1f\n"
	       "coaching_requests: %zu\ncoaching_non_200: %zu\ncoaching_home_leads: %d\n",
	       students, cycles, t_build, cn + hn, bad, leads);
	if (cn && hn)
		printf("coaching_caseload_p50_ms: %.2f\ncoaching_caseload_p99_ms: %.2f\n"
		       "coaching_home_p50_ms: %.2f\ncoaching_home_p99_ms: %.2f\n"
		       "coaching_caseload_cpu_p50_ms: %.2f\ncoaching_caseload_cpu_p99_ms: %.2f\n"
		       "coaching_home_cpu_p50_ms: %.2f\ncoaching_home_cpu_p99_ms: %.2f\n",
		       large_quantile(cms, cn, 0.5), large_quantile(cms, cn, 0.99),
		       large_quantile(hms, hn, 0.5), large_quantile(hms, hn, 0.99),
		       large_quantile(ccpu, cn, 0.5), large_quantile(ccpu, cn, 0.99),
		       large_quantile(hcpu, hn, 0.5), large_quantile(hcpu, hn, 0.99));
	return bad ? 1 : 0;
}
