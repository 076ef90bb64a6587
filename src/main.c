/* edbridge - command-line entry: a table of subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "init", cmd_init, "create a database and its district" },
	{ "import", cmd_import, "import data: oneroster PATH | csv --profile P FILE" },
	{ "user", cmd_user, "manage logins: add, role, code, list" },
	{ "serve", cmd_serve, "serve the web application" },
	{ "demo", cmd_demo, "build the simulated demo district and serve it" },
	{ "backup", cmd_backup, "take a consistent online copy of the database" },
	{ "restore", cmd_restore, "put a backup back in place" },
	{ "migrate", cmd_migrate, "move a SQLite database into PostgreSQL, counted per table" },
	{ "standards", cmd_standards, "list or show the built-in CCSS-M catalog" },
	{ "mastery", cmd_mastery, "mastery model: eval --train FILE --test FILE" },
	{ "fit", cmd_fit, "refit the mastery model on the district's data" },
	{ "initiative", cmd_initiative, "initiatives: create, list, show, status, randomize" },
	{ "evaluate", cmd_evaluate, "evaluate an initiative" },
	{ "sim", cmd_sim, "simulator studies: evidence-check" },
	{ "tool", cmd_tool, "technology inventory: add, list, credentials" },
	{ "families", cmd_families, "families in their language: translator, languages, update" },
	{ "device", cmd_device, "device inventory: import --profile P FILE, list" },
	{ "tickets", cmd_tickets, "support tickets: sweep (SLA escalations, email notices)" },
	{ "teams", cmd_teams, "teams' action items: remind (emails due and overdue items)" },
	{ "sso", cmd_sso, "single sign-on providers: add, list, remove" },
	{ "secrets", cmd_secrets, "the vault of sealed secrets: rotate its key" },
	{ "lti", cmd_lti, "LTI 1.3 tools: add, list, link, keys rotate" },
	{ "sync", cmd_sync, "sync oneroster: the roster from the SIS's OneRoster REST service" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: edbridge COMMAND [--db FILE] [options]\n\n"
		     "edbridge runs a school district's instructional technology: roster,\n"
		     "standards, learning data, mastery, initiatives and evidence.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (commands[i].run)
			fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nEvery command takes --help, and --db FILE (default $EDBRIDGE_DB, else "
		     "edbridge.db).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			if (!commands[i].run) {
				fprintf(stderr, "edbridge: '%s' is not part of this build yet\n",
					argv[1]);
				return 2;
			}
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "edbridge: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
