/* bench_observation_tally.c - the live tally of a classroom observation at
 * scale (issue 15, h15-obs; docs/observations.md): a district (bench/lib/
 * large: the generated roster, 20,000 students by default, --students N)
 * with 5,000 observations of its classes holding 40 marks each (200,000
 * marks), then, for one open observation:
 *   - the server's work per mark, as the POST handler does it
 *     (observation_get, observation_visibility, observation_mark: one
 *     write transaction), timed per mark over 2,000 marks: p50 and p99;
 *   - the undo of a mark (observation_undo), 200 times: p50 and p99;
 *   - the tally page the POST returns to (GET /observations/:id/tally over
 *     HTTP on one keep-alive connection, with the counts of 2,000+ marks):
 *     p50 and p99;
 * printed:
 *   observation_marks_stored: N
 *   observation_mark_p50_ms / observation_mark_p99_ms
 *   observation_undo_p50_ms / observation_undo_p99_ms
 *   observation_tally_page_p50_ms / observation_tally_page_p99_ms
 *   observation_errors: N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/observation.h"
#include "lib/large.h"
#include "store/db.h"

#define OBSERVATIONS 5000
#define MARKS_EACH 40
#define MARKS 2000
#define UNDOS 200
#define PAGES 300

int main(int argc, char **argv)
{
	struct large L;
	int students;
	if (argc == 1) {
		static char *def[] = { "bench_observation_tally", "--students", "20000", NULL };
		argc = 3;
		argv = def;
	}
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "observation", students))
		return 0;
	struct db *db = L.db;
	int64_t d = L.d;
	static char classes[OBSERVATIONS][64];
	int64_t nclasses = 0;
	long picked = large_pick_classes(db, d, OBSERVATIONS, classes, &nclasses);
	if (picked <= 0) {
		printf("observation: no classes\n");
		return 1;
	}
	char token[64], did[24];
	snprintf(did, sizeof did, "%lld", (long long)d);
	if (!large_login(db, d, "bench-coach", ROLE_COACH, "district", did, NULL, token)) {
		printf("observation: cannot create a session\n");
		return 1;
	}
	struct account coach;
	if (account_find_login(db, d, "bench-coach", &coach)) {
		printf("observation: no coach\n");
		return 1;
	}
	/* 5,000 closed observations over the last year, 40 marks each */
	static const char *const codes[] = { "teacher", "student", "student_student", "revoice",
					     "press",	"recall",  "procedure",	      "reasoning" };
	int64_t now = time_now();
	double t0 = time_mono();
	size_t stored = 0;
	for (int i = 0; i < OBSERVATIONS; i++) {
		if (i % 1000 == 0 && db_begin(db))
			return 1;
		int64_t at = now - 365 * 86400 + (int64_t)i * (365 * 86400 / OBSERVATIONS);
		enum eb_err e = db_execute(
			db,
			"INSERT INTO observation (district_id, observer_id, teacher_id, class_sid,"
			" started_at, closed_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)",
			DB_ARGS(DB_INT(d), DB_INT(coach.id), DB_INT(coach.id + 1 + i % 500),
				DB_TEXT(classes[i % picked]), DB_INT(at), DB_INT(at + 2400)),
			NULL);
		int64_t id = db_last_id(db);
		if (!e)
			e = db_execute(
				db,
				"INSERT INTO observation_segment (district_id, observation_id,"
				" n, started_at) VALUES (?1, ?2, 1, ?3)",
				DB_ARGS(DB_INT(d), DB_INT(id), DB_INT(at)), NULL);
		for (int k = 0; k < MARKS_EACH && !e; k++, stored++)
			e = db_execute(
				db,
				"INSERT INTO observation_mark (district_id, observation_id,"
				" segment, kind, code, who, at) VALUES (?1, ?2, 1, ?3, ?4, '',"
				" ?5)",
				DB_ARGS(DB_INT(d), DB_INT(id),
					DB_TEXT(k % 8 < 3   ? "talk"
						: k % 8 < 5 ? "move"
							    : "question"),
					DB_TEXT(codes[k % 8]), DB_INT((at + k * 30) * 1000)),
				NULL);
		if (e || (i % 1000 == 999 && db_commit(db))) {
			printf("observation: storing failed\n");
			return 1;
		}
	}
	/* the observation being tallied: open, now */
	if (db_execute(db,
		       "INSERT INTO observation (district_id, observer_id, teacher_id, class_sid,"
		       " started_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
		       DB_ARGS(DB_INT(d), DB_INT(coach.id), DB_INT(coach.id + 1),
			       DB_TEXT(classes[0]), DB_INT(now)),
		       NULL))
		return 1;
	int64_t live = db_last_id(db);
	if (db_execute(db,
		       "INSERT INTO observation_segment (district_id, observation_id, n,"
		       " started_at) VALUES (?1, ?2, 1, ?3)",
		       DB_ARGS(DB_INT(d), DB_INT(live), DB_INT(now)), NULL))
		return 1;
	db_analyze(db);
	fprintf(stderr, "observation: %zu marks stored in %.1f s\n", stored, time_mono() - t0);

	static double mark_ms[MARKS], undo_ms[UNDOS], page_ms[PAGES];
	size_t bad = 0;
	char why[OBSERVATION_WHY_CAP];
	for (int i = 0; i < MARKS; i++) {
		double a = time_mono();
		struct observation o;
		enum eb_err e = observation_get(db, d, live, &o);
		if (!e && observation_visibility(db, &coach, &o) != OBSERVATION_FULL)
			e = EB_EPERM;
		if (!e)
			e = observation_mark(db, d, live, codes[i % 8], i % 8 == 1 ? "Table 2" : "",
					     (now + i) * 1000, why, sizeof why);
		mark_ms[i] = (time_mono() - a) * 1000;
		bad += e != EB_OK;
		if (i == MARKS / 2) {
			int seg;
			bad += observation_segment_start(db, d, live, now + 600, &seg, why,
							 sizeof why) != EB_OK;
		}
	}
	for (int i = 0; i < UNDOS; i++) {
		double a = time_mono();
		bad += observation_undo(db, d, live, why, sizeof why) != EB_OK;
		undo_ms[i] = (time_mono() - a) * 1000;
	}
	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	char path[64];
	snprintf(path, sizeof path, "/observations/%lld/tally", (long long)live);
	for (int r = -10; r < PAGES; r++) {
		double a = time_mono();
		int status = large_get(fd, path, token);
		double ms = (time_mono() - a) * 1000;
		if (status != 200)
			bad++;
		if (r >= 0)
			page_ms[r] = ms;
	}
	printf("observation_marks_stored: %zu\n", stored + MARKS - UNDOS);
	printf("observation_mark_p50_ms: %.3f\n", large_quantile(mark_ms, MARKS, 0.5));
	printf("observation_mark_p99_ms: %.3f\n", large_quantile(mark_ms, MARKS, 0.99));
	printf("observation_undo_p50_ms: %.3f\n", large_quantile(undo_ms, UNDOS, 0.5));
	printf("observation_undo_p99_ms: %.3f\n", large_quantile(undo_ms, UNDOS, 0.99));
	printf("observation_tally_page_p50_ms: %.3f\n", large_quantile(page_ms, PAGES, 0.5));
	printf("observation_tally_page_p99_ms: %.3f\n", large_quantile(page_ms, PAGES, 0.99));
	printf("observation_errors: %zu\n", bad);
	large_finish(&L, srv, fd);
	return bad ? 1 : 0;
}
