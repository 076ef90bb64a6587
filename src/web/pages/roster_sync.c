/* Roster sync from the SIS (docs/oneroster_sync.md):
 *   /admin/roster-sync              the saved OneRoster REST sources, the form to
 *                                   add one (?edit=ID: to change one), the last runs
 *   /admin/roster-sync/add          a new source (its secret sealed)
 *   /admin/roster-sync/:id/edit     a source changed (the secret kept unless replaced)
 *   /admin/roster-sync/:id/remove   a source removed, with its runs' history
 *   /admin/roster-sync/:id/run      "Sync now" (a full sync, or only the changes)
 * Sources are also saved with `edbridge sync oneroster --save`, which alone
 * sets a CA file (a server path). The secret is never shown back: only
 * that one is set. A run goes on in the background: the page comes back at
 * once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/str.h"
#include "domain/audit.h"
#include "domain/roster_source.h"
#include "ingest/oneroster_rest.h"
#include "ingest/oneroster_sync.h"
#include "store/db.h"
#include "web/auth.h"
#include "web/form.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

/* one run at a time per server: a second click waits for the first */
static atomic_bool sync_running;

struct sync_job {
	char db_path[1024];
	int64_t district, source, account;
	bool delta;
	char label[128];
};

static void *sync_job_main(void *arg)
{
	struct sync_job *j = arg;
	struct db *db;
	char err[256], why[512] = "";
	if (db_open(j->db_path, 0, &db, err, sizeof err) == EB_OK) {
		struct oneroster_report rep;
		struct oneroster_sync_result res;
		oneroster_report_init(&rep);
		if (oneroster_sync_source(db, j->district, j->source, j->delta, j->account,
					  j->label, NULL, &res, &rep, why, sizeof why))
			log_warn("roster sync: district %lld: %s", (long long)j->district, why);
		oneroster_report_free(&rep);
		db_close(db);
	} else {
		log_error("roster sync: %s", err);
	}
	free(j);
	atomic_store(&sync_running, false);
	return NULL;
}

static const struct form_label source_labels[] = {
	{ "url", NULL, "Service URL" },		  { "token_url", NULL, "Token URL" },
	{ "client_id", NULL, "Client id" },	  { "secret", NULL, "Client secret" },
	{ "version", NULL, "OneRoster version" }, { "hour", NULL, "Hour of the nightly sync" },
};
#define NSOURCE_LABELS (sizeof source_labels / sizeof source_labels[0])

/* The add form (edit 0) or the edit form of source *edit; reshow: the
 * submitted values, else the source's (the secret never). */
