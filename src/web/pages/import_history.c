/* The roster import history (issue 17): every OneRoster import of the
 * district, who ran it (a named account, the command line or the scheduled
 * sync), its mode, the counts per file, the rows set aside with their
 * reasons, the rows waiting for a parent and the warnings. District
 * administrators only; each view is audited (subject roster_import). The
 * set-aside rows download as CSV through web/export.h. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "domain/import_log.h"
#include "web/auth.h"
#include "web/export.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

static int64_t run_id_of(const char *s)
{
	int64_t v = 0;
	if (!s || cstr_to_i64(s, 1, INT64_MAX, &v))
		return 0;
	return v;
}

static const char *mode_words(const char *mode)
{
	return strcmp(mode, "strict") == 0 ? "all or nothing" : "sound rows applied";
}

static void result_words(struct buf *b, const struct import_log_run *r)
{
	if (!r->ok)
		html_raw(b, "refused, nothing stored");
	else if (r->n_aside || r->n_waiting)
		html_textf(b, "applied; %ld set aside, %ld waiting", r->n_aside, r->n_waiting);
	else
		html_raw(b, "applied");
	if (r->ok && r->n_linked)
		html_textf(b, "; %ld linked", r->n_linked);
}

void page_admin_imports(struct http_request *req)
{
	struct buf *b = &req->out;
	int64_t d = req->session->account.district_id;
	struct import_log_run *runs;
	size_t n;
	if (import_log_list(req->db, d, 200, &req->arena, &runs, &n)) {
		page_error(req, 503, "Import history", "The history could not be read. Try again.");
		return;
	}
	if (!page_audit_bulk(req, "view", "roster_import", "list", 0, "import history"))
		return;
	page_begin(req, "Import history");
	html_raw(b, "<p>Every roster import of the district, newest first (the last 200). "
		    "<a href=\"/admin/import\">Import the roster</a></p>");
	if (!n) {
		html_raw(b, "<p>No roster has been imported yet.</p>");
		page_end(req);
		return;
	}
	page_scroll_begin(req, "Roster imports");
	html_raw(b, "<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th>"
		    "<th scope=\"col\">Source</th><th scope=\"col\">Mode</th>"
		    "<th scope=\"col\">Result</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct import_log_run *r = &runs[i];
		html_raw(b, "<tr><td><a href=\"/admin/imports/");
		html_textf(b, "%lld", (long long)r->id);
		html_raw(b, "\">");
		page_time(req, r->finished_at);
		html_raw(b, "</a></td><td>");
		html_text(b, r->actor);
		html_raw(b, "</td><td class=\"wrap\">");
		html_text(b, r->source);
		html_raw(b, "</td><td>");
		html_text(b, mode_words(r->mode));
		html_raw(b, "</td><td>");
		result_words(b, r);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

static void rows_table(struct http_request *req, const char *caption,
		       const struct import_log_row *rows, size_t n, bool reason_is_parent)
{
	struct buf *b = &req->out;
	page_scroll_begin(req, caption);
	html_raw(b, "<table><thead><tr><th scope=\"col\">File</th><th scope=\"col\">Line</th>");
	if (!reason_is_parent)
		html_raw(b, "<th scope=\"col\">Field</th>");
	html_raw(b, "<th scope=\"col\">Roster id</th><th scope=\"col\">");
	html_raw(b, reason_is_parent ? "Waits for" : "Reason");
	html_raw(b, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td>");
		html_text(b, rows[i].file);
		html_raw(b, "</td><td>");
		html_int(b, rows[i].line);
		if (!reason_is_parent) {
			html_raw(b, "</td><td>");
			html_text(b, rows[i].field);
		}
		html_raw(b, "</td><td>");
		html_text(b, rows[i].sourced_id);
		html_raw(b, "</td><td class=\"wrap\">");
		html_text(b, rows[i].reason);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
}

static void lines_list(struct buf *b, const char *text)
{
	html_raw(b, "<ul>");
	const char *p = text;
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len) {
			html_raw(b, "<li>");
			html_textf(b, "%.*s", (int)len, p);
			html_raw(b, "</li>");
		}
		p += len + (e ? 1 : 0);
	}
	html_raw(b, "</ul>");
}

static void aside_csv(struct http_request *req, int64_t d, const struct import_log_run *r,
		      enum export_format f)
{
	struct import_log_row *rows;
	size_t n;
	if (import_log_rows(req->db, d, r->id, "aside", &req->arena, &rows, &n)) {
		page_error(req, 503, "Import history", "The rows could not be read. Try again.");
		return;
	}
	if (!page_audit_bulk(req, "export", "roster_import", req->params[0], 0,
			     "rows set aside by an import"))
		return;
	struct export x;
	if (!export_respond_begin(req, &x, f, "Set aside"))
		return;
	export_head(&x, "file");
	export_head(&x, "line");
	export_head(&x, "field");
	export_head(&x, "sourcedId");
	export_head(&x, "reason");
	export_end_row(&x);
	for (size_t i = 0; i < n; i++) {
		export_text(&x, rows[i].file);
		export_num(&x, (double)rows[i].line, 0);
		export_text(&x, rows[i].field);
		export_text(&x, rows[i].sourced_id);
		export_text(&x, rows[i].reason);
		export_end_row(&x);
	}
	char base[48];
	snprintf(base, sizeof base, "import-%lld-set-aside", (long long)r->id);
	export_respond_end(req, &x, base);
}

void page_admin_import_run(struct http_request *req)
{
	struct buf *b = &req->out;
	int64_t d = req->session->account.district_id;
	int64_t id = run_id_of(req->params[0]);
	struct import_log_run r;
	enum eb_err rc = id ? import_log_get(req->db, d, id, &req->arena, &r) : EB_ENOTFOUND;
	if (rc == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "There is no such import.");
		return;
	}
	if (rc) {
		page_error(req, 503, "Import history", "The import could not be read. Try again.");
		return;
	}
	const char *fmt = http_query(req, "format");
	if (fmt) {
		enum export_format f;
		if (!export_format_parse(fmt, &f)) {
			page_error(req, 400, "Import history", "format: csv or xlsx.");
			return;
		}
		aside_csv(req, d, &r, f);
		return;
	}
	struct import_log_row *rows;
	size_t n;
	if (import_log_rows(req->db, d, r.id, NULL, &req->arena, &rows, &n)) {
		page_error(req, 503, "Import history", "The rows could not be read. Try again.");
		return;
	}
	if (!page_audit_bulk(req, "view", "roster_import", req->params[0], 0, "an import's report"))
		return;
	char title[64];
	snprintf(title, sizeof title, "Import %lld", (long long)r.id);
	page_begin(req, title);
	html_raw(b, "<p><a href=\"/admin/imports\">All imports</a></p><dl class=\"report\">"
		    "<dt>When</dt><dd>");
	page_time(req, r.finished_at);
	html_raw(b, "</dd><dt>Who</dt><dd>");
	html_text(b, r.actor);
	html_raw(b, "</dd><dt>Source</dt><dd class=\"wrap\">");
	html_text(b, r.source);
	html_raw(b, "</dd><dt>Mode</dt><dd>");
	html_text(b, mode_words(r.mode));
	html_raw(b, "</dd><dt>Result</dt><dd>");
	result_words(b, &r);
	html_raw(b, "</dd></dl>");
	html_raw(b, r.ok ? "<h2>What changed</h2>" : "<h2>Why it was refused</h2>");
	lines_list(b, r.summary);
	size_t na = 0, nw = 0, nl = 0;
	for (size_t i = 0; i < n; i++) {
		na += strcmp(rows[i].kind, "aside") == 0;
		nw += strcmp(rows[i].kind, "waiting") == 0;
		nl += strcmp(rows[i].kind, "linked") == 0;
	}
	struct import_log_row *part = arena_alloc(&req->arena, (n ? n : 1) * sizeof *part);
	const char *kinds[3] = { "aside", "waiting", "linked" };
	const char *heads[3] = { "Rows set aside", "Rows waiting for a parent",
				 "Earlier rows linked by this import" };
	size_t counts[3] = { na, nw, nl };
	for (int k = 0; k < 3 && part; k++) {
		if (!counts[k])
			continue;
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			if (strcmp(rows[i].kind, kinds[k]) == 0)
				part[m++] = rows[i];
		html_raw(b, "<h2>");
		html_text(b, heads[k]);
		html_raw(b, "</h2>");
		if (k == 0)
			html_raw(b, "<p>These rows were not applied. Correct them in the student "
				    "information system; the next import brings them in. "
				    "<a href=\"?format=csv\">Download them as CSV</a></p>");
		if (k == 1)
			html_raw(b, "<p>These rows are kept and applied by the first import that "
				    "brings what they refer to.</p>");
		rows_table(req, heads[k], part, m, k > 0);
	}
	if (r.notes[0]) {
		html_raw(b, "<h2>Warnings and notes</h2>");
		lines_list(b, r.notes);
	}
	page_end(req);
}
