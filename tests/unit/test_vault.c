/* Unit tests of domain/vault.h: the key file made on first use with mode
 * 0600 (and refused when open to others), seal/open round trips bound to
 * their purpose, tampering detected, and `secrets rotate`: every sealed
 * value re-sealed under the new key, the old key gone from the file after. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "domain/district.h"
#include "domain/vault.h"
#include "store/db.h"

static char keyfile[64], dbfile[64];

static int setup(void **state)
{
	snprintf(keyfile, sizeof keyfile, "/tmp/eb-vault-%d.key", (int)getpid());
	snprintf(dbfile, sizeof dbfile, "/tmp/eb-vault-%d.db", (int)getpid());
	unlink(keyfile);
	unlink(dbfile);
	unsetenv("EDBRIDGE_VAULT_KEY_FILE");
	return 0;
}

static int teardown(void **state)
{
	char p[96];
	unlink(keyfile);
	unlink(dbfile);
	snprintf(p, sizeof p, "%s.key", dbfile);
	unlink(p);
	return 0;
}

static void key_file_made_once_private(void **state)
{
	struct vault *v = NULL, *w = NULL;
	struct stat st;
	assert_int_equal(vault_load(keyfile, &v), EB_OK);
	assert_int_equal(stat(keyfile, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(vault_load(keyfile, &w), EB_OK);
	assert_string_equal(vault_current_kid(v), vault_current_kid(w));
	vault_close(w);
	chmod(keyfile, 0644);
	assert_int_equal(vault_load(keyfile, &w), EB_EPERM);
	vault_close(v);
}

static void seal_and_open(void **state)
{
	struct vault *v = NULL;
	struct buf s = BUF_INIT, p = BUF_INIT;
	assert_int_equal(vault_load(keyfile, &v), EB_OK);
	assert_int_equal(vault_seal(v, "sso.client_secret", "hunter2", 7, &s), EB_OK);
	assert_null(strstr(buf_cstr(&s), "hunter2"));
	assert_true(strncmp(buf_cstr(&s), "ebv1:", 5) == 0);
	assert_int_equal(vault_unseal(v, "sso.client_secret", buf_cstr(&s), &p), EB_OK);
	assert_int_equal(p.len, 7);
	assert_memory_equal(p.data, "hunter2", 7);
	vault_wipe(&p);
	/* another purpose does not open it */
	assert_int_equal(vault_unseal(v, "lti.platform_key", buf_cstr(&s), &p), EB_EAUTH);
	/* one changed character of the ciphertext */
	char *t = strdup(buf_cstr(&s));
	size_t n = strlen(t);
	t[n - 3] = t[n - 3] == 'A' ? 'B' : 'A';
	assert_int_equal(vault_unseal(v, "sso.client_secret", t, &p), EB_EAUTH);
	/* a key the vault does not have */
	memcpy(t + 5, "0000000000000000", 16);
	assert_int_equal(vault_unseal(v, "sso.client_secret", t, &p), EB_ENOTFOUND);
	assert_int_equal(vault_unseal(v, "sso.client_secret", "plain text", &p), EB_EPARSE);
	free(t);
	buf_free(&s);
	vault_wipe(&p);
	vault_close(v);
}

static void key_beside_the_database(void **state)
{
	struct db *db = NULL;
	char err[128], path[128];
	assert_int_equal(db_open(dbfile, DB_OPEN_CREATE, &db, err, sizeof err), EB_OK);
	assert_int_equal(vault_key_path(db, path, sizeof path), EB_OK);
	assert_true(strstr(path, ".db.key") != NULL);
	setenv("EDBRIDGE_VAULT_KEY_FILE", keyfile, 1);
	assert_int_equal(vault_key_path(db, path, sizeof path), EB_OK);
	assert_string_equal(path, keyfile);
	unsetenv("EDBRIDGE_VAULT_KEY_FILE");
	db_close(db);
}

