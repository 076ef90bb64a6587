/* plans.c - see plans.h. */
#include "domain/plans.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/assessments.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "store/db.h"

static const char *const measure_names[] = { "mastery", "tool", "assessment" };
static const char *const measure_labels[] = {
	"mastery of the focus standards",
	"the tool's scores",
	"an assessment's scores",
};
static const char *const decision_names[PLAN_DECISION__COUNT] = { "continue", "intensify", "change",
								  "exit" };
static const char *const decision_labels[PLAN_DECISION__COUNT] = {
	"Continue as planned",
	"Intensify (more time or smaller group)",
	"Change the intervention",
	"Exit: the goal is met",
};

const char *plans_measure_name(enum plan_measure m)
{
	return (unsigned)m < 3 ? measure_names[m] : "mastery";
}

const char *plans_measure_label(enum plan_measure m)
{
	return (unsigned)m < 3 ? measure_labels[m] : "";
}

const char *plans_decision_name(enum plan_decision d)
{
	return (unsigned)d < PLAN_DECISION__COUNT ? decision_names[d] : "continue";
}

const char *plans_decision_label(enum plan_decision d)
{
	return (unsigned)d < PLAN_DECISION__COUNT ? decision_labels[d] : "";
}

bool plans_decision_parse(const char *s, enum plan_decision *out)
{
	for (int i = 0; s && i < PLAN_DECISION__COUNT; i++)
		if (strcmp(s, decision_names[i]) == 0) {
			*out = (enum plan_decision)i;
			return true;
		}
	return false;
}

static bool measure_parse(const char *s, enum plan_measure *out)
{
	for (int i = 0; s && i < 3; i++)
		if (strcmp(s, measure_names[i]) == 0) {
			*out = (enum plan_measure)i;
			return true;
		}
	return false;
}

void plans_day_format(int32_t day, char out[11])
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(y < 0 ? 0 : y) % 10000u, m % 100u, d % 100u);
}

/* ---- validation ------------------------------------------------------- */

struct why {
	struct buf b;
	int n;
};

