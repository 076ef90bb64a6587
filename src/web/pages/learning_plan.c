/* A student's personalized learning plan (/students/:id/learning-plan):
 * goals, pathways and the student's own reflection; its forms; and a
 * class's plans at a glance (/classes/:id/learning-plans).
 *
 * Staff read the standards' codes, their level and the suggested pathways;
 * a student and their family read the same plan in plain words (the
 * catalog's family description, no codes, levels or numbers). A student
 * may set goals for themself and write the reflection; a guardian reads.
 * Each view is audited as a view of the student's record (page_student_open). */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "domain/access.h"
#include "domain/learning_plans.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

#define SUGGEST_MAX 3

static bool is_self(const struct account *a, const char *sid)
{
	if (a->person_sid[0] && strcmp(a->person_sid, sid) == 0)
		return true;
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == ROLE_STUDENT && strcmp(a->roles[i].scope_id, sid) == 0)
			return true;
	return false;
}

static const char *first_name(const struct roster_person_row *p)
{
	return p->preferred_first_name && *p->preferred_first_name ? p->preferred_first_name
								   : p->given_name;
}

/* The standard in plain words: the catalog's family description, else its
 * cluster's heading. */
static const char *plain(const char *code)
{
	const struct standard *s = standards_find(code);
	if (!s)
		return "a skill no longer in the catalog";
	return s->family_description ? s->family_description
	       : s->cluster_heading  ? s->cluster_heading
				     : "a mathematics skill";
}

static void action(struct buf *b, const char *sid, const char *what)
{
	html_raw(b, "/students/");
	html_url(b, sid);
	html_raw(b, "/learning-plan");
	html_raw(b, what);
}

static void goal_form(struct http_request *req, const char *sid, bool family,
		      const struct lplan *lp)
{
	struct buf *b = &req->out;
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"");
	action(b, sid, "/goals");
	html_raw(b, "\">");
	page_csrf_field(req);
	if (!family) {
		html_raw(b, "<div><label for=\"standard\">Add a goal: a standard <span "
			    "class=\"muted\">(a CCSS-M code such as 4.NF.A.1)</span></label><input "
			    "id=\"standard\" name=\"standard\" maxlength=\"64\" required></div>");
	} else {
		/* the student's standards not yet known well, in words */
		struct mastery_row *cells;
		size_t n = 0;
		struct district_levels lv;
		if (district_levels(req->db, req->session->account.district_id, &lv) ||
		    mastery_student_cells(req->db, req->session->account.district_id, sid,
					  &req->arena, &cells, &n))
			n = 0;
		html_raw(b, "<div><label for=\"standard\">Choose something to work on</label>"
			    "<select id=\"standard\" name=\"standard\">");
		size_t shown = 0;
		for (size_t i = 0; i < n && shown < 40; i++) {
			const struct standard *s = standards_find(cells[i].standard);
			if (!s || !s->family_description ||
			    mastery_level_of(&lv, cells[i].c.p) == MASTERY_MASTERED)
				continue;
			bool have = false;
			for (size_t k = 0; k < lp->ngoals; k++)
				have |= strcmp(lp->goals[k].standard, s->code) == 0;
			if (have)
				continue;
			html_raw(b, "<option value=\"");
			html_attr(b, s->code);
			html_raw(b, "\">");
			html_text(b, s->family_description);
			html_raw(b, "</option>");
			shown++;
		}
		html_raw(b, "</select></div>");
	}
	html_raw(b, "<div><label for=\"goal-note\">Why this goal <span class=\"muted\">(optional)"
		    "</span></label><input id=\"goal-note\" name=\"note\" maxlength=\"300\"></div>"
		    "<div><button type=\"submit\">Add the goal</button></div></form>");
}

