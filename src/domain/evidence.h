/* evidence.h - the statistical engine behind "Initiatives and honest
 * evidence": What Works Clearinghouse (WWC) effect sizes, inference corrected
 * for clustering, attrition, power, ESSA tiers and the four designs.
 *
 * Pure computation: no SQL, no HTML, no I/O. Every function either returns a
 * number that is defined for all inputs, or returns enum eb_err and writes
 * EB_EINVAL plus a sentence in why (cap bytes; why may be NULL) saying what is
 * missing. NaN is never handed back as a result.
 *
 * Sources (abbreviated below):
 *   [PH41]  WWC Procedures Handbook v4.1 (2020), Appendix E.
 *   [PH50]  WWC Procedures and Standards Handbook v5.0 (2022), Appendix E.
 *   [SH41]  WWC Standards Handbook v4.1 (2020), Table II.1 (attrition).
 *   [H07]   Hedges, L. V. (2007). Correcting a significance test for
 *           clustering. J. Educ. Behav. Stat. 32(2), 151-179.
 *   [B05]   Bloom, H. S. (2005/2006). The core analytics of randomized
 *           experiments for social research (MDES multipliers).
 *   [A11]   Austin, P. C. (2011). Optimal caliper widths for propensity-score
 *           matching. Pharm. Stat. 10, 150-161 (0.2 SD of the logit).
 *   [ESSA]  ESEA s. 8101(21)(A) as amended by ESSA; US ED Non-Regulatory
 *           Guidance "Using Evidence to Strengthen Education Investments"
 *           (2016). */
#ifndef EB_EVIDENCE_H
#define EB_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/stats.h"

/* ---- effect sizes ----------------------------------------------------- */

/* Small-sample correction omega = 1 - 3 / (4N - 9) [PH41 App. E]; N = n_t + n_c.
 * EB_EINVAL for N < 4 (the factor is not meaningful). */
enum eb_err ev_omega(double n_total, double *omega, char *why, size_t cap);

struct ev_group {
	double mean, sd, n;
};

struct ev_g {
	double s;     /* pooled within-group SD, sqrt(((nt-1)st^2+(nc-1)sc^2)/(N-2)) */
	double omega; /* 1 - 3/(4N-9) */
	double d;     /* (mean_t - mean_c) / s */
	double g;     /* omega * d  [PH41 App. E] */
	double se;    /* sqrt(N/(nt nc) + g^2/(2N))  [PH41 App. E] */
};
/* Hedges' g from group summaries. EB_EINVAL for a group with n < 2, a
 * negative or non-finite SD, or zero pooled SD. */
enum eb_err ev_hedges_g(struct ev_group t, struct ev_group c, struct ev_g *out, char *why,
			size_t cap);
/* Same from raw scores (sample SDs with n - 1). */
enum eb_err ev_hedges_g_raw(const double *xt, size_t nt, const double *xc, size_t nc,
			    struct ev_g *out, char *why, size_t cap);

struct ev_cox {
	double unadjusted; /* (logit p_t - logit p_c) / 1.65 */
	double omega;
	double cox; /* omega * unadjusted  [PH41 App. E] */
};
/* Cox index for a dichotomous outcome: proportions in (0, 1), N the total
 * sample. EB_EINVAL for p outside (0,1) (the logit is infinite) or N < 4. */
enum eb_err ev_cox_index(double p_t, double p_c, double n_total, struct ev_cox *out, char *why,
			 size_t cap);

/* Standard error of the Cox index from the group sizes and proportions:
 * omega * sqrt(1/(n_t p_t (1-p_t)) + 1/(n_c p_c (1-p_c))) / 1.65 - the
 * large-sample (Woolf) variance of the log odds ratio, carried through the
 * Cox transformation d = omega * ln(OR) / 1.65 (Sanchez-Meca, Marin-Martinez
 * & Chacon-Moscoso 2003, eq. for V(d_Cox) = 0.367 V(ln OR); the WWC's
 * handbooks use the Cox index with this variance). EB_EINVAL for a group of
 * fewer than 2 or a proportion outside (0, 1). */
enum eb_err ev_cox_se(double p_t, double n_t, double p_c, double n_c, double *se, char *why,
		      size_t cap);

/* Improvement index 100 * Phi(g) - 50, in percentile points [PH41 App. E]. */
double ev_improvement_index(double g);

/* WWC baseline equivalence bands [PH41 / PH50, sec. on baseline equivalence]:
 * |g| <= 0.05 satisfied; <= 0.25 satisfied only with statistical adjustment
 * for that characteristic; > 0.25 not satisfied. */
