/* test_db_group.c - the group commit (db_write_grouped, db_write_submit):
 * every job keeps exactly the outcome it would have had alone, whatever it
 * was grouped with; nothing of a failed job is stored; the writer survives
 * a file being replaced and a fork. When EDBRIDGE_TEST_PG names a
 * PostgreSQL database, the outcome tests run there too (groups without
 * statement guards, db_set_statement_guard), with the reconnection after a
 * lost connection (EB_EUNAVAIL, db_unavailable_take). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "store/db_write.h"

#define THREADS 8
#define JOBS_PER_THREAD 40

struct fx {
	char path[512];
};

/* EDBRIDGE_TEST_PG, or NULL */
static const char *pg_url;

/* The PostgreSQL fixture: the same table on the test database. */
static int setup_pg(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "%s", pg_url);
	struct db *db;
	if (db_open(f->path, DB_OPEN_CREATE, &db, NULL, 0) ||
	    db_exec(db, "DROP TABLE IF EXISTS t") ||
	    db_exec(db, "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL) STRICT"))
		return -1;
	db_close(db);
	*state = f;
	return 0;
}

static int teardown_pg(void **state)
{
	free(*state);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_db_group_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	struct db *db;
	if (db_open(f->path, DB_OPEN_CREATE, &db, NULL, 0) ||
	    db_exec(db, "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL) STRICT"))
		return -1;
	db_close(db);
	*state = f;
	return 0;
}

static void remove_files(const char *path)
{
	char p[600];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	remove_files(f->path);
	free(f);
	return 0;
}

/* A job inserts two rows, k and k+"/b"; a "bad" job inserts its first row
 * and then fails (as a conflicting statement would, halfway through). */
struct job {
	struct db_write w;
	char k[32];
	bool bad;
	atomic_int runs;
};

static enum eb_err job_run(struct db *db, void *ctx)
{
	struct job *j = ctx;
	atomic_fetch_add(&j->runs, 1);
	char k2[40];
	snprintf(k2, sizeof k2, "%s/b", j->k);
	enum eb_err rc =
		db_execute(db, "INSERT INTO t (k, v) VALUES (?1, 1)", DB_ARGS(DB_TEXT(j->k)), NULL);
	if (rc)
		return rc;
	if (j->bad)
		return EB_ECONFLICT;
	return db_execute(db, "INSERT INTO t (k, v) VALUES (?1, 2)", DB_ARGS(DB_TEXT(k2)), NULL);
}

static int64_t count_rows(const char *path, const char *where_k)
{
	struct db *db;
	if (db_open(path, 0, &db, NULL, 0))
		return -1;
	int64_t n;
	enum eb_err rc =
		where_k ? db_get_int(db, "SELECT count(*) FROM t WHERE k = ?1 OR k = ?1 || '/b'",
				     DB_ARGS(DB_TEXT(where_k)), &n)
			: db_get_int(db, "SELECT count(*) FROM t", DB_NOARGS, &n);
	db_close(db);
	return rc ? -1 : n;
}

struct worker {
	const char *path;
	int id;
	struct job jobs[JOBS_PER_THREAD];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct db *db;
	if (db_open(w->path, 0, &db, NULL, 0))
		return NULL;
	for (int i = 0; i < JOBS_PER_THREAD; i++) {
		struct job *j = &w->jobs[i];
		snprintf(j->k, sizeof j->k, "w%d-%d", w->id, i);
		/* every seventh job fails; one key is shared by two threads, so one
		 * of them meets a uniqueness conflict with a committed job */
		j->bad = (w->id * JOBS_PER_THREAD + i) % 7 == 3;
		if (i == 5 && w->id < 2) {
			snprintf(j->k, sizeof j->k, "shared");
			j->bad = false;
		}
		j->w = (struct db_write){ .fn = job_run, .ctx = j };
		db_write_grouped(db, &j->w);
	}
	db_close(db);
	return NULL;
}

