/* bench_oneroster_sync - the generated district (bench/lib/large's size and
 * generator: sim_params_scaled, sim_district_build) served over the
 * OneRoster 1.1 REST binding by tests/http/oneroster_server.py on loopback,
 * and synced into a fresh database through oneroster_sync (token, paging by
 * 1,000, the in-memory CSV files, the one import path).
 * `--students N` (default 350000), `--runs N` (default 1).
 * Prints oneroster_sync_<n>_s (median of the runs; target <= 120 s at
 * 350,000 students), the fetch and apply parts, objects and pages. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "domain/district.h"
#include "ingest/oneroster_sync.h"
#include "lib/large.h"
#include "sim/district.h"
#include "store/db.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int students, runs = 1;
	char dir[64], url[128] = "", line[256];
	double secs[16], fetch = 0, apply = 0;
	long objects = 0, pages = 0;
	if (!large_args(argc, argv, &students))
		return 2;
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--runs"))
			runs = (int)strtol(argv[i + 1], NULL, 10);
	if (runs < 1 || runs > 16)
		runs = 1;
	if (access("tests/http/oneroster_server.py", R_OK) != 0) {
		printf("oneroster_sync: skipped: run from the repository root\n");
		return 0;
	}
	/* the roster as a OneRoster CSV export, then served over REST */
	snprintf(dir, sizeof dir, "/tmp/bench_orsync_%d", (int)getpid());
	struct sim_params sp;
	struct sim_district *sd = NULL;
	double t0 = time_mono();
	sim_params_scaled(&sp, students);
	if (sim_district_build(&sp, &sd) || sim_write_oneroster_dir(sd, dir)) {
		printf("oneroster_sync: skipped: cannot generate the district\n");
		return 1;
	}
	sim_district_free(sd);
	int pipefd[2];
	if (pipe(pipefd))
		return 1;
	pid_t srv = fork();
	if (srv == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execlp("python3", "python3", "tests/http/oneroster_server.py", "--data", dir,
		       "--prerender", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	FILE *in = fdopen(pipefd[0], "r");
	while (in && fgets(line, sizeof line, in))
		if (sscanf(line, "listening: %127s", url) == 1)
			break;
	if (!url[0]) {
		printf("oneroster_sync: skipped: the local OneRoster server did not start\n");
		kill(srv, SIGTERM);
		return 1;
	}
	printf("oneroster_sync_setup_s: %.1f (generation and the server's loading)\n",
	       time_mono() - t0);
	int ok = 0;
	for (int r = 0; r < runs; r++) {
		char path[96], err[256];
		struct db *db;
		int64_t d;
		snprintf(path, sizeof path, "/tmp/bench_orsync_%d_%d.db", (int)getpid(), r);
		if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
		    district_create(db, "Large", &d)) {
			printf("oneroster_sync: skipped: %s\n", err);
			break;
		}
		struct oneroster_rest_config cfg = { .url = url,
						     .client_id = "sis-client",
						     .client_secret = "sis-secret-1",
						     .timeout_ms = 120000 };
		struct oneroster_sync_opts o = { .rest = &cfg };
		struct oneroster_sync_result res;
		struct oneroster_report rep;
		char why[512] = "";
		oneroster_report_init(&rep);
		double t1 = time_mono();
		enum eb_err rc = oneroster_sync(db, d, &o, &res, &rep, why, sizeof why);
		secs[ok] = time_mono() - t1;
		if (rc) {
			printf("oneroster_sync: failed: %s\n", why);
			oneroster_report_print(&rep, stdout, stdout);
		} else {
			fetch = res.fetch_seconds;
			apply = res.apply_seconds;
			objects = res.total;
			pages = res.http.pages;
			ok++;
		}
		oneroster_report_free(&rep);
		db_close(db);
		large_remove_db(path);
		if (rc)
			break;
	}
	kill(srv, SIGTERM);
	waitpid(srv, NULL, 0);
	if (in)
		fclose(in);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd)) {
		/* a temporary folder left behind is not a failure of the bench */
	}
	if (!ok)
		return 1;
	qsort(secs, (size_t)ok, sizeof secs[0], cmp_double);
	printf("oneroster_sync_%d_s: %.1f (median of %d; target <= 120 s)\n", students,
	       secs[ok / 2], ok);
	printf("oneroster_sync_fetch_s: %.1f, apply_s: %.1f (last run)\n", fetch, apply);
	printf("oneroster_sync_objects: %ld in %ld pages (%.0f objects/s end to end)\n", objects,
	       pages, objects / secs[ok / 2]);
	return 0;
}
