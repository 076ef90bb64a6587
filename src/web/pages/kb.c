/* The knowledge base (domain/kb): browse and search known fixes per tool,
 * one article with "Did this fix it?", the writers' form, the readers'
 * marks, the suggestions shown on the new-ticket form (without JavaScript:
 * the "Check for known fixes" button; with it: /kb/suggest as one types,
 * assets/kb_suggest.js) and the small JSON endpoint behind them.
 *
 * Families and students read these pages in their language (TR): the
 * product's words are translated; an article reads as its writer wrote it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/embed.h"
#include "base/i18n.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/kb.h"
#include "domain/tools.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

#define LIST_MAX 100
#define SUGGEST_MAX 5

static void viewer_of(struct http_request *req, struct kb_viewer *v)
{
	const struct account *a = &req->session->account;
	kb_viewer_of(a, v);
	if (!v->staff)
		page_family_use_lang(req);
}

static int64_t id_arg(const char *s)
{
	int64_t id = 0;
	if (!s || cstr_to_i64(s, 1, INT64_MAX, &id))
		return 0;
	return id;
}

/* "People who said it fixed the problem: N" */
static void fixed_line(struct http_request *req, const struct kb_article *a)
{
	if (!a->fixed)
		return;
	struct buf *b = &req->out;
	html_raw(b, "<p class=\"muted\">");
	html_textf(b, TR(req->lang, "People who said it fixed the problem: %lld"),
		   (long long)a->fixed);
	html_raw(b, "</p>");
}

/* The "this fixed it" button of a suggestion (from the ticket form: the
 * reporter files nothing, counted as a deflected ticket). */
static void deflect_form(struct http_request *req, int64_t id)
{
	struct buf *b = &req->out;
	html_raw(b, "<form method=\"post\" action=\"/kb/");
	html_int(b, id);
	html_raw(b, "/helped\">");
	page_csrf_field(req);
	html_raw(b, "<input type=\"hidden\" name=\"helped\" value=\"yes\">"
		    "<input type=\"hidden\" name=\"from\" value=\"ticket\">"
		    "<button type=\"submit\">");
	html_text(b, TR(req->lang, "This fixed it, no need to report"));
	html_raw(b, "</button></form>");
}

static void article_item(struct http_request *req, const struct kb_article *a, bool suggestion,
			 bool show_tool)
{
	struct buf *b = &req->out;
	html_raw(b, "<li><h3><a href=\"/kb/");
	html_int(b, a->id);
	html_raw(b, "\">");
	html_text(b, a->title);
	html_raw(b, "</a></h3>");
	if (show_tool) {
		html_raw(b, "<p class=\"muted\">");
		html_text(b, a->tool_name);
		if (a->status == KB_DRAFT) {
			html_raw(b, " <span class=\"tag\">");
			html_text(b, kb_status_label(a->status));
			html_raw(b, "</span>");
		}
		html_raw(b, "</p>");
	}
	html_raw(b, "<p>");
	html_text(b, a->symptom);
	html_raw(b, "</p>");
	fixed_line(req, a);
	if (suggestion)
		deflect_form(req, a->id);
	html_raw(b, "</li>");
}

/* ---- suggestions on the new-ticket form ---- */

