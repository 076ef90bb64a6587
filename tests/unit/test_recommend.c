/* test_recommend.c - the strategy library (src/domain/strategies.c) and the
 * next best intervention (src/domain/recommend.c): pooling and ranking on
 * known cases, candidates and evidence from a database whose effects are
 * known, bad input, done marks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/district.h"
#include "domain/mastery.h"
#include "domain/assessments.h"
#include "domain/recommend.h"
#include "domain/standards.h"
#include "domain/strategies.h"
#include "domain/tools.h"
#include "ingest/oneroster.h"
#include "store/db.h"

/* ---- the library ------------------------------------------------------ */

static void every_cluster_has_two_strategies(void **state)
{
	(void)state;
	assert_int_equal(standards_init(), EB_OK);
	assert_int_equal(strategies_init(), EB_OK);
	assert_true(strategies_count() >= 294);
	size_t clusters = 0;
	for (size_t i = 0; i < standards_count(); i++) {
		const struct standard *s = standards_at(i);
		if (s->kind != STANDARD_CLUSTER)
			continue;
		clusters++;
		const struct strategy *out[16];
		size_t n = strategies_for(s, out, 16);
		if (n < 2)
			fail_msg("cluster %s has %zu strategies", s->code, n);
	}
	assert_int_equal(clusters, 147);
}

static void nothing_names_an_unknown_cluster(void **state)
{
	(void)state;
	for (size_t i = 0; i < strategies_count(); i++) {
		const struct strategy *s = strategies_at(i);
		assert_non_null(s->cluster);
		assert_int_equal(s->cluster->kind, STANDARD_CLUSTER);
		assert_ptr_equal(standards_find(s->cluster->code), s->cluster);
		assert_true(s->minutes >= 5 && s->minutes <= 60);
		assert_true(strlen(s->what) > 20 && strlen(s->name) > 2);
		assert_ptr_equal(strategies_find(s->id), s);
		for (size_t k = i + 1; k < strategies_count(); k++)
			assert_string_not_equal(s->id, strategies_at(k)->id);
	}
	assert_null(strategies_at(strategies_count()));
	assert_null(strategies_find("no-such-strategy"));
	/* a standard's strategies are its cluster's */
	const struct strategy *out[16];
	size_t n = strategies_for(standards_find("4.NF.A.1"), out, 16);
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(out[i]->cluster->code, "4.NF.A");
}

/* ---- pooling and ranking (known cases) -------------------------------- */

static void pooling(void **state)
{
	(void)state;
	double m, sd;
	/* no own estimate: the prior with its spread */
	recommend_pool(0.2, 0.05, 0.0, false, 0, 0, &m, &sd);
	assert_float_equal(m, 0.2, 1e-12);
	assert_float_equal(sd, 0.05, 1e-12);
	recommend_pool(0.2, 0.03, 0.04, false, 0, 0, &m, &sd);
	assert_float_equal(sd, 0.05, 1e-12);
	/* equal precision: halfway, variance halved */
	recommend_pool(0.2, 0.1, 0.0, true, 0.0, 0.1, &m, &sd);
	assert_float_equal(m, 0.1, 1e-12);
	assert_float_equal(sd, 0.1 / sqrt(2), 1e-12);
	/* a wide spread between standards: the standard's own estimate rules */
	recommend_pool(0.2, 0.01, 5.0, true, -0.1, 0.05, &m, &sd);
	assert_true(fabs(m + 0.1) < 0.001);
	/* a precise prior and a noisy standard: the prior rules */
	recommend_pool(0.15, 0.01, 0.0, true, 0.9, 1.0, &m, &sd);
	assert_true(fabs(m - 0.15) < 0.001);
}

static struct recommendation opt(enum rec_source src, const char *std, const char *title, bool has,
				 double g, double half, long n)
{
	struct recommendation r = { .source = src,
				    .standard = std,
				    .title = title,
				    .what = "w",
				    .why = "because",
				    .has_effect = has,
				    .effect = g,
				    .lo = g - half,
				    .hi = g + half,
				    .n = n,
				    .essa_tier = has ? 2 : 0 };
	if (src == REC_TOOL)
		r.tool_id = 1;
	if (src == REC_STRATEGY)
		r.strategy_id = title;
	if (src == REC_PLAN)
		r.plan_id = 9;
	return r;
}

