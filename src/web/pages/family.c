/* What families and students read: their part of the home page, a child's
 * record and what the child is learning, in plain words. Each standard is
 * given in the catalog's family description (data/ccssm), its level in
 * words, and what comes next in the coherence map; no probabilities,
 * counts of answers, evidence trail, codes, ids or item addresses; grades
 * and languages in words; cards that stack on a phone instead of wide
 * tables. A student reads the same in the second person ("what to work on
 * next"). Staff who open the same addresses keep their views (roster.c,
 * mastery.c). Every view of a child's learning is audited, the home page's
 * summary included.
 *
 * Everything here is written in the family's language (domain/family_lang:
 * the family's choice, else the roster's home language), set on req->lang
 * so that the page frame follows; the catalog's descriptions stay English
 * (marked lang="en"). A guardian's record page of a child leads with this
 * week's update (domain/family_update). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/family_lang.h"
#include "domain/family_update.h"
#include "domain/labels.h"
#include "domain/mastery.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "web/auth.h"
#include "web/chart.h"
#include "web/family_update_html.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"
#include "web/router.h"

/* children listed on one guardian's home page */
#define MAX_CHILDREN 16
/* successors looked at for "what comes next" */
#define MAX_NEXT 24

bool page_family_viewer(const struct account *a)
{
	return (a->role_mask & ROLES_STAFF) == 0 &&
	       (access_has(a, ROLE_GUARDIAN) || access_has(a, ROLE_STUDENT));
}

static bool is_self(const struct account *a, const char *sid);

bool page_family_is_self(const struct account *a, const char *sid)
{
	return is_self(a, sid);
}

/* The viewer is the student sid (second person), not a guardian. */
static bool is_self(const struct account *a, const char *sid)
{
	if (a->person_sid[0] && strcmp(a->person_sid, sid) == 0)
		return true;
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == ROLE_STUDENT && strcmp(a->roles[i].scope_id, sid) == 0)
			return true;
	return false;
}

static const char *first_name(const struct roster_person_row *p)
{
	return p->preferred_first_name && *p->preferred_first_name ? p->preferred_first_name
								   : p->given_name;
}

/* The first grade of a roster's grades ("05", "KG", "05,06") in words, in
 * L: "Grade 5", "Kindergarten"; a grade the family pages have no words
 * for in English (domain/labels); "" when there is none or it is not a
 * grade. */
static void grade_words(const struct i18n_lang *L, const char *grades, char *out, size_t cap)
{
	char g[8];
	size_t n = grades ? strcspn(grades, ", ") : 0;
	out[0] = '\0';
	if (n == 0 || n >= sizeof g)
		return;
	memcpy(g, grades, n);
	g[n] = '\0';
	int64_t v;
	if (strcmp(g, "KG") == 0 || strcmp(g, "K") == 0)
		str_copy(out, cap, TR(L, "Kindergarten"));
	else if (strcmp(g, "PK") == 0)
		str_copy(out, cap, TR(L, "Pre-kindergarten"));
	else if (cstr_to_i64(g, 1, 12, &v) == EB_OK)
		snprintf(out, cap, TR(L, "Grade %d"), (int)v);
	else if (label_grade(g))
		str_copy(out, cap, label_grade(g));
}

/* "This is a grade 4 skill." for a catalog grade. */
static void skill_grade_sentence(struct buf *b, const struct i18n_lang *L, int grade)
{
	if (grade == 0)
		html_text(b, TR(L, "This is a kindergarten skill."));
	else if (grade == STANDARDS_GRADE_HS)
		html_text(b, TR(L, "This is a high school skill."));
	else
		html_textf(b, TR(L, "This is a grade %d skill."), grade);
}

/* The catalog grade of a roster grade ("05" -> 5, "KG" -> 0), -1 unknown. */
static int catalog_grade(const char *grades)
{
	char g[8];
	size_t n = grades ? strcspn(grades, ", ") : 0;
	if (n == 0 || n >= sizeof g)
		return -1;
	memcpy(g, grades, n);
	g[n] = '\0';
	if (strcmp(g, "KG") == 0)
		return 0;
	int64_t v;
	if (cstr_to_i64(g, 1, 13, &v))
		return -1;
	return v >= 9 ? STANDARDS_GRADE_HS : (int)v;
}

/* ---- the levels in words --------------------------------------------- */

static const char *const level_words[MASTERY_LEVEL_COUNT] = {
	N_("Just starting"),
	N_("Getting there"),
	N_("Can do it"),
	N_("Knows it well"),
};
static const char *const level_words_self[MASTERY_LEVEL_COUNT] = {
	N_("Just starting"),
	N_("Getting there"),
	N_("You can do it"),
	N_("You know it well"),
};

static const char *level_text(const struct i18n_lang *L, enum mastery_level l, bool self)
{
	return TR(L, (self ? level_words_self : level_words)[l]);
}

