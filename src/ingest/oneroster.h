/* oneroster.h - OneRoster 1.1 / 1.2 CSV import (folder, .zip, or in-memory).
 *
 * Validates every file completely before writing anything. Two modes
 * (struct oneroster_options): lenient (the default of the _opts calls)
 * applies every sound row and sets aside each bad row with its file, line,
 * field and reason; rows whose parent (org parent, class's course or
 * school, enrollment's class or user ...) is missing are stored waiting
 * (roster_waiting) and applied by the first later import that brings the
 * parent. strict rejects the whole import on any error (nothing stored).
 * Either way what is applied is applied in one transaction (bulk = full set
 * for that type, delta = upsert plus tobedeleted), guardianship is
 * recomputed, and an import_run (with its set-aside rows) plus an audit_log
 * row are recorded. A run that would remove more than removal_limit of the
 * district's students, classes or enrollments stops before writing unless
 * allow_large_removal. The users.csv password column is never stored or
 * printed. See docs/oneroster.md for the tolerated real-world flaws. */
#ifndef EB_ONEROSTER_H
#define EB_ONEROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

/* One CSV file. name is the file name as found (any directory part is
 * ignored, matching is case-insensitive: "users.csv", "Users.CSV"). data is
 * not modified by oneroster_import_files (it works on a copy). */
struct oneroster_file {
	const char *name;
	char *data;
	size_t len;
};

#define ONEROSTER_MAX_ERRORS 50
#define ONEROSTER_MAX_FILE (1u << 30)	 /* bytes per file */
#define ONEROSTER_MAX_TOTAL (3ull << 30) /* bytes of all files of one import */
#define ONEROSTER_ZIP_MAX_RATIO 100	 /* CSV bytes per byte of a .zip, at most */

enum oneroster_mode { OR_ABSENT, OR_BULK, OR_DELTA };

struct oneroster_count {
	const char *name; /* the file's name as given */
	enum oneroster_mode mode;
	bool ignored; /* present but not used (userProfiles ...) */
	long rows, added, changed, deleted;
};

/* One row set aside by a lenient import (not applied; listed in the report
 * and stored with the import_run). file is the file's base name, line its
 * 1-based line (0: the whole file), field the OneRoster column ("csv" for a
 * syntax problem), sourced_id the row's sourcedId when it has one ("" else). */
struct oneroster_aside {
	const char *file, *field, *reason, *sourced_id;
	size_t line;
};

/* One row kept waiting for a missing parent (waits_for: "class 'k9'"), or,
 * with linked set, a row that waited and was applied by this import. */
struct oneroster_waiting {
	const char *file, *sourced_id, *waits_for;
	size_t line; /* in the file that brought it (0 for a linked row) */
	bool linked;
};

/* What the large-removal guard found for one kind (students, classes,
 * enrollments) when it stopped an import. */
struct oneroster_removal {
	const char *what; /* "students", "classes", "enrollments" */
	long remove, stored;
};

/* A zeroed struct is the default: lenient, guard at 10 %. */
struct oneroster_options {
	bool strict;		  /* any error rejects the whole import (as before 17) */
	bool allow_large_removal; /* skip the large-removal guard */
	double removal_limit;	  /* share that trips the guard; <= 0 means 0.10 */
	const char *source;	  /* shown in import_run ("upload roster.zip",
				   * "sync https://sis..."); NULL: the path or "memory" */
	int64_t actor_user_id;	  /* account that ran it, 0: none (CLI, schedule) */
	const char *actor;	  /* who, for the history page: "command line",
				   * "scheduled sync", or NULL = the account's name
				   * (actor_user_id) or "command line" */
};

struct oneroster_report {
	struct arena arena; /* owns every string below */
	char version[8];    /* "1.1" or "1.2" once the manifest was read */
	struct oneroster_count files[24];
	size_t nfiles;
	long guardians_added, guardians_deleted;
	bool guardians_synced;
	const char *errors[ONEROSTER_MAX_ERRORS]; /* "file:line:col: field: reason" */
	size_t nerrors;				  /* stored (<= ONEROSTER_MAX_ERRORS) */
	size_t nerrors_total;			  /* found */
	const char **notes;			  /* tolerated flaws and ignored things */
	size_t nnotes, notes_cap;
	int64_t run_id; /* import_run id on success */
	double seconds;
	/* lenient mode (all in arena) */
	struct oneroster_aside *aside; /* every set-aside row */
	size_t naside, aside_cap;
	struct oneroster_waiting *waiting; /* rows kept waiting, then rows linked */
	size_t nwaiting, waiting_cap;
	long nlinked; /* earlier waiting rows applied by this import */
	/* the large-removal guard stopped the import (EB_ECONFLICT) */
	bool removal_stopped;
	struct oneroster_removal removals[3];
	size_t nremovals;
	bool strict; /* the mode it ran in */
};

