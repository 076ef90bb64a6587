/* test_mastery_model.c - the mastery model: update equations by hand,
 * parameter recovery on simulated data, degenerate and bad inputs, and (when
 * ../shared/data is present) the ASSISTments 2009 split. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/rng.h"
#include "base/stats_metrics.h"
/* Included for its statics (a hand-built model). */
#include "domain/mastery_model.c"

#define FIX "tests/fixtures/kt/"

/* ---- known answers ---- */

/* A model with one item and one skill whose weights are set by hand. */
struct hand_model {
	struct mastery_model m;
	double w[1 + F_NDENSE + 4 + 1];
	float item_rate[1], skill_rate[1];
	double skill_item_w[2];
};

static void hand_model_init(struct hand_model *h)
{
	memset(h, 0, sizeof *h);
	struct mastery_model *m = &h->m;
	m->nitems = 1, m->nskills = 1;
	m->off_dense = 1;
	m->off_skill = 1 + F_NDENSE;
	m->off_skc = m->off_skill + 1;
	m->off_skw = m->off_skc + 1;
	m->off_skf = m->off_skw + 1;
	m->off_item = m->off_skf + 1;
	m->nfeat = m->off_item + 1;
	m->w = h->w;
	m->item_rate = h->item_rate;
	m->skill_rate = h->skill_rate;
	m->skill_item_w = h->skill_item_w;
	h->item_rate[0] = 0.7f;
	h->skill_rate[0] = 0.6f;
	m->global_rate = 0.65;
	h->w[0] = 0.2;		  /* bias */
	h->w[m->off_item] = -0.5; /* item difficulty */
	h->w[m->off_skill] = 0.3; /* skill intercept */
	h->w[m->off_skc] = 0.4;	  /* skill x log(1+correct) */
	h->w[m->off_skw] = -0.6;  /* skill x log(1+wrong) */
	h->w[m->off_dense + F_SK_RATE3] = 1.5;
	h->w[m->off_dense + F_ABILITY] = 2.0;
	h->w[m->off_dense + F_RUN_LEN] = 0.25;
	h->skill_item_w[0] = -0.1; /* default difficulty of the skill */
	m->global_item_w = 0.05;
}

static void test_logistic_prediction_by_hand(void **state)
{
	struct hand_model h;
	hand_model_init(&h);
	/* history on the skill: wrong, correct, correct (most recent last) */
	struct mastery_skill_state s = {
		.correct = 2, .wrong = 1, .hist = 0x3, .nhist = 3, .resid = 0.5f
	};
	struct mastery_student_state st = { .correct = 2,
					    .wrong = 1,
					    .hist = 0x3,
					    .nhist = 3,
					    .resid = 0.5f,
					    .last_skill = 1,
					    .run_len = 3,
					    .run_correct = 2 };
	struct mastery_skill_state *sk[1] = { &s };
	struct mastery_query q = { .item = 0, .nskills = 1, .skill = { 0 } };
	double z = 0.2 - 0.5 + 0.3 + 0.4 * log(3) - 0.6 * log(2) + 1.5 * (2.0 / 3) +
		   2.0 * (0.5 / (3 + 5)) + 0.25 * log(4);
	assert_true(fabs(mastery_predict(&h.m, &st, sk, &q) - 1 / (1 + exp(-z))) < 1e-6);

	/* unknown item: the skill's default difficulty replaces the item weight */
	q.item = -1;
	double zu = z + 0.5 - 0.1;
	assert_true(fabs(mastery_predict(&h.m, &st, sk, &q) - 1 / (1 + exp(-zu))) < 1e-6);
	/* expected success on an average item of the skill = the same */
	assert_true(fabs(mastery_skill_expected_correct(&h.m, &st, &s, 0) - 1 / (1 + exp(-zu))) <
		    1e-6);

	/* unknown skill: no skill weights, global default difficulty, and the
	 * run feature does not apply (the run was on skill 0) */
	struct mastery_query qx = { .item = -1, .nskills = 1, .skill = { 7 } };
	double zx = 0.2 + 0.05 + 1.5 * (2.0 / 3) + 2.0 * (0.5 / 8);
	assert_true(fabs(mastery_predict(&h.m, &st, sk, &qx) - 1 / (1 + exp(-zx))) < 1e-6);

	assert_true(fabs(mastery_sigmoid(0) - 0.5) < 1e-15);
	assert_true(mastery_sigmoid(-800) >= 0 && mastery_sigmoid(800) <= 1);
}

