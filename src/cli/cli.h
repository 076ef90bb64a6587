/* cli.h - shared pieces of the command line (delivery layer).
 *
 * Each subcommand is `int cmd_NAME(int argc, char **argv)` where argv[0] is
 * the subcommand's name; it returns the process exit status (0 ok, 1 the
 * work failed, 2 usage error). Every subcommand accepts --help and
 * --db FILE (default $EDBRIDGE_DB, else edbridge.db). */
#ifndef EB_CLI_H
#define EB_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;

/* Value following `name` (as `--x V` or `--x=V`), or NULL. */
const char *cli_opt(int argc, char **argv, const char *name);
bool cli_flag(int argc, char **argv, const char *name);
/* The i-th argument that is neither an option nor an option's value.
 * Options listed in `valued` (NULL-terminated) take a value. */
const char *cli_positional(int argc, char **argv, int i, const char *const *valued);
/* Integer option with bounds; prints the reason and returns EB_EINVAL when bad. */
enum eb_err cli_opt_int(int argc, char **argv, const char *name, int64_t min, int64_t max,
			int64_t dflt, int64_t *out);

const char *cli_db_path(int argc, char **argv);
/* Opens (and migrates) the database; prints a reason on failure. With
 * create=false a missing file is an error that says to run `edbridge init`. */
enum eb_err cli_open_db(int argc, char **argv, bool create, struct db **out);
/* The district the command works on: --district-id N, else the only one.
 * Prints a reason when there is none or several. */
enum eb_err cli_district(int argc, char **argv, struct db *db, int64_t *district_id);

/* Reads the whole file at path into a malloc'd buffer, NUL-terminated;
 * *len gets its length without the NUL. At most max bytes: a larger file,
 * one that cannot be opened or a read error prints "<cmd>: <path>: reason"
 * and returns NULL. */
char *cli_read_file(const char *cmd, const char *path, size_t max, size_t *len);

/* Prints `text` when --help is present and returns true. */
bool cli_help(int argc, char **argv, const char *text);

#endif
