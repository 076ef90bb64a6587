/* bench_sim_learning.c - how long the learning simulator takes on the demo
 * district, how many records each tool sends and how large they are, and the
 * truth next to the naive and pretest-adjusted user/non-user comparisons.
 *
 * usage: bench_sim_learning [students [runs [seeds]]]   (defaults 3000, 5, 5)
 * Prints `name: value` lines; times are medians of the runs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "sim/learning.h"
#include "sim/tools.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *x, int n)
{
	qsort(x, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/* OLS of post on (1, pre, user): the user coefficient in SD units. */
static void compare(const struct sim_learning *l, enum sim_tool_id t, double *naive, double *adj)
{
	size_t n;
	sim_students(sim_learning_district(l), &n);
	double sy[2] = { 0 }, k[2] = { 0 };
	double mp = 0, my = 0, mu = 0;
	for (size_t s = 0; s < n; s++) {
		int m, ses;
		sim_learning_usage(l, s, t, -1, &m, &ses);
		int u = m > 0;
		sy[u] += sim_learning_posttest(l, s);
		k[u]++;
		mp += sim_learning_pretest(l, s);
		my += sim_learning_posttest(l, s);
		mu += u;
	}
	*naive = (sy[1] / k[1] - sy[0] / k[0]) / 50.0;
	mp /= n, my /= n, mu /= n;
	double spp = 0, suu = 0, spu = 0, spy = 0, suy = 0;
	for (size_t s = 0; s < n; s++) {
		int m, ses;
		sim_learning_usage(l, s, t, -1, &m, &ses);
		double p = sim_learning_pretest(l, s) - mp, u = (m > 0) - mu;
		double y = sim_learning_posttest(l, s) - my;
		spp += p * p, suu += u * u, spu += p * u, spy += p * y, suy += u * y;
	}
	double det = spp * suu - spu * spu;
	*adj = det > 0 ? (spp * suy - spu * spy) / det / 50.0 : 0;
}

/* OLS of post on (1, pre, user, other tools' minutes / 100): the user
 * coefficient in SD units. Normal equations, Gaussian elimination. */
static double adjusted_other_tools(const struct sim_learning *l, enum sim_tool_id t)
{
	enum { K = 2 + SIM_TOOL_COUNT }; /* 1, pre, user, 4 other tools */
	double xtx[K][K] = { { 0 } }, xty[K] = { 0 };
	size_t n;
	sim_students(sim_learning_district(l), &n);
	for (size_t s = 0; s < n; s++) {
		double x[K];
		int m, ses, k = 0;
		x[k++] = 1;
		x[k++] = (sim_learning_pretest(l, s) - 500) / 50;
		sim_learning_usage(l, s, t, -1, &m, &ses);
		x[k++] = m > 0;
		for (int o = 0; o < SIM_TOOL_COUNT; o++)
			if (o != (int)t) {
				sim_learning_usage(l, s, (enum sim_tool_id)o, -1, &m, &ses);
				x[k++] = m / 100.0;
			}
		double y = (sim_learning_posttest(l, s) - 500) / 50;
		for (int i = 0; i < K; i++) {
			xty[i] += x[i] * y;
			for (int j = 0; j < K; j++)
				xtx[i][j] += x[i] * x[j];
		}
	}
	for (int c = 0; c < K; c++) {
		int piv = c;
		for (int r = c + 1; r < K; r++)
			if (fabs(xtx[r][c]) > fabs(xtx[piv][c]))
				piv = r;
		if (fabs(xtx[piv][c]) < 1e-12)
			return 0;
		for (int j = 0; j < K; j++) {
			double tmp = xtx[c][j];
			xtx[c][j] = xtx[piv][j];
			xtx[piv][j] = tmp;
		}
		double tmp = xty[c];
		xty[c] = xty[piv];
		xty[piv] = tmp;
		for (int r = 0; r < K; r++) {
			if (r == c)
				continue;
			double f = xtx[r][c] / xtx[c][c];
			for (int j = 0; j < K; j++)
				xtx[r][j] -= f * xtx[c][j];
			xty[r] -= f * xty[c];
		}
	}
	return xty[2] / xtx[2][2];
}

