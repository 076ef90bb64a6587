/* learning.c - latent mastery process and tool usage of the simulated
 * district (see learning.h and docs/simulator.md).
 *
 * Two phases per student, each on its own random stream so that the latent
 * process can be re-run with a tool switched off on the same numbers:
 *   A (usage)   which tools, minutes, sessions, and every record's time,
 *               standard and item: independent of the latent state;
 *   B (latent)  prior states, class instruction, responses and learning per
 *               record, weekly forgetting; a fixed number of draws per record
 *               whatever the state, so counterfactual runs stay coupled. */
#include "sim/learning.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/timeutil.h"

#define PLAN_MAX 64 /* tracked standards per grade */
#define PRE_MAX 12  /* prerequisites kept per standard */
#define FOCUS_WEEKS 3
#define REVIEW_P 0.15	  /* share of tool items on a prerequisite or earlier standard */
#define ABILITY_LEARN 0.3 /* logit slope of learning on ability */
#define PREREQ_LEARN 1.2  /* logit slope on the share of prerequisites mastered (centred) */
#define MOTIV_PRIOR 0.3	  /* logit slope of prior mastery on motivation */

static const struct sim_tool tools[SIM_TOOL_COUNT] = {
	[SIM_TOOL_PRACTICE] = {
		.id = SIM_TOOL_PRACTICE, .key = "practice", .name = "Numberwise Adaptive Practice",
		.vendor = "Numberwise Learning", .domain = "practice.numberwise.example",
		.format = SIM_FORMAT_XAPI, .lo_grade = 0, .hi_grade = 8,
		.adopt_logit = 0.0, .user_logit = 1.5, .motiv_slope = 0.3,
		.minutes = 55, .session_minutes = 20, .items_per_minute = 0.2,
		.learn_p = 0.023, .guess = 0.20, .slip = 0.10,
	},
	[SIM_TOOL_VIDEO] = {
		.id = SIM_TOOL_VIDEO, .key = "video", .name = "MathView Video Library",
		.vendor = "MathView Media", .domain = "video.mathview.example",
		.format = SIM_FORMAT_CALIPER, .lo_grade = 0, .hi_grade = 8,
		.adopt_logit = 3.0, .user_logit = -0.9, .motiv_slope = 1.5,
		.minutes = 14, .session_minutes = 6, .items_per_minute = 0,
		.learn_p = 0, .guess = 0, .slip = 0,
	},
	[SIM_TOOL_TUTOR] = {
		.id = SIM_TOOL_TUTOR, .key = "tutor", .name = "StepWise Math Tutor",
		.vendor = "StepWise Inc.", .domain = "tutor.stepwise.example",
		.format = SIM_FORMAT_XAPI, .lo_grade = 3, .hi_grade = 8,
		.adopt_logit = 0.0, .user_logit = 1.0, .motiv_slope = 0.2,
		.minutes = 30, .session_minutes = 15, .items_per_minute = 0.25,
		.learn_p = 0.06, .guess = 0.15, .slip = 0.08,
	},
	[SIM_TOOL_QUIZ] = {
		.id = SIM_TOOL_QUIZ, .key = "quiz", .name = "QuickCheck Quizzes",
		.vendor = "QuickCheck", .domain = "quickcheck.example",
		.format = SIM_FORMAT_CSV_ITEMS, .lo_grade = 2, .hi_grade = 8,
		.adopt_logit = 0.3, .user_logit = 3.0, .motiv_slope = 0.0,
		.minutes = 10, .session_minutes = 10, .items_per_minute = 0.5,
		.learn_p = 0.01, .guess = 0.25, .slip = 0.10,
	},
	[SIM_TOOL_FLUENCY] = {
		.id = SIM_TOOL_FLUENCY, .key = "fluency", .name = "FactBlast Fluency Game",
		.vendor = "FactBlast Games", .domain = "factblast.example",
		.format = SIM_FORMAT_CSV_USAGE, .lo_grade = 1, .hi_grade = 5,
		.adopt_logit = -0.3, .user_logit = 0.5, .motiv_slope = 0.4,
		.minutes = 20, .session_minutes = 10, .items_per_minute = 2.0,
		.learn_p = 0.03, .guess = 0.10, .slip = 0.05,
	},
};

const struct sim_tool *sim_tools(size_t *n)
{
	if (n)
		*n = SIM_TOOL_COUNT;
	return tools;
}

void sim_learning_params_default(struct sim_learning_params *p)
{
	p->seed = 0;
	p->weeks = 12;
	p->dosage = 1.0;
	p->focus_per_grade = 8;
	p->forget_p = 0.01;
	p->class_learn_p = 0.12;
	p->class_opportunities = 2;
}

struct plan {
	size_t n, nfocus;
	uint16_t std[PLAN_MAX]; /* catalog indices; focus first */
	uint8_t npre[PLAN_MAX];
	uint8_t pre[PLAN_MAX][PRE_MAX]; /* plan positions */
	uint8_t focus_start[PLAN_MAX];	/* first week in focus (focus only) */
};

