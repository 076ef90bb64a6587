/* test_mastery.c - the mastery store: levels, storage, online update equal
 * to a recomputation, inferred cells, fit without data, degenerate inputs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/embed.h"
#include "base/rng.h"
#include "domain/activity.h"
#include "domain/district.h"
#include "domain/mastery.h"
#include "domain/mastery_cache.h"
#include "domain/mastery_rows.h"
#include "domain/standards.h"
#include "store/db.h"

struct fx {
	struct db *db;
	int64_t district;
	char path[64];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_mastery_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "Test", &f->district))
		return -1;
	mastery_cache_clear(f->db);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	mastery_cache_clear(f->db);
	db_close(f->db);
	char p[80];
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static void add_student(struct fx *f, const char *sid)
{
	assert_int_equal(db_execute(f->db,
				    "INSERT INTO person (district_id, sourced_id, org_sourced_ids, "
				    "role, given_name,"
				    " family_name, grades) VALUES (?1, ?2, 'school1', 'student', "
				    "'G', 'F', '05')",
				    DB_ARGS(DB_INT(f->district), DB_TEXT(sid)), NULL),
			 EB_OK);
}

/* One evidence event through the real ingest path. */
static void answer(struct fx *f, const char *sid, const char *code, int64_t tool, int item,
		   int correct, int64_t at)
{
	char item_id[32];
	snprintf(item_id, sizeof item_id, "item-%d", item);
	struct learning_event_in ev = {
		.actor_key = sid,
		.match_name = sid,
		.activity_id = item_id,
		.standard_code = code,
		.item_id = item_id,
		.correct = correct,
		.score = -1,
		.duration_s = -1,
		.occurred_at = at,
		.source = "xapi",
	};
	bool q = true;
	assert_int_equal(activity_event_record(f->db, f->district, tool, &ev, &q), EB_OK);
	assert_false(q);
}

static void test_levels(void **state)
{
	(void)state;
	struct district_levels lv = { 0.40, 0.70, 0.90 };
	assert_int_equal(mastery_level_of(&lv, 0.0), MASTERY_NOT_YET);
	assert_int_equal(mastery_level_of(&lv, 0.3999), MASTERY_NOT_YET);
	assert_int_equal(mastery_level_of(&lv, 0.40), MASTERY_APPROACHING);
	assert_int_equal(mastery_level_of(&lv, 0.6999), MASTERY_APPROACHING);
	assert_int_equal(mastery_level_of(&lv, 0.70), MASTERY_PROFICIENT);
	assert_int_equal(mastery_level_of(&lv, 0.90), MASTERY_MASTERED);
	assert_int_equal(mastery_level_of(&lv, 1.0), MASTERY_MASTERED);
	assert_string_equal(mastery_level_name(MASTERY_NOT_YET), "Not yet");
	assert_string_equal(mastery_level_slug(MASTERY_MASTERED), "mastered");
	/* district defaults */
	struct fx *f = *state;
	struct district_levels d;
	assert_int_equal(district_levels(f->db, f->district, &d), EB_OK);
	assert_true(fabs(d.approaching - 0.40) < 1e-9 && fabs(d.mastered - 0.90) < 1e-9);
}

static void test_codecs_and_trend(void **state)
{
	(void)state;
	struct mastery_cell c = { 0 }, d = { 0 };
	struct mastery_student_state ss = { 0 };
	int64_t monday = 1756684800; /* 2025-09-01, a Monday */
	mastery_cell_observe(NULL, &ss, &c, 5, 1, 7, 1, monday + 3600);
	mastery_cell_observe(NULL, &ss, &c, 5, 2, 9, 0, monday + 86400);
	assert_int_equal(c.ntrend, 1); /* same week: one value */
	mastery_cell_observe(NULL, &ss, &c, 5, 3, 7, 1, monday + 3 * 7 * 86400);
	assert_int_equal(c.ntrend, 4); /* two empty weeks carried forward */
	assert_int_equal(c.trend[1], c.trend[0]);
	assert_int_equal(c.trend[2], c.trend[0]);
	assert_int_equal(c.trend[3], (int)lround(c.p * 100));
	assert_int_equal(c.responses, 3);
	assert_int_equal(c.correct, 2);
	assert_int_equal(c.ntools, 2);
	assert_int_equal(c.tools[0].tool_id, 7);
	assert_int_equal(c.tools[0].responses, 2);
	assert_int_equal(c.tools[0].correct, 2);
	assert_int_equal(c.first_at, monday + 3600);
	assert_int_equal(c.last_at, monday + 3 * 7 * 86400);
	char buf[200];
	mastery_tools_format(&c, buf, sizeof buf);
	assert_string_equal(buf, "7:2:2,9:1:0");
	mastery_tools_parse(buf, &d);
	assert_memory_equal(d.tools, c.tools, sizeof c.tools);
	mastery_trend_format(&c, buf, sizeof buf);
	mastery_trend_parse(buf, &d);
	assert_int_equal(d.ntrend, c.ntrend);
	assert_memory_equal(d.trend, c.trend, c.ntrend);
	/* more than 12 weeks: the oldest drop out */
	for (int w = 4; w < 30; w++)
		mastery_cell_observe(NULL, &ss, &c, 5, w, 7, 1, monday + w * 7 * 86400);
	assert_int_equal(c.ntrend, MASTERY_TREND_WEEKS);
	/* garbage text parses to nothing harmful */
	mastery_tools_parse("x:1", &d);
	assert_int_equal(d.ntools, 0);
	mastery_trend_parse("abc", &d);
	assert_int_equal(d.ntrend, 0);
}

static void test_default_update_known_answer(void **state)
{
	(void)state;
	/* with no fitted model, the default BKT step: prior .5, right answer:
	 * post = .5*.9 / (.5*.9 + .5*.2) = .81818; next = post*.98 + (1-post)*.1 */
	struct mastery_cell c = { 0 };
	struct mastery_student_state ss = { 0 };
	mastery_cell_observe(NULL, &ss, &c, 1, 1, 1, 1, 1000);
	double post = 0.45 / (0.45 + 0.1);
	assert_true(fabs(c.p - (post * 0.98 + (1 - post) * 0.1)) < 1e-6);
	assert_true(fabs(c.sd - sqrt(c.p * (1 - c.p) / 4)) < 1e-12);
	assert_false(c.inferred);
}

