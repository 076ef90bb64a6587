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
		n--;	/* label[n] continues a character: cut before it */
	memcpy(out, label, n);
	memcpy(out + n, "…", sizeof "…");
}

void chart_forest(struct buf *b, const char *id, const char *title, const char *caption,
		  const struct chart_interval *rows, size_t n)
{
	double lo = -0.5, hi = 0.5;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].lo < lo)
			lo = rows[i].lo;
		if (rows[i].hi > hi)
			hi = rows[i].hi;
	}
	if (n == 0)
		return;
	if (lo < -2)
		lo = -2;
	if (hi > 2)
		hi = 2;
	const double W = 760, left = 300, right = 20, row = 28, top = 24;
	double H = top + row * (double)n + 40;
	double span = hi - lo, pw = W - left - right;
#define X(g) (left + ((g) < lo ? 0 : (g) > hi ? pw : ((g) - lo) / span * pw))
	svg_begin(b, id, W, H, title);
	svg_line(b, X(0), top - 10, X(0), H - 30, SVG_MUTED, 1, 1);
	for (size_t k = 0; k < n; k++) {
		const struct chart_interval *e = &rows[k];
		double y = top + row * (double)k + row / 2;
		char label[64];
		cut_label(label, e->label ? e->label : "", 44);
		svg_text(b, left - 8, y + 4, 12, SVG_END, SVG_INK, label);
		svg_line(b, X(e->lo), y, X(e->hi), y, e->colour, 2, 0);
		svg_circle(b, X(e->est), y, 5, e->colour);
	}
	double ay = H - 30;
	svg_line(b, left, ay, W - right, ay, SVG_INK, 1, 0);
	for (int t = 0; t <= 4; t++) {
		double g = lo + span * t / 4;
		char lab[16];
		snprintf(lab, sizeof lab, "%.2f", g);
		svg_line(b, X(g), ay, X(g), ay + 4, SVG_INK, 1, 0);
		svg_text(b, X(g), ay + 16, 11, SVG_MIDDLE, SVG_INK, lab);
	}
	svg_text(b, left + pw / 2, H - 2, 11, SVG_MIDDLE, SVG_MUTED, caption);
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
