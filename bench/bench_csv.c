/* bench_csv.c - vendor CSV rows imported per second: a generated 100,000-row
 * export in the sim-quiz shape (1,000 roster students, 2% unknown and so
 * quarantined) validated and stored through csvp_import into a fresh
 * temporary SQLite database, three times. Prints the median:
 *   vendor_csv_rows_per_s: N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "domain/district.h"
#include "ingest/csv_profile.h"
#include "store/db.h"

#define ROWS 100000
#define STUDENTS 1000
#define RUNS 3

static const char *const codes[] = { "3.OA.A.1",  "3.OA.A.2",  "3.NF.A.1", "3.NF.A.2a",
				     "4.NBT.B.4", "4.NF.B.3a", "5.NF.A.1", "5.NBT.A.1" };

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

static double one_run(const char *text, size_t len)
{
	char path[64] = "/tmp/bench_csv_XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	unlink(path);
	struct db *db;
	char err[256];
	int64_t district;
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Bench", &district)) {
		fprintf(stderr, "bench_csv: cannot open a database: %s\n", err);
		exit(1);
	}
	db_begin(db);
	for (int i = 0; i < STUDENTS; i++) {
		char sid[32], user[32];
		snprintf(sid, sizeof sid, "stu-%d", i);
		snprintf(user, sizeof user, "student.%d", i);
		db_execute(
			db,
			"INSERT INTO person (district_id, sourced_id, org_sourced_ids, role,"
			" username, given_name, family_name) VALUES (?1, ?2, 'sch', 'student', ?3,"
			" 'G', 'F')",
			DB_ARGS(DB_INT(district), DB_TEXT(sid), DB_TEXT(user)), NULL);
	}
	db_commit(db);
	char *copy = malloc(len);
	memcpy(copy, text, len);
	struct csvp_report *rep = malloc(sizeof *rep);
	double t0 = time_mono();
	enum eb_err rc =
		csvp_import(db, district, 1, csvp_find("sim-quiz"), "bench.csv", copy, len, rep);
	double dt = time_mono() - t0;
	if (rc || rep->rows != ROWS || rep->events + rep->quarantined != ROWS) {
		fprintf(stderr, "bench_csv: import failed: %s (%s)\n", eb_strerror(rc),
			rep->nerrors ? rep->errors[0] : "");
		exit(1);
	}
	free(rep);
	free(copy);
	db_close(db);
	cleanup(path);
	return ROWS / dt;
}

int main(void)
{
	struct buf b;
	buf_init(&b, (size_t)64 << 20);
	buf_puts(&b, "student_id,item_id,standard,correct,score,date\r\n");
	for (int i = 0; i < ROWS; i++) {
		int s = (i * 7919) % STUDENTS;
		const char *code = codes[i % 8];
		int correct = (i * 31) % 5 != 0;
		if (i % 50 == 0)
			s = STUDENTS + i; /* not in the roster: quarantined */
		buf_printf(&b, "stu-%d,quiz-%s-%02d,%s,%d,%d,%02d/%02d/2026\r\n", s, code, i % 40,
			   code, correct, correct ? 1 + (i % 4 == 3) : 0, 9 + (i / 30000),
			   1 + i % 28);
	}
	if (buf_failed(&b)) {
		fprintf(stderr, "bench_csv: out of memory\n");
		return 1;
	}
	size_t len = b.len;
	double v[RUNS];
	for (int r = 0; r < RUNS; r++)
		v[r] = one_run(buf_cstr(&b), len);
	qsort(v, RUNS, sizeof v[0], cmp_double);
	printf("vendor_csv_rows_per_s: %.0f\n", v[RUNS / 2]);
	buf_free(&b);
	return 0;
}
