/* evidence.c - see evidence.h for contracts and sources. */
#include "domain/evidence.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"

#define FAIL(...) stats_fail(why, cap, __VA_ARGS__)

/* ---- effect sizes ----------------------------------------------------- */

enum eb_err ev_omega(double n_total, double *omega, char *why, size_t cap)
{
	if (!(n_total >= 4) || !isfinite(n_total))
		return FAIL("small-sample correction needs at least 4 students in all (have %g)",
			    n_total);
	*omega = 1.0 - 3.0 / (4.0 * n_total - 9.0);
	return EB_OK;
}

static enum eb_err check_group(const char *name, struct ev_group x, char *why, size_t cap)
{
	if (!(x.n >= 2) || !isfinite(x.n))
		return FAIL("the %s group needs at least 2 students (has %g)", name, x.n);
	if (!isfinite(x.mean))
		return FAIL("the %s group has no mean score", name);
	if (!(x.sd >= 0) || !isfinite(x.sd))
		return FAIL("the %s group's standard deviation is missing or negative", name);
	return EB_OK;
}

enum eb_err ev_hedges_g(struct ev_group t, struct ev_group c, struct ev_g *out, char *why,
			size_t cap)
{
	enum eb_err rc;
	if ((rc = check_group("intervention", t, why, cap)) ||
	    (rc = check_group("comparison", c, why, cap)))
		return rc;
	double n = t.n + c.n;
	double s2 = ((t.n - 1) * t.sd * t.sd + (c.n - 1) * c.sd * c.sd) / (n - 2);
	if (!(s2 > 0))
		return FAIL("every score is the same in both groups (zero variance); an effect "
			    "size cannot be computed");
	memset(out, 0, sizeof *out);
	out->s = sqrt(s2);
	if ((rc = ev_omega(n, &out->omega, why, cap)))
		return rc;
	out->d = (t.mean - c.mean) / out->s;
	out->g = out->omega * out->d;
	out->se = sqrt(n / (t.n * c.n) + out->g * out->g / (2.0 * n));
	return EB_OK;
}

enum eb_err ev_hedges_g_raw(const double *xt, size_t nt, const double *xc, size_t nc,
			    struct ev_g *out, char *why, size_t cap)
{
	struct ev_group t = { 0, 0, (double)nt }, c = { 0, 0, (double)nc };
	if (nt < 2)
		return FAIL("the intervention group needs at least 2 students (has %zu)", nt);
	if (nc < 2)
		return FAIL("the comparison group needs at least 2 students (has %zu)", nc);
	enum eb_err rc;
	if ((rc = stats_mean_sd(xt, nt, &t.mean, &t.sd, why, cap)) ||
	    (rc = stats_mean_sd(xc, nc, &c.mean, &c.sd, why, cap)))
		return rc;
	return ev_hedges_g(t, c, out, why, cap);
}

enum eb_err ev_cox_index(double p_t, double p_c, double n_total, struct ev_cox *out, char *why,
			 size_t cap)
{
	if (!(p_t > 0 && p_t < 1))
		return FAIL("the intervention group's proportion must lie strictly between 0 and 1 "
			    "(is %g); with 0%% or 100%% the Cox index is infinite",
			    p_t);
	if (!(p_c > 0 && p_c < 1))
		return FAIL("the comparison group's proportion must lie strictly between 0 and 1 "
			    "(is %g); with 0%% or 100%% the Cox index is infinite",
			    p_c);
	memset(out, 0, sizeof *out);
	enum eb_err rc = ev_omega(n_total, &out->omega, why, cap);
	if (rc)
		return rc;
	double lt = log(p_t / (1 - p_t)), lc = log(p_c / (1 - p_c));
	out->unadjusted = (lt - lc) / 1.65;
	out->cox = out->omega * out->unadjusted;
	return EB_OK;
}

enum eb_err ev_cox_se(double p_t, double n_t, double p_c, double n_c, double *se, char *why,
		      size_t cap)
{
	if (!(n_t >= 2 && n_c >= 2))
		return FAIL("each group needs at least 2 students for the Cox index's standard "
			    "error (intervention %g, comparison %g)",
			    n_t, n_c);
	struct ev_cox c;
	enum eb_err rc = ev_cox_index(p_t, p_c, n_t + n_c, &c, why, cap);
	if (rc)
		return rc;
	double v = 1.0 / (n_t * p_t * (1 - p_t)) + 1.0 / (n_c * p_c * (1 - p_c));
	*se = c.omega * sqrt(v) / 1.65;
	return EB_OK;
}

double ev_improvement_index(double g)
{
	return 100.0 * stats_norm_cdf(g) - 50.0;
}

enum ev_band ev_baseline_band(double g)
{
	double a = fabs(g);
	const double eps = 1e-12; /* a g printed as 0.05 is on the boundary */
	if (a <= 0.05 + eps)
		return EV_BAND_SATISFIED;
	if (a <= 0.25 + eps)
		return EV_BAND_NEEDS_ADJUSTMENT;
	return EV_BAND_NOT_SATISFIED;
}

const char *ev_band_name(enum ev_band b)
{
	static const char *const names[] = {
		[EV_BAND_SATISFIED] = "satisfied",
		[EV_BAND_NEEDS_ADJUSTMENT] = "needs adjustment",
		[EV_BAND_NOT_SATISFIED] = "not satisfied",
	};
	return (unsigned)b < 3 ? names[b] : "unknown";
}

/* ---- clustering ------------------------------------------------------- */

