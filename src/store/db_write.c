/* Group commit (db_write.h): the writer thread, its queue and its
 * connections. Uses only the database interface of db.h. */
#include "store/db_write.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/timeutil.h"
#include "store/db.h"

/* The most jobs one transaction takes (bounds a group's latency), and the
 * most jobs db_write_submit lets wait (past it, callers write themselves). */
#define GROUP_MAX 32
#define QUEUE_MAX 128
/* How many times a group that met a serialization failure or a deadlock
 * (EB_EBUSY from PostgreSQL: 40001, 40P01) is run again whole before its
 * jobs are run alone. */
#define GROUP_RETRIES 3

static pthread_mutex_t group_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER; /* jobs queued */
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER; /* jobs finished */
static struct db_write *group_head, **group_tail = &group_head;
static int queued;
static bool writer_running;
static bool group_active;   /* the writer thread is inside a group */
static double last_commit;  /* when the writer last took a group (time_mono) */
static _Atomic int working; /* db_write_work_begin - end: work that may bring company */

/* Whether every queued job may linger (and one is queued). group_mu held. */
static bool all_linger(void)
{
	if (!group_head)
		return false;
	for (struct db_write *w = group_head; w; w = w->next)
		if (w->linger_ms <= 0)
			return false;
	return true;
}

/* Whether jobs x and y may share a transaction: the same file (read when
 * they were queued, on the caller's thread), or the same connection. */
static bool same_file(const struct db_write *x, const struct db_write *y)
{
	return x->db == y->db || (x->file[0] && !strcmp(x->file, y->file));
}

/* A file that a connection of the writer thread's own can be opened on. */
static bool has_own_file(struct db *db)
{
	return db_shared_name(db)[0] != '\0';
}

/* The groups of a file are written through one connection of their own, not
 * the callers': in WAL mode a connection that sees another one's commit
 * drops its whole page cache, so writers taking turns on their own
 * connections would each start cold. One writer connection per file (a few
 * files at most: tests), found by path and checked against the file's inode,
 * so a file deleted and made again is not written through a stale
 * connection. Used only by the writer thread; closed at exit. */
#define GROUP_WRITERS 4
static struct group_writer {
	struct db *db;
	dev_t dev;
	ino_t ino;
	char *path;
} writers[GROUP_WRITERS];
static bool writers_atexit;

static void writers_close(void)
{
	db_write_drain(); /* at exit: queued work first, then the connections */
	for (int i = 0; i < GROUP_WRITERS; i++) {
		db_close(writers[i].db);
		free(writers[i].path);
		memset(&writers[i], 0, sizeof writers[i]);
	}
}

static struct db *writer_for(const char *path)
{
	struct stat sb = { 0 };
	/* a PostgreSQL URL has no inode: the same URL is the same database */
	if (!path[0] || (!db_is_url(path) && stat(path, &sb)))
		return NULL;
	struct group_writer *w = NULL;
	for (int i = 0; i < GROUP_WRITERS && !w; i++)
		if (writers[i].path && !strcmp(writers[i].path, path))
			w = &writers[i];
	if (w && w->dev == sb.st_dev && w->ino == sb.st_ino)
		return w->db;
	if (!w) {
		/* a free slot, else the first one is replaced */
		w = &writers[0];
		for (int i = 0; i < GROUP_WRITERS; i++)
			if (!writers[i].path) {
				w = &writers[i];
				break;
			}
	}
	db_close(w->db);
	free(w->path);
	memset(w, 0, sizeof *w);
	struct db *nd;
	char *p = strdup(path);
	if (!p || db_open(path, 0, &nd, NULL, 0)) {
		free(p);
		return NULL;
	}
	/* the writer waits out a long lock (a refit storing, an import, another
	 * process) longer than a worker would: its callers are suspended
	 * requests, not blocked threads */
	db_set_busy_timeout(nd, 30000);
	*w = (struct group_writer){ nd, sb.st_dev, sb.st_ino, p };
	if (!writers_atexit)
		writers_atexit = atexit(writers_close) == 0;
	return nd;
}

/* BEGIN, once more when the connection was found lost (a server restarted
 * since the last group, an idle connection dropped): nothing was sent yet,
 * and the second try reconnects (db.h). */
