/* initiatives.c - see initiatives.h. */
#include "domain/initiatives.h"

#include "base/hashset.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/evidence.h"
#include "domain/standards.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "store/db.h"

static const struct {
	const char *name, *label;
} status_names[INIT__COUNT] = {
	[INIT_PLANNED] = { "planned", "planned" },
	[INIT_PILOTING] = { "piloting", "piloting" },
	[INIT_SCALING] = { "scaling", "scaling up" },
	[INIT_UNDER_REVIEW] = { "under_review", "under review" },
	[INIT_CONTINUED] = { "continued", "continued" },
	[INIT_CHANGED] = { "changed", "changed" },
	[INIT_STOPPED] = { "stopped", "stopped" },
};

/* allowed[from] = bit mask of targets */
#define B(s) (1u << (s))
static const unsigned allowed[INIT__COUNT] = {
	[INIT_PLANNED] = B(INIT_PILOTING) | B(INIT_STOPPED),
	[INIT_PILOTING] = B(INIT_SCALING) | B(INIT_UNDER_REVIEW) | B(INIT_STOPPED),
	[INIT_SCALING] = B(INIT_UNDER_REVIEW) | B(INIT_STOPPED),
	[INIT_UNDER_REVIEW] = B(INIT_CONTINUED) | B(INIT_CHANGED) | B(INIT_STOPPED),
	[INIT_CONTINUED] = B(INIT_UNDER_REVIEW),
	[INIT_CHANGED] = B(INIT_PILOTING) | B(INIT_UNDER_REVIEW),
	[INIT_STOPPED] = 0,
};

const char *initiative_status_name(enum initiative_status s)
{
	return (unsigned)s < INIT__COUNT ? status_names[s].name : NULL;
}

const char *initiative_status_label(enum initiative_status s)
{
	return (unsigned)s < INIT__COUNT ? status_names[s].label : "?";
}

enum eb_err initiative_status_parse(const char *s, enum initiative_status *out)
{
	if (!s)
		return EB_EINVAL;
	char norm[32];
	size_t i = 0;
	for (; i < sizeof norm - 1 && s[i]; i++)
		norm[i] = (s[i] == ' ' || s[i] == '-') ? '_' : s[i];
	if (s[i])
		return EB_EINVAL;
	norm[i] = 0;
	for (int k = 0; k < INIT__COUNT; k++)
		if (strcmp(norm, status_names[k].name) == 0) {
			*out = (enum initiative_status)k;
			return EB_OK;
		}
	return EB_EINVAL;
}

int initiative_transition_ok(enum initiative_status from, enum initiative_status to)
{
	return (unsigned)from < INIT__COUNT && (unsigned)to < INIT__COUNT &&
	       (allowed[from] & B(to)) != 0;
}

