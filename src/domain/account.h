/* account.h - people who log in: accounts, roles with scopes, passwords
 * (Argon2id), family access codes, and sessions.
 *
 * Secrets: passwords are stored as libsodium Argon2id strings; session tokens
 * and access codes are stored only as BLAKE2b hashes. Nothing in this module
 * logs a secret. */
#ifndef EB_ACCOUNT_H
#define EB_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

enum role {
	ROLE_DISTRICT_ADMIN,
	ROLE_COORDINATOR,
	ROLE_PRINCIPAL,
	ROLE_COACH,
	ROLE_TEACHER,
	ROLE_TECH_CHAMPION,
	ROLE_IT_STAFF,
	ROLE_VENDOR_CONTACT,
	ROLE_GUARDIAN,
	ROLE_STUDENT,
	ROLE__COUNT
};

/* Stored name ("district_admin"), or NULL for an invalid role. */
const char *role_name(enum role r);
/* Words for people ("District administrator"). */
const char *role_label(enum role r);
/* Parses a stored name; also accepts '-' for '_' and "parent" for guardian. */
bool role_parse(const char *s, enum role *out);

#define ACCOUNT_MAX_ROLES 16
#define ACCOUNT_LOGIN_MAX 128
#define ACCOUNT_ID_MAX 128

struct account_role {
	enum role role;
	char scope_type[12];	       /* district | school | class | person */
	char scope_id[ACCOUNT_ID_MAX]; /* district id, or an org/class/person sourcedId */
};

struct account {
	int64_t id, district_id;
	char login[ACCOUNT_LOGIN_MAX];
	char display_name[ACCOUNT_LOGIN_MAX];
	char person_sid[ACCOUNT_ID_MAX]; /* linked roster person, "" if none */
	bool disabled, has_password;
	int nroles;
	struct account_role roles[ACCOUNT_MAX_ROLES];
	unsigned role_mask; /* bit (1u << role) for each role held */
	int failed_logins;  /* password checks failed since the last success */
	bool locked;	    /* locked after ACCOUNT_LOCK_FAILURES of them */
};

#define PASSWORD_MIN 8
#define PASSWORD_MAX 256

/* The password policy (NIST SP 800-63B 5.1.1.2), the same on every path that
 * sets a password: at least PASSWORD_MIN and at most PASSWORD_MAX bytes, not
 * only spaces, and not refused by the common-password dictionary (cracklib:
 * dictionary words and their variants, too simple or systematic, based on the
 * login or the name). No composition rules. login and display_name are the
 * account's (the context the dictionary check uses) and may be NULL. Returns
 * NULL when the password is acceptable, else a sentence for people saying
 * why not (static storage). Also refuses every password, saying so, when the
 * dictionary is not installed (Debian package cracklib-runtime). Thread-safe. */
const char *account_password_problem(const char *password, const char *login,
				     const char *display_name);

/* Whether new password hashes take Argon2id's minimum cost because the
 * environment has EDBRIDGE_TEST_FAST_PASSWORDS=1 (the test runner's setting;
 * serve warns when it is set). */
bool account_fast_passwords(void);

/* Creates an account. password may be NULL (access-code-only login, for
 * families). person_sid may be NULL. A login is unique within its district
 * (case-insensitive); the same login may exist in another district. Errors:
 * EB_EINVAL (bad login: 3-127 chars of letters, digits, . _ @ -; a password
 * account_password_problem() refuses), EB_EEXIST (login taken in this
 * district). */
enum eb_err account_create(struct db *db, int64_t district_id, const char *login,
			   const char *display_name, const char *password, const char *person_sid,
			   int64_t *id);
/* Sets the password (EB_EINVAL when account_password_problem() refuses it,
 * EB_ENOTFOUND for no such account in the district) and ends every session of
 * the account and forgets its remembered devices, so that whoever held one
 * must log in with the new password. */
enum eb_err account_set_password(struct db *db, int64_t district_id, int64_t id,
				 const char *password);
/* Disabling ends every session of the account and forgets its remembered
 * devices. */
enum eb_err account_set_disabled(struct db *db, int64_t district_id, int64_t id, bool disabled);
/* scope_type district|school|class|person|tool; for district, scope_id is
 * the district id as text; tool (a vendor contact's tool) the tool's id.
 * EB_EINVAL for a scope that does not fit the role. */