static void test_observe_by_hand(void **state)
{
	struct hand_model h;
	hand_model_init(&h);
	struct mastery_skill_state s = { 0 };
	struct mastery_student_state st = { 0 };
	struct mastery_skill_state *sk[1] = { &s };
	struct mastery_query q = { .item = 0, .nskills = 1, .skill = { 0 } };
	mastery_observe(&h.m, &st, sk, &q, 0); /* wrong on an item with rate .7 */
	mastery_observe(&h.m, &st, sk, &q, 1); /* right */
	assert_int_equal(s.correct, 1);
	assert_int_equal(s.wrong, 1);
	assert_int_equal(s.hist, 0x1); /* most recent (right) in bit 0 */
	assert_int_equal(s.nhist, 2);
	assert_true(fabs(s.resid - (-0.7f + 0.3f)) < 1e-6);
	assert_int_equal(st.correct, 1);
	assert_int_equal(st.run_len, 2);
	assert_int_equal(st.run_correct, 1);
	assert_int_equal(st.last_skill, 1);
	/* an unknown item uses its skill's rate .6 */
	q.item = -1;
	mastery_observe(&h.m, &st, sk, &q, 1);
	assert_true(fabs(s.resid - (-0.4f + 0.4f)) < 1e-6);
	/* counts saturate instead of wrapping */
	s.correct = UINT16_MAX;
	mastery_observe(&h.m, &st, sk, &q, 1);
	assert_int_equal(s.correct, UINT16_MAX);
	assert_int_equal(s.nhist, 4);
	for (int i = 0; i < 10; i++)
		mastery_observe(&h.m, &st, sk, &q, 1);
	assert_int_equal(s.nhist, 8);
}

static void test_bkt_step_by_hand(void **state)
{
	struct mastery_bkt b = {
		.prior = 0.3, .learn = 0.1, .forget = 0.05, .guess = 0.2, .slip = 0.1
	};
	/* right: posterior .3*.9 / (.3*.9 + .7*.2) = .27/.41, then
	 * next = post*.95 + (1-post)*.1 */
	double post = 0.27 / 0.41;
	assert_true(fabs(mastery_bkt_step(&b, 0.3, 1) - (post * 0.95 + (1 - post) * 0.1)) < 1e-12);
	assert_true(fabs(mastery_bkt_step(&b, 0.3, 1) - 0.6597561) < 1e-6);
	/* wrong: .3*.1 / (.3*.1 + .7*.8) = .03/.59 */
	post = 0.03 / 0.59;
	assert_true(fabs(mastery_bkt_step(&b, 0.3, 0) - (post * 0.95 + (1 - post) * 0.1)) < 1e-12);
	assert_true(fabs(mastery_bkt_step(&b, 0.3, 0) - 0.1432203) < 1e-6);
	/* P(correct) = p(1-slip) + (1-p)guess */
	assert_true(fabs(mastery_bkt_correct(&b, 0.3) - (0.27 + 0.14)) < 1e-12);

	/* through the model: the first attempt starts from the prior */
	struct hand_model h;
	hand_model_init(&h);
	struct mastery_bkt bk[2] = { b, b };
	h.m.bkt = bk;
	struct mastery_skill_state s = { 0 };
	struct mastery_student_state st = { 0 };
	struct mastery_skill_state *sk[1] = { &s };
	struct mastery_query q = { .item = 0, .nskills = 1, .skill = { 0 } };
	assert_true(fabs(mastery_skill_probability(&h.m, &st, &s, 0) - 0.3) < 1e-12);
	mastery_observe(&h.m, &st, sk, &q, 1);
	assert_true(fabs(mastery_skill_probability(&h.m, &st, &s, 0) - 0.6597561) < 1e-6);
	mastery_observe(&h.m, &st, sk, &q, 0);
	double p2 = mastery_bkt_step(&b, mastery_bkt_step(&b, 0.3, 1), 0);
	assert_true(fabs(mastery_skill_probability(&h.m, &st, &s, 0) - p2) < 1e-6);
}