static void ranking_known_order(void **state)
{
	(void)state;
	const char *F = "4.NF.A.1", *P = "3.NF.A.1";
	struct recommendation c[] = {
		opt(REC_TOOL, F, "none", false, 0, 0, 0),
		opt(REC_STRATEGY, P, "prereq strategy", false, 0, 0, 0),
		opt(REC_TOOL, F, "harmful", true, -0.3, 0.1, 900), /* whole interval < 0 */
		opt(REC_STRATEGY, F, "strategy", false, 0, 0, 0),
		opt(REC_TOOL, F, "B", true, 0.10, 0.05, 2000),
		opt(REC_TOOL, F, "A", true, 0.20, 0.05, 1000),
		opt(REC_TOOL, F, "flat", true, -0.02, 0.1, 900),
		opt(REC_TOOL, F, "unsure", true, 0.03, 0.2, 900), /* P(gain > 0) ~ 0.6 */
		opt(REC_PLAN, F, "plan", false, 0, 0, 0),
	};
	size_t n;
	recommend_rank(c, 9, F, 9, &n);
	assert_int_equal(n, 8); /* the harmful one is dropped */
	const char *want[] = { "plan",	 "A",	 "B",	"strategy", "prereq strategy",
			       "unsure", "flat", "none" };
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(c[i].title, want[i]);
		assert_false(c[i].exploratory);
	}
	recommend_rank(c, 8, F, 3, &n);
	assert_int_equal(n, 3);
}

static void ranking_explores_once_never_first(void **state)
{
	(void)state;
	const char *F = "4.NF.A.1";
	struct recommendation c[] = {
		opt(REC_TOOL, F, "A", true, 0.15, 0.05, 1000),
		opt(REC_TOOL, F, "B", true, 0.12, 0.05, 1000),
		opt(REC_STRATEGY, F, "S", false, 0, 0, 0),
		opt(REC_TOOL, F, "little used", true, 0.10, 0.30, 40),	    /* reaches 0.40 */
		opt(REC_TOOL, F, "also little used", true, 0.08, 0.20, 60), /* reaches 0.28 */
	};
	size_t n;
	recommend_rank(c, 5, F, 5, &n);
	assert_string_equal(c[0].title, "A");
	assert_false(c[0].exploratory);
	assert_string_equal(c[1].title, "little used");
	assert_true(c[1].exploratory);
	size_t marked = 0;
	for (size_t i = 0; i < n; i++)
		marked += c[i].exploratory;
	assert_int_equal(marked, 1);
	/* nothing reaches above the first pick: no exploration */
	struct recommendation d[] = {
		opt(REC_TOOL, F, "A", true, 0.30, 0.05, 1000),
		opt(REC_TOOL, F, "small", true, 0.05, 0.10, 40),
	};
	recommend_rank(d, 2, F, 2, &n);
	assert_false(d[0].exploratory || d[1].exploratory);
	/* the first is never exploratory, even when alone */
	struct recommendation e[] = { opt(REC_TOOL, F, "lone", true, 0.1, 0.5, 10) };
	recommend_rank(e, 1, F, 1, &n);
	assert_false(e[0].exploratory);
}

/* ---- against a database with known effects ----------------------------- */

struct fx {
	struct db *db;
	int64_t d1, d2, good, weak, unproven;
};

static int64_t add_tool(struct db *db, int64_t d, const char *name)
{
	struct tool t;
	struct tool_form f = { 0 };
	struct audit_actor who = { 0, "cli", "" };
	char why[256] = "";
	int64_t id = 0;
	f.name = name;
	f.grades = "K-8";
	tools_defaults(&t);
	if (tools_validate(db, d, &f, &t, why, sizeof why) ||
	    tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "test", &id) ||
	    tools_set_status(db, d, id, TOOL_APPROVED, "test", NULL, &who, why, sizeof why))
		return 0;
	return id;
}

static void effect(struct db *db, int64_t d, int64_t tool, const char *std, const char *sub,
		   double g, double half, int64_t n)
{
	assert_int_equal(
		db_execute(db,
			   "INSERT INTO rec_effect(district_id, tool_id, standard, subgroup,"
			   " initiative_id, g, lo, hi, n_t, n_c, p, tier, tau, computed_at)"
			   " VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5 - ?6, ?5 + ?6, ?7, ?7, 0.01,"
			   " 2, 0, 1000)",
			   DB_ARGS(DB_INT(d), DB_INT(tool), DB_TEXT(std), DB_TEXT(sub), DB_REAL(g),
				   DB_REAL(half), DB_INT(n)),
			   NULL),
		EB_OK);
}

