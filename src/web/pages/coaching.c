/* Coaching cycles (issue 15, docs/coaching.md): /coaching (the coach's
 * caseload, a teacher's own cycles, the coordinator's summary by school,
 * a principal's school: that a cycle exists and its phase), the form of a
 * new cycle, one cycle (phases, dated entries with notes, action steps,
 * resources, goals tied to data with their progress chart and target
 * line, sharing), its POST routes, and the coaching part of the coach's
 * and the teacher's homes.
 *
 * Coaching is not evaluation: notes, steps and reflections are shown only
 * to whom coaching_notes_visible allows. A cycle's page shows its classes'
 * mastery in aggregate (the goals' progress): each view is audited as a
 * bulk view of the class. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/access.h"
#include "domain/coaching.h"
#include "domain/district.h"
#include "domain/observation.h"
#include "domain/roster.h"
#include "domain/teams.h"
#include "web/auth.h"
#include "web/chart_progress.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/coaching.h"
#include "web/pages/coaching_impact.h"
#include "web/pages/home_staff.h"
#include "web/pages/pages.h"

/* Today in the district's zone, "YYYY-MM-DD". */
static void today(struct http_request *req, char out[11])
{
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	const struct tz *z = NULL;
	if (district_time_zone(req->db, req->session->account.district_id, zname, sizeof zname) ==
	    EB_OK)
		z = tz_get(zname);
	int64_t t = time_now();
	if (z)
		t += tz_offset(z, t, NULL);
	int y;
	unsigned m, d;
	civil_from_days((int32_t)(t / 86400), &y, &m, &d);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}

static void link(struct buf *b, const char *href, const char *text)
{
	html_raw(b, "<a href=\"");
	html_attr(b, href);
	html_raw(b, "\">");
	html_text(b, text);
	html_raw(b, "</a>");
}

static void cycle_link(struct buf *b, int64_t id, const char *title)
{
	char href[48];
	snprintf(href, sizeof href, "/coaching/%lld", (long long)id);
	link(b, href, title);
}

static const char separate_line[] =
	"<p class=\"muted\">Coaching is separate from evaluation: the notes of a cycle are read by"
	" the coach and the teachers in it, and by whom a teacher shares them with.</p>";

/* ---- /coaching ------------------------------------------------------------- */

static void cycles_table(struct http_request *req, const char *label, const struct coaching_row *r,
			 size_t n, bool details)
{
	struct buf *b = &req->out;
	page_scroll_begin(req, label);
	html_raw(b,
		 "<table><thead><tr><th scope=\"col\">Cycle</th><th scope=\"col\">Coach</th>"
		 "<th scope=\"col\">Teachers</th><th scope=\"col\">Classes</th><th scope=\"col\">"
		 "Phase</th>");
	if (details)
		html_raw(b, "<th scope=\"col\">Next meeting</th><th scope=\"col\">Steps</th>"
			    "<th scope=\"col\">Goals</th>");
	html_raw(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		cycle_link(b, r[i].id, r[i].title);
		if (details && r[i].needs_next_step)
			html_raw(b, " <strong class=\"flag\">needs a next step</strong>");
		html_raw(b, "</td><td>");
		html_text(b, r[i].coach_name);
		html_raw(b, "</td><td>");
		html_text(b, r[i].teachers);
		html_raw(b, "</td><td>");
		html_text(b, r[i].classes);
		html_raw(b, "</td><td>");
		html_text(b, coaching_phase_label(r[i].phase));
		html_raw(b, "</td>");
		if (details) {
			html_raw(b, "<td>");
			html_text(b, *r[i].next_meeting ? r[i].next_meeting : "none planned");
			html_raw(b, "</td><td>");
			html_textf(b, "%d open", r[i].open_steps);
			if (r[i].overdue_steps)
				html_textf(b, ", %d overdue", r[i].overdue_steps);
			html_raw(b, "</td><td>");
			if (!r[i].goals)
				html_text(b, "none yet");
			else
				html_textf(b, "%d (%d met, %d at risk)", r[i].goals, r[i].goals_met,
					   r[i].goals_at_risk);
			html_raw(b, "</td>");
		}
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void caseload(struct http_request *req, const char *day)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct coaching_row *r;
	size_t n;
	if (coaching_list(req->db, a->district_id, COACHING_OF_COACH, a->id, NULL, day, &req->arena,
			  &r, &n)) {
		html_raw(b, "<p>Your caseload could not be read. Try again.</p>");
		return;
	}
	html_raw(b, "<section aria-labelledby=\"h-caseload\"><h2 id=\"h-caseload\">Your"
		    " caseload</h2>");
	int by_phase[COACHING_PHASE__COUNT] = { 0 }, at_risk = 0, needs = 0;
	const char *seen[512];
	size_t nseen = 0;
	for (size_t i = 0; i < n; i++) {
		by_phase[r[i].phase]++;
		at_risk += r[i].goals_at_risk;
		needs += r[i].needs_next_step;
		if (r[i].phase > COACHING_IMPROVE)
			continue;
		/* teachers (the names list of each running cycle, counted once) */
		const char *p = r[i].teachers;
		while (*p && nseen < 512) {
			const char *e = strstr(p, ", ");
			size_t len = e ? (size_t)(e - p) : strlen(p);
			bool dup = false;
			for (size_t k = 0; k < nseen && !dup; k++)
				dup = strlen(seen[k]) == len && strncmp(seen[k], p, len) == 0;
			if (!dup) {
				char *v = arena_strndup(&req->arena, p, len);
				if (v)
					seen[nseen++] = v;
			}
			p += len + (e ? 2 : 0);
		}
	}
	html_raw(b, "<p>");
	html_textf(b,
		   "%zu teacher%s in running cycles. Cycles: %d identify, %d learn, %d improve,"
		   " %d completed, %d stopped. ",
		   nseen, nseen == 1 ? "" : "s", by_phase[COACHING_IDENTIFY],
		   by_phase[COACHING_LEARN], by_phase[COACHING_IMPROVE],
		   by_phase[COACHING_COMPLETED], by_phase[COACHING_STOPPED]);
	if (at_risk)
		html_textf(b, "%d goal%s at risk. ", at_risk, at_risk == 1 ? "" : "s");
	if (needs)
		html_textf(b, "%d cycle%s need%s a next step.", needs, needs == 1 ? "" : "s",
			   needs == 1 ? "s" : "");
	html_raw(b, "</p>");
	if (n)
		cycles_table(req, "Your cycles as coach", r, n, true);
	else
		html_raw(b, "<p class=\"muted\">You have no cycle yet.</p>");
	html_raw(b, "</section>");
}

static void teacher_view(struct http_request *req, const char *day)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct coaching_row *r;
	size_t n;
	if (coaching_list(req->db, a->district_id, COACHING_OF_TEACHER, a->id, NULL, day,
			  &req->arena, &r, &n))
		return;
	html_raw(b, "<section aria-labelledby=\"h-mine\"><h2 id=\"h-mine\">Your cycles</h2>");
	if (n)
		cycles_table(req, "Your cycles as teacher", r, n, true);
	else
		html_raw(b, "<p class=\"muted\">You are not in a coaching cycle. Ask your coach"
			    " when you want one.</p>");
	html_raw(b, "</section>");
}

