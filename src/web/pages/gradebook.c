/* The gradebook from the SIS (OneRoster 1.2 Gradebook; docs/gradebook.md):
 *   /gradebook              line items (title, class, due date, learning
 *                           objectives in the district's framework labels,
 *                           results) and the results waiting for a student,
 *                           class or line item the roster has not brought yet
 *   /gradebook/item?id=SID  one line item's results (student, score, status);
 *                           without an id, back to the list
 * District administrators and coordinators see the district; a teacher sees
 * the line items of the classes they teach. Views are audited. */
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/frameworks.h"
#include "domain/gradebook.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/router.h"
#include "web/pages/pages.h"

#define ITEMS_MAX 500	/* line items one page lists */
#define WAITING_MAX 200 /* waiting results one page lists */

/* NULL: the district (administrators, coordinators); else the teacher's
 * roster id ("" when the account has none: nothing to list). */
static const char *teacher_scope(struct http_request *req)
{
	const struct account *a = &req->session->account;
	return access_all_students(a) ? NULL : a->person_sid;
}

/* Each learning objective of a line item as the district names it: the
 * label of the standard it counts for in the primary framework, else its
 * id with "not matched". */
static void objectives(struct http_request *req, struct frameworks_labels *labels,
		       const char *item_sid)
{
	struct buf *b = &req->out;
	char **src = NULL, **id = NULL;
	size_t n = 0;
	int64_t d = req->session->account.district_id;
	if (gradebook_item_objectives(req->db, d, item_sid, &req->arena, &src, &id, &n) || !n) {
		html_raw(b, n ? "could not be read" : "none given");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char code[FRAMEWORKS_CODE_MAX];
		bool found = false;
		if (i)
			html_raw(b, ", ");
		gradebook_resolve_objective(req->db, d, src[i], id[i], code, sizeof code, &found);
		if (found) {
			html_text(b, frameworks_label(labels, code));
		} else {
			html_text(b, id[i]);
			html_raw(b, " (not matched to a standard)");
		}
	}
}

static void score_text(struct buf *b, const struct gradebook_result_row *r,
		       const struct gradebook_item_row *li)
{
	if (r->has_score) {
		html_textf(b, "%g", r->score);
		if (li->has_max)
			html_textf(b, " of %g", li->max);
	}
	if (r->text_score && r->text_score[0]) {
		html_raw(b, r->has_score ? " (" : "");
		html_text(b, r->text_score);
		html_raw(b, r->has_score ? ")" : "");
	}
	if (!r->has_score && !(r->text_score && r->text_score[0]))
		html_raw(b, "no score");
}

/* "fully graded" -> "Fully graded" */
static void status_text(struct buf *b, const char *s)
{
	char w[64];
	snprintf(w, sizeof w, "%s", s && *s ? s : "not given");
	if (w[0] >= 'a' && w[0] <= 'z')
		w[0] = (char)(w[0] - 'a' + 'A');
	html_text(b, w);
}

