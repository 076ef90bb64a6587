/* Initiatives: the list, the plan form, one initiative (plan, people,
 * timeline, status decisions, printable evaluation) and status changes.
 * The district's "What's working" page is in whats_working.c, its CSV and
 * Excel exports in whats_working_export.c. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/evaluation.h"
#include "domain/initiative_cost.h"
#include "domain/initiatives.h"
#include "domain/labels.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/initiatives.h"
#include "web/pages/pages.h"

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

static bool can_edit(struct http_request *req)
{
	const struct account *a = &req->session->account;
	return access_has(a, ROLE_DISTRICT_ADMIN) || access_has(a, ROLE_COORDINATOR);
}

/* ---- evaluation on the fly ------------------------------------------- */

static void evaluate(struct http_request *req, const struct initiative *in, struct evaluated *ev,
		     const char *school, bool headline)
{
	memset(ev, 0, sizeof *ev);
	enum eval_design d = in->random_unit ? EVAL_RANDOMIZED : EVAL_MATCHED;
	ev->r = arena_zalloc(&req->arena, sizeof *ev->r);
	if (!ev->r) {
		str_copy(ev->why, sizeof ev->why, "out of memory");
		ev->transient = true;
		return;
	}
	enum eb_err rc = headline
				 ? eval_load_headline(req->db, district_of(req), in, d, &req->arena,
						      &ev->data, ev->why, sizeof ev->why)
				 : eval_load(req->db, district_of(req), in, d, &req->arena,
					     &ev->data, ev->why, sizeof ev->why);
	if (rc) {
		/* EB_EINVAL says what the data lacks; anything else passes */
		if (rc != EB_EINVAL) {
			ev->transient = true;
			snprintf(ev->why, sizeof ev->why,
				 "the data could not be read just now (%s)", eb_strerror(rc));
		}
		return;
	}
	ev->data.no_subgroups = headline;
	if (school) {
		size_t kept = 0;
		for (size_t i = 0; i < ev->data.n; i++) {
			struct eval_row *w = &ev->data.rows[i];
			int64_t s = w->school;
			bool here = s >= 0 && (size_t)s < ev->data.nschools &&
				    strcmp(ev->data.school_names[s], school) == 0;
			if (!here)
				w->treated = -1;
			kept += here;
		}
		if (kept == 0) {
			str_copy(ev->why, sizeof ev->why,
				 "the initiative targets no students at this school");
			return;
		}
	}
	ev->data.has_pass = in->has_pass;
	ev->data.pass_score = in->pass_score;
	rc = eval_run(&ev->data, ev->r, ev->why, sizeof ev->why);
	if (rc) {
		ev->transient = rc != EB_EINVAL;
		return;
	}
	/* the privacy rule, for the page and both exports */
	ev->hidden = eval_suppress_small(ev->r, ev->why, sizeof ev->why) != EB_OK;
	if (ev->hidden)
		ev->why[0] = 'N'; /* "Not shown: ..." stands as a sentence */
	ev->ok = !ev->hidden;
}

void initiatives_evaluate(struct http_request *req, const struct initiative *in,
			  struct evaluated *ev, const char *school)
{
	evaluate(req, in, ev, school, false);
}

void initiatives_evaluate_headline(struct http_request *req, const struct initiative *in,
				   struct evaluated *ev, const char *school)
{
	evaluate(req, in, ev, school, true);
}

static void fmt(char *out, size_t cap, const char *f, double v)
{
	snprintf(out, cap, f, v);
}

/* ---- list ------------------------------------------------------------- */

void page_initiatives(struct http_request *req)
{
	struct initiative_row *rows;
	size_t n;
	page_begin(req, "Initiatives");
	struct buf *b = &req->out;
	if (initiative_list(req->db, district_of(req), &req->arena, &rows, &n)) {
		page_notice(req, "error", "Could not read the initiatives.");
		page_end(req);
		return;
	}
	html_raw(b, "<p><a href=\"/whats-working\">What's working</a>");
	if (can_edit(req))
		html_raw(b, " · <a href=\"/initiatives/new\">Plan a new initiative</a>");
	html_raw(b, "</p>");
	if (n == 0) {
		html_raw(b, "<p class=\"muted\">No initiatives yet.</p>");
		page_end(req);
		return;
	}
	page_scroll_begin(req, "Initiatives");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Initiative</th>"
		    "<th scope=\"col\">Tool</th><th scope=\"col\">Status</th><th "
		    "scope=\"col\">Start</th>"
		    "<th scope=\"col\">Review</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td><a href=\"/initiatives/");
		html_int(b, rows[i].id);
		html_raw(b, "\">");
		html_text(b, rows[i].title);
		html_raw(b, "</a></td><td>");
		html_text(b, rows[i].tool_name);
		html_raw(b, "</td><td>");
		html_text(b, initiative_status_label(rows[i].status));
		html_raw(b, "</td><td>");
		html_text(b, rows[i].start_date);
		html_raw(b, "</td><td>");
		html_text(b, rows[i].review_date);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

/* ---- the plan form ---------------------------------------------------- */

enum ftype { F_TEXT, F_AREA, F_DATE, F_NUMBER };

/* The form's text fields, in order (the targets and the people have their
 * own pickers). name is the form's field and the domain's key alike. */
