/* Teams, meetings and action items (issue 15, docs/teams.md): /teams (my
 * teams; leaders their scope), /teams/new, /teams/:id (members, next
 * meeting, open action items, and the data the team watches: the
 * initiative's evaluation in plain words, the school's weakest standards in
 * aggregate, the tool's open tickets), /meetings/:id (agenda, attendance,
 * notes, decisions, action items, with forms; prints without them),
 * /action-items (mine or a team's, open / overdue / done); and the "action
 * items due" part of the staff homes. Family representatives are members
 * by name: they never sign in through a team. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/initiatives.h"
#include "domain/mastery_views.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/teams.h"
#include "domain/ticket.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/home_staff.h"
#include "web/pages/initiatives.h"
#include "web/pages/pages.h"
#include "web/pages/teams.h"
#include "web/router.h"

#define TEAMS_WEAK_MIN_STUDENTS 10

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

static const struct tz *zone(struct http_request *req)
{
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	if (district_time_zone(req->db, district_of(req), zname, sizeof zname) == EB_OK)
		return tz_get(zname);
	return NULL;
}

static bool param_id(struct http_request *req, int i, int64_t *id)
{
	return req->nparams > i && cstr_to_i64(req->params[i], 1, INT64_MAX, id) == EB_OK;
}

static void link(struct buf *b, const char *href, const char *text)
{
	html_raw(b, "<a href=\"");
	html_attr(b, href);
	html_raw(b, "\">");
	html_text(b, text);
	html_raw(b, "</a>");
}

static void link_id(struct buf *b, const char *prefix, int64_t id, const char *text)
{
	char href[64];
	snprintf(href, sizeof href, "%s%lld", prefix, (long long)id);
	link(b, href, text);
}

static void scope_words(struct buf *b, enum team_kind kind, const char *initiative,
			const char *school, int grade)
{
	if (kind == TEAM_INITIATIVE) {
		html_text(b, "Initiative: ");
		html_text(b, initiative);
	} else if (kind == TEAM_GRADE) {
		if (grade == 0)
			html_text(b, "Kindergarten, ");
		else
			html_textf(b, "Grade %d, ", grade);
		html_text(b, school);
	} else {
		html_text(b, school);
	}
}

/* ---- /teams ---------------------------------------------------------------- */

void page_teams(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct team_row *rows = NULL;
	size_t n = 0;
	if (teams_list(req->db, district_of(req), a, time_now(), &req->arena, &rows, &n)) {
		page_error(req, 503, "Try again", "The teams could not be read.");
		return;
	}
	page_begin(req, "Teams");
	struct buf *b = &req->out;
	html_raw(b, "<p>Teams of teachers, coaches, leaders, IT, tech champions, vendor contacts"
		    " and family representatives around an initiative, a school or a grade. Each"
		    " team page starts the meeting from the same data.</p><p>");
	if (teams_can_create(a)) {
		link(b, "/teams/new", "Start a team");
		html_raw(b, " &middot; ");
	}
	link(b, "/action-items", "My action items");
	html_raw(b, "</p>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">You are on no team yet.</p>");
		page_end(req);
		return;
	}
	page_scroll_begin(req, "Teams");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Team</th><th scope=\"col\">Works on</th>"
		    "<th scope=\"col\">Members</th><th scope=\"col\">Next meeting</th>"
		    "<th scope=\"col\">Open action items</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		link_id(b, "/teams/", rows[i].id, rows[i].name);
		if (rows[i].mine)
			html_raw(b, " <span class=\"muted\">(you are on it)</span>");
		html_raw(b, "</td><td>");
		scope_words(b, rows[i].kind, rows[i].initiative_title, rows[i].school_name,
			    rows[i].grade);
		html_raw(b, "</td><td>");
		html_int(b, rows[i].members);
		html_raw(b, "</td><td>");
		if (rows[i].next_meeting)
			page_time(req, rows[i].next_meeting);
		else
			html_text(b, "None planned");
		html_raw(b, "</td><td>");
		html_int(b, rows[i].open_items);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

/* ---- /teams/new ------------------------------------------------------------- */

static const struct form_label team_labels[] = {
	{ "name", NULL, "Name" },
	{ "kind", NULL, "The team works on" },
	{ "initiative", NULL, "Initiative" },
	{ "school", NULL, "School" },
	{ "grade", NULL, "Grade" },
	{ "purpose", NULL, "Purpose" },
	{ "team", NULL, "Team" },
};

static void option(struct buf *b, const char *value, const char *label, const char *cur)
{
	html_raw(b, "<option value=\"");
	html_attr(b, value);
	html_raw(b, "\"");
	if (cur && strcmp(cur, value) == 0)
		html_raw(b, " selected");
	html_raw(b, ">");
	html_text(b, label);
	html_raw(b, "</option>");
}

static void new_form(struct http_request *req, const struct form_errors *e, bool reshow)
{
	struct buf *b = &req->out;
	struct initiative_row *inits = NULL;
	struct roster_org_row *schools = NULL;
	size_t ninits = 0, nschools = 0;
	initiative_list(req->db, district_of(req), &req->arena, &inits, &ninits);
	roster_schools(req->db, district_of(req), &req->arena, &schools, &nschools);
	page_begin(req, "Start a team");
	if (e)
		form_errors_summary(req, e, team_labels,
				    sizeof team_labels / sizeof team_labels[0]);
	html_raw(b, "<p>You become the team's first member; add the others on its page."
		    " Family representatives are added by name: a team gives no one access to"
		    " student records.</p>");
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/teams/new\">");
	page_csrf_field(req);
	form_input(req, e, reshow, "name", "Name", "at most 200 characters", "text", "");
	const char *kind = form_value(req, reshow, "kind",
				      http_query(req, "initiative") ? "initiative" : "school");
	html_raw(b, "<div><label for=\"kind\">The team works on</label><select id=\"kind\""
		    " name=\"kind\"");
	form_invalid_attrs(req, e, "kind");
	html_raw(b, ">");
	option(b, "initiative", "An initiative", kind);
	option(b, "school", "A school", kind);
	option(b, "grade", "A grade of a school", kind);
	html_raw(b, "</select>");
	form_field_error(req, e, "kind");
	html_raw(b, "</div>");
	const char *ini = form_value(req, reshow, "initiative", http_query(req, "initiative"));
	html_raw(b,
		 "<div><label for=\"initiative\">Initiative <span class=\"muted\">(for an"
		 " initiative team)</span></label><select id=\"initiative\" name=\"initiative\"");
	form_invalid_attrs(req, e, "initiative");
	html_raw(b, "><option value=\"\">None</option>");
	for (size_t i = 0; i < ninits; i++) {
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)inits[i].id);
		option(b, v, inits[i].title, ini);
	}
	html_raw(b, "</select>");
	form_field_error(req, e, "initiative");
	html_raw(b, "</div>");
	const char *sch = form_value(req, reshow, "school", "");
	html_raw(b, "<div><label for=\"school\">School <span class=\"muted\">(for a school or"
		    " grade team)</span></label><select id=\"school\" name=\"school\"");
	form_invalid_attrs(req, e, "school");
	html_raw(b, "><option value=\"\">None</option>");
	for (size_t i = 0; i < nschools; i++)
		option(b, schools[i].sourced_id, schools[i].name, sch);
	html_raw(b, "</select>");
	form_field_error(req, e, "school");
	html_raw(b, "</div>");
	form_input(req, e, reshow, "grade", "Grade", "for a grade team: K to 12", "text", "");
	html_raw(b, "<div><label for=\"purpose\">Purpose <span class=\"muted\">(what the team"
		    " watches and decides)</span></label><textarea id=\"purpose\" name=\"purpose\""
		    " rows=\"3\"");
	form_invalid_attrs(req, e, "purpose");
	html_raw(b, ">");
	html_text(b, form_value(req, reshow, "purpose", ""));
	html_raw(b, "</textarea>");
	form_field_error(req, e, "purpose");
	html_raw(b, "</div><div><button type=\"submit\">Start the team</button></div></form>");
	page_end(req);
}