/* BKT recovery: data generated by a known BKT process, fitted through
 * mastery_fit; the parameters come back within the stated tolerances and the
 * mastery probability separates the true latent states. */
static void test_bkt_recovery(void **state)
{
	const struct mastery_bkt truth = {
		.prior = 0.3, .learn = 0.15, .forget = 0.03, .guess = 0.2, .slip = 0.1
	};
	enum { USERS = 3000, LEN = 20 };
	struct rng r;
	rng_seed(&r, 7);
	struct kt_dataset d = { 0 };
	d.n = USERS * LEN, d.nusers = USERS;
	d.rows = calloc(d.n, sizeof *d.rows);
	d.user_start = calloc(USERS + 1, sizeof *d.user_start);
	uint8_t *latent = malloc(d.n);
	assert_non_null(d.rows);
	assert_non_null(latent);
	for (int u = 0; u < USERS; u++) {
		int L = rng_bernoulli(&r, truth.prior);
		d.user_start[u] = (size_t)u * LEN;
		for (int t = 0; t < LEN; t++) {
			size_t i = (size_t)u * LEN + t;
			struct kt_response *x = &d.rows[i];
			x->user = u;
			x->item = (int32_t)rng_below(&r, 40);
			x->skill[0] = 3, x->nskills = 1;
			latent[i] = (uint8_t)L;
			x->correct = (uint8_t)rng_bernoulli(&r, L ? 1 - truth.slip : truth.guess);
			L = L ? !rng_bernoulli(&r, truth.forget) : rng_bernoulli(&r, truth.learn);
		}
	}
	d.user_start[USERS] = d.n;
	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m;
	char err[128];
	assert_int_equal(mastery_fit(&d, &hp, &m, NULL, err, sizeof err), EB_OK);
	struct mastery_bkt b = mastery_skill_bkt(m, mastery_skill_index(m, 3));
	printf("# bkt recovered: prior %.3f learn %.3f forget %.3f guess %.3f slip %.3f\n", b.prior,
	       b.learn, b.forget, b.guess, b.slip);
	assert_true(fabs(b.prior - truth.prior) < 0.05);
	assert_true(fabs(b.learn - truth.learn) < 0.03);
	assert_true(fabs(b.forget - truth.forget) < 0.02);
	assert_true(fabs(b.guess - truth.guess) < 0.03);
	assert_true(fabs(b.slip - truth.slip) < 0.03);

	/* mastery (before each attempt) against the true latent state */
	double *p = malloc(d.n * sizeof *p);
	int32_t s = mastery_skill_index(m, 3);
	for (int u = 0; u < USERS; u++) {
		struct mastery_student_state st = { 0 };
		struct mastery_skill_state ss = { 0 };
		struct mastery_skill_state *sk[1] = { &ss };
		for (int t = 0; t < LEN; t++) {
			size_t i = (size_t)u * LEN + t;
			struct mastery_query q = { .item = mastery_item_index(m, d.rows[i].item),
						   .nskills = 1,
						   .skill = { s } };
			p[i] = mastery_skill_probability(m, &st, &ss, s);
			mastery_observe(m, &st, sk, &q, d.rows[i].correct);
		}
	}
	/* the same filter run with the true parameters: the best any estimate of
	 * the state before the attempt can do on this process */
	double *po = malloc(d.n * sizeof *po);
	for (int u = 0; u < USERS; u++) {
		double pm = truth.prior;
		for (int t = 0; t < LEN; t++) {
			size_t i = (size_t)u * LEN + t;
			po[i] = pm;
			pm = mastery_bkt_step(&truth, pm, d.rows[i].correct);
		}
	}
	double auc, oracle;
	assert_int_equal(stats_auc(p, latent, d.n, &auc), EB_OK);
	assert_int_equal(stats_auc(po, latent, d.n, &oracle), EB_OK);
	printf("# bkt mastery vs latent state: auc %.4f (true parameters: %.4f)\n", auc, oracle);
	assert_true(auc >= 0.88);
	assert_true(auc >= oracle - 0.002);
	free(po);
	free(p);
	free(latent);
	mastery_free(m);
	kt_free(&d);
}

