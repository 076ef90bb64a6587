/* The staff roles' home: "what needs me today?". First the next steps of
 * every section the viewer's roles show, each a link; then the sections.
 *
 * A section is a row of the table `sections` below: the roles it is shown
 * to, a load function that reads what it shows (through domain/home.h and
 * the other rooms' headers) and adds its next steps, and a write function.
 * A later feature (groups, plans, tickets, coaching) adds its part of a
 * role's home as one more row. */
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/activity.h"
#include "domain/district.h"
#include "domain/home.h"
#include "domain/initiatives.h"
#include "domain/labels.h"
#include "domain/mastery.h"
#include "domain/outbox.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/coaching.h"
#include "web/pages/home_staff.h"
#include "web/pages/pages.h"
#include "web/pages/plans.h"
#include "web/pages/teams.h"
#include "web/pages/trainings.h"
#include "web/router.h"

#define STEPS_MAX 24

struct step {
	const char *text, *href;
};

struct home_ctx {
	struct http_request *req;
	const struct account *a;
	int64_t d, now;
	struct district_levels lv;
	struct step steps[STEPS_MAX];
	size_t nsteps, more_steps;
};

struct home_section {
	unsigned roles; /* shown to a viewer holding any of these */
	/* Reads what the section shows and adds its next steps; returns its
	 * state for write (request arena), or NULL to show nothing. */
	void *(*load)(struct home_ctx *h);
	void (*write)(struct home_ctx *h, void *state);
};

/* ---- helpers ------------------------------------------------------------ */

static void step(struct home_ctx *h, const char *href, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void step(struct home_ctx *h, const char *href, const char *fmt, ...)
{
	if (h->nsteps == STEPS_MAX) {
		h->more_steps++;
		return;
	}
	char text[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	struct step *s = &h->steps[h->nsteps];
	s->text = arena_strdup(&h->req->arena, text);
	s->href = href ? arena_strdup(&h->req->arena, href) : NULL;
	if (s->text)
		h->nsteps++;
}

struct http_request *home_ctx_request(struct home_ctx *h)
{
	return h->req;
}

void home_add_step(struct home_ctx *h, const char *href, const char *text)
{
	step(h, href, "%s", text);
}

static const char *fmt(struct home_ctx *h, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
static const char *fmt(struct home_ctx *h, const char *f, ...)
{
	char out[512];
	va_list ap;
	va_start(ap, f);
	vsnprintf(out, sizeof out, f, ap);
	va_end(ap);
	const char *s = arena_strdup(&h->req->arena, out);
	return s ? s : "";
}

/* How long ago, in words: "2 hours ago", "yesterday", "12 days ago". */
static const char *ago(struct home_ctx *h, int64_t t)
{
	int64_t s = h->now - t;
	if (s < 0)
		s = 0;
	if (s < 120)
		return "just now";
	if (s < 2 * 3600)
		return fmt(h, "%lld minutes ago", (long long)(s / 60));
	if (s < 48 * 3600)
		return s < 24 * 3600 ? fmt(h, "%lld hours ago", (long long)(s / 3600))
				     : "yesterday";
	return fmt(h, "%lld days ago", (long long)(s / 86400));
}

static void link(struct buf *b, const char *href, const char *text)
{
	html_raw(b, "<a href=\"");
	html_attr(b, href);
	html_raw(b, "\">");
	html_text(b, text);
	html_raw(b, "</a>");
}

static const char *school_name(struct home_ctx *h, const char *sid)
{
	struct roster_org_row o;
	if (roster_org_get(h->req->db, h->d, sid, &h->req->arena, &o) == EB_OK)
		return o.name;
	return "a school no longer in the roster";
}

static const char *grades_words(struct home_ctx *h, const char *grades)
{
	char out[160];
	label_grades(grades, out, sizeof out);
	const char *s = arena_strdup(&h->req->arena, out);
	return s ? s : "";
}

/* A standard's plain words (the catalog's), on a line of their own. */
static void standard_words(struct buf *b, const char *code)
{
	const struct standard *s = standards_find(code);
	const char *words = s ? (s->family_description ? s->family_description : s->cluster_heading)
			      : NULL;
	if (words) {
		html_raw(b, "<span class=\"muted desc\">");
		html_text(b, words);
		html_raw(b, "</span>");
	}
}

static int percent(int64_t part, int64_t whole)
{
	return whole > 0 ? (int)((100 * part + whole / 2) / whole) : 0;
}

/* The standards of a school ("" the district) where most measured students
 * are Not yet: a list, or a sentence saying there is none yet. */
static void weakest_list(struct home_ctx *h, const struct mastery_standard_summary *w, size_t n)
{
	struct buf *b = &h->req->out;
	bool can_open =
		(h->a->role_mask & (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_COORDINATOR) |
				    ROLE_BIT(ROLE_COACH) | ROLE_BIT(ROLE_PRINCIPAL))) != 0;
	html_raw(b, "<ul>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<li>");
		if (can_open) {
			html_raw(b, "<a href=\"/standards/");
			html_url(b, w[i].standard);
			html_raw(b, "/mastery\">");
		}
		html_text(b, page_std_label(h->req, w[i].standard));
		if (can_open)
			html_raw(b, "</a>");
		html_raw(b, ": ");
		html_textf(b, "%d%% Not yet, of %lld students measured",
			   percent(w[i].not_yet, w[i].students), (long long)w[i].students);
		standard_words(b, w[i].standard);
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
}

/* "as of the mastery refit of <date>" after a summary, or why it is empty. */
static void summary_note(struct home_ctx *h, size_t n, int64_t min_students)
{
	struct buf *b = &h->req->out;
	struct mastery_fit_row f;
	bool fitted = mastery_fit_info(h->req->db, h->d, &f) == EB_OK;
	if (!n) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, fitted ? "Not enough measured estimates yet to compare standards."
				    : "Shown after the first mastery refit (nightly, or `edbridge "
				      "fit`).");
		html_raw(b, "</p>");
		return;
	}
	html_raw(b, "<p class=\"muted\">As of the nightly mastery refit, ");
	page_time(h->req, f.fitted_at);
	html_textf(b, ". Standards with at least %lld measured students.", (long long)min_students);
	html_raw(b, "</p>");
}

#define WEAK_MIN_STUDENTS 10

/* ---- teacher: each class ---------------------------------------------- */

struct teacher_state {
	struct home_class *c;
	size_t n;
	bool unlinked;
};

