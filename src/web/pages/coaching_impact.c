/* Coaching impact on students (issue 15, docs/coaching_impact.md): the
 * classes of completed coaching cycles against matched classes not
 * coached, on the cycles' goal standards, through the evaluation engine
 * (domain/coaching_impact). District roles see every class by name; a
 * principal sees their school's coached classes (the estimate only when both
 * groups reach the small-group threshold) and, of the comparison classes in
 * other schools, only how many there are. */
#include "web/pages/coaching_impact.h"

#include <stdio.h>
#include <string.h>

#include "domain/access.h"
#include "domain/coaching_impact.h"
#include "domain/evaluation.h"
#include "web/auth.h"
#include "web/chart.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

/* The school a principal's view is limited to (NULL: the district view of
 * coordinators and administrators). False when refused (answered). */
static bool scope(struct http_request *req, const char **school)
{
	const struct account *a = &req->session->account;
	*school = NULL;
	if (access_has(a, ROLE_DISTRICT_ADMIN) || access_has(a, ROLE_COORDINATOR))
		return true;
	const char *q = http_query(req, "school");
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		if (r->role != ROLE_PRINCIPAL || strcmp(r->scope_type, "school") != 0)
			continue;
		if (!q || !*q || strcmp(q, r->scope_id) == 0) {
			*school = r->scope_id;
			return true;
		}
	}
	page_error(req, 404, "Not found", "There is no such school among yours.");
	return false;
}

static void limits(struct buf *b)
{
	html_raw(b, "<section aria-labelledby=\"h-limits\"><h2 id=\"h-limits\">What this can and"
		    " cannot tell</h2><ul>");
	for (size_t i = 0; coaching_impact_limits[i]; i++) {
		html_raw(b, "<li>");
		html_text(b, coaching_impact_limits[i]);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
}

static void method(struct buf *b)
{
	html_raw(b, "<section aria-labelledby=\"h-how\"><h2 id=\"h-how\">How the classes were"
		    " compared</h2><p>");
	html_textf(b,
		   "Each class in a completed cycle is measured on its cycle's goal standards:"
		   " the share of correct answers its students gave in the district's tools in the"
		   " %d days before the cycle started and in the cycle's last %d days. Each is"
		   " compared with up to %d classes of the same course whose teachers were in no"
		   " coaching cycle and whose share before was within %.0f points of its own,"
		   " measured on the same standards and dates; each comparison class is used once,"
		   " and its change is adjusted for the small difference left before. The estimate"
		   " is the difference in the change (each class its own control), with its 95%%"
		   " interval corrected for classes of the same teacher. Groups of fewer than %d"
		   " classes are never shown.",
		   COACHING_IMPACT_WINDOW_DAYS, COACHING_IMPACT_WINDOW_DAYS,
		   COACHING_IMPACT_MATCHES, 100 * COACHING_IMPACT_CALIPER, EVAL_MIN_SHOWN);
	html_raw(b, "</p></section>");
}

static void estimate(struct buf *b, const struct coaching_impact *r)
{
	html_raw(b, "<p>");
	html_textf(b,
		   "Classes in completed coaching cycles (%g classes, %g teachers) went from %.0f%%"
		   " to %.0f%% correct on their goal standards; matched classes not coached (%g"
		   " classes, %g teachers) went from %.0f%% to %.0f%%.",
		   r->n_coached, r->teachers_coached, 100 * r->pre_t, 100 * r->post_t,
		   r->n_compared, r->teachers_compared, 100 * r->pre_c, 100 * r->post_c);
	html_raw(b, "</p><p><strong>");
	html_textf(b,
		   "Difference in the change: %+.1f percentage points (95%% interval %+.1f to"
		   " %+.1f).",
		   100 * r->diff, 100 * r->lo, 100 * r->hi);
	html_raw(b, "</strong> ");
	html_text(b, r->significant ? (r->diff > 0 ? "The interval leaves out zero: coached classes"
						     " gained more than similar classes."
						   : "The interval leaves out zero: coached classes"
						     " gained less than similar classes.")
				    : "The interval includes zero: no difference can be told from"
				      " chance.");
	html_raw(b, "</p><p>");
	html_textf(b,
		   "Before the cycles the two groups differed by %.2f standard deviations on the"
		   " share correct (baseline equivalence: %s). Effect size %.2f (95%% interval"
		   " %.2f to %.2f).",
		   r->baseline_g, ev_band_name(r->baseline_band), r->est.g, r->est.ci_lo,
		   r->est.ci_hi);
	if (r->n_unmatched) {
		html_raw(b, " ");
		html_textf(b,
			   "%zu coached classes had no similar class to compare with and are left"
			   " out.",
			   r->n_unmatched);
	}
	html_raw(b, "</p>");
	struct chart_interval row = { "Coached classes", r->est.g, r->est.ci_lo, r->est.ci_hi,
				      !r->significant ? SVG_NEUTRAL
				      : r->diff > 0   ? SVG_POSITIVE
						      : SVG_NEGATIVE };
	static const char title[] = "Coaching's estimated effect with its 95% interval";
	html_raw(b, "<figure class=\"forest\"><div class=\"chart-wide\">");
	chart_forest(b, "coach-forest", title,
		     "effect size (Hedges' g); left of the dashed line: worse, right: better", &row,
		     1);
	html_raw(b, "</div><div class=\"chart-narrow\">");
	chart_forest_narrow(b, "coach-forest-narrow", title, "effect (g): left worse, right better",
			    &row, 1);
	html_raw(b, "</div><figcaption>The dot is the estimated effect on the goal standards, the"
		    " line the range the true effect most likely lies in (95% interval); the dashed"
		    " line is no effect.</figcaption></figure>");
}

static void classes_table(struct http_request *req, const struct coaching_impact_row *rows,
			  size_t n, const char *school)
{
	struct buf *b = &req->out;
	size_t hidden = 0;
	html_raw(b, "<section aria-labelledby=\"h-classes\"><h2 id=\"h-classes\">The classes"
		    " compared</h2>");
	page_scroll_begin(req, "The classes compared");
	html_raw(b, "<table><caption>Share of correct answers on the goal standards</caption>"
		    "<thead><tr><th scope=\"col\">Class</th><th scope=\"col\">Group</th>"
		    "<th scope=\"col\">Before</th><th scope=\"col\">End of cycle</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct coaching_impact_row *r = &rows[i];
		if (school && (!r->school_id || strcmp(r->school_id, school) != 0)) {
			hidden++;
			continue;
		}
		html_raw(b, "<tr><td><a href=\"/classes/");
		html_url(b, r->class_id);
		html_raw(b, "\">");
		html_text(b, r->title ? r->title : r->class_id);
		html_raw(b, "</a></td><td>");
		html_text(b, r->coached ? "coached" : "compared");
		html_raw(b, "</td><td>");
		html_textf(b, "%.0f%%", 100 * r->pre);
		html_raw(b, "</td><td>");
		html_textf(b, "%.0f%%", 100 * r->post);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (hidden) {
		html_raw(b, "<p>");
		html_textf(b, "and %zu comparison classes of other schools.", hidden);
		html_raw(b, "</p>");
	}
	html_raw(b, "</section>");
}

void page_coaching_impact(struct http_request *req)
{
	const char *school;
	if (!scope(req, &school))
		return;
	int64_t d = req->session->account.district_id;
	struct coaching_impact_class *cycles;
	size_t ncycles;
	struct coaching_impact r;
	struct coaching_impact_row *rows = NULL;
	size_t nrows = 0;
	if (coaching_impact_cycles(req->db, d, &req->arena, &cycles, &ncycles) ||
	    coaching_impact(req->db, d, cycles, ncycles, school, &req->arena, &r, &rows, &nrows)) {
		page_error(req, 503, "Try again",
			   "The comparison could not be read. Try again later.");
		return;
	}
	struct buf *b = &req->out;
	page_begin(req, "Did coaching move students?");
	if (school) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, "Coached classes of your school only.");
		html_raw(b, "</p>");
	}
	if (!ncycles)
		html_raw(b, "<p>No coaching cycle has been completed yet.</p>");
	else if (!r.shown) {
		html_raw(b, "<p>");
		html_text(b, r.why[0] ? r.why : "No estimate can be made yet.");
		html_raw(b, "</p>");
	} else {
		estimate(b, &r);
		classes_table(req, rows, nrows, school);
	}
	method(b);
	limits(b);
	page_end(req);
}