static void source_form(struct http_request *req, const struct form_errors *fe, bool reshow,
			const struct roster_source *edit)
{
	struct buf *b = &req->out;
	char hour[8];
	snprintf(hour, sizeof hour, "%d", edit ? edit->hour : 2);
	html_raw(b, edit ? "<h2 id=\"source-form\">Change a source</h2>"
			 : "<h2 id=\"source-form\">Add a source</h2>");
	form_errors_summary(req, fe, source_labels, NSOURCE_LABELS);
	html_raw(b, "<form class=\"stack\" method=\"post\" action=\"/admin/roster-sync/");
	if (edit) {
		html_int(b, edit->id);
		html_raw(b, "/edit\">");
	} else {
		html_raw(b, "add\">");
	}
	page_csrf_field(req);
	form_input(req, fe, reshow, "url", "Service URL",
		   "https://; the SIS's OneRoster root, e.g. https://sis.example.org/ims/oneroster"
		   "/v1p1",
		   "url", edit ? edit->url : "");
	form_input(req, fe, reshow, "token_url", "Token URL",
		   "optional; empty: the service's /oauth/token", "url",
		   edit ? edit->token_url : "");
	form_input(req, fe, reshow, "client_id", "Client id", NULL, "text",
		   edit ? edit->client_id : "");
	form_input(req, fe, false, "secret", "Client secret",
		   edit ? "set; leave empty to keep it, type a new one to replace it"
			: "sealed when saved, never shown again",
		   "password", "");
	const char *v = form_value(req, reshow, "version", edit ? edit->version : "1.1");
	html_raw(b, "<div><label for=\"version\">OneRoster version</label><select id=\"version\""
		    " name=\"version\"");
	form_invalid_attrs(req, fe, "version");
	html_raw(b, ">");
	for (int i = 0; i < 2; i++) {
		const char *o = i ? "1.2" : "1.1";
		html_raw(b, "<option value=\"");
		html_raw(b, o);
		html_raw(b, strcmp(v, o) ? "\">" : "\" selected>");
		html_raw(b, o);
		html_raw(b, "</option>");
	}
	html_raw(b, "</select>");
	form_field_error(req, fe, "version");
	html_raw(b, "</div>");
	form_input(req, fe, reshow, "hour", "Hour of the nightly sync", "0 to 23, district time",
		   "number", hour);
	bool on = reshow ? http_form(req, "nightly") != NULL : (edit ? edit->enabled : true);
	html_raw(b, "<div class=\"check\"><input id=\"nightly\" name=\"nightly\""
		    " type=\"checkbox\" value=\"on\"");
	html_raw(b, on ? " checked>" : ">");
	html_raw(b, "<label for=\"nightly\">Sync each night</label></div><div><button"
		    " type=\"submit\">");
	html_raw(b, edit ? "Save changes" : "Add the source");
	html_raw(b, "</button>");
	if (edit)
		html_raw(b, " <a href=\"/admin/roster-sync\">Cancel</a>");
	html_raw(b, "</div></form>");
}

/* One source as a definition list with its buttons (readable at 375 px). */
static void source_record(struct http_request *req, const struct roster_source *s)
{
	struct buf *b = &req->out;
	html_raw(b, "<div class=\"record\"><dl><dt>Service</dt><dd class=\"code\">");
	html_text(b, s->url);
	html_raw(b, "</dd><dt>Version</dt><dd>OneRoster ");
	html_text(b, s->version);
	html_raw(b, "</dd><dt>Client id</dt><dd>");
	html_text(b, s->client_id);
	html_raw(b,
		 "</dd><dt>Secret</dt><dd>Set (sealed, never shown)</dd><dt>Each night</dt><dd>");
	if (s->enabled)
		html_textf(b, "At %02d:00", s->hour);
	else
		html_raw(b, "Off (runs only when asked)");
	html_raw(b, "</dd><dt>Last full sync</dt><dd>");
	if (s->last_full_at)
		page_time(req, s->last_full_at);
	else
		html_raw(b, "Never");
	html_raw(b, "</dd><dt>Last changes</dt><dd>");
	if (s->last_delta_at)
		page_time(req, s->last_delta_at);
	else
		html_raw(b, "Never");
	html_raw(b, "</dd></dl>");
	static const char *const actions[][2] = { { "run", "Sync now" },
						  { "run", "Sync changes only" },
						  { "remove", "Remove" } };
	for (size_t k = 0; k < 3; k++) {
		html_raw(b, "<form method=\"post\" action=\"/admin/roster-sync/");
		html_int(b, s->id);
		html_raw(b, "/");
		html_raw(b, actions[k][0]);
		html_raw(b, "\">");
		page_csrf_field(req);
		if (k == 1)
			html_raw(b, "<input type=\"hidden\" name=\"mode\" value=\"delta\">");
		html_raw(b, "<button type=\"submit\">");
		html_raw(b, actions[k][1]);
		html_raw(b, "</button></form>");
	}
	html_raw(b, "<a href=\"/admin/roster-sync?edit=");
	html_int(b, s->id);
	html_raw(b, "#source-form\">Change</a></div>");
}

/* The page; fe/reshow: a refused form shown again (edit_id 0: the add
 * form); without one, ?edit=ID picks the form. */
