/* roster_source.c - saved OneRoster REST sources and their runs (SQL). */
#include "domain/roster_source.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/timeutil.h"
#include "domain/vault.h"
#include "store/db.h"

#define ROSTER_SECRET_PURPOSE "roster.client_secret"

static bool text_ok(const char *s, size_t lo, size_t hi)
{
	size_t n = s ? strlen(s) : 0;
	if (n < lo || n > hi)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* The bounds of a source's fields (the table's CHECKs), as "field: reason". */
static enum eb_err fields_ok(const struct roster_source *in, char *why, size_t cap)
{
	if (!text_ok(in->url, 8, 1000))
		return eb_say(why, cap, EB_EINVAL, "url: 8 to 1000 characters");
	if (!text_ok(in->token_url, 0, 1000) || !text_ok(in->ca_file, 0, 1000))
		return eb_say(why, cap, EB_EINVAL, "token url / CA file: at most 1000 characters");
	if (!text_ok(in->client_id, 1, 512))
		return eb_say(why, cap, EB_EINVAL, "client id: 1 to 512 characters");
	if (strcmp(in->version, "1.1") && strcmp(in->version, "1.2"))
		return eb_say(why, cap, EB_EINVAL, "version: 1.1 or 1.2");
	if (in->hour < 0 || in->hour > 23)
		return eb_say(why, cap, EB_EINVAL, "hour: 0 to 23");
	return EB_OK;
}

/* secret sealed into sealed (why on failure) */
static enum eb_err seal_secret(struct db *db, const char *secret, struct buf *sealed, char *why,
			       size_t cap)
{
	struct vault *v = NULL;
	if (!secret || !*secret || strlen(secret) > 4096)
		return eb_say(why, cap, EB_EINVAL, "client secret: 1 to 4096 bytes");
	enum eb_err rc = vault_for_db(db, &v);
	if (rc)
		return eb_say(
			why, cap, rc,
			"the secret vault's key file cannot be read or made (docs/security.md)");
	rc = vault_seal(v, ROSTER_SECRET_PURPOSE, secret, strlen(secret), sealed);
	vault_close(v);
	if (rc == EB_OK && buf_failed(sealed))
		rc = EB_ENOMEM;
	return rc;
}

enum eb_err roster_source_update(struct db *db, int64_t district_id, int64_t id,
				 const struct roster_source *in, const char *secret, char *why,
				 size_t cap)
{
	struct buf sealed = BUF_INIT;
	struct roster_source old;
	enum eb_err rc = roster_source_get(db, district_id, id, &old);
	if (rc)
		return rc;
	if ((rc = fields_ok(in, why, cap)))
		return rc;
	if (secret && (rc = seal_secret(db, secret, &sealed, why, cap)))
		goto out;
	rc = db_execute(db,
			"UPDATE roster_source SET url = ?3, token_url = ?4, client_id = ?5,"
			" version = ?6, hour = ?7, enabled = ?8,"
			" client_secret_sealed = coalesce(?9, client_secret_sealed)"
			" WHERE district_id = ?1 AND id = ?2",
			DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(in->url),
				DB_TEXT(in->token_url), DB_TEXT(in->client_id),
				DB_TEXT(in->version), DB_INT(in->hour), DB_INT(in->enabled ? 1 : 0),
				DB_TEXT(sealed.len ? buf_cstr(&sealed) : NULL)),
			NULL);
	if (rc == EB_EEXIST)
		eb_say(why, cap, rc, "url: another source of the district has this URL");
out:
	vault_wipe(&sealed);
	return rc;
}

