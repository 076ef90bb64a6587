/* csv.h - RFC 4180 reader over a mutable in-memory buffer, zero-copy.
 *
 * The reader unescapes quoted fields in place, so the buffer must be writable
 * and must outlive the records it yields. Accepts LF or CRLF line ends and a
 * leading UTF-8 byte-order mark. A record has at most CSV_MAX_FIELDS fields.
 * Every field must be UTF-8 text (str_utf8_valid): a record with a byte
 * that is not is refused with its line, column and the byte, and a UTF-16
 * file (a byte-order mark FF FE or FE FF) is named as such, so that text
 * stored from any CSV import is valid UTF-8.
 *
 * Errors carry the 1-based line and column (field number) of the fault. */
#ifndef EB_CSV_H
#define EB_CSV_H

#include <stddef.h>

#include "base/err.h"
#include "base/str.h"

#define CSV_MAX_FIELDS 256

struct csv_reader {
	char *p, *end;
	const char *start; /* the first byte of the file */
	size_t line;	   /* line number where the next record starts */
	struct str fields[CSV_MAX_FIELDS];
	char sep;
};

struct csv_record {
	size_t line; /* line the record starts on (1-based) */
	size_t nfields;
	struct str *fields; /* points into the reader; valid until next call */
};

struct csv_error {
	size_t line, column;
	char reason[128];
};

/* data[0..len) is the whole file; it is modified in place. */
void csv_init(struct csv_reader *r, char *data, size_t len);

/* Yields the next record. Returns EB_OK with rec filled, EB_ENOTFOUND at the
 * end of input, or EB_EPARSE with err filled (the reader then skips to the
 * next line so a caller can collect several errors). Blank lines are
 * skipped. */
enum eb_err csv_next(struct csv_reader *r, struct csv_record *rec, struct csv_error *err);

/* The column of header whose name (trimmed) is name, any case; -1 when
 * none. */
int csv_column(const struct csv_record *header, const char *name);
/* Field col of r, trimmed; "" when col < 0 or the record is shorter. */
struct str csv_field(const struct csv_record *r, int col);

#endif