void page_team_new(struct http_request *req)
{
	new_form(req, NULL, false);
}

void page_team_create(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct team_form f = {
		.name = http_form(req, "name"),
		.kind = http_form(req, "kind"),
		.initiative = http_form(req, "initiative"),
		.school = http_form(req, "school"),
		.grade = http_form(req, "grade"),
		.purpose = http_form(req, "purpose"),
	};
	char why[TEAMS_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	int64_t id = 0;
	enum eb_err rc = teams_create(req->db, a->district_id, &f, a, &who, time_now(), &id, why,
				      sizeof why);
	if (rc == EB_EINVAL) {
		struct form_errors e = { .n = 0 };
		form_errors_parse(&e, &req->arena, why);
		new_form(req, &e, true);
		req->status = 400;
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The team could not be saved. Try again.");
		return;
	}
	char to[48];
	snprintf(to, sizeof to, "/teams/%lld", (long long)id);
	http_redirect(req, to);
}

/* ---- loading with the visibility rule --------------------------------------- */

static bool load_team(struct http_request *req, int64_t id, struct team *t, bool edit)
{
	const struct account *a = &req->session->account;
	if (teams_get(req->db, district_of(req), id, t) != EB_OK) {
		page_error(req, 404, "Not found", "There is no such team.");
		return false;
	}
	if (!teams_can_view(req->db, a, t)) {
		page_error(req, 403, "Not your team",
			   "Only the team's members and the leaders of its school see it.");
		return false;
	}
	if (edit && !teams_can_edit(req->db, a, t)) {
		page_error(req, 403, "Not your team", "Only the team's members change it.");
		return false;
	}
	return true;
}

static bool load_meeting(struct http_request *req, struct meeting *g, struct team *t, bool edit)
{
	int64_t id;
	if (!param_id(req, 0, &id) ||
	    teams_meeting_get(req->db, district_of(req), id, &req->arena, g) != EB_OK) {
		page_error(req, 404, "Not found", "There is no such meeting.");
		return false;
	}
	return load_team(req, g->team_id, t, edit);
}

/* A refused form on a team or meeting page: the page with the reason
 * (400), nothing stored. */
static void refused(struct http_request *req, const char *title, const char *why,
		    const char *back_href, const char *back_text)
{
	page_begin(req, title);
	struct buf *b = &req->out;
	html_raw(b, "<div class=\"notice error\" role=\"alert\"><p><strong>Nothing was saved."
		    "</strong> ");
	html_text(b, why);
	html_raw(b, "</p></div><p>");
	link(b, back_href, back_text);
	html_raw(b, "</p>");
	page_end(req);
	req->status = 400;
}

/* ---- /teams/:id -------------------------------------------------------------- */

static void items_table(struct http_request *req, const struct action_item *x, size_t n,
			bool team_column, bool forms)
{
	struct buf *b = &req->out;
	page_scroll_begin(req, "Action items");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Action</th><th scope=\"col\">Owner</th>"
		    "<th scope=\"col\">Due</th><th scope=\"col\">Status</th>");
	if (team_column)
		html_raw(b, "<th scope=\"col\">Team</th>");
	if (forms)
		html_raw(b, "<th scope=\"col\" class=\"noprint\">Change</th>");
	html_raw(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, x[i].text);
		html_raw(b, " <span class=\"muted\">(");
		link_id(b, "/meetings/", x[i].meeting_id, x[i].meeting_day);
		html_raw(b, ")</span></td><td>");
		html_text(b, x[i].owner_name);
		html_raw(b, "</td><td>");
		html_text(b, x[i].due);
		html_raw(b, "</td><td>");
		if (x[i].overdue)
			html_raw(b, "<strong class=\"flag\">Overdue</strong>");
		else
			html_text(b, teams_action_status_label(x[i].status));
		html_raw(b, "</td>");
		if (team_column) {
			html_raw(b, "<td>");
			link_id(b, "/teams/", x[i].team_id, x[i].team_name);
			html_raw(b, "</td>");
		}
		if (forms) {
			html_raw(b, "<td class=\"noprint\"><form method=\"post\" class=\"inline\""
				    " action=\"/action-items/");
			html_int(b, x[i].id);
			html_raw(b, "/status\">");
			page_csrf_field(req);
			const char *to = x[i].status == ACTION_OPEN ? "done" : "open";
			html_raw(b, "<input type=\"hidden\" name=\"status\" value=\"");
			html_attr(b, to);
			html_raw(b, "\"><button type=\"submit\">");
			html_text(b, x[i].status == ACTION_OPEN ? "Mark done" : "Reopen");
			html_raw(b, "<span class=\"sr\">: ");
			html_text(b, x[i].text);
			html_raw(b, "</span></button></form>");
			if (x[i].status == ACTION_OPEN) {
				html_raw(b, " <form method=\"post\" class=\"inline\""
					    " action=\"/action-items/");
				html_int(b, x[i].id);
				html_raw(b, "/status\">");
				page_csrf_field(req);
				html_raw(b,
					 "<input type=\"hidden\" name=\"status\" value=\"dropped\">"
					 "<button type=\"submit\">Drop<span"
					 " class=\"sr\">: ");
				html_text(b, x[i].text);
				html_raw(b, "</span></button></form>");
			}
			html_raw(b, "</td>");
		}
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

/* The initiative's evaluation in plain words (the evaluation engine's small
 * group rule applies), with a link to the whole report for those who see
 * initiatives. */
static void watch_initiative(struct http_request *req, const struct team *t)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct initiative in;
	html_raw(b, "<h3>The initiative</h3>");
	if (initiative_get(req->db, district_of(req), t->initiative_id, &req->arena, &in)) {
		html_raw(b, "<p class=\"muted\">The initiative could not be read.</p>");
		return;
	}
	html_raw(b, "<p>");
	html_text(b, in.title);
	html_raw(b, ": ");
	html_text(b, initiative_status_label(in.status));
	html_raw(b, ", review on ");
	html_text(b, in.review_date);
	html_raw(b, ".</p>");
	struct evaluated ev;
	initiatives_evaluate_headline(req, &in, &ev, NULL);
	html_raw(b, "<p>");
	if (ev.ok) {
		struct buf plain;
		buf_init(&plain, 2048);
		eval_write_plain(ev.r, in.tool_name, &plain);
		html_text(b, buf_cstr(&plain));
		buf_free(&plain);
	} else {
		html_text(b, "No result yet: ");
		html_text(b, ev.why);
	}
	html_raw(b, "</p>");
	bool leaders = access_has(a, ROLE_DISTRICT_ADMIN) || access_has(a, ROLE_COORDINATOR) ||
		       access_has(a, ROLE_PRINCIPAL) || access_has(a, ROLE_COACH);
	if (leaders) {
		html_raw(b, "<p>");
		link_id(b, "/initiatives/", in.id, "The initiative's evaluation and decisions");
		html_raw(b, "</p>");
	}
}

