/* The next best intervention: /students/:id/recommendations (one student,
 * each standard not yet secure; audited as a view of the record) and
 * /classes/:id/recommendations (the class's groups per standard of the
 * unit; audited as a bulk view), and the "done" marks (POST, CSRF checked by
 * the router, audited by recommend_mark_done). Words a teacher reads in ten
 * seconds; the numbers behind each option under "Why this?". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "domain/access.h"
#include "domain/district.h"
#include "domain/mastery.h"
#include "domain/recommend.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/strategies.h"
#include "domain/tools.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

#define STUDENT_STANDARDS 6 /* standards shown for one student, weakest first */
#define CLASS_PER_STANDARD 3
#define CLASS_STANDARDS 5 /* standards shown in full; the others as links */
#define UNIT_MAX 48

static const char *name_of(const struct roster_person_row *p)
{
	return p->preferred_first_name ? p->preferred_first_name : p->given_name;
}

static void levels_of(struct http_request *req, struct district_levels *lv)
{
	if (district_levels(req->db, req->session->account.district_id, lv)) {
		lv->approaching = 0.40;
		lv->proficient = 0.70;
		lv->mastered = 0.90;
	}
}

/* ?standard=: absent (NULL, true), a standard of the catalog, or a 400. */
static bool standard_param(struct http_request *req, const struct standard **out)
{
	const char *q = http_query(req, "standard");
	*out = NULL;
	if (!q || !*q)
		return true;
	const struct standard *s = standards_find(q);
	if (!s || s->kind == STANDARD_CLUSTER || s->kind == STANDARD_PRACTICE) {
		char msg[200];
		snprintf(msg, sizeof msg,
			 "standard: \"%.60s\" is not a standard of the CCSS-M catalog (for "
			 "example 4.NF.A.1).",
			 q);
		page_error(req, 400, "Unknown standard", msg);
		return false;
	}
	*out = s;
	return true;
}

static void explain_page(struct buf *b)
{
	html_raw(b, "<p class=\"lead\">Best first for each standard not yet secure. Tools are "
		    "ranked by how much students in <em>this district</em> gained with them "
		    "against similar students who did not use them; where there is no local "
		    "evidence, the list says so and offers teacher-led strategies instead. "
		    "Open \"Why this?\" for the numbers. An option marked <span "
		    "class=\"tag\">Worth trying</span> is little used here but could help more; "
		    "there is at most one in a list, never the first.</p>");
}

/* The evidence of an option in one line. */
static void evidence_line(struct buf *b, const struct recommendation *r)
{
	html_raw(b, "<p class=\"muted\">");
	if (r->source == REC_PLAN)
		html_text(b, "The student's current intervention plan.");
	else if (r->has_effect)
		html_textf(b,
			   "Expected gain here: %+.2f SD (likely %+.2f to %+.2f), from %ld "
			   "students; ESSA tier %d.",
			   r->effect, r->lo, r->hi, r->n, r->essa_tier);
	else
		html_text(b, "No local evidence yet: no gain is claimed.");
	html_raw(b, "</p>");
}

/* The "done" form of an option; students: the group it marks (class page). */
static void done_form(struct http_request *req, const char *action, const struct recommendation *r,
		      const char *const *students, size_t ns)
{
	struct buf *b = &req->out;
	html_raw(b, "<form method=\"post\" class=\"noprint\" action=\"");
	html_attr(b, action);
	html_raw(b, "\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"standard\" value=\"");
	html_attr(b, r->standard);
	html_raw(b, "\"><input type=\"hidden\" name=\"source\" value=\"");
	html_raw(b, r->source == REC_TOOL	? "tool"
		    : r->source == REC_STRATEGY ? "strategy"
						: "plan");
	html_raw(b, "\"><input type=\"hidden\" name=\"option\" value=\"");
	if (r->source == REC_STRATEGY)
		html_attr(b, r->strategy_id);
	else
		html_int(b, r->source == REC_TOOL ? r->tool_id : r->plan_id);
	html_raw(b, "\">");
	for (size_t i = 0; i < ns; i++) {
		html_raw(b, "<input type=\"hidden\" name=\"student\" value=\"");
		html_attr(b, students[i]);
		html_raw(b, "\">");
	}
	html_raw(b, "<button type=\"submit\" class=\"secondary\">Mark done");
	html_raw(b, "<span class=\"sr\">: ");
	html_text(b, r->title);
	html_raw(b, "</span></button></form>");
}

