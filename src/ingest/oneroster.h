/* oneroster.h - OneRoster 1.1 / 1.2 CSV import (folder, .zip, or in-memory).
 *
 * Validates every file completely before writing anything; a single error
 * rejects the whole import and nothing is stored. On success all files are
 * applied in one transaction (bulk = full set for that type, delta = upsert
 * plus tobedeleted), guardianship is recomputed, and an import_run plus an
 * audit_log row are recorded. The users.csv password column is never stored
 * or printed. See docs/oneroster.md for the tolerated real-world flaws. */
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
};

void oneroster_report_init(struct oneroster_report *rep);
void oneroster_report_free(struct oneroster_report *rep);
/* Counts per file to out (`users.csv: 3120 rows, 3120 added, 0 changed,
 * 0 deleted`), notes and errors (capped at 50, then `... and N more errors`)
 * to err. */
void oneroster_report_print(const struct oneroster_report *rep, FILE *out, FILE *err);

/* Imports in-memory files into district_id. EB_OK when stored; EB_EPARSE when
 * the input has errors (listed in rep, nothing stored); EB_ETOOBIG for a file
 * over ONEROSTER_MAX_FILE; EB_ENOMEM / EB_EDB for internal failures (also a
 * message in rep->errors). rep must have been initialised. */
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
