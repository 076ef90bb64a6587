/* devices.c - the device inventory (issue 14; docs/devices.md): /devices
 * (the list with its filters, and the CSV upload for IT), /devices/:id (a
 * device, who holds it, its check-outs and tickets, the check-out and
 * check-in forms), and the devices part of IT's home.
 *
 * District administrators and IT staff see and manage every device; a
 * principal or tech champion sees the devices of their schools, read-only.
 * A student's name shows to managers and principals only (a champion reads
 * "a student"); a page that shows students' names is audited. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/device.h"
#include "domain/roster.h"
#include "domain/ticket.h"
#include "ingest/device_csv.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/multipart.h"
#include "web/page.h"
#include "web/pages/home_staff.h"
#include "web/pages/pages.h"

#define PAGE_SIZE 100

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

static const struct account *viewer(struct http_request *req)
{
	return &req->session->account;
}

/* Names of students show to managers and principals; a champion reads "a
 * student" (they need the device, not the child). */
static bool sees_student_names(const struct account *a)
{
	return device_can_manage(a) || access_has(a, ROLE_PRINCIPAL);
}

static const char *holder_words(const struct account *a, const char *sid, bool student,
				const char *name)
{
	if (!sid)
		return "";
	if (student && !sees_student_names(a))
		return "A student";
	return *name ? name : sid;
}

/* The schools a principal or champion sees (their roles' school scopes);
 * n 0 for a manager, who sees all. */
static void viewer_schools(struct http_request *req, const char ***out, size_t *n)
{
	const struct account *a = viewer(req);
	*out = NULL;
	*n = 0;
	if (device_can_manage(a))
		return;
	const char **v = arena_alloc(&req->arena, sizeof *v * (size_t)(a->nroles + 1));
	if (!v)
		return;
	for (int i = 0; i < a->nroles; i++)
		if ((a->roles[i].role == ROLE_PRINCIPAL ||
		     a->roles[i].role == ROLE_TECH_CHAMPION) &&
		    strcmp(a->roles[i].scope_type, "school") == 0)
			v[(*n)++] = a->roles[i].scope_id;
	*out = v;
}

static void option(struct buf *b, const char *value, const char *label, bool selected)
{
	html_raw(b, "<option value=\"");
	html_attr(b, value);
	html_raw(b, selected ? "\" selected>" : "\">");
	html_text(b, label);
	html_raw(b, "</option>");
}

static void device_link(struct buf *b, const struct device *d)
{
	char href[48];
	snprintf(href, sizeof href, "/devices/%lld", (long long)d->id);
	html_raw(b, "<a href=\"");
	html_attr(b, href);
	html_raw(b, "\">");
	html_text(b, d->asset_tag);
	html_raw(b, "</a>");
}

/* ---- the list ------------------------------------------------------------ */

static void import_form(struct http_request *req)
{
	struct buf *b = &req->out;
	html_raw(b, "<h2 id=\"import\">Import devices</h2><p>A CSV file: the Google Admin"
		    " console's ChromeOS device export, or our own columns (see the device"
		    " guide). Devices are added or updated by asset tag (by serial number when"
		    " the asset tag is empty). The whole file is checked first; a file with any"
		    " error is refused and nothing is stored.</p>"
		    "<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\""
		    " action=\"/devices/import\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"profile\">Columns</label><select id=\"profile\""
		    " name=\"profile\"><option value=\"google\" selected>Google Admin export"
		    "</option><option value=\"generic\">edbridge columns</option></select></div>"
		    "<div><label for=\"device_file\">CSV file (up to 16 MB)</label>"
		    "<input id=\"device_file\" name=\"file\" type=\"file\" accept=\".csv,text/csv\""
		    " required></div><div><button type=\"submit\">Import the devices</button></div>"
		    "</form>");
}

