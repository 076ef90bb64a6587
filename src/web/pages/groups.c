/* Small groups of a class (docs/groups.md): /classes/:id/groups proposes
 * groups for a unit (domain/groups), shows the saved ones with what changed
 * since, and a plain form to adjust and save them; /classes/:id/groups/print
 * prints one card per saved group. Same access as the class mastery grid
 * (access_class, the view audited as a bulk view of the class). The
 * teacher's home reads "groups to meet" through page_groups_home_steps. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/frameworks.h"
#include "domain/groups.h"
#include "domain/labels.h"
#include "domain/mastery.h"
#include "domain/recommend.h"
#include "domain/roster.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

struct gctx {
	struct http_request *req;
	const struct account *a;
	const char *cid, *title;
	struct roster_org_row school;
	struct roster_person_row *st;
	size_t ns;
	const char **sids;
	struct groups_unit u;
	struct groups_params p;
	struct groups_params asked; /* as the teacher sent them (shown back when refused) */
	struct groups_input in;
	struct groups_proposal pr;
	struct groups_saved saved;
	bool has_saved;
	struct groups_unit saved_unit;
};

static const struct form_label labels[] = {
	{ "min", NULL, "Smallest group" },	{ "max", NULL, "Largest group" },
	{ "count", NULL, "Number of groups" },	{ "unit", "grade", "Unit" },
	{ "groups", NULL, "Groups" },		{ "name1", NULL, "Name of group 1" },
	{ "focus1", NULL, "Focus of group 1" }, { "name2", NULL, "Name of group 2" },
	{ "focus2", NULL, "Focus of group 2" }, { "name3", NULL, "Name of group 3" },
	{ "focus3", NULL, "Focus of group 3" }, { "name4", NULL, "Name of group 4" },
	{ "focus4", NULL, "Focus of group 4" }, { "name5", NULL, "Name of group 5" },
	{ "focus5", NULL, "Focus of group 5" }, { "name6", NULL, "Name of group 6" },
	{ "focus6", NULL, "Focus of group 6" }, { "group1", "name1", "Group 1" },
	{ "group2", "name2", "Group 2" },	{ "group3", "name3", "Group 3" },
	{ "group4", "name4", "Group 4" },	{ "group5", "name5", "Group 5" },
	{ "group6", "name6", "Group 6" },
};
#define NLABELS (sizeof labels / sizeof labels[0])

static const char *name_of(const struct roster_person_row *p)
{
	return p->preferred_first_name ? p->preferred_first_name : p->given_name;
}

static const struct roster_person_row *person(const struct gctx *c, const char *sid)
{
	for (size_t i = 0; i < c->ns; i++)
		if (strcmp(c->st[i].sourced_id, sid) == 0)
			return &c->st[i];
	return NULL;
}

/* "Lee, Ana" (or "a student no longer in the class") */
static void student_name(struct buf *b, const struct gctx *c, const char *sid)
{
	const struct roster_person_row *p = person(c, sid);
	if (!p) {
		html_raw(b, "a student no longer in the class");
		return;
	}
	html_text(b, p->family_name);
	html_raw(b, ", ");
	html_text(b, name_of(p));
}

/* The class, its school and students, after the access check; false after
 * answering (404 and the refused attempt audited, or 500). */
static bool open_class(struct http_request *req, struct gctx *c)
{
	memset(c, 0, sizeof *c);
	c->req = req;
	c->a = &req->session->account;
	c->cid = req->params[0];
	struct roster_class_row cl;
	if (access_class(req->db, c->a, c->cid) != EB_OK ||
	    roster_class_school(req->db, c->a->district_id, c->cid, &req->arena, &c->school) ||
	    roster_class_get(req->db, c->a->district_id, c->cid, &req->arena, &cl) ||
	    roster_class_students(req->db, c->a->district_id, c->cid, &req->arena, &c->st,
				  &c->ns)) {
		page_refused(req, "class", c->cid);
		return false;
	}
	if (c->ns > GROUPS_CLASS_MAX)
		c->ns = GROUPS_CLASS_MAX;
	c->title = cl.title && *cl.title ? cl.title : c->cid;
	c->sids = arena_alloc(&req->arena, (c->ns ? c->ns : 1) * sizeof *c->sids);
	if (!c->sids) {
		page_error(req, 500, "Error", "Out of memory.");
		return false;
	}
	for (size_t i = 0; i < c->ns; i++)
		c->sids[i] = c->st[i].sourced_id;
	groups_unit_pick(groups_class_grade(cl.grades), http_query(req, "grade"),
			 http_query(req, "domain"), http_query(req, "cluster"), &c->u);
	return true;
}

