/* The route table: every page and endpoint, who may use it, and how; and the
 * main navigation, which shows a viewer the links of this table it may open
 * (router_nav). */
#include "web/pages/observations.h"
#include "web/pages/coaching_impact.h"
#include "web/pages/frameworks.h"
#include "web/pages/pages.h"
#include "web/router.h"

#define ADMIN ROLE_BIT(ROLE_DISTRICT_ADMIN)
#define TOOL_API (ROUTE_PUBLIC | ROUTE_API | ROUTE_NO_CSRF | ROUTE_TOOL)
/* LTI services: the tool's assertion or bearer token, checked in the handler */
#define LTI_API (ROUTE_PUBLIC | ROUTE_API | ROUTE_NO_CSRF)
/* technology inventory: staff but vendor contacts; editors; credential managers */
#define TOOLS_STAFF (ROLES_STAFF & ~ROLE_BIT(ROLE_VENDOR_CONTACT))
#define TOOLS_EDIT (ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_IT_STAFF))
#define TOOLS_CRED (ADMIN | ROLE_BIT(ROLE_IT_STAFF))
/* schools and their classes: staff but vendor contacts, who see no school */
#define SCHOOLS_STAFF (ROLES_STAFF & ~ROLE_BIT(ROLE_VENDOR_CONTACT))
/* the district picture of a standard: district roles, principals (own school) */
#define MASTERY_LEADERS                                                                            \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_COACH) | ROLE_BIT(ROLE_PRINCIPAL))
#define INIT_VIEW                                                                                  \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) | ROLE_BIT(ROLE_COACH))
#define INIT_EDIT (ADMIN | ROLE_BIT(ROLE_COORDINATOR))
/* small groups: the staff who see a class's students */
#define GROUPS_STAFF (ROLES_STUDENT_DATA & ~(ROLE_BIT(ROLE_GUARDIAN) | ROLE_BIT(ROLE_STUDENT)))
/* the next best intervention: staff who see students (never families) */
#define REC_STAFF (ROLES_STUDENT_DATA & ~(ROLE_BIT(ROLE_GUARDIAN) | ROLE_BIT(ROLE_STUDENT)))
/* common assessments: results by scope (pages/assessments.c); built by the district */
#define ASSESS_VIEW                                                                                \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) | ROLE_BIT(ROLE_COACH) |    \
	 ROLE_BIT(ROLE_TEACHER))
#define ASSESS_EDIT (ADMIN | ROLE_BIT(ROLE_COORDINATOR))
/* intervention and learning plans (issue 12): staff who see students */
#define PLANS_STAFF                                                                                \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) | ROLE_BIT(ROLE_COACH) |    \
	 ROLE_BIT(ROLE_TEACHER))
/* a class's feedback pattern: coaches, principals (their school), teachers */
#define FEEDBACK_VIEW PAGE_NOTE_ROLES
/* the knowledge base (issue 14, h14-kb): champions and IT write, the
 * coordinator and district admins edit too; the support reports */
#define KB_WRITE                                                                                   \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_IT_STAFF) |                            \
	 ROLE_BIT(ROLE_TECH_CHAMPION))
#define SUPPORT_REPORTS                                                                            \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_IT_STAFF) | ROLE_BIT(ROLE_PRINCIPAL))
/* devices (issue 14, h14-devices): IT and administrators manage; principals and
 * tech champions see their schools' */
#define DEVICES_EDIT (ADMIN | ROLE_BIT(ROLE_IT_STAFF))
#define DEVICES_VIEW (DEVICES_EDIT | ROLE_BIT(ROLE_PRINCIPAL) | ROLE_BIT(ROLE_TECH_CHAMPION))
/* a link in the main navigation at a position (router.h, struct route.nav) */
/* trainings (issue 14, h14-train): staff who teach or support teaching; planned by
 * the coordinator, coaches, IT (the trainer takes attendance: checked in the page) */
#define TRAIN_VIEW (ROLES_STAFF & ~ROLE_BIT(ROLE_VENDOR_CONTACT))
#define TRAIN_PLAN                                                                                 \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_COACH) | ROLE_BIT(ROLE_IT_STAFF))
/* champions found from the data: IT, the coordinator, principals (their school) */
#define CHAMPIONS_VIEW                                                                             \
	(ROLE_BIT(ROLE_IT_STAFF) | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL))
/* coaching impact on students (issue 15, h15-impact): district roles; principals
 * for their school's coached classes */
#define COACH_IMPACT_VIEW (ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL))
/* coaching cycles (issue 15, h15-cycles): coaches, teachers, the coordinator,
 * principals (existence and phase), admins; changes by the cycle's coach and
 * teachers (checked in the page) */
#define COACHING_VIEW                                                                              \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) | ROLE_BIT(ROLE_COACH) |    \
	 ROLE_BIT(ROLE_TEACHER))
#define COACHING_NEW (ROLE_BIT(ROLE_COACH) | ROLE_BIT(ROLE_COORDINATOR))
#define COACHING_WRITE (ROLE_BIT(ROLE_COACH) | ROLE_BIT(ROLE_TEACHER))
/* classroom observations (issue 15, h15-obs): staff who teach or coach; observed by
 * coaches, principals, coordinators (the observer, teacher and shares: checked in the page) */
