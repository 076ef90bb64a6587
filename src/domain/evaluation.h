/* evaluation.h - the glue between an initiative's data (roster, outcome
 * and pretest scores, tool use, random assignment) and the evidence engine
 * (domain/evidence.h): builds the analysis rows, runs the chosen design
 * with its subgroups, and writes the report in words.
 *
 * Two layers: eval_load() reads the database into struct eval_data;
 * eval_run() is pure (no SQL) so it can be tested on a hand-made dataset
 * and driven by the simulator; eval_write_*() turn a result into text.
 *
 * What the rows are, per design:
 *   matched     the initiative's target students; users = minutes > 0;
 *               covariates pretest, English learner, disability (constant
 *               ones dropped), exact strata by grade, clusters = classes.
 *   randomized  the target students of the units in the recorded random
 *               assignment; treated = their unit's draw; OLS outcome ~
 *               treated (+ pretest when every analysed student has one);
 *               attrition = randomized students without an outcome.
 *   did         every student of the targeted grades (all schools);
 *               treated = in a targeted school or class; pre = the outcome
 *               assessment's last score before the start, post = its last
 *               score on or after the start; clusters = schools.
 *   dose        target students; dose = minutes of use; control pretest;
 *               associational only.
 * ICC: estimated from the outcome (one-way ANOVA) with 10 or more
 * clusters, else the WWC default 0.20. */
#ifndef EB_EVALUATION_H
#define EB_EVALUATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "domain/evidence.h"

struct db;
struct initiative;

enum eval_design { EVAL_MATCHED, EVAL_RANDOMIZED, EVAL_DID, EVAL_DOSE, EVAL__COUNT };
/* "matched", "randomized", "did", "dose"; parse returns EB_EINVAL else. */
const char *eval_design_name(enum eval_design d);
enum eb_err eval_design_parse(const char *s, enum eval_design *out);

/* One student. NAN marks a missing score. */
struct eval_row {
	double pre, post;	 /* pretest before the start, outcome after it */
	double minutes;		 /* tool use (0 none) */
	int treated;		 /* group: 1 intervention, 0 comparison, -1 not in the analysis */
	int grade;		 /* -1 unknown */
	int64_t school, cluster; /* dense ids; cluster = class */
	int el, swd;		 /* 1, 0, -1 unknown */
	int female;		 /* OneRoster demographics sex: 1 female, 0 male, -1 unknown */
	double other[4];	 /* minutes of use of the district's other tools in the same
				 * period (co-interventions), eval_data.nother of them */
	double prior;		 /* a second prior measure (the prior year's score on the
				 * outcome's scale family); read only with eval_data.has_prior,
				 * NAN missing */
};

struct eval_data {
	enum eval_design design;
	struct eval_row *rows;
	size_t n;
	const char **school_names;  /* school_names[row.school]: sourcedIds */
	const char **school_labels; /* the same schools' names (subgroup labels); may be NULL */
	size_t nschools;
	double icc;	   /* < 0: estimate (>= 10 clusters), else this */
	bool no_subgroups; /* whole sample only (simulation studies) */
	bool has_pass;	   /* pass/fail outcome: pass = post >= pass_score */
	double pass_score;
	bool has_prior;		    /* rows carry a prior-year score (eval_row.prior) */
	size_t nother;		    /* eval_row.other columns in use, 0..4 */
	const char *other_names[4]; /* their tools, for the balance table */
	/* for messages */
	const char *tool, *outcome_name, *start_date;
	/* by standard, on the mastery model's estimates (eval_load fills them;
	 * nstd 0 = none). std_end[i * nstd + j]: row i's P(mastered) now on
	 * standard std_code[j] when that cell is measured (>= MASTERY_MIN_DIRECT
	 * direct responses), else NAN; std_base the same cell's P at the end of
	 * the week before the start from its weekly trend, NAN when the trend
	 * does not reach back that far (no evidence before the start). */
	size_t nstd;
	const char **std_code;
	double *std_end, *std_base;
	bool std_targeted; /* the initiative's targeted standards; else the tool's */
};

#define EVAL_MAX_SUB 1024 /* grades, every school of a 350,000-student district, flags, thirds */

#define EVAL_MAX_STD 64	      /* standards examined per initiative */
#define EVAL_STD_MIN_GROUP 10 /* students with a measured cell per group */

struct eval_subgroup {
	char label[64]; /* "grade 3", "school Birch", "English learners" ... */
	bool ok;	/* estimated; else why says what is missing */
	char why[160];
	double n_t, n_c, g, ci_lo, ci_hi, p, p_bh;
};