static void whyf(struct why *w, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void whyf(struct why *w, const char *field, const char *fmt, ...)
{
	if (w->n < 40) {
		if (w->n)
			buf_putc(&w->b, '\n');
		buf_printf(&w->b, "%s: ", field);
		va_list ap;
		va_start(ap, fmt);
		buf_vprintf(&w->b, fmt, ap);
		va_end(ap);
	}
	w->n++;
}

static bool blank(const char *s)
{
	return !s || str_trim(str_from(s)).n == 0;
}

/* A whole number in [lo, hi]; blank gives dflt (or an error when dflt < 0). */
static bool whole(struct why *w, const char *field, const char *s, int64_t lo, int64_t hi,
		  int64_t dflt, const char *what, int64_t *out)
{
	if (blank(s)) {
		if (dflt >= 0) {
			*out = dflt;
			return true;
		}
		whyf(w, field, "is required (%s)", what);
		return false;
	}
	if (str_to_i64(str_trim(str_from(s)), lo, hi, out)) {
		whyf(w, field, "must be %s, a whole number from %lld to %lld", what, (long long)lo,
		     (long long)hi);
		return false;
	}
	return true;
}

static bool percent(struct why *w, const char *field, const char *s, double *out)
{
	struct str v = str_trim(str_from(s ? s : ""));
	if (!v.n) {
		whyf(w, field, "is required (a percent from 0 to 100)");
		return false;
	}
	if (v.n > 32 || str_to_double(v, out) || !isfinite(*out) || *out < 0 || *out > 100) {
		whyf(w, field, "must be a percent from 0 to 100");
		return false;
	}
	return true;
}

static bool date(struct why *w, const char *field, const char *s, int32_t *day)
{
	if (blank(s) || strlen(s) != 10 || date_parse_ymd(str_from(s), day)) {
		whyf(w, field, "must be a date YYYY-MM-DD");
		return false;
	}
	return true;
}

/* A tool of the district's inventory, by its id as typed. */
static enum eb_err check_tool(struct db *db, int64_t d, struct why *w, const char *field,
			      const char *s, int64_t *id)
{
	*id = 0;
	if (blank(s))
		return EB_OK;
	if (str_to_i64(str_trim(str_from(s)), 1, INT64_MAX, id)) {
		whyf(w, field, "must be a tool of the district's inventory");
		*id = 0;
		return EB_OK;
	}
	int64_t one;
	enum eb_err e = db_get_int(db, "SELECT 1 FROM tool WHERE district_id=?1 AND id=?2",
				   DB_ARGS(DB_INT(d), DB_INT(*id)), &one);
	if (e == EB_ENOTFOUND) {
		whyf(w, field, "tool %lld is not in the district's inventory", (long long)*id);
		*id = 0;
		return EB_OK;
	}
	return e;
}

struct checked {
	int64_t tier, tool_id, owner_id, sessions, minutes, every, measure_tool_id, assessment_id;
	int32_t start, end;
	enum plan_measure measure;
	double baseline, goal;
	char school[ACCOUNT_ID_MAX];
	char standards[PLAN_STANDARDS_MAX][32];
	size_t nstandards;
	const char *students[PLAN_STUDENTS_MAX];
	size_t nstudents;
};

/* The schools a student belongs to, as a list in arena. */
static enum eb_err schools_of(struct db *db, int64_t d, const char *sid, struct arena *a,
			      struct roster_org_row **rows, size_t *n)
{
	return roster_person_schools(db, d, sid, a, rows, n);
}

static bool staff_with_students(const struct account *a)
{
	unsigned staff = (1u << ROLE_DISTRICT_ADMIN) | (1u << ROLE_COORDINATOR) |
			 (1u << ROLE_PRINCIPAL) | (1u << ROLE_COACH) | (1u << ROLE_TEACHER);
	return (a->role_mask & staff) != 0;
}

/* Every check of plan_in; on EB_OK with w->n == 0 *c holds the values. */
static enum eb_err check_plan(struct db *db, const struct account *actor, const struct plan_in *in,
			      struct why *w, struct checked *c, struct arena *a)
{
	int64_t d = actor->district_id;
	enum eb_err e = EB_OK;
	memset(c, 0, sizeof *c);
	if (blank(in->tier))
		whyf(w, "tier", "is required: 2 (targeted, small group) or 3 (intensive)");
	else if (str_to_i64(str_trim(str_from(in->tier)), 2, 3, &c->tier))
		whyf(w, "tier", "must be 2 (targeted, small group) or 3 (intensive)");

	/* students: one school, each one the actor may see */
	struct roster_org_row *common = NULL;
	size_t ncommon = 0;
	if (in->nstudents == 0)
		whyf(w, "students", "name at least one student");
	else if (in->nstudents > PLAN_STUDENTS_MAX)
		whyf(w, "students", "a plan holds at most %d students", PLAN_STUDENTS_MAX);
	for (size_t i = 0; i < in->nstudents && i < PLAN_STUDENTS_MAX; i++) {
		const char *sid = in->students[i];
		bool dup = false;
		for (size_t k = 0; k < c->nstudents; k++)
			dup |= strcmp(c->students[k], sid) == 0;
		if (dup)
			continue;
		if (blank(sid) || strlen(sid) >= ACCOUNT_ID_MAX || !roster_is_student(db, d, sid) ||
		    access_student(db, actor, sid) != EB_OK) {
			whyf(w, "students", "'%.60s' is not a student of this district you may see",
			     sid ? sid : "");
			continue;
		}
		c->students[c->nstudents++] = sid;
		struct roster_org_row *s;
		size_t ns;
		if ((e = schools_of(db, d, sid, a, &s, &ns)))
			return e;
		if (c->nstudents == 1) {
			common = s;
			ncommon = ns;
			continue;
		}
		size_t kept = 0;
		for (size_t k = 0; k < ncommon; k++) {
			bool here = false;
			for (size_t j = 0; j < ns; j++)
				here |= strcmp(common[k].sourced_id, s[j].sourced_id) == 0;
			if (here)
				common[kept++] = common[k];
		}
		ncommon = kept;
	}
	if (c->nstudents && !ncommon)
		whyf(w, "students", "must all attend one school (a plan belongs to one school)");
	else if (ncommon)
		str_copy(c->school, sizeof c->school, common[0].sourced_id);

	/* focus standards */
	if (blank(in->standards))
		whyf(w, "standards",
		     "name at least one focus standard (a CCSS-M code like 4.NF.A.1)");
	else if (strlen(in->standards) > 400)
		whyf(w, "standards", "is too long");
	else {
		standards_init();
		const char *p = in->standards;
		while (*p) {
			size_t len = strcspn(p, ",");
			struct str it = str_trim((struct str){ p, len });
			if (it.n) {
				char code[64], canon[32];
				snprintf(code, sizeof code, "%.*s", (int)(it.n < 63 ? it.n : 63),
					 it.p);
				enum eb_err se = standards_canonical(code, canon, sizeof canon);
				const struct standard *s = se ? NULL : standards_find(canon);
				bool dup = false;
				for (size_t k = 0; k < c->nstandards; k++)
					dup |= strcmp(c->standards[k], canon) == 0;
				if (se == EB_ENOTFOUND)
					whyf(w, "standards", "'%s' is not in the CCSS-M catalog",
					     code);
				else if (se || !s)
					whyf(w, "standards",
					     "'%s' is not a CCSS-M code (e.g. 4.NF.A.1)", code);
				else if (s->kind == STANDARD_CLUSTER ||
					 s->kind == STANDARD_PRACTICE)
					whyf(w, "standards",
					     "'%s' is a %s: name one of its standards", code,
					     s->kind == STANDARD_CLUSTER ? "cluster" : "practice");
				else if (dup)
					;
				else if (c->nstandards == PLAN_STANDARDS_MAX)
					whyf(w, "standards",
					     "a plan focuses on at most %d standards",
					     PLAN_STANDARDS_MAX);
				else
					str_copy(c->standards[c->nstandards++], 32, canon);
			}
			p += len + (p[len] == ',');
		}
		if (!c->nstandards && !w->n)
			whyf(w, "standards", "name at least one focus standard");
	}

	/* the intervention */
	if ((e = check_tool(db, d, w, "tool_id", in->tool_id, &c->tool_id)))
		return e;
	if (!blank(in->strategy) && strlen(in->strategy) > 300)
		whyf(w, "strategy", "is longer than 300 characters");
	if (!blank(in->strategy_id) && strlen(in->strategy_id) > 64)
		whyf(w, "strategy_id", "is longer than 64 characters");
	if (blank(in->tool_id) && blank(in->strategy))
		whyf(w, "intervention", "name a tool, a strategy or both");

	/* the owner: a staff account that may see every student */
	int64_t owner;
	if (whole(w, "owner_id", in->owner_id, 1, INT64_MAX, -1, "an account of the district",
		  &owner)) {
		struct account *acc = malloc(sizeof *acc);
		if (!acc)
			return EB_ENOMEM;
		e = account_get(db, d, owner, acc);
		if (e == EB_ENOTFOUND) {
			whyf(w, "owner_id", "is not an account of this district");
			e = EB_OK;
		} else if (!e && acc->disabled) {
			whyf(w, "owner_id", "%s's account is disabled", acc->display_name);
		} else if (!e && !staff_with_students(acc)) {
			whyf(w, "owner_id", "%s holds no staff role that sees students",
			     acc->display_name);
		} else if (!e) {
			for (size_t i = 0; i < c->nstudents; i++) {
				enum eb_err ae = access_student(db, acc, c->students[i]);
				if (ae == EB_ENOTFOUND) {
					struct roster_person_row p;
					const char *nm = roster_person_get(db, d, c->students[i], a,
									   &p) == EB_OK
								 ? p.given_name
								 : c->students[i];
					whyf(w, "owner_id",
					     "%s may not see %s's records: choose someone who may",
					     acc->display_name, nm);
				} else if (ae) {
					e = ae;
					break;
				}
			}
			c->owner_id = owner;
		}
		free(acc);
		if (e)
			return e;
	}

	/* dose and dates */
	whole(w, "sessions_per_week", in->sessions_per_week, 1, 10, -1, "sessions a week",
	      &c->sessions);
	whole(w, "minutes_per_session", in->minutes_per_session, 5, 120, -1, "minutes per session",
	      &c->minutes);
	bool ok_s = date(w, "start_date", in->start_date, &c->start);
	bool ok_e = date(w, "end_date", in->end_date, &c->end);
	if (ok_s && ok_e && c->end <= c->start)
		whyf(w, "end_date", "must come after the start date");
	else if (ok_s && ok_e && c->end - c->start > 366)
		whyf(w, "end_date", "must be within a year of the start (plan again after it)");
	whole(w, "checkin_every_days", in->checkin_every_days, 7, 60, 14, "days between check-ins",
	      &c->every);

	/* the measure, the goal and the aim line */
	if (!measure_parse(in->measure, &c->measure)) {
		whyf(w, "measure",
		     "choose mastery of the focus standards, a tool's scores or an "
		     "assessment");
	} else if (c->measure == PLAN_MEASURE_TOOL) {
		if ((e = check_tool(db, d, w, "measure_tool_id", in->measure_tool_id,
				    &c->measure_tool_id)))
			return e;
		if (!c->measure_tool_id && blank(in->measure_tool_id))
			c->measure_tool_id = c->tool_id;
		if (!c->measure_tool_id && blank(in->measure_tool_id))
			whyf(w, "measure_tool_id", "name the tool whose scores measure progress");
	} else if (c->measure == PLAN_MEASURE_ASSESSMENT) {
		double lo, hi;
		if (blank(in->measure_assessment))
			whyf(w, "measure_assessment", "name the assessment that measures progress");
		else if (strlen(in->measure_assessment) > ASSESSMENT_NAME_MAX)
			whyf(w, "measure_assessment", "is too long");
		else if ((e = assessment_find(db, d, in->measure_assessment, &c->assessment_id, &lo,
					      &hi)) == EB_ENOTFOUND) {
			whyf(w, "measure_assessment",
			     "no assessment of the district is called '%s'",
			     in->measure_assessment);
			e = EB_OK;
		} else if (e)
			return e;
	}
	bool ok_b = percent(w, "baseline", in->baseline, &c->baseline);
	bool ok_g = percent(w, "goal", in->goal, &c->goal);
	if (ok_b && ok_g && c->goal <= c->baseline)
		whyf(w, "goal", "must be above the baseline (the aim line rises to it)");
	if (blank(in->goal_text))
		whyf(w, "goal_text", "is required: the goal in words");
	else if (strlen(in->goal_text) > 500)
		whyf(w, "goal_text", "is longer than 500 characters");
	return EB_OK;
}

static enum eb_err put_lists(struct db *db, int64_t d, int64_t id, const struct checked *c)
{
	enum eb_err e = db_execute(db,
				   "DELETE FROM plan_student WHERE district_id=?1 AND plan_id=?2",
				   DB_ARGS(DB_INT(d), DB_INT(id)), NULL);
	if (!e)
		e = db_execute(db, "DELETE FROM plan_standard WHERE district_id=?1 AND plan_id=?2",
			       DB_ARGS(DB_INT(d), DB_INT(id)), NULL);
	for (size_t i = 0; !e && i < c->nstudents; i++)
		e = db_execute(db,
			       "INSERT INTO plan_student(district_id,plan_id,student_sourced_id)"
			       " VALUES(?1,?2,?3)",
			       DB_ARGS(DB_INT(d), DB_INT(id), DB_TEXT(c->students[i])), NULL);
	for (size_t i = 0; !e && i < c->nstandards; i++)
		e = db_execute(db,
			       "INSERT INTO plan_standard(district_id,plan_id,standard_code)"
			       " VALUES(?1,?2,?3)",
			       DB_ARGS(DB_INT(d), DB_INT(id), DB_TEXT(c->standards[i])), NULL);
	return e;
}

static void why_out(struct why *w, char *why, size_t cap)
{
	if (why && cap)
		str_copy(why, cap, w->b.len ? buf_cstr(&w->b) : "");
}

static const char *text_or_null(const char *s)
{
	return blank(s) ? NULL : s;
}

static enum eb_err save(struct db *db, const struct account *actor, const struct audit_actor *who,
			int64_t id, const struct plan_in *in, int64_t *new_id, char *why,
			size_t cap)
{
	int64_t d = actor->district_id;
	bool creating = id == 0;
	struct why w = { 0 };
	struct checked c;
	struct arena a;
	arena_init(&a);
	buf_init(&w.b, PLAN_WHY_CAP);
	enum eb_err e = check_plan(db, actor, in, &w, &c, &a);
	if (!e && w.n)
		e = EB_EINVAL;
	if (e) {
		if (e == EB_EINVAL)
			why_out(&w, why, cap);
		else if (why && cap)
			snprintf(why, cap, "plan: could not be checked (%s)", eb_strerror(e));
		goto out;
	}
	int64_t now = time_now();
	if ((e = db_begin(db)))
		goto out;
	const char *strategy = blank(in->strategy) ? "" : in->strategy;
	const char *strategy_id = text_or_null(in->strategy_id);
	if (id == 0) {
		e = db_execute(
			db,
			"INSERT INTO plan(district_id,school_sourced_id,tier,tool_id,strategy,"
			"strategy_id,owner_id,sessions_per_week,minutes_per_session,start_day,"
			"end_day,measure,measure_tool_id,measure_assessment_id,baseline,goal,"
			"goal_text,checkin_every_days,next_checkin_day,created_by,created_at,"
			"updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,"
			"?16,?17,?18,?19,?20,?21,?21)",
			DB_ARGS(DB_INT(d), DB_TEXT(c.school), DB_INT(c.tier),
				DB_INT_IF(c.tool_id, c.tool_id), DB_TEXT(strategy),
				DB_TEXT(strategy_id), DB_INT(c.owner_id), DB_INT(c.sessions),
				DB_INT(c.minutes), DB_INT(c.start), DB_INT(c.end),
				DB_TEXT(plans_measure_name(c.measure)),
				DB_INT_IF(c.measure == PLAN_MEASURE_TOOL, c.measure_tool_id),
				DB_INT_IF(c.measure == PLAN_MEASURE_ASSESSMENT, c.assessment_id),
				DB_REAL(c.baseline), DB_REAL(c.goal), DB_TEXT(in->goal_text),
				DB_INT(c.every), DB_INT(c.start + c.every),
				DB_INT_IF(who && who->account_id, who ? who->account_id : 0),
				DB_INT(now)),
			NULL);
		id = db_last_id(db);
	} else {
		int changed = 0;
		e = db_execute(
			db,
			"UPDATE plan SET school_sourced_id=?3,tier=?4,tool_id=?5,strategy=?6,"
			"strategy_id=?7,owner_id=?8,sessions_per_week=?9,minutes_per_session=?10,"
			"start_day=?11,end_day=?12,measure=?13,measure_tool_id=?14,"
			"measure_assessment_id=?15,baseline=?16,goal=?17,goal_text=?18,"
			"checkin_every_days=?19,updated_at=?20 WHERE district_id=?1 AND id=?2",
			DB_ARGS(DB_INT(d), DB_INT(id), DB_TEXT(c.school), DB_INT(c.tier),
				DB_INT_IF(c.tool_id, c.tool_id), DB_TEXT(strategy),
				DB_TEXT(strategy_id), DB_INT(c.owner_id), DB_INT(c.sessions),
				DB_INT(c.minutes), DB_INT(c.start), DB_INT(c.end),
				DB_TEXT(plans_measure_name(c.measure)),
				DB_INT_IF(c.measure == PLAN_MEASURE_TOOL, c.measure_tool_id),
				DB_INT_IF(c.measure == PLAN_MEASURE_ASSESSMENT, c.assessment_id),
				DB_REAL(c.baseline), DB_REAL(c.goal), DB_TEXT(in->goal_text),
				DB_INT(c.every), DB_INT(now)),
			&changed);
		if (!e && !changed)
			e = EB_ENOTFOUND;
	}
	if (!e)
		e = put_lists(db, d, id, &c);
	if (!e) {
		char sid[24], detail[160];
		snprintf(sid, sizeof sid, "%lld", (long long)id);
		snprintf(detail, sizeof detail, "intervention plan, tier %lld, %zu student%s",
			 (long long)c.tier, c.nstudents, c.nstudents == 1 ? "" : "s");
		struct audit_actor cli = { 0, "cli", "" };
		e = audit_record(db, d, who ? who : &cli, creating ? "create" : "update", "plan",
				 sid, detail);
	}
	if (!e)
		e = db_commit(db);
	if (e) {
		db_rollback(db);
		if (why && cap && e != EB_ENOTFOUND)
			snprintf(why, cap, "plan: could not be stored (%s)", eb_strerror(e));
		goto out;
	}
	*new_id = id;
out:
	buf_free(&w.b);
	arena_free(&a);
	return e;
}

enum eb_err plans_create(struct db *db, const struct account *actor, const struct audit_actor *who,
			 const struct plan_in *in, int64_t *id, char *why, size_t cap)
{
	*id = 0;
	return save(db, actor, who, 0, in, id, why, cap);
}

enum eb_err plans_update(struct db *db, const struct account *actor, const struct audit_actor *who,
			 int64_t id, const struct plan_in *in, char *why, size_t cap)
{
	int64_t out = id;
	return save(db, actor, who, id, in, &out, why, cap);
}

/* ---- reading ---------------------------------------------------------- */

static enum eb_err finish_plan(struct db_stmt *st, void *row, struct arena *arena)
{
	struct plan *p = row;
	(void)arena;
	p->active = strcmp(db_col_text(st, 2) ? db_col_text(st, 2) : "", "active") == 0;
	if (!measure_parse(db_col_text(st, 14), &p->measure))
		p->measure = PLAN_MEASURE_MASTERY;
	return EB_OK;
}

DB_ROWSPEC(plan_spec, struct plan, finish_plan, DB_FIELD_STR(struct plan, school),
	   DB_FIELD_INT(struct plan, tier), DB_FIELD_SKIP, /* status */
	   DB_FIELD_INT(struct plan, tool_id), DB_FIELD_STR(struct plan, strategy),
	   DB_FIELD_TEXT(struct plan, strategy_id), DB_FIELD_INT(struct plan, owner_id),
	   DB_FIELD_INT(struct plan, sessions_per_week),
	   DB_FIELD_INT(struct plan, minutes_per_session), DB_FIELD_INT(struct plan, start_day),
	   DB_FIELD_INT(struct plan, end_day), DB_FIELD_INT(struct plan, checkin_every_days),
	   DB_FIELD_INT(struct plan, next_checkin_day), DB_FIELD_STR(struct plan, goal_text),
	   DB_FIELD_SKIP, /* measure */
	   DB_FIELD_INT(struct plan, measure_tool_id),
	   DB_FIELD_INT(struct plan, measure_assessment_id), DB_FIELD_REAL(struct plan, baseline),
	   DB_FIELD_REAL(struct plan, goal), DB_FIELD_INT(struct plan, created_at),
	   DB_FIELD_INT(struct plan, updated_at), DB_FIELD_STR(struct plan, tool_name),
	   DB_FIELD_STR(struct plan, measure_tool), DB_FIELD_STR(struct plan, assessment_name),
	   DB_FIELD_REAL(struct plan, assessment_min), DB_FIELD_REAL(struct plan, assessment_max),
	   DB_FIELD_STR(struct plan, owner_name));

/* Reads the text column of every row into an arena array. */
static enum eb_err strings(struct db *db, const char *sql, int64_t d, int64_t id, struct arena *a,
			   const char ***out, size_t *n)
{
	struct db_stmt *st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	enum eb_err e = db_query(db, sql, DB_ARGS(DB_INT(d), DB_INT(id)), &st);
	if (e)
		return e;
	while (db_next(st)) {
		const char **g = arena_grow(a, *out, *n, &cap, sizeof **out, 8);
		if (!g) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		*out = g;
		(*out)[(*n)++] = db_col_str(st, 0, a);
	}
	return db_done(st);
}

enum eb_err plans_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
		      struct plan *out)
{
	enum eb_err e = db_get_row(
		db,
		"SELECT p.school_sourced_id,p.tier,p.status,coalesce(p.tool_id,0),p.strategy,"
		"p.strategy_id,p.owner_id,p.sessions_per_week,p.minutes_per_session,p.start_day,"
		"p.end_day,p.checkin_every_days,p.next_checkin_day,p.goal_text,p.measure,"
		"coalesce(p.measure_tool_id,0),coalesce(p.measure_assessment_id,0),p.baseline,"
		"p.goal,p.created_at,p.updated_at,t.name,mt.name,s.name,s.scale_min,s.scale_max,"
		"acc.display_name FROM plan p"
		" LEFT JOIN tool t ON t.district_id=p.district_id AND t.id=p.tool_id"
		" LEFT JOIN tool mt ON mt.district_id=p.district_id AND mt.id=p.measure_tool_id"
		" LEFT JOIN assessment s ON s.district_id=p.district_id AND"
		" s.id=p.measure_assessment_id"
		" LEFT JOIN account acc ON acc.id=p.owner_id AND +acc.district_id=p.district_id"
		" WHERE p.district_id=?1 AND p.id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &plan_spec, a, out);
	if (e)
		return e;
	out->id = id;
	out->district_id = district_id;
	if ((e = strings(db,
			 "SELECT student_sourced_id FROM plan_student WHERE district_id=?1 AND"
			 " plan_id=?2 ORDER BY student_sourced_id",
			 district_id, id, a, &out->students, &out->nstudents)))
		return e;
	return strings(db,
		       "SELECT standard_code FROM plan_standard WHERE district_id=?1 AND"
		       " plan_id=?2 ORDER BY standard_code",
		       district_id, id, a, &out->standards, &out->nstandards);
}

/* ---- progress and the decision rules ---------------------------------- */

double plans_aim_at(const struct plan *p, int32_t day)
{
	double span = (double)(p->end_day - p->start_day);
	if (span <= 0)
		return p->goal;
	return p->baseline + (p->goal - p->baseline) * (double)(day - p->start_day) / span;
}

bool plans_trend(const struct plan_point *pts, size_t n, int32_t day0, double *a, double *b)
{
	if (n < 2)
		return false;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += (double)(pts[i].day - day0);
		my += pts[i].value;
	}
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = (double)(pts[i].day - day0) - mx;
		sxx += dx * dx;
		sxy += dx * (pts[i].value - my);
	}
	if (sxx <= 0)
		return false;
	*b = sxy / sxx;
	*a = my - *b * mx;
	return true;
}

