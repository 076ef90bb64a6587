/* Classroom observations (issue 15, docs/observations.md): the list, the
 * form, one observation (summary, shifts across observations of the class,
 * rubric with evidence, sharing), its debrief PDF and its marks as CSV, and
 * the live tally: one form of large buttons, one POST per mark, no script
 * needed. Who sees what is domain/observation's observation_visibility. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/coaching.h"
#include "domain/initiatives.h"
#include "domain/observation.h"
#include "domain/roster.h"
#include "web/auth.h"
#include "web/export.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/observations.h"
#include "web/pages/pages.h"
#include "web/pdf.h"
#include "web/router.h"
#include "web/svg.h"

static void link(struct buf *b, const char *href, const char *text)
{
	html_raw(b, "<a href=\"");
	html_attr(b, href);
	html_raw(b, "\">");
	html_text(b, text);
	html_raw(b, "</a>");
}

static void obs_href(char *out, size_t cap, int64_t id, const char *rest)
{
	snprintf(out, cap, "/observations/%lld%s", (long long)id, rest);
}

/* "42%" or "—" for a share that is not defined (nothing counted) */
static void share_text(struct buf *b, double v)
{
	if (isnan(v))
		html_raw(b, "&mdash;");
	else
		html_textf(b, "%.0f%%", 100 * v);
}

static void rate_text(struct buf *b, double v)
{
	if (isnan(v))
		html_raw(b, "&mdash;");
	else
		html_textf(b, "%.1f", v);
}

/* ---- the list --------------------------------------------------------------- */

void page_observations(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct observation_row *r;
	size_t n;
	if (observation_list(req->db, a->district_id, a, &req->arena, &r, &n)) {
		page_error(req, 503, "Try again", "The observations could not be read.");
		return;
	}
	page_begin(req, "Observations");
	struct buf *b = &req->out;
	html_raw(b, "<p>Classroom visits that look at how students talk about mathematics: who"
		    " talks, the talk moves that open up reasoning, and the questions asked. The"
		    " notes belong to the teacher and the observer; others see only that a visit"
		    " took place, unless the teacher shares it.");
	if (observation_can_observe(a)) {
		html_raw(b, " ");
		link(b, "/observations/new", "Start an observation");
	}
	html_raw(b, "</p>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">No observation yet.</p>");
		page_end(req);
		return;
	}
	page_scroll_begin(req, "Observations");
	html_raw(b, "<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Class</th>"
		    "<th scope=\"col\">Teacher</th><th scope=\"col\">Observer</th><th"
		    " scope=\"col\">Status</th><th scope=\"col\">Notes</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		char href[64];
		obs_href(href, sizeof href, r[i].id, "");
		html_raw(b, "<tr><td>");
		html_raw(b, "<a href=\"");
		html_attr(b, href);
		html_raw(b, "\">");
		page_time(req, r[i].started_at);
		html_raw(b, "</a></td><td>");
		html_text(b, r[i].class_title);
		html_raw(b, "</td><td>");
		html_text(b, r[i].teacher_name);
		html_raw(b, "</td><td>");
		html_text(b, r[i].observer_name);
		html_raw(b, "</td><td>");
		html_text(b, r[i].closed_at ? "Closed" : "Open");
		html_raw(b, "</td><td>");
		html_text(b, r[i].view == OBSERVATION_FULL ? "Yours or shared with you"
							   : "Not shared with you");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

/* ---- starting one -------------------------------------------------------------- */

static const struct form_label new_labels[] = {
	{ "class", NULL, "Class" },	     { "teacher", NULL, "Teacher" },
	{ "cycle", NULL, "Coaching cycle" }, { "initiative", NULL, "Initiative" },
	{ "focus", NULL, "Focus" },
};

static void selected(struct buf *b, const char *cur, int64_t id)
{
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)id);
	if (cur && strcmp(cur, v) == 0)
		html_raw(b, " selected");
}

static void class_links(struct http_request *req, const struct roster_class_row *c, size_t n)
{
	struct buf *b = &req->out;
	html_raw(b, "<ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li><a href=\"/observations/new?class=");
		html_url(b, c[i].sourced_id);
		html_raw(b, "\">");
		html_text(b, c[i].title);
		html_raw(b, "</a></li>");
	}
	html_raw(b, "</ul>");
}

/* Without a class: the classes of the observer's schools, or a search. */
static void class_picker(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	const char *q = http_query(req, "q");
	html_raw(b, "<form class=\"picker\" method=\"get\" action=\"/observations/new\"><div>"
		    "<label for=\"q\">Find a class <span class=\"muted\">(title or code)</span>"
		    "</label><input id=\"q\" name=\"q\" type=\"search\" value=\"");
	html_attr(b, q ? q : "");
	html_raw(b, "\"></div><div><button type=\"submit\">Find</button></div></form>");
	struct roster_class_row *c;
	size_t n;
	if (q && *q) {
		if (roster_find_classes(req->db, a->district_id, q, &req->arena, &c, &n) == EB_OK) {
			size_t k = 0;
			for (size_t i = 0; i < n; i++)
				if (access_class(req->db, a, c[i].sourced_id) == EB_OK)
					c[k++] = c[i];
			if (k)
				class_links(req, c, k);
			else
				html_raw(b, "<p>No class you may see matches.</p>");
		}
		return;
	}
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		if ((r->role != ROLE_PRINCIPAL && r->role != ROLE_COACH) ||
		    strcmp(r->scope_type, "school") != 0)
			continue;
		if (roster_school_classes(req->db, a->district_id, r->scope_id, &req->arena, &c,
					  &n) == EB_OK &&
		    n) {
			html_raw(b, "<h2>Classes of your school</h2>");
			class_links(req, c, n > 200 ? 200 : n);
		}
	}
}

