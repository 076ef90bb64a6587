/* activity.c - storage and matching of learning data (see activity.h). */
#include "domain/activity.h"
#include "domain/mastery.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/timeutil.h"
#include "domain/frameworks.h"
#include "domain/mastery_rows.h"
#include "domain/standards.h"
#include "store/db.h"
#include "store/db_rows.h"

/* ---- tallies: what each tool has sent (migration 010) ------------------ */

/* The tool page reads tool_day, tool_total and tool_student instead of
 * scanning a tool's events. Inserts are counted here, in memory, and added
 * to those rows once per transaction (db_before_commit), not once per row:
 * an ingest transaction holds hundreds of events of a handful of (tool, day)
 * pairs. Deletes are counted by the triggers of migration 010; a delete path
 * first writes what is pending (tally_flush), so that a row inserted and
 * deleted in one transaction (a statement voided in its own batch) nets to
 * zero. One tally per connection (thread-local slots keyed by it); with no
 * transaction, or no free slot, each count is written at once. */
#define TALLY_MAX 32
#define TALLY_SLOTS 2
/* Counts of one (district, tool, day); day NO_DAY holds tool totals only. */
#define NO_DAY INT64_MIN
struct tally_entry {
	int64_t d, tool, day;
	int64_t events, quarantined;	   /* -> tool_day */
	int64_t statements, caliper, last; /* -> tool_total */
};
struct tally {
	struct db *db; /* NULL: free; else registered for its open transaction */
	int n;
	struct tally_entry e[TALLY_MAX];
};
static _Thread_local struct tally tallies[TALLY_SLOTS];

static enum eb_err put_day(struct db *db, int64_t d, int64_t tool, int64_t day, int64_t events,
			   int64_t quarantined)
{
	return db_execute(
		db,
		"INSERT INTO tool_day (district_id, tool_id, day, events, quarantined)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET"
		" events = events + excluded.events, quarantined = quarantined + "
		"excluded.quarantined",
		DB_ARGS(DB_INT(d), DB_INT(tool), DB_INT(day), DB_INT(events), DB_INT(quarantined)),
		NULL);
}

static enum eb_err put_total(struct db *db, int64_t d, int64_t tool, int64_t statements,
			     int64_t caliper, int64_t last)
{
	return db_execute(
		db,
		"INSERT INTO tool_total (district_id, tool_id, statements, caliper_events,"
		" last_received) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE SET"
		" statements = statements + excluded.statements,"
		" caliper_events = caliper_events + excluded.caliper_events,"
		" last_received = max(last_received, excluded.last_received)",
		DB_ARGS(DB_INT(d), DB_INT(tool), DB_INT(statements), DB_INT(caliper), DB_INT(last)),
		NULL);
}

/* Adds one entry's counts to the summary rows. */
static enum eb_err put_entry(struct db *db, const struct tally_entry *x)
{
	enum eb_err rc = EB_OK;
	if (x->events || x->quarantined)
		rc = put_day(db, x->d, x->tool, x->day, x->events, x->quarantined);
	if (!rc && (x->statements || x->caliper || x->last))
		rc = put_total(db, x->d, x->tool, x->statements, x->caliper, x->last);
	return rc;
}

/* Writes and empties t (it stays registered). */
static enum eb_err tally_write(struct db *db, struct tally *t)
{
	enum eb_err rc = EB_OK;
	for (int i = 0; i < t->n && !rc; i++)
		rc = put_entry(db, &t->e[i]);
	t->n = 0;
	return rc;
}

static enum eb_err tally_commit(struct db *db, void *ctx)
{
	struct tally *t = ctx;
	enum eb_err rc = tally_write(db, t);
	t->db = NULL;
	return rc;
}

static void tally_rollback(void *ctx)
{
	struct tally *t = ctx;
	t->n = 0;
	t->db = NULL;
}

/* The connection's tally for its open transaction; NULL: write through. */
static struct tally *tally_of(struct db *db)
{
	struct tally *free_slot = NULL;
	for (int i = 0; i < TALLY_SLOTS; i++) {
		if (tallies[i].db == db)
			return &tallies[i];
		if (!tallies[i].db && !free_slot)
			free_slot = &tallies[i];
	}
	if (!free_slot || !db_in_transaction(db) ||
	    db_before_commit(db, tally_commit, tally_rollback, free_slot))
		return NULL;
	free_slot->db = db;
	free_slot->n = 0;
	return free_slot;
}

/* Counts delta (its d, tool and day name the entry) in the transaction's
 * tally, or writes it at once when there is none. */
static enum eb_err tally_add(struct db *db, const struct tally_entry *delta)
{
	struct tally *t = tally_of(db);
	if (!t)
		return put_entry(db, delta);
	int i = 0;
	while (i < t->n &&
	       !(t->e[i].day == delta->day && t->e[i].tool == delta->tool && t->e[i].d == delta->d))
		i++;
	if (i == TALLY_MAX) {
		enum eb_err rc = tally_write(db, t);
		if (rc)
			return rc;
		i = 0;
	}
	if (i == t->n) {
		t->e[t->n++] = *delta;
		return EB_OK;
	}
	struct tally_entry *x = &t->e[i];
	x->events += delta->events;
	x->quarantined += delta->quarantined;
	x->statements += delta->statements;
	x->caliper += delta->caliper;
	if (delta->last > x->last)
		x->last = delta->last;
	return EB_OK;
}

/* An event stored (or quarantined) that occurred at occurred_at. */
static enum eb_err tally_day(struct db *db, int64_t d, int64_t tool, int64_t occurred_at,
			     bool quarantined)
{
	struct tally_entry x = { .d = d,
				 .tool = tool,
				 .day = occurred_at / 86400, /* as SQLite */
				 .events = !quarantined,
				 .quarantined = quarantined };
	return tally_add(db, &x);
}

/* Statements, Caliper events or a quarantined event received at received. */
static enum eb_err tally_tool(struct db *db, int64_t d, int64_t tool, int statements, int caliper,
			      int64_t received)
{
	struct tally_entry x = { .d = d,
				 .tool = tool,
				 .day = NO_DAY,
				 .statements = statements,
				 .caliper = caliper,
				 .last = received };
	return tally_add(db, &x);
}

/* Writes what the connection's transaction has pending (before a delete). */
static enum eb_err tally_flush(struct db *db)
{
	for (int i = 0; i < TALLY_SLOTS; i++)
		if (tallies[i].db == db)
			return tally_write(db, &tallies[i]);
	return EB_OK;
}

/* ---- statements ------------------------------------------------------- */

enum eb_err activity_statement_find(struct db *db, int64_t district_id, int64_t tool_id,
				    const char *id, bool *found, char hash_out[65],
				    bool *is_voiding)
{
	struct db_stmt *st;
	*found = false;
	enum eb_err rc =
		db_query(db,
			 "SELECT lower(hex(content_hash)), voids_id IS NOT NULL FROM xapi_statement"
			 " WHERE district_id = ?1 AND tool_id = ?2 AND id = ?3",
			 DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(id)), &st);
	if (rc)
		return rc;
	if (db_next(st)) {
		*found = true;
		if (hash_out)
			db_col_copy(st, 0, hash_out, 65);
		if (is_voiding)
			*is_voiding = db_col_int(st, 1) != 0;
	}
	return db_done(st);
}

/* Appends s to the JSON array being built in b ("[" first, "]" last). */
static void json_list_add(struct buf *b, const char *s)
{
	struct jv v = jv_string(s);
	if (b->len > 1)
		buf_putc(b, ',');
	jv_dump(&v, b);
}

enum eb_err activity_statements_find(struct db *db, int64_t district_id, int64_t tool_id,
				     struct activity_found *f, size_t n)
{
	struct buf ids = BUF_INIT;
	buf_putc(&ids, '[');
	for (size_t i = 0; i < n; i++) {
		f[i].found = f[i].voiding = f[i].voided_by = false;
		f[i].hash[0] = '\0';
		json_list_add(&ids, f[i].id);
	}
	buf_putc(&ids, ']');
	enum eb_err rc = buf_failed(&ids) ? EB_ENOMEM : EB_OK;
	struct db_stmt *st = NULL;
	if (!rc && n)
		rc = db_query(
			db,
			"SELECT id, lower(hex(content_hash)), voids_id IS NOT NULL"
			" FROM xapi_statement WHERE district_id = ?1 AND tool_id = ?2"
			" AND id IN (SELECT value FROM json_each(?3))",
			DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(buf_cstr(&ids))),
			&st);
	if (!rc && n) {
		while (db_next(st)) {
			const char *id = db_col_text(st, 0);
			for (size_t i = 0; id && i < n; i++)
				if (!strcmp(f[i].id, id)) {
					f[i].found = true;
					db_col_copy(st, 1, f[i].hash, sizeof f[i].hash);
					f[i].voiding = db_col_int(st, 2) != 0;
				}
		}
		rc = db_done(st);
	}
	if (!rc && n)
		rc = db_query(
			db,
			"SELECT DISTINCT voids_id FROM xapi_statement WHERE district_id = ?1"
			" AND tool_id = ?2 AND voids_id IN (SELECT value FROM json_each(?3))",
			DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(buf_cstr(&ids))),
			&st);
	if (!rc && n) {
		while (db_next(st)) {
			const char *id = db_col_text(st, 0);
			for (size_t i = 0; id && i < n; i++)
				if (!strcmp(f[i].id, id))
					f[i].voided_by = true;
		}
		rc = db_done(st);
	}
	buf_free(&ids);
	return rc;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A kept statement row (activity_stmts_keep): its columns, then its refs
 * (refs[ref0 .. ref0 + nrefs) of the batch). */
