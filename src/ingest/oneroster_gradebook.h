/* oneroster_gradebook.h - OneRoster 1.2 Gradebook records read from the CSV
 * binding (lineItems.csv, results.csv, lineItemLearningObjectiveIds.csv,
 * resultLearningObjectiveIds.csv, categories.csv, scoreScales.csv ...) or
 * from the REST binding's JSON (/ims/oneroster/gradebook/v1p2/lineItems,
 * /results). Parsing only: no SQL, no HTTP; domain/gradebook.h stores the
 * records and turns results into evidence (docs/gradebook.md).
 *
 * Every problem of the input is an error with its place: "FILE:LINE: field:
 * reason" for CSV (ingest/file_errs.h), "LABEL: $.path: reason" for JSON;
 * a caller refuses the whole input when any was found. What refers to
 * something absent (a class, a student, a line item) is not a parse error:
 * the domain sets it aside. */
#ifndef EB_ONEROSTER_GRADEBOOK_H
#define EB_ONEROSTER_GRADEBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "domain/gradebook.h"
#include "ingest/oneroster.h"

struct jv;

/* Starts an empty gradebook whose strings go to a; error lines go to errs
 * (may be NULL: only counted). */
void gradebook_init(struct gradebook *g, struct arena *a, struct buf *errs);

/* True when name (any directory part and letter case ignored) is a file of
 * the Gradebook CSV binding. */
bool gradebook_csv_name(const char *name);

/* Reads the Gradebook files among files[0..n) (others are left alone; their
 * data is not touched) into g. The files' data is modified in place. EB_OK
 * with nothing read when there are none; EB_EPARSE when any error was found
 * (g->errs lists them); EB_ENOMEM. Objective rows of a line item or result
 * not in the same input are errors (the ids files only extend their
 * records). */
enum eb_err gradebook_parse_csv(struct gradebook *g, struct oneroster_file *files, size_t n);

/* Reads one REST answer: collection "lineItems" or "results" (an object
 * {"lineItems": [...]}, {"lineItem": {...}}, or the array itself) into g.
 * label names the answer in errors. EB_EPARSE when any error was found. */
enum eb_err gradebook_parse_json(struct gradebook *g, const char *collection, const char *json,
				 size_t len, const char *label);

/* Reads one object of a REST collection ("lineItems" or "results": the
 * object at index i of the answer named label) into g, as
 * gradebook_parse_json does for each (strings are copied). EB_EPARSE when
 * it has errors (in g->errs), EB_ENOMEM. */
enum eb_err gradebook_parse_object(struct gradebook *g, const char *collection,
				   const struct jv *obj, const char *label, size_t i);

/* Checks what needs every record: one record per sourcedId in each
 * collection (a duplicate is an error with both places). Call after the
 * last parse; EB_EPARSE when errors were found. */
enum eb_err gradebook_check(struct gradebook *g);

/* The whole path for a package's Gradebook files: parses them (any error:
 * EB_EPARSE, the lines in errs, nothing stored), then stores them and their
 * evidence under tool_id (gradebook_apply) in one transaction of its own,
 * or in the caller's when one is open. rep->out gets the set-aside lines.
 * EB_OK with nothing done when files hold no Gradebook file. */
enum eb_err oneroster_gradebook_import(struct db *db, int64_t district_id, int64_t tool_id,
				       struct oneroster_file *files, size_t n, struct buf *errs,
				       struct gradebook_report *rep);

/* Pulls the district's Gradebook from a OneRoster 1.2 REST provider through
 * client c (ingest/oneroster_rest.h): every line item, then every result
 * (GET .../ims/oneroster/gradebook/v1p2/lineItems and /results; filter:
 * a raw `dateLastModified>'ISO'` expression for a delta, or NULL), and
 * only once both arrived whole, stores them as oneroster_gradebook_import
 * does. A fetch that fails midway stores nothing (EB_EIO, EB_EAUTH ... with
 * why); objects with errors refuse the whole pull (EB_EPARSE, the JSON paths
 * in errs). */
struct oneroster_rest;
enum eb_err oneroster_gradebook_sync(struct db *db, int64_t district_id, int64_t tool_id,
				     struct oneroster_rest *c, const char *filter, struct buf *errs,
				     struct gradebook_report *rep, char *why, size_t cap);

#endif
