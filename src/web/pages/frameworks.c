/* The district's standards frameworks (docs/case.md): the Common Core
 * catalog built in, and every CASE package the district imported, with how
 * much of each counts for a Common Core standard (the crosswalk), the
 * district's primary framework, one framework's items, and the upload of a
 * package (the same importer as `edbridge import case`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/case_provider.h"
#include "domain/frameworks.h"
#include "domain/standards.h"
#include "ingest/case_pkg.h"
#include "ingest/case_refetch.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/html.h"
#include "web/http.h"
#include "web/multipart.h"
#include "web/page.h"
#include "web/pages/frameworks.h"
#include "web/router.h"

/* the items one page shows (the biggest state catalogues have a few thousand) */
#define ITEMS_MAX 6000

static bool can_edit(struct http_request *req)
{
	unsigned m = req->session ? req->session->account.role_mask : 0;
	return (m & (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_COORDINATOR))) != 0;
}

static void upload_form(struct http_request *req)
{
	struct buf *b = &req->out;
	html_raw(b, "<h2>Import a framework</h2>"
		    "<p>Upload a CASE package (<code>CFPackage</code> JSON, CASE 1.0 or 1.1, as a"
		    " state's or a publisher's CASE server exports it; up to 16 MB). A package"
		    " imported before is updated in place. A package with an error is refused"
		    " whole and nothing changes. From a CASE server, use"
		    " <code>edbridge import case URL</code> on the server.</p>"
		    "<form class=\"stack\" method=\"post\" action=\"/frameworks/import\" "
		    "enctype=\"multipart/form-data\">");
	page_csrf_field(req);
	html_raw(b, "<div><label for=\"file\">CASE package (.json)</label><input id=\"file\""
		    " name=\"file\" type=\"file\" accept=\".json,application/json\" required></div>"
		    "<div><button type=\"submit\">Import</button></div></form>");
}

/* The saved CASE providers, each with its "Fetch again" button (a dl per
 * provider: readable at 375 px). The secret is never shown, only whether
 * one is sealed. */
static void providers_section(struct http_request *req)
{
	struct buf *b = &req->out;
	struct case_provider_row *p = NULL;
	size_t n = 0;
	html_raw(b, "<h2>CASE providers</h2>");
	if (case_provider_list(req->db, req->session->account.district_id, &req->arena, &p, &n)) {
		html_raw(b, "<p>The saved providers could not be read. Try again.</p>");
		return;
	}
	if (!n) {
		html_raw(b, "<p>No provider saved. Save one on the server with"
			    " <code>edbridge import case URL --save</code>; it can then be fetched"
			    " again from here.</p>");
		return;
	}
	html_raw(b, "<p>Fetching again replaces the framework's items with the provider's"
		    " current package, all at once; a package with an error changes nothing.</p>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<div class=\"record\"><dl><dt>Package</dt><dd class=\"code\">");
		html_text(b, p[i].package_url);
		html_raw(b, "</dd><dt>Framework</dt><dd>");
		if (p[i].framework_id) {
			html_raw(b, "<a href=\"/frameworks/");
			html_int(b, p[i].framework_id);
			html_raw(b, "\">");
			html_text(b, p[i].framework_title);
			html_raw(b, "</a>");
		} else {
			html_raw(b, "Deleted since; fetching again imports it anew");
		}
		html_raw(b, "</dd><dt>Sign-in</dt><dd>");
		if (p[i].token_url[0]) {
			html_raw(b, "Client ");
			html_text(b, p[i].client_id);
			html_raw(b, p[i].has_secret ? ", secret sealed" : ", no secret");
		} else {
			html_raw(b, "None (a public package)");
		}
		html_raw(b, "</dd><dt>Last fetched</dt><dd>");
		page_time(req, p[i].fetched_at ? p[i].fetched_at : p[i].saved_at);
		html_raw(b, "</dd></dl><form method=\"post\" action=\"/frameworks/providers/");
		html_int(b, p[i].id);
		html_raw(b, "/fetch\">");
		page_csrf_field(req);
		html_raw(b, "<button type=\"submit\">Fetch again</button></form></div>");
	}
}

