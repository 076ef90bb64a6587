/* ticket_report.h - the support reports (issue 14; docs/support.md,
 * "Reports"): time to first response and to resolution by tool, by tier and
 * by school over a period, and tickets per 100 active students by tool with
 * the tickets the knowledge base deflected. Reads the ticket tables
 * (migration 029, domain/ticket.h), the tools' learning-data summary
 * (domain/activity.h) and the knowledge base's marks (domain/kb.h).
 *
 * Definitions (the page writes them out):
 *   - a ticket counts once per incident: duplicates merged into another
 *     ticket are left out; it belongs to the period it was filed in
 *     [from, to);
 *   - time to first response: first_response_at - created_at, over the
 *     tickets that had one;
 *   - time to resolution: resolved_at - created_at less the time spent
 *     waiting on the reporter (paused_s), over the tickets resolved;
 *   - tier: the tier holding the ticket when it was resolved, or now;
 *   - median and 90th percentile: ticket_report_quantile;
 *   - active students of a tool: the roster students whose learning data the
 *     tool has sent (the tool summary; of the school's enrolled students
 *     when the report is of one school);
 *   - tickets per 100 active students: 100 x tickets / active students. */
#ifndef EB_TICKET_REPORT_H
#define EB_TICKET_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

enum ticket_report_by { TICKET_REPORT_TOOL, TICKET_REPORT_TIER, TICKET_REPORT_SCHOOL };

/* One group's times, in seconds; -1 where no ticket of the group had one. */
struct ticket_report_row {
	const char *key;   /* tool id, tier name or school sourcedId ("" none) */
	const char *label; /* tool name, tier label, school name; "No tool" ... */
	int64_t tickets, responded, resolved;
	double response_median, response_p90, resolve_median, resolve_p90;
};

/* Times of the tickets filed in [from, to) grouped `by`, of one school
 * (school_sid) or the whole district (NULL), by label. Arrays in arena. */
enum eb_err ticket_report_times(struct db *db, int64_t district_id, int64_t from, int64_t to,
				const char *school_sid, enum ticket_report_by by,
				struct arena *arena, struct ticket_report_row **rows, size_t *n);

struct ticket_report_load {
	int64_t tool_id;
	const char *tool_name;
	int64_t tickets, active_students, deflected;
	double per_100; /* -1 when the tool has no active students */
};

/* Tickets per 100 active students for each tool with a ticket or a
 * deflected ticket in [from, to) (of one school, or NULL: the district),
 * by tool name. Deflected tickets are counted district-wide (a reader's
 * mark has no school). */
enum eb_err ticket_report_load(struct db *db, int64_t district_id, int64_t from, int64_t to,
			       const char *school_sid, struct arena *arena,
			       struct ticket_report_load **rows, size_t *n);

/* The p-quantile (0 <= p <= 1) of v[n] after sorting it in place, by linear
 * interpolation between the closest ranks: v[h] + (h - floor h) (v[h+1] -
 * v[h]) with h = (n - 1) p (Hyndman and Fan's type 7, the default of R and
 * of spreadsheets' PERCENTILE). -1 for n == 0. */
double ticket_report_quantile(double *v, size_t n, double p);

#endif