void page_kb_suggestions(struct http_request *req, int64_t tool_id, const char *text, bool checked)
{
	struct kb_viewer v;
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	struct kb_article *rows = NULL;
	size_t n = 0;
	kb_viewer_of(&req->session->account, &v);
	if (checked && text) {
		/* the first KB_QUERY_MAX bytes of a long report, cut at a character */
		char q[KB_QUERY_MAX + 1];
		size_t len = strlen(text);
		if (len > KB_QUERY_MAX) {
			len = KB_QUERY_MAX;
			while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
				len--;
		}
		memcpy(q, text, len);
		q[len] = '\0';
		kb_search(req->db, &v, tool_id, q, false, true, SUGGEST_MAX, &req->arena, &rows,
			  &n);
	} else if (tool_id) {
		/* opened for a tool: its known fixes that helped most, before a word */
		kb_search(req->db, &v, tool_id, NULL, false, true, 3, &req->arena, &rows, &n);
	}
	html_raw(b, "<section aria-labelledby=\"h-kb-suggest\" id=\"kb-suggest\""
		    " data-kb-suggest data-form=\"ticket-form\" data-fixed-label=\"");
	html_attr(b, TR(L, "People who said it fixed the problem: %lld"));
	html_raw(b, "\" data-deflect-label=\"");
	html_attr(b, TR(L, "This fixed it, no need to report"));
	html_raw(b, "\"><h2 id=\"h-kb-suggest\">");
	html_text(b, TR(L, "Known fixes that may help"));
	html_raw(b, "</h2><p class=\"muted\">");
	html_text(b, TR(L, "Describe the problem below, then check whether a known fix solves it"
			   " before you report it."));
	html_raw(b, "</p><div id=\"kb-suggest-list\" aria-live=\"polite\">");
	if (n) {
		html_raw(b, "<ul class=\"cards wide\">");
		for (size_t i = 0; i < n; i++)
			article_item(req, &rows[i], true, false);
		html_raw(b, "</ul>");
	} else if (checked) {
		html_raw(b, "<p>");
		html_text(b, TR(L, "No known fix matches yet."));
		html_raw(b, "</p>");
	}
	html_raw(b, "</div></section>");
}

void page_kb_check_button(struct http_request *req)
{
	struct buf *b = &req->out;
	html_raw(b, "<div><button type=\"submit\" name=\"check\" value=\"1\""
		    " formnovalidate>");
	html_text(b, TR(req->lang, "Check for known fixes"));
	html_raw(b, "</button></div><script src=\"/assets/kb_suggest.js\" defer></script>");
}

void page_kb_script(struct http_request *req)
{
	const struct embed_file *f = embed_find("src/web/assets/kb_suggest.js");
	if (!f) {
		http_text(req, 404, "missing script\n");
		return;
	}
	req->content_type = "text/javascript; charset=utf-8";
	http_set_header(req, "Cache-Control", "public, max-age=3600");
	buf_put(&req->out, f->data, f->len);
}

void page_kb_suggest(struct http_request *req)
{
	struct kb_viewer v;
	kb_viewer_of(&req->session->account, &v);
	const char *q = http_query(req, "q"), *tool = http_query(req, "tool");
	int64_t tool_id = tool && *tool ? id_arg(tool) : 0;
	if ((tool && *tool && !tool_id) || (q && strlen(q) > KB_QUERY_MAX)) {
		http_json_error(req, 400, "tool must be a tool id and q at most 500 bytes");
		return;
	}
	struct kb_article *rows = NULL;
	size_t n = 0;
	if (q && str_trim(str_from(q)).n &&
	    kb_search(req->db, &v, tool_id, q, true, true, SUGGEST_MAX, &req->arena, &rows, &n)) {
		http_json_error(req, 503, "the server is busy; try again in a moment");
		return;
	}
	json_t *list = json_array(), *root = json_object();
	for (size_t i = 0; list && i < n; i++)
		json_array_append_new(
			list, json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)rows[i].id,
					"title", rows[i].title, "symptom", rows[i].symptom, "tool",
					rows[i].tool_name, "fixed", (json_int_t)rows[i].fixed));
	char *out = NULL;
	if (root && list && !json_object_set(root, "articles", list))
		out = json_dumps(root, JSON_COMPACT);
	json_decref(list);
	json_decref(root);
	if (!out) {
		http_json_error(req, 503, "out of memory");
		return;
	}
	req->content_type = "application/json";
	req->no_cache = true;
	buf_puts(&req->out, out);
	free(out);
}

/* ---- browse and search ---- */

