/* gradebook.c - OneRoster Gradebook line items and results, and their
 * evidence (gradebook.h). */
#include "domain/gradebook.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hashset.h"
#include "base/sha1.h"
#include "domain/activity.h"
#include "domain/frameworks.h"
#include "domain/lti_services.h"
#include "store/db.h"

#define SIG_HEX (2 * SHA1_LEN + 1)

static void say(struct gradebook_report *rep, const char *where, const char *field, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));
static void say(struct gradebook_report *rep, const char *where, const char *field, const char *fmt,
		...)
{
	if (rep->nlines < GRADEBOOK_MAX_LINES && rep->out) {
		buf_printf(rep->out, "%s: %s: ", where, field);
		va_list ap;
		va_start(ap, fmt);
		buf_vprintf(rep->out, fmt, ap);
		va_end(ap);
		buf_putc(rep->out, '\n');
	} else if (rep->nlines == GRADEBOOK_MAX_LINES && rep->out) {
		buf_puts(rep->out, "... and more set aside (only the first 50 are listed)\n");
	}
	rep->nlines++;
}

/* Sets a record aside: counted and reported. */
#define SET_ASIDE(rep, where, field, ...)                                                          \
	do {                                                                                       \
		(rep)->set_aside++;                                                                \
		say((rep), (where), (field), __VA_ARGS__);                                         \
	} while (0)

enum eb_err gradebook_resolve_objective(struct db *db, int64_t district_id, const char *source,
					const char *id, char *out, size_t cap, bool *found)
{
	*found = false;
	out[0] = '\0';
	if (!id || !id[0])
		return EB_OK;
	/* a CASE identifier, URI or code of the district's frameworks, or a
	 * Common Core code in any spelling: the best CCSS code it counts for */
	char codes[1][FRAMEWORKS_CODE_MAX];
	size_t n = 0;
	enum eb_err rc = frameworks_resolve(db, district_id, id, codes, 1, &n);
	if (rc)
		return rc;
	char code[64];
	if (!n && activity_extract_ccss_code(id, code, sizeof code) &&
	    (rc = frameworks_resolve(db, district_id, code, codes, 1, &n)))
		return rc;
	if (n) {
		snprintf(out, cap, "%s", codes[0]);
		*found = true;
	}
	return EB_OK;
}

/* ---- signatures: what a result's evidence depends on ----------------- */

static void sig_str(struct sha1 *s, const char *v)
{
	sha1_update(s, v ? v : "", v ? strlen(v) + 1 : 1);
}

static void sig_num(struct sha1 *s, bool has, double v)
{
	char t[48];
	snprintf(t, sizeof t, has ? "%.17g" : "-", v);
	sig_str(s, t);
}

