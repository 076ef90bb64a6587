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

/* ---- added by recommend.c (below the agreed interface) ---------------- */

struct audit_actor;

#define REC_MAX 8	      /* longest list a page asks for */
#define REC_MIN_GAIN 0.05     /* expected gain (SD) under which the words call it small */
#define REC_SCEPTIC_SD 0.10   /* prior SD of a tool's effect before the district's evidence */
#define REC_HELPS_P 0.80      /* P(gain > 0) from which a tool ranks above the library */
#define REC_EXPLORE_MAX_N 400 /* an estimate from fewer students counts as little used */
#define REC_FOLLOWED_MIN 10   /* followed students before their growth is compared */

/* The students' estimates, read once for several standards (a class page):
 * each student's cells and grade. EB_ENOTFOUND when a student is not a
 * student of the district (nothing else is read then), EB_EINVAL for n 0. */
struct rec_students;
enum eb_err recommend_students_load(struct db *db, int64_t district_id,
				    const char *const *student_sids, size_t n, struct arena *arena,
				    struct rec_students **out);
/* recommend_for_group on students loaded once. */
enum eb_err recommend_for_students(struct db *db, int64_t district_id, const struct rec_students *s,
				   const char *focus_standard, size_t max, struct arena *arena,
				   struct recommendation **out, size_t *nout);
/* Some of the students loaded (idx[0..n), each < the count loaded), as a
 * group of their own; shares s's rows. EB_EINVAL for n 0 or an index out of
 * range. */
enum eb_err recommend_students_subset(const struct rec_students *s, const size_t *idx, size_t n,
				      struct arena *arena, struct rec_students **out);
/* How many students were loaded, and the sourcedId of one. */
size_t recommend_students_count(const struct rec_students *s);
const char *recommend_student_sid(const struct rec_students *s, size_t i);
/* A student's measured P(mastered) on a standard (-1 when there is none or
 * it is only inferred from neighbours: never guessed), and how many have a
 * measured P below the district's Proficient threshold (not yet secure). */
double recommend_student_p(const struct rec_students *s, size_t i, const char *standard);
size_t recommend_not_secure(const struct rec_students *s, const char *standard);

/* Expected gain of a tool on a standard from the district's evidence:
 * partial pooling (normal-normal, empirical Bayes) of the standard's own
 * estimate (own_g with standard error own_se; has_own false when none) with
 * the tool's prior (the whole sample or the group's grade: prior_g, prior_se)
 * spread by tau (the between-standard SD of the tool's effects). Writes the
 * posterior mean and SD. Pure. */
void recommend_pool(double prior_g, double prior_se, double tau, bool has_own, double own_g,
		    double own_se, double *mean, double *sd);

/* The probability that the option's gain is above zero, from its expected
 * gain and interval (normal); 0 without local evidence. */
double recommend_p_gain(const struct recommendation *r);

/* The ranking, pure (the unit tests' known cases): sorts c[0..n) best
 * first and keeps at most max in *nout. Order: the students' plans; options
 * on the focus whose local evidence makes a gain likely (recommend_p_gain
 * >= REC_HELPS_P), by expected gain; the library's
 * strategies on the focus; options on a prerequisite the group
 * lacks (standard != focus); options without helpful local evidence last.
 * An option whose whole interval lies below zero is dropped (evidence of
 * harm). At most one option is marked exploratory - a tool estimated from
 * fewer than REC_EXPLORE_MAX_N students whose interval reaches above the
 * first pick's expected gain - and it is moved to the second place, never
 * the first. */
void recommend_rank(struct recommendation *c, size_t n, const char *focus, size_t max,
		    size_t *nout);

/* The nightly refresh of the district's evidence (recommend_refresh):
 * every tool's latest initiative evaluated (matched or randomized design,
 * with its grade subgroups and standards), the tools' standards from the
 * learning data, and the comparison of followed recommendations. Replaces
 * the district's rows in one transaction. why says what failed. */
struct rec_refresh_summary {
	size_t initiatives, evaluated, effects, tool_standards, followed;
	double seconds;
};
enum eb_err recommend_refresh(struct db *db, int64_t district_id, struct rec_refresh_summary *sum,
			      char *why, size_t cap);

/* Marks a followed recommendation done for students (n of them, 1..64)
 * on a standard - each student's P then is kept - audited per student, all
 * in one transaction: nothing is stored when anything is refused. source
 * REC_TOOL needs a tool of the district, REC_STRATEGY a strategy of the
 * library, REC_PLAN a plan id. EB_EINVAL with why ("field: reason") for an
 * unknown standard, tool or strategy; the caller checks access to the
 * students. */
enum eb_err recommend_mark_done(struct db *db, int64_t district_id, const struct audit_actor *who,
				const char *const *student_sids, size_t n, const char *standard,
				enum rec_source source, int64_t tool_id, const char *strategy_id,
				int64_t plan_id, char *why, size_t cap);

/* A student's done marks, newest first (at most 50). */
struct rec_done_row {
	const char *standard;
	enum rec_source source;
	int64_t tool_id, plan_id;
	const char *strategy_id;
	const char *by; /* the marking account's name */
	int64_t done_at;
};
enum eb_err recommend_done_list(struct db *db, int64_t district_id, const char *student_sid,
				struct arena *arena, struct rec_done_row **out, size_t *n);

/* When the evidence was last refreshed (Unix s), 0 never. */
int64_t recommend_refreshed_at(struct db *db, int64_t district_id);

#endif
