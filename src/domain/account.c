#include "domain/account.h"

#include "base/i18n.h"

#include <pthread.h>
#include <sodium.h>
#include <stddef.h> /* crack.h uses size_t without including it */
#include <crack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "store/db.h"

static const struct {
	const char *name, *label;
} role_table[ROLE__COUNT] = {
	[ROLE_DISTRICT_ADMIN] = { "district_admin", "District administrator" },
	[ROLE_COORDINATOR] = { "coordinator", "Math coordinator" },
	[ROLE_PRINCIPAL] = { "principal", "Principal" },
	[ROLE_COACH] = { "coach", "Instructional coach" },
	[ROLE_TEACHER] = { "teacher", "Teacher" },
	[ROLE_TECH_CHAMPION] = { "tech_champion", "Tech champion" },
	[ROLE_IT_STAFF] = { "it_staff", "IT staff" },
	[ROLE_VENDOR_CONTACT] = { "vendor_contact", "Vendor contact" },
	[ROLE_GUARDIAN] = { "guardian", "Parent or guardian" },
	[ROLE_STUDENT] = { "student", "Student" },
};

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_table[r].name : NULL;
}

const char *role_label(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_table[r].label : "Unknown role";
}

bool role_parse(const char *s, enum role *out)
{
	char tmp[32];
	if (!s)
		return false;
	size_t n = str_copy(tmp, sizeof tmp, s);
	for (size_t i = 0; i < n; i++)
		if (tmp[i] == '-')
			tmp[i] = '_';
	if (strcmp(tmp, "parent") == 0) {
		*out = ROLE_GUARDIAN;
		return true;
	}
	for (int r = 0; r < ROLE__COUNT; r++)
		if (strcmp(tmp, role_table[r].name) == 0) {
			*out = (enum role)r;
			return true;
		}
	return false;
}

static bool login_valid(const char *login)
{
	size_t n = strlen(login);
	if (n < 3 || n >= ACCOUNT_LOGIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '@' || c == '-'))
			return false;
	}
	return true;
}

/* cracklib keeps state in static buffers (its dictionary reader), hence one
 * check at a time. */
static pthread_mutex_t crack_lock = PTHREAD_MUTEX_INITIALIZER;

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
}

