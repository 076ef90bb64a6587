/* mastery_rows.c - the stored form of mastery state (see mastery_rows.h). */
#include "domain/mastery_rows.h"

#include <string.h>

#include "base/log.h"
#include "store/db.h"

/* ---- little-endian fields -------------------------------------------- */

/* One load or store on a little-endian host (the hot path of every online
 * update decodes and encodes the student's measured list), swapped on a
 * big-endian one. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LE16(v) __builtin_bswap16(v)
#define LE32(v) __builtin_bswap32(v)
#define LE64(v) __builtin_bswap64(v)
#else
#define LE16(v) (v)
#define LE32(v) (v)
#define LE64(v) (v)
#endif

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	uint16_t le = LE16(v);
	memcpy(p, &le, sizeof le);
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	uint32_t le = LE32(v);
	memcpy(p, &le, sizeof le);
	return p + 4;
}

static uint8_t *put64(uint8_t *p, uint64_t v)
{
	uint64_t le = LE64(v);
	memcpy(p, &le, sizeof le);
	return p + 8;
}

static uint8_t *putf32(uint8_t *p, float f)
{
	uint32_t v;
	memcpy(&v, &f, sizeof v);
	return put32(p, v);
}

static uint8_t *putf64(uint8_t *p, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof v);
	return put64(p, v);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof v);
	return LE16(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return LE32(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return LE64(v);
}

static float getf32(const uint8_t *p)
{
	uint32_t v = get32(p);
	float f;
	memcpy(&f, &v, sizeof f);
	return f;
}

static double getf64(const uint8_t *p)
{
	uint64_t v = get64(p);
	double d;
	memcpy(&d, &v, sizeof d);
	return d;
}

/* The entries of a list blob: n bytes at b are the format byte and whole
 * entries of size each, at most max. -1 when they are not. */
static long list_count(const uint8_t *b, size_t n, size_t size, size_t max)
{
	if (n < 1 || b[0] != MASTERY_FORMAT || (n - 1) % size || (n - 1) / size > max)
		return -1;
	return (long)((n - 1) / size);
}

/* ---- the blobs -------------------------------------------------------- */

size_t mastery_skill_encode(const struct mastery_skill_state *s, uint8_t *out)
{
	uint8_t *p = out;
	*p++ = MASTERY_FORMAT;
	p = put16(p, s->correct);
	p = put16(p, s->wrong);
	*p++ = s->hist;
	*p++ = s->nhist;
	p = putf32(p, s->resid);
	p = putf32(p, s->bkt);
	return (size_t)(p - out);
}

/* The decoders' bodies write into a zeroed *out and check everything
 * before they write, so *out stays zeroed on an error (mastery_cell_read
 * zeroes the whole cell once). */
static enum eb_err skill_get(const uint8_t *p, size_t n, struct mastery_skill_state *out)
{
	if (!n)
		return EB_OK;
	if (n != MASTERY_SKILL_BYTES || p[0] != MASTERY_FORMAT)
		return EB_EPARSE;
	out->correct = get16(p + 1);
	out->wrong = get16(p + 3);
	out->hist = p[5];
	out->nhist = p[6];
	out->resid = getf32(p + 7);
	out->bkt = getf32(p + 11);
	return EB_OK;
}

enum eb_err mastery_skill_decode(const void *b, size_t n, struct mastery_skill_state *out)
{
	memset(out, 0, sizeof *out);
	return skill_get(b, n, out);
}

size_t mastery_student_encode(const struct mastery_student_state *s, uint8_t *out)
{
	uint8_t *p = out;
	*p++ = MASTERY_FORMAT;
	p = put32(p, s->correct);
	p = put32(p, s->wrong);
	p = put16(p, s->hist);
	*p++ = s->nhist;
	p = putf32(p, s->resid);
	p = put32(p, (uint32_t)s->last_skill);
	p = put16(p, s->run_len);
	p = put16(p, s->run_correct);
	return (size_t)(p - out);
}

enum eb_err mastery_student_decode(const void *b, size_t n, struct mastery_student_state *out)
{
	const uint8_t *p = b;
	memset(out, 0, sizeof *out);
	if (!n)
		return EB_OK;
	if (n != MASTERY_STUDENT_BYTES || p[0] != MASTERY_FORMAT)
		return EB_EPARSE;
	out->correct = get32(p + 1);
	out->wrong = get32(p + 5);
	out->hist = get16(p + 9);
	out->nhist = p[11];
	out->resid = getf32(p + 12);
	out->last_skill = (int32_t)get32(p + 16);
	out->run_len = get16(p + 20);
	out->run_correct = get16(p + 22);
	return EB_OK;
}

size_t mastery_tools_encode(const struct mastery_cell *c, uint8_t *out)
{
	uint8_t *p = out;
	if (!c->ntools)
		return 0;
	*p++ = MASTERY_FORMAT;
	for (int i = 0; i < c->ntools && i < MASTERY_MAX_TOOLS; i++) {
		p = put64(p, (uint64_t)c->tools[i].tool_id);
		p = put32(p, (uint32_t)c->tools[i].responses);
		p = put32(p, (uint32_t)c->tools[i].correct);
	}
	return (size_t)(p - out);
}

