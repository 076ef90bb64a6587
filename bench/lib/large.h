/* large.h - what the benchmarks on the generated large district share
 * (bench/lib/large.c, linked into every bench program): the district built
 * through the real roster import, a grade's unit of standards, accounts with
 * a session, the server started in-process with one keep-alive loopback
 * connection, and percentiles. A bench program prints its own figures. */
#ifndef EB_BENCH_LARGE_H
#define EB_BENCH_LARGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/account.h"
#include "domain/standards.h"

struct db;
struct http_server;

struct large {
	char path[128]; /* the database file: /tmp/<name>_<pid>.db */
	struct db *db;	/* open after large_build; closed by large_serve */
	int64_t d;	/* the district */
	int students;
	double import_seconds; /* generation + roster import */
	const char *name;      /* the figures' prefix, for messages */
};

/* The district size from `--students N` (default 350000, 1000..2000000).
 * Returns false (after a message on stderr) for a bad value. */
bool large_args(int argc, char **argv, int *students);

/* Creates the database, the district "Large" and imports a generated roster
 * of `students` students (sim_district_build, sim_write_oneroster_mem,
 * oneroster_import_files). Prints "<name>: skipped: ..." or "<name>: import
 * failed: ..." and returns false on failure. */
bool large_build(struct large *L, const char *name, int students);

/* As large_build, into the database L->db already open (L->name set): one
 * more district named district with a generated roster of `students`;
 * L->d, L->students and L->import_seconds are set. */
bool large_build_in(struct large *L, const char *district, int students);

/* Up to want classes spread evenly over the district (every n-th by
 * sourcedId) into out; *ntotal gets the district's count of classes.
 * Returns how many were picked, or -1 on a read error. */
long large_pick_classes(struct db *db, int64_t d, size_t want, char (*out)[64], int64_t *ntotal);

/* The major-cluster standards of grade g (the class view's default unit). */
size_t large_unit_of_grade(int g, const struct standard **out, size_t cap);

/* A roster's grades ("05", "KG", "03,04") as a catalog grade; 3 unknown. */
int large_grade_of(const char *grades);

/* An account with one role and a session (token, 64 bytes); false on
 * failure. person may be NULL. */
bool large_login(struct db *db, int64_t d, const char *login, enum role r, const char *stype,
		 const char *sid, const char *person, char token[64]);

/* A district administrator "bench-admin" of L's district with a session
 * (token, 64 bytes); prints "<name>: cannot create a session" and returns
 * false on failure. */
bool large_admin_login(struct large *L, char token[64]);

/* Picks up to want classes spread over the district (large_pick_classes)
 * into out and fills each with fill(db, district, class sourcedId), which
 * returns how many records it wrote or -1. *records gets their sum, *ntotal
 * the district's count of classes. Returns
 * how many classes were picked and filled; -1 (after "<name>: mastery fill
 * failed") on a failure. */
long large_fill_classes(struct large *L, size_t want, char (*out)[64],
			long (*fill)(struct db *db, int64_t d, const char *cid), long *records,
			int64_t *ntotal);

/* Closes L->db, starts the server on it (2 threads, loopback) and returns a
 * connected keep-alive socket, or -1 (after a message). */
int large_serve(struct large *L, struct http_server **srv);

/* One GET of path with the session cookie on fd; the status, 0 on a
 * transport error. */
int large_get(int fd, const char *path, const char *token);

/* The body of the last response large_get read on this thread
 * (NUL-terminated; valid until the next large_get). */
const char *large_last_body(void);

/* Sorts v[n] and returns its p-quantile (0 <= p <= 1); 0 for n == 0. */
double large_quantile(double *v, size_t n, double p);

/* Stops the server, closes fd and removes the database and its -wal, -shm
 * (unless L->path was emptied to keep them). */
/* Removes a SQLite database file and its -wal and -shm files. */
void large_remove_db(const char *path);
void large_finish(struct large *L, struct http_server *srv, int fd);

#endif
