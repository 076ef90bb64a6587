/* mastery_model.c - see mastery_model.h and docs/mastery.md. */
#include "domain/mastery_model.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Shared (dense) history features, in this order after the bias. */
enum {
	F_SK_LOGC,    /* log(1 + prior correct on the skill) */
	F_SK_LOGW,    /* log(1 + prior wrong on the skill) */
	F_LOGC,	      /* log(1 + prior correct, all skills) */
	F_LOGW,	      /* log(1 + prior wrong, all skills) */
	F_SK_FIRST,   /* first attempt on the skill */
	F_SK_RATE3,   /* success rate over the last <= 3 attempts on the skill */
	F_SK_RATE8,   /* ... last <= 8 */
	F_SK_LAST,    /* last attempt on the skill was correct */
	F_RATE5,      /* success rate over the last <= 5 responses */
	F_RATE16,     /* ... last <= 16 */
	F_LAST,	      /* last response was correct */
	F_ABILITY,    /* sum(outcome - item rate) / (n + 5) */
	F_SK_ABILITY, /* same on the skill, / (n_s + 2) */
	F_SK_STREAK,  /* consecutive correct on the skill, /8 */
	F_NEW,	      /* no prior response at all */
	F_RUN_LEN,    /* log(1 + length of the current run on this skill) */
	F_RUN_RATE,   /* success rate within that run */
	F_SK_WSTREAK, /* consecutive wrong on the skill, /8 */
	F_BKT,	      /* logit of the BKT P(correct) */
	F_ABIL_FIRST, /* overall ability on a first attempt at the skill */
	F_RATE_FIRST, /* recent overall success rate on a first attempt at the skill */
	F_ABIL_DECAY, /* overall ability / (1 + attempts on the skill) */
	F_NDENSE
};

#define MASTERY_MAX_NNZ (1 + F_NDENSE + 4 * KT_MAX_SKILLS + 1)
#define ITEM_RATE_PRIOR 5.0 /* pseudo-responses shrinking an item's rate to its skill's */

struct mastery_model {
	struct kt_idmap items, skills;
	size_t nitems, nskills, nfeat;
	/* layout: [0] bias, [1, 1+F_NDENSE) shared, then skill intercepts,
	 * skill x log(1+c), skill x log(1+w), item difficulties */
	size_t off_dense, off_skill, off_skc, off_skw, off_skf, off_item;
	double *w;
	float *item_rate;     /* smoothed training success rate per item */
	float *skill_rate;    /* per skill */
	double *skill_item_w; /* response-weighted mean item weight per skill */
	double global_rate, global_item_w;
	struct mastery_bkt *bkt; /* nskills + 1: the last one for unknown skills */
};

void mastery_params_default(struct mastery_params *hp)
{
	hp->l2_item = 1.5;
	hp->l2_skill = 3.0;
	hp->l2 = 0.1;
	hp->max_iter = 200;
	hp->tol = 3e-6;
	hp->threads = 2;
}

double mastery_sigmoid(double z)
{
	if (z >= 0)
		return 1.0 / (1.0 + exp(-z));
	double e = exp(z);
	return e / (1.0 + e);
}

