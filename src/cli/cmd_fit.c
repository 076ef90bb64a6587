/* edbridge fit: refits the district's mastery model on all its evidence and
 * recomputes every student x standard estimate (domain/mastery.h). */
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/mastery.h"
#include "domain/recommend.h"
#include "store/db.h"

static const char usage[] =
	"usage: edbridge fit [--db FILE] [--district-id N]\n"
	"\n"
	"Refits the mastery model (knowledge tracing per standard, item and tool\n"
	"difficulty) on every response of the district, stores it, and recomputes\n"
	"every student x standard estimate. Progress goes to stderr on a terminal.\n"
	"A district with no responses yet keeps its previous parameters (exit 1).\n";

static void progress(void *ctx, const char *phase, size_t done, size_t total)
{
	(void)ctx;
	if (total > 1)
		fprintf(stderr, "\r%-10s %zu / %zu", phase, done, total);
	else
		fprintf(stderr, "\r%-10s %s          ", phase, done ? "done" : "...");
	if (done >= total)
		fputc('\n', stderr);
}

int cmd_fit(int argc, char **argv)
{
	if (cli_help(argc, argv, usage))
		return 0;
	struct db *db;
	int64_t d;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	if (cli_district(argc, argv, db, &d)) {
		db_close(db);
		return 1;
	}
	struct mastery_refit_summary s;
	char err[512] = "";
	enum eb_err rc =
		mastery_refit(db, d, NULL, isatty(2) ? progress : NULL, NULL, &s, err, sizeof err);
	/* the recommendations' evidence follows the new estimates */
	struct rec_refresh_summary rs = { 0 };
	enum eb_err rrc = rc ? EB_OK : recommend_refresh(db, d, &rs, err, sizeof err);
	db_close(db);
	if (rrc) {
		fprintf(stderr, "edbridge fit: %s\n", err);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "edbridge fit: %s\n", err[0] ? err : eb_strerror(rc));
		return 1;
	}
	printf("rows: %zu\nstudents: %zu\nstandards: %zu\ncells: %zu\ninferred: %zu\n"
	       "late: %zu\niterations: %d\nfit_seconds: %.3f\ntotal_seconds: %.3f\n",
	       s.rows, s.students, s.standards, s.cells, s.inferred, s.late, s.iterations,
	       s.fit_seconds, s.total_seconds);
	printf("recommend_effects: %zu\nrecommend_tool_standards: %zu\nrecommend_seconds: %.3f\n",
	       rs.effects, rs.tool_standards, rs.seconds);
	return 0;
}
