/* Intervention plans (MTSS tiers 2 and 3): the list per class, school and
 * district with its filters and its CSV and Excel export, the plan form
 * (new and edit), one plan with its progress chart, the decision rules and
 * the check-ins, and the teacher's next steps on the home page.
 *
 * A plan is shown only to a viewer who may see every one of its students
 * (domain/access); each view of a plan is audited as a view of each of its
 * students' records, and the list as a bulk view. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/plans.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "store/db.h"
#include "store/db_write.h"
#include "web/auth.h"
#include "web/chart_progress.h"
#include "web/export.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/home_staff.h"
#include "web/pages/pages.h"
#include "web/pages/plans.h"

#define LIST_LIMIT 500

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

static int32_t today(void)
{
	return (int32_t)(time_now() / 86400);
}

static void day_text(struct buf *b, int32_t day)
{
	char s[11];
	plans_day_format(day, s);
	html_text(b, s);
}

/* The viewer sees every student of the school (no per-plan check needed). */
static bool sees_whole_school(const struct account *a, const char *school)
{
	if (access_all_students(a))
		return true;
	for (int i = 0; school && i < a->nroles; i++)
		if ((a->roles[i].role == ROLE_PRINCIPAL || a->roles[i].role == ROLE_COACH) &&
		    strcmp(a->roles[i].scope_type, "school") == 0 &&
		    strcmp(a->roles[i].scope_id, school) == 0)
			return true;
	return false;
}

/* The viewer may open every student of the plan. */
static bool sees_students(struct http_request *req, const char *const *sids, size_t n)
{
	const struct account *a = &req->session->account;
	for (size_t i = 0; i < n; i++)
		if (access_student(req->db, a, sids[i]) != EB_OK)
			return false;
	return n > 0;
}

/* ---- the audit of a plan view: one entry per student, one write -------- */

struct view_audit {
	struct db_write w;
	struct db_write **each;
	size_t n;
};

static enum eb_err view_audit_fn(struct db *db, void *ctx)
{
	struct view_audit *v = ctx;
	for (size_t i = 0; i < v->n; i++) {
		enum eb_err e = v->each[i]->fn(db, v->each[i]->ctx);
		if (e)
			return e;
	}
	return EB_OK;
}

static void audit_failed(struct http_request *req)
{
	page_error(req, 503, "Try again",
		   "The audit log could not be written, so the plan is not shown.");
}

/* Writes "view student" for each student of the plan (detail: which plan)
 * before the response leaves; false after a 503 page. */
static bool audit_plan_view(struct http_request *req, const struct plan *p)
{
	const struct account *a = &req->session->account;
	struct audit_actor who = auth_actor(req);
	char detail[64];
	snprintf(detail, sizeof detail, "intervention plan %lld", (long long)p->id);
	struct view_audit *v = arena_zalloc(&req->arena, sizeof *v);
	bool ok = v != NULL;
	if (ok)
		ok = (v->each = arena_alloc(&req->arena, (p->nstudents + 1) * sizeof *v->each));
	for (size_t i = 0; ok && i < p->nstudents; i++) {
		struct audit_job *j = audit_job_new(&req->arena, a->district_id, &who, "view",
						    "student", p->students[i], 1, detail);
		if (j)
			v->each[v->n++] = audit_job_write(j);
		else
			ok = false;
	}
	if (ok) {
		v->w.fn = view_audit_fn;
		v->w.ctx = v;
		v->w.linger_ms = v->n ? v->each[0]->linger_ms : 0;
		if (http_hold_until_written(req, &v->w, audit_failed))
			return true;
	}
	/* no memory for the hold: written now */
	for (size_t i = 0; i < p->nstudents; i++)
		if (audit_record_students(req->db, a->district_id, &who, "view", "student",
					  p->students[i], 1, detail)) {
			audit_failed(req);
			return false;
		}
	return true;
}

/* Loads plan :id when the viewer may see every student; else the refused
 * attempt is audited and 404 answered. */
static bool load_plan(struct http_request *req, struct plan *p)
{
	int64_t id;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    plans_get(req->db, district_of(req), id, &req->arena, p) ||
	    !sees_students(req, p->students, p->nstudents)) {
		page_refused(req, "plan", req->nparams ? req->params[0] : "");
		return false;
	}
	return true;
}

static const char *student_name(struct http_request *req, const char *sid)
{
	struct roster_person_row p;
	if (roster_person_get(req->db, district_of(req), sid, &req->arena, &p))
		return sid;
	const char *first = p.preferred_first_name && *p.preferred_first_name
				    ? p.preferred_first_name
				    : p.given_name;
	const char *s = arena_printf(&req->arena, "%s %s", first, p.family_name);
	return s ? s : sid;
}

static const char *school_name(struct http_request *req, const char *sid)
{
	struct roster_org_row o;
	if (sid && roster_org_get(req->db, district_of(req), sid, &req->arena, &o) == EB_OK)
		return o.name;
	return "a school no longer in the roster";
}

static const char *intervention_words(struct http_request *req, const char *tool,
				      const char *strategy)
{
	bool t = tool && *tool, s = strategy && *strategy;
	const char *w = t && s ? arena_printf(&req->arena, "%s, with %s", strategy, tool)
			: t    ? tool
			: s    ? strategy
			       : "not named";
	return w ? w : "";
}

/* ---- the list ------------------------------------------------------------ */

struct list_scope {
	const char *school, *class_id, *student;
	const char *label; /* "Birch Elementary", "the district" */
	bool whole;	   /* the viewer sees every student of the scope */
};

/* The scope asked for (?class=, ?school=) or the viewer's own; false after
 * answering 404 (a class or school the viewer may not see) or 403. */