/* ---- parameter recovery ---- */

/* Data from a known logistic learning process: item difficulty b_i, and
 * log-odds growing with prior practice on the skill:
 *   z = -0.2 + b_i + 0.7 log(1 + prior correct) - 0.5 log(1 + prior wrong) */
#define SIM_ITEMS 30
#define SIM_USERS 3000
#define SIM_LEN 16

static double sim_z(double b, int c, int w)
{
	return -0.2 + b + 0.7 * log1p(c) - 0.5 * log1p(w);
}

static void test_parameter_recovery(void **state)
{
	struct rng r;
	rng_seed(&r, 42);
	double b[SIM_ITEMS];
	for (int i = 0; i < SIM_ITEMS; i++)
		b[i] = 0.8 * rng_normal(&r);
	struct kt_dataset d = { 0 };
	d.n = SIM_USERS * SIM_LEN;
	d.nusers = SIM_USERS;
	d.rows = calloc(d.n, sizeof *d.rows);
	d.user_start = calloc(d.nusers + 1, sizeof *d.user_start);
	assert_non_null(d.rows);
	assert_non_null(d.user_start);
	for (int u = 0; u < SIM_USERS; u++) {
		int c = 0, w = 0;
		d.user_start[u] = (size_t)u * SIM_LEN;
		for (int t = 0; t < SIM_LEN; t++) {
			struct kt_response *x = &d.rows[u * SIM_LEN + t];
			x->user = u;
			x->item = (int32_t)rng_below(&r, SIM_ITEMS);
			x->skill[0] = 1;
			x->nskills = 1;
			x->line = (uint32_t)(u * SIM_LEN + t + 2);
			x->correct = (uint8_t)rng_bernoulli(
				&r, mastery_sigmoid(sim_z(b[x->item], c, w)));
			c += x->correct, w += !x->correct;
		}
	}
	d.user_start[SIM_USERS] = d.n;
	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m;
	char err[128];
	assert_int_equal(mastery_fit(&d, &hp, &m, NULL, err, sizeof err), EB_OK);

	/* item difficulties up to the shared offset: within 0.2 logits (about
	 * 3.5 standard errors with 1,600 responses per item) */
	double mb = 0, mw = 0;
	for (int i = 0; i < SIM_ITEMS; i++)
		mb += b[i], mw += mastery_weight_item(m, mastery_item_index(m, i));
	mb /= SIM_ITEMS, mw /= SIM_ITEMS;
	double worst = 0;
	for (int i = 0; i < SIM_ITEMS; i++) {
		double e =
			fabs((mastery_weight_item(m, mastery_item_index(m, i)) - mw) - (b[i] - mb));
		worst = e > worst ? e : worst;
	}
	printf("# recovery: worst item difficulty error %.3f logits\n", worst);
	assert_true(worst < 0.2);

	/* the learning curve: predicted vs true probability along histories of
	 * c right then w wrong, within 0.04 */
	int32_t s = mastery_skill_index(m, 1);
	double worst_p = 0;
	for (int c = 0; c <= 6; c++)
		for (int w = 0; w <= 3; w++) {
			struct mastery_student_state st = { 0 };
			struct mastery_skill_state ss = { 0 };
			struct mastery_skill_state *sk[1] = { &ss };
			struct mastery_query q = { .item = mastery_item_index(m, 3),
						   .nskills = 1,
						   .skill = { s } };
			for (int k = 0; k < c; k++)
				mastery_observe(m, &st, sk, &q, 1);
			for (int k = 0; k < w; k++)
				mastery_observe(m, &st, sk, &q, 0);
			double e = fabs(mastery_predict(m, &st, sk, &q) -
					mastery_sigmoid(sim_z(b[3], c, w)));
			worst_p = e > worst_p ? e : worst_p;
		}
	printf("# recovery: worst learning-curve probability error %.3f\n", worst_p);
	assert_true(worst_p < 0.04);

	/* the fit is the same bit for bit on 1 or 2 threads */
	struct mastery_model *m1;
	hp.threads = 1;
	assert_int_equal(mastery_fit(&d, &hp, &m1, NULL, err, sizeof err), EB_OK);
	assert_true(mastery_weight_bias(m1) == mastery_weight_bias(m));
	for (int i = 0; i < SIM_ITEMS; i++)
		assert_true(mastery_weight_item(m1, i) == mastery_weight_item(m, i));
	mastery_free(m1);
	mastery_free(m);
	kt_free(&d);
}

