/* learning_plans.c - see learning_plans.h. */
#include "domain/learning_plans.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/district.h"
#include "domain/frameworks.h"
#include "domain/recommend.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "store/db.h"

static bool blank(const char *s)
{
	return !s || str_trim(str_from(s)).n == 0;
}

static enum eb_err audit(struct db *db, int64_t d, const struct audit_actor *who,
			 const char *action, const char *sid, const char *detail)
{
	struct audit_actor cli = { 0, "cli", "" };
	return audit_record_students(db, d, who ? who : &cli, action, "student", sid, 1, detail);
}

DB_ROWSPEC(goal_spec, struct lplan_goal, NULL, DB_FIELD_INT(struct lplan_goal, id),
	   DB_FIELD_INT(struct lplan_goal, created_at), DB_FIELD_STR(struct lplan_goal, standard),
	   DB_FIELD_STR(struct lplan_goal, note), DB_FIELD_INT(struct lplan_goal, by_student));

DB_ROWSPEC(pathway_spec, struct lplan_pathway, NULL, DB_FIELD_INT(struct lplan_pathway, id),
	   DB_FIELD_INT(struct lplan_pathway, goal_id), DB_FIELD_INT(struct lplan_pathway, tool_id),
	   DB_FIELD_STR(struct lplan_pathway, title), DB_FIELD_STR(struct lplan_pathway, what));

enum eb_err lplan_get(struct db *db, int64_t district_id, const char *student_sid, struct arena *a,
		      struct lplan *out)
{
	memset(out, 0, sizeof *out);
	out->reflection = "";
	struct district_levels lv;
	enum eb_err e = district_levels(db, district_id, &lv);
	if (e)
		return e;
	struct lplan_goal *g;
	size_t ng;
	e = db_get_rows(
		db,
		"SELECT id,created_at,standard_code,note,set_by='student' FROM learning_goal"
		" WHERE district_id=?1 AND student_sourced_id=?2 AND removed_at IS NULL"
		" ORDER BY id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid)), &goal_spec, a, &g, &ng);
	if (e)
		return e;
	struct lplan_pathway *pw;
	size_t npw;
	e = db_get_rows(
		db,
		"SELECT w.id,w.goal_id,coalesce(w.tool_id,0),w.title,w.what FROM"
		" learning_pathway w JOIN learning_goal g ON g.district_id=w.district_id AND"
		" g.id=w.goal_id WHERE w.district_id=?1 AND g.student_sourced_id=?2 AND"
		" g.removed_at IS NULL ORDER BY w.goal_id,w.id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid)), &pathway_spec, a, &pw, &npw);
	if (e)
		return e;
	out->goals = arena_alloc(a, (ng ? ng : 1) * sizeof *out->goals);
	if (!out->goals)
		return EB_ENOMEM;
	/* open goals first, then the reached ones, each in the order set */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ng; i++) {
			if (pass == 0) {
				double p = mastery_p(db, district_id, student_sid, g[i].standard);
				g[i].measured = p >= 0;
				g[i].level = g[i].measured ? mastery_level_of(&lv, p)
							   : MASTERY_NOT_YET;
				g[i].reached = g[i].measured && g[i].level == MASTERY_MASTERED;
			}
			if (g[i].reached != (pass == 1))
				continue;
			struct lplan_goal *o = &out->goals[out->ngoals++];
			*o = g[i];
			o->pathways = NULL;
			o->npathways = 0;
			for (size_t k = 0; k < npw; k++)
				if (pw[k].goal_id == o->id) {
					if (!o->pathways)
						o->pathways = &pw[k];
					o->npathways++;
				}
		}
	struct db_stmt *st;
	if ((e = db_query(db,
			  "SELECT text,updated_at FROM learning_reflection WHERE district_id=?1 AND"
			  " student_sourced_id=?2",
			  DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid)), &st)))
		return e;
	if (db_next(st)) {
		out->reflection = db_col_str(st, 0, a);
		out->reflection_at = db_col_int(st, 1);
	}
	return db_done(st);
}

