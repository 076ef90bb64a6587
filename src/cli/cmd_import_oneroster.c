/* `edbridge import oneroster PATH [--db FILE] [--district-id N]` */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "ingest/oneroster.h"
#include "store/db.h"

int cmd_import_oneroster(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge import oneroster PATH [--db FILE] [--district-id N]\n\n"
		     "Imports a OneRoster 1.1 or 1.2 CSV export (a folder or a .zip) into the\n"
		     "district's roster. manifest.csv decides per file: bulk (the full set; rows\n"
		     "left out are deleted), delta (upserts; status tobedeleted deletes) or "
		     "absent.\n"
		     "Any error rejects the whole import: nothing is stored, every problem is\n"
		     "listed as file:line:column: field: reason (at most 50), exit status 1.\n"))
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
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_path(db, district, path, &rep);
	oneroster_report_print(&rep, stdout, stderr);
	if (rc == EB_OK)
		printf("import_run: %lld (OneRoster %s, %.2f s)\n", (long long)rep.run_id,
		       rep.version, rep.seconds);
	oneroster_report_free(&rep);
	db_close(db);
	return rc == EB_OK ? 0 : 1;
}
