/* `edbridge sync oneroster ...` - pull a district's roster from its SIS's
 * OneRoster REST service (docs/oneroster_sync.md), and serve's nightly run of
 * the saved sources (roster_sync.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/log.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/gradebook_sync.h"
#include "cli/roster_sync.h"
#include "domain/district.h"
#include "domain/roster_source.h"
#include "domain/vault.h"
#include "ingest/oneroster_sync.h"
#include "store/db.h"

#define SECRET_MAX 4096

/* The secret from --client-secret-file or one line of stdin, without its
 * line end, into secret. false (reason printed) when there is none. */
static bool read_secret(int argc, char **argv, struct buf *secret)
{
	const char *file = cli_opt(argc, argv, "--client-secret-file");
	if (file) {
		size_t len;
		char *data = cli_read_file("sync oneroster", file, SECRET_MAX + 2, &len);
		if (!data)
			return false;
		while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
			len--;
		buf_put(secret, data, len);
		explicit_bzero(data, len);
		free(data);
	} else {
		char line[SECRET_MAX + 2];
		if (!fgets(line, sizeof line, stdin))
			line[0] = 0;
		size_t len = strlen(line);
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		buf_put(secret, line, len);
		explicit_bzero(line, sizeof line);
	}
	if (!secret->len || buf_failed(secret)) {
		fprintf(stderr, "sync oneroster: the client secret is required: one line on stdin "
				"or --client-secret-file F (never on the command line)\n");
		return false;
	}
	return true;
}

static void print_result(const struct oneroster_sync_result *res, enum eb_err rc, const char *why)
{
	if (rc)
		fprintf(stderr, "sync oneroster: %s\n", why);
	printf("fetched:");
	for (size_t i = 0; i < ONEROSTER_SYNC_COLLECTIONS; i++)
		printf(" %s %ld%s", oneroster_sync_names[i], res->objects[i],
		       i + 1 < ONEROSTER_SYNC_COLLECTIONS ? "," : "\n");
	printf("http: %ld requests, %ld pages, %ld retries, %ld tokens; fetch %.2f s, apply "
	       "%.2f s\n",
	       res->http.requests, res->http.pages, res->http.retries, res->http.tokens,
	       res->fetch_seconds, res->apply_seconds);
}

static int list_sources(struct db *db, int64_t district)
{
	struct arena a;
	struct roster_source *s;
	size_t n;
	arena_init(&a);
	enum eb_err rc = roster_source_list(db, district, &a, &s, &n);
	for (size_t i = 0; rc == EB_OK && i < n; i++) {
		char full[32] = "never", delta[32] = "never";
		if (s[i].last_full_at)
			time_format_iso(s[i].last_full_at, full);
		if (s[i].last_delta_at)
			time_format_iso(s[i].last_delta_at, delta);
		printf("%lld\t%s\tOneRoster %s\tclient %s\tnightly at %02d:00\tlast full %s\t"
		       "last delta %s\n",
		       (long long)s[i].id, s[i].url, s[i].version, s[i].client_id, s[i].hour, full,
		       delta);
	}
	arena_free(&a);
	if (rc)
		fprintf(stderr, "sync oneroster: %s\n", eb_strerror(rc));
	return rc ? 1 : 0;
}