static void test_storage_roundtrip(void **state)
{
	struct fx *f = *state;
	add_student(f, "s1");
	answer(f, "s1", "5.NF.A.1", 3, 1, 1, 1756684800);
	answer(f, "s1", "5.NF.A.1", 3, 2, 1, 1756684900);
	answer(f, "s1", "5.NF.A.1", 4, 3, 0, 1756685000);
	answer(f, "s1", "5.NF.A.1", 3, 4, 1, 1756685100);
	struct mastery_cell c;
	bool found;
	assert_int_equal(mastery_cell_get(f->db, f->district, "s1", "5.NF.A.1", &c, &found), EB_OK);
	assert_true(found);
	assert_int_equal(c.responses, 4);
	assert_int_equal(c.correct, 3);
	assert_int_equal(c.ntools, 2);
	assert_int_equal(c.sk.correct, 3);
	assert_int_equal(c.sk.wrong, 1);
	assert_false(c.inferred);
	assert_true(c.p > 0.5 && c.p < 1);
	assert_int_equal(c.first_at, 1756684800);
	assert_int_equal(c.last_at, 1756685100);
	assert_true(mastery_p(f->db, f->district, "s1", "5.NF.A.1") == c.p);
	assert_true(mastery_p(f->db, f->district, "s1", "5.NF.A.2") < 0);
	/* usage without evidence does not touch the estimate */
	struct learning_event_in ev = { .actor_key = "s1",
					.match_name = "s1",
					.activity_id = "v1",
					.correct = -1,
					.score = -1,
					.duration_s = 30,
					.occurred_at = 1756686000,
					.source = "caliper" };
	assert_int_equal(activity_event_record(f->db, f->district, 2, &ev, NULL), EB_OK);
	struct mastery_cell c2;
	assert_int_equal(mastery_cell_get(f->db, f->district, "s1", "5.NF.A.1", &c2, &found),
			 EB_OK);
	assert_int_equal(c2.responses, 4);
	struct arena a;
	arena_init(&a);
	struct mastery_evidence *e;
	size_t n;
	assert_int_equal(mastery_evidence_trail(f->db, f->district, "s1", 10, &a, &e, &n), EB_OK);
	assert_int_equal(n, 4);
	assert_string_equal(e[0].item, "item-4");
	assert_int_equal(e[0].at, 1756685100);
	arena_free(&a);
}

static const char *const codes[] = { "5.NF.A.1", "5.NF.A.2", "5.NF.B.3", "4.NF.A.1", "6.RP.A.1" };
#define NCODES (sizeof codes / sizeof codes[0])

/* Simulated students answering through the ingest path, in time order. */
static void simulate(struct fx *f, int first, int nstudents, int per, uint64_t seed, int64_t t0)
{
	struct rng r;
	rng_seed(&r, seed);
	for (int s = first; s < first + nstudents; s++) {
		char sid[16];
		snprintf(sid, sizeof sid, "s%03d", s);
		double ability = rng_normal(&r);
		for (int k = 0; k < per; k++) {
			const char *code = codes[rng_below(&r, NCODES)];
			int item = (int)rng_below(&r, 10);
			double pc = 1 / (1 + exp(-(ability + 0.1 * k - 0.2 * (item % 3))));
			answer(f, sid, code, 1 + item % 2, item, rng_uniform(&r) < pc,
			       t0 + k * 3600);
		}
	}
}

static struct mastery_model *stored_model(struct fx *f)
{
	struct db_stmt *st;
	struct mastery_model *m = NULL;
	assert_int_equal(db_query(f->db, "SELECT model FROM mastery_fit WHERE district_id = ?1",
				  DB_ARGS(DB_INT(f->district)), &st),
			 EB_OK);
	assert_true(db_next(st));
	const void *blob = db_col_blob(st, 0);
	assert_int_equal(mastery_model_decode(blob, (size_t)db_col_bytes(st, 0), &m), EB_OK);
	assert_int_equal(db_done(st), EB_OK);
	return m;
}

static void test_online_equals_recompute(void **state)
{
	struct fx *f = *state;
	char sid[16];
	for (int s = 0; s < 60; s++) {
		snprintf(sid, sizeof sid, "s%03d", s);
		add_student(f, sid);
	}
	int64_t t0 = 1756684800;
	/* batch A before any model: defaults online */
	simulate(f, 0, 40, 30, 11, t0);
	struct mastery_refit_summary sum;
	char err[256] = "";
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	assert_int_equal(sum.rows, 40 * 30);
	assert_int_equal(sum.students, 40);
	assert_true(sum.standards >= NCODES);
	/* batch B online with the stored model: old students continue, new ones
	 * start; one transaction, so the student rows go through the write-back
	 * cache and are written at db_commit */
	assert_int_equal(db_begin(f->db), EB_OK);
	simulate(f, 30, 30, 30, 12, t0 + 40 * 3600);
	assert_int_equal(db_commit(f->db), EB_OK);
	struct mastery_model *m = stored_model(f);
	/* recompute every student from its events in time order */
	struct db_stmt *st;
	assert_int_equal(db_query(f->db,
				  "SELECT student_sourced_id, standard_code, tool_id, item_id,"
				  " correct, occurred_at FROM learning_event WHERE district_id = ?1"
				  " ORDER BY student_sourced_id, occurred_at, id",
				  DB_ARGS(DB_INT(f->district)), &st),
			 EB_OK);
	struct mastery_cell cells[60][NCODES];
	struct mastery_student_state ss[60];
	memset(cells, 0, sizeof cells);
	memset(ss, 0, sizeof ss);
	while (db_next(st)) {
		int s = (int)strtol(db_col_text(st, 0) + 1, NULL, 10);
		size_t k = 0;
		while (k < NCODES && strcmp(codes[k], db_col_text(st, 1)) != 0)
			k++;
		assert_true(k < NCODES);
		int64_t tool = db_col_int(st, 2);
		mastery_cell_observe(m, &ss[s], &cells[s][k], mastery_standard_key(codes[k]),
				     mastery_item_key(tool, db_col_text(st, 3)), tool,
				     (int)db_col_int(st, 4), db_col_int(st, 5));
	}
	assert_int_equal(db_done(st), EB_OK);
	int compared = 0;
	for (int s = 0; s < 60; s++) {
		snprintf(sid, sizeof sid, "s%03d", s);
		for (size_t k = 0; k < NCODES; k++) {
			struct mastery_cell c;
			bool found;
			assert_int_equal(
				mastery_cell_get(f->db, f->district, sid, codes[k], &c, &found),
				EB_OK);
			if (cells[s][k].responses < MASTERY_MIN_DIRECT)
				continue;
			assert_true(found);
			assert_false(c.inferred);
			assert_int_equal(c.responses, cells[s][k].responses);
			assert_int_equal(c.correct, cells[s][k].correct);
			assert_memory_equal(&c.sk, &cells[s][k].sk, sizeof c.sk);
			assert_true(fabs(c.p - cells[s][k].p) < 1e-12);
			assert_int_equal(c.ntrend, cells[s][k].ntrend);
			compared++;
		}
	}
	assert_true(compared > 200);
	/* the stored student state is the recomputed one */
	assert_int_equal(db_query(f->db,
				  "SELECT student_sourced_id, state FROM mastery_student"
				  " WHERE district_id = ?1",
				  DB_ARGS(DB_INT(f->district)), &st),
			 EB_OK);
	int nstudents = 0;
	while (db_next(st)) {
		int s = (int)strtol(db_col_text(st, 0) + 1, NULL, 10);
		uint8_t want[MASTERY_STUDENT_BYTES];
		struct mastery_student_state got;
		const void *stored = db_col_blob(st, 1);
		assert_int_equal(db_col_bytes(st, 1), (int)mastery_student_encode(&ss[s], want));
		assert_memory_equal(stored, want, sizeof want);
		assert_int_equal(mastery_student_decode(stored, sizeof want, &got), EB_OK);
		assert_memory_equal(&got, &ss[s], sizeof ss[s]);
		nstudents++;
	}
	assert_int_equal(db_done(st), EB_OK);
	assert_int_equal(nstudents, 60);
	mastery_free(m);
	/* a second refit bumps fitted_at so cached models are reloaded */
	struct mastery_fit_row a, b;
	assert_int_equal(mastery_fit_info(f->db, f->district, &a), EB_OK);
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	assert_int_equal(mastery_fit_info(f->db, f->district, &b), EB_OK);
	assert_true(b.fitted_at > a.fitted_at);
	assert_int_equal(b.rows, 40 * 30 + 30 * 30);
}

