/* device_csv.h - the device inventory from a CSV file, by profile:
 * `edbridge device import --profile P FILE` and the upload on /devices.
 * docs/devices.md lists the profiles and their columns.
 *
 *   google   the Google Admin console's ChromeOS device export ("Serial
 *            Number", "Asset ID", "Model", "Status", "Org Unit Path",
 *            "Annotated Location", "Recent Users", "Last Sync", "Notes",
 *            "Auto Update Expiration", "Support End Date"; others ignored)
 *   generic  our own columns: asset_tag, serial, model, kind, school,
 *            status, purchase_date, warranty_end, update_end, notes,
 *            org_unit, last_user, last_sync
 *
 * Each row is upserted by its asset tag, or by its serial number when the
 * asset tag is empty (a new device is then tagged with its serial). The
 * file is validated whole before anything is stored; a file with any bad
 * row is refused entirely, each problem reported as "FILE:LINE: field:
 * reason" (ingest/file_errs.h): a duplicate asset tag or serial in the
 * file, an unknown school, a bad date, an unknown kind or status, a
 * missing column. */
#ifndef EB_DEVICE_CSV_H
#define EB_DEVICE_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct db;
struct audit_actor;

struct device_profile;

/* The profile called name ("google", "generic"), or NULL. */
const struct device_profile *device_profile_find(const char *name);
/* The profiles' names, comma-separated, for a usage line. */
const char *device_profile_names(void);

struct device_import_report {
	size_t rows, created, updated;
};

/* Imports data[0..len) (modified in place; label: the file's name as the
 * person knows it) into the district's inventory by profile p, in one
 * transaction (db_begin; the caller must hold none) with an audit entry by
 * who, at time now. EB_EINVAL with the problems in errors (may be NULL)
 * when the file is refused: nothing is stored then. */
enum eb_err device_csv_import(struct db *db, int64_t district_id, const struct audit_actor *who,
			      const struct device_profile *p, const char *label, char *data,
			      size_t len, int64_t now, struct device_import_report *rep,
			      struct buf *errors);

#endif
