/* `edbridge user add|role|code|list` - manage logins from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/str.h"
#include "cli/cli.h"
#include "cli/commands.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "store/db.h"
#include "web/page.h"

static const char usage[] =
	"usage: edbridge user add --login NAME --role ROLE [--scope TYPE:ID] [--name TEXT]\n"
	"                         [--person SOURCEDID] [--no-password] [--db FILE]\n"
	"       edbridge user role --login NAME --add ROLE|--remove ROLE [--scope TYPE:ID]\n"
	"       edbridge user code --login NAME [--days N] [--public-url URL]\n"
	"       edbridge user password --login NAME\n"
	"       edbridge user unlock --login NAME\n"
	"       edbridge user list\n\n"
	"add and password read the password from standard input (prompting without echo on a\n"
	"terminal). A password has 8 to 256 characters and is not a common one (cracklib's\n"
	"dictionary); password also ends the account's sessions.\n"
	"unlock prints a one-time unlock code for an account locked after too many failed\n"
	"password checks: with it and the password, its owner logs in and the lock is lifted.\n"
	"A login is unique within its district (--district-id N where there are several).\n"
	"ROLE: district_admin coordinator principal coach teacher tech_champion it_staff\n"
	"      vendor_contact guardian student\n"
	"--scope: district (default), school:ORG_SOURCEDID, class:CLASS_SOURCEDID,\n"
	"         person:STUDENT_SOURCEDID (guardian and student roles) or tool:TOOL_ID\n"
	"         (a vendor contact's tool: their home shows its data health).\n"
	"code prints a one-time family access code (default valid 30 days) and, with\n"
	"--public-url (default $EDBRIDGE_PUBLIC_URL), the address to type it at.\n";

static const char *const valued[] = { "--login", "--role",   "--scope", "--name",	"--person",
				      "--add",	 "--remove", "--days",	"--public-url", NULL };

/* Reads one line of password; no echo on a terminal. */
static bool read_password(char *out, size_t cap)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fprintf(stderr, "password: ");
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	bool ok = fgets(out, (int)cap, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	if (!ok)
		return false;
	out[strcspn(out, "\r\n")] = '\0';
	return true;
}

static bool parse_scope(const char *arg, int64_t district, char *type, size_t tcap, char *id,
			size_t icap)
{
	if (!arg || strcmp(arg, "district") == 0) {
		str_copy(type, tcap, "district");
		snprintf(id, icap, "%lld", (long long)district);
		return true;
	}
	const char *colon = strchr(arg, ':');
	if (!colon || colon == arg || !colon[1] || (size_t)(colon - arg) >= tcap)
		return false;
	memcpy(type, arg, (size_t)(colon - arg));
	type[colon - arg] = '\0';
	str_copy(id, icap, colon + 1);
	return true;
}

static const char *role_scope_hint =
	"principal and tech_champion take school:ID; guardian and student take person:ID;"
	" teacher takes district, school:ID or class:ID; coach district or school:ID;"
	" vendor_contact district or tool:ID (their tool); the others the district";