static int sync_oneroster(int argc, char **argv)
{
	if (cli_help(
		    argc, argv,
		    "usage: edbridge sync oneroster --url URL --client-id ID\n"
		    "           [--client-secret-file F | secret on stdin] [--token-url URL]\n"
		    "           [--version 1.1|1.2] [--ca-file F] [--save [--hour H]]\n"
		    "           [--retries N] [--page-size N] [--timeout S] [--district-id N]\n"
		    "           [--strict] [--allow-large-removal]\n"
		    "       edbridge sync oneroster [--source ID] [--delta] [--strict]\n"
		    "           [--allow-large-removal] [--district-id N]\n"
		    "       edbridge sync oneroster --list [--district-id N]\n\n"
		    "Pulls the district's roster from its SIS's OneRoster 1.1 or 1.2 REST service\n"
		    "(OAuth 2.0 client credentials) and applies it like `import oneroster`:\n"
		    "nothing is applied unless every page of every collection arrived.\n"
		    "The first form is a full sync from URL; with --save the source is kept\n"
		    "(the secret sealed) and `serve` syncs it each night at --hour (district\n"
		    "time, default 2). The second re-runs a saved source (--delta: only what\n"
		    "changed since its last applied run). The secret is read from stdin or a\n"
		    "file, never from the command line. The import is lenient (bad rows set\n"
		    "aside, listed) unless --strict; it stops before removing more than 10 %\n"
		    "of the students, classes or enrollments unless --allow-large-removal.\n"
		    "Exit status 0 applied; 3 applied with rows set aside or waiting; 1 the\n"
		    "sync failed or the guard stopped it (nothing applied).\n"))
		return 0;
	struct db *db = NULL;
	struct buf secret = BUF_INIT;
	struct oneroster_report rep;
	struct oneroster_sync_result res;
	char why[512] = "";
	int64_t district, source = 0, hour, retries, page, timeout;
	int status = 1;

	oneroster_report_init(&rep);
	if (cli_opt_int(argc, argv, "--hour", 0, 23, 2, &hour) ||
	    cli_opt_int(argc, argv, "--retries", 0, 20, 4, &retries) ||
	    cli_opt_int(argc, argv, "--page-size", 1, 100000, 1000, &page) ||
	    cli_opt_int(argc, argv, "--timeout", 1, 3600, 30, &timeout) ||
	    cli_opt_int(argc, argv, "--source", 1, INT64_MAX, 0, &source)) {
		status = 2;
		goto out;
	}
	const char *url = cli_opt(argc, argv, "--url");
	const char *id = cli_opt(argc, argv, "--client-id");
	const char *version = cli_opt(argc, argv, "--version");
	bool save = cli_flag(argc, argv, "--save"), delta = cli_flag(argc, argv, "--delta");
	if (url && !id) {
		fprintf(stderr, "sync oneroster: --client-id is required with --url\n");
		status = 2;
		goto out;
	}
	if (url && (delta || source)) {
		fprintf(stderr, "sync oneroster: --delta and --source run a saved source (without "
				"--url)\n");
		status = 2;
		goto out;
	}
	if (version && strcmp(version, "1.1") && strcmp(version, "1.2")) {
		fprintf(stderr, "sync oneroster: --version is 1.1 or 1.2\n");
		status = 2;
		goto out;
	}
	if (cli_open_db(argc, argv, false, &db) || cli_district(argc, argv, db, &district))
		goto out;
	if (cli_flag(argc, argv, "--list")) {
		status = list_sources(db, district);
		goto out;
	}
	struct oneroster_options io = {
		.strict = cli_flag(argc, argv, "--strict"),
		.allow_large_removal = cli_flag(argc, argv, "--allow-large-removal"),
	};
	enum eb_err rc;
	if (!url) {
		struct roster_source s;
		rc = roster_source_get(db, district, source, &s);
		if (rc) {
			fprintf(stderr,
				rc == EB_ENOTFOUND
					? "sync oneroster: no saved source (save one with --url "
					  "URL "
					  "--client-id ID --save)\n"
					: "sync oneroster: the saved sources cannot be read\n");
			goto out;
		}
		rc = oneroster_sync_source(db, district, s.id, delta, 0, "command line", &io, &res,
					   &rep, why, sizeof why);
	} else {
		if (!read_secret(argc, argv, &secret))
			goto out;
		struct oneroster_rest_config cfg = {
			.url = url,
			.token_url = cli_opt(argc, argv, "--token-url"),
			.client_id = id,
			.client_secret = buf_cstr(&secret),
			.ca_file = cli_opt(argc, argv, "--ca-file"),
			.version = !version		    ? 0
				   : strcmp(version, "1.2") ? 11
							    : 12,
			.retries = retries ? (int)retries : -1,
			.page_size = (long)page,
			.timeout_ms = (long)timeout * 1000,
		};
		if (!save) {
			struct oneroster_sync_opts o = { .rest = &cfg, .import = io };
			o.import.actor = "command line";
			rc = oneroster_sync(db, district, &o, &res, &rep, why, sizeof why);
		} else {
			/* the credentials are checked before anything is kept */
			struct oneroster_rest *c;
			rc = oneroster_rest_new(&cfg, &c, why, sizeof why);
			if (rc == EB_OK) {
				rc = oneroster_rest_authenticate(c, why, sizeof why);
				struct roster_source s = { .hour = (int)hour };
				snprintf(s.url, sizeof s.url, "%s", url);
				snprintf(s.token_url, sizeof s.token_url, "%s",
					 cfg.token_url ? cfg.token_url : "");
				snprintf(s.client_id, sizeof s.client_id, "%s", id);
				snprintf(s.ca_file, sizeof s.ca_file, "%s",
					 cfg.ca_file ? cfg.ca_file : "");
				snprintf(s.version, sizeof s.version, "%s",
					 oneroster_rest_version(c) == 12 ? "1.2" : "1.1");
				oneroster_rest_free(c);
				if (rc == EB_OK)
					rc = roster_source_save(db, district, &s, buf_cstr(&secret),
								&source, why, sizeof why);
			}
			memset(&res, 0, sizeof res);
			if (rc == EB_OK) {
				printf("saved: source %lld (nightly at %02lld:00)\n",
				       (long long)source, (long long)hour);
				rc = oneroster_sync_source(db, district, source, false, 0,
							   "command line", &io, &res, &rep, why,
							   sizeof why);
			}
		}
	}
	oneroster_report_print(&rep, stdout, stderr);
	print_result(&res, rc, why);
	status = rc ? 1 : 0;
	if (rc == EB_OK) {
		printf("import_run: %lld (OneRoster %s, %s sync, %ld objects)\n",
		       (long long)rep.run_id, rep.version, delta ? "delta" : "full", res.total);
		/* as `import oneroster`: 3 when rows were set aside or wait */
		size_t waiting = 0;
		for (size_t i = 0; i < rep.nwaiting; i++)
			waiting += !rep.waiting[i].linked;
		if (rep.naside || waiting) {
			printf("imported with %zu row%s set aside and %zu waiting (exit status "
			       "3)\n",
			       rep.naside, rep.naside == 1 ? "" : "s", waiting);
			status = 3;
		}
	}
out:
	vault_wipe(&secret);
	oneroster_report_free(&rep);
	if (db)
		db_close(db);
	return status;
}

