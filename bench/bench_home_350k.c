/* bench_home_350k.c - the home pages on the 350,000-student generated
 * district, end to end over HTTP.
 *
 * Builds the district through the real roster import, adds five approved
 * tools, and for the classes of TEACHERS teachers spread over the district
 * stores EVENTS learning events per student through the ingest path
 * (activity_event_record: the summaries of migration 010 and the online
 * mastery update), two weeks of them on the class grade's major clusters;
 * refits the mastery model (which writes the standards' summary the
 * district-wide homes read); gives each of those teachers, a principal of
 * the first one's school, a coordinator and an IT staff member an account
 * and a session; starts the server in-process (2 threads) and times GET
 * /home on one keep-alive connection: a warm-up pass, then ROUNDS passes.
 * Prints:
 *   home_350k_build_seconds        import + events + refit
 *   home_350k_events               learning events stored
 *   home_350k_teacher_p50_ms / _p99_ms
 *   home_350k_principal_p50_ms, _coordinator_, _itstaff_, _admin_p50_ms
 * `--students N` changes the district size (default 350000). */
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
#include "domain/activity.h"
#include "domain/district.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "ingest/oneroster.h"
#include "sim/district.h"
#include "store/db.h"
#include "web/http.h"
#include "web/router.h"

enum { TEACHERS = 40, EVENTS = 40, ROUNDS = 5, TOOLS = 5 };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The standards of grade g's major clusters (the default unit). */
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
	int64_t g;
	char two[3] = { 0 };
	if (!grades || !*grades || grades[0] == 'K' || grades[0] == 'k')
		return 0;
	two[0] = grades[0];
	two[1] = grades[1] == ',' ? '\0' : grades[1];
	return cstr_to_i64(two, 0, 8, &g) ? 3 : (int)g;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* EVENTS events for every student of the class, over the last two weeks. */
