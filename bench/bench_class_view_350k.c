/* bench_class_view_350k.c - the class mastery view on the 350,000-student
 * generated district, end to end over HTTP.
 *
 * Builds the district through the real roster import (sim_district_build,
 * sim_write_oneroster_mem, oneroster_import_files), fills mastery states
 * for every student of CLASSES classes spread over the district through the
 * domain's own write path (mastery_record, 3 responses on each standard of
 * the class grade's major clusters: the view's default unit), logs in a
 * district admin (account_create, session_create), starts the server
 * in-process (http_start + router_dispatch, 2 threads) and times GET
 * /classes/:id/mastery on one keep-alive loopback connection: one warm-up
 * pass, then ROUNDS passes. Prints:
 *   class_view_350k_build_seconds   roster import + mastery fill
 *   class_view_350k_requests        timed requests (all must answer 200)
 *   class_view_350k_p50_ms / class_view_350k_p99_ms
 * `--students N` changes the district size (default 350000). */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "lib/large.h"
#include "store/db.h"

enum { CLASSES = 150, ROUNDS = 4 };

/* Fills every student of class cid; returns the number of records. */
static long fill_class(struct db *db, int64_t d, const char *cid)
{
	struct arena a;
	arena_init(&a);
	struct roster_person_row *ps;
	size_t np;
	long n = 0;
	if (roster_class_students(db, d, cid, &a, &ps, &np) || db_begin(db)) {
		arena_free(&a);
		return -1;
	}
	for (size_t i = 0; i < np; i++) {
		const struct standard *u[64];
		size_t nu = large_unit_of_grade(large_grade_of(ps[i].grades), u, 64);
		for (size_t k = 0; k < nu; k++)
			for (int r = 0; r < 3; r++) {
				char item[32];
				snprintf(item, sizeof item, "q%d", (int)((i + k + (size_t)r) % 7));
				if (mastery_record(db, d, ps[i].sourced_id, u[k]->code, 1, item,
						   (int)((i * 3 + k + (size_t)r) % 4 != 0),
						   1759300000 + (int64_t)r * 86400)) {
					db_rollback(db);
					arena_free(&a);
					return -1;
				}
				n++;
			}
	}
	arena_free(&a);
	return db_commit(db) ? -1 : n;
}

int main(int argc, char **argv)
{
	struct large L;
	int students;
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "class_view_350k", students))
		return 0;
	double t0 = time_mono();

	/* CLASSES classes spread evenly over the district */
	static char cls[CLASSES][64];
	int64_t ntotal = 0;
	long records = 0;
	long picked = large_fill_classes(&L, CLASSES, cls, fill_class, &records, &ntotal);
	if (picked < 0)
		return 1;
	size_t ncls = (size_t)picked;
	double t_fill = time_mono() - t0;

	/* a district admin's session */
	char token[64];
	if (!large_admin_login(&L, token))
		return 1;
	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	static double ms[CLASSES * ROUNDS];
	size_t n = 0, bad = 0;
	for (int r = 0; r <= ROUNDS; r++)
		for (size_t i = 0; i < ncls; i++) {
			char url[128];
			snprintf(url, sizeof url, "/classes/%.63s/mastery", cls[i]);
			double t1 = time_mono();
			int status = large_get(fd, url, token);
			double dt = (time_mono() - t1) * 1e3;
			if (status != 200)
				bad++;
			if (r)
				ms[n++] = dt;
		}
	large_finish(&L, srv, fd);
	printf("class_view_350k_students: %d\nclass_view_350k_classes: %ld\n"
	       "class_view_350k_filled_classes: %zu\nclass_view_350k_mastery_records: %ld\n"
	       "class_view_350k_import_seconds: %.1f\nclass_view_350k_fill_seconds: %.1f\n"
	       "class_view_350k_requests: %zu\nclass_view_350k_non_200: %zu\n",
	       L.students, (long)ntotal, ncls, records, L.import_seconds, t_fill, n, bad);
	if (n) {
		double p99 = large_quantile(ms, n, 0.99);
		printf("class_view_350k_p50_ms: %.3f\nclass_view_350k_p99_ms: %.3f\n",
		       large_quantile(ms, n, 0.5), p99);
	}
	return 0;
}