enum eb_err account_add_role(struct db *db, int64_t district_id, int64_t id, enum role role,
			     const char *scope_type, const char *scope_id);
enum eb_err account_remove_role(struct db *db, int64_t district_id, int64_t id, enum role role,
				const char *scope_type, const char *scope_id);
/* Loads an account of the district with its roles; EB_ENOTFOUND otherwise. */
enum eb_err account_get(struct db *db, int64_t district_id, int64_t id, struct account *out);
/* The account with this login (any case) in the district, with its roles;
 * EB_ENOTFOUND otherwise. */
enum eb_err account_find_login(struct db *db, int64_t district_id, const char *login,
			       struct account *out);

/* Checks a password of the account with this login in the district (see
 * account_verify_password). EB_EAUTH for an unknown login, a wrong password,
 * a disabled account or one without a password - the caller cannot tell
 * which, and the time taken is similar in each case. */
enum eb_err account_check_password(struct db *db, int64_t district_id, const char *login,
				   const char *password, struct account *out);
/* Checks password against the stored hash of account a (a NULL a, or one
 * that no longer exists, is checked against a dummy hash so that the time
 * taken is the same): EB_OK, or EB_EAUTH for a wrong password, a disabled
 * account or one without a password; EB_EDB when the hash cannot be read. */
enum eb_err account_verify_password(struct db *db, const struct account *a, const char *password);

/* --- the account lock (docs/security.md "Logging in") ---
 * Every password check of an account is counted before it is made, across
 * all client addresses; the ACCOUNT_LOCK_FAILURES-th since the last success
 * locks the account. A locked account is checked only together with a valid
 * unlock code, which an administrator issues (page or `edbridge user unlock`)
 * and gives to the person; the right password then lifts the lock. */
#define ACCOUNT_LOCK_FAILURES 50
#define ACCOUNT_UNLOCK_DAYS 7

/* Before checking a password of a: counts the check and returns EB_OK (the
 * count and the lock are one write transaction, so concurrent checks cannot
 * get past the limit), or EB_EBUSY without counting when a is locked and
 * unlock_code (may be NULL) is not its valid unlock code. EB_EDB when the
 * database is busy. */
enum eb_err account_login_attempt(struct db *db, const struct account *a, const char *unlock_code);
/* After the right password: forgets the failures, the lock and the unlock code. */
enum eb_err account_login_succeeded(struct db *db, const struct account *a);
/* Issues an unlock code ("XXXX-XXXX-XXXX", valid ACCOUNT_UNLOCK_DAYS days,
 * replacing any earlier one; only its hash is stored) into code_out. */
enum eb_err account_issue_unlock(struct db *db, int64_t district_id, int64_t id, char code_out[32]);

/* --- sign-in throttles: counters kept in the database (table
 * login_throttle), so that no other traffic can evict them and every server
 * process shares them. A key names what is counted; its rule says how. --- */
enum throttle_kind {
	THROTTLE_PROGRESSIVE, /* `free` attempts, then a wait that doubles after each one */
	THROTTLE_WINDOW,      /* at most `free` attempts per window */
};
struct throttle_rule {
	enum throttle_kind kind;
	int free;
	int wait_s;	/* window: its length; progressive: the first wait */
	int max_wait_s; /* progressive: the longest wait */
	int forget_s;	/* progressive: a counter untouched this long starts again */
};
struct throttle_key {
	unsigned char hash[16];
	const struct throttle_rule *rule;
};

/* Fills k: what (any text, e.g. "pair|42|192.0.2.1") is hashed, never stored. */
void account_throttle_key(struct throttle_key *k, const struct throttle_rule *rule,
			  const char *what);
/* Counts one attempt against each of the n keys, in one write transaction:
 * EB_OK, or EB_EBUSY with *retry_s (seconds until an attempt is allowed)
 * when any key is blocked, counting nothing. EB_EDB when the database is busy. */
enum eb_err account_throttle_begin(struct db *db, const struct throttle_key *keys, size_t n,
				   int64_t *retry_s);
/* After a successful attempt: forgets progressive counters and gives the
 * attempt back to window counters (they count failures). */
