/* stats_metrics.h - quality of probabilistic binary predictions.
 *
 * All functions take n predictions p[i] in [0, 1] and outcomes y[i] in {0, 1}
 * and allocate nothing except stats_auc (a temporary index array). */
#ifndef EB_STATS_METRICS_H
#define EB_STATS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define STATS_ECE_BINS 10

struct stats_binary {
	size_t n;
	double auc;	/* area under the ROC curve; ties count one half; NaN if one class */
	double rmse;	/* root mean squared error of p against y */
	double logloss; /* mean -[y log p + (1-y) log(1-p)], p clamped to [1e-15, 1-1e-15] */
	double ece;	/* expected calibration error, 10 equal-width bins on [0, 1] */
};

/* Mann-Whitney AUC with tied scores given average ranks. Writes NaN into
 * *auc when all outcomes are equal. EB_EINVAL when n is 0, EB_ENOMEM when the
 * sort buffer cannot be allocated. */
enum eb_err stats_auc(const double *p, const uint8_t *y, size_t n, double *auc);
double stats_rmse(const double *p, const uint8_t *y, size_t n);
double stats_logloss(const double *p, const uint8_t *y, size_t n);
/* sum over bins b of (n_b / n) * |mean(y in b) - mean(p in b)|; bin b holds
 * p in [b/10, (b+1)/10), with p = 1 in the last bin. */
double stats_ece(const double *p, const uint8_t *y, size_t n);

/* All of the above at once. */
enum eb_err stats_binary_eval(const double *p, const uint8_t *y, size_t n,
			      struct stats_binary *out);

#endif
