/* Common assessments by standard (docs/assessments.md): the list and the
 * create form (/assessments), one assessment with its items, the upload of
 * item results, the item analysis by scope with its CSV and Excel export
 * (/assessments/:id), and the printable answer sheets of a class (PDF,
 * /assessments/:id/sheets).
 *
 * Who sees whose results: district roles the district's (and any school,
 * teacher or class of it); a principal or coach of a school that school's;
 * a teacher their classes'. The district admin and the coordinator build
 * assessments and upload results (routes.c). Every view or export of
 * results is audited as a bulk view of student data. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "domain/access.h"
#include "domain/assessments.h"
#include "domain/audit.h"
#include "domain/item_analysis.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "ingest/item_results.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/export.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/multipart.h"
#include "web/page.h"
#include "web/pages/pages.h"
#include "web/pdf.h"

/* Markup with numbers in it (ids, counts): only numbers and fixed literals
 * go through here, never text a person or a file wrote (that goes through
 * html_text / html_attr / html_url). */
static void markupf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void markupf(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	html_raw(b, tmp);
}

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

static bool can_edit(struct http_request *req)
{
	const struct account *a = &req->session->account;
	return access_has(a, ROLE_DISTRICT_ADMIN) || access_has(a, ROLE_COORDINATOR);
}

/* ---- the list and the create form -------------------------------------- */

static const struct form_label create_labels[] = {
	{ "name", NULL, "Name" },     { "season", NULL, "Window" }, { "opens", NULL, "Opens" },
	{ "closes", NULL, "Closes" }, { "items", NULL, "Items" },
};
#define NCREATE_LABELS (sizeof create_labels / sizeof create_labels[0])

static void field_open(struct buf *b, const char *id, const char *label, const char *hint)
{
	html_raw(b, "<div><label for=\"");
	html_attr(b, id);
	html_raw(b, "\">");
	html_text(b, label);
	if (hint && *hint) {
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, hint);
		html_raw(b, ")</span>");
	}
	html_raw(b, "</label>");
}

static void text_input(struct http_request *req, const struct form_errors *errs, const char *name,
		       const char *type, const char *value)
{
	struct buf *b = &req->out;
	html_raw(b, "<input id=\"");
	html_attr(b, name);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" type=\"");
	html_attr(b, type);
	html_raw(b, "\" maxlength=\"200\" required");
	form_invalid_attrs(req, errs, name);
	html_raw(b, " value=\"");
	html_attr(b, value ? value : "");
	html_raw(b, "\">");
	form_field_error(req, errs, name);
	html_raw(b, "</div>");
}

static const char items_hint[] =
	"one item per line: number, standard, points - and for multiple choice also the"
	" choices and the key, e.g. \"1, 4.NF.A.1, 1, ABCD, C\" or \"2, 4.NF.B.3, 2\"";

static void create_form(struct http_request *req, const struct form_errors *errs)
{
	struct buf *b = &req->out;
	bool reshow = errs != NULL;
	html_raw(b, "<h2 id=\"new\">Build a common assessment</h2>");
	form_errors_summary(req, errs, create_labels, NCREATE_LABELS);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/assessments\">");
	page_csrf_field(req);
	field_open(b, "name", "Name", "e.g. Grade 4 winter benchmark");
	text_input(req, errs, "name", "text", reshow ? http_form(req, "name") : NULL);
	field_open(b, "season", "Window", "");
	html_raw(b, "<select id=\"season\" name=\"season\"");
	form_invalid_attrs(req, errs, "season");
	html_raw(b, ">");
	const char *sel = reshow ? http_form(req, "season") : NULL;
	for (int s = 0; s < ASSESSMENT_SEASON__COUNT; s++) {
		const char *nm = assessment_season_name((enum assessment_season)s);
		html_raw(b, "<option value=\"");
		html_attr(b, nm);
		html_raw(b, sel && strcmp(sel, nm) == 0 ? "\" selected>" : "\">");
		html_text(b, assessment_season_label((enum assessment_season)s));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
	form_field_error(req, errs, "season");
	html_raw(b, "</div>");
	field_open(b, "opens", "Opens", "the window's first day");
	text_input(req, errs, "opens", "date", reshow ? http_form(req, "opens") : NULL);
	field_open(b, "closes", "Closes", "the window's last day");
	text_input(req, errs, "closes", "date", reshow ? http_form(req, "closes") : NULL);
	field_open(b, "items", "Items", items_hint);
	html_raw(b,
		 "<textarea id=\"items\" name=\"items\" rows=\"8\" maxlength=\"20000\" required");
	form_invalid_attrs(req, errs, "items");
	html_raw(b, ">");
	const char *iv = reshow ? http_form(req, "items") : NULL;
	html_text(b, iv ? iv : "");
	html_raw(b, "</textarea>");
	form_field_error(req, errs, "items");
	html_raw(b, "</div><div><button type=\"submit\">Save the assessment</button></div></form>");
}

