/* bench_student_dash.c - the student dashboard (a student's /home) and a
 * guardian's page of a child on the 350,000-student generated district, end
 * to end over HTTP.
 *
 * Builds the district through the real roster import (bench/lib/large), adds
 * TOOLS approved tools that cover the major clusters of grades K-8, and
 * for STUDENTS students spread over the district (the first student of
 * classes picked by large_pick_classes) stores EVENTS learning events each
 * through the ingest path (activity_event_record: the online mastery
 * update), on the class grade's major clusters over the last two weeks; gives
 * each a learning goal, FEEDBACK feedback rows with an answer each, and an
 * account with a session (the student role) and one for a guardian role on
 * the same child. Starts the server in-process (2 threads) and times GET
 * /home as the student (the dashboard: per class the next step and the
 * tools' links, goals, feedback, progress by unit, the reflection) and GET
 * /students/:id as the guardian (this week's update, progress chart, goals,
 * shared feedback, at-home activities, the reply box) on one keep-alive
 * connection: a warm-up pass, then ROUNDS passes. Prints:
 *   student_dash_350k_students_timed, student_dash_350k_events
 *   student_dash_350k_home_p50_ms / _p99_ms, student_dash_350k_home_kb_mean
 *   student_dash_350k_family_p50_ms / _p99_ms
 *   student_dash_350k_home_with_tool_links (dashboards with a link into a tool)
 * `--students N` changes the district size (default 350000). */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/feedback.h"
#include "domain/learning_plans.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "lib/large.h"
#include "store/db.h"

enum { STUDENTS = 40, EVENTS = 60, ROUNDS = 5, TOOLS = 3, FEEDBACK = 5 };

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The first student of class cid, with EVENTS events on the class grade's
 * unit, a goal and FEEDBACK feedback rows with an answer each; sid gets the
 * student. Returns the events stored, or -1. */
static long fill_student(struct db *db, int64_t d, const char *cid, const int64_t *tools,
			 int64_t now, uint64_t *x, char sid[64])
{
	struct arena a;
	arena_init(&a);
	struct roster_person_row *ps;
	struct roster_class_row c;
	size_t np;
	long n = -1;
	if (roster_class_get(db, d, cid, &a, &c) ||
	    roster_class_students(db, d, cid, &a, &ps, &np) || !np || db_begin(db))
		goto out;
	str_copy(sid, 64, ps[0].sourced_id);
	const struct standard *u[64];
	size_t nu = large_unit_of_grade(large_grade_of(c.grades), u, 64);
	struct audit_actor who = { 0, "cli", "" };
	char why[256] = "";
	n = 0;
	for (int k = 0; k < EVENTS && nu; k++) {
		char item[32], stid[96];
		uint64_t r = rnd(x);
		snprintf(item, sizeof item, "q%d", (int)(r % 50));
		snprintf(stid, sizeof stid, "%s-%s-%d", cid, sid, k);
		struct learning_event_in ev = {
			.actor_key = sid,
			.match_name = sid,
			.activity_id = item,
			.standard_code = u[(r >> 8) % nu]->code,
			.item_id = item,
			.correct = (int)((r >> 16) % 3 != 0),
			.score = -1,
			.duration_s = 60,
			.occurred_at = now - (int64_t)((r >> 24) % (14 * 86400)),
			.source = "csv",
			.statement_id = stid,
		};
		bool q;
		enum eb_err e = activity_event_record(db, d, tools[(r >> 40) % TOOLS], &ev, &q);
		if (e || q) {
			snprintf(why, sizeof why, "event: %s%s", eb_strerror(e),
				 q ? " (quarantined)" : "");
			goto fail;
		}
		n++;
	}
	if (db_commit(db)) {
		snprintf(why, sizeof why, "commit");
		goto fail;
	}
	/* each in a transaction of its own */
	int64_t id;
	if (nu && lplan_goal_add(db, d, &who, sid, u[0]->code, "", false, &id, why, sizeof why))
		goto fail;
	const char *one[] = { sid };
	for (int k = 0; k < FEEDBACK && nu; k++) {
		if (feedback_give(db, d, &who, "Bench Teacher", cid, one, 1, u[k % nu]->code,
				  "Show your steps on the next one, like we did in class.", k % 2,
				  "", &id, why, sizeof why) ||
		    feedback_answer_add(db, d, &who, sid, id, true, "Bench Student", "I will try.",
					why, sizeof why))
			goto fail;
	}
	goto out;
fail:
	fprintf(stderr, "student_dash_350k: %s: %s\n", cid, why[0] ? why : "an event");
	db_rollback(db);
	n = -1;
out:
	arena_free(&a);
	return n;
}

static void timed(int fd, const char *path, const char *token, double *ms, size_t *n, size_t *bad,
		  double *bytes)
{
	double t1 = time_mono();
	if (large_get(fd, path, token) != 200)
		(*bad)++;
	ms[(*n)++] = (time_mono() - t1) * 1e3;
	if (bytes)
		*bytes += (double)strlen(large_last_body());
}