/* Many threads, failures mixed in: each job's outcome is its own. */
static void test_outcomes_are_per_job(void **state)
{
	struct fx *f = *state;
	static struct worker ws[THREADS];
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++) {
		memset(&ws[i], 0, sizeof ws[i]);
		ws[i].path = f->path;
		ws[i].id = i;
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &ws[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	int64_t expect = 0;
	int shared_ok = 0, reruns = 0;
	for (int i = 0; i < THREADS; i++)
		for (int k = 0; k < JOBS_PER_THREAD; k++) {
			struct job *j = &ws[i].jobs[k];
			assert_true(atomic_load(&j->runs) >= 1);
			reruns += atomic_load(&j->runs) > 1;
			if (!strcmp(j->k, "shared")) {
				/* the first to commit wins, the other meets EB_EEXIST */
				if (j->w.rc == EB_OK)
					shared_ok++;
				else
					assert_int_equal(j->w.rc, EB_EEXIST);
				continue;
			}
			if (j->bad) {
				assert_int_equal(j->w.rc, EB_ECONFLICT);
				assert_int_equal(count_rows(f->path, j->k),
						 0); /* nothing partial */
			} else {
				assert_int_equal(j->w.rc, EB_OK);
				assert_int_equal(count_rows(f->path, j->k), 2);
				expect += 2;
			}
		}
	assert_int_equal(shared_ok, 1);
	assert_int_equal(count_rows(f->path, NULL), expect + 2);
	/* jobs that shared a group with a failing one ran again alone; with
	 * eight threads some groups hold more than one job */
	print_message("jobs run twice: %d\n", reruns);
}

/* A job queued on an in-memory database is written through its own
 * connection; db_write_submit refuses it (no file of its own). */
static void test_in_memory(void **state)
{
	(void)state;
	struct db *db;
	assert_int_equal(db_open(":memory:", DB_OPEN_CREATE, &db, NULL, 0), EB_OK);
	assert_int_equal(db_exec(db, "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER) STRICT"),
			 EB_OK);
	struct job j = { .k = "m" };
	j.w = (struct db_write){ .fn = job_run, .ctx = &j };
	assert_int_equal(db_write_grouped(db, &j.w), EB_OK);
	struct db_stmt *st;
	assert_int_equal(db_query(db, "SELECT count(*) FROM t", DB_NOARGS, &st), EB_OK);
	assert_true(db_next(st));
	assert_int_equal(db_col_int(st, 0), 2);
	assert_int_equal(db_done(st), EB_OK);
	struct job j2 = { .k = "n" };
	j2.w = (struct db_write){ .fn = job_run, .ctx = &j2 };
	assert_int_equal(db_write_submit(db, &j2.w, NULL, NULL), EB_EINVAL);
	/* inside a transaction: refused, and w->rc says so */
	assert_int_equal(db_begin(db), EB_OK);
	assert_int_equal(db_write_grouped(db, &j2.w), EB_EINVAL);
	assert_int_equal(j2.w.rc, EB_EINVAL);
	db_rollback(db);
	db_close(db);
}

struct waiter {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int done;
};

static void on_done(void *arg)
{
	struct waiter *wt = arg;
	pthread_mutex_lock(&wt->mu);
	wt->done++;
	pthread_cond_signal(&wt->cv);
	pthread_mutex_unlock(&wt->mu);
}

/* Asynchronous jobs: the callback comes once each, after the commit. */
static void test_submit(void **state)
{
	struct fx *f = *state;
	struct db *db;
	assert_int_equal(db_open(f->path, 0, &db, NULL, 0), EB_OK);
	struct waiter wt = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	static struct job jobs[20];
	for (int i = 0; i < 20; i++) {
		memset(&jobs[i], 0, sizeof jobs[i]);
		snprintf(jobs[i].k, sizeof jobs[i].k, "a%d", i);
		jobs[i].bad = i == 9;
		jobs[i].w = (struct db_write){ .fn = job_run, .ctx = &jobs[i] };
		assert_int_equal(db_write_submit(db, &jobs[i].w, on_done, &wt), EB_OK);
	}
	pthread_mutex_lock(&wt.mu);
	while (wt.done < 20)
		pthread_cond_wait(&wt.cv, &wt.mu);
	pthread_mutex_unlock(&wt.mu);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(jobs[i].w.rc, i == 9 ? EB_ECONFLICT : EB_OK);
		assert_int_equal(count_rows(f->path, jobs[i].k), i == 9 ? 0 : 2);
	}
	db_close(db);
}