static const struct {
	const char *name, *label, *hint;
	enum ftype type;
} text_fields[] = {
	{ "title", "Title", "", F_TEXT },
	{ "need", "The classroom need, in plain words", "", F_AREA },
	{ "standards", "Standards", "CCSS-M codes like 3.NF.A.1, separated by commas; optional",
	  F_TEXT },
	{ "start_date", "Start date", "", F_DATE },
	{ "review_date", "Review date", "when the decision is due", F_DATE },
	{ "outcome_assessment", "Outcome assessment", "the assessment's name as imported", F_TEXT },
	{ "pretest_assessment", "Pretest assessment",
	  "optional; default: the outcome before the start", F_TEXT },
	{ "success_measure", "What change counts as success", "", F_AREA },
	{ "dosage_minutes", "Intended use, minutes per week", "", F_NUMBER },
	{ "pass_score", "Passing score on the outcome",
	  "optional; a cut score: adds the pass rates and the Cox index", F_TEXT },
	{ "monitor_every_days", "Progress checked every (days)", "", F_NUMBER },
};

static const struct {
	const char *name, *label;
} people_fields[] = {
	{ "quiz_builder", "Who builds the quiz" },
	{ "monitor", "Who monitors progress" },
	{ "evaluator", "Who evaluates" },
	{ "teacher_support", "Who supports teachers" },
	{ "family_contact", "Who talks with families" },
};

/* Every field the domain may name in an error, with its label and the id
 * the summary links to. */
static const struct form_label plan_labels[] = {
	{ "title", NULL, "Title" },
	{ "need", NULL, "The classroom need" },
	{ "tool", "tool_id", "Tool" },
	{ "tool_id", NULL, "Tool" },
	{ "schools", "targets", "Target schools" },
	{ "grades", "targets", "Target grades" },
	{ "classes", NULL, "Target classes" },
	{ "target", "targets", "Targets" },
	{ "standards", NULL, "Standards" },
	{ "start_date", NULL, "Start date" },
	{ "review_date", NULL, "Review date" },
	{ "outcome_assessment", NULL, "Outcome assessment" },
	{ "pretest_assessment", NULL, "Pretest assessment" },
	{ "success_measure", NULL, "What change counts as success" },
	{ "dosage_minutes", NULL, "Intended use" },
	{ "pass_score", NULL, "Passing score" },
	{ "monitor_every_days", NULL, "Progress checked every" },
	{ "quiz_builder", NULL, "Who builds the quiz" },
	{ "monitor", NULL, "Who monitors progress" },
	{ "evaluator", NULL, "Who evaluates" },
	{ "teacher_support", NULL, "Who supports teachers" },
	{ "family_contact", NULL, "Who talks with families" },
};
#define NPLAN_LABELS (sizeof plan_labels / sizeof plan_labels[0])

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

/* true when the re-shown form had value v checked in the repeated field name */
static bool was_checked(struct http_request *req, const char *name, const char *v)
{
	const char *vals[256];
	int n = http_form_all(req, name, vals, 256);
	for (int i = 0; i < n; i++)
		if (vals[i] && strcmp(vals[i], v) == 0)
			return true;
	return false;
}

static void checkbox(struct buf *b, const char *name, const char *value, const char *id,
		     const char *label, bool on)
{
	html_raw(b, "<label for=\"");
	html_attr(b, id);
	html_raw(b, "\"><input type=\"checkbox\" id=\"");
	html_attr(b, id);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" value=\"");
	html_attr(b, value);
	html_raw(b, on ? "\" checked> " : "\"> ");
	html_text(b, label);
	html_raw(b, "</label>");
}

/* The targets: schools and grades as check boxes, classes by title or code. */
static void targets_fieldset(struct http_request *req, const struct form_errors *errs, bool reshow)
{
	struct buf *b = &req->out;
	bool bad = form_error_of(errs, "target") || form_error_of(errs, "schools") ||
		   form_error_of(errs, "grades");
	html_raw(b, "<fieldset id=\"targets\" class=\"checks\"");
	if (bad) {
		html_raw(b, " aria-describedby=\"");
		html_raw(b, form_error_of(errs, "target") ? "err-target " : "");
		html_raw(b, form_error_of(errs, "schools") ? "err-schools " : "");
		html_raw(b, form_error_of(errs, "grades") ? "err-grades" : "");
		html_raw(b, "\"");
	}
	html_raw(b, "><legend>Who it is for <span class=\"muted\">(check at least one school or"
		    " grade, or name classes)</span></legend>");
	form_field_error(req, errs, "target");
	struct roster_org_row *sch;
	size_t ns = 0;
	if (roster_schools(req->db, district_of(req), &req->arena, &sch, &ns))
		ns = 0;
	html_raw(b, "<p class=\"group\">Schools <span class=\"muted\">(none checked: every"
		    " school)</span></p>");
	for (size_t i = 0; i < ns; i++) {
		char id[32];
		snprintf(id, sizeof id, "school-%zu", i);
		checkbox(b, "schools", sch[i].sourced_id, id, sch[i].name,
			 reshow && was_checked(req, "schools", sch[i].sourced_id));
	}
	form_field_error(req, errs, "schools");
	html_raw(b, "<p class=\"group\">Grades</p>");
	for (int g = 0; g <= 12; g++) {
		char id[24], v[16];
		snprintf(id, sizeof id, "grade-%d", g);
		snprintf(v, sizeof v, g ? "%d" : "K", g);
		checkbox(b, "grades", v, id, label_grade_number(g),
			 reshow && was_checked(req, "grades", v));
	}
	form_field_error(req, errs, "grades");
	html_raw(b, "</fieldset>");
	const char *cv = reshow ? http_form(req, "classes") : NULL;
	label_open(b, "classes", "Target classes",
		   "optional: their titles or class codes, separated"
		   " by commas");
	html_raw(b, "<input id=\"classes\" name=\"classes\" maxlength=\"2000\"");
	form_invalid_attrs(req, errs, "classes");
	html_raw(b, " value=\"");
	html_attr(b, cv ? cv : "");
	html_raw(b, "\">");
	form_field_error(req, errs, "classes");
	html_raw(b, "</div>");
}