/* A size field of the query (GET) or form (POST): def when absent. */
static void size_field(struct http_request *req, const char *v, const char *name, int def, int *out,
		       struct form_errors *errs)
{
	*out = def;
	if (!v || !str_trim(str_from(v)).n)
		return;
	int64_t x;
	if (str_to_i64(str_trim(str_from(v)), -1000000, 1000000, &x)) {
		form_error_add(errs, &req->arena, name, "must be a whole number");
		return;
	}
	*out = (int)x;
}

static void read_params(struct http_request *req, bool post, struct groups_params *p,
			struct form_errors *errs)
{
	const char *(*get)(struct http_request *, const char *) = post ? http_form : http_query;
	struct groups_params d = groups_params_default();
	size_field(req, get(req, "min"), "min", d.min_size, &p->min_size, errs);
	size_field(req, get(req, "max"), "max", d.max_size, &p->max_size, errs);
	size_field(req, get(req, "count"), "count", d.max_groups, &p->max_groups, errs);
	if (errs->n)
		return;
	char why[512];
	if (groups_params_check(p, why, sizeof why))
		form_errors_parse(errs, &req->arena, why);
}

/* The unit's query string ("cluster=5.NF.A", "grade=5&amp;domain=NF"), escaped. */
static void unit_query(struct buf *b, const struct groups_unit *u)
{
	if (u->cluster) {
		html_raw(b, "cluster=");
		html_url(b, u->cluster);
		return;
	}
	char g[4];
	snprintf(g, sizeof g, "%d", u->grade);
	html_raw(b, "grade=");
	html_url(b, u->grade == STANDARDS_GRADE_HS ? "HS" : g);
	if (u->domain) {
		html_raw(b, "&amp;domain=");
		html_url(b, u->domain);
	}
}

static void number_input(struct gctx *c, const struct form_errors *errs, const char *name,
			 const char *label, int v, int lo, int hi)
{
	struct buf *b = &c->req->out;
	html_raw(b, "<span><label for=\"");
	html_attr(b, name);
	html_raw(b, "\">");
	html_text(b, label);
	html_raw(b, "</label><input type=\"number\" inputmode=\"numeric\" id=\"");
	html_attr(b, name);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" min=\"");
	html_int(b, lo);
	html_raw(b, "\" max=\"");
	html_int(b, hi);
	html_raw(b, "\" value=\"");
	html_int(b, v);
	html_raw(b, "\"");
	form_invalid_attrs(c->req, errs, name);
	html_raw(b, ">");
	form_field_error(c->req, errs, name);
	html_raw(b, "</span>");
}