static bool list_scope(struct http_request *req, struct list_scope *s)
{
	const struct account *a = &req->session->account;
	const char *cls = http_query(req, "class"), *sch = http_query(req, "school");
	const char *student = http_query(req, "student");
	memset(s, 0, sizeof *s);
	if (student && *student) {
		if (access_student(req->db, a, student) != EB_OK) {
			page_refused(req, "student", student);
			return false;
		}
		s->student = student;
		s->label = student_name(req, student);
		return true;
	}
	if (cls && *cls) {
		struct roster_class_row c;
		if (access_class(req->db, a, cls) != EB_OK ||
		    roster_class_get(req->db, a->district_id, cls, &req->arena, &c)) {
			page_refused(req, "class", cls);
			return false;
		}
		s->class_id = cls;
		s->label = c.title;
		s->whole = sees_whole_school(a, c.school_sourced_id);
		return true;
	}
	const char *school;
	enum eb_err e = access_report_school(req->db, a, sch, &school);
	if (e == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "There is nothing here that your role may see.");
		return false;
	}
	if (e) {
		/* a teacher without a school of their own: their students' plans */
		s->label = "your students";
		return true;
	}
	s->school = school;
	s->label = school ? school_name(req, school) : "the district";
	s->whole = school ? sees_whole_school(a, school) : access_all_students(a);
	return true;
}

static void read_filter(struct http_request *req, struct plan_filter *f)
{
	memset(f, 0, sizeof *f);
	int64_t v;
	const char *t = http_query(req, "tier"), *st = http_query(req, "status");
	if (t && cstr_to_i64(t, 2, 3, &v) == EB_OK)
		f->tier = (int)v;
	f->status = !st || strcmp(st, "active") == 0 ? 1 : strcmp(st, "closed") == 0 ? 2 : 0;
	const char *mine = http_query(req, "mine"), *owner = http_query(req, "owner");
	if (owner && cstr_to_i64(owner, 1, INT64_MAX, &v) == EB_OK)
		f->owner_id = v;
	if (mine && strcmp(mine, "1") == 0)
		f->owner_id = req->session->account.id;
	const char *od = http_query(req, "overdue");
	f->overdue = od && strcmp(od, "1") == 0;
	f->today = today();
	f->limit = LIST_LIMIT;
}

static void select_option(struct buf *b, const char *value, const char *label, bool on)
{
	html_raw(b, "<option value=\"");
	html_attr(b, value);
	html_raw(b, on ? "\" selected>" : "\">");
	html_text(b, label);
	html_raw(b, "</option>");
}

static void filter_form(struct http_request *req, const struct list_scope *s,
			const struct plan_filter *f, const struct plan_row *rows, size_t nrows)
{
	struct buf *b = &req->out;
	html_raw(b, "<form class=\"stack\" method=\"get\" action=\"/plans\">");
	if (s->class_id) {
		html_raw(b, "<input type=\"hidden\" name=\"class\" value=\"");
		html_attr(b, s->class_id);
		html_raw(b, "\">");
	} else if (s->school) {
		html_raw(b, "<input type=\"hidden\" name=\"school\" value=\"");
		html_attr(b, s->school);
		html_raw(b, "\">");
	} else if (s->student) {
		html_raw(b, "<input type=\"hidden\" name=\"student\" value=\"");
		html_attr(b, s->student);
		html_raw(b, "\">");
	}
	html_raw(b, "<div><label for=\"f-tier\">Tier</label><select id=\"f-tier\" name=\"tier\">");
	select_option(b, "", "Both tiers", f->tier == 0);
	select_option(b, "2", "Tier 2 (targeted)", f->tier == 2);
	select_option(b, "3", "Tier 3 (intensive)", f->tier == 3);
	html_raw(b, "</select></div><div><label for=\"f-status\">Status</label>"
		    "<select id=\"f-status\" name=\"status\">");
	select_option(b, "active", "Active", f->status == 1);
	select_option(b, "closed", "Closed", f->status == 2);
	select_option(b, "all", "Active and closed", f->status == 0);
	html_raw(b, "</select></div><div><label for=\"f-owner\">Owner</label><select "
		    "id=\"f-owner\" name=\"owner\">");
	/* the owners of the plans listed (no scan of the district's accounts) */
	bool mine = f->owner_id == req->session->account.id;
	select_option(b, "", "Anyone", f->owner_id == 0 || mine);
	for (size_t i = 0; i < nrows; i++) {
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			seen |= rows[k].owner_id == rows[i].owner_id;
		if (seen || !rows[i].owner_name[0])
			continue;
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)rows[i].owner_id);
		select_option(b, id, rows[i].owner_name, !mine && rows[i].owner_id == f->owner_id);
	}
	html_raw(b, "</select></div><div class=\"check\"><label for=\"f-mine\"><input "
		    "type=\"checkbox\" id=\"f-mine\" name=\"mine\" value=\"1\"");
	html_raw(b, mine ? " checked" : "");
	html_raw(b, "> Only plans I own</label></div><div class=\"check\"><label "
		    "for=\"f-overdue\"><input type=\"checkbox\" id=\"f-overdue\" name=\"overdue\" "
		    "value=\"1\"");
	html_raw(b, f->overdue ? " checked" : "");
	html_raw(b, "> Only plans with a check-in overdue</label></div><div><button "
		    "type=\"submit\">Show</button></div></form>");
}

/* The query of the current filters, for the export links. */
static const char *export_href(struct http_request *req, const char *format)
{
	const char *target = http_request_target(req, 1500);
	if (!target)
		return "/plans";
	const char *q = strchr(target, '?');
	return arena_printf(&req->arena, "/plans?format=%s%s%s", format, q ? "&" : "",
			    q ? q + 1 : "");
}

static void export_rows(struct http_request *req, const struct plan_row *r, size_t n,
			enum export_format fmt)
{
	struct export x;
	if (!export_respond_begin(req, &x, fmt, "Plans"))
		return;
	static const char *const head[] = { "plan",	    "tier",	     "status",
					    "students",	    "school",	     "focus standards",
					    "intervention", "owner",	     "start",
					    "end",	    "next check-in", "check-in overdue" };
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		export_head(&x, head[i]);
	export_end_row(&x);
	for (size_t i = 0; i < n; i++) {
		char s[11], names[1024] = "";
		size_t k = 0;
		for (size_t j = 0; j < r[i].nstudents && k + 1 < sizeof names; j++) {
			int w = snprintf(names + k, sizeof names - k, "%s%s", j ? "; " : "",
					 r[i].names[j]);
			if (w < 0)
				break;
			k += (size_t)w < sizeof names - k ? (size_t)w : sizeof names - k - 1;
		}
		export_num(&x, (double)r[i].id, 0);
		export_num(&x, r[i].tier, 0);
		export_text(&x, r[i].active ? "active" : "closed");
		export_text(&x, names);
		export_text(&x, school_name(req, r[i].school));
		export_text(&x, r[i].standards);
		export_text(&x, intervention_words(req, r[i].tool_name, r[i].strategy));
		export_text(&x, r[i].owner_name);
		plans_day_format(r[i].start_day, s);
		export_text(&x, s);
		plans_day_format(r[i].end_day, s);
		export_text(&x, s);
		plans_day_format(r[i].next_checkin_day, s);
		export_text(&x, r[i].active ? s : "");
		export_text(&x, r[i].overdue ? "yes" : "no");
		export_end_row(&x);
	}
	export_respond_end(req, &x, "plans");
}

