/* The reads behind the home pages (home.h). */
#include "domain/home.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/initiatives.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "store/db.h"

/* ---- a teacher's classes ---------------------------------------------- */

/* The tools of the district by id: name and latest receipt. */
struct tool_names {
	int64_t *id, *last_received;
	const char **name;
	size_t n;
};

static enum eb_err tool_names_load(struct db *db, int64_t d, struct arena *a, struct tool_names *t)
{
	memset(t, 0, sizeof *t);
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT t.id, t.name, max("
			 "  coalesce((SELECT last_received FROM tool_total x"
			 "   WHERE x.district_id = t.district_id AND x.tool_id = t.id), 0),"
			 "  coalesce((SELECT max(finished_at) FROM import_run r"
			 "   WHERE r.district_id = t.district_id AND r.tool_id = t.id AND r.kind = "
			 "'csv'), 0))"
			 " FROM tool t WHERE t.district_id = ?1 ORDER BY t.id",
			 DB_ARGS(DB_INT(d)), &st);
	if (rc)
		return rc;
	size_t cap = 0;
	while (db_next(st)) {
		if (t->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			int64_t *ni = arena_alloc(a, nc * sizeof *ni),
				*nl = arena_alloc(a, nc * sizeof *nl);
			const char **nn = arena_alloc(a, nc * sizeof *nn);
			if (!ni || !nl || !nn) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			if (t->n) {
				memcpy(ni, t->id, t->n * sizeof *ni);
				memcpy(nl, t->last_received, t->n * sizeof *nl);
				memcpy(nn, t->name, t->n * sizeof *nn);
			}
			t->id = ni;
			t->last_received = nl;
			t->name = nn;
			cap = nc;
		}
		t->id[t->n] = db_col_int(st, 0);
		t->name[t->n] = db_col_str(st, 1, a);
		t->last_received[t->n] = db_col_int(st, 2);
		t->n++;
	}
	return db_done(st);
}

static size_t tool_index(const struct tool_names *t, int64_t id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->id[i] == id)
			return i;
	return t->n;
}

static int by_students(const void *a, const void *b)
{
	const struct home_class_tool *x = a, *y = b;
	if (x->students != y->students)
		return x->students > y->students ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The tools the class's students used, and the class's latest evidence.
 * CROSS JOIN fixes the order the planner would otherwise turn around (the
 * district's every event, then the class): the class's enrollments first,
 * then each student's events by the learning_event_student index. */
static enum eb_err class_tools(struct db *db, int64_t d, struct home_class *c,
			       const struct tool_names *names, struct arena *a)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT le.tool_id, count(DISTINCT le.student_sourced_id), max(le.occurred_at)"
		" FROM enrollment e CROSS JOIN learning_event le ON le.district_id = e.district_id"
		"  AND le.student_sourced_id = e.user_sourced_id"
		" WHERE e.district_id = ?1 AND e.class_sourced_id = ?2 AND e.role = 'student'"
		" GROUP BY le.tool_id",
		DB_ARGS(DB_INT(d), DB_TEXT(c->sid)), &st);
	if (rc)
		return rc;
	size_t cap = 0;
	while (db_next(st)) {
		if (c->ntools == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct home_class_tool *nt = arena_alloc(a, nc * sizeof *nt);
			if (!nt) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			if (c->ntools)
				memcpy(nt, c->tools, c->ntools * sizeof *nt);
			c->tools = nt;
			cap = nc;
		}
		struct home_class_tool *t = &c->tools[c->ntools++];
		t->tool_id = db_col_int(st, 0);
		t->students = db_col_int(st, 1);
		t->last_activity = db_col_int(st, 2);
		size_t k = tool_index(names, t->tool_id);
		t->name = k < names->n ? names->name[k] : "a tool no longer in the inventory";
		t->last_received = k < names->n ? names->last_received[k] : 0;
		if (t->last_activity > c->last_activity)
			c->last_activity = t->last_activity;
	}
	if ((rc = db_done(st)))
		return rc;
	if (c->ntools > 1)
		qsort(c->tools, c->ntools, sizeof *c->tools, by_students);
	return EB_OK;
}

/* The current unit: the cluster with the most evidence in the class's last
 * HOME_UNIT_DAYS days of it. */
