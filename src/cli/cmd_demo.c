/* `edbridge demo` - build the simulated demo district through the real
 * OneRoster import path, give each role a login, and serve it. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/demo.h"
#include "cli/demo_assessment.h"
#include "cli/demo_coaching_impact.h"
#include "cli/demo_kb.h"
#include "cli/demo_coaching.h"
#include "cli/demo_observations.h"
#include "cli/demo_lti_services.h"
#include "cli/demo_devices.h"
#include "cli/demo_imports.h"
#include "cli/demo_plans.h"
#include "cli/demo_roster_sync.h"
#include "cli/demo_teams.h"
#include "cli/demo_tickets.h"
#include "cli/demo_trainings.h"
#include "cli/demo_lti.h"
#include "cli/demo_frameworks.h"
#include "cli/demo_gradebook.h"
#include "cli/serve.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/family_contact.h"
#include "domain/family_link.h"
#include "domain/family_week.h"
#include "domain/outbox.h"
#include "ingest/oneroster.h"
#include "domain/tools.h"
#include "domain/initiatives.h"
#include "domain/mastery.h"
#include "domain/recommend.h"
#include "ingest/assessment_csv.h"
#include "ingest/caliper.h"
#include "ingest/csv_profile.h"
#include "ingest/xapi.h"
#include "ingest/xapi_store.h"
#include "sim/district.h"
#include "sim/learning.h"
#include "sim/tools.h"
#include "store/db.h"
#include "web/page.h"

#define DEMO_PASSWORD "edbridge-demo"

struct demo_login {
	const char *login, *name;
	enum role role;
	const char *scope_type;
	const char *scope_id; /* NULL: the district */
	const char *person;   /* roster person or NULL */
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

static enum eb_err build_tools(struct db *db, int64_t d, const struct sim_district *sd,
			       struct sim_learning **keep);

/* What the demo prints for its family: an access code and a sign-in link's
 * token (docs/security.md). */
struct demo_family_secrets {
	char code[32];
	char link[64];
	char unsub[64]; /* the email opt-out link's token (List-Unsubscribe) */
};

static enum eb_err build_demo(struct db *db, const struct sim_params *p, bool with_tools,
			      struct demo_family_secrets *secrets, struct demo_world *keep)
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
		{ "admin", "Demo District Administrator", ROLE_DISTRICT_ADMIN, "district", NULL,
		  dp.district_admin },
		{ "coordinator", "Demo Math Coordinator", ROLE_COORDINATOR, "district", NULL,
		  dp.coordinator },
		{ "principal", "Demo Principal", ROLE_PRINCIPAL, "school", dp.principal_school,
		  dp.principal },
		{ "coach", "Demo Instructional Coach", ROLE_COACH, "district", NULL, dp.coach },
		{ "teacher", "Demo Teacher", ROLE_TEACHER, "school", dp.teacher_school,
		  dp.teacher },
		{ "champion", "Demo Tech Champion", ROLE_TECH_CHAMPION, "school", champ_school,
		  dp.tech_champion },
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
		rc = account_issue_code(db, d, ids[8], 30, secrets->code);
	if (!rc && dp.nchildren)
		rc = family_link_issue(db, d, dp.guardian, dp.children[0], FAMILY_LINK_STAFF,
				       secrets->link);
	if (!rc && dp.nchildren)
		rc = family_unsubscribe_issue(db, d, dp.guardian, FAMILY_CH_EMAIL, secrets->unsub);
	if (!rc) {
		struct audit_actor who = { 0, "cli", "" };
		rc = audit_record(db, d, &who, "create", "account", "demo logins", "edbridge demo");
	}
	if (rc) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db);
	if (!rc && with_tools)
		rc = build_tools(db, d, sd, keep ? &keep->l : NULL);
	/* this week's family messages queued (not sent: the demo has no mail
	 * server), so that the reach page has families to show */
	if (!rc) {
		struct family_week w;
		struct outbox_queue_report qr;
		family_week_of(time_now(), NULL, &w);
		rc = outbox_queue_week(db, d, w.label, false, time_now(), NULL, NULL, &qr);
	}
	printf("demo district built in %.1f s: %d students, seed %llu\n", time_mono() - t0,
	       p->students, (unsigned long long)p->seed);
out:
	oneroster_report_free(&rep);
	if (nfiles)
		sim_csv_files_free(files, nfiles);
	if (keep && !rc) {
		keep->sd = sd;
		keep->district_id = d;
	} else {
		sim_district_free(sd);
	}
	return rc;
}

