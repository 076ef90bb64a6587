/* `edbridge initiative create|list|show|status|randomize ...` */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/account.h"
#include "domain/initiatives.h"
#include "store/db.h"

static const char usage_text[] =
	"usage: edbridge initiative SUBCOMMAND ... [--db FILE] [--district-id N]\n\n"
	"  create --title T --need TEXT --tool NAME [--tool-id N] [--schools S1,S2]\n"
	"         [--grades 6,7] [--classes C1,C2] [--standards 6.RP.A.3,...]\n"
	"         --start YYYY-MM-DD --review YYYY-MM-DD --outcome ASSESSMENT\n"
	"         [--pretest ASSESSMENT] --success TEXT --dosage MINUTES_PER_WEEK\n"
	"         --quiz-builder ACCOUNT --monitor ACCOUNT --monitor-every DAYS\n"
	"         --evaluator ACCOUNT --teacher-support ACCOUNT --family-contact ACCOUNT\n"
	"         [--pass-score S]  (a cut score on the outcome: the evaluation adds\n"
	"         the pass rates and the Cox index; a number >= 0)\n"
	"         (ACCOUNT: a login or account id of the district)\n"
	"  list\n"
	"  show ID\n"
	"  status ID --to STATUS --reason TEXT [--evidence TEXT]\n"
	"         planned -> piloting -> scaling -> under_review -> continued|changed|stopped\n"
	"  randomize ID --unit class|school --seed N\n"
	"         draws the pilot's random assignment once and records it with its seed\n";

static const struct audit_actor cli_actor = { 0, "cli", "" };

/* Account by login or id; 0 when not found (validation reports it). */
static int64_t account_arg(struct db *db, int64_t district, const char *v)
{
	if (!v)
		return 0;
	int64_t id;
	if (cstr_to_i64(v, 1, INT64_MAX, &id) == EB_OK)
		return id;
	struct account a;
	if (account_find_login(db, district, v, &a) == EB_OK)
		return a.id;
	return -1;
}

static int do_create(int argc, char **argv, struct db *db, int64_t d)
{
	struct initiative_in in = { 0 };
	in.title = cli_opt(argc, argv, "--title");
	in.need = cli_opt(argc, argv, "--need");
	in.tool_name = cli_opt(argc, argv, "--tool");
	in.schools = cli_opt(argc, argv, "--schools");
	in.grades = cli_opt(argc, argv, "--grades");
	in.classes = cli_opt(argc, argv, "--classes");
	in.standards = cli_opt(argc, argv, "--standards");
	in.start_date = cli_opt(argc, argv, "--start");
	in.review_date = cli_opt(argc, argv, "--review");
	in.outcome_assessment = cli_opt(argc, argv, "--outcome");
	in.pretest_assessment = cli_opt(argc, argv, "--pretest");
	in.success_measure = cli_opt(argc, argv, "--success");
	in.pass_score = cli_opt(argc, argv, "--pass-score");
	if (cli_opt_int(argc, argv, "--tool-id", 0, INT64_MAX, 0, &in.tool_id) ||
	    cli_opt_int(argc, argv, "--dosage", 0, 1000000, 0, &in.dosage_minutes) ||
	    cli_opt_int(argc, argv, "--monitor-every", 0, 100000, 0, &in.monitor_every_days))
		return 2;
	in.quiz_builder = account_arg(db, d, cli_opt(argc, argv, "--quiz-builder"));
	in.monitor = account_arg(db, d, cli_opt(argc, argv, "--monitor"));
	in.evaluator = account_arg(db, d, cli_opt(argc, argv, "--evaluator"));
	in.teacher_support = account_arg(db, d, cli_opt(argc, argv, "--teacher-support"));
	in.family_contact = account_arg(db, d, cli_opt(argc, argv, "--family-contact"));
	char why[INIT_WHY_CAP];
	int64_t id;
	if (initiative_create(db, d, &cli_actor, &in, &id, why, sizeof why)) {
		fprintf(stderr, "%s\ninitiative create: nothing stored\n", why);
		return 1;
	}
	printf("initiative: %lld\nstatus: planned\n", (long long)id);
	return 0;
}

static int do_list(int argc, char **argv, struct db *db, int64_t d)
{
	struct arena a;
	arena_init(&a);
	struct initiative_row *rows;
	size_t n;
	if (initiative_list(db, d, &a, &rows, &n)) {
		arena_free(&a);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%lld\t%s\t%s\t%s\t%s\n", (long long)rows[i].id,
		       initiative_status_name(rows[i].status), rows[i].start_date,
		       rows[i].tool_name, rows[i].title);
	arena_free(&a);
	return 0;
}

static int id_arg(int argc, char **argv, const char *const *valued, int64_t *id)
{
	const char *v = cli_positional(argc, argv, 0, valued);
	if (!v || cstr_to_i64(v, 1, INT64_MAX, id)) {
		fprintf(stderr, "initiative %s: an initiative id is required\n", argv[0]);
		return -1;
	}
	return 0;
}

