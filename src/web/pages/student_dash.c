/* The student dashboard's parts (the student's home: one place for all
 * their work), formative feedback and families' messages to the teacher.
 *
 * - The student's home (family.c's page_family_home_student leads with what
 *   to work on next and the progress by unit, then calls
 *   page_student_dash_sections): per class, the next step in words and the
 *   links into each tool's activity for it (domain/recommend, the tool's
 *   launch address from domain/dashboard), the learning-plan goals, the
 *   teachers' feedback with an answer box, the reflection "what helped me"
 *   (the learning plan's, domain/learning_plans).
 * - Feedback (domain/feedback): a teacher writes it on the student page
 *   (one student) or on /classes/:id/feedback (a saved small group at
 *   once); the student answers it; /classes/:id/feedback shows a coach,
 *   principal or teacher the class's pattern.
 * - A family's message to the teacher (domain/family_message) from the
 *   family page, translated into English for the teacher and listed on the
 *   student page; unread ones are a step on the teacher's home.
 *
 * Students and families read their language (TR); staff parts are English.
 * Every read of a student's record is audited by the page that calls these
 * (page_student_open, the home page's summary entry); every write is
 * audited by the domain. */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/dashboard.h"
#include "domain/district.h"
#include "domain/family_lang.h"
#include "domain/family_message.h"
#include "domain/feedback.h"
#include "domain/groups.h"
#include "domain/home_activities.h"
#include "domain/learning_plans.h"
#include "domain/mastery.h"
#include "domain/mastery_views.h"
#include "domain/recommend.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/translate.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/home_staff.h"
#include "web/pages/pages.h"
#include "web/router.h"

/* feedback shown on a page, and weeks of a class's pattern */
#define FEEDBACK_SHOWN 20
#define PATTERN_WEEKS 4
#define MESSAGES_SHOWN 20
#define TOOL_LINKS 3

/* The family description of a standard (or of what it is part of). */
static const char *words_of(const char *code)
{
	for (const struct standard *s = standards_find(code); s; s = s->parent)
		if (s->family_description && *s->family_description)
			return s->family_description;
	return NULL;
}

/* English text (the catalog's, a teacher's) on a page that may not be. */
static void english(struct buf *b, const struct i18n_lang *L, const char *s)
{
	if (L && L != i18n_english()) {
		html_raw(b, "<span lang=\"en\" dir=\"ltr\">");
		html_text(b, s);
		html_raw(b, "</span>");
	} else {
		html_text(b, s);
	}
}

static void standard_line(struct buf *b, const struct i18n_lang *L, const char *code)
{
	const char *w = words_of(code);
	english(b, L, w ? w : code);
}

static const char *level_words(const struct i18n_lang *L, enum mastery_level l)
{
	static const char *const w[MASTERY_LEVEL_COUNT] = {
		N_("Just starting"),
		N_("Getting there"),
		N_("You can do it"),
		N_("You know it well"),
	};
	return TR(L, w[l]);
}

/* ---- the student's home: per class, goals, feedback, reflection -------- */

/* Links into the tools that could lead sid to focus (lplan_suggest: what
 * the next best intervention ranks for the student, else the approved
 * tools that cover the standard): "Practice it in <tool>", each to the
 * activity's launch address or the tool's own. Nothing when none. */
static void tool_links(struct http_request *req, const char *sid, const char *focus)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	int64_t d = req->session->account.district_id;
	struct lplan_pathway *r = NULL;
	size_t nr = 0;
	if (lplan_suggest(req->db, d, sid, focus, REC_MAX, &req->arena, &r, &nr))
		nr = 0;
	size_t shown = 0;
	int64_t seen[TOOL_LINKS] = { 0 };
	for (size_t i = 0; i < nr && shown < TOOL_LINKS; i++) {
		if (r[i].tool_id <= 0)
			continue;
		bool dup = false;
		for (size_t k = 0; k < shown; k++)
			dup |= seen[k] == r[i].tool_id;
		const char *name, *url;
		if (dup ||
		    dashboard_tool_link(req->db, d, r[i].tool_id, focus, &req->arena, &name, &url))
			continue;
		seen[shown++] = r[i].tool_id;
		html_raw(b, shown == 1 ? "<ul class=\"fam-short\">" : "");
		html_raw(b, "<li>");
		if (*url) {
			html_raw(b, "<a href=\"");
			html_attr(b, url);
			html_raw(b, "\" rel=\"noopener\">");
		}
		html_textf(b, TR(L, "Practice it in %s"), name);
		if (*url)
			html_raw(b, "</a>");
		/* support tickets (issue 14): "this app isn't working" */
		html_raw(b, " <a href=\"/tickets/new?tool=");
		html_int(b, seen[shown - 1]);
		html_raw(b, "\">");
		html_text(b, TR(L, "This app isn't working"));
		html_raw(b, "</a></li>");
	}
	if (shown)
		html_raw(b, "</ul>");
}

/* The student's need in a class: a measured standard below Proficient of
 * the class's grade (any grade when none is), the newest first. */