static void list_page(struct http_request *req, int status, const struct form_errors *errs)
{
	req->status = status;
	page_begin(req, "Common assessments");
	struct buf *b = &req->out;
	struct assessment_common *v;
	size_t n = 0;
	if (assessment_common_list(req->db, district_of(req), &req->arena, &v, &n)) {
		page_notice(req, "error", "Could not read the assessments; try again.");
		n = 0;
	}
	html_raw(b, "<p>The district's benchmarks and common assessments, item by item and"
		    " standard by standard. Their results count as evidence of mastery.</p>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">No common assessment yet.</p>");
	} else {
		page_scroll_begin(req, "Common assessments");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Assessment</th>"
			    "<th scope=\"col\">Window</th><th scope=\"col\">Dates</th>"
			    "<th scope=\"col\">Items</th><th scope=\"col\">Students with results"
			    "</th></tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			markupf(b, "<tr><td><a href=\"/assessments/%lld\">", (long long)v[i].id);
			html_text(b, v[i].name);
			html_raw(b, "</a></td><td>");
			html_text(b, assessment_season_label(v[i].season));
			html_raw(b, "</td><td>");
			html_text(b, v[i].opens);
			html_raw(b, " to ");
			html_text(b, v[i].closes);
			html_raw(b, "</td><td>");
			html_int(b, (int64_t)v[i].nitems);
			html_raw(b, "</td><td>");
			html_int(b, v[i].students);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	if (can_edit(req))
		create_form(req, errs);
	page_end(req);
}

void page_assessments(struct http_request *req)
{
	list_page(req, 200, NULL);
}

void page_assessment_create(struct http_request *req)
{
	struct assessment_common_in in = {
		.name = http_form(req, "name"),
		.season = http_form(req, "season"),
		.opens = http_form(req, "opens"),
		.closes = http_form(req, "closes"),
		.items = http_form(req, "items"),
	};
	struct buf why;
	buf_init(&why, 16 * 1024);
	struct audit_actor who = auth_actor(req);
	int64_t id = 0;
	enum eb_err e = assessment_common_create(req->db, district_of(req), &who, &in, &id, &why);
	if (e == EB_EINVAL || e == EB_EEXIST) {
		struct form_errors errs = { .n = 0 };
		form_errors_parse(&errs, &req->arena, buf_cstr(&why));
		buf_free(&why);
		list_page(req, 400, &errs);
		return;
	}
	buf_free(&why);
	if (e) {
		page_error(req, 503, "Not saved",
			   "The database is busy; nothing was saved. Try again.");
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/assessments/%lld", (long long)id);
	http_redirect(req, loc);
}

/* ---- one assessment ----------------------------------------------------- */

static bool load(struct http_request *req, struct assessment_common *ac)
{
	int64_t id;
	enum eb_err e = EB_ENOTFOUND;
	if (req->nparams >= 1 && !cstr_to_i64(req->params[0], 1, INT64_MAX, &id))
		e = assessment_common_get(req->db, district_of(req), id, &req->arena, ac);
	if (e == EB_ENOTFOUND)
		page_error(req, 404, "Not found", "There is no such assessment in this district.");
	else if (e)
		page_error(req, 503, "Not available",
			   "The assessment could not be read; try again.");
	return e == EB_OK;
}

/* the viewer's scope and its words; false after a 404 page */
struct scope {
	struct assessment_scope s;
	const char *words; /* "the whole district", "Birch Elementary", ... */
	bool district;	   /* the viewer sees the district (and may pick a part) */
};

static const char *param(struct http_request *req, const char *name)
{
	const char *v = http_query(req, name);
	return v && *v && strlen(v) <= 200 ? v : NULL;
}

static bool resolve_scope(struct http_request *req, struct scope *sc)
{
	const struct account *a = &req->session->account;
	int64_t d = district_of(req);
	memset(sc, 0, sizeof *sc);
	const char *school = param(req, "school"), *teacher = param(req, "teacher"),
		   *cls = param(req, "class");
	sc->district = access_all_students(a);
	if (cls) {
		struct roster_class_row c;
		if (access_class(req->db, a, cls) ||
		    roster_class_get(req->db, d, cls, &req->arena, &c))
			goto refused;
		sc->s.class_sid = cls;
		sc->words = arena_printf(&req->arena, "class %s", c.title);
		return true;
	}
	if (sc->district) {
		if (school) {
			struct roster_org_row o;
			if (roster_org_get(req->db, d, school, &req->arena, &o) ||
			    !roster_is_school(req->db, d, school))
				goto refused;
			sc->s.school_sid = school;
			sc->words = o.name;
		} else if (teacher) {
			struct roster_class_row *c;
			size_t nc = 0;
			struct roster_person_row p;
			if (roster_teacher_classes(req->db, d, teacher, &req->arena, &c, &nc) ||
			    !nc || roster_person_get(req->db, d, teacher, &req->arena, &p))
				goto refused;
			sc->s.teacher_sid = teacher;
			sc->words = arena_printf(&req->arena, "the classes of %s %s", p.given_name,
						 p.family_name);
		} else {
			sc->words = "the whole district";
		}
		return true;
	}
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		if ((r->role == ROLE_PRINCIPAL || r->role == ROLE_COACH) &&
		    strcmp(r->scope_type, "school") == 0) {
			const char *sid;
			if (access_report_school(req->db, a, school, &sid) || !sid)
				goto refused;
			struct roster_org_row o;
			sc->s.school_sid = sid;
			sc->words = roster_org_get(req->db, d, sid, &req->arena, &o) ? sid : o.name;
			return true;
		}
	}
	if (school || teacher)
		goto refused;
	/* a teacher: the classes they teach */
	if (a->person_sid[0]) {
		sc->s.teacher_sid = a->person_sid;
		sc->words = "your classes";
		return true;
	}
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == ROLE_TEACHER &&
		    strcmp(a->roles[i].scope_type, "class") == 0) {
			sc->s.class_sid = a->roles[i].scope_id;
			sc->words = "your class";
			return true;
		}
	sc->words = "your classes";
	sc->s.class_sid = "\x01"; /* no class: nobody */
	return true;
