/* The weekly family update: read from the roster, the mastery estimates,
 * the week's learning events, the tools and the teacher's note; written in
 * the family's language. */
#include "domain/family_update.h"

#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/district.h"
#include "domain/home_activities.h"
#include "domain/mastery.h"
#include "domain/mastery_views.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/teacher_note.h"
#include "domain/tools.h"
#include "store/db.h"

/* standards practiced in one week that the update looks at */
#define MAX_WEEK_STANDARDS 64

struct family_update_ctx {
	struct db *db;
	int64_t d;
	struct family_week week;
	struct district_levels lv;
	struct tool_row *tools; /* the district's, by name */
	size_t ntools;
	bool notes; /* a teacher wrote a note this week */
};

/* The family description of a catalog entry, or of the standard it is
 * part of. */
static const char *describe(const struct standard *s)
{
	for (; s; s = s->parent)
		if (s->family_description && *s->family_description)
			return s->family_description;
	return NULL;
}

static bool usable(const struct standard *s)
{
	return s && s->kind != STANDARD_CLUSTER && s->kind != STANDARD_PRACTICE && describe(s);
}

/* The mastery model's week number of t (weeks from Monday, UTC), the one
 * its weekly trend is kept by. */
static int64_t model_week(int64_t t)
{
	int64_t d = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	d += 3;
	return d >= 0 ? d / 7 : -((-d + 6) / 7);
}

/* P (percent) of a cell at the end of model week w: -1 before its first
 * evidence. After its last week the value stays. */
static int trend_at(const struct mastery_cell *c, int64_t w)
{
	if (!c->ntrend)
		return -1;
	if (w >= c->trend_week)
		return c->trend[c->ntrend - 1];
	int64_t back = c->trend_week - w;
	return back < c->ntrend ? c->trend[c->ntrend - 1 - back] : -1;
}

const struct standard *family_update_next_focus(const struct mastery_row *cells, size_t n,
						const struct district_levels *lv, const char **why)
{
	/* the current unit: the cluster of the newest evidence */
	const struct standard *newest = NULL;
	int64_t at = 0;
	for (size_t i = 0; i < n; i++) {
		const struct standard *s = standards_find(cells[i].standard);
		if (cells[i].c.inferred || !usable(s) || !s->cluster)
			continue;
		if (!newest || cells[i].c.last_at > at) {
			newest = s;
			at = cells[i].c.last_at;
		}
	}
	if (!newest)
		return NULL;
	const struct standard *unit = newest->cluster, *weakest = NULL;
	double low = 2;
	for (size_t i = 0; i < n; i++) {
		const struct standard *s = standards_find(cells[i].standard);
		if (cells[i].c.inferred || !usable(s) || s->cluster != unit ||
		    mastery_level_of(lv, cells[i].c.p) >= MASTERY_PROFICIENT)
			continue;
		if (cells[i].c.p < low) {
			low = cells[i].c.p;
			weakest = s;
		}
	}
	if (weakest) {
		*why = N_("the skill in this unit that needs the most practice now");
		return weakest;
	}
	const struct standard *in[64];
	size_t k = standards_in_cluster(unit, in, 64);
	for (size_t j = 0; j < k && j < 64; j++) {
		bool can = false;
		for (size_t i = 0; i < n && !can; i++)
			can = !cells[i].c.inferred && strcmp(cells[i].standard, in[j]->code) == 0 &&
			      mastery_level_of(lv, cells[i].c.p) >= MASTERY_PROFICIENT;
		if (!can && usable(in[j])) {
			*why = N_("the next skill in this unit");
			return in[j];
		}
	}
	/* the unit is done: the newest practiced skill not yet secure */
	const struct standard *recent = NULL;
	at = 0;
	for (size_t i = 0; i < n; i++) {
		const struct standard *s = standards_find(cells[i].standard);
		if (cells[i].c.inferred || !usable(s) ||
		    mastery_level_of(lv, cells[i].c.p) >= MASTERY_PROFICIENT)
			continue;
		if (!recent || cells[i].c.last_at > at) {
			recent = s;
			at = cells[i].c.last_at;
		}
	}
	if (recent)
		*why = N_("a skill practiced lately that needs more practice");
	return recent;
}