void page_kb(struct http_request *req)
{
	struct kb_viewer v;
	viewer_of(req, &v);
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	const char *q = http_query(req, "q"), *tool = http_query(req, "tool");
	int64_t tool_id = tool && *tool ? id_arg(tool) : 0;
	if ((tool && *tool && !tool_id) || (q && strlen(q) > KB_QUERY_MAX)) {
		page_error(req, 400, TR(L, "Known fixes"),
			   TR(L, "That search could not be read. Shorten it and try again."));
		return;
	}
	/* the tools to choose from: those with an article the viewer reads */
	struct kb_article *all = NULL, *rows = NULL;
	size_t nall = 0, n = 0;
	if (kb_search(req->db, &v, 0, NULL, false, false, 200, &req->arena, &all, &nall) ||
	    kb_search(req->db, &v, tool_id, q, false, false, LIST_MAX, &req->arena, &rows, &n)) {
		page_error(req, 503, TR(L, "Known fixes"),
			   TR(L, "The server is busy. Try again in a moment."));
		return;
	}
	page_begin(req, TR(L, "Known fixes"));
	if (v.writer)
		html_raw(b, "<p><a href=\"/kb/new\">Write an article</a></p>");
	html_raw(b, "<form method=\"get\" action=\"/kb\" class=\"stack\" role=\"search\">"
		    "<div><label for=\"kb-tool\">");
	html_text(b, TR(L, "Tool"));
	html_raw(b, "</label><select id=\"kb-tool\" name=\"tool\"><option value=\"\">");
	html_text(b, TR(L, "All tools"));
	html_raw(b, "</option>");
	for (size_t i = 0; i < nall; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = all[j].tool_id == all[i].tool_id;
		if (seen)
			continue;
		html_raw(b, "<option value=\"");
		html_int(b, all[i].tool_id);
		html_raw(b, all[i].tool_id == tool_id ? "\" selected>" : "\">");
		html_text(b, all[i].tool_name);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select></div><div><label for=\"kb-q\">");
	html_text(b, TR(L, "Search known fixes"));
	html_raw(b, "</label><input id=\"kb-q\" name=\"q\" type=\"search\" maxlength=\"500\""
		    " value=\"");
	html_attr(b, q ? q : "");
	html_raw(b, "\"></div><div><button type=\"submit\">");
	html_text(b, TR(L, "Search"));
	html_raw(b, "</button></div></form>");
	if (!n) {
		html_raw(b, "<p>");
		html_text(b, TR(L, "No known fix matches yet."));
		html_raw(b, "</p>");
	} else {
		html_raw(b, "<ul class=\"cards wide\">");
		for (size_t i = 0; i < n; i++)
			article_item(req, &rows[i], false, true);
		html_raw(b, "</ul>");
	}
	page_end(req);
}

/* The fix, one step a line: a numbered list when it has several. */
static void fix_steps(struct http_request *req, const char *fix)
{
	struct buf *b = &req->out;
	struct str s = str_from(fix);
	size_t lines = 0;
	for (size_t i = 0; i < s.n; i++)
		lines += s.p[i] == '\n';
	html_raw(b, lines ? "<ol class=\"steps\">" : "<div>");
	const char *p = fix;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		struct str line = str_trim((struct str){ p, len });
		if (line.n) {
			char *t = arena_printf(&req->arena, "%.*s", (int)line.n, line.p);
			html_raw(b, lines ? "<li>" : "<p>");
			html_text(b, t ? t : "");
			html_raw(b, lines ? "</li>" : "</p>");
		}
		p += len + (e ? 1 : 0);
	}
	html_raw(b, lines ? "</ol>" : "</div>");
}