static enum eb_err class_unit(struct db *db, int64_t d, struct home_class *c)
{
	if (!c->last_activity)
		return EB_OK;
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT le.standard_code, count(*)"
		" FROM enrollment e CROSS JOIN learning_event le ON le.district_id = e.district_id"
		"  AND le.student_sourced_id = e.user_sourced_id"
		" WHERE e.district_id = ?1 AND e.class_sourced_id = ?2 AND e.role = 'student'"
		"  AND le.standard_code IS NOT NULL AND le.occurred_at >= ?3"
		" GROUP BY le.standard_code",
		DB_ARGS(DB_INT(d), DB_TEXT(c->sid),
			DB_INT(c->last_activity - (int64_t)HOME_UNIT_DAYS * 86400)),
		&st);
	if (rc)
		return rc;
	enum { MAXC = 64 };
	const struct standard *cl[MAXC];
	int64_t cnt[MAXC];
	size_t ncl = 0;
	while (db_next(st)) {
		const struct standard *s = standards_find(db_col_text(st, 0));
		if (!s || !s->cluster)
			continue;
		size_t k = 0;
		while (k < ncl && cl[k] != s->cluster)
			k++;
		if (k == ncl) {
			if (ncl == MAXC)
				continue;
			cl[ncl] = s->cluster;
			cnt[ncl++] = 0;
		}
		cnt[k] += db_col_int(st, 1);
	}
	if ((rc = db_done(st)))
		return rc;
	size_t best = ncl;
	for (size_t k = 0; k < ncl; k++)
		if (best == ncl || cnt[k] > cnt[best] ||
		    (cnt[k] == cnt[best] && strcmp(cl[k]->code, cl[best]->code) < 0))
			best = k;
	if (best < ncl) {
		c->unit = cl[best]->code; /* the catalog's: lives for the process */
		c->unit_heading = cl[best]->cluster_heading;
	}
	return EB_OK;
}

static int by_gaps(const void *a, const void *b)
{
	const struct home_student *x = a, *y = b;
	if (x->not_yet != y->not_yet)
		return y->not_yet - x->not_yet;
	if (x->approaching != y->approaching)
		return y->approaching - x->approaching;
	int f = strcmp(x->family, y->family);
	return f ? f : strcmp(x->given, y->given);
}

/* Students of the class with a measured Not yet on a standard of the unit. */
static enum eb_err class_attention(struct db *db, int64_t d, const struct district_levels *lv,
				   struct home_class *c, struct arena *a)
{
	if (!c->unit)
		return EB_OK;
	/* the unit's standards and substandards: codes from "5.NF.B." up to
	 * "5.NF.B/" ('/' follows '.') */
	char lo[64], hi[64];
	snprintf(lo, sizeof lo, "%s.", c->unit);
	snprintf(hi, sizeof hi, "%s/", c->unit);
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT e.user_sourced_id, coalesce(p.preferred_first_name, p.given_name),"
		" p.family_name, m.p"
		" FROM enrollment e CROSS JOIN mastery_state m ON m.district_id = e.district_id"
		"  AND m.student_sourced_id = e.user_sourced_id"
		"  AND m.standard_code >= ?3 AND m.standard_code < ?4 AND m.inferred = 0"
		" CROSS JOIN person p ON p.district_id = e.district_id"
		"  AND p.sourced_id = e.user_sourced_id"
		" WHERE e.district_id = ?1 AND e.class_sourced_id = ?2 AND e.role = 'student'"
		" ORDER BY e.user_sourced_id",
		DB_ARGS(DB_INT(d), DB_TEXT(c->sid), DB_TEXT(lo), DB_TEXT(hi)), &st);
	if (rc)
		return rc;
	struct home_student *s = NULL;
	size_t n = 0, cap = 0;
	while (db_next(st)) {
		const char *sid = db_col_text(st, 0);
		if (!n || strcmp(s[n - 1].sid, sid) != 0) {
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 32;
				struct home_student *ns = arena_alloc(a, nc * sizeof *ns);
				if (!ns) {
					db_fail(st, EB_ENOMEM);
					break;
				}
				if (n)
					memcpy(ns, s, n * sizeof *ns);
				s = ns;
				cap = nc;
			}
			memset(&s[n], 0, sizeof s[n]);
			s[n].sid = db_col_str(st, 0, a);
			s[n].given = db_col_str(st, 1, a);
			s[n].family = db_col_str(st, 2, a);
			n++;
		}
		double p = db_col_double(st, 3);
		if (p < lv->approaching)
			s[n - 1].not_yet++;
		else if (p < lv->proficient)
			s[n - 1].approaching++;
	}
	if ((rc = db_done(st)))
		return rc;
	c->measured = (int64_t)n;
	if (n > 1)
		qsort(s, n, sizeof *s, by_gaps);
	for (size_t i = 0; i < n && s[i].not_yet; i++)
		c->attention++;
	c->needs = s;
	c->nneeds = (size_t)c->attention < HOME_NAMES_MAX ? (size_t)c->attention : HOME_NAMES_MAX;
	return EB_OK;
}