int main(int argc, char **argv)
{
	int64_t students = 3000, runs = 5, seeds = 5;
	if ((argc > 1 && cstr_to_i64(argv[1], 100, 2000000, &students)) ||
	    (argc > 2 && cstr_to_i64(argv[2], 1, 50, &runs)) ||
	    (argc > 3 && cstr_to_i64(argv[3], 0, 200, &seeds))) {
		fprintf(stderr,
			"usage: bench_sim_learning [students 100.. [runs 1..50 [seeds 0..200]]]\n");
		return 2;
	}
	struct sim_params p;
	struct sim_learning_params lp;
	sim_params_scaled(&p, (int)students);
	if (students == 3000)
		sim_params_default(&p);
	sim_learning_params_default(&lp);
	struct sim_district *d;
	if (sim_district_build(&p, &d)) {
		fprintf(stderr, "bench_sim_learning: district build failed\n");
		return 1;
	}
	double trun[50], twrite[50];
	size_t bytes[SIM_TOOL_COUNT] = { 0 };
	struct sim_learning *l = NULL;
	for (int r = 0; r < runs; r++) {
		sim_learning_free(l);
		double t0 = time_mono();
		if (sim_learning_run(d, &lp, &l)) {
			fprintf(stderr, "bench_sim_learning: run failed\n");
			return 1;
		}
		double t1 = time_mono();
		struct buf b;
		buf_init(&b, 1u << 30);
		for (int t = 0; t < SIM_TOOL_COUNT; t++) {
			size_t n = sim_tool_records(l, (enum sim_tool_id)t),
			       batch = t == SIM_TOOL_VIDEO ? 50 : 100;
			bytes[t] = 0;
			for (size_t i = 0; i < n; i += batch) {
				buf_reset(&b);
				if (sim_tool_write(l, (enum sim_tool_id)t, i, batch, &b, NULL)) {
					fprintf(stderr, "bench_sim_learning: write failed\n");
					return 1;
				}
				bytes[t] += b.len;
			}
		}
		buf_free(&b);
		trun[r] = t1 - t0;
		twrite[r] = time_mono() - t1;
	}
	size_t total = 0, tb = 0, nt;
	const struct sim_tool *tools = sim_tools(&nt);
	printf("students: %lld\n", (long long)students);
	printf("weeks: %d\n", lp.weeks);
	printf("simulate_seconds: %.3f\n", median(trun, (int)runs));
	printf("write_seconds: %.3f\n", median(twrite, (int)runs));
	for (size_t t = 0; t < nt; t++) {
		size_t n = sim_tool_records(l, (enum sim_tool_id)t);
		total += n;
		tb += bytes[t];
		printf("%s_records: %zu\n", tools[t].key, n);
		printf("%s_bytes: %zu\n", tools[t].key, bytes[t]);
		printf("%s_users: %zu\n", tools[t].key, sim_learning_users(l, (enum sim_tool_id)t));
		printf("%s_true_effect_sd: %.3f\n", tools[t].key,
		       sim_learning_true_effect_sd(l, (enum sim_tool_id)t));
		double naive, adj;
		compare(l, (enum sim_tool_id)t, &naive, &adj);
		printf("%s_naive_diff_sd: %.3f\n", tools[t].key, naive);
		printf("%s_pretest_adjusted_sd: %.3f\n", tools[t].key, adj);
		printf("%s_adjusted_with_other_tools_sd: %.3f\n", tools[t].key,
		       adjusted_other_tools(l, (enum sim_tool_id)t));
	}
	printf("records_total: %zu\n", total);
	printf("bytes_total: %zu\n", tb);
	printf("mastery_week0: %.3f\n", sim_learning_mean_mastery(l, -1, 0));
	printf("mastery_end: %.3f\n", sim_learning_mean_mastery(l, -1, lp.weeks));
	sim_learning_free(l);
	sim_district_free(d);

	/* across district seeds: truth and the two simple comparisons */
	if (seeds > 0) {
		double se = 0, sv_naive = 0, sv_adj = 0, sp_adj = 0, max_v_adj = -1e9,
		       min_v_adj = 1e9;
		double sv_oth = 0, max_v_oth = -1e9, min_v_oth = 1e9;
		for (int64_t s = 1; s <= seeds; s++) {
			p.seed = (uint64_t)s;
			if (sim_district_build(&p, &d) || sim_learning_run(d, &lp, &l))
				return 1;
			double naive, adj;
			se += sim_learning_true_effect_sd(l, SIM_TOOL_PRACTICE);
			compare(l, SIM_TOOL_VIDEO, &naive, &adj);
			sv_naive += naive;
			sv_adj += adj;
			double o = adjusted_other_tools(l, SIM_TOOL_VIDEO);
			sv_oth += o;
			if (o > max_v_oth)
				max_v_oth = o;
			if (o < min_v_oth)
				min_v_oth = o;
			if (adj > max_v_adj)
				max_v_adj = adj;
			if (adj < min_v_adj)
				min_v_adj = adj;
			compare(l, SIM_TOOL_PRACTICE, &naive, &adj);
			sp_adj += adj;
			sim_learning_free(l);
			sim_district_free(d);
		}
		printf("seeds: %lld\n", (long long)seeds);
		printf("practice_true_effect_sd_mean: %.3f\n", se / seeds);
		printf("practice_pretest_adjusted_sd_mean: %.3f\n", sp_adj / seeds);
		printf("video_naive_diff_sd_mean: %.3f\n", sv_naive / seeds);
		printf("video_pretest_adjusted_sd_mean: %.3f\n", sv_adj / seeds);
		printf("video_pretest_adjusted_sd_range: %.3f..%.3f\n", min_v_adj, max_v_adj);
		printf("video_adjusted_with_other_tools_sd_mean: %.3f\n", sv_oth / seeds);
		printf("video_adjusted_with_other_tools_sd_range: %.3f..%.3f\n", min_v_oth,
		       max_v_oth);
	}
	return 0;
}