/* What each level means, in words (the district's thresholds stay with
 * the staff's views). */
static void legend(struct buf *b, const struct i18n_lang *L, const char *name, bool self)
{
	static const char *const family[MASTERY_LEVEL_COUNT] = {
		N_("%s has started on this; it is still new."),
		N_("%s is partway there: a little more practice will help."),
		N_("%s can usually do this."),
		N_("%s does this well, time after time."),
	};
	static const char *const you[MASTERY_LEVEL_COUNT] = {
		N_("You have started on this; it is still new."),
		N_("You are partway there: a little more practice will help."),
		N_("You can usually do this."),
		N_("You do this well, time after time."),
	};
	html_raw(b, "<details class=\"fam-legend\"><summary>");
	html_text(b, TR(L, "What the words mean"));
	html_raw(b, "</summary><dl>");
	for (int l = 0; l < MASTERY_LEVEL_COUNT; l++) {
		html_raw(b, "<dt><span class=\"lv lv-");
		html_attr(b, mastery_level_slug((enum mastery_level)l));
		html_raw(b, "\">");
		html_text(b, level_text(L, (enum mastery_level)l, self));
		html_raw(b, "</span></dt><dd>");
		if (self)
			html_text(b, TR(L, you[l]));
		else
			html_textf(b, TR(L, family[l]), name);
		html_raw(b, "</dd>");
	}
	html_raw(b, "</dl><p>");
	html_text(b, self ? TR(L, "The words come from your work in the school's math apps. Your"
				  " teacher sees more, and may know more.")
			  : TR(L, "The words come from the child's work in the school's math apps."
				  " The teacher sees more, and may know more: ask them."));
	html_raw(b, "</p></details>");
}

/* A catalog description (English) on a page that may not be. */
static void catalog_text(struct buf *b, const struct i18n_lang *L, const char *s)
{
	if (L && L != i18n_english()) {
		html_raw(b, "<span lang=\"en\" dir=\"ltr\">");
		html_text(b, s);
		html_raw(b, "</span>");
	} else {
		html_text(b, s);
	}
}

/* ---- what a child is learning ---------------------------------------- */

struct item {
	const struct standard *s;
	const struct mastery_cell *c;
	enum mastery_level l;
	const struct standard *next; /* what comes next, or NULL */
};

