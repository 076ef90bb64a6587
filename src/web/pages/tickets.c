/* Support tickets (issue 14; domain/ticket.h, docs/support.md): the list
 * each role sees, the short form to report a problem (from the tool page,
 * the student dashboard, the class page: ?tool= &class= &device=), "is it
 * this?" for the same problem reported today, one ticket with its
 * comments, attachments and history, and the staff's actions (status,
 * escalation, merge). Families and students read plain words in their
 * language (TR), never ids, tiers or data health. */
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/device.h"
#include "domain/ticket.h"
#include "domain/tools.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/multipart.h"
#include "web/page.h"
#include "web/pages/home_staff.h"
#include "web/pages/pages.h"
#include "web/router.h"

static const struct account *viewer(struct http_request *req)
{
	return &req->session->account;
}

/* A family or student viewer reads the plain pages in their language. */
static bool plain(struct http_request *req)
{
	if (!page_family_viewer(viewer(req)))
		return false;
	page_family_use_lang(req);
	return true;
}

static int64_t id_of(const char *s)
{
	int64_t v = 0;
	if (!s || cstr_to_i64(s, 1, INT64_MAX, &v))
		return 0;
	return v;
}

static const char *status_words(struct http_request *req, enum ticket_status s, bool family)
{
	return family ? TR(req->lang, ticket_status_plain(s)) : ticket_status_label(s);
}

/* The plain words of the statuses, for the catalogues (ticket.c holds them). */
static const char *const plain_words[] __attribute__((unused)) = {
	N_("We got your report"),
	N_("We are working on it"),
	N_("We need your answer"),
	N_("Fixed"),
	N_("Closed"),
};

/* ---- the form ---- */

void page_ticket_form(struct http_request *req, const struct page_ticket_form *in)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	const struct account *a = viewer(req);
	bool family = page_family_viewer(a);
	int64_t d = a->district_id;
	int64_t tool_id = id_of(in->tool);
	page_begin(req, TR(L, "Report a problem"));
	if (in->error)
		page_notice(req, "error", in->error);
	if (in->nsimilar) {
		html_raw(b, "<section aria-labelledby=\"h-similar\" id=\"similar\"><h2"
			    " id=\"h-similar\">");
		html_text(b, TR(L, "Is it one of these? Others reported a problem with this app"
				   " today."));
		html_raw(b, "</h2><ul>");
		for (size_t i = 0; i < in->nsimilar; i++) {
			const struct ticket_row *r = &in->similar[i];
			html_raw(b, "<li><form method=\"post\" action=\"/tickets/");
			html_int(b, r->id);
			html_raw(b, "/join\">");
			page_csrf_field(req);
			if (in->class_sid && *in->class_sid) {
				html_raw(b, "<input type=\"hidden\" name=\"class\" value=\"");
				html_attr(b, in->class_sid);
				html_raw(b, "\">");
			}
			html_raw(b, "<strong>");
			html_text(b, r->title);
			html_raw(b, "</strong> <button type=\"submit\">");
			html_text(b, TR(L, "Yes, this is my problem too"));
			html_raw(b, "</button></form></li>");
		}
		html_raw(b, "</ul></section>");
	}
	html_raw(b, "<p>");
	html_text(b, TR(L, "We add the app, your class and your browser for you, so the helpers"
			   " know where to look."));
	html_raw(b, "</p>");
	/* h14-kb: known fixes of the tool that match what was typed, above the
	 * form (their buttons are forms of their own) */
	const char *typed = arena_printf(&req->arena, "%s %s", in->title ? in->title : "",
					 in->body ? in->body : "");
	page_kb_suggestions(req, tool_id, typed, in->check_kb);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/tickets/new\""
		    " id=\"ticket-form\">");
	page_csrf_field(req);
	if (in->nsimilar)
		html_raw(b, "<input type=\"hidden\" name=\"confirm\" value=\"1\">");
	if (in->class_sid && *in->class_sid) {
		html_raw(b, "<input type=\"hidden\" name=\"class\" value=\"");
		html_attr(b, in->class_sid);
		html_raw(b, "\">");
	}
	if (in->device && *in->device) {
		html_raw(b, "<input type=\"hidden\" name=\"device\" value=\"");
		html_attr(b, in->device);
		html_raw(b, "\">");
	}
	struct tool_row *tools = NULL;
	size_t nt = 0;
	if (tools_list(req->db, d, -1, true, &req->arena, &tools, &nt))
		nt = 0;
	html_raw(b, "<div><label for=\"t-tool\">");
	html_text(b, TR(L, "Which app?"));
	html_raw(b, "</label><select id=\"t-tool\" name=\"tool\"><option value=\"\">");
	html_text(b, TR(L, "Not an app, or I don't know"));
	html_raw(b, "</option>");
	for (size_t i = 0; i < nt; i++) {
		html_raw(b, "<option value=\"");
		html_int(b, tools[i].id);
		html_raw(b, tools[i].id == tool_id ? "\" selected>" : "\">");
		html_text(b, tools[i].name);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div><div><label for=\"t-title\">");
	html_text(b, TR(L, "What is wrong?"));
	html_raw(b, "</label><input id=\"t-title\" name=\"title\" required maxlength=\"200\""
		    " value=\"");
	html_attr(b, in->title ? in->title : "");
	html_raw(b, "\"></div>");
	html_raw(b, "<div><label for=\"t-body\">");
	html_text(b, TR(L, "More details (optional)"));
	html_raw(b, "</label><textarea id=\"t-body\" name=\"body\" rows=\"4\" maxlength=\"4000\">");
	html_text(b, in->body ? in->body : "");
	html_raw(b, "</textarea></div>");
	page_kb_check_button(req); /* h14-kb */
	if (!family) {
		html_raw(b, "<div><label for=\"t-priority\">Priority</label><select"
			    " id=\"t-priority\" name=\"priority\">");
		for (int p = 0; p < TICKET_PRIORITY__COUNT; p++) {
			const char *name = ticket_priority_name((enum ticket_priority)p);
			bool sel = in->priority && *in->priority ? strcmp(in->priority, name) == 0
								 : p == TICKET_NORMAL;
			html_raw(b, "<option value=\"");
			html_attr(b, name);
			html_raw(b, sel ? "\" selected>" : "\">");
			html_text(b, ticket_priority_label((enum ticket_priority)p));
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></div><div class=\"check\"><input type=\"checkbox\" "
			    "id=\"t-share\""
			    " name=\"share\" value=\"1\"");
		html_raw(b, in->share ? " checked" : "");
		html_raw(b, "> <label for=\"t-share\">Share my name and class with the app's"
			    " maker (otherwise the vendor reads the problem without them)</label>"
			    "</div>");
	}
	html_raw(b, "<div><button type=\"submit\">");
	html_text(b, in->nsimilar ? TR(L, "No, send my report") : TR(L, "Send the report"));
	html_raw(b, "</button></div></form>");
	page_end(req);
}