static void rec_list(struct http_request *req, const struct recommendation *r, size_t n,
		     const char *action, const char *const *students, size_t ns)
{
	struct buf *b = &req->out;
	if (!n) {
		html_raw(b, "<p class=\"muted\">Nothing to suggest for this standard yet.</p>");
		return;
	}
	html_raw(b, "<ol class=\"recs\">");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li><p><strong>");
		html_text(b, r[i].title);
		html_raw(b, "</strong>");
		if (r[i].exploratory)
			html_raw(b, " <span class=\"tag\">Worth trying</span>");
		if (strcmp(r[i].standard, r[0].standard) != 0 && r[i].source != REC_PLAN) {
			html_raw(b, " <span class=\"tag\">Builds the prerequisite ");
			html_text(b, page_std_label(req, r[i].standard));
			html_raw(b, "</span>");
		}
		html_raw(b, "</p><p>");
		html_text(b, r[i].what);
		html_raw(b, "</p>");
		evidence_line(b, &r[i]);
		html_raw(b, "<details><summary>Why this?</summary><p>");
		html_text(b, r[i].why);
		html_raw(b, "</p></details>");
		if (action)
			done_form(req, action, &r[i], students, ns);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ol>");
}

static void refreshed_note(struct http_request *req)
{
	int64_t at = recommend_refreshed_at(req->db, req->session->account.district_id);
	struct buf *b = &req->out;
	html_raw(b, "<p class=\"muted\">");
	if (at) {
		html_text(b, "The district's evidence was last brought up to date ");
		page_time(req, at);
		html_text(b, " (after each nightly refit).");
	} else {
		html_text(b, "The district's evidence has not been computed yet (it is, after "
			     "the nightly refit or `edbridge fit`): every option says it has no "
			     "local evidence until then.");
	}
	html_raw(b, "</p>");
}

/* ---- one student ------------------------------------------------------ */

static int by_p(const void *x, const void *y)
{
	const struct mastery_row *a = x, *b = y;
	if (a->c.p != b->c.p)
		return a->c.p < b->c.p ? -1 : 1;
	return strcmp(a->standard, b->standard);
}

static const char *source_words(struct http_request *req, const struct rec_done_row *d)
{
	if (d->source == REC_STRATEGY) {
		const struct strategy *s = strategies_find(d->strategy_id);
		return s ? s->name : "a strategy";
	}
	if (d->source == REC_PLAN)
		return "the intervention plan";
	struct tool t;
	if (tools_get(req->db, req->session->account.district_id, d->tool_id, &t) == EB_OK)
		return arena_strdup(&req->arena, t.name);
	return "a tool";
}

