/* Mastery views: class (students x the standards of a unit), student (every
 * standard, trend, evidence) and standard (district distribution, missing
 * prerequisites). Same access checks as the roster pages; ?format=csv on
 * each. Levels are shown as text and a pattern as well as colour. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/frameworks.h"
#include "domain/labels.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "web/auth.h"
#include "web/export.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"
#include "web/svg.h"

#define MAX_COLS 48

static void not_found(struct http_request *req)
{
	page_error(req, 404, "Not found", "There is nothing here that your role may see.");
}

/* ?format=csv|xlsx: the page's table as a download (web/export) */
static bool want_export(struct http_request *req, enum export_format *f)
{
	return export_format_parse(http_query(req, "format"), f);
}

static const char *name_of(const struct roster_person_row *p)
{
	return p->preferred_first_name ? p->preferred_first_name : p->given_name;
}

/* The district's names of its standards (domain/frameworks), loaded once
 * per page; NULL on a store error (codes are then shown as they are). */
static struct frameworks_labels *labels_of(struct http_request *req)
{
	return page_std_labels(req);
}

/* A standard's name as the district's primary framework gives it, with the
 * CCSS code in a title when the two differ. */
static void std_name(struct buf *b, struct frameworks_labels *l, const char *code)
{
	const char *lab = frameworks_label(l, code);
	if (strcmp(lab, code) != 0 && !frameworks_is_own_key(code)) {
		html_raw(b, "<span title=\"CCSS ");
		html_attr(b, code);
		html_raw(b, "\">");
		html_text(b, lab);
		html_raw(b, "</span>");
	} else {
		html_text(b, lab);
	}
}

static void levels_of(struct http_request *req, struct district_levels *lv)
{
	if (district_levels(req->db, req->session->account.district_id, lv)) {
		lv->approaching = 0.40;
		lv->proficient = 0.70;
		lv->mastered = 0.90;
	}
}

/* A level cell: pattern class, visible text, screen-reader detail. */
static void level_cell(struct buf *b, const struct district_levels *lv,
		       const struct mastery_cell *c)
{
	if (!c) {
		html_raw(b, "<td class=\"lv lv-none\">No data</td>");
		return;
	}
	enum mastery_level l = mastery_level_of(lv, c->p);
	html_raw(b, "<td class=\"lv lv-");
	html_attr(b, mastery_level_slug(l));
	if (c->inferred)
		html_raw(b, " lv-inferred");
	html_raw(b, "\" title=\"");
	html_textf(b, "P(mastered) %.0f%%, %d responses%s", c->p * 100, c->responses,
		   c->inferred ? ", inferred from related standards" : "");
	html_raw(b, "\">");
	html_text(b, mastery_level_name(l));
	if (c->inferred)
		html_raw(b, "<span aria-hidden=\"true\">*</span>");
	html_raw(b, "<span class=\"sr\">");
	html_textf(b, ", %.0f percent, %d responses%s", c->p * 100, c->responses,
		   c->inferred ? ", inferred, not measured" : "");
	html_raw(b, "</span></td>");
}

static void legend(struct buf *b, const struct district_levels *lv)
{
	html_raw(b, "<p class=\"legend\">Levels (this district's thresholds on the probability of "
		    "mastery): ");
	const double lo[] = { 0, lv->approaching, lv->proficient, lv->mastered };
	for (int l = 0; l < MASTERY_LEVEL_COUNT; l++) {
		html_raw(b, "<span class=\"lv lv-");
		html_attr(b, mastery_level_slug((enum mastery_level)l));
		html_raw(b, "\">");
		html_text(b, mastery_level_name((enum mastery_level)l));
		html_raw(b, "</span> ");
		html_textf(b, "%s%.0f%% ", l ? "from " : "below ",
			   (l ? lo[l] : lv->approaching) * 100);
	}
	html_raw(b, "<span class=\"lv lv-inferred\">Level*</span> inferred from related standards"
		    " (little direct evidence; not a measurement).</p>");
}

/* ---- class view ------------------------------------------------------- */

struct unit {
	const struct standard *std[MAX_COLS];
	size_t n;
	int grade;
	const char *domain, *cluster;
	char title[160];
};

static int parse_class_grade(const char *grades)
{
	if (!grades)
		return -1;
	char g[8];
	size_t n = strcspn(grades, ", ");
	if (n == 0 || n >= sizeof g)
		return -1;
	memcpy(g, grades, n);
	g[n] = '\0';
	const char *p = g;
	while (p[0] == '0' && p[1])
		p++;
	int out;
	if (standards_parse_grade(p, &out) == EB_OK)
		return out;
	if (strcmp(g, "KG") == 0)
		return 0;
	if (strcmp(g, "09") == 0 || strcmp(g, "10") == 0 || strcmp(g, "11") == 0 ||
	    strcmp(g, "12") == 0)
		return STANDARDS_GRADE_HS;
	return -1;
}