void page_devices(struct http_request *req)
{
	const struct account *a = viewer(req);
	int64_t d = district_of(req);
	struct buf *b = &req->out;
	struct device_filter f = { .limit = PAGE_SIZE };
	const char *school = http_query(req, "school");
	const char *kq = http_query(req, "kind"), *sq = http_query(req, "status");
	const char *oq = http_query(req, "overdue"), *q = http_query(req, "q");
	const char *offq = http_query(req, "offset");
	enum device_kind k;
	enum device_status s;
	if (kq && *kq) {
		if (!device_kind_parse(kq, &k)) {
			page_error(req, 400, "Devices", "kind: not one of the kinds of device.");
			return;
		}
		f.kind = (int)k + 1;
	}
	if (sq && *sq) {
		if (!device_status_parse(sq, &s)) {
			page_error(req, 400, "Devices", "status: not one of the device statuses.");
			return;
		}
		f.status = (int)s + 1;
	}
	int64_t off = 0;
	if (offq && *offq && cstr_to_i64(offq, 0, 10000000, &off)) {
		page_error(req, 400, "Devices", "offset: not a row number.");
		return;
	}
	f.offset = (size_t)off;
	f.overdue = oq && *oq && strcmp(oq, "0") != 0;
	f.q = q && strlen(q) <= 64 ? q : "";
	if (school && *school) {
		if (!device_can_view_school(a, school)) {
			page_error(req, 404, "Not found",
				   "No such school, or not one you can see.");
			return;
		}
		f.school_sid = school;
	}
	const char **mine;
	size_t nmine;
	viewer_schools(req, &mine, &nmine);
	if (!device_can_manage(a)) {
		if (!nmine) {
			page_error(req, 403, "Devices",
				   "The device list shows the devices of your schools; your account"
				   " has no school.");
			return;
		}
		f.school_sids = mine;
		f.n_schools = nmine;
	}
	struct device *v;
	size_t n, total;
	if (device_list(req->db, d, &f, &req->arena, &v, &n, &total)) {
		page_error(req, 503, "Devices", "The devices could not be read. Try again.");
		return;
	}
	int64_t students = 0;
	for (size_t i = 0; i < n; i++)
		students += v[i].assignee_sid && v[i].assignee_is_student;
	if (students && sees_student_names(a) &&
	    !page_audit_bulk(req, "view", "device", "list", students, "device list"))
		return;
	struct roster_org_row *schools = NULL;
	size_t nschools = 0;
	if (roster_schools(req->db, d, &req->arena, &schools, &nschools))
		nschools = 0;
	char today[11];
	device_today(req->db, d, time_now(), today);
	size_t noverdue = 0;
	struct device *od;
	size_t nod;
	if (device_can_manage(a) &&
	    device_overdue(req->db, d, today, 1, &req->arena, &od, &nod, &noverdue))
		noverdue = 0;

	page_begin(req, "Devices");
	if (noverdue) {
		html_raw(b, "<p class=\"lead\"><a href=\"/devices?overdue=1\">");
		html_textf(b, "%zu loan%s overdue", noverdue, noverdue == 1 ? "" : "s");
		html_raw(b, "</a>: the due date has passed and the device is not back.</p>");
	}
	html_raw(b, "<form class=\"picker noprint\" method=\"get\" action=\"/devices\">"
		    "<div><label for=\"f-school\">School</label><select id=\"f-school\""
		    " name=\"school\">");
	option(b, "", "All your schools", !f.school_sid);
	for (size_t i = 0; i < nschools; i++)
		if (device_can_view_school(a, schools[i].sourced_id))
			option(b, schools[i].sourced_id, schools[i].name,
			       f.school_sid && strcmp(f.school_sid, schools[i].sourced_id) == 0);
	html_raw(b, "</select></div><div><label for=\"f-kind\">Kind</label><select id=\"f-kind\""
		    " name=\"kind\">");
	option(b, "", "Any kind", !f.kind);
	for (int i = 0; i < DEVICE_KIND__COUNT; i++)
		option(b, device_kind_name((enum device_kind)i),
		       device_kind_label((enum device_kind)i), f.kind == i + 1);
	html_raw(b, "</select></div><div><label for=\"f-status\">Status</label><select"
		    " id=\"f-status\" name=\"status\">");
	option(b, "", "Any status", !f.status);
	for (int i = 0; i < DEVICE_STATUS__COUNT; i++)
		option(b, device_status_name((enum device_status)i),
		       device_status_label((enum device_status)i), f.status == i + 1);
	html_raw(b, "</select></div><div><label for=\"f-q\">Asset tag, serial or model</label>"
		    "<input id=\"f-q\" name=\"q\" size=\"16\" maxlength=\"64\" value=\"");
	html_attr(b, f.q);
	html_raw(b, "\"></div><div class=\"check\"><input type=\"checkbox\" id=\"f-overdue\""
		    " name=\"overdue\" value=\"1\"");
	if (f.overdue)
		html_raw(b, " checked");
	html_raw(b, "> <label for=\"f-overdue\">Overdue loans only</label></div>"
		    "<div><button type=\"submit\">Show</button></div></form>");
	if (!n) {
		html_raw(b, total || f.offset ? "<p>No more devices.</p>"
					      : "<p>No device matches.</p>");
	} else {
		page_scroll_begin(req, "Devices");
		html_raw(b, "<table><caption class=\"muted left\">");
		html_textf(b, "Devices %zu to %zu of %zu", f.offset + 1, f.offset + n, total);
		html_raw(b, "</caption><thead><tr><th scope=\"col\">Asset tag</th>"
			    "<th scope=\"col\">Kind</th><th scope=\"col\">Model</th>"
			    "<th scope=\"col\">School</th><th scope=\"col\">Status</th>"
			    "<th scope=\"col\">Held by</th><th scope=\"col\">Due back</th>"
			    "</tr></thead><tbody>");
		for (size_t i = 0; i < n; i++) {
			html_raw(b, "<tr><th scope=\"row\">");
			device_link(b, &v[i]);
			html_raw(b, "</th><td>");
			html_text(b, device_kind_label(v[i].kind));
			html_raw(b, "</td><td>");
			html_text(b, v[i].model);
			html_raw(b, "</td><td>");
			html_text(b, *v[i].school_name ? v[i].school_name : "District stock");
			html_raw(b, "</td><td>");
			html_text(b, device_status_label(v[i].status));
			html_raw(b, "</td><td>");
			html_text(b, holder_words(a, v[i].assignee_sid, v[i].assignee_is_student,
						  v[i].assignee_name));
			html_raw(b, "</td><td>");
			if (v[i].due_date) {
				if (v[i].overdue)
					html_raw(b, "<strong>");
				html_text(b, v[i].due_date);
				if (v[i].overdue)
					html_raw(b, " (overdue)</strong>");
			}
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	if (f.offset + n < total) {
		/* the same filters, the next page (values percent-encoded) */
		const char *keys[] = { "school", "kind", "status", "q" };
		const char *vals[] = { f.school_sid, f.kind ? kq : NULL, f.status ? sq : NULL,
				       *f.q ? f.q : NULL };
		html_raw(b, "<p><a href=\"/devices?");
		for (size_t i = 0; i < 4; i++)
			if (vals[i] && *vals[i]) {
				html_raw(b, keys[i]);
				html_raw(b, "=");
				html_url(b, vals[i]);
				html_raw(b, "&amp;");
			}
		if (f.overdue)
			html_raw(b, "overdue=1&amp;");
		html_textf(b, "offset=%zu", f.offset + n);
		html_raw(b, "\">Next devices</a></p>");
	}
	if (device_can_manage(a))
		import_form(req);
	page_end(req);
}

/* POST /devices/import: the upload (multipart: profile, file). */
void page_devices_import(struct http_request *req)
{
	struct buf *b = &req->out;
	const char *ct = http_header(req, "Content-Type");
	struct multipart_part file, prof;
	char pname[16] = "google";
	if (multipart_find(ct, req->body.data, req->body.len, "profile", &prof) == EB_OK &&
	    prof.len && prof.len < sizeof pname) {
		memcpy(pname, prof.data, prof.len);
		pname[prof.len] = '\0';
	}
	const struct device_profile *p = device_profile_find(pname);
	if (!p) {
		page_error(req, 400, "Import devices",
			   "profile: choose the Google Admin export or edbridge columns.");
		return;
	}
	if (multipart_find(ct, req->body.data, req->body.len, "file", &file) || file.len == 0) {
		page_error(req, 400, "Import devices", "file: choose the CSV file to upload.");
		return;
	}
	char *data = malloc(file.len);
	if (!data) {
		page_error(req, 503, "Import devices", "The server is out of memory; try again.");
		return;
	}
	memcpy(data, file.data, file.len);
	const char *fname = file.filename[0] ? file.filename : "upload.csv";
	struct buf errs;
	buf_init(&errs, 1 << 20);
	struct device_import_report rep;
	struct audit_actor who = auth_actor(req);
	enum eb_err e = device_csv_import(req->db, district_of(req), &who, p, fname, data, file.len,
					  time_now(), &rep, &errs);
	free(data);
	req->status = e == EB_OK ? 200 : e == EB_EINVAL ? 400 : 503;
	page_begin(req, "Import devices");
	if (!e) {
		page_notice(req, "ok", "The devices were imported.");
		html_raw(b, "<dl class=\"report\"><dt>Rows</dt><dd id=\"rows\">");
		html_int(b, (int64_t)rep.rows);
		html_raw(b, "</dd><dt>New devices</dt><dd id=\"created\">");
		html_int(b, (int64_t)rep.created);
		html_raw(b, "</dd><dt>Updated</dt><dd id=\"updated\">");
		html_int(b, (int64_t)rep.updated);
		html_raw(b, "</dd></dl>");
	} else {
		page_notice(req, "error",
			    "The file was refused; nothing was stored. Fix the problems below and"
			    " upload it again.");
		html_raw(b, "<ul class=\"errors\">");
		const char *s = buf_cstr(&errs);
		while (*s) {
			size_t k = strcspn(s, "\n");
			char *line = arena_strndup(&req->arena, s, k);
			html_raw(b, "<li>");
			html_text(b, line ? line : "");
			html_raw(b, "</li>");
			s += k + (s[k] == '\n');
		}
		html_raw(b, "</ul>");
	}
	buf_free(&errs);
	html_raw(b, "<p><a href=\"/devices\">Back to the devices</a></p>");
	page_end(req);
}

/* ---- one device ---------------------------------------------------------- */

static const struct form_label device_labels[] = {
	{ "person", NULL, "Student or staff member" },
	{ "due_date", NULL, "Due back" },
	{ "condition", NULL, "Condition" },
	{ "device", NULL, "Device" },
};
#define NDEVICE_LABELS (sizeof device_labels / sizeof device_labels[0])

/* The device of the path that the viewer may see, else an error page. */
static bool load(struct http_request *req, struct device *dv)
{
	int64_t id;
	enum eb_err rc = EB_ENOTFOUND;
	if (!cstr_to_i64(req->params[0], 1, INT64_MAX, &id))
		rc = device_get(req->db, district_of(req), id, &req->arena, dv);
	if (rc && rc != EB_ENOTFOUND) { /* dv was not filled */
		page_error(req, 503, "Try again", "The device could not be read. Try again.");
		return false;
	}
	if (rc || !device_can_view_school(viewer(req), dv->school_sid)) {
		page_error(req, 404, "Not found", "No such device, or not one you can see.");
		return false;
	}
	return true;
}

static void dl_row(struct buf *b, const char *term, const char *value)
{
	html_raw(b, "<dt>");
	html_text(b, term);
	html_raw(b, "</dt><dd>");
	html_text(b, value && *value ? value : "not recorded");
	html_raw(b, "</dd>");
}

static void checkout_form(struct http_request *req, const struct device *dv,
			  const struct form_errors *errs, const char *today)
{
	struct buf *b = &req->out;
	const char *person = errs ? http_form(req, "person") : NULL;
	const char *due = errs ? http_form(req, "due_date") : NULL;
	const char *cond = errs ? http_form(req, "condition") : NULL;
	html_raw(b, "<h2 id=\"checkout\">Check out</h2>");
	form_errors_summary(req, errs, device_labels, NDEVICE_LABELS);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"");
	html_attr(b, arena_printf(&req->arena, "/devices/%lld/checkout", (long long)dv->id));
	html_raw(b, "\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"person\">Student or staff member (their id, login or"
		    " email)</label><input id=\"person\" name=\"person\" required maxlength=\"255\""
		    " autocomplete=\"off\" value=\"");
	html_attr(b, person ? person : "");
	html_raw(b, "\"");
	form_invalid_attrs(req, errs, "person");
	html_raw(b, ">");
	form_field_error(req, errs, "person");
	html_raw(b, "</div><div><label for=\"due_date\">Due back");
	html_raw(b, dv->status == DEVICE_LOANER_POOL ? " (a loaner needs one)"
						     : " (for a loan; leave empty otherwise)");
	html_raw(b, "</label><input id=\"due_date\" name=\"due_date\" type=\"date\" min=\"");
	html_attr(b, today);
	html_raw(b, "\" value=\"");
	html_attr(b, due ? due : "");
	html_raw(b, "\"");
	if (dv->status == DEVICE_LOANER_POOL)
		html_raw(b, " required");
	form_invalid_attrs(req, errs, "due_date");
	html_raw(b, ">");
	form_field_error(req, errs, "due_date");
	html_raw(b, "</div><div><label for=\"condition\">Condition (optional)</label><input"
		    " id=\"condition\" name=\"condition\" maxlength=\"500\" value=\"");
	html_attr(b, cond ? cond : "");
	html_raw(b, "\"");
	form_invalid_attrs(req, errs, "condition");
	html_raw(b, ">");
	form_field_error(req, errs, "condition");
	html_raw(b, "</div><div><button type=\"submit\">Check out</button></div></form>");
}

static void checkin_form(struct http_request *req, const struct device *dv,
			 const struct form_errors *errs)
{
	struct buf *b = &req->out;
	html_raw(b, "<h2 id=\"checkin\">Check in</h2>");
	form_errors_summary(req, errs, device_labels, NDEVICE_LABELS);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"");
	html_attr(b, arena_printf(&req->arena, "/devices/%lld/checkin", (long long)dv->id));
	html_raw(b, "\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"in-condition\">Condition (optional)</label><input"
		    " id=\"in-condition\" name=\"condition\" maxlength=\"500\"");
	form_invalid_attrs(req, errs, "condition");
	html_raw(b, ">");
	form_field_error(req, errs, "condition");
	html_raw(b, "</div><div class=\"check\"><input type=\"checkbox\" id=\"damaged\" "
		    "name=\"damaged\""
		    " value=\"1\"> <label for=\"damaged\">Damaged: send it to repair</label></div>"
		    "<div><button type=\"submit\">Check in</button></div></form>");
}

