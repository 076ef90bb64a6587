/* Unit tests of domain/sso.h without a network: the id_token's claims
 * checks (issuer, audience and azp, expiry, issue time, not-before, nonce,
 * subject) at the edges of the clock skew; the sign-in state used once and
 * only before it expires; roster matching (by email, the subject remembered
 * and used first, nobody made up, disabled accounts and unverified emails
 * refused); provider registration refusals that store nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "domain/account.h"
#include "domain/district.h"
#include "domain/sso.h"
#include "store/db.h"

#define NOW 1800000000LL
#define ISS "https://idp.example"
#define AUD "client-1"
#define NONCE "n-0123456789"

static char path[64], keypath[80];
static struct db *db;
static int64_t d1, d2;

static int setup(void **state)
{
	char err[128];
	snprintf(path, sizeof path, "/tmp/eb-sso-%d.db", (int)getpid());
	snprintf(keypath, sizeof keypath, "%s.key", path);
	unlink(path);
	unlink(keypath);
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "One", &d1) || district_create(db, "Two", &d2))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	db_close(db);
	unlink(path);
	unlink(keypath);
	return 0;
}

static enum eb_err check(const char *json, struct sso_claims *c, const char **why)
{
	return sso_check_claims(json, strlen(json), ISS, AUD, NONCE, NOW, c, why);
}

static void claims(void **state)
{
	struct sso_claims c;
	const char *why = NULL;
	char j[512];
	const char *base = "{\"iss\":\"" ISS "\",\"aud\":%s,\"sub\":\"u1\",\"iat\":%lld,"
			   "\"exp\":%lld,\"nonce\":\"%s\"%s}";
#define TRY(aud, iat, exp, nonce, extra)                                                           \
	(snprintf(j, sizeof j, base, aud, (long long)(iat), (long long)(exp), nonce, extra),       \
	 check(j, &c, &why))

	assert_int_equal(TRY("\"" AUD "\"", NOW, NOW + 300, NONCE,
			     ",\"email\":\"a@b.example\",\"email_verified\":true"),
			 EB_OK);
	assert_string_equal(c.sub, "u1");
	assert_string_equal(c.email, "a@b.example");
	assert_int_equal(c.email_verified, 1);
	/* another audience; an array with ours and no azp; with azp ours */
	assert_int_equal(TRY("\"other\"", NOW, NOW + 300, NONCE, ""), EB_EAUTH);
	assert_non_null(strstr(why, "another application"));
	assert_int_equal(TRY("[\"" AUD "\",\"x\"]", NOW, NOW + 300, NONCE, ""), EB_EAUTH);
	assert_int_equal(TRY("[\"" AUD "\",\"x\"]", NOW, NOW + 300, NONCE, ",\"azp\":\"" AUD "\""),
			 EB_OK);
	assert_int_equal(TRY("\"" AUD "\"", NOW, NOW + 300, NONCE, ",\"azp\":\"x\""), EB_EAUTH);
	/* expiry at the edge of the skew */
	assert_int_equal(TRY("\"" AUD "\"", NOW - 600, NOW - SSO_SKEW_S, NONCE, ""), EB_OK);
	assert_int_equal(TRY("\"" AUD "\"", NOW - 600, NOW - SSO_SKEW_S - 1, NONCE, ""), EB_EAUTH);
	assert_non_null(strstr(why, "expired"));
	/* issued in the future, or long ago */
	assert_int_equal(TRY("\"" AUD "\"", NOW + SSO_SKEW_S + 1, NOW + 900, NONCE, ""), EB_EAUTH);
	assert_int_equal(TRY("\"" AUD "\"", NOW - 2 * 86400, NOW + 900, NONCE, ""), EB_EAUTH);
	/* not before */
	assert_int_equal(TRY("\"" AUD "\"", NOW, NOW + 900, NONCE, ",\"nbf\":1800000500"),
			 EB_EAUTH);
	/* the nonce */
	assert_int_equal(TRY("\"" AUD "\"", NOW, NOW + 300, "n-0123456788", ""), EB_EAUTH);
	assert_non_null(strstr(why, "nonce"));
	/* another issuer */
	const char *iss = "{\"iss\":\"https://evil.example\",\"aud\":\"" AUD "\",\"sub\":\"u1\","
			  "\"iat\":1800000000,\"exp\":1800000300,\"nonce\":\"" NONCE "\"}";
	assert_int_equal(check(iss, &c, &why), EB_EAUTH);
	assert_non_null(strstr(why, "another provider"));
	/* no subject, no exp, not JSON */
	const char *nosub = "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"iat\":1800000000,"
			    "\"exp\":1800000300,\"nonce\":\"" NONCE "\"}";
	assert_int_equal(check(nosub, &c, &why), EB_EAUTH);
	const char *noexp = "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
			    "\"iat\":1800000000,\"nonce\":\"" NONCE "\"}";
	assert_int_equal(check(noexp, &c, &why), EB_EAUTH);
	assert_int_equal(check("[1]", &c, &why), EB_EAUTH);
