/* assessments.c - see assessments.h. */
#include "domain/assessments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "store/db.h"

enum eb_err assessment_find(struct db *db, int64_t district_id, const char *name, int64_t *id,
			    double *scale_min, double *scale_max)
{
	struct db_stmt *st;
	enum eb_err e = db_query(db,
				 "SELECT id,scale_min,scale_max FROM assessment"
				 " WHERE district_id=?1 AND name=?2",
				 DB_ARGS(DB_INT(district_id), DB_TEXT(name)), &st);
	if (e)
		return e;
	bool found = db_next(st);
	if (found) {
		*id = db_col_int(st, 0);
		if (scale_min)
			*scale_min = db_col_double(st, 1);
		if (scale_max)
			*scale_max = db_col_double(st, 2);
	}
	e = db_done(st);
	return e ? e : found ? EB_OK : EB_ENOTFOUND;
}

enum eb_err assessment_ensure(struct db *db, int64_t district_id, const char *name,
			      double scale_min, double scale_max, int64_t *id, char *why,
			      size_t cap)
{
	if (!name || str_trim(str_from(name)).n == 0 || strlen(name) > ASSESSMENT_NAME_MAX) {
		if (why && cap)
			snprintf(why, cap, "name: must be 1..%d characters", ASSESSMENT_NAME_MAX);
		return EB_EINVAL;
	}
	if (!isfinite(scale_min) || !isfinite(scale_max) || scale_min >= scale_max) {
		if (why && cap)
			snprintf(why, cap, "scale: the minimum must be below the maximum");
		return EB_EINVAL;
	}
	double lo, hi;
	enum eb_err e = assessment_find(db, district_id, name, id, &lo, &hi);
	if (e == EB_OK) {
		if (lo != scale_min || hi != scale_max) {
			if (why && cap)
				snprintf(why, cap,
					 "scale: '%s' is stored with scale %g..%g, not %g..%g "
					 "(mixed scales;"
					 " use another assessment name)",
					 name, lo, hi, scale_min, scale_max);
			return EB_ECONFLICT;
		}
		return EB_OK;
	}
	if (e != EB_ENOTFOUND)
		return e;
	if ((e = db_execute(db,
			    "INSERT INTO assessment(district_id,name,scale_min,scale_max)"
			    " VALUES(?1,?2,?3,?4)",
			    DB_ARGS(DB_INT(district_id), DB_TEXT(name), DB_REAL(scale_min),
				    DB_REAL(scale_max)),
			    NULL)))
		return e;
	*id = db_last_id(db);
	return EB_OK;
}

enum eb_err assessment_score_put(struct db *db, int64_t district_id, int64_t assessment_id,
				 const char *student_sid, const char *date, double score)
{
	return db_execute(db,
			  "INSERT OR REPLACE INTO assessment_score(district_id,assessment_id,"
			  "student_sourced_id,date,score) VALUES(?1,?2,?3,?4,?5)",
			  DB_ARGS(DB_INT(district_id), DB_INT(assessment_id), DB_TEXT(student_sid),
				  DB_TEXT(date), DB_REAL(score)),
			  NULL);
}