static void new_form(struct http_request *req, const struct form_errors *e, bool reshow)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	const char *cls = reshow ? http_form(req, "class") : http_query(req, "class");
	page_begin(req, "Start an observation");
	if (e)
		form_errors_summary(req, e, new_labels, sizeof new_labels / sizeof new_labels[0]);
	struct roster_class_row cr;
	if (!cls || !*cls || access_class(req->db, a, cls) ||
	    roster_class_get(req->db, a->district_id, cls, &req->arena, &cr)) {
		if (cls && *cls)
			page_notice(req, "error",
				    "That class is not one you may see; choose another.");
		class_picker(req);
		page_end(req);
		return;
	}
	struct observation_person *t = NULL;
	struct coaching_row *cy = NULL;
	struct initiative_row *in = NULL;
	size_t nt = 0, ncy = 0, nin = 0;
	char today[11];
	int32_t days = (int32_t)(time_now() / 86400);
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(today, sizeof today, "%04d-%02u-%02u", y, m, d);
	observation_class_teachers(req->db, a->district_id, cls, &req->arena, &t, &nt);
	coaching_list(req->db, a->district_id, COACHING_OF_COACH, a->id, NULL, today, &req->arena,
		      &cy, &ncy);
	initiative_list(req->db, a->district_id, &req->arena, &in, &nin);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/observations/new\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"class\" value=\"");
	html_attr(b, cls);
	html_raw(b, "\"><p>Class: <strong>");
	html_text(b, cr.title);
	html_raw(b, "</strong> (<a href=\"/observations/new\">another class</a>)</p>");
	const char *tq = reshow ? http_form(req, "teacher") : http_query(req, "teacher");
	html_raw(b, "<div><label for=\"teacher\">Teacher</label><select id=\"teacher\""
		    " name=\"teacher\"");
	form_invalid_attrs(req, e, "teacher");
	html_raw(b, ">");
	for (size_t i = 0; i < nt; i++) {
		html_raw(b, "<option value=\"");
		html_int(b, t[i].id);
		html_raw(b, "\"");
		selected(b, tq, t[i].id);
		html_raw(b, ">");
		html_text(b, t[i].name);
		html_raw(b, "</option>");
	}
	if (!nt)
		html_raw(b, "<option value=\"\">No teacher of this class has an account</option>");
	html_raw(b, "</select>");
	form_field_error(req, e, "teacher");
	html_raw(b, "</div>");
	const char *cq = reshow ? http_form(req, "cycle") : http_query(req, "cycle");
	html_raw(b, "<div><label for=\"cycle\">Coaching cycle</label><select id=\"cycle\""
		    " name=\"cycle\"");
	form_invalid_attrs(req, e, "cycle");
	html_raw(b, "><option value=\"\">Not part of a cycle</option>");
	for (size_t i = 0; i < ncy; i++) {
		html_raw(b, "<option value=\"");
		html_int(b, cy[i].id);
		html_raw(b, "\"");
		selected(b, cq, cy[i].id);
		html_raw(b, ">");
		html_text(b, cy[i].title);
		html_raw(b, " (");
		html_text(b, cy[i].teachers);
		html_raw(b, ")</option>");
	}
	/* a cycle asked for by another page (the cycle's page) */
	int64_t cqi = 0;
	bool listed = false;
	if (cq && *cq && cstr_to_i64(cq, 1, INT64_MAX, &cqi) == EB_OK) {
		for (size_t i = 0; i < ncy; i++)
			listed |= cy[i].id == cqi;
		if (!listed) {
			html_raw(b, "<option value=\"");
			html_int(b, cqi);
			html_raw(b, "\" selected>Cycle ");
			html_int(b, cqi);
			html_raw(b, "</option>");
		}
	}
	html_raw(b, "</select>");
	form_field_error(req, e, "cycle");
	html_raw(b, "</div>");
	const char *iq = reshow ? http_form(req, "initiative") : http_query(req, "initiative");
	html_raw(b, "<div><label for=\"initiative\">Initiative being observed</label><select"
		    " id=\"initiative\" name=\"initiative\"");
	form_invalid_attrs(req, e, "initiative");
	html_raw(b, "><option value=\"\">None</option>");
	for (size_t i = 0; i < nin; i++) {
		html_raw(b, "<option value=\"");
		html_int(b, in[i].id);
		html_raw(b, "\"");
		selected(b, iq, in[i].id);
		html_raw(b, ">");
		html_text(b, in[i].title);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
	form_field_error(req, e, "initiative");
	html_raw(b, "</div><div><label for=\"focus\">Focus <span class=\"muted\">(what the"
		    " teacher asked you to look at)</span></label><textarea id=\"focus\""
		    " name=\"focus\" rows=\"3\"");
	form_invalid_attrs(req, e, "focus");
	html_raw(b, ">");
	const char *fq = reshow ? http_form(req, "focus") : NULL;
	html_text(b, fq ? fq : "");
	html_raw(b, "</textarea>");
	form_field_error(req, e, "focus");
	html_raw(b, "</div><div><button type=\"submit\">Start: open the tally</button></div>"
		    "</form>");
	page_end(req);
}

void page_observation_new(struct http_request *req)
{
	new_form(req, NULL, false);
}

void page_observation_create(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct observation_form f = {
		.class_sid = http_form(req, "class"),
		.teacher = http_form(req, "teacher"),
		.cycle = http_form(req, "cycle"),
		.initiative = http_form(req, "initiative"),
		.focus = http_form(req, "focus"),
	};
	char why[OBSERVATION_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	int64_t id = 0;
	enum eb_err rc = observation_create(req->db, a->district_id, a, &f, time_now(), &who, &id,
					    why, sizeof why);
	if (rc == EB_EINVAL) {
		struct form_errors e = { .n = 0 };
		form_errors_parse(&e, &req->arena, why);
		new_form(req, &e, true);
		req->status = 400;
		return;
	}
	if (rc == EB_EPERM) {
		page_error(req, 403, "Not allowed", why);
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The observation could not be saved. Try again.");
		return;
	}
	char to[64];
	obs_href(to, sizeof to, id, "/tally");
	http_redirect(req, to);
}

/* ---- loading with the visibility rule ------------------------------------------- */

/* Loads the observation named by the route's id (suffix: ".pdf", ".csv" or
 * "" allowed when ext is not NULL; *ext set to the suffix). A record the
 * viewer may not see at all answers 404, the same as none. */
static bool load(struct http_request *req, struct observation *o, enum observation_view *v,
		 const char **ext)
{
	const struct account *a = &req->session->account;
	int64_t id;
	char idtext[32] = "";
	const char *p = req->nparams > 0 ? req->params[0] : "";
	const char *dot = strchr(p, '.');
	size_t len = dot ? (size_t)(dot - p) : strlen(p);
	if (ext)
		*ext = dot ? dot : "";
	if (len < sizeof idtext) {
		memcpy(idtext, p, len);
		idtext[len] = 0;
	}
	if ((dot && (!ext || (strcmp(dot, ".pdf") != 0 && strcmp(dot, ".csv") != 0))) ||
	    cstr_to_i64(idtext, 1, INT64_MAX, &id) ||
	    observation_get(req->db, a->district_id, id, o) != EB_OK ||
	    (*v = observation_visibility(req->db, a, o)) == OBSERVATION_HIDDEN) {
		page_error(req, 404, "Not found", "There is no such observation.");
		return false;
	}
	return true;
}

static bool is_observer(struct http_request *req, const struct observation *o)
{
	return req->session->account.id == o->observer_id;
}

static bool audit_view(struct http_request *req, const struct observation *o, const char *action,
		       const char *what)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)o->id);
	return page_audit_bulk(req, action, "observation", sid, 0, what);
}

