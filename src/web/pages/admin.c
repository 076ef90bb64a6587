/* District administration: users and roles, family access codes, audit log. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/audit.h"
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

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

/* Roles from the least powerful to the most: a form starts on the first. */
static const enum role role_order[ROLE__COUNT] = {
	ROLE_STUDENT, ROLE_GUARDIAN,  ROLE_VENDOR_CONTACT, ROLE_TECH_CHAMPION, ROLE_TEACHER,
	ROLE_COACH,   ROLE_PRINCIPAL, ROLE_IT_STAFF,	   ROLE_COORDINATOR,   ROLE_DISTRICT_ADMIN,
};

/* The fields of the account forms, for the errors' summary. */
static const struct form_label user_labels[] = {
	{ "login", NULL, "Login" },
	{ "display_name", NULL, "Name" },
	{ "password", NULL, "Password" },
	{ "person", NULL, "This person in the roster" },
	{ "role", NULL, "Role" },
	{ "scope", NULL, "Where" },
	{ "scope_name", NULL, "Student or class" },
};
#define NUSER_LABELS (sizeof user_labels / sizeof user_labels[0])

/* What scope each role takes, in words (account.c's rule). */
static const char *scope_rule(enum role r)
{
	switch (r) {
	case ROLE_STUDENT:
		return "a student role is for the student named below";
	case ROLE_GUARDIAN:
		return "a parent or guardian role is for the child named below";
	case ROLE_PRINCIPAL:
	case ROLE_TECH_CHAMPION:
		return "this role is for one school";
	case ROLE_TEACHER:
		return "a teacher role is for a class, a school or the whole district";
	case ROLE_COACH:
		return "a coach role is for a school or the whole district";
	case ROLE_VENDOR_CONTACT:
		return "a vendor contact role is for their tool or the whole district";
	default:
		return "this role is for the whole district";
	}
}

/* A text input with its label, hint, re-shown value and error. */
static void text_field(struct http_request *req, const struct form_errors *errs, const char *name,
		       const char *label, const char *hint, const char *type, bool required,
		       const char *autocomplete)
{
	struct buf *b = &req->out;
	const char *v = errs && strcmp(type, "password") != 0 ? http_form(req, name) : NULL;
	html_raw(b, "<div><label for=\"");
	html_attr(b, name);
	html_raw(b, "\">");
	html_text(b, label);
	if (hint) {
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, hint);
		html_raw(b, ")</span>");
	}
	html_raw(b, "</label><input id=\"");
	html_attr(b, name);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" type=\"");
	html_attr(b, type);
	html_raw(b, "\" maxlength=\"");
	html_int(b, strcmp(type, "password") == 0 ? PASSWORD_MAX : 127);
	html_raw(b, "\"");
	if (autocomplete) {
		html_raw(b, " autocomplete=\"");
		html_attr(b, autocomplete);
		html_raw(b, "\"");
	}
	if (required)
		html_raw(b, " required");
	form_invalid_attrs(req, errs, name);
	html_raw(b, " value=\"");
	html_attr(b, v ? v : "");
	html_raw(b, "\">");
	form_field_error(req, errs, name);
	html_raw(b, "</div>");
}

/* The role and where it applies: roles least powerful first, then the
 * scope as a school or tool picked by name, a student or class typed by name,
 * or the whole district (last). */
