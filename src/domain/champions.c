/* champions.c - see champions.h. */
#include "domain/champions.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access.h"
#include "domain/account.h"
#include "domain/tools.h"
#include "store/db.h"

#define WEEK 604800

bool champions_can_view(const struct account *a)
{
	return access_has(a, ROLE_IT_STAFF) || access_has(a, ROLE_COORDINATOR) ||
	       access_has(a, ROLE_PRINCIPAL);
}

static bool principal_of(const struct account *a, const char *school_sid)
{
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == ROLE_PRINCIPAL &&
		    strcmp(a->roles[i].scope_type, "school") == 0 &&
		    strcmp(a->roles[i].scope_id, school_sid) == 0)
			return true;
	return false;
}

bool champions_can_view_school(const struct account *a, const char *school_sid)
{
	return access_has(a, ROLE_IT_STAFF) || access_has(a, ROLE_COORDINATOR) ||
	       principal_of(a, school_sid);
}

bool champions_can_confirm(const struct account *a, const char *school_sid)
{
	return principal_of(a, school_sid);
}

bool champions_qualifies(const struct champion_suggestion *s)
{
	return (s->weeks_active >= CHAMPION_STEADY_WEEKS && s->ngains > 0) || s->resolved > 0;
}

void champions_reasons(const struct champion_suggestion *s, struct buf *out)
{
	const char *sep = "";
	if (s->weeks_active > 0) {
		buf_printf(out, "used it %d of the last %d weeks", s->weeks_active, CHAMPION_WEEKS);
		sep = "; ";
	}
	for (int i = 0; i < s->ngains; i++) {
		buf_printf(out, "%s%s%s (%.0f%% to %.0f%% correct)", sep,
			   i ? "and on " : "students gained on ", s->gains[i].standard,
			   100 * s->gains[i].before, 100 * s->gains[i].after);
		sep = i + 1 < s->ngains ? ", " : "; ";
	}
	if (s->ngains == 0 && s->weeks_active > 0) {
		buf_printf(out, "%sno gain measured yet", sep);
		sep = "; ";
	}
	if (s->resolved > 0)
		buf_printf(out, "%sresolved %d ticket%s", sep, s->resolved,
			   s->resolved == 1 ? "" : "s");
}

/* ---- reading the evidence ----------------------------------------------- */

struct key_row {
	const char *school, *teacher;
	int64_t tool;
};

static int key_cmp(const struct champion_suggestion *a, const char *school, const char *teacher,
		   int64_t tool)
{
	int c = strcmp(a->school_sid, school);
	if (!c)
		c = (a->tool_id > tool) - (a->tool_id < tool);
	if (!c)
		c = strcmp(a->teacher_sid, teacher);
	return c;
}

/* The suggestion of (school, tool, teacher), found or added; the list is
 * kept in order by key (school, tool, teacher). */
static struct champion_suggestion *slot(struct arena *a, struct champion_suggestion **rows,
					size_t *n, size_t *cap, const char *school,
					const char *teacher, int64_t tool)
{
	size_t lo = 0, hi = *n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = key_cmp(&(*rows)[mid], school, teacher, tool);
		if (c == 0)
			return &(*rows)[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	struct champion_suggestion *r = arena_grow(a, *rows, *n, cap, sizeof **rows, 32);
	if (!r)
		return NULL;
	*rows = r;
	memmove(&r[lo + 1], &r[lo], (*n - lo) * sizeof *r);
	(*n)++;
	memset(&r[lo], 0, sizeof r[lo]);
	r[lo].school_sid = arena_strdup(a, school);
	r[lo].teacher_sid = arena_strdup(a, teacher);
	r[lo].tool_id = tool;
	if (!r[lo].school_sid || !r[lo].teacher_sid)
		return NULL;
	return &r[lo];
}

/* Whether code is one of the tool's standards ("" targets none: any). */
static bool targets(const char *list, const char *code)
{
	if (!list || !*list)
		return true;
	size_t n = strlen(code);
	for (const char *p = strstr(list, code); p; p = strstr(p + 1, code)) {
		bool start = p == list || p[-1] == ' ' || p[-1] == ',';
		bool end = p[n] == 0 || p[n] == ' ' || p[n] == ',';
		if (start && end)
			return true;
	}
	return false;
}

static enum eb_err read_weeks(struct db *db, int64_t d, const char *school, int64_t tool,
			      int64_t from, int64_t to, struct arena *a,
			      struct champion_suggestion **rows, size_t *n, size_t *cap)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT tc.school_sourced_id, tc.user_sourced_id, le.tool_id,"
		" count(DISTINCT (le.occurred_at - ?2) / 604800)"
		" FROM enrollment tc JOIN enrollment s ON s.district_id=tc.district_id AND"
		" s.class_sourced_id=tc.class_sourced_id AND s.role='student' AND s.status='active'"
		" JOIN learning_event le ON le.district_id=s.district_id AND"
		" le.student_sourced_id=s.user_sourced_id AND le.occurred_at >= ?2 AND"
		" le.occurred_at < ?3"
		" WHERE tc.district_id=?1 AND tc.role='teacher' AND tc.status='active' AND"
		" (?4 IS NULL OR tc.school_sourced_id=?4) AND (?5=0 OR le.tool_id=?5)"
		" GROUP BY 1, 2, 3",
		DB_ARGS(DB_INT(d), DB_INT(from), DB_INT(to), DB_TEXT(school), DB_INT(tool)), &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		struct champion_suggestion *s = slot(a, rows, n, cap, db_col_text(st, 0),
						     db_col_text(st, 1), db_col_int(st, 2));
		if (!s) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		s->weeks_active = (int)db_col_int(st, 3);
	}
	return db_done(st);
}