enum eb_err assessment_scores(struct db *db, int64_t district_id, int64_t assessment_id,
			      struct arena *a, struct assessment_score **out, size_t *n)
{
	size_t cap = 256, k = 0;
	struct assessment_score *v = arena_alloc(a, cap * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	struct db_stmt *st;
	enum eb_err e = db_query(db,
				 "SELECT student_sourced_id,date,score FROM assessment_score"
				 " WHERE district_id=?1 AND assessment_id=?2"
				 " ORDER BY student_sourced_id,date",
				 DB_ARGS(DB_INT(district_id), DB_INT(assessment_id)), &st);
	if (e)
		return e;
	while (db_next(st)) {
		int32_t day;
		const char *d = db_col_text(st, 1);
		if (!d || date_parse_ymd(str_from(d), &day))
			continue; /* no day to place the score on: left out */
		struct assessment_score *nv = arena_grow(a, v, k, &cap, sizeof *v, 0);
		if (!nv) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		v = nv;
		v[k].student_sid = db_col_str(st, 0, a);
		v[k].day = day;
		v[k].score = db_col_double(st, 2);
		k++;
	}
	if ((e = db_done(st)))
		return e;
	*out = v;
	*n = k;
	return EB_OK;
}

int64_t assessment_count(struct db *db, int64_t district_id, int64_t assessment_id)
{
	int64_t c = 0;
	if (db_get_int(db,
		       "SELECT count(*) FROM assessment_score"
		       " WHERE district_id=?1 AND assessment_id=?2",
		       DB_ARGS(DB_INT(district_id), DB_INT(assessment_id)), &c))
		return 0;
	return c;
}

/* ---- common assessments by standard ----------------------------------- */

static const char *const season_names[] = { "fall", "winter", "spring", "unit" };
static const char *const season_labels[] = { "Fall benchmark", "Winter benchmark",
					     "Spring benchmark", "Unit assessment" };

const char *assessment_season_name(enum assessment_season s)
{
	return (unsigned)s < ASSESSMENT_SEASON__COUNT ? season_names[s] : NULL;
}

const char *assessment_season_label(enum assessment_season s)
{
	return (unsigned)s < ASSESSMENT_SEASON__COUNT ? season_labels[s] : NULL;
}

bool assessment_season_parse(const char *s, enum assessment_season *out)
{
	for (int i = 0; s && i < ASSESSMENT_SEASON__COUNT; i++)
		if (str_ieq_cstr(str_trim(str_from(s)), season_names[i])) {
			*out = (enum assessment_season)i;
			return true;
		}
	return false;
}

/* The comma-separated fields of one line, trimmed (at most cap). */
static size_t split_fields(struct str line, struct str *f, size_t cap)
{
	size_t n = 0;
	const char *p = line.p, *end = line.p + line.n;
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *stop = c ? c : end;
		if (n < cap)
			f[n] = str_trim((struct str){ p, (size_t)(stop - p) });
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	return n;
}

/* Parses one line into *it; on a problem writes the reason into why. */
static bool parse_item(struct str *f, size_t nf, struct assessment_item *it, char *why, size_t cap)
{
	int64_t num;
	memset(it, 0, sizeof *it);
	if (nf != 3 && nf != 5) {
		snprintf(why, cap,
			 "write 'number, standard, points' or 'number, standard, points, choices,"
			 " key' (%zu fields found)",
			 nf);
		return false;
	}
	if (str_to_i64(f[0], 1, ASSESSMENT_ITEMS_MAX, &num)) {
		snprintf(why, cap, "the item number '%.*s' is not a whole number 1..%d",
			 (int)(f[0].n > 20 ? 20 : f[0].n), f[0].p, ASSESSMENT_ITEMS_MAX);
		return false;
	}
	it->number = (int)num;
	char code[64];
	snprintf(code, sizeof code, "%.*s", (int)(f[1].n > 60 ? 60 : f[1].n), f[1].p);
	enum eb_err e = standards_canonical(code, it->standard, sizeof it->standard);
	if (e) {
		snprintf(why, cap,
			 e == EB_ENOTFOUND ? "item %d: '%s' is not a standard of the CCSS-M catalog"
					   : "item %d: '%s' is not a CCSS-M code (like 4.NF.A.1)",
			 it->number, code);
		return false;
	}
	if (str_to_double(f[2], &it->points) || !isfinite(it->points) || it->points <= 0 ||
	    it->points > 100) {
		snprintf(why, cap, "item %d: points '%.*s' must be a number above 0, at most 100",
			 it->number, (int)(f[2].n > 20 ? 20 : f[2].n), f[2].p);
		return false;
	}
	if (nf == 3)
		return true;
	size_t nc = 0;
	for (size_t i = 0; i < f[3].n; i++) {
		char c = f[3].p[i];
		if (c == ' ' || c == '\t' || c == '/' || c == ';')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'A' + ASSESSMENT_CHOICES_MAX - 1 ||
		    nc == ASSESSMENT_CHOICES_MAX || strchr(it->choices, c)) {
			snprintf(why, cap,
				 "item %d: choices '%.*s' must be 2 to %d different letters A..J",
				 it->number, (int)(f[3].n > 30 ? 30 : f[3].n), f[3].p,
				 ASSESSMENT_CHOICES_MAX);
			return false;
		}
		it->choices[nc++] = c;
		it->choices[nc] = 0;
	}
	if (nc < 2) {
		snprintf(why, cap, "item %d: a multiple-choice item needs 2 to %d choices (A..J)",
			 it->number, ASSESSMENT_CHOICES_MAX);
		return false;
	}
	char k = f[4].n == 1 ? f[4].p[0] : 0;
	if (k >= 'a' && k <= 'z')
		k = (char)(k - 'a' + 'A');
	if (!k || !strchr(it->choices, k)) {
		snprintf(why, cap, "item %d: the key '%.*s' is not one of the choices %s",
			 it->number, (int)(f[4].n > 20 ? 20 : f[4].n), f[4].p, it->choices);
		return false;
	}
	it->key = k;
	return true;
}