static enum eb_err mfail(char *err, size_t cap, enum eb_err rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static enum eb_err mfail(char *err, size_t cap, enum eb_err rc, const char *fmt, ...)
{
	if (err && cap) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, cap, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static double wall_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- Bayesian knowledge tracing ---- */

double mastery_bkt_correct(const struct mastery_bkt *b, double p)
{
	return p * (1 - b->slip) + (1 - p) * b->guess;
}

double mastery_bkt_step(const struct mastery_bkt *b, double p, int correct)
{
	double r = correct ? p * (1 - b->slip) : p * b->slip;
	double u = correct ? (1 - p) * b->guess : (1 - p) * (1 - b->guess);
	double post = r + u > 0 ? r / (r + u) : p;
	return post * (1 - b->forget) + (1 - post) * b->learn;
}

static const struct mastery_bkt *bkt_of(const struct mastery_model *m, int32_t s)
{
	return &m->bkt[s >= 0 && (size_t)s < m->nskills ? (size_t)s : m->nskills];
}

/* P(mastered) now: the prior until the first attempt. */
static double bkt_state(const struct mastery_model *m, const struct mastery_skill_state *s,
			int32_t skill)
{
	return s->correct + s->wrong ? s->bkt : bkt_of(m, skill)->prior;
}

/* Beta prior pseudo-counts (weight, mean) per parameter. */
#define BKT_PRIOR_W 2.0
static const struct mastery_bkt bkt_prior_mean = { 0.5, 0.1, 0.02, 0.2, 0.1 };

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

int mastery_bkt_fit(const uint8_t *y, const size_t *seq_start, size_t nchains, int max_iter,
		    struct mastery_bkt *b)
{
	size_t maxlen = 0;
	for (size_t c = 0; c < nchains; c++)
		if (seq_start[c + 1] - seq_start[c] > maxlen)
			maxlen = seq_start[c + 1] - seq_start[c];
	if (!maxlen)
		return 0;
	double *al = malloc(maxlen * 2 * sizeof *al), *sc = malloc(maxlen * sizeof *sc);
	if (!al || !sc) {
		free(al);
		free(sc);
		return 0;
	}
	double prev_ll = -INFINITY;
	int it;
	for (it = 0; it < max_iter; it++) {
		double n_pi1 = 0, n_pi = 0, x01 = 0, g0 = 0, x10 = 0, g1 = 0;
		double e0y = 0, e0 = 0, e1n = 0, e1 = 0, ll = 0;
		double T = b->learn, F = b->forget, G = b->guess, S = b->slip;
		for (size_t c = 0; c < nchains; c++) {
			const uint8_t *yc = y + seq_start[c];
			size_t n = seq_start[c + 1] - seq_start[c];
			/* forward, scaled: al[2t] = P(L_t = 0 | y_0..t), al[2t+1] = mastered */
			double p1 = b->prior;
			for (size_t t = 0; t < n; t++) {
				if (t)
					p1 = al[2 * t - 1] * (1 - F) + al[2 * t - 2] * T;
				double a1 = p1 * (yc[t] ? 1 - S : S);
				double a0 = (1 - p1) * (yc[t] ? G : 1 - G);
				double z = a0 + a1;
				z = z > 1e-300 ? z : 1e-300;
				al[2 * t] = a0 / z, al[2 * t + 1] = a1 / z, sc[t] = z;
				ll += log(z);
			}
			/* backward with expected counts */
			double b0 = 1, b1 = 1;
			for (size_t t = n; t-- > 0;) {
				double gm0 = al[2 * t] * b0, gm1 = al[2 * t + 1] * b1;
				double gz = gm0 + gm1;
				gm0 /= gz, gm1 /= gz;
				e0 += gm0, e1 += gm1;
				e0y += gm0 * yc[t], e1n += gm1 * (1 - yc[t]);
				if (t == 0) {
					n_pi1 += gm1, n_pi += 1;
					break;
				}
				/* transitions t-1 -> t */
				double em0 = yc[t] ? G : 1 - G, em1 = yc[t] ? 1 - S : S;
				double a0 = al[2 * t - 2], a1 = al[2 * t - 1];
				double x00 = a0 * (1 - T) * em0 * b0, xx01 = a0 * T * em1 * b1;
				double xx10 = a1 * F * em0 * b0, x11 = a1 * (1 - F) * em1 * b1;
				double xz = x00 + xx01 + xx10 + x11;
				x01 += xx01 / xz, g0 += (x00 + xx01) / xz;
				x10 += xx10 / xz, g1 += (xx10 + x11) / xz;
				double nb0 = ((1 - T) * em0 * b0 + T * em1 * b1) / sc[t];
				double nb1 = (F * em0 * b0 + (1 - F) * em1 * b1) / sc[t];
				double nz = nb0 + nb1; /* rescale: only ratios matter */
				b0 = nb0 / nz, b1 = nb1 / nz;
			}
		}
		const double w = BKT_PRIOR_W;
		const struct mastery_bkt *pm = &bkt_prior_mean;
		b->prior = clampd((n_pi1 + w * pm->prior) / (n_pi + w), 1e-4, 1 - 1e-4);
		b->learn = clampd((x01 + w * pm->learn) / (g0 + w), 1e-4, 1 - 1e-4);
		b->forget = clampd((x10 + w * pm->forget) / (g1 + w), 0, 0.5);
		b->guess = clampd((e0y + w * pm->guess) / (e0 + w), 1e-4, 0.45);
		b->slip = clampd((e1n + w * pm->slip) / (e1 + w), 1e-4, 0.45);
		if (ll - prev_ll < 1e-6 * fabs(ll))
			break;
		prev_ll = ll;
	}
	free(al);
	free(sc);
	return it + 1;
}

/* ---- features ---- */

static double rate_bits(uint32_t hist, int nhist, int window)
{
	int k = nhist < window ? nhist : window;
	if (k == 0)
		return 0;
	return (double)__builtin_popcount(hist & ((1u << k) - 1)) / k;
}

static int skill_known(const struct mastery_model *m, int32_t s)
{
	return s >= 0 && (size_t)s < m->nskills;
}

/* Fills (idx, val) with the sparse features of q given the states; returns
 * the count. The item column is left out when the item is unknown; *extra
 * receives the default difficulty to add instead. */
static int mastery_features(const struct mastery_model *m, const struct mastery_student_state *st,
			    const struct mastery_skill_state *const *sk,
			    const struct mastery_query *q, uint32_t *idx, float *val, double *extra)
{
	double d[F_NDENSE] = { 0 };
	int n = 0, ns = q->nskills;
	double inv = ns ? 1.0 / ns : 0;
	uint32_t tot = st->correct + st->wrong;

	idx[n] = 0, val[n++] = 1.0f;
	d[F_LOGC] = log1p((double)st->correct);
	d[F_LOGW] = log1p((double)st->wrong);
	d[F_RATE5] = rate_bits(st->hist, st->nhist, 5);
	d[F_RATE16] = rate_bits(st->hist, st->nhist, 16);
	d[F_LAST] = st->nhist ? (st->hist & 1) : 0;
	d[F_ABILITY] = st->resid / (tot + 5.0);
	d[F_NEW] = tot == 0;
	if (ns && st->last_skill == q->skill[0] + 1 && st->run_len) {
		d[F_RUN_LEN] = log1p((double)st->run_len);
		d[F_RUN_RATE] = (double)st->run_correct / st->run_len;
	}
	*extra = 0;
	for (int k = 0; k < ns; k++) {
		const struct mastery_skill_state *s = sk[k];
		double lc = log1p((double)s->correct), lw = log1p((double)s->wrong);
		int nk = s->correct + s->wrong;
		int streak = 0, wstreak = 0;
		while (streak < s->nhist && (s->hist >> streak & 1))
			streak++;
		while (wstreak < s->nhist && !(s->hist >> wstreak & 1))
			wstreak++;
		d[F_SK_WSTREAK] += wstreak / 8.0 * inv;
		d[F_ABIL_DECAY] += st->resid / (tot + 5.0) / (1.0 + nk) * inv;
		d[F_SK_LOGC] += lc * inv;
		d[F_SK_LOGW] += lw * inv;
		d[F_SK_FIRST] += (nk == 0) * inv;
		d[F_SK_RATE3] += rate_bits(s->hist, s->nhist, 3) * inv;
		d[F_SK_RATE8] += rate_bits(s->hist, s->nhist, 8) * inv;
		d[F_SK_LAST] += (s->nhist ? (s->hist & 1) : 0) * inv;
		d[F_SK_ABILITY] += s->resid / (nk + 2.0) * inv;
		d[F_SK_STREAK] += streak / 8.0 * inv;
		if (m->bkt) {
			double pc = mastery_bkt_correct(bkt_of(m, q->skill[k]),
							bkt_state(m, s, q->skill[k]));
			pc = clampd(pc, 1e-4, 1 - 1e-4);
			d[F_BKT] += log(pc / (1 - pc)) * inv;
		}
		int32_t sid = q->skill[k];
		if (skill_known(m, sid)) {
			idx[n] = (uint32_t)(m->off_skill + sid), val[n++] = (float)inv;
			if (lc > 0)
				idx[n] = (uint32_t)(m->off_skc + sid), val[n++] = (float)(lc * inv);
			if (lw > 0)
				idx[n] = (uint32_t)(m->off_skw + sid), val[n++] = (float)(lw * inv);
			if (nk == 0)
				idx[n] = (uint32_t)(m->off_skf + sid), val[n++] = (float)inv;
		}
	}
	d[F_ABIL_FIRST] = d[F_ABILITY] * d[F_SK_FIRST];
	d[F_RATE_FIRST] = d[F_RATE16] * d[F_SK_FIRST];
	for (int f = 0; f < F_NDENSE; f++)
		if (d[f] != 0)
			idx[n] = (uint32_t)(m->off_dense + f), val[n++] = (float)d[f];
	if (q->item >= 0 && (size_t)q->item < m->nitems) {
		idx[n] = (uint32_t)(m->off_item + q->item), val[n++] = 1.0f;
	} else if (m->skill_item_w) {
		int known = 0;
		double e = 0;
		for (int k = 0; k < ns; k++)
			if (skill_known(m, q->skill[k]))
				e += m->skill_item_w[q->skill[k]], known++;
		*extra = known ? e / known : m->global_item_w;
	}
	return n;
}

static double item_rate(const struct mastery_model *m, const struct mastery_query *q)
{
	if (q->item >= 0 && (size_t)q->item < m->nitems)
		return m->item_rate[q->item];
	double r = 0;
	int known = 0;
	for (int k = 0; k < q->nskills; k++)
		if (skill_known(m, q->skill[k]))
			r += m->skill_rate[q->skill[k]], known++;
	return known ? r / known : m->global_rate;
}

static void observe_with_rate(const struct mastery_model *m, struct mastery_student_state *st,
			      struct mastery_skill_state *const *sk, const struct mastery_query *q,
			      int correct, double rate)
{
	float r = (float)((correct ? 1.0 : 0.0) - rate);
	int nskills = q->nskills;
	int32_t first = nskills ? q->skill[0] + 1 : 0;
	if (first && first == st->last_skill) {
		st->run_len += st->run_len < UINT16_MAX;
		st->run_correct += correct && st->run_correct < UINT16_MAX;
	} else {
		st->last_skill = first;
		st->run_len = 1;
		st->run_correct = correct ? 1 : 0;
	}
	if (correct)
		st->correct += st->correct < UINT32_MAX;
	else
		st->wrong += st->wrong < UINT32_MAX;
	st->hist = (uint16_t)(st->hist << 1 | (correct ? 1 : 0));
	st->nhist += st->nhist < 16;
	st->resid += r;
	for (int k = 0; k < nskills; k++) {
		struct mastery_skill_state *s = sk[k];
		if (m->bkt)
			s->bkt = (float)mastery_bkt_step(bkt_of(m, q->skill[k]),
							 bkt_state(m, s, q->skill[k]), correct);
		if (correct)
			s->correct += s->correct < UINT16_MAX;
		else
			s->wrong += s->wrong < UINT16_MAX;
		s->hist = (uint8_t)(s->hist << 1 | (correct ? 1 : 0));
		s->nhist += s->nhist < 8;
		s->resid += r;
	}
}

void mastery_observe(const struct mastery_model *m, struct mastery_student_state *st,
		     struct mastery_skill_state *const *sk, const struct mastery_query *q,
		     int correct)
{
	observe_with_rate(m, st, sk, q, correct, item_rate(m, q));
}

double mastery_predict(const struct mastery_model *m, const struct mastery_student_state *st,
		       struct mastery_skill_state *const *sk, const struct mastery_query *q)
{
	uint32_t idx[MASTERY_MAX_NNZ];
	float val[MASTERY_MAX_NNZ];
	double z;
	int n = mastery_features(m, st, (const struct mastery_skill_state *const *)sk, q, idx, val,
				 &z);
	for (int i = 0; i < n; i++)
		z += m->w[idx[i]] * val[i];
	return mastery_sigmoid(z);
}

double mastery_skill_expected_correct(const struct mastery_model *m,
				      const struct mastery_student_state *st,
				      const struct mastery_skill_state *sk, int32_t skill)
{
	struct mastery_query q = { .item = -1, .nskills = 1, .skill = { skill } };
	const struct mastery_skill_state *one[1] = { sk };
	uint32_t idx[MASTERY_MAX_NNZ];
	float val[MASTERY_MAX_NNZ];
	double z;
	int n = mastery_features(m, st, one, &q, idx, val, &z);
	for (int i = 0; i < n; i++)
		z += m->w[idx[i]] * val[i];
	return mastery_sigmoid(z);
}

double mastery_skill_probability(const struct mastery_model *m,
				 const struct mastery_student_state *st,
				 const struct mastery_skill_state *sk, int32_t skill)
{
	(void)st;
	return bkt_state(m, sk, skill);
}

int32_t mastery_skill_raw_id(const struct mastery_model *m, int32_t skill)
{
	return skill_known(m, skill) ? m->skills.raw[skill] : -1;
}

double mastery_skill_item_weight(const struct mastery_model *m, int32_t skill)
{
	return skill_known(m, skill) ? m->skill_item_w[skill] : m->global_item_w;
}

struct mastery_bkt mastery_skill_bkt(const struct mastery_model *m, int32_t skill)
{
	return *bkt_of(m, skill);
}

int32_t mastery_item_index(const struct mastery_model *m, int32_t raw_item)
{
	return kt_idmap_get(&m->items, raw_item);
}

int32_t mastery_skill_index(const struct mastery_model *m, int32_t raw_skill)
{
	return kt_idmap_get(&m->skills, raw_skill);
}

size_t mastery_skill_count(const struct mastery_model *m)
{
	return m->nskills;
}

double mastery_weight_bias(const struct mastery_model *m)
{
	return m->w[0];
}

double mastery_weight_item(const struct mastery_model *m, int32_t item)
{
	return item >= 0 && (size_t)item < m->nitems ? m->w[m->off_item + item] : NAN;
}

void mastery_free(struct mastery_model *m)
{
	if (!m)
		return;
	kt_idmap_free(&m->items);
	kt_idmap_free(&m->skills);
	free(m->w);
	free(m->item_rate);
	free(m->skill_rate);
	free(m->skill_item_w);
	free(m->bkt);
	free(m);
}

static void model_layout(struct mastery_model *m);

/* ---- fitting: sparse L2 logistic regression by L-BFGS ---- */

struct design {
	size_t rows, nnz;
	size_t *start; /* rows + 1 */
	uint32_t *idx;
	float *val;
	uint8_t *y;
	double *lambda; /* per feature L2 penalty */
	size_t nfeat;
};

/* The gradient pass is split into fixed chunks of rows that the threads take
 * in turn (a busy core does fewer), each chunk writing its own partial loss
 * and gradient; the partials are summed in chunk order, so the result is the
 * same bit for bit whatever the thread count or scheduling. */
#define GRAD_CHUNKS 16

struct grad_pass {
	const struct design *X;
	const double *w;
	size_t chunk;	     /* rows per chunk */
	_Atomic size_t next; /* next chunk to take */
	double *part;	     /* GRAD_CHUNKS x nfeat partial gradients */
	double loss[GRAD_CHUNKS];
};

static void grad_chunk(struct grad_pass *gp, size_t c)
{
	const struct design *X = gp->X;
	const double *w = gp->w;
	double *g = gp->part + c * X->nfeat;
	size_t lo = c * gp->chunk, hi = lo + gp->chunk < X->rows ? lo + gp->chunk : X->rows;
	memset(g, 0, X->nfeat * sizeof *g);
	double loss = 0;
	for (size_t r = lo; r < hi; r++) {
		size_t a = X->start[r], b = X->start[r + 1];
		double z = 0;
		for (size_t k = a; k < b; k++)
			z += w[X->idx[k]] * X->val[k];
		/* log(1 + e^z) - y z and sigmoid(z), stably, from one exp */
		double e = exp(-fabs(z));
		/* log(1 + e), not log1p: e is in (0, 1], where the absolute error
		 * of log is ~1e-16 and it runs several times faster */
		loss += (z > 0 ? z : 0) + log(1.0 + e) - (X->y[r] ? z : 0);
		double d = (z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e)) - X->y[r];
		for (size_t k = a; k < b; k++)
			g[X->idx[k]] += d * X->val[k];
	}
	gp->loss[c] = loss;
}

static void *grad_worker(void *arg)
{
	struct grad_pass *gp = arg;
	for (;;) {
		size_t c = atomic_fetch_add(&gp->next, 1);
		if (c >= GRAD_CHUNKS)
			return NULL;
		grad_chunk(gp, c);
	}
}

/* f(w) and its gradient g; returns f. part holds GRAD_CHUNKS x nfeat. */
static double objective(const struct design *X, const double *w, double *g, int threads,
			double *part)
{
	struct grad_pass gp = { .X = X, .w = w, .part = part };
	gp.chunk = (X->rows + GRAD_CHUNKS - 1) / GRAD_CHUNKS;
	atomic_init(&gp.next, 0);
	pthread_t th;
	int spawned = threads >= 2 && X->rows > 4096 &&
		      pthread_create(&th, NULL, grad_worker, &gp) == 0;
	grad_worker(&gp);
	if (spawned)
		pthread_join(th, NULL);
	double f = 0;
	memcpy(g, part, X->nfeat * sizeof *g);
	f = gp.loss[0];
	for (size_t c = 1; c < GRAD_CHUNKS; c++) {
		const double *pc = part + c * X->nfeat;
		for (size_t i = 0; i < X->nfeat; i++)
			g[i] += pc[i];
		f += gp.loss[c];
	}
	for (size_t i = 0; i < X->nfeat; i++) {
		f += 0.5 * X->lambda[i] * w[i] * w[i];
		g[i] += X->lambda[i] * w[i];
	}
	return f;
}

static double dot(const double *a, const double *b, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

#define LBFGS_M 8
#define LBFGS_STOP_WINDOW 5

static enum eb_err lbfgs(const struct design *X, double *w, const struct mastery_params *hp,
			 int *iters, double *fout)
{
	size_t n = X->nfeat;
	double *mem = calloc((size_t)(2 * LBFGS_M + 4 + GRAD_CHUNKS) * n, sizeof *mem);
	if (!mem)
		return EB_ENOMEM;
	double *s = mem, *yv = s + LBFGS_M * n, *g = yv + LBFGS_M * n, *gn = g + n, *dir = gn + n,
	       *wn = dir + n, *scratch = wn + n;
	double rho[LBFGS_M], alpha[LBFGS_M];
	int head = 0, cnt = 0, it;
	double f = objective(X, w, g, hp->threads, scratch);
	/* objective values of the last LBFGS_STOP_WINDOW iterations: stop when
	 * they fell by less than tol (relative) per iteration on average, so one
	 * short step does not end the fit early */
	double fhist[LBFGS_STOP_WINDOW];
	for (int k = 0; k < LBFGS_STOP_WINDOW; k++)
		fhist[k] = INFINITY;
	for (it = 0; it < hp->max_iter; it++) {
		/* two-loop recursion: dir = -H g */
		for (size_t i = 0; i < n; i++)
			dir[i] = -g[i];
		for (int k = 0; k < cnt; k++) {
			int j = (head - 1 - k + LBFGS_M) % LBFGS_M;
			alpha[j] = rho[j] * dot(s + j * n, dir, n);
			for (size_t i = 0; i < n; i++)
				dir[i] -= alpha[j] * yv[j * n + i];
		}
		double gamma = 1.0;
		if (cnt) {
			int j = (head - 1 + LBFGS_M) % LBFGS_M;
			gamma = dot(s + j * n, yv + j * n, n) / dot(yv + j * n, yv + j * n, n);
		} else {
			gamma = 1.0 / sqrt(dot(g, g, n) + 1e-300);
		}
		for (size_t i = 0; i < n; i++)
			dir[i] *= gamma;
		for (int k = cnt - 1; k >= 0; k--) {
			int j = (head - 1 - k + LBFGS_M) % LBFGS_M;
			double beta = rho[j] * dot(yv + j * n, dir, n);
			for (size_t i = 0; i < n; i++)
				dir[i] += (alpha[j] - beta) * s[j * n + i];
		}
		double gd = dot(g, dir, n);
		if (gd >= 0) { /* not a descent direction: restart */
			for (size_t i = 0; i < n; i++)
				dir[i] = -g[i] / sqrt(dot(g, g, n) + 1e-300);
			gd = dot(g, dir, n);
			cnt = 0;
		}
		double t = 1.0, fn = 0;
		int ok = 0;
		for (int ls = 0; ls < 30; ls++) {
			for (size_t i = 0; i < n; i++)
				wn[i] = w[i] + t * dir[i];
			fn = objective(X, wn, gn, hp->threads, scratch);
			if (fn <= f + 1e-4 * t * gd) {
				ok = 1;
				break;
			}
			t *= 0.5;
		}
		if (!ok)
			break;
		int j = head;
		for (size_t i = 0; i < n; i++) {
			s[j * n + i] = wn[i] - w[i];
			yv[j * n + i] = gn[i] - g[i];
		}
		double sy = dot(s + j * n, yv + j * n, n);
		if (sy > 1e-12) {
			rho[j] = 1.0 / sy;
			head = (head + 1) % LBFGS_M;
			cnt += cnt < LBFGS_M;
		}
		double old = fhist[it % LBFGS_STOP_WINDOW];
		fhist[it % LBFGS_STOP_WINDOW] = fn;
		double rel = (old - fn) / (fabs(fn) > 1 ? fabs(fn) : 1) / LBFGS_STOP_WINDOW;
		memcpy(w, wn, n * sizeof *w);
		memcpy(g, gn, n * sizeof *g);
		f = fn;
		if (rel < hp->tol)
			break;
	}
	*iters = it + 1;
	*fout = f;
	free(mem);
	return EB_OK;
}

static void design_free(struct design *X)
{
	free(X->start);
	free(X->idx);
	free(X->val);
	free(X->y);
	free(X->lambda);
}

/* Replays each training user's sequence, writing one design row per response
 * from the state before it (exactly what prediction sees), then observing it.
 * The residual uses each item's rate without the response itself, so the
 * ability feature does not see the answer it predicts. */
static enum eb_err build_design(struct mastery_model *m, const struct kt_dataset *d,
				const int32_t *item_of, const int32_t (*skill_of)[KT_MAX_SKILLS],
				const double *isum, const double *icnt, struct design *X)
{
	memset(X, 0, sizeof *X);
	X->rows = d->n;
	X->nfeat = m->nfeat;
	X->start = malloc((d->n + 1) * sizeof *X->start);
	X->idx = malloc(d->n * MASTERY_MAX_NNZ * sizeof *X->idx);
	X->val = malloc(d->n * MASTERY_MAX_NNZ * sizeof *X->val);
	X->y = malloc(d->n);
	struct mastery_skill_state *ss = calloc(m->nskills + 1, sizeof *ss);
	if (!X->start || !X->idx || !X->val || !X->y || !ss) {
		free(ss);
		design_free(X);
		return EB_ENOMEM;
	}
	size_t nnz = 0;
	for (size_t u = 0; u < d->nusers; u++) {
		struct mastery_student_state st = { 0 };
		size_t a = d->user_start[u], b = d->user_start[u + 1];
		for (size_t r = a; r < b; r++) {
			const struct kt_response *resp = &d->rows[r];
			struct mastery_query q = { .item = item_of[r], .nskills = resp->nskills };
			struct mastery_skill_state *sk[KT_MAX_SKILLS];
			for (int k = 0; k < q.nskills; k++) {
				q.skill[k] = skill_of[r][k];
				sk[k] = &ss[q.skill[k]];
			}
			double extra;
			X->start[r] = nnz;
			nnz += (size_t)mastery_features(
				m, &st, (const struct mastery_skill_state *const *)sk, &q,
				X->idx + nnz, X->val + nnz, &extra);
			X->y[r] = resp->correct;
			/* leave-one-out item rate */
			int32_t it = q.item;
			double loo =
				(isum[it] - resp->correct + ITEM_RATE_PRIOR * m->item_rate[it]) /
				(icnt[it] - 1 + ITEM_RATE_PRIOR);
			observe_with_rate(m, &st, sk, &q, resp->correct, loo);
		}
		for (size_t r = a; r < b; r++) /* reset only what this user touched */
			for (int k = 0; k < d->rows[r].nskills; k++)
				memset(&ss[skill_of[r][k]], 0, sizeof *ss);
	}
	X->start[d->n] = nnz;
	X->nnz = nnz;
	free(ss);
	return EB_OK;
}

struct bkt_job {
	const uint8_t *y;
	const size_t *chain_start; /* absolute offsets into y */
	const size_t *skill_chain; /* skill s owns chains [skill_chain[s], skill_chain[s+1]) */
	struct mastery_bkt *bkt;
	size_t lo, hi; /* skills */
	int max_iter;
};

static void *bkt_run(void *arg)
{
	struct bkt_job *j = arg;
	for (size_t s = j->lo; s < j->hi; s++) {
		j->bkt[s] = bkt_prior_mean;
		j->bkt[s].prior = 0.4;
		mastery_bkt_fit(j->y, j->chain_start + j->skill_chain[s],
				j->skill_chain[s + 1] - j->skill_chain[s], j->max_iter, &j->bkt[s]);
	}
	return NULL;
}

#define BKT_MAX_ITER 40

/* Per-skill BKT by EM, the skills split over 1 or 2 threads. */
static enum eb_err fit_bkt(struct mastery_model *m, const struct kt_dataset *d,
			   const int32_t (*skill_of)[KT_MAX_SKILLS], int threads)
{
	size_t ns = m->nskills, e = 0;
	size_t *cnt = calloc(ns + 1, sizeof *cnt);
	m->bkt = calloc(ns + 1, sizeof *m->bkt);
	if (!cnt || !m->bkt) {
		free(cnt);
		return EB_ENOMEM;
	}
	for (size_t r = 0; r < d->n; r++)
		for (int k = 0; k < d->rows[r].nskills; k++)
			cnt[skill_of[r][k] + 1]++, e++;
	for (size_t s = 0; s < ns; s++)
		cnt[s + 1] += cnt[s];			 /* cnt[s] = first entry of skill s */
	size_t *ent = malloc((e ? e : 1) * sizeof *ent); /* row of each entry */
	uint8_t *y = malloc(e ? e : 1);
	size_t *chain_start = malloc((e + 1) * sizeof *chain_start);
	size_t *skill_chain = malloc((ns + 1) * sizeof *skill_chain);
	size_t *fill = malloc((ns + 1) * sizeof *fill);
	enum eb_err rc = EB_ENOMEM;
	if (!ent || !y || !chain_start || !skill_chain || !fill)
		goto out;
	memcpy(fill, cnt, (ns + 1) * sizeof *fill);
	for (size_t r = 0; r < d->n; r++)
		for (int k = 0; k < d->rows[r].nskills; k++)
			ent[fill[skill_of[r][k]]++] = r;
	size_t nch = 0;
	for (size_t s = 0; s < ns; s++) {
		skill_chain[s] = nch;
		for (size_t i = cnt[s]; i < cnt[s + 1]; i++) {
			y[i] = d->rows[ent[i]].correct;
			if (i == cnt[s] || d->rows[ent[i]].user != d->rows[ent[i - 1]].user)
				chain_start[nch++] = i;
		}
	}
	skill_chain[ns] = nch;
	chain_start[nch] = e;
	/* chain_start[skill_chain[s+1]] must end skill s: it is the next
	 * skill's first entry, or e for the last skill. */
	struct bkt_job job[2];
	size_t split = ns;
	if (threads >= 2)
		for (split = 0; split < ns && cnt[split] < e / 2; split++)
			;
	job[0] = (struct bkt_job){ y, chain_start, skill_chain, m->bkt, 0, split, BKT_MAX_ITER };
	job[1] = (struct bkt_job){ y, chain_start, skill_chain, m->bkt, split, ns, BKT_MAX_ITER };
	pthread_t th;
	int spawned = split < ns && pthread_create(&th, NULL, bkt_run, &job[1]) == 0;
	if (!spawned)
		job[0].hi = ns;
	bkt_run(&job[0]);
	if (spawned)
		pthread_join(th, NULL);
	/* unknown skills: the response-weighted mean */
	struct mastery_bkt g = { 0 };
	for (size_t s = 0; s < ns; s++) {
		double wgt = e ? (double)(cnt[s + 1] - cnt[s]) / (double)e : 0;
		g.prior += wgt * m->bkt[s].prior, g.learn += wgt * m->bkt[s].learn;
		g.forget += wgt * m->bkt[s].forget, g.guess += wgt * m->bkt[s].guess;
		g.slip += wgt * m->bkt[s].slip;
	}
	m->bkt[ns] = e ? g : bkt_prior_mean;
	rc = EB_OK;
out:
	free(cnt);
	free(ent);
	free(y);
	free(chain_start);
	free(skill_chain);
	free(fill);
	return rc;
}

enum eb_err mastery_fit(const struct kt_dataset *train, const struct mastery_params *hp,
			struct mastery_model **out, struct mastery_fit_info *info, char *err,
			size_t cap)
{
	*out = NULL;
	if (!train || train->n == 0)
		return mfail(err, cap, EB_EINVAL, "no training responses: nothing to fit");
	enum eb_err rc = EB_ENOMEM;
	struct design X = { 0 };
	int32_t *item_of = NULL;
	int32_t(*skill_of)[KT_MAX_SKILLS] = NULL;
	double *isum = NULL, *icnt = NULL, *ssum = NULL, *scnt = NULL, *colscale = NULL;
	struct mastery_model *m = calloc(1, sizeof *m);
	if (!m || kt_idmap_init(&m->items, 1024) || kt_idmap_init(&m->skills, 64))
		goto fail;
	item_of = malloc(train->n * sizeof *item_of);
	skill_of = malloc(train->n * sizeof *skill_of);
	if (!item_of || !skill_of)
		goto fail;
	for (size_t r = 0; r < train->n; r++) {
		const struct kt_response *resp = &train->rows[r];
		if (kt_idmap_add(&m->items, resp->item, &item_of[r]))
			goto fail;
		for (int k = 0; k < resp->nskills; k++)
			if (kt_idmap_add(&m->skills, resp->skill[k], &skill_of[r][k]))
				goto fail;
	}
	m->nitems = m->items.n;
	m->nskills = m->skills.n;
	model_layout(m);

	/* Success rates: item shrunk to its skill's, skill shrunk to global. */
	isum = calloc(m->nitems, sizeof *isum);
	icnt = calloc(m->nitems, sizeof *icnt);
	ssum = calloc(m->nskills + 1, sizeof *ssum);
	scnt = calloc(m->nskills + 1, sizeof *scnt);
	m->item_rate = malloc(m->nitems * sizeof *m->item_rate);
	m->skill_rate = malloc((m->nskills + 1) * sizeof *m->skill_rate);
	m->skill_item_w = calloc(m->nskills + 1, sizeof *m->skill_item_w);
	m->w = calloc(m->nfeat, sizeof *m->w);
	if (!isum || !icnt || !ssum || !scnt || !m->item_rate || !m->skill_rate ||
	    !m->skill_item_w || !m->w)
		goto fail;
	double gsum = 0;
	for (size_t r = 0; r < train->n; r++) {
		int c = train->rows[r].correct;
		isum[item_of[r]] += c, icnt[item_of[r]] += 1, gsum += c;
		for (int k = 0; k < train->rows[r].nskills; k++)
			ssum[skill_of[r][k]] += c, scnt[skill_of[r][k]] += 1;
	}
	m->global_rate = gsum / (double)train->n;
	for (size_t s = 0; s < m->nskills; s++)
		m->skill_rate[s] = (float)((ssum[s] + 10 * m->global_rate) / (scnt[s] + 10));
	m->skill_rate[m->nskills] = (float)m->global_rate; /* unknown skills */
	/* an item's skill rate: mean over the skills its first row names */
	{
		double *ibase = calloc(m->nitems, sizeof *ibase);
		if (!ibase)
			goto fail;
		for (size_t r = 0; r < train->n; r++) {
			const struct kt_response *resp = &train->rows[r];
			double b = m->global_rate;
			if (resp->nskills) {
				b = 0;
				for (int k = 0; k < resp->nskills; k++)
					b += m->skill_rate[skill_of[r][k]];
				b /= resp->nskills;
			}
			ibase[item_of[r]] = b;
		}
		for (size_t i = 0; i < m->nitems; i++)
			m->item_rate[i] = (float)((isum[i] + ITEM_RATE_PRIOR * ibase[i]) /
						  (icnt[i] + ITEM_RATE_PRIOR));
		free(ibase);
	}

	double t0 = wall_seconds();
	rc = fit_bkt(m, train, (const int32_t(*)[KT_MAX_SKILLS])skill_of, hp->threads);
	if (rc)
		goto fail;
	double t1 = wall_seconds();
	rc = build_design(m, train, item_of, (const int32_t(*)[KT_MAX_SKILLS])skill_of, isum, icnt,
			  &X);
	if (rc)
		goto fail;
	rc = EB_ENOMEM;
	X.lambda = malloc(m->nfeat * sizeof *X.lambda);
	if (!X.lambda)
		goto fail;
	for (size_t i = 0; i < m->nfeat; i++)
		X.lambda[i] = i == 0		 ? 0
			      : i < m->off_skill ? hp->l2
			      : i < m->off_item	 ? hp->l2_skill
						 : hp->l2_item;
	/* Diagonal preconditioning: solve in v = w * sqrt(D), D_j the Hessian
	 * diagonal bound 0.25 * sum x_j^2 + lambda_j, so one-hot items seen a
	 * dozen times and dense features seen 200,000 times converge alike. */
	colscale = calloc(m->nfeat, sizeof *colscale);
	if (!colscale)
		goto fail;
	for (size_t k = 0; k < X.nnz; k++)
		colscale[X.idx[k]] += 0.25 * (double)X.val[k] * X.val[k];
	for (size_t i = 0; i < m->nfeat; i++) {
		double dj = colscale[i] + X.lambda[i];
		colscale[i] = dj > 0 ? 1.0 / sqrt(dj) : 1.0;
		X.lambda[i] *= colscale[i] * colscale[i];
	}
	for (size_t k = 0; k < X.nnz; k++)
		X.val[k] = (float)(X.val[k] * colscale[X.idx[k]]);
	m->w[0] = log(m->global_rate / (1 - m->global_rate + 1e-12) + 1e-12) / colscale[0];
	int iters = 0;
	double f = 0;
	double t2 = wall_seconds();
	rc = lbfgs(&X, m->w, hp, &iters, &f);
	double t3 = wall_seconds();
	if (rc)
		goto fail;
	for (size_t i = 0; i < m->nfeat; i++)
		m->w[i] *= colscale[i];

	/* Default difficulty of an unseen item: response-weighted mean per skill. */
	double gw = 0;
	memset(scnt, 0, (m->nskills + 1) * sizeof *scnt);
	for (size_t r = 0; r < train->n; r++) {
		double wi = m->w[m->off_item + item_of[r]];
		gw += wi;
		for (int k = 0; k < train->rows[r].nskills; k++)
			m->skill_item_w[skill_of[r][k]] += wi, scnt[skill_of[r][k]] += 1;
	}
	m->global_item_w = gw / (double)train->n;
	for (size_t s = 0; s < m->nskills; s++)
		m->skill_item_w[s] = scnt[s] ? m->skill_item_w[s] / scnt[s] : m->global_item_w;
	m->skill_item_w[m->nskills] = m->global_item_w;

	if (info)
		*info = (struct mastery_fit_info){ iters,      f / (double)train->n,
						   train->n,   m->nitems,
						   m->nskills, m->nfeat,
						   t1 - t0,    t2 - t1,
						   t3 - t2 };
	design_free(&X);
	free(item_of);
	free(skill_of);
	free(isum);
	free(icnt);
	free(ssum);
	free(scnt);
	free(colscale);
	*out = m;
	return EB_OK;
fail:
	design_free(&X);
	free(item_of);
	free(skill_of);
	free(isum);
	free(icnt);
	free(ssum);
	free(scnt);
	free(colscale);
	mastery_free(m);
	return mfail(err, cap, rc, "fit failed: %s", eb_strerror(rc));
}

/* ---- online evaluation ---- */

enum eb_err mastery_predict_dataset(const struct mastery_model *m, const struct kt_dataset *test,
				    double *p)
{
	/* Skills the model never saw get their own state slots past nskills. */
	struct kt_idmap extra;
	if (kt_idmap_init(&extra, 64))
		return EB_ENOMEM;
	enum eb_err rc = EB_OK;
	int32_t(*sidx)[KT_MAX_SKILLS] = malloc(test->n * sizeof *sidx);
	if (!sidx) {
		kt_idmap_free(&extra);
		return EB_ENOMEM;
	}
	for (size_t r = 0; r < test->n && rc == EB_OK; r++)
		for (int k = 0; k < test->rows[r].nskills && rc == EB_OK; k++) {
			int32_t s = mastery_skill_index(m, test->rows[r].skill[k]);
			if (s < 0) {
				rc = kt_idmap_add(&extra, test->rows[r].skill[k], &s);
				s += (int32_t)m->nskills;
			}
			sidx[r][k] = s;
		}
	struct mastery_skill_state *ss = calloc(m->nskills + extra.n + 1, sizeof *ss);
	if (rc || !ss) {
		free(ss);
		free(sidx);
		kt_idmap_free(&extra);
		return EB_ENOMEM;
	}
	for (size_t u = 0; u < test->nusers; u++) {
		struct mastery_student_state st = { 0 };
		size_t a = test->user_start[u], b = test->user_start[u + 1];
		for (size_t r = a; r < b; r++) {
			const struct kt_response *resp = &test->rows[r];
			struct mastery_query q = { .item = mastery_item_index(m, resp->item),
						   .nskills = resp->nskills };
			struct mastery_skill_state *sk[KT_MAX_SKILLS];
			for (int k = 0; k < q.nskills; k++) {
				q.skill[k] = sidx[r][k];
				sk[k] = &ss[sidx[r][k]];
			}
			p[r] = mastery_predict(m, &st, sk, &q);
			mastery_observe(m, &st, sk, &q, resp->correct);
		}
		for (size_t r = a; r < b; r++)
			for (int k = 0; k < test->rows[r].nskills; k++)
				memset(&ss[sidx[r][k]], 0, sizeof *ss);
	}
	free(ss);
	free(sidx);
	kt_idmap_free(&extra);
	return EB_OK;
}

/* ---- serialisation ---- */

#define MODEL_MAGIC 0x4D4D4245u /* "EBMM" little-endian */
#define MODEL_VERSION 1u
#define MODEL_MAX_COUNT (1u << 28)

struct wbuf {
	uint8_t *p;
	size_t n;
};

static void put_u32(struct wbuf *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->p[b->n++] = (uint8_t)(v >> (8 * i));
}

static void put_u64(struct wbuf *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b->p[b->n++] = (uint8_t)(v >> (8 * i));
}

static void put_f64(struct wbuf *b, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof v);
	put_u64(b, v);
}

struct rbuf {
	const uint8_t *p;
	size_t n, at;
	int bad;
};

static uint32_t get_u32(struct rbuf *b)
{
	if (b->bad || b->n - b->at < 4) {
		b->bad = 1;
		return 0;
	}
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)b->p[b->at++] << (8 * i);
	return v;
}