int main(int argc, char **argv)
{
	struct large L;
	int students;
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "student_dash_350k", students))
		return 0;
	struct db *db = L.db;
	int64_t d = L.d;
	int64_t tools[TOOLS];
	struct audit_actor who = { 0, "cli", "" };
	/* the tools cover every major-cluster standard of grades K-8 */
	static char covers[16384];
	size_t at = 0;
	for (int g = 0; g <= 8; g++) {
		const struct standard *u[64];
		size_t nu = large_unit_of_grade(g, u, 64);
		for (size_t k = 0; k < nu && at + 32 < sizeof covers; k++)
			at += (size_t)snprintf(covers + at, sizeof covers - at, "%s%s",
					       at ? " " : "", u[k]->code);
	}
	for (int i = 0; i < TOOLS; i++) {
		struct tool t;
		char name[32], why[256];
		snprintf(name, sizeof name, "Bench Tool %d", i + 1);
		struct tool_form f = { .name = name };
		tools_defaults(&t);
		if (tools_validate(db, d, &f, &t, why, sizeof why) || db_begin(db) ||
		    tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "bench", &tools[i]) ||
		    tools_set_status(db, d, tools[i], TOOL_APPROVED, "bench", NULL, &who, why,
				     sizeof why) ||
		    db_execute(
			    db,
			    "UPDATE tool SET url='https://tool.example/', standards=?2 WHERE id=?1",
			    DB_ARGS(DB_INT(tools[i]), DB_TEXT(covers)), NULL) ||
		    db_commit(db)) {
			printf("student_dash_350k: cannot add the tools\n");
			return 1;
		}
	}
	static char classes[STUDENTS][64], sids[STUDENTS][64], tokens[STUDENTS][64],
		ftokens[STUDENTS][64];
	int64_t nclasses = 0;
	long picked = large_pick_classes(db, d, STUDENTS, classes, &nclasses);
	if (picked <= 0) {
		printf("student_dash_350k: no classes\n");
		return 1;
	}
	int64_t now = time_now();
	uint64_t x = 88172645463325252ull;
	long events = 0;
	size_t ns = 0;
	for (long i = 0; i < picked; i++) {
		long n = fill_student(db, d, classes[i], tools, now, &x, sids[ns]);
		if (n < 0) {
			fprintf(stderr, "student_dash_350k: class %s skipped\n", classes[i]);
			continue;
		}
		char login[80], scope[80];
		snprintf(login, sizeof login, "bench-student-%ld", i);
		if (!large_login(db, d, login, ROLE_STUDENT, "person", sids[ns], sids[ns],
				 tokens[ns]))
			continue;
		snprintf(login, sizeof login, "bench-family-%ld", i);
		snprintf(scope, sizeof scope, "%s", sids[ns]);
		if (!large_login(db, d, login, ROLE_GUARDIAN, "person", scope, NULL, ftokens[ns]))
			continue;
		events += n;
		ns++;
	}
	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	static double hms[STUDENTS * ROUNDS], fms[STUDENTS * ROUNDS];
	size_t hn = 0, fn = 0, bad = 0, links = 0;
	double bytes = 0;
	for (int round = -1; round < ROUNDS; round++)
		for (size_t i = 0; i < ns; i++) {
			char path[96];
			snprintf(path, sizeof path, "/students/%s", sids[i]);
			if (round < 0) { /* warm-up */
				large_get(fd, "/home", tokens[i]);
				large_get(fd, path, ftokens[i]);
				continue;
			}
			timed(fd, "/home", tokens[i], hms, &hn, &bad, &bytes);
			/* the page shows what it is timed for */
			links += strstr(large_last_body(), "https://tool.example/") != NULL;
			if (!strstr(large_last_body(), "id=\"h-dash-fb\"") ||
			    !strstr(large_last_body(), "I will try."))
				bad++;
			timed(fd, path, ftokens[i], fms, &fn, &bad, NULL);
			if (!strstr(large_last_body(), "id=\"h-fam-reply\"") ||
			    !strstr(large_last_body(), "id=\"update\""))
				bad++;
		}
	printf("student_dash_350k_students: %d\nstudent_dash_350k_students_timed: %zu\n"
	       "student_dash_350k_events: %ld\n",
	       students, ns, events);
	printf("student_dash_350k_home_p50_ms: %.2f\nstudent_dash_350k_home_p99_ms: %.2f\n",
	       large_quantile(hms, hn, 0.5), large_quantile(hms, hn, 0.99));
	printf("student_dash_350k_home_kb_mean: %.1f\n", hn ? bytes / (double)hn / 1024 : 0);
	printf("student_dash_350k_family_p50_ms: %.2f\nstudent_dash_350k_family_p99_ms: %.2f\n",
	       large_quantile(fms, fn, 0.5), large_quantile(fms, fn, 0.99));
	printf("student_dash_350k_home_with_tool_links: %zu of %zu\n", links, hn);
	printf("student_dash_350k_errors: %zu\n", bad);
	large_finish(&L, srv, fd);
	return bad ? 1 : 0;
}
