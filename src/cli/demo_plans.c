/* demo_plans.c - see demo_plans.h. */
#include "cli/demo_plans.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/home.h"
#include "domain/learning_plans.h"
#include "domain/mastery.h"
#include "domain/plans.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "store/db.h"

static enum eb_err make_plan(struct db *db, const struct account *t, const char *tier,
			     const char *const *sids, size_t n, const char *standard,
			     const char *tool, const char *strategy, const char *measure,
			     int32_t start, int32_t end, int64_t *id)
{
	char owner[24], s0[11], s1[11], why[PLAN_WHY_CAP];
	snprintf(owner, sizeof owner, "%lld", (long long)t->id);
	plans_day_format(start, s0);
	plans_day_format(end, s1);
	struct plan_in in = {
		.tier = tier,
		.students = sids,
		.nstudents = n,
		.standards = standard,
		.tool_id = tool,
		.strategy = strategy,
		.owner_id = owner,
		.sessions_per_week = "3",
		.minutes_per_session = "20",
		.start_date = s0,
		.end_date = s1,
		.measure = measure,
		.baseline = "30",
		.goal = "80",
		.goal_text = "Secure on the unit's first standard before the winter break",
		.checkin_every_days = "14",
	};
	struct audit_actor who = { t->id, t->login, "" };
	enum eb_err rc = plans_create(db, t, &who, &in, id, why, sizeof why);
	if (rc)
		fprintf(stderr, "demo: plan: %s\n", rc == EB_EINVAL ? why : eb_strerror(rc));
	return rc;
}

enum eb_err demo_plans(struct db *db, int64_t d, int32_t start_day)
{
	struct account t, s;
	struct arena a;
	enum eb_err rc = EB_OK;
	arena_init(&a);
	if (account_find_login(db, d, "teacher", &t) || !t.person_sid[0])
		goto out;
	struct district_levels lv;
	struct home_class *c;
	size_t nc;
	if ((rc = district_levels(db, d, &lv)) ||
	    (rc = home_teacher_classes(db, d, t.person_sid, &lv, &a, &c, &nc)))
		goto out;
	int32_t today = (int32_t)(time_now() / 86400);
	/* to six weeks from now, or less when the simulated data is older */
	int32_t end = today + 42 < start_day + 300 ? today + 42 : start_day + 300;
	/* the class with most students needing attention, else the first with a unit */
	size_t best = nc;
	for (size_t i = 0; i < nc; i++)
		if (c[i].unit && (best == nc || c[i].nneeds > c[best].nneeds))
			best = i;
	for (size_t i = best; i < nc; i = nc) {
		const struct standard *cl = standards_find(c[i].unit), *first[8];
		if (!cl || !standards_in_cluster(cl, first, 8))
			continue;
		const char *sids[3];
		size_t n = c[i].nneeds < 3 ? c[i].nneeds : 3;
		for (size_t k = 0; k < n; k++)
			sids[k] = c[i].needs[k].sid;
		struct roster_person_row *st;
		size_t ns;
		if (!n && roster_class_students(db, d, c[i].sid, &a, &st, &ns) == EB_OK)
			for (; n < ns && n < 3; n++)
				sids[n] = st[n].sourced_id;
		if (!n)
			continue;
		/* the unit's standard the first student is least sure of */
		size_t nf = standards_in_cluster(cl, first, 8), pick = 0;
		double low = 2;
		for (size_t k = 0; k < nf && k < 8; k++) {
			double p = mastery_p(db, d, sids[0], first[k]->code);
			if (p >= 0 && p < low) {
				low = p;
				pick = k;
			}
		}
		first[0] = first[pick];
		char tool[24] = "";
		if (c[i].ntools)
			snprintf(tool, sizeof tool, "%lld", (long long)c[i].tools[0].tool_id);
		int64_t id2 = 0, id3 = 0;
		if ((rc = make_plan(db, &t, "2", sids, n, first[0]->code, tool,
				    "Re-teach in a small group with manipulatives", "mastery",
				    start_day, end, &id2)) ||
		    (rc = make_plan(db, &t, "3", sids, 1, first[0]->code, "",
				    "Worked examples, then a number talk, three times a week",
				    "mastery", start_day + 14, end, &id3)))
			goto out;
		printf("intervention plans %lld (tier 2, %zu student%s) and %lld (tier 3) in %s\n",
		       (long long)id2, n, n == 1 ? "" : "s", (long long)id3, c[i].title);
		break;
	}
	/* the demo student's learning plan */
	if (account_find_login(db, d, "student", &s) || !s.person_sid[0])
		goto out;
	struct mastery_row *cells;
	size_t ncells;
	if ((rc = mastery_student_cells(db, d, s.person_sid, &a, &cells, &ncells)))
		goto out;
	struct audit_actor who_t = { t.id, t.login, "" }, who_s = { s.id, s.login, "" };
	for (size_t i = 0; i < ncells; i++) {
		const struct standard *st = standards_find(cells[i].standard);
		if (!st || st->kind != STANDARD_STANDARD || !st->family_description ||
		    mastery_level_of(&lv, cells[i].c.p) == MASTERY_MASTERED)
			continue;
		char why[LPLAN_WHY_CAP];
		int64_t gid;
		struct lplan_pathway *pw;
		size_t npw = 0;
		if ((rc = lplan_goal_add(db, d, &who_t, s.person_sid, st->code,
					 "the next step in this unit", false, &gid, why,
					 sizeof why)) ||
		    (rc = lplan_suggest(db, d, s.person_sid, st->code, 1, &a, &pw, &npw)))
			goto out;
		if (npw && (rc = lplan_pathway_add(db, d, &who_t, s.person_sid, gid, pw[0].tool_id,
						   pw[0].title, pw[0].what, why, sizeof why)))
			goto out;
		rc = lplan_reflection_set(db, d, &who_s, s.person_sid,
					  "I can do the practice sets now. Word problems are still "
					  "hard for me.",
					  why, sizeof why);
		printf("learning plan of the demo student: goal %s\n", st->code);
		break;
	}
out:
	arena_free(&a);
	return rc;
}