static void *teacher_load(struct home_ctx *h)
{
	page_groups_home_steps(h->req, h, step); /* groups to meet (pages/groups.c) */
	struct teacher_state *t = arena_zalloc(&h->req->arena, sizeof *t);
	if (!t)
		return NULL;
	plans_home_steps(h);
	if (!h->a->person_sid[0]) {
		t->unlinked = true;
		return t;
	}
	if (home_teacher_classes(h->req->db, h->d, h->a->person_sid, &h->lv, &h->req->arena, &t->c,
				 &t->n))
		t->n = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct home_class *c = &t->c[i];
		if (c->attention)
			step(h, fmt(h, "/classes/%s/mastery?cluster=%s", c->sid, c->unit),
			     "%s: %lld student%s need%s attention in %s", c->title,
			     (long long)c->attention, c->attention == 1 ? "" : "s",
			     c->attention == 1 ? "s" : "", c->unit);
		for (size_t k = 0; k < c->ntools; k++)
			if (c->tools[k].last_received &&
			    h->now - c->tools[k].last_received >= (int64_t)HOME_QUIET_DAYS * 86400)
				step(h, fmt(h, "/tools/%lld", (long long)c->tools[k].tool_id),
				     "%s: no data received for %lld days (tell your school's tech "
				     "champion)",
				     c->tools[k].name,
				     (long long)((h->now - c->tools[k].last_received) / 86400));
	}
	return t;
}

