/* item_analysis.c - see item_analysis.h. */
#include "domain/item_analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double item_analysis_correlation(const double *x, const double *y, size_t n)
{
	if (n < 2)
		return NAN;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++)
		mx += x[i], my += y[i];
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0, syy = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		sxx += dx * dx, syy += dy * dy, sxy += dx * dy;
	}
	if (sxx <= 0 || syy <= 0)
		return NAN;
	return sxy / sqrt(sxx * syy);
}

const char *item_analysis_flag_words(enum ia_flag f)
{
	switch (f) {
	case IA_FLAG_HARD:
		return "Very hard: fewer than 1 in 5 earned the points. Check the key, the wording"
		       " and whether the standard was taught before the test.";
	case IA_FLAG_EASY:
		return "Very easy: almost everyone earned the points, so it tells little about who"
		       " needs help.";
	case IA_FLAG_LOW_DISC:
		return "Does not separate: students who did well on the rest of the test did"
		       " hardly better on this item. Check the wording.";
	case IA_FLAG_NEGATIVE_DISC:
		return "Works backwards: students who did well on the rest of the test did worse on"
		       " this item. Check the answer key first.";
	case IA_FLAG_DISTRACTOR:
		return "Top scorers chose a wrong answer more often than the key. Check the key and"
		       " whether that choice is also right.";
	}
	return NULL;
}

struct ranked {
	double total;
	size_t student;
};

/* by total, highest first; ties: the earlier student first */
static int by_total_desc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return x->student < y->student ? -1 : x->student > y->student;
}

/* marks the top scorers: the first ntop students by total */
static enum eb_err top_scorers(const double *total, size_t n, size_t ntop, bool *top)
{
	struct ranked *r = malloc((n ? n : 1) * sizeof *r);
	if (!r)
		return EB_ENOMEM;
	for (size_t s = 0; s < n; s++)
		r[s] = (struct ranked){ total[s], s };
	qsort(r, n, sizeof *r, by_total_desc);
	memset(top, 0, n * sizeof *top);
	for (size_t k = 0; k < ntop && k < n; k++)
		top[r[k].student] = true;
	free(r);
	return EB_OK;
}

enum eb_err item_analysis_run(const struct ia_input *in, struct arena *a, struct ia_result *out)
{
	size_t n = in->nstudents, k = in->nitems;
	memset(out, 0, sizeof *out);
	out->nstudents = n;
	out->nitems = k;
	for (size_t i = 0; i < k; i++) {
		const struct ia_item *it = &in->items[i];
		if (!(it->max_points > 0) || it->nchoices < 0 || it->nchoices == 1 ||
		    it->nchoices > IA_CHOICES_MAX)
			return EB_EINVAL;
		if (it->nchoices && (it->key < 0 || it->key >= it->nchoices || (n && !in->choice)))
			return EB_EINVAL;
		out->max_total += it->max_points;
	}
	out->items = arena_zalloc(a, (k ? k : 1) * sizeof *out->items);
	double *total = malloc((n ? n : 1) * sizeof *total);
	bool *top = malloc((n ? n : 1) * sizeof *top);
	/* per item: mean, then central sums of x, rest and their product */
	double *sx = calloc(k ? k : 1, sizeof *sx);
	double *sxx = calloc(k ? k : 1, sizeof *sxx);
	double *srr = calloc(k ? k : 1, sizeof *srr);
	double *sxr = calloc(k ? k : 1, sizeof *sxr);
	enum eb_err e = EB_OK;
	if (!out->items || !total || !top || !sx || !sxx || !srr || !sxr) {
		e = EB_ENOMEM;
		goto out;
	}
	double tsum = 0;
	for (size_t s = 0; s < n; s++) {
		const double *row = in->points + s * k;
		double t = 0;
		for (size_t i = 0; i < k; i++) {
			t += row[i];
			sx[i] += row[i];
		}
		total[s] = t;
		tsum += t;
	}
	double tmean = n ? tsum / (double)n : NAN;
	double tvar = 0;
	for (size_t s = 0; s < n; s++) {
		const double *row = in->points + s * k;
		double dt = total[s] - tmean;
		tvar += dt * dt;
		for (size_t i = 0; i < k; i++) {
			double mx = sx[i] / (double)n;
			double dx = row[i] - mx;
			double dr = dt - dx; /* rest - mean rest */
			sxx[i] += dx * dx;
			srr[i] += dr * dr;
			sxr[i] += dx * dr;
		}
	}
	out->mean_total = tmean;
	out->sd_total = n ? sqrt(tvar / (double)n) : NAN;
	double item_var = 0;
	for (size_t i = 0; i < k; i++) {
		struct ia_item_result *r = &out->items[i];
		r->mean = n ? sx[i] / (double)n : NAN;
		r->p = n ? r->mean / in->items[i].max_points : NAN;
		r->rpb = (n >= 2 && sxx[i] > 0 && srr[i] > 0) ? sxr[i] / sqrt(sxx[i] * srr[i])
							      : NAN;
		r->distractor = -1;
		item_var += n ? sxx[i] / (double)n : 0;
	}
	out->alpha = (k >= 2 && n && tvar > 0)
			     ? (double)k / (double)(k - 1) * (1 - item_var / (tvar / (double)n))
			     : NAN;
	out->ntop = n ? (size_t)ceil(IA_HIGH_SHARE * (double)n) : 0;
	if ((e = top_scorers(total, n, out->ntop, top)))
		goto out;
	for (size_t s = 0; s < n && in->choice; s++) {
		const int8_t *row = in->choice + s * k;
		for (size_t i = 0; i < k; i++) {
			struct ia_item_result *r = &out->items[i];
			if (!in->items[i].nchoices)
				continue;
			int c = row[i];
			if (c < 0 || c >= in->items[i].nchoices) {
				r->blank++;
				r->top_blank += top[s];
			} else {
				r->counts[c]++;
				r->top_counts[c] += top[s];
			}
		}
	}
	out->flagged = n >= IA_MIN_STUDENTS;
	for (size_t i = 0; out->flagged && i < k; i++) {
		struct ia_item_result *r = &out->items[i];
		const struct ia_item *it = &in->items[i];
		if (r->p < IA_HARD_P)
			r->flags |= IA_FLAG_HARD;
		if (r->p > IA_EASY_P)
			r->flags |= IA_FLAG_EASY;
		if (!isnan(r->rpb) && r->rpb < 0)
			r->flags |= IA_FLAG_NEGATIVE_DISC;
		else if (!isnan(r->rpb) && r->rpb < IA_LOW_RPB)
			r->flags |= IA_FLAG_LOW_DISC;
		if (it->nchoices) {
			int best = -1;
			for (int c = 0; c < it->nchoices; c++)
				if (c != it->key &&
				    (best < 0 || r->top_counts[c] > r->top_counts[best]))
					best = c;
			if (best >= 0 && r->top_counts[best] > r->top_counts[it->key]) {
				r->flags |= IA_FLAG_DISTRACTOR;
				r->distractor = best;
			}
		}
	}
out:
	free(total);
	free(top);
	free(sx);
	free(sxx);
	free(srr);
	free(sxr);
	return e;
}