/* The unit and the sizes: a GET form, as the class grid's picker. */
static void picker(struct gctx *c, const struct form_errors *errs)
{
	struct buf *b = &c->req->out;
	const struct groups_unit *u = &c->u;
	html_raw(b, "<form method=\"get\" class=\"picker noprint\" action=\"/classes/");
	html_url(b, c->cid);
	html_raw(b, "/groups\"><span><label for=\"grade\">Grade</label><select id=\"grade\" "
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
	html_raw(b, "</select></span><span><label for=\"domain\">Domain</label><select "
		    "id=\"domain\" name=\"domain\"><option value=\"\">Major clusters</option>");
	const char *doms[32];
	size_t nd = standards_domains_of_grade(u->grade, doms, 32);
	for (size_t i = 0; i < nd && i < 32; i++) {
		html_raw(b, "<option value=\"");
		html_attr(b, doms[i]);
		html_raw(b, u->domain && strcmp(u->domain, doms[i]) == 0 ? "\" selected>" : "\">");
		html_text(b, doms[i]);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></span><span><label for=\"cluster\">Cluster</label><select "
		    "id=\"cluster\" name=\"cluster\"><option value=\"\">All of the above</option>");
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
	html_raw(b, "</select></span>");
	number_input(c, errs, "min", "Smallest group", c->asked.min_size, GROUPS_SIZE_LO,
		     GROUPS_SIZE_HI);
	number_input(c, errs, "max", "Largest group", c->asked.max_size, GROUPS_SIZE_LO,
		     GROUPS_SIZE_HI);
	number_input(c, errs, "count", "Number of groups", c->asked.max_groups, 1,
		     GROUPS_MAX_GROUPS);
	html_raw(b, "<button type=\"submit\">Propose groups</button></form>");
}

/* ---- the suggested activity ------------------------------------------------ */

/* The group's suggested activity: the first of the next best interventions
 * (domain/recommend.h) for its members on the focus, with its "why"; plain
 * words when there is none. */
static void suggest_activity(struct gctx *c, const struct groups_group *g)
{
	struct buf *b = &c->req->out;
	const char *focus = c->in.stds[g->focus]->code;
	struct recommendation *r = NULL;
	size_t nr = 0;
	if (g->n) {
		const char **sids = arena_alloc(&c->req->arena, g->n * sizeof *sids);
		for (size_t i = 0; sids && i < g->n; i++)
			sids[i] = c->sids[g->members[i]];
		if (!sids || recommend_for_group(c->req->db, c->a->district_id, sids, g->n, focus,
						 1, &c->req->arena, &r, &nr))
			nr = 0;
	}
	html_raw(b, "<p><strong>Suggested activity:</strong> ");
	if (!nr) {
		html_text(b, "a targeted re-teach of ");
		html_text(b, frameworks_label(c->in.labels, focus));
		html_text(b, " with the group, then guided practice together.");
		html_raw(b, "</p>");
		return;
	}
	html_text(b, r->title);
	if (r->what && *r->what) {
		html_raw(b, ": ");
		html_text(b, r->what);
	}
	if (r->exploratory)
		html_raw(b, " <span class=\"tag\">tried out: little local evidence yet</span>");
	html_raw(b, "</p>");
	if (r->why && *r->why) {
		html_raw(b, "<p class=\"muted\">Why this? ");
		html_text(b, r->why);
		html_raw(b, "</p>");
	}
}

/* ---- sections ----------------------------------------------------------------- */

static void proposal_section(struct gctx *c)
{
	struct buf *b = &c->req->out;
	html_raw(b, "<section aria-labelledby=\"h-proposed\"><h2 id=\"h-proposed\">Proposed "
		    "groups</h2><p class=\"muted\">");
	html_text(b, c->u.title);
	html_textf(b,
		   ": groups of %d to %d students, at most %d. Each group shares the earliest"
		   " standard its students are measured below Proficient on, among this "
		   "unit's standards and the prerequisites they build on (the coherence map and "
		   "the district's frameworks).",
		   c->p.min_size, c->p.max_size, c->p.max_groups);
	html_raw(b, "</p>");
	if (!c->pr.ngroups)
		html_raw(b, "<p>No group to propose: not enough students share a need that their "
			    "evidence shows.</p>");
	html_raw(b, "<ul class=\"cards wide\">");
	char words[512];
	for (size_t i = 0; i < c->pr.ngroups; i++) {
		const struct groups_group *g = &c->pr.groups[i];
		const struct standard *f = c->in.stds[g->focus];
		html_raw(b, "<li><h3>");
		html_textf(b, "Group %zu: ", i + 1);
		html_raw(b, "<span class=\"code\">");
		html_text(b, frameworks_label(c->in.labels, f->code));
		html_raw(b, "</span></h3>");
		if (f->cluster_heading) {
			html_raw(b, "<p class=\"muted desc\">");
			html_text(b, f->cluster_heading);
			html_raw(b, "</p>");
		}
		groups_reason_words(&c->in, g, words, sizeof words);
		html_raw(b, "<p>");
		html_text(b, words);
		html_raw(b, "</p><p><strong>How sure:</strong> ");
		html_text(b, groups_sureness_words(g->sure));
		html_raw(b, ". ");
		groups_sureness_detail(g, &c->in.lv, words, sizeof words);
		html_text(b, words);
		html_raw(b, "</p><p><strong>Evidence:</strong> ");
		groups_evidence_words(&c->in, g, words, sizeof words);
		html_text(b, words);
		html_raw(b, "</p>");
		suggest_activity(c, g);
		html_raw(b, "<h4>Students</h4><ul>");
		for (size_t m = 0; m < g->n; m++) {
			const struct roster_person_row *p = &c->st[g->members[m]];
			const struct groups_cell *cell =
				&c->in.cells[g->members[m] * c->in.nstds + g->focus];
			html_raw(b, "<li><a href=\"/students/");
			html_url(b, p->sourced_id);
			html_raw(b, "/mastery\">");
			html_text(b, p->family_name);
			html_raw(b, ", ");
			html_text(b, name_of(p));
			html_raw(b, "</a> <span class=\"muted\">");
			html_text(b, mastery_level_name(mastery_level_of(&c->in.lv, cell->p)));
			html_textf(b, ", %.0f%%, %d responses", cell->p * 100, cell->responses);
			html_raw(b, "</span></li>");
		}
		html_raw(b, "</ul></li>");
	}
	html_raw(b, "</ul>");
	/* everyone else, with the reason */
	static const struct {
		enum groups_apart_why why;
		const char *head;
	} kinds[] = {
		{ GROUPS_APART_THIN, "Too little evidence to place (never guessed into a group)" },
		{ GROUPS_APART_ALONE, "A need no one else shares (or no group left): help one to "
				      "one" },
		{ GROUPS_APART_UNCLEAR,
		  "Below Proficient, but the evidence is not clear yet: check "
		  "in class" },
		{ GROUPS_APART_ON_TRACK, "On track: Proficient or better on what is measured" },
	};
	html_raw(b, "<h3>Not in a group</h3>");
	if (!c->pr.napart)
		html_raw(b, "<p class=\"muted\">Every student is in a group.</p>");
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		size_t cnt = 0;
		for (size_t i = 0; i < c->pr.napart; i++)
			cnt += c->pr.apart[i].why == kinds[k].why;
		if (!cnt)
			continue;
		html_raw(b, "<h4>");
		html_text(b, kinds[k].head);
		html_textf(b, " (%zu)", cnt);
		html_raw(b, "</h4><ul>");
		for (size_t i = 0; i < c->pr.napart; i++) {
			const struct groups_apart *ap = &c->pr.apart[i];
			if (ap->why != kinds[k].why)
				continue;
			html_raw(b, "<li>");
			student_name(b, c, c->sids[ap->student]);
			if (ap->why == GROUPS_APART_ALONE) {
				html_raw(b, " <span class=\"muted\">(not yet secure on <span "
					    "class=\"code\">");
				html_text(b, frameworks_label(c->in.labels,
							      c->in.stds[ap->need]->code));
				html_raw(b, "</span>)</span>");
			}
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "</section>");
}

static void saved_section(struct gctx *c)
{
	struct http_request *req = c->req;
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-saved\"><h2 id=\"h-saved\">Your saved "
		    "groups</h2>");
	if (!c->has_saved) {
		html_raw(b, "<p class=\"muted\">None saved yet: adjust the proposal below and "
			    "save it.</p></section>");
		return;
	}
	html_raw(b, "<p>Saved ");
	page_time(req, c->saved.saved_at);
	if (c->saved.saved_by && *c->saved.saved_by) {
		html_raw(b, " by ");
		html_text(b, c->saved.saved_by);
	}
	html_raw(b, " for ");
	html_text(b, c->saved_unit.n ? c->saved_unit.title : c->saved.unit_key);
	html_raw(b, ". <a class=\"noprint\" href=\"/classes/");
	html_url(b, c->cid);
	html_raw(b, "/groups/print\">Print one card per group</a></p>");
	struct groups_change *ch = NULL;
	size_t nch = 0;
	bool diff = groups_changes(req->db, c->a->district_id, &c->saved, c->sids, c->ns, &c->in.lv,
				   &req->arena, &ch, &nch) == EB_OK;
	html_raw(b, "<ul class=\"cards wide\">");
	for (size_t gi = 0; gi < c->saved.ngroups; gi++) {
		const struct groups_saved_group *g = &c->saved.groups[gi];
		html_raw(b, "<li><h3>");
		html_text(b, g->name);
		html_raw(b, "</h3><p>Focus: <span class=\"code\">");
		html_text(b, frameworks_label(c->in.labels, g->focus));
		html_raw(b, "</span></p><p>");
		for (size_t m = 0; m < g->n; m++) {
			if (m)
				html_raw(b, "; ");
			student_name(b, c, g->members[m].student);
		}
		html_raw(b, "</p><h4>What changed since</h4>");
		if (!diff) {
			html_raw(b, "<p class=\"muted\">Could not be read just now.</p></li>");
			continue;
		}
		static const struct {
			enum groups_change_kind kind;
			const char *words;
		} kinds[] = {
			{ GROUPS_MOVED_UP, "Moved up on the focus" },
			{ GROUPS_NEW_TO_NEED, "New to the need (not in the group)" },
			{ GROUPS_LEFT_CLASS, "No longer in the class" },
		};
		bool any = false;
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			bool head = false;
			for (size_t i = 0; i < nch; i++) {
				if (ch[i].group != gi || ch[i].kind != kinds[k].kind)
					continue;
				if (!head) {
					html_raw(b, "<p>");
					html_text(b, kinds[k].words);
					html_raw(b, ":</p><ul>");
					head = any = true;
				}
				html_raw(b, "<li>");
				student_name(b, c, ch[i].student);
				if (ch[i].kind != GROUPS_LEFT_CLASS) {
					html_raw(b, " <span class=\"muted\">(");
					if (ch[i].p_then >= 0)
						html_textf(b, "%s then, ",
							   mastery_level_name(mastery_level_of(
								   &c->in.lv, ch[i].p_then)));
					html_textf(b, "%s now)",
						   mastery_level_name(mastery_level_of(
							   &c->in.lv, ch[i].p_now)));
					html_raw(b, "</span>");
				}
				html_raw(b, "</li>");
			}
			if (head)
				html_raw(b, "</ul>");
		}
		if (!any)
			html_raw(b, "<p class=\"muted\">No change on the focus since.</p>");
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
}

