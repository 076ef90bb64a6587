/* bench_family_updates.c - the weekly family update for every student of
 * the 350,000-student generated district (issue 13: "updates for every
 * family generated in <= 60 s").
 *
 * Builds the district through the real roster import (bench/lib/large),
 * adds three approved tools, and stores EVENTS learning events per student
 * for the students of CLASSES classes spread over the district, this week
 * and the week before, through the ingest path (activity_event_record: the
 * online mastery update). Then, on one thread and one connection, for every
 * student of the roster: the family's language (the first guardian's
 * choice or roster language, family_lang_of_guardian), the update
 * (family_update_build) and its three renderings (plain text, short text,
 * HTML fragment). Prints:
 *   family_updates_build_seconds      import + events
 *   family_updates_events             learning events stored
 *   family_updates_students           updates built (one per student)
 *   family_updates_with_practice      of which had practice this week
 *   family_updates_not_english        of which in a language other than English
 *   family_updates_seconds            all of them, one thread (wall clock)
 *   family_updates_cpu_seconds        the same in CPU time (a loaded machine)
 *   family_updates_per_s
 *   family_updates_machine_load       the 1-minute load average at the end
 *   family_updates_text_bytes_avg     the plain text's average size
 * `--students N` changes the district size (default 350000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/family_lang.h"
#include "domain/family_update.h"
#include "domain/family_week.h"
#include "domain/roster.h"
#include "domain/tools.h"
#include "lib/large.h"
#include "store/db.h"
#include "web/family_update_html.h"

enum { CLASSES = 200, EVENTS = 30, TOOLS = 3 };

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* EVENTS events for every student of class cid, over this week and the
 * one before; the number stored, -1 on failure. */
static long fill_class(struct db *db, int64_t d, const char *cid, const int64_t *tools,
		       const struct family_week *w, uint64_t *x)
{
	struct arena a;
	arena_init(&a);
	struct roster_person_row *ps;
	struct roster_class_row c;
	size_t np;
	long n = 0;
	if (roster_class_get(db, d, cid, &a, &c) ||
	    roster_class_students(db, d, cid, &a, &ps, &np) || db_begin(db)) {
		arena_free(&a);
		return -1;
	}
	const struct standard *u[64];
	size_t nu = large_unit_of_grade(large_grade_of(c.grades), u, 64);
	int64_t span = time_now() - (w->start - 7 * 86400);
	for (size_t i = 0; i < np && nu; i++)
		for (int k = 0; k < EVENTS; k++) {
			char item[32];
			uint64_t r = rnd(x);
			snprintf(item, sizeof item, "q%d", (int)(r % 50));
			struct learning_event_in ev = {
				.actor_key = ps[i].sourced_id,
				.match_name = ps[i].sourced_id,
				.activity_id = item,
				.standard_code = u[(r >> 8) % nu]->code,
				.item_id = item,
				.correct = (int)((r >> 16) % 3 != 0),
				.score = -1,
				.duration_s = 60,
				.occurred_at = w->start - 7 * 86400 + (int64_t)((r >> 24) % span),
				.source = "csv",
			};
			bool q;
			if (activity_event_record(db, d, tools[(r >> 40) % TOOLS], &ev, &q) || q) {
				db_rollback(db);
				arena_free(&a);
				return -1;
			}
			n++;
		}
	arena_free(&a);
	return db_commit(db) ? -1 : n;
}