static const char *class_focus(const struct mastery_row *cells, size_t n,
			       const struct district_levels *lv, const char *grades)
{
	int g = groups_class_grade(grades);
	const char *best = NULL, *any = NULL;
	int64_t best_at = -1, any_at = -1;
	for (size_t i = 0; i < n; i++) {
		const struct mastery_cell *c = &cells[i].c;
		const struct standard *s = standards_find(cells[i].standard);
		if (c->inferred || !s || s->kind == STANDARD_CLUSTER ||
		    s->kind == STANDARD_PRACTICE ||
		    mastery_level_of(lv, c->p) >= MASTERY_PROFICIENT)
			continue;
		if (c->last_at > any_at) {
			any = cells[i].standard;
			any_at = c->last_at;
		}
		if ((g < 0 || s->grade == g) && c->last_at > best_at) {
			best = cells[i].standard;
			best_at = c->last_at;
		}
	}
	return best ? best : any;
}

static void classes_part(struct http_request *req, const char *sid,
			 const struct district_levels *lv)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	int64_t d = req->session->account.district_id;
	struct roster_class_row *c = NULL;
	size_t nc = 0;
	if (roster_student_classes(req->db, d, sid, &req->arena, &c, &nc) || !nc)
		return;
	struct mastery_row *cells = NULL;
	size_t ncells = 0;
	if (mastery_student_cells(req->db, d, sid, &req->arena, &cells, &ncells))
		ncells = 0;
	html_raw(b, "<section aria-labelledby=\"h-dash-classes\"><h2 id=\"h-dash-classes\">");
	html_text(b, TR(L, "Next in each class"));
	html_raw(b, "</h2><ul class=\"fam-list\">");
	for (size_t i = 0; i < nc; i++) {
		html_raw(b, "<li><p class=\"fam-what\">");
		html_text(b, c[i].title);
		html_raw(b, "</p>");
		const char *focus = class_focus(cells, ncells, lv, c[i].grades);
		if (!focus) {
			html_raw(b, "<p class=\"muted\">");
			html_text(b, TR(L, "Nothing waiting here: keep practicing in class."));
			html_raw(b, "</p></li>");
			continue;
		}
		html_raw(b, "<p><span class=\"fam-label\">");
		html_text(b, TR(L, "Work on:"));
		html_raw(b, "</span> ");
		standard_line(b, L, focus);
		html_raw(b, "</p>");
		tool_links(req, sid, focus);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
}

static void goals_part(struct http_request *req, const char *sid)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	int64_t d = req->session->account.district_id;
	struct lplan plan;
	if (lplan_get(req->db, d, sid, &req->arena, &plan) || !plan.ngoals)
		return;
	html_raw(b, "<section aria-labelledby=\"h-dash-goals\"><h2 id=\"h-dash-goals\">");
	html_text(b, TR(L, "Your goals"));
	html_raw(b, "</h2><ul class=\"fam-list\">");
	for (size_t i = 0; i < plan.ngoals; i++) {
		const struct lplan_goal *g = &plan.goals[i];
		html_raw(b, "<li><p class=\"fam-what\">");
		standard_line(b, L, g->standard);
		html_raw(b, "</p><p>");
		if (g->reached)
			html_text(b, TR(L, "Goal reached!"));
		else if (g->measured)
			html_text(b, level_words(L, g->level));
		else
			html_text(b, TR(L, "Not practiced yet"));
		html_raw(b, "</p>");
		if (!g->reached)
			tool_links(req, sid, g->standard);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
}

/* One feedback item opened: <li>, the standard, the teacher's words, who
 * and when; the caller adds what follows and closes the </li>. */
static void feedback_item(struct http_request *req, const struct feedback *f)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	html_raw(b, "<li><p class=\"fam-what\">");
	standard_line(b, L, f->standard);
	html_raw(b, "</p><blockquote class=\"fam-note\"><p>");
	english(b, L, f->body);
	html_raw(b, "</p></blockquote><p class=\"muted\">");
	html_textf(b, TR(L, "From %s."), f->author);
	html_raw(b, " ");
	page_time(req, f->at);
	html_raw(b, "</p>");
}

