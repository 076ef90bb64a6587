/* Unit tests of domain/groups: the unit, the sizes, and the proposal on
 * known cases (prerequisite chains, too little evidence, splitting, the
 * count of groups), and its words. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/groups.h"
#include "sim/groups_check.h"

/* A small input over the unit cluster 5.NF.A and its prerequisites. */
struct fx {
	struct groups_unit u;
	const struct standard *stds[GROUPS_STD_MAX];
	int depth[GROUPS_STD_MAX];
	struct groups_cell cells[16 * GROUPS_STD_MAX];
	struct groups_input in;
	struct arena a;
};

static void fx_init(struct fx *f, size_t students)
{
	memset(f, 0, sizeof *f);
	assert_int_equal(standards_init(), EB_OK);
	groups_unit_pick(5, NULL, NULL, "5.NF.A", &f->u);
	size_t n = groups_standards_of_unit(&f->u, f->stds, f->depth, GROUPS_STD_MAX);
	f->in = (struct groups_input){ .stds = f->stds,
				       .depth = f->depth,
				       .nstds = n,
				       .nunit = f->u.n,
				       .nstudents = students,
				       .cells = f->cells,
				       .lv = { 0.40, 0.70, 0.90 } };
	arena_init(&f->a);
}

static size_t idx(struct fx *f, const char *code)
{
	for (size_t j = 0; j < f->in.nstds; j++)
		if (strcmp(f->stds[j]->code, code) == 0)
			return j;
	fail_msg("%s is not among the unit's standards", code);
	return 0;
}

/* a measured estimate (responses direct answers) */
static void set(struct fx *f, size_t s, const char *code, double p, int responses)
{
	struct groups_cell *c = &f->cells[s * f->in.nstds + idx(f, code)];
	c->p = (float)p;
	c->sd = (float)sqrt(p * (1 - p) / (responses + 3));
	c->responses = responses;
	c->present = true;
	c->measured = responses >= 3;
}

static const struct groups_apart *apart_of(const struct groups_proposal *pr, size_t s)
{
	for (size_t i = 0; i < pr->napart; i++)
		if (pr->apart[i].student == s)
			return &pr->apart[i];
	return NULL;
}

static const struct groups_group *group_of(const struct groups_proposal *pr, size_t s)
{
	for (size_t g = 0; g < pr->ngroups; g++)
		for (size_t m = 0; m < pr->groups[g].n; m++)
			if (pr->groups[g].members[m] == s)
				return &pr->groups[g];
	return NULL;
}

static void units(void **state)
{
	struct groups_unit u, v;
	assert_int_equal(standards_init(), EB_OK);
	groups_unit_pick(5, NULL, NULL, "5.NF.A", &u);
	assert_string_equal(u.key, "5.NF.A");
	assert_int_equal(u.n, 2);
	assert_int_equal(groups_unit_from_key(u.key, &v), EB_OK);
	assert_int_equal(v.n, 2);
	groups_unit_pick(5, "4", "NF", NULL, &u);
	assert_string_equal(u.key, "4:NF");
	assert_string_equal(u.title, "Grade 4, NF");
	assert_int_equal(groups_unit_from_key("4:NF", &v), EB_OK);
	assert_int_equal(v.n, u.n);
	groups_unit_pick(3, NULL, NULL, NULL, &u); /* the class grade's major clusters */
	assert_string_equal(u.key, "3");
	assert_true(u.n > 4);
	groups_unit_pick(-1, "nonsense", "XX", "nope", &u); /* falls back, as the grid does */
	assert_string_equal(u.key, "5");
	assert_int_equal(groups_unit_from_key("K", &v), EB_OK);
	assert_int_equal(groups_unit_from_key("5:XX", &v), EB_EINVAL);
	assert_int_equal(groups_unit_from_key("nonsense", &v), EB_EINVAL);
	assert_int_equal(groups_unit_from_key("", &v), EB_EINVAL);
	assert_int_equal(groups_unit_from_key(NULL, &v), EB_EINVAL);
	assert_int_equal(groups_unit_from_key("5.NF.A.1", &v), EB_EINVAL); /* a standard */
	assert_int_equal(groups_class_grade("05"), 5);
	assert_int_equal(groups_class_grade("KG"), 0);
	assert_int_equal(groups_class_grade("10,11"), STANDARDS_GRADE_HS);
	assert_int_equal(groups_class_grade(""), -1);
	assert_int_equal(groups_class_grade(NULL), -1);
	/* prerequisites follow the unit's standards, nearest first */
	const struct standard *s[GROUPS_STD_MAX];
	int d[GROUPS_STD_MAX];
	groups_unit_pick(5, NULL, NULL, "5.NF.A", &u);
	size_t n = groups_standards_of_unit(&u, s, d, GROUPS_STD_MAX);
	assert_true(n > u.n);
	for (size_t i = 1; i < n; i++)
		assert_true(d[i] >= d[i - 1]);
	bool has_41 = false, has_33 = false;
	for (size_t i = 0; i < n; i++) {
		has_41 |= strcmp(s[i]->code, "4.NF.A.1") == 0 && d[i] == 1;
		has_33 |= strcmp(s[i]->code, "3.NF.A.3") == 0 && d[i] == 2;
	}
	assert_true(has_41);
	assert_true(has_33);
}