int main(int argc, char **argv)
{
	struct large L;
	int students;
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "family_updates", students))
		return 0;
	struct db *db = L.db;
	int64_t d = L.d;
	double t0 = time_mono();
	int64_t tools[TOOLS];
	struct audit_actor who = { 0, "cli", "" };
	for (int i = 0; i < TOOLS; i++) {
		struct tool t;
		char name[32], why[256] = "";
		snprintf(name, sizeof name, "Bench Tool %d", i + 1);
		struct tool_form f = { .name = name,
				       .dpa_signed = i ? "yes" : "no",
				       .dpa_date = i ? "2025-07-01" : NULL };
		tools_defaults(&t);
		if (tools_validate(db, d, &f, &t, why, sizeof why) || db_begin(db) ||
		    tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "bench", &tools[i]) ||
		    tools_set_status(db, d, tools[i], TOOL_APPROVED, "bench", NULL, &who, why,
				     sizeof why) ||
		    db_commit(db)) {
			printf("family_updates: cannot add the tools: %s\n", why);
			return 1;
		}
	}
	struct family_week w;
	family_week_of(time_now(), NULL, &w);

	/* CLASSES classes spread evenly over the district */
	struct arena a;
	arena_init(&a);
	int64_t nclass = 0;
	struct db_stmt *st;
	if (db_get_int(db, "SELECT count(*) FROM class WHERE district_id = ?1", DB_ARGS(DB_INT(d)),
		       &nclass) ||
	    db_query(db, "SELECT sourced_id FROM class WHERE district_id = ?1 ORDER BY sourced_id",
		     DB_ARGS(DB_INT(d)), &st))
		return 1;
	static char classes[CLASSES][64];
	size_t nc = 0;
	long row = 0, step = nclass / CLASSES ? (long)(nclass / CLASSES) : 1;
	while (nc < CLASSES && db_next(st))
		if (row++ % step == 0)
			db_col_copy(st, 0, classes[nc++], sizeof classes[0]);
	if (db_done(st))
		return 1;
	uint64_t x = 88172645463325252ull;
	long events = 0;
	for (size_t i = 0; i < nc; i++) {
		long n = fill_class(db, d, classes[i], tools, &w, &x);
		if (n < 0) {
			printf("family_updates: storing events failed\n");
			return 1;
		}
		events += n;
	}
	db_analyze(db);
	double t_build = L.import_seconds + time_mono() - t0;

	/* every student of the roster */
	char **sids = NULL;
	size_t ns = 0;
	{
		int64_t n = 0;
		if (db_get_int(db,
			       "SELECT count(*) FROM person WHERE district_id = ?1 AND role = "
			       "'student'",
			       DB_ARGS(DB_INT(d)), &n))
			return 1;
		sids = arena_alloc(&a, (size_t)(n ? n : 1) * sizeof *sids);
		if (!sids ||
		    db_query(db,
			     "SELECT sourced_id FROM person WHERE district_id = ?1 AND role = "
			     "'student' ORDER BY sourced_id",
			     DB_ARGS(DB_INT(d)), &st))
			return 1;
		while (db_next(st) && ns < (size_t)n)
			sids[ns++] = db_col_dup(st, 0, &a);
		if (db_done(st))
			return 1;
	}
	struct arena one;
	arena_init(&one);
	struct buf text = BUF_INIT, brief = BUF_INIT, page = BUF_INIT;
	buf_init(&text, 0);
	buf_init(&brief, 0);
	buf_init(&page, 0);
	long practiced = 0, foreign = 0, failed = 0;
	double bytes = 0;
	struct family_update_ctx *ctx;
	if (family_update_ctx_new(db, d, &w, &a, &ctx)) {
		printf("family_updates: cannot read the district\n");
		return 1;
	}
	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	double t1 = time_mono();
	for (size_t i = 0; i < ns; i++) {
		arena_reset(&one);
		struct roster_person_row *g = NULL;
		size_t ng = 0;
		struct family_lang fl;
		if (roster_student_guardians(db, d, sids[i], &one, &g, &ng))
			ng = 0;
		family_lang_of_guardian(db, d, ng ? g[0].sourced_id : NULL, sids[i], &fl);
		struct family_update u;
		if (family_update_build_in(ctx, sids[i], fl.lang, &one, &u)) {
			failed++;
			continue;
		}
		buf_reset(&text);
		buf_reset(&brief);
		buf_reset(&page);
		family_update_text(&u, &text);
		family_update_short(&u, &brief);
		family_update_html(&page, &u, 2);
		bytes += (double)text.len;
		practiced += u.nworked > 0;
		foreign += fl.lang != i18n_english();
	}
	double secs = time_mono() - t1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	double cpu = (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
	double load[1] = { 0 };
	if (getloadavg(load, 1) != 1)
		load[0] = -1;
	printf("family_updates_build_seconds: %.1f\n", t_build);
	printf("family_updates_events: %ld\n", events);
	printf("family_updates_students: %zu\n", ns - (size_t)failed);
	printf("family_updates_failed: %ld\n", failed);
	printf("family_updates_with_practice: %ld\n", practiced);
	printf("family_updates_not_english: %ld\n", foreign);
	printf("family_updates_seconds: %.1f\n", secs);
	printf("family_updates_cpu_seconds: %.1f\n", cpu);
	printf("family_updates_per_s: %.0f\n", secs > 0 ? (double)ns / secs : 0);
	printf("family_updates_machine_load: %.1f\n", load[0]);
	printf("family_updates_text_bytes_avg: %.0f\n", ns ? bytes / (double)ns : 0);
	buf_free(&text);
	buf_free(&brief);
	buf_free(&page);
	arena_free(&one);
	arena_free(&a);
	large_finish(&L, NULL, -1);
	return failed ? 1 : 0;
}