static enum eb_err hedges_terms(double n, double clusters, double icc, double *ratio, double *h,
				char *why, size_t cap)
{
	if (!(n >= 4) || !isfinite(n))
		return FAIL("the clustering correction needs at least 4 students (have %g)", n);
	if (!(clusters >= 2) || !(clusters <= n))
		return FAIL("the clustering correction needs between 2 and %g classes or schools "
			    "(have %g)",
			    n, clusters);
	if (!(icc >= 0 && icc < 1))
		return FAIL("the intraclass correlation must lie in [0, 1) (is %g)", icc);
	double m = n / clusters;
	double a = (n - 2) - 2 * (m - 1) * icc;
	double r2 = a / ((n - 2) * (1 + (m - 1) * icc));
	double den = (n - 2) * (1 - icc) * (1 - icc) + m * (n - 2 * m) * icc * icc +
		     2 * (n - 2 * m) * icc * (1 - icc);
	if (!(a > 0) || !(r2 > 0) || !(den > 0))
		return FAIL("too few classes or schools for %g students at ICC %g: the clustering "
			    "correction leaves no degrees of freedom",
			    n, icc);
	*ratio = sqrt(r2);
	*h = a * a / den;
	return EB_OK;
}

enum eb_err ev_cluster_h(double n_total, double icc, double m, double *h, char *why, size_t cap)
{
	if (!(m >= 1))
		return FAIL("the mean cluster size must be at least 1 (is %g)", m);
	double ratio = 0;
	return hedges_terms(n_total, n_total / m, icc, &ratio, h, why, cap);
}

enum eb_err ev_cluster_correct_t(double t, double n_total, double clusters, double icc,
				 struct ev_cluster *out, char *why, size_t cap)
{
	if (!isfinite(t))
		return FAIL("the test statistic is not a finite number");
	memset(out, 0, sizeof *out);
	enum eb_err rc = hedges_terms(n_total, clusters, icc, &out->ratio, &out->h, why, cap);
	if (rc)
		return rc;
	out->t = t;
	out->t_adj = t * out->ratio;
	if ((rc = stats_t_p2(t, n_total - 2, &out->p_naive, why, cap)) ||
	    (rc = stats_t_p2(out->t_adj, out->h, &out->p_adj, why, cap)))
		return rc;
	return EB_OK;
}

enum eb_err ev_cluster_correct(double g, double n_t, double n_c, double clusters, double icc,
			       struct ev_cluster *out, char *why, size_t cap)
{
	if (!(n_t >= 2) || !(n_c >= 2))
		return FAIL("each group needs at least 2 students (intervention %g, comparison %g)",
			    n_t, n_c);
	if (!isfinite(g))
		return FAIL("the effect size is not a finite number");
	double n = n_t + n_c;
	double se = sqrt(n / (n_t * n_c) + g * g / (2 * n));
	enum eb_err rc = ev_cluster_correct_t(g / se, n, clusters, icc, out, why, cap);
	if (rc)
		return rc;
	out->se = se;
	out->se_adj = se / out->ratio;
	double q = 0;
	if ((rc = stats_t_quantile(0.975, out->h, &q, why, cap)))
		return rc;
	out->ci_lo = g - q * out->se_adj;
	out->ci_hi = g + q * out->se_adj;
	return EB_OK;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

enum eb_err ev_icc_anova(const double *y, const int64_t *cluster, size_t n, double *icc, char *why,
			 size_t cap)
{
	if (n < 3)
		return FAIL("estimating the intraclass correlation needs at least 3 students (have "
			    "%zu)",
			    n);
	struct row {
		int64_t c;
		double y;
	} *r = malloc(n * sizeof *r);
	if (!r)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(y[i])) {
			free(r);
			return FAIL("score %zu is missing", i + 1);
		}
		r[i].c = cluster[i];
		r[i].y = y[i];
	}
	qsort(r, n, sizeof *r, cmp_i64); /* c is the first member */
	struct stats_acc all = STATS_ACC_INIT;
	double ssw = 0, ssb_part = 0, sum_n2 = 0;
	size_t j = 0, groups = 0, big = 0;
	for (size_t i = 0; i < n; i++)
		stats_acc_add(&all, r[i].y);
	while (j < n) {
		struct stats_acc a = STATS_ACC_INIT;
		size_t k = j;
		while (k < n && r[k].c == r[j].c)
			stats_acc_add(&a, r[k++].y);
		groups++;
		big += a.n >= 2;
		ssw += a.m2;
		double dn = (double)a.n;
		ssb_part += dn * (a.mean - all.mean) * (a.mean - all.mean);
		sum_n2 += dn * dn;
		j = k;
	}
	free(r);
	if (groups < 2)
		return FAIL("estimating the intraclass correlation needs at least 2 classes or "
			    "schools (have %zu)",
			    groups);
	if (big == 0 || n <= groups)
		return FAIL("estimating the intraclass correlation needs a class or school with 2 "
			    "or more students");
	if (!(all.m2 > 0))
		return FAIL("every score is the same; the intraclass correlation is undefined");
	double msb = ssb_part / (double)(groups - 1);
	double msw = ssw / (double)(n - groups);
	double n0 = ((double)n - sum_n2 / (double)n) / (double)(groups - 1);
	double rho = (msb - msw) / (msb + (n0 - 1) * msw);
	*icc = rho > 0 ? fmin(rho, 0.99) : 0.0;
	return EB_OK;
}

/* ---- attrition -------------------------------------------------------- */

/* WWC Standards Handbook v4.1 Table II.1: highest differential attrition
 * (points) that is still "low", by overall attrition 0..65%. -1: none. */