static void summary_view(struct http_request *req, const char *day)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct coaching_school_row *s;
	size_t n;
	if (coaching_summary(req->db, a->district_id, day, &req->arena, &s, &n))
		return;
	html_raw(b, "<section aria-labelledby=\"h-summary\"><h2 id=\"h-summary\">By school</h2>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">No coaching cycle yet.</p></section>");
		return;
	}
	page_scroll_begin(req, "Coaching cycles by school");
	html_raw(b,
		 "<table><thead><tr><th scope=\"col\">School</th><th scope=\"col\">Identify"
		 "</th><th scope=\"col\">Learn</th><th scope=\"col\">Improve</th><th scope="
		 "\"col\">Completed</th><th scope=\"col\">Stopped</th><th scope=\"col\">Goals met"
		 "</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><th scope=\"row\">");
		html_text(b, s[i].school_name);
		html_raw(b, "</th>");
		for (int p = 0; p < COACHING_PHASE__COUNT; p++) {
			html_raw(b, "<td>");
			html_int(b, s[i].by_phase[p]);
			html_raw(b, "</td>");
		}
		html_raw(b, "<td>");
		html_textf(b, "%d of %d", s[i].goals_met, s[i].goals);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></section>");
}

static void scope_view(struct http_request *req, const char *day, enum coaching_scope scope,
		       const char *school, const char *heading)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct coaching_row *r;
	size_t n;
	if (coaching_list(req->db, a->district_id, scope, 0, school, day, &req->arena, &r, &n))
		return;
	html_raw(b, "<section aria-labelledby=\"h-all\"><h2 id=\"h-all\">");
	html_text(b, heading);
	html_raw(b, "</h2>");
	if (n)
		cycles_table(req, heading, r, n, false);
	else
		html_raw(b, "<p class=\"muted\">No coaching cycle.</p>");
	html_raw(b, "</section>");
}

void page_coaching(struct http_request *req)
{
	const struct account *a = &req->session->account;
	char day[11];
	today(req, day);
	page_begin(req, "Coaching");
	struct buf *b = &req->out;
	html_raw(b, "<p>Coaching cycles with teachers and their classes: identify (a look at the"
		    " class's data), learn (goal, strategy, modeling), improve (practice,"
		    " observation, debrief, reflection), with goals tied to the class's data.");
	if (coaching_can_create(a)) {
		html_raw(b, " ");
		link(b, "/coaching/new", "Start a cycle");
	}
	if (access_has(a, ROLE_COORDINATOR) || access_has(a, ROLE_DISTRICT_ADMIN) ||
	    access_has(a, ROLE_PRINCIPAL)) { /* the impact (h15-impact) */
		html_raw(b, " ");
		link(b, "/coaching/impact", "Did coaching move students?");
	}
	html_raw(b, "</p>");
	html_raw(b, separate_line);
	if (access_has(a, ROLE_COACH))
		caseload(req, day);
	if (access_has(a, ROLE_TEACHER))
		teacher_view(req, day);
	if (access_has(a, ROLE_COORDINATOR) || access_has(a, ROLE_DISTRICT_ADMIN))
		summary_view(req, day);
	if (access_has(a, ROLE_COORDINATOR))
		scope_view(req, day, COACHING_OF_DISTRICT, NULL, "Every cycle");
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == ROLE_PRINCIPAL &&
		    strcmp(a->roles[i].scope_type, "school") == 0)
			scope_view(req, day, COACHING_OF_SCHOOL, a->roles[i].scope_id,
				   "Cycles in your school");
	page_end(req);
}

/* ---- a new cycle -------------------------------------------------------------- */

static const struct form_label new_labels[] = {
	{ "title", NULL, "Title" },	      { "coach", NULL, "Coach" },
	{ "teachers", NULL, "Teachers" },     { "classes", NULL, "Classes" },
	{ "started_on", NULL, "Start date" },
};

#define CANDIDATES_MAX 300

