/* What's working: every initiative of the district (or of one school) with
 * its effect, a forest plot, its cost, in plain words; the rows computed
 * once per version of their inputs and kept (whats_working.h). The same
 * rows as CSV and Excel are in whats_working_export.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "domain/access.h"
#include "domain/eval_inputs.h"
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

/* ---- the rows, computed ------------------------------------------------ */

static void row_fill(struct ww_row *w, const struct initiative *in, const struct evaluated *ev,
		     const struct init_cost *cost)
{
	memset(w, 0, sizeof *w);
	w->id = in->id;
	str_copy(w->title, sizeof w->title, in->title);
	str_copy(w->tool_name, sizeof w->tool_name, in->tool_name);
	w->status = in->status;
	w->has_pass = in->has_pass;
	w->pass_score = in->pass_score;
	w->ok = ev->ok;
	w->hidden = ev->hidden;
	w->cost = *cost;
	if (!ev->ok) {
		str_copy(w->why, sizeof w->why, ev->why);
		return;
	}
	const struct eval_result *r = ev->r;
	w->design = r->design;
	w->est = r->est;
	w->tier = r->tier.tier;
	str_copy(w->tier_name, sizeof w->tier_name, r->tier.name ? r->tier.name : "");
	w->has_cox = r->has_cox;
	w->cox = r->cox.cox;
	w->cox_ci_lo = r->cox_ci_lo;
	w->cox_ci_hi = r->cox_ci_hi;
	w->cox_p = r->cox_p;
	struct buf p = BUF_INIT;
	buf_init(&p, sizeof w->plain - 1);
	eval_write_plain(r, in->tool_name, &p);
	str_copy(w->plain, sizeof w->plain, buf_cstr(&p));
	buf_free(&p);
}

/* Evaluates every initiative (in the caller's snapshot); *keep false when a
 * row lacks its result for a passing reason, or a row is missing. */
static size_t rows_compute(struct http_request *req, const char *school, struct ww_row **out,
			   bool *keep)
{
	struct initiative_row *list;
	size_t n;
	*keep = false;
	*out = NULL;
	if (initiative_list(req->db, district_of(req), &req->arena, &list, &n))
		return 0;
	struct ww_row *v = arena_zalloc(&req->arena, (n + 1) * sizeof *v);
	if (!v)
		return 0;
	size_t k = 0;
	*keep = true;
	for (size_t i = 0; i < n; i++) {
		struct initiative in;
		struct evaluated ev;
		struct init_cost cost;
		if (initiative_get(req->db, district_of(req), list[i].id, &req->arena, &in)) {
			*keep = false;
			continue;
		}
		initiatives_evaluate_headline(req, &in, &ev, school);
		if (ev.transient ||
		    init_cost_get(req->db, district_of(req), &in, ev.ok ? &ev.r->est : NULL, &cost))
			*keep = false;
		row_fill(&v[k++], &in, &ev, &cost);
	}
	*out = v;
	return k;
}

/* ---- the rows, kept --------------------------------------------------- */

#define WW_CACHE_SLOTS 64

/* One result set: a district (and school) at one version of its inputs. */
struct ww_kept {
	int64_t district, version;
	char school[ACCOUNT_ID_MAX]; /* "" for the whole district */
	uint64_t used;		     /* clock of the last use: the least recent goes first */
	size_t n;
	struct ww_row *rows; /* malloc'd, owned by the slot; NULL: empty slot */
};

/* The cache: the process's, for all its threads; its lock guards the slots
 * and the counters. */
static struct {
	pthread_mutex_t lock;
	struct ww_kept slot[WW_CACHE_SLOTS];
	uint64_t clock;
	long hits, computed;
} ww = { .lock = PTHREAD_MUTEX_INITIALIZER };

static bool same_key(const struct ww_kept *k, int64_t district, const char *school)
{
	return k->rows && k->district == district && strcmp(k->school, school ? school : "") == 0;
}

/* This version's rows copied into the arena: true, or false when not kept. */
static bool cache_get(struct http_request *req, const char *school, int64_t version,
		      struct ww_row **out, size_t *n)
{
	bool hit = false;
	pthread_mutex_lock(&ww.lock);
	for (size_t i = 0; i < WW_CACHE_SLOTS && !hit; i++) {
		struct ww_kept *k = &ww.slot[i];
		if (!same_key(k, district_of(req), school) || k->version != version)
			continue;
		struct ww_row *v = arena_alloc(&req->arena, (k->n + 1) * sizeof *v);
		if (!v)
			break;
		memcpy(v, k->rows, k->n * sizeof *v);
		*out = v;
		*n = k->n;
		k->used = ++ww.clock;
		ww.hits++;
		hit = true;
	}
	pthread_mutex_unlock(&ww.lock);
	return hit;
}

/* Keeps a copy of the rows for this version, in place of the slot of the
 * same district and school, else an empty one, else the least recent. */
