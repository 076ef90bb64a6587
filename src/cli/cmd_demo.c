/* `edbridge demo` - build the simulated demo district through the real
 * OneRoster import path, give each role a login, and serve it. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/serve.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "ingest/oneroster.h"
#include "sim/district.h"
#include "store/db.h"

#define DEMO_PASSWORD "edbridge-demo"

struct demo_login {
	const char *login, *name;
	enum role role;
	const char *scope_type;
	const char *scope_id;	/* NULL: the district */
	const char *person;	/* roster person or NULL */
};

static enum eb_err add_login(struct db *db, int64_t d, const struct demo_login *l, int64_t *id)
{
	char did[24];
	snprintf(did, sizeof did, "%lld", (long long)d);
	enum eb_err rc = account_create(db, d, l->login, l->name, DEMO_PASSWORD, l->person, id);
	if (!rc)
		rc = account_add_role(db, d, *id, l->role, l->scope_type,
				      l->scope_id ? l->scope_id : did);
	if (rc)
		fprintf(stderr, "demo: login %s: %s\n", l->login, eb_strerror(rc));
	return rc;
}

static enum eb_err build_demo(struct db *db, const struct sim_params *p, char *code_out)
{
	struct sim_district *sd = NULL;
	struct sim_csv_file files[SIM_CSV_FILE_COUNT];
	size_t nfiles = 0;
	struct oneroster_report rep;
	int64_t d;
	enum eb_err rc;
	double t0 = time_mono();

	oneroster_report_init(&rep);
	rc = sim_district_build(p, &sd);
	if (rc) {
		fprintf(stderr, "demo: cannot build the district: %s\n", eb_strerror(rc));
		goto out;
	}
	rc = sim_write_oneroster_mem(sd, files, &nfiles);
	if (rc)
		goto out;
	rc = district_create(db, "Maple Valley Unified (demo)", &d);
	if (rc)
		goto out;
	struct oneroster_file of[SIM_CSV_FILE_COUNT];
	for (size_t i = 0; i < nfiles; i++) {
		of[i].name = files[i].name;
		of[i].data = files[i].data.data;
		of[i].len = files[i].data.len;
	}
	rc = oneroster_import_files(db, d, of, nfiles, &rep);
	oneroster_report_print(&rep, stdout, stderr);
	if (rc) {
		fprintf(stderr, "demo: the simulated roster did not import (a bug): %s\n",
			eb_strerror(rc));
		goto out;
	}

	struct sim_demo_people dp;
	rc = sim_demo_people(sd, &dp);
	if (rc)
		goto out;
	size_t ti;
	char champ_school[SIM_ID_MAX] = "";
	size_t nt;
	const struct sim_teacher *teachers = sim_teachers(sd, &nt);
	if (sim_teacher_find(sd, dp.tech_champion, &ti) == EB_OK)
		sim_school_id(sd, (size_t)teachers[ti].school, champ_school);
	const struct demo_login logins[] = {
		{ "admin", "Demo District Administrator", ROLE_DISTRICT_ADMIN, "district", NULL, dp.district_admin },
		{ "coordinator", "Demo Math Coordinator", ROLE_COORDINATOR, "district", NULL, dp.coordinator },
		{ "principal", "Demo Principal", ROLE_PRINCIPAL, "school", dp.principal_school, dp.principal },
		{ "coach", "Demo Instructional Coach", ROLE_COACH, "district", NULL, dp.coach },
		{ "teacher", "Demo Teacher", ROLE_TEACHER, "school", dp.teacher_school, dp.teacher },
		{ "champion", "Demo Tech Champion", ROLE_TECH_CHAMPION, "school", champ_school, dp.tech_champion },
		{ "itstaff", "Demo IT Staff", ROLE_IT_STAFF, "district", NULL, dp.it_staff },
		{ "vendor", "Demo Vendor Contact", ROLE_VENDOR_CONTACT, "district", NULL, NULL },
		{ "parent", "Demo Parent", ROLE_GUARDIAN, "person", dp.children[0], dp.guardian },
		{ "student", "Demo Student", ROLE_STUDENT, "person", dp.student, dp.student },
	};
	if ((rc = db_begin(db)))
		goto out;
	int64_t ids[sizeof logins / sizeof logins[0]];
	for (size_t i = 0; i < sizeof logins / sizeof logins[0]; i++)
		if ((rc = add_login(db, d, &logins[i], &ids[i])))
			break;
	/* the tech champion also teaches; the parent sees every child */
	if (!rc)
		rc = account_add_role(db, d, ids[5], ROLE_TEACHER, "school", champ_school);
	for (size_t k = 1; !rc && k < dp.nchildren; k++)
		rc = account_add_role(db, d, ids[8], ROLE_GUARDIAN, "person", dp.children[k]);
	if (!rc)
		rc = account_issue_code(db, d, ids[8], 30, code_out);
	if (!rc) {
		struct audit_actor who = { 0, "cli", "" };
		rc = audit_record(db, d, &who, "create", "account", "demo logins", "edbridge demo");
	}
	if (rc) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db);
	printf("demo district built in %.1f s: %d students, seed %llu\n", time_mono() - t0,
	       p->students, (unsigned long long)p->seed);
