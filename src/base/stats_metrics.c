/* stats_metrics.c - see stats_metrics.h. */
#include "base/stats_metrics.h"

#include <math.h>
#include <stdlib.h>

struct stats_pair {
	double p;
	uint8_t y;
};

static int stats_pair_cmp(const void *a, const void *b)
{
	double x = ((const struct stats_pair *)a)->p, z = ((const struct stats_pair *)b)->p;
	return (x > z) - (x < z);
}

enum eb_err stats_auc(const double *p, const uint8_t *y, size_t n, double *auc)
{
	if (n == 0)
		return EB_EINVAL;
	struct stats_pair *v = malloc(n * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	size_t npos = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = (struct stats_pair){ p[i], y[i] ? 1 : 0 };
		npos += v[i].y;
	}
	size_t nneg = n - npos;
	if (npos == 0 || nneg == 0) {
		free(v);
		*auc = NAN;
		return EB_OK;
	}
	qsort(v, n, sizeof *v, stats_pair_cmp);
	/* Sum of the positives' ranks, a tie group sharing its average rank. */
	double rank_sum = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, pos = 0;
		while (j < n && v[j].p == v[i].p)
			pos += v[j++].y;
		double avg_rank = (double)(i + 1 + j) / 2.0; /* ranks i+1 .. j */
		rank_sum += avg_rank * (double)pos;
		i = j;
	}
	free(v);
	double np = (double)npos, nn = (double)nneg;
	*auc = (rank_sum - np * (np + 1) / 2) / (np * nn);
	return EB_OK;
}

double stats_rmse(const double *p, const uint8_t *y, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		double d = p[i] - (y[i] ? 1.0 : 0.0);
		s += d * d;
	}
	return n ? sqrt(s / (double)n) : NAN;
}

double stats_logloss(const double *p, const uint8_t *y, size_t n)
{
	const double lo = 1e-15, hi = 1 - 1e-15;
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		double q = p[i] < lo ? lo : p[i] > hi ? hi : p[i];
		s -= y[i] ? log(q) : log1p(-q);
	}
	return n ? s / (double)n : NAN;
}

double stats_ece(const double *p, const uint8_t *y, size_t n)
{
	double sp[STATS_ECE_BINS] = { 0 }, sy[STATS_ECE_BINS] = { 0 };
	size_t cnt[STATS_ECE_BINS] = { 0 };
	if (!n)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		int b = (int)(p[i] * STATS_ECE_BINS);
		b = b < 0 ? 0 : b >= STATS_ECE_BINS ? STATS_ECE_BINS - 1 : b;
		sp[b] += p[i];
		sy[b] += y[i] ? 1.0 : 0.0;
		cnt[b]++;
	}
	double e = 0;
	for (int b = 0; b < STATS_ECE_BINS; b++)
		if (cnt[b])
			e += fabs(sy[b] - sp[b]) / (double)n; /* (n_b/n)|mean y - mean p| */
	return e;
}

enum eb_err stats_binary_eval(const double *p, const uint8_t *y, size_t n, struct stats_binary *out)
{
	out->n = n;
	enum eb_err rc = stats_auc(p, y, n, &out->auc);
	if (rc)
		return rc;
	out->rmse = stats_rmse(p, y, n);
	out->logloss = stats_logloss(p, y, n);
	out->ece = stats_ece(p, y, n);
	return EB_OK;
}
