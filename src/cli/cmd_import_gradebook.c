/* `edbridge import gradebook PATH [--tool TOOL] [--db FILE] [--district-id N]` */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/tools.h"
#include "ingest/oneroster_gradebook.h"
#include "store/db.h"

int cmd_import_gradebook(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge import gradebook PATH [--tool TOOL] [--db FILE] "
		     "[--district-id N]\n\n"
		     "Imports the OneRoster 1.2 Gradebook files of a package (a folder or a .zip:\n"
		     "lineItems.csv, results.csv, lineItemLearningObjectiveIds.csv,\n"
		     "resultLearningObjectiveIds.csv, categories.csv, scoreScales.csv ...) into\n"
		     "the district. Each fully graded result becomes evidence for mastery on the\n"
		     "standards its learning objectives resolve to; a result sent again replaces\n"
		     "what it gave before. TOOL (an inventory tool's id or name) is the system\n"
		     "whose gradebook it is; without it, the district's own gradebook.\n"
		     "Any error in a file rejects the import: nothing is stored, every problem is\n"
		     "listed as file:line: field: reason (at most 50 per file), exit status 1.\n"
		     "Records that refer to a class, student or line item the district does not\n"
		     "have are set aside and listed with the reason; the rest is stored.\n"
		     "(A OneRoster import package that carries these files imports them too.)\n"))
		return 0;
	static const char *const valued[] = { "--db", "--district-id", "--tool", NULL };
	const char *path = cli_positional(argc, argv, 0, valued);
	const char *tname = cli_opt(argc, argv, "--tool");
	if (!path) {
		fprintf(stderr, "import gradebook: PATH (a folder or a .zip) is required\n");
		return 2;
	}
	struct db *db;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int status = 1;
	int64_t district;
	struct tool t = { 0 };
	struct oneroster_report orep;
	struct oneroster_file *files = NULL;
	size_t n = 0;
	struct buf errs = BUF_INIT, lines = BUF_INIT, counts = BUF_INIT;
	oneroster_report_init(&orep);
	if (cli_district(argc, argv, db, &district))
		goto out;
	if (tname && tools_find(db, district, tname, &t)) {
		fprintf(stderr,
			"import gradebook: --tool: no tool '%s' in this district (see `edbridge "
			"tool list`)\n",
			tname);
		goto out;
	}
	if (oneroster_load_path(path, &files, &n, &orep)) {
		oneroster_report_print(&orep, stdout, stderr);
		goto out;
	}
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any = any || gradebook_csv_name(files[i].name);
	if (!any) {
		fprintf(stderr,
			"import gradebook: %s holds no Gradebook file (lineItems.csv, "
			"results.csv ...); nothing stored\n",
			path);
		goto out;
	}
	struct gradebook_report rep = { .out = &lines };
	enum eb_err rc = oneroster_gradebook_import(db, district, t.id, files, n, &errs, &rep);
	if (rc == EB_EPARSE) {
		fputs(buf_cstr(&errs), stderr);
		fprintf(stderr, "import gradebook: %s rejected, nothing stored\n", path);
		goto out;
	}
	if (rc) {
		fprintf(stderr, "import gradebook: %s: %s (%s); nothing stored\n", path,
			eb_strerror(rc), db_errmsg(db));
		goto out;
	}
	gradebook_report_counts(&rep, &counts);
	fputs(buf_cstr(&counts), stdout);
	if (lines.len)
		fputs(buf_cstr(&lines), stdout);
	status = 0;
out:
	buf_free(&errs);
	buf_free(&lines);
	buf_free(&counts);
	oneroster_files_free(files, n);
	oneroster_report_free(&orep);
	db_close(db);
	return status;
}
