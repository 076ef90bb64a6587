#include "domain/import_log.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/timeutil.h"
#include "store/db.h"

enum eb_err import_log_record(struct db *db, int64_t district_id, const struct import_log_run *run,
			      int64_t *id)
{
	int64_t now = time_now();
	enum eb_err rc = db_execute(
		db,
		"INSERT INTO import_run(district_id,kind,source,started_at,finished_at,ok,summary,"
		"mode,actor,account_id,n_aside,n_waiting,n_linked,notes)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
		DB_ARGS(DB_INT(district_id), DB_TEXT(run->kind ? run->kind : "oneroster"),
			DB_TEXT(run->source ? run->source : ""), DB_INT(run->started_at),
			DB_INT(now), DB_INT(run->ok), DB_TEXT(run->summary ? run->summary : ""),
			DB_TEXT(run->mode), DB_TEXT(run->actor),
			DB_INT_IF(run->account_id > 0, run->account_id), DB_INT(run->n_aside),
			DB_INT(run->n_waiting), DB_INT(run->n_linked), DB_TEXT(run->notes)),
		NULL);
	if (rc)
		return rc;
	int64_t rid = db_last_id(db);
	if (id)
		*id = rid;
	if (!run->ok)
		return EB_OK;
	char sid[32];
	snprintf(sid, sizeof sid, "%lld", (long long)rid);
	const char *actor = run->account_id > 0 && run->actor ? run->actor : "cli";
	return db_execute(db,
			  "INSERT INTO audit_log(district_id,at,account_id,actor,action,"
			  "subject_type,subject_id,detail) VALUES(?1,?2,?3,?4,'import',"
			  "'roster',?5,?6)",
			  DB_ARGS(DB_INT(district_id), DB_INT(now),
				  DB_INT_IF(run->account_id > 0, run->account_id), DB_TEXT(actor),
				  DB_TEXT(sid), DB_TEXT(run->summary ? run->summary : "")),
			  NULL);
}

enum eb_err import_log_add_row(struct db *db, int64_t district_id, int64_t run_id, int64_t seq,
			       const struct import_log_row *row)
{
	return db_execute(db,
			  "INSERT INTO import_row(district_id,run_id,seq,kind,file,line,field,"
			  "sourced_id,reason) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
			  DB_ARGS(DB_INT(district_id), DB_INT(run_id), DB_INT(seq),
				  DB_TEXT(row->kind), DB_TEXT(row->file ? row->file : ""),
				  DB_INT(row->line), DB_TEXT(row->field ? row->field : ""),
				  DB_TEXT(row->sourced_id ? row->sourced_id : ""),
				  DB_TEXT(row->reason ? row->reason : "")),
			  NULL);
}

#define RUN_COLS                                                                                   \
	"id, started_at, coalesce(finished_at, started_at), coalesce(account_id, 0), ok, kind,"    \
	" source, coalesce(mode, 'strict'), coalesce(actor, 'command line'), summary,"             \
	" coalesce(notes, ''), n_aside, n_waiting, n_linked"
DB_ROWSPEC(run_spec, struct import_log_run, NULL, DB_FIELD_INT(struct import_log_run, id),
	   DB_FIELD_INT(struct import_log_run, started_at),
	   DB_FIELD_INT(struct import_log_run, finished_at),
	   DB_FIELD_INT(struct import_log_run, account_id), DB_FIELD_INT(struct import_log_run, ok),
	   DB_FIELD_STR(struct import_log_run, kind), DB_FIELD_STR(struct import_log_run, source),
	   DB_FIELD_STR(struct import_log_run, mode), DB_FIELD_STR(struct import_log_run, actor),
	   DB_FIELD_STR(struct import_log_run, summary), DB_FIELD_STR(struct import_log_run, notes),
	   DB_FIELD_INT(struct import_log_run, n_aside),
	   DB_FIELD_INT(struct import_log_run, n_waiting),
	   DB_FIELD_INT(struct import_log_run, n_linked));

enum eb_err import_log_list(struct db *db, int64_t district_id, int limit, struct arena *a,
			    struct import_log_run **rows, size_t *n)
{
	if (limit < 1 || limit > 500)
		limit = 500;
	return db_get_rows(db,
			   "SELECT " RUN_COLS " FROM import_run WHERE district_id=?1 AND"
			   " kind='oneroster' ORDER BY id DESC LIMIT ?2",
			   DB_ARGS(DB_INT(district_id), DB_INT(limit)), &run_spec, a, rows, n);
}

enum eb_err import_log_get(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			   struct import_log_run *out)
{
	return db_get_row(db,
			  "SELECT " RUN_COLS " FROM import_run WHERE district_id=?1 AND id=?2 AND"
			  " kind='oneroster'",
			  DB_ARGS(DB_INT(district_id), DB_INT(id)), &run_spec, a, out);
}