static void cache_put(struct http_request *req, const char *school, int64_t version,
		      const struct ww_row *rows, size_t n)
{
	struct ww_row *copy = malloc((n ? n : 1) * sizeof *copy);
	if (!copy)
		return;
	memcpy(copy, rows, n * sizeof *copy);
	pthread_mutex_lock(&ww.lock);
	struct ww_kept *to = NULL;
	for (size_t i = 0; i < WW_CACHE_SLOTS && !to; i++)
		if (same_key(&ww.slot[i], district_of(req), school))
			to = &ww.slot[i];
	for (size_t i = 0; i < WW_CACHE_SLOTS && !to; i++)
		if (!ww.slot[i].rows)
			to = &ww.slot[i];
	if (!to) {
		to = &ww.slot[0];
		for (size_t i = 1; i < WW_CACHE_SLOTS; i++)
			if (ww.slot[i].used < to->used)
				to = &ww.slot[i];
	}
	if (to->rows && to->version > version && same_key(to, district_of(req), school)) {
		/* a newer version's rows got there first */
		pthread_mutex_unlock(&ww.lock);
		free(copy);
		return;
	}
	free(to->rows);
	to->district = district_of(req);
	to->version = version;
	str_copy(to->school, sizeof to->school, school ? school : "");
	to->used = ++ww.clock;
	to->n = n;
	to->rows = copy;
	pthread_mutex_unlock(&ww.lock);
}

void whats_working_cache_stats(long *hits, long *computed)
{
	pthread_mutex_lock(&ww.lock);
	*hits = ww.hits;
	*computed = ww.computed;
	pthread_mutex_unlock(&ww.lock);
}

size_t whats_working_load(struct http_request *req, const char *school, struct ww_row **out)
{
	/* the version and the rows from one snapshot: the rows are that version's */
	bool snap = !db_in_transaction(req->db) && db_begin_read(req->db) == EB_OK;
	int64_t version = 0;
	bool versioned = snap && eval_inputs_version(req->db, district_of(req), &version) == EB_OK;
	size_t n = 0;
	if (versioned && cache_get(req, school, version, out, &n)) {
		db_rollback(req->db);
		return n;
	}
	bool keep;
	n = rows_compute(req, school, out, &keep);
	pthread_mutex_lock(&ww.lock);
	ww.computed++;
	pthread_mutex_unlock(&ww.lock);
	if (versioned && keep)
		cache_put(req, school, version, *out, n);
	if (snap)
		db_rollback(req->db);
	return n;
}

/* The evaluated initiatives' effects with their 95% intervals: green when
 * clearly positive, red when clearly negative, else blue; the colours and
 * how to read it are said in words under it. Two drawings of the same
 * numbers, one laid out for wide screens and one for phones (labels above
 * their lines), the stylesheet showing one: each keeps its text at 12 px or
 * more on the screens it is shown on. */
static void forest_plot(struct http_request *req, const struct ww_row *v, size_t n)
{
	struct buf *b = &req->out;
	struct chart_interval *rows = arena_alloc(&req->arena, (n ? n : 1) * sizeof *rows);
	if (!rows)
		return;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].ok)
			continue;
		const struct ev_estimate *e = &v[i].est;
		enum svg_colour c = !e->significant ? SVG_NEUTRAL
				    : e->g > 0	    ? SVG_POSITIVE
						    : SVG_NEGATIVE;
		rows[m++] = (struct chart_interval){ v[i].title, e->g, e->ci_lo, e->ci_hi, c };
	}
	if (!m)
		return;
	static const char title[] = "Effect of each initiative with its 95% interval (Hedges' g)";
	html_raw(b, "<figure class=\"forest\"><div class=\"chart-wide\">");
	chart_forest(b, "forest", title,
		     "effect size (Hedges' g); left of the dashed line: worse, right: better", rows,
		     m);
	html_raw(b, "</div><div class=\"chart-narrow\">");
	chart_forest_narrow(b, "forest-narrow", title, "effect (g): left worse, right better", rows,
			    m);
	html_raw(b,
		 "</div><figcaption>How to read it: each line is one initiative. The dot is its"
		 " estimated effect on the outcome assessment, the line the range the true effect"
		 " most likely lies in (95% interval); the dashed line is no effect."
		 " <strong>Green</strong>: clearly better than the comparison students (the whole"
		 " line is right of the dashed line). <strong>Red, with a square</strong>: clearly"
		 " worse. <strong>Blue</strong>: not clear either way. Effects are in standard"
		 " deviations: 0.1 is small, 0.25 large for a school "
		 "program.</figcaption></figure>");
}

/* The cost columns' words: per active student, per 0.1 SD of effect. */
static void cost_words(const struct init_cost *c, char *m1, size_t c1, char *m2, size_t c2)
{
	initiatives_money(m1, c1, c->cost_per_active);
	if (!c->has_tool)
		str_copy(m2, c2, "- (no tool of the inventory)");
	else if (c->cost_per_01sd >= 0)
		initiatives_money(m2, c2, c->cost_per_01sd);
	else
		snprintf(m2, c2, "- (%s)", c->why_no_effect_cost);
}

