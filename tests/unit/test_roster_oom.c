/* test_roster_oom.c - roster.c built with an arena_strndup that fails on
 * demand: a guardianship sync that runs out of memory while it reads the
 * people must fail and leave the stored links alone (it used to stop
 * reading, take the half-read roster for the whole one and delete every
 * link as stale). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

#include "base/arena.h"

/* arena_strndup fails from call number fail_at on (0: never) */
static long strndup_calls, fail_at;

static char *failing_strndup(struct arena *a, const char *p, size_t n)
{
	if (fail_at && ++strndup_calls >= fail_at)
		return NULL;
	return arena_strndup(a, p, n);
}

#define arena_strndup failing_strndup
#include "domain/roster.c"
#undef arena_strndup

#include "domain/district.h"
#include "ingest/oneroster.h"
#include "roster_fixture.h"

static struct db *open_fixture(int64_t *d)
{
	struct db *db;
	char err[200];
	if (db_open(":memory:", DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Test", d))
		return NULL;
	struct oneroster_file files[FX_COUNT];
	size_t n = fx_files(files, -1, NULL);
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_files(db, *d, files, n, &rep);
	oneroster_report_free(&rep);
	return rc ? NULL : db;
}

static int64_t links(struct db *db, int64_t d)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM guardianship WHERE district_id=?1",
				    DB_ARGS(DB_INT(d)), &n),
			 EB_OK);
	return n;
}

static void test_sync_out_of_memory_keeps_links(void **state)
{
	int64_t d;
	struct db *db = open_fixture(&d);
	assert_non_null(db);
	int64_t before = links(db, d);
	assert_true(before > 0);
	long added = -1, deleted = -1;
	/* how many copies a sync makes */
	strndup_calls = 0;
	fail_at = LONG_MAX;
	assert_int_equal(roster_sync_guardianship(db, d, &added, &deleted), EB_OK);
	fail_at = 0;
	long copies = strndup_calls;
	assert_true(copies > 0);
	assert_int_equal(deleted, 0);
	/* each failure point in turn: none may report success with a partial
	 * roster, and none may delete a link */
	for (long at = 1; at <= copies; at++) {
		strndup_calls = 0;
		fail_at = at;
		enum eb_err rc = roster_sync_guardianship(db, d, &added, &deleted);
		fail_at = 0;
		assert_int_equal(rc, EB_ENOMEM);
		assert_int_equal(deleted, 0);
		assert_int_equal(links(db, d), before);
	}
	/* with memory, the same sync finds nothing to change */
	assert_int_equal(roster_sync_guardianship(db, d, &added, &deleted), EB_OK);
	assert_int_equal(added, 0);
	assert_int_equal(deleted, 0);
	assert_int_equal(links(db, d), before);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_out_of_memory_keeps_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