void page_plans(struct http_request *req)
{
	struct list_scope s;
	struct plan_filter f;
	if (!list_scope(req, &s))
		return;
	read_filter(req, &f);
	f.school = s.school;
	f.class_id = s.class_id;
	f.student = s.student;
	const char *format = http_query(req, "format");
	enum export_format fmt = EXPORT_CSV;
	if (format && !export_format_parse(format, &fmt)) {
		page_error(req, 400, "Unknown format", "format: choose csv or xlsx.");
		return;
	}
	struct plan_row *rows;
	size_t n;
	bool more;
	bool snap = db_begin_read(req->db) == EB_OK;
	enum eb_err e = plans_list(req->db, district_of(req), &f, &req->arena, &rows, &n, &more);
	/* only the plans whose every student the viewer may see */
	size_t kept = 0, students = 0;
	for (size_t i = 0; !e && i < n; i++)
		if (s.whole || sees_students(req, rows[i].students, rows[i].nstudents)) {
			rows[kept++] = rows[i];
			students += rows[i].nstudents;
		}
	if (snap)
		db_rollback(req->db);
	if (e) {
		page_error(req, 503, "Try again", "The plans could not be read just now.");
		return;
	}
	n = kept;
	const char *scope_id = s.class_id  ? s.class_id
			       : s.student ? s.student
			       : s.school  ? s.school
					   : "district";
	if (!page_audit_bulk(req, format ? "export" : "view",
			     s.class_id	 ? "class"
			     : s.student ? "student"
					 : "plans",
			     scope_id, (int64_t)students, "intervention plans"))
		return;
	if (format) {
		export_rows(req, rows, n, fmt);
		return;
	}
	char title[300];
	snprintf(title, sizeof title, "Intervention plans: %s", s.label);
	page_begin(req, title);
	struct buf *b = &req->out;
	html_raw(b, "<p><a href=\"/plans/new");
	if (s.class_id) {
		html_raw(b, "?class=");
		html_url(b, s.class_id);
	}
	html_raw(b, "\">Start a plan</a>");
	if (s.class_id) {
		html_raw(b, " · <a href=\"/classes/");
		html_url(b, s.class_id);
		html_raw(b, "/learning-plans\">The class's learning plans</a>");
	}
	html_raw(b, "</p>");
	filter_form(req, &s, &f, rows, n);
	if (!n) {
		html_raw(b, "<p class=\"muted\">No plan matches.</p>");
		page_end(req);
		return;
	}
	html_raw(b, "<p>");
	html_textf(b, "%zu plan%s%s. Download: ", n, n == 1 ? "" : "s",
		   more ? " (the first ones; narrow the filters to see the rest)" : "");
	html_raw(b, "<a href=\"");
	html_attr(b, export_href(req, "csv"));
	html_raw(b, "\">CSV</a>, <a href=\"");
	html_attr(b, export_href(req, "xlsx"));
	html_raw(b, "\">Excel</a></p>");
	page_scroll_begin(req, "Intervention plans");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Students</th><th scope=\"col\">Tier</th>"
		    "<th scope=\"col\">Focus</th><th scope=\"col\">Intervention</th>"
		    "<th scope=\"col\">Owner</th><th scope=\"col\">Next check-in</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct plan_row *r = &rows[i];
		html_raw(b, "<tr><td><a href=\"/plans/");
		html_int(b, r->id);
		html_raw(b, "\">");
		for (size_t j = 0; j < r->nstudents; j++) {
			if (j)
				html_raw(b, "; ");
			html_text(b, r->names[j]);
		}
		html_raw(b, "</a></td><td>");
		html_int(b, r->tier);
		html_raw(b, "</td><td>");
		html_text(b, r->standards);
		html_raw(b, "</td><td>");
		html_text(b, intervention_words(req, r->tool_name, r->strategy));
		html_raw(b, "</td><td>");
		html_text(b, r->owner_name[0] ? r->owner_name : "no longer an account");
		html_raw(b, "</td><td>");
		if (!r->active) {
			html_raw(b, "closed");
		} else {
			day_text(b, r->next_checkin_day);
			if (r->overdue)
				html_raw(b, " <strong>overdue</strong>");
		}
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

/* ---- the form ------------------------------------------------------------ */

static const struct form_label plan_labels[] = {
	{ "tier", "tier-2", "Tier" },
	{ "students", "students", "Students" },
	{ "standards", NULL, "Focus standards" },
	{ "intervention", "tool_id", "Intervention" },
	{ "tool_id", NULL, "Tool" },
	{ "strategy", NULL, "Strategy" },
	{ "strategy_id", "strategy", "Strategy" },
	{ "owner_id", NULL, "Owner" },
	{ "sessions_per_week", NULL, "Sessions a week" },
	{ "minutes_per_session", NULL, "Minutes per session" },
	{ "start_date", NULL, "Start" },
	{ "end_date", NULL, "End" },
	{ "checkin_every_days", NULL, "Check-in every" },
	{ "measure", "measure-mastery", "Progress measure" },
	{ "measure_tool_id", NULL, "Tool whose scores measure progress" },
	{ "measure_assessment", NULL, "Assessment that measures progress" },
	{ "baseline", NULL, "Baseline" },
	{ "goal", NULL, "Goal" },
	{ "goal_text", NULL, "The goal in words" },
};
#define NLABELS (sizeof plan_labels / sizeof plan_labels[0])

/* The value of a field: the re-shown form's, else the plan's (editing),
 * else dflt. */
struct form_ctx {
	struct http_request *req;
	const struct form_errors *errs;
	bool reshow;
	const struct plan *p; /* editing, or NULL */
};

static const char *fval(const struct form_ctx *c, const char *name, const char *current)
{
	if (c->reshow) {
		const char *v = http_form(c->req, name);
		return v ? v : "";
	}
	return current ? current : "";
}

static void label_open(struct buf *b, const char *id, const char *label, const char *hint)
{
	html_raw(b, "<div><label for=\"");
	html_attr(b, id);
	html_raw(b, "\">");
	html_text(b, label);
	if (hint && *hint) {
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, hint);
		html_raw(b, ")</span>");
	}
	html_raw(b, "</label>");
}