struct kept_stmt {
	const char *id, *json, *voids_id, *verb, *registration, *target_id;
	unsigned char hash[32];
	int64_t stored_ms, seq;
	int voided;
	size_t ref0, nrefs;
};

struct kept_ref {
	const char *kind, *key;
	int related;
};

struct activity_stmts {
	int64_t district_id, tool_id;
	struct arena a; /* the kept strings, until the batch is flushed */
	struct kept_stmt *s;
	size_t n, cap;
	struct kept_ref *r;
	size_t nr, rcap;
	struct db_arg *args; /* the arguments of one statement */
	size_t nargs;
};

struct activity_stmts *activity_stmts_new(int64_t district_id, int64_t tool_id)
{
	struct activity_stmts *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->district_id = district_id;
	b->tool_id = tool_id;
	arena_init(&b->a);
	return b;
}

void activity_stmts_free(struct activity_stmts *b)
{
	if (!b)
		return;
	arena_free(&b->a);
	free(b->s);
	free(b->r);
	free(b->args);
	free(b);
}

size_t activity_stmts_pending(const struct activity_stmts *b)
{
	return b ? b->n : 0;
}

const char *activity_stmts_id(const struct activity_stmts *b, size_t i)
{
	return b && i < b->n ? b->s[i].id : NULL;
}

/* A copy of s in the batch's arena (NULL stays NULL); false when out of
 * memory. */
static bool keep_str(struct activity_stmts *b, const char **dst, const char *s)
{
	*dst = s ? arena_strdup(&b->a, s) : NULL;
	return !s || *dst;
}

/* Room for n arguments in b->args. */
static bool args_room(struct activity_stmts *b, size_t n)
{
	if (n <= b->nargs)
		return true;
	struct db_arg *a = realloc(b->args, n * sizeof *a);
	if (!a)
		return false;
	b->args = a;
	b->nargs = n;
	return true;
}

enum eb_err activity_stmts_keep(struct db *db, struct activity_stmts *b,
				const struct activity_statement *s)
{
	enum eb_err rc;
	int voided = 0;

	/* voided before it arrived? (impossible for an id generated just now) */
	if (!s->new_id && s->voided_checked) {
		voided = s->voided_by && !s->voids_id;
	} else if (!s->new_id) {
		int64_t one;
		rc = db_get_int(
			db,
			"SELECT 1 FROM xapi_statement WHERE district_id = ?1 AND tool_id = ?2"
			" AND voids_id = ?3 LIMIT 1",
			DB_ARGS(DB_INT(b->district_id), DB_INT(b->tool_id), DB_TEXT(s->id)), &one);
		if (rc && rc != EB_ENOTFOUND)
			return rc;
		if (rc == EB_OK && !s->voids_id)
			voided = 1;
	}
	if (s->voided_out)
		*s->voided_out = voided != 0;

	/* the hash is kept as its 32 bytes (the hex form would double it) */
	struct kept_stmt k = { .stored_ms = s->stored_ms, .voided = voided };
	if (!s->content_hash || strlen(s->content_hash) != 64)
		return EB_EINVAL;
	for (int i = 0; i < 32; i++) {
		int hi = hex_nibble(s->content_hash[2 * i]),
		    lo = hex_nibble(s->content_hash[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return EB_EINVAL;
		k.hash[i] = (unsigned char)(hi << 4 | lo);
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		struct kept_stmt *ns = realloc(b->s, cap * sizeof *ns);
		if (!ns)
			return EB_ENOMEM;
		b->s = ns;
		b->cap = cap;
	}
	if (b->nr + s->nrefs > b->rcap) {
		size_t cap = b->rcap ? 2 * b->rcap : 64;
		while (cap < b->nr + s->nrefs)
			cap *= 2;
		struct kept_ref *nr = realloc(b->r, cap * sizeof *nr);
		if (!nr)
			return EB_ENOMEM;
		b->r = nr;
		b->rcap = cap;
	}
	if (!keep_str(b, &k.id, s->id) || !keep_str(b, &k.json, s->json) ||
	    !keep_str(b, &k.voids_id, s->voids_id) || !keep_str(b, &k.verb, s->verb) ||
	    !keep_str(b, &k.registration, s->registration) ||
	    !keep_str(b, &k.target_id, s->target_id))
		return EB_ENOMEM;
	/* the refs, each once (a plain INSERT: activity_stmts_flush) */
	k.ref0 = b->nr;
	for (size_t i = 0; i < s->nrefs; i++) {
		struct kept_ref *r = &b->r[b->nr + k.nrefs];
		r->kind = !strcmp(s->refs[i].kind, "agent") ? "agent" : "activity";
		if (strcmp(s->refs[i].kind, r->kind))
			return EB_EINVAL; /* the table's CHECK */
		r->related = s->refs[i].related ? 1 : 0;
		size_t j = k.ref0;
		while (j < k.ref0 + k.nrefs &&
		       !(b->r[j].kind == r->kind && b->r[j].related == r->related &&
			 !strcmp(b->r[j].key, s->refs[i].key)))
			j++;
		if (j < k.ref0 + k.nrefs)
			continue;
		if (!keep_str(b, &r->key, s->refs[i].key))
			return EB_ENOMEM;
		k.nrefs++;
	}
	b->nr += k.nrefs;
	b->s[b->n++] = k;
	return tally_tool(db, b->district_id, b->tool_id, 1, 0, s->stored_ms / 1000);
}

#define STMT_COLS 11
#define REF_COLS 6

enum eb_err activity_stmts_flush(struct db *db, struct activity_stmts *b)
{
	enum eb_err rc = EB_OK;
	/* the rows, DB_ROWS_MAX at most a statement, each reading back the
	 * seqs drawn (the refs' key); matched by id, RETURNING's order being
	 * no promise. A statement that waits for its answer costs a round trip
	 * (the others go down PostgreSQL's pipeline), so the rows go in one
	 * statement of the power of two at or above their count (100: 128),
	 * the rest of it padding rows that the WHERE leaves out (copies of the
	 * first row, so that every column has the same types in every run) */
	enum { W = STMT_COLS + 1 }; /* the columns and the "real row" mark */
	for (size_t done = 0; done < b->n && !rc;) {
		size_t left = b->n - done, rows = db_rows_chunk(left);
		if (rows < left && rows < DB_ROWS_MAX)
			rows *= 2;
		size_t k = rows < left ? rows : left; /* the real rows */
		const char *sql = db_rows_sql(
			"INSERT INTO xapi_statement (district_id, tool_id, id, json, content_hash,"
			" stored_ms, voided, voids_id, verb, registration, target_id)"
			" SELECT column1, column2, column3, column4, column5, column6, column7,"
			" column8, column9, column10, column11 FROM (",
			") AS v WHERE column12 = 1 RETURNING seq, id", W, rows);
		if (!sql || !args_room(b, rows * W))
			return EB_ENOMEM;
		for (size_t i = 0; i < rows; i++) {
			const struct kept_stmt *x = &b->s[done + (i < k ? i : 0)];
			struct db_arg *a = &b->args[i * W];
			a[0] = DB_INT(b->district_id);
			a[1] = DB_INT(b->tool_id);
			a[2] = DB_TEXT(x->id);
			a[3] = DB_TEXT(x->json);
			a[4] = DB_BLOB(x->hash, sizeof x->hash);
			a[5] = DB_INT(x->stored_ms);
			a[6] = DB_INT(x->voided);
			a[7] = DB_TEXT(x->voids_id);
			a[8] = DB_TEXT(x->verb);
			a[9] = DB_TEXT(x->registration);
			a[10] = DB_TEXT(x->target_id);
			a[11] = DB_INT(i < k);
			if (i < k)
				b->s[done + i].seq = 0;
		}
		struct db_stmt *st;
		rc = db_query(db, sql, b->args, rows * W, &st);
		if (rc)
			return rc;
		size_t next = 0; /* in order, as both backends give them */
		while (db_next(st)) {
			int64_t seq = db_col_int(st, 0);
			const char *id = db_col_text(st, 1);
			size_t i = next < k && id && !strcmp(b->s[done + next].id, id) ? next : 0;
			while (id && i < k && strcmp(b->s[done + i].id, id))
				i++;
			if (i < k)
				b->s[done + i].seq = seq, next = i + 1;
		}
		rc = db_done(st);
		for (size_t i = 0; i < k && !rc; i++)
			if (!b->s[done + i].seq)
				rc = EB_EDB; /* a row not read back */
		done += k;
	}
	/* the refs, in the pipeline: a plain INSERT (a seq just drawn has no
	 * refs, and each is kept once), which costs PostgreSQL less than one
	 * that looks for a conflict first */
	if (!rc && b->nr && !args_room(b, b->nr * REF_COLS))
		rc = EB_ENOMEM;
	for (size_t i = 0; i < b->n && !rc; i++) {
		const struct kept_stmt *x = &b->s[i];
		for (size_t j = x->ref0; j < x->ref0 + x->nrefs; j++) {
			struct db_arg *a = &b->args[j * REF_COLS];
			a[0] = DB_INT(b->district_id);
			a[1] = DB_INT(b->tool_id);
			a[2] = DB_INT(x->seq);
			a[3] = DB_TEXT(b->r[j].kind);
			a[4] = DB_TEXT(b->r[j].key);
			a[5] = DB_INT(b->r[j].related);
		}
	}
	if (!rc && b->nr) {
		rc = db_insert_rows(
			db,
			"INSERT INTO xapi_statement_ref (district_id, tool_id, seq, kind,"
			" key, related)",
			REF_COLS, b->args, b->nr);
		/* ... unless a ref of a statement deleted since is left under a
		 * seq SQLite gives again (its rowid after the largest): kept, as
		 * before (on PostgreSQL's group commit the failure aborts the
		 * group, whose jobs then run alone, guarded, and come here) */
		if (rc == EB_EEXIST)
			rc = db_insert_rows(db,
					    "INSERT OR IGNORE INTO xapi_statement_ref (district_id,"
					    " tool_id, seq, kind, key, related)",
					    REF_COLS, b->args, b->nr);
	}
	if (!rc) {
		b->n = b->nr = 0;
		arena_free(&b->a);
		arena_init(&b->a);
	}
	return rc;
}

enum eb_err activity_statement_insert(struct db *db, int64_t district_id, int64_t tool_id,
				      const struct activity_statement *s)
{
	struct activity_stmts *b = activity_stmts_new(district_id, tool_id);
	if (!b)
		return EB_ENOMEM;
	enum eb_err rc = activity_stmts_keep(db, b, s);
	if (!rc)
		rc = activity_stmts_flush(db, b);
	activity_stmts_free(b);
	return rc;
}

static enum eb_err delete_derived(struct db *db, int64_t district_id, int64_t tool_id,
				  const char *statement_id)
{
	enum eb_err rc = tally_flush(db); /* the triggers count the deletes */
	if (rc)
		return rc;
	rc = db_execute(db,
			"DELETE FROM learning_event WHERE district_id = ?1 AND tool_id = ?2"
			" AND statement_id = ?3",
			DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(statement_id)), NULL);
	if (rc)
		return rc;
	return db_execute(db,
			  "DELETE FROM quarantine WHERE district_id = ?1 AND tool_id = ?2"
			  " AND statement_id = ?3",
			  DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(statement_id)),
			  NULL);
}