void page_kb_article(struct http_request *req)
{
	struct kb_viewer v;
	viewer_of(req, &v);
	const struct i18n_lang *L = req->lang;
	struct buf *b = &req->out;
	int64_t id = id_arg(req->params[0]);
	struct kb_article a;
	enum eb_err rc = id ? kb_get(req->db, &v, id, &req->arena, &a) : EB_ENOTFOUND;
	if (rc == EB_ENOTFOUND) {
		page_error(req, 404, TR(L, "Known fixes"), TR(L, "There is no such article."));
		return;
	}
	int mark = -1;
	if (rc || kb_my_mark(req->db, &v, id, &mark)) {
		page_error(req, 503, TR(L, "Known fixes"),
			   TR(L, "The server is busy. Try again in a moment."));
		return;
	}
	page_begin(req, a.title);
	const char *marked = http_query(req, "marked");
	if (marked && strcmp(marked, "deflected") == 0)
		page_notice(req, "ok", TR(L, "Glad it works again. Nothing was reported."));
	else if (marked && mark == 1)
		page_notice(req, "ok", TR(L, "Thank you. You said this fixed it."));
	else if (marked && mark == 0)
		page_notice(req, "ok", TR(L, "Thank you. You said this didn't help."));
	html_raw(b, "<p class=\"muted\">");
	html_text(b, TR(L, "Tool"));
	html_raw(b, ": ");
	html_text(b, a.tool_name);
	if (v.staff) {
		html_raw(b, " &middot; ");
		html_text(b, kb_audience_label(a.audience));
		html_raw(b, " &middot; ");
		html_text(b, kb_status_label(a.status));
		html_raw(b, " &middot; by ");
		html_text(b, a.author_name);
		html_raw(b, ", updated ");
		page_time(req, a.updated_at);
	}
	html_raw(b, "</p>");
	if (kb_can_edit(&v, &a)) {
		html_raw(b, "<p><a href=\"/kb/");
		html_int(b, a.id);
		html_raw(b, "/edit\">Edit this article</a></p>");
	}
	html_raw(b, "<h2>");
	html_text(b, TR(L, "What you may notice"));
	html_raw(b, "</h2><p>");
	html_text(b, a.symptom);
	html_raw(b, "</p><h2>");
	html_text(b, TR(L, "How to fix it"));
	html_raw(b, "</h2>");
	fix_steps(req, a.fix);
	fixed_line(req, &a);
	if (v.staff && a.not_helped) {
		html_raw(b, "<p class=\"muted\">");
		html_textf(b, "Readers who said it didn't help: %lld", (long long)a.not_helped);
		html_raw(b, "</p>");
	}
	if (a.status == KB_PUBLISHED) {
		html_raw(b, "<section aria-labelledby=\"h-helped\"><h2 id=\"h-helped\">");
		html_text(b, TR(L, "Did this fix it?"));
		html_raw(b, "</h2><form method=\"post\" action=\"/kb/");
		html_int(b, a.id);
		html_raw(b, "/helped\" class=\"row\">");
		page_csrf_field(req);
		html_raw(b, "<button type=\"submit\" name=\"helped\" value=\"yes\"");
		html_raw(b, mark == 1 ? " aria-pressed=\"true\">" : ">");
		html_text(b, TR(L, "This fixed it"));
		html_raw(b, "</button> <button type=\"submit\" name=\"helped\" value=\"no\"");
		html_raw(b, mark == 0 ? " aria-pressed=\"true\">" : ">");
		html_text(b, TR(L, "This didn't help"));
		html_raw(b, "</button></form></section>");
	}
	html_raw(b, "<p><a href=\"/kb?tool=");
	html_int(b, a.tool_id);
	html_raw(b, "\">");
	html_text(b, TR(L, "Back to known fixes"));
	html_raw(b, "</a></p>");
	page_end(req);
}

void page_kb_helped(struct http_request *req)
{
	struct kb_viewer v;
	viewer_of(req, &v);
	const struct i18n_lang *L = req->lang;
	int64_t id = id_arg(req->params[0]);
	const char *helped = http_form(req, "helped"), *from = http_form(req, "from");
	bool yes = helped && strcmp(helped, "yes") == 0, no = helped && strcmp(helped, "no") == 0;
	if (!yes && !no) {
		page_error(req, 400, TR(L, "Known fixes"),
			   TR(L, "Choose whether this fixed it or didn't help."));
		return;
	}
	bool deflected = yes && from && strcmp(from, "ticket") == 0;
	enum eb_err rc = id ? kb_mark(req->db, &v, id, yes, deflected) : EB_ENOTFOUND;
	if (rc == EB_ENOTFOUND) {
		page_error(req, 404, TR(L, "Known fixes"), TR(L, "There is no such article."));
		return;
	}
	if (rc) {
		page_error(req, 503, TR(L, "Known fixes"),
			   TR(L, "The server is busy. Try again in a moment."));
		return;
	}
	char *to = arena_printf(&req->arena, "/kb/%lld?marked=%s", (long long)id,
				deflected ? "deflected" : "1");
	http_redirect(req, to ? to : "/kb");
}