static void input(const struct form_ctx *c, const char *name, const char *label, const char *hint,
		  const char *type, const char *value)
{
	struct buf *b = &c->req->out;
	label_open(b, name, label, hint);
	html_raw(b, "<input id=\"");
	html_attr(b, name);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" type=\"");
	html_attr(b, type);
	html_raw(b, "\"");
	form_invalid_attrs(c->req, c->errs, name);
	html_raw(b, " value=\"");
	html_attr(b, value);
	html_raw(b, "\">");
	form_field_error(c->req, c->errs, name);
	html_raw(b, "</div>");
}

static void radio(struct buf *b, const char *name, const char *value, const char *id,
		  const char *label, bool on)
{
	html_raw(b, "<label for=\"");
	html_attr(b, id);
	html_raw(b, "\"><input type=\"radio\" id=\"");
	html_attr(b, id);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" value=\"");
	html_attr(b, value);
	html_raw(b, on ? "\" checked> " : "\"> ");
	html_text(b, label);
	html_raw(b, "</label>");
}

static bool listed(struct http_request *req, const char *name, const char *v)
{
	const char *vals[64];
	int n = http_form_all(req, name, vals, 64);
	for (int i = 0; i < n; i++)
		if (vals[i] && strcmp(vals[i], v) == 0)
			return true;
	return false;
}

/* The students to choose from: the class's (?class=, or the form's
 * carried class), else the plan's and the one asked for (?student=). */
static void students_fieldset(const struct form_ctx *c, const char *cls, const char *student)
{
	struct http_request *req = c->req;
	struct buf *b = &req->out;
	const struct account *a = &req->session->account;
	html_raw(b, "<fieldset id=\"students\" class=\"checks\"");
	if (form_error_of(c->errs, "students"))
		html_raw(b, " aria-describedby=\"err-students\"");
	html_raw(b, "><legend>Students <span class=\"muted\">(up to 8, of one school)</span>"
		    "</legend>");
	form_field_error(req, c->errs, "students");
	struct roster_person_row *st = NULL;
	size_t ns = 0;
	if (cls && *cls && access_class(req->db, a, cls) == EB_OK &&
	    roster_class_students(req->db, a->district_id, cls, &req->arena, &st, &ns))
		ns = 0;
	const char *extra[PLAN_STUDENTS_MAX + 1];
	size_t nextra = 0;
	if (c->p)
		for (size_t i = 0; i < c->p->nstudents && nextra < PLAN_STUDENTS_MAX; i++)
			extra[nextra++] = c->p->students[i];
	if (student && *student && nextra < PLAN_STUDENTS_MAX + 1)
		extra[nextra++] = student;
	size_t shown = 0;
	for (size_t i = 0; i < ns + nextra; i++) {
		const char *sid = i < ns ? st[i].sourced_id : extra[i - ns];
		bool dup = false;
		for (size_t k = 0; k < ns && i >= ns; k++)
			dup |= strcmp(st[k].sourced_id, sid) == 0;
		for (size_t k = ns; k < i; k++)
			dup |= strcmp(extra[k - ns], sid) == 0;
		if (dup || access_student(req->db, a, sid) != EB_OK)
			continue;
		bool on = c->reshow ? listed(req, "students", sid) : i >= ns;
		char id[32];
		snprintf(id, sizeof id, "student-%zu", shown++);
		html_raw(b, "<label for=\"");
		html_attr(b, id);
		html_raw(b, "\"><input type=\"checkbox\" id=\"");
		html_attr(b, id);
		html_raw(b, "\" name=\"students\" value=\"");
		html_attr(b, sid);
		html_raw(b, on ? "\" checked> " : "\"> ");
		html_text(b, i < ns ? arena_printf(&req->arena, "%s, %s", st[i].family_name,
						   st[i].given_name)
				    : student_name(req, sid));
		html_raw(b, "</label>");
	}
	if (!shown)
		html_raw(b,
			 "<p class=\"muted\">Open this form from a class (Plans of a class) or a "
			 "student to choose students.</p>");
	html_raw(b, "</fieldset>");
}

static void tool_select(const struct form_ctx *c, const char *name, const char *label,
			const char *none, int64_t current)
{
	struct http_request *req = c->req;
	struct buf *b = &req->out;
	struct tool_row *t;
	size_t nt = 0;
	if (tools_list(req->db, district_of(req), -1, true, &req->arena, &t, &nt))
		nt = 0;
	char cur[24] = "";
	if (current)
		snprintf(cur, sizeof cur, "%lld", (long long)current);
	const char *sel = fval(c, name, cur);
	label_open(b, name, label, "");
	html_raw(b, "<select id=\"");
	html_attr(b, name);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\"");
	form_invalid_attrs(req, c->errs, name);
	html_raw(b, ">");
	select_option(b, "", none, !*sel);
	for (size_t i = 0; i < nt; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)t[i].id);
		select_option(b, id, t[i].name, strcmp(sel, id) == 0);
	}
	html_raw(b, "</select>");
	form_field_error(req, c->errs, name);
	html_raw(b, "</div>");
}

