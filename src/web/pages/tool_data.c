/* A tool's data panel (what it has sent: volume per day, last received,
 * students matched, the quarantine, activities not yet mapped), the vendor
 * CSV upload (POST /tools/:id/csv) and the activity -> standard mapping form
 * (POST /tools/:id/map). Role masks are in routes.c (the editors: district
 * admin, coordinator, IT staff); the quarantine list is shown to IT staff
 * and the district admin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "ingest/csv_profile.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/chart.h"
#include "web/html.h"
#include "web/http.h"
#include "web/multipart.h"
#include "web/page.h"
#include "web/pages/pages.h"

static bool load(struct http_request *req, struct tool *t)
{
	int64_t id;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    tools_get(req->db, req->session->account.district_id, id, t)) {
		page_error(req, 404, "Not found", "There is no such tool in this district.");
		return false;
	}
	return true;
}

static void day_label(struct buf *b, int32_t day)
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	html_textf(b, "%04d-%02u-%02u", y, m, d);
}

static void volume_chart(struct buf *b, const struct activity_tool_data *d)
{
	double v[ACTIVITY_DAYS];
	char tip[ACTIVITY_DAYS][48];
	const char *tips[ACTIVITY_DAYS];
	for (int i = 0; i < ACTIVITY_DAYS; i++) {
		int y;
		unsigned m, dd;
		civil_from_days(d->first_day + i, &y, &m, &dd);
		snprintf(tip[i], sizeof tip[i], "%04d-%02u-%02u: %lld", y, m, dd,
			 (long long)d->per_day[i]);
		tips[i] = tip[i];
		v[i] = (double)d->per_day[i];
	}
	html_raw(b, "<h3>Events per day, last 30 days (by the day they happened)</h3>");
	chart_columns(b, "volume",
		      "Events per day over the last 30 days; the numbers are in the"
		      " table below",
		      v, tips, ACTIVITY_DAYS);
	html_raw(b, "<details><summary>Events per day as a table</summary><table class=\"volume\">"
		    "<thead><tr><th scope=\"col\">Day</th><th "
		    "scope=\"col\">Events</th></tr></thead><tbody>");
	for (int i = ACTIVITY_DAYS - 1; i >= 0; i--) {
		html_raw(b, "<tr><td>");
		day_label(b, d->first_day + i);
		html_raw(b, "</td><td>");
		html_int(b, d->per_day[i]);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></details>");
}

static void upload_form(struct http_request *req, const struct tool *t)
{
	struct buf *b = &req->out;
	html_raw(
		b,
		"<h3>Import a vendor CSV export</h3><p>The whole file is checked first; a file"
		" with any error is rejected and nothing is stored. Rows imported before are"
		" skipped.</p><form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\""
		" action=\"/tools/");
	html_int(b, t->id);
	html_raw(b, "/csv\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"csv_profile\">Profile (the export's shape)</label>"
		    "<select id=\"csv_profile\" name=\"profile\">");
	for (size_t i = 0; i < csvp_count(); i++) {
		const struct csv_profile *p = csvp_at(i);
		html_raw(b, "<option value=\"");
		html_attr(b, p->name);
		html_raw(b, "\">");
		html_text(b, p->name);
		html_raw(b, ": ");
		html_text(b, p->summary);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div><div><label for=\"csv_file\">CSV file (up to 16 MB)</label>"
		    "<input id=\"csv_file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\" "
		    "required>"
		    "</div><div><button type=\"submit\">Import the file</button></div></form>");
}

static void unmapped_section(struct http_request *req, const struct tool *t, bool can_map)
{
	struct buf *b = &req->out;
	struct activity_count *u;
	size_t n = 0;
	if (activity_unmapped(req->db, t->district_id, t->id, 100, &req->arena, &u, &n))
		return;
	html_raw(b, "<h3 id=\"unmapped\">Activities not yet mapped to standards</h3>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">None: every activity this tool sent is tied to a"
			    " standard.</p>");
		return;
	}
	page_scroll_begin(req, "Activities not yet mapped to standards");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Activity</th>"
		    "<th scope=\"col\">Events</th>");
	if (can_map)
		html_raw(b, "<th scope=\"col\">Map to a standard</th>");
	html_raw(b, "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td class=\"code\">");
		html_text(b, u[i].text);
		html_raw(b, "</td><td>");
		html_int(b, u[i].count);
		html_raw(b, "</td>");
		if (can_map) {
			html_raw(b, "<td><form method=\"post\" action=\"/tools/");
			html_int(b, t->id);
			html_raw(b, "/map\">");
			page_csrf_field(req);
			html_raw(b, "<input type=\"hidden\" name=\"activity\" value=\"");
			html_attr(b, u[i].text);
			html_textf(
				b,
				"\"><label for=\"map_%zu\">CCSS code</label><input id=\"map_%zu\""
				" name=\"standard\" maxlength=\"64\" required "
				"placeholder=\"3.NF.A.1\">"
				"<button type=\"submit\">Map</button></form></td>",
				i, i);
		}
		html_raw(b, "</tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void quarantine_section(struct http_request *req, const struct tool *t, bool show_list)
{
	struct buf *b = &req->out;
	struct activity_count *r;
	size_t n = 0;
	if (activity_quarantine_reasons(req->db, t->district_id, t->id, &req->arena, &r, &n) || !n)
		return;
	html_raw(b, "<h3>Quarantined (kept, not yet matched)</h3><ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li>");
		html_int(b, r[i].count);
		html_raw(b, ": ");
		html_text(b, r[i].text);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
	if (!show_list)
		return;
	struct activity_quarantined *q;
	if (activity_quarantine_list(req->db, t->district_id, t->id, 50, &req->arena, &q, &n) || !n)
		return;
	/* learner identifiers as a tool sent them: a bulk view of student data,
	 * audited with how many learners it shows (no entry, no list) */
	size_t learners = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && strcmp(q[j].actor_key, q[i].actor_key) != 0)
			j++;
		learners += j == i;
	}
	char tid[24];
	snprintf(tid, sizeof tid, "%lld", (long long)t->id);
	struct audit_actor who = auth_actor(req);
	if (audit_record_students(req->db, t->district_id, &who, "view", "tool", tid,
				  (int64_t)learners, "quarantined learner identifiers as sent"))
		return;
	html_raw(b, "<details><summary>The latest quarantined events</summary>");
	page_scroll_begin(req, "Quarantined events");
	html_raw(b,
		 "<table class=\"quarantine\"><thead><tr><th scope=\"col\">When</th>"
		 "<th scope=\"col\">Learner as sent</th><th scope=\"col\">Activity</th>"
		 "<th scope=\"col\">Source</th><th scope=\"col\">Reason</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		page_time(req, q[i].occurred_at);
		html_raw(b, "</td><td class=\"code\">");
		html_text(b, q[i].actor_key);
		html_raw(b, "</td><td class=\"code\">");
		html_text(b, q[i].activity_id ? q[i].activity_id : "");
		html_raw(b, "</td><td>");
		html_text(b, q[i].source);
		html_raw(b, "</td><td>");
		html_text(b, q[i].reason);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div></details>");
}