static void staff_goal(struct http_request *req, const char *sid, const struct lplan_goal *g)
{
	struct buf *b = &req->out;
	html_raw(b, "<li><p><strong>");
	html_text(b, page_std_label(req, g->standard));
	html_raw(b, "</strong>: ");
	html_text(b, plain(g->standard));
	html_raw(b, "</p><p>");
	if (g->reached)
		html_text(b, "Reached: the estimate is at Mastered.");
	else if (g->measured)
		html_textf(b, "Now: %s.", mastery_level_name(g->level));
	else
		html_text(b, "Not measured yet.");
	html_textf(b, " Set by %s.", g->by_student ? "the student" : "a teacher");
	if (g->note[0]) {
		html_raw(b, " ");
		html_text(b, g->note);
	}
	html_raw(b, "</p>");
	if (g->npathways) {
		html_raw(b, "<p>Pathways:</p><ul>");
		for (size_t k = 0; k < g->npathways; k++) {
			html_raw(b, "<li>");
			html_text(b, g->pathways[k].title);
			if (g->pathways[k].what[0]) {
				html_raw(b, ": ");
				html_text(b, g->pathways[k].what);
			}
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	if (!g->reached) {
		struct lplan_pathway *sg;
		size_t ns = 0;
		if (lplan_suggest(req->db, req->session->account.district_id, sid, g->standard,
				  SUGGEST_MAX, &req->arena, &sg, &ns))
			ns = 0;
		for (size_t k = 0; k < ns; k++) {
			html_raw(b, "<form method=\"post\" action=\"");
			action(b, sid, "/pathways");
			html_raw(b, "\">");
			page_csrf_field(req);
			html_raw(b, "<input type=\"hidden\" name=\"goal_id\" value=\"");
			html_int(b, g->id);
			html_raw(b, "\"><input type=\"hidden\" name=\"tool_id\" value=\"");
			html_int(b, sg[k].tool_id);
			html_raw(b, "\"><input type=\"hidden\" name=\"title\" value=\"");
			html_attr(b, sg[k].title);
			html_raw(b, "\"><input type=\"hidden\" name=\"what\" value=\"");
			html_attr(b, sg[k].what);
			html_raw(b, "\"><button type=\"submit\">Add ");
			html_text(b, sg[k].title);
			html_raw(b, " as a pathway</button></form>");
		}
	}
	html_raw(b, "<form method=\"post\" action=\"");
	char gid[32];
	snprintf(gid, sizeof gid, "/goals/%lld/remove", (long long)g->id);
	action(b, sid, gid);
	html_raw(b, "\">");
	page_csrf_field(req);
	html_raw(b, "<button type=\"submit\">Take this goal off the plan</button></form></li>");
}

static void family_goal(struct buf *b, const struct lplan_goal *g, bool self)
{
	html_raw(b, "<li><p class=\"fam-what\">");
	html_text(b, plain(g->standard));
	html_raw(b, "</p><p>");
	html_text(b, g->reached ? (self ? "Reached: you know it well." : "Reached: knows it well.")
				: "Working on it.");
	html_raw(b, "</p>");
	if (g->npathways) {
		html_raw(b, "<p>");
		html_text(b, self ? "How you will get there:" : "How:");
		html_raw(b, "</p><ul>");
		for (size_t k = 0; k < g->npathways; k++) {
			html_raw(b, "<li>");
			html_text(b, g->pathways[k].title);
			if (g->pathways[k].what[0]) {
				html_raw(b, ": ");
				html_text(b, g->pathways[k].what);
			}
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "</li>");
}

void page_learning_plan(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	struct roster_person_row p;
	if (!page_student_open(req, sid, "learning plan", &p))
		return;
	struct lplan lp;
	if (lplan_get(req->db, a->district_id, sid, &req->arena, &lp)) {
		page_error(req, 503, "Try again", "The learning plan could not be read just now.");
		return;
	}
	bool family = page_family_viewer(a), self = is_self(a, sid);
	struct buf *b = &req->out;
	char *title = arena_printf(&req->arena, "%s: %s",
				   self ? "Your learning plan" : "Learning plan", first_name(&p));
	page_begin(req, self ? "Your learning plan" : title ? title : "Learning plan");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/students/");
	html_url(b, sid);
	html_raw(b, "\">");
	html_text(b, first_name(&p));
	html_raw(b, " ");
	html_text(b, p.family_name);
	html_raw(b, "</a></p><h2>");
	html_text(b, self ? "Your goals" : "Goals");
	html_raw(b, "</h2>");
	if (!lp.ngoals)
		html_raw(b, "<p class=\"muted\">No goals yet.</p>");
	html_raw(b, family ? "<ul class=\"fam-list\">" : "<ul class=\"cards wide\">");
	for (size_t i = 0; i < lp.ngoals; i++) {
		if (family)
			family_goal(b, &lp.goals[i], self);
		else
			staff_goal(req, sid, &lp.goals[i]);
	}
	html_raw(b, "</ul>");
	if (!family || self)
		goal_form(req, sid, family, &lp);
	html_raw(b, "<h2>");
	html_text(b, self ? "Your reflection" : "The student's reflection");
	html_raw(b, "</h2>");
	if (lp.reflection[0]) {
		html_raw(b, "<blockquote>");
		html_text(b, lp.reflection);
		html_raw(b, "</blockquote><p class=\"muted\">Written ");
		page_time(req, lp.reflection_at);
		html_raw(b, "</p>");
	} else {
		html_raw(b, "<p class=\"muted\">Not written yet.</p>");
	}
	if (self) {
		html_raw(b, "<form class=\"stack\" method=\"post\" action=\"");
		action(b, sid, "/reflection");
		html_raw(b, "\">");
		page_csrf_field(req);
		html_raw(b, "<div><label for=\"reflection\">What is going well, and what is hard?"
			    "</label><textarea id=\"reflection\" name=\"reflection\" rows=\"4\" "
			    "maxlength=\"2000\">");
		html_text(b, lp.reflection);
		html_raw(b, "</textarea></div><div><button type=\"submit\">Save my reflection"
			    "</button></div></form>");
	}
	if (!family) {
		html_raw(b, "<p><a href=\"/plans?");
		html_raw(b, "status=all&amp;student=");
		html_url(b, sid);
		html_raw(b, "\">Intervention plans</a> · <a href=\"/plans/new?student=");
		html_url(b, sid);
		html_raw(b, "\">Start an intervention plan</a></p>");
	}
	page_end(req);
}

/* The student of the address, when the viewer may change the plan: staff
 * who see the student, or (self_ok) the student themself. Else an error
 * page is written. */
static bool may_change(struct http_request *req, bool self_ok, bool staff_ok, bool *self)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	*self = is_self(a, sid);
	if (access_student(req->db, a, sid) != EB_OK) {
		page_refused(req, "student", sid);
		return false;
	}
	bool family = page_family_viewer(a);
	if ((*self && self_ok) || (!family && staff_ok))
		return true;
	page_error(req, 403, "Not allowed", "Your role may read this plan but not change it.");
	return false;
}

static void back(struct http_request *req, enum eb_err e, const char *why)
{
	if (e == EB_EINVAL) {
		page_error(req, 400, "Not saved", why);
		return;
	}
	if (e == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "There is no such goal on this plan.");
		return;
	}
	if (e) {
		page_error(req, 503, "Not saved", "The database is busy; try again.");
		return;
	}
	const char *loc = arena_printf(&req->arena, "/students/%s/learning-plan", req->params[0]);
	http_redirect(req, loc ? loc : "/home");
}

void page_learning_goal_add(struct http_request *req)
{
	bool self;
	if (!may_change(req, true, true, &self))
		return;
	struct audit_actor who = auth_actor(req);
	char why[LPLAN_WHY_CAP] = "";
	int64_t id;
	enum eb_err e = lplan_goal_add(req->db, req->session->account.district_id, &who,
				       req->params[0], http_form(req, "standard"),
				       http_form(req, "note"), self, &id, why, sizeof why);
	back(req, e, why);
}

void page_learning_goal_remove(struct http_request *req)
{
	bool self;
	if (!may_change(req, false, true, &self))
		return;
	int64_t gid;
	if (req->nparams < 2 || cstr_to_i64(req->params[1], 1, INT64_MAX, &gid)) {
		back(req, EB_ENOTFOUND, "");
		return;
	}
	struct audit_actor who = auth_actor(req);
	back(req,
	     lplan_goal_remove(req->db, req->session->account.district_id, &who, req->params[0],
			       gid),
	     "");
}

void page_learning_pathway_add(struct http_request *req)
{
	bool self;
	if (!may_change(req, false, true, &self))
		return;
	int64_t gid = 0, tid = 0;
	const char *g = http_form(req, "goal_id"), *t = http_form(req, "tool_id");
	char why[LPLAN_WHY_CAP] = "";
	if (!g || cstr_to_i64(g, 1, INT64_MAX, &gid)) {
		back(req, EB_EINVAL, "goal_id: choose a goal of this plan");
		return;
	}
	if (t && *t && cstr_to_i64(t, 0, INT64_MAX, &tid)) {
		back(req, EB_EINVAL, "tool_id: is not a tool of the district's inventory");
		return;
	}
	struct audit_actor who = auth_actor(req);
	enum eb_err e = lplan_pathway_add(req->db, req->session->account.district_id, &who,
					  req->params[0], gid, tid, http_form(req, "title"),
					  http_form(req, "what"), why, sizeof why);
	back(req, e, why);
}

void page_learning_reflection(struct http_request *req)
{
	bool self;
	if (!may_change(req, true, false, &self))
		return;
	struct audit_actor who = auth_actor(req);
	char why[LPLAN_WHY_CAP] = "";
	enum eb_err e = lplan_reflection_set(req->db, req->session->account.district_id, &who,
					     req->params[0], http_form(req, "reflection"), why,
					     sizeof why);
	const char *to = http_form(req, "back");
	if (!e && to && strcmp(to, "home") == 0) {
		http_redirect(req, "/home#reflection"); /* from the student's dashboard */
		return;
	}
	back(req, e, why);
}

void page_class_learning_plans(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *cid = req->params[0];
	struct roster_class_row c;
	if (access_class(req->db, a, cid) != EB_OK ||
	    roster_class_get(req->db, a->district_id, cid, &req->arena, &c)) {
		page_refused(req, "class", cid);
		return;
	}
	struct lplan_glance *g;
	size_t n;
	if (lplan_class_glance(req->db, a->district_id, cid, &req->arena, &g, &n)) {
		page_error(req, 503, "Try again", "The learning plans could not be read just now.");
		return;
	}
	if (!page_audit_bulk(req, "view", "class", cid, (int64_t)n, "learning plans of the class"))
		return;
	struct buf *b = &req->out;
	char *title = arena_printf(&req->arena, "Learning plans: %s", c.title);
	page_begin(req, title ? title : "Learning plans");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "\">");
	html_text(b, c.title);
	html_raw(b, "</a> · <a href=\"/plans?class=");
	html_url(b, cid);
	html_raw(b, "\">Intervention plans of the class</a></p>");
	page_scroll_begin(req, "Learning plans of the class");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Student</th><th scope=\"col\">Goals "
		    "open</th><th scope=\"col\">Goals reached</th><th scope=\"col\">Pathways"
		    "</th><th scope=\"col\">Reflection</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td><a href=\"/students/");
		html_url(b, g[i].sid);
		html_raw(b, "/learning-plan\">");
		html_text(b, g[i].name);
		html_raw(b, "</a></td><td>");
		html_int(b, (int64_t)g[i].open);
		html_raw(b, "</td><td>");
		html_int(b, (int64_t)g[i].reached);
		html_raw(b, "</td><td>");
		html_int(b, (int64_t)g[i].pathways);
		html_raw(b, "</td><td>");
		html_text(b, g[i].reflection ? "written" : "not yet");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}
