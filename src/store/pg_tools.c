/* PostgreSQL's client programs run for the store (pg_tools.h). */
#define _GNU_SOURCE /* pipe2 */
#include "store/pg_tools.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/str.h"
#include "store/db.h"

extern char **environ;

#define PG_BIN_DIR "/usr/lib/postgresql/15/bin"
#define TOOL_OUT_MAX (1 << 20) /* what is read of a program's output */

/* url without its password (user part or password= parameter), and the
 * password, percent-decoded; both malloc'ed (*password NULL when none). */
static enum eb_err split_password(const char *url, char **bare, char **password)
{
	struct buf b = BUF_INIT, pw = BUF_INIT;
	*bare = *password = NULL;
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	buf_put(&b, url, (size_t)(p - url));
	size_t auth = strcspn(p, "/?#");
	const char *at = memchr(p, '@', auth);
	const char *colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
	bool has = false;
	if (colon) {
		buf_put(&b, p, (size_t)(colon - p));
		buf_put(&pw, colon + 1, (size_t)(at - colon - 1));
		has = true;
		p = at;
	}
	while (*p) {
		if ((p[0] == '?' || p[0] == '&') && strncasecmp(p + 1, "password=", 9) == 0) {
			size_t n = strcspn(p + 10, "&#");
			buf_reset(&pw);
			buf_put(&pw, p + 10, n);
			has = true;
			bool first = p[0] == '?';
			p += 10 + n;
			if (first && *p == '&') {
				buf_putc(&b, '?');
				p++;
			}
			continue;
		}
		buf_putc(&b, *p++);
	}
	buf_putc(&pw, '\0');
	if (buf_failed(&b) || buf_failed(&pw)) {
		buf_free(&b);
		buf_free(&pw);
		return EB_ENOMEM;
	}
	*bare = buf_detach(&b, NULL);
	if (has) {
		char *s = buf_detach(&pw, NULL);
		/* percent-decoding in place: %XX to its byte */
		size_t o = 0;
		for (size_t i = 0; s[i]; i++) {
			unsigned v;
			if (s[i] == '%' && s[i + 1] && s[i + 2] &&
			    sscanf(s + i + 1, "%2x", &v) == 1) {
				s[o++] = (char)v;
				i += 2;
			} else {
				s[o++] = s[i];
			}
		}
		s[o] = '\0';
		*password = s;
	}
	buf_free(&pw);
	return EB_OK;
}

static void tool_path(const char *prog, char *out, size_t cap)
{
	const char *dir = getenv("EDBRIDGE_PG_BIN");
	if (!dir || !*dir)
		dir = access(PG_BIN_DIR "/pg_dump", X_OK) == 0 ? PG_BIN_DIR : NULL;
	if (dir)
		snprintf(out, cap, "%s/%s", dir, prog);
	else
		snprintf(out, cap, "%s", prog);
}

static void read_all(int fd, struct buf *into)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (into && into->len + (size_t)n <= TOOL_OUT_MAX)
			buf_put(into, chunk, (size_t)n);
	}
}

/* Runs prog with args (NULL-terminated) and the password in PGPASSWORD of
 * its environment alone; its standard output into out (may be NULL), the
 * first line of its errors into errmsg. */
static enum eb_err run_tool(const char *prog, const char *const *args, const char *password,
			    struct buf *out, char *errmsg, size_t cap)
{
	char path[512];
	tool_path(prog, path, sizeof path);
	const char *argv[24];
	size_t na = 0;
	argv[na++] = path;
	for (; *args && na < 23; args++)
		argv[na++] = *args;
	argv[na] = NULL;
	size_t ne = 0;
	while (environ[ne])
		ne++;
	char **envp = calloc(ne + 2, sizeof *envp);
	char *pwvar = NULL;
	if (!envp)
		return EB_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < ne; i++)
		if (strncmp(environ[i], "PGPASSWORD=", 11) != 0 || !password)
			envp[k++] = environ[i];
	if (password) {
		size_t n = strlen(password) + 12;
		if (!(pwvar = malloc(n))) {
			free(envp);
			return EB_ENOMEM;
		}
		snprintf(pwvar, n, "PGPASSWORD=%s", password);
		envp[k++] = pwvar;
	}
	envp[k] = NULL;
	int errp[2], outp[2];
	if (pipe2(errp, O_CLOEXEC) != 0) {
		free(envp);
		free(pwvar);
		return eb_say(errmsg, cap, EB_EIO, "%s: %s", prog, strerror(errno));
	}
	if (pipe2(outp, O_CLOEXEC) != 0) {
		close(errp[0]);
		close(errp[1]);
		free(envp);
		free(pwvar);
		return eb_say(errmsg, cap, EB_EIO, "%s: %s", prog, strerror(errno));
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(errp[1], 2);
		dup2(outp[1], 1);
		execve(path, (char *const *)argv, envp);
		dprintf(2, "cannot run %s: %s (Debian's postgresql-client-15)\n", path,
			strerror(errno));
		_exit(127);
	}
	close(errp[1]);
	close(outp[1]);
	if (pwvar) {
		explicit_bzero(pwvar, strlen(pwvar));
		free(pwvar);
	}
	free(envp);
	if (pid < 0) {
		close(errp[0]);
		close(outp[0]);
		return eb_say(errmsg, cap, EB_EIO, "%s: %s", prog, strerror(errno));
	}
	struct buf err = BUF_INIT;
	read_all(outp[0], out);
	read_all(errp[0], &err);
	close(outp[0]);
	close(errp[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	enum eb_err rc = EB_OK;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		const char *e = buf_failed(&err) || !err.len ? "" : buf_cstr(&err);
		size_t n = strcspn(e, "\n");
		eb_say(errmsg, cap, EB_EIO, "%s failed: %.*s", prog, (int)(n > 300 ? 300 : n),
		       *e ? e : "(no message)");
		rc = EB_EIO;
	}
	buf_free(&err);
	return rc;
}