/* The tool: picked from the inventory, or named when it is not in it. */
static void tool_inputs(struct http_request *req, const struct form_errors *errs, bool reshow)
{
	struct buf *b = &req->out;
	struct tool_row *t;
	size_t nt = 0;
	if (tools_list(req->db, district_of(req), -1, false, &req->arena, &t, &nt))
		nt = 0;
	const char *sel = reshow ? http_form(req, "tool_id") : NULL;
	label_open(b, "tool_id", "Tool", "from the technology inventory");
	html_raw(b, "<select id=\"tool_id\" name=\"tool_id\"");
	form_invalid_attrs(req, errs, form_error_of(errs, "tool_id") ? "tool_id" : "tool");
	html_raw(b, "><option value=\"\">Not in the inventory (name it below)</option>");
	for (size_t i = 0; i < nt; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)t[i].id);
		html_raw(b, "<option value=\"");
		html_attr(b, id);
		html_raw(b, sel && strcmp(sel, id) == 0 ? "\" selected>" : "\">");
		html_text(b, t[i].name);
		html_raw(b, " (");
		html_text(b, tool_status_label(t[i].status));
		html_raw(b, ")</option>");
	}
	html_raw(b, "</select>");
	form_field_error(req, errs, "tool_id");
	form_field_error(req, errs, "tool");
	html_raw(b, "</div>");
	const char *tv = reshow ? http_form(req, "tool") : NULL;
	label_open(b, "tool", "Tool's name, when it is not in the inventory", "");
	html_raw(b, "<input id=\"tool\" name=\"tool\" maxlength=\"200\" value=\"");
	html_attr(b, tv ? tv : "");
	html_raw(b, "\"></div>");
}

/* true when the stored role names ("teacher,guardian") hold a staff role */
static bool has_staff_role(const char *names)
{
	for (const char *p = names; *p;) {
		size_t n = strcspn(p, ",");
		if (!(n == 8 && strncmp(p, "guardian", 8) == 0) &&
		    !(n == 7 && strncmp(p, "student", 7) == 0))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

static void form_page(struct http_request *req, int status, const struct form_errors *errs)
{
	req->status = status;
	page_begin(req, "Plan a new initiative");
	struct buf *b = &req->out;
	bool reshow = errs != NULL;
	html_raw(b, "<p class=\"crumbs\"><a href=\"/initiatives\">Initiatives</a></p>");
	form_errors_summary(req, errs, plan_labels, NPLAN_LABELS);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/initiatives/new\">");
	page_csrf_field(req);
	for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
		const char *name = text_fields[i].name;
		const char *v = reshow ? http_form(req, name) : NULL;
		if (i == 2) {
			/* the tool and the targets come after the need */
			tool_inputs(req, errs, reshow);
			targets_fieldset(req, errs, reshow);
		}
		label_open(b, name, text_fields[i].label, text_fields[i].hint);
		if (text_fields[i].type == F_AREA)
			html_raw(b, "<textarea rows=\"3\" maxlength=\"4000\" id=\"");
		else
			html_raw(b, "<input id=\"");
		html_attr(b, name);
		html_raw(b, "\" name=\"");
		html_attr(b, name);
		html_raw(b, "\"");
		form_invalid_attrs(req, errs, name);
		if (text_fields[i].type == F_AREA) {
			html_raw(b, ">");
			html_text(b, v ? v : "");
			html_raw(b, "</textarea>");
		} else {
			html_raw(b, text_fields[i].type == F_DATE     ? " type=\"date\""
				    : text_fields[i].type == F_NUMBER ? " type=\"number\" min=\"1\""
								      : " maxlength=\"2000\"");
			html_raw(b, " value=\"");
			html_attr(b, v ? v : "");
			html_raw(b, "\">");
		}
		form_field_error(req, errs, name);
		html_raw(b, "</div>");
	}
	struct account_row *acc;
	size_t nacc = 0;
	if (account_list(req->db, district_of(req), &req->arena, &acc, &nacc))
		nacc = 0;
	html_raw(b, "<fieldset><legend>People</legend>");
	for (size_t i = 0; i < sizeof people_fields / sizeof people_fields[0]; i++) {
		const char *name = people_fields[i].name;
		const char *v = reshow ? http_form(req, name) : NULL;
		label_open(b, name, people_fields[i].label, "");
		html_raw(b, "<select id=\"");
		html_attr(b, name);
		html_raw(b, "\" name=\"");
		html_attr(b, name);
		html_raw(b, "\"");
		form_invalid_attrs(req, errs, name);
		html_raw(b, "><option value=\"\">choose a person</option>");
		for (size_t k = 0; k < nacc; k++) {
			/* staff only: families and students have no part in a plan */
			if (acc[k].disabled || !has_staff_role(acc[k].role_names))
				continue;
			char id[24], roles[200];
			snprintf(id, sizeof id, "%lld", (long long)acc[k].id);
			html_raw(b, "<option value=\"");
			html_attr(b, id);
			html_raw(b, v && strcmp(v, id) == 0 ? "\" selected>" : "\">");
			html_text(b, acc[k].display_name);
			html_raw(b, " (");
			html_text(b, label_roles(acc[k].role_names, roles, sizeof roles));
			html_raw(b, ")</option>");
		}
		html_raw(b, "</select>");
		form_field_error(req, errs, name);
		html_raw(b, "</div>");
	}
	html_raw(b, "</fieldset><button type=\"submit\">Save the plan</button></form>");
	page_end(req);
}