static enum eb_err begin_reconnecting(struct db *db)
{
	enum eb_err rc = db_begin(db);
	return rc == EB_EUNAVAIL ? db_begin(db) : rc;
}

/* One job in its own transaction; again (up to GROUP_RETRIES times) after a
 * serialization failure. */
static enum eb_err write_alone(struct db *db, struct db_write *w)
{
	enum eb_err rc = EB_EBUSY;
	for (int attempt = 0; attempt <= GROUP_RETRIES && rc == EB_EBUSY; attempt++) {
		if ((rc = begin_reconnecting(db)))
			return rc;
		rc = w->fn(db, w->ctx);
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	return rc;
}

/* Runs the jobs of list g (linked by next) on db; sets each one's rc. A
 * BEGIN that fails (the database stayed locked past the busy timeout) fails
 * the whole group at once rather than once per job. On PostgreSQL the group
 * runs without statement guards (db_set_statement_guard: one round trip per
 * write, no savepoint per row); a job that fails there, whatever it made of
 * the error, fails the group, and each job is then run alone, guarded,
 * exactly as it would have run by itself. A lone job on SQLite is run alone
 * at once (the guards change nothing there). */
static void write_group(struct db *db, struct db_write *g)
{
	bool pg = db_is_url(db_shared_name(db));
	if (!g->next && !pg) {
		g->rc = write_alone(db, g);
		return;
	}
	enum eb_err rc = EB_EBUSY;
	bool began = true;
	db_set_statement_guard(db, false);
	for (int attempt = 0; attempt <= GROUP_RETRIES && rc == EB_EBUSY; attempt++) {
		if ((rc = begin_reconnecting(db))) {
			began = false;
			break;
		}
		for (struct db_write *w = g; w && !rc; w = w->next)
			rc = w->fn(db, w->ctx);
		if (!rc)
			rc = db_commit(db); /* rolls back itself when it fails */
		else
			db_rollback(db);
	}
	db_set_statement_guard(db, true);
	/* no BEGIN, or the database went away: nothing of the group was
	 * stored, and each job alone would only meet the same again */
	bool whole = !began || rc == EB_EUNAVAIL;
	for (struct db_write *w = g; w; w = w->next)
		w->rc = whole ? rc : rc ? write_alone(db, w) : EB_OK;
}

/* Takes the first queued job and up to GROUP_MAX - 1 more on its file, in
 * queue order. Called with group_mu held and the queue not empty. */
static struct db_write *take_group(void)
{
	struct db_write *g = NULL, **gt = &g, **pp = &group_head, *first = group_head;
	int n = 0;
	while (*pp) {
		struct db_write *x = *pp;
		if (n < GROUP_MAX && same_file(x, first)) {
			*pp = x->next;
			x->next = NULL;
			*gt = x;
			gt = &x->next;
			n++;
		} else {
			pp = &x->next;
		}
	}
	group_tail = pp;
	queued -= n;
	return g;
}

/* The writer thread: one group at a time, for ever. A file it cannot open a
 * connection of its own on (in memory, read-only) is written through the
 * first job's connection: only db_write_grouped queues such jobs, and its
 * caller is blocked until the job is done, so the connection is idle. */
static void *writer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&group_mu);
	for (;;) {
		while (!group_head)
			pthread_cond_wait(&work_cv, &group_mu);
		/* lingering jobs wait for company, up to linger_ms after the last
		 * commit (db_write.h) */
		while (all_linger() && queued < GROUP_MAX && atomic_load(&working) > 0) {
			double until = last_commit + group_head->linger_ms / 1000.0;
			double now = time_mono();
			if (now >= until)
				break;
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			double wait = until - now;
			ts.tv_sec += (time_t)wait;
			ts.tv_nsec += (long)((wait - (double)(time_t)wait) * 1e9);
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&work_cv, &group_mu, &ts);
		}
		struct db_write *g = take_group();
		group_active = true;
		last_commit = time_mono();
		pthread_mutex_unlock(&group_mu);
		struct db *wdb = writer_for(g->file);
		if (!wdb && !g->done_cb)
			wdb = g->db;
		if (wdb) {
			write_group(wdb, g);
		} else {
			/* no connection of its own could be opened: on PostgreSQL,
			 * the server is not reachable now */
			for (struct db_write *x = g; x; x = x->next)
				x->rc = db_is_url(g->file) ? EB_EUNAVAIL : EB_EDB;
		}
		pthread_mutex_lock(&group_mu);
		for (struct db_write *x = g, *next; x; x = next) {
			next = x->next;
			if (x->done_cb) {
				/* x may be freed once the callback has it */
				pthread_mutex_unlock(&group_mu);
				x->done_cb(x->done_arg);
				pthread_mutex_lock(&group_mu);
			} else {
				x->finished = true;
			}
		}
		group_active = false;
		pthread_cond_broadcast(&done_cv);
	}
	return NULL;
}