static void sync_page_form(struct http_request *req, int status, const char *error, const char *ok,
			   const struct form_errors *fe, bool reshow, int64_t edit_id);

static void sync_page(struct http_request *req, int status, const char *error, const char *ok)
{
	int64_t edit = 0;
	const char *e = http_query(req, "edit");
	if (e && cstr_to_i64(e, 1, INT64_MAX, &edit))
		edit = 0;
	sync_page_form(req, status, error, ok, NULL, false, edit);
}

static void sync_page_form(struct http_request *req, int status, const char *error, const char *ok,
			   const struct form_errors *fe, bool reshow, int64_t edit_id)
{
	static const struct form_errors none;
	if (!fe)
		fe = &none;
	int64_t d = req->session->account.district_id;
	struct roster_source *s = NULL;
	struct roster_sync_run *r = NULL;
	size_t ns = 0, nr = 0;
	struct buf *b = &req->out;

	req->status = status;
	page_begin(req, "Roster sync from the SIS");
	if (error)
		page_notice(req, "error", error);
	else if (ok)
		page_notice(req, "ok", ok);
	html_raw(b, "<p>edbridge reads the roster from the student information system's"
		    " OneRoster service each night, and here when you ask. Nothing changes unless"
		    " the whole roster arrived; the checks of a <a href=\"/admin/import\">roster"
		    " upload</a> apply. Gradebook results it brings are on the"
		    " <a href=\"/gradebook\">gradebook page</a>.</p><h2>Sources</h2>");
	if (roster_source_list(req->db, d, &req->arena, &s, &ns)) {
		html_raw(b, "<p>The sources could not be read. Try again.</p>");
	} else if (ns == 0) {
		html_raw(b, "<p>No source yet: add the SIS's OneRoster service below (or on the"
			    " server with <code>edbridge sync oneroster --url URL --client-id ID"
			    " --save</code>).</p>");
	} else {
		for (size_t i = 0; i < ns; i++)
			source_record(req, &s[i]);
	}
	struct roster_source edit;
	bool editing = edit_id && roster_source_get(req->db, d, edit_id, &edit) == EB_OK;
	source_form(req, fe, reshow, editing ? &edit : NULL);
	html_raw(b, "<h2>Last runs</h2>");
	if (roster_source_runs(req->db, d, 20, &req->arena, &r, &nr)) {
		html_raw(b, "<p>The runs could not be read. Try again.</p>");
	} else if (nr == 0) {
		html_raw(b, "<p>No run yet.</p>");
	} else {
		page_scroll_begin(req, "Last roster sync runs");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Started</th><th scope=\"col\">"
			    "Kind</th><th scope=\"col\">Who</th><th scope=\"col\">Records</th>"
			    "<th scope=\"col\">Result</th></tr></thead><tbody>");
		for (size_t i = 0; i < nr; i++) {
			html_raw(b, "<tr><td>");
			page_time(req, r[i].started_at);
			html_raw(b, "</td><td>");
			html_raw(b, strcmp(r[i].mode, "delta") ? "Full" : "Changes only");
			html_raw(b, "</td><td>");
			html_text(b, r[i].actor_label);
			html_raw(b, "</td><td>");
			html_int(b, r[i].objects);
			html_raw(b, "</td><td>");
			if (r[i].ok) {
				html_raw(b, "Applied");
			} else {
				html_raw(b, "Failed, nothing changed: ");
				html_text(b, r[i].reason);
			}
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
	page_end(req);
}

void page_admin_roster_sync(struct http_request *req)
{
	sync_page(req, 200, NULL, NULL);
}

void page_admin_roster_sync_run(struct http_request *req)
{
	int64_t d = req->session->account.district_id, id = 0;
	struct roster_source s;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    roster_source_get(req->db, d, id, &s) != EB_OK) {
		page_error(req, 404, "Not found", "This roster source does not exist.");
		return;
	}
	const char *mode = http_form(req, "mode");
	bool delta = mode && !strcmp(mode, "delta");
	/* the job's own connection to this same database: the file on SQLite,
	 * the URL on PostgreSQL (db_file is empty there) */
	const char *path = db_shared_name(req->db);
	struct sync_job *j = calloc(1, sizeof *j);
	if (!j || !*path || strlen(path) >= sizeof j->db_path) {
		free(j);
		sync_page(req, 503, "The sync could not be started. Try again.", NULL);
		return;
	}
	bool was = false;
	if (!atomic_compare_exchange_strong(&sync_running, &was, true)) {
		free(j);
		sync_page(req, 409, "A sync is already running. Look again in a minute.", NULL);
		return;
	}
	snprintf(j->db_path, sizeof j->db_path, "%s", path);
	snprintf(j->label, sizeof j->label, "%s",
		 req->session->account.display_name[0] ? req->session->account.display_name
						       : req->session->account.login);
	j->district = d;
	j->source = id;
	j->account = req->session->account.id;
	j->delta = delta;
	pthread_t t;
	if (pthread_create(&t, NULL, sync_job_main, j)) {
		free(j);
		atomic_store(&sync_running, false);
		sync_page(req, 503, "The sync could not be started. Try again.", NULL);
		return;
	}
	pthread_detach(t);
	struct audit_actor who = auth_actor(req);
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	audit_record(req->db, d, &who, "sync", "roster_source", sid,
		     delta ? "roster sync (changes only) started" : "roster sync started");
	sync_page(req, 202, NULL,
		  "The sync started. It takes from seconds to a few minutes: reload this page"
		  " to see it under Last runs.");
}

