/* export.h - the one CSV writer and the one Excel writer behind every
 * download (the mastery views' ?format=csv|xlsx, What's working's .csv and
 * .xlsx). A table is written the same way in both formats: export_begin,
 * then per row export_head (header cells) or export_text / export_num,
 * export_end_row; then export_finish.
 *
 * CSV (RFC 4180): UTF-8 as given, fields separated by ',', every record
 * ending in CRLF. A field is quoted ("" for a quote inside) when it holds
 * ',' '"' CR or LF. Formula guard: a text cell that begins with = + - @
 * TAB or CR is written with a leading ' so that a spreadsheet shows it as
 * text and never runs it. Numbers are written bare with the caller's
 * decimals and never guarded: -0.25 stays -0.25.
 *
 * Excel (.xlsx, libxlsxwriter): one worksheet; header cells bold; text is
 * stored as a string, never as a formula and never read as a number ("007"
 * stays "007", a student called Nan stays Nan); numbers are stored at full
 * precision. Text that is not valid UTF-8 gets U+FFFD for each bad byte so
 * the file stays readable.
 *
 * In both, a non-finite number (NAN, inf) and a NULL or empty text are an
 * empty cell. Errors are sticky: write freely, check export_finish once. */
#ifndef EB_EXPORT_H
#define EB_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"

struct http_request;
struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

enum export_format { EXPORT_CSV, EXPORT_XLSX };

/* decimals for export_num: the shortest form of %g (6 significant digits) */
#define EXPORT_SHORTEST (-1)

struct export
{
	enum export_format format;
	struct buf *out; /* CSV: appended as written; Excel: the file, at export_finish */
	enum eb_err err; /* sticky: the first failure */
	uint32_t row;	 /* rows ended so far */
	uint32_t col;	 /* cells written in the current row */
	struct lxw_workbook *wb;
	struct lxw_worksheet *ws;
	struct lxw_format *bold;
	struct buf scratch; /* Excel: repaired UTF-8 */
	char path[64];	    /* Excel: the workbook's temporary file */
};

/* Starts a table in format f that ends up in out (not owned; appended to).
 * sheet: the Excel worksheet's name (NULL: "Sheet1"; at most 31 characters,
 * none of []:*?/\), unused for CSV. Excel writes to a temporary file under
 * /tmp. EB_EIO when the workbook cannot be created, EB_EINVAL for a bad
 * sheet name. Whatever it returns, call export_finish once. */
enum eb_err export_begin(struct export *x, enum export_format f, const char *sheet,
			 struct buf *out);
/* One header cell: text, bold in Excel. */
void export_head(struct export *x, const char *name);
/* One text cell (NULL: empty). */
void export_text(struct export *x, const char *s);
/* One number cell; CSV writes it with `decimals` places (%.*f), or
 * EXPORT_SHORTEST for %g. Non-finite: an empty cell. */
void export_num(struct export *x, double v, int decimals);
/* Ends the current row. In Excel a cell past 1,048,576 rows or 16,384
 * columns fails the table with EB_ETOOBIG (CSV has no such limit). */
void export_end_row(struct export *x);
/* Ends the table and frees what export_begin took (the temporary file is
 * removed). Excel: appends the workbook's bytes to out. Returns the first
 * error of the whole table, or out's (EB_ENOMEM, EB_ETOOBIG), or EB_OK. */
enum eb_err export_finish(struct export *x);

/* ---- the HTTP side ---------------------------------------------------- */

/* "csv" or "xlsx" (the ?format= of a page) into *f; false for anything
 * else, NULL included. */
bool export_format_parse(const char *name, enum export_format *f);
/* Starts a download into req->out (emptied). On false an error page (503)
 * is already written and x finished: nothing more is to be done. */
bool export_respond_begin(struct http_request *req, struct export *x, enum export_format f,
			  const char *sheet);
/* Ends it: on success the body is the file, with its Content-Type and a
 * Content-Disposition of basename.csv or basename.xlsx (basename: letters,
 * digits, '-' and '_' only), never cached. On failure an error page instead
 * (503; 500 when the file outgrew req->out's cap), no attachment. */
void export_respond_end(struct http_request *req, struct export *x, const char *basename);

#endif