static void similar_for(struct http_request *req, struct page_ticket_form *f, const char *school)
{
	int64_t tool_id = id_of(f->tool);
	if (!tool_id)
		return;
	struct ticket_row *rows = NULL;
	size_t n = 0;
	if (ticket_similar(req->db, viewer(req)->district_id, tool_id, school, time_now(), 5,
			   &req->arena, &rows, &n))
		return;
	f->similar = rows;
	f->nsimilar = n;
}

void page_ticket_new(struct http_request *req)
{
	plain(req);
	struct page_ticket_form f = {
		.tool = http_query(req, "tool"),
		.class_sid = http_query(req, "class"),
		.device = http_query(req, "device"),
	};
	page_ticket_form(req, &f);
}

void page_ticket_create(struct http_request *req)
{
	bool family = plain(req);
	const struct i18n_lang *L = req->lang;
	const struct account *a = viewer(req);
	struct page_ticket_form f = {
		.tool = http_form(req, "tool"),
		.class_sid = http_form(req, "class"),
		.device = http_form(req, "device"),
		.title = http_form(req, "title"),
		.body = http_form(req, "body"),
		.priority = http_form(req, "priority"),
		.share = http_form(req, "share") != NULL,
	};
	/* h14-kb: "Check for known fixes" shows the form again, the typed text
	 * kept, with the matching known fixes above it; nothing is filed */
	if (http_form(req, "check")) {
		f.check_kb = true;
		page_ticket_form(req, &f);
		return;
	}
	const char *confirm = http_form(req, "confirm");
	struct ticket_new in = {
		.tool_id = id_of(f.tool),
		.class_sid = f.class_sid,
		.device_id = id_of(f.device),
		.title = f.title,
		.body = f.body,
		.priority = family ? NULL : f.priority,
		.user_agent = http_header(req, "User-Agent"),
		.share_with_vendor = !family && f.share,
	};
	if (f.tool && *f.tool && !in.tool_id) {
		req->status = 400;
		f.error = "tool: choose a tool of the list";
		page_ticket_form(req, &f);
		return;
	}
	/* "is it this?": the same tool's open reports of the school, once */
	if (!confirm && in.tool_id) {
		char school[ACCOUNT_ID_MAX] = "";
		if (ticket_school_of(req->db, a, f.class_sid, school, sizeof school) == EB_OK &&
		    *school)
			similar_for(req, &f, school);
		if (f.nsimilar) {
			page_ticket_form(req, &f);
			return;
		}
	}
	char why[TICKET_WHY_CAP] = "", note[TICKET_WHY_CAP] = "";
	int64_t id = 0;
	enum eb_err e = ticket_create(req->db, a->district_id, a, &in, time_now(), &id, note, why,
				      sizeof why);
	if (e) {
		req->status = e == EB_EINVAL ? 400 : 503;
		f.error = family ? TR(L, "Write what is wrong, in a few words, and send it again.")
			  : e == EB_EINVAL ? why
					   : "The server is busy; try again.";
		page_ticket_form(req, &f);
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, a->district_id, &who, "create", "ticket",
		     arena_printf(&req->arena, "%lld", (long long)id), "reported a problem");
	const char *loc =
		arena_printf(&req->arena, "/tickets/%lld?filed=%d", (long long)id, *note ? 2 : 1);
	http_redirect(req, loc ? loc : "/tickets");
}