static const double attr_cautious[66] = {
	5.7, 5.8, 5.9, 5.9, 6.0, 6.1, 6.2, 6.3, 6.3, 6.3, 6.3, 6.2, 6.2, 6.1, 6.0, 5.9, 5.9,
	5.8, 5.7, 5.5, 5.4, 5.3, 5.2, 5.1, 4.9, 4.8, 4.7, 4.5, 4.4, 4.3, 4.1, 4.0, 3.8, 3.6,
	3.5, 3.3, 3.2, 3.1, 2.9, 2.8, 2.6, 2.5, 2.3, 2.1, 2.0, 1.8, 1.6, 1.5, 1.3, 1.2, 1.0,
	0.9, 0.7, 0.6, 0.4, 0.3, 0.2, 0.0, -1,	-1,  -1,  -1,  -1,  -1,	 -1,  -1,
};
static const double attr_optimistic[66] = {
	10.0, 10.1, 10.2, 10.3, 10.4, 10.5, 10.7, 10.8, 10.9, 10.9, 10.9, 10.9, 10.9, 10.8,
	10.8, 10.7, 10.6, 10.5, 10.3, 10.2, 10.0, 9.9,	9.7,  9.5,  9.4,  9.2,	9.0,  8.8,
	8.6,  8.4,  8.2,  8.0,	7.8,  7.6,  7.4,  7.2,	7.0,  6.7,  6.5,  6.3,	6.0,  5.8,
	5.6,  5.3,  5.1,  4.9,	4.6,  4.4,  4.2,  3.9,	3.7,  3.5,  3.2,  3.0,	2.8,  2.6,
	2.3,  2.1,  1.9,  1.6,	1.4,  1.1,  0.9,  0.7,	0.5,  0.3,
};

double ev_attrition_boundary(enum ev_boundary b, double overall_pct)
{
	if (!(overall_pct >= 0))
		return -1;
	double r = round(overall_pct);
	if (r > 65)
		return -1;
	const double *tab = b == EV_BOUNDARY_CAUTIOUS ? attr_cautious : attr_optimistic;
	return tab[(int)r];
}

enum eb_err ev_attrition_rates(double overall_pct, double differential_pp, struct ev_attrition *out,
			       char *why, size_t cap)
{
	if (!(overall_pct >= 0 && overall_pct <= 100))
		return FAIL("overall attrition must be a percentage from 0 to 100 (is %g)",
			    overall_pct);
	if (!(differential_pp >= 0 && differential_pp <= 100))
		return FAIL("differential attrition must be from 0 to 100 points (is %g)",
			    differential_pp);
	memset(out, 0, sizeof *out);
	out->overall_pct = overall_pct;
	out->differential_pp = differential_pp;
	out->cautious_max_pp = ev_attrition_boundary(EV_BOUNDARY_CAUTIOUS, overall_pct);
	out->optimistic_max_pp = ev_attrition_boundary(EV_BOUNDARY_OPTIMISTIC, overall_pct);
	out->low_cautious = out->cautious_max_pp >= 0 &&
			    differential_pp <= out->cautious_max_pp + 1e-9;
	out->low_optimistic = out->optimistic_max_pp >= 0 &&
			      differential_pp <= out->optimistic_max_pp + 1e-9;
	return EB_OK;
}

enum eb_err ev_attrition(double rand_t, double rand_c, double anal_t, double anal_c,
			 struct ev_attrition *out, char *why, size_t cap)
{
	if (!(rand_t >= 1) || !(rand_c >= 1))
		return FAIL("attrition needs students randomized to both groups (intervention %g, "
			    "comparison %g)",
			    rand_t, rand_c);
	if (!(anal_t >= 0 && anal_t <= rand_t) || !(anal_c >= 0 && anal_c <= rand_c))
		return FAIL("more students analysed than randomized (intervention %g of %g, "
			    "comparison %g of %g)",
			    anal_t, rand_t, anal_c, rand_c);
	double ot = 1 - anal_t / rand_t, oc = 1 - anal_c / rand_c;
	double overall = 100.0 * (1 - (anal_t + anal_c) / (rand_t + rand_c));
	return ev_attrition_rates(overall, 100.0 * fabs(ot - oc), out, why, cap);
}

/* ---- power ------------------------------------------------------------ */

enum eb_err ev_mdes(const struct ev_mdes_in *in, double *mdes, char *why, size_t cap)
{
	if (!(in->n_t >= 1) || !(in->n_c >= 1))
		return FAIL("the smallest detectable effect needs students in both groups "
			    "(intervention %g, comparison %g)",
			    in->n_t, in->n_c);
	if (!(in->alpha > 0 && in->alpha < 1) || !(in->power > 0 && in->power < 1))
		return FAIL(
			"alpha and power must lie strictly between 0 and 1 (alpha %g, power %g)",
			in->alpha, in->power);
	if (!(in->r2 >= 0 && in->r2 < 1))
		return FAIL(
			"the share of variance explained by covariates must lie in [0, 1) (is %g)",
			in->r2);
	double n = in->n_t + in->n_c, p = in->n_t / n, var, df;
	bool clustered = in->clusters > 1;
	if (clustered) {
		if (!(in->icc >= 0 && in->icc < 1))
			return FAIL("the intraclass correlation must lie in [0, 1) (is %g)",
				    in->icc);
		df = in->clusters - 2 - in->covariates;
		var = in->icc * (1 - in->r2) / (p * (1 - p) * in->clusters) +
		      (1 - in->icc) * (1 - in->r2) / (p * (1 - p) * n);
	} else {
		df = n - 2 - in->covariates;
		var = (1 - in->r2) / (p * (1 - p) * n);
	}
	if (!(df >= 1))
		return FAIL("too few %s to estimate anything (%g degrees of freedom)",
			    clustered ? "classes or schools" : "students", df);
	double q1 = 0, q2 = 0;
	enum eb_err rc;
	if ((rc = stats_t_quantile(1 - in->alpha / 2, df, &q1, why, cap)) ||
	    (rc = stats_t_quantile(in->power, df, &q2, why, cap)))
		return rc;
	*mdes = (q1 + q2) * sqrt(var);
	return EB_OK;
}

