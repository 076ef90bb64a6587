/* svg.c - see svg.h. */
#include "web/svg.h"

#include <math.h>

#include "web/html.h"

static const char *const colours[] = {
	[SVG_INK] = "#1f2328",	    [SVG_MUTED] = "#8c959f",   [SVG_POSITIVE] = "#1a7f37",
	[SVG_NEGATIVE] = "#cf222e", [SVG_NEUTRAL] = "#0969da",
};
static const char *const anchors[] = {
	[SVG_START] = "start", [SVG_MIDDLE] = "middle", [SVG_END] = "end"
};

static const char *colour(enum svg_colour c)
{
	return (unsigned)c < sizeof colours / sizeof colours[0] ? colours[c] : colours[SVG_INK];
}

static double num(double v)
{
	return isfinite(v) ? v : 0.0;
}

void svg_begin(struct buf *b, const char *id, double w, double h, const char *title)
{
	char safe[48];
	size_t k = 0;
	for (const char *p = id ? id : "svg"; *p && k < sizeof safe - 7; p++)
		safe[k++] = ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')
				    ? *p
				    : '-';
	safe[k] = 0;
	buf_printf(b,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.2f %.2f\" "
		   "class=\"chart\""
		   " role=\"img\" aria-labelledby=\"%s-t\"><title id=\"%s-t\">",
		   num(w), num(h), safe, safe);
	html_text(b, title ? title : "");
	html_raw(b, "</title>");
}

void svg_end(struct buf *b)
{
	html_raw(b, "</svg>");
}

void svg_line(struct buf *b, double x1, double y1, double x2, double y2, enum svg_colour c,
	      double width, int dashed)
{
	buf_printf(b,
		   "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\""
		   " stroke-width=\"%.2f\"%s/>",
		   num(x1), num(y1), num(x2), num(y2), colour(c), num(width),
		   dashed ? " stroke-dasharray=\"4 3\"" : "");
}

void svg_rect(struct buf *b, double x, double y, double w, double h, enum svg_colour c)
{
	buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>",
		   num(x), num(y), num(w), num(h), colour(c));
}

void svg_rect_tip(struct buf *b, double x, double y, double w, double h, enum svg_colour c,
		  const char *tip)
{
	buf_printf(b,
		   "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>",
		   num(x), num(y), num(w), num(h), colour(c));
	html_text(b, tip ? tip : "");
	html_raw(b, "</title></rect>");
}

void svg_circle(struct buf *b, double cx, double cy, double r, enum svg_colour c)
{
	buf_printf(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\" fill=\"%s\"/>", num(cx), num(cy),
		   num(r), colour(c));
}

void svg_text(struct buf *b, double x, double y, double size, enum svg_anchor a, enum svg_colour c,
	      const char *text)
{
	buf_printf(b,
		   "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">",
		   num(x), num(y), num(size), anchors[(unsigned)a <= SVG_END ? a : SVG_START],
		   colour(c));
	html_text(b, text ? text : "");
	html_raw(b, "</text>");
}
