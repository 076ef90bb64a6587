/* `edbridge backup FILE` and `edbridge restore FILE`. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "store/db.h"

int cmd_backup(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge backup FILE [--db FILE|URL]\n\n"
		     "Takes a consistent copy of the database while it is in use (the server\n"
		     "may keep running and keep writing): one snapshot, read in one pass, so\n"
		     "its time grows with the database's size, not with the write load.\n"
		     "FILE must not exist yet. The copy is written to FILE.partial-XXXXXX\n"
		     "beside it, flushed to disk, then given its name: an interrupted backup\n"
		     "leaves no FILE, only that .partial file (delete it). FILE holds student\n"
		     "records and is readable by its owner only (mode 0600). On PostgreSQL\n"
		     "it is pg_dump's custom-format archive (postgresql-client-15); a password\n"
		     "in the URL goes to pg_dump in its environment, never its command line.\n"))
		return 0;
	const char *dest = cli_positional(argc, argv, 0, NULL);
	if (!dest) {
		fprintf(stderr, "backup: name the backup FILE\n");
		return 2;
	}
	struct db *db;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	char err[512];
	enum eb_err rc = db_backup(db, dest, err, sizeof err);
	db_close(db);
	if (rc) {
		fprintf(stderr, "backup: %s\n", err);
		return 1;
	}
	printf("backup: %s\n", dest);
	return 0;
}

int cmd_restore(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge restore FILE [--db FILE|URL] [--force]\n\n"
		     "Puts the backup FILE (made by `edbridge backup`) into the database, which\n"
		     "must be empty (a new file, or a PostgreSQL database without tables);\n"
		     "--force replaces what it holds. A backup made by a newer edbridge is\n"
		     "refused. Stop `edbridge serve` first.\n"))
		return 0;
	const char *src = cli_positional(argc, argv, 0, NULL);
	if (!src) {
		fprintf(stderr, "restore: name the backup FILE\n");
		return 2;
	}
	char err[512];
	char shown[512];
	db_name_masked(cli_db_path(argc, argv), shown, sizeof shown);
	if (db_restore(cli_db_path(argc, argv), src, cli_flag(argc, argv, "--force"), err,
		       sizeof err)) {
		fprintf(stderr, "restore: %s\n", err);
		return 1;
	}
	printf("restored: %s from %s\n", shown, src);
	return 0;
}
