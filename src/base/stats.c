/* stats.c - see stats.h for the contract and sources of every formula. */
#include "base/stats.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum eb_err stats_fail(char *why, size_t cap, const char *fmt, ...)
{
	if (why && cap) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return EB_EINVAL;
}

/* ---- special functions ------------------------------------------------ */

static const double lanczos_g = 7.0;
static const double lanczos_c[9] = {
	0.99999999999980993,  676.5203681218851,     -1259.1392167224028,
	771.32342877765313,   -176.61502916214059,   12.507343278686905,
	-0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
};

double stats_lgamma(double x)
{
	if (x <= 0 && x == floor(x))
		return INFINITY;
	if (x < 0.5) /* reflection: Gamma(x) Gamma(1-x) = pi / sin(pi x) */
		return log(M_PI / fabs(sin(M_PI * x))) - stats_lgamma(1.0 - x);
	x -= 1.0;
	double a = lanczos_c[0];
	double t = x + lanczos_g + 0.5;
	for (int i = 1; i < 9; i++)
		a += lanczos_c[i] / (x + i);
	return 0.5 * log(2.0 * M_PI) + (x + 0.5) * log(t) - t + log(a);
}

/* lgamma(x) - Stirling's main term, for x >= 20: the series
 * 1/(12x) - 1/(360x^3) + 1/(1260x^5) - 1/(1680x^7) (A&S 6.1.41). */
static double stirling_rest(double x)
{
	double r = 1.0 / x, r2 = r * r;
	return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
}

/* ln B(a, b) without the cancellation of three large lgamma values when one
 * argument is large (the t distribution with many df has a = df/2, b = 1/2):
 * with s = min, L = max >= 20,
 *   ln B = lgamma(s) - s ln L - (L + s - 1/2) log1p(s/L) + s
 *          + rest(L) - rest(L + s). */
static double lbeta(double a, double b)
{
	double s = fmin(a, b), l = fmax(a, b);
	if (l < 20)
		return stats_lgamma(a) + stats_lgamma(b) - stats_lgamma(a + b);
	double lgs;
	if (s < 20)
		lgs = stats_lgamma(s) - s * log(l);
	else /* Stirling for s too: (s - 1/2) ln(s/L) - 1/2 ln L - s + ... */
		lgs = (s - 0.5) * log(s / l) - 0.5 * log(l) - s + 0.5 * log(2 * M_PI) +
		      stirling_rest(s);
	return lgs - (l + s - 0.5) * log1p(s / l) + s + stirling_rest(l) - stirling_rest(l + s);
}

/* Continued fraction for I_x(a,b) (A&S 26.5.8), modified Lentz. */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-16;
	double qab = a + b, qap = a + 1.0, qam = a - 1.0;
	double c = 1.0, d = 1.0 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	double h = d;
	/* O(sqrt(max(a, b))) terms are needed; 200000 covers df up to 1e10. */
	for (int m = 1; m <= 200000; m++) {
		double m2 = 2.0 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < eps)
			break;
	}
	return h;
}

/* I_x(a, b) given both x and y = 1 - x, so that callers who know y exactly
 * (the t distribution: y = t^2 / (df + t^2)) lose nothing when x is near 1. */
static double inc_beta_xy(double a, double b, double x, double y)
{
	if (x <= 0)
		return 0.0;
	if (y <= 0)
		return 1.0;
	double lx = x > 0.5 ? log1p(-y) : log(x);
	double ly = y > 0.5 ? log1p(-x) : log(y);
	double lfront = -lbeta(a, b) + a * lx + b * ly;
	if (x < (a + 1.0) / (a + b + 2.0))
		return exp(lfront) * beta_cf(a, b, x) / a;
	return 1.0 - exp(lfront) * beta_cf(b, a, y) / b;
}

enum eb_err stats_inc_beta(double a, double b, double x, double *out, char *why, size_t cap)
{
	if (!(a > 0) || !(b > 0) || !isfinite(a) || !isfinite(b))
		return stats_fail(why, cap,
				  "incomplete beta: shape parameters must be positive and finite "
				  "(a=%g, b=%g)",
				  a, b);
	if (!(x >= 0 && x <= 1))
		return stats_fail(why, cap, "incomplete beta: x must lie in [0, 1] (x=%g)", x);
	*out = inc_beta_xy(a, b, x, 1.0 - x);
	return EB_OK;
}

