/* Trainings (issue 14, docs/trainings.md): the list of sessions (upcoming,
 * past; a session with nobody from IT is flagged), one session (details,
 * materials, seats, registration with a waiting list, attendance, the
 * three-question follow-up and its summary, the payoff), the form to plan
 * one; and the trainings' part of the staff homes. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/access.h"
#include "domain/champions.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/evaluation.h"
#include "domain/tools.h"
#include "domain/training.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/home_staff.h"
#include "web/pages/pages.h"
#include "web/pages/trainings.h"
#include "web/router.h"

static const struct tz *zone(struct http_request *req)
{
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	if (district_time_zone(req->db, req->session->account.district_id, zname, sizeof zname) ==
	    EB_OK)
		return tz_get(zname);
	return NULL;
}

static bool param_id(struct http_request *req, int64_t *id)
{
	return req->nparams > 0 && cstr_to_i64(req->params[0], 1, INT64_MAX, id) == EB_OK;
}

static void link(struct buf *b, const char *href, const char *text)
{
	html_raw(b, "<a href=\"");
	html_attr(b, href);
	html_raw(b, "\">");
	html_text(b, text);
	html_raw(b, "</a>");
}

static void where(struct buf *b, const char *place, const char *url)
{
	if (*place)
		html_text(b, place);
	if (*place && *url)
		html_raw(b, " &middot; ");
	if (*url)
		html_raw(b, "online");
}

/* ---- the list ----------------------------------------------------------- */

static void table(struct http_request *req, const struct training_row *r, size_t n, bool past)
{
	struct buf *b = &req->out;
	page_scroll_begin(req, past ? "Past sessions" : "Upcoming sessions");
	html_raw(b, "<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Session</th>"
		    "<th scope=\"col\">Tool</th><th scope=\"col\">Where</th><th scope=\"col\">"
		    "Trainer</th><th scope=\"col\">IT in the room</th><th scope=\"col\">");
	html_text(b, past ? "Attended" : "Seats taken");
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		page_time(req, r[i].starts_at);
		html_raw(b, "</td><td>");
		char href[48];
		snprintf(href, sizeof href, "/trainings/%lld", (long long)r[i].id);
		link(b, href, r[i].title);
		if (r[i].mine)
			html_raw(b, r[i].mine_waiting ? " <span class=\"muted\">(you are on the"
							" waiting list)</span>"
						      : " <span class=\"muted\">(you are"
							" registered)</span>");
		html_raw(b, "</td><td>");
		html_text(b, *r[i].tool_name ? r[i].tool_name : "—");
		html_raw(b, "</td><td>");
		where(b, r[i].place, r[i].online_url);
		html_raw(b, "</td><td>");
		html_text(b, r[i].trainer);
		html_raw(b, "</td><td>");
		if (r[i].it_account_id)
			html_text(b, r[i].it_name);
		else
			html_raw(b, "<strong class=\"flag\">No one from IT yet</strong>");
		html_raw(b, "</td><td>");
		if (past)
			html_textf(b, "%d of %d registered", r[i].attended, r[i].registered);
		else
			html_textf(b, "%d of %d", r[i].registered, r[i].capacity);
		if (!past && r[i].waiting)
			html_textf(b, " (%d waiting)", r[i].waiting);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

void page_trainings(struct http_request *req)
{
	const struct account *a = &req->session->account;
	int64_t tool = 0, now = time_now();
	const char *tq = http_query(req, "tool");
	if (tq && *tq && cstr_to_i64(tq, 1, INT64_MAX, &tool)) {
		page_error(req, 400, "Not a tool", "The tool asked for is not a number.");
		return;
	}
	struct training_row *up = NULL, *past = NULL;
	size_t nup = 0, npast = 0;
	struct tool t;
	if (tool && tools_get(req->db, a->district_id, tool, &t)) {
		page_error(req, 404, "Not found", "There is no such tool in the district.");
		return;
	}
	if (training_list(req->db, a->district_id, true, now, tool, a->id, false, &req->arena, &up,
			  &nup) ||
	    training_list(req->db, a->district_id, false, now, tool, a->id, false, &req->arena,
			  &past, &npast)) {
		page_error(req, 503, "Try again", "The sessions could not be read.");
		return;
	}
	char title[200];
	snprintf(title, sizeof title, tool ? "Trainings: %s" : "Trainings", tool ? t.name : "");
	page_begin(req, title);
	struct buf *b = &req->out;
	html_raw(b, "<p>Sessions on the district's tools and initiatives. IT attends each one, so"
		    " that what goes wrong in a classroom is seen by the people who can fix"
		    " it.");
	if (training_can_manage(a)) {
		html_raw(b, " ");
		link(b, "/trainings/new", "Plan a session");
	}
	html_raw(b, "</p>");
	size_t no_it = 0;
	for (size_t i = 0; i < nup; i++)
		no_it += up[i].it_account_id == 0;
	if (no_it && (access_has(a, ROLE_IT_STAFF) || training_can_manage(a))) {
		html_raw(b, "<p class=\"notice\"><strong>");
		html_textf(b, "%zu upcoming session%s without anyone from IT.", no_it,
			   no_it == 1 ? "" : "s");
		html_raw(b, "</strong> The sessions flagged below need someone from IT in the"
			    " room.</p>");
	}
	html_raw(b, "<h2>Upcoming</h2>");
	if (nup)
		table(req, up, nup, false);
	else
		html_raw(b, "<p class=\"muted\">No session is planned.</p>");
	html_raw(b, "<h2>Past</h2>");
	if (npast)
		table(req, past, npast, true);
	else
		html_raw(b, "<p class=\"muted\">No session has taken place yet.</p>");
	page_end(req);
}

/* ---- planning a session ------------------------------------------------- */

static const struct form_label new_labels[] = {
	{ "title", NULL, "Title" },	   { "tool", NULL, "Tool" },
	{ "date", NULL, "Date and time" }, { "minutes", NULL, "Length" },
	{ "place", NULL, "Place" },	   { "online_url", NULL, "Online link" },
	{ "trainer", NULL, "Trainer" },	   { "it_account", NULL, "Who from IT attends" },
	{ "capacity", NULL, "Seats" },	   { "materials", NULL, "Materials" },
};

static void selected(struct buf *b, const char *cur, int64_t id)
{
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)id);
	if (cur && strcmp(cur, v) == 0)
		html_raw(b, " selected");
}

