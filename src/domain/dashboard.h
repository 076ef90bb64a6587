/* dashboard.h - what the student dashboard reads that no other room gives:
 * the deep link into a tool's activity for a standard. */
#ifndef EB_DASHBOARD_H
#define EB_DASHBOARD_H

#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

/* The tool tool_id of the district, when it is approved (a status the
 * public may see), and where a student opens it for standard (canonical
 * code): an activity of the tool mapped to that standard (activity_map)
 * whose id is an http(s) address (its launch URL), else the tool's own
 * address ("" when it has none). *name and *url live in arena.
 * EB_ENOTFOUND when the tool is not there or not approved. */
enum eb_err dashboard_tool_link(struct db *db, int64_t district_id, int64_t tool_id,
				const char *standard, struct arena *arena, const char **name,
				const char **url);

#endif
