/* gradebook_sync.h - `edbridge sync gradebook` (docs/gradebook.md), which
 * cmd_sync.c dispatches to. */
#ifndef EB_CLI_GRADEBOOK_SYNC_H
#define EB_CLI_GRADEBOOK_SYNC_H

#include <stdbool.h>

#include "base/buf.h"

/* Runs the subcommand (argv[0] "gradebook"). read_secret is cmd_sync's
 * reader of the client secret (--client-secret-file F or one line of stdin):
 * false when there is none (reason printed). Returns the exit status. */
int sync_gradebook(int argc, char **argv, bool (*read_secret)(int, char **, struct buf *));

#endif
