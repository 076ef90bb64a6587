/* The technology inventory: list, one tool (support matrix, history,
 * credentials), add, request, edit, status review, and the public list of
 * approved tools. Role masks are in routes.c; record-level checks go through
 * domain/tools.h (tools_can_*); every change is audited by the domain. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/labels.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

enum ftype { F_TEXT, F_AREA, F_KIND, F_YESNO, F_NUM, F_DATE, F_OWNER };

struct fdef {
	const char *name, *label;
	enum ftype type;
	size_t off; /* char array in struct tool (F_TEXT, F_AREA), else 0 */
	int maxlen;
	bool request; /* on the teacher's request form */
	bool required;
};

#define OFF(f) offsetof(struct tool, f)
static const struct fdef fields[] = {
	{ "name", "Name", F_TEXT, OFF(name), 120, true, true },
	{ "vendor", "Vendor", F_TEXT, OFF(vendor), 120, true, false },
	{ "kind", "Kind", F_KIND, 0, 0, false, false },
	{ "category", "Category (for example: adaptive practice)", F_TEXT, OFF(category), 120,
	  false, false },
	{ "url", "Web address", F_TEXT, OFF(url), 500, true, false },
	{ "need", "The classroom need it serves (plain words)", F_AREA, OFF(need), 2000, true,
	  false },
	{ "grades", "Grades (K to 12: K-5, 6,7,8 ...)", F_TEXT, OFF(grades), 200, true, false },
	{ "standards", "CCSS standards it covers (codes like 3.NF.A.1, separated by spaces)",
	  F_AREA, OFF(standards), 2000, false, false },
	{ "conditions", "Conditions of approval", F_AREA, OFF(conditions), 2000, false, false },
	{ "dpa_signed", "Data-privacy agreement signed", F_YESNO, 0, 0, false, false },
	{ "dpa_date", "Agreement signed on", F_DATE, OFF(dpa_date), 10, false, false },
	{ "data_location", "Where its data is stored", F_TEXT, OFF(data_location), 120, false,
	  false },
	{ "seats", "Licensed seats", F_NUM, 0, 9, false, false },
	{ "annual_cost", "Annual cost in dollars", F_NUM, 0, 14, false, false },
	{ "term_start", "Licence term starts", F_DATE, OFF(term_start), 10, false, false },
	{ "term_end", "Licence term ends", F_DATE, OFF(term_end), 10, false, false },
	{ "it_owner", "District IT owner", F_OWNER, 0, 0, false, false },
	{ "help_name", "Vendor help desk: contact", F_TEXT, OFF(help_name), 120, false, false },
	{ "help_email", "Vendor help desk: email", F_TEXT, OFF(help_email), 120, false, false },
	{ "help_phone", "Vendor help desk: phone", F_TEXT, OFF(help_phone), 120, false, false },
	{ "help_url", "Vendor help desk: web address", F_TEXT, OFF(help_url), 500, false, false },
	{ "help_hours", "Vendor help desk: hours", F_TEXT, OFF(help_hours), 120, false, false },
};
#undef OFF
#define NFIELDS (sizeof fields / sizeof fields[0])

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

static const struct account *viewer(struct http_request *req)
{
	return &req->session->account;
}

static void not_found(struct http_request *req)
{
	page_error(req, 404, "Not found", "There is no such tool in this district.");
}

/* The stored value of a field as text (scratch from the request arena). */
static const char *stored_value(struct http_request *req, const struct tool *t,
				const struct fdef *f)
{
	if (f->off)
		return (const char *)t + f->off;
	if (strcmp(f->name, "kind") == 0)
		return tool_kind_name(t->kind);
	if (strcmp(f->name, "dpa_signed") == 0)
		return t->dpa_signed ? "yes" : "no";
	if (strcmp(f->name, "seats") == 0)
		return t->seats < 0 ? "" : arena_printf(&req->arena, "%lld", (long long)t->seats);
	if (strcmp(f->name, "annual_cost") == 0)
		return t->annual_cost_cents < 0
			       ? ""
			       : arena_printf(&req->arena, "%lld.%02lld",
					      (long long)(t->annual_cost_cents / 100),
					      (long long)(t->annual_cost_cents % 100));
	if (strcmp(f->name, "it_owner") == 0)
		return t->it_owner_id ? arena_printf(&req->arena, "%lld", (long long)t->it_owner_id)
				      : "";
	return "";
}

/* What the person typed when re-showing a refused form, else the stored value. */
static const char *shown_value(struct http_request *req, const struct tool *t, const struct fdef *f,
			       bool reshow)
{
	const char *v = reshow ? http_form(req, f->name) : NULL;
	if (!v)
		v = stored_value(req, t, f);
	return v ? v : "";
}

/* The district's IT staff and administrators, for the IT owner picker. */
static void owner_options(struct http_request *req, const char *v)
{
	struct buf *b = &req->out;
	struct account_row *acc;
	size_t n = 0;
	if (account_list(req->db, district_of(req), &req->arena, &acc, &n))
		n = 0;
	html_raw(b, "<option value=\"\">nobody yet</option>");
	for (size_t i = 0; i < n; i++) {
		if (acc[i].disabled || (!strstr(acc[i].role_names, "it_staff") &&
					!strstr(acc[i].role_names, "district_admin")))
			continue;
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)acc[i].id);
		html_raw(b, "<option value=\"");
		html_attr(b, id);
		html_raw(b, strcmp(id, v) == 0 ? "\" selected>" : "\">");
		html_text(b, acc[i].display_name);
		html_raw(b, "</option>");
	}
}