enum ev_band {
	EV_BAND_SATISFIED,
	EV_BAND_NEEDS_ADJUSTMENT,
	EV_BAND_NOT_SATISFIED,
};
enum ev_band ev_baseline_band(double g);
/* "satisfied", "needs adjustment", "not satisfied". */
const char *ev_band_name(enum ev_band b);

/* ---- clustering ------------------------------------------------------- */

/* Hedges (2007) / WWC correction of a student-level t for clustering
 * [H07 eqs. for t_A and h; PH50 eq. E.21]. With N = n_t + n_c, M clusters,
 * m = N / M and rho the ICC:
 *   t_adj = t * sqrt(((N-2) - 2(m-1)rho) / ((N-2)(1 + (m-1)rho)))
 *   h     = ((N-2) - 2(m-1)rho)^2 /
 *           ((N-2)(1-rho)^2 + m(N-2m)rho^2 + 2(N-2m)rho(1-rho))
 * The student-level t is taken as g / se(g) (se as in struct ev_g), which is
 * what the WWC vectors use. p values are two-sided t tests: p_naive with
 * N - 2 df, p_adj with h df. se_adj = se / sqrt(ratio) is the standard error
 * consistent with t_adj; the 95% interval is g -+ t_{0.975,h} * se_adj.
 * EB_EINVAL for groups of < 2, clusters < 2 or > N, icc outside [0, 1), or a
 * design so clustered that h or the ratio is not positive. */
struct ev_cluster {
	double t, p_naive;
	double ratio; /* t_adj / t */
	double t_adj, h, p_adj;
	double se, se_adj, ci_lo, ci_hi;
};
enum eb_err ev_cluster_correct(double g, double n_t, double n_c, double clusters, double icc,
			       struct ev_cluster *out, char *why, size_t cap);
/* The same correction applied to a t statistic from a student-level model
 * (e.g. a regression): t_adj and h only (se fields zero). */
enum eb_err ev_cluster_correct_t(double t, double n_total, double clusters, double icc,
				 struct ev_cluster *out, char *why, size_t cap);
/* Degrees of freedom h alone (N, ICC, mean cluster size m) [H07]. */
enum eb_err ev_cluster_h(double n_total, double icc, double m, double *h, char *why, size_t cap);

/* WWC default ICCs [PH41]: achievement 0.20, behavioural 0.10. */
#define EV_ICC_ACHIEVEMENT 0.20
#define EV_ICC_BEHAVIOURAL 0.10

/* One-way ANOVA estimator of the intraclass correlation, truncated at 0:
 *   rho = (MSB - MSW) / (MSB + (n0 - 1) MSW),
 *   n0 = (N - sum n_j^2 / N) / (J - 1)     (Donner 1986; unequal sizes).
 * cluster[i] labels y[i]. EB_EINVAL with fewer than 2 clusters, no cluster
 * with 2 or more members, or zero total variance. */
enum eb_err ev_icc_anova(const double *y, const int64_t *cluster, size_t n, double *icc, char *why,
			 size_t cap);

/* ---- attrition [SH41 Table II.1] -------------------------------------- */

enum ev_boundary { EV_BOUNDARY_CAUTIOUS, EV_BOUNDARY_OPTIMISTIC };

struct ev_attrition {
	double overall_pct;	/* 100 * (1 - analysed / randomised) */
	double differential_pp; /* |attr_t - attr_c| in points */
	double cautious_max_pp; /* boundary at rounded overall; -1 none */
	double optimistic_max_pp;
	bool low_cautious, low_optimistic;
};
/* Overall and differential attrition of a randomised sample, and whether it
 * is low under each WWC boundary (the boundary for the overall rate rounded
 * to a whole percent; differential <= boundary is low). EB_EINVAL for a group
 * randomised empty or with more analysed than randomised. */
enum eb_err ev_attrition(double rand_t, double rand_c, double anal_t, double anal_c,
			 struct ev_attrition *out, char *why, size_t cap);
/* The same from rates already known (percent, points). */
enum eb_err ev_attrition_rates(double overall_pct, double differential_pp, struct ev_attrition *out,
			       char *why, size_t cap);
/* Largest differential attrition (points) still low at this overall rate,
 * or -1 when every differential is high. */
double ev_attrition_boundary(enum ev_boundary b, double overall_pct);

/* ---- power ------------------------------------------------------------ */

/* Minimum detectable effect size, two-sided test [B05]:
 *   MDES = M * sqrt( rho/(P(1-P)J) * (1-R2b) + (1-rho)/(P(1-P)N) * (1-R2w) )
 * with P = n_t/N, J clusters (J <= 1: individual assignment, rho ignored,
 * df = N - 2 - covariates), M = t_{1-alpha/2,df} + t_{power,df}, df = J - 2
 * for cluster assignment. r2 is the share of variance the covariates
 * (pretest) explain at both levels (0 when none). EB_EINVAL for an empty
 * group, alpha or power outside (0,1), r2 outside [0,1), too few clusters. */
