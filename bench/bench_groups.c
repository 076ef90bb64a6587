/* bench_groups.c - small groups for a class on the 350,000-student generated
 * district (issue 12: <= 20 ms), the setup of bench/lib/large.
 *
 * Builds the district through the real roster import, fills mastery states
 * for every student of CLASSES classes spread over the district through the
 * domain's own write path (mastery_record, 4 responses on each standard of
 * the class grade's major clusters and on their direct prerequisites, right
 * or wrong by a per-student pattern so that classes have needs to group),
 * then times:
 *   groups_350k_domain_p50_ms / _p99_ms   groups_read_input + groups_propose
 *                                         for a class (the page's reads)
 *   groups_350k_p50_ms / groups_350k_p99_ms  GET /classes/:id/groups end to
 *                                         end over HTTP (2 server threads, one
 *                                         keep-alive connection, audited)
 * one warm-up pass, then ROUNDS passes. `--students N` changes the size. */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "domain/groups.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/standards.h"
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
		const struct standard *u[64], *all[192];
		size_t nu = large_unit_of_grade(large_grade_of(ps[i].grades), u, 64), na = 0;
		for (size_t k = 0; k < nu && na < 192; k++) {
			all[na++] = u[k];
			const struct standard *pre[16];
			size_t npre = standards_prereqs(u[k], pre, 16);
			for (size_t j = 0; j < npre && j < 16 && na < 192; j++)
				all[na++] = pre[j];
		}
		for (size_t k = 0; k < na; k++)
			for (int r = 0; r < 4; r++) {
				char item[32];
				snprintf(item, sizeof item, "q%d", (int)((i + k + (size_t)r) % 7));
				/* student i % 5 == 0 misses nearly all, == 4 nearly none */
				int right = (int)((i * 7 + k * 3 + (size_t)r) % 5) < (int)(i % 5);
				if (mastery_record(db, d, ps[i].sourced_id, all[k]->code, 1, item,
						   right, 1759300000 + (int64_t)r * 86400)) {
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

/* The page's domain reads for a class, timed: groups_read_input and
 * groups_propose on the class's default unit. */
static double domain_ms(struct db *db, int64_t d, const char *cid, size_t *ngroups)
{
	struct arena a;
	arena_init(&a);
	double t1 = time_mono();
	struct roster_person_row *ps;
	struct roster_class_row cl;
	size_t np;
	double ms = -1;
	if (roster_class_get(db, d, cid, &a, &cl) == EB_OK &&
	    roster_class_students(db, d, cid, &a, &ps, &np) == EB_OK) {
		const char **sids = arena_alloc(&a, (np ? np : 1) * sizeof *sids);
		for (size_t i = 0; sids && i < np; i++)
			sids[i] = ps[i].sourced_id;
		struct groups_unit u;
		groups_unit_pick(groups_class_grade(cl.grades), NULL, NULL, NULL, &u);
		struct groups_input in;
		struct groups_proposal pr;
		struct groups_params p = groups_params_default();
		if (sids && groups_read_input(db, d, sids, np, &u, &a, &in) == EB_OK &&
		    groups_propose(&in, &p, &a, &pr) == EB_OK) {
			ms = (time_mono() - t1) * 1e3;
			*ngroups += pr.ngroups;
		}
	}
	arena_free(&a);
	return ms;
}

int main(int argc, char **argv)
{
	struct large L;
	int students;
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "groups_350k", students))
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
	db_exec(L.db, "PRAGMA optimize");
	static double dms[CLASSES * ROUNDS];
	size_t nd = 0, ngroups = 0;
	for (int r = 0; r <= ROUNDS; r++)
		for (size_t i = 0; i < ncls; i++) {
			double ms = domain_ms(L.db, L.d, cls[i], &ngroups);
			if (r && ms >= 0)
				dms[nd++] = ms;
		}
	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	static double ms[CLASSES * ROUNDS];
	size_t n = 0, bad = 0;
	for (int r = 0; r <= ROUNDS; r++)
		for (size_t i = 0; i < ncls; i++) {
			char url[128];
			snprintf(url, sizeof url, "/classes/%.63s/groups", cls[i]);
			double t1 = time_mono();
			int status = large_get(fd, url, token);
			double dt = (time_mono() - t1) * 1e3;
			if (status != 200)
				bad++;
			if (r)
				ms[n++] = dt;
		}
	large_finish(&L, srv, fd);
	printf("groups_350k_students: %d\ngroups_350k_classes: %ld\n"
	       "groups_350k_filled_classes: %zu\ngroups_350k_mastery_records: %ld\n"
	       "groups_350k_import_seconds: %.1f\ngroups_350k_fill_seconds: %.1f\n"
	       "groups_350k_groups_per_class: %.1f\n"
	       "groups_350k_requests: %zu\ngroups_350k_non_200: %zu\n",
	       L.students, (long)ntotal, ncls, records, L.import_seconds, t_fill,
	       nd ? (double)ngroups / (double)(nd + ncls) : 0, n, bad);
	if (nd) {
		double p99 = large_quantile(dms, nd, 0.99);
		printf("groups_350k_domain_p50_ms: %.3f\ngroups_350k_domain_p99_ms: %.3f\n",
		       large_quantile(dms, nd, 0.5), p99);
	}
	if (n) {
		double p99 = large_quantile(ms, n, 0.99);
		printf("groups_350k_p50_ms: %.3f\ngroups_350k_p99_ms: %.3f\n",
		       large_quantile(ms, n, 0.5), p99);
	}
	return 0;
}
