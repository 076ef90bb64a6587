/* pages.h - every page and endpoint handler, one file per page family. */
#ifndef EB_PAGES_H
#define EB_PAGES_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct http_request;

/* static.c */
void page_healthz(struct http_request *req);
void page_style(struct http_request *req);
void page_root(struct http_request *req);
/* login.c */
void page_login_form(struct http_request *req);
void page_login_submit(struct http_request *req);
void page_code_form(struct http_request *req);
void page_code_submit(struct http_request *req);
/* a family's sign-in link (domain/family_link.h): GET shows the button,
 * POST spends the link */
void page_family_link_form(struct http_request *req);
void page_family_link_submit(struct http_request *req);
/* family_delivery.c (issue 13): the one-click opt-out of an email (GET
 * shows, POST stops; no CSRF: the token is the authority, RFC 8058), the
 * reach report, the district's delivery settings */
void page_unsubscribe_form(struct http_request *req);
void page_unsubscribe_submit(struct http_request *req);
void page_families_reach(struct http_request *req);
void page_admin_delivery(struct http_request *req);
/* single sign-on (pages/sso.c, docs/sso.md) */
void page_sso_start(struct http_request *req);
void page_sso_callback(struct http_request *req);
void page_admin_sso(struct http_request *req);
void page_admin_sso_add(struct http_request *req);
void page_admin_sso_remove(struct http_request *req);
/* the login page's "Sign in with ..." buttons of the district's providers */
void page_sso_buttons(struct http_request *req);
/* after sign-out: the link to the provider's own sign-out, when it has one */
void page_sso_signed_out(struct http_request *req);
void page_admin_delivery_save(struct http_request *req);
void page_logout(struct http_request *req);
void page_account_password_form(struct http_request *req);
void page_account_password(struct http_request *req);
void page_account_devices(struct http_request *req);
/* letters.c: printed letters to families (PDF per school; issue 13) */
void page_family_letters(struct http_request *req);
/* home.c */
void page_home(struct http_request *req);
/* roster.c */
void page_schools(struct http_request *req);
void page_school(struct http_request *req);
void page_class(struct http_request *req);
void page_student(struct http_request *req);
struct roster_person_row;
/* The one way into a student's record: checks the viewer may see the
 * student, loads the roster row into *p and writes the audit entry (`what`
 * says which view). On false an error page (404 or 503) is already written. */
bool page_student_open(struct http_request *req, const char *sid, const char *what,
		       struct roster_person_row *p);
/* A record the viewer may not see (or that does not exist): writes the
 * refused attempt to the audit log (subject_type student or class) and
 * answers 404, the same either way. */
void page_refused(struct http_request *req, const char *subject_type, const char *id);
/* The audit entry of a bulk view or export of student data (action view or
 * export, students: how many). On false a 503 page is already written: no
 * record of the view, no view. */
bool page_audit_bulk(struct http_request *req, const char *action, const char *subject_type,
		     const char *id, int64_t students, const char *what);
/* mastery.c */
void page_class_mastery(struct http_request *req);
void page_student_mastery(struct http_request *req);
void page_standard_mastery(struct http_request *req);
/* groups.c: small groups of a class (issue 12) */
void page_class_groups(struct http_request *req);
void page_class_groups_save(struct http_request *req);
void page_class_groups_print(struct http_request *req);
struct home_ctx;
/* The teacher's "groups to meet" next steps (home_staff.c calls it with its
 * own step function): one per class whose groups are saved, older than a
 * week as "see who moved up and regroup". */
void page_groups_home_steps(struct http_request *req, struct home_ctx *h,
			    void (*step)(struct home_ctx *h, const char *href, const char *fmt,
					 ...));
/* family.c: what families and students read (plain words, no numbers) */
struct account;
/* True for a viewer with no staff role: a guardian or a student, who reads
 * the family views below instead of the staff's. */
bool page_family_viewer(const struct account *a);
/* /students/:id and /students/:id/mastery for a family viewer, after
 * page_student_open (access checked, view audited). */