static void params(void **state)
{
	char why[512];
	struct groups_params p = groups_params_default();
	assert_int_equal(p.min_size, 3);
	assert_int_equal(p.max_size, 6);
	assert_int_equal(p.max_groups, 6);
	assert_int_equal(groups_params_check(&p, why, sizeof why), EB_OK);
	p = (struct groups_params){ 1, 6, 6 };
	assert_int_equal(groups_params_check(&p, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "min: "));
	p = (struct groups_params){ 5, 4, 6 };
	assert_int_equal(groups_params_check(&p, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "max: "));
	p = (struct groups_params){ 3, 13, 7 };
	assert_int_equal(groups_params_check(&p, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "max: "));
	assert_non_null(strstr(why, "count: "));
	p = (struct groups_params){ 3, 6, 0 };
	assert_int_equal(groups_params_check(&p, NULL, 0), EB_EINVAL);
}

/* Students 0-3 lack 5.NF.A.1 and its prerequisite 4.NF.A.1; 4-6 also lack
 * 3.NF.A.3, which 4.NF.A.1 builds on; 7 has only thin (inferred) cells; 8 is
 * secure; 9 alone lacks 5.NF.A.2; 10 lacks 4.NF.A.1 but is secure on the
 * unit's standards, so the gap does not hold them back. */