static void coverage(struct buf *b, int64_t mapped, int64_t items)
{
	html_int(b, mapped);
	html_raw(b, " of ");
	html_int(b, items);
	if (items > 0)
		html_textf(b, " (%lld%%)", (long long)(mapped * 100 / items));
}

static void list_page(struct http_request *req, int status, const char *kind, const char *msg,
		      const char *errors)
{
	struct buf *b = &req->out;
	int64_t d = req->session->account.district_id;
	struct framework_row *fs = NULL;
	size_t n = 0;
	int64_t primary = 0;
	if (frameworks_list(req->db, d, &req->arena, &fs, &n) ||
	    frameworks_primary(req->db, d, &primary)) {
		page_error(req, 500, "Server error", "The frameworks could not be read.");
		return;
	}
	req->status = status;
	page_begin(req, "Standards frameworks");
	if (msg)
		page_notice(req, kind, msg);
	if (errors && *errors) {
		html_raw(b, "<h2>Problems in the package</h2><ul class=\"code\">");
		for (const char *p = errors; *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);
			html_raw(b, "<li>");
			html_text(b, arena_strndup(&req->arena, p, len));
			html_raw(b, "</li>");
			p += len + (nl ? 1 : 0);
		}
		html_raw(b, "</ul>");
	}
	html_raw(b,
		 "<p>Evidence is kept against the Common Core standards. An item of another"
		 " framework counts for the Common Core standards it is tied to in its package"
		 " (<em>exact match</em>, or failing that <em>related</em>); an item with no such"
		 " tie has mastery of its own. <em>Precedes</em> links add prerequisites to"
		 " the coherence map's. The primary framework's codes name the standards on"
		 " the standards, mastery and groups pages and in their downloads.</p>");
	unsigned m = req->session->account.role_mask;
	if (m &
	    (ROLE_BIT(ROLE_DISTRICT_ADMIN) | ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_TEACHER)))
		html_raw(b, "<p>Scores from the SIS's gradebook, with their learning objectives in"
			    " these frameworks' words, are on the <a href=\"/gradebook\">gradebook"
			    " page</a>.</p>");
	page_scroll_begin(req, "Frameworks");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Framework</th><th scope=\"col\">Publisher"
		    "</th><th scope=\"col\">Items</th><th scope=\"col\">Count for a Common Core "
		    "standard</th><th scope=\"col\">Imported</th><th scope=\"col\">Primary</th>"
		    "</tr></thead><tbody>"
		    "<tr><td><a href=\"/standards\">Common Core State Standards for Mathematics</a>"
		    " (built in)</td><td>NGA Center and CCSSO</td><td>");
	html_int(b, (int64_t)standards_count());
	html_raw(b, "</td><td>all</td><td></td><td>");
	html_raw(b, primary == 0 ? "Yes" : "");
	html_raw(b, "</td></tr>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td><a href=\"/frameworks/");
		html_int(b, fs[i].id);
		html_raw(b, "\">");
		html_text(b, fs[i].title);
		html_raw(b, "</a>");
		if (fs[i].adoption_status[0]) {
			html_raw(b, " <span class=\"muted\">(");
			html_text(b, fs[i].adoption_status);
			html_raw(b, ")</span>");
		}
		html_raw(b, "</td><td>");
		html_text(b, fs[i].publisher[0] ? fs[i].publisher : fs[i].creator);
		html_raw(b, "</td><td>");
		html_int(b, fs[i].items);
		html_raw(b, "</td><td>");
		coverage(b, fs[i].mapped, fs[i].items);
		html_raw(b, "</td><td>");
		page_time(req, fs[i].imported_at);
		html_raw(b, "</td><td>");
		html_raw(b, fs[i].primary ? "Yes" : "");
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	if (can_edit(req)) {
		html_raw(b, "<h2>Primary framework</h2><form class=\"stack\" method=\"post\""
			    " action=\"/frameworks/primary\">");
		page_csrf_field(req);
		html_raw(b,
			 "<div><label for=\"framework\">Framework the standards pages speak"
			 "</label><select id=\"framework\" name=\"framework\"><option value=\"0\">"
			 "Common Core State Standards for Mathematics</option>");
		for (size_t i = 0; i < n; i++) {
			html_raw(b, "<option value=\"");
			html_int(b, fs[i].id);
			html_raw(b, fs[i].primary ? "\" selected>" : "\">");
			html_text(b, fs[i].title);
			html_raw(b, "</option>");
		}
		html_raw(b, "</select></div><div><button type=\"submit\">Save</button></div>"
			    "</form>");
		upload_form(req);
		providers_section(req);
	}
	page_end(req);
}

