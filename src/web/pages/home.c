/* Each role's home page. A person with several roles sees a section for each. */
#include <string.h>

#include "domain/access.h"
#include "domain/district.h"
#include "domain/roster.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

static void class_list(struct http_request *req, struct roster_class_row *c, size_t n)
{
	struct buf *b = &req->out;
	if (!n) {
		html_raw(b, "<p class=\"muted\">No classes.</p>");
		return;
	}
	html_raw(b, "<ul class=\"cards\">");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li><a href=\"/classes/");
		html_url(b, c[i].sourced_id);
		html_raw(b, "\">");
		html_text(b, c[i].title);
		html_raw(b, "</a><span class=\"muted\"> ");
		if (c[i].grades) {
			html_text(b, "grade ");
			html_text(b, c[i].grades);
		}
		html_raw(b, "</span></li>");
	}
	html_raw(b, "</ul>");
}

static void district_section(struct http_request *req, const char *heading)
{
	struct buf *b = &req->out;
	struct roster_counts c = { 0 };
	roster_count(req->db, req->session->account.district_id, &c);
	html_raw(b, "<h2>");
	html_text(b, heading);
	html_raw(b, "</h2><ul class=\"cards\">");
	const struct {
		const char *label;
		long v;
	} items[] = { { "schools", c.schools }, { "classes", c.classes }, { "students", c.students },
		      { "teachers", c.teachers }, { "families' guardians", c.guardians } };
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		html_raw(b, "<li><span class=\"big\">");
		html_int(b, items[i].v);
		html_raw(b, "</span>");
		html_text(b, items[i].label);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul><p><a href=\"/schools\">Browse schools, classes and students</a></p>");
}

static void school_links(struct http_request *req, enum role r)
{
	struct buf *b = &req->out;
	const struct account *a = &req->session->account;
	html_raw(b, "<ul>");
	for (int i = 0; i < a->nroles; i++) {
		if (a->roles[i].role != r || strcmp(a->roles[i].scope_type, "school") != 0)
			continue;
		html_raw(b, "<li><a href=\"/schools/");
		html_url(b, a->roles[i].scope_id);
		html_raw(b, "\">School ");
		html_text(b, a->roles[i].scope_id);
		html_raw(b, "</a></li>");
	}
	html_raw(b, "</ul>");
}

void page_home(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	int64_t d = a->district_id;
	char dname[201] = "";
	district_name(req->db, d, dname, sizeof dname);
	page_begin(req, dname[0] ? dname : "Home");
	html_raw(b, "<p>Welcome, ");
	html_text(b, a->display_name);
	html_raw(b, ". You are signed in as: ");
	for (int r = 0, k = 0; r < ROLE__COUNT; r++)
		if (access_has(a, (enum role)r)) {
			if (k++)
				html_raw(b, ", ");
			html_text(b, role_label((enum role)r));
		}
	html_raw(b, ".</p>");

	if (access_has(a, ROLE_DISTRICT_ADMIN)) {
		district_section(req, "District administration");
		html_raw(b, "<p><a href=\"/admin/users\">Manage users and roles</a> &middot; "
			    "<a href=\"/admin/audit\">Read the audit log</a></p>"
			    "<p><a href=\"/admin/import\">Import the roster (OneRoster .zip)</a></p>");
	}
	if (access_has(a, ROLE_COORDINATOR))
		district_section(req, "Mathematics across the district");
	if (access_has(a, ROLE_COACH)) {
		html_raw(b, "<h2>Coaching</h2>");
		if (access_all_students(a))
			html_raw(b, "<p><a href=\"/schools\">All schools</a></p>");
		else
			school_links(req, ROLE_COACH);
	}
	if (access_has(a, ROLE_PRINCIPAL)) {
		html_raw(b, "<h2>Your school</h2>");
		school_links(req, ROLE_PRINCIPAL);
	}
	if (access_has(a, ROLE_TEACHER)) {
		struct roster_class_row *c = NULL;
		size_t n = 0;
		html_raw(b, "<h2>Your classes</h2>");
		if (a->person_sid[0])
			roster_teacher_classes(req->db, d, a->person_sid, &req->arena, &c, &n);
		class_list(req, c, n);
	}
	if (access_has(a, ROLE_TECH_CHAMPION)) {
		html_raw(b, "<h2>Tech champion</h2><p>You are the first person teachers at your school"
			    " ask about a classroom tool.</p>");
		school_links(req, ROLE_TECH_CHAMPION);
	}
	if (access_has(a, ROLE_IT_STAFF))
		html_raw(b, "<h2>District IT</h2><p><a href=\"/schools\">Schools</a> &middot; "
			    "<a href=\"/standards\">Standards catalog</a></p>");
	if (access_has(a, ROLE_VENDOR_CONTACT))
		html_raw(b, "<h2>Vendor contact</h2><p>You can read the district's standards catalog."
			    " Student records are not visible to vendors.</p>");
	if (access_has(a, ROLE_GUARDIAN))
		page_family_home_guardian(req);
	if (access_has(a, ROLE_STUDENT))
		page_family_home_student(req);
	page_end(req);
}