struct sim_learning {
	const struct sim_district *d;
	struct sim_learning_params p;
	uint64_t seed;
	size_t nstudents, ncatalog;
	struct plan plans[SIM_GRADE_MAX + 1];
	int16_t *pos; /* [grade * ncatalog + catalog index] -> plan position or -1 */
	int32_t week0_day;
	uint32_t *hist;	   /* [student * PLAN_MAX + pos]: bit w = state at start of week w */
	uint16_t *minutes; /* [(student * TOOLS + tool) * weeks + week] */
	uint8_t *sessions;
	uint8_t *adopt; /* [teacher * TOOLS + tool] */
	double *pre, *post, *prior;
	double post_mu[SIM_GRADE_MAX + 1], post_sd[SIM_GRADE_MAX + 1];
	double effect_sd[SIM_TOOL_COUNT];
	size_t users[SIM_TOOL_COUNT];
	struct sim_event *all; /* student-major, time order within a student */
	size_t nall, capall;
	size_t *soff; /* nstudents + 1 */
	struct sim_event *ev[SIM_TOOL_COUNT];
	size_t nev[SIM_TOOL_COUNT];
};

/* ---- small helpers ---- */

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a ^ (b * 0x9e3779b97f4a7c15ULL) ^ (c * 0xc2b2ae3d27d4eb4fULL);
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static double sigmoid(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

static double logit(double p)
{
	return log(p / (1.0 - p));
}

static double clampd(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* ---- plans ---- */

static void plan_build(struct sim_learning *l, int grade)
{
	struct plan *pl = &l->plans[grade];
	int16_t *pos = l->pos + (size_t)grade * l->ncatalog;
	memset(pl, 0, sizeof(*pl));
	for (size_t i = 0; i < l->ncatalog && pl->n < (size_t)l->p.focus_per_grade; i++) {
		const struct standard *s = standards_at(i);
		if (s->grade == grade && s->kind == STANDARD_STANDARD &&
		    s->emphasis == EMPHASIS_MAJOR) {
			pos[i] = (int16_t)pl->n;
			pl->std[pl->n++] = (uint16_t)i;
		}
	}
	pl->nfocus = pl->n;
	/* prerequisites of the focus standards (one level), in the order met */
	for (size_t j = 0; j < pl->nfocus; j++) {
		const struct standard *pre[32];
		size_t np = standards_prereqs(standards_at(pl->std[j]), pre, 32);
		if (np > 32)
			np = 32;
		for (size_t k = 0; k < np && pl->n < PLAN_MAX; k++) {
			if (pre[k]->kind == STANDARD_CLUSTER || pre[k]->kind == STANDARD_PRACTICE)
				continue;
			if (pos[pre[k]->index] < 0) {
				pos[pre[k]->index] = (int16_t)pl->n;
				pl->std[pl->n++] = (uint16_t)pre[k]->index;
			}
		}
	}
	/* links within the plan, for every tracked standard */
	for (size_t j = 0; j < pl->n; j++) {
		const struct standard *pre[32];
		size_t np = standards_prereqs(standards_at(pl->std[j]), pre, 32);
		if (np > 32)
			np = 32;
		for (size_t k = 0; k < np && pl->npre[j] < PRE_MAX; k++) {
			int16_t q = pos[pre[k]->index];
			if (q >= 0 && (size_t)q != j)
				pl->pre[j][pl->npre[j]++] = (uint8_t)q;
		}
	}
	for (size_t j = 0; j < pl->nfocus; j++) {
		int w = (int)(j * (size_t)l->p.weeks / pl->nfocus);
		pl->focus_start[j] = (uint8_t)w;
	}
}

static bool in_focus(const struct plan *pl, size_t j, int week)
{
	return j < pl->nfocus && week >= pl->focus_start[j] &&
	       week < pl->focus_start[j] + FOCUS_WEEKS;
}

/* A plan position for a tool item in `week`: a focus standard in focus, or
 * with REVIEW_P a prerequisite of one (or an earlier focus standard). */
static size_t pick_standard(const struct plan *pl, int week, struct rng *r)
{
	size_t act[PLAN_MAX], na = 0;
	for (size_t j = 0; j < pl->nfocus; j++)
		if (in_focus(pl, j, week))
			act[na++] = j;
	if (na == 0)
		act[na++] = pl->nfocus - 1;
	size_t j = act[rng_below(r, na)];
	double u = rng_uniform(r);
	if (u < REVIEW_P) {
		if (pl->npre[j])
			return pl->pre[j][rng_below(r, pl->npre[j])];
		return (size_t)rng_below(r, j + 1);
	}
	return j;
}

/* ---- phase A: usage and records ---- */

static int push(struct sim_learning *l, const struct sim_event *e)
{
	if (l->nall == l->capall) {
		size_t cap = l->capall ? l->capall * 2 : 65536;
		struct sim_event *n = realloc(l->all, cap * sizeof(*n));
		if (!n)
			return -1;
		l->all = n;
		l->capall = cap;
	}
	l->all[l->nall++] = *e;
	return 0;
}

static int64_t session_time(const struct sim_learning *l, int week, bool home, struct rng *r)
{
	int32_t day = l->week0_day + 7 * week + (int32_t)rng_below(r, 5);
	/* school day 13:30Z (08:30 Eastern) .. +6 h; at home up to +10 h */
	int64_t sec = 13 * 3600 + 1800 + (int64_t)rng_below(r, (home ? 10 : 6) * 3600);
	return (int64_t)day * 86400 + sec;
}

static int gen_items(struct sim_learning *l, const struct sim_tool *t, const struct plan *pl,
		     int32_t s, int week, int sess, double minutes, struct rng *r)
{
	bool home = t->id == SIM_TOOL_FLUENCY || t->id == SIM_TOOL_VIDEO;
	int64_t at = session_time(l, week, home, r);
	struct sim_event e = { 0 };
	e.student = s;
	e.tool = (uint8_t)t->id;
	e.week = (uint8_t)week;
	e.sessions = (uint8_t)(sess + 1);
	if (t->id == SIM_TOOL_VIDEO) {
		/* one view: Viewed, Started, maybe Paused/Resumed, Ended */
		size_t j = pick_standard(pl, week, r);
		unsigned video = (unsigned)rng_below(r, SIM_ITEMS_PER_STANDARD);
		int len = 240 + (int)rng_below(r, 300); /* 4-9 minutes */
		int watched = (int)(len * (0.5 + 0.5 * rng_uniform(r)));
		bool pause = rng_uniform(r) < 0.3;
		int paused_at = watched / 2, pause_len = 20 + (int)rng_below(r, 120);
		e.standard = pl->std[j];
		e.item = (uint16_t)video;
		e.seconds = (uint16_t)len;
		static const uint8_t kinds[] = { SIM_EV_VIEWED, SIM_EV_STARTED, SIM_EV_PAUSED,
						 SIM_EV_RESUMED, SIM_EV_ENDED };
		for (int k = 0; k < 5; k++) {
			if (!pause && (kinds[k] == SIM_EV_PAUSED || kinds[k] == SIM_EV_RESUMED))
				continue;
			e.kind = kinds[k];
			e.session_seq = (uint8_t)k;
			e.time = at + (k >= 2 ? paused_at : 0) + (k >= 3 ? pause_len : 0) +
				 (k == 4 ? watched - paused_at : 0) + (k == 1 ? 2 : 0);
			e.attempted = (uint16_t)(k == 4	  ? watched
						 : k >= 2 ? paused_at
							  : 0); /* media position */
			if (push(l, &e))
				return -1;
		}
		(void)minutes;
		return 0;
	}
	if (t->id == SIM_TOOL_FLUENCY) {
		/* handled per week in gen_week */
		return 0;
	}
	int n = (int)lround(minutes * t->items_per_minute);
	if (t->id == SIM_TOOL_QUIZ)
		n = 5;
	if (n < 1)
		n = 1;
	double per = minutes * 60.0 / n;
	int seq = 0;
	if (t->id == SIM_TOOL_TUTOR) {
		size_t j = pick_standard(pl, week, r);
		e.kind = SIM_EV_EXPERIENCED;
		e.standard = pl->std[j];
		e.item = (uint16_t)rng_below(r, SIM_ITEMS_PER_STANDARD);
		e.seconds = (uint16_t)(60 + rng_below(r, 120));
		e.time = at;
		e.session_seq = (uint8_t)seq++;
		if (push(l, &e))
			return -1;
		at += e.seconds;
	}
	int64_t start = at;
	for (int i = 0; i < n; i++) {
		size_t j = pick_standard(pl, week, r);
		e.kind = SIM_EV_ANSWERED;
		e.standard = pl->std[j];
		e.item = (uint16_t)rng_below(r, SIM_ITEMS_PER_STANDARD);
		/* answering takes part of the item's share of the session; the
		 * rest is the tool's instruction, hints and feedback */
		e.seconds = (uint16_t)clampd(per * (0.25 + 0.3 * rng_uniform(r)), 8, 1800);
		e.points = (uint8_t)(t->id == SIM_TOOL_QUIZ ? 1 + (e.item % 4 == 3) : 1);
		at += (int64_t)lround(per * (0.8 + 0.4 * rng_uniform(r)));
		e.time = at;
		e.session_seq = (uint8_t)(seq < 255 ? seq++ : 255);
		if (push(l, &e))
			return -1;
	}
	if (t->id == SIM_TOOL_PRACTICE) {
		e.kind = SIM_EV_COMPLETED;
		e.standard = pl->std[pick_standard(pl, week, r)];
		e.item = (uint16_t)week;
		e.seconds = (uint16_t)clampd((double)(at - start), 1, 65535);
		e.time = at + 1;
		e.points = 0;
		e.session_seq = (uint8_t)(seq < 255 ? seq : 255);
		if (push(l, &e))
			return -1;
	}
	return 0;
}

static int gen_student(struct sim_learning *l, size_t s)
{
	size_t nst;
	const struct sim_student *st = &sim_students(l->d, &nst)[s];
	size_t ncls;
	const struct sim_class *cls = &sim_classes(l->d, &ncls)[st->class_index];
	const struct plan *pl = &l->plans[st->grade];
	struct rng r;
	rng_seed(&r, mix(l->seed, 0xA, s));
	int W = l->p.weeks;
	for (int t = 0; t < SIM_TOOL_COUNT; t++) {
		const struct sim_tool *tool = &tools[t];
		double enth = sim_teacher_tech_enthusiasm(l->d, (size_t)cls->teacher);
		bool adopted = l->adopt[(size_t)cls->teacher * SIM_TOOL_COUNT + (size_t)t];
		double u = rng_uniform(&r);
		bool user = adopted && pl->nfocus > 0 && st->grade >= tool->lo_grade &&
			    st->grade <= tool->hi_grade &&
			    u < sigmoid(tool->user_logit + tool->motiv_slope * st->motivation);
		double personal = exp(0.25 * st->motivation + 0.2 * rng_normal(&r));
		for (int w = 0; w < W; w++) {
			double active = rng_uniform(&r), noise = rng_normal(&r);
			if (!user || active > 0.9)
				continue;
			double m = tool->minutes * l->p.dosage * (0.5 + enth) * personal *
				   exp(0.3 * noise);
			if (t == SIM_TOOL_QUIZ)
				m = tool->minutes * (0.7 + 0.6 * rng_uniform(&r));
			m = clampd(m, 3, 3 * tool->minutes * l->p.dosage + 3);
			int ns = (int)lround(m / tool->session_minutes);
			if (t == SIM_TOOL_QUIZ)
				ns = 1;
			if (ns < 1)
				ns = 1;
			if (ns > 7)
				ns = 7;
			if (t == SIM_TOOL_FLUENCY) {
				/* one summary row per standard practised this week (1 or 2) */
				int rows = 1 + (rng_uniform(&r) < 0.4 && ns > 1);
				int used_min = 0;
				size_t first = pick_standard(pl, w, &r);
				for (int k = 0; k < rows; k++) {
					size_t j = k == 0 ? first : pick_standard(pl, w, &r);
					if (k == 1 && j == first)
						break;
					struct sim_event e = { 0 };
					double rm = rows == 1 ? m : m * (k == 0 ? 0.6 : 0.4);
					e.student = (int32_t)s;
					e.tool = (uint8_t)t;
					e.week = (uint8_t)w;
					e.kind = SIM_EV_USAGE;
					e.standard = pl->std[j];
					e.seconds = (uint16_t)lround(rm); /* minutes */
					e.sessions = (uint8_t)(rows == 1 ? ns
									 : (k == 0 ? ns - ns / 2
										   : ns / 2));
					if (e.sessions == 0)
						e.sessions = 1;
					e.attempted =
						(uint16_t)lround(rm * tool->items_per_minute *
								 (0.8 + 0.4 * rng_uniform(&r)));
					e.time = (int64_t)(l->week0_day + 7 * w) * 86400;
					e.session_seq = (uint8_t)k;
					if (push(l, &e))
						return -1;
					used_min += e.seconds;
				}
				m = used_min;
			} else {
				for (int k = 0; k < ns; k++)
					if (gen_items(l, tool, pl, (int32_t)s, w, k, m / ns, &r))
						return -1;
			}
			size_t ix = (s * SIM_TOOL_COUNT + (size_t)t) * (size_t)W + (size_t)w;
			l->minutes[ix] = (uint16_t)lround(m);
			l->sessions[ix] = (uint8_t)ns;
		}
	}
	return 0;
}

static int cmp_student_event(const void *a, const void *b)
{
	const struct sim_event *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->tool != y->tool)
		return x->tool - y->tool;
	if (x->sessions != y->sessions)
		return x->sessions - y->sessions;
	return x->session_seq - y->session_seq;
}

static int cmp_tool_event(const void *a, const void *b)
{
	const struct sim_event *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->student != y->student)
		return x->student < y->student ? -1 : 1;
	if (x->sessions != y->sessions)
		return x->sessions - y->sessions;
	return x->session_seq - y->session_seq;
}

