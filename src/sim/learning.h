/* learning.h - the learning process of the simulated district and the
 * classroom tools that observe it, with the ground truth kept in memory.
 *
 * sim_learning_run() takes a district (sim/district.h) and simulates a fall
 * tool period of `weeks` school weeks: which teachers use which of the five
 * licensed tools (sim_tools()), how many minutes and sessions each student
 * spends in each tool, what each student knows of each tracked standard
 * (a binary latent mastery state, BKT-like, with prerequisites from the
 * coherence map, learning per opportunity, weekly forgetting) and every record
 * the tools send: item responses drawn from the latent state through each
 * item's guess and slip, video events, usage summaries. It also draws a
 * pretest (the week before the period) and a posttest (the week after) on a
 * scale of mean 500, SD 50 within grade.
 *
 * Truth kept: the latent state of every (student, tracked standard) at the
 * start of every week, each tool's learning parameter and its true effect on
 * the posttest (computed by re-running the latent process with the tool's
 * learning switched off on the same random numbers), each student's use of
 * each tool, and the latent state behind every response.
 *
 * The formats the tools send are written by sim/tools.h. Nothing here reads
 * the clock or writes to a database; the same district and parameters give
 * the same records, bit for bit. See docs/simulator.md. */
#ifndef EB_SIM_LEARNING_H
#define EB_SIM_LEARNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/standards.h"
#include "sim/district.h"

/* The demo district's tools, in this fixed order. */
enum sim_tool_id {
	SIM_TOOL_PRACTICE, /* adaptive practice app, xAPI (account = sourcedId) */
	SIM_TOOL_VIDEO,	   /* video library, Caliper 1.2 (zero true effect) */
	SIM_TOOL_TUTOR,	   /* step-by-step tutor, xAPI (mbox in middle school) */
	SIM_TOOL_QUIZ,	   /* quiz tool, CSV per-item results */
	SIM_TOOL_FLUENCY,  /* fluency game, CSV per-student weekly usage */
	SIM_TOOL_COUNT
};

enum sim_tool_format {
	SIM_FORMAT_XAPI,      /* xAPI 1.0.3 statements, JSON arrays */
	SIM_FORMAT_CALIPER,   /* Caliper 1.2 envelopes */
	SIM_FORMAT_CSV_ITEMS, /* student_id,item_id,standard,correct,score,date */
	SIM_FORMAT_CSV_USAGE, /* student_email,week_start,minutes,... */
};

/* A tool and its true parameters (static, valid forever). */
struct sim_tool {
	enum sim_tool_id id;
	const char *key;  /* "practice", stable */
	const char *name; /* product name shown to people */
	const char *vendor;
	const char *domain; /* "practice.numberwise.example": https://<domain>/... */
	enum sim_tool_format format;
	int lo_grade, hi_grade; /* grades it is licensed for */
	/* usage */
	double adopt_logit; /* teacher adoption: logit = adopt_logit + 4 (enthusiasm - 0.5) */
	double user_logit;  /* student in an adopting class uses it: + motiv_slope * motivation */
	double motiv_slope;
	double minutes;		 /* weekly minutes of a typical user */
	double session_minutes;	 /* typical session length */
	double items_per_minute; /* responses per minute (0: no items) */
	/* truth */
	double learn_p;	    /* P(unmastered -> mastered) per item or view of an
				 * average student with prerequisites half met;
				 * 0 = the tool teaches nothing */
	double guess, slip; /* centre of the items' guess and slip */
};

/* The five tools, indexed by enum sim_tool_id; *n gets SIM_TOOL_COUNT. */
const struct sim_tool *sim_tools(size_t *n);

/* Bounds of every item's guess and slip (tested). */
#define SIM_GUESS_MIN 0.05
#define SIM_GUESS_MAX 0.40
#define SIM_SLIP_MIN 0.02
#define SIM_SLIP_MAX 0.30

/* Model parameters (docs/simulator.md has the defaults and their reasons). */
struct sim_learning_params {
	uint64_t seed;		 /* 0: use the district's seed */
	int weeks;		 /* school weeks of the tool period, 1..16; default 12 */
	double dosage;		 /* multiplies every tool's minutes, 0.05..4; default 1 */
	int focus_per_grade;	 /* grade-level major standards followed, 1..16; default 8 */
	double forget_p;	 /* weekly P(mastered -> unmastered); default 0.01 */
	double class_learn_p;	 /* per class-instruction opportunity; default 0.12 */
	int class_opportunities; /* per focus standard per week in focus; default 2 */
};

void sim_learning_params_default(struct sim_learning_params *p);

/* Kinds of record. */
enum sim_event_kind {
	SIM_EV_ANSWERED,    /* an item response (xAPI answered, quiz CSV row) */
	SIM_EV_COMPLETED,   /* practice session completed (xAPI completed) */
	SIM_EV_EXPERIENCED, /* tutor worked example seen (xAPI experienced) */
	SIM_EV_VIEWED,	    /* Caliper ViewEvent Viewed (video page) */
	SIM_EV_STARTED,	    /* Caliper MediaEvent Started */
	SIM_EV_PAUSED,	    /* Caliper MediaEvent Paused */
	SIM_EV_RESUMED,	    /* Caliper MediaEvent Resumed */
	SIM_EV_ENDED,	    /* Caliper MediaEvent Ended */
	SIM_EV_USAGE,	    /* fluency CSV weekly summary row */
};

