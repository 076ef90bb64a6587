/* test_stats.c - distributions and numerics against published values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "base/stats.h"

#define NEAR(a, b, tol)                                                                            \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (!(fabs(a_ - b_) <= (tol)))                                                     \
			fail_msg("%s = %.15g, expected %.15g (tol %g)", #a, a_, b_,                \
				 (double)(tol));                                                   \
	} while (0)

static double nq(double p)
{
	double x = NAN;
	assert_int_equal(stats_norm_quantile(p, &x, NULL, 0), EB_OK);
	return x;
}

static double tq(double p, double df)
{
	double x = NAN;
	assert_int_equal(stats_t_quantile(p, df, &x, NULL, 0), EB_OK);
	return x;
}

static double tc(double t, double df)
{
	double x = NAN;
	assert_int_equal(stats_t_cdf(t, df, &x, NULL, 0), EB_OK);
	return x;
}

static void test_normal_table(void **state)
{
	(void)state;
	NEAR(stats_norm_cdf(1.959963985), 0.975, 1e-9);
	NEAR(stats_norm_cdf(0), 0.5, 1e-16);
	NEAR(stats_norm_cdf(-1), 0.158655253931457, 1e-14);
	NEAR(stats_norm_cdf(1.644853627), 0.95, 1e-9);
	NEAR(stats_norm_sf(5), 2.866515718791939e-07, 1e-20);
	NEAR(stats_norm_pdf(0), 0.398942280401433, 1e-15);
	NEAR(nq(0.975), 1.959963984540054, 1e-13);
	NEAR(nq(0.995), 2.575829303548901, 1e-13);
	NEAR(nq(0.999), 3.090232306167814, 1e-13);
	NEAR(nq(0.5), 0.0, 1e-15);
	NEAR(nq(0.025), -1.959963984540054, 1e-13);
	NEAR(nq(1e-10), -6.361340902404056, 1e-10);
}

static void test_normal_roundtrip(void **state)
{
	(void)state;
	for (double p = 1e-12; p < 1; p = p < 0.01 ? p * 7 : p + 0.0173) {
		double x = nq(p);
		double back = x < 0 ? stats_norm_cdf(x) : 1 - stats_norm_sf(x);
		NEAR(back, p, 4e-16 + 1e-14 * p);
	}
}

static void test_normal_bad_input(void **state)
{
	(void)state;
	char why[200] = "";
	double x = 0;
	assert_int_equal(stats_norm_quantile(0, &x, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "between 0 and 1"));
	assert_int_equal(stats_norm_quantile(1.2, &x, NULL, 0), EB_EINVAL);
	assert_int_equal(stats_norm_quantile(NAN, &x, NULL, 0), EB_EINVAL);
}

static void test_t_table(void **state)
{
	(void)state;
	/* Published two-sided critical values (e.g. NIST/SEMATECH e-Handbook
	 * 1.3.6.7.2, to 9-10 significant digits). */
	NEAR(tq(0.975, 10), 2.228138852, 1e-9);
	NEAR(tq(0.975, 1), 12.70620474, 1e-8);
	NEAR(tq(0.975, 30), 2.042272456, 1e-9);
	NEAR(tq(0.995, 5), 4.032142984, 1e-9);
	NEAR(tq(0.95, 2), 2.919985580, 1e-9);
	NEAR(tq(0.025, 10), -2.228138852, 1e-9);
	NEAR(tc(2.228138852, 10), 0.975, 1e-10);
	NEAR(tc(0, 7), 0.5, 1e-16);
}

