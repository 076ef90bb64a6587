/* oneroster_gradebook.c - OneRoster 1.2 Gradebook CSV and REST JSON reader
 * (oneroster_gradebook.h). */
#include "ingest/oneroster_gradebook.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/hashset.h"
#include "base/json.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "ingest/file_errs.h"
#include "ingest/oneroster_rest.h"
#include "store/db.h"

enum gb_file {
	GBF_LINE_ITEMS,
	GBF_RESULTS,
	GBF_LI_OBJECTIVES,
	GBF_RES_OBJECTIVES,
	GBF_CATEGORIES,
	GBF_SCORE_SCALES,
	GBF_LI_SCALES,
	GBF_RES_SCALES,
	GBF__COUNT
};

/* In the order they are read: records before the files that extend them. */
static const char *const gb_names[GBF__COUNT] = {
	"lineItems.csv",
	"results.csv",
	"lineItemLearningObjectiveIds.csv",
	"resultLearningObjectiveIds.csv",
	"categories.csv",
	"scoreScales.csv",
	"lineItemScoreScales.csv",
	"resultScoreScales.csv",
};

/* The scoreStatus vocabulary of 1.2 (and the camel-case spelling some
 * exports use), stored in the spec's lower-case form. */
static const struct {
	const char *in, *norm;
} score_statuses[] = {
	{ "fully graded", "fully graded" },
	{ "fullyGraded", "fully graded" },
	{ "submitted", "submitted" },
	{ "partially graded", "partially graded" },
	{ "partiallyGraded", "partially graded" },
	{ "not submitted", "not submitted" },
	{ "notSubmitted", "not submitted" },
	{ "exempt", "exempt" },
};

void gradebook_init(struct gradebook *g, struct arena *a, struct buf *errs)
{
	memset(g, 0, sizeof *g);
	g->a = a;
	g->errs = errs;
}

static const char *base_of(const char *name)
{
	const char *s = strrchr(name, '/');
	return s ? s + 1 : name;
}

static int gb_file_index(const char *name)
{
	const char *b = base_of(name);
	for (int i = 0; i < GBF__COUNT; i++)
		if (strcasecmp(b, gb_names[i]) == 0)
			return i;
	return -1;
}

bool gradebook_csv_name(const char *name)
{
	return name && gb_file_index(name) >= 0;
}

static const char *norm_status(const char *s)
{
	for (size_t i = 0; i < sizeof score_statuses / sizeof score_statuses[0]; i++)
		if (strcasecmp(s, score_statuses[i].in) == 0)
			return score_statuses[i].norm;
	return NULL;
}

/* A date (YYYY-MM-DD) or a date-time with its zone, as Unix seconds. */
static bool parse_when(const char *s, int64_t *out)
{
	int32_t days, ms;
	if (strlen(s) == 10 && date_parse_ymd(str_from(s), &days) == EB_OK) {
		*out = (int64_t)days * 86400;
		return true;
	}
	return time_parse_iso(str_from(s), out, &ms) == EB_OK;
}

static bool parse_number(const char *s, double *out)
{
	return str_to_double(str_from(s), out) == EB_OK && isfinite(*out);
}

static struct gb_line_item *item_add(struct gradebook *g)
{
	struct gb_line_item *p =
		arena_grow(g->a, g->items, g->nitems, &g->items_cap, sizeof *p, 64);
	if (!p)
		return NULL;
	g->items = p;
	memset(&p[g->nitems], 0, sizeof *p);
	return &p[g->nitems++];
}

static struct gb_result *result_add(struct gradebook *g)
{
	struct gb_result *p =
		arena_grow(g->a, g->results, g->nresults, &g->results_cap, sizeof *p, 256);
	if (!p)
		return NULL;
	g->results = p;
	memset(&p[g->nresults], 0, sizeof *p);
	return &p[g->nresults++];
}

static bool obj_add(struct arena *a, struct gb_objective **arr, size_t *n,
		    const struct gb_objective *o)
{
	if (*n % 4 == 0) {
		struct gb_objective *na = arena_alloc(a, (*n + 4) * sizeof *na);
		if (!na)
			return false;
		if (*n)
			memcpy(na, *arr, *n * sizeof *na);
		*arr = na;
	}
	(*arr)[(*n)++] = *o;
	return true;
}

