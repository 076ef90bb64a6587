/* file_errs.h - the problems of an uploaded file, one line each
 * ("FILE:LINE: field: reason"), capped: what the CSV importers of
 * assessments, usage and item results report when they refuse a file. */
#ifndef EB_FILE_ERRS_H
#define EB_FILE_ERRS_H

#include <stddef.h>

#include "base/buf.h"

#define FILE_ERRS_MAX 50 /* lines written; the rest are counted */

struct file_errs {
	struct buf *b;	   /* where the lines go (may be NULL: only counted) */
	const char *label; /* the file's name as the person knows it */
	size_t n;	   /* problems found */
};

/* One problem at line, field: "label:line: field: reason\n" while fewer
 * than FILE_ERRS_MAX were written; counted either way. */
void file_err_at(struct file_errs *e, size_t line, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* After the file: "label: ... and N more problems" when some were only
 * counted. */
void file_err_done(struct file_errs *e);

#endif