static enum eb_err read_gains(struct db *db, int64_t d, const char *school, int64_t tool,
			      int64_t from, int64_t to, struct arena *a,
			      struct champion_suggestion *rows, size_t n)
{
	struct db_stmt *st;
	int64_t mid = from + (to - from) / 2;
	enum eb_err rc = db_query(
		db,
		"SELECT tc.school_sourced_id, tc.user_sourced_id, le.tool_id, le.standard_code,"
		" sum(CASE WHEN le.occurred_at < ?4 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN le.occurred_at < ?4 THEN le.correct END),"
		" sum(CASE WHEN le.occurred_at >= ?4 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN le.occurred_at >= ?4 THEN le.correct END),"
		" (SELECT standards FROM tool WHERE id=le.tool_id AND district_id=?1)"
		" FROM enrollment tc JOIN enrollment s ON s.district_id=tc.district_id AND"
		" s.class_sourced_id=tc.class_sourced_id AND s.role='student' AND s.status='active'"
		" JOIN learning_event le ON le.district_id=s.district_id AND"
		" le.student_sourced_id=s.user_sourced_id AND le.occurred_at >= ?2 AND"
		" le.occurred_at < ?3 AND le.correct IS NOT NULL AND le.standard_code IS NOT NULL"
		" WHERE tc.district_id=?1 AND tc.role='teacher' AND tc.status='active' AND"
		" (?5 IS NULL OR tc.school_sourced_id=?5) AND (?6=0 OR le.tool_id=?6)"
		" GROUP BY 1, 2, 3, 4",
		DB_ARGS(DB_INT(d), DB_INT(from), DB_INT(to), DB_INT(mid), DB_TEXT(school),
			DB_INT(tool)),
		&st);
	if (rc)
		return rc;
	while (db_next(st)) {
		double n1 = (double)db_col_int(st, 4), c1 = (double)db_col_int(st, 5);
		double n2 = (double)db_col_int(st, 6), c2 = (double)db_col_int(st, 7);
		const char *code = db_col_text(st, 3);
		if (n1 < CHAMPION_MIN_RESPONSES || n2 < CHAMPION_MIN_RESPONSES || !code ||
		    !targets(db_col_text(st, 8), code))
			continue;
		double before = c1 / n1, after = c2 / n2;
		if (after - before < CHAMPION_MIN_GAIN)
			continue;
		const char *school_sid = db_col_text(st, 0), *teacher = db_col_text(st, 1);
		int64_t tool_id = db_col_int(st, 2);
		struct champion_suggestion *s = NULL;
		for (size_t lo = 0, hi = n; lo < hi && !s;) {
			size_t m = (lo + hi) / 2;
			int c = key_cmp(&rows[m], school_sid, teacher, tool_id);
			if (!c)
				s = &rows[m];
			else if (c < 0)
				lo = m + 1;
			else
				hi = m;
		}
		if (!s)
			continue;
		/* keep the largest gains, largest first */
		struct champion_gain g = { NULL, before, after };
		int at = s->ngains;
		while (at > 0 && s->gains[at - 1].after - s->gains[at - 1].before < after - before)
			at--;
		if (at >= CHAMPION_MAX_GAINS)
			continue;
		if (!(g.standard = db_col_dup(st, 3, a)))
			break;
		int last = s->ngains < CHAMPION_MAX_GAINS ? s->ngains : CHAMPION_MAX_GAINS - 1;
		memmove(&s->gains[at + 1], &s->gains[at], (size_t)(last - at) * sizeof g);
		s->gains[at] = g;
		if (s->ngains < CHAMPION_MAX_GAINS)
			s->ngains++;
	}
	return db_done(st);
}