enum eb_err initiative_parse_grade(const char *s, int *grade)
{
	if (!s)
		return EB_EINVAL;
	struct str v = str_trim(str_from(s));
	if (str_ieq_cstr(v, "K") || str_ieq_cstr(v, "KG")) {
		*grade = 0;
		return EB_OK;
	}
	int64_t g;
	if (v.n == 0 || v.n > 2 || str_to_i64(v, 0, 12, &g))
		return EB_EINVAL;
	*grade = (int)g;
	return EB_OK;
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

static void why_out(struct why *w, char *why, size_t cap)
{
	if (why && cap)
		str_copy(why, cap, w->b.len ? buf_cstr(&w->b) : "");
}

static int blank(const char *s)
{
	return !s || str_trim(str_from(s)).n == 0;
}

static void check_text(struct why *w, const char *field, const char *s, size_t max, int required)
{
	if (blank(s)) {
		if (required)
			whyf(w, field, "is required");
		return;
	}
	if (strlen(s) > max)
		whyf(w, field, "is longer than %zu characters", max);
}

static int valid_date(const char *s, int32_t *days)
{
	if (blank(s) || strlen(s) != 10)
		return 0;
	return date_parse_ymd(str_from(s), days) == EB_OK;
}

#define LIST_MAX 64
struct list {
	char items[LIST_MAX][80];
	size_t n;
};

/* Splits a comma list; reports an item too long or too many items. */
static void split_list(struct why *w, const char *field, const char *s, struct list *out)
{
	out->n = 0;
	if (blank(s))
		return;
	if (strlen(s) > 8000) {
		whyf(w, field, "is too long");
		return;
	}
	const char *p = s;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		struct str it = str_trim((struct str){ p, len });
		if (it.n) {
			if (out->n == LIST_MAX) {
				whyf(w, field, "lists more than %d items", LIST_MAX);
				return;
			}
			if (it.n >= sizeof out->items[0]) {
				whyf(w, field, "item '%.20s...' is too long", it.p);
				return;
			}
			int dup = 0;
			for (size_t k = 0; k < out->n; k++)
				if (strlen(out->items[k]) == it.n &&
				    memcmp(out->items[k], it.p, it.n) == 0)
					dup = 1;
			if (!dup) {
				memcpy(out->items[out->n], it.p, it.n);
				out->items[out->n][it.n] = 0;
				out->n++;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
}

/* EB_OK when the district has the school (class), EB_ENOTFOUND when not. */
static enum eb_err exists_school(struct db *db, int64_t d, const char *sid)
{
	int64_t one;
	return db_get_int(
		db, "SELECT 1 FROM org WHERE district_id=?1 AND sourced_id=?2 AND type='school'",
		DB_ARGS(DB_INT(d), DB_TEXT(sid)), &one);
}

static enum eb_err exists_class(struct db *db, int64_t d, const char *sid)
{
	int64_t one;
	return db_get_int(db, "SELECT 1 FROM class WHERE district_id=?1 AND sourced_id=?2",
			  DB_ARGS(DB_INT(d), DB_TEXT(sid)), &one);
}

static void check_person(struct why *w, struct db *db, int64_t d, const char *field, int64_t id)
{
	struct account a;
	if (id == 0) {
		whyf(w, field, "is required (an account of the district)");
		return;
	}
	if (id < 0) {
		whyf(w, field, "is not an account of this district");
		return;
	}
	if (account_get(db, d, id, &a) != EB_OK)
		whyf(w, field, "account %lld is not an account of this district", (long long)id);
	else if (a.disabled)
		whyf(w, field, "account '%s' is disabled", a.login);
}

static enum eb_err put_target(struct db *db, int64_t d, int64_t id, const char *kind,
			      const char *value)
{
	return db_execute(
		db,
		"INSERT OR IGNORE INTO initiative_target(district_id,initiative_id,kind,value)"
		" VALUES(?1,?2,?3,?4)",
		DB_ARGS(DB_INT(d), DB_INT(id), DB_TEXT(kind), DB_TEXT(value)), NULL);
}

enum eb_err initiative_create(struct db *db, int64_t district_id, const struct audit_actor *who,
			      const struct initiative_in *in, int64_t *id, char *why, size_t cap)
{
	struct why w = { 0 };
	buf_init(&w.b, INIT_WHY_CAP);
	check_text(&w, "title", in->title, 200, 1);
	check_text(&w, "need", in->need, 4000, 1);
	check_text(&w, "tool", in->tool_name, 200, 1);
	if (in->tool_id < 0) {
		whyf(&w, "tool_id", "must be a positive number or empty");
	} else if (in->tool_id > 0) {
		/* a tool of this district's inventory only (another district's
		 * tool answers the same as one that does not exist) */
		struct tool *t = malloc(sizeof *t);
		enum eb_err te = t ? tools_get(db, district_id, in->tool_id, t) : EB_ENOMEM;
		free(t);
		if (te == EB_ENOTFOUND) {
			whyf(&w, "tool_id", "%lld is not a tool of this district's inventory",
			     (long long)in->tool_id);
		} else if (te) {
			buf_free(&w.b);
			if (why && cap)
				snprintf(why, cap, "tool_id: could not be checked (%s)",
					 eb_strerror(te));
			return te;
		}
	}
	struct list schools, grades, classes, stds;
	split_list(&w, "schools", in->schools, &schools);
	split_list(&w, "grades", in->grades, &grades);
	split_list(&w, "classes", in->classes, &classes);
	split_list(&w, "standards", in->standards, &stds);
	enum eb_err ce = EB_OK;
	for (size_t i = 0; i < schools.n && !ce; i++)
		if ((ce = exists_school(db, district_id, schools.items[i])) == EB_ENOTFOUND) {
			whyf(&w, "schools", "'%s' is not a school of this district",
			     schools.items[i]);
			ce = EB_OK;
		}
	int gnum[LIST_MAX];
	for (size_t i = 0; i < grades.n; i++)
		if (initiative_parse_grade(grades.items[i], &gnum[i]))
			whyf(&w, "grades", "'%s' is not a grade (K, 1..12)", grades.items[i]);
	for (size_t i = 0; i < classes.n && !ce; i++)
		if ((ce = exists_class(db, district_id, classes.items[i])) == EB_ENOTFOUND) {
			whyf(&w, "classes", "'%s' is not a class of this district",
			     classes.items[i]);
			ce = EB_OK;
		}
	if (ce) {
		buf_free(&w.b);
		if (why && cap)
			snprintf(why, cap, "target: could not be checked (%s)", eb_strerror(ce));
		return ce;
	}
	char canon[LIST_MAX][64];
	standards_init();
	for (size_t i = 0; i < stds.n; i++) {
		enum eb_err e = standards_canonical(stds.items[i], canon[i], sizeof canon[i]);
		if (e == EB_ENOTFOUND)
			whyf(&w, "standards", "'%s' is not in the CCSS-M catalog", stds.items[i]);
		else if (e)
			whyf(&w, "standards", "'%s' is not a CCSS-M code (e.g. 6.RP.A.3)",
			     stds.items[i]);
	}
	if (schools.n + grades.n + classes.n == 0)
		whyf(&w, "target", "name at least one school, grade or class");
	int32_t ds = 0, dr = 0;
	int ok_s = valid_date(in->start_date, &ds), ok_r = valid_date(in->review_date, &dr);
	if (!ok_s)
		whyf(&w, "start_date", "must be a date YYYY-MM-DD");
	if (!ok_r)
		whyf(&w, "review_date", "must be a date YYYY-MM-DD");
	if (ok_s && ok_r && dr <= ds)
		whyf(&w, "review_date", "must come after the start date");
	check_text(&w, "outcome_assessment", in->outcome_assessment, 200, 1);
	check_text(&w, "pretest_assessment", in->pretest_assessment, 200, 0);
	check_text(&w, "success_measure", in->success_measure, 1000, 1);
	if (in->dosage_minutes < 1 || in->dosage_minutes > 3000)
		whyf(&w, "dosage_minutes", "must be minutes per week between 1 and 3000");
	check_person(&w, db, district_id, "quiz_builder", in->quiz_builder);
	check_person(&w, db, district_id, "monitor", in->monitor);
	if (in->monitor_every_days < 1 || in->monitor_every_days > 365)
		whyf(&w, "monitor_every_days", "must be between 1 and 365 days");
	double pass = 0;
	bool has_pass = !blank(in->pass_score);
	if (has_pass) {
		struct str pv = str_trim(str_from(in->pass_score));
		if (pv.n > 64 || str_to_double(pv, &pass) || !isfinite(pass))
			whyf(&w, "pass_score",
			     "must be a number (the cut score on the outcome's scale)");
		else if (pass < 0 || pass >= 1e9)
			whyf(&w, "pass_score",
			     "must be 0 or more (a cut score on the outcome's scale)");
	}
	check_person(&w, db, district_id, "evaluator", in->evaluator);
	check_person(&w, db, district_id, "teacher_support", in->teacher_support);
	check_person(&w, db, district_id, "family_contact", in->family_contact);
	if (w.n) {
		why_out(&w, why, cap);
		buf_free(&w.b);
		return EB_EINVAL;
	}
	buf_free(&w.b);

	enum eb_err e = db_begin(db);
	if (e)
		return e;
	e = db_execute(
		db,
		"INSERT INTO initiative(district_id,title,need,tool_name,tool_id,start_date,"
		"review_date,outcome_assessment,pretest_assessment,success_measure,"
		"dosage_minutes,quiz_builder_id,monitor_id,monitor_every_days,evaluator_id,"
		"teacher_support_id,family_contact_id,created_by,pass_score)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)",
		DB_ARGS(DB_INT(district_id), DB_TEXT(in->title), DB_TEXT(in->need),
			DB_TEXT(in->tool_name), DB_INT_IF(in->tool_id > 0, in->tool_id),
			DB_TEXT(in->start_date), DB_TEXT(in->review_date),
			DB_TEXT(in->outcome_assessment),
			DB_TEXT(blank(in->pretest_assessment) ? NULL : in->pretest_assessment),
			DB_TEXT(in->success_measure), DB_INT(in->dosage_minutes),
			DB_INT(in->quiz_builder), DB_INT(in->monitor),
			DB_INT(in->monitor_every_days), DB_INT(in->evaluator),
			DB_INT(in->teacher_support), DB_INT(in->family_contact),
			DB_INT_IF(who && who->account_id, who ? who->account_id : 0),
			DB_REAL_IF(has_pass, pass)),
		NULL);
	if (e)
		goto fail;
	int64_t nid = db_last_id(db);
	for (size_t i = 0; i < schools.n && !e; i++)
		e = put_target(db, district_id, nid, "school", schools.items[i]);
	for (size_t i = 0; i < classes.n && !e; i++)
		e = put_target(db, district_id, nid, "class", classes.items[i]);
	for (size_t i = 0; i < grades.n && !e; i++) {
		char g[8];
		snprintf(g, sizeof g, "%d", gnum[i]);
		e = put_target(db, district_id, nid, "grade", g);
	}
	for (size_t i = 0; i < stds.n && !e; i++)
		e = put_target(db, district_id, nid, "standard", canon[i]);
	if (e)
		goto fail;
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)nid);
	struct audit_actor cli = { 0, "cli", "" };
	if ((e = audit_record(db, district_id, who ? who : &cli, "create", "initiative", sid,
			      in->title)))
		goto fail;
	if ((e = db_commit(db)))
		goto fail;
	*id = nid;
	return EB_OK;
fail:
	db_rollback(db);
	if (why && cap)
		snprintf(why, cap, "initiative: could not be stored (%s)", eb_strerror(e));
	return e;
}

/* ---- reading ---------------------------------------------------------- */

/* The display name of the person's account ("" when there is none). */
static enum eb_err load_person(struct db *db, int64_t d, struct arena *a,
			       struct initiative_person *p)
{
	struct account acc;
	enum eb_err e = account_get(db, d, p->account_id, &acc);
	p->display_name = "";
	if (e == EB_ENOTFOUND)
		return EB_OK;
	if (e)
		return e;
	if (!(p->display_name = arena_strdup(a, acc.display_name)))
		return EB_ENOMEM;
	return EB_OK;
}

static enum eb_err finish_initiative(struct db_stmt *st, void *row, struct arena *arena)
{
	struct initiative *in = row;
	(void)arena;
	if (initiative_status_parse(db_col_text(st, 16), &in->status))
		in->status = INIT_PLANNED;
	in->has_pass = !db_col_is_null(st, 21);
	return EB_OK;
}

DB_ROWSPEC(initiative_spec, struct initiative, finish_initiative,
	   DB_FIELD_STR(struct initiative, title), DB_FIELD_STR(struct initiative, need),
	   DB_FIELD_STR(struct initiative, tool_name), DB_FIELD_INT(struct initiative, tool_id),
	   DB_FIELD_STR(struct initiative, start_date),
	   DB_FIELD_STR(struct initiative, review_date),
	   DB_FIELD_STR(struct initiative, outcome_assessment),
	   DB_FIELD_STR(struct initiative, pretest_assessment),
	   DB_FIELD_STR(struct initiative, success_measure),
	   DB_FIELD_INT(struct initiative, dosage_minutes),
	   DB_FIELD_INT(struct initiative, quiz_builder.account_id),
	   DB_FIELD_INT(struct initiative, monitor.account_id),
	   DB_FIELD_INT(struct initiative, monitor_every_days),
	   DB_FIELD_INT(struct initiative, evaluator.account_id),
	   DB_FIELD_INT(struct initiative, teacher_support.account_id),
	   DB_FIELD_INT(struct initiative, family_contact.account_id), DB_FIELD_SKIP, /* status */
	   DB_FIELD_TEXT(struct initiative, random_unit),
	   DB_FIELD_INT(struct initiative, random_seed),
	   DB_FIELD_INT(struct initiative, randomized_at),
	   DB_FIELD_INT(struct initiative, created_at),
	   DB_FIELD_REAL(struct initiative, pass_score));

enum eb_err initiative_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			   struct initiative *out)
{
	memset(out, 0, sizeof *out);
	enum eb_err e = db_get_row(
		db,
		"SELECT title,need,tool_name,coalesce(tool_id,0),start_date,review_date,"
		"outcome_assessment,coalesce(pretest_assessment,outcome_assessment),"
		"success_measure,dosage_minutes,quiz_builder_id,monitor_id,monitor_every_days,"
		"evaluator_id,teacher_support_id,family_contact_id,status,random_unit,"
		"coalesce(random_seed,0),coalesce(randomized_at,0),created_at,pass_score"
		" FROM initiative WHERE district_id=?1 AND id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &initiative_spec, a, out);
	if (e)
		return e;
	out->id = id;
	out->district_id = district_id;
	struct initiative_person *people[5] = { &out->quiz_builder, &out->monitor, &out->evaluator,
						&out->teacher_support, &out->family_contact };
	for (size_t i = 0; i < 5; i++)
		if ((e = load_person(db, district_id, a, people[i])))
			return e;

	size_t cap = LIST_MAX * 4;
	out->schools = arena_alloc(a, cap * sizeof(char *));
	out->classes = arena_alloc(a, cap * sizeof(char *));
	out->standards = arena_alloc(a, cap * sizeof(char *));
	out->grades = arena_alloc(a, cap * sizeof(int));
	if (!out->schools || !out->classes || !out->standards || !out->grades)
		return EB_ENOMEM;
	struct db_stmt *st;
	if ((e = db_query(db,
			  "SELECT kind,value FROM initiative_target WHERE district_id=?1 AND"
			  " initiative_id=?2 ORDER BY kind,value",
			  DB_ARGS(DB_INT(district_id), DB_INT(id)), &st)))
		return e;
	while (db_next(st)) {
		const char *k = db_col_text(st, 0);
		if (strcmp(k, "school") == 0 && out->nschools < cap)
			out->schools[out->nschools++] = db_col_str(st, 1, a);
		else if (strcmp(k, "class") == 0 && out->nclasses < cap)
			out->classes[out->nclasses++] = db_col_str(st, 1, a);
		else if (strcmp(k, "standard") == 0 && out->nstandards < cap)
			out->standards[out->nstandards++] = db_col_str(st, 1, a);
		else if (strcmp(k, "grade") == 0 && out->ngrades < cap &&
			 initiative_parse_grade(db_col_text(st, 1), &out->grades[out->ngrades]) ==
				 EB_OK)
			out->ngrades++;
	}
	return db_done(st);
}

static enum eb_err finish_initiative_row(struct db_stmt *st, void *row, struct arena *arena)
{
	struct initiative_row *r = row;
	(void)arena;
	if (initiative_status_parse(db_col_text(st, 5), &r->status))
		r->status = INIT_PLANNED;
	return EB_OK;
}

DB_ROWSPEC(initiative_row_spec, struct initiative_row, finish_initiative_row,
	   DB_FIELD_INT(struct initiative_row, id), DB_FIELD_STR(struct initiative_row, title),
	   DB_FIELD_STR(struct initiative_row, tool_name),
	   DB_FIELD_STR(struct initiative_row, start_date),
	   DB_FIELD_STR(struct initiative_row, review_date), DB_FIELD_SKIP); /* status */

enum eb_err initiative_list(struct db *db, int64_t district_id, struct arena *a,
			    struct initiative_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT id,title,tool_name,start_date,review_date,status FROM initiative"
			   " WHERE district_id=?1 ORDER BY id DESC",
			   DB_ARGS(DB_INT(district_id)), &initiative_row_spec, a, rows, n);
}

