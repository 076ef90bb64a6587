/* file_errs.c - the problems of an uploaded file (file_errs.h). */
#include "ingest/file_errs.h"

#include <stdarg.h>

void file_err_at(struct file_errs *e, size_t line, const char *field, const char *fmt, ...)
{
	if (e->n < FILE_ERRS_MAX && e->b) {
		buf_printf(e->b, "%s:%zu: %s: ", e->label, line, field);
		va_list ap;
		va_start(ap, fmt);
		buf_vprintf(e->b, fmt, ap);
		va_end(ap);
		buf_putc(e->b, '\n');
	}
	e->n++;
}

void file_err_done(struct file_errs *e)
{
	if (e->n > FILE_ERRS_MAX && e->b)
		buf_printf(e->b, "%s: ... and %zu more problems\n", e->label, e->n - FILE_ERRS_MAX);
}