refused:
	page_error(req, 404, "Not found", "There is no such school, teacher or class you may see.");
	return false;
}

/* the analysis of the scope's results */
struct analysis {
	struct assessment_matrix m;
	struct ia_item *items;
	struct ia_result r;
};

static enum eb_err analyse(struct http_request *req, const struct assessment_common *ac,
			   const struct scope *sc, struct analysis *an)
{
	enum eb_err e = assessment_common_matrix(req->db, district_of(req), ac, &sc->s, &req->arena,
						 &an->m);
	if (e)
		return e;
	an->items = arena_zalloc(&req->arena, (ac->nitems ? ac->nitems : 1) * sizeof *an->items);
	if (!an->items)
		return EB_ENOMEM;
	for (size_t i = 0; i < ac->nitems; i++) {
		const struct assessment_item *it = &ac->items[i];
		an->items[i].max_points = it->points;
		an->items[i].nchoices = it->key ? (int)strlen(it->choices) : 0;
		an->items[i].key = it->key ? (int)(strchr(it->choices, it->key) - it->choices) : -1;
	}
	struct ia_input in = { an->m.nstudents, ac->nitems, an->items, an->m.points, an->m.choice };
	return item_analysis_run(&in, &req->arena, &an->r);
}

static void pct(struct buf *b, double share)
{
	if (isnan(share))
		html_raw(b, "&mdash;");
	else
		html_textf(b, "%.0f%%", 100 * share);
}

/* "A 12, B 3, C (key) 40, D 5, blank 1" */
static void choices_text(char *out, size_t cap, const struct assessment_item *it,
			 const int64_t *counts, int64_t blank)
{
	size_t k = 0;
	out[0] = 0;
	for (size_t c = 0; it->choices[c] && k < cap; c++)
		k += (size_t)snprintf(out + k, cap - k, "%s%c%s %lld", c ? ", " : "",
				      it->choices[c], it->choices[c] == it->key ? " (key)" : "",
				      (long long)counts[c]);
	if (k < cap && blank)
		snprintf(out + k, cap - k, ", blank %lld", (long long)blank);
}

static void flags_text(char *out, size_t cap, const struct assessment_item *it,
		       const struct ia_item_result *r)
{
	size_t k = 0;
	out[0] = 0;
	for (unsigned f = 1; f <= IA_FLAG_DISTRACTOR && k < cap; f <<= 1) {
		if (!(r->flags & f))
			continue;
		const char *w = item_analysis_flag_words((enum ia_flag)f);
		if (f == IA_FLAG_DISTRACTOR && r->distractor >= 0)
			k += (size_t)snprintf(out + k, cap - k,
					      "%sTop scorers chose %c more often than the key %c."
					      " Check the key and whether %c is also right.",
					      k ? " " : "", it->choices[r->distractor], it->key,
					      it->choices[r->distractor]);
		else
			k += (size_t)snprintf(out + k, cap - k, "%s%s", k ? " " : "", w);
	}
}