void page_family_record(struct http_request *req, const struct roster_person_row *p);
void page_family_mastery(struct http_request *req, const struct roster_person_row *p);
/* The home page's sections: a guardian's children (each audited as a view
 * of the child's learning), a student's next steps. */
void page_family_home_guardian(struct http_request *req);
void page_family_home_student(struct http_request *req);
/* family_lang.c: the family's language on its pages (docs/i18n.md) */
/* Sets req->lang to the signed-in family viewer's language (before
 * page_begin of a page about no one child, such as the home page). */
void page_family_use_lang(struct http_request *req);
/* The language form (POST /family/language) and, when the roster's
 * language is one we do not have, the line that says so. */
void page_family_language_form(struct http_request *req);
/* family_paper.c: "Send me a paper letter too" on a guardian's home page
 * (the paper preference of domain/family_contact), and its POST */
void page_family_paper_form(struct http_request *req);
void page_family_paper(struct http_request *req);
/* POST /family/language: stores the account's choice (lang, a tag of
 * i18n_at), audited; 400 for another value. */
void page_family_language(struct http_request *req);
/* The access-code letter's body for account a in the family's language
 * (code: the new code; url: page_public_url() or NULL). */
void page_family_code_letter(struct http_request *req, const struct account *a, const char *code,
			     const char *url);
/* family.c: the viewer is the student sid itself (not a guardian) */
bool page_family_is_self(const struct account *a, const char *sid);
/* student_dash.c: the student dashboard, formative feedback, families'
 * messages to the teacher (docs/student_dashboard.md) */
struct district_levels;
struct home_ctx;
/* The student's home below what to work on next: per class the next step
 * and tool links, goals, feedback with answer boxes, the reflection. */
void page_student_dash_sections(struct http_request *req, const char *sid,
				const struct district_levels *lv);
/* The family page of a child below the update: goals, shared feedback,
 * at-home activities for focus[0..n) (standard codes), the reply box. */
void page_family_child_sections(struct http_request *req, const char *sid, const char *name,
				const char *const *focus, size_t nfocus);
/* The feedback form and list and the family's messages (staff student page). */
void page_feedback_staff_section(struct http_request *req, const char *sid);
void page_student_feedback(struct http_request *req);
void page_student_feedback_answer(struct http_request *req);
void page_class_feedback(struct http_request *req);
void page_class_feedback_give(struct http_request *req);
void page_family_message(struct http_request *req);
/* The teacher's home section: steps for families' messages and students'
 * answers (home_staff.c's table); shows nothing of its own. */
void *page_feedback_home_load(struct home_ctx *h);
/* notes.c: a teacher's note to families for this week */
#define PAGE_NOTE_ROLES                                                                            \
	((1u << ROLE_TEACHER) | (1u << ROLE_PRINCIPAL) | (1u << ROLE_COACH) |                      \
	 (1u << ROLE_DISTRICT_ADMIN) | (1u << ROLE_COORDINATOR))
/* The note form of a student or class page (scope_type "student" or
 * "class"), for a viewer who may write notes; nothing for others. */
void page_note_section(struct http_request *req, const char *scope_type, const char *scope_id);
/* POST /students/:id/note and /classes/:id/note: saves (or, empty,
 * deletes) this week's note, audited, then translates it for the
 * families; back to the page. */
void page_student_note(struct http_request *req);
void page_class_note(struct http_request *req);
/* admin.c */
void page_admin_users(struct http_request *req);
void page_admin_user_create(struct http_request *req);
void page_admin_user(struct http_request *req);
void page_admin_user_role(struct http_request *req);
void page_admin_user_code(struct http_request *req);
void page_admin_user_status(struct http_request *req);
void page_admin_user_password(struct http_request *req);
void page_admin_user_unlock(struct http_request *req);
void page_admin_user_devices(struct http_request *req);
void page_admin_audit(struct http_request *req);
void page_admin_district(struct http_request *req);
void page_admin_district_save(struct http_request *req);
/* import.c */
void page_admin_import_form(struct http_request *req);
void page_admin_import(struct http_request *req);
/* import_history.c: /admin/imports and /admin/imports/:id (issue 17) */
void page_admin_imports(struct http_request *req);
void page_admin_import_run(struct http_request *req);
/* roster_sync.c: OneRoster REST sources, "Sync now" and the last runs */
void page_admin_roster_sync(struct http_request *req);
void page_admin_roster_sync_run(struct http_request *req);
/* gradebook.c: GET /gradebook (line items and the results waiting for the
 * roster; administrators and coordinators: the district, a teacher: own
 * classes; audited) and GET /gradebook/item?id=SID (one line item's
 * results; access_class; audited) */
