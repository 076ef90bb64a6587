/* mastery.c - the rules of mastery and the online update (see mastery.h).
 * The update's context is mastery_cache.c's; the stored form of a row is
 * mastery_rows.c's. */
#include "domain/mastery.h"

#include <math.h>
#include <string.h>

#include "base/log.h"
#include "domain/frameworks.h"
#include "domain/mastery_cache.h"
#include "domain/mastery_rows.h"
#include "domain/standards.h"
#include "store/db.h"

/* ---- levels ----------------------------------------------------------- */

enum mastery_level mastery_level_of(const struct district_levels *lv, double p)
{
	if (p >= lv->mastered)
		return MASTERY_MASTERED;
	if (p >= lv->proficient)
		return MASTERY_PROFICIENT;
	if (p >= lv->approaching)
		return MASTERY_APPROACHING;
	return MASTERY_NOT_YET;
}

static const char *const level_names[] = { "Not yet", "Approaching", "Proficient", "Mastered" };
static const char *const level_slugs[] = { "not-yet", "approaching", "proficient", "mastered" };

const char *mastery_level_name(enum mastery_level l)
{
	return (unsigned)l < MASTERY_LEVEL_COUNT ? level_names[l] : "";
}

const char *mastery_level_slug(enum mastery_level l)
{
	return (unsigned)l < MASTERY_LEVEL_COUNT ? level_slugs[l] : "";
}

/* ---- ids -------------------------------------------------------------- */