#define DEMO_BATCH 500

/* Sends tool t's simulated records through the same ingest functions the
 * /xapi and /caliper endpoints call, in batches as a tool would. */
static enum eb_err feed_tool(struct db *db, int64_t d, int64_t tool_id,
			     const struct sim_learning *l, const struct sim_tool *t, size_t *sent)
{
	size_t n = sim_tool_records(l, t->id);
	struct buf b;
	enum eb_err rc = EB_OK;
	buf_init(&b, (size_t)256 << 20);
	*sent = 0;
	for (size_t first = 0; first < n && !rc; first += DEMO_BATCH) {
		size_t count = n - first < DEMO_BATCH ? n - first : DEMO_BATCH, w = 0;
		buf_reset(&b);
		if ((rc = sim_tool_write(l, t->id, first, count, &b, &w)))
			break;
		enum eb_err answer;
		if (t->format == SIM_FORMAT_XAPI) {
			struct xapi_result r = { 0 };
			answer = xapi_post(db, d, tool_id, b.data, b.len, "1.0.3", &r);
			if (answer)
				fprintf(stderr, "demo: %s: xAPI batch at %zu: %s: %.300s\n",
					t->name, first, eb_strerror(answer), r.body ? r.body : "");
			xapi_result_free(&r);
		} else {
			struct caliper_result r = { 0 };
			answer = caliper_post(db, d, tool_id, b.data, b.len, &r);
			if (answer)
				fprintf(stderr, "demo: %s: Caliper batch at %zu: %s: %.300s\n",
					t->name, first, eb_strerror(answer), r.body ? r.body : "");
			caliper_result_free(&r);
		}
		if (answer)
			rc = EB_EINVAL;
		*sent += w;
	}
	buf_free(&b);
	return rc;
}

/* A CSV tool's whole export, imported with its vendor profile as a district
 * would upload it. */
static enum eb_err import_tool_csv(struct db *db, int64_t d, int64_t tool_id,
				   const struct sim_learning *l, const struct sim_tool *t,
				   size_t *sent)
{
	const struct csv_profile *p =
		csvp_find(t->format == SIM_FORMAT_CSV_ITEMS ? "sim-quiz" : "sim-fluency");
	struct buf b;
	struct csvp_report rep;
	enum eb_err rc;
	*sent = 0;
	if (!p)
		return EB_ENOTFOUND;
	buf_init(&b, (size_t)512 << 20);
	memset(&rep, 0, sizeof rep);
	rc = sim_tool_write(l, t->id, 0, sim_tool_records(l, t->id), &b, NULL);
	if (!rc)
		rc = csvp_import(db, d, tool_id, p, t->key, b.data, b.len, &rep);
	if (rc && rep.nerrors)
		fprintf(stderr, "demo: %s: %s\n", t->name, rep.errors[0]);
	*sent = rep.rows;
	buf_free(&b);
	return rc;
}

static void ymd(int32_t days, char out[11])
{
	int y;
	unsigned m, dd;
	civil_from_days(days, &y, &m, &dd);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, dd);
}

static int64_t login_id(struct db *db, int64_t d, const char *login)
{
	struct account a;
	return account_find_login(db, d, login, &a) == EB_OK ? a.id : 0;
}

/* The fall interim benchmark (before and after the tool period) as the
 * district's assessment export, and one initiative per tool with its use,
 * so "What's working" has real evaluations to show. */