static void unit_add_cluster(struct unit *u, const struct standard *cl)
{
	const struct standard *s[MAX_COLS];
	size_t n = standards_in_cluster(cl, s, MAX_COLS);
	for (size_t i = 0; i < n && i < MAX_COLS && u->n < MAX_COLS; i++)
		u->std[u->n++] = s[i];
}

/* The unit from ?grade=&domain=&cluster=, default the class grade's major
 * clusters. */
static void pick_unit(struct http_request *req, int class_grade, struct unit *u)
{
	memset(u, 0, sizeof *u);
	const char *gq = http_query(req, "grade"), *dq = http_query(req, "domain"),
		   *cq = http_query(req, "cluster");
	u->grade = class_grade < 0 ? 5 : class_grade;
	if (gq && *gq)
		standards_parse_grade(gq, &u->grade);
	const struct standard *cl = cq && *cq ? standards_find(cq) : NULL;
	if (cl && cl->kind == STANDARD_CLUSTER) {
		u->grade = cl->grade;
		u->cluster = cl->code;
		u->domain = cl->domain_code;
		unit_add_cluster(u, cl);
		snprintf(u->title, sizeof u->title, "Cluster %s", cl->code);
		return;
	}
	const char *doms[32];
	size_t nd = standards_domains_of_grade(u->grade, doms, 32);
	for (size_t i = 0; i < nd && i < 32; i++) {
		bool pick = dq && *dq ? strcmp(doms[i], dq) == 0 : true;
		if (!pick)
			continue;
		if (dq && *dq)
			u->domain = doms[i];
		const struct standard *cls[32];
		size_t nc = standards_clusters_of(u->grade, doms[i], cls, 32);
		for (size_t j = 0; j < nc && j < 32; j++)
			if ((dq && *dq) || cls[j]->emphasis == EMPHASIS_MAJOR ||
			    u->grade == STANDARDS_GRADE_HS)
				unit_add_cluster(u, cls[j]);
	}
	/* the grade label */
	char g[4];
	snprintf(g, sizeof g, "%d", u->grade);
	const char *gl = u->grade == STANDARDS_GRADE_HS ? "HS" : u->grade == 0 ? "K" : g;
	if (u->domain)
		snprintf(u->title, sizeof u->title, "Grade %s, %s", gl, u->domain);
	else
		snprintf(u->title, sizeof u->title, "Major clusters of grade %s", gl);
}

static void unit_picker(struct buf *b, const char *cid, const struct unit *u)
{
	html_raw(b, "<form method=\"get\" class=\"picker noprint\" action=\"/classes/");
	html_url(b, cid);
	html_raw(b, "/mastery\"><label for=\"grade\">Grade</label><select id=\"grade\" "
		    "name=\"grade\">");
	int grades[16];
	size_t ng = standards_grades(grades, 16);
	for (size_t i = 0; i < ng && i < 16; i++) {
		char v[4];
		snprintf(v, sizeof v, "%d", grades[i]);
		html_raw(b, "<option value=\"");
		html_attr(b, grades[i] == STANDARDS_GRADE_HS ? "HS" : v);
		html_raw(b, grades[i] == u->grade ? "\" selected>" : "\">");
		html_text(b, label_grade_number(grades[i] == STANDARDS_GRADE_HS ? LABEL_GRADE_HS
										: grades[i]));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select><label for=\"domain\">Domain</label><select id=\"domain\" "
		    "name=\"domain\">"
		    "<option value=\"\">Major clusters</option>");
	const char *doms[32];
	size_t nd = standards_domains_of_grade(u->grade, doms, 32);
	for (size_t i = 0; i < nd && i < 32; i++) {
		html_raw(b, "<option value=\"");
		html_attr(b, doms[i]);
		html_raw(b, u->domain && strcmp(u->domain, doms[i]) == 0 ? "\" selected>" : "\">");
		html_text(b, doms[i]);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select><label for=\"cluster\">Cluster</label><select id=\"cluster\" "
		    "name=\"cluster\">"
		    "<option value=\"\">All of the above</option>");
	for (size_t i = 0; i < nd && i < 32; i++) {
		const struct standard *cls[32];
		size_t nc = standards_clusters_of(u->grade, doms[i], cls, 32);
		for (size_t j = 0; j < nc && j < 32; j++) {
			html_raw(b, "<option value=\"");
			html_attr(b, cls[j]->code);
			html_raw(b, u->cluster && strcmp(u->cluster, cls[j]->code) == 0
					    ? "\" selected>"
					    : "\">");
			html_text(b, cls[j]->code);
			html_raw(b, "</option>");
		}
	}
	html_raw(b, "</select><button type=\"submit\">Show</button></form>");
}

