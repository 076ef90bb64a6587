/* roster.h - the district roster (OneRoster orgs, sessions, courses, classes,
 * people, roles, enrollments, demographics, guardianship): writes used by
 * importers and the read queries the web pages and authorization call.
 *
 * Every function takes the district id; nothing crosses districts. Query
 * results are allocated in the caller's arena (strings and arrays live until
 * arena_free/arena_reset); NULL database values come back as NULL pointers. */
#ifndef EB_ROSTER_H
#define EB_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct db;

enum roster_kind {
	ROSTER_ORG,
	ROSTER_SESSION,
	ROSTER_COURSE,
	ROSTER_CLASS,
	ROSTER_PERSON,
	ROSTER_ROLE,
	ROSTER_ENROLLMENT,
	ROSTER_DEMOGRAPHICS,
	ROSTER_KIND_COUNT
};

/* Number of values roster_put() expects for a kind (table columns after
 * district_id, in the order of 001_core.sql). */
size_t roster_ncols(enum roster_kind k);

enum roster_val_type { RV_NULL, RV_TEXT, RV_INT };
struct roster_val {
	enum roster_val_type t;
	const char *p; /* RV_TEXT: bytes (copied by the call) */
	int n;	       /* RV_TEXT: length */
	int64_t i;     /* RV_INT */
};

/* Inserts or updates one row (vals[0] is the sourcedId; roster_ncols(k)
 * values in table column order). *changed is true when a row was added or a
 * differing column updated, false when the stored row was identical.
 * ROSTER_PERSON: a NULL role (vals[5]) or org_sourced_ids (vals[4]) keeps the
 * stored value (OneRoster 1.2 users without roles in the same import).
 * EB_EINVAL on a constraint violation, EB_EDB otherwise. Call inside a
 * transaction for speed. */
enum eb_err roster_put(struct db *db, int64_t district_id, enum roster_kind k,
		       const struct roster_val *vals, bool *changed);
/* roster_put that adds 1 to *changed when the row was inserted or changed,
 * without waiting for it where the store can (db_execute_sum: exact after
 * db_flush). The bulk import's way on PostgreSQL: no round trip per row. */
enum eb_err roster_put_sum(struct db *db, int64_t district_id, enum roster_kind k,
			   const struct roster_val *vals, long *changed);
/* A bulk write of roster rows, inside the caller's transaction. On
 * PostgreSQL the roster tables' evaluation-inputs triggers skip their
 * per-row bump between begin and end (pg/049_roster_bulk.sql); end bumps
 * the district's version once when wrote is true and turns the triggers
 * back on for the rest of the transaction. Nothing to do on SQLite. */
enum eb_err roster_bulk_begin(struct db *db);
enum eb_err roster_bulk_end(struct db *db, int64_t district_id, bool wrote);
/* Deletes a row by sourcedId; *deleted tells whether one existed. */
enum eb_err roster_delete(struct db *db, int64_t district_id, enum roster_kind k, const char *sid,
			  size_t n, bool *deleted);
/* Calls fn for every stored sourcedId of kind k (the string is valid only
 * during the call). */
enum eb_err roster_each_id(struct db *db, int64_t district_id, enum roster_kind k,
			   void (*fn)(void *ctx, const char *sid, size_t n), void *ctx);
/* Recomputes the guardianship table from the people's agentSourcedIds: a
 * link guardian->student exists when a student lists a parent/guardian/
 * relative (by primary role or any role in person_role) or such a person lists
 * a student. Adds missing links, deletes stale ones, counts both. */
enum eb_err roster_sync_guardianship(struct db *db, int64_t district_id, long *added,
				     long *deleted);
struct roster_dangling {
	enum roster_kind referrer, target;
	const char *field; /* OneRoster column name of the reference */
	long count;	   /* stored rows with that broken reference */
	char example_id[128], example_ref[128];
};
/* Finds stored rows whose single-valued reference (enrollment -> class, user,
 * school; class -> course, school; course -> org; role -> user, org;
 * demographics -> user) points at a row of a kind in target_mask (bit per
 * enum roster_kind) that does not exist. Up to cap findings into out. */
enum eb_err roster_find_dangling(struct db *db, int64_t district_id, unsigned target_mask,
				 struct roster_dangling *out, size_t cap, size_t *n);
/* Records an import in import_run (and, when ok, an audit_log row: actor
 * 'cli', action 'import', subject_type 'roster'). */
enum eb_err roster_record_import(struct db *db, int64_t district_id, const char *kind,
				 const char *source, int64_t started_at, bool ok,
				 const char *summary, int64_t *run_id);

/* ---- queries ---- */

struct roster_org_row {
	const char *sourced_id, *name, *type, *identifier, *parent_sourced_id;
};

struct roster_class_row {
	const char *sourced_id, *title, *course_sourced_id, *class_code, *class_type,
		*school_sourced_id, *term_sourced_ids, *grades, *location, *periods;
};