out:
	oneroster_report_free(&rep);
	if (nfiles)
		sim_csv_files_free(files, nfiles);
	sim_district_free(sd);
	return rc;
}

static void print_logins(const char *code)
{
	printf("\nLog in at the address above with any of these (password: %s):\n", DEMO_PASSWORD);
	static const char *const rows[][2] = {
		{ "admin", "district administrator: users, roles, audit log" },
		{ "coordinator", "math coordinator: the whole district" },
		{ "principal", "principal of one school" },
		{ "coach", "instructional coach" },
		{ "teacher", "teacher: their classes and students" },
		{ "champion", "tech champion of one school" },
		{ "itstaff", "district IT staff" },
		{ "vendor", "vendor contact" },
		{ "parent", "parent of two children" },
		{ "student", "student" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		printf("  %-12s %s\n", rows[i][0], rows[i][1]);
	if (code && *code)
		printf("Family access code for 'parent' (works once, at /login/code): %s\n", code);
}

int cmd_demo(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge demo [--seed N] [--students N] [--port N] [--no-serve]\n"
		     "                     [--fresh] [--db FILE]\n\n"
		     "Generates the simulated demo district (default 3,000 students in 4\n"
		     "elementary and 2 middle schools, seed 1), imports it through the OneRoster\n"
		     "path, creates one login per role, prints them and serves on port 8080.\n"
		     "An existing demo database is served as it is; --fresh rebuilds it.\n"))
		return 0;
	int64_t seed, students, port;
	if (cli_opt_int(argc, argv, "--seed", 0, INT64_MAX, 1, &seed) ||
	    cli_opt_int(argc, argv, "--students", 10, 2000000, 3000, &students) ||
	    cli_opt_int(argc, argv, "--port", 0, 65535, 8080, &port))
		return 2;
	const char *path = cli_db_path(argc, argv);
	if (cli_flag(argc, argv, "--fresh")) {
		char side[1024];
		unlink(path);
		snprintf(side, sizeof side, "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof side, "%s-shm", path);
		unlink(side);
	}
	struct db *db;
	if (cli_open_db(argc, argv, true, &db))
		return 1;
	int64_t d;
	char code[32] = "";
	enum eb_err rc = district_only(db, &d);
	if (rc == EB_ENOTFOUND) {
		struct sim_params p;
		if (students == 3000)
			sim_params_default(&p);
		else
			sim_params_scaled(&p, (int)students);
		p.seed = (uint64_t)seed;
		rc = build_demo(db, &p, code);
	} else if (rc == EB_OK) {
		printf("demo: %s already holds a district; serving it (use --fresh to rebuild)\n", path);
	} else {
		fprintf(stderr, "demo: %s holds several districts; use `edbridge serve`\n", path);
	}
	db_close(db);
	if (rc)
		return 1;
	print_logins(code);
	if (cli_flag(argc, argv, "--no-serve"))
		return 0;
	printf("\n");
	return serve_run(path, "127.0.0.1", (int)port, 0, false, NULL, NULL);
}