static void sig_hex(struct sha1 *s, char out[SIG_HEX])
{
	unsigned char d[SHA1_LEN];
	sha1_final(s, d);
	for (int i = 0; i < SHA1_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int cmp_obj(const void *a, const void *b)
{
	const struct gb_objective *x = a, *y = b;
	int c = strcmp(x->source, y->source);
	return c ? c : strcmp(x->id, y->id);
}

/* Objectives in a fixed order, so that the signature does not depend on
 * the order they arrived in. */
static void sig_objectives(struct sha1 *s, const struct gb_objective *o, size_t n)
{
	struct gb_objective tmp[GB_MAX_OBJECTIVES];
	if (n > GB_MAX_OBJECTIVES)
		n = GB_MAX_OBJECTIVES;
	memcpy(tmp, o, n * sizeof *o);
	qsort(tmp, n, sizeof *tmp, cmp_obj);
	for (size_t i = 0; i < n; i++) {
		sig_str(s, tmp[i].source);
		sig_str(s, tmp[i].id);
		sig_num(s, tmp[i].has_score, tmp[i].score);
		sig_str(s, tmp[i].text_score);
	}
}

/* ---- line items --------------------------------------------------------- */

/* A line item as the results need it: from the input or stored. */
struct item_view {
	const char *sid, *class_sid, *title;
	double min, max;
	bool has_min, has_max;
	const struct gb_objective *obj;
	size_t nobj;
	char sig[SIG_HEX];
};

static void item_sig(const struct gb_line_item *li, char out[SIG_HEX])
{
	struct sha1 s;
	sha1_init(&s);
	sig_str(&s, li->class_sid);
	sig_num(&s, li->has_min, li->min);
	sig_num(&s, li->has_max, li->max);
	sig_objectives(&s, li->obj, li->nobj);
	sig_hex(&s, out);
}

static enum eb_err exists(struct db *db, const char *sql, int64_t d, const char *sid, bool *yes)
{
	int64_t v = 0;
	enum eb_err rc = db_get_int(db, sql, DB_ARGS(DB_INT(d), DB_TEXT(sid)), &v);
	*yes = rc == EB_OK;
	return rc == EB_ENOTFOUND ? EB_OK : rc;
}

struct applier {
	struct db *db;
	int64_t d, tool, now;
	const struct gradebook *g;
	struct gradebook_report *rep;
	struct arena a;
	struct hashset items;	 /* input line item sid -> index, or -1 when set aside */
	struct hashset students; /* students whose mastery is replayed at the end */
	bool relinking;		 /* records read back from the store: no report lines */
};

static enum eb_err replay_later(struct applier *ap, const char *sid)
{
	if (hs_get(&ap->students, str_from(sid), NULL))
		return EB_OK;
	char *copy = arena_strdup(&ap->a, sid);
	if (!copy)
		return EB_ENOMEM;
	return hs_set(&ap->students, str_from(copy), 0);
}

/* Forgets a stored result's events (and replays its student later). */
static enum eb_err forget_result(struct applier *ap, const char *rid, int64_t tool,
				 const char *student)
{
	char stmt[400];
	snprintf(stmt, sizeof stmt, "gb:%s", rid);
	enum eb_err rc = activity_events_forget(ap->db, ap->d, tool, stmt);
	return rc ? rc : replay_later(ap, student);
}

static enum eb_err delete_result_rows(struct applier *ap, const char *rid)
{
	enum eb_err rc = db_execute(ap->db,
				    "DELETE FROM gradebook_result_objective WHERE district_id = ?1"
				    " AND result_sourced_id = ?2",
				    DB_ARGS(DB_INT(ap->d), DB_TEXT(rid)), NULL);
	if (!rc)
		rc = db_execute(ap->db,
				"DELETE FROM gradebook_result WHERE district_id = ?1"
				" AND sourced_id = ?2",
				DB_ARGS(DB_INT(ap->d), DB_TEXT(rid)), NULL);
	return rc;
}

struct stored_result {
	char *sid, *student;
	int64_t tool;
};
DB_ROWSPEC(stored_result_spec, struct stored_result, NULL, DB_FIELD_TEXT(struct stored_result, sid),
	   DB_FIELD_TEXT(struct stored_result, student), DB_FIELD_INT(struct stored_result, tool));

static enum eb_err delete_item(struct applier *ap, const struct gb_line_item *li)
{
	struct stored_result *rows = NULL;
	size_t n = 0;
	enum eb_err rc = db_get_rows(ap->db,
				     "SELECT sourced_id, student_sourced_id, tool_id FROM"
				     " gradebook_result WHERE district_id = ?1 AND"
				     " line_item_sourced_id = ?2",
				     DB_ARGS(DB_INT(ap->d), DB_TEXT(li->sourced_id)),
				     &stored_result_spec, &ap->a, &rows, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		rc = forget_result(ap, rows[i].sid, rows[i].tool, rows[i].student);
		if (!rc)
			rc = delete_result_rows(ap, rows[i].sid);
		if (!rc)
			ap->rep->results_deleted++;
	}
	if (!rc)
		rc = db_execute(ap->db,
				"DELETE FROM gradebook_line_item_objective WHERE district_id = ?1"
				" AND line_item_sourced_id = ?2",
				DB_ARGS(DB_INT(ap->d), DB_TEXT(li->sourced_id)), NULL);
	int changes = 0;
	if (!rc)
		rc = db_execute(ap->db,
				"DELETE FROM gradebook_line_item WHERE district_id = ?1"
				" AND sourced_id = ?2",
				DB_ARGS(DB_INT(ap->d), DB_TEXT(li->sourced_id)), &changes);
	if (!rc && changes)
		ap->rep->items_deleted++;
	return rc;
}

/* Stores a line item; waits_for "class" keeps it waiting for its class
 * (NULL: linked). */
static enum eb_err store_item(struct applier *ap, const struct gb_line_item *li,
			      const char *waits_for)
{
	char sig[SIG_HEX];
	item_sig(li, sig);
	enum eb_err rc = db_execute(
		ap->db,
		"INSERT INTO gradebook_line_item (district_id, sourced_id, class_sourced_id, title,"
		" category_sourced_id, assign_date, due_date, result_min, result_max, tool_id,"
		" signature, received_at, waits_for, waiting_since) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		" ?7, CAST(?8 AS DOUBLE PRECISION), CAST(?9 AS DOUBLE PRECISION), ?10, ?11, ?12, "
		"?13,"
		" CASE WHEN ?13 IS NULL THEN NULL ELSE ?12 END)"
		" ON CONFLICT (district_id, sourced_id) DO UPDATE SET"
		" class_sourced_id = excluded.class_sourced_id, title = excluded.title,"
		" category_sourced_id = excluded.category_sourced_id,"
		" assign_date = excluded.assign_date, due_date = excluded.due_date,"
		" result_min = excluded.result_min, result_max = excluded.result_max,"
		" tool_id = excluded.tool_id, signature = excluded.signature,"
		" received_at = excluded.received_at, waits_for = excluded.waits_for,"
		" waiting_since = CASE WHEN excluded.waits_for IS NULL THEN NULL"
		" ELSE coalesce(gradebook_line_item.waiting_since, excluded.waiting_since) END",
		DB_ARGS(DB_INT(ap->d), DB_TEXT(li->sourced_id), DB_TEXT(li->class_sid),
			DB_TEXT(li->title), DB_TEXT(li->category_sid), DB_TEXT(li->assign_date),
			DB_TEXT(li->due_date), DB_REAL_IF(li->has_min, li->min),
			DB_REAL_IF(li->has_max, li->max), DB_INT(ap->tool), DB_TEXT(sig),
			DB_INT(ap->now), DB_TEXT(waits_for)),
		NULL);
	if (!rc)
		rc = db_execute(ap->db,
				"DELETE FROM gradebook_line_item_objective WHERE district_id = ?1"
				" AND line_item_sourced_id = ?2",
				DB_ARGS(DB_INT(ap->d), DB_TEXT(li->sourced_id)), NULL);
	for (size_t i = 0; i < li->nobj && !rc; i++)
		rc = db_execute(
			ap->db,
			"INSERT INTO gradebook_line_item_objective (district_id,"
			" line_item_sourced_id, source, objective_id) VALUES (?1, ?2, ?3, ?4)"
			" ON CONFLICT DO NOTHING",
			DB_ARGS(DB_INT(ap->d), DB_TEXT(li->sourced_id), DB_TEXT(li->obj[i].source),
				DB_TEXT(li->obj[i].id)),
			NULL);
	return rc;
}

static enum eb_err apply_items(struct applier *ap)
{
	const struct gradebook *g = ap->g;
	enum eb_err rc = EB_OK;
	for (size_t i = 0; i < g->nitems && !rc; i++) {
		const struct gb_line_item *li = &g->items[i];
		if (li->deleted) {
			rc = delete_item(ap, li);
			if (!rc)
				rc = hs_set(&ap->items, str_from(li->sourced_id), -2);
			continue;
		}
		bool known;
		if ((rc = exists(ap->db,
				 "SELECT 1 FROM class WHERE district_id = ?1 AND sourced_id = ?2",
				 ap->d, li->class_sid, &known)))
			break;
		if (!known) {
			SET_ASIDE(ap->rep, li->where, "classSourcedId",
				  "'%s' is not a class of the district's roster yet; line item '%s'"
				  " and its results wait for it",
				  li->class_sid, li->sourced_id);
			if (!(rc = store_item(ap, li, "class")))
				rc = hs_set(&ap->items, str_from(li->sourced_id), -1);
			continue;
		}
		if ((rc = store_item(ap, li, NULL)))
			break;
		ap->rep->items++;
		rc = hs_set(&ap->items, str_from(li->sourced_id), (int32_t)i);
	}
	return rc;
}

/* ---- results ---------------------------------------------------------- */

struct stored_item {
	char *class_sid, *title, *sig;
	double min, max;
	int has_min, has_max;
	char *waits; /* NULL: linked */
};
DB_ROWSPEC(stored_item_spec, struct stored_item, NULL, DB_FIELD_TEXT(struct stored_item, class_sid),
	   DB_FIELD_TEXT(struct stored_item, title), DB_FIELD_TEXT(struct stored_item, sig),
	   DB_FIELD_REAL(struct stored_item, min), DB_FIELD_REAL(struct stored_item, max),
	   DB_FIELD_INT(struct stored_item, has_min), DB_FIELD_INT(struct stored_item, has_max),
	   DB_FIELD_TEXT(struct stored_item, waits));

struct stored_obj {
	char *source, *id;
};
DB_ROWSPEC(stored_obj_spec, struct stored_obj, NULL, DB_FIELD_TEXT(struct stored_obj, source),
	   DB_FIELD_TEXT(struct stored_obj, id));

/* The line item of a result: *found false when neither the input nor the
 * store has it (or the input set it aside: *aside). */
static enum eb_err item_of(struct applier *ap, const char *sid, struct item_view *v, bool *found,
			   bool *aside)
{
	*found = *aside = false;
	memset(v, 0, sizeof *v);
	int32_t idx;
	if (hs_get(&ap->items, str_from(sid), &idx)) {
		if (idx < 0) {
			*aside = idx == -1;
			return EB_OK;
		}
		const struct gb_line_item *li = &ap->g->items[idx];
		v->sid = li->sourced_id;
		v->class_sid = li->class_sid;
		v->title = li->title;
		v->min = li->min;
		v->max = li->max;
		v->has_min = li->has_min;
		v->has_max = li->has_max;
		v->obj = li->obj;
		v->nobj = li->nobj;
		item_sig(li, v->sig);
		*found = true;
		return EB_OK;
	}
	struct stored_item si;
	enum eb_err rc =
		db_get_row(ap->db,
			   "SELECT class_sourced_id, title, signature, result_min, result_max,"
			   " CASE WHEN result_min IS NULL THEN 0 ELSE 1 END,"
			   " CASE WHEN result_max IS NULL THEN 0 ELSE 1 END, waits_for"
			   " FROM gradebook_line_item WHERE district_id = ?1 AND"
			   " sourced_id = ?2",
			   DB_ARGS(DB_INT(ap->d), DB_TEXT(sid)), &stored_item_spec, &ap->a, &si);
	if (rc == EB_ENOTFOUND)
		return EB_OK;
	if (rc)
		return rc;
	if (si.waits) { /* stored, but waiting for its class */
		*aside = true;
		return EB_OK;
	}
	struct stored_obj *so = NULL;
	size_t n = 0;
	if ((rc = db_get_rows(ap->db,
			      "SELECT source, objective_id FROM gradebook_line_item_objective"
			      " WHERE district_id = ?1 AND line_item_sourced_id = ?2"
			      " ORDER BY source, objective_id",
			      DB_ARGS(DB_INT(ap->d), DB_TEXT(sid)), &stored_obj_spec, &ap->a, &so,
			      &n)))
		return rc;
	struct gb_objective *o = n ? arena_zalloc(&ap->a, n * sizeof *o) : NULL;
	if (n && !o)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		o[i].source = so[i].source;
		o[i].id = so[i].id;
	}
	v->sid = arena_strdup(&ap->a, sid);
	v->class_sid = si.class_sid;
	v->title = si.title;
	v->min = si.min;
	v->max = si.max;
	v->has_min = si.has_min;
	v->has_max = si.has_max;
	v->obj = o;
	v->nobj = n < GB_MAX_OBJECTIVES ? n : GB_MAX_OBJECTIVES;
	snprintf(v->sig, sizeof v->sig, "%s", si.sig ? si.sig : "");
	*found = true;
	return EB_OK;
}

static void result_sig(const struct applier *ap, const struct gb_result *r,
		       const struct item_view *v, char out[SIG_HEX])
{
	struct sha1 s;
	sha1_init(&s);
	sig_str(&s, r->line_item_sid);
	sig_str(&s, r->student_sid);
	sig_str(&s, r->score_status);
	sig_num(&s, r->has_score, r->score);
	sig_str(&s, r->text_score);
	sig_num(&s, true, (double)r->score_date);
	sig_str(&s, v->sig);
	sig_num(&s, true, (double)ap->tool);
	sig_objectives(&s, r->obj, r->nobj);
	sig_hex(&s, out);
}

/* One learning event of the result on one objective (or none: standard
 * left to the line item's activity map, else quarantined). */
static enum eb_err record_event(struct applier *ap, const struct gb_result *r,
				const struct item_view *v, const char *standard, double share)
{
	char stmt[400], actor[300];
	snprintf(stmt, sizeof stmt, "gb:%s", r->sourced_id);
	snprintf(actor, sizeof actor, "oneroster:%s", r->student_sid);
	struct learning_event_in ev = {
		.actor_key = actor,
		.match_name = r->student_sid,
		.activity_id = v->sid,
		.standard_code = standard,
		.item_id = v->sid,
		.correct = share >= LTI_SCORE_CORRECT_AT ? 1 : 0,
		.score = share,
		.duration_s = -1,
		.occurred_at = r->score_date,
		.source = "oneroster",
		.statement_id = stmt,
		.verb = "oneroster:result",
	};
	bool quarantined = false;
	enum eb_err rc = activity_event_record(ap->db, ap->d, ap->tool, &ev, &quarantined);
	if (!rc && quarantined)
		ap->rep->quarantined++;
	else if (!rc)
		ap->rep->events++;
	return rc;
}

/* The share of the line item's range a score is; false (set aside) when
 * the range is unknown or the score outside it. */
static bool share_of(struct applier *ap, const struct gb_result *r, const struct item_view *v,
		     double score, const char *field, double *share)
{
	double lo = v->has_min ? v->min : 0;
	if (!v->has_max) {
		SET_ASIDE(ap->rep, r->where, field,
			  "line item '%s' gives no resultValueMax, so %g cannot be read as a "
			  "share; stored without evidence",
			  v->sid, score);
		return false;
	}
	if (score < lo || score > v->max) {
		SET_ASIDE(ap->rep, r->where, field,
			  "%g is outside the line item's range %g..%g; stored without evidence",
			  score, lo, v->max);
		return false;
	}
	*share = (score - lo) / (v->max - lo);
	return true;
}

static enum eb_err evidence(struct applier *ap, const struct gb_result *r,
			    const struct item_view *v)
{
	enum eb_err rc = EB_OK;
	const struct gb_objective *obj = r->nobj ? r->obj : v->obj;
	size_t nobj = r->nobj ? r->nobj : v->nobj;
	char std[FRAMEWORKS_CODE_MAX];
	double share;
	bool any_score = r->has_score;
	for (size_t i = 0; i < r->nobj; i++)
		any_score = any_score || r->obj[i].has_score;
	if (!any_score) {
		say(ap->rep, r->where, "score",
		    "fully graded without a score (textScore '%s' only); stored without evidence",
		    r->text_score ? r->text_score : "");
		return EB_OK;
	}
	if (!nobj) {
		/* no objective: the line item's activity map decides, or the
		 * quarantine keeps the event until it is mapped */
		if (!share_of(ap, r, v, r->score, "score", &share))
			return EB_OK;
		return record_event(ap, r, v, NULL, share);
	}
	for (size_t i = 0; i < nobj && !rc; i++) {
		const struct gb_objective *o = &obj[i];
		bool own = r->nobj && o->has_score;
		if (!own && !r->has_score)
			continue;
		if (!share_of(ap, r, v, own ? o->score : r->score,
			      own ? "learningObjectiveResults.score" : "score", &share))
			continue;
		bool found;
		if ((rc = gradebook_resolve_objective(ap->db, ap->d, o->source, o->id, std,
						      sizeof std, &found)))
			break;
		if (!found)
			say(ap->rep, r->where, "learningObjectiveId",
			    "'%s' (source %s) is not a standard the district knows; the evidence "
			    "waits in the quarantine until line item '%s' is mapped",
			    o->id, o->source, v->sid);
		rc = record_event(ap, r, v, found ? std : NULL, share);
	}
	return rc;
}

struct stored_res {
	char *sig, *student;
	int64_t tool;
	char *waits; /* NULL: linked */
};
DB_ROWSPEC(stored_res_spec, struct stored_res, NULL, DB_FIELD_TEXT(struct stored_res, sig),
	   DB_FIELD_TEXT(struct stored_res, student), DB_FIELD_INT(struct stored_res, tool),
	   DB_FIELD_TEXT(struct stored_res, waits));

/* Stores a result: linked (waits_for NULL) with its signature, or waiting
 * for "lineItem" or "student" (reason in words; no signature, so that the
 * same result sent again once it can be linked is not "unchanged"). */
static enum eb_err store_result(struct applier *ap, const struct gb_result *r, const char *sig,
				const char *waits_for, const char *reason)
{
	enum eb_err rc = db_execute(
		ap->db,
		"INSERT INTO gradebook_result (district_id, sourced_id, line_item_sourced_id,"
		" student_sourced_id, score_status, score, text_score, score_date, comment,"
		" tool_id, signature, received_at, waits_for, wait_reason, waiting_since)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		" CASE WHEN ?13 IS NULL THEN NULL ELSE ?12 END)"
		" ON CONFLICT (district_id, sourced_id) DO UPDATE SET"
		" line_item_sourced_id = excluded.line_item_sourced_id,"
		" student_sourced_id = excluded.student_sourced_id,"
		" score_status = excluded.score_status, score = excluded.score,"
		" text_score = excluded.text_score, score_date = excluded.score_date,"
		" comment = excluded.comment, tool_id = excluded.tool_id,"
		" signature = excluded.signature, received_at = excluded.received_at,"
		" waits_for = excluded.waits_for, wait_reason = excluded.wait_reason,"
		" waiting_since = CASE WHEN excluded.waits_for IS NULL THEN NULL"
		" ELSE coalesce(gradebook_result.waiting_since, excluded.waiting_since) END",
		DB_ARGS(DB_INT(ap->d), DB_TEXT(r->sourced_id), DB_TEXT(r->line_item_sid),
			DB_TEXT(r->student_sid), DB_TEXT(r->score_status),
			DB_REAL_IF(r->has_score, r->score), DB_TEXT(r->text_score),
			DB_INT(r->score_date), DB_TEXT(r->comment), DB_INT(ap->tool),
			DB_TEXT(waits_for ? "" : sig), DB_INT(ap->now), DB_TEXT(waits_for),
			DB_TEXT(reason)),
		NULL);
	if (!rc)
		rc = db_execute(ap->db,
				"DELETE FROM gradebook_result_objective WHERE district_id = ?1"
				" AND result_sourced_id = ?2",
				DB_ARGS(DB_INT(ap->d), DB_TEXT(r->sourced_id)), NULL);
	for (size_t i = 0; i < r->nobj && !rc; i++)
		rc = db_execute(ap->db,
				"INSERT INTO gradebook_result_objective (district_id,"
				" result_sourced_id, source, objective_id, score, text_score)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
				DB_ARGS(DB_INT(ap->d), DB_TEXT(r->sourced_id),
					DB_TEXT(r->obj[i].source), DB_TEXT(r->obj[i].id),
					DB_REAL_IF(r->obj[i].has_score, r->obj[i].score),
					DB_TEXT(r->obj[i].text_score)),
				NULL);
	return rc;
}