struct class_row {
	const struct roster_person_row *p;
	const struct mastery_cell *cell[MAX_COLS];
	int attention; /* 2 per Not yet, 1 per Approaching (measured only) */
	int known;     /* cells with an estimate */
	bool twin;     /* another student of the class has the same name */
	double mean;   /* mean P of the cells present */
	double key;    /* sort key of the chosen column */
};

static int by_attention(const void *a, const void *b)
{
	const struct class_row *x = a, *y = b;
	if (x->attention != y->attention)
		return y->attention - x->attention;
	if (x->mean != y->mean)
		return x->mean < y->mean ? -1 : 1;
	return strcmp(x->p->family_name, y->p->family_name);
}

static int by_key(const void *a, const void *b)
{
	const struct class_row *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return by_attention(a, b);
}

static bool same_name(const struct roster_person_row *x, const struct roster_person_row *y)
{
	return strcmp(x->family_name, y->family_name) == 0 && strcmp(name_of(x), name_of(y)) == 0;
}

/* What tells two students of one name apart: the student number from the
 * roster (OneRoster identifier), else the middle name, else the roster id. */
static void twin_label(struct buf *b, const struct roster_person_row *p)
{
	html_raw(b, " <span class=\"twin\">(");
	if (p->identifier && *p->identifier) {
		html_raw(b, "student no. ");
		html_text(b, p->identifier);
	} else if (p->middle_name && *p->middle_name) {
		html_text(b, p->middle_name);
	} else {
		html_text(b, p->sourced_id);
	}
	html_raw(b, ")</span>");
}

static int by_name(const void *a, const void *b)
{
	const struct class_row *x = a, *y = b;
	int c = strcmp(x->p->family_name, y->p->family_name);
	return c ? c : strcmp(name_of(x->p), name_of(y->p));
}