enum eb_err home_teacher_classes(struct db *db, int64_t district_id, const char *teacher_sid,
				 const struct district_levels *lv, struct arena *a,
				 struct home_class **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct roster_class_row *rc_rows;
	size_t nc;
	struct tool_names names;
	enum eb_err rc;
	if ((rc = roster_teacher_classes(db, district_id, teacher_sid, a, &rc_rows, &nc)))
		return rc;
	if (!nc)
		return EB_OK;
	if ((rc = tool_names_load(db, district_id, a, &names)))
		return rc;
	struct home_class *c = arena_zalloc(a, nc * sizeof *c);
	if (!c)
		return EB_ENOMEM;
	for (size_t i = 0; i < nc; i++) {
		c[i].sid = rc_rows[i].sourced_id;
		c[i].title = rc_rows[i].title;
		c[i].grades = rc_rows[i].grades;
		c[i].school_sid = rc_rows[i].school_sourced_id;
		if ((rc = db_get_int(db,
				     "SELECT count(*) FROM enrollment WHERE district_id = ?1"
				     " AND class_sourced_id = ?2 AND role = 'student'",
				     DB_ARGS(DB_INT(district_id), DB_TEXT(c[i].sid)),
				     &c[i].students)) ||
		    (rc = class_tools(db, district_id, &c[i], &names, a)) ||
		    (rc = class_unit(db, district_id, &c[i])) ||
		    (rc = class_attention(db, district_id, lv, &c[i], a)))
			return rc;
	}
	*out = c;
	*n = nc;
	return EB_OK;
}

/* ---- tools and their data --------------------------------------------- */

static enum eb_err tool_finish(struct db_stmt *st, void *row, struct arena *a)
{
	struct home_tool *t = row;
	t->request = strcmp(t->status, "requested") == 0 || strcmp(t->status, "under_review") == 0;
	return EB_OK;
}

DB_ROWSPEC(tool_spec, struct home_tool, tool_finish, DB_FIELD_INT(struct home_tool, id),
	   DB_FIELD_STR(struct home_tool, name), DB_FIELD_STR(struct home_tool, status),
	   DB_FIELD_INT(struct home_tool, last_received),
	   DB_FIELD_INT(struct home_tool, last_activity_day),
	   DB_FIELD_INT(struct home_tool, events_7d),
	   DB_FIELD_INT(struct home_tool, quarantined_7d),
	   DB_FIELD_INT(struct home_tool, quarantined), DB_FIELD_INT(struct home_tool, credentials),
	   DB_FIELD_INT(struct home_tool, credentials_unused));

enum eb_err home_tools(struct db *db, int64_t district_id, int64_t now, int64_t only_tool,
		       int64_t champion_id, struct arena *a, struct home_tool **out, size_t *n)
{
	int64_t today = now / 86400;
	/* the summaries of migration 010 (a few rows per tool), not the events */
	enum eb_err rc = db_get_rows(
		db,
		"SELECT t.id, t.name, t.status, max("
		"  coalesce((SELECT last_received FROM tool_total x"
		"   WHERE x.district_id = t.district_id AND x.tool_id = t.id), 0),"
		"  coalesce((SELECT max(finished_at) FROM import_run r"
		"   WHERE r.district_id = t.district_id AND r.tool_id = t.id AND r.kind = 'csv'), "
		"0)),"
		" (SELECT coalesce(max(day), 0) FROM tool_day y"
		"   WHERE y.district_id = t.district_id AND y.tool_id = t.id AND y.events > 0),"
		" (SELECT coalesce(sum(events), 0) FROM tool_day y"
		"   WHERE y.district_id = t.district_id AND y.tool_id = t.id AND y.day > ?2 - 7),"
		" (SELECT coalesce(sum(quarantined), 0) FROM tool_day y"
		"   WHERE y.district_id = t.district_id AND y.tool_id = t.id AND y.day > ?2 - 7),"
		" (SELECT coalesce(sum(quarantined), 0) FROM tool_day y"
		"   WHERE y.district_id = t.district_id AND y.tool_id = t.id),"
		" (SELECT count(*) FROM tool_credential c WHERE c.district_id = t.district_id"
		"   AND c.district_id = t.district_id AND c.tool_id = t.id AND c.status = "
		"'active'),"
		" (SELECT count(*) FROM tool_credential c WHERE c.district_id = t.district_id"
		"   AND c.district_id = t.district_id AND c.tool_id = t.id AND c.status = 'active' "
		"AND c.last_used_at IS NULL)"
		" FROM tool t WHERE t.district_id = ?1 AND (?3 = 0 OR t.id = ?3)"
		"  AND (?4 = 0 OR EXISTS (SELECT 1 FROM tool_support s"
		"   WHERE s.district_id = t.district_id AND s.tool_id = t.id AND s.champion_id = "
		"?4))"
		" ORDER BY t.name",
		DB_ARGS(DB_INT(district_id), DB_INT(today), DB_INT(only_tool), DB_INT(champion_id)),
		&tool_spec, a, out, n);
	if (rc)
		return rc;
	for (size_t i = 0; i < *n; i++) {
		struct home_tool *t = &(*out)[i];
		bool approved = strcmp(t->status, "approved") == 0 ||
				strcmp(t->status, "approved_with_conditions") == 0;
		if (!approved)
			continue;
		if (!t->last_received)
			t->problem = HOME_TOOL_NEVER;
		else if (now - t->last_received >= (int64_t)HOME_QUIET_DAYS * 86400)
			t->problem = HOME_TOOL_STOPPED;
	}
	return EB_OK;
}