/* Keeps result r waiting for what (reason in words): stored without
 * evidence; a linked version of it stored before loses its evidence. */
static enum eb_err keep_waiting(struct applier *ap, const struct gb_result *r, bool linked_before,
				const struct stored_res *old, const char *what, const char *field,
				const char *reason)
{
	enum eb_err rc = EB_OK;
	if (!ap->relinking)
		SET_ASIDE(ap->rep, r->where, field, "%s; result '%s' waits for it", reason,
			  r->sourced_id);
	if (linked_before && (rc = forget_result(ap, r->sourced_id, old->tool, old->student)))
		return rc;
	return store_result(ap, r, NULL, what, reason);
}

static enum eb_err apply_result(struct applier *ap, const struct gb_result *r)
{
	struct stored_res old = { 0 };
	enum eb_err rc = db_get_row(ap->db,
				    "SELECT signature, student_sourced_id, tool_id, waits_for FROM"
				    " gradebook_result WHERE district_id = ?1 AND sourced_id = ?2",
				    DB_ARGS(DB_INT(ap->d), DB_TEXT(r->sourced_id)),
				    &stored_res_spec, &ap->a, &old);
	if (rc && rc != EB_ENOTFOUND)
		return rc;
	bool was_waiting = rc == EB_OK && old.waits;
	bool had = rc == EB_OK && !was_waiting; /* linked before: it has evidence */
	if (r->deleted) {
		if (rc == EB_ENOTFOUND)
			return EB_OK;
		if ((had && (rc = forget_result(ap, r->sourced_id, old.tool, old.student))) ||
		    (rc = delete_result_rows(ap, r->sourced_id)))
			return rc;
		ap->rep->results_deleted++;
		return EB_OK;
	}
	struct item_view v;
	bool found, aside;
	if ((rc = item_of(ap, r->line_item_sid, &v, &found, &aside)))
		return rc;
	if (!found) {
		char *why = arena_printf(&ap->a,
					 aside ? "line item '%s' waits for its class"
					       : "'%s' is not a line item of this input or of an "
						 "earlier one yet",
					 r->line_item_sid);
		return why ? keep_waiting(ap, r, had, &old, "lineItem", "lineItemSourcedId", why)
			   : EB_ENOMEM;
	}
	bool student;
	if ((rc = exists(ap->db,
			 "SELECT 1 FROM person WHERE district_id = ?1 AND sourced_id = ?2"
			 " AND role = 'student'",
			 ap->d, r->student_sid, &student)))
		return rc;
	if (!student) {
		char *why = arena_printf(&ap->a,
					 "'%s' is not a student of the district's roster yet",
					 r->student_sid);
		return why ? keep_waiting(ap, r, had, &old, "student", "studentSourcedId", why)
			   : EB_ENOMEM;
	}
	if (was_waiting)
		ap->rep->linked++;
	char sig[SIG_HEX];
	result_sig(ap, r, &v, sig);
	if (had && old.sig && strcmp(old.sig, sig) == 0) {
		ap->rep->unchanged++;
		return EB_OK;
	}
	if (had) {
		/* sent again, changed: its earlier evidence goes, the new replaces it */
		if ((rc = forget_result(ap, r->sourced_id, old.tool, old.student)))
			return rc;
		ap->rep->replaced++;
	}
	if ((rc = store_result(ap, r, sig, NULL, NULL)))
		return rc;
	ap->rep->results++;
	if (strcmp(r->score_status, "fully graded") != 0) {
		ap->rep->not_graded++;
		return EB_OK;
	}
	if ((rc = evidence(ap, r, &v)))
		return rc;
	/* events were added incrementally; a student whose earlier events went
	 * is replayed at the end, these included */
	return had ? replay_later(ap, r->student_sid) : EB_OK;
}