struct learning {
	struct mastery_row *cells;
	size_t ncells;
	struct item *it;
	size_t n;
	int grade; /* the child's catalog grade, -1 unknown */
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

/* The child already can do s (a measured cell at Proficient or above). */
static bool has_it(const struct learning *L, const struct district_levels *lv,
		   const struct standard *s)
{
	for (size_t i = 0; i < L->ncells; i++)
		if (!L->cells[i].c.inferred && strcmp(L->cells[i].standard, s->code) == 0)
			return mastery_level_of(lv, L->cells[i].c.p) >= MASTERY_PROFICIENT;
	return false;
}

/* The next standard after s: in the coherence map (its arrows, or those of
 * the standard it is part of), one with a family description that the
 * child cannot do yet, of s's grade or the next (the lower first: a map's
 * arrow to a skill four grades on is no next step for a family); else the
 * next standard of s's cluster in the catalog, the order it is taught in. */
static const struct standard *next_of(const struct learning *L, const struct district_levels *lv,
				      const struct standard *s)
{
	for (const struct standard *x = s; x && x->kind != STANDARD_CLUSTER; x = x->parent) {
		const struct standard *succ[MAX_NEXT], *best = NULL;
		size_t n = standards_successors(x, succ, MAX_NEXT);
		for (size_t i = 0; i < n && i < MAX_NEXT; i++) {
			const struct standard *t = succ[i];
			if (t->kind == STANDARD_CLUSTER || t->kind == STANDARD_PRACTICE ||
			    !describe(t) || t->grade < s->grade || t->grade > s->grade + 1 ||
			    has_it(L, lv, t))
				continue;
			if (!best || t->grade < best->grade)
				best = t;
		}
		if (best)
			return best;
	}
	const struct standard *top = s->kind == STANDARD_SUBSTANDARD && s->parent ? s->parent : s;
	for (size_t i = top->index + 1; i < standards_count(); i++) {
		const struct standard *t = standards_at(i);
		if (!t || t->cluster != s->cluster)
			break;
		if (t->kind == STANDARD_STANDARD && describe(t) && !has_it(L, lv, t))
			return t;
	}
	return NULL;
}

/* Newest evidence first; what is not yet at Proficient before the rest. */
static int by_need_then_recent(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	bool nx = x->l < MASTERY_PROFICIENT, ny = y->l < MASTERY_PROFICIENT;
	if (nx != ny)
		return nx ? -1 : 1;
	if (x->c->last_at != y->c->last_at)
		return x->c->last_at > y->c->last_at ? -1 : 1;
	return strcmp(x->s->code, y->s->code);
}

/* The measured standards of student sid (catalog ones with a family
 * description), with their levels and what comes next. Inferred estimates
 * are left out: they are not a measurement of the child. */
static enum eb_err learning_load(struct http_request *req, const struct roster_person_row *p,
				 const struct district_levels *lv, struct learning *L)
{
	memset(L, 0, sizeof *L);
	L->grade = catalog_grade(p->grades);
	enum eb_err rc = mastery_student_cells(req->db, req->session->account.district_id,
					       p->sourced_id, &req->arena, &L->cells, &L->ncells);
	if (rc)
		return rc;
	L->it = arena_alloc(&req->arena, (L->ncells ? L->ncells : 1) * sizeof *L->it);
	if (!L->it)
		return EB_ENOMEM;
	for (size_t i = 0; i < L->ncells; i++) {
		const struct mastery_cell *c = &L->cells[i].c;
		const struct standard *s = standards_find(L->cells[i].standard);
		if (c->inferred || !s || s->kind == STANDARD_CLUSTER ||
		    s->kind == STANDARD_PRACTICE || !describe(s))
			continue;
		struct item *it = &L->it[L->n++];
		it->s = s;
		it->c = c;
		it->l = mastery_level_of(lv, c->p);
	}
	for (size_t i = 0; i < L->n; i++)
		L->it[i].next = next_of(L, lv, L->it[i].s);
	qsort(L->it, L->n, sizeof *L->it, by_need_then_recent);
	return EB_OK;
}

static void levels_of(struct http_request *req, struct district_levels *lv)
{
	if (district_levels(req->db, req->session->account.district_id, lv)) {
		lv->approaching = 0.40;
		lv->proficient = 0.70;
		lv->mastered = 0.90;
	}
}

/* "practiced this week", "last practiced a few weeks ago" (no numbers:
 * no plural forms to translate) */
static void practiced(struct buf *b, const struct i18n_lang *L, int64_t at)
{
	if (!at)
		return;
	int64_t days = (time_now() - at) / 86400;
	html_raw(b, " <span class=\"muted\">");
	if (days < 1)
		html_text(b, TR(L, "practiced today"));
	else if (days < 7)
		html_text(b, TR(L, "practiced this week"));
	else if (days < 14)
		html_text(b, TR(L, "last practiced a week ago"));
	else if (days < 60)
		html_text(b, TR(L, "last practiced a few weeks ago"));
	else if (days < 730)
		html_text(b, TR(L, "last practiced a few months ago"));
	else
		html_text(b, TR(L, "last practiced over a year ago"));
	html_raw(b, "</span>");
}

static void level_tag(struct buf *b, const struct i18n_lang *L, enum mastery_level l, bool self)
{
	html_raw(b, "<span class=\"lv lv-");
	html_attr(b, mastery_level_slug(l));
	html_raw(b, "\">");
	html_text(b, level_text(L, l, self));
	html_raw(b, "</span>");
}

/* One standard as a card: what it is, the level, what comes next. */
static void item_card(struct buf *b, const struct i18n_lang *L, const struct item *it,
		      int child_grade, bool self)
{
	html_raw(b, "<li><p class=\"fam-what\">");
	catalog_text(b, L, describe(it->s));
	html_raw(b, "</p><p>");
	level_tag(b, L, it->l, self);
	practiced(b, L, it->c->last_at);
	if (child_grade >= 0 && it->s->grade != child_grade) {
		html_raw(b, "<br><span class=\"muted\">");
		skill_grade_sentence(b, L, it->s->grade);
		html_raw(b, "</span>");
	}
	html_raw(b, "</p>");
	if (it->next) {
		html_raw(b, "<p class=\"fam-next\"><span class=\"fam-label\">");
		html_text(b, it->l < MASTERY_PROFICIENT ? TR(L, "After this:")
							: TR(L, "What comes next:"));
		html_raw(b, "</span> ");
		catalog_text(b, L, describe(it->next));
		html_raw(b, "</p>");
	}
	html_raw(b, "</li>");
}

static void item_list(struct buf *b, const struct i18n_lang *L, const struct item *it, size_t n,
		      int grade, bool self)
{
	html_raw(b, "<ul class=\"fam-list\">");
	for (size_t i = 0; i < n; i++)
		item_card(b, L, &it[i], grade, self);
	html_raw(b, "</ul>");
}

/* ---- progress by unit ------------------------------------------------- */

#define UNITS_MAX 32

struct unit_row {
	const struct standard *cluster;
	int practiced, can;
};

/* The clusters (units) of the measured standards, in catalog order, with
 * how many of their standards the child has practiced and can do. */
static size_t units_of(const struct learning *L, struct unit_row *u, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < L->n; i++) {
		const struct standard *c = L->it[i].s->cluster;
		if (!c)
			continue;
		size_t k = 0;
		while (k < n && u[k].cluster != c)
			k++;
		if (k == n) {
			if (n == cap)
				continue;
			u[n++] = (struct unit_row){ c, 0, 0 };
		}
		u[k].practiced++;
		u[k].can += L->it[i].l >= MASTERY_PROFICIENT;
	}
	for (size_t i = 1; i < n; i++) /* insertion sort by catalog order */
		for (size_t j = i; j > 0 && u[j - 1].cluster->index > u[j].cluster->index; j--) {
			struct unit_row t = u[j];
			u[j] = u[j - 1];
			u[j - 1] = t;
		}
	return n;
}

