/* roster_source.h - a district's saved OneRoster REST sources and their runs
 * (migration 043; docs/oneroster_sync.md).
 *
 * The client secret is sealed by the vault (purpose "roster.client_secret")
 * and only ever unsealed into a buf the caller wipes (vault_wipe). */
#ifndef EB_ROSTER_SOURCE_H
#define EB_ROSTER_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct buf;
struct db;

struct roster_source {
	int64_t id, district_id;
	char url[1001], token_url[1001], client_id[513], ca_file[1001];
	char version[4]; /* "1.1" or "1.2" */
	int hour;	 /* the district's local hour of the nightly run */
	bool enabled;
	int64_t last_full_at, last_delta_at; /* 0: never */
	char last_night[11];		     /* YYYY-MM-DD of the last scheduled run */
};

struct roster_sync_run {
	int64_t id, source_id;
	const char *mode;	 /* "full" | "delta" */
	const char *actor_label; /* "scheduled sync", "command line" or a name */
	int64_t started_at, finished_at;
	bool ok;
	int64_t objects, import_run_id;
	const char *reason;
};

/* Saves (or updates, same district and url) a source with its secret
 * sealed; *id gets its id. EB_EINVAL for a field out of its bounds (why);
 * vault errors as vault_for_db / vault_seal. */
enum eb_err roster_source_save(struct db *db, int64_t district_id, const struct roster_source *in,
			       const char *secret, int64_t *id, char *why, size_t cap);

/* Changes source id of the district: url, token_url, client_id, version,
 * hour and enabled from in (its CA file stays as saved: a server path, set
 * from the command line), and the secret sealed anew when secret is not
 * NULL (NULL keeps the sealed one). EB_EINVAL for a field out of its bounds
 * (why: "field: reason"), EB_EEXIST when another source of the district has
 * that url, EB_ENOTFOUND for no such source; vault errors as save. */
enum eb_err roster_source_update(struct db *db, int64_t district_id, int64_t id,
				 const struct roster_source *in, const char *secret, char *why,
				 size_t cap);

/* Removes source id of the district and its runs' history. EB_ENOTFOUND. */
enum eb_err roster_source_remove(struct db *db, int64_t district_id, int64_t id);

/* The source id of the district (id 0: its first source). EB_ENOTFOUND. */
enum eb_err roster_source_get(struct db *db, int64_t district_id, int64_t id,
			      struct roster_source *out);

/* Appends the source's plain secret to secret (wipe it with vault_wipe).
 * Errors as vault_unseal (EB_ENOTFOUND: the key file is not this
 * database's). */
enum eb_err roster_source_secret(struct db *db, const struct roster_source *s, struct buf *secret);

/* Every source of the district, oldest first, into an arena array. */
enum eb_err roster_source_list(struct db *db, int64_t district_id, struct arena *a,
			       struct roster_source **out, size_t *n);

/* Records a finished run; when ok, also the source's last_full_at or
 * last_delta_at (= started_at). actor_account_id 0 for none. reason is
 * stored as given (callers never put a secret in it). */
enum eb_err roster_source_record_run(struct db *db, int64_t district_id, int64_t source_id,
				     bool delta, int64_t actor_account_id, const char *actor_label,
				     int64_t started_at, int64_t finished_at, bool ok,
				     int64_t objects, int64_t import_run_id, const char *reason);

/* The district's last runs (newest first, at most limit) into an arena
 * array. */
enum eb_err roster_source_runs(struct db *db, int64_t district_id, size_t limit, struct arena *a,
			       struct roster_sync_run **out, size_t *n);

/* Turns the source's nightly run on or off (a stopped source can still be
 * run by hand). EB_ENOTFOUND for no such source. */
enum eb_err roster_source_set_enabled(struct db *db, int64_t district_id, int64_t id, bool on);

/* Marks the source's nightly run of day (YYYY-MM-DD) as started: true when
 * this call took it (so that two servers on one database run it once). */
bool roster_source_take_night(struct db *db, int64_t district_id, int64_t id, const char *day);

#endif