/* The value a form control shows: the refused POST's, else def. */
static const char *shown(struct gctx *c, bool reshow, const char *name, const char *def)
{
	const char *v = reshow ? http_form(c->req, name) : NULL;
	return v ? v : def;
}

/* The adjust-and-save form: a name and a focus per group, and per student a
 * choice of group; prefilled from the proposal, the saved groups
 * (?from=saved), or the refused POST. */
static void adjust_form(struct gctx *c, const struct form_errors *errs, bool reshow)
{
	struct http_request *req = c->req;
	struct buf *b = &req->out;
	bool from_saved = !reshow && c->has_saved && http_query(req, "from") &&
			  strcmp(http_query(req, "from"), "saved") == 0;
	size_t slots = (size_t)c->p.max_groups;
	if (from_saved && c->saved.ngroups > slots)
		slots = c->saved.ngroups;
	html_raw(b, "<section aria-labelledby=\"h-adjust\" class=\"noprint\"><h2 "
		    "id=\"h-adjust\">Adjust and save</h2><p>");
	if (from_saved)
		html_raw(b, "Starting from your saved groups. ");
	else if (c->has_saved)
		html_raw(b, "Starting from the proposal (or <a href=\"?from=saved\">from your "
			    "saved groups</a>). ");
	html_raw(b, "Rename a group, change its focus (a standard code such as 4.NF.A.1), or "
		    "move a student with the choice beside their name; then save. Empty groups "
		    "are left out.</p>");
	form_errors_summary(req, errs, labels, NLABELS);
	html_raw(b, "<form method=\"post\" action=\"/classes/");
	html_url(b, c->cid);
	html_raw(b, "/groups\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"unit\" value=\"");
	html_attr(b, from_saved && c->saved_unit.n ? c->saved_unit.key : c->u.key);
	html_raw(b, "\"><input type=\"hidden\" name=\"min\" value=\"");
	html_int(b, c->p.min_size);
	html_raw(b, "\"><input type=\"hidden\" name=\"max\" value=\"");
	html_int(b, c->p.max_size);
	html_raw(b, "\"><input type=\"hidden\" name=\"count\" value=\"");
	html_int(b, (int64_t)slots);
	html_raw(b, "\">");
	html_raw(b, "<div class=\"cards wide\">");
	for (size_t k = 1; k <= slots; k++) {
		char nf[16], ff[16], defname[32];
		snprintf(nf, sizeof nf, "name%zu", k);
		snprintf(ff, sizeof ff, "focus%zu", k);
		const char *dn = NULL, *df = "";
		if (from_saved && k <= c->saved.ngroups) {
			dn = c->saved.groups[k - 1].name;
			df = c->saved.groups[k - 1].focus;
		} else if (!from_saved && k <= c->pr.ngroups) {
			df = c->in.stds[c->pr.groups[k - 1].focus]->code;
		}
		if (!dn) {
			snprintf(defname, sizeof defname, "Group %zu", k);
			dn = defname;
		}
		html_raw(b, "<fieldset><legend>");
		html_textf(b, "Group %zu", k);
		html_raw(b, "</legend>");
		html_raw(b, "<label for=\"");
		html_attr(b, nf);
		html_raw(b, "\">Name</label><input id=\"");
		html_attr(b, nf);
		html_raw(b, "\" name=\"");
		html_attr(b, nf);
		html_raw(b, "\" maxlength=\"60\" value=\"");
		html_attr(b, shown(c, reshow, nf, dn));
		html_raw(b, "\"");
		form_invalid_attrs(req, errs, nf);
		html_raw(b, ">");
		form_field_error(req, errs, nf);
		char gf[16];
		snprintf(gf, sizeof gf, "group%zu", k);
		form_field_error(req, errs, gf);
		html_raw(b, "<label for=\"");
		html_attr(b, ff);
		html_raw(b, "\">Focus standard</label><input id=\"");
		html_attr(b, ff);
		html_raw(b, "\" name=\"");
		html_attr(b, ff);
		html_raw(b, "\" class=\"code\" maxlength=\"40\" value=\"");
		html_attr(b, shown(c, reshow, ff, df));
		html_raw(b, "\"");
		form_invalid_attrs(req, errs, ff);
		html_raw(b, ">");
		form_field_error(req, errs, ff);
		html_raw(b, "</fieldset>");
	}
	html_raw(b, "</div>");
	page_scroll_begin(req, "Students and their groups");
	html_raw(b,
		 "<table><caption class=\"left\">Each student's group</caption><thead><tr>"
		 "<th scope=\"col\">Student</th><th scope=\"col\">Group</th></tr></thead><tbody>");
	for (size_t i = 0; i < c->ns; i++) {
		char field[80], cur[24] = "0";
		snprintf(field, sizeof field, "g.%s", c->sids[i]);
		if (from_saved) {
			for (size_t g = 0; g < c->saved.ngroups; g++)
				for (size_t m = 0; m < c->saved.groups[g].n; m++)
					if (strcmp(c->saved.groups[g].members[m].student,
						   c->sids[i]) == 0)
						snprintf(cur, sizeof cur, "%zu", g + 1);
		} else {
			for (size_t g = 0; g < c->pr.ngroups; g++)
				for (size_t m = 0; m < c->pr.groups[g].n; m++)
					if (c->pr.groups[g].members[m] == i)
						snprintf(cur, sizeof cur, "%zu", g + 1);
		}
		const char *v = shown(c, reshow, field, cur);
		char id[32];
		snprintf(id, sizeof id, "sel-%zu", i);
		html_raw(b, "<tr><th scope=\"row\"><label for=\"");
		html_attr(b, id);
		html_raw(b, "\">");
		html_text(b, c->st[i].family_name);
		html_raw(b, ", ");
		html_text(b, name_of(&c->st[i]));
		html_raw(b, "</label></th><td><select id=\"");
		html_attr(b, id);
		html_raw(b, "\" name=\"");
		html_attr(b, field);
		html_raw(b, "\"");
		form_invalid_attrs(req, errs, field);
		html_raw(b, "><option value=\"0\"");
		html_raw(b, strcmp(v, "0") == 0 ? " selected" : "");
		html_raw(b, ">Not in a group</option>");
		for (size_t k = 1; k <= slots; k++) {
			char kv[24];
			snprintf(kv, sizeof kv, "%zu", k);
			html_raw(b, "<option value=\"");
			html_attr(b, kv);
			html_raw(b, "\"");
			html_raw(b, strcmp(v, kv) == 0 ? " selected" : "");
			html_raw(b, ">");
			html_textf(b, "Group %zu", k);
			html_raw(b, "</option>");
		}
		html_raw(b, "</select>");
		form_field_error(req, errs, field);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div><button type=\"submit\">Save these groups</button>"
		    "</form></section>");
}

