/* mastery_rows.h - how mastery state is stored: the byte formats of its
 * blobs and the reads and writes of one row (tables of migrations 007 and
 * 014). Shared by the online update (mastery.c), the write-back cache
 * (mastery_cache.c), the refit (mastery_refit.c) and the listings
 * (mastery_views.c); nothing outside the mastery room includes it, except
 * tests. See docs/mastery_store.md, "Stored formats".
 *
 * Every blob starts with one format byte, MASTERY_FORMAT, followed by its
 * fields little-endian (integers two's complement; float/double as their
 * IEEE-754 bits), whatever the host; a list with no entries is stored as an
 * empty blob (nothing to read, so nothing to version; most cells are
 * inferred ones without tools or trend, and the class view reads them all).
 * A decoder takes an empty blob (or SQL NULL) as "nothing stored" (zero
 * state, no tools, no trend, nothing measured) and refuses anything else
 * that is not exactly its format with EB_EPARSE: a stored state is never
 * silently read as zero. */
#ifndef EB_MASTERY_ROWS_H
#define EB_MASTERY_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/mastery.h"

struct db;
struct db_stmt;

#define MASTERY_FORMAT 1 /* the first byte of every mastery blob */

/* mastery_state.skill: format, u16 correct, u16 wrong, u8 hist, u8 nhist,
 * f32 resid, f32 bkt (struct mastery_skill_state without its padding). */
#define MASTERY_SKILL_BYTES 15
/* mastery_student.state: format, u32 correct, u32 wrong, u16 hist, u8 nhist,
 * f32 resid, i32 last_skill, u16 run_len, u16 run_correct. */
#define MASTERY_STUDENT_BYTES 24
/* mastery_state.tools: format, then per tool i64 tool_id, i32 responses,
 * i32 correct (at most MASTERY_MAX_TOOLS). */
#define MASTERY_TOOL_BYTES 16
#define MASTERY_TOOLS_MAX_BYTES (1 + MASTERY_TOOL_BYTES * MASTERY_MAX_TOOLS)
/* mastery_state.trend: format, then one byte per week (P in percent, 0..100,
 * oldest first, at most MASTERY_TREND_WEEKS). */
#define MASTERY_TREND_MAX_BYTES (1 + MASTERY_TREND_WEEKS)
/* mastery_student.measured: format, then per measured catalog standard i32
 * catalog index, f64 P (at most MASTERY_MEASURED_MAX). */
#define MASTERY_MEASURED_ENTRY 12
#define MASTERY_MEASURED_MAX 1024
#define MASTERY_MEASURED_MAX_BYTES (1 + MASTERY_MEASURED_ENTRY * MASTERY_MEASURED_MAX)

/* The P of a student's measured catalog standards (>= MASTERY_MIN_DIRECT
 * responses), in the order they were first measured, kept in its stored
 * form: an online update reads a few entries and sets one, and the list
 * goes back to the row as it is (no decoding and encoding of the whole list
 * per event). */
struct mastery_measured {
	size_t n;			       /* entries */
	uint8_t b[MASTERY_MEASURED_MAX_BYTES]; /* format 1; b[0] set when n > 0 */
};

/* The list's blob is m->b, of this many bytes (0 when empty). */
size_t mastery_measured_len(const struct mastery_measured *m);

/* Sets the P of catalog standard idx (adds it when absent and there is room). */
void mastery_measured_set(struct mastery_measured *m, int32_t idx, double p);
/* The P of catalog standard idx, or -1 when it is not measured. */
double mastery_measured_get(const struct mastery_measured *m, int32_t idx);

/* Encoders write the blob into out (room for the _BYTES / _MAX_BYTES above)
 * and return its length (0 for a list without entries). Decoders read n
 * bytes at b (b may be NULL when n is 0); EB_EPARSE when the bytes are not
 * the format (out is then empty or zero). The measured list's pair copies
 * (its blob is its stored form) and validates. */
size_t mastery_skill_encode(const struct mastery_skill_state *s, uint8_t *out);
enum eb_err mastery_skill_decode(const void *b, size_t n, struct mastery_skill_state *out);
size_t mastery_student_encode(const struct mastery_student_state *s, uint8_t *out);
enum eb_err mastery_student_decode(const void *b, size_t n, struct mastery_student_state *out);
/* The cell's tools / trend (c->ntools, c->tools; c->ntrend, c->trend). */
size_t mastery_tools_encode(const struct mastery_cell *c, uint8_t *out);
enum eb_err mastery_tools_decode(const void *b, size_t n, struct mastery_cell *c);
size_t mastery_trend_encode(const struct mastery_cell *c, uint8_t *out);
enum eb_err mastery_trend_decode(const void *b, size_t n, struct mastery_cell *c);
size_t mastery_measured_encode(const struct mastery_measured *m, uint8_t *out);
enum eb_err mastery_measured_decode(const void *b, size_t n, struct mastery_measured *m);

/* The columns of a stored cell, in the order mastery_cell_read takes them. */
#define MASTERY_CELL_COLS                                                                          \
	"p, sd, responses, correct, tools, first_at, last_at, trend_week, trend, inferred, skill"

/* Reads the cell in columns col .. col + 10 of st's row (MASTERY_CELL_COLS).
 * EB_EPARSE (logged, and made the statement's error for db_done) when a
 * blob is not its format; *c is then zeroed. */
enum eb_err mastery_cell_read(struct db_stmt *st, int col, struct mastery_cell *c);

/* The cell *c as mastery_cell_read would read it back once mastery_cell_write
 * stored it (the blobs' narrower fields: counts, float32 model state). */
void mastery_cell_as_stored(const struct mastery_cell *c, struct mastery_cell *out);

/* Stores a cell: exists says the row is there (UPDATE, which leaves the
 * standard index alone), else INSERT OR REPLACE. The skill state is stored
 * only when the cell has responses (NULL otherwise). EB_EDB, EB_EINVAL (a
 * CHECK: p or sd out of range). */
enum eb_err mastery_cell_write(struct db *db, int64_t district_id, const char *student,
			       const char *standard, const struct mastery_cell *c, bool exists);

/* Stores a student's row: the state and the measured list already encoded
 * (mastery_measured_encode), exists as above. EB_EDB. */
enum eb_err mastery_student_write(struct db *db, int64_t district_id, const char *student,
				  const struct mastery_student_state *s, const uint8_t *measured,
				  size_t measured_len, bool exists);

/* The district's stored model (*out owned by the caller, mastery_free).
 * EB_ENOTFOUND when none is stored; EB_EPARSE (mastery_model_decode), EB_EDB,
 * EB_ENOMEM. */
enum eb_err mastery_model_read(struct db *db, int64_t district_id, struct mastery_model **out);

#endif
