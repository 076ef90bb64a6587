/* bench_item_analysis.c - the item analysis of a 40-item common assessment
 * taken by 25,000 students (issue 12's figure: <= 2 s), in a district of
 * its own: 25,000 students in 10 schools and 1,000 classes (roster rows
 * written straight into a fresh database file), the assessment built
 * through the domain (assessment_common_create: 36 multiple-choice items
 * A..D and 4 items scored in points, on grade 4 standards), 1,000,000 item
 * results written in one statement (the stored form that
 * assessment_results_put writes; going through it would time the mastery
 * feed instead). Timed, median of ROUNDS runs each, from a cold statement:
 *   item_analysis_25k_district_ms  read the results (assessment_common_get +
 *                                  assessment_common_matrix) and analyse them
 *                                  (item_analysis_run), the whole district
 *   item_analysis_25k_school_ms    the same for one school (2,500 students)
 *   item_analysis_25k_groups_ms    the by-school table (assessment_common_groups)
 * `--students N` changes the number of students. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/assessments.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/item_analysis.h"
#include "store/db.h"

enum { ROUNDS = 5, ITEMS = 40 };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static const char *const stds[] = { "4.OA.A.1",	 "4.OA.A.2",  "4.OA.A.3",  "4.NBT.A.1",
				    "4.NBT.A.2", "4.NBT.A.3", "4.NBT.B.4", "4.NBT.B.5",
				    "4.NBT.B.6", "4.NF.A.1",  "4.NF.A.2",  "4.NF.B.3",
				    "4.NF.B.4",	 "4.NF.C.5",  "4.NF.C.6",  "4.NF.C.7" };

int main(int argc, char **argv)
{
	long students = 25000;
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--students") == 0)
			students = strtol(argv[i + 1], NULL, 10);
	if (students < 100)
		students = 100;
	char path[] = "/tmp/bench_item_analysis_XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	unlink(path);
	struct db *db;
	char err[256];
	int64_t d;
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Bench", &d)) {
		fprintf(stderr, "bench_item_analysis: %s\n", err);
		return 1;
	}
	double t0 = time_mono();
	char sql[2048];
	snprintf(
		sql, sizeof sql,
		"BEGIN;"
		"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i<9)"
		" INSERT INTO org(district_id,sourced_id,name,type)"
		"  SELECT %lld, 'sch-'||i, 'School '||i, 'school' FROM n;"
		"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i<999)"
		" INSERT INTO class(district_id,sourced_id,title,grades,course_sourced_id,"
		"  class_type,school_sourced_id,term_sourced_ids)"
		"  SELECT %lld, 'cls-'||i, 'Math 4 '||i, '04', 'c', 'scheduled', 'sch-'||(i%%10), "
		"'t'"
		"  FROM n;"
		"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i<%ld)"
		" INSERT INTO person(district_id,sourced_id,org_sourced_ids,role,given_name,"
		"  family_name) SELECT %lld, 'stu-'||i, 'sch-'||(i%%10), 'student', 'S', 'S'||i"
		"  FROM n;"
		"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i<%ld)"
		" INSERT INTO enrollment(district_id,sourced_id,class_sourced_id,school_sourced_id,"
		"  user_sourced_id,role) SELECT %lld, 'e-'||i, 'cls-'||(i%%1000),"
		"  'sch-'||(i%%10), 'stu-'||i, 'student' FROM n;"
		"COMMIT;",
		(long long)d, (long long)d, students - 1, (long long)d, students - 1, (long long)d);
	if (db_exec(db, sql)) {
		fprintf(stderr, "bench_item_analysis: roster: %s\n", db_errmsg(db));
		return 1;
	}
	struct buf items, why;
	buf_init(&items, 1 << 16);
	buf_init(&why, 1 << 16);
	for (int i = 1; i <= ITEMS; i++) {
		const char *s = stds[(i - 1) % (int)(sizeof stds / sizeof stds[0])];
		if (i <= 36)
			buf_printf(&items, "%d, %s, 1, ABCD, %c\n", i, s, "ABCD"[i % 4]);
		else
			buf_printf(&items, "%d, %s, 2\n", i, s);
	}
	struct assessment_common_in in = { "Bench benchmark", "winter", "2027-01-10", "2027-01-31",
					   buf_cstr(&items) };
	struct audit_actor who = { 0, "cli", "" };
	int64_t aid;
	if (assessment_common_create(db, d, &who, &in, &aid, &why)) {
		fprintf(stderr, "bench_item_analysis: %s", buf_cstr(&why));
		return 1;
	}
	/* a student's chance to be right grows with their number's last digits
	 * (an ability) and falls with the item's number (a difficulty); the
	 * rest pick a wrong letter */
	snprintf(sql, sizeof sql,
		 "BEGIN;"
		 "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i<%ld),"
		 " r AS (SELECT n.i AS s, it.number AS k, it.answer_key AS key, it.points AS pts,"
		 "  ((n.i * 7919 + it.number * 104729) %% 100) < 35 + (n.i %% 50) - it.number / 2"
		 "  AS ok FROM n, common_item it WHERE it.district_id=%lld AND "
		 "it.assessment_id=%lld)"
		 " INSERT INTO common_response(district_id,assessment_id,student_sourced_id,"
		 "  item_number,response,points,taken_on)"
		 " SELECT %lld, %lld, 'stu-'||s, k,"
		 "  CASE WHEN key IS NULL THEN NULL WHEN ok THEN key"
		 "   ELSE char(65 + ((unicode(key) - 65 + 1 + (s %% 3)) %% 4)) END,"
		 "  CASE WHEN ok THEN pts WHEN key IS NULL AND s %% 2 = 0 THEN 1 ELSE 0 END,"
		 "  '2027-01-12' FROM r;"
		 "COMMIT;",
		 students - 1, (long long)d, (long long)aid, (long long)d, (long long)aid);
	if (db_exec(db, sql)) {
		fprintf(stderr, "bench_item_analysis: results: %s\n", db_errmsg(db));
		return 1;
	}
	printf("item_analysis_25k_build_seconds: %.1f\n", time_mono() - t0);
	double t_d[ROUNDS], t_s[ROUNDS], t_g[ROUNDS];
	size_t nstudents = 0, nflagged = 0;
	double alpha = NAN;
	for (int round = 0; round < ROUNDS; round++) {
		for (int which = 0; which < 3; which++) {
			struct arena a;
			arena_init(&a);
			struct assessment_scope sc = { which == 1 ? "sch-3" : NULL, NULL, NULL };
			double t = time_mono();
			struct assessment_common ac;
			struct assessment_matrix m;
			struct ia_item ia[ITEMS];
			struct ia_result r;
			if (assessment_common_get(db, d, aid, &a, &ac))
				return 1;
			if (which == 2) {
				struct assessment_group *g;
				size_t ng;
				if (assessment_common_groups(db, d, &ac, false, NULL, &a, &g, &ng))
					return 1;
				t_g[round] = (time_mono() - t) * 1000;
				arena_free(&a);
				continue;
			}
			if (assessment_common_matrix(db, d, &ac, &sc, &a, &m))
				return 1;
			for (size_t i = 0; i < ac.nitems; i++) {
				ia[i].max_points = ac.items[i].points;
				ia[i].nchoices = ac.items[i].key ? 4 : 0;
				ia[i].key = ac.items[i].key ? ac.items[i].key - 'A' : -1;
			}
			struct ia_input inp = { m.nstudents, ac.nitems, ia, m.points, m.choice };
			if (item_analysis_run(&inp, &a, &r))
				return 1;
			double ms = (time_mono() - t) * 1000;
			if (which == 0) {
				t_d[round] = ms;
				nstudents = m.nstudents;
				alpha = r.alpha;
				nflagged = 0;
				for (size_t i = 0; i < r.nitems; i++)
					nflagged += r.items[i].flags != 0;
			} else {
				t_s[round] = ms;
			}
			arena_free(&a);
		}
	}
	qsort(t_d, ROUNDS, sizeof *t_d, cmp_double);
	qsort(t_s, ROUNDS, sizeof *t_s, cmp_double);
	qsort(t_g, ROUNDS, sizeof *t_g, cmp_double);
	printf("item_analysis_25k_students: %zu\n", nstudents);
	printf("item_analysis_25k_items: %d\n", ITEMS);
	printf("item_analysis_25k_alpha: %.3f\n", alpha);
	printf("item_analysis_25k_flagged_items: %zu\n", nflagged);
	printf("item_analysis_25k_district_ms: %.0f (max %.0f)\n", t_d[ROUNDS / 2],
	       t_d[ROUNDS - 1]);
	printf("item_analysis_25k_school_ms: %.0f (max %.0f)\n", t_s[ROUNDS / 2], t_s[ROUNDS - 1]);
	printf("item_analysis_25k_groups_ms: %.0f (max %.0f)\n", t_g[ROUNDS / 2], t_g[ROUNDS - 1]);
	buf_free(&items);
	buf_free(&why);
	db_close(db);
	if (getenv("BENCH_KEEP_DB")) {
		fprintf(stderr, "kept %s\n", path);
		return 0;
	}
	unlink(path);
	char side[300];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return 0;
}