static void plan_form(struct http_request *req, int status, const struct form_errors *errs,
		      const struct plan *p)
{
	struct form_ctx c = { req, errs, errs != NULL, p };
	struct buf *b = &req->out;
	req->status = status;
	const char *cls = c.reshow ? http_form(req, "class") : http_query(req, "class");
	const char *student = c.reshow ? NULL : http_query(req, "student");
	page_begin(req, p ? "Change the plan" : "Start an intervention plan");
	html_raw(b, "<p class=\"crumbs\"><a href=\"/plans\">Intervention plans</a></p>");
	form_errors_summary(req, errs, plan_labels, NLABELS);
	if (!p && !c.reshow && !(cls && *cls) && !(student && *student)) {
		/* choose the class first */
		html_raw(b, "<form class=\"stack\" method=\"get\" action=\"/plans/new\">");
		label_open(b, "class", "Class", "its title or class code");
		html_raw(b, "<input id=\"class\" name=\"q\" maxlength=\"200\"></div><div><button "
			    "type=\"submit\">Choose the students</button></div></form>");
		const char *q = http_query(req, "q");
		struct roster_class_row *found = NULL;
		size_t nf = 0;
		if (q && *q &&
		    roster_find_classes(req->db, district_of(req), q, &req->arena, &found, &nf))
			nf = 0;
		const struct account *a = &req->session->account;
		if (!(q && *q) && a->person_sid[0] &&
		    roster_teacher_classes(req->db, a->district_id, a->person_sid, &req->arena,
					   &found, &nf))
			nf = 0;
		html_raw(b, "<ul>");
		for (size_t i = 0; i < nf; i++) {
			if (access_class(req->db, a, found[i].sourced_id) != EB_OK)
				continue;
			html_raw(b, "<li><a href=\"/plans/new?class=");
			html_url(b, found[i].sourced_id);
			html_raw(b, "\">");
			html_text(b, found[i].title);
			html_raw(b, "</a></li>");
		}
		html_raw(b, "</ul>");
		page_end(req);
		return;
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"");
	if (p) {
		html_raw(b, "/plans/");
		html_int(b, p->id);
	} else {
		html_raw(b, "/plans/new");
	}
	html_raw(b, "\">");
	page_csrf_field(req);
	if (cls && *cls) {
		html_raw(b, "<input type=\"hidden\" name=\"class\" value=\"");
		html_attr(b, cls);
		html_raw(b, "\">");
	}
	/* tier */
	const char *tier = fval(&c, "tier", p ? (p->tier == 3 ? "3" : "2") : "2");
	html_raw(b, "<fieldset class=\"checks\"");
	if (form_error_of(errs, "tier"))
		html_raw(b, " aria-describedby=\"err-tier\"");
	html_raw(b, "><legend>Tier</legend>");
	radio(b, "tier", "2", "tier-2", "Tier 2: targeted, often a small group",
	      strcmp(tier, "3") != 0);
	radio(b, "tier", "3", "tier-3", "Tier 3: intensive, often one student",
	      strcmp(tier, "3") == 0);
	form_field_error(req, errs, "tier");
	html_raw(b, "</fieldset>");
	students_fieldset(&c, cls, student);
	/* focus standards */
	char stds[200] = "";
	for (size_t i = 0; p && i < p->nstandards; i++)
		snprintf(stds + strlen(stds), sizeof stds - strlen(stds), "%s%s", i ? ", " : "",
			 p->standards[i]);
	input(&c, "standards", "Focus standards", "CCSS-M codes such as 4.NF.A.1, up to 4", "text",
	      fval(&c, "standards", p ? stds : http_query(req, "standard")));
	/* the intervention */
	html_raw(b, "<fieldset><legend>The intervention: a tool, a strategy or both</legend>");
	form_field_error(req, errs, "intervention");
	tool_select(&c, "tool_id", "Tool", "No tool", p ? p->tool_id : 0);
	input(&c, "strategy", "Strategy", "a teacher-led strategy in words", "text",
	      fval(&c, "strategy", p ? p->strategy : http_query(req, "strategy")));
	const char *sid_v =
		fval(&c, "strategy_id", p ? p->strategy_id : http_query(req, "strategy_id"));
	if (*sid_v) {
		html_raw(b, "<input type=\"hidden\" name=\"strategy_id\" value=\"");
		html_attr(b, sid_v);
		html_raw(b, "\">");
	}
	html_raw(b, "</fieldset>");
	/* owner */
	struct plan_owner *ow;
	size_t now_ = 0;
	if (plans_owner_candidates(req->db, district_of(req), p ? p->school : NULL, &req->arena,
				   &ow, &now_))
		now_ = 0;
	char me[24];
	snprintf(me, sizeof me, "%lld", (long long)(p ? p->owner_id : req->session->account.id));
	const char *osel = fval(&c, "owner_id", me);
	label_open(b, "owner_id", "Owner", "who delivers it and checks in");
	html_raw(b, "<select id=\"owner_id\" name=\"owner_id\"");
	form_invalid_attrs(req, errs, "owner_id");
	html_raw(b, ">");
	for (size_t i = 0; i < now_; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)ow[i].id);
		select_option(b, id, ow[i].name, strcmp(osel, id) == 0);
	}
	html_raw(b, "</select>");
	form_field_error(req, errs, "owner_id");
	html_raw(b, "</div>");
	/* dose and dates */
	char v1[16], v2[16], v3[16], d1[11], d2[11];
	snprintf(v1, sizeof v1, "%d", p ? p->sessions_per_week : 3);
	snprintf(v2, sizeof v2, "%d", p ? p->minutes_per_session : 20);
	snprintf(v3, sizeof v3, "%d", p ? p->checkin_every_days : 14);
	plans_day_format(p ? p->start_day : today(), d1);
	plans_day_format(p ? p->end_day : today() + 56, d2);
	input(&c, "sessions_per_week", "Sessions a week", "1 to 10", "number",
	      fval(&c, "sessions_per_week", v1));
	input(&c, "minutes_per_session", "Minutes per session", "5 to 120", "number",
	      fval(&c, "minutes_per_session", v2));
	input(&c, "start_date", "Start", "", "date", fval(&c, "start_date", d1));
	input(&c, "end_date", "End", "", "date", fval(&c, "end_date", d2));
	input(&c, "checkin_every_days", "Check-in every (days)", "7 to 60", "number",
	      fval(&c, "checkin_every_days", v3));
	/* the measure and the goal */
	const char *ms = fval(&c, "measure", p ? plans_measure_name(p->measure) : "mastery");
	html_raw(b, "<fieldset class=\"checks\"");
	if (form_error_of(errs, "measure"))
		html_raw(b, " aria-describedby=\"err-measure\"");
	html_raw(b, "><legend>Progress measure</legend>");
	radio(b, "measure", "mastery", "measure-mastery", "Mastery of the focus standards",
	      strcmp(ms, "tool") != 0 && strcmp(ms, "assessment") != 0);
	radio(b, "measure", "tool", "measure-tool", "A tool's scores on them",
	      strcmp(ms, "tool") == 0);
	radio(b, "measure", "assessment", "measure-assessment", "An assessment's scores",
	      strcmp(ms, "assessment") == 0);
	form_field_error(req, errs, "measure");
	html_raw(b, "</fieldset>");
	tool_select(&c, "measure_tool_id", "Tool whose scores measure progress",
		    "The intervention's tool", p ? p->measure_tool_id : 0);
	input(&c, "measure_assessment", "Assessment that measures progress", "its name as imported",
	      "text", fval(&c, "measure_assessment", p ? p->assessment_name : ""));
	char bl[16] = "", gl[16] = "";
	if (p) {
		snprintf(bl, sizeof bl, "%.0f", p->baseline);
		snprintf(gl, sizeof gl, "%.0f", p->goal);
	}
	input(&c, "baseline", "Baseline (percent)", "where the students are at the start", "number",
	      fval(&c, "baseline", bl));
	input(&c, "goal", "Goal (percent)",
	      "where they should be at the end: the aim line rises to it", "number",
	      fval(&c, "goal", gl));
	label_open(b, "goal_text", "The goal in words", "");
	html_raw(b, "<textarea id=\"goal_text\" name=\"goal_text\" rows=\"2\" maxlength=\"500\"");
	form_invalid_attrs(req, errs, "goal_text");
	html_raw(b, ">");
	html_text(b, fval(&c, "goal_text", p ? p->goal_text : ""));
	html_raw(b, "</textarea>");
	form_field_error(req, errs, "goal_text");
	html_raw(b, "</div><div><button type=\"submit\">Save the plan</button></div></form>");
	page_end(req);
}