static const char *unit_name(const struct standard *c)
{
	return c->cluster_heading && *c->cluster_heading ? c->cluster_heading : c->code;
}

/* The student's own progress: one line per unit with a plain bar. */
static void unit_bars(struct http_request *req, const struct learning *L)
{
	struct buf *b = &req->out;
	const struct i18n_lang *T = req->lang;
	struct unit_row u[UNITS_MAX];
	size_t n = units_of(L, u, UNITS_MAX);
	if (!n)
		return;
	html_raw(b, "<section aria-labelledby=\"h-units\"><h2 id=\"h-units\">");
	html_text(b, TR(T, "Your progress by unit"));
	html_raw(b, "</h2><ul class=\"fam-units\">");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li><span id=\"unit-");
		html_attr(b, u[i].cluster->code);
		html_raw(b, "\">");
		catalog_text(b, T, unit_name(u[i].cluster));
		html_raw(b, "</span><br><progress aria-labelledby=\"unit-");
		html_attr(b, u[i].cluster->code);
		buf_printf(b, "\" max=\"%d\" value=\"%d\"></progress> <span class=\"muted\">",
			   u[i].practiced, u[i].can);
		html_textf(b, TR(T, "Skills you can do: %d of %d"), u[i].can, u[i].practiced);
		html_raw(b, "</span></li>");
	}
	html_raw(b, "</ul></section>");
}

/* A family's view of the same: a column chart with its table. */
static void unit_chart(struct http_request *req, const struct learning *L, const char *name)
{
	struct buf *b = &req->out;
	const struct i18n_lang *T = req->lang;
	struct unit_row u[UNITS_MAX];
	size_t n = units_of(L, u, UNITS_MAX);
	html_raw(b, "<section aria-labelledby=\"h-units\"><h2 id=\"h-units\">");
	html_text(b, TR(T, "Progress by unit"));
	html_raw(b, "</h2>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">");
		html_textf(b,
			   TR(T, "There is no practice from the school's math apps yet."
				 " When %s practices in them, what they learn shows here."),
			   name);
		html_raw(b, "</p></section>");
		return;
	}
	int can[UNITS_MAX], practiced[UNITS_MAX];
	const char *labels[UNITS_MAX];
	for (size_t i = 0; i < n; i++) {
		can[i] = u[i].can;
		practiced[i] = u[i].practiced;
		labels[i] = unit_name(u[i].cluster);
	}
	char *title = arena_printf(&req->arena, TR(T, "Skills %s can do, by unit"), name);
	html_raw(b, "<div class=\"fam-chart\" dir=\"ltr\">"); /* the drawing runs left to right */
	chart_parts(b, "units", title ? title : "", labels, can, practiced, n);
	html_raw(b, "</div>");
	page_scroll_begin(req, TR(T, "Progress by unit"));
	html_raw(b, "<table><thead><tr><th scope=\"col\">");
	html_text(b, TR(T, "Unit"));
	html_raw(b, "</th><th scope=\"col\" class=\"num\">");
	html_text(b, TR(T, "Skills practiced"));
	html_raw(b, "</th><th scope=\"col\" class=\"num\">");
	html_text(b, TR(T, "Can do"));
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><th scope=\"row\">");
		catalog_text(b, T, unit_name(u[i].cluster));
		buf_printf(b, "</th><td class=\"num\">%d</td><td class=\"num\">%d</td></tr>",
			   u[i].practiced, u[i].can);
	}
	html_raw(b, "</tbody></table></div></section>");
}

/* The child's grade and schools ("Grade 5 · Maple Elementary"). */
static void grade_and_school(struct http_request *req, const struct roster_person_row *p)
{
	struct buf *b = &req->out;
	char g[48];
	grade_words(req->lang, p->grades, g, sizeof g);
	struct roster_org_row *s = NULL;
	size_t ns = 0;
	if (roster_person_schools(req->db, req->session->account.district_id, p->sourced_id,
				  &req->arena, &s, &ns))
		ns = 0;
	if (!g[0] && !ns)
		return;
	html_raw(b, "<p class=\"fam-sub\">");
	html_text(b, g);
	for (size_t i = 0; i < ns; i++) {
		if (g[0] || i)
			html_raw(b, " &middot; ");
		html_text(b, s[i].name);
	}
	html_raw(b, "</p>");
}