/* ---- one observation -------------------------------------------------------------- */

static void facts(struct http_request *req, const struct observation *o)
{
	struct buf *b = &req->out;
	html_raw(b, "<dl class=\"facts\"><dt>Class</dt><dd>");
	html_text(b, o->class_title);
	html_raw(b, "</dd><dt>Teacher</dt><dd>");
	html_text(b, o->teacher_name);
	html_raw(b, "</dd><dt>Observer</dt><dd>");
	html_text(b, o->observer_name);
	html_raw(b, "</dd><dt>Started</dt><dd>");
	page_time(req, o->started_at);
	html_raw(b, "</dd><dt>Status</dt><dd>");
	if (o->closed_at) {
		html_raw(b, "Closed ");
		page_time(req, o->closed_at);
	} else {
		html_raw(b, "Open (the tally is running)");
	}
	html_raw(b, "</dd>");
	if (o->cycle_id) {
		char href[48];
		snprintf(href, sizeof href, "/coaching/%lld", (long long)o->cycle_id);
		html_raw(b, "<dt>Coaching cycle</dt><dd>");
		link(b, href, "the cycle this visit belongs to");
		html_raw(b, "</dd>");
	}
	if (o->initiative_id) {
		char href[48];
		snprintf(href, sizeof href, "/initiatives/%lld", (long long)o->initiative_id);
		html_raw(b, "<dt>Initiative</dt><dd>");
		link(b, href, o->initiative_name[0] ? o->initiative_name : "the initiative");
		html_raw(b, "</dd>");
	}
	html_raw(b, "</dl>");
}

/* One row of the summary table: a label and a value per column. */
enum measure { M_TURNS, M_STUDENT, M_S2S, M_MOVES10, M_REASON, M_QUESTIONS, M_MINUTES };

static void measure_cell(struct buf *b, const struct observation_tally *t, enum measure m)
{
	switch (m) {
	case M_TURNS:
		html_int(b, t->talk);
		break;
	case M_STUDENT:
		share_text(b, t->student_talk_share);
		break;
	case M_S2S:
		share_text(b, t->student_to_student_share);
		break;
	case M_MOVES10:
		rate_text(b, t->moves_per_10min);
		break;
	case M_REASON:
		share_text(b, t->reasoning_question_share);
		break;
	case M_QUESTIONS:
		html_int(b, t->questions);
		break;
	case M_MINUTES:
		html_textf(b, "%.0f", (double)t->seconds / 60.0);
		break;
	}
}

