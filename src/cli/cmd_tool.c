/* `edbridge tool add|list|credentials|status` - the technology inventory. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/audit.h"
#include "domain/tools.h"
#include "store/db.h"

static const char usage[] =
	"usage: edbridge tool add --name NAME [--vendor V] [--kind app|platform|device]\n"
	"                         [--category C] [--db FILE] [--district-id N]\n"
	"       edbridge tool list\n"
	"       edbridge tool credentials TOOL\n"
	"       edbridge tool status TOOL --set STATUS --reason TEXT [--conditions TEXT]\n"
	"       edbridge tool remove TOOL (deletes its data about students: --help)\n\n"
	"add prints `tool_id: N` (the tool starts under review).\n"
	"list prints id, name, vendor and status, tab-separated, one tool a line.\n"
	"credentials creates an xAPI key and secret and a Caliper bearer token and prints\n"
	"  `xapi_key: K`, `xapi_secret: S`, `caliper_token: T` - shown only this once.\n"
	"status STATUS: requested under_review approved approved_with_conditions denied\n"
	"  retired; --reason is required (--conditions for approved_with_conditions).\n"
	"TOOL is the tool's id or its exact name.\n";

static const char *const valued[] = { "--name",	       "--vendor", "--kind",	   "--category",
				      "--set",	       "--reason", "--conditions", "--db",
				      "--district-id", NULL };

static const struct audit_actor cli_actor = { 0, "cli", "" };

static int tool_add(int argc, char **argv, struct db *db, int64_t d)
{
	struct tool_form f = { 0 };
	struct tool t;
	char why[300];
	int64_t id;
	f.name = cli_opt(argc, argv, "--name");
	f.vendor = cli_opt(argc, argv, "--vendor");
	f.kind = cli_opt(argc, argv, "--kind");
	f.category = cli_opt(argc, argv, "--category");
	if (!f.name) {
		fprintf(stderr, "tool add: --name is required\n");
		return 2;
	}
	tools_defaults(&t);
	if (tools_validate(db, d, &f, &t, why, sizeof why)) {
		fprintf(stderr, "tool add: --%s\n", why);
		return 2;
	}
	if (db_begin(db))
		return 1;
	enum eb_err rc = tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &cli_actor,
				      "added from the command line", &id);
	if (rc || db_commit(db)) {
		db_rollback(db);
		if (rc == EB_EEXIST)
			fprintf(stderr, "tool add: --name: a tool named '%s' is already listed\n",
				t.name);
		else
			fprintf(stderr, "tool add: %s\n", eb_strerror(rc ? rc : EB_EDB));
		return 1;
	}
	printf("tool_id: %lld\n", (long long)id);
	return 0;
}

static int tool_list(struct db *db, int64_t d)
{
	struct arena ar;
	struct tool_row *rows;
	size_t n;
	arena_init(&ar);
	if (tools_list(db, d, -1, false, &ar, &rows, &n)) {
		arena_free(&ar);
		fprintf(stderr, "tool list: could not read the tools\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%lld\t%s\t%s\t%s\n", (long long)rows[i].id, rows[i].name, rows[i].vendor,
		       tool_status_name(rows[i].status));
	arena_free(&ar);
	return 0;
}

static bool find_tool(int argc, char **argv, struct db *db, int64_t d, const char *cmd,
		      struct tool *t)
{
	const char *which = cli_positional(argc, argv, 1, valued);
	if (!which) {
		fprintf(stderr, "tool %s: name the tool (its id or exact name)\n", cmd);
		return false;
	}
	if (tools_find(db, d, which, t)) {
		fprintf(stderr,
			"tool %s: no tool '%s' in this district (see `edbridge tool list`)\n", cmd,
			which);
		return false;
	}
	return true;
}

static int tool_credentials(int argc, char **argv, struct db *db, int64_t d)
{
	struct tool t;
	char xk[TOOL_KEY_MAX], xs[TOOL_SECRET_MAX], ck[TOOL_KEY_MAX], cs[TOOL_SECRET_MAX];
	int64_t id1, id2;
	if (!find_tool(argc, argv, db, d, "credentials", &t))
		return 1;
	if (db_begin(db))
		return 1;
	enum eb_err rc = tools_cred_create(db, d, t.id, TOOL_CRED_XAPI, &cli_actor, &id1, xk, xs);
	if (!rc)
		rc = tools_cred_create(db, d, t.id, TOOL_CRED_CALIPER, &cli_actor, &id2, ck, cs);
	if (rc || db_commit(db)) {
		db_rollback(db);
		fprintf(stderr, "tool credentials: %s\n", eb_strerror(rc ? rc : EB_EDB));
		return 1;
	}
	printf("xapi_key: %s\nxapi_secret: %s\ncaliper_token: %s\n", xk, xs, cs);
	return 0;
}

static int tool_status(int argc, char **argv, struct db *db, int64_t d)
{
	struct tool t;
	enum tool_status s;
	char why[300];
	const char *set = cli_opt(argc, argv, "--set"), *reason = cli_opt(argc, argv, "--reason");
	if (!set) {
		fprintf(stderr, "tool status: --set STATUS is required\n");
		return 2;
	}
	if (!tool_status_parse(set, &s)) {
		fprintf(stderr,
			"tool status: --set: unknown status '%s' (requested under_review"
			" approved approved_with_conditions denied retired)\n",
			set);
		return 2;
	}
	if (!reason || !*reason) {
		fprintf(stderr, "tool status: --reason: say why the status changes\n");
		return 2;
	}
	if (!find_tool(argc, argv, db, d, "status", &t))
		return 1;
	if (db_begin(db))
		return 1;
	enum eb_err rc = tools_set_status(db, d, t.id, s, reason,
					  cli_opt(argc, argv, "--conditions"), &cli_actor, why,
					  sizeof why);
	if (rc || db_commit(db)) {
		db_rollback(db);
		if ((rc == EB_EINVAL || rc == EB_ECONFLICT) && strncmp(why, "status: ", 8) == 0)
			fprintf(stderr, "tool status: --set: %s\n", why + 8);
		else if (rc == EB_EINVAL || rc == EB_ECONFLICT)
			fprintf(stderr, "tool status: --%s\n", why);
		else
			fprintf(stderr, "tool status: %s\n", eb_strerror(rc ? rc : EB_EDB));
		return 1;
	}
	printf("status: %s\n", tool_status_name(s));
	return 0;
}

int cmd_tool(int argc, char **argv)
{
	if (argc < 2 || (argv[1][0] == '-' && cli_help(argc, argv, usage))) {
		if (argc < 2)
			fputs(usage, stderr);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "remove") == 0 && cmd_tool_remove) /* deletion on request */
		return cmd_tool_remove(argc, argv);
	static const char *const subs[] = { "add", "list", "credentials", "status" };
	int which = -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(argv[1], subs[i]) == 0)
			which = i;
	if (which < 0) {
		fprintf(stderr, "tool: unknown subcommand '%s'\n%s", argv[1], usage);
		return 2;
	}
	if (cli_help(argc, argv, usage))
		return 0;
	struct db *db;
	int64_t d;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int rc = 1;
	if (cli_district(argc, argv, db, &d) == EB_OK) {
		switch (which) {
		case 0:
			rc = tool_add(argc, argv, db, d);
			break;
		case 1:
			rc = tool_list(db, d);
			break;
		case 2:
			rc = tool_credentials(argc, argv, db, d);
			break;
		default:
			rc = tool_status(argc, argv, db, d);
			break;
		}
	}
	db_close(db);
	return rc;
}
