/* `edbridge serve` - serve the web application until interrupted. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/serve.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/mastery.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/router.h"

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void print_routes(void)
{
	for (size_t i = 0; i < routes_count; i++) {
		printf("%s\t%s\t", routes[i].method, routes[i].pattern);
		if (routes[i].flags & ROUTE_PUBLIC) {
			printf("public");
		} else {
			const char *sep = "";
			for (int r = 0; r < ROLE__COUNT; r++)
				if (routes[i].roles & ROLE_BIT(r)) {
					printf("%s%s", sep, role_name((enum role)r));
					sep = ",";
				}
		}
		printf("\t%s\n", routes[i].summary);
	}
}

/* Hourly: expired sessions are deleted (a stolen old cookie is worthless
 * anyway; this keeps the table small). Nightly (the first run after 02:00
 * local time, and at most once in 20 hours): every district's mastery model
 * is refitted on all its evidence. */
static void serve_housekeeping(const char *db_path, int64_t *last_refit)
{
	struct db *db;
	char err[256];
	int64_t n = 0;
	if (db_open(db_path, 0, &db, err, sizeof err)) {
		log_error("serve: housekeeping: %s", err);
		return;
	}
	if (session_purge(db, &n) == EB_OK && n)
		log_info("serve: %lld expired sessions removed", (long long)n);
	time_t now = time(NULL);
	struct tm lt;
	localtime_r(&now, &lt);
	if (lt.tm_hour >= 2 && lt.tm_hour < 5 && now - *last_refit > 20 * 3600) {
		int64_t ids[256];
		size_t nd = district_all(db, ids, 256);
		if (nd > 256)
			nd = 256; /* a deployment of more districts refits them with `edbridge fit` */
		for (size_t i = 0; i < nd; i++) {
			struct mastery_refit_summary sum;
			enum eb_err rc = mastery_refit(db, ids[i], NULL, NULL, NULL, &sum, err, sizeof err);
			if (rc == EB_OK)
				log_info("serve: district %lld mastery refitted: %zu responses in %.1f s",
					 (long long)ids[i], sum.rows, sum.total_seconds);
			else if (rc != EB_ENOTFOUND)
				log_error("serve: district %lld mastery refit: %s", (long long)ids[i], err);
		}
		*last_refit = now;
	}
	db_close(db);
}

int serve_run(const char *db_path, const char *bind, int port, int threads, bool quiet_log,
	      void (*ready)(int port, void *ctx), void *ctx)
{
	struct http_server *srv;
	struct http_server_opts o = { 0 };
	o.bind_addr = bind;
	o.port = port;
	o.threads = threads;
	o.db_path = db_path;
	o.access_log = !quiet_log;
	o.dispatch = router_dispatch;
	int actual = 0;
	enum eb_err rc = http_start(&o, &srv, &actual);
	if (rc) {
		fprintf(stderr, "serve: cannot listen on %s:%d (%s)\n", bind, port,
			rc == EB_EINVAL ? "bad address" : "port in use or not permitted");
		return 1;
	}
	printf("listening: http://%s:%d/\n", bind, actual);
	fflush(stdout);
	if (ready)
		ready(actual, ctx);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* housekeeping on the main thread while the workers serve */
	int64_t last_purge = 0, last_refit = 0;
	while (!stop_requested) {
		int64_t now = time_now();
		if (now - last_purge >= 3600) {
			serve_housekeeping(db_path, &last_refit);
			last_purge = now;
		}
		sleep(30);
	}
	http_stop(srv);
	log_info("serve: stopped");
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge serve [--port N] [--bind ADDR] [--threads N] [--db FILE]\n"
		     "                      [--cookie-secure] [--quiet] [--list-routes]\n\n"
		     "Serves the web application (default 127.0.0.1:8080). --port 0 picks a free\n"
		     "port and prints it. --cookie-secure marks cookies Secure (behind HTTPS).\n"
		     "--list-routes prints every route with the roles that may use it.\n"))
		return 0;
	if (cli_flag(argc, argv, "--list-routes")) {
		print_routes();
		return 0;
	}
	int64_t port, threads;
	if (cli_opt_int(argc, argv, "--port", 0, 65535, 8080, &port) ||
	    cli_opt_int(argc, argv, "--threads", 0, 256, 0, &threads))
		return 2;
	const char *bind = cli_opt(argc, argv, "--bind");
	struct db *db;
	/* open once here: migrations run before workers start */
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	db_close(db);
	auth_set_cookie_secure(cli_flag(argc, argv, "--cookie-secure"));
	return serve_run(cli_db_path(argc, argv), bind ? bind : "127.0.0.1", (int)port,
			 (int)threads, cli_flag(argc, argv, "--quiet"), NULL, NULL);
}
