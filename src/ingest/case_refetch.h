/* case_refetch.h - a saved CASE provider (domain/case_provider.h) fetched
 * again and its package imported over the framework it gave before
 * (ingest/case_pkg.h: the items replaced in one transaction, or nothing
 * stored). The one path `edbridge import case --provider` and the
 * "Fetch again" button of /frameworks share (docs/case.md). */
#ifndef EB_CASE_REFETCH_H
#define EB_CASE_REFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "domain/case_provider.h"
#include "ingest/case_pkg.h"

struct db;

/* Fetches provider p of the district (its sealed secret unsealed only for
 * the call; ca_file NULL: the one saved with it) and imports the package
 * (case_pkg_import: actor_account_id 0 for the command line). On success
 * the provider records the fetch and *res says what changed. Errors: those
 * of case_provider_fetch with why set (EB_EINVAL, EB_EIO, EB_EAUTH,
 * EB_ETOOBIG: nothing fetched, nothing stored), the vault's (why set), or
 * case_pkg_import's with the "<JSON path>: <reason>" lines in errs and why
 * "the package was refused" (nothing stored). */
enum eb_err case_refetch(struct db *db, int64_t district_id, const struct case_provider_row *p,
			 const char *ca_file, int64_t actor_account_id, int64_t now,
			 struct case_pkg_result *res, struct buf *errs, char *why, size_t whycap);

#endif