void page_class_mastery(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *cid = req->params[0];
	struct roster_org_row school;
	struct roster_person_row *st;
	size_t ns;
	if (access_class(req->db, a, cid) != EB_OK ||
	    roster_class_school(req->db, a->district_id, cid, &req->arena, &school) ||
	    roster_class_students(req->db, a->district_id, cid, &req->arena, &st, &ns)) {
		page_refused(req, "class", cid);
		return;
	}
	struct roster_class_row *mine;
	size_t nm;
	const char *title = cid, *grades = NULL;
	if (roster_school_classes(req->db, a->district_id, school.sourced_id, &req->arena, &mine,
				  &nm) == EB_OK)
		for (size_t i = 0; i < nm; i++)
			if (strcmp(mine[i].sourced_id, cid) == 0) {
				title = mine[i].title;
				grades = mine[i].grades;
			}
	struct district_levels lv;
	levels_of(req, &lv);
	struct unit u;
	pick_unit(req, parse_class_grade(grades), &u);
	struct class_row *rows = arena_alloc(&req->arena, (ns ? ns : 1) * sizeof *rows);
	if (!rows) {
		page_error(req, 500, "Error", "Out of memory.");
		return;
	}
	const char *sort = http_query(req, "sort");
	int sort_col = -1;
	for (size_t j = 0; sort && j < u.n; j++)
		if (strcmp(sort, u.std[j]->code) == 0)
			sort_col = (int)j;
	for (size_t i = 0; i < ns; i++) {
		struct class_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		r->p = &st[i];
		struct mastery_row *cells;
		size_t nc;
		if (mastery_student_cells(req->db, a->district_id, st[i].sourced_id, &req->arena,
					  &cells, &nc)) {
			page_error(req, 500, "Error", "Could not read the estimates.");
			return;
		}
		double sum = 0;
		int cnt = 0;
		for (size_t j = 0; j < u.n; j++)
			for (size_t k = 0; k < nc; k++)
				if (strcmp(cells[k].standard, u.std[j]->code) == 0) {
					const struct mastery_cell *c = &cells[k].c;
					r->cell[j] = c;
					sum += c->p;
					cnt++;
					if (!c->inferred) {
						enum mastery_level l = mastery_level_of(&lv, c->p);
						r->attention += l == MASTERY_NOT_YET
									? 2
									: l == MASTERY_APPROACHING;
					}
					break;
				}
		r->known = cnt;
		r->mean = cnt ? sum / cnt : 2; /* nothing known: after those with data */
		r->key = sort_col >= 0 && r->cell[sort_col] ? r->cell[sort_col]->p : 2;
	}
	bool name_sort = sort && strcmp(sort, "name") == 0;
	qsort(rows, ns, sizeof *rows, name_sort ? by_name : sort_col >= 0 ? by_key : by_attention);
	for (size_t i = 0; i < ns; i++)
		for (size_t k = i + 1; k < ns; k++)
			if (same_name(rows[i].p, rows[k].p))
				rows[i].twin = rows[k].twin = true;

	struct buf *b = &req->out;
	struct frameworks_labels *labels = labels_of(req);
	enum export_format ef;
	bool exporting = want_export(req, &ef);
	char what[256];
	snprintf(what, sizeof what, "class mastery grid%s, %s (%zu standards)",
		 !exporting	     ? ""
		 : ef == EXPORT_XLSX ? " as Excel"
				     : " as CSV",
		 u.title, u.n);
	if (!page_audit_bulk(req, exporting ? "export" : "view", "class", cid, (int64_t)ns, what))
		return;
	if (exporting) {
		struct export x;
		if (!export_respond_begin(req, &x, ef, NULL))
			return;
		static const char *const head[] = { "student_sourced_id",
						    "family_name",
						    "given_name",
						    "standard",
						    "label",
						    "level",
						    "p_mastered",
						    "sd",
						    "responses",
						    "correct",
						    "inferred" };
		for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
			export_head(&x, head[i]);
		export_end_row(&x);
		for (size_t i = 0; i < ns; i++)
			for (size_t j = 0; j < u.n; j++) {
				const struct mastery_cell *c = rows[i].cell[j];
				export_text(&x, rows[i].p->sourced_id);
				export_text(&x, rows[i].p->family_name);
				export_text(&x, name_of(rows[i].p));
				export_text(&x, u.std[j]->code);
				export_text(&x, frameworks_label(labels, u.std[j]->code));
				export_text(&x, c ? mastery_level_name(mastery_level_of(&lv, c->p))
						  : "no evidence");
				export_num(&x, c ? c->p : NAN, 4);
				export_num(&x, c ? c->sd : NAN, 4);
				export_num(&x, c ? c->responses : NAN, 0);
				export_num(&x, c ? c->correct : NAN, 0);
				export_text(&x, c ? (c->inferred ? "yes" : "no") : "");
				export_end_row(&x);
			}
		export_respond_end(req, &x, "class-mastery");
		return;
	}
	char *t = arena_printf(&req->arena, "Mastery: %s", title);
	page_begin(req, t ? t : "Mastery");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "\">");
	html_text(b, title);
	html_raw(b, "</a> &middot; <a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, u.cluster ? "/groups?cluster=" : "/groups\">Small groups</a> &middot; ");
	if (u.cluster) {
		html_url(b, u.cluster);
		html_raw(b, "\">Small groups</a> &middot; ");
	}
	html_text(b, school.name);
	html_raw(b, "</p>");
	unit_picker(b, cid, &u);
	html_raw(b, "<p class=\"noprint\"><a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "/recommendations\">Next steps for this class</a></p>");
	legend(b, &lv);
	html_raw(b, "<p class=\"noprint\">");
	static const char *const fmts[][2] = { { "csv", "Download CSV" }, { "xlsx", "Excel" } };
	for (int k = 0; k < 2; k++) {
		html_raw(b, k ? " &middot; <a href=\"?" : "<a href=\"?");
		if (http_query(req, "grade")) {
			html_raw(b, "grade=");
			html_url(b, http_query(req, "grade"));
			html_raw(b, "&amp;");
		}
		if (u.domain) {
			html_raw(b, "domain=");
			html_url(b, u.domain);
			html_raw(b, "&amp;");
		}
		if (u.cluster) {
			html_raw(b, "cluster=");
			html_url(b, u.cluster);
			html_raw(b, "&amp;");
		}
		html_raw(b, "format=");
		html_raw(b, fmts[k][0]);
		html_raw(b, "\">");
		html_raw(b, fmts[k][1]);
		html_raw(b, "</a>");
	}
	html_raw(b, "</p>");
	page_scroll_begin(req, "Class mastery grid");
	html_raw(b, "<table class=\"mastery\"><caption><span class=\"stay\">");
	html_text(b, u.title);
	html_raw(b, ": ");
	html_int(b, (int64_t)ns);
	html_raw(b, " students, ");
	html_text(b, name_sort	     ? "by name"
		     : sort_col >= 0 ? "lowest first on the chosen standard"
				     : "students needing attention first");
	html_raw(b, "</span></caption><thead><tr><th scope=\"col\"><a "
		    "href=\"?sort=name\">Student</a></th>");
	for (size_t j = 0; j < u.n; j++) {
		html_raw(b, "<th scope=\"col\"");
		if ((int)j == sort_col)
			html_raw(b, " aria-sort=\"ascending\"");
		html_raw(b, "><a href=\"?");
		if (u.cluster) {
			html_raw(b, "cluster=");
			html_url(b, u.cluster);
			html_raw(b, "&amp;");
		} else {
			if (u.domain) {
				html_raw(b, "domain=");
				html_url(b, u.domain);
				html_raw(b, "&amp;");
			}
			html_raw(b, "grade=");
			html_int(b, u.grade == STANDARDS_GRADE_HS ? 9 : u.grade);
			html_raw(b, "&amp;");
		}
		html_raw(b, "sort=");
		html_url(b, u.std[j]->code);
		html_raw(b, "\" class=\"code\">");
		std_name(b, labels, u.std[j]->code);
		html_raw(b, "</a></th>");
	}
	html_raw(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < ns; i++) {
		html_raw(b, "<tr><th scope=\"row\"><a href=\"/students/");
		html_url(b, rows[i].p->sourced_id);
		html_raw(b, "/mastery\">");
		html_text(b, rows[i].p->family_name);
		html_raw(b, ", ");
		html_text(b, name_of(rows[i].p));
		if (rows[i].twin)
			twin_label(b, rows[i].p);
		html_raw(b, "</a></th>");
		if (!rows[i].known && u.n) {
			html_raw(b, "<td class=\"lv-none nodata\" colspan=\"");
			html_int(b, (int64_t)u.n);
			html_raw(b, "\">No data yet on this unit's standards</td>");
		}
		for (size_t j = 0; rows[i].known && j < u.n; j++)
			level_cell(b, &lv, rows[i].cell[j]);
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (!u.n)
		html_raw(b, "<p class=\"muted\">This unit has no standards.</p>");
	page_end(req);
}

