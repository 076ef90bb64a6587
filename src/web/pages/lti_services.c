/* A tool's data-sharing scopes (/tools/:id/scopes and the tool page's
 * section) and deletion on request (/tools/:id/forget). The LTI service
 * endpoints themselves (/lti/token, /lti/ags, /lti/nrps) are in
 * web/api/lti_services.c. Role masks are in routes.c; record checks in
 * domain/data_scope.h; every change is audited by the domain. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "domain/account.h"
#include "domain/data_scope.h"
#include "domain/lti_services.h"
#include "domain/tools.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

static bool load_tool(struct http_request *req, struct tool *t)
{
	int64_t id;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    tools_get(req->db, req->session->account.district_id, id, t)) {
		page_error(req, 404, "Not found", "There is no such tool in this district.");
		return false;
	}
	return true;
}

static void scope_list(struct buf *b, unsigned mask, bool roster)
{
	bool any = false;
	for (int i = 0; i < DATA_SCOPE__COUNT; i++) {
		enum data_scope_element e = (enum data_scope_element)i;
		if (!(mask & (1u << i)) || data_scope_is_roster(e) != roster)
			continue;
		if (any)
			html_raw(b, ", ");
		html_text(b, data_scope_label(e));
		any = true;
	}
	if (!any)
		html_raw(b, "<span class=\"muted\">none</span>");
}

void page_tool_scopes_section(struct http_request *req, const struct tool *t)
{
	struct buf *b = &req->out;
	unsigned mask;
	if (data_scope_get(req->db, t->district_id, t->id, &mask))
		return;
	html_raw(b, "<h2>Data-sharing scopes</h2><p>What edbridge sends this tool when it "
		    "launches it or when the tool asks for a class list or scores.</p><dl>"
		    "<dt>About people</dt><dd>");
	scope_list(b, mask, true);
	html_raw(b, "</dd><dt>Data</dt><dd>");
	scope_list(b, mask, false);
	html_raw(b, "</dd></dl><p><a href=\"/tools/");
	html_int(b, t->id);
	html_raw(b, data_scope_can_edit(&req->session->account)
			    ? "/scopes\">Change what this tool may receive</a></p>"
			    : "/scopes\">What this tool may receive</a></p>");
}

static void scopes_page(struct http_request *req, const struct tool *t, int status,
			const char *notice)
{
	struct buf *b = &req->out;
	unsigned mask = 0;
	if (data_scope_get(req->db, t->district_id, t->id, &mask)) {
		page_error(req, 503, "Try again", "The database is busy; try again.");
		return;
	}
	bool edit = data_scope_can_edit(&req->session->account);
	req->status = status;
	char title[200];
	snprintf(title, sizeof title, "What %s may receive", t->name);
	page_begin(req, title);
	if (notice)
		page_notice(req, status == 200 ? "ok" : "error", notice);
	html_raw(b, "<p class=\"crumbs\"><a href=\"/tools\">Technology inventory</a> &rsaquo; "
		    "<a href=\"/tools/");
	html_int(b, t->id);
	html_raw(b, "\">");
	html_text(b, t->name);
	html_raw(b, "</a></p><p>These scopes are the district's promise to families: edbridge "
		    "sends this tool only what is ticked here, on every path (launches, class "
		    "lists, scores and exports). Without any, the tool gets a pseudonymous id, "
		    "the person's role and which class and activity it is. Every change is "
		    "recorded in the audit log.</p>");
	if (edit) {
		html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/tools/");
		html_int(b, t->id);
		html_raw(b, "/scopes\">");
		page_csrf_field(req);
	}
	for (int g = 0; g < 2; g++) {
		html_raw(b, g ? "<fieldset><legend>Data</legend>"
			      : "<fieldset><legend>About people</legend>");
		for (int i = 0; i < DATA_SCOPE__COUNT; i++) {
			enum data_scope_element e = (enum data_scope_element)i;
			if (data_scope_is_roster(e) == (g == 1))
				continue;
			bool on = (mask & (1u << i)) != 0;
			if (edit) {
				html_raw(b, "<label class=\"check\"><input type=\"checkbox\" "
					    "name=\"scope\" value=\"");
				html_attr(b, data_scope_name(e));
				html_raw(b, on ? "\" checked> " : "\"> ");
			} else {
				html_raw(b, "<p>");
				html_raw(b, on ? "<strong>Yes</strong>: " : "No: ");
			}
			html_text(b, data_scope_label(e));
			html_raw(b, " <span class=\"muted\">(");
			html_text(b, data_scope_help(e));
			html_raw(b, edit ? ")</span></label>" : ")</span></p>");
		}
		html_raw(b, "</fieldset>");
	}
	if (edit)
		html_raw(b, "<div><button type=\"submit\">Save the scopes</button></div></form>");
	page_end(req);
}

void page_tool_scopes(struct http_request *req)
{
	struct tool t;
	if (!load_tool(req, &t))
		return;
	const char *saved = http_query(req, "saved");
	scopes_page(req, &t, 200, saved ? "The scopes are saved." : NULL);
}

void page_tool_scopes_set(struct http_request *req)
{
	struct tool t;
	if (!load_tool(req, &t))
		return;
	if (!data_scope_can_edit(&req->session->account)) {
		page_error(req, 403, "Not allowed",
			   "Only the district's administrators, coordinator and IT staff change "
			   "what a tool may receive.");
		return;
	}
	const char *sent[DATA_SCOPE__COUNT + 1];
	int n = http_form_all(req, "scope", sent, DATA_SCOPE__COUNT + 1);
	unsigned mask = 0;
	for (int i = 0; i < n; i++) {
		enum data_scope_element e;
		if (!data_scope_parse(sent[i], &e)) {
			scopes_page(req, &t, 400,
				    "scope: not one of the listed elements; nothing was changed.");
			return;
		}
		mask |= 1u << e;
	}
	struct audit_actor who = auth_actor(req);
	if (data_scope_set(req->db, t.district_id, t.id, mask, &who)) {
		scopes_page(req, &t, 503, "Could not store the change; try again.");
		return;
	}
	char loc[80];
	snprintf(loc, sizeof loc, "/tools/%lld/scopes?saved=1", (long long)t.id);
	http_redirect(req, loc);
}

/* ---- deletion on request ------------------------------------------------ */