/* ---- the writers' form ---- */

static const struct form_label labels[] = {
	{ "tool", "kb-f-tool", "Tool" },
	{ "title", "kb-f-title", "Title" },
	{ "symptom", "kb-f-symptom", "What the person sees" },
	{ "fix", "kb-f-fix", "The fix, one step a line" },
	{ "audience", "kb-f-audience", "Who may read it" },
	{ "status", "kb-f-status", "Status" },
};

static void text_control(struct http_request *req, const struct form_errors *errs, const char *name,
			 const char *value, int maxlen, int rows)
{
	struct buf *b = &req->out;
	const struct form_label *l = NULL;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].name, name) == 0)
			l = &labels[i];
	if (!l)
		return;
	html_raw(b, "<div><label for=\"");
	html_attr(b, l->id);
	html_raw(b, "\">");
	html_text(b, l->label);
	html_raw(b, "</label>");
	html_raw(b, rows ? "<textarea rows=\"" : "<input type=\"text\" value=\"");
	if (rows) {
		html_int(b, rows);
	} else {
		html_attr(b, value ? value : "");
	}
	html_raw(b, "\" id=\"");
	html_attr(b, l->id);
	html_raw(b, "\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" required maxlength=\"");
	html_int(b, maxlen);
	html_raw(b, "\"");
	form_invalid_attrs(req, errs, name);
	html_raw(b, ">");
	if (rows) {
		html_text(b, value ? value : "");
		html_raw(b, "</textarea>");
	}
	form_field_error(req, errs, name);
	html_raw(b, "</div>");
}

static void choice(struct buf *b, const char *value, const char *label, const char *current)
{
	html_raw(b, "<option value=\"");
	html_attr(b, value);
	html_raw(b, current && strcmp(current, value) == 0 ? "\" selected>" : "\">");
	html_text(b, label);
	html_raw(b, "</option>");
}

static void write_form(struct http_request *req, int64_t id, const struct kb_form *f,
		       const struct form_errors *errs)
{
	struct buf *b = &req->out;
	struct tool_row *tools = NULL;
	size_t nt = 0;
	tools_list(req->db, req->session->account.district_id, -1, false, &req->arena, &tools, &nt);
	page_begin(req, id ? "Edit a known fix" : "Write a known fix");
	form_errors_summary(req, errs, labels, sizeof labels / sizeof labels[0]);
	html_raw(b, "<p class=\"muted\">A known fix tells a teacher, a student or a family what"
		    " they may see and what to do, in plain words. Articles for everyone are"
		    " read by families and students too, and suggested to them before they"
		    " report a problem.</p><form method=\"post\" class=\"stack\" action=\"");
	if (id) {
		html_raw(b, "/kb/");
		html_int(b, id);
	} else {
		html_raw(b, "/kb/new");
	}
	html_raw(b, "\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"kb-f-tool\">Tool</label><select id=\"kb-f-tool\""
		    " name=\"tool\"");
	form_invalid_attrs(req, errs, "tool");
	html_raw(b, ">");
	for (size_t i = 0; i < nt; i++) {
		char idb[24];
		snprintf(idb, sizeof idb, "%lld", (long long)tools[i].id);
		choice(b, idb, tools[i].name, f->tool);
	}
	html_raw(b, "</select>");
	form_field_error(req, errs, "tool");
	html_raw(b, "</div>");
	text_control(req, errs, "title", f->title, KB_TITLE_MAX, 0);
	text_control(req, errs, "symptom", f->symptom, KB_SYMPTOM_MAX, 3);
	text_control(req, errs, "fix", f->fix, KB_FIX_MAX, 8);
	html_raw(b, "<div><label for=\"kb-f-audience\">Who may read it</label>"
		    "<select id=\"kb-f-audience\" name=\"audience\"");
	form_invalid_attrs(req, errs, "audience");
	html_raw(b, ">");
	choice(b, "everyone", kb_audience_label(KB_EVERYONE), f->audience);
	choice(b, "staff", kb_audience_label(KB_STAFF), f->audience);
	html_raw(b, "</select>");
	form_field_error(req, errs, "audience");
	html_raw(b, "</div><div><label for=\"kb-f-status\">Status</label>"
		    "<select id=\"kb-f-status\" name=\"status\"");
	form_invalid_attrs(req, errs, "status");
	html_raw(b, ">");
	choice(b, "published", kb_status_label(KB_PUBLISHED), f->status);
	choice(b, "draft", kb_status_label(KB_DRAFT), f->status);
	html_raw(b, "</select>");
	form_field_error(req, errs, "status");
	html_raw(b, "</div><div><button type=\"submit\">Save the article</button></div></form>");
	page_end(req);
}

