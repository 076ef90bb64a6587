/* large.c - the large generated district the benchmarks share (large.h). */
#include "large.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/district.h"
#include "ingest/oneroster.h"
#include "sim/district.h"
#include "store/db.h"
#include "web/http.h"
#include "web/router.h"

bool large_args(int argc, char **argv, int *students)
{
	*students = 350000;
	if (argc > 2 && strcmp(argv[1], "--students") == 0) {
		int64_t v;
		if (cstr_to_i64(argv[2], 1000, 2000000, &v)) {
			fprintf(stderr, "--students: 1000..2000000\n");
			return false;
		}
		*students = (int)v;
	}
	return true;
}

bool large_build(struct large *L, const char *name, int students)
{
	char err[256] = "";
	memset(L, 0, sizeof *L);
	L->name = name;
	snprintf(L->path, sizeof L->path, "/tmp/%s_%d.db", name, (int)getpid());
	if (db_open(L->path, DB_OPEN_CREATE, &L->db, err, sizeof err)) {
		printf("%s: skipped: %s\n", name, err);
		return false;
	}
	return large_build_in(L, "Large", students);
}

bool large_build_in(struct large *L, const char *district, int students)
{
	const char *name = L->name;
	L->students = students;
	double t0 = time_mono();
	if (district_create(L->db, district, &L->d)) {
		printf("%s: skipped: cannot create the district\n", name);
		return false;
	}
	struct sim_params sp;
	struct sim_district *sd = NULL;
	struct sim_csv_file files[SIM_CSV_FILE_COUNT];
	size_t nf = 0;
	sim_params_scaled(&sp, students);
	if (sim_district_build(&sp, &sd) || sim_write_oneroster_mem(sd, files, &nf)) {
		printf("%s: skipped: cannot generate the district\n", name);
		return false;
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
	enum eb_err rc = oneroster_import_files(L->db, L->d, of, nf, &rep);
	oneroster_report_free(&rep);
	sim_csv_files_free(files, nf);
	if (rc) {
		printf("%s: import failed: %s\n", name, eb_strerror(rc));
		return false;
	}
	L->import_seconds = time_mono() - t0;
	return true;
}

long large_pick_classes(struct db *db, int64_t d, size_t want, char (*out)[64], int64_t *ntotal)
{
	struct db_stmt *st;
	*ntotal = 0;
	if (db_get_int(db, "SELECT count(*) FROM class WHERE district_id = ?1", DB_ARGS(DB_INT(d)),
		       ntotal) ||
	    db_query(db, "SELECT sourced_id FROM class WHERE district_id = ?1 ORDER BY sourced_id",
		     DB_ARGS(DB_INT(d)), &st))
		return -1;
	size_t n = 0;
	int64_t row = 0, step = *ntotal / (int64_t)want ? *ntotal / (int64_t)want : 1;
	while (n < want && db_next(st))
		if (row++ % step == 0)
			db_col_copy(st, 0, out[n++], 64);
	return db_done(st) ? -1 : (long)n;
}

size_t large_unit_of_grade(int g, const struct standard **out, size_t cap)
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

int large_grade_of(const char *grades)
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

bool large_login(struct db *db, int64_t d, const char *login, enum role r, const char *stype,
		 const char *sid, const char *person, char token[64])
{
	int64_t id;
	struct account acc;
	char csrf[64];
	return !account_create(db, d, login, login, "bench-password-350k", person, &id) &&
	       !account_add_role(db, d, id, r, stype, sid) && !account_get(db, d, id, &acc) &&
	       !session_create(db, &acc, token, csrf);
}

bool large_admin_login(struct large *L, char token[64])
{
	char scope[24];
	snprintf(scope, sizeof scope, "%lld", (long long)L->d);
	if (large_login(L->db, L->d, "bench-admin", ROLE_DISTRICT_ADMIN, "district", scope, NULL,
			token))
		return true;
	printf("%s: cannot create a session\n", L->name);
	return false;
}

long large_fill_classes(struct large *L, size_t want, char (*out)[64],
			long (*fill)(struct db *db, int64_t d, const char *cid), long *records,
			int64_t *ntotal)
{
	long picked = large_pick_classes(L->db, L->d, want, out, ntotal);
	*records = 0;
	for (long i = 0; i < picked; i++) {
		long n = fill(L->db, L->d, out[i]);
		if (n < 0) {
			printf("%s: mastery fill failed\n", L->name);
			return -1;
		}
		*records += n;
	}
	return picked;
}

int large_serve(struct large *L, struct http_server **srv)
{
	db_exec(L->db, "PRAGMA optimize");
	db_close(L->db);
	L->db = NULL;
	struct http_server_opts o = { 0 };
	o.bind_addr = "127.0.0.1";
	o.threads = 2;
	o.db_path = L->path;
	o.dispatch = router_dispatch;
	int port = 0;
	if (http_start(&o, srv, &port)) {
		printf("%s: cannot start the server\n", L->name);
		return -1;
	}
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		printf("%s: cannot connect\n", L->name);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static _Thread_local char get_buf[1 << 22];
static _Thread_local size_t get_head;

const char *large_last_body(void)
{
	return get_buf + get_head;
}

int large_get(int fd, const char *path, const char *token)
{
	char req[512];
	int len = snprintf(req, sizeof req,
			   "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: eb_session=%s\r\n\r\n",
			   path, token);
	if (len < 0 || (size_t)len >= sizeof req || write(fd, req, (size_t)len) != len)
		return 0;
	char *buf = get_buf;
	size_t got = 0, head = 0;
	long need = -1;
	get_head = 0;
	get_buf[0] = '\0';
	while (got < sizeof get_buf - 1) {
		ssize_t r = read(fd, buf + got, sizeof get_buf - got - 1);
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
	get_head = head;
	return (int)strtol(buf + 9, NULL, 10);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double large_quantile(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	return v[(size_t)((double)(n - 1) * p)];
}

void large_finish(struct large *L, struct http_server *srv, int fd)
{
	if (fd >= 0)
		close(fd);
	if (srv)
		http_stop(srv);
	if (L->db)
		db_close(L->db);
	L->db = NULL;
	if (!L->path[0])
		return; /* kept */
	large_remove_db(L->path);
}

void large_remove_db(const char *path)
{
	char p[4096];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}