static void thread(struct http_request *req, const struct feedback *f, bool student_view)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	if (!f->nanswers)
		return;
	html_raw(b, "<ul class=\"fb-thread\">");
	for (size_t k = 0; k < f->nanswers; k++) {
		const struct feedback_answer *a = &f->answers[k];
		html_raw(b, "<li><span class=\"fam-label\">");
		if (student_view)
			html_text(b, a->by_student ? TR(L, "You wrote:")
						   : TR(L, "Your teacher wrote:"));
		else
			html_text(b, a->by_student ? "The student wrote:" : "You wrote:");
		html_raw(b, "</span> ");
		if (student_view && !a->by_student) {
			english(b, L, a->body);
		} else {
			html_raw(b, "<span dir=\"auto\">");
			html_text(b, a->body);
			html_raw(b, "</span>");
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
}

static void answer_form(struct http_request *req, const char *sid, const struct feedback *f,
			bool student_view)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	if (f->nanswers >= FEEDBACK_THREAD_MAX)
		return;
	char id[32];
	snprintf(id, sizeof id, "fb-%lld", (long long)f->id);
	html_raw(b, "<form method=\"post\" action=\"/students/");
	html_url(b, sid);
	buf_printf(b, "/feedback/%lld/answer\" class=\"fb-answer\">", (long long)f->id);
	page_csrf_field(req);
	html_raw(b, "<label for=\"");
	html_attr(b, id);
	html_raw(b, "\">");
	html_text(b, student_view ? TR(L, "Your answer") : "Your answer to the student");
	html_raw(b, "</label><textarea id=\"");
	html_attr(b, id);
	buf_printf(b, "\" name=\"body\" rows=\"2\" maxlength=\"%d\" required></textarea>",
		   FEEDBACK_ANSWER_MAX);
	html_raw(b, "<button type=\"submit\">");
	html_text(b, student_view ? TR(L, "Send") : "Send");
	html_raw(b, "</button></form>");
}

static void feedback_part(struct http_request *req, const char *sid)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	int64_t d = req->session->account.district_id;
	struct feedback *f = NULL;
	size_t n = 0;
	bool ok = feedback_of_student(req->db, d, sid, false, FEEDBACK_SHOWN, &req->arena, &f,
				      &n) == EB_OK;
	html_raw(b, "<section aria-labelledby=\"h-dash-fb\" id=\"feedback\"><h2 id=\"h-dash-fb\">");
	html_text(b, TR(L, "Feedback from your teachers"));
	html_raw(b, "</h2>");
	const char *q = http_query(req, "answered");
	if (q && strcmp(q, "1") == 0)
		page_notice(req, "ok", TR(L, "Your answer is sent."));
	if (!ok || !n) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, ok ? TR(L, "No feedback yet.")
				: TR(L, "This could not be shown just now. Try again later."));
		html_raw(b, "</p></section>");
		return;
	}
	html_raw(b, "<ul class=\"fam-list\">");
	for (size_t i = 0; i < n; i++) {
		feedback_item(req, &f[i]);
		thread(req, &f[i], true);
		answer_form(req, sid, &f[i], true);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
}

static void reflection_part(struct http_request *req, const char *sid)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	struct lplan plan;
	if (lplan_get(req->db, req->session->account.district_id, sid, &req->arena, &plan))
		plan.reflection = "";
	html_raw(b, "<section aria-labelledby=\"h-dash-refl\" id=\"reflection\">"
		    "<h2 id=\"h-dash-refl\">");
	html_text(b, TR(L, "What helped me"));
	html_raw(b, "</h2><form method=\"post\" action=\"/students/");
	html_url(b, sid);
	html_raw(b, "/learning-plan/reflection\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"back\" value=\"home\"><label for=\"refl\">");
	html_text(b, TR(L, "What helped you learn lately? A few words for you and your teacher."));
	html_raw(b, "</label><textarea id=\"refl\" name=\"reflection\" rows=\"3\" "
		    "maxlength=\"2000\">");
	html_text(b, plan.reflection ? plan.reflection : "");
	html_raw(b, "</textarea><button type=\"submit\">");
	html_text(b, TR(L, "Save"));
	html_raw(b, "</button></form></section>");
}

void page_student_dash_sections(struct http_request *req, const char *sid,
				const struct district_levels *lv)
{
	bool snap = !db_in_transaction(req->db) && db_begin_read(req->db) == EB_OK;
	classes_part(req, sid, lv);
	page_lti_student_section(req, sid);
	goals_part(req, sid);
	feedback_part(req, sid);
	if (snap)
		db_rollback(req->db);
	reflection_part(req, sid);
	/* support tickets (issue 14): an app that is not working, from anywhere */
	html_raw(&req->out, "<p><a href=\"/tickets/new\">");
	html_text(&req->out, TR(req->lang, "An app isn't working? Tell us"));
	html_raw(&req->out, "</a></p>");
}

/* ---- feedback: writing it, answering it -------------------------------- */

static bool may_give(const struct account *a)
{
	return (a->role_mask & PAGE_NOTE_ROLES) != 0;
}

/* The first class of student sid that the viewer may open ("" none). */
static const char *class_of(struct http_request *req, const char *sid)
{
	const struct account *a = &req->session->account;
	struct roster_class_row *c = NULL;
	size_t nc = 0;
	if (roster_student_classes(req->db, a->district_id, sid, &req->arena, &c, &nc))
		return "";
	for (size_t i = 0; i < nc; i++)
		if (access_class(req->db, a, c[i].sourced_id) == EB_OK)
			return c[i].sourced_id;
	return "";
}