/* ---- CSV binding ------------------------------------------------------- */

/* The columns one file reads. */
enum { COL_MAX = 16 };
struct colspec {
	const char *name;
	bool required; /* the column must be there and the value not blank */
};

static const struct colspec cols_items[] = {
	{ "sourcedId", true },
	{ "status", false },
	{ "title", true },
	{ "description", false },
	{ "assignDate", false },
	{ "dueDate", false },
	{ "classSourcedId", true },
	{ "categorySourcedId", false },
	{ "resultValueMin", false },
	{ "resultValueMax", false },
	{ NULL, false },
};
enum { LI_SID, LI_STATUS, LI_TITLE, LI_DESC, LI_ASSIGN, LI_DUE, LI_CLASS, LI_CAT, LI_MIN, LI_MAX };

static const struct colspec cols_results[] = {
	{ "sourcedId", true },	       { "status", false },
	{ "lineItemSourcedId", true }, { "studentSourcedId", true },
	{ "scoreStatus", true },       { "score", false },
	{ "textScore", false },	       { "scoreDate", true },
	{ "comment", false },	       { NULL, false },
};
enum { R_SID, R_STATUS, R_ITEM, R_STUDENT, R_SSTATUS, R_SCORE, R_TEXT, R_DATE, R_COMMENT };

static const struct colspec cols_li_obj[] = {
	{ "lineItemSourcedId", true },
	{ "source", true },
	{ "learningObjectiveId", true },
	{ NULL, false },
};
static const struct colspec cols_res_obj[] = {
	{ "resultSourcedId", true }, { "source", true },     { "learningObjectiveId", true },
	{ "score", false },	     { "textScore", false }, { NULL, false },
};
enum { O_PARENT, O_SOURCE, O_ID, O_SCORE, O_TEXT };

static const struct colspec cols_sourced[] = {
	{ "sourcedId", true },
	{ "status", false },
	{ NULL, false },
};

struct csvfile {
	struct gradebook *g;
	struct file_errs fe;
	int col[COL_MAX];
	const struct colspec *spec;
	size_t line;
	struct str f[COL_MAX];	/* the current row's values, trimmed */
	struct hashset parents; /* objective files: sourcedId -> index of its record */
};

/* The value of column i as an arena string; NULL when blank. */
static const char *val(struct csvfile *cf, int i)
{
	struct str v = cf->f[i];
	return v.n ? arena_strndup(cf->g->a, v.p, v.n) : NULL;
}

static bool row_read(struct csvfile *cf, const struct csv_record *rec)
{
	cf->line = rec->line;
	bool ok = true;
	for (int i = 0; cf->spec[i].name; i++) {
		cf->f[i] = csv_field(rec, cf->col[i]);
		if (cf->spec[i].required && !cf->f[i].n) {
			file_err_at(&cf->fe, cf->line, cf->spec[i].name, "required, but blank");
			ok = false;
		}
	}
	return ok;
}

/* status: "" or active (kept), tobedeleted (deleted). */
static bool status_read(struct csvfile *cf, int i, bool *deleted)
{
	struct str s = cf->f[i];
	*deleted = false;
	if (!s.n || str_ieq_cstr(s, "active"))
		return true;
	if (str_ieq_cstr(s, "tobedeleted")) {
		*deleted = true;
		return true;
	}
	file_err_at(&cf->fe, cf->line, "status", "'%.*s' is not active or tobedeleted", (int)s.n,
		    s.p);
	return false;
}

static bool number_read(struct csvfile *cf, int i, double *out, bool *has)
{
	*has = false;
	if (!cf->f[i].n)
		return true;
	char tmp[64];
	bool ok = cf->f[i].n < sizeof tmp;
	if (ok) {
		snprintf(tmp, sizeof tmp, "%.*s", (int)cf->f[i].n, cf->f[i].p);
		ok = parse_number(tmp, out);
	}
	if (!ok) {
		file_err_at(&cf->fe, cf->line, cf->spec[i].name, "'%.*s' is not a number",
			    (int)(cf->f[i].n > 40 ? 40 : cf->f[i].n), cf->f[i].p);
		return false;
	}
	*has = true;
	return true;
}