void page_gradebook(struct http_request *req);
void page_gradebook_item(struct http_request *req);
/* POST /admin/roster-sync/add, /admin/roster-sync/:id/edit and /:id/remove:
 * a source added, changed or removed (the secret sealed; audited); bad
 * input: 400 with the field named, nothing stored */
void page_admin_roster_sync_add(struct http_request *req);
void page_admin_roster_sync_edit(struct http_request *req);
void page_admin_roster_sync_remove(struct http_request *req);
/* standards.c */
void page_standards(struct http_request *req);
void page_standard(struct http_request *req);
/* tools.c */
void page_tools(struct http_request *req);
void page_tools_approved(struct http_request *req);
void page_tool_new_form(struct http_request *req);
void page_tool_create(struct http_request *req);
void page_tool_request_form(struct http_request *req);
void page_tool_request(struct http_request *req);
void page_tool(struct http_request *req);
void page_tool_update(struct http_request *req);
void page_tool_status(struct http_request *req);
void page_tool_support(struct http_request *req);
void page_tool_credentials(struct http_request *req);
/* tool_data.c: a tool's data panel (called by the tool page), CSV upload, mapping */
struct tool;
void page_tool_data_section(struct http_request *req, const struct tool *t);
void page_tool_csv(struct http_request *req);
void page_tool_map(struct http_request *req);
/* lti_services.c: a tool's data-sharing scopes (issue 16, h16-ags) */
void page_tool_scopes_section(struct http_request *req, const struct tool *t);
void page_tool_scopes(struct http_request *req);
void page_tool_scopes_set(struct http_request *req);
void page_tool_forget_section(struct http_request *req, const struct tool *t);
void page_tool_forget(struct http_request *req);
/* api/lti_services.c: the LTI Advantage services tools call (h16-ags) */
void api_lti_token(struct http_request *req);
void api_lti_lineitems_get(struct http_request *req);
void api_lti_lineitems_post(struct http_request *req);
void api_lti_lineitem_get(struct http_request *req);
void api_lti_lineitem_put(struct http_request *req);
void api_lti_lineitem_delete(struct http_request *req);
void api_lti_scores(struct http_request *req);
void api_lti_results(struct http_request *req);
void api_lti_nrps(struct http_request *req);
/* lti.c: LTI 1.3 launches (issue 16, h16-lti; docs/lti.md): a resource link's
 * launch, a deep-linking request, the tool's authentication request, the
 * deep-linking return, edbridge's JWKS; the sections of the class page, the
 * student dashboard (sid: the student's roster id) and the tool page */
void page_lti_launch(struct http_request *req);
void page_lti_add(struct http_request *req);
void page_lti_login(struct http_request *req);
void page_lti_deep_return(struct http_request *req);
void page_lti_jwks(struct http_request *req);
void page_lti_script(struct http_request *req);
void page_lti_link_standards(struct http_request *req);
void page_lti_class_section(struct http_request *req, const char *cid);
void page_lti_student_section(struct http_request *req, const char *sid);
void page_lti_tool_section(struct http_request *req, const struct tool *t);

/* api/ingest.c - the endpoints tools send data to */
void api_xapi_statements_get(struct http_request *req);
void api_xapi_statements_post(struct http_request *req);
void api_xapi_statements_put(struct http_request *req);
void api_xapi_about(struct http_request *req);
void api_xapi_unsupported(struct http_request *req);
/* api/xapi_docs.c - the xAPI document resources, Activities and Agents: one
 * handler per resource, reading req->method (GET, HEAD, PUT, POST, DELETE), so
 * that the alternate request syntax can call it once it set the real method */