void page_ticket_join(struct http_request *req)
{
	bool family = plain(req);
	const struct account *a = viewer(req);
	int64_t id = id_of(req->params[0]);
	char why[TICKET_WHY_CAP] = "";
	enum eb_err e = id ? ticket_join(req->db, a->district_id, a, id, http_form(req, "class"),
					 false, time_now(), why, sizeof why)
			   : EB_ENOTFOUND;
	if (e == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "There is no such report.");
		return;
	}
	if (e) {
		page_error(req, e == EB_EINVAL ? 409 : 503, TR(req->lang, "Report a problem"),
			   family ? TR(req->lang, "This report is closed already. Send a new"
						  " one.")
				  : why);
		return;
	}
	const char *loc = arena_printf(&req->arena, "/tickets/%lld?joined=1", (long long)id);
	http_redirect(req, loc ? loc : "/tickets");
}

/* ---- the list ---- */

static void due_cell(struct http_request *req, int64_t due, int64_t now)
{
	struct buf *b = &req->out;
	if (!due) {
		html_raw(b, "<span class=\"muted\">none</span>");
		return;
	}
	if (due <= now)
		html_raw(b, "<strong>past</strong> ");
	page_time(req, due);
}

void page_tickets(struct http_request *req)
{
	bool family = plain(req);
	const struct i18n_lang *L = req->lang;
	const struct account *a = viewer(req);
	struct buf *b = &req->out;
	struct ticket_filter f = { .status = -1, .limit = 50 };
	const char *st = http_query(req, "status");
	enum ticket_status s;
	if (st && ticket_status_parse(st, &s))
		f.status = (int)s;
	else
		f.active_only = !(st && strcmp(st, "all") == 0);
	f.tool_id = id_of(http_query(req, "tool"));
	f.device_id = id_of(http_query(req, "device"));
	f.before_id = id_of(http_query(req, "before"));
	const char *school = http_query(req, "school");
	f.school_sid = school && *school ? school : NULL;
	f.mine_only = family || (http_query(req, "mine") != NULL);
	struct ticket_row *rows = NULL;
	size_t n = 0;
	if (ticket_list(req->db, a->district_id, a, &f, &req->arena, &rows, &n)) {
		page_error(req, 503, "Tickets", "The server is busy; try again.");
		return;
	}
	if (family) {
		page_begin(req, TR(L, "My reports"));
		html_raw(b, "<p><a href=\"/tickets/new\">");
		html_text(b, TR(L, "Report a problem"));
		html_raw(b, "</a></p>");
		if (!n) {
			html_raw(b, "<p>");
			html_text(b, TR(L, "You have not reported any problem."));
			html_raw(b, "</p>");
		} else {
			html_raw(b, "<ul class=\"fam-list\">");
			for (size_t i = 0; i < n; i++) {
				html_raw(b, "<li><a href=\"/tickets/");
				html_int(b, rows[i].id);
				html_raw(b, "\">");
				html_text(b, rows[i].title);
				html_raw(b, "</a>: ");
				html_text(b, status_words(req, rows[i].status, true));
				html_raw(b, "</li>");
			}
			html_raw(b, "</ul>");
		}
		page_end(req);
		return;
	}
	page_begin(req, "Tickets");
	html_raw(b, "<p><a href=\"/tickets/new\">Report a problem</a> &middot; ");
	html_raw(b, f.active_only ? "<a href=\"/tickets?status=all\">All tickets, closed too</a>"
				  : "<a href=\"/tickets\">Open tickets only</a>");
	html_raw(b, " &middot; <a href=\"/tickets?mine=1\">Reported by me</a></p>");
	if (!n) {
		html_raw(b, "<p>No tickets here.</p>");
		page_end(req);
		return;
	}
	int64_t now = time_now();
	page_scroll_begin(req, "Tickets");
	html_raw(b, "<table><caption class=\"sr\">Tickets, newest first</caption><thead><tr>"
		    "<th scope=\"col\">Ticket</th><th scope=\"col\">Tool</th><th"
		    " scope=\"col\">Status</th><th scope=\"col\">With</th><th"
		    " scope=\"col\">Priority</th><th scope=\"col\">Reporters</th><th"
		    " scope=\"col\">Next target</th><th scope=\"col\">Filed</th></tr></thead>"
		    "<tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct ticket_row *r = &rows[i];
		html_raw(b, "<tr><td><a href=\"/tickets/");
		html_int(b, r->id);
		html_raw(b, "\">");
		html_textf(b, "#%lld ", (long long)r->id);
		html_text(b, r->title);
		html_raw(b, "</a></td><td>");
		html_text(b, *r->tool_name ? r->tool_name : "none");
		html_raw(b, "</td><td>");
		html_text(b, ticket_status_label(r->status));
		html_raw(b, "</td><td>");
		html_text(b, ticket_tier_label(r->tier));
		html_raw(b, "</td><td>");
		html_text(b, ticket_priority_label(r->priority));
		html_raw(b, "</td><td>");
		html_int(b, r->reporters);
		html_raw(b, "</td><td>");
		due_cell(req, r->next_due, now);
		html_raw(b, "</td><td>");
		page_time(req, r->created_at);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (n == (f.limit ? f.limit : 50)) {
		html_raw(b, "<p><a href=\"/tickets?before=");
		html_int(b, rows[n - 1].id);
		if (!f.active_only)
			html_raw(b, "&amp;status=all");
		html_raw(b, "\">Older tickets</a></p>");
	}
	page_end(req);
}

/* ---- one ticket ---- */

static bool load(struct http_request *req, struct ticket *t)
{
	const struct account *a = viewer(req);
	int64_t id = id_of(req->params[0]);
	enum eb_err e = id ? ticket_get(req->db, a->district_id, a, id, &req->arena, t)
			   : EB_ENOTFOUND;
	if (e == EB_ENOTFOUND) {
		page_error(req, 404, "Not found",
			   "There is no such ticket, or it is not yours to see.");
		return false;
	}
	if (e) {
		page_error(req, 503, "Tickets", "The server is busy; try again.");
		return false;
	}
	return true;
}

static void ago(struct http_request *req, int64_t t)
{
	if (!t) {
		html_raw(&req->out, "never");
		return;
	}
	page_time(req, t);
}

static void health_part(struct http_request *req, const struct ticket *t)
{
	struct buf *b = &req->out;
	if (!t->tool_id)
		return;
	html_raw(b, "<section aria-labelledby=\"h-health\"><h2 id=\"h-health\">The tool's data"
		    " when it was reported</h2><dl class=\"report\"><dt>Last data received</dt>"
		    "<dd>");
	ago(req, t->health.last_received);
	html_raw(b, "</dd><dt>Quarantined events (7 days)</dt><dd>");
	html_int(b, t->health.quarantined);
	html_raw(b, "</dd><dt>Credentials</dt><dd>");
	html_text(b, t->health.cred == TICKET_CRED_ACTIVE    ? "active"
		     : t->health.cred == TICKET_CRED_REVOKED ? "revoked: no active credential"
							     : "none issued");
	html_raw(b, "</dd></dl></section>");
}

/* Whether the ticket shows a student's or a family's words or name: its
 * view is then audited. */
static int64_t student_reporters(const struct ticket_reporter *r, size_t n)
{
	int64_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += strcmp(r[i].role, "student") == 0 || strcmp(r[i].role, "guardian") == 0;
	return k;
}

/* The roles that answer tickets (as ticket.c records a comment's role). */
static bool support_role(const char *role)
{
	return strcmp(role, "it_staff") == 0 || strcmp(role, "district_admin") == 0 ||
	       strcmp(role, "tech_champion") == 0 || strcmp(role, "vendor_contact") == 0;
}

static void comments_part(struct http_request *req, const struct ticket *t, bool family,
			  bool worker, bool staff)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	struct ticket_comment *c = NULL;
	size_t n = 0;
	if (ticket_comments(req->db, t->district_id, t->id, staff, &req->arena, &c, &n))
		n = 0;
	html_raw(b, "<section aria-labelledby=\"h-comments\" id=\"comments\"><h2"
		    " id=\"h-comments\">");
	html_text(b, family ? TR(L, "Answers") : "Comments");
	html_raw(b, "</h2>");
	if (n)
		html_raw(b, "<ul class=\"fb-thread\">");
	/* reporters read the support staff's answers and their own words, never
	 * another reporter's (a merged incident joins people who do not know
	 * each other); a vendor contact reads the reporters' words unnamed */
	bool vendor_view = worker && !staff;
	int64_t me = viewer(req)->id;
	for (size_t i = 0; i < n; i++) {
		bool support = support_role(c[i].role);
		if (!worker && !support && c[i].author_id != me)
			continue;
		html_raw(b, "<li><strong>");
		html_text(b, vendor_view && !support ? "A reporter" : c[i].author);
		html_raw(b, "</strong>");
		if (c[i].internal)
			html_raw(b, " <span class=\"tag\">internal</span>");
		if (!family) {
			html_raw(b, " <span class=\"muted\">");
			page_time(req, c[i].at);
			html_raw(b, "</span>");
		}
		html_raw(b, "<br>");
		html_text(b, c[i].body);
		html_raw(b, "</li>");
	}
	if (n)
		html_raw(b, "</ul>");
	if (t->merged_into) {
		html_raw(b, "</section>");
		return;
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/tickets/");
	html_int(b, t->id);
	html_raw(b, "/comments\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"c-body\">");
	html_text(b, family ? TR(L, "Add a message") : "Add a comment");
	html_raw(b, "</label><textarea id=\"c-body\" name=\"body\" rows=\"3\" maxlength=\"4000\""
		    " required></textarea></div>");
	if (staff && worker)
		html_raw(b, "<div class=\"check\"><input type=\"checkbox\" id=\"c-internal\" "
			    "name=\"internal\""
			    " value=\"1\"> <label for=\"c-internal\">Internal note (district staff"
			    " only; never shown to the reporters or the vendor)</label></div>");
	html_raw(b, "<div><button type=\"submit\">");
	html_text(b, family ? TR(L, "Send") : "Add the comment");
	html_raw(b, "</button></div></form></section>");
}

static void attachments_part(struct http_request *req, const struct ticket *t, bool family,
			     bool staff)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	struct ticket_attachment *at = NULL;
	size_t n = 0;
	if (ticket_attachments(req->db, t->district_id, t->id, staff, &req->arena, &at, &n))
		n = 0;
	html_raw(b, "<section aria-labelledby=\"h-files\" id=\"files\"><h2 id=\"h-files\">");
	html_text(b, TR(L, "Pictures and files"));
	html_raw(b, "</h2>");
	if (n)
		html_raw(b, "<ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li><a href=\"/tickets/");
		html_int(b, t->id);
		html_raw(b, "/attachments/");
		html_int(b, at[i].id);
		html_raw(b, "\">");
		html_text(b, at[i].filename);
		html_raw(b, "</a>");
		if (staff)
			html_textf(b, " (%s, %lld bytes, by %s)", at[i].mime, (long long)at[i].size,
				   at[i].uploader);
		else if (!family)
			html_textf(b, " (%s, %lld bytes)", at[i].mime, (long long)at[i].size);
		html_raw(b, "</li>");
	}
	if (n)
		html_raw(b, "</ul>");
	if (t->merged_into) {
		html_raw(b, "</section>");
		return;
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\""
		    " action=\"/tickets/");
	html_int(b, t->id);
	html_raw(b, "/attachments\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"a-file\">");
	html_text(b, TR(L, "Attach a picture or a file (PNG, JPEG, PDF or text, at most 5 MB)"));
	html_raw(b, "</label><input type=\"file\" id=\"a-file\" name=\"file\" required"
		    " accept=\"image/png,image/jpeg,application/pdf,text/plain\"></div><div>"
		    "<button type=\"submit\">");
	html_text(b, TR(L, "Attach"));
	html_raw(b, "</button></div></form></section>");
}

