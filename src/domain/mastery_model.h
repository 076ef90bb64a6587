/* mastery_model.h - the analytical core of mastery: a probability of mastery
 * per skill (standard) and next-response prediction, fitted on response logs.
 * No SQL here: the store persists the states below and the fitted model.
 *
 * Two layers (see docs/mastery.md):
 * - Bayesian knowledge tracing per skill (prior, learn, forget, guess, slip)
 *   fitted by EM: mastery_skill_probability = P(mastered) given the answers.
 * - A logistic regression in the Best-LR family for P(next answer correct):
 *   item difficulty + skill intercept + per-skill first-attempt shift and
 *   slopes on log(1 + prior right/wrong) + shared weights on history features
 *   (totals, recent rates, streaks, runs, online ability, the BKT logit),
 *   fitted by L2-regularised maximum likelihood with L-BFGS (1 or 2 threads,
 *   same result either way).
 *
 * States are plain structs the caller owns (one per student, one per
 * student x skill) so they can be stored; an update touches only them. */
#ifndef EB_MASTERY_MODEL_H
#define EB_MASTERY_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/kt_data.h"

/* Hyper-parameters; chosen by user-grouped cross-validation on training
 * data (`edbridge mastery cv`), defaults from mastery_params_default. */
struct mastery_params {
	double l2_item;	 /* L2 penalty on item difficulties */
	double l2_skill; /* L2 penalty on skill intercepts and slopes */
	double l2;	 /* L2 penalty on the shared history weights */
	int max_iter;	 /* L-BFGS iterations, >= 1 */
	double tol;	 /* stop when the relative objective decrease < tol */
	int threads;	 /* 1 or 2 */
};

void mastery_params_default(struct mastery_params *hp);

/* One student on one skill. Zero-initialised means "never seen". */
struct mastery_skill_state {
	uint16_t correct, wrong; /* prior responses, saturating */
	uint8_t hist;		 /* last outcomes, bit 0 the most recent */
	uint8_t nhist;		 /* valid bits in hist, <= 8 */
	uint16_t pad;
	float resid; /* sum of (outcome - item success rate) */
	float bkt;   /* BKT P(mastered) before the next attempt;
					 * meaningful once correct + wrong > 0 */
};

/* Bayesian knowledge tracing parameters of one skill (probabilities). */
struct mastery_bkt {
	double prior;  /* P(mastered) before any practice */
	double learn;  /* P(unmastered -> mastered) per attempt */
	double forget; /* P(mastered -> unmastered) per attempt */
	double guess;  /* P(correct | unmastered) */
	double slip;   /* P(wrong | mastered) */
};

/* One BKT step, the known-answer equations: with p = P(mastered) before an
 * attempt, the posterior after outcome y is
 *   y=1: p(1-slip) / (p(1-slip) + (1-p)guess)
 *   y=0: p slip / (p slip + (1-p)(1-guess))
 * and the return value is P(mastered) before the next attempt:
 *   post (1-forget) + (1-post) learn. */
double mastery_bkt_step(const struct mastery_bkt *b, double p, int correct);
/* P(correct) under BKT given P(mastered) p: p(1-slip) + (1-p)guess. */
double mastery_bkt_correct(const struct mastery_bkt *b, double p);

/* Fits BKT parameters by EM (Baum-Welch) on sequences: seq_start[c] ..
 * seq_start[c+1] index y[] for chain c (one student on one skill, in order).
 * Light Beta priors keep the fit away from degenerate corners; guess and
 * slip stay below 0.45 so "mastered" means "more likely right".
 * *b is the starting point and the result. Returns the iterations run. */
int mastery_bkt_fit(const uint8_t *y, const size_t *seq_start, size_t nchains, int max_iter,
		    struct mastery_bkt *b);

/* One student across skills. Zero-initialised means "new student". */
struct mastery_student_state {
	uint32_t correct, wrong;
	uint16_t hist; /* last 16 outcomes, bit 0 the most recent */
	uint8_t nhist;
	uint8_t pad;
	float resid;
	int32_t last_skill;	       /* first skill of the last response, +1 (0 none) */
	uint16_t run_len, run_correct; /* current run of responses on last_skill */
};

