/* demo_gradebook.c - see demo_gradebook.h. */
#include "cli/demo_gradebook.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "domain/account.h"
#include "domain/gradebook.h"
#include "domain/roster.h"
#include "store/db.h"

/* a Common Core standard of the class's grade for the objectives */
static const char *standard_of(const char *grades)
{
	static const char *const by_grade[] = { "K.CC.A.1", "1.OA.A.1", "2.OA.A.1",
						"3.NF.A.1", "4.NF.A.1", "5.NF.A.1",
						"6.RP.A.1", "7.RP.A.1", "8.EE.A.1" };
	int g = 0; /* "KG" and others: kindergarten */
	if (grades && grades[0] >= '0' && grades[0] <= '9') {
		g = grades[0] - '0';
		if (grades[1] >= '0' && grades[1] <= '9')
			g = g * 10 + grades[1] - '0';
	}
	return g >= 0 && g <= 8 ? by_grade[g] : "6.RP.A.1";
}

static enum eb_err apply(struct db *db, int64_t d, struct gradebook *g, int64_t now)
{
	struct gradebook_report rep = { 0 };
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	if ((rc = gradebook_apply(db, d, 0, g, now, &rep))) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

enum eb_err demo_gradebook(struct db *db, int64_t d, int64_t now)
{
	struct account t;
	struct arena a;
	arena_init(&a);
	enum eb_err rc = EB_OK;
	struct roster_class_row *c;
	struct roster_person_row *st;
	size_t nc = 0, ns = 0;
	if (account_find_login(db, d, "teacher", &t) || !t.person_sid[0] ||
	    roster_teacher_classes(db, d, t.person_sid, &a, &c, &nc) || !nc ||
	    roster_class_students(db, d, c[0].sourced_id, &a, &st, &ns) || !ns)
		goto out;
	static struct gb_objective obj[1];
	obj[0] = (struct gb_objective){ .source = "Unknown", .id = standard_of(c[0].grades) };
	struct gb_line_item items[2] = {
		{ .sourced_id = "demo-li-quiz",
		  .title = "Unit quiz",
		  .class_sid = c[0].sourced_id,
		  .max = 20,
		  .has_max = true,
		  .obj = obj,
		  .nobj = 1,
		  .where = "demo" },
		{ .sourced_id = "demo-li-exit",
		  .title = "Exit ticket",
		  .class_sid = c[0].sourced_id,
		  .max = 4,
		  .has_max = true,
		  .obj = obj,
		  .nobj = 1,
		  .where = "demo" },
	};
	/* dates as a SIS sends them */
	char due[2][11];
	for (int i = 0; i < 2; i++) {
		time_t when = (time_t)(now - (i ? 2 : 9) * 86400);
		struct tm tm;
		gmtime_r(&when, &tm);
		strftime(due[i], sizeof due[i], "%Y-%m-%d", &tm);
		items[i].due_date = due[i];
	}
	size_t n = ns < 40 ? ns : 40;
	struct gb_result *res = arena_zalloc(&a, (2 * n + 1) * sizeof *res);
	if (!res) {
		rc = EB_ENOMEM;
		goto out;
	}
	size_t nr = 0;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 2; k++) {
			struct gb_result *r = &res[nr++];
			r->sourced_id = arena_printf(&a, "demo-r-%d-%s", k, st[i].sourced_id);
			r->line_item_sid = items[k].sourced_id;
			r->student_sid = st[i].sourced_id;
			/* a spread of scores; every seventh exit ticket handed in, not graded */
			bool graded = k == 0 || i % 7 != 3;
			r->score_status = graded ? "fully graded" : "submitted";
			r->score = k ? (double)((i * 3 + 1) % 5) : (double)(8 + (i * 7) % 13);
			r->has_score = graded;
			r->score_date = now - (k ? 2 : 9) * 86400 + 3600 * (int64_t)(i % 5);
			r->where = "demo";
			if (!r->sourced_id) {
				rc = EB_ENOMEM;
				goto out;
			}
		}
	/* a transfer student the SIS graded before the roster brought them */
	struct gb_result early = { .sourced_id = "demo-r-transfer",
				   .line_item_sid = "demo-li-quiz",
				   .student_sid = "stu-transfer-2291",
				   .score_status = "fully graded",
				   .score = 15,
				   .has_score = true,
				   .score_date = now - 21 * 86400,
				   .where = "demo" };
	struct gb_result lost = { .sourced_id = "demo-r-unsent-item",
				  .line_item_sid = "demo-li-project",
				  .student_sid = st[0].sourced_id,
				  .score_status = "fully graded",
				  .score = 9,
				  .has_score = true,
				  .score_date = now - 86400,
				  .where = "demo" };
	struct gradebook g = {
		.a = &a, .items = items, .nitems = 2, .results = &early, .nresults = 1
	};
	if ((rc = apply(db, d, &g, now - 21 * 86400)))
		goto out;
	res[nr++] = lost;
	g.results = res;
	g.nresults = nr;
	rc = apply(db, d, &g, now);
out:
	if (rc)
		fprintf(stderr, "demo: gradebook: %s\n", eb_strerror(rc));
	arena_free(&a);
	return rc;
}