/* The standards with learning events of student sid in [from, to). */
static enum eb_err week_standards(struct db *db, int64_t d, const char *sid, int64_t from,
				  int64_t to, const struct standard **out, size_t *n)
{
	struct db_stmt *st;
	*n = 0;
	enum eb_err rc =
		db_query(db,
			 "SELECT DISTINCT standard_code FROM learning_event WHERE "
			 "district_id=?1 AND student_sourced_id=?2 AND standard_code IS NOT "
			 "NULL AND occurred_at>=?3 AND occurred_at<?4",
			 DB_ARGS(DB_INT(d), DB_TEXT(sid), DB_INT(from), DB_INT(to)), &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		const struct standard *s = standards_find(db_col_text(st, 0));
		if (usable(s) && *n < MAX_WEEK_STANDARDS)
			out[(*n)++] = s;
	}
	return db_done(st);
}

static const char *tool_status_words(enum tool_status s)
{
	switch (s) {
	case TOOL_APPROVED:
		return N_("approved by the district");
	case TOOL_APPROVED_WITH_CONDITIONS:
		return N_("approved by the district, with conditions");
	case TOOL_REQUESTED:
	case TOOL_UNDER_REVIEW:
		return N_("not yet approved by the district");
	default:
		return N_("not approved by the district");
	}
}

/* The tools with evidence in the child's cells, with their status. */
static void child_tools(const struct family_update_ctx *ctx, const struct mastery_row *cells,
			size_t n, const struct i18n_lang *L, struct family_update *u)
{
	int64_t ids[FAMILY_UPDATE_TOOLS_MAX];
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t t = 0; t < cells[i].c.ntools && t < MASTERY_MAX_TOOLS; t++) {
			int64_t id = cells[i].c.tools[t].tool_id;
			bool have = false;
			for (size_t j = 0; j < k && !have; j++)
				have = ids[j] == id;
			if (!have && k < FAMILY_UPDATE_TOOLS_MAX)
				ids[k++] = id;
		}
	/* the district's order (by name) */
	for (size_t r = 0; r < ctx->ntools && k; r++)
		for (size_t j = 0; j < k; j++)
			if (ctx->tools[r].id == ids[j]) {
				struct family_update_tool *t = &u->tools[u->ntools++];
				t->name = ctx->tools[r].name;
				t->status = TR(L, tool_status_words(ctx->tools[r].status));
				t->privacy = TR(
					L, ctx->tools[r].dpa_signed
						   ? N_("the company signed the district's "
							"student privacy agreement")
						   : N_("no signed student privacy agreement yet"));
				break;
			}
}

enum eb_err family_update_ctx_new(struct db *db, int64_t district_id, const struct family_week *w,
				  struct arena *arena, struct family_update_ctx **out)
{
	struct family_update_ctx *c = arena_alloc(arena, sizeof *c);
	if (!c)
		return EB_ENOMEM;
	memset(c, 0, sizeof *c);
	c->db = db;
	c->d = district_id;
	c->week = *w;
	if (district_levels(db, district_id, &c->lv)) {
		c->lv.approaching = 0.40;
		c->lv.proficient = 0.70;
		c->lv.mastered = 0.90;
	}
	enum eb_err rc = tools_list(db, district_id, -1, false, arena, &c->tools, &c->ntools);
	int64_t notes = 0;
	if (!rc)
		rc = db_get_int(
			db,
			"SELECT EXISTS (SELECT 1 FROM teacher_note WHERE district_id=?1 AND "
			"week=?2)",
			DB_ARGS(DB_INT(district_id), DB_TEXT(w->label)), &notes);
	c->notes = notes != 0;
	*out = c;
	return rc;
}

enum eb_err family_update_build(struct db *db, int64_t district_id, const char *student_sid,
				const struct family_week *w, const struct i18n_lang *lang,
				struct arena *arena, struct family_update *out)
{
	struct family_update_ctx *ctx;
	enum eb_err rc = family_update_ctx_new(db, district_id, w, arena, &ctx);
	return rc ? rc : family_update_build_in(ctx, student_sid, lang, arena, out);
}