static void prerequisite_chains(void **state)
{
	struct fx f;
	fx_init(&f, 11);
	for (size_t s = 0; s <= 6; s++) {
		set(&f, s, "5.NF.A.1", 0.15 + 0.02 * (double)s, 6);
		set(&f, s, "4.NF.A.1", 0.20 + 0.02 * (double)s, 6);
		set(&f, s, "5.NF.A.2", 0.80, 6);
	}
	for (size_t s = 4; s <= 6; s++)
		set(&f, s, "3.NF.A.3", 0.25, 8);
	set(&f, 7, "5.NF.A.1", 0.2, 1); /* thin: one response, inferred */
	set(&f, 8, "5.NF.A.1", 0.95, 9);
	set(&f, 8, "5.NF.A.2", 0.92, 9);
	set(&f, 9, "5.NF.A.1", 0.90, 9);
	set(&f, 9, "5.NF.A.2", 0.30, 9);
	set(&f, 10, "5.NF.A.1", 0.90, 9);
	set(&f, 10, "5.NF.A.2", 0.90, 9);
	set(&f, 10, "4.NF.A.1", 0.20, 9);
	struct groups_params p = groups_params_default();
	struct groups_proposal pr;
	assert_int_equal(groups_propose(&f.in, &p, &f.a, &pr), EB_OK);
	assert_int_equal(pr.ngroups, 2);
	/* the earliest gap first: 3.NF.A.3 (grade 3), then 4.NF.A.1 */
	assert_string_equal(f.stds[pr.groups[0].focus]->code, "3.NF.A.3");
	assert_int_equal(pr.groups[0].n, 3);
	assert_string_equal(f.stds[pr.groups[1].focus]->code, "4.NF.A.1");
	assert_int_equal(pr.groups[1].n, 4);
	for (size_t s = 0; s <= 3; s++)
		assert_ptr_equal(group_of(&pr, s), &pr.groups[1]);
	for (size_t s = 4; s <= 6; s++)
		assert_ptr_equal(group_of(&pr, s), &pr.groups[0]);
	/* weakest first */
	assert_int_equal(pr.groups[1].members[0], 0);
	/* the reason names the prerequisite and what builds on it */
	char out[512];
	groups_reason_words(&f.in, &pr.groups[1], out, sizeof out);
	assert_string_equal(out, "All four are not yet secure on 4.NF.A.1, the prerequisite that "
				 "5.NF.A.1 of this unit builds on.");
	groups_evidence_words(&f.in, &pr.groups[1], out, sizeof out);
	assert_string_equal(out, "24 responses on 4.NF.A.1; probability of mastery 20% to 26%; 4 "
				 "at Not yet, 0 Approaching.");
	assert_int_equal(pr.groups[1].sure, GROUPS_SURE);
	groups_sureness_detail(&pr.groups[1], &f.in.lv, out, sizeof out);
	assert_string_equal(out, "4 of 4 well below Proficient (even their 99% range stays under "
				 "70%); all 4 clearly below it (95%).");
	/* everyone else, with the reason */
	assert_int_equal(pr.napart, 4);
	assert_int_equal(apart_of(&pr, 7)->why, GROUPS_APART_THIN);
	assert_int_equal(apart_of(&pr, 8)->why, GROUPS_APART_ON_TRACK);
	assert_int_equal(apart_of(&pr, 9)->why, GROUPS_APART_ALONE);
	assert_string_equal(f.stds[apart_of(&pr, 9)->need]->code, "5.NF.A.2");
	assert_int_equal(apart_of(&pr, 10)->why, GROUPS_APART_ON_TRACK);
	assert_null(group_of(&pr, 7));
	arena_free(&f.a);
}

/* A first need too few share: the student joins the group of a later need. */
static void later_need_when_first_is_alone(void **state)
{
	struct fx f;
	fx_init(&f, 4);
	for (size_t s = 0; s < 4; s++)
		set(&f, s, "5.NF.A.1", 0.2, 6);
	set(&f, 3, "4.NF.A.1", 0.2, 6); /* only student 3 lacks the prerequisite */
	struct groups_params p = groups_params_default();
	struct groups_proposal pr;
	assert_int_equal(groups_propose(&f.in, &p, &f.a, &pr), EB_OK);
	assert_int_equal(pr.ngroups, 1);
	assert_string_equal(f.stds[pr.groups[0].focus]->code, "5.NF.A.1");
	assert_int_equal(pr.groups[0].n, 4);
	assert_int_equal(pr.napart, 0);
	char out[256];
	groups_reason_words(&f.in, &pr.groups[0], out, sizeof out);
	assert_string_equal(out,
			    "All four are not yet secure on 5.NF.A.1, a standard of this unit.");
	arena_free(&f.a);
}

/* Eleven share a need: two groups of at most six, the weakest together;
 * with one group allowed, the six weakest and the rest listed apart. */
