/* svg.h - SVG output escaped by construction (as html.h does for HTML).
 *
 * Coordinates and sizes are numbers written with %.2f (non-finite values
 * become 0), so no data can reach the markup except through svg_text and
 * svg_title, which escape every byte that could end a text run or an
 * attribute. Colours and classes are chosen from fixed enums, never passed
 * as strings. The drawing is embedded inline in an HTML page. */
#ifndef EB_SVG_H
#define EB_SVG_H

#include "base/buf.h"

enum svg_colour { SVG_INK, SVG_MUTED, SVG_POSITIVE, SVG_NEGATIVE, SVG_NEUTRAL };
enum svg_anchor { SVG_START, SVG_MIDDLE, SVG_END };

/* <svg viewBox="0 0 w h" role="img" aria-labelledby=...> with a <title>
 * (escaped) that screen readers announce. id must be [a-z0-9-] (anything
 * else is replaced by '-'). */
void svg_begin(struct buf *b, const char *id, double w, double h, const char *title);
void svg_end(struct buf *b);
void svg_line(struct buf *b, double x1, double y1, double x2, double y2, enum svg_colour c,
	      double width, int dashed);
void svg_rect(struct buf *b, double x, double y, double w, double h, enum svg_colour c);
/* The same with a tooltip: tip (escaped) as the rectangle's <title>. */
void svg_rect_tip(struct buf *b, double x, double y, double w, double h, enum svg_colour c,
		  const char *tip);
void svg_circle(struct buf *b, double cx, double cy, double r, enum svg_colour c);
/* Text at (x, y), escaped; size in px. */
void svg_text(struct buf *b, double x, double y, double size, enum svg_anchor a, enum svg_colour c,
	      const char *text);

#endif