/* problems listed one by one; past that, a count (a form's error box and
 * the caller's buffer stay small) */
#define ITEM_ERRORS_MAX 20

enum eb_err assessment_items_parse(const char *text, struct arena *a, struct assessment_item **out,
				   size_t *n, struct buf *why)
{
	size_t cap = 16, k = 0, bad = 0, lineno = 0;
	struct assessment_item *v = arena_alloc(a, cap * sizeof *v);
	bool seen[ASSESSMENT_ITEMS_MAX + 1] = { false };
	if (!v)
		return EB_ENOMEM;
	const char *p = text ? text : "";
	while (*p) {
		size_t len = strcspn(p, "\n");
		struct str line = str_trim((struct str){ p, len });
		p += len + (p[len] == '\n');
		lineno++;
		if (!line.n)
			continue;
		struct str f[6];
		char reason[200];
		struct assessment_item it;
		size_t nf = split_fields(line, f, 6);
		if (!parse_item(f, nf, &it, reason, sizeof reason)) {
			if (bad++ < ITEM_ERRORS_MAX)
				buf_printf(why, "items: line %zu: %s\n", lineno, reason);
			continue;
		}
		if (seen[it.number]) {
			if (bad++ < ITEM_ERRORS_MAX)
				buf_printf(why, "items: line %zu: item number %d is used twice\n",
					   lineno, it.number);
			continue;
		}
		seen[it.number] = true;
		struct assessment_item *nv = arena_grow(a, v, k, &cap, sizeof *v, 0);
		if (!nv)
			return EB_ENOMEM;
		v = nv;
		v[k++] = it;
	}
	if (!bad && !k) {
		buf_printf(why, "items: write at least one item\n");
		bad++;
	}
	if (bad > ITEM_ERRORS_MAX)
		buf_printf(why, "items: ... and %zu more problems\n", bad - ITEM_ERRORS_MAX);
	if (bad)
		return EB_EINVAL;
	*out = v;
	*n = k;
	return EB_OK;
}

static enum eb_err insert_items(struct db *db, int64_t d, int64_t id,
				const struct assessment_item *it, size_t n)
{
	enum eb_err e = EB_OK;
	for (size_t i = 0; i < n && !e; i++) {
		char key[2] = { it[i].key, 0 };
		e = db_execute(
			db,
			"INSERT INTO common_item(district_id,assessment_id,number,"
			"standard_code,points,choices,answer_key) VALUES(?1,?2,?3,?4,?5,?6,?7)",
			DB_ARGS(DB_INT(d), DB_INT(id), DB_INT(it[i].number),
				DB_TEXT(it[i].standard), DB_REAL(it[i].points),
				DB_TEXT(it[i].key ? it[i].choices : NULL),
				DB_TEXT(it[i].key ? key : NULL)),
			NULL);
	}
	return e;
}

static bool valid_date(const char *s)
{
	int32_t day;
	return s && strlen(s) == 10 && date_parse_ymd(str_from(s), &day) == EB_OK;
}

