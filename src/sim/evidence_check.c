/* evidence_check.c - see evidence_check.h. */
#include "sim/evidence_check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/evaluation.h"
#include "sim/district.h"
#include "sim/learning.h"

/* The analysis rows of one tool: every student of the tool's licensed
 * grades with both scores; users = minutes > 0 over the period. */
static size_t tool_rows(const struct sim_learning *l, enum sim_tool_id tool, bool pretest_only,
			struct eval_row *rows)
{
	const struct sim_district *d = sim_learning_district(l);
	size_t ns, nt;
	const struct sim_student *st = sim_students(d, &ns);
	const struct sim_tool *t = &sim_tools(&nt)[tool];
	size_t n = 0;
	for (size_t i = 0; i < ns; i++) {
		if (st[i].grade < t->lo_grade || st[i].grade > t->hi_grade)
			continue;
		int minutes, sessions;
		sim_learning_usage(l, i, tool, -1, &minutes, &sessions);
		struct eval_row *r = &rows[n++];
		memset(r, 0, sizeof *r);
		r->pre = sim_learning_pretest(l, i);
		r->prior = sim_learning_prior(l, i);
		r->post = sim_learning_posttest(l, i);
		r->minutes = minutes;
		r->treated = minutes > 0;
		r->grade = st[i].grade;
		r->school = st[i].school;
		r->cluster = st[i].class_index;
		r->el = st[i].english_learner;
		r->swd = st[i].disability;
		r->female = !pretest_only && st[i].sex == SIM_FEMALE;
		size_t k = 0;
		for (int o = 0; o < SIM_TOOL_COUNT && k < 4; o++)
			if (o != (int)tool) {
				sim_learning_usage(l, i, (enum sim_tool_id)o, -1, &minutes,
						   &sessions);
				r->other[k++] = minutes;
			}
	}
	return n;
}

enum eb_err evcheck_run(const struct evcheck_params *p, struct evcheck_result *out)
{
	memset(out, 0, sizeof *out);
	if (p->seeds < 1)
		return EB_EINVAL;
	double t0 = time_mono();
	int fp = 0, cover = 0, hit = 0, ok0 = 0, ok1 = 0;
	double naive = 0, g0 = 0, bias = 0, nsum = 0, truth = 0;
	struct eval_result *res = malloc(sizeof *res);
	if (!res)
		return EB_ENOMEM;
	enum eb_err e = EB_OK;
	for (int s = 0; s < p->seeds && !e; s++) {
		struct sim_params sp;
		sim_params_default(&sp);
		sp.seed = p->first_seed + (uint64_t)s + 1;
		sp.students = p->students > 0 ? p->students : 3000;
		struct sim_district *dist = NULL;
		struct sim_learning *l = NULL;
		struct sim_learning_params lp;
		sim_learning_params_default(&lp);
		struct eval_row *rows = NULL;
		size_t ns;
		if ((e = sim_district_build(&sp, &dist)) || (e = sim_learning_run(dist, &lp, &l)))
			goto next;
		sim_students(dist, &ns);
		if (!(rows = malloc((ns + 1) * sizeof *rows))) {
			e = EB_ENOMEM;
			goto next;
		}
		static const char *school_names[4096];
		size_t nsch;
		sim_schools(dist, &nsch);
		for (size_t k = 0; k < nsch && k < 4096; k++)
			school_names[k] = "school";
		for (int scen = 0; scen < 2; scen++) {
			enum sim_tool_id tool = scen ? SIM_TOOL_PRACTICE : SIM_TOOL_VIDEO;
			struct eval_data d = { .design = EVAL_MATCHED,
					       .rows = rows,
					       .n = tool_rows(l, tool, p->pretest_only, rows),
					       .school_names = school_names,
					       .nschools = p->pretest_only ? 0 : nsch,
					       .has_prior = !p->pretest_only,
					       .nother = p->pretest_only ? 0 : 4,
					       .icc = -1,
					       .no_subgroups = true,
					       .tool = "the tool" };
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
				double te = sim_learning_true_effect_sd(l, tool);
				ok1++;
				truth += te;
				cover += est->ci_lo <= te && te <= est->ci_hi;
				hit += est->significant && est->g > 0;
				bias += est->g - te;
			}
		}
next:
		free(rows);
		sim_learning_free(l);
		sim_district_free(dist);
	}
	free(res);
	if (e)
		return e;
	out->seeds = p->seeds;
	out->false_positive_rate = ok0 ? (double)fp / ok0 : 0;
	out->naive_difference_mean = ok0 ? naive / ok0 : 0;
	out->null_mean_g = ok0 ? g0 / ok0 : 0;
	out->mean_n = ok0 ? nsum / ok0 : 0;
	out->true_effect_mean = ok1 ? truth / ok1 : 0;
	out->coverage = ok1 ? (double)cover / ok1 : 0;
	out->mean_bias = ok1 ? bias / ok1 : 0;
	out->power = ok1 ? (double)hit / ok1 : 0;
	out->seconds = time_mono() - t0;
	return EB_OK;
}
