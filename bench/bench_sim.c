/* bench_sim.c - how long the simulator takes to build a district and write
 * it as OneRoster CSV, and how big the files are.
 *
 * usage: bench_sim [students [runs [dir]]]   (defaults 350000, 3, a temp dir)
 * Prints `name: value` lines; times are medians of the runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "sim/district.h"

static const char *const files[] = {
	"manifest.csv", "orgs.csv",  "academicSessions.csv", "courses.csv",	 "classes.csv",
	"users.csv",	"roles.csv", "enrollments.csv",	     "demographics.csv",
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int64_t students = 350000, runs = 3;
	char tmpl[] = "/tmp/bench_sim.XXXXXX";
	const char *dir = NULL;
	if (argc > 1 && cstr_to_i64(argv[1], 1, 2000000, &students)) {
		fprintf(stderr, "bench_sim: students must be 1..2000000\n");
		return 2;
	}
	if (argc > 2 && cstr_to_i64(argv[2], 1, 50, &runs)) {
		fprintf(stderr, "bench_sim: runs must be 1..50\n");
		return 2;
	}
	if (argc > 3)
		dir = argv[3];
	else if (!(dir = mkdtemp(tmpl))) {
		perror("bench_sim: mkdtemp");
		return 1;
	}

	double build[50], write[50];
	struct sim_params p;
	sim_params_scaled(&p, (int)students);
	for (int i = 0; i < runs; i++) {
		struct sim_district *d;
		double t0 = time_mono();
		enum eb_err rc = sim_district_build(&p, &d);
		double t1 = time_mono();
		if (rc) {
			fprintf(stderr, "bench_sim: build: %s\n", eb_strerror(rc));
			return 1;
		}
		rc = sim_write_oneroster_dir(d, dir);
		double t2 = time_mono();
		sim_district_free(d);
		if (rc) {
			fprintf(stderr, "bench_sim: write %s: %s\n", dir, eb_strerror(rc));
			return 1;
		}
		build[i] = t1 - t0;
		write[i] = t2 - t1;
	}
	qsort(build, (size_t)runs, sizeof(double), cmp_double);
	qsort(write, (size_t)runs, sizeof(double), cmp_double);

	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("sim_students: %lld\n", (long long)students);
	printf("sim_elementary_schools: %d\n", p.elementary_schools);
	printf("sim_middle_schools: %d\n", p.middle_schools);
	printf("sim_build_s: %.3f\n", build[runs / 2]);
	printf("sim_write_dir_s: %.3f\n", write[runs / 2]);
	printf("sim_total_s: %.3f\n", build[runs / 2] + write[runs / 2]);
	printf("sim_max_rss_mib: %.1f\n", ru.ru_maxrss / 1024.0);
	long long total = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (stat(path, &st) == 0) {
			printf("sim_bytes_%.*s: %lld\n", (int)(strcspn(files[i], ".")), files[i],
			       (long long)st.st_size);
			total += st.st_size;
		}
		if (argc <= 3)
			unlink(path);
	}
	printf("sim_bytes_total: %lld\n", total);
	if (argc <= 3)
		rmdir(dir);
	return 0;
}