/* Evidence stored by another connection while the refit fits its model
 * (after it read the district, before it wrote the states) is not lost: the
 * refit applies it online with the new model before it commits. */
struct late_ctx {
	struct fx *f;
	int sent;
};

static void send_late(void *arg, const char *phase, size_t done, size_t total)
{
	struct late_ctx *lc = arg;
	(void)total;
	if (strcmp(phase, "fit") || done != 0 || lc->sent)
		return;
	struct db *other;
	assert_int_equal(db_open(lc->f->path, 0, &other, NULL, 0), EB_OK);
	for (int k = 0; k < 5; k++) {
		struct learning_event_in ev = {
			.actor_key = "s000",
			.match_name = "s000",
			.activity_id = "late-item",
			.standard_code = codes[0],
			.item_id = "late-item",
			.correct = 1,
			.score = -1,
			.duration_s = -1,
			.occurred_at = 1756684800 + 90 * 86400 + k,
			.source = "xapi",
		};
		bool q = true;
		assert_int_equal(activity_event_record(other, lc->f->district, 1, &ev, &q), EB_OK);
		assert_false(q);
		lc->sent++;
	}
	db_close(other);
}

static void test_refit_keeps_late_evidence(void **state)
{
	struct fx *f = *state;
	char sid[16];
	for (int s = 0; s < 30; s++) {
		snprintf(sid, sizeof sid, "s%03d", s);
		add_student(f, sid);
	}
	simulate(f, 0, 30, 30, 21, 1756684800);
	struct mastery_refit_summary sum;
	char err[256] = "";
	struct late_ctx lc = { f, 0 };
	assert_int_equal(
		mastery_refit(f->db, f->district, NULL, send_late, &lc, &sum, err, sizeof err),
		EB_OK);
	assert_int_equal(lc.sent, 5);
	assert_int_equal(sum.rows, 30 * 30); /* fitted on what it read */
	assert_int_equal(sum.late, 5);
	struct db_stmt *st;
	assert_int_equal(db_query(f->db,
				  "SELECT count(*), sum(correct) FROM learning_event"
				  " WHERE district_id = ?1 AND student_sourced_id = 's000'"
				  " AND standard_code = ?2",
				  DB_ARGS(DB_INT(f->district), DB_TEXT(codes[0])), &st),
			 EB_OK);
	assert_true(db_next(st));
	int64_t stored = db_col_int(st, 0), right = db_col_int(st, 1);
	assert_int_equal(db_done(st), EB_OK);
	struct mastery_cell c;
	bool found;
	assert_int_equal(mastery_cell_get(f->db, f->district, "s000", codes[0], &c, &found), EB_OK);
	assert_true(found);
	assert_int_equal(c.responses, stored);
	assert_int_equal(c.correct, right);
	/* a refit with nothing new applies nothing late */
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	assert_int_equal(sum.late, 0);
	assert_int_equal(sum.rows, 30 * 30 + 5);
	assert_int_equal(mastery_cell_get(f->db, f->district, "s000", codes[0], &c, &found), EB_OK);
	assert_int_equal(c.responses, stored);
}

static int64_t student_rows(struct fx *f)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->db,
				    "SELECT count(*) FROM mastery_student WHERE district_id = ?1",
				    DB_ARGS(DB_INT(f->district)), &n),
			 EB_OK);
	return n;
}

/* Inside a transaction the student row is written at db_commit; a rollback
 * or a COMMIT that bypasses db_commit loses nothing that was acknowledged. */
