/* bench_groups.c - small groups for a class on the 350,000-student generated
 * district (issue 12: <= 20 ms), the setup of bench_class_view_350k.
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/groups.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "ingest/oneroster.h"
#include "sim/district.h"
#include "store/db.h"
#include "web/http.h"
#include "web/router.h"

enum { CLASSES = 150, ROUNDS = 4 };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The major-cluster standards of grade g (the class view's default unit). */
static size_t unit_of_grade(int g, const struct standard **out, size_t cap)
{
	size_t n = 0;
	const char *doms[32];
	size_t nd = standards_domains_of_grade(g, doms, 32);
	for (size_t i = 0; i < nd && i < 32; i++) {
		const struct standard *cl[32];
		size_t nc = standards_clusters_of(g, doms[i], cl, 32);
		for (size_t j = 0; j < nc && j < 32; j++) {
			if (cl[j]->emphasis != EMPHASIS_MAJOR)
				continue;
			const struct standard *ss[32];
			size_t k = standards_in_cluster(cl[j], ss, 32);
			for (size_t x = 0; x < k && x < 32 && n < cap; x++)
				out[n++] = ss[x];
		}
	}
	return n;
}

static int grade_of(const char *grades)
{
	if (!grades || !*grades)
		return 3;
	if (grades[0] == 'K' || grades[0] == 'k')
		return 0;
	int64_t g;
	char two[3] = { grades[0], grades[1] == ',' ? '\0' : grades[1], '\0' };
	if (cstr_to_i64(two, 0, 12, &g))
		return 3;
	return (int)g;
}

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
		size_t nu = unit_of_grade(grade_of(ps[i].grades), u, 64), na = 0;
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

/* One GET on fd; returns the status (0 on a transport error). */
static int get(int fd, const char *path, const char *token)
{
	char req[512];
	int len = snprintf(req, sizeof req,
			   "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: eb_session=%s\r\n\r\n",
			   path, token);
	if (write(fd, req, (size_t)len) != len)
		return 0;
	static char buf[1 << 22];
	size_t got = 0;
	long need = -1;
	size_t head = 0;
	while (got < sizeof buf) {
		ssize_t r = read(fd, buf + got, sizeof buf - got - 1);
		if (r <= 0)
			return 0;
		got += (size_t)r;
		buf[got] = '\0';
		if (!head) {
			char *e = strstr(buf, "\r\n\r\n");
			if (!e)
				continue;
			head = (size_t)(e - buf) + 4;
			char *cl = strstr(buf, "\r\nContent-Length:");
			if (!cl || cl > e)
				return 0;
			need = strtol(cl + 17, NULL, 10);
		}
		if (got >= head + (size_t)need)
			break;
	}
	return (int)strtol(buf + 9, NULL, 10);
}

