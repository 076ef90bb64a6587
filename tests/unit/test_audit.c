/* Unit tests of domain/audit: entries about a set of students carry their
 * count; text from a client is stored as valid UTF-8 and cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "base/arena.h"
#include "base/str.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "store/db.h"

static void counts_and_clean_text(void **state)
{
	(void)state;
	struct db *db;
	char err[256];
	int64_t d;
	assert_int_equal(db_open(":memory:", DB_OPEN_CREATE, &db, err, sizeof err), EB_OK);
	assert_int_equal(district_create(db, "One", &d), EB_OK);
	struct audit_actor who = { 7, "tina", "192.0.2.1" };
	assert_int_equal(audit_record_students(db, d, &who, "export", "class", "cls-1", 23,
					       "class mastery grid as CSV"),
			 EB_OK);
	assert_int_equal(audit_record(db, d, &who, "login", "account", "tina", "password"), EB_OK);
	/* a client's id: bytes that are not UTF-8 become '?', a long one is cut
	 * without splitting a character */
	char id[700];
	memset(id, 'k', sizeof id);
	memcpy(id + 511, "\xC3\xA9", 2); /* é across the cut at 512 bytes */
	id[sizeof id - 1] = '\0';
	assert_int_equal(audit_record_students(db, d, &who, "refused", "student",
					       "x\xFF\xFE"
					       "y\xE9"
					       "z",
					       1, "404"),
			 EB_OK);
	assert_int_equal(audit_record_students(db, d, &who, "refused", "student", id, 1, "404"),
			 EB_OK);
	struct arena a;
	arena_init(&a);
	struct audit_filter f = { .limit = 10 };
	struct audit_entry *e;
	size_t n;
	assert_int_equal(audit_list(db, d, &f, &a, &e, &n), EB_OK);
	assert_int_equal(n, 4); /* newest first */
	assert_int_equal(strlen(e[0].subject_id), 511);
	assert_true(str_utf8_valid(str_from(e[0].subject_id), NULL));
	assert_string_equal(e[1].subject_id, "x??y?z");
	assert_int_equal(e[1].students, 1);
	assert_int_equal(e[2].students, -1); /* a login is about no set of students */
	assert_int_equal(e[3].students, 23);
	assert_string_equal(e[3].action, "export");
	assert_string_equal(e[3].address, "192.0.2.1");
	arena_free(&a);
	db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts_and_clean_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
