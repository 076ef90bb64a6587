/* test_eval_standard.c - the by-standard comparison on the mastery model's
 * estimates (eval_by_standard) on a tiny constructed dataset whose answer is
 * known in closed form, and the report lines it prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/stats.h"
#include "domain/evaluation.h"

#define NEAR(a, b, tol)                                                                            \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (!(fabs(a_ - b_) <= (tol)))                                                     \
			fail_msg("%s = %.12g, expected %.12g (tol %g)", #a, a_, b_,                \
				 (double)(tol));                                                   \
	} while (0)

/* 10 users and 10 comparison students with the same baselines b_j = j/10;
 * P now = c + effect * user + 0.5 b_j + e_j, where e sums to 0 and is
 * orthogonal to b within each group: OLS recovers the effect exactly, and
 * the residual sum of squares is 2 sum e^2. Each student is their own
 * cluster and the ICC is 0, so the clustering correction leaves t alone and
 * the degrees of freedom are the regression's, N - 3 = 17. */
#define N 22 /* + 2 rows outside the analysis */
static const double E[10] = { 0.05, -0.05, -0.05, 0.05, 0.05, -0.05, -0.05, 0.05, 0, 0 };

struct fixture {
	struct eval_row rows[N];
	double end[N * 3], base[N * 3];
	const char *codes[3];
	struct eval_data d;
};

/* standard 0: effect 0.1; standard 1: effect 0.2; standard 2: only 5
 * comparison students have a measured cell. */
static void build(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	static const double eff[3] = { 0.1, 0.2, 0.1 };
	for (int i = 0; i < N; i++) {
		struct eval_row *w = &f->rows[i];
		int j = i % 10, user = i >= 10 && i < 20;
		w->pre = NAN;
		w->post = 1;
		w->prior = NAN;
		w->treated = i < 20 ? user : -1; /* rows 20, 21 are not analysed */
		w->grade = 4;
		w->cluster = i;
		for (int s = 0; s < 3; s++) {
			double b = j / 10.0;
			f->base[i * 3 + s] = b;
			f->end[i * 3 + s] = 0.2 + eff[s] * user + 0.5 * b + E[j];
			if (s == 2 && !user && j >= 5)
				f->end[i * 3 + s] = NAN; /* no measured cell */
		}
		if (i >= 20)
			f->end[i * 3] = 0.99; /* would move the answer if counted */
	}
	f->codes[0] = "4.NF.A.1";
	f->codes[1] = "4.NF.A.2";
	f->codes[2] = "4.NF.B.3";
	f->d.design = EVAL_RANDOMIZED;
	f->d.rows = f->rows;
	f->d.n = N;
	f->d.icc = 0;
	f->d.nstd = 3;
	f->d.std_code = f->codes;
	f->d.std_end = f->end;
	f->d.std_base = f->base;
}

/* The closed-form answer for an effect. */
static void expect(double eff, double *g, double *p, double *lo, double *hi)
{
	double v[10], mean = 0, ss = 0, se2 = 0;
	for (int j = 0; j < 10; j++) {
		v[j] = 0.5 * j / 10.0 + E[j];
		mean += v[j] / 10;
		se2 += 2 * E[j] * E[j];
	}
	for (int j = 0; j < 10; j++)
		ss += (v[j] - mean) * (v[j] - mean);
	double s = sqrt(ss / 9); /* pooled SD: both groups alike */
	double omega = 1 - 3.0 / (4 * 20 - 9);
	double se = sqrt(se2 / 17 / 5); /* sigma^2 / sum (t - tbar)^2 */
	double q;
	assert_int_equal(stats_t_p2(eff / se, 17, p, NULL, 0), EB_OK);
	assert_int_equal(stats_t_quantile(0.975, 17, &q, NULL, 0), EB_OK);
	*g = omega * eff / s;
	*lo = *g - q * omega * se / s;
	*hi = *g + q * omega * se / s;
}