/* staff: district staff (the merge is theirs); else a vendor contact of the tool */
static void staff_actions(struct http_request *req, const struct ticket *t, bool staff)
{
	struct buf *b = &req->out;
	if (t->merged_into || !ticket_status_active(t->status)) {
		if (t->status == TICKET_RESOLVED ||
		    (t->status == TICKET_CLOSED && !t->merged_into)) {
			html_raw(b, "<form method=\"post\" action=\"/tickets/");
			html_int(b, t->id);
			html_raw(b, "/status\">");
			page_csrf_field(req);
			html_raw(b, "<input type=\"hidden\" name=\"status\" value=\"open\"><button"
				    " type=\"submit\">Reopen</button></form>");
		}
		return;
	}
	html_raw(b, "<section aria-labelledby=\"h-work\"><h2 id=\"h-work\">Work the ticket</h2>"
		    "<form class=\"stack\" method=\"post\" action=\"/tickets/");
	html_int(b, t->id);
	html_raw(b, "/status\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"w-status\">Status</label><select id=\"w-status\""
		    " name=\"status\">");
	static const enum ticket_status choices[] = { TICKET_OPEN, TICKET_WAITING, TICKET_RESOLVED,
						      TICKET_CLOSED };
	for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
		if (choices[i] == t->status)
			continue;
		html_raw(b, "<option value=\"");
		html_attr(b, ticket_status_name(choices[i]));
		html_raw(b, "\">");
		html_text(b, ticket_status_label(choices[i]));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div><div><button type=\"submit\">Change the status</button></div>"
		    "</form>");
	if (t->tier != TICKET_TIER_VENDOR) {
		html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/tickets/");
		html_int(b, t->id);
		html_raw(b, "/escalate\">");
		page_csrf_field(req);
		html_raw(b, "<div><label for=\"w-tier\">Escalate to</label><select id=\"w-tier\""
			    " name=\"tier\">");
		for (int k = t->tier + 1; k < TICKET_TIER__COUNT; k++) {
			html_raw(b, "<option value=\"");
			html_attr(b, ticket_tier_name((enum ticket_tier)k));
			html_raw(b, "\">");
			html_text(b, ticket_tier_label((enum ticket_tier)k));
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></div><div><button type=\"submit\">Escalate</button></div>"
			    "</form>");
	}
	if (!staff) {
		html_raw(b, "</section>");
		return;
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/tickets/");
	html_int(b, t->id);
	html_raw(b, "/merge\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"w-into\">Merge into ticket number (a duplicate of the same"
		    " incident: its reporters move over)</label><input id=\"w-into\" name=\"into\""
		    " inputmode=\"numeric\" pattern=\"[0-9]+\" required></div><div><button"
		    " type=\"submit\">Merge</button></div></form></section>");
}

