/* `edbridge device import|list` - the device inventory (docs/devices.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/audit.h"
#include "domain/device.h"
#include "ingest/device_csv.h"
#include "store/db.h"

#define FILE_MAX (256u << 20)

static const char usage[] =
	"usage: edbridge device import [--profile google|generic] FILE\n"
	"       edbridge device list [--overdue]\n\n"
	"import reads a device inventory CSV: the Google Admin console's ChromeOS device\n"
	"  export (profile google, the default) or our own columns (generic; see\n"
	"  docs/devices.md). Each row is added or updated by its asset tag, or by its\n"
	"  serial number when the asset tag is empty. A duplicate asset tag or serial, an\n"
	"  unknown school, a bad date, kind or status refuses the whole file\n"
	"  (FILE:LINE: field: reason), exit status 1; nothing is stored. Prints\n"
	"  `rows: N`, `created: N`, `updated: N`.\n"
	"list prints asset tag, serial, kind, status, school and holder, tab-separated\n"
	"  (--overdue: only loans past their due date, with the due date).\n";

static const char *const valued[] = { "--profile", "--db", "--district-id", NULL };

static int device_import(int argc, char **argv, struct db *db, int64_t d)
{
	const char *path = cli_positional(argc, argv, 1, valued);
	const char *pname = cli_opt(argc, argv, "--profile");
	const struct device_profile *p = device_profile_find(pname ? pname : "google");
	if (!p) {
		fprintf(stderr, "device import: --profile must be one of %s\n",
			device_profile_names());
		return 2;
	}
	if (!path) {
		fprintf(stderr, "device import: FILE is required (see --help)\n");
		return 2;
	}
	size_t len;
	char *data = cli_read_file("device import", path, FILE_MAX, &len);
	if (!data)
		return 1;
	struct buf errs;
	buf_init(&errs, 1 << 20);
	struct device_import_report rep;
	struct audit_actor cli = { 0, "cli", "" };
	enum eb_err e = device_csv_import(db, d, &cli, p, path, data, len, time_now(), &rep, &errs);
	free(data);
	if (e) {
		fputs(buf_cstr(&errs), stderr);
		fprintf(stderr, "device import: rejected, nothing stored\n");
	} else {
		printf("rows: %zu\ncreated: %zu\nupdated: %zu\n", rep.rows, rep.created,
		       rep.updated);
	}
	buf_free(&errs);
	return e ? 1 : 0;
}

static int device_list_cmd(int argc, char **argv, struct db *db, int64_t d)
{
	struct arena a;
	arena_init(&a);
	struct device *v = NULL;
	size_t n = 0, total = 0;
	enum eb_err e;
	bool overdue = cli_flag(argc, argv, "--overdue");
	char today[11];
	device_today(db, d, time_now(), today);
	struct device_filter f = { .overdue = overdue, .limit = 500 };
	do {
		e = device_list(db, d, &f, &a, &v, &n, &total);
		for (size_t i = 0; !e && i < n; i++) {
			printf("%s\t%s\t%s\t%s\t%s\t%s", v[i].asset_tag, v[i].serial,
			       device_kind_name(v[i].kind), device_status_name(v[i].status),
			       v[i].school_sid, v[i].assignee_sid ? v[i].assignee_sid : "");
			if (overdue)
				printf("\t%s", v[i].due_date ? v[i].due_date : "");
			putchar('\n');
		}
		f.offset += n;
		arena_reset(&a);
	} while (!e && n && f.offset < total);
	arena_free(&a);
	if (e) {
		fprintf(stderr, "device list: %s\n", eb_strerror(e));
		return 1;
	}
	return 0;
}

int cmd_device(int argc, char **argv)
{
	if (cli_help(argc, argv, usage))
		return 0;
	const char *sub = cli_positional(argc, argv, 0, valued);
	if (!sub || (strcmp(sub, "import") && strcmp(sub, "list"))) {
		fputs(usage, stderr);
		return 2;
	}
	const char *pname = cli_opt(argc, argv, "--profile");
	if (pname && !device_profile_find(pname)) {
		fprintf(stderr, "device import: --profile must be one of %s\n",
			device_profile_names());
		return 2;
	}
	struct db *db;
	int64_t d;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	if (cli_district(argc, argv, db, &d)) {
		db_close(db);
		return 1;
	}
	int rc = strcmp(sub, "import") == 0 ? device_import(argc, argv, db, d)
					    : device_list_cmd(argc, argv, db, d);
	db_close(db);
	return rc;
}