/* The device's tickets that the viewer may see (domain/ticket.h), newest
 * first, and the way to all of them. */
static void device_tickets(struct http_request *req, int64_t id)
{
	struct buf *b = &req->out;
	struct ticket_filter f = { .device_id = id, .status = -1, .limit = 20 };
	struct ticket_row *t = NULL;
	size_t n = 0;
	html_raw(b, "<h2 id=\"tickets\">Tickets</h2>");
	if (ticket_list(req->db, district_of(req), viewer(req), &f, &req->arena, &t, &n)) {
		html_raw(b, "<p>The tickets could not be read. Try again in a moment.</p>");
		return;
	}
	if (!n) {
		html_raw(b, "<p>No ticket about this device.</p>");
		return;
	}
	page_scroll_begin(req, "Tickets about this device");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Ticket</th><th scope=\"col\">Status"
		    "</th><th scope=\"col\">With</th><th scope=\"col\">Priority</th>"
		    "<th scope=\"col\">Reported</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><th scope=\"row\"><a href=\"");
		html_attr(b, arena_printf(&req->arena, "/tickets/%lld", (long long)t[i].id));
		html_raw(b, "\">");
		html_text(b, t[i].title);
		html_raw(b, "</a></th><td>");
		html_text(b, ticket_status_label(t[i].status));
		html_raw(b, "</td><td>");
		html_text(b, ticket_tier_label(t[i].tier));
		html_raw(b, "</td><td>");
		html_text(b, ticket_priority_label(t[i].priority));
		html_raw(b, "</td><td>");
		page_time(req, t[i].created_at);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (n == f.limit) {
		html_raw(b, "<p><a href=\"");
		html_attr(b, arena_printf(&req->arena, "/tickets?device=%lld", (long long)id));
		html_raw(b, "\">Every ticket about this device</a></p>");
	}
}