enum eb_err home_tool_days(struct db *db, int64_t district_id, int64_t tool_id, int64_t now,
			   int days, struct home_tool_day *out)
{
	if (days < 1 || days > 60)
		return EB_EINVAL;
	int32_t first = (int32_t)(now / 86400) - (days - 1);
	for (int i = 0; i < days; i++)
		out[i] = (struct home_tool_day){ first + i, 0, 0 };
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT day, events, quarantined FROM tool_day"
		" WHERE district_id = ?1 AND tool_id = ?2 AND day >= ?3 AND day < ?3 + ?4",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_INT(first), DB_INT(days)), &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		int64_t i = db_col_int(st, 0) - first;
		if (i >= 0 && i < days) {
			out[i].events += db_col_int(st, 1);
			out[i].quarantined += db_col_int(st, 2);
		}
	}
	return db_done(st);
}

DB_ROWSPEC(school_tool_spec, struct home_school_tool, NULL,
	   DB_FIELD_INT(struct home_school_tool, id), DB_FIELD_STR(struct home_school_tool, name),
	   DB_FIELD_STR(struct home_school_tool, status),
	   DB_FIELD_INT(struct home_school_tool, students));

enum eb_err home_school_tools(struct db *db, int64_t district_id, const char *school_sid,
			      struct arena *a, struct home_school_tool **out, size_t *n,
			      int64_t *enrolled)
{
	enum eb_err rc =
		db_get_int(db,
			   "SELECT count(DISTINCT e.user_sourced_id) FROM class c JOIN enrollment e"
			   " ON e.district_id = c.district_id AND e.class_sourced_id = c.sourced_id"
			   "  AND e.role = 'student'"
			   " WHERE c.district_id = ?1 AND c.school_sourced_id = ?2",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(school_sid)), enrolled);
	if (rc)
		return rc;
	/* per tool, the school's students looked up in the tool's list: an
	 * index probe each (tool_student's key leads with the tool) */
	return db_get_rows(
		db,
		"SELECT id, name, status, students FROM ("
		" SELECT t.id, t.name, t.status, (SELECT count(DISTINCT e.user_sourced_id)"
		"  FROM class c JOIN enrollment e ON e.district_id = c.district_id"
		"   AND e.class_sourced_id = c.sourced_id AND e.role = 'student'"
		"  JOIN tool_student s ON s.district_id = c.district_id AND s.district_id = "
		"t.district_id AND s.tool_id = t.id"
		"   AND s.student_sourced_id = e.user_sourced_id"
		"  WHERE c.district_id = ?1 AND c.school_sourced_id = ?2) AS students"
		" FROM tool t WHERE t.district_id = ?1)"
		" WHERE students > 0 ORDER BY students DESC, name",
		DB_ARGS(DB_INT(district_id), DB_TEXT(school_sid)), &school_tool_spec, a, out, n);
}

/* ---- initiatives ------------------------------------------------------- */

static bool targets_school(struct db *db, int64_t d, int64_t id, const char *school,
			   struct arena *a)
{
	struct initiative in;
	if (initiative_get(db, d, id, a, &in))
		return false;
	if (!in.nschools && !in.nclasses)
		return true; /* every school */
	for (size_t i = 0; i < in.nschools; i++)
		if (strcmp(in.schools[i], school) == 0)
			return true;
	for (size_t i = 0; i < in.nclasses; i++)
		if (roster_class_exists(db, d, in.classes[i], school))
			return true;
	return false;
}