static bool date_read(struct csvfile *cf, int i, int64_t *out)
{
	char tmp[64];
	if (cf->f[i].n >= sizeof tmp) {
		file_err_at(&cf->fe, cf->line, cf->spec[i].name, "not a date");
		return false;
	}
	snprintf(tmp, sizeof tmp, "%.*s", (int)cf->f[i].n, cf->f[i].p);
	if (!parse_when(tmp, out)) {
		file_err_at(&cf->fe, cf->line, cf->spec[i].name,
			    "'%s' is not a date (YYYY-MM-DD) or a date-time with its zone", tmp);
		return false;
	}
	return true;
}

static void row_line_item(struct csvfile *cf)
{
	struct gradebook *g = cf->g;
	bool del;
	double mn = 0, mx = 0;
	bool hmn, hmx;
	bool ok = status_read(cf, LI_STATUS, &del);
	ok = number_read(cf, LI_MIN, &mn, &hmn) && ok;
	ok = number_read(cf, LI_MAX, &mx, &hmx) && ok;
	if (ok && hmn && hmx && mx <= mn) {
		file_err_at(&cf->fe, cf->line, "resultValueMax",
			    "%g is not above resultValueMin (%g)", mx, mn);
		ok = false;
	}
	if (!ok)
		return;
	struct gb_line_item *li = item_add(g);
	if (!li)
		return;
	li->sourced_id = val(cf, LI_SID);
	li->deleted = del;
	li->title = val(cf, LI_TITLE);
	li->description = val(cf, LI_DESC);
	li->assign_date = val(cf, LI_ASSIGN);
	li->due_date = val(cf, LI_DUE);
	li->class_sid = val(cf, LI_CLASS);
	li->category_sid = val(cf, LI_CAT);
	li->min = mn;
	li->max = mx;
	li->has_min = hmn;
	li->has_max = hmx;
	li->where = arena_printf(g->a, "%s:%zu", cf->fe.label, cf->line);
}

static void row_result(struct csvfile *cf)
{
	struct gradebook *g = cf->g;
	bool del, has;
	double score = 0;
	int64_t when = 0;
	bool ok = status_read(cf, R_STATUS, &del);
	char st[40];
	snprintf(st, sizeof st, "%.*s", (int)(cf->f[R_SSTATUS].n < 39 ? cf->f[R_SSTATUS].n : 39),
		 cf->f[R_SSTATUS].p);
	const char *norm = norm_status(st);
	if (!norm) {
		file_err_at(&cf->fe, cf->line, "scoreStatus",
			    "'%s' is not one of: exempt, fully graded, not submitted, partially "
			    "graded, submitted",
			    st);
		ok = false;
	}
	ok = number_read(cf, R_SCORE, &score, &has) && ok;
	ok = date_read(cf, R_DATE, &when) && ok;
	if (!ok)
		return;
	struct gb_result *r = result_add(g);
	if (!r)
		return;
	r->sourced_id = val(cf, R_SID);
	r->deleted = del;
	r->line_item_sid = val(cf, R_ITEM);
	r->student_sid = val(cf, R_STUDENT);
	r->score_status = norm;
	r->score = score;
	r->has_score = has;
	r->text_score = val(cf, R_TEXT);
	r->comment = val(cf, R_COMMENT);
	r->score_date = when;
	r->where = arena_printf(g->a, "%s:%zu", cf->fe.label, cf->line);
}

static void row_objective(struct csvfile *cf, bool of_result)
{
	struct gradebook *g = cf->g;
	char parent[256];
	snprintf(parent, sizeof parent, "%.*s",
		 (int)(cf->f[O_PARENT].n < 255 ? cf->f[O_PARENT].n : 255), cf->f[O_PARENT].p);
	struct gb_objective o = { .source = val(cf, O_SOURCE), .id = val(cf, O_ID) };
	if (of_result) {
		if (!number_read(cf, O_SCORE, &o.score, &o.has_score))
			return;
		o.text_score = val(cf, O_TEXT);
	}
	/* the result or line item the objective belongs to, and its list */
	const char *field = of_result ? "resultSourcedId" : "lineItemSourcedId";
	const char *what = of_result ? "result" : "line item";
	const char *file = of_result ? "results.csv" : "lineItems.csv";
	int32_t k;
	if (!hs_get(&cf->parents, str_from(parent), &k)) {
		file_err_at(&cf->fe, cf->line, field, "'%s' is not a %s of %s", parent, what, file);
		return;
	}
	struct gb_objective **list = of_result ? &g->results[k].obj : &g->items[k].obj;
	size_t *n = of_result ? &g->results[k].nobj : &g->items[k].nobj;
	if (*n >= GB_MAX_OBJECTIVES) {
		file_err_at(&cf->fe, cf->line, "learningObjectiveId",
			    "%s '%s' has more than %d learning objectives", what, parent,
			    GB_MAX_OBJECTIVES);
		return;
	}
	obj_add(g->a, list, n, &o);
}