/* The page (status 200, or 400 with errs after a refused save or sizes). */
static void render(struct gctx *c, int status, const struct form_errors *errs, bool reshow)
{
	struct http_request *req = c->req;
	struct buf *b = &req->out;
	req->status = status;
	char *t = arena_printf(&req->arena, "Small groups: %s", c->title);
	page_begin(req, t ? t : "Small groups");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/classes/");
	html_url(b, c->cid);
	html_raw(b, "\">");
	html_text(b, c->title);
	html_raw(b, "</a> &middot; <a href=\"/classes/");
	html_url(b, c->cid);
	html_raw(b, "/mastery?");
	unit_query(b, &c->u);
	html_raw(b, "\">Mastery grid</a> &middot; ");
	html_text(b, c->school.name);
	html_raw(b, "</p>");
	if (!reshow && http_query(req, "saved"))
		page_notice(req, "ok",
			    "Saved. The groups below are kept with today's estimates, "
			    "so next time you see who moved up and who is new to the need.");
	if (!reshow)
		form_errors_summary(req, errs, labels, NLABELS);
	picker(c, errs);
	if (status == 200 || reshow) {
		saved_section(c);
		proposal_section(c);
		adjust_form(c, reshow ? errs : NULL, reshow);
	}
	page_end(req);
}