enum eb_err stats_inc_gamma(double a, double x, double *out, char *why, size_t cap)
{
	if (!(a > 0) || !isfinite(a))
		return stats_fail(why, cap, "incomplete gamma: shape must be positive (a=%g)", a);
	if (!(x >= 0))
		return stats_fail(why, cap, "incomplete gamma: x must be >= 0 (x=%g)", x);
	if (x == 0) {
		*out = 0;
		return EB_OK;
	}
	if (isinf(x)) {
		*out = 1;
		return EB_OK;
	}
	double lfront = -x + a * log(x) - stats_lgamma(a);
	if (x < a + 1.0) {
		double ap = a, sum = 1.0 / a, del = sum;
		for (int n = 0; n < 10000; n++) {
			ap += 1.0;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * 1e-17)
				break;
		}
		*out = sum * exp(lfront);
		return EB_OK;
	}
	const double tiny = 1e-300;
	double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
	for (int i = 1; i < 10000; i++) {
		double an = -i * (i - a);
		b += 2.0;
		d = an * d + b;
		if (fabs(d) < tiny)
			d = tiny;
		c = b + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-16)
			break;
	}
	*out = 1.0 - exp(lfront) * h;
	return EB_OK;
}

/* ---- normal ----------------------------------------------------------- */

double stats_norm_pdf(double x)
{
	return exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
}

