/* bench_mastery.c - the mastery model on the ASSISTments 2009 split:
 * fit_seconds (median of 3 fits on train), test auc and ece, and
 * update_ns: median over 5 runs of the mean cost of one online update
 * (mastery_observe, then the refreshed BKT mastery probability and the
 * logistic expected-correct figure of the skill: what the ingest path does),
 * each run replaying the test responses for >= 1e6 updates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/stats_metrics.h"
#include "domain/kt_data.h"
#include "domain/mastery_model.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	const char *trp = "../shared/data/kt/assistments09/train.tsv";
	const char *tep = "../shared/data/kt/assistments09/test.tsv";
	if (access(trp, R_OK) != 0 || access(tep, R_OK) != 0) {
		printf("skipped: ../shared/data absent\n");
		return 0;
	}
	struct kt_dataset tr, te;
	char err[256];
	if (kt_load(trp, &tr, err, sizeof err) || kt_load(tep, &te, err, sizeof err)) {
		fprintf(stderr, "bench_mastery: %s\n", err);
		return 1;
	}
	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m = NULL;
	double fit[3];
	for (int i = 0; i < 3; i++) {
		mastery_free(m);
		double t0 = now();
		if (mastery_fit(&tr, &hp, &m, NULL, err, sizeof err)) {
			fprintf(stderr, "bench_mastery: %s\n", err);
			return 1;
		}
		fit[i] = now() - t0;
	}
	qsort(fit, 3, sizeof fit[0], cmp_double);

	double *p = malloc(te.n * sizeof *p);
	uint8_t *y = malloc(te.n);
	struct stats_binary sb;
	mastery_predict_dataset(m, &te, p);
	for (size_t i = 0; i < te.n; i++)
		y[i] = te.rows[i].correct;
	stats_binary_eval(p, y, te.n, &sb);

	/* Online updates: one student state, per-skill states, test queries. */
	size_t ns = mastery_skill_count(m) + 1;
	struct mastery_skill_state *ss = calloc(ns, sizeof *ss);
	struct mastery_query *qs = malloc(te.n * sizeof *qs);
	for (size_t i = 0; i < te.n; i++) {
		qs[i] = (struct mastery_query){ .item = mastery_item_index(m, te.rows[i].item),
						.nskills = 1 };
		int32_t s = te.rows[i].nskills ? mastery_skill_index(m, te.rows[i].skill[0]) : -1;
		qs[i].skill[0] = s < 0 ? (int32_t)ns - 1 : s;
	}
	size_t reps = (1000000 + te.n - 1) / te.n;
	double runs[5], sink = 0;
	for (int r = 0; r < 5; r++) {
		struct mastery_student_state st = { 0 };
		memset(ss, 0, ns * sizeof *ss);
		double t0 = now();
		for (size_t k = 0; k < reps; k++)
			for (size_t i = 0; i < te.n; i++) {
				struct mastery_skill_state *sk[1] = { &ss[qs[i].skill[0]] };
				mastery_observe(m, &st, sk, &qs[i], y[i]);
				sink += mastery_skill_probability(m, &st, sk[0], qs[i].skill[0]);
				sink += mastery_skill_expected_correct(m, &st, sk[0],
								       qs[i].skill[0]);
			}
		runs[r] = (now() - t0) * 1e9 / (double)(reps * te.n);
	}
	qsort(runs, 5, sizeof runs[0], cmp_double);
	printf("fit_seconds: %.3f\nauc: %.4f\nece: %.4f\nlogloss: %.4f\nupdate_ns: %.1f\n"
	       "updates_per_run: %zu\n",
	       fit[1], sb.auc, sb.ece, sb.logloss, runs[2], reps * te.n);
	if (sink < 0)
		printf("unreachable\n");
	free(p);
	free(y);
	free(ss);
	free(qs);
	mastery_free(m);
	kt_free(&tr);
	kt_free(&te);
	return 0;
}
