/* What's working as a download: the page's rows as CSV and as Excel, one
 * column table for both. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "domain/evaluation.h"
#include "domain/initiative_cost.h"
#include "domain/initiatives.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/initiatives.h"
#include "web/pages/pages.h"
#include "web/pages/whats_working.h"

/* A CSV field: quoted when needed; a leading = + - @ is prefixed with ' so
 * a spreadsheet does not run it as a formula. */
static void csv_field(struct buf *b, const char *s, int last)
{
	if (!s)
		s = "";
	buf_putc(b, '"');
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r')
		buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
	buf_putc(b, last ? '\n' : ',');
}

static void csv_num(struct buf *b, const char *f, double v, int last)
{
	buf_printf(b, f, isfinite(v) ? v : 0.0);
	buf_putc(b, last ? '\n' : ',');
}

/* The export's columns, shared by CSV and Excel: a name and, for a number,
 * its CSV format. A cell is text or a number; NAN numbers are empty cells. */
enum ww_col {
	WW_ID, WW_TITLE, WW_TOOL, WW_STATUS, WW_DESIGN, WW_N_T, WW_N_C, WW_G, WW_CI_LO, WW_CI_HI,
	WW_P, WW_TIER, WW_PASS, WW_COX, WW_COX_LO, WW_COX_HI, WW_COX_P, WW_SEATS, WW_ACTIVE,
	WW_UTIL, WW_COST, WW_COST_ACTIVE, WW_COST_01SD, WW_SCHOOL, WW_SUMMARY, WW_COLS
};
static const struct {
	const char *name, *fmt;
} ww_col[WW_COLS] = {
	[WW_ID] = { "initiative_id", "%.0f" },
	[WW_TITLE] = { "title", NULL },
	[WW_TOOL] = { "tool", NULL },
	[WW_STATUS] = { "status", NULL },
	[WW_DESIGN] = { "design", NULL },
	[WW_N_T] = { "n_intervention", "%.0f" },
	[WW_N_C] = { "n_comparison", "%.0f" },
	[WW_G] = { "effect_size_g", "%.4f" },
	[WW_CI_LO] = { "ci_low", "%.4f" },
	[WW_CI_HI] = { "ci_high", "%.4f" },
	[WW_P] = { "p_value", "%.4f" },
	[WW_TIER] = { "essa_tier", "%.0f" },
	[WW_PASS] = { "pass_score", "%g" },
	[WW_COX] = { "cox_index", "%.4f" },
	[WW_COX_LO] = { "cox_ci_low", "%.4f" },
	[WW_COX_HI] = { "cox_ci_high", "%.4f" },
	[WW_COX_P] = { "cox_p_value", "%.4f" },
	[WW_SEATS] = { "seats", "%.0f" },
	[WW_ACTIVE] = { "active_students", "%.0f" },
	[WW_UTIL] = { "utilization_pct", "%.2f" },
	[WW_COST] = { "annual_cost", "%.2f" },
	[WW_COST_ACTIVE] = { "cost_per_active_student", "%.2f" },
	[WW_COST_01SD] = { "cost_per_student_per_0_1sd", "%.2f" },
	[WW_SCHOOL] = { "school", NULL },
	[WW_SUMMARY] = { "summary", NULL },
};

struct ww_cell {
	const char *text;	/* NULL: number */
	double num;
};

