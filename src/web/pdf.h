/* pdf.h - a minimal PDF writer of our own for printable sheets: US Letter
 * pages with text (Helvetica and Helvetica-Bold, the standard fonts every
 * reader has), lines, boxes and circles. Text is UTF-8 in, written in the
 * fonts' WinAnsi encoding: Latin-1 letters print, anything else prints as
 * '?'. Coordinates are PDF points (1/72 inch) from the page's bottom left.
 *
 * Usage: pdf_begin, then pdf_page and drawing calls, then pdf_finish once,
 * which appends the whole file to out. Errors are sticky: draw freely,
 * check pdf_finish. */
#ifndef EB_PDF_H
#define EB_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define PDF_PAGE_W 612.0
#define PDF_PAGE_H 792.0
#define PDF_PAGES_MAX 5000

struct pdf {
	struct buf *out;   /* not owned; the file is appended at pdf_finish */
	struct buf *pages; /* each page's content stream (owned) */
	size_t npages, cap;
	enum eb_err err;    /* sticky: the first failure */
	size_t content_max; /* bytes per page's content */
};

/* Starts a document that will be appended to out. */
void pdf_begin(struct pdf *p, struct buf *out);
/* Starts a new page; later drawing goes there. EB_ETOOBIG past
 * PDF_PAGES_MAX pages. */
void pdf_page(struct pdf *p);
/* Text with its baseline's left end at (x, y), size in points. */
void pdf_text(struct pdf *p, double x, double y, double size, bool bold, const char *utf8);
/* A line, a rectangle (bottom left x, y) and a circle, stroked with width. */
void pdf_line(struct pdf *p, double x1, double y1, double x2, double y2, double width);
void pdf_box(struct pdf *p, double x, double y, double w, double h, double width);
void pdf_circle(struct pdf *p, double cx, double cy, double r, double width);
/* Writes the document (catalog, pages, fonts, cross-reference table) to
 * out and frees what pdf_begin and the pages took. EB_EINVAL with no page;
 * else the first error met, or out's. Call it exactly once. */
enum eb_err pdf_finish(struct pdf *p);

#endif