static uint32_t fnv(uint32_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

int32_t mastery_item_key(int64_t tool_id, const char *item_id)
{
	/* FNV-1a of "<tool_id>|<item_id>", the decimal digits written by hand
	 * (the hot path of every online update) */
	char t[24], *w = t + sizeof t;
	*--w = '\0';
	*--w = '|';
	uint64_t v = tool_id < 0 ? (uint64_t)0 - (uint64_t)tool_id : (uint64_t)tool_id;
	do
		*--w = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	if (tool_id < 0)
		*--w = '-';
	return (int32_t)(fnv(fnv(2166136261u, w), item_id) & 0x7fffffffu);
}

int32_t mastery_standard_key(const char *code)
{
	const struct standard *s = standards_find(code);
	if (s)
		return (int32_t)s->index;
	return (int32_t)((1u << 24) +
			 (fnv(2166136261u, code) & 0x3fffffffu) % (0x7fffffffu - (1u << 24)));
}

struct mastery_bkt mastery_default_bkt(void)
{
	struct mastery_bkt b = { 0.5, 0.1, 0.02, 0.2, 0.1 };
	return b;
}

/* ---- the per-cell update ---------------------------------------------- */

static double cell_sd(double p, int32_t n)
{
	return sqrt(p * (1 - p) / ((double)n + 3));
}

static int64_t week_of(int64_t at)
{
	int64_t d = at >= 0 ? at / 86400 : -((-at + 86399) / 86400);
	d += 3; /* 1970-01-01 was a Thursday: weeks start on Monday */
	return d >= 0 ? d / 7 : -((-d + 6) / 7);
}

static void trend_push(struct mastery_cell *c, uint8_t v)
{
	if (c->ntrend == MASTERY_TREND_WEEKS) {
		memmove(c->trend, c->trend + 1, MASTERY_TREND_WEEKS - 1);
		c->ntrend--;
	}
	c->trend[c->ntrend++] = v;
}

static void trend_note(struct mastery_cell *c, double p, int64_t at)
{
	uint8_t v = (uint8_t)lround(p * 100);
	int64_t w = week_of(at);
	if (!c->ntrend) {
		c->trend[0] = v;
		c->ntrend = 1;
		c->trend_week = (int32_t)w;
		return;
	}
	if (w > c->trend_week) {
		int64_t gap = w - c->trend_week;
		uint8_t last = c->trend[c->ntrend - 1];
		for (int64_t i = 1; i < gap && i < MASTERY_TREND_WEEKS; i++)
			trend_push(c, last);
		trend_push(c, v);
		c->trend_week = (int32_t)w;
	} else {
		/* this week, or a late event: the current value moves */
		c->trend[c->ntrend - 1] = v;
	}
}

void mastery_cell_observe(const struct mastery_model *m, struct mastery_student_state *st,
			  struct mastery_cell *c, int32_t standard_key, int32_t item_key,
			  int64_t tool_id, int correct, int64_t at)
{
	correct = correct ? 1 : 0;
	double p;
	if (m) {
		struct mastery_query q = { .item = mastery_item_index(m, item_key), .nskills = 1 };
		q.skill[0] = mastery_skill_index(m, standard_key);
		struct mastery_skill_state *sk = &c->sk;
		mastery_observe(m, st, &sk, &q, correct);
		p = mastery_skill_probability(m, st, &c->sk, q.skill[0]);
	} else {
		struct mastery_bkt b = mastery_default_bkt();
		double before = (c->sk.correct + c->sk.wrong) ? c->sk.bkt : b.prior;
		p = mastery_bkt_step(&b, before, correct);
		c->sk.bkt = (float)p;
		if (correct && c->sk.correct < UINT16_MAX)
			c->sk.correct++;
		if (!correct && c->sk.wrong < UINT16_MAX)
			c->sk.wrong++;
		c->sk.hist = (uint8_t)((c->sk.hist << 1) | correct);
		if (c->sk.nhist < 8)
			c->sk.nhist++;
		if (correct && st->correct < UINT32_MAX)
			st->correct++;
		if (!correct && st->wrong < UINT32_MAX)
			st->wrong++;
	}
	if (!(p >= 0))
		p = 0;
	if (p > 1)
		p = 1;
	c->responses++;
	c->correct += correct;
	if (!c->first_at || at < c->first_at)
		c->first_at = at;
	if (at > c->last_at)
		c->last_at = at;
	int k = 0;
	while (k < c->ntools && c->tools[k].tool_id != tool_id)
		k++;
	if (k == c->ntools && k < MASTERY_MAX_TOOLS) {
		c->tools[k].tool_id = tool_id;
		c->ntools++;
	}
	if (k < MASTERY_MAX_TOOLS) {
		c->tools[k].responses++;
		c->tools[k].correct += correct;
	}
	c->p = p;
	c->sd = cell_sd(p, c->responses);
	c->inferred = false;
	trend_note(c, p, at);
}

double mastery_infer(double base, const double *pre, size_t npre, const double *suc, size_t nsuc)
{
	double p = base;
	if (npre) {
		double s = 0;
		for (size_t i = 0; i < npre; i++)
			s += pre[i];
		p = 0.5 * p + 0.5 * (s / (double)npre);
	}
	double top = 0;
	for (size_t i = 0; i < nsuc; i++)
		if (suc[i] > top)
			top = suc[i];
	if (0.9 * top > p)
		p = 0.9 * top;
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

static double standard_prior(const struct mastery_model *m, int32_t key)
{
	if (!m)
		return mastery_default_bkt().prior;
	return mastery_skill_bkt(m, mastery_skill_index(m, key)).prior;
}

void mastery_cell_infer(const struct mastery_model *m, struct mastery_cell *c, int32_t key,
			double ability, const double *pre, size_t npre, const double *suc,
			size_t nsuc)
{
	double base = c->responses ? c->p : standard_prior(m, key);
	if (!c->responses && ability >= 0)
		base = 0.5 * base + 0.5 * ability;
	c->p = mastery_infer(base, pre, npre, suc, nsuc);
	c->sd = sqrt(c->p * (1 - c->p) / 3.0);
	c->inferred = true;
	if (c->ntrend)
		c->trend[c->ntrend - 1] = (uint8_t)lround(c->p * 100);
}

/* ---- online update ---------------------------------------------------- */

#define MAX_LINKS 32

/* Measured neighbour probabilities of a standard for a student, from the
 * student's measured list (catalog standards only): its prerequisites and
 * successors in the coherence map and the district's links. */
static void neighbours_of(const struct mastery_measured *ms, const struct frameworks_links *links,
			  const char *code, double *pre, size_t *npre, double *suc, size_t *nsuc)
{
	const char *l[MAX_LINKS];
	*npre = *nsuc = 0;
	for (int dir = 0; dir < 2; dir++) {
		size_t n = frameworks_links_of(links, code, dir, l, MAX_LINKS);
		for (size_t i = 0; i < n; i++) {
			const struct standard *s = standards_find(l[i]);
			double p = s ? mastery_measured_get(ms, (int32_t)s->index) : -1;
			if (p < 0)
				continue;
			if (dir)
				suc[(*nsuc)++] = p;
			else
				pre[(*npre)++] = p;
		}
	}
}

/* What an update reads: the model's fitted_at, the student's row, the cell. */
struct update_read {
	int64_t fitted;
	bool found;  /* the cell is stored */
	bool sfound; /* the student's row is stored */
	struct mastery_student_state ss;
	struct mastery_cell c;
};

/* The cell alone (the student's row and fitted_at are known). */
static enum eb_err read_cell(struct db *db, int64_t d, const char *student, const char *standard,
			     struct update_read *r)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT " MASTERY_CELL_COLS " FROM mastery_state"
				  " WHERE district_id = ?1 AND student_sourced_id = ?2"
				  " AND standard_code = ?3",
				  DB_ARGS(DB_INT(d), DB_TEXT(student), DB_TEXT(standard)), &st);
	if (rc)
		return rc;
	memset(&r->c, 0, sizeof r->c);
	if ((r->found = db_next(st)))
		mastery_cell_read(st, 0, &r->c);
	return db_done(st);
}