void page_tool_data_section(struct http_request *req, const struct tool *t)
{
	struct buf *b = &req->out;
	const struct account *a = &req->session->account;
	struct activity_tool_data d;
	if (activity_tool_data(req->db, t->district_id, t->id, time_now(), &d))
		return;
	html_raw(b, "<h2 id=\"data\">Data it has sent</h2><dl><dt>Last received</dt><dd>");
	if (d.last_received)
		page_time(req, d.last_received);
	else
		html_raw(b, "<span class=\"muted\">nothing yet</span>");
	html_raw(b, "</dd><dt>Learning events stored</dt><dd id=\"events\">");
	html_int(b, d.events);
	html_raw(b, "</dd><dt>Students matched</dt><dd id=\"students\">");
	html_int(b, d.students);
	html_raw(b, "</dd><dt>Quarantined</dt><dd id=\"quarantined\">");
	html_int(b, d.quarantined);
	html_raw(b, "</dd><dt>xAPI statements</dt><dd>");
	html_int(b, d.statements);
	html_raw(b, "</dd></dl>");
	volume_chart(b, &d);
	quarantine_section(req, t, tools_can_manage_credentials(a));
	unmapped_section(req, t, tools_can_edit(a));
	if (tools_can_edit(a))
		upload_form(req, t);
}

static void back_link(struct buf *b, const struct tool *t)
{
	html_raw(b, "<p><a href=\"/tools/");
	html_int(b, t->id);
	html_raw(b, "#data\">Back to the tool</a></p>");
}