/* Tickets of a tool at a school (migration 029) that a teacher or tech
 * champion marked resolved in the last CHAMPION_TICKET_WEEKS weeks, per
 * account; IT and vendors resolve tickets too, but they are not a school's
 * champions. An account without a roster person is keyed "account:ID". */
#define CHAMPION_TICKET_WEEKS 26

static enum eb_err read_resolved(struct db *db, int64_t d, const char *school, int64_t tool,
				 int64_t now, struct arena *a, struct champion_suggestion **rows,
				 size_t *n, size_t *cap)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT t.school_sid, t.tool_id, e.account_id,"
		" coalesce(nullif(ac.person_sourced_id, ''), 'account:' || e.account_id),"
		" count(DISTINCT e.ticket_id)"
		" FROM ticket_event e JOIN ticket t ON t.id=e.ticket_id AND "
		"t.district_id=e.district_id"
		" JOIN account ac ON ac.id=e.account_id AND ac.district_id=e.district_id"
		" WHERE e.district_id=?1 AND e.kind='status' AND e.to_value='resolved' AND"
		" e.at >= ?2 AND t.school_sid <> '' AND t.tool_id <> 0 AND"
		" (?3 IS NULL OR t.school_sid=?3) AND (?4=0 OR t.tool_id=?4) AND"
		" EXISTS (SELECT 1 FROM account_role r WHERE r.district_id=e.district_id AND"
		" r.account_id=e.account_id AND r.role IN ('teacher', 'tech_champion'))"
		" GROUP BY 1, 2, 3, 4",
		DB_ARGS(DB_INT(d), DB_INT(now - (int64_t)CHAMPION_TICKET_WEEKS * WEEK),
			DB_TEXT(school), DB_INT(tool)),
		&st);
	if (rc)
		return rc;
	while (db_next(st)) {
		struct champion_suggestion *s = slot(a, rows, n, cap, db_col_text(st, 0),
						     db_col_text(st, 3), db_col_int(st, 1));
		if (!s) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		s->account_id = db_col_int(st, 2);
		s->resolved += (int)db_col_int(st, 4);
	}
	return db_done(st);
}

static int by_words(const void *x, const void *y)
{
	const struct champion_suggestion *a = x, *b = y;
	int c = strcmp(a->school_name, b->school_name);
	if (!c)
		c = strcmp(a->tool_name, b->tool_name);
	if (!c)
		c = strcmp(a->name, b->name);
	return c;
}

enum eb_err champions_suggest(struct db *db, int64_t district_id, const char *school_sid,
			      int64_t tool_id, int64_t now, struct arena *a,
			      struct champion_suggestion **out, size_t *nout)
{
	struct champion_suggestion *rows = NULL;
	size_t n = 0, cap = 0;
	*out = NULL;
	*nout = 0;
	/* the weeks end with the district's latest data (a break, a summer),
	 * never after now: the tools' per-day tallies (migration 010) */
	int64_t last_day = 0;
	enum eb_err rc = db_get_int(db, "SELECT max(day) FROM tool_day WHERE district_id=?1",
				    DB_ARGS(DB_INT(district_id)), &last_day);
	if (rc && rc != EB_ENOTFOUND)
		return rc;
	int64_t end = (last_day + 1) * 86400;
	if (!last_day || end > now)
		end = now;
	int64_t from = end - (int64_t)CHAMPION_WEEKS * WEEK;
	if ((rc = read_weeks(db, district_id, school_sid, tool_id, from, end, a, &rows, &n,
			     &cap)) ||
	    (rc = read_gains(db, district_id, school_sid, tool_id, from, end, a, rows, n)) ||
	    (rc = read_resolved(db, district_id, school_sid, tool_id, now, a, &rows, &n, &cap)))
		return rc;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		struct champion_suggestion *s = &rows[i];
		if (!champions_qualifies(s))
			continue;
		struct db_stmt *st;
		if ((rc = db_query(
			     db,
			     "SELECT coalesce((SELECT name FROM org WHERE district_id=?1 AND"
			     " sourced_id=?2), ?2),"
			     " coalesce((SELECT name FROM tool WHERE district_id=?1 AND id=?3), "
			     "''),"
			     " coalesce((SELECT trim(coalesce(preferred_first_name, given_name) || "
			     "' ' ||"
			     " family_name) FROM person WHERE district_id=?1 AND sourced_id=?4),"
			     " (SELECT display_name FROM account WHERE district_id=?1 AND id=?5), "
			     "?4),"
			     " coalesce((SELECT id FROM account WHERE district_id=?1 AND"
			     " person_sourced_id=?4 AND disabled=0 ORDER BY id LIMIT 1), ?5)",
			     DB_ARGS(DB_INT(district_id), DB_TEXT(s->school_sid),
				     DB_INT(s->tool_id), DB_TEXT(s->teacher_sid),
				     DB_INT(s->account_id)),
			     &st)))
			return rc;
		if (db_next(st)) {
			s->school_name = db_col_str(st, 0, a);
			s->tool_name = db_col_str(st, 1, a);
			s->name = db_col_str(st, 2, a);
			s->account_id = db_col_int(st, 3);
		}
		if ((rc = db_done(st)))
			return rc;
		if (!s->school_name || !s->tool_name || !s->name)
			continue;
		int64_t x = 0;
		if (s->account_id) {
			rc = db_get_int(
				db,
				"SELECT 1 FROM tool_support WHERE district_id=?1 AND tool_id=?2"
				" AND school_sourced_id=?3 AND champion_id=?4",
				DB_ARGS(DB_INT(district_id), DB_INT(s->tool_id),
					DB_TEXT(s->school_sid), DB_INT(s->account_id)),
				&x);
			if (rc && rc != EB_ENOTFOUND)
				return rc;
			s->champion = rc == EB_OK;
		}
		struct buf b;
		buf_init(&b, 1024);
		champions_reasons(s, &b);
		s->reasons = buf_failed(&b) ? NULL : arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
		if (!s->reasons)
			return EB_ENOMEM;
		rows[m++] = *s;
	}
	if (m)
		qsort(rows, m, sizeof *rows, by_words);
	*out = rows;
	*nout = m;
	return EB_OK;
}