static enum eb_err build_initiatives(struct db *db, int64_t d, const struct sim_district *sd,
				     const struct sim_learning *l, const int64_t *tool_ids)
{
	static const char bench[] = "Fall interim benchmark";
	struct assessment_profile prof = { .name = bench, .scale_min = 100, .scale_max = 900 };
	struct buf csv, errs;
	size_t ns, rows;
	const struct sim_student *stu = sim_students(sd, &ns);
	char pre[11], post[11], start[11], review[11], sid[SIM_ID_MAX];
	enum eb_err rc;
	struct audit_actor who = { 0, "cli", "" };

	ymd(sim_learning_pretest_day(l), pre);
	ymd(sim_learning_posttest_day(l), post);
	ymd(sim_learning_week_day(l, 0), start);
	ymd(sim_learning_posttest_day(l) + 14, review);
	buf_init(&csv, (size_t)64 << 20);
	buf_init(&errs, 1 << 20);
	buf_puts(&csv, "student_id,date,score\n");
	for (size_t i = 0; i < ns; i++) {
		double a = sim_learning_pretest(l, i), b = sim_learning_posttest(l, i);
		sim_student_id(i, sid);
		buf_printf(&csv, "%s,%s,%.1f\n%s,%s,%.1f\n", sid, pre,
			   a < 100   ? 100
			   : a > 900 ? 900
				     : a,
			   sid, post,
			   b < 100   ? 100
			   : b > 900 ? 900
				     : b);
	}
	rc = assessment_csv_import(db, d, "benchmark.csv", csv.data, csv.len, &prof, &rows, &errs);
	if (rc) {
		fprintf(stderr, "demo: benchmark scores: %s\n", buf_cstr(&errs));
		goto out;
	}
	size_t nt;
	const struct sim_tool *st = sim_tools(&nt);
	for (size_t t = 0; t < nt && !rc; t++) {
		char title[200], grades[64] = "";
		for (int g = st[t].lo_grade; g <= st[t].hi_grade; g++) {
			size_t n = strlen(grades);
			snprintf(grades + n, sizeof grades - n, "%s%d", n ? "," : "", g);
		}
		snprintf(title, sizeof title, "%s in grades %s%s%d", st[t].name,
			 st[t].lo_grade == 0 ? "K" : "", st[t].lo_grade == 0 ? "-" : "",
			 st[t].hi_grade);
		if (st[t].lo_grade > 0)
			snprintf(title, sizeof title, "%s in grades %d-%d", st[t].name,
				 st[t].lo_grade, st[t].hi_grade);
		struct initiative_in in = {
			.title = title,
			.need = "Students reach grade-level fluency with fractions, ratios and "
				"operations",
			.tool_name = st[t].name,
			.tool_id = tool_ids[t],
			.grades = grades,
			.start_date = start,
			.review_date = review,
			.outcome_assessment = bench,
			.success_measure =
				"Users gain at least 0.15 SD more than comparable non-users",
			.dosage_minutes = (int64_t)(st[t].minutes + 0.5),
			.quiz_builder = login_id(db, d, "coach"),
			.monitor = login_id(db, d, "principal"),
			.evaluator = login_id(db, d, "coordinator"),
			.teacher_support = login_id(db, d, "champion"),
			.family_contact = login_id(db, d, "principal"),
			.monitor_every_days = 14,
		};
		char why[INIT_WHY_CAP];
		int64_t iid;
		if ((rc = initiative_create(db, d, &who, &in, &iid, why, sizeof why))) {
			fprintf(stderr, "demo: initiative %s: %s\n", title, why);
			break;
		}
		initiative_set_status(db, d, &who, iid, "piloting",
				      "Pilot classes chose to adopt it", "", why, sizeof why);
		initiative_set_status(db, d, &who, iid, "under_review", "The fall benchmark is in",
				      "Fall interim benchmark", why, sizeof why);
		buf_reset(&csv);
		buf_puts(&csv, "student_id,minutes,sessions\n");
		for (size_t i = 0; i < ns; i++) {
			int minutes = 0, sessions = 0;
			sim_learning_usage(l, i, st[t].id, -1, &minutes, &sessions);
			if (minutes <= 0 && sessions <= 0)
				continue;
			sim_student_id(i, sid);
			buf_printf(&csv, "%s,%d,%d\n", sid, minutes, sessions);
		}
		buf_reset(&errs);
		rc = usage_csv_import(db, d, iid, "usage.csv", csv.data, csv.len, &rows, &errs);
		printf("initiative %lld: %s (simulator's true effect on users: %+.3f SD)\n",
		       (long long)iid, title, sim_learning_true_effect_sd(l, st[t].id));
		if (rc)
			fprintf(stderr, "demo: use of %s: %s\n", st[t].name, buf_cstr(&errs));
	}
	(void)stu;
out:
	buf_free(&csv);
	buf_free(&errs);
	return rc;
}

/* The demo district's classroom tools: inventory records, credentials, and
 * twelve weeks of learning data sent through the real ingest paths. */
/* The vendor contact answers for the first tool (their home shows its
 * data health); the tech champion champions the first two at their school. */
