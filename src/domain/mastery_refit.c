/* mastery_refit.c - the nightly refit and the stored fit's facts (see
 * mastery_refit.h). The per-cell rules are mastery.c's (the same
 * mastery_cell_observe the online update uses); the stored form of a row is
 * mastery_rows.c's. */
#include "domain/mastery_refit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/hashset.h"
#include "base/timeutil.h"
#include "domain/frameworks.h"
#include "domain/mastery.h"
#include "domain/mastery_rows.h"
#include "domain/standards.h"
#include "store/db.h"
#include "store/db_rows.h"

#define MAX_LINKS 32 /* prerequisite links read per standard and direction */

struct ev {
	int32_t student; /* dense */
	int32_t code;	 /* dense index into codes */
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
	size_t cap = 4096, k = 0;
	struct ev *v = malloc(cap * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	enum eb_err rc =
		db_query(db,
			 "SELECT student_sourced_id, standard_code, tool_id, item_id, correct, "
			 "occurred_at, id"
			 " FROM learning_event WHERE district_id = ?1 AND correct IS NOT NULL"
			 " AND standard_code IS NOT NULL AND student_sourced_id IS NOT NULL"
			 " ORDER BY student_sourced_id, occurred_at, id",
			 DB_ARGS(DB_INT(d)), &st);
	if (rc) {
		free(v);
		return rc;
	}
	while (db_next(st)) {
		if (k == cap) {
			struct ev *nv = realloc(v, cap * 2 * sizeof *v);
			if (!nv) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			v = nv;
			cap *= 2;
		}
		struct ev *e = &v[k];
		if ((rc = code_id(students, db_col_text(st, 0), &e->student)) ||
		    (rc = code_id(codes, db_col_text(st, 1), &e->code))) {
			db_fail(st, rc);
			break;
		}
		e->tool = db_col_int(st, 2);
		const char *item = db_col_text(st, 3);
		e->item = mastery_item_key(e->tool, item ? item : "");
		e->correct = db_col_int(st, 4) ? 1 : 0;
		e->at = db_col_int(st, 5);
		if (db_col_int(st, 6) > *max_id)
			*max_id = db_col_int(st, 6);
		k++;
	}
	if ((rc = db_done(st))) {
		free(v);
		return rc;
	}
	*out = v;
	*n = k;
	return EB_OK;
}

/* The refit's scratch for one student's measured list (heap: 12 KiB). */
struct refit_scratch {
	struct mastery_measured measured;
};

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

/* The refit's rows not written yet: it has just deleted every state of the
 * district, so each cell and student row is an INSERT, and they go DB_ROWS_MAX
 * to a statement (db_insert_rows) instead of one statement each (on
 * PostgreSQL each statement is parsed, planned and answered by the server
 * apart: most of the refit's time at a district's size). The strings bound
 * are the codebooks' (they outlive the refit), the blobs copied here. */
#define CELL_COLS 14
#define STUDENT_COLS 4
struct pending {
	size_t ncells, nstudents;
	struct db_arg cells[DB_ROWS_MAX * CELL_COLS];
	struct {
		uint8_t tools[MASTERY_TOOLS_MAX_BYTES], trend[MASTERY_TREND_MAX_BYTES],
			skill[MASTERY_SKILL_BYTES];
	} cb[DB_ROWS_MAX];
	struct db_arg students[DB_ROWS_MAX * STUDENT_COLS];
	struct {
		uint8_t state[MASTERY_STUDENT_BYTES], measured[MASTERY_MEASURED_MAX_BYTES];
	} sb[DB_ROWS_MAX];
};

static enum eb_err pending_flush(struct db *db, struct pending *pw)
{
	enum eb_err rc =
		db_insert_rows(db,
			       "INSERT INTO mastery_state (district_id, student_sourced_id,"
			       " standard_code, " MASTERY_CELL_COLS ")",
			       CELL_COLS, pw->cells, pw->ncells);
	pw->ncells = 0;
	if (!rc)
		rc = db_insert_rows(db,
				    "INSERT INTO mastery_student (district_id, student_sourced_id,"
				    " state, measured)",
				    STUDENT_COLS, pw->students, pw->nstudents);
	pw->nstudents = 0;
	return rc;
}

/* mastery_cell_write's INSERT of the cell, kept for pending_flush. */
static enum eb_err pending_cell(struct db *db, struct pending *pw, int64_t d, const char *student,
				const char *standard, const struct mastery_cell *c)
{
	enum eb_err rc;
	if (pw->ncells == DB_ROWS_MAX && (rc = pending_flush(db, pw)))
		return rc;
	size_t k = pw->ncells++;
	size_t ntools = mastery_tools_encode(c, pw->cb[k].tools);
	size_t ntrend = mastery_trend_encode(c, pw->cb[k].trend);
	size_t nskill = c->responses ? mastery_skill_encode(&c->sk, pw->cb[k].skill) : 0;
	const struct db_arg row[CELL_COLS] = {
		DB_INT(d),
		DB_TEXT(student),
		DB_TEXT(standard),
		DB_REAL(c->p),
		DB_REAL(c->sd),
		DB_INT(c->responses),
		DB_INT(c->correct),
		DB_BLOB(pw->cb[k].tools, ntools),
		DB_INT_IF(c->first_at, c->first_at),
		DB_INT_IF(c->last_at, c->last_at),
		DB_INT(c->trend_week),
		DB_BLOB(pw->cb[k].trend, ntrend),
		DB_INT(c->inferred),
		nskill ? DB_BLOB(pw->cb[k].skill, nskill) : DB_NULL,
	};
	memcpy(&pw->cells[k * CELL_COLS], row, sizeof row);
	return EB_OK;
}

/* mastery_student_write's INSERT of the student's row, kept for pending_flush. */
static enum eb_err pending_student(struct db *db, struct pending *pw, int64_t d,
				   const char *student, const struct mastery_student_state *ss,
				   const struct mastery_measured *ms)
{
	enum eb_err rc;
	if (pw->nstudents == DB_ROWS_MAX && (rc = pending_flush(db, pw)))
		return rc;
	size_t k = pw->nstudents++, len = mastery_measured_len(ms);
	size_t nstate = mastery_student_encode(ss, pw->sb[k].state);
	memcpy(pw->sb[k].measured, ms->b, len);
	const struct db_arg row[STUDENT_COLS] = { DB_INT(d), DB_TEXT(student),
						  DB_BLOB(pw->sb[k].state, nstate),
						  DB_BLOB(pw->sb[k].measured, len) };
	memcpy(&pw->students[k * STUDENT_COLS], row, sizeof row);
	return EB_OK;
}

/* Writes one student's recomputed cells, with inferred cells for the
 * neighbours of measured standards. */
static enum eb_err store_student(struct db *db, int64_t d, const struct mastery_model *m,
				 const char *student, struct codebook *codes, struct scell **cellsp,
				 size_t *ncellsp, size_t *capp,
				 const struct mastery_student_state *ss,
				 const struct frameworks_links *links,
				 struct refit_scratch *scratch, struct pending *pw,
				 size_t *ninferred)
{
	/* add neighbour cells of measured standards */
	size_t n0 = *ncellsp;
	for (size_t i = 0; i < n0; i++) {
		if ((*cellsp)[i].c.responses < MASTERY_MIN_DIRECT)
			continue;
		const char *l[MAX_LINKS];
		for (int dir = 0; dir < 2; dir++) {
			size_t nl = frameworks_links_of(links, codes->names[(*cellsp)[i].code], dir,
							l, MAX_LINKS);
			for (size_t j = 0; j < nl; j++) {
				int32_t id;
				enum eb_err rc = code_id(codes, l[j], &id);
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
			const char *l[MAX_LINKS];
			for (int dir = 0; dir < 2; dir++) {
				size_t nl = frameworks_links_of(links, code, dir, l, MAX_LINKS);
				for (size_t j = 0; j < nl; j++) {
					int32_t id;
					struct str k = { l[j], strlen(l[j]) };
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
			mastery_cell_infer(m, c, mastery_standard_key(code), ability, pre, npre,
					   suc, nsuc);
			if (!c->responses)
				(*ninferred)++;
		}
		enum eb_err rc = pending_cell(db, pw, d, student, code, c);
		if (rc)
			return rc;
	}
	struct mastery_measured *ms = &scratch->measured;
	ms->n = 0;
	for (size_t i = 0; i < n; i++) {
		const struct standard *s = cells[i].c.responses >= MASTERY_MIN_DIRECT
						   ? standards_find(codes->names[cells[i].code])
						   : NULL;
		if (s)
			mastery_measured_set(ms, (int32_t)s->index, cells[i].c.p);
	}
	return pending_student(db, pw, d, student, ss, ms);
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
	int64_t now = time_now(), prev = 0;
	rc = db_get_int(db, "SELECT fitted_at FROM mastery_fit WHERE district_id = ?1",
			DB_ARGS(DB_INT(d)), &prev);
	if (rc == EB_ENOTFOUND)
		rc = EB_OK;
	/* strictly increasing: it is what invalidates cached models */
	*fitted_at = now > prev ? now : prev + 1;
	if (!rc)
		rc = db_execute(db,
				"INSERT OR REPLACE INTO mastery_fit (district_id, model, fitted_at,"
				" rows, students, standards, fit_seconds, iterations, objective)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				DB_ARGS(DB_INT(d), DB_BLOB(blob, len), DB_INT(*fitted_at),
					DB_INT(fi->rows), DB_INT(nstudents), DB_INT(nstd),
					DB_REAL(fit_s), DB_INT(fi->iterations),
					DB_REAL(isfinite(fi->objective) ? fi->objective : 0)),
				NULL);
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
	enum eb_err rc = db_query(
		db,
		"SELECT student_sourced_id, standard_code, tool_id, item_id, correct, occurred_at"
		" FROM learning_event WHERE district_id = ?1 AND id > ?2 AND correct IS NOT NULL"
		" AND standard_code IS NOT NULL AND student_sourced_id IS NOT NULL ORDER BY id",
		DB_ARGS(DB_INT(d), DB_INT(max_id)), &st);
	if (!rc) {
		/* read whole before writing: the updates write other tables of the
		 * same connection while this statement would still be stepping */
		while (db_next(st)) {
			struct late *nv = arena_grow(&a, v, n, &cap, sizeof *v, 64);
			if (!nv) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			v = nv;
			v[n] = (struct late){
				.student = db_col_dup(st, 0, &a),
				.code = db_col_dup(st, 1, &a),
				.item = db_col_dup(st, 3, &a),
				.tool = db_col_int(st, 2),
				.at = db_col_int(st, 5),
				.correct = db_col_int(st, 4) ? 1 : 0,
			};
			n++;
		}
		rc = db_done(st); /* EB_ENOMEM when a copy failed */
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = mastery_record(db, d, v[i].student, v[i].code, v[i].tool, v[i].item,
				    v[i].correct, v[i].at);
	*applied = rc ? 0 : n;
	arena_free(&a);
	return rc;
}

/* Each standard's measured estimates in aggregate, for the district ('')
 * and per school (the student's first org, as mastery_standard_cells has
 * it), from the states just stored (table mastery_standard_summary). */
static enum eb_err store_summary(struct db *db, int64_t d)
{
	enum eb_err rc;
	if ((rc = db_execute(db, "DELETE FROM mastery_standard_summary WHERE district_id = ?1",
			     DB_ARGS(DB_INT(d)), NULL)) ||
	    (rc = db_execute(
		     db,
		     "INSERT INTO mastery_standard_summary (district_id, school_sourced_id,"
		     " standard_code, students, not_yet, mean_p)"
		     " SELECT ?1, '', standard_code, count(*),"
		     " sum(CASE WHEN p < (SELECT level_approaching FROM district WHERE id = ?1)"
		     " THEN 1 ELSE 0 END), avg(p)"
		     " FROM mastery_state WHERE district_id = ?1 AND inferred = 0"
		     " GROUP BY standard_code",
		     DB_ARGS(DB_INT(d)), NULL)))
		return rc;
	return db_execute(
		db,
		"INSERT INTO mastery_standard_summary (district_id, school_sourced_id,"
		" standard_code, students, not_yet, mean_p)"
		" SELECT ?1, school, standard_code, count(*),"
		" sum(CASE WHEN p < (SELECT level_approaching FROM district WHERE id = ?1)"
		" THEN 1 ELSE 0 END), avg(p)"
		" FROM (SELECT m.standard_code, m.p, CASE WHEN instr(o.org_sourced_ids, ',') > 0"
		"  THEN substr(o.org_sourced_ids, 1, instr(o.org_sourced_ids, ',') - 1)"
		"  ELSE o.org_sourced_ids END AS school"
		"  FROM mastery_state m JOIN person o ON o.district_id = m.district_id"
		"  AND o.sourced_id = m.student_sourced_id"
		"  WHERE m.district_id = ?1 AND m.inferred = 0)"
		" WHERE school <> '' GROUP BY school, standard_code",
		DB_ARGS(DB_INT(d)), NULL);
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
	struct refit_scratch *scratch = NULL;
	struct pending *pw = NULL;
	double t0 = time_mono();
	bool guard = true; /* the statement guards as the caller had them */
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
	/* the district's prerequisite links, once for the whole refit */
	struct frameworks_links *links = NULL;
	if ((rc = frameworks_links_load(db, district_id, &codes.a, &links))) {
		snprintf(err, cap, "reading the district's prerequisite links: %s",
			 eb_strerror(rc));
		goto done;
	}
	progress_note(progress, ctx, "read", 1, 1);
	if (!n) {
		snprintf(err, cap,
			 "no evidence: the district has no responses with a standard yet;"
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
	/* every write below replaces what the refit owns and any failure rolls
	 * the whole refit back: no savepoint per write, and on PostgreSQL the
	 * cell writes are pipelined (db_set_statement_guard) */
	guard = db_set_statement_guard(db, false);
	if ((rc = store_fit(db, district_id, m, &fi, students.n, nstd, out->fit_seconds,
			    &out->fitted_at)))
		goto rollback;
	if ((rc = db_execute(db, "DELETE FROM mastery_state WHERE district_id = ?1",
			     DB_ARGS(DB_INT(district_id)), NULL)) ||
	    (rc = db_execute(db, "DELETE FROM mastery_student WHERE district_id = ?1",
			     DB_ARGS(DB_INT(district_id)), NULL)))
		goto rollback;
	size_t ccap = 64;
	cells = malloc(ccap * sizeof *cells);
	scratch = malloc(sizeof *scratch);
	pw = calloc(1, sizeof *pw);
	if (!cells || !scratch || !pw) {
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
			mastery_cell_observe(m, &ss, &c->c, ds.rows[i].skill[0], ev[i].item,
					     ev[i].tool, ev[i].correct, ev[i].at);
		}
		if ((rc = store_student(db, district_id, m, students.names[u], &codes, &cells, &nc,
					&ccap, &ss, links, scratch, pw, &out->inferred)))
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
	if ((rc = pending_flush(db, pw)) ||
	    (rc = apply_late(db, district_id, max_id, &out->late)) ||
	    (rc = store_summary(db, district_id)))
		goto rollback;
	rc = db_commit(db);
	db_set_statement_guard(db, guard);
	if (rc)
		goto rollback;
	/* this connection's decoded models are stale: fitted_at moved on */
	mastery_cache_clear(db);
	out->rows = n;
	out->students = students.n;
	out->standards = nstd;
	out->total_seconds = time_mono() - t0;
	goto done;
rollback:
	db_rollback(db);
	db_set_statement_guard(db, guard);
	if (!err[0])
		snprintf(err, cap, "storing the model and states: %s", eb_strerror(rc));
done:
	free(pw);
	free(scratch);
	free(cells);
	free(ev);
	free(ds.rows);
	free(ds.user_start);
	mastery_free(m);
	codebook_free(&students);
	codebook_free(&codes);
	return rc;
}

DB_ROWSPEC(fit_row_spec, struct mastery_fit_row, NULL,
	   DB_FIELD_INT(struct mastery_fit_row, fitted_at),
	   DB_FIELD_INT(struct mastery_fit_row, rows),
	   DB_FIELD_INT(struct mastery_fit_row, students),
	   DB_FIELD_INT(struct mastery_fit_row, standards),
	   DB_FIELD_INT(struct mastery_fit_row, iterations),
	   DB_FIELD_REAL(struct mastery_fit_row, fit_seconds),
	   DB_FIELD_REAL(struct mastery_fit_row, objective));

enum eb_err mastery_fit_info(struct db *db, int64_t district_id, struct mastery_fit_row *out)
{
	memset(out, 0, sizeof *out);
	return db_get_row(db,
			  "SELECT fitted_at, rows, students, standards, iterations, fit_seconds,"
			  " objective FROM mastery_fit WHERE district_id = ?1",
			  DB_ARGS(DB_INT(district_id)), &fit_row_spec, NULL, out);
}