/* The model's fitted_at and the cell (the student's row is cached). */
static enum eb_err read_fit_cell(struct db *db, int64_t d, const char *student,
				 const char *standard, struct update_read *r)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT f.fitted_at, m.p IS NOT NULL, m.p, m.sd, m.responses, m.correct, m.tools,"
		" m.first_at, m.last_at, m.trend_week, m.trend, m.inferred, m.skill FROM (SELECT 1)"
		" LEFT JOIN mastery_fit f ON f.district_id = ?1"
		" LEFT JOIN mastery_state m ON m.district_id = ?1 AND m.student_sourced_id = ?2"
		" AND m.standard_code = ?3",
		DB_ARGS(DB_INT(d), DB_TEXT(student), DB_TEXT(standard)), &st);
	if (rc)
		return rc;
	memset(&r->c, 0, sizeof r->c);
	if (db_next(st)) {
		r->fitted = db_col_int(st, 0);
		if ((r->found = db_col_int(st, 1) != 0))
			mastery_cell_read(st, 2, &r->c);
	} else {
		db_fail(st, EB_EDB); /* the join always has a row */
	}
	return db_done(st);
}

/* One read: the model's fitted_at, the student's row (state, and measured
 * list into ms), the cell. */
static enum eb_err read_all(struct db *db, int64_t d, const char *student, const char *standard,
			    struct update_read *r, struct mastery_measured *ms)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT f.fitted_at, s.state, s.measured, m.p IS NOT NULL, m.p, m.sd, m.responses,"
		" m.correct, m.tools, m.first_at, m.last_at, m.trend_week, m.trend, m.inferred,"
		" m.skill FROM (SELECT 1)"
		" LEFT JOIN mastery_fit f ON f.district_id = ?1"
		" LEFT JOIN mastery_student s ON s.district_id = ?1 AND s.student_sourced_id = ?2"
		" LEFT JOIN mastery_state m ON m.district_id = ?1 AND m.student_sourced_id = ?2"
		" AND m.standard_code = ?3",
		DB_ARGS(DB_INT(d), DB_TEXT(student), DB_TEXT(standard)), &st);
	if (rc)
		return rc;
	memset(&r->c, 0, sizeof r->c);
	if (db_next(st)) {
		r->fitted = db_col_int(st, 0);
		/* STRICT BLOB columns: the byte count converts nothing; NULL: no row */
		int n = db_col_bytes(st, 1);
		r->sfound = n > 0 || !db_col_is_null(st, 1);
		rc = mastery_student_decode(n ? db_col_blob(st, 1) : NULL, (size_t)n, &r->ss);
		if (!rc && (n = db_col_bytes(st, 2)) > 0)
			rc = mastery_measured_decode(db_col_blob(st, 2), (size_t)n, ms);
		else if (!rc)
			ms->n = 0;
		if (rc) {
			log_error("mastery: district %lld student %s: stored state is not"
				  " format %d",
				  (long long)d, student, MASTERY_FORMAT);
			db_fail(st, rc);
		} else if ((r->found = db_col_int(st, 3) != 0)) {
			mastery_cell_read(st, 4, &r->c);
		}
	} else {
		db_fail(st, EB_EDB); /* the join always has a row */
	}
	return db_done(st);
}

enum eb_err mastery_record(struct db *db, int64_t district_id, const char *student,
			   const char *standard, int64_t tool_id, const char *item_id, int correct,
			   int64_t at)
{
	return mastery_record_hinted(db, district_id, student, standard, tool_id, item_id, correct,
				     at, NULL);
}