/* Writes the device page; errs: the refused form's problems (checkout or
 * checkin says which form they belong to). */
static void device_page(struct http_request *req, struct device *dv, const struct form_errors *errs,
			bool checkout_errs, const char *notice)
{
	const struct account *a = viewer(req);
	int64_t d = district_of(req);
	struct buf *b = &req->out;
	char today[11];
	device_today(req->db, d, time_now(), today);
	struct device_assignment *h = NULL;
	size_t nh = 0;
	if (device_history(req->db, d, dv->id, today, &req->arena, &h, &nh))
		nh = 0;
	int64_t students = dv->assignee_sid && dv->assignee_is_student;
	for (size_t i = 0; i < nh; i++)
		students += h[i].person_is_student && !(dv->assignee_sid && !h[i].in_at);
	if (students && sees_student_names(a) &&
	    !page_audit_bulk(req, "view", "device", req->params[0], students,
			     "device and its check-outs"))
		return;
	char title[160];
	snprintf(title, sizeof title, "%s %s", device_kind_label(dv->kind), dv->asset_tag);
	page_begin(req, title);
	if (notice)
		page_notice(req, "ok", notice);
	html_raw(b, "<p class=\"crumbs\"><a href=\"/devices\">Devices</a></p>");
	html_raw(b, "<p><a href=\"");
	html_attr(b, arena_printf(&req->arena, "/tickets/new?device=%lld", (long long)dv->id));
	html_raw(b, "\">Report a problem with this device</a></p>");
	html_raw(b, "<dl class=\"report\">");
	dl_row(b, "Asset tag", dv->asset_tag);
	dl_row(b, "Serial number", dv->serial);
	dl_row(b, "Model", dv->model);
	dl_row(b, "Kind", device_kind_label(dv->kind));
	dl_row(b, "School", *dv->school_name ? dv->school_name : "District stock");
	dl_row(b, "Status", device_status_label(dv->status));
	html_raw(b, "<dt>Held by</dt><dd id=\"holder\">");
	if (dv->assignee_sid) {
		html_text(b, holder_words(a, dv->assignee_sid, dv->assignee_is_student,
					  dv->assignee_name));
		if (dv->due_date) {
			html_raw(b, dv->overdue ? ", <strong>due back " : ", due back ");
			html_text(b, dv->due_date);
			html_raw(b, dv->overdue ? " (overdue)</strong>" : "");
		}
	} else {
		html_raw(b, "nobody");
	}
	html_raw(b, "</dd>");
	dl_row(b, "Purchased", dv->purchase_date);
	dl_row(b, "Warranty ends", dv->warranty_end);
	if (dv->kind == DEVICE_CHROMEBOOK)
		dl_row(b, "Updates end", dv->update_end);
	if (*dv->org_unit)
		dl_row(b, "Org unit", dv->org_unit);
	html_raw(b, "<dt>Last sync</dt><dd>");
	if (dv->last_sync)
		page_time(req, dv->last_sync);
	else
		html_raw(b, "not recorded");
	html_raw(b, "</dd>");
	if (*dv->last_user)
		dl_row(b, "Most recent user", dv->last_user);
	if (*dv->notes)
		dl_row(b, "Notes", dv->notes);
	html_raw(b, "</dl>");
	if (device_can_manage(a)) {
		/* the refused form's problems go with its form when the page shows
		 * it (it may show the other one by now), else on their own */
		bool held = dv->status == DEVICE_ASSIGNED;
		bool lendable = dv->status == DEVICE_IN_SERVICE || dv->status == DEVICE_LOANER_POOL;
		if (errs && !(held && !checkout_errs) && !(lendable && checkout_errs))
			form_errors_summary(req, errs, device_labels, NDEVICE_LABELS);
		if (held)
			checkin_form(req, dv, checkout_errs ? NULL : errs);
		else if (lendable)
			checkout_form(req, dv, checkout_errs ? errs : NULL, today);
	}
	html_raw(b, "<h2 id=\"history\">Check-outs</h2>");
	if (!nh) {
		html_raw(b, "<p>This device has not been checked out.</p>");
	} else {
		page_scroll_begin(req, "Check-outs of this device");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Out</th><th scope=\"col\">To</th>"
			    "<th scope=\"col\">Due back</th><th scope=\"col\">Back</th>"
			    "<th scope=\"col\">Condition</th><th scope=\"col\">By</th>"
			    "</tr></thead><tbody>");
		for (size_t i = 0; i < nh; i++) {
			html_raw(b, "<tr><td>");
			page_time(req, h[i].out_at);
			html_raw(b, "</td><td>");
			html_text(b, holder_words(a, h[i].person_sid, h[i].person_is_student,
						  h[i].person_name));
			if (h[i].loaner)
				html_raw(b, " (loaner)");
			html_raw(b, "</td><td>");
			if (h[i].due_date) {
				if (h[i].overdue)
					html_raw(b, "<strong>");
				html_text(b, h[i].due_date);
				if (h[i].overdue)
					html_raw(b, " (overdue)</strong>");
			}
			html_raw(b, "</td><td>");
			if (h[i].in_at)
				page_time(req, h[i].in_at);
			else
				html_raw(b, "still out");
			html_raw(b, "</td><td>");
			if (*h[i].out_condition) {
				html_raw(b, "out: ");
				html_text(b, h[i].out_condition);
			}
			if (*h[i].in_condition) {
				html_raw(b, *h[i].out_condition ? "; back: " : "back: ");
				html_text(b, h[i].in_condition);
			}
			html_raw(b, "</td><td>");
			html_text(b, h[i].out_by);
			if (h[i].in_at && *h[i].in_by && strcmp(h[i].in_by, h[i].out_by)) {
				html_raw(b, ", ");
				html_text(b, h[i].in_by);
			}
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	device_tickets(req, dv->id);
	page_end(req);
}

void page_device(struct http_request *req)
{
	struct device dv;
	if (!load(req, &dv))
		return;
	device_page(req, &dv, NULL, false, NULL);
}

/* The outcome of a check-out or check-in: back to the page (303) on
 * success; the page again with the problem (400) when refused. */
static void after_write(struct http_request *req, struct device *dv, enum eb_err e, const char *why,
			bool checkout)
{
	if (e == EB_OK) {
		http_redirect(req, arena_printf(&req->arena, "/devices/%lld", (long long)dv->id));
		return;
	}
	if (e == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "No such device, or not one you can see.");
		return;
	}
	if (e != EB_EINVAL) {
		page_error(req, 503, "Devices", "The change could not be saved. Try again.");
		return;
	}
	struct form_errors errs = { 0 };
	form_errors_parse(&errs, &req->arena, why);
	req->status = 400;
	device_page(req, dv, &errs, checkout, NULL);
}