static void waiting_section(struct http_request *req, const struct gradebook_waiting_row *w,
			    size_t nw, const struct gradebook_item_row *items, size_t ni)
{
	struct buf *b = &req->out;
	int64_t now = time_now(), old_at = now - (int64_t)GRADEBOOK_WAIT_DAYS * 86400;
	size_t old = 0, waiting_items = 0;
	for (size_t i = 0; i < nw; i++)
		old += w[i].since && w[i].since < old_at;
	for (size_t i = 0; i < ni; i++)
		waiting_items += items[i].waits_for != NULL;
	html_raw(b, "<h2 id=\"waiting\">Waiting for the roster</h2>");
	if (!nw && !waiting_items) {
		html_raw(b, "<p>Nothing waits: every result found its student and line item.</p>");
		return;
	}
	html_raw(b, "<p>These arrived before the student, class or line item they name. They are"
		    " kept, and count as evidence as soon as the next roster or gradebook import"
		    " or sync brings what is missing.</p>");
	if (old) {
		html_raw(b, "<p class=\"notice error\" role=\"status\">");
		html_textf(b,
			   "%zu %s waited more than %d days: what %s for may never come. Check the"
			   " SIS's export.",
			   old, old == 1 ? "result has" : "results have", GRADEBOOK_WAIT_DAYS,
			   old == 1 ? "it waits" : "they wait");
		html_raw(b, "</p>");
	}
	for (size_t i = 0; i < ni; i++) {
		if (!items[i].waits_for)
			continue;
		html_raw(b, "<div class=\"record\"><dl><dt>Line item</dt><dd>");
		html_text(b, items[i].title);
		html_raw(b, " <span class=\"code\">");
		html_text(b, items[i].sid);
		html_raw(b, "</span></dd><dt>Waits for</dt><dd>Class <span class=\"code\">");
		html_text(b, items[i].class_sid);
		html_raw(b, "</span>, not in the roster yet</dd><dt>Since</dt><dd>");
		page_time(req, items[i].waiting_since);
		html_raw(b, "</dd></dl></div>");
	}
	for (size_t i = 0; i < nw; i++) {
		html_raw(b, "<div class=\"record\"><dl><dt>Result</dt><dd class=\"code\">");
		html_text(b, w[i].sid);
		html_raw(b, "</dd><dt>Line item</dt><dd class=\"code\">");
		html_text(b, w[i].item_sid);
		html_raw(b, "</dd><dt>Student</dt><dd class=\"code\">");
		html_text(b, w[i].student_sid);
		html_raw(b, "</dd><dt>Why it waits</dt><dd>");
		html_text(b, w[i].reason);
		html_raw(b, "</dd><dt>Since</dt><dd>");
		page_time(req, w[i].since);
		if (w[i].since && w[i].since < old_at) {
			html_raw(b, " <strong>");
			html_textf(b, "(more than %d days)", GRADEBOOK_WAIT_DAYS);
			html_raw(b, "</strong>");
		}
		html_raw(b, "</dd></dl></div>");
	}
	if (nw == WAITING_MAX) {
		html_raw(b, "<p>");
		html_textf(b, "The %d oldest are shown.", WAITING_MAX);
		html_raw(b, "</p>");
	}
}

void page_gradebook(struct http_request *req)
{
	struct buf *b = &req->out;
	int64_t d = req->session->account.district_id;
	const char *teacher = teacher_scope(req);
	struct gradebook_item_row *items = NULL;
	struct gradebook_waiting_row *w = NULL;
	size_t ni = 0, nw = 0;
	struct frameworks_labels *labels = NULL;
	if ((!teacher || teacher[0]) &&
	    (gradebook_items(req->db, d, teacher, ITEMS_MAX, &req->arena, &items, &ni) ||
	     gradebook_waiting(req->db, d, teacher, WAITING_MAX, &req->arena, &w, &nw))) {
		page_error(req, 500, "Server error", "The gradebook could not be read.");
		return;
	}
	frameworks_labels_load(req->db, d, &req->arena, &labels); /* usable on error too */
	if (!page_audit_bulk(req, "view", "gradebook", teacher ? "own classes" : "district",
			     (int64_t)nw, "gradebook: line items and waiting results"))
		return;
	page_begin(req, "Gradebook");
	html_raw(b, "<p>Line items and results from the student information system's gradebook"
		    " (OneRoster 1.2, by upload or sync). Each fully graded result counts as"
		    " evidence for mastery of its learning objectives.");
	if (req->session->account.role_mask & ROLE_BIT(ROLE_DISTRICT_ADMIN))
		html_raw(b, " It comes with a <a href=\"/admin/import\">roster upload</a> or a"
			    " <a href=\"/admin/roster-sync\">sync from the SIS</a>.");
	else if (!teacher)
		html_raw(b, " It comes with a roster upload or a sync from the SIS, which the"
			    " district's administrators run.");
	html_raw(b, "</p><h2>Line items</h2>");
	size_t linked = 0;
	for (size_t i = 0; i < ni; i++)
		linked += items[i].waits_for == NULL;
	if (!linked) {
		html_raw(b, teacher ? "<p>No line item for your classes yet.</p>"
				    : "<p>No line item yet.</p>");
	} else {
		page_scroll_begin(req, "Line items");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Line item</th><th scope=\"col\">"
			    "Class</th><th scope=\"col\">Due</th><th scope=\"col\">Learning"
			    " objectives</th><th scope=\"col\">Results</th></tr></thead><tbody>");
		for (size_t i = 0; i < ni; i++) {
			if (items[i].waits_for)
				continue;
			html_raw(b, "<tr><td><a href=\"/gradebook/item?id=");
			html_url(b, items[i].sid);
			html_raw(b, "\">");
			html_text(b, items[i].title);
			html_raw(b, "</a></td><td>");
			html_text(b, items[i].class_title);
			html_raw(b, "</td><td>");
			html_text(b, items[i].due_date[0] ? items[i].due_date : "not given");
			html_raw(b, "</td><td>");
			objectives(req, labels, items[i].sid);
			html_raw(b, "</td><td>");
			html_int(b, items[i].results);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
		if (ni == ITEMS_MAX) {
			html_raw(b, "<p>");
			html_textf(b, "The first %d line items are shown.", ITEMS_MAX);
			html_raw(b, "</p>");
		}
	}
	waiting_section(req, w, nw, items, ni);
	page_end(req);
}

