/* letter_pdf.c - the printed letters as a PDF: cairo, pango, libqrencode
 * (letter_pdf.h). */
#include "web/letter_pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "domain/district.h"
#include "domain/family_update.h"

/* the type sizes tried, largest first, until a family's updates fit */
static const double body_sizes[] = { 9.5, 8.5, 7.5, 6.5 };
#define NSIZES (sizeof body_sizes / sizeof body_sizes[0])
#define GAP 10.0 /* points between two children's updates */

/* One child's update as one paragraph run: its text and the spans that
 * are headings or small print (one layout per child, not one per line). */
enum span_kind { SPAN_TITLE, SPAN_HEAD, SPAN_BOLD, SPAN_SMALL, SPAN_AIR };
struct span {
	unsigned start, end;
	enum span_kind kind;
};
#define SPANS_MAX 64

struct block {
	struct buf text;
	struct span spans[SPANS_MAX];
	size_t nspans;
	PangoLayout *body, *caption, *url;
	double h; /* the laid-out height at the current size */
};

struct letter_pdf {
	enum eb_err err;
	letter_pdf_sink sink;
	void *closure;
	bool sink_failed;
	struct letter_geom g;
	char *district, *public_url;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *ctx;
	PangoContext *ltr; /* the printed links: left to right in every letter */
	PangoFontDescription *font, *mono;
	PangoLayout *line; /* one-line texts: addresses, the foot */
	struct block *blocks;
	size_t nblocks;
	const struct i18n_lang *lang; /* the language the context is set for */
	/* the foot's height in that language (laid out once per language) */
	double foot_h;
	const struct i18n_lang *foot_lang;
};

bool letter_pdf_sink_buf(void *closure, const unsigned char *data, size_t len)
{
	struct buf *b = closure;
	buf_put(b, data, len);
	return !buf_failed(b);
}

