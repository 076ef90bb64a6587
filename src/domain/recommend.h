/* recommend.h - the next best intervention: for students and a standard not
 * yet secure, a ranked short list of what to do next, each with the local
 * evidence behind it and the reason in words (recommend.c). */
#ifndef EB_RECOMMEND_H
#define EB_RECOMMEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

enum rec_source {
	REC_TOOL,     /* an activity in one of the district's tools */
	REC_STRATEGY, /* a teacher-led strategy from the library */
	REC_PLAN,     /* the student's current intervention plan */
};

struct recommendation {
	enum rec_source source;
	const char *standard;	 /* the standard it works on: the focus or a prerequisite */
	const char *title;	 /* in words: the tool's name and activity, or the strategy */
	const char *what;	 /* one sentence: what the students do */
	int64_t tool_id;	 /* REC_TOOL: the tool; else 0 */
	const char *strategy_id; /* REC_STRATEGY: the library's id; else NULL */
	int64_t plan_id;	 /* REC_PLAN: the plan; else 0 */
	bool has_effect;	 /* false: no local evidence (then effect.. are 0) */
	double effect, lo, hi;	 /* expected gain (effect size) and its 95 % interval */
	long n;			 /* students behind the estimate */
	int essa_tier;		 /* 1..4; 0 none */
	bool exploratory;	 /* ranked up to try a promising, little-used option */
	const char *why;	 /* "why this?" in words a teacher reads in ten seconds */
};

/* The ranked short list (at most max, best first) for a group of students of
 * the district (student sourcedIds) working on focus_standard (a CCSS-M code
 * of the catalog). Everything lives in arena. EB_EINVAL for an unknown
 * standard or n == 0. Reads no simulator truth. */
enum eb_err recommend_for_group(struct db *db, int64_t district_id, const char *const *student_sids,
				size_t n, const char *focus_standard, size_t max,
				struct arena *arena, struct recommendation **out, size_t *nout);

#endif