static void role_inputs(struct http_request *req, const struct form_errors *errs)
{
	struct buf *b = &req->out;
	const char *rv = errs ? http_form(req, "role") : NULL;
	const char *sv = errs ? http_form(req, "scope") : NULL;
	html_raw(b, "<div><label for=\"role\">Role</label><select id=\"role\" name=\"role\"");
	form_invalid_attrs(req, errs, "role");
	html_raw(b, ">");
	for (size_t i = 0; i < ROLE__COUNT; i++) {
		enum role r = role_order[i];
		html_raw(b, "<option value=\"");
		html_attr(b, role_name(r));
		html_raw(b, rv && strcmp(rv, role_name(r)) == 0 ? "\" selected>" : "\">");
		html_text(b, role_label(r));
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
	form_field_error(req, errs, "role");
	html_raw(
		b,
		"</div><div><label for=\"scope\">Where</label><select id=\"scope\" name=\"scope\"");
	form_invalid_attrs(req, errs, "scope");
	html_raw(b, ">");
	struct roster_org_row *sch;
	struct tool_row *tl;
	size_t ns = 0, nt = 0;
	if (roster_schools(req->db, district_of(req), &req->arena, &sch, &ns))
		ns = 0;
	if (tools_list(req->db, district_of(req), -1, false, &req->arena, &tl, &nt))
		nt = 0;
	size_t total = 2 + ns + nt + 1;
	for (size_t i = 0; i < total; i++) {
		const char *value, *text;
		if (i == 0) {
			value = "person";
			text = "The student named below (a student, or a parent's child)";
		} else if (i == 1) {
			value = "class";
			text = "The class named below";
		} else if (i < 2 + ns) {
			value = arena_printf(&req->arena, "school:%s", sch[i - 2].sourced_id);
			text = arena_printf(&req->arena, "School: %s", sch[i - 2].name);
		} else if (i < 2 + ns + nt) {
			value = arena_printf(&req->arena, "tool:%lld",
					     (long long)tl[i - 2 - ns].id);
			text = arena_printf(&req->arena, "Tool: %s (for its vendor contact)",
					    tl[i - 2 - ns].name);
		} else {
			value = "district";
			text = "The whole district";
		}
		if (!value || !text)
			continue;
		html_raw(b, "<option value=\"");
		html_attr(b, value);
		html_raw(b, sv && strcmp(sv, value) == 0 ? "\" selected>" : "\">");
		html_text(b, text);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
	form_field_error(req, errs, "scope");
	html_raw(b, "</div>");
	text_field(req, errs, "scope_name", "Student or class",
		   "for those choices: a name like Ana Lee or Lee, Ana, a student number, or a"
		   " class's title or code",
		   "text", false, "off");
}

static void users_page(struct http_request *req, int status, const struct form_errors *errs)
{
	struct account_row *rows;
	size_t n;
	req->status = status;
	page_begin(req, "Users and roles");
	struct buf *b = &req->out;
	if (account_list(req->db, district_of(req), &req->arena, &rows, &n)) {
		page_notice(req, "error", "Could not read the accounts.");
		page_end(req);
		return;
	}
	if (errs)
		html_raw(b,
			 "<p><a href=\"#add\">The new account was not added: see below.</a></p>");
	page_scroll_begin(req, "Accounts");
	html_raw(b, "<table><caption class=\"muted\">");
	html_int(b, (int64_t)n);
	html_raw(b, " accounts</caption><thead><tr><th scope=\"col\">Name</th><th "
		    "scope=\"col\">Login</th>"
		    "<th scope=\"col\">Roles</th><th scope=\"col\">In the roster</th><th "
		    "scope=\"col\">Status</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		char roles[256];
		html_raw(b, "<tr><td><a href=\"/admin/users/");
		html_int(b, rows[i].id);
		html_raw(b, "\">");
		html_text(b, rows[i].display_name);
		html_raw(b, "</a></td><td>");
		html_text(b, rows[i].login);
		html_raw(b, "</td><td>");
		html_text(b, label_roles(rows[i].role_names, roles, sizeof roles));
		html_raw(b, "</td><td>");
		html_text(b, rows[i].person_sid[0] ? "linked" : "not linked");
		html_raw(b, "</td><td>");
		html_text(b, rows[i].disabled ? "disabled" : "active");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div><h2 id=\"add\">Add a user</h2>");
	form_errors_summary(req, errs, user_labels, NUSER_LABELS);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/admin/users\">");
	page_csrf_field(req);
	text_field(req, errs, "login", "Login", NULL, "text", true, "off");
	text_field(req, errs, "display_name", "Name", NULL, "text", true, "off");
	text_field(req, errs, "password", "Password",
		   "at least 8 characters; leave empty for a family who logs in with printed access"
		   " codes",
		   "password", false, "new-password");
	text_field(req, errs, "person", "This person in the roster",
		   "optional: their name, student number, username or email, to link the account to"
		   " the teacher, parent or student they are",
		   "text", false, "off");
	role_inputs(req, errs);
	html_raw(b, "<div><button type=\"submit\">Add user</button></div></form>");
	page_end(req);
}

void page_admin_users(struct http_request *req)
{
	users_page(req, 200, NULL);
}

/* "Lee, Ana (student number 1234, Cedar Ridge Elementary)" for a choice
 * among people of one name. */
static void person_choices(struct http_request *req, const struct roster_person_row *p, size_t n,
			   char *out, size_t cap)
{
	size_t k = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && i < 10 && k + 1 < cap; i++) {
		char org[128] = "";
		const char *first = p[i].org_sourced_ids ? p[i].org_sourced_ids : "";
		size_t fl = strcspn(first, ",");
		snprintf(org, sizeof org, "%.*s", (int)(fl < 127 ? fl : 127), first);
		struct roster_org_row o;
		const char *where = org[0] && roster_org_get(req->db, district_of(req), org,
							     &req->arena, &o) == EB_OK
					    ? o.name
					    : "no school listed";
		int w = snprintf(
			out + k, cap - k, "%s%s, %s (%s%s%s, %s)", i ? "; " : "", p[i].family_name,
			p[i].preferred_first_name ? p[i].preferred_first_name : p[i].given_name,
			p[i].identifier ? "number " : "", p[i].identifier ? p[i].identifier : "",
			p[i].identifier ? "" : (p[i].username ? p[i].username : p[i].sourced_id),
			where);
		if (w < 0)
			break;
		k += (size_t)w < cap - k ? (size_t)w : cap - k - 1;
	}
}

/* The one roster person the text names (role: "student" or NULL for anyone);
 * NULL with an error for field when none or several. */
