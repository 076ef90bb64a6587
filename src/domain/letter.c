/* letter.c - printed letters to families: who gets one and what it says
 * (letter.h). */
#include "domain/letter.h"

#include <string.h>

#include "base/hashset.h"
#include "base/i18n.h"
#include "base/str.h"
#include "domain/delivery.h"
#include "domain/family_contact.h"
#include "domain/family_lang.h"
#include "domain/family_link.h"
#include "domain/outbox.h"
#include "store/db.h"

#define INCH 72.0

void letter_geometry(enum letter_paper p, struct letter_geom *g)
{
	memset(g, 0, sizeof *g);
	g->page_w = p == LETTER_PAPER_A4 ? 210 * LETTER_MM : 8.5 * INCH;
	g->page_h = p == LETTER_PAPER_A4 ? 297 * LETTER_MM : 11 * INCH;
	g->margin = 0.75 * INCH;
	/* The upper window of a double-window #10 envelope: 1/2 in from the
	 * top, 3/8 in from the left; the lower (address) window: 4 1/2 x
	 * 1 1/8 in. A letter folded in three slides up to half an inch in its
	 * envelope, so the address sits where the window is in either
	 * position: 2 1/8 to 3 in from the top, 1 in from the left. The same
	 * places serve A4 folded for a DL window envelope (address window
	 * 45 to 90 mm from the top, 20 mm from the left). */
	g->return_addr = (struct letter_rect){ 0.5 * INCH, 0.5 * INCH, 3.25 * INCH, 0.875 * INCH };
	g->address = (struct letter_rect){ 1.0 * INCH, 2.125 * INCH, 3.5 * INCH, 0.875 * INCH };
	/* below the first fold (a third of the page) */
	g->body_top = g->page_h / 3 + 0.25 * INCH;
	g->qr_symbol = 30 * LETTER_MM;
	/* the symbol, its quiet zone (a symbol of 41 modules at most: the
	 * link fits version 6 at level M), a little air */
	g->qr_col_w = g->qr_symbol * (1.0 + 2.0 * LETTER_QR_QUIET / 41.0) + 0.25 * INCH;
}

double letter_qr_module(const struct letter_geom *g, int modules)
{
	double edge = g->qr_symbol < LETTER_QR_MIN_MM * LETTER_MM ? LETTER_QR_MIN_MM * LETTER_MM
								  : g->qr_symbol;
	return modules > 0 ? edge / modules : 0;
}

bool letter_paper_parse(const char *s, enum letter_paper *p)
{
	if (!s)
		return false;
	if (strcmp(s, "us") == 0 || strcmp(s, "letter") == 0)
		*p = LETTER_PAPER_US;
	else if (strcmp(s, "a4") == 0 || strcmp(s, "A4") == 0)
		*p = LETTER_PAPER_A4;
	else
		return false;
	return true;
}

/* One child of one family at one school: a row of the query below. */
struct row {
	const char *guardian, *gname, *sid, *first, *school, *school_name, *cls, *teacher;
	bool paper;
	int32_t letter; /* index into the letters */
};

/* Each student's class at each school: the first by title (one class is
 * enough to say whose backpack the letter goes home in). Then every
 * guardian of the student, with the guardian's contacts. */
static const char list_sql[] =
	"WITH sc AS (SELECT e.user_sourced_id AS sid, e.school_sourced_id AS school,"
	" min(c.title || char(31) || c.sourced_id) AS k FROM enrollment e JOIN class c ON"
	" c.district_id=e.district_id AND c.sourced_id=e.class_sourced_id"
	" WHERE e.district_id=?1 AND e.role='student' AND e.status<>'tobedeleted'"
	" AND (?2 IS NULL OR e.school_sourced_id=?2) GROUP BY 1, 2),"
	" sc2 AS (SELECT sid, school, substr(k, 1, instr(k, char(31)) - 1) AS title,"
	" substr(k, instr(k, char(31)) + 1) AS cls FROM sc)"
	" SELECT g.guardian_sourced_id, gp.given_name || ' ' || gp.family_name,"
	" NULL, NULL, NULL, s.sourced_id,"
	" coalesce(nullif(s.preferred_first_name, ''), s.given_name), sc2.school,"
	" coalesce(o.name, sc2.school), sc2.title,"
	" (SELECT p.given_name || ' ' || p.family_name FROM enrollment t JOIN person p ON"
	" p.district_id=t.district_id AND p.sourced_id=t.user_sourced_id WHERE t.district_id=?1"
	" AND t.class_sourced_id=sc2.cls AND t.role='teacher' AND t.status<>'tobedeleted'"
	" ORDER BY coalesce(t.is_primary, 0) DESC, t.sourced_id LIMIT 1)"
	" FROM sc2 JOIN person s ON s.district_id=?1 AND s.sourced_id=sc2.sid"
	" AND s.status<>'tobedeleted'"
	" JOIN guardianship g ON g.district_id=?1 AND g.student_sourced_id=sc2.sid"
	" JOIN person gp ON gp.district_id=?1 AND gp.sourced_id=g.guardian_sourced_id"
	" AND gp.status<>'tobedeleted'"
	" LEFT JOIN org o ON o.district_id=?1 AND o.sourced_id=sc2.school"
	" ORDER BY 9, 8, 10, sc2.cls, s.family_name, s.given_name, s.sourced_id,"
	" g.guardian_sourced_id";

