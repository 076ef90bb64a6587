/* `edbridge teams` - role-diverse teams from the command line: the action
 * item reminders, which `serve` also sends on a thread of its own
 * (teams_remind_main). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/teams_remind.h"
#include "domain/teams.h"
#include "store/db.h"

static const char usage[] =
	"usage: edbridge teams remind [--at UNIX_SECONDS] [--db FILE]\n"
	"  emails the owner of every open team action item due within 2 days or\n"
	"  overdue, with each district's mail settings: once per item and day (a\n"
	"  second run the same day sends nothing). Family representatives get it\n"
	"  at the address given on the team; staff at their roster email or email\n"
	"  sign-in. `serve` runs it every 5 minutes. --at: the clock to use instead\n"
	"  of now (tests).\n";

static void report(const struct teams_remind_report *r)
{
	printf("reminders sent: %ld\nreminders failed: %ld\nno address: %ld\n"
	       "already reminded today: %ld\n",
	       r->sent, r->failed, r->no_address, r->already);
}

int cmd_teams(int argc, char **argv)
{
	if (cli_help(argc, argv, usage))
		return 0;
	const char *sub =
		cli_positional(argc, argv, 0, (const char *const[]){ "--at", "--db", NULL });
	if (!sub || strcmp(sub, "remind") != 0) {
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
	struct teams_remind_report r = { 0 };
	enum eb_err e = teams_remind_all(db, at ? at : time_now(), &r);
	db_close(db);
	if (e) {
		fprintf(stderr, "teams remind: %s\n", eb_strerror(e));
		return 1;
	}
	report(&r);
	return 0;
}

void *teams_remind_main(void *arg)
{
	const char *db_path = arg;
	for (;;) {
		struct db *db;
		char err[256];
		if (db_open(db_path, 0, &db, err, sizeof err) == EB_OK) {
			struct teams_remind_report r = { 0 };
			enum eb_err e = teams_remind_all(db, time_now(), &r);
			if (e)
				log_error("teams: reminders: %s", eb_strerror(e));
			else if (r.sent || r.failed)
				log_info("teams: reminders: %ld sent, %ld failed", r.sent,
					 r.failed);
			db_close(db);
		} else {
			log_error("teams: reminders: %s", err);
		}
		sleep(TEAMS_REMIND_TICK_S);
	}
	return NULL;
}