void page_plan_new(struct http_request *req)
{
	plan_form(req, 200, NULL, NULL);
}

static void read_in(struct http_request *req, struct plan_in *in)
{
	static const char *const *none;
	const char **sids = arena_alloc(&req->arena, 32 * sizeof *sids);
	int n = sids ? http_form_all(req, "students", sids, 32) : 0;
	memset(in, 0, sizeof *in);
	in->students = sids ? sids : none;
	in->nstudents = (size_t)n;
	in->tier = http_form(req, "tier");
	in->standards = http_form(req, "standards");
	in->tool_id = http_form(req, "tool_id");
	in->strategy = http_form(req, "strategy");
	in->strategy_id = http_form(req, "strategy_id");
	in->owner_id = http_form(req, "owner_id");
	in->sessions_per_week = http_form(req, "sessions_per_week");
	in->minutes_per_session = http_form(req, "minutes_per_session");
	in->start_date = http_form(req, "start_date");
	in->end_date = http_form(req, "end_date");
	in->checkin_every_days = http_form(req, "checkin_every_days");
	in->measure = http_form(req, "measure");
	in->measure_tool_id = http_form(req, "measure_tool_id");
	in->measure_assessment = http_form(req, "measure_assessment");
	in->baseline = http_form(req, "baseline");
	in->goal = http_form(req, "goal");
	in->goal_text = http_form(req, "goal_text");
}

static void saved(struct http_request *req, enum eb_err e, int64_t id, const char *why,
		  const struct plan *p)
{
	if (e == EB_EINVAL) {
		struct form_errors errs = { .n = 0 };
		form_errors_parse(&errs, &req->arena, why);
		plan_form(req, 400, &errs, p);
		return;
	}
	if (e == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "There is no such plan in this district.");
		return;
	}
	if (e) {
		page_error(req, 503, "Not saved", "The database is busy; try again.");
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/plans/%lld", (long long)id);
	http_redirect(req, loc);
}

void page_plan_create(struct http_request *req)
{
	struct plan_in in;
	read_in(req, &in);
	struct audit_actor who = auth_actor(req);
	char why[PLAN_WHY_CAP];
	int64_t id = 0;
	enum eb_err e =
		plans_create(req->db, &req->session->account, &who, &in, &id, why, sizeof why);
	saved(req, e, id, why, NULL);
}

void page_plan_edit(struct http_request *req)
{
	struct plan p;
	if (!load_plan(req, &p))
		return;
	plan_form(req, 200, NULL, &p);
}

void page_plan_update(struct http_request *req)
{
	struct plan p;
	if (!load_plan(req, &p))
		return;
	struct plan_in in;
	read_in(req, &in);
	struct audit_actor who = auth_actor(req);
	char why[PLAN_WHY_CAP];
	enum eb_err e =
		plans_update(req->db, &req->session->account, &who, p.id, &in, why, sizeof why);
	saved(req, e, p.id, why, &p);
}

/* ---- one plan ---------------------------------------------------------- */

static void dl_row(struct buf *b, const char *term, const char *value)
{
	html_raw(b, "<dt>");
	html_text(b, term);
	html_raw(b, "</dt><dd>");
	html_text(b, value && *value ? value : "-");
	html_raw(b, "</dd>");
}