/* ---- confirming --------------------------------------------------------- */

enum eb_err champions_confirm(struct db *db, int64_t district_id, int64_t tool_id,
			      const char *school_sid, int64_t account_id,
			      const struct audit_actor *who, char *why, size_t cap)
{
	int64_t x;
	struct tool t;
	enum eb_err rc = tools_get(db, district_id, tool_id, &t);
	if (rc)
		return rc;
	if (db_get_int(db,
		       "SELECT 1 FROM org WHERE district_id=?1 AND sourced_id=?2 AND type='school'",
		       DB_ARGS(DB_INT(district_id), DB_TEXT(school_sid)), &x)) {
		snprintf(why, cap, "school: not a school of the district");
		return EB_EINVAL;
	}
	/* a champion is a teacher: never a family's, a student's or a vendor's
	 * sign-in, whatever a crafted form names */
	if (db_get_int(db,
		       "SELECT 1 FROM account a WHERE a.district_id=?1 AND a.id=?2 AND"
		       " a.disabled=0 AND EXISTS (SELECT 1 FROM account_role r WHERE"
		       " r.district_id=?1 AND r.account_id=a.id AND r.role IN ('teacher',"
		       " 'tech_champion'))",
		       DB_ARGS(DB_INT(district_id), DB_INT(account_id)), &x)) {
		snprintf(why, cap, "account: not a teacher's active sign-in in the district");
		return EB_EINVAL;
	}
	if ((rc = db_begin(db)))
		return rc;
	rc = db_get_int(db,
			"SELECT 1 FROM account_role WHERE district_id=?1 AND account_id=?2 AND"
			" role='tech_champion' AND scope_type='school' AND scope_id=?3",
			DB_ARGS(DB_INT(district_id), DB_INT(account_id), DB_TEXT(school_sid)), &x);
	if (rc == EB_ENOTFOUND) {
		rc = account_add_role(db, district_id, account_id, ROLE_TECH_CHAMPION, "school",
				      school_sid);
		if (!rc) {
			char sid[24];
			snprintf(sid, sizeof sid, "%lld", (long long)account_id);
			rc = audit_record(
				db, district_id, who, "update", "account", sid,
				"role tech_champion granted at school (champion confirmed)");
		}
	}
	/* keep the school's notes */
	struct db_stmt *st;
	char notes[2001] = "";
	if (!rc &&
	    !(rc = db_query(db,
			    "SELECT notes FROM tool_support WHERE district_id=?1 AND"
			    " tool_id=?2 AND school_sourced_id=?3",
			    DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(school_sid)),
			    &st))) {
		if (db_next(st))
			db_col_copy(st, 0, notes, sizeof notes);
		rc = db_done(st);
	}
	if (!rc)
		rc = tools_set_support(db, district_id, tool_id, school_sid, account_id, notes, who,
				       why, cap);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}