static bool in_list(const char *const *v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static const char *own_school(const struct account *a)
{
	for (int i = 0; i < a->nroles; i++)
		if ((a->roles[i].role == ROLE_COACH || a->roles[i].role == ROLE_PRINCIPAL) &&
		    strcmp(a->roles[i].scope_type, "school") == 0)
			return a->roles[i].scope_id;
	return NULL;
}

static void new_form(struct http_request *req, const struct form_errors *e, bool reshow)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	const char *school = reshow ? http_form(req, "school") : http_query(req, "school");
	if (!school || !*school)
		school = own_school(a);
	struct coaching_candidate *c = NULL;
	size_t nc = 0;
	bool more = false;
	struct roster_org_row *schools = NULL;
	size_t nschools = 0;
	roster_schools(req->db, a->district_id, &req->arena, &schools, &nschools);
	coaching_candidates(req->db, a->district_id, school, CANDIDATES_MAX, &req->arena, &c, &nc,
			    &more);
	char day[11];
	today(req, day);
	const char *tsel[64], *csel[64];
	int nt = reshow ? http_form_all(req, "teachers", tsel, 64) : 0;
	int ncl = reshow ? http_form_all(req, "classes", csel, 64) : 0;

	page_begin(req, "Start a coaching cycle");
	if (e)
		form_errors_summary(req, e, new_labels, sizeof new_labels / sizeof new_labels[0]);
	/* narrowing the teachers to a school */
	html_raw(b, "<form method=\"get\" action=\"/coaching/new\" class=\"inline\"><label for="
		    "\"school\">School</label> <select id=\"school\" name=\"school\"><option value="
		    "\"\">Every school</option>");
	for (size_t i = 0; i < nschools; i++) {
		html_raw(b, "<option value=\"");
		html_attr(b, schools[i].sourced_id);
		html_raw(b, "\"");
		if (school && strcmp(school, schools[i].sourced_id) == 0)
			html_raw(b, " selected");
		html_raw(b, ">");
		html_text(b, schools[i].name);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select> <button type=\"submit\">Show its teachers</button></form>");

	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/coaching/new\">");
	page_csrf_field(req);
	if (school) {
		html_raw(b, "<input type=\"hidden\" name=\"school\" value=\"");
		html_attr(b, school);
		html_raw(b, "\">");
	}
	const char *v = reshow ? http_form(req, "title") : NULL;
	html_raw(b, "<div><label for=\"title\">Title <span class=\"muted\">(what the cycle is"
		    " about)</span></label><input id=\"title\" name=\"title\" type=\"text\"");
	form_invalid_attrs(req, e, "title");
	html_raw(b, " value=\"");
	html_attr(b, v ? v : "");
	html_raw(b, "\">");
	form_field_error(req, e, "title");
	html_raw(b, "</div>");
	if (access_has(a, ROLE_COORDINATOR)) {
		const char *roles[] = { "coach" };
		struct coaching_person *p = NULL;
		size_t np = 0;
		coaching_people(req->db, a->district_id, roles, 1, &req->arena, &p, &np);
		const char *cur = reshow ? http_form(req, "coach") : NULL;
		html_raw(b, "<div><label for=\"coach\">Coach</label><select id=\"coach\" name="
			    "\"coach\"");
		form_invalid_attrs(req, e, "coach");
		html_raw(b, ">");
		for (size_t i = 0; i < np; i++) {
			char idv[24];
			snprintf(idv, sizeof idv, "%lld", (long long)p[i].id);
			html_raw(b, "<option value=\"");
			html_attr(b, idv);
			html_raw(b, "\"");
			if ((cur && strcmp(cur, idv) == 0) || (!cur && p[i].id == a->id))
				html_raw(b, " selected");
			html_raw(b, ">");
			html_text(b, p[i].name);
			html_raw(b, "</option>");
		}
		html_raw(b, "</select>");
		form_field_error(req, e, "coach");
		html_raw(b, "</div>");
	}
	html_raw(b, "<fieldset><legend>Teachers and their classes</legend>");
	form_field_error(req, e, "teachers");
	form_field_error(req, e, "classes");
	if (!nc)
		html_raw(b, "<p class=\"muted\">No teacher has an account here yet.</p>");
	if (more)
		html_textf(b,
			   "<p class=\"muted\">The first %d teachers are listed: choose a school"
			   " above to see its own.</p>",
			   CANDIDATES_MAX);
	for (size_t i = 0; i < nc; i++) {
		char idv[24];
		snprintf(idv, sizeof idv, "%lld", (long long)c[i].id);
		html_raw(b,
			 "<div class=\"check\"><input type=\"checkbox\" name=\"teachers\" id=\"t-");
		html_attr(b, idv);
		html_raw(b, "\" value=\"");
		html_attr(b, idv);
		html_raw(b, "\"");
		if (in_list(tsel, nt, idv))
			html_raw(b, " checked");
		html_raw(b, "><label for=\"t-");
		html_attr(b, idv);
		html_raw(b, "\"><strong>");
		html_text(b, c[i].name);
		html_raw(b, "</strong></label></div>");
		for (size_t k = 0; k < c[i].nclasses; k++) {
			html_raw(b, "<div class=\"check indent\"><input type=\"checkbox\" name="
				    "\"classes\" id=\"c-");
			html_attr(b, idv);
			html_raw(b, "-");
			html_int(b, (int64_t)k);
			html_raw(b, "\" value=\"");
			html_attr(b, c[i].classes[k]);
			html_raw(b, "\"");
			if (in_list(csel, ncl, c[i].classes[k]))
				html_raw(b, " checked");
			html_raw(b, "><label for=\"c-");
			html_attr(b, idv);
			html_raw(b, "-");
			html_int(b, (int64_t)k);
			html_raw(b, "\">Class: ");
			html_text(b,
				  *c[i].class_titles[k] ? c[i].class_titles[k] : c[i].classes[k]);
			html_raw(b, "</label></div>");
		}
	}
	html_raw(b, "</fieldset>");
	v = reshow ? http_form(req, "started_on") : NULL;
	html_raw(b, "<div><label for=\"started_on\">Start date</label><input id=\"started_on\""
		    " name=\"started_on\" type=\"date\"");
	form_invalid_attrs(req, e, "started_on");
	html_raw(b, " value=\"");
	html_attr(b, v ? v : day);
	html_raw(b, "\">");
	form_field_error(req, e, "started_on");
	html_raw(b, "</div><div><button type=\"submit\">Start the cycle</button></div></form>");
	page_end(req);
}

void page_coaching_new(struct http_request *req)
{
	new_form(req, NULL, false);
}

void page_coaching_create(struct http_request *req)
{
	const char *teachers[COACHING_TEACHERS_MAX + 1], *classes[COACHING_CLASSES_MAX + 1];
	int nt = http_form_all(req, "teachers", teachers, COACHING_TEACHERS_MAX + 1);
	int nc = http_form_all(req, "classes", classes, COACHING_CLASSES_MAX + 1);
	struct coaching_form f = {
		.title = http_form(req, "title"),
		.coach = http_form(req, "coach"),
		.started_on = http_form(req, "started_on"),
		.teachers = teachers,
		.nteachers = nt > 0 ? (size_t)nt : 0,
		.classes = classes,
		.nclasses = nc > 0 ? (size_t)nc : 0,
	};
	char why[COACHING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	int64_t id = 0;
	enum eb_err rc = coaching_cycle_create(req->db, req->session->account.district_id, &f, &who,
					       &id, why, sizeof why);
	if (rc == EB_EINVAL) {
		struct form_errors e = { .n = 0 };
		form_errors_parse(&e, &req->arena, why);
		new_form(req, &e, true);
		req->status = 400;
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The cycle could not be saved. Try again.");
		return;
	}
	char to[48];
	snprintf(to, sizeof to, "/coaching/%lld", (long long)id);
	http_redirect(req, to);
}

/* ---- one cycle ------------------------------------------------------------------ */

struct view {
	struct coaching_cycle c;
	bool notes, write, is_teacher, is_coach;
	char day[11];
};

/* Loads the cycle the viewer may see; else a 404 page (the same for a cycle
 * that does not exist). */
static bool load(struct http_request *req, struct view *v)
{
	const struct account *a = &req->session->account;
	int64_t id;
	memset(v, 0, sizeof *v);
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    coaching_cycle_get(req->db, a->district_id, id, &req->arena, &v->c) ||
	    !coaching_cycle_visible(req->db, a->district_id, a, &v->c)) {
		page_error(req, 404, "Not found", "There is no such coaching cycle.");
		return false;
	}
	v->is_coach = v->c.coach_id == a->id;
	for (size_t i = 0; i < v->c.nteachers; i++)
		v->is_teacher = v->is_teacher || v->c.teachers[i] == a->id;
	v->write = v->is_coach || v->is_teacher;
	v->notes = coaching_notes_visible(req->db, a->district_id, a, v->c.id);
	today(req, v->day);
	return true;
}

