/* html.h - HTML output escaped by construction (after cgit's html.h).
 *
 * html_text and html_attr escape every byte that could end a text run or an
 * attribute; html_url percent-encodes a value for a URL path segment or query
 * parameter. html_raw writes bytes unchanged and is only for literal markup
 * written in this source tree - never for data. */
#ifndef EB_HTML_H
#define EB_HTML_H

#include <stdint.h>

#include "base/buf.h"

void html_text(struct buf *b, const char *s);
void html_attr(struct buf *b, const char *s);
void html_url(struct buf *b, const char *s);
void html_raw(struct buf *b, const char *markup);
/* printf into a scratch buffer, then html_text. */
void html_textf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_int(struct buf *b, int64_t v);
/* A date (Unix seconds) as YYYY-MM-DD HH:MM UTC. */
void html_time(struct buf *b, int64_t t);

#endif
