/* `edbridge lti add|list|link|keys` - LTI 1.3 tool registrations, resource
 * links and the platform keys (docs/lti.md). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/audit.h"
#include "domain/lti.h"
#include "domain/tools.h"
#include "store/db.h"

static const char usage[] =
	"usage: edbridge lti add --tool TOOL --client-id ID --deployment-id ID[,ID...]\n"
	"                        --login-url URL --launch-url URL --jwks-url URL\n"
	"                        [--redirect-uris URL[,URL...]] [--deep-link-url URL]\n"
	"       edbridge lti list\n"
	"       edbridge lti link --tool TOOL --class CLASS --title TITLE [--url URL]\n"
	"                         [--custom JSON] [--standards CODE[,CODE...]]\n"
	"       edbridge lti keys rotate [--grace-days N]\n"
	"       edbridge lti keys list\n"
	"  (each also takes [--db FILE] [--district-id N])\n\n"
	"add registers an inventory tool (its id or exact name) for LTI 1.3 launches and\n"
	"  prints `lti_tool_id: N`. URLs are https (plain http only to 127.0.0.1);\n"
	"  --redirect-uris defaults to the launch URL.\n"
	"list prints id, tool, client id, deployments and links, tab-separated.\n"
	"link places the tool's activity in a class (a roster class id) and prints\n"
	"  `link_id: N`; --custom is a JSON object of text values.\n"
	"keys rotate makes a new platform signing key (RSA 2048) the current one; the\n"
	"  previous key stays published in /.well-known/jwks.json for the grace period\n"
	"  (default 7 days) so that tools holding it can still check launches. Prints\n"
	"  `kid: K`.\n"
	"keys list prints kid, created, retired (- for the current key) and published-until.\n";

static const char *const valued[] = { "--tool",
				      "--client-id",
				      "--deployment-id",
				      "--login-url",
				      "--launch-url",
				      "--jwks-url",
				      "--redirect-uris",
				      "--deep-link-url",
				      "--class",
				      "--title",
				      "--url",
				      "--custom",
				      "--standards",
				      "--grace-days",
				      "--db",
				      "--district-id",
				      NULL };

static const struct audit_actor cli_actor = { 0, "cli", "" };

static int lti_add(int argc, char **argv, struct db *db, int64_t d)
{
	struct lti_tool_form f = {
		.tool = cli_opt(argc, argv, "--tool"),
		.client_id = cli_opt(argc, argv, "--client-id"),
		.deployment_ids = cli_opt(argc, argv, "--deployment-id"),
		.login_url = cli_opt(argc, argv, "--login-url"),
		.launch_url = cli_opt(argc, argv, "--launch-url"),
		.redirect_uris = cli_opt(argc, argv, "--redirect-uris"),
		.jwks_url = cli_opt(argc, argv, "--jwks-url"),
		.deep_link_url = cli_opt(argc, argv, "--deep-link-url"),
	};
	char why[300];
	int64_t id;
	enum eb_err rc = lti_tool_add(db, d, &f, &cli_actor, &id, why, sizeof why);
	if (rc) {
		/* every field of the form is an option: "client_id: ..." -> "--client-id: ..." */
		size_t n = strcspn(why, ":");
		if (why[0] && why[n] == ':' && n < 30) {
			char opt[32] = "--";
			for (size_t i = 0; i < n; i++)
				opt[2 + i] = why[i] == '_' ? '-' : why[i];
			fprintf(stderr, "lti add: %s%s\n", opt, why + n);
		} else {
			fprintf(stderr, "lti add: %s\n", why[0] ? why : eb_strerror(rc));
		}
		return 1;
	}
	printf("lti_tool_id: %lld\n", (long long)id);
	return 0;
}