static void teacher_write(struct home_ctx *h, void *state)
{
	struct teacher_state *t = state;
	struct buf *b = &h->req->out;
	html_raw(b,
		 "<section aria-labelledby=\"h-classes\"><h2 id=\"h-classes\">Your classes</h2>");
	if (t->unlinked) {
		html_raw(b, "<p>Your account is not linked to a teacher of the roster, so edbridge"
			    " does not know your classes. Ask the district administrator to link "
			    "it.</p>"
			    "</section>");
		return;
	}
	if (!t->n)
		html_raw(b, "<p class=\"muted\">The roster lists no classes for you.</p>");
	html_raw(b, "<ul class=\"cards wide\">");
	for (size_t i = 0; i < t->n; i++) {
		const struct home_class *c = &t->c[i];
		html_raw(b, "<li><h3>");
		link(b, fmt(h, "/classes/%s", c->sid), c->title);
		html_raw(b, "</h3><p class=\"muted\">");
		if (c->grades && *c->grades) {
			html_text(b, grades_words(h, c->grades));
			html_raw(b, " &middot; ");
		}
		html_text(b, school_name(h, c->school_sid));
		html_raw(b, " &middot; ");
		html_textf(b, "%lld students", (long long)c->students);
		html_raw(b, "</p>");
		const char *grid =
			c->unit ? fmt(h, "/classes/%s/mastery?cluster=%s", c->sid, c->unit)
				: fmt(h, "/classes/%s/mastery", c->sid);
		if (c->unit) {
			html_raw(b, "<p>Working on <strong>");
			html_text(b, c->unit);
			html_raw(b, "</strong>");
			if (c->unit_heading) {
				html_raw(b, ": ");
				html_text(b, c->unit_heading);
			}
			html_raw(b,
				 " <span class=\"muted\">(most of the class's evidence in the two"
				 " weeks up to ");
			page_time(h->req, c->last_activity);
			html_raw(b, ")</span></p>");
			if (c->attention) {
				html_raw(b, "<p><strong>");
				html_textf(b, "%lld of %lld student%s", (long long)c->attention,
					   (long long)c->students, c->students == 1 ? "" : "s");
				html_raw(b, "</strong> ");
				html_text(b, c->attention == 1 ? "needs" : "need");
				html_raw(
					b,
					" attention (Not yet on a standard of this unit):</p><ul>");
				for (size_t k = 0; k < c->nneeds; k++) {
					html_raw(b, "<li><a href=\"/students/");
					html_url(b, c->needs[k].sid);
					html_raw(b, "/mastery\">");
					html_text(b, c->needs[k].family);
					html_raw(b, ", ");
					html_text(b, c->needs[k].given);
					html_raw(b, "</a> <span class=\"muted\">");
					html_textf(b, "(Not yet on %d standard%s)",
						   c->needs[k].not_yet,
						   c->needs[k].not_yet == 1 ? "" : "s");
					html_raw(b, "</span></li>");
				}
				if ((size_t)c->attention > c->nneeds) {
					html_raw(b, "<li>");
					html_textf(b, "and %lld more",
						   (long long)(c->attention - (int64_t)c->nneeds));
					html_raw(b, "</li>");
				}
				html_raw(b, "</ul>");
			} else if (c->measured) {
				html_raw(b, "<p>No student is at Not yet on this unit's measured "
					    "standards.</p>");
			} else {
				html_raw(b, "<p class=\"muted\">Not enough evidence yet to measure "
					    "this unit.</p>");
			}
		} else {
			html_raw(b, "<p class=\"muted\">No learning data from this class's tools "
				    "yet.</p>");
		}
		html_raw(b, "<p class=\"go\">");
		link(b, grid, "Open the class mastery grid");
		html_raw(b, "</p>");
		if (c->ntools) {
			html_raw(b, "<h4>Data from tools</h4><ul>");
			for (size_t k = 0; k < c->ntools; k++) {
				const struct home_class_tool *x = &c->tools[k];
				html_raw(b, "<li>");
				html_text(b, x->name);
				html_raw(b, ": ");
				html_textf(b, "%lld of %lld students, last activity ",
					   (long long)x->students, (long long)c->students);
				page_time(h->req, x->last_activity);
				html_raw(b, "; ");
				if (!x->last_received) {
					html_raw(b, "nothing received yet");
				} else if (h->now - x->last_received >=
					   (int64_t)HOME_QUIET_DAYS * 86400) {
					html_raw(b, "<strong>");
					html_textf(
						b, "no data received for %lld days",
						(long long)((h->now - x->last_received) / 86400));
					html_raw(b, "</strong>");
				} else {
					html_text(b, "data arriving (last received ");
					html_text(b, ago(h, x->last_received));
					html_text(b, ")");
				}
				html_raw(b, "</li>");
			}
			html_raw(b, "</ul>");
		}
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul></section>");
}

/* ---- principal: their school ------------------------------------------- */

struct school_state {
	const char *sid, *name;
	int64_t classes, enrolled;
	struct home_school_tool *tools;
	size_t ntools;
	struct home_initiative *waiting;
	size_t nwaiting;
	struct mastery_standard_summary *weak;
	size_t nweak;
};

struct principal_state {
	struct school_state s[ACCOUNT_MAX_ROLES];
	size_t n;
};

static void school_load(struct home_ctx *h, const char *sid, struct school_state *s)
{
	struct http_request *req = h->req;
	memset(s, 0, sizeof *s);
	s->sid = sid;
	s->name = school_name(h, sid);
	struct roster_class_row *c;
	size_t nc;
	if (roster_school_classes(req->db, h->d, sid, &req->arena, &c, &nc) == EB_OK)
		s->classes = (int64_t)nc;
	if (home_school_tools(req->db, h->d, sid, &req->arena, &s->tools, &s->ntools, &s->enrolled))
		s->ntools = 0;
	if (home_initiatives_waiting(req->db, h->d, (int32_t)(h->now / 86400), sid, &req->arena,
				     &s->waiting, &s->nwaiting))
		s->nwaiting = 0;
	if (mastery_weakest_standards(req->db, h->d, sid, WEAK_MIN_STUDENTS, 3, &req->arena,
				      &s->weak, &s->nweak))
		s->nweak = 0;
}

static void *principal_load(struct home_ctx *h)
{
	struct principal_state *p = arena_zalloc(&h->req->arena, sizeof *p);
	if (!p)
		return NULL;
	for (int i = 0; i < h->a->nroles && p->n < ACCOUNT_MAX_ROLES; i++) {
		const struct account_role *r = &h->a->roles[i];
		if (r->role != ROLE_PRINCIPAL || strcmp(r->scope_type, "school") != 0)
			continue;
		struct school_state *s = &p->s[p->n++];
		school_load(h, r->scope_id, s);
		if (s->nwaiting == 1)
			step(h,
			     fmt(h, "/initiatives/%lld?school=%s", (long long)s->waiting[0].id,
				 s->sid),
			     "%s at %s is up for a decision: see how it works at your school",
			     s->waiting[0].title, s->name);
		else if (s->nwaiting)
			step(h, fmt(h, "/whats-working?school=%s", s->sid),
			     "%zu initiatives at %s are up for a decision: see What's working "
			     "there",
			     s->nwaiting, s->name);
		if (s->nweak)
			step(h, fmt(h, "/standards/%s/mastery", s->weak[0].standard),
			     "%s: %d%% of measured students are Not yet on %s", s->name,
			     percent(s->weak[0].not_yet, s->weak[0].students), s->weak[0].standard);
	}
	return p;
}

static void principal_write(struct home_ctx *h, void *state)
{
	struct principal_state *p = state;
	struct buf *b = &h->req->out;
	for (size_t i = 0; i < p->n; i++) {
		const struct school_state *s = &p->s[i];
		html_raw(b, "<section aria-labelledby=\"h-school-");
		html_int(b, (int64_t)i);
		html_raw(b, "\"><h2 id=\"h-school-");
		html_int(b, (int64_t)i);
		html_raw(b, "\">");
		html_text(b, s->name);
		html_raw(b, "</h2><p>");
		html_textf(b, "%lld classes, %lld students. ", (long long)s->classes,
			   (long long)s->enrolled);
		link(b, fmt(h, "/schools/%s", s->sid), "Classes and teachers");
		html_raw(b, "</p><h3>What's working here</h3>");
		if (s->nwaiting) {
			html_raw(b, "<p>Decisions due on initiatives at this school:</p><ul>");
			for (size_t k = 0; k < s->nwaiting; k++) {
				html_raw(b, "<li>");
				link(b,
				     fmt(h, "/initiatives/%lld?school=%s",
					 (long long)s->waiting[k].id, s->sid),
				     s->waiting[k].title);
				html_raw(b, "</li>");
			}
			html_raw(b, "</ul>");
		}
		html_raw(b, "<p>");
		link(b, fmt(h, "/whats-working?school=%s", s->sid),
		     fmt(h, "What's working at %s", s->name));
		html_raw(b, ": each initiative's effect on this school's students.</p>"
			    "<h3>Where students struggle most</h3>");
		weakest_list(h, s->weak, s->nweak);
		summary_note(h, s->nweak, WEAK_MIN_STUDENTS);
		html_raw(b, "<h3>Tools in use</h3>");
		if (!s->ntools)
			html_raw(b, "<p class=\"muted\">No tool has sent data about this school's "
				    "students yet.</p>");
		else
			html_raw(b, "<ul>");
		for (size_t k = 0; k < s->ntools; k++) {
			html_raw(b, "<li>");
			link(b, fmt(h, "/tools/%lld", (long long)s->tools[k].id), s->tools[k].name);
			html_raw(b, ": ");
			html_textf(b, "%lld of %lld students", (long long)s->tools[k].students,
				   (long long)s->enrolled);
			html_raw(b, "</li>");
		}
		if (s->ntools)
			html_raw(b, "</ul>");
		html_raw(b, "</section>");
	}
}

/* ---- coach: schools supported, their weakest standards, initiatives ---- */

#define COACH_SCHOOLS_MAX 12

struct coach_state {
	const char **sids;
	size_t nschools, more;
	struct mastery_standard_summary *weak;
	size_t nweak;
	struct home_initiative *parts;
	size_t nparts;
	bool district;
};

/* "builds the quiz" -> "build the quiz": the coach's own part, said to them */
static const char *your_part(const char *part)
{
	static const struct {
		const char *third, *second;
	} parts[] = {
		{ "builds the quiz", "build the quiz" },
		{ "monitors progress", "monitor progress" },
		{ "evaluates", "evaluate it" },
		{ "supports teachers", "support the teachers" },
		{ "talks with families", "talk with families" },
	};
	for (size_t i = 0; part && i < sizeof parts / sizeof parts[0]; i++)
		if (strcmp(part, parts[i].third) == 0)
			return parts[i].second;
	return "take part";
}

static void *coach_load(struct home_ctx *h)
{
	struct http_request *req = h->req;
	struct coach_state *c = arena_zalloc(&req->arena, sizeof *c);
	if (!c)
		return NULL;
	c->sids = arena_zalloc(&req->arena,
			       (ACCOUNT_MAX_ROLES + COACH_SCHOOLS_MAX) * sizeof *c->sids);
	if (!c->sids)
		return NULL;
	for (int i = 0; i < h->a->nroles; i++) {
		const struct account_role *r = &h->a->roles[i];
		if (r->role != ROLE_COACH)
			continue;
		if (strcmp(r->scope_type, "district") == 0)
			c->district = true;
		else if (strcmp(r->scope_type, "school") == 0)
			c->sids[c->nschools++] = r->scope_id;
	}
	/* a district coach: the schools where students struggle most */
	if (mastery_weakest_standards(req->db, h->d, NULL, WEAK_MIN_STUDENTS, 3, &req->arena,
				      &c->weak, &c->nweak))
		c->nweak = 0;
	if (c->district) {
		c->nschools = 0;
		struct roster_org_row *all;
		size_t na;
		if (roster_schools(req->db, h->d, &req->arena, &all, &na) == EB_OK) {
			for (size_t i = 0; i < na; i++) {
				if (c->nschools < COACH_SCHOOLS_MAX)
					c->sids[c->nschools++] = all[i].sourced_id;
				else
					c->more++;
			}
		}
	}
	/* the one school standard where most students are Not yet (the same
	 * ranking as each school's list) */
	const struct mastery_standard_summary *worst = NULL;
	for (size_t i = 0; i < c->nweak; i++) {
		bool mine = c->district;
		for (size_t k = 0; !mine && k < c->nschools; k++)
			mine = strcmp(c->sids[k], c->weak[i].school) == 0;
		if (mine && (!worst || mastery_share_low(&c->weak[i]) > mastery_share_low(worst)))
			worst = &c->weak[i];
	}
	if (worst)
		step(h, fmt(h, "/standards/%s/mastery", worst->standard),
		     "%s: %d%% of measured students are Not yet on %s",
		     school_name(h, worst->school), percent(worst->not_yet, worst->students),
		     worst->standard);
	if (home_initiatives_of(req->db, h->d, h->a->id, &req->arena, &c->parts, &c->nparts))
		c->nparts = 0;
	for (size_t i = 0; i < c->nparts; i++)
		if (strcmp(c->parts[i].status, "under_review") != 0 &&
		    strcmp(c->parts[i].status, "continued") != 0)
			step(h, fmt(h, "/initiatives/%lld", (long long)c->parts[i].id),
			     "%s: you %s", c->parts[i].title, your_part(c->parts[i].part));
	return c;
}

static void coach_write(struct home_ctx *h, void *state)
{
	struct coach_state *c = state;
	struct buf *b = &h->req->out;
	html_raw(
		b,
		"<section aria-labelledby=\"h-coach\"><h2 id=\"h-coach\">Schools you support</h2>");
	if (c->district)
		html_raw(b, "<p>You coach across the district. Each school's standards where most"
			    " measured students are Not yet:</p>");
	html_raw(b, "<ul class=\"cards wide\">");
	for (size_t i = 0; i < c->nschools; i++) {
		html_raw(b, "<li><h3>");
		link(b, fmt(h, "/schools/%s", c->sids[i]), school_name(h, c->sids[i]));
		html_raw(b, "</h3>");
		size_t k = 0, m = 0;
		while (k < c->nweak && strcmp(c->weak[k].school, c->sids[i]) != 0)
			k++;
		while (k + m < c->nweak && strcmp(c->weak[k + m].school, c->sids[i]) == 0)
			m++;
		if (m)
			weakest_list(h, c->weak + k, m);
		else
			html_raw(b, "<p class=\"muted\">No standard with enough measured students "
				    "yet.</p>");
		html_raw(b, "</li>");
	}
	html_raw(b, "</ul>");
	if (c->more) {
		html_raw(b, "<p>");
		html_textf(b, "And %zu more schools: ", c->more);
		link(b, "/schools", "all schools");
		html_raw(b, ".</p>");
	}
	summary_note(h, c->nweak, WEAK_MIN_STUDENTS);
	html_raw(b, "<h3>Your part in initiatives</h3>");
	if (!c->nparts)
		html_raw(b, "<p class=\"muted\">No initiative names you yet.</p>");
	else
		html_raw(b, "<ul>");
	for (size_t i = 0; i < c->nparts; i++) {
		enum initiative_status st;
		html_raw(b, "<li>");
		link(b, fmt(h, "/initiatives/%lld", (long long)c->parts[i].id), c->parts[i].title);
		html_raw(b, ": you ");
		html_text(b, your_part(c->parts[i].part));
		html_raw(b, " <span class=\"muted\">(");
		html_text(b, initiative_status_parse(c->parts[i].status, &st) == EB_OK
				     ? initiative_status_label(st)
				     : "");
		html_raw(b, ")</span></li>");
	}
	if (c->nparts)
		html_raw(b, "</ul>");
	html_raw(b, "</section>");
}

/* ---- coordinator: decisions, struggles, What's working, tools ---------- */

struct coord_state {
	struct home_initiative *waiting;
	size_t nwaiting;
	struct mastery_standard_summary *weak;
	size_t nweak;
	struct home_tool *tools;
	size_t ntools;
};

static void tool_steps(struct home_ctx *h, const struct home_tool *t, size_t n, bool requests)
{
	for (size_t i = 0; i < n; i++) {
		const char *href = fmt(h, "/tools/%lld", (long long)t[i].id);
		if (t[i].problem == HOME_TOOL_STOPPED)
			step(h, href, "%s: no data received for %lld days", t[i].name,
			     (long long)((h->now - t[i].last_received) / 86400));
		else if (t[i].problem == HOME_TOOL_NEVER && !t[i].credentials)
			step(h, href,
			     "%s: approved, but it has no credential to send data with yet",
			     t[i].name);
		else if (t[i].problem == HOME_TOOL_NEVER)
			step(h, href, "%s: approved, but no data has arrived yet", t[i].name);
		if (t[i].quarantined_7d)
			step(h, href,
			     "%s: %lld events kept aside this week (no roster match or no "
			     "standard)",
			     t[i].name, (long long)t[i].quarantined_7d);
		if (requests && t[i].request) {
			enum tool_status s;
			step(h, href, "%s: a request waits for review (%s)", t[i].name,
			     tool_status_parse(t[i].status, &s) ? tool_status_label(s) : "");
		}
	}
}

static void *coord_load(struct home_ctx *h)
{
	struct http_request *req = h->req;
	struct coord_state *c = arena_zalloc(&req->arena, sizeof *c);
	if (!c)
		return NULL;
	if (home_initiatives_waiting(req->db, h->d, (int32_t)(h->now / 86400), NULL, &req->arena,
				     &c->waiting, &c->nwaiting))
		c->nwaiting = 0;
	/* a few decisions one by one; more in one step (the section lists them) */
	for (size_t i = 0; i < c->nwaiting && c->nwaiting <= 3; i++)
		step(h, fmt(h, "/initiatives/%lld", (long long)c->waiting[i].id),
		     "Decide on %s (%s)", c->waiting[i].title,
		     c->waiting[i].overdue
			     ? fmt(h, "review date %s has passed", c->waiting[i].review_date)
			     : "under review");
	if (c->nwaiting > 3)
		step(h, "#h-decisions", "%zu initiatives wait for your decision (listed below)",
		     c->nwaiting);
	if (mastery_weakest_standards(req->db, h->d, "", WEAK_MIN_STUDENTS, 5, &req->arena,
				      &c->weak, &c->nweak))
		c->nweak = 0;
	if (home_tools(req->db, h->d, h->now, 0, 0, &req->arena, &c->tools, &c->ntools))
		c->ntools = 0;
	tool_steps(h, c->tools, c->ntools, true);
	return c;
}

static void tool_status_words(struct buf *b, const char *status)
{
	enum tool_status s;
	html_text(b, tool_status_parse(status, &s) ? tool_status_label(s) : "");
}

/* The tools with a problem or a request, one line each; "" when none. */
static void tool_problems(struct home_ctx *h, const struct home_tool *t, size_t n, bool requests)
{
	struct buf *b = &h->req->out;
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		bool req_shown = requests && t[i].request;
		if (t[i].problem == HOME_TOOL_OK && !t[i].quarantined_7d && !req_shown)
			continue;
		html_raw(b, shown++ ? "<li>" : "<ul><li>");
		link(b, fmt(h, "/tools/%lld", (long long)t[i].id), t[i].name);
		html_raw(b, ": ");
		if (req_shown) {
			html_raw(b, "request waiting for review (");
			tool_status_words(b, t[i].status);
			html_raw(b, ")");
		} else if (t[i].problem == HOME_TOOL_STOPPED) {
			html_textf(b, "no data received for %lld days",
				   (long long)((h->now - t[i].last_received) / 86400));
		} else if (t[i].problem == HOME_TOOL_NEVER) {
			html_raw(b, "approved, no data received yet");
		}
		if (t[i].quarantined_7d) {
			if (req_shown || t[i].problem != HOME_TOOL_OK)
				html_raw(b, "; ");
			html_textf(b, "%lld events kept aside this week",
				   (long long)t[i].quarantined_7d);
		}
		html_raw(b, "</li>");
	}
	if (shown)
		html_raw(b, "</ul>");
	else if (requests)
		html_raw(b, "<p>Every approved tool's data is arriving, and no request waits.</p>");
	else
		html_raw(b, "<p>Every approved tool's data is arriving.</p>");
}

