/* Browse the district: schools -> classes -> students. Each page checks the
 * record against the viewer's roles (domain/access.h) before reading it. */
#include <string.h>

#include "domain/access.h"
#include "domain/audit.h"
#include "domain/labels.h"
#include "domain/roster.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

static void not_found(struct http_request *req)
{
	page_error(req, 404, "Not found", "There is nothing here that your role may see.");
}

void page_refused(struct http_request *req, const char *subject_type, const char *id)
{
	const struct account *a = &req->session->account;
	struct audit_actor who = auth_actor(req);
	/* a failed write does not change the answer: the record stays hidden */
	audit_record_students(req->db, a->district_id, &who, "refused", subject_type, id,
			      strcmp(subject_type, "student") == 0 ? 1 : 0,
			      "not visible to this account, or no such record (404)");
	not_found(req);
}

static void audit_failed(struct http_request *req)
{
	page_error(req, 503, "Try again",
		   "The audit log could not be written, so the records are not shown.");
}

bool page_audit_bulk(struct http_request *req, const char *action, const char *subject_type,
		     const char *id, int64_t students, const char *what)
{
	const struct account *a = &req->session->account;
	struct audit_actor who = auth_actor(req);
	struct audit_job *j = audit_job_new(&req->arena, a->district_id, &who, action, subject_type,
					    id, students, what);
	if (j && http_hold_until_written(req, audit_job_write(j), audit_failed))
		return true; /* written before the response leaves, or it is a 503 */
	/* no memory for the hold, or a second view in one request: written now */
	if (audit_record_students(req->db, a->district_id, &who, action, subject_type, id, students,
				  what) == EB_OK)
		return true;
	audit_failed(req);
	return false;
}

static void tri(struct buf *b, int v)
{
	html_text(b, v < 0 ? "not recorded" : v ? "yes" : "no");
}

/* A roster's grades in words ("Grade 5"), "not recorded" when none. */
static const char *grades_words(const char *grades, char *out, size_t cap)
{
	label_grades(grades, out, cap);
	return out[0] ? out : "not recorded";
}

static const char *name_of(const struct roster_person_row *p)
{
	return p->preferred_first_name ? p->preferred_first_name : p->given_name;
}

void page_schools(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct roster_org_row *s;
	size_t n;
	if (roster_schools(req->db, a->district_id, &req->arena, &s, &n)) {
		page_error(req, 500, "Error", "Could not read the schools.");
		return;
	}
	struct buf *b = &req->out;
	page_begin(req, "Schools");
	html_raw(b, "<ul class=\"cards\">");
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (access_school(req->db, a, s[i].sourced_id) != EB_OK)
			continue;
		shown++;
		html_raw(b, "<li><a href=\"/schools/");
		html_url(b, s[i].sourced_id);
		html_raw(b, "\">");
		html_text(b, s[i].name);
		html_raw(b, "</a></li>");
	}
	html_raw(b, "</ul>");
	if (!shown)
		html_raw(b, "<p class=\"muted\">No school is visible to your role.</p>");
	page_end(req);
}