/* An error of a form a student or family sent, in their language. */
static void form_error(struct http_request *req, enum eb_err e, const char *why)
{
	const struct i18n_lang *L = req->lang;
	if (e == EB_ENOTFOUND) {
		page_error(req, 404, TR(L, "Not found"), TR(L, "There is nothing like that here."));
		return;
	}
	if (e != EB_EINVAL) {
		page_error(req, 503, TR(L, "Not saved"),
			   TR(L, "This could not be shown just now. Try again later."));
		return;
	}
	const char *msg = strstr(why, "write something") ? TR(L, "Write something first.")
			  : strstr(why, "longer") ? TR(L, "That is too long: keep it shorter.")
			  : strstr(why, "full")
				  ? TR(L, "This conversation is full: talk in class.")
				  : TR(L, "That could not be saved. Check it and try again.");
	page_error(req, 400, TR(L, "Not saved"), msg);
}

/* POST /students/:id/feedback: standard, body, share (on), from the staff
 * student page. */
void page_student_feedback(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	if (access_student(req->db, a, sid) != EB_OK) {
		page_refused(req, "student", sid);
		return;
	}
	struct audit_actor who = auth_actor(req);
	char why[FEEDBACK_WHY_CAP] = "";
	const char *share = http_form(req, "share");
	enum eb_err e = feedback_give(req->db, a->district_id, &who, a->display_name,
				      class_of(req, sid), &sid, 1, http_form(req, "standard"),
				      http_form(req, "body"), share && *share, "", NULL, why,
				      sizeof why);
	if (e == EB_EINVAL) {
		page_error(req, 400, "Feedback not saved", why);
		return;
	}
	if (e) {
		page_error(req, 503, "Feedback not saved", "The database is busy; try again.");
		return;
	}
	const char *loc = arena_printf(&req->arena, "/students/%s?feedback=saved#feedback", sid);
	http_redirect(req, loc ? loc : "/home");
}

/* POST /students/:id/feedback/:fid/answer: the student (their own) or a
 * member of staff who may give feedback. */
void page_student_feedback_answer(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	bool self = page_family_is_self(a, sid);
	if (self)
		page_family_use_lang(req);
	if (access_student(req->db, a, sid) != EB_OK || (!self && !may_give(a))) {
		page_refused(req, "student", sid);
		return;
	}
	int64_t fid;
	if (req->nparams < 2 || cstr_to_i64(req->params[1], 1, INT64_MAX, &fid)) {
		form_error(req, EB_ENOTFOUND, "");
		return;
	}
	struct audit_actor who = auth_actor(req);
	char why[FEEDBACK_WHY_CAP] = "";
	enum eb_err e = feedback_answer_add(req->db, a->district_id, &who, sid, fid, self,
					    a->display_name, http_form(req, "body"), why,
					    sizeof why);
	if (e) {
		if (self)
			form_error(req, e, why);
		else if (e == EB_EINVAL)
			page_error(req, 400, "Answer not saved", why);
		else if (e == EB_ENOTFOUND)
			page_error(req, 404, "Not found", "There is no such feedback.");
		else
			page_error(req, 503, "Answer not saved",
				   "The database is busy; try again.");
		return;
	}
	const char *loc = self ? "/home?answered=1#feedback"
			       : arena_printf(&req->arena, "/students/%s#feedback", sid);
	http_redirect(req, loc ? loc : "/home");
}

/* The feedback form and list, and the family's messages, on the staff
 * student page. */