void page_frameworks(struct http_request *req)
{
	list_page(req, 200, NULL, NULL, NULL);
}

void page_framework(struct http_request *req)
{
	struct buf *b = &req->out;
	int64_t d = req->session->account.district_id, id;
	struct framework_row f;
	if (cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    frameworks_get(req->db, d, id, &req->arena, &f)) {
		page_error(req, 404, "Not found", "No such framework in this district.");
		return;
	}
	struct framework_item_row *rows = NULL;
	size_t n = 0;
	if (frameworks_items(req->db, d, id, ITEMS_MAX, &req->arena, &rows, &n)) {
		page_error(req, 500, "Server error", "The framework could not be read.");
		return;
	}
	page_begin(req, f.title);
	html_raw(b, "<p><a href=\"/frameworks\">All frameworks</a></p><dl>");
	html_raw(b, "<dt>Publisher</dt><dd>");
	html_text(b, f.publisher[0] ? f.publisher : f.creator[0] ? f.creator : "not given");
	html_raw(b, "</dd><dt>Status</dt><dd>");
	html_text(b, f.adoption_status[0] ? f.adoption_status : "not given");
	html_raw(b, "</dd><dt>Last changed by its publisher</dt><dd>");
	html_text(b, f.last_change[0] ? f.last_change : "not given");
	html_raw(b, "</dd><dt>Items that count for a Common Core standard</dt><dd>");
	coverage(b, f.mapped, f.items);
	html_raw(b, "</dd></dl>");
	if (f.mapped < f.items)
		html_raw(b, "<p>Items with no Common Core standard beside them have no exact or"
			    " related match in the package: evidence tagged with them is not"
			    " counted, and they do not appear in mastery or groups.</p>");
	if ((size_t)f.items > n) {
		html_raw(b, "<p>");
		html_textf(b, "The first %zu items are shown.", n);
		html_raw(b, "</p>");
	}
	page_scroll_begin(req, "Items");
	html_raw(b, "<table><thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Statement"
		    "</th><th scope=\"col\">Type</th><th scope=\"col\">Grades</th>"
		    "<th scope=\"col\">Counts for</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		html_raw(b, "<tr><td class=\"code\">");
		html_text(b, rows[i].code);
		html_raw(b, "</td><td");
		if (rows[i].depth > 0) {
			html_raw(b, " class=\"fw-d");
			html_int(b, rows[i].depth > 6 ? 6 : rows[i].depth);
			html_raw(b, "\"");
		}
		html_raw(b, ">");
		/* statements may carry markup from their publisher: shown as text */
		html_text(b, rows[i].statement);
		html_raw(b, "</td><td>");
		html_text(b, rows[i].item_type);
		html_raw(b, "</td><td>");
		html_text(b, rows[i].grades);
		html_raw(b, "</td><td class=\"code\">");
		html_text(b, rows[i].ccss);
		html_raw(b, "</td></tr>");
	}
	html_raw(b, "</tbody></table></div>");
	page_end(req);
}

void page_frameworks_primary(struct http_request *req)
{
	if (!can_edit(req)) {
		page_error(req, 403, "Forbidden",
			   "Only district administrators and coordinators choose the primary "
			   "framework.");
		return;
	}
	int64_t d = req->session->account.district_id, id;
	const char *v = http_form(req, "framework");
	if (!v || cstr_to_i64(v, 0, INT64_MAX, &id)) {
		list_page(req, 400, "error", "framework: choose one of the list.", NULL);
		return;
	}
	enum eb_err rc =
		frameworks_set_primary(req->db, d, id, req->session->account.id, time_now());
	if (rc == EB_ENOTFOUND) {
		list_page(req, 400, "error", "framework: no such framework in this district.",
			  NULL);
		return;
	}
	if (rc) {
		page_error(req, 500, "Server error", "The choice could not be saved.");
		return;
	}
	struct audit_actor who = auth_actor(req);
	audit_record(req->db, d, &who, "update", "framework_primary", v,
		     id ? "primary standards framework chosen"
			: "primary standards framework: the Common Core");
	http_redirect(req, "/frameworks");
}

