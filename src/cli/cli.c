#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/str.h"
#include "domain/district.h"
#include "store/db.h"

const char *cli_opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], name) == 0)
			return i + 1 < argc ? argv[i + 1] : NULL;
		if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	}
	return NULL;
}

bool cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

static bool is_valued(const char *arg, const char *const *valued)
{
	static const char *const common[] = { "--db", "--district-id", NULL };
	for (const char *const *v = common; *v; v++)
		if (strcmp(arg, *v) == 0)
			return true;
	for (const char *const *v = valued; v && *v; v++)
		if (strcmp(arg, *v) == 0)
			return true;
	return false;
}

const char *cli_positional(int argc, char **argv, int want, const char *const *valued)
{
	int k = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] == '-') {
			if (!strchr(argv[i], '=') && is_valued(argv[i], valued))
				i++;
			continue;
		}
		if (k++ == want)
			return argv[i];
	}
	return NULL;
}

enum eb_err cli_opt_int(int argc, char **argv, const char *name, int64_t min, int64_t max,
			int64_t dflt, int64_t *out)
{
	const char *v = cli_opt(argc, argv, name);
	if (!v) {
		if (cli_flag(argc, argv, name)) {
			fprintf(stderr, "%s: %s needs a value\n", argv[0], name);
			return EB_EINVAL;
		}
		*out = dflt;
		return EB_OK;
	}
	if (cstr_to_i64(v, min, max, out)) {
		fprintf(stderr, "%s: %s must be a whole number from %lld to %lld, not '%s'\n",
			argv[0], name, (long long)min, (long long)max, v);
		return EB_EINVAL;
	}
	return EB_OK;
}

const char *cli_db_path(int argc, char **argv)
{
	const char *p = cli_opt(argc, argv, "--db");
	if (p)
		return p;
	p = getenv("EDBRIDGE_DB");
	return (p && *p) ? p : "edbridge.db";
}

enum eb_err cli_open_db(int argc, char **argv, bool create, struct db **out)
{
	const char *path = cli_db_path(argc, argv);
	char err[512];
	if (!create && !db_is_url(path) && access(path, F_OK) != 0) {
		fprintf(stderr,
			"%s: no database at %s; create one with `edbridge init --district NAME`"
			" (or pass --db FILE)\n",
			argv[0], path);
		return EB_ENOTFOUND;
	}
	enum eb_err rc = db_open(path, DB_OPEN_CREATE, out, err, sizeof err);
	if (rc)
		fprintf(stderr, "%s: %s\n", argv[0], err);
	return rc;
}

enum eb_err cli_district(int argc, char **argv, struct db *db, int64_t *district_id)
{
	int64_t id;
	if (cli_opt_int(argc, argv, "--district-id", 1, INT64_MAX, 0, &id))
		return EB_EINVAL;
	if (id) {
		if (district_exists(db, id)) {
			*district_id = id;
			return EB_OK;
		}
		fprintf(stderr, "%s: no district with id %lld\n", argv[0], (long long)id);
		return EB_ENOTFOUND;
	}
	enum eb_err rc = district_only(db, district_id);
	if (rc == EB_ENOTFOUND)
		fprintf(stderr,
			"%s: the database has no district yet; run `edbridge init --district "
			"NAME`\n",
			argv[0]);
	else if (rc == EB_ECONFLICT)
		fprintf(stderr, "%s: the database holds several districts; pass --district-id N\n",
			argv[0]);
	return rc;
}

char *cli_read_file(const char *cmd, const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s: %s\n", cmd, path, strerror(errno));
		return NULL;
	}
	struct buf b;
	buf_init(&b, max);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	int rerr = ferror(f);
	fclose(f);
	buf_putc(&b, 0);
	if (rerr || buf_failed(&b)) {
		if (rerr)
			fprintf(stderr, "%s: %s: read error\n", cmd, path);
		else if (max >= (1u << 20))
			fprintf(stderr, "%s: %s: file too large (over %zu MiB)\n", cmd, path,
				max >> 20);
		else
			fprintf(stderr, "%s: %s: file too large (over %zu KiB)\n", cmd, path,
				max >> 10);
		buf_free(&b);
		return NULL;
	}
	char *p = buf_detach(&b, len);
	if (p)
		(*len)--; /* without the NUL */
	return p;
}

bool cli_help(int argc, char **argv, const char *text)
{
	if (!cli_flag(argc, argv, "--help") && !cli_flag(argc, argv, "-h"))
		return false;
	fputs(text, stdout);
	return true;
}