struct ev_mdes_in {
	double n_t, n_c, clusters, icc, alpha, power, r2;
	int covariates;
};
enum eb_err ev_mdes(const struct ev_mdes_in *in, double *mdes, char *why, size_t cap);

/* ---- ESSA evidence tiers [ESSA] --------------------------------------- */

enum ev_design {
	EV_DESIGN_RANDOMIZED,
	EV_DESIGN_QUASI,	 /* matched comparison, difference-in-differences */
	EV_DESIGN_CORRELATIONAL, /* dose-response, regression with controls */
	EV_DESIGN_NONE,
};

struct ev_tier_in {
	enum ev_design design;
	bool low_attrition;	   /* randomized only */
	bool baseline_equivalent;  /* quasi (or high-attrition RCT) */
	bool statistical_controls; /* correlational */
	double effect;		   /* g */
	double p_value;		   /* clustering-corrected */
	double alpha;		   /* 0 means 0.05 */
	double n;		   /* students analysed */
	int sites;		   /* schools */
};
struct ev_tier {
	int tier;	  /* 1..4 */
	const char *name; /* "Strong", "Moderate", "Promising", "Demonstrates a rationale" */
	char reason[400];
};
/* Tier 1: randomized, low attrition, significant positive effect.
 * Tier 2: quasi-experimental (or RCT with high attrition) with baseline
 *         equivalence and a significant positive effect.
 * Tier 3: correlational with statistical controls and a significant positive
 *         effect - or a Tier 1/2 design short of the guidance's large (350+)
 *         multi-site (2+) sample.
 * Tier 4: otherwise (a logic model: "demonstrates a rationale").
 * Total function; the reason says which condition decided. */
void ev_essa_tier(const struct ev_tier_in *in, struct ev_tier *out);

/* ---- common result of a design ---------------------------------------- */

struct ev_estimate {
	double n_t, n_c;
	double diff;	  /* adjusted difference in outcome units */
	double sd_pooled; /* unadjusted pooled SD of the outcome */
	double g;	  /* omega * diff / sd_pooled */
	double se;	  /* se of g, not clustering-corrected */
	double t;	  /* student-level t */
	double df;
	double icc; /* used for the correction (-1: no clusters) */
	bool icc_estimated;
	double clusters;
	double t_adj, h, p; /* clustering-corrected */
	double se_adj, ci_lo, ci_hi;
	double improvement; /* 100 Phi(g) - 50 */
	double mdes;	    /* smallest g detectable with these n (0.05, 0.80) */
	bool significant;   /* p < 0.05 */
};

/* ---- design 1: matched comparison ------------------------------------- */

struct ev_balance_row {
	double g_before, g_after;
	enum ev_band band_before, band_after;
};

/* Inputs: n students; x is n x k covariates (row-major, no intercept,
 * k <= 16) used both for the propensity score and as regression covariates;
 * pretest_col names the pretest column in x (or -1; its balance row is the
 * one baseline equivalence is judged on by the caller); treated 0/1;
 * stratum (grade) may be NULL; cluster (class or school) may be NULL.
 * icc < 0 means estimate it from the outcome (one-way ANOVA, truncated at
 * 0); otherwise use the value given (WWC default EV_ICC_ACHIEVEMENT).
 * caliper_sd <= 0 means 0.2 [A11]. */
struct ev_match_in {
	size_t n, k;
	const double *x;
	int pretest_col;
	const int *treated;
	const int64_t *stratum;
	const int64_t *cluster;
	const double *outcome;
	double icc;
	double caliper_sd;
};
#define EV_MATCH_MAX_K 16
struct ev_match_out {
	size_t n_t_before, n_c_before;
	size_t n_pairs, n_t_unmatched;
	double caliper;	 /* in logit units */
	bool separation; /* propensity model needed the penalty */
	struct ev_balance_row balance[EV_MATCH_MAX_K];
	double naive_diff, naive_g; /* unmatched, unadjusted */
	struct ev_estimate est;	    /* matched, regression-adjusted */
};
/* Propensity score by logistic regression on x (lambda = 0; on separation
 * refit with lambda = 1 and set separation), 1:1 nearest neighbour on the
 * logit within exact strata, caliper caliper_sd * SD(logit) (pooled over
 * both groups), without replacement, treated units taken in descending
 * propensity. Balance: Hedges' g per covariate before and after.
 * Effect: OLS outcome ~ 1 + treated + x on the matched sample; diff is the
 * treated coefficient, g = omega * diff / (unadjusted pooled SD of the
 * matched outcome) [PH41 App. E, regression-adjusted form]; t from the OLS
 * se, corrected for clustering [H07].
 * match_of (may be NULL) gets n entries: the index of the matched partner,
 * or -1. EB_EINVAL when a group is empty, fewer than 2 pairs match, k is 0
 * or too large, or the regression cannot be fitted. */