void page_frameworks_import(struct http_request *req)
{
	if (!can_edit(req)) {
		page_error(req, 403, "Forbidden",
			   "Only district administrators and coordinators import frameworks.");
		return;
	}
	struct multipart_part part;
	enum eb_err rc = multipart_find(http_header(req, "Content-Type"), req->body.data,
					req->body.len, "file", &part);
	if (rc || part.len == 0) {
		list_page(req, 400, "error", "file: choose the CASE package (.json) to upload.",
			  NULL);
		return;
	}
	const char *label = part.filename[0] ? part.filename : "upload.json";
	struct buf errs;
	buf_init(&errs, 64 << 10);
	struct case_pkg_result res;
	int64_t d = req->session->account.district_id;
	rc = case_pkg_import(req->db, d, part.data, part.len, label, req->session->account.id,
			     time_now(), &res, &errs);
	struct audit_actor who = auth_actor(req);
	if (rc) {
		audit_record(req->db, d, &who, "import_rejected", "framework", label,
			     "CASE package rejected");
		list_page(req, rc == EB_ENOMEM || rc == EB_EDB ? 500 : 400, "error",
			  "The package was refused; nothing was changed. Fix the problems below"
			  " and upload again.",
			  buf_cstr(&errs));
	} else {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)res.framework_id);
		audit_record(req->db, d, &who, "import", "framework", id,
			     res.updated ? "CASE package re-imported" : "CASE package imported");
		char *msg = arena_printf(&req->arena,
					 "%s: %s, %zu items, %lld of them count for a Common Core "
					 "standard.",
					 res.title, res.updated ? "updated" : "imported",
					 res.stats.items, (long long)res.mapped);
		list_page(req, 200, "ok", msg, NULL);
	}
	buf_free(&errs);
}

void page_frameworks_provider_fetch(struct http_request *req)
{
	if (!can_edit(req)) {
		page_error(req, 403, "Forbidden",
			   "Only district administrators and coordinators import frameworks.");
		return;
	}
	int64_t d = req->session->account.district_id, id;
	struct case_provider_row p;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    case_provider_find(req->db, d, req->params[0], &p)) {
		page_error(req, 404, "Not found", "No such CASE provider in this district.");
		return;
	}
	struct buf errs;
	buf_init(&errs, 64 << 10);
	struct case_pkg_result res;
	char why[512];
	enum eb_err rc = case_refetch(req->db, d, &p, NULL, req->session->account.id, time_now(),
				      &res, &errs, why, sizeof why);
	struct audit_actor who = auth_actor(req);
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)p.id);
	if (rc) {
		audit_record(req->db, d, &who, "import_rejected", "case_provider", sid,
			     "CASE provider fetched again: refused, nothing changed");
		/* the provider's fault (unreachable, refused, a bad package): 502;
		 * ours (database, memory): 500 */
		int status = rc == EB_ENOMEM || rc == EB_EDB ? 500 : 502;
		char *msg = arena_printf(&req->arena, "%s: %s.", p.package_url, why);
		list_page(req, status, "error", msg ? msg : "The fetch failed; nothing changed.",
			  buf_cstr(&errs));
	} else {
		char fid[24];
		snprintf(fid, sizeof fid, "%lld", (long long)res.framework_id);
		audit_record(req->db, d, &who, "import", "framework", fid,
			     "CASE package fetched again from its saved provider");
		char *msg =
			arena_printf(&req->arena,
				     "%s: fetched again, %s, %zu items, %lld of them count for a"
				     " Common Core standard.",
				     res.title, res.updated ? "updated" : "imported",
				     res.stats.items, (long long)res.mapped);
		list_page(req, 200, "ok", msg, NULL);
	}
	buf_free(&errs);
}