static void coord_write(struct home_ctx *h, void *state)
{
	struct coord_state *c = state;
	struct buf *b = &h->req->out;
	html_raw(b, "<section aria-labelledby=\"h-decisions\"><h2 id=\"h-decisions\">Decisions"
		    " waiting</h2>");
	if (!c->nwaiting)
		html_raw(b, "<p>No initiative waits for a decision.</p>");
	else
		html_raw(b, "<ul>");
	for (size_t i = 0; i < c->nwaiting; i++) {
		html_raw(b, "<li>");
		link(b, fmt(h, "/initiatives/%lld", (long long)c->waiting[i].id),
		     c->waiting[i].title);
		html_raw(b, " <span class=\"muted\">(");
		if (c->waiting[i].overdue) {
			html_raw(b, "running; its review date, ");
			html_text(b, c->waiting[i].review_date);
			html_raw(b, ", has passed");
		} else {
			html_raw(b, "under review; review date ");
			html_text(b, c->waiting[i].review_date);
		}
		html_raw(b, ")</span></li>");
	}
	if (c->nwaiting)
		html_raw(b, "</ul>");
	html_raw(b, "<p>");
	link(b, "/whats-working", "What's working");
	html_raw(b,
		 ": every initiative's effect on its students, for whom, on which standards.</p>"
		 "</section><section aria-labelledby=\"h-struggle\"><h2 id=\"h-struggle\">Where the"
		 " district's students struggle most</h2>");
	weakest_list(h, c->weak, c->nweak);
	summary_note(h, c->nweak, WEAK_MIN_STUDENTS);
	html_raw(b, "</section><section aria-labelledby=\"h-tools\"><h2 id=\"h-tools\">Tools with"
		    " data problems or requests</h2>");
	tool_problems(h, c->tools, c->ntools, true);
	html_raw(b, "<p>");
	link(b, "/schools", "Browse schools and classes");
	html_raw(b, "</p></section>");
}