/* ---- status ----------------------------------------------------------- */

static int needs_evidence(enum initiative_status s)
{
	return s == INIT_CONTINUED || s == INIT_CHANGED || s == INIT_STOPPED;
}

enum eb_err initiative_set_status(struct db *db, int64_t district_id, const struct audit_actor *who,
				  int64_t id, const char *to, const char *reason,
				  const char *evidence, char *why, size_t cap)
{
	struct arena a;
	arena_init(&a);
	struct initiative cur;
	enum eb_err e = initiative_get(db, district_id, id, &a, &cur);
	arena_free(&a);
	if (e) {
		if (why && cap)
			snprintf(why, cap, "initiative: %lld is not an initiative of this district",
				 (long long)id);
		return e;
	}
	struct why w = { 0 };
	buf_init(&w.b, INIT_WHY_CAP);
	enum initiative_status ts = INIT_PLANNED;
	if (initiative_status_parse(to, &ts))
		whyf(&w, "status",
		     "'%.40s' is not a status (planned, piloting, scaling, "
		     "under_review, continued, changed, stopped)",
		     to ? to : "");
	else if (!initiative_transition_ok(cur.status, ts))
		whyf(&w, "status", "cannot move from %s to %s", initiative_status_label(cur.status),
		     initiative_status_label(ts));
	check_text(&w, "reason", reason, 2000, 1);
	check_text(&w, "evidence", evidence, 4000, needs_evidence(ts));
	if (w.n) {
		why_out(&w, why, cap);
		buf_free(&w.b);
		return EB_EINVAL;
	}
	buf_free(&w.b);
	struct audit_actor cli = { 0, "cli", "" };
	if (!who)
		who = &cli;
	/* inside a caller's transaction (a team meeting's decision) it joins
	 * that one: the caller commits or rolls back */
	bool own = !db_in_transaction(db);
	if (own && (e = db_begin(db)))
		return e;
	int changed = 0;
	if ((e = db_execute(db,
			    "UPDATE initiative SET status=?1"
			    " WHERE district_id=?2 AND id=?3 AND status=?4",
			    DB_ARGS(DB_TEXT(initiative_status_name(ts)), DB_INT(district_id),
				    DB_INT(id), DB_TEXT(initiative_status_name(cur.status))),
			    &changed)))
		goto fail;
	if (changed != 1) {
		e = EB_ECONFLICT;
		goto fail;
	}
	if ((e = db_execute(
		     db,
		     "INSERT INTO initiative_status(district_id,initiative_id,at,account_id,actor,"
		     "from_status,to_status,reason,evidence) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
		     DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(time_now()),
			     DB_INT_IF(who->account_id, who->account_id), DB_TEXT(who->login),
			     DB_TEXT(initiative_status_name(cur.status)),
			     DB_TEXT(initiative_status_name(ts)), DB_TEXT(reason),
			     DB_TEXT(evidence ? evidence : "")),
		     NULL)))
		goto fail;
	char sid[24], detail[96];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	snprintf(detail, sizeof detail, "status %s -> %s", initiative_status_label(cur.status),
		 initiative_status_label(ts));
	if ((e = audit_record(db, district_id, who, "update", "initiative", sid, detail)))
		goto fail;
	if (own && (e = db_commit(db)))
		goto fail;
	return EB_OK;