void page_initiative_new(struct http_request *req)
{
	form_page(req, 200, NULL);
}

/* A whole number from a form field: 0 when blank, -1 when not a number. */
static int64_t form_int(struct http_request *req, const char *name)
{
	const char *v = http_form(req, name);
	if (!v || str_trim(str_from(v)).n == 0)
		return 0;
	int64_t x;
	return str_to_i64(str_trim(str_from(v)), 0, 1000000000, &x) ? -1 : x;
}

/* The values of a repeated field (check boxes) joined by commas; NULL for none. */
static const char *form_joined(struct http_request *req, const char *name)
{
	const char *vals[256];
	int n = http_form_all(req, name, vals, 256);
	struct buf j = BUF_INIT;
	buf_init(&j, 64 * 1024);
	for (int i = 0; i < n; i++)
		if (vals[i] && *vals[i])
			buf_printf(&j, "%s%s", j.len ? "," : "", vals[i]);
	const char *out = j.len && !buf_failed(&j) ? arena_strdup(&req->arena, buf_cstr(&j)) : NULL;
	buf_free(&j);
	return out;
}

/* The classes typed by title or code, as roster ids (comma-separated); an
 * error for each that names no class or several. */
static const char *classes_from_form(struct http_request *req, struct form_errors *errs)
{
	const char *in = http_form(req, "classes");
	if (!in)
		return NULL;
	struct buf j = BUF_INIT;
	buf_init(&j, 64 * 1024);
	const char *p = in;
	while (*p) {
		size_t n = strcspn(p, ",");
		char one[256];
		snprintf(one, sizeof one, "%.*s", (int)(n < 255 ? n : 255), p);
		struct str t = str_trim(str_from(one));
		if (t.n) {
			char item[256];
			snprintf(item, sizeof item, "%.*s", (int)t.n, t.p);
			struct roster_class_row *c;
			size_t nc = 0;
			if (roster_find_classes(req->db, district_of(req), item, &req->arena, &c,
						&nc) ||
			    nc != 1) {
				char why[400];
				snprintf(why, sizeof why,
					 nc > 1 ? "several classes are called '%s': type its"
						  " class code instead"
						: "no class of the roster has the title or"
						  " code '%s'",
					 item);
				form_error_add(errs, &req->arena, "classes", why);
			} else {
				buf_printf(&j, "%s%s", j.len ? "," : "", c[0].sourced_id);
			}
		}
		p += n + (p[n] == ',');
	}
	const char *out = j.len && !buf_failed(&j) ? arena_strdup(&req->arena, buf_cstr(&j)) : NULL;
	buf_free(&j);
	return out;
}

void page_initiative_create(struct http_request *req)
{
	struct initiative_in in = { 0 };
	struct form_errors errs = { .n = 0 };
	in.title = http_form(req, "title");
	in.need = http_form(req, "need");
	in.tool_name = http_form(req, "tool");
	in.tool_id = form_int(req, "tool_id");
	if (in.tool_id > 0 && (!in.tool_name || !str_trim(str_from(in.tool_name)).n)) {
		struct tool *t = arena_alloc(&req->arena, sizeof *t);
		if (t && tools_get(req->db, district_of(req), in.tool_id, t) == EB_OK)
			in.tool_name = t->name;
	}
	in.schools = form_joined(req, "schools");
	in.grades = form_joined(req, "grades");
	in.classes = classes_from_form(req, &errs);
	in.standards = http_form(req, "standards");
	in.start_date = http_form(req, "start_date");
	in.review_date = http_form(req, "review_date");
	in.outcome_assessment = http_form(req, "outcome_assessment");
	in.pretest_assessment = http_form(req, "pretest_assessment");
	in.success_measure = http_form(req, "success_measure");
	in.pass_score = http_form(req, "pass_score");
	in.dosage_minutes = form_int(req, "dosage_minutes");
	in.monitor_every_days = form_int(req, "monitor_every_days");
	in.quiz_builder = form_int(req, "quiz_builder");
	in.monitor = form_int(req, "monitor");
	in.evaluator = form_int(req, "evaluator");
	in.teacher_support = form_int(req, "teacher_support");
	in.family_contact = form_int(req, "family_contact");
	struct audit_actor who = auth_actor(req);
	char why[INIT_WHY_CAP];
	int64_t id;
	enum eb_err e = errs.n ? EB_EINVAL
			       : initiative_create(req->db, district_of(req), &who, &in, &id, why,
						   sizeof why);
	if (e == EB_EINVAL) {
		if (!errs.n)
			form_errors_parse(&errs, &req->arena, why);
		form_page(req, 400, &errs);
		return;
	}
	if (e) {
		page_error(req, 503, "Not saved", "The database is busy; try again.");
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/initiatives/%lld", (long long)id);
	http_redirect(req, loc);
}

/* ---- one initiative --------------------------------------------------- */

static bool load(struct http_request *req, struct initiative *in)
{
	int64_t id;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    initiative_get(req->db, district_of(req), id, &req->arena, in)) {
		page_error(req, 404, "Not found", "There is no such initiative in this district.");
		return false;
	}
	return true;
}

static void dl_row(struct buf *b, const char *term, const char *value)
{
	html_raw(b, "<dt>");
	html_text(b, term);
	html_raw(b, "</dt><dd>");
	html_text(b, value && *value ? value : "-");
	html_raw(b, "</dd>");
}

