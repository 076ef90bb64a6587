/* gradebook_sync.h - `edbridge sync gradebook` (docs/gradebook.md), which
 * cmd_sync.c dispatches to. */
#ifndef EB_CLI_GRADEBOOK_SYNC_H
#define EB_CLI_GRADEBOOK_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"
#include "domain/gradebook.h"

struct db;

/* Runs the subcommand (argv[0] "gradebook"). read_secret is cmd_sync's
 * reader of the client secret (--client-secret-file F or one line of stdin):
 * false when there is none (reason printed). Returns the exit status. */
int sync_gradebook(int argc, char **argv, bool (*read_secret)(int, char **, struct buf *));

/* Pulls the Gradebook of district_id's saved OneRoster 1.2 source source_id
 * (0: the first) with its sealed credentials (its .../rostering/v1p2 root
 * becomes .../gradebook/v1p2) and stores it under tool_id, as
 * oneroster_gradebook_sync does (filter: NULL or a dateLastModified
 * expression). EB_ENOTSUP for a 1.1 source; why says what failed. */
enum eb_err gradebook_sync_saved(struct db *db, int64_t district_id, int64_t source_id,
				 int64_t tool_id, const char *filter, struct buf *errs,
				 struct gradebook_report *rep, char *why, size_t cap);

/* serve's nightly run after the source's roster sync: gradebook_sync_saved,
 * logged (a provider without a Gradebook service, 404, is only noted). */
void gradebook_sync_nightly(struct db *db, int64_t district_id, int64_t source_id);

#endif