/* Who deletes a tool's data about students: district administrators. */
static bool can_forget(const struct account *a)
{
	return (a->role_mask & (1u << ROLE_DISTRICT_ADMIN)) != 0;
}

void page_tool_forget_section(struct http_request *req, const struct tool *t)
{
	if (!can_forget(&req->session->account))
		return;
	struct buf *b = &req->out;
	html_raw(b, "<h2>Delete this tool's data about students</h2><p>On a family's request "
		    "under the district's policy: everything the tool sent or holds about the "
		    "student (learning events, statements, scores, its id for the student) is "
		    "deleted and the student's mastery recomputed from what is left. You get a "
		    "report of what was removed.</p><form class=\"stack\" method=\"post\" "
		    "action=\"/tools/");
	html_int(b, t->id);
	html_raw(b, "/forget\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"fg_student\">The student's district id</label><input "
		    "id=\"fg_student\" name=\"student\" required maxlength=\"200\"></div><div>"
		    "<button type=\"submit\">Delete the student's data</button></div></form>"
		    "<form class=\"stack\" method=\"post\" action=\"/tools/");
	html_int(b, t->id);
	html_raw(b, "/forget\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"all\" value=\"1\"><label class=\"check\">"
		    "<input type=\"checkbox\" name=\"confirm\" value=\"1\" required> Remove the "
		    "tool: delete its data about every student, its LTI registration and "
		    "credentials, and retire it</label><div><button type=\"submit\">Remove the "
		    "tool and its data</button></div></form>");
}

void page_tool_forget(struct http_request *req)
{
	struct tool t;
	if (!load_tool(req, &t))
		return;
	if (!can_forget(&req->session->account)) {
		page_error(req, 403, "Not allowed",
			   "Only the district's administrators delete a tool's data.");
		return;
	}
	const char *student = http_form(req, "student");
	bool all = http_form(req, "all") != NULL;
	if (all && !http_form(req, "confirm")) {
		page_error(req, 400, "Not removed",
			   "Tick the box that confirms the removal; nothing was deleted.");
		return;
	}
	if (!all && (!student || !*student)) {
		page_error(req, 400, "Not deleted",
			   "student: give the student's district id; nothing was deleted.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	struct lti_forget_report rep;
	enum eb_err rc = lti_forget(req->db, t.district_id, t.id, all ? NULL : student, &who, &rep);
	if (rc == EB_ENOTFOUND) {
		page_error(req, 400, "Not deleted",
			   "student: there is no student with this district id; nothing was "
			   "deleted.");
		return;
	}
	if (rc) {
		page_error(req, 503, "Not deleted", "The database is busy; nothing was deleted.");
		return;
	}
	struct buf *b = &req->out;
	page_begin(req,
		   all ? "The tool and its data are removed" : "The student's data is deleted");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/tools/");
	html_int(b, t.id);
	html_raw(b, "\">");
	html_text(b, t.name);
	html_raw(b, "</a></p><p>What was removed (also in the audit log):</p>");
	page_scroll_begin(req, "What was removed");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Where</th><th scope=\"col\">Rows</th>"
		    "</tr></thead><tbody>");
	for (int i = 0; i < rep.n; i++) {
		html_raw(b, "<tr><td class=\"code\">");
		html_text(b, rep.t[i].table);
		html_raw(b, "</td><td>");
		html_int(b, rep.t[i].rows);
		html_raw(b, "</td></tr>");
	}
	if (!rep.n)
		html_raw(b, "<tr><td colspan=\"2\">Nothing was stored.</td></tr>");
	html_raw(b, "</tbody></table></div><p>Students whose mastery was recomputed: ");
	html_int(b, rep.students);
	html_raw(b, "</p>");
	page_end(req);
}