/* ---- ESSA tiers ------------------------------------------------------- */

void ev_essa_tier(const struct ev_tier_in *in, struct ev_tier *out)
{
	static const char *const names[5] = { "", "Strong", "Moderate", "Promising",
					      "Demonstrates a rationale" };
	double alpha = in->alpha > 0 ? in->alpha : 0.05;
	bool sig_pos = in->effect > 0 && in->p_value < alpha;
	bool large = in->n >= 350 && in->sites >= 2;
	int tier = 4;
	char *r = out->reason;
	size_t rc = sizeof out->reason;
	const char *what = "";
	switch (in->design) {
	case EV_DESIGN_RANDOMIZED:
		if (!sig_pos)
			what = "randomized, but the effect is not a statistically significant "
			       "positive one";
		else if (in->low_attrition)
			tier = 1, what = "randomized with low attrition and a statistically "
					 "significant positive effect";
		else if (in->baseline_equivalent)
			tier = 2,
			what = "randomized with high attrition, but the groups were equivalent at "
			       "baseline, and the effect is significant and positive";
		else if (in->statistical_controls)
			tier = 3, what = "randomized with high attrition and no baseline "
					 "equivalence; the significant positive effect with "
					 "statistical controls counts as correlational evidence";
		else
			what = "randomized with high attrition and no baseline equivalence";
		break;
	case EV_DESIGN_QUASI:
		if (!sig_pos)
			what = "quasi-experimental, but the effect is not a statistically "
			       "significant positive one";
		else if (in->baseline_equivalent)
			tier = 2, what = "quasi-experimental with baseline equivalence and a "
					 "statistically significant positive effect";
		else if (in->statistical_controls)
			tier = 3, what = "quasi-experimental without baseline equivalence; the "
					 "significant positive effect with statistical controls "
					 "counts as correlational evidence";
		else
			what = "quasi-experimental without baseline equivalence";
		break;
	case EV_DESIGN_CORRELATIONAL:
		if (sig_pos && in->statistical_controls)
			tier = 3, what = "correlational with statistical controls and a "
					 "statistically significant positive association";
		else if (!in->statistical_controls)
			what = "correlational without statistical controls";
		else
			what = "correlational, but the association is not a statistically "
			       "significant positive one";
		break;
	default:
		what = "no comparison design";
		break;
	}
	if (tier <= 2 && !large) {
		snprintf(r, rc,
			 "%s; but the sample (%.0f students in %d school%s) is smaller than the "
			 "350 students in 2 or more schools that the ESSA guidance asks of Tier "
			 "%d, so it supports Tier 3 (Promising)",
			 what, in->n, in->sites, in->sites == 1 ? "" : "s", tier);
		tier = 3;
	} else if (tier == 4) {
		snprintf(r, rc,
			 "%s (g = %.2f, p = %.3f); the initiative can rest only on its logic "
			 "model: Tier 4 (Demonstrates a rationale)",
			 what, in->effect, in->p_value);
	} else {
		snprintf(r, rc, "%s (g = %.2f, p = %.3f): Tier %d (%s)", what, in->effect,
			 in->p_value, tier, names[tier]);
	}
	out->tier = tier;
	out->name = names[tier];
}

/* ---- shared inference ------------------------------------------------- */

static enum eb_err count_clusters(const int64_t *cl, const size_t *rows, size_t n, double *count)
{
	int64_t *c = malloc(n * sizeof *c);
	if (!c)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++)
		c[i] = cl[rows ? rows[i] : i];
	qsort(c, n, sizeof *c, cmp_i64);
	size_t k = n ? 1 : 0;
	for (size_t i = 1; i < n; i++)
		k += c[i] != c[i - 1];
	free(c);
	*count = (double)k;
	return EB_OK;
}

/* Fills the inference part of e from a regression coefficient. rows selects
 * the analysed students (NULL: all n). */