static void progress_section(struct http_request *req, const struct plan *p,
			     const struct plan_progress *pr)
{
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-progress\"><h2 id=\"h-progress\">Progress</h2>");
	html_raw(b, "<p>");
	html_textf(b, "Measured by %s. Aim line: from %.0f%% at the start to %.0f%% at the end.",
		   plans_measure_label(p->measure), p->baseline, p->goal);
	html_raw(b, "</p>");
	if (!pr->npoints) {
		html_raw(b, "<p class=\"muted\">No progress points yet: they appear as the "
			    "students' data arrives.</p>");
	} else {
		double *x = arena_alloc(&req->arena, pr->npoints * sizeof *x);
		double *y = arena_alloc(&req->arena, pr->npoints * sizeof *y);
		bool *below = arena_alloc(&req->arena, pr->npoints * sizeof *below);
		if (x && y && below) {
			for (size_t i = 0; i < pr->npoints; i++) {
				x[i] = (double)(pr->points[i].day - p->start_day);
				y[i] = pr->points[i].value;
				below[i] = y[i] < plans_aim_at(p, pr->points[i].day);
			}
			char s0[11], s1[11];
			plans_day_format(p->start_day, s0);
			plans_day_format(p->end_day, s1);
			struct chart_progress c = {
				.id = "progress",
				.title = "Progress points, the aim line and the trend; the numbers "
					 "are in the table below",
				.start_label = s0,
				.end_label = s1,
				.span = (double)(p->end_day - p->start_day),
				.x = x,
				.y = y,
				.below = below,
				.n = pr->npoints,
				.aim0 = p->baseline,
				.aim1 = p->goal,
				.has_trend = pr->has_trend,
				.trend_a = pr->trend_a,
				.trend_b = pr->trend_b,
			};
			html_raw(b, "<figure>");
			chart_progress_draw(b, &c);
			html_raw(b, "</figure>");
		}
		page_scroll_begin(req, "Progress points");
		html_raw(b, "<table><caption class=\"muted\">Each point: the week's mean of the "
			    "students' measure</caption><thead><tr><th scope=\"col\">Week of"
			    "</th><th scope=\"col\">Progress</th><th scope=\"col\">Aim line</th>"
			    "<th scope=\"col\">Trend</th><th scope=\"col\">Measurements</th>"
			    "</tr></thead><tbody>");
		for (size_t i = 0; i < pr->npoints; i++) {
			const struct plan_point *pt = &pr->points[i];
			html_raw(b, "<tr><td>");
			day_text(b, pt->day);
			html_raw(b, "</td><td>");
			html_textf(b, "%.0f%%", pt->value);
			html_raw(b, "</td><td>");
			html_textf(b, "%.0f%%", plans_aim_at(p, pt->day));
			html_raw(b, "</td><td>");
			if (pr->has_trend)
				html_textf(b, "%.0f%%",
					   pr->trend_a +
						   pr->trend_b * (double)(pt->day - p->start_day));
			else
				html_raw(b, "-");
			html_raw(b, "</td><td>");
			html_int(b, pt->n);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
		if (pr->has_trend) {
			html_raw(b, "<p>");
			html_textf(b,
				   "At this trend the students would be at %.0f%% on the end day "
				   "(goal %.0f%%).",
				   pr->projected_end < 0     ? 0
				   : pr->projected_end > 100 ? 100
							     : pr->projected_end,
				   p->goal);
			html_raw(b, "</p>");
		}
	}
	html_raw(b, "<h3>Time given</h3><p>");
	if (pr->minutes_known)
		html_textf(b,
			   "%.0f of the %.0f planned minutes per student so far (%.0f%%), from "
			   "%s's usage data.",
			   pr->minutes_delivered, pr->minutes_planned,
			   pr->minutes_planned > 0
				   ? 100 * pr->minutes_delivered / pr->minutes_planned
				   : 0,
			   p->tool_name);
	else
		html_text(b, "Not known: a strategy without a tool sends no usage data.");
	html_raw(b, "</p></section>");
}

static void decision_section(struct http_request *req, const struct plan *p,
			     const struct plan_progress *pr)
{
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-decision\" class=\"next\"><h2 "
		    "id=\"h-decision\">What the decision rules say</h2><ul>");
	html_raw(b, "<li>");
	html_text(b, pr->below_aim ? "Below the aim line: the last four points are under it."
		     : pr->npoints < PLAN_RULE_POINTS
			     ? "Fewer than four points: too early to compare with the aim line."
			     : "Not below the aim line.");
	html_raw(b, "</li><li>");
	html_text(b, !pr->minutes_known ? "Minutes: not known from the tools' data."
		     : pr->low_minutes	? "Minutes: under three quarters of the planned time."
					: "Minutes: at least three quarters of the planned time.");
	html_raw(b, "</li></ul><p><strong>Suggested: ");
	html_text(b, plans_decision_label(pr->suggest));
	html_raw(b, ".</strong> ");
	html_text(b, pr->why);
	html_raw(b, "</p>");
	if (!p->active) {
		html_raw(b, "<p>The plan is closed.</p></section>");
		return;
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/plans/");
	html_int(b, p->id);
	html_raw(b, "/checkins\">");
	page_csrf_field(req);
	html_raw(b, "<fieldset class=\"checks\"><legend>Check-in: your decision</legend>");
	for (int d = 0; d < PLAN_DECISION__COUNT; d++) {
		char id[24];
		snprintf(id, sizeof id, "decision-%d", d);
		radio(b, "decision", plans_decision_name((enum plan_decision)d), id,
		      plans_decision_label((enum plan_decision)d), d == (int)pr->suggest);
	}
	html_raw(b, "</fieldset><div><label for=\"note\">Note</label><textarea id=\"note\" "
		    "name=\"note\" rows=\"3\" maxlength=\"2000\"></textarea></div><div><button "
		    "type=\"submit\">Record the check-in</button></div></form></section>");
}

static void checkins_section(struct http_request *req, const struct plan *p)
{
	struct buf *b = &req->out;
	struct plan_checkin *c;
	size_t n = 0;
	if (plans_checkins(req->db, district_of(req), p->id, &req->arena, &c, &n))
		n = 0;
	html_raw(b, "<section aria-labelledby=\"h-checkins\"><h2 id=\"h-checkins\">Check-ins</h2>");
	if (!n)
		html_raw(b, "<p class=\"muted\">None yet.</p>");
	else
		html_raw(b, "<ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li>");
		page_time(req, c[i].at);
		html_raw(b, ", ");
		html_text(b, c[i].actor[0] ? c[i].actor : "someone no longer an account");
		html_raw(b, ": <strong>");
		html_text(b, plans_decision_label(c[i].decision));
		html_raw(b, "</strong>");
		if (c[i].decision != c[i].suggested) {
			html_raw(b, " <span class=\"muted\">(the rules suggested: ");
			html_text(b, plans_decision_label(c[i].suggested));
			html_raw(b, ")</span>");
		}
		if (c[i].note[0]) {
			html_raw(b, "<br>");
			html_text(b, c[i].note);
		}
		html_raw(b, "</li>");
	}
	if (n)
		html_raw(b, "</ul>");
	html_raw(b, "</section>");
}

