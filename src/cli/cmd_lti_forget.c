/* cmd_lti_forget.c - deletion on request from the command line (issue 16,
 * h16-ags): `edbridge lti forget --tool T --student S` (one student's data
 * of a tool, on a family's request) and `edbridge tool remove T` (every
 * student's data of the tool, and its LTI registration). Both print the
 * report, "table: rows" a line (domain/lti_services.h). */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "domain/lti_services.h"
#include "domain/tools.h"
#include "store/db.h"

static const char forget_usage[] =
	"usage: edbridge lti forget --tool TOOL --student SOURCED_ID [--db FILE] [--district-id "
	"N]\n"
	"       edbridge tool remove TOOL [--db FILE] [--district-id N]\n\n"
	"lti forget deletes what TOOL sent or holds about one student (learning events,\n"
	"  xAPI statements and Caliper events, scores, the pseudonymous id) and recomputes\n"
	"  the student's mastery from the evidence left, on a family's request under the\n"
	"  district's policy.\n"
	"tool remove does it for every student, removes the tool's LTI registration, line\n"
	"  items, tokens, credentials and scopes, and retires the tool.\n"
	"Both print what was removed, `table: rows` a line, and are audited.\n";

static const struct audit_actor cli_actor = { 0, "cli", "" };

static int forget(int argc, char **argv, const char *which, const char *student)
{
	if (cli_help(argc, argv, forget_usage))
		return 0;
	if (!which || !*which || (student && !*student)) {
		fputs(forget_usage, stderr);
		return 2;
	}
	struct db *db;
	int64_t d;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int rc = 1;
	struct tool t;
	struct lti_forget_report rep;
	const char *cmd = student ? "lti forget" : "tool remove";
	if (cli_district(argc, argv, db, &d) != EB_OK)
		goto out;
	if (tools_find(db, d, which, &t)) {
		fprintf(stderr, "%s: --tool: no tool '%s' in this district\n", cmd, which);
		goto out;
	}
	enum eb_err e = lti_forget(db, d, t.id, student, &cli_actor, &rep);
	if (e == EB_ENOTFOUND) {
		fprintf(stderr,
			"%s: --student: no student '%s' in this district; nothing removed\n", cmd,
			student ? student : "");
		goto out;
	}
	if (e) {
		fprintf(stderr, "%s: nothing removed: %s\n", cmd, eb_strerror(e));
		goto out;
	}
	struct buf b = BUF_INIT;
	buf_init(&b, 8192);
	lti_forget_describe(&rep, &b);
	printf("students: %lld\n%s%s", (long long)rep.students, b.len ? buf_cstr(&b) : "",
	       b.len ? "\n" : "");
	buf_free(&b);
	rc = 0;
out:
	db_close(db);
	return rc;
}

int cmd_lti_forget(int argc, char **argv)
{
	return forget(argc, argv, cli_opt(argc, argv, "--tool"),
		      cli_opt(argc, argv, "--student") ? cli_opt(argc, argv, "--student") : "");
}

int cmd_tool_remove(int argc, char **argv)
{
	static const char *const valued[] = { "--db", "--district-id", NULL };
	return forget(argc, argv, cli_positional(argc, argv, 1, valued), NULL);
}