#define OBS_VIEW                                                                                   \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) | ROLE_BIT(ROLE_COACH) |    \
	 ROLE_BIT(ROLE_TEACHER))
#define OBS_OBSERVE                                                                                \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) | ROLE_BIT(ROLE_COACH))
/* teams, meetings, action items (issue 15, h15-teams): staff; who sees which team
 * (members, leaders of its school) is checked in the page; leaders start teams */
#define TEAMS_VIEW ROLES_STAFF
/* standards frameworks (issue 17, h17-case): staff but vendor contacts see them;
 * district admins and coordinators choose the primary one and import */
#define FRAMEWORKS_VIEW (ROLES_STAFF & ~ROLE_BIT(ROLE_VENDOR_CONTACT))
#define FRAMEWORKS_EDIT (ADMIN | ROLE_BIT(ROLE_COORDINATOR))
/* the gradebook from the SIS (issue 17, h17-admin): the district's or a
 * teacher's own classes */
#define GRADEBOOK_VIEW (ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_TEACHER))
#define TEAMS_START                                                                                \
	(ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL) | ROLE_BIT(ROLE_COACH))
/* LTI launches (issue 16, h16-lti): who may open a tool's activity (students
 * and staff who see the class: checked in pages/lti.c) and add activities */
#define LTI_LAUNCH (ROLES_ANY & ~(ROLE_BIT(ROLE_GUARDIAN) | ROLE_BIT(ROLE_VENDOR_CONTACT)))
#define LTI_ADD (ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_TEACHER))
#define NAV(at, label) .nav_at = (at), .nav = (label)

