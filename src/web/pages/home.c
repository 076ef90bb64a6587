/* Each role's home page. A person with several roles sees a section for each:
 * the staff roles' next steps and sections (home_staff.c), then a family's
 * children and a student's own learning (family.c). */
#include <string.h>

#include "base/i18n.h"
#include "domain/access.h"
#include "domain/district.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/home_staff.h"
#include "web/pages/pages.h"

void page_home(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	int64_t d = a->district_id;
	char dname[201] = "";
	district_name(req->db, d, dname, sizeof dname);
	/* a family or a student reads the page in its language */
	bool family = page_family_viewer(a);
	if (family)
		page_family_use_lang(req);
	page_begin(req, dname[0] ? dname : TR(req->lang, "Home"));
	html_raw(b, "<p>");
	if (family) {
		html_textf(b, TR(req->lang, "Welcome, %s."), a->display_name);
	} else {
		html_raw(b, "Welcome, ");
		html_text(b, a->display_name);
		html_raw(b, ". You are signed in as: ");
		for (int r = 0, k = 0; r < ROLE__COUNT; r++)
			if (access_has(a, (enum role)r)) {
				if (k++)
					html_raw(b, ", ");
				html_text(b, role_label((enum role)r));
			}
		html_raw(b, ".");
	}
	html_raw(b, "</p>");
	home_staff(req);
	if (access_has(a, ROLE_GUARDIAN))
		page_family_home_guardian(req);
	if (access_has(a, ROLE_STUDENT))
		page_family_home_student(req);
	page_end(req);
}