static int do_show(int argc, char **argv, struct db *db, int64_t d)
{
	int64_t id;
	if (id_arg(argc, argv, NULL, &id))
		return 2;
	struct arena a;
	arena_init(&a);
	struct initiative in;
	if (initiative_get(db, d, id, &a, &in)) {
		fprintf(stderr, "initiative show: no initiative %lld in this district\n",
			(long long)id);
		arena_free(&a);
		return 1;
	}
	printf("id: %lld\ntitle: %s\nstatus: %s\nneed: %s\ntool: %s\n", (long long)in.id, in.title,
	       initiative_status_name(in.status), in.need, in.tool_name);
	printf("start: %s\nreview: %s\noutcome: %s\npretest: %s\nsuccess: %s\n"
	       "dosage_minutes_per_week: %lld\n",
	       in.start_date, in.review_date, in.outcome_assessment, in.pretest_assessment,
	       in.success_measure, (long long)in.dosage_minutes);
	if (in.has_pass)
		printf("pass_score: %g\n", in.pass_score);
	printf("quiz_builder: %s\nmonitor: %s (every %lld days)\nevaluator: %s\n"
	       "teacher_support: %s\nfamily_contact: %s\n",
	       in.quiz_builder.display_name, in.monitor.display_name,
	       (long long)in.monitor_every_days, in.evaluator.display_name,
	       in.teacher_support.display_name, in.family_contact.display_name);
	if (in.random_unit)
		printf("randomized: by %s, seed %lld\n", in.random_unit, (long long)in.random_seed);
	struct initiative_decision *h;
	size_t nh;
	if (initiative_history(db, d, id, &a, &h, &nh) == EB_OK)
		for (size_t i = 0; i < nh; i++) {
			char t[32];
			time_format_iso(h[i].at, t);
			printf("decision: %s %s -> %s by %s: %s%s%s\n", t, h[i].from, h[i].to,
			       h[i].actor, h[i].reason, *h[i].evidence ? " | evidence: " : "",
			       h[i].evidence);
		}
	arena_free(&a);
	return 0;
}

static int do_status(int argc, char **argv, struct db *db, int64_t d)
{
	static const char *const valued[] = { "--to", "--reason", "--evidence", NULL };
	int64_t id;
	if (id_arg(argc, argv, valued, &id))
		return 2;
	char why[INIT_WHY_CAP];
	const char *to = cli_opt(argc, argv, "--to");
	if (initiative_set_status(db, d, &cli_actor, id, to, cli_opt(argc, argv, "--reason"),
				  cli_opt(argc, argv, "--evidence"), why, sizeof why)) {
		fprintf(stderr, "%s\ninitiative status: nothing changed\n", why);
		return 1;
	}
	printf("initiative: %lld\nstatus: %s\n", (long long)id, to);
	return 0;
}

static int do_randomize(int argc, char **argv, struct db *db, int64_t d)
{
	static const char *const valued[] = { "--unit", "--seed", NULL };
	int64_t id, seed;
	if (id_arg(argc, argv, valued, &id))
		return 2;
	if (!cli_opt(argc, argv, "--seed")) {
		fprintf(stderr, "initiative randomize: --seed N is required (it is recorded so the"
				" draw can be checked)\n");
		return 2;
	}
	if (cli_opt_int(argc, argv, "--seed", 0, INT64_MAX, 0, &seed))
		return 2;
	char why[512];
	size_t nu = 0, nt = 0;
	if (initiative_randomize(db, d, &cli_actor, id, cli_opt(argc, argv, "--unit"),
				 (uint64_t)seed, &nu, &nt, why, sizeof why)) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	printf("initiative: %lld\nunits: %zu\ntreated: %zu\ncomparison: %zu\nseed: %lld\n",
	       (long long)id, nu, nt, nu - nt, (long long)seed);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int, char **, struct db *, int64_t);
} subs[] = {
	{ "create", do_create }, { "list", do_list },		{ "show", do_show },
	{ "status", do_status }, { "randomize", do_randomize },
};

int cmd_initiative(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (!sub || cli_help(argc, argv, usage_text)) {
		if (!sub)
			fputs(usage_text, stderr);
		return sub ? 0 : 2;
	}
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		if (strcmp(sub, subs[i].name) != 0)
			continue;
		struct db *db;
		if (cli_open_db(argc, argv, false, &db))
			return 1;
		int64_t d;
		int rc = 1;
		if (cli_district(argc, argv, db, &d) == EB_OK)
			rc = subs[i].run(argc - 1, argv + 1, db, d);
		db_close(db);
		return rc;
	}
	fprintf(stderr, "initiative: unknown subcommand '%s'\n%s", sub, usage_text);
	return 2;
}