/* ---- phase B: the latent process ---- */

static double prereq_term(const struct plan *pl, size_t j, const uint8_t *state)
{
	if (!pl->npre[j])
		return 0;
	int m = 0;
	for (int k = 0; k < pl->npre[j]; k++)
		m += state[pl->pre[j][k]];
	return PREREQ_LEARN * ((double)m / pl->npre[j] - 0.5);
}

/* Transition unmastered -> mastered with base probability p0; draws nothing. */
static void learn(const struct plan *pl, size_t j, uint8_t *state, double p0, double ability,
		  double u)
{
	if (state[j] || p0 <= 0)
		return;
	double p = sigmoid(logit(p0) + ABILITY_LEARN * ability + prereq_term(pl, j, state));
	if (u < p)
		state[j] = 1;
}

struct outcome {
	double m0, mend; /* pretest (all tracked) and end (focus) mastery shares */
	double e_pre, e_post;
};

/* Runs student s; the tool `off` (or -1) teaches nothing. With record, the
 * truth of each response and the weekly history are stored. */
static void process(struct sim_learning *l, size_t s, int off, bool record, struct outcome *o)
{
	size_t nst;
	const struct sim_student *st = &sim_students(l->d, &nst)[s];
	const struct plan *pl = &l->plans[st->grade];
	uint8_t state[PLAN_MAX] = { 0 };
	uint32_t *hist = l->hist + s * PLAN_MAX;
	struct rng r;
	rng_seed(&r, mix(l->seed, 0xB, s));
	o->e_pre = rng_normal(&r);
	o->e_post = rng_normal(&r);
	double a = st->ability;
	/* priors: prerequisites (earlier work) first, then the focus standards */
	for (int pass = 0; pass < 2; pass++)
		for (size_t j = 0; j < pl->n; j++) {
			bool focus = j < pl->nfocus;
			if (focus != (pass == 1))
				continue;
			double lg = (focus ? -1.8 : 0.6) + 1.0 * a + MOTIV_PRIOR * st->motivation +
				    prereq_term(pl, j, state);
			state[j] = rng_uniform(&r) < sigmoid(lg);
		}
	int m0 = 0;
	for (size_t j = 0; j < pl->n; j++) {
		m0 += state[j];
		if (record)
			hist[j] = state[j];
	}
	o->m0 = pl->n ? (double)m0 / pl->n : 0;
	const int16_t *pos = l->pos + (size_t)st->grade * l->ncatalog;
	struct sim_event *ev = l->all + l->soff[s], *end = l->all + l->soff[s + 1];
	for (int w = 0; w < l->p.weeks; w++) {
		for (size_t j = 0; j < pl->nfocus; j++)
			for (int k = 0; k < l->p.class_opportunities; k++) {
				double u = rng_uniform(&r);
				if (in_focus(pl, j, w))
					learn(pl, j, state, l->p.class_learn_p, a, u);
			}
		for (; ev < end && ev->week == w; ev++) {
			const struct sim_tool *t = &tools[ev->tool];
			double p0 = (int)ev->tool == off ? 0 : t->learn_p;
			size_t j = (size_t)pos[ev->standard];
			if (ev->kind == SIM_EV_ANSWERED) {
				double d, g, sl, ur = rng_uniform(&r), ul = rng_uniform(&r);
				sim_learning_item(l, (enum sim_tool_id)ev->tool, ev->standard,
						  ev->item, &d, &g, &sl);
				if (record) {
					ev->mastered = state[j];
					ev->correct = ur < (state[j] ? 1 - sl : g);
				}
				learn(pl, j, state, p0, a, ul);
			} else if (ev->kind == SIM_EV_USAGE) {
				int c = 0;
				for (int i = 0; i < ev->attempted; i++) {
					double d, g, sl;
					sim_learning_item(
						l, (enum sim_tool_id)ev->tool, ev->standard,
						(unsigned)i % SIM_ITEMS_PER_STANDARD, &d, &g, &sl);
					c += rng_uniform(&r) < (state[j] ? 1 - sl : g);
				}
				if (record)
					ev->ncorrect = (uint16_t)c;
				for (int i = 0; i < ev->sessions; i++)
					learn(pl, j, state, p0, a, rng_uniform(&r));
			} else if (ev->kind == SIM_EV_VIEWED) {
				learn(pl, j, state, p0, a, rng_uniform(&r));
			}
		}
		for (size_t j = 0; j < pl->n; j++) {
			double u = rng_uniform(&r);
			if (state[j] && u < l->p.forget_p)
				state[j] = 0;
			if (record)
				hist[j] |= (uint32_t)state[j] << (w + 1);
		}
	}
	int me = 0;
	for (size_t j = 0; j < pl->nfocus; j++)
		me += state[j];
	o->mend = pl->nfocus ? (double)me / pl->nfocus : 0;
}