enum eb_err family_update_build_in(struct family_update_ctx *ctx, const char *student_sid,
				   const struct i18n_lang *lang, struct arena *arena,
				   struct family_update *out)
{
	struct db *db = ctx->db;
	int64_t district_id = ctx->d;
	const struct family_week *w = &ctx->week;
	memset(out, 0, sizeof *out);
	const struct i18n_lang *L = lang ? lang : i18n_english();
	out->lang = L;
	out->week = *w;
	struct roster_person_row p;
	enum eb_err rc = roster_person_get(db, district_id, student_sid, arena, &p);
	if (rc)
		return rc;
	out->child = p.preferred_first_name && *p.preferred_first_name ? p.preferred_first_name
								       : p.given_name;
	{
		int y;
		unsigned m, dd;
		civil_from_days((int32_t)(model_week(w->start + 43200) * 7 - 3), &y, &m, &dd);
		char tmp[32];
		snprintf(tmp, sizeof tmp, L->rtl ? "\u2066%04d-%02u-%02u\u2069" : "%04d-%02u-%02u",
			 y, m, dd);
		str_copy(out->week_of, sizeof out->week_of, tmp);
	}
	const struct district_levels *lv = &ctx->lv;
	struct mastery_row *cells = NULL;
	size_t ncells = 0;
	if ((rc = mastery_student_cells(db, district_id, student_sid, arena, &cells, &ncells)))
		return rc;
	/* the week's events: only when some evidence is as new as the week
	 * (a cell's last_at is its newest event) */
	const struct standard *week[MAX_WEEK_STANDARDS];
	size_t nweek = 0;
	bool recent = false;
	for (size_t i = 0; i < ncells && !recent; i++)
		recent = cells[i].c.last_at >= w->start;
	if (recent &&
	    (rc = week_standards(db, district_id, student_sid, w->start, w->end, week, &nweek)))
		return rc;

	/* worked on: once per description, the catalog's order */
	for (size_t i = 0; i < nweek; i++) {
		const char *what = describe(week[i]);
		bool dup = false;
		for (size_t j = 0; j < out->nworked && !dup; j++)
			dup = out->worked[j] == what;
		if (dup)
			continue;
		if (out->nworked == FAMILY_UPDATE_WORKED_MAX)
			out->more_worked = true;
		else
			out->worked[out->nworked++] = what;
	}

	/* improved: practiced this week, a level higher at its end than a
	 * week before */
	int64_t mw = model_week(w->start + 43200);
	for (size_t i = 0; i < ncells && out->nimproved < FAMILY_UPDATE_IMPROVED_MAX; i++) {
		const struct mastery_cell *c = &cells[i].c;
		const struct standard *s = standards_find(cells[i].standard);
		bool this_week = false;
		for (size_t j = 0; j < nweek && !this_week; j++)
			this_week = week[j] == s;
		if (c->inferred || !this_week)
			continue;
		int before = trend_at(c, mw - 1), after = trend_at(c, mw);
		if (before < 0 || after < 0 ||
		    mastery_level_of(lv, after / 100.0) <= mastery_level_of(lv, before / 100.0))
			continue;
		out->improved[out->nimproved++] = describe(s);
	}

	/* the one thing next, and the activity for it */
	const char *why = NULL;
	const struct standard *next = family_update_next_focus(cells, ncells, lv, &why);
	const struct home_activity *act = NULL;
	if (next) {
		out->next = describe(next);
		out->next_why = TR(L, why);
		act = home_activity_for(next->code, (size_t)w->week);
	} else if (nweek) {
		act = home_activity_for(week[0]->code, (size_t)w->week);
	}
	if (act) {
		out->activity_title = TR(L, act->title);
		out->activity_text = TR(L, act->text);
	}

	child_tools(ctx, cells, ncells, L, out);

	if (!ctx->notes)
		return EB_OK;
	struct teacher_note note;
	rc = teacher_note_for_student(db, district_id, student_sid, w->label, arena, &note);
	if (rc == EB_OK) {
		out->note = note.body;
		out->note_author = note.author;
		const char *engine;
		if (L != i18n_english() &&
		    teacher_note_translation(db, district_id, note.id, L, arena,
					     &out->note_translated, &engine) != EB_OK)
			out->note_translated = NULL;
	} else if (rc != EB_ENOTFOUND) {
		return rc;
	}
	return EB_OK;
}

/* ---- plain text and short text ------------------------------------------ */