void page_device_checkout(struct http_request *req)
{
	struct device dv;
	if (!load(req, &dv))
		return;
	char why[DEVICE_WHY_CAP], today[11];
	struct audit_actor who = auth_actor(req);
	int64_t now = time_now();
	device_today(req->db, district_of(req), now, today);
	enum eb_err e = device_checkout(req->db, district_of(req), &who, viewer(req)->display_name,
					dv.id, http_form(req, "person"), http_form(req, "due_date"),
					http_form(req, "condition"), now, today, why, sizeof why);
	after_write(req, &dv, e, why, true);
}

void page_device_checkin(struct http_request *req)
{
	struct device dv;
	if (!load(req, &dv))
		return;
	char why[DEVICE_WHY_CAP];
	struct audit_actor who = auth_actor(req);
	const char *dmg = http_form(req, "damaged");
	enum eb_err e = device_checkin(req->db, district_of(req), &who, viewer(req)->display_name,
				       dv.id, http_form(req, "condition"), dmg && *dmg, time_now(),
				       why, sizeof why);
	after_write(req, &dv, e, why, false);
}

/* ---- IT's home: loans overdue ------------------------------------------- */

struct devices_home {
	struct device *v;
	size_t n, total;
};

void *page_devices_home_load(struct home_ctx *h)
{
	struct http_request *req = home_ctx_request(h);
	int64_t d = district_of(req);
	char today[11];
	device_today(req->db, d, time_now(), today);
	struct devices_home *s = arena_zalloc(&req->arena, sizeof *s);
	if (!s || device_overdue(req->db, d, today, 10, &req->arena, &s->v, &s->n, &s->total) ||
	    !s->total)
		return NULL;
	char text[200];
	snprintf(text, sizeof text, "%zu loaned device%s overdue: get %s back", s->total,
		 s->total == 1 ? " is" : "s are", s->total == 1 ? "it" : "them");
	home_add_step(h, "/devices?overdue=1", text);
	return s;
}

