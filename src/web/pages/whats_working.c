/* What's working: every initiative of the district (or of one school) with
 * its effect, a forest plot, its cost, in plain words. The same rows as CSV
 * and Excel are in whats_working_export.c. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "domain/access.h"
#include "domain/evaluation.h"
#include "domain/initiative_cost.h"
#include "domain/initiatives.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/chart.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/initiatives.h"
#include "web/pages/pages.h"
#include "web/pages/whats_working.h"

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

size_t whats_working_load(struct http_request *req, const char *school, struct ww_row **out)
{
	struct initiative_row *rows;
	size_t n;
	if (initiative_list(req->db, district_of(req), &req->arena, &rows, &n))
		return 0;
	struct ww_row *v = arena_zalloc(&req->arena, (n + 1) * sizeof *v);
	size_t k = 0;
	/* every initiative from one snapshot of the data (db_begin_read) */
	bool snap = !db_in_transaction(req->db) && db_begin_read(req->db) == EB_OK;
	for (size_t i = 0; v && i < n; i++) {
		if (initiative_get(req->db, district_of(req), rows[i].id, &req->arena, &v[k].in))
			continue;
		initiatives_evaluate(req, &v[k].in, &v[k].ev, school);
		init_cost_get(req->db, district_of(req), &v[k].in,
			      v[k].ev.ok ? &v[k].ev.r->est : NULL, &v[k].cost);
		k++;
	}
	if (snap)
		db_rollback(req->db);
	*out = v;
	return v ? k : 0;
}

/* The evaluated initiatives' effects with their 95% intervals: green when
 * significantly positive, red when significantly negative, else blue. */
static void forest_plot(struct http_request *req, const struct ww_row *v, size_t n)
{
	struct chart_interval *rows = arena_alloc(&req->arena, (n ? n : 1) * sizeof *rows);
	if (!rows)
		return;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].ev.ok)
			continue;
		const struct ev_estimate *e = &v[i].ev.r->est;
		enum svg_colour c = !e->significant ? SVG_NEUTRAL
				    : e->g > 0      ? SVG_POSITIVE
						    : SVG_NEGATIVE;
		rows[m++] = (struct chart_interval){ v[i].in.title, e->g, e->ci_lo, e->ci_hi, c };
	}
	chart_forest(&req->out, "forest",
		     "Effect of each initiative with its 95% interval (Hedges' g)",
		     "effect size (Hedges' g); left of the dashed line: worse, right: better", rows,
		     m);
}

/* ?school=SID for a link, or nothing for the district. */
static void school_query(struct buf *b, const char *school)
{
	if (!school)
		return;
	html_raw(b, "?school=");
	html_url(b, school);
}

void page_whats_working(struct http_request *req)
{
	bool ok;
	const char *school = initiatives_report_school(req, &ok);
	if (!ok)
		return;
	struct ww_row *v = NULL;
	size_t n = whats_working_load(req, school, &v);
	char title[256];
	if (school)
		snprintf(title, sizeof title, "What's working at %.200s", school);
	else
		str_copy(title, sizeof title, "What's working");
	page_begin(req, title);
	struct buf *b = &req->out;
	html_raw(b, "<p>Each initiative's effect on its outcome assessment, with its 95% interval");
	html_raw(b, school ? ", for the targeted students of this school only." : ".");
	html_raw(b, " <a href=\"/whats-working.csv");
	school_query(b, school);
	html_raw(b, "\">Download as CSV</a> · <a href=\"/whats-working.xlsx");
	school_query(b, school);
	html_raw(b, "\">Excel</a></p>");
	if (n == 0) {
		html_raw(b, "<p class=\"muted\">No initiatives yet.</p>");
		page_end(req);
		return;
	}
	forest_plot(req, v, n);
	page_scroll_begin(req, "Initiatives and their effects");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Initiative</th>"
		    "<th scope=\"col\">Tool</th><th scope=\"col\">Status</th><th scope=\"col\">Effect (g)</th>"
		    "<th scope=\"col\">95% interval</th><th scope=\"col\">ESSA tier</th>"
		    "<th scope=\"col\">Cost per active student</th>"
		    "<th scope=\"col\">Cost per student per 0.1 SD</th>"
		    "<th scope=\"col\">In plain words</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct init_cost *c = &v[i].cost;
		char m1[64], m2[200];
		initiatives_money(m1, sizeof m1, c->cost_per_active);
		if (!c->has_tool)
			str_copy(m2, sizeof m2, "- (no tool of the inventory)");
		else if (c->cost_per_01sd >= 0)
			initiatives_money(m2, sizeof m2, c->cost_per_01sd);
		else
			snprintf(m2, sizeof m2, "- (%s)", c->why_no_effect_cost);
		html_raw(b, "<tr><td><a href=\"/initiatives/");
		html_int(b, v[i].in.id);
		html_raw(b, "\">");
		html_text(b, v[i].in.title);
		html_raw(b, "</a></td><td>");
		html_text(b, v[i].in.tool_name);
		html_raw(b, "</td><td>");
		html_text(b, initiative_status_label(v[i].in.status));
		if (!v[i].ev.ok) {
			html_raw(b, v[i].ev.hidden ? "</td><td colspan=\"3\" class=\"muted\">"
						   : "</td><td colspan=\"3\" class=\"muted\">Not evaluated yet: ");
			html_text(b, v[i].ev.why);
			html_raw(b, "</td><td>");
			html_text(b, m1);
			html_raw(b, "</td><td>");
			html_text(b, m2);
			html_raw(b, "</td><td></td></tr>");
			continue;
		}
		const struct eval_result *r = v[i].ev.r;
		html_raw(b, "</td><td>");
		html_textf(b, "%.2f", r->est.g);
		if (v[i].in.has_pass && r->has_cox) {
			html_raw(b, "<br><small class=\"cox\">");
			html_textf(b, "Cox index %.2f (passing: %g or more)", r->cox.cox,
				   v[i].in.pass_score);
			html_raw(b, "</small>");
		}
		html_raw(b, "</td><td>");
		html_textf(b, "%.2f to %.2f", r->est.ci_lo, r->est.ci_hi);
		if (v[i].in.has_pass && r->has_cox) {
			html_raw(b, "<br><small class=\"cox\">");
			html_textf(b, "%.2f to %.2f", r->cox_ci_lo, r->cox_ci_hi);
			html_raw(b, "</small>");
		}
		html_raw(b, "</td><td>");
		html_textf(b, "%d (%s)", r->tier.tier, r->tier.name);
		html_raw(b, "</td><td>");
		html_text(b, m1);
		html_raw(b, "</td><td>");
		html_text(b, m2);
		html_raw(b, "</td><td>");
		struct buf p = BUF_INIT;
		buf_init(&p, 4096);
		eval_write_plain(r, v[i].in.tool_name, &p);
		html_text(b, buf_cstr(&p));
		buf_free(&p);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div><p class=\"muted\">Cost: the tool's annual licence cost"
		    " (tools inventory) over the students with any recorded use, district-wide; per"
		    " 0.1 SD: that cost divided by the effect in tenths of a standard deviation,"
		    " only for a significant positive effect.</p>");
	page_end(req);
}
