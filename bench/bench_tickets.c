/* bench_tickets.c - support tickets at scale (issue 14; docs/support.md):
 * a district (bench/lib/large: the generated roster, 20,000 students by
 * default, --students N) with 20 tools and 100,000 open tickets spread
 * over its schools and a month, then
 *   - IT's ticket list over HTTP (GET /tickets: the newest open tickets,
 *     the first page; and the next page, ?before=), timed per request on
 *     one keep-alive connection: p50 and p99;
 *   - the SLA sweep (ticket_sweep) over the 100,000 open tickets, with 1%
 *     of them past their target (1,000 escalations), then again at the same
 *     time (nothing left to do: the idempotent second run);
 * printed:
 *   tickets_open: N
 *   tickets_list_p50_ms / tickets_list_p99_ms        (GET /tickets)
 *   tickets_list_next_p50_ms / tickets_list_next_p99_ms (GET /tickets?before=)
 *   tickets_sweep_due: N
 *   tickets_sweep_seconds: S          (the run that escalates them)
 *   tickets_sweep_escalated: N
 *   tickets_sweep_again_seconds: S    (a second run at the same time)
 *   tickets_errors: N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/ticket.h"
#include "domain/tools.h"
#include "lib/large.h"
#include "store/db.h"

#define TICKETS 100000
#define TOOLS 20
#define DUE 1000 /* past their target at the sweep */
#define ROUNDS 300

static const char *const titles[] = {
	"Students see a blank page after signing in",
	"Sign-in cards do not scan",
	"Scores missing from the gradebook",
	"Audio does not play",
	"The app is very slow",
	"Assignments do not load",
};