void page_devices_home_write(struct home_ctx *h, void *state)
{
	struct devices_home *s = state;
	struct http_request *req = home_ctx_request(h);
	const struct account *a = viewer(req);
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-devices\"><h2 id=\"h-devices\">Devices"
		    " overdue</h2>");
	page_scroll_begin(req, "Loans overdue, oldest first");
	html_raw(b, "<table><caption class=\"muted left\">Loans overdue, oldest first</caption>"
		    "<thead><tr><th scope=\"col\">Device</th><th scope=\"col\">School</th>"
		    "<th scope=\"col\">Held by</th><th scope=\"col\">Due back</th></tr></thead>"
		    "<tbody>");
	for (size_t i = 0; i < s->n; i++) {
		html_raw(b, "<tr><th scope=\"row\">");
		device_link(b, &s->v[i]);
		html_raw(b, " <span class=\"muted\">");
		html_text(b, device_kind_label(s->v[i].kind));
		html_raw(b, "</span></th><td>");
		html_text(b, *s->v[i].school_name ? s->v[i].school_name : "District stock");
		html_raw(b, "</td><td>");
		/* the home is not audited as a record view: a student shows as such */
		html_text(b, s->v[i].assignee_is_student
				     ? "A student"
				     : holder_words(a, s->v[i].assignee_sid, false,
						    s->v[i].assignee_name));
		html_raw(b, "</td><td>");
		html_text(b, s->v[i].due_date ? s->v[i].due_date : "");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div><p>");
	if (s->total > s->n)
		html_textf(b, "%zu more. ", s->total - s->n);
	html_raw(b, "<a href=\"/devices?overdue=1\">Every overdue loan</a></p></section>");
}

