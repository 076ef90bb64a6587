/* recovery.c - a fitted mastery model against the simulator's truth. */
#include "sim/recovery.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/standards.h"

/* Per skill: item guess/slip sums over responses (all, and conditioned on
 * the latent state), first-response mastery, and realised transitions. */
struct truth {
	double g, s, g0, s1;
	size_t n, n0, n1, chains, first_m, pairs1, fall, pairs0, rise;
};

static int resp_cmp(const void *a, const void *b)
{
	const struct sim_response *x = a, *y = b;
	if (x->student != y->student)
		return x->student < y->student ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->tool > y->tool) - (x->tool < y->tool);
}

struct sim_response *sim_recovery_responses(const struct sim_learning *l, size_t *n)
{
	size_t tot = 0, k = 0;
	for (int t = 0; t < SIM_TOOL_COUNT; t++) {
		size_t ne;
		const struct sim_event *ev = sim_learning_events(l, (enum sim_tool_id)t, &ne);
		for (size_t i = 0; i < ne; i++)
			tot += ev[i].kind == SIM_EV_ANSWERED;
	}
	struct sim_response *r = malloc((tot ? tot : 1) * sizeof *r);
	if (!r)
		return NULL;
	for (int t = 0; t < SIM_TOOL_COUNT; t++) {
		size_t ne;
		const struct sim_event *ev = sim_learning_events(l, (enum sim_tool_id)t, &ne);
		for (size_t i = 0; i < ne; i++)
			if (ev[i].kind == SIM_EV_ANSWERED)
				r[k++] = (struct sim_response){ ev[i].time,	ev[i].student,
								ev[i].standard, ev[i].item,
								(uint8_t)t,	ev[i].correct,
								ev[i].mastered };
	}
	qsort(r, k, sizeof *r, resp_cmp);
	*n = k;
	return r;
}

size_t sim_recovery_skill(const struct sim_response *r, int per_tool)
{
	return per_tool ? (size_t)r->tool * standards_count() + r->std : r->std;
}

/* Fills tr[0..ns) from the sorted responses. */
static int truth_compute(const struct sim_learning *l, const struct sim_response *r, size_t n,
			 int per_tool, size_t ns, struct truth *tr)
{
	int32_t *stamp = malloc(ns * sizeof *stamp);
	uint8_t *last = malloc(ns);
	if (!stamp || !last) {
		free(stamp);
		free(last);
		return -1;
	}
	for (size_t s = 0; s < ns; s++)
		stamp[s] = -1;
	memset(tr, 0, ns * sizeof *tr);
	for (size_t i = 0; i < n; i++) {
		size_t key = sim_recovery_skill(&r[i], per_tool);
		struct truth *t = &tr[key];
		double d, g, sl;
		sim_learning_item(l, (enum sim_tool_id)r[i].tool, r[i].std, r[i].item, &d, &g, &sl);
		t->g += g, t->s += sl, t->n++;
		if (r[i].mastered)
			t->s1 += sl, t->n1++;
		else
			t->g0 += g, t->n0++;
		if (stamp[key] != r[i].student) {
			stamp[key] = r[i].student;
			t->chains++;
			t->first_m += r[i].mastered;
		} else if (last[key]) {
			t->pairs1++;
			t->fall += !r[i].mastered;
		} else {
			t->pairs0++;
			t->rise += r[i].mastered;
		}
		last[key] = r[i].mastered;
	}
	free(stamp);
	free(last);
	return 0;
}

static void truth_compare(const struct mastery_model *m, const struct truth *tr, size_t ns,
			  size_t min_responses, struct sim_recovery *o)
{
	size_t k = 0;
	for (size_t s = 0; s < ns; s++) {
		const struct truth *t = &tr[s];
		int32_t sk = mastery_skill_index(m, (int32_t)s);
		if (t->n < min_responses || sk < 0 || !t->n0 || !t->n1 || !t->pairs1 || !t->pairs0)
			continue;
		struct mastery_bkt b = mastery_skill_bkt(m, sk);
		double fall = (double)t->fall / (double)t->pairs1;
		double rise = (double)t->rise / (double)t->pairs0;
		o->guess_mae += fabs(b.guess - t->g / (double)t->n);
		o->slip_mae += fabs(b.slip - t->s / (double)t->n);
		o->base_guess_mae += fabs(0.2 - t->g / (double)t->n);
		o->base_slip_mae += fabs(0.1 - t->s / (double)t->n);
		o->guess_cond_mae += fabs(b.guess - t->g0 / (double)t->n0);
		o->slip_cond_mae += fabs(b.slip - t->s1 / (double)t->n1);
		o->forget_mae += fabs(b.forget - fall);
		o->forget_fit_mean += b.forget, o->forget_true_mean += fall;
		o->prior_mae += fabs(b.prior - (double)t->first_m / (double)t->chains);
		o->learn_mae += fabs(b.learn - rise);
		o->learn_fit_mean += b.learn, o->learn_true_mean += rise;
		k++;
	}
	o->standards = k;
	if (!k)
		return;
	double *f[] = { &o->guess_mae,	      &o->slip_mae,	   &o->guess_cond_mae,
			&o->slip_cond_mae,    &o->forget_mae,	   &o->forget_fit_mean,
			&o->forget_true_mean, &o->prior_mae,	   &o->learn_mae,
			&o->learn_fit_mean,   &o->learn_true_mean, &o->base_guess_mae,
			&o->base_slip_mae };
	for (size_t i = 0; i < sizeof f / sizeof *f; i++)
		*f[i] /= (double)k;
}

int sim_recovery_compare(const struct sim_learning *l, const struct sim_response *r, size_t n,
			 const struct mastery_model *m, int per_tool, size_t min_responses,
			 struct sim_recovery *out)
{
	memset(out, 0, sizeof *out);
	size_t ns = standards_count() * (per_tool ? SIM_TOOL_COUNT : 1);
	struct truth *tr = calloc(ns ? ns : 1, sizeof *tr);
	if (!tr)
		return -1;
	if (truth_compute(l, r, n, per_tool, ns, tr)) {
		free(tr);
		return -1;
	}
	truth_compare(m, tr, ns, min_responses, out);
	free(tr);
	return 0;
}
