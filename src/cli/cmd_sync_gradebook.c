/* `edbridge sync gradebook --url URL --client-id ID ...`: a district's
 * OneRoster 1.2 Gradebook pulled from its provider's REST service
 * (docs/gradebook.md). */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "cli/cli.h"
#include "cli/gradebook_sync.h"
#include "domain/roster_source.h"
#include "domain/tools.h"
#include "domain/vault.h"
#include "ingest/oneroster_gradebook.h"
#include "ingest/oneroster_rest.h"
#include "store/db.h"

#define GRADEBOOK_SCOPE "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly"

/* Prints the outcome; the exit status. */
static int report(enum eb_err rc, struct buf *errs, struct buf *lines,
		  const struct gradebook_report *rep, const char *why)
{
	if (rc == EB_EPARSE && errs->len) {
		fputs(buf_cstr(errs), stderr);
		fprintf(stderr, "sync gradebook: refused, nothing stored\n");
		return 1;
	}
	if (rc) {
		fprintf(stderr, "sync gradebook: %s; nothing stored\n",
			why[0] ? why : eb_strerror(rc));
		return 1;
	}
	struct buf counts = BUF_INIT;
	gradebook_report_counts(rep, &counts);
	fputs(buf_cstr(&counts), stdout);
	buf_free(&counts);
	if (lines->len)
		fputs(buf_cstr(lines), stdout);
	return 0;
}

enum eb_err gradebook_sync_saved(struct db *db, int64_t district_id, int64_t source_id,
				 int64_t tool_id, const char *filter, struct buf *errs,
				 struct gradebook_report *rep, char *why, size_t cap)
{
	struct roster_source s;
	enum eb_err rc = roster_source_get(db, district_id, source_id, &s);
	if (rc)
		return eb_say(why, cap, rc,
			      rc == EB_ENOTFOUND ? "no saved OneRoster source (save one with `sync "
						   "oneroster --url URL --client-id ID --save`)"
						 : "the saved sources cannot be read");
	if (strcmp(s.version, "1.2"))
		return eb_say(why, cap, EB_ENOTSUP,
			      "the saved source speaks OneRoster 1.1, which has no Gradebook "
			      "service");
	struct buf secret = BUF_INIT;
	if ((rc = roster_source_secret(db, &s, &secret))) {
		vault_wipe(&secret);
		return eb_say(why, cap, rc, "the saved source's secret cannot be unsealed");
	}
	/* its rostering root becomes the Gradebook root beside it */
	char url[sizeof s.url + 16];
	const char *r = strstr(s.url, "/rostering/");
	if (r)
		snprintf(url, sizeof url, "%.*s/gradebook/%s", (int)(r - s.url), s.url,
			 r + strlen("/rostering/"));
	else
		snprintf(url, sizeof url, "%s", s.url);
	struct oneroster_rest_config cfg = {
		.url = url,
		.token_url = s.token_url[0] ? s.token_url : NULL,
		.client_id = s.client_id,
		.client_secret = buf_cstr(&secret),
		.scope = GRADEBOOK_SCOPE,
		.ca_file = s.ca_file[0] ? s.ca_file : NULL,
		.version = 12,
	};
	struct oneroster_rest *c = NULL;
	rc = oneroster_rest_new(&cfg, &c, why, cap);
	if (rc == EB_OK)
		rc = oneroster_gradebook_sync(db, district_id, tool_id, c, filter, errs, rep, why,
					      cap);
	oneroster_rest_free(c);
	vault_wipe(&secret);
	return rc;
}

void gradebook_sync_nightly(struct db *db, int64_t district_id, int64_t source_id)
{
	struct buf errs = BUF_INIT;
	struct gradebook_report rep = { 0 };
	char why[512] = "";
	enum eb_err rc = gradebook_sync_saved(db, district_id, source_id, 0, NULL, &errs, &rep, why,
					      sizeof why);
	if (rc == EB_ENOTFOUND)
		log_info("serve: district %lld: the OneRoster source has no Gradebook service",
			 (long long)district_id);
	else if (rc)
		log_error("serve: district %lld gradebook sync: %s", (long long)district_id,
			  rc == EB_EPARSE ? "refused (run `edbridge sync gradebook` to see why)"
					  : why);
	else
		log_info("serve: district %lld gradebook synced: %zu results stored, %zu "
			 "unchanged, %zu set aside",
			 (long long)district_id, rep.results, rep.unchanged, rep.set_aside);
	buf_free(&errs);
}