void plans_decide(const struct plan *p, struct plan_progress *out)
{
	out->has_trend =
		plans_trend(out->points, out->npoints, p->start_day, &out->trend_a, &out->trend_b);
	out->projected_end =
		out->has_trend ? out->trend_a + out->trend_b * (double)(p->end_day - p->start_day)
			       : 0;
	out->below_aim = out->npoints >= PLAN_RULE_POINTS;
	for (size_t i = out->npoints >= PLAN_RULE_POINTS ? out->npoints - PLAN_RULE_POINTS : 0;
	     i < out->npoints && out->below_aim; i++)
		if (out->points[i].value >= plans_aim_at(p, out->points[i].day))
			out->below_aim = false;
	out->low_minutes = out->minutes_known && out->minutes_planned > 0 &&
			   out->minutes_delivered < PLAN_RULE_MINUTES * out->minutes_planned;
	out->goal_met = out->npoints > 0 && out->points[out->npoints - 1].value >= p->goal;
	if (out->goal_met) {
		out->suggest = PLAN_EXIT;
		out->why = "The latest point reaches the goal.";
	} else if (out->below_aim && out->low_minutes) {
		out->suggest = PLAN_INTENSIFY;
		out->why =
			"The last four points are below the aim line, and the students had under "
			"three quarters of the planned minutes: deliver the planned time first.";
	} else if (out->below_aim) {
		out->suggest = PLAN_CHANGE;
		out->why = "The last four points are below the aim line although the planned time "
			   "was given: this intervention is not closing the gap.";
	} else if (out->low_minutes) {
		out->suggest = PLAN_INTENSIFY;
		out->why = "The students had under three quarters of the planned minutes.";
	} else if (out->npoints < PLAN_RULE_POINTS) {
		out->suggest = PLAN_CONTINUE;
		out->why = "Too few points yet to judge the progress (four are needed).";
	} else {
		out->suggest = PLAN_CONTINUE;
		out->why = "Progress is on or above the aim line.";
	}
}