/* True when needle (at least 4 bytes) occurs in hay, ignoring ASCII case. */
static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = needle ? strlen(needle) : 0;
	if (n < 4)
		return false;
	for (const char *h = hay; *h; h++) {
		size_t i = 0;
		while (i < n && h[i] && ascii_lower(h[i]) == ascii_lower(needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

const char *account_password_problem(const char *password, const char *login,
				     const char *display_name)
{
	if (!password || !*password)
		return N_("Enter a password.");
	size_t n = strlen(password);
	if (n < PASSWORD_MIN)
		return N_("A password needs at least 8 characters (a few words make a good one).");
	if (n > PASSWORD_MAX)
		return N_("A password has at most 256 characters.");
	if (strspn(password, " \t") == n)
		return N_("A password cannot be only spaces.");
	if (contains_nocase(password, login))
		return N_("A password cannot contain the login.");
	char dict_file[512];
	const char *dict = GetDefaultCracklibDict();
	snprintf(dict_file, sizeof dict_file, "%s.pwd", dict);
	if (access(dict_file, R_OK) != 0)
		return N_("Passwords cannot be set: the common-password dictionary is not installed"
			  " (Debian package cracklib-runtime).");
	pthread_mutex_lock(&crack_lock);
	const char *why = FascistCheckUser(password, dict, login ? login : "",
					   display_name ? display_name : "");
	pthread_mutex_unlock(&crack_lock);
	if (!why)
		return NULL;
	if (strstr(why, "dictionary"))
		return N_(
			"That password is too common: it is a dictionary word or a common password,"
			" or one with a few changes. Choose another (a few unrelated words work "
			"well).");
	if (strstr(why, "DIFFERENT") || strstr(why, "simplistic") || strstr(why, "systematic"))
		return N_("That password is too easy to guess: it repeats characters or follows a"
			  " sequence. Choose another (a few unrelated words work well).");
	if (strstr(why, "username") || strstr(why, "password entry"))
		return N_("A password cannot be based on the login or the name.");
	if (strstr(why, "loading dictionary"))
		return N_(
			"Passwords cannot be set: the common-password dictionary cannot be read.");
	return N_("That password is too easy to guess. Choose another (a few unrelated words work "
		  "well).");
}

/* The Argon2id cost of a new hash: libsodium's INTERACTIVE (2 passes over 64
 * MiB, about a quarter second of CPU), or its minimum when the environment
 * has EDBRIDGE_TEST_FAST_PASSWORDS=1, which the test runner sets so that the
 * thousands of accounts and sign-ins the suite makes do not spend most of its
 * CPU in Argon2id. A hash carries its own cost, so verifying follows whatever
 * made it. Never set it for a district: account_fast_passwords() lets serve
 * warn when it is. */
static unsigned long long pw_ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t pw_mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
static pthread_once_t pw_once = PTHREAD_ONCE_INIT;

static void pw_cost_read(void)
{
	const char *v = getenv("EDBRIDGE_TEST_FAST_PASSWORDS");
	if (v && !strcmp(v, "1")) {
		pw_ops = crypto_pwhash_OPSLIMIT_MIN;
		pw_mem = crypto_pwhash_MEMLIMIT_MIN;
	}
}

bool account_fast_passwords(void)
{
	pthread_once(&pw_once, pw_cost_read);
	return pw_ops != crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

static enum eb_err hash_password(const char *password, char out[crypto_pwhash_STRBYTES])
{
	size_t n = strlen(password);
	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return EB_EINVAL;
	pthread_once(&pw_once, pw_cost_read);
	if (crypto_pwhash_str_alg(out, password, n, pw_ops, pw_mem, crypto_pwhash_ALG_ARGON2ID13) !=
	    0)
		return EB_ENOMEM;
	return EB_OK;
}

enum eb_err account_create(struct db *db, int64_t district_id, const char *login,
			   const char *display_name, const char *password, const char *person_sid,
			   int64_t *id)
{
	char hash[crypto_pwhash_STRBYTES];
	if (!login || !login_valid(login))
		return EB_EINVAL;
	struct str dn = str_trim(str_from(display_name ? display_name : login));
	if (dn.n == 0 || dn.n >= ACCOUNT_LOGIN_MAX)
		return EB_EINVAL;
	if (password) {
		if (account_password_problem(password, login, display_name))
			return EB_EINVAL;
		enum eb_err rc = hash_password(password, hash);
		if (rc)
			return rc;
	}
	enum eb_err rc =
		db_execute(db,
			   "INSERT INTO account(district_id, login, display_name, password_hash,"
			   " person_sourced_id) VALUES(?1,?2,?3,?4,?5)",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(login), DB_TEXTN(dn.p, dn.n),
				   DB_TEXT(password ? hash : NULL),
				   DB_TEXT((person_sid && *person_sid) ? person_sid : NULL)),
			   NULL);
	sodium_memzero(hash, sizeof hash);
	if (!rc && id)
		*id = db_last_id(db);
	return rc;
}

enum eb_err account_set_password(struct db *db, int64_t district_id, int64_t id,
				 const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	struct account a;
	enum eb_err rc = account_get(db, district_id, id, &a);
	if (rc)
		return rc;
	if (!password || account_password_problem(password, a.login, a.display_name))
		return EB_EINVAL;
	rc = hash_password(password, hash);
	if (rc)
		return rc;
	/* the new password and the end of every session of the account commit together */
	bool own_tx = !db_in_transaction(db);
	if (own_tx && db_begin(db)) {
		sodium_memzero(hash, sizeof hash);
		return EB_EDB;
	}
	int changed = 0;
	rc = db_execute(db, "UPDATE account SET password_hash=?1 WHERE id=?2 AND district_id=?3",
			DB_ARGS(DB_TEXT(hash), DB_INT(id), DB_INT(district_id)), &changed);
	if (!rc && changed == 0)
		rc = EB_ENOTFOUND;
	if (rc)
		goto out;
	rc = db_execute(db, "DELETE FROM session WHERE account_id=?1 AND district_id=?2",
			DB_ARGS(DB_INT(id), DB_INT(district_id)), NULL);
	if (!rc)
		rc = account_device_forget(db, district_id, id, 0, NULL);
out:
	sodium_memzero(hash, sizeof hash);
	if (own_tx) {
		if (!rc)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	return rc;
}

enum eb_err account_set_disabled(struct db *db, int64_t district_id, int64_t id, bool disabled)
{
	int changed = 0;
	enum eb_err rc =
		db_execute(db, "UPDATE account SET disabled=?1 WHERE id=?2 AND district_id=?3",
			   DB_ARGS(DB_INT(disabled), DB_INT(id), DB_INT(district_id)), &changed);
	if (!rc && changed == 0)
		return EB_ENOTFOUND;
	if (!rc && disabled) {
		rc = db_execute(db, "DELETE FROM session WHERE account_id=?1 AND district_id=?2",
				DB_ARGS(DB_INT(id), DB_INT(district_id)), NULL);
		if (!rc)
			rc = account_device_forget(db, district_id, id, 0, NULL);
	}
	return rc;
}

/* Which scopes each role may carry. */
static bool scope_fits(enum role r, const char *scope_type)
{
	bool district = strcmp(scope_type, "district") == 0;
	bool school = strcmp(scope_type, "school") == 0;
	bool klass = strcmp(scope_type, "class") == 0;
	bool person = strcmp(scope_type, "person") == 0;
	switch (r) {
	case ROLE_DISTRICT_ADMIN:
	case ROLE_COORDINATOR:
	case ROLE_IT_STAFF:
		return district;
	case ROLE_VENDOR_CONTACT:
		return district || strcmp(scope_type, "tool") == 0;
	case ROLE_PRINCIPAL:
	case ROLE_TECH_CHAMPION:
		return school;
	case ROLE_COACH:
		return district || school;
	case ROLE_TEACHER:
		return district || school || klass;
	case ROLE_GUARDIAN:
	case ROLE_STUDENT:
		return person;
	default:
		return false;
	}
}

enum eb_err account_add_role(struct db *db, int64_t district_id, int64_t id, enum role role,
			     const char *scope_type, const char *scope_id)
{
	if (!role_name(role) || !scope_type || !scope_id || !*scope_id ||
	    strlen(scope_id) >= ACCOUNT_ID_MAX || !scope_fits(role, scope_type))
		return EB_EINVAL;
	/* the account must belong to the district */
	return db_execute(
		db,
		"INSERT OR IGNORE INTO account_role(district_id, account_id, role, scope_type,"
		" scope_id) SELECT district_id, id, ?1, ?2, ?3 FROM account"
		" WHERE id=?4 AND district_id=?5",
		DB_ARGS(DB_TEXT(role_name(role)), DB_TEXT(scope_type), DB_TEXT(scope_id),
			DB_INT(id), DB_INT(district_id)),
		NULL);
}

enum eb_err account_remove_role(struct db *db, int64_t district_id, int64_t id, enum role role,
				const char *scope_type, const char *scope_id)
{
	if (!role_name(role))
		return EB_EINVAL;
	int changed = 0;
	enum eb_err rc =
		db_execute(db,
			   "DELETE FROM account_role WHERE district_id=?1 AND account_id=?2"
			   " AND role=?3 AND scope_type=?4 AND scope_id=?5",
			   DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(role_name(role)),
				   DB_TEXT(scope_type), DB_TEXT(scope_id)),
			   &changed);
	if (!rc && changed == 0)
		rc = EB_ENOTFOUND;
	return rc;
}

static enum eb_err load_roles(struct db *db, struct account *a)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT role, scope_type, scope_id FROM account_role"
				  " WHERE account_id=?1 AND district_id=?2"
				  " ORDER BY role, scope_type, scope_id",
				  DB_ARGS(DB_INT(a->id), DB_INT(a->district_id)), &st);
	if (rc)
		return rc;
	a->nroles = 0;
	a->role_mask = 0;
	while (a->nroles < ACCOUNT_MAX_ROLES && db_next(st)) {
		struct account_role *r = &a->roles[a->nroles];
		if (!role_parse(db_col_text(st, 0), &r->role))
			continue;
		db_col_copy(st, 1, r->scope_type, sizeof r->scope_type);
		db_col_copy(st, 2, r->scope_id, sizeof r->scope_id);
		a->role_mask |= 1u << r->role;
		a->nroles++;
	}
	return db_done(st);
}

/* The flags are read as 0/1 (<> 0): they land in bool members. */
#define ACCOUNT_COLS                                                                               \
	"id, district_id, login, display_name, coalesce(person_sourced_id,''), "                   \
	"disabled<>0, password_hash IS NOT NULL, failed_logins, locked_at IS NOT NULL"

DB_ROWSPEC(account_spec, struct account, NULL, DB_FIELD_INT(struct account, id),
	   DB_FIELD_INT(struct account, district_id), DB_FIELD_CHARS(struct account, login),
	   DB_FIELD_CHARS(struct account, display_name), DB_FIELD_CHARS(struct account, person_sid),
	   DB_FIELD_INT(struct account, disabled), DB_FIELD_INT(struct account, has_password),
	   DB_FIELD_INT(struct account, failed_logins), DB_FIELD_INT(struct account, locked));

enum eb_err account_get(struct db *db, int64_t district_id, int64_t id, struct account *out)
{
	enum eb_err rc = db_get_row(
		db, "SELECT " ACCOUNT_COLS " FROM account WHERE id=?1 AND district_id=?2",
		DB_ARGS(DB_INT(id), DB_INT(district_id)), &account_spec, NULL, out);
	return rc ? rc : load_roles(db, out);
}

enum eb_err account_find_login(struct db *db, int64_t district_id, const char *login,
			       struct account *out)
{
	if (!login)
		return EB_ENOTFOUND;
	enum eb_err rc = db_get_row(
		db, "SELECT " ACCOUNT_COLS " FROM account WHERE district_id=?1 AND login=?2",
		DB_ARGS(DB_INT(district_id), DB_TEXT(login)), &account_spec, NULL, out);
	return rc ? rc : load_roles(db, out);
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	pthread_once(&pw_once, pw_cost_read);
	if (crypto_pwhash_str_alg(dummy_hash, "not-a-password", 14, pw_ops, pw_mem,
				  crypto_pwhash_ALG_ARGON2ID13))
		dummy_hash[0] = '\0';
}

enum eb_err account_verify_password(struct db *db, const struct account *a, const char *password)
{
	/* A hash to verify against when there is no account, so that the time
	 * taken does not tell whether an account exists. */
	char hash[crypto_pwhash_STRBYTES] = "";
	bool disabled = true;
	size_t plen = password ? strlen(password) : 0;
	pthread_once(&dummy_once, make_dummy_hash);
	if (!password || plen > PASSWORD_MAX)
		return EB_EAUTH;
	if (a) {
		struct db_stmt *st;
		enum eb_err rc = db_query(db,
					  "SELECT password_hash, disabled FROM account"
					  " WHERE id=?1 AND district_id=?2",
					  DB_ARGS(DB_INT(a->id), DB_INT(a->district_id)), &st);
		if (rc)
			return rc;
		if (db_next(st)) {
			db_col_copy(st, 0, hash, sizeof hash);
			disabled = db_col_int(st, 1) != 0;
		}
		if ((rc = db_done(st))) {
			sodium_memzero(hash, sizeof hash);
			return rc;
		}
	}
	bool had_hash = hash[0] != '\0';
	bool ok = crypto_pwhash_str_verify(had_hash ? hash : dummy_hash, password, plen) == 0;
	sodium_memzero(hash, sizeof hash);
	return ok && had_hash && !disabled ? EB_OK : EB_EAUTH;
}

enum eb_err account_check_password(struct db *db, int64_t district_id, const char *login,
				   const char *password, struct account *out)
{
	enum eb_err rc = account_find_login(db, district_id, login, out);
	if (rc && rc != EB_ENOTFOUND)
		return rc;
	rc = account_verify_password(db, rc ? NULL : out, password);
	return rc;
}

DB_ROWSPEC(account_row_spec, struct account_row, NULL, DB_FIELD_INT(struct account_row, id),
	   DB_FIELD_STR(struct account_row, login), DB_FIELD_STR(struct account_row, display_name),
	   DB_FIELD_STR(struct account_row, person_sid), DB_FIELD_INT(struct account_row, disabled),
	   DB_FIELD_STR(struct account_row, roles), DB_FIELD_STR(struct account_row, role_names));

enum eb_err account_list(struct db *db, int64_t district_id, struct arena *arena,
			 struct account_row **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT a.id, a.login, a.display_name, coalesce(a.person_sourced_id,''),"
		" a.disabled<>0, coalesce((SELECT group_concat(role || ' (' || scope_type ||"
		" ' ' || scope_id || ')', ', ') FROM account_role r"
		" WHERE r.district_id=a.district_id AND r.account_id=a.id),''),"
		" coalesce((SELECT group_concat(DISTINCT role) FROM account_role r"
		" WHERE r.district_id=a.district_id AND r.account_id=a.id),'')"
		" FROM account a WHERE a.district_id=?1 ORDER BY a.login",
		DB_ARGS(DB_INT(district_id)), &account_row_spec, arena, rows, n);
}