void page_gradebook_item(struct http_request *req)
{
	struct buf *b = &req->out;
	const struct account *a = &req->session->account;
	const char *sid = http_query(req, "id");
	struct gradebook_item_row li;
	if (!sid || !*sid) { /* no line item named: the list */
		http_redirect(req, "/gradebook");
		return;
	}
	/* a line item of a class the viewer may not read is "not found", as
	 * one that does not exist */
	if (!sid || !*sid ||
	    gradebook_item_get(req->db, a->district_id, sid, &req->arena, &li) != EB_OK ||
	    (li.waits_for ? !access_all_students(a)
			  : access_class(req->db, a, li.class_sid) != EB_OK)) {
		page_error(req, 404, "Not found", "No such line item in your classes.");
		return;
	}
	struct gradebook_result_row *r = NULL;
	size_t n = 0;
	if (gradebook_item_results(req->db, a->district_id, sid, &req->arena, &r, &n)) {
		page_error(req, 500, "Server error", "The results could not be read.");
		return;
	}
	struct frameworks_labels *labels = NULL;
	frameworks_labels_load(req->db, a->district_id, &req->arena, &labels);
	if (!page_audit_bulk(req, "view", "class", li.class_sid, (int64_t)n,
			     "gradebook results of a line item"))
		return;
	page_begin(req, li.title);
	html_raw(b, "<p><a href=\"/gradebook\">The gradebook</a></p><dl class=\"facts\">"
		    "<dt>Class</dt><dd>");
	if (li.waits_for) {
		html_raw(b, "<span class=\"code\">");
		html_text(b, li.class_sid);
		html_raw(b, "</span>, not in the roster yet");
	} else {
		html_text(b, li.class_title);
	}
	html_raw(b, "</dd><dt>Due</dt><dd>");
	html_text(b, li.due_date[0] ? li.due_date : "not given");
	html_raw(b, "</dd><dt>Scores</dt><dd>");
	if (li.has_max)
		html_textf(b, "%g to %g", li.has_min ? li.min : 0, li.max);
	else
		html_raw(b, "no range given (scores are not read as evidence)");
	html_raw(b, "</dd><dt>Learning objectives</dt><dd>");
	objectives(req, labels, sid);
	html_raw(b, "</dd></dl><h2>Results</h2>");
	if (!n) {
		html_raw(b, "<p>No result yet.</p>");
		page_end(req);
		return;
	}
	page_scroll_begin(req, "Results");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Student</th><th scope=\"col\">Score</th>"
		    "<th scope=\"col\">Status</th><th scope=\"col\">Scored</th></tr></thead>"
		    "<tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, r[i].given_name);
		html_raw(b, " ");
		html_text(b, r[i].family_name);
		html_raw(b, "</td><td>");
		score_text(b, &r[i], &li);
		html_raw(b, "</td><td>");
		status_text(b, r[i].status);
		html_raw(b, "</td><td>");
		page_time(req, r[i].score_date);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}