/* ---- waiting records linked when what they wait for arrives ---------- */

struct waiting_res {
	char *sid, *item, *student, *status, *text_score, *comment;
	double score;
	int has_score;
	int64_t score_date, tool;
};
DB_ROWSPEC(waiting_res_spec, struct waiting_res, NULL, DB_FIELD_TEXT(struct waiting_res, sid),
	   DB_FIELD_TEXT(struct waiting_res, item), DB_FIELD_TEXT(struct waiting_res, student),
	   DB_FIELD_TEXT(struct waiting_res, status), DB_FIELD_TEXT(struct waiting_res, text_score),
	   DB_FIELD_TEXT(struct waiting_res, comment), DB_FIELD_REAL(struct waiting_res, score),
	   DB_FIELD_INT(struct waiting_res, has_score),
	   DB_FIELD_INT(struct waiting_res, score_date), DB_FIELD_INT(struct waiting_res, tool));

struct waiting_obj {
	char *source, *id, *text_score;
	double score;
	int has_score;
};
DB_ROWSPEC(waiting_obj_spec, struct waiting_obj, NULL, DB_FIELD_TEXT(struct waiting_obj, source),
	   DB_FIELD_TEXT(struct waiting_obj, id), DB_FIELD_TEXT(struct waiting_obj, text_score),
	   DB_FIELD_REAL(struct waiting_obj, score), DB_FIELD_INT(struct waiting_obj, has_score));