static void post_open(struct http_request *req, const struct view *v, const char *what)
{
	struct buf *b = &req->out;
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/coaching/");
	html_int(b, v->c.id);
	html_raw(b, "/");
	html_raw(b, what);
	html_raw(b, "\">");
	page_csrf_field(req);
}

static void input(struct http_request *req, const char *id, const char *name, const char *label,
		  const char *type, const char *value)
{
	struct buf *b = &req->out;
	html_raw(b, "<div><label for=\"");
	html_attr(b, id);
	html_raw(b, "\">");
	html_text(b, label);
	html_raw(b, "</label><input id=\"");
	html_attr(b, id);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" type=\"");
	html_attr(b, type);
	html_raw(b, "\" value=\"");
	html_attr(b, value ? value : "");
	html_raw(b, "\"></div>");
}

static void goal_chart(struct http_request *req, const struct coaching_goal *g, size_t k)
{
	struct buf *b = &req->out;
	int32_t d0, d1;
	if (g->npoints == 0 || date_parse_ymd(str_from(g->start_on), &d0) ||
	    date_parse_ymd(str_from(g->target_on), &d1) || d1 <= d0)
		return;
	double *x = arena_alloc(&req->arena, g->npoints * sizeof *x);
	double *y = arena_alloc(&req->arena, g->npoints * sizeof *y);
	bool *below = arena_alloc(&req->arena, g->npoints * sizeof *below);
	if (!x || !y || !below)
		return;
	double start = g->start_value >= 0 ? g->start_value : g->points[0].value;
	for (size_t i = 0; i < g->npoints; i++) {
		int32_t d;
		if (date_parse_ymd(str_from(g->points[i].day), &d))
			d = d0;
		x[i] = (double)(d - d0);
		y[i] = g->points[i].value;
		below[i] = y[i] + 1e-9 < start + (g->target - start) * x[i] / (double)(d1 - d0);
	}
	char id[24];
	snprintf(id, sizeof id, "goal%zu", k);
	struct chart_progress c = {
		.id = id,
		.title = "The goal's progress and its target line; the numbers are in the table"
			 " below",
		.start_label = g->start_on,
		.end_label = g->target_on,
		.span = (double)(d1 - d0),
		.x = x,
		.y = y,
		.below = below,
		.n = g->npoints,
		.aim0 = start,
		.aim1 = g->target,
	};
	html_raw(b, "<figure>");
	chart_progress_draw(b, &c);
	html_raw(b, "</figure>");
}