bool letter_pdf_sink_file(void *closure, const unsigned char *data, size_t len)
{
	return fwrite(data, 1, len, (FILE *)closure) == len;
}

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
	struct letter_pdf *lp = closure;
	if (lp->sink_failed || !lp->sink(lp->closure, data, len)) {
		lp->sink_failed = true;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

enum eb_err letter_pdf_begin(enum letter_paper p, const char *district_name, const char *public_url,
			     letter_pdf_sink sink, void *closure, struct letter_pdf **out)
{
	*out = NULL;
	struct letter_pdf *lp = calloc(1, sizeof *lp);
	if (!lp)
		return EB_ENOMEM;
	lp->sink = sink;
	lp->closure = closure;
	letter_geometry(p, &lp->g);
	lp->district = strdup(district_name ? district_name : "");
	lp->public_url = strdup(public_url ? public_url : "");
	lp->surface = cairo_pdf_surface_create_for_stream(write_cb, lp, lp->g.page_w, lp->g.page_h);
	lp->cr = cairo_create(lp->surface);
	if (!lp->district || !lp->public_url || cairo_status(lp->cr) != CAIRO_STATUS_SUCCESS) {
		letter_pdf_finish(lp);
		return EB_ENOMEM;
	}
	cairo_pdf_surface_set_metadata(lp->surface, CAIRO_PDF_METADATA_TITLE,
				       "Letters to families");
	cairo_pdf_surface_set_metadata(lp->surface, CAIRO_PDF_METADATA_CREATOR, "edbridge");
	/* the thread's font map (pango keeps one per thread), one context */
	lp->ctx = pango_font_map_create_context(pango_cairo_font_map_get_default());
	pango_cairo_update_context(lp->cr, lp->ctx);
	lp->ltr = pango_font_map_create_context(pango_cairo_font_map_get_default());
	pango_cairo_update_context(lp->cr, lp->ltr);
	pango_context_set_base_dir(lp->ltr, PANGO_DIRECTION_LTR);
	lp->font = pango_font_description_from_string("Noto Sans 9.5");
	lp->mono = pango_font_description_from_string("DejaVu Sans Mono 7");
	lp->line = pango_layout_new(lp->ctx);
	*out = lp;
	return EB_OK;
}

static void block_free(struct block *b)
{
	buf_free(&b->text);
	if (b->body)
		g_object_unref(b->body);
	if (b->caption)
		g_object_unref(b->caption);
	if (b->url)
		g_object_unref(b->url);
}

enum eb_err letter_pdf_finish(struct letter_pdf *lp)
{
	if (!lp)
		return EB_OK;
	enum eb_err rc = lp->err;
	for (size_t i = 0; i < lp->nblocks; i++)
		block_free(&lp->blocks[i]);
	free(lp->blocks);
	if (lp->line)
		g_object_unref(lp->line);
	if (lp->ctx)
		g_object_unref(lp->ctx);
	if (lp->ltr)
		g_object_unref(lp->ltr);
	if (lp->font)
		pango_font_description_free(lp->font);
	if (lp->mono)
		pango_font_description_free(lp->mono);
	if (lp->cr)
		cairo_destroy(lp->cr);
	if (lp->surface) {
		cairo_surface_finish(lp->surface);
		if (cairo_surface_status(lp->surface) != CAIRO_STATUS_SUCCESS && !rc)
			rc = EB_EIO;
		cairo_surface_destroy(lp->surface);
	}
	if (lp->sink_failed && !rc)
		rc = EB_EIO;
	free(lp->district);
	free(lp->public_url);
	free(lp);
	return rc;
}

/* ---- text --------------------------------------------------------------- */

/* The font family for a language: the Noto faces cover Latin (Vietnamese
 * included), Cyrillic and Arabic; Chinese and Korean take their own CJK
 * face so that shared characters get their own shapes. */
static const char *family_for(const struct i18n_lang *L)
{
	const char *t = L ? L->tag : "en";
	if (strncmp(t, "zh", 2) == 0)
		return "Noto Sans CJK SC, Noto Sans";
	if (strncmp(t, "ko", 2) == 0)
		return "Noto Sans CJK KR, Noto Sans";
	if (strncmp(t, "ar", 2) == 0)
		return "Noto Sans Arabic, Noto Sans";
	return "Noto Sans";
}

static bool rtl(const struct i18n_lang *L)
{
	return L && L->rtl;
}

/* Sets the context to a letter's language and direction; every layout made
 * on it is told. */
static void set_language(struct letter_pdf *lp, const struct i18n_lang *L)
{
	if (lp->lang == L && lp->lang)
		return;
	lp->lang = L;
	pango_context_set_language(lp->ctx, pango_language_from_string(L ? L->tag : "en"));
	pango_context_set_base_dir(lp->ctx, rtl(L) ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
	pango_font_description_set_family(lp->font, family_for(L));
	pango_layout_context_changed(lp->line);
	for (size_t i = 0; i < lp->nblocks; i++) {
		pango_layout_context_changed(lp->blocks[i].body);
		pango_layout_context_changed(lp->blocks[i].caption);
	}
}

/* A paragraph layout: wrapped at width; in a right-to-left letter every
 * paragraph is right to left (an English description inside reads in its
 * own order), else each takes the direction of its text. */
static void prepare(struct letter_pdf *lp, PangoLayout *ly, double width, double size, bool bold)
{
	pango_font_description_set_size(lp->font, (gint)(size * PANGO_SCALE));
	pango_font_description_set_weight(lp->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(ly, lp->font);
	pango_layout_set_width(ly, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(ly, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_auto_dir(ly, !rtl(lp->lang));
	/* without auto_dir, pango does not mirror the alignment: say it */
	pango_layout_set_alignment(ly, rtl(lp->lang) ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
}

static double height(PangoLayout *ly)
{
	int w, h;
	pango_layout_get_size(ly, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void show(struct letter_pdf *lp, PangoLayout *ly, double x, double y)
{
	cairo_move_to(lp->cr, x, y);
	pango_cairo_show_layout(lp->cr, ly);
}

/* One line (ellipsized when longer than width) at (x, y); its height. */
static double one_line(struct letter_pdf *lp, double x, double y, double width, double size,
		       bool bold, const char *s)
{
	prepare(lp, lp->line, width, size, bold);
	pango_layout_set_ellipsize(lp->line, PANGO_ELLIPSIZE_END);
	pango_layout_set_text(lp->line, s, -1);
	show(lp, lp->line, x, y);
	double h = height(lp->line);
	pango_layout_set_ellipsize(lp->line, PANGO_ELLIPSIZE_NONE);
	return h;
}

/* ---- a child's update as one block -------------------------------------- */

static void span_text(struct block *b, enum span_kind k, const char *s)
{
	unsigned start = (unsigned)b->text.len;
	buf_puts(&b->text, s);
	if (b->nspans < SPANS_MAX)
		b->spans[b->nspans++] = (struct span){ start, (unsigned)b->text.len, k };
}

static void para(struct block *b, const char *s)
{
	if (b->text.len)
		buf_putc(&b->text, '\n');
	buf_puts(&b->text, s);
}

static void head(struct block *b, const char *s)
{
	/* a short empty line of air, then the heading */
	buf_putc(&b->text, '\n');
	span_text(b, SPAN_AIR, " ");
	buf_putc(&b->text, '\n');
	span_text(b, SPAN_HEAD, s);
}

static void bullet(struct block *b, const char *s)
{
	para(b, "\xE2\x80\xA2 "); /* U+2022 */
	buf_puts(&b->text, s);
}

/* The same parts, in the same words, as family_update_text. */
static void build_text(struct block *b, const struct letter_child *c)
{
	const struct family_update *u = &c->update;
	const struct i18n_lang *L = u->lang;
	char tmp[600];
	buf_reset(&b->text);
	b->nspans = 0;
	snprintf(tmp, sizeof tmp, TR(L, "Math this week for %s"), u->child ? u->child : c->first);
	span_text(b, SPAN_TITLE, tmp);
	buf_putc(&b->text, '\n');
	if (c->teacher)
		snprintf(tmp, sizeof tmp, "%s \xC2\xB7 %s", c->cls, c->teacher);
	else
		snprintf(tmp, sizeof tmp, "%s", c->cls);
	span_text(b, SPAN_SMALL, tmp);
	if (u->nworked) {
		head(b, TR(L, "Worked on this week"));
		for (size_t i = 0; i < u->nworked; i++)
			bullet(b, u->worked[i]);
		if (u->more_worked)
			bullet(b, TR(L, "and more"));
	} else {
		buf_putc(&b->text, '\n');
		snprintf(tmp, sizeof tmp,
			 TR(L, "%s did not practice in the school's math apps this week."),
			 u->child);
		buf_puts(&b->text, tmp);
	}
	if (u->nimproved) {
		head(b, TR(L, "What got better"));
		for (size_t i = 0; i < u->nimproved; i++)
			bullet(b, u->improved[i]);
	}
	if (u->next) {
		head(b, TR(L, "The one thing to work on next"));
		para(b, u->next);
		buf_puts(&b->text, " (");
		buf_puts(&b->text, u->next_why);
		buf_puts(&b->text, ")");
	}
	if (u->activity_title) {
		head(b, TR(L, "To do at home"));
		buf_putc(&b->text, '\n');
		span_text(b, SPAN_BOLD, u->activity_title);
		para(b, u->activity_text);
	}
	if (u->ntools) {
		head(b, TR(L, "The apps used at school"));
		for (size_t i = 0; i < u->ntools; i++) {
			snprintf(tmp, sizeof tmp, "%s: %s; %s.", u->tools[i].name,
				 u->tools[i].status, u->tools[i].privacy);
			bullet(b, tmp);
		}
	}
	if (u->note) {
		head(b, TR(L, "A note from the teacher"));
		if (u->note_translated) {
			para(b, u->note_translated);
			buf_putc(&b->text, '\n');
			snprintf(tmp, sizeof tmp,
				 TR(L, "%s wrote this in English. A computer translated it."),
				 u->note_author);
			span_text(b, SPAN_SMALL, tmp);
			head(b, TR(L, "The teacher's own words"));
			para(b, u->note);
		} else {
			para(b, u->note);
			buf_putc(&b->text, '\n');
			if (L != i18n_english())
				snprintf(tmp, sizeof tmp,
					 TR(L, "%s wrote this in English. It could not be "
					       "translated into your language."),
					 u->note_author);
			else
				snprintf(tmp, sizeof tmp, TR(L, "From %s."), u->note_author);
			span_text(b, SPAN_SMALL, tmp);
		}
	}
}

static void apply_spans(struct block *b)
{
	PangoAttrList *al = pango_attr_list_new();
	for (size_t i = 0; i < b->nspans; i++) {
		const struct span *s = &b->spans[i];
		PangoAttribute *a = NULL, *w = NULL;
		switch (s->kind) {
		case SPAN_TITLE:
			a = pango_attr_scale_new(1.4);
			w = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
			break;
		case SPAN_HEAD:
			a = pango_attr_scale_new(1.1);
			w = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
			break;
		case SPAN_BOLD:
			w = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
			break;
		case SPAN_SMALL:
			a = pango_attr_scale_new(0.85);
			break;
		case SPAN_AIR:
			a = pango_attr_scale_new(0.45);
			break;
		}
		PangoAttribute *both[2] = { a, w };
		for (int k = 0; k < 2; k++) {
			if (!both[k])
				continue;
			both[k]->start_index = s->start;
			both[k]->end_index = s->end;
			pango_attr_list_insert(al, both[k]);
		}
	}
	pango_layout_set_attributes(b->body, al);
	pango_attr_list_unref(al);
}

static enum eb_err blocks_reserve(struct letter_pdf *lp, size_t n)
{
	if (n <= lp->nblocks)
		return EB_OK;
	struct block *v = realloc(lp->blocks, n * sizeof *v);
	if (!v)
		return EB_ENOMEM;
	lp->blocks = v;
	for (size_t i = lp->nblocks; i < n; i++) {
		struct block *b = &v[i];
		memset(b, 0, sizeof *b);
		buf_init(&b->text, 64 * 1024);
		b->body = pango_layout_new(lp->ctx);
		b->caption = pango_layout_new(lp->ctx);
		b->url = pango_layout_new(lp->ltr);
	}
	lp->nblocks = n;
	return EB_OK;
}

/* The widths of the text column and the QR column's caption. */
static double text_w(const struct letter_pdf *lp)
{
	return lp->g.page_w - 2 * lp->g.margin - lp->g.qr_col_w;
}
static double caption_w(const struct letter_pdf *lp)
{
	return lp->g.qr_col_w - 0.25 * 72;
}

/* Lays a child's block out at size; its height (the taller of the text
 * and the QR column). */
static double layout_block(struct letter_pdf *lp, struct block *b, const struct letter_child *c,
			   const struct i18n_lang *L, double size)
{
	prepare(lp, b->body, text_w(lp), size, false);
	pango_layout_set_spacing(b->body, (int)(size * 0.15 * PANGO_SCALE));
	pango_layout_set_text(b->body, buf_cstr(&b->text), (int)b->text.len);
	apply_spans(b);
	/* the caption: the scan line, then "or type this address" */
	char scan[300], cap[600];
	snprintf(scan, sizeof scan,
		 TR(L, "Scan the code with a phone camera to open the page of %s."), c->first);
	snprintf(cap, sizeof cap, "%s %s", scan, TR(L, "Or type this address into a web browser:"));
	prepare(lp, b->caption, caption_w(lp), 7.5, false);
	pango_layout_set_text(b->caption, cap, -1);
	pango_font_description_set_size(lp->mono, (gint)(7 * PANGO_SCALE));
	pango_layout_set_font_description(b->url, lp->mono);
	pango_layout_set_width(b->url, (int)(caption_w(lp) * PANGO_SCALE));
	pango_layout_set_wrap(b->url, PANGO_WRAP_CHAR);
	pango_layout_set_auto_dir(b->url, false);
	pango_layout_set_alignment(b->url, PANGO_ALIGN_LEFT);
	pango_layout_set_text(b->url, c->url, -1);
	/* broken anywhere, never with a hyphen a reader would type */
	PangoAttrList *al = pango_attr_list_new();
	pango_attr_list_insert(al, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(b->url, al);
	pango_attr_list_unref(al);
	double qr = lp->g.qr_symbol * (1.0 + 2.0 * LETTER_QR_QUIET / 41.0);
	double col = qr + height(b->caption) + 2 + height(b->url);
	double h = height(b->body);
	b->h = h > col ? h : col;
	return b->h;
}

/* The QR code of url with its top-left (quiet zone included) at (x, y):
 * the dark modules as filled rectangles, each as wide and then as tall as
 * the modules not yet covered allow (a few hundred rectangles instead of a
 * thousand squares: the page's content stream stays small). Its edge,
 * quiet zone included; 0 when it could not be encoded. */
static double draw_qr(struct letter_pdf *lp, const char *url, double x, double y)
{
	QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return 0;
	int n = q->width;
	unsigned char *done = calloc((size_t)n * (size_t)n, 1);
	if (!done) {
		QRcode_free(q);
		return 0;
	}
	double m = letter_qr_module(&lp->g, n);
	double x0 = x + LETTER_QR_QUIET * m, y0 = y + LETTER_QR_QUIET * m;
#define FREE_DARK(r, c) ((q->data[(size_t)(r)*n + (c)] & 1) && !done[(size_t)(r)*n + (c)])
	cairo_set_source_rgb(lp->cr, 0, 0, 0);
	for (int r = 0; r < n; r++)
		for (int c = 0; c < n; c++) {
			if (!FREE_DARK(r, c))
				continue;
			int c1 = c;
			while (c1 < n && FREE_DARK(r, c1))
				c1++;
			int r1 = r + 1;
			for (; r1 < n; r1++) {
				int k = c;
				while (k < c1 && FREE_DARK(r1, k))
					k++;
				if (k < c1)
					break;
			}
			for (int rr = r; rr < r1; rr++)
				memset(done + (size_t)rr * n + c, 1, (size_t)(c1 - c));
			cairo_rectangle(lp->cr, x0 + c * m, y0 + r * m, (c1 - c) * m, (r1 - r) * m);
			c = c1 - 1;
		}
#undef FREE_DARK
	cairo_fill(lp->cr);
	double edge = (n + 2 * LETTER_QR_QUIET) * m;
	free(done);
	QRcode_free(q);
	return edge;
}

static void draw_block(struct letter_pdf *lp, struct block *b, const struct letter_child *c,
		       double y)
{
	const struct letter_geom *g = &lp->g;
	bool r = rtl(lp->lang);
	double tx = r ? g->margin + g->qr_col_w : g->margin;
	double qx = r ? g->margin : g->page_w - g->margin - g->qr_col_w + 0.25 * 72;
	cairo_set_source_rgb(lp->cr, 0, 0, 0);
	show(lp, b->body, tx, y);
	double edge = draw_qr(lp, c->url, qx, y);
	if (edge <= 0)
		lp->err = EB_ENOMEM;
	cairo_set_source_rgb(lp->cr, 0, 0, 0);
	show(lp, b->caption, qx, y + edge);
	show(lp, b->url, qx, y + edge + height(b->caption) + 2);
}

/* The top of a page: the school and the district (the upper window), the
 * week on the other side. */
static void draw_head(struct letter_pdf *lp, const struct letter *l)
{
	const struct letter_geom *g = &lp->g;
	cairo_set_source_rgb(lp->cr, 0, 0, 0);
	double y = g->return_addr.y;
	y += one_line(lp, g->return_addr.x, y, g->return_addr.w, 11, true, l->school_name);
	one_line(lp, g->return_addr.x, y, g->return_addr.w, 9, false, lp->district);
	if (l->nchildren) {
		char wk[80];
		snprintf(wk, sizeof wk, TR(l->lang, "Week of %s"), l->children[0].update.week_of);
		double w = 2.5 * 72;
		one_line(lp, g->page_w - g->margin - w, g->return_addr.y, w, 9, false, wk);
	}
}

/* The family's address in the lower window: the guardian's name, "to the
 * family of" the children, the first child's class and teacher (letters go
 * home in the backpack: the roster has no home address). */
static void draw_address(struct letter_pdf *lp, const struct letter *l)
{
	const struct letter_geom *g = &lp->g;
	const struct letter_rect *a = &g->address;
	char names[400] = "";
	size_t used = 0;
	for (size_t i = 0; i < l->nchildren && used < sizeof names; i++) {
		int n = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
				 l->children[i].first);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	char to[500];
	snprintf(to, sizeof to, TR(l->lang, "To the family of %s"), names);
	double y = a->y;
	y += one_line(lp, a->x, y, a->w, 11, true, l->guardian_name);
	y += one_line(lp, a->x, y, a->w, 10, false, to);
	const struct letter_child *c = &l->children[0];
	char cls[400];
	if (c->teacher)
		snprintf(cls, sizeof cls, "%s \xC2\xB7 %s", c->cls, c->teacher);
	else
		snprintf(cls, sizeof cls, "%s", c->cls);
	one_line(lp, a->x, y, a->w, 9, false, cls);
}

/* The foot: how long the codes work, and the access-code way in. Its
 * height (drawn only when draw). */
static double draw_foot(struct letter_pdf *lp, bool draw)
{
	const struct letter_geom *g = &lp->g;
	char where[600], s[900];
	/* the address isolated left to right (LRI ... PDI): in order inside a
	 * right-to-left sentence */
	snprintf(where, sizeof where, "\xE2\x81\xA6%s/login/code\xE2\x81\xA9", lp->public_url);
	snprintf(s, sizeof s,
		 TR(lp->lang, "Each code and address works once, for 30 days. After that, ask "
			      "the school for an access code and type it at %s"),
		 where);
	prepare(lp, lp->line, g->page_w - 2 * g->margin, 7.5, false);
	pango_layout_set_text(lp->line, s, -1);
	double h = height(lp->line);
	if (draw) {
		cairo_set_source_rgb(lp->cr, 0, 0, 0);
		show(lp, lp->line, g->margin, g->page_h - g->margin - h);
	}
	return h;
}

enum eb_err letter_pdf_add(struct letter_pdf *lp, const struct letter *l, int *pages)
{
	if (pages)
		*pages = 0;
	if (!l->nchildren)
		return EB_EINVAL;
	if (lp->err)
		return lp->err;
	enum eb_err rc = blocks_reserve(lp, l->nchildren);
	if (rc)
		return rc;
	set_language(lp, l->lang ? l->lang : i18n_english());
	const struct letter_geom *g = &lp->g;
	if (lp->foot_lang != lp->lang) {
		lp->foot_h = draw_foot(lp, false);
		lp->foot_lang = lp->lang;
	}
	double foot = lp->foot_h + 8;
	double room = g->page_h - g->margin - foot - g->body_top;
	size_t k = 0;
	for (size_t i = 0; i < l->nchildren; i++)
		build_text(&lp->blocks[i], &l->children[i]);
	for (k = 0; k < NSIZES; k++) {
		double total = 0;
		for (size_t i = 0; i < l->nchildren; i++)
			total += layout_block(lp, &lp->blocks[i], &l->children[i], l->lang,
					      body_sizes[k]) +
				 (i ? GAP : 0);
		if (total <= room)
			break;
	}
	int n = 1;
	draw_head(lp, l);
	draw_address(lp, l);
	draw_foot(lp, true);
	double y = g->body_top;
	for (size_t i = 0; i < l->nchildren; i++) {
		struct block *b = &lp->blocks[i];
		if (i && y + b->h > g->page_h - g->margin - foot) {
			/* the family continues on a page of its own */
			cairo_show_page(lp->cr);
			n++;
			draw_head(lp, l);
			draw_foot(lp, true);
			y = g->return_addr.y + g->return_addr.h + 12;
		}
		draw_block(lp, b, &l->children[i], y);
		y += b->h + GAP;
	}
	cairo_show_page(lp->cr);
	if (cairo_status(lp->cr) != CAIRO_STATUS_SUCCESS && !lp->err)
		lp->err = lp->sink_failed ? EB_EIO : EB_ENOMEM;
	if (pages)
		*pages = n;
	return lp->err;
}

enum eb_err letter_pdf_write(struct db *db, int64_t district_id, struct letter_list *list,
			     const struct family_week *w, const char *public_url,
			     enum letter_paper p, letter_pdf_sink sink, void *closure,
			     struct letter_pdf_run *run)
{
	memset(run, 0, sizeof *run);
	if (!list->n)
		return EB_EINVAL;
	char dname[256] = "";
	district_name(db, district_id, dname, sizeof dname);
	struct arena a, per;
	arena_init(&a);
	arena_init(&per);
	struct letter_pdf *lp = NULL;
	struct family_update_ctx *ctx;
	enum eb_err rc = family_update_ctx_new(db, district_id, w, &a, &ctx);
	if (rc)
		goto out;
	rc = letter_pdf_begin(p, dname, public_url, sink, closure, &lp);
	for (size_t i = 0; !rc && i < list->n; i++) {
		struct letter *l = &list->v[i];
		arena_reset(&per);
		rc = letter_fill(db, district_id, ctx, public_url, l, &per);
		int pages = 0;
		if (!rc)
			rc = letter_pdf_add(lp, l, &pages);
		run->letters++;
		run->pages += pages;
		run->children += (long)l->nchildren;
		run->fallback += l->lang_fallback;
	}
out:;
	enum eb_err frc = letter_pdf_finish(lp);
	if (!rc)
		rc = frc;
	arena_free(&per);
	arena_free(&a);
	return rc;
}