struct eval_result {
	enum eval_design design;
	size_t n_t_before, n_c_before; /* groups as defined, before matching/attrition */
	struct ev_estimate est;
	bool has_pretest;
	/* matched: balance per covariate (names in cov_name) */
	size_t ncov;
	const char *cov_name[EV_MATCH_MAX_K];
	struct ev_balance_row balance[EV_MATCH_MAX_K];
	double naive_diff, naive_g;
	size_t n_pairs;
	/* pass/fail (eval_data.has_pass; matched and randomized designs): the
	 * share passing in each analysed group (matched: the matched pairs) and
	 * the Cox index [PH41 App. E] with its standard error (ev_cox_se),
	 * corrected for clustering like g (Hedges 2007 on t = cox / se, ICC of
	 * the 0/1 outcome by the same rule), interval cox -+ t(0.975, h) se_adj */
	bool has_cox;
	char cox_why[160]; /* when asked for but not computed */
	double pass_t, pass_c, cox_n_t, cox_n_c;
	struct ev_cox cox;
	double cox_se, cox_se_adj, cox_h, cox_p, cox_ci_lo, cox_ci_hi;
	/* randomized */
	bool has_attrition;
	struct ev_attrition attrition;
	/* did */
	struct ev_did did;
	/* dose */
	struct ev_dose dose;
	/* all designs */
	bool baseline_equivalent;
	size_t sites;
	struct ev_tier tier;
	bool too_little; /* MDES > 0.5: no verdict either way */
	size_t nsub;
	struct eval_subgroup sub[EVAL_MAX_SUB];
	/* by standard (label = the standard's code), a family of its own for
	 * Benjamini-Hochberg: see eval_by_standard */
	size_t nstd;
	struct eval_subgroup std[EVAL_MAX_STD];
};

/* Reads what the design needs for the initiative. EB_EINVAL with a sentence
 * in why saying exactly what is missing: no outcome scores, no pretest for
 * the matched design, no random assignment, no tool use recorded, no
 * comparison group. Arrays live in arena. */
enum eb_err eval_load(struct db *db, int64_t district_id, const struct initiative *in,
		      enum eval_design design, struct arena *a, struct eval_data *out, char *why,
		      size_t cap);
/* The same without the by-standard data (d->nstd 0): what the headline
 * result needs - the whole-sample estimate, its tier and its cut-score
 * results, none of which reads the mastery estimates - for What's working,
 * whose cached results then do not change with every learning event
 * (docs/initiatives.md "What's working is computed once per change"). */
enum eb_err eval_load_headline(struct db *db, int64_t district_id, const struct initiative *in,
			       enum eval_design design, struct arena *a, struct eval_data *out,
			       char *why, size_t cap);

/* Runs the design and its subgroups (grade, school, English learners,
 * students with disabilities, prior-achievement thirds; Benjamini-Hochberg
 * across those estimated) and decides the ESSA tier. EB_EINVAL (why) when
 * the whole-sample estimate cannot be made: an empty or too small group,
 * no variation. */
enum eb_err eval_run(const struct eval_data *d, struct eval_result *r, char *why, size_t cap);

/* Privacy: no result about a group of fewer than EVAL_MIN_SHOWN students
 * (the intervention or the comparison group of the whole sample, of a
 * subgroup or of a standard) is shown anywhere: pages, the command line, the
 * CSV and Excel exports, any API. One rule (eval_shown), applied to a result
 * by eval_suppress_small, which every output calls between eval_run and
 * showing the result. */
#define EVAL_MIN_SHOWN 10

/* True when a result over n_t intervention and n_c comparison students may
 * be shown: each group has EVAL_MIN_SHOWN or more. The dose design compares
 * no groups (users and non-users are one sample along the minutes of use):
 * there the sample as a whole must have EVAL_MIN_SHOWN. */
bool eval_shown(enum eval_design design, double n_t, double n_c);

/* Applies eval_shown to r (filled by eval_run). Each subgroup and standard
 * below it becomes not estimated: ok false, its counts and statistics
 * cleared, why "not shown: fewer than 10 students in a group"; one that was
 * not estimated keeps its reason only when both its groups are known to be
 * large enough, else why says "too little data" (a reason can carry small
 * counts). Returns EB_EPERM with why when the whole sample is below the rule:
 * then nothing of r may be shown. */
enum eb_err eval_suppress_small(struct eval_result *r, char *why, size_t cap);

/* By standard, on the mastery model's estimates (not a test score): for each
 * standard of d (d->std_*), the analysed students (treated >= 0; in the
 * matched design only those in a matched pair, in_match[i] != 0, when
 * in_match is not NULL) with a measured cell are compared on P(mastered)
 * now: OLS p ~ 1 + group + controls, controls = the pretest (when every one
 * of them has it) and the cell's P before the start (missing ones imputed
 * with the mean of the known ones plus a missing flag), constant controls
 * dropped; g = omega * coefficient / unadjusted pooled SD of p, t corrected
 * for clustering in classes (Hedges 2007; ICC from p by the same rule as
 * the outcome, or d->icc). A standard with fewer than EVAL_STD_MIN_GROUP
 * students with a measured cell in a group is listed not estimated.
 * Benjamini-Hochberg across the standards estimated (their own family: a
 * different outcome from the subgroups'). Fills r->nstd and r->std. */
void eval_by_standard(const struct eval_data *d, const char *in_match, struct eval_result *r);

/* The report as `name: value` lines and sentences (the CLI's output). */
void eval_write_report(const struct eval_result *r, const struct eval_data *d, struct buf *out);
/* One plain sentence on the result for a family (no jargon). */
void eval_write_plain(const struct eval_result *r, const char *tool, struct buf *out);
/* The method written out so a researcher can check it. */
void eval_write_method(const struct eval_result *r, struct buf *out);
/* The method in plain words, for a principal or a parent: who was compared
 * with whom on what, what the interval and the tier mean, and what this
 * design cannot rule out. tool and outcome name the tool and the outcome
 * assessment. */
void eval_write_method_plain(const struct eval_result *r, const char *tool, const char *outcome,
			     struct buf *out);

#endif