void api_xapi_state(struct http_request *req);
void api_xapi_activity_profile(struct http_request *req);
void api_xapi_agent_profile(struct http_request *req);
void api_xapi_activities(struct http_request *req);
void api_xapi_agents(struct http_request *req);
void api_caliper(struct http_request *req);
/* the text-message provider's webhooks (web/api/sms.c; signed, public) */
void api_sms_inbound(struct http_request *req);
void api_sms_status(struct http_request *req);
/* Before a body is read: the tool's credentials from the headers (HTTP
 * Basic under /xapi/, a bearer token for /caliper); false after answering
 * 401 as the endpoint would. The identity found is kept for the handler,
 * and *body_cap lowered to the endpoint's own limit. */
bool api_tool_admit(struct http_request *req, size_t *body_cap);
/* initiatives.c */
void page_initiatives(struct http_request *req);
void page_initiative_new(struct http_request *req);
void page_initiative_create(struct http_request *req);
void page_initiative(struct http_request *req);
void page_initiative_status(struct http_request *req);
/* recommend.c: the next best intervention (issue 12, h12-recs) */
void page_student_recommendations(struct http_request *req);
void page_class_recommendations(struct http_request *req);
void page_student_recommendation_done(struct http_request *req);
void page_class_recommendation_done(struct http_request *req);
/* whats_working.c */
void page_whats_working(struct http_request *req);
/* whats_working_export.c */
void page_whats_working_csv(struct http_request *req);
void page_whats_working_xlsx(struct http_request *req);
/* assessments.c: common assessments by standard */
void page_assessments(struct http_request *req);
void page_assessment_create(struct http_request *req);
void page_assessment(struct http_request *req);
void page_assessment_items(struct http_request *req);
void page_assessment_results(struct http_request *req);
void page_assessment_sheets(struct http_request *req);
/* plans.c: intervention plans (issue 12) */
void page_plans(struct http_request *req);
void page_plan_new(struct http_request *req);
void page_plan_create(struct http_request *req);
void page_plan(struct http_request *req);
void page_plan_edit(struct http_request *req);
void page_plan_update(struct http_request *req);
void page_plan_checkin(struct http_request *req);
/* learning_plan.c: personalized learning plans (issue 12) */
void page_learning_plan(struct http_request *req);
void page_learning_goal_add(struct http_request *req);
void page_learning_goal_remove(struct http_request *req);
void page_learning_pathway_add(struct http_request *req);
void page_learning_reflection(struct http_request *req);
void page_class_learning_plans(struct http_request *req);
/* kb.c: the knowledge base of known fixes per tool (issue 14, h14-kb) */
void page_kb(struct http_request *req);
void page_kb_article(struct http_request *req);
void page_kb_new(struct http_request *req);
void page_kb_create(struct http_request *req);
void page_kb_edit(struct http_request *req);
void page_kb_update(struct http_request *req);
void page_kb_helped(struct http_request *req);
void page_kb_suggest(struct http_request *req);
void page_kb_script(struct http_request *req);
/* For the new-ticket form: the known fixes that match what the reporter
 * typed (text: the title and description; tool_id 0: any tool), in a
 * section whose list is an aria-live region that assets/kb_suggest.js
 * refills as they type. checked: the reporter pressed "Check for known
 * fixes" (without JavaScript), so the matches are searched and shown now
 * (or "none yet"); otherwise the list starts with the tool's three known
 * fixes that helped most (empty without a tool). Each match has its
 * "This fixed it, no need to report" button (a deflected ticket). */
void page_kb_suggestions(struct http_request *req, int64_t tool_id, const char *text, bool checked);
/* The "Check for known fixes" submit button (name "check", to be placed in
 * the ticket form: the form's handler re-shows the form with
 * page_kb_suggestions(..., true) when it is pressed, filing nothing) and
 * the script that suggests as one types. */