/* Weeks as the mastery trend counts them (Monday to Sunday, UTC). */
static int32_t week_of_day(int32_t day)
{
	int32_t d = day + 3;
	return d >= 0 ? d / 7 : -((-d + 6) / 7);
}

static int32_t monday_of_week(int32_t w)
{
	return w * 7 - 3;
}

#define MAX_WEEKS 60

/* Mastery: each week's mean estimate (percent) over the students' cells of
 * the focus standards, from the cells' weekly trend (a cell counts from its
 * first week of evidence; a week after its last evidence carries its last
 * value). A week is a point when at least one cell had evidence in or
 * after it. */
static enum eb_err points_mastery(struct db *db, int64_t d, const struct plan *p, int32_t last_day,
				  struct arena *a, struct plan_point **out, size_t *n)
{
	int32_t w0 = week_of_day(p->start_day), w1 = week_of_day(last_day);
	if (w1 < w0)
		return EB_OK;
	if (w1 - w0 + 1 > MAX_WEEKS)
		w0 = w1 - MAX_WEEKS + 1;
	double sum[MAX_WEEKS] = { 0 };
	int cnt[MAX_WEEKS] = { 0 };
	int32_t latest = INT32_MIN;
	for (size_t i = 0; i < p->nstudents; i++)
		for (size_t k = 0; k < p->nstandards; k++) {
			struct mastery_cell c;
			bool found;
			enum eb_err e = mastery_cell_get(db, d, p->students[i], p->standards[k], &c,
							 &found);
			if (e)
				return e;
			if (!found || !c.ntrend)
				continue;
			int32_t first = c.trend_week - (int32_t)c.ntrend + 1;
			if (c.trend_week > latest)
				latest = c.trend_week;
			for (int32_t w = w0; w <= w1; w++) {
				if (w < first)
					continue;
				int idx = w > c.trend_week ? c.ntrend - 1 : (int)(w - first);
				sum[w - w0] += c.trend[idx];
				cnt[w - w0]++;
			}
		}
	*out = arena_alloc(a, (size_t)(w1 - w0 + 1) * sizeof **out);
	if (!*out)
		return EB_ENOMEM;
	for (int32_t w = w0; w <= w1 && w <= latest; w++)
		if (cnt[w - w0])
			(*out)[(*n)++] = (struct plan_point){
				monday_of_week(w) < p->start_day ? p->start_day : monday_of_week(w),
				sum[w - w0] / cnt[w - w0], cnt[w - w0]
			};
	return EB_OK;
}

