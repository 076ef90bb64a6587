/* demo_coaching.c - see demo_coaching.h. */
#include "cli/demo_coaching.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/account.h"
#include "domain/coaching.h"
#include "domain/district.h"
#include "domain/groups.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/strategies.h"

static void ymd(int32_t day, char out[11])
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}

static int64_t login_id(struct db *db, int64_t d, const char *login)
{
	struct account a;
	return account_find_login(db, d, login, &a) == EB_OK ? a.id : 0;
}

struct demo {
	struct db *db;
	int64_t d;
	int32_t today;
	struct audit_actor coach;
	enum eb_err rc;
};

static int64_t cycle(struct demo *x, const char *title, const int64_t *teachers, size_t nt,
		     const char *cls, int32_t started)
{
	char ids[4][24], start[11], why[COACHING_WHY_CAP] = "";
	const char *tv[4], *cv[1] = { cls };
	for (size_t i = 0; i < nt && i < 4; i++) {
		snprintf(ids[i], sizeof ids[i], "%lld", (long long)teachers[i]);
		tv[i] = ids[i];
	}
	ymd(started, start);
	struct coaching_form f = { .title = title,
				   .started_on = start,
				   .teachers = tv,
				   .nteachers = nt,
				   .classes = cv,
				   .nclasses = 1 };
	int64_t id = 0;
	if (!x->rc &&
	    (x->rc = coaching_cycle_create(x->db, x->d, &f, &x->coach, &id, why, sizeof why)))
		fprintf(stderr, "demo: coaching cycle %s: %s\n", title, why);
	return id;
}

static void entry(struct demo *x, int64_t c, const char *kind, int32_t day, const char *at,
		  const char *notes)
{
	char ds[11], why[COACHING_WHY_CAP] = "";
	ymd(day, ds);
	if (!x->rc && (x->rc = coaching_entry_add(x->db, x->d, c, kind, ds, at, notes, &x->coach,
						  why, sizeof why)))
		fprintf(stderr, "demo: coaching entry: %s\n", why);
}

static void step(struct demo *x, int64_t c, const char *body, int64_t owner, int32_t due, bool done)
{
	char ds[11], os[24], why[COACHING_WHY_CAP] = "";
	ymd(due, ds);
	snprintf(os, sizeof os, "%lld", (long long)owner);
	if (!x->rc &&
	    (x->rc = coaching_step_add(x->db, x->d, c, body, os, ds, &x->coach, why, sizeof why)))
		fprintf(stderr, "demo: coaching step: %s\n", why);
	if (!x->rc && done) {
		struct arena a;
		arena_init(&a);
		struct coaching_step *s;
		size_t n;
		if (!(x->rc = coaching_steps(x->db, x->d, c, &a, &s, &n)))
			for (size_t i = 0; i < n; i++)
				if (strcmp(s[i].body, body) == 0 && !x->rc)
					x->rc = coaching_step_done(x->db, x->d, c, s[i].id, ds,
								   &x->coach);
		arena_free(&a);
	}
}

static void goal(struct demo *x, int64_t c, const char *cls, const char *standard, double target,
		 int32_t set_on, int32_t by)
{
	char t[16], ds[11], bs[11], why[COACHING_WHY_CAP] = "";
	snprintf(t, sizeof t, "%.0f", target);
	ymd(set_on, ds);
	ymd(by, bs);
	struct coaching_goal_form f = { .kind = "students",
					.class_sid = cls,
					.standards = standard,
					.target = t,
					.target_on = bs,
					.confirm = true };
	if (!x->rc &&
	    (x->rc = coaching_goal_add(x->db, x->d, c, &f, ds, &x->coach, NULL, why, sizeof why)))
		fprintf(stderr, "demo: coaching goal: %s\n", why);
}

static void phase(struct demo *x, int64_t c, const char *p, int32_t day)
{
	char ds[11], why[COACHING_WHY_CAP] = "";
	ymd(day, ds);
	if (!x->rc &&
	    (x->rc = coaching_set_phase(x->db, x->d, c, p, ds, &x->coach, why, sizeof why)))
		fprintf(stderr, "demo: coaching phase: %s\n", why);
}

/* The class's grade's standards with the lowest and the highest share of
 * students secure. */
static void pick_standards(struct demo *x, const char *cls, const char *grades, const char **low,
			   double *low_pct, const char **high, double *high_pct)
{
	int g = groups_class_grade(grades);
	*low = *high = NULL;
	*low_pct = 101;
	*high_pct = -1;
	for (size_t i = 0; i < standards_count(); i++) {
		const struct standard *s = standards_at(i);
		if (s->kind != STANDARD_STANDARD || s->grade != (g < 0 ? 5 : g))
			continue;
		double pct;
		int n;
		const char *one[] = { s->code };
		if (coaching_class_secure(x->db, x->d, cls, one, 1, &pct, &n) || pct < 0)
			continue;
		if (pct < *low_pct) {
			*low_pct = pct;
			*low = s->code;
		}
		if (pct > *high_pct) {
			*high_pct = pct;
			*high = s->code;
		}
	}
}