enum eb_err assessment_common_create(struct db *db, int64_t district_id,
				     const struct audit_actor *who,
				     const struct assessment_common_in *in, int64_t *id,
				     struct buf *why)
{
	struct arena a;
	arena_init(&a);
	enum eb_err e = EB_OK;
	enum assessment_season season = ASSESSMENT_FALL;
	bool bad = false;
	struct str name = str_trim(str_from(in->name ? in->name : ""));
	if (!name.n || name.n > ASSESSMENT_NAME_MAX) {
		buf_printf(why, "name: give the assessment a name (1 to %d characters)\n",
			   ASSESSMENT_NAME_MAX);
		bad = true;
	}
	if (!assessment_season_parse(in->season, &season)) {
		buf_printf(why, "season: choose fall, winter, spring or unit\n");
		bad = true;
	}
	if (!valid_date(in->opens)) {
		buf_printf(why, "opens: give the first day of the window as YYYY-MM-DD\n");
		bad = true;
	}
	if (!valid_date(in->closes)) {
		buf_printf(why, "closes: give the last day of the window as YYYY-MM-DD\n");
		bad = true;
	} else if (valid_date(in->opens) && strcmp(in->closes, in->opens) < 0) {
		buf_printf(why, "closes: the window closes (%s) before it opens (%s)\n", in->closes,
			   in->opens);
		bad = true;
	}
	struct assessment_item *items = NULL;
	size_t n = 0;
	e = assessment_items_parse(in->items, &a, &items, &n, why);
	if (e == EB_ENOMEM)
		goto out;
	if (e || bad) {
		e = EB_EINVAL;
		goto out;
	}
	char *nm = arena_strndup(&a, name.p, name.n);
	if (!nm) {
		e = EB_ENOMEM;
		goto out;
	}
	if ((e = db_begin(db)))
		goto out;
	e = db_execute(
		db,
		"INSERT INTO common_assessment(district_id,name,season,opens,closes,created_by,"
		"created_at) VALUES(?1,?2,?3,?4,?5,?6,?7)",
		DB_ARGS(DB_INT(district_id), DB_TEXT(nm), DB_TEXT(assessment_season_name(season)),
			DB_TEXT(in->opens), DB_TEXT(in->closes),
			DB_INT_IF(who && who->account_id, who->account_id), DB_INT(time_now())),
		NULL);
	if (e == EB_EEXIST)
		buf_printf(why, "name: the district already has an assessment called '%s'\n", nm);
	int64_t aid = e ? 0 : db_last_id(db);
	if (!e)
		e = insert_items(db, district_id, aid, items, n);
	if (!e) {
		char sid[24], detail[300];
		snprintf(sid, sizeof sid, "%lld", (long long)aid);
		snprintf(detail, sizeof detail, "common assessment '%.200s': %zu items", nm, n);
		e = audit_record(db, district_id, who, "create", "common_assessment", sid, detail);
	}
	if (!e)
		e = db_commit(db);
	if (e) {
		db_rollback(db);
		goto out;
	}
	*id = aid;
out:
	arena_free(&a);
	return e;
}

enum eb_err assessment_common_add_items(struct db *db, int64_t district_id,
					const struct audit_actor *who, int64_t id,
					const char *items_text, struct buf *why)
{
	struct arena a;
	arena_init(&a);
	struct assessment_common ac;
	struct assessment_item *items = NULL;
	size_t n = 0;
	enum eb_err e = assessment_common_get(db, district_id, id, &a, &ac);
	if (e)
		goto out;
	if ((e = assessment_items_parse(items_text, &a, &items, &n, why)))
		goto out;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < ac.nitems; j++)
			if (items[i].number == ac.items[j].number) {
				buf_printf(why,
					   "items: item number %d is already on the assessment\n",
					   items[i].number);
				e = EB_EINVAL;
			}
	if (e)
		goto out;
	if (ac.students) {
		buf_printf(why, "items: results are already stored; items can no longer be added"
				" (the totals would not add up)\n");
		e = EB_ECONFLICT;
		goto out;
	}
	if ((e = db_begin(db)))
		goto out;
	e = insert_items(db, district_id, id, items, n);
	if (!e) {
		char sid[24], detail[64];
		snprintf(sid, sizeof sid, "%lld", (long long)id);
		snprintf(detail, sizeof detail, "%zu items added", n);
		e = audit_record(db, district_id, who, "update", "common_assessment", sid, detail);
	}
	if (!e)
		e = db_commit(db);
	if (e)
		db_rollback(db);