/* One record a tool sends, with its truth. */
struct sim_event {
	int64_t time;	     /* Unix seconds (UTC) */
	int32_t student;     /* index into sim_students() */
	uint16_t standard;   /* catalog index (standards_at) */
	uint16_t item;	     /* item number in the tool's bank; video number */
	uint16_t seconds;    /* duration; USAGE: minutes */
	uint16_t attempted;  /* USAGE: items attempted */
	uint16_t ncorrect;   /* USAGE: items correct */
	uint8_t tool;	     /* enum sim_tool_id */
	uint8_t kind;	     /* enum sim_event_kind */
	uint8_t week;	     /* 0-based week of the period */
	uint8_t sessions;    /* USAGE: sessions; COMPLETED: session number */
	uint8_t correct;     /* ANSWERED: 1 when right */
	uint8_t mastered;    /* ANSWERED: truth, latent state when answering */
	uint8_t points;	     /* quiz item points (1 or 2) */
	uint8_t session_seq; /* position inside the session */
};

struct sim_learning;

/* Runs the whole period for d. *out is the caller's (sim_learning_free); d
 * must outlive it. EB_EINVAL for parameters out of range, EB_EPARSE when the
 * standards catalog cannot be loaded, EB_ENOMEM. */
enum eb_err sim_learning_run(const struct sim_district *d, const struct sim_learning_params *p,
			     struct sim_learning **out);
void sim_learning_free(struct sim_learning *l);

const struct sim_district *sim_learning_district(const struct sim_learning *l);
const struct sim_learning_params *sim_learning_params(const struct sim_learning *l);

/* Dates (days since 1970-01-01): the pretest day (Monday before the period),
 * the Monday of week w (0-based), the posttest day (Monday after the last). */
int32_t sim_learning_pretest_day(const struct sim_learning *l);
int32_t sim_learning_week_day(const struct sim_learning *l, int week);
int32_t sim_learning_posttest_day(const struct sim_learning *l);

/* The standards followed for a grade: the focus standards (the first
 * focus_per_grade major-cluster standards of the grade, taught in turn, each
 * in focus for three weeks) first, then their coherence-map prerequisites.
 * Fills out[0..cap), returns the total; *nfocus gets the focus count. */
size_t sim_learning_tracked(const struct sim_learning *l, int grade, const struct standard **out,
			    size_t cap, size_t *nfocus);

/* Truth: latent state of (student, std) at the start of week `week`
 * (0..weeks; weeks = the end of the period, the posttest). 1 mastered,
 * 0 not, -1 when std is not tracked for the student's grade or the
 * arguments are out of range. */
int sim_learning_mastered(const struct sim_learning *l, size_t student, const struct standard *std,
			  int week);
/* Truth: the probability that one learning opportunity of base probability
 * base_p (a tool's learn_p per item or session) makes the student master
 * std, from the latent state at the start of `week` - the period's own rule,
 * sigma(logit(base_p) + 0.3 ability + prerequisite term). 0 when std is
 * mastered then, not tracked for the student's grade, or base_p is not in
 * (0, 1). For the recommendation check's scoring (docs/recommendations.md);
 * product code never calls it. */
double sim_learning_opportunity_p(const struct sim_learning *l, size_t student,
				  const struct standard *std, double base_p, int week);
/* Mean latent mastery of the grade-level focus standards of all students
 * (grade -1) or one grade at the start of `week`. */
double sim_learning_mean_mastery(const struct sim_learning *l, int grade, int week);

/* Truth about a tool: its learn_p (sim_tools) and its true effect on the
 * posttest in SD units (50 points) for the students who used it: the mean
 * over users of (posttest - posttest had the tool taught nothing), with the
 * same random numbers. Exactly 0 for a tool with learn_p 0. */
double sim_learning_true_effect_sd(const struct sim_learning *l, enum sim_tool_id tool);
/* Number of students who used the tool at least once. */
size_t sim_learning_users(const struct sim_learning *l, enum sim_tool_id tool);

/* Truth: use of a tool by a student in week `week`, or over the period
 * with week -1. Minutes and sessions; 0/0 for none or out of range. */
void sim_learning_usage(const struct sim_learning *l, size_t student, enum sim_tool_id tool,
			int week, int *minutes, int *sessions);
/* Whether the student's teacher adopted the tool. */
bool sim_learning_class_adopted(const struct sim_learning *l, size_t student,
				enum sim_tool_id tool);

/* Outcome measures: scale scores (mean 500, SD 50 within grade, rounded to
 * whole points when written; kept as doubles here). */
double sim_learning_pretest(const struct sim_learning *l, size_t student);
double sim_learning_posttest(const struct sim_learning *l, size_t student);
/* The prior year's spring score of grades 1-8 (NAN for kindergarten and out
 * of range), same scale: raw = 0.55 ability + 1.2 (share of the followed
 * prerequisite standards mastered in an independent draw of the prior
 * process: last year's work) + 0.15 N(0,1), rescaled within grade. Drawn
 * from its own stream: adding it changed no other record or score. */
double sim_learning_prior(const struct sim_learning *l, size_t student);

/* Truth of an item of a tool's bank for a standard: difficulty (logits, 0 =
 * average), guess and slip (within SIM_GUESS_/SIM_SLIP_ bounds). Items are
 * numbered 0..SIM_ITEMS_PER_STANDARD-1. */
#define SIM_ITEMS_PER_STANDARD 24
void sim_learning_item(const struct sim_learning *l, enum sim_tool_id tool, size_t standard_index,
		       unsigned item, double *difficulty, double *guess, double *slip);

/* The records a tool sends, in time order (ties by student); valid until
 * sim_learning_free. *n gets the count. */
const struct sim_event *sim_learning_events(const struct sim_learning *l, enum sim_tool_id tool,
					    size_t *n);

#endif
