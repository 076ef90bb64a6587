/* csv_profile.h - vendor CSV exports turned into learning events through
 * declarative profiles.
 *
 * A profile says, for one vendor's export shape, which header names (any
 * case; spaces, '_', '-' and '.' ignored; several aliases each) carry which
 * learning-event field, how the vendor spells true/false, the full marks of
 * its score column, the format of its dates, and whether a row is one item
 * result or one student's usage summary (one usage event per row, duration
 * minutes * 60, no correct/score).
 *
 * An import reads the whole file first and refuses it whole when any row is
 * bad (errors as `file:line:column: field: reason`, at most CSVP_MAX_ERRORS
 * kept, the rest counted); otherwise every row goes through
 * activity_event_record() in one transaction. Each row gets a stable
 * statement id (BLAKE2b of the tool id, the row's raw fields and the number of
 * identical rows before it in the file), so importing the same file again
 * stores nothing twice. */
#ifndef EB_CSV_PROFILE_H
#define EB_CSV_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct learning_event_in;

enum csvp_field {
	CSVP_SOURCED_ID, /* student key: roster sourcedId */
	CSVP_USERNAME,	 /* student key: roster username */
	CSVP_EMAIL,	 /* student key: roster email */
	CSVP_ITEM,	 /* item id */
	CSVP_ACTIVITY,	 /* activity id (items: defaults to the item id) */
	CSVP_STANDARD,	 /* CCSS code, any spelling standards_find() accepts */
	CSVP_CORRECT,	 /* the profile's true/false words */
	CSVP_SCORE,	 /* 0..score_max, scaled to 0..1 */
	CSVP_MINUTES,	 /* non-negative number */
	CSVP_SECONDS,	 /* non-negative number */
	CSVP_DATE,	 /* in the profile's date format */
	CSVP_COUNT,	 /* a non-negative whole number, checked, not stored */
	CSVP_POINTS,	 /* a non-negative number, checked, not stored */
	CSVP_FIELD__COUNT
};

enum csvp_kind { CSVP_ITEMS, CSVP_USAGE };

enum csvp_date {
	CSVP_DATE_YMD, /* YYYY-MM-DD */
	CSVP_DATE_MDY, /* MM/DD/YYYY (1 or 2 digit month and day) */
	CSVP_DATE_DMY, /* DD/MM/YYYY */
	CSVP_DATE_ISO, /* ISO 8601 date-time (or a plain YYYY-MM-DD) */
};

#define CSVP_MAX_COLS 16
#define CSVP_MAX_ERRORS 50
#define CSVP_FIELD_MAX 512 /* bytes in one field */
#define CSVP_MAX_FILE (256u << 20)

struct csvp_column {
	enum csvp_field field;
	const char *names; /* header spellings, '|' separated, e.g. "student_id|sourcedid" */
	bool required;
};

struct csv_profile {
	const char *name;
	const char *summary; /* one line for --list-profiles */
	enum csvp_kind kind;
	enum csvp_date date_format;
	double score_max;	 /* full marks of the score column (100 for a percent) */
	const char *true_words;	 /* '|' separated, any case; NULL: 1|y|yes|true|t|correct */
	const char *false_words; /* NULL: 0|n|no|false|f|incorrect */
	struct csvp_column cols[CSVP_MAX_COLS];
	size_t ncols;
};

/* The compiled-in profiles: item-results, usage-summary, sim-quiz, sim-fluency. */
size_t csvp_count(void);
const struct csv_profile *csvp_at(size_t i);
/* By exact name; NULL when unknown. */
const struct csv_profile *csvp_find(const char *name);
/* Name of a field ("student sourcedId", "correct", ...), for listings. */
const char *csvp_field_name(enum csvp_field f);
/* Words for a date format ("YYYY-MM-DD"). */
const char *csvp_date_name(enum csvp_date d);

struct csvp_report {
	size_t rows;	    /* data rows read */
	size_t events;	    /* learning events stored */
	size_t quarantined; /* kept in the quarantine with a reason */
	size_t skipped;	    /* already stored by an earlier import of the same rows */
	size_t nerrors;	    /* errors found (only the first CSVP_MAX_ERRORS are kept) */
	char errors[CSVP_MAX_ERRORS][320];
};

/* Called once per valid row with the event (strings valid during the call)
 * and the row's line. */
typedef enum eb_err (*csvp_row_fn)(void *ctx, const struct learning_event_in *ev, size_t line);

/* Reads data[0..len) (modified in place) with profile p. fname names the file
 * in error messages; tool_id goes into the statement ids. Every valid row is
 * passed to fn (may be NULL to validate only); an error fn returns stops the
 * read and is returned. Returns EB_EPARSE when any row was bad (rep->errors),
 * EB_ETOOBIG over CSVP_MAX_FILE, EB_ENOMEM. rep is zeroed first. No database
 * is touched. */
enum eb_err csvp_read(const struct csv_profile *p, const char *fname, int64_t tool_id, char *data,
		      size_t len, csvp_row_fn fn, void *ctx, struct csvp_report *rep);

/* Validates the whole file (on a copy), then stores every row not stored
 * before in one transaction (db_begin .. db_commit). EB_EPARSE with the
 * errors in rep and nothing stored when the file is bad; EB_EDB / EB_ENOMEM
 * for internal failures (rolled back). data is modified. */
enum eb_err csvp_import(struct db *db, int64_t district_id, int64_t tool_id,
			const struct csv_profile *p, const char *fname, char *data, size_t len,
			struct csvp_report *rep);

/* A profile read from a small text file, owning its strings. */
struct csvp_custom {
	struct csv_profile p;
	char store[8192]; /* the names, summary and words point in here */
	size_t used;
};

/* Parses a profile file: one `key = value` a line; '#' starts a comment.
 *   name = acme-quiz            (required)
 *   summary = words             kind = items | usage     (default items)
 *   date_format = YYYY-MM-DD | MM/DD/YYYY | DD/MM/YYYY | ISO
 *   score_max = 10              (full marks; 100 for a percent)
 *   true = Y|yes                false = N|no
 *   <field> = Header A|header b  with field one of student_sourcedid,
 *     student_username, student_email, item, activity, standard, correct,
 *     score, minutes, seconds, date, count, points (count and points may
 *     repeat; at most CSVP_MAX_COLS columns)
 *   required = student_sourcedid item date   (fields that must be present)
 * EB_EINVAL with `line N: reason` in why for a bad file. */
enum eb_err csvp_parse_profile(const char *text, struct csvp_custom *out, char *why, size_t cap);

#endif