static void split_and_count(void **state)
{
	struct fx f;
	fx_init(&f, 11);
	for (size_t s = 0; s < 11; s++)
		set(&f, s, "5.NF.A.1", 0.04 * (double)(11 - s), 8);
	struct groups_params p = groups_params_default();
	struct groups_proposal pr;
	assert_int_equal(groups_propose(&f.in, &p, &f.a, &pr), EB_OK);
	assert_int_equal(pr.ngroups, 2);
	assert_int_equal(pr.groups[0].n + pr.groups[1].n, 11);
	assert_true(pr.groups[0].n <= 6 && pr.groups[1].n <= 6);
	assert_true(pr.groups[0].p_hi <= pr.groups[1].p_lo); /* no overlap */
	p.max_groups = 1;
	assert_int_equal(groups_propose(&f.in, &p, &f.a, &pr), EB_OK);
	assert_int_equal(pr.ngroups, 1);
	assert_int_equal(pr.groups[0].n, 6);
	assert_int_equal(pr.napart, 5);
	for (size_t i = 0; i < pr.napart; i++)
		assert_int_equal(pr.apart[i].why, GROUPS_APART_ALONE);
	assert_true(pr.groups[0].p_hi < 0.25); /* the weakest six */
	/* min 3: two students sharing a need are not a group */
	arena_free(&f.a);
	fx_init(&f, 2);
	set(&f, 0, "5.NF.A.1", 0.2, 8);
	set(&f, 1, "5.NF.A.1", 0.2, 8);
	p = groups_params_default();
	assert_int_equal(groups_propose(&f.in, &p, &f.a, &pr), EB_OK);
	assert_int_equal(pr.ngroups, 0);
	assert_int_equal(pr.napart, 2);
	p.min_size = 2;
	assert_int_equal(groups_propose(&f.in, &p, &f.a, &pr), EB_OK);
	assert_int_equal(pr.ngroups, 1);
	char out[256];
	groups_reason_words(&f.in, &pr.groups[0], out, sizeof out);
	assert_string_equal(out, "Both are not yet secure on 5.NF.A.1, a standard of this unit.");
	arena_free(&f.a);
}

/* Clearly but not well below Proficient: a tentative group; below it on
 * too little evidence: listed apart as unclear, never guessed into a group. */
static void sureness(void **state)
{
	struct fx f;
	fx_init(&f, 4);
	for (size_t s = 0; s < 4; s++)
		set(&f, s, "5.NF.A.1", 0.40, 8); /* 95% bound 0.64, 99% bound 0.74 */
	struct groups_params p = groups_params_default();
	struct groups_proposal pr;
	assert_int_equal(groups_propose(&f.in, &p, &f.a, &pr), EB_OK);
	assert_int_equal(pr.ngroups, 1);
	assert_int_equal(pr.groups[0].n, 4);
	assert_int_equal(pr.groups[0].sure, GROUPS_TENTATIVE);
	assert_int_equal(pr.groups[0].clear, 0);
	assert_string_equal(groups_sureness_words(GROUPS_TENTATIVE),
			    "Tentative: check in class first");
	/* 0.6 on three responses: below Proficient, but its range reaches it */
	arena_free(&f.a);
	fx_init(&f, 4);
	for (size_t s = 0; s < 4; s++)
		set(&f, s, "5.NF.A.1", 0.60, 3);
	assert_int_equal(groups_propose(&f.in, &p, &f.a, &pr), EB_OK);
	assert_int_equal(pr.ngroups, 0);
	assert_int_equal(pr.napart, 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(pr.apart[i].why, GROUPS_APART_UNCLEAR);
	/* nobody with evidence: everyone apart as thin, no group */
	arena_free(&f.a);
	fx_init(&f, 3);
	assert_int_equal(groups_propose(&f.in, &p, &f.a, &pr), EB_OK);
	assert_int_equal(pr.ngroups, 0);
	assert_int_equal(pr.napart, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(pr.apart[i].why, GROUPS_APART_THIN);
	arena_free(&f.a);
}

/* The simulator check, fast: one seed of a 1,500-student district. The
 * proposal reads estimates made from simulated responses; the truth only
 * scores it (sim/groups_check.h; `make bench` runs 20 seeds of 3,000). */
static void simulator_check(void **state)
{
	struct gcheck_params p = { .seeds = 1, .students = 1500, .first_seed = 1 };
	struct gcheck_result r;
	assert_int_equal(gcheck_run(&p, &r), EB_OK);
	printf("groups_check (1 seed, 1,500 students): %ld groups, %ld students, focus truly "
	       "lacking %.3f, spread %.3f vs random %.3f\n",
	       r.groups, r.grouped, r.lacking_share, r.spread_groups, r.spread_random);
	assert_true(r.groups >= 50);
	assert_int_equal(r.unknown, 0);
	assert_true(r.lacking_share >= 0.85);
	assert_true(r.spread_groups < r.spread_random);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(units),
		cmocka_unit_test(params),
		cmocka_unit_test(prerequisite_chains),
		cmocka_unit_test(later_need_when_first_is_alone),
		cmocka_unit_test(split_and_count),
		cmocka_unit_test(sureness),
		cmocka_unit_test(simulator_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