void page_plan(struct http_request *req)
{
	struct plan p;
	if (!load_plan(req, &p))
		return;
	struct plan_progress pr;
	bool snap = db_begin_read(req->db) == EB_OK;
	enum eb_err e = plans_progress(req->db, district_of(req), &p, today(), &req->arena, &pr);
	if (snap)
		db_rollback(req->db);
	if (e) {
		page_error(req, 503, "Try again",
			   "The plan's progress could not be read just now.");
		return;
	}
	if (!audit_plan_view(req, &p))
		return;
	struct buf *b = &req->out;
	char title[160];
	snprintf(title, sizeof title, "Tier %d plan", p.tier);
	page_begin(req, title);
	html_raw(b, "<p class=\"crumbs\"><a href=\"/plans\">Intervention plans</a></p><p>");
	for (size_t i = 0; i < p.nstudents; i++) {
		if (i)
			html_raw(b, ", ");
		html_raw(b, "<a href=\"/students/");
		html_url(b, p.students[i]);
		html_raw(b, "/learning-plan\">");
		html_text(b, student_name(req, p.students[i]));
		html_raw(b, "</a>");
	}
	html_raw(b, "</p>");
	html_raw(b, "<dl>");
	char v[400], d0[11], d1[11], dn[11];
	dl_row(b, "Status", p.active ? "active" : "closed");
	dl_row(b, "School", school_name(req, p.school));
	v[0] = 0;
	for (size_t i = 0; i < p.nstandards; i++) {
		const struct standard *s = standards_find(p.standards[i]);
		size_t k = strlen(v);
		snprintf(v + k, sizeof v - k, "%s%s%s%s%s", i ? "; " : "", p.standards[i],
			 s && s->cluster_heading ? " (" : "",
			 s && s->cluster_heading ? s->cluster_heading : "",
			 s && s->cluster_heading ? ")" : "");
	}
	dl_row(b, "Focus standards", v);
	dl_row(b, "Intervention", intervention_words(req, p.tool_name, p.strategy));
	dl_row(b, "Owner", p.owner_name[0] ? p.owner_name : "no longer an account");
	snprintf(v, sizeof v, "%d sessions a week, %d minutes each", p.sessions_per_week,
		 p.minutes_per_session);
	dl_row(b, "How much", v);
	plans_day_format(p.start_day, d0);
	plans_day_format(p.end_day, d1);
	plans_day_format(p.next_checkin_day, dn);
	snprintf(v, sizeof v, "%s to %s", d0, d1);
	dl_row(b, "When", v);
	dl_row(b, "Goal", p.goal_text);
	if (p.active) {
		snprintf(v, sizeof v, "%s%s (every %d days)", dn,
			 p.next_checkin_day < today() ? ", overdue" : "", p.checkin_every_days);
		dl_row(b, "Next check-in", v);
	}
	html_raw(b, "</dl><p><a href=\"/plans/");
	html_int(b, p.id);
	html_raw(b, "/edit\">Change the plan</a></p>");
	decision_section(req, &p, &pr);
	progress_section(req, &p, &pr);
	checkins_section(req, &p);
	page_end(req);
}

void page_plan_checkin(struct http_request *req)
{
	struct plan p;
	if (!load_plan(req, &p))
		return;
	struct plan_progress pr;
	enum eb_err e = plans_progress(req->db, district_of(req), &p, today(), &req->arena, &pr);
	char why[PLAN_WHY_CAP] = "";
	struct audit_actor who = auth_actor(req);
	if (!e)
		e = plans_checkin(req->db, district_of(req), &who, p.id, http_form(req, "decision"),
				  http_form(req, "note"), &pr, today(), why, sizeof why);
	if (e == EB_EINVAL || e == EB_ECONFLICT) {
		page_error(req, e == EB_EINVAL ? 400 : 409, "Not saved", why);
		return;
	}
	if (e) {
		page_error(req, 503, "Not saved", "The database is busy; try again.");
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/plans/%lld#h-checkins", (long long)p.id);
	http_redirect(req, loc);
}

/* ---- the teacher's home ------------------------------------------------- */

#define HOME_PLANS_MAX 20

void plans_home_steps(struct home_ctx *h)
{
	struct http_request *req = home_ctx_request(h);
	const struct account *a = &req->session->account;
	struct plan_row *r;
	size_t n = 0;
	int32_t t = today();
	if (plans_of_teacher(req->db, a->district_id, a->id,
			     a->person_sid[0] ? a->person_sid : NULL, HOME_PLANS_MAX, &req->arena,
			     &r, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!sees_students(req, r[i].students, r[i].nstudents))
			continue;
		char href[48], who[200] = "";
		snprintf(href, sizeof href, "/plans/%lld", (long long)r[i].id);
		for (size_t j = 0, k = 0; j < r[i].nstudents && k + 1 < sizeof who; j++) {
			int w = snprintf(who + k, sizeof who - k, "%s%s", j ? "; " : "",
					 r[i].names[j]);
			if (w < 0)
				break;
			k += (size_t)w < sizeof who - k ? (size_t)w : sizeof who - k - 1;
		}
		if (r[i].next_checkin_day <= t) {
			const char *s = arena_printf(
				&req->arena, "Check-in due on the tier %d plan of %s (%s)",
				r[i].tier, who, r[i].next_checkin_day < t ? "overdue" : "today");
			if (s)
				home_add_step(h, href, s);
		}
		struct plan p;
		struct plan_progress pr;
		if (plans_get(req->db, a->district_id, r[i].id, &req->arena, &p) == EB_OK &&
		    plans_progress(req->db, a->district_id, &p, t, &req->arena, &pr) == EB_OK &&
		    pr.below_aim) {
			const char *s = arena_printf(
				&req->arena, "Progress below the aim line: %s (tier %d plan)", who,
				r[i].tier);
			if (s)
				home_add_step(h, href, s);
		}
	}
}
