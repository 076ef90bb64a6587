/* whats_working.h - the rows of What's working, shared by its page
 * (whats_working.c) and its exports (whats_working_export.c). pages/ only. */
#ifndef EB_PAGES_WHATS_WORKING_H
#define EB_PAGES_WHATS_WORKING_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/initiative_cost.h"
#include "domain/initiatives.h"
#include "web/pages/initiatives.h"

struct http_request;

/* One initiative on What's working: the plan, its evaluation, its cost. */
struct ww_row {
	struct initiative in;
	struct evaluated ev;
	struct init_cost cost;
};

/* Every initiative of the district evaluated at school (NULL: the district)
 * from one snapshot of the data, into *out (req->arena). Returns how many;
 * 0 also when they could not be read. */
size_t whats_working_load(struct http_request *req, const char *school, struct ww_row **out);

#endif
