/* buf.h - growable byte builder with a hard cap and a sticky error.
 *
 * Append freely; check buf_failed() (or the return of buf_cstr/detach) once
 * at the end. Invariant: after any call, data is either NULL (nothing
 * appended yet) or NUL-terminated at len. Once the cap is exceeded or malloc
 * fails, every later append is a no-op and err stays set. */
#ifndef EB_BUF_H
#define EB_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "base/err.h"

struct buf {
	char *data;
	size_t len, cap;
	size_t max;	 /* hard cap on len; 0 means 64 MiB */
	enum eb_err err; /* sticky: EB_OK, EB_ENOMEM or EB_ETOOBIG */
};

/* clang-format off */
#define BUF_INIT { NULL, 0, 0, 0, EB_OK }
/* clang-format on */

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
/* Empties the buffer, keeps memory and cap, clears the error. */
void buf_reset(struct buf *b);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
static inline int buf_failed(const struct buf *b)
{
	return b->err != EB_OK;
}
/* Always a valid C string ("" when empty). Owned by b. */
const char *buf_cstr(struct buf *b);
/* Transfers ownership of the bytes to the caller (free()); b becomes empty. */
char *buf_detach(struct buf *b, size_t *len);

#endif