/* ---- degenerate inputs ---- */

static struct kt_dataset make_seq(int n, int pattern)
{
	struct kt_dataset d = { 0 };
	d.n = (size_t)n, d.nusers = 1;
	d.rows = calloc((size_t)n, sizeof *d.rows);
	d.user_start = calloc(2, sizeof *d.user_start);
	for (int i = 0; i < n; i++) {
		d.rows[i].user = 1;
		d.rows[i].item = i % 3;
		d.rows[i].skill[0] = 9, d.rows[i].nskills = 1;
		d.rows[i].correct = (uint8_t)(pattern == 2 ? i % 2 : pattern);
	}
	d.user_start[1] = (size_t)n;
	return d;
}

static void check_fit_sane(struct kt_dataset *d, double lo, double hi)
{
	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m;
	char err[128];
	assert_int_equal(mastery_fit(d, &hp, &m, NULL, err, sizeof err), EB_OK);
	double *p = calloc(d->n, sizeof *p);
	assert_int_equal(mastery_predict_dataset(m, d, p), EB_OK);
	for (size_t i = 0; i < d->n; i++) {
		assert_true(isfinite(p[i]));
		if (!(p[i] > lo && p[i] < hi))
			fail_msg("n %zu row %zu: p %g not in (%g, %g)", d->n, i, p[i], lo, hi);
	}
	/* a skill never seen, an item never seen */
	struct mastery_student_state st = { 0 };
	struct mastery_skill_state ss = { 0 };
	struct mastery_skill_state *sk[1] = { &ss };
	struct mastery_query q = { .item = -1, .nskills = 1, .skill = { 12345 } };
	double pu = mastery_predict(m, &st, sk, &q);
	assert_true(pu > lo && pu < hi);
	assert_true(isfinite(mastery_skill_probability(m, &st, &ss, -1)));
	free(p);
	mastery_free(m);
	kt_free(d);
}

static void test_degenerate(void **state)
{
	struct kt_dataset d = make_seq(1, 1); /* one response */
	check_fit_sane(&d, 0, 1);
	d = make_seq(50, 1); /* all correct */
	check_fit_sane(&d, 0.8, 1);
	d = make_seq(50, 0); /* all wrong */
	check_fit_sane(&d, 0, 0.2);
	d = make_seq(50, 2); /* alternating: deterministic, so fitted as such */
	check_fit_sane(&d, 0, 1);
	struct kt_dataset empty = { 0 };
	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m;
	char err[128];
	assert_int_equal(mastery_fit(&empty, &hp, &m, NULL, err, sizeof err), EB_EINVAL);
	assert_non_null(strstr(err, "no training responses"));
}

