/* mastery.c - the store of mastery estimates (see mastery.h). */
#include "domain/mastery.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/hashset.h"
#include "base/timeutil.h"
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
	return (int32_t)((1u << 24) + (fnv(2166136261u, code) & 0x3fffffffu) % (0x7fffffffu - (1u << 24)));
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

/* Applies the inference rule to c (fewer than MASTERY_MIN_DIRECT responses)
 * given neighbour probabilities; sets p, sd, inferred. */
static void cell_infer(const struct mastery_model *m, struct mastery_cell *c, int32_t key,
		       double ability, const double *pre, size_t npre, const double *suc, size_t nsuc)
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

/* ---- text codecs ------------------------------------------------------ */

void mastery_tools_format(const struct mastery_cell *c, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < c->ntools && len < cap; i++) {
		int w = snprintf(out + len, cap - len, "%s%lld:%d:%d", i ? "," : "",
				 (long long)c->tools[i].tool_id, c->tools[i].responses,
				 c->tools[i].correct);
		if (w < 0 || (size_t)w >= cap - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
}

void mastery_tools_parse(const char *s, struct mastery_cell *c)
{
	c->ntools = 0;
	while (s && *s && c->ntools < MASTERY_MAX_TOOLS) {
		char *e;
		long long t = strtoll(s, &e, 10);
		if (*e != ':')
			break;
		long r = strtol(e + 1, &e, 10);
		if (*e != ':')
			break;
		long k = strtol(e + 1, &e, 10);
		c->tools[c->ntools].tool_id = t;
		c->tools[c->ntools].responses = (int32_t)r;
		c->tools[c->ntools].correct = (int32_t)k;
		c->ntools++;
		if (*e != ',')
			break;
		s = e + 1;
	}
}

void mastery_trend_format(const struct mastery_cell *c, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < c->ntrend; i++) {
		int w = snprintf(out + len, cap - len, "%s%u", i ? "," : "", c->trend[i]);
		if (w < 0 || (size_t)w >= cap - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)w;
	}
}

void mastery_trend_parse(const char *s, struct mastery_cell *c)
{
	c->ntrend = 0;
	while (s && *s && c->ntrend < MASTERY_TREND_WEEKS) {
		char *e;
		long v = strtol(s, &e, 10);
		if (e == s)
			break;
		c->trend[c->ntrend++] = (uint8_t)(v < 0 ? 0 : v > 100 ? 100 : v);
		if (*e != ',')
			break;
		s = e + 1;
	}
}

/* ---- rows ------------------------------------------------------------- */

#define CELL_COLS "p, sd, responses, correct, tools, first_at, last_at, trend_week, trend, inferred, skill"

static void cell_from_row(struct db_stmt *st, int col, struct mastery_cell *c)
{
	memset(c, 0, sizeof *c);
	c->p = db_col_double(st, col);
	c->sd = db_col_double(st, col + 1);
	c->responses = (int32_t)db_col_int(st, col + 2);
	c->correct = (int32_t)db_col_int(st, col + 3);
	int nb = db_col_bytes(st, col + 4);
	if (nb > 0 && nb % (int)sizeof c->tools[0] == 0 && nb <= (int)sizeof c->tools) {
		memcpy(c->tools, db_col_blob(st, col + 4), (size_t)nb);
		c->ntools = (uint8_t)(nb / (int)sizeof c->tools[0]);
	}
	c->first_at = db_col_int(st, col + 5);
	c->last_at = db_col_int(st, col + 6);
	c->trend_week = (int32_t)db_col_int(st, col + 7);
	nb = db_col_bytes(st, col + 8);
	if (nb > 0 && nb <= MASTERY_TREND_WEEKS) {
		memcpy(c->trend, db_col_blob(st, col + 8), (size_t)nb);
		c->ntrend = (uint8_t)nb;
	}
	c->inferred = db_col_int(st, col + 9) != 0;
	if (db_col_bytes(st, col + 10) == (int)sizeof c->sk)
		memcpy(&c->sk, db_col_blob(st, col + 10), sizeof c->sk);
}

/* exists: the row is there (an UPDATE leaves the standard index alone) */
static enum eb_err cell_put(struct db *db, int64_t d, const char *student, const char *standard,
			    const struct mastery_cell *c, bool exists)
{
	struct db_stmt *st;
	enum eb_err rc = exists
		? db_prepare(db, "UPDATE mastery_state SET p = ?4, sd = ?5, responses = ?6, correct = ?7,"
			     " tools = ?8, first_at = ?9, last_at = ?10, trend_week = ?11, trend = ?12,"
			     " inferred = ?13, skill = ?14 WHERE district_id = ?1"
			     " AND student_sourced_id = ?2 AND standard_code = ?3", &st)
		: db_prepare(db,
		"INSERT OR REPLACE INTO mastery_state (district_id, student_sourced_id, standard_code,"
		" " CELL_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
		&st);
	if (rc)
		return rc;
	db_bind_int(st, 1, d);
	db_bind_text(st, 2, student, -1);
	db_bind_text(st, 3, standard, -1);
	db_bind_double(st, 4, c->p);
	db_bind_double(st, 5, c->sd);
	db_bind_int(st, 6, c->responses);
	db_bind_int(st, 7, c->correct);
	db_bind_blob(st, 8, c->tools, (int)(c->ntools * sizeof c->tools[0]));
	if (c->first_at)
		db_bind_int(st, 9, c->first_at);
	if (c->last_at)
		db_bind_int(st, 10, c->last_at);
	db_bind_int(st, 11, c->trend_week);
	db_bind_blob(st, 12, c->trend, c->ntrend);
	db_bind_int(st, 13, c->inferred);
	if (c->responses)
		db_bind_blob(st, 14, &c->sk, (int)sizeof c->sk);
	return db_run(st);
}

enum eb_err mastery_cell_get(struct db *db, int64_t district_id, const char *student,
			     const char *standard, struct mastery_cell *out, bool *found)
{
	struct db_stmt *st;
	memset(out, 0, sizeof *out);
	*found = false;
	enum eb_err rc = db_prepare(db, "SELECT " CELL_COLS " FROM mastery_state WHERE district_id = ?1"
				    " AND student_sourced_id = ?2 AND standard_code = ?3", &st);
	if (rc)
		return rc;
	db_bind_int(st, 1, district_id);
	db_bind_text(st, 2, student, -1);
	db_bind_text(st, 3, standard, -1);
	int r = db_step(st);
	if (r == DB_ROW) {
		cell_from_row(st, 0, out);
		*found = true;
	}
	db_reset(st);
	return r < 0 ? EB_EDB : EB_OK;
}