static double raw_pre(const struct sim_student *st, const struct outcome *o)
{
	return 0.55 * st->ability + 1.2 * o->m0 + 0.15 * o->e_pre;
}

/* The prior year's spring score (grades 1-8): the same measurement model as
 * the pretest on an independent draw of the prior mastery of the followed
 * prerequisite standards (last year's work), from its own random stream so
 * nothing else the run draws changes. */
static double raw_prior(const struct sim_learning *l, size_t s, const struct sim_student *st)
{
	const struct plan *pl = &l->plans[st->grade];
	uint8_t state[PLAN_MAX] = { 0 };
	struct rng r;
	rng_seed(&r, mix(l->seed, 0xC, s));
	int m = 0, k = 0;
	for (size_t j = pl->nfocus; j < pl->n; j++) {
		double lg = 0.6 + 1.0 * st->ability + MOTIV_PRIOR * st->motivation +
			    prereq_term(pl, j, state);
		state[j] = rng_uniform(&r) < sigmoid(lg);
		m += state[j];
		k++;
	}
	return 0.55 * st->ability + 1.2 * (k ? (double)m / k : 0) + 0.15 * rng_normal(&r);
}

static double raw_post(const struct sim_student *st, const struct outcome *o)
{
	return 0.50 * st->ability + 1.5 * o->mend + 0.30 * o->e_post;
}