/* A response to predict or record, in the model's dense indices
 * (mastery_item_index / mastery_skill_index). item -1 = unknown item (the
 * skill-level default difficulty is used); a skill index -1 or >= the
 * model's skill count = unknown skill (global defaults). */
struct mastery_query {
	int32_t item;
	int nskills; /* 0..KT_MAX_SKILLS */
	int32_t skill[KT_MAX_SKILLS];
};

struct mastery_model;

struct mastery_fit_info {
	int iterations;
	double objective; /* final penalised negative log-likelihood / rows */
	size_t rows, items, skills, features;
	double bkt_seconds, design_seconds, solve_seconds; /* wall time per phase */
};

/* Fits on `train` (users are independent sequences). On success *out is
 * owned by the caller (mastery_free). EB_EINVAL with a reason in err when
 * train is empty; EB_ENOMEM when memory runs out. info may be NULL. */
enum eb_err mastery_fit(const struct kt_dataset *train, const struct mastery_params *hp,
			struct mastery_model **out, struct mastery_fit_info *info, char *err,
			size_t cap);
void mastery_free(struct mastery_model *m);

/* Dense index of a raw id, or -1 when the training data never had it. */
int32_t mastery_item_index(const struct mastery_model *m, int32_t raw_item);
int32_t mastery_skill_index(const struct mastery_model *m, int32_t raw_skill);
size_t mastery_skill_count(const struct mastery_model *m);

/* P(next response correct). sk[k] is the state of q->skill[k] (never NULL). */
double mastery_predict(const struct mastery_model *m, const struct mastery_student_state *st,
		       struct mastery_skill_state *const *sk, const struct mastery_query *q);

/* Records the outcome (0 or 1) into st and each sk[k]; O(nskills), no
 * allocation. */
void mastery_observe(const struct mastery_model *m, struct mastery_student_state *st,
		     struct mastery_skill_state *const *sk, const struct mastery_query *q,
		     int correct);

/* Probability of mastery of skill `skill` (dense index; unknown allowed):
 * the BKT posterior P(mastered) before the next attempt, from this skill's
 * fitted (prior, learn, forget, guess, slip). */
double mastery_skill_probability(const struct mastery_model *m,
				 const struct mastery_student_state *st,
				 const struct mastery_skill_state *sk, int32_t skill);

/* Expected success of the student on an item of average difficulty of the
 * skill, next attempt, from the full logistic model (calibrated on
 * responses): the companion figure to the mastery probability. */
double mastery_skill_expected_correct(const struct mastery_model *m,
				      const struct mastery_student_state *st,
				      const struct mastery_skill_state *sk, int32_t skill);

/* Raw id of dense skill s (s < mastery_skill_count), and the default
 * difficulty weight (logits; higher = easier) of its items. */
int32_t mastery_skill_raw_id(const struct mastery_model *m, int32_t skill);
double mastery_skill_item_weight(const struct mastery_model *m, int32_t skill);

/* The fitted BKT parameters of a skill (global averages when unknown). */
struct mastery_bkt mastery_skill_bkt(const struct mastery_model *m, int32_t skill);

/* Online evaluation: for every row of `test` in order, p[i] = prediction from
 * that user's earlier test rows only, then the row is observed. Unknown
 * items and skills get the defaults. p has test->n entries. */
enum eb_err mastery_predict_dataset(const struct mastery_model *m, const struct kt_dataset *test,
				    double *p);

/* Serialisation for the store: a self-contained little-endian byte string
 * (magic "EBMM", format version, counts, then every fitted array).
 * encode: *out is malloc'd and owned by the caller; EB_ENOMEM on failure.
 * decode: validates sizes and counts; EB_EPARSE on a malformed or truncated
 * string, EB_ENOMEM; *out owned by the caller (mastery_free). */
enum eb_err mastery_model_encode(const struct mastery_model *m, uint8_t **out, size_t *len);
enum eb_err mastery_model_decode(const uint8_t *buf, size_t len, struct mastery_model **out);

/* Known-answer helpers, exported for tests and documentation. */
double mastery_sigmoid(double z);
/* Weight vector access for tests: bias, item difficulty of dense item i. */
double mastery_weight_bias(const struct mastery_model *m);
double mastery_weight_item(const struct mastery_model *m, int32_t item);

#endif