/* ---- the family reach report: hotspots ------------------------------------ */

void page_devices_reach(struct http_request *req, const char *school)
{
	struct buf *b = &req->out;
	struct device_reach_school *r;
	size_t n;
	if (device_hotspot_reach(req->db, district_of(req), school, &req->arena, &r, &n) || !n)
		return;
	int64_t fam = 0, hot = 0;
	for (size_t i = 0; i < n; i++) {
		fam += r[i].families_no_internet;
		hot += r[i].with_hotspot;
	}
	html_raw(b, "<h2 id=\"hotspots\">Families without home internet</h2><p>");
	html_textf(b,
		   "%lld famil%s without home internet (as the roster says); %lld of them %s a"
		   " hotspot lent through a child.",
		   (long long)fam, fam == 1 ? "y" : "ies", (long long)hot,
		   hot == 1 ? "has" : "have");
	html_raw(b, "</p>");
	page_scroll_begin(req, "Families without home internet, by school");
	html_raw(b, "<table><caption class=\"muted left\">By school</caption><thead><tr>"
		    "<th scope=\"col\">School</th><th scope=\"col\">Families without home"
		    " internet</th><th scope=\"col\">With a hotspot lent</th>"
		    "<th scope=\"col\">Without one</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><th scope=\"row\">");
		html_text(b, *r[i].school_name	? r[i].school_name
			     : *r[i].school_sid ? r[i].school_sid
						: "No school");
		html_raw(b, "</th><td>");
		html_int(b, r[i].families_no_internet);
		html_raw(b, "</td><td>");
		html_int(b, r[i].with_hotspot);
		html_raw(b, "</td><td>");
		html_int(b, r[i].families_no_internet - r[i].with_hotspot);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}