enum eb_err roster_source_remove(struct db *db, int64_t district_id, int64_t id)
{
	int changed = 0;
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_execute(db, "DELETE FROM roster_sync_run WHERE district_id = ?1 AND source_id = ?2",
			DB_ARGS(DB_INT(district_id), DB_INT(id)), NULL);
	if (!rc)
		rc = db_execute(db, "DELETE FROM roster_source WHERE district_id = ?1 AND id = ?2",
				DB_ARGS(DB_INT(district_id), DB_INT(id)), &changed);
	if (!rc && !changed)
		rc = EB_ENOTFOUND;
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

enum eb_err roster_source_save(struct db *db, int64_t district_id, const struct roster_source *in,
			       const char *secret, int64_t *id, char *why, size_t cap)
{
	struct buf sealed = BUF_INIT;
	enum eb_err rc;

	if ((rc = fields_ok(in, why, cap)))
		return rc;
	if ((rc = seal_secret(db, secret, &sealed, why, cap)))
		goto out;
	rc = db_execute(
		db,
		"INSERT INTO roster_source(district_id, url, token_url, client_id,"
		" client_secret_sealed, version, ca_file, hour, enabled, created_at)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9)"
		" ON CONFLICT (district_id, url) DO UPDATE SET token_url = excluded.token_url,"
		" client_id = excluded.client_id,"
		" client_secret_sealed = excluded.client_secret_sealed,"
		" version = excluded.version, ca_file = excluded.ca_file,"
		" hour = excluded.hour, enabled = 1",
		DB_ARGS(DB_INT(district_id), DB_TEXT(in->url), DB_TEXT(in->token_url),
			DB_TEXT(in->client_id), DB_TEXT(buf_cstr(&sealed)), DB_TEXT(in->version),
			DB_TEXT(in->ca_file), DB_INT(in->hour), DB_INT(time_now())),
		NULL);
	if (rc == EB_OK && id)
		rc = db_get_int(db,
				"SELECT id FROM roster_source WHERE district_id = ?1 AND url = ?2",
				DB_ARGS(DB_INT(district_id), DB_TEXT(in->url)), id);
out:
	vault_wipe(&sealed);
	return rc;
}

#define SOURCE_COLS                                                                                \
	"id, district_id, url, token_url, client_id, ca_file, version, hour, enabled,"             \
	" coalesce(last_full_at, 0), coalesce(last_delta_at, 0), last_night"

DB_ROWSPEC(source_spec, struct roster_source, NULL, DB_FIELD_INT(struct roster_source, id),
	   DB_FIELD_INT(struct roster_source, district_id),
	   DB_FIELD_CHARS(struct roster_source, url),
	   DB_FIELD_CHARS(struct roster_source, token_url),
	   DB_FIELD_CHARS(struct roster_source, client_id),
	   DB_FIELD_CHARS(struct roster_source, ca_file),
	   DB_FIELD_CHARS(struct roster_source, version), DB_FIELD_INT(struct roster_source, hour),
	   DB_FIELD_INT(struct roster_source, enabled),
	   DB_FIELD_INT(struct roster_source, last_full_at),
	   DB_FIELD_INT(struct roster_source, last_delta_at),
	   DB_FIELD_CHARS(struct roster_source, last_night));

enum eb_err roster_source_get(struct db *db, int64_t district_id, int64_t id,
			      struct roster_source *out)
{
	if (id)
		return db_get_row(db,
				  "SELECT " SOURCE_COLS
				  " FROM roster_source WHERE district_id = ?1 AND id = ?2",
				  DB_ARGS(DB_INT(district_id), DB_INT(id)), &source_spec, NULL,
				  out);
	return db_get_row(db,
			  "SELECT " SOURCE_COLS
			  " FROM roster_source WHERE district_id = ?1 ORDER BY id LIMIT 1",
			  DB_ARGS(DB_INT(district_id)), &source_spec, NULL, out);
}

enum eb_err roster_source_secret(struct db *db, const struct roster_source *s, struct buf *secret)
{
	struct vault *v = NULL;
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT client_secret_sealed FROM roster_source"
				  " WHERE district_id = ?1 AND id = ?2",
				  DB_ARGS(DB_INT(s->district_id), DB_INT(s->id)), &st);
	if (rc)
		return rc;
	if (!db_next(st)) {
		rc = db_done(st);
		return rc ? rc : EB_ENOTFOUND;
	}
	if ((rc = vault_for_db(db, &v)) == EB_OK)
		rc = vault_unseal(v, ROSTER_SECRET_PURPOSE, db_col_text(st, 0), secret);
	vault_close(v);
	enum eb_err rc2 = db_done(st);
	return rc ? rc : rc2;
}