fail:
	if (own)
		db_rollback(db);
	if (why && cap)
		snprintf(why, cap, "status: %s",
			 e == EB_ECONFLICT ? "the status changed meanwhile; reload and try again"
					   : eb_strerror(e));
	return e;
}

DB_ROWSPEC(decision_spec, struct initiative_decision, NULL,
	   DB_FIELD_INT(struct initiative_decision, at),
	   DB_FIELD_STR(struct initiative_decision, actor),
	   DB_FIELD_STR(struct initiative_decision, from),
	   DB_FIELD_STR(struct initiative_decision, to),
	   DB_FIELD_STR(struct initiative_decision, reason),
	   DB_FIELD_STR(struct initiative_decision, evidence),
	   DB_FIELD_INT(struct initiative_decision, meeting_id));

enum eb_err initiative_history(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			       struct initiative_decision **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT s.at,s.actor,s.from_status,s.to_status,s.reason,s.evidence,"
		"coalesce(m.meeting_id,0) FROM initiative_status s LEFT JOIN meeting_decision m"
		" ON m.district_id=s.district_id AND m.initiative_status_id=s.id WHERE "
		"s.district_id=?1 AND s.initiative_id=?2"
		" ORDER BY s.id",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &decision_spec, a, rows, n);
}

/* ---- target students -------------------------------------------------- */