void coaching_impact_section(struct http_request *req, int64_t cycle_id)
{
	struct buf *b = &req->out;
	const struct account *a = &req->session->account;
	int64_t d = a->district_id;
	struct coaching_impact_class *cycles;
	size_t ncycles;
	struct coaching_impact r;
	struct coaching_impact_row *rows = NULL;
	size_t nrows = 0;
	html_raw(b, "<section aria-labelledby=\"h-impact\"><h2 id=\"h-impact\">Did the classes"
		    " move?</h2>");
	if (coaching_impact_cycles(req->db, d, &req->arena, &cycles, &ncycles) ||
	    coaching_impact(req->db, d, cycles, ncycles, NULL, &req->arena, &r, &rows, &nrows)) {
		html_raw(b, "<p>The comparison could not be read. Try again later.</p></section>");
		return;
	}
	bool completed = false;
	for (size_t i = 0; i < ncycles; i++)
		completed = completed || (cycles[i].cycle_id == cycle_id && cycles[i].completed);
	double sum[4] = { 0 };
	int nt = 0, nc = 0;
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].cycle_id != cycle_id)
			continue;
		if (rows[i].coached)
			nt++, sum[0] += rows[i].pre, sum[1] += rows[i].post;
		else
			nc++, sum[2] += rows[i].pre, sum[3] += rows[i].post;
	}
	html_raw(b, "<p>");
	if (!completed)
		html_text(b,
			  "Once the cycle is completed, its classes are compared here with similar"
			  " classes that were not coached.");
	else if (!nt || !nc)
		html_text(b,
			  "No similar class without coaching could be found to compare with (or"
			  " the goal standards had no answers before or at the end of the cycle).");
	else
		html_textf(
			b,
			"On the goal standards, this cycle's classes (%d) went from %.0f%% to"
			" %.0f%% correct; %d similar classes of the same course, not coached, went"
			" from %.0f%% to %.0f%%. One cycle is too few classes to tell coaching"
			" from chance.",
			nt, 100 * sum[0] / nt, 100 * sum[1] / nt, nc, 100 * sum[2] / nc,
			100 * sum[3] / nc);
	html_raw(b, "</p>");
	if (access_has(a, ROLE_DISTRICT_ADMIN) || access_has(a, ROLE_COORDINATOR) ||
	    access_has(a, ROLE_PRINCIPAL))
		html_raw(b,
			 "<p><a href=\"/coaching/impact\">All completed cycles compared</a></p>");
	html_raw(b, "<p class=\"muted\">");
	html_text(b, coaching_impact_limits[0]);
	html_raw(b, " ");
	html_text(b, coaching_impact_limits[1]);
	html_raw(b, "</p></section>");
}
