/* `edbridge sso add|list|remove` - a district's single sign-on providers, and
 * `edbridge secrets rotate` - the vault's key (docs/sso.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/sso.h"
#include "domain/vault.h"
#include "store/db.h"

#define SECRET_FILE_MAX 4096

static const char usage[] =
	"usage: edbridge sso add --district-id N --preset P --slug NAME --client-id ID\n"
	"                        [--issuer URL] [--label TEXT] [--client-secret-file F]\n"
	"                        [--ca-file F]\n"
	"       edbridge sso list [--district-id N]\n"
	"       edbridge sso remove --district-id N --slug NAME\n\n"
	"add registers a sign-in provider of the district (--district works as\n"
	"  --district-id). P: google, microsoft, clever, classlink or generic. Google,\n"
	"  Clever and ClassLink know their issuer; microsoft (https://login.microsoftonline\n"
	"  .com/TENANT/v2.0) and generic need --issuer. NAME goes in the addresses\n"
	"  /sso/NAME/start and /sso/NAME/callback (register the latter at the provider).\n"
	"  The client secret is read from a file (never from the command line) and\n"
	"  sealed with the vault key (<db>.key or $EDBRIDGE_VAULT_KEY_FILE). --ca-file: a\n"
	"  PEM file of CAs to trust for this provider only (tests, private CAs).\n"
	"list prints slug, district, preset, label, issuer and client id, tab-separated.\n"
	"remove deletes the provider with its remembered identities.\n";

static const char secrets_usage[] =
	"usage: edbridge secrets rotate\n\n"
	"rotate makes a new vault key and re-seals every sealed secret of the database\n"
	"  (sign-in providers' client secrets, signing keys) with it, each table in one\n"
	"  transaction; the old key stays in the key file until every table is done.\n"
	"  Prints `old key`, `new key`, `resealed: N`.\n";

static const char *const valued[] = {
	"--db",	    "--district-id", "--district",	     "--preset",  "--slug", "--client-id",
	"--issuer", "--label",	     "--client-secret-file", "--ca-file", NULL
};

static enum eb_err district_arg(int argc, char **argv, struct db *db, int64_t *d)
{
	const char *v = cli_opt(argc, argv, "--district");
	if (!v)
		return cli_district(argc, argv, db, d);
	if (cstr_to_i64(v, 1, INT64_MAX, d) || !district_exists(db, *d)) {
		fprintf(stderr, "sso: --district: no district with id %s\n", v);
		return EB_EINVAL;
	}
	return EB_OK;
}

static int sso_add(int argc, char **argv, struct db *db)
{
	int64_t d, id = 0;
	const char *why = NULL, *sf = cli_opt(argc, argv, "--client-secret-file");
	char *secret = NULL;
	size_t len = 0;
	int rc = 1;

	if (district_arg(argc, argv, db, &d))
		return 1;
	if (sf) {
		secret = cli_read_file("sso add", sf, SECRET_FILE_MAX, &len);
		if (!secret)
			return 1;
		/* a trailing newline is the file's, not the secret's */
		while (len && (secret[len - 1] == '\n' || secret[len - 1] == '\r'))
			secret[--len] = '\0';
	}
	struct sso_provider_new in = {
		.slug = cli_opt(argc, argv, "--slug"),
		.preset = cli_opt(argc, argv, "--preset"),
		.label = cli_opt(argc, argv, "--label"),
		.issuer = cli_opt(argc, argv, "--issuer"),
		.client_id = cli_opt(argc, argv, "--client-id"),
		.client_secret = secret,
		.ca_file = cli_opt(argc, argv, "--ca-file"),
	};
	enum eb_err e = sso_provider_add(db, d, &in, &id, &why);
	if (e) {
		fprintf(stderr, "sso add: %s\n", why ? why : eb_strerror(e));
		goto out;
	}
	struct audit_actor cli = { 0, "cli", "" };
	audit_record(db, d, &cli, "create", "sso_provider", in.slug,
		     "sign-in provider added (secret not recorded)");
	printf("provider: %s\nid: %lld\ncallback: /sso/%s/callback\n", in.slug, (long long)id,
	       in.slug);
	rc = 0;
out:
	if (secret) {
		memset(secret, 0, len);
		free(secret);
	}
	return rc;
}

static int sso_list_cmd(int argc, char **argv, struct db *db)
{
	int64_t d = 0;
	struct arena a;
	struct sso_provider *ps = NULL;
	size_t n = 0;

	if ((cli_opt(argc, argv, "--district-id") || cli_opt(argc, argv, "--district")) &&
	    district_arg(argc, argv, db, &d))
		return 1;
	arena_init(&a);
	enum eb_err e = sso_provider_list(db, d, &a, &ps, &n);
	for (size_t i = 0; !e && i < n; i++)
		printf("%s\t%lld\t%s\t%s\t%s\t%s\n", ps[i].slug, (long long)ps[i].district_id,
		       ps[i].preset, ps[i].label, ps[i].issuer, ps[i].client_id);
	arena_free(&a);
	if (e) {
		fprintf(stderr, "sso list: %s\n", eb_strerror(e));
		return 1;
	}
	return 0;
}

static int sso_remove_cmd(int argc, char **argv, struct db *db)
{
	int64_t d;
	struct sso_provider p;
	const char *slug = cli_opt(argc, argv, "--slug");
	if (district_arg(argc, argv, db, &d))
		return 1;
	if (!slug || sso_provider_by_slug(db, slug, &p) || p.district_id != d) {
		fprintf(stderr, "sso remove: the district has no provider named %s\n",
			slug ? slug : "(give --slug)");
		return 1;
	}
	enum eb_err e = sso_provider_remove(db, d, p.id);
	if (e) {
		fprintf(stderr, "sso remove: %s\n", eb_strerror(e));
		return 1;
	}
	struct audit_actor cli = { 0, "cli", "" };
	audit_record(db, d, &cli, "delete", "sso_provider", slug, "sign-in provider removed");
	printf("removed: %s\n", slug);
	return 0;
}

int cmd_sso(int argc, char **argv)
{
	if (cli_help(argc, argv, usage))
		return 0;
	const char *sub = cli_positional(argc, argv, 0, valued);
	if (!sub || (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "remove"))) {
		fputs(usage, stderr);
		return 2;
	}
	struct db *db;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int rc = strcmp(sub, "add") == 0    ? sso_add(argc, argv, db)
		 : strcmp(sub, "list") == 0 ? sso_list_cmd(argc, argv, db)
					    : sso_remove_cmd(argc, argv, db);
	db_close(db);
	return rc;
}

int cmd_secrets(int argc, char **argv)
{
	if (cli_help(argc, argv, secrets_usage))
		return 0;
	const char *sub = cli_positional(argc, argv, 0, valued);
	if (!sub || strcmp(sub, "rotate") != 0) {
		fputs(secrets_usage, stderr);
		return 2;
	}
	struct db *db;
	char path[4096];
	struct vault_rotation r;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	enum eb_err e = vault_key_path(db, path, sizeof path);
	if (e == EB_OK)
		e = vault_rotate(db, path, &r);
	if (e) {
		fprintf(stderr, "secrets rotate: %s (the old key still opens every secret)\n",
			eb_strerror(e));
		db_close(db);
		return 1;
	}
	printf("old key: %s\nnew key: %s\nresealed: %lld\n", r.old_kid, r.new_kid,
	       (long long)r.resealed);
	db_close(db);
	return 0;
}