/* Rescales x[i] of each grade to mean 500, SD 50; keeps the constants. */
static void scale_scores(struct sim_learning *l, double *x, double *mu_out, double *sd_out)
{
	size_t n;
	const struct sim_student *st = sim_students(l->d, &n);
	for (int g = 0; g <= SIM_GRADE_MAX; g++) {
		double s1 = 0, s2 = 0;
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (st[i].grade == g) {
				s1 += x[i];
				s2 += x[i] * x[i];
				k++;
			}
		double mu = k ? s1 / k : 0;
		double var = k > 1 ? (s2 - k * mu * mu) / (k - 1) : 1;
		double sd = var > 1e-12 ? sqrt(var) : 1;
		if (mu_out) {
			mu_out[g] = mu;
			sd_out[g] = sd;
		}
		for (size_t i = 0; i < n; i++)
			if (st[i].grade == g)
				x[i] = 500 + 50 * (x[i] - mu) / sd;
	}
}

/* ---- run ---- */

static int32_t first_monday_on_or_after(int32_t day)
{
	/* 1970-01-01 was a Thursday: weekday (0 = Monday) = (day + 3) mod 7 */
	int wd = (int)(((day + 3) % 7 + 7) % 7);
	return day + (wd ? 7 - wd : 0);
}

enum eb_err sim_learning_run(const struct sim_district *d, const struct sim_learning_params *p,
			     struct sim_learning **out)
{
	*out = NULL;
	if (!d || !p || p->weeks < 1 || p->weeks > 16 || !(p->dosage >= 0.05 && p->dosage <= 4) ||
	    p->focus_per_grade < 1 || p->focus_per_grade > 16 ||
	    !(p->forget_p >= 0 && p->forget_p < 1) ||
	    !(p->class_learn_p >= 0 && p->class_learn_p < 1) || p->class_opportunities < 0 ||
	    p->class_opportunities > 10)
		return EB_EINVAL;
	if (standards_init() != EB_OK || standards_count() == 0)
		return EB_EPARSE;
	struct sim_learning *l = calloc(1, sizeof(*l));
	if (!l)
		return EB_ENOMEM;
	l->d = d;
	l->p = *p;
	const struct sim_params *dp = sim_district_params(d);
	l->seed = mix(p->seed ? p->seed : dp->seed, 0x5EA, 7);
	size_t nteachers;
	sim_students(d, &l->nstudents);
	sim_teachers(d, &nteachers);
	l->ncatalog = standards_count();
	size_t S = l->nstudents, W = (size_t)p->weeks;
	l->pos = malloc((SIM_GRADE_MAX + 1) * l->ncatalog * sizeof(*l->pos));
	l->hist = calloc(S * PLAN_MAX, sizeof(*l->hist));
	l->minutes = calloc(S * SIM_TOOL_COUNT * W, sizeof(*l->minutes));
	l->sessions = calloc(S * SIM_TOOL_COUNT * W, sizeof(*l->sessions));
	l->adopt = calloc(nteachers * SIM_TOOL_COUNT + 1, 1);
	l->pre = calloc(S + 1, sizeof(double));
	l->post = calloc(S + 1, sizeof(double));
	l->prior = calloc(S + 1, sizeof(double));
	l->soff = calloc(S + 1, sizeof(size_t));
	struct outcome *oc = calloc(S + 1, sizeof(*oc));
	if (!l->pos || !l->hist || !l->minutes || !l->sessions || !l->adopt || !l->pre ||
	    !l->post || !l->prior || !l->soff || !oc)
		goto nomem;
	for (size_t i = 0; i < (SIM_GRADE_MAX + 1) * l->ncatalog; i++)
		l->pos[i] = -1;
	for (int g = 0; g <= SIM_GRADE_MAX; g++)
		plan_build(l, g);
	/* the Monday after the first full week of school is the pretest; the
	 * period starts a week later */
	int32_t first = first_monday_on_or_after(days_from_civil(dp->school_year - 1, 8, 18));
	l->week0_day = first + 14;