double stats_norm_cdf(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

double stats_norm_sf(double x)
{
	return 0.5 * erfc(x / M_SQRT2);
}

static double acklam(double p)
{
	static const double a[6] = { -3.969683028665376e+01, 2.209460984245205e+02,
				     -2.759285104469687e+02, 1.383577518672690e+02,
				     -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[5] = { -5.447609879822406e+01, 1.615858368580409e+02,
				     -1.556989798598866e+02, 6.680131188771972e+01,
				     -1.328068155288572e+01 };
	static const double c[6] = { -7.784894002430293e-03, -3.223964580411365e-01,
				     -2.400758277161838e+00, -2.549732539343734e+00,
				     4.374664141464968e+00,  2.938163982698783e+00 };
	static const double d[4] = { 7.784695709041462e-03, 3.224671290700398e-01,
				     2.445134137142996e+00, 3.754408661907416e+00 };
	const double plow = 0.02425;
	if (p < plow) {
		double q = sqrt(-2 * log(p));
		return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	if (p > 1 - plow) {
		double q = sqrt(-2 * log1p(-p));
		return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		       ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	double q = p - 0.5, r = q * q;
	return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
	       (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

enum eb_err stats_norm_quantile(double p, double *out, char *why, size_t cap)
{
	if (!(p > 0 && p < 1))
		return stats_fail(
			why, cap,
			"normal quantile: probability must lie strictly between 0 and 1 (p=%g)", p);
	/* Work on the smaller tail so the residual is computed without
	 * cancellation, then reflect. */
	double pt = p <= 0.5 ? p : 1.0 - p;
	double x = acklam(pt);
	for (int i = 0; i < 2; i++) { /* Halley refinement */
		double e = stats_norm_cdf(x) - pt;
		double u = e * sqrt(2.0 * M_PI) * exp(0.5 * x * x);
		x = x - u / (1.0 + 0.5 * x * u);
	}
	*out = p <= 0.5 ? x : -x;
	return EB_OK;
}

/* ---- Student t -------------------------------------------------------- */

static enum eb_err check_df(double df, char *why, size_t cap)
{
	if (!(df > 0) || !isfinite(df))
		return stats_fail(
			why, cap,
			"t distribution: degrees of freedom must be positive and finite (df=%g)",
			df);
	return EB_OK;
}

/* P(T > |t|), one tail. */
static double t_tail(double t, double df)
{
	if (t == 0)
		return 0.5;
	double t2 = t * t;
	return 0.5 * inc_beta_xy(0.5 * df, 0.5, df / (df + t2), t2 / (df + t2));
}

enum eb_err stats_t_cdf(double t, double df, double *out, char *why, size_t cap)
{
	enum eb_err rc = check_df(df, why, cap);
	if (rc)
		return rc;
	if (isnan(t))
		return stats_fail(why, cap, "t distribution: t is not a number");
	if (isinf(t)) {
		*out = t > 0 ? 1.0 : 0.0;
		return EB_OK;
	}
	double tail = t_tail(t, df);
	*out = t > 0 ? 1.0 - tail : tail;
	return EB_OK;
}

enum eb_err stats_t_pdf(double t, double df, double *out, char *why, size_t cap)
{
	enum eb_err rc = check_df(df, why, cap);
	if (rc)
		return rc;
	if (!isfinite(t))
		return stats_fail(why, cap, "t density: t must be finite");
	double l = stats_lgamma(0.5 * (df + 1)) - stats_lgamma(0.5 * df) - 0.5 * log(df * M_PI) -
		   0.5 * (df + 1) * log1p(t * t / df);
	*out = exp(l);
	return EB_OK;
}

enum eb_err stats_t_p2(double t, double df, double *out, char *why, size_t cap)
{
	enum eb_err rc = check_df(df, why, cap);
	if (rc)
		return rc;
	if (isnan(t))
		return stats_fail(why, cap, "t test: the statistic is not a number");
	*out = isinf(t) ? 0.0 : fmin(1.0, 2.0 * t_tail(t, df));
	return EB_OK;
}

enum eb_err stats_t_quantile(double p, double df, double *out, char *why, size_t cap)
{
	enum eb_err rc = check_df(df, why, cap);
	if (rc)
		return rc;
	if (!(p > 0 && p < 1))
		return stats_fail(
			why, cap,
			"t quantile: probability must lie strictly between 0 and 1 (p=%g)", p);
	if (p == 0.5) {
		*out = 0;
		return EB_OK;
	}
	double pt = p < 0.5 ? p : 1.0 - p; /* lower tail; answer is negative */
	/* Bracket [lo, hi] with F(lo) <= pt <= F(hi), hi <= 0. */
	double z = 0;
	stats_norm_quantile(pt, &z, NULL, 0);
	double hi = 0, lo = z < -1 ? z : -1;
	while (t_tail(lo, df) > pt && lo > -1e300)
		lo *= 2;
	double x = fmax(lo, fmin(hi, z));
	for (int it = 0; it < 300; it++) {
		double f = t_tail(x, df) - pt; /* F(x) - pt for x <= 0 */
		if (x < 0 && f == 0)
			break;
		if (f > 0)
			hi = x;
		else
			lo = x;
		double dens = 0;
		stats_t_pdf(x, df, &dens, NULL, 0);
		double nx = dens > 0 ? x - f / dens : 0.5 * (lo + hi);
		if (!(nx > lo && nx < hi))
			nx = 0.5 * (lo + hi);
		if (fabs(nx - x) <= 1e-15 * fmax(1.0, fabs(x))) {
			x = nx;
			break;
		}
		x = nx;
	}
	*out = p < 0.5 ? x : -x;
	return EB_OK;
}

enum eb_err stats_chisq_cdf(double x, double k, double *out, char *why, size_t cap)
{
	if (!(k > 0) || !isfinite(k))
		return stats_fail(why, cap,
				  "chi-square: degrees of freedom must be positive (k=%g)", k);
	if (isnan(x))
		return stats_fail(why, cap, "chi-square: x is not a number");
	if (x <= 0) {
		*out = 0;
		return EB_OK;
	}
	return stats_inc_gamma(0.5 * k, 0.5 * x, out, why, cap);
}

enum eb_err stats_f_cdf(double x, double d1, double d2, double *out, char *why, size_t cap)
{
	if (!(d1 > 0) || !(d2 > 0) || !isfinite(d1) || !isfinite(d2))
		return stats_fail(
			why, cap,
			"F distribution: degrees of freedom must be positive (d1=%g, d2=%g)", d1,
			d2);
	if (isnan(x))
		return stats_fail(why, cap, "F distribution: x is not a number");
	if (x <= 0) {
		*out = 0;
		return EB_OK;
	}
	if (isinf(x)) {
		*out = 1;
		return EB_OK;
	}
	return stats_inc_beta(0.5 * d1, 0.5 * d2, d1 * x / (d1 * x + d2), out, why, cap);
}

/* ---- descriptive ------------------------------------------------------ */

void stats_acc_add_w(struct stats_acc *a, double x, double weight)
{
	if (!(weight > 0) || !isfinite(weight) || !isfinite(x))
		return;
	a->n++;
	a->w += weight;
	double delta = x - a->mean;
	a->mean += delta * weight / a->w;
	a->m2 += weight * delta * (x - a->mean);
}

void stats_acc_add(struct stats_acc *a, double x)
{
	stats_acc_add_w(a, x, 1.0);
}

enum eb_err stats_acc_var(const struct stats_acc *a, double *var, char *why, size_t cap)
{
	if (a->n < 2 || !(a->w > 1))
		return stats_fail(why, cap, "variance needs at least 2 observations (have %zu)",
				  a->n);
	*var = a->m2 / (a->w - 1.0);
	return EB_OK;
}

enum eb_err stats_wmean_sd(const double *x, const double *w, size_t n, double *mean, double *sd,
			   char *why, size_t cap)
{
	struct stats_acc a = STATS_ACC_INIT;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return stats_fail(why, cap, "value %zu is not a finite number", i + 1);
		if (w && (!(w[i] > 0) || !isfinite(w[i])))
			return stats_fail(why, cap, "weight %zu must be positive and finite",
					  i + 1);
		stats_acc_add_w(&a, x[i], w ? w[i] : 1.0);
	}
	double var = 0;
	enum eb_err rc = stats_acc_var(&a, &var, why, cap);
	if (rc)
		return rc;
	*mean = a.mean;
	if (sd)
		*sd = sqrt(var);
	return EB_OK;
}

enum eb_err stats_mean_sd(const double *x, size_t n, double *mean, double *sd, char *why,
			  size_t cap)
{
	return stats_wmean_sd(x, NULL, n, mean, sd, why, cap);
}

/* ---- linear algebra --------------------------------------------------- */

enum eb_err stats_cholesky(double *a, size_t p, char *why, size_t cap)
{
	for (size_t j = 0; j < p; j++) {
		double orig = a[j * p + j];
		double s = orig;
		for (size_t k = 0; k < j; k++)
			s -= a[j * p + k] * a[j * p + k];
		if (!(s > 1e-10 * fabs(orig)) || !(s > 0))
			return stats_fail(
				why, cap,
				"column %zu is constant or a combination of the others (collinear)",
				j + 1);
		double l = sqrt(s);
		a[j * p + j] = l;
		for (size_t i = j + 1; i < p; i++) {
			double t = a[i * p + j];
			for (size_t k = 0; k < j; k++)
				t -= a[i * p + k] * a[j * p + k];
			a[i * p + j] = t / l;
		}
	}
	return EB_OK;
}

void stats_chol_solve(const double *l, size_t p, double *b)
{
	for (size_t i = 0; i < p; i++) { /* L y = b */
		double s = b[i];
		for (size_t k = 0; k < i; k++)
			s -= l[i * p + k] * b[k];
		b[i] = s / l[i * p + i];
	}
	for (size_t i = p; i-- > 0;) { /* L' x = y */
		double s = b[i];
		for (size_t k = i + 1; k < p; k++)
			s -= l[k * p + i] * b[k];
		b[i] = s / l[i * p + i];
	}
}

/* diag((L L')^-1) by solving for unit vectors. */
static void chol_inv_diag(const double *l, size_t p, double *diag)
{
	double e[STATS_MAX_P];
	for (size_t j = 0; j < p; j++) {
		memset(e, 0, sizeof e);
		e[j] = 1.0;
		stats_chol_solve(l, p, e);
		diag[j] = e[j];
	}
}

/* ---- regression ------------------------------------------------------- */

enum eb_err stats_ols_fit(const double *x, const double *y, const double *w, size_t n, size_t p,
			  struct stats_ols *out, char *why, size_t cap)
{
	if (p == 0 || p > STATS_MAX_P)
		return stats_fail(why, cap, "regression: %zu predictors (1 to %d allowed)", p,
				  STATS_MAX_P);
	if (n <= p)
		return stats_fail(why, cap,
				  "regression: %zu observations for %zu coefficients; need more "
				  "observations than coefficients",
				  n, p);
	double xtx[STATS_MAX_P * STATS_MAX_P] = { 0 }, xty[STATS_MAX_P] = { 0 };
	struct stats_acc ya = STATS_ACC_INIT;
	for (size_t i = 0; i < n; i++) {
		double wi = w ? w[i] : 1.0;
		if (!isfinite(y[i]) || !(wi > 0) || !isfinite(wi))
			return stats_fail(why, cap,
					  "regression: row %zu has a missing outcome or bad weight",
					  i + 1);
		const double *xi = x + i * p;
		for (size_t j = 0; j < p; j++) {
			if (!isfinite(xi[j]))
				return stats_fail(
					why, cap,
					"regression: row %zu column %zu is not a finite number",
					i + 1, j + 1);
			xty[j] += wi * xi[j] * y[i];
			for (size_t k = 0; k <= j; k++)
				xtx[j * p + k] += wi * xi[j] * xi[k];
		}
		stats_acc_add_w(&ya, y[i], wi);
	}
	for (size_t j = 0; j < p; j++)
		for (size_t k = j + 1; k < p; k++)
			xtx[j * p + k] = xtx[k * p + j];
	enum eb_err rc = stats_cholesky(xtx, p, why, cap);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->n = n;
	out->p = p;
	memcpy(out->beta, xty, p * sizeof(double));
	stats_chol_solve(xtx, p, out->beta);
	double rss = 0;
	for (size_t i = 0; i < n; i++) {
		double fit = 0;
		for (size_t j = 0; j < p; j++)
			fit += x[i * p + j] * out->beta[j];
		double r = y[i] - fit;
		rss += (w ? w[i] : 1.0) * r * r;
	}
	out->df = (double)(n - p);
	out->sigma2 = rss / out->df;
	out->r2 = ya.m2 > 0 ? 1.0 - rss / ya.m2 : 0.0;
	double diag[STATS_MAX_P];
	chol_inv_diag(xtx, p, diag);
	for (size_t j = 0; j < p; j++)
		out->se[j] = sqrt(out->sigma2 * diag[j]);
	return EB_OK;
}

static double log1pexp(double eta)
{
	return eta > 35 ? eta : log1p(exp(eta));
}

static double penalised_ll(const double *x, const double *y, size_t n, size_t p, double lambda,
			   const double *beta, double *ll)
{
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		double eta = 0;
		for (size_t j = 0; j < p; j++)
			eta += x[i * p + j] * beta[j];
		s += y[i] * eta - log1pexp(eta);
	}
	double pen = 0;
	for (size_t j = 1; j < p; j++)
		pen += beta[j] * beta[j];
	*ll = s;
	return s - 0.5 * lambda * pen;
}

enum eb_err stats_logit_fit(const double *x, const double *y, size_t n, size_t p, double lambda,
			    struct stats_logit *out, char *why, size_t cap)
{
	if (p == 0 || p > STATS_MAX_P)
		return stats_fail(why, cap, "logistic regression: %zu predictors (1 to %d allowed)",
				  p, STATS_MAX_P);
	if (n <= p)
		return stats_fail(why, cap,
				  "logistic regression: %zu observations for %zu coefficients", n,
				  p);
	if (!(lambda >= 0) || !isfinite(lambda))
		return stats_fail(why, cap, "logistic regression: penalty must be >= 0");
	size_t ones = 0;
	for (size_t i = 0; i < n; i++) {
		if (y[i] != 0.0 && y[i] != 1.0)
			return stats_fail(
				why, cap,
				"logistic regression: outcome in row %zu is %g, not 0 or 1", i + 1,
				y[i]);
		ones += y[i] == 1.0;
		for (size_t j = 0; j < p; j++)
			if (!isfinite(x[i * p + j]))
				return stats_fail(why, cap,
						  "logistic regression: row %zu column %zu is not "
						  "a finite number",
						  i + 1, j + 1);
	}
	if (ones == 0 || ones == n)
		return stats_fail(
			why, cap,
			"logistic regression: every row has outcome %d; both groups are needed",
			ones ? 1 : 0);
	memset(out, 0, sizeof *out);
	out->p = p;
	double beta[STATS_MAX_P] = { 0 }, ll = 0;
	double obj = penalised_ll(x, y, n, p, lambda, beta, &ll);
	double h[STATS_MAX_P * STATS_MAX_P];
	bool sep = false;
	for (int it = 1; it <= 100; it++) {
		double g[STATS_MAX_P] = { 0 };
		memset(h, 0, sizeof h);
		double maxeta = 0;
		for (size_t i = 0; i < n; i++) {
			const double *xi = x + i * p;
			double eta = 0;
			for (size_t j = 0; j < p; j++)
				eta += xi[j] * beta[j];
			maxeta = fmax(maxeta, fabs(eta));
			double mu = 1.0 / (1.0 + exp(-eta));
			double wt = mu * (1.0 - mu);
			for (size_t j = 0; j < p; j++) {
				g[j] += xi[j] * (y[i] - mu);
				for (size_t k = 0; k <= j; k++)
					h[j * p + k] += wt * xi[j] * xi[k];
			}
		}
		if (maxeta > 35)
			sep = true;
		for (size_t j = 1; j < p; j++) {
			g[j] -= lambda * beta[j];
			h[j * p + j] += lambda;
		}
		for (size_t j = 0; j < p; j++)
			for (size_t k = j + 1; k < p; k++)
				h[j * p + k] = h[k * p + j];
		if (stats_cholesky(h, p, NULL, 0)) {
			sep = true;
			break;
		}
		double step[STATS_MAX_P];
		memcpy(step, g, sizeof step);
		stats_chol_solve(h, p, step);
		double t = 1.0, nb[STATS_MAX_P], nobj = obj, nll = ll;
		for (int half = 0; half < 40; half++) {
			for (size_t j = 0; j < p; j++)
				nb[j] = beta[j] + t * step[j];
			nobj = penalised_ll(x, y, n, p, lambda, nb, &nll);
			if (nobj >= obj - 1e-12 * fabs(obj))
				break;
			t *= 0.5;
		}
		double maxstep = 0;
		for (size_t j = 0; j < p; j++) {
			maxstep = fmax(maxstep, fabs(nb[j] - beta[j]));
			beta[j] = nb[j];
		}
		obj = nobj;
		ll = nll;
		out->iterations = it;
		if (maxstep < 1e-9) {
			out->converged = true;
			break;
		}
	}
	if (!out->converged)
		sep = true;
	out->separation = sep;
	if (sep && lambda == 0)
		return stats_fail(
			why, cap,
			"logistic regression: perfect separation (a combination of covariates "
			"predicts the group exactly, so the estimates grow without bound); fit "
			"with a penalty lambda > 0 or remove that covariate");
	/* Standard errors from the penalised information at the optimum. */
	memset(h, 0, sizeof h);
	for (size_t i = 0; i < n; i++) {
		const double *xi = x + i * p;
		double eta = 0;
		for (size_t j = 0; j < p; j++)
			eta += xi[j] * beta[j];
		double mu = 1.0 / (1.0 + exp(-eta));
		double wt = fmax(mu * (1.0 - mu), 1e-300);
		for (size_t j = 0; j < p; j++)
			for (size_t k = 0; k <= j; k++)
				h[j * p + k] += wt * xi[j] * xi[k];
	}
	for (size_t j = 1; j < p; j++)
		h[j * p + j] += lambda;
	for (size_t j = 0; j < p; j++)
		for (size_t k = j + 1; k < p; k++)
			h[j * p + k] = h[k * p + j];
	memcpy(out->beta, beta, p * sizeof(double));
	out->loglik = ll;
	if (stats_cholesky(h, p, NULL, 0) == EB_OK) {
		double diag[STATS_MAX_P];
		chol_inv_diag(h, p, diag);
		for (size_t j = 0; j < p; j++)
			out->se[j] = sqrt(diag[j]);
	} else {
		for (size_t j = 0; j < p; j++)
			out->se[j] = INFINITY;
	}
	return EB_OK;
}

/* ---- Benjamini-Hochberg ----------------------------------------------- */

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;
	if (x->p < y->p)
		return -1;
	if (x->p > y->p)
		return 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

enum eb_err stats_bh_adjust(const double *p, size_t n, double *adj, char *why, size_t cap)
{
	if (n == 0)
		return stats_fail(why, cap, "Benjamini-Hochberg: no p-values given");
	for (size_t i = 0; i < n; i++)
		if (!(p[i] >= 0 && p[i] <= 1))
			return stats_fail(why, cap,
					  "Benjamini-Hochberg: p-value %zu is %g, outside [0, 1]",
					  i + 1, p[i]);
	struct pidx *s = malloc(n * sizeof *s);
	if (!s)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++)
		s[i] = (struct pidx){ p[i], i };
	qsort(s, n, sizeof *s, cmp_pidx);
	double run = 1.0;
	for (size_t k = n; k-- > 0;) {
		double v = s[k].p * (double)n / (double)(k + 1);
		if (v < run)
			run = v;
		adj[s[k].i] = run;
	}
	free(s);
	return EB_OK;
}