/* Tool: each week's mean score of the students' responses on the focus
 * standards in the tool (score, else right/wrong). */
static enum eb_err points_tool(struct db *db, int64_t d, const struct plan *p, int32_t last_day,
			       struct arena *a, struct plan_point **out, size_t *n)
{
	int32_t w0 = week_of_day(p->start_day), w1 = week_of_day(last_day);
	if (w1 < w0)
		return EB_OK;
	if (w1 - w0 + 1 > MAX_WEEKS)
		w0 = w1 - MAX_WEEKS + 1;
	double sum[MAX_WEEKS] = { 0 };
	int cnt[MAX_WEEKS] = { 0 };
	for (size_t i = 0; i < p->nstudents; i++)
		for (size_t k = 0; k < p->nstandards; k++) {
			struct db_stmt *st;
			enum eb_err e = db_query(
				db,
				"SELECT occurred_at,coalesce(score,correct) FROM learning_event"
				" WHERE district_id=?1 AND student_sourced_id=?2 AND"
				" standard_code=?3 AND occurred_at>=?4 AND occurred_at<?5 AND"
				" tool_id=?6 AND (score IS NOT NULL OR correct IS NOT NULL)",
				DB_ARGS(DB_INT(d), DB_TEXT(p->students[i]),
					DB_TEXT(p->standards[k]),
					DB_INT((int64_t)p->start_day * 86400),
					DB_INT(((int64_t)last_day + 1) * 86400),
					DB_INT(p->measure_tool_id)),
				&st);
			if (e)
				return e;
			while (db_next(st)) {
				int32_t w = week_of_day((int32_t)(db_col_int(st, 0) / 86400));
				if (w < w0 || w > w1)
					continue;
				sum[w - w0] += 100 * db_col_double(st, 1);
				cnt[w - w0]++;
			}
			if ((e = db_done(st)))
				return e;
		}
	*out = arena_alloc(a, (size_t)(w1 - w0 + 1) * sizeof **out);
	if (!*out)
		return EB_ENOMEM;
	for (int32_t w = w0; w <= w1; w++)
		if (cnt[w - w0])
			(*out)[(*n)++] = (struct plan_point){
				monday_of_week(w) < p->start_day ? p->start_day : monday_of_week(w),
				sum[w - w0] / cnt[w - w0], cnt[w - w0]
			};
	return EB_OK;
}