void page_student_recommendations(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	struct roster_person_row p;
	const struct standard *only;
	if (!page_student_open(req, sid, "next steps (recommendations)", &p))
		return;
	if (!standard_param(req, &only))
		return;
	struct district_levels lv;
	levels_of(req, &lv);
	struct rec_students *s;
	const char *sids[1] = { p.sourced_id };
	if (recommend_students_load(req->db, a->district_id, sids, 1, &req->arena, &s)) {
		page_error(req, 503, "Try again", "The estimates could not be read just now.");
		return;
	}
	struct mastery_row *cells;
	size_t nc;
	if (mastery_student_cells(req->db, a->district_id, p.sourced_id, &req->arena, &cells,
				  &nc)) {
		page_error(req, 503, "Try again", "The estimates could not be read just now.");
		return;
	}
	/* the standards: the one asked for, else the measured ones not yet secure */
	const char *codes[STUDENT_STANDARDS];
	double ps[STUDENT_STANDARDS];
	size_t k = 0;
	if (only) {
		codes[k] = only->code;
		ps[k++] = recommend_student_p(s, 0, only->code);
	} else {
		qsort(cells, nc, sizeof *cells, by_p);
		for (size_t i = 0; i < nc && k < STUDENT_STANDARDS; i++)
			if (!cells[i].c.inferred && cells[i].c.p < lv.proficient &&
			    standards_find(cells[i].standard)) {
				codes[k] = cells[i].standard;
				ps[k++] = cells[i].c.p;
			}
	}
	struct buf *b = &req->out;
	char *title = arena_printf(&req->arena, "Next steps: %s %s", name_of(&p), p.family_name);
	page_begin(req, title ? title : "Next steps");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/students/");
	html_url(b, p.sourced_id);
	html_raw(b, "\">Student record</a> &middot; <a href=\"/students/");
	html_url(b, p.sourced_id);
	html_raw(b, "/mastery\">Mastery of every standard</a></p>");
	if (http_query(req, "done"))
		page_notice(req, "ok",
			    "Marked done. It counts towards what the district learns "
			    "about what works.");
	explain_page(b);
	if (!k)
		html_raw(b, "<p>No standard is measured below Proficient for this student: "
			    "nothing needs a next step now.</p>");
	char action[200];
	snprintf(action, sizeof action, "/students/%s/recommendations/done", p.sourced_id);
	for (size_t i = 0; i < k; i++) {
		const struct standard *st = standards_find(codes[i]);
		struct recommendation *r;
		size_t nr;
		if (recommend_for_students(req->db, a->district_id, s, codes[i], 4, &req->arena, &r,
					   &nr)) {
			page_error(req, 503, "Try again",
				   "The recommendations could not be read just now.");
			return;
		}
		html_raw(b, "<section><h2><span class=\"code\">");
		html_text(b, page_std_label(req, st->code));
		html_raw(b, "</span></h2><p>");
		html_text(b, st->family_description ? st->family_description : "");
		html_raw(b, " <span class=\"muted\">Now: ");
		html_text(b, ps[i] < 0 ? "no estimate yet"
				       : mastery_level_name(mastery_level_of(&lv, ps[i])));
		html_raw(b, "</span></p>");
		rec_list(req, r, nr, action, NULL, 0);
		html_raw(b, "</section>");
	}
	struct rec_done_row *d;
	size_t nd;
	if (recommend_done_list(req->db, a->district_id, p.sourced_id, &req->arena, &d, &nd) ==
		    EB_OK &&
	    nd) {
		html_raw(b, "<h2>Done so far</h2><ul>");
		for (size_t i = 0; i < nd; i++) {
			html_raw(b, "<li>");
			html_text(b, source_words(req, &d[i]));
			html_raw(b, " on <span class=\"code\">");
			html_text(b, page_std_label(req, d[i].standard));
			html_raw(b, "</span>, ");
			page_time(req, d[i].done_at);
			if (d[i].by && *d[i].by) {
				html_raw(b, " by ");
				html_text(b, d[i].by);
			}
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	refreshed_note(req);
	page_end(req);
}

/* ---- a class ------------------------------------------------------------ */

struct std_group {
	const struct standard *std;
	size_t *idx, n;
};

static int by_count(const void *x, const void *y)
{
	const struct std_group *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->std->code, b->std->code);
}

/* The class grade's major-cluster standards (the class view's default unit). */
static size_t unit_of(int grade, const struct standard **out, size_t cap)
{
	size_t n = 0;
	const char *doms[32];
	size_t nd = standards_domains_of_grade(grade, doms, 32);
	for (size_t i = 0; i < nd && i < 32; i++) {
		const struct standard *cl[32];
		size_t nc = standards_clusters_of(grade, doms[i], cl, 32);
		for (size_t j = 0; j < nc && j < 32; j++) {
			if (cl[j]->emphasis != EMPHASIS_MAJOR && grade != STANDARDS_GRADE_HS)
				continue;
			const struct standard *ss[32];
			size_t m = standards_in_cluster(cl[j], ss, 32);
			for (size_t x = 0; x < m && x < 32 && n < cap; x++)
				out[n++] = ss[x];
		}
	}
	return n;
}

static int class_grade(const char *grades)
{
	if (!grades || !*grades)
		return -1;
	if (grades[0] == 'K')
		return 0;
	int64_t g;
	char two[3] = { grades[0], grades[1] && grades[1] != ',' ? grades[1] : '\0', '\0' };
	if (cstr_to_i64(two, 0, 12, &g))
		return -1;
	return g > 8 ? STANDARDS_GRADE_HS : (int)g;
}

void page_class_recommendations(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *cid = req->params[0];
	struct roster_org_row school;
	struct roster_person_row *st;
	size_t ns;
	const struct standard *only;
	if (access_class(req->db, a, cid) != EB_OK ||
	    roster_class_school(req->db, a->district_id, cid, &req->arena, &school) ||
	    roster_class_students(req->db, a->district_id, cid, &req->arena, &st, &ns)) {
		page_refused(req, "class", cid);
		return;
	}
	if (!standard_param(req, &only))
		return;
	if (!page_audit_bulk(req, "view", "class", cid, (int64_t)ns, "class recommendations"))
		return;
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
	const struct standard *unit[UNIT_MAX];
	size_t nu = 0;
	if (only)
		unit[nu++] = only;
	else
		nu = unit_of(class_grade(grades) < 0 ? 5 : class_grade(grades), unit, UNIT_MAX);
	struct rec_students *s = NULL;
	const char **sids = arena_alloc(&req->arena, (ns ? ns : 1) * sizeof *sids);
	if (!sids) {
		page_error(req, 500, "Error", "Out of memory.");
		return;
	}
	for (size_t i = 0; i < ns; i++)
		sids[i] = st[i].sourced_id;
	if (ns && recommend_students_load(req->db, a->district_id, sids, ns, &req->arena, &s)) {
		page_error(req, 503, "Try again", "The estimates could not be read just now.");
		return;
	}
	struct std_group *g = arena_zalloc(&req->arena, (nu ? nu : 1) * sizeof *g);
	if (!g) {
		page_error(req, 500, "Error", "Out of memory.");
		return;
	}
	size_t ng = 0;
	for (size_t j = 0; j < nu && s; j++) {
		g[ng].std = unit[j];
		g[ng].idx = arena_alloc(&req->arena, ns * sizeof *g[ng].idx);
		if (!g[ng].idx) {
			page_error(req, 500, "Error", "Out of memory.");
			return;
		}
		for (size_t i = 0; i < ns; i++) {
			double p = recommend_student_p(s, i, unit[j]->code);
			if (p >= 0 && p < lv.proficient)
				g[ng].idx[g[ng].n++] = i;
		}
		ng += g[ng].n > 0;
	}
	qsort(g, ng, sizeof *g, by_count);
	struct buf *b = &req->out;
	char *t = arena_printf(&req->arena, "Next steps: %s", title);
	page_begin(req, t ? t : "Next steps");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "\">");
	html_text(b, title);
	html_raw(b, "</a> &middot; <a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "/mastery\">Mastery</a> &middot; ");
	html_text(b, school.name);
	html_raw(b, "</p>");
	if (http_query(req, "done"))
		page_notice(req, "ok", "Marked done for the group.");
	explain_page(b);
	if (!ng)
		html_raw(b, "<p>No student of this class is measured below Proficient on these "
			    "standards.</p>");
	char action[200];
	snprintf(action, sizeof action, "/classes/%s/recommendations/done", cid);
	html_raw(b, "<ul class=\"cards wide\">");
	for (size_t j = 0; j < ng && j < CLASS_STANDARDS; j++) {
		struct rec_students *sub;
		struct recommendation *r;
		size_t nr;
		const char **gs = arena_alloc(&req->arena, g[j].n * sizeof *gs);
		if (!gs || recommend_students_subset(s, g[j].idx, g[j].n, &req->arena, &sub) ||
		    recommend_for_students(req->db, a->district_id, sub, g[j].std->code,
					   CLASS_PER_STANDARD, &req->arena, &r, &nr)) {
			html_raw(b, "</ul>");
			page_notice(req, "error",
				    "The recommendations could not be read just now.");
			page_end(req);
			return;
		}
		html_raw(b, "<li><h3><span class=\"code\">");
		html_text(b, page_std_label(req, g[j].std->code));
		html_raw(b, "</span></h3><p>");
		html_text(b, g[j].std->family_description ? g[j].std->family_description : "");
		html_raw(b, "</p><p>");
		html_int(b, (int64_t)g[j].n);
		html_textf(b, " of %zu not yet secure: ", ns);
		for (size_t i = 0; i < g[j].n; i++) {
			const struct roster_person_row *p = &st[g[j].idx[i]];
			gs[i] = p->sourced_id;
			if (i)
				html_raw(b, ", ");
			html_raw(b, "<a href=\"/students/");
			html_url(b, p->sourced_id);
			html_raw(b, "/recommendations\">");
			html_text(b, name_of(p));
			html_raw(b, " ");
			html_text(b, p->family_name);
			html_raw(b, "</a>");
		}
		html_raw(b, "</p>");
		rec_list(req, r, nr, action, gs, g[j].n);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
	if (ng > CLASS_STANDARDS) {
		html_raw(b, "<p>Other standards with students not yet secure: ");
		for (size_t j = CLASS_STANDARDS; j < ng; j++) {
			html_raw(b, j > CLASS_STANDARDS ? ", <a href=\"?standard="
							: "<a href=\"?standard=");
			html_url(b, g[j].std->code);
			html_raw(b, "\" class=\"code\">");
			html_text(b, page_std_label(req, g[j].std->code));
			html_raw(b, "</a> (");
			html_int(b, (int64_t)g[j].n);
			html_raw(b, ")");
		}
		html_raw(b, "</p>");
	}
	refreshed_note(req);
	page_end(req);
}

/* ---- done ------------------------------------------------------------- */

/* Reads the option of the form; false after answering 400. */
static bool form_option(struct http_request *req, enum rec_source *src, int64_t *tool,
			const char **strategy, int64_t *plan, const char **standard)
{
	const char *so = http_form(req, "source"), *opt = http_form(req, "option");
	*standard = http_form(req, "standard");
	*tool = *plan = 0;
	*strategy = NULL;
	int64_t id = 0;
	if (so && strcmp(so, "strategy") == 0) {
		*src = REC_STRATEGY;
		*strategy = opt;
		return true;
	}
	bool num = opt && cstr_to_i64(opt, 1, INT64_MAX, &id) == EB_OK;
	if (so && strcmp(so, "tool") == 0 && num) {
		*src = REC_TOOL;
		*tool = id;
		return true;
	}
	if (so && strcmp(so, "plan") == 0 && num) {
		*src = REC_PLAN;
		*plan = id;
		return true;
	}
	page_error(req, 400, "Not saved",
		   "source: must be tool, strategy or plan, with its option (a tool or plan "
		   "number, or a strategy of the library). Nothing was saved.");
	return false;
}

static void done_failed(struct http_request *req, enum eb_err e, const char *why)
{
	char msg[400];
	snprintf(msg, sizeof msg, "%s. Nothing was saved.", why[0] ? why : eb_strerror(e));
	page_error(req, e == EB_EINVAL ? 400 : 503, "Not saved", msg);
}

void page_student_recommendation_done(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	enum rec_source src;
	int64_t tool, plan;
	const char *strategy, *standard;
	if (access_student(req->db, a, sid) != EB_OK) {
		page_refused(req, "student", sid);
		return;
	}
	if (!form_option(req, &src, &tool, &strategy, &plan, &standard))
		return;
	struct audit_actor who = auth_actor(req);
	char why[256] = "";
	const char *one[1] = { sid };
	enum eb_err e = recommend_mark_done(req->db, a->district_id, &who, one, 1, standard, src,
					    tool, strategy, plan, why, sizeof why);
	if (e) {
		done_failed(req, e, why);
		return;
	}
	char *loc = arena_printf(&req->arena, "/students/%s/recommendations?done=1", sid);
	http_redirect(req, loc ? loc : "/home");
}

void page_class_recommendation_done(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *cid = req->params[0];
	struct roster_person_row *st;
	size_t ns;
	enum rec_source src;
	int64_t tool, plan;
	const char *strategy, *standard;
	if (access_class(req->db, a, cid) != EB_OK ||
	    roster_class_students(req->db, a->district_id, cid, &req->arena, &st, &ns)) {
		page_refused(req, "class", cid);
		return;
	}
	if (!form_option(req, &src, &tool, &strategy, &plan, &standard))
		return;
	const char *students[64];
	int n = http_form_all(req, "student", students, 64);
	if (n <= 0) {
		page_error(req, 400, "Not saved",
			   "student: the group has no student. Nothing "
			   "was saved.");
		return;
	}
	/* every student of the group must be of this class: checked before any mark */
	for (int i = 0; i < n; i++) {
		bool in = false;
		for (size_t k = 0; k < ns && !in; k++)
			in = strcmp(st[k].sourced_id, students[i]) == 0;
		if (!in) {
			page_error(req, 400, "Not saved",
				   "student: the group holds a student who is not in this class. "
				   "Nothing was saved.");
			return;
		}
	}
	struct audit_actor who = auth_actor(req);
	char why[256] = "";
	enum eb_err e = recommend_mark_done(req->db, a->district_id, &who, students, (size_t)n,
					    standard, src, tool, strategy, plan, why, sizeof why);
	if (e) {
		done_failed(req, e, why);
		return;
	}
	char *loc = arena_printf(&req->arena, "/classes/%s/recommendations?done=1", cid);
	http_redirect(req, loc ? loc : "/home");
}