/* A waiting result as received, read back from the store. */
static enum eb_err waiting_result(struct applier *ap, const struct waiting_res *w,
				  struct gb_result *r)
{
	struct waiting_obj *o = NULL;
	size_t n = 0;
	enum eb_err rc = db_get_rows(ap->db,
				     "SELECT source, objective_id, text_score, score,"
				     " CASE WHEN score IS NULL THEN 0 ELSE 1 END"
				     " FROM gradebook_result_objective WHERE district_id = ?1"
				     " AND result_sourced_id = ?2 ORDER BY source, objective_id",
				     DB_ARGS(DB_INT(ap->d), DB_TEXT(w->sid)), &waiting_obj_spec,
				     &ap->a, &o, &n);
	if (rc)
		return rc;
	if (n > GB_MAX_OBJECTIVES)
		n = GB_MAX_OBJECTIVES;
	memset(r, 0, sizeof *r);
	r->obj = n ? arena_zalloc(&ap->a, n * sizeof *r->obj) : NULL;
	r->where = arena_printf(&ap->a, "waiting result '%s'", w->sid);
	if ((n && !r->obj) || !r->where)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		r->obj[i].source = o[i].source;
		r->obj[i].id = o[i].id;
		r->obj[i].score = o[i].score;
		r->obj[i].has_score = o[i].has_score;
		r->obj[i].text_score = o[i].text_score;
	}
	r->nobj = n;
	r->sourced_id = w->sid;
	r->line_item_sid = w->item;
	r->student_sid = w->student;
	r->score_status = w->status;
	r->score = w->score;
	r->has_score = w->has_score;
	r->text_score = w->text_score;
	r->comment = w->comment;
	r->score_date = w->score_date;
	return EB_OK;
}