static void hash_secret(const char *s, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)s, strlen(s), NULL, 0);
}

void account_random_token(char *out, size_t cap, size_t nbytes)
{
	unsigned char raw[64];
	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	randombytes_buf(raw, nbytes);
	sodium_bin2base64(out, cap, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

/* Normalises a typed access code: upper case, drops spaces and dashes, maps
 * the look-alike letters O->0, I/L->1 (Crockford). Returns false if the
 * result is not 12 code characters. */
static bool normalise_code(const char *in, char out[16])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	size_t k = 0;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (c == 'O')
			c = '0';
		if (c == 'I' || c == 'L')
			c = '1';
		if (!strchr(alphabet, c) || k >= 12)
			return false;
		out[k++] = c;
	}
	out[k] = '\0';
	return k == 12;
}

bool account_code_prefix(const char *code, char out[9])
{
	char norm[16];
	if (!code || strlen(code) > 40 || !normalise_code(code, norm))
		return false;
	memcpy(out, norm, 8);
	out[8] = '\0';
	sodium_memzero(norm, sizeof norm);
	return true;
}

/* Random "XXXX-XXXX-XXXX" (Crockford base32, 60 bits) into code_out and the
 * hash of its 12 characters into h. */
static void new_code(char code_out[32], unsigned char h[32])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	char raw[16];
	for (int i = 0; i < 12; i++)
		raw[i] = alphabet[randombytes_uniform(32)];
	raw[12] = '\0';
	hash_secret(raw, h);
	snprintf(code_out, 32, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
	sodium_memzero(raw, sizeof raw);
}