enum eb_err activity_statement_void(struct db *db, int64_t district_id, int64_t tool_id,
				    const char *target_id)
{
	enum eb_err rc = db_execute(
		db,
		"UPDATE xapi_statement SET voided = 1 WHERE district_id = ?1 AND tool_id = ?2"
		" AND id = ?3 AND voids_id IS NULL",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(target_id)), NULL);
	if (rc)
		return rc;
	return delete_derived(db, district_id, tool_id, target_id);
}

enum eb_err activity_statement_get(struct db *db, int64_t district_id, int64_t tool_id,
				   const char *id, bool want_voided, struct buf *out)
{
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT json FROM xapi_statement WHERE district_id = ?1 AND tool_id = ?2"
			 " AND id = ?3 AND voided = ?4",
			 DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(id),
				 DB_INT(want_voided ? 1 : 0)),
			 &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found)
		buf_put(out, db_col_text(st, 0), (size_t)db_col_bytes(st, 0));
	if ((rc = db_done(st)))
		return rc;
	if (!found)
		return EB_ENOTFOUND;
	return buf_failed(out) ? out->err : EB_OK;
}

/* The optional filters are written as (?n IS NULL OR ...) so one static
 * statement serves every combination; ORDER BY needs two. The non-time
 * filters (MATCH) hold for a statement itself or, when its object is a
 * StatementRef, for the statement it targets, to 4 levels (xAPI 1.0.3
 * Communication 2.1.3, "Filter Conditions for StatementRefs"); a target may
 * be voided (so a voiding statement is found through what it voided). The
 * time and paging conditions apply to the returned statement only. */
#define MATCH(a)                                                                                   \
	"((?3 IS NULL OR " a ".verb = ?3)"                                                         \
	" AND (?4 IS NULL OR " a ".registration = ?4)"                                             \
	" AND (?7 IS NULL OR EXISTS (SELECT 1 FROM xapi_statement_ref r"                           \
	"      WHERE r.district_id = ?1 AND r.tool_id = ?2 AND r.seq = " a ".seq"                  \
	"      AND r.kind = 'agent' AND r.key = ?7 AND r.related <= ?8))"                          \
	" AND (?9 IS NULL OR EXISTS (SELECT 1 FROM xapi_statement_ref r"                           \
	"      WHERE r.district_id = ?1 AND r.tool_id = ?2 AND r.seq = " a ".seq"                  \
	"      AND r.kind = 'activity' AND r.key = ?9 AND r.related <= ?10)))"
#define TARGET(a, t, rest)                                                                         \
	" OR (" a ".target_id IS NOT NULL AND EXISTS (SELECT 1 FROM xapi_statement " t " WHERE " t \
	".district_id = ?1 AND " t ".tool_id = ?2 AND " t ".id = " a ".target_id"                  \
	" AND (" MATCH(t) rest ")))"
#define QUERY_WHERE                                                                                \
	" WHERE s.district_id = ?1 AND s.tool_id = ?2 AND s.voided = 0"                            \
	" AND s.stored_ms > ?5 AND s.stored_ms <= ?6"                                              \
	" AND (" MATCH("s")                                                                        \
		TARGET("s", "t1",                                                                  \
		       TARGET("t1", "t2",                                                          \
			      TARGET("t2", "t3",                                                   \
				     TARGET("t3", "t4", "")))) ")"                                 \
							       " AND (?12 = 0 OR s.seq <= ?12)"

static const char query_asc[] = "SELECT s.seq, s.json FROM xapi_statement s" QUERY_WHERE
				" AND s.seq > ?11 ORDER BY s.seq ASC LIMIT ?13";
static const char query_desc[] = "SELECT s.seq, s.json FROM xapi_statement s" QUERY_WHERE
				 " AND (?11 = 0 OR s.seq < ?11) ORDER BY s.seq DESC LIMIT ?13";

enum eb_err activity_statement_query(struct db *db, int64_t district_id, int64_t tool_id,
				     const struct activity_query *q, struct buf *out, size_t *count,
				     int64_t *last_seq, bool *more)
{
	int limit = q->limit < 1 ? 1 : q->limit > 500 ? 500 : q->limit;
	*count = 0;
	*more = false;
	*last_seq = 0;
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db, q->ascending ? query_asc : query_desc,
			 DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(q->verb),
				 DB_TEXT(q->registration),
				 /* no bound: one that every row passes (a NULL tested with
				  * IS NULL has no type PostgreSQL can infer) */
				 DB_INT(q->since_ms >= 0 ? q->since_ms : -1),
				 DB_INT(q->until_ms >= 0 ? q->until_ms : INT64_MAX),
				 DB_TEXT(q->agent_key), DB_INT(q->related_agents ? 1 : 0),
				 DB_TEXT(q->activity), DB_INT(q->related_activities ? 1 : 0),
				 DB_INT(q->after_seq), DB_INT(q->max_seq), DB_INT(limit + 1)),
			 &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		if ((int)*count == limit) {
			*more = true;
			break;
		}
		if (*count)
			buf_putc(out, ',');
		buf_put(out, db_col_text(st, 1), (size_t)db_col_bytes(st, 1));
		*last_seq = db_col_int(st, 0);
		(*count)++;
	}
	if ((rc = db_done(st)))
		return rc;
	return buf_failed(out) ? out->err : EB_OK;
}

enum eb_err activity_statement_max_seq(struct db *db, int64_t district_id, int64_t tool_id,
				       int64_t *out)
{
	*out = 0;
	return db_get_int(db,
			  "SELECT coalesce(max(seq), 0) FROM xapi_statement"
			  " WHERE district_id = ?1 AND tool_id = ?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), out);
}

enum eb_err activity_caliper_stored(struct db *db, int64_t district_id, int64_t tool_id,
				    const char *const *ids, size_t n, bool *stored)
{
	struct buf list = BUF_INIT;
	buf_putc(&list, '[');
	for (size_t i = 0; i < n; i++) {
		stored[i] = false;
		json_list_add(&list, ids[i] ? ids[i] : "");
	}
	buf_putc(&list, ']');
	if (buf_failed(&list)) {
		buf_free(&list);
		return EB_ENOMEM;
	}
	struct db_stmt *st;
	enum eb_err rc =
		n ? db_query(
			    db,
			    "SELECT id FROM caliper_event WHERE district_id = ?1"
			    " AND tool_id = ?2 AND id IN (SELECT value FROM json_each(?3))",
			    DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(buf_cstr(&list))),
			    &st)
		  : EB_OK;
	buf_free(&list);
	if (rc || !n)
		return rc;
	while (db_next(st)) {
		const char *id = db_col_text(st, 0);
		for (size_t i = 0; id && i < n; i++)
			if (ids[i] && !strcmp(ids[i], id))
				stored[i] = true;
	}
	return db_done(st);
}

enum eb_err activity_caliper_insert(struct db *db, int64_t district_id, int64_t tool_id,
				    const char *id, const char *type, const char *action,
				    const char *event_time, const char *json, bool *duplicate)
{
	int changes = 0;
	if (!duplicate) {
		enum eb_err rc = db_execute(
			db,
			"INSERT INTO caliper_event (district_id, tool_id, id, type, action,"
			" event_time, json, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
			" unixepoch()) ON CONFLICT DO NOTHING",
			DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(id), DB_TEXT(type),
				DB_TEXT(action), DB_TEXT(event_time), DB_TEXT(json)),
			NULL);
		return rc ? rc : tally_tool(db, district_id, tool_id, 0, 1, time_now());
	}
	enum eb_err rc = db_execute(
		db,
		"INSERT INTO caliper_event (district_id, tool_id, id, type, action, event_time,"
		" json, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, unixepoch())"
		" ON CONFLICT DO NOTHING",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(id), DB_TEXT(type),
			DB_TEXT(action), DB_TEXT(event_time), DB_TEXT(json)),
		&changes);
	if (rc)
		return rc;
	*duplicate = changes == 0;
	return *duplicate ? EB_OK : tally_tool(db, district_id, tool_id, 0, 1, time_now());
}

