/* family_link.c - single-use sign-in links for families (family_link.h). */
#include "domain/family_link.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "store/db.h"

static const char *const channel_names[] = { "email", "sms", "letter", "staff" };

const char *family_link_channel_name(enum family_link_channel c)
{
	return (unsigned)c < sizeof channel_names / sizeof channel_names[0] ? channel_names[c]
									    : "staff";
}

int64_t family_link_ttl(enum family_link_channel c)
{
	return c == FAMILY_LINK_LETTER ? FAMILY_LINK_TTL_LETTER_S : FAMILY_LINK_TTL_MESSAGE_S;
}

/* A token is base64url: anything else is refused before it is hashed. */
static bool token_shape(const char *t)
{
	if (!t)
		return false;
	size_t n = strlen(t);
	if (n != FAMILY_LINK_TOKEN_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return false;
	}
	return true;
}

static void token_hash(const char *t, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)t, strlen(t), NULL, 0);
}

/* "family-<sid>" with the characters a login cannot hold as '_'; a sourced
 * id too long for a login gets "family-" and a hash of it instead. */
static void family_login(const char *sid, char out[ACCOUNT_LOGIN_MAX])
{
	size_t n = strlen(sid);
	if (n + 8 >= ACCOUNT_LOGIN_MAX) {
		unsigned char h[8];
		crypto_generichash(h, sizeof h, (const unsigned char *)sid, n, NULL, 0);
		snprintf(out, ACCOUNT_LOGIN_MAX, "family-%02x%02x%02x%02x%02x%02x%02x%02x", h[0],
			 h[1], h[2], h[3], h[4], h[5], h[6], h[7]);
		return;
	}
	size_t k = (size_t)snprintf(out, ACCOUNT_LOGIN_MAX, "family-");
	for (size_t i = 0; i < n; i++) {
		char c = sid[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
		out[k++] = ok ? c : '_';
	}
	out[k] = '\0';
}

static enum eb_err ensure_in_tx(struct db *db, int64_t district_id, const char *guardian_sid,
				int64_t *account_id)
{
	int64_t children = 0;
	enum eb_err rc =
		db_get_int(db,
			   "SELECT count(*) FROM guardianship g JOIN person p"
			   " ON p.district_id=g.district_id AND p.sourced_id=g.guardian_sourced_id"
			   " WHERE g.district_id=?1 AND g.guardian_sourced_id=?2",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid)), &children);
	if (rc)
		return rc;
	if (children == 0)
		return EB_ENOTFOUND;
	int64_t id = 0;
	rc = db_get_int(
		db,
		"SELECT a.id FROM account a WHERE a.district_id=?1 AND a.person_sourced_id=?2"
		" AND EXISTS (SELECT 1 FROM account_role r WHERE r.district_id=a.district_id AND "
		"r.account_id=a.id"
		" AND r.role='guardian') ORDER BY a.id LIMIT 1",
		DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid)), &id);
	if (rc == EB_ENOTFOUND) {
		char login[ACCOUNT_LOGIN_MAX], name[ACCOUNT_LOGIN_MAX] = "";
		struct db_stmt *st;
		family_login(guardian_sid, login);
		if ((rc = db_query(
			     db,
			     "SELECT trim(coalesce(nullif(preferred_first_name,''), given_name)"
			     " || ' ' || family_name) FROM person"
			     " WHERE district_id=?1 AND sourced_id=?2",
			     DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid)), &st)))
			return rc;
		if (db_next(st))
			str_copy(name, sizeof name, db_col_text(st, 0));
		if ((rc = db_done(st)))
			return rc;
		rc = account_create(db, district_id, login, *name ? name : login, NULL,
				    guardian_sid, &id);
		if (rc == EB_EEXIST || rc == EB_EINVAL) {
			/* the login is someone else's (or the name does not fit): a
			 * login of the hash of the sourced id, which no roster id
			 * makes by family_login */
			unsigned char h[8];
			crypto_generichash(h, sizeof h, (const unsigned char *)guardian_sid,
					   strlen(guardian_sid), NULL, 0);
			snprintf(login, sizeof login, "family.%02x%02x%02x%02x%02x%02x%02x%02x",
				 h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]);
			rc = account_create(db, district_id, login, login, NULL, guardian_sid, &id);
		}
	}
	if (rc)
		return rc;
	/* a guardian role for every child of the roster */
	rc = db_execute(
		db,
		"INSERT OR IGNORE INTO account_role(district_id, account_id, role, scope_type,"
		" scope_id) SELECT ?1, ?2, 'guardian', 'person', g.student_sourced_id"
		" FROM guardianship g WHERE g.district_id=?1 AND g.guardian_sourced_id=?3",
		DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(guardian_sid)), NULL);
	if (!rc)
		*account_id = id;
	return rc;
}

enum eb_err family_account_ensure(struct db *db, int64_t district_id, const char *guardian_sid,
				  int64_t *account_id)
{
	if (!guardian_sid || !*guardian_sid)
		return EB_EINVAL;
	bool own_tx = !db_in_transaction(db);
	if (own_tx && db_begin(db))
		return EB_EDB;
	enum eb_err rc = ensure_in_tx(db, district_id, guardian_sid, account_id);
	if (own_tx) {
		if (rc)
			db_rollback(db);
		else if ((rc = db_commit(db)))
			db_rollback(db);
	}
	return rc;
}

