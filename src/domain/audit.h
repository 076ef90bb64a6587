/* audit.h - the audit log of student-record views and every change.
 * FERPA: the district admin can read who saw or changed what, when, from where. */
#ifndef EB_AUDIT_H
#define EB_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

struct audit_actor {
	int64_t account_id;  /* 0 for the command line or the system */
	const char *login;   /* "cli" when account_id is 0 */
	const char *address; /* client address, "" for the command line */
};

/* Appends one entry. action: view, create, update, delete, import, login,
 * login_failed, logout, code_issued ...; subject_type: student, account,
 * roster, class ...; detail: short words, never a secret. subject_id and
 * detail may come from a client: they are stored as valid UTF-8 (a byte
 * that is not becomes '?') and cut at 512 and 4096 bytes. */
enum eb_err audit_record(struct db *db, int64_t district_id, const struct audit_actor *who,
			 const char *action, const char *subject_type, const char *subject_id,
			 const char *detail);

/* The same for an entry about a set of students: a bulk view or export of
 * student data (action view or export: a class roster, a class's mastery
 * grid, its CSV or Excel file, a standard's district picture) or a refused
 * attempt (action refused: a student or class record the account may not
 * see, or that does not exist; the viewer got 404). students: how many
 * students' records it showed, or 1 for a refused student (>= 0; stored in
 * audit_log.students, migration 013). */
enum eb_err audit_record_students(struct db *db, int64_t district_id, const struct audit_actor *who,
				  const char *action, const char *subject_type,
				  const char *subject_id, int64_t students, const char *detail);

struct audit_entry {
	int64_t id, at, account_id;
	int64_t students; /* audit_record_students' count; -1 for other entries */
	const char *actor, *action, *subject_type, *subject_id, *detail, *address;
};

struct audit_filter {
	const char *subject_type; /* NULL: any */
	const char *subject_id;	  /* NULL: any */
	const char *action;	  /* NULL: any */
	int64_t before_id; /* 0: newest first from the top; else entries with id < before_id */
	int limit;	   /* 1..500 */
};

/* Newest first. Arrays live in arena. */
/* One entry to be written through the group commit (store/db_write.h)
 * rather than on the caller's connection: for a view whose response waits
 * for its entry, so that many views share one transaction. Everything is
 * copied into arena; NULL when it cannot be. audit_job_write gives the job
 * to queue; its fn writes the entry as audit_record_students would. */
struct audit_job;
struct audit_job *audit_job_new(struct arena *arena, int64_t district_id,
				const struct audit_actor *who, const char *action,
				const char *subject_type, const char *subject_id, int64_t students,
				const char *detail);
struct db_write *audit_job_write(struct audit_job *j);

enum eb_err audit_list(struct db *db, int64_t district_id, const struct audit_filter *f,
		       struct arena *arena, struct audit_entry **out, size_t *n);

#endif
