/* bench_outbox.c - the outbox of family messages (issue 13: "the outbox
 * drains >= 500 emails/s into the local SMTP server"; `families send
 * --dry-run` on the 350,000-student district).
 *
 * 1. Drain: a district of DRAIN_STUDENTS students (bench/lib/large), every
 *    guardian given an email address; a real local SMTP server
 *    (tests/http/smtp_sink.py --discard: Debian python3-aiosmtpd, a handler
 *    that keeps nothing) on loopback. Three weeks are queued and each
 *    drained through the real path (claim, render: the update of every
 *    child, a sign-in link and an opt-out link issued, MIME, SMTP over one
 *    reused connection, the result and its audit entry recorded). Prints
 *      outbox_drain_emails             emails per run
 *      outbox_drain_emails_per_s       the median of the three runs
 *      outbox_drain_runs_per_s         the three runs
 *      outbox_drain_smtp_connections   SMTP sessions the server saw in all
 *      outbox_drain_accepted           messages the server accepted in all
 * 2. Dry run: the district of --students N students (default 350000):
 *      outbox_dry_run_families, outbox_dry_run_seconds (outbox_queue_week
 *      with dry_run, as `edbridge families send --dry-run`: every
 *      guardian's contacts, channel choice and language, nothing stored)
 *      and outbox_queue_seconds (the same, stored: the real queueing).
 * Prints "bench_outbox: skipped: ..." without python3-aiosmtpd. */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/timeutil.h"
#include "domain/delivery.h"
#include "domain/outbox.h"
#include "lib/large.h"
#include "store/db.h"
#include "web/update_message.h"

extern char **environ;

enum { DRAIN_STUDENTS = 3000, RUNS = 3 };

static pid_t sink_pid;
static char sink_dir[128];

static int read_int(const char *name)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", sink_dir, name);
	FILE *f = fopen(p, "r");
	int v = -1;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* starts the sink; its port, or -1 */
static int sink_start(void)
{
	snprintf(sink_dir, sizeof sink_dir, "/tmp/bench_outbox_sink_%d", (int)getpid());
	mkdir(sink_dir, 0700);
	const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	char *args[] = { (char *)py, "tests/http/smtp_sink.py", sink_dir, "--discard", NULL };
	if (posix_spawnp(&sink_pid, py, NULL, NULL, args, environ))
		return -1;
	for (int i = 0; i < 200; i++) {
		int port = read_int("port");
		if (port > 0)
			return port;
		int st;
		if (waitpid(sink_pid, &st, WNOHANG) == sink_pid)
			return -1; /* it exited: no aiosmtpd */
		usleep(50000);
	}
	return -1;
}

static void sink_stop(void)
{
	if (sink_pid > 0) {
		kill(sink_pid, SIGTERM);
		waitpid(sink_pid, NULL, 0);
	}
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", sink_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench_outbox: could not remove %s\n", sink_dir);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static bool drain_bench(void)
{
	struct large L;
	if (!large_build(&L, "outbox_drain", DRAIN_STUDENTS))
		return false;
	struct db *db = L.db;
	int64_t d = L.d;
	/* every guardian reachable by email only */
	if (db_exec(db, "UPDATE person SET email = 'family.' || sourced_id || '@example.org',"
			" sms = NULL, phone = NULL WHERE role IN ('guardian', 'parent')")) {
		printf("outbox_drain: cannot set the emails\n");
		return false;
	}
	int port = sink_start();
	if (port < 0) {
		printf("outbox_drain: skipped: no local SMTP server (python3-aiosmtpd:"
		       " scripts/install-deps.sh)\n");
		sink_stop();
		return false;
	}
	struct delivery_settings s;
	char err[256];
	delivery_get(db, d, &s);
	snprintf(s.smtp_url, sizeof s.smtp_url, "smtp://127.0.0.1:%d", port);
	s.smtp_plain_loopback = true;
	snprintf(s.mail_from, sizeof s.mail_from, "updates@bench.example");
	snprintf(s.public_url, sizeof s.public_url, "https://edbridge.bench.example");
	if (delivery_set(db, d, &s, err, sizeof err)) {
		printf("outbox_drain: %s\n", err);
		sink_stop();
		return false;
	}
	double rate[RUNS];
	long emails = 0;
	for (int r = 0; r < RUNS; r++) {
		char week[9];
		snprintf(week, sizeof week, "2026-W%02d", 20 + r);
		struct outbox_queue_report q;
		if (outbox_queue_week(db, d, week, false, time_now(), NULL, NULL, &q)) {
			printf("outbox_drain: queueing failed\n");
			sink_stop();
			return false;
		}
		struct update_message_ctx mc;
		update_message_ctx_init(&mc, d);
		struct outbox_drain_report rep;
		double t0 = time_mono();
		enum eb_err rc = outbox_drain(db, d, FAMILY_CH_EMAIL, &s, s.public_url,
					      update_message_render, &mc, time_now(), 0, &rep);
		double t = time_mono() - t0;
		update_message_ctx_free(&mc);
		if (rc || rep.sent == 0 || rep.retry || rep.failed) {
			printf("outbox_drain: run %d: %s, sent %ld, retry %ld, failed %ld %s\n", r,
			       eb_strerror(rc), rep.sent, rep.retry, rep.failed, rep.error);
			sink_stop();
			return false;
		}
		emails = rep.sent;
		rate[r] = (double)rep.sent / t;
	}
	double sorted[RUNS];
	memcpy(sorted, rate, sizeof rate);
	qsort(sorted, RUNS, sizeof sorted[0], cmp_double);
	/* the sink writes its last count when it stops */
	kill(sink_pid, SIGTERM);
	waitpid(sink_pid, NULL, 0);
	sink_pid = 0;
	printf("outbox_drain_emails: %ld\n", emails);
	printf("outbox_drain_emails_per_s: %.0f\n", sorted[RUNS / 2]);
	printf("outbox_drain_runs_per_s: %.0f %.0f %.0f\n", rate[0], rate[1], rate[2]);
	printf("outbox_drain_smtp_connections: %d\n", read_int("connections"));
	printf("outbox_drain_accepted: %d\n", read_int("accepted"));
	sink_stop();
	large_finish(&L, NULL, -1);
	return true;
}

int main(int argc, char **argv)
{
	int students;
	if (!large_args(argc, argv, &students))
		return 2;
	drain_bench();
	struct large L;
	if (!large_build(&L, "outbox_dry_run", students))
		return 0;
	struct outbox_queue_report q;
	double t0 = time_mono();
	enum eb_err rc = outbox_queue_week(L.db, L.d, "2026-W30", true, time_now(), NULL, NULL, &q);
	double t = time_mono() - t0;
	if (rc) {
		printf("outbox_dry_run: %s\n", eb_strerror(rc));
		return 1;
	}
	printf("outbox_dry_run_students: %d\n", students);
	printf("outbox_dry_run_families: %ld\n", q.families);
	printf("outbox_dry_run_email_sms_letter: %ld %ld %ld\n", q.queued[FAMILY_CH_EMAIL],
	       q.queued[FAMILY_CH_SMS], q.queued[FAMILY_CH_LETTER]);
	printf("outbox_dry_run_seconds: %.2f\n", t);
	t0 = time_mono();
	rc = outbox_queue_week(L.db, L.d, "2026-W30", false, time_now(), NULL, NULL, &q);
	printf("outbox_queue_seconds: %.2f%s\n", time_mono() - t0, rc ? " (failed)" : "");
	large_finish(&L, NULL, -1);
	return 0;
}