/* ---- student view ----------------------------------------------------- */

/* Weekly P as a sparkline (svg.h escapes the title), with a dashed guide at
 * the district's Proficient threshold and a dot on the latest week. */
static void sparkline(struct buf *b, size_t k, const uint8_t *pct, size_t n, double guide,
		      const char *label)
{
	const double w = 80, h = 20, pad = 2, sy = (h - 2 * pad) / 100.0;
	char id[32];
	snprintf(id, sizeof id, "spark-%zu", k);
	svg_begin(b, id, w, h, label);
	svg_line(b, 0, h - pad - guide * 100 * sy, w, h - pad - guide * 100 * sy, SVG_MUTED, 1, 1);
	double px = 0, py = 0;
	for (size_t i = 0; i < n; i++) {
		double x = n > 1 ? pad + (double)i * (w - 2 * pad) / (double)(n - 1) : w / 2;
		double y = h - pad - (pct[i] > 100 ? 100 : pct[i]) * sy;
		if (i)
			svg_line(b, px, py, x, y, SVG_INK, 1.5, 0);
		px = x;
		py = y;
	}
	if (n)
		svg_circle(b, px, py, 2, SVG_INK);
	svg_end(b);
}

void page_student_mastery(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	struct roster_person_row p;
	enum export_format ef;
	bool exporting = want_export(req, &ef);
	const char *what = !exporting	       ? "mastery"
			   : ef == EXPORT_XLSX ? "mastery, exported as Excel"
					       : "mastery, exported as CSV";
	if (!page_student_open(req, sid, what, &p))
		return;
	if (!exporting && page_family_viewer(a)) {
		page_family_mastery(req, &p);
		return;
	}
	struct district_levels lv;
	levels_of(req, &lv);
	struct mastery_row *cells;
	size_t nc;
	struct mastery_evidence *ev;
	size_t ne;
	if (mastery_student_cells(req->db, a->district_id, sid, &req->arena, &cells, &nc) ||
	    mastery_evidence_trail(req->db, a->district_id, sid, 50, &req->arena, &ev, &ne)) {
		page_error(req, 500, "Error", "Could not read the estimates.");
		return;
	}
	struct buf *b = &req->out;
	struct frameworks_labels *labels = labels_of(req);
	if (exporting) {
		struct export x;
		if (!export_respond_begin(req, &x, ef, NULL))
			return;
		static const char *const head[] = {
			"standard",	   "label",   "level",	  "p_mastered",	    "sd",
			"responses",	   "correct", "inferred", "first_evidence", "last_evidence",
			"weekly_p_percent"
		};
		for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
			export_head(&x, head[i]);
		export_end_row(&x);
		for (size_t i = 0; i < nc; i++) {
			const struct mastery_cell *c = &cells[i].c;
			char trend[64];
			mastery_trend_format(c, trend, sizeof trend);
			export_text(&x, cells[i].standard);
			export_text(&x, frameworks_label(labels, cells[i].standard));
			export_text(&x, mastery_level_name(mastery_level_of(&lv, c->p)));
			export_num(&x, c->p, 4);
			export_num(&x, c->sd, 4);
			export_num(&x, c->responses, 0);
			export_num(&x, c->correct, 0);
			export_text(&x, c->inferred ? "yes" : "no");
			export_num(&x, c->first_at ? (double)c->first_at : NAN, 0);
			export_num(&x, c->last_at ? (double)c->last_at : NAN, 0);
			export_text(&x, trend);
			export_end_row(&x);
		}
		export_respond_end(req, &x, "student-mastery");
		return;
	}
	char *title = arena_printf(&req->arena, "Mastery: %s %s", name_of(&p), p.family_name);
	page_begin(req, title ? title : "Mastery");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/students/");
	html_url(b, sid);
	html_raw(b, "\">Student record</a> &middot; <a href=\"?format=csv\">Download CSV</a>"
		    " &middot; <a href=\"?format=xlsx\">Excel</a></p>");
	legend(b, &lv);
	if (!nc)
		html_raw(b, "<p class=\"muted\">No evidence yet from the district's tools.</p>");
	page_scroll_begin(req, "Mastery by standard");
	html_raw(b, "<table class=\"mastery\"><thead><tr>"
		    "<th scope=\"col\">Standard</th><th scope=\"col\">Level</th>"
		    "<th scope=\"col\">Probability (95% range)</th><th scope=\"col\">Evidence</th>"
		    "<th scope=\"col\">Last evidence</th><th scope=\"col\">Trend by week</th>"
		    "<th scope=\"col\">Basis</th></tr></thead><tbody>");
	for (size_t i = 0; i < nc; i++) {
		const struct mastery_cell *c = &cells[i].c;
		/* a CCSS code links to its standard, an item of the district's own
		 * to its mastery across the district */
		bool own = frameworks_is_own_key(cells[i].standard);
		html_raw(b, "<tr><th scope=\"row\"><a class=\"code\" href=\"/standards/");
		html_url(b, cells[i].standard);
		html_raw(b, own ? "/mastery\">" : "\">");
		std_name(b, labels, cells[i].standard);
		html_raw(b, "</a></th>");
		level_cell(b, &lv, c);
		double lo = c->p - 1.96 * c->sd, hi = c->p + 1.96 * c->sd;
		html_raw(b, "<td>");
		html_textf(b, "%.0f%% (%.0f\xE2\x80\x93%.0f%%)", c->p * 100,
			   (lo < 0 ? 0 : lo) * 100, (hi > 1 ? 1 : hi) * 100);
		html_raw(b, "</td><td>");
		html_textf(b, "%d of %d right", c->correct, c->responses);
		if (c->ntools)
			html_textf(b, ", %d tool%s", c->ntools, c->ntools > 1 ? "s" : "");
		html_raw(b, "</td><td>");
		if (c->last_at)
			page_time(req, c->last_at);
		else
			html_raw(b, "<span class=\"muted\">none</span>");
		html_raw(b, "</td><td>");
		char label[200], trend[64];
		mastery_trend_format(c, trend, sizeof trend);
		snprintf(label, sizeof label, "Weekly probability of mastery of %s, percent: %s",
			 frameworks_label(labels, cells[i].standard), c->ntrend ? trend : "none");
		sparkline(b, i, c->trend, c->ntrend, lv.proficient, label);
		html_raw(b, "</td><td>");
		html_raw(b, c->inferred ? "<strong>Inferred</strong> from related standards"
					: "Measured");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div><h2>Evidence trail</h2>");
	page_scroll_begin(req, "Evidence trail");
	html_raw(b, "<table><caption class=\"muted\">Latest responses, newest first"
		    "</caption><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Tool</th>"
		    "<th scope=\"col\">Item</th><th scope=\"col\">Standard</th><th "
		    "scope=\"col\">Answer</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < ne; i++) {
		html_raw(b, "<tr><td>");
		page_time(req, ev[i].at);
		html_raw(b, "</td><td>");
		html_text(b, ev[i].tool);
		html_raw(b, "</td><td class=\"code\">");
		html_text(b, ev[i].item ? ev[i].item : "");
		html_raw(b, "</td><td class=\"code\">");
		std_name(b, labels, ev[i].standard);
		html_raw(b, "</td><td>");
		html_raw(b, ev[i].correct ? "right" : "wrong");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

/* ---- standard view ---------------------------------------------------- */

#define MAX_GROUPS 64

struct group {
	const char *key;
	int64_t n[MASTERY_LEVEL_COUNT];
	int64_t inferred;
};

static struct group *group_of(struct group *g, size_t *n, const char *key)
{
	if (!key)
		key = "";
	for (size_t i = 0; i < *n; i++)
		if (strcmp(g[i].key, key) == 0)
			return &g[i];
	if (*n == MAX_GROUPS)
		return NULL;
	memset(&g[*n], 0, sizeof g[*n]);
	g[*n].key = key;
	return &g[(*n)++];
}

/* Visible school? (cached per request; district-wide roles see all) */
struct vis {
	const char *school[MAX_GROUPS];
	bool ok[MAX_GROUPS];
	size_t n;
};

static bool visible(struct http_request *req, struct vis *v, const char *school)
{
	const struct account *a = &req->session->account;
	if (access_all_students(a))
		return true;
	if (!school)
		return false;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->school[i], school) == 0)
			return v->ok[i];
	bool ok = access_school(req->db, a, school) == EB_OK;
	if (v->n < MAX_GROUPS) {
		v->school[v->n] = school;
		v->ok[v->n++] = ok;
	}
	return ok;
}

static void dist_table(struct buf *b, const char *what, struct group *g, size_t n,
		       const char *(*label)(struct http_request *, const char *),
		       struct http_request *req)
{
	page_scroll_begin(req, what);
	html_raw(b, "<table><thead><tr><th scope=\"col\">");
	html_text(b, what);
	html_raw(b, "</th>");
	for (int l = 0; l < MASTERY_LEVEL_COUNT; l++) {
		html_raw(b, "<th scope=\"col\">");
		html_text(b, mastery_level_name((enum mastery_level)l));
		html_raw(b, "</th>");
	}
	html_raw(b, "<th scope=\"col\">Inferred (not counted)</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><th scope=\"row\">");
		html_text(b, label(req, g[i].key));
		html_raw(b, "</th>");
		int64_t tot = 0;
		for (int l = 0; l < MASTERY_LEVEL_COUNT; l++)
			tot += g[i].n[l];
		for (int l = 0; l < MASTERY_LEVEL_COUNT; l++) {
			html_raw(b, "<td>");
			html_int(b, g[i].n[l]);
			if (tot)
				html_textf(b, " (%.0f%%)", 100.0 * (double)g[i].n[l] / (double)tot);
			html_raw(b, "</td>");
		}
		html_raw(b, "<td>");
		html_int(b, g[i].inferred);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static const char *school_label(struct http_request *req, const char *sid)
{
	struct roster_org_row *s;
	size_t n;
	if (sid && roster_schools(req->db, req->session->account.district_id, &req->arena, &s,
				  &n) == EB_OK)
		for (size_t i = 0; i < n; i++)
			if (strcmp(s[i].sourced_id, sid) == 0)
				return s[i].name;
	return sid && *sid ? "a school no longer in the roster" : "no school recorded";
}

static const char *grade_label(struct http_request *req, const char *g)
{
	char out[160];
	label_grades(g, out, sizeof out);
	const char *s = out[0] ? arena_strdup(&req->arena, out) : NULL;
	return s ? s : "not recorded";
}

void page_standard_mastery(struct http_request *req)
{
	const struct account *a = &req->session->account;
	/* a CCSS standard, or an item of the district's own (docs/case.md) */
	const struct standard *s = standards_find(req->params[0]);
	struct frameworks_labels *labels = labels_of(req);
	const char *code = s ? s->code : req->params[0];
	if (!s && (!frameworks_is_own_key(code) || !strcmp(frameworks_label(labels, code), code))) {
		not_found(req);
		return;
	}
	struct mastery_standard_row *rows;
	size_t n;
	if (mastery_standard_cells(req->db, a->district_id, code, &req->arena, &rows, &n)) {
		page_error(req, 500, "Error", "Could not read the estimates.");
		return;
	}
	struct district_levels lv;
	levels_of(req, &lv);
	static _Thread_local struct vis v;
	static _Thread_local struct group by_school[MAX_GROUPS], by_grade[MAX_GROUPS];
	memset(&v, 0, sizeof v);
	size_t nsch = 0, ngr = 0;
	/* the coherence map's and the district's frameworks' prerequisites */
	struct frameworks_links *links = NULL;
	if (frameworks_links_load(req->db, a->district_id, &req->arena, &links))
		links = NULL;
	const char *pre[MAX_COLS];
	size_t npre = frameworks_links_of(links, code, 0, pre, MAX_COLS);
	int64_t missing[MAX_COLS] = { 0 }, held[MAX_COLS] = { 0 }, unknown[MAX_COLS] = { 0 };
	int64_t strugglers = 0, shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!visible(req, &v, rows[i].school))
			continue;
		shown++;
		struct group *gs = group_of(by_school, &nsch, rows[i].school);
		struct group *gg = group_of(by_grade, &ngr, rows[i].grades);
		enum mastery_level l = mastery_level_of(&lv, rows[i].p);
		if (rows[i].inferred) {
			if (gs)
				gs->inferred++;
			if (gg)
				gg->inferred++;
			continue;
		}
		if (gs)
			gs->n[l]++;
		if (gg)
			gg->n[l]++;
		if (l > MASTERY_APPROACHING)
			continue;
		strugglers++;
		for (size_t j = 0; j < npre; j++) {
			double pp = mastery_p(req->db, a->district_id, rows[i].student, pre[j]);
			if (pp < 0)
				unknown[j]++;
			else if (pp < lv.proficient)
				missing[j]++;
			else
				held[j]++;
		}
	}
	struct buf *b = &req->out;
	enum export_format ef;
	if (want_export(req, &ef)) {
		struct export x;
		if (!export_respond_begin(req, &x, ef, NULL))
			return;
		static const char *const head[] = { "group",	   "name",	 "not_yet",
						    "approaching", "proficient", "mastered",
						    "inferred" };
		for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
			export_head(&x, head[i]);
		export_end_row(&x);
		for (int k = 0; k < 2; k++) {
			struct group *g = k ? by_grade : by_school;
			size_t gn = k ? ngr : nsch;
			for (size_t i = 0; i < gn; i++) {
				export_text(&x, k ? "grade" : "school");
				export_text(&x, k ? grade_label(req, g[i].key)
						  : school_label(req, g[i].key));
				for (int l = 0; l < MASTERY_LEVEL_COUNT; l++)
					export_num(&x, (double)g[i].n[l], 0);
				export_num(&x, (double)g[i].inferred, 0);
				export_end_row(&x);
			}
		}
		export_respond_end(req, &x, "standard-mastery");
		return;
	}
	char *t = arena_printf(&req->arena, "Mastery of %s", frameworks_label(labels, code));
	page_begin(req, t ? t : "Mastery");
	html_raw(b, "<p class=\"crumbs\">");
	if (s) {
		html_raw(b, "<a href=\"/standards/");
		html_url(b, s->code);
		html_raw(b, "\">The standard</a> &middot; ");
	}
	html_raw(b, "<a href=\"?format=csv\">Download CSV</a>"
		    " &middot; <a href=\"?format=xlsx\">Excel</a></p>");
	if (s && strcmp(s->code, frameworks_label(labels, s->code)) != 0) {
		html_raw(b, "<p>Common Core code: <span class=\"code\">");
		html_text(b, s->code);
		html_raw(b, "</span></p>");
	}
	if (s && s->cluster_heading) {
		html_raw(b, "<p>");
		html_text(b, s->cluster_heading);
		html_raw(b, "</p>");
	}
	html_raw(b, "<p>");
	html_int(b, shown);
	html_raw(b, " students with an estimate");
	if (!access_all_students(a))
		html_raw(b, " in your school");
	html_raw(b,
		 ". Measured estimates are counted by level; inferred ones are listed apart.</p>");
	legend(b, &lv);
	html_raw(b, "<h2>By school</h2>");
	dist_table(b, "School", by_school, nsch, school_label, req);
	html_raw(b, "<h2>By grade</h2>");
	dist_table(b, "Grade", by_grade, ngr, grade_label, req);
	html_raw(b, "<h2>What its strugglers are missing</h2><p>");
	html_int(b, strugglers);
	html_raw(b, " students are at Not yet or Approaching on this standard (measured).</p>");
	if (!npre) {
		html_raw(
			b,
			"<p class=\"muted\">Neither the coherence map nor the district's frameworks"
			" list a prerequisite for it.</p>");
	} else {
		page_scroll_begin(req, "Prerequisites");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Prerequisite</th>"
			    "<th scope=\"col\">Below Proficient</th><th scope=\"col\">Proficient "
			    "or better</th>"
			    "<th scope=\"col\">No estimate</th></tr></thead><tbody>");
		for (size_t j = 0; j < npre; j++) {
			html_raw(b, "<tr><th scope=\"row\"><a class=\"code\" href=\"/standards/");
			html_url(b, pre[j]);
			html_raw(b, "/mastery\">");
			std_name(b, labels, pre[j]);
			html_raw(b, "</a></th><td>");
			html_int(b, missing[j]);
			html_raw(b, "</td><td>");
			html_int(b, held[j]);
			html_raw(b, "</td><td>");
			html_int(b, unknown[j]);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	page_end(req);
}
