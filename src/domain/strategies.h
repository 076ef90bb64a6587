/* strategies.h - the library of teacher-led strategies, per CCSS-M cluster:
 * what a teacher does with a small group when a standard is not yet secure
 * (manipulatives, number talks, worked examples, targeted re-teach, visual
 * models, games, error analysis ...), written in our own words in
 * data/strategies/strategies.tsv and compiled into the binary like the
 * catalog (docs/recommendations.md).
 *
 * The library is parsed once, on first use (pthread_once), into static
 * arrays that live for the whole process: every pointer handed out is valid
 * forever and must not be freed. All functions are thread-safe. */
#ifndef EB_STRATEGIES_H
#define EB_STRATEGIES_H

#include <stddef.h>

#include "base/err.h"
#include "domain/standards.h"

struct strategy {
	const char *id;			/* stable: "3.NF.A/fraction-strips" */
	const struct standard *cluster; /* the catalog cluster it serves */
	const char *kind;		/* "manipulatives", "number talk", "worked examples" ... */
	const char *name;		/* "Fraction strips" */
	const char *what;		/* one or two sentences: what the teacher does */
	const char *materials;		/* "paper strips"; "none" */
	int minutes;			/* a session, 5..60 */
};

/* Parses the library if not done yet. EB_EPARSE when the embedded file is
 * malformed, names a cluster the catalog does not hold, repeats an id or
 * gives minutes outside 5..60 (a build defect; the reason is logged, with
 * the line); every other function then behaves as if the library were
 * empty. */
enum eb_err strategies_init(void);

/* Number of strategies, and one by dense index (file order; NULL past the
 * end). */
size_t strategies_count(void);
const struct strategy *strategies_at(size_t i);

/* The strategy with this id, NULL when none. */
const struct strategy *strategies_find(const char *id);

/* The strategies of a cluster (or of the cluster of a standard or
 * substandard), file order: fills out[0..cap) and returns the total. */
size_t strategies_for(const struct standard *std, const struct strategy **out, size_t cap);

#endif