void page_feedback_staff_section(struct http_request *req, const char *sid)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	int64_t d = a->district_id;
	struct feedback *f = NULL;
	size_t n = 0;
	if (feedback_of_student(req->db, d, sid, false, FEEDBACK_SHOWN, &req->arena, &f, &n))
		n = 0;
	html_raw(b, "<section aria-labelledby=\"h-fb\" id=\"feedback\"><h2 id=\"h-fb\">Feedback"
		    " on the student's work</h2>");
	const char *q = http_query(req, "feedback");
	if (q && strcmp(q, "saved") == 0)
		page_notice(req, "ok",
			    "The feedback is saved. The student sees it on their home page.");
	if (may_give(a)) {
		html_raw(b, "<form method=\"post\" action=\"/students/");
		html_url(b, sid);
		html_raw(b, "/feedback\">");
		page_csrf_field(req);
		html_raw(b,
			 "<p><label for=\"fb-std\">Standard</label> <input id=\"fb-std\" "
			 "name=\"standard\" required maxlength=\"32\" placeholder=\"4.NF.A.1\">"
			 "</p><p><label for=\"fb-body\">Feedback (plain words; the student reads "
			 "it and can answer)</label><textarea id=\"fb-body\" name=\"body\" "
			 "rows=\"3\" required maxlength=\"1000\"></textarea></p><p "
			 "class=\"check\"><input "
			 "type=\"checkbox\" id=\"fb-share\" name=\"share\" value=\"on\"> <label "
			 "for=\"fb-share\">Show it to the family too</label></p><button "
			 "type=\"submit\">Save feedback</button></form>");
	}
	if (!n)
		html_raw(b, "<p class=\"muted\">No feedback yet.</p>");
	else
		html_raw(b, "<ul class=\"fam-list\">");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li><p class=\"fam-what\"><a href=\"/standards/");
		html_url(b, f[i].standard);
		html_raw(b, "\">");
		html_text(b, f[i].standard);
		html_raw(b, "</a>");
		if (*f[i].group_name) {
			html_raw(b, " <span class=\"muted\">(to the group ");
			html_text(b, f[i].group_name);
			html_raw(b, ")</span>");
		}
		html_raw(b, "</p><blockquote class=\"fam-note\"><p>");
		html_text(b, f[i].body);
		html_raw(b, "</p></blockquote><p class=\"muted\">");
		html_textf(b, "From %s, ", f[i].author);
		page_time(req, f[i].at);
		if (f[i].share_family)
			html_raw(b, "; shared with the family");
		html_raw(b, ".</p>");
		thread(req, &f[i], false);
		if (may_give(a))
			answer_form(req, sid, &f[i], false);
		html_raw(b, "</li>");
	}
	if (n)
		html_raw(b, "</ul>");
	html_raw(b, "</section>");
	/* the family's messages */
	struct family_message *m = NULL;
	size_t nm = 0;
	if (family_message_list(req->db, d, sid, MESSAGES_SHOWN, &req->arena, &m, &nm))
		nm = 0;
	html_raw(b, "<section aria-labelledby=\"h-fmsg\" id=\"messages\"><h2 id=\"h-fmsg\">The "
		    "family wrote</h2>");
	if (!nm)
		html_raw(b, "<p class=\"muted\">No messages from the family.</p>");
	else
		html_raw(b, "<ul class=\"fam-list\">");
	for (size_t i = 0; i < nm; i++) {
		const struct i18n_lang *ml = i18n_find(m[i].lang);
		html_raw(b, "<li>");
		if (!m[i].read_at)
			html_raw(b, "<p><strong>New</strong></p>");
		html_raw(b, "<blockquote class=\"fam-note\"><p>");
		if (m[i].body_en) {
			html_text(b, m[i].body_en);
			html_raw(
				b,
				"</p></blockquote><p class=\"muted\">Translated by computer from ");
			html_text(b, ml ? ml->english : m[i].lang);
			html_raw(
				b,
				".</p><details><summary>What the family wrote</summary><p lang=\"");
			html_attr(b, m[i].lang);
			html_raw(b, "\">");
			html_text(b, m[i].body);
			html_raw(b, "</p></details>");
		} else {
			if (ml && ml != i18n_english()) {
				html_raw(b, "<span lang=\"");
				html_attr(b, ml->tag);
				html_raw(b, "\">");
				html_text(b, m[i].body);
				html_raw(b, "</span>");
			} else {
				html_text(b, m[i].body);
			}
			html_raw(b, "</p></blockquote>");
			if (ml && ml != i18n_english()) {
				html_raw(b, "<p class=\"muted\">Not translated: edbridge has no "
					    "translation for ");
				html_text(b, ml->english);
				html_raw(b, " on this server; shown as written.</p>");
			}
		}
		html_raw(b, "<p class=\"muted\">");
		html_textf(b, "From %s, ", m[i].author);
		page_time(req, m[i].at);
		html_raw(b, ".</p></li>");
	}
	if (nm)
		html_raw(b, "</ul>");
	html_raw(b, "</section>");
	/* a teacher of the student has now read them */
	if (nm && access_has(a, ROLE_TEACHER))
		family_message_mark_read(req->db, d, sid);
}

/* ---- a class: the pattern, feedback to a saved group ------------------- */