static void field_input(struct http_request *req, const struct tool *t, const struct fdef *f,
			bool reshow, const char *prefix, const struct form_errors *errs)
{
	struct buf *b = &req->out;
	const char *v = shown_value(req, t, f, reshow);
	html_raw(b, "<div><label for=\"");
	html_attr(b, prefix);
	html_attr(b, f->name);
	html_raw(b, "\">");
	html_text(b, f->label);
	html_raw(b, "</label>");
	switch (f->type) {
	case F_AREA:
		html_raw(b, "<textarea rows=\"3\" id=\"");
		break;
	case F_KIND:
	case F_YESNO:
	case F_OWNER:
		html_raw(b, "<select id=\"");
		break;
	default:
		html_raw(b, "<input id=\"");
		break;
	}
	html_attr(b, prefix);
	html_attr(b, f->name);
	html_raw(b, "\" name=\"");
	html_attr(b, f->name);
	html_raw(b, "\"");
	if (f->type == F_DATE)
		html_raw(b, " type=\"date\"");
	if (f->required)
		html_raw(b, " required");
	if (f->maxlen && f->type != F_DATE) {
		html_raw(b, " maxlength=\"");
		html_int(b, f->maxlen);
		html_raw(b, "\"");
	}
	form_invalid_attrs(req, errs, f->name);
	if (f->type == F_AREA) {
		html_raw(b, ">");
		html_text(b, v);
		html_raw(b, "</textarea>");
	} else if (f->type == F_OWNER) {
		html_raw(b, ">");
		owner_options(req, v);
		html_raw(b, "</select>");
	} else if (f->type == F_KIND || f->type == F_YESNO) {
		html_raw(b, ">");
		for (int i = 0; i < (f->type == F_KIND ? TOOL_KIND__COUNT : 2); i++) {
			const char *o = f->type == F_KIND ? tool_kind_name((enum tool_kind)i)
							  : (i ? "yes" : "no");
			html_raw(b, "<option value=\"");
			html_attr(b, o);
			html_raw(b, strcmp(o, v) == 0 ? "\" selected>" : "\">");
			html_text(b, f->type == F_KIND ? tool_kind_label((enum tool_kind)i) : o);
			html_raw(b, "</option>");
		}
		html_raw(b, "</select>");
	} else {
		html_raw(b, " value=\"");
		html_attr(b, v);
		html_raw(b, "\">");
	}
	form_field_error(req, errs, f->name);
	html_raw(b, "</div>");
}

/* The form's labels for the errors' summary, ids with the form's prefix. */
static const struct form_label *tool_labels(struct http_request *req, const char *prefix, size_t *n)
{
	static const struct {
		const char *name, *label;
	} extra[] = { { "data", "Student data it receives" },
		      { "status", "New status" },
		      { "reason", "Why" },
		      { "school", "School" },
		      { "champion", "Champion" },
		      { "notes", "Notes" } };
	size_t total = NFIELDS + sizeof extra / sizeof extra[0];
	struct form_label *l = arena_alloc(&req->arena, total * sizeof *l);
	if (!l) {
		*n = 0;
		return NULL;
	}
	for (size_t i = 0; i < NFIELDS; i++)
		l[i] = (struct form_label){
			fields[i].name, arena_printf(&req->arena, "%s%s", prefix, fields[i].name),
			fields[i].label
		};
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		l[NFIELDS + i] =
			(struct form_label){ extra[i].name,
					     strcmp(extra[i].name, "reason") == 0   ? "st_reason"
					     : strcmp(extra[i].name, "status") == 0 ? "st_status"
										    : NULL,
					     extra[i].label };
	*n = total;
	return l;
}

static void data_checklist(struct http_request *req, const struct tool *t, bool reshow,
			   const struct form_errors *errs)
{
	struct buf *b = &req->out;
	const char *sent[TOOL_DATA__COUNT];
	int ns = reshow ? http_form_all(req, "data", sent, TOOL_DATA__COUNT) : 0;
	html_raw(b, form_error_of(errs, "data")
			    ? "<fieldset id=\"data\" aria-describedby=\"err-data\">"
			    : "<fieldset id=\"data\">");
	html_raw(b, "<legend>Student data it receives</legend>");
	form_field_error(req, errs, "data");
	html_raw(b, "<input type=\"hidden\" name=\"data_given\" value=\"1\">");
	for (int i = 0; i < TOOL_DATA__COUNT; i++) {
		const char *n = tool_data_name((enum tool_data)i);
		bool on = false;
		if (reshow) {
			for (int k = 0; k < ns; k++)
				on = on || (sent[k] && strcmp(sent[k], n) == 0);
		} else {
			on = (t->data_elements & (1u << i)) != 0;
		}
		html_raw(b,
			 "<label class=\"check\"><input type=\"checkbox\" name=\"data\" value=\"");
		html_attr(b, n);
		html_raw(b, "\"");
		if (on)
			html_raw(b, " checked");
		html_raw(b, "> ");
		html_text(b, tool_data_label((enum tool_data)i));
		html_raw(b, "</label> ");
	}
	html_raw(b, "</fieldset>");
}

