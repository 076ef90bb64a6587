/* Roster upload: a district administrator sends the OneRoster export (.zip)
 * from the browser; it goes through the same importer as the command line
 * (lenient unless "all or nothing" is ticked; the large-removal guard unless
 * "Allow a large removal" is). Every run is on /admin/imports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/audit.h"
#include "ingest/oneroster.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/multipart.h"
#include "web/page.h"
#include "web/pages/pages.h"

static void upload_form(struct http_request *req)
{
	struct buf *b = &req->out;
	html_raw(b, "<p>Upload the OneRoster 1.1 or 1.2 CSV export of your student information"
		    " system as one <code>.zip</code> (up to 16 MB; larger districts use"
		    " <code>edbridge import oneroster</code> on the server). Every sound row is"
		    " applied; a row with an error is set aside and listed, a row whose school,"
		    " course, class or person is missing waits until an import brings it. An export"
		    " that would remove more than 10 % of the district's students, classes or"
		    " enrollments is stopped, nothing changes, until you confirm it.</p>"
		    "<form class=\"stack\" method=\"post\" action=\"/admin/import\" "
		    "enctype=\"multipart/form-data\">");
	page_csrf_field(req);
	html_raw(b,
		 "<div><label for=\"file\">OneRoster .zip</label><input id=\"file\" name=\"file\""
		 " type=\"file\" accept=\".zip,application/zip\" required></div>"
		 "<div class=\"check\"><input id=\"allow_large_removal\" "
		 "name=\"allow_large_removal\""
		 " type=\"checkbox\" value=\"1\"> <label for=\"allow_large_removal\">Allow a large"
		 " removal (the export is complete)</label></div>"
		 "<div class=\"check\"><input id=\"strict\" name=\"strict\" type=\"checkbox\" "
		 "value=\"1\">"
		 " <label for=\"strict\">All or nothing: refuse the whole file if any row has an"
		 " error</label></div>"
		 "<div><button type=\"submit\">Import</button></div></form>"
		 "<p><a href=\"/admin/imports\">Import history</a> (what each import changed, what"
		 " it set aside, who ran it)</p>"
		 "<p><a href=\"/gradebook\">The gradebook</a> (line items and results a 1.2"
		 " export carries, and those waiting for the roster)</p>");
}

void page_admin_import_form(struct http_request *req)
{
	page_begin(req, "Import the roster");
	upload_form(req);
	page_end(req);
}

static void report_page(struct http_request *req, int status, const struct oneroster_report *rep,
			const char *message)
{
	struct buf *b = &req->out;
	req->status = status;
	page_begin(req, "Import the roster");
	if (message)
		page_notice(req, status < 300 ? "ok" : "error", message);
	if (rep && rep->nfiles && status < 300) {
		page_scroll_begin(req, "Files imported");
		html_raw(b,
			 "<table><thead><tr><th scope=\"col\">File</th><th scope=\"col\">Rows</th>"
			 "<th scope=\"col\">Added</th><th scope=\"col\">Changed</th><th "
			 "scope=\"col\">Deleted</th>"
			 "</tr></thead><tbody>");
		for (size_t i = 0; i < rep->nfiles; i++) {
			const struct oneroster_count *c = &rep->files[i];
			html_raw(b, "<tr><td>");
			html_text(b, c->name);
			html_raw(b, "</td><td>");
			html_int(b, c->rows);
			html_raw(b, "</td><td>");
			html_int(b, c->added);
			html_raw(b, "</td><td>");
			html_int(b, c->changed);
			html_raw(b, "</td><td>");
			html_int(b, c->deleted);
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	if (rep && status < 300 && (rep->naside || rep->nwaiting)) {
		html_raw(b, "<p>");
		html_textf(b, "%zu row%s set aside, %zu waiting or linked. ", rep->naside,
			   rep->naside == 1 ? "" : "s", rep->nwaiting);
		html_raw(b, "<a href=\"/admin/imports/");
		html_textf(b, "%lld", (long long)rep->run_id);
		html_raw(b, "\">See the rows and their reasons</a></p>");
	}
	if (rep && rep->nerrors) {
		html_raw(b, "<h2>Errors</h2><ul class=\"code\">");
		for (size_t i = 0; i < rep->nerrors; i++) {
			html_raw(b, "<li>");
			html_text(b, rep->errors[i]);
			html_raw(b, "</li>");
		}
		if (rep->nerrors_total > rep->nerrors) {
			html_raw(b, "<li>");
			html_textf(b, "... and %zu more errors", rep->nerrors_total - rep->nerrors);
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	if (rep && rep->nnotes) {
		html_raw(b, "<h2>Notes</h2><ul>");
		for (size_t i = 0; i < rep->nnotes; i++) {
			html_raw(b, "<li>");
			html_text(b, rep->notes[i]);
			html_raw(b, "</li>");
		}
		html_raw(b, "</ul>");
	}
	upload_form(req);
	page_end(req);
}

void page_admin_import(struct http_request *req)
{
	struct multipart_part part;
	enum eb_err rc = multipart_find(http_header(req, "Content-Type"), req->body.data,
					req->body.len, "file", &part);
	if (rc || part.len == 0) {
		report_page(req, 400, NULL, "file: choose the OneRoster .zip to upload.");
		return;
	}
	char path[] = "/tmp/edbridge-upload-XXXXXX.zip";
	int fd = mkstemps(path, 4);
	if (fd < 0) {
		report_page(req, 500, NULL, "The server could not store the upload.");
		return;
	}
	size_t off = 0;
	while (off < part.len) {
		ssize_t w = write(fd, part.data + off, part.len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(fd);
	if (off != part.len) {
		unlink(path);
		report_page(req, 500, NULL, "The server could not store the upload.");
		return;
	}
	struct multipart_part flag;
	const char *ct = http_header(req, "Content-Type");
	const struct account *acc = &req->session->account;
	char source[300];
	snprintf(source, sizeof source, "upload %s",
		 part.filename[0] ? part.filename : "roster.zip");
	struct oneroster_options opts = {
		.strict = multipart_find(ct, req->body.data, req->body.len, "strict", &flag) ==
			  EB_OK,
		.allow_large_removal = multipart_find(ct, req->body.data, req->body.len,
						      "allow_large_removal", &flag) == EB_OK,
		.removal_limit = 0.10,
		.source = source,
		.actor_user_id = acc->id,
		.actor = acc->display_name[0] ? acc->display_name : acc->login,
	};
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	int64_t d = acc->district_id;
	rc = oneroster_import_path_opts(req->db, d, path, &opts, &rep);
	unlink(path);
	struct audit_actor who = auth_actor(req);
	if (rc == EB_ECONFLICT) {
		audit_record(req->db, d, &who, "import_rejected", "roster", part.filename,
			     "OneRoster upload stopped: large removal");
		report_page(req, 409, &rep,
			    "The import was stopped before anything changed: it would remove "
			    "more than 10 % of the district's roster (below). If the export is "
			    "complete, tick \"Allow a large removal\" and upload it again.");
	} else if (rc) {
		audit_record(req->db, d, &who, "import_rejected", "roster", part.filename,
			     "OneRoster upload rejected");
		report_page(req, rc == EB_EPARSE || rc == EB_EIO || rc == EB_ETOOBIG ? 400 : 500,
			    &rep,
			    "The upload was rejected; nothing was changed. Fix the errors below "
			    "and upload again.");
	} else {
		audit_record(req->db, d, &who, "import", "roster", part.filename,
			     "OneRoster upload");
		report_page(req, 200, &rep,
			    rep.naside || rep.nwaiting
				    ? "The roster was imported; some rows were set aside or wait "
				      "(below)."
				    : "The roster was imported.");
	}
	oneroster_report_free(&rep);
}