static void ww_cells(const struct ww_row *w, const char *school, struct buf *plain,
		     struct ww_cell c[WW_COLS])
{
	for (int j = 0; j < WW_COLS; j++)
		c[j] = (struct ww_cell){ NULL, NAN };
	const struct eval_result *r = w->ev.ok ? w->ev.r : NULL;
	const struct init_cost *k = &w->cost;
	c[WW_ID].num = (double)w->in.id;
	c[WW_TITLE].text = w->in.title;
	c[WW_TOOL].text = w->in.tool_name;
	c[WW_STATUS].text = initiative_status_name(w->in.status);
	c[WW_SCHOOL].text = school ? school : "";
	if (w->in.has_pass)
		c[WW_PASS].num = w->in.pass_score;
	if (r) {
		c[WW_DESIGN].text = eval_design_name(r->design);
		c[WW_N_T].num = r->est.n_t;
		c[WW_N_C].num = r->est.n_c;
		c[WW_G].num = r->est.g;
		c[WW_CI_LO].num = r->est.ci_lo;
		c[WW_CI_HI].num = r->est.ci_hi;
		c[WW_P].num = r->est.p;
		c[WW_TIER].num = r->tier.tier;
		if (r->has_cox) {
			c[WW_COX].num = r->cox.cox;
			c[WW_COX_LO].num = r->cox_ci_lo;
			c[WW_COX_HI].num = r->cox_ci_hi;
			c[WW_COX_P].num = r->cox_p;
		}
		eval_write_plain(r, w->in.tool_name, plain);
		c[WW_SUMMARY].text = buf_cstr(plain);
	} else {
		c[WW_DESIGN].text = "";
		c[WW_SUMMARY].text = w->ev.why;
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

void page_whats_working_csv(struct http_request *req)
{
	bool ok;
	const char *school = whats_working_school(req, &ok);
	if (!ok)
		return;
	struct ww_row *v = NULL;
	size_t n = whats_working_load(req, school, &v);
	struct buf *b = &req->out;
	req->content_type = "text/csv; charset=utf-8";
	http_set_header(req, "Content-Disposition", "attachment; filename=\"whats-working.csv\"");
	for (int j = 0; j < WW_COLS; j++) {
		buf_puts(b, ww_col[j].name);
		buf_putc(b, j + 1 < WW_COLS ? ',' : '\n');
	}
	for (size_t i = 0; i < n; i++) {
		struct buf p = BUF_INIT;
		buf_init(&p, 4096);
		struct ww_cell c[WW_COLS];
		ww_cells(&v[i], school, &p, c);
		for (int j = 0; j < WW_COLS; j++) {
			int last = j + 1 == WW_COLS;
			if (c[j].text)
				csv_field(b, c[j].text, last);
			else if (isnan(c[j].num) || !ww_col[j].fmt)
				buf_putc(b, last ? '\n' : ',');
			else
				csv_num(b, ww_col[j].fmt, c[j].num, last);
		}
		buf_free(&p);
	}
}

void page_whats_working_xlsx(struct http_request *req)
{
	bool ok;
	const char *school = whats_working_school(req, &ok);
	if (!ok)
		return;
	struct ww_row *v = NULL;
	size_t n = whats_working_load(req, school, &v);
	char path[] = "/tmp/edbridge-ww-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0) {
		page_error(req, 503, "Unavailable", "Could not write the spreadsheet.");
		return;
	}
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "What's working") : NULL;
	if (!ws) {
		if (wb)
			workbook_close(wb);
		unlink(path);
		page_error(req, 503, "Unavailable", "Could not write the spreadsheet.");
		return;
	}
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (int j = 0; j < WW_COLS; j++)
		worksheet_write_string(ws, 0, (lxw_col_t)j, ww_col[j].name, bold);
	for (size_t i = 0; i < n && i < 1000000; i++) {
		struct buf p = BUF_INIT;
		buf_init(&p, 4096);
		struct ww_cell c[WW_COLS];
		ww_cells(&v[i], school, &p, c);
		for (int j = 0; j < WW_COLS; j++) {
			lxw_row_t row = (lxw_row_t)(i + 1);
			if (c[j].text)
				/* strings are stored as text, never as formulas */
				worksheet_write_string(ws, row, (lxw_col_t)j, c[j].text, NULL);
			else if (!isnan(c[j].num))
				worksheet_write_number(ws, row, (lxw_col_t)j, c[j].num, NULL);
		}
		buf_free(&p);
	}
	lxw_error e = workbook_close(wb);
	FILE *f = e == LXW_NO_ERROR ? fopen(path, "rb") : NULL;
	bool done = false;
	if (f) {
		char chunk[65536];
		size_t k;
		done = true;
		while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&req->out, chunk, k);
		fclose(f);
	}
	unlink(path);
	if (!done) {
		page_error(req, 503, "Unavailable", "Could not write the spreadsheet.");
		return;
	}
	req->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	http_set_header(req, "Content-Disposition", "attachment; filename=\"whats-working.xlsx\"");
}
