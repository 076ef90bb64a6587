/* `edbridge sim recommend-check [--seeds N] [--students N] [--weeks W]`:
 * the next best intervention against the simulator's truth
 * (docs/recommendations.md "The check on the simulator").
 *
 * Per seed the demo district is built into a scratch database exactly as
 * `edbridge demo` builds it (its five tools, their data through the real
 * ingest, one initiative per tool, the refit, the recommendations' evidence).
 * Then a simulated follow-up: for every class and every focus standard of
 * its grade, the students edbridge estimates not yet secure (P below the
 * district's Proficient threshold) get edbridge's recommendation for that
 * group (recommend_for_group: reads the database only). Each student
 * follows one of three policies - edbridge's first recommendation, the
 * oracle's best eligible tool, a random eligible tool (one of the district's
 * tools licensed for the grade) - for W weeks at the tool's typical weekly
 * use. Only this file's scoring reads the simulator's truth: the true gain
 * of following tool t on standard s is the probability that the student,
 * not latently mastering s at the end of the period, masters it in those
 * weeks under the period's own learning rule, 1 - (1 - p)^k with p =
 * sim_learning_opportunity_p (the tool's learn_p, the student's ability and
 * latent prerequisites) and k the tool's opportunities in W weeks; 0 for a
 * student who already masters s. A first recommendation that is not a tool
 * (a teacher-led strategy: the simulator has no truth for one) scores 0. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/demo.h"
#include "domain/district.h"
#include "domain/mastery.h"
#include "domain/recommend.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "sim/learning.h"
#include "store/db.h"

#define MAX_TRACKED 64

struct seed_result {
	double edbridge, oracle, random; /* mean true gain per recommendation */
	double harmful, no_gain, explained, exploratory, strategy_first;
	long recs;
};

/* Opportunities to learn in `weeks` weeks of the tool's typical use. */
static double opportunities(const struct sim_tool *t, int weeks)
{
	double per_week;
	if (t->id == SIM_TOOL_FLUENCY || !(t->items_per_minute > 0))
		per_week = round(t->minutes / t->session_minutes); /* one per session */
	else
		per_week = round(t->minutes * t->items_per_minute);
	return per_week * weeks;
}

/* The scoring's truth: the gain of student i following tool t on std. */
static double true_gain(const struct sim_learning *l, size_t i, const struct sim_tool *t,
			const struct standard *std, int weeks)
{
	int end = sim_learning_params(l)->weeks;
	double p = sim_learning_opportunity_p(l, i, std, t->learn_p, end);
	if (!(p > 0))
		return 0;
	return 1 - pow(1 - p, opportunities(t, weeks));
}

/* A recommendation carries its evidence: its "why" in words, and when it
 * claims an effect, a consistent estimate (interval around it, students, tier). */
static bool explained(const struct recommendation *r)
{
	if (!r->why || strlen(r->why) < 20)
		return false;
	if (!r->has_effect)
		return strstr(r->why, "no local evidence") || strstr(r->why, "No local evidence") ||
		       r->source == REC_PLAN;
	return r->n > 0 && r->lo <= r->effect && r->effect <= r->hi && r->essa_tier >= 1 &&
	       r->essa_tier <= 4;
}