/* The school's weakest standards, in aggregate (never a student), for
 * viewers who see the school. */
static void watch_mastery(struct http_request *req, const struct team *t)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	html_raw(b, "<h3>Mastery at ");
	html_text(b, t->school_name);
	html_raw(b, "</h3>");
	if (access_school(req->db, a, t->school_sid) != EB_OK) {
		html_raw(b, "<p class=\"muted\">The school's mastery is shown to its staff.</p>");
		return;
	}
	struct mastery_standard_summary *w = NULL;
	size_t n = 0;
	if (mastery_weakest_standards(req->db, district_of(req), t->school_sid,
				      TEAMS_WEAK_MIN_STUDENTS, 5, &req->arena, &w, &n)) {
		html_raw(b, "<p class=\"muted\">The mastery could not be read just now.</p>");
		return;
	}
	if (!n) {
		html_textf(b, "No standard has %d students measured yet.", TEAMS_WEAK_MIN_STUDENTS);
		return;
	}
	if (t->kind == TEAM_GRADE)
		html_raw(b, "<p class=\"muted\">The whole school's figures: the grade's classes are"
			    " on their class pages.</p>");
	html_raw(b, "<p>Standards where the largest share of students is not yet there (whole"
		    " groups only):</p><ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li>");
		char href[96];
		snprintf(href, sizeof href, "/standards/%s", w[i].standard);
		link(b, href, page_std_label(req, w[i].standard));
		const struct standard *s = standards_find(w[i].standard);
		if (s && s->cluster_heading && *s->cluster_heading) {
			/* the heading is a sentence: without its full stop in brackets */
			size_t hl = strlen(s->cluster_heading);
			if (s->cluster_heading[hl - 1] == '.')
				hl--;
			char *h = arena_strndup(&req->arena, s->cluster_heading, hl);
			html_raw(b, " (");
			html_text(b, h ? h : "");
			html_raw(b, ")");
		}
		html_textf(b, ": %lld of %lld students not yet there", (long long)w[i].not_yet,
			   (long long)w[i].students);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
}

/* The tool's open tickets that the viewer may see. */
static void watch_tickets(struct http_request *req, const struct team *t)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	html_raw(b, "<h3>Open tickets on ");
	html_text(b, t->tool_name);
	html_raw(b, "</h3>");
	struct ticket_filter f = {
		.tool_id = t->tool_id, .status = -1, .active_only = true, .limit = 10
	};
	struct ticket_row *rows = NULL;
	size_t n = 0;
	if (ticket_list(req->db, district_of(req), a, &f, &req->arena, &rows, &n)) {
		html_raw(b, "<p class=\"muted\">The tickets could not be read just now.</p>");
		return;
	}
	if (!n) {
		html_raw(b, "<p>No open ticket you can see.</p>");
		return;
	}
	html_raw(b, "<ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li>");
		link_id(b, "/tickets/", rows[i].id, rows[i].title);
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, ticket_status_label(rows[i].status));
		html_raw(b, ", ");
		html_text(b, ticket_priority_label(rows[i].priority));
		html_raw(b, ")</span></li>");
	}
	html_raw(b, "</ul><p>");
	char href[64];
	snprintf(href, sizeof href, "/tickets?tool=%lld", (long long)t->tool_id);
	link(b, href, "All the tool's tickets");
	html_raw(b, "</p>");
}

