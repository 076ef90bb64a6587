/* `edbridge serve` - serve the web application until interrupted. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/families_send.h"
#include "cli/roster_sync.h"
#include "cli/serve.h"
#include "cli/teams_remind.h"
#include "cli/tickets_sweep.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/family_link.h"
#include "domain/mastery.h"
#include "domain/recommend.h"
#include "store/db.h"
#include "store/db_write.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/page.h"
#include "web/router.h"

/* Limits set by `serve`'s options; zero means the server's default. */
static struct serve_limits {
	size_t body_budget;
	int per_addr, idle_timeout_s;
} limits;

/* serve's --db-read (or $EDBRIDGE_DB_READ): the hot standby pages read from */
static const char *serve_db_read;

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
	if (family_link_purge(db, &n) == EB_OK && n)
		log_info("serve: %lld expired family sign-in links removed", (long long)n);
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
			enum eb_err rc =
				mastery_refit(db, ids[i], NULL, NULL, NULL, &sum, err, sizeof err);
			struct rec_refresh_summary rs;
			if (rc == EB_OK) {
				log_info("serve: district %lld mastery refitted: %zu responses in "
					 "%.1f s",
					 (long long)ids[i], sum.rows, sum.total_seconds);
				if (recommend_refresh(db, ids[i], &rs, err, sizeof err))
					log_error("serve: district %lld: %s", (long long)ids[i],
						  err);
			} else if (rc != EB_ENOTFOUND) {
				log_error("serve: district %lld mastery refit: %s",
					  (long long)ids[i], err);
			}
		}
		*last_refit = now;
	}
	db_close(db);
}

/* Housekeeping runs on a thread of its own, so that a stop never waits
 * for it: a refit still running when the server stops is not committed,
 * and nothing waits on it. */
static void *housekeeping_main(void *arg)
{
	const char *db_path = arg;
	int64_t last_refit = 0;
	for (;;) {
		serve_housekeeping(db_path, &last_refit);
		sleep(3600);
	}
	return NULL;
}

static _Atomic bool drained;

static void *drain_main(void *arg)
{
	(void)arg;
	db_write_drain();
	drained = true;
	return NULL;
}

/* Waits until the group commit has written what it holds, or until the
 * deadline (time_mono()); false when it has not (a locked database). */
static bool writes_settle(double deadline)
{
	pthread_t t;
	drained = false;
	if (pthread_create(&t, NULL, drain_main, NULL))
		return false;
	while (!drained && time_mono() < deadline)
		usleep(5000);
	if (!drained) {
		pthread_detach(t);
		return false;
	}
	pthread_join(t, NULL);
	return true;
}

