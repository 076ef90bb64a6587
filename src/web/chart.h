/* chart.h - charts drawn with svg.h, from numbers and labels only (no
 * domain types): the pages decide what is drawn and in which colour. */
#ifndef EB_CHART_H
#define EB_CHART_H

#include <stddef.h>

#include "base/buf.h"
#include "web/svg.h"

/* One row of a forest plot: a point estimate and its interval. */
struct chart_interval {
	const char *label; /* left of the row; cut to 44 bytes (whole characters) + "…" */
	double est, lo, hi;
	enum svg_colour colour;
};

/* A forest plot of n rows (nothing at all when n is 0): each row's label
 * (at its left), its interval as a line and its estimate as a dot, a dashed
 * line at zero and an axis with 5 ticks below, 760 units wide. The axis
 * spans -0.5 to 0.5 at least, widened to the intervals but never beyond -2
 * to 2 (effect sizes); what lies outside is drawn at the edge. id as for svg_begin; title is the
 * chart's accessible name, caption the text under the axis. */
void chart_forest(struct buf *b, const char *id, const char *title, const char *caption,
		  const struct chart_interval *rows, size_t n);
/* The same numbers drawn for a phone: each label (cut to 38 bytes) above
 * its row, 340 units wide. In both, a negative colour's estimate is a
 * square (else a dot), and every text is 15 units. */
void chart_forest_narrow(struct buf *b, const char *id, const char *title, const char *caption,
			 const struct chart_interval *rows, size_t n);

/* A column chart of n values (n > 0; nothing when 0), oldest left: one bar
 * each, scaled to the largest (a non-zero value is never drawn flat), on a
 * baseline. tips[i] (escaped; NULL for none) is bar i's tooltip. id and
 * title as for svg_begin; the page gives the numbers as a table too. */
void chart_columns(struct buf *b, const char *id, const char *title, const double *values,
		   const char *const *tips, size_t n);

/* Parts of wholes as horizontal bars, 340 units wide (it fits a phone): one
 * row per item, its label (cut to 52 bytes) above a bar as long as
 * whole[i] (scaled to the largest) filled to part[i] (0 <= part <= whole).
 * Nothing when n is 0. id and title as for svg_begin; the page gives the
 * numbers as a table too. */
void chart_parts(struct buf *b, const char *id, const char *title, const char *const *labels,
		 const int *part, const int *whole, size_t n);

#endif