static void member_form(struct http_request *req, const struct team *t)
{
	struct buf *b = &req->out;
	html_raw(b, "<details class=\"noprint\"><summary>Add a member</summary><form"
		    " class=\"stack\" method=\"post\" action=\"/teams/");
	html_int(b, t->id);
	html_raw(b, "/members\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"m-role\">Role on the team</label><select id=\"m-role\""
		    " name=\"role\">");
	for (int r = 0; r < TEAM_ROLE__COUNT; r++)
		option(b, teams_role_name((enum team_role)r), teams_role_label((enum team_role)r),
		       "teacher");
	html_raw(b, "</select></div><div><label for=\"m-account\">Their edbridge sign-in <span"
		    " class=\"muted\">(for staff)</span></label><input id=\"m-account\""
		    " name=\"account\" type=\"text\"></div><div><label for=\"m-name\">Name <span"
		    " class=\"muted\">(for a family representative or partner)</span></label>"
		    "<input id=\"m-name\" name=\"name\" type=\"text\"></div><div><label"
		    " for=\"m-email\">Email for reminders <span class=\"muted\">(family"
		    " representative or partner; optional)</span></label><input id=\"m-email\""
		    " name=\"email\" type=\"email\"></div><div class=\"check\"><input"
		    " id=\"m-connector\" name=\"connector\" type=\"checkbox\" value=\"1\"><label"
		    " for=\"m-connector\">A connector: links the team to classrooms (a coach, a"
		    " partner)</label></div><div><button type=\"submit\">Add the member</button>"
		    "</div></form></details>");
}

static void meeting_form(struct http_request *req, const struct team *t)
{
	struct buf *b = &req->out;
	html_raw(b, "<details class=\"noprint\"><summary>Plan a meeting</summary><form"
		    " class=\"stack\" method=\"post\" action=\"/teams/");
	html_int(b, t->id);
	html_raw(b, "/meetings\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"g-date\">Date</label><input id=\"g-date\" name=\"date\""
		    " type=\"date\"></div><div><label for=\"g-time\">Starts at</label><input"
		    " id=\"g-time\" name=\"time\" type=\"time\" value=\"15:30\"></div><div><label"
		    " for=\"g-minutes\">Length in minutes</label><input id=\"g-minutes\""
		    " name=\"minutes\" type=\"number\" value=\"45\"></div><div><label"
		    " for=\"g-place\">Place</label><input id=\"g-place\" name=\"place\""
		    " type=\"text\"></div><div><label for=\"g-agenda\">Agenda <span"
		    " class=\"muted\">(one item a line)</span></label><textarea id=\"g-agenda\""
		    " name=\"agenda\" rows=\"4\"></textarea></div><div><button type=\"submit\">Plan"
		    " the meeting</button></div></form></details>");
}

void page_team(struct http_request *req)
{
	const struct account *a = &req->session->account;
	int64_t id;
	struct team t;
	if (!param_id(req, 0, &id)) {
		page_error(req, 404, "Not found", "There is no such team.");
		return;
	}
	if (!load_team(req, id, &t, false))
		return;
	struct team_member *m = NULL;
	struct meeting_row *g = NULL;
	struct action_item *x = NULL;
	size_t nm = 0, ng = 0, nx = 0;
	char today[11];
	teams_today(req->db, district_of(req), time_now(), today);
	struct action_query q = { .team_id = t.id, .filter = ACTION_F_OPEN, .today = today };
	if (teams_members(req->db, district_of(req), t.id, &req->arena, &m, &nm) ||
	    teams_meetings(req->db, district_of(req), t.id, &req->arena, &g, &ng) ||
	    teams_actions(req->db, district_of(req), &q, &req->arena, &x, &nx)) {
		page_error(req, 503, "Try again", "The team could not be read.");
		return;
	}
	bool edit = teams_can_edit(req->db, a, &t);
	page_begin(req, t.name);
	struct buf *b = &req->out;
	const char *done = http_query(req, "done");
	if (done && strcmp(done, "member") == 0)
		page_notice(req, "ok", "The member is added.");
	else if (done && strcmp(done, "removed") == 0)
		page_notice(req, "ok", "The member is removed.");
	html_raw(b, "<p>");
	html_text(b, teams_kind_label(t.kind));
	html_raw(b, " &middot; ");
	scope_words(b, t.kind, t.initiative_title, t.school_name, t.grade);
	html_raw(b, "</p>");
	if (*t.purpose) {
		html_raw(b, "<p>");
		html_text(b, t.purpose);
		html_raw(b, "</p>");
	}
	/* the next meeting first */
	int64_t now = time_now();
	const struct meeting_row *next = NULL;
	for (size_t i = 0; i < ng; i++)
		if (g[i].starts_at + (int64_t)g[i].minutes * 60 >= now)
			next = &g[i]; /* newest first: the last one kept is the soonest */
	html_raw(b, "<h2>Next meeting</h2><p>");
	if (next) {
		page_time(req, next->starts_at);
		if (*next->place) {
			html_raw(b, ", ");
			html_text(b, next->place);
		}
		html_raw(b, ". ");
		link_id(b, "/meetings/", next->id, "Agenda and notes");
	} else {
		html_text(b, "None planned.");
	}
	html_raw(b, "</p>");
	if (edit)
		meeting_form(req, &t);
	/* what the team watches */
	html_raw(b, "<h2>What the team watches</h2>");
	if (t.kind == TEAM_INITIATIVE)
		watch_initiative(req, &t);
	else
		watch_mastery(req, &t);
	if (t.tool_id)
		watch_tickets(req, &t);
	html_raw(b, "<h2>Open action items</h2>");
	if (nx)
		items_table(req, x, nx, false, edit);
	else
		html_raw(b, "<p>None open.</p>");
	html_raw(b, "<p>");
	char href[64];
	snprintf(href, sizeof href, "/action-items?team=%lld&amp;show=all", (long long)t.id);
	html_raw(b, "<a href=\"");
	html_raw(b, href);
	html_raw(b, "\">All the team's action items</a></p>");
	html_raw(b, "<h2>Members</h2>");
	page_scroll_begin(req, "Members");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Role on the"
		    " team</th><th scope=\"col\">Connector</th>");
	if (edit)
		html_raw(b, "<th scope=\"col\" class=\"noprint\">Change</th>");
	html_raw(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < nm; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, m[i].name);
		if (!m[i].account_id)
			html_raw(b, " <span class=\"muted\">(by name; no access to student"
				    " records)</span>");
		html_raw(b, "</td><td>");
		html_text(b, teams_role_label(m[i].role));
		html_raw(b, "</td><td>");
		html_text(b, m[i].connector ? "Yes" : "");
		html_raw(b, "</td>");
		if (edit) {
			html_raw(b, "<td class=\"noprint\"><form method=\"post\" class=\"inline\""
				    " action=\"/teams/");
			html_int(b, t.id);
			html_raw(b, "/members/");
			html_int(b, m[i].id);
			html_raw(b, "/remove\">");
			page_csrf_field(req);
			html_raw(b, "<button type=\"submit\">Remove<span class=\"sr\">: ");
			html_text(b, m[i].name);
			html_raw(b, "</span></button></form></td>");
		}
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (edit)
		member_form(req, &t);
	html_raw(b, "<h2>Meetings</h2>");
	if (!ng) {
		html_raw(b, "<p>No meeting yet.</p>");
	} else {
		html_raw(b, "<ul>");
		for (size_t i = 0; i < ng; i++) {
			html_raw(b, "<li>");
			char label[64];
			snprintf(label, sizeof label, "%s at %s", g[i].day, g[i].at);
			link_id(b, "/meetings/", g[i].id, label);
			html_textf(b, ": %d decision%s, %d action item%s", g[i].decisions,
				   g[i].decisions == 1 ? "" : "s", g[i].actions,
				   g[i].actions == 1 ? "" : "s");
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "<p>");
	link(b, "/teams", "All teams");
	html_raw(b, "</p>");
	page_end(req);
}