static void test_multi_skill_and_order(void **state)
{
	struct kt_dataset d;
	char err[256];
	assert_int_equal(kt_load(FIX "multi_skill.tsv", &d, err, sizeof err), EB_OK);
	/* the two tags of one interaction become one response with two skills */
	assert_int_equal(d.n, 3);
	assert_int_equal(d.nusers, 2);
	assert_int_equal(d.rows[0].nskills, 2);
	assert_int_equal(d.rows[0].skill[0], 5);
	assert_int_equal(d.rows[0].skill[1], 6);
	assert_int_equal(d.rows[1].nskills, 1);
	assert_int_equal(d.rows[2].nskills, 2);
	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m;
	assert_int_equal(mastery_fit(&d, &hp, &m, NULL, err, sizeof err), EB_OK);
	double p[3];
	assert_int_equal(mastery_predict_dataset(m, &d, p), EB_OK);
	for (int i = 0; i < 3; i++)
		assert_true(p[i] > 0 && p[i] < 1);
	mastery_free(m);
	kt_free(&d);

	/* timestamps order each user's rows; users keep first-appearance order */
	assert_int_equal(kt_load(FIX "timestamps.tsv", &d, err, sizeof err), EB_OK);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.rows[0].item, 12);
	assert_int_equal(d.rows[1].item, 10);
	assert_int_equal(d.rows[2].user, 2);
	assert_int_equal(d.user_start[1], 2);
	kt_free(&d);
}

static void test_tiny_eval(void **state)
{
	struct kt_dataset tr, te;
	char err[256];
	assert_int_equal(kt_load(FIX "train.tsv", &tr, err, sizeof err), EB_OK);
	assert_int_equal(kt_load(FIX "test.tsv", &te, err, sizeof err), EB_OK);
	assert_int_equal(kt_check_disjoint(&tr, &te, err, sizeof err), EB_OK);
	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m;
	assert_int_equal(mastery_fit(&tr, &hp, &m, NULL, err, sizeof err), EB_OK);
	assert_int_equal(mastery_skill_count(m), 3);
	assert_int_equal(mastery_skill_index(m, 42), -1); /* only in test */
	assert_int_equal(mastery_item_index(m, 99), -1);
	double p[3];
	assert_int_equal(mastery_predict_dataset(m, &te, p), EB_OK);
	for (int i = 0; i < 3; i++)
		assert_true(p[i] > 0 && p[i] < 1);
	mastery_free(m);
	kt_free(&tr);
	kt_free(&te);
}

/* Encode, decode: the same predictions bit for bit; every truncation and a
 * flipped magic are refused. */
static void test_serialise_roundtrip(void **state)
{
	struct kt_dataset tr, te;
	char err[256];
	assert_int_equal(kt_load(FIX "train.tsv", &tr, err, sizeof err), EB_OK);
	assert_int_equal(kt_load(FIX "test.tsv", &te, err, sizeof err), EB_OK);
	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m, *m2;
	assert_int_equal(mastery_fit(&tr, &hp, &m, NULL, err, sizeof err), EB_OK);
	uint8_t *blob;
	size_t len;
	assert_int_equal(mastery_model_encode(m, &blob, &len), EB_OK);
	assert_int_equal(mastery_model_decode(blob, len, &m2), EB_OK);
	double p1[3], p2[3];
	assert_int_equal(mastery_predict_dataset(m, &te, p1), EB_OK);
	assert_int_equal(mastery_predict_dataset(m2, &te, p2), EB_OK);
	for (int i = 0; i < 3; i++)
		assert_true(p1[i] == p2[i]);
	assert_int_equal(mastery_skill_index(m2, 6), mastery_skill_index(m, 6));
	struct mastery_bkt a = mastery_skill_bkt(m, 0), b = mastery_skill_bkt(m2, 0);
	assert_true(a.learn == b.learn && a.slip == b.slip);
	mastery_free(m2);
	for (size_t n = 0; n < len; n++) {
		m2 = (void *)1;
		assert_int_equal(mastery_model_decode(blob, n, &m2), EB_EPARSE);
		assert_null(m2);
	}
	blob[0] ^= 1;
	assert_int_equal(mastery_model_decode(blob, len, &m2), EB_EPARSE);
	free(blob);
	mastery_free(m);
	kt_free(&tr);
	kt_free(&te);
}

/* ---- bad input, by error text ---- */

static void expect_load_error(const char *file, enum eb_err want, const char *text)
{
	struct kt_dataset d;
	char err[512] = "";
	assert_int_equal(kt_load(file, &d, err, sizeof err), want);
	if (!strstr(err, text))
		fail_msg("%s: got '%s', want '%s'", file, err, text);
	assert_null(d.rows);
}