DB_ROWSPEC(row_spec, struct import_log_row, NULL, DB_FIELD_STR(struct import_log_row, kind),
	   DB_FIELD_STR(struct import_log_row, file), DB_FIELD_INT(struct import_log_row, line),
	   DB_FIELD_STR(struct import_log_row, field),
	   DB_FIELD_STR(struct import_log_row, sourced_id),
	   DB_FIELD_STR(struct import_log_row, reason));

enum eb_err import_log_rows(struct db *db, int64_t district_id, int64_t run_id, const char *kind,
			    struct arena *a, struct import_log_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT kind, file, line, field, sourced_id, reason FROM import_row"
			   " WHERE district_id=?1 AND run_id=?2 AND (?3 IS NULL OR kind=?3)"
			   " ORDER BY seq",
			   DB_ARGS(DB_INT(district_id), DB_INT(run_id), DB_TEXT(kind)), &row_spec,
			   a, rows, n);
}

enum eb_err roster_waiting_put(struct db *db, int64_t district_id,
			       const struct roster_waiting_row *row)
{
	return db_execute(
		db,
		"INSERT INTO roster_waiting(district_id,kind,sourced_id,vals,refs,waits_for,file,"
		"line,run_id,since) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
		" ON CONFLICT (district_id, kind, sourced_id) DO UPDATE SET vals=excluded.vals,"
		" refs=excluded.refs, waits_for=excluded.waits_for, file=excluded.file,"
		" line=excluded.line, run_id=excluded.run_id",
		DB_ARGS(DB_INT(district_id), DB_INT(row->kind), DB_TEXT(row->sourced_id),
			DB_TEXT(row->vals), DB_TEXT(row->refs), DB_TEXT(row->waits_for),
			DB_TEXT(row->file), DB_INT(row->line), DB_INT_IF(row->run_id, row->run_id),
			DB_INT(row->since)),
		NULL);
}

enum eb_err roster_waiting_delete(struct db *db, int64_t district_id, int kind, const char *sid,
				  size_t n, bool *deleted)
{
	int changes = 0;
	enum eb_err rc =
		db_execute(db,
			   "DELETE FROM roster_waiting WHERE district_id=?1 AND kind=?2 AND"
			   " sourced_id=?3",
			   DB_ARGS(DB_INT(district_id), DB_INT(kind), DB_TEXTN(sid, n)), &changes);
	if (deleted)
		*deleted = rc == EB_OK && changes > 0;
	return rc;
}

DB_ROWSPEC(waiting_spec, struct roster_waiting_row, NULL,
	   DB_FIELD_INT(struct roster_waiting_row, kind),
	   DB_FIELD_STR(struct roster_waiting_row, sourced_id),
	   DB_FIELD_STR(struct roster_waiting_row, vals),
	   DB_FIELD_STR(struct roster_waiting_row, refs),
	   DB_FIELD_STR(struct roster_waiting_row, waits_for),
	   DB_FIELD_STR(struct roster_waiting_row, file),
	   DB_FIELD_INT(struct roster_waiting_row, line),
	   DB_FIELD_INT(struct roster_waiting_row, run_id),
	   DB_FIELD_INT(struct roster_waiting_row, since));

enum eb_err roster_waiting_all(struct db *db, int64_t district_id, struct arena *a,
			       struct roster_waiting_row **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT kind, sourced_id, vals, refs, waits_for, file, line,"
			   " coalesce(run_id, 0), since FROM roster_waiting WHERE district_id=?1"
			   " ORDER BY kind, sourced_id",
			   DB_ARGS(DB_INT(district_id)), &waiting_spec, a, rows, n);
}

enum eb_err roster_waiting_claim(struct db *db, int64_t district_id, int64_t run_id)
{
	return db_execute(db,
			  "UPDATE roster_waiting SET run_id=?2 WHERE district_id=?1 AND run_id IS"
			  " NULL",
			  DB_ARGS(DB_INT(district_id), DB_INT(run_id)), NULL);
}

enum eb_err roster_waiting_count(struct db *db, int64_t district_id, int64_t *n)
{
	return db_get_int(db, "SELECT count(*) FROM roster_waiting WHERE district_id=?1",
			  DB_ARGS(DB_INT(district_id)), n);
}

enum eb_err import_log_each_student(struct db *db, int64_t district_id,
				    void (*fn)(void *ctx, const char *sid, size_t n), void *ctx)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT sourced_id FROM person WHERE district_id=?1 AND"
				  " role='student'",
				  DB_ARGS(DB_INT(district_id)), &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		const char *s = db_col_text(st, 0);
		if (s)
			fn(ctx, s, strlen(s));
	}
	return db_done(st);
}