static void back_to_team(struct http_request *req, int64_t team, const char *done)
{
	char to[80];
	snprintf(to, sizeof to, "/teams/%lld?done=%s", (long long)team, done);
	http_redirect(req, to);
}

void page_team_member_add(struct http_request *req)
{
	int64_t id, mid;
	struct team t;
	if (!param_id(req, 0, &id)) {
		page_error(req, 404, "Not found", "There is no such team.");
		return;
	}
	if (!load_team(req, id, &t, true))
		return;
	struct team_member_form f = {
		.role = http_form(req, "role"),
		.account = http_form(req, "account"),
		.name = http_form(req, "name"),
		.email = http_form(req, "email"),
		.connector = http_form(req, "connector"),
	};
	char why[TEAMS_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = teams_member_add(req->db, district_of(req), t.id, &f, &who, time_now(),
					  &mid, why, sizeof why);
	char back[48];
	snprintf(back, sizeof back, "/teams/%lld", (long long)t.id);
	if (rc == EB_EINVAL || rc == EB_EEXIST) {
		refused(req, "Member not added", why, back, "Back to the team");
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The member could not be added. Try again.");
		return;
	}
	back_to_team(req, t.id, "member");
}

void page_team_member_remove(struct http_request *req)
{
	int64_t id, mid;
	struct team t;
	if (!param_id(req, 0, &id) || !param_id(req, 1, &mid)) {
		page_error(req, 404, "Not found", "There is no such member.");
		return;
	}
	if (!load_team(req, id, &t, true))
		return;
	char why[TEAMS_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc =
		teams_member_remove(req->db, district_of(req), t.id, mid, &who, why, sizeof why);
	char back[48];
	snprintf(back, sizeof back, "/teams/%lld", (long long)t.id);
	if (rc == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "That person is not on this team.");
		return;
	}
	if (rc == EB_ECONFLICT || rc == EB_EINVAL) {
		refused(req, "Member not removed", why, back, "Back to the team");
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The member could not be removed. Try again.");
		return;
	}
	back_to_team(req, t.id, "removed");
}

void page_team_meeting_create(struct http_request *req)
{
	int64_t id, mid = 0;
	struct team t;
	if (!param_id(req, 0, &id)) {
		page_error(req, 404, "Not found", "There is no such team.");
		return;
	}
	if (!load_team(req, id, &t, true))
		return;
	struct meeting_form f = {
		.date = http_form(req, "date"),
		.time = http_form(req, "time"),
		.minutes = http_form(req, "minutes"),
		.place = http_form(req, "place"),
		.agenda = http_form(req, "agenda"),
	};
	char why[TEAMS_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = teams_meeting_create(req->db, district_of(req), t.id, &f, zone(req), &who,
					      time_now(), &mid, why, sizeof why);
	char back[48];
	snprintf(back, sizeof back, "/teams/%lld", (long long)t.id);
	if (rc == EB_EINVAL || rc == EB_ETOOBIG) {
		refused(req, "Meeting not planned", why, back, "Back to the team");
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The meeting could not be saved. Try again.");
		return;
	}
	char to[48];
	snprintf(to, sizeof to, "/meetings/%lld", (long long)mid);
	http_redirect(req, to);
}

/* ---- /meetings/:id ------------------------------------------------------------ */

static void form_open(struct http_request *req, const struct meeting *g, const char *what)
{
	struct buf *b = &req->out;
	html_raw(b, "<form class=\"stack noprint\" method=\"post\" action=\"/meetings/");
	html_int(b, g->id);
	html_raw(b, "/");
	html_raw(b, what);
	html_raw(b, "\">");
	page_csrf_field(req);
}

static const char *from_to_words(const char *stored)
{
	enum initiative_status s;
	return initiative_status_parse(stored, &s) == EB_OK ? initiative_status_label(s) : stored;
}

void page_meeting(struct http_request *req)
{
	struct meeting g;
	struct team t;
	if (!load_meeting(req, &g, &t, false))
		return;
	const struct account *a = &req->session->account;
	int64_t d = district_of(req);
	struct meeting_agenda_item *ag = NULL;
	struct meeting_attendance *at = NULL;
	struct meeting_decision *dc = NULL;
	struct action_item *x = NULL;
	struct team_member *m = NULL;
	size_t nag = 0, nat = 0, ndc = 0, nx = 0, nm = 0;
	char today[11];
	teams_today(req->db, d, time_now(), today);
	struct action_query q = { .meeting_id = g.id, .today = today };
	if (teams_agenda(req->db, d, g.id, &req->arena, &ag, &nag) ||
	    teams_attendance(req->db, d, g.id, &req->arena, &at, &nat) ||
	    teams_decisions(req->db, d, g.id, &req->arena, &dc, &ndc) ||
	    teams_actions(req->db, d, &q, &req->arena, &x, &nx) ||
	    teams_members(req->db, d, t.id, &req->arena, &m, &nm)) {
		page_error(req, 503, "Try again", "The meeting could not be read.");
		return;
	}
	bool edit = teams_can_edit(req->db, a, &t);
	char title[TEAMS_NAME_MAX + 40];
	snprintf(title, sizeof title, "%s: meeting of %s", t.name, g.day);
	page_begin(req, title);
	struct buf *b = &req->out;
	const char *done = http_query(req, "done");
	if (done && *done)
		page_notice(req, "ok", "Saved.");
	html_raw(b, "<p>");
	page_time(req, g.starts_at);
	html_textf(b, " (%d minutes)", g.minutes);
	if (*g.place) {
		html_raw(b, ", ");
		html_text(b, g.place);
	}
	html_raw(b, ". Team: ");
	link_id(b, "/teams/", t.id, t.name);
	html_raw(b, " <span class=\"noprint\">&middot; Print this page for the record: the forms"
		    " are left out.</span></p>");
	/* agenda */
	html_raw(b, "<h2>Agenda</h2>");
	if (nag) {
		html_raw(b, "<ol>");
		for (size_t i = 0; i < nag; i++) {
			html_raw(b, "<li>");
			html_text(b, ag[i].text);
			html_raw(b, "</li>");
		}
		html_raw(b, "</ol>");
	} else {
		html_raw(b, "<p>No agenda yet.</p>");
	}
	if (edit) {
		form_open(req, &g, "agenda");
		html_raw(b, "<div><label for=\"a-text\">Add an agenda item</label><input"
			    " id=\"a-text\" name=\"text\" type=\"text\"></div><div><button"
			    " type=\"submit\">Add</button></div></form>");
	}
	/* attendance */
	html_raw(b, "<h2>Attendance</h2>");
	if (edit) {
		form_open(req, &g, "attendance");
		html_raw(b, "<fieldset><legend>Who came</legend>");
	} else {
		html_raw(b, "<ul>");
	}
	for (size_t i = 0; i < nat; i++) {
		if (!edit) {
			html_raw(b, "<li>");
			html_text(b, at[i].name);
			html_raw(b, ": ");
			html_text(b, at[i].present == 1	  ? "present"
				     : at[i].present == 0 ? "absent"
							  : "not taken");
			html_raw(b, "</li>");
			continue;
		}
		char nm_[24];
		snprintf(nm_, sizeof nm_, "m%lld", (long long)at[i].member_id);
		html_raw(b, "<div class=\"check\"><span>");
		html_text(b, at[i].name);
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, teams_role_label(at[i].role));
		html_raw(b, ")</span>:</span> ");
		static const char *const vals[2] = { "present", "absent" };
		for (int v = 0; v < 2; v++) {
			html_raw(b, "<input type=\"radio\" id=\"");
			html_attr(b, nm_);
			html_raw(b, "-");
			html_raw(b, vals[v]);
			html_raw(b, "\" name=\"");
			html_attr(b, nm_);
			html_raw(b, "\" value=\"");
			html_raw(b, vals[v]);
			html_raw(b, "\"");
			if ((v == 0 && at[i].present == 1) || (v == 1 && at[i].present == 0))
				html_raw(b, " checked");
			html_raw(b, "><label for=\"");
			html_attr(b, nm_);
			html_raw(b, "-");
			html_raw(b, vals[v]);
			html_raw(b, "\">");
			html_raw(b, vals[v]);
			html_raw(b, "<span class=\"sr\">: ");
			html_text(b, at[i].name);
			html_raw(b, "</span></label> ");
		}
		html_raw(b, "</div>");
	}
	if (edit) {
		html_raw(b, "</fieldset><div><button type=\"submit\">Save attendance</button></div>"
			    "</form>");
		/* the printed record: who came, in words */
		html_raw(b, "<p class=\"print-only\">");
		for (size_t i = 0; i < nat; i++) {
			html_text(b, at[i].name);
			html_text(b, at[i].present == 1	  ? " (present)"
				     : at[i].present == 0 ? " (absent)"
							  : " (not taken)");
			if (i + 1 < nat)
				html_raw(b, "; ");
		}
		html_raw(b, "</p>");
	} else {
		html_raw(b, "</ul>");
	}
	/* notes */
	html_raw(b, "<h2>Notes</h2>");
	if (edit) {
		form_open(req, &g, "notes");
		html_raw(b, "<div><label for=\"n-notes\">Notes</label><textarea id=\"n-notes\""
			    " name=\"notes\" rows=\"6\">");
		html_text(b, g.notes);
		html_raw(b, "</textarea></div><div><button type=\"submit\">Save the notes</button>"
			    "</div></form>");
		if (*g.notes) {
			html_raw(b, "<div class=\"print-only\"><p>");
			html_text(b, g.notes);
			html_raw(b, "</p></div>");
		}
	} else {
		html_raw(b, "<p>");
		html_text(b, *g.notes ? g.notes : "No notes.");
		html_raw(b, "</p>");
	}
	/* decisions */
	html_raw(b, "<h2>Decisions</h2>");
	if (ndc) {
		html_raw(b, "<ol>");
		for (size_t i = 0; i < ndc; i++) {
			html_raw(b, "<li>");
			html_text(b, dc[i].text);
			if (*dc[i].to) {
				html_raw(b, " <span class=\"muted\">(the initiative moved from ");
				html_text(b, from_to_words(dc[i].from));
				html_raw(b, " to ");
				html_text(b, from_to_words(dc[i].to));
				html_raw(b, ")</span>");
			}
			html_raw(b, "</li>");
		}
		html_raw(b, "</ol>");
	} else {
		html_raw(b, "<p>No decision recorded.</p>");
	}
	if (edit) {
		form_open(req, &g, "decisions");
		html_raw(b, "<div><label for=\"d-text\">Decision</label><textarea id=\"d-text\""
			    " name=\"text\" rows=\"2\"></textarea></div>");
		if (t.kind == TEAM_INITIATIVE) {
			html_raw(b,
				 "<div><label for=\"d-status\">Also the initiative's status"
				 " <span class=\"muted\">(recorded on the initiative with this"
				 " meeting)</span></label><select id=\"d-status\" name=\"status\">"
				 "<option value=\"\">No change</option>");
			for (int s = 0; s < INIT__COUNT; s++)
				option(b, initiative_status_name((enum initiative_status)s),
				       initiative_status_label((enum initiative_status)s), "");
			html_raw(b, "</select></div><div><label for=\"d-evidence\">Evidence <span"
				    " class=\"muted\">(needed to continue, change or stop)</span>"
				    "</label><textarea id=\"d-evidence\" name=\"evidence\""
				    " rows=\"2\"></textarea></div>");
		}
		html_raw(b,
			 "<div><button type=\"submit\">Record the decision</button></div></form>");
	}
	/* action items */
	html_raw(b, "<h2>Action items</h2>");
	if (nx)
		items_table(req, x, nx, false, edit);
	else
		html_raw(b, "<p>No action item.</p>");
	if (edit) {
		form_open(req, &g, "actions");
		html_raw(b, "<div><label for=\"x-text\">Action</label><input id=\"x-text\""
			    " name=\"text\" type=\"text\"></div><div><label for=\"x-owner\">Owner"
			    "</label><select id=\"x-owner\" name=\"owner\">");
		for (size_t i = 0; i < nm; i++) {
			char v[24];
			snprintf(v, sizeof v, "%lld", (long long)m[i].id);
			option(b, v, m[i].name, "");
		}
		html_raw(b, "</select></div><div><label for=\"x-due\">Due</label><input"
			    " id=\"x-due\" name=\"due\" type=\"date\" value=\"");
		html_attr(b, g.day);
		html_raw(b, "\"></div><div><button type=\"submit\">Add the action item</button>"
			    "</div></form>");
	}
	page_end(req);
}

static void back_to_meeting(struct http_request *req, int64_t id, const char *done)
{
	char to[80];
	snprintf(to, sizeof to, "/meetings/%lld?done=%s", (long long)id, done);
	http_redirect(req, to);
}

/* The answer to a meeting form: back to the meeting, or the refusal. */
static void meeting_answer(struct http_request *req, const struct meeting *g, enum eb_err rc,
			   const char *why, const char *done)
{
	char back[48];
	snprintf(back, sizeof back, "/meetings/%lld", (long long)g->id);
	if (rc == EB_EINVAL || rc == EB_ETOOBIG || rc == EB_ECONFLICT) {
		refused(req, "Not saved", why, back, "Back to the meeting");
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "It could not be saved. Try again.");
		return;
	}
	back_to_meeting(req, g->id, done);
}

