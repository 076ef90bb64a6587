/* stats.h - distributions and small dense numerics, written for edbridge.
 *
 * No GPL code (GSL, libRmath) is used or copied: every routine here is an
 * implementation of a published algorithm, cited above its declaration.
 *
 * Conventions
 * - Total functions (defined for every finite input) return the value.
 * - Functions with a domain return enum eb_err and write the result through
 *   an out-parameter; on bad input they return EB_EINVAL and, when why is not
 *   NULL, write a sentence saying what is wrong into why (cap bytes). They
 *   never hand back NaN as a result.
 * - Matrices are dense, row-major, n rows by p columns, p <= STATS_MAX_P. */
#ifndef EB_STATS_H
#define EB_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define STATS_MAX_P 32

/* Writes a printf-style message into why (if not NULL) and returns EB_EINVAL.
 * The one way every stats and evidence function reports bad input. */
enum eb_err stats_fail(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- special functions ------------------------------------------------ */

/* ln Gamma(x) for x > 0, Lanczos approximation (Lanczos 1964; g = 7, n = 9
 * coefficients as tabulated by Godfrey), with the reflection formula for
 * x < 0.5. Relative error ~1e-15. Returns +inf for x <= 0 integers. */
double stats_lgamma(double x);

/* Regularised incomplete beta I_x(a, b), a, b > 0, 0 <= x <= 1.
 * Continued fraction (Abramowitz & Stegun 26.5.8) evaluated by the modified
 * Lentz method (Lentz 1976; Thompson & Barnett 1986), with the symmetry
 * I_x(a,b) = 1 - I_{1-x}(b,a) used where the fraction converges slowly.
 * ln B(a,b) uses Stirling differences (A&S 6.1.41) once an argument is >= 20,
 * so t tails stay accurate (~1e-9 absolute) up to df = 1e9. */
enum eb_err stats_inc_beta(double a, double b, double x, double *out, char *why, size_t cap);

/* Regularised lower incomplete gamma P(a, x), a > 0, x >= 0: series
 * (A&S 6.5.29) for x < a + 1, Legendre continued fraction (A&S 6.5.31)
 * otherwise. */
enum eb_err stats_inc_gamma(double a, double x, double *out, char *why, size_t cap);

/* ---- distributions ---------------------------------------------------- */

/* Standard normal density and distribution function. The cdf is
 * 0.5 * erfc(-x / sqrt 2) (C99 libm erfc, full double precision). */
double stats_norm_pdf(double x);
double stats_norm_cdf(double x);
/* Upper tail 1 - Phi(x) without cancellation. */
double stats_norm_sf(double x);

/* Phi^-1(p) for 0 < p < 1: Acklam's rational approximation (2003, relative
 * error 1.15e-9) refined by two Halley steps on erfc, giving full double
 * precision. EB_EINVAL for p outside (0, 1). */
enum eb_err stats_norm_quantile(double p, double *out, char *why, size_t cap);

/* Student t with df > 0 degrees of freedom (df may be fractional, as the
 * clustering-corrected h is). cdf via P(T <= t) = 1 - I_x(df/2, 1/2)/2 with
 * x = df/(df + t^2) for t > 0 (A&S 26.7.1); pdf by the closed form. */
enum eb_err stats_t_cdf(double t, double df, double *out, char *why, size_t cap);
enum eb_err stats_t_pdf(double t, double df, double *out, char *why, size_t cap);
/* Two-sided p-value 2 * P(T > |t|), computed from the tail directly. */
enum eb_err stats_t_p2(double t, double df, double *out, char *why, size_t cap);
/* Quantile of t: bracketed Newton iteration (bisection whenever a Newton
 * step leaves the bracket) on the lower tail, symmetry for p > 0.5.
 * |error| < 1e-12 relative. EB_EINVAL for p outside (0,1) or df <= 0. */
enum eb_err stats_t_quantile(double p, double df, double *out, char *why, size_t cap);

/* Chi-square cdf with k > 0 degrees of freedom: P(k/2, x/2). */
enum eb_err stats_chisq_cdf(double x, double k, double *out, char *why, size_t cap);
/* F cdf with d1, d2 > 0: I_{d1 x / (d1 x + d2)}(d1/2, d2/2) (A&S 26.6.2). */
enum eb_err stats_f_cdf(double x, double d1, double d2, double *out, char *why, size_t cap);

/* ---- descriptive statistics ------------------------------------------- */

/* Running mean and variance: Welford (1962) for unit weights, West (1979)
 * for weights. w is the total weight, n the number of observations. */
struct stats_acc {
	size_t n;
	double w, mean, m2;
};
/* clang-format off */
#define STATS_ACC_INIT { 0, 0.0, 0.0, 0.0 }
/* clang-format on */
void stats_acc_add(struct stats_acc *a, double x);
/* Weight must be > 0 and finite; other weights are ignored (not counted). */
void stats_acc_add_w(struct stats_acc *a, double x, double weight);
/* Sample variance m2 / (w - 1) (frequency-weight convention; equals the
 * usual n - 1 form for unit weights). EB_EINVAL if n < 2 or w <= 1. */
enum eb_err stats_acc_var(const struct stats_acc *a, double *var, char *why, size_t cap);

/* Mean and sample standard deviation (n - 1) of x[0..n). EB_EINVAL if n < 2
 * or a value is not finite. sd may be NULL. */
enum eb_err stats_mean_sd(const double *x, size_t n, double *mean, double *sd, char *why,
			  size_t cap);
/* Weighted mean and sd (frequency weights, denominator sum(w) - 1). */
enum eb_err stats_wmean_sd(const double *x, const double *w, size_t n, double *mean, double *sd,
			   char *why, size_t cap);

/* ---- dense linear algebra --------------------------------------------- */

/* In-place Cholesky A = L L' of a p x p symmetric positive definite matrix
 * (row-major; lower triangle of L written, upper left untouched).
 * EB_EINVAL naming the first column whose pivot is <= 1e-10 times its
 * original diagonal (collinear or constant column). */
enum eb_err stats_cholesky(double *a, size_t p, char *why, size_t cap);
/* Solves L L' x = b in place (b becomes x). */
void stats_chol_solve(const double *l, size_t p, double *b);

/* ---- regression ------------------------------------------------------- */

/* Ordinary (optionally weighted) least squares by the normal equations and
 * Cholesky, with classical standard errors se_j = sqrt(s^2 [(X'WX)^-1]_jj),
 * s^2 = RSS / (n - p). X is n x p row-major and must include the intercept
 * column if one is wanted. w may be NULL (unit weights).
 * EB_EINVAL if n <= p, p > STATS_MAX_P, a value is not finite, or the
 * columns are collinear (the message names the column). */
struct stats_ols {
	size_t n, p;
	double beta[STATS_MAX_P], se[STATS_MAX_P];
	double sigma2; /* residual variance s^2 */
	double df;     /* n - p */
	double r2;     /* 1 - RSS/TSS (TSS about the weighted mean) */
};
enum eb_err stats_ols_fit(const double *x, const double *y, const double *w, size_t n, size_t p,
			  struct stats_ols *out, char *why, size_t cap);

/* L2-penalised logistic regression by Newton-Raphson (equivalently IRLS;
 * McCullagh & Nelder 1989 ch. 4), maximising
 *   sum_i [y_i eta_i - log(1 + e^eta_i)] - (lambda/2) sum_{j>=1} beta_j^2,
 * i.e. column 0 (the intercept) is not penalised. Step halving keeps the
 * objective increasing; convergence when max|step| < 1e-9 (<= 100 steps).
 * y holds 0/1. Separation (Albert & Anderson 1984): when some fitted eta
 * exceeds |35| (probability indistinguishable from 0 or 1), the Hessian
 * becomes singular or Newton does not converge, out->separation is set; with
 * lambda == 0 that is EB_EINVAL ("perfect separation ... fit with
 * lambda > 0"). With lambda > 0 the objective is strictly concave, the fit is
 * finite and separation is usually not flagged: detect separation with
 * lambda = 0 first, then refit penalised (as ev_match does).
 * se is from the inverse penalised information. */
struct stats_logit {
	size_t p;
	double beta[STATS_MAX_P], se[STATS_MAX_P];
	double loglik; /* unpenalised log-likelihood at beta */
	int iterations;
	bool converged, separation;
};
enum eb_err stats_logit_fit(const double *x, const double *y, size_t n, size_t p, double lambda,
			    struct stats_logit *out, char *why, size_t cap);

/* ---- multiple comparisons --------------------------------------------- */

/* Benjamini & Hochberg (1995) step-up adjusted p-values:
 *   adj_(i) = min_{j >= i} min(1, m p_(j) / j)   (p_(1) <= ... <= p_(m)).
 * A hypothesis is rejected at false discovery rate q iff adj <= q.
 * adj has n entries in the order of p. EB_EINVAL for n == 0 or a p outside
 * [0, 1]. */
enum eb_err stats_bh_adjust(const double *p, size_t n, double *adj, char *why, size_t cap);

#endif