void page_kb_check_button(struct http_request *req);
/* ticket_reports.c: the support reports (issue 14, h14-kb) */
void page_ticket_reports(struct http_request *req);
/* coaching.c: coaching cycles tied to class data (issue 15, h15-cycles) */
void page_coaching(struct http_request *req);
void page_coaching_new(struct http_request *req);
void page_coaching_create(struct http_request *req);
void page_coaching_cycle(struct http_request *req);
void page_coaching_entry(struct http_request *req);
void page_coaching_step(struct http_request *req);
void page_coaching_step_done(struct http_request *req);
void page_coaching_resource(struct http_request *req);
void page_coaching_goal(struct http_request *req);
void page_coaching_share(struct http_request *req);
void page_coaching_phase(struct http_request *req);
/* trainings.c: training sessions (issue 14, h14-train) */
void page_trainings(struct http_request *req);
void page_training_new(struct http_request *req);
void page_training_create(struct http_request *req);
void page_training(struct http_request *req);
void page_training_register(struct http_request *req);
void page_training_cancel(struct http_request *req);
void page_training_attend(struct http_request *req);
void page_training_followup(struct http_request *req);
/* champions.c: likely tech champions found from the data (issue 14) */
void page_champions(struct http_request *req);
void page_champion_confirm(struct http_request *req);
/* teams.c: teams, meetings, action items (issue 15, h15-teams; docs/teams.md) */
void page_teams(struct http_request *req);
void page_team_new(struct http_request *req);
void page_team_create(struct http_request *req);
void page_team(struct http_request *req);
void page_team_member_add(struct http_request *req);
void page_team_member_remove(struct http_request *req);
void page_team_meeting_create(struct http_request *req);
void page_meeting(struct http_request *req);
void page_meeting_agenda(struct http_request *req);
void page_meeting_notes(struct http_request *req);
void page_meeting_attendance(struct http_request *req);
void page_meeting_decision(struct http_request *req);
void page_meeting_action(struct http_request *req);
void page_action_items(struct http_request *req);
void page_action_item_status(struct http_request *req);

/* devices.c: the device inventory (issue 14, h14-devices) */
void page_devices(struct http_request *req);
void page_devices_import(struct http_request *req);
void page_device(struct http_request *req);
void page_device_checkout(struct http_request *req);
void page_device_checkin(struct http_request *req);
/* IT's home: loans overdue (home_staff.c's section table) */
void *page_devices_home_load(struct home_ctx *h);
void page_devices_home_write(struct home_ctx *h, void *state);
/* The reach report's part: families without home internet and the
 * hotspots lent to them, per school (school NULL: every school). */
void page_devices_reach(struct http_request *req, const char *school);
/* tickets.c: support tickets (issue 14, h14-tickets; docs/support.md) */
struct ticket_row;
/* The report-a-problem form, built in this one function (h14-kb adds the
 * known fixes to it): the fields as given (NULL: none), error (may be
 * NULL) shown above, similar[0..nsimilar) offered as "is it this?" with a
 * join button each (the form then files only on confirm). Writes the whole
 * page with req->status as set; families and students read it in their
 * language (req->lang) without the staff's fields (priority, sharing). */
struct page_ticket_form {
	const char *tool, *class_sid, *device, *title, *body, *priority, *error;
	bool share;
	const struct ticket_row *similar;
	size_t nsimilar;
	bool check_kb; /* "Check for known fixes" was pressed (h14-kb) */
};
void page_ticket_form(struct http_request *req, const struct page_ticket_form *in);
void page_tickets(struct http_request *req);
void page_ticket_new(struct http_request *req);
void page_ticket_create(struct http_request *req);
void page_ticket(struct http_request *req);
void page_ticket_join(struct http_request *req);
void page_ticket_comment(struct http_request *req);
void page_ticket_status(struct http_request *req);
void page_ticket_escalate(struct http_request *req);
void page_ticket_merge(struct http_request *req);
void page_ticket_attach(struct http_request *req);
void page_ticket_attachment(struct http_request *req);
/* IT's and the champion's home (home_staff.c's section table): next steps
 * for the tickets near or past their target, and their section */
struct home_ctx;
void *page_tickets_home_load(struct home_ctx *h);
void page_tickets_home_write(struct home_ctx *h, void *state);

#endif