enum eb_err account_issue_code(struct db *db, int64_t district_id, int64_t id, int days,
			       char code_out[32])
{
	char code[32];
	unsigned char h[32];
	struct account a;
	if (days < 1 || days > 365)
		return EB_EINVAL;
	enum eb_err rc = account_get(db, district_id, id, &a);
	if (rc)
		return rc;
	new_code(code, h);
	int64_t now = time_now();
	rc = db_execute(db,
			"INSERT INTO access_code(district_id, code_hash, account_id, created_at,"
			" expires_at) VALUES(?1,?2,?3,?4,?5)",
			DB_ARGS(DB_INT(district_id), DB_BLOB(h, sizeof h), DB_INT(id), DB_INT(now),
				DB_INT(now + (int64_t)days * 86400)),
			NULL);
	if (!rc)
		str_copy(code_out, 32, code);
	sodium_memzero(code, sizeof code);
	return rc;
}

enum eb_err account_redeem_code(struct db *db, const char *code, struct account *out)
{
	char norm[16];
	unsigned char h[32];
	if (!code || strlen(code) > 40 || !normalise_code(code, norm))
		return EB_EAUTH;
	hash_secret(norm, h);
	sodium_memzero(norm, sizeof norm);
	struct db_stmt *st;
	/* one statement marks it used, so two redemptions cannot both succeed */
	enum eb_err rc =
		db_query(db,
			 "UPDATE access_code SET used_at=?1 WHERE code_hash=?2 AND used_at IS NULL"
			 " AND expires_at > ?1 RETURNING account_id, district_id",
			 DB_ARGS(DB_INT(time_now()), DB_BLOB(h, sizeof h)), &st);
	if (rc)
		return rc;
	int64_t acct = 0, district = 0;
	if (db_next(st)) {
		acct = db_col_int(st, 0);
		district = db_col_int(st, 1);
	}
	if ((rc = db_done(st)))
		return rc;
	if (!acct)
		return EB_EAUTH;
	rc = account_get(db, district, acct, out);
	if (rc == EB_ENOTFOUND || (!rc && out->disabled))
		return EB_EAUTH;
	return rc;
}