/* A job that meets a duplicate, handles it and goes on (as a caller of
 * db_execute may): in a group on PostgreSQL, which runs without statement
 * guards, the failed statement aborts the group's transaction, and the job
 * still gets its own outcome (run again alone, guarded), as do the jobs it
 * was grouped with. */
static enum eb_err tolerant_run(struct db *db, void *ctx)
{
	enum eb_err rc =
		db_execute(db, "INSERT INTO t (k, v) VALUES ('taken', 9)", DB_NOARGS, NULL);
	if (rc && rc != EB_EEXIST)
		return rc;
	return job_run(db, ctx);
}

static void test_tolerant_jobs(void **state)
{
	struct fx *f = *state;
	struct db *db;
	assert_int_equal(db_open(f->path, 0, &db, NULL, 0), EB_OK);
	assert_int_equal(db_exec(db, "INSERT INTO t (k, v) VALUES ('taken', 0)"), EB_OK);
	struct waiter wt = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	static struct job jobs[12];
	for (int i = 0; i < 12; i++) {
		memset(&jobs[i], 0, sizeof jobs[i]);
		snprintf(jobs[i].k, sizeof jobs[i].k, "tol%d", i);
		jobs[i].w =
			(struct db_write){ .fn = i % 3 ? job_run : tolerant_run, .ctx = &jobs[i] };
		assert_int_equal(db_write_submit(db, &jobs[i].w, on_done, &wt), EB_OK);
	}
	pthread_mutex_lock(&wt.mu);
	while (wt.done < 12)
		pthread_cond_wait(&wt.cv, &wt.mu);
	pthread_mutex_unlock(&wt.mu);
	for (int i = 0; i < 12; i++) {
		assert_int_equal(jobs[i].w.rc, EB_OK);
		assert_int_equal(count_rows(f->path, jobs[i].k), 2);
	}
	assert_int_equal(count_rows(f->path, NULL), 1 + 24);
	db_close(db);
}

/* Ends every other PostgreSQL session of this process (PGAPPNAME, set in
 * main), as a server restart or a dropped connection would. */
static void drop_connections(const char *url)
{
	struct db *k;
	assert_int_equal(db_open(url, 0, &k, NULL, 0), EB_OK);
	int64_t n = 0;
	assert_int_equal(db_get_int(k,
				    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid)"
				    " FROM pg_stat_activity WHERE application_name ="
				    " current_setting('application_name')"
				    " AND pid <> pg_backend_pid()) AS x",
				    DB_NOARGS, &n),
			 EB_OK);
	assert_true(n >= 1);
	db_close(k);
	usleep(100 * 1000); /* the backends are gone */
}

/* A lost connection: the statement that meets it fails EB_EUNAVAIL (and
 * db_unavailable_take says so, once); outside a transaction the next
 * statement reconnects and its cached statements are prepared again;
 * inside one every statement fails until the rollback. */
static void test_pg_reconnect(void **state)
{
	struct fx *f = *state;
	struct db *db;
	int64_t n = 0;
	assert_int_equal(db_open(f->path, 0, &db, NULL, 0), EB_OK);
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM t", DB_NOARGS, &n), EB_OK);
	assert_false(db_unavailable_take(db));
	drop_connections(f->path);
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM t", DB_NOARGS, &n), EB_EUNAVAIL);
	assert_true(db_unavailable_take(db));
	assert_false(db_unavailable_take(db));
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM t", DB_NOARGS, &n), EB_OK);
	assert_int_equal(n, 0);
	/* inside a transaction: nothing after the loss runs outside it */
	assert_int_equal(db_begin(db), EB_OK);
	assert_int_equal(
		db_execute(db, "INSERT INTO t (k, v) VALUES ('in-tx', 1)", DB_NOARGS, NULL), EB_OK);
	drop_connections(f->path);
	assert_int_equal(db_execute(db, "INSERT INTO t (k, v) VALUES ('lost', 1)", DB_NOARGS, NULL),
			 EB_EUNAVAIL);
	assert_true(db_in_transaction(db));
	assert_int_equal(
		db_execute(db, "INSERT INTO t (k, v) VALUES ('after', 1)", DB_NOARGS, NULL),
		EB_EUNAVAIL);
	assert_int_equal(db_commit(db), EB_EUNAVAIL);
	assert_false(db_in_transaction(db));
	assert_int_equal(db_get_int(db, "SELECT count(*) FROM t", DB_NOARGS, &n), EB_OK);
	assert_int_equal(n, 0);
	db_close(db);
}