	/* teachers adopt tools by their enthusiasm and the tool's grades */
	const struct sim_teacher *te = sim_teachers(d, &nteachers);
	struct rng r;
	rng_seed(&r, mix(l->seed, 0x7, 0));
	for (size_t t = 0; t < nteachers; t++)
		for (int k = 0; k < SIM_TOOL_COUNT; k++) {
			double u = rng_uniform(&r);
			bool grades = te[t].hi_grade >= tools[k].lo_grade &&
				      te[t].lo_grade <= tools[k].hi_grade;
			l->adopt[t * SIM_TOOL_COUNT + (size_t)k] =
				grades && u < sigmoid(tools[k].adopt_logit +
						      4 * (te[t].tech_enthusiasm - 0.5));
		}
	/* a middle school teacher may teach grades a tool is not licensed for:
	 * gen_student checks the student's grade below */

	for (size_t s = 0; s < S; s++) {
		l->soff[s] = l->nall;
		if (gen_student(l, s))
			goto nomem;
		if (l->nall > l->soff[s])
			qsort(l->all + l->soff[s], l->nall - l->soff[s], sizeof(*l->all),
			      cmp_student_event);
	}
	l->soff[S] = l->nall;

	const struct sim_student *st = sim_students(d, &S);
	for (size_t s = 0; s < S; s++) {
		process(l, s, -1, true, &oc[s]);
		l->pre[s] = raw_pre(&st[s], &oc[s]);
		l->post[s] = raw_post(&st[s], &oc[s]);
		l->prior[s] = raw_prior(l, s, &st[s]);
	}
	scale_scores(l, l->pre, NULL, NULL);
	scale_scores(l, l->post, l->post_mu, l->post_sd);
	scale_scores(l, l->prior, NULL, NULL);
	for (size_t s = 0; s < S; s++)
		if (st[s].grade == 0)
			l->prior[s] = NAN; /* kindergarten: no prior year */