static void parse_one(struct gradebook *g, int kind, struct oneroster_file *f)
{
	static const struct colspec *const specs[GBF__COUNT] = {
		[GBF_LINE_ITEMS] = cols_items,
		[GBF_RESULTS] = cols_results,
		[GBF_LI_OBJECTIVES] = cols_li_obj,
		[GBF_RES_OBJECTIVES] = cols_res_obj,
		[GBF_CATEGORIES] = cols_sourced,
		[GBF_SCORE_SCALES] = cols_sourced,
		[GBF_LI_SCALES] = NULL,
		[GBF_RES_SCALES] = NULL,
	};
	struct csvfile cf = { .g = g, .spec = specs[kind] };
	cf.fe.b = g->errs;
	cf.fe.label = gb_names[kind];
	struct csv_reader rd;
	struct csv_record rec, header;
	struct csv_error ce;
	csv_init(&rd, f->data, f->len);
	enum eb_err rc = csv_next(&rd, &header, &ce);
	if (rc == EB_ENOTFOUND)
		goto done; /* an empty file: nothing in it */
	if (rc) {
		file_err_at(&cf.fe, ce.line, "header", "%s", ce.reason);
		goto done;
	}
	if (!cf.spec)
		goto done; /* score scale links: accepted, not used */
	for (int i = 0; cf.spec[i].name; i++) {
		cf.col[i] = csv_column(&header, cf.spec[i].name);
		if (cf.col[i] < 0 && cf.spec[i].required)
			file_err_at(&cf.fe, 1, cf.spec[i].name, "required column missing");
	}
	if (cf.fe.n)
		goto done;
	hs_init(&cf.parents);
	for (size_t i = 0; kind == GBF_LI_OBJECTIVES && i < g->nitems; i++)
		if (hs_put(&cf.parents, str_from(g->items[i].sourced_id), (int32_t)i, NULL) ==
		    EB_ENOMEM)
			goto nomem;
	for (size_t i = 0; kind == GBF_RES_OBJECTIVES && i < g->nresults; i++)
		if (hs_put(&cf.parents, str_from(g->results[i].sourced_id), (int32_t)i, NULL) ==
		    EB_ENOMEM)
			goto nomem;
	while ((rc = csv_next(&rd, &rec, &ce)) != EB_ENOTFOUND) {
		if (rc) {
			file_err_at(&cf.fe, ce.line, "row", "%s", ce.reason);
			continue;
		}
		if (!row_read(&cf, &rec))
			continue;
		switch (kind) {
		case GBF_LINE_ITEMS:
			row_line_item(&cf);
			break;
		case GBF_RESULTS:
			row_result(&cf);
			break;
		case GBF_LI_OBJECTIVES:
			row_objective(&cf, false);
			break;
		case GBF_RES_OBJECTIVES:
			row_objective(&cf, true);
			break;
		case GBF_CATEGORIES: {
			bool del;
			if (status_read(&cf, 1, &del))
				g->ncategories++;
			break;
		}
		default: {
			bool del;
			if (status_read(&cf, 1, &del))
				g->nscales++;
			break;
		}
		}
	}
	goto done;
nomem:
	file_err_at(&cf.fe, 0, "file", "out of memory");
done:
	hs_free(&cf.parents);
	file_err_done(&cf.fe);
	g->nerrors += cf.fe.n;
}