static enum eb_err infer(struct ev_estimate *e, double beta, double se_beta, double df_ols,
			 const double *y, const int64_t *cl, const size_t *rows, size_t n,
			 double icc_in, char *why, size_t cap)
{
	enum eb_err rc;
	double omega = 1.0;
	if (!(se_beta > 0))
		return FAIL("the effect's standard error is zero; the outcome does not vary once "
			    "the covariates are accounted for");
	if ((rc = ev_omega(e->n_t + e->n_c, &omega, why, cap)))
		return rc;
	e->diff = beta;
	e->g = omega * beta / e->sd_pooled;
	e->se = omega * se_beta / e->sd_pooled;
	e->t = beta / se_beta;
	e->df = df_ols;
	double ratio = 1.0, h = df_ols;
	e->icc = -1;
	e->clusters = (double)n;
	if (cl) {
		if ((rc = count_clusters(cl, rows, n, &e->clusters)))
			return rc;
		if (e->clusters < 2)
			return FAIL("all analysed students are in one class or school; the "
				    "clustering correction needs at least 2");
		if (icc_in < 0) {
			double *ys = malloc(n * sizeof *ys);
			int64_t *cs = malloc(n * sizeof *cs);
			if (!ys || !cs) {
				free(ys);
				free(cs);
				return EB_ENOMEM;
			}
			for (size_t i = 0; i < n; i++) {
				ys[i] = y[rows ? rows[i] : i];
				cs[i] = cl[rows ? rows[i] : i];
			}
			rc = ev_icc_anova(ys, cs, n, &e->icc, why, cap);
			free(ys);
			free(cs);
			if (rc)
				return rc;
			e->icc_estimated = true;
		} else {
			e->icc = icc_in;
		}
		if ((rc = hedges_terms((double)n, e->clusters, e->icc, &ratio, &h, why, cap)))
			return rc;
		if (h > df_ols)
			h = df_ols;
	}
	e->t_adj = e->t * ratio;
	e->h = h;
	e->se_adj = e->se / ratio;
	double q = 0, q80 = 0;
	if ((rc = stats_t_p2(e->t_adj, h, &e->p, why, cap)) ||
	    (rc = stats_t_quantile(0.975, h, &q, why, cap)) ||
	    (rc = stats_t_quantile(0.80, h, &q80, why, cap)))
		return rc;
	e->ci_lo = e->g - q * e->se_adj;
	e->ci_hi = e->g + q * e->se_adj;
	e->improvement = ev_improvement_index(e->g);
	e->mdes = (q + q80) * e->se_adj;
	e->significant = e->p < 0.05;
	return EB_OK;
}

/* Pooled SD of y between groups (rows selected, flag 1/0). */
static enum eb_err pooled_sd(const double *y, const int *flag, const size_t *rows, size_t n,
			     double *nt, double *nc, double *mt, double *mc, double *sd, char *why,
			     size_t cap)
{
	struct stats_acc a[2] = { STATS_ACC_INIT, STATS_ACC_INIT };
	for (size_t i = 0; i < n; i++) {
		size_t r = rows ? rows[i] : i;
		if (!isfinite(y[r]))
			return FAIL("student %zu has no outcome score", r + 1);
		stats_acc_add(&a[flag[r] ? 1 : 0], y[r]);
	}
	if (a[1].n < 2)
		return FAIL("the intervention group has %zu student%s with outcomes; at least 2 "
			    "are needed",
			    a[1].n, a[1].n == 1 ? "" : "s");
	if (a[0].n < 2)
		return FAIL("the comparison group has %zu student%s with outcomes; at least 2 are "
			    "needed",
			    a[0].n, a[0].n == 1 ? "" : "s");
	double s2 = (a[0].m2 + a[1].m2) / (a[0].w + a[1].w - 2);
	if (!(s2 > 0))
		return FAIL("every outcome score is the same (zero variance); an effect size "
			    "cannot be computed");
	*nt = (double)a[1].n;
	*nc = (double)a[0].n;
	if (mt)
		*mt = a[1].mean;
	if (mc)
		*mc = a[0].mean;
	*sd = sqrt(s2);
	return EB_OK;
}

/* ---- design 1: matched comparison ------------------------------------- */

struct mrow {
	int64_t stratum;
	int treated;
	double eta;
	size_t idx;
};