/* ---- IT staff: every tool's data, credentials, requests ---------------- */

struct it_state {
	struct home_tool *tools;
	size_t ntools;
};

static void *it_load(struct home_ctx *h)
{
	struct it_state *s = arena_zalloc(&h->req->arena, sizeof *s);
	if (!s || home_tools(h->req->db, h->d, h->now, 0, 0, &h->req->arena, &s->tools, &s->ntools))
		return NULL;
	/* a coordinator who is also IT staff has these steps already */
	if (!access_has(h->a, ROLE_COORDINATOR))
		tool_steps(h, s->tools, s->ntools, true);
	return s;
}

static void tools_table(struct home_ctx *h, const struct home_tool *t, size_t n, const char *label)
{
	struct buf *b = &h->req->out;
	page_scroll_begin(h->req, label);
	html_raw(b, "<table><caption class=\"muted left\">");
	html_text(b, label);
	html_raw(b,
		 "</caption><thead><tr><th scope=\"col\">Tool</th><th scope=\"col\">Status</th>"
		 "<th scope=\"col\">Last received</th><th scope=\"col\">Kept aside this week</th>"
		 "<th scope=\"col\">Credentials</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><th scope=\"row\">");
		link(b, fmt(h, "/tools/%lld", (long long)t[i].id), t[i].name);
		html_raw(b, "</th><td>");
		tool_status_words(b, t[i].status);
		html_raw(b, "</td><td>");
		if (!t[i].last_received) {
			html_raw(b, t[i].problem == HOME_TOOL_NEVER ? "<strong>nothing yet</strong>"
								    : "nothing yet");
		} else {
			if (t[i].problem == HOME_TOOL_STOPPED)
				html_raw(b, "<strong>");
			html_text(b, ago(h, t[i].last_received));
			if (t[i].problem == HOME_TOOL_STOPPED)
				html_raw(b, "</strong>");
		}
		html_raw(b, "</td><td>");
		html_int(b, t[i].quarantined_7d);
		html_raw(b, " <span class=\"muted\">(");
		html_int(b, t[i].quarantined);
		html_raw(b, " waiting in all)</span></td><td>");
		html_textf(b, "%lld active", (long long)t[i].credentials);
		if (t[i].credentials_unused)
			html_textf(b, ", %lld never used", (long long)t[i].credentials_unused);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void it_write(struct home_ctx *h, void *state)
{
	struct it_state *s = state;
	struct buf *b = &h->req->out;
	html_raw(b, "<section aria-labelledby=\"h-it\"><h2 id=\"h-it\">Tools and their data</h2>");
	tool_problems(h, s->tools, s->ntools, true);
	if (s->ntools)
		tools_table(h, s->tools, s->ntools, "Every tool of the inventory");
	html_raw(b, "<p>Events are kept aside when the learner matches no roster student or the"
		    " activity no standard; each tool's page lists them and maps activities. ");
	link(b, "/tools", "The technology inventory");
	html_raw(b, "</p></section>");
}

/* ---- tech champion: the tools they champion at their school ----------- */

struct champ_state {
	struct home_tool *tools;
	size_t ntools;
	struct school_state school;
	bool has_school;
};

static void *champ_load(struct home_ctx *h)
{
	struct champ_state *s = arena_zalloc(&h->req->arena, sizeof *s);
	if (!s)
		return NULL;
	if (home_tools(h->req->db, h->d, h->now, 0, h->a->id, &h->req->arena, &s->tools,
		       &s->ntools))
		s->ntools = 0;
	tool_steps(h, s->tools, s->ntools, false);
	for (int i = 0; i < h->a->nroles; i++)
		if (h->a->roles[i].role == ROLE_TECH_CHAMPION &&
		    strcmp(h->a->roles[i].scope_type, "school") == 0) {
			s->has_school = true;
			s->school.sid = h->a->roles[i].scope_id;
			s->school.name = school_name(h, s->school.sid);
			if (home_school_tools(h->req->db, h->d, s->school.sid, &h->req->arena,
					      &s->school.tools, &s->school.ntools,
					      &s->school.enrolled))
				s->school.ntools = 0;
			break;
		}
	return s;
}

static void champ_write(struct home_ctx *h, void *state)
{
	struct champ_state *s = state;
	struct buf *b = &h->req->out;
	html_raw(b, "<section aria-labelledby=\"h-champ\"><h2 id=\"h-champ\">Tech champion");
	if (s->has_school) {
		html_raw(b, " at ");
		html_text(b, s->school.name);
	}
	html_raw(b, "</h2><p>Teachers at your school ask you first about a classroom tool.</p>"
		    "<h3>Tools you champion</h3>");
	if (!s->ntools) {
		html_raw(b,
			 "<p class=\"muted\">No tool names you as its champion yet; IT staff or the"
			 " coordinator set that on the tool's page.</p>");
	} else {
		tool_problems(h, s->tools, s->ntools, false);
		tools_table(h, s->tools, s->ntools, "Tools you champion");
	}
	if (s->has_school) {
		html_raw(b, "<h3>Tools in use at your school</h3>");
		if (!s->school.ntools)
			html_raw(b, "<p class=\"muted\">No tool has sent data about your school's"
				    " students yet.</p>");
		else
			html_raw(b, "<ul>");
		for (size_t k = 0; k < s->school.ntools; k++) {
			html_raw(b, "<li>");
			link(b, fmt(h, "/tools/%lld", (long long)s->school.tools[k].id),
			     s->school.tools[k].name);
			html_raw(b, ": ");
			html_textf(b, "%lld of %lld students",
				   (long long)s->school.tools[k].students,
				   (long long)s->school.enrolled);
			html_raw(b, "</li>");
		}
		if (s->school.ntools)
			html_raw(b, "</ul>");
	}
	html_raw(b, "<p>");
	link(b, "/tools/request", "Request a tool");
	html_raw(b, " &middot; ");
	link(b, "/tools", "The technology inventory");
	html_raw(b, "</p></section>");
}

/* ---- vendor contact: their tool's data health ------------------------- */

#define VENDOR_DAYS 14

struct vendor_tool {
	struct home_tool t;
	struct home_tool_day days[VENDOR_DAYS];
	struct activity_count *reasons;
	size_t nreasons;
};

struct vendor_state {
	struct vendor_tool *v;
	size_t n;
};

static void *vendor_load(struct home_ctx *h)
{
	struct http_request *req = h->req;
	struct vendor_state *s = arena_zalloc(&req->arena, sizeof *s);
	if (!s)
		return NULL;
	s->v = arena_zalloc(&req->arena, ACCOUNT_MAX_ROLES * sizeof *s->v);
	if (!s->v)
		return NULL;
	for (int i = 0; i < h->a->nroles; i++) {
		const struct account_role *r = &h->a->roles[i];
		int64_t id;
		struct home_tool *t;
		size_t n;
		if (r->role != ROLE_VENDOR_CONTACT || strcmp(r->scope_type, "tool") != 0 ||
		    cstr_to_i64(r->scope_id, 1, INT64_MAX, &id) ||
		    home_tools(req->db, h->d, h->now, id, 0, &req->arena, &t, &n) || n != 1)
			continue;
		struct vendor_tool *v = &s->v[s->n++];
		v->t = t[0];
		home_tool_days(req->db, h->d, id, h->now, VENDOR_DAYS, v->days);
		if (activity_quarantine_reasons(req->db, h->d, id, &req->arena, &v->reasons,
						&v->nreasons))
			v->nreasons = 0;
		if (v->t.problem == HOME_TOOL_STOPPED)
			step(h, NULL, "%s: no data received for %lld days: check the connection",
			     v->t.name, (long long)((h->now - v->t.last_received) / 86400));
		else if (v->t.problem == HOME_TOOL_NEVER)
			step(h, NULL,
			     "%s: no data has arrived yet: ask the district's IT staff for"
			     " credentials",
			     v->t.name);
		if (v->t.quarantined)
			step(h, NULL, "%s: %lld events are kept aside (see the reasons below)",
			     v->t.name, (long long)v->t.quarantined);
	}
	return s;
}

static void vendor_write(struct home_ctx *h, void *state)
{
	struct vendor_state *s = state;
	struct buf *b = &h->req->out;
	if (!s->n) {
		html_raw(
			b,
			"<section aria-labelledby=\"h-vendor\"><h2 id=\"h-vendor\">Your tool's"
			" data</h2><p>No tool is linked to your account yet. Ask the district's"
			" IT staff to link it to your tool: you will then see here whether its data"
			" arrives and what is kept aside.</p><p>Student records are not visible to"
			" vendors. ");
		link(b, "/tools/approved", "The district's approved tools");
		html_raw(b, " &middot; ");
		link(b, "/standards", "The standards catalog");
		html_raw(b, "</p></section>");
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct vendor_tool *v = &s->v[i];
		html_raw(b, "<section aria-labelledby=\"h-vendor-");
		html_int(b, (int64_t)i);
		html_raw(b, "\"><h2 id=\"h-vendor-");
		html_int(b, (int64_t)i);
		html_raw(b, "\">");
		html_text(b, v->t.name);
		html_raw(b, ": data health</h2><dl><dt>Status in the district</dt><dd>");
		tool_status_words(b, v->t.status);
		html_raw(b, "</dd><dt>Last received</dt><dd>");
		if (v->t.last_received) {
			html_text(b, ago(h, v->t.last_received));
			html_raw(b, " (");
			page_time(h->req, v->t.last_received);
			html_raw(b, ")");
		} else {
			html_raw(b, "nothing yet");
		}
		html_raw(b, "</dd><dt>Kept aside</dt><dd>");
		html_textf(b, "%lld this week, %lld waiting in all", (long long)v->t.quarantined_7d,
			   (long long)v->t.quarantined);
		html_raw(b, "</dd><dt>Credentials</dt><dd>");
		html_textf(b, "%lld active", (long long)v->t.credentials);
		html_raw(b, "</dd></dl>");
		int64_t shown = 0;
		for (int k = 0; k < VENDOR_DAYS; k++)
			shown += v->days[k].events + v->days[k].quarantined;
		if (!shown) {
			html_raw(b, "<p>");
			html_textf(b, "No activity in the last %d days.", VENDOR_DAYS);
			if (v->t.last_activity_day) {
				int y;
				unsigned m, d;
				civil_from_days(v->t.last_activity_day, &y, &m, &d);
				html_textf(b,
					   " The latest activity stored happened on %04d-%02u-%02u "
					   "(UTC).",
					   y, m, d);
			}
			html_raw(b, "</p></section>");
			continue;
		}
		char label[160];
		snprintf(label, sizeof label, "%s: events per day, last %d days", v->t.name,
			 VENDOR_DAYS);
		page_scroll_begin(h->req, label);
		html_raw(b, "<table><caption>");
		html_textf(b,
			   "Events per day, the last %d days (the day the activity happened, UTC)",
			   VENDOR_DAYS);
		html_raw(b,
			 "</caption><thead><tr><th scope=\"col\">Day</th><th scope=\"col\">Stored"
			 "</th><th scope=\"col\">Kept aside</th></tr></thead><tbody>");
		for (int k = VENDOR_DAYS - 1; k >= 0; k--) {
			int y;
			unsigned m, d;
			civil_from_days(v->days[k].day, &y, &m, &d);
			html_raw(b, "<tr><th scope=\"row\">");
			html_textf(b, "%04d-%02u-%02u", y, m, d);
			html_raw(b, "</th><td>");
			html_int(b, v->days[k].events);
			html_raw(b, "</td><td>");
			html_int(b, v->days[k].quarantined);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
		if (v->nreasons) {
			html_raw(b, "<h3>Why events are kept aside</h3><ul>");
			for (size_t k = 0; k < v->nreasons; k++) {
				html_raw(b, "<li>");
				html_text(b, v->reasons[k].text);
				html_raw(b, ": ");
				html_int(b, v->reasons[k].count);
				html_raw(b, "</li>");
			}
			html_raw(b, "</ul>");
		}
		html_raw(b, "</section>");
	}
}

/* ---- district administrator -------------------------------------------- */

struct admin_state {
	struct home_admin f;
	char zone[DISTRICT_TIME_ZONE_MAX];
};

static void *admin_load(struct home_ctx *h)
{
	struct admin_state *s = arena_zalloc(&h->req->arena, sizeof *s);
	if (!s || home_admin_facts(h->req->db, h->d, &s->f))
		return NULL;
	if (district_time_zone(h->req->db, h->d, s->zone, sizeof s->zone))
		s->zone[0] = '\0';
	if (!s->f.last_import_at)
		step(h, "/admin/import",
		     "Import the roster from the student information system"
		     " (OneRoster .zip)");
	else if (!s->f.last_import_ok)
		step(h, "/admin/import",
		     "The last roster import was refused: import a corrected file");
	if (s->f.locked_accounts)
		step(h, "/admin/users",
		     "%lld account%s locked after too many failed sign-ins:"
		     " issue unlock codes",
		     (long long)s->f.locked_accounts, s->f.locked_accounts == 1 ? " is" : "s are");
	if (s->f.tools_waiting && !access_has(h->a, ROLE_COORDINATOR) &&
	    !access_has(h->a, ROLE_IT_STAFF))
		step(h, "/tools?status=under_review", "%lld tool request%s wait%s for review",
		     (long long)s->f.tools_waiting, s->f.tools_waiting == 1 ? "" : "s",
		     s->f.tools_waiting == 1 ? "s" : "");
	return s;
}

static void admin_write(struct home_ctx *h, void *state)
{
	struct admin_state *s = state;
	struct buf *b = &h->req->out;
	html_raw(b, "<section aria-labelledby=\"h-admin\"><h2 id=\"h-admin\">District"
		    " administration</h2>");
	html_raw(b, "<dl><dt>Roster</dt><dd>");
	if (s->f.last_import_at) {
		html_text(b, s->f.last_import_ok ? "last imported " : "last import refused, ");
		page_time(h->req, s->f.last_import_at);
	} else {
		html_raw(b, "never imported");
	}
	html_raw(b, " &middot; ");
	link(b, "/admin/import", "Import the roster");
	html_raw(b, " &middot; ");
	link(b, "/admin/imports", "Import history");
	html_raw(b, "</dd><dt>Sign-in</dt><dd>");
	html_textf(b, "%lld locked account%s", (long long)s->f.locked_accounts,
		   s->f.locked_accounts == 1 ? "" : "s");
	html_raw(b, " &middot; ");
	link(b, "/admin/users", "Users and roles");
	html_raw(b, " &middot; ");
	link(b, "/admin/sso", "Single sign-on");
	html_raw(b, "</dd><dt>Time zone</dt><dd>");
	html_text(b, s->zone[0] ? s->zone : DISTRICT_TIME_ZONE_DEFAULT);
	html_raw(b, " &middot; ");
	link(b, "/admin/district", "District settings");
	html_raw(b, "</dd><dt>Privacy</dt><dd>");
	link(b, "/admin/audit?action=refused", "Refused record views");
	html_raw(b, " &middot; ");
	link(b, "/admin/audit", "The whole audit log");
	html_raw(b, "</dd></dl><p>");
	html_textf(b, "The roster: %lld schools, %lld classes. ", (long long)s->f.schools,
		   (long long)s->f.classes);
	link(b, "/schools", "Browse schools and classes");
	html_raw(b, "</p></section>");
}

/* ---- letters to families (principals, administrators) ------------------ */

/* A link only: counting who needs paper reads every guardian of the
 * district, which the letters page does when asked. */
static void *letters_load(struct home_ctx *h)
{
	return h; /* nothing to read */
}

static void letters_write(struct home_ctx *h, void *state)
{
	struct buf *b = &h->req->out;
	html_raw(b, "<section aria-labelledby=\"h-letters\"><h2 id=\"h-letters\">Letters to"
		    " families</h2><p>This week's update on paper, in each family's language, with"
		    " a QR code that signs the family in: for families with no email or phone. ");
	link(b, "/families/letters", "Print the letters");
	html_raw(b, "</p></section>");
}

/* ---- families reached (issue 13: docs/family_updates.md "Reach") -------- */

struct reach_state {
	struct outbox_reach r;
	bool none; /* no week queued yet */
};

static void *reach_load(struct home_ctx *h)
{
	struct reach_state *s = arena_zalloc(&h->req->arena, sizeof *s);
	const char *school = NULL;
	if (!s || access_report_school(h->req->db, h->a, NULL, &school))
		return NULL;
	enum eb_err rc = outbox_reach(h->req->db, h->d, NULL, school, 0, &h->req->arena, &s->r);
	if (rc == EB_ENOTFOUND || (!rc && s->r.families == 0))
		s->none = true;
	else if (rc)
		return NULL;
	/* a next step for the families that a reason kept from being reached
	 * (bounced, opted out, no contact ...), not for those still pending */
	long missed = s->none ? 0 : s->r.families - s->r.reached - s->r.why[OUTBOX_WHY_PENDING];
	if (missed > 0)
		step(h, "/families/reach", "%ld famil%s not reached by the weekly update: see why",
		     missed, missed == 1 ? "y was" : "ies were");
	return s;
}

static void reach_write(struct home_ctx *h, void *state)
{
	struct reach_state *s = state;
	struct buf *b = &h->req->out;
	html_raw(b, "<section aria-labelledby=\"h-reach\"><h2 id=\"h-reach\">Families"
		    " reached</h2><p>");
	if (s->none)
		html_text(b, "No weekly family update has been sent yet. ");
	else
		html_textf(b, "Week %s: %ld of %ld families reached by email, text or letter%s",
			   s->r.week, s->r.reached, s->r.families,
			   s->r.why[OUTBOX_WHY_PENDING] ? "" : ". ");
	if (!s->none && s->r.why[OUTBOX_WHY_PENDING])
		html_textf(b, " (%ld still being sent or printed). ", s->r.why[OUTBOX_WHY_PENDING]);
	link(b, "/families/reach", "Who was reached, and why not");
	if (access_has(h->a, ROLE_DISTRICT_ADMIN)) {
		html_raw(b, " &middot; ");
		link(b, "/admin/delivery", "Family message settings");
	}
	html_raw(b, "</p></section>");
}

/* ---- the table ---------------------------------------------------------- */

static const struct home_section sections[] = {
	/* coaching (issue 15, h15-cycles): the coach's home leads with today's meetings,
	 * cycles needing a next step and goals at risk */
	{ ROLE_BIT(ROLE_COACH), coaching_home_coach_load, coaching_home_write },
	{ ROLE_BIT(ROLE_TEACHER), teacher_load, teacher_write },
	/* a teacher's running coaching cycle and its next step */
	{ ROLE_BIT(ROLE_TEACHER), coaching_home_teacher_load, coaching_home_write },
	/* families wrote, students answered feedback (student_dash.c) */
	{ ROLE_BIT(ROLE_TEACHER), page_feedback_home_load, NULL },
	{ ROLE_BIT(ROLE_PRINCIPAL), principal_load, principal_write },
	{ ROLE_BIT(ROLE_COACH), coach_load, coach_write },
	{ ROLE_BIT(ROLE_COORDINATOR), coord_load, coord_write },
	/* tickets near or past their target lead IT's and the champion's home (tickets.c) */
	{ ROLE_BIT(ROLE_IT_STAFF) | ROLE_BIT(ROLE_TECH_CHAMPION) | ROLE_BIT(ROLE_VENDOR_CONTACT),
	  page_tickets_home_load, page_tickets_home_write },
	/* loaned devices overdue (devices.c; issue 14), next on IT's home */
	{ ROLE_BIT(ROLE_IT_STAFF), page_devices_home_load, page_devices_home_write },
	{ ROLE_BIT(ROLE_IT_STAFF), it_load, it_write },
	{ ROLE_BIT(ROLE_TECH_CHAMPION), champ_load, champ_write },
	{ ROLE_BIT(ROLE_VENDOR_CONTACT), vendor_load, vendor_write },
	{ ROLE_BIT(ROLE_DISTRICT_ADMIN), admin_load, admin_write },
	{ ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_PRINCIPAL), letters_load, letters_write },
	{ ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_PRINCIPAL),
	  reach_load, reach_write },
	/* trainings (issue 14, h14-train): the next session, sessions without IT; a
	 * teacher's own registrations */
	{ ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_IT_STAFF) | ROLE_BIT(ROLE_TEACHER) |
		  ROLE_BIT(ROLE_PRINCIPAL),
	  trainings_home_load, trainings_home_write },
	/* team action items due soon or overdue (teams.c; issue 15, h15-teams) */
	{ ROLES_STAFF, teams_home_load, teams_home_write },
};
#define NSECTIONS (sizeof sections / sizeof sections[0])