static void test_student_row_write_back(void **state)
{
	struct fx *f = *state;
	add_student(f, "s000");
	add_student(f, "s001");
	/* rolled back: neither the cell nor the student row */
	assert_int_equal(db_begin(f->db), EB_OK);
	answer(f, "s000", codes[0], 1, 1, 1, 1756684800);
	db_rollback(f->db);
	assert_true(mastery_p(f->db, f->district, "s000", codes[0]) < 0);
	assert_int_equal(student_rows(f), 0);
	/* a COMMIT not through db_commit while the row is pending: rolled back */
	assert_int_equal(db_begin(f->db), EB_OK);
	answer(f, "s000", codes[0], 1, 1, 1, 1756684800);
	assert_int_not_equal(db_exec(f->db, "COMMIT"), EB_OK);
	db_rollback(f->db);
	assert_true(mastery_p(f->db, f->district, "s000", codes[0]) < 0);
	assert_int_equal(student_rows(f), 0);
	/* committed: both students' rows, the second update of s000 included */
	assert_int_equal(db_begin(f->db), EB_OK);
	answer(f, "s000", codes[0], 1, 1, 1, 1756684800);
	answer(f, "s001", codes[0], 1, 1, 0, 1756684800);
	answer(f, "s000", codes[0], 1, 2, 1, 1756684900);
	assert_int_equal(db_commit(f->db), EB_OK);
	assert_int_equal(student_rows(f), 2);
	struct mastery_cell c;
	bool found;
	assert_int_equal(mastery_cell_get(f->db, f->district, "s000", codes[0], &c, &found), EB_OK);
	assert_true(found);
	assert_int_equal(c.responses, 2);
	/* the next transaction reads the committed row (cache emptied at commit) */
	assert_int_equal(db_begin(f->db), EB_OK);
	answer(f, "s000", codes[0], 1, 3, 1, 1756685000);
	assert_int_equal(db_commit(f->db), EB_OK);
	assert_int_equal(mastery_cell_get(f->db, f->district, "s000", codes[0], &c, &found), EB_OK);
	assert_int_equal(c.responses, 3);
	assert_false(c.inferred);
	/* many students in one transaction (the cache grows): every row stored,
	 * and the same state as one event per transaction */
	char sid[16];
	for (int s = 100; s < 300; s++) {
		snprintf(sid, sizeof sid, "s%03d", s);
		add_student(f, sid);
	}
	assert_int_equal(db_begin(f->db), EB_OK);
	for (int k = 0; k < 3; k++)
		for (int s = 100; s < 200; s++) {
			snprintf(sid, sizeof sid, "s%03d", s);
			answer(f, sid, codes[k % NCODES], 1, k, (s + k) % 2, 1756685000 + k);
		}
	assert_int_equal(db_commit(f->db), EB_OK);
	for (int k = 0; k < 3; k++)
		for (int s = 200; s < 300; s++) {
			snprintf(sid, sizeof sid, "s%03d", s);
			answer(f, sid, codes[k % NCODES], 1, k, (s + k) % 2, 1756685000 + k);
		}
	assert_int_equal(student_rows(f), 2 + 200);
	struct db_stmt *st;
	assert_int_equal(
		db_query(f->db,
			 "SELECT a.state = b.state AND a.measured = b.measured"
			 " FROM mastery_student a JOIN mastery_student b"
			 " ON b.district_id = a.district_id AND b.student_sourced_id ="
			 " 's' || (CAST(substr(a.student_sourced_id, 2) AS INTEGER) + 100)"
			 " WHERE a.district_id = ?1 AND a.student_sourced_id BETWEEN 's100'"
			 " AND 's199'",
			 DB_ARGS(DB_INT(f->district)), &st),
		EB_OK);
	int same = 0;
	while (db_next(st)) {
		assert_int_equal(db_col_int(st, 0), 1);
		same++;
	}
	assert_int_equal(db_done(st), EB_OK);
	assert_int_equal(same, 100);
}

static void test_no_data_keeps_params(void **state)
{
	struct fx *f = *state;
	struct mastery_refit_summary sum;
	char err[256] = "";
	struct mastery_fit_row info;
	assert_int_equal(mastery_fit_info(f->db, f->district, &info), EB_ENOTFOUND);
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_ENOTFOUND);
	assert_non_null(strstr(err, "no evidence"));
	assert_int_equal(mastery_fit_info(f->db, f->district, &info), EB_ENOTFOUND);
	/* fit once, then remove the evidence: the refit keeps the stored model */
	for (int s = 0; s < 10; s++) {
		char sid[16];
		snprintf(sid, sizeof sid, "s%03d", s);
		add_student(f, sid);
	}
	simulate(f, 0, 10, 10, 3, 1756684800);
	err[0] = '\0';
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	struct mastery_fit_row before, after;
	assert_int_equal(mastery_fit_info(f->db, f->district, &before), EB_OK);
	assert_int_equal(db_exec(f->db, "DELETE FROM learning_event"), EB_OK);
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_ENOTFOUND);
	assert_int_equal(mastery_fit_info(f->db, f->district, &after), EB_OK);
	assert_int_equal(after.fitted_at, before.fitted_at);
	assert_int_equal(after.rows, 100);
	assert_true(mastery_p(f->db, f->district, "s000", codes[0]) >= 0 ||
		    mastery_p(f->db, f->district, "s000", codes[1]) >= 0);
}

/* A standard of grade 5 with at least one prerequisite and one successor in
 * the coherence map. */
static const struct standard *linked(const struct standard **pre, const struct standard **suc)
{
	for (size_t i = 0; i < standards_count(); i++) {
		const struct standard *s = standards_at(i), *p[8], *q[8];
		if (s->kind != STANDARD_STANDARD || s->grade != 5)
			continue;
		if (standards_prereqs(s, p, 8) && standards_successors(s, q, 8)) {
			*pre = p[0];
			*suc = q[0];
			return s;
		}
	}
	return NULL;
}

static void test_inferred(void **state)
{
	struct fx *f = *state;
	const struct standard *pre = NULL, *suc = NULL, *s = linked(&pre, &suc);
	assert_non_null(s);
	add_student(f, "a");
	add_student(f, "b");
	int64_t t = 1756684800;
	/* a masters s (8 right answers): its prerequisite is implied */
	for (int i = 0; i < 8; i++)
		answer(f, "a", s->code, 1, i, 1, t + i * 60);
	struct mastery_refit_summary sum;
	char err[256] = "";
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	struct mastery_cell cs, cp, cn;
	bool found;
	assert_int_equal(mastery_cell_get(f->db, f->district, "a", s->code, &cs, &found), EB_OK);
	assert_true(found);
	assert_false(cs.inferred);
	assert_int_equal(mastery_cell_get(f->db, f->district, "a", pre->code, &cp, &found), EB_OK);
	assert_true(found);
	assert_true(cp.inferred);
	assert_int_equal(cp.responses, 0);
	assert_true(cp.p >= 0.9 * cs.p - 1e-9);
	assert_true(sum.inferred >= 1);
	/* the successor borrows from s: halfway from its prior to s's P */
	assert_int_equal(mastery_cell_get(f->db, f->district, "a", suc->code, &cn, &found), EB_OK);
	assert_true(found && cn.inferred);
	/* online: one answer on the prerequisite stays inferred (thin evidence) */
	answer(f, "a", pre->code, 1, 99, 0, t + 3600);
	assert_int_equal(mastery_cell_get(f->db, f->district, "a", pre->code, &cp, &found), EB_OK);
	assert_true(cp.inferred);
	assert_int_equal(cp.responses, 1);
	assert_true(cp.p >= 0.9 * cs.p - 1e-9);
	/* b has nothing: no cell at all, never a made-up measurement */
	assert_true(mastery_p(f->db, f->district, "b", pre->code) < 0);
	/* the rule itself */
	double pr[] = { 0.8 }, sc[] = { 0.95 };
	assert_true(fabs(mastery_infer(0.4, pr, 1, NULL, 0) - 0.6) < 1e-12);
	assert_true(fabs(mastery_infer(0.4, NULL, 0, sc, 1) - 0.855) < 1e-12);
	assert_true(fabs(mastery_infer(0.4, NULL, 0, NULL, 0) - 0.4) < 1e-12);
}

