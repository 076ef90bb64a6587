/* `edbridge tickets` - support tickets from the command line: the SLA sweep
 * (escalations past their target, email notices), which `serve` also runs
 * every minute on a thread of its own (tickets_sweep_main). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/tickets_sweep.h"
#include "domain/ticket.h"
#include "store/db.h"

static const char usage[] =
	"usage: edbridge tickets sweep [--at UNIX_SECONDS] [--db FILE]\n"
	"  escalates every open ticket whose response or resolution target passed\n"
	"  (one tier: school tech champion -> district IT -> vendor) and sends the\n"
	"  queued email notices with each district's mail settings. Safe to run\n"
	"  twice, and beside `serve` (which runs it every minute). --at: the clock\n"
	"  to use instead of now (tests).\n"
	"       edbridge tickets sla [--db FILE] [--district-id N]\n"
	"  prints the district's response and resolution targets (minutes) per tier\n"
	"  and priority, each marked default or district.\n"
	"       edbridge tickets sla set --tier champion|it|vendor\n"
	"         --priority low|normal|high|urgent (--respond MIN --resolve MIN | --default)\n"
	"         [--db FILE] [--district-id N]\n"
	"  sets one pair's targets (1 <= respond <= resolve <= 86400 minutes), or back to\n"
	"  the default; they apply from the next time a tier takes a ticket.\n";

static int sla_cmd(int argc, char **argv)
{
	const char *const valued[] = { "--db",	    "--district-id", "--tier", "--priority",
				       "--respond", "--resolve",     NULL };
	const char *verb = cli_positional(argc, argv, 1, valued);
	if (verb && strcmp(verb, "set") != 0) {
		fputs(usage, stderr);
		return 2;
	}
	struct db *db;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int rc = 1;
	int64_t d;
	if (cli_district(argc, argv, db, &d))
		goto out;
	if (!verb) {
		printf("tier\tpriority\trespond_min\tresolve_min\tsource\n");
		for (int t = 0; t < TICKET_TIER__COUNT; t++)
			for (int p = 0; p < TICKET_PRIORITY__COUNT; p++) {
				struct ticket_sla s, def = ticket_sla_default(t, p);
				if (ticket_sla_get(db, d, t, p, &s)) {
					fprintf(stderr, "tickets sla: cannot read the targets\n");
					goto out;
				}
				printf("%s\t%s\t%d\t%d\t%s\n", ticket_tier_name(t),
				       ticket_priority_name(p), s.respond_min, s.resolve_min,
				       s.respond_min == def.respond_min &&
						       s.resolve_min == def.resolve_min
					       ? "default"
					       : "district");
			}
		rc = 0;
		goto out;
	}
	enum ticket_tier tier;
	enum ticket_priority prio;
	const char *ts = cli_opt(argc, argv, "--tier"), *ps = cli_opt(argc, argv, "--priority");
	if (!ts || !ticket_tier_parse(ts, &tier)) {
		fprintf(stderr, "tickets sla set: --tier must be champion, it or vendor\n");
		rc = 2;
		goto out;
	}
	if (!ps || !ticket_priority_parse(ps, &prio)) {
		fprintf(stderr,
			"tickets sla set: --priority must be low, normal, high or urgent\n");
		rc = 2;
		goto out;
	}
	bool reset = cli_flag(argc, argv, "--default");
	int64_t respond = 0, resolve = 0;
	if (!reset && (!cli_opt(argc, argv, "--respond") || !cli_opt(argc, argv, "--resolve"))) {
		fprintf(stderr, "tickets sla set: give --respond MIN and --resolve MIN, or"
				" --default\n");
		rc = 2;
		goto out;
	}
	if (!reset && (cli_opt_int(argc, argv, "--respond", 1, TICKET_SLA_MAX_MIN, 0, &respond) ||
		       cli_opt_int(argc, argv, "--resolve", 1, TICKET_SLA_MAX_MIN, 0, &resolve))) {
		rc = 2;
		goto out;
	}
	struct ticket_sla s = { (int)respond, (int)resolve };
	char why[200] = "";
	enum eb_err e = ticket_sla_set(db, d, tier, prio, &s, reset, why, sizeof why);
	if (e) {
		fprintf(stderr, "tickets sla set: %s\n", *why ? why : eb_strerror(e));
		rc = e == EB_EINVAL ? 2 : 1;
		goto out;
	}
	printf("%s %s: %s\n", ts, ps, reset ? "back to the default" : "set");
	rc = 0;
out:
	db_close(db);
	return rc;
}

static void report(const struct ticket_sweep_report *r)
{
	printf("escalated: %ld\nbreached: %ld\nto district IT (empty tier): %ld\n"
	       "notices sent: %ld\nnotices failed: %ld\n",
	       r->escalated, r->breached, r->to_it, r->notices_sent, r->notices_failed);
}

int cmd_tickets(int argc, char **argv)
{
	if (cli_help(argc, argv, usage))
		return 0;
	const char *sub = cli_positional(argc, argv, 0,
					 (const char *const[]){ "--at", "--db", "--district-id",
								"--tier", "--priority", "--respond",
								"--resolve", NULL });
	if (sub && strcmp(sub, "sla") == 0)
		return sla_cmd(argc, argv);
	if (!sub || strcmp(sub, "sweep") != 0) {
		fputs(usage, stderr);
		return 2;
	}
	int64_t at = 0;
	if (cli_opt_int(argc, argv, "--at", 1, INT64_MAX / 2, 0, &at)) {
		fputs(usage, stderr);
		return 2;
	}
	struct db *db;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	struct ticket_sweep_report r;
	enum eb_err e = ticket_sweep(db, at ? at : time_now(), &r);
	db_close(db);
	if (e) {
		fprintf(stderr, "tickets sweep: %s\n", eb_strerror(e));
		return 1;
	}
	report(&r);
	return 0;
}

void *tickets_sweep_main(void *arg)
{
	const char *db_path = arg;
	for (;;) {
		struct db *db;
		char err[256];
		if (db_open(db_path, 0, &db, err, sizeof err) == EB_OK) {
			struct ticket_sweep_report r;
			enum eb_err e = ticket_sweep(db, time_now(), &r);
			if (e)
				log_error("tickets: sweep: %s", eb_strerror(e));
			else if (r.escalated || r.breached || r.notices_failed)
				log_info(
					"tickets: sweep: %ld escalated, %ld past the last tier, %ld"
					" notices sent, %ld failed",
					r.escalated, r.breached, r.notices_sent, r.notices_failed);
			db_close(db);
		} else {
			log_error("tickets: sweep: %s", err);
		}
		sleep(TICKETS_SWEEP_TICK_S);
	}
	return NULL;
}
