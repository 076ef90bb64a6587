/* demo_lti.c - the demo district's LTI activities (see demo_lti.h). */
#include "cli/demo_lti.h"

#include <stdio.h>
#include <string.h>

#include "domain/account.h"
#include "domain/audit.h"
#include "domain/lti.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "store/db.h"

static const struct {
	const char *title, *standards, *resource;
} activities[] = {
	{ "Equivalent fractions on a number line", "3.NF.A.3", "eq-fractions" },
	{ "Area with unit squares", "3.MD.C.6", "area-squares" },
	{ "Warm-up puzzles", "", "warm-up" },
};

enum eb_err demo_lti(struct db *db, int64_t district_id, int64_t tool_id)
{
	const struct audit_actor who = { 0, "cli", "" };
	struct account teacher, student;
	struct tool t;
	char why[300], tid[24];
	int64_t lti_id, link;
	int made = 0;
	if (account_find_login(db, district_id, "teacher", &teacher) ||
	    account_find_login(db, district_id, "student", &student) ||
	    tools_get(db, district_id, tool_id, &t))
		return EB_OK;
	snprintf(tid, sizeof tid, "%lld", (long long)tool_id);
	struct lti_tool_form in = {
		.tool = tid,
		.client_id = "demo-practice-tool",
		.deployment_ids = "demo-deployment-1",
		.login_url = "https://lti-tool.example.org/login",
		.launch_url = "https://lti-tool.example.org/launch",
		.jwks_url = "https://lti-tool.example.org/keys",
		.deep_link_url = "https://lti-tool.example.org/deep-link",
	};
	enum eb_err rc = lti_tool_add(db, district_id, &in, &who, &lti_id, why, sizeof why);
	if (rc) {
		fprintf(stderr, "demo: lti: %s\n", why);
		return rc;
	}
	struct arena ar;
	struct roster_class_row *tc = NULL, *sc = NULL;
	size_t nt = 0, ns = 0;
	arena_init(&ar);
	if (teacher.person_sid[0])
		roster_teacher_classes(db, district_id, teacher.person_sid, &ar, &tc, &nt);
	if (student.person_sid[0])
		roster_student_classes(db, district_id, student.person_sid, &ar, &sc, &ns);
	for (size_t k = 0; k < nt + ns && !rc; k++) {
		const char *cid = k < nt ? tc[k].sourced_id : sc[k - nt].sourced_id;
		bool again = false; /* the student may be in one of the teacher's classes */
		for (size_t j = 0; j < k && j < nt; j++)
			again |= strcmp(tc[j].sourced_id, cid) == 0;
		if (again)
			continue;
		for (size_t i = 0; i < sizeof activities / sizeof activities[0] && !rc; i++) {
			struct lti_link_form f = { .class_sourced_id = cid,
						   .title = activities[i].title,
						   .standards = activities[i].standards,
						   .resource_id = activities[i].resource };
			rc = lti_link_add(db, district_id, lti_id, &f, &who, &link, why,
					  sizeof why);
			made++;
		}
	}
	arena_free(&ar);
	if (rc) {
		fprintf(stderr, "demo: lti link: %s\n", why[0] ? why : eb_strerror(rc));
		return rc;
	}
	printf("lti: %s registered for launches, %d activities in the demo classes\n", t.name,
	       made);
	return EB_OK;
}