static int in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

/* First grade of a comma list ("09,10" -> 9); -1 if none. */
static int first_grade(const char *s)
{
	if (!s || !*s)
		return -1;
	char g[8];
	size_t k = 0;
	while (s[k] && s[k] != ',' && k < sizeof g - 1) {
		g[k] = s[k];
		k++;
	}
	g[k] = 0;
	int v;
	return initiative_parse_grade(g, &v) == EB_OK ? v : -1;
}

enum eb_err initiative_students(struct db *db, int64_t district_id, const struct initiative *in,
				struct arena *a, struct init_student **out, size_t *n)
{
	size_t cap = 256, k = 0;
	struct init_student *v = arena_alloc(a, cap * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	struct db_stmt *st;
	enum eb_err e = db_query(
		db,
		"SELECT e.user_sourced_id,c.school_sourced_id,c.sourced_id,p.grades,c.grades,"
		"p.english_learner,p.disability FROM enrollment e"
		" JOIN class c ON c.district_id=e.district_id AND c.sourced_id=e.class_sourced_id"
		" JOIN person p ON p.district_id=e.district_id AND p.sourced_id=e.user_sourced_id"
		" WHERE e.district_id=?1 AND e.role='student' AND e.status='active'"
		" AND p.status='active' ORDER BY e.user_sourced_id, c.sourced_id",
		DB_ARGS(DB_INT(district_id)), &st);
	if (e)
		return e;
	int all_places = in->nschools == 0 && in->nclasses == 0;
	while (db_next(st)) {
		const char *sid = db_col_text(st, 0), *school = db_col_text(st, 1),
			   *cls = db_col_text(st, 2);
		if (k && strcmp(v[k - 1].sid, sid) == 0)
			continue; /* already placed in an earlier class */
		if (!all_places && !in_list(in->classes, in->nclasses, cls) &&
		    !in_list(in->schools, in->nschools, school))
			continue;
		int g = first_grade(db_col_text(st, 3));
		if (g < 0)
			g = first_grade(db_col_text(st, 4));
		if (in->ngrades) {
			int hit = 0;
			for (size_t i = 0; i < in->ngrades; i++)
				hit |= in->grades[i] == g;
			if (!hit)
				continue;
		}
		struct init_student *nv = arena_grow(a, v, k, &cap, sizeof *v, 0);
		if (!nv) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		v = nv;
		v[k].sid = db_col_dup(st, 0, a);
		v[k].school = db_col_dup(st, 1, a);
		v[k].class_sid = db_col_dup(st, 2, a);
		v[k].grade = g;
		v[k].el = db_col_is_null(st, 5) ? -1 : db_col_int(st, 5) != 0;
		v[k].swd = db_col_is_null(st, 6) ? -1 : db_col_int(st, 6) != 0;
		k++;
	}
	if ((e = db_done(st)))
		return e;
	*out = v;
	*n = k;
	return EB_OK;
}

int initiative_assigned(struct db *db, int64_t district_id, int64_t id, const char *unit_id)
{
	int64_t treated;
	if (db_get_int(db,
		       "SELECT treated FROM initiative_assignment WHERE district_id=?1 AND"
		       " initiative_id=?2 AND unit_id=?3",
		       DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(unit_id)), &treated))
		return -1;
	return (int)treated;
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum eb_err initiative_randomize(struct db *db, int64_t district_id, const struct audit_actor *who,
				 int64_t id, const char *unit, uint64_t seed, size_t *n_units,
				 size_t *n_treated, char *why, size_t cap)
{
	int by_class;
	if (unit && strcmp(unit, "class") == 0)
		by_class = 1;
	else if (unit && strcmp(unit, "school") == 0)
		by_class = 0;
	else {
		if (why && cap)
			snprintf(why, cap, "unit: must be class or school");
		return EB_EINVAL;
	}
	struct arena a;
	arena_init(&a);
	struct initiative in;
	enum eb_err e = initiative_get(db, district_id, id, &a, &in);
	if (e) {
		if (why && cap)
			snprintf(why, cap, "initiative: %lld is not an initiative of this district",
				 (long long)id);
		goto out;
	}
	if (in.random_unit) {
		if (why && cap)
			snprintf(why, cap,
				 "initiative: already randomized by %s with seed %lld; an "
				 "assignment is"
				 " drawn once",
				 in.random_unit, (long long)in.random_seed);
		e = EB_ECONFLICT;
		goto out;
	}
	struct init_student *s;
	size_t ns;
	if ((e = initiative_students(db, district_id, &in, &a, &s, &ns)))
		goto out;
	/* distinct units with their school as stratum */
	const char **units = arena_alloc(&a, (ns + 1) * sizeof *units);
	const char **school_of = arena_alloc(&a, (ns + 1) * sizeof *school_of);
	const char **tmp = arena_alloc(&a, (ns + 1) * sizeof *tmp);
	if (!units || !school_of || !tmp) {
		e = EB_ENOMEM;
		goto oom;
	}
	size_t nu = 0;
	{
		for (size_t i = 0; i < ns; i++)
			tmp[i] = by_class ? s[i].class_sid : s[i].school;
		qsort(tmp, ns, sizeof *tmp, cmp_cstr);
		for (size_t i = 0; i < ns; i++)
			if (!nu || strcmp(units[nu - 1], tmp[i]) != 0)
				units[nu++] = tmp[i];
		for (size_t u = 0; u < nu; u++) {
			school_of[u] = "";
			for (size_t i = 0; i < ns; i++)
				if (strcmp(by_class ? s[i].class_sid : s[i].school, units[u]) ==
				    0) {
					school_of[u] = s[i].school;
					break;
				}
		}
	}
	if (nu < 2) {
		if (why && cap)
			snprintf(why, cap,
				 "unit: the target has %zu %s%s with students; a randomized pilot "
				 "needs at"
				 " least 2",
				 nu, by_class ? "class" : "school", nu == 1 ? "" : "es");
		e = EB_EINVAL;
		goto out;
	}
	int64_t *cid = arena_alloc(&a, nu * sizeof *cid),
		*strat = arena_alloc(&a, nu * sizeof *strat);
	int *assign = arena_alloc(&a, nu * sizeof *assign);
	if (!cid || !strat || !assign) {
		e = EB_ENOMEM;
		goto oom;
	}
	/* classes are stratified by school only when every school has 2 or more
	 * of them: a one-class stratum would be left to a coin */
	int stratify = by_class;
	for (size_t u = 0; u < nu; u++) {
		cid[u] = (int64_t)u; /* units are sorted, so the index is a stable id */
		strat[u] = 0;
		if (by_class) {
			size_t same = 0;
			for (size_t j = 0; j < nu; j++)
				if (strcmp(school_of[j], school_of[u]) == 0) {
					if (!same)
						strat[u] = (int64_t)j;
					same++;
				}
			if (same < 2)
				stratify = 0;
		}
	}
	if (!stratify)
		for (size_t u = 0; u < nu; u++)
			strat[u] = 0;
	char ewhy[256] = "";
	if ((e = ev_randomize(cid, strat, nu, seed, assign, ewhy, sizeof ewhy))) {
		if (why && cap)
			snprintf(why, cap, "unit: %s", ewhy);
		goto out;
	}
	struct audit_actor cli = { 0, "cli", "" };
	if (!who)
		who = &cli;
	if ((e = db_begin(db)))
		goto out;
	size_t nt = 0;
	for (size_t u = 0; u < nu && !e; u++) {
		e = db_execute(
			db,
			"INSERT INTO initiative_assignment(district_id,initiative_id,unit_id,"
			"treated) VALUES(?1,?2,?3,?4)",
			DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(units[u]),
				DB_INT(assign[u])),
			NULL);
		nt += assign[u] == 1;
	}
	if (!e)
		e = db_execute(
			db,
			"UPDATE initiative SET random_unit=?1,random_seed=?2,randomized_at=?3"
			" WHERE district_id=?4 AND id=?5",
			DB_ARGS(DB_TEXT(by_class ? "class" : "school"), DB_INT((int64_t)seed),
				DB_INT(time_now()), DB_INT(district_id), DB_INT(id)),
			NULL);
	if (!e) {
		char sid[24], detail[128];
		snprintf(sid, sizeof sid, "%lld", (long long)id);
		snprintf(detail, sizeof detail, "randomized %zu %s units, %zu treated, seed %llu",
			 nu, by_class ? "class" : "school", nt, (unsigned long long)seed);
		e = audit_record(db, district_id, who, "update", "initiative", sid, detail);
	}
	if (!e)
		e = db_commit(db);
	if (e) {
		db_rollback(db);
		if (why && cap)
			snprintf(why, cap, "initiative: could not record the assignment (%s)",
				 eb_strerror(e));
		goto out;
	}
	*n_units = nu;
	*n_treated = nt;
	goto out;
oom:
	if (why && cap)
		snprintf(why, cap, "initiative: out of memory");
out:
	arena_free(&a);
	return e;
}