void home_staff(struct http_request *req)
{
	const struct account *a = &req->session->account;
	if (!(a->role_mask & ROLES_STAFF))
		return;
	struct home_ctx h = { .req = req, .a = a, .d = a->district_id, .now = time_now() };
	if (district_levels(req->db, h.d, &h.lv))
		h.lv = (struct district_levels){ 0.40, 0.70, 0.90 };
	void *state[NSECTIONS] = { NULL };
	/* one snapshot for every read of the page */
	bool snap = db_begin_read(req->db) == EB_OK;
	for (size_t i = 0; i < NSECTIONS; i++)
		if (a->role_mask & sections[i].roles)
			state[i] = sections[i].load(&h);
	struct buf *b = &req->out;
	html_raw(b, "<section aria-labelledby=\"h-next\" class=\"next\"><h2 id=\"h-next\">Next"
		    " steps</h2>");
	if (!h.nsteps)
		html_raw(b, "<p>Nothing needs you right now.</p>");
	else
		html_raw(b, "<ul>");
	for (size_t i = 0; i < h.nsteps; i++) {
		html_raw(b, "<li>");
		if (h.steps[i].href)
			link(b, h.steps[i].href, h.steps[i].text);
		else
			html_text(b, h.steps[i].text);
		html_raw(b, "</li>");
	}
	if (h.more_steps) {
		html_raw(b, "<li>");
		html_textf(b, "and %zu more below", h.more_steps);
		html_raw(b, "</li>");
	}
	if (h.nsteps)
		html_raw(b, "</ul>");
	html_raw(b, "</section>");
	for (size_t i = 0; i < NSECTIONS; i++)
		if (state[i])
			sections[i].write(&h, state[i]);
	if (snap)
		db_rollback(req->db);
}