void oneroster_report_init(struct oneroster_report *rep);
void oneroster_report_free(struct oneroster_report *rep);
/* Counts per file to out (`users.csv: 3120 rows, 3120 added, 0 changed,
 * 0 deleted`), notes and errors (capped at 50, then `... and N more errors`)
 * to err; then the set-aside and waiting rows (at most 50 each, then a
 * count) and, when the guard stopped it, what would have been removed. */
void oneroster_report_print(const struct oneroster_report *rep, FILE *out, FILE *err);

/* Imports in-memory files into district_id with opts (NULL: the default,
 * lenient with the 10 % guard). This is the one apply path: the CLI, the
 * upload page and the OneRoster REST sync (which builds in-memory CSV files,
 * manifest.csv included, from the REST answers) all come here.
 * Returns EB_OK when the import was applied: in lenient mode rows may have
 * been set aside (rep->naside) or kept waiting (rep->nwaiting). EB_EPARSE
 * when the input is refused (strict: any error; lenient: an error that is
 * not one row's, such as a missing manifest or an unusable header; listed in
 * rep, nothing stored); EB_ECONFLICT when the large-removal guard stopped it
 * (rep->removals says what it would remove; nothing stored); EB_ETOOBIG for a
 * file over ONEROSTER_MAX_FILE; EB_ENOMEM / EB_EDB for internal failures
 * (also a message in rep->errors). rep must have been initialised. */
enum eb_err oneroster_import_files_opts(struct db *db, int64_t district_id,
					struct oneroster_file *files, size_t n,
					const struct oneroster_options *opts,
					struct oneroster_report *rep);
/* The same for a folder or .zip (see oneroster_import_path), and a .zip in
 * memory (see oneroster_import_zip). */
enum eb_err oneroster_import_path_opts(struct db *db, int64_t district_id, const char *path,
				       const struct oneroster_options *opts,
				       struct oneroster_report *rep);
enum eb_err oneroster_import_zip_opts(struct db *db, int64_t district_id, const void *zip,
				      size_t len, const char *source,
				      const struct oneroster_options *opts,
				      struct oneroster_report *rep);

/* The calls before issue 17, kept for programs that want all-or-nothing:
 * oneroster_import_files_opts with strict and allow_large_removal set.
 * EB_OK when stored; EB_EPARSE when the input has errors (listed in rep,
 * nothing stored); EB_ETOOBIG for a file over ONEROSTER_MAX_FILE; EB_ENOMEM /
 * EB_EDB for internal failures (also a message in rep->errors). */
enum eb_err oneroster_import_files(struct db *db, int64_t district_id, struct oneroster_file *files,
				   size_t n, struct oneroster_report *rep);
/* Same for a folder holding the CSV files or a .zip archive (by extension;
 * files may sit in one sub-folder of the archive). EB_EIO with a message in
 * rep when the path cannot be read. source for import_run is the path.
 * A zip's CSV entries may expand to ONEROSTER_ZIP_MAX_RATIO times the
 * archive's size and oneroster_max_total() at most (EB_ETOOBIG, checked on
 * the sizes the archive states before anything is inflated); an entry
 * that holds more than it states is refused as soon as that shows. */
enum eb_err oneroster_import_path(struct db *db, int64_t district_id, const char *path,
				  struct oneroster_report *rep);
/* The same for a .zip archive in memory (len bytes); source names it in
 * messages and in import_run. */
enum eb_err oneroster_import_zip(struct db *db, int64_t district_id, const void *zip, size_t len,
				 const char *source, struct oneroster_report *rep);

/* Reads the CSV files of a folder or a .zip with the limits of
 * oneroster_import_path, without importing them (the Gradebook-only import
 * reads its package this way). *files: free with oneroster_files_free;
 * nothing to free on an error (a message in rep). */
enum eb_err oneroster_load_path(const char *path, struct oneroster_file **files, size_t *n,
				struct oneroster_report *rep);
void oneroster_files_free(struct oneroster_file *files, size_t n);

/* The most CSV bytes one import may hold: ONEROSTER_MAX_TOTAL, or a quarter
 * of the machine's memory when that is less. */
uint64_t oneroster_max_total(void);

#endif
