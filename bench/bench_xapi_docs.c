/* bench_xapi_docs.c - xAPI State documents written over HTTP: PUT and POST
 * (JSON merge) of State documents on a temporary database, through the
 * server of bench/lib's large_serve shape (2 worker threads, the group
 * commit), from CONNS keep-alive loopback connections at once, each its own
 * learner and activity, alternating a PUT (replace) and a POST (merge) of
 * one of 50 states. Prints medians of RUNS runs:
 *   xapi_docs_state_writes_per_s: N   (writes answered 204 / wall seconds)
 *   xapi_docs_state_write_p50_ms: N   (client round trip)
 *   xapi_docs_state_write_p99_ms: N
 *   xapi_docs_state_get_per_s: N      (GET of one document, same connections)
 *   xapi_docs_non_2xx: N              (should be 0) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/tools.h"
#include "lib/large.h"
#include "store/db.h"
#include "web/http.h"
#include "web/router.h"

#define CONNS 8
#define WRITES 1500 /* per connection and run */
#define GETS 1500
#define RUNS 3

static int port;
static char basic[200];

struct worker {
	int id, run;
	long ok, bad;
	double *lat; /* ms, WRITES */
	double get_s;
};

static int connect_fd(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One request on fd; the status (0 on a transport error). */
static int request(int fd, const char *method, const char *path, const char *body)
{
	char head[2048], resp[8192];
	size_t blen = body ? strlen(body) : 0;
	int n = snprintf(head, sizeof head,
			 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n"
			 "X-Experience-API-Version: 1.0.3\r\n"
			 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
			 method, path, basic, blen);
	if (write(fd, head, (size_t)n) != n || (blen && write(fd, body, blen) != (ssize_t)blen))
		return 0;
	size_t got = 0;
	for (;;) {
		ssize_t r = read(fd, resp + got, sizeof resp - got - 1);
		if (r <= 0)
			return 0;
		got += (size_t)r;
		resp[got] = '\0';
		char *end = strstr(resp, "\r\n\r\n");
		if (!end)
			continue;
		char *cl = strstr(resp, "\r\nContent-Length:");
		size_t want = cl && cl < end ? (size_t)strtoul(cl + 17, NULL, 10) : 0;
		if (got >= (size_t)(end + 4 - resp) + want)
			break;
	}
	return (int)strtol(resp + 9, NULL, 10); /* "HTTP/1.1 204" */
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int fd = connect_fd();
	if (fd < 0) {
		w->bad = WRITES;
		return NULL;
	}
	/* activityId and agent (mailto:bN-R@example.org), URL-encoded */
	char base[512];
	snprintf(base, sizeof base,
		 "/xapi/activities/state?activityId=https%%3A%%2F%%2Fbench.example%%2Fact%%2F%d"
		 "&agent=%%7B%%22mbox%%22%%3A%%22mailto%%3Ab%d-%d%%40example.org%%22%%7D",
		 w->id, w->id, w->run);
	char path[640], body[256];
	for (int i = 0; i < WRITES; i++) {
		snprintf(path, sizeof path, "%s&stateId=s%d", base, i % 50);
		bool put = (i / 50) % 2 == 0;
		snprintf(body, sizeof body,
			 put ? "{\"bookmark\":\"page %d\",\"progress\":%d,\"done\":false}"
			     : "{\"progress\":%d,\"last\":%d}",
			 i, i);
		double t0 = time_mono();
		int st = request(fd, put ? "PUT" : "POST", path, body);
		w->lat[i] = (time_mono() - t0) * 1000.0;
		if (st == 204)
			w->ok++;
		else
			w->bad++;
	}
	double t0 = time_mono();
	snprintf(path, sizeof path, "%s&stateId=s7", base);
	for (int i = 0; i < GETS; i++)
		if (request(fd, "GET", path, NULL) != 200)
			w->bad++;
	w->get_s = time_mono() - t0;
	close(fd);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	char path[] = "/tmp/bench_xapi_docs_XXXXXX";
	int tfd = mkstemp(path);
	if (tfd < 0)
		return 1;
	close(tfd);
	unlink(path);
	struct db *db;
	char err[256];
	int64_t d, tool_id, cred;
	char key[TOOL_KEY_MAX], secret[TOOL_SECRET_MAX], why[300];
	struct audit_actor who = { 0, "bench", "" };
	struct tool t;
	struct tool_form tf = { .name = "Bench Player" };
	tools_defaults(&t);
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Bench District", &d) ||
	    tools_validate(db, d, &tf, &t, why, sizeof why) ||
	    tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "bench", &tool_id) ||
	    tools_cred_create(db, d, tool_id, TOOL_CRED_XAPI, &who, &cred, key, secret)) {
		printf("xapi_docs: setup failed\n");
		return 1;
	}
	db_close(db);
	char raw[TOOL_KEY_MAX + TOOL_SECRET_MAX + 2];
	snprintf(raw, sizeof raw, "%s:%s", key, secret);
	sodium_bin2base64(basic, sizeof basic, (const unsigned char *)raw, strlen(raw),
			  sodium_base64_VARIANT_ORIGINAL);
	struct http_server_opts o = { 0 };
	o.bind_addr = "127.0.0.1";
	o.threads = 2;
	o.db_path = path;
	o.dispatch = router_dispatch;
	o.admit = router_admit;
	struct http_server *srv;
	if (http_start(&o, &srv, &port)) {
		printf("xapi_docs: cannot start the server\n");
		return 1;
	}
	double rate[RUNS], p50[RUNS], p99[RUNS], gets[RUNS];
	long bad = 0;
	static double lat[CONNS * WRITES];
	for (int r = 0; r < RUNS; r++) {
		struct worker w[CONNS];
		pthread_t th[CONNS];
		double t0 = time_mono();
		for (int i = 0; i < CONNS; i++) {
			w[i] = (struct worker){ .id = i, .run = r, .lat = lat + i * WRITES };
			pthread_create(&th[i], NULL, work, &w[i]);
		}
		long ok = 0;
		double get_s = 0;
		for (int i = 0; i < CONNS; i++) {
			pthread_join(th[i], NULL);
			ok += w[i].ok;
			bad += w[i].bad;
			if (w[i].get_s > get_s)
				get_s = w[i].get_s;
		}
		double wall = time_mono() - t0 - get_s;
		rate[r] = (double)ok / wall;
		gets[r] = get_s > 0 ? CONNS * GETS / get_s : 0;
		p50[r] = large_quantile(lat, CONNS * WRITES, 0.50);
		p99[r] = large_quantile(lat, CONNS * WRITES, 0.99);
	}
	qsort(rate, RUNS, sizeof rate[0], cmp);
	qsort(p50, RUNS, sizeof p50[0], cmp);
	qsort(p99, RUNS, sizeof p99[0], cmp);
	qsort(gets, RUNS, sizeof gets[0], cmp);
	printf("xapi_docs_state_writes_per_s: %.0f\n", rate[RUNS / 2]);
	printf("xapi_docs_state_write_p50_ms: %.2f\n", p50[RUNS / 2]);
	printf("xapi_docs_state_write_p99_ms: %.2f\n", p99[RUNS / 2]);
	printf("xapi_docs_state_get_per_s: %.0f\n", gets[RUNS / 2]);
	printf("xapi_docs_non_2xx: %ld\n", bad);
	http_stop(srv);
	large_remove_db(path);
	return 0;
}