enum eb_err gradebook_parse_csv(struct gradebook *g, struct oneroster_file *files, size_t n)
{
	size_t before = g->nerrors;
	struct oneroster_file *by[GBF__COUNT] = { 0 };
	for (size_t i = 0; i < n; i++) {
		int k = gb_file_index(files[i].name);
		if (k < 0)
			continue;
		if (by[k]) {
			struct file_errs fe = { .b = g->errs, .label = gb_names[k] };
			file_err_at(&fe, 1, "file", "appears twice in the input");
			g->nerrors += fe.n;
			continue;
		}
		by[k] = &files[i];
	}
	for (int k = 0; k < GBF__COUNT; k++)
		if (by[k])
			parse_one(g, k, by[k]);
	return g->nerrors > before ? EB_EPARSE : EB_OK;
}

/* ---- REST binding (JSON) ------------------------------------------------ */

struct jctx {
	struct gradebook *g;
	const char *label;
	size_t before;
};

static void jerr(struct jctx *j, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void jerr(struct jctx *j, const char *path, const char *fmt, ...)
{
	struct gradebook *g = j->g;
	if (g->nerrors < GB_MAX_ERRORS && g->errs) {
		buf_printf(g->errs, "%s: %s: ", j->label, path);
		va_list ap;
		va_start(ap, fmt);
		buf_vprintf(g->errs, fmt, ap);
		va_end(ap);
		buf_putc(g->errs, '\n');
	}
	g->nerrors++;
}

/* A member that must be a non-empty string (required) or may be absent or
 * null. */
static bool jstr(struct jctx *j, const struct jv *o, const char *path, const char *key,
		 bool required, const char **out)
{
	const struct jv *v = jv_get(o, key);
	*out = NULL;
	if (!v || jv_is_null(v)) {
		if (required)
			jerr(j, path, "%s: required", key);
		return !required;
	}
	if (!jv_is_string(v) || (required && !v->n)) {
		jerr(j, path, "%s: a non-empty string", key);
		return false;
	}
	*out = v->n ? arena_strdup(j->g->a, jv_str(v)) : NULL;
	return true;
}

/* {"sourcedId": "..."} (a GUIDRef), required. */
static bool jref(struct jctx *j, const struct jv *o, const char *path, const char *key,
		 bool required, const char **out)
{
	const struct jv *v = jv_get(o, key);
	*out = NULL;
	if (!v || jv_is_null(v)) {
		if (required)
			jerr(j, path, "%s: required", key);
		return !required;
	}
	char p[200];
	snprintf(p, sizeof p, "%s.%s", path, key);
	return jstr(j, v, p, "sourcedId", true, out);
}

static bool jnum(struct jctx *j, const struct jv *o, const char *path, const char *key, double *out,
		 bool *has)
{
	const struct jv *v = jv_get(o, key);
	*has = false;
	if (!v || jv_is_null(v))
		return true;
	if (jv_is_number(v)) {
		*out = jv_num(v);
		*has = true;
		return true;
	}
	/* the 1.2 JSON binding writes some numbers as strings ("score": "8.5") */
	if (jv_is_string(v) && parse_number(jv_str(v), out)) {
		*has = true;
		return true;
	}
	jerr(j, path, "%s: a number", key);
	return false;
}

static bool jstatus(struct jctx *j, const struct jv *o, const char *path, bool *deleted)
{
	const char *s;
	*deleted = false;
	if (!jstr(j, o, path, "status", false, &s))
		return false;
	if (!s || strcasecmp(s, "active") == 0)
		return true;
	if (strcasecmp(s, "tobedeleted") == 0) {
		*deleted = true;
		return true;
	}
	jerr(j, path, "status: '%s' is not active or tobedeleted", s);
	return false;
}

/* learningObjectiveSet: [{source, learningObjectiveIds: [..]}] (line
 * items) or [{source, learningObjectiveResults: [{learningObjectiveId,
 * score, textScore}]}] (results). */
static bool jobjectives(struct jctx *j, const struct jv *o, const char *path, bool of_result,
			struct gb_objective **arr, size_t *n)
{
	const struct jv *set = jv_get(o, "learningObjectiveSet");
	if (!set || jv_is_null(set))
		return true;
	char p[200], q[260];
	if (!jv_is_array(set)) {
		jerr(j, path, "learningObjectiveSet: an array");
		return false;
	}
	bool ok = true;
	for (uint32_t i = 0; i < set->n; i++) {
		const struct jv *e = &set->u.items[i];
		snprintf(p, sizeof p, "%s.learningObjectiveSet[%u]", path, i);
		const char *source;
		if (!jv_is_object(e)) {
			jerr(j, p, "an object");
			ok = false;
			continue;
		}
		if (!jstr(j, e, p, "source", true, &source)) {
			ok = false;
			continue;
		}
		const char *key = of_result ? "learningObjectiveResults" : "learningObjectiveIds";
		const struct jv *list = jv_get(e, key);
		if (!jv_is_array(list)) {
			jerr(j, p, "%s: an array", key);
			ok = false;
			continue;
		}
		for (uint32_t k = 0; k < list->n; k++) {
			const struct jv *x = &list->u.items[k];
			snprintf(q, sizeof q, "%s.%s[%u]", p, key, k);
			struct gb_objective ob = { .source = source };
			if (!of_result) {
				if (!jv_is_string(x) || !x->n) {
					jerr(j, q, "a non-empty string");
					ok = false;
					continue;
				}
				ob.id = arena_strdup(j->g->a, jv_str(x));
			} else {
				if (!jv_is_object(x)) {
					jerr(j, q, "an object");
					ok = false;
					continue;
				}
				if (!jstr(j, x, q, "learningObjectiveId", true, &ob.id) ||
				    !jnum(j, x, q, "score", &ob.score, &ob.has_score) ||
				    !jstr(j, x, q, "textScore", false, &ob.text_score)) {
					ok = false;
					continue;
				}
			}
			if (*n >= GB_MAX_OBJECTIVES) {
				jerr(j, q, "more than %d learning objectives", GB_MAX_OBJECTIVES);
				return false;
			}
			if (!obj_add(j->g->a, arr, n, &ob))
				return false;
		}
	}
	return ok;
}

static void json_line_item(struct jctx *j, const struct jv *o, const char *path)
{
	struct gb_line_item li = { 0 };
	if (!jv_is_object(o)) {
		jerr(j, path, "a lineItem object");
		return;
	}
	bool ok = jstr(j, o, path, "sourcedId", true, &li.sourced_id);
	ok = jstatus(j, o, path, &li.deleted) && ok;
	ok = jstr(j, o, path, "title", true, &li.title) && ok;
	ok = jstr(j, o, path, "description", false, &li.description) && ok;
	ok = jstr(j, o, path, "assignDate", false, &li.assign_date) && ok;
	ok = jstr(j, o, path, "dueDate", false, &li.due_date) && ok;
	ok = jref(j, o, path, "class", true, &li.class_sid) && ok;
	ok = jref(j, o, path, "category", false, &li.category_sid) && ok;
	ok = jnum(j, o, path, "resultValueMin", &li.min, &li.has_min) && ok;
	ok = jnum(j, o, path, "resultValueMax", &li.max, &li.has_max) && ok;
	ok = jobjectives(j, o, path, false, &li.obj, &li.nobj) && ok;
	if (ok && li.has_min && li.has_max && li.max <= li.min) {
		jerr(j, path, "resultValueMax: %g is not above resultValueMin (%g)", li.max,
		     li.min);
		ok = false;
	}
	if (!ok)
		return;
	li.where = arena_printf(j->g->a, "%s: %s", j->label, path);
	struct gb_line_item *dst = item_add(j->g);
	if (dst)
		*dst = li;
}

static void json_result(struct jctx *j, const struct jv *o, const char *path)
{
	struct gb_result r = { 0 };
	const char *st = NULL, *date = NULL;
	if (!jv_is_object(o)) {
		jerr(j, path, "a result object");
		return;
	}
	bool ok = jstr(j, o, path, "sourcedId", true, &r.sourced_id);
	ok = jstatus(j, o, path, &r.deleted) && ok;
	ok = jref(j, o, path, "lineItem", true, &r.line_item_sid) && ok;
	ok = jref(j, o, path, "student", true, &r.student_sid) && ok;
	if (jstr(j, o, path, "scoreStatus", true, &st) && !(r.score_status = norm_status(st))) {
		jerr(j, path,
		     "scoreStatus: '%s' is not one of: exempt, fully graded, not submitted, "
		     "partially graded, submitted",
		     st);
		ok = false;
	} else if (!st) {
		ok = false;
	}
	ok = jnum(j, o, path, "score", &r.score, &r.has_score) && ok;
	ok = jstr(j, o, path, "textScore", false, &r.text_score) && ok;
	ok = jstr(j, o, path, "comment", false, &r.comment) && ok;
	if (jstr(j, o, path, "scoreDate", true, &date) && date &&
	    !parse_when(date, &r.score_date)) {
		jerr(j, path,
		     "scoreDate: '%s' is not a date (YYYY-MM-DD) or a date-time with its zone",
		     date);
		ok = false;
	} else if (!date) {
		ok = false;
	}
	ok = jobjectives(j, o, path, true, &r.obj, &r.nobj) && ok;
	if (!ok)
		return;
	r.where = arena_printf(j->g->a, "%s: %s", j->label, path);
	struct gb_result *dst = result_add(j->g);
	if (dst)
		*dst = r;
}

enum eb_err gradebook_parse_json(struct gradebook *g, const char *collection, const char *json,
				 size_t len, const char *label)
{
	struct jctx j = { .g = g, .label = label, .before = g->nerrors };
	bool items = strcmp(collection, "lineItems") == 0;
	if (!items && strcmp(collection, "results") != 0)
		return EB_EINVAL;
	const char *one = items ? "lineItem" : "result";
	struct jv_error e;
	struct jv *root = jv_parse(g->a, json, len, &e);
	if (!root) {
		if (!e.line)
			return EB_ENOMEM;
		jerr(&j, "$", "not JSON (line %d, column %d: %s)", e.line, e.column, e.text);
		return EB_EPARSE;
	}
	const struct jv *list = root;
	char path[200];
	if (jv_is_object(root)) {
		const struct jv *single = jv_get(root, one);
		list = jv_get(root, collection);
		if (!list && single) {
			snprintf(path, sizeof path, "$.%s", one);
			if (items)
				json_line_item(&j, single, path);
			else
				json_result(&j, single, path);
			return g->nerrors > j.before ? EB_EPARSE : EB_OK;
		}
	}
	if (!jv_is_array(list)) {
		jerr(&j, "$", "an object with a \"%s\" array (or \"%s\")", collection, one);
		return EB_EPARSE;
	}
	for (uint32_t i = 0; i < list->n; i++) {
		if (list == root)
			snprintf(path, sizeof path, "$[%u]", i);
		else
			snprintf(path, sizeof path, "$.%s[%u]", collection, i);
		if (items)
			json_line_item(&j, &list->u.items[i], path);
		else
			json_result(&j, &list->u.items[i], path);
	}
	return g->nerrors > j.before ? EB_EPARSE : EB_OK;
}

enum eb_err gradebook_parse_object(struct gradebook *g, const char *collection,
				   const struct jv *obj, const char *label, size_t i)
{
	struct jctx j = { .g = g, .label = label, .before = g->nerrors };
	char path[200];
	snprintf(path, sizeof path, "$.%s[%zu]", collection, i);
	if (strcmp(collection, "lineItems") == 0)
		json_line_item(&j, obj, path);
	else if (strcmp(collection, "results") == 0)
		json_result(&j, obj, path);
	else
		return EB_EINVAL;
	return g->nerrors > j.before ? EB_EPARSE : EB_OK;
}

/* ---- whole-input checks ------------------------------------------------- */

static int cmp_item(const void *a, const void *b)
{
	const struct gb_line_item *const *x = a, *const *y = b;
	return strcmp((*x)->sourced_id, (*y)->sourced_id);
}

static int cmp_result(const void *a, const void *b)
{
	const struct gb_result *const *x = a, *const *y = b;
	return strcmp((*x)->sourced_id, (*y)->sourced_id);
}

static void dup_err(struct gradebook *g, const char *what, const char *sid, const char *w1,
		    const char *w2)
{
	if (g->nerrors < GB_MAX_ERRORS && g->errs)
		buf_printf(g->errs, "%s: sourcedId: %s '%s' appears twice (also at %s)\n", w2, what,
			   sid, w1);
	g->nerrors++;
}

enum eb_err gradebook_check(struct gradebook *g)
{
	size_t before = g->nerrors;
	size_t n = g->nitems > g->nresults ? g->nitems : g->nresults;
	if (!n)
		return EB_OK;
	const void **idx = arena_alloc(g->a, n * sizeof *idx);
	if (!idx)
		return EB_ENOMEM;
	for (size_t i = 0; i < g->nitems; i++)
		idx[i] = &g->items[i];
	qsort(idx, g->nitems, sizeof *idx, cmp_item);
	for (size_t i = 1; i < g->nitems; i++) {
		const struct gb_line_item *a = idx[i - 1], *b = idx[i];
		if (strcmp(a->sourced_id, b->sourced_id) == 0)
			dup_err(g, "line item", b->sourced_id, a->where, b->where);
	}
	for (size_t i = 0; i < g->nresults; i++)
		idx[i] = &g->results[i];
	qsort(idx, g->nresults, sizeof *idx, cmp_result);
	for (size_t i = 1; i < g->nresults; i++) {
		const struct gb_result *a = idx[i - 1], *b = idx[i];
		if (strcmp(a->sourced_id, b->sourced_id) == 0)
			dup_err(g, "result", b->sourced_id, a->where, b->where);
	}
	return g->nerrors > before ? EB_EPARSE : EB_OK;
}

/* ---- the import ----------------------------------------------------------- */

enum eb_err oneroster_gradebook_import(struct db *db, int64_t district_id, int64_t tool_id,
				       struct oneroster_file *files, size_t n, struct buf *errs,
				       struct gradebook_report *rep)
{
	bool any = false;
	for (size_t i = 0; i < n; i++)
		any = any || gradebook_csv_name(files[i].name);
	if (!any)
		return EB_OK;
	struct arena a;
	arena_init(&a);
	struct gradebook g;
	gradebook_init(&g, &a, errs);
	enum eb_err rc = gradebook_parse_csv(&g, files, n);
	if (rc == EB_OK)
		rc = gradebook_check(&g);
	if (rc)
		goto out;
	bool own = !db_in_transaction(db);
	if (own && (rc = db_begin(db)))
		goto out;
	rc = gradebook_apply(db, district_id, tool_id, &g, time_now(), rep);
	if (own) {
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
out:
	arena_free(&a);
	return rc;
}

/* ---- the REST pull ---------------------------------------------------------- */

struct pull {
	struct gradebook *g;
	const char *collection;
	char label[600];
	size_t i;
};

static enum eb_err pull_each(void *ud, const struct jv *obj, char *why, size_t cap)
{
	struct pull *p = ud;
	enum eb_err rc = gradebook_parse_object(p->g, p->collection, obj, p->label, p->i++);
	/* every object is read, so that one pull lists every problem */
	return rc == EB_ENOMEM ? eb_say(why, cap, rc, "out of memory") : EB_OK;
}

enum eb_err oneroster_gradebook_sync(struct db *db, int64_t district_id, int64_t tool_id,
				     struct oneroster_rest *c, const char *filter, struct buf *errs,
				     struct gradebook_report *rep, char *why, size_t cap)
{
	static const char *const collections[] = { "lineItems", "results" };
	struct arena a;
	arena_init(&a);
	struct gradebook g;
	gradebook_init(&g, &a, errs);
	/* a root that names the Gradebook service is used as given; else the
	 * binding's path from the host */
	bool own_root = strstr(oneroster_rest_root(c), "/ims/oneroster/gradebook/") != NULL;
	enum eb_err rc = EB_OK;
	for (size_t k = 0; k < 2 && !rc; k++) {
		struct pull p = { .g = &g, .collection = collections[k] };
		char path[200];
		snprintf(path, sizeof path, "%s%s",
			 own_root ? "" : "/ims/oneroster/gradebook/v1p2/", collections[k]);
		snprintf(p.label, sizeof p.label, "%s/%s", oneroster_rest_root(c), collections[k]);
		if (!own_root)
			snprintf(p.label, sizeof p.label, "%s", path);
		rc = oneroster_rest_get_all(c, path, collections[k], filter, pull_each, &p, why,
					    cap);
	}
	if (rc)
		goto out;
	if (g.nerrors || (rc = gradebook_check(&g))) {
		rc = EB_EPARSE;
		goto out;
	}
	bool own = !db_in_transaction(db);
	if (own && (rc = db_begin(db)))
		goto out;
	rc = gradebook_apply(db, district_id, tool_id, &g, time_now(), rep);
	if (own) {
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	if (rc)
		eb_say(why, cap, rc, "the database refused the gradebook: %s", db_errmsg(db));
out:
	arena_free(&a);
	return rc;
}
