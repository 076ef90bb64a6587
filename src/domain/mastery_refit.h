/* mastery_refit.h - the nightly refit of a district's mastery model and
 * the stored fit's facts (`edbridge fit`, the server's nightly job, the
 * demo). See docs/mastery_store.md, "`edbridge fit`". */
#ifndef EB_MASTERY_REFIT_H
#define EB_MASTERY_REFIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/mastery_model.h"

struct db;

struct mastery_refit_summary {
	size_t rows, students, standards, cells, inferred;
	size_t late; /* responses stored during the fit, applied online after it */
	int iterations;
	double fit_seconds;   /* mastery_fit alone */
	double total_seconds; /* read + fit + recompute + store */
	int64_t fitted_at;
};

/* Progress: phase ("read", "fit", "recompute", "store"), done of total. */
typedef void (*mastery_progress_fn)(void *ctx, const char *phase, size_t done, size_t total);

/* Refits the district's model on all its evidence (learning_event rows with
 * correct and a standard, per student in time order), stores it, and
 * recomputes every student x standard state (one transaction; inferred
 * cells for the neighbours of measured standards). The read and the fit run
 * outside the transaction; evidence stored meanwhile is applied online
 * (mastery_record) before it commits. hp NULL = defaults. db must have no
 * transaction open. EB_ENOTFOUND ("no evidence") when the district has none:
 * nothing changes. Other errors with a reason in err (cap > 0). */
enum eb_err mastery_refit(struct db *db, int64_t district_id, const struct mastery_params *hp,
			  mastery_progress_fn progress, void *ctx,
			  struct mastery_refit_summary *out, char *err, size_t cap);

struct mastery_fit_row {
	int64_t fitted_at, rows, students, standards, iterations;
	double fit_seconds, objective;
};
/* The stored fit's facts; EB_ENOTFOUND when none. */
enum eb_err mastery_fit_info(struct db *db, int64_t district_id, struct mastery_fit_row *out);

#endif