static int cmp_mrow(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;
	if (x->stratum != y->stratum)
		return x->stratum < y->stratum ? -1 : 1;
	if (x->treated != y->treated)
		return x->treated - y->treated; /* controls first */
	if (x->eta != y->eta)
		return x->eta < y->eta ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Union-find "next unused" pointers. */
static size_t find_up(size_t *p, size_t j)
{
	size_t r = j;
	while (p[r] != r)
		r = p[r];
	while (p[j] != r) {
		size_t nx = p[j];
		p[j] = r;
		j = nx;
	}
	return r;
}

static void balance_g(const double *x, size_t k, size_t col, const int *treated, const size_t *rows,
		      size_t n, double *g)
{
	struct stats_acc a[2] = { STATS_ACC_INIT, STATS_ACC_INIT };
	for (size_t i = 0; i < n; i++) {
		size_t r = rows ? rows[i] : i;
		stats_acc_add(&a[treated[r] ? 1 : 0], x[r * k + col]);
	}
	*g = 0;
	if (a[0].n < 2 || a[1].n < 2)
		return;
	double nn = (double)(a[0].n + a[1].n);
	double s2 = (a[0].m2 + a[1].m2) / (nn - 2);
	if (s2 > 0)
		*g = (1 - 3 / (4 * nn - 9)) * (a[1].mean - a[0].mean) / sqrt(s2);
}

enum eb_err ev_match(const struct ev_match_in *in, struct ev_match_out *out, int64_t *match_of,
		     char *why, size_t cap)
{
	size_t n = in->n, k = in->k;
	enum eb_err rc = EB_OK;
	if (!in->x || !in->treated || !in->outcome)
		return FAIL("matching needs covariates, group membership and outcomes");
	if (k == 0 || k > EV_MATCH_MAX_K)
		return FAIL("matching needs 1 to %d covariates (have %zu)", EV_MATCH_MAX_K, k);
	if (in->pretest_col >= (int)k || in->pretest_col < -1)
		return FAIL("the pretest column %d is not one of the %zu covariates",
			    in->pretest_col, k);
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		if (in->treated[i] != 0 && in->treated[i] != 1)
			return FAIL("student %zu: group must be 0 (comparison) or 1 (user)", i + 1);
		out->n_t_before += (size_t)in->treated[i];
	}
	out->n_c_before = n - out->n_t_before;
	if (out->n_t_before < 2)
		return FAIL("the tool's users are %zu; matching needs at least 2", out->n_t_before);
	if (out->n_c_before < 2)
		return FAIL("the comparison group (non-users) has %zu students; matching needs at "
			    "least 2",
			    out->n_c_before);

	size_t p = k + 1;
	double *z = malloc(n * p * sizeof *z), *yt = malloc(n * sizeof *yt);
	double *eta = malloc(n * sizeof *eta);
	struct mrow *mr = malloc(n * sizeof *mr);
	size_t *par = malloc(2 * (n + 2) * sizeof *par);
	size_t *rows = malloc(n * sizeof *rows);
	int64_t *partner = malloc(n * sizeof *partner);
	double *xr = NULL;
	if (!z || !yt || !eta || !mr || !par || !rows || !partner) {
		rc = EB_ENOMEM;
		goto out;
	}
	/* Standardised covariates keep Newton well conditioned; the fitted
	 * propensity is the same for lambda = 0. */
	for (size_t j = 0; j < k; j++) {
		struct stats_acc a = STATS_ACC_INIT;
		for (size_t i = 0; i < n; i++) {
			double v = in->x[i * k + j];
			if (!isfinite(v)) {
				rc = FAIL("student %zu: covariate %zu is missing", i + 1, j + 1);
				goto out;
			}
			stats_acc_add(&a, v);
		}
		double sd = a.m2 > 0 ? sqrt(a.m2 / (a.w - 1)) : 0;
		if (!(sd > 0)) {
			rc = FAIL("covariate %zu has the same value for every student; drop it",
				  j + 1);
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			z[i * p + j + 1] = (in->x[i * k + j] - a.mean) / sd;
	}
	for (size_t i = 0; i < n; i++) {
		z[i * p] = 1.0;
		yt[i] = in->treated[i];
	}
	struct stats_logit lf;
	rc = stats_logit_fit(z, yt, n, p, 0.0, &lf, why, cap);
	if (rc == EB_EINVAL) {
		char tmp[8];
		if (stats_logit_fit(z, yt, n, p, 1.0, &lf, tmp, sizeof tmp) == EB_OK) {
			out->separation = true;
			rc = EB_OK;
		}
	}
	if (rc)
		goto out;
	struct stats_acc ea[2] = { STATS_ACC_INIT, STATS_ACC_INIT };
	for (size_t i = 0; i < n; i++) {
		double e = 0;
		for (size_t j = 0; j < p; j++)
			e += z[i * p + j] * lf.beta[j];
		eta[i] = e;
		stats_acc_add(&ea[in->treated[i]], e);
		mr[i] = (struct mrow){ in->stratum ? in->stratum[i] : 0, in->treated[i], e, i };
		partner[i] = -1;
	}
	double v0 = ea[0].m2 / (ea[0].w - 1), v1 = ea[1].m2 / (ea[1].w - 1);
	out->caliper = (in->caliper_sd > 0 ? in->caliper_sd : 0.2) * sqrt(0.5 * (v0 + v1));
	qsort(mr, n, sizeof *mr, cmp_mrow);

	/* Each stratum: controls [c0, c1), treated [c1, s1). */
	for (size_t s0 = 0; s0 < n;) {
		size_t s1 = s0;
		while (s1 < n && mr[s1].stratum == mr[s0].stratum)
			s1++;
		size_t c1 = s0;
		while (c1 < s1 && !mr[c1].treated)
			c1++;
		size_t m = c1 - s0;
		/* right[j]: smallest unused >= j (m = none); left[j+1]: largest
		 * unused <= j (0 = none). */
		size_t *right = par, *left = par + (n + 2);
		for (size_t j = 0; j <= m; j++) {
			right[j] = j;
			left[j] = j;
		}
		for (size_t t = s1; t-- > c1;) { /* descending propensity */
			double et = mr[t].eta;
			size_t lo = 0, hi = m; /* first control with eta >= et */
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (mr[s0 + mid].eta < et)
					lo = mid + 1;
				else
					hi = mid;
			}
			size_t rj = find_up(right, lo);
			size_t lj1 = find_up(left, lo); /* index+1 of left candidate */
			double dr = rj < m ? mr[s0 + rj].eta - et : INFINITY;
			double dl = lj1 > 0 ? et - mr[s0 + lj1 - 1].eta : INFINITY;
			size_t pick;
			if (dr <= dl && dr <= out->caliper)
				pick = rj;
			else if (dl < dr && dl <= out->caliper)
				pick = lj1 - 1;
			else {
				out->n_t_unmatched++;
				continue;
			}
			right[pick] = pick + 1;
			left[pick + 1] = pick;
			size_t ti = mr[t].idx, ci = mr[s0 + pick].idx;
			partner[ti] = (int64_t)ci;
			partner[ci] = (int64_t)ti;
			out->n_pairs++;
		}
		s0 = s1;
	}
	if (match_of)
		memcpy(match_of, partner, n * sizeof *partner);
	if (out->n_pairs < 2) {
		rc = FAIL("only %zu user%s found a comparable non-user within the caliper; "
			  "matching needs at least 2 pairs",
			  out->n_pairs, out->n_pairs == 1 ? "" : "s");
		goto out;
	}
	size_t nm = 0;
	for (size_t i = 0; i < n; i++)
		if (partner[i] >= 0)
			rows[nm++] = i;

	for (size_t j = 0; j < k; j++) {
		struct ev_balance_row *b = &out->balance[j];
		balance_g(in->x, k, j, in->treated, NULL, n, &b->g_before);
		balance_g(in->x, k, j, in->treated, rows, nm, &b->g_after);
		b->band_before = ev_baseline_band(b->g_before);
		b->band_after = ev_baseline_band(b->g_after);
	}

	/* Naive: all students, unadjusted. */
	double nt, nc, mt, mc, sd;
	if ((rc = pooled_sd(in->outcome, in->treated, NULL, n, &nt, &nc, &mt, &mc, &sd, why, cap)))
		goto out;
	out->naive_diff = mt - mc;
	out->naive_g = (1 - 3 / (4 * (nt + nc) - 9)) * out->naive_diff / sd;

	/* Matched, regression-adjusted: y ~ 1 + T + x. */
	struct ev_estimate *e = &out->est;
	if ((rc = pooled_sd(in->outcome, in->treated, rows, nm, &e->n_t, &e->n_c, NULL, NULL,
			    &e->sd_pooled, why, cap)))
		goto out;
	size_t q = k + 2;
	xr = malloc(nm * q * sizeof *xr);
	double *yr = malloc(nm * sizeof *yr);
	if (!xr || !yr) {
		free(yr);
		rc = EB_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < nm; i++) {
		size_t r = rows[i];
		xr[i * q] = 1.0;
		xr[i * q + 1] = in->treated[r];
		for (size_t j = 0; j < k; j++)
			xr[i * q + 2 + j] = in->x[r * k + j];
		yr[i] = in->outcome[r];
	}
	struct stats_ols ols;
	rc = stats_ols_fit(xr, yr, NULL, nm, q, &ols, why, cap);
	free(yr);
	if (rc)
		goto out;
	rc = infer(e, ols.beta[1], ols.se[1], ols.df, in->outcome, in->cluster, rows, nm, in->icc,
		   why, cap);
out:
	free(z);
	free(yt);
	free(eta);
	free(mr);
	free(par);
	free(rows);
	free(partner);
	free(xr);
	return rc;
}