void db_write_work_begin(void)
{
	atomic_fetch_add(&working, 1);
}

void db_write_work_end(void)
{
	if (atomic_fetch_sub(&working, 1) != 1)
		return;
	/* the last work ended: lingering jobs wait for nobody now */
	pthread_mutex_lock(&group_mu);
	if (group_head)
		pthread_cond_signal(&work_cv);
	pthread_mutex_unlock(&group_mu);
}

/* After fork() only the calling thread exists: the child starts afresh
 * (its parent's writer connections are not touched, nor closed). */
static void group_atfork_child(void)
{
	pthread_mutex_init(&group_mu, NULL);
	pthread_cond_init(&work_cv, NULL);
	pthread_cond_init(&done_cv, NULL);
	group_head = NULL;
	group_tail = &group_head;
	queued = 0;
	writer_running = false;
	group_active = false;
	atomic_store(&working, 0);
	memset(writers, 0, sizeof writers);
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void atfork_init(void)
{
	pthread_atfork(NULL, NULL, group_atfork_child);
}

/* Queues w; starts the writer thread if need be. group_mu held. */
static enum eb_err enqueue(struct db *db, struct db_write *w)
{
	if (!writer_running) {
		pthread_t t;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		int e = pthread_create(&t, &at, writer_main, NULL);
		pthread_attr_destroy(&at);
		if (e)
			return EB_ENOMEM;
		writer_running = true;
	}
	w->db = db;
	w->file = db_shared_name(db);
	w->next = NULL;
	w->finished = false;
	w->rc = EB_OK;
	*group_tail = w;
	group_tail = &w->next;
	queued++;
	pthread_cond_signal(&work_cv);
	return EB_OK;
}

enum eb_err db_write_grouped(struct db *db, struct db_write *w)
{
	if (db_in_transaction(db))
		return w->rc = EB_EINVAL;
	pthread_once(&atfork_once, atfork_init);
	w->done_cb = NULL;
	pthread_mutex_lock(&group_mu);
	enum eb_err rc = enqueue(db, w);
	if (rc) {
		pthread_mutex_unlock(&group_mu);
		return w->rc = write_alone(db, w); /* no thread: write here */
	}
	while (!w->finished)
		pthread_cond_wait(&done_cv, &group_mu);
	pthread_mutex_unlock(&group_mu);
	return w->rc;
}

void db_write_drain(void)
{
	pthread_mutex_lock(&group_mu);
	while (group_head || group_active)
		pthread_cond_wait(&done_cv, &group_mu);
	pthread_mutex_unlock(&group_mu);
}

void db_write_refuse_waiting(void)
{
	pthread_mutex_lock(&group_mu);
	struct db_write *w = group_head;
	group_head = NULL;
	group_tail = &group_head;
	queued = 0;
	while (w) {
		struct db_write *next = w->next; /* w may be freed once done has it */
		w->rc = EB_EBUSY;
		if (w->done_cb) {
			pthread_mutex_unlock(&group_mu);
			w->done_cb(w->done_arg);
			pthread_mutex_lock(&group_mu);
		} else {
			w->finished = true;
		}
		w = next;
	}
	pthread_cond_broadcast(&done_cv);
	pthread_mutex_unlock(&group_mu);
}

enum eb_err db_write_submit(struct db *db, struct db_write *w, void (*done)(void *arg), void *arg)
{
	if (db_in_transaction(db) || !has_own_file(db))
		return EB_EINVAL;
	pthread_once(&atfork_once, atfork_init);
	pthread_mutex_lock(&group_mu);
	enum eb_err rc = queued >= QUEUE_MAX ? EB_EBUSY : EB_OK;
	if (!rc) {
		w->done_cb = done;
		w->done_arg = arg;
		rc = enqueue(db, w);
	}
	pthread_mutex_unlock(&group_mu);
	return rc;
}