void page_kb_new(struct http_request *req)
{
	struct form_errors errs = { 0 };
	struct kb_form f = { http_query(req, "tool"), "", "", "", "everyone", "published" };
	write_form(req, 0, &f, &errs);
}

void page_kb_edit(struct http_request *req)
{
	struct kb_viewer v;
	kb_viewer_of(&req->session->account, &v);
	int64_t id = id_arg(req->params[0]);
	struct kb_article a;
	enum eb_err rc = id ? kb_get(req->db, &v, id, &req->arena, &a) : EB_ENOTFOUND;
	if (rc == EB_ENOTFOUND || (!rc && !kb_can_edit(&v, &a))) {
		page_error(req, rc ? 404 : 403, "Known fixes",
			   rc ? "There is no such article."
			      : "Only IT, the coordinator, district administrators and the"
				" article's writer may change it.");
		return;
	}
	if (rc) {
		page_error(req, 503, "Known fixes", "The server is busy. Try again in a moment.");
		return;
	}
	char *tid = arena_printf(&req->arena, "%lld", (long long)a.tool_id);
	struct kb_form f = { tid,
			     a.title,
			     a.symptom,
			     a.fix,
			     kb_audience_name(a.audience),
			     kb_status_name(a.status) };
	struct form_errors errs = { 0 };
	write_form(req, id, &f, &errs);
}

static void save(struct http_request *req, int64_t id)
{
	struct kb_viewer v;
	kb_viewer_of(&req->session->account, &v);
	struct kb_form f = { http_form(req, "tool"),	 http_form(req, "title"),
			     http_form(req, "symptom"),	 http_form(req, "fix"),
			     http_form(req, "audience"), http_form(req, "status") };
	char why[256];
	struct audit_actor who = auth_actor(req);
	int64_t got = id;
	enum eb_err rc = kb_save(req->db, &v, &f, &who, &got, why, sizeof why);
	if (rc == EB_EINVAL) {
		struct form_errors errs = { 0 };
		form_errors_parse(&errs, &req->arena, why);
		write_form(req, id, &f, &errs);
		req->status = 400;
		return;
	}
	if (rc == EB_ENOTFOUND || rc == EB_EPERM) {
		page_error(req, rc == EB_EPERM ? 403 : 404, "Known fixes",
			   rc == EB_EPERM ? "Only IT, the coordinator, district administrators"
					    " and the article's writer may change it."
					  : "There is no such article.");
		return;
	}
	if (rc) {
		page_error(req, 503, "Known fixes", "The server is busy. Try again in a moment.");
		return;
	}
	char *to = arena_printf(&req->arena, "/kb/%lld", (long long)got);
	http_redirect(req, to ? to : "/kb");
}

void page_kb_create(struct http_request *req)
{
	save(req, 0);
}

void page_kb_update(struct http_request *req)
{
	int64_t id = id_arg(req->params[0]);
	if (!id) {
		page_error(req, 404, "Known fixes", "There is no such article.");
		return;
	}
	save(req, id);
}