void page_class_feedback(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *cid = req->params[0];
	int64_t d = a->district_id;
	struct roster_class_row c;
	if (access_class(req->db, a, cid) != EB_OK ||
	    roster_class_get(req->db, d, cid, &req->arena, &c)) {
		page_refused(req, "class", cid);
		return;
	}
	struct district_levels lv;
	if (district_levels(req->db, d, &lv))
		lv = (struct district_levels){ 0.40, 0.70, 0.90 };
	struct feedback_pattern *rows = NULL;
	struct feedback_gap *gaps = NULL;
	size_t nr = 0, ng = 0;
	int64_t since = time_now() - (int64_t)PATTERN_WEEKS * 7 * 86400;
	if (feedback_class_pattern(req->db, d, cid, since, &lv, &req->arena, &rows, &nr, &gaps,
				   &ng)) {
		page_error(req, 503, "Not available", "The database is busy; try again.");
		return;
	}
	int64_t students = 0;
	for (size_t i = 0; i < nr; i++)
		students += rows[i].students;
	if (!page_audit_bulk(req, "view", "class", cid, students, "feedback pattern of the class"))
		return;
	struct buf *b = &req->out;
	char *title = arena_printf(&req->arena, "Feedback in %s", c.title);
	page_begin(req, title ? title : "Feedback");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "\">");
	html_text(b, c.title);
	html_raw(b, "</a></p>");
	const char *q = http_query(req, "given");
	if (q && *q)
		page_notice(req, "ok", "The feedback is saved: each student of the group sees it.");
	html_raw(b, "<h2>Feedback per standard</h2><p class=\"muted\">");
	html_textf(b,
		   "The last %d weeks: how many students got feedback on each standard, and "
		   "how much of it the students answered.",
		   PATTERN_WEEKS);
	html_raw(b, "</p>");
	if (!nr) {
		html_raw(b, "<p>No feedback in these weeks.</p>");
	} else {
		page_scroll_begin(req, "Feedback per standard");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Standard</th><th scope=\"col\" "
			    "class=\"num\">Students</th><th scope=\"col\" class=\"num\">Feedback "
			    "given</th><th scope=\"col\" class=\"num\">Answered</th></tr></thead>"
			    "<tbody>");
		for (size_t i = 0; i < nr; i++) {
			html_raw(b, "<tr><th scope=\"row\"><a href=\"/standards/");
			html_url(b, rows[i].standard);
			html_raw(b, "\">");
			html_text(b, rows[i].standard);
			html_raw(b, "</a></th><td class=\"num\">");
			html_textf(b, "%lld", (long long)rows[i].students);
			html_raw(b, "</td><td class=\"num\">");
			html_textf(b, "%lld", (long long)rows[i].given);
			html_raw(b, "</td><td class=\"num\">");
			html_textf(b, "%lld%%",
				   rows[i].given ? (long long)((100 * rows[i].answered +
								rows[i].given / 2) /
							       rows[i].given)
						 : 0LL);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	html_raw(b, "<h2>Needs without feedback</h2><p class=\"muted\">Standards where students of "
		    "the class are measured below Proficient and none got feedback on it in these "
		    "weeks.</p>");
	if (!ng) {
		html_raw(b, "<p>None.</p>");
	} else {
		html_raw(b, "<ul>");
		for (size_t i = 0; i < ng; i++) {
			html_raw(b, "<li><a href=\"/standards/");
			html_url(b, gaps[i].standard);
			html_raw(b, "\">");
			html_text(b, gaps[i].standard);
			html_raw(b, "</a>: ");
			html_textf(b, "%lld student%s below Proficient", (long long)gaps[i].need,
				   gaps[i].need == 1 ? "" : "s");
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	if (may_give(a)) {
		struct groups_saved s;
		bool found = false;
		if (groups_latest(req->db, d, cid, &req->arena, &s, &found))
			found = false;
		html_raw(b, "<h2>Feedback to a small group</h2>");
		if (!found || !s.ngroups) {
			html_raw(b, "<p class=\"muted\">The class has no saved small groups. <a "
				    "href=\"/classes/");
			html_url(b, cid);
			html_raw(b, "/groups\">Make groups</a></p>");
		} else {
			html_raw(b,
				 "<p class=\"muted\">Each student of the group gets the feedback "
				 "as their own, sees it on their home page and can answer it.</p>"
				 "<form method=\"post\" action=\"/classes/");
			html_url(b, cid);
			html_raw(b, "/feedback\">");
			page_csrf_field(req);
			html_raw(b,
				 "<p><label for=\"g-group\">Group</label> <select id=\"g-group\" "
				 "name=\"group\">");
			for (size_t i = 0; i < s.ngroups; i++) {
				buf_printf(b, "<option value=\"%d\">", s.groups[i].position);
				html_text(b, s.groups[i].name);
				html_textf(b, " (%zu students, ", s.groups[i].n);
				html_text(b, s.groups[i].focus);
				html_raw(b, ")</option>");
			}
			html_raw(b, "</select></p><p><label for=\"g-std\">Standard</label> <input "
				    "id=\"g-std\" name=\"standard\" required maxlength=\"32\" "
				    "value=\"");
			html_attr(b, s.groups[0].focus);
			html_raw(b,
				 "\"></p><p><label for=\"g-body\">Feedback</label><textarea "
				 "id=\"g-body\" name=\"body\" rows=\"3\" required "
				 "maxlength=\"1000\">"
				 "</textarea></p><p class=\"check\"><input type=\"checkbox\" "
				 "id=\"g-share\" "
				 "name=\"share\" value=\"on\"> <label for=\"g-share\">Show it to "
				 "the "
				 "families too</label></p><button type=\"submit\">Give feedback to "
				 "the group</button></form>");
		}
	}
	page_end(req);
}

/* POST /classes/:id/feedback: group (a position in the class's latest
 * saved groups), standard, body, share. */
void page_class_feedback_give(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *cid = req->params[0];
	int64_t d = a->district_id;
	if (access_class(req->db, a, cid) != EB_OK) {
		page_refused(req, "class", cid);
		return;
	}
	struct groups_saved s;
	bool found = false;
	int64_t pos = 0;
	const char *g = http_form(req, "group");
	if (groups_latest(req->db, d, cid, &req->arena, &s, &found) == EB_OK && found && g)
		cstr_to_i64(g, 1, (int64_t)s.ngroups, &pos);
	const struct groups_saved_group *grp = NULL;
	for (size_t i = 0; found && pos && i < s.ngroups; i++)
		if (s.groups[i].position == pos)
			grp = &s.groups[i];
	if (!grp) {
		page_error(req, 400, "Feedback not saved",
			   "group: choose one of the class's saved small groups");
		return;
	}
	const char **sids = arena_alloc(&req->arena, (grp->n ? grp->n : 1) * sizeof *sids);
	size_t n = 0;
	for (size_t i = 0; sids && i < grp->n; i++)
		if (access_student(req->db, a, grp->members[i].student) == EB_OK)
			sids[n++] = grp->members[i].student;
	struct audit_actor who = auth_actor(req);
	char why[FEEDBACK_WHY_CAP] = "";
	const char *share = http_form(req, "share");
	enum eb_err e = sids ? feedback_give(req->db, d, &who, a->display_name, cid,
					     (const char *const *)sids, n,
					     http_form(req, "standard"), http_form(req, "body"),
					     share && *share, grp->name, NULL, why, sizeof why)
			     : EB_ENOMEM;
	if (e == EB_EINVAL) {
		page_error(req, 400, "Feedback not saved", why);
		return;
	}
	if (e) {
		page_error(req, 503, "Feedback not saved", "The database is busy; try again.");
		return;
	}
	const char *loc = arena_printf(&req->arena, "/classes/%s/feedback?given=%zu", cid, n);
	http_redirect(req, loc ? loc : "/home");
}

/* ---- the family page of a child ---------------------------------------- */

/* The learning plan's goals in family words. */
static void family_goals(struct http_request *req, const char *sid, const char *name)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	struct lplan plan;
	if (lplan_get(req->db, req->session->account.district_id, sid, &req->arena, &plan))
		return;
	static const char *const lv[MASTERY_LEVEL_COUNT] = {
		N_("Just starting"),
		N_("Getting there"),
		N_("Can do it"),
		N_("Knows it well"),
	};
	html_raw(b, "<section aria-labelledby=\"h-fam-goals\"><h2 id=\"h-fam-goals\">");
	html_text(b, TR(L, "The learning plan: goals"));
	html_raw(b, "</h2>");
	if (!plan.ngoals) {
		html_raw(b, "<p class=\"muted\">");
		html_textf(b, TR(L, "%s has no goals on a learning plan yet."), name);
		html_raw(b, "</p></section>");
		return;
	}
	html_raw(b, "<ul class=\"fam-list\">");
	for (size_t i = 0; i < plan.ngoals; i++) {
		const struct lplan_goal *g = &plan.goals[i];
		html_raw(b, "<li><p class=\"fam-what\">");
		standard_line(b, L, g->standard);
		html_raw(b, "</p><p>");
		html_text(b, g->reached	   ? TR(L, "Goal reached!")
			     : g->measured ? TR(L, lv[g->level])
					   : TR(L, "Not practiced yet"));
		html_raw(b, "</p></li>");
	}
	html_raw(b, "</ul></section>");
}

/* Feedback the teacher shared with the family. */
static void family_feedback(struct http_request *req, const char *sid)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	struct feedback *f = NULL;
	size_t n = 0;
	if (feedback_of_student(req->db, req->session->account.district_id, sid, true,
				FEEDBACK_SHOWN, &req->arena, &f, &n))
		n = 0;
	html_raw(b, "<section aria-labelledby=\"h-fam-fb\"><h2 id=\"h-fam-fb\">");
	html_text(b, TR(L, "Messages from the teacher"));
	html_raw(b, "</h2>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(L, "No messages from the teacher yet. The teacher's weekly note is"
				   " in this week's update."));
		html_raw(b, "</p></section>");
		return;
	}
	html_raw(b, "<ul class=\"fam-list\">");
	for (size_t i = 0; i < n; i++) {
		feedback_item(req, &f[i]);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
}