/* Links what waits and can be linked now: line items whose class is in the
 * roster, then the results whose line item is linked and whose student
 * (or, for a result that waited for its line item, perhaps still not)
 * is there; each linked result becomes evidence as if it arrived now. */
static enum eb_err relink(struct applier *ap)
{
	int changes = 0;
	enum eb_err rc = db_execute(
		ap->db,
		"UPDATE gradebook_line_item SET waits_for = NULL, waiting_since = NULL"
		" WHERE district_id = ?1 AND waits_for IS NOT NULL AND EXISTS (SELECT 1 FROM"
		" class c WHERE c.district_id = gradebook_line_item.district_id AND c.sourced_id"
		" = gradebook_line_item.class_sourced_id)",
		DB_ARGS(DB_INT(ap->d)), &changes);
	if (rc)
		return rc;
	ap->rep->items_linked += (size_t)changes;
	struct waiting_res *w = NULL;
	size_t n = 0;
	rc = db_get_rows(
		ap->db,
		"SELECT r.sourced_id, r.line_item_sourced_id, r.student_sourced_id,"
		" r.score_status, r.text_score, r.comment, r.score,"
		" CASE WHEN r.score IS NULL THEN 0 ELSE 1 END, r.score_date, r.tool_id"
		" FROM gradebook_result r JOIN gradebook_line_item li"
		" ON li.district_id = r.district_id AND li.sourced_id = r.line_item_sourced_id"
		" WHERE r.district_id = ?1 AND r.waits_for IS NOT NULL AND li.waits_for IS NULL"
		" AND (r.waits_for = 'lineItem' OR EXISTS (SELECT 1 FROM person p"
		" WHERE p.district_id = r.district_id AND p.sourced_id = r.student_sourced_id"
		" AND p.role = 'student')) ORDER BY r.sourced_id",
		DB_ARGS(DB_INT(ap->d)), &waiting_res_spec, &ap->a, &w, &n);
	int64_t tool = ap->tool;
	ap->relinking = true;
	for (size_t i = 0; i < n && !rc; i++) {
		struct gb_result r;
		ap->tool = w[i].tool;
		if (!(rc = waiting_result(ap, &w[i], &r)))
			rc = apply_result(ap, &r);
	}
	ap->relinking = false;
	ap->tool = tool;
	return rc;
}

