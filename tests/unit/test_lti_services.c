/* Unit tests of domain/data_scope (the district's data-sharing scopes per
 * tool) and domain/lti_services (tokens, AGS, NRPS, deletion on request). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/data_scope.h"
#include "domain/district.h"
#include "domain/tools.h"
#include "store/db.h"

struct fx {
	struct db *db;
	int64_t d1, d2, tool1, tool2;
	struct arena ar;
};

static const struct audit_actor cli = { 0, "cli", "" };

static int64_t add_tool(struct fx *f, int64_t d, const char *name)
{
	struct tool t;
	struct tool_form in = { .name = name };
	char why[200];
	int64_t id = 0;
	tools_defaults(&t);
	assert_int_equal(tools_validate(f->db, d, &in, &t, why, sizeof why), EB_OK);
	assert_int_equal(tools_create(f->db, d, &t, TOOL_UNDER_REVIEW, 0, &cli, "added", &id),
			 EB_OK);
	return id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	if (db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "One", &f->d1) || district_create(f->db, "Two", &f->d2))
		return -1;
	arena_init(&f->ar);
	*state = f;
	f->tool1 = add_tool(f, f->d1, "Math Tool");
	f->tool2 = add_tool(f, f->d2, "Other Tool");
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	arena_free(&f->ar);
	db_close(f->db);
	free(f);
	return 0;
}

static void scope_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < DATA_SCOPE__COUNT; i++) {
		enum data_scope_element e;
		assert_non_null(data_scope_label((enum data_scope_element)i));
		assert_non_null(data_scope_help((enum data_scope_element)i));
		assert_true(data_scope_parse(data_scope_name((enum data_scope_element)i), &e));
		assert_int_equal(e, i);
	}
	enum data_scope_element e;
	assert_false(data_scope_parse("ssn", &e));
	assert_null(data_scope_name(DATA_SCOPE__COUNT));
	char out[200];
	data_scope_describe(0, out, sizeof out);
	assert_string_equal(out, "none");
	data_scope_describe((1u << DATA_SCOPE_NAME) | (1u << DATA_SCOPE_SCORES), out, sizeof out);
	assert_string_equal(out, "name, scores");
}

/* Nothing is allowed until granted; a grant is per tool and district; every
 * change is audited with before and after; the check fails closed. */
static void scopes_set_allow_audit(void **state)
{
	struct fx *f = *state;
	for (int i = 0; i < DATA_SCOPE__COUNT; i++)
		assert_false(data_scope_allows(f->db, f->d1, f->tool1, (enum data_scope_element)i));
	unsigned m = (1u << DATA_SCOPE_NAME) | (1u << DATA_SCOPE_MEMBERSHIP);
	assert_int_equal(data_scope_set(f->db, f->d1, f->tool1, m, &cli), EB_OK);
	assert_true(data_scope_allows(f->db, f->d1, f->tool1, DATA_SCOPE_NAME));
	assert_true(data_scope_allows(f->db, f->d1, f->tool1, DATA_SCOPE_MEMBERSHIP));
	assert_false(data_scope_allows(f->db, f->d1, f->tool1, DATA_SCOPE_EMAIL));
	/* another district's view of the same tool id: nothing */
	assert_false(data_scope_allows(f->db, f->d2, f->tool1, DATA_SCOPE_NAME));
	assert_false(data_scope_allows(f->db, f->d1, f->tool1, DATA_SCOPE__COUNT));
	unsigned got = 99;
	assert_int_equal(data_scope_get(f->db, f->d2, f->tool1, &got), EB_ENOTFOUND);
	assert_int_equal(data_scope_set(f->db, f->d2, f->tool1, m, &cli), EB_ENOTFOUND);
	assert_int_equal(data_scope_set(f->db, f->d1, f->tool1, 1u << DATA_SCOPE__COUNT, &cli),
			 EB_EINVAL);
	assert_int_equal(data_scope_get(f->db, f->d1, f->tool1, &got), EB_OK);
	assert_int_equal(got, m);

	/* the same scopes again: no new entry */
	assert_int_equal(data_scope_set(f->db, f->d1, f->tool1, m, &cli), EB_OK);
	assert_int_equal(data_scope_set(f->db, f->d1, f->tool1, 1u << DATA_SCOPE_EMAIL, &cli),
			 EB_OK);
	struct audit_entry *e;
	size_t n;
	struct audit_filter af = { .subject_type = "tool_scope", .limit = 10 };
	assert_int_equal(audit_list(f->db, f->d1, &af, &f->ar, &e, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].detail, "scopes: name, membership -> email");
	assert_string_equal(e[1].detail, "scopes: none -> name, membership");
	assert_false(data_scope_allows(f->db, f->d1, f->tool1, DATA_SCOPE_NAME));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scope_names_round_trip),
		cmocka_unit_test_setup_teardown(scopes_set_allow_audit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
