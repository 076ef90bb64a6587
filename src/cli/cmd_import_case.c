/* `edbridge import case FILE|URL [--district-id N] [--token-url URL --client-id ID
 *  (--client-secret-file F | --client-secret-stdin)] [--ca-file F] [--save]`,
 * `edbridge import case --provider ID|URL [--ca-file F]` and
 * `edbridge import case --providers`: a CASE CFPackage into the district's
 * frameworks, or a saved provider's package fetched again (docs/case.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/timeutil.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/case_provider.h"
#include "domain/vault.h"
#include "ingest/case_pkg.h"
#include "ingest/case_refetch.h"
#include "store/db.h"

#define SECRET_MAX 4096

static const char usage[] =
	"usage: edbridge import case FILE|URL [--district-id N]\n"
	"         [--token-url URL --client-id ID (--client-secret-file F |"
	" --client-secret-stdin)]\n"
	"         [--ca-file F] [--save]\n"
	"       edbridge import case --provider ID|URL [--district-id N] [--ca-file F]\n"
	"       edbridge import case --providers [--district-id N]\n\n"
	"Imports a CASE 1.0/1.1 CFPackage (or an OpenSALT draft export) as one of the\n"
	"district's standards frameworks: its items, their isChildOf tree and every\n"
	"association. URL: a CASE provider's https://.../ims/case/v1p0/CFPackages/{id}\n"
	"(the certificate is checked; --ca-file for a private CA), with OAuth 2.0\n"
	"client credentials when --token-url is given (the secret is read from a file\n"
	"or stdin, never from the command line). --save keeps the provider for\n"
	"re-import, the secret sealed in the vault. Importing the same package again\n"
	"updates it in place. A bad package (bad JSON, unknown parent, isChildOf\n"
	"cycle, duplicate identifier, missing field) is refused with the JSON path,\n"
	"exit status 1; nothing is stored.\n\n"
	"--provider fetches a saved provider's package again (its id or package URL, as\n"
	"--providers lists them) with the credentials and CA file saved with it\n"
	"(--ca-file overrides the CA file for this run) and replaces the framework's\n"
	"items and associations in one transaction; nothing secret is read from the\n"
	"command line.\n";

static int is_url(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

/* The secret from --client-secret-file or stdin, malloc'd; NULL after a
 * message. *none set when neither was asked for. */
static char *read_secret(int argc, char **argv, size_t *len, int *none)
{
	const char *sf = cli_opt(argc, argv, "--client-secret-file");
	char *s = NULL;
	*none = 0;
	*len = 0;
	if (sf) {
		s = cli_read_file("import case", sf, SECRET_MAX, len);
	} else if (cli_flag(argc, argv, "--client-secret-stdin")) {
		s = calloc(1, SECRET_MAX + 1);
		if (s && fgets(s, SECRET_MAX + 1, stdin))
			*len = strlen(s);
		else if (s)
			s[0] = '\0';
	} else {
		*none = 1;
		return NULL;
	}
	if (!s)
		return NULL;
	/* a trailing newline is the file's, not the secret's */
	while (*len && (s[*len - 1] == '\n' || s[*len - 1] == '\r'))
		s[--*len] = '\0';
	return s;
}

static void print_result(const struct case_pkg_result *res)
{
	printf("framework: %s\nid: %lld\n%s: %zu items, %zu associations (%zu with an end "
	       "outside the package)\n"
	       "crosswalk: %lld of %zu items count for a Common Core standard\n",
	       res->title, (long long)res->framework_id, res->updated ? "updated" : "imported",
	       res->stats.items, res->stats.associations, res->stats.outside,
	       (long long)res->mapped, res->stats.items);
	if (res->stats.untyped || res->stats.orphans)
		printf("note: %zu items without a type, %zu without a parent (shown at the top)\n",
		       res->stats.untyped, res->stats.orphans);
	if (res->rematched)
		printf("quarantined learning events matched: %d\n", res->rematched);
	if (res->stats.repeated)
		printf("note: %zu associations repeated word for word, kept once\n",
		       res->stats.repeated);
}

/* --providers: the saved providers, one a line (never a secret) */
static int list_providers(struct db *db, int64_t district)
{
	struct arena a;
	arena_init(&a);
	struct case_provider_row *p = NULL;
	size_t n = 0;
	int status = 1;
	if (case_provider_list(db, district, &a, &p, &n)) {
		fprintf(stderr, "import case: the saved providers cannot be read\n");
		goto out;
	}
	if (!n)
		printf("no saved provider (save one with import case URL ... --save)\n");
	for (size_t i = 0; i < n; i++)
		printf("%lld\t%s\t%s\tsecret %s\n", (long long)p[i].id, p[i].package_url,
		       p[i].framework_title[0] ? p[i].framework_title : "(framework deleted)",
		       p[i].has_secret ? "sealed" : "none");
	status = 0;
out:
	arena_free(&a);
	return status;
}