/* ---- matching --------------------------------------------------------- */

/* The first column of the first row of sql (?1 district, ?2 key) into
 * out[cap]; out is left as it is when there is no row. */
static enum eb_err lookup_one(struct db *db, const char *sql, int64_t district_id, const char *key,
			      char *out, size_t cap)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db, sql, DB_ARGS(DB_INT(district_id), DB_TEXT(key)), &st);
	if (rc)
		return rc;
	if (db_next(st))
		db_col_copy(st, 0, out, cap);
	return db_done(st);
}

/* Roster student for the candidates; out gets the sourcedId or "". One
 * indexed lookup per key, in order: sourcedId (unless by_sourced_id is false:
 * the caller knows the name is none), username, email. */
static enum eb_err match_student(struct db *db, int64_t district_id, const char *name,
				 const char *email, bool by_sourced_id, char *out, size_t cap)
{
	out[0] = '\0';
	enum eb_err rc;
	if (name && *name && by_sourced_id) {
		if ((rc = lookup_one(db,
				     "SELECT sourced_id FROM person WHERE district_id = ?1"
				     " AND sourced_id = ?2 AND role = 'student'",
				     district_id, name, out, cap)))
			return rc;
		if (out[0])
			return EB_OK;
	}
	if (name && *name) {
		if ((rc = lookup_one(db,
				     "SELECT sourced_id FROM person WHERE district_id = ?1"
				     " AND username = ?2 AND role = 'student' LIMIT 1",
				     district_id, name, out, cap)))
			return rc;
		if (out[0])
			return EB_OK;
	}
	if (email && *email) {
		if ((rc = lookup_one(db,
				     "SELECT sourced_id FROM person WHERE district_id = ?1"
				     " AND email = ?2 COLLATE NOCASE AND role = 'student' LIMIT 1",
				     district_id, email, out, cap)))
			return rc;
	}
	return EB_OK;
}

/* An item of one of the district's frameworks (a state's standard named by
 * its code, or the activity named by the item's CASE identifier or URI)
 * counts for the CCSS standard it is crosswalked to (domain/frameworks).
 * A catalog code needs no look-up; a code nothing resolves stays as it was. */
static enum eb_err crosswalk_standard(struct db *db, int64_t district_id,
				      const struct learning_event_in *ev, char *out, size_t cap)
{
	if (out[0] && standards_find(out))
		return EB_OK;
	char codes[1][FRAMEWORKS_CODE_MAX];
	size_t n = 0;
	enum eb_err rc = EB_OK;
	if (out[0])
		rc = frameworks_resolve(db, district_id, out, codes, 1, &n);
	else if (ev->activity_id && ev->activity_id[0])
		rc = frameworks_resolve(db, district_id, ev->activity_id, codes, 1, &n);
	if (!rc && n)
		snprintf(out, cap, "%s", codes[0]);
	return rc;
}

/* The standard of ev's activity: the activity_map's (mapped: as read ahead,
 * "" none; NULL: read here), else the payload's, else a CCSS code in the
 * activity id; crosswalked (crosswalk_standard). */
static enum eb_err match_standard(struct db *db, int64_t district_id, int64_t tool_id,
				  const struct learning_event_in *ev, const char *mapped, char *out,
				  size_t cap)
{
	out[0] = '\0';
	if (ev->activity_id && mapped) {
		snprintf(out, cap, "%s", mapped);
	} else if (ev->activity_id) {
		struct db_stmt *st;
		enum eb_err rc = db_query(
			db,
			"SELECT standard_code FROM activity_map WHERE district_id = ?1"
			" AND tool_id = ?2 AND activity_id = ?3",
			DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(ev->activity_id)),
			&st);
		if (rc)
			return rc;
		if (db_next(st))
			db_col_copy(st, 0, out, cap);
		if ((rc = db_done(st)))
			return rc;
	}
	if (!out[0] && ev->standard_code && ev->standard_code[0])
		snprintf(out, cap, "%s", ev->standard_code);
	if (!out[0] && ev->activity_id)
		activity_extract_ccss_code(ev->activity_id, out, cap);
	return crosswalk_standard(db, district_id, ev, out, cap);
}

static const char *nonempty(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* The columns every event row shares, from activity_id to verb, as ten
 * query parameters (unknown correct, score and duration and an empty
 * standard are NULL). */
#define EVENT_TAIL_ARGS(ev, standard)                                                              \
	DB_TEXT((ev)->activity_id), DB_TEXT(nonempty(standard)), DB_TEXT((ev)->item_id),           \
		DB_INT_IF((ev)->correct >= 0, (ev)->correct ? 1 : 0),                              \
		DB_REAL_IF((ev)->score >= 0, (ev)->score > 1 ? 1 : (ev)->score),                   \
		DB_REAL_IF((ev)->duration_s >= 0, (ev)->duration_s), DB_INT((ev)->occurred_at),    \
		DB_TEXT((ev)->source), DB_TEXT((ev)->statement_id), DB_TEXT((ev)->verb)

/* Stores ev matched to student and standard ("" none): a learning event
 * (and the mastery update, with the cell read ahead in h, or NULL), or a
 * quarantine row. */
struct activity_batch;
static enum eb_err record_matched(struct db *db, int64_t district_id, int64_t tool_id,
				  const struct learning_event_in *ev, const char *student,
				  const char *standard, bool *quarantined,
				  struct mastery_cell_hint *h, struct activity_batch *b);
static enum eb_err batch_event_row(struct activity_batch *b, const struct learning_event_in *ev,
				   const char *student, const char *standard);
static bool batch_student_seen(struct activity_batch *b, const char *student);
static enum eb_err batch_quarantine_row(struct activity_batch *b,
					const struct learning_event_in *ev, const char *reason);
static enum eb_err batch_flush_early(struct db *db, struct activity_batch *b);

enum eb_err activity_event_record(struct db *db, int64_t district_id, int64_t tool_id,
				  const struct learning_event_in *ev, bool *quarantined)
{
	char student[256], standard[128];
	enum eb_err rc = match_student(db, district_id, ev->match_name, ev->match_email, true,
				       student, sizeof student);
	if (rc)
		return rc;
	if ((rc = match_standard(db, district_id, tool_id, ev, NULL, standard, sizeof standard)))
		return rc;
	return record_matched(db, district_id, tool_id, ev, student, standard, quarantined, NULL,
			      NULL);
}

static enum eb_err record_matched(struct db *db, int64_t district_id, int64_t tool_id,
				  const struct learning_event_in *ev, const char *student,
				  const char *standard, bool *quarantined,
				  struct mastery_cell_hint *h, struct activity_batch *b)
{
	enum eb_err rc;
	const char *reason = NULL;
	if (!student[0])
		reason = "actor not matched to a roster student (by sourcedId, username or email)";
	else if (!standard[0] && (ev->correct >= 0 || ev->score >= 0))
		reason = "activity not mapped to a standard";
	if (quarantined)
		*quarantined = reason != NULL;
	if (reason && b) {
		rc = batch_quarantine_row(b, ev, reason); /* activity_batch_flush */
		if (!rc)
			rc = batch_flush_early(db, b);
		if (rc || (rc = tally_day(db, district_id, tool_id, ev->occurred_at, true)))
			return rc;
		return tally_tool(db, district_id, tool_id, 0, 0, time_now());
	}
	if (reason) {
		/* the standard found in the payload itself travels with the row */
		rc = db_execute(db,
				"INSERT INTO quarantine (district_id, tool_id, reason, actor_key, "
				"match_name,"
				" match_email, activity_id, standard_code, item_id, correct, "
				"score, duration_s,"
				" occurred_at, source, statement_id, verb)"
				" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
				"?14, ?15, ?16)",
				DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(reason),
					DB_TEXT(ev->actor_key), DB_TEXT(ev->match_name),
					DB_TEXT(ev->match_email),
					EVENT_TAIL_ARGS(ev, ev->standard_code)),
				NULL);
		if (rc || (rc = tally_day(db, district_id, tool_id, ev->occurred_at, true)))
			return rc;
		/* a quarantined event is a receipt too */
		return tally_tool(db, district_id, tool_id, 0, 0, time_now());
	}
	if (b)
		rc = batch_event_row(b, ev, student, standard); /* activity_batch_flush */
	else
		rc = db_execute(
			db,
			"INSERT INTO learning_event (district_id, tool_id, student_sourced_id,"
			" actor_key, activity_id, standard_code, item_id, correct, score, "
			"duration_s,"
			" occurred_at, source, statement_id, verb)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
			DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(student),
				DB_TEXT(ev->actor_key), EVENT_TAIL_ARGS(ev, standard)),
			NULL);
	if (rc || (rc = tally_day(db, district_id, tool_id, ev->occurred_at, false)))
		return rc;
	if (b) {
		batch_student_seen(b, student); /* activity_batch_flush */
		rc = batch_flush_early(db, b);
	} else {
		rc = db_execute(db,
				"INSERT OR IGNORE INTO tool_student (district_id, tool_id,"
				" student_sourced_id) VALUES (?1, ?2, ?3)",
				DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(student)),
				NULL);
	}
	if (rc || ev->correct < 0 || !standard[0])
		return rc;
	/* evidence: the student's estimate moves in the same transaction */
	return mastery_record_hinted(db, district_id, student, standard, tool_id, ev->item_id,
				     ev->correct, ev->occurred_at, h);
}