enum eb_err pgtools_dump(const char *url, const char *dest, char *errmsg, size_t cap)
{
	char *bare, *pw;
	if (split_password(url, &bare, &pw))
		return EB_ENOMEM;
	const char *args[] = { "--format=custom", "--file", dest, "--dbname", bare, NULL };
	enum eb_err rc = run_tool("pg_dump", args, pw, NULL, errmsg, cap);
	free(bare);
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	return rc;
}

bool pgtools_is_archive(const char *path)
{
	char head[5];
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	bool ok = fread(head, 1, 5, f) == 5 && memcmp(head, "PGDMP", 5) == 0;
	fclose(f);
	return ok;
}

enum eb_err pgtools_archive_version(const char *path, int *version, char *errmsg, size_t cap)
{
	struct buf out = BUF_INIT;
	const char *args[] = { "--data-only", "--table=schema_version", "--file=-", path, NULL };
	enum eb_err rc = run_tool("pg_restore", args, NULL, &out, errmsg, cap);
	*version = 0;
	if (!rc && !buf_failed(&out) && out.len) {
		/* COPY ... FROM stdin; then one row a line, tab-separated, up to \. */
		const char *s = buf_cstr(&out);
		const char *copy = strstr(s, "COPY ");
		const char *line = copy ? strchr(copy, '\n') : NULL;
		while (line && line[1] && strncmp(line + 1, "\\.", 2) != 0) {
			line++;
			int64_t v;
			char num[16] = { 0 };
			size_t n = strspn(line, "0123456789");
			if (n && n < sizeof num) {
				memcpy(num, line, n);
				if (!cstr_to_i64(num, 1, 999999, &v) && v > *version)
					*version = (int)v;
			}
			line = strchr(line, '\n');
		}
	}
	buf_free(&out);
	if (!rc && !*version)
		rc = eb_say(errmsg, cap, EB_EINVAL,
			    "%s: not an edbridge backup (no schema_version)", path);
	return rc;
}

enum eb_err pgtools_restore(const char *url, const char *path, bool clean, char *errmsg, size_t cap)
{
	char *bare, *pw;
	if (split_password(url, &bare, &pw))
		return EB_ENOMEM;
	const char *args[12];
	size_t n = 0;
	args[n++] = "--single-transaction";
	args[n++] = "--exit-on-error";
	args[n++] = "--no-owner";
	if (clean) {
		args[n++] = "--clean";
		args[n++] = "--if-exists";
	}
	args[n++] = "--dbname";
	args[n++] = bare;
	args[n++] = path;
	args[n] = NULL;
	enum eb_err rc = run_tool("pg_restore", args, pw, NULL, errmsg, cap);
	free(bare);
	if (pw) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	return rc;
}

enum eb_err pgtools_table_count(const char *url, int64_t *n, char *errmsg, size_t cap)
{
	char shown[512];
	db_name_masked(url, shown, sizeof shown);
	PGconn *c = PQconnectdb(url);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		const char *why = c ? PQerrorMessage(c) : "out of memory";
		eb_say(errmsg, cap, EB_EIO, "%s: cannot connect to PostgreSQL: %.*s", shown,
		       (int)strcspn(why, "\n"), why);
		PQfinish(c);
		return EB_EIO;
	}
	PGresult *r = PQexec(c, "SELECT count(*) FROM pg_class k JOIN pg_namespace s"
				" ON s.oid = k.relnamespace WHERE s.nspname = current_schema()"
				" AND k.relkind IN ('r', 'p')");
	enum eb_err rc = EB_OK;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		*n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		rc = eb_say(errmsg, cap, EB_EDB, "%s: %s", shown, "cannot list its tables");
	PQclear(r);
	PQfinish(c);
	return rc;
}
