/* What's working as a download: the page's rows as CSV and as Excel, one
 * column table for both. */
#include <math.h>

#include "domain/evaluation.h"
#include "domain/initiative_cost.h"
#include "domain/initiatives.h"
#include "web/export.h"
#include "web/pages/initiatives.h"
#include "web/pages/pages.h"
#include "web/pages/whats_working.h"

/* The export's columns, shared by CSV and Excel: a name and, for a number,
 * its decimals in CSV. A cell is text or a number; NAN numbers are empty
 * cells. */
enum ww_col {
	WW_ID,
	WW_TITLE,
	WW_TOOL,
	WW_STATUS,
	WW_DESIGN,
	WW_N_T,
	WW_N_C,
	WW_G,
	WW_CI_LO,
	WW_CI_HI,
	WW_P,
	WW_TIER,
	WW_PASS,
	WW_COX,
	WW_COX_LO,
	WW_COX_HI,
	WW_COX_P,
	WW_SEATS,
	WW_ACTIVE,
	WW_UTIL,
	WW_COST,
	WW_COST_ACTIVE,
	WW_COST_01SD,
	WW_SCHOOL,
	WW_SUMMARY,
	WW_COLS
};
static const struct {
	const char *name;
	int decimals;
} ww_col[WW_COLS] = {
	[WW_ID] = { "initiative_id", 0 },
	[WW_TITLE] = { "title", 0 },
	[WW_TOOL] = { "tool", 0 },
	[WW_STATUS] = { "status", 0 },
	[WW_DESIGN] = { "design", 0 },
	[WW_N_T] = { "n_intervention", 0 },
	[WW_N_C] = { "n_comparison", 0 },
	[WW_G] = { "effect_size_g", 4 },
	[WW_CI_LO] = { "ci_low", 4 },
	[WW_CI_HI] = { "ci_high", 4 },
	[WW_P] = { "p_value", 4 },
	[WW_TIER] = { "essa_tier", 0 },
	[WW_PASS] = { "pass_score", EXPORT_SHORTEST },
	[WW_COX] = { "cox_index", 4 },
	[WW_COX_LO] = { "cox_ci_low", 4 },
	[WW_COX_HI] = { "cox_ci_high", 4 },
	[WW_COX_P] = { "cox_p_value", 4 },
	[WW_SEATS] = { "seats", 0 },
	[WW_ACTIVE] = { "active_students", 0 },
	[WW_UTIL] = { "utilization_pct", 2 },
	[WW_COST] = { "annual_cost", 2 },
	[WW_COST_ACTIVE] = { "cost_per_active_student", 2 },
	[WW_COST_01SD] = { "cost_per_student_per_0_1sd", 2 },
	[WW_SCHOOL] = { "school", 0 },
	[WW_SUMMARY] = { "summary", 0 },
};

struct ww_cell {
	const char *text; /* NULL: number */
	double num;
};

static void ww_cells(const struct ww_row *w, const char *school, struct ww_cell c[WW_COLS])
{
	for (int j = 0; j < WW_COLS; j++)
		c[j] = (struct ww_cell){ NULL, NAN };
	const struct init_cost *k = &w->cost;
	c[WW_ID].num = (double)w->id;
	c[WW_TITLE].text = w->title;
	c[WW_TOOL].text = w->tool_name;
	c[WW_STATUS].text = initiative_status_name(w->status);
	c[WW_SCHOOL].text = school ? school : "";
	if (w->has_pass)
		c[WW_PASS].num = w->pass_score;
	if (w->ok) {
		c[WW_DESIGN].text = eval_design_name(w->design);
		c[WW_N_T].num = w->est.n_t;
		c[WW_N_C].num = w->est.n_c;
		c[WW_G].num = w->est.g;
		c[WW_CI_LO].num = w->est.ci_lo;
		c[WW_CI_HI].num = w->est.ci_hi;
		c[WW_P].num = w->est.p;
		c[WW_TIER].num = w->tier;
		if (w->has_cox) {
			c[WW_COX].num = w->cox;
			c[WW_COX_LO].num = w->cox_ci_lo;
			c[WW_COX_HI].num = w->cox_ci_hi;
			c[WW_COX_P].num = w->cox_p;
		}
		c[WW_SUMMARY].text = w->plain;
	} else {
		c[WW_DESIGN].text = "";
		c[WW_SUMMARY].text = w->why;
	}
	if (k->has_tool) {
		if (k->seats > 0)
			c[WW_SEATS].num = (double)k->seats;
		c[WW_ACTIVE].num = (double)k->active;
		if (k->utilization_pct >= 0)
			c[WW_UTIL].num = k->utilization_pct;
		if (k->annual_cost_cents > 0)
			c[WW_COST].num = (double)k->annual_cost_cents / 100.0;
		if (k->cost_per_active >= 0)
			c[WW_COST_ACTIVE].num = k->cost_per_active;
		if (k->cost_per_01sd >= 0)
			c[WW_COST_01SD].num = k->cost_per_01sd;
	}
}

static void whats_working_export(struct http_request *req, enum export_format f)
{
	bool ok;
	const char *school = initiatives_report_school(req, &ok);
	if (!ok)
		return;
	struct ww_row *v = NULL;
	size_t n = whats_working_load(req, school, &v);
	struct export x;
	if (!export_respond_begin(req, &x, f, "What's working"))
		return;
	for (int j = 0; j < WW_COLS; j++)
		export_head(&x, ww_col[j].name);
	export_end_row(&x);
	for (size_t i = 0; i < n; i++) {
		struct ww_cell c[WW_COLS];
		ww_cells(&v[i], school, c);
		for (int j = 0; j < WW_COLS; j++) {
			if (c[j].text)
				export_text(&x, c[j].text);
			else
				export_num(&x, c[j].num, ww_col[j].decimals);
		}
		export_end_row(&x);
	}
	export_respond_end(req, &x, "whats-working");
}

void page_whats_working_csv(struct http_request *req)
{
	whats_working_export(req, EXPORT_CSV);
}

void page_whats_working_xlsx(struct http_request *req)
{
	whats_working_export(req, EXPORT_XLSX);
}