#undef TRY
}

static int64_t add_provider(const char *slug, int64_t district)
{
	struct sso_provider_new in = { .slug = slug,
				       .preset = "generic",
				       .issuer = ISS,
				       .client_id = AUD,
				       .client_secret = "s3cret" };
	int64_t id = 0;
	const char *why = NULL;
	assert_int_equal(sso_provider_add(db, district, &in, &id, &why), EB_OK);
	return id;
}

static void registration_refusals(void **state)
{
	const char *why = NULL;
	int64_t id = 0, n = -1;
	struct sso_provider_new bad[] = {
		{ .slug = "Bad Slug", .preset = "google", .client_id = "c" },
		{ .slug = "ok", .preset = "okta", .client_id = "c" },
		{ .slug = "ok", .preset = "generic", .issuer = "http://idp", .client_id = "c" },
		{ .slug = "ok", .preset = "microsoft", .client_id = "c" },
		{ .slug = "ok", .preset = "google", .client_id = "" },
		{ .slug = "ok", .preset = "google", .client_id = "c", .ca_file = "/nonexistent" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		assert_int_equal(sso_provider_add(db, d1, &bad[i], &id, &why), EB_EINVAL);
		assert_non_null(why);
	}
	add_provider("one", d1);
	struct sso_provider_new dup = { .slug = "one", .preset = "google", .client_id = "c" };
	assert_int_equal(sso_provider_add(db, d2, &dup, &id, &why), EB_EEXIST);
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM sso_provider", DB_NOARGS, &n), EB_OK);
	assert_int_equal(n, 1);
	/* the secret is sealed, never stored plain */
	assert_int_equal(db_get_int(db,
				    "SELECT count(*) FROM sso_provider WHERE client_secret_sealed"
				    " LIKE 'ebv1:%' AND instr(client_secret_sealed, 's3cret') = 0",
				    DB_NOARGS, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	/* another district cannot remove it */
	struct sso_provider p;
	assert_int_equal(sso_provider_by_slug(db, "one", &p), EB_OK);
	assert_int_equal(sso_provider_remove(db, d2, p.id), EB_ENOTFOUND);
	assert_int_equal(sso_provider_remove(db, d1, p.id), EB_OK);
}

static void state_single_use_and_expiry(void **state)
{
	struct sso_provider p, q;
	char nonce[64], verifier[64], st[64];
	const char *why = NULL;
	unsigned char h[32];
	add_provider("p", d1);
	add_provider("q", d1);
	sso_provider_by_slug(db, "p", &p);
	sso_provider_by_slug(db, "q", &q);
	/* as sso_begin stores it (its discovery needs the network) */
	snprintf(st, sizeof st, "%s", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ");
	crypto_generichash(h, 32, (const unsigned char *)st, strlen(st), NULL, 0);
	assert_int_equal(db_execute(db,
				    "INSERT INTO sso_login VALUES(?1, ?2, 'nn', 'vv', ?3, ?4, ?5)",
				    DB_ARGS(DB_BLOB(h, 32), DB_INT(p.id), DB_INT(NOW),
					    DB_INT(NOW + SSO_LOGIN_TTL_S), DB_INT(p.district_id)),
				    NULL),
			 EB_OK);
	/* another provider's callback takes it and fails: it is gone after */
	assert_int_equal(sso_take_state(db, &q, st, NOW, nonce, verifier, &why), EB_EAUTH);
	assert_int_equal(sso_take_state(db, &p, st, NOW, nonce, verifier, &why), EB_EAUTH);
	db_execute(db, "INSERT INTO sso_login VALUES(?1, ?2, 'nn', 'vv', ?3, ?4, ?5)",
		   DB_ARGS(DB_BLOB(h, 32), DB_INT(p.id), DB_INT(NOW), DB_INT(NOW + SSO_LOGIN_TTL_S),
			   DB_INT(p.district_id)),
		   NULL);
	assert_int_equal(sso_take_state(db, &p, st, NOW + 1, nonce, verifier, &why), EB_OK);
	assert_string_equal(nonce, "nn");
	assert_string_equal(verifier, "vv");
	assert_int_equal(sso_take_state(db, &p, st, NOW + 2, nonce, verifier, &why), EB_EAUTH);
	/* expired */
	db_execute(db, "INSERT INTO sso_login VALUES(?1, ?2, 'nn', 'vv', ?3, ?4, ?5)",
		   DB_ARGS(DB_BLOB(h, 32), DB_INT(p.id), DB_INT(NOW), DB_INT(NOW + SSO_LOGIN_TTL_S),
			   DB_INT(p.district_id)),
		   NULL);
	assert_int_equal(
		sso_take_state(db, &p, st, NOW + SSO_LOGIN_TTL_S + 1, nonce, verifier, &why),
		EB_EAUTH);
	assert_int_equal(sso_take_state(db, &p, "short", NOW, nonce, verifier, &why), EB_EAUTH);
}

static void roster_matching(void **state)
{
	struct sso_provider p;
	struct sso_claims c = { .sub = "sub-1", .email = "ana@one.example", .email_verified = 1 };
	struct account a;
	const char *why = NULL;
	int64_t acc = 0, other = 0, n = -1;

	add_provider("m", d1);
	sso_provider_by_slug(db, "m", &p);
	assert_int_equal(db_execute(db,
				    "INSERT INTO person(district_id, sourced_id, org_sourced_ids,"
				    " role, given_name, family_name, email) VALUES(?1, 'p-1', 's',"
				    " 'teacher', 'Ana', 'Ruiz', 'Ana@One.example')",
				    DB_ARGS(DB_INT(d1)), NULL),
			 EB_OK);
	/* the same email in district two belongs to someone else */
	db_execute(db,
		   "INSERT INTO person(district_id, sourced_id, org_sourced_ids, role, given_name,"
		   " family_name, email) VALUES(?1, 'p-9', 's', 'teacher', 'X', 'Y',"
		   " 'ana@one.example')",
		   DB_ARGS(DB_INT(d2)), NULL);
	assert_int_equal(account_create(db, d2, "xavier", "Xavier", NULL, "p-9", &other), EB_OK);
	/* nobody in district one has an account yet: refused, nothing made */
	assert_int_equal(sso_match_account(db, &p, &c, NOW, &a, &why), EB_ENOTFOUND);
	assert_non_null(strstr(why, "roster"));
	assert_int_equal(account_create(db, d1, "ana", "Ana", NULL, "p-1", &acc), EB_OK);
	/* unverified email */
	c.email_verified = 0;
	assert_int_equal(sso_match_account(db, &p, &c, NOW, &a, &why), EB_EPERM);
	c.email_verified = -1;
	assert_int_equal(sso_match_account(db, &p, &c, NOW, &a, &why), EB_OK);
	assert_int_equal(a.id, acc);
	assert_int_equal(a.district_id, d1);
	/* the subject is remembered: a changed email still finds the account */
	snprintf(c.email, sizeof c.email, "%s", "renamed@one.example");
	assert_int_equal(sso_match_account(db, &p, &c, NOW + 5, &a, &why), EB_OK);
	assert_int_equal(a.id, acc);
	assert_int_equal(db_get_int(db,
				    "SELECT last_seen_at FROM sso_identity WHERE subject = 'sub-1'",
				    DB_NOARGS, &n),
			 EB_OK);
	assert_int_equal(n, NOW + 5);
	/* a disabled account is refused */
	account_set_disabled(db, d1, acc, true);
	assert_int_equal(sso_match_account(db, &p, &c, NOW, &a, &why), EB_EPERM);
	/* two accounts of one email: refused */
	struct sso_claims c2 = { .sub = "sub-2", .email = "ana@one.example", .email_verified = 1 };
	int64_t acc2 = 0;
	db_execute(db,
		   "INSERT INTO person(district_id, sourced_id, org_sourced_ids, role, given_name,"
		   " family_name, email) VALUES(?1, 'p-2', 's', 'teacher', 'Ana', 'Two',"
		   " 'ana@one.example')",
		   DB_ARGS(DB_INT(d1)), NULL);
	assert_int_equal(account_create(db, d1, "ana2", "Ana 2", NULL, "p-2", &acc2), EB_OK);
	assert_int_equal(sso_match_account(db, &p, &c2, NOW, &a, &why), EB_ECONFLICT);
	/* no account was ever made by a sign-in */
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM account", DB_NOARGS, &n), EB_OK);
	assert_int_equal(n, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(claims),
		cmocka_unit_test_setup_teardown(registration_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(state_single_use_and_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(roster_matching, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
