/* bench_device_import.c - the device inventory import (issue 14): a
 * generated 50,000-row Google Admin ChromeOS device export (20 schools by
 * Annotated Location, every row with an asset tag, serial, model, org unit,
 * recent user, last sync and update expiration) through device_csv_import
 * into a fresh temporary SQLite database, five times (all new devices), and
 * the same file again into the filled one (every row an update). Prints
 * the medians (target: 50,000 rows <= 5 s):
 *   device_import_50k_s: S
 *   device_reimport_50k_s: S
 *   device_import_rows_per_s: N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "ingest/device_csv.h"
#include "lib/large.h"
#include "store/db.h"

#define ROWS 50000
#define SCHOOLS 20
#define RUNS 5

static char *make_export(size_t *len)
{
	struct buf b;
	buf_init(&b, 64u << 20);
	buf_puts(&b, "Serial Number,Asset ID,Model,Status,Org Unit Path,Annotated Location,"
		     "Annotated User,Recent Users,Last Sync,Notes,Auto Update Expiration,"
		     "OS Version\n");
	static const char *const models[] = { "HP Chromebook 11 G9 EE",
					      "Lenovo 100e Chromebook Gen 3",
					      "Dell Chromebook 3110" };
	for (int i = 0; i < ROWS; i++)
		buf_printf(&b,
			   "5CD%08dX,AT-%06d,%s,%s,/Students/School %02d,School %02d,,"
			   "student.%d@bench.example,2026-09-%02dT%02d:03:11.325Z,,2029-06,"
			   "118.0.5993\n",
			   i, i, models[i % 3], i % 97 ? "ACTIVE" : "DISABLED", i % SCHOOLS,
			   i % SCHOOLS, i, 1 + i % 28, i % 24);
	if (buf_failed(&b)) {
		fprintf(stderr, "bench_device_import: the export does not fit\n");
		exit(1);
	}
	return buf_detach(&b, len);
}

static double import(struct db *db, int64_t d, const char *text, size_t len, size_t *created)
{
	char *copy = malloc(len);
	memcpy(copy, text, len);
	struct buf errs;
	buf_init(&errs, 1 << 20);
	struct device_import_report rep;
	struct audit_actor who = { 0, "bench", "" };
	double t0 = time_mono();
	enum eb_err rc = device_csv_import(db, d, &who, device_profile_find("google"), "bench.csv",
					   copy, len, time_now(), &rep, &errs);
	double s = time_mono() - t0;
	if (rc) {
		fprintf(stderr, "bench_device_import: %s\n%s", eb_strerror(rc), buf_cstr(&errs));
		exit(1);
	}
	*created = rep.created;
	buf_free(&errs);
	free(copy);
	return s;
}

int main(void)
{
	size_t len;
	char *text = make_export(&len);
	double fresh[RUNS], again[RUNS];
	for (int r = 0; r < RUNS; r++) {
		char path[64] = "/tmp/bench_device_XXXXXX";
		int fd = mkstemp(path);
		close(fd);
		unlink(path);
		struct db *db;
		char err[256];
		int64_t d;
		if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
		    district_create(db, "Bench", &d)) {
			fprintf(stderr, "bench_device_import: cannot open a database: %s\n", err);
			return 1;
		}
		db_begin(db);
		for (int i = 0; i < SCHOOLS; i++) {
			char sid[32], name[32];
			snprintf(sid, sizeof sid, "sch-%02d", i);
			snprintf(name, sizeof name, "School %02d", i);
			db_execute(db,
				   "INSERT INTO org(district_id, sourced_id, name, type)"
				   " VALUES (?1, ?2, ?3, 'school')",
				   DB_ARGS(DB_INT(d), DB_TEXT(sid), DB_TEXT(name)), NULL);
		}
		db_commit(db);
		size_t created, created2;
		fresh[r] = import(db, d, text, len, &created);
		again[r] = import(db, d, text, len, &created2);
		if (created != ROWS || created2 != 0) {
			fprintf(stderr, "bench_device_import: %zu created, then %zu\n", created,
				created2);
			return 1;
		}
		db_close(db);
		large_remove_db(path);
	}
	double fresh_s = large_quantile(fresh, RUNS, 0.5),
	       again_s = large_quantile(again, RUNS, 0.5);
	printf("device_import_50k_s: %.2f\n", fresh_s);
	printf("device_reimport_50k_s: %.2f\n", again_s);
	printf("device_import_rows_per_s: %.0f\n", ROWS / fresh_s);
	free(text);
	return 0;
}