enum eb_err family_link_issue(struct db *db, int64_t district_id, const char *guardian_sid,
			      const char *student_sid, enum family_link_channel channel,
			      char token_out[64])
{
	if (!guardian_sid || !*guardian_sid || !student_sid || !*student_sid)
		return EB_EINVAL;
	bool own_tx = !db_in_transaction(db);
	if (own_tx && db_begin(db))
		return EB_EDB;
	int64_t n = 0, id = 0;
	enum eb_err rc = db_get_int(
		db,
		"SELECT count(*) FROM guardianship WHERE district_id=?1"
		" AND guardian_sourced_id=?2 AND student_sourced_id=?3",
		DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid), DB_TEXT(student_sid)), &n);
	if (!rc && n == 0)
		rc = EB_ENOTFOUND;
	if (!rc)
		rc = ensure_in_tx(db, district_id, guardian_sid, &id);
	char token[64];
	unsigned char h[32];
	if (!rc) {
		account_random_token(token, sizeof token, 32);
		token_hash(token, h);
		int64_t now = time_now();
		rc = db_execute(db,
				"INSERT INTO family_link(token_hash, district_id, account_id,"
				" student_sourced_id, channel, created_at, expires_at)"
				" VALUES(?1,?2,?3,?4,?5,?6,?7)",
				DB_ARGS(DB_BLOB(h, sizeof h), DB_INT(district_id), DB_INT(id),
					DB_TEXT(student_sid),
					DB_TEXT(family_link_channel_name(channel)), DB_INT(now),
					DB_INT(now + family_link_ttl(channel))),
				NULL);
	}
	if (own_tx) {
		if (rc)
			db_rollback(db);
		else if ((rc = db_commit(db)))
			db_rollback(db);
	}
	if (!rc)
		str_copy(token_out, 64, token);
	sodium_memzero(token, sizeof token);
	return rc;
}

/* The state of the link of hash h at now, and its account into *a (not
 * for UNKNOWN). valid_ok: a link neither used nor expired is OK (a check);
 * else it can only be a lost race with another redemption (USED). */
static enum eb_err why_not(struct db *db, const unsigned char h[32], int64_t now,
			   enum family_link_state *state, struct account *a, bool valid_ok)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT account_id, district_id, used_at IS NOT NULL, expires_at"
				  " FROM family_link WHERE token_hash=?1",
				  DB_ARGS(DB_BLOB(h, 32)), &st);
	if (rc)
		return rc;
	int64_t acct = 0, district = 0, expires = 0;
	bool used = false;
	if (db_next(st)) {
		acct = db_col_int(st, 0);
		district = db_col_int(st, 1);
		used = db_col_int(st, 2) != 0;
		expires = db_col_int(st, 3);
	}
	if ((rc = db_done(st)))
		return rc;
	if (!acct) {
		*state = FAMILY_LINK_UNKNOWN;
		return EB_OK;
	}
	*state = used		  ? FAMILY_LINK_USED
		 : expires <= now ? FAMILY_LINK_EXPIRED
		 : valid_ok	  ? FAMILY_LINK_OK
				  : FAMILY_LINK_USED;
	rc = account_get(db, district, acct, a);
	if (rc == EB_ENOTFOUND) {
		*state = FAMILY_LINK_UNKNOWN;
		return EB_OK;
	}
	if (!rc && a->disabled)
		*state = FAMILY_LINK_DISABLED;
	return rc;
}

enum eb_err family_link_redeem(struct db *db, const char *token, enum family_link_state *state,
			       struct account *a, char student_sid_out[ACCOUNT_ID_MAX])
{
	if (!token_shape(token)) {
		*state = FAMILY_LINK_UNKNOWN;
		return EB_OK;
	}
	unsigned char h[32];
	token_hash(token, h);
	int64_t now = time_now();
	struct db_stmt *st;
	/* one statement marks it used, so two redemptions cannot both succeed */
	enum eb_err rc =
		db_query(db,
			 "UPDATE family_link SET used_at=?1 WHERE token_hash=?2 AND used_at IS NULL"
			 " AND expires_at > ?1 RETURNING account_id, district_id,"
			 " student_sourced_id",
			 DB_ARGS(DB_INT(now), DB_BLOB(h, sizeof h)), &st);
	if (rc)
		return rc;
	int64_t acct = 0, district = 0;
	if (db_next(st)) {
		acct = db_col_int(st, 0);
		district = db_col_int(st, 1);
		str_copy(student_sid_out, ACCOUNT_ID_MAX, db_col_text(st, 2));
	}
	if ((rc = db_done(st)))
		return rc;
	if (acct) {
		rc = account_get(db, district, acct, a);
		if (rc == EB_ENOTFOUND) {
			*state = FAMILY_LINK_UNKNOWN;
			return EB_OK;
		}
		if (!rc)
			*state = a->disabled ? FAMILY_LINK_DISABLED : FAMILY_LINK_OK;
		return rc;
	}
	/* why not: used, expired or unknown */
	return why_not(db, h, now, state, a, false);
}

enum eb_err family_link_check(struct db *db, const char *token, enum family_link_state *state,
			      struct account *a)
{
	*state = FAMILY_LINK_UNKNOWN;
	if (!token_shape(token))
		return EB_OK;
	unsigned char h[32];
	token_hash(token, h);
	return why_not(db, h, time_now(), state, a, true);
}

bool family_link_url(const char *base, const char *token, char *out, size_t cap)
{
	if (!base || !*base || !token)
		return false;
	size_t n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		n--;
	int w = snprintf(out, cap, "%.*s/f/%s", (int)n, base, token);
	return w > 0 && (size_t)w < cap;
}

enum eb_err family_link_purge(struct db *db, int64_t *n)
{
	int purged = 0;
	enum eb_err rc = db_execute(db, "DELETE FROM family_link WHERE expires_at <= ?1",
				    DB_ARGS(DB_INT(time_now() - 86400)), &purged);
	if (n)
		*n = rc ? 0 : purged;
	return rc;
}