/* clang-format off */
const struct route routes[] = {
	{ "GET", "/healthz", page_healthz, 0, ROUTE_PUBLIC | ROUTE_API, "health check" },
	{ "GET", "/assets/style.css", page_style, 0, ROUTE_PUBLIC, "stylesheet" },
	{ "GET", "/", page_root, 0, ROUTE_PUBLIC, "to the home page or the login" },
	{ "GET", "/login", page_login_form, 0, ROUTE_PUBLIC, "login form", NAV(80, "Log in"),
	  .nav_for = NAV_SIGNED_OUT },
	{ "POST", "/login", page_login_submit, 0, ROUTE_PUBLIC | ROUTE_NO_CSRF, "password login" },
	{ "GET", "/login/code", page_code_form, 0, ROUTE_PUBLIC, "access-code login form" },
	{ "POST", "/login/code", page_code_submit, 0, ROUTE_PUBLIC | ROUTE_NO_CSRF, "access-code login" },
	{ "GET", "/f/:token", page_family_link_form, 0, ROUTE_PUBLIC, "a family's sign-in link (email, text, letter QR)" },
	{ "POST", "/f/:token", page_family_link_submit, 0, ROUTE_PUBLIC | ROUTE_NO_CSRF, "sign in with a family's link (single use)" },
	{ "GET", "/u/:token", page_unsubscribe_form, 0, ROUTE_PUBLIC, "stop a family's weekly emails: the button (List-Unsubscribe)" },
	{ "POST", "/u/:token", page_unsubscribe_submit, 0, ROUTE_PUBLIC | ROUTE_NO_CSRF, "stop a family's weekly emails (one click, RFC 8058; audited)" },
	{ "POST", "/logout", page_logout, ROLES_ANY, 0, "log out" },
	{ "GET", "/home", page_home, ROLES_ANY, 0, "each role's home page", NAV(10, "Home") },
	{ "GET", "/account/password", page_account_password_form, ROLES_ANY, 0, "one's own sign-in: password, remembered devices" },
	{ "POST", "/account/password", page_account_password, ROLES_ANY, 0, "set or change one's own password" },
	{ "POST", "/account/devices", page_account_devices, ROLES_ANY, 0, "forget a remembered device" },
	{ "GET", "/standards", page_standards, 0, ROUTE_PUBLIC, "CCSS-M catalog by grade",
	  NAV(30, "Standards"), .nav_for = NAV_SIGNED_IN | NAV_SIGNED_OUT },
	{ "GET", "/standards/:code", page_standard, 0, ROUTE_PUBLIC, "one standard or cluster" },
	{ "GET", "/schools", page_schools, SCHOOLS_STAFF, 0, "schools of the district",
	  NAV(20, "Schools") },
	{ "GET", "/schools/:id", page_school, SCHOOLS_STAFF, 0, "one school and its classes" },
	{ "GET", "/classes/:id", page_class, ROLES_STUDENT_DATA, 0, "class roster" },
	{ "GET", "/students/:id", page_student, ROLES_STUDENT_DATA, 0, "student record (audited)" },
	{ "GET", "/classes/:id/mastery", page_class_mastery, ROLES_STUDENT_DATA, 0, "class x unit mastery (?format=csv)" },
	{ "GET", "/students/:id/mastery", page_student_mastery, ROLES_STUDENT_DATA, 0, "a student's mastery (audited; ?format=csv)" },
	{ "POST", "/students/:id/note", page_student_note, PAGE_NOTE_ROLES, 0, "a teacher's note to the family this week (audited)" },
	{ "POST", "/classes/:id/note", page_class_note, PAGE_NOTE_ROLES, 0, "a teacher's note to the class's families this week (audited)" },
	{ "POST", "/family/paper", page_family_paper, ROLE_BIT(ROLE_GUARDIAN), 0, "a family asks for paper letters, or no more" },
	{ "POST", "/family/language", page_family_language, ROLE_BIT(ROLE_GUARDIAN) | ROLE_BIT(ROLE_STUDENT), 0, "a family's or student's language" },
	{ "GET", "/standards/:code/mastery", page_standard_mastery, MASTERY_LEADERS, 0, "a standard across the district (?format=csv)" },
	/* standards frameworks through CASE (issue 17, h17-case; docs/case.md) */
	{ "GET", "/frameworks", page_frameworks, FRAMEWORKS_VIEW, 0, "the district's standards frameworks: crosswalk coverage, primary, CASE upload" },
	{ "GET", "/frameworks/:id", page_framework, FRAMEWORKS_VIEW, 0, "one framework's items and what each counts for" },
	{ "POST", "/frameworks/primary", page_frameworks_primary, FRAMEWORKS_EDIT, 0, "choose the primary framework (audited)" },
	{ "POST", "/frameworks/import", page_frameworks_import, FRAMEWORKS_EDIT, 0, "import a CASE package (multipart; audited)" },
	{ "GET", "/gradebook", page_gradebook, GRADEBOOK_VIEW, 0, "the gradebook from the SIS: line items and results waiting for the roster (audited)" },
	{ "GET", "/gradebook/item", page_gradebook_item, GRADEBOOK_VIEW, 0, "one line item's results (?id=SID; access_class; audited)" },
	{ "POST", "/frameworks/providers/:id/fetch", page_frameworks_provider_fetch, FRAMEWORKS_EDIT, 0, "fetch a saved CASE provider's package again (audited)" },
	/* small groups (issue 12, h12-groups) */
	{ "GET", "/classes/:id/groups", page_class_groups, GROUPS_STAFF, 0, "propose, adjust and save a class's small groups" },
	{ "POST", "/classes/:id/groups", page_class_groups_save, GROUPS_STAFF, 0, "save a class's small groups (audited)" },
	{ "GET", "/classes/:id/groups/print", page_class_groups_print, GROUPS_STAFF, 0, "one card per saved group, to print" },
	{ "GET", "/admin/users", page_admin_users, ADMIN, 0, "accounts and roles",
	  NAV(60, "Users") },
	{ "POST", "/admin/users", page_admin_user_create, ADMIN, 0, "create an account" },
	{ "GET", "/admin/users/:id", page_admin_user, ADMIN, 0, "one account" },
	{ "POST", "/admin/users/:id/roles", page_admin_user_role, ADMIN, 0, "add or remove a role" },
	{ "POST", "/admin/users/:id/code", page_admin_user_code, ADMIN, 0, "print a family access code" },
	{ "POST", "/admin/users/:id/password", page_admin_user_password, ADMIN, 0, "set an account's password" },
	{ "POST", "/admin/users/:id/status", page_admin_user_status, ADMIN, 0, "enable or disable an account" },
	{ "POST", "/admin/users/:id/unlock", page_admin_user_unlock, ADMIN, 0, "issue an unlock code for a locked account" },
	{ "POST", "/admin/users/:id/devices", page_admin_user_devices, ADMIN, 0, "forget an account's remembered devices" },
	{ "GET", "/admin/district", page_admin_district, ADMIN, 0, "district settings: time zone" },
	{ "POST", "/admin/district", page_admin_district_save, ADMIN, 0, "save the district settings" },
	{ "GET", "/admin/delivery", page_admin_delivery, ADMIN, 0, "family message settings: mail, texts, quiet hours, send time" },
	{ "POST", "/admin/delivery", page_admin_delivery_save, ADMIN, 0, "save the family message settings (audited; secrets never shown)" },
	{ "GET", "/families/reach", page_families_reach, ADMIN | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL), 0, "families reached by the weekly update, and who was not (audited)" },
	{ "GET", "/admin/sso", page_admin_sso, ADMIN, 0, "single sign-on providers" },
	{ "POST", "/admin/sso", page_admin_sso_add, ADMIN, 0, "add a sign-in provider (audited; secret sealed)" },
	{ "POST", "/admin/sso/:id/remove", page_admin_sso_remove, ADMIN, 0, "remove a sign-in provider (audited)" },
	{ "GET", "/sso/:provider/start", page_sso_start, 0, ROUTE_PUBLIC, "single sign-on: to the district's provider" },
	{ "GET", "/sso/:provider/callback", page_sso_callback, 0, ROUTE_PUBLIC, "single sign-on: back from the provider" },
	{ "GET", "/admin/import", page_admin_import_form, ADMIN, 0, "roster upload form" },
	{ "POST", "/admin/import", page_admin_import, ADMIN, 0, "upload a OneRoster .zip" },
	{ "GET", "/admin/imports", page_admin_imports, ADMIN, 0, "roster import history (audited)" },
	{ "GET", "/admin/imports/:id", page_admin_import_run, ADMIN, 0, "one import's report (audited; ?format=csv: the rows set aside)" },
	{ "GET", "/admin/roster-sync", page_admin_roster_sync, ADMIN, 0, "roster sync from the SIS: sources and last runs" },
	{ "POST", "/admin/roster-sync/:id/run", page_admin_roster_sync_run, ADMIN, 0, "sync a saved OneRoster source now (audited)" },
	{ "POST", "/admin/roster-sync/add", page_admin_roster_sync_add, ADMIN, 0, "add a OneRoster REST source (secret sealed; audited)" },
	{ "POST", "/admin/roster-sync/:id/edit", page_admin_roster_sync_edit, ADMIN, 0, "change a OneRoster REST source (secret kept unless replaced; audited)" },
	{ "POST", "/admin/roster-sync/:id/remove", page_admin_roster_sync_remove, ADMIN, 0, "remove a OneRoster REST source and its runs (audited)" },
	{ "GET", "/admin/audit", page_admin_audit, ADMIN, 0, "audit log", NAV(70, "Audit log") },
	{ "GET", "/tools", page_tools, TOOLS_STAFF, 0, "technology inventory", NAV(40, "Tools") },
	{ "GET", "/tools/approved", page_tools_approved, 0, ROUTE_PUBLIC, "approved tools (public)",
	  NAV(40, "Tools") },	/* for those the inventory is not open to */
	{ "GET", "/tools/new", page_tool_new_form, TOOLS_EDIT, 0, "add-a-tool form" },
	{ "POST", "/tools/new", page_tool_create, TOOLS_EDIT, 0, "add a tool" },
	{ "GET", "/tools/request", page_tool_request_form, TOOLS_STAFF, 0, "request-a-tool form" },
	{ "POST", "/tools/request", page_tool_request, TOOLS_STAFF, 0, "request a tool" },
	{ "GET", "/tools/:id", page_tool, TOOLS_STAFF, 0, "one tool: support, history, credentials" },
	{ "POST", "/tools/:id", page_tool_update, TOOLS_EDIT, 0, "edit a tool" },
	{ "POST", "/tools/:id/status", page_tool_status, TOOLS_EDIT, 0, "change a tool's status" },
	{ "POST", "/tools/:id/support", page_tool_support,
	  TOOLS_EDIT | ROLE_BIT(ROLE_TECH_CHAMPION), 0, "a school's tech champion and notes" },
	{ "POST", "/tools/:id/credentials", page_tool_credentials, TOOLS_CRED, 0,
	  "create, rotate or revoke a tool credential" },
	{ "POST", "/tools/:id/csv", page_tool_csv, TOOLS_EDIT, 0, "import a vendor CSV export" },
	{ "POST", "/tools/:id/map", page_tool_map, TOOLS_EDIT, 0, "map an activity to a standard" },
	/* data-sharing scopes (issue 16, h16-ags): staff read, editors change (audited) */
	{ "GET", "/tools/:id/scopes", page_tool_scopes, TOOLS_STAFF, 0, "what a tool may receive (data-sharing scopes)" },
	{ "POST", "/tools/:id/scopes", page_tool_scopes_set, TOOLS_EDIT, 0, "change what a tool may receive (audited)" },
	{ "POST", "/tools/:id/forget", page_tool_forget, ADMIN, 0, "delete a tool's data about a student, or remove the tool (audited, with a report)" },
	/* LTI 1.3 launches (issue 16, h16-lti; docs/lti.md): record checks in pages/lti.c */
	{ "GET", "/lti/launch/:link", page_lti_launch, LTI_LAUNCH, 0, "open a tool's activity (LTI 1.3 login initiation)" },
	{ "GET", "/lti/add/:tool", page_lti_add, LTI_ADD, 0, "add activities from a tool to a class (deep linking; ?class=)" },
	{ "GET", "/lti/login", page_lti_login, LTI_LAUNCH, 0, "a tool's authentication request: the signed launch" },
	{ "POST", "/lti/login", page_lti_login, LTI_LAUNCH, ROUTE_NO_CSRF, "a tool's authentication request (form post)" },
	{ "POST", "/lti/deep-linking/return", page_lti_deep_return, 0, ROUTE_PUBLIC | ROUTE_NO_CSRF, "a tool's deep-linking response (signed by the tool)" },
	{ "POST", "/lti/links/:id/standards", page_lti_link_standards, TOOLS_EDIT, 0, "map a tool's activity to standards (audited)" },
	{ "GET", "/.well-known/jwks.json", page_lti_jwks, 0, ROUTE_PUBLIC | ROUTE_API, "edbridge's LTI platform keys (JWKS)" },
	{ "GET", "/assets/lti_autosubmit.js", page_lti_script, 0, ROUTE_PUBLIC, "sends the LTI launch form (script)" },
	/* data from classroom tools: the tool's own credentials, checked in the handler */
	{ "GET", "/xapi/about", api_xapi_about, 0, TOOL_API, "xAPI about" },
	{ "GET", "/xapi/statements", api_xapi_statements_get, 0, TOOL_API, "xAPI statements: get, query" },
	{ "POST", "/xapi/statements", api_xapi_statements_post, 0, TOOL_API, "xAPI statements: store" },
	{ "PUT", "/xapi/statements", api_xapi_statements_put, 0, TOOL_API, "xAPI statements: store one" },
	/* the document resources, Activities, Agents (issue 17, h17-lrsdoc): one
	 * handler per resource, which reads the method (web/api/xapi_docs.c) */
	{ "GET", "/xapi/activities/state", api_xapi_state, 0, TOOL_API, "xAPI state: get, ids" },
	{ "PUT", "/xapi/activities/state", api_xapi_state, 0, TOOL_API, "xAPI state: store" },
	{ "POST", "/xapi/activities/state", api_xapi_state, 0, TOOL_API, "xAPI state: merge" },
	{ "DELETE", "/xapi/activities/state", api_xapi_state, 0, TOOL_API, "xAPI state: delete" },
	{ "GET", "/xapi/activities/profile", api_xapi_activity_profile, 0, TOOL_API,
	  "xAPI activity profile: get, ids" },
	{ "PUT", "/xapi/activities/profile", api_xapi_activity_profile, 0, TOOL_API,
	  "xAPI activity profile: store" },
	{ "POST", "/xapi/activities/profile", api_xapi_activity_profile, 0, TOOL_API,
	  "xAPI activity profile: merge" },
	{ "DELETE", "/xapi/activities/profile", api_xapi_activity_profile, 0, TOOL_API,
	  "xAPI activity profile: delete" },
	{ "GET", "/xapi/agents/profile", api_xapi_agent_profile, 0, TOOL_API,
	  "xAPI agent profile: get, ids" },
	{ "PUT", "/xapi/agents/profile", api_xapi_agent_profile, 0, TOOL_API,
	  "xAPI agent profile: store" },
	{ "POST", "/xapi/agents/profile", api_xapi_agent_profile, 0, TOOL_API,
	  "xAPI agent profile: merge" },
	{ "DELETE", "/xapi/agents/profile", api_xapi_agent_profile, 0, TOOL_API,
	  "xAPI agent profile: delete" },
	{ "GET", "/xapi/activities", api_xapi_activities, 0, TOOL_API, "xAPI activities: one" },
	{ "GET", "/xapi/agents", api_xapi_agents, 0, TOOL_API, "xAPI agents: the Person" },
	{ "*", "/xapi/*", api_xapi_unsupported, 0, TOOL_API, "other xAPI resources: 501" },
	{ "POST", "/caliper", api_caliper, 0, TOOL_API, "Caliper envelopes" },
	/* LTI Advantage services (issue 16, h16-ags): the tool's signed assertion, then its bearer token */
	{ "POST", "/lti/token", api_lti_token, 0, LTI_API, "LTI access tokens (client credentials, JWT assertion)" },
	{ "GET", "/lti/ags/:link/lineitems", api_lti_lineitems_get, 0, LTI_API, "AGS line items of a link's class" },
	{ "POST", "/lti/ags/:link/lineitems", api_lti_lineitems_post, 0, LTI_API, "AGS: add a line item" },
	{ "GET", "/lti/ags/:link/lineitems/:item", api_lti_lineitem_get, 0, LTI_API, "AGS: one line item" },
	{ "PUT", "/lti/ags/:link/lineitems/:item", api_lti_lineitem_put, 0, LTI_API, "AGS: change a line item" },
	{ "DELETE", "/lti/ags/:link/lineitems/:item", api_lti_lineitem_delete, 0, LTI_API, "AGS: remove a line item" },
	{ "POST", "/lti/ags/:link/lineitems/:item/scores", api_lti_scores, 0, LTI_API, "AGS: a student's score (into mastery)" },
	{ "GET", "/lti/ags/:link/lineitems/:item/results", api_lti_results, 0, LTI_API, "AGS: results of a line item" },
	{ "GET", "/lti/nrps/:context/memberships", api_lti_nrps, 0, LTI_API, "NRPS: a class's members, scoped fields (audited)" },
	/* text messages (issue 13, h13-sms): the provider's webhooks, authenticated by its signature */
	{ "POST", "/sms/inbound", api_sms_inbound, 0, ROUTE_PUBLIC | ROUTE_API | ROUTE_NO_CSRF, "a family's text message (provider webhook, signed)" },
	{ "POST", "/sms/status", api_sms_status, 0, ROUTE_PUBLIC | ROUTE_API | ROUTE_NO_CSRF, "text-message delivery callbacks (provider webhook, signed)" },
	{ "GET", "/initiatives", page_initiatives, INIT_VIEW, 0, "initiatives of the district",
	  NAV(50, "Initiatives") },
	{ "GET", "/initiatives/new", page_initiative_new, INIT_EDIT, 0, "plan an initiative" },
	{ "POST", "/initiatives/new", page_initiative_create, INIT_EDIT, 0, "save a new initiative" },
	{ "GET", "/initiatives/:id", page_initiative, INIT_VIEW, 0, "plan, people, decisions, evaluation" },
	{ "POST", "/initiatives/:id/status", page_initiative_status, INIT_EDIT, 0, "record a status decision" },
	{ "GET", "/whats-working", page_whats_working, INIT_VIEW, 0, "each initiative's effect (forest plot)" },
	{ "GET", "/whats-working.csv", page_whats_working_csv, INIT_VIEW, 0, "the same as CSV" },
	{ "GET", "/whats-working.xlsx", page_whats_working_xlsx, INIT_VIEW, 0, "the same as Excel" },
	/* the next best intervention (issue 12, h12-recs) */
	{ "GET", "/students/:id/recommendations", page_student_recommendations, REC_STAFF, 0, "a student's next steps (audited; ?standard=)" },
	{ "POST", "/students/:id/recommendations/done", page_student_recommendation_done, REC_STAFF, 0, "mark a recommendation done (audited)" },
	{ "GET", "/classes/:id/recommendations", page_class_recommendations, REC_STAFF, 0, "a class's next steps per standard (?standard=)" },
	{ "POST", "/classes/:id/recommendations/done", page_class_recommendation_done, REC_STAFF, 0, "mark a recommendation done for a group (audited)" },
	/* common assessments by standard (issue 12) */
	{ "GET", "/assessments", page_assessments, ASSESS_VIEW, 0, "common assessments: list, build",
	  NAV(57, "Assessments") },
	{ "POST", "/assessments", page_assessment_create, ASSESS_EDIT, 0, "build a common assessment" },
	{ "GET", "/assessments/:id", page_assessment, ASSESS_VIEW, 0, "items, item analysis by scope (?school= ?teacher= ?class=; ?format=csv|xlsx)" },
	{ "POST", "/assessments/:id/items", page_assessment_items, ASSESS_EDIT, 0, "add items (before results)" },
	{ "POST", "/assessments/:id/results", page_assessment_results, ASSESS_EDIT, 0, "upload item results (CSV)" },
	{ "GET", "/families/letters", page_family_letters, ADMIN | ROLE_BIT(ROLE_PRINCIPAL), 0, "printed letters to families, per school (PDF: ?school=&format=pdf, &all=1)" },
	{ "GET", "/assessments/:id/sheets", page_assessment_sheets, ASSESS_VIEW, 0, "a class's answer sheets (PDF; ?class=)" },
	/* intervention plans and learning plans (issue 12, h12-plans) */
	{ "GET", "/plans", page_plans, PLANS_STAFF, 0, "intervention plans by class, school, district (?format=csv|xlsx)",
	  NAV(45, "Plans") },
	{ "GET", "/plans/new", page_plan_new, PLANS_STAFF, 0, "start an intervention plan" },
	{ "POST", "/plans/new", page_plan_create, PLANS_STAFF, 0, "save a new intervention plan" },
	{ "GET", "/plans/:id", page_plan, PLANS_STAFF, 0, "one plan: progress chart, decision rules, check-ins (audited)" },
	{ "GET", "/plans/:id/edit", page_plan_edit, PLANS_STAFF, 0, "change a plan" },
	{ "POST", "/plans/:id", page_plan_update, PLANS_STAFF, 0, "save a changed plan" },
	{ "POST", "/plans/:id/checkins", page_plan_checkin, PLANS_STAFF, 0, "record a check-in" },
	{ "GET", "/students/:id/learning-plan", page_learning_plan, ROLES_STUDENT_DATA, 0, "a student's learning plan (audited)" },
	{ "POST", "/students/:id/learning-plan/goals", page_learning_goal_add, PLANS_STAFF | ROLE_BIT(ROLE_STUDENT), 0, "add a goal" },
	{ "POST", "/students/:id/learning-plan/goals/:goal/remove", page_learning_goal_remove, PLANS_STAFF, 0, "take a goal off" },
	{ "POST", "/students/:id/learning-plan/pathways", page_learning_pathway_add, PLANS_STAFF, 0, "add a pathway to a goal" },
	{ "POST", "/students/:id/learning-plan/reflection", page_learning_reflection, ROLE_BIT(ROLE_STUDENT), 0, "the student's reflection" },
	{ "GET", "/classes/:id/learning-plans", page_class_learning_plans, PLANS_STAFF, 0, "a class's learning plans at a glance" },
	/* formative feedback, families' messages (issue 13, h13-student) */
	{ "POST", "/students/:id/feedback", page_student_feedback, PAGE_NOTE_ROLES, 0, "feedback on a student's work in a standard (audited)" },
	{ "POST", "/students/:id/feedback/:fid/answer", page_student_feedback_answer, PAGE_NOTE_ROLES | ROLE_BIT(ROLE_STUDENT), 0, "answer a feedback: the student, or staff (audited)" },
	{ "GET", "/classes/:id/feedback", page_class_feedback, FEEDBACK_VIEW, 0, "a class's feedback pattern; feedback to a saved group" },
	{ "POST", "/classes/:id/feedback", page_class_feedback_give, PAGE_NOTE_ROLES, 0, "feedback to a saved small group (audited)" },
	{ "POST", "/students/:id/message", page_family_message, ROLE_BIT(ROLE_GUARDIAN), 0, "a family writes to the teacher (translated; audited)" },
	/* the knowledge base of known fixes per tool (issue 14, h14-kb) */
	{ "GET", "/assets/kb_suggest.js", page_kb_script, 0, ROUTE_PUBLIC, "known fixes suggested as one types (script)" },
	{ "GET", "/kb", page_kb, ROLES_ANY, 0, "known fixes per tool: browse, search (?tool=&q=)", NAV(58, "Known fixes") },
	{ "GET", "/kb/suggest", page_kb_suggest, ROLES_ANY, ROUTE_API, "known fixes matching typed text (JSON; ?tool=&q=)" },
	{ "GET", "/kb/new", page_kb_new, KB_WRITE, 0, "write a known fix" },
	{ "POST", "/kb/new", page_kb_create, KB_WRITE, 0, "save a new known fix (audited)" },
	{ "GET", "/kb/:id", page_kb_article, ROLES_ANY, 0, "one known fix; did it fix it?" },
	{ "GET", "/kb/:id/edit", page_kb_edit, KB_WRITE, 0, "change a known fix" },
	{ "POST", "/kb/:id", page_kb_update, KB_WRITE, 0, "save a changed known fix (audited)" },
	{ "POST", "/kb/:id/helped", page_kb_helped, ROLES_ANY, 0, "this fixed it / this didn't help (once per person; from the ticket form: no ticket filed)" },
	{ "GET", "/tickets/reports", page_ticket_reports, SUPPORT_REPORTS, 0, "support reports: response and resolution times by tool, tier, school; tickets per 100 active students (?from= ?to= ?school= ?format=csv|xlsx)" },
	/* devices (issue 14, h14-devices) */
	{ "GET", "/devices", page_devices, DEVICES_VIEW, 0, "devices: list, filters (?school= ?kind= ?status= ?overdue=1 ?q=), import form",
	  NAV(47, "Devices") },
	{ "POST", "/devices/import", page_devices_import, DEVICES_EDIT, 0, "import devices from a CSV (Google Admin export or edbridge columns; audited)" },
	{ "GET", "/devices/:id", page_device, DEVICES_VIEW, 0, "one device: holder, check-outs, tickets (audited when it shows students)" },
	{ "POST", "/devices/:id/checkout", page_device_checkout, DEVICES_EDIT, 0, "check a device out to a student or staff member (audited for a student)" },
	{ "POST", "/devices/:id/checkin", page_device_checkin, DEVICES_EDIT, 0, "check a device back in (audited for a student)" },
	/* support tickets (issue 14, h14-tickets): each role sees its share (checked in the domain) */
	{ "GET", "/tickets", page_tickets, ROLES_ANY, 0, "support tickets: each role its share (?status= ?tool= ?device= ?school= ?mine=)",
	  NAV(75, "Help") },
	{ "GET", "/tickets/new", page_ticket_new, ROLES_ANY, 0, "report a problem (?tool= ?class= ?device= preselect)" },
	{ "POST", "/tickets/new", page_ticket_create, ROLES_ANY, 0, "file a report (or offered \"is it this?\")" },
	{ "GET", "/tickets/:id", page_ticket, ROLES_ANY, 0, "one ticket: comments, files, history (audited when a student or family reported it)" },
	{ "POST", "/tickets/:id/join", page_ticket_join, ROLES_ANY, 0, "the same problem: join the report" },
	{ "POST", "/tickets/:id/comments", page_ticket_comment, ROLES_ANY, 0, "comment (internal: staff)" },
	{ "POST", "/tickets/:id/status", page_ticket_status, ROLES_ANY, 0, "change the status (reporters: resolved, reopen)" },
	{ "POST", "/tickets/:id/escalate", page_ticket_escalate, ROLES_STAFF, 0, "escalate to the next tier" },
	{ "POST", "/tickets/:id/merge", page_ticket_merge, ROLES_STAFF, 0, "merge a duplicate into an incident" },
	{ "POST", "/tickets/:id/attachments", page_ticket_attach, ROLES_ANY, 0, "attach a file (5 MB; PNG, JPEG, PDF, text)" },
	{ "GET", "/tickets/:id/attachments/:aid", page_ticket_attachment, ROLES_ANY, 0, "download an attachment" },
	/* coaching impact (issue 15, h15-impact): above /coaching/:id, as the first match wins */
	{ "GET", "/coaching/impact", page_coaching_impact, COACH_IMPACT_VIEW, 0, "did coaching move students: completed cycles' classes vs matched classes (?school=)" },
	/* trainings and champions found from the data (issue 14, h14-train) */
	{ "GET", "/trainings", page_trainings, TRAIN_VIEW, 0, "training sessions: upcoming, past (?tool=)",
	  NAV(48, "Trainings") },
	{ "GET", "/trainings/new", page_training_new, TRAIN_PLAN, 0, "plan a training session" },
	{ "POST", "/trainings/new", page_training_create, TRAIN_PLAN, 0, "save a new training session (audited)" },
	{ "GET", "/trainings/:id", page_training, TRAIN_VIEW, 0, "one session: seats, attendance, follow-up, the payoff" },
	{ "POST", "/trainings/:id/register", page_training_register, TRAIN_VIEW, 0, "register (oneself; others: planners, the trainer), or join the waiting list" },
	{ "POST", "/trainings/:id/cancel", page_training_cancel, TRAIN_VIEW, 0, "give a seat back (the first waiting takes it)" },
	{ "POST", "/trainings/:id/attend", page_training_attend, TRAIN_VIEW, 0, "take attendance (planners, the trainer; audited)" },
	{ "POST", "/trainings/:id/follow-up", page_training_followup, TRAIN_VIEW, 0, "an attendee's three-question follow-up" },
	/* coaching cycles tied to class data (issue 15, h15-cycles) */
	{ "GET", "/coaching", page_coaching, COACHING_VIEW, 0, "coaching: the coach's caseload, a teacher's cycles, the summary by school", NAV(52, "Coaching") },
	{ "GET", "/coaching/new", page_coaching_new, COACHING_NEW, 0, "start a coaching cycle (?school=)" },
	{ "POST", "/coaching/new", page_coaching_create, COACHING_NEW, 0, "save a new coaching cycle (audited)" },
	{ "GET", "/coaching/:id", page_coaching_cycle, COACHING_VIEW, 0, "one cycle: phase; notes, steps, goals for its coach, teachers and whom they share with (audited)" },
	{ "POST", "/coaching/:id/entries", page_coaching_entry, COACHING_WRITE, 0, "a dated entry with notes, or a planned meeting (audited)" },
	{ "POST", "/coaching/:id/steps", page_coaching_step, COACHING_WRITE, 0, "an action step with its owner and due date (audited)" },
	{ "POST", "/coaching/:id/steps/done", page_coaching_step_done, COACHING_WRITE, 0, "mark an action step done (audited)" },
	{ "POST", "/coaching/:id/resources", page_coaching_resource, COACHING_WRITE, 0, "a resource: tool, strategy, known fix or link (audited)" },
	{ "POST", "/coaching/:id/goals", page_coaching_goal, COACHING_WRITE, 0, "a goal tied to the class's data (off-grade standards warned; audited)" },
	{ "POST", "/coaching/:id/share", page_coaching_share, ROLE_BIT(ROLE_TEACHER), 0, "the teacher shares the notes, or stops (audited)" },
	{ "POST", "/coaching/:id/phase", page_coaching_phase, ROLE_BIT(ROLE_COACH), 0, "the coach moves the cycle to a phase (audited)" },
	/* teams, meetings, action items (issue 15, h15-teams) */
	{ "GET", "/teams", page_teams, TEAMS_VIEW, 0, "my teams (leaders: their scope's)", NAV(54, "Teams") },
	{ "GET", "/teams/new", page_team_new, TEAMS_START, 0, "start a team (initiative, school, grade)" },
	{ "POST", "/teams/new", page_team_create, TEAMS_START, 0, "save a new team (audited)" },
	{ "GET", "/teams/:id", page_team, TEAMS_VIEW, 0, "one team: members, next meeting, open action items, the data it watches" },
	{ "POST", "/teams/:id/members", page_team_member_add, TEAMS_VIEW, 0, "add a member: a user, or a family representative or partner by name (audited)" },
	{ "POST", "/teams/:id/members/:mid/remove", page_team_member_remove, TEAMS_VIEW, 0, "remove a member (audited)" },
	{ "POST", "/teams/:id/meetings", page_team_meeting_create, TEAMS_VIEW, 0, "plan a meeting with its agenda (audited)" },
	{ "GET", "/meetings/:id", page_meeting, TEAMS_VIEW, 0, "a meeting: agenda, attendance, notes, decisions, action items (prints without the forms)" },
	{ "POST", "/meetings/:id/agenda", page_meeting_agenda, TEAMS_VIEW, 0, "add an agenda item" },
	{ "POST", "/meetings/:id/notes", page_meeting_notes, TEAMS_VIEW, 0, "save the notes" },
	{ "POST", "/meetings/:id/attendance", page_meeting_attendance, TEAMS_VIEW, 0, "take attendance" },
	{ "POST", "/meetings/:id/decisions", page_meeting_decision, TEAMS_VIEW, 0, "record a decision (an initiative's status through the initiative)" },
	{ "POST", "/meetings/:id/actions", page_meeting_action, TEAMS_VIEW, 0, "add an action item (owner on the team, due on or after the meeting)" },
	{ "GET", "/action-items", page_action_items, TEAMS_VIEW, 0, "my action items or a team's (?show=open|overdue|done|all ?team=)" },
	{ "POST", "/action-items/:id/status", page_action_item_status, TEAMS_VIEW, 0, "mark an action item done, dropped or open again" },
	{ "GET", "/champions", page_champions, CHAMPIONS_VIEW, 0, "likely tech champions per school and tool, with reasons (?school= ?tool=)" },
	{ "POST", "/champions/confirm", page_champion_confirm, ROLE_BIT(ROLE_PRINCIPAL), 0, "the principal confirms a champion: role and support matrix (audited)" },
	/* classroom observation of student discourse (issue 15, h15-obs) */
	{ "GET", "/observations", page_observations, OBS_VIEW, 0, "classroom observations: mine, my classes', shared with me",
	  NAV(53, "Observations") },
	{ "GET", "/observations/new", page_observation_new, OBS_OBSERVE, 0, "start an observation (?class= ?cycle= preselect)" },
	{ "POST", "/observations/new", page_observation_create, OBS_OBSERVE, 0, "start an observation (audited)" },
	{ "GET", "/observations/:id", page_observation, OBS_VIEW, 0, "one observation: summary, shifts, rubric, sharing (audited); :id.pdf the debrief, :id.csv the marks" },
	{ "GET", "/observations/:id/tally", page_observation_tally, OBS_OBSERVE, 0, "the live tally (the observer; no script needed)" },
	{ "POST", "/observations/:id/tally", page_observation_tally_post, OBS_OBSERVE, 0, "a tally mark, undo, next segment, close" },
	{ "POST", "/observations/:id/ratings", page_observation_rate, OBS_OBSERVE, 0, "rate an indicator with evidence; the observer's notes" },
	{ "POST", "/observations/:id/share", page_observation_share, ROLE_BIT(ROLE_TEACHER), 0, "the teacher shares the notes or stops (audited)" },
};

/* clang-format on */
const size_t routes_count = sizeof routes / sizeof routes[0];
