/* Likely tech champions found from the data (issue 14, docs/trainings.md
 * "Champions"): per school and tool, the teachers the data suggests, each
 * with the reasons in words, listed by name (never ranked); for the
 * school's principal, IT and the coordinator only. The principal confirms
 * one: the tech_champion role at the school and the tool's support matrix
 * row (domain/champions). */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/champions.h"
#include "domain/roster.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"
#include "web/router.h"

/* The school the viewer asked for, or theirs: a principal sees only their
 * schools (first one by default); IT and the coordinator every school
 * (NULL: all). False when refused (answered). */
static bool scope(struct http_request *req, const char **school)
{
	const struct account *a = &req->session->account;
	const char *q = http_query(req, "school");
	*school = q && *q ? q : NULL;
	if (access_has(a, ROLE_IT_STAFF) || access_has(a, ROLE_COORDINATOR))
		return true;
	if (!*school)
		for (int i = 0; i < a->nroles && !*school; i++)
			if (a->roles[i].role == ROLE_PRINCIPAL &&
			    strcmp(a->roles[i].scope_type, "school") == 0)
				*school = a->roles[i].scope_id;
	if (!*school || !champions_can_view_school(a, *school)) {
		page_error(req, 404, "Not found", "There is no such school among yours.");
		return false;
	}
	return true;
}

static void hidden(struct buf *b, const char *name, const char *value)
{
	html_raw(b, "<input type=\"hidden\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" value=\"");
	html_attr(b, value);
	html_raw(b, "\">");
}

void page_champions(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *school;
	if (!scope(req, &school))
		return;
	int64_t tool = 0;
	const char *tq = http_query(req, "tool");
	if (tq && *tq && cstr_to_i64(tq, 1, INT64_MAX, &tool)) {
		page_error(req, 400, "Not a tool", "The tool asked for is not a number.");
		return;
	}
	struct champion_suggestion *s = NULL;
	size_t n = 0;
	bool snap = db_begin_read(req->db) == EB_OK;
	enum eb_err rc = champions_suggest(req->db, a->district_id, school, tool, time_now(),
					   &req->arena, &s, &n);
	if (snap)
		db_rollback(req->db);
	if (rc) {
		page_error(req, 503, "Try again", "The suggestions could not be read.");
		return;
	}
	page_begin(req, "Likely tech champions");
	struct buf *b = &req->out;
	const char *done = http_query(req, "confirmed");
	if (done && *done)
		page_notice(req, "ok", "Confirmed: the support matrix names the new champion.");
	html_raw(b, "<p>Teachers the data suggests as a school's tech champion for a tool: their"
		    " classes use it steadily and their students gain on the standards it"
		    " targets, or they resolve its tickets. Listed by name, not ranked; only the"
		    " school's principal, IT and the coordinator see this page. The principal"
		    " confirms.</p>");
	if (!n) {
		html_raw(b,
			 "<p class=\"muted\">No suggestion: no teacher's classes used a tool in");
		html_textf(b, " %d or more of the last %d weeks with a measured gain.",
			   CHAMPION_STEADY_WEEKS, CHAMPION_WEEKS);
		html_raw(b, "</p>");
		page_end(req);
		return;
	}
	page_scroll_begin(req, "Suggested champions");
	html_raw(b, "<table><thead><tr><th scope=\"col\">School</th><th scope=\"col\">Tool</th>"
		    "<th scope=\"col\">Teacher</th><th scope=\"col\">Why</th><th scope=\"col\">"
		    "Champion</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, s[i].school_name);
		html_raw(b, "</td><td>");
		html_text(b, s[i].tool_name);
		html_raw(b, "</td><td>");
		html_text(b, s[i].name);
		html_raw(b, "</td><td>");
		html_text(b, s[i].reasons);
		html_raw(b, "</td><td>");
		if (s[i].champion) {
			html_text(b, "Confirmed");
		} else if (!s[i].account_id) {
			html_text(b, "No edbridge sign-in yet");
		} else if (champions_can_confirm(a, s[i].school_sid)) {
			html_raw(b, "<form method=\"post\" action=\"/champions/confirm\">");
			page_csrf_field(req);
			char v[24];
			snprintf(v, sizeof v, "%lld", (long long)s[i].tool_id);
			hidden(b, "tool", v);
			hidden(b, "school", s[i].school_sid);
			snprintf(v, sizeof v, "%lld", (long long)s[i].account_id);
			hidden(b, "account", v);
			html_raw(b, "<button type=\"submit\" aria-label=\"");
			html_attr(b, "Confirm ");
			html_attr(b, s[i].name);
			html_attr(b, " for ");
			html_attr(b, s[i].tool_name);
			html_raw(b, "\">Confirm</button></form>");
		} else {
			html_text(b, "The principal confirms");
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

void page_champion_confirm(struct http_request *req)
{
	const struct account *a = &req->session->account;
	const char *school = http_form(req, "school");
	int64_t tool, account;
	if (!school || !*school || !champions_can_confirm(a, school)) {
		page_error(req, 403, "Not allowed",
			   "Only the school's principal confirms its tech champions.");
		return;
	}
	const char *tf = http_form(req, "tool"), *af = http_form(req, "account");
	if (!tf || cstr_to_i64(tf, 1, INT64_MAX, &tool) || !af ||
	    cstr_to_i64(af, 1, INT64_MAX, &account)) {
		page_error(req, 400, "Not confirmed", "The form names no tool or no teacher.");
		return;
	}
	char why[200] = "";
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = champions_confirm(req->db, a->district_id, tool, school, account, &who,
					   why, sizeof why);
	if (rc == EB_ENOTFOUND || rc == EB_EINVAL) {
		const char *colon = strstr(why, ": ");
		page_error(req, 400, "Not confirmed",
			   rc == EB_ENOTFOUND ? "There is no such tool in the district."
			   : colon	      ? colon + 2
					      : why);
		return;
	}
	if (rc) {
		page_error(req, 503, "Not confirmed", "The change could not be saved. Try again.");
		return;
	}
	struct buf to;
	buf_init(&to, 600);
	buf_puts(&to, "/champions?confirmed=1&school=");
	html_url(&to, school);
	http_redirect(req, buf_failed(&to) ? "/champions?confirmed=1" : buf_cstr(&to));
	buf_free(&to);
}
