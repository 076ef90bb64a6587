/* Roster sync from the SIS (docs/oneroster_sync.md):
 *   /admin/roster-sync            the saved OneRoster REST sources and the last runs
 *   /admin/roster-sync/:id/run    "Sync now" (a full sync, or only the changes)
 * Sources are saved with `edbridge sync oneroster --save` (a CA file is a
 * server path, and the secret comes from a file or stdin); this page runs
 * them. A run goes on in the background: the page comes back at once. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/str.h"
#include "domain/audit.h"
#include "domain/roster_source.h"
#include "ingest/oneroster_sync.h"
#include "store/db.h"
#include "web/auth.h"
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

static void sync_page(struct http_request *req, int status, const char *error, const char *ok)
{
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
		    " upload</a> apply.</p><h2>Sources</h2>");
	if (roster_source_list(req->db, d, &req->arena, &s, &ns)) {
		html_raw(b, "<p>The sources could not be read. Try again.</p>");
	} else if (ns == 0) {
		html_raw(b,
			 "<p>No source yet. Your IT staff adds one on the server with"
			 " <code>edbridge sync oneroster --url URL --client-id ID --save</code>"
			 " (the secret is read from a file or typed in, never shown again).</p>");
	} else {
		page_scroll_begin(req, "Roster sources");
		html_raw(b, "<table><thead><tr><th scope=\"col\">Service</th><th scope=\"col\">"
			    "Version</th><th scope=\"col\">Client id</th><th scope=\"col\">Secret"
			    "</th><th scope=\"col\">Each night at</th><th scope=\"col\">Last full"
			    " sync</th><th scope=\"col\">Last changes</th><th scope=\"col\">"
			    "<span class=\"visually-hidden\">Sync</span></th></tr></thead><tbody>");
		for (size_t i = 0; i < ns; i++) {
			html_raw(b, "<tr><td>");
			html_text(b, s[i].url);
			html_raw(b, "</td><td>OneRoster ");
			html_text(b, s[i].version);
			html_raw(b, "</td><td>");
			html_text(b, s[i].client_id);
			html_raw(b, "</td><td>Sealed, never shown</td><td>");
			html_textf(b, "%02d:00", s[i].hour);
			html_raw(b, "</td><td>");
			if (s[i].last_full_at)
				page_time(req, s[i].last_full_at);
			else
				html_raw(b, "Never");
			html_raw(b, "</td><td>");
			if (s[i].last_delta_at)
				page_time(req, s[i].last_delta_at);
			else
				html_raw(b, "Never");
			for (int delta = 0; delta < 2; delta++) {
				html_raw(b, delta ? "" : "</td><td>");
				html_raw(b, "<form method=\"post\" action=\"/admin/roster-sync/");
				html_int(b, s[i].id);
				html_raw(b, "/run\">");
				page_csrf_field(req);
				html_raw(
					b,
					delta ? "<input type=\"hidden\" name=\"mode\""
						" value=\"delta\"><button type=\"submit\">"
						"Sync changes only</button></form>"
					      : "<button type=\"submit\">Sync now</button></form>");
			}
			html_raw(b, "</td></tr>");
		}
		html_raw(b, "</tbody></table></div>");
	}
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