static enum eb_err link_people_to_tools(struct db *db, int64_t d, const int64_t *tool_ids,
					const struct audit_actor *who)
{
	struct account v, c;
	char id[24], did[24], why[256];
	if (account_find_login(db, d, "vendor", &v) || account_find_login(db, d, "champion", &c))
		return EB_OK;
	snprintf(id, sizeof id, "%lld", (long long)tool_ids[0]);
	snprintf(did, sizeof did, "%lld", (long long)d);
	enum eb_err rc = account_add_role(db, d, v.id, ROLE_VENDOR_CONTACT, "tool", id);
	if (!rc)
		rc = account_remove_role(db, d, v.id, ROLE_VENDOR_CONTACT, "district", did);
	for (int i = 0; i < c.nroles && !rc; i++)
		if (c.roles[i].role == ROLE_TECH_CHAMPION)
			for (int k = 0; k < 2 && !rc && tool_ids[k]; k++)
				rc = tools_set_support(db, d, tool_ids[k], c.roles[i].scope_id,
						       c.id,
						       "Ask me first; I run the sign-in cards.",
						       who, why, sizeof why);
	if (rc)
		fprintf(stderr, "demo: linking the vendor and the champion to tools: %s\n",
			eb_strerror(rc));
	return rc;
}

static enum eb_err build_tools(struct db *db, int64_t d, const struct sim_district *sd,
			       struct sim_learning **keep)
{
	struct sim_learning *l = NULL;
	struct sim_learning_params lp;
	struct audit_actor who = { 0, "cli", "" };
	size_t nt;
	const struct sim_tool *st = sim_tools(&nt);
	enum eb_err rc;
	double t0 = time_mono();