enum eb_err ev_match(const struct ev_match_in *in, struct ev_match_out *out, int64_t *match_of,
		     char *why, size_t cap);

/* ---- design 2: randomized pilot assignment ---------------------------- */

/* Assigns clusters (classes or schools) to treatment (1) or comparison (0)
 * reproducibly from seed: clusters are put in order of (stratum, id), each
 * stratum is shuffled by Fisher-Yates with xoshiro256** seeded by seed, and
 * the first floor(n_s/2) are treated; an odd stratum's middle cluster goes to
 * treatment on a fair coin from the same stream. The result depends only on
 * the seed and the set of (id, stratum), not on input order.
 * stratum may be NULL (one stratum). EB_EINVAL for n < 2 or duplicate ids. */
enum eb_err ev_randomize(const int64_t *cluster_id, const int64_t *stratum, size_t n, uint64_t seed,
			 int *assign, char *why, size_t cap);

/* ---- design 3: difference-in-differences ------------------------------ */

/* Two groups x pre/post from summaries (same measure, same scale).
 *   form (a): g_post - g_pre, each with its own omega and pooled SD
 *             ("difference in effect sizes");
 *   form (b): omega * ((post_t - post_c) - (pre_t - pre_c)) / S_post
 *             (difference in raw differences over the unadjusted pooled
 *             posttest SD; the formula of the WWC's "Technical Details of
 *             WWC-Conducted Computations" (2007) for studies reporting
 *             unadjusted pre and post means; v4.1/v5.0 text not verified).
 * Both are returned; which one the WWC v5.0 handbook prescribes is the open
 * point in ../shared/data/wwc/README.md - see docs/evidence.md. edbridge
 * reports form (b) as `g` (the two agree when the SDs are equal). */
struct ev_did {
	double g_pre, g_post;
	double g_form_a, g_form_b;
	double g;
};
enum eb_err ev_did_summary(struct ev_group pre_t, struct ev_group pre_c, struct ev_group post_t,
			   struct ev_group post_c, struct ev_did *out, char *why, size_t cap);

/* Student-level DiD for school rollouts (repeated cross-sections):
 * OLS y ~ 1 + treated + post + treated:post; diff = interaction coefficient;
 * g = omega * diff / unadjusted pooled SD of post-period y (form b);
 * t from OLS, corrected for clustering in schools (cluster may be NULL). */
enum eb_err ev_did_students(const double *y, const int *treated, const int *post,
			    const int64_t *cluster, size_t n, double icc, struct ev_estimate *out,
			    char *why, size_t cap);

/* Difference-in-differences on a panel: the same n units (classes) measured
 * before (pre) and after (post). diff = the intervention units' mean change
 * minus the comparison units' (OLS of post - pre on 1 + treated: the
 * interaction of the two-way regression with unit fixed effects, so each
 * unit's own level cancels); g = omega * diff / unadjusted pooled SD of post
 * (form b, as ev_did_students); t from that OLS, corrected for clustering
 * (cluster may be NULL; icc < 0: estimated from the changes). The repeated
 * cross-section form (ev_did_students) on the same data gives the same diff
 * with a wider interval, as it ignores that each unit is its own control.
 * EB_EINVAL (why) for a group of fewer than 2 units or a missing value. */
enum eb_err ev_did_panel(const double *pre, const double *post, const int *treated,
			 const int64_t *cluster, size_t n, double icc, struct ev_estimate *out,
			 char *why, size_t cap);

/* ---- design 4: dose-response (associational) -------------------------- */

/* OLS y ~ 1 + dose + x (x: n x k controls, may be NULL with k = 0).
 * slope in outcome units per unit dose; g_per_sd = slope * SD(dose) / SD(y)
 * (standardised slope). Inference corrected for clustering. Always
 * associational: label says so and must be shown with the number. */
struct ev_dose {
	double slope, se, t, h, t_adj, p, ci_lo, ci_hi;
	double g_per_sd;
	double icc;
	bool associational; /* always true */
	const char *label;
};
enum eb_err ev_dose_response(const double *dose, const double *y, const double *x, size_t k,
			     const int64_t *cluster, size_t n, double icc, struct ev_dose *out,
			     char *why, size_t cap);

#endif
