/* item_analysis.h - classical item analysis of a test: per item the
 * difficulty (p-value), the discrimination (corrected point-biserial: the
 * item against the rest of the test), the choices made on a multiple-choice
 * item by everyone and by the top scorers, and flags for items that behave
 * badly; per test the mean, spread and reliability (Cronbach's alpha, KR-20
 * on items scored right/wrong). Pure arithmetic on a students x items
 * matrix: no SQL, no HTML (docs/assessments.md gives the formulas). */
#ifndef EB_ITEM_ANALYSIS_H
#define EB_ITEM_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define IA_CHOICES_MAX 10

/* Flags thresholds (docs/assessments.md): */
#define IA_HARD_P 0.20	   /* p below: very hard */
#define IA_EASY_P 0.95	   /* p above: very easy */
#define IA_LOW_RPB 0.15	   /* corrected point-biserial below: does not separate */
#define IA_HIGH_SHARE 0.27 /* the top scorers: this share of students by total */
#define IA_MIN_STUDENTS 10 /* fewer students: statistics shown, no flags */

enum ia_flag {
	IA_FLAG_HARD = 1u << 0,
	IA_FLAG_EASY = 1u << 1,
	IA_FLAG_LOW_DISC = 1u << 2,	 /* rpb < IA_LOW_RPB (and >= 0) */
	IA_FLAG_NEGATIVE_DISC = 1u << 3, /* rpb < 0: check the key */
	IA_FLAG_DISTRACTOR = 1u << 4,	 /* top scorers chose a distractor more than the key */
};

struct ia_item {
	double max_points; /* > 0 */
	int nchoices;	   /* 0 for a points item, else 2..IA_CHOICES_MAX */
	int key;	   /* index of the key among the choices; -1 for a points item */
};

/* The input: points[s * nitems + i] is what student s earned on item i
 * (0..max_points; a missing answer is 0); choice[s * nitems + i] is the
 * index of the choice made on a multiple-choice item, -1 when left blank
 * (choice may be NULL when no item is multiple choice). */
struct ia_input {
	size_t nstudents, nitems;
	const struct ia_item *items;
	const double *points;
	const int8_t *choice;
};

struct ia_item_result {
	double p;    /* mean points / max points (proportion correct) */
	double rpb;  /* corrected point-biserial; NAN when the item or the rest
		      * does not vary */
	double mean; /* mean points */
	int64_t counts[IA_CHOICES_MAX], blank;	       /* everyone's choices */
	int64_t top_counts[IA_CHOICES_MAX], top_blank; /* the top scorers' */
	int distractor; /* IA_FLAG_DISTRACTOR: the choice drawing the top scorers; else -1 */
	unsigned flags; /* enum ia_flag bits */
};

struct ia_result {
	size_t nstudents, nitems, ntop; /* ntop: how many count as top scorers */
	double max_total;		/* sum of max points */
	double mean_total, sd_total;	/* of the students' totals (population SD) */
	double alpha;			/* Cronbach's alpha; NAN with < 2 items or no spread */
	struct ia_item_result *items;	/* nitems, in arena */
	bool flagged;			/* flags were computed (nstudents >= IA_MIN_STUDENTS) */
};

/* Runs the analysis. EB_EINVAL for an item with max_points <= 0, nchoices
 * outside {0, 2..IA_CHOICES_MAX} or a key outside its choices, or a
 * multiple-choice item without `choice` (when nstudents > 0); EB_ENOMEM. nstudents 0 gives NAN
 * statistics and no flags. O(students x items) time, O(students) memory. */
enum eb_err item_analysis_run(const struct ia_input *in, struct arena *a, struct ia_result *out);

/* Pearson correlation of x and y (n values each); NAN when either does not
 * vary or n < 2. With x right/wrong (0/1) it is the point-biserial. */
double item_analysis_correlation(const double *x, const double *y, size_t n);

/* The flag in words for a teacher ("Very hard: fewer than 1 in 5 answered
 * it right. Check the key and how the standard was taught."); NULL for
 * anything but one flag bit. */
const char *item_analysis_flag_words(enum ia_flag f);

#endif
