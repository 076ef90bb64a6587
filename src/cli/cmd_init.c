/* `edbridge init --district NAME` */
#include <stdio.h>

#include "base/tz.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/district.h"
#include "store/db.h"

int cmd_init(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge init --district NAME [--time-zone ZONE] [--db FILE]\n\n"
		     "Creates the database (if needed) and a district in it; prints the district "
		     "id.\n"
		     "--time-zone: the zone its pages show times in, an IANA name such as\n"
		     "America/New_York (default " DISTRICT_TIME_ZONE_DEFAULT
		     "; the administrator can\n"
		     "change it at /admin/district).\n"))
		return 0;
	const char *name = cli_opt(argc, argv, "--district");
	if (!name) {
		fprintf(stderr, "init: --district NAME is required\n");
		return 2;
	}
	const char *zone = cli_opt(argc, argv, "--time-zone");
	if (zone && !tz_get(zone)) {
		fprintf(stderr,
			"init: --time-zone: '%s' is not a time zone of this machine's"
			" tz database (like America/Chicago)\n",
			zone);
		return 2;
	}
	struct db *db;
	if (cli_open_db(argc, argv, true, &db))
		return 1;
	int64_t id;
	enum eb_err rc = district_create(db, name, &id);
	if (!rc && zone)
		rc = district_set_time_zone(db, id, zone);
	if (rc == EB_EINVAL)
		fprintf(stderr, "init: --district: the name must be 1 to 200 characters\n");
	else if (rc)
		fprintf(stderr, "init: %s\n", eb_strerror(rc));
	else
		printf("district_id: %lld\n", (long long)id);
	db_close(db);
	return rc ? 1 : 0;
}