static const char *find_person(struct http_request *req, struct form_errors *errs,
			       const char *field, const char *text, const char *role)
{
	struct roster_person_row *p;
	size_t n;
	if (roster_find_people(req->db, district_of(req), text, role, &req->arena, &p, &n)) {
		form_error_add(errs, &req->arena, field,
			       "the roster could not be searched; try again");
		return NULL;
	}
	if (n == 1)
		return p[0].sourced_id;
	char why[1200];
	if (!n) {
		snprintf(why, sizeof why,
			 "no %s in the roster is called '%.100s' or has that number,"
			 " username or email",
			 role ? role : "person", text);
	} else {
		char list[1000];
		person_choices(req, p, n, list, sizeof list);
		snprintf(why, sizeof why,
			 "%s people match '%.100s': %s%s. Type the student number,"
			 " username or email of the one you mean",
			 n > 10 ? "More than ten" : "Several", text, list, n > 10 ? "; ..." : "");
	}
	form_error_add(errs, &req->arena, field, why);
	return NULL;
}

/* The role's scope from the form: "scope" (district, school:ID, tool:ID,
 * person or class with the name in scope_name), or the hidden scope_type
 * and scope_id of a role's remove button. False with an error in errs. */
static bool scope_from_form(struct http_request *req, struct form_errors *errs, const char **type,
			    const char **id, bool adding)
{
	const char *scope = http_form(req, "scope"), *name = http_form(req, "scope_name");
	struct arena *ar = &req->arena;
	int64_t d = district_of(req);
	if (!scope) {
		*type = http_form(req, "scope_type");
		*id = http_form(req, "scope_id");
		if (*type && strcmp(*type, "district") == 0)
			*id = arena_printf(ar, "%lld", (long long)d);
		if (!*type || !*id || !**id) {
			form_error_add(errs, ar, "scope", "choose where the role applies");
			return false;
		}
		/* a role being added must name something of this district's roster
		 * (one being removed may name what the roster has dropped since) */
		struct tool t;
		int64_t tid;
		bool ok = !adding || strcmp(*type, "district") == 0 ||
			  (strcmp(*type, "school") == 0 && roster_is_school(req->db, d, *id)) ||
			  (strcmp(*type, "class") == 0 &&
			   roster_class_exists(req->db, d, *id, NULL)) ||
			  (strcmp(*type, "person") == 0 && roster_is_student(req->db, d, *id)) ||
			  (strcmp(*type, "tool") == 0 && !cstr_to_i64(*id, 1, INT64_MAX, &tid) &&
			   !tools_get(req->db, d, tid, &t));
		if (!ok)
			form_error_add(errs, ar, "scope",
				       "that place is not in this district's roster");
		return ok;
	}
	if (strcmp(scope, "district") == 0) {
		*type = "district";
		*id = arena_printf(ar, "%lld", (long long)d);
		return *id != NULL;
	}
	if (strncmp(scope, "school:", 7) == 0) {
		*type = "school";
		*id = scope + 7;
		if (roster_is_school(req->db, d, *id))
			return true;
		form_error_add(errs, ar, "scope", "that school is not in this district's roster");
		return false;
	}
	if (strncmp(scope, "tool:", 5) == 0) {
		struct tool t;
		int64_t tid;
		*type = "tool";
		*id = scope + 5;
		if (!cstr_to_i64(*id, 1, INT64_MAX, &tid) && !tools_get(req->db, d, tid, &t))
			return true;
		form_error_add(errs, ar, "scope", "that tool is not in this district's inventory");
		return false;
	}
	if (strcmp(scope, "person") == 0 || strcmp(scope, "class") == 0) {
		bool person = scope[0] == 'p';
		*type = person ? "person" : "class";
		if (!name || !str_trim(str_from(name)).n) {
			form_error_add(errs, ar, "scope_name",
				       person ? "type the student's name or number"
					      : "type the class's title or code");
			return false;
		}
		if (person) {
			*id = find_person(req, errs, "scope_name", name, "student");
			return *id != NULL;
		}
		struct roster_class_row *c;
		size_t n;
		if (roster_find_classes(req->db, d, name, ar, &c, &n) || n != 1) {
			form_error_add(
				errs, ar, "scope_name",
				n > 1 ? "several classes have that title: type the class code"
				      : "no class of the roster has that title or code");
			return false;
		}
		*id = c[0].sourced_id;
		return true;
	}
	form_error_add(errs, ar, "scope", "choose one of the listed places");
	return false;
}

/* "Teacher at Cedar Ridge Elementary" for the audit log and notices. */
static const char *role_in_words(struct http_request *req, enum role r, const char *type,
				 const char *id)
{
	const char *where = label_scope(req->db, district_of(req), type, id, &req->arena);
	const char *s = arena_printf(&req->arena, "%s (%s)", role_label(r), where ? where : "");
	return s ? s : role_label(r);
}