enum eb_err initiative_use_put(struct db *db, int64_t district_id, int64_t id,
			       const char *student_sid, double minutes, int64_t sessions)
{
	return db_execute(db,
			  "INSERT OR REPLACE INTO initiative_use(district_id,initiative_id,"
			  "student_sourced_id,minutes,sessions) VALUES(?1,?2,?3,?4,?5)",
			  DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(student_sid),
				  DB_REAL(minutes), DB_INT(sessions)),
			  NULL);
}

/* Minutes and sessions recorded for one student (0 when none). */
static enum eb_err use_of(struct db *db, int64_t d, int64_t id, const char *sid, double *minutes,
			  int64_t *sessions)
{
	struct db_stmt *st;
	*minutes = 0;
	*sessions = 0;
	enum eb_err e =
		db_query(db,
			 "SELECT minutes,sessions FROM initiative_use WHERE district_id=?1 AND"
			 " initiative_id=?2 AND student_sourced_id=?3",
			 DB_ARGS(DB_INT(d), DB_INT(id), DB_TEXT(sid)), &st);
	if (e)
		return e;
	if (db_next(st)) {
		*minutes = db_col_double(st, 0);
		*sessions = db_col_int(st, 1);
	}
	return db_done(st);
}

/* The school's name into *name (arena copy), or its sid when unknown. */
static enum eb_err school_name(struct db *db, int64_t d, const char *sid, struct arena *a,
			       const char **name)
{
	struct db_stmt *st;
	*name = sid;
	enum eb_err e = db_query(db, "SELECT name FROM org WHERE district_id=?1 AND sourced_id=?2",
				 DB_ARGS(DB_INT(d), DB_TEXT(sid)), &st);
	if (e)
		return e;
	if (db_next(st))
		*name = db_col_str(st, 0, a);
	return db_done(st);
}