static void test_degenerate(void **state)
{
	struct fx *f = *state;
	add_student(f, "one");
	add_student(f, "right");
	add_student(f, "wrong");
	int64_t t = 1756684800;
	answer(f, "one", "3.OA.A.1", 1, 1, 1, t);
	for (int i = 0; i < 12; i++) {
		answer(f, "right", "3.OA.A.1", 1, i, 1, t + i);
		answer(f, "wrong", "3.OA.A.1", 1, i, 0, t + i);
	}
	/* a code outside the catalog is stored and estimated, with no neighbours */
	answer(f, "right", "3.ZZ.A.9", 1, 1, 1, t + 100);
	struct mastery_refit_summary sum;
	char err[256] = "";
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	double pr = mastery_p(f->db, f->district, "right", "3.OA.A.1");
	double pw = mastery_p(f->db, f->district, "wrong", "3.OA.A.1");
	double po = mastery_p(f->db, f->district, "one", "3.OA.A.1");
	assert_true(pr > 0.9 && pr <= 1);
	assert_true(pw >= 0 && pw < 0.2);
	assert_true(po > pw && po < pr);
	assert_true(mastery_p(f->db, f->district, "right", "3.ZZ.A.9") >= 0);
	/* refit is idempotent on the same data */
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	assert_true(fabs(mastery_p(f->db, f->district, "right", "3.OA.A.1") - pr) < 1e-12);
	/* the item keys are stable and tool-scoped */
	assert_int_equal(mastery_item_key(1, "x"), mastery_item_key(1, "x"));
	assert_true(mastery_item_key(1, "x") != mastery_item_key(2, "x"));
	assert_true(mastery_item_key(1, "x") >= 0);
	assert_true(mastery_standard_key("3.ZZ.A.9") >= (1 << 24));
	assert_int_equal(mastery_standard_key("3.OA.A.1"),
			 (int32_t)standards_find("3.OA.A.1")->index);
}

/* A student's cells: measured ones first, then inferred, each by code: the
 * order of ORDER BY inferred, standard_code (read without SQLite's sort). */
static void test_student_cells_order(void **state)
{
	struct fx *f = *state;
	const struct standard *pre = NULL, *suc = NULL, *s = linked(&pre, &suc);
	assert_non_null(s);
	char sid[16];
	for (int k = 0; k < 12; k++) {
		snprintf(sid, sizeof sid, "s%03d", k);
		add_student(f, sid);
	}
	simulate(f, 0, 12, 40, 7, 1756684800);
	for (int i = 0; i < 6; i++)
		answer(f, "s000", s->code, 1, i, 1, 1756784800 + i);
	struct mastery_refit_summary sum;
	char err[256] = "";
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	assert_true(sum.inferred > 0);
	int both = 0;
	for (int k = 0; k < 12; k++) {
		snprintf(sid, sizeof sid, "s%03d", k);
		struct arena a;
		arena_init(&a);
		struct mastery_row *rows;
		size_t n, i = 0, measured = 0;
		assert_int_equal(mastery_student_cells(f->db, f->district, sid, &a, &rows, &n),
				 EB_OK);
		struct db_stmt *st;
		assert_int_equal(db_query(f->db,
					  "SELECT standard_code, inferred FROM mastery_state"
					  " WHERE district_id = ?1 AND student_sourced_id = ?2"
					  " ORDER BY inferred, standard_code",
					  DB_ARGS(DB_INT(f->district), DB_TEXT(sid)), &st),
				 EB_OK);
		while (db_next(st)) {
			assert_true(i < n);
			assert_string_equal(rows[i].standard, db_col_text(st, 0));
			assert_string_equal(rows[i].student, sid);
			assert_int_equal(rows[i].c.inferred, db_col_int(st, 1) != 0);
			measured += !rows[i].c.inferred;
			struct mastery_cell c;
			bool found;
			assert_int_equal(mastery_cell_get(f->db, f->district, sid, rows[i].standard,
							  &c, &found),
					 EB_OK);
			assert_memory_equal(&c, &rows[i].c, sizeof c);
			i++;
		}
		assert_int_equal(db_done(st), EB_OK);
		assert_int_equal(i, n);
		both += measured > 0 && measured < n;
		arena_free(&a);
	}
	assert_true(both > 0);
}

/* ---- stored formats (mastery_rows.h) ----------------------------------- */