/* Reads the form into a tool_form (only the fields on the form). */
static void read_form(struct http_request *req, struct tool_form *f, bool request_only,
		      const char **data, int cap)
{
	memset(f, 0, sizeof *f);
	const char **slot[] = {
		&f->name,     &f->vendor,	 &f->kind,	&f->category,	 &f->url,
		&f->need,     &f->grades,	 &f->standards, &f->conditions,	 &f->dpa_signed,
		&f->dpa_date, &f->data_location, &f->seats,	&f->annual_cost, &f->term_start,
		&f->term_end, &f->it_owner,	 &f->help_name, &f->help_email,	 &f->help_phone,
		&f->help_url, &f->help_hours,
	};
	_Static_assert(sizeof slot / sizeof slot[0] == NFIELDS, "one slot per field");
	for (size_t i = 0; i < NFIELDS; i++) {
		if (request_only && !fields[i].request)
			continue;
		const char *v = http_form(req, fields[i].name);
		/* a field left out of a full form is empty, not "unchanged" */
		*slot[i] = v ? v : (fields[i].type == F_KIND ? NULL : "");
	}
	if (!request_only) {
		f->ndata = http_form_all(req, "data", data, cap);
		f->data_elements = data;
		f->data_given = true;
	}
}

static void yes_no(struct buf *b, bool v)
{
	html_text(b, v ? "yes" : "no");
}

static void data_list(struct buf *b, unsigned mask)
{
	bool any = false;
	for (int i = 0; i < TOOL_DATA__COUNT; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (any)
			html_raw(b, ", ");
		html_text(b, tool_data_label((enum tool_data)i));
		any = true;
	}
	if (!any)
		html_raw(b, "<span class=\"muted\">none</span>");
}

static void tool_link(struct buf *b, int64_t id, const char *name)
{
	html_raw(b, "<a href=\"/tools/");
	html_int(b, id);
	html_raw(b, "\">");
	html_text(b, name);
	html_raw(b, "</a>");
}

/* ---- the inventory ---- */