	sim_learning_params_default(&lp);
	/* half the default dosage keeps `make demo` near twenty seconds while
	 * every tool still sends tens of thousands of records */
	lp.dosage = 0.5;
	if ((rc = sim_learning_run(sd, &lp, &l)))
		return rc;
	static const char *const data_xapi[] = { "name", "student_id", "grade", "assessment",
						 "usage" };
	static const char *const data_video[] = { "student_id", "usage" };
	int64_t tool_ids[SIM_TOOL_COUNT] = { 0 };
	for (size_t i = 0; i < nt && !rc; i++) {
		struct tool t;
		struct tool_form f = { 0 };
		char why[256], grades[16], url[160];
		int64_t id;
		snprintf(grades, sizeof grades, "%s-%d", st[i].lo_grade == 0 ? "K" : "1",
			 st[i].hi_grade);
		if (st[i].lo_grade > 0)
			snprintf(grades, sizeof grades, "%d-%d", st[i].lo_grade, st[i].hi_grade);
		snprintf(url, sizeof url, "https://%s/", st[i].domain);
		f.name = st[i].name;
		f.vendor = st[i].vendor;
		f.category = st[i].format == SIM_FORMAT_CALIPER ? "video library" : "practice";
		f.need = "Practice and feedback on grade-level fractions, ratios and operations";
		f.url = url;
		f.grades = grades;
		f.dpa_signed = "yes";
		f.dpa_date = "2025-07-01";
		f.data_location = "United States";
		f.seats = "3000";
		f.annual_cost = "4500";
		f.term_start = "2025-08-01";
		f.term_end = "2026-07-31";
		f.data_elements = st[i].format == SIM_FORMAT_CALIPER ? data_video : data_xapi;
		f.ndata = st[i].format == SIM_FORMAT_CALIPER ? 2 : 5;
		f.data_given = true;
		tools_defaults(&t);
		if ((rc = tools_validate(db, d, &f, &t, why, sizeof why))) {
			fprintf(stderr, "demo: tool %s: %s\n", st[i].name, why);
			break;
		}
		if ((rc = db_begin(db)))
			break;
		rc = tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "demo district", &id);
		if (!rc)
			rc = tools_set_status(db, d, id, TOOL_APPROVED,
					      "Approved after the pilot review", NULL, &who, why,
					      sizeof why);
		if (rc) {
			db_rollback(db);
			break;
		}
		if ((rc = db_commit(db)))
			break;
		tool_ids[i] = id;
		char key[TOOL_KEY_MAX], secret[TOOL_SECRET_MAX];
		int64_t cred;
		tools_cred_create(db, d, id, TOOL_CRED_XAPI, &who, &cred, key, secret);
		tools_cred_create(db, d, id, TOOL_CRED_CALIPER, &who, &cred, key, secret);
		size_t sent;
		double t1 = time_mono();
		if (st[i].format == SIM_FORMAT_XAPI || st[i].format == SIM_FORMAT_CALIPER)
			rc = feed_tool(db, d, id, l, &st[i], &sent);
		else
			rc = import_tool_csv(db, d, id, l, &st[i], &sent);
		printf("%s: %zu %s records in %.1f s\n", st[i].name, sent,
		       st[i].format == SIM_FORMAT_XAPI	    ? "xAPI"
		       : st[i].format == SIM_FORMAT_CALIPER ? "Caliper"
							    : "CSV export",
		       time_mono() - t1);
	}
	if (!rc)
		rc = build_initiatives(db, d, sd, l, tool_ids);
	if (!rc)
		rc = link_people_to_tools(db, d, tool_ids, &who);
	if (!rc)
		rc = demo_common_assessment(db, d, sd, l);
	if (!rc) {
		/* the nightly refit, once, so the mastery views start from fitted
		 * parameters rather than the online defaults */
		struct mastery_refit_summary sum;
		char err[256];
		rc = mastery_refit(db, d, NULL, NULL, NULL, &sum, err, sizeof err);
		if (rc)
			fprintf(stderr, "demo: mastery fit: %s\n", err);
		else
			printf("mastery fitted: %zu responses, %zu students, %zu standards in %.1f "
			       "s\n",
			       sum.rows, sum.students, sum.standards, sum.total_seconds);
		/* the recommendations' evidence, as after every refit */
		struct rec_refresh_summary rs;
		if (!rc && (rc = recommend_refresh(db, d, &rs, err, sizeof err)))
			fprintf(stderr, "demo: %s\n", err);
	}
	if (!rc) /* intervention and learning plans (issue 12) */
		rc = demo_plans(db, d, sim_learning_week_day(l, 4));
	if (!rc) /* the import history (issue 17): a delta with rows set aside */
		rc = demo_imports(db, d);
	if (!rc) /* known fixes per tool (issue 14, h14-kb) */
		rc = demo_kb(db, d);
	if (!rc) /* devices (issue 14) */
		rc = demo_devices(db, d);
	if (!rc) /* support tickets (issue 14), after the devices: one is about a cart */
		rc = demo_tickets(db, d, time_now());
	if (!rc) /* training sessions (issue 14) */
		rc = demo_trainings(db, d, sd, sim_learning_week_day(l, 0),
				    tool_ids[SIM_TOOL_PRACTICE], tool_ids[SIM_TOOL_VIDEO]);
	if (!rc) /* coaching cycles (issue 15, h15-cycles) */
		rc = demo_coaching(db, d);
	if (!rc) /* completed coaching cycles for the impact (issue 15, h15-impact) */
		rc = demo_coaching_impact(db, d, l);
	if (!rc) /* classroom observations (issue 15, h15-obs) */
		rc = demo_observations(db, d, time_now());
	if (!rc) /* teams, meetings, action items (issue 15, h15-teams) */
		rc = demo_teams(db, d, time_now());
	if (!rc) /* data-sharing scopes per tool (issue 16, h16-ags) */
		rc = demo_lti_services(db, d);
	if (!rc) /* LTI launches (issue 16, h16-lti) */
		rc = demo_lti(db, d, tool_ids[SIM_TOOL_PRACTICE]);
	if (!rc) /* a state's standards framework, crosswalked (issue 17, h17-case) */
		rc = demo_frameworks(db, d);
	if (!rc) /* the SIS's OneRoster REST source and its runs (issue 17, h17-orsync) */
		rc = demo_roster_sync(db, d, time_now());
	if (!rc) /* the gradebook from the SIS, two results waiting (issue 17, h17-admin) */
		rc = demo_gradebook(db, d, time_now());
	if (keep && !rc)
		*keep = l;
	else
		sim_learning_free(l);
	if (!rc)
		printf("tools, their data and the initiatives: %.1f s\n", time_mono() - t0);
	return rc;
}

enum eb_err demo_build_world(struct db *db, const struct sim_params *p, struct demo_world *w)
{
	struct demo_family_secrets secrets;
	memset(w, 0, sizeof *w);
	enum eb_err rc = build_demo(db, p, true, &secrets, w);
	if (rc)
		demo_world_free(w);
	return rc;
}

void demo_world_free(struct demo_world *w)
{
	sim_learning_free(w->l);
	sim_district_free(w->sd);
	memset(w, 0, sizeof *w);
}