static int lti_list(struct db *db, int64_t d)
{
	struct arena ar;
	struct lti_tool_row *rows;
	size_t n;
	arena_init(&ar);
	if (lti_tool_list(db, d, &ar, &rows, &n)) {
		arena_free(&ar);
		fprintf(stderr, "lti list: could not read the registrations\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%lld\t%s\t%s\t%s\t%d\n", (long long)rows[i].id, rows[i].name,
		       rows[i].client_id, rows[i].deployments, rows[i].links);
	arena_free(&ar);
	return 0;
}

static int lti_link(int argc, char **argv, struct db *db, int64_t d)
{
	struct tool t;
	struct lti_tool lt;
	const char *which = cli_opt(argc, argv, "--tool");
	struct lti_link_form f = {
		.class_sourced_id = cli_opt(argc, argv, "--class"),
		.title = cli_opt(argc, argv, "--title"),
		.url = cli_opt(argc, argv, "--url"),
		.custom = cli_opt(argc, argv, "--custom"),
		.standards = cli_opt(argc, argv, "--standards"),
	};
	char why[300];
	int64_t id;
	if (!which || tools_find(db, d, which, &t) || lti_tool_by_tool(db, d, t.id, &lt)) {
		fprintf(stderr,
			"lti link: --tool: '%s' is not registered for LTI (see `edbridge lti"
			" list`)\n",
			which ? which : "");
		return 1;
	}
	enum eb_err rc = lti_link_add(db, d, lt.id, &f, &cli_actor, &id, why, sizeof why);
	if (rc) {
		fprintf(stderr, "lti link: %s\n", why[0] ? why : eb_strerror(rc));
		return 1;
	}
	if (why[0])
		fprintf(stderr, "lti link: warning: %s\n", why);
	printf("link_id: %lld\n", (long long)id);
	return 0;
}

static int lti_keys(int argc, char **argv, struct db *db)
{
	const char *what = cli_positional(argc, argv, 1, valued);
	if (what && strcmp(what, "rotate") == 0) {
		int64_t days;
		char kid[LTI_KID_MAX + 1];
		if (cli_opt_int(argc, argv, "--grace-days", 0, 365, 7, &days))
			return 2;
		enum eb_err rc = lti_key_rotate(db, (int64_t)time(NULL), days * 86400, kid);
		if (rc) {
			fprintf(stderr, "lti keys rotate: no new key: %s\n", eb_strerror(rc));
			return 1;
		}
		printf("kid: %s\n", kid);
		return 0;
	}
	if (what && strcmp(what, "list") == 0) {
		struct arena ar;
		struct lti_key_row *rows;
		size_t n;
		arena_init(&ar);
		if (lti_key_list(db, &ar, &rows, &n)) {
			arena_free(&ar);
			fprintf(stderr, "lti keys list: could not read the keys\n");
			return 1;
		}
		for (size_t i = 0; i < n; i++) {
			if (rows[i].retired_at)
				printf("%s\t%lld\t%lld\t%lld\n", rows[i].kid,
				       (long long)rows[i].created_at, (long long)rows[i].retired_at,
				       (long long)rows[i].retire_after);
			else
				printf("%s\t%lld\t-\t-\n", rows[i].kid,
				       (long long)rows[i].created_at);
		}
		arena_free(&ar);
		return 0;
	}
	fprintf(stderr, "lti keys: say `rotate` or `list`\n%s", usage);
	return 2;
}

int cmd_lti(int argc, char **argv)
{
	if (argc < 2 || (argv[1][0] == '-' && cli_help(argc, argv, usage))) {
		if (argc < 2)
			fputs(usage, stderr);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "forget") == 0 && cmd_lti_forget) /* h16-ags */
		return cmd_lti_forget(argc, argv);
	static const char *const subs[] = { "add", "list", "link", "keys" };
	int which = -1;
	for (int i = 0; i < 4; i++)
		if (strcmp(argv[1], subs[i]) == 0)
			which = i;
	if (which < 0) {
		fprintf(stderr, "lti: unknown subcommand '%s'\n%s", argv[1], usage);
		return 2;
	}
	if (cli_help(argc, argv, usage))
		return 0;
	struct db *db;
	int64_t d = 0;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int rc = 1;
	if (which == 3) {
		rc = lti_keys(argc, argv, db);
	} else if (cli_district(argc, argv, db, &d) == EB_OK) {
		switch (which) {
		case 0:
			rc = lti_add(argc, argv, db, d);
			break;
		case 1:
			rc = lti_list(db, d);
			break;
		default:
			rc = lti_link(argc, argv, db, d);
			break;
		}
	}
	db_close(db);
	return rc;
}