double mastery_p(struct db *db, int64_t district_id, const char *student, const char *standard)
{
	struct db_stmt *st;
	if (db_prepare(db, "SELECT p, inferred, responses FROM mastery_state WHERE district_id = ?1"
			   " AND student_sourced_id = ?2 AND standard_code = ?3", &st))
		return -1;
	db_bind_int(st, 1, district_id);
	db_bind_text(st, 2, student, -1);
	db_bind_text(st, 3, standard, -1);
	double p = db_step(st) == DB_ROW ? db_col_double(st, 0) : -1;
	db_reset(st);
	return p;
}

/* ---- the model cache -------------------------------------------------- */

#define CACHE_SLOTS 4
struct cache_slot {
	struct db *db;
	int64_t district_id, fitted_at;
	struct mastery_model *m;	/* NULL with fitted_at 0: no model stored */
	unsigned used;
};
static _Thread_local struct cache_slot cache[CACHE_SLOTS];
static _Thread_local unsigned cache_clock;

void mastery_cache_clear(void)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		mastery_free(cache[i].m);
		memset(&cache[i], 0, sizeof cache[i]);
	}
}

/* The district's model (NULL when none is fitted). */
/* The district's model given the stored fitted_at (0: none): NULL when none
 * is fitted; decoded once per connection and fitted_at. */
static enum eb_err model_get(struct db *db, int64_t d, int64_t fitted,
			     const struct mastery_model **out)
{
	struct db_stmt *st;
	enum eb_err rc = EB_OK;
	*out = NULL;
	struct cache_slot *victim = &cache[0];
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct cache_slot *s = &cache[i];
		if (s->db == db && s->district_id == d) {
			if (s->fitted_at == fitted) {
				s->used = ++cache_clock;
				*out = s->m;
				return EB_OK;
			}
			victim = s;
			break;
		}
		if (s->used < victim->used)
			victim = s;
	}
	mastery_free(victim->m);
	memset(victim, 0, sizeof *victim);
	struct mastery_model *m = NULL;
	if (fitted) {
		if ((rc = db_prepare(db, "SELECT model FROM mastery_fit WHERE district_id = ?1", &st)))
			return rc;
		db_bind_int(st, 1, d);
		if (db_step(st) == DB_ROW)
			rc = mastery_model_decode(db_col_blob(st, 0), (size_t)db_col_bytes(st, 0), &m);
		else
			rc = EB_EDB;
		db_reset(st);
		if (rc)
			return rc;
	}
	victim->db = db;
	victim->district_id = d;
	victim->fitted_at = fitted;
	victim->m = m;
	victim->used = ++cache_clock;
	*out = m;
	return EB_OK;
}

/* ---- online update ---------------------------------------------------- */

/* The P of a student's measured catalog standards (mastery_student.measured):
 * entries of (int32 catalog index, double P), 12 bytes, host layout. */
#define MEASURED_ENTRY 12
#define MEASURED_MAX 1024
struct measured {
	size_t n;
	int32_t idx[MEASURED_MAX];
	double p[MEASURED_MAX];
};

static void measured_decode(struct measured *m, const void *blob, int bytes)
{
	const uint8_t *b = blob;
	m->n = 0;
	for (int o = 0; b && o + MEASURED_ENTRY <= bytes && m->n < MEASURED_MAX; o += MEASURED_ENTRY) {
		memcpy(&m->idx[m->n], b + o, 4);
		memcpy(&m->p[m->n], b + o + 4, 8);
		m->n++;
	}
}

/* Sets the P of catalog standard idx (adds it when absent). */
static void measured_set(struct measured *m, int32_t idx, double p)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->idx[i] == idx) {
			m->p[i] = p;
			return;
		}
	if (m->n < MEASURED_MAX) {
		m->idx[m->n] = idx;
		m->p[m->n++] = p;
	}
}

/* P of catalog standard idx, or -1 when it is not measured. */
static double measured_get(const struct measured *m, int32_t idx)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->idx[i] == idx)
			return m->p[i];
	return -1;
}

/* The measured list as its blob (host layout); returns the byte count. */
static int measured_encode(const struct measured *ms, uint8_t *buf)
{
	for (size_t i = 0; i < ms->n; i++) {
		memcpy(buf + i * MEASURED_ENTRY, &ms->idx[i], 4);
		memcpy(buf + i * MEASURED_ENTRY + 4, &ms->p[i], 8);
	}
	return (int)(ms->n * MEASURED_ENTRY);
}

static enum eb_err student_row_put(struct db *db, int64_t d, const char *student,
				   const struct mastery_student_state *s, const uint8_t *meas,
				   int nmeas, bool exists)
{
	struct db_stmt *st;
	enum eb_err rc = exists
		? db_prepare(db, "UPDATE mastery_student SET state = ?3, measured = ?4"
			     " WHERE district_id = ?1 AND student_sourced_id = ?2", &st)
		: db_prepare(db, "INSERT OR REPLACE INTO mastery_student (district_id,"
			     " student_sourced_id, state, measured) VALUES (?1, ?2, ?3, ?4)", &st);
	if (rc)
		return rc;
	db_bind_int(st, 1, d);
	db_bind_text(st, 2, student, -1);
	db_bind_blob(st, 3, s, (int)sizeof *s);
	db_bind_blob(st, 4, meas, nmeas);
	return db_run(st);
}

static enum eb_err student_state_put(struct db *db, int64_t d, const char *student,
				     const struct mastery_student_state *s,
				     const struct measured *ms, bool exists)
{
	static _Thread_local uint8_t buf[MEASURED_MAX * MEASURED_ENTRY];
	return student_row_put(db, d, student, s, buf, measured_encode(ms, buf), exists);
}

/* ---- student rows written back at commit ------------------------------- */

/* Inside a transaction the online update keeps each student's row (state
 * and measured list) here instead of writing it per event: later events of
 * the same student in the transaction read it from here, and the dirty rows
 * are written through the connection by db_commit right before COMMIT
 * (db_before_commit). A rollback drops them with the transaction; a COMMIT
 * that bypasses db_commit is turned into a rollback by db.c, so a row is
 * never lost. One cache per connection (thread-local slots keyed by the
 * connection), empty outside a transaction. Bounded: at SCACHE_MAX rows the
 * dirty ones are written (still inside the transaction) and the cache
 * restarts. */
