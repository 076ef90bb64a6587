/* bench_recommend.c - recommendations for a class of 35 on the
 * 350,000-student generated district (issue 12).
 *
 * The district is built as bench_class_view_350k builds it (sim_district_build,
 * sim_write_oneroster_mem, oneroster_import_files). GROUPS groups of 35
 * students (consecutive students of one school's classes) get mastery states
 * through the domain's own write path (mastery_record: 3 responses on each
 * standard of the grade's major clusters, about two in five below
 * Proficient); five tools are added to the inventory and the
 * recommendations' evidence is written as the refresh writes it (a
 * whole-sample, grade and per-standard effect for each tool, the tools'
 * standards). Then, per group and ROUNDS times: what the class page computes
 * - the 35 students' estimates read once (recommend_students_load) and, for
 * every standard of the unit with students not yet secure, the ranked list
 * for those students (recommend_students_subset + recommend_for_students,
 * 3 options). Prints:
 *   recommend_350k_build_seconds
 *   recommend_350k_class_of_35_p50_ms / _p99_ms   (one whole class)
 *   recommend_350k_standards_per_class             (lists computed per class)
 * `--students N` changes the district size (default 350000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/mastery.h"
#include "domain/recommend.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "domain/tools.h"
#include "ingest/oneroster.h"
#include "sim/district.h"
#include "store/db.h"

enum { GROUPS = 20, GROUP_N = 35, ROUNDS = 10, NTOOLS = 5 };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static size_t unit_of_grade(int g, const struct standard **out, size_t cap)
{
	size_t n = 0;
	const char *doms[32];
	size_t nd = standards_domains_of_grade(g, doms, 32);
	for (size_t i = 0; i < nd && i < 32; i++) {
		const struct standard *cl[32];
		size_t nc = standards_clusters_of(g, doms[i], cl, 32);
		for (size_t j = 0; j < nc && j < 32; j++) {
			if (cl[j]->emphasis != EMPHASIS_MAJOR)
				continue;
			const struct standard *ss[32];
			size_t k = standards_in_cluster(cl[j], ss, 32);
			for (size_t x = 0; x < k && x < 32 && n < cap; x++)
				out[n++] = ss[x];
		}
	}
	return n;
}

static int grade_of(const char *grades)
{
	if (!grades || !*grades || grades[0] == 'K')
		return grades && grades[0] == 'K' ? 0 : 3;
	int64_t g;
	char two[3] = { grades[0], grades[1] == ',' ? '\0' : grades[1], '\0' };
	return cstr_to_i64(two, 0, 8, &g) ? 3 : (int)g;
}

/* A group of GROUP_N students of one grade from consecutive classes. */
static int pick_group(struct db *db, int64_t d, const char *first_class, struct arena *a,
		      char sids[GROUP_N][64], int *grade)
{
	struct db_stmt *st;
	int n = 0;
	*grade = -1;
	if (db_query(db,
		     "SELECT p.sourced_id, p.grades FROM enrollment e JOIN person p ON"
		     " p.district_id = e.district_id AND p.sourced_id = e.user_sourced_id"
		     " WHERE e.district_id = ?1 AND e.class_sourced_id >= ?2 AND"
		     " e.role = 'student' ORDER BY e.class_sourced_id, p.sourced_id LIMIT 200",
		     DB_ARGS(DB_INT(d), DB_TEXT(first_class)), &st))
		return -1;
	while (n < GROUP_N && db_next(st)) {
		int g = grade_of(db_col_text(st, 1));
		if (*grade < 0)
			*grade = g;
		if (g != *grade)
			continue;
		db_col_copy(st, 0, sids[n++], 64);
	}
	(void)a;
	return db_done(st) || n < GROUP_N ? -1 : n;
}

static int fill(struct db *db, int64_t d, char sids[GROUP_N][64], int grade)
{
	const struct standard *u[64];
	size_t nu = unit_of_grade(grade, u, 64);
	if (db_begin(db))
		return -1;
	for (size_t i = 0; i < GROUP_N; i++)
		for (size_t k = 0; k < nu; k++)
			for (int r = 0; r < 3; r++) {
				char item[32];
				snprintf(item, sizeof item, "q%d", (int)((i + k + (size_t)r) % 7));
				/* about two in five students weak on a standard */
				int correct = (i * 7 + k * 3) % 5 < 2 ? r == 2 : 1;
				if (mastery_record(db, d, sids[i], u[k]->code, 1, item, correct,
						   1759300000 + (int64_t)r * 86400)) {
					db_rollback(db);
					return -1;
				}
			}
	return db_commit(db) ? -1 : 0;
}