static long fill_class(struct db *db, int64_t d, const char *cid, const int64_t *tools, int64_t now,
		       uint64_t *x)
{
	struct arena a;
	arena_init(&a);
	struct roster_person_row *ps;
	struct roster_class_row c;
	size_t np;
	long n = 0;
	if (roster_class_get(db, d, cid, &a, &c) ||
	    roster_class_students(db, d, cid, &a, &ps, &np) || db_begin(db)) {
		arena_free(&a);
		return -1;
	}
	const struct standard *u[64];
	size_t nu = unit_of_grade(grade_of(c.grades), u, 64);
	for (size_t i = 0; i < np && nu; i++)
		for (int k = 0; k < EVENTS; k++) {
			char item[32], stid[96];
			uint64_t r = rnd(x);
			snprintf(item, sizeof item, "q%d", (int)(r % 50));
			snprintf(stid, sizeof stid, "%s-%s-%d", cid, ps[i].sourced_id, k);
			struct learning_event_in ev = {
				.actor_key = ps[i].sourced_id,
				.match_name = ps[i].sourced_id,
				.activity_id = item,
				.standard_code = u[(r >> 8) % nu]->code,
				.item_id = item,
				.correct = (int)((r >> 16) % 3 != 0),
				.score = -1,
				.duration_s = 60,
				.occurred_at = now - (int64_t)((r >> 24) % (14 * 86400)),
				.source = "csv",
				.statement_id = stid,
			};
			bool q;
			if (activity_event_record(db, d, tools[(r >> 40) % TOOLS], &ev, &q) || q) {
				db_rollback(db);
				arena_free(&a);
				return -1;
			}
			n++;
		}
	arena_free(&a);
	return db_commit(db) ? -1 : n;
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
	size_t got = 0, head = 0;
	long need = -1;
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

/* An account with one role and a session; false on failure. */
static bool login(struct db *db, int64_t d, const char *login, enum role r, const char *stype,
		  const char *sid, const char *person, char token[64])
{
	int64_t id;
	struct account acc;
	char csrf[64];
	return !account_create(db, d, login, login, "bench-password-350k", person, &id) &&
	       !account_add_role(db, d, id, r, stype, sid) && !account_get(db, d, id, &acc) &&
	       !session_create(db, &acc, token, csrf);
}

static void timed(int fd, const char *token, double *ms, size_t *n, size_t *bad)
{
	double t1 = time_mono();
	if (get(fd, "/home", token) != 200)
		(*bad)++;
	ms[(*n)++] = (time_mono() - t1) * 1e3;
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
	snprintf(path, sizeof path, "/tmp/bench_home_%d.db", (int)getpid());
	struct db *db;
	char err[256];
	int64_t d;
	double t0 = time_mono();
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Large", &d)) {
		printf("home_350k: skipped: %s\n", err);
		return 0;
	}
	struct sim_params sp;
	struct sim_district *sd = NULL;
	struct sim_csv_file files[SIM_CSV_FILE_COUNT];
	size_t nf = 0;
	sim_params_scaled(&sp, students);
	if (sim_district_build(&sp, &sd) || sim_write_oneroster_mem(sd, files, &nf)) {
		printf("home_350k: skipped: cannot generate the district\n");
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
		printf("home_350k: import failed: %s\n", eb_strerror(rc));
		return 1;
	}
	int64_t tools[TOOLS];
	struct audit_actor who = { 0, "cli", "" };
	for (int i = 0; i < TOOLS; i++) {
		struct tool t;
		char name[32], why[256];
		snprintf(name, sizeof name, "Bench Tool %d", i + 1);
		struct tool_form f = { .name = name };
		tools_defaults(&t);
		if (tools_validate(db, d, &f, &t, why, sizeof why) || db_begin(db) ||
		    tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "bench", &tools[i]) ||
		    tools_set_status(db, d, tools[i], TOOL_APPROVED, "bench", NULL, &who, why,
				     sizeof why) ||
		    db_commit(db)) {
			printf("home_350k: cannot add the tools\n");
			return 1;
		}
	}

	/* TEACHERS teachers spread evenly over the district, and their classes */
	static char teacher[TEACHERS][64], school[64];
	int64_t nteach = 0;
	struct db_stmt *st;
	if (db_get_int(db,
		       "SELECT count(DISTINCT user_sourced_id) FROM enrollment"
		       " WHERE district_id = ?1 AND role = 'teacher'",
		       DB_ARGS(DB_INT(d)), &nteach) ||
	    db_query(db,
		     "SELECT DISTINCT user_sourced_id FROM enrollment WHERE district_id = ?1"
		     " AND role = 'teacher' ORDER BY user_sourced_id",
		     DB_ARGS(DB_INT(d)), &st))
		return 1;
	size_t nt = 0;
	long row = 0, step = nteach / TEACHERS ? (long)(nteach / TEACHERS) : 1;
	while (nt < TEACHERS && db_next(st))
		if (row++ % step == 0)
			db_col_copy(st, 0, teacher[nt++], sizeof teacher[0]);
	if (db_done(st))
		return 1;
	int64_t now = time_now();
	uint64_t x = 88172645463325252ull;
	long events = 0;
	struct arena a;
	arena_init(&a);
	for (size_t i = 0; i < nt; i++) {
		struct roster_class_row *c;
		size_t nc;
		arena_reset(&a);
		if (roster_teacher_classes(db, d, teacher[i], &a, &c, &nc))
			return 1;
		if (i == 0 && nc)
			str_copy(school, sizeof school, c[0].school_sourced_id);
		for (size_t k = 0; k < nc; k++) {
			long n = fill_class(db, d, c[k].sourced_id, tools, now, &x);
			if (n < 0) {
				printf("home_350k: storing events failed\n");
				return 1;
			}
			events += n;
		}
	}
	arena_free(&a);
	struct mastery_refit_summary sum;
	if (mastery_refit(db, d, NULL, NULL, NULL, &sum, err, sizeof err)) {
		printf("home_350k: refit failed: %s\n", err);
		return 1;
	}
	db_analyze(db);
	double t_build = time_mono() - t0;

	static char tok[TEACHERS][64], tprin[64], tcoord[64], tit[64], tadm[64];
	char did[24], name[32];
	snprintf(did, sizeof did, "%lld", (long long)d);
	for (size_t i = 0; i < nt; i++) {
		snprintf(name, sizeof name, "teacher%zu", i);
		if (!login(db, d, name, ROLE_TEACHER, "school", school, teacher[i], tok[i]))
			return 1;
	}
	if (!login(db, d, "principal", ROLE_PRINCIPAL, "school", school, NULL, tprin) ||
	    !login(db, d, "coordinator", ROLE_COORDINATOR, "district", did, NULL, tcoord) ||
	    !login(db, d, "itstaff", ROLE_IT_STAFF, "district", did, NULL, tit) ||
	    !login(db, d, "admin", ROLE_DISTRICT_ADMIN, "district", did, NULL, tadm)) {
		printf("home_350k: cannot create the sessions\n");
		return 1;
	}
	db_exec(db, "PRAGMA optimize");
	db_close(db);

	struct http_server *srv;
	struct http_server_opts o = { 0 };
	o.bind_addr = "127.0.0.1";
	o.threads = 2;
	o.db_path = path;
	o.dispatch = router_dispatch;
	int port = 0;
	if (http_start(&o, &srv, &port)) {
		printf("home_350k: cannot start the server\n");
		return 1;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		printf("home_350k: cannot connect\n");
		return 1;
	}
	static double tms[TEACHERS * ROUNDS], pms[ROUNDS * 4], cms[ROUNDS * 4], ims[ROUNDS * 4],
		ams[ROUNDS * 4];
	size_t tn = 0, pn = 0, cn = 0, in = 0, an = 0, bad = 0, warm = 0;
	static double scratch[TEACHERS + 16];
	for (int r = 0; r <= ROUNDS; r++) {
		for (size_t i = 0; i < nt; i++)
			timed(fd, tok[i], r ? tms : scratch, r ? &tn : &warm, &bad);
		for (int k = 0; k < 4; k++) {
			timed(fd, tprin, r ? pms : scratch, r ? &pn : &warm, &bad);
			timed(fd, tcoord, r ? cms : scratch, r ? &cn : &warm, &bad);
			timed(fd, tit, r ? ims : scratch, r ? &in : &warm, &bad);
			timed(fd, tadm, r ? ams : scratch, r ? &an : &warm, &bad);
		}
		warm = 0;
	}
	close(fd);
	http_stop(srv);
	qsort(tms, tn, sizeof *tms, cmp_double);
	qsort(pms, pn, sizeof *pms, cmp_double);
	qsort(cms, cn, sizeof *cms, cmp_double);
	qsort(ims, in, sizeof *ims, cmp_double);
	qsort(ams, an, sizeof *ams, cmp_double);
	printf("home_350k_students: %d\nhome_350k_teachers_timed: %zu\nhome_350k_events: %ld\n"
	       "home_350k_build_seconds: %.1f\nhome_350k_requests: %zu\nhome_350k_non_200: %zu\n",
	       students, nt, events, t_build, tn + pn + cn + in + an, bad);
	if (tn && pn && cn && in && an)
		printf("home_350k_teacher_p50_ms: %.2f\nhome_350k_teacher_p99_ms: %.2f\n"
		       "home_350k_principal_p50_ms: %.2f\nhome_350k_coordinator_p50_ms: %.2f\n"
		       "home_350k_itstaff_p50_ms: %.2f\nhome_350k_admin_p50_ms: %.2f\n",
		       tms[tn / 2], tms[(size_t)((double)(tn - 1) * 0.99)], pms[pn / 2],
		       cms[cn / 2], ims[in / 2], ams[an / 2]);
	unlink(path);
	snprintf(p2, sizeof p2, "%s-wal", path);
	unlink(p2);
	snprintf(p2, sizeof p2, "%s-shm", path);
	unlink(p2);
	return 0;
}