static double get_f64(struct rbuf *b)
{
	if (b->bad || b->n - b->at < 8) {
		b->bad = 1;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)b->p[b->at++] << (8 * i);
	double d;
	memcpy(&d, &v, sizeof d);
	return d;
}

enum eb_err mastery_model_encode(const struct mastery_model *m, uint8_t **out, size_t *len)
{
	size_t ni = m->nitems, ns = m->nskills;
	size_t need = 4 * 4 + 2 * 8 + ni * 4 + ns * 4 + m->nfeat * 8 + ni * 8 + (ns + 1) * 8 * 2 +
		      (ns + 1) * 5 * 8;
	struct wbuf b = { malloc(need), 0 };
	if (!b.p)
		return EB_ENOMEM;
	put_u32(&b, MODEL_MAGIC);
	put_u32(&b, MODEL_VERSION);
	put_u32(&b, (uint32_t)ni);
	put_u32(&b, (uint32_t)ns);
	put_f64(&b, m->global_rate);
	put_f64(&b, m->global_item_w);
	for (size_t i = 0; i < ni; i++)
		put_u32(&b, (uint32_t)m->items.raw[i]);
	for (size_t i = 0; i < ns; i++)
		put_u32(&b, (uint32_t)m->skills.raw[i]);
	for (size_t i = 0; i < m->nfeat; i++)
		put_f64(&b, m->w[i]);
	for (size_t i = 0; i < ni; i++)
		put_f64(&b, m->item_rate[i]);
	for (size_t i = 0; i <= ns; i++)
		put_f64(&b, m->skill_rate[i]);
	for (size_t i = 0; i <= ns; i++)
		put_f64(&b, m->skill_item_w[i]);
	for (size_t i = 0; i <= ns; i++) {
		const struct mastery_bkt *k = &m->bkt[i];
		put_f64(&b, k->prior);
		put_f64(&b, k->learn);
		put_f64(&b, k->forget);
		put_f64(&b, k->guess);
		put_f64(&b, k->slip);
	}
	*out = b.p;
	*len = b.n;
	return EB_OK;
}