static enum eb_err replay_students(struct applier *ap)
{
	enum eb_err rc = EB_OK;
	for (size_t i = 0; i < ap->students.cap && !rc; i++) {
		const struct hs_slot *s = &ap->students.slots[i];
		if (s->p)
			rc = activity_mastery_replay(ap->db, ap->d, s->p);
	}
	return rc;
}

enum eb_err gradebook_relink(struct db *db, int64_t district_id, int64_t now,
			     struct gradebook_report *rep)
{
	static const struct gradebook none;
	struct applier ap = { .db = db, .d = district_id, .now = now, .g = &none, .rep = rep };
	arena_init(&ap.a);
	hs_init(&ap.items);
	hs_init(&ap.students);
	enum eb_err rc = relink(&ap);
	if (!rc)
		rc = replay_students(&ap);
	hs_free(&ap.students);
	hs_free(&ap.items);
	arena_free(&ap.a);
	return rc;
}

enum eb_err gradebook_apply(struct db *db, int64_t district_id, int64_t tool_id,
			    const struct gradebook *g, int64_t now, struct gradebook_report *rep)
{
	struct applier ap = {
		.db = db, .d = district_id, .tool = tool_id, .now = now, .g = g, .rep = rep
	};
	arena_init(&ap.a);
	hs_init(&ap.items);
	hs_init(&ap.students);
	enum eb_err rc = apply_items(&ap);
	for (size_t i = 0; i < g->nresults && !rc; i++)
		rc = apply_result(&ap, &g->results[i]);
	if (!rc) /* results of earlier inputs waiting for what came now */
		rc = relink(&ap);
	if (!rc)
		rc = replay_students(&ap);
	hs_free(&ap.students);
	hs_free(&ap.items);
	arena_free(&ap.a);
	return rc;
}

void gradebook_report_counts(const struct gradebook_report *rep, struct buf *out)
{
	buf_printf(out, "line items: %zu stored, %zu deleted\n", rep->items, rep->items_deleted);
	buf_printf(out, "results: %zu stored, %zu unchanged, %zu replaced, %zu deleted\n",
		   rep->results, rep->unchanged, rep->replaced, rep->results_deleted);
	buf_printf(out, "learning events: %zu stored, %zu quarantined\n", rep->events,
		   rep->quarantined);
	buf_printf(out, "not fully graded (stored without evidence): %zu\n", rep->not_graded);
	buf_printf(out, "set aside: %zu\n", rep->set_aside);
	if (rep->linked || rep->items_linked)
		buf_printf(out, "linked after waiting: %zu line items, %zu results\n",
			   rep->items_linked, rep->linked);
}

/* ---- reading the gradebook back -------------------------------------------- */

#define ITEM_COLS                                                                                  \
	"li.sourced_id, li.title, li.class_sourced_id, coalesce(c.title, ''),"                     \
	" coalesce(li.due_date, ''), li.waits_for, coalesce(li.result_min, 0),"                    \
	" coalesce(li.result_max, 0), CASE WHEN li.result_min IS NULL THEN 0 ELSE 1 END,"          \
	" CASE WHEN li.result_max IS NULL THEN 0 ELSE 1 END,"                                      \
	" (SELECT count(*) FROM gradebook_result r WHERE r.district_id = li.district_id"           \
	" AND r.line_item_sourced_id = li.sourced_id AND r.waits_for IS NULL),"                    \
	" coalesce(li.waiting_since, 0)"                                                           \
	" FROM gradebook_line_item li LEFT JOIN class c ON c.district_id = li.district_id"         \
	" AND c.sourced_id = li.class_sourced_id"

DB_ROWSPEC(item_row_spec, struct gradebook_item_row, NULL,
	   DB_FIELD_STR(struct gradebook_item_row, sid),
	   DB_FIELD_STR(struct gradebook_item_row, title),
	   DB_FIELD_STR(struct gradebook_item_row, class_sid),
	   DB_FIELD_STR(struct gradebook_item_row, class_title),
	   DB_FIELD_STR(struct gradebook_item_row, due_date),
	   DB_FIELD_TEXT(struct gradebook_item_row, waits_for),
	   DB_FIELD_REAL(struct gradebook_item_row, min),
	   DB_FIELD_REAL(struct gradebook_item_row, max),
	   DB_FIELD_INT(struct gradebook_item_row, has_min),
	   DB_FIELD_INT(struct gradebook_item_row, has_max),
	   DB_FIELD_INT(struct gradebook_item_row, results),
	   DB_FIELD_INT(struct gradebook_item_row, waiting_since));

enum eb_err gradebook_items(struct db *db, int64_t district_id, const char *teacher_sid,
			    size_t limit, struct arena *a, struct gradebook_item_row **out,
			    size_t *n)
{
	if (!teacher_sid)
		return db_get_rows(db,
				   "SELECT " ITEM_COLS " WHERE li.district_id = ?1"
				   " ORDER BY coalesce(c.title, ''), li.due_date, li.title,"
				   " li.sourced_id LIMIT ?2",
				   DB_ARGS(DB_INT(district_id), DB_INT((int64_t)limit)),
				   &item_row_spec, a, out, n);
	return db_get_rows(
		db,
		"SELECT " ITEM_COLS " WHERE li.district_id = ?1 AND li.waits_for IS NULL"
		" AND EXISTS (SELECT 1 FROM enrollment e WHERE e.district_id ="
		" li.district_id AND e.class_sourced_id = li.class_sourced_id AND"
		" e.user_sourced_id = ?2 AND e.role = 'teacher')"
		" ORDER BY c.title, li.due_date, li.title, li.sourced_id LIMIT ?3",
		DB_ARGS(DB_INT(district_id), DB_TEXT(teacher_sid), DB_INT((int64_t)limit)),
		&item_row_spec, a, out, n);
}