enum eb_err session_create(struct db *db, const struct account *a, char token_out[64],
			   char csrf_out[64])
{
	unsigned char h[32];
	account_random_token(token_out, 64, 32);
	account_random_token(csrf_out, 64, 24);
	hash_secret(token_out, h);
	int64_t now = time_now();
	return db_execute(db,
			  "INSERT INTO session(token_hash, district_id, account_id, csrf_token,"
			  " created_at, expires_at) VALUES(?1,?2,?3,?4,?5,?6)",
			  DB_ARGS(DB_BLOB(h, sizeof h), DB_INT(a->district_id), DB_INT(a->id),
				  DB_TEXT(csrf_out), DB_INT(now), DB_INT(now + SESSION_TTL_S)),
			  NULL);
}

enum eb_err session_lookup(struct db *db, const char *token, struct account *a, char csrf_out[64])
{
	unsigned char h[32];
	if (!token || strlen(token) != SESSION_TOKEN_LEN)
		return EB_EAUTH;
	hash_secret(token, h);
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT s.csrf_token, a.id, a.district_id, a.login, a.display_name,"
			 " coalesce(a.person_sourced_id,''), a.disabled,"
			 " a.password_hash IS NOT NULL FROM session s"
			 " JOIN account a ON a.district_id = s.district_id AND a.id = s.account_id "
			 "AND a.district_id = s.district_id"
			 " WHERE s.token_hash=?1 AND s.expires_at > ?2 AND a.disabled = 0",
			 DB_ARGS(DB_BLOB(h, sizeof h), DB_INT(time_now())), &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found) {
		db_col_copy(st, 0, csrf_out, 64);
		memset(a, 0, sizeof *a);
		a->id = db_col_int(st, 1);
		a->district_id = db_col_int(st, 2);
		db_col_copy(st, 3, a->login, sizeof a->login);
		db_col_copy(st, 4, a->display_name, sizeof a->display_name);
		db_col_copy(st, 5, a->person_sid, sizeof a->person_sid);
		a->disabled = db_col_int(st, 6) != 0;
		a->has_password = db_col_int(st, 7) != 0;
	}
	if ((rc = db_done(st)))
		return rc;
	return found ? load_roles(db, a) : EB_EAUTH;
}