enum eb_err home_initiatives_waiting(struct db *db, int64_t district_id, int32_t today,
				     const char *school_sid, struct arena *a,
				     struct home_initiative **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct initiative_row *rows;
	size_t nr;
	enum eb_err rc = initiative_list(db, district_id, a, &rows, &nr);
	if (rc)
		return rc;
	struct home_initiative *w = arena_zalloc(a, (nr ? nr : 1) * sizeof *w);
	if (!w)
		return EB_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < nr; i++) {
		int32_t review;
		bool running = rows[i].status == INIT_PILOTING || rows[i].status == INIT_SCALING;
		bool overdue = running && rows[i].review_date &&
			       date_parse_ymd(str_from(rows[i].review_date), &review) == EB_OK &&
			       review <= today;
		if (rows[i].status != INIT_UNDER_REVIEW && !overdue)
			continue;
		if (school_sid && !targets_school(db, district_id, rows[i].id, school_sid, a))
			continue;
		w[k].id = rows[i].id;
		w[k].title = rows[i].title;
		w[k].status = initiative_status_name(rows[i].status);
		w[k].review_date = rows[i].review_date;
		w[k].overdue = overdue;
		k++;
	}
	*out = w;
	*n = k;
	return EB_OK;
}

static enum eb_err part_finish(struct db_stmt *st, void *row, struct arena *a)
{
	struct home_initiative *h = row;
	static const char *const parts[] = { "builds the quiz", "monitors progress", "evaluates",
					     "supports teachers", "talks with families" };
	for (int i = 0; i < 5; i++)
		if (db_col_int(st, 4 + i)) {
			h->part = parts[i];
			break;
		}
	return EB_OK;
}

DB_ROWSPEC(part_spec, struct home_initiative, part_finish, DB_FIELD_INT(struct home_initiative, id),
	   DB_FIELD_STR(struct home_initiative, title),
	   DB_FIELD_STR(struct home_initiative, status),
	   DB_FIELD_STR(struct home_initiative, review_date), DB_FIELD_SKIP, DB_FIELD_SKIP,
	   DB_FIELD_SKIP, DB_FIELD_SKIP, DB_FIELD_SKIP);

enum eb_err home_initiatives_of(struct db *db, int64_t district_id, int64_t account_id,
				struct arena *a, struct home_initiative **out, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT id, title, status, review_date, quiz_builder_id = ?2, monitor_id = ?2,"
		" evaluator_id = ?2, teacher_support_id = ?2, family_contact_id = ?2"
		" FROM initiative WHERE district_id = ?1 AND status <> 'stopped'"
		"  AND ?2 IN (quiz_builder_id, monitor_id, evaluator_id, teacher_support_id,"
		"   family_contact_id)"
		" ORDER BY id DESC",
		DB_ARGS(DB_INT(district_id), DB_INT(account_id)), &part_spec, a, out, n);
}

/* ---- the district administrator --------------------------------------- */

enum eb_err home_admin_facts(struct db *db, int64_t district_id, struct home_admin *out)
{
	memset(out, 0, sizeof *out);
	/* schools and classes only: counting a large district's students and
	 * families (roster_count) costs ~100 ms at 350,000 students */
	enum eb_err rc;
	if ((rc = db_get_int(db,
			     "SELECT count(*) FROM org WHERE district_id = ?1 AND type = 'school'",
			     DB_ARGS(DB_INT(district_id)), &out->schools)) ||
	    (rc = db_get_int(db, "SELECT count(*) FROM class WHERE district_id = ?1",
			     DB_ARGS(DB_INT(district_id)), &out->classes)))
		return rc;
	struct db_stmt *st;
	if ((rc = db_query(
		     db,
		     "SELECT coalesce(finished_at, started_at), ok FROM import_run"
		     " WHERE district_id = ?1 AND kind = 'oneroster' ORDER BY id DESC LIMIT 1",
		     DB_ARGS(DB_INT(district_id)), &st)))
		return rc;
	if (db_next(st)) {
		out->last_import_at = db_col_int(st, 0);
		out->last_import_ok = db_col_int(st, 1) != 0;
	}
	if ((rc = db_done(st)))
		return rc;
	/* a partial index holds the locked accounts alone (migration 016) */
	if ((rc = db_get_int(db,
			     "SELECT count(*) FROM account WHERE district_id = ?1"
			     " AND locked_at IS NOT NULL",
			     DB_ARGS(DB_INT(district_id)), &out->locked_accounts)))
		return rc;
	return db_get_int(db,
			  "SELECT count(*) FROM tool WHERE district_id = ?1"
			  " AND status IN ('requested', 'under_review')",
			  DB_ARGS(DB_INT(district_id)), &out->tools_waiting);
}
