/* District administration: users and roles, family access codes, audit log. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/roster.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

static int64_t district_of(struct http_request *req)
{
	return req->session->account.district_id;
}

static void role_options(struct buf *b)
{
	for (int r = 0; r < ROLE__COUNT; r++) {
		html_raw(b, "<option value=\"");
		html_attr(b, role_name((enum role)r));
		html_raw(b, "\">");
		html_text(b, role_label((enum role)r));
		html_raw(b, "</option>");
	}
}

static void scope_inputs(struct buf *b)
{
	html_raw(b, "<div><label for=\"scope_type\">Scope</label><select id=\"scope_type\" name=\"scope_type\">"
		    "<option value=\"district\">The whole district</option>"
		    "<option value=\"school\">One school (enter its sourcedId)</option>"
		    "<option value=\"class\">One class (enter its sourcedId)</option>"
		    "<option value=\"person\">One student (enter the student's sourcedId)</option>"
		    "</select></div><div><label for=\"scope_id\">School, class or student sourcedId"
		    " <span class=\"muted\">(leave empty for the district)</span></label>"
		    "<input id=\"scope_id\" name=\"scope_id\" maxlength=\"127\"></div>");
}

static void users_page(struct http_request *req, int status, const char *error)
{
	struct account_row *rows;
	size_t n;
	req->status = status;
	page_begin(req, "Users and roles");
	struct buf *b = &req->out;
	if (error)
		page_notice(req, "error", error);
	if (account_list(req->db, district_of(req), &req->arena, &rows, &n)) {
		page_notice(req, "error", "Could not read the accounts.");
		page_end(req);
		return;
	}
	page_scroll_begin(req, "Accounts");
	html_raw(b, "<table><caption class=\"muted\">");
	html_int(b, (int64_t)n);
	html_raw(b, " accounts</caption><thead><tr><th scope=\"col\">Login</th><th scope=\"col\">Name</th>"
		    "<th scope=\"col\">Roster person</th><th scope=\"col\">Roles</th><th scope=\"col\">Status</th>"
		    "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td><a href=\"/admin/users/");
		html_int(b, rows[i].id);
		html_raw(b, "\">");
		html_text(b, rows[i].login);
		html_raw(b, "</a></td><td>");
		html_text(b, rows[i].display_name);
		html_raw(b, "</td><td class=\"code\">");
		html_text(b, rows[i].person_sid);
		html_raw(b, "</td><td>");
		html_text(b, rows[i].roles);
		html_raw(b, "</td><td>");
		html_text(b, rows[i].disabled ? "disabled" : "active");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div><h2>Add a user</h2>"
		    "<form class=\"stack\" method=\"post\" action=\"/admin/users\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"login\">Login</label><input id=\"login\" name=\"login\" required"
		    " maxlength=\"127\"></div><div><label for=\"display_name\">Name</label>"
		    "<input id=\"display_name\" name=\"display_name\" required maxlength=\"127\"></div>"
		    "<div><label for=\"password\">Password <span class=\"muted\">(at least 8 characters;"
		    " leave empty for a family who logs in with printed access codes)</span></label>"
		    "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\""
		    " maxlength=\"256\"></div><div><label for=\"person\">Roster person sourcedId"
		    " <span class=\"muted\">(teacher, student or guardian in the roster)</span></label>"
		    "<input id=\"person\" name=\"person\" maxlength=\"127\"></div>"
		    "<div><label for=\"role\">Role</label><select id=\"role\" name=\"role\">");
	role_options(b);
	html_raw(b, "</select></div>");
	scope_inputs(b);
	html_raw(b, "<div><button type=\"submit\">Add user</button></div></form>");
	page_end(req);
}

void page_admin_users(struct http_request *req)
{
	users_page(req, 200, NULL);
}

/* Checks that a scope names something of this district; fills a message. */
static bool scope_valid(struct http_request *req, enum role r, const char *type, const char **id,
			char *why, size_t cap)
{
	if (strcmp(type, "district") == 0) {
		*id = arena_printf(&req->arena, "%lld", (long long)district_of(req));
		return *id != NULL;
	}
	if (!*id || !**id) {
		snprintf(why, cap, "Scope: enter the sourcedId of the %s.", type);
		return false;
	}
	/* the administrator sees the whole district, so access_* doubles as an existence check */
	const struct account *admin = &req->session->account;
	bool ok;
	if (strcmp(type, "school") == 0) {
		ok = access_school(req->db, admin, *id) == EB_OK;
	} else if (strcmp(type, "class") == 0) {
		ok = access_class(req->db, admin, *id) == EB_OK;
	} else if (strcmp(type, "person") == 0) {
		ok = access_student(req->db, admin, *id) == EB_OK;
	} else {
		snprintf(why, cap, "Scope: unknown scope type.");
		return false;
	}
	if (!ok)
		snprintf(why, cap, "Scope: no %s with sourcedId '%.100s' in this district's roster.",
			 type, *id);
	(void)r;
	return ok;
}