static void export_analysis(struct http_request *req, const struct assessment_common *ac,
			    const struct analysis *an, enum export_format f)
{
	struct export x;
	if (!export_respond_begin(req, &x, f, "Item analysis"))
		return;
	static const char *const head[] = { "item",	   "standard",	     "points",
					    "key",	   "students",	     "p_value",
					    "mean_points", "point_biserial", "choices",
					    "top_scorers", "flags" };
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		export_head(&x, head[i]);
	export_end_row(&x);
	char ch[256], top[256], fl[1024];
	for (size_t i = 0; i < ac->nitems; i++) {
		const struct assessment_item *it = &ac->items[i];
		const struct ia_item_result *r = &an->r.items[i];
		char key[2] = { it->key, 0 };
		export_num(&x, it->number, 0);
		export_text(&x, it->standard);
		export_num(&x, it->points, EXPORT_SHORTEST);
		export_text(&x, key);
		export_num(&x, (double)an->r.nstudents, 0);
		export_num(&x, r->p, 4);
		export_num(&x, r->mean, 4);
		export_num(&x, r->rpb, 4);
		ch[0] = top[0] = 0;
		if (it->key) {
			choices_text(ch, sizeof ch, it, r->counts, r->blank);
			choices_text(top, sizeof top, it, r->top_counts, r->top_blank);
		}
		flags_text(fl, sizeof fl, it, r);
		export_text(&x, ch);
		export_text(&x, top);
		export_text(&x, fl);
		export_end_row(&x);
	}
	char base[64];
	snprintf(base, sizeof base, "item-analysis-%lld", (long long)ac->id);
	export_respond_end(req, &x, base);
}

/* the scope's query string ("school=..."), for links that keep it */
static void scope_query(struct buf *b, const struct scope *sc)
{
	if (sc->s.school_sid && sc->district) {
		html_raw(b, "school=");
		html_url(b, sc->s.school_sid);
		html_raw(b, "&amp;");
	} else if (sc->s.teacher_sid && sc->district) {
		html_raw(b, "teacher=");
		html_url(b, sc->s.teacher_sid);
		html_raw(b, "&amp;");
	} else if (sc->s.class_sid && sc->s.class_sid[0] != '\x01') {
		html_raw(b, "class=");
		html_url(b, sc->s.class_sid);
		html_raw(b, "&amp;");
	}
}

