/* `edbridge evaluate INITIATIVE [--design matched|randomized|did|dose]` */
#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/evaluation.h"
#include "domain/initiatives.h"
#include "store/db.h"

int cmd_evaluate(int argc, char **argv)
{
	if (cli_help(
		    argc, argv,
		    "usage: edbridge evaluate INITIATIVE [--design matched|randomized|did|dose]\n"
		    "                [--icc X] [--outcome-pass-score S] [--db FILE] [--district-id "
		    "N]\n\n"
		    "Evaluates an initiative on its outcome assessment (scores after the start) "
		    "and\n"
		    "pretest (before it) and prints the report one `name: value` per line: n per\n"
		    "group, baseline equivalence, Hedges' g with SE and 95% interval, the p-value\n"
		    "corrected for clustering in classes, improvement index, attrition "
		    "(randomized),\n"
		    "subgroups with Benjamini-Hochberg, the ESSA tier and its reason. With too "
		    "little\n"
		    "data it says so and gives the smallest detectable effect. Default design:\n"
		    "randomized when the initiative has a random assignment, else matched.\n"
		    "Exit 1 with what is missing when there is no outcome data, no comparison "
		    "group,\n"
		    "or an empty group.\n"
		    "--outcome-pass-score S treats the outcome as pass/fail too (pass = score >= "
		    "S, a\n"
		    "cut score) and adds the pass rates and the Cox index with its SE, 95% "
		    "interval\n"
		    "and p (matched and randomized designs); without it, the initiative's stored\n"
		    "cut score (`initiative create --pass-score S`) is used when it has one.\n"
		    "Standards: for each standard the initiative targets (else those its tool's\n"
		    "evidence covers), users and comparison students are compared on the mastery\n"
		    "model's P(mastered) (`standard: CODE n=T/C g= ci= p= p_bh=`), not a test "
		    "score.\n"
		    "No result about fewer than 10 students in a group is printed: such a\n"
		    "subgroup or standard says `not shown`, and a whole sample under that exits "
		    "1.\n"))
		return 0;
	static const char *const valued[] = { "--design", "--icc", "--outcome-pass-score", NULL };
	const char *idv = cli_positional(argc, argv, 0, valued);
	int64_t id;
	if (!idv || cstr_to_i64(idv, 1, INT64_MAX, &id)) {
		fprintf(stderr, "evaluate: INITIATIVE (an initiative id) is required\n");
		return 2;
	}
	const char *dv = cli_opt(argc, argv, "--design");
	enum eval_design design = EVAL_MATCHED;
	if (dv && eval_design_parse(dv, &design)) {
		fprintf(stderr, "evaluate: --design must be matched, randomized, did or dose\n");
		return 2;
	}
	double icc = -1;
	const char *iccv = cli_opt(argc, argv, "--icc");
	if (iccv && (str_to_double(str_from(iccv), &icc) || icc < 0 || icc >= 1)) {
		fprintf(stderr, "evaluate: --icc must be a number in [0, 1)\n");
		return 2;
	}
	double pass = 0;
	const char *pv = cli_opt(argc, argv, "--outcome-pass-score");
	if (pv && (str_to_double(str_from(pv), &pass) || !(pass > -1e9 && pass < 1e9))) {
		fprintf(stderr,
			"evaluate: --outcome-pass-score must be a number (the cut score on the"
			" outcome's scale)\n");
		return 2;
	}
	struct db *db;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int64_t d;
	if (cli_district(argc, argv, db, &d)) {
		db_close(db);
		return 1;
	}
	struct arena a;
	arena_init(&a);
	struct initiative in;
	int rc = 1;
	if (initiative_get(db, d, id, &a, &in)) {
		fprintf(stderr, "evaluate: no initiative %lld in this district\n", (long long)id);
		goto out;
	}
	if (!dv && in.random_unit)
		design = EVAL_RANDOMIZED;
	struct eval_data data;
	char why[512] = "";
	if (eval_load(db, d, &in, design, &a, &data, why, sizeof why)) {
		fprintf(stderr, "evaluate: %s\n", why);
		goto out;
	}
	data.icc = icc;
	/* the cut score given here, else the one stored on the initiative */
	data.has_pass = pv != NULL || in.has_pass;
	data.pass_score = pv ? pass : in.pass_score;
	struct eval_result *r = arena_zalloc(&a, sizeof *r);
	if (eval_run(&data, r, why, sizeof why)) {
		fprintf(stderr, "evaluate: cannot estimate an effect: %s\n", why);
		goto out;
	}
	/* the privacy rule of every output: no group under EVAL_MIN_SHOWN */
	if (eval_suppress_small(r, why, sizeof why)) {
		fprintf(stderr, "evaluate: %s\n", why);
		goto out;
	}
	struct buf out;
	buf_init(&out, 1 << 20);
	buf_printf(&out, "initiative: %lld\ntitle: %s\ntool: %s\noutcome: %s\nstart: %s\n",
		   (long long)in.id, in.title, in.tool_name, in.outcome_assessment, in.start_date);
	eval_write_report(r, &data, &out);
	fputs(buf_cstr(&out), stdout);
	buf_free(&out);
	rc = 0;
out:
	arena_free(&a);
	db_close(db);
	return rc;
}
