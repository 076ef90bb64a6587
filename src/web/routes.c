/* The route table: every page and endpoint, who may use it, and how. */
#include "web/pages/pages.h"
#include "web/router.h"

#define ADMIN ROLE_BIT(ROLE_DISTRICT_ADMIN)
#define INIT_VIEW (ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) | ROLE_BIT(ROLE_COACH))
#define INIT_EDIT (ADMIN | ROLE_BIT(ROLE_COORDINATOR))

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
	{ "GET", "/admin/audit", page_admin_audit, ADMIN, 0, "audit log" },
	{ "GET", "/initiatives", page_initiatives, INIT_VIEW, 0, "initiatives of the district" },
	{ "GET", "/initiatives/new", page_initiative_new, INIT_EDIT, 0, "plan an initiative" },
	{ "POST", "/initiatives/new", page_initiative_create, INIT_EDIT, 0, "save a new initiative" },
	{ "GET", "/initiatives/:id", page_initiative, INIT_VIEW, 0, "plan, people, decisions, evaluation" },
	{ "POST", "/initiatives/:id/status", page_initiative_status, INIT_EDIT, 0, "record a status decision" },
	{ "GET", "/whats-working", page_whats_working, INIT_VIEW, 0, "each initiative's effect (forest plot)" },
	{ "GET", "/whats-working.csv", page_whats_working_csv, INIT_VIEW, 0, "the same as CSV" },
};

const size_t routes_count = sizeof routes / sizeof routes[0];
