/* Each role's home page. A person with several roles sees a section for each. */
#include <string.h>

#include "domain/access.h"
#include "domain/district.h"
#include "domain/roster.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/home_staff.h"
#include "web/pages/pages.h"

static void person_cards(struct http_request *req, struct roster_person_row *p, size_t n)
{
	struct buf *b = &req->out;
	if (!n) {
		html_raw(b, "<p class=\"muted\">No students are linked to this account yet.</p>");
		return;
	}
	html_raw(b, "<ul class=\"cards\">");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li><a href=\"/students/");
		html_url(b, p[i].sourced_id);
		html_raw(b, "\">");
		html_text(b, p[i].preferred_first_name ? p[i].preferred_first_name : p[i].given_name);
		html_raw(b, " ");
		html_text(b, p[i].family_name);
		html_raw(b, "</a>");
		if (p[i].grades) {
			html_raw(b, "<span class=\"muted\"> grade ");
			html_text(b, p[i].grades);
			html_raw(b, "</span>");
		}
		html_raw(b, "</li>");
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

	/* the staff roles' next steps and sections: home_staff.c */
	home_staff(req);
	if (access_has(a, ROLE_GUARDIAN)) {
		struct roster_person_row *p = NULL;
		size_t n = 0;
		html_raw(b, "<h2>Your children</h2>");
		if (a->person_sid[0])
			roster_guardian_children(req->db, d, a->person_sid, &req->arena, &p, &n);
		person_cards(req, p, n);
	}
	if (access_has(a, ROLE_STUDENT)) {
		struct roster_class_row *c = NULL;
		size_t n = 0;
		html_raw(b, "<h2>Your classes</h2>");
		for (int i = 0; i < a->nroles; i++)
			if (a->roles[i].role == ROLE_STUDENT) {
				roster_student_classes(req->db, d, a->roles[i].scope_id, &req->arena, &c, &n);
				html_raw(b, "<p><a href=\"/students/");
				html_url(b, a->roles[i].scope_id);
				html_raw(b, "\">Your record</a></p>");
				break;
			}
		for (size_t i = 0; i < n; i++) {
			html_raw(b, i ? ", " : "<p>");
			html_text(b, c[i].title);
		}
		if (n)
			html_raw(b, "</p>");
	}
	page_end(req);
}