static void rotate_reseals_everything(void **state)
{
	struct db *db = NULL;
	struct vault *v = NULL;
	struct vault_rotation r;
	struct buf s = BUF_INIT, p = BUF_INIT;
	char err[128];
	FILE *f;
	char text[1024];

	assert_int_equal(db_open(dbfile, DB_OPEN_CREATE, &db, err, sizeof err), EB_OK);
	int64_t d = 0;
	assert_int_equal(district_create(db, "One", &d), EB_OK);
	assert_int_equal(vault_load(keyfile, &v), EB_OK);
	/* sso_provider comes with migration 036; the vault only needs its column */
	assert_int_equal(vault_seal(v, "sso.client_secret", "s3cret", 6, &s), EB_OK);
	assert_int_equal(
		db_execute(db,
			   "INSERT INTO sso_provider(district_id, slug, preset, label, issuer,"
			   " client_id, client_secret_sealed) VALUES(?2, 'g', 'generic', 'G',"
			   " 'https://idp', 'c', ?1)",
			   DB_ARGS(DB_TEXT(buf_cstr(&s)), DB_INT(d)), NULL),
		EB_OK);
	/* a second sealed column (an LTI platform key): each column is re-sealed
	 * with its own statement and purpose */
	struct buf s2 = BUF_INIT;
	assert_int_equal(vault_seal(v, "lti.platform_key", "pem", 3, &s2), EB_OK);
	assert_int_equal(db_execute(db,
				    "INSERT INTO lti_platform_key(kid, public_jwk, private_sealed,"
				    " created_at) VALUES('k1', '{}', ?1, 1)",
				    DB_ARGS(DB_TEXT(buf_cstr(&s2))), NULL),
			 EB_OK);
	buf_free(&s2);
	char *old_kid = strdup(vault_current_kid(v));
	vault_close(v);
	assert_int_equal(vault_rotate(db, keyfile, &r), EB_OK);
	assert_string_equal(r.old_kid, old_kid);
	assert_int_equal(r.resealed, 2);
	assert_int_equal(vault_load(keyfile, &v), EB_OK);
	assert_string_equal(vault_current_kid(v), r.new_kid);
	/* the file holds only the new key */
	f = fopen(keyfile, "r");
	size_t got = fread(text, 1, sizeof text - 1, f);
	text[got] = '\0';
	fclose(f);
	assert_null(strstr(text, old_kid));
	/* the stored value opens with the new key */
	struct db_stmt *st = NULL;
	assert_int_equal(
		db_query(db, "SELECT client_secret_sealed FROM sso_provider", DB_NOARGS, &st),
		EB_OK);
	assert_true(db_next(st));
	assert_non_null(strstr(db_col_text(st, 0), r.new_kid));
	assert_int_equal(vault_unseal(v, "sso.client_secret", db_col_text(st, 0), &p), EB_OK);
	assert_memory_equal(p.data, "s3cret", 6);
	db_done(st);
	vault_wipe(&p);
	assert_int_equal(
		db_query(db, "SELECT private_sealed FROM lti_platform_key", DB_NOARGS, &st), EB_OK);
	assert_true(db_next(st));
	assert_non_null(strstr(db_col_text(st, 0), r.new_kid));
	assert_int_equal(vault_unseal(v, "lti.platform_key", db_col_text(st, 0), &p), EB_OK);
	assert_memory_equal(p.data, "pem", 3);
	db_done(st);
	/* the old sealed text no longer opens: its key is gone */
	vault_wipe(&p);
	assert_int_equal(vault_unseal(v, "sso.client_secret", buf_cstr(&s), &p), EB_ENOTFOUND);
	free(old_kid);
	buf_free(&s);
	vault_close(v);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(key_file_made_once_private, setup, teardown),
		cmocka_unit_test_setup_teardown(seal_and_open, setup, teardown),
		cmocka_unit_test_setup_teardown(key_beside_the_database, setup, teardown),
		cmocka_unit_test_setup_teardown(rotate_reseals_everything, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