/* A history value in words: a tier, a status or a priority by its label
 * ("it" reads "District IT"); anything else as stored. */
static const char *history_value(const char *v)
{
	enum ticket_tier tier;
	enum ticket_status st;
	enum ticket_priority p;
	if (ticket_tier_parse(v, &tier))
		return ticket_tier_label(tier);
	if (ticket_status_parse(v, &st))
		return ticket_status_label(st);
	if (ticket_priority_parse(v, &p))
		return ticket_priority_label(p);
	return v;
}

static void history_part(struct http_request *req, const struct ticket *t)
{
	struct buf *b = &req->out;
	struct ticket_event *ev = NULL;
	size_t n = 0;
	if (ticket_history(req->db, t->district_id, t->id, &req->arena, &ev, &n) || !n)
		return;
	html_raw(b, "<section aria-labelledby=\"h-history\"><h2 id=\"h-history\">History</h2><ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li>");
		page_time(req, ev[i].at);
		html_raw(b, ": ");
		html_text(b, ev[i].actor);
		html_raw(b, " ");
		html_text(b, ev[i].kind);
		if (*ev[i].from_value || *ev[i].to_value)
			html_textf(b, " %s \xe2\x86\x92 %s", history_value(ev[i].from_value),
				   history_value(ev[i].to_value));
		if (*ev[i].note) {
			html_raw(b, " (");
			html_text(b, ev[i].note);
			html_raw(b, ")");
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
}

static void family_view(struct http_request *req, const struct ticket *t)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	page_begin(req, TR(L, "My reports"));
	const char *filed = http_query(req, "filed");
	if (filed)
		page_notice(
			req, "ok",
			TR(L, "Your report was sent. We will tell you when there is an answer."));
	if (http_query(req, "joined"))
		page_notice(req, "ok",
			    TR(L, "You joined this report. We will tell you when there is an"
				  " answer."));
	html_raw(b, "<h2>");
	html_text(b, t->title);
	html_raw(b, "</h2><p><strong>");
	html_text(b, status_words(req, t->status, true));
	html_raw(b, "</strong></p>");
	if (*t->body) {
		html_raw(b, "<p>");
		html_text(b, t->body);
		html_raw(b, "</p>");
	}
	comments_part(req, t, true, false, false);
	attachments_part(req, t, true, false);
	if (ticket_status_active(t->status) && !t->merged_into) {
		html_raw(b, "<form method=\"post\" action=\"/tickets/");
		html_int(b, t->id);
		html_raw(b, "/status\">");
		page_csrf_field(req);
		html_raw(b, "<input type=\"hidden\" name=\"status\" value=\"resolved\"><button"
			    " type=\"submit\">");
		html_text(b, TR(L, "It works now"));
		html_raw(b, "</button></form>");
	}
	html_raw(b, "<p><a href=\"/tickets\">");
	html_text(b, TR(L, "My reports"));
	html_raw(b, "</a></p>");
	page_end(req);
}