enum eb_err mastery_record_hinted(struct db *db, int64_t district_id, const char *student,
				  const char *standard, int64_t tool_id, const char *item_id,
				  int correct, int64_t at, struct mastery_cell_hint *hint)
{
	struct mastery_ctx *mc;
	const struct mastery_model *m;
	struct update_read r;
	enum eb_err rc;
	if (!student || !standard || !*student || !*standard || correct < 0)
		return EB_OK;
	r.fitted = 0;
	r.found = r.sfound = false;
	memset(&r.ss, 0, sizeof r.ss); /* the readers zero the cell */
	if ((rc = mastery_ctx_of(db, &mc)))
		return rc;
	struct mastery_measured *ms = &mc->measured;
	bool armed = mastery_wb_arm(mc);
	uint32_t h = armed ? mastery_wb_hash(district_id, student) : 0;
	struct mastery_wb_row *row = armed ? mastery_wb_find(mc, district_id, student, h) : NULL;
	if (row && mc->wb.fit_d == district_id && hint) {
		/* ... and the cell too, read ahead by the batch (below) */
		r.fitted = mc->wb.fitted;
	} else if (row && mc->wb.fit_d == district_id) {
		/* the student's row and the model's fitted_at are known: the cell */
		rc = read_cell(db, district_id, student, standard, &r);
		r.fitted = mc->wb.fitted;
	} else if (row) {
		rc = read_fit_cell(db, district_id, student, standard, &r);
	} else {
		rc = read_all(db, district_id, student, standard, &r, ms);
	}
	if (rc)
		return rc;
	if (hint) {
		/* the cell as the batch keeps it: what the transaction holds */
		r.found = hint->found;
		r.c = hint->c;
	}
	if (row) {
		r.ss = row->ss;
		if ((rc = mastery_measured_decode(row->measured, row->nmeasured, ms)))
			return rc;
	}
	if (armed) {
		mc->wb.fit_d = district_id;
		mc->wb.fitted = r.fitted;
	}
	if ((rc = mastery_ctx_model(mc, district_id, r.fitted, &m)))
		return rc;
	/* one catalog look-up: the key of a catalog standard is its index */
	const struct standard *sd = standards_find(standard);
	int32_t key = sd ? (int32_t)sd->index : mastery_standard_key(standard);
	mastery_cell_observe(m, &r.ss, &r.c, key, mastery_item_key(tool_id, item_id ? item_id : ""),
			     tool_id, correct, at);
	if (r.c.responses < MASTERY_MIN_DIRECT) {
		double pre[MAX_LINKS], suc[MAX_LINKS];
		size_t npre, nsuc;
		neighbours_of(ms, mastery_ctx_links(mc, district_id), sd ? sd->code : standard, pre,
			      &npre, suc, &nsuc);
		mastery_cell_infer(m, &r.c, key, -1, pre, npre, suc, nsuc);
	} else if (sd) {
		mastery_measured_set(ms, (int32_t)sd->index, r.c.p);
	}
	if (hint) {
		/* written once, by mastery_cell_hint_flush */
		hint->found = hint->dirty = true;
		mastery_cell_as_stored(&r.c, &hint->c);
	} else if ((rc = mastery_cell_write(db, district_id, student, standard, &r.c, r.found))) {
		return rc;
	}
	if (armed) {
		bool kept;
		rc = mastery_wb_put(mc, row, district_id, student, h, r.sfound, &r.ss, ms, &kept);
		if (kept)
			return EB_OK; /* written by db_commit */
		if (row || rc != EB_ENOMEM)
			return rc;
	}
	/* not kept (outside a transaction, or no room): write the row now */
	return mastery_student_write(db, district_id, student, &r.ss, ms->b,
				     mastery_measured_len(ms), r.sfound);
}

enum eb_err mastery_cell_hint_flush(struct db *db, int64_t district_id, const char *student,
				    const char *standard, struct mastery_cell_hint *hint)
{
	if (!hint->dirty)
		return EB_OK;
	enum eb_err rc =
		mastery_cell_write(db, district_id, student, standard, &hint->c, hint->stored);
	if (!rc)
		hint->stored = true, hint->dirty = false;
	return rc;
}

void mastery_cache_clear(struct db *db)
{
	struct mastery_ctx *mc = mastery_ctx_find(db);
	if (mc)
		mastery_ctx_forget_models(mc);
}