/* Assessment: each date's mean score as a percent of the scale. */
static enum eb_err points_assessment(struct db *db, int64_t d, const struct plan *p,
				     int32_t last_day, struct arena *a, struct plan_point **out,
				     size_t *n)
{
	double span = p->assessment_max - p->assessment_min;
	if (span <= 0)
		return EB_OK;
	size_t cap = 0;
	char from[11], to[11];
	plans_day_format(p->start_day, from);
	plans_day_format(last_day, to);
	for (size_t i = 0; i < p->nstudents; i++) {
		struct db_stmt *st;
		enum eb_err e =
			db_query(db,
				 "SELECT date,score FROM assessment_score WHERE district_id=?1"
				 " AND assessment_id=?2 AND student_sourced_id=?3 AND"
				 " date>=?4 AND date<=?5",
				 DB_ARGS(DB_INT(d), DB_INT(p->measure_assessment_id),
					 DB_TEXT(p->students[i]), DB_TEXT(from), DB_TEXT(to)),
				 &st);
		if (e)
			return e;
		while (db_next(st)) {
			int32_t day;
			const char *ds = db_col_text(st, 0);
			if (!ds || date_parse_ymd(str_from(ds), &day))
				continue;
			double v = 100 * (db_col_double(st, 1) - p->assessment_min) / span;
			size_t k = 0;
			while (k < *n && (*out)[k].day != day)
				k++;
			if (k == *n) {
				struct plan_point *g =
					arena_grow(a, *out, *n, &cap, sizeof **out, 8);
				if (!g) {
					db_fail(st, EB_ENOMEM);
					break;
				}
				*out = g;
				(*out)[(*n)++] = (struct plan_point){ day, 0, 0 };
			}
			(*out)[k].value += v;
			(*out)[k].n++;
		}
		if ((e = db_done(st)))
			return e;
	}
	for (size_t k = 0; k < *n; k++)
		(*out)[k].value /= (*out)[k].n;
	/* by day (few points: insertion sort) */
	for (size_t i = 1; i < *n; i++)
		for (size_t k = i; k > 0 && (*out)[k - 1].day > (*out)[k].day; k--) {
			struct plan_point t = (*out)[k];
			(*out)[k] = (*out)[k - 1];
			(*out)[k - 1] = t;
		}
	return EB_OK;
}

/* Minutes of the intervention tool per student from the start to last_day:
 * the recorded durations of the students' events in the tool. */
static enum eb_err minutes_delivered(struct db *db, int64_t d, const struct plan *p,
				     int32_t last_day, double *minutes)
{
	double total = 0;
	for (size_t i = 0; i < p->nstudents; i++) {
		struct db_stmt *st;
		enum eb_err e = db_query(db,
					 "SELECT sum(duration_s) FROM learning_event WHERE"
					 " district_id=?1 AND student_sourced_id=?2 AND"
					 " occurred_at>=?3 AND occurred_at<?4 AND tool_id=?5 AND"
					 " duration_s>0",
					 DB_ARGS(DB_INT(d), DB_TEXT(p->students[i]),
						 DB_INT((int64_t)p->start_day * 86400),
						 DB_INT(((int64_t)last_day + 1) * 86400),
						 DB_INT(p->tool_id)),
					 &st);
		if (e)
			return e;
		if (db_next(st))
			total += db_col_double(st, 0) / 60;
		if ((e = db_done(st)))
			return e;
	}
	*minutes = p->nstudents ? total / (double)p->nstudents : 0;
	return EB_OK;
}

enum eb_err plans_progress(struct db *db, int64_t district_id, const struct plan *p, int32_t today,
			   struct arena *a, struct plan_progress *out)
{
	memset(out, 0, sizeof *out);
	int32_t last = today < p->end_day ? today : p->end_day;
	enum eb_err e = EB_OK;
	if (last >= p->start_day) {
		if (p->measure == PLAN_MEASURE_TOOL)
			e = points_tool(db, district_id, p, last, a, &out->points, &out->npoints);
		else if (p->measure == PLAN_MEASURE_ASSESSMENT)
			e = points_assessment(db, district_id, p, last, a, &out->points,
					      &out->npoints);
		else
			e = points_mastery(db, district_id, p, last, a, &out->points,
					   &out->npoints);
		if (e)
			return e;
	}
	if (p->tool_id) {
		out->minutes_known = true;
		int32_t days = last >= p->start_day ? last - p->start_day + 1 : 0;
		out->minutes_planned =
			(double)p->sessions_per_week * p->minutes_per_session * (double)days / 7.0;
		if (days &&
		    (e = minutes_delivered(db, district_id, p, last, &out->minutes_delivered)))
			return e;
	}
	plans_decide(p, out);
	return EB_OK;
}

/* ---- check-ins ---------------------------------------------------------- */