/* ---- a batch's look-ups, read ahead ----------------------------------- */

/* One distinct key and what it was found to be. */
struct batch_key {
	const char *key; /* in the batch's arena */
	const char *val; /* the match ("" none); NULL: not read */
	const char *email;
};

/* One distinct (student, standard) that evidence updates, and its cell. */
struct batch_cell {
	const char *student, *standard;
	struct mastery_cell_hint h;
};

struct activity_batch {
	struct db *db;
	int64_t district_id, tool_id;
	const struct learning_event_in *evs;
	size_t n;
	struct arena a;
	const char **student, **standard; /* per event: the matches ("" none) */
	struct batch_cell **cell;	  /* per event: its cell, or NULL */
	struct batch_key *keys;		  /* actors (name, email) */
	size_t nkeys;
	struct batch_key *acts; /* activities -> activity_map's standard */
	size_t nacts;
	struct batch_cell *cells;
	size_t ncells;
	bool *done;
	const char **seen; /* students of the batch's tool_student rows */
	size_t nseen, nseen_written;
	struct db_arg *rows; /* learning_event rows not written yet: EVENT_COLS each */
	size_t nrows;
	struct db_arg *qrows; /* quarantine rows not written yet: QUARANTINE_COLS each */
	size_t nqrows, nrecorded;
};

#define EVENT_COLS 14
#define QUARANTINE_COLS 16

/* A statement's worth of rows (half the most one takes) goes before the
 * batch's end: on PostgreSQL down the pipeline, stored by the server while
 * the job goes on preparing the next ones. */
static enum eb_err batch_flush_early(struct db *db, struct activity_batch *b)
{
	if (b->nrows < DB_ROWS_MAX / 2 && b->nqrows < DB_ROWS_MAX / 2)
		return EB_OK;
	return activity_batch_flush(db, b);
}

/* Whether student's tool_student row is the batch's already (INSERT OR
 * IGNORE once per student and batch, by activity_batch_flush); marks it. */
static bool batch_student_seen(struct activity_batch *b, const char *student)
{
	for (size_t i = 0; i < b->nseen; i++)
		if (!strcmp(b->seen[i], student))
			return true;
	if (b->nseen < b->n)
		b->seen[b->nseen++] = student;
	return false;
}

/* Keeps a learning_event row for activity_batch_flush: the arguments
 * activity_event_record's INSERT binds (the strings are the events' and the
 * batch's, which outlive it). */
static enum eb_err batch_event_row(struct activity_batch *b, const struct learning_event_in *ev,
				   const char *student, const char *standard)
{
	if (b->nrecorded++ >= b->n)
		return EB_EINVAL; /* each event once */
	const struct db_arg row[EVENT_COLS] = { DB_INT(b->district_id), DB_INT(b->tool_id),
						DB_TEXT(student), DB_TEXT(ev->actor_key),
						EVENT_TAIL_ARGS(ev, standard) };
	memcpy(&b->rows[b->nrows++ * EVENT_COLS], row, sizeof row);
	return EB_OK;
}

/* Keeps a quarantine row for activity_batch_flush, as record_matched's
 * INSERT binds it (the standard found in the payload travels with it). */
static enum eb_err batch_quarantine_row(struct activity_batch *b,
					const struct learning_event_in *ev, const char *reason)
{
	if (b->nrecorded++ >= b->n)
		return EB_EINVAL; /* each event once */
	const struct db_arg row[QUARANTINE_COLS] = { DB_INT(b->district_id),
						     DB_INT(b->tool_id),
						     DB_TEXT(reason),
						     DB_TEXT(ev->actor_key),
						     DB_TEXT(ev->match_name),
						     DB_TEXT(ev->match_email),
						     EVENT_TAIL_ARGS(ev, ev->standard_code) };
	memcpy(&b->qrows[b->nqrows++ * QUARANTINE_COLS], row, sizeof row);
	return EB_OK;
}

enum eb_err activity_batch_flush(struct db *db, struct activity_batch *b)
{
	if (db != b->db)
		return EB_EINVAL;
	/* a few statements for the rows, in their order (the ids as one INSERT
	 * each would have given them), then the quarantined ones, then the
	 * students' tool_student rows */
	enum eb_err rc =
		db_insert_rows(db,
			       "INSERT INTO learning_event (district_id, tool_id,"
			       " student_sourced_id, actor_key, activity_id, standard_code,"
			       " item_id, correct, score, duration_s, occurred_at, source,"
			       " statement_id, verb)",
			       EVENT_COLS, b->rows, b->nrows);
	b->nrows = 0;
	if (!rc)
		rc = db_insert_rows(
			db,
			"INSERT INTO quarantine (district_id, tool_id, reason, actor_key,"
			" match_name, match_email, activity_id, standard_code, item_id,"
			" correct, score, duration_s, occurred_at, source, statement_id,"
			" verb)",
			QUARANTINE_COLS, b->qrows, b->nqrows);
	b->nqrows = 0;
	size_t n = b->nseen - b->nseen_written;
	struct db_arg *args = n ? malloc(3 * n * sizeof *args) : NULL;
	if (!rc && n && !args)
		rc = EB_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		args[3 * i] = DB_INT(b->district_id);
		args[3 * i + 1] = DB_INT(b->tool_id);
		args[3 * i + 2] = DB_TEXT(b->seen[b->nseen_written + i]);
	}
	if (!rc && n)
		rc = db_insert_rows(db,
				    "INSERT OR IGNORE INTO tool_student (district_id, tool_id,"
				    " student_sourced_id)",
				    3, args, n);
	free(args);
	if (!rc)
		b->nseen_written = b->nseen;
	return rc;
}

static bool same_str(const char *x, const char *y)
{
	return (!x && !y) || (x && y && !strcmp(x, y));
}

/* The actor key (name, email) of the batch's table; added when absent. */
static struct batch_key *batch_actor(struct activity_batch *b, const char *name, const char *email)
{
	for (size_t i = 0; i < b->nkeys; i++)
		if (same_str(b->keys[i].key, name) && same_str(b->keys[i].email, email))
			return &b->keys[i];
	struct batch_key *k = &b->keys[b->nkeys++];
	*k = (struct batch_key){ name, NULL, email };
	return k;
}

/* Reads the sourcedIds among the actors' names (one query). */
static enum eb_err batch_read_students(struct activity_batch *b)
{
	struct buf names = BUF_INIT;
	buf_putc(&names, '[');
	for (size_t i = 0; i < b->nkeys; i++)
		if (b->keys[i].key && b->keys[i].key[0])
			json_list_add(&names, b->keys[i].key);
	buf_putc(&names, ']');
	if (buf_failed(&names)) {
		buf_free(&names);
		return EB_ENOMEM;
	}
	struct db_stmt *st;
	enum eb_err rc = db_query(b->db,
				  "SELECT sourced_id FROM person WHERE district_id = ?1"
				  " AND role = 'student' AND sourced_id IN"
				  " (SELECT value FROM json_each(?2))",
				  DB_ARGS(DB_INT(b->district_id), DB_TEXT(buf_cstr(&names))), &st);
	buf_free(&names);
	if (rc)
		return rc;
	while (db_next(st)) {
		const char *sid = db_col_text(st, 0);
		for (size_t i = 0; sid && i < b->nkeys; i++)
			if (b->keys[i].key && !strcmp(b->keys[i].key, sid) &&
			    !(b->keys[i].val = arena_strdup(&b->a, sid)))
				db_fail(st, EB_ENOMEM);
	}
	return db_done(st);
}

/* Reads the activity_map's standards of the batch's activities (one query). */
static enum eb_err batch_read_map(struct activity_batch *b)
{
	struct buf ids = BUF_INIT;
	buf_putc(&ids, '[');
	for (size_t i = 0; i < b->nacts; i++)
		json_list_add(&ids, b->acts[i].key);
	buf_putc(&ids, ']');
	if (buf_failed(&ids)) {
		buf_free(&ids);
		return EB_ENOMEM;
	}
	for (size_t i = 0; i < b->nacts; i++)
		b->acts[i].val = "";
	struct db_stmt *st;
	enum eb_err rc = db_query(
		b->db,
		"SELECT activity_id, standard_code FROM activity_map"
		" WHERE district_id = ?1 AND tool_id = ?2 AND activity_id IN"
		" (SELECT value FROM json_each(?3))",
		DB_ARGS(DB_INT(b->district_id), DB_INT(b->tool_id), DB_TEXT(buf_cstr(&ids))), &st);
	buf_free(&ids);
	if (rc)
		return rc;
	while (db_next(st)) {
		const char *id = db_col_text(st, 0), *code = db_col_text(st, 1);
		for (size_t i = 0; id && i < b->nacts; i++)
			if (!strcmp(b->acts[i].key, id) &&
			    !(b->acts[i].val = arena_strdup(&b->a, code ? code : "")))
				db_fail(st, EB_ENOMEM);
	}
	return db_done(st);
}

/* Reads the stored cells of the batch's (student, standard) pairs: one query
 * for the students x standards, the pairs picked out here. */