/* -1 = unknown for the tri-state flags */
struct roster_person_row {
	const char *sourced_id, *status, *role, *given_name, *family_name, *middle_name,
		*preferred_first_name, *username, *identifier, *email, *sms, *phone, *grades,
		*org_sourced_ids, *agent_sourced_ids, *home_language;
	int enabled_user, home_internet, english_learner, disability;
};

struct roster_counts {
	long schools, classes, students, teachers, guardians;
};

/* Orgs of type school, by name. */
enum eb_err roster_schools(struct db *db, int64_t district_id, struct arena *a,
			   struct roster_org_row **rows, size_t *n);
/* Classes whose school is school_sid, by title. */
enum eb_err roster_school_classes(struct db *db, int64_t district_id, const char *school_sid,
				  struct arena *a, struct roster_class_row **rows, size_t *n);
/* Classes where the person is enrolled as teacher. */
enum eb_err roster_teacher_classes(struct db *db, int64_t district_id, const char *teacher_sid,
				   struct arena *a, struct roster_class_row **rows, size_t *n);
/* Classes where the person is enrolled as student. */
enum eb_err roster_student_classes(struct db *db, int64_t district_id, const char *student_sid,
				   struct arena *a, struct roster_class_row **rows, size_t *n);
/* Students enrolled in a class (full person rows; sorted by family, given name). */
enum eb_err roster_class_students(struct db *db, int64_t district_id, const char *class_sid,
				  struct arena *a, struct roster_person_row **rows, size_t *n);
enum eb_err roster_class_teachers(struct db *db, int64_t district_id, const char *class_sid,
				  struct arena *a, struct roster_person_row **rows, size_t *n);
/* One person, every field. EB_ENOTFOUND when absent in this district. */
enum eb_err roster_person_get(struct db *db, int64_t district_id, const char *sid, struct arena *a,
			      struct roster_person_row *out);
enum eb_err roster_guardian_children(struct db *db, int64_t district_id, const char *guardian_sid,
				     struct arena *a, struct roster_person_row **rows, size_t *n);
enum eb_err roster_student_guardians(struct db *db, int64_t district_id, const char *student_sid,
				     struct arena *a, struct roster_person_row **rows, size_t *n);
/* The school of a class. EB_ENOTFOUND when the class is unknown. */
enum eb_err roster_class_school(struct db *db, int64_t district_id, const char *class_sid,
				struct arena *a, struct roster_org_row *out);
/* One org (any type) or one class by sourcedId. EB_ENOTFOUND when absent. */
enum eb_err roster_org_get(struct db *db, int64_t district_id, const char *org_sid, struct arena *a,
			   struct roster_org_row *out);
enum eb_err roster_class_get(struct db *db, int64_t district_id, const char *class_sid,
			     struct arena *a, struct roster_class_row *out);
/* People a person typed to name someone: a roster id, a student number
 * (identifier), a username or email, or the name as "Ana Lee" or "Lee, Ana"
 * (given or preferred first name; any case). role (may be NULL): only people
 * of that primary role ("student"). At most 11 rows (more than 10: say
 * "more"), by name. Blank or over-long (200) text finds no one. */
enum eb_err roster_find_people(struct db *db, int64_t district_id, const char *what,
			       const char *role, struct arena *a, struct roster_person_row **rows,
			       size_t *n);
/* Classes by roster id, class code or title (any case); at most 11. */
enum eb_err roster_find_classes(struct db *db, int64_t district_id, const char *what,
				struct arena *a, struct roster_class_row **rows, size_t *n);
/* Schools a person belongs to: orgSourcedIds, roles, and enrollments. */
enum eb_err roster_person_schools(struct db *db, int64_t district_id, const char *person_sid,
				  struct arena *a, struct roster_org_row **rows, size_t *n);
enum eb_err roster_count(struct db *db, int64_t district_id, struct roster_counts *out);

/* Membership checks for authorization (domain/access.c); false on any error. */
bool roster_student_in_class(struct db *db, int64_t district_id, const char *student_sid,
			     const char *class_sid);
bool roster_teaches_class(struct db *db, int64_t district_id, const char *teacher_sid,
			  const char *class_sid);
bool roster_teaches_in_school(struct db *db, int64_t district_id, const char *teacher_sid,
			      const char *school_sid);
/* The class exists (and, when school_sid is not NULL, belongs to that school). */
bool roster_class_exists(struct db *db, int64_t district_id, const char *class_sid,
			 const char *school_sid);
/* An org of type school. */
bool roster_is_school(struct db *db, int64_t district_id, const char *school_sid);
/* True when sid is a student (primary role) of the district. */
bool roster_is_student(struct db *db, int64_t district_id, const char *sid);

/* Authorization checks: false on any error. */
bool roster_person_in_school(struct db *db, int64_t district_id, const char *person_sid,
			     const char *school_sid);
bool roster_student_in_teacher_class(struct db *db, int64_t district_id, const char *teacher_sid,
				     const char *student_sid);
bool roster_is_guardian_of(struct db *db, int64_t district_id, const char *guardian_sid,
			   const char *student_sid);

#endif