static void test_known_answer(void **state)
{
	(void)state;
	struct fixture *f = malloc(sizeof *f);
	struct eval_result *r = calloc(1, sizeof *r);
	assert_non_null(f);
	assert_non_null(r);
	build(f);
	eval_by_standard(&f->d, NULL, r);
	assert_int_equal(r->nstd, 3);
	assert_string_equal(r->std[0].label, "4.NF.A.1");
	double g, p, lo, hi, g2, p2, lo2, hi2;
	expect(0.1, &g, &p, &lo, &hi);
	expect(0.2, &g2, &p2, &lo2, &hi2);
	assert_true(r->std[0].ok);
	NEAR(r->std[0].n_t, 10, 0);
	NEAR(r->std[0].n_c, 10, 0);
	NEAR(r->std[0].g, g, 1e-9);
	NEAR(r->std[0].p, p, 1e-9);
	NEAR(r->std[0].ci_lo, lo, 1e-9);
	NEAR(r->std[0].ci_hi, hi, 1e-9);
	assert_true(r->std[1].ok);
	NEAR(r->std[1].g, g2, 1e-9);
	NEAR(r->std[1].p, p2, 1e-9);
	/* the third is not estimated: 5 comparison students with a measured cell */
	assert_false(r->std[2].ok);
	NEAR(r->std[2].n_c, 5, 0);
	assert_non_null(strstr(r->std[2].why, "too few students"));
	/* Benjamini-Hochberg across the two estimated standards */
	assert_true(p2 < p);
	NEAR(r->std[0].p_bh, p, 1e-12);
	NEAR(r->std[1].p_bh, fmin(2 * p2, p), 1e-12);
	/* the report */
	struct buf b;
	buf_init(&b, 1 << 16);
	eval_write_report(r, &f->d, &b);
	char line[160];
	snprintf(line, sizeof line, "standard: 4.NF.A.1 n=10/10 g=%.3f ci=[%.3f, %.3f] p=%.4f", g,
		 lo, hi, p);
	assert_non_null(strstr(buf_cstr(&b), line));
	assert_non_null(strstr(buf_cstr(&b), "standard: 4.NF.B.3 not estimated: too few"));
	assert_non_null(strstr(buf_cstr(&b), "not on a test score"));
	buf_free(&b);
	free(f);
	free(r);
}

/* Only the rows in a matched pair count when in_match is given; a pretest
 * every analysed student has becomes a control. */
static void test_matched_rows_and_pretest(void **state)
{
	(void)state;
	struct fixture *f = malloc(sizeof *f);
	struct eval_result *r = calloc(1, sizeof *r);
	assert_non_null(f);
	assert_non_null(r);
	build(f);
	char in[N] = { 0 };
	for (int i = 0; i < N; i++)
		in[i] = i != 0 && i != 10; /* drop one pair */
	eval_by_standard(&f->d, in, r);
	NEAR(r->std[0].n_t, 9, 0);
	NEAR(r->std[0].n_c, 9, 0);
	assert_false(r->std[0].ok); /* 9 per group: fewer than EVAL_STD_MIN_GROUP */
	assert_non_null(strstr(r->std[0].why, "9 users, 9 comparison"));
	for (int i = 0; i < N; i++)
		in[i] = i < 20; /* every analysed row: the known answer again */
	memset(r, 0, sizeof *r);
	eval_by_standard(&f->d, in, r);
	double g, p, lo, hi;
	expect(0.1, &g, &p, &lo, &hi);
	NEAR(r->std[0].g, g, 1e-9);
	/* a pretest equal to the baseline is collinear with it and would make
	 * the regression singular; a pretest that varies on its own is used */
	for (int i = 0; i < N; i++)
		f->rows[i].pre = 200 + (i * 7) % 13;
	memset(r, 0, sizeof *r);
	eval_by_standard(&f->d, NULL, r);
	assert_true(r->std[0].ok);
	assert_true(r->std[0].g > 0);
	free(f);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_matched_rows_and_pretest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