/* Reads the estimates and proposes; false after answering 500. */
static bool propose(struct gctx *c)
{
	struct http_request *req = c->req;
	if (groups_read_input(req->db, c->a->district_id, c->sids, c->ns, &c->u, &req->arena,
			      &c->in) ||
	    groups_propose(&c->in, &c->p, &req->arena, &c->pr)) {
		page_error(req, 500, "Error", "Could not read the estimates.");
		return false;
	}
	bool found = false;
	if (groups_latest(req->db, c->a->district_id, c->cid, &req->arena, &c->saved, &found) ==
		    EB_OK &&
	    found) {
		c->has_saved = true;
		if (groups_unit_from_key(c->saved.unit_key, &c->saved_unit))
			memset(&c->saved_unit, 0, sizeof c->saved_unit);
	}
	return true;
}

void page_class_groups(struct http_request *req)
{
	struct gctx c;
	if (!open_class(req, &c))
		return;
	struct form_errors errs = { .n = 0 };
	read_params(req, false, &c.p, &errs);
	c.asked = c.p;
	if (errs.n) {
		c.p = groups_params_default();
		render(&c, 400, &errs, false);
		return;
	}
	bool snap = db_begin_read(req->db) == EB_OK;
	bool ok = propose(&c);
	if (snap)
		db_rollback(req->db);
	if (!ok)
		return;
	char what[160];
	snprintf(what, sizeof what, "small groups, %s", c.u.title);
	if (!page_audit_bulk(req, "view", "class", c.cid, (int64_t)c.ns, what))
		return;
	render(&c, 200, NULL, false);
}