static enum eb_err batch_read_cells(struct activity_batch *b)
{
	if (!b->ncells)
		return EB_OK;
	struct buf sts = BUF_INIT, codes = BUF_INIT;
	buf_putc(&sts, '[');
	buf_putc(&codes, '[');
	for (size_t i = 0; i < b->ncells; i++) {
		size_t j = 0;
		while (j < i && strcmp(b->cells[j].student, b->cells[i].student))
			j++;
		if (j == i)
			json_list_add(&sts, b->cells[i].student);
		j = 0;
		while (j < i && strcmp(b->cells[j].standard, b->cells[i].standard))
			j++;
		if (j == i)
			json_list_add(&codes, b->cells[i].standard);
	}
	buf_putc(&sts, ']');
	buf_putc(&codes, ']');
	enum eb_err rc = buf_failed(&sts) || buf_failed(&codes) ? EB_ENOMEM : EB_OK;
	struct db_stmt *st;
	if (!rc)
		rc = db_query(b->db,
			      "SELECT student_sourced_id, standard_code, " MASTERY_CELL_COLS
			      " FROM mastery_state WHERE district_id = ?1"
			      " AND student_sourced_id IN (SELECT value FROM json_each(?2))"
			      " AND standard_code IN (SELECT value FROM json_each(?3))",
			      DB_ARGS(DB_INT(b->district_id), DB_TEXT(buf_cstr(&sts)),
				      DB_TEXT(buf_cstr(&codes))),
			      &st);
	buf_free(&sts);
	buf_free(&codes);
	if (rc)
		return rc;
	while (db_next(st)) {
		const char *sid = db_col_text(st, 0), *code = db_col_text(st, 1);
		for (size_t i = 0; sid && code && i < b->ncells; i++) {
			struct batch_cell *c = &b->cells[i];
			if (strcmp(c->student, sid) || strcmp(c->standard, code))
				continue;
			c->h.found = c->h.stored = true;
			if (mastery_cell_read(st, 2, &c->h.c))
				break; /* the statement's error now */
		}
	}
	return db_done(st);
}

/* The batch's cell of (student, standard); added when absent. */
static struct batch_cell *batch_cell_of(struct activity_batch *b, const char *student,
					const char *standard)
{
	for (size_t i = 0; i < b->ncells; i++)
		if (!strcmp(b->cells[i].student, student) &&
		    !strcmp(b->cells[i].standard, standard))
			return &b->cells[i];
	struct batch_cell *c = &b->cells[b->ncells++];
	memset(c, 0, sizeof *c);
	c->student = student;
	c->standard = standard;
	return c;
}

enum eb_err activity_batch_read(struct db *db, int64_t district_id, int64_t tool_id,
				const struct learning_event_in *evs, size_t n,
				struct activity_batch **out)
{
	*out = NULL;
	struct activity_batch *b = calloc(1, sizeof *b);
	if (!b)
		return EB_ENOMEM;
	arena_init(&b->a);
	b->db = db;
	b->district_id = district_id;
	b->tool_id = tool_id;
	b->evs = evs;
	b->n = n;
	size_t m = n ? n : 1;
	b->student = arena_alloc(&b->a, m * sizeof *b->student);
	b->standard = arena_alloc(&b->a, m * sizeof *b->standard);
	b->cell = arena_alloc(&b->a, m * sizeof *b->cell);
	b->keys = arena_alloc(&b->a, m * sizeof *b->keys);
	b->acts = arena_alloc(&b->a, m * sizeof *b->acts);
	b->cells = arena_alloc(&b->a, m * sizeof *b->cells);
	b->done = arena_alloc(&b->a, m * sizeof *b->done);
	b->seen = arena_alloc(&b->a, m * sizeof *b->seen);
	b->rows = arena_alloc(&b->a, m * EVENT_COLS * sizeof *b->rows);
	b->qrows = arena_alloc(&b->a, m * QUARANTINE_COLS * sizeof *b->qrows);
	enum eb_err rc = EB_OK;
	if (!b->student || !b->standard || !b->cell || !b->keys || !b->acts || !b->cells ||
	    !b->done || !b->seen || !b->rows || !b->qrows)
		rc = EB_ENOMEM;
	/* the distinct actors and activities */
	struct batch_key **actor = rc ? NULL : arena_alloc(&b->a, m * sizeof *actor);
	if (!rc && !actor)
		rc = EB_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		b->done[i] = false;
		b->cell[i] = NULL;
		actor[i] = batch_actor(b, evs[i].match_name, evs[i].match_email);
		const char *act = evs[i].activity_id;
		size_t j = 0;
		while (act && j < b->nacts && strcmp(b->acts[j].key, act))
			j++;
		if (act && j == b->nacts)
			b->acts[b->nacts++] = (struct batch_key){ act, NULL, NULL };
	}
	if (!rc && b->nkeys)
		rc = batch_read_students(b);
	if (!rc && b->nacts)
		rc = batch_read_map(b);
	/* each event's student and standard: the actors not found by sourcedId
	 * are matched the other ways once each (match_student); a standard that
	 * is not the catalog's is crosswalked as activity_event_record does */
	for (size_t i = 0; i < n && !rc; i++) {
		struct batch_key *k = actor[i];
		if (!k->val) {
			char sid[256];
			rc = match_student(db, district_id, k->key, k->email, false, sid,
					   sizeof sid);
			if (!rc && !(k->val = arena_strdup(&b->a, sid)))
				rc = EB_ENOMEM;
		}
		const char *mapped = NULL;
		for (size_t j = 0; evs[i].activity_id && j < b->nacts && !mapped; j++)
			if (!strcmp(b->acts[j].key, evs[i].activity_id))
				mapped = b->acts[j].val;
		/* the standard depends on the activity and the payload's code
		 * only: an earlier event with both the same gives it (the
		 * crosswalk's look-up once per activity) */
		size_t same = 0;
		while (same < i && !(same_str(evs[same].activity_id, evs[i].activity_id) &&
				     same_str(evs[same].standard_code, evs[i].standard_code)))
			same++;
		char standard[128];
		if (!rc && same < i)
			b->standard[i] = b->standard[same];
		else if (!rc &&
			 !(rc = match_standard(db, district_id, tool_id, &evs[i],
					       mapped ? mapped : "", standard, sizeof standard)) &&
			 !(b->standard[i] = arena_strdup(&b->a, standard)))
			rc = EB_ENOMEM;
		if (!rc)
			b->student[i] = k->val;
		if (!rc && b->student[i][0] && b->standard[i][0] && evs[i].correct >= 0)
			b->cell[i] = batch_cell_of(b, b->student[i], b->standard[i]);
	}
	if (!rc)
		rc = batch_read_cells(b);
	if (rc) {
		activity_batch_free(b);
		return rc;
	}
	*out = b;
	return EB_OK;
}

enum eb_err activity_batch_record(struct db *db, struct activity_batch *b, size_t i,
				  bool *quarantined)
{
	if (i >= b->n || b->done[i] || db != b->db)
		return EB_EINVAL;
	b->done[i] = true;
	return record_matched(db, b->district_id, b->tool_id, &b->evs[i], b->student[i],
			      b->standard[i], quarantined, b->cell[i] ? &b->cell[i]->h : NULL, b);
}

enum eb_err activity_batch_finish(struct db *db, struct activity_batch *b)
{
	if (db != b->db)
		return EB_EINVAL;
	enum eb_err rc = activity_batch_flush(db, b);
	for (size_t i = 0; i < b->ncells && !rc; i++)
		rc = mastery_cell_hint_flush(db, b->district_id, b->cells[i].student,
					     b->cells[i].standard, &b->cells[i].h);
	return rc;
}

void activity_batch_free(struct activity_batch *b)
{
	if (!b)
		return;
	arena_free(&b->a);
	free(b);
}

enum eb_err activity_events_forget(struct db *db, int64_t district_id, int64_t tool_id,
				   const char *statement_id)
{
	return delete_derived(db, district_id, tool_id, statement_id);
}

enum eb_err activity_mastery_replay(struct db *db, int64_t district_id, const char *sid)
{
	enum eb_err rc = db_execute(db,
				    "DELETE FROM mastery_state WHERE district_id = ?1 AND"
				    " student_sourced_id = ?2",
				    DB_ARGS(DB_INT(district_id), DB_TEXT(sid)), NULL);
	if (!rc)
		rc = db_execute(db,
				"DELETE FROM mastery_student WHERE district_id = ?1 AND"
				" student_sourced_id = ?2",
				DB_ARGS(DB_INT(district_id), DB_TEXT(sid)), NULL);
	if (rc)
		return rc;
	struct arena a;
	arena_init(&a);
	struct ev {
		int64_t tool_id, at;
		int correct;
		char *standard, *item;
	};
	struct ev *evs = NULL;
	size_t n = 0, cap = 0;
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT tool_id, standard_code, item_id, correct, occurred_at"
			   " FROM learning_event WHERE district_id = ?1 AND student_sourced_id = ?2"
			   " AND correct IS NOT NULL AND standard_code IS NOT NULL"
			   " ORDER BY occurred_at, id",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(sid)), &st)))
		goto out;
	while (db_next(st)) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct ev *ne = arena_alloc(&a, nc * sizeof *ne);
			if (!ne) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			if (n)
				memcpy(ne, evs, n * sizeof *ne);
			evs = ne;
			cap = nc;
		}
		evs[n].tool_id = db_col_int(st, 0);
		evs[n].standard = db_col_dup(st, 1, &a);
		evs[n].item = db_col_dup(st, 2, &a);
		evs[n].correct = (int)db_col_int(st, 3);
		evs[n].at = db_col_int(st, 4);
		n++;
	}
	if ((rc = db_done(st)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++)
		rc = mastery_record(db, district_id, sid, evs[i].standard, evs[i].tool_id,
				    evs[i].item, evs[i].correct, evs[i].at);
out:
	arena_free(&a);
	return rc;
}

