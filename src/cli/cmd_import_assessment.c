/* `edbridge import assessment --name NAME --scale-min A --scale-max B
 *  [--date-format F] [--col-student C] [--col-date C] [--col-score C] FILE`
 * `edbridge import usage --initiative ID FILE` and
 * `edbridge import item-results --assessment ID FILE`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/audit.h"
#include "domain/initiatives.h"
#include "ingest/assessment_csv.h"
#include "ingest/item_results.h"
#include "store/db.h"

int cmd_import_assessment(int argc, char **argv);
int cmd_import_usage(int argc, char **argv);
int cmd_import_item_results(int argc, char **argv);

#define FILE_MAX (512u << 20)

/* A file import's common part: the database, the district and the file
 * read whole; import_finish reports and frees. */
struct import_run {
	const char *cmd;
	struct db *db;
	int64_t district;
	char *data;
	size_t len;
	struct buf errs; /* FILE:LINE: field: reason lines */
};

/* Opens the database and the district and reads path: 0, else the exit
 * status (1) after a message, with nothing left open. */
static int import_start(struct import_run *r, const char *cmd, int argc, char **argv,
			const char *path)
{
	memset(r, 0, sizeof *r);
	r->cmd = cmd;
	if (cli_open_db(argc, argv, false, &r->db))
		return 1;
	if (cli_district(argc, argv, r->db, &r->district) ||
	    !(r->data = cli_read_file(cmd, path, FILE_MAX, &r->len))) {
		db_close(r->db);
		return 1;
	}
	buf_init(&r->errs, 1 << 20);
	return 0;
}

/* After the import's result e: its errors and "rejected, nothing stored"
 * when it failed; frees r. Returns the exit status. */
static int import_finish(struct import_run *r, enum eb_err e)
{
	if (e) {
		fputs(buf_cstr(&r->errs), stderr);
		fprintf(stderr, "%s: rejected, nothing stored\n", r->cmd);
	}
	buf_free(&r->errs);
	free(r->data);
	db_close(r->db);
	return e ? 1 : 0;
}

static int parse_double(const char *cmd, const char *name, const char *v, double *out)
{
	if (!v || str_to_double(str_from(v), out)) {
		fprintf(stderr, "%s: %s must be a number%s%s%s\n", cmd, name, v ? ", not '" : "",
			v ? v : "", v ? "'" : "");
		return -1;
	}
	return 0;
}

int cmd_import_assessment(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge import assessment --name NAME --scale-min A --scale-max B\n"
		     "         [--date-format YYYY-MM-DD|MM/DD/YYYY|DD/MM/YYYY|YYYYMMDD]\n"
		     "         [--col-student student_id] [--col-date date] [--col-score score] "
		     "FILE\n\n"
		     "Imports one assessment's scores (unit quiz, interim benchmark, state test) "
		     "per\n"
		     "student and date. Optional columns assessment, scale_min, scale_max must "
		     "agree\n"
		     "with --name and the scale. Unknown students, scores outside the scale,\n"
		     "duplicate rows or mixed scales reject the whole file (FILE:LINE: field: "
		     "reason),\n"
		     "exit status 1; nothing is stored.\n"))
		return 0;
	static const char *const valued[] = { "--name",	       "--scale-min",
					      "--scale-max",   "--date-format",
					      "--col-student", "--col-date",
					      "--col-score",   NULL };
	const char *path = cli_positional(argc, argv, 0, valued);
	struct assessment_profile p = { 0 };
	p.name = cli_opt(argc, argv, "--name");
	p.date_format = cli_opt(argc, argv, "--date-format");
	p.col_student = cli_opt(argc, argv, "--col-student");
	p.col_date = cli_opt(argc, argv, "--col-date");
	p.col_score = cli_opt(argc, argv, "--col-score");
	if (!path || !p.name) {
		fprintf(stderr,
			"import assessment: --name NAME and FILE are required (see --help)\n");
		return 2;
	}
	if (parse_double("import assessment", "--scale-min", cli_opt(argc, argv, "--scale-min"),
			 &p.scale_min) ||
	    parse_double("import assessment", "--scale-max", cli_opt(argc, argv, "--scale-max"),
			 &p.scale_max))
		return 2;
	if (p.date_format && assessment_csv_date_format_ok(p.date_format)) {
		fprintf(stderr, "import assessment: --date-format must be YYYY-MM-DD, MM/DD/YYYY,"
				" DD/MM/YYYY or YYYYMMDD\n");
		return 2;
	}
	struct import_run r;
	if (import_start(&r, "import assessment", argc, argv, path))
		return 1;
	size_t rows = 0;
	enum eb_err e =
		assessment_csv_import(r.db, r.district, path, r.data, r.len, &p, &rows, &r.errs);
	if (!e)
		printf("assessment: %s\nscores: %zu\n", p.name, rows);
	return import_finish(&r, e);
}