static int add_tools(struct db *db, int64_t d, int64_t *ids)
{
	static const char *const names[NTOOLS] = { "Bench Practice", "Bench Tutor", "Bench Video",
						   "Bench Quiz", "Bench Fluency" };
	static const double g[NTOOLS] = { 0.12, 0.18, 0.0, 0.05, 0.03 };
	struct audit_actor who = { 0, "cli", "" };
	for (int i = 0; i < NTOOLS; i++) {
		struct tool t;
		struct tool_form f = { 0 };
		char why[256] = "";
		f.name = names[i];
		f.grades = "K-8";
		tools_defaults(&t);
		if (tools_validate(db, d, &f, &t, why, sizeof why) ||
		    tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "bench", &ids[i]) ||
		    tools_set_status(db, d, ids[i], TOOL_APPROVED, "bench", NULL, &who, why,
				     sizeof why)) {
			fprintf(stderr, "bench_recommend: tool: %s\n", why);
			return -1;
		}
		/* the evidence as the refresh writes it */
		if (db_execute(db,
			       "INSERT INTO rec_effect(district_id, tool_id, standard, subgroup,"
			       " initiative_id, g, lo, hi, n_t, n_c, p, tier, tau, computed_at)"
			       " VALUES (?1, ?2, '', '', 1, ?3, ?3 - 0.08, ?3 + 0.08, 600, 600,"
			       " 0.01, 2, 0.02, 1)",
			       DB_ARGS(DB_INT(d), DB_INT(ids[i]), DB_REAL(g[i])), NULL))
			return -1;
		for (int grade = 0; grade <= 8; grade++) {
			char sg[16];
			snprintf(sg, sizeof sg, grade ? "grade %d" : "grade K", grade);
			if (db_execute(
				    db,
				    "INSERT INTO rec_effect(district_id, tool_id, standard,"
				    " subgroup, initiative_id, g, lo, hi, n_t, n_c, p, tier, tau,"
				    " computed_at) VALUES (?1, ?2, '', ?3, 1, ?4, ?4 - 0.2,"
				    " ?4 + 0.2, 80, 80, 0.2, 2, 0.05, 1)",
				    DB_ARGS(DB_INT(d), DB_INT(ids[i]), DB_TEXT(sg),
					    DB_REAL(g[i] + 0.01 * grade)),
				    NULL))
				return -1;
			const struct standard *u[64];
			size_t nu = unit_of_grade(grade, u, 64);
			for (size_t k = 0; k < nu; k++) {
				const struct standard *pre[16];
				size_t np = standards_prereqs(u[k], pre, 16);
				for (size_t x = 0; x <= np && x <= 16; x++) {
					const char *code = x == 0 ? u[k]->code : pre[x - 1]->code;
					if (db_execute(db,
						       "INSERT OR IGNORE INTO rec_tool_standard("
						       "district_id, tool_id, standard, students, "
						       "events)"
						       " VALUES (?1, ?2, ?3, 500, 9000)",
						       DB_ARGS(DB_INT(d), DB_INT(ids[i]),
							       DB_TEXT(code)),
						       NULL) ||
					    db_execute(
						    db,
						    "INSERT OR IGNORE INTO rec_effect(district_id,"
						    " tool_id, standard, subgroup, initiative_id, "
						    "g, lo,"
						    " hi, n_t, n_c, p, tier, tau, computed_at) "
						    "VALUES"
						    " (?1, ?2, ?3, '', 1, ?4, ?4 - 0.3, ?4 + 0.3, "
						    "60,"
						    " 60, 0.3, 2, 0, 1)",
						    DB_ARGS(DB_INT(d), DB_INT(ids[i]),
							    DB_TEXT(code),
							    DB_REAL(g[i] + 0.02 * (double)(k % 3))),
						    NULL))
						return -1;
				}
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	int students = 350000;
	if (argc > 2 && strcmp(argv[1], "--students") == 0) {
		int64_t v;
		if (cstr_to_i64(argv[2], 1000, 2000000, &v)) {
			fprintf(stderr, "--students: 1000..2000000\n");
			return 2;
		}
		students = (int)v;
	}
	char path[128], side[160];
	snprintf(path, sizeof path, "/tmp/bench_recommend_%d.db", (int)getpid());
	struct db *db;
	char err[256];
	int64_t d;
	double t0 = time_mono();
	if (db_open(path, DB_OPEN_CREATE, &db, err, sizeof err) ||
	    district_create(db, "Large", &d)) {
		printf("recommend_350k: skipped: %s\n", err);
		return 0;
	}
	struct sim_params sp;
	struct sim_district *sd = NULL;
	struct sim_csv_file files[SIM_CSV_FILE_COUNT];
	size_t nf = 0;
	sim_params_scaled(&sp, students);
	if (sim_district_build(&sp, &sd) || sim_write_oneroster_mem(sd, files, &nf)) {
		printf("recommend_350k: skipped: cannot generate the district\n");
		return 0;
	}
	sim_district_free(sd);
	struct oneroster_file of[SIM_CSV_FILE_COUNT];
	for (size_t i = 0; i < nf; i++) {
		of[i].name = files[i].name;
		of[i].data = files[i].data.data;
		of[i].len = files[i].data.len;
	}
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_files(db, d, of, nf, &rep);
	oneroster_report_free(&rep);
	sim_csv_files_free(files, nf);
	if (rc) {
		printf("recommend_350k: import failed: %s\n", eb_strerror(rc));
		return 1;
	}
	int64_t tool_ids[NTOOLS];
	if (db_begin(db) || add_tools(db, d, tool_ids) || db_commit(db)) {
		printf("recommend_350k: cannot write the evidence\n");
		return 1;
	}
	/* GROUPS groups spread over the district */
	int64_t ntotal = 0;
	struct db_stmt *st;
	static char first[GROUPS][64];
	static char sids[GROUPS][GROUP_N][64];
	int grade[GROUPS];
	if (db_get_int(db, "SELECT count(*) FROM class WHERE district_id = ?1", DB_ARGS(DB_INT(d)),
		       &ntotal) ||
	    db_query(db, "SELECT sourced_id FROM class WHERE district_id = ?1 ORDER BY sourced_id",
		     DB_ARGS(DB_INT(d)), &st))
		return 1;
	size_t ng = 0;
	long row = 0, step = ntotal / GROUPS ? (long)(ntotal / GROUPS) : 1;
	while (ng < GROUPS && db_next(st))
		if (row++ % step == 0)
			db_col_copy(st, 0, first[ng++], sizeof first[0]);
	if (db_done(st))
		return 1;
	struct arena a;
	arena_init(&a);
	size_t ok = 0;
	for (size_t i = 0; i < ng; i++)
		if (pick_group(db, d, first[i], &a, sids[ok], &grade[ok]) == GROUP_N &&
		    fill(db, d, sids[ok], grade[ok]) == 0)
			ok++;
	double t_build = time_mono() - t0;
	db_exec(db, "PRAGMA optimize");
	double *ms = calloc((size_t)ok * ROUNDS, sizeof *ms);
	long lists = 0, runs = 0;
	for (int r = 0; r < ROUNDS && ms; r++)
		for (size_t gi = 0; gi < ok; gi++) {
			arena_reset(&a);
			const char *ids[GROUP_N];
			for (int k = 0; k < GROUP_N; k++)
				ids[k] = sids[gi][k];
			double t1 = time_mono();
			struct rec_students *s;
			if (recommend_students_load(db, d, ids, GROUP_N, &a, &s)) {
				printf("recommend_350k: load failed\n");
				return 1;
			}
			const struct standard *u[64];
			size_t nu = unit_of_grade(grade[gi], u, 64);
			for (size_t k = 0; k < nu; k++) {
				size_t idx[GROUP_N], n = 0;
				for (size_t x = 0; x < GROUP_N; x++) {
					double p = recommend_student_p(s, x, u[k]->code);
					if (p >= 0 && p < 0.70)
						idx[n++] = x;
				}
				struct rec_students *sub;
				struct recommendation *out;
				size_t nout;
				if (!n)
					continue;
				if (recommend_students_subset(s, idx, n, &a, &sub) ||
				    recommend_for_students(db, d, sub, u[k]->code, 3, &a, &out,
							   &nout) ||
				    nout == 0) {
					printf("recommend_350k: a list failed\n");
					return 1;
				}
				lists++;
			}
			ms[runs++] = (time_mono() - t1) * 1000;
		}
	qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
	printf("recommend_350k_students: %d\n", students);
	printf("recommend_350k_build_seconds: %.1f\n", t_build);
	printf("recommend_350k_classes_timed: %zu (x %d rounds)\n", ok, ROUNDS);
	printf("recommend_350k_standards_per_class: %.1f\n", runs ? (double)lists / runs : 0);
	if (runs) {
		printf("recommend_350k_class_of_35_p50_ms: %.2f\n", ms[runs / 2]);
		printf("recommend_350k_class_of_35_p99_ms: %.2f\n",
		       ms[(size_t)((runs - 1) * 0.99)]);
	}
	free(ms);
	arena_free(&a);
	db_close(db);
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	return 0;
}