static int user_add(int argc, char **argv, struct db *db, int64_t d)
{
	const char *login = cli_opt(argc, argv, "--login"), *role_s = cli_opt(argc, argv, "--role");
	enum role r;
	char stype[16], sid[ACCOUNT_ID_MAX], pw[PASSWORD_MAX + 2];
	if (!login || !role_s) {
		fprintf(stderr, "user add: --login and --role are required\n");
		return 2;
	}
	if (!role_parse(role_s, &r)) {
		fprintf(stderr, "user add: --role: unknown role '%s'\n", role_s);
		return 2;
	}
	if (!parse_scope(cli_opt(argc, argv, "--scope"), d, stype, sizeof stype, sid, sizeof sid)) {
		fprintf(stderr, "user add: --scope must be district or TYPE:ID\n");
		return 2;
	}
	bool nopw = cli_flag(argc, argv, "--no-password");
	if (!nopw && !read_password(pw, sizeof pw)) {
		fprintf(stderr, "user add: no password on standard input (or use --no-password)\n");
		return 2;
	}
	const char *name = cli_opt(argc, argv, "--name");
	const char *why = nopw ? NULL : account_password_problem(pw, login, name ? name : login);
	if (why) {
		memset(pw, 0, sizeof pw);
		fprintf(stderr, "user add: password: %s\n", why);
		return 1;
	}
	int64_t id;
	if (db_begin(db))
		return 1;
	enum eb_err rc = account_create(db, d, login, name ? name : login, nopw ? NULL : pw,
					cli_opt(argc, argv, "--person"), &id);
	memset(pw, 0, sizeof pw);
	if (rc) {
		db_rollback(db);
		if (rc == EB_EEXIST)
			fprintf(stderr,
				"user add: --login: '%s' is already taken in this district\n",
				login);
		else if (rc == EB_EINVAL)
			fprintf(stderr,
				"user add: a login is 3-127 letters, digits or . _ @ -, and a"
				" name at most 127 characters\n");
		else
			fprintf(stderr, "user add: %s\n", eb_strerror(rc));
		return 1;
	}
	rc = account_add_role(db, d, id, r, stype, sid);
	if (rc) {
		db_rollback(db);
		fprintf(stderr, "user add: --scope: %s does not fit role %s (%s)\n", stype,
			role_name(r), role_scope_hint);
		return 1;
	}
	struct audit_actor who = { 0, "cli", "" };
	audit_record(db, d, &who, "create", "account", login, role_name(r));
	if (db_commit(db))
		return 1;
	printf("account_id: %lld\n", (long long)id);
	return 0;
}

static int user_role(int argc, char **argv, struct db *db, int64_t d)
{
	const char *login = cli_opt(argc, argv, "--login");
	const char *add = cli_opt(argc, argv, "--add"), *rem = cli_opt(argc, argv, "--remove");
	struct account a;
	enum role r;
	char stype[16], sid[ACCOUNT_ID_MAX];
	if (!login || (!add == !rem)) {
		fprintf(stderr, "user role: --login and one of --add/--remove are required\n");
		return 2;
	}
	if (!role_parse(add ? add : rem, &r)) {
		fprintf(stderr, "user role: unknown role '%s'\n", add ? add : rem);
		return 2;
	}
	if (!parse_scope(cli_opt(argc, argv, "--scope"), d, stype, sizeof stype, sid, sizeof sid)) {
		fprintf(stderr, "user role: --scope must be district or TYPE:ID\n");
		return 2;
	}
	if (account_find_login(db, d, login, &a)) {
		fprintf(stderr, "user role: no account '%s' in this district\n", login);
		return 1;
	}
	enum eb_err rc = add ? account_add_role(db, d, a.id, r, stype, sid)
			     : account_remove_role(db, d, a.id, r, stype, sid);
	if (rc) {
		fprintf(stderr, "user role: %s\n",
			rc == EB_EINVAL ? role_scope_hint
					: "that role is not held with that scope");
		return 1;
	}
	struct audit_actor who = { 0, "cli", "" };
	audit_record(db, d, &who, "update", "account", login, add ? "role added" : "role removed");
	return 0;
}

static int user_code(int argc, char **argv, struct db *db, int64_t d)
{
	const char *login = cli_opt(argc, argv, "--login");
	int64_t days;
	struct account a;
	char code[32];
	if (!login) {
		fprintf(stderr, "user code: --login is required\n");
		return 2;
	}
	if (cli_opt_int(argc, argv, "--days", 1, 365, 30, &days))
		return 2;
	const char *url = cli_opt(argc, argv, "--public-url");
	if (!url)
		url = getenv("EDBRIDGE_PUBLIC_URL");
	if (url && *url && !page_set_public_url(url)) {
		fprintf(stderr,
			"user code: --public-url: '%s' is not an address such as"
			" https://edbridge.example.org\n",
			url);
		return 2;
	}
	if (account_find_login(db, d, login, &a)) {
		fprintf(stderr, "user code: no account '%s' in this district\n", login);
		return 1;
	}
	if (account_issue_code(db, d, a.id, (int)days, code))
		return 1;
	struct audit_actor who = { 0, "cli", "" };
	audit_record(db, d, &who, "code_issued", "account", login, "");
	printf("access_code: %s\n", code);
	if (page_public_url())
		printf("sign_in_at: %s/login/code\n", page_public_url());
	return 0;
}