/* Guardians none of whose children is in a class. */
static const char no_school_sql[] =
	"SELECT gp.sourced_id FROM person gp WHERE gp.district_id=?1"
	" AND gp.status<>'tobedeleted' AND EXISTS (SELECT 1 FROM guardianship g WHERE"
	" g.district_id=?1 AND g.guardian_sourced_id=gp.sourced_id) AND NOT EXISTS (SELECT 1 FROM"
	" guardianship g JOIN enrollment e ON e.district_id=g.district_id AND"
	" e.user_sourced_id=g.student_sourced_id AND e.role='student' AND"
	" e.status<>'tobedeleted' WHERE g.district_id=?1 AND g.guardian_sourced_id=gp.sourced_id)";

/* Who gets paper and who refused it: guardian sourcedIds (arena copies). */
struct paper {
	struct hashset want, refused;
	struct arena *arena;
};

static enum eb_err paper_put(struct paper *p, struct hashset *h, const char *sid)
{
	char *k = arena_strdup(p->arena, sid);
	if (!k)
		return EB_ENOMEM;
	return hs_set(h, str_from(k), 1);
}

static enum eb_err paper_of_contact(void *ctx, const struct family_contact *c)
{
	struct paper *p = ctx;
	bool want[FAMILY_CH_N];
	family_contact_channels(c, want);
	if (c->opted_out[FAMILY_CH_LETTER])
		return paper_put(p, &p->refused, c->guardian_sid);
	return want[FAMILY_CH_LETTER] ? paper_put(p, &p->want, c->guardian_sid) : EB_OK;
}

/* The district's choice of channels (family_contact, with the district's
 * country code) and the week's letters waiting in the outbox. */
static enum eb_err paper_read(struct db *db, int64_t d, const char *week, struct paper *p)
{
	struct delivery_settings ds;
	enum eb_err rc = delivery_get(db, d, &ds);
	if (!rc)
		rc = family_contact_each(db, d, ds.country_code[0] ? ds.country_code : NULL,
					 paper_of_contact, p);
	if (rc || !week)
		return rc;
	struct outbox_row *rows = NULL;
	size_t n = 0;
	rc = outbox_letters(db, d, week, NULL, false, p->arena, &rows, &n);
	for (size_t i = 0; !rc && i < n; i++)
		if (!hs_get(&p->refused, str_from(rows[i].guardian_sid), NULL))
			rc = paper_put(p, &p->want, rows[i].guardian_sid);
	return rc;
}