enum eb_err roster_source_list(struct db *db, int64_t district_id, struct arena *a,
			       struct roster_source **out, size_t *n)
{
	return db_get_rows(db,
			   "SELECT " SOURCE_COLS " FROM roster_source WHERE district_id = ?1"
			   " ORDER BY id",
			   DB_ARGS(DB_INT(district_id)), &source_spec, a, out, n);
}

enum eb_err roster_source_record_run(struct db *db, int64_t district_id, int64_t source_id,
				     bool delta, int64_t actor_account_id, const char *actor_label,
				     int64_t started_at, int64_t finished_at, bool ok,
				     int64_t objects, int64_t import_run_id, const char *reason)
{
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_execute(
		db,
		"INSERT INTO roster_sync_run(district_id, source_id, mode, actor_account_id,"
		" actor_label, started_at, finished_at, ok, objects, import_run_id, reason)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		DB_ARGS(DB_INT(district_id), DB_INT(source_id), DB_TEXT(delta ? "delta" : "full"),
			DB_INT_IF(actor_account_id > 0, actor_account_id), DB_TEXT(actor_label),
			DB_INT(started_at), DB_INT(finished_at), DB_INT(ok ? 1 : 0),
			DB_INT(objects), DB_INT_IF(import_run_id > 0, import_run_id),
			DB_TEXT(reason ? reason : "")),
		NULL);
	if (rc == EB_OK && ok && delta)
		rc = db_execute(db,
				"UPDATE roster_source SET last_delta_at = ?3"
				" WHERE district_id = ?1 AND id = ?2",
				DB_ARGS(DB_INT(district_id), DB_INT(source_id), DB_INT(started_at)),
				NULL);
	else if (rc == EB_OK && ok)
		rc = db_execute(db,
				"UPDATE roster_source SET last_full_at = ?3"
				" WHERE district_id = ?1 AND id = ?2",
				DB_ARGS(DB_INT(district_id), DB_INT(source_id), DB_INT(started_at)),
				NULL);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

DB_ROWSPEC(run_spec, struct roster_sync_run, NULL, DB_FIELD_INT(struct roster_sync_run, id),
	   DB_FIELD_INT(struct roster_sync_run, source_id),
	   DB_FIELD_STR(struct roster_sync_run, mode),
	   DB_FIELD_STR(struct roster_sync_run, actor_label),
	   DB_FIELD_INT(struct roster_sync_run, started_at),
	   DB_FIELD_INT(struct roster_sync_run, finished_at),
	   DB_FIELD_INT(struct roster_sync_run, ok), DB_FIELD_INT(struct roster_sync_run, objects),
	   DB_FIELD_INT(struct roster_sync_run, import_run_id),
	   DB_FIELD_STR(struct roster_sync_run, reason));

enum eb_err roster_source_runs(struct db *db, int64_t district_id, size_t limit, struct arena *a,
			       struct roster_sync_run **out, size_t *n)
{
	return db_get_rows(db,
			   "SELECT id, source_id, mode, actor_label, started_at, finished_at, ok,"
			   " objects, coalesce(import_run_id, 0), reason FROM roster_sync_run"
			   " WHERE district_id = ?1 ORDER BY started_at DESC, id DESC LIMIT ?2",
			   DB_ARGS(DB_INT(district_id), DB_INT(limit)), &run_spec, a, out, n);
}

bool roster_source_take_night(struct db *db, int64_t district_id, int64_t id, const char *day)
{
	int changed = 0;
	if (db_execute(db,
		       "UPDATE roster_source SET last_night = ?3"
		       " WHERE district_id = ?1 AND id = ?2 AND last_night <> ?3 AND enabled = 1",
		       DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(day)), &changed))
		return false;
	return changed == 1;
}

enum eb_err roster_source_set_enabled(struct db *db, int64_t district_id, int64_t id, bool on)
{
	int changed = 0;
	enum eb_err rc = db_execute(db,
				    "UPDATE roster_source SET enabled = ?3"
				    " WHERE district_id = ?1 AND id = ?2",
				    DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(on ? 1 : 0)),
				    &changed);
	return rc ? rc : changed ? EB_OK : EB_ENOTFOUND;
}
