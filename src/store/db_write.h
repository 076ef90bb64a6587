/* db_write.h - group commit: one writer thread for the ingest paths.
 *
 * Writes from many threads are queued to one process-wide writer thread,
 * which runs them in groups, each group in one transaction on a connection
 * of its own. It is built only on db.h: a separate room from the thin
 * database wrapper, with its own thread, queue and connections. The thread
 * starts on first use and is reset in a forked child; db_write_drain runs
 * at exit, before the writer's connections are closed. */
#ifndef EB_DB_WRITE_H
#define EB_DB_WRITE_H

#include <stdbool.h>

#include "base/err.h"

struct db;

/* Each group is one transaction on the writer's connection: BEGIN IMMEDIATE, each job's fn in queue order, COMMIT. Under
 * concurrent load the pages every writer touches (the tail of a table, a
 * hot index leaf, a student's mastery row) reach the WAL once per group
 * instead of once per request, and the writer's page cache stays warm. Each
 * job keeps its own outcome: when any job fails (or the COMMIT does), the
 * group is rolled back and every job of it is run again alone, in order, in
 * its own transaction, so a job's result is exactly what it would have been
 * had it run by itself. Hence fn:
 * - writes only through the db it is given (the writer's connection, not
 *   the caller's), inside the open transaction, and never begins, commits
 *   or rolls back;
 * - may run twice, so it keeps no state between runs beyond its ctx output;
 * - may register db_before_commit work as usual.
 * Jobs are grouped only with others on the same database file (or the same
 * PostgreSQL URL: db_shared_name). */
struct db_write {
	enum eb_err (*fn)(struct db *db, void *ctx);
	void *ctx;
	enum eb_err rc; /* fn's result once the job is done */
	/* How long the job may wait for others to share its transaction, in
	 * milliseconds (0: none). Each commit makes every other connection of
	 * the file drop its page cache, so small writes made on every page
	 * view (the audit of record views) are cheapest gathered. A group made
	 * only of such jobs is written at once when the writer has not
	 * committed for linger_ms, else when it is full or linger_ms after the
	 * last commit: under load they commit at most 1000 / linger_ms times a
	 * second, and alone they do not wait at all. They wait only while
	 * some work that may bring company is going on (db_write_work_begin):
	 * a lone client's requests, one after another, never wait. */
	int linger_ms;
	/* private to db_write.c */
	struct db *db;
	const char *file; /* db_shared_name(db); "" for none of its own */
	struct db_write *next;
	void (*done_cb)(void *arg);
	void *done_arg;
	bool finished;
};

/* Queues w and waits until its group has committed (or rolled back);
 * returns w->rc, which it always sets. The caller must not have a
 * transaction open (EB_EINVAL). */
enum eb_err db_write_grouped(struct db *db, struct db_write *w);

/* Queues w and returns at once. done(arg) runs on the writer thread once the
 * job is done, with w->rc set; it must be quick, must not use a db, and
 * must not touch w after handing it on (w may be freed then). EB_EBUSY when
 * too many jobs are waiting and EB_EINVAL when db is in a transaction or on no file of its own (in memory, read-only): the
 * caller then writes with db_write_grouped. */
enum eb_err db_write_submit(struct db *db, struct db_write *w, void (*done)(void *arg), void *arg);

/* Waits until every job queued so far has been done (tests; exit). */
void db_write_drain(void);

/* Refuses every job still waiting in the queue (not the group being
 * written): each is taken off unrun, with rc EB_EBUSY as if the queue had
 * been full, and its done callback runs (or its db_write_grouped caller
 * returns). For a server that stops and cannot wait for a locked
 * database: nothing of a refused job is written. */
void db_write_refuse_waiting(void);

/* Work that may soon queue a lingering job: the server counts each request
 * while it dispatches it (begin before, end after). Lingering jobs wait for
 * company only while such work is going on; when none is (every request is
 * answered or waiting on the writer) they are written at once. Thread-safe;
 * each begin needs its end. */
void db_write_work_begin(void);
void db_write_work_end(void);

#endif