/* The first teacher of a class and the teacher's name. */
static enum eb_err class_teacher(struct db *db, int64_t d, const char *class_sid, struct arena *a,
				 const char **key, const char **name)
{
	struct roster_person_row *t;
	size_t nt = 0;
	*key = "";
	*name = "No teacher listed";
	if (!class_sid)
		return EB_OK;
	enum eb_err e = roster_class_teachers(db, d, class_sid, a, &t, &nt);
	if (e || !nt)
		return e;
	*key = t[0].sourced_id;
	*name = arena_printf(
		a, "%s %s", t[0].preferred_first_name ? t[0].preferred_first_name : t[0].given_name,
		t[0].family_name);
	return *name ? EB_OK : EB_ENOMEM;
}

enum eb_err initiative_use_summary(struct db *db, int64_t district_id, const struct initiative *in,
				   const char *school, enum initiative_use_by by, struct arena *a,
				   struct initiative_use_row **rows, size_t *n)
{
	struct init_student *s;
	size_t ns;
	enum eb_err e = initiative_students(db, district_id, in, a, &s, &ns);
	if (e)
		return e;
	size_t cap = 64, k = 1;
	struct initiative_use_row *v = arena_zalloc(a, cap * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	v[0].key = "";
	if (school)
		v[0].name = by == INIT_USE_BY_SCHOOL ? "All targeted students of this school"
						     : "All targeted classes of this school";
	else
		v[0].name = by == INIT_USE_BY_SCHOOL ? "All targeted schools"
						     : "All targeted classes";
	/* class -> its group row, so each class's teacher is looked up once */
	struct hashset by_class;
	hs_init(&by_class);
	for (size_t i = 0; i < ns && !e; i++) {
		if (school && (!s[i].school || strcmp(s[i].school, school) != 0))
			continue;
		const char *key = s[i].school, *name = NULL;
		int32_t cached = -1;
		if (by == INIT_USE_BY_TEACHER && s[i].class_sid &&
		    hs_get(&by_class, str_from(s[i].class_sid), &cached)) {
			key = v[cached].key;
		} else if (by == INIT_USE_BY_TEACHER &&
			   (e = class_teacher(db, district_id, s[i].class_sid, a, &key, &name))) {
			break;
		}
		size_t j = 1;
		while (j < k && strcmp(v[j].key, key) != 0)
			j++;
		if (j == k) {
			struct initiative_use_row *nv = arena_grow(a, v, k, &cap, sizeof *v, 0);
			if (!nv) {
				e = EB_ENOMEM;
				break;
			}
			v = nv;
			memset(&v[k], 0, sizeof v[k]);
			v[k].key = key;
			v[k].name = name ? name : key;
			if (by == INIT_USE_BY_SCHOOL &&
			    (e = school_name(db, district_id, key, a, &v[k].name)))
				break;
			k++;
		}
		if (by == INIT_USE_BY_TEACHER && s[i].class_sid && cached < 0)
			hs_set(&by_class, str_from(s[i].class_sid), (int32_t)j);
		double m;
		int64_t ses;
		if ((e = use_of(db, district_id, in->id, s[i].sid, &m, &ses)))
			break;
		struct initiative_use_row *rs[2] = { &v[0], &v[j] };
		for (int t = 0; t < 2; t++) {
			rs[t]->targeted++;
			if (m > 0) {
				rs[t]->active++;
				rs[t]->minutes += m;
				rs[t]->sessions += ses;
			}
		}
	}
	hs_free(&by_class);
	if (e)
		return e;
	*rows = v;
	*n = k;
	return EB_OK;
}