enum eb_err letter_list(struct db *db, int64_t district_id, const char *school_sid, bool all,
			const char *week, struct arena *arena, struct letter_list *out)
{
	memset(out, 0, sizeof *out);
	struct row *rows = NULL;
	size_t nrows = 0, cap = 0, nletters = 0;
	struct hashset keys;
	hs_init(&keys);
	struct paper pp = { .arena = arena };
	hs_init(&pp.want);
	hs_init(&pp.refused);
	struct db_stmt *st;
	enum eb_err rc = paper_read(db, district_id, week, &pp);
	if (rc)
		goto out;
	rc = db_query(db, list_sql,
		      DB_ARGS(DB_INT(district_id), school_sid ? DB_TEXT(school_sid) : DB_NULL),
		      &st);
	if (rc)
		goto out;
	while (db_next(st)) {
		const char *g = db_col_text(st, 0);
		bool paper = g && hs_get(&pp.want, str_from(g), NULL);
		if (!g || (!paper && !all) || hs_get(&pp.refused, str_from(g), NULL))
			continue;
		if (nrows == cap) {
			struct row *r = arena_grow(arena, rows, nrows, &cap, sizeof *rows, 256);
			if (!r) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			rows = r;
		}
		struct row *r = &rows[nrows];
		r->guardian = db_col_str(st, 0, arena);
		r->gname = db_col_str(st, 1, arena);
		r->sid = db_col_str(st, 5, arena);
		r->first = db_col_str(st, 6, arena);
		r->school = db_col_str(st, 7, arena);
		r->school_name = db_col_str(st, 8, arena);
		r->cls = db_col_str(st, 9, arena);
		r->teacher = db_col_dup(st, 10, arena);
		r->paper = paper;
		/* the key: guardian, unit separator, school */
		char *key = arena_printf(arena, "%s\x1f%s", r->guardian, r->school);
		if (!key) {
			db_fail(st, EB_ENOMEM);
			break;
		}
		int32_t at;
		if (!hs_get(&keys, str_from(key), &at)) {
			at = (int32_t)nletters++;
			if (hs_put(&keys, str_from(key), at, NULL)) {
				db_fail(st, EB_ENOMEM);
				break;
			}
		}
		r->letter = at;
		nrows++;
	}
	rc = db_done(st);
	if (rc)
		goto out;
	if (nletters) {
		out->v = arena_zalloc(arena, nletters * sizeof *out->v);
		size_t *nch = arena_zalloc(arena, nletters * sizeof *nch);
		if (!out->v || !nch) {
			rc = EB_ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < nrows; i++)
			nch[rows[i].letter]++;
		for (size_t i = 0; i < nrows; i++) {
			struct letter *l = &out->v[rows[i].letter];
			const struct row *r = &rows[i];
			if (!l->children) {
				l->children =
					arena_zalloc(arena, nch[r->letter] * sizeof *l->children);
				if (!l->children) {
					rc = EB_ENOMEM;
					goto out;
				}
				l->guardian_sid = r->guardian;
				l->guardian_name = r->gname;
				l->school_sid = r->school;
				l->school_name = r->school_name;
				l->needs_paper = r->paper;
			}
			struct letter_child *c = &l->children[l->nchildren++];
			c->sid = r->sid;
			c->first = r->first;
			c->cls = r->cls;
			c->teacher = r->teacher;
		}
		out->n = nletters;
	}
	if (!school_sid) {
		rc = db_query(db, no_school_sql, DB_ARGS(DB_INT(district_id)), &st);
		if (rc)
			goto out;
		while (db_next(st)) {
			const char *g = db_col_text(st, 0);
			if (g && !hs_get(&pp.refused, str_from(g), NULL) &&
			    (all || hs_get(&pp.want, str_from(g), NULL)))
				out->no_school++;
		}
		rc = db_done(st);
	}
out:
	hs_free(&keys);
	hs_free(&pp.want);
	hs_free(&pp.refused);
	if (rc)
		memset(out, 0, sizeof *out);
	return rc;
}

enum eb_err letter_fill(struct db *db, int64_t district_id, struct family_update_ctx *ctx,
			const char *public_url, struct letter *l, struct arena *arena)
{
	struct family_lang fl;
	family_lang_of_guardian(db, district_id, l->guardian_sid,
				l->nchildren ? l->children[0].sid : NULL, &fl);
	l->lang = fl.lang;
	l->lang_fallback = fl.fallback;
	for (size_t i = 0; i < l->nchildren; i++) {
		struct letter_child *c = &l->children[i];
		enum eb_err rc = family_update_build_in(ctx, c->sid, l->lang, arena, &c->update);
		if (rc)
			return rc;
		char token[64];
		rc = family_link_issue(db, district_id, l->guardian_sid, c->sid, FAMILY_LINK_LETTER,
				       token);
		if (rc)
			return rc;
		bool fits = family_link_url(public_url, token, c->url, sizeof c->url);
		memset(token, 0, sizeof token); /* the URL is the only copy kept */
		if (!fits)
			return EB_EINVAL;
	}
	return EB_OK;
}

enum eb_err letter_mark_printed(struct db *db, int64_t district_id, const char *week,
				const struct letter_list *list, int64_t now, long *marked)
{
	if (marked)
		*marked = 0;
	struct arena a;
	arena_init(&a);
	struct hashset printed;
	hs_init(&printed);
	struct outbox_row *rows = NULL;
	size_t n = 0, nids = 0;
	enum eb_err rc = EB_OK;
	for (size_t i = 0; !rc && i < list->n; i++)
		rc = hs_set(&printed, str_from(list->v[i].guardian_sid), 1);
	if (!rc)
		rc = outbox_letters(db, district_id, week, NULL, false, &a, &rows, &n);
	int64_t *ids = !rc && n ? arena_alloc(&a, n * sizeof *ids) : NULL;
	if (!rc && n && !ids)
		rc = EB_ENOMEM;
	for (size_t i = 0; !rc && i < n; i++)
		if (hs_get(&printed, str_from(rows[i].guardian_sid), NULL))
			ids[nids++] = rows[i].id;
	if (!rc && nids)
		rc = outbox_mark_letters_printed(db, district_id, ids, nids, now);
	if (!rc && marked)
		*marked = (long)nids;
	hs_free(&printed);
	arena_free(&a);
	return rc;
}