static void goals_section(struct http_request *req, const struct view *v,
			  const struct coaching_goal *g, size_t n)
{
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-goals\"><h2 id=\"h-goals\">Goals</h2>");
	if (!n)
		html_raw(b, "<p class=\"muted\">No goal yet.</p>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<h3>");
		if (g[i].kind == COACHING_GOAL_STUDENTS) {
			html_textf(b, "%.0f %% of %s secure on ", g[i].target, g[i].class_title);
			for (size_t k = 0; k < g[i].nstandards; k++) {
				if (k)
					html_raw(b, ", ");
				html_text(b, page_std_label(req, g[i].standards[k]));
			}
		} else {
			html_text(b, g[i].indicator_label);
			html_textf(b, ": %g", g[i].target);
		}
		html_raw(b, "</h3><p><strong>");
		char s[200];
		coaching_goal_sentence(&g[i], s, sizeof s);
		html_text(b, s);
		html_raw(b, "</strong>");
		if (g[i].off_grade)
			html_raw(b, " <span class=\"muted\">(a standard outside the class's grade,"
				    " kept on purpose)</span>");
		html_raw(b, "</p>");
		goal_chart(req, &g[i], i);
		if (g[i].npoints) {
			char label[40];
			snprintf(label, sizeof label, "Progress of goal %zu", i + 1);
			page_scroll_begin(req, label);
			html_raw(b, "<table><thead><tr><th scope=\"col\">Day</th><th scope=\"col\">"
				    "Value</th><th scope=\"col\">Students counted</th></tr></thead>"
				    "<tbody>");
			for (size_t k = 0; k < g[i].npoints; k++) {
				html_raw(b, "<tr><td>");
				html_text(b, g[i].points[k].day);
				html_raw(b, "</td><td>");
				html_textf(b,
					   g[i].kind == COACHING_GOAL_STUDENTS ? "%.0f %%" : "%g",
					   g[i].points[k].value);
				html_raw(b, "</td><td>");
				html_int(b, g[i].points[k].students);
				html_raw(b, "</td></tr>");
			}
			html_raw(b, "</tbody></table></div>");
		}
		if (*g[i].class_sid) {
			char href[300];
			html_raw(b, "<p>");
			snprintf(href, sizeof href, "/classes/%s/groups", g[i].class_sid);
			link(b, href, "The class's small groups");
			html_raw(b, " &middot; ");
			snprintf(href, sizeof href, "/classes/%s/recommendations", g[i].class_sid);
			link(b, href, "Next steps for the class");
			html_raw(b, "</p>");
		}
	}
	if (v->write) {
		const char *cls = http_query(req, "class");
		const char *std = http_query(req, "standards");
		const char *tgt = http_query(req, "target");
		const char *ton = http_query(req, "target_on");
		bool warned = http_query(req, "warned") != NULL;
		html_raw(b, "<h3>Set a goal on students' learning</h3>");
		post_open(req, v, "goals");
		html_raw(b, "<input type=\"hidden\" name=\"kind\" value=\"students\">");
		html_raw(b, "<div><label for=\"g-class\">Class</label><select id=\"g-class\""
			    " name=\"class\">");
		for (size_t i = 0; i < v->c.nclasses; i++) {
			html_raw(b, "<option value=\"");
			html_attr(b, v->c.classes[i]);
			html_raw(b, "\"");
			if (cls && strcmp(cls, v->c.classes[i]) == 0)
				html_raw(b, " selected");
			html_raw(b, ">");
			html_text(b, v->c.class_titles[i]);
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></div>");
		input(req, "g-standards", "standards",
		      "Standards (like 7.RP.A.2, several with commas)", "text", std);
		input(req, "g-target", "target", "Share of students secure, in % (1 to 100)",
		      "number", tgt ? tgt : "80");
		input(req, "g-target-on", "target_on", "By", "date", ton);
		if (warned)
			html_raw(b, "<div class=\"check\"><input type=\"checkbox\" id=\"g-confirm\""
				    " name=\"confirm\" value=\"1\"><label for=\"g-confirm\">Keep"
				    " this goal although a standard is outside the class's grade"
				    "</label></div>");
		html_raw(b, "<div><button type=\"submit\">Set the goal</button></div></form>");
		html_raw(b, "<h3>Set a goal on practice</h3><p class=\"muted\">Its progress comes"
			    " from the teacher's observations (shares in %, ratings 1 to 4).</p>");
		post_open(req, v, "goals");
		html_raw(b, "<input type=\"hidden\" name=\"kind\" value=\"practice\">");
		html_raw(b, "<div><label for=\"p-ind\">Measure or indicator</label><select id="
			    "\"p-ind\" name=\"indicator\">");
		for (size_t i = 0; i < observation_measures_count; i++) {
			html_raw(b, "<option value=\"");
			html_attr(b, observation_measures[i].key);
			html_raw(b, "\">");
			html_text(b, observation_measures[i].label);
			html_raw(b, "</option>");
		}
		for (size_t i = 0; i < observation_indicators_count; i++) {
			html_raw(b, "<option value=\"");
			html_attr(b, observation_indicators[i].key);
			html_raw(b, "\">");
			html_text(b, observation_indicators[i].label);
			html_raw(b, " (rating)</option>");
		}
		html_raw(b, "</select></div><div><label for=\"p-class\">Class</label><select id="
			    "\"p-class\" name=\"class\"><option value=\"\">Any class of the"
			    " teacher</option>");
		for (size_t i = 0; i < v->c.nclasses; i++) {
			html_raw(b, "<option value=\"");
			html_attr(b, v->c.classes[i]);
			html_raw(b, "\">");
			html_text(b, v->c.class_titles[i]);
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></div>");
		input(req, "p-target", "target", "Value to reach", "number", "50");
		input(req, "p-target-on", "target_on", "By", "date", NULL);
		html_raw(b, "<div><button type=\"submit\">Set the goal</button></div></form>");
	}
	html_raw(b, "</section>");
}

static void entries_section(struct http_request *req, const struct view *v)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct coaching_entry *e = NULL;
	size_t n = 0;
	coaching_entries(req->db, a->district_id, v->c.id, &req->arena, &e, &n);
	html_raw(b, "<section aria-labelledby=\"h-entries\"><h2 id=\"h-entries\">Meetings and"
		    " notes</h2>");
	if (!n)
		html_raw(b, "<p class=\"muted\">Nothing yet.</p>");
	else
		html_raw(b, "<ul class=\"entries\">");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li><strong>");
		html_text(b, e[i].on_day);
		if (*e[i].at) {
			html_raw(b, " ");
			html_text(b, e[i].at);
		}
		html_raw(b, ": ");
		html_text(b, coaching_entry_label(e[i].kind));
		html_raw(b, "</strong>");
		if (strcmp(e[i].on_day, v->day) > 0)
			html_raw(b, " <span class=\"muted\">(planned)</span>");
		if (*e[i].notes) {
			html_raw(b, "<p class=\"notes\">");
			html_text(b, e[i].notes);
			html_raw(b, "</p>");
		}
		html_raw(b, "</li>");
	}
	if (n)
		html_raw(b, "</ul>");
	if (v->write) {
		html_raw(b, "<h3>Add a meeting or a note</h3>");
		post_open(req, v, "entries");
		html_raw(b, "<div><label for=\"e-kind\">What</label><select id=\"e-kind\""
			    " name=\"kind\">");
		for (int k = 0; k < COACHING_ENTRY__COUNT; k++) {
			html_raw(b, "<option value=\"");
			html_attr(b, coaching_entry_name((enum coaching_entry_kind)k));
			html_raw(b, "\">");
			html_text(b, coaching_entry_label((enum coaching_entry_kind)k));
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></div>");
		input(req, "e-day", "day", "Day (a later day plans a meeting)", "date", v->day);
		input(req, "e-at", "at", "Time (optional)", "time", "");
		html_raw(b, "<div><label for=\"e-notes\">Notes</label><textarea id=\"e-notes\""
			    " name=\"notes\" rows=\"4\"></textarea></div><div><button type=\"submit"
			    "\">Add</button></div></form>");
	}
	html_raw(b, "</section>");
}

static void steps_section(struct http_request *req, const struct view *v)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct coaching_step *s = NULL;
	size_t n = 0;
	coaching_steps(req->db, a->district_id, v->c.id, &req->arena, &s, &n);
	html_raw(b, "<section aria-labelledby=\"h-steps\"><h2 id=\"h-steps\">Action steps</h2>");
	if (!n)
		html_raw(b, "<p class=\"muted\">No step yet.</p>");
	else
		html_raw(b, "<ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li>");
		html_text(b, s[i].body);
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, s[i].owner_name);
		html_raw(b, ", due ");
		html_text(b, s[i].due_on);
		html_raw(b, ")</span> ");
		if (*s[i].done_on) {
			html_raw(b, "<strong>done ");
			html_text(b, s[i].done_on);
			html_raw(b, "</strong>");
		} else if (strcmp(s[i].due_on, v->day) < 0) {
			html_raw(b, "<strong class=\"flag\">overdue</strong>");
		}
		if (v->write && !*s[i].done_on) {
			html_raw(b, " <form method=\"post\" class=\"inline\" action=\"/coaching/");
			html_int(b, v->c.id);
			html_raw(b, "/steps/done\">");
			page_csrf_field(req);
			html_raw(b, "<input type=\"hidden\" name=\"step\" value=\"");
			html_int(b, s[i].id);
			html_raw(b, "\"><button type=\"submit\">Mark done</button></form>");
		}
		html_raw(b, "</li>");
	}
	if (n)
		html_raw(b, "</ul>");
	if (v->write) {
		html_raw(b, "<h3>Add a step</h3>");
		post_open(req, v, "steps");
		input(req, "s-body", "body", "Step", "text", "");
		html_raw(b, "<div><label for=\"s-owner\">Owner</label><select id=\"s-owner\""
			    " name=\"owner\"><option value=\"");
		html_int(b, v->c.coach_id);
		html_raw(b, "\">");
		html_text(b, v->c.coach_name);
		html_raw(b, " (coach)</option>");
		for (size_t i = 0; i < v->c.nteachers; i++) {
			html_raw(b, "<option value=\"");
			html_int(b, v->c.teachers[i]);
			html_raw(b, "\">");
			html_text(b, v->c.teacher_names[i]);
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></div>");
		input(req, "s-due", "due", "Due", "date", v->day);
		html_raw(b, "<div><button type=\"submit\">Add the step</button></div></form>");
	}
	html_raw(b, "</section>");
}