enum eb_err lplan_goal_add(struct db *db, int64_t district_id, const struct audit_actor *who,
			   const char *student_sid, const char *standard, const char *note,
			   bool by_student, int64_t *id, char *why, size_t cap)
{
	char canon[32];
	standards_init();
	enum eb_err se = blank(standard) ? EB_EINVAL
					 : standards_canonical(standard, canon, sizeof canon);
	const struct standard *s = se ? NULL : standards_find(canon);
	if (blank(standard)) {
		snprintf(why, cap, "standard: choose a standard");
		return EB_EINVAL;
	}
	if (se == EB_ENOTFOUND || !s) {
		snprintf(why, cap, "standard: '%.40s' is %s", standard,
			 se == EB_ENOTFOUND ? "not in the CCSS-M catalog"
					    : "not a CCSS-M code (e.g. 4.NF.A.1)");
		return EB_EINVAL;
	}
	if (s->kind == STANDARD_CLUSTER || s->kind == STANDARD_PRACTICE) {
		snprintf(why, cap, "standard: '%s' is a %s: choose one of its standards", canon,
			 s->kind == STANDARD_CLUSTER ? "cluster" : "practice");
		return EB_EINVAL;
	}
	if (note && strlen(note) > 300) {
		snprintf(why, cap, "note: is longer than 300 characters");
		return EB_EINVAL;
	}
	enum eb_err e = db_begin(db);
	if (e)
		return e;
	int64_t same = 0, open = 0;
	e = db_get_int(db,
		       "SELECT count(*) FROM learning_goal WHERE district_id=?1 AND"
		       " student_sourced_id=?2 AND removed_at IS NULL AND standard_code=?3",
		       DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_TEXT(canon)), &same);
	if (!e)
		e = db_get_int(db,
			       "SELECT count(*) FROM learning_goal WHERE district_id=?1 AND"
			       " student_sourced_id=?2 AND removed_at IS NULL",
			       DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid)), &open);
	if (e)
		goto fail;
	if (same || open >= LPLAN_GOALS_MAX) {
		db_rollback(db);
		snprintf(why, cap,
			 same ? "standard: is already a goal of this plan"
			      : "standard: a plan holds at most %d goals; take one off first",
			 LPLAN_GOALS_MAX);
		return EB_EINVAL;
	}
	e = db_execute(db,
		       "INSERT INTO learning_goal(district_id,student_sourced_id,standard_code,"
		       "set_by,note,created_by,created_at) VALUES(?1,?2,?3,?4,?5,?6,?7)",
		       DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_TEXT(canon),
			       DB_TEXT(by_student ? "student" : "teacher"),
			       DB_TEXT(note ? note : ""),
			       DB_INT_IF(who && who->account_id, who ? who->account_id : 0),
			       DB_INT(time_now())),
		       NULL);
	if (e)
		goto fail;
	*id = db_last_id(db);
	char detail[96];
	snprintf(detail, sizeof detail, "learning plan: goal %s added", canon);
	if ((e = audit(db, district_id, who, "update", student_sid, detail)) || (e = db_commit(db)))
		goto fail;
	return EB_OK;
fail:
	db_rollback(db);
	snprintf(why, cap, "goal: could not be stored (%s)", eb_strerror(e));
	return e;
}

enum eb_err lplan_goal_remove(struct db *db, int64_t district_id, const struct audit_actor *who,
			      const char *student_sid, int64_t goal_id)
{
	enum eb_err e = db_begin(db);
	if (e)
		return e;
	int changed = 0;
	e = db_execute(db,
		       "UPDATE learning_goal SET removed_at=?4 WHERE district_id=?1 AND"
		       " student_sourced_id=?2 AND id=?3 AND removed_at IS NULL",
		       DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_INT(goal_id),
			       DB_INT(time_now())),
		       &changed);
	if (!e && !changed)
		e = EB_ENOTFOUND;
	if (!e)
		e = audit(db, district_id, who, "update", student_sid,
			  "learning plan: goal removed");
	if (!e)
		e = db_commit(db);
	if (e)
		db_rollback(db);
	return e;
}