enum eb_err plans_checkin(struct db *db, int64_t district_id, const struct audit_actor *who,
			  int64_t id, const char *decision, const char *note,
			  const struct plan_progress *pr, int32_t today, char *why, size_t cap)
{
	enum plan_decision dec = PLAN_CONTINUE;
	struct why w = { 0 };
	buf_init(&w.b, PLAN_WHY_CAP);
	if (!plans_decision_parse(decision, &dec))
		whyf(&w, "decision", "choose continue, intensify, change or exit");
	if (note && strlen(note) > 2000)
		whyf(&w, "note", "is longer than 2000 characters");
	if (w.n) {
		why_out(&w, why, cap);
		buf_free(&w.b);
		return EB_EINVAL;
	}
	buf_free(&w.b);
	int64_t status_active, every;
	enum eb_err e = db_begin(db);
	if (e)
		return e;
	e = db_get_int(db,
		       "SELECT CASE WHEN status='active' THEN 1000 ELSE 0 END+checkin_every_days"
		       " FROM plan WHERE"
		       " district_id=?1 AND id=?2",
		       DB_ARGS(DB_INT(district_id), DB_INT(id)), &status_active);
	if (e)
		goto fail;
	every = status_active % 1000;
	if (status_active < 1000) {
		e = EB_ECONFLICT;
		if (why && cap)
			str_copy(why, cap, "decision: the plan is closed");
		goto fail;
	}
	e = db_execute(db,
		       "INSERT INTO plan_checkin(district_id,plan_id,at,account_id,decision,"
		       "suggested,note,below_aim,minutes_share) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
		       DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(time_now()),
			       DB_INT_IF(who && who->account_id, who ? who->account_id : 0),
			       DB_TEXT(plans_decision_name(dec)),
			       DB_TEXT(plans_decision_name(pr->suggest)), DB_TEXT(note ? note : ""),
			       DB_INT(pr->below_aim ? 1 : 0),
			       DB_REAL_IF(pr->minutes_known && pr->minutes_planned > 0,
					  pr->minutes_planned > 0
						  ? pr->minutes_delivered / pr->minutes_planned
						  : 0)),
		       NULL);
	if (!e)
		e = db_execute(db,
			       "UPDATE plan SET next_checkin_day=?3,status=?4,updated_at=?5 WHERE"
			       " district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(today + every),
				       DB_TEXT(dec == PLAN_EXIT ? "closed" : "active"),
				       DB_INT(time_now())),
			       NULL);
	if (!e) {
		char sid[24], detail[80];
		snprintf(sid, sizeof sid, "%lld", (long long)id);
		snprintf(detail, sizeof detail, "check-in: %s", plans_decision_name(dec));
		struct audit_actor cli = { 0, "cli", "" };
		e = audit_record(db, district_id, who ? who : &cli, "update", "plan", sid, detail);
	}
	if (!e)
		e = db_commit(db);
	if (!e)
		return EB_OK;
fail:
	db_rollback(db);
	if (why && cap && e != EB_ECONFLICT && e != EB_ENOTFOUND)
		snprintf(why, cap, "check-in: could not be stored (%s)", eb_strerror(e));
	return e;
}

static enum eb_err finish_checkin(struct db_stmt *st, void *row, struct arena *arena)
{
	struct plan_checkin *c = row;
	(void)arena;
	if (!plans_decision_parse(db_col_text(st, 2), &c->decision))
		c->decision = PLAN_CONTINUE;
	if (!plans_decision_parse(db_col_text(st, 3), &c->suggested))
		c->suggested = PLAN_CONTINUE;
	c->minutes_known = !db_col_is_null(st, 6);
	return EB_OK;
}

DB_ROWSPEC(checkin_spec, struct plan_checkin, finish_checkin, DB_FIELD_INT(struct plan_checkin, at),
	   DB_FIELD_STR(struct plan_checkin, actor), DB_FIELD_SKIP, DB_FIELD_SKIP,
	   DB_FIELD_STR(struct plan_checkin, note), DB_FIELD_INT(struct plan_checkin, below_aim),
	   DB_FIELD_REAL(struct plan_checkin, minutes_share));

enum eb_err plans_checkins(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			   struct plan_checkin **out, size_t *n)
{
	return db_get_rows(db,
			   "SELECT c.at,acc.display_name,c.decision,c.suggested,c.note,c.below_aim,"
			   "c.minutes_share FROM plan_checkin c LEFT JOIN account acc ON"
			   " acc.id=c.account_id AND +acc.district_id=c.district_id"
			   " WHERE c.district_id=?1 AND c.plan_id=?2 ORDER BY c.id DESC",
			   DB_ARGS(DB_INT(district_id), DB_INT(id)), &checkin_spec, a, out, n);
}

/* ---- lists --------------------------------------------------------------- */

static enum eb_err finish_row(struct db_stmt *st, void *row, struct arena *arena)
{
	struct plan_row *r = row;
	(void)arena;
	r->active = strcmp(db_col_text(st, 4) ? db_col_text(st, 4) : "", "active") == 0;
	return EB_OK;
}

DB_ROWSPEC(row_spec, struct plan_row, finish_row, DB_FIELD_INT(struct plan_row, id),
	   DB_FIELD_INT(struct plan_row, owner_id), DB_FIELD_INT(struct plan_row, tool_id),
	   DB_FIELD_INT(struct plan_row, tier), DB_FIELD_SKIP, /* status */
	   DB_FIELD_INT(struct plan_row, start_day), DB_FIELD_INT(struct plan_row, end_day),
	   DB_FIELD_INT(struct plan_row, next_checkin_day), DB_FIELD_STR(struct plan_row, school),
	   DB_FIELD_STR(struct plan_row, owner_name), DB_FIELD_STR(struct plan_row, tool_name),
	   DB_FIELD_STR(struct plan_row, strategy), DB_FIELD_STR(struct plan_row, measure),
	   DB_FIELD_STR(struct plan_row, standards));

#define ROW_COLS                                                                                   \
	"SELECT p.id,p.owner_id,coalesce(p.tool_id,0),p.tier,p.status,p.start_day,p.end_day,"      \
	"p.next_checkin_day,p.school_sourced_id,coalesce(acc.display_name,''),"                    \
	"coalesce(t.name,''),p.strategy,p.measure,(SELECT group_concat(standard_code,', ') FROM"   \
	" plan_standard x WHERE x.district_id=p.district_id AND x.plan_id=p.id)"                   \
	" FROM plan p LEFT JOIN account acc ON acc.id=p.owner_id AND"                              \
	" +acc.district_id=p.district_id LEFT JOIN tool t ON t.id=p.tool_id AND"                   \
	" +t.district_id=p.district_id"

