/* The route table: every page and endpoint, who may use it, and how. */
#include "web/pages/pages.h"
#include "web/router.h"

#define ADMIN ROLE_BIT(ROLE_DISTRICT_ADMIN)

const struct route routes[] = {
	{ "GET", "/healthz", page_healthz, 0, ROUTE_PUBLIC | ROUTE_API, "health check" },
	{ "GET", "/assets/style.css", page_style, 0, ROUTE_PUBLIC, "stylesheet" },
	{ "GET", "/", page_root, 0, ROUTE_PUBLIC, "to the home page or the login" },
	{ "GET", "/login", page_login_form, 0, ROUTE_PUBLIC, "login form" },
	{ "POST", "/login", page_login_submit, 0, ROUTE_PUBLIC | ROUTE_NO_CSRF, "password login" },
	{ "GET", "/login/code", page_code_form, 0, ROUTE_PUBLIC, "access-code login form" },
	{ "POST", "/login/code", page_code_submit, 0, ROUTE_PUBLIC | ROUTE_NO_CSRF, "access-code login" },
	{ "POST", "/logout", page_logout, ROLES_ANY, 0, "log out" },
	{ "GET", "/home", page_home, ROLES_ANY, 0, "each role's home page" },
	{ "GET", "/standards", page_standards, 0, ROUTE_PUBLIC, "CCSS-M catalog by grade" },
	{ "GET", "/standards/:code", page_standard, 0, ROUTE_PUBLIC, "one standard or cluster" },
	{ "GET", "/schools", page_schools, ROLES_STAFF, 0, "schools of the district" },
	{ "GET", "/schools/:id", page_school, ROLES_STAFF, 0, "one school and its classes" },
	{ "GET", "/classes/:id", page_class, ROLES_STUDENT_DATA, 0, "class roster" },
	{ "GET", "/students/:id", page_student, ROLES_STUDENT_DATA, 0, "student record (audited)" },
	{ "GET", "/admin/users", page_admin_users, ADMIN, 0, "accounts and roles" },
	{ "POST", "/admin/users", page_admin_user_create, ADMIN, 0, "create an account" },
	{ "GET", "/admin/users/:id", page_admin_user, ADMIN, 0, "one account" },
	{ "POST", "/admin/users/:id/roles", page_admin_user_role, ADMIN, 0, "add or remove a role" },
	{ "POST", "/admin/users/:id/code", page_admin_user_code, ADMIN, 0, "print a family access code" },
	{ "POST", "/admin/users/:id/status", page_admin_user_status, ADMIN, 0, "enable or disable an account" },
	{ "GET", "/admin/import", page_admin_import_form, ADMIN, 0, "roster upload form" },
	{ "POST", "/admin/import", page_admin_import, ADMIN, 0, "upload a OneRoster .zip" },
	{ "GET", "/admin/audit", page_admin_audit, ADMIN, 0, "audit log" },
};

const size_t routes_count = sizeof routes / sizeof routes[0];