int sync_gradebook(int argc, char **argv, bool (*read_secret)(int, char **, struct buf *))
{
	if (cli_help(argc, argv,
		     "usage: edbridge sync gradebook --url URL --client-id ID\n"
		     "           [--client-secret-file F | secret on stdin] [--token-url URL]\n"
		     "           [--ca-file F] [--since ISO] [--tool TOOL] [--retries N]\n"
		     "           [--page-size N] [--timeout S] [--district-id N]\n"
		     "       edbridge sync gradebook [--source ID] [--since ISO] [--tool TOOL] "
		     "...\n\n"
		     "Pulls the district's OneRoster 1.2 Gradebook (line items and results) from\n"
		     "its provider's REST service (URL: the Gradebook service root\n"
		     ".../ims/oneroster/gradebook/v1p2, or the host) with OAuth 2.0 client\n"
		     "credentials (scope gradebook.readonly), and stores it as `import\n"
		     "gradebook` does: each fully graded result becomes evidence for mastery.\n"
		     "Nothing is stored unless every page of both collections arrived and every\n"
		     "object could be read (errors name the JSON path). --since ISO pulls only\n"
		     "what changed after that time (filter=dateLastModified>ISO). The secret is\n"
		     "read from stdin or a file, never from the command line. The second form\n"
		     "uses a OneRoster 1.2 source saved by `sync oneroster --save` (its\n"
		     ".../rostering/v1p2 root becomes .../gradebook/v1p2, its sealed secret).\n"))
		return 0;
	struct db *db = NULL;
	struct buf secret = BUF_INIT, errs = BUF_INIT, lines = BUF_INIT;
	struct oneroster_rest *c = NULL;
	char why[512] = "", filter[128] = "";
	int64_t district, retries, page, timeout;
	int status = 1;
	if (cli_opt_int(argc, argv, "--retries", 0, 20, 4, &retries) ||
	    cli_opt_int(argc, argv, "--page-size", 1, 100000, 1000, &page) ||
	    cli_opt_int(argc, argv, "--timeout", 1, 3600, 30, &timeout)) {
		status = 2;
		goto out;
	}
	const char *url = cli_opt(argc, argv, "--url");
	const char *id = cli_opt(argc, argv, "--client-id");
	const char *since = cli_opt(argc, argv, "--since");
	const char *tname = cli_opt(argc, argv, "--tool");
	int64_t source;
	if (cli_opt_int(argc, argv, "--source", 1, INT64_MAX, 0, &source)) {
		status = 2;
		goto out;
	}
	if (url ? !id || source : id != NULL) {
		fprintf(stderr,
			"sync gradebook: --url URL with --client-id ID, or a saved OneRoster "
			"source (--source ID, default the first)\n");
		status = 2;
		goto out;
	}
	if (since && (strlen(since) > 64 || strchr(since, '\''))) {
		fprintf(stderr, "sync gradebook: --since: an ISO 8601 time such as "
				"2026-01-01T00:00:00Z\n");
		status = 2;
		goto out;
	}
	if (since)
		snprintf(filter, sizeof filter, "dateLastModified>'%s'", since);
	if (cli_open_db(argc, argv, false, &db) || cli_district(argc, argv, db, &district))
		goto out;
	struct tool t = { 0 };
	if (tname && tools_find(db, district, tname, &t)) {
		fprintf(stderr,
			"sync gradebook: --tool: no tool '%s' in this district (see `edbridge "
			"tool list`)\n",
			tname);
		goto out;
	}
	if (!url) {
		struct gradebook_report srep = { .out = &lines };
		enum eb_err e = gradebook_sync_saved(db, district, source, t.id,
						     since ? filter : NULL, &errs, &srep, why,
						     sizeof why);
		status = report(e, &errs, &lines, &srep, why);
		goto out;
	}
	if (!read_secret(argc, argv, &secret))
		goto out;
	struct oneroster_rest_config cfg = {
		.url = url,
		.token_url = cli_opt(argc, argv, "--token-url"),
		.client_id = id,
		.client_secret = buf_cstr(&secret),
		.scope = GRADEBOOK_SCOPE,
		.ca_file = cli_opt(argc, argv, "--ca-file"),
		.version = 12,
		.retries = retries ? (int)retries : -1,
		.page_size = (long)page,
		.timeout_ms = (long)timeout * 1000,
	};
	struct gradebook_report rep = { .out = &lines };
	enum eb_err rc = oneroster_rest_new(&cfg, &c, why, sizeof why);
	if (rc == EB_OK)
		rc = oneroster_gradebook_sync(db, district, t.id, c, since ? filter : NULL, &errs,
					      &rep, why, sizeof why);
	status = report(rc, &errs, &lines, &rep, why);
out:
	oneroster_rest_free(c);
	vault_wipe(&secret);
	buf_free(&errs);
	buf_free(&lines);
	if (db)
		db_close(db);
	return status;
}
