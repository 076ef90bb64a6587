/* coaching_impact.h - did coaching move students? Classes of completed
 * coaching cycles compared with matched classes not coached, on the
 * cycles' goal standards, through the evaluation engine (domain/evidence's
 * ev_did_panel: each class its own control, clustered by teacher).
 *
 * Unit: a class. Outcome: the class's mean share of correct answers on the
 * cycle's goal standards (each student's share of correct responses in the
 * window, averaged over the class's students who answered), in the
 * COACHING_IMPACT_WINDOW_DAYS before the cycle started (pre) and in the last
 * COACHING_IMPACT_WINDOW_DAYS of the cycle (post). A comparison class is
 * measured on the same standards and the same dates as the coached class it
 * is matched to.
 *
 * Matching: a comparison class has the coached class's course (so its grade
 * and school level) and a teacher in no coaching cycle (no spill-over);
 * among those, the COACHING_IMPACT_MATCHES whose pre share is nearest the
 * coached class's, within COACHING_IMPACT_CALIPER, without replacement
 * (coached classes taken in the order given). A coached class with no
 * comparison inside the caliper is left out and counted.
 *
 * It is a comparison, not proof: coached teachers chose coaching or were
 * chosen for it, and the classes may differ in ways the data cannot see.
 * See docs/coaching_impact.md. */
#ifndef EB_COACHING_IMPACT_H
#define EB_COACHING_IMPACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/evidence.h"

struct db;
struct arena;

#define COACHING_IMPACT_WINDOW_DAYS 28
#define COACHING_IMPACT_MATCHES 2	/* comparison classes per coached class */
#define COACHING_IMPACT_CALIPER 0.10	/* |pre difference|, share of correct answers */
#define COACHING_IMPACT_MAX_STANDARDS 8 /* goal standards used per cycle */
#define COACHING_IMPACT_WHY_CAP 400

/* ---- the pure design ----------------------------------------------------- */

/* One class measured for the design. A coached class has coached = 1 and
 * target = its own number among the coached rows (0, 1, ...); a candidate
 * comparison class has coached = 0 and target = the number of the coached
 * class it was measured for (same standards, same dates); one class may be
 * a candidate for several coached classes (one row each, same cls). */
struct coaching_impact_unit {
	int64_t cls;	 /* the class (any stable key) */
	int64_t teacher; /* cluster */
	int coached;
	size_t target;
	double pre, post; /* share correct, 0..1 */
};

/* One class in the estimate (for the page's list). */
struct coaching_impact_pair {
	size_t unit; /* index into the units given */
	size_t target;
	int coached;
};

struct coaching_impact {
	bool shown; /* false: why says what is missing or suppressed */
	char why[COACHING_IMPACT_WHY_CAP];
	double n_coached, n_compared; /* classes in the estimate */
	double teachers_coached, teachers_compared;
	size_t n_unmatched;		     /* coached classes without a comparison */
	double pre_t, post_t, pre_c, post_c; /* group means, 0..1 */
	double baseline_g;		     /* Hedges' g of pre, coached vs compared */
	enum ev_band baseline_band;
	double diff, lo, hi, p; /* difference in differences, 95 % interval */
	bool significant;	/* the interval leaves out 0 */
	struct ev_estimate est;
	/* the classes matched (also when shown is false: a page lists them only
	 * with the estimate, a cycle's page its own); set by
	 * coaching_impact_run when the caller gives room (pairs, cap) */
	struct coaching_impact_pair *pairs;
	size_t npairs;
};

/* Pure: matches (see the top of this file) and runs ev_did_panel over the
 * matched classes, clustered by teacher when a teacher has two classes (the
 * ICC of the changes estimated), with the evaluation engine's privacy rule:
 * fewer than EVAL_MIN_SHOWN classes on either side shows nothing (shown
 * false, why says so, without the counts). diff, lo, hi in share points
 * (0..1 scale). pairs (may be NULL) has room for cap entries: the classes
 * matched, coached first, also when the estimate is not shown. EB_OK with shown false when the design cannot be
 * made; EB_ENOMEM. */
enum eb_err coaching_impact_run(const struct coaching_impact_unit *units, size_t n,
				struct coaching_impact_pair *pairs, size_t cap,
				struct coaching_impact *out);

/* ---- from the database --------------------------------------------------- */

/* A class in a coaching cycle: the estimator's input, so that it does not
 * depend on how cycles are stored. completed = 0 (a cycle still running)
 * keeps the class's teacher out of the comparison but not in the estimate. */
struct coaching_impact_class {
	int64_t cycle_id;
	const char *class_id; /* roster class sourcedId */
	const char *const *standards;
	size_t nstandards;	    /* the first COACHING_IMPACT_MAX_STANDARDS are used */
	int64_t starts_at, ends_at; /* Unix s */
	int completed;
};

/* A class of the estimate, named for the page. */
struct coaching_impact_row {
	const char *class_id, *title, *school_id, *teacher_id;
	int64_t cycle_id; /* the coached class's cycle */
	int coached;
	double pre, post;
};

/* Reads each coached class (roster: course, school, teacher) and the
 * comparison candidates of its course, measures them from the learning
 * events on its goal standards and dates, and runs the design. school_id
 * (NULL: all) keeps only coached classes of that school (comparisons may
 * come from any school). *rows / *nrows (may be NULL) get the classes of
 * the estimate, coached first, in the arena. Errors only for the database
 * or memory; a design that cannot be made is EB_OK with shown false. */
enum eb_err coaching_impact(struct db *db, int64_t district_id,
			    const struct coaching_impact_class *cycles, size_t n,
			    const char *school_id, struct arena *a, struct coaching_impact *out,
			    struct coaching_impact_row **rows, size_t *nrows);

/* Every class of every coaching cycle of the district (domain/coaching's
 * tables: completed cycles are the coached classes, the others keep their
 * teachers out of the comparison), in the arena, in cycle order. EB_OK
 * with *n 0 when there are none. */
enum eb_err coaching_impact_cycles(struct db *db, int64_t district_id, struct arena *a,
				   struct coaching_impact_class **out, size_t *n);

/* The design's limits in plain words, one sentence each, NULL-terminated:
 * the same text for the page, the docs and the section of a cycle. */
extern const char *const coaching_impact_limits[];

#endif
