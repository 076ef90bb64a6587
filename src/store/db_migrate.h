/* db_migrate.h - moving a whole district database from SQLite to
 * PostgreSQL (`edbridge migrate`, docs/scale.md).
 *
 * Every table the target has, in the order of its foreign keys, is copied
 * with COPY in one transaction (all or nothing): ids kept, identity
 * sequences moved past them, sealed secrets (domain/vault.h) copied as they
 * are, so the PostgreSQL server must use the same vault key file
 * (EDBRIDGE_VAULT_KEY_FILE naming the SQLite database's FILE.key). Then the
 * rows of each table are counted on both sides. */
#ifndef EB_DB_MIGRATE_H
#define EB_DB_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* One table's verification: rows in the source and in the target after
 * the copy; note is "" or says why they may differ ("not on PostgreSQL",
 * "not in the source"). */
typedef void (*db_migrate_report_fn)(void *ctx, const char *table, int64_t source, int64_t target,
				     const char *note);

/* Copies the SQLite database at from (migrated first, as any command
 * opens it) into the PostgreSQL database at to, which gets every migration
 * and must hold no district yet. report is called once per table after the
 * copy (sorted by name); *mismatches gets the number of tables whose counts
 * differ. EB_EINVAL: from is not a SQLite file or to not a postgresql://
 * URL, or their schema versions differ; EB_EEXIST: the target is not empty;
 * EB_EIO / EB_EDB with errmsg when a side cannot be read or written (the
 * target then holds nothing of the copy). */
enum eb_err db_migrate(const char *from, const char *to, db_migrate_report_fn report, void *ctx,
		       int *mismatches, char *errmsg, size_t cap);

#endif
