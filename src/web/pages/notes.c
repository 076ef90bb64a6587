/* A teacher's note to families for this week, about one student or a whole
 * class: the form on the student's and the class's staff page, and saving
 * it (audited), then its machine translation into the families' languages
 * (domain/teacher_note, domain/translate). Families read it in the weekly
 * update (domain/family_update). */
#include <string.h>

#include "base/i18n.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/family_week.h"
#include "domain/teacher_note.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"
#include "web/router.h"

static bool may_write(const struct account *a)
{
	return (a->role_mask & PAGE_NOTE_ROLES) != 0;
}

static void this_week(struct http_request *req, struct family_week *w)
{
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	const struct tz *z = NULL;
	if (district_time_zone(req->db, req->session->account.district_id, zname, sizeof zname) ==
	    EB_OK)
		z = tz_get(zname);
	family_week_of(time_now(), z, w);
}

void page_note_section(struct http_request *req, const char *scope_type, const char *scope_id)
{
	const struct account *a = &req->session->account;
	if (!may_write(a))
		return;
	struct buf *b = &req->out;
	struct family_week w;
	this_week(req, &w);
	struct teacher_note n;
	bool have = teacher_note_get(req->db, a->district_id, scope_type, scope_id, w.label,
				     &req->arena, &n) == EB_OK;
	bool klass = strcmp(scope_type, "class") == 0;
	html_raw(b, "<section aria-labelledby=\"h-note\" id=\"note\"><h2 id=\"h-note\">");
	html_text(b, klass ? "Note to the class's families this week"
			   : "Note to the family this week");
	html_raw(b, "</h2>");
	const char *saved = http_query(req, "note");
	if (saved && strcmp(saved, "saved") == 0)
		page_notice(req, "ok", "The note is saved.");
	else if (saved && strcmp(saved, "deleted") == 0)
		page_notice(req, "ok", "The note is deleted.");
	html_raw(b, "<p class=\"muted\">");
	html_text(b, klass ? "Every family of the class reads it in this week's update, unless a"
			     " student has a note of their own."
			   : "The family reads it in this week's update.");
	html_text(b, " It is translated by computer into the family's language where edbridge"
		     " can (Spanish on this server; other languages through the district's"
		     " translation service, when one is set), and marked as translated; other"
		     " families read your words in English, with a line saying so.");
	html_raw(b, "</p>");
	if (have) {
		size_t shown = 0;
		for (size_t i = 1; i < i18n_count(); i++) {
			const char *t, *engine;
			if (teacher_note_translation(req->db, a->district_id, n.id, i18n_at(i),
						     &req->arena, &t, &engine) != EB_OK)
				continue;
			html_raw(b, shown++ ? ", " : "<p>Translated for the families into: ");
			html_text(b, i18n_at(i)->english);
		}
		if (shown)
			html_raw(b, ".</p>");
	}
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/");
	html_raw(b, klass ? "classes/" : "students/");
	html_url(b, scope_id);
	html_raw(b, "/note\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"week\" value=\"");
	html_attr(b, w.label);
	html_raw(b, "\"><div><label for=\"note-body\">Your note <span class=\"muted\">(plain"
		    " words, at most 2,000 characters; leave it empty to delete the"
		    " note)</span></label><textarea id=\"note-body\" name=\"body\" rows=\"4\""
		    " maxlength=\"2000\">");
	if (have)
		html_text(b, n.body);
	html_raw(b, "</textarea></div><div><button type=\"submit\">Save the note</button></div>"
		    "</form></section>");
}

static void save(struct http_request *req, const char *scope_type)
{
	const struct account *a = &req->session->account;
	const char *sid = req->params[0];
	bool klass = strcmp(scope_type, "class") == 0;
	enum eb_err ok = klass ? access_class(req->db, a, sid) : access_student(req->db, a, sid);
	if (ok != EB_OK) {
		page_refused(req, scope_type, sid);
		return;
	}
	struct family_week w;
	const char *week = http_form(req, "week");
	if (!week || family_week_parse(week, NULL, &w))
		this_week(req, &w);
	const char *body = http_form(req, "body");
	if (!body || strlen(body) > TEACHER_NOTE_MAX) {
		page_error(req, 400, "Note not saved",
			   "A note is at most 2,000 characters. Shorten it and save it again.");
		return;
	}
	int64_t id = 0;
	enum eb_err rc = teacher_note_save(req->db, a->district_id, scope_type, sid, w.label, body,
					   a->id, a->display_name, &id);
	if (rc == EB_EINVAL) {
		page_error(req, 400, "Note not saved",
			   "The note could not be read as text. Type it again and save it.");
		return;
	}
	if (rc) {
		page_error(req, 503, "Note not saved",
			   "The server is busy. Try again in a moment.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	char *what = arena_printf(&req->arena, "%s note to families for %s",
				  id ? "saved" : "deleted", w.label);
	audit_record_students(req->db, a->district_id, &who, "update", scope_type, sid,
			      klass ? 0 : 1, what ? what : "note to families");
	if (id) {
		struct teacher_note n;
		if (teacher_note_get(req->db, a->district_id, scope_type, sid, w.label, &req->arena,
				     &n) == EB_OK)
			teacher_note_translate(req->db, a->district_id, &n, &req->arena, NULL,
					       NULL);
	}
	char *to = arena_printf(&req->arena, "/%s/%s?note=%s#note", klass ? "classes" : "students",
				sid, id ? "saved" : "deleted");
	http_redirect(req, to ? to : "/home");
}

void page_student_note(struct http_request *req)
{
	save(req, "student");
}

void page_class_note(struct http_request *req)
{
	save(req, "class");
}
