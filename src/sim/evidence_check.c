/* evidence_check.c - see evidence_check.h. */
#include "sim/evidence_check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/timeutil.h"
#include "domain/evaluation.h"
#include "sim/district.h"

struct world {
	size_t n;
	struct eval_row *rows;
	double *pre, *y0, *u;	/* per row: pretest, untreated outcome, use draw */
	int *use;
	double sd_y0;
};

/* Draws the scores and use for one seed from the simulated district. */
static enum eb_err make_world(const struct evcheck_params *p, uint64_t seed, struct world *w)
{
	struct sim_params sp;
	sim_params_default(&sp);
	sp.seed = seed;
	sp.students = p->students > 0 ? p->students : 3000;
	struct sim_district *d;
	enum eb_err e = sim_district_build(&sp, &d);
	if (e)
		return e;
	size_t ns, nc;
	const struct sim_student *st = sim_students(d, &ns);
	const struct sim_class *cl = sim_classes(d, &nc);
	(void)cl;
	struct rng r;
	rng_seed(&r, seed * 0x9E3779B97F4A7C15ull + 17);
	double *uc = malloc((nc + 1) * sizeof *uc);
	w->rows = malloc((ns + 1) * sizeof *w->rows);
	w->y0 = malloc((ns + 1) * sizeof *w->y0);
	w->use = malloc((ns + 1) * sizeof *w->use);
	if (!uc || !w->rows || !w->y0 || !w->use) {
		free(uc);
		sim_district_free(d);
		return EB_ENOMEM;
	}
	for (size_t c = 0; c < nc; c++)
		uc[c] = 0.35 * rng_normal(&r);
	w->n = 0;
	double sum = 0, sq = 0;
	for (size_t i = 0; i < ns; i++) {
		if (st[i].grade < 3)
			continue; /* the initiative targets grades 3-8 */
		double ab = sim_student_ability(d, i), mo = sim_student_motivation(d, i);
		double pre = 0.6 * ab + 0.5 * mo + uc[st[i].class_index] + 0.5 * rng_normal(&r);
		int use = rng_uniform(&r) < 1 / (1 + exp(-(-0.4 + 1.2 * mo)));
		double y0 = 0.8 * pre + 0.55 * rng_normal(&r);
		struct eval_row *row = &w->rows[w->n];
		row->pre = pre;
		row->post = y0;
		row->minutes = use ? 20 + 40 * rng_uniform(&r) : 0;
		row->treated = use;
		row->grade = st[i].grade;
		row->school = st[i].school;
		row->cluster = st[i].class_index;
		row->el = st[i].english_learner;
		row->swd = st[i].disability;
		w->y0[w->n] = y0;
		w->use[w->n] = use;
		sum += y0;
		sq += y0 * y0;
		w->n++;
	}
	double m = sum / (double)w->n;
	w->sd_y0 = sqrt((sq - (double)w->n * m * m) / (double)(w->n - 1));
	free(uc);
	sim_district_free(d);
	return EB_OK;
}

enum eb_err evcheck_run(const struct evcheck_params *p, struct evcheck_result *out)
{
	memset(out, 0, sizeof *out);
	if (p->seeds < 1)
		return EB_EINVAL;
	double effect = p->effect > 0 ? p->effect : 0.15;
	double t0 = time_mono();
	int fp = 0, cover = 0, hit = 0, ok0 = 0, ok1 = 0;
	double naive = 0, g0 = 0, bias = 0, nsum = 0;
	struct eval_result *res = malloc(sizeof *res);
	if (!res)
		return EB_ENOMEM;
	static const char *no_names[1] = { "" };
	for (int s = 0; s < p->seeds; s++) {
		struct world w = { 0 };
		enum eb_err e = make_world(p, p->first_seed + (uint64_t)s + 1, &w);
		if (e) {
			free(w.rows);
			free(w.y0);
			free(w.use);
			free(res);
			return e;
		}
		struct eval_data d = { .design = EVAL_MATCHED, .rows = w.rows, .n = w.n,
				       .school_names = no_names, .nschools = 0, .icc = -1,
				       .no_subgroups = true, .tool = "the tool" };
		for (int scen = 0; scen < 2; scen++) {
			double delta = scen ? effect * w.sd_y0 : 0;
			for (size_t i = 0; i < w.n; i++)
				w.rows[i].post = w.y0[i] + delta * w.use[i];
			char why[256];
			if (eval_run(&d, res, why, sizeof why)) {
				out->failed++;
				continue;
			}
			const struct ev_estimate *est = &res->est;
			if (scen == 0) {
				ok0++;
				fp += est->significant && est->g > 0;
				naive += res->naive_g;
				g0 += est->g;
				nsum += est->n_t + est->n_c;
			} else {
				ok1++;
				cover += est->ci_lo <= effect && effect <= est->ci_hi;
				hit += est->significant && est->g > 0;
				bias += est->g - effect;
			}
		}
		free(w.rows);
		free(w.y0);
		free(w.use);
	}
	free(res);
	out->seeds = p->seeds;
	out->false_positive_rate = ok0 ? (double)fp / ok0 : 0;
	out->naive_difference_mean = ok0 ? naive / ok0 : 0;
	out->null_mean_g = ok0 ? g0 / ok0 : 0;
	out->mean_n = ok0 ? nsum / ok0 : 0;
	out->coverage = ok1 ? (double)cover / ok1 : 0;
	out->mean_bias = ok1 ? bias / ok1 : 0;
	out->power = ok1 ? (double)hit / ok1 : 0;
	out->seconds = time_mono() - t0;
	return EB_OK;
}