/* Sets the page's language for the family viewer reading about child_sid
 * (NULL: the home page); *fl says where it came from. */
static const struct i18n_lang *use_lang(struct http_request *req, const char *child_sid,
					struct family_lang *fl)
{
	const struct account *a = &req->session->account;
	family_lang_of_account(req->db, a->district_id, a, child_sid, fl);
	req->lang = fl->lang;
	return fl->lang;
}

/* ---- /students/:id/mastery for a family ------------------------------- */

void page_family_mastery(struct http_request *req, const struct roster_person_row *p)
{
	const struct account *a = &req->session->account;
	bool self = is_self(a, p->sourced_id);
	struct family_lang fl;
	const struct i18n_lang *T = use_lang(req, p->sourced_id, &fl);
	struct district_levels lv;
	levels_of(req, &lv);
	struct learning L;
	if (learning_load(req, p, &lv, &L)) {
		page_error(req, 500, TR(T, "Error"),
			   TR(T, "What the student is learning could not be read. Try again."));
		return;
	}
	struct buf *b = &req->out;
	const char *name = first_name(p);
	char *title = self ? (char *)TR(T, "What you are learning")
			   : arena_printf(&req->arena, TR(T, "What %s is learning"), name);
	page_begin(req, title ? title : TR(T, "What you are learning"));
	html_raw(b, "<p class=\"crumbs\"><a href=\"/students/");
	html_url(b, p->sourced_id);
	html_raw(b, "\">");
	if (self)
		html_text(b, TR(T, "Your page"));
	else
		html_textf(b, TR(T, "%s's page"), name);
	html_raw(b, "</a></p>");
	grade_and_school(req, p);
	if (!L.n) {
		html_raw(b, "<p>");
		if (self)
			html_text(b,
				  TR(T, "There is no practice from the school's math apps yet."
					" When you practice in them, what you learn shows here."));
		else
			html_textf(b,
				   TR(T, "There is no practice from the school's math apps yet."
					 " When %s practices in them, what they learn shows here."),
				   name);
		html_raw(b, "</p>");
		page_end(req);
		return;
	}
	html_raw(b, "<p>");
	if (self)
		html_text(b, TR(T, "The math skills you have practiced in the school's apps, "
				   "newest first."));
	else
		html_textf(b,
			   TR(T, "The math skills %s has practiced in the school's apps, newest "
				 "first."),
			   name);
	html_raw(b, "</p>");
	legend(b, T, name, self);
	size_t k = 0;
	while (k < L.n && L.it[k].l < MASTERY_PROFICIENT)
		k++;
	html_raw(b, "<h2>");
	html_text(b, self ? TR(T, "What to work on next") : TR(T, "Working on now"));
	html_raw(b, "</h2>");
	if (k) {
		item_list(b, T, L.it, k, L.grade, self);
	} else {
		html_raw(b, "<p>");
		html_text(b, self ? TR(T, "Nothing waiting: everything you have practiced, you "
					  "can do.")
				  : TR(T, "Nothing waiting: everything practiced so far is going "
					  "well."));
		html_raw(b, "</p>");
	}
	if (k < L.n) {
		html_raw(b, "<h2>");
		html_text(b, self ? TR(T, "What you can do") : TR(T, "Can do"));
		html_raw(b, "</h2>");
		item_list(b, T, L.it + k, L.n - k, L.grade, self);
	}
	page_end(req);
}

/* ---- /students/:id for a family --------------------------------------- */

static void yes_no(struct buf *b, const struct i18n_lang *L, int v)
{
	html_text(b, v == 1 ? TR(L, "Yes") : v == 0 ? TR(L, "No") : TR(L, "Not recorded"));
}

/* A home language as the family reads it: the language's own name when we
 * have it, else its English name, else the roster's tag. */
static void language_words(struct buf *b, const struct i18n_lang *L, const char *tag)
{
	const struct i18n_lang *have = i18n_find(tag);
	const char *english = label_language(tag);
	if (have) {
		html_raw(b, "<span lang=\"");
		html_attr(b, have->tag);
		html_raw(b, "\">");
		html_text(b, have->name);
		html_raw(b, "</span>");
	} else if (english || (tag && *tag)) {
		catalog_text(b, L, english ? english : tag);
	} else {
		html_text(b, TR(L, "Not recorded"));
	}
}

/* This week's update about the child (a guardian's view of a record),
 * or of the week ?week=2026-W47 asks for. */
