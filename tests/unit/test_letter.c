/* Unit tests of domain/letter (the page's geometry) and
 * web/letter_pdf (a letter drawn into a PDF, a failing sink). The letters
 * of a roster, their QR codes and links are tested with the real tools in
 * tests/http/test_letters.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/i18n.h"
#include "domain/letter.h"
#include "web/letter_pdf.h"

static bool inside(const struct letter_rect *r, const struct letter_geom *g)
{
	return r->x >= 0 && r->y >= 0 && r->x + r->w <= g->page_w && r->y + r->h <= g->page_h;
}

static void test_geometry(void **state)
{
	(void)state;
	for (int p = LETTER_PAPER_US; p <= LETTER_PAPER_A4; p++) {
		struct letter_geom g;
		letter_geometry((enum letter_paper)p, &g);
		assert_true(inside(&g.return_addr, &g));
		assert_true(inside(&g.address, &g));
		/* the address below the return address, both within the page's
		 * top third (what faces the envelope's windows), the updates
		 * below the first fold */
		assert_true(g.address.y >= g.return_addr.y + g.return_addr.h);
		assert_true(g.address.y + g.address.h <= g.page_h / 3);
		assert_true(g.body_top >= g.page_h / 3);
		/* a #10 window starts 7/8 in from the left: the block is inside it */
		assert_true(g.address.x >= 0.875 * 72 && g.address.w <= 4.5 * 72);
		/* the text column keeps most of the width */
		assert_true(g.page_w - 2 * g.margin - g.qr_col_w >= 0.55 * g.page_w);
		/* every symbol a link can make (versions 1..10) is at least 25 mm
		 * wide and, with its quiet zone, fits its column */
		for (int modules = 21; modules <= 57; modules += 4) {
			double m = letter_qr_module(&g, modules);
			assert_true(m * modules >= LETTER_QR_MIN_MM * LETTER_MM - 1e-9);
			if (modules <= 41)
				assert_true(m * (modules + 2 * LETTER_QR_QUIET) <= g.qr_col_w);
		}
	}
	struct letter_geom us, a4;
	letter_geometry(LETTER_PAPER_US, &us);
	letter_geometry(LETTER_PAPER_A4, &a4);
	assert_true(us.page_w == 612 && us.page_h == 792);
	assert_true(a4.page_w > 595 && a4.page_w < 596 && a4.page_h > 841 && a4.page_h < 842);
	enum letter_paper p;
	assert_true(letter_paper_parse("a4", &p) && p == LETTER_PAPER_A4);
	assert_true(letter_paper_parse("us", &p) && p == LETTER_PAPER_US);
	assert_false(letter_paper_parse("legal", &p));
	assert_false(letter_paper_parse(NULL, &p));
}

static void child(struct letter_child *c, const char *name, const struct i18n_lang *L)
{
	memset(c, 0, sizeof *c);
	c->sid = "stu-x";
	c->first = name;
	c->cls = "Math 3 - Room 12";
	c->teacher = "Tina Teach";
	c->update.lang = L;
	c->update.child = name;
	snprintf(c->update.week_of, sizeof c->update.week_of, "2026-11-16");
	c->update.worked[0] = "Adding and subtracting within 1,000";
	c->update.nworked = 1;
	c->update.next = "Understanding fractions as numbers";
	c->update.next_why = "the next step";
	c->update.activity_title = "Pizza fractions";
	c->update.activity_text = "Cut a paper pizza into equal slices and name each part.";
	snprintf(c->url, sizeof c->url, "https://edbridge.example.org/f/%043d", 7);
}

static int count(const char *hay, size_t n, const char *needle)
{
	int k = 0;
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			k++;
	return k;
}

static void test_pdf_pages(void **state)
{
	(void)state;
	const struct i18n_lang *langs[] = { i18n_english(), i18n_find("ar"), i18n_find("zh-Hans") };
	struct buf out = BUF_INIT;
	buf_init(&out, 16 << 20);
	struct letter_pdf *lp;
	assert_int_equal(letter_pdf_begin(LETTER_PAPER_US, "Alder County", "https://e.example.org",
					  letter_pdf_sink_buf, &out, &lp),
			 EB_OK);
	int pages, total = 0;
	for (size_t i = 0; i < 3; i++) {
		struct letter_child c;
		child(&c, "Sam", langs[i] ? langs[i] : i18n_english());
		struct letter l = { .guardian_sid = "gdn-1",
				    .guardian_name = "Gloria One",
				    .school_sid = "sch-a1",
				    .school_name = "Birch Elementary",
				    .children = &c,
				    .nchildren = 1,
				    .lang = c.update.lang };
		assert_int_equal(letter_pdf_add(lp, &l, &pages), EB_OK);
		assert_int_equal(pages, 1);
		total += pages;
	}
	/* a family of five children still fits in smaller type, or goes on */
	struct letter_child five[5];
	for (int i = 0; i < 5; i++)
		child(&five[i], "Ana", i18n_english());
	struct letter l5 = { .guardian_name = "Ana's family",
			     .school_name = "Birch",
			     .children = five,
			     .nchildren = 5,
			     .lang = i18n_english() };
	assert_int_equal(letter_pdf_add(lp, &l5, &pages), EB_OK);
	assert_true(pages >= 1 && pages <= 3);
	total += pages;
	struct letter none = { .guardian_name = "x", .school_name = "y" };
	assert_int_equal(letter_pdf_add(lp, &none, &pages), EB_EINVAL);
	assert_int_equal(letter_pdf_finish(lp), EB_OK);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "%PDF-", 5);
	assert_int_equal(count(out.data, out.len, "/Type /Page\n") +
				 count(out.data, out.len, "/Type /Page "),
			 total);
	buf_free(&out);
}

static bool failing_sink(void *closure, const unsigned char *data, size_t len)
{
	(void)closure;
	(void)data;
	(void)len;
	return false;
}

static void test_pdf_sink_fails(void **state)
{
	(void)state;
	struct letter_pdf *lp;
	assert_int_equal(letter_pdf_begin(LETTER_PAPER_A4, "d", "https://e.example.org",
					  failing_sink, NULL, &lp),
			 EB_OK);
	struct letter_child c;
	child(&c, "Sam", i18n_english());
	struct letter l = { .guardian_name = "G",
			    .school_name = "S",
			    .children = &c,
			    .nchildren = 1,
			    .lang = i18n_english() };
	letter_pdf_add(lp, &l, NULL);
	assert_int_equal(letter_pdf_finish(lp), EB_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_pdf_pages),
		cmocka_unit_test(test_pdf_sink_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