static void line(struct buf *b, const char *s)
{
	buf_puts(b, s);
	buf_putc(b, '\n');
}

static void heading(struct buf *b, const char *s)
{
	buf_putc(b, '\n');
	buf_puts(b, s);
	buf_puts(b, ":\n");
}

static void item(struct buf *b, const char *s)
{
	buf_puts(b, "- ");
	line(b, s);
}

void family_update_text(const struct family_update *u, struct buf *b)
{
	const struct i18n_lang *L = u->lang;
	buf_printf(b, TR(L, "Math this week for %s"), u->child);
	buf_putc(b, '\n');
	buf_printf(b, TR(L, "Week of %s"), u->week_of);
	buf_putc(b, '\n');
	if (u->nworked) {
		heading(b, TR(L, "Worked on this week"));
		for (size_t i = 0; i < u->nworked; i++)
			item(b, u->worked[i]);
		if (u->more_worked)
			item(b, TR(L, "and more"));
	} else {
		buf_putc(b, '\n');
		buf_printf(b, TR(L, "%s did not practice in the school's math apps this week."),
			   u->child);
		buf_putc(b, '\n');
	}
	if (u->nimproved) {
		heading(b, TR(L, "What got better"));
		for (size_t i = 0; i < u->nimproved; i++)
			item(b, u->improved[i]);
	}
	if (u->next) {
		heading(b, TR(L, "The one thing to work on next"));
		line(b, u->next);
		buf_puts(b, "(");
		buf_puts(b, u->next_why);
		buf_puts(b, ")\n");
	}
	if (u->activity_title) {
		heading(b, TR(L, "To do at home"));
		line(b, u->activity_title);
		line(b, u->activity_text);
	}
	if (u->ntools) {
		heading(b, TR(L, "The apps used at school"));
		for (size_t i = 0; i < u->ntools; i++)
			buf_printf(b, "- %s: %s; %s.\n", u->tools[i].name, u->tools[i].status,
				   u->tools[i].privacy);
	}
	if (u->note) {
		heading(b, TR(L, "A note from the teacher"));
		if (u->note_translated) {
			line(b, u->note_translated);
			buf_printf(b, TR(L, "%s wrote this in English. A computer translated it."),
				   u->note_author);
			buf_putc(b, '\n');
			heading(b, TR(L, "The teacher's own words"));
			line(b, u->note);
		} else {
			line(b, u->note);
			if (L != i18n_english())
				buf_printf(b,
					   TR(L, "%s wrote this in English. It could not be "
						 "translated into your language."),
					   u->note_author);
			else
				buf_printf(b, TR(L, "From %s."), u->note_author);
			buf_putc(b, '\n');
		}
	}
}

/* Appends s to b, stopping before FAMILY_UPDATE_SHORT_MAX bytes in all:
 * cut at a character boundary, with an ellipsis. False once cut. */
static bool put_capped(struct buf *b, size_t start, const char *s)
{
	const size_t cap = FAMILY_UPDATE_SHORT_MAX - 3; /* room for "…" */
	size_t used = b->len - start, n = strlen(s);
	if (used + n <= cap) {
		buf_puts(b, s);
		return true;
	}
	size_t k = cap > used ? cap - used : 0;
	while (k && (s[k] & 0xC0) == 0x80)
		k--;
	buf_put(b, s, k);
	buf_puts(b, "\xE2\x80\xA6");
	return false;
}

void family_update_short(const struct family_update *u, struct buf *b)
{
	const struct i18n_lang *L = u->lang;
	char part[FAMILY_UPDATE_SHORT_MAX * 2];
	size_t start = b->len;
	if (u->next)
		snprintf(part, sizeof part, TR(L, "Math update for %s. Next to work on: %s"),
			 u->child, u->next);
	else if (u->nworked)
		snprintf(part, sizeof part, TR(L, "Math update for %s: practiced this week."),
			 u->child);
	else
		snprintf(part, sizeof part,
			 TR(L, "Math update for %s: no practice in the school's apps this week."),
			 u->child);
	if (!put_capped(b, start, part) || !u->activity_title)
		return;
	snprintf(part, sizeof part, TR(L, " At home: %s."), u->activity_title);
	put_capped(b, start, part);
}