static int user_password(int argc, char **argv, struct db *db, int64_t d)
{
	const char *login = cli_opt(argc, argv, "--login");
	struct account a;
	char pw[PASSWORD_MAX + 2];
	if (!login) {
		fprintf(stderr, "user password: --login is required\n");
		return 2;
	}
	if (account_find_login(db, d, login, &a)) {
		fprintf(stderr, "user password: no account '%s' in this district\n", login);
		return 1;
	}
	if (!read_password(pw, sizeof pw)) {
		fprintf(stderr, "user password: no password on standard input\n");
		return 2;
	}
	const char *why = account_password_problem(pw, a.login, a.display_name);
	if (why) {
		memset(pw, 0, sizeof pw);
		fprintf(stderr, "user password: %s\n", why);
		return 1;
	}
	enum eb_err rc = account_set_password(db, d, a.id, pw);
	memset(pw, 0, sizeof pw);
	if (rc) {
		fprintf(stderr, "user password: %s\n", eb_strerror(rc));
		return 1;
	}
	struct audit_actor who = { 0, "cli", "" };
	audit_record(db, d, &who, "update", "account", a.login, "password set (sessions ended)");
	printf("password set; sessions ended\n");
	return 0;
}

static int user_unlock(int argc, char **argv, struct db *db, int64_t d)
{
	const char *login = cli_opt(argc, argv, "--login");
	struct account a;
	char code[32];
	if (!login) {
		fprintf(stderr, "user unlock: --login is required\n");
		return 2;
	}
	if (account_find_login(db, d, login, &a)) {
		fprintf(stderr, "user unlock: no account '%s' in this district\n", login);
		return 1;
	}
	if (account_issue_unlock(db, d, a.id, code))
		return 1;
	struct audit_actor who = { 0, "cli", "" };
	audit_record(db, d, &who, "unlock_code_issued", "account", a.login,
		     a.locked ? "account locked" : "account not locked");
	printf("unlock_code: %s\n", code);
	printf("locked: %s\n", a.locked ? "yes" : "no");
	return 0;
}

static int user_list(struct db *db, int64_t d)
{
	struct arena ar;
	struct account_row *rows;
	size_t n;
	arena_init(&ar);
	if (account_list(db, d, &ar, &rows, &n)) {
		arena_free(&ar);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s%s\n", rows[i].login, rows[i].display_name, rows[i].roles,
		       rows[i].disabled ? "\tdisabled" : "");
	arena_free(&ar);
	return 0;
}

int cmd_user(int argc, char **argv)
{
	if (argc < 2 || cli_help(argc, argv, usage)) {
		if (argc < 2)
			fputs(usage, stderr);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	static const char *const subs[] = { "add", "role", "code", "list", "password", "unlock" };
	int which = -1;
	for (int i = 0; i < 6; i++)
		if (strcmp(sub, subs[i]) == 0)
			which = i;
	if (which < 0) {
		fprintf(stderr, "user: unknown subcommand '%s'\n%s", sub, usage);
		return 2;
	}
	(void)valued;
	struct db *db;
	int64_t d;
	if (cli_open_db(argc, argv, false, &db))
		return 1;
	int rc = 1;
	if (cli_district(argc, argv, db, &d) == EB_OK) {
		switch (which) {
		case 0:
			rc = user_add(argc, argv, db, d);
			break;
		case 1:
			rc = user_role(argc, argv, db, d);
			break;
		case 2:
			rc = user_code(argc, argv, db, d);
			break;
		case 4:
			rc = user_password(argc, argv, db, d);
			break;
		case 5:
			rc = user_unlock(argc, argv, db, d);
			break;
		default:
			rc = user_list(db, d);
			break;
		}
	}
	db_close(db);
	return rc;
}