/* Hex text to bytes (the fixtures below). */
static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (; h[0] && h[1] && n < cap; h += 2) {
		unsigned v;
		assert_int_equal(sscanf(h, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

/* Committed fixtures of format 1: decoded they are the values below, and
 * the values encode to exactly these bytes, on any host. */
static const char fixture_skill[] = "01"
				    "0201"
				    "0403"
				    "a5"
				    "07"
				    "0000c0bf"
				    "0000403f";
static const char fixture_student[] = "01"
				      "04030201"
				      "05000000"
				      "efbe"
				      "10"
				      "00000040"
				      "feffffff"
				      "0300"
				      "0200";
static const char fixture_tools[] = "01"
				    "0700000000000000"
				    "02000000"
				    "02000000"
				    "0807060504030201"
				    "03000000"
				    "01000000";
static const char fixture_trend[] = "01"
				    "28"
				    "2d"
				    "34";
static const char fixture_measured[] = "01"
				       "05000000"
				       "000000000000e03f"
				       "2c010000"
				       "000000000000ec3f";

static void test_stored_formats_fixture(void **state)
{
	(void)state;
	uint8_t b[256], e[MASTERY_MEASURED_MAX_BYTES];
	size_t n;

	struct mastery_skill_state sk, skw = { .correct = 0x0102,
					       .wrong = 0x0304,
					       .hist = 0xa5,
					       .nhist = 7,
					       .resid = -1.5f,
					       .bkt = 0.75f };
	n = unhex(fixture_skill, b, sizeof b);
	assert_int_equal(n, MASTERY_SKILL_BYTES);
	assert_int_equal(mastery_skill_decode(b, n, &sk), EB_OK);
	assert_memory_equal(&sk, &skw, sizeof sk);
	assert_int_equal(mastery_skill_encode(&skw, e), n);
	assert_memory_equal(e, b, n);

	struct mastery_student_state ss, ssw = { .correct = 0x01020304,
						 .wrong = 5,
						 .hist = 0xbeef,
						 .nhist = 16,
						 .resid = 2.0f,
						 .last_skill = -2,
						 .run_len = 3,
						 .run_correct = 2 };
	n = unhex(fixture_student, b, sizeof b);
	assert_int_equal(n, MASTERY_STUDENT_BYTES);
	assert_int_equal(mastery_student_decode(b, n, &ss), EB_OK);
	assert_memory_equal(&ss, &ssw, sizeof ss);
	assert_int_equal(mastery_student_encode(&ssw, e), n);
	assert_memory_equal(e, b, n);

	struct mastery_cell c = { 0 }, cw = { .ntools = 2, .ntrend = 3, .trend = { 40, 45, 52 } };
	cw.tools[0] = (struct mastery_tool_count){ 7, 2, 2 };
	cw.tools[1] = (struct mastery_tool_count){ 0x0102030405060708ll, 3, 1 };
	n = unhex(fixture_tools, b, sizeof b);
	assert_int_equal(mastery_tools_decode(b, n, &c), EB_OK);
	assert_int_equal(c.ntools, 2);
	assert_memory_equal(c.tools, cw.tools, sizeof c.tools);
	assert_int_equal(mastery_tools_encode(&cw, e), n);
	assert_memory_equal(e, b, n);
	n = unhex(fixture_trend, b, sizeof b);
	assert_int_equal(mastery_trend_decode(b, n, &c), EB_OK);
	assert_int_equal(c.ntrend, 3);
	assert_memory_equal(c.trend, cw.trend, 3);
	assert_int_equal(mastery_trend_encode(&cw, e), n);
	assert_memory_equal(e, b, n);

	struct mastery_measured *m = calloc(1, sizeof *m), *mw = calloc(1, sizeof *mw);
	assert_non_null(m);
	assert_non_null(mw);
	mastery_measured_set(mw, 5, 0.5);
	mastery_measured_set(mw, 300, 0.875);
	n = unhex(fixture_measured, b, sizeof b);
	assert_int_equal(mastery_measured_decode(b, n, m), EB_OK);
	assert_int_equal(m->n, 2);
	assert_true(mastery_measured_get(m, 5) == 0.5 && mastery_measured_get(m, 300) == 0.875);
	assert_true(mastery_measured_get(m, 6) < 0);
	assert_int_equal(mastery_measured_encode(mw, e), n);
	assert_memory_equal(e, b, n);

	/* a list without entries is stored as nothing at all (format 1's byte
	 * alone reads as empty too) */
	struct mastery_cell none = { 0 };
	assert_int_equal(mastery_tools_encode(&none, e), 0);
	assert_int_equal(mastery_trend_encode(&none, e), 0);
	m->n = 0;
	assert_int_equal(mastery_measured_encode(m, e), 0);
	b[0] = MASTERY_FORMAT;
	assert_int_equal(mastery_tools_decode(b, 1, &c), EB_OK);
	assert_int_equal(c.ntools, 0);
	/* nothing stored reads as zero; anything not format 1 is refused */
	assert_int_equal(mastery_skill_decode(NULL, 0, &sk), EB_OK);
	assert_int_equal(sk.correct + sk.wrong, 0);
	assert_int_equal(mastery_measured_decode(NULL, 0, m), EB_OK);
	assert_int_equal(m->n, 0);
	n = unhex(fixture_skill, b, sizeof b);
	b[0] = 2; /* a later format */
	assert_int_equal(mastery_skill_decode(b, n, &sk), EB_EPARSE);
	b[0] = MASTERY_FORMAT;
	assert_int_equal(mastery_skill_decode(b, n - 1, &sk), EB_EPARSE);
	assert_int_equal(mastery_skill_decode(b, 16, &sk), EB_EPARSE); /* the old struct's size */
	n = unhex(fixture_student, b, sizeof b);
	assert_int_equal(mastery_student_decode(b + 1, n - 1, &ss), EB_EPARSE);
	n = unhex(fixture_tools, b, sizeof b);
	assert_int_equal(mastery_tools_decode(b, n - 3, &c), EB_EPARSE);
	assert_int_equal(mastery_tools_decode(b + 1, n - 1, &c), EB_EPARSE);
	n = unhex(fixture_trend, b, sizeof b);
	b[2] = 101; /* a percent above 100 */
	assert_int_equal(mastery_trend_decode(b, n, &c), EB_EPARSE);
	n = unhex(fixture_measured, b, sizeof b);
	assert_int_equal(mastery_measured_decode(b, n - 1, m), EB_EPARSE);
	free(m);
	free(mw);
}

/* A stored blob that is not its format is an error, never a silent zero
 * (before format 1 a wrong-sized state read as a new student's). */
static void test_corrupt_state_is_an_error(void **state)
{
	struct fx *f = *state;
	add_student(f, "s1");
	for (int i = 0; i < 4; i++)
		answer(f, "s1", "5.NF.A.1", 3, i, 1, 1756684800 + i);
	struct mastery_cell c;
	bool found;
	assert_int_equal(mastery_cell_get(f->db, f->district, "s1", "5.NF.A.1", &c, &found), EB_OK);
	assert_true(found && c.responses == 4 && c.sk.correct == 4);
	/* the skill state of another (older) layout */
	assert_int_equal(db_exec(f->db, "UPDATE mastery_state SET skill = zeroblob(16)"), EB_OK);
	assert_int_equal(mastery_cell_get(f->db, f->district, "s1", "5.NF.A.1", &c, &found),
			 EB_EPARSE);
	assert_int_equal(
		mastery_record(f->db, f->district, "s1", "5.NF.A.1", 3, "x", 1, 1756690000),
		EB_EPARSE);
	/* a student state of a later format */
	assert_int_equal(db_exec(f->db, "UPDATE mastery_state SET skill = NULL"), EB_OK);
	assert_int_equal(db_exec(f->db, "UPDATE mastery_student"
					" SET state = CAST(X'02' || substr(state, 2) AS BLOB)"),
			 EB_OK);
	assert_int_equal(
		mastery_record(f->db, f->district, "s1", "5.NF.A.1", 3, "x", 1, 1756690000),
		EB_EPARSE);
	assert_int_equal(mastery_cell_get(f->db, f->district, "s1", "5.NF.A.1", &c, &found), EB_OK);
	assert_int_equal(c.responses, 4); /* nothing was applied */
}

/* Migration 014 converts the host-layout blobs of 007 (written on a
 * little-endian machine) into format 1 with the same values, and the
 * online update goes on from them exactly as it would have. */
static void test_migration_014_converts(void **state)
{
	struct fx *f = *state;
	const uint16_t one = 1;
	uint8_t le;
	memcpy(&le, &one, 1);
	if (!le) {
		printf("skipped: the old blobs were little-endian host layout\n");
		return;
	}
	/* the tables as 007 made them, and a database at schema 13 */
	const struct embed_file *m007 = embed_find("src/store/migrations/007_mastery.sql");
	assert_non_null(m007);
	assert_int_equal(db_exec(f->db, "DROP TABLE mastery_state; DROP TABLE mastery_student;"
					" DROP TABLE mastery_fit;"
					" DELETE FROM schema_version WHERE version = 14"),
			 EB_OK);
	assert_int_equal(db_exec(f->db, m007->data), EB_OK);
	/* old rows: what the old code wrote (memcpy of the structs) */
	struct mastery_cell c0 = { 0 };
	struct mastery_student_state ss0 = { 0 };
	int64_t t = 1756684800;
	const char *code = "5.NF.A.1";
	int32_t key = mastery_standard_key(code);
	for (int i = 0; i < 5; i++)
		mastery_cell_observe(NULL, &ss0, &c0, key, mastery_item_key(3 + i % 2, "q"),
				     3 + i % 2, i % 3 != 0, t + i * 7 * 86400);
	assert_int_equal(c0.ntools, 2);
	assert_true(c0.ntrend > 1);
	uint8_t meas[24];
	int32_t idx[2] = { (int32_t)standards_find(code)->index, 7 };
	double mp[2] = { c0.p, 0.25 };
	for (int i = 0; i < 2; i++) {
		memcpy(meas + 12 * i, &idx[i], 4);
		memcpy(meas + 12 * i + 4, &mp[i], 8);
	}
	assert_int_equal(
		db_execute(f->db,
			   "INSERT INTO mastery_state (district_id, student_sourced_id, "
			   "standard_code, p, sd,"
			   " responses, correct, tools, first_at, last_at, trend_week, trend, "
			   "inferred, skill)"
			   " VALUES (?1, 's1', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12)",
			   DB_ARGS(DB_INT(f->district), DB_TEXT(code), DB_REAL(c0.p),
				   DB_REAL(c0.sd), DB_INT(c0.responses), DB_INT(c0.correct),
				   DB_BLOB(c0.tools, c0.ntools * sizeof c0.tools[0]),
				   DB_INT(c0.first_at), DB_INT(c0.last_at), DB_INT(c0.trend_week),
				   DB_BLOB(c0.trend, c0.ntrend), DB_BLOB(&c0.sk, sizeof c0.sk)),
			   NULL),
		EB_OK);
	/* a cell whose blobs the old reader refused (it read them as empty) */
	assert_int_equal(
		db_execute(f->db,
			   "INSERT INTO mastery_state (district_id, student_sourced_id, "
			   "standard_code, p, sd,"
			   " responses, correct, tools, first_at, last_at, trend_week, trend, "
			   "inferred, skill)"
			   " VALUES (?1, 's1', '5.NF.A.2', 0.5, 0.2, 0, 0, X'0102', NULL, NULL, 0,"
			   " zeroblob(13), 1, X'00')",
			   DB_ARGS(DB_INT(f->district)), NULL),
		EB_OK);
	assert_int_equal(db_execute(f->db,
				    "INSERT INTO mastery_student (district_id, student_sourced_id, "
				    "state, measured)"
				    " VALUES (?1, 's1', ?2, ?3), (?1, 's2', X'00', X'00')",
				    DB_ARGS(DB_INT(f->district), DB_BLOB(&ss0, sizeof ss0),
					    DB_BLOB(meas, sizeof meas)),
				    NULL),
			 EB_OK);
	db_close(f->db);
	char err[256] = "";
	assert_int_equal(db_open(f->path, 0, &f->db, err, sizeof err), EB_OK);
	assert_int_equal(db_schema_version(f->db) >= 14, true);

	struct mastery_cell c;
	bool found;
	assert_int_equal(mastery_cell_get(f->db, f->district, "s1", code, &c, &found), EB_OK);
	assert_true(found);
	assert_memory_equal(&c, &c0, sizeof c);
	assert_int_equal(mastery_cell_get(f->db, f->district, "s1", "5.NF.A.2", &c, &found), EB_OK);
	assert_true(found && c.inferred && !c.ntools && !c.ntrend && !c.sk.correct);
	struct db_stmt *st;
	assert_int_equal(db_query(f->db,
				  "SELECT student_sourced_id, state, measured FROM"
				  " mastery_student WHERE district_id = ?1 ORDER BY 1",
				  DB_ARGS(DB_INT(f->district)), &st),
			 EB_OK);
	struct mastery_measured *ms = calloc(1, sizeof *ms);
	assert_non_null(ms);
	int rows = 0;
	while (db_next(st)) {
		struct mastery_student_state ss;
		const void *b = db_col_blob(st, 1);
		size_t n = (size_t)db_col_bytes(st, 1);
		assert_int_equal(mastery_student_decode(b, n, &ss), EB_OK);
		b = db_col_blob(st, 2);
		n = (size_t)db_col_bytes(st, 2);
		assert_int_equal(mastery_measured_decode(b, n, ms), EB_OK);
		if (rows++ == 0) {
			assert_memory_equal(&ss, &ss0, sizeof ss);
			assert_int_equal(ms->n, 2);
			assert_true(mastery_measured_get(ms, idx[0]) == mp[0]);
			assert_true(mastery_measured_get(ms, 7) == 0.25);
		} else {
			assert_int_equal(ss.correct + ss.wrong, 0);
			assert_int_equal(ms->n, 0);
		}
	}
	assert_int_equal(db_done(st), EB_OK);
	assert_int_equal(rows, 2);
	free(ms);
	/* the next update continues from the converted state */
	add_student(f, "s1");
	answer(f, "s1", code, 4, 9, 1, t + 9 * 7 * 86400);
	mastery_cell_observe(NULL, &ss0, &c0, key, mastery_item_key(4, "item-9"), 4, 1,
			     t + 9 * 7 * 86400);
	assert_int_equal(mastery_cell_get(f->db, f->district, "s1", code, &c, &found), EB_OK);
	assert_memory_equal(&c, &c0, sizeof c);
}

/* The update's context belongs to its connection: made at the first update,
 * never shared with another connection (not even one that reuses a closed
 * connection's memory), freed with it. */
static void test_context_per_connection(void **state)
{
	struct fx *f = *state;
	assert_null(mastery_ctx_find(f->db));
	add_student(f, "s1");
	answer(f, "s1", codes[0], 1, 1, 1, 1756684800);
	struct mastery_ctx *mc = mastery_ctx_find(f->db), *again;
	assert_non_null(mc);
	assert_int_equal(mastery_ctx_of(f->db, &again), EB_OK);
	assert_ptr_equal(again, mc);
	assert_ptr_equal(mc->db, f->db);
	struct db *other;
	assert_int_equal(db_open(f->path, 0, &other, NULL, 0), EB_OK);
	assert_null(mastery_ctx_find(other));
	assert_int_equal(mastery_ctx_of(other, &again), EB_OK);
	assert_true(again != mc && again->db == other);
	db_close(other); /* frees its context (ASan: no leak) */
}

/* Decodes the first database's model through a connection closed at once,
 * then updates a cell of the second through a new connection: the update
 * must use the second database's model. */
static void update_through_new_connections(const char *path1, const char *path2, int64_t d)
{
	struct db *a, *b;
	assert_int_equal(db_open(path1, 0, &a, NULL, 0), EB_OK);
	assert_int_equal(mastery_record(a, d, "s000", codes[0], 1, "item-1", 1, 1756784800), EB_OK);
	db_close(a);
	assert_int_equal(db_open(path2, 0, &b, NULL, 0), EB_OK);
	struct db_stmt *st;
	struct mastery_model *m = NULL;
	assert_int_equal(db_query(b, "SELECT model FROM mastery_fit WHERE district_id = ?1",
				  DB_ARGS(DB_INT(d)), &st),
			 EB_OK);
	assert_true(db_next(st));
	const void *blob = db_col_blob(st, 0);
	assert_int_equal(mastery_model_decode(blob, (size_t)db_col_bytes(st, 0), &m), EB_OK);
	assert_int_equal(db_done(st), EB_OK);
	struct mastery_student_state ss = { 0 };
	assert_int_equal(db_query(b,
				  "SELECT state FROM mastery_student WHERE district_id = ?1"
				  " AND student_sourced_id = 's001'",
				  DB_ARGS(DB_INT(d)), &st),
			 EB_OK);
	assert_true(db_next(st));
	blob = db_col_blob(st, 0);
	assert_int_equal(mastery_student_decode(blob, (size_t)db_col_bytes(st, 0), &ss), EB_OK);
	assert_int_equal(db_done(st), EB_OK);
	struct mastery_cell want, got;
	bool found;
	assert_int_equal(mastery_cell_get(b, d, "s001", codes[1], &want, &found), EB_OK);
	assert_true(found && want.responses >= MASTERY_MIN_DIRECT);
	assert_int_equal(mastery_record(b, d, "s001", codes[1], 1, "item-1", 1, 1756784800), EB_OK);
	assert_int_equal(mastery_cell_get(b, d, "s001", codes[1], &got, &found), EB_OK);
	/* what the second database's own model gives */
	mastery_cell_observe(m, &ss, &want, mastery_standard_key(codes[1]),
			     mastery_item_key(1, "item-1"), 1, 1, 1756784800);
	assert_true(fabs(got.p - want.p) < 1e-12);
	assert_memory_equal(&got.sk, &want.sk, sizeof got.sk);
	mastery_free(m);
	db_close(b);
}

/* Two databases whose district 1 has a model with the same fitted_at: a
 * connection to the second never uses the model decoded through a closed
 * connection to the first (the old thread-local cache was keyed by the
 * connection's address, which the allocator hands out again). */
static void test_model_cache_not_shared_across_connections(void **state)
{
	struct fx *f = *state;
	char path2[64];
	snprintf(path2, sizeof path2, "/tmp/test_mastery2_XXXXXX");
	int fd = mkstemp(path2);
	close(fd);
	unlink(path2);
	struct db *db2;
	int64_t d2;
	assert_int_equal(db_open(path2, DB_OPEN_CREATE, &db2, NULL, 0), EB_OK);
	assert_int_equal(district_create(db2, "Other", &d2), EB_OK);
	assert_int_equal(d2, f->district);
	struct fx f2 = { db2, d2, "" };
	char sid[16];
	for (int s = 0; s < 20; s++) {
		snprintf(sid, sizeof sid, "s%03d", s);
		add_student(f, sid);
		add_student(&f2, sid);
	}
	/* two different models: strong students in one, weak in the other */
	simulate(f, 0, 20, 20, 5, 1756684800);
	for (int s = 0; s < 20; s++) {
		snprintf(sid, sizeof sid, "s%03d", s);
		for (int k = 0; k < 20; k++)
			answer(&f2, sid, codes[k % NCODES], 1 + k % 2, k % 10, k % 4 == 0,
			       1756684800 + k * 3600);
	}
	struct mastery_refit_summary sum;
	char err[256] = "";
	assert_int_equal(mastery_refit(f->db, f->district, NULL, NULL, NULL, &sum, err, sizeof err),
			 EB_OK);
	assert_int_equal(mastery_refit(db2, d2, NULL, NULL, NULL, &sum, err, sizeof err), EB_OK);
	assert_int_equal(db_exec(f->db, "UPDATE mastery_fit SET fitted_at = 1234567"), EB_OK);
	assert_int_equal(db_exec(db2, "UPDATE mastery_fit SET fitted_at = 1234567"), EB_OK);
	db_close(db2);
	/* a few rounds: the allocator often gives b the memory of a */
	for (int round = 0; round < 4; round++)
		update_through_new_connections(f->path, path2, f->district);
	unlink(path2);
	char p[80];
	snprintf(p, sizeof p, "%s-wal", path2);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path2);
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
		cmocka_unit_test(test_codecs_and_trend),
		cmocka_unit_test(test_default_update_known_answer),
		cmocka_unit_test_setup_teardown(test_storage_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_online_equals_recompute, setup, teardown),
		cmocka_unit_test_setup_teardown(test_student_row_write_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refit_keeps_late_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_data_keeps_params, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inferred, setup, teardown),
		cmocka_unit_test_setup_teardown(test_degenerate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_student_cells_order, setup, teardown),
		cmocka_unit_test(test_stored_formats_fixture),
		cmocka_unit_test_setup_teardown(test_corrupt_state_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migration_014_converts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_context_per_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_cache_not_shared_across_connections,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
