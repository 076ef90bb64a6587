/* letter.h - printed letters to families (issue 13; docs/family_updates.md
 * "Printed letters"): what goes on each page, decided here; the PDF is drawn
 * by web/letter_pdf.h.
 *
 * One letter per family (a guardian of the roster) and school: the weekly
 * update of each of the family's children at that school, in the family's
 * language, each with a QR code of a single-use sign-in link
 * (FAMILY_LINK_LETTER, 30 days). A family with children at two schools gets
 * a letter from each (letters go home in the child's backpack, and a
 * principal prints only the pages of the school).
 *
 * Who needs paper (domain/family_contact.h decides, as for the weekly send):
 * a family with no usable email and no usable phone number, a family that
 * asked for paper, and a family whose 'letter' message of the week waits in
 * the outbox; never a family that opted out of letters. `--all` prints
 * every family but those.
 * Letters come sorted by school (name), then class (title), then child
 * (family name, given name), so a teacher hands them out in the roster's
 * order. */
#ifndef EB_LETTER_H
#define EB_LETTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/family_update.h"
#include "domain/family_week.h"

struct db;
struct i18n_lang;
struct family_update_ctx;

/* ---- page geometry (points, 1/72 inch, from the page's top-left) ------ */

enum letter_paper { LETTER_PAPER_US, LETTER_PAPER_A4 };

#define LETTER_MM 2.834645669 /* points per millimetre */
/* the smallest QR symbol edge (without its quiet zone) a phone reads from
 * a printed page at arm's length */
#define LETTER_QR_MIN_MM 25.0
#define LETTER_QR_QUIET 4 /* modules of white around the symbol (ISO 18004) */

struct letter_rect {
	double x, y, w, h;
};

struct letter_geom {
	double page_w, page_h, margin;
	/* a #10 double-window envelope (4 1/8 x 9 1/2 in) with the page folded
	 * in three: the return address shows through the upper window, the
	 * family's through the lower one (7/8 in from the left edge) */
	struct letter_rect return_addr, address;
	/* where the children's updates start (below the address window) */
	double body_top;
	/* the QR column on the trailing side: its width, the symbol's edge */
	double qr_col_w, qr_symbol;
};

/* The geometry of a page of paper p. */
void letter_geometry(enum letter_paper p, struct letter_geom *g);
/* The edge of one module of a QR symbol `modules` modules wide, so that the
 * symbol is g->qr_symbol wide (never under LETTER_QR_MIN_MM). */
double letter_qr_module(const struct letter_geom *g, int modules);
/* "us" / "letter" or "a4" into *p; false for anything else. */
bool letter_paper_parse(const char *s, enum letter_paper *p);

/* ---- who gets a letter, and what it says ------------------------------ */

struct letter_child {
	const char *sid;     /* never printed */
	const char *first;   /* preferred first name, else given name */
	const char *cls;     /* the class's title (the first by title) */
	const char *teacher; /* its teacher's name; NULL when none */
	/* filled by letter_fill */
	struct family_update update;
	char url[512]; /* the sign-in link */
};

struct letter {
	const char *guardian_sid; /* never printed */
	const char *guardian_name;
	const char *school_sid, *school_name;
	bool needs_paper; /* as above (false: printed only because of all) */
	struct letter_child *children;
	size_t nchildren;
	/* filled by letter_fill: the family's language, and whether the roster
	 * asked for one we do not have (the letter is then in English) */
	const struct i18n_lang *lang;
	bool lang_fallback;
};

struct letter_list {
	struct letter *v;
	size_t n;
	/* families (guardians) left out because none of their children is
	 * enrolled in a class: no school to hand a letter to */
	long no_school;
};

/* The letters of district d for week (a label, "2026-W47": the outbox's
 * letters of that week count as needing paper): of school school_sid only
 * when not NULL (its families, with their children at that school), of the
 * families that need paper unless all. Sorted as above; everything in
 * arena. Reads only. EB_EDB, EB_ENOMEM. */
enum eb_err letter_list(struct db *db, int64_t district_id, const char *school_sid, bool all,
			const char *week, struct arena *arena, struct letter_list *out);

/* After the letters of list were made for week: the outbox's letter rows
 * of that week of the families printed are marked printed (sent), so that
 * reach counts them (outbox_mark_letters_printed; audited there). *marked
 * (may be NULL) gets how many. Inside the caller's transaction, that of the
 * links. EB_EDB, EB_ENOMEM. */
enum eb_err letter_mark_printed(struct db *db, int64_t district_id, const char *week,
				const struct letter_list *list, int64_t now, long *marked);

/* Fills letter l for week (ctx: family_update_ctx_new of that week): the
 * family's language (family_lang_of_guardian), each child's update
 * (family_update_build_in), and a FAMILY_LINK_LETTER sign-in link per child
 * as "<public_url>/f/<token>". Issues links (writes): the caller holds a
 * transaction and rolls it back when the letters are not made, so no link
 * exists that no page carries. EB_EINVAL when the link does not fit
 * (public_url too long), else family_link_issue's and
 * family_update_build_in's errors. */
enum eb_err letter_fill(struct db *db, int64_t district_id, struct family_update_ctx *ctx,
			const char *public_url, struct letter *l, struct arena *arena);

#endif