void page_ticket(struct http_request *req)
{
	bool family = plain(req);
	struct ticket t;
	if (!load(req, &t))
		return;
	const struct account *a = viewer(req);
	struct ticket_reporter *rep = NULL;
	size_t nrep = 0;
	if (ticket_reporters(req->db, a->district_id, t.id, &req->arena, &rep, &nrep))
		nrep = 0;
	bool worker = ticket_can_work(req->db, a, &t);
	/* district staff (not a vendor contact of the tool) see internal notes */
	bool staff = worker &&
		     (access_has(a, ROLE_IT_STAFF) || access_has(a, ROLE_DISTRICT_ADMIN) ||
		      access_has(a, ROLE_TECH_CHAMPION));
	bool vendor_view = worker && !staff;
	int64_t students = student_reporters(rep, nrep);
	if (students && !vendor_view &&
	    !page_audit_bulk(req, "view", "ticket", req->params[0], students,
			     "a support ticket reported by a student or family"))
		return;
	if (family) {
		family_view(req, &t);
		return;
	}
	struct buf *b = &req->out;
	char title[64];
	snprintf(title, sizeof title, "Ticket %lld", (long long)t.id);
	page_begin(req, title);
	const char *filed = http_query(req, "filed");
	if (filed)
		page_notice(
			req, "ok",
			strcmp(filed, "2") == 0
				? "The report is filed. The school has no tech champion for this"
				  " tool yet: district IT has it."
				: "The report is filed. You will get an email when there is an"
				  " answer.");
	const char *note = http_query(req, "note");
	if (note && strcmp(note, "to_it") == 0)
		page_notice(req, "error",
			    "Nobody is in that tier for this tool: the ticket went to district IT"
			    " instead.");
	if (http_query(req, "joined"))
		page_notice(req, "ok", "You joined this report.");
	html_raw(b, "<h2>");
	html_text(b, t.title);
	html_raw(b, "</h2>");
	if (t.merged_into) {
		html_raw(b, "<p>Merged into <a href=\"/tickets/");
		html_int(b, t.merged_into);
		html_textf(b, "\">ticket %lld</a>.</p>", (long long)t.merged_into);
	}
	html_raw(b, "<dl class=\"report\"><dt>Status</dt><dd>");
	html_text(b, ticket_status_label(t.status));
	html_raw(b, "</dd><dt>With</dt><dd>");
	html_text(b, ticket_tier_label(t.tier));
	if (*t.assignee_name) {
		html_raw(b, ": ");
		html_text(b, t.assignee_name);
	} else if (t.tier == TICKET_TIER_VENDOR && *t.vendor_email && staff) {
		html_raw(b, ": ");
		html_text(b, t.vendor_email);
	}
	html_raw(b, "</dd><dt>Priority</dt><dd>");
	html_text(b, ticket_priority_label(t.priority));
	html_raw(b, "</dd><dt>Tool</dt><dd>");
	if (t.tool_id && !vendor_view) {
		html_raw(b, "<a href=\"/tools/");
		html_int(b, t.tool_id);
		html_raw(b, "\">");
		html_text(b, t.tool_name);
		html_raw(b, "</a>");
	} else {
		html_text(b, t.tool_id ? t.tool_name : "none");
	}
	html_raw(b, "</dd>");
	if (*t.school_name && !vendor_view) {
		html_raw(b, "<dt>School</dt><dd>");
		html_text(b, t.school_name);
		html_raw(b, "</dd>");
	}
	if (*t.class_title) {
		html_raw(b, "<dt>Class</dt><dd>");
		html_text(b, t.class_title);
		html_raw(b, "</dd>");
	}
	struct device dev;
	if (t.device_id && !vendor_view &&
	    device_get(req->db, a->district_id, t.device_id, &req->arena, &dev) == EB_OK) {
		html_raw(b, "<dt>Device</dt><dd>");
		if (device_can_view(a) && device_can_view_school(a, dev.school_sid)) {
			html_raw(b, "<a href=\"/devices/");
			html_int(b, dev.id);
			html_raw(b, "\">");
			html_text(b, dev.asset_tag);
			html_raw(b, "</a>");
		} else {
			html_text(b, dev.asset_tag);
		}
		html_raw(b, " (");
		html_text(b, dev.model);
		html_raw(b, ")</dd>");
	}
	html_raw(b, "<dt>Reported by</dt><dd>");
	if (!worker && t.reporter_id != a->id)
		html_raw(b, "another person");
	else if (*t.reporter_name)
		html_text(b, t.reporter_name);
	else
		html_raw(b, "<span class=\"muted\">not shared with the vendor</span>");
	html_raw(b, " (");
	html_text(b, t.reporter_role);
	if (nrep > 1)
		html_textf(b, "; %zu people reported it", nrep);
	html_raw(b, ")</dd><dt>Browser</dt><dd>");
	html_text(b, *t.browser ? t.browser : "not known");
	html_raw(b, "</dd><dt>Filed</dt><dd>");
	page_time(req, t.created_at);
	html_raw(b, "</dd><dt>Next target</dt><dd>");
	due_cell(req, t.next_due, time_now());
	if (t.sla_breached)
		html_raw(b, " <strong>(target missed at the last tier)</strong>");
	if (t.paused_at)
		html_raw(b, " (paused: waiting on the reporter)");
	html_raw(b, "</dd></dl>");
	if (*t.body) {
		html_raw(b, "<p>");
		html_text(b, t.body);
		html_raw(b, "</p>");
	}
	if (staff && nrep > 1) {
		html_raw(b,
			 "<section aria-labelledby=\"h-rep\"><h2 id=\"h-rep\">Reporters</h2><ul>");
		for (size_t i = 0; i < nrep; i++) {
			html_raw(b, "<li>");
			html_text(b, rep[i].name);
			html_raw(b, " (");
			html_text(b, rep[i].role);
			html_raw(b, ")</li>");
		}
		html_raw(b, "</ul></section>");
	}
	if (!vendor_view)
		health_part(req, &t);
	comments_part(req, &t, false, worker, staff);
	attachments_part(req, &t, false, staff);
	if (worker)
		staff_actions(req, &t, staff);
	else if (ticket_status_active(t.status) && !t.merged_into) {
		html_raw(b, "<form method=\"post\" action=\"/tickets/");
		html_int(b, t.id);
		html_raw(b, "/status\">");
		page_csrf_field(req);
		html_raw(b, "<input type=\"hidden\" name=\"status\" value=\"resolved\"><button"
			    " type=\"submit\">It works now</button></form>");
	}
	if (staff)
		history_part(req, &t);
	page_end(req);
}