/* The targeted schools (or classes) by name, comma-separated. */
static void target_names(struct http_request *req, const struct initiative *in, char *out,
			 size_t cap, bool schools)
{
	size_t k = 0, n = schools ? in->nschools : in->nclasses;
	out[0] = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++) {
		const char *sid = schools ? in->schools[i] : in->classes[i];
		const char *name = label_scope(req->db, district_of(req),
					       schools ? "school" : "class", sid, &req->arena);
		int w = snprintf(out + k, cap - k, "%s%s", i ? ", " : "", name ? name : "");
		if (w < 0)
			break;
		k += (size_t)w < cap - k ? (size_t)w : cap - k - 1;
	}
}

static void join(char *out, size_t cap, const char *const *v, size_t n)
{
	out[0] = 0;
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++)
		k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? ", " : "", v[i]);
}

/* The result first, in plain words, with its few figures (the page leads
 * with it). */
static void result_section(struct http_request *req, const struct initiative *in,
			   const struct evaluated *ev)
{
	struct buf *b = &req->out;
	html_raw(b, "<section class=\"result\"><h2>Result</h2>");
	if (!ev->ok) {
		html_raw(b, ev->hidden ? "<p>" : "<p>Not evaluated yet: ");
		html_text(b, ev->why);
		html_raw(b, "</p></section>");
		return;
	}
	const struct eval_result *r = ev->r;
	struct buf plain = BUF_INIT;
	buf_init(&plain, 4096);
	eval_write_plain(r, in->tool_name, &plain);
	html_raw(b, "<p class=\"lead\">");
	html_text(b, buf_cstr(&plain));
	html_raw(b, "</p>");
	buf_free(&plain);
	char v[160];
	html_raw(b, "<dl>");
	snprintf(v, sizeof v, "%.2f (95%% interval %.2f to %.2f)", r->est.g, r->est.ci_lo,
		 r->est.ci_hi);
	dl_row(b, r->design == EVAL_DOSE ? "Standardised slope" : "Effect (Hedges' g)", v);
	snprintf(v, sizeof v, "Tier %d (%s)", r->tier.tier, r->tier.name);
	dl_row(b, "ESSA evidence tier", v);
	snprintf(v, sizeof v, "%.0f using %s, %.0f compared", r->est.n_t, in->tool_name,
		 r->est.n_c);
	dl_row(b, "Students", v);
	html_raw(b, "</dl><p class=\"muted\">How it was evaluated and every figure are at the end"
		    " of the page.</p></section>");
}

/* Every figure of the evaluation and the method, folded away: the
 * method in plain words, and as a statistician would write it. */