static void summary_table(struct http_request *req, const struct observation_summary *s)
{
	struct buf *b = &req->out;
	static const struct {
		enum measure m;
		const char *label;
	} rows[] = {
		{ M_MINUTES, "Minutes" },
		{ M_TURNS, "Talk turns" },
		{ M_STUDENT, "Share of talk by students" },
		{ M_S2S, "Share of talk from student to student" },
		{ M_MOVES10, "Talk moves per 10 minutes" },
		{ M_QUESTIONS, "Questions" },
		{ M_REASON, "Share of questions asking for reasoning or connections" },
	};
	page_scroll_begin(req, "Summary by segment");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Whole"
		    " visit</th>");
	for (size_t j = 0; j < s->nsegments; j++) {
		html_raw(b, "<th scope=\"col\">");
		html_textf(b, "Segment %zu", j + 1);
		html_raw(b, "</th>");
	}
	html_raw(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		html_raw(b, "<tr><th scope=\"row\">");
		html_text(b, rows[i].label);
		html_raw(b, "</th><td>");
		measure_cell(b, &s->total, rows[i].m);
		html_raw(b, "</td>");
		for (size_t j = 0; j < s->nsegments; j++) {
			html_raw(b, "<td>");
			measure_cell(b, &s->segment[j], rows[i].m);
			html_raw(b, "</td>");
		}
		html_raw(b, "</tr>");
	}
	/* each button's count */
	for (size_t c = 0; c < observation_codes_count; c++) {
		html_raw(b, "<tr><th scope=\"row\">");
		html_text(b, observation_codes[c].label);
		html_raw(b, "</th><td>");
		html_int(b, s->total.count[c]);
		html_raw(b, "</td>");
		for (size_t j = 0; j < s->nsegments; j++) {
			html_raw(b, "<td>");
			html_int(b, s->segment[j].count[c]);
			html_raw(b, "</td>");
		}
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (s->nwho) {
		html_raw(b, "<h3>Who talked, by group or seat</h3><ul>");
		for (size_t i = 0; i < s->nwho; i++) {
			html_raw(b, "<li>");
			html_text(b, s->who[i]);
			html_textf(b, ": %d turn%s", s->who_turns[i],
				   s->who_turns[i] == 1 ? "" : "s");
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
}

/* The shifts: the closed observations of the same class and teacher that
 * the viewer sees in full, oldest first, with their shares. */
struct shift {
	int64_t id, at;
	double student, s2s, reasoning;
};

static size_t shifts_load(struct http_request *req, const struct observation *o, struct shift **out)
{
	const struct account *a = &req->session->account;
	struct observation_row *r;
	size_t n, k = 0;
	*out = NULL;
	if (observation_list(req->db, a->district_id, a, &req->arena, &r, &n))
		return 0;
	struct shift *s = arena_alloc(&req->arena, (n ? n : 1) * sizeof *s);
	if (!s)
		return 0;
	for (size_t i = n; i-- > 0;) { /* the list is newest first */
		if (r[i].view != OBSERVATION_FULL || !r[i].closed_at ||
		    r[i].teacher_id != o->teacher_id || strcmp(r[i].class_sid, o->class_sid) != 0)
			continue;
		struct observation x;
		struct observation_summary sm;
		if (observation_get(req->db, a->district_id, r[i].id, &x) ||
		    observation_summary(req->db, a->district_id, &x, x.closed_at, &req->arena, &sm))
			continue;
		s[k++] = (struct shift){ x.id, x.started_at, sm.total.student_talk_share,
					 sm.total.student_to_student_share,
					 sm.total.reasoning_question_share };
	}
	*out = s;
	return k;
}

/* Two lines over the observations: share of student talk (solid dots) and
 * share of reasoning questions (dashed, squares), 0..100 %. */
static void shifts_chart(struct buf *b, const struct shift *s, size_t n)
{
	const double W = 640, H = 260, L = 48, R = 16, T = 16, B = 40;
	svg_begin(b, "obs-shifts", W, H,
		  "Share of student talk and of reasoning questions per"
		  " observation");
	for (int p = 0; p <= 100; p += 25) {
		double y = T + (H - T - B) * (1 - p / 100.0);
		char lbl[8];
		snprintf(lbl, sizeof lbl, "%d%%", p);
		svg_line(b, L, y, W - R, y, SVG_MUTED, 0.5, p != 0);
		svg_text(b, L - 6, y + 5, 13, SVG_END, SVG_MUTED, lbl);
	}
	for (int line = 0; line < 2; line++) {
		double px = 0, py = 0;
		bool have = false;
		for (size_t i = 0; i < n; i++) {
			double v = line == 0 ? s[i].student : s[i].reasoning;
			double x = n == 1 ? (L + W - R) / 2
					  : L + (W - R - L) * (double)i / (double)(n - 1);
			if (isnan(v)) {
				have = false;
				continue;
			}
			double y = T + (H - T - B) * (1 - v);
			if (have)
				svg_line(b, px, py, x, y, line == 0 ? SVG_POSITIVE : SVG_INK, 2,
					 line);
			if (line == 0)
				svg_circle(b, x, y, 5, SVG_POSITIVE);
			else
				svg_rect(b, x - 4, y - 4, 8, 8, SVG_INK);
			px = x;
			py = y;
			have = true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		double x = n == 1 ? (L + W - R) / 2 : L + (W - R - L) * (double)i / (double)(n - 1);
		char lbl[24];
		snprintf(lbl, sizeof lbl, "%zu", i + 1);
		svg_text(b, x, H - B + 18, 13, SVG_MIDDLE, SVG_MUTED, lbl);
	}
	svg_text(b, L, H - 4, 13, SVG_START, SVG_MUTED,
		 "Dots: student talk. Squares, dashed: reasoning questions. 1 = first visit.");
	svg_end(b);
}

static void shifts_section(struct http_request *req, const struct observation *o)
{
	struct buf *b = &req->out;
	struct shift *s;
	size_t n = shifts_load(req, o, &s);
	html_raw(b, "<section aria-labelledby=\"h-shifts\"><h2 id=\"h-shifts\">Shifts in"
		    " classroom discourse</h2>");
	if (n < 2) {
		html_raw(b, "<p class=\"muted\">The shifts show once this class has two closed"
			    " observations you can see.</p></section>");
		return;
	}
	html_raw(b, "<p>Closed observations of this class with this teacher, oldest first.</p>");
	html_raw(b, "<div class=\"chart-box\">");
	shifts_chart(b, s, n);
	html_raw(b, "</div>");
	page_scroll_begin(req, "Shifts by observation");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Visit</th><th scope=\"col\">Date</th>"
		    "<th scope=\"col\">Student talk</th><th scope=\"col\">Student to student</th>"
		    "<th scope=\"col\">Reasoning questions</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		char href[64];
		obs_href(href, sizeof href, s[i].id, "");
		html_raw(b, "<tr><td>");
		char lbl[24];
		snprintf(lbl, sizeof lbl, "%zu", i + 1);
		if (s[i].id == o->id)
			html_text(b, lbl), html_raw(b, " (this one)");
		else
			link(b, href, lbl);
		html_raw(b, "</td><td>");
		page_time(req, s[i].at);
		html_raw(b, "</td><td>");
		share_text(b, s[i].student);
		html_raw(b, "</td><td>");
		share_text(b, s[i].s2s);
		html_raw(b, "</td><td>");
		share_text(b, s[i].reasoning);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></section>");
}

static int rating_of(const struct observation_rating *r, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(r[i].indicator, key) == 0)
			return r[i].level;
	return 0;
}

static void rubric_section(struct http_request *req, const struct observation *o)
{
	struct buf *b = &req->out;
	struct observation_rating *r;
	struct observation_evidence *e;
	size_t nr = 0, ne = 0;
	bool edit = is_observer(req, o);
	observation_ratings(req->db, o->district_id, o->id, &req->arena, &r, &nr, &e, &ne);
	html_raw(b, "<section aria-labelledby=\"h-rubric\"><h2 id=\"h-rubric\">Rubric and"
		    " evidence</h2><p class=\"muted\">Levels: 1 Not yet, 2 Beginning, 3 Developing,"
		    " 4 Strong. Evidence notes are what was seen or heard, tagged to an"
		    " indicator.</p>");
	for (size_t d = 0; d < observation_dimensions_count; d++) {
		const struct observation_dimension *dim = &observation_dimensions[d];
		html_raw(b, "<h3>");
		html_text(b, dim->label);
		html_raw(b, "</h3><p class=\"muted\">");
		html_text(b, dim->desc);
		html_raw(b, "</p><ul class=\"cards wide\">");
		for (size_t i = 0; i < observation_indicators_count; i++) {
			const struct observation_indicator *in = &observation_indicators[i];
			if (strcmp(in->dimension, dim->key) != 0)
				continue;
			int lv = rating_of(r, nr, in->key);
			html_raw(b, "<li id=\"ind-");
			html_attr(b, in->key);
			html_raw(b, "\"><h4>");
			html_text(b, in->label);
			if (in->core[0]) {
				html_raw(b, " <span class=\"tag\">");
				html_text(b, in->core);
				html_raw(b, "</span>");
			}
			html_raw(b, "</h4><p>");
			html_text(b, in->desc);
			html_raw(b, "</p><p><strong>");
			if (lv) {
				html_textf(b, "Level %d, %s:", lv, observation_level_name(lv));
				html_raw(b, "</strong> ");
				html_text(b, in->levels[lv - 1]);
			} else {
				html_raw(b, "Not rated</strong>");
			}
			html_raw(b, "</p>");
			bool any = false;
			for (size_t k = 0; k < ne; k++) {
				if (strcmp(e[k].indicator, in->key) != 0)
					continue;
				if (!any)
					html_raw(b, "<ul>");
				any = true;
				html_raw(b, "<li>");
				html_text(b, e[k].note);
				html_raw(b, " <span class=\"muted\">(");
				html_text(b, e[k].author);
				html_raw(b, ")</span></li>");
			}
			if (any)
				html_raw(b, "</ul>");
			if (edit) {
				char action[64];
				obs_href(action, sizeof action, o->id, "/ratings");
				html_raw(b, "<form class=\"stack\" method=\"post\" action=\"");
				html_attr(b, action);
				html_raw(b, "\">");
				page_csrf_field(req);
				html_raw(b, "<input type=\"hidden\" name=\"indicator\" value=\"");
				html_attr(b, in->key);
				html_raw(b, "\"><div><label for=\"lv-");
				html_attr(b, in->key);
				html_raw(b, "\">Level</label><select id=\"lv-");
				html_attr(b, in->key);
				html_raw(
					b,
					"\" name=\"level\"><option value=\"\">Keep as is</option>");
				for (int l = 1; l <= OBSERVATION_LEVELS; l++) {
					html_raw(b, "<option value=\"");
					html_int(b, l);
					html_raw(b, "\">");
					html_textf(b, "%d %s: %s", l, observation_level_name(l),
						   in->levels[l - 1]);
					html_raw(b, "</option>");
				}
				html_raw(b, "</select></div><div><label for=\"ev-");
				html_attr(b, in->key);
				html_raw(b, "\">Evidence note</label><textarea id=\"ev-");
				html_attr(b, in->key);
				html_raw(b,
					 "\" name=\"note\" rows=\"2\"></textarea></div><div><button"
					 " type=\"submit\">Save</button></div></form>");
			}
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "</section>");
}

static void notes_section(struct http_request *req, const struct observation *o)
{
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-notes\"><h2 id=\"h-notes\">Notes</h2>");
	if (o->focus[0]) {
		html_raw(b, "<p><strong>Focus asked for:</strong> ");
		html_text(b, o->focus);
		html_raw(b, "</p>");
	}
	if (is_observer(req, o)) {
		char action[64];
		obs_href(action, sizeof action, o->id, "/ratings");
		html_raw(b, "<form class=\"stack\" method=\"post\" action=\"");
		html_attr(b, action);
		html_raw(b, "\">");
		page_csrf_field(req);
		html_raw(b, "<div><label for=\"notes\">Notes for the debrief</label><textarea"
			    " id=\"notes\" name=\"notes\" rows=\"5\">");
		html_text(b, o->notes);
		html_raw(b, "</textarea></div><div><button type=\"submit\">Save the notes</button>"
			    "</div></form>");
	} else if (o->notes[0]) {
		html_raw(b, "<p class=\"pre\">");
		html_text(b, o->notes);
		html_raw(b, "</p>");
	} else {
		html_raw(b, "<p class=\"muted\">No notes.</p>");
	}
	html_raw(b, "</section>");
}

static void share_section(struct http_request *req, const struct observation *o)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct observation_person *sh = NULL, *staff = NULL;
	size_t nsh = 0, nst = 0;
	observation_shared_with(req->db, o->district_id, o->id, &req->arena, &sh, &nsh);
	bool teacher = a->id == o->teacher_id;
	html_raw(b, "<section aria-labelledby=\"h-share\"><h2 id=\"h-share\">Shared with</h2>");
	if (!nsh)
		html_raw(b, "<p>Only the teacher and the observer see the notes.</p>");
	char action[64];
	obs_href(action, sizeof action, o->id, "/share");
	if (nsh) {
		html_raw(b, "<ul>");
		for (size_t i = 0; i < nsh; i++) {
			html_raw(b, "<li>");
			html_text(b, sh[i].name);
			if (teacher) {
				html_raw(b, " <form class=\"inline\" method=\"post\" action=\"");
				html_attr(b, action);
				html_raw(b, "\">");
				page_csrf_field(req);
				html_raw(b, "<input type=\"hidden\" name=\"account\" value=\"");
				html_int(b, sh[i].id);
				html_raw(b, "\"><input type=\"hidden\" name=\"share\" value=\"0\">"
					    "<button type=\"submit\">Stop sharing with ");
				html_text(b, sh[i].name);
				html_raw(b, "</button></form>");
			}
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	if (teacher) {
		observation_staff(req->db, o->district_id, &req->arena, &staff, &nst);
		html_raw(b, "<form class=\"picker\" method=\"post\" action=\"");
		html_attr(b, action);
		html_raw(b, "\">");
		page_csrf_field(req);
		html_raw(b, "<input type=\"hidden\" name=\"share\" value=\"1\"><div><label"
			    " for=\"share-with\">Share the notes and ratings with</label><select"
			    " id=\"share-with\" name=\"account\">");
		for (size_t i = 0; i < nst; i++) {
			if (staff[i].id == o->teacher_id || staff[i].id == o->observer_id)
				continue;
			html_raw(b, "<option value=\"");
			html_int(b, staff[i].id);
			html_raw(b, "\">");
			html_text(b, staff[i].name);
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></div><div><button type=\"submit\">Share</button></div>"
			    "</form>");
	}
	html_raw(b, "</section>");
}

static void page_pdf(struct http_request *req, const struct observation *o);
static void page_csv(struct http_request *req, const struct observation *o);

void page_observation(struct http_request *req)
{
	struct observation o;
	enum observation_view v;
	const char *ext;
	if (!load(req, &o, &v, &ext))
		return;
	if (v != OBSERVATION_FULL) {
		if (*ext) {
			page_error(req, 403, "Not shared with you",
				   "The notes and marks of this observation are the teacher's and"
				   " the observer's; the teacher has not shared them with you.");
			return;
		}
		char title[300];
		snprintf(title, sizeof title, "Observation: %s", o.class_title);
		page_begin(req, title);
		facts(req, &o);
		html_raw(&req->out, "<p>The notes, ratings and tally of an observation are the"
				    " teacher's and the observer's; coaching is kept apart from"
				    " evaluation. The teacher has not shared this one with"
				    " you.</p>");
		page_end(req);
		return;
	}
	if (strcmp(ext, ".pdf") == 0) {
		page_pdf(req, &o);
		return;
	}
	if (strcmp(ext, ".csv") == 0) {
		page_csv(req, &o);
		return;
	}
	struct observation_summary s;
	if (observation_summary(req->db, o.district_id, &o, time_now(), &req->arena, &s)) {
		page_error(req, 503, "Try again", "The observation could not be read.");
		return;
	}
	if (!audit_view(req, &o, "view", "observation notes and tally"))
		return;
	char title[300];
	snprintf(title, sizeof title, "Observation: %s", o.class_title);
	page_begin(req, title);
	struct buf *b = &req->out;
	html_raw(b, "<p class=\"crumbs\"><a href=\"/observations\">Observations</a></p>");
	facts(req, &o);
	char href[64];
	html_raw(b, "<p>");
	if (!o.closed_at && is_observer(req, &o)) {
		obs_href(href, sizeof href, o.id, "/tally");
		link(b, href, "Open the tally");
		html_raw(b, " &middot; ");
	}
	obs_href(href, sizeof href, o.id, ".pdf");
	link(b, href, "Debrief sheet (PDF)");
	html_raw(b, " &middot; ");
	obs_href(href, sizeof href, o.id, ".csv");
	link(b, href, "The marks (CSV)");
	html_raw(b, "</p><section aria-labelledby=\"h-summary\"><h2 id=\"h-summary\">Summary"
		    "</h2>");
	if (!s.total.talk && !s.total.moves && !s.total.questions)
		html_raw(b, "<p class=\"muted\">No marks yet.</p>");
	else
		summary_table(req, &s);
	html_raw(b, "</section>");
	shifts_section(req, &o);
	rubric_section(req, &o);
	notes_section(req, &o);
	share_section(req, &o);
	page_end(req);
}

/* ---- the debrief PDF and the marks' CSV ---------------------------------------- */

struct pdf_cursor {
	struct pdf *p;
	double y;
};

static void pdf_line_of(struct pdf_cursor *c, double size, bool bold, const char *text)
{
	if (c->y < 60) {
		pdf_page(c->p);
		c->y = PDF_PAGE_H - 60;
	}
	pdf_text(c->p, 54, c->y, size, bold, text);
	c->y -= size + 5;
}

/* Text wrapped at spaces to about width characters per line. */
static void pdf_para(struct pdf_cursor *c, double size, bool bold, const char *text, size_t width)
{
	char line[200];
	if (width >= sizeof line)
		width = sizeof line - 1;
	while (*text) {
		size_t n = strlen(text), cut = n;
		const char *nl = strchr(text, '\n');
		if (nl && (size_t)(nl - text) <= width)
			cut = (size_t)(nl - text);
		else if (n > width) {
			cut = width;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (!cut)
				cut = width;
		}
		memcpy(line, text, cut);
		line[cut] = 0;
		pdf_line_of(c, size, bold, line);
		text += cut;
		while (*text == ' ' || *text == '\n' || *text == '\r')
			text++;
	}
}

static void page_pdf(struct http_request *req, const struct observation *o)
{
	struct observation_summary s;
	struct observation_rating *r = NULL;
	struct observation_evidence *e = NULL;
	size_t nr = 0, ne = 0;
	if (observation_summary(req->db, o->district_id, o, time_now(), &req->arena, &s) ||
	    observation_ratings(req->db, o->district_id, o->id, &req->arena, &r, &nr, &e, &ne)) {
		page_error(req, 503, "Try again", "The observation could not be read.");
		return;
	}
	if (!audit_view(req, o, "export", "observation debrief PDF"))
		return;
	struct pdf p;
	char line[2400], when[40];
	buf_reset(&req->out);
	pdf_begin(&p, &req->out);
	pdf_page(&p);
	struct pdf_cursor c = { &p, PDF_PAGE_H - 60 };
	pdf_line_of(&c, 18, true, "Observation debrief");
	snprintf(line, sizeof line, "Class: %s   Teacher: %s", o->class_title, o->teacher_name);
	pdf_para(&c, 11, false, line, 90);
	time_format_iso(o->started_at, when);
	snprintf(line, sizeof line, "Observer: %s   Started: %.16s UTC%s", o->observer_name, when,
		 o->closed_at ? "" : "   (still open)");
	pdf_para(&c, 11, false, line, 90);
	if (o->focus[0]) {
		snprintf(line, sizeof line, "Focus: %s", o->focus);
		pdf_para(&c, 11, false, line, 90);
	}
	c.y -= 8;
	pdf_line_of(&c, 13, true, "Talk and questions");
	snprintf(line, sizeof line, "Talk turns: %d. Minutes: %.0f. Questions: %d. Talk moves: %d.",
		 s.total.talk, (double)s.total.seconds / 60.0, s.total.questions, s.total.moves);
	pdf_para(&c, 11, false, line, 90);
	for (size_t j = 0; j <= s.nsegments; j++) {
		const struct observation_tally *t = j == 0 ? &s.total : &s.segment[j - 1];
		char a1[16] = "-", a2[16] = "-", a3[16] = "-", a4[16] = "-";
		if (!isnan(t->student_talk_share))
			snprintf(a1, sizeof a1, "%.0f%%", 100 * t->student_talk_share);
		if (!isnan(t->student_to_student_share))
			snprintf(a2, sizeof a2, "%.0f%%", 100 * t->student_to_student_share);
		if (!isnan(t->reasoning_question_share))
			snprintf(a3, sizeof a3, "%.0f%%", 100 * t->reasoning_question_share);
		if (!isnan(t->moves_per_10min))
			snprintf(a4, sizeof a4, "%.1f", t->moves_per_10min);
		char head[32];
		if (j == 0)
			snprintf(head, sizeof head, "Whole visit");
		else
			snprintf(head, sizeof head, "Segment %zu", j);
		snprintf(line, sizeof line,
			 "%s: student talk %s, student to student %s, reasoning questions %s,"
			 " talk moves per 10 minutes %s",
			 head, a1, a2, a3, a4);
		pdf_para(&c, 10, j == 0, line, 100);
	}
	for (size_t k = 0; k < observation_codes_count; k++) {
		snprintf(line, sizeof line, "%s: %d", observation_codes[k].label, s.total.count[k]);
		pdf_line_of(&c, 10, false, line);
	}
	c.y -= 8;
	pdf_line_of(&c, 13, true, "Rubric and evidence");
	for (size_t i = 0; i < observation_indicators_count; i++) {
		const struct observation_indicator *in = &observation_indicators[i];
		int lv = rating_of(r, nr, in->key);
		bool any = lv != 0;
		for (size_t k = 0; k < ne && !any; k++)
			any = strcmp(e[k].indicator, in->key) == 0;
		if (!any)
			continue;
		if (lv)
			snprintf(line, sizeof line, "%s: level %d, %s. %s", in->label, lv,
				 observation_level_name(lv), in->levels[lv - 1]);
		else
			snprintf(line, sizeof line, "%s: not rated", in->label);
		pdf_para(&c, 10, true, line, 100);
		for (size_t k = 0; k < ne; k++)
			if (strcmp(e[k].indicator, in->key) == 0) {
				snprintf(line, sizeof line, "- %s", e[k].note);
				pdf_para(&c, 10, false, line, 100);
			}
	}
	if (o->notes[0]) {
		c.y -= 8;
		pdf_line_of(&c, 13, true, "Notes");
		pdf_para(&c, 10, false, o->notes, 100);
	}
	c.y -= 8;
	pdf_line_of(&c, 9, false,
		    "For the teacher and the observer: coaching notes, not an evaluation.");
	if (pdf_finish(&p)) {
		buf_reset(&req->out);
		page_error(req, 500, "Debrief sheet", "The sheet could not be made; try again.");
		return;
	}
	req->status = 200;
	req->content_type = "application/pdf";
	req->no_cache = true;
	char disp[96];
	snprintf(disp, sizeof disp, "inline; filename=\"observation-%lld.pdf\"", (long long)o->id);
	http_set_header(req, "Content-Disposition", arena_strdup(&req->arena, disp));
}

static void page_csv(struct http_request *req, const struct observation *o)
{
	struct observation_mark_row *m;
	struct observation_segment_row *sg;
	size_t nm, ns;
	if (observation_marks(req->db, o->district_id, o->id, &req->arena, &m, &nm, &sg, &ns)) {
		page_error(req, 503, "Try again", "The marks could not be read.");
		return;
	}
	if (!audit_view(req, o, "export", "observation marks CSV"))
		return;
	struct export x;
	if (!export_respond_begin(req, &x, EXPORT_CSV, "Marks"))
		return;
	export_head(&x, "mark");
	export_head(&x, "segment");
	export_head(&x, "time_utc");
	export_head(&x, "kind");
	export_head(&x, "button");
	export_head(&x, "group_or_seat");
	export_end_row(&x);
	for (size_t i = 0; i < nm; i++) {
		const struct observation_code *c = observation_code_find(m[i].code);
		char when[32];
		time_format_iso(m[i].at_ms / 1000, when);
		export_num(&x, (double)(i + 1), 0);
		export_num(&x, m[i].segment, 0);
		export_text(&x, when);
		export_text(&x, c ? observation_kind_name(c->kind) : "");
		export_text(&x, c ? c->label : m[i].code);
		export_text(&x, m[i].who);
		export_end_row(&x);
	}
	char base[48];
	snprintf(base, sizeof base, "observation-%lld-marks", (long long)o->id);
	export_respond_end(req, &x, base);
}

/* The wall clock in Unix milliseconds (a mark's stamp). */
static int64_t now_ms(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts))
		return time_now() * 1000;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the tally ----------------------------------------------------------------------- */

static void tally_group(struct http_request *req, enum observation_kind k, const char *legend,
			const struct observation_summary *s)
{
	struct buf *b = &req->out;
	const struct observation_tally *cur = s->nsegments ? &s->segment[s->nsegments - 1] : NULL;
	html_raw(b, "<fieldset class=\"tally-group\"><legend>");
	html_text(b, legend);
	html_raw(b, "</legend><div class=\"tally-grid\">");
	for (size_t i = 0; i < observation_codes_count; i++) {
		const struct observation_code *c = &observation_codes[i];
		if (c->kind != k)
			continue;
		html_raw(b, "<button type=\"submit\" name=\"code\" value=\"");
		html_attr(b, c->key);
		html_raw(b, "\" title=\"");
		html_attr(b, c->desc);
		html_raw(b, "\"><span class=\"tally-label\">");
		html_text(b, c->label);
		html_raw(b, "</span> <span class=\"tally-count\">");
		html_int(b, cur ? cur->count[i] : 0);
		html_raw(b, "<span class=\"sr\"> this segment</span></span></button>");
	}
	html_raw(b, "</div></fieldset>");
}

void page_observation_tally(struct http_request *req)
{
	struct observation o;
	enum observation_view v;
	if (!load(req, &o, &v, NULL))
		return;
	if (!is_observer(req, &o)) {
		/* only the observer keeps the tally; others read the observation */
		char to[64];
		obs_href(to, sizeof to, o.id, "");
		http_redirect(req, to);
		return;
	}
	struct observation_summary s;
	if (observation_summary(req->db, o.district_id, &o, time_now(), &req->arena, &s)) {
		page_error(req, 503, "Try again", "The observation could not be read.");
		return;
	}
	char title[300], href[64];
	snprintf(title, sizeof title, "Tally: %s", o.class_title);
	page_begin(req, title);
	struct buf *b = &req->out;
	obs_href(href, sizeof href, o.id, "");
	html_raw(b, "<p class=\"crumbs\">");
	html_text(b, o.teacher_name);
	html_raw(b, " &middot; ");
	link(b, href, "the observation's summary");
	html_raw(b, "</p>");
	if (o.closed_at) {
		html_raw(b, "<p class=\"notice\">This observation is closed: marks can no longer be"
			    " added.</p>");
		page_end(req);
		return;
	}
	const char *last = http_query(req, "marked");
	const struct observation_code *lc = observation_code_find(last);
	html_raw(b, "<p role=\"status\">");
	html_textf(b, "Segment %d. %d mark%s in all.", o.segments, o.marks,
		   o.marks == 1 ? "" : "s");
	if (lc) {
		html_raw(b, " Last: ");
		html_text(b, lc->label);
		html_raw(b, ".");
	}
	html_raw(b, "</p>");
	char action[64];
	obs_href(action, sizeof action, o.id, "/tally");
	html_raw(b, "<form class=\"tally\" method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "\">");
	page_csrf_field(req);
	const char *who = http_query(req, "who");
	html_raw(b, "<div class=\"tally-who\"><label for=\"who\">Group or seat <span"
		    " class=\"muted\">(optional, for who talks)</span></label><input id=\"who\""
		    " name=\"who\" maxlength=\"40\" value=\"");
	html_attr(b, who ? who : "");
	html_raw(b, "\"></div>");
	tally_group(req, OBSERVATION_TALK, "Who talks", &s);
	tally_group(req, OBSERVATION_MOVE, "Talk moves", &s);
	tally_group(req, OBSERVATION_QUESTION, "Questions by level", &s);
	html_raw(b, "<div class=\"tally-tools\"><button type=\"submit\" name=\"action\""
		    " value=\"undo\" class=\"secondary\">Undo the last mark</button><button"
		    " type=\"submit\" name=\"action\" value=\"segment\" class=\"secondary\">");
	html_textf(b, "Start segment %d", o.segments + 1);
	html_raw(b, "</button></div></form><form method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "\" class=\"tally-close\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"close\"><button"
		    " type=\"submit\" class=\"secondary\">Close the observation</button> <span"
		    " class=\"muted\">No mark can be added after it.</span></form>");
	page_end(req);
}

void page_observation_tally_post(struct http_request *req)
{
	struct observation o;
	enum observation_view v;
	if (!load(req, &o, &v, NULL))
		return;
	if (!is_observer(req, &o)) {
		page_error(req, 403, "Not the observer", "Only the observer keeps the tally.");
		return;
	}
	const char *action = http_form(req, "action");
	const char *code = http_form(req, "code");
	const char *who = http_form(req, "who");
	char why[OBSERVATION_WHY_CAP] = "";
	struct audit_actor actor = auth_actor(req);
	enum eb_err rc;
	int seg;
	if (action && strcmp(action, "undo") == 0)
		rc = observation_undo(req->db, o.district_id, o.id, why, sizeof why);
	else if (action && strcmp(action, "segment") == 0)
		rc = observation_segment_start(req->db, o.district_id, o.id, time_now(), &seg, why,
					       sizeof why);
	else if (action && strcmp(action, "close") == 0)
		rc = observation_close(req->db, o.district_id, o.id, time_now(), &actor, why,
				       sizeof why);
	else if (action && *action) {
		rc = EB_EINVAL;
		snprintf(why, sizeof why, "Not an action of the tally.");
	} else {
		rc = observation_mark(req->db, o.district_id, o.id, code, who, now_ms(), why,
				      sizeof why);
	}
	if (rc == EB_ECONFLICT) {
		page_error(req, 409, "Observation closed", why);
		return;
	}
	if (rc == EB_EINVAL || rc == EB_ETOOBIG) {
		page_error(req, 400, "Not recorded", why);
		return;
	}
	if (rc == EB_ENOTFOUND) {
		page_error(req, 409, "Nothing to undo",
			   why[0] ? why : "There is no mark to take back.");
		return;
	}
	if (rc) {
		page_error(req, 503, "Not recorded", "The mark could not be stored. Try again.");
		return;
	}
	if (action && strcmp(action, "close") == 0) {
		char to[64];
		obs_href(to, sizeof to, o.id, "");
		http_redirect(req, to);
		return;
	}
	struct buf to;
	buf_init(&to, 512);
	buf_printf(&to, "/observations/%lld/tally", (long long)o.id);
	char sep = '?';
	if (!action && code && observation_code_find(code)) {
		buf_printf(&to, "?marked=");
		html_url(&to, code);
		sep = '&';
	}
	if (who && *who) {
		buf_printf(&to, "%cwho=", sep);
		html_url(&to, who);
	}
	const char *loc = buf_failed(&to) ? NULL : arena_strdup(&req->arena, buf_cstr(&to));
	buf_free(&to);
	http_redirect(req, loc ? loc : "/observations");
}

/* ---- ratings, notes and sharing ---------------------------------------------------------- */

void page_observation_rate(struct http_request *req)
{
	struct observation o;
	enum observation_view v;
	if (!load(req, &o, &v, NULL))
		return;
	if (!is_observer(req, &o)) {
		page_error(req, 403, "Not the observer",
			   "Only the observer rates and writes notes.");
		return;
	}
	char why[OBSERVATION_WHY_CAP] = "";
	const char *notes = http_form(req, "notes");
	const char *ind = http_form(req, "indicator");
	enum eb_err rc;
	if (notes && !ind)
		rc = observation_set_notes(req->db, o.district_id, o.id, notes, why, sizeof why);
	else
		rc = observation_rate(req->db, o.district_id, o.id, ind, http_form(req, "level"),
				      http_form(req, "note"), req->session->account.id, time_now(),
				      why, sizeof why);
	if (rc == EB_EINVAL) {
		page_error(req, 400, "Not saved", why);
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "It could not be saved. Try again.");
		return;
	}
	char to[96];
	if (ind && observation_indicator_find(ind))
		snprintf(to, sizeof to, "/observations/%lld#ind-%s", (long long)o.id, ind);
	else
		obs_href(to, sizeof to, o.id, "#h-notes");
	http_redirect(req, to);
}

void page_observation_share(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct observation o;
	enum observation_view v;
	if (!load(req, &o, &v, NULL))
		return;
	int64_t account_id;
	const char *share = http_form(req, "share");
	const char *acc = http_form(req, "account");
	char why[OBSERVATION_WHY_CAP] = "";
	if (!acc || cstr_to_i64(acc, 1, INT64_MAX, &account_id)) {
		page_error(req, 400, "Not shared", "Choose a member of the staff.");
		return;
	}
	struct audit_actor actor = auth_actor(req);
	enum eb_err rc = observation_share(req->db, a->district_id, o.id, a, account_id,
					   !(share && strcmp(share, "0") == 0), &actor, why,
					   sizeof why);
	if (rc == EB_EPERM) {
		page_error(req, 403, "Not allowed", why);
		return;
	}
	if (rc == EB_EINVAL || rc == EB_ENOTFOUND) {
		page_error(req, 400, "Not shared", why);
		return;
	}
	if (rc) {
		page_error(req, 503, "Not shared", "It could not be saved. Try again.");
		return;
	}
	char to[64];
	obs_href(to, sizeof to, o.id, "#h-share");
	http_redirect(req, to);
}