	/* users and true effects (counterfactual: the tool teaches nothing) */
	for (int t = 0; t < SIM_TOOL_COUNT; t++) {
		double sum = 0;
		size_t users = 0;
		for (size_t s = 0; s < S; s++) {
			int m, n;
			sim_learning_usage(l, s, (enum sim_tool_id)t, -1, &m, &n);
			if (m <= 0)
				continue;
			users++;
			if (tools[t].learn_p <= 0)
				continue;
			struct outcome cf;
			process(l, s, t, false, &cf);
			int g = st[s].grade;
			double post_cf =
				500 + 50 * (raw_post(&st[s], &cf) - l->post_mu[g]) / l->post_sd[g];
			sum += l->post[s] - post_cf;
		}
		l->users[t] = users;
		l->effect_sd[t] = users && tools[t].learn_p > 0 ? sum / users / 50.0 : 0.0;
	}

	/* per-tool record arrays in time order */
	for (size_t i = 0; i < l->nall; i++)
		l->nev[l->all[i].tool]++;
	for (int t = 0; t < SIM_TOOL_COUNT; t++) {
		l->ev[t] = malloc((l->nev[t] + 1) * sizeof(struct sim_event));
		if (!l->ev[t])
			goto nomem;
		l->nev[t] = 0;
	}
	for (size_t i = 0; i < l->nall; i++)
		l->ev[l->all[i].tool][l->nev[l->all[i].tool]++] = l->all[i];
	for (int t = 0; t < SIM_TOOL_COUNT; t++)
		qsort(l->ev[t], l->nev[t], sizeof(struct sim_event), cmp_tool_event);
	free(oc);
	*out = l;
	return EB_OK;
nomem:
	free(oc);
	sim_learning_free(l);
	return EB_ENOMEM;
}

void sim_learning_free(struct sim_learning *l)
{
	if (!l)
		return;
	free(l->pos);
	free(l->hist);
	free(l->minutes);
	free(l->sessions);
	free(l->adopt);
	free(l->pre);
	free(l->post);
	free(l->prior);
	free(l->all);
	free(l->soff);
	for (int t = 0; t < SIM_TOOL_COUNT; t++)
		free(l->ev[t]);
	free(l);
}

/* ---- accessors ---- */

const struct sim_district *sim_learning_district(const struct sim_learning *l)
{
	return l->d;
}

const struct sim_learning_params *sim_learning_params(const struct sim_learning *l)
{
	return &l->p;
}

int32_t sim_learning_pretest_day(const struct sim_learning *l)
{
	return l->week0_day - 7;
}

int32_t sim_learning_week_day(const struct sim_learning *l, int week)
{
	return l->week0_day + 7 * week;
}

int32_t sim_learning_posttest_day(const struct sim_learning *l)
{
	return l->week0_day + 7 * l->p.weeks;
}

size_t sim_learning_tracked(const struct sim_learning *l, int grade, const struct standard **out,
			    size_t cap, size_t *nfocus)
{
	if (grade < 0 || grade > SIM_GRADE_MAX) {
		if (nfocus)
			*nfocus = 0;
		return 0;
	}
	const struct plan *pl = &l->plans[grade];
	for (size_t j = 0; j < pl->n && j < cap; j++)
		out[j] = standards_at(pl->std[j]);
	if (nfocus)
		*nfocus = pl->nfocus;
	return pl->n;
}

int sim_learning_mastered(const struct sim_learning *l, size_t student, const struct standard *std,
			  int week)
{
	if (!std || student >= l->nstudents || week < 0 || week > l->p.weeks ||
	    std->index >= l->ncatalog)
		return -1;
	size_t n;
	int g = sim_students(l->d, &n)[student].grade;
	int16_t j = l->pos[(size_t)g * l->ncatalog + std->index];
	if (j < 0)
		return -1;
	return (int)((l->hist[student * PLAN_MAX + (size_t)j] >> week) & 1u);
}