static void covers(struct db *db, int64_t d, int64_t tool, const char *std)
{
	assert_int_equal(db_execute(db,
				    "INSERT INTO rec_tool_standard(district_id, tool_id, standard,"
				    " students, events) VALUES (?1, ?2, ?3, 50, 500)",
				    DB_ARGS(DB_INT(d), DB_INT(tool), DB_TEXT(std)), NULL),
			 EB_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	struct oneroster_report rep;
	if (!f || db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Alder", &f->d1) || district_create(f->db, "Other", &f->d2))
		return -1;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_path(f->db, f->d1, "tests/fixtures/district_a", &rep);
	oneroster_report_free(&rep);
	if (rc)
		return -1;
	f->good = add_tool(f->db, f->d1, "Good Tutor");
	f->weak = add_tool(f->db, f->d1, "Weak Quiz");
	f->unproven = add_tool(f->db, f->d1, "New App");
	if (!f->good || !f->weak || !f->unproven)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	free(f);
	return 0;
}

static void group_list_from_known_effects(void **state)
{
	struct fx *f = *state;
	const char *F = "3.OA.A.1";
	/* the good tool: +0.20 overall, +0.30 in grade 3, +0.25 on the focus;
	 * the weak one: +0.02 overall; the new app: no evaluation at all */
	effect(f->db, f->d1, f->good, "", "", 0.20, 0.06, 600);
	effect(f->db, f->d1, f->good, "", "grade 3", 0.30, 0.15, 90);
	effect(f->db, f->d1, f->good, F, "", 0.25, 0.30, 60);
	effect(f->db, f->d1, f->weak, "", "", 0.02, 0.05, 700);
	covers(f->db, f->d1, f->good, F);
	covers(f->db, f->d1, f->weak, F);
	covers(f->db, f->d1, f->unproven, F);
	/* the common assessments' tool measures: never offered, however large
	 * its estimate */
	int64_t common = 0;
	assert_int_equal(assessment_common_tool(f->db, f->d1, &common), EB_OK);
	effect(f->db, f->d1, common, "", "", 0.50, 0.05, 900);
	covers(f->db, f->d1, common, F);
	/* both students weak on the focus */
	for (int r = 0; r < 4; r++) {
		assert_int_equal(
			mastery_record(f->db, f->d1, "stu-1", F, f->good, "i1", 0, 1759300000 + r),
			EB_OK);
		assert_int_equal(
			mastery_record(f->db, f->d1, "stu-2", F, f->good, "i2", 0, 1759300000 + r),
			EB_OK);
	}
	struct arena a;
	arena_init(&a);
	const char *sids[] = { "stu-1", "stu-2" };
	struct recommendation *r;
	size_t n;
	assert_int_equal(recommend_for_group(f->db, f->d1, sids, 2, F, REC_MAX, &a, &r, &n), EB_OK);
	assert_true(n >= 4);
	/* first: the good tool, its gain pooled from grade and standard */
	assert_int_equal(r[0].source, REC_TOOL);
	assert_int_equal(r[0].tool_id, f->good);
	assert_true(r[0].has_effect);
	/* shrunk towards no effect, then pooled up by grade and standard */
	assert_true(r[0].effect > 0.15 && r[0].effect < 0.30);
	assert_true(recommend_p_gain(&r[0]) > 0.99);
	assert_true(r[0].lo < r[0].effect && r[0].effect < r[0].hi);
	assert_int_equal(r[0].n, 120);
	assert_int_equal(r[0].essa_tier, 2);
	assert_false(r[0].exploratory);
	assert_non_null(strstr(r[0].why, "grew more"));
	/* every option answers "why this?"; the new app claims nothing */
	bool saw_unproven = false, saw_strategy = false;
	for (size_t i = 0; i < n; i++) {
		assert_non_null(r[i].why);
		assert_true(strlen(r[i].why) > 20);
		assert_false(r[i].source == REC_TOOL && r[i].tool_id == common);
		if (r[i].source == REC_TOOL && r[i].tool_id == f->unproven) {
			saw_unproven = true;
			assert_false(r[i].has_effect);
			assert_non_null(strstr(r[i].why, "No local evidence"));
		}
		if (r[i].source == REC_STRATEGY) {
			saw_strategy = true;
			assert_false(r[i].has_effect);
			assert_non_null(strategies_find(r[i].strategy_id));
		}
	}
	assert_true(saw_unproven && saw_strategy);
	/* bad input */
	assert_int_equal(recommend_for_group(f->db, f->d1, sids, 2, "9.ZZ.Z.9", 4, &a, &r, &n),
			 EB_EINVAL);
	assert_int_equal(recommend_for_group(f->db, f->d1, sids, 2, "3.OA.A", 4, &a, &r, &n),
			 EB_EINVAL);
	assert_int_equal(recommend_for_group(f->db, f->d1, sids, 0, F, 4, &a, &r, &n), EB_EINVAL);
	assert_int_equal(recommend_for_group(f->db, f->d2, sids, 2, F, 4, &a, &r, &n),
			 EB_ENOTFOUND); /* students of another district */
	const char *teacher[] = { "tch-1" };
	assert_int_equal(recommend_for_group(f->db, f->d1, teacher, 1, F, 4, &a, &r, &n),
			 EB_ENOTFOUND); /* not a student */
	arena_free(&a);
}

static void no_evidence_falls_back_to_strategies(void **state)
{
	struct fx *f = *state;
	const char *F = "3.OA.A.2";
	covers(f->db, f->d1, f->unproven, F);
	struct arena a;
	arena_init(&a);
	const char *sids[] = { "stu-1" };
	struct recommendation *r;
	size_t n;
	assert_int_equal(recommend_for_group(f->db, f->d1, sids, 1, F, REC_MAX, &a, &r, &n), EB_OK);
	assert_true(n >= 3);
	assert_int_equal(r[0].source, REC_STRATEGY);
	for (size_t i = 0; i < n; i++)
		assert_false(r[i].has_effect); /* never an invented effect */
	assert_int_equal(r[n - 1].source, REC_TOOL);
	arena_free(&a);
}

static int64_t count(struct db *db, const char *sql)
{
	int64_t k = -1;
	assert_int_equal(db_get_int(db, sql, DB_NOARGS, &k), EB_OK);
	return k;
}

static void done_marks(void **state)
{
	struct fx *f = *state;
	struct audit_actor who = { 0, "cli", "" };
	char why[256];
	const char *one[] = { "stu-1" }, *two[] = { "stu-1", "stu-2" };
	int64_t before = count(f->db, "SELECT count(*) FROM audit_log");
	/* refused: nothing stored */
	assert_int_equal(recommend_mark_done(f->db, f->d1, &who, one, 1, "9.ZZ.Z.9", REC_TOOL,
					     f->good, NULL, 0, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "standard:"));
	assert_int_equal(recommend_mark_done(f->db, f->d1, &who, two, 2, "3.OA.A.1", REC_STRATEGY,
					     0, "no-such", 0, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "strategy:"));
	assert_int_equal(recommend_mark_done(f->db, f->d2, &who, one, 1, "3.OA.A.1", REC_TOOL,
					     f->good, NULL, 0, why, sizeof why),
			 EB_EINVAL); /* another district's tool */
	assert_int_equal(count(f->db, "SELECT count(*) FROM rec_done"), 0);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log"), before);
	/* a group: one row and one audit entry per student */
	const struct strategy *s = strategies_at(0);
	assert_int_equal(recommend_mark_done(f->db, f->d1, &who, two, 2, "3.OA.A.1", REC_STRATEGY,
					     0, s->id, 0, why, sizeof why),
			 EB_OK);
	assert_int_equal(count(f->db, "SELECT count(*) FROM rec_done"), 2);
	assert_int_equal(count(f->db, "SELECT count(*) FROM audit_log"), before + 2);
	struct arena a;
	arena_init(&a);
	struct rec_done_row *rows;
	size_t n;
	assert_int_equal(recommend_done_list(f->db, f->d1, "stu-1", &a, &rows, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].source, REC_STRATEGY);
	assert_string_equal(rows[0].strategy_id, s->id);
	assert_string_equal(rows[0].standard, "3.OA.A.1");
	assert_int_equal(recommend_done_list(f->db, f->d2, "stu-1", &a, &rows, &n), EB_OK);
	assert_int_equal(n, 0); /* tenant */
	arena_free(&a);
}

static void refresh_without_initiatives(void **state)
{
	struct fx *f = *state;
	struct rec_refresh_summary s;
	char why[256];
	assert_int_equal(recommend_refresh(f->db, f->d1, &s, why, sizeof why), EB_OK);
	assert_int_equal(s.evaluated, 0);
	/* the refresh replaces the district's evidence: the hand-made rows go */
	assert_int_equal(count(f->db, "SELECT count(*) FROM rec_effect"), 0);
	/* the tools' standards come from the learning data (none here) */
	assert_int_equal(s.tool_standards, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_cluster_has_two_strategies),
		cmocka_unit_test(nothing_names_an_unknown_cluster),
		cmocka_unit_test(pooling),
		cmocka_unit_test(ranking_known_order),
		cmocka_unit_test(ranking_explores_once_never_first),
		cmocka_unit_test_setup_teardown(group_list_from_known_effects, setup, teardown),
		cmocka_unit_test_setup_teardown(no_evidence_falls_back_to_strategies, setup,
						teardown),
		cmocka_unit_test_setup_teardown(done_marks, setup, teardown),
		cmocka_unit_test_setup_teardown(refresh_without_initiatives, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