/* --provider KEY: the saved provider fetched and imported again */
static int reimport(struct db *db, int64_t district, const char *key, const char *ca_file)
{
	struct case_provider_row p;
	enum eb_err e = case_provider_find(db, district, key, &p);
	if (e) {
		fprintf(stderr,
			e == EB_ENOTFOUND ? "import case: --provider: no saved provider '%s' in "
					    "this district "
					    "(see --providers)\n"
					  : "import case: --provider: the saved providers cannot "
					    "be read (%s)\n",
			key);
		return 1;
	}
	struct buf errs;
	buf_init(&errs, 64 << 10);
	struct case_pkg_result res;
	char why[512];
	e = case_refetch(db, district, &p, ca_file, 0, time_now(), &res, &errs, why, sizeof why);
	if (e) {
		fputs(buf_cstr(&errs), stderr);
		fprintf(stderr, "import case: %s: %s\n", p.package_url, why);
		if (!errs.len)
			fprintf(stderr, "import case: nothing stored\n");
		buf_free(&errs);
		return 1;
	}
	buf_free(&errs);
	print_result(&res);
	return 0;
}

int cmd_import_case(int argc, char **argv)
{
	if (cli_help(argc, argv, usage))
		return 0;
	static const char *const valued[] = { "--district-id",	      "--token-url",
					      "--client-id",	      "--ca-file",
					      "--client-secret-file", "--db",
					      "--provider",	      NULL };
	const char *src = cli_positional(argc, argv, 0, valued);
	const char *provider = cli_opt(argc, argv, "--provider");
	bool providers = cli_flag(argc, argv, "--providers");
	if ((provider || providers) &&
	    (src || cli_opt(argc, argv, "--token-url") || cli_opt(argc, argv, "--client-id") ||
	     cli_flag(argc, argv, "--save"))) {
		fprintf(stderr, "import case: --provider and --providers take no FILE|URL and no"
				" credentials (they use the saved ones)\n");
		return 2;
	}
	if (provider || providers) {
		struct db *db = NULL;
		int64_t district = 0;
		int status = 1;
		if (!cli_open_db(argc, argv, false, &db) &&
		    !cli_district(argc, argv, db, &district))
			status = providers ? list_providers(db, district)
					   : reimport(db, district, provider,
						      cli_opt(argc, argv, "--ca-file"));
		db_close(db);
		return status;
	}
	if (!src) {
		fprintf(stderr, "import case: FILE or URL is required (see --help)\n");
		return 2;
	}
	struct case_provider_auth auth = {
		.token_url = cli_opt(argc, argv, "--token-url"),
		.client_id = cli_opt(argc, argv, "--client-id"),
		.ca_file = cli_opt(argc, argv, "--ca-file"),
	};
	if (auth.token_url && !auth.client_id) {
		fprintf(stderr, "import case: --token-url needs --client-id\n");
		return 2;
	}
	struct db *db = NULL;
	int64_t district = 0;
	char *data = NULL, *secret = NULL;
	size_t len = 0, slen = 0;
	struct buf fetched, errs;
	buf_init(&fetched, CASE_PKG_MAX_BYTES);
	buf_init(&errs, 64 << 10);
	int status = 1;
	if (cli_open_db(argc, argv, false, &db) || cli_district(argc, argv, db, &district))
		goto out;
	if (is_url(src)) {
		int none;
		if (auth.token_url) {
			secret = read_secret(argc, argv, &slen, &none);
			if (none) {
				fprintf(stderr,
					"import case: --token-url needs the secret from "
					"--client-secret-file F or --client-secret-stdin\n");
				status = 2;
				goto out;
			}
			if (!secret)
				goto out;
			auth.client_secret = secret;
		}
		char why[256];
		enum eb_err e = case_provider_fetch(src, &auth, &fetched, why, sizeof why);
		if (e) {
			fprintf(stderr, "import case: %s: %s\n", src, why);
			status = e == EB_EINVAL ? 2 : 1;
			goto out;
		}
		data = buf_detach(&fetched, &len);
	} else if (!(data = cli_read_file("import case", src, CASE_PKG_MAX_BYTES, &len))) {
		goto out;
	}
	struct case_pkg_result res;
	int64_t now = time_now();
	enum eb_err e =
		case_pkg_import(db, district, data ? data : "", len, src, 0, now, &res, &errs);
	if (e) {
		fputs(buf_cstr(&errs), stderr);
		fprintf(stderr, "import case: rejected, nothing stored\n");
		goto out;
	}
	if (is_url(src) && cli_flag(argc, argv, "--save") &&
	    (e = case_provider_save(db, district, src, &auth, res.framework_id, now))) {
		fprintf(stderr,
			"import case: the framework was imported but the provider was "
			"not saved (%s)\n",
			eb_strerror(e));
		goto out;
	}
	print_result(&res);
	status = 0;
out:
	if (secret) {
		memset(secret, 0, slen);
		free(secret);
	}
	free(data);
	vault_wipe(&fetched);
	buf_free(&errs);
	db_close(db);
	return status;
}