static void test_t_closed_forms(void **state)
{
	(void)state;
	/* df = 1 is Cauchy, df = 2 has F(t) = 1/2 + t / (2 sqrt(2 + t^2)). */
	double ts[] = { -50, -5, -0.7, 0.3, 3, 40 };
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		double t = ts[i];
		NEAR(tc(t, 1), 0.5 + atan(t) / M_PI, 1e-14);
		NEAR(tc(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)), 1e-14);
	}
	/* df = 2 quantile in closed form: t = (2p-1) sqrt(2 / (4p(1-p))). */
	double p = 0.9;
	NEAR(tq(p, 2), (2 * p - 1) * sqrt(2 / (4 * p * (1 - p))), 1e-11);
	/* Very large df (the corrected h can be in the hundreds of
	 * thousands): the distance to the normal shrinks like 1/df, which
	 * needs ln B(df/2, 1/2) and 1 - x without cancellation. */
	double ts2[] = { 0.1, 1.96, 5 };
	for (int i = 0; i < 3; i++) {
		double pa, pb, pc, z = 2 * stats_norm_sf(ts2[i]);
		assert_int_equal(stats_t_p2(ts2[i], 1e5, &pa, NULL, 0), EB_OK);
		assert_int_equal(stats_t_p2(ts2[i], 1e7, &pb, NULL, 0), EB_OK);
		assert_int_equal(stats_t_p2(ts2[i], 1e9, &pc, NULL, 0), EB_OK);
		NEAR((pa - z) / (pb - z), 100, 0.5);
		NEAR(pc, z, 1e-9); /* gap to the normal ~1e-10 at df 1e9 */
	}
	/* Large df tends to the normal. */
	NEAR(tc(1.96, 1e7), stats_norm_cdf(1.96), 1e-7);
	double p2 = 0;
	assert_int_equal(stats_t_p2(1.96, 1e7, &p2, NULL, 0), EB_OK);
	NEAR(p2, 2 * stats_norm_sf(1.96), 1e-7);
}

static void test_t_roundtrip(void **state)
{
	(void)state;
	double dfs[] = { 1, 2.5, 10, 231.6575875, 5000 };
	double ps[] = { 1e-6, 0.01, 0.3, 0.6, 0.9, 0.999 };
	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < 6; j++) {
			double x = tq(ps[j], dfs[i]);
			NEAR(tc(x, dfs[i]), ps[j], 1e-12 * fmax(1, ps[j] * 10));
		}
}

static void test_t_bad_input(void **state)
{
	(void)state;
	char why[200] = "";
	double x;
	assert_int_equal(stats_t_cdf(1, 0, &x, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "degrees of freedom"));
	assert_int_equal(stats_t_quantile(1, 5, &x, NULL, 0), EB_EINVAL);
	assert_int_equal(stats_t_quantile(0.5, -1, &x, NULL, 0), EB_EINVAL);
	assert_int_equal(stats_t_p2(NAN, 5, &x, NULL, 0), EB_EINVAL);
}

static void test_lgamma_betainc_gamma(void **state)
{
	(void)state;
	double xs[] = { 0.1, 0.5, 1, 1.5, 2, 3.7, 10, 100.5, 1000 };
	for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++)
		NEAR(stats_lgamma(xs[i]), lgamma(xs[i]), 1e-13 * fmax(1, fabs(lgamma(xs[i]))));
	NEAR(stats_lgamma(0.5), 0.5 * log(M_PI), 1e-14);
	double v;
	assert_int_equal(stats_inc_beta(3.5, 3.5, 0.5, &v, NULL, 0), EB_OK);
	NEAR(v, 0.5, 1e-14);
	assert_int_equal(stats_inc_beta(1, 1, 0.37, &v, NULL, 0), EB_OK);
	NEAR(v, 0.37, 1e-14);
	assert_int_equal(stats_inc_beta(2.5, 1, 0.6, &v, NULL, 0), EB_OK);
	NEAR(v, pow(0.6, 2.5), 1e-14);
	assert_int_equal(stats_inc_beta(2, 2, 1.5, &v, NULL, 0), EB_EINVAL);
	/* chi-square: df 2 is exponential; 3.841458820694124 is the 95th
	 * percentile with df 1. */
	assert_int_equal(stats_chisq_cdf(3.0, 2, &v, NULL, 0), EB_OK);
	NEAR(v, 1 - exp(-1.5), 1e-14);
	assert_int_equal(stats_chisq_cdf(3.841458820694124, 1, &v, NULL, 0), EB_OK);
	NEAR(v, 0.95, 1e-12);
	assert_int_equal(stats_chisq_cdf(30, 10, &v, NULL, 0), EB_OK);
	NEAR(v, 0.999143358789225, 1e-11); /* 1 - Q(5, 15) by the Poisson sum */
	/* F(1, d2) at t^2 is the two-sided t probability. */
	double p2;
	assert_int_equal(stats_f_cdf(2.5 * 2.5, 1, 10, &v, NULL, 0), EB_OK);
	assert_int_equal(stats_t_p2(2.5, 10, &p2, NULL, 0), EB_OK);
	NEAR(v, 1 - p2, 1e-13);
}