void page_class_groups_save(struct http_request *req)
{
	struct gctx c;
	if (!open_class(req, &c))
		return;
	struct form_errors errs = { .n = 0 };
	read_params(req, true, &c.p, &errs);
	c.asked = c.p;
	const char *unit = http_form(req, "unit");
	struct groups_unit sent;
	if (unit && groups_unit_from_key(unit, &sent) != EB_OK)
		form_error_add(&errs, &req->arena, "unit", "choose a unit of the catalog");
	else if (unit)
		c.u = sent;
	/* the groups of the form: slots 1..count, members from every g.<id> field */
	struct groups_save_group g[GROUPS_MAX_GROUPS];
	memset(g, 0, sizeof g);
	size_t ng = c.p.max_groups > 0 && c.p.max_groups <= GROUPS_MAX_GROUPS
			    ? (size_t)c.p.max_groups
			    : GROUPS_MAX_GROUPS;
	for (size_t k = 0; k < ng; k++) {
		char f[32];
		snprintf(f, sizeof f, "name%zu", k + 1);
		g[k].name = http_form(req, f);
		snprintf(f, sizeof f, "focus%zu", k + 1);
		g[k].focus = http_form(req, f);
		g[k].members = arena_alloc(&req->arena, HTTP_MAX_FORM * sizeof *g[k].members);
		if (!g[k].members) {
			page_error(req, 500, "Error", "Out of memory.");
			return;
		}
	}
	for (int i = 0; i < req->nform; i++) {
		const char *name = req->form[i].name, *v = req->form[i].value;
		if (strncmp(name, "g.", 2) != 0)
			continue;
		int64_t k;
		if (cstr_to_i64(v, 0, GROUPS_MAX_GROUPS, &k) || (size_t)k > ng) {
			form_error_add(&errs, &req->arena, name, "choose one of the groups");
			continue;
		}
		if (k > 0)
			g[k - 1].members[g[k - 1].n++] = name + 2;
	}
	if (!errs.n) {
		struct audit_actor who = auth_actor(req);
		char why[GROUPS_WHY_CAP];
		enum eb_err e = groups_save(req->db, c.a->district_id, &who, c.cid,
					    unit ? unit : c.u.key, &c.p, g, ng, time_now(), NULL,
					    why, sizeof why);
		if (e == EB_OK) {
			struct buf loc;
			buf_init(&loc, 1024);
			buf_puts(&loc, "/classes/");
			html_url(&loc, c.cid); /* percent-encoded: a path segment */
			buf_puts(&loc, "/groups?saved=1");
			const char *to =
				buf_failed(&loc) ? NULL : arena_strdup(&req->arena, buf_cstr(&loc));
			buf_free(&loc);
			http_redirect(req, to ? to : "/home");
			return;
		}
		if (e != EB_EINVAL) {
			page_error(req, 503, "Not saved", "The database is busy; try again.");
			return;
		}
		form_errors_parse(&errs, &req->arena, why);
	}
	/* refused: the page again, the form as sent, nothing stored */
	if (groups_params_check(&c.p, NULL, 0))
		c.p = groups_params_default();
	if (!propose(&c))
		return;
	render(&c, 400, &errs, true);
}

