/* `edbridge migrate --from FILE.db --to postgresql://...` (store/db_migrate.h). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/db.h"
#include "store/db_migrate.h"

static void print_count(void *ctx, const char *table, int64_t source, int64_t target,
			const char *note)
{
	(void)ctx;
	printf("%-36s %10lld %10lld  %s%s%s\n", table, (long long)source, (long long)target,
	       source == target ? "OK" : "MISMATCH", *note ? "  " : "", note);
}

int cmd_migrate(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge migrate --from FILE.db --to postgresql://...\n\n"
		     "Moves a whole district database from SQLite to PostgreSQL: the target\n"
		     "gets every migration and must hold no district yet; every table is copied\n"
		     "in one transaction (all or nothing), ids kept. Then each table's rows are\n"
		     "counted on both sides (source, target, OK or MISMATCH); any mismatch exits\n"
		     "1. Stop `edbridge serve` on FILE.db first. Sealed secrets move as they are:\n"
		     "serve the PostgreSQL copy with EDBRIDGE_VAULT_KEY_FILE=FILE.db.key (the\n"
		     "same key). Without --to, $EDBRIDGE_DB: keep a password off the command\n"
		     "line (there, or in PGPASSFILE).\n"))
		return 0;
	const char *from = cli_opt(argc, argv, "--from");
	const char *to = cli_opt(argc, argv, "--to");
	if (!to)
		to = getenv("EDBRIDGE_DB");
	if (!from || !to || !*to) {
		fprintf(stderr, "migrate: name the source (--from FILE.db) and the target (--to "
				"postgresql://...)\n");
		return 2;
	}
	char err[600], shown[512];
	db_name_masked(to, shown, sizeof shown);
	printf("%-36s %10s %10s\n", "table", "source", "target");
	int mismatches = 0;
	enum eb_err rc = db_migrate(from, to, print_count, NULL, &mismatches, err, sizeof err);
	if (rc) {
		fprintf(stderr, "migrate: %s\n", err);
		return 1;
	}
	if (mismatches) {
		fprintf(stderr, "migrate: %d tables differ after the copy (MISMATCH above)\n",
			mismatches);
		return 1;
	}
	printf("migrated: %s to %s, every table's rows counted equal\n", from, shown);
	return 0;
}
