/* bench_letters.c - printed letters to families into PDF (issue 13:
 * "letters >= 200 pages/s into PDF").
 *
 * Builds the generated district through the real roster import
 * (bench/lib/large), lists every family's letters (letter_list, --all: the
 * largest list), then, three times, writes the letters of the first BATCH
 * families into one PDF in memory on one thread: each family's language,
 * each child's weekly update (family_update_build_in), a sign-in link per
 * child (family_link_issue: a hash stored) and the page drawn (cairo,
 * pango, libqrencode), in one transaction rolled back after each run so
 * that each run does the same work. Then the drawing alone: the same
 * letters filled once, drawn three times. Prints:
 *   letters_students             the district's size
 *   letters_families             letters in the district (--all)
 *   letters_list_seconds         letter_list over the district
 *   letters_batch                letters per run
 *   letters_pages                pages per run
 *   letters_pages_per_s          median of 3, links and updates included
 *   letters_pages_per_cpu_s      the same per CPU second (a shared machine)
 *   letters_draw_pages_per_s     median of 3, drawing into PDF only
 *   letters_draw_pages_per_cpu_s the same per CPU second
 *   letters_pdf_bytes_per_page
 *   letters_machine_load         the 1-minute load average at the end
 * `--students N` changes the district size (default 350000). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/timeutil.h"
#include "domain/family_update.h"
#include "domain/family_week.h"
#include "domain/letter.h"
#include "lib/large.h"
#include "store/db.h"
#include "web/letter_pdf.h"

enum { BATCH = 2000, RUNS = 3 };
#define URL "https://edbridge.example.org"

/* this process's CPU seconds: the machine may be shared */
static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double median3(double *v)
{
	return large_quantile(v, RUNS, 0.5);
}

int main(int argc, char **argv)
{
	struct large L;
	int students;
	if (!large_args(argc, argv, &students))
		return 2;
	if (!large_build(&L, "letters", students))
		return 0;
	struct db *db = L.db;
	int64_t d = L.d;
	struct arena a;
	arena_init(&a);
	struct letter_list all;
	struct family_week w;
	family_week_of(time_now(), NULL, &w);
	double t0 = time_mono();
	if (letter_list(db, d, NULL, true, w.label, &a, &all)) {
		printf("letters: cannot list the letters\n");
		return 1;
	}
	double list_s = time_mono() - t0;
	struct letter_list batch = all;
	if (batch.n > BATCH)
		batch.n = BATCH;
	struct buf out = BUF_INIT;
	buf_init(&out, 0);
	double rate[RUNS], draw[RUNS], rate_cpu[RUNS], draw_cpu[RUNS];
	long pages = 0;
	for (int r = 0; r < RUNS; r++) {
		struct letter_pdf_run run;
		buf_reset(&out);
		double t = time_mono(), c = cpu_now();
		if (db_begin(db) || letter_pdf_write(db, d, &batch, &w, URL, LETTER_PAPER_US,
						     letter_pdf_sink_buf, &out, &run)) {
			printf("letters: writing the letters failed\n");
			return 1;
		}
		rate[r] = (double)run.pages / (time_mono() - t);
		rate_cpu[r] = (double)run.pages / (cpu_now() - c);
		db_rollback(db);
		pages = run.pages;
	}
	size_t bytes = out.len;
	/* the drawing alone: filled once (links issued, then rolled back) */
	struct arena fill;
	arena_init(&fill);
	struct family_update_ctx *ctx;
	if (db_begin(db) || family_update_ctx_new(db, d, &w, &fill, &ctx)) {
		printf("letters: cannot read the district\n");
		return 1;
	}
	for (size_t i = 0; i < batch.n; i++)
		if (letter_fill(db, d, ctx, URL, &batch.v[i], &fill)) {
			printf("letters: cannot fill a letter\n");
			return 1;
		}
	db_rollback(db);
	for (int r = 0; r < RUNS; r++) {
		buf_reset(&out);
		struct letter_pdf *lp;
		long n = 0;
		double t = time_mono(), c = cpu_now();
		if (letter_pdf_begin(LETTER_PAPER_US, "Large", URL, letter_pdf_sink_buf, &out, &lp))
			return 1;
		for (size_t i = 0; i < batch.n; i++) {
			int p = 0;
			if (letter_pdf_add(lp, &batch.v[i], &p))
				return 1;
			n += p;
		}
		if (letter_pdf_finish(lp))
			return 1;
		draw[r] = (double)n / (time_mono() - t);
		draw_cpu[r] = (double)n / (cpu_now() - c);
	}
	printf("letters_students: %d\n", students);
	printf("letters_families: %zu\n", all.n);
	printf("letters_list_seconds: %.2f\n", list_s);
	printf("letters_batch: %zu\n", batch.n);
	printf("letters_pages: %ld\n", pages);
	printf("letters_pages_per_s: %.0f\n", median3(rate));
	printf("letters_pages_per_cpu_s: %.0f\n", median3(rate_cpu));
	printf("letters_draw_pages_per_s: %.0f\n", median3(draw));
	printf("letters_draw_pages_per_cpu_s: %.0f\n", median3(draw_cpu));
	printf("letters_pdf_bytes_per_page: %.0f\n", pages ? (double)bytes / (double)pages : 0);
	double load[1] = { 0 };
	if (getloadavg(load, 1) == 1)
		printf("letters_machine_load: %.2f\n", load[0]);
	buf_free(&out);
	arena_free(&fill);
	arena_free(&a);
	large_finish(&L, NULL, -1);
	return 0;
}