/* A quarantined event as activity_rematch reads it back. */
struct requeued {
	int64_t id, tool_id;
	struct learning_event_in ev;
};

DB_ROWSPEC(requeued_spec, struct requeued, NULL, DB_FIELD_INT(struct requeued, id),
	   DB_FIELD_INT(struct requeued, tool_id), DB_FIELD_TEXT(struct requeued, ev.actor_key),
	   DB_FIELD_TEXT(struct requeued, ev.match_name),
	   DB_FIELD_TEXT(struct requeued, ev.match_email),
	   DB_FIELD_TEXT(struct requeued, ev.activity_id),
	   DB_FIELD_TEXT(struct requeued, ev.standard_code),
	   DB_FIELD_TEXT(struct requeued, ev.item_id),
	   DB_FIELD_INT_OR(struct requeued, ev.correct, -1),
	   DB_FIELD_REAL_OR(struct requeued, ev.score, -1),
	   DB_FIELD_REAL_OR(struct requeued, ev.duration_s, -1),
	   DB_FIELD_INT(struct requeued, ev.occurred_at), DB_FIELD_TEXT(struct requeued, ev.source),
	   DB_FIELD_TEXT(struct requeued, ev.statement_id),
	   DB_FIELD_TEXT(struct requeued, ev.verb));

enum eb_err activity_rematch(struct db *db, int64_t district_id, int *matched)
{
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	struct arena a; /* one quarantined row at a time */
	arena_init(&a);
	int n = 0;
	int64_t after = 0;
	for (;;) {
		arena_reset(&a);
		struct requeued q;
		rc = db_get_row(
			db,
			"SELECT id, tool_id, actor_key, match_name, match_email, activity_id,"
			" standard_code, item_id, correct, score, duration_s, occurred_at, source,"
			" statement_id, verb FROM quarantine WHERE district_id = ?1 AND id > ?2"
			" ORDER BY id LIMIT 1",
			DB_ARGS(DB_INT(district_id), DB_INT(after)), &requeued_spec, &a, &q);
		if (rc) {
			if (rc == EB_ENOTFOUND)
				rc = EB_OK; /* every row seen */
			break;
		}
		after = q.id;
		char student[256] = "", standard[128] = "";
		rc = match_student(db, district_id, q.ev.match_name, q.ev.match_email, true,
				   student, sizeof student);
		if (!rc)
			rc = match_standard(db, district_id, q.tool_id, &q.ev, NULL, standard,
					    sizeof standard);
		bool ok = !rc && student[0] &&
			  (standard[0] || (q.ev.correct < 0 && q.ev.score < 0));
		if (ok) {
			bool quarantined = false;
			rc = activity_event_record(db, district_id, q.tool_id, &q.ev, &quarantined);
			if (!rc && !quarantined) {
				rc = db_execute(db, "DELETE FROM quarantine WHERE id = ?1",
						DB_ARGS(DB_INT(q.id)), NULL);
				n++;
			}
		}
		if (rc)
			break;
	}
	arena_free(&a);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	if ((rc = db_commit(db)))
		return rc;
	if (matched)
		*matched = n;
	return EB_OK;
}

enum eb_err activity_map_set(struct db *db, int64_t district_id, int64_t tool_id,
			     const char *activity_id, const char *standard_code)
{
	if (!activity_id || !*activity_id || !standard_code || !*standard_code ||
	    strlen(activity_id) > 2048 || strlen(standard_code) > 64)
		return EB_EINVAL;
	return db_execute(db,
			  "INSERT OR REPLACE INTO activity_map (district_id, tool_id, activity_id, "
			  "standard_code)"
			  " VALUES (?1, ?2, ?3, ?4)",
			  DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(activity_id),
				  DB_TEXT(standard_code)),
			  NULL);
}

enum eb_err activity_counts(struct db *db, int64_t district_id, int64_t tool_id,
			    int64_t *statements, int64_t *events, int64_t *quarantined)
{
	enum eb_err rc;
	*statements = *events = *quarantined = 0;
	if ((rc = db_get_int(db,
			     "SELECT count(*) FROM xapi_statement WHERE district_id = ?1"
			     " AND tool_id = ?2",
			     DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), statements)) ||
	    (rc = db_get_int(db,
			     "SELECT count(*) FROM learning_event WHERE district_id = ?1"
			     " AND tool_id = ?2",
			     DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), events)) ||
	    (rc = db_get_int(db,
			     "SELECT count(*) FROM quarantine WHERE district_id = ?1"
			     " AND tool_id = ?2",
			     DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), quarantined)))
		return rc;
	return EB_OK;
}

/* ---- views for the tool page and IT staff ------------------------------- */

/* JSON string literal of s (or null), escaped by construction. */
static void json_str(struct buf *b, const char *s)
{
	if (!s) {
		buf_puts(b, "null");
		return;
	}
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

static int clamp_limit(int limit, int max)
{
	return limit < 1 ? 1 : limit > max ? max : limit;
}

enum eb_err activity_quarantine_json(struct db *db, int64_t district_id, int64_t tool_id, int limit,
				     struct buf *out)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT id, tool_id, reason, actor_key, activity_id, occurred_at, source, "
		"statement_id"
		" FROM quarantine WHERE district_id = ?1 AND (?2 = 0 OR tool_id = ?2)"
		" ORDER BY id DESC LIMIT ?3",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_INT(clamp_limit(limit, 1000))),
		&st);
	if (rc)
		return rc;
	buf_putc(out, '[');
	int n = 0;
	while (db_next(st)) {
		buf_printf(out, "%s{\"id\":%lld,\"toolId\":%lld,\"reason\":", n++ ? "," : "",
			   (long long)db_col_int(st, 0), (long long)db_col_int(st, 1));
		json_str(out, db_col_text(st, 2));
		buf_puts(out, ",\"actorKey\":");
		json_str(out, db_col_text(st, 3));
		buf_puts(out, ",\"activityId\":");
		json_str(out, db_col_text(st, 4));
		buf_printf(out, ",\"occurredAt\":%lld,\"source\":", (long long)db_col_int(st, 5));
		json_str(out, db_col_text(st, 6));
		buf_puts(out, ",\"statementId\":");
		json_str(out, db_col_text(st, 7));
		buf_putc(out, '}');
	}
	rc = db_done(st);
	buf_putc(out, ']');
	if (rc)
		return rc;
	return buf_failed(out) ? out->err : EB_OK;
}

enum eb_err activity_unmapped_json(struct db *db, int64_t district_id, int64_t tool_id, int limit,
				   struct buf *out)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT activity_id, count(*) AS n FROM ("
		"  SELECT activity_id FROM quarantine WHERE district_id = ?1 AND tool_id = ?2"
		"    AND standard_code IS NULL AND activity_id IS NOT NULL"
		"    AND reason = 'activity not mapped to a standard'"
		"  UNION ALL SELECT activity_id FROM learning_event WHERE district_id = ?1"
		"    AND tool_id = ?2 AND standard_code IS NULL AND activity_id IS NOT NULL)"
		" GROUP BY activity_id ORDER BY n DESC, activity_id LIMIT ?3",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_INT(clamp_limit(limit, 1000))),
		&st);
	if (rc)
		return rc;
	buf_putc(out, '[');
	int n = 0;
	while (db_next(st)) {
		buf_puts(out, n++ ? ",{\"activityId\":" : "{\"activityId\":");
		json_str(out, db_col_text(st, 0));
		buf_printf(out, ",\"events\":%lld}", (long long)db_col_int(st, 1));
	}
	rc = db_done(st);
	buf_putc(out, ']');
	if (rc)
		return rc;
	return buf_failed(out) ? out->err : EB_OK;
}

/* ---- CCSS codes ------------------------------------------------------- */

static const char *const ccss_k8_domains[] = { "CC", "OA", "NBT", "NF", "MD", "G",
					       "RP", "NS", "EE",  "F",	"SP", NULL };
static const char *const ccss_hs_domains[] = { "RN",  "Q",  "CN", "VM", "SSE", "APR", "CED", "REI",
					       "IF",  "BF", "LE", "TF", "CO",  "SRT", "C",   "GPE",
					       "GMD", "MG", "ID", "IC", "CP",  "MD",  NULL };

static bool is_sep(char c)
{
	return c == '.' || c == '-' || c == '_';
}

