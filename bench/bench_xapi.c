/* bench_xapi.c - xAPI statements validated and mapped in memory per second
 * (one core), and stored through xapi_post in batches of 100 into a
 * temporary SQLite database. Prints medians of several runs:
 *   xapi_statement_bytes: N        (mean size of the statements used)
 *   xapi_validate_per_s: N         (parse + validate + map, per core: thread CPU time)
 *   xapi_json_parse_only_per_s: N  (base/json parse alone, the floor under the above)
 *   xapi_jansson_parse_only_per_s: N (jansson parse alone, for scale: the old reader)
 *   xapi_store_batch100_per_s: N   (wall clock, includes SQLite commits)
 *   xapi_db_bytes_per_statement: N (database growth per stored statement) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/district.h"
#include "base/json.h"
#include "ingest/xapi.h"
#include "ingest/xapi_map.h"
#include "ingest/xapi_store.h"
#include "ingest/xapi_validate.h"
#include "store/db.h"

#define NSTUDENTS 200

static void statement(struct buf *b, int i)
{
	buf_printf(b,
		   "{\"actor\":{\"objectType\":\"Agent\",\"name\":\"Student "
		   "%d\",\"account\":{\"homePage\":"
		   "\"https://sis.example.org\",\"name\":\"stu-%d\"}},"
		   "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/"
		   "answered\",\"display\":{\"en-US\":\"answered\"}},"
		   "\"object\":{\"objectType\":\"Activity\",\"id\":\"https://practice.example.com/"
		   "items/%d.NF.A.%d/q%d\","
		   "\"definition\":{\"name\":{\"en-US\":\"Fractions item %d\"},\"type\":"
		   "\"http://adlnet.gov/expapi/activities/"
		   "cmi.interaction\",\"interactionType\":\"choice\","
		   "\"correctResponsesPattern\":[\"b\"],\"choices\":[{\"id\":\"a\",\"description\":"
		   "{\"en-US\":\"1/2\"}},"
		   "{\"id\":\"b\",\"description\":{\"en-US\":\"3/4\"}}]}},"
		   "\"result\":{\"success\":%s,\"response\":\"b\",\"score\":{\"scaled\":%s,\"raw\":"
		   "%d,\"min\":0,\"max\":1},"
		   "\"duration\":\"PT%dS\"},"
		   "\"context\":{\"registration\":\"6f2a1c3e-8d4b-4f5a-9e7c-%012d\","
		   "\"contextActivities\":"
		   "{\"parent\":[{\"id\":\"https://practice.example.com/lessons/"
		   "%d\"}]},\"platform\":\"web\","
		   "\"language\":\"en-US\"},"
		   "\"timestamp\":\"2024-03-%02dT10:%02d:%02d.000Z\"}",
		   i % 1000, i % NSTUDENTS, 3 + i % 3, 1 + i % 3, i % 50, i % 50,
		   i % 3 ? "true" : "false", i % 3 ? "1" : "0", i % 3 ? 1 : 0, 10 + i % 90, i % 7,
		   i % 20, 1 + i % 28, i % 60, i % 60);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

/* CPU time of this thread: the per-core rate, robust on a shared machine. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double bench_validate(char **texts, size_t *lens, int n)
{
	double t0 = cpu_now();
	int done = 0;
	char err[256], scratch[640];
	struct arena a;
	arena_init(&a);
	while (cpu_now() - t0 < 0.7) {
		for (int i = 0; i < n; i++) {
			arena_reset(&a);
			struct jv_error je;
			struct jv *s = jv_parse(&a, texts[i], lens[i], &je);
			if (!s || xapi_validate_statement(&a, s, XAPI_V1, "$", err, sizeof err)) {
				fprintf(stderr, "invalid: %s\n", s ? err : je.text);
				exit(1);
			}
			struct learning_event_in ev;
			if (!xapi_map_event(s, &ev, scratch, sizeof scratch)) {
				fprintf(stderr, "not mapped\n");
				exit(1);
			}
		}
		done += n;
	}
	arena_free(&a);
	return done / (cpu_now() - t0);
}

/* Logical size of the database in bytes (pages in the file and the WAL). */
static int64_t db_bytes(struct db *db)
{
	int64_t pages = 0, size = 0;
	if (db_get_int(db, "PRAGMA page_count", DB_NOARGS, &pages) ||
	    db_get_int(db, "PRAGMA page_size", DB_NOARGS, &size))
		return 0;
	return pages * size;
}