static enum eb_err one_seed(const struct sim_params *sp, int weeks, struct seed_result *out,
			    char *why, size_t cap)
{
	char path[] = "/tmp/edbridge-reccheck-XXXXXX";
	int fd = mkstemp(path);
	enum eb_err rc;
	struct db *db = NULL;
	struct demo_world w = { 0 };
	struct arena a;
	arena_init(&a);
	memset(out, 0, sizeof *out);
	if (fd < 0) {
		snprintf(why, cap, "cannot create a scratch database in /tmp");
		return EB_EIO;
	}
	close(fd);
	unlink(path);
	char err[256];
	if ((rc = db_open(path, DB_OPEN_CREATE, &db, err, sizeof err))) {
		snprintf(why, cap, "%s", err);
		goto out;
	}
	/* the demo's own progress lines are not this study's output */
	fflush(stdout);
	int saved = dup(1), devnull = open("/dev/null", O_WRONLY);
	if (saved >= 0 && devnull >= 0)
		dup2(devnull, 1);
	rc = demo_build_world(db, sp, &w);
	fflush(stdout);
	if (saved >= 0 && devnull >= 0)
		dup2(saved, 1);
	if (saved >= 0)
		close(saved);
	if (devnull >= 0)
		close(devnull);
	if (rc) {
		snprintf(why, cap, "the demo district did not build: %s", eb_strerror(rc));
		goto out;
	}
	int64_t d = w.district_id;
	struct district_levels lv;
	if (district_levels(db, d, &lv))
		lv.proficient = 0.70;
	/* the database's tool ids of the simulator's tools (by name) */
	size_t nt;
	const struct sim_tool *tools = sim_tools(&nt);
	int64_t tool_of_sim[SIM_TOOL_COUNT] = { 0 };
	struct tool_row *tr;
	size_t ntr;
	if ((rc = tools_list(db, d, -1, false, &a, &tr, &ntr)))
		goto out;
	for (size_t i = 0; i < ntr; i++)
		for (size_t k = 0; k < nt; k++)
			if (strcmp(tr[i].name, tools[k].name) == 0)
				tool_of_sim[k] = tr[i].id;
	size_t ncls, nstu;
	const struct sim_class *cls = sim_classes(w.sd, &ncls);
	const int *members = sim_class_members(w.sd, &nstu);
	const struct sim_student *stu = sim_students(w.sd, &nstu);
	double se = 0, so = 0, sr = 0;
	long recs = 0, harm = 0, nogain = 0, expl = 0, explo = 0, strat = 0;
	for (size_t c = 0; c < ncls; c++) {
		const struct standard *tr_std[MAX_TRACKED];
		size_t nfocus = 0;
		sim_learning_tracked(w.l, cls[c].grade, tr_std, MAX_TRACKED, &nfocus);
		for (size_t j = 0; j < nfocus && j < MAX_TRACKED; j++) {
			arena_reset(&a);
			const char **sids = arena_alloc(&a, (size_t)cls[c].nmembers * sizeof *sids);
			size_t *idx = arena_alloc(&a, (size_t)cls[c].nmembers * sizeof *idx);
			size_t ng = 0;
			if (!sids || !idx) {
				rc = EB_ENOMEM;
				goto out;
			}
			for (int m = 0; m < cls[c].nmembers; m++) {
				size_t s = (size_t)members[cls[c].first_member + m];
				char sid[SIM_ID_MAX];
				sim_student_id(s, sid);
				double p = mastery_p(db, d, sid, tr_std[j]->code);
				if (p < 0 || p >= lv.proficient)
					continue;
				sids[ng] = arena_strdup(&a, sid);
				idx[ng++] = s;
			}
			if (!ng)
				continue;
			struct recommendation *r;
			size_t nr;
			if ((rc = recommend_for_group(db, d, sids, ng, tr_std[j]->code, REC_MAX, &a,
						      &r, &nr)))
				goto out;
			const struct recommendation *first = nr ? &r[0] : NULL;
			int pick = -1; /* the simulator's tool edbridge recommends first */
			const struct standard *pick_std = NULL;
			if (first && first->source == REC_TOOL)
				for (size_t k = 0; k < nt; k++)
					if (tool_of_sim[k] == first->tool_id) {
						pick = (int)k;
						pick_std = standards_find(first->standard);
					}
			for (size_t g = 0; g < ng; g++) {
				size_t s = idx[g];
				int grade = stu[s].grade;
				double best = 0, sum = 0;
				int eligible = 0;
				for (size_t k = 0; k < nt; k++) {
					if (grade < tools[k].lo_grade ||
					    grade > tools[k].hi_grade || !tool_of_sim[k])
						continue;
					double gk = true_gain(w.l, s, &tools[k], tr_std[j], weeks);
					best = gk > best ? gk : best;
					sum += gk;
					eligible++;
				}
				double ge =
					pick >= 0 ? true_gain(w.l, s, &tools[pick], pick_std, weeks)
						  : 0;
				bool open =
					sim_learning_mastered(w.l, s, tr_std[j],
							      sim_learning_params(w.l)->weeks) == 0;
				se += ge;
				so += best;
				sr += eligible ? sum / eligible : 0;
				recs++;
				harm += ge < 0;
				nogain += open && ge == 0;
				expl += first && explained(first);
				explo += first && first->exploratory;
				strat += !first || first->source != REC_TOOL;
			}
		}
	}
	if (recs == 0 || !(so > 0)) {
		snprintf(why, cap, "no student was left not yet secure: nothing to recommend");
		rc = EB_EINVAL;
		goto out;
	}
	out->edbridge = se / recs;
	out->oracle = so / recs;
	out->random = sr / recs;
	out->harmful = (double)harm / recs;
	out->no_gain = (double)nogain / recs;
	out->explained = (double)expl / recs;
	out->exploratory = (double)explo / recs;
	out->strategy_first = (double)strat / recs;
	out->recs = recs;
out:
	demo_world_free(&w);
	db_close(db);
	arena_free(&a);
	char side[sizeof path + 8];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return rc;
}

static void mean_sd(const double *x, int n, double *m, double *sd)
{
	double s = 0, s2 = 0;
	for (int i = 0; i < n; i++)
		s += x[i];
	*m = n ? s / n : 0;
	for (int i = 0; i < n; i++)
		s2 += (x[i] - *m) * (x[i] - *m);
	*sd = n > 1 ? sqrt(s2 / (n - 1)) : 0;
}

static void print_stat(const char *name, const double *x, int n)
{
	double m, sd, lo = INFINITY, hi = -INFINITY;
	mean_sd(x, n, &m, &sd);
	for (int i = 0; i < n; i++) {
		lo = x[i] < lo ? x[i] : lo;
		hi = x[i] > hi ? x[i] : hi;
	}
	printf("%s: %.3f (sd %.3f, min %.3f, max %.3f over %d seeds)\n", name, m, sd, lo, hi, n);
}