/* The group commit's own connection lost between groups: the next group
 * reconnects (its BEGIN is tried again) and is stored; a group whose
 * connection goes during its transaction stores nothing. */
static void test_pg_group_reconnects(void **state)
{
	struct fx *f = *state;
	struct db *db;
	assert_int_equal(db_open(f->path, 0, &db, NULL, 0), EB_OK);
	struct job a = { .k = "before-drop" };
	a.w = (struct db_write){ .fn = job_run, .ctx = &a };
	assert_int_equal(db_write_grouped(db, &a.w), EB_OK);
	db_close(db);
	drop_connections(f->path);
	assert_int_equal(db_open(f->path, 0, &db, NULL, 0), EB_OK);
	struct job b = { .k = "after-drop" };
	b.w = (struct db_write){ .fn = job_run, .ctx = &b };
	assert_int_equal(db_write_grouped(db, &b.w), EB_OK);
	assert_int_equal(count_rows(f->path, "before-drop"), 2);
	assert_int_equal(count_rows(f->path, "after-drop"), 2);
	db_close(db);
}

/* The file is deleted and made again at the same path: the writer must not
 * go on writing into the old one. */
static void test_file_replaced(void **state)
{
	struct fx *f = *state;
	struct db *db;
	assert_int_equal(db_open(f->path, 0, &db, NULL, 0), EB_OK);
	struct job j = { .k = "before" };
	j.w = (struct db_write){ .fn = job_run, .ctx = &j };
	assert_int_equal(db_write_grouped(db, &j.w), EB_OK);
	db_close(db);
	remove_files(f->path);
	assert_int_equal(db_open(f->path, DB_OPEN_CREATE, &db, NULL, 0), EB_OK);
	assert_int_equal(db_exec(db, "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER) STRICT"),
			 EB_OK);
	struct job j2 = { .k = "after" };
	j2.w = (struct db_write){ .fn = job_run, .ctx = &j2 };
	assert_int_equal(db_write_grouped(db, &j2.w), EB_OK);
	db_close(db);
	assert_int_equal(count_rows(f->path, "after"), 2);
	assert_int_equal(count_rows(f->path, NULL), 2);
}

/* A child forked after the writer thread started still writes. */
static void test_fork(void **state)
{
	struct fx *f = *state;
	struct db *db;
	assert_int_equal(db_open(f->path, 0, &db, NULL, 0), EB_OK);
	struct job j = { .k = "parent" };
	j.w = (struct db_write){ .fn = job_run, .ctx = &j };
	assert_int_equal(db_write_grouped(db, &j.w), EB_OK);
	db_close(db);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct db *cdb;
		int ok = db_open(f->path, 0, &cdb, NULL, 0) == EB_OK;
		struct job cj = { .k = "child" };
		cj.w = (struct db_write){ .fn = job_run, .ctx = &cj };
		ok = ok && db_write_grouped(cdb, &cj.w) == EB_OK;
		_exit(ok ? 0 : 1);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(count_rows(f->path, "child"), 2);
	assert_int_equal(count_rows(f->path, "parent"), 2);
}

/* Lingering jobs (db_write.h): alone after a quiet spell one is written at
 * once; right after a commit it waits for company up to its linger; an
 * eager job queued behind it takes it along at once. */
static atomic_int linger_done;