/* ---- design 2: randomized assignment ---------------------------------- */

struct rrow {
	int64_t stratum, id;
	size_t idx;
};

static int cmp_rrow_id(const void *a, const void *b)
{
	const struct rrow *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_rrow(const void *a, const void *b)
{
	const struct rrow *x = a, *y = b;
	if (x->stratum != y->stratum)
		return x->stratum < y->stratum ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

enum eb_err ev_randomize(const int64_t *cluster_id, const int64_t *stratum, size_t n, uint64_t seed,
			 int *assign, char *why, size_t cap)
{
	if (n < 2)
		return FAIL("random assignment needs at least 2 classes or schools (have %zu)", n);
	struct rrow *r = malloc(n * sizeof *r);
	if (!r)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++)
		r[i] = (struct rrow){ stratum ? stratum[i] : 0, cluster_id[i], i };
	qsort(r, n, sizeof *r, cmp_rrow_id);
	for (size_t i = 1; i < n; i++)
		if (r[i].id == r[i - 1].id) {
			int64_t dup = r[i].id;
			free(r);
			return FAIL("class or school %lld is listed twice", (long long)dup);
		}
	qsort(r, n, sizeof *r, cmp_rrow);
	struct rng g;
	rng_seed(&g, seed);
	for (size_t s0 = 0; s0 < n;) {
		size_t s1 = s0;
		while (s1 < n && r[s1].stratum == r[s0].stratum)
			s1++;
		size_t m = s1 - s0;
		for (size_t i = m; i > 1; i--) { /* Fisher-Yates */
			size_t j = (size_t)rng_below(&g, i);
			struct rrow tmp = r[s0 + i - 1];
			r[s0 + i - 1] = r[s0 + j];
			r[s0 + j] = tmp;
		}
		size_t half = m / 2;
		for (size_t i = 0; i < m; i++)
			assign[r[s0 + i].idx] = i < half;
		if (m % 2)
			assign[r[s0 + half].idx] = (int)rng_below(&g, 2);
		s0 = s1;
	}
	free(r);
	return EB_OK;
}

/* ---- design 3: difference-in-differences ------------------------------ */

enum eb_err ev_did_summary(struct ev_group pre_t, struct ev_group pre_c, struct ev_group post_t,
			   struct ev_group post_c, struct ev_did *out, char *why, size_t cap)
{
	struct ev_g gp, gq;
	enum eb_err rc;
	memset(out, 0, sizeof *out);
	if ((rc = ev_hedges_g(pre_t, pre_c, &gp, why, cap)) ||
	    (rc = ev_hedges_g(post_t, post_c, &gq, why, cap)))
		return rc;
	out->g_pre = gp.g;
	out->g_post = gq.g;
	out->g_form_a = gq.g - gp.g;
	out->g_form_b = gq.omega * ((post_t.mean - post_c.mean) - (pre_t.mean - pre_c.mean)) / gq.s;
	out->g = out->g_form_b;
	return EB_OK;
}

enum eb_err ev_did_students(const double *y, const int *treated, const int *post,
			    const int64_t *cluster, size_t n, double icc, struct ev_estimate *out,
			    char *why, size_t cap)
{
	enum eb_err rc = EB_OK;
	memset(out, 0, sizeof *out);
	size_t cells[4] = { 0 };
	for (size_t i = 0; i < n; i++) {
		if ((treated[i] != 0 && treated[i] != 1) || (post[i] != 0 && post[i] != 1))
			return FAIL("student %zu: group and period must be 0 or 1", i + 1);
		cells[treated[i] * 2 + post[i]]++;
	}
	static const char *const cell_name[4] = { "comparison schools before",
						  "comparison schools after",
						  "rollout schools before",
						  "rollout schools after" };
	for (int c = 0; c < 4; c++)
		if (cells[c] < 2)
			return FAIL("difference-in-differences needs students in all four cells; "
				    "%s has %zu",
				    cell_name[c], cells[c]);
	size_t *rows = malloc(n * sizeof *rows);
	double *x = malloc(n * 4 * sizeof *x);
	if (!rows || !x) {
		rc = EB_ENOMEM;
		goto out;
	}
	size_t np = 0;
	for (size_t i = 0; i < n; i++) {
		if (post[i])
			rows[np++] = i;
		x[i * 4] = 1;
		x[i * 4 + 1] = treated[i];
		x[i * 4 + 2] = post[i];
		x[i * 4 + 3] = treated[i] * post[i];
	}
	if ((rc = pooled_sd(y, treated, rows, np, &out->n_t, &out->n_c, NULL, NULL, &out->sd_pooled,
			    why, cap)))
		goto out;
	struct stats_ols ols;
	if ((rc = stats_ols_fit(x, y, NULL, n, 4, &ols, why, cap)))
		goto out;
	rc = infer(out, ols.beta[3], ols.se[3], ols.df, y, cluster, NULL, n, icc, why, cap);
out:
	free(rows);
	free(x);
	return rc;
}

enum eb_err ev_did_panel(const double *pre, const double *post, const int *treated,
			 const int64_t *cluster, size_t n, double icc, struct ev_estimate *out,
			 char *why, size_t cap)
{
	enum eb_err rc = EB_OK;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		if (treated[i] != 0 && treated[i] != 1)
			return FAIL("unit %zu: group must be 0 or 1", i + 1);
		if (!isfinite(pre[i]) || !isfinite(post[i]))
			return FAIL("unit %zu has no measure before or after", i + 1);
	}
	double *d = malloc((n ? n : 1) * sizeof *d);
	double *x = malloc((n ? n : 1) * 2 * sizeof *x);
	if (!d || !x) {
		rc = EB_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		d[i] = post[i] - pre[i];
		x[i * 2] = 1;
		x[i * 2 + 1] = treated[i];
	}
	if ((rc = pooled_sd(post, treated, NULL, n, &out->n_t, &out->n_c, NULL, NULL,
			    &out->sd_pooled, why, cap)))
		goto out;
	struct stats_ols ols;
	if ((rc = stats_ols_fit(x, d, NULL, n, 2, &ols, why, cap)))
		goto out;
	rc = infer(out, ols.beta[1], ols.se[1], ols.df, d, cluster, NULL, n, icc, why, cap);
out:
	free(d);
	free(x);
	return rc;
}