int cmd_sim_recommend_check(int argc, char **argv)
{
	if (cli_help(argc, argv,
		     "usage: edbridge sim recommend-check [--seeds N] [--students N] [--weeks W]\n"
		     "                                    [--first-seed S]\n\n"
		     "The next best intervention against the simulator's truth. Per seed the demo\n"
		     "district is built as `edbridge demo` builds it, into a scratch database;\n"
		     "then every student edbridge estimates not yet secure on a focus standard\n"
		     "follows edbridge's first recommendation for their class's group, the\n"
		     "oracle's best tool, or a random eligible tool, for W weeks (default 6) at\n"
		     "the tool's typical use. The recommender reads the database only; the\n"
		     "scoring alone reads the simulator's truth. Prints oracle_share (edbridge's\n"
		     "mean true gain / the oracle's), random_share, captured ((edbridge - random)\n"
		     "/ (oracle - random)), harmful_rate (true effect < 0), explained (carrying\n"
		     "their evidence), each with its spread over seeds, and pass: yes when\n"
		     "oracle_share >= 0.80, captured >= 0.60, harmful_rate <= 0.02 and explained\n"
		     "= 1.00. Defaults: 20 seeds (1, 2, ...), 3,000 students.\n"))
		return 0;
	int64_t seeds, students, weeks, first;
	if (cli_opt_int(argc, argv, "--seeds", 1, 1000, 20, &seeds) ||
	    cli_opt_int(argc, argv, "--students", 200, 400000, 3000, &students) ||
	    cli_opt_int(argc, argv, "--weeks", 1, 40, 6, &weeks) ||
	    cli_opt_int(argc, argv, "--first-seed", 1, INT64_MAX / 2, 1, &first))
		return 2;
	double *v = calloc((size_t)seeds * 9, sizeof *v);
	if (!v)
		return 1;
	double t0 = time_mono();
	int ok = 0, failed = 0;
	long recs = 0;
	for (int64_t k = 0; k < seeds; k++) {
		struct sim_params p;
		if (students == 3000)
			sim_params_default(&p);
		else
			sim_params_scaled(&p, (int)students);
		p.seed = (uint64_t)(first + k);
		struct seed_result r;
		char why[256] = "";
		if (one_seed(&p, (int)weeks, &r, why, sizeof why)) {
			fprintf(stderr, "sim recommend-check: seed %lld: %s\n", (long long)p.seed,
				why);
			failed++;
			continue;
		}
		double *row[] = { v,
				  v + seeds,
				  v + 2 * seeds,
				  v + 3 * seeds,
				  v + 4 * seeds,
				  v + 5 * seeds,
				  v + 6 * seeds,
				  v + 7 * seeds,
				  v + 8 * seeds };
		row[0][ok] = r.edbridge / r.oracle;
		row[1][ok] = r.random / r.oracle;
		row[2][ok] = r.oracle > r.random ? (r.edbridge - r.random) / (r.oracle - r.random)
						 : 0;
		row[3][ok] = r.harmful;
		row[4][ok] = r.explained;
		row[5][ok] = r.no_gain;
		row[6][ok] = r.exploratory;
		row[7][ok] = r.strategy_first;
		row[8][ok] = r.oracle;
		recs += r.recs;
		ok++;
		fprintf(stderr, "seed %lld: oracle_share %.3f captured %.3f (%ld students)\n",
			(long long)p.seed, row[0][ok - 1], row[2][ok - 1], r.recs);
	}
	printf("seeds: %d\nstudents: %lld\nfollow_weeks: %lld\nrecommendations: %ld\n", ok,
	       (long long)students, (long long)weeks, recs);
	if (ok) {
		print_stat("oracle_share", v, ok);
		print_stat("random_share", v + seeds, ok);
		print_stat("captured", v + 2 * seeds, ok);
		print_stat("harmful_rate", v + 3 * seeds, ok);
		print_stat("explained", v + 4 * seeds, ok);
		print_stat("no_gain_rate", v + 5 * seeds, ok);
		print_stat("exploratory_first_rate", v + 6 * seeds, ok);
		print_stat("not_a_tool_first_rate", v + 7 * seeds, ok);
		print_stat("oracle_mean_gain", v + 8 * seeds, ok);
	}
	double os, osd, cap, csd, harm, hsd, ex, esd;
	mean_sd(v, ok, &os, &osd);
	mean_sd(v + 2 * seeds, ok, &cap, &csd);
	mean_sd(v + 3 * seeds, ok, &harm, &hsd);
	mean_sd(v + 4 * seeds, ok, &ex, &esd);
	int pass = ok > 0 && !failed && os >= 0.80 && cap >= 0.60 && harm <= 0.02 && ex >= 0.9995;
	printf("failed: %d\nseconds: %.1f\npass: %s\n", failed, time_mono() - t0,
	       pass ? "yes" : "no");
	free(v);
	return pass ? 0 : 1;
}
