/* `edbridge import oneroster PATH [--strict] [--allow-large-removal]
 *  [--db FILE] [--district-id N]` */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "ingest/oneroster.h"
#include "store/db.h"

int cmd_import_oneroster(int argc, char **argv)
{
	if (cli_help(
		    argc, argv,
		    "usage: edbridge import oneroster PATH [--strict] [--allow-large-removal]\n"
		    "                                 [--db FILE] [--district-id N]\n\n"
		    "Imports a OneRoster 1.1 or 1.2 CSV export (a folder or a .zip) into the\n"
		    "district's roster. manifest.csv decides per file: bulk (the full set; rows\n"
		    "left out are deleted), delta (upserts; status tobedeleted deletes) or "
		    "absent.\n\n"
		    "Every sound row is applied; a bad row is set aside and listed as\n"
		    "file:line: field: reason; a row whose parent (org, course, school, class,\n"
		    "user ...) is missing is kept waiting and applied by the first later import\n"
		    "that brings the parent. Status inactive (OneRoster 1.0) is read as\n"
		    "tobedeleted, with a warning.\n"
		    "An import that would remove more than 10 % of the district's students,\n"
		    "classes or enrollments (a truncated export) stops before writing anything.\n\n"
		    "  --strict               any error rejects the whole import (nothing stored)\n"
		    "  --allow-large-removal  confirm a large removal: the export is complete\n\n"
		    "Exit status: 0 every row applied; 3 applied, with rows set aside or\n"
		    "waiting (listed); 1 refused, nothing stored (errors listed); 2 usage.\n"
		    "Each run is listed on the import history page (/admin/imports).\n"))
		return 0;
	static const char *const valued[] = { "--db", "--district-id", NULL };
	const char *path = cli_positional(argc, argv, 0, valued);
	if (!path) {
		fprintf(stderr, "import oneroster: PATH (a folder or a .zip) is required\n");
		return 2;
	}
	struct db *db;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int64_t district;
	if (cli_district(argc, argv, db, &district)) {
		db_close(db);
		return 1;
	}
	struct oneroster_options opts = {
		.strict = cli_flag(argc, argv, "--strict"),
		.allow_large_removal = cli_flag(argc, argv, "--allow-large-removal"),
		.removal_limit = 0.10,
		.actor = "command line",
	};
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_path_opts(db, district, path, &opts, &rep);
	oneroster_report_print(&rep, stdout, stderr);
	int status = rc == EB_OK ? 0 : 1;
	if (rc == EB_OK) {
		printf("import_run: %lld (OneRoster %s, %s, %.2f s)\n", (long long)rep.run_id,
		       rep.version, opts.strict ? "strict" : "lenient", rep.seconds);
		size_t waiting = 0;
		for (size_t i = 0; i < rep.nwaiting; i++)
			waiting += !rep.waiting[i].linked;
		if (rep.naside || waiting) {
			printf("imported with %zu row%s set aside and %zu waiting (exit status "
			       "3)\n",
			       rep.naside, rep.naside == 1 ? "" : "s", waiting);
			status = 3;
		}
	}
	oneroster_report_free(&rep);
	db_close(db);
	return status;
}
