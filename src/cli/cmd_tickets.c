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
	"  to use instead of now (tests).\n";

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
	const char *sub =
		cli_positional(argc, argv, 0, (const char *const[]){ "--at", "--db", NULL });
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