void page_admin_user_create(struct http_request *req)
{
	const char *login = http_form(req, "login"), *name = http_form(req, "display_name");
	const char *password = http_form(req, "password"), *person = http_form(req, "person");
	const char *role_s = http_form(req, "role"), *stype = http_form(req, "scope_type");
	const char *sid = http_form(req, "scope_id");
	char why[256] = "";
	enum role r;
	int64_t d = district_of(req), id;
	if (password && !*password)
		password = NULL;
	if (person && !*person)
		person = NULL;
	if (!login || !name || !role_s || !stype) {
		users_page(req, 400, "Fill in the login, the name, the role and its scope.");
		return;
	}
	if (!role_parse(role_s, &r)) {
		users_page(req, 400, "Role: not one of the listed roles.");
		return;
	}
	if (!scope_valid(req, r, stype, &sid, why, sizeof why)) {
		users_page(req, 400, why);
		return;
	}
	struct roster_person_row p;
	if (person && roster_person_get(req->db, d, person, &req->arena, &p) != EB_OK) {
		users_page(req, 400, "Roster person: no person with that sourcedId in this district.");
		return;
	}
	const char *pw_why = password ? account_password_problem(password, login, name) : NULL;
	if (pw_why) {
		users_page(req, 400, arena_printf(&req->arena, "Password: %s", pw_why));
		return;
	}
	if (db_begin(req->db)) {
		users_page(req, 503, "The database is busy; try again.");
		return;
	}
	enum eb_err rc = account_create(req->db, d, login, name, password, person, &id);
	if (!rc)
		rc = account_add_role(req->db, d, id, r, stype, sid);
	if (rc) {
		db_rollback(req->db);
		users_page(req, rc == EB_EEXIST ? 409 : 400,
			   rc == EB_EEXIST ? "Login: that login is already taken in this district."
			   : rc == EB_EINVAL ? "Check the fields: a login is 3-127 letters, digits or . _ @ -;"
					       " a password has at least 8 characters; the role must fit its scope"
					       " (principal and tech champion: a school; guardian and student: a"
					       " student; teacher: district, school or class)."
					     : "Could not create the account.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	char detail[256];
	snprintf(detail, sizeof detail, "created with role %s (%s %s)", role_name(r), stype, sid);
	audit_record(req->db, d, &who, "create", "account", login, detail);
	if (db_commit(req->db)) {
		users_page(req, 503, "The database is busy; try again.");
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
	html_raw(b, ". Forget them when a phone is lost or shared.</p><form method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "/devices\">");
	page_csrf_field(req);
	html_raw(b, "<button type=\"submit\">Sign out every remembered device</button></form>");
}

static void user_page(struct http_request *req, const struct account *a, int status,
		      const char *kind, const char *msg)
{
	struct buf *b = &req->out;
	req->status = status;
	page_begin(req, a->display_name);
	if (msg)
		page_notice(req, kind, msg);
	html_raw(b, "<p class=\"crumbs\"><a href=\"/admin/users\">Users</a></p><dl><dt>Login</dt><dd>");
	html_text(b, a->login);
	html_raw(b, "</dd><dt>Roster person</dt><dd class=\"code\">");
	html_text(b, a->person_sid[0] ? a->person_sid : "none");
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
		    "<th scope=\"col\">Scope</th><th scope=\"col\"><span class=\"muted\">Remove</span></th></tr></thead><tbody>");
	char action[64];
	snprintf(action, sizeof action, "/admin/users/%lld", (long long)a->id);
	for (int i = 0; i < a->nroles; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, role_label(a->roles[i].role));
		html_raw(b, "</td><td>");
		html_text(b, a->roles[i].scope_type);
		html_raw(b, " ");
		html_text(b, a->roles[i].scope_id);
		html_raw(b, "</td><td><form method=\"post\" action=\"");
		html_attr(b, action);
		html_raw(b, "/roles\">");
		page_csrf_field(req);
		html_raw(b, "<input type=\"hidden\" name=\"op\" value=\"remove\"><input type=\"hidden\" name=\"role\" value=\"");
		html_attr(b, role_name(a->roles[i].role));
		html_raw(b, "\"><input type=\"hidden\" name=\"scope_type\" value=\"");
		html_attr(b, a->roles[i].scope_type);
		html_raw(b, "\"><input type=\"hidden\" name=\"scope_id\" value=\"");
		html_attr(b, a->roles[i].scope_id);
		html_raw(b, "\"><button type=\"submit\">Remove</button></form></td></tr>");
	}
	html_raw(b, "</tbody></table><h2>Add a role</h2><form class=\"stack\" method=\"post\" action=\"");
	html_attr(b, action);
	html_raw(b, "/roles\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"op\" value=\"add\"><div><label for=\"role\">Role</label>"
		    "<select id=\"role\" name=\"role\">");
	role_options(b);
	html_raw(b, "</select></div>");
	scope_inputs(b);
	html_raw(b, "<div><button type=\"submit\">Add role</button></div></form>"
		    "<h2>Family access code</h2><p>A one-time code a school prints in a letter; it logs"
		    " this account in once and is valid for 30 days.</p><form method=\"post\" action=\"");
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
		    "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\""
		    " required maxlength=\"256\"></div><div><button type=\"submit\">Set the password</button>"
		    "</div></form><h2>Unlock code</h2><p>After ");
	html_int(b, ACCOUNT_LOCK_FAILURES);
	html_raw(b, " failed password checks in a row an account locks itself. Its owner then logs in"
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
				  "<button type=\"submit\">Disable this account (ends its sessions)</button>");
	html_raw(b, "</form>");
	page_end(req);
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
		user_page(req, &a, rc == EB_EINVAL ? 400 : 500, "error", "Could not set the password.");
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
		user_page(req, &a, 200, "ok", "The password was set and the account's sessions were ended.");
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
	html_text(b, a.locked ? "The account is locked now."
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
	audit_record(req->db, d, &who, "update", "account", a.login, disable ? "disabled" : "enabled");
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
	const char *stype = http_form(req, "scope_type"), *sid = http_form(req, "scope_id");
	enum role r;
	char why[256] = "";
	int64_t d = district_of(req);
	if (!op || !role_s || !stype || !role_parse(role_s, &r) ||
	    (strcmp(op, "add") != 0 && strcmp(op, "remove") != 0)) {
		user_page(req, &a, 400, "error", "Choose a role and a scope.");
		return;
	}
	bool add = strcmp(op, "add") == 0;
	if (add && !scope_valid(req, r, stype, &sid, why, sizeof why)) {
		user_page(req, &a, 400, "error", why);
		return;
	}
	if (!sid) {
		user_page(req, &a, 400, "error", "Scope: missing.");
		return;
	}
	if (a.id == req->session->account.id && !add && r == ROLE_DISTRICT_ADMIN) {
		user_page(req, &a, 409, "error",
			  "You cannot remove your own administrator role; ask another administrator.");
		return;
	}
	enum eb_err rc = add ? account_add_role(req->db, d, a.id, r, stype, sid)
			     : account_remove_role(req->db, d, a.id, r, stype, sid);
	if (rc) {
		user_page(req, &a, 400, "error",
			  rc == EB_EINVAL ? "That role does not fit that scope (principal and tech champion:"
					    " a school; guardian and student: a student; teacher: district,"
					    " school or class; the others: the district)."
					  : "That role is not held with that scope.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	char detail[256];
	snprintf(detail, sizeof detail, "%s role %s (%s %s)", add ? "added" : "removed", role_name(r),
		 stype, sid);
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
	audit_record(req->db, district_of(req), &who, "device_forgotten", "account", a.login, detail);
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
		page_notice(req, "error", "This letter cannot say where edbridge is: start the server"
					  " with --public-url and the address families use (for example"
					  " serve --public-url https://edbridge.example.org).");
	html_raw(b, "<div class=\"letter\"><p>Dear ");
	html_text(b, a.display_name);
	html_raw(b, ",</p><p>Use this code to see your child's learning in edbridge. ");
	if (url) {
		html_raw(b, "Go to</p><p class=\"accessurl\">");
		html_text(b, url);
		html_raw(b, "/login/code</p><p>and type:</p>");
	} else {
		html_raw(b, "Go to the school's edbridge address, choose <em>log in with the access"
			    " code</em>, and type:</p>");
	}
	html_raw(b, "<p class=\"accesscode\">");
	html_text(b, code);
	html_raw(b, "</p><p>The code works once and expires in 30 days. On your own phone or computer,"
		    " tick <em>Keep me signed in on this device</em>; or, once you are in, set a password"
		    " under <em>Your sign-in</em>. Then you need no new letter. Ask the school office for"
		    " a new letter at any time.</p></div><p class=\"noprint\">This code is shown only now."
		    " Print this page (the navigation is left off the paper).</p>");
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
	html_raw(b, "<form method=\"get\" action=\"/admin/audit\" class=\"noprint\"><label for=\"subject_type\">"
		    "Subject type</label><input id=\"subject_type\" name=\"subject_type\" value=\"");
	html_attr(b, f.subject_type ? f.subject_type : "");
	html_raw(b, "\"><label for=\"subject_id\">Subject id</label><input id=\"subject_id\" name=\"subject_id\" value=\"");
	html_attr(b, f.subject_id ? f.subject_id : "");
	html_raw(b, "\"><label for=\"action\">Action</label><input id=\"action\" name=\"action\" value=\"");
	html_attr(b, f.action ? f.action : "");
	html_raw(b, "\"><button type=\"submit\">Filter</button></form>");
	page_scroll_begin(req, "Audit log");
	html_raw(b, "<table>"
		    "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">Action</th>"
		    "<th scope=\"col\">Subject</th><th scope=\"col\">Students</th><th scope=\"col\">Detail</th>"
		    "<th scope=\"col\">From</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		html_time(b, e[i].at);
		html_raw(b, "</td><td>");
		html_text(b, e[i].actor);
		html_raw(b, "</td><td>");
		html_text(b, e[i].action);
		html_raw(b, "</td><td>");
		html_text(b, e[i].subject_type);
		html_raw(b, " <span class=\"code\">");
		html_text(b, e[i].subject_id);
		html_raw(b, "</span></td><td>");
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