static void new_form(struct http_request *req, const struct form_errors *e, bool reshow)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	struct tool_row *tools = NULL;
	struct training_person *it = NULL;
	size_t ntools = 0, nit = 0;
	tools_list(req->db, a->district_id, -1, true, &req->arena, &tools, &ntools);
	training_it_staff(req->db, a->district_id, &req->arena, &it, &nit);
	page_begin(req, "Plan a training session");
	if (e)
		form_errors_summary(req, e, new_labels, sizeof new_labels / sizeof new_labels[0]);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/trainings/new\">");
	page_csrf_field(req);
	form_input(req, e, reshow, "title", "Title", "at most 200 characters", "text", "");
	const char *tq = reshow ? http_form(req, "tool") : http_query(req, "tool");
	html_raw(b, "<div><label for=\"tool\">Tool</label><select id=\"tool\" name=\"tool\"");
	form_invalid_attrs(req, e, "tool");
	html_raw(b, "><option value=\"\">Not about one tool</option>");
	for (size_t i = 0; i < ntools; i++) {
		html_raw(b, "<option value=\"");
		html_int(b, tools[i].id);
		html_raw(b, "\"");
		selected(b, tq, tools[i].id);
		html_raw(b, ">");
		html_text(b, tools[i].name);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
	form_field_error(req, e, "tool");
	html_raw(b, "</div>");
	form_input(req, e, reshow, "date", "Date", "the district's time", "date", "");
	form_input(req, e, reshow, "time", "Starts at", "HH:MM", "time", "15:30");
	form_input(req, e, reshow, "minutes", "Length in minutes", NULL, "number", "60");
	form_input(req, e, reshow, "place", "Place", "a room, a school", "text", "");
	form_input(req, e, reshow, "online_url", "Online link", "when online; https://...", "url",
		   "");
	form_input(req, e, reshow, "trainer", "Trainer", NULL, "text", a->display_name);
	const char *iq = reshow ? http_form(req, "it_account") : NULL;
	html_raw(b, "<div><label for=\"it_account\">Who from IT attends</label><select"
		    " id=\"it_account\" name=\"it_account\"");
	form_invalid_attrs(req, e, "it_account");
	html_raw(b, "><option value=\"\">Nobody yet</option>");
	for (size_t i = 0; i < nit; i++) {
		html_raw(b, "<option value=\"");
		html_int(b, it[i].id);
		html_raw(b, "\"");
		selected(b, iq, it[i].id);
		html_raw(b, ">");
		html_text(b, it[i].name);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
	form_field_error(req, e, "it_account");
	html_raw(b, "</div>");
	form_input(req, e, reshow, "capacity", "Seats", NULL, "number", "25");
	html_raw(b,
		 "<div><label for=\"materials\">Materials <span class=\"muted\">(links, one a"
		 " line)</span></label><textarea id=\"materials\" name=\"materials\" rows=\"3\"");
	form_invalid_attrs(req, e, "materials");
	html_raw(b, ">");
	html_text(b, form_value(req, reshow, "materials", ""));
	html_raw(b, "</textarea>");
	form_field_error(req, e, "materials");
	html_raw(b, "</div><div><button type=\"submit\">Plan the session</button></div></form>");
	page_end(req);
}

void page_training_new(struct http_request *req)
{
	new_form(req, NULL, false);
}

void page_training_create(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct training_form f = {
		.title = http_form(req, "title"),
		.tool = http_form(req, "tool"),
		.date = http_form(req, "date"),
		.time = http_form(req, "time"),
		.minutes = http_form(req, "minutes"),
		.place = http_form(req, "place"),
		.online_url = http_form(req, "online_url"),
		.trainer = http_form(req, "trainer"),
		.it_account = http_form(req, "it_account"),
		.capacity = http_form(req, "capacity"),
		.materials = http_form(req, "materials"),
	};
	char why[TRAINING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	int64_t id = 0;
	enum eb_err rc =
		training_create(req->db, a->district_id, &f, zone(req), &who, &id, why, sizeof why);
	if (rc == EB_EINVAL) {
		struct form_errors e = { .n = 0 };
		form_errors_parse(&e, &req->arena, why);
		new_form(req, &e, true);
		req->status = 400;
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The session could not be saved. Try again.");
		return;
	}
	char to[48];
	snprintf(to, sizeof to, "/trainings/%lld", (long long)id);
	http_redirect(req, to);
}

/* ---- one session -------------------------------------------------------- */

static bool load(struct http_request *req, struct training *t)
{
	int64_t id;
	if (!param_id(req, &id) ||
	    training_get(req->db, req->session->account.district_id, id, t) != EB_OK) {
		page_error(req, 404, "Not found", "There is no such training session.");
		return false;
	}
	return true;
}

static void action_form(struct http_request *req, const struct training *t, const char *what,
			const char *button, const char *hidden_name, const char *hidden_value)
{
	struct buf *b = &req->out;
	html_raw(b, "<form method=\"post\" class=\"inline\" action=\"/trainings/");
	html_int(b, t->id);
	html_raw(b, "/");
	html_raw(b, what);
	html_raw(b, "\">");
	page_csrf_field(req);
	if (hidden_name) {
		html_raw(b, "<input type=\"hidden\" name=\"");
		html_attr(b, hidden_name);
		html_raw(b, "\" value=\"");
		html_attr(b, hidden_value);
		html_raw(b, "\">");
	}
	html_raw(b, "<button type=\"submit\">");
	html_text(b, button);
	html_raw(b, "</button></form>");
}

static void payoff_section(struct http_request *req, const struct training *t)
{
	struct buf *b = &req->out;
	struct training_payoff p;
	html_raw(b, "<section aria-labelledby=\"h-payoff\"><h2 id=\"h-payoff\">Did use of the tool"
		    " change?</h2>");
	if (training_payoff(req->db, t->district_id, t, time_now(), &req->arena, &p)) {
		html_raw(b, "<p>The comparison could not be read. Try again later.</p></section>");
		return;
	}
	if (!p.shown) {
		html_raw(b, "<p>");
		html_text(b, p.why);
		html_raw(b, "</p>");
	} else {
		html_raw(b, "<p>");
		html_textf(b,
			   "Weekly share of students using %s, in the %d weeks before the"
			   " session and the %d weeks after its week: classes of teachers who"
			   " attended (%g classes, %g teachers) went from %.0f%% to %.0f%%;"
			   " classes of teachers not yet trained (%g classes, %g teachers) from"
			   " %.0f%% to %.0f%%.",
			   t->tool_name, TRAINING_PAYOFF_WEEKS, TRAINING_PAYOFF_WEEKS, p.n_trained,
			   p.teachers_trained, 100 * p.pre_t, 100 * p.post_t, p.n_not,
			   p.teachers_not, 100 * p.pre_c, 100 * p.post_c);
		html_raw(b, "</p><p><strong>");
		html_textf(b,
			   "Difference in the change: %+.1f percentage points (95%% interval %+.1f"
			   " to %+.1f).",
			   100 * p.diff, 100 * p.lo, 100 * p.hi);
		html_raw(b, "</strong> ");
		html_text(b,
			  p.significant
				  ? "The interval leaves out zero: the attendees' classes changed"
				    " differently from the others'."
				  : "The interval includes zero: no difference can be told from"
				    " chance.");
		html_raw(b, "</p>");
	}
	html_raw(b, "<p class=\"muted\">How to read it: this is a difference in differences"
		    " between early and late adopters. Teachers chose to come, so those who came"
		    " may differ from those who did not in ways the comparison cannot see; it"
		    " shows whether use changed differently, not that the training caused it. The"
		    " interval is corrected for classes of the same teacher. Groups of fewer than"
		    " 10 classes are never shown.</p></section>");
}

static void followup_section(struct http_request *req, const struct training *t,
			     const struct training_seat *mine)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	bool staff = training_can_take_attendance(a, t);
	if (!(mine && mine->attended) && !staff)
		return;
	html_raw(b, "<section aria-labelledby=\"h-follow\"><h2 id=\"h-follow\">Follow-up</h2>");
	if (mine && mine->attended) {
		html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/trainings/");
		html_int(b, t->id);
		html_raw(b, "/follow-up\">");
		page_csrf_field(req);
		html_raw(b, "<fieldset><legend>I can use it in class tomorrow</legend>");
		static const char *const words[5] = { "1 not at all", "2", "3", "4",
						      "5 certainly" };
		for (int k = 0; k < 5; k++) {
			html_raw(b, "<label for=\"ready-");
			html_int(b, k + 1);
			html_raw(b, "\"><input type=\"radio\" name=\"ready\" id=\"ready-");
			html_int(b, k + 1);
			html_raw(b, "\" value=\"");
			html_int(b, k + 1);
			html_raw(b, "\"> ");
			html_text(b, words[k]);
			html_raw(b, "</label> ");
		}
		html_raw(b,
			 "</fieldset><div><label for=\"will_try\">What will you try?</label>"
			 "<textarea id=\"will_try\" name=\"will_try\" rows=\"2\""
			 " maxlength=\"1000\"></textarea></div><div><label for=\"still_need\">"
			 "What do you still need?</label><textarea id=\"still_need\""
			 " name=\"still_need\" rows=\"2\" maxlength=\"1000\"></textarea></div>"
			 "<div><button type=\"submit\">Send the follow-up</button></div></form>");
		if (mine->answered)
			html_raw(b, "<p class=\"muted\">You have answered; sending again replaces"
				    " your answer.</p>");
	}
	if (staff) {
		struct training_followup_summary s;
		if (training_followup_summary(req->db, t->district_id, t->id, &req->arena, &s)) {
			html_raw(b, "<p>The answers could not be read.</p></section>");
			return;
		}
		html_raw(b, "<h3>What attendees said</h3><p>");
		if (!s.answers)
			html_text(b, "No answer yet.");
		else
			html_textf(
				b,
				"%d of %d attendees answered. \"I can use it in class tomorrow\":"
				" %.1f on average out of 5 (1: %d, 2: %d, 3: %d, 4: %d, 5: %d).",
				s.answers, t->attended, s.mean_ready, s.count[0], s.count[1],
				s.count[2], s.count[3], s.count[4]);
		html_raw(b, "</p>");
		if (s.ntry) {
			html_raw(b, "<h4>What they will try</h4><ul>");
			for (size_t i = 0; i < s.ntry; i++) {
				html_raw(b, "<li>");
				html_text(b, s.will_try[i]);
				html_raw(b, "</li>");
			}
			html_raw(b, "</ul>");
		}
		if (s.nneed) {
			html_raw(b, "<h4>What they still need</h4><ul>");
			for (size_t i = 0; i < s.nneed; i++) {
				html_raw(b, "<li>");
				html_text(b, s.still_need[i]);
				html_raw(b, "</li>");
			}
			html_raw(b, "</ul>");
		}
	}
	html_raw(b, "</section>");
}

static void seats_section(struct http_request *req, const struct training *t,
			  const struct training_seat *s, size_t n, bool started)
{
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-seats\"><h2 id=\"h-seats\">Who is coming</h2>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">Nobody has registered yet.</p>");
	} else {
		html_raw(b, "<form method=\"post\" action=\"/trainings/");
		html_int(b, t->id);
		html_raw(b, "/attend\">");
		page_csrf_field(req);
		page_scroll_begin(req, "Seats");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Seat"
			    "</th><th scope=\"col\">Present</th><th scope=\"col\">Follow-up</th>"
			    "</tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			html_raw(b, "<tr><td>");
			html_text(b, s[i].name);
			html_raw(b, "</td><td>");
			html_text(b, s[i].waiting ? "waiting list" : "registered");
			html_raw(b, "</td><td>");
			if (started) {
				html_raw(b, "<input type=\"hidden\" name=\"seat\" value=\"");
				html_int(b, s[i].account_id);
				html_raw(b, "\"><input type=\"checkbox\" name=\"present\" id=\"p-");
				html_int(b, s[i].account_id);
				html_raw(b, "\" value=\"");
				html_int(b, s[i].account_id);
				html_raw(b, "\"");
				if (s[i].attended)
					html_raw(b, " checked");
				html_raw(b, " aria-label=\"");
				html_attr(b, s[i].name);
				html_raw(b, " was present\">");
			} else {
				html_text(b, "not yet");
			}
			html_raw(b, "</td><td>");
			html_text(b, s[i].answered ? "answered" : "—");
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
		if (started)
			html_raw(b, "<p><button type=\"submit\">Save attendance</button></p>");
		html_raw(b, "</form>");
	}
	/* before the start: register someone; after it: add someone who came */
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/trainings/");
	html_int(b, t->id);
	html_raw(b, "/register\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"login\">");
	html_text(b, started ? "Add someone who came" : "Register someone");
	html_raw(b, " <span class=\"muted\">(their sign-in name)</span></label><input id=\"login\""
		    " name=\"login\" type=\"text\"></div>");
	if (!started)
		html_raw(b,
			 "<div class=\"check\"><input type=\"checkbox\" id=\"waitlist-o\""
			 " name=\"waitlist\" value=\"1\"><label for=\"waitlist-o\">On the waiting"
			 " list when the session is full</label></div>");
	html_raw(b, "<div><button type=\"submit\">");
	html_text(b, started ? "Add" : "Register");
	html_raw(b, "</button></div></form>");
	html_raw(b, "</section>");
}