static void linger_cb(void *arg)
{
	(void)arg;
	atomic_fetch_add(&linger_done, 1);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_linger(void **state)
{
	struct fx *f = *state;
	struct db *db;
	assert_int_equal(db_open(f->path, 0, &db, NULL, 0), EB_OK);
	static struct job a, b, c, d, e;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	memset(&c, 0, sizeof c);
	memset(&d, 0, sizeof d);
	memset(&e, 0, sizeof e);
	a.w = (struct db_write){ .fn = job_run, .ctx = &a, .linger_ms = 300 };
	b.w = (struct db_write){ .fn = job_run, .ctx = &b, .linger_ms = 3000 };
	c.w = (struct db_write){ .fn = job_run, .ctx = &c };
	d.w = (struct db_write){ .fn = job_run, .ctx = &d, .linger_ms = 3000 };
	e.w = (struct db_write){ .fn = job_run, .ctx = &e, .linger_ms = 3000 };
	snprintf(a.k, sizeof a.k, "linger-a");
	snprintf(b.k, sizeof b.k, "linger-b");
	snprintf(c.k, sizeof c.k, "linger-c");
	snprintf(d.k, sizeof d.k, "linger-d");
	snprintf(e.k, sizeof e.k, "linger-e");
	db_write_work_begin(); /* a request is being worked on: company may come */
	usleep(400 * 1000);    /* longer than a's linger since any earlier commit */
	double t0 = now_s();
	assert_int_equal(db_write_grouped(db, &a.w), EB_OK);
	assert_true(now_s() - t0 < 0.29); /* not held for its 300 ms */
	atomic_store(&linger_done, 0);
	t0 = now_s();
	assert_int_equal(db_write_submit(db, &b.w, linger_cb, NULL), EB_OK);
	usleep(500 * 1000);
	assert_int_equal(atomic_load(&linger_done), 0);	     /* waiting for company */
	assert_int_equal(db_write_grouped(db, &c.w), EB_OK); /* eager: takes b along */
	while (atomic_load(&linger_done) == 0 && now_s() - t0 < 10)
		usleep(1000);
	assert_int_equal(atomic_load(&linger_done), 1);
	assert_true(now_s() - t0 < 2.9); /* before b's own 3 s were up */
	assert_int_equal(b.w.rc, EB_OK);
	/* the last work ends while d lingers: nobody can come, d is written */
	atomic_store(&linger_done, 0);
	t0 = now_s();
	assert_int_equal(db_write_submit(db, &d.w, linger_cb, NULL), EB_OK);
	usleep(200 * 1000);
	assert_int_equal(atomic_load(&linger_done), 0);
	db_write_work_end();
	while (atomic_load(&linger_done) == 0 && now_s() - t0 < 10)
		usleep(1000);
	assert_int_equal(atomic_load(&linger_done), 1);
	assert_true(now_s() - t0 < 2.9);
	/* no work going on: a lingering job right after a commit does not wait
	 * (a lone client's requests, one after another) */
	t0 = now_s();
	assert_int_equal(db_write_grouped(db, &e.w), EB_OK);
	assert_true(now_s() - t0 < 1.0);
	db_close(db);
	assert_int_equal(count_rows(f->path, "linger-b"), 2);
	assert_int_equal(count_rows(f->path, "linger-c"), 2);
	assert_int_equal(count_rows(f->path, "linger-d"), 2);
	assert_int_equal(count_rows(f->path, "linger-e"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outcomes_are_per_job, setup, teardown),
		cmocka_unit_test(test_in_memory),
		cmocka_unit_test_setup_teardown(test_submit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tolerant_jobs, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("sqlite", tests, NULL, NULL);
	pg_url = getenv("EDBRIDGE_TEST_PG");
	if (pg_url && *pg_url) {
		char app[64];
		snprintf(app, sizeof app, "test_db_group_%ld", (long)getpid());
		setenv("PGAPPNAME", app, 1); /* drop_connections ends only ours */
		const struct CMUnitTest on_pg[] = {
			cmocka_unit_test_setup_teardown(test_outcomes_are_per_job, setup_pg,
							teardown_pg),
			cmocka_unit_test_setup_teardown(test_submit, setup_pg, teardown_pg),
			cmocka_unit_test_setup_teardown(test_tolerant_jobs, setup_pg, teardown_pg),
			cmocka_unit_test_setup_teardown(test_pg_reconnect, setup_pg, teardown_pg),
			cmocka_unit_test_setup_teardown(test_pg_group_reconnects, setup_pg,
							teardown_pg),
		};
		failed += cmocka_run_group_tests_name("postgresql", on_pg, NULL, NULL);
	}
	return failed;
}
