/* initiatives.h - what the initiative pages (initiatives.c), What's working
 * (whats_working.c) and its exports (whats_working_export.c) share. For
 * pages/ only; the handlers themselves are in pages.h. */
#ifndef EB_PAGES_INITIATIVES_H
#define EB_PAGES_INITIATIVES_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/evaluation.h"

struct http_request;
struct initiative;

/* An initiative evaluated for a page: ok, or why not (for people). */
struct evaluated {
	bool ok;
	bool hidden;	/* estimated, but a group is too small to show (eval_suppress_small) */
	bool transient; /* no result because of a passing problem (the database busy, out of
			 * memory), not because of the data: never to be kept */
	char why[512];
	struct eval_data data;
	struct eval_result *r; /* in req->arena */
};

/* Evaluates `in` on the request's database with its design (randomized or
 * matched). school (a school sourcedId, or NULL for the district): the
 * analysis is limited to the targeted students of that school. Never fails:
 * ev->ok false with ev->why says why there is no result. */
void initiatives_evaluate(struct http_request *req, const struct initiative *in,
			  struct evaluated *ev, const char *school);
/* The same, the headline only (eval_load_headline, no subgroups): the
 * whole-sample estimate, its tier and cut-score results, as What's working
 * shows them - equal to initiatives_evaluate's - without reading the
 * mastery estimates. */
void initiatives_evaluate_headline(struct http_request *req, const struct initiative *in,
				   struct evaluated *ev, const char *school);
/* The school the request's reports are limited to (access_report_school:
 * one rule for an initiative's page and What's working); NULL with *ok true
 * for the district. *ok false: the page was answered (404 or 403). */
const char *initiatives_report_school(struct http_request *req, bool *ok);
/* "$12.34", or "-" for a negative amount (not known). */
void initiatives_money(char *out, size_t cap, double dollars);

#endif