/* The source form as submitted into *s and *secret (NULL: none typed);
 * false with the errors in fe. */
static bool read_source(struct http_request *req, bool adding, struct roster_source *s,
			const char **secret, struct form_errors *fe)
{
	const char *url = http_form(req, "url"), *tok = http_form(req, "token_url");
	const char *cid = http_form(req, "client_id"), *sec = http_form(req, "secret");
	const char *ver = http_form(req, "version"), *hour = http_form(req, "hour");
	memset(s, 0, sizeof *s);
	snprintf(s->url, sizeof s->url, "%s", url ? url : "");
	snprintf(s->token_url, sizeof s->token_url, "%s", tok ? tok : "");
	snprintf(s->client_id, sizeof s->client_id, "%s", cid ? cid : "");
	snprintf(s->version, sizeof s->version, "%s", ver ? ver : "");
	s->enabled = http_form(req, "nightly") != NULL;
	*secret = sec && *sec ? sec : NULL;
	/* the transport rules of the sync itself (https, plain http only to
	 * this machine; no credentials in the URL) */
	struct oneroster_rest_config cfg = {
		.url = s->url, .token_url = s->token_url, .client_id = "x", .client_secret = "x"
	};
	struct oneroster_rest *c = NULL;
	char why[300];
	if (!s->url[0]) {
		form_error_add(fe, &req->arena, "url", "required: the SIS's OneRoster service");
	} else if (strlen(url) >= sizeof s->url || (tok && strlen(tok) >= sizeof s->token_url)) {
		form_error_add(fe, &req->arena, strlen(url) >= sizeof s->url ? "url" : "token_url",
			       "at most 1000 characters");
	} else if (oneroster_rest_new(&cfg, &c, why, sizeof why) == EB_OK) {
		oneroster_rest_free(c);
	} else if (!strncmp(why, "token url: ", 11)) {
		form_error_add(fe, &req->arena, "token_url", why + 11);
	} else {
		form_error_add(fe, &req->arena, "url", !strncmp(why, "url: ", 5) ? why + 5 : why);
	}
	if (!s->client_id[0] || (cid && strlen(cid) >= sizeof s->client_id))
		form_error_add(fe, &req->arena, "client_id",
			       "required: the client id the SIS gave (at most 512 characters)");
	if (adding && !*secret)
		form_error_add(fe, &req->arena, "secret", "required when adding a source");
	else if (*secret && strlen(*secret) > 4096)
		form_error_add(fe, &req->arena, "secret", "at most 4096 bytes");
	if (strcmp(s->version, "1.1") && strcmp(s->version, "1.2"))
		form_error_add(fe, &req->arena, "version", "1.1 or 1.2");
	int64_t h = 0;
	if (!hour || cstr_to_i64(hour, 0, 23, &h))
		form_error_add(fe, &req->arena, "hour", "a whole hour from 0 to 23");
	s->hour = (int)h;
	return fe->n == 0;
}

