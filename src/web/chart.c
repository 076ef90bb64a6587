/* chart.c - see chart.h. */
#include "web/chart.h"

#include <stdio.h>
#include <string.h>

/* label cut to at most max bytes at a character boundary, with "…" when
 * cut; out has room for max + 4 bytes. */
static void cut_label(char *out, const char *label, size_t max)
{
	size_t n = strlen(label);
	if (n <= max) {
		memcpy(out, label, n + 1);
		return;
	}
	n = max;
	while (n > 0 && ((unsigned char)label[n] & 0xC0) == 0x80)
		n--; /* label[n] continues a character: cut before it */
	memcpy(out, label, n);
	memcpy(out + n, "…", sizeof "…");
}

/* The axis of a forest plot: -0.5..0.5 at least, widened to the intervals,
 * never beyond -2..2. */
static void forest_axis(const struct chart_interval *rows, size_t n, double *lo, double *hi)
{
	*lo = -0.5;
	*hi = 0.5;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].lo < *lo)
			*lo = rows[i].lo;
		if (rows[i].hi > *hi)
			*hi = rows[i].hi;
	}
	if (*lo < -2)
		*lo = -2;
	if (*hi > 2)
		*hi = 2;
}

/* The estimate's mark: a square for a negative colour (told apart without
 * colour), else a dot. */
static void forest_mark(struct buf *b, double x, double y, enum svg_colour c)
{
	if (c == SVG_NEGATIVE)
		svg_rect(b, x - 5, y - 5, 10, 10, c);
	else
		svg_circle(b, x, y, 5, c);
}

/* The axis line, 5 ticks with their values at y = ay, and the caption
 * under them, centred at cx. */
static void forest_ticks(struct buf *b, double left, double width, double ay, double lo, double hi,
			 double size, double cx, const char *caption)
{
	svg_line(b, left, ay, left + width, ay, SVG_INK, 1, 0);
	for (int t = 0; t <= 4; t++) {
		double g = lo + (hi - lo) * t / 4, x = left + width * t / 4;
		char lab[16];
		snprintf(lab, sizeof lab, "%.2f", g);
		svg_line(b, x, ay, x, ay + 4, SVG_INK, 1, 0);
		svg_text(b, x, ay + size + 4, size,
			 t == 0	  ? SVG_START
			 : t == 4 ? SVG_END
				  : SVG_MIDDLE,
			 SVG_INK, lab);
	}
	if (caption)
		svg_text(b, cx, ay + 2 * size + 10, size, SVG_MIDDLE, SVG_INK, caption);
}

/* Wide: labels left of their rows. Drawn 760 wide, shown at 608 px or more
 * (the stylesheet gives phones the narrow drawing): 15 px text stays
 * 12 px or more. */
void chart_forest(struct buf *b, const char *id, const char *title, const char *caption,
		  const struct chart_interval *rows, size_t n)
{
	if (n == 0)
		return;
	double lo, hi;
	forest_axis(rows, n, &lo, &hi);
	const double W = 760, left = 380, right = 24, row = 30, top = 24, size = 15;
	double H = top + row * (double)n + 2 * size + 20;
	double span = hi - lo, pw = W - left - right;
#define X(g) (left + ((g) < lo ? 0 : (g) > hi ? pw : ((g)-lo) / span * pw))
	svg_begin(b, id, W, H, title);
	double ay = top + row * (double)n + 4;
	svg_line(b, X(0), top - 10, X(0), ay, SVG_MUTED, 1, 1);
	for (size_t k = 0; k < n; k++) {
		const struct chart_interval *e = &rows[k];
		double y = top + row * (double)k + row / 2;
		char label[64];
		cut_label(label, e->label ? e->label : "", 44);
		svg_text(b, left - 10, y + 5, 15, SVG_END, SVG_INK, label);
		svg_line(b, X(e->lo), y, X(e->hi), y, e->colour, 2, 0);
		forest_mark(b, X(e->est), y, e->colour);
	}
	forest_ticks(b, left, pw, ay, lo, hi, size, W / 2, caption);
#undef X
	svg_end(b);
}

/* Narrow: each label above its row, 340 wide, shown at most 384 px wide
 * and at least 290 (a 320 px phone): 15 px text stays 12 px or
 * more. */
void chart_forest_narrow(struct buf *b, const char *id, const char *title, const char *caption,
			 const struct chart_interval *rows, size_t n)
{
	if (n == 0)
		return;
	double lo, hi;
	forest_axis(rows, n, &lo, &hi);
	const double W = 340, left = 10, right = 10, row = 46, top = 6, size = 15;
	double H = top + row * (double)n + 2 * size + 20;
	double span = hi - lo, pw = W - left - right;
#define X(g) (left + ((g) < lo ? 0 : (g) > hi ? pw : ((g)-lo) / span * pw))
	svg_begin(b, id, W, H, title);
	double ay = top + row * (double)n + 4;
	svg_line(b, X(0), top, X(0), ay, SVG_MUTED, 1, 1);
	for (size_t k = 0; k < n; k++) {
		const struct chart_interval *e = &rows[k];
		double y = top + row * (double)k;
		char label[64];
		cut_label(label, e->label ? e->label : "", 38);
		svg_text(b, 0, y + 15, 15, SVG_START, SVG_INK, label);
		svg_line(b, X(e->lo), y + 32, X(e->hi), y + 32, e->colour, 2, 0);
		forest_mark(b, X(e->est), y + 32, e->colour);
	}
	forest_ticks(b, left, pw, ay, lo, hi, size, left + pw / 2, caption);
#undef X
	svg_end(b);
}

void chart_columns(struct buf *b, const char *id, const char *title, const double *values,
		   const char *const *tips, size_t n)
{
	if (n == 0)
		return;
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	const double W = 600, H = 120, gap = 2, step = W / (double)n;
	svg_begin(b, id, W, H, title);
	for (size_t i = 0; i < n; i++) {
		double h = max > 0 && values[i] > 0 ? values[i] / max * (H - 4) : 0;
		if (values[i] > 0 && h < 1)
			h = 1;
		svg_rect_tip(b, step * (double)i, H - 2 - h, step - gap, h, SVG_NEUTRAL,
			     tips ? tips[i] : NULL);
	}
	svg_line(b, 0, H - 1, W, H - 1, SVG_INK, 1, 0);
	svg_end(b);
}

void chart_parts(struct buf *b, const char *id, const char *title, const char *const *labels,
		 const int *part, const int *whole, size_t n)
{
	if (n == 0)
		return;
	int max = 1;
	for (size_t i = 0; i < n; i++)
		if (whole[i] > max)
			max = whole[i];
	const double W = 340, row = 40, bar = 14, size = 13;
	svg_begin(b, id, W, row * (double)n, title);
	for (size_t i = 0; i < n; i++) {
		char label[52 + 4];
		cut_label(label, labels[i] ? labels[i] : "", 52);
		double y = row * (double)i;
		svg_text(b, 0, y + size, size, SVG_START, SVG_INK, label);
		double ww = W * (double)whole[i] / max;
		double pw = whole[i] > 0 ? ww * (double)part[i] / whole[i] : 0;
		svg_rect(b, 0, y + 19, ww, bar, SVG_MUTED);
		if (pw > 0)
			svg_rect(b, 0, y + 19, pw, bar, SVG_POSITIVE);
	}
	svg_end(b);
}