int cmd_sync(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : NULL;
	if (!what || !strcmp(what, "--help") || !strcmp(what, "-h")) {
		printf("usage: edbridge sync oneroster ... [--db FILE]\n\n"
		       "  oneroster   the roster from an SIS's OneRoster REST service\n"
		       "  gradebook   OneRoster 1.2 Gradebook results from a REST service\n");
		return what ? 0 : 2;
	}
	if (!strcmp(what, "oneroster"))
		return sync_oneroster(argc - 1, argv + 1);
	if (!strcmp(what, "gradebook"))
		return sync_gradebook(argc - 1, argv + 1, read_secret);
	fprintf(stderr, "sync: unknown source '%s' (try `edbridge sync --help`)\n", what);
	return 2;
}

/* ---- serve's nightly run ------------------------------------------------------ */

/* Runs each saved source whose hour (district time) it is, once per local
 * day. */
static void roster_sync_tick(const char *db_path)
{
	struct db *db;
	char err[256];
	int64_t ids[256];
	if (db_open(db_path, 0, &db, err, sizeof err)) {
		log_error("serve: roster sync: %s", err);
		return;
	}
	size_t nd = district_all(db, ids, 256);
	if (nd > 256)
		nd = 256;
	int64_t now = time_now();
	for (size_t i = 0; i < nd; i++) {
		char zone[64] = "UTC", day[16];
		struct arena a;
		struct roster_source *s;
		size_t n = 0;
		district_time_zone(db, ids[i], zone, sizeof zone);
		const struct tz *z = tz_get(zone);
		int64_t local = now + (z ? tz_offset(z, now, NULL) : 0);
		int hour = (int)((local % 86400 + 86400) % 86400 / 3600);
		int y;
		unsigned m, d;
		civil_from_days((int32_t)((local - ((local % 86400 + 86400) % 86400)) / 86400), &y,
				&m, &d);
		snprintf(day, sizeof day, "%04d-%02u-%02u", y % 10000, m % 100, d % 100);
		arena_init(&a);
		if (roster_source_list(db, ids[i], &a, &s, &n) == EB_OK) {
			for (size_t k = 0; k < n; k++) {
				if (!s[k].enabled || s[k].hour != hour ||
				    !roster_source_take_night(db, ids[i], s[k].id, day))
					continue;
				struct oneroster_report rep;
				struct oneroster_sync_result res;
				char why[512] = "";
				oneroster_report_init(&rep);
				enum eb_err rc = oneroster_sync_source(db, ids[i], s[k].id, false,
								       0, "scheduled sync", NULL,
								       &res, &rep, why, sizeof why);
				if (rc)
					log_error("serve: district %lld roster sync: %s",
						  (long long)ids[i], why);
				else
					log_info("serve: district %lld roster synced: %ld objects",
						 (long long)ids[i], res.total);
				if (!rc && !strcmp(s[k].version, "1.2"))
					gradebook_sync_nightly(db, ids[i], s[k].id);
				oneroster_report_free(&rep);
			}
		}
		arena_free(&a);
	}
	db_close(db);
}

void *roster_sync_main(void *arg)
{
	const char *db_path = arg;
	for (;;) {
		roster_sync_tick(db_path);
		sleep(ROSTER_SYNC_TICK_S);
	}
	return NULL;
}