#define SCACHE_MAX 2048
struct scache_ent {
	char *student;		/* NULL: empty slot */
	int64_t d;
	uint32_t hash;
	bool exists;		/* the row is in mastery_student (UPDATE, not INSERT) */
	struct mastery_student_state ss;
	uint8_t *meas;		/* measured blob */
	int nmeas, capmeas;
};
struct scache {
	struct db *db;		/* NULL: free */
	struct scache_ent *tab;
	size_t cap, n;		/* cap: power of two */
	/* mastery_fit.fitted_at of district fit_d as read in this transaction:
	 * only a refit changes it, and a refit is a transaction of its own */
	int64_t fit_d, fitted;
};
static _Thread_local struct scache scaches[CACHE_SLOTS];

static void scache_reset(struct scache *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		free(c->tab[i].student);
		free(c->tab[i].meas);
	}
	free(c->tab);
	c->tab = NULL;
	c->cap = c->n = 0;
	c->fit_d = c->fitted = 0;
}

/* Writes every cached row through c->db and empties the cache. */
static enum eb_err scache_flush(struct scache *c)
{
	enum eb_err rc = EB_OK;
	for (size_t i = 0; i < c->cap && !rc; i++) {
		struct scache_ent *e = &c->tab[i];
		if (e->student)
			rc = student_row_put(c->db, e->d, e->student, &e->ss, e->meas, e->nmeas,
					     e->exists);
	}
	scache_reset(c);
	return rc;
}

static enum eb_err scache_commit(struct db *db, void *ctx)
{
	struct scache *c = ctx;
	(void)db;
	enum eb_err rc = scache_flush(c);
	c->db = NULL;
	return rc;
}

static void scache_rollback(void *ctx)
{
	struct scache *c = ctx;
	scache_reset(c);
	c->db = NULL;
}

/* The connection's cache, registered for its open transaction; NULL when
 * not in a transaction or no slot/registration is free (write through). */
static struct scache *scache_of(struct db *db)
{
	struct scache *free_slot = NULL;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (scaches[i].db == db)
			return &scaches[i];
		if (!scaches[i].db && !free_slot)
			free_slot = &scaches[i];
	}
	if (!free_slot || !db_in_transaction(db) ||
	    db_before_commit(db, scache_commit, scache_rollback, free_slot))
		return NULL;
	free_slot->db = db;
	return free_slot;
}

static struct scache_ent *scache_find(struct scache *c, int64_t d, const char *student,
				      uint32_t h)
{
	if (!c->cap)
		return NULL;
	for (size_t i = h & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
		struct scache_ent *e = &c->tab[i];
		if (!e->student)
			return e;
		if (e->hash == h && e->d == d && strcmp(e->student, student) == 0)
			return e;
	}
}

/* Keeps a student's row after an update: e (found by scache_find; NULL
 * or empty: a new entry). EB_ENOMEM with e an existing entry: the caller
 * fails (the entry cannot take the update); any other failure to add an
 * entry returns EB_ENOMEM with nothing cached, and the caller writes the
 * row through. May write the cached rows first (the cache is full). */
static enum eb_err scache_put(struct scache *c, struct scache_ent *e, int64_t d,
			      const char *student, uint32_t h, bool exists,
			      const struct mastery_student_state *ss, const struct measured *ms,
			      bool *added)
{
	enum eb_err rc;
	int need = (int)(ms->n * MEASURED_ENTRY);
	*added = false;
	if (e && e->student) {
		if (need > e->capmeas) {
			uint8_t *nb = realloc(e->meas, (size_t)(2 * need));
			if (!nb)
				return EB_ENOMEM;
			e->meas = nb;
			e->capmeas = 2 * need;
		}
		e->nmeas = measured_encode(ms, e->meas);
		e->ss = *ss;
		*added = true;
		return EB_OK;
	}
	if (c->n + 1 > SCACHE_MAX && (rc = scache_flush(c)))
		return rc;
	if (2 * (c->n + 1) > c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 64;
		struct scache_ent *old = c->tab, *nt = calloc(ncap, sizeof *nt);
		if (!nt)
			return EB_ENOMEM;
		size_t ocap = c->cap;
		c->tab = nt;
		c->cap = ncap;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].student)
				*scache_find(c, old[i].d, old[i].student, old[i].hash) = old[i];
		free(old);
	}
	size_t len = strlen(student) + 1;
	int capmeas = need < 256 ? 256 : 2 * need;
	char *name = malloc(len);
	uint8_t *meas = malloc((size_t)capmeas);
	if (!name || !meas) {
		free(name);
		free(meas);
		return EB_ENOMEM;
	}
	memcpy(name, student, len);
	e = scache_find(c, d, student, h);
	*e = (struct scache_ent){ .student = name, .d = d, .hash = h, .exists = exists, .ss = *ss,
				  .meas = meas, .capmeas = capmeas };
	e->nmeas = measured_encode(ms, meas);
	c->n++;
	*added = true;
	return EB_OK;
}

#define MAX_LINKS 32

/* Measured neighbour probabilities of catalog standard s for a student,
 * from the student's measured list. */
static void neighbours_of(const struct measured *ms, const struct standard *s, double *pre,
			  size_t *npre, double *suc, size_t *nsuc)
{
	const struct standard *l[MAX_LINKS];
	*npre = *nsuc = 0;
	if (!s)
		return;
	size_t n = standards_prereqs(s, l, MAX_LINKS);
	for (size_t i = 0; i < n && i < MAX_LINKS; i++) {
		double p = measured_get(ms, (int32_t)l[i]->index);
		if (p >= 0)
			pre[(*npre)++] = p;
	}
	n = standards_successors(s, l, MAX_LINKS);
	for (size_t i = 0; i < n && i < MAX_LINKS; i++) {
		double p = measured_get(ms, (int32_t)l[i]->index);
		if (p >= 0)
			suc[(*nsuc)++] = p;
	}
}

/* The model's fitted_at and the cell from a read, columns from col. */
static bool cell_read(struct db_stmt *st, int col, int64_t *fitted, struct mastery_cell *c)
{
	*fitted = db_col_is_null(st, 0) ? 0 : db_col_int(st, 0);
	memset(c, 0, sizeof *c);
	if (!db_col_int(st, col))
		return false;
	cell_from_row(st, col + 1, c);
	return true;
}

