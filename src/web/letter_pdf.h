/* letter_pdf.h - the printed letters to families as one PDF (issue 13;
 * docs/family_updates.md "Printed letters"): domain/letter.h decides what
 * each page says, this draws it with cairo and pango (so that Arabic shapes
 * right to left and Chinese and Korean find their fonts: Noto) and
 * libqrencode (the sign-in link as a QR code: filled rectangles, quiet zone
 * of 4 modules, error correction M, at least 25 mm wide).
 *
 * One writer per document: letter_pdf_begin, letter_pdf_add per letter,
 * letter_pdf_finish once. The font map, the pango context and the layouts
 * are made once per writer and reused for every page. A writer is used by
 * one thread. */
#ifndef EB_LETTER_PDF_H
#define EB_LETTER_PDF_H

#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/err.h"
#include "domain/letter.h"

struct db;

struct letter_pdf;

/* Where the PDF's bytes go: returns false when they could not be written
 * (the document then fails: letter_pdf_finish returns EB_EIO). */
typedef bool (*letter_pdf_sink)(void *closure, const unsigned char *data, size_t len);
/* Sinks for a buf (closure: struct buf *; its cap and sticky error hold)
 * and a FILE (closure: FILE *). */
bool letter_pdf_sink_buf(void *closure, const unsigned char *data, size_t len);
bool letter_pdf_sink_file(void *closure, const unsigned char *data, size_t len);

/* Starts a document on paper p. district_name is the return address's
 * second line; public_url the address families use (the access-code
 * fallback printed at each page's foot). Both are copied. EB_ENOMEM when
 * cairo or pango cannot start. */
enum eb_err letter_pdf_begin(enum letter_paper p, const char *district_name, const char *public_url,
			     letter_pdf_sink sink, void *closure, struct letter_pdf **out);

/* Draws letter l (filled: letter_fill) on a new page, in l->lang, right to
 * left when the language is; a family whose updates do not fit one page
 * even in smaller type continues on another. *pages (may be NULL) gets the
 * pages drawn. EB_EINVAL for a letter without children; EB_ENOMEM. */
enum eb_err letter_pdf_add(struct letter_pdf *lp, const struct letter *l, int *pages);

/* Ends the document (everything is written to the sink) and frees lp.
 * EB_EIO when the sink failed or cairo did; lp is freed either way.
 * Safe with NULL. */
enum eb_err letter_pdf_finish(struct letter_pdf *lp);

/* What letter_pdf_write made. */
struct letter_pdf_run {
	long letters, pages, children;
	long fallback; /* letters in English because the roster's language has no
			* translation yet */
};

/* The whole job: the letters of list for week w (each filled with
 * letter_fill: updates, sign-in links under public_url) drawn into one
 * document written to sink. Issues links: the caller holds a transaction,
 * commits it only when this returns EB_OK (and the sink's bytes are safe),
 * else rolls it back. list->n must be > 0 (EB_EINVAL). *run gets the
 * counts. Errors: letter_fill's, letter_pdf_add's, letter_pdf_finish's. */
struct letter_list;
enum eb_err letter_pdf_write(struct db *db, int64_t district_id, struct letter_list *list,
			     const struct family_week *w, const char *public_url,
			     enum letter_paper p, letter_pdf_sink sink, void *closure,
			     struct letter_pdf_run *run);

#endif