/* How many children the demo parent sees (its guardian roles). */
static int parent_children(const char *path)
{
	struct db *db;
	char err[256];
	int64_t d;
	struct account a;
	int n = 0;
	if (db_open(path, 0, &db, err, sizeof err))
		return 0;
	if (district_only(db, &d) == EB_OK && account_find_login(db, d, "parent", &a) == EB_OK)
		for (int i = 0; i < a.nroles; i++)
			n += a.roles[i].role == ROLE_GUARDIAN;
	db_close(db);
	return n;
}

static void print_logins(const struct demo_family_secrets *s, const char *url, bool url_known,
			 int children)
{
	static const char *const count[] = {
		"no",		"one child", "two children", "three children", "four children",
		"five children"
	};
	char parent[64];
	if (children > 1 && children < (int)(sizeof count / sizeof count[0]))
		snprintf(parent, sizeof parent, "parent of %s", count[children]);
	else
		snprintf(parent, sizeof parent, children == 1 ? "parent of one child" : "parent");
	printf("\nLog in at %s with any of these (password: %s):\n", url, DEMO_PASSWORD);
	const char *const rows[][2] = {
		{ "admin", "district administrator: users, roles, audit log" },
		{ "coordinator", "math coordinator: the whole district" },
		{ "principal", "principal of one school" },
		{ "coach", "instructional coach" },
		{ "teacher", "teacher: their classes and students" },
		{ "champion", "tech champion of one school" },
		{ "itstaff", "district IT staff" },
		{ "vendor", "vendor contact" },
		{ "parent", parent },
		{ "student", "student" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		printf("  %-12s %s\n", rows[i][0], rows[i][1]);
	if (*s->code)
		printf("Family access code for 'parent' (works once, at /login/code): %s\n",
		       s->code);
	if (*s->link)
		printf("Family sign-in link for 'parent' (works once, for 7 days): %s/f/%s\n",
		       url_known ? url : "", s->link);
	if (*s->unsub)
		printf("Family email opt-out link for 'parent' (asks before it stops them): "
		       "%s/u/%s\n",
		       url_known ? url : "", s->unsub);
}

/* The demo serves at 127.0.0.1: that is the address its letters print. */
static void demo_ready(int port, void *ctx)
{
	char url[64];
	(void)ctx;
	snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
	page_set_public_url(url);
}

int cmd_demo(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge demo [--seed N] [--students N] [--port N] [--no-serve]\n"
		     "                     [--fresh] [--roster-only] [--db FILE]\n\n"
		     "Generates the simulated demo district (default 3,000 students in 4\n"
		     "elementary and 2 middle schools, seed 1), imports it through the OneRoster\n"
		     "path, creates one login per role, prints them and serves on port 8080.\n"
		     "It also adds five classroom tools to the inventory, sends twelve weeks of\n"
		     "their simulated learning data through the xAPI, Caliper and vendor-CSV\n"
		     "ingest, and opens one initiative per tool with the fall benchmark as its\n"
		     "outcome (--roster-only skips this: seconds instead of ~20 s).\n"
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
	struct demo_family_secrets secrets = { "", "" };
	enum eb_err rc = district_only(db, &d);
	if (rc == EB_ENOTFOUND) {
		struct sim_params p;
		if (students == 3000)
			sim_params_default(&p);
		else
			sim_params_scaled(&p, (int)students);
		p.seed = (uint64_t)seed;
		rc = build_demo(db, &p, !cli_flag(argc, argv, "--roster-only"), &secrets, NULL);
	} else if (rc == EB_OK) {
		printf("demo: %s already holds a district; serving it (use --fresh to rebuild)\n",
		       path);
	} else {
		fprintf(stderr, "demo: %s holds several districts; use `edbridge serve`\n", path);
	}
	db_close(db);
	if (rc)
		return 1;
	bool serve = !cli_flag(argc, argv, "--no-serve");
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d", (int)port);
	if (!serve || port == 0)
		printf("\nServe it with: edbridge serve --db %s --port %d --public-url %s\n", path,
		       (int)port, port ? url : "http://127.0.0.1:PORT");
	print_logins(&secrets, serve && port == 0 ? "the address printed below" : url,
		     !(serve && port == 0), parent_children(path));
	if (!serve)
		return 0;
	printf("\n");
	return serve_run(path, "127.0.0.1", (int)port, 0, false, demo_ready, NULL);
}