static double bench_store(int total, int run, double *bytes_per_statement)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/bench_xapi_%d_%d.db", (int)getpid(), run);
	struct db *db;
	char err[256];
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	int64_t district;
	district_create(db, "Bench", &district);
	db_begin(db);
	for (int s = 0; s < NSTUDENTS; s++) {
		char sid[32];
		snprintf(sid, sizeof sid, "stu-%d", s);
		db_execute(db,
			   "INSERT INTO person (district_id, sourced_id, org_sourced_ids, role,"
			   " given_name, family_name) VALUES (?1, ?2, 'o', 'student', 'G', 'F')",
			   DB_ARGS(DB_INT(district), DB_TEXT(sid)), NULL);
	}
	db_commit(db);
	struct buf b = BUF_INIT;
	int64_t size0 = db_bytes(db);
	double t0 = time_mono();
	for (int i = 0; i < total; i += 100) {
		buf_reset(&b);
		buf_putc(&b, '[');
		for (int k = 0; k < 100; k++) {
			if (k)
				buf_putc(&b, ',');
			statement(&b, i + k);
		}
		buf_putc(&b, ']');
		struct xapi_result r = { 0 };
		if (xapi_post(db, district, 1, b.data, b.len, "1.0.3", &r)) {
			fprintf(stderr, "store failed: %s %s\n", eb_strerror(r.rc), r.body);
			exit(1);
		}
		xapi_result_free(&r);
	}
	double rate = total / (time_mono() - t0);
	*bytes_per_statement = (double)(db_bytes(db) - size0) / total;
	buf_free(&b);
	db_close(db);
	char p2[80];
	unlink(path);
	snprintf(p2, sizeof p2, "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof p2, "%s-shm", path);
	unlink(p2);
	return rate;
}

int main(void)
{
	enum { N = 1000, RUNS = 5 };
	char *texts[N];
	size_t lens[N];
	for (int i = 0; i < N; i++) {
		struct buf b = BUF_INIT;
		statement(&b, i);
		texts[i] = buf_detach(&b, &lens[i]);
	}
	size_t bytes = 0;
	for (int i = 0; i < N; i++)
		bytes += lens[i];
	double v[RUNS];
	for (int r = 0; r < RUNS; r++)
		v[r] = bench_validate(texts, lens, N);
	printf("xapi_statement_bytes: %zu\n", bytes / N);
	printf("xapi_validate_per_s: %.0f\n", median(v, RUNS));
	/* the JSON parse alone, for scale: the floor under the figure above */
	for (int r = 0; r < RUNS; r++) {
		double t0 = cpu_now();
		int done = 0;
		while (cpu_now() - t0 < 0.3) {
			for (int i = 0; i < N; i++)
				json_decref(json_loadb(texts[i], lens[i], JSON_REJECT_DUPLICATES,
						       NULL));
			done += N;
		}
		v[r] = done / (cpu_now() - t0);
	}
	printf("xapi_jansson_parse_only_per_s: %.0f\n", median(v, RUNS));
	struct arena a;
	arena_init(&a);
	for (int r = 0; r < RUNS; r++) {
		double t0 = cpu_now();
		int done = 0;
		struct jv_error je;
		while (cpu_now() - t0 < 0.3) {
			for (int i = 0; i < N; i++) {
				arena_reset(&a);
				if (!jv_parse(&a, texts[i], lens[i], &je))
					exit(1);
			}
			done += N;
		}
		v[r] = done / (cpu_now() - t0);
	}
	arena_free(&a);
	printf("xapi_json_parse_only_per_s: %.0f\n", median(v, RUNS));
	fflush(stdout);
	double s[3], per[3];
	for (int r = 0; r < 3; r++)
		s[r] = bench_store(10000, r, &per[r]);
	printf("xapi_store_batch100_per_s: %.0f\n", median(s, 3));
	printf("xapi_db_bytes_per_statement: %.0f\n", median(per, 3));
	for (int i = 0; i < N; i++)
		free(texts[i]);
	return 0;
}