static void resources_section(struct http_request *req, const struct view *v)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct coaching_resource *r = NULL;
	size_t n = 0;
	coaching_resources(req->db, a->district_id, v->c.id, &req->arena, &r, &n);
	html_raw(b, "<section aria-labelledby=\"h-res\"><h2 id=\"h-res\">Resources</h2>");
	if (!n)
		html_raw(b, "<p class=\"muted\">No resource yet.</p>");
	else
		html_raw(b, "<ul>");
	for (size_t i = 0; i < n; i++) {
		char href[COACHING_URL_MAX + 32];
		const char *what = "";
		if (strcmp(r[i].kind, "tool") == 0) {
			snprintf(href, sizeof href, "/tools/%s", r[i].ref);
			what = "tool";
		} else if (strcmp(r[i].kind, "kb") == 0) {
			snprintf(href, sizeof href, "/kb/%s", r[i].ref);
			what = "known fix";
		} else if (strcmp(r[i].kind, "strategy") == 0) {
			href[0] = 0;
			what = "strategy";
		} else {
			str_copy(href, sizeof href, r[i].ref);
			what = "link";
		}
		html_raw(b, "<li>");
		if (*href)
			link(b, href, r[i].title);
		else
			html_text(b, r[i].title);
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, what);
		html_raw(b, ")</span></li>");
	}
	if (n)
		html_raw(b, "</ul>");
	if (v->write) {
		html_raw(b, "<h3>Add a resource</h3>");
		post_open(req, v, "resources");
		html_raw(b, "<div><label for=\"r-kind\">Kind</label><select id=\"r-kind\" name="
			    "\"kind\"><option value=\"url\">A web address</option><option value="
			    "\"tool\">A tool of the inventory (its number)</option><option value="
			    "\"strategy\">A strategy of the library (its id)</option><option value="
			    "\"kb\">A known fix (its number)</option></select></div>");
		input(req, "r-ref", "ref", "Address, number or id", "text", "");
		input(req, "r-title", "title", "Title (optional but for a web address)", "text",
		      "");
		html_raw(b, "<div><button type=\"submit\">Add the resource</button></div></form>");
	}
	html_raw(b, "</section>");
}

static void share_section(struct http_request *req, const struct view *v)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	int64_t *ids = NULL;
	const char **names = NULL;
	size_t n = 0;
	coaching_shares(req->db, a->district_id, v->c.id, &req->arena, &ids, &names, &n);
	html_raw(b, "<section aria-labelledby=\"h-share\"><h2 id=\"h-share\">Who reads the"
		    " notes</h2><p>");
	html_text(b, "The coach and the cycle's teachers");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, i + 1 == n ? " and " : ", ");
		html_text(b, names[i]);
	}
	html_raw(b, ".</p>");
	if (!v->is_teacher) {
		html_raw(b, "</section>");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<form method=\"post\" class=\"inline\" action=\"/coaching/");
		html_int(b, v->c.id);
		html_raw(b, "/share\">");
		page_csrf_field(req);
		html_raw(b,
			 "<input type=\"hidden\" name=\"share\" value=\"0\"><input type=\"hidden\""
			 " name=\"account\" value=\"");
		html_int(b, ids[i]);
		html_raw(b, "\"><button type=\"submit\">Stop sharing with ");
		html_text(b, names[i]);
		html_raw(b, "</button></form> ");
	}
	const char *roles[] = { "principal", "coordinator", "coach", "district_admin" };
	struct coaching_person *p = NULL;
	size_t np = 0;
	coaching_people(req->db, a->district_id, roles, 4, &req->arena, &p, &np);
	post_open(req, v, "share");
	html_raw(b, "<input type=\"hidden\" name=\"share\" value=\"1\"><div><label for=\"sh-acc\">"
		    "Share the notes with</label><select id=\"sh-acc\" name=\"account\">");
	for (size_t i = 0; i < np; i++) {
		if (p[i].id == v->c.coach_id)
			continue;
		html_raw(b, "<option value=\"");
		html_int(b, p[i].id);
		html_raw(b, "\">");
		html_text(b, p[i].name);
		html_raw(b, " (");
		html_text(b, p[i].role_label);
		html_raw(b, ")</option>");
	}
	html_raw(b, "</select></div><div><button type=\"submit\">Share</button></div></form>"
		    "</section>");
}