/* ---- the cards ---------------------------------------------------------------- */

void page_class_groups_print(struct http_request *req)
{
	struct gctx c;
	if (!open_class(req, &c))
		return;
	bool found = false;
	if (groups_latest(req->db, c.a->district_id, c.cid, &req->arena, &c.saved, &found)) {
		page_error(req, 500, "Error", "Could not read the saved groups.");
		return;
	}
	size_t members = 0;
	for (size_t i = 0; found && i < c.saved.ngroups; i++)
		members += c.saved.groups[i].n;
	if (!page_audit_bulk(req, "view", "class", c.cid, (int64_t)members,
			     "small group cards, printed"))
		return;
	struct buf *b = &req->out;
	char *t = arena_printf(&req->arena, "Group cards: %s", c.title);
	page_begin(req, t ? t : "Group cards");
	html_raw(b, "<p class=\"crumbs noprint\"><a href=\"/classes/");
	html_url(b, c.cid);
	html_raw(b, "/groups\">Small groups</a> &middot; Print this page: one card per group.</p>");
	if (!found) {
		html_raw(b, "<p>No groups saved for this class yet.</p>");
		page_end(req);
		return;
	}
	struct groups_unit u;
	bool unit_ok = groups_unit_from_key(c.saved.unit_key, &u) == EB_OK;
	struct frameworks_labels *names = NULL;
	if (frameworks_labels_load(req->db, c.a->district_id, &req->arena, &names))
		names = NULL;
	html_raw(b, "<div class=\"gcards\">");
	for (size_t i = 0; i < c.saved.ngroups; i++) {
		const struct groups_saved_group *g = &c.saved.groups[i];
		const struct standard *f = standards_find(g->focus);
		html_raw(b, "<section class=\"gcard\" aria-label=\"");
		html_attr(b, g->name);
		html_raw(b, "\"><h2>");
		html_text(b, g->name);
		html_raw(b, "</h2><p><strong>Focus:</strong> <span class=\"code\">");
		html_text(b, frameworks_label(names, g->focus));
		html_raw(b, "</span>");
		if (f && f->cluster_heading) {
			html_raw(b, " &middot; ");
			html_text(b, f->cluster_heading);
		}
		html_raw(b, "</p><p class=\"muted\">");
		html_text(b, c.title);
		html_raw(b, " &middot; ");
		html_text(b, unit_ok ? u.title : c.saved.unit_key);
		html_raw(b, " &middot; saved ");
		page_time(req, c.saved.saved_at);
		html_raw(b, "</p><ol>");
		for (size_t m = 0; m < g->n; m++) {
			html_raw(b, "<li>");
			student_name(b, &c, g->members[m].student);
			html_raw(b, "</li>");
		}
		html_raw(b, "</ol><p>Notes: ____________________________________</p></section>");
	}
	html_raw(b, "</div>");
	page_end(req);
}

/* ---- the teacher's home ----------------------------------------------------- */

void page_groups_home_steps(struct http_request *req, struct home_ctx *h,
			    void (*step)(struct home_ctx *h, const char *href, const char *fmt,
					 ...))
{
	const struct account *a = &req->session->account;
	struct groups_home_row *r;
	size_t n;
	if (!a->person_sid[0] ||
	    groups_of_teacher(req->db, a->district_id, a->person_sid, &req->arena, &r, &n))
		return;
	int64_t now = time_now();
	for (size_t i = 0; i < n; i++) {
		char *href = arena_printf(&req->arena, "/classes/%s/groups", r[i].class_sid);
		int64_t days = (now - r[i].saved_at) / 86400;
		if (days >= 7)
			step(h, href,
			     "%s: your %zu small group%s were saved %lld days ago: see who moved "
			     "up "
			     "and regroup",
			     r[i].class_title, r[i].ngroups, r[i].ngroups == 1 ? "" : "s",
			     (long long)days);
		else
			step(h, href,
			     "%s: meet your %zu small group%s (%zu students; first focus %s)",
			     r[i].class_title, r[i].ngroups, r[i].ngroups == 1 ? "" : "s",
			     r[i].nstudents, r[i].first_focus);
	}
}