int cmd_import_usage(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge import usage --initiative ID FILE\n\n"
		     "Imports each student's use of the initiative's tool: columns student_id,\n"
		     "minutes, sessions. Bad rows reject the whole file; nothing is stored.\n"))
		return 0;
	static const char *const valued[] = { "--initiative", NULL };
	const char *path = cli_positional(argc, argv, 0, valued);
	int64_t iid;
	if (cli_opt_int(argc, argv, "--initiative", 1, INT64_MAX, 0, &iid))
		return 2;
	if (!path || !iid) {
		fprintf(stderr, "import usage: --initiative ID and FILE are required\n");
		return 2;
	}
	struct import_run r;
	if (import_start(&r, "import usage", argc, argv, path))
		return 1;
	struct arena a;
	arena_init(&a);
	struct initiative in;
	enum eb_err e = initiative_get(r.db, r.district, iid, &a, &in);
	arena_free(&a);
	if (e) {
		fprintf(stderr, "import usage: no initiative %lld in this district\n",
			(long long)iid);
		import_finish(&r, EB_OK);
		return 1;
	}
	size_t rows = 0;
	e = usage_csv_import(r.db, r.district, iid, path, r.data, r.len, &rows, &r.errs);
	if (!e)
		printf("initiative: %lld\nstudents: %zu\n", (long long)iid, rows);
	return import_finish(&r, e);
}

int cmd_import_item_results(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge import item-results --assessment ID FILE\n\n"
		     "Imports the item results of a common assessment (see /assessments): one\n"
		     "row per student and item, columns student_id, item, response (the letter\n"
		     "chosen on a multiple-choice item) or points (on an item scored in points),\n"
		     "date (YYYY-MM-DD). A result stored before for the same student and item\n"
		     "is replaced. Unknown students or items, responses outside the item's\n"
		     "choices, points outside its range, bad dates or duplicate rows reject the\n"
		     "whole file (FILE:LINE: field: reason), exit status 1; nothing is stored.\n"))
		return 0;
	static const char *const valued[] = { "--assessment", NULL };
	const char *path = cli_positional(argc, argv, 0, valued);
	int64_t aid;
	if (cli_opt_int(argc, argv, "--assessment", 1, INT64_MAX, 0, &aid))
		return 2;
	if (!path || !aid) {
		fprintf(stderr, "import item-results: --assessment ID and FILE are required"
				" (see --help)\n");
		return 2;
	}
	struct import_run r;
	if (import_start(&r, "import item-results", argc, argv, path))
		return 1;
	struct item_results_report rep;
	struct audit_actor cli = { 0, "cli", "" };
	enum eb_err e = item_results_import(r.db, r.district, aid, &cli, path, r.data, r.len, &rep,
					    &r.errs);
	if (e == EB_ENOTFOUND) {
		fprintf(stderr, "import item-results: no common assessment %lld in this district\n",
			(long long)aid);
		import_finish(&r, EB_OK);
		return 1;
	}
	if (!e)
		printf("assessment: %lld\nrows: %zu\nnew or changed: %zu\nstudents: %zu\n",
		       (long long)aid, rep.rows, rep.changed, rep.students);
	return import_finish(&r, e);
}