void page_meeting_agenda(struct http_request *req)
{
	struct meeting g;
	struct team t;
	if (!load_meeting(req, &g, &t, true))
		return;
	char why[TEAMS_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	const char *text = http_form(req, "text");
	enum eb_err rc = teams_agenda_add(req->db, district_of(req), g.id, text ? text : "", &who,
					  why, sizeof why);
	meeting_answer(req, &g, rc, why, "agenda");
}

void page_meeting_notes(struct http_request *req)
{
	struct meeting g;
	struct team t;
	if (!load_meeting(req, &g, &t, true))
		return;
	char why[TEAMS_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = teams_notes_set(req->db, district_of(req), g.id, http_form(req, "notes"),
					 &who, why, sizeof why);
	meeting_answer(req, &g, rc, why, "notes");
}

void page_meeting_attendance(struct http_request *req)
{
	struct meeting g;
	struct team t;
	if (!load_meeting(req, &g, &t, true))
		return;
	struct meeting_attendance *at = NULL;
	size_t nat = 0;
	if (teams_attendance(req->db, district_of(req), g.id, &req->arena, &at, &nat)) {
		page_error(req, 503, "Try again", "The meeting could not be read.");
		return;
	}
	int64_t *ids = arena_alloc(&req->arena, (nat + 1) * sizeof *ids);
	bool *present = arena_alloc(&req->arena, (nat + 1) * sizeof *present);
	if (!ids || !present) {
		page_error(req, 503, "Try again", "Out of memory.");
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < nat; i++) {
		char nm_[24];
		snprintf(nm_, sizeof nm_, "m%lld", (long long)at[i].member_id);
		const char *v = http_form(req, nm_);
		if (!v || !*v)
			continue;
		ids[n] = at[i].member_id;
		present[n++] = strcmp(v, "present") == 0;
	}
	char why[TEAMS_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = teams_attendance_set(req->db, district_of(req), g.id, ids, present, n,
					      &who, why, sizeof why);
	meeting_answer(req, &g, rc, why, "attendance");
}

void page_meeting_decision(struct http_request *req)
{
	struct meeting g;
	struct team t;
	if (!load_meeting(req, &g, &t, true))
		return;
	char why[INIT_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	const char *text = http_form(req, "text");
	enum eb_err rc = teams_decision_add(req->db, district_of(req), g.id, text ? text : "",
					    http_form(req, "status"), http_form(req, "evidence"),
					    &who, time_now(), why, sizeof why);
	meeting_answer(req, &g, rc, why, "decision");
}

void page_meeting_action(struct http_request *req)
{
	struct meeting g;
	struct team t;
	if (!load_meeting(req, &g, &t, true))
		return;
	struct action_form f = {
		.text = http_form(req, "text"),
		.owner = http_form(req, "owner"),
		.due = http_form(req, "due"),
	};
	if (!f.text)
		f.text = "";
	char why[TEAMS_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	int64_t id;
	enum eb_err rc = teams_action_add(req->db, district_of(req), g.id, &f, &who, time_now(),
					  &id, why, sizeof why);
	meeting_answer(req, &g, rc, why, "action");
}

/* ---- /action-items ------------------------------------------------------------- */

void page_action_items(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *show = http_query(req, "show");
	const char *tq = http_query(req, "team");
	enum action_filter f = teams_action_filter_parse(show);
	char today[11];
	teams_today(req->db, district_of(req), time_now(), today);
	struct action_query q = { .owner_account_id = a->id, .filter = f, .today = today };
	struct team t;
	bool team_view = tq && *tq;
	if (team_view) {
		int64_t tid;
		if (cstr_to_i64(tq, 1, INT64_MAX, &tid)) {
			page_error(req, 400, "Not a team", "The team asked for is not a number.");
			return;
		}
		if (!load_team(req, tid, &t, false))
			return;
		q.team_id = tid;
	}
	struct action_item *x = NULL;
	size_t n = 0;
	if (teams_actions(req->db, district_of(req), &q, &req->arena, &x, &n)) {
		page_error(req, 503, "Try again", "The action items could not be read.");
		return;
	}
	char title[TEAMS_NAME_MAX + 40];
	snprintf(title, sizeof title, team_view ? "Action items: %s" : "My action items",
		 team_view ? t.name : "");
	page_begin(req, title);
	struct buf *b = &req->out;
	if (http_query(req, "done"))
		page_notice(req, "ok", "Saved.");
	static const struct {
		const char *key, *label;
	} tabs[] = {
		{ "open", "Open" }, { "overdue", "Overdue" }, { "done", "Done" }, { "all", "All" }
	};
	html_raw(b, "<nav aria-label=\"Filter\" class=\"noprint\"><p>Show: ");
	for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++) {
		if (i)
			html_raw(b, " &middot; ");
		if ((int)i == (int)f) {
			html_raw(b, "<strong aria-current=\"page\">");
			html_text(b, tabs[i].label);
			html_raw(b, "</strong>");
			continue;
		}
		char href[96];
		if (team_view)
			snprintf(href, sizeof href, "/action-items?team=%lld&show=%s",
				 (long long)t.id, tabs[i].key);
		else
			snprintf(href, sizeof href, "/action-items?show=%s", tabs[i].key);
		link(b, href, tabs[i].label);
	}
	html_raw(b, "</p></nav>");
	if (n) {
		bool edit = !team_view || teams_can_edit(req->db, a, &t);
		items_table(req, x, n, !team_view, edit);
	} else {
		html_raw(b, "<p>No action item here.</p>");
	}
	html_raw(b, "<p>");
	if (team_view)
		link_id(b, "/teams/", t.id, "Back to the team");
	else
		link(b, "/teams", "My teams");
	html_raw(b, "</p>");
	page_end(req);
}

void page_action_item_status(struct http_request *req)
{
	const struct account *a = &req->session->account;
	int64_t id;
	struct action_item x;
	if (!param_id(req, 0, &id) ||
	    teams_action_get(req->db, district_of(req), id, &req->arena, &x) != EB_OK) {
		page_error(req, 404, "Not found", "There is no such action item.");
		return;
	}
	struct team t;
	if (!load_team(req, x.team_id, &t, x.owner_account_id != a->id))
		return;
	char why[TEAMS_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = teams_action_set_status(req->db, district_of(req), id,
						 http_form(req, "status"), &who, time_now(), why,
						 sizeof why);
	if (rc == EB_EINVAL) {
		refused(req, "Not saved", why, "/action-items", "My action items");
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "It could not be saved. Try again.");
		return;
	}
	/* back where the form was */
	const char *ref = http_header(req, "Referer");
	const char *path = ref ? strstr(ref, "://") : NULL;
	path = path ? strchr(path + 3, '/') : NULL;
	if (path && (strncmp(path, "/meetings/", 10) == 0 || strncmp(path, "/teams/", 7) == 0) &&
	    strlen(path) < 80 && !strchr(path, '?')) {
		char to[100];
		snprintf(to, sizeof to, "%s?done=status", path);
		http_redirect(req, to);
		return;
	}
	http_redirect(req, "/action-items?done=status");
}

/* ---- the homes: action items due ------------------------------------------------ */

struct home_teams {
	struct action_item *x;
	size_t n;
	size_t overdue;
	struct meeting_row *g; /* the viewer's team meetings today (not for coaches: their
				* coaching home leads with them, h15-cycles) */
	size_t ng;
};

void *teams_home_load(struct home_ctx *h)
{
	struct http_request *req = home_ctx_request(h);
	const struct account *a = &req->session->account;
	struct home_teams *s = arena_zalloc(&req->arena, sizeof *s);
	if (!s)
		return NULL;
	char today[11], through[11];
	teams_today(req->db, a->district_id, time_now(), today);
	/* due within the reminder window */
	int32_t days = 0;
	date_parse_ymd(str_from(today), &days);
	int y;
	unsigned mo, d;
	civil_from_days(days + TEAMS_REMIND_DAYS, &y, &mo, &d);
	snprintf(through, sizeof through, "%04d-%02u-%02u", y, mo, d);
	if (teams_action_items_due(req->db, a->district_id, a->id, today, through, 5, &req->arena,
				   &s->x, &s->n))
		s->n = 0;
	if (!access_has(a, ROLE_COACH) && teams_meetings_on_day(req->db, a->district_id, a->id,
								today, &req->arena, &s->g, &s->ng))
		s->ng = 0;
	if (!s->n && !s->ng)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		s->overdue += s->x[i].overdue;
	if (s->overdue) {
		char text[96];
		snprintf(text, sizeof text, "%zu team action item%s overdue", s->overdue,
			 s->overdue == 1 ? "" : "s");
		home_add_step(h, "/action-items?show=overdue", text);
	}
	return s;
}

void teams_home_write(struct home_ctx *h, void *state)
{
	struct http_request *req = home_ctx_request(h);
	struct home_teams *s = state;
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-actions\"><h2 id=\"h-actions\">Your teams"
		    "</h2>");
	if (s->ng) {
		html_raw(b, "<p>Meeting today: ");
		for (size_t i = 0; i < s->ng; i++) {
			if (i)
				html_raw(b, "; ");
			char label[TEAMS_NAME_MAX + 16];
			snprintf(label, sizeof label, "%s at %s", s->g[i].team_name, s->g[i].at);
			link_id(b, "/meetings/", s->g[i].id, label);
		}
		html_raw(b, ".</p>");
	}
	if (s->n) {
		html_raw(b, "<p>Action items due:</p><ul>");
		for (size_t i = 0; i < s->n; i++) {
			html_raw(b, "<li>");
			html_text(b, s->x[i].text);
			html_raw(b, " (");
			link_id(b, "/teams/", s->x[i].team_id, s->x[i].team_name);
			html_raw(b, "): ");
			if (s->x[i].overdue)
				html_raw(b, "<strong class=\"flag\">overdue</strong>, was due ");
			else
				html_raw(b, "due ");
			html_text(b, s->x[i].due);
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "<p>");
	link(b, "/action-items", "All my action items");
	html_raw(b, " &middot; ");
	link(b, "/teams", "My teams");
	html_raw(b, "</p></section>");
}