/* At-home activities for the clusters the child is working on (focus: up
 * to three standard codes, the neediest first). */
static void family_activities(struct http_request *req, const char *const *focus, size_t n)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	const struct home_activity *seen[3];
	size_t k = 0;
	for (size_t i = 0; i < n && k < 3; i++) {
		const struct home_activity *act = home_activity_for(focus[i], 0);
		bool dup = false;
		for (size_t j = 0; j < k; j++)
			dup |= seen[j] == act;
		if (act && !dup)
			seen[k++] = act;
	}
	if (!k)
		return;
	html_raw(b, "<section aria-labelledby=\"h-fam-home\"><h2 id=\"h-fam-home\">");
	html_text(b, TR(L, "At-home activities"));
	html_raw(b, "</h2><ul class=\"fam-list\">");
	for (size_t i = 0; i < k; i++) {
		html_raw(b, "<li><p class=\"fam-what\">");
		html_text(b, TR(L, seen[i]->title));
		html_raw(b, "</p><p>");
		html_text(b, TR(L, seen[i]->text));
		html_raw(b, "</p></li>");
	}
	html_raw(b, "</ul></section>");
}

/* The reply box and the family's earlier messages. */
static void family_reply_box(struct http_request *req, const char *sid)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	html_raw(b, "<section aria-labelledby=\"h-fam-reply\" id=\"reply\"><h2 "
		    "id=\"h-fam-reply\">");
	html_text(b, TR(L, "Write to the teacher"));
	html_raw(b, "</h2>");
	const char *q = http_query(req, "sent");
	if (q && strcmp(q, "1") == 0)
		page_notice(req, "ok", TR(L, "Your message is sent."));
	html_raw(b, "<form method=\"post\" action=\"/students/");
	html_url(b, sid);
	html_raw(b, "/message\">");
	page_csrf_field(req);
	html_raw(b, "<label for=\"fam-msg\">");
	html_text(b, TR(L, "Your message"));
	html_raw(b, "</label><p class=\"muted\" id=\"fam-msg-help\">");
	html_text(b, TR(L, "Write in your language. A computer translates it for the teacher "
			   "where it can; the teacher sees your own words too."));
	buf_printf(b,
		   "</p><textarea id=\"fam-msg\" name=\"body\" rows=\"3\" maxlength=\"%d\" "
		   "required aria-describedby=\"fam-msg-help\"></textarea><button "
		   "type=\"submit\">",
		   FAMILY_MESSAGE_MAX);
	html_text(b, TR(L, "Send"));
	html_raw(b, "</button></form>");
	struct family_message *m = NULL;
	size_t n = 0;
	if (family_message_list(req->db, req->session->account.district_id, sid, MESSAGES_SHOWN,
				&req->arena, &m, &n) == EB_OK &&
	    n) {
		html_raw(b, "<h3>");
		html_text(b, TR(L, "Your messages"));
		html_raw(b, "</h3><ul class=\"fam-list\">");
		for (size_t i = 0; i < n; i++) {
			html_raw(b, "<li><p dir=\"auto\">");
			html_text(b, m[i].body);
			html_raw(b, "</p><p class=\"muted\">");
			page_time(req, m[i].at);
			html_raw(b, "</p></li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "</section>");
}

void page_family_child_sections(struct http_request *req, const char *sid, const char *name,
				const char *const *focus, size_t nfocus)
{
	family_goals(req, sid, name);
	family_feedback(req, sid);
	family_activities(req, focus, nfocus);
	family_reply_box(req, sid);
}

/* POST /students/:id/message: a guardian of the child writes to the
 * teacher (body), in the family's language. */
void page_family_message(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	if (access_student(req->db, a, sid) != EB_OK || page_family_is_self(a, sid)) {
		page_refused(req, "student", sid);
		return;
	}
	struct family_lang fl;
	family_lang_of_account(req->db, a->district_id, a, sid, &fl);
	req->lang = fl.lang;
	struct translate_config tc;
	if (translate_config_get(req->db, a->district_id, &tc))
		memset(&tc, 0, sizeof tc);
	struct audit_actor who = auth_actor(req);
	char why[FAMILY_MESSAGE_WHY_CAP] = "";
	enum eb_err e = family_message_add(req->db, a->district_id, &who, a->display_name, sid,
					   fl.lang, http_form(req, "body"), &tc, NULL, NULL, why,
					   sizeof why);
	if (e) {
		form_error(req, e, why);
		return;
	}
	const char *loc = arena_printf(&req->arena, "/students/%s?sent=1#reply", sid);
	http_redirect(req, loc ? loc : "/home");
}

/* ---- the teacher's home: "families wrote to you" ----------------------- */

void *page_feedback_home_load(struct home_ctx *h)
{
	struct http_request *req = home_ctx_request(h);
	const struct account *a = &req->session->account;
	if (!a->person_sid[0])
		return NULL;
	struct family_message_unread *u = NULL;
	size_t n = 0;
	if (family_message_unread_for_teacher(req->db, a->district_id, a->person_sid, 5,
					      &req->arena, &u, &n))
		n = 0;
	for (size_t i = 0; i < n; i++) {
		char text[300];
		snprintf(text, sizeof text, "A family wrote to you about %s (%lld new message%s)",
			 u[i].name, (long long)u[i].count, u[i].count == 1 ? "" : "s");
		const char *href = arena_printf(&req->arena, "/students/%s#messages", u[i].student);
		home_add_step(h, href, text);
	}
	int64_t answers = 0;
	const char *newest = NULL;
	if (feedback_new_answers(req->db, a->district_id, a->id, time_now() - 7 * 86400,
				 &req->arena, &answers, &newest) == EB_OK &&
	    answers && newest) {
		char text[200];
		snprintf(text, sizeof text,
			 "Students answered your feedback (%lld answer%s this week)",
			 (long long)answers, answers == 1 ? "" : "s");
		const char *href = arena_printf(&req->arena, "/students/%s#feedback", newest);
		home_add_step(h, href, text);
	}
	return NULL;
}
