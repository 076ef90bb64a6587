/* coaching_check.c - see coaching_check.h. */
#include "sim/coaching_check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/timeutil.h"
#include "domain/coaching_impact.h"
#include "sim/district.h"
#include "sim/learning.h"

#define GOALS 3 /* focus standards 2, 3 and 4 */
#define GUESS 0.20
#define SLIP 0.10
#define TRACKED_CAP 64

/* One class of the study. */
struct cc_class {
	int grade, teacher;
	double pre, post0, post1; /* post0: no coaching effect; post1: with it */
	double turned;		  /* share of (student, goal) cells coaching turned */
	int coached;
};

/* Measures every class (pre; post without and with the effect for coached
 * classes) and chooses the coached teachers. */
static enum eb_err measure(const struct sim_learning *l, uint64_t seed, double boost,
			   struct cc_class *cc, size_t nc)
{
	const struct sim_district *d = sim_learning_district(l);
	size_t ncl, nm, nt;
	const struct sim_class *cls = sim_classes(d, &ncl);
	const int *members = sim_class_members(d, &nm);
	sim_teachers(d, &nt);
	const struct standard *goals[9][GOALS];
	bool has_goals[9] = { false };
	for (int g = 0; g <= 8; g++) {
		const struct standard *tracked[TRACKED_CAP];
		size_t nfocus = 0;
		sim_learning_tracked(l, g, tracked, TRACKED_CAP, &nfocus);
		if (nfocus < 2 + GOALS)
			continue;
		for (int k = 0; k < GOALS; k++)
			goals[g][k] = tracked[2 + k];
		has_goals[g] = true;
	}
	struct rng items, flips, choice;
	rng_seed(&items, seed * 7919 + 11);
	rng_seed(&flips, seed * 7919 + 13);
	rng_seed(&choice, seed * 7919 + 17);
	/* pre of every class: the measurement at the cycle's start */
	double gsum[9] = { 0 }, gn[9] = { 0 };
	for (size_t c = 0; c < nc; c++) {
		const struct sim_class *k = &cls[c];
		cc[c] = (struct cc_class){ .grade = k->grade, .teacher = k->teacher, .pre = -1 };
		if (k->grade < 0 || k->grade > 8 || !has_goals[k->grade] || k->nmembers < 2)
			continue;
		double sum = 0;
		for (int m = 0; m < k->nmembers; m++) {
			size_t s = (size_t)members[k->first_member + m];
			int right = 0;
			for (int g = 0; g < GOALS; g++) {
				int st = sim_learning_mastered(l, s, goals[k->grade][g],
							       COACH_SIM_START);
				for (int i = 0; i < COACH_SIM_ITEMS; i++)
					right += rng_uniform(&items) < (st == 1 ? 1 - SLIP : GUESS);
			}
			sum += (double)right / (GOALS * COACH_SIM_ITEMS);
		}
		cc[c].pre = sum / k->nmembers;
		gsum[k->grade] += cc[c].pre, gn[k->grade]++;
	}
	/* who is coached: per teacher, from their classes' distance to the
	 * grade's mean (struggling classes are sent a coach) */
	double *tz = calloc(nt ? nt : 1, sizeof *tz), *tn = calloc(nt ? nt : 1, sizeof *tn);
	int *tc = calloc(nt ? nt : 1, sizeof *tc);
	if (!tz || !tn || !tc) {
		free(tz);
		free(tn);
		free(tc);
		return EB_ENOMEM;
	}
	for (size_t c = 0; c < nc; c++)
		if (cc[c].pre >= 0 && cc[c].teacher >= 0 && (size_t)cc[c].teacher < nt) {
			tz[cc[c].teacher] += cc[c].pre - gsum[cc[c].grade] / gn[cc[c].grade];
			tn[cc[c].teacher]++;
		}
	for (size_t t = 0; t < nt; t++) {
		double z = tn[t] ? tz[t] / tn[t] : 0;
		tc[t] = rng_bernoulli(&choice, 1 / (1 + exp(1.0 + 25 * z)));
	}
	/* post: the same item draws with and without the turned cells */
	for (size_t c = 0; c < nc; c++) {
		const struct sim_class *k = &cls[c];
		if (cc[c].pre < 0)
			continue;
		cc[c].coached = tc[cc[c].teacher];
		double s0 = 0, s1 = 0;
		int turned = 0;
		for (int m = 0; m < k->nmembers; m++) {
			size_t s = (size_t)members[k->first_member + m];
			int r0 = 0, r1 = 0;
			for (int g = 0; g < GOALS; g++) {
				int st = sim_learning_mastered(l, s, goals[k->grade][g],
							       COACH_SIM_END) == 1;
				double u = rng_uniform(&flips);
				int st1 = st || (cc[c].coached && u < boost);
				turned += st1 != st;
				for (int i = 0; i < COACH_SIM_ITEMS; i++) {
					double v = rng_uniform(&items);
					r0 += v < (st ? 1 - SLIP : GUESS);
					r1 += v < (st1 ? 1 - SLIP : GUESS);
				}
			}
			s0 += (double)r0 / (GOALS * COACH_SIM_ITEMS);
			s1 += (double)r1 / (GOALS * COACH_SIM_ITEMS);
		}
		cc[c].post0 = s0 / k->nmembers;
		cc[c].post1 = s1 / k->nmembers;
		cc[c].turned = (double)turned / ((double)k->nmembers * GOALS);
	}
	free(tz);
	free(tn);
	free(tc);
	return EB_OK;
}