void page_school(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	struct roster_org_row *all;
	size_t ns;
	if (access_school(req->db, a, sid) != EB_OK ||
	    roster_schools(req->db, a->district_id, &req->arena, &all, &ns)) {
		not_found(req);
		return;
	}
	const char *name = sid;
	for (size_t i = 0; i < ns; i++)
		if (strcmp(all[i].sourced_id, sid) == 0)
			name = all[i].name;
	struct roster_class_row *c;
	size_t n;
	if (roster_school_classes(req->db, a->district_id, sid, &req->arena, &c, &n)) {
		page_error(req, 500, "Error", "Could not read the classes.");
		return;
	}
	struct buf *b = &req->out;
	page_begin(req, name);
	html_raw(b, "<p class=\"crumbs\"><a href=\"/schools\">Schools</a></p><h2>Classes</h2>");
	page_scroll_begin(req, "Classes");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Class</th>"
		    "<th scope=\"col\">Grades</th><th scope=\"col\">Code</th><th "
		    "scope=\"col\">Period</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		bool open = access_class(req->db, a, c[i].sourced_id) == EB_OK;
		char gw[160];
		html_raw(b, "<tr><td>");
		if (open) {
			html_raw(b, "<a href=\"/classes/");
			html_url(b, c[i].sourced_id);
			html_raw(b, "\">");
		}
		html_text(b, c[i].title);
		if (open)
			html_raw(b, "</a>");
		html_raw(b, "</td><td>");
		html_text(b, grades_words(c[i].grades, gw, sizeof gw));
		html_raw(b, "</td><td>");
		html_text(b, c[i].class_code);
		html_raw(b, "</td><td>");
		html_text(b, c[i].periods);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

void page_class(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *cid = req->params[0];
	struct roster_org_row school;
	struct roster_person_row *st, *te;
	size_t ns, nt;
	if (access_class(req->db, a, cid) != EB_OK ||
	    roster_class_school(req->db, a->district_id, cid, &req->arena, &school) ||
	    roster_class_students(req->db, a->district_id, cid, &req->arena, &st, &ns) ||
	    roster_class_teachers(req->db, a->district_id, cid, &req->arena, &te, &nt)) {
		page_refused(req, "class", cid);
		return;
	}
	if (!page_audit_bulk(req, "view", "class", cid, (int64_t)ns, "class roster"))
		return;
	struct roster_class_row *mine;
	size_t nm;
	const char *title = cid;
	if (roster_school_classes(req->db, a->district_id, school.sourced_id, &req->arena, &mine,
				  &nm) == EB_OK)
		for (size_t i = 0; i < nm; i++)
			if (strcmp(mine[i].sourced_id, cid) == 0)
				title = mine[i].title;
	struct buf *b = &req->out;
	page_begin(req, title);
	html_raw(b, "<p class=\"crumbs\">");
	html_text(b, school.name);
	html_raw(b, "</p><p>Teacher: ");
	for (size_t i = 0; i < nt; i++) {
		if (i)
			html_raw(b, ", ");
		html_text(b, name_of(&te[i]));
		html_raw(b, " ");
		html_text(b, te[i].family_name);
	}
	if (!nt)
		html_raw(b, "<span class=\"muted\">none listed</span>");
	html_raw(b, "</p><p><a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "/mastery\">Mastery of the unit's standards</a> &middot; <a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "/recommendations\">Next steps</a> &middot; <a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "/groups\">Small groups</a> &middot; <a href=\"/plans?class=");
	html_url(b, cid);
	html_raw(b, "\">Intervention plans</a> &middot; <a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "/learning-plans\">Learning plans</a> &middot; <a href=\"/classes/");
	html_url(b, cid);
	html_raw(b, "/feedback\">Feedback</a></p>");
	page_scroll_begin(req, "Class roster");
	html_raw(b, "<table><caption class=\"muted\">");
	html_int(b, (int64_t)ns);
	html_raw(b, " students</caption><thead><tr><th scope=\"col\">Student</th><th "
		    "scope=\"col\">Grade</th>"
		    "<th scope=\"col\">English learner</th><th scope=\"col\">IEP / "
		    "504</th></tr></thead><tbody>");
	for (size_t i = 0; i < ns; i++) {
		char gw[160];
		html_raw(b, "<tr><td><a href=\"/students/");
		html_url(b, st[i].sourced_id);
		html_raw(b, "\">");
		html_text(b, st[i].family_name);
		html_raw(b, ", ");
		html_text(b, name_of(&st[i]));
		html_raw(b, "</a></td><td>");
		html_text(b, grades_words(st[i].grades, gw, sizeof gw));
		html_raw(b, "</td><td>");
		tri(b, st[i].english_learner);
		html_raw(b, "</td><td>");
		tri(b, st[i].disability);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	/* support tickets (issue 14): an app not working in this class */
	html_raw(b, "<p><a href=\"/tickets/new?class=");
	html_url(b, cid);
	html_raw(b, "\">Report a problem with an app in this class</a></p>");
	page_lti_class_section(req, cid);
	page_note_section(req, "class", cid);
	page_end(req);
}

bool page_student_open(struct http_request *req, const char *sid, const char *what,
		       struct roster_person_row *p)
{
	const struct account *a = &req->session->account;
	if (access_student(req->db, a, sid) != EB_OK ||
	    roster_person_get(req->db, a->district_id, sid, &req->arena, p)) {
		page_refused(req, "student", sid);
		return false;
	}
	/* no record of the view, no view */
	return page_audit_bulk(req, "view", "student", sid, 1, what);
}

void page_student(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	struct roster_person_row p;
	if (!page_student_open(req, sid, "student record", &p))
		return;
	if (page_family_viewer(a)) {
		page_family_record(req, &p);
		return;
	}
	struct roster_class_row *c = NULL;
	struct roster_person_row *g = NULL;
	size_t nc = 0, ng = 0;
	roster_student_classes(req->db, a->district_id, sid, &req->arena, &c, &nc);
	bool staff = !access_has(a, ROLE_STUDENT) || access_has(a, ROLE_TEACHER) ||
		     access_all_students(a);
	roster_student_guardians(req->db, a->district_id, sid, &req->arena, &g, &ng);
	struct buf *b = &req->out;
	char *title = arena_printf(&req->arena, "%s %s", name_of(&p), p.family_name);
	page_begin(req, title ? title : "Student");
	char gw[160];
	html_raw(b, "<dl><dt>Grade</dt><dd>");
	html_text(b, grades_words(p.grades, gw, sizeof gw));
	html_raw(b, "</dd><dt>Student number</dt><dd class=\"code\">");
	html_text(b, p.identifier ? p.identifier : "not recorded");
	html_raw(b, "</dd>");
	if (staff) {
		html_raw(b, "<dt>English learner</dt><dd>");
		tri(b, p.english_learner);
		html_raw(b, "</dd><dt>IEP or 504 plan</dt><dd>");
		tri(b, p.disability);
		html_raw(b, "</dd>");
	}
	html_raw(b, "</dl><p><a href=\"/students/");
	html_url(b, sid);
	html_raw(b, "/mastery\">Mastery of every standard</a>");
	if (staff) {
		html_raw(b, " &middot; <a href=\"/students/");
		html_url(b, sid);
		html_raw(b, "/recommendations\">Next steps</a>");
	}
	html_raw(b, " &middot; <a href=\"/students/");
	html_url(b, sid);
	html_raw(b, "/learning-plan\">Learning plan and intervention "
		    "plans</a></p><h2>Classes</h2><ul>");
	for (size_t i = 0; i < nc; i++) {
		html_raw(b, "<li>");
		bool open = access_class(req->db, a, c[i].sourced_id) == EB_OK;
		if (open) {
			html_raw(b, "<a href=\"/classes/");
			html_url(b, c[i].sourced_id);
			html_raw(b, "\">");
		}
		html_text(b, c[i].title);
		if (open)
			html_raw(b, "</a>");
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul><h2>Family</h2>");
	page_scroll_begin(req, "Family");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Name</th>"
		    "<th scope=\"col\">Home language</th><th scope=\"col\">Home internet</th>"
		    "<th scope=\"col\">Email</th><th scope=\"col\">Text "
		    "messages</th></tr></thead><tbody>");
	for (size_t i = 0; i < ng; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, name_of(&g[i]));
		html_raw(b, " ");
		html_text(b, g[i].family_name);
		html_raw(b, "</td><td>");
		const char *lang = label_language(g[i].home_language);
		if (lang)
			html_text(b, lang);
		else if (g[i].home_language)
			html_textf(b, "%s (a language code edbridge has no name for)",
				   g[i].home_language);
		else
			html_text(b, "not recorded");
		html_raw(b, "</td><td>");
		tri(b, g[i].home_internet);
		html_raw(b, "</td><td>");
		html_text(b, g[i].email ? g[i].email : "none");
		html_raw(b, "</td><td>");
		html_text(b, g[i].sms ? g[i].sms : "none");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_note_section(req, "student", sid);
	page_feedback_staff_section(req, sid);
	page_end(req);
}