/* ---- actions ---- */

static void back_to(struct http_request *req, int64_t id, const char *suffix)
{
	const char *loc = arena_printf(&req->arena, "/tickets/%lld%s", (long long)id, suffix);
	http_redirect(req, loc ? loc : "/tickets");
}

static void action_error(struct http_request *req, enum eb_err e, const char *why)
{
	bool family = page_family_viewer(viewer(req));
	const char *msg = family ? TR(req->lang, "That did not work. Go back and try again.") : why;
	switch (e) {
	case EB_ENOTFOUND:
		page_error(req, 404, "Not found",
			   "There is no such ticket, or it is not yours to see.");
		return;
	case EB_EPERM:
		page_error(req, 403, "Not allowed", msg && *msg ? msg : "Not allowed.");
		return;
	case EB_ETOOBIG:
		page_error(req, 413, TR(req->lang, "File not attached"),
			   TR(req->lang, "The file is larger than 5 MB."));
		return;
	case EB_ENOTSUP:
		page_error(req, 415, TR(req->lang, "File not attached"),
			   TR(req->lang, "Only pictures (PNG, JPEG), PDF or plain text files can"
					 " be attached."));
		return;
	case EB_EINVAL:
		page_error(req, 400, "Not done", msg && *msg ? msg : "Not done.");
		return;
	default:
		page_error(req, 503, "Not done", "The server is busy; try again.");
	}
}

void page_ticket_comment(struct http_request *req)
{
	plain(req);
	const struct account *a = viewer(req);
	int64_t id = id_of(req->params[0]);
	char why[TICKET_WHY_CAP] = "";
	enum eb_err e = id ? ticket_comment_add(req->db, a->district_id, a, id,
						http_form(req, "body"),
						http_form(req, "internal") != NULL, time_now(),
						NULL, why, sizeof why)
			   : EB_ENOTFOUND;
	if (e) {
		action_error(req, e, why);
		return;
	}
	back_to(req, id, "#comments");
}

void page_ticket_status(struct http_request *req)
{
	plain(req);
	const struct account *a = viewer(req);
	int64_t id = id_of(req->params[0]);
	enum ticket_status to;
	char why[TICKET_WHY_CAP] = "status: choose a status of the list";
	enum eb_err e = EB_EINVAL;
	if (!id)
		e = EB_ENOTFOUND;
	else if (ticket_status_parse(http_form(req, "status"), &to))
		e = ticket_set_status(req->db, a->district_id, a, id, to, time_now(), why,
				      sizeof why);
	if (e) {
		action_error(req, e, why);
		return;
	}
	back_to(req, id, "");
}