void page_admin_user_create(struct http_request *req)
{
	const char *login = http_form(req, "login"), *name = http_form(req, "display_name");
	const char *password = http_form(req, "password"), *person = http_form(req, "person");
	const char *role_s = http_form(req, "role");
	const char *stype = NULL, *sid = NULL, *person_sid = NULL;
	struct form_errors errs = { .n = 0 };
	struct arena *ar = &req->arena;
	enum role r = ROLE_STUDENT;
	int64_t d = district_of(req), id;
	if (password && !*password)
		password = NULL;
	if (!login || !str_trim(str_from(login)).n)
		form_error_add(&errs, ar, "login", "required");
	if (!name || !str_trim(str_from(name)).n)
		form_error_add(&errs, ar, "display_name", "required");
	if (!role_s || !role_parse(role_s, &r))
		form_error_add(&errs, ar, "role", "choose one of the listed roles");
	else
		scope_from_form(req, &errs, &stype, &sid, true);
	if (person && str_trim(str_from(person)).n)
		person_sid = find_person(req, &errs, "person", person, NULL);
	const char *pw_why = password && login ? account_password_problem(password, login, name)
					       : NULL;
	if (pw_why)
		form_error_add(&errs, ar, "password", pw_why);
	if (errs.n) {
		users_page(req, 400, &errs);
		return;
	}
	if (db_begin(req->db)) {
		form_error_add(&errs, ar, NULL, "The database is busy; try again.");
		users_page(req, 503, &errs);
		return;
	}
	enum eb_err rc = account_create(req->db, d, login, name, password, person_sid, &id);
	if (rc == EB_EEXIST)
		form_error_add(&errs, ar, "login", "that login is already taken in this district");
	else if (rc == EB_EINVAL)
		form_error_add(&errs, ar, "login",
			       "a login is 3 to 127 letters, digits or . _ @ -");
	else if (rc)
		form_error_add(&errs, ar, NULL, "Could not create the account; try again.");
	if (!rc && (rc = account_add_role(req->db, d, id, r, stype, sid)))
		form_error_add(&errs, ar, "scope",
			       rc == EB_EINVAL ? scope_rule(r)
					       : "could not add the role; try again");
	if (rc) {
		db_rollback(req->db);
		users_page(req, rc == EB_EEXIST ? 409 : 400, &errs);
		return;
	}
	struct audit_actor who = auth_actor(req);
	char detail[400];
	snprintf(detail, sizeof detail, "created as %s", role_in_words(req, r, stype, sid));
	audit_record(req->db, d, &who, "create", "account", login, detail);
	if (db_commit(req->db)) {
		form_error_add(&errs, ar, NULL, "The database is busy; try again.");
		users_page(req, 503, &errs);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/admin/users/%lld", (long long)id);
	http_redirect(req, loc);
}

static bool load_target(struct http_request *req, struct account *a)
{
	int64_t id;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    account_get(req->db, district_of(req), id, a)) {
		page_error(req, 404, "Not found", "There is no such user in this district.");
		return false;
	}
	return true;
}

/* The account's remembered devices (a family staying signed in on its own
 * phone) and the button that forgets them all. */
static void devices_section(struct http_request *req, const struct account *a, const char *action)
{
	struct buf *b = &req->out;
	struct device_row *d = NULL;
	size_t n = 0;
	if (account_device_list(req->db, a->district_id, a->id, &req->arena, &d, &n))
		n = 0;
	html_raw(b, "<h2>Remembered devices</h2><p>");
	if (!n) {
		html_raw(b, "None: this account stays signed in on no device.</p>");
		return;
	}
	html_int(b, (int64_t)n);
	html_raw(b, n == 1 ? " device stays" : " devices stay");
	html_raw(b, " signed in (\"Keep me signed in\" at sign-in): ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			html_raw(b, ", ");
		html_text(b, d[i].label);
	}
	html_raw(
		b,
		". Forget them when a phone is lost or shared.</p><form method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "/devices\">");
	page_csrf_field(req);
	html_raw(b, "<button type=\"submit\">Sign out every remembered device</button></form>");
}