static void test_bad_input(void **state)
{
	expect_load_error(FIX "missing_column.tsv", EB_EPARSE,
			  "missing_column.tsv:1: header lacks column 'skill_id'");
	expect_load_error(FIX "nonbinary.tsv", EB_EPARSE,
			  "nonbinary.tsv:3: column 'correct': '2' is not 0 or 1");
	expect_load_error(FIX "short_row.tsv", EB_EPARSE,
			  "short_row.tsv:3: expected 5 tab-separated columns");
	expect_load_error(FIX "empty.tsv", EB_EPARSE, "empty.tsv: empty file");
	expect_load_error(FIX "header_only.tsv", EB_EPARSE, "no responses after the header");
	expect_load_error(FIX "no_such_file.tsv", EB_EIO, "no_such_file.tsv: cannot open");

	struct kt_dataset tr, te;
	char err[256];
	assert_int_equal(kt_load(FIX "train.tsv", &tr, err, sizeof err), EB_OK);
	assert_int_equal(kt_load(FIX "test_shares_user.tsv", &te, err, sizeof err), EB_OK);
	assert_int_equal(kt_check_disjoint(&tr, &te, err, sizeof err), EB_ECONFLICT);
	assert_string_equal(err, "test file shares user 2 with train (line 3)");
	kt_free(&tr);
	kt_free(&te);

	char bad[] = "user_id\titem_id\tcorrect\tskill_id\n1\t-4\t1\t2\n";
	char e2[256];
	struct kt_dataset d;
	assert_int_equal(kt_parse("mem", bad, sizeof bad - 1, &d, e2, sizeof e2), EB_EPARSE);
	assert_non_null(strstr(e2, "mem:2: column 'item_id'"));
}

/* ---- the real split, when present ---- */

static void test_assistments09(void **state)
{
	const char *tr_path = "../shared/data/kt/assistments09/train.tsv";
	const char *te_path = "../shared/data/kt/assistments09/test.tsv";
	if (access(tr_path, R_OK) != 0) {
		printf("skipped: ../shared/data absent\n");
		skip();
	}
	struct kt_dataset tr, te;
	char err[256];
	assert_int_equal(kt_load(tr_path, &tr, err, sizeof err), EB_OK);
	assert_int_equal(kt_load(te_path, &te, err, sizeof err), EB_OK);
	assert_int_equal(tr.n, 220070);
	assert_int_equal(kt_check_disjoint(&tr, &te, err, sizeof err), EB_OK);
	struct mastery_params hp;
	mastery_params_default(&hp);
	struct mastery_model *m;
	assert_int_equal(mastery_fit(&tr, &hp, &m, NULL, err, sizeof err), EB_OK);
	double *p = malloc(te.n * sizeof *p);
	uint8_t *y = malloc(te.n);
	assert_int_equal(mastery_predict_dataset(m, &te, p), EB_OK);
	for (size_t i = 0; i < te.n; i++)
		y[i] = te.rows[i].correct;
	struct stats_binary sb;
	assert_int_equal(stats_binary_eval(p, y, te.n, &sb), EB_OK);
	printf("# assistments09 test: auc %.4f ece %.4f\n", sb.auc, sb.ece);
	/* a regression guard a little under the measured figure */
	assert_true(sb.auc > 0.775);
	assert_true(sb.ece < 0.02);
	free(p);
	free(y);
	mastery_free(m);
	kt_free(&tr);
	kt_free(&te);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logistic_prediction_by_hand),
		cmocka_unit_test(test_observe_by_hand),
		cmocka_unit_test(test_bkt_step_by_hand),
		cmocka_unit_test(test_bkt_recovery),
		cmocka_unit_test(test_parameter_recovery),
		cmocka_unit_test(test_degenerate),
		cmocka_unit_test(test_multi_skill_and_order),
		cmocka_unit_test(test_tiny_eval),
		cmocka_unit_test(test_serialise_roundtrip),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_assistments09),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