static void model_layout(struct mastery_model *m)
{
	m->off_dense = 1;
	m->off_skill = m->off_dense + F_NDENSE;
	m->off_skc = m->off_skill + m->nskills;
	m->off_skw = m->off_skc + m->nskills;
	m->off_skf = m->off_skw + m->nskills;
	m->off_item = m->off_skf + m->nskills;
	m->nfeat = m->off_item + m->nitems;
}

static int prob_ok(double p)
{
	return p >= 0 && p <= 1;
}

enum eb_err mastery_model_decode(const uint8_t *buf, size_t len, struct mastery_model **out)
{
	*out = NULL;
	struct rbuf b = { buf, len, 0, 0 };
	if (get_u32(&b) != MODEL_MAGIC || get_u32(&b) != MODEL_VERSION)
		return EB_EPARSE;
	uint32_t ni = get_u32(&b), ns = get_u32(&b);
	if (b.bad || ni > MODEL_MAX_COUNT || ns > MODEL_MAX_COUNT)
		return EB_EPARSE;
	struct mastery_model *m = calloc(1, sizeof *m);
	if (!m)
		return EB_ENOMEM;
	m->nitems = ni, m->nskills = ns;
	model_layout(m);
	/* exact size check before any large allocation */
	size_t need = 4 * 4 + 2 * 8 + (size_t)ni * 4 + (size_t)ns * 4 + m->nfeat * 8 +
		      (size_t)ni * 8 + ((size_t)ns + 1) * 8 * 2 + ((size_t)ns + 1) * 5 * 8;
	enum eb_err rc = EB_EPARSE;
	if (need != len)
		goto fail;
	rc = EB_ENOMEM;
	m->w = malloc(m->nfeat * sizeof *m->w);
	m->item_rate = malloc((ni ? ni : 1) * sizeof *m->item_rate);
	m->skill_rate = malloc((ns + 1) * sizeof *m->skill_rate);
	m->skill_item_w = malloc((ns + 1) * sizeof *m->skill_item_w);
	m->bkt = malloc((ns + 1) * sizeof *m->bkt);
	if (!m->w || !m->item_rate || !m->skill_rate || !m->skill_item_w || !m->bkt ||
	    kt_idmap_init(&m->items, ni) || kt_idmap_init(&m->skills, ns))
		goto fail;
	m->global_rate = get_f64(&b);
	m->global_item_w = get_f64(&b);
	rc = EB_EPARSE;
	int32_t idx;
	for (uint32_t i = 0; i < ni; i++) {
		uint32_t raw = get_u32(&b);
		if (raw > INT32_MAX || kt_idmap_get(&m->items, (int32_t)raw) >= 0 ||
		    kt_idmap_add(&m->items, (int32_t)raw, &idx))
			goto fail; /* duplicate or out of range */
	}
	for (uint32_t i = 0; i < ns; i++) {
		uint32_t raw = get_u32(&b);
		if (raw > INT32_MAX || kt_idmap_get(&m->skills, (int32_t)raw) >= 0 ||
		    kt_idmap_add(&m->skills, (int32_t)raw, &idx))
			goto fail;
	}
	for (size_t i = 0; i < m->nfeat; i++)
		if (!isfinite(m->w[i] = get_f64(&b)))
			goto fail;
	for (size_t i = 0; i < ni; i++) {
		double r = get_f64(&b);
		if (!prob_ok(r))
			goto fail;
		m->item_rate[i] = (float)r;
	}
	for (size_t i = 0; i <= ns; i++) {
		double r = get_f64(&b);
		if (!prob_ok(r))
			goto fail;
		m->skill_rate[i] = (float)r;
	}
	for (size_t i = 0; i <= ns; i++)
		if (!isfinite(m->skill_item_w[i] = get_f64(&b)))
			goto fail;
	for (size_t i = 0; i <= ns; i++) {
		struct mastery_bkt *k = &m->bkt[i];
		k->prior = get_f64(&b), k->learn = get_f64(&b), k->forget = get_f64(&b);
		k->guess = get_f64(&b), k->slip = get_f64(&b);
		if (!prob_ok(k->prior) || !prob_ok(k->learn) || !prob_ok(k->forget) ||
		    !prob_ok(k->guess) || !prob_ok(k->slip))
			goto fail;
	}
	if (b.bad || !prob_ok(m->global_rate) || !isfinite(m->global_item_w) || b.at != len)
		goto fail;
	*out = m;
	return EB_OK;
fail:
	mastery_free(m);
	return rc;
}