out:
	arena_free(&a);
	return e;
}

static void read_common(struct db_stmt *st, struct arena *a, struct assessment_common *c)
{
	memset(c, 0, sizeof *c);
	c->id = db_col_int(st, 0);
	c->name = db_col_str(st, 1, a);
	assessment_season_parse(db_col_text(st, 2), &c->season);
	str_copy(c->opens, sizeof c->opens, db_col_text(st, 3) ? db_col_text(st, 3) : "");
	str_copy(c->closes, sizeof c->closes, db_col_text(st, 4) ? db_col_text(st, 4) : "");
	c->nitems = (size_t)db_col_int(st, 5);
	c->students = db_col_int(st, 6);
}

#define COMMON_COLS                                                                                \
	"a.id,a.name,a.season,a.opens,a.closes,"                                                   \
	"(SELECT count(*) FROM common_item i WHERE i.district_id=a.district_id"                    \
	" AND i.assessment_id=a.id),"                                                              \
	"(SELECT count(DISTINCT student_sourced_id) FROM common_response r"                        \
	" WHERE r.district_id=a.district_id AND r.assessment_id=a.id)"

enum eb_err assessment_common_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
				  struct assessment_common *out)
{
	struct db_stmt *st;
	enum eb_err e = db_query(db,
				 "SELECT " COMMON_COLS " FROM common_assessment a"
				 " WHERE a.district_id=?1 AND a.id=?2",
				 DB_ARGS(DB_INT(district_id), DB_INT(id)), &st);
	if (e)
		return e;
	bool found = db_next(st);
	if (found)
		read_common(st, a, out);
	if ((e = db_done(st)))
		return e;
	if (!found)
		return EB_ENOTFOUND;
	out->items = arena_zalloc(a, (out->nitems ? out->nitems : 1) * sizeof *out->items);
	if (!out->items)
		return EB_ENOMEM;
	if ((e = db_query(db,
			  "SELECT number,standard_code,points,choices,answer_key FROM common_item"
			  " WHERE district_id=?1 AND assessment_id=?2 ORDER BY number",
			  DB_ARGS(DB_INT(district_id), DB_INT(id)), &st)))
		return e;
	size_t k = 0;
	while (db_next(st) && k < out->nitems) {
		struct assessment_item *it = &out->items[k++];
		it->number = (int)db_col_int(st, 0);
		str_copy(it->standard, sizeof it->standard, db_col_text(st, 1));
		it->points = db_col_double(st, 2);
		const char *ch = db_col_text(st, 3), *key = db_col_text(st, 4);
		str_copy(it->choices, sizeof it->choices, ch ? ch : "");
		it->key = key ? key[0] : 0;
	}
	out->nitems = k;
	return db_done(st);
}