void page_training(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct training t;
	if (!load(req, &t))
		return;
	struct training_seat *seats = NULL, *mine = NULL;
	size_t nseats = 0;
	if (training_seats(req->db, a->district_id, t.id, &req->arena, &seats, &nseats)) {
		page_error(req, 503, "Try again", "The session's seats could not be read.");
		return;
	}
	for (size_t i = 0; i < nseats; i++)
		if (seats[i].account_id == a->id)
			mine = &seats[i];
	int64_t now = time_now();
	bool started = t.starts_at <= now;
	page_begin(req, t.title);
	struct buf *b = &req->out;
	const char *done = http_query(req, "done");
	if (done && strcmp(done, "registered") == 0)
		page_notice(req, "ok", "You are registered.");
	else if (done && strcmp(done, "waiting") == 0)
		page_notice(req, "ok", "The session is full: you are on the waiting list.");
	else if (done && strcmp(done, "cancelled") == 0)
		page_notice(req, "ok", "The seat is given back.");
	else if (done && strcmp(done, "attendance") == 0)
		page_notice(req, "ok", "Attendance is saved.");
	else if (done && strcmp(done, "follow-up") == 0)
		page_notice(req, "ok", "Thank you: your follow-up is saved.");
	html_raw(b, "<dl><dt>When</dt><dd>");
	page_time(req, t.starts_at);
	html_textf(b, " (%d minutes)", t.minutes);
	html_raw(b, "</dd><dt>Where</dt><dd>");
	if (*t.place)
		html_text(b, t.place);
	if (*t.place && *t.online_url)
		html_raw(b, "; ");
	if (*t.online_url)
		link(b, t.online_url, "join online");
	html_raw(b, "</dd><dt>Tool</dt><dd>");
	if (t.tool_id) {
		char href[48];
		snprintf(href, sizeof href, "/trainings?tool=%lld", (long long)t.tool_id);
		link(b, href, t.tool_name);
	} else {
		html_text(b, "Not about one tool");
	}
	html_raw(b, "</dd><dt>Trainer</dt><dd>");
	html_text(b, t.trainer);
	html_raw(b, "</dd><dt>IT in the room</dt><dd>");
	if (t.it_account_id)
		html_text(b, t.it_name);
	else
		html_raw(b, "<strong class=\"flag\">No one from IT yet</strong>");
	html_raw(b, "</dd><dt>Seats</dt><dd>");
	html_textf(b, "%d of %d taken", t.registered, t.capacity);
	if (t.waiting)
		html_textf(b, "; %d on the waiting list", t.waiting);
	if (started)
		html_textf(b, "; %d attended", t.attended);
	html_raw(b, "</dd></dl>");
	if (*t.materials) {
		html_raw(b, "<h2>Materials</h2><ul>");
		for (const char *p = t.materials; *p;) {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			struct str v = str_trim((struct str){ p, len });
			char *url = v.n ? arena_strndup(&req->arena, v.p, v.n) : NULL;
			if (url) {
				html_raw(b, "<li>");
				link(b, url, url);
				html_raw(b, "</li>");
			}
			p += len + (e ? 1 : 0);
		}
		html_raw(b, "</ul>");
	}
	/* one's own seat */
	if (!started) {
		html_raw(b, "<p>");
		if (mine) {
			html_text(b, mine->waiting ? "You are on the waiting list. "
						   : "You are registered. ");
			action_form(req, &t, "cancel", "Give my seat back", NULL, NULL);
		} else if (t.registered >= t.capacity) {
			html_text(b, "The session is full. ");
			action_form(req, &t, "register", "Join the waiting list", "waitlist", "1");
		} else {
			action_form(req, &t, "register", "Register", NULL, NULL);
		}
		html_raw(b, "</p>");
	}
	if (training_can_take_attendance(a, &t))
		seats_section(req, &t, seats, nseats, started);
	if (started)
		followup_section(req, &t, mine);
	if (started && t.tool_id)
		payoff_section(req, &t);
	html_raw(b, "<p>");
	link(b, "/trainings", "All sessions");
	html_raw(b, "</p>");
	page_end(req);
}