void page_tools(struct http_request *req)
{
	const char *fs = http_query(req, "status");
	enum tool_status s;
	int only = -1;
	if (fs && *fs) {
		if (!tool_status_parse(fs, &s)) {
			page_error(req, 400, "Bad request",
				   "status: not one of the tool statuses.");
			return;
		}
		only = (int)s;
	}
	struct tool_row *rows;
	size_t n;
	if (tools_list(req->db, district_of(req), only, false, &req->arena, &rows, &n)) {
		page_error(req, 500, "Error", "Could not read the tools.");
		return;
	}
	struct buf *b = &req->out;
	page_begin(req, "Technology inventory");
	html_raw(b, "<p><a href=\"/tools/request\">Request a tool</a> &middot; "
		    "<a href=\"/tools/approved\">Approved tools (public list)</a>");
	if (tools_can_edit(viewer(req)))
		html_raw(b, " &middot; <a href=\"/tools/new\">Add a tool</a>");
	html_raw(b,
		 "</p><form method=\"get\" action=\"/tools\"><label for=\"status\">Status</label>"
		 "<select id=\"status\" name=\"status\"><option value=\"\">all</option>");
	for (int i = 0; i < TOOL_STATUS__COUNT; i++) {
		html_raw(b, "<option value=\"");
		html_attr(b, tool_status_name((enum tool_status)i));
		html_raw(b, "\"");
		if (i == only)
			html_raw(b, " selected");
		html_raw(b, ">");
		html_text(b, tool_status_label((enum tool_status)i));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select><button type=\"submit\">Filter</button></form>");
	page_scroll_begin(req, "Technology inventory");
	html_raw(b, "<table><caption class=\"muted\">");
	html_int(b, (int64_t)n);
	html_raw(b, " tools</caption><thead><tr><th scope=\"col\">Tool</th><th "
		    "scope=\"col\">Vendor</th>"
		    "<th scope=\"col\">Kind</th><th scope=\"col\">Category</th><th "
		    "scope=\"col\">Grades</th>"
		    "<th scope=\"col\">Status</th><th scope=\"col\">Privacy "
		    "agreement</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		tool_link(b, rows[i].id, rows[i].name);
		html_raw(b, "</td><td>");
		html_text(b, rows[i].vendor);
		html_raw(b, "</td><td>");
		enum tool_kind k;
		char gw[160];
		html_text(b, tool_kind_parse(rows[i].kind, &k) ? tool_kind_label(k) : rows[i].kind);
		html_raw(b, "</td><td>");
		html_text(b, rows[i].category);
		html_raw(b, "</td><td>");
		html_text(b, label_grades(rows[i].grades, gw, sizeof gw));
		html_raw(b, "</td><td>");
		html_text(b, tool_status_label(rows[i].status));
		html_raw(b, "</td><td>");
		yes_no(b, rows[i].dpa_signed);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

/* ---- the public list ---- */

void page_tools_approved(struct http_request *req)
{
	int64_t d = 0;
	const char *dq = http_query(req, "district");
	if (req->session) {
		d = district_of(req);
	} else if (dq && *dq) {
		if (cstr_to_i64(dq, 1, INT64_MAX, &d) || !district_exists(req->db, d)) {
			page_error(req, 404, "Not found", "There is no such district.");
			return;
		}
	} else if (district_only(req->db, &d)) {
		d = 0;
	}
	struct buf *b = &req->out;
	if (!d) {
		page_begin(req, "Approved tools");
		html_raw(b,
			 "<p>This server serves several districts. Open the link your school gave "
			 "you"
			 " (it ends in <span class=\"code\">/tools/approved?district=</span> and a"
			 " number), or log in.</p>");
		page_end(req);
		return;
	}
	struct tool_row *rows;
	size_t n;
	if (tools_list(req->db, d, -1, true, &req->arena, &rows, &n)) {
		page_error(req, 500, "Error", "Could not read the tools.");
		return;
	}
	page_begin(req, "Approved tools");
	html_raw(b, "<p>The classroom tools the district has approved, what each is for, and which"
		    " student data each receives.</p>");
	page_scroll_begin(req, "Approved tools");
	html_raw(b,
		 "<table><thead><tr>"
		 "<th scope=\"col\">Tool</th><th scope=\"col\">What it is for</th>"
		 "<th scope=\"col\">Grades</th><th scope=\"col\">Student data it receives</th>"
		 "<th scope=\"col\">Where the data is stored</th>"
		 "<th scope=\"col\">Privacy agreement signed</th><th scope=\"col\">Conditions</th>"
		 "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, rows[i].name);
		if (rows[i].vendor[0]) {
			html_raw(b, " <span class=\"muted\">(");
			html_text(b, rows[i].vendor);
			html_raw(b, ")</span>");
		}
		html_raw(b, "</td><td>");
		html_text(b, rows[i].need);
		html_raw(b, "</td><td>");
		char gw[160];
		html_text(b, label_grades(rows[i].grades, gw, sizeof gw));
		html_raw(b, "</td><td>");
		data_list(b, rows[i].data_elements);
		html_raw(b, "</td><td>");
		html_text(b, rows[i].data_location);
		html_raw(b, "</td><td>");
		yes_no(b, rows[i].dpa_signed);
		html_raw(b, "</td><td>");
		html_text(b, rows[i].status == TOOL_APPROVED_WITH_CONDITIONS ? rows[i].conditions
									     : "");
		html_raw(b, "</td></tr>");
	}
	if (!n)
		html_raw(
			b,
			"<tr><td colspan=\"7\" class=\"muted\">No tool is approved yet.</td></tr>");
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

/* ---- add and request ---- */

static void new_form(struct http_request *req, int status, const char *error, bool request_only)
{
	struct tool t;
	tools_defaults(&t);
	struct buf *b = &req->out;
	req->status = status;
	page_begin(req, request_only ? "Request a tool" : "Add a tool");
	struct form_errors errs = { .n = 0 };
	size_t nl;
	const struct form_label *labels = tool_labels(req, "", &nl);
	if (error) {
		form_errors_parse(&errs, &req->arena, error);
		form_errors_summary(req, &errs, labels, nl);
	}
	if (request_only)
		html_raw(b, "<p>Ask for a tool that is not listed yet. IT staff and the coordinator"
			    " review every request; you can follow it in the inventory.</p>");
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"");
	html_raw(b, request_only ? "/tools/request" : "/tools/new");
	html_raw(b, "\">");
	page_csrf_field(req);
	for (size_t i = 0; i < NFIELDS; i++)
		if (!request_only || fields[i].request)
			field_input(req, &t, &fields[i], status != 200, "", error ? &errs : NULL);
	if (!request_only)
		data_checklist(req, &t, status != 200, error ? &errs : NULL);
	html_raw(b, "<div><button type=\"submit\">");
	html_raw(b, request_only ? "Send the request" : "Add the tool");
	html_raw(b, "</button></div></form>");
	page_end(req);
}

void page_tool_new_form(struct http_request *req)
{
	new_form(req, 200, NULL, false);
}

void page_tool_request_form(struct http_request *req)
{
	new_form(req, 200, NULL, true);
}

static void create(struct http_request *req, bool request_only)
{
	struct tool_form f;
	struct tool t;
	const char *data[TOOL_DATA__COUNT + 1];
	char why[400];
	int64_t d = district_of(req), id;
	read_form(req, &f, request_only, data, TOOL_DATA__COUNT + 1);
	tools_defaults(&t);
	if (f.ndata > TOOL_DATA__COUNT) {
		new_form(req, 400, "data: too many elements.", request_only);
		return;
	}
	if (tools_validate(req->db, d, &f, &t, why, sizeof why)) {
		new_form(req, 400, why, request_only);
		return;
	}
	if (request_only && !t.need[0]) {
		new_form(req, 400, "need: say which classroom need the tool would serve.", true);
		return;
	}
	if (db_begin(req->db)) {
		new_form(req, 503, "The database is busy; try again.", request_only);
		return;
	}
	struct audit_actor who = auth_actor(req);
	char *reason = arena_printf(&req->arena, "%s by %s", request_only ? "requested" : "added",
				    viewer(req)->login);
	enum eb_err rc = tools_create(req->db, d, &t,
				      request_only ? TOOL_REQUESTED : TOOL_UNDER_REVIEW,
				      viewer(req)->id, &who, reason ? reason : "added", &id);
	if (rc || db_commit(req->db)) {
		db_rollback(req->db);
		new_form(req, rc == EB_EEXIST ? 409 : 400,
			 rc == EB_EEXIST ? "name: a tool with this name is already listed."
					 : "Could not store the tool.",
			 request_only);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/tools/%lld", (long long)id);
	http_redirect(req, loc);
}

void page_tool_create(struct http_request *req)
{
	create(req, false);
}

void page_tool_request(struct http_request *req)
{
	create(req, true);
}

/* ---- one tool ---- */

static bool load_tool(struct http_request *req, struct tool *t)
{
	int64_t id;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    tools_get(req->db, district_of(req), id, t)) {
		not_found(req);
		return false;
	}
	return true;
}

static void dl_item(struct buf *b, const char *term, const char *value)
{
	html_raw(b, "<dt>");
	html_text(b, term);
	html_raw(b, "</dt><dd>");
	if (value && *value)
		html_text(b, value);
	else
		html_raw(b, "<span class=\"muted\">not recorded</span>");
	html_raw(b, "</dd>");
}

static void action_open(struct http_request *req, const struct tool *t, const char *suffix)
{
	struct buf *b = &req->out;
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/tools/");
	html_int(b, t->id);
	html_raw(b, suffix);
	html_raw(b, "\">");
	page_csrf_field(req);
}

static void support_section(struct http_request *req, const struct tool *t, bool reshow_school)
{
	struct buf *b = &req->out;
	const struct account *a = viewer(req);
	struct roster_org_row *schools;
	struct tool_support *sup;
	size_t ns = 0, nsup = 0;
	struct tool_champion *ch = NULL;
	size_t nch = 0;
	roster_schools(req->db, t->district_id, &req->arena, &schools, &ns);
	tools_support(req->db, t->district_id, t->id, &req->arena, &sup, &nsup);
	if (tools_champions(req->db, t->district_id, &req->arena, &ch, &nch))
		nch = 0;
	html_raw(b, "<h2>Support</h2><dl>");
	char owner[300] = "";
	struct account o;
	if (t->it_owner_id && account_get(req->db, t->district_id, t->it_owner_id, &o) == EB_OK)
		snprintf(owner, sizeof owner, "%s (%s)", o.display_name, o.login);
	dl_item(b, "District IT owner", owner);
	dl_item(b, "Vendor help desk contact", t->help_name);
	dl_item(b, "Help desk email", t->help_email);
	dl_item(b, "Help desk phone", t->help_phone);
	dl_item(b, "Help desk web address", t->help_url);
	dl_item(b, "Help desk hours", t->help_hours);
	html_raw(b, "</dl>");
	page_scroll_begin(req, "Tech champion at each school");
	html_raw(b,
		 "<table><caption>Tech champion at each school"
		 "</caption><thead><tr><th scope=\"col\">School</th><th scope=\"col\">Champion</th>"
		 "<th scope=\"col\">Notes</th><th scope=\"col\">Change</th></tr></thead><tbody>");
	for (size_t i = 0; i < ns; i++) {
		const struct tool_support *row = NULL;
		for (size_t k = 0; k < nsup; k++)
			if (strcmp(sup[k].school_sid, schools[i].sourced_id) == 0)
				row = &sup[k];
		html_raw(b, "<tr><td>");
		html_text(b, schools[i].name);
		html_raw(b, "</td><td>");
		if (row && row->champion_id) {
			html_text(b, row->champion_name);
			html_raw(b, " <span class=\"muted\">(");
			html_text(b, row->champion_login);
			html_raw(b, ")</span>");
		} else {
			html_raw(b, "<span class=\"muted\">none</span>");
		}
		html_raw(b, "</td><td>");
		html_text(b, row ? row->notes : "");
		html_raw(b, "</td><td>");
		if (tools_can_edit_support(a, schools[i].sourced_id)) {
			action_open(req, t, "/support");
			html_raw(b, "<input type=\"hidden\" name=\"school\" value=\"");
			html_attr(b, schools[i].sourced_id);
			html_raw(b, "\"><label>Champion<select name=\"champion\"><option "
				    "value=\"\">nobody</option>");
			for (size_t k = 0; k < nch; k++) {
				if (strcmp(ch[k].school_sid, schools[i].sourced_id) != 0)
					continue;
				html_raw(b, "<option value=\"");
				html_int(b, ch[k].account_id);
				html_raw(b, row && row->champion_id == ch[k].account_id
						    ? "\" selected>"
						    : "\">");
				html_text(b, ch[k].name);
				html_raw(b, "</option>");
			}
			html_raw(b, "</select></label><label>Notes<input name=\"notes\" "
				    "maxlength=\"2000\" value=\"");
			html_attr(b, row ? row->notes : "");
			html_raw(b, "\"></label><button type=\"submit\">Save</button></form>");
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	(void)reshow_school;
}

static void history_section(struct http_request *req, const struct tool *t)
{
	struct buf *b = &req->out;
	struct tool_history *h;
	size_t n;
	if (tools_history(req->db, t->district_id, t->id, &req->arena, &h, &n))
		return;
	html_raw(b, "<h2>Status history</h2>");
	page_scroll_begin(req, "Status history");
	html_raw(b,
		 "<table><thead><tr>"
		 "<th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">From</th>"
		 "<th scope=\"col\">To</th><th scope=\"col\">Why</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		enum tool_status fs, ts;
		html_raw(b, "<tr><td>");
		page_time(req, h[i].at);
		html_raw(b, "</td><td>");
		html_text(b, label_actor(h[i].actor));
		html_raw(b, "</td><td>");
		html_text(b, tool_status_parse(h[i].from_status, &fs) ? tool_status_label(fs) : "");
		html_raw(b, "</td><td>");
		html_text(b, tool_status_parse(h[i].to_status, &ts) ? tool_status_label(ts)
								    : h[i].to_status);
		html_raw(b, "</td><td>");
		html_text(b, h[i].reason);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void credentials_section(struct http_request *req, const struct tool *t)
{
	struct buf *b = &req->out;
	struct tool_credential *c;
	size_t n;
	if (tools_cred_list(req->db, t->district_id, t->id, &req->arena, &c, &n))
		return;
	html_raw(b, "<h2>Credentials for sending data</h2><p>xAPI tools log in with HTTP Basic (key"
		    " and secret); Caliper tools send a bearer token. Secrets are shown once, when"
		    " made.</p>");
	page_scroll_begin(req, "Credentials");
	html_raw(b,
		 "<table><thead><tr><th scope=\"col\">Kind</th>"
		 "<th scope=\"col\">Key</th><th scope=\"col\">Created</th><th scope=\"col\">Last "
		 "used</th>"
		 "<th scope=\"col\">Status</th><th scope=\"col\">Change</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, c[i].kind == TOOL_CRED_XAPI ? "xAPI" : "Caliper");
		html_raw(b, "</td><td class=\"code\">");
		html_text(b, c[i].key_id);
		html_raw(b, "</td><td>");
		page_time(req, c[i].created_at);
		html_raw(b, "</td><td>");
		if (c[i].last_used_at)
			page_time(req, c[i].last_used_at);
		else
			html_raw(b, "<span class=\"muted\">never</span>");
		html_raw(b, "</td><td>");
		html_text(b, c[i].revoked ? "revoked" : "active");
		html_raw(b, "</td><td>");
		if (!c[i].revoked) {
			for (int k = 0; k < 2; k++) {
				action_open(req, t, "/credentials");
				html_raw(b, "<input type=\"hidden\" name=\"op\" value=\"");
				html_raw(b, k ? "revoke" : "rotate");
				html_raw(b, "\"><input type=\"hidden\" name=\"cred\" value=\"");
				html_int(b, c[i].id);
				html_raw(b, "\"><button type=\"submit\">");
				html_raw(b, k ? "Revoke" : "Rotate the secret");
				html_raw(b, "</button></form>");
			}
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	for (int k = 0; k < 2; k++) {
		action_open(req, t, "/credentials");
		html_raw(
			b,
			"<input type=\"hidden\" name=\"op\" value=\"create\"><input type=\"hidden\""
			" name=\"kind\" value=\"");
		html_raw(b, k ? "caliper" : "xapi");
		html_raw(b, "\"><button type=\"submit\">");
		html_raw(b, k ? "New Caliper token" : "New xAPI key and secret");
		html_raw(b, "</button></form>");
	}
}

/* which: the form to re-show with the typed values ("edit", "status"), or NULL. */
static void tool_page(struct http_request *req, const struct tool *t, int status, const char *kind,
		      const char *msg, const char *which)
{
	struct buf *b = &req->out;
	const struct account *a = viewer(req);
	req->status = status;
	page_begin(req, t->name);
	/* a refused form's errors: at the top in words, and at its fields */
	struct form_errors errs = { .n = 0 };
	bool refused = msg && strcmp(kind, "error") == 0;
	if (refused) {
		size_t nl;
		const struct form_label *labels = tool_labels(req, "ed_", &nl);
		form_errors_parse(&errs, &req->arena, msg);
		form_errors_summary(req, &errs, labels, nl);
	} else if (msg) {
		page_notice(req, kind, msg);
	}
	const struct form_errors *edit_errs = refused && which && strcmp(which, "edit") == 0 ? &errs
											     : NULL;
	const struct form_errors *status_errs =
		refused && which && strcmp(which, "status") == 0 ? &errs : NULL;
	html_raw(b, "<p class=\"crumbs\"><a href=\"/tools\">Technology inventory</a></p>");
	/* trainings on this tool (issue 14, h14-train) */
	html_raw(b, "<p><a href=\"/trainings?tool=");
	html_int(b, t->id);
	html_raw(b, "\">Trainings on this tool</a></p>");
	/* support tickets (issue 14): report a problem with this tool, and its tickets */
	html_raw(b, "<p><a href=\"/tickets/new?tool=");
	html_int(b, t->id);
	html_raw(b, "\">Report a problem with this tool</a> &middot; <a href=\"/tickets?tool=");
	html_int(b, t->id);
	html_raw(b, "\">Its tickets</a></p><dl>");
	dl_item(b, "Status", tool_status_label(t->status));
	if (t->status == TOOL_APPROVED_WITH_CONDITIONS || t->conditions[0])
		dl_item(b, "Conditions", t->conditions);
	dl_item(b, "Vendor", t->vendor);
	dl_item(b, "Kind", tool_kind_label(t->kind));
	dl_item(b, "Category", t->category);
	dl_item(b, "Web address", t->url);
	dl_item(b, "Classroom need", t->need);
	char gw[160];
	dl_item(b, "Grades", label_grades(t->grades, gw, sizeof gw));
	dl_item(b, "Standards", t->standards);
	html_raw(b, "</dl><h2>Privacy</h2><dl><dt>Data-privacy agreement</dt><dd>");
	if (t->dpa_signed) {
		html_raw(b, "signed on ");
		html_text(b, t->dpa_date);
	} else {
		html_raw(b, "not signed");
	}
	html_raw(b, "</dd><dt>Student data it receives</dt><dd>");
	data_list(b, t->data_elements);
	html_raw(b, "</dd>");
	dl_item(b, "Where its data is stored", t->data_location);
	html_raw(b, "</dl><h2>Licences</h2><dl>");
	dl_item(b, "Seats", stored_value(req, t, &fields[12]));
	dl_item(b, "Annual cost (dollars)", stored_value(req, t, &fields[13]));
	dl_item(b, "Term starts", t->term_start);
	dl_item(b, "Term ends", t->term_end);
	html_raw(b, "</dl>");
	page_tool_scopes_section(req, t);
	page_lti_tool_section(req, t);
	support_section(req, t, false);
	history_section(req, t);
	page_tool_data_section(req, t);
	if (tools_can_edit(a)) {
		bool reshow_status = which && strcmp(which, "status") == 0;
		html_raw(b, "<h2>Change the status</h2>");
		action_open(req, t, "/status");
		html_raw(b,
			 "<div><label for=\"st_status\">New status</label><select id=\"st_status\""
			 " name=\"status\"");
		form_invalid_attrs(req, status_errs, "status");
		html_raw(b, ">");
		for (int i = 0; i < TOOL_STATUS__COUNT; i++) {
			if (!tool_status_allowed(t->status, (enum tool_status)i))
				continue;
			html_raw(b, "<option value=\"");
			html_attr(b, tool_status_name((enum tool_status)i));
			html_raw(b, "\">");
			html_text(b, tool_status_label((enum tool_status)i));
			html_raw(b, "</option>");
		}
		const char *r = reshow_status ? http_form(req, "reason") : NULL;
		const char *c = reshow_status ? http_form(req, "conditions") : NULL;
		html_raw(b, "</select>");
		form_field_error(req, status_errs, "status");
		html_raw(b, "</div><div><label for=\"st_reason\">Why (required)</label>"
			    "<textarea id=\"st_reason\" name=\"reason\" rows=\"2\" required "
			    "maxlength=\"2000\"");
		form_invalid_attrs(req, status_errs, "reason");
		html_raw(b, ">");
		html_text(b, r ? r : "");
		html_raw(b, "</textarea>");
		form_field_error(req, status_errs, "reason");
		html_raw(b, "</div><div><label for=\"st_conditions\">Conditions (for an"
			    " approval with conditions)</label><textarea id=\"st_conditions\""
			    " name=\"conditions\" rows=\"2\" maxlength=\"2000\"");
		form_invalid_attrs(req, status_errs, "conditions");
		html_raw(b, ">");
		html_text(b, c ? c : t->conditions);
		html_raw(b, "</textarea>");
		form_field_error(req, status_errs, "conditions");
		html_raw(b, "</div><div><button type=\"submit\">Change the status</button>"
			    "</div></form><h2>Edit</h2>");
		bool reshow = which && strcmp(which, "edit") == 0;
		action_open(req, t, "");
		for (size_t i = 0; i < NFIELDS; i++)
			field_input(req, t, &fields[i], reshow, "ed_", edit_errs);
		data_checklist(req, t, reshow, edit_errs);
		html_raw(b, "<div><button type=\"submit\">Save</button></div></form>");
	}
	if (tools_can_manage_credentials(a))
		credentials_section(req, t);
	page_tool_forget_section(req, t);
	page_end(req);
}

void page_tool(struct http_request *req)
{
	struct tool t;
	if (load_tool(req, &t))
		tool_page(req, &t, 200, NULL, NULL, NULL);
}

void page_tool_update(struct http_request *req)
{
	struct tool t, orig;
	struct tool_form f;
	const char *data[TOOL_DATA__COUNT + 1];
	char why[400];
	if (!load_tool(req, &t))
		return;
	orig = t;
	read_form(req, &f, false, data, TOOL_DATA__COUNT + 1);
	if (f.ndata > TOOL_DATA__COUNT) {
		tool_page(req, &orig, 400, "error", "data: too many elements.", "edit");
		return;
	}
	if (tools_validate(req->db, district_of(req), &f, &t, why, sizeof why)) {
		tool_page(req, &orig, 400, "error", why, "edit");
		return;
	}
	if (db_begin(req->db)) {
		tool_page(req, &orig, 503, "error", "The database is busy; try again.", "edit");
		return;
	}
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = tools_update(req->db, district_of(req), &t, &who);
	if (rc || db_commit(req->db)) {
		db_rollback(req->db);
		tool_page(req, &orig, rc == EB_EEXIST ? 409 : 400, "error",
			  rc == EB_EEXIST ? "name: another tool already has this name."
					  : "Could not store the changes.",
			  "edit");
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/tools/%lld", (long long)t.id);
	http_redirect(req, loc);
}

void page_tool_status(struct http_request *req)
{
	struct tool t;
	enum tool_status s;
	char why[400];
	if (!load_tool(req, &t))
		return;
	const char *st = http_form(req, "status"), *reason = http_form(req, "reason");
	const char *cond = http_form(req, "conditions");
	if (!st || !tool_status_parse(st, &s)) {
		tool_page(req, &t, 400, "error", "status: not one of the tool statuses.", "status");
		return;
	}
	if (cond && !*cond)
		cond = NULL;
	if (db_begin(req->db)) {
		tool_page(req, &t, 503, "error", "The database is busy; try again.", "status");
		return;
	}
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = tools_set_status(req->db, district_of(req), t.id, s, reason ? reason : "",
					  cond, &who, why, sizeof why);
	if (rc || db_commit(req->db)) {
		db_rollback(req->db);
		tool_page(req, &t, rc == EB_ECONFLICT ? 409 : 400, "error",
			  rc == EB_EINVAL || rc == EB_ECONFLICT ? why
								: "Could not change the status.",
			  "status");
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/tools/%lld", (long long)t.id);
	http_redirect(req, loc);
}

void page_tool_support(struct http_request *req)
{
	struct tool t;
	char why[400];
	int64_t champ = 0;
	if (!load_tool(req, &t))
		return;
	const char *school = http_form(req, "school"), *cs = http_form(req, "champion");
	const char *notes = http_form(req, "notes");
	if (!school || !tools_can_edit_support(viewer(req), school)) {
		page_error(req, 403, "Not allowed",
			   "You may change the support entry of your own school only.");
		return;
	}
	if (cs && *cs && cstr_to_i64(cs, 1, INT64_MAX, &champ)) {
		tool_page(req, &t, 400, "error", "champion: choose one of the listed champions",
			  NULL);
		return;
	}
	if (db_begin(req->db)) {
		tool_page(req, &t, 503, "error", "The database is busy; try again.", NULL);
		return;
	}
	struct audit_actor who = auth_actor(req);
	enum eb_err rc = tools_set_support(req->db, district_of(req), t.id, school, champ,
					   notes ? notes : "", &who, why, sizeof why);
	if (rc || db_commit(req->db)) {
		db_rollback(req->db);
		tool_page(req, &t, 400, "error",
			  rc == EB_EINVAL ? why : "Could not store the change.", NULL);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/tools/%lld", (long long)t.id);
	http_redirect(req, loc);
}

void page_tool_credentials(struct http_request *req)
{
	struct tool t;
	char key[TOOL_KEY_MAX], secret[TOOL_SECRET_MAX];
	int64_t cred = 0, newid;
	if (!load_tool(req, &t))
		return;
	const char *op = http_form(req, "op"), *kind = http_form(req, "kind");
	const char *cs = http_form(req, "cred");
	bool create = op && strcmp(op, "create") == 0, rotate = op && strcmp(op, "rotate") == 0;
	bool revoke = op && strcmp(op, "revoke") == 0;
	enum tool_cred_kind k = TOOL_CRED_XAPI;
	if (!create && !rotate && !revoke) {
		tool_page(req, &t, 400, "error", "op: create, rotate or revoke.", NULL);
		return;
	}
	if (create && (!kind || (strcmp(kind, "xapi") != 0 && strcmp(kind, "caliper") != 0))) {
		tool_page(req, &t, 400, "error", "kind: xapi or caliper.", NULL);
		return;
	}
	if (create)
		k = strcmp(kind, "xapi") == 0 ? TOOL_CRED_XAPI : TOOL_CRED_CALIPER;
	if (!create && (!cs || cstr_to_i64(cs, 1, INT64_MAX, &cred))) {
		tool_page(req, &t, 400, "error", "cred: which credential.", NULL);
		return;
	}
	if (db_begin(req->db)) {
		tool_page(req, &t, 503, "error", "The database is busy; try again.", NULL);
		return;
	}
	struct audit_actor who = auth_actor(req);
	enum eb_err rc;
	int64_t d = district_of(req);
	if (create)
		rc = tools_cred_create(req->db, d, t.id, k, &who, &newid, key, secret);
	else if (rotate)
		rc = tools_cred_rotate(req->db, d, t.id, cred, &who, key, secret);
	else
		rc = tools_cred_revoke(req->db, d, t.id, cred, &who);
	if (rc || db_commit(req->db)) {
		db_rollback(req->db);
		tool_page(req, &t,
			  rc == EB_ENOTFOUND   ? 404
			  : rc == EB_ECONFLICT ? 409
					       : 400,
			  "error",
			  rc == EB_ENOTFOUND   ? "cred: no such credential for this tool."
			  : rc == EB_ECONFLICT ? "cred: that credential is revoked."
					       : "Could not change the credentials.",
			  NULL);
		return;
	}
	if (revoke) {
		tool_page(req, &t, 200, "ok", "The credential is revoked; it no longer works.",
			  NULL);
		return;
	}
	/* the one time the secret is shown: never cached (the session sets no-store) */
	struct buf *b = &req->out;
	req->status = 200;
	page_begin(req, "New credential");
	html_raw(b, "<p class=\"notice ok\" role=\"status\">Copy the secret now: it is shown only"
		    " this once. Only a hash of it is kept.</p><dl><dt>Tool</dt><dd>");
	html_text(b, t.name);
	if (strncmp(key, "cal-", 4) == 0) {
		html_raw(b, "</dd><dt>Label</dt><dd class=\"code\" id=\"key\">");
		html_text(b, key);
		html_raw(b, "</dd><dt>Caliper bearer token</dt><dd class=\"code\" id=\"secret\">");
	} else {
		html_raw(b, "</dd><dt>Key</dt><dd class=\"code\" id=\"key\">");
		html_text(b, key);
		html_raw(b, "</dd><dt>Secret</dt><dd class=\"code\" id=\"secret\">");
	}
	html_text(b, secret);
	html_raw(b, "</dd></dl><p><a href=\"/tools/");
	html_int(b, t.id);
	html_raw(b, "\">Back to the tool</a></p>");
	page_end(req);
	memset(secret, 0, sizeof secret);
}