int main(int argc, char **argv)
{
	struct large L;
	int students;
	if (argc == 1) {
		static char *def[] = { "bench_tickets", "--students", "20000", NULL };
		argc = 3;
		argv = def;
	}
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "tickets", students))
		return 0;
	struct db *db = L.db;
	int64_t d = L.d;
	struct audit_actor who = { 0, "cli", "" };
	int64_t tools[TOOLS];
	for (int i = 0; i < TOOLS; i++) {
		struct tool t;
		char name[32], why[256];
		snprintf(name, sizeof name, "Bench Tool %d", i + 1);
		struct tool_form f = { .name = name };
		tools_defaults(&t);
		if (tools_validate(db, d, &f, &t, why, sizeof why) ||
		    tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "bench", &tools[i])) {
			printf("tickets: cannot add the tools\n");
			return 1;
		}
	}
	/* the schools, for the tickets' spread */
	static char schools[512][64];
	size_t nschools = 0;
	struct db_stmt *st;
	if (db_query(db, "SELECT sourced_id FROM org WHERE district_id=?1 AND type='school'",
		     DB_ARGS(DB_INT(d)), &st))
		return 1;
	while (db_next(st) && nschools < 512)
		db_col_copy(st, 0, schools[nschools++], sizeof schools[0]);
	if (db_done(st) || !nschools) {
		printf("tickets: no schools\n");
		return 1;
	}
	char token[64], did[24];
	snprintf(did, sizeof did, "%lld", (long long)d);
	if (!large_login(db, d, "bench-it", ROLE_IT_STAFF, "district", did, NULL, token)) {
		printf("tickets: cannot create a session\n");
		return 1;
	}
	int64_t it_id = 0;
	db_get_int(db, "SELECT id FROM account WHERE district_id=?1 AND login='bench-it'",
		   DB_ARGS(DB_INT(d)), &it_id);
	/* 100,000 open tickets over the last 30 days, newest last; the first
	 * DUE of them past their target at `now`, the others due later */
	int64_t now = time_now();
	double t0 = time_mono();
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < TICKETS; i++) {
		if (i % 10000 == 0 && db_begin(db))
			return 1;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t created = now - 30 * 86400 + (int64_t)i * (30 * 86400 / TICKETS);
		int64_t due = i < DUE ? now - 60 - i : now + 3600 + (int64_t)(x % (7 * 86400));
		static const char *const status[] = { "new", "open", "escalated", "open" };
		static const char *const prio[] = { "low", "normal", "normal", "high", "urgent" };
		static const char *const tier[] = { "champion", "it", "it", "champion" };
		enum eb_err e = db_execute(
			db,
			"INSERT INTO "
			"ticket(district_id,tool_id,school_sid,reporter_id,reporter_role,"
			"reporter_name,title,priority,status,tier,tier_since,response_due,"
			"resolve_due,next_due,created_at,updated_at) VALUES(?1,?2,?3,?4,'teacher',"
			"'Bench Teacher',?5,?6,?7,?8,?9,?10,?11,?10,?9,?9)",
			DB_ARGS(DB_INT(d), DB_INT(tools[x % TOOLS]),
				DB_TEXT(schools[(x >> 8) % nschools]), DB_INT(it_id),
				DB_TEXT(titles[(x >> 16) % 6]), DB_TEXT(prio[(x >> 24) % 5]),
				DB_TEXT(status[(x >> 32) % 4]), DB_TEXT(tier[(x >> 40) % 4]),
				DB_INT(created), DB_INT(due), DB_INT(due + 86400)),
			NULL);
		if (!e)
			e = db_execute(
				db,
				"INSERT INTO ticket_reporter(district_id,ticket_id,account_id,"
				"name,role,joined_at) VALUES(?1,?2,?3,'Bench Teacher','teacher',"
				"?4)",
				DB_ARGS(DB_INT(d), DB_INT(db_last_id(db)), DB_INT(1000000 + i),
					DB_INT(created)),
				NULL);
		if (e || (i % 10000 == 9999 && db_commit(db))) {
			printf("tickets: storing failed\n");
			return 1;
		}
	}
	db_analyze(db);
	fprintf(stderr, "tickets: %d tickets stored in %.1f s\n", TICKETS, time_mono() - t0);

	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	static double ms[ROUNDS], next_ms[ROUNDS];
	size_t bad = 0;
	char before[64] = "";
	for (int r = -10; r < ROUNDS; r++) {
		double a = time_mono();
		int s = large_get(fd, "/tickets", token);
		double t = (time_mono() - a) * 1000;
		const char *body = large_last_body();
		if (s != 200 || !strstr(body, "Older tickets"))
			bad++;
		const char *m = strstr(body, "/tickets?before=");
		if (m && !before[0])
			snprintf(before, sizeof before, "%.*s", (int)strcspn(m, "\"&"), m);
		if (r >= 0)
			ms[r] = t;
		a = time_mono();
		s = large_get(fd, before[0] ? before : "/tickets?before=50000", token);
		t = (time_mono() - a) * 1000;
		if (s != 200)
			bad++;
		if (r >= 0)
			next_ms[r] = t;
	}
	/* the sweep, on a connection of its own beside the server */
	struct db *sdb;
	char err[256];
	if (db_open(L.path, 0, &sdb, err, sizeof err)) {
		printf("tickets: %s\n", err);
		return 1;
	}
	struct ticket_sweep_report rep, rep2;
	double a = time_mono();
	enum eb_err e = ticket_sweep(sdb, now, &rep);
	double sweep_s = time_mono() - a;
	a = time_mono();
	enum eb_err e2 = ticket_sweep(sdb, now, &rep2);
	double again_s = time_mono() - a;
	if (e || e2 || rep.escalated + rep.breached != DUE || rep2.escalated || rep2.breached)
		bad++;
	db_close(sdb);
	printf("tickets_students: %d\ntickets_open: %d\n", students, TICKETS);
	printf("tickets_list_p50_ms: %.2f\ntickets_list_p99_ms: %.2f\n",
	       large_quantile(ms, ROUNDS, 0.5), large_quantile(ms, ROUNDS, 0.99));
	printf("tickets_list_next_p50_ms: %.2f\ntickets_list_next_p99_ms: %.2f\n",
	       large_quantile(next_ms, ROUNDS, 0.5), large_quantile(next_ms, ROUNDS, 0.99));
	printf("tickets_sweep_due: %d\ntickets_sweep_seconds: %.3f\n", DUE, sweep_s);
	printf("tickets_sweep_escalated: %ld\n", rep.escalated + rep.breached);
	printf("tickets_sweep_again_seconds: %.4f\n", again_s);
	printf("tickets_errors: %zu\n", bad);
	large_finish(&L, srv, fd);
	return bad ? 1 : 0;
}
