/* chart_progress.h - a progress-monitoring chart drawn with svg.h (an
 * intervention plan's points, its aim line and its trend line), from
 * numbers and labels only: the page decides what is drawn. */
#ifndef EB_CHART_PROGRESS_H
#define EB_CHART_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

struct chart_progress {
	const char *id;			     /* as for svg_begin */
	const char *title;		     /* the chart's accessible name */
	const char *start_label, *end_label; /* under the axis' ends ("2026-09-07") */
	double span;			     /* days from start to end (> 0) */
	const double *x, *y;		     /* n points: day from the start, percent */
	const bool *below;		     /* per point: under the aim line (a square) */
	size_t n;
	double aim0, aim1; /* the aim line from (0, aim0) to (span, aim1) */
	bool has_trend;
	double trend_a, trend_b; /* trend: a + b * day, drawn over the points' days */
};

/* Draws it 640 x 300 units: a y axis of percent (0..100, 5 ticks), the aim
 * line (solid, green), the trend (dashed, grey), each point a dot (a red
 * square when below the aim line, told apart without colour), the ends'
 * labels under the x axis and a legend line. Points and lines outside the
 * axes are clipped to them. The page gives the numbers as a table too. */
void chart_progress_draw(struct buf *b, const struct chart_progress *c);

#endif