static void phase_section(struct http_request *req, const struct view *v)
{
	struct buf *b = &req->out;
	if (!v->is_coach)
		return;
	html_raw(b, "<section aria-labelledby=\"h-phase\"><h2 id=\"h-phase\">Move the cycle"
		    "</h2>");
	post_open(req, v, "phase");
	html_raw(b, "<div><label for=\"p-phase\">Phase</label><select id=\"p-phase\" name="
		    "\"phase\">");
	for (int p = 0; p < COACHING_PHASE__COUNT; p++) {
		html_raw(b, "<option value=\"");
		html_attr(b, coaching_phase_name((enum coaching_phase)p));
		html_raw(b, "\"");
		if ((int)v->c.phase == p)
			html_raw(b, " selected");
		html_raw(b, ">");
		html_text(b, coaching_phase_label((enum coaching_phase)p));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div>");
	input(req, "p-day", "day", "Day (for completed or stopped)", "date", v->day);
	html_raw(b, "<div><button type=\"submit\">Save the phase</button></div></form></section>");
}

void page_coaching_cycle(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct view v;
	if (!load(req, &v))
		return;
	struct buf *b = &req->out;
	struct coaching_goal *g = NULL;
	size_t ng = 0;
	/* the goals' progress is the classes' mastery in aggregate: shown (and
	 * read, a point a day) only with the notes, and audited as a bulk view */
	if (v.notes) {
		if (coaching_goals(req->db, a->district_id, v.c.id, v.day, true, &req->arena, &g,
				   &ng)) {
			page_error(req, 503, "Try again", "The cycle's goals could not be read.");
			return;
		}
		for (size_t i = 0; i < v.c.nclasses; i++) {
			int64_t students = 0;
			for (size_t k = 0; k < ng; k++)
				if (strcmp(g[k].class_sid, v.c.classes[i]) == 0 && g[k].npoints)
					students = g[k].points[g[k].npoints - 1].students;
			if (ng && !page_audit_bulk(req, "view", "class", v.c.classes[i], students,
						   "coaching cycle goals"))
				return;
		}
	}
	page_begin(req, v.c.title);
	html_raw(b, "<p>");
	html_textf(b, "Coach: %s. Teachers: ", v.c.coach_name);
	for (size_t i = 0; i < v.c.nteachers; i++) {
		if (i)
			html_raw(b, ", ");
		html_text(b, v.c.teacher_names[i]);
	}
	html_raw(b, ". Classes: ");
	for (size_t i = 0; i < v.c.nclasses; i++) {
		if (i)
			html_raw(b, ", ");
		char href[300];
		snprintf(href, sizeof href, "/classes/%s", v.c.classes[i]);
		if (v.notes)
			link(b, href, v.c.class_titles[i]);
		else
			html_text(b, v.c.class_titles[i]);
	}
	html_raw(b, ".</p><p><strong>Phase: ");
	html_text(b, coaching_phase_label(v.c.phase));
	html_raw(b, "</strong> ");
	html_textf(b, "(started %s%s%s)", v.c.started_on, *v.c.ended_on ? ", ended " : "",
		   v.c.ended_on);
	html_raw(b, "</p>");
	html_raw(b, separate_line);
	if (!v.notes) {
		html_raw(b, "<p>The notes, steps and goals of this cycle are for the coach and its"
			    " teachers; a teacher may share them with you.</p>");
		page_end(req);
		return;
	}
	goals_section(req, &v, g, ng);
	if (v.c.phase == COACHING_COMPLETED) /* did the classes move (h15-impact) */
		coaching_impact_section(req, v.c.id);
	entries_section(req, &v);
	steps_section(req, &v);
	resources_section(req, &v);
	share_section(req, &v);
	phase_section(req, &v);
	page_end(req);
}

/* ---- the POST routes ------------------------------------------------------------- */

/* Loads the cycle for a change by its coach or one of its teachers; else
 * an error page (404 for a cycle the viewer does not see, 403 for one
 * only seen). */
static bool load_for_write(struct http_request *req, struct view *v)
{
	if (!load(req, v))
		return false;
	if (!v->write) {
		page_error(req, 403, "Not allowed",
			   "Only the cycle's coach and teachers change it.");
		return false;
	}
	return true;
}

static void back(struct http_request *req, const struct view *v, const char *anchor)
{
	char to[64];
	snprintf(to, sizeof to, "/coaching/%lld#%s", (long long)v->c.id, anchor);
	http_redirect(req, to);
}

static void answer(struct http_request *req, const struct view *v, enum eb_err rc, const char *why,
		   const char *anchor)
{
	if (rc == EB_EINVAL || rc == EB_EPERM) {
		page_error(req, rc == EB_EPERM ? 403 : 400, "Not saved", why);
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The change could not be saved. Try again.");
		return;
	}
	back(req, v, anchor);
}

void page_coaching_entry(struct http_request *req)
{
	struct view v;
	if (!load_for_write(req, &v))
		return;
	char why[COACHING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = coaching_entry_add(
		req->db, v.c.district_id, v.c.id, http_form(req, "kind"), http_form(req, "day"),
		http_form(req, "at"), http_form(req, "notes"), &who, why, sizeof why);
	answer(req, &v, rc, why, "h-entries");
}

void page_coaching_step(struct http_request *req)
{
	struct view v;
	if (!load_for_write(req, &v))
		return;
	char why[COACHING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = coaching_step_add(req->db, v.c.district_id, v.c.id, http_form(req, "body"),
					   http_form(req, "owner"), http_form(req, "due"), &who,
					   why, sizeof why);
	answer(req, &v, rc, why, "h-steps");
}

void page_coaching_step_done(struct http_request *req)
{
	struct view v;
	int64_t step;
	if (!load_for_write(req, &v))
		return;
	const char *s = http_form(req, "step");
	if (!s || cstr_to_i64(s, 1, INT64_MAX, &step)) {
		page_error(req, 400, "Not saved", "step: which step is done?");
		return;
	}
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = coaching_step_done(req->db, v.c.district_id, v.c.id, step, v.day, &who);
	if (rc == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "There is no such step in this cycle.");
		return;
	}
	answer(req, &v, rc, "", "h-steps");
}

void page_coaching_resource(struct http_request *req)
{
	struct view v;
	if (!load_for_write(req, &v))
		return;
	char why[COACHING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = coaching_resource_add(req->db, v.c.district_id, v.c.id,
					       http_form(req, "kind"), http_form(req, "ref"),
					       http_form(req, "title"), &who, why, sizeof why);
	answer(req, &v, rc, why, "h-res");
}

void page_coaching_goal(struct http_request *req)
{
	struct view v;
	if (!load_for_write(req, &v))
		return;
	const char *confirm = http_form(req, "confirm");
	struct coaching_goal_form f = {
		.kind = http_form(req, "kind"),
		.class_sid = http_form(req, "class"),
		.standards = http_form(req, "standards"),
		.indicator = http_form(req, "indicator"),
		.target = http_form(req, "target"),
		.target_on = http_form(req, "target_on"),
		.confirm = confirm && strcmp(confirm, "1") == 0,
	};
	char why[COACHING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = coaching_goal_add(req->db, v.c.district_id, v.c.id, &f, v.day, &who, NULL,
					   why, sizeof why);
	if (rc == EB_ECONFLICT) {
		/* the warning: the same form again, with the box that keeps the goal */
		struct buf *b = &req->out;
		page_begin(req, "Check the goal");
		req->status = 409;
		page_notice(req, "error", why);
		html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/coaching/");
		html_int(b, v.c.id);
		html_raw(b, "/goals\">");
		page_csrf_field(req);
		static const char *const keep[] = { "kind", "class", "standards", "target",
						    "target_on" };
		for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
			const char *val = http_form(req, keep[i]);
			html_raw(b, "<input type=\"hidden\" name=\"");
			html_attr(b, keep[i]);
			html_raw(b, "\" value=\"");
			html_attr(b, val ? val : "");
			html_raw(b, "\">");
		}
		html_raw(b, "<input type=\"hidden\" name=\"confirm\" value=\"1\"><div><button type="
			    "\"submit\">Keep the goal anyway</button></div></form><p>");
		char href[48];
		snprintf(href, sizeof href, "/coaching/%lld", (long long)v.c.id);
		link(b, href, "Back to the cycle, without the goal");
		html_raw(b, "</p>");
		page_end(req);
		return;
	}
	answer(req, &v, rc, why, "h-goals");
}

void page_coaching_share(struct http_request *req)
{
	struct view v;
	int64_t acc;
	if (!load_for_write(req, &v))
		return;
	const char *s = http_form(req, "account"), *on = http_form(req, "share");
	if (!s || cstr_to_i64(s, 1, INT64_MAX, &acc)) {
		page_error(req, 400, "Not saved", "account: choose whom to share the notes with.");
		return;
	}
	char why[COACHING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = coaching_share_set(req->db, v.c.district_id, v.c.id,
					    &req->session->account, acc,
					    !(on && strcmp(on, "0") == 0), &who, why, sizeof why);
	answer(req, &v, rc, why, "h-share");
}

void page_coaching_phase(struct http_request *req)
{
	struct view v;
	if (!load_for_write(req, &v))
		return;
	if (!v.is_coach) {
		page_error(req, 403, "Not allowed", "The cycle's coach moves it to another phase.");
		return;
	}
	char why[COACHING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = coaching_set_phase(req->db, v.c.district_id, v.c.id,
					    http_form(req, "phase"), http_form(req, "day"), &who,
					    why, sizeof why);
	answer(req, &v, rc, why, "h-phase");
}

/* ---- homes ------------------------------------------------------------------------ */

struct home_coaching {
	struct coaching_meeting *meetings;
	size_t nmeetings;
	struct meeting_row *team_meetings; /* h15-teams: the teams' meetings today */
	size_t nteam;
	struct coaching_row *rows;
	size_t nrows;
	bool coach;
};

static void *home_load(struct home_ctx *h, bool coach)
{
	struct http_request *req = home_ctx_request(h);
	const struct account *a = &req->session->account;
	struct home_coaching *s = arena_zalloc(&req->arena, sizeof *s);
	char day[11];
	if (!s)
		return NULL;
	today(req, day);
	s->coach = coach;
	if (coaching_meetings_on_day(req->db, a->district_id, a->id, day, &req->arena, &s->meetings,
				     &s->nmeetings) ||
	    coaching_list(req->db, a->district_id, coach ? COACHING_OF_COACH : COACHING_OF_TEACHER,
			  a->id, NULL, day, &req->arena, &s->rows, &s->nrows))
		return NULL;
	/* a coach's team meetings come here (the teams' home section leaves them
	 * out for coaches); a teacher's stay in "Your teams" alone */
	if (!coach || teams_meetings_on_day(req->db, a->district_id, a->id, day, &req->arena,
					    &s->team_meetings, &s->nteam))
		s->nteam = 0;
	size_t running = 0;
	for (size_t i = 0; i < s->nrows; i++) {
		if (s->rows[i].phase > COACHING_IMPROVE)
			continue;
		running++;
		char href[48], text[300];
		snprintf(href, sizeof href, "/coaching/%lld", (long long)s->rows[i].id);
		if (coach && s->rows[i].needs_next_step) {
			snprintf(text, sizeof text, "%s: %s", s->rows[i].title,
				 s->rows[i].overdue_steps ? "an action step is overdue"
							  : "no meeting or note for two weeks");
			home_add_step(h, href, text);
		}
		if (s->rows[i].goals_at_risk) {
			snprintf(text, sizeof text, "%s: %d goal%s at risk", s->rows[i].title,
				 s->rows[i].goals_at_risk,
				 s->rows[i].goals_at_risk == 1 ? "" : "s");
			home_add_step(h, href, text);
		}
	}
	if (!coach && !running && !s->nmeetings && !s->nteam)
		return NULL;
	return s;
}

void *coaching_home_coach_load(struct home_ctx *h)
{
	return home_load(h, true);
}

void *coaching_home_teacher_load(struct home_ctx *h)
{
	return home_load(h, false);
}

void coaching_home_write(struct home_ctx *h, void *state)
{
	struct http_request *req = home_ctx_request(h);
	struct home_coaching *s = state;
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-coaching\"><h2 id=\"h-coaching\">");
	html_text(b, s->coach ? "Coaching today" : "Your coaching cycle");
	html_raw(b, "</h2>");
	if (s->nmeetings || s->nteam) {
		html_raw(b, "<p>Meetings today:</p><ul>");
		/* the two lists, each in time order, merged by time ("HH:MM") */
		for (size_t i = 0, j = 0; i < s->nteam || j < s->nmeetings;) {
			const char *tat = i < s->nteam && s->team_meetings[i].at
						  ? s->team_meetings[i].at
						  : "";
			bool team = i < s->nteam &&
				    (j == s->nmeetings || strcmp(tat, s->meetings[j].at) <= 0);
			html_raw(b, "<li>");
			if (team) {
				char href[48];
				snprintf(href, sizeof href, "/meetings/%lld",
					 (long long)s->team_meetings[i].id);
				if (*tat) {
					html_text(b, tat);
					html_raw(b, " ");
				}
				html_text(b, "Team meeting");
				html_raw(b, " &middot; ");
				link(b, href,
				     s->team_meetings[i].team_name ? s->team_meetings[i].team_name
								   : "");
				html_raw(b, "</li>");
				i++;
				continue;
			}
			if (*s->meetings[j].at) {
				html_text(b, s->meetings[j].at);
				html_raw(b, " ");
			}
			html_text(b, s->meetings[j].kind_label);
			html_raw(b, " &middot; ");
			cycle_link(b, s->meetings[j].cycle_id, s->meetings[j].title);
			html_raw(b, " <span class=\"muted\">(");
			html_text(b, s->meetings[j].teachers);
			html_raw(b, ")</span></li>");
			j++;
		}
		html_raw(b, "</ul>");
	} else {
		html_raw(b, "<p>No coaching meeting today.</p>");
	}
	int needs = 0, at_risk = 0;
	bool listed = false;
	for (size_t i = 0; i < s->nrows; i++) {
		if (s->rows[i].phase > COACHING_IMPROVE)
			continue;
		needs += s->rows[i].needs_next_step;
		at_risk += s->rows[i].goals_at_risk;
		if (!s->coach) {
			if (!listed)
				html_raw(b, "<ul>");
			listed = true;
			html_raw(b, "<li>");
			cycle_link(b, s->rows[i].id, s->rows[i].title);
			html_raw(b, ": ");
			html_text(b, coaching_phase_label(s->rows[i].phase));
			if (*s->rows[i].next_meeting) {
				html_raw(b, "; next meeting ");
				html_text(b, s->rows[i].next_meeting);
			}
			if (s->rows[i].open_steps)
				html_textf(b, "; %d open step%s", s->rows[i].open_steps,
					   s->rows[i].open_steps == 1 ? "" : "s");
			html_raw(b, "</li>");
		}
	}
	if (listed)
		html_raw(b, "</ul>");
	if (s->coach) {
		html_raw(b, "<p>");
		html_textf(b, "%d cycle%s need%s a next step; %d goal%s at risk. ", needs,
			   needs == 1 ? "" : "s", needs == 1 ? "s" : "", at_risk,
			   at_risk == 1 ? "" : "s");
		link(b, "/coaching", "Your caseload");
		html_raw(b, "</p>");
	}
	html_raw(b, "</section>");
}