static void test_welford(void **state)
{
	(void)state;
	double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	double m, sd;
	assert_int_equal(stats_mean_sd(x, 8, &m, &sd, NULL, 0), EB_OK);
	NEAR(m, 5, 1e-15);
	NEAR(sd * sd, 32.0 / 7.0, 1e-13);
	/* Frequency weights: {1,2,3} x {1,2,1} = {1,2,2,3}. */
	double xw[] = { 1, 2, 3 }, w[] = { 1, 2, 1 };
	assert_int_equal(stats_wmean_sd(xw, w, 3, &m, &sd, NULL, 0), EB_OK);
	NEAR(m, 2, 1e-15);
	NEAR(sd * sd, 2.0 / 3.0, 1e-14);
	/* Large offset: Welford keeps the variance exact. */
	double big[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
	assert_int_equal(stats_mean_sd(big, 4, &m, &sd, NULL, 0), EB_OK);
	NEAR(sd * sd, 30, 1e-6);
	char why[200] = "";
	assert_int_equal(stats_mean_sd(x, 1, &m, &sd, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "at least 2"));
	double bad[] = { 1, NAN, 3 };
	assert_int_equal(stats_mean_sd(bad, 3, &m, &sd, NULL, 0), EB_EINVAL);
}

static void test_ols(void **state)
{
	(void)state;
	/* y = 2.2 + 0.6 x by hand: RSS 2.4, s^2 0.8, Sxx 10, TSS 6. */
	double x[] = { 1, 1, 1, 2, 1, 3, 1, 4, 1, 5 };
	double y[] = { 2, 4, 5, 4, 5 };
	struct stats_ols f;
	assert_int_equal(stats_ols_fit(x, y, NULL, 5, 2, &f, NULL, 0), EB_OK);
	NEAR(f.beta[0], 2.2, 1e-12);
	NEAR(f.beta[1], 0.6, 1e-12);
	NEAR(f.sigma2, 0.8, 1e-12);
	NEAR(f.se[1], sqrt(0.08), 1e-12);
	NEAR(f.se[0], sqrt(0.88), 1e-12);
	NEAR(f.r2, 0.6, 1e-12);
	NEAR(f.df, 3, 0);
	/* Collinear third column. */
	double xc[] = { 1, 1, 2, 1, 2, 4, 1, 3, 6, 1, 4, 8, 1, 5, 10 };
	char why[200] = "";
	assert_int_equal(stats_ols_fit(xc, y, NULL, 5, 3, &f, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "column 3"));
	assert_int_equal(stats_ols_fit(x, y, NULL, 2, 2, &f, why, sizeof why), EB_EINVAL);
}

static void test_logit_closed_form(void **state)
{
	(void)state;
	/* One binary covariate: the MLE is the two group logits, checkable by
	 * hand. x = 0: 3 of 10; x = 1: 6 of 10. */
	double x[40], y[20];
	for (int i = 0; i < 20; i++) {
		x[2 * i] = 1;
		x[2 * i + 1] = i >= 10;
		y[i] = i < 10 ? (i < 3) : (i < 16);
	}
	struct stats_logit f;
	assert_int_equal(stats_logit_fit(x, y, 20, 2, 0, &f, NULL, 0), EB_OK);
	assert_true(f.converged);
	assert_false(f.separation);
	NEAR(f.beta[0], log(3.0 / 7.0), 1e-10);
	NEAR(f.beta[1], log(6.0 / 4.0) - log(3.0 / 7.0), 1e-10);
	NEAR(f.se[0], sqrt(1.0 / 3 + 1.0 / 7), 1e-8);
	NEAR(f.se[1], sqrt(1.0 / 3 + 1.0 / 7 + 1.0 / 6 + 1.0 / 4), 1e-8);
	NEAR(f.loglik, 3 * log(0.3) + 7 * log(0.7) + 6 * log(0.6) + 4 * log(0.4), 1e-10);
}

static void test_logit_score_and_separation(void **state)
{
	(void)state;
	/* Continuous covariate: the score equations hold at the optimum. */
	double xv[] = { 0.5, 1.1, 1.9, 2.2, 2.8, 3.3, 3.9, 4.4, 5.0, 5.6 };
	double y[] = { 0, 0, 1, 0, 0, 1, 1, 0, 1, 1 };
	double x[20];
	for (int i = 0; i < 10; i++)
		x[2 * i] = 1, x[2 * i + 1] = xv[i];
	for (int pen = 0; pen < 2; pen++) {
		double lambda = pen ? 2.0 : 0.0;
		struct stats_logit f;
		assert_int_equal(stats_logit_fit(x, y, 10, 2, lambda, &f, NULL, 0), EB_OK);
		double s0 = 0, s1 = 0;
		for (int i = 0; i < 10; i++) {
			double mu = 1 / (1 + exp(-(f.beta[0] + f.beta[1] * xv[i])));
			s0 += y[i] - mu;
			s1 += xv[i] * (y[i] - mu);
		}
		NEAR(s0, 0, 1e-9);
		NEAR(s1 - lambda * f.beta[1], 0, 1e-9);
		assert_true(f.beta[1] > 0);
	}
	/* Perfect separation. */
	double ys[] = { 0, 0, 0, 0, 0, 1, 1, 1, 1, 1 };
	struct stats_logit f;
	char why[300] = "";
	assert_int_equal(stats_logit_fit(x, ys, 10, 2, 0, &f, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "separation"));
	assert_int_equal(stats_logit_fit(x, ys, 10, 2, 1.0, &f, why, sizeof why), EB_OK);
	assert_true(f.converged);
	assert_true(isfinite(f.beta[1]) && f.beta[1] > 0);
	/* One class only; non-binary outcome. */
	double y0[10] = { 0 };
	assert_int_equal(stats_logit_fit(x, y0, 10, 2, 0, &f, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "both groups"));
	double y2[10] = { 0, 1, 2 };
	assert_int_equal(stats_logit_fit(x, y2, 10, 2, 0, &f, NULL, 0), EB_EINVAL);
}

static void test_bh(void **state)
{
	(void)state;
	/* Benjamini & Hochberg (1995), the 15 p-values of their example: at
	 * q = 0.05 the first four hypotheses are rejected. */
	double p[] = { 0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
		       0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000 };
	double want[] = { 0.0015,
			  0.003,
			  0.0095,
			  0.035625,
			  0.0603,
			  0.0638571428571429,
			  0.0638571428571429,
			  0.0645,
			  0.0765,
			  0.486,
			  0.581181818181818,
			  0.714875,
			  0.753230769230769,
			  0.813214285714286,
			  1 };
	double adj[15];
	assert_int_equal(stats_bh_adjust(p, 15, adj, NULL, 0), EB_OK);
	int rejected = 0;
	for (int i = 0; i < 15; i++) {
		NEAR(adj[i], want[i], 1e-12);
		rejected += adj[i] <= 0.05;
	}
	assert_int_equal(rejected, 4);
	/* Unsorted input keeps its order. */
	double q[] = { 0.01, 0.04, 0.03, 0.005 }, qa[4];
	assert_int_equal(stats_bh_adjust(q, 4, qa, NULL, 0), EB_OK);
	NEAR(qa[0], 0.02, 1e-15);
	NEAR(qa[1], 0.04, 1e-15);
	NEAR(qa[2], 0.04, 1e-15);
	NEAR(qa[3], 0.02, 1e-15);
	char why[200] = "";
	double bad[] = { 0.2, 1.5 };
	assert_int_equal(stats_bh_adjust(bad, 2, qa, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "p-value 2"));
	assert_int_equal(stats_bh_adjust(bad, 0, qa, NULL, 0), EB_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal_table),
		cmocka_unit_test(test_normal_roundtrip),
		cmocka_unit_test(test_normal_bad_input),
		cmocka_unit_test(test_t_table),
		cmocka_unit_test(test_t_closed_forms),
		cmocka_unit_test(test_t_roundtrip),
		cmocka_unit_test(test_t_bad_input),
		cmocka_unit_test(test_lgamma_betainc_gamma),
		cmocka_unit_test(test_welford),
		cmocka_unit_test(test_ols),
		cmocka_unit_test(test_logit_closed_form),
		cmocka_unit_test(test_logit_score_and_separation),
		cmocka_unit_test(test_bh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