static void evaluation_section(struct http_request *req, const struct initiative *in,
			       const struct evaluated *evp)
{
	struct buf *b = &req->out;
	struct evaluated ev = *evp;
	if (!ev.ok)
		return;
	const struct eval_result *r = ev.r;
	const struct ev_estimate *e = &r->est;
	html_raw(b, "<section class=\"evaluation\"><h2>Evaluation</h2>"
		    "<details><summary>How it was evaluated</summary><p class=\"method\">");
	struct buf m = BUF_INIT;
	buf_init(&m, 8192);
	eval_write_method_plain(r, in->tool_name, in->outcome_assessment, &m);
	html_text(b, buf_cstr(&m));
	buf_reset(&m);
	html_raw(b, "</p><details><summary>The method, for statisticians</summary>"
		    "<p class=\"method\">");
	eval_write_method(r, &m);
	html_text(b, buf_cstr(&m));
	buf_free(&m);
	html_raw(b, "</p></details></details><details><summary>Every figure</summary>");
	char v[64];
	html_raw(b, "<h3>Results</h3><dl>");
	dl_row(b, "Design", eval_design_name(r->design));
	fmt(v, sizeof v, "%.0f", e->n_t);
	dl_row(b, "Students in the intervention group", v);
	fmt(v, sizeof v, "%.0f", e->n_c);
	dl_row(b, "Students in the comparison group", v);
	if (r->design == EVAL_DOSE) {
		fmt(v, sizeof v, "%.3f (associational)", e->g);
		dl_row(b, "Standardised slope", v);
	} else {
		fmt(v, sizeof v, "%.3f", e->g);
		dl_row(b, "Effect size (Hedges' g)", v);
	}
	snprintf(v, sizeof v, "%.3f to %.3f", e->ci_lo, e->ci_hi);
	dl_row(b, "95% interval", v);
	fmt(v, sizeof v, "%.4f", e->p);
	dl_row(b, "p-value (corrected for clustering)", v);
	fmt(v, sizeof v, "%+.1f percentile points", e->improvement);
	dl_row(b, "Improvement index", v);
	fmt(v, sizeof v, "%.3f", e->mdes);
	dl_row(b, "Smallest detectable effect", v);
	if (in->has_pass) {
		char pv[256];
		snprintf(pv, sizeof pv,
			 "%.1f%% of the intervention group, %.1f%% of the comparison group"
			 " (score %g or more)",
			 100 * r->pass_t, 100 * r->pass_c, in->pass_score);
		dl_row(b, "Passing", pv);
		if (r->has_cox) {
			snprintf(pv, sizeof pv, "%.3f (95%% interval %.3f to %.3f, p %.4f)",
				 r->cox.cox, r->cox_ci_lo, r->cox_ci_hi, r->cox_p);
			dl_row(b, "Cox index (pass/fail)", pv);
		} else {
			dl_row(b, "Cox index (pass/fail)",
			       r->cox_why[0] ? r->cox_why
					     : "only the matched and randomized designs report it");
		}
	}
	if (r->has_attrition) {
		snprintf(v, sizeof v, "%.1f%% overall, %.1f points differential (%s)",
			 r->attrition.overall_pct, r->attrition.differential_pp,
			 r->attrition.low_cautious ? "low" : "high");
		dl_row(b, "Attrition", v);
	}
	snprintf(v, sizeof v, "Tier %d (%s)", r->tier.tier, r->tier.name);
	dl_row(b, "ESSA evidence tier", v);
	dl_row(b, "Why this tier", r->tier.reason);
	html_raw(b, "</dl>");
	if (r->ncov) {
		html_raw(b, "<h3>Baseline equivalence</h3>");
		page_scroll_begin(req, "Baseline equivalence");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Characteristic</th>"
			    "<th scope=\"col\">g before</th><th scope=\"col\">g after</th><th "
			    "scope=\"col\">WWC band</th>"
			    "</tr></thead><tbody>");
		for (size_t j = 0; j < r->ncov; j++) {
			html_raw(b, "<tr><td>");
			html_text(b, r->cov_name[j]);
			html_raw(b, "</td><td>");
			html_textf(b, "%.3f", r->balance[j].g_before);
			html_raw(b, "</td><td>");
			html_textf(b, "%.3f", r->balance[j].g_after);
			html_raw(b, "</td><td>");
			html_text(b, ev_band_name(r->balance[j].band_after));
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	html_raw(b, "<h3>For whom</h3>");
	page_scroll_begin(req, "For whom");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Group</th><th scope=\"col\">g</th>"
		    "<th scope=\"col\">95% interval</th><th scope=\"col\">p "
		    "(BH-adjusted)</th></tr></thead><tbody>");
	for (size_t i = 0; i < r->nsub; i++) {
		const struct eval_subgroup *s = &r->sub[i];
		html_raw(b, "<tr><td>");
		html_text(b, s->label);
		if (!s->ok) {
			html_raw(b, "</td><td colspan=\"3\" class=\"muted\">");
			html_text(b, s->why);
			html_raw(b, "</td></tr>");
			continue;
		}
		html_raw(b, "</td><td>");
		html_textf(b, "%.3f", s->g);
		html_raw(b, "</td><td>");
		html_textf(b, "%.3f to %.3f", s->ci_lo, s->ci_hi);
		html_raw(b, "</td><td>");
		html_textf(b, "%.4f", s->p_bh);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (r->nstd) {
		html_raw(
			b,
			"<h3>By standard</h3><p class=\"muted\">On the mastery model's estimates of"
			" P(mastered) now, not on a test score: ");
		html_text(b, ev.data.std_targeted ? "the initiative's targeted standards"
						  : "the standards the tool's evidence covers");
		html_raw(b, "; students with a measured estimate, adjusted for the pretest and the"
			    " estimate before the start; p adjusted (Benjamini-Hochberg) across the"
			    " standards.</p>");
		page_scroll_begin(req, "By standard");
		html_raw(b, "<table class=\"by-standard\"><thead><tr>"
			    "<th scope=\"col\">Standard</th><th scope=\"col\">Students</th>"
			    "<th scope=\"col\">g</th><th scope=\"col\">95% interval</th>"
			    "<th scope=\"col\">p (BH-adjusted)</th></tr></thead><tbody>");
		for (size_t i = 0; i < r->nstd; i++) {
			const struct eval_subgroup *s = &r->std[i];
			html_raw(b, "<tr><td>");
			html_text(b, s->label);
			if (!s->ok) {
				html_raw(b, "</td><td colspan=\"4\" class=\"muted\">");
				html_text(b, s->why);
				html_raw(b, "</td></tr>");
				continue;
			}
			html_raw(b, "</td><td>");
			html_textf(b, "%.0f / %.0f", s->n_t, s->n_c);
			html_raw(b, "</td><td>");
			html_textf(b, "%.3f", s->g);
			html_raw(b, "</td><td>");
			html_textf(b, "%.3f to %.3f", s->ci_lo, s->ci_hi);
			html_raw(b, "</td><td>");
			html_textf(b, "%.4f", s->p_bh);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	html_raw(b, "</details></section>");
}

static void use_table(struct http_request *req, const struct initiative *in, const char *school,
		      enum initiative_use_by by, double weeks)
{
	struct buf *b = &req->out;
	struct initiative_use_row *u;
	size_t nu;
	if (initiative_use_summary(req->db, district_of(req), in, school, by, &req->arena, &u, &nu))
		return;
	page_scroll_begin(req, by == INIT_USE_BY_SCHOOL ? "Use by school" : "Use by teacher");
	html_raw(b, "<table><thead><tr><th scope=\"col\">");
	html_text(b, by == INIT_USE_BY_SCHOOL ? "School" : "Teacher");
	html_raw(b, "</th><th scope=\"col\">Targeted</th>"
		    "<th scope=\"col\">Active</th><th scope=\"col\">Minutes per active student</th>"
		    "<th scope=\"col\">Per week</th></tr></thead><tbody>");
	for (size_t i = 0; i < nu; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, u[i].name);
		html_raw(b, "</td><td>");
		html_int(b, u[i].targeted);
		html_raw(b, "</td><td>");
		html_int(b, u[i].active);
		html_raw(b, "</td><td>");
		double per = u[i].active ? u[i].minutes / (double)u[i].active : 0;
		html_textf(b, "%.0f", per);
		html_raw(b, "</td><td>");
		if (weeks >= 1)
			html_textf(b, "%.0f of %lld", per / weeks, (long long)in->dosage_minutes);
		else
			html_raw(b, "-");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void use_section(struct http_request *req, const struct initiative *in, const char *school)
{
	struct buf *b = &req->out;
	struct initiative_use_row *u;
	size_t nu;
	html_raw(b, "<h2>Use</h2>");
	if (initiative_use_summary(req->db, district_of(req), in, school, INIT_USE_BY_SCHOOL,
				   &req->arena, &u, &nu) ||
	    u[0].targeted == 0) {
		html_raw(b, "<p class=\"muted\">No targeted students are enrolled yet.</p>");
		return;
	}
	int32_t s, r, today = (int32_t)(time_now() / 86400);
	double weeks = 0;
	if (!date_parse_ymd(str_from(in->start_date), &s) &&
	    !date_parse_ymd(str_from(in->review_date), &r))
		weeks = ((today < r ? today : r) - s) / 7.0;
	html_raw(b, "<p>Intended: ");
	html_int(b, in->dosage_minutes);
	html_raw(b, " minutes per week per student.");
	if (weeks < 1)
		html_raw(b, " The initiative has not run for a week yet.");
	html_raw(b,
		 "</p><details><summary>Use by school and by teacher</summary><h3>By school</h3>");
	use_table(req, in, school, INIT_USE_BY_SCHOOL, weeks);
	html_raw(b, "<h3>By teacher</h3>");
	use_table(req, in, school, INIT_USE_BY_TEACHER, weeks);
	html_raw(b, "</details>");
}

void initiatives_money(char *out, size_t cap, double dollars)
{
	if (dollars < 0)
		str_copy(out, cap, "-");
	else
		snprintf(out, cap, "$%.2f", dollars);
}

static void cost_section(struct http_request *req, const struct initiative *in,
			 const struct ev_estimate *est)
{
	struct buf *b = &req->out;
	struct init_cost c;
	html_raw(b, "<h2>Licence and cost</h2>");
	if (init_cost_get(req->db, district_of(req), in, est, &c) || !c.has_tool) {
		html_raw(b,
			 "<p class=\"muted\">The initiative names no tool of the inventory, so its"
			 " licence and cost are not known here.</p>");
		return;
	}
	char v[200];
	html_raw(b, "<dl>");
	dl_row(b, "Tool (inventory)", c.tool_name);
	if (c.seats > 0)
		snprintf(v, sizeof v, "%lld", (long long)c.seats);
	else
		str_copy(v, sizeof v, "not recorded");
	dl_row(b, "Licensed seats", v);
	snprintf(v, sizeof v, "%lld", (long long)c.active);
	dl_row(b, "Active students (any recorded use)", v);
	if (c.utilization_pct >= 0)
		snprintf(v, sizeof v, "%.1f%%", c.utilization_pct);
	else
		str_copy(v, sizeof v, "- (no seats recorded)");
	dl_row(b, "Licence utilization", v);
	if (c.annual_cost_cents > 0)
		initiatives_money(v, sizeof v, (double)c.annual_cost_cents / 100.0);
	else
		str_copy(v, sizeof v, "not recorded");
	dl_row(b, "Annual cost", v);
	initiatives_money(v, sizeof v, c.cost_per_active);
	dl_row(b, "Cost per active student", v);
	if (c.cost_per_01sd >= 0)
		initiatives_money(v, sizeof v, c.cost_per_01sd);
	else
		snprintf(v, sizeof v, "- (%s)", c.why_no_effect_cost);
	dl_row(b, "Cost per student per 0.1 SD of effect", v);
	html_raw(b,
		 "</dl><p class=\"muted\">The licence covers the whole district; other initiatives"
		 " of the same tool share it.</p>");
}

const char *initiatives_report_school(struct http_request *req, bool *ok)
{
	const char *sid = NULL;
	enum eb_err e = access_report_school(req->db, &req->session->account,
					     http_query(req, "school"), &sid);
	*ok = e == EB_OK;
	if (e == EB_ENOTFOUND)
		page_error(req, 404, "Not found", "No such school, or not one you can see.");
	else if (e)
		page_error(req, 403, "Forbidden", "This report is shown for your own school.");
	return sid;
}

static void detail_page(struct http_request *req, const struct initiative *in, int status,
			const char *error)
{
	struct buf *b = &req->out;
	bool ok;
	const char *school = initiatives_report_school(req, &ok);
	if (!ok)
		return;
	req->status = status;
	page_begin(req, in->title);
	html_raw(b, "<p class=\"crumbs\"><a href=\"/initiatives\">Initiatives</a></p>");
	if (school) {
		html_raw(b, "<p class=\"scope\">Use and evaluation of the targeted students of ");
		html_text(b, label_scope(req->db, district_of(req), "school", school, &req->arena));
		html_raw(b, " only.</p>");
	}
	if (error)
		page_notice(req, "error", error);
	struct evaluated ev;
	initiatives_evaluate(req, in, &ev, school);
	result_section(req, in, &ev);
	char v[2048];
	html_raw(b, "<h2>Plan</h2><dl>");
	dl_row(b, "Status", initiative_status_label(in->status));
	dl_row(b, "Classroom need", in->need);
	dl_row(b, "Tool", in->tool_name);
	target_names(req, in, v, sizeof v, true);
	dl_row(b, "Schools", in->nschools ? v : "all schools");
	v[0] = 0;
	for (size_t i = 0, k = 0; i < in->ngrades && k + 8 < sizeof v; i++)
		k += (size_t)snprintf(v + k, sizeof v - k, "%s%d", i ? "," : "", in->grades[i]);
	char gw[300];
	dl_row(b, "Grades", in->ngrades ? label_grades(v, gw, sizeof gw) : "all grades");
	target_names(req, in, v, sizeof v, false);
	dl_row(b, "Classes", v);
	join(v, sizeof v, in->standards, in->nstandards);
	dl_row(b, "Standards", v);
	dl_row(b, "Outcome assessment", in->outcome_assessment);
	dl_row(b, "Pretest", in->pretest_assessment);
	dl_row(b, "Success means", in->success_measure);
	snprintf(v, sizeof v, "%lld minutes per week", (long long)in->dosage_minutes);
	dl_row(b, "Intended use", v);
	if (in->random_unit) {
		snprintf(v, sizeof v, "by %s, seed %lld", in->random_unit,
			 (long long)in->random_seed);
		dl_row(b, "Random assignment", v);
	}
	html_raw(b, "</dl><h2>People</h2><dl>");
	dl_row(b, "Builds the quiz", in->quiz_builder.display_name);
	snprintf(v, sizeof v, "%s, every %lld days", in->monitor.display_name,
		 (long long)in->monitor_every_days);
	dl_row(b, "Monitors progress", v);
	dl_row(b, "Evaluates", in->evaluator.display_name);
	dl_row(b, "Supports teachers", in->teacher_support.display_name);
	dl_row(b, "Talks with families", in->family_contact.display_name);
	html_raw(b, "</dl><h2>Timeline</h2><dl>");
	dl_row(b, "Start", in->start_date);
	dl_row(b, "Review", in->review_date);
	html_raw(b, "</dl><h2>Decisions</h2>");
	struct initiative_decision *h;
	size_t nh = 0;
	if (initiative_history(req->db, district_of(req), in->id, &req->arena, &h, &nh) ||
	    nh == 0) {
		html_raw(b, "<p class=\"muted\">No status changes yet.</p>");
	} else {
		html_raw(b, "<details><summary>");
		html_int(b, (int64_t)nh);
		html_raw(b, nh == 1 ? " decision" : " decisions");
		html_raw(b, " so far</summary>");
		page_scroll_begin(req, "Decisions");
		html_raw(
			b,
			"<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Change</th>"
			"<th scope=\"col\">By</th><th scope=\"col\">Reason</th><th "
			"scope=\"col\">Evidence</th>"
			"</tr></thead><tbody>");
		for (size_t i = 0; i < nh; i++) {
			html_raw(b, "<tr><td>");
			page_time(req, h[i].at);
			html_raw(b, "</td><td>");
			enum initiative_status fs, ts;
			html_text(b, initiative_status_parse(h[i].from, &fs) == EB_OK
					     ? initiative_status_label(fs)
					     : "");
			html_raw(b, " → ");
			html_text(b, initiative_status_parse(h[i].to, &ts) == EB_OK
					     ? initiative_status_label(ts)
					     : h[i].to);
			html_raw(b, "</td><td>");
			html_text(b, label_actor(h[i].actor));
			html_raw(b, "</td><td>");
			html_text(b, h[i].reason);
			if (h[i].meeting_id) { /* decided at a team meeting (domain/teams) */
				html_raw(b, " <a href=\"/meetings/");
				html_int(b, h[i].meeting_id);
				html_raw(b, "\">(the team's meeting)</a>");
			}
			html_raw(b, "</td><td>");
			html_text(b, h[i].evidence);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div></details>");
	}
	if (can_edit(req)) {
		html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/initiatives/");
		html_int(b, in->id);
		html_raw(b, "/status\">");
		page_csrf_field(req);
		html_raw(b,
			 "<div><label for=\"to\">New status</label><select id=\"to\" name=\"to\">");
		for (int s = 0; s < INIT__COUNT; s++) {
			if (!initiative_transition_ok(in->status, (enum initiative_status)s))
				continue;
			html_raw(b, "<option value=\"");
			html_attr(b, initiative_status_name((enum initiative_status)s));
			html_raw(b, "\">");
			html_text(b, initiative_status_label((enum initiative_status)s));
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></div><div><label for=\"reason\">Reason</label><textarea "
			    "id=\"reason\""
			    " name=\"reason\" rows=\"2\" maxlength=\"2000\"></textarea></div>"
			    "<div><label for=\"evidence\">Evidence <span class=\"muted\">(required "
			    "to continue,"
			    " change or stop)</span></label><textarea id=\"evidence\" "
			    "name=\"evidence\" rows=\"2\""
			    " maxlength=\"4000\"></textarea></div><button type=\"submit\">Record "
			    "the decision</button></form>");
	}
	use_section(req, in, school);
	cost_section(req, in, ev.ok ? &ev.r->est : NULL);
	evaluation_section(req, in, &ev);
	page_end(req);
}

void page_initiative(struct http_request *req)
{
	struct initiative in;
	if (load(req, &in))
		detail_page(req, &in, 200, NULL);
}

void page_initiative_status(struct http_request *req)
{
	struct initiative in;
	if (!load(req, &in))
		return;
	struct audit_actor who = auth_actor(req);
	char why[INIT_WHY_CAP];
	enum eb_err e = initiative_set_status(req->db, district_of(req), &who, in.id,
					      http_form(req, "to"), http_form(req, "reason"),
					      http_form(req, "evidence"), why, sizeof why);
	if (e) {
		for (char *p = why; *p; p++)
			if (*p == '\n')
				*p = ' ';
		detail_page(req, &in, e == EB_EINVAL ? 400 : e == EB_ECONFLICT ? 409 : 503, why);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/initiatives/%lld", (long long)in.id);
	http_redirect(req, loc);
}