void page_tool_csv(struct http_request *req)
{
	struct tool t;
	if (!load(req, &t))
		return;
	struct buf *b = &req->out;
	const char *ct = http_header(req, "Content-Type");
	struct multipart_part prof, file;
	char pname[64] = "";
	const struct csv_profile *p = NULL;
	const char *why = NULL;
	if (multipart_find(ct, req->body.data, req->body.len, "profile", &prof) == EB_OK &&
	    prof.len < sizeof pname) {
		memcpy(pname, prof.data, prof.len);
		pname[prof.len] = '\0';
		p = csvp_find(pname);
	}
	if (!p)
		why = "profile: choose one of the listed profiles.";
	else if (multipart_find(ct, req->body.data, req->body.len, "file", &file) || file.len == 0)
		why = "file: choose the CSV file to upload.";
	if (why) {
		req->status = 400;
		page_begin(req, "CSV import");
		page_notice(req, "error", why);
		back_link(b, &t);
		page_end(req);
		return;
	}
	char *data = malloc(file.len);
	struct csvp_report *rep = malloc(sizeof *rep);
	if (!data || !rep) {
		free(data);
		free(rep);
		page_error(req, 500, "CSV import", "The server is out of memory; try again.");
		return;
	}
	memcpy(data, file.data, file.len);
	int64_t dist = t.district_id;
	const char *fname = file.filename[0] ? file.filename : "upload.csv";
	enum eb_err rc = csvp_import(req->db, dist, t.id, p, fname, data, file.len, rep);
	free(data);
	struct audit_actor who = auth_actor(req);
	char detail[400];
	snprintf(detail, sizeof detail, "%s (profile %s)", fname, p->name);
	audit_record(req->db, dist, &who, rc ? "csv_import_rejected" : "csv_import", "tool",
		     req->params[0], detail);
	req->status = rc == EB_OK ? 200 : rc == EB_EPARSE || rc == EB_ETOOBIG ? 400 : 500;
	page_begin(req, "CSV import");
	if (rc == EB_OK) {
		page_notice(req, "ok", "The file was imported.");
		html_raw(b, "<dl class=\"report\"><dt>rows</dt><dd id=\"rows\">");
		html_int(b, (int64_t)rep->rows);
		html_raw(b, "</dd><dt>events</dt><dd id=\"events\">");
		html_int(b, (int64_t)rep->events);
		html_raw(b, "</dd><dt>quarantined</dt><dd id=\"quarantined\">");
		html_int(b, (int64_t)rep->quarantined);
		html_raw(b, "</dd><dt>skipped (imported before)</dt><dd id=\"skipped\">");
		html_int(b, (int64_t)rep->skipped);
		html_raw(b, "</dd></dl>");
	} else if (rep->nerrors) {
		page_notice(req, "error",
			    "The file was rejected; nothing was stored. Fix the errors"
			    " below and upload it again.");
		html_raw(b, "<ul class=\"errors\">");
		size_t shown = rep->nerrors < CSVP_MAX_ERRORS ? rep->nerrors : CSVP_MAX_ERRORS;
		for (size_t i = 0; i < shown; i++) {
			html_raw(b, "<li>");
			html_text(b, rep->errors[i]);
			html_raw(b, "</li>");
		}
		if (rep->nerrors > shown)
			html_textf(b, "<li>... and %zu more</li>", rep->nerrors - shown);
		html_raw(b, "</ul>");
	} else {
		page_notice(req, "error",
			    "The file could not be stored; nothing was changed. Try again.");
	}
	back_link(b, &t);
	page_end(req);
	free(rep);
}

void page_tool_map(struct http_request *req)
{
	struct tool t;
	if (!load(req, &t))
		return;
	const char *act = http_form(req, "activity"), *code = http_form(req, "standard");
	char canon[64];
	const char *why = NULL;
	if (!act || !*act || strlen(act) > 2048)
		why = "activity: which activity to map (up to 2048 bytes).";
	else if (!code || !*code)
		why = "standard: a CCSS code like 3.NF.A.1.";
	else {
		enum eb_err e = standards_canonical(code, canon, sizeof canon);
		if (e == EB_ENOTFOUND)
			why = "standard: not a standard of the CCSS-M catalog.";
		else if (e)
			why = "standard: not a CCSS code (like 3.NF.A.1).";
	}
	if (why) {
		req->status = 400;
		page_begin(req, "Map an activity");
		page_notice(req, "error", why);
		back_link(&req->out, &t);
		page_end(req);
		return;
	}
	int64_t dist = t.district_id;
	if (activity_map_set(req->db, dist, t.id, act, canon)) {
		page_error(req, 500, "Map an activity",
			   "The mapping could not be stored; try again.");
		return;
	}
	int matched = 0;
	activity_rematch(req->db, dist, &matched);
	struct audit_actor who = auth_actor(req);
	char detail[2200];
	snprintf(detail, sizeof detail, "activity %s -> %s (%d events re-matched)", act, canon,
		 matched);
	audit_record(req->db, dist, &who, "activity_map", "tool", req->params[0], detail);
	char loc[64];
	snprintf(loc, sizeof loc, "/tools/%lld#data", (long long)t.id);
	http_redirect(req, loc);
}
