/* whats_working.h - the rows of What's working, shared by its page
 * (whats_working.c), its exports (whats_working_export.c) and whoever
 * shows it at a glance. pages/ only.
 *
 * The rows are computed once per version of the district's evaluation
 * inputs (domain/eval_inputs.h) and school, and kept in memory: a request
 * whose snapshot reads the same version gets the kept rows; a change of any
 * input changes the version in the same transaction, so a kept result is
 * never shown for data it was not computed from (docs/initiatives.md). */
#ifndef EB_PAGES_WHATS_WORKING_H
#define EB_PAGES_WHATS_WORKING_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/evaluation.h"
#include "domain/initiative_cost.h"
#include "domain/initiatives.h"

struct http_request;

#define WW_TEXT 208 /* initiative titles and tool names: 200 bytes at most */

/* One initiative on What's working: the plan's facts, its headline result
 * (initiatives_evaluate_headline) or why there is none, its cost. Flat: it
 * is copied whole in and out of the cache. */
struct ww_row {
	int64_t id;
	char title[WW_TEXT], tool_name[WW_TEXT];
	enum initiative_status status;
	bool has_pass;
	double pass_score;
	bool ok;       /* a result to show */
	bool hidden;   /* estimated, but a group is too small to show; why says so */
	char why[512]; /* !ok: why there is no result, for people */
	enum eval_design design;
	struct ev_estimate est;
	int tier;
	char tier_name[48];
	bool has_cox;
	double cox, cox_ci_lo, cox_ci_hi, cox_p;
	char plain[768]; /* the result in plain words (eval_write_plain) */
	struct init_cost cost;
};

/* Every initiative of the district evaluated at school (NULL: the
 * district), newest first, from one snapshot of the data, into *out
 * (req->arena): from the cache when it holds this version's, else computed
 * (and kept, unless a passing problem left a row without its result).
 * Returns how many; 0 also when they could not be read. */
size_t whats_working_load(struct http_request *req, const char *school, struct ww_row **out);

/* How many loads the cache answered and how many computed (tests). */
void whats_working_cache_stats(long *hits, long *computed);

#endif
