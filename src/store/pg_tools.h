/* pg_tools.h - PostgreSQL's own client programs run for the store (store/
 * only): pg_dump for `edbridge backup`, pg_restore for `edbridge restore`
 * (db.h: db_backup, db_restore; docs/scale.md).
 *
 * The programs are Debian's postgresql-client-15 (/usr/lib/postgresql/15/bin,
 * else the PATH's; $EDBRIDGE_PG_BIN names another directory). A password in
 * the URL never reaches their command line (ps shows it to every user of
 * the machine): it is taken out of the URL and given to the child alone in
 * PGPASSWORD; PGPASSFILE and the rest of libpq's environment pass through. */
#ifndef EB_PG_TOOLS_H
#define EB_PG_TOOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

/* Writes a custom-format dump (pg_dump -Fc) of the database at url into
 * the existing file dest (truncated; its mode kept). EB_EIO with errmsg
 * (the program's first line of error) when the dump fails. */
enum eb_err pgtools_dump(const char *url, const char *dest, char *errmsg, size_t cap);

/* True when path starts like a pg_dump custom-format archive. */
bool pgtools_is_archive(const char *path);

/* The highest schema_version row in the archive at path (pg_restore of
 * that table's data alone); EB_EINVAL when the archive has none. */
enum eb_err pgtools_archive_version(const char *path, int *version, char *errmsg, size_t cap);

/* Restores the archive at path into the database at url in one
 * transaction (pg_restore --single-transaction --exit-on-error --no-owner;
 * with clean, --clean --if-exists first drops what the archive holds).
 * EB_EIO with errmsg when it fails: nothing of it is left. */
enum eb_err pgtools_restore(const char *url, const char *path, bool clean, char *errmsg,
			    size_t cap);

/* The tables in the database at url's current schema (0: empty, ready for
 * a restore or a migrate). EB_EIO when it cannot connect. */
enum eb_err pgtools_table_count(const char *url, int64_t *n, char *errmsg, size_t cap);

#endif