/* The table's rows as cards, which a phone shows instead of the table:
 * the result in plain words first, then the figures. */
static void cards(struct http_request *req, const struct ww_row *v, size_t n)
{
	struct buf *b = &req->out;
	html_raw(b, "<ul class=\"ww-cards fam-list\">");
	for (size_t i = 0; i < n; i++) {
		char m1[64], m2[200];
		cost_words(&v[i].cost, m1, sizeof m1, m2, sizeof m2);
		html_raw(b, "<li><p class=\"fam-what\"><a href=\"/initiatives/");
		html_int(b, v[i].id);
		html_raw(b, "\">");
		html_text(b, v[i].title);
		html_raw(b, "</a></p><p class=\"muted\">");
		html_text(b, v[i].tool_name);
		html_raw(b, " &middot; ");
		html_text(b, initiative_status_label(v[i].status));
		html_raw(b, "</p><p>");
		if (!v[i].ok) {
			if (!v[i].hidden)
				html_raw(b, "Not evaluated yet: ");
			html_text(b, v[i].why);
		} else {
			html_text(b, v[i].plain);
			html_raw(b, "</p><p>");
			html_textf(b,
				   "Effect %.2f (95%% interval %.2f to %.2f); ESSA tier %d (%s).",
				   v[i].est.g, v[i].est.ci_lo, v[i].est.ci_hi, v[i].tier,
				   v[i].tier_name);
		}
		html_raw(b, "</p><p>");
		html_textf(b, "Cost per active student %s; per student per 0.1 SD %s.", m1, m2);
		html_raw(b, "</p></li>");
	}
	html_raw(b, "</ul>");
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
	cards(req, v, n);
	html_raw(b, "<div class=\"ww-table\">");
	page_scroll_begin(req, "Initiatives and their effects");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Initiative</th>"
		    "<th scope=\"col\">Tool</th><th scope=\"col\">Status</th><th "
		    "scope=\"col\">Effect (g)</th>"
		    "<th scope=\"col\">95% interval</th><th scope=\"col\">ESSA tier</th>"
		    "<th scope=\"col\">Cost per active student</th>"
		    "<th scope=\"col\">Cost per student per 0.1 SD</th>"
		    "<th scope=\"col\">In plain words</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		char m1[64], m2[200];
		cost_words(&v[i].cost, m1, sizeof m1, m2, sizeof m2);
		html_raw(b, "<tr><td><a href=\"/initiatives/");
		html_int(b, v[i].id);
		html_raw(b, "\">");
		html_text(b, v[i].title);
		html_raw(b, "</a></td><td>");
		html_text(b, v[i].tool_name);
		html_raw(b, "</td><td>");
		html_text(b, initiative_status_label(v[i].status));
		if (!v[i].ok) {
			html_raw(b, v[i].hidden ? "</td><td colspan=\"3\" class=\"muted\">"
						: "</td><td colspan=\"3\" class=\"muted\">Not "
						  "evaluated yet: ");
			html_text(b, v[i].why);
			html_raw(b, "</td><td>");
			html_text(b, m1);
			html_raw(b, "</td><td>");
			html_text(b, m2);
			html_raw(b, "</td><td></td></tr>");
			continue;
		}
		html_raw(b, "</td><td>");
		html_textf(b, "%.2f", v[i].est.g);
		if (v[i].has_pass && v[i].has_cox) {
			html_raw(b, "<br><small class=\"cox\">");
			html_textf(b, "Cox index %.2f (passing: %g or more)", v[i].cox,
				   v[i].pass_score);
			html_raw(b, "</small>");
		}
		html_raw(b, "</td><td>");
		html_textf(b, "%.2f to %.2f", v[i].est.ci_lo, v[i].est.ci_hi);
		if (v[i].has_pass && v[i].has_cox) {
			html_raw(b, "<br><small class=\"cox\">");
			html_textf(b, "%.2f to %.2f", v[i].cox_ci_lo, v[i].cox_ci_hi);
			html_raw(b, "</small>");
		}
		html_raw(b, "</td><td>");
		html_textf(b, "%d (%s)", v[i].tier, v[i].tier_name);
		html_raw(b, "</td><td>");
		html_text(b, m1);
		html_raw(b, "</td><td>");
		html_text(b, m2);
		html_raw(b, "</td><td>");
		html_text(b, v[i].plain);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></div><p class=\"muted\">Cost: the tool's annual "
		    "licence cost"
		    " (tools inventory) over the students with any recorded use, district-wide; per"
		    " 0.1 SD: that cost divided by the effect in tenths of a standard deviation,"
		    " only for a significant positive effect.</p>");
	page_end(req);
}
