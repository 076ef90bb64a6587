/* chart_progress.c - see chart_progress.h. */
#include "web/chart_progress.h"

#include <stdio.h>

#include "web/svg.h"

#define W 640.0
#define H 300.0
#define LEFT 48.0
#define RIGHT 16.0
#define TOP 16.0
#define BOTTOM 70.0

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static double px(const struct chart_progress *c, double day)
{
	double span = c->span > 0 ? c->span : 1;
	return LEFT + (W - LEFT - RIGHT) * clamp(day, 0, span) / span;
}

static double py(double pct)
{
	return TOP + (H - TOP - BOTTOM) * (1 - clamp(pct, 0, 100) / 100);
}

void chart_progress_draw(struct buf *b, const struct chart_progress *c)
{
	svg_begin(b, c->id, W, H, c->title);
	double bottom = H - BOTTOM;
	for (int t = 0; t <= 4; t++) {
		double v = 25.0 * t, y = py(v);
		char lab[8];
		snprintf(lab, sizeof lab, "%d%%", 25 * t);
		svg_line(b, LEFT, y, W - RIGHT, y, SVG_MUTED, t == 0 ? 1 : 0.5, t != 0);
		svg_text(b, LEFT - 6, y + 5, 14, SVG_END, SVG_INK, lab);
	}
	svg_line(b, LEFT, TOP, LEFT, bottom, SVG_INK, 1, 0);
	svg_text(b, LEFT, bottom + 20, 14, SVG_START, SVG_INK,
		 c->start_label ? c->start_label : "");
	svg_text(b, W - RIGHT, bottom + 20, 14, SVG_END, SVG_INK, c->end_label ? c->end_label : "");
	/* the aim line */
	svg_line(b, px(c, 0), py(c->aim0), px(c, c->span), py(c->aim1), SVG_POSITIVE, 2.5, 0);
	/* the trend, over the points' days */
	if (c->has_trend && c->n >= 2) {
		double x0 = c->x[0], x1 = c->x[c->n - 1];
		svg_line(b, px(c, x0), py(c->trend_a + c->trend_b * x0), px(c, x1),
			 py(c->trend_a + c->trend_b * x1), SVG_MUTED, 2, 1);
	}
	for (size_t i = 0; i < c->n; i++) {
		double x = px(c, c->x[i]), y = py(c->y[i]);
		if (c->below && c->below[i])
			svg_rect(b, x - 5, y - 5, 10, 10, SVG_NEGATIVE);
		else
			svg_circle(b, x, y, 5, SVG_INK);
	}
	svg_text(b, LEFT, H - 14, 14, SVG_START, SVG_INK,
		 "Green line: aim. Dashed: trend. Dot: a point; square: below the aim.");
	svg_end(b);
}
