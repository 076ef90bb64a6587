/* `edbridge init --district NAME` */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/district.h"
#include "store/db.h"

int cmd_init(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge init --district NAME [--db FILE]\n\n"
		     "Creates the database (if needed) and a district in it; prints the district id.\n"))
		return 0;
	const char *name = cli_opt(argc, argv, "--district");
	if (!name) {
		fprintf(stderr, "init: --district NAME is required\n");
		return 2;
	}
	struct db *db;
	if (cli_open_db(argc, argv, true, &db))
		return 1;
	int64_t id;
	enum eb_err rc = district_create(db, name, &id);
	if (rc == EB_EINVAL)
		fprintf(stderr, "init: --district: the name must be 1 to 200 characters\n");
	else if (rc)
		fprintf(stderr, "init: %s\n", eb_strerror(rc));
	else
		printf("district_id: %lld\n", (long long)id);
	db_close(db);
	return rc ? 1 : 0;
}