enum eb_err account_throttle_success(struct db *db, const struct throttle_key *keys, size_t n);

struct account_row {
	int64_t id;
	const char *login, *display_name, *person_sid;
	const char *roles;	/* with scopes: "teacher (school sch-1), coach (district 1)" */
	const char *role_names; /* stored names only: "teacher,coach" (label_roles) */
	bool disabled;
};
/* All accounts of a district, ordered by login; arrays live in arena. */
enum eb_err account_list(struct db *db, int64_t district_id, struct arena *arena,
			 struct account_row **rows, size_t *n);

/* Issues a one-time access code (printed by a school for a family), valid
 * for `days`. code_out receives "XXXX-XXXX-XXXX" (Crockford base32). */
enum eb_err account_issue_code(struct db *db, int64_t district_id, int64_t id, int days,
			       char code_out[32]);
/* The first 8 characters of a typed access code, normalised as a redemption
 * normalises it (into out); false when the text is not a well-formed code. */
bool account_code_prefix(const char *code, char out[9]);
/* Redeems a code: EB_EAUTH if unknown, used or expired (EB_EDB when the
 * database cannot be read). Marks it used. */
enum eb_err account_redeem_code(struct db *db, const char *code, struct account *out);

#define SESSION_TOKEN_LEN 43 /* base64url of 32 random bytes */
#define SESSION_TTL_S (12 * 3600)

/* Creates a session; token_out and csrf_out receive NUL-terminated strings. */
enum eb_err session_create(struct db *db, const struct account *a, char token_out[64],
			   char csrf_out[64]);
/* Loads the session's account (with roles) and CSRF token; EB_EAUTH if the
 * token is unknown or expired, EB_EDB when the database cannot be read. */
enum eb_err session_lookup(struct db *db, const char *token, struct account *a, char csrf_out[64]);
enum eb_err session_delete(struct db *db, const char *token);
/* Removes expired sessions (how many via *n), expired remembered devices and
 * expired sign-in throttles. */
enum eb_err session_purge(struct db *db, int64_t *n);

/* --- remembered devices (docs/security.md "Sessions"): a family signed in
 * on its own phone or computer stays signed in. A device token is a
 * credential like a session token (only its BLAKE2b hash is stored) that
 * starts a new session when the browser has none. It lasts DEVICE_TTL_DAYS
 * from when it was made; the account holder or an administrator forgets it;
 * a password change and disabling the account forget all of the account's. */
#define DEVICE_TTL_DAYS 90
#define DEVICE_MAX_PER_ACCOUNT 10
#define DEVICE_LABEL_MAX 80

/* Remembers a device of account a: a new token into token_out (base64url
 * of 32 random bytes), its hash stored with label (what the person sees to
 * tell devices apart; cut to DEVICE_LABEL_MAX bytes) and the expiry; the
 * account's oldest devices beyond DEVICE_MAX_PER_ACCOUNT are forgotten.
 * *id (may be NULL) gets the device's id. EB_EDB on a database error. */
enum eb_err account_device_remember(struct db *db, const struct account *a, const char *label,
				    char token_out[64], int64_t *id);
/* The account (with roles) of a device token: EB_EAUTH when the token is
 * malformed, unknown or expired, or its account disabled. Records the use
 * (last_used_at). *device_id (may be NULL) gets the device's id. */
enum eb_err account_device_lookup(struct db *db, const char *token, struct account *a,
				  int64_t *device_id);
/* The id of the device of token when it is account_id's and valid, else 0. */
int64_t account_device_of(struct db *db, const char *token, int64_t account_id);

struct device_row {
	int64_t id;
	const char *label;
	int64_t created_at, last_used_at, expires_at;
};
/* The account's remembered devices that have not expired, newest first
 * (arena). */
enum eb_err account_device_list(struct db *db, int64_t district_id, int64_t account_id,
				struct arena *arena, struct device_row **rows, size_t *n);
/* Forgets device id of the account (id 0: every device of the account);
 * *n (may be NULL) gets how many were forgotten. */
enum eb_err account_device_forget(struct db *db, int64_t district_id, int64_t account_id,
				  int64_t id, int64_t *n);

/* Random token: base64url (no padding) of nbytes random bytes into out. */
void account_random_token(char *out, size_t cap, size_t nbytes);

#endif
