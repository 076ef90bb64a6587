/* family_update.h - the weekly family update about one child: what a parent
 * reads in one minute, in the family's language, built from the child's
 * learning data (docs/family_updates.md).
 *
 * One call builds the update (family_update_build); its renderings are:
 *
 *   family_update_text   plain text (an email's text part, the letter);
 *   family_update_short  a short text (a text message; the sender adds the
 *                        sign-in link);
 *   family_update_html   an HTML fragment (web/family_update_html.h: the
 *                        family page, an email's HTML part); it lives in the
 *                        web layer because a domain function never writes
 *                        HTML.
 *
 * What it says: what the child worked on this week (the catalog's family
 * descriptions), what got better (a standard whose level went up this
 * week), the one thing to work on next (family_update_next_focus), one
 * activity to do at home for it (domain/home_activities), the tools the
 * child uses with their approval and privacy status in words, and the
 * teacher's note (machine-translated and marked, or in English with a line
 * saying so). Never probabilities, percentages, counts of answers, codes,
 * ids or item addresses; the only digits are those of the week's date.
 *
 * The product's words are in the update's language; the catalog's family
 * descriptions are English (their translation is not done yet: the HTML
 * rendering marks them lang="en"). */
#ifndef EB_FAMILY_UPDATE_H
#define EB_FAMILY_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "domain/family_week.h"

struct db;
struct i18n_lang;
struct standard;
struct mastery_row;
struct district_levels;

#define FAMILY_UPDATE_WORKED_MAX 3
#define FAMILY_UPDATE_IMPROVED_MAX 2
#define FAMILY_UPDATE_TOOLS_MAX 6
/* the short text's cap, in bytes (two UCS-2 segments hold 134 characters;
 * Latin text of this length fits three GSM-7 segments) */
#define FAMILY_UPDATE_SHORT_MAX 300

struct family_update_tool {
	const char *name;    /* the tool's name, as the district wrote it */
	const char *status;  /* in words, in the update's language */
	const char *privacy; /* in words, in the update's language */
};

struct family_update {
	const struct i18n_lang *lang;
	struct family_week week;
	/* the week's Monday, YYYY-MM-DD (between the Unicode isolates LRI and
	 * PDI in a right-to-left language, so that it reads in order) */
	char week_of[20];
	const char *child; /* first (preferred) name */
	/* what the child worked on this week: the catalog's family
	 * descriptions (English) */
	const char *worked[FAMILY_UPDATE_WORKED_MAX];
	size_t nworked;
	bool more_worked; /* more than FAMILY_UPDATE_WORKED_MAX */
	const char *improved[FAMILY_UPDATE_IMPROVED_MAX];
	size_t nimproved;
	/* the one thing to work on next (NULL: nothing to suggest yet) and
	 * why it was chosen, in words */
	const char *next;
	const char *next_why;
	/* the at-home activity for it (NULL when none), translated */
	const char *activity_title, *activity_text;
	struct family_update_tool tools[FAMILY_UPDATE_TOOLS_MAX];
	size_t ntools;
	/* the teacher's note for the week (note NULL: none): the original,
	 * and its machine translation (NULL when there is none); author is
	 * the teacher's name */
	const char *note, *note_translated, *note_author;
};

/* What every update of one district and week shares, read once: the
 * district's levels and tools, and whether any teacher wrote a note that
 * week. For building many updates in a row (the weekly send, letters): one
 * context, then family_update_build_in for each student. Lives in arena;
 * valid while nothing it read changes (an hour's job, not a server's life). */
struct family_update_ctx;
enum eb_err family_update_ctx_new(struct db *db, int64_t district_id, const struct family_week *w,
				  struct arena *arena, struct family_update_ctx **out);
/* As family_update_build, with a context (student's memory in arena). */
enum eb_err family_update_build_in(struct family_update_ctx *ctx, const char *student_sid,
				   const struct i18n_lang *lang, struct arena *arena,
				   struct family_update *out);

/* Builds the update of student student_sid for week w in lang (NULL:
 * English), everything in arena. Reads the roster, the mastery estimates,
 * the week's learning events, the district's tools and the stored teacher
 * note with its stored translation (it translates nothing itself: see
 * teacher_note_translate). EB_ENOTFOUND for a student not in the district's
 * roster; EB_EDB, EB_ENOMEM. The caller checks who may read it. */
enum eb_err family_update_build(struct db *db, int64_t district_id, const char *student_sid,
				const struct family_week *w, const struct i18n_lang *lang,
				struct arena *arena, struct family_update *out);

/* The update as plain text (lines, a blank line between parts), appended
 * to out. */
void family_update_text(const struct family_update *u, struct buf *out);
/* The update as one short text (at most FAMILY_UPDATE_SHORT_MAX bytes, cut
 * at a character boundary with an ellipsis), appended to out. */
void family_update_short(const struct family_update *u, struct buf *out);

/* The one thing to work on next, among the child's measured standards
 * (cells, n of them, as mastery_student_cells gives them) under the
 * district's levels: the weakest standard of the current unit (the cluster
 * of the newest evidence) that is not yet at Proficient; else the first
 * standard of that cluster the child cannot do yet; else (the unit is
 * done) the most recently practiced standard not yet at Proficient. Only
 * standards with a family description. *why gets a msgid saying why (translate it). NULL
 * when there is nothing to suggest. When the recommender (domain/recommend)
 * is on main, this is where it is called. */
const struct standard *family_update_next_focus(const struct mastery_row *cells, size_t n,
						const struct district_levels *lv, const char **why);

#endif