static enum eb_err tools_get(const uint8_t *p, size_t n, struct mastery_cell *c)
{
	if (!n)
		return EB_OK;
	long k = list_count(p, n, MASTERY_TOOL_BYTES, MASTERY_MAX_TOOLS);
	if (k < 0)
		return EB_EPARSE;
	for (long i = 0; i < k; i++) {
		const uint8_t *e = p + 1 + i * MASTERY_TOOL_BYTES;
		c->tools[i].tool_id = (int64_t)get64(e);
		c->tools[i].responses = (int32_t)get32(e + 8);
		c->tools[i].correct = (int32_t)get32(e + 12);
	}
	c->ntools = (uint8_t)k;
	return EB_OK;
}

enum eb_err mastery_tools_decode(const void *b, size_t n, struct mastery_cell *c)
{
	c->ntools = 0;
	memset(c->tools, 0, sizeof c->tools);
	return tools_get(b, n, c);
}

size_t mastery_trend_encode(const struct mastery_cell *c, uint8_t *out)
{
	size_t n = c->ntrend < MASTERY_TREND_WEEKS ? c->ntrend : MASTERY_TREND_WEEKS;
	if (!n)
		return 0;
	out[0] = MASTERY_FORMAT;
	memcpy(out + 1, c->trend, n);
	return 1 + n;
}

static enum eb_err trend_get(const uint8_t *p, size_t n, struct mastery_cell *c)
{
	if (!n)
		return EB_OK;
	long k = list_count(p, n, 1, MASTERY_TREND_WEEKS);
	if (k < 0)
		return EB_EPARSE;
	for (long i = 0; i < k; i++)
		if (p[1 + i] > 100)
			return EB_EPARSE;
	memcpy(c->trend, p + 1, (size_t)k);
	c->ntrend = (uint8_t)k;
	return EB_OK;
}

enum eb_err mastery_trend_decode(const void *b, size_t n, struct mastery_cell *c)
{
	c->ntrend = 0;
	memset(c->trend, 0, sizeof c->trend);
	return trend_get(b, n, c);
}

size_t mastery_measured_len(const struct mastery_measured *m)
{
	return m->n ? 1 + m->n * MASTERY_MEASURED_ENTRY : 0;
}

size_t mastery_measured_encode(const struct mastery_measured *m, uint8_t *out)
{
	size_t len = mastery_measured_len(m);
	memcpy(out, m->b, len);
	return len;
}

enum eb_err mastery_measured_decode(const void *b, size_t n, struct mastery_measured *m)
{
	m->n = 0;
	if (!n)
		return EB_OK;
	long k = list_count(b, n, MASTERY_MEASURED_ENTRY, MASTERY_MEASURED_MAX);
	if (k < 0)
		return EB_EPARSE;
	memcpy(m->b, b, n);
	m->n = (size_t)k;
	return EB_OK;
}

void mastery_measured_set(struct mastery_measured *m, int32_t idx, double p)
{
	uint8_t *e = m->b + 1;
	for (size_t i = 0; i < m->n; i++, e += MASTERY_MEASURED_ENTRY)
		if ((int32_t)get32(e) == idx) {
			putf64(e + 4, p);
			return;
		}
	if (m->n < MASTERY_MEASURED_MAX) {
		m->b[0] = MASTERY_FORMAT;
		putf64(put32(e, (uint32_t)idx), p);
		m->n++;
	}
}

double mastery_measured_get(const struct mastery_measured *m, int32_t idx)
{
	const uint8_t *e = m->b + 1;
	for (size_t i = 0; i < m->n; i++, e += MASTERY_MEASURED_ENTRY)
		if ((int32_t)get32(e) == idx)
			return getf64(e + 4);
	return -1;
}

/* ---- rows ------------------------------------------------------------- */

enum eb_err mastery_cell_read(struct db_stmt *st, int col, struct mastery_cell *c)
{
	memset(c, 0, sizeof *c);
	c->p = db_col_double(st, col);
	c->sd = db_col_double(st, col + 1);
	c->responses = (int32_t)db_col_int(st, col + 2);
	c->correct = (int32_t)db_col_int(st, col + 3);
	c->first_at = db_col_int(st, col + 5);
	c->last_at = db_col_int(st, col + 6);
	c->trend_week = (int32_t)db_col_int(st, col + 7);
	c->inferred = db_col_int(st, col + 9) != 0;
	/* the columns are STRICT BLOBs: their byte counts convert nothing, and
	 * an empty one (or NULL) needs no pointer */
	int n = db_col_bytes(st, col + 4);
	enum eb_err rc = tools_get(n ? db_col_blob(st, col + 4) : NULL, (size_t)n, c);
	if (!rc && (n = db_col_bytes(st, col + 8)))
		rc = trend_get(db_col_blob(st, col + 8), (size_t)n, c);
	if (!rc && (n = db_col_bytes(st, col + 10)))
		rc = skill_get(db_col_blob(st, col + 10), (size_t)n, &c->sk);
	if (rc) {
		log_error("mastery: a stored cell (tools, trend or skill) is not format %d",
			  MASTERY_FORMAT);
		memset(c, 0, sizeof *c);
		db_fail(st, rc);
	}
	return rc;
}

