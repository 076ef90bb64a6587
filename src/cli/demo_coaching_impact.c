/* demo_coaching_impact.c - see demo_coaching_impact.h. */
#include "cli/demo_coaching_impact.h"

#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/coaching.h"
#include "domain/coaching_impact.h"
#include "sim/district.h"
#include "sim/learning.h"

#define START_WEEK 3
#define END_WEEK 9

static void ymd(int32_t days, char out[16])
{
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, 16, "%04d-%02u-%02u", y, m, d);
}

/* One completed cycle of the coach with teacher (an account) on the
 * teacher's classes. */
static enum eb_err one_cycle(struct db *db, int64_t d, const struct sim_learning *l,
			     const struct account *coach, int64_t teacher, int grade,
			     const char *const *classes, size_t nclasses)
{
	const struct standard *tracked[64];
	size_t nfocus = 0;
	sim_learning_tracked(l, grade, tracked, 64, &nfocus);
	if (nfocus < 3)
		return EB_OK;
	char standards[128];
	snprintf(standards, sizeof standards, "%s, %s, %s", tracked[0]->code, tracked[1]->code,
		 tracked[2]->code);
	char start[16], end[16], mid[16], tid[24], cid[24], title[80];
	ymd(sim_learning_week_day(l, START_WEEK), start);
	ymd(sim_learning_week_day(l, END_WEEK), end);
	ymd(sim_learning_week_day(l, (START_WEEK + END_WEEK) / 2), mid);
	snprintf(tid, sizeof tid, "%lld", (long long)teacher);
	snprintf(cid, sizeof cid, "%lld", (long long)coach->id);
	snprintf(title, sizeof title, "Grade %d: reasoning on the unit's focus standards", grade);
	const char *teachers[1] = { tid };
	struct coaching_form f = { .title = title,
				   .coach = cid,
				   .started_on = start,
				   .teachers = teachers,
				   .nteachers = 1,
				   .classes = classes,
				   .nclasses = nclasses };
	struct audit_actor who = { coach->id, coach->login, "" };
	char why[COACHING_WHY_CAP];
	int64_t id, goal;
	enum eb_err rc = coaching_cycle_create(db, d, &f, &who, &id, why, sizeof why);
	if (rc) {
		fprintf(stderr, "demo: coaching cycle: %s\n", why);
		return rc;
	}
	struct coaching_goal_form g = { .kind = "students",
					.class_sid = classes[0],
					.standards = standards,
					.target = "80",
					.target_on = end,
					.confirm = true };
	if ((rc = coaching_goal_add(db, d, id, &g, start, &who, &goal, why, sizeof why)) ||
	    (rc = coaching_entry_add(db, d, id, "kickoff", start, "",
				     "Looked at the class's data"
				     " on the focus standards together.",
				     &who, why, sizeof why)) ||
	    (rc = coaching_entry_add(db, d, id, "co_teaching", mid, "",
				     "Co-taught a lesson: students explained their reasoning"
				     " in pairs before the whole-class discussion.",
				     &who, why, sizeof why)) ||
	    (rc = coaching_set_phase(db, d, id, "completed", end, &who, why, sizeof why)))
		fprintf(stderr, "demo: coaching cycle %lld: %s\n", (long long)id, why);
	return rc;
}

enum eb_err demo_coaching_impact(struct db *db, int64_t d, const struct sim_learning *l)
{
	struct account coach;
	if (account_find_login(db, d, "coach", &coach) != EB_OK)
		return EB_OK;
	const struct sim_district *sd = sim_learning_district(l);
	size_t nt, nc;
	const struct sim_teacher *te = sim_teachers(sd, &nt);
	const struct sim_class *cls = sim_classes(sd, &nc);
	size_t made = 0, nclasses = 0;
	enum eb_err rc = EB_OK;
	/* odd teachers from the end of the list: the trainings' demo signs in
	 * even ones from the start */
	for (size_t i = nt; i-- > 0 && made < DEMO_COACHED && !rc;) {
		if (i % 2 == 0 || te[i].lo_grade < 3 || te[i].hi_grade > 8)
			continue;
		char sids[COACHING_CLASSES_MAX][SIM_ID_MAX];
		const char *classes[COACHING_CLASSES_MAX];
		size_t k = 0;
		int grade = -1;
		for (size_t c = 0; c < nc && k < COACHING_CLASSES_MAX; c++) {
			if (cls[c].teacher != (int)i || (grade >= 0 && cls[c].grade != grade))
				continue;
			grade = cls[c].grade;
			sim_class_id(sd, c, sids[k]);
			classes[k] = sids[k];
			k++;
		}
		if (!k)
			continue;
		char sid[SIM_ID_MAX], login[40], name[120], school[SIM_ID_MAX];
		sim_teacher_id(i, sid);
		sim_school_id(sd, (size_t)te[i].school, school);
		snprintf(login, sizeof login, "demo.coached%02zu", made + 1);
		snprintf(name, sizeof name, "%s %s", te[i].given, te[i].family_name);
		int64_t id;
		rc = account_create(db, d, login, name, NULL, sid, &id);
		if (rc == EB_EEXIST) {
			rc = EB_OK;
			continue;
		}
		if (!rc)
			rc = account_add_role(db, d, id, ROLE_TEACHER, "school", school);
		if (!rc)
			rc = one_cycle(db, d, l, &coach, id, grade, classes, k);
		if (!rc)
			made++, nclasses += k;
	}
	if (rc)
		return rc;
	printf("coaching impact: %zu completed cycles on %zu classes\n", made, nclasses);
	return EB_OK;
}