/* The account a form names by login (managers register and give back
 * seats for others), else the viewer. False when refused (answered). */
static bool subject(struct http_request *req, const struct training *t, int64_t *id)
{
	const struct account *a = &req->session->account;
	const char *login = http_form(req, "login");
	*id = a->id;
	if (!login || !*login)
		return true;
	if (!training_can_take_attendance(a, t)) {
		page_error(req, 403, "Not allowed",
			   "Only the trainer, a coordinator, a coach or IT register others.");
		return false;
	}
	struct account other;
	if (account_find_login(req->db, a->district_id, login, &other) != EB_OK) {
		page_error(req, 400, "Not registered",
			   "No sign-in of the district has that name. Check the spelling.");
		return false;
	}
	*id = other.id;
	return true;
}

static void back(struct http_request *req, const struct training *t, const char *done)
{
	char to[80];
	snprintf(to, sizeof to, "/trainings/%lld?done=%s", (long long)t->id, done);
	http_redirect(req, to);
}

void page_training_register(struct http_request *req)
{
	struct training t;
	int64_t who_id;
	if (!load(req, &t) || !subject(req, &t, &who_id))
		return;
	const char *wl = http_form(req, "waitlist");
	bool waitlist = wl && *wl && strcmp(wl, "0") != 0;
	char why[TRAINING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum training_seat_state st;
	bool walk_in = training_can_take_attendance(&req->session->account, &t);
	enum eb_err rc = training_register(req->db, t.district_id, t.id, who_id, waitlist, walk_in,
					   &who, &st, why, sizeof why);
	if (rc == EB_ECONFLICT) {
		page_begin(req, "The session is full");
		req->status = 409;
		struct buf *b = &req->out;
		html_raw(b, "<p>");
		html_text(b, why);
		html_raw(b, "</p><p>");
		const char *login = http_form(req, "login");
		action_form(req, &t, "register", "Join the waiting list", "waitlist", "1");
		if (login && *login)
			html_raw(b,
				 " <span class=\"muted\">(for you; to put someone else on the"
				 " list, tick the waiting-list box on the session's page)</span>");
		html_raw(b, "</p>");
		page_end(req);
		return;
	}
	if (rc == EB_EEXIST || rc == EB_EINVAL) {
		page_error(req, rc == EB_EEXIST ? 409 : 400, "Not registered", why);
		return;
	}
	if (rc == EB_ENOTFOUND) {
		page_error(req, 400, "Not registered", "That sign-in is not active.");
		return;
	}
	if (rc) {
		page_error(req, 503, "Not registered", "The seat could not be saved. Try again.");
		return;
	}
	back(req, &t, st == TRAINING_SEAT_WAITING ? "waiting" : "registered");
}

void page_training_cancel(struct http_request *req)
{
	struct training t;
	int64_t who_id;
	if (!load(req, &t) || !subject(req, &t, &who_id))
		return;
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = training_cancel(req->db, t.district_id, t.id, who_id, &who);
	if (rc == EB_ENOTFOUND) {
		page_error(req, 400, "No seat", "There is no seat to give back.");
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The seat could not be given back. Try again.");
		return;
	}
	back(req, &t, "cancelled");
}

#define ATTEND_MAX 1000

void page_training_attend(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct training t;
	if (!load(req, &t))
		return;
	if (!training_can_take_attendance(a, &t)) {
		page_error(req, 403, "Not allowed",
			   "Attendance is taken by the trainer, a coordinator, a coach or IT.");
		return;
	}
	const char **seat = arena_alloc(&req->arena, ATTEND_MAX * sizeof *seat);
	const char **present = arena_alloc(&req->arena, ATTEND_MAX * sizeof *present);
	int64_t *ids = arena_alloc(&req->arena, ATTEND_MAX * sizeof *ids);
	bool *here = arena_alloc(&req->arena, ATTEND_MAX * sizeof *here);
	if (!seat || !present || !ids || !here) {
		page_error(req, 503, "Not saved", "The server is busy. Try again.");
		return;
	}
	int ns = http_form_all(req, "seat", seat, ATTEND_MAX);
	int np = http_form_all(req, "present", present, ATTEND_MAX);
	for (int i = 0; i < ns; i++) {
		if (cstr_to_i64(seat[i], 1, INT64_MAX, &ids[i])) {
			page_error(req, 400, "Not saved", "A seat in the form is not a number.");
			return;
		}
		here[i] = false;
		for (int j = 0; j < np; j++)
			here[i] = here[i] || strcmp(present[j], seat[i]) == 0;
	}
	char why[TRAINING_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = training_set_attendance(req->db, t.district_id, t.id, ids, here,
						 (size_t)ns, time_now(), &who, why, sizeof why);
	if (rc == EB_EINVAL) {
		page_error(req, 400, "Not saved", why);
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "Attendance could not be saved. Try again.");
		return;
	}
	back(req, &t, "attendance");
}

void page_training_followup(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct training t;
	if (!load(req, &t))
		return;
	char why[TRAINING_WHY_CAP] = "";
	enum eb_err rc = training_followup_save(req->db, a->district_id, t.id, a->id,
						http_form(req, "ready"), http_form(req, "will_try"),
						http_form(req, "still_need"), why, sizeof why);
	if (rc == EB_EPERM || rc == EB_EINVAL) {
		const char *colon = strstr(why, ": ");
		page_error(req, rc == EB_EPERM ? 403 : 400, "Follow-up not saved",
			   rc == EB_EINVAL && colon ? colon + 2 : why);
		return;
	}
	if (rc) {
		page_error(req, 503, "Not saved", "The follow-up could not be saved. Try again.");
		return;
	}
	back(req, &t, "follow-up");
}

/* ---- homes -------------------------------------------------------------- */

struct home_trainings {
	struct training_row *up;
	size_t nup, no_it;
	bool teacher, champions;
};

void *trainings_home_load(struct home_ctx *h)
{
	struct http_request *req = home_ctx_request(h);
	const struct account *a = &req->session->account;
	struct home_trainings *s = arena_zalloc(&req->arena, sizeof *s);
	if (!s)
		return NULL;
	s->teacher = !(training_can_manage(a));
	if (training_list(req->db, a->district_id, true, time_now(), 0, a->id, s->teacher,
			  &req->arena, &s->up, &s->nup))
		return NULL;
	s->champions = champions_can_view(a);
	if (s->teacher && !s->nup && !s->champions)
		return NULL;
	for (size_t i = 0; i < s->nup; i++)
		s->no_it += s->up[i].it_account_id == 0;
	if (!s->teacher && s->no_it) {
		char text[120];
		snprintf(text, sizeof text,
			 "%zu upcoming training session%s without anyone from IT", s->no_it,
			 s->no_it == 1 ? "" : "s");
		home_add_step(h, "/trainings", text);
	}
	return s;
}

void trainings_home_write(struct home_ctx *h, void *state)
{
	struct http_request *req = home_ctx_request(h);
	struct home_trainings *s = state;
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-trainings\"><h2 id=\"h-trainings\">");
	html_text(b, s->teacher ? "Your trainings" : "Trainings");
	html_raw(b, "</h2><p>");
	if (!s->nup) {
		html_text(b, s->teacher ? "You have not registered for a session. "
					: "No session is planned. ");
	} else {
		html_text(b, s->teacher ? "You are registered for: " : "Next: ");
		char href[48];
		snprintf(href, sizeof href, "/trainings/%lld", (long long)s->up[0].id);
		link(b, href, s->up[0].title);
		html_raw(b, ", ");
		page_time(req, s->up[0].starts_at);
		if (s->teacher && s->up[0].mine_waiting)
			html_text(b, " (waiting list)");
		html_raw(b, ". ");
		if (s->nup > 1)
			html_textf(b, "%zu more upcoming. ", s->nup - 1);
		if (!s->teacher && s->no_it)
			html_textf(b, "%zu without anyone from IT. ", s->no_it);
	}
	link(b, "/trainings", "All sessions");
	if (s->champions) {
		html_raw(b, " &middot; ");
		link(b, "/champions", "Likely tech champions, from the data");
	}
	html_raw(b, "</p></section>");
}
