/* `edbridge import csv --profile P --tool TOOL FILE [--db FILE] [--district-id N]`
 * and `edbridge import csv --list-profiles`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/tools.h"
#include "ingest/csv_profile.h"
#include "store/db.h"

static void list_profiles(void)
{
	for (size_t i = 0; i < csvp_count(); i++) {
		const struct csv_profile *p = csvp_at(i);
		printf("%s\t%s\n", p->name, p->summary);
		printf("  rows: %s; dates: %s",
		       p->kind == CSVP_ITEMS ? "per-item results" : "usage summaries",
		       csvp_date_name(p->date_format));
		if (p->score_max > 0)
			printf("; score full marks: %g", p->score_max);
		printf("\n");
		for (size_t c = 0; c < p->ncols; c++)
			printf("  %-28s %s%s\n", csvp_field_name(p->cols[c].field),
			       p->cols[c].names, p->cols[c].required ? " (required)" : "");
	}
}

int cmd_import_csv(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge import csv --profile P [--tool TOOL] FILE [--db FILE] "
		     "[--district-id N]\n"
		     "       edbridge import csv --profile-file F --tool TOOL FILE ...\n"
		     "       edbridge import csv --list-profiles\n\n"
		     "Imports a vendor's CSV export as learning events of TOOL (its id or name)\n"
		     "through the profile P, which maps the vendor's columns to event fields.\n"
		     "The whole file is checked first: any error rejects it, nothing is stored,\n"
		     "and each problem is listed as file:line:column: field: reason (at most 50),\n"
		     "exit status 1. Otherwise every row is stored in one transaction; students\n"
		     "not in the roster and evidence without a standard go to the quarantine with\n"
		     "the reason. Rows imported before (same tool, same content) are skipped.\n"
		     "--profile-file reads a profile from `key = value` lines "
		     "(docs/csv_profiles.md).\n"))
		return 0;
	if (cli_flag(argc, argv, "--list-profiles")) {
		list_profiles();
		return 0;
	}
	static const char *const valued[] = { "--db",	"--district-id",  "--profile",
					      "--tool", "--profile-file", NULL };
	const char *path = cli_positional(argc, argv, 0, valued);
	const char *pname = cli_opt(argc, argv, "--profile");
	const char *pfile = cli_opt(argc, argv, "--profile-file");
	const char *tname = cli_opt(argc, argv, "--tool");
	if (!path || (!pname == !pfile)) {
		fprintf(stderr,
			"import csv: --profile P (or --profile-file F) and FILE are required"
			" (profiles: `edbridge import csv --list-profiles`)\n");
		return 2;
	}
	const struct csv_profile *p = pname ? csvp_find(pname) : NULL;
	struct csvp_custom *custom = NULL;
	if (pfile) {
		size_t plen;
		char *ptext = cli_read_file("import csv", pfile, 65536, &plen);
		char why[200];
		custom = malloc(sizeof *custom);
		if (!ptext || !custom) {
			free(ptext);
			free(custom);
			return 2;
		}
		if (csvp_parse_profile(ptext, custom, why, sizeof why)) {
			fprintf(stderr, "import csv: %s: %s\n", pfile, why);
			free(ptext);
			free(custom);
			return 2;
		}
		free(ptext);
		p = &custom->p;
	}
	if (!p) {
		fprintf(stderr,
			"import csv: --profile: no profile named '%s' (try --list-profiles)\n",
			pname);
		return 2;
	}
	size_t len;
	char *data = cli_read_file("import csv", path, CSVP_MAX_FILE, &len);
	if (!data) {
		free(custom);
		return 1;
	}
	struct db *db;
	if (cli_open_db(argc, argv, false, &db)) {
		free(data);
		free(custom);
		return 1;
	}
	int64_t district;
	struct tool t;
	int status = 1;
	if (cli_district(argc, argv, db, &district))
		goto out;
	if (!tname) {
		/* without --tool, a district with a single tool means that one */
		struct arena ar;
		struct tool_row *rows;
		size_t n = 0;
		arena_init(&ar);
		tools_list(db, district, -1, false, &ar, &rows, &n);
		if (n == 1)
			tools_get(db, district, rows[0].id, &t);
		arena_free(&ar);
		if (n != 1) {
			fprintf(stderr,
				"import csv: --tool TOOL: the district has %zu tools; name the one"
				" whose export this is (see `edbridge tool list`)\n",
				n);
			goto out;
		}
	} else if (tools_find(db, district, tname, &t)) {
		fprintf(stderr,
			"import csv: --tool: no tool '%s' in this district (see `edbridge tool "
			"list`)\n",
			tname);
		goto out;
	}
	struct csvp_report *rep = malloc(sizeof *rep);
	if (!rep)
		goto out;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	enum eb_err rc = csvp_import(db, district, t.id, p, base, data, len, rep);
	if (rc == EB_OK) {
		printf("rows: %zu\nevents: %zu\nquarantined: %zu\nskipped: %zu\n", rep->rows,
		       rep->events, rep->quarantined, rep->skipped);
		status = 0;
	} else if (rep->nerrors) {
		size_t shown = rep->nerrors < CSVP_MAX_ERRORS ? rep->nerrors : CSVP_MAX_ERRORS;
		for (size_t i = 0; i < shown; i++)
			fprintf(stderr, "%s\n", rep->errors[i]);
		if (rep->nerrors > shown)
			fprintf(stderr, "... and %zu more\n", rep->nerrors - shown);
		fprintf(stderr, "import csv: %s rejected, nothing stored\n", base);
	} else {
		fprintf(stderr, "import csv: %s: %s; nothing stored\n", base, eb_strerror(rc));
	}
	free(rep);
out:
	db_close(db);
	free(data);
	free(custom);
	return status;
}
