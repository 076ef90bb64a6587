/* bench_tool_page.c - what a tool's page costs to read once the tool has
 * sent a lot: 1,000,000 learning events of 20,000 students over 400 days,
 * stored through activity_event_record (the ingest path, which keeps the
 * summaries of migration 010), then
 *   - activity_tool_data (the page: summary rows), and
 *   - the same figures counted over the events themselves (what the page did
 *     before the summaries: count, distinct students, newest, per day),
 * each timed over several runs, medians printed:
 *   tool_page_events: N
 *   tool_page_store_seconds: S          (storing them, for scale)
 *   tool_page_summary_ms: M             (activity_tool_data)
 *   tool_page_scan_ms: M                (the counting over the events)
 *   tool_page_scan_over_summary: R
 *   tool_page_summary_matches_scan: 1   (the two agree) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/district.h"
#include "store/db.h"

#define EVENTS 1000000
#define STUDENTS 20000
#define DAYS 400
#define RUNS 7

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void cleanup(const char *path)
{
	char p[96];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static int64_t one(struct db *db, const char *sql, int64_t d, int64_t a, int64_t b)
{
	struct db_stmt *st;
	int64_t v = 0;
	if (db_query(db, sql, DB_ARGS(DB_INT(d), DB_INT(1), DB_INT(a), DB_INT(b)), &st))
		return -1;
	while (db_next(st))
		v += db_col_int(st, 0) + db_col_int(st, 1);
	return db_done(st) ? -1 : v;
}

/* The page's figures over the events: what activity_tool_data read before. */
static int64_t scan(struct db *db, int64_t d, int64_t now, int64_t out[3])
{
	int64_t first = now / 86400 - (ACTIVITY_DAYS - 1);
	out[0] = one(db,
		     "SELECT count(*), 0 FROM learning_event WHERE district_id = ?1"
		     " AND tool_id = ?2 AND ?3 = ?3 AND ?4 = ?4",
		     d, 0, 0);
	out[1] = one(db,
		     "SELECT count(DISTINCT student_sourced_id), 0 FROM learning_event"
		     " WHERE district_id = ?1 AND tool_id = ?2 AND ?3 = ?3 AND ?4 = ?4",
		     d, 0, 0);
	out[2] = one(db,
		     "SELECT 0, count(*) FROM learning_event WHERE district_id = ?1"
		     " AND tool_id = ?2 AND occurred_at >= ?3 AND occurred_at < ?4",
		     d, first * 86400, (first + ACTIVITY_DAYS) * 86400);
	return one(db,
		   "SELECT max(occurred_at), 0 FROM learning_event WHERE district_id = ?1"
		   " AND tool_id = ?2 AND ?3 = ?3 AND ?4 = ?4",
		   d, 0, 0);
}

int main(void)
{
	char path[64] = "/tmp/bench_tool_page_XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	struct db *db;
	char err[256];
	int64_t d;
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Bench", &d)) {
		fprintf(stderr, "bench_tool_page: cannot open a database: %s\n", err);
		return 1;
	}
	db_begin(db);
	for (int i = 0; i < STUDENTS; i++) {
		char sid[32];
		snprintf(sid, sizeof sid, "stu-%05d", i);
		db_execute(db,
			   "INSERT INTO person (district_id, sourced_id, org_sourced_ids, role,"
			   " given_name, family_name, grades) VALUES (?1, ?2, 'sch', 'student',"
			   " 'G', 'F', '04')",
			   DB_ARGS(DB_INT(d), DB_TEXT(sid)), NULL);
	}
	db_commit(db);
	int64_t now = time_now();
	double t0 = time_mono();
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < EVENTS; i++) {
		if (i % 10000 == 0)
			db_begin(db);
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		char sid[32], item[32], stid[32];
		snprintf(sid, sizeof sid, "stu-%05d", (int)(x % STUDENTS));
		snprintf(item, sizeof item, "item-%d", (int)(x >> 20) % 300);
		snprintf(stid, sizeof stid, "ev-%d", i);
		/* usage without a standard: the ingest path without the mastery
		 * update, which is benchmarked elsewhere */
		struct learning_event_in ev = {
			.actor_key = sid,
			.match_name = sid,
			.activity_id = item,
			.item_id = item,
			.correct = -1,
			.score = -1,
			.duration_s = 60,
			.occurred_at = now - (int64_t)((x >> 32) % (DAYS * 86400)),
			.source = "csv",
			.statement_id = stid,
		};
		bool q;
		if (activity_event_record(db, d, 1, &ev, &q) || q) {
			fprintf(stderr, "bench_tool_page: storing failed\n");
			return 1;
		}
		if (i % 10000 == 9999 && db_commit(db)) {
			fprintf(stderr, "bench_tool_page: commit failed\n");
			return 1;
		}
	}
	double store_s = time_mono() - t0;
	double ts[RUNS], tn[RUNS];
	struct activity_tool_data td;
	int64_t sc[3], newest = 0;
	for (int r = 0; r < RUNS; r++) {
		double a = time_mono();
		if (activity_tool_data(db, d, 1, now, &td)) {
			fprintf(stderr, "bench_tool_page: activity_tool_data failed\n");
			return 1;
		}
		ts[r] = (time_mono() - a) * 1000;
		a = time_mono();
		newest = scan(db, d, now, sc);
		tn[r] = (time_mono() - a) * 1000;
	}
	qsort(ts, RUNS, sizeof *ts, cmp_double);
	qsort(tn, RUNS, sizeof *tn, cmp_double);
	int64_t recent = 0;
	for (int i = 0; i < ACTIVITY_DAYS; i++)
		recent += td.per_day[i];
	int match = td.events == sc[0] && td.students == sc[1] && recent == sc[2] && newest > 0;
	printf("tool_page_events: %d\n", EVENTS);
	printf("tool_page_store_seconds: %.1f\n", store_s);
	printf("tool_page_summary_ms: %.3f\n", ts[RUNS / 2]);
	printf("tool_page_scan_ms: %.1f\n", tn[RUNS / 2]);
	printf("tool_page_scan_over_summary: %.0f\n", tn[RUNS / 2] / ts[RUNS / 2]);
	printf("tool_page_summary_matches_scan: %d\n", match);
	db_close(db);
	cleanup(path);
	return match ? 0 : 1;
}
