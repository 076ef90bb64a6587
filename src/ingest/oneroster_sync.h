/* oneroster_sync.h - a district's roster pulled from its SIS's OneRoster REST
 * service and applied through the one OneRoster apply path.
 *
 * A run fetches orgs, academicSessions, courses, classes, users, enrollments
 * and demographics (oneroster_rest), writes them as the CSV files of a
 * OneRoster export in memory (1.2: roles.csv from the users' roles) and
 * hands them to oneroster_import_files: its validation, report and
 * transaction decide what is stored. Nothing is applied unless every page of
 * every collection arrived. A full run is bulk (what the SIS no longer lists
 * is removed); a delta run asks for `dateLastModified>'SINCE'` and is a delta
 * import (status tobedeleted deletes). docs/oneroster_sync.md. */
#ifndef EB_ONEROSTER_SYNC_H
#define EB_ONEROSTER_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "ingest/oneroster.h"
#include "ingest/oneroster_rest.h"

struct db;

#define ONEROSTER_SYNC_COLLECTIONS 7

struct oneroster_sync_opts {
	const struct oneroster_rest_config *rest;
	bool delta;
	int64_t since; /* delta: objects modified after this (Unix seconds, UTC) */
	/* how the import applies it (strict, the large-removal guard, who ran
	 * it); its source is set here ("sync <service root>") when NULL */
	struct oneroster_options import;
};

struct oneroster_sync_result {
	long objects
		[ONEROSTER_SYNC_COLLECTIONS]; /* per collection, in oneroster_sync_names order */
	long total;
	int64_t started_at; /* when the first request left: the next delta's since */
	double fetch_seconds, apply_seconds;
	struct oneroster_rest_stats http;
	bool applied; /* the import stored the roster */
};

/* The collection names in fetch order ("orgs" ... "demographics"). */
extern const char *const oneroster_sync_names[ONEROSTER_SYNC_COLLECTIONS];

/* Fetches and applies (see above). EB_OK when applied; a fetch failure
 * returns oneroster_rest_get_all's error with its reason in why (nothing
 * applied); the import's result is oneroster_import_files_opts's (EB_OK
 * with rows set aside in lenient mode, EB_EPARSE refused, EB_ECONFLICT the
 * large-removal guard stopped it: nothing stored), the rows' problems in rep.
 * rep must have been initialised; res is filled in any case. */
enum eb_err oneroster_sync(struct db *db, int64_t district_id, const struct oneroster_sync_opts *o,
			   struct oneroster_sync_result *res, struct oneroster_report *rep,
			   char *why, size_t cap);

/* Runs a saved source (domain/roster_source.h) of the district: unseals its
 * secret, runs oneroster_sync (delta from the source's last applied run when
 * delta is true and there is one, else full) and records the run
 * (roster_sync_run: actor_account_id 0 for none, actor_label such as
 * "scheduled sync"). import may be NULL (lenient, the 10 % guard); its
 * actor fields are set from the actor's. EB_ENOTFOUND for no such source. */
enum eb_err oneroster_sync_source(struct db *db, int64_t district_id, int64_t source_id, bool delta,
				  int64_t actor_account_id, const char *actor_label,
				  const struct oneroster_options *import,
				  struct oneroster_sync_result *res, struct oneroster_report *rep,
				  char *why, size_t cap);

#endif