enum eb_err session_delete(struct db *db, const char *token)
{
	unsigned char h[32];
	if (!token)
		return EB_OK;
	hash_secret(token, h);
	return db_execute(db, "DELETE FROM session WHERE token_hash=?1",
			  DB_ARGS(DB_BLOB(h, sizeof h)), NULL);
}

enum eb_err session_purge(struct db *db, int64_t *n)
{
	int purged = 0;
	enum eb_err rc = db_execute(db, "DELETE FROM session WHERE expires_at <= ?1",
				    DB_ARGS(DB_INT(time_now())), &purged);
	if (n)
		*n = rc ? 0 : purged;
	if (!rc)
		rc = db_execute(db, "DELETE FROM remembered_device WHERE expires_at <= ?1",
				DB_ARGS(DB_INT(time_now())), NULL);
	if (rc)
		return rc;
	return db_execute(db, "DELETE FROM login_throttle WHERE expires_at <= ?1",
			  DB_ARGS(DB_INT(time_now())), NULL);
}

/* --- remembered devices --- */

enum eb_err account_device_remember(struct db *db, const struct account *a, const char *label,
				    char token_out[64], int64_t *id)
{
	unsigned char h[32];
	char lab[DEVICE_LABEL_MAX + 1];
	str_copy(lab, sizeof lab, label && *label ? label : "a browser");
	account_random_token(token_out, 64, 32);
	hash_secret(token_out, h);
	int64_t now = time_now();
	bool own_tx = !db_in_transaction(db);
	if (own_tx && db_begin(db))
		return EB_EDB;
	enum eb_err rc = db_execute(
		db,
		"INSERT INTO remembered_device(district_id, account_id, token_hash,"
		" label, created_at, last_used_at, expires_at)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?5, ?6)",
		DB_ARGS(DB_INT(a->district_id), DB_INT(a->id), DB_BLOB(h, sizeof h), DB_TEXT(lab),
			DB_INT(now), DB_INT(now + (int64_t)DEVICE_TTL_DAYS * 86400)),
		NULL);
	int64_t made = rc ? 0 : db_last_id(db);
	/* the newest DEVICE_MAX_PER_ACCOUNT stay */
	if (!rc)
		rc = db_execute(
			db,
			"DELETE FROM remembered_device WHERE account_id = ?1 AND district_id = ?2"
			" AND id NOT IN (SELECT id FROM remembered_device WHERE account_id = ?1"
			" AND district_id = ?2 ORDER BY id DESC LIMIT ?3)",
			DB_ARGS(DB_INT(a->id), DB_INT(a->district_id),
				DB_INT(DEVICE_MAX_PER_ACCOUNT)),
			NULL);
	if (own_tx) {
		if (!rc)
			rc = db_commit(db);
		else
			db_rollback(db);
	}
	if (rc)
		sodium_memzero(token_out, 64);
	else if (id)
		*id = made;
	return rc;
}

/* The device row of a well-formed token that has not expired, into *id and
 * *account, *district; false otherwise. */
static bool device_find(struct db *db, const char *token, int64_t *id, int64_t *account,
			int64_t *district)
{
	unsigned char h[32];
	if (!token || strlen(token) != SESSION_TOKEN_LEN)
		return false;
	hash_secret(token, h);
	struct db_stmt *st;
	if (db_query(db,
		     "SELECT id, account_id, district_id FROM remembered_device"
		     " WHERE token_hash = ?1 AND expires_at > ?2",
		     DB_ARGS(DB_BLOB(h, sizeof h), DB_INT(time_now())), &st))
		return false;
	bool found = db_next(st);
	if (found) {
		*id = db_col_int(st, 0);
		*account = db_col_int(st, 1);
		*district = db_col_int(st, 2);
	}
	return db_done(st) == EB_OK && found;
}

enum eb_err account_device_lookup(struct db *db, const char *token, struct account *a,
				  int64_t *device_id)
{
	int64_t id, account, district;
	if (!device_find(db, token, &id, &account, &district))
		return EB_EAUTH;
	enum eb_err rc = account_get(db, district, account, a);
	if (rc == EB_ENOTFOUND || (!rc && a->disabled))
		return EB_EAUTH;
	if (rc)
		return rc;
	rc = db_execute(db, "UPDATE remembered_device SET last_used_at = ?1 WHERE id = ?2",
			DB_ARGS(DB_INT(time_now()), DB_INT(id)), NULL);
	if (!rc && device_id)
		*device_id = id;
	return rc;
}

int64_t account_device_of(struct db *db, const char *token, int64_t account_id)
{
	int64_t id, account, district;
	return device_find(db, token, &id, &account, &district) && account == account_id ? id : 0;
}