static void update_section(struct http_request *req, const struct roster_person_row *p)
{
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	int64_t d = req->session->account.district_id;
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	const struct tz *z = NULL;
	if (district_time_zone(req->db, d, zname, sizeof zname) == EB_OK)
		z = tz_get(zname);
	struct family_week w;
	const char *wq = http_query(req, "week");
	if (!wq || family_week_parse(wq, z, &w))
		family_week_of(time_now(), z, &w);
	struct family_update u;
	html_raw(b, "<section aria-labelledby=\"h-update\" id=\"update\"><h2 id=\"h-update\">");
	html_text(b, TR(L, "This week's update"));
	html_raw(b, "</h2>");
	if (family_update_build(req->db, d, p->sourced_id, &w, L, &req->arena, &u)) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(L, "The update could not be shown just now. Try again later."));
		html_raw(b, "</p></section>");
		return;
	}
	family_update_html(b, &u, 3);
	html_raw(b, "</section>");
}

void page_family_record(struct http_request *req, const struct roster_person_row *p)
{
	const struct account *a = &req->session->account;
	int64_t d = a->district_id;
	bool self = is_self(a, p->sourced_id);
	struct family_lang fl;
	const struct i18n_lang *L = use_lang(req, p->sourced_id, &fl);
	struct buf *b = &req->out;
	const char *name = first_name(p);
	char *title = arena_printf(&req->arena, "%s %s", name, p->family_name);
	page_begin(req, title ? title : name);
	grade_and_school(req, p);
	html_raw(b, "<p class=\"fam-go\"><a href=\"/students/");
	html_url(b, p->sourced_id);
	html_raw(b, "/mastery\">");
	if (self)
		html_text(b, TR(L, "What you are learning, and what to work on next"));
	else
		html_textf(b, TR(L, "What %s is learning, and what comes next"), name);
	html_raw(b, "</a></p><p class=\"fam-go\"><a href=\"/students/");
	html_url(b, p->sourced_id);
	html_raw(b, "/learning-plan\">");
	html_text(b, self ? TR(L, "Your learning plan: your goals and your reflection")
			  : TR(L, "The learning plan: goals and how to get there"));
	html_raw(b, "</a></p>");
	if (!self) {
		update_section(req, p);
		struct district_levels lv;
		levels_of(req, &lv);
		struct learning Lr;
		if (learning_load(req, p, &lv, &Lr) == EB_OK) {
			unit_chart(req, &Lr, name);
			const char *focus[3];
			size_t nf = 0;
			for (size_t i = 0; i < Lr.n && nf < 3; i++)
				if (Lr.it[i].l < MASTERY_PROFICIENT)
					focus[nf++] = Lr.it[i].s->code;
			page_family_child_sections(req, p->sourced_id, name, focus, nf);
		} else {
			page_family_child_sections(req, p->sourced_id, name, NULL, 0);
		}
	}
	struct roster_class_row *c = NULL;
	size_t nc = 0;
	if (roster_student_classes(req->db, d, p->sourced_id, &req->arena, &c, &nc))
		nc = 0;
	html_raw(b, "<h2>");
	html_text(b, self ? TR(L, "Your classes") : TR(L, "Classes"));
	html_raw(b, "</h2>");
	if (!nc) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(L, "None listed."));
		html_raw(b, "</p>");
	} else {
		html_raw(b, "<ul>");
	}
	for (size_t i = 0; i < nc; i++) {
		html_raw(b, "<li>");
		html_text(b, c[i].title);
		html_raw(b, "</li>");
	}
	if (nc)
		html_raw(b, "</ul>");
	struct roster_person_row *g = NULL;
	size_t ng = 0;
	if (roster_student_guardians(req->db, d, p->sourced_id, &req->arena, &g, &ng))
		ng = 0;
	html_raw(b, "<h2>");
	html_text(b, self ? TR(L, "Your family's contacts at the school")
			  : TR(L, "Family contacts the school has"));
	html_raw(b, "</h2>");
	if (!ng) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(L, "None listed."));
		html_raw(b, "</p>");
	}
	html_raw(b, "<ul class=\"fam-list\">");
	for (size_t i = 0; i < ng; i++) {
		html_raw(b, "<li><p class=\"fam-what\">");
		html_text(b, first_name(&g[i]));
		html_raw(b, " ");
		html_text(b, g[i].family_name);
		html_raw(b, "</p><dl class=\"fam-dl\"><dt>");
		html_text(b, TR(L, "Home language"));
		html_raw(b, "</dt><dd>");
		language_words(b, L, g[i].home_language);
		html_raw(b, "</dd><dt>");
		html_text(b, TR(L, "Internet at home"));
		html_raw(b, "</dt><dd>");
		yes_no(b, L, g[i].home_internet);
		html_raw(b, "</dd><dt>");
		html_text(b, TR(L, "Email"));
		html_raw(b, "</dt><dd>");
		html_text(b, g[i].email && *g[i].email ? g[i].email : TR(L, "None"));
		html_raw(b, "</dd><dt>");
		html_text(b, TR(L, "Text messages"));
		html_raw(b, "</dt><dd>");
		html_text(b, g[i].sms && *g[i].sms ? g[i].sms : TR(L, "None"));
		html_raw(b, "</dd></dl></li>");
	}
	html_raw(b, "</ul>");
	if (!self) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(L, "Is something wrong or out of date? Tell the school office."));
		html_raw(b, "</p>");
	}
	page_end(req);
}