/* The design's rows: each coached class, then every class of its grade
 * whose teacher is not coached, as its candidates (post with or without
 * the effect). *n gets the count. */
static size_t units_of(const struct cc_class *cc, size_t nc, bool effect,
		       struct coaching_impact_unit *u)
{
	size_t n = 0, target = 0;
	for (size_t c = 0; c < nc; c++) {
		if (cc[c].pre < 0 || !cc[c].coached)
			continue;
		u[n++] = (struct coaching_impact_unit){
			(int64_t)c, cc[c].teacher, 1,
			target,	    cc[c].pre,	   effect ? cc[c].post1 : cc[c].post0
		};
		for (size_t o = 0; o < nc; o++)
			if (cc[o].pre >= 0 && !cc[o].coached && cc[o].grade == cc[c].grade)
				u[n++] = (struct coaching_impact_unit){ (int64_t)o, cc[o].teacher,
									0,	    target,
									cc[o].pre,  cc[o].post0 };
		target++;
	}
	return n;
}

enum eb_err coachcheck_run(const struct coachcheck_params *p, struct coachcheck_result *out)
{
	memset(out, 0, sizeof *out);
	if (p->seeds < 1)
		return EB_EINVAL;
	double boost = p->boost > 0 ? p->boost : COACH_SIM_BOOST;
	double t0 = time_mono();
	int fp = 0, cover = 0, hit = 0, ok0 = 0, ok1 = 0;
	double truth = 0, bias = 0, naive = 0, d0 = 0, ncoached = 0, ncompared = 0;
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
		struct cc_class *cc = NULL;
		struct coaching_impact_unit *u = NULL;
		struct coaching_impact_pair *pairs = NULL;
		size_t nc;
		if ((e = sim_district_build(&sp, &dist)) || (e = sim_learning_run(dist, &lp, &l)))
			goto next;
		sim_classes(dist, &nc);
		cc = calloc(nc ? nc : 1, sizeof *cc);
		u = calloc(nc * nc + 1, sizeof *u);
		pairs = calloc(nc * nc + 1, sizeof *pairs);
		if (!cc || !u || !pairs) {
			e = EB_ENOMEM;
			goto next;
		}
		if ((e = measure(l, sp.seed, boost, cc, nc)))
			goto next;
		double pc = 0, po = 0, npc = 0, npo = 0;
		for (size_t c = 0; c < nc; c++)
			if (cc[c].pre >= 0) {
				*(cc[c].coached ? &pc : &po) += cc[c].post0;
				*(cc[c].coached ? &npc : &npo) += 1;
			}
		for (int variant = 0; variant < 2; variant++) {
			size_t n = units_of(cc, nc, variant == 1, u);
			struct coaching_impact r;
			if ((e = coaching_impact_run(u, n, pairs, nc * nc + 1, &r)))
				goto next;
			if (!r.shown) {
				out->failed++;
				continue;
			}
			if (variant == 0) {
				ok0++;
				fp += r.significant && r.diff > 0;
				d0 += r.diff;
				naive += (npc ? pc / npc : 0) - (npo ? po / npo : 0);
				ncoached += r.n_coached, ncompared += r.n_compared;
				continue;
			}
			double te = 0;
			for (size_t i = 0; i < r.npairs; i++)
				if (r.pairs[i].coached)
					te += (1 - SLIP - GUESS) *
					      cc[u[r.pairs[i].unit].cls].turned;
			te /= r.n_coached;
			ok1++;
			truth += te;
			cover += r.lo <= te && te <= r.hi;
			hit += r.significant && r.diff > 0;
			bias += r.diff - te;
		}
next:
		free(cc);
		free(u);
		free(pairs);
		sim_learning_free(l);
		sim_district_free(dist);
	}
	if (e)
		return e;
	out->seeds = p->seeds;
	out->false_positive_rate = ok0 ? (double)fp / ok0 : 0;
	out->naive_difference_mean = ok0 ? naive / ok0 : 0;
	out->null_mean_diff = ok0 ? d0 / ok0 : 0;
	out->coached_mean = ok0 ? ncoached / ok0 : 0;
	out->compared_mean = ok0 ? ncompared / ok0 : 0;
	out->coverage = ok1 ? (double)cover / ok1 : 0;
	out->power = ok1 ? (double)hit / ok1 : 0;
	out->true_effect_mean = ok1 ? truth / ok1 : 0;
	out->mean_bias = ok1 ? bias / ok1 : 0;
	out->seconds = time_mono() - t0;
	return EB_OK;
}