static void analysis_section(struct http_request *req, const struct assessment_common *ac,
			     const struct scope *sc, const struct analysis *an)
{
	struct buf *b = &req->out;
	const struct ia_result *r = &an->r;
	html_raw(b, "<h2 id=\"analysis\">Item analysis</h2>");
	if (!r->nstudents) {
		html_raw(b, "<p class=\"muted\">No results yet for ");
		html_text(b, sc->words);
		html_raw(b, ".</p>");
		return;
	}
	html_raw(b, "<dl class=\"report\"><dt>Students</dt><dd id=\"students\">");
	html_int(b, (int64_t)r->nstudents);
	html_raw(b, "</dd><dt>Average score</dt><dd id=\"mean\">");
	pct(b, r->max_total > 0 ? r->mean_total / r->max_total : NAN);
	html_textf(b, " (%.1f of %g points)", r->mean_total, r->max_total);
	html_raw(b, "</dd><dt>Reliability (Cronbach's alpha)</dt><dd id=\"alpha\">");
	if (isnan(r->alpha))
		html_raw(b, "&mdash;");
	else
		html_textf(b, "%.2f %s", r->alpha,
			   r->alpha >= 0.8   ? "(consistent)"
			   : r->alpha >= 0.7 ? "(acceptable)"
					     : "(low: read single items with care)");
	html_raw(b, "</dd></dl>");
	if (!r->flagged)
		markupf(b,
			"<p class=\"muted\">Fewer than %d students: the figures are shown but no"
			" item is flagged.</p>",
			IA_MIN_STUDENTS);
	html_raw(b, "<p>Share right: the share of the points students earned on the item."
		    " Separates: how much better students who did well on the rest of the test"
		    " did on this item (from &minus;1 to 1; below 0.15 it hardly separates)."
		    " Top scorers: the best 27&nbsp;% by total.</p><p>");
	html_raw(b, "<a href=\"?");
	scope_query(b, sc);
	html_raw(b, "format=csv\">Download CSV</a> &middot; <a href=\"?");
	scope_query(b, sc);
	html_raw(b, "format=xlsx\">Excel</a></p>");
	page_scroll_begin(req, "Item analysis");
	html_raw(b, "<table class=\"items\"><thead><tr><th scope=\"col\">Item</th>"
		    "<th scope=\"col\">Standard</th><th scope=\"col\">Share right</th>"
		    "<th scope=\"col\">Separates</th><th scope=\"col\">Choices (everyone; top"
		    " scorers)</th><th scope=\"col\">What to check</th></tr></thead><tbody>");
	char ch[256], top[256], fl[1024];
	for (size_t i = 0; i < ac->nitems; i++) {
		const struct assessment_item *it = &ac->items[i];
		const struct ia_item_result *ir = &r->items[i];
		markupf(b, "<tr%s><th scope=\"row\">%d</th><td><a href=\"/standards/",
			ir->flags ? " class=\"flagged\"" : "", it->number);
		html_url(b, it->standard);
		html_raw(b, "\">");
		html_text(b, page_std_label(req, it->standard));
		html_raw(b, "</a></td><td>");
		pct(b, ir->p);
		html_raw(b, "</td><td>");
		if (isnan(ir->rpb))
			html_raw(b, "&mdash;");
		else
			html_textf(b, "%.2f", ir->rpb);
		html_raw(b, "</td><td>");
		if (it->key) {
			choices_text(ch, sizeof ch, it, ir->counts, ir->blank);
			choices_text(top, sizeof top, it, ir->top_counts, ir->top_blank);
			html_text(b, ch);
			html_raw(b, "; <span class=\"muted\">top: ");
			html_text(b, top);
			html_raw(b, "</span>");
		} else {
			html_textf(b, "scored in points (mean %.1f of %g)", ir->mean, it->points);
		}
		html_raw(b, "</td><td>");
		flags_text(fl, sizeof fl, it, ir);
		html_text(b, fl);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void groups_table(struct http_request *req, const struct assessment_common *ac,
			 const struct scope *sc, bool by_teacher)
{
	struct buf *b = &req->out;
	struct assessment_group *g;
	size_t n = 0;
	if (assessment_common_groups(req->db, district_of(req), ac, by_teacher, &sc->s, &req->arena,
				     &g, &n) ||
	    !n)
		return;
	const char *what = by_teacher ? "By teacher" : "By school";
	html_raw(b, "<h3>");
	html_text(b, what);
	html_raw(b, "</h3>");
	page_scroll_begin(req, what);
	markupf(b,
		"<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">Students</th>"
		"<th scope=\"col\">Average score</th></tr></thead><tbody>",
		by_teacher ? "Teacher" : "School");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		if (sc->district) {
			markupf(b, "<a href=\"/assessments/%lld?%s=", (long long)ac->id,
				by_teacher ? "teacher" : "school");
			html_url(b, g[i].id);
			html_raw(b, "#analysis\">");
			html_text(b, g[i].name);
			html_raw(b, "</a>");
		} else {
			html_text(b, g[i].name);
		}
		html_raw(b, "</td><td>");
		html_int(b, g[i].students);
		html_raw(b, "</td><td>");
		pct(b, g[i].mean_share);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void items_table(struct http_request *req, const struct assessment_common *ac)
{
	struct buf *b = &req->out;
	html_raw(b, "<details><summary>The items and their keys</summary>");
	page_scroll_begin(req, "Items");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Standard</th>"
		    "<th scope=\"col\">Points</th><th scope=\"col\">Choices</th>"
		    "<th scope=\"col\">Key</th></tr></thead><tbody>");
	for (size_t i = 0; i < ac->nitems; i++) {
		const struct assessment_item *it = &ac->items[i];
		char key[2] = { it->key, 0 };
		markupf(b, "<tr><th scope=\"row\">%d</th><td>", it->number);
		html_text(b, page_std_label(req, it->standard));
		markupf(b, "</td><td>%g</td><td>", it->points);
		html_text(b, it->key ? it->choices : "scored in points");
		html_raw(b, "</td><td>");
		html_text(b, key);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></details>");
}

static void edit_forms(struct http_request *req, const struct assessment_common *ac)
{
	struct buf *b = &req->out;
	html_raw(b, "<h2 id=\"upload\">Upload item results</h2><p>A CSV file with one row per"
		    " student and item: columns <code>student_id</code>, <code>item</code>,"
		    " <code>response</code> (the letter chosen) or <code>points</code> (for items"
		    " scored in points), <code>date</code> (YYYY-MM-DD). The whole file is checked"
		    " first; a file with any error is rejected and nothing is stored.</p>");
	markupf(b,
		"<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\""
		" action=\"/assessments/%lld/results\">",
		(long long)ac->id);
	page_csrf_field(req);
	html_raw(b,
		 "<div><label for=\"results_file\">CSV file (up to 16 MB)</label>"
		 "<input id=\"results_file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\""
		 " required></div><div><button type=\"submit\">Import the results</button></div>"
		 "</form>");
	if (ac->students)
		return;
	html_raw(b, "<h2 id=\"add-items\">Add items</h2>");
	markupf(b, "<form class=\"stack\" method=\"post\" action=\"/assessments/%lld/items\">",
		(long long)ac->id);
	page_csrf_field(req);
	field_open(b, "items", "Items", items_hint);
	html_raw(b, "<textarea id=\"items\" name=\"items\" rows=\"4\" maxlength=\"20000\" required>"
		    "</textarea></div><div><button type=\"submit\">Add the items</button></div>"
		    "</form>");
}

static void sheets_section(struct http_request *req, const struct assessment_common *ac)
{
	struct buf *b = &req->out;
	const struct account *a = &req->session->account;
	html_raw(b, "<h2 id=\"sheets\">Answer sheets</h2><p>One printable page per student with"
		    " a bubble for each choice (PDF).</p>");
	struct roster_class_row *c;
	size_t n = 0;
	if (a->person_sid[0] &&
	    roster_teacher_classes(req->db, district_of(req), a->person_sid, &req->arena, &c, &n))
		n = 0;
	if (n) {
		html_raw(b, "<ul>");
		for (size_t i = 0; i < n && i < 20; i++) {
			markupf(b,
				"<li><a href=\"/assessments/%lld/sheets?class=", (long long)ac->id);
			html_url(b, c[i].sourced_id);
			html_raw(b, "&amp;format=pdf\">");
			html_text(b, c[i].title);
			html_raw(b, " (PDF)</a> &middot; <a href=\"?class=");
			html_url(b, c[i].sourced_id);
			html_raw(b, "#analysis\">its results</a></li>");
		}
		html_raw(b, "</ul>");
	}
	markupf(b,
		"<form method=\"get\" class=\"inline\" action=\"/assessments/%lld/sheets\">"
		"<input type=\"hidden\" name=\"format\" value=\"pdf\"><label for=\"sheet_class\">"
		"Class (its roster id)</label> <input id=\"sheet_class\" name=\"class\""
		" maxlength=\"200\" required> <button type=\"submit\">Print answer sheets"
		"</button></form>",
		(long long)ac->id);
}

void page_assessment(struct http_request *req)
{
	struct assessment_common ac;
	struct scope sc;
	if (!load(req, &ac) || !resolve_scope(req, &sc))
		return;
	struct analysis an;
	if (analyse(req, &ac, &sc, &an)) {
		page_error(req, 503, "Not available", "The results could not be read; try again.");
		return;
	}
	enum export_format ef;
	bool exporting = export_format_parse(http_query(req, "format"), &ef);
	char what[400];
	snprintf(what, sizeof what, "item analysis%s of '%.200s', %.120s",
		 !exporting	     ? ""
		 : ef == EXPORT_XLSX ? " as Excel"
				     : " as CSV",
		 ac.name, sc.words);
	if (an.m.nstudents &&
	    !page_audit_bulk(req, exporting ? "export" : "view", "common_assessment",
			     req->params[0], (int64_t)an.m.nstudents, what))
		return;
	if (exporting) {
		export_analysis(req, &ac, &an, ef);
		return;
	}
	page_begin(req, ac.name);
	struct buf *b = &req->out;
	html_raw(b, "<p class=\"crumbs\"><a href=\"/assessments\">Common assessments</a></p>"
		    "<dl class=\"report\"><dt>Window</dt><dd>");
	html_text(b, assessment_season_label(ac.season));
	html_raw(b, ", ");
	html_text(b, ac.opens);
	html_raw(b, " to ");
	html_text(b, ac.closes);
	html_raw(b, "</dd><dt>Items</dt><dd id=\"items-count\">");
	html_int(b, (int64_t)ac.nitems);
	html_raw(b, "</dd><dt>Results shown for</dt><dd id=\"scope\">");
	html_text(b, sc.words);
	if (sc.district && (sc.s.school_sid || sc.s.teacher_sid || sc.s.class_sid))
		markupf(b, " (<a href=\"/assessments/%lld#analysis\">the whole district</a>)",
			(long long)ac.id);
	html_raw(b, "</dd></dl>");
	items_table(req, &ac);
	analysis_section(req, &ac, &sc, &an);
	if (an.m.nstudents && !sc.s.class_sid && !sc.s.teacher_sid) {
		if (!sc.s.school_sid)
			groups_table(req, &ac, &sc, false);
		groups_table(req, &ac, &sc, true);
	}
	sheets_section(req, &ac);
	if (can_edit(req))
		edit_forms(req, &ac);
	page_end(req);
}

/* ---- changes ------------------------------------------------------------ */

static void back_link(struct buf *b, const struct assessment_common *ac)
{
	markupf(b, "<p><a href=\"/assessments/%lld\">Back to the assessment</a></p>",
		(long long)ac->id);
}

void page_assessment_items(struct http_request *req)
{
	struct assessment_common ac;
	if (!load(req, &ac))
		return;
	struct buf why;
	buf_init(&why, 16 * 1024);
	struct audit_actor who = auth_actor(req);
	enum eb_err e = assessment_common_add_items(req->db, district_of(req), &who, ac.id,
						    http_form(req, "items"), &why);
	if (e == EB_OK) {
		buf_free(&why);
		char loc[64];
		snprintf(loc, sizeof loc, "/assessments/%lld", (long long)ac.id);
		http_redirect(req, loc);
		return;
	}
	req->status = e == EB_EINVAL ? 400 : e == EB_ECONFLICT ? 409 : 503;
	page_begin(req, "Add items");
	page_notice(req, "error", "Nothing was saved. Please fix:");
	html_raw(&req->out, "<ul class=\"errors\">");
	const char *p = buf_cstr(&why);
	if (!*p)
		p = "The database is busy; try again.\n";
	while (*p) {
		size_t n = strcspn(p, "\n");
		html_raw(&req->out, "<li>");
		char *line = arena_strndup(&req->arena, p, n);
		html_text(&req->out, line ? line : "");
		html_raw(&req->out, "</li>");
		p += n + (p[n] == '\n');
	}
	html_raw(&req->out, "</ul>");
	buf_free(&why);
	back_link(&req->out, &ac);
	page_end(req);
}

void page_assessment_results(struct http_request *req)
{
	struct assessment_common ac;
	if (!load(req, &ac))
		return;
	struct buf *b = &req->out;
	const char *ct = http_header(req, "Content-Type");
	struct multipart_part file;
	if (multipart_find(ct, req->body.data, req->body.len, "file", &file) || file.len == 0) {
		req->status = 400;
		page_begin(req, "Import item results");
		page_notice(req, "error", "file: choose the CSV file to upload.");
		back_link(b, &ac);
		page_end(req);
		return;
	}
	char *data = malloc(file.len);
	if (!data) {
		page_error(req, 500, "Import item results",
			   "The server is out of memory; try again.");
		return;
	}
	memcpy(data, file.data, file.len);
	const char *fname = file.filename[0] ? file.filename : "upload.csv";
	struct buf errs;
	buf_init(&errs, 1 << 20);
	struct item_results_report rep;
	struct audit_actor who = auth_actor(req);
	enum eb_err e = item_results_import(req->db, district_of(req), ac.id, &who, fname, data,
					    file.len, &rep, &errs);
	free(data);
	if (e) {
		audit_record(req->db, district_of(req), &who, "import_rejected",
			     "common_assessment", req->params[0], fname);
	}
	req->status = e == EB_OK ? 200 : e == EB_EINVAL ? 400 : 503;
	page_begin(req, "Import item results");
	if (!e) {
		page_notice(req, "ok", "The results were imported.");
		html_raw(b, "<dl class=\"report\"><dt>Rows</dt><dd id=\"rows\">");
		html_int(b, (int64_t)rep.rows);
		html_raw(b, "</dd><dt>New or changed</dt><dd id=\"changed\">");
		html_int(b, (int64_t)rep.changed);
		html_raw(b, "</dd><dt>Students</dt><dd id=\"students\">");
		html_int(b, (int64_t)rep.students);
		html_raw(b, "</dd></dl>");
	} else {
		page_notice(req, "error",
			    "The file was rejected; nothing was stored. Fix the errors below and"
			    " upload it again.");
		html_raw(b, "<ul class=\"errors\">");
		const char *p = buf_cstr(&errs);
		while (*p) {
			size_t n = strcspn(p, "\n");
			char *line = arena_strndup(&req->arena, p, n);
			html_raw(b, "<li>");
			html_text(b, line ? line : "");
			html_raw(b, "</li>");
			p += n + (p[n] == '\n');
		}
		html_raw(b, "</ul>");
	}
	buf_free(&errs);
	back_link(b, &ac);
	page_end(req);
}

/* ---- answer sheets (PDF) ------------------------------------------------ */

static void sheet(struct pdf *p, const struct assessment_common *ac, const char *student,
		  const char *cls)
{
	pdf_page(p);
	double top = PDF_PAGE_H - 54;
	pdf_text(p, 54, top, 16, true, ac->name);
	pdf_text(p, 54, top - 20, 11, false, student);
	pdf_text(p, 330, top - 20, 11, false, cls);
	pdf_text(p, 54, top - 38, 9, false,
		 "Fill one bubble per question completely. For questions scored in points,"
		 " write your answer on the lines.");
	pdf_line(p, 54, top - 46, PDF_PAGE_W - 54, top - 46, 0.5);
	/* two columns of up to 25 items each, then another page */
	double y0 = top - 70, row = 22;
	size_t per_col = 25;
	for (size_t i = 0; i < ac->nitems; i++) {
		size_t slot = i % (2 * per_col);
		if (i && slot == 0) {
			pdf_page(p);
			y0 = PDF_PAGE_H - 70;
		}
		double x = slot < per_col ? 54 : 320;
		double y = y0 - (double)(slot % per_col) * row;
		const struct assessment_item *it = &ac->items[i];
		char num[16];
		snprintf(num, sizeof num, "%d.", it->number);
		pdf_text(p, x, y, 11, true, num);
		if (it->key) {
			for (size_t c = 0; it->choices[c]; c++) {
				double cx = x + 40 + 22 * (double)c;
				char l[2] = { it->choices[c], 0 };
				pdf_circle(p, cx, y + 4, 7, 0.8);
				pdf_text(p, cx - 3, y + 0.5, 8, false, l);
			}
		} else {
			char pts[32];
			snprintf(pts, sizeof pts, "(%g pts)", it->points);
			pdf_line(p, x + 30, y - 2, x + 200, y - 2, 0.5);
			pdf_text(p, x + 205, y, 8, false, pts);
		}
	}
}

void page_assessment_sheets(struct http_request *req)
{
	struct assessment_common ac;
	if (!load(req, &ac))
		return;
	const struct account *a = &req->session->account;
	const char *cls = param(req, "class");
	if (!cls) {
		/* no class named yet: the form that names one */
		page_begin(req, "Answer sheets");
		html_raw(&req->out, "<p class=\"crumbs\"><a href=\"/assessments\">Common"
				    " assessments</a></p><p>");
		html_text(&req->out, ac.name);
		html_raw(&req->out, "</p>");
		sheets_section(req, &ac);
		page_end(req);
		return;
	}
	struct roster_class_row c;
	struct roster_person_row *st;
	size_t n = 0;
	if (!cls || access_class(req->db, a, cls) ||
	    roster_class_get(req->db, district_of(req), cls, &req->arena, &c) ||
	    roster_class_students(req->db, district_of(req), cls, &req->arena, &st, &n)) {
		page_error(req, 404, "Not found", "There is no such class you may see.");
		return;
	}
	if (!n || !ac.nitems) {
		page_error(req, 404, "No answer sheets",
			   "The class has no students, or the assessment no items.");
		return;
	}
	/* the sheets carry students' names: a bulk view of student data */
	char what[300];
	snprintf(what, sizeof what, "answer sheets of '%.120s' for class %.120s", ac.name, c.title);
	if (!page_audit_bulk(req, "export", "common_assessment", req->params[0], (int64_t)n, what))
		return;
	struct pdf p;
	buf_reset(&req->out);
	pdf_begin(&p, &req->out);
	for (size_t i = 0; i < n; i++) {
		char name[300];
		snprintf(name, sizeof name, "Name: %s %s", st[i].given_name, st[i].family_name);
		char cl[300];
		snprintf(cl, sizeof cl, "Class: %s", c.title);
		sheet(&p, &ac, name, cl);
	}
	if (pdf_finish(&p)) {
		buf_reset(&req->out);
		page_error(req, 500, "Answer sheets", "The sheets could not be made; try again.");
		return;
	}
	req->status = 200;
	req->content_type = "application/pdf";
	req->no_cache = true;
	char disp[96];
	snprintf(disp, sizeof disp, "inline; filename=\"answer-sheets-%lld.pdf\"",
		 (long long)ac.id);
	http_set_header(req, "Content-Disposition", arena_strdup(&req->arena, disp));
}