void page_ticket_escalate(struct http_request *req)
{
	const struct account *a = viewer(req);
	int64_t id = id_of(req->params[0]);
	enum ticket_tier to = TICKET_TIER__COUNT;
	const char *tier = http_form(req, "tier");
	char why[TICKET_WHY_CAP] = "", note[TICKET_WHY_CAP] = "";
	if (tier && *tier && !ticket_tier_parse(tier, &to)) {
		action_error(req, EB_EINVAL, "tier: choose champion, it or vendor");
		return;
	}
	enum eb_err e = id ? ticket_escalate(req->db, a->district_id, a, id, to, time_now(), note,
					     why, sizeof why)
			   : EB_ENOTFOUND;
	if (e) {
		action_error(req, e, why);
		return;
	}
	back_to(req, id, *note ? "?note=to_it" : "");
}

void page_ticket_merge(struct http_request *req)
{
	const struct account *a = viewer(req);
	int64_t id = id_of(req->params[0]);
	int64_t into = id_of(http_form(req, "into"));
	char why[TICKET_WHY_CAP] = "into: give the number of the ticket to merge into";
	enum eb_err e = !id    ? EB_ENOTFOUND
			: into ? ticket_merge(req->db, a->district_id, a, id, into, time_now(), why,
					      sizeof why)
			       : EB_EINVAL;
	if (e) {
		action_error(req, e, why);
		return;
	}
	back_to(req, into, "");
}

void page_ticket_attach(struct http_request *req)
{
	plain(req);
	const struct account *a = viewer(req);
	int64_t id = id_of(req->params[0]);
	struct multipart_part file;
	char why[TICKET_WHY_CAP] = "file: choose the file to attach";
	enum eb_err e = EB_EINVAL;
	if (!id)
		e = EB_ENOTFOUND;
	else if (multipart_find(http_header(req, "Content-Type"), req->body.data, req->body.len,
				"file", &file) == EB_OK)
		e = ticket_attach(req->db, a->district_id, a, id, file.filename, file.data,
				  file.len, false, time_now(), NULL, why, sizeof why);
	if (e) {
		action_error(req, e, why);
		return;
	}
	back_to(req, id, "#files");
}

void page_ticket_attachment(struct http_request *req)
{
	struct ticket t;
	if (!load(req, &t))
		return;
	const struct account *a = viewer(req);
	bool staff = ticket_can_work(req->db, a, &t) &&
		     (access_has(a, ROLE_IT_STAFF) || access_has(a, ROLE_DISTRICT_ADMIN) ||
		      access_has(a, ROLE_TECH_CHAMPION));
	struct ticket_attachment at;
	int64_t aid = id_of(req->params[1]);
	if (!aid || ticket_attachment_get(req->db, a->district_id, t.id, aid, &req->arena, &at) ||
	    (at.internal && !staff)) {
		page_error(req, 404, "Not found", "There is no such file.");
		return;
	}
	req->status = 200;
	req->content_type = at.mime;
	/* pictures and text open in the browser, a PDF is saved; nothing in
	 * them runs (the server's nosniff and its CSP, default-src 'none') */
	http_set_header(req, "Content-Disposition",
			strcmp(at.mime, "application/pdf") == 0 ? "attachment" : "inline");
	buf_put(&req->out, at.data, (size_t)at.size);
}

/* ---- the homes of IT and the champions ---- */

struct home_tickets {
	struct ticket_row *rows;
	size_t n;
	int64_t now;
};

void *page_tickets_home_load(struct home_ctx *h)
{
	struct http_request *req = home_ctx_request(h);
	const struct account *a = viewer(req);
	struct home_tickets *s = arena_zalloc(&req->arena, sizeof *s);
	if (!s)
		return NULL;
	s->now = time_now();
	if (ticket_near_target(req->db, a->district_id, a, s->now, 10, &req->arena, &s->rows,
			       &s->n))
		s->n = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct ticket_row *r = &s->rows[i];
		char text[400];
		int64_t left = r->next_due - s->now;
		if (left <= 0)
			snprintf(text, sizeof text, "Ticket %lld (%s) is past its target: %s",
				 (long long)r->id, *r->tool_name ? r->tool_name : "no tool",
				 r->title);
		else
			snprintf(text, sizeof text,
				 "Ticket %lld (%s) reaches its target in %lld min: %s",
				 (long long)r->id, *r->tool_name ? r->tool_name : "no tool",
				 (long long)((left + 59) / 60), r->title);
		home_add_step(h, arena_printf(&req->arena, "/tickets/%lld", (long long)r->id),
			      text);
	}
	return s;
}

void page_tickets_home_write(struct home_ctx *h, void *state)
{
	struct http_request *req = home_ctx_request(h);
	struct home_tickets *s = state;
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-tickets\"><h2 id=\"h-tickets\">Tickets near"
		    " their target</h2>");
	if (!s->n) {
		html_raw(b, "<p>No ticket is near its target.</p>");
	} else {
		html_raw(b, "<ul>");
		for (size_t i = 0; i < s->n; i++) {
			const struct ticket_row *r = &s->rows[i];
			html_raw(b, "<li><a href=\"/tickets/");
			html_int(b, r->id);
			html_raw(b, "\">");
			html_textf(b, "#%lld %s", (long long)r->id, r->title);
			html_raw(b, "</a> (");
			html_text(b, *r->tool_name ? r->tool_name : "no tool");
			html_raw(b, ", ");
			html_text(b, ticket_tier_label(r->tier));
			html_raw(b, "): ");
			due_cell(req, r->next_due, s->now);
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	html_raw(b, "<p><a href=\"/tickets\">Every open ticket</a></p></section>");
}