static void audit_source(struct http_request *req, const char *action, int64_t id, const char *what)
{
	struct audit_actor who = auth_actor(req);
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	audit_record(req->db, req->session->account.district_id, &who, action, "roster_source", sid,
		     what);
}

void page_admin_roster_sync_add(struct http_request *req)
{
	int64_t d = req->session->account.district_id, id = 0;
	struct roster_source s;
	const char *secret;
	struct form_errors fe = { 0 };
	if (!read_source(req, true, &s, &secret, &fe)) {
		sync_page_form(req, 400, NULL, NULL, &fe, true, 0);
		return;
	}
	char why[300] = "";
	enum eb_err rc = roster_source_save(req->db, d, &s, secret, &id, why, sizeof why);
	if (!rc && !s.enabled)
		rc = roster_source_set_enabled(req->db, d, id, false);
	if (rc == EB_EINVAL) {
		form_errors_parse(&fe, &req->arena, why);
		sync_page_form(req, 400, NULL, NULL, &fe, true, 0);
		return;
	}
	if (rc) {
		sync_page(req, 500, "The source could not be saved; nothing changed.", NULL);
		return;
	}
	audit_source(req, "create", id, "roster source added (secret sealed)");
	http_redirect(req, "/admin/roster-sync");
}

void page_admin_roster_sync_edit(struct http_request *req)
{
	int64_t d = req->session->account.district_id, id = 0;
	struct roster_source old, s;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id) ||
	    roster_source_get(req->db, d, id, &old) != EB_OK) {
		page_error(req, 404, "Not found", "This roster source does not exist.");
		return;
	}
	const char *secret;
	struct form_errors fe = { 0 };
	if (!read_source(req, false, &s, &secret, &fe)) {
		sync_page_form(req, 400, NULL, NULL, &fe, true, id);
		return;
	}
	char why[300] = "";
	enum eb_err rc = roster_source_update(req->db, d, id, &s, secret, why, sizeof why);
	if (rc == EB_EINVAL || rc == EB_EEXIST) {
		form_errors_parse(&fe, &req->arena, why);
		sync_page_form(req, 400, NULL, NULL, &fe, true, id);
		return;
	}
	if (rc) {
		sync_page(req, 500, "The source could not be saved; nothing changed.", NULL);
		return;
	}
	audit_source(req, "update", id,
		     secret ? "roster source changed (secret replaced)" : "roster source changed");
	http_redirect(req, "/admin/roster-sync");
}

void page_admin_roster_sync_remove(struct http_request *req)
{
	int64_t d = req->session->account.district_id, id = 0;
	if (req->nparams < 1 || cstr_to_i64(req->params[0], 1, INT64_MAX, &id)) {
		page_error(req, 404, "Not found", "This roster source does not exist.");
		return;
	}
	enum eb_err rc = roster_source_remove(req->db, d, id);
	if (rc == EB_ENOTFOUND) {
		page_error(req, 404, "Not found", "This roster source does not exist.");
		return;
	}
	if (rc) {
		sync_page(req, 500, "The source could not be removed; nothing changed.", NULL);
		return;
	}
	audit_source(req, "delete", id, "roster source removed");
	http_redirect(req, "/admin/roster-sync");
}