enum eb_err demo_coaching(struct db *db, int64_t d)
{
	int64_t coach = login_id(db, d, "coach"), teacher = login_id(db, d, "teacher");
	int64_t principal = login_id(db, d, "principal");
	if (!coach || !teacher || standards_init())
		return EB_OK;
	/* today in the district's zone, as the pages count it */
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	const struct tz *z = district_time_zone(db, d, zname, sizeof zname) ? NULL : tz_get(zname);
	int64_t now = time_now();
	struct demo x = { .db = db,
			  .d = d,
			  .today = (int32_t)((now + (z ? tz_offset(z, now, NULL) : 0)) / 86400),
			  .coach = { coach, "coach", "" } };
	struct arena a;
	arena_init(&a);
	struct account ta;
	struct roster_class_row *mine = NULL;
	size_t nmine = 0;
	struct coaching_candidate *c = NULL;
	size_t nc = 0;
	bool more;
	if ((x.rc = account_get(db, d, teacher, &ta)) ||
	    (x.rc = roster_teacher_classes(db, d, ta.person_sid, &a, &mine, &nmine)) ||
	    (x.rc = coaching_candidates(db, d, NULL, 60, &a, &c, &nc, &more)) || !nmine)
		goto out;
	/* four other teachers with a class */
	int64_t others[4];
	const char *oclass[4];
	size_t no = 0;
	for (size_t i = 0; i < nc && no < 4; i++)
		if (c[i].id != teacher && c[i].nclasses) {
			others[no] = c[i].id;
			oclass[no++] = c[i].classes[0];
		}
	int32_t t = x.today;
	const char *cls = mine[0].sourced_id, *low, *high;
	double low_pct, high_pct;
	pick_standards(&x, cls, mine[0].grades ? mine[0].grades : "", &low, &low_pct, &high,
		       &high_pct);

	/* 1. the demo teacher, improve: a debrief today, a goal at risk, a goal met */
	int64_t c1 = cycle(&x, "Fractions on the number line", &teacher, 1, cls, t - 35);
	entry(&x, c1, "kickoff", t - 35, "15:30",
	      "Looked at the class's mastery together: most students place unit fractions but"
	      " not fractions greater than one.");
	entry(&x, c1, "goal_setting", t - 28, "15:30",
	      "Goal: most of the class secure on the number line by the end of the unit.");
	entry(&x, c1, "modeling", t - 21, "10:10",
	      "Modeled a number-line warm-up with the whole class; students explained their"
	      " marks to a partner.");
	entry(&x, c1, "co_teaching", t - 14, "10:10",
	      "Co-taught the small group on unit fractions.");
	entry(&x, c1, "observation", t - 7, "10:10",
	      "Students talked to each other more; three still count tick marks instead of"
	      " spaces.");
	entry(&x, c1, "debrief", t, "15:30", "");
	entry(&x, c1, "reflection", t + 7, "15:30", "");
	step(&x, c1, "Use the number-line warm-up three times a week", teacher, t - 20, true);
	step(&x, c1, "Regroup the small group from the new data", teacher, t + 5, false);
	step(&x, c1, "Bring two student samples to the debrief", coach, t + 1, false);
	if (!x.rc && strategies_init() == EB_OK && strategies_count()) {
		char why[COACHING_WHY_CAP];
		x.rc = coaching_resource_add(db, d, c1, "strategy", strategies_at(0)->id, "",
					     &x.coach, why, sizeof why);
	}
	if (!x.rc) {
		char why[COACHING_WHY_CAP];
		x.rc = coaching_resource_add(db, d, c1, "url", "https://achievethecore.org/",
					     "Achieve the Core: the coherence map", &x.coach, why,
					     sizeof why);
	}
	if (low)
		goal(&x, c1, cls, low, fmin(100, fmax(60, low_pct + 40)), t - 28, t + 42);
	if (high && high_pct >= 1)
		goal(&x, c1, cls, high, fmax(1, floor(high_pct)), t - 28, t + 14);
	if (!x.rc && principal) {
		char why[COACHING_WHY_CAP];
		x.rc = coaching_share_set(db, d, c1, &ta, principal, true,
					  &(struct audit_actor){ teacher, "teacher", "" }, why,
					  sizeof why);
	}
	size_t cycles = 1;

	/* 2. learn, with an overdue step: it needs a next step */
	if (no >= 1) {
		int64_t c2 =
			cycle(&x, "Ratio tables in small groups", &others[0], 1, oclass[0], t - 20);
		entry(&x, c2, "kickoff", t - 20, "", "Looked at the class's groups together.");
		entry(&x, c2, "goal_setting", t - 17, "", "");
		phase(&x, c2, "learn", t - 17);
		step(&x, c2, "Try the ratio-table routine with one group", others[0], t - 3, false);
		cycles++;
	}
	/* 3. identify: the kickoff is tomorrow */
	if (no >= 2) {
		int64_t c3 = cycle(&x, "Getting started with the class's data", &others[1], 1,
				   oclass[1], t - 2);
		entry(&x, c3, "kickoff", t + 1, "08:00", "");
		cycles++;
	}
	/* 4. completed, a team of two */
	if (no >= 4) {
		int64_t team[2] = { others[2], others[3] };
		int64_t c4 = cycle(&x, "Student talk in math (team)", team, 2, oclass[2], t - 120);
		entry(&x, c4, "kickoff", t - 120, "", "Planned the cycle with both teachers.");
		entry(&x, c4, "reflection", t - 15, "",
		      "Both teachers keep the partner talk routine; the class's share secure "
		      "rose.");
		phase(&x, c4, "completed", t - 14);
		cycles++;
	}
	/* 5. stopped */
	if (no >= 3) {
		int64_t c5 = cycle(&x, "Station rotation", &others[2], 1, oclass[2], t - 60);
		phase(&x, c5, "stopped", t - 40);
		cycles++;
	}
	phase(&x, c1, "improve", t);
	/* today's reading of the goals */
	if (!x.rc) {
		char ds[11];
		ymd(t, ds);
		struct coaching_goal *g;
		size_t ng;
		x.rc = coaching_goals(db, d, c1, ds, true, &a, &g, &ng);
	}
	if (!x.rc)
		printf("coaching: %zu cycles for the demo coach\n", cycles);
out:
	arena_free(&a);
	return x.rc;
}