/* errs: the add-a-role form's errors, re-shown at its fields. */
static void user_page_errs(struct http_request *req, const struct account *a, int status,
			   const char *kind, const char *msg, const struct form_errors *errs)
{
	struct buf *b = &req->out;
	req->status = status;
	page_begin(req, a->display_name);
	if (msg)
		page_notice(req, kind, msg);
	if (errs)
		html_raw(b, "<p><a href=\"#add-role\">The role was not added: see below.</a></p>");
	html_raw(
		b,
		"<p class=\"crumbs\"><a href=\"/admin/users\">Users</a></p><dl><dt>Login</dt><dd>");
	html_text(b, a->login);
	html_raw(b, "</dd><dt>In the roster</dt><dd>");
	struct roster_person_row p;
	if (!a->person_sid[0]) {
		html_raw(b, "not linked to a roster person");
	} else if (roster_person_get(req->db, a->district_id, a->person_sid, &req->arena, &p) ==
		   EB_OK) {
		html_text(b, p.preferred_first_name ? p.preferred_first_name : p.given_name);
		html_raw(b, " ");
		html_text(b, p.family_name);
	} else {
		html_raw(b, "a person no longer in the roster");
	}
	html_raw(b, "</dd><dt>Password</dt><dd>");
	html_text(b, a->has_password ? "set" : "none (access codes only)");
	html_raw(b, "</dd><dt>Status</dt><dd>");
	html_text(b, a->disabled ? "disabled" : "active");
	html_raw(b, "</dd><dt>Sign-in</dt><dd>");
	if (a->locked) {
		html_raw(b, "locked after too many failed password checks");
	} else if (a->failed_logins) {
		html_int(b, a->failed_logins);
		html_raw(b, " failed password checks since the last login");
	} else {
		html_raw(b, "no failed password checks since the last login");
	}
	html_raw(b, "</dd></dl><h2>Roles</h2><table><thead><tr><th scope=\"col\">Role</th>"
		    "<th scope=\"col\">Where</th><th scope=\"col\"><span "
		    "class=\"muted\">Remove</span></th></tr></thead><tbody>");
	char action[64];
	snprintf(action, sizeof action, "/admin/users/%lld", (long long)a->id);
	for (int i = 0; i < a->nroles; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, role_label(a->roles[i].role));
		html_raw(b, "</td><td>");
		html_text(b, label_scope(req->db, a->district_id, a->roles[i].scope_type,
					 a->roles[i].scope_id, &req->arena));
		html_raw(b, "</td><td><form method=\"post\" action=\"");
		html_attr(b, action);
		html_raw(b, "/roles\">");
		page_csrf_field(req);
		html_raw(b, "<input type=\"hidden\" name=\"op\" value=\"remove\"><input "
			    "type=\"hidden\" name=\"role\" value=\"");
		html_attr(b, role_name(a->roles[i].role));
		html_raw(b, "\"><input type=\"hidden\" name=\"scope_type\" value=\"");
		html_attr(b, a->roles[i].scope_type);
		html_raw(b, "\"><input type=\"hidden\" name=\"scope_id\" value=\"");
		html_attr(b, a->roles[i].scope_id);
		html_raw(b, "\"><button type=\"submit\">Remove</button></form></td></tr>");
	}
	html_raw(b, "</tbody></table><h2 id=\"add-role\">Add a role</h2>");
	form_errors_summary(req, errs, user_labels, NUSER_LABELS);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "/roles\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"op\" value=\"add\">");
	role_inputs(req, errs);
	html_raw(
		b,
		"<div><button type=\"submit\">Add role</button></div></form>"
		"<h2>Family access code</h2><p>A one-time code a school prints in a letter; it logs"
		" this account in once and is valid for 30 days.</p><form method=\"post\" "
		"action=\"");
	html_attr(b, action);
	html_raw(b, "/code\">");
	page_csrf_field(req);
	html_raw(b, "<button type=\"submit\">Print a new access code</button></form>");
	devices_section(req, a, action);
	html_raw(b, "<h2>Password</h2><form class=\"stack\" method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "/password\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"password\">New password <span class=\"muted\">(at least 8"
		    " characters, not a common password; tell the person in person, never by email;"
		    " ends the account's sessions)</span></label>"
		    "<input id=\"password\" name=\"password\" type=\"password\" "
		    "autocomplete=\"new-password\""
		    " required maxlength=\"256\"></div><div><button type=\"submit\">Set the "
		    "password</button>"
		    "</div></form><h2>Unlock code</h2><p>After ");
	html_int(b, ACCOUNT_LOCK_FAILURES);
	html_raw(b,
		 " failed password checks in a row an account locks itself. Its owner then logs in"
		 " with the password and a one-time unlock code that you give them in person or by"
		 " phone (valid ");
	html_int(b, ACCOUNT_UNLOCK_DAYS);
	html_raw(b, " days).</p><form method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "/unlock\">");
	page_csrf_field(req);
	html_raw(b, "<button type=\"submit\">Issue an unlock code</button></form>"
		    "<h2>Status</h2><form method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "/status\">");
	page_csrf_field(req);
	html_raw(b, a->disabled ? "<input type=\"hidden\" name=\"disabled\" value=\"0\">"
				  "<button type=\"submit\">Enable this account</button>"
				: "<input type=\"hidden\" name=\"disabled\" value=\"1\">"
				  "<button type=\"submit\">Disable this account (ends its "
				  "sessions)</button>");
	html_raw(b, "</form>");
	page_end(req);
}

static void user_page(struct http_request *req, const struct account *a, int status,
		      const char *kind, const char *msg)
{
	user_page_errs(req, a, status, kind, msg, NULL);
}