DB_ROWSPEC(device_spec, struct device_row, NULL, DB_FIELD_INT(struct device_row, id),
	   DB_FIELD_STR(struct device_row, label), DB_FIELD_INT(struct device_row, created_at),
	   DB_FIELD_INT(struct device_row, last_used_at),
	   DB_FIELD_INT(struct device_row, expires_at));

enum eb_err account_device_list(struct db *db, int64_t district_id, int64_t account_id,
				struct arena *arena, struct device_row **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT id, label, created_at, last_used_at, expires_at FROM remembered_device"
		" WHERE district_id = ?1 AND account_id = ?2 AND expires_at > ?3"
		" ORDER BY id DESC",
		DB_ARGS(DB_INT(district_id), DB_INT(account_id), DB_INT(time_now())), &device_spec,
		arena, rows, n);
}

enum eb_err account_device_forget(struct db *db, int64_t district_id, int64_t account_id,
				  int64_t id, int64_t *n)
{
	int changed = 0;
	enum eb_err rc = db_execute(db,
				    "DELETE FROM remembered_device WHERE district_id = ?1"
				    " AND account_id = ?2 AND (?3 = 0 OR id = ?3)",
				    DB_ARGS(DB_INT(district_id), DB_INT(account_id), DB_INT(id)),
				    &changed);
	if (n)
		*n = rc ? 0 : changed;
	return rc;
}

/* --- the account lock --- */

enum eb_err account_issue_unlock(struct db *db, int64_t district_id, int64_t id, char code_out[32])
{
	unsigned char h[32];
	char code[32];
	new_code(code, h);
	int changed = 0;
	enum eb_err rc =
		db_execute(db,
			   "UPDATE account SET unlock_hash=?1, unlock_expires_at=?2"
			   " WHERE id=?3 AND district_id=?4",
			   DB_ARGS(DB_BLOB(h, sizeof h),
				   DB_INT(time_now() + (int64_t)ACCOUNT_UNLOCK_DAYS * 86400),
				   DB_INT(id), DB_INT(district_id)),
			   &changed);
	if (!rc && changed == 0)
		rc = EB_ENOTFOUND;
	if (!rc)
		str_copy(code_out, 32, code);
	sodium_memzero(code, sizeof code);
	return rc;
}

