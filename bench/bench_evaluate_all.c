/* bench_evaluate_all.c - time to evaluate every initiative of the
 * 350,000-student generated district with all subgroups (issue: <= 30 s).
 *
 * The district is sim_district_build at sim_params_scaled(students). The
 * learning simulator's records at this size would take gigabytes, so
 * outcomes and use are drawn directly from each student's latent ability and
 * motivation (the selection model of docs/initiatives.md): one initiative per
 * tool of sim_tools() over the tool's grades; users ~ logistic(-0.4 + slope *
 * motivation); pretest, prior-year score and outcome from ability,
 * motivation, a class effect and noise; true effects 0.15, 0, 0.2, 0.03,
 * 0.03 SD. Each initiative is evaluated with the matched design (prior-year
 * score, demographics, the other four tools' use, strata grade x school)
 * through eval_run with every subgroup, as `edbridge evaluate` does after
 * eval_load (the load itself is SQL and not timed here).
 *
 * usage: bench_evaluate_all [students [runs]]   (defaults 350000, 3)
 * Prints `name: value`; seconds are the median of the runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/rng.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/evaluation.h"
#include "sim/district.h"
#include "sim/learning.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int64_t students = 350000, runs = 3;
	if ((argc > 1 && cstr_to_i64(argv[1], 1000, 2000000, &students)) ||
	    (argc > 2 && cstr_to_i64(argv[2], 1, 20, &runs))) {
		fprintf(stderr, "usage: bench_evaluate_all [students [runs]]\n");
		return 2;
	}
	struct sim_params sp;
	sim_params_scaled(&sp, (int)students);
	struct sim_district *d;
	double t0 = time_mono();
	if (sim_district_build(&sp, &d))
		return 1;
	double build_s = time_mono() - t0;
	size_t ns, nc, nsch, ntools;
	const struct sim_student *st = sim_students(d, &ns);
	sim_classes(d, &nc);
	sim_schools(d, &nsch);
	const struct sim_tool *tools = sim_tools(&ntools);
	static const double effect[SIM_TOOL_COUNT] = { 0.15, 0, 0.2, 0.03, 0.03 };
	/* per student: latent draws shared by every initiative */
	double *pre = malloc(ns * sizeof *pre), *prior = malloc(ns * sizeof *prior),
	       *y0 = malloc(ns * sizeof *y0), *uc = malloc((nc + 1) * sizeof *uc);
	double(*minutes)[SIM_TOOL_COUNT] = malloc(ns * sizeof *minutes);
	struct eval_row *rows = malloc(ns * sizeof *rows);
	const char **names = malloc((nsch + 1) * sizeof *names);
	if (!pre || !prior || !y0 || !uc || !minutes || !rows || !names)
		return 1;
	struct rng r;
	rng_seed(&r, 20260501);
	for (size_t c = 0; c < nc; c++)
		uc[c] = 0.35 * rng_normal(&r);
	for (size_t s = 0; s < nsch; s++)
		names[s] = "school";
	static const double slope[SIM_TOOL_COUNT] = { 0.3, 1.5, 0.2, 0.0, 0.4 };
	for (size_t i = 0; i < ns; i++) {
		double ab = sim_student_ability(d, i), mo = sim_student_motivation(d, i);
		double base = 0.6 * ab + 0.5 * mo + uc[st[i].class_index];
		pre[i] = 500 + 50 * (base + 0.5 * rng_normal(&r)) / 1.0;
		prior[i] = st[i].grade > 0 ? 500 + 50 * (base + 0.5 * rng_normal(&r)) : NAN;
		y0[i] = 0.8 * (pre[i] - 500) / 50 + 0.55 * rng_normal(&r);
		for (int t = 0; t < SIM_TOOL_COUNT; t++) {
			bool grade = st[i].grade >= tools[t].lo_grade &&
				     st[i].grade <= tools[t].hi_grade;
			int use = grade && rng_uniform(&r) < 1 / (1 + exp(-(-0.4 + slope[t] * mo)));
			minutes[i][t] = use ? tools[t].minutes * 12 * (0.5 + rng_uniform(&r)) : 0;
		}
	}
	double *secs = malloc((size_t)runs * sizeof *secs);
	struct eval_result *res = malloc(sizeof *res);
	size_t rows_total = 0, subs_total = 0, subs_ok = 0;
	int failed = 0;
	for (int64_t k = 0; k < runs; k++) {
		double t1 = time_mono();
		rows_total = subs_total = subs_ok = 0;
		failed = 0;
		for (int t = 0; t < SIM_TOOL_COUNT; t++) {
			size_t n = 0;
			for (size_t i = 0; i < ns; i++) {
				if (st[i].grade < tools[t].lo_grade ||
				    st[i].grade > tools[t].hi_grade)
					continue;
				struct eval_row *w = &rows[n++];
				w->pre = pre[i];
				w->prior = prior[i];
				w->minutes = minutes[i][t];
				w->treated = w->minutes > 0;
				w->post = 500 + 50 * (y0[i] + effect[t] * w->treated);
				w->grade = st[i].grade;
				w->school = st[i].school;
				w->cluster = st[i].class_index;
				w->el = st[i].english_learner;
				w->swd = st[i].disability;
				w->female = st[i].sex == SIM_FEMALE;
				size_t o = 0;
				for (int u = 0; u < SIM_TOOL_COUNT; u++)
					if (u != t)
						w->other[o++] = minutes[i][u];
			}
			struct eval_data ed = { .design = EVAL_MATCHED,
						.rows = rows,
						.n = n,
						.school_names = names,
						.nschools = nsch,
						.icc = -1,
						.has_prior = true,
						.nother = 4,
						.tool = tools[t].name };
			char why[256];
			if (eval_run(&ed, res, why, sizeof why)) {
				fprintf(stderr, "%s: %s\n", tools[t].key, why);
				failed++;
				continue;
			}
			rows_total += n;
			subs_total += res->nsub;
			for (size_t j = 0; j < res->nsub; j++)
				subs_ok += res->sub[j].ok;
			if (k == 0)
				printf("%s_g: %.4f\n%s_ci95: %.4f %.4f\n%s_true_effect: %.2f\n",
				       tools[t].key, res->est.g, tools[t].key, res->est.ci_lo,
				       res->est.ci_hi, tools[t].key, effect[t]);
		}
		secs[k] = time_mono() - t1;
	}
	qsort(secs, (size_t)runs, sizeof *secs, cmp_double);
	printf("students: %zu\nschools: %zu\nclasses: %zu\ninitiatives: %d\nanalysed_rows: %zu\n"
	       "subgroups: %zu\nsubgroups_estimated: %zu\nfailed: %d\nruns: %lld\n"
	       "district_build_seconds: %.2f\nevaluate_all_seconds: %.2f\n",
	       ns, nsch, nc, SIM_TOOL_COUNT, rows_total, subs_total, subs_ok, failed,
	       (long long)runs, build_s, secs[runs / 2]);
	free(secs);
	free(res);
	free(pre);
	free(prior);
	free(y0);
	free(uc);
	free(minutes);
	free(rows);
	free(names);
	sim_district_free(d);
	return failed ? 1 : 0;
}
