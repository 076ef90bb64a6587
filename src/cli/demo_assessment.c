/* demo_assessment.c - see demo_assessment.h. */
#include "cli/demo_assessment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/rng.h"
#include "base/timeutil.h"
#include "domain/assessments.h"
#include "domain/audit.h"
#include "domain/standards.h"
#include "sim/district.h"
#include "sim/learning.h"
#include "store/db.h"

#define DEMO_GRADE 4
#define DEMO_ITEMS 12 /* 10 multiple choice, then 2 scored in points */

enum eb_err demo_common_assessment(struct db *db, int64_t d, const struct sim_district *sd,
				   const struct sim_learning *l)
{
	const struct standard *std[32];
	size_t nfocus = 0, nstd = sim_learning_tracked(l, DEMO_GRADE, std, 32, &nfocus);
	if (nstd > 32)
		nstd = 32;
	if (!nstd)
		return EB_OK;
	char opens[11], closes[11];
	int y;
	unsigned m, dd;
	int32_t day = sim_learning_posttest_day(l);
	civil_from_days(day - 3, &y, &m, &dd);
	snprintf(opens, sizeof opens, "%04d-%02u-%02u", y, m, dd);
	civil_from_days(day + 10, &y, &m, &dd);
	snprintf(closes, sizeof closes, "%04d-%02u-%02u", y, m, dd);
	static const char keys[] = "CABDBADCAB";
	struct buf items, why;
	buf_init(&items, 4096);
	buf_init(&why, 4096);
	for (int i = 0; i < DEMO_ITEMS; i++) {
		const struct standard *s = std[(size_t)i % nstd];
		if (i < 10)
			buf_printf(&items, "%d, %s, 1, ABCD, %c\n", i + 1, s->code, keys[i]);
		else
			buf_printf(&items, "%d, %s, 2\n", i + 1, s->code);
	}
	struct assessment_common_in in = { "Grade 4 winter benchmark", "winter", opens, closes,
					   buf_cstr(&items) };
	struct audit_actor who = { 0, "cli", "" };
	int64_t id;
	struct arena a;
	arena_init(&a);
	struct assessment_result_in *rows = NULL;
	size_t cap = 0, n = 0, changed = 0;
	enum eb_err e = assessment_common_create(db, d, &who, &in, &id, &why);
	if (e) {
		fprintf(stderr, "demo: common assessment: %s", buf_cstr(&why));
		goto out;
	}
	struct assessment_common ac;
	if ((e = assessment_common_get(db, d, id, &a, &ac)))
		goto out;
	size_t ns;
	const struct sim_student *st = sim_students(sd, &ns);
	int week = sim_learning_params(l)->weeks;
	struct rng r;
	rng_seed(&r, 0xa55e55);
	for (size_t s = 0; s < ns; s++) {
		if (st[s].grade != DEMO_GRADE)
			continue;
		char sid[SIM_ID_MAX];
		sim_student_id(s, sid);
		const char *sidc = arena_strdup(&a, sid);
		for (size_t i = 0; i < ac.nitems; i++) {
			const struct assessment_item *it = &ac.items[i];
			int known = sim_learning_mastered(l, s, std[i % nstd], week) == 1;
			struct assessment_result_in *nv =
				arena_grow(&a, rows, n, &cap, sizeof *rows, 1024);
			if (!nv || !sidc) {
				e = EB_ENOMEM;
				goto out;
			}
			rows = nv;
			struct assessment_result_in *x = &rows[n++];
			memset(x, 0, sizeof *x);
			x->student_sid = sidc;
			x->item = (int)i;
			x->date = closes;
			if (it->key) {
				/* item 7: the key says D, the right answer is B */
				char right = it->number == 7 ? 'B' : it->key;
				/* ability makes the items of one test agree */
				double pr = (known ? 0.85 : 0.25) + 0.12 * st[s].ability;
				bool ok = rng_uniform(&r) < (pr < 0.05	 ? 0.05
							     : pr > 0.97 ? 0.97
									 : pr);
				char c = right;
				while (!ok && c == right)
					c = (char)('A' + rng_below(&r, 4));
				x->response = c;
				x->points = c == it->key ? it->points : 0;
			} else {
				double u = rng_uniform(&r) - 0.12 * st[s].ability;
				x->points = known ? (u < 0.75 ? 2 : 1) : (u < 0.5 ? 0 : 1);
			}
		}
	}
	if ((e = db_begin(db)))
		goto out;
	e = assessment_results_put(db, d, &ac, rows, n, &changed);
	if (!e)
		e = db_commit(db);
	else
		db_rollback(db);
	if (!e)
		printf("common assessment %lld: %s, %zu item results\n", (long long)id, ac.name, n);
out:
	arena_free(&a);
	buf_free(&items);
	buf_free(&why);
	return e;
}