void page_admin_user_password(struct http_request *req)
{
	struct account a;
	if (!load_target(req, &a))
		return;
	const char *pw = http_form(req, "password");
	int64_t d = district_of(req);
	const char *why = account_password_problem(pw, a.login, a.display_name);
	if (why) {
		user_page(req, &a, 400, "error", arena_printf(&req->arena, "Password: %s", why));
		return;
	}
	/* also ends the account's sessions: whoever held one needs the new password */
	enum eb_err rc = account_set_password(req->db, d, a.id, pw);
	if (rc) {
		user_page(req, &a, rc == EB_EINVAL ? 400 : 500, "error",
			  "Could not set the password.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, d, &who, "update", "account", a.login,
		     "password set by an administrator (sessions ended)");
	if (a.id == req->session->account.id) {
		/* one's own sessions ended too, this one included */
		http_redirect(req, "/login");
		return;
	}
	if (account_get(req->db, d, a.id, &a) == EB_OK)
		user_page(req, &a, 200, "ok",
			  "The password was set and the account's sessions were ended.");
}

void page_admin_user_unlock(struct http_request *req)
{
	struct account a;
	char code[32];
	if (!load_target(req, &a))
		return;
	int64_t d = district_of(req);
	if (account_issue_unlock(req->db, d, a.id, code)) {
		user_page(req, &a, 500, "error", "Could not issue an unlock code.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, d, &who, "unlock_code_issued", "account", a.login,
		     a.locked ? "account locked" : "account not locked");
	struct buf *b = &req->out;
	page_begin(req, "Unlock code");
	html_raw(b, "<p>Give this code to ");
	html_text(b, a.display_name);
	html_raw(b, " in person or by phone, never by email. With it and their password they log in"
		    " once and the lock is lifted. It is valid for ");
	html_int(b, ACCOUNT_UNLOCK_DAYS);
	html_raw(b, " days and replaces any earlier unlock code.</p><p class=\"accesscode\">");
	html_text(b, code);
	html_raw(b, "</p><p>");
	html_text(b,
		  a.locked ? "The account is locked now."
			   : "The account is not locked now; the code is needed only if it locks.");
	html_raw(b, "</p><p class=\"noprint\">This code is shown only now.</p>");
	page_end(req);
}

void page_admin_user_status(struct http_request *req)
{
	struct account a;
	if (!load_target(req, &a))
		return;
	const char *v = http_form(req, "disabled");
	if (!v || (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)) {
		user_page(req, &a, 400, "error", "disabled: must be 0 or 1.");
		return;
	}
	bool disable = v[0] == '1';
	if (disable && a.id == req->session->account.id) {
		user_page(req, &a, 409, "error", "You cannot disable your own account.");
		return;
	}
	int64_t d = district_of(req);
	if (account_set_disabled(req->db, d, a.id, disable)) {
		user_page(req, &a, 500, "error", "Could not change the account.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, d, &who, "update", "account", a.login,
		     disable ? "disabled" : "enabled");
	char loc[64];
	snprintf(loc, sizeof loc, "/admin/users/%lld", (long long)a.id);
	http_redirect(req, loc);
}

void page_admin_user(struct http_request *req)
{
	struct account a;
	if (load_target(req, &a))
		user_page(req, &a, 200, NULL, NULL);
}

void page_admin_user_role(struct http_request *req)
{
	struct account a;
	if (!load_target(req, &a))
		return;
	const char *op = http_form(req, "op"), *role_s = http_form(req, "role");
	const char *stype = NULL, *sid = NULL;
	struct form_errors errs = { .n = 0 };
	enum role r = ROLE_STUDENT;
	int64_t d = district_of(req);
	bool add = op && strcmp(op, "add") == 0;
	if (!op || (!add && strcmp(op, "remove") != 0)) {
		user_page(req, &a, 400, "error", "Choose to add or to remove a role.");
		return;
	}
	if (!role_s || !role_parse(role_s, &r))
		form_error_add(&errs, &req->arena, "role", "choose one of the listed roles");
	else
		scope_from_form(req, &errs, &stype, &sid, add);
	if (errs.n) {
		user_page_errs(req, &a, 400, NULL, NULL, &errs);
		return;
	}
	if (a.id == req->session->account.id && !add && r == ROLE_DISTRICT_ADMIN) {
		user_page(req, &a, 409, "error",
			  "You cannot remove your own administrator role; ask another "
			  "administrator.");
		return;
	}
	enum eb_err rc = add ? account_add_role(req->db, d, a.id, r, stype, sid)
			     : account_remove_role(req->db, d, a.id, r, stype, sid);
	if (rc && add) {
		form_error_add(&errs, &req->arena, "scope", scope_rule(r));
		user_page_errs(req, &a, 400, NULL, NULL, &errs);
		return;
	}
	if (rc) {
		user_page(req, &a, 400, "error", "The account does not hold that role there.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	char detail[400];
	snprintf(detail, sizeof detail, "%s the role %s", add ? "added" : "removed",
		 role_in_words(req, r, stype, sid));
	audit_record(req->db, d, &who, "update", "account", a.login, detail);
	char loc[64];
	snprintf(loc, sizeof loc, "/admin/users/%lld", (long long)a.id);
	http_redirect(req, loc);
}

void page_admin_user_devices(struct http_request *req)
{
	struct account a;
	if (!load_target(req, &a))
		return;
	int64_t n = 0;
	if (account_device_forget(req->db, district_of(req), a.id, 0, &n)) {
		user_page(req, &a, 503, "error", "The database is busy; try again.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	char detail[64];
	snprintf(detail, sizeof detail, "every device (%lld), by an administrator", (long long)n);
	audit_record(req->db, district_of(req), &who, "device_forgotten", "account", a.login,
		     detail);
	char loc[64];
	snprintf(loc, sizeof loc, "/admin/users/%lld", (long long)a.id);
	http_redirect(req, loc);
}

void page_admin_user_code(struct http_request *req)
{
	struct account a;
	char code[32];
	if (!load_target(req, &a))
		return;
	int64_t d = district_of(req);
	if (account_issue_code(req->db, d, a.id, 30, code)) {
		user_page(req, &a, 500, "error", "Could not issue a code.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, d, &who, "code_issued", "account", a.login, "30 days");
	struct buf *b = &req->out;
	page_begin(req, "Access code letter");
	const char *url = page_public_url();
	if (!url)
		page_notice(req, "error",
			    "This letter cannot say where edbridge is: start the server"
			    " with --public-url and the address families use (for example"
			    " serve --public-url https://edbridge.example.org).");
	page_family_code_letter(req, &a, code, url);
	html_raw(b, "<p class=\"noprint\">This code is shown only now. Print this page (the"
		    " navigation is left off the paper).</p>");
	page_end(req);
}

void page_admin_audit(struct http_request *req)
{
	struct audit_filter f = { 0 };
	f.subject_type = http_query(req, "subject_type");
	f.subject_id = http_query(req, "subject_id");
	f.action = http_query(req, "action");
	if (f.subject_type && !*f.subject_type)
		f.subject_type = NULL;
	if (f.subject_id && !*f.subject_id)
		f.subject_id = NULL;
	if (f.action && !*f.action)
		f.action = NULL;
	const char *before = http_query(req, "before");
	int64_t bid = 0;
	if (before && cstr_to_i64(before, 1, INT64_MAX, &bid)) {
		page_error(req, 400, "Bad request", "before: must be a positive whole number.");
		return;
	}
	f.before_id = bid;
	f.limit = 100;
	struct audit_entry *e;
	size_t n;
	if (audit_list(req->db, district_of(req), &f, &req->arena, &e, &n)) {
		page_error(req, 500, "Error", "Could not read the audit log.");
		return;
	}
	struct buf *b = &req->out;
	page_begin(req, "Audit log");
	html_raw(b, "<form method=\"get\" action=\"/admin/audit\" class=\"picker noprint\">"
		    "<div><label for=\"subject_type\">What</label><select id=\"subject_type\""
		    " name=\"subject_type\"><option value=\"\">Everything</option>");
	const char *v, *w;
	for (size_t i = 0; (v = label_subject_type(i, &w)); i++) {
		html_raw(b, "<option value=\"");
		html_attr(b, v);
		html_raw(b,
			 f.subject_type && strcmp(f.subject_type, v) == 0 ? "\" selected>" : "\">");
		html_text(b, w);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div><div><label for=\"action\">Action</label><select id=\"action\""
		    " name=\"action\"><option value=\"\">Any</option>");
	for (size_t i = 0; (v = label_audit_action_at(i, &w)); i++) {
		html_raw(b, "<option value=\"");
		html_attr(b, v);
		html_raw(b, f.action && strcmp(f.action, v) == 0 ? "\" selected>" : "\">");
		html_text(b, w);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div><div><label for=\"subject_id\">Record <span class=\"muted\">(a"
		    " login, or a student's roster id)</span></label><input id=\"subject_id\""
		    " name=\"subject_id\" value=\"");
	html_attr(b, f.subject_id ? f.subject_id : "");
	html_raw(b, "\"></div><button type=\"submit\">Show</button></form>");
	page_scroll_begin(req, "Audit log");
	html_raw(b, "<table>"
		    "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th><th "
		    "scope=\"col\">Action</th>"
		    "<th scope=\"col\">What</th><th scope=\"col\">Students</th><th "
		    "scope=\"col\">Detail</th>"
		    "<th scope=\"col\">From</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const char *act = label_audit_action(e[i].action);
		html_raw(b, "<tr><td>");
		page_time(req, e[i].at);
		html_raw(b, "</td><td>");
		html_text(b, label_actor(e[i].actor));
		html_raw(b, "</td><td>");
		html_text(b, act ? act : e[i].action);
		html_raw(b, "</td><td>");
		html_text(b, label_subject(req->db, district_of(req), e[i].subject_type,
					   e[i].subject_id, &req->arena));
		html_raw(b, "</td><td>");
		if (e[i].students >= 0)
			html_int(b, e[i].students);
		html_raw(b, "</td><td>");
		html_text(b, e[i].detail);
		html_raw(b, "</td><td>");
		html_text(b, e[i].address);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (n == 100) {
		html_raw(b, "<p><a href=\"/admin/audit?before=");
		html_int(b, e[n - 1].id);
		if (f.subject_type) {
			html_raw(b, "&amp;subject_type=");
			html_url(b, f.subject_type);
		}
		if (f.subject_id) {
			html_raw(b, "&amp;subject_id=");
			html_url(b, f.subject_id);
		}
		if (f.action) {
			html_raw(b, "&amp;action=");
			html_url(b, f.action);
		}
		html_raw(b, "\">Older entries</a></p>");
	}
	page_end(req);
}

/* ---- district settings ---------------------------------------------------- */

/* The zones offered (the United States' and its territories'); a zone set
 * otherwise (`edbridge init --time-zone`) is offered too. */
static const char *const zones[] = {
	"America/New_York", "America/Detroit",	   "America/Indiana/Indianapolis",
	"America/Chicago",  "America/Denver",	   "America/Boise",
	"America/Phoenix",  "America/Los_Angeles", "America/Anchorage",
	"Pacific/Honolulu", "America/Puerto_Rico", "America/St_Thomas",
	"Pacific/Guam",	    "Pacific/Pago_Pago",   "UTC",
};

static const struct form_label district_labels[] = {
	{ "time_zone", NULL, "Time zone" },
};

static void district_page(struct http_request *req, int status, const struct form_errors *errs,
			  const char *notice)
{
	struct buf *b = &req->out;
	char cur[DISTRICT_TIME_ZONE_MAX] = DISTRICT_TIME_ZONE_DEFAULT;
	district_time_zone(req->db, district_of(req), cur, sizeof cur);
	const char *want = errs ? http_form(req, "time_zone") : NULL;
	req->status = status;
	page_begin(req, "District settings");
	if (notice)
		page_notice(req, "ok", notice);
	form_errors_summary(req, errs, district_labels, 1);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/admin/district\">");
	page_csrf_field(req);
	html_raw(b,
		 "<div><label for=\"time_zone\">Time zone</label><p class=\"muted\" id=\"tz-hint\">"
		 "Every page shows times in it. Now: ");
	page_time(req, time_now());
	html_raw(b, "</p><select id=\"time_zone\" name=\"time_zone\" aria-describedby=\"tz-hint");
	if (form_error_of(errs, "time_zone"))
		html_raw(b, " err-time_zone\" aria-invalid=\"true");
	html_raw(b, "\">");
	bool listed = false;
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++)
		listed = listed || strcmp(zones[i], cur) == 0;
	for (size_t i = 0; i <= sizeof zones / sizeof zones[0]; i++) {
		const char *z = i < sizeof zones / sizeof zones[0] ? zones[i] : listed ? NULL : cur;
		if (!z)
			continue;
		html_raw(b, "<option value=\"");
		html_attr(b, z);
		html_raw(b, strcmp(z, want ? want : cur) == 0 ? "\" selected>" : "\">");
		/* "America/Los_Angeles" -> "America/Los Angeles" */
		char words[DISTRICT_TIME_ZONE_MAX];
		str_copy(words, sizeof words, z);
		for (char *p = words; *p; p++)
			if (*p == '_')
				*p = ' ';
		html_text(b, words);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
	form_field_error(req, errs, "time_zone");
	html_raw(b, "</div><div><button type=\"submit\">Save</button></div></form>");
	html_raw(b, "<h2>Family messages</h2><p>The weekly update's mail server, text messages,"
		    " quiet hours and send time: <a href=\"/admin/delivery\">Family message"
		    " settings</a>.</p>");
	html_raw(
		b,
		"<h2>Single sign-on</h2><p>Sign-in with the district's Google, Microsoft,"
		" Clever or ClassLink accounts: <a href=\"/admin/sso\">Sign-in providers</a>.</p>");
	html_raw(b, "<h2>Roster sync</h2><p>The roster from the student information system's"
		    " OneRoster service, each night and on demand: <a href=\"/admin/roster-sync\">"
		    "Roster sync</a>.</p>");
	page_end(req);
}

void page_admin_district(struct http_request *req)
{
	district_page(req, 200, NULL, NULL);
}

void page_admin_district_save(struct http_request *req)
{
	const char *z = http_form(req, "time_zone");
	struct form_errors errs = { .n = 0 };
	enum eb_err rc = z ? district_set_time_zone(req->db, district_of(req), z) : EB_EINVAL;
	if (rc) {
		form_error_add(&errs, &req->arena, "time_zone",
			       rc == EB_EINVAL ? "choose one of the listed time zones"
					       : "could not be saved; try again");
		district_page(req, rc == EB_EINVAL ? 400 : 503, &errs, NULL);
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, district_of(req), &who, "update", "district", "time_zone", z);
	req->zone = NULL; /* the new one, on this page already */
	district_page(req, 200, NULL, "Saved: times are now shown in this time zone.");
}