enum eb_err mastery_record(struct db *db, int64_t district_id, const char *student,
			   const char *standard, int64_t tool_id, const char *item_id, int correct,
			   int64_t at)
{
	const struct mastery_model *m;
	struct mastery_student_state ss;
	struct mastery_cell c;
	bool found = false, sfound = false;
	int64_t fitted;
	enum eb_err rc;
	struct db_stmt *st;
	static _Thread_local struct measured ms;
	if (!student || !standard || !*student || !*standard || correct < 0)
		return EB_OK;
	struct scache *sc = scache_of(db);
	uint32_t h = fnv(fnv(2166136261u, student), "") ^ (uint32_t)district_id;
	struct scache_ent *e = sc ? scache_find(sc, district_id, student, h) : NULL;
	if (e && e->student && sc->fit_d == district_id) {
		/* the student's row and the model's fitted_at are known: the cell */
		if ((rc = db_prepare(db, "SELECT " CELL_COLS " FROM mastery_state"
				     " WHERE district_id = ?1 AND student_sourced_id = ?2"
				     " AND standard_code = ?3", &st)))
			return rc;
		db_bind_int(st, 1, district_id);
		db_bind_text(st, 2, student, -1);
		db_bind_text(st, 3, standard, -1);
		int r = db_step(st);
		if (r < 0) {
			db_reset(st);
			return EB_EDB;
		}
		memset(&c, 0, sizeof c);
		if (r == DB_ROW) {
			cell_from_row(st, 0, &c);
			found = true;
		}
		db_reset(st);
		fitted = sc->fitted;
		ss = e->ss;
		measured_decode(&ms, e->meas, e->nmeas);
	} else if (e && e->student) {
		/* the student's row is cached: read the model's fitted_at and the cell */
		if ((rc = db_prepare(db,
			"SELECT f.fitted_at, m.p IS NOT NULL, m.p, m.sd, m.responses, m.correct, m.tools,"
			" m.first_at, m.last_at, m.trend_week, m.trend, m.inferred, m.skill FROM (SELECT 1)"
			" LEFT JOIN mastery_fit f ON f.district_id = ?1"
			" LEFT JOIN mastery_state m ON m.district_id = ?1 AND m.student_sourced_id = ?2"
			" AND m.standard_code = ?3", &st)))
			return rc;
		db_bind_int(st, 1, district_id);
		db_bind_text(st, 2, student, -1);
		db_bind_text(st, 3, standard, -1);
		if (db_step(st) != DB_ROW) {
			db_reset(st);
			return EB_EDB;
		}
		found = cell_read(st, 1, &fitted, &c);
		db_reset(st);
		if (sc) {
			sc->fit_d = district_id;
			sc->fitted = fitted;
		}
		ss = e->ss;
		measured_decode(&ms, e->meas, e->nmeas);
	} else {
		/* one read: the model's fitted_at, the student's state, the cell */
		if ((rc = db_prepare(db,
			"SELECT f.fitted_at, s.state, s.measured, m.p IS NOT NULL, m.p, m.sd, m.responses, m.correct, m.tools,"
			" m.first_at, m.last_at, m.trend_week, m.trend, m.inferred, m.skill FROM (SELECT 1)"
			" LEFT JOIN mastery_fit f ON f.district_id = ?1"
			" LEFT JOIN mastery_student s ON s.district_id = ?1 AND s.student_sourced_id = ?2"
			" LEFT JOIN mastery_state m ON m.district_id = ?1 AND m.student_sourced_id = ?2"
			" AND m.standard_code = ?3", &st)))
			return rc;
		db_bind_int(st, 1, district_id);
		db_bind_text(st, 2, student, -1);
		db_bind_text(st, 3, standard, -1);
		if (db_step(st) != DB_ROW) {
			db_reset(st);
			return EB_EDB;
		}
		memset(&ss, 0, sizeof ss);
		if (db_col_bytes(st, 1) == (int)sizeof ss) {
			memcpy(&ss, db_col_blob(st, 1), sizeof ss);
			sfound = true;
		}
		measured_decode(&ms, db_col_blob(st, 2), db_col_bytes(st, 2));
		found = cell_read(st, 3, &fitted, &c);
		db_reset(st);
		if (sc) {
			sc->fit_d = district_id;
			sc->fitted = fitted;
		}
	}
	if ((rc = model_get(db, district_id, fitted, &m)))
		return rc;
	int32_t key = mastery_standard_key(standard);
	mastery_cell_observe(m, &ss, &c, key, mastery_item_key(tool_id, item_id ? item_id : ""),
			     tool_id, correct, at);
	const struct standard *sd = standards_find(standard);
	if (c.responses < MASTERY_MIN_DIRECT) {
		double pre[MAX_LINKS], suc[MAX_LINKS];
		size_t npre, nsuc;
		neighbours_of(&ms, sd, pre, &npre, suc, &nsuc);
		cell_infer(m, &c, key, -1, pre, npre, suc, nsuc);
	} else if (sd) {
		measured_set(&ms, (int32_t)sd->index, c.p);
	}
	if ((rc = cell_put(db, district_id, student, standard, &c, found)))
		return rc;
	bool cached = e && e->student;
	if (sc) {
		bool added;
		rc = scache_put(sc, e, district_id, student, h, sfound, &ss, &ms, &added);
		if (added)
			return EB_OK; /* written by db_commit (scache_commit) */
		if (cached || rc != EB_ENOMEM)
			return rc;
	}
	/* not cached (outside a transaction, or no room): write the row now */
	return student_state_put(db, district_id, student, &ss, &ms, sfound);
}

/* ---- refit ------------------------------------------------------------ */

struct ev {
	int32_t student;	/* dense */
	int32_t code;		/* dense index into codes */
	int32_t item;
	int64_t tool, at;
	uint8_t correct;
};

struct codebook {
	struct hashset h;
	struct arena a;
	const char **names;
	size_t n, cap;
};

static enum eb_err code_id(struct codebook *cb, const char *s, int32_t *id)
{
	struct str k = { s, strlen(s) };
	if (hs_get(&cb->h, k, id))
		return EB_OK;
	char *copy = arena_strdup(&cb->a, s);
	if (!copy)
		return EB_ENOMEM;
	if (cb->n == cb->cap) {
		size_t nc = cb->cap ? cb->cap * 2 : 256;
		const char **nn = realloc(cb->names, nc * sizeof *nn);
		if (!nn)
			return EB_ENOMEM;
		cb->names = nn;
		cb->cap = nc;
	}
	cb->names[cb->n] = copy;
	*id = (int32_t)cb->n++;
	k.p = copy;
	return hs_put(&cb->h, k, *id, NULL);
}