enum eb_err gradebook_item_get(struct db *db, int64_t district_id, const char *sid, struct arena *a,
			       struct gradebook_item_row *out)
{
	return db_get_row(db,
			  "SELECT " ITEM_COLS " WHERE li.district_id = ?1 AND li.sourced_id = ?2",
			  DB_ARGS(DB_INT(district_id), DB_TEXT(sid)), &item_row_spec, a, out);
}

enum eb_err gradebook_item_objectives(struct db *db, int64_t district_id, const char *item_sid,
				      struct arena *a, char ***src, char ***id, size_t *n)
{
	struct stored_obj *o = NULL;
	*n = 0;
	enum eb_err rc = db_get_rows(
		db,
		"SELECT source, objective_id FROM gradebook_line_item_objective"
		" WHERE district_id = ?1 AND line_item_sourced_id = ?2"
		" ORDER BY source, objective_id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(item_sid)), &stored_obj_spec, a, &o, n);
	if (rc || !*n)
		return rc;
	*src = arena_zalloc(a, *n * sizeof **src);
	*id = arena_zalloc(a, *n * sizeof **id);
	if (!*src || !*id)
		return EB_ENOMEM;
	for (size_t i = 0; i < *n; i++) {
		(*src)[i] = o[i].source;
		(*id)[i] = o[i].id;
	}
	return EB_OK;
}

DB_ROWSPEC(result_row_spec, struct gradebook_result_row, NULL,
	   DB_FIELD_STR(struct gradebook_result_row, sid),
	   DB_FIELD_STR(struct gradebook_result_row, student_sid),
	   DB_FIELD_STR(struct gradebook_result_row, given_name),
	   DB_FIELD_STR(struct gradebook_result_row, family_name),
	   DB_FIELD_STR(struct gradebook_result_row, status),
	   DB_FIELD_TEXT(struct gradebook_result_row, text_score),
	   DB_FIELD_REAL(struct gradebook_result_row, score),
	   DB_FIELD_INT(struct gradebook_result_row, has_score),
	   DB_FIELD_INT(struct gradebook_result_row, score_date));

enum eb_err gradebook_item_results(struct db *db, int64_t district_id, const char *item_sid,
				   struct arena *a, struct gradebook_result_row **out, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT r.sourced_id, r.student_sourced_id, coalesce(p.preferred_first_name,"
		" p.given_name, ''), coalesce(p.family_name, ''), r.score_status, r.text_score,"
		" coalesce(r.score, 0), CASE WHEN r.score IS NULL THEN 0 ELSE 1 END, r.score_date"
		" FROM gradebook_result r LEFT JOIN person p ON p.district_id = r.district_id"
		" AND p.sourced_id = r.student_sourced_id"
		" WHERE r.district_id = ?1 AND r.line_item_sourced_id = ?2 AND r.waits_for IS NULL"
		" ORDER BY p.family_name, p.given_name, r.sourced_id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(item_sid)), &result_row_spec, a, out, n);
}

DB_ROWSPEC(waiting_row_spec, struct gradebook_waiting_row, NULL,
	   DB_FIELD_STR(struct gradebook_waiting_row, sid),
	   DB_FIELD_STR(struct gradebook_waiting_row, item_sid),
	   DB_FIELD_STR(struct gradebook_waiting_row, student_sid),
	   DB_FIELD_STR(struct gradebook_waiting_row, waits_for),
	   DB_FIELD_STR(struct gradebook_waiting_row, reason),
	   DB_FIELD_INT(struct gradebook_waiting_row, since));

enum eb_err gradebook_waiting(struct db *db, int64_t district_id, const char *teacher_sid,
			      size_t limit, struct arena *a, struct gradebook_waiting_row **out,
			      size_t *n)
{
	if (!teacher_sid)
		return db_get_rows(
			db,
			"SELECT sourced_id, line_item_sourced_id, student_sourced_id,"
			" waits_for, coalesce(wait_reason, ''), coalesce(waiting_since, 0)"
			" FROM gradebook_result WHERE district_id = ?1 AND waits_for IS"
			" NOT NULL ORDER BY waiting_since, sourced_id LIMIT ?2",
			DB_ARGS(DB_INT(district_id), DB_INT((int64_t)limit)), &waiting_row_spec, a,
			out, n);
	return db_get_rows(
		db,
		"SELECT r.sourced_id, r.line_item_sourced_id, r.student_sourced_id, r.waits_for,"
		" coalesce(r.wait_reason, ''), coalesce(r.waiting_since, 0)"
		" FROM gradebook_result r JOIN gradebook_line_item li ON li.district_id ="
		" r.district_id AND li.sourced_id = r.line_item_sourced_id"
		" WHERE r.district_id = ?1 AND r.waits_for IS NOT NULL AND EXISTS (SELECT 1 FROM"
		" enrollment e WHERE e.district_id = li.district_id AND e.class_sourced_id ="
		" li.class_sourced_id AND e.user_sourced_id = ?2 AND e.role = 'teacher')"
		" ORDER BY r.waiting_since, r.sourced_id LIMIT ?3",
		DB_ARGS(DB_INT(district_id), DB_TEXT(teacher_sid), DB_INT((int64_t)limit)),
		&waiting_row_spec, a, out, n);
}