/* The students of each row, with their names. */
static enum eb_err fill_students(struct db *db, int64_t d, struct arena *a, struct plan_row *rows,
				 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct db_stmt *st;
		size_t cap = 0, cap2 = 0, k = 0;
		rows[i].students = NULL;
		rows[i].names = NULL;
		enum eb_err e = db_query(
			db,
			"SELECT ps.student_sourced_id,coalesce(pe.family_name||', '||"
			"coalesce(nullif(pe.preferred_first_name,''),pe.given_name),"
			"ps.student_sourced_id) FROM plan_student ps LEFT JOIN person pe ON"
			" pe.district_id=ps.district_id AND pe.sourced_id=ps.student_sourced_id"
			" WHERE ps.district_id=?1 AND ps.plan_id=?2 ORDER BY 2",
			DB_ARGS(DB_INT(d), DB_INT(rows[i].id)), &st);
		if (e)
			return e;
		while (db_next(st)) {
			const char **s =
				arena_grow(a, rows[i].students, k, &cap, sizeof(char *), 4);
			const char **m =
				s ? arena_grow(a, rows[i].names, k, &cap2, sizeof(char *), 4)
				  : NULL;
			if (!s || !m) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			rows[i].students = s;
			rows[i].names = m;
			s[k] = db_col_str(st, 0, a);
			m[k] = db_col_str(st, 1, a);
			k++;
		}
		rows[i].nstudents = k;
		if ((e = db_done(st)))
			return e;
	}
	return EB_OK;
}

/* The filters after the scope; ?5 owner, ?6 tier, ?7 ?8 the statuses
 * listed, ?9 overdue, ?10 today, ?11 the limit (each scope's SQL names its
 * own column, so that the planner takes the scope's index). */
#define ROW_FILTERS                                                                                \
	" AND (?5=0 OR p.owner_id=?5) AND (?6=0 OR p.tier=?6) AND p.status IN (?7,?8)"             \
	" AND (?9=0 OR (p.status='active' AND p.next_checkin_day<?10))"                            \
	" ORDER BY p.status, p.next_checkin_day, p.id LIMIT ?11"

enum eb_err plans_list(struct db *db, int64_t district_id, const struct plan_filter *f,
		       struct arena *a, struct plan_row **out, size_t *n, bool *more)
{
	size_t limit = f->limit < 1 ? 1 : f->limit > 5000 ? 5000 : f->limit;
	*more = false;
	const char *sql =
		f->school ? ROW_COLS
			" WHERE p.district_id=?1 AND p.school_sourced_id=?2" ROW_FILTERS
		: f->class_id ? ROW_COLS
			" WHERE p.district_id=?1 AND p.id IN (SELECT ps.plan_id FROM enrollment e "
			"JOIN"
			" plan_student ps ON ps.district_id=e.district_id AND"
			" ps.student_sourced_id=e.user_sourced_id WHERE e.district_id=?1 AND"
			" e.class_sourced_id=?3 AND e.role='student')" ROW_FILTERS
		: f->student ? ROW_COLS " WHERE p.district_id=?1 AND p.id IN (SELECT plan_id FROM "
					"plan_student WHERE"
					" district_id=?1 AND student_sourced_id=?4)" ROW_FILTERS
			     : ROW_COLS " WHERE p.district_id=?1" ROW_FILTERS;
	enum eb_err e = db_get_rows(
		db, sql,
		DB_ARGS(DB_INT(district_id), DB_TEXT(f->school), DB_TEXT(f->class_id),
			DB_TEXT(f->student), DB_INT(f->owner_id), DB_INT(f->tier),
			DB_TEXT(f->status == 2 ? "closed" : "active"),
			DB_TEXT(f->status == 1 ? "active" : "closed"), DB_INT(f->overdue ? 1 : 0),
			DB_INT(f->today), DB_INT((int64_t)limit + 1)),
		&row_spec, a, out, n);
	if (e)
		return e;
	if (*n > limit) {
		*n = limit;
		*more = true;
	}
	for (size_t i = 0; i < *n; i++)
		(*out)[i].overdue = (*out)[i].active && (*out)[i].next_checkin_day < f->today;
	return fill_students(db, district_id, a, *out, *n);
}

enum eb_err plans_of_teacher(struct db *db, int64_t district_id, int64_t account_id,
			     const char *teacher_sid, size_t limit, struct arena *a,
			     struct plan_row **out, size_t *n)
{
	enum eb_err e = db_get_rows(
		db,
		ROW_COLS " WHERE p.district_id=?1 AND p.status='active' AND (p.owner_id=?2 OR"
			 " (?3 IS NOT NULL AND p.id IN (SELECT ps.plan_id FROM enrollment te JOIN"
			 " enrollment se ON se.district_id=te.district_id AND"
			 " se.class_sourced_id=te.class_sourced_id AND se.role='student' JOIN"
			 " plan_student ps ON ps.district_id=se.district_id AND"
			 " ps.student_sourced_id=se.user_sourced_id WHERE te.district_id=?1 AND"
			 " te.user_sourced_id=?3 AND te.role='teacher')))"
			 " ORDER BY p.next_checkin_day, p.id LIMIT ?4",
		DB_ARGS(DB_INT(district_id), DB_INT(account_id), DB_TEXT(teacher_sid),
			DB_INT((int64_t)(limit ? limit : 1))),
		&row_spec, a, out, n);
	if (e)
		return e;
	for (size_t i = 0; i < *n; i++)
		(*out)[i].active = true;
	return fill_students(db, district_id, a, *out, *n);
}

DB_ROWSPEC(owner_spec, struct plan_owner, NULL, DB_FIELD_INT(struct plan_owner, id),
	   DB_FIELD_STR(struct plan_owner, name), DB_FIELD_STR(struct plan_owner, roles));

enum eb_err plans_owner_candidates(struct db *db, int64_t district_id, const char *school_sid,
				   struct arena *a, struct plan_owner **out, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT acc.id,acc.display_name,group_concat(DISTINCT r.role) FROM account acc"
		" JOIN account_role r ON r.district_id=acc.district_id AND r.account_id=acc.id"
		" WHERE acc.district_id=?1 AND acc.disabled=0 AND r.role IN"
		" ('district_admin','coordinator','principal','coach','teacher') AND"
		" (r.scope_type='district' OR ?2 IS NULL OR (r.scope_type='school' AND"
		" r.scope_id=?2) OR (r.scope_type='class' AND r.scope_id IN (SELECT sourced_id"
		" FROM class WHERE district_id=?1 AND school_sourced_id=?2)))"
		" GROUP BY acc.id ORDER BY acc.display_name, acc.id LIMIT 300",
		DB_ARGS(DB_INT(district_id), DB_TEXT(school_sid)), &owner_spec, a, out, n);
}