enum eb_err account_login_attempt(struct db *db, const struct account *a, const char *unlock_code)
{
	char norm[16];
	unsigned char typed[32];
	bool have_code = unlock_code && strlen(unlock_code) <= 40 &&
			 normalise_code(unlock_code, norm);
	if (have_code) {
		hash_secret(norm, typed);
		sodium_memzero(norm, sizeof norm);
	}
	/* one write transaction: the read of the lock and the count cannot be
	 * overtaken by a concurrent check */
	if (db_begin(db))
		return EB_EDB;
	struct db_stmt *st;
	int64_t failed = 0;
	bool found = false, locked = false, unlocked = false;
	enum eb_err rc = db_query(
		db,
		"SELECT failed_logins, locked_at IS NOT NULL, unlock_hash,"
		" coalesce(unlock_expires_at,0) FROM account WHERE id=?1 AND district_id=?2",
		DB_ARGS(DB_INT(a->id), DB_INT(a->district_id)), &st);
	if (rc)
		goto out;
	if ((found = db_next(st))) {
		failed = db_col_int(st, 0);
		locked = db_col_int(st, 1) != 0;
		unlocked = have_code && db_col_bytes(st, 2) == 32 &&
			   db_col_int(st, 3) > time_now() &&
			   sodium_memcmp(db_col_blob(st, 2), typed, 32) == 0;
	}
	if ((rc = db_done(st)))
		goto out;
	if (!found) {
		rc = EB_ENOTFOUND;
		goto out;
	}
	if (locked && !unlocked) {
		rc = EB_EBUSY;
		goto out;
	}
	rc = db_execute(
		db,
		"UPDATE account SET failed_logins=?1,"
		" locked_at=CASE WHEN locked_at IS NULL AND ?1 >= ?2 THEN ?3 ELSE locked_at END"
		" WHERE id=?4 AND district_id=?5",
		DB_ARGS(DB_INT(failed + 1), DB_INT(ACCOUNT_LOCK_FAILURES), DB_INT(time_now()),
			DB_INT(a->id), DB_INT(a->district_id)),
		NULL);
out:
	if (!rc)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

enum eb_err account_login_succeeded(struct db *db, const struct account *a)
{
	return db_execute(db,
			  "UPDATE account SET failed_logins=0, locked_at=NULL, unlock_hash=NULL,"
			  " unlock_expires_at=NULL WHERE id=?1 AND district_id=?2",
			  DB_ARGS(DB_INT(a->id), DB_INT(a->district_id)), NULL);
}

/* --- sign-in throttles --- */

void account_throttle_key(struct throttle_key *k, const struct throttle_rule *rule,
			  const char *what)
{
	crypto_generichash(k->hash, sizeof k->hash, (const unsigned char *)what, strlen(what), NULL,
			   0);
	k->rule = rule;
}

struct throttle_row {
	int64_t failures, window_start, blocked_until;
	bool fresh; /* no row, or one past its window or forgetting time */
};

/* The state after one more attempt on row r under rule at now. */
static void throttle_count(const struct throttle_rule *rule, struct throttle_row *r, int64_t now,
			   int64_t *expires_at)
{
	if (r->fresh) {
		r->failures = 0;
		r->window_start = now;
		r->blocked_until = 0;
	}
	r->failures++;
	if (rule->kind == THROTTLE_WINDOW) {
		r->blocked_until = r->failures >= rule->free ? r->window_start + rule->wait_s : 0;
		*expires_at = r->window_start + rule->wait_s;
		return;
	}
	int64_t wait = 0;
	if (r->failures >= rule->free) {
		int64_t doublings = r->failures - rule->free;
		wait = rule->wait_s;
		while (doublings-- > 0 && wait < rule->max_wait_s)
			wait *= 2;
		if (wait > rule->max_wait_s)
			wait = rule->max_wait_s;
	}
	r->blocked_until = now + wait;
	*expires_at = now + (rule->forget_s > wait ? rule->forget_s : wait);
}

enum eb_err account_throttle_begin(struct db *db, const struct throttle_key *keys, size_t n,
				   int64_t *retry_s)
{
	struct throttle_row rows[8];
	int64_t now = time_now(), retry = 0;
	*retry_s = 0;
	if (n > 8)
		return EB_EINVAL;
	if (db_begin(db))
		return EB_EDB;
	struct db_stmt *st;
	enum eb_err rc = EB_OK;
	for (size_t i = 0; i < n; i++) {
		const struct throttle_rule *rule = keys[i].rule;
		if ((rc = db_query(db,
				   "SELECT failures, window_start, blocked_until, expires_at"
				   " FROM login_throttle WHERE key=?1",
				   DB_ARGS(DB_BLOB(keys[i].hash, sizeof keys[i].hash)), &st)))
			goto out;
		rows[i].fresh = true;
		if (db_next(st)) {
			rows[i].failures = db_col_int(st, 0);
			rows[i].window_start = db_col_int(st, 1);
			rows[i].blocked_until = db_col_int(st, 2);
			rows[i].fresh = db_col_int(st, 3) <= now ||
					(rule->kind == THROTTLE_WINDOW &&
					 now >= rows[i].window_start + rule->wait_s);
		}
		if ((rc = db_done(st)))
			goto out;
		if (!rows[i].fresh && rows[i].blocked_until > now &&
		    rows[i].blocked_until - now > retry)
			retry = rows[i].blocked_until - now;
	}
	if (retry > 0) {
		*retry_s = retry;
		rc = EB_EBUSY;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		int64_t expires_at;
		throttle_count(keys[i].rule, &rows[i], now, &expires_at);
		rc = db_execute(db,
				"INSERT OR REPLACE INTO login_throttle(key, failures, window_start,"
				" blocked_until, last_at, expires_at) VALUES(?1,?2,?3,?4,?5,?6)",
				DB_ARGS(DB_BLOB(keys[i].hash, sizeof keys[i].hash),
					DB_INT(rows[i].failures), DB_INT(rows[i].window_start),
					DB_INT(rows[i].blocked_until), DB_INT(now),
					DB_INT(expires_at)),
				NULL);
		if (rc)
			goto out;
	}
	rc = EB_OK;
out:
	if (!rc)
		rc = db_commit(db);
	else
		db_rollback(db);
	return rc;
}

enum eb_err account_throttle_success(struct db *db, const struct throttle_key *keys, size_t n)
{
	enum eb_err rc = EB_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		if (keys[i].rule->kind == THROTTLE_PROGRESSIVE)
			rc = db_execute(db, "DELETE FROM login_throttle WHERE key=?1",
					DB_ARGS(DB_BLOB(keys[i].hash, sizeof keys[i].hash)), NULL);
		else
			rc = db_execute(
				db,
				"UPDATE login_throttle SET failures=max(failures-1,0),"
				" blocked_until=CASE WHEN failures-1 >= ?2 THEN blocked_until"
				" ELSE 0 END WHERE key=?1",
				DB_ARGS(DB_BLOB(keys[i].hash, sizeof keys[i].hash),
					DB_INT(keys[i].rule->free)),
				NULL);
	}
	return rc;
}