enum eb_err lplan_pathway_add(struct db *db, int64_t district_id, const struct audit_actor *who,
			      const char *student_sid, int64_t goal_id, int64_t tool_id,
			      const char *title, const char *what, char *why, size_t cap)
{
	if (blank(title) || strlen(title) > 200) {
		snprintf(why, cap, "title: %s",
			 blank(title) ? "is required" : "is longer than 200 characters");
		return EB_EINVAL;
	}
	if (what && strlen(what) > 300) {
		snprintf(why, cap, "what: is longer than 300 characters");
		return EB_EINVAL;
	}
	enum eb_err e = db_begin(db);
	if (e)
		return e;
	int64_t one;
	e = db_get_int(db,
		       "SELECT 1 FROM learning_goal WHERE district_id=?1 AND student_sourced_id=?2"
		       " AND id=?3 AND removed_at IS NULL",
		       DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_INT(goal_id)), &one);
	if (e == EB_ENOTFOUND) {
		db_rollback(db);
		snprintf(why, cap, "goal_id: is not a goal of this plan");
		return EB_EINVAL;
	}
	if (!e && tool_id) {
		e = db_get_int(db, "SELECT 1 FROM tool WHERE district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &one);
		if (e == EB_ENOTFOUND) {
			db_rollback(db);
			snprintf(why, cap, "tool_id: is not a tool of the district's inventory");
			return EB_EINVAL;
		}
	}
	if (!e)
		e = db_execute(
			db,
			"INSERT INTO learning_pathway(district_id,goal_id,tool_id,title,what,"
			"created_by,created_at) VALUES(?1,?2,?3,?4,?5,?6,?7)",
			DB_ARGS(DB_INT(district_id), DB_INT(goal_id), DB_INT_IF(tool_id, tool_id),
				DB_TEXT(title), DB_TEXT(what ? what : ""),
				DB_INT_IF(who && who->account_id, who ? who->account_id : 0),
				DB_INT(time_now())),
			NULL);
	if (!e)
		e = audit(db, district_id, who, "update", student_sid,
			  "learning plan: pathway added");
	if (!e)
		e = db_commit(db);
	if (e) {
		db_rollback(db);
		snprintf(why, cap, "pathway: could not be stored (%s)", eb_strerror(e));
	}
	return e;
}

enum eb_err lplan_reflection_set(struct db *db, int64_t district_id, const struct audit_actor *who,
				 const char *student_sid, const char *text, char *why, size_t cap)
{
	if (text && strlen(text) > 2000) {
		snprintf(why, cap, "reflection: is longer than 2000 characters");
		return EB_EINVAL;
	}
	enum eb_err e = db_begin(db);
	if (e)
		return e;
	if (blank(text))
		e = db_execute(db,
			       "DELETE FROM learning_reflection WHERE district_id=?1 AND"
			       " student_sourced_id=?2",
			       DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid)), NULL);
	else
		e = db_execute(
			db,
			"INSERT INTO learning_reflection(district_id,student_sourced_id,text,"
			"updated_at) VALUES(?1,?2,?3,?4) ON CONFLICT DO UPDATE SET"
			" text=excluded.text,updated_at=excluded.updated_at",
			DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_TEXT(text),
				DB_INT(time_now())),
			NULL);
	if (!e)
		e = audit(db, district_id, who, "update", student_sid,
			  "learning plan: reflection written");
	if (!e)
		e = db_commit(db);
	if (e) {
		db_rollback(db);
		snprintf(why, cap, "reflection: could not be stored (%s)", eb_strerror(e));
	}
	return e;
}