/* ---- design 4: dose-response ------------------------------------------ */

enum eb_err ev_dose_response(const double *dose, const double *y, const double *x, size_t k,
			     const int64_t *cluster, size_t n, double icc, struct ev_dose *out,
			     char *why, size_t cap)
{
	enum eb_err rc;
	memset(out, 0, sizeof *out);
	out->associational = true;
	out->label = "associational: students who used the tool more scored differently on "
		     "average; this does not show that the tool caused the difference";
	if (k + 2 > STATS_MAX_P)
		return FAIL("too many control variables (%zu; at most %d)", k, STATS_MAX_P - 2);
	double md, sdd, my, sdy;
	if ((rc = stats_mean_sd(dose, n, &md, &sdd, why, cap)) ||
	    (rc = stats_mean_sd(y, n, &my, &sdy, why, cap)))
		return rc;
	if (!(sdd > 0))
		return FAIL("every student has the same amount of use; a dose-response slope needs "
			    "varying use");
	if (!(sdy > 0))
		return FAIL("every outcome score is the same (zero variance)");
	size_t q = k + 2;
	double *xm = malloc(n * q * sizeof *xm);
	if (!xm)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		xm[i * q] = 1;
		xm[i * q + 1] = dose[i];
		for (size_t j = 0; j < k; j++)
			xm[i * q + 2 + j] = x[i * k + j];
	}
	struct stats_ols ols;
	rc = stats_ols_fit(xm, y, NULL, n, q, &ols, why, cap);
	free(xm);
	if (rc)
		return rc;
	out->slope = ols.beta[1];
	out->se = ols.se[1];
	if (!(out->se > 0))
		return FAIL("the slope's standard error is zero; the outcome is fully explained by "
			    "the controls");
	out->t = out->slope / out->se;
	out->g_per_sd = out->slope * sdd / sdy;
	double ratio = 1, h = ols.df;
	out->icc = -1;
	if (cluster) {
		double m;
		if ((rc = count_clusters(cluster, NULL, n, &m)))
			return rc;
		if (icc < 0) {
			if ((rc = ev_icc_anova(y, cluster, n, &icc, why, cap)))
				return rc;
		}
		out->icc = icc;
		if ((rc = hedges_terms((double)n, m, icc, &ratio, &h, why, cap)))
			return rc;
		if (h > ols.df)
			h = ols.df;
	}
	out->t_adj = out->t * ratio;
	out->h = h;
	double qt = 0;
	if ((rc = stats_t_p2(out->t_adj, h, &out->p, why, cap)) ||
	    (rc = stats_t_quantile(0.975, h, &qt, why, cap)))
		return rc;
	out->ci_lo = out->slope - qt * out->se / ratio;
	out->ci_hi = out->slope + qt * out->se / ratio;
	return EB_OK;
}