int serve_run(const char *db_path, const char *bind, int port, int threads, bool quiet_log,
	      void (*ready)(int port, void *ctx), void *ctx)
{
	/* SIGINT and SIGTERM are blocked in every thread (the workers inherit
	 * the mask) and taken by the main thread alone, in sigwait: a stop
	 * cannot slip in between a check and a sleep */
	sigset_t stop_set;
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (account_fast_passwords())
		log_warn(
			"serve: EDBRIDGE_TEST_FAST_PASSWORDS is set: new passwords are hashed at "
			"Argon2id's minimum cost, for test suites only; never serve a district so");
	struct http_server *srv;
	struct http_server_opts o = { 0 };
	o.bind_addr = bind;
	o.port = port;
	o.threads = threads;
	o.db_path = db_path;
	o.db_read_path = serve_db_read;
	o.access_log = !quiet_log;
	o.dispatch = router_dispatch;
	o.admit = router_admit;
	o.body_budget = limits.body_budget;
	o.per_addr_limit = limits.per_addr;
	o.idle_timeout_s = limits.idle_timeout_s;
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
	pthread_t hk;
	if (pthread_create(&hk, NULL, housekeeping_main, (void *)db_path) == 0)
		pthread_detach(hk);
	else
		log_error("serve: no housekeeping thread: expired sessions stay, no nightly refit");
	pthread_t fam;
	if (pthread_create(&fam, NULL, families_schedule_main, (void *)db_path) == 0)
		pthread_detach(fam);
	else
		log_error("serve: no family-message thread: the weekly updates are not sent");
	pthread_t tk;
	if (pthread_create(&tk, NULL, tickets_sweep_main, (void *)db_path) == 0)
		pthread_detach(tk);
	else
		log_error("serve: no ticket sweep thread: tickets do not escalate by themselves");
	pthread_t tr;
	if (pthread_create(&tr, NULL, teams_remind_main, (void *)db_path) == 0)
		pthread_detach(tr);
	else
		log_error("serve: no team reminder thread: action items are not reminded");
	pthread_t rs;
	if (pthread_create(&rs, NULL, roster_sync_main, (void *)db_path) == 0)
		pthread_detach(rs);
	else
		log_error("serve: no roster sync thread: saved OneRoster sources are not synced");
	int sig;
	while (sigwait(&stop_set, &sig) != 0)
		;
	double t0 = time_mono();
	log_info("serve: stopping (signal %d)", sig);
	/* then writes not tied to a request (a credential's last use) */
	if (!http_stop(srv) || !writes_settle(t0 + 4.5)) {
		/* a handler or a write still running (a database locked by another
		 * process): never answered, and its transaction dies with the
		 * process; the exit handlers would wait for the writer, so leave
		 * without them */
		log_error("serve: stopped in %.1f s, abandoning unfinished work", time_mono() - t0);
		fflush(stdout);
		fflush(stderr);
		_exit(0);
	}
	log_info("serve: stopped in %.1f s", time_mono() - t0);
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	if (cli_help(
		    argc, argv,
		    "usage: edbridge serve [--port N] [--bind ADDR] [--threads N] [--db FILE]\n"
		    "                      [--cookie-secure] [--quiet] [--list-routes]\n"
		    "                      [--max-conn-per-addr N] [--idle-timeout S]\n"
		    "                      [--body-budget MIB] [--public-url URL]\n"
		    "                      [--db-read URL]\n\n"
		    "Serves the web application (default 127.0.0.1:8080). --port 0 picks a free\n"
		    "port and prints it. --cookie-secure marks cookies Secure (behind HTTPS).\n"
		    "--list-routes prints every route with the roles that may use it.\n"
		    "--max-conn-per-addr: connections one client address may hold (default 256;\n"
		    "0 for none, behind a proxy that limits per client itself). --idle-timeout:\n"
		    "seconds a connection may stay open without sending a request (default 10).\n"
		    "--body-budget: MiB of request bodies held at once, all clients together\n"
		    "(default an eighth of the memory, 64-1024); past it uploads get 503.\n"
		    "--public-url: the address families and staff reach edbridge at, printed on\n"
		    "the access-code letters (default $EDBRIDGE_PUBLIC_URL).\n"
		    "--db-read: a PostgreSQL hot standby of --db that pages read from (default\n"
		    "$EDBRIDGE_DB_READ); changes, and a user's pages after a change until the\n"
		    "standby has them, go to the primary; a standby that fails leaves its reads\n"
		    "to the primary. Keep its password out of the command line: $EDBRIDGE_DB_READ\n"
		    "or PGPASSFILE (docs/scale.md).\n"))
		return 0;
	if (cli_flag(argc, argv, "--list-routes")) {
		print_routes();
		return 0;
	}
	int64_t port, threads, per_addr, idle, budget_mib;
	if (cli_opt_int(argc, argv, "--port", 0, 65535, 8080, &port) ||
	    cli_opt_int(argc, argv, "--threads", 0, 256, 0, &threads) ||
	    cli_opt_int(argc, argv, "--max-conn-per-addr", 0, 100000, 256, &per_addr) ||
	    cli_opt_int(argc, argv, "--idle-timeout", 1, 3600, 10, &idle) ||
	    cli_opt_int(argc, argv, "--body-budget", 0, 1 << 20, 0, &budget_mib))
		return 2;
	limits.per_addr = per_addr ? (int)per_addr : -1;
	limits.idle_timeout_s = (int)idle;
	limits.body_budget = (size_t)budget_mib << 20;
	const char *bind = cli_opt(argc, argv, "--bind");
	struct db *db;
	/* open once here: migrations run before workers start */
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	const char *read_url = cli_opt(argc, argv, "--db-read");
	if (!read_url)
		read_url = getenv("EDBRIDGE_DB_READ");
	if (read_url && *read_url) {
		/* reachable and a copy of --db now, or the server does not start */
		char err[600];
		if (db_open_replica(db, read_url, err, sizeof err)) {
			fprintf(stderr, "serve: --db-read: %s\n", err);
			db_close(db);
			return 1;
		}
		serve_db_read = read_url;
	}
	db_close(db);
	auth_set_cookie_secure(cli_flag(argc, argv, "--cookie-secure"));
	const char *url = cli_opt(argc, argv, "--public-url");
	if (!url)
		url = getenv("EDBRIDGE_PUBLIC_URL");
	if (url && *url && !page_set_public_url(url)) {
		fprintf(stderr,
			"serve: --public-url: '%s' is not an address such as"
			" https://edbridge.example.org (http or https, no spaces or query)\n",
			url);
		return 2;
	}
	return serve_run(cli_db_path(argc, argv), bind ? bind : "127.0.0.1", (int)port,
			 (int)threads, cli_flag(argc, argv, "--quiet"), NULL, NULL);
}
