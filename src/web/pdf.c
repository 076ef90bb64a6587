/* pdf.c - see pdf.h. The file layout (PDF 1.4, ISO 32000-1 section 7.5):
 * header; objects 1 catalog, 2 page tree, 3 and 4 the two fonts, then per
 * page its page object and its content stream; the cross-reference table
 * of byte offsets; the trailer. */
#include "web/pdf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONTENT_MAX (1u << 20)

void pdf_begin(struct pdf *p, struct buf *out)
{
	memset(p, 0, sizeof *p);
	p->out = out;
	p->content_max = CONTENT_MAX;
}

static struct buf *cur(struct pdf *p)
{
	if (p->err)
		return NULL;
	if (!p->npages) {
		p->err = EB_EINVAL;
		return NULL;
	}
	return &p->pages[p->npages - 1];
}

void pdf_page(struct pdf *p)
{
	if (p->err)
		return;
	if (p->npages == PDF_PAGES_MAX) {
		p->err = EB_ETOOBIG;
		return;
	}
	if (p->npages == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		struct buf *nv = realloc(p->pages, ncap * sizeof *nv);
		if (!nv) {
			p->err = EB_ENOMEM;
			return;
		}
		p->pages = nv;
		p->cap = ncap;
	}
	buf_init(&p->pages[p->npages++], p->content_max);
}

/* a number with at most two decimals, the way PDF writes reals */
static void num(struct buf *b, double v)
{
	buf_printf(b, "%.2f ", v);
}

static void check(struct pdf *p, struct buf *b)
{
	if (!p->err && buf_failed(b))
		p->err = EB_ETOOBIG;
}

/* The next code point of s (advances *s); U+FFFD for a bad byte. */
static uint32_t next_cp(const unsigned char **s)
{
	const unsigned char *q = *s;
	uint32_t c = q[0];
	int n = c < 0x80	     ? 0
		: (c & 0xE0) == 0xC0 ? 1
		: (c & 0xF0) == 0xE0 ? 2
		: (c & 0xF8) == 0xF0 ? 3
				     : -1;
	if (n < 0) {
		*s = q + 1;
		return 0xFFFD;
	}
	if (n == 0) {
		*s = q + 1;
		return c;
	}
	c &= 0x3Fu >> n;
	for (int i = 1; i <= n; i++) {
		if ((q[i] & 0xC0) != 0x80) {
			*s = q + i;
			return 0xFFFD;
		}
		c = (c << 6) | (q[i] & 0x3F);
	}
	*s = q + n + 1;
	return c;
}

void pdf_text(struct pdf *p, double x, double y, double size, bool bold, const char *utf8)
{
	struct buf *b = cur(p);
	if (!b || !utf8)
		return;
	buf_printf(b, "BT /%s ", bold ? "F2" : "F1");
	num(b, size);
	buf_puts(b, "Tf ");
	num(b, x);
	num(b, y);
	buf_puts(b, "Td (");
	const unsigned char *s = (const unsigned char *)utf8;
	while (*s) {
		uint32_t c = next_cp(&s);
		/* WinAnsi agrees with Latin-1 outside 0x80..0x9F */
		if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c > 0xFF)
			c = '?';
		if (c == '(' || c == ')' || c == '\\')
			buf_putc(b, '\\');
		if (c < 0x80)
			buf_putc(b, (char)c);
		else
			buf_printf(b, "\\%03o", (unsigned)c);
	}
	buf_puts(b, ") Tj ET\n");
	check(p, b);
}

void pdf_line(struct pdf *p, double x1, double y1, double x2, double y2, double width)
{
	struct buf *b = cur(p);
	if (!b)
		return;
	num(b, width);
	buf_puts(b, "w ");
	num(b, x1);
	num(b, y1);
	buf_puts(b, "m ");
	num(b, x2);
	num(b, y2);
	buf_puts(b, "l S\n");
	check(p, b);
}

void pdf_box(struct pdf *p, double x, double y, double w, double h, double width)
{
	struct buf *b = cur(p);
	if (!b)
		return;
	num(b, width);
	buf_puts(b, "w ");
	num(b, x);
	num(b, y);
	num(b, w);
	num(b, h);
	buf_puts(b, "re S\n");
	check(p, b);
}

void pdf_circle(struct pdf *p, double cx, double cy, double r, double width)
{
	struct buf *b = cur(p);
	if (!b)
		return;
	/* four cubic Bezier quarters; k = 4/3 (sqrt 2 - 1) */
	double k = 0.5523 * r;
	num(b, width);
	buf_puts(b, "w ");
	num(b, cx + r);
	num(b, cy);
	buf_puts(b, "m ");
	const double q[4][6] = {
		{ cx + r, cy + k, cx + k, cy + r, cx, cy + r },
		{ cx - k, cy + r, cx - r, cy + k, cx - r, cy },
		{ cx - r, cy - k, cx - k, cy - r, cx, cy - r },
		{ cx + k, cy - r, cx + r, cy - k, cx + r, cy },
	};
	for (int i = 0; i < 4; i++) {
		for (int j = 0; j < 6; j++)
			num(b, q[i][j]);
		buf_puts(b, "c ");
	}
	buf_puts(b, "S\n");
	check(p, b);
}

enum eb_err pdf_finish(struct pdf *p)
{
	struct buf *o = p->out;
	size_t nobj = 4 + 2 * p->npages;
	size_t *off = NULL;
	if (!p->err && !p->npages)
		p->err = EB_EINVAL;
	if (!p->err && !(off = calloc(nobj + 1, sizeof *off)))
		p->err = EB_ENOMEM;
	if (p->err)
		goto out;
	size_t base = o->len;
	buf_puts(o, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
	off[1] = o->len - base;
	buf_puts(o, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	off[2] = o->len - base;
	buf_puts(o, "2 0 obj\n<< /Type /Pages /Kids [");
	for (size_t i = 0; i < p->npages; i++)
		buf_printf(o, "%s%zu 0 R", i ? " " : "", 5 + 2 * i);
	buf_printf(o, "] /Count %zu >>\nendobj\n", p->npages);
	static const char *const fonts[2] = { "Helvetica", "Helvetica-Bold" };
	for (int f = 0; f < 2; f++) {
		off[3 + f] = o->len - base;
		buf_printf(o,
			   "%d 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /%s"
			   " /Encoding /WinAnsiEncoding >>\nendobj\n",
			   3 + f, fonts[f]);
	}
	for (size_t i = 0; i < p->npages; i++) {
		size_t pg = 5 + 2 * i, ct = pg + 1;
		off[pg] = o->len - base;
		buf_printf(o,
			   "%zu 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
			   " /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %zu 0 R"
			   " >>\nendobj\n",
			   pg, ct);
		off[ct] = o->len - base;
		buf_printf(o, "%zu 0 obj\n<< /Length %zu >>\nstream\n", ct, p->pages[i].len);
		buf_put(o, p->pages[i].data, p->pages[i].len);
		buf_puts(o, "\nendstream\nendobj\n");
	}
	size_t xref = o->len - base;
	buf_printf(o, "xref\n0 %zu\n0000000000 65535 f \n", nobj + 1);
	for (size_t i = 1; i <= nobj; i++)
		buf_printf(o, "%010zu 00000 n \n", off[i]);
	buf_printf(o, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", nobj + 1,
		   xref);
	if (buf_failed(o))
		p->err = EB_ETOOBIG;
out:
	free(off);
	for (size_t i = 0; i < p->npages; i++)
		buf_free(&p->pages[i]);
	free(p->pages);
	p->pages = NULL;
	p->npages = p->cap = 0;
	return p->err;
}