static void codebook_free(struct codebook *cb)
{
	hs_free(&cb->h);
	arena_free(&cb->a);
	free(cb->names);
}

/* The district's evidence as of one snapshot (one statement), and the
 * largest id among it (*max_id; 0 when none). */
static enum eb_err read_events(struct db *db, int64_t d, struct codebook *students,
			       struct codebook *codes, struct ev **out, size_t *n, int64_t *max_id)
{
	struct db_stmt *st;
	*max_id = 0;
	enum eb_err rc = db_prepare(db,
		"SELECT student_sourced_id, standard_code, tool_id, item_id, correct, occurred_at, id"
		" FROM learning_event WHERE district_id = ?1 AND correct IS NOT NULL"
		" AND standard_code IS NOT NULL AND student_sourced_id IS NOT NULL"
		" ORDER BY student_sourced_id, occurred_at, id", &st);
	if (rc)
		return rc;
	size_t cap = 4096, k = 0;
	struct ev *v = malloc(cap * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	db_bind_int(st, 1, d);
	int r;
	while ((r = db_step(st)) == DB_ROW) {
		if (k == cap) {
			struct ev *nv = realloc(v, cap * 2 * sizeof *v);
			if (!nv) {
				rc = EB_ENOMEM;
				break;
			}
			v = nv;
			cap *= 2;
		}
		struct ev *e = &v[k];
		if ((rc = code_id(students, db_col_text(st, 0), &e->student)) ||
		    (rc = code_id(codes, db_col_text(st, 1), &e->code)))
			break;
		e->tool = db_col_int(st, 2);
		const char *item = db_col_text(st, 3);
		e->item = mastery_item_key(e->tool, item ? item : "");
		e->correct = db_col_int(st, 4) ? 1 : 0;
		e->at = db_col_int(st, 5);
		if (db_col_int(st, 6) > *max_id)
			*max_id = db_col_int(st, 6);
		k++;
	}
	db_reset(st);
	if (!rc && r < 0)
		rc = EB_EDB;
	if (rc) {
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return EB_OK;
}

/* Cells of one student while recomputing: index by code id. */
struct scell {
	int32_t code;
	struct mastery_cell c;
};

static struct scell *scell_find(struct scell *cells, size_t n, int32_t code)
{
	for (size_t i = 0; i < n; i++)
		if (cells[i].code == code)
			return &cells[i];
	return NULL;
}

/* Writes one student's recomputed cells, with inferred cells for the
 * neighbours of measured standards. */
static enum eb_err store_student(struct db *db, int64_t d, const struct mastery_model *m,
				 const char *student, struct codebook *codes, struct scell **cellsp,
				 size_t *ncellsp, size_t *capp, const struct mastery_student_state *ss,
				 size_t *ninferred)
{
	/* add neighbour cells of measured standards */
	size_t n0 = *ncellsp;
	for (size_t i = 0; i < n0; i++) {
		if ((*cellsp)[i].c.responses < MASTERY_MIN_DIRECT)
			continue;
		const struct standard *s = standards_find(codes->names[(*cellsp)[i].code]), *l[MAX_LINKS];
		if (!s)
			continue;
		for (int dir = 0; dir < 2; dir++) {
			size_t nl = dir ? standards_successors(s, l, MAX_LINKS)
					: standards_prereqs(s, l, MAX_LINKS);
			for (size_t j = 0; j < nl && j < MAX_LINKS; j++) {
				int32_t id;
				enum eb_err rc = code_id(codes, l[j]->code, &id);
				if (rc)
					return rc;
				if (scell_find(*cellsp, *ncellsp, id))
					continue;
				if (*ncellsp == *capp) {
					size_t nc = *capp * 2;
					struct scell *nn = realloc(*cellsp, nc * sizeof *nn);
					if (!nn)
						return EB_ENOMEM;
					*cellsp = nn;
					*capp = nc;
				}
				struct scell *c = &(*cellsp)[(*ncellsp)++];
				memset(c, 0, sizeof *c);
				c->code = id;
			}
		}
	}
	struct scell *cells = *cellsp;
	size_t n = *ncellsp;
	/* the student's mean P over measured standards: a general level that
	 * tempers the prior of standards with no evidence at all */
	double ability = -1, asum = 0;
	size_t an = 0;
	for (size_t i = 0; i < n; i++)
		if (cells[i].c.responses >= MASTERY_MIN_DIRECT) {
			asum += cells[i].c.p;
			an++;
		}
	if (an)
		ability = asum / (double)an;
	for (size_t i = 0; i < n; i++) {
		struct mastery_cell *c = &cells[i].c;
		const char *code = codes->names[cells[i].code];
		if (c->responses < MASTERY_MIN_DIRECT) {
			double pre[MAX_LINKS], suc[MAX_LINKS];
			size_t npre = 0, nsuc = 0;
			const struct standard *s = standards_find(code), *l[MAX_LINKS];
			for (int dir = 0; s && dir < 2; dir++) {
				size_t nl = dir ? standards_successors(s, l, MAX_LINKS)
						: standards_prereqs(s, l, MAX_LINKS);
				for (size_t j = 0; j < nl && j < MAX_LINKS; j++) {
					int32_t id;
					struct str k = { l[j]->code, strlen(l[j]->code) };
					if (!hs_get(&codes->h, k, &id))
						continue;
					struct scell *o = scell_find(cells, n, id);
					if (!o || o->c.responses < MASTERY_MIN_DIRECT)
						continue;
					if (dir)
						suc[nsuc++] = o->c.p;
					else
						pre[npre++] = o->c.p;
				}
			}
			if (!c->responses && !npre && !nsuc)
				continue;
			cell_infer(m, c, mastery_standard_key(code), ability, pre, npre, suc, nsuc);
			if (!c->responses)
				(*ninferred)++;
		}
		enum eb_err rc = cell_put(db, d, student, code, c, false);
		if (rc)
			return rc;
	}
	static _Thread_local struct measured ms;
	ms.n = 0;
	for (size_t i = 0; i < n; i++) {
		const struct standard *s = cells[i].c.responses >= MASTERY_MIN_DIRECT
			? standards_find(codes->names[cells[i].code]) : NULL;
		if (s)
			measured_set(&ms, (int32_t)s->index, cells[i].c.p);
	}
	return student_state_put(db, d, student, ss, &ms, false);
}

static enum eb_err store_fit(struct db *db, int64_t d, const struct mastery_model *m,
			     const struct mastery_fit_info *fi, size_t nstudents, size_t nstd,
			     double fit_s, int64_t *fitted_at)
{
	uint8_t *blob;
	size_t len;
	enum eb_err rc = mastery_model_encode(m, &blob, &len);
	if (rc)
		return rc;
	struct db_stmt *st;
	int64_t now = time_now(), prev = 0;
	if (!(rc = db_prepare(db, "SELECT fitted_at FROM mastery_fit WHERE district_id = ?1", &st))) {
		db_bind_int(st, 1, d);
		if (db_step(st) == DB_ROW)
			prev = db_col_int(st, 0);
		db_reset(st);
	}
	/* strictly increasing: it is what invalidates cached models */
	*fitted_at = now > prev ? now : prev + 1;
	if (!rc)
		rc = db_prepare(db, "INSERT OR REPLACE INTO mastery_fit (district_id, model, fitted_at,"
				" rows, students, standards, fit_seconds, iterations, objective)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);
	if (!rc) {
		db_bind_int(st, 1, d);
		db_bind_blob(st, 2, blob, (int)len);
		db_bind_int(st, 3, *fitted_at);
		db_bind_int(st, 4, (int64_t)fi->rows);
		db_bind_int(st, 5, (int64_t)nstudents);
		db_bind_int(st, 6, (int64_t)nstd);
		db_bind_double(st, 7, fit_s);
		db_bind_int(st, 8, fi->iterations);
		db_bind_double(st, 9, isfinite(fi->objective) ? fi->objective : 0);
		rc = db_run(st);
	}
	free(blob);
	return rc;
}

static void progress_note(mastery_progress_fn fn, void *ctx, const char *phase, size_t done,
			  size_t total)
{
	if (fn)
		fn(ctx, phase, done, total);
}

/* Applies, in the order they were stored, the district's evidence with an
 * id above max_id (mastery_record). */
static enum eb_err apply_late(struct db *db, int64_t d, int64_t max_id, size_t *applied)
{
	struct late {
		char *student, *code, *item;
		int64_t tool, at;
		int correct;
	} *v = NULL;
	size_t n = 0, cap = 0;
	struct arena a;
	arena_init(&a);
	struct db_stmt *st;
	enum eb_err rc = db_prepare(db,
		"SELECT student_sourced_id, standard_code, tool_id, item_id, correct, occurred_at"
		" FROM learning_event WHERE district_id = ?1 AND id > ?2 AND correct IS NOT NULL"
		" AND standard_code IS NOT NULL AND student_sourced_id IS NOT NULL ORDER BY id", &st);
	if (!rc) {
		db_bind_int(st, 1, d);
		db_bind_int(st, 2, max_id);
		int r;
		/* read whole before writing: the updates write other tables of the
		 * same connection while this statement would still be stepping */
		while ((r = db_step(st)) == DB_ROW && !rc) {
			struct late *nv = arena_grow(&a, v, n, &cap, sizeof *v, 64);
			if (!nv) {
				rc = EB_ENOMEM;
				break;
			}
			v = nv;
			const char *item = db_col_text(st, 3);
			v[n] = (struct late){
				.student = arena_strdup(&a, db_col_text(st, 0)),
				.code = arena_strdup(&a, db_col_text(st, 1)),
				.item = item ? arena_strdup(&a, item) : NULL,
				.tool = db_col_int(st, 2),
				.at = db_col_int(st, 5),
				.correct = db_col_int(st, 4) ? 1 : 0,
			};
			if (!v[n].student || !v[n].code || (item && !v[n].item))
				rc = EB_ENOMEM;
			n++;
		}
		db_reset(st);
		if (!rc && r < 0)
			rc = EB_EDB;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = mastery_record(db, d, v[i].student, v[i].code, v[i].tool, v[i].item,
				    v[i].correct, v[i].at);
	*applied = rc ? 0 : n;
	arena_free(&a);
	return rc;
}

enum eb_err mastery_refit(struct db *db, int64_t district_id, const struct mastery_params *hp,
			  mastery_progress_fn progress, void *ctx,
			  struct mastery_refit_summary *out, char *err, size_t cap)
{
	struct mastery_params def;
	struct codebook students = { 0 }, codes = { 0 };
	struct ev *ev = NULL;
	size_t n = 0;
	struct kt_dataset ds = { 0 };
	struct mastery_model *m = NULL;
	struct mastery_fit_info fi;
	struct scell *cells = NULL;
	double t0 = time_mono();
	enum eb_err rc;

	memset(out, 0, sizeof *out);
	if (!hp) {
		mastery_params_default(&def);
		hp = &def;
	}
	hs_init(&students.h);
	hs_init(&codes.h);
	arena_init(&students.a);
	arena_init(&codes.a);
	progress_note(progress, ctx, "read", 0, 1);
	int64_t max_id;
	if ((rc = read_events(db, district_id, &students, &codes, &ev, &n, &max_id))) {
		snprintf(err, cap, "reading the district's evidence: %s", eb_strerror(rc));
		goto done;
	}
	progress_note(progress, ctx, "read", 1, 1);
	if (!n) {
		snprintf(err, cap, "no evidence: the district has no responses with a standard yet;"
			 " the previous parameters are kept");
		rc = EB_ENOTFOUND;
		goto done;
	}
	ds.rows = calloc(n, sizeof *ds.rows);
	ds.user_start = calloc(students.n + 1, sizeof *ds.user_start);
	if (!ds.rows || !ds.user_start) {
		rc = EB_ENOMEM;
		snprintf(err, cap, "out of memory");
		goto done;
	}
	ds.n = n;
	ds.nusers = students.n;
	/* events are ordered by student sourcedId, and dense ids follow first
	 * appearance, so each student's rows are contiguous and in time order */
	for (size_t i = 0; i < n; i++) {
		struct kt_response *r = &ds.rows[i];
		r->user = ev[i].student;
		r->item = ev[i].item;
		r->skill[0] = mastery_standard_key(codes.names[ev[i].code]);
		r->nskills = 1;
		r->timestamp = ev[i].at;
		r->line = (uint32_t)(i + 1);
		r->correct = ev[i].correct;
		if (i == 0 || ev[i].student != ev[i - 1].student)
			ds.user_start[ev[i].student] = i;
	}
	ds.user_start[students.n] = n;
	size_t nstd = codes.n;
	progress_note(progress, ctx, "fit", 0, 1);
	double tf = time_mono();
	if ((rc = mastery_fit(&ds, hp, &m, &fi, err, cap)))
		goto done;
	out->fit_seconds = time_mono() - tf;
	out->iterations = fi.iterations;
	progress_note(progress, ctx, "fit", 1, 1);

	if ((rc = db_begin(db))) {
		snprintf(err, cap, "cannot start a transaction");
		goto done;
	}
	if ((rc = store_fit(db, district_id, m, &fi, students.n, nstd, out->fit_seconds,
			    &out->fitted_at)))
		goto rollback;
	struct db_stmt *st;
	if ((rc = db_prepare(db, "DELETE FROM mastery_state WHERE district_id = ?1", &st)))
		goto rollback;
	db_bind_int(st, 1, district_id);
	if ((rc = db_run(st)))
		goto rollback;
	if ((rc = db_prepare(db, "DELETE FROM mastery_student WHERE district_id = ?1", &st)))
		goto rollback;
	db_bind_int(st, 1, district_id);
	if ((rc = db_run(st)))
		goto rollback;
	size_t ccap = 64;
	cells = malloc(ccap * sizeof *cells);
	if (!cells) {
		rc = EB_ENOMEM;
		goto rollback;
	}
	for (size_t u = 0; u < students.n; u++) {
		struct mastery_student_state ss = { 0 };
		size_t nc = 0;
		for (size_t i = ds.user_start[u]; i < ds.user_start[u + 1]; i++) {
			struct scell *c = scell_find(cells, nc, ev[i].code);
			if (!c) {
				if (nc == ccap) {
					struct scell *nn = realloc(cells, ccap * 2 * sizeof *nn);
					if (!nn) {
						rc = EB_ENOMEM;
						goto rollback;
					}
					cells = nn;
					ccap *= 2;
				}
				c = &cells[nc++];
				memset(c, 0, sizeof *c);
				c->code = ev[i].code;
			}
			mastery_cell_observe(m, &ss, &c->c, ds.rows[i].skill[0], ev[i].item, ev[i].tool,
					     ev[i].correct, ev[i].at);
		}
		if ((rc = store_student(db, district_id, m, students.names[u], &codes, &cells, &nc,
					&ccap, &ss, &out->inferred)))
			goto rollback;
		out->cells += nc;
		if ((u & 255) == 0)
			progress_note(progress, ctx, "recompute", u, students.n);
	}
	progress_note(progress, ctx, "recompute", students.n, students.n);
	/* evidence stored while the model was being fitted: read_events saw the
	 * district as of its own snapshot, and this transaction replaced every
	 * state, so those responses are applied now, online, with the new model
	 * (the write lock is held: none can arrive meanwhile) */
	if ((rc = apply_late(db, district_id, max_id, &out->late)))
		goto rollback;
	if ((rc = db_commit(db)))
		goto rollback;
	mastery_cache_clear();
	out->rows = n;
	out->students = students.n;
	out->standards = nstd;
	out->total_seconds = time_mono() - t0;
	goto done;
rollback:
	db_rollback(db);
	if (!err[0])
		snprintf(err, cap, "storing the model and states: %s", eb_strerror(rc));
done:
	free(cells);
	free(ev);
	free(ds.rows);
	free(ds.user_start);
	mastery_free(m);
	codebook_free(&students);
	codebook_free(&codes);
	return rc;
}

enum eb_err mastery_fit_info(struct db *db, int64_t district_id, struct mastery_fit_row *out)
{
	struct db_stmt *st;
	memset(out, 0, sizeof *out);
	enum eb_err rc = db_prepare(db, "SELECT fitted_at, rows, students, standards, iterations,"
				    " fit_seconds, objective FROM mastery_fit WHERE district_id = ?1", &st);
	if (rc)
		return rc;
	db_bind_int(st, 1, district_id);
	int r = db_step(st);
	if (r == DB_ROW) {
		out->fitted_at = db_col_int(st, 0);
		out->rows = db_col_int(st, 1);
		out->students = db_col_int(st, 2);
		out->standards = db_col_int(st, 3);
		out->iterations = db_col_int(st, 4);
		out->fit_seconds = db_col_double(st, 5);
		out->objective = db_col_double(st, 6);
	}
	db_reset(st);
	return r < 0 ? EB_EDB : r == DB_ROW ? EB_OK : EB_ENOTFOUND;
}

/* ---- listings --------------------------------------------------------- */

enum eb_err mastery_student_cells(struct db *db, int64_t district_id, const char *student,
				  struct arena *a, struct mastery_row **out, size_t *n)
{
	struct db_stmt *st;
	*out = NULL;
	*n = 0;
	enum eb_err rc = db_prepare(db, "SELECT standard_code, " CELL_COLS " FROM mastery_state"
				    " WHERE district_id = ?1 AND student_sourced_id = ?2"
				    " ORDER BY inferred, standard_code", &st);
	if (rc)
		return rc;
	db_bind_int(st, 1, district_id);
	db_bind_text(st, 2, student, -1);
	size_t cap = 0;
	struct mastery_row *v = NULL;
	int r;
	while ((r = db_step(st)) == DB_ROW) {
		struct mastery_row *nv = arena_grow(a, v, *n, &cap, sizeof *v, 32);
		if (!nv) {
			db_reset(st);
			return EB_ENOMEM;
		}
		v = nv;
		v[*n].student = student;
		v[*n].standard = arena_strdup(a, db_col_text(st, 0));
		cell_from_row(st, 1, &v[*n].c);
		(*n)++;
	}
	db_reset(st);
	*out = v;
	return r < 0 ? EB_EDB : EB_OK;
}

static const char *col_dup(struct arena *a, struct db_stmt *st, int col)
{
	const char *s = db_col_text(st, col);
	return s ? arena_strdup(a, s) : NULL;
}

enum eb_err mastery_evidence_trail(struct db *db, int64_t district_id, const char *student,
				   int limit, struct arena *a, struct mastery_evidence **out,
				   size_t *n)
{
	struct db_stmt *st;
	if (limit < 1)
		limit = 1;
	if (limit > 1000)
		limit = 1000;
	*n = 0;
	*out = arena_alloc(a, (size_t)limit * sizeof **out);
	if (!*out)
		return EB_ENOMEM;
	enum eb_err rc = db_prepare(db,
		"SELECT coalesce(t.name, 'tool ' || e.tool_id), e.item_id, e.standard_code, e.correct,"
		" e.occurred_at FROM learning_event e LEFT JOIN tool t ON t.id = e.tool_id"
		" AND t.district_id = e.district_id WHERE e.district_id = ?1"
		" AND e.student_sourced_id = ?2 AND e.correct IS NOT NULL AND e.standard_code IS NOT NULL"
		" ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?3", &st);
	if (rc)
		return rc;
	db_bind_int(st, 1, district_id);
	db_bind_text(st, 2, student, -1);
	db_bind_int(st, 3, limit);
	int r;
	while ((r = db_step(st)) == DB_ROW && *n < (size_t)limit) {
		struct mastery_evidence *e = &(*out)[(*n)++];
		e->tool = col_dup(a, st, 0);
		e->item = col_dup(a, st, 1);
		e->standard = col_dup(a, st, 2);
		e->correct = (int)db_col_int(st, 3);
		e->at = db_col_int(st, 4);
	}
	db_reset(st);
	return r < 0 ? EB_EDB : EB_OK;
}

enum eb_err mastery_standard_cells(struct db *db, int64_t district_id, const char *standard,
				   struct arena *a, struct mastery_standard_row **out, size_t *n)
{
	struct db_stmt *st;
	*out = NULL;
	*n = 0;
	enum eb_err rc = db_prepare(db,
		"SELECT m.student_sourced_id, p.org_sourced_ids, p.grades, m.p, m.inferred, m.responses"
		" FROM mastery_state m LEFT JOIN person p ON p.district_id = m.district_id"
		" AND p.sourced_id = m.student_sourced_id"
		" WHERE m.district_id = ?1 AND m.standard_code = ?2", &st);
	if (rc)
		return rc;
	db_bind_int(st, 1, district_id);
	db_bind_text(st, 2, standard, -1);
	size_t cap = 0;
	struct mastery_standard_row *v = NULL;
	int r;
	while ((r = db_step(st)) == DB_ROW) {
		struct mastery_standard_row *nv = arena_grow(a, v, *n, &cap, sizeof *v, 256);
		if (!nv) {
			db_reset(st);
			return EB_ENOMEM;
		}
		v = nv;
		struct mastery_standard_row *w = &v[(*n)++];
		w->student = col_dup(a, st, 0);
		const char *orgs = db_col_text(st, 1);
		if (orgs) {
			size_t len = strcspn(orgs, ",");
			char *s = arena_alloc(a, len + 1);
			if (s) {
				memcpy(s, orgs, len);
				s[len] = '\0';
			}
			w->school = s;
		} else {
			w->school = NULL;
		}
		w->grades = col_dup(a, st, 2);
		w->p = db_col_double(st, 3);
		w->inferred = db_col_int(st, 4) != 0;
		w->responses = (int32_t)db_col_int(st, 5);
	}
	db_reset(st);
	*out = v;
	return r < 0 ? EB_EDB : EB_OK;
}

enum eb_err mastery_standards_of_tool(struct db *db, int64_t district_id, int64_t tool_id,
				      int min_responses, int min_students, size_t cap,
				      struct arena *a, const char **codes, size_t *n)
{
	struct db_stmt *st;
	struct hashset ix;
	size_t ncodes = 0, alloc = 0;
	const char **seen = NULL;
	int32_t *count = NULL;
	*n = 0;
	enum eb_err rc = db_prepare(db,
		"SELECT standard_code, " CELL_COLS " FROM mastery_state"
		" WHERE district_id = ?1 AND inferred = 0 AND responses >= ?2", &st);
	if (rc)
		return rc;
	db_bind_int(st, 1, district_id);
	db_bind_int(st, 2, min_responses);
	hs_init(&ix);
	while (db_step(st) == DB_ROW) {
		struct mastery_cell c;
		cell_from_row(st, 1, &c);
		bool used = false;
		for (int t = 0; t < c.ntools && !used; t++)
			used = c.tools[t].tool_id == tool_id;
		const char *code = db_col_text(st, 0);
		if (!used || !code)
			continue;
		int32_t i;
		if (!hs_get(&ix, str_from(code), &i)) {
			if (ncodes == alloc) {
				size_t na = alloc ? alloc * 2 : 128;
				const char **ns = arena_alloc(a, na * sizeof *ns);
				int32_t *nc = arena_alloc(a, na * sizeof *nc);
				if (!ns || !nc) {
					rc = EB_ENOMEM;
					break;
				}
				if (ncodes) {
					memcpy(ns, seen, ncodes * sizeof *ns);
					memcpy(nc, count, ncodes * sizeof *nc);
				}
				seen = ns;
				count = nc;
				alloc = na;
			}
			seen[ncodes] = arena_strdup(a, code);
			count[ncodes] = 0;
			i = (int32_t)ncodes++;
			if (!seen[i] || hs_set(&ix, str_from(seen[i]), i)) {
				rc = EB_ENOMEM;
				break;
			}
		}
		count[i]++;
	}
	db_reset(st);
	hs_free(&ix);
	if (rc)
		return rc;
	/* pick the most-used standards: selection by repeated maximum (few standards) */
	while (*n < cap) {
		size_t best = ncodes;
		for (size_t i = 0; i < ncodes; i++) {
			if (count[i] < min_students)
				continue;
			if (best == ncodes || count[i] > count[best] ||
			    (count[i] == count[best] && strcmp(seen[i], seen[best]) < 0))
				best = i;
		}
		if (best == ncodes)
			break;
		codes[(*n)++] = seen[best];
		count[best] = -1;
	}
	return EB_OK;
}

enum eb_err mastery_each_cell_of_standard(struct db *db, int64_t district_id, const char *standard,
					  void (*fn)(void *ctx, const char *student,
						     const struct mastery_cell *c),
					  void *ctx)
{
	struct db_stmt *st;
	/* the planner otherwise scans the district's cells for each standard */
	enum eb_err rc = db_prepare(db,
		"SELECT student_sourced_id, " CELL_COLS " FROM mastery_state"
		" INDEXED BY mastery_state_standard WHERE district_id = ?1 AND standard_code = ?2", &st);
	if (rc)
		return rc;
	db_bind_int(st, 1, district_id);
	db_bind_text(st, 2, standard, -1);
	while (db_step(st) == DB_ROW) {
		struct mastery_cell c;
		const char *student = db_col_text(st, 0);
		if (!student)
			continue;
		cell_from_row(st, 1, &c);
		fn(ctx, student, &c);
	}
	db_reset(st);
	return EB_OK;
}