double sim_learning_opportunity_p(const struct sim_learning *l, size_t student,
				  const struct standard *std, double base_p, int week)
{
	if (!std || student >= l->nstudents || week < 0 || week > l->p.weeks ||
	    std->index >= l->ncatalog || !(base_p > 0) || !(base_p < 1))
		return 0;
	size_t n;
	const struct sim_student *st = &sim_students(l->d, &n)[student];
	int16_t j = l->pos[(size_t)st->grade * l->ncatalog + std->index];
	if (j < 0)
		return 0;
	const struct plan *pl = &l->plans[st->grade];
	const uint32_t *h = &l->hist[student * PLAN_MAX];
	if ((h[j] >> week) & 1u)
		return 0;
	uint8_t state[PLAN_MAX];
	for (size_t k = 0; k < pl->n; k++)
		state[k] = (uint8_t)((h[k] >> week) & 1u);
	return sigmoid(logit(base_p) + ABILITY_LEARN * st->ability +
		       prereq_term(pl, (size_t)j, state));
}

double sim_learning_mean_mastery(const struct sim_learning *l, int grade, int week)
{
	size_t n;
	const struct sim_student *st = sim_students(l->d, &n);
	double sum = 0;
	size_t k = 0;
	if (week < 0 || week > l->p.weeks)
		return 0;
	for (size_t s = 0; s < n; s++) {
		if (grade >= 0 && st[s].grade != grade)
			continue;
		const struct plan *pl = &l->plans[st[s].grade];
		for (size_t j = 0; j < pl->nfocus; j++) {
			sum += (l->hist[s * PLAN_MAX + j] >> week) & 1u;
			k++;
		}
	}
	return k ? sum / k : 0;
}

double sim_learning_true_effect_sd(const struct sim_learning *l, enum sim_tool_id tool)
{
	return (unsigned)tool < SIM_TOOL_COUNT ? l->effect_sd[tool] : 0;
}

size_t sim_learning_users(const struct sim_learning *l, enum sim_tool_id tool)
{
	return (unsigned)tool < SIM_TOOL_COUNT ? l->users[tool] : 0;
}

void sim_learning_usage(const struct sim_learning *l, size_t student, enum sim_tool_id tool,
			int week, int *minutes, int *sessions)
{
	*minutes = *sessions = 0;
	if (student >= l->nstudents || (unsigned)tool >= SIM_TOOL_COUNT || week < -1 ||
	    week >= l->p.weeks)
		return;
	size_t W = (size_t)l->p.weeks, base = (student * SIM_TOOL_COUNT + (size_t)tool) * W;
	for (size_t w = 0; w < W; w++)
		if (week < 0 || (size_t)week == w) {
			*minutes += l->minutes[base + w];
			*sessions += l->sessions[base + w];
		}
}

bool sim_learning_class_adopted(const struct sim_learning *l, size_t student, enum sim_tool_id tool)
{
	size_t n, nc;
	if (student >= l->nstudents || (unsigned)tool >= SIM_TOOL_COUNT)
		return false;
	const struct sim_student *st = &sim_students(l->d, &n)[student];
	const struct sim_class *c = &sim_classes(l->d, &nc)[st->class_index];
	return l->adopt[(size_t)c->teacher * SIM_TOOL_COUNT + (size_t)tool] &&
	       st->grade >= tools[tool].lo_grade && st->grade <= tools[tool].hi_grade;
}

double sim_learning_pretest(const struct sim_learning *l, size_t student)
{
	return student < l->nstudents ? l->pre[student] : 0;
}

double sim_learning_prior(const struct sim_learning *l, size_t student)
{
	return student < l->nstudents ? l->prior[student] : NAN;
}

double sim_learning_posttest(const struct sim_learning *l, size_t student)
{
	return student < l->nstudents ? l->post[student] : 0;
}

void sim_learning_item(const struct sim_learning *l, enum sim_tool_id tool, size_t standard_index,
		       unsigned item, double *difficulty, double *guess, double *slip)
{
	const struct sim_tool *t = &tools[(unsigned)tool < SIM_TOOL_COUNT ? tool : 0];
	uint64_t h = mix(l->seed ^ 0x17E4, (uint64_t)tool * 100003u + standard_index, item);
	/* difficulty ~ approx N(0, 0.8) from the sum of four uniforms */
	double u = 0;
	for (int k = 0; k < 4; k++) {
		u += (double)((h >> (16 * k)) & 0xFFFF) / 65536.0;
	}
	double dif = (u - 2.0) * 0.8 * sqrt(3.0);
	*difficulty = dif;
	*guess = clampd((t->guess > 0 ? t->guess : 0.2) * exp(-0.35 * dif), SIM_GUESS_MIN,
			SIM_GUESS_MAX);
	*slip = clampd((t->slip > 0 ? t->slip : 0.1) * exp(0.35 * dif), SIM_SLIP_MIN, SIM_SLIP_MAX);
}

const struct sim_event *sim_learning_events(const struct sim_learning *l, enum sim_tool_id tool,
					    size_t *n)
{
	if ((unsigned)tool >= SIM_TOOL_COUNT) {
		*n = 0;
		return NULL;
	}
	*n = l->nev[tool];
	return l->ev[tool];
}