/* Reads letters at p into dom (upper-cased) when they form one of list. */
static size_t read_domain(const char *p, const char *const *list, char *dom)
{
	size_t n = 0;
	while (n < 4 && isalpha((unsigned char)p[n]))
		n++;
	if (n == 0 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		dom[i] = (char)toupper((unsigned char)p[i]);
	dom[n] = '\0';
	for (const char *const *d = list; *d; d++)
		if (!strcmp(*d, dom))
			return n;
	return 0;
}

/* After the domain: [cluster sep] number [letter]; writes ".A.1a" or ".1". */
static bool read_tail(const char *p, char *tail, size_t cap)
{
	char cluster = 0;
	if (isalpha((unsigned char)p[0]) && strchr("ABCDabcd", p[0]) && is_sep(p[1]) &&
	    isdigit((unsigned char)p[2])) {
		cluster = (char)toupper((unsigned char)p[0]);
		p += 2;
	}
	if (!isdigit((unsigned char)p[0]))
		return false;
	int num = p[0] - '0';
	p++;
	if (isdigit((unsigned char)p[0])) {
		num = num * 10 + (p[0] - '0');
		p++;
	}
	char sub = 0;
	const char *q = p;
	if (is_sep(*q) && isalpha((unsigned char)q[1]))
		q++;
	if (*q >= 'a' && *q <= 'h' && !isalnum((unsigned char)q[1])) {
		sub = *q;
		p = q + 1;
	}
	if (isalnum((unsigned char)*p) || num == 0)
		return false;
	int k = cluster ? snprintf(tail, cap, ".%c.%d", cluster, num)
			: snprintf(tail, cap, ".%d", num);
	if (sub && k > 0 && (size_t)k + 2 <= cap) {
		tail[k] = sub;
		tail[k + 1] = '\0';
	}
	return true;
}

static bool ccss_at(const char *p, char *out, size_t cap)
{
	char dom[8], tail[16];
	size_t n;
	/* K-8: grade sep domain sep tail */
	char g = (char)toupper((unsigned char)p[0]);
	if ((g == 'K' || (g >= '1' && g <= '8')) && is_sep(p[1]) &&
	    (n = read_domain(p + 2, ccss_k8_domains, dom)) && is_sep(p[2 + n]) &&
	    read_tail(p + 3 + n, tail, sizeof tail)) {
		snprintf(out, cap, "%c.%s%s", g, dom, tail);
		return true;
	}
	/* high school: [HS] category sep domain sep tail */
	const char *q = p;
	if ((q[0] == 'H' || q[0] == 'h') && (q[1] == 'S' || q[1] == 's'))
		q += 2;
	char c = (char)toupper((unsigned char)q[0]);
	if (c && strchr("NAFGS", c) && is_sep(q[1]) &&
	    (n = read_domain(q + 2, ccss_hs_domains, dom)) && is_sep(q[2 + n]) &&
	    read_tail(q + 3 + n, tail, sizeof tail) && tail[1] >= 'A' && tail[1] <= 'D') {
		snprintf(out, cap, "HS%c-%s%s", c, dom, tail);
		return true;
	}
	return false;
}

bool activity_extract_ccss_code(const char *s, char *out, size_t cap)
{
	if (cap)
		out[0] = '\0';
	if (!s || cap < 2)
		return false;
	for (const char *p = s; *p; p++) {
		if (p > s && isalnum((unsigned char)p[-1]))
			continue;
		if (ccss_at(p, out, cap))
			return true;
	}
	out[0] = '\0';
	return false;
}

/* ---- CSV imports and the tool page ------------------------------------ */

enum eb_err activity_event_exists(struct db *db, int64_t district_id, int64_t tool_id,
				  const char *statement_id, bool *found)
{
	int64_t yes = 0;
	enum eb_err rc = db_get_int(
		db,
		"SELECT EXISTS (SELECT 1 FROM learning_event WHERE district_id = ?1 AND tool_id = "
		"?2"
		" AND statement_id = ?3) OR EXISTS (SELECT 1 FROM quarantine WHERE district_id = ?1"
		" AND tool_id = ?2 AND statement_id = ?3)",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(statement_id)), &yes);
	*found = !rc && yes != 0;
	return rc;
}

enum eb_err activity_csv_received(struct db *db, int64_t district_id, int64_t tool_id,
				  const char *source, int64_t started_at, size_t events,
				  size_t quarantined, size_t skipped)
{
	char summary[160];
	snprintf(summary, sizeof summary,
		 "learning events %zu, quarantined %zu, already stored %zu", events, quarantined,
		 skipped);
	return db_execute(
		db,
		"INSERT INTO import_run (district_id, kind, source, started_at, finished_at, ok,"
		" summary, tool_id) VALUES (?1, 'csv', ?2, ?3, ?4, 1, ?5, ?6)",
		DB_ARGS(DB_INT(district_id), DB_TEXT(source ? source : ""), DB_INT(started_at),
			DB_INT(time_now()), DB_TEXT(summary), DB_INT(tool_id)),
		NULL);
}

DB_ROWSPEC(tool_data_spec, struct activity_tool_data, NULL,
	   DB_FIELD_INT(struct activity_tool_data, statements),
	   DB_FIELD_INT(struct activity_tool_data, events),
	   DB_FIELD_INT(struct activity_tool_data, quarantined),
	   DB_FIELD_INT(struct activity_tool_data, students),
	   DB_FIELD_INT(struct activity_tool_data, last_received));

enum eb_err activity_tool_data(struct db *db, int64_t district_id, int64_t tool_id, int64_t now,
			       struct activity_tool_data *out)
{
	memset(out, 0, sizeof *out);
	/* the summaries of migration 010, kept by triggers: a few rows whatever
	 * the tool's volume */
	enum eb_err rc = db_get_row(
		db,
		"SELECT coalesce((SELECT statements FROM tool_total"
		"   WHERE district_id = ?1 AND tool_id = ?2), 0),"
		" (SELECT coalesce(sum(events), 0) FROM tool_day WHERE district_id = ?1 AND "
		"tool_id = ?2),"
		" (SELECT coalesce(sum(quarantined), 0) FROM tool_day"
		"   WHERE district_id = ?1 AND tool_id = ?2),"
		" (SELECT count(*) FROM tool_student WHERE district_id = ?1 AND tool_id = ?2),"
		" max(coalesce((SELECT last_received FROM tool_total"
		"   WHERE district_id = ?1 AND tool_id = ?2), 0),"
		"     coalesce((SELECT max(finished_at) FROM import_run"
		"   WHERE district_id = ?1 AND tool_id = ?2 AND kind = 'csv'), 0))",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &tool_data_spec, NULL, out);
	if (rc)
		return rc == EB_ENOTFOUND ? EB_EDB : rc;
	int64_t today = now >= 0 ? now / 86400 : 0;
	out->first_day = (int32_t)(today - (ACTIVITY_DAYS - 1));
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT day, events + quarantined FROM tool_day"
			   " WHERE district_id = ?1 AND tool_id = ?2 AND day >= ?3 AND day < ?4",
			   DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_INT(out->first_day),
				   DB_INT((int64_t)out->first_day + ACTIVITY_DAYS)),
			   &st)))
		return rc;
	while (db_next(st)) {
		int64_t i = db_col_int(st, 0) - out->first_day;
		if (i >= 0 && i < ACTIVITY_DAYS)
			out->per_day[i] += db_col_int(st, 1);
	}
	return db_done(st);
}

DB_ROWSPEC(count_spec, struct activity_count, NULL, DB_FIELD_STR(struct activity_count, text),
	   DB_FIELD_INT(struct activity_count, count));

/* Rows of (text, count) of sql (?1 district, ?2 tool, ?3 limit) into an
 * arena array. */
static enum eb_err text_counts(struct db *db, const char *sql, int64_t district_id, int64_t tool_id,
			       int limit, struct arena *a, struct activity_count **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return db_get_rows(
		db, sql,
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_INT(clamp_limit(limit, 500))),
		&count_spec, a, out, n);
}

enum eb_err activity_quarantine_reasons(struct db *db, int64_t district_id, int64_t tool_id,
					struct arena *a, struct activity_count **out, size_t *n)
{
	return text_counts(
		db,
		"SELECT reason, count(*) FROM quarantine WHERE district_id = ?1 AND tool_id = ?2"
		" GROUP BY reason ORDER BY 2 DESC, 1 LIMIT ?3",
		district_id, tool_id, 50, a, out, n);
}

enum eb_err activity_unmapped(struct db *db, int64_t district_id, int64_t tool_id, int limit,
			      struct arena *a, struct activity_count **out, size_t *n)
{
	return text_counts(
		db,
		"SELECT u.activity_id, count(*) FROM ("
		" SELECT activity_id FROM quarantine WHERE district_id = ?1 AND tool_id = ?2"
		"  AND activity_id IS NOT NULL AND reason = 'activity not mapped to a standard'"
		" UNION ALL"
		" SELECT activity_id FROM learning_event WHERE district_id = ?1 AND tool_id = ?2"
		"  AND activity_id IS NOT NULL AND standard_code IS NULL) u"
		" WHERE NOT EXISTS (SELECT 1 FROM activity_map m WHERE m.district_id = ?1"
		"  AND m.tool_id = ?2 AND m.activity_id = u.activity_id)"
		" GROUP BY u.activity_id ORDER BY 2 DESC, 1 LIMIT ?3",
		district_id, tool_id, limit, a, out, n);
}

DB_ROWSPEC(quarantined_spec, struct activity_quarantined, NULL,
	   DB_FIELD_INT(struct activity_quarantined, id),
	   DB_FIELD_INT(struct activity_quarantined, occurred_at),
	   DB_FIELD_STR(struct activity_quarantined, actor_key),
	   DB_FIELD_TEXT(struct activity_quarantined, activity_id),
	   DB_FIELD_STR(struct activity_quarantined, reason),
	   DB_FIELD_STR(struct activity_quarantined, source));

enum eb_err activity_quarantine_list(struct db *db, int64_t district_id, int64_t tool_id, int limit,
				     struct arena *a, struct activity_quarantined **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	return db_get_rows(
		db,
		"SELECT id, occurred_at, actor_key, activity_id, reason, source FROM quarantine"
		" WHERE district_id = ?1 AND tool_id = ?2 ORDER BY id DESC LIMIT ?3",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_INT(clamp_limit(limit, 500))),
		&quarantined_spec, a, out, n);
}

enum eb_err activity_event_forget(struct db *db, int64_t district_id, int64_t tool_id,
				  const char *statement_id)
{
	return delete_derived(db, district_id, tool_id, statement_id);
}