enum eb_err assessment_common_list(struct db *db, int64_t district_id, struct arena *a,
				   struct assessment_common **out, size_t *n)
{
	size_t cap = 16, k = 0;
	struct assessment_common *v = arena_alloc(a, cap * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	struct db_stmt *st;
	enum eb_err e = db_query(db,
				 "SELECT " COMMON_COLS " FROM common_assessment a"
				 " WHERE a.district_id=?1 ORDER BY a.opens DESC, a.name",
				 DB_ARGS(DB_INT(district_id)), &st);
	if (e)
		return e;
	while (db_next(st)) {
		struct assessment_common *nv = arena_grow(a, v, k, &cap, sizeof *v, 0);
		if (!nv) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		v = nv;
		read_common(st, a, &v[k++]);
	}
	if ((e = db_done(st)))
		return e;
	*out = v;
	*n = k;
	return EB_OK;
}

#define COMMON_TOOL_NAME "Common assessments"

enum eb_err assessment_common_tool(struct db *db, int64_t district_id, int64_t *tool_id)
{
	struct tool *t = malloc(sizeof *t);
	if (!t)
		return EB_ENOMEM;
	enum eb_err e = tools_find(db, district_id, COMMON_TOOL_NAME, t);
	if (e == EB_OK) {
		*tool_id = t->id;
		goto out;
	}
	if (e != EB_ENOTFOUND)
		goto out;
	tools_defaults(t);
	str_copy(t->name, sizeof t->name, COMMON_TOOL_NAME);
	str_copy(t->vendor, sizeof t->vendor, "edbridge");
	str_copy(t->category, sizeof t->category, "assessment");
	str_copy(t->need, sizeof t->need,
		 "The district's common assessments and benchmarks: their item results are"
		 " evidence of mastery of each item's standard.");
	t->kind = TOOL_KIND_PLATFORM;
	struct audit_actor sys = { 0, "cli", "" };
	if ((e = tools_create(db, district_id, t, TOOL_UNDER_REVIEW, 0, &sys,
			      "the item results of common assessments", tool_id)))
		goto out;
	e = tools_set_status(db, district_id, *tool_id, TOOL_APPROVED,
			     "Built into edbridge: the district's own assessments", NULL, &sys,
			     NULL, 0);
out:
	free(t);
	return e;
}

enum eb_err assessment_results_put(struct db *db, int64_t district_id,
				   const struct assessment_common *ac,
				   const struct assessment_result_in *rows, size_t n,
				   size_t *changed)
{
	int64_t tool;
	enum eb_err e = assessment_common_tool(db, district_id, &tool);
	*changed = 0;
	for (size_t i = 0; i < n && !e; i++) {
		const struct assessment_result_in *r = &rows[i];
		const struct assessment_item *it = &ac->items[r->item];
		char resp[2] = { r->response == ' ' ? 0 : r->response, 0 };
		const char *rtext = it->key ? resp : NULL;
		char sid_stmt[320];
		snprintf(sid_stmt, sizeof sid_stmt, "common:%lld:%d:%s", (long long)ac->id,
			 it->number, r->student_sid);
		/* the stored result, if any: the same one needs no new evidence */
		struct db_stmt *st;
		if ((e = db_query(db,
				  "SELECT response,points,taken_on FROM common_response"
				  " WHERE district_id=?1 AND assessment_id=?2"
				  " AND student_sourced_id=?3 AND item_number=?4",
				  DB_ARGS(DB_INT(district_id), DB_INT(ac->id),
					  DB_TEXT(r->student_sid), DB_INT(it->number)),
				  &st)))
			break;
		bool had = db_next(st), same = false;
		if (had) {
			const char *old = db_col_text(st, 0), *day = db_col_text(st, 2);
			same = db_col_double(st, 1) == r->points &&
			       ((!old && !rtext) || (old && rtext && strcmp(old, rtext) == 0)) &&
			       day && strcmp(day, r->date) == 0;
		}
		if ((e = db_done(st)))
			break;
		if (same)
			continue;
		if ((e = db_execute(
			     db,
			     "INSERT OR REPLACE INTO common_response(district_id,assessment_id,"
			     "student_sourced_id,item_number,response,points,taken_on)"
			     " VALUES(?1,?2,?3,?4,?5,?6,?7)",
			     DB_ARGS(DB_INT(district_id), DB_INT(ac->id), DB_TEXT(r->student_sid),
				     DB_INT(it->number), DB_TEXT(rtext), DB_REAL(r->points),
				     DB_TEXT(r->date)),
			     NULL)))
			break;
		if (had && (e = activity_event_forget(db, district_id, tool, sid_stmt)))
			break;
		int32_t day = 0;
		date_parse_ymd(str_from(r->date), &day);
		char activity[96], item_id[48];
		snprintf(activity, sizeof activity, "edbridge:common-assessment:%lld:item:%d",
			 (long long)ac->id, it->number);
		snprintf(item_id, sizeof item_id, "%lld:%d", (long long)ac->id, it->number);
		struct learning_event_in ev = {
			.actor_key = r->student_sid,
			.match_name = r->student_sid,
			.activity_id = activity,
			.standard_code = it->standard,
			.item_id = item_id,
			.correct = r->points >= it->points ? 1 : 0,
			.score = r->points / it->points,
			.duration_s = -1,
			.occurred_at = (int64_t)day * 86400 + 12 * 3600,
			.source = "csv",
			.statement_id = sid_stmt,
		};
		if ((e = activity_event_record(db, district_id, tool, &ev, NULL)))
			break;
		(*changed)++;
	}
	return e;
}

/* the scope's filter on common_response r (?3 school, ?4 teacher, ?5 class):
 * each an uncorrelated IN list, made once per query from indexed lookups
 * (classes of the school, then their students by enrollment_class), so the
 * plan is the same with or without the planner's statistics */
#define SCOPE_SQL                                                                                  \
	" AND (?3 IS NULL OR r.student_sourced_id IN (SELECT e.user_sourced_id FROM class c"       \
	"  JOIN enrollment e ON e.district_id=c.district_id AND e.class_sourced_id=c.sourced_id"   \
	"  AND e.role='student' WHERE c.district_id=?1 AND c.school_sourced_id=?3))"               \
	" AND (?4 IS NULL OR r.student_sourced_id IN (SELECT e.user_sourced_id FROM enrollment t"  \
	"  JOIN enrollment e ON e.district_id=t.district_id AND "                                  \
	"e.class_sourced_id=t.class_sourced_id"                                                    \
	"  AND e.role='student' WHERE t.district_id=?1 AND t.user_sourced_id=?4"                   \
	"  AND t.role='teacher'))"                                                                 \
	" AND (?5 IS NULL OR r.student_sourced_id IN (SELECT e.user_sourced_id FROM enrollment e"  \
	"  WHERE e.district_id=?1 AND e.class_sourced_id=?5 AND e.role='student'))"

#define SCOPE_ARGS(d, id, s)                                                                       \
	DB_INT(d), DB_INT(id), DB_TEXT((s) ? (s)->school_sid : NULL),                              \
		DB_TEXT((s) ? (s)->teacher_sid : NULL), DB_TEXT((s) ? (s)->class_sid : NULL)

enum eb_err assessment_common_matrix(struct db *db, int64_t district_id,
				     const struct assessment_common *ac,
				     const struct assessment_scope *scope, struct arena *a,
				     struct assessment_matrix *out)
{
	memset(out, 0, sizeof *out);
	size_t k = ac->nitems;
	int index_of[ASSESSMENT_ITEMS_MAX + 1];
	bool any_mc = false;
	for (int i = 0; i <= ASSESSMENT_ITEMS_MAX; i++)
		index_of[i] = -1;
	for (size_t i = 0; i < k; i++) {
		index_of[ac->items[i].number] = (int)i;
		any_mc |= ac->items[i].key != 0;
	}
	size_t cap = 0, ns = 0;
	const char **students = NULL;
	double *points = NULL;
	int8_t *choice = NULL;
	struct db_stmt *st;
	enum eb_err e = db_query(
		db,
		"SELECT student_sourced_id,item_number,response,points"
		" FROM common_response r WHERE r.district_id=?1 AND r.assessment_id=?2" SCOPE_SQL
		" ORDER BY student_sourced_id,item_number",
		DB_ARGS(SCOPE_ARGS(district_id, ac->id, scope)), &st);
	if (e)
		return e;
	const char *last = NULL;
	while (db_next(st)) {
		const char *sid = db_col_text(st, 0);
		if (!sid)
			continue;
		if (!last || strcmp(last, sid) != 0) {
			if (ns == cap) {
				size_t ncap = cap ? cap * 2 : 256;
				const char **s2 = arena_alloc(a, ncap * sizeof *s2);
				double *p2 = arena_alloc(a, ncap * (k ? k : 1) * sizeof *p2);
				int8_t *c2 = arena_alloc(a, ncap * (k ? k : 1) * sizeof *c2);
				if (!s2 || !p2 || !c2) {
					db_fail(st, EB_ENOMEM);
					break;
				}
				if (ns) {
					memcpy(s2, students, ns * sizeof *s2);
					memcpy(p2, points, ns * k * sizeof *p2);
					memcpy(c2, choice, ns * k * sizeof *c2);
				}
				students = s2, points = p2, choice = c2, cap = ncap;
			}
			students[ns] = last = db_col_str(st, 0, a);
			if (!last) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			for (size_t i = 0; i < k; i++) {
				points[ns * k + i] = 0;
				choice[ns * k + i] = -1;
			}
			ns++;
		}
		int64_t num = db_col_int(st, 1);
		if (num < 1 || num > ASSESSMENT_ITEMS_MAX || index_of[num] < 0)
			continue;
		size_t i = (size_t)index_of[num];
		size_t at = (ns - 1) * k + i;
		points[at] = db_col_double(st, 3);
		const char *resp = db_col_text(st, 2);
		const char *hit = resp && resp[0] ? strchr(ac->items[i].choices, resp[0]) : NULL;
		choice[at] = hit ? (int8_t)(hit - ac->items[i].choices) : -1;
	}
	if ((e = db_done(st)))
		return e;
	out->nstudents = ns;
	out->students = students;
	out->points = points;
	out->choice = any_mc ? choice : NULL;
	return EB_OK;
}

static const struct assessment_scope no_scope;

enum eb_err assessment_common_groups(struct db *db, int64_t district_id,
				     const struct assessment_common *ac, bool by_teacher,
				     const struct assessment_scope *scope, struct arena *a,
				     struct assessment_group **out, size_t *n)
{
	double max = 0;
	for (size_t i = 0; i < ac->nitems; i++)
		max += ac->items[i].points;
	if (!scope)
		scope = &no_scope;
	size_t cap = 16, k = 0;
	struct assessment_group *v = arena_alloc(a, cap * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	struct db_stmt *st;
	enum eb_err e;
	if (by_teacher)
		e = db_query(
			db,
			"WITH s AS (SELECT r.student_sourced_id AS sid, sum(r.points) / ?6 AS share"
			" FROM common_response r WHERE r.district_id=?1 AND "
			"r.assessment_id=?2" SCOPE_SQL " GROUP BY r.student_sourced_id),"
			" g AS (SELECT DISTINCT t.user_sourced_id AS gid, s.sid, s.share FROM s"
			" JOIN enrollment e ON e.district_id=?1 AND e.user_sourced_id=s.sid"
			" AND e.role='student' JOIN enrollment t ON t.district_id=?1"
			" AND t.class_sourced_id=e.class_sourced_id AND t.role='teacher')"
			" SELECT g.gid, coalesce(p.given_name || ' ' || p.family_name, g.gid),"
			" count(*), avg(g.share) FROM g LEFT JOIN person p ON p.district_id=?1"
			" AND p.sourced_id=g.gid GROUP BY g.gid, p.given_name, p.family_name"
			" ORDER BY 2, 1",
			DB_ARGS(SCOPE_ARGS(district_id, ac->id, scope), DB_REAL(max)), &st);
	else
		e = db_query(
			db,
			"WITH s AS (SELECT r.student_sourced_id AS sid, sum(r.points) / ?6 AS share"
			" FROM common_response r WHERE r.district_id=?1 AND "
			"r.assessment_id=?2" SCOPE_SQL " GROUP BY r.student_sourced_id),"
			" g AS (SELECT DISTINCT e.school_sourced_id AS gid, s.sid, s.share FROM s"
			" JOIN enrollment e ON e.district_id=?1 AND e.user_sourced_id=s.sid"
			" AND e.role='student')"
			" SELECT g.gid, coalesce(o.name, g.gid), count(*), avg(g.share) FROM g"
			" LEFT JOIN org o ON o.district_id=?1 AND o.sourced_id=g.gid"
			" GROUP BY g.gid, o.name ORDER BY 2, 1",
			DB_ARGS(SCOPE_ARGS(district_id, ac->id, scope), DB_REAL(max)), &st);
	if (e)
		return e;
	while (db_next(st)) {
		struct assessment_group *nv = arena_grow(a, v, k, &cap, sizeof *v, 0);
		if (!nv) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		v = nv;
		v[k].id = db_col_str(st, 0, a);
		v[k].name = db_col_str(st, 1, a);
		v[k].students = db_col_int(st, 2);
		v[k].mean_share = db_col_double(st, 3);
		k++;
	}
	if ((e = db_done(st)))
		return e;
	*out = v;
	*n = k;
	return EB_OK;
}