/* ---- the home page's part --------------------------------------------- */

/* The audit entry of the home page's summary of a child's learning: false
 * when it could not be written (then nothing of it is shown). */
static bool audit_summary(struct http_request *req, const char *sid)
{
	struct audit_actor who = auth_actor(req);
	return audit_record_students(req->db, req->session->account.district_id, &who, "view",
				     "student", sid, 1,
				     "home page: what they are working on") == EB_OK;
}

static void child_card(struct http_request *req, const struct roster_person_row *p,
		       const struct district_levels *lv)
{
	struct buf *b = &req->out;
	const struct i18n_lang *T = req->lang;
	const char *name = first_name(p);
	html_raw(b, "<li><h3><a href=\"/students/");
	html_url(b, p->sourced_id);
	html_raw(b, "\">");
	html_text(b, name);
	html_raw(b, " ");
	html_text(b, p->family_name);
	html_raw(b, "</a></h3>");
	grade_and_school(req, p);
	struct learning L;
	if (!audit_summary(req, p->sourced_id) || learning_load(req, p, lv, &L)) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(T, "What they are working on could not be shown just now. Try "
				   "again later."));
		html_raw(b, "</p></li>");
		return;
	}
	if (!L.n) {
		html_raw(b, "<p>");
		html_textf(b,
			   TR(T, "No practice from the school's math apps yet. When %s practices"
				 " in them, you will see here what they are working on."),
			   name);
		html_raw(b, "</p></li>");
		return;
	}
	html_raw(b, "<p class=\"fam-label\">");
	html_text(b, TR(T, "Working on lately"));
	html_raw(b, "</p><ul class=\"fam-short\">");
	/* the first three: what is not yet at Proficient, newest first (the
	 * order of learning_load), then the newest of the rest */
	size_t k = L.n < 3 ? L.n : 3;
	for (size_t i = 0; i < k; i++) {
		html_raw(b, "<li>");
		catalog_text(b, T, describe(L.it[i].s));
		html_raw(b, " ");
		level_tag(b, T, L.it[i].l, false);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul><p><span class=\"fam-label\">");
	html_text(b, TR(T, "How to help:"));
	html_raw(b, "</span> ");
	html_textf(b,
		   TR(T, "ask %s to show you a problem like the first one and to explain each"
			 " step. Praise the effort and the explaining, not only right answers."),
		   name);
	html_raw(b, "</p><p><a href=\"/students/");
	html_url(b, p->sourced_id);
	html_raw(b, "#update\">");
	html_text(b, TR(T, "This week's update"));
	html_raw(b, "</a> &middot; <a href=\"/students/");
	html_url(b, p->sourced_id);
	html_raw(b, "/mastery\">");
	html_textf(b, TR(T, "Everything %s is learning"), name);
	html_raw(b, "</a></p></li>");
}

/* The children of a guardian: those of the roster's guardianship and those
 * of the account's guardian roles, once each, that the account may see. */
static size_t children_of(struct http_request *req, struct roster_person_row *out, size_t cap)
{
	const struct account *a = &req->session->account;
	int64_t d = a->district_id;
	const char *sids[MAX_CHILDREN];
	size_t n = 0;
	struct roster_person_row *g = NULL;
	size_t ng = 0;
	if (a->person_sid[0] &&
	    roster_guardian_children(req->db, d, a->person_sid, &req->arena, &g, &ng))
		ng = 0;
	for (size_t i = 0; i < ng && n < MAX_CHILDREN; i++)
		sids[n++] = g[i].sourced_id;
	for (int i = 0; i < a->nroles && n < MAX_CHILDREN; i++)
		if (a->roles[i].role == ROLE_GUARDIAN &&
		    strcmp(a->roles[i].scope_type, "person") == 0)
			sids[n++] = a->roles[i].scope_id;
	size_t k = 0;
	for (size_t i = 0; i < n && k < cap; i++) {
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(sids[i], sids[j]) == 0;
		if (dup || access_student(req->db, a, sids[i]) != EB_OK ||
		    roster_person_get(req->db, d, sids[i], &req->arena, &out[k]))
			continue;
		k++;
	}
	return k;
}

static void signin_help(struct http_request *req)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	html_raw(b, "<h2>");
	html_text(b, TR(L, "Signing in"));
	html_raw(b, "</h2><p>");
	if (req->session->account.has_password)
		html_text(b, TR(L, "You sign in with your login and password."));
	else
		html_text(b, TR(L, "So you need no new letter each time: set a password, or tick"
				   " \"Keep me signed in on this device\" when you sign in on your"
				   " own phone or computer."));
	html_raw(b, " <a href=\"/account/password\">");
	html_text(b, TR(L, "Your sign-in: password and remembered devices"));
	html_raw(b, "</a></p>");
}