void mastery_cell_as_stored(const struct mastery_cell *c, struct mastery_cell *out)
{
	uint8_t tools[MASTERY_TOOLS_MAX_BYTES], trend[MASTERY_TREND_MAX_BYTES];
	uint8_t skill[MASTERY_SKILL_BYTES] = { 0 };
	size_t ntools = mastery_tools_encode(c, tools), ntrend = mastery_trend_encode(c, trend);
	size_t nskill = c->responses ? mastery_skill_encode(&c->sk, skill) : 0;
	struct mastery_cell x;
	memset(&x, 0, sizeof x);
	x.p = c->p;
	x.sd = c->sd;
	x.responses = c->responses;
	x.correct = c->correct;
	x.first_at = c->first_at;
	x.last_at = c->last_at;
	x.trend_week = c->trend_week;
	x.inferred = c->inferred;
	/* the encoders wrote what the getters take: no error to meet */
	(void)tools_get(tools, ntools, &x);
	(void)trend_get(trend, ntrend, &x);
	(void)skill_get(skill, nskill, &x.sk);
	*out = x;
}

enum eb_err mastery_cell_write(struct db *db, int64_t district_id, const char *student,
			       const char *standard, const struct mastery_cell *c, bool exists)
{
	uint8_t tools[MASTERY_TOOLS_MAX_BYTES], trend[MASTERY_TREND_MAX_BYTES];
	uint8_t skill[MASTERY_SKILL_BYTES];
	size_t ntools = mastery_tools_encode(c, tools), ntrend = mastery_trend_encode(c, trend);
	size_t nskill = c->responses ? mastery_skill_encode(&c->sk, skill) : 0;
	const char *sql =
		exists ? "UPDATE mastery_state SET p = ?4, sd = ?5, responses = ?6, correct = ?7,"
			 " tools = ?8, first_at = ?9, last_at = ?10, trend_week = ?11, trend = ?12,"
			 " inferred = ?13, skill = ?14 WHERE district_id = ?1"
			 " AND student_sourced_id = ?2 AND standard_code = ?3"
		       : "INSERT OR REPLACE INTO mastery_state (district_id, student_sourced_id,"
			 " standard_code, " MASTERY_CELL_COLS
			 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
			 " ?9, ?10, ?11, ?12, ?13, ?14)";
	return db_execute(db, sql,
			  DB_ARGS(DB_INT(district_id), DB_TEXT(student), DB_TEXT(standard),
				  DB_REAL(c->p), DB_REAL(c->sd), DB_INT(c->responses),
				  DB_INT(c->correct), DB_BLOB(tools, ntools),
				  DB_INT_IF(c->first_at, c->first_at),
				  DB_INT_IF(c->last_at, c->last_at), DB_INT(c->trend_week),
				  DB_BLOB(trend, ntrend), DB_INT(c->inferred),
				  nskill ? DB_BLOB(skill, nskill) : DB_NULL),
			  NULL);
}

enum eb_err mastery_student_write(struct db *db, int64_t district_id, const char *student,
				  const struct mastery_student_state *s, const uint8_t *measured,
				  size_t measured_len, bool exists)
{
	uint8_t state[MASTERY_STUDENT_BYTES];
	size_t nstate = mastery_student_encode(s, state);
	const char *sql = exists ? "UPDATE mastery_student SET state = ?3, measured = ?4"
				   " WHERE district_id = ?1 AND student_sourced_id = ?2"
				 : "INSERT OR REPLACE INTO mastery_student (district_id, "
				   "student_sourced_id, state,"
				   " measured) VALUES (?1, ?2, ?3, ?4)";
	return db_execute(db, sql,
			  DB_ARGS(DB_INT(district_id), DB_TEXT(student), DB_BLOB(state, nstate),
				  DB_BLOB(measured, measured_len)),
			  NULL);
}

enum eb_err mastery_model_read(struct db *db, int64_t district_id, struct mastery_model **out)
{
	struct db_stmt *st;
	*out = NULL;
	enum eb_err rc = db_query(db, "SELECT model FROM mastery_fit WHERE district_id = ?1",
				  DB_ARGS(DB_INT(district_id)), &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found) {
		const void *b = db_col_blob(st, 0);
		size_t n = (size_t)db_col_bytes(st, 0);
		if ((rc = mastery_model_decode(b, n, out)))
			db_fail(st, rc);
	}
	rc = db_done(st);
	if (rc) {
		mastery_free(*out);
		*out = NULL;
		return rc;
	}
	return found ? EB_OK : EB_ENOTFOUND;
}