int main(int argc, char **argv)
{
	int students = 350000;
	if (argc > 2 && strcmp(argv[1], "--students") == 0) {
		int64_t v;
		if (cstr_to_i64(argv[2], 1000, 2000000, &v)) {
			fprintf(stderr, "--students: 1000..2000000\n");
			return 2;
		}
		students = (int)v;
	}
	char path[128], p2[160];
	snprintf(path, sizeof path, "/tmp/bench_groups_%d.db", (int)getpid());
	struct db *db;
	char err[256];
	int64_t d;
	double t0 = time_mono();
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Large", &d)) {
		printf("groups_350k: skipped: %s\n", err);
		return 0;
	}
	struct sim_params sp;
	struct sim_district *sd = NULL;
	struct sim_csv_file files[SIM_CSV_FILE_COUNT];
	size_t nf = 0;
	sim_params_scaled(&sp, students);
	if (sim_district_build(&sp, &sd) || sim_write_oneroster_mem(sd, files, &nf)) {
		printf("groups_350k: skipped: cannot generate the district\n");
		return 0;
	}
	sim_district_free(sd);
	struct oneroster_file of[SIM_CSV_FILE_COUNT];
	for (size_t i = 0; i < nf; i++) {
		of[i].name = files[i].name;
		of[i].data = files[i].data.data;
		of[i].len = files[i].data.len;
	}
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_files(db, d, of, nf, &rep);
	oneroster_report_free(&rep);
	sim_csv_files_free(files, nf);
	if (rc) {
		printf("groups_350k: import failed: %s\n", eb_strerror(rc));
		return 1;
	}
	double t_import = time_mono() - t0;

	/* CLASSES classes spread evenly over the district */
	struct db_stmt *st;
	static char cls[CLASSES][64];
	int64_t ntotal = 0;
	if (db_get_int(db, "SELECT count(*) FROM class WHERE district_id = ?1", DB_ARGS(DB_INT(d)),
		       &ntotal))
		return 1;
	if (db_query(db, "SELECT sourced_id FROM class WHERE district_id = ?1 ORDER BY sourced_id",
		     DB_ARGS(DB_INT(d)), &st))
		return 1;
	size_t ncls = 0;
	long row = 0, step = ntotal / CLASSES ? (long)(ntotal / CLASSES) : 1;
	while (ncls < CLASSES && db_next(st))
		if (row++ % step == 0)
			db_col_copy(st, 0, cls[ncls++], sizeof cls[0]);
	if (db_done(st))
		return 1;
	long records = 0;
	for (size_t i = 0; i < ncls; i++) {
		long n = fill_class(db, d, cls[i]);
		if (n < 0) {
			printf("groups_350k: mastery fill failed\n");
			return 1;
		}
		records += n;
	}
	double t_fill = time_mono() - t0 - t_import;

	/* a district admin's session */
	int64_t aid;
	struct account acc;
	char token[64], csrf[64], scope[24];
	snprintf(scope, sizeof scope, "%lld", (long long)d);
	if (account_create(db, d, "bench-admin", "Bench Admin", "bench-password-350k", NULL,
			   &aid) ||
	    account_add_role(db, d, aid, ROLE_DISTRICT_ADMIN, "district", scope) ||
	    account_get(db, d, aid, &acc) || session_create(db, &acc, token, csrf)) {
		printf("groups_350k: cannot create a session\n");
		return 1;
	}
	db_exec(db, "PRAGMA optimize");
	static double dms[CLASSES * ROUNDS];
	size_t nd = 0, ngroups = 0;
	for (int r = 0; r <= ROUNDS; r++)
		for (size_t i = 0; i < ncls; i++) {
			double ms = domain_ms(db, d, cls[i], &ngroups);
			if (r && ms >= 0)
				dms[nd++] = ms;
		}
	db_close(db);

	struct http_server *srv;
	struct http_server_opts o = { 0 };
	o.bind_addr = "127.0.0.1";
	o.threads = 2;
	o.db_path = path;
	o.dispatch = router_dispatch;
	int port = 0;
	if (http_start(&o, &srv, &port)) {
		printf("groups_350k: cannot start the server\n");
		return 1;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		printf("groups_350k: cannot connect\n");
		return 1;
	}
	static double ms[CLASSES * ROUNDS];
	size_t n = 0, bad = 0;
	for (int r = 0; r <= ROUNDS; r++)
		for (size_t i = 0; i < ncls; i++) {
			char url[128];
			snprintf(url, sizeof url, "/classes/%s/groups", cls[i]);
			double t1 = time_mono();
			int status = get(fd, url, token);
			double dt = (time_mono() - t1) * 1e3;
			if (status != 200)
				bad++;
			if (r)
				ms[n++] = dt;
		}
	close(fd);
	http_stop(srv);
	qsort(ms, n, sizeof *ms, cmp_double);
	qsort(dms, nd, sizeof *dms, cmp_double);
	printf("groups_350k_students: %d\ngroups_350k_classes: %ld\n"
	       "groups_350k_filled_classes: %zu\ngroups_350k_mastery_records: %ld\n"
	       "groups_350k_import_seconds: %.1f\ngroups_350k_fill_seconds: %.1f\n"
	       "groups_350k_groups_per_class: %.1f\n"
	       "groups_350k_requests: %zu\ngroups_350k_non_200: %zu\n",
	       students, ntotal, ncls, records, t_import, t_fill,
	       nd ? (double)ngroups / (double)(nd + ncls) : 0, n, bad);
	if (nd)
		printf("groups_350k_domain_p50_ms: %.3f\ngroups_350k_domain_p99_ms: %.3f\n",
		       dms[nd / 2], dms[(size_t)((double)(nd - 1) * 0.99)]);
	if (n)
		printf("groups_350k_p50_ms: %.3f\ngroups_350k_p99_ms: %.3f\n", ms[n / 2],
		       ms[(size_t)((double)(n - 1) * 0.99)]);
	unlink(path);
	snprintf(p2, sizeof p2, "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof p2, "%s-shm", path);
	unlink(p2);
	return 0;
}