void page_family_home_guardian(struct http_request *req)
{
	struct buf *b = &req->out;
	const struct i18n_lang *L = req->lang;
	struct roster_person_row kids[MAX_CHILDREN];
	size_t n = children_of(req, kids, MAX_CHILDREN);
	html_raw(b, "<h2>");
	html_text(b, TR(L, "Your children"));
	html_raw(b, "</h2>");
	if (!n) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(L, "No students are linked to this account yet. Ask the school "
				   "office."));
		html_raw(b, "</p>");
	} else {
		struct district_levels lv;
		levels_of(req, &lv);
		html_raw(b, "<ul class=\"fam-children\">");
		for (size_t i = 0; i < n; i++)
			child_card(req, &kids[i], &lv);
		html_raw(b, "</ul>");
	}
	signin_help(req);
	page_family_paper_form(req);
	page_family_language_form(req);
}

void page_family_home_student(struct http_request *req)
{
	const struct account *a = &req->session->account;
	struct buf *b = &req->out;
	const struct i18n_lang *T = req->lang;
	const char *sid = NULL;
	for (int i = 0; i < a->nroles && !sid; i++)
		if (a->roles[i].role == ROLE_STUDENT)
			sid = a->roles[i].scope_id;
	struct roster_person_row p;
	if (!sid || access_student(req->db, a, sid) != EB_OK ||
	    roster_person_get(req->db, a->district_id, sid, &req->arena, &p)) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(T, "Your account is not linked to a student yet. Ask your "
				   "teacher."));
		html_raw(b, "</p>");
		page_family_language_form(req);
		return;
	}
	struct district_levels lv;
	levels_of(req, &lv);
	struct learning L;
	html_raw(b, "<h2>");
	html_text(b, TR(T, "What to work on next"));
	html_raw(b, "</h2>");
	bool L_ok = false;
	if (!audit_summary(req, sid) || learning_load(req, &p, &lv, &L)) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, TR(T, "This could not be shown just now. Try again later."));
		html_raw(b, "</p>");
	} else if ((L_ok = true) && !L.n) {
		html_raw(b, "<p>");
		html_text(b, TR(T, "Nothing yet: when you practice in the school's math apps, what"
				   " to work on next shows here."));
		html_raw(b, "</p>");
	} else {
		size_t k = 0;
		while (k < L.n && k < 3 && L.it[k].l < MASTERY_PROFICIENT)
			k++;
		if (k) {
			item_list(b, T, L.it, k, L.grade, true);
		} else {
			/* all going well: the next steps of what was practiced last */
			html_raw(b, "<p>");
			html_text(b, TR(T, "Everything you have practiced is going well. Ready for"
					   " something new?"));
			html_raw(b, "</p><ul class=\"fam-list\">");
			size_t shown = 0;
			for (size_t i = 0; i < L.n && shown < 2; i++) {
				if (!L.it[i].next)
					continue;
				bool dup = false;
				for (size_t j = 0; j < i && !dup; j++)
					dup = L.it[j].next == L.it[i].next;
				if (dup)
					continue;
				html_raw(b, "<li><p class=\"fam-what\">");
				catalog_text(b, T, describe(L.it[i].next));
				html_raw(b, "</p></li>");
				shown++;
			}
			html_raw(b, "</ul>");
		}
		size_t got = 0;
		for (size_t i = 0; i < L.n; i++)
			got += L.it[i].l >= MASTERY_PROFICIENT;
		if (got) {
			html_raw(b, "<h2>");
			html_text(b, TR(T, "What you can do"));
			html_raw(b, "</h2><ul class=\"fam-short\">");
			for (size_t i = 0, shown = 0; i < L.n && shown < 3; i++) {
				if (L.it[i].l < MASTERY_PROFICIENT)
					continue;
				html_raw(b, "<li>");
				catalog_text(b, T, describe(L.it[i].s));
				html_raw(b, " ");
				level_tag(b, T, L.it[i].l, true);
				html_raw(b, "</li>");
				shown++;
			}
			html_raw(b, "</ul>");
		}
	}
	if (L_ok)
		unit_bars(req, &L);
	page_student_dash_sections(req, sid, &lv);
	html_raw(b, "<p><a href=\"/students/");
	html_url(b, sid);
	html_raw(b, "/mastery\">");
	html_text(b, TR(T, "Everything you have practiced"));
	html_raw(b, "</a> &middot; <a href=\"/students/");
	html_url(b, sid);
	html_raw(b, "\">");
	html_text(b, TR(T, "Your classes"));
	html_raw(b, "</a></p>");
	page_family_language_form(req);
}
