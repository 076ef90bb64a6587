/* Unit tests of domain/labels: the words shown for stored codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "domain/account.h"
#include "domain/initiatives.h"
#include "domain/labels.h"
#include "domain/tools.h"

static void one_grade(void **state)
{
	assert_string_equal(label_grade("KG"), "Kindergarten");
	assert_string_equal(label_grade("kg"), "Kindergarten");
	assert_string_equal(label_grade("K"), "Kindergarten");
	assert_string_equal(label_grade("0"), "Kindergarten");
	assert_string_equal(label_grade("05"), "Grade 5");
	assert_string_equal(label_grade("5"), "Grade 5");
	assert_string_equal(label_grade(" 12 "), "Grade 12");
	assert_string_equal(label_grade("13"), "Grade 13");
	assert_string_equal(label_grade("PK"), "Pre-kindergarten");
	assert_string_equal(label_grade("TK"), "Transitional kindergarten");
	assert_string_equal(label_grade("HS"), "High school");
	assert_string_equal(label_grade("UG"), "Ungraded");
	assert_null(label_grade("14"));
	assert_null(label_grade("-1"));
	assert_null(label_grade("+5"));
	assert_null(label_grade("005"));
	assert_null(label_grade("Grade"));
	assert_null(label_grade(""));
	assert_null(label_grade(NULL));
	assert_string_equal(label_grade_number(0), "Kindergarten");
	assert_string_equal(label_grade_number(7), "Grade 7");
	assert_string_equal(label_grade_number(LABEL_GRADE_HS), "High school");
	assert_null(label_grade_number(14));
	assert_null(label_grade_number(-2));
}

static void grade_lists(void **state)
{
	static const char *const cases[][2] = {
		{ "05", "Grade 5" },
		{ "KG", "Kindergarten" },
		{ "04,05", "Grades 4 and 5" },
		{ "03,04,05", "Grades 3 to 5" },
		{ "05,03,04,04", "Grades 3 to 5" },
		{ "KG,01,02", "Kindergarten to grade 2" },
		{ "KG 01", "Kindergarten and grade 1" },
		{ "KG,02,04", "Kindergarten, grades 2 and 4" },
		{ "01,03,05", "Grades 1, 3 and 5" },
		{ "01,02,03,05", "Grades 1 to 3 and 5" },
		{ "K-5", "K-5" }, /* not a code: the district's own words */
		{ "PK,KG", "Pre-kindergarten and kindergarten" },
		{ "06,07,08,UG", "Grades 6 to 8 and ungraded" },
		{ "K, 1, 2, 3, 4, 5", "Kindergarten to grade 5" },
		{ "", "" },
		{ " , ", "" },
	};
	char out[128];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(label_grades(cases[i][0], out, sizeof out), cases[i][1]);
	assert_string_equal(label_grades(NULL, out, sizeof out), "");
	/* cut to the buffer, always terminated */
	char small[8];
	label_grades("03,04,05", small, sizeof small);
	assert_string_equal(small, "Grades ");
	/* a long list never overruns */
	char big[2000];
	size_t k = 0;
	for (int i = 0; i < 300; i++)
		k += (size_t)snprintf(big + k, sizeof big - k, "%s", i % 2 ? "x," : "07,");
	label_grades(big, out, sizeof out);
	assert_true(strlen(out) < sizeof out);
}

static void languages(void **state)
{
	assert_string_equal(label_language("es"), "Spanish");
	assert_string_equal(label_language("es-MX"), "Spanish");
	assert_string_equal(label_language("ZH-Hant"), "Chinese");
	assert_string_equal(label_language("ht"), "Haitian Creole");
	assert_string_equal(label_language("vie"), "Vietnamese");
	assert_string_equal(label_language("Spanish"), "Spanish");
	assert_string_equal(label_language("tl"), "Tagalog");
	assert_null(label_language("xx"));
	assert_null(label_language(""));
	assert_null(label_language("-"));
	assert_null(label_language(NULL));
	/* every tag of the table names itself */
	for (size_t i = 0; i < label_language_count(); i++)
		assert_string_equal(label_language(label_language_tag(i)), label_language_name(i));
	assert_null(label_language_tag(label_language_count()));
}

/* The other tables of labels.h's list: every code has words, none of them
 * the code itself. */
static void every_stored_code_has_words(void **state)
{
	for (int r = 0; r < ROLE__COUNT; r++)
		assert_string_not_equal(role_label((enum role)r), role_name((enum role)r));
	for (int s = 0; s < TOOL_STATUS__COUNT; s++)
		assert_string_not_equal(tool_status_label((enum tool_status)s),
					tool_status_name((enum tool_status)s));
	for (int k = 0; k < TOOL_KIND__COUNT; k++)
		assert_string_not_equal(tool_kind_label((enum tool_kind)k),
					tool_kind_name((enum tool_kind)k));
	for (int s = 0; s < INIT__COUNT; s++)
		assert_null(strchr(initiative_status_label((enum initiative_status)s), '_'));
	assert_string_equal(label_audit_action("view"), "Viewed");
	assert_string_equal(label_audit_action("code_issued"), "Printed an access code");
	assert_null(label_audit_action("no_such_action"));
	assert_string_equal(label_actor("cli"), "edbridge command line");
	assert_string_equal(label_actor("ana.admin"), "ana.admin");
	assert_string_equal(label_actor(""), "edbridge");
	assert_string_equal(label_actor(NULL), "edbridge");
	char out[64];
	assert_string_equal(label_roles("teacher,tech_champion", out, sizeof out),
			    "Teacher, Tech champion");
	assert_string_equal(label_roles("district_admin,nonsense,guardian", out, sizeof out),
			    "District administrator, Parent or guardian");
	assert_string_equal(label_roles("", out, sizeof out), "");
	assert_string_equal(label_roles(NULL, out, sizeof out), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_grade),
		cmocka_unit_test(grade_lists),
		cmocka_unit_test(languages),
		cmocka_unit_test(every_stored_code_has_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