/* Approved tools whose inventory entry lists code among its standards. */
static enum eb_err tools_covering(struct db *db, int64_t d, const char *code, size_t max,
				  struct arena *a, struct lplan_pathway **out, size_t *n,
				  size_t *cap)
{
	struct db_stmt *st;
	enum eb_err e = db_query(db,
				 "SELECT id,name,need FROM tool WHERE district_id=?1 AND status IN"
				 " ('approved','approved_with_conditions') AND"
				 " instr(' '||standards||' ',' '||?2||' ')>0 ORDER BY name",
				 DB_ARGS(DB_INT(d), DB_TEXT(code)), &st);
	if (e)
		return e;
	while (*n < max && db_next(st)) {
		int64_t id = db_col_int(st, 0);
		bool dup = false;
		for (size_t k = 0; k < *n; k++)
			dup |= (*out)[k].tool_id == id;
		if (dup)
			continue;
		struct lplan_pathway *g = arena_grow(a, *out, *n, cap, sizeof **out, 4);
		if (!g) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		*out = g;
		const char *need = db_col_text(st, 2);
		g[*n] = (struct lplan_pathway){
			.tool_id = id,
			.title = db_col_str(st, 1, a),
			.what = need && *need ? db_col_str(st, 2, a)
					      : arena_printf(a, "practice on %s", code),
		};
		(*n)++;
	}
	return db_done(st);
}

enum eb_err lplan_suggest(struct db *db, int64_t district_id, const char *student_sid,
			  const char *standard, size_t max, struct arena *a,
			  struct lplan_pathway **out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	const struct standard *s = standards_find(standard);
	if (!s)
		return EB_OK;
	/* the next best intervention for this one student: its tools, best
	 * first (a strategy is the teacher's to lead, not a pathway) */
	const char *one[] = { student_sid };
	struct recommendation *r = NULL;
	size_t nr = 0;
	enum eb_err e = recommend_for_group(db, district_id, one, 1, s->code, REC_MAX, a, &r, &nr);
	if (e && e != EB_EINVAL && e != EB_ENOTFOUND)
		return e;
	for (size_t i = 0; !e && i < nr && *n < max; i++) {
		if (r[i].source != REC_TOOL || !r[i].tool_id)
			continue;
		struct lplan_pathway *g = arena_grow(a, *out, *n, &cap, sizeof **out, 4);
		if (!g)
			return EB_ENOMEM;
		*out = g;
		g[(*n)++] = (struct lplan_pathway){ .tool_id = r[i].tool_id,
						    .title = r[i].title,
						    .what = r[i].what };
	}
	if (*n)
		return EB_OK;
	/* none ranked: the inventory's tools that cover the standard or a
	 * prerequisite of it */
	e = tools_covering(db, district_id, s->code, max, a, out, n, &cap);
	/* prerequisites: the coherence map's and the district's frameworks' */
	struct frameworks_links *links = NULL;
	if (!e && frameworks_links_load(db, district_id, a, &links))
		links = NULL;
	const char *pre[16];
	size_t np = frameworks_links_of(links, s->code, 0, pre, 16);
	for (size_t i = 0; !e && i < np && *n < max; i++)
		e = tools_covering(db, district_id, pre[i], max, a, out, n, &cap);
	return e;
}

enum eb_err lplan_class_glance(struct db *db, int64_t district_id, const char *class_sid,
			       struct arena *a, struct lplan_glance **out, size_t *n)
{
	struct roster_person_row *st;
	size_t ns;
	enum eb_err e = roster_class_students(db, district_id, class_sid, a, &st, &ns);
	if (e)
		return e;
	*out = arena_zalloc(a, (ns ? ns : 1) * sizeof **out);
	if (!*out)
		return EB_ENOMEM;
	*n = 0;
	for (size_t i = 0; i < ns; i++) {
		struct lplan p;
		if ((e = lplan_get(db, district_id, st[i].sourced_id, a, &p)))
			return e;
		struct lplan_glance *g = &(*out)[(*n)++];
		g->sid = st[i].sourced_id;
		g->name = arena_printf(a, "%s, %s", st[i].family_name,
				       st[i].preferred_first_name && *st[i].preferred_first_name
					       ? st[i].preferred_first_name
					       : st[i].given_name);
		if (!g->name)
			return EB_ENOMEM;
		for (size_t k = 0; k < p.ngoals; k++) {
			if (p.goals[k].reached)
				g->reached++;
			else
				g->open++;
			g->pathways += p.goals[k].npathways;
		}
		g->reflection = p.reflection[0] != 0;
	}
	return EB_OK;
}
