#include "domain/access.h"

#include <string.h>

#include "store/db.h"

bool access_all_students(const struct account *a)
{
	if (access_has(a, ROLE_DISTRICT_ADMIN) || access_has(a, ROLE_COORDINATOR))
		return true;
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == ROLE_COACH && strcmp(a->roles[i].scope_type, "district") == 0)
			return true;
	return false;
}

bool access_any_students(const struct account *a)
{
	return access_all_students(a) || access_has(a, ROLE_PRINCIPAL) ||
	       access_has(a, ROLE_COACH) || access_has(a, ROLE_TEACHER) ||
	       access_has(a, ROLE_GUARDIAN) || access_has(a, ROLE_STUDENT);
}

static bool exists1(struct db *db, const char *sql, int64_t d, const char *a, const char *b)
{
	struct db_stmt *st;
	if (db_prepare(db, sql, &st))
		return false;
	db_bind_int(st, 1, d);
	db_bind_text(st, 2, a, -1);
	if (b)
		db_bind_text(st, 3, b, -1);
	bool ok = db_step(st) == DB_ROW;
	db_reset(st);
	return ok;
}

static const char sql_student_exists[] =
	"SELECT 1 FROM person WHERE district_id=?1 AND sourced_id=?2 AND role='student'";
static const char sql_student_in_school[] =
	"SELECT 1 FROM person p WHERE p.district_id=?1 AND p.sourced_id=?2 AND p.role='student'"
	" AND (EXISTS (SELECT 1 FROM enrollment e WHERE e.district_id=?1 AND e.user_sourced_id=?2"
	"   AND e.school_sourced_id=?3)"
	"  OR EXISTS (SELECT 1 FROM person_role r WHERE r.district_id=?1"
	"   AND r.person_sourced_id=?2 AND r.org_sourced_id=?3)"
	"  OR instr(',' || p.org_sourced_ids || ',', ',' || ?3 || ','))";
static const char sql_student_of_teacher[] =
	"SELECT 1 FROM enrollment t JOIN enrollment s ON s.district_id=t.district_id"
	" AND s.class_sourced_id=t.class_sourced_id AND s.role='student'"
	" WHERE t.district_id=?1 AND s.user_sourced_id=?2 AND t.user_sourced_id=?3"
	" AND t.role='teacher'";
static const char sql_student_in_class[] =
	"SELECT 1 FROM enrollment WHERE district_id=?1 AND user_sourced_id=?2"
	" AND class_sourced_id=?3 AND role='student'";
static const char sql_guardian_of[] =
	"SELECT 1 FROM guardianship WHERE district_id=?1 AND student_sourced_id=?2"
	" AND guardian_sourced_id=?3";

enum eb_err access_student(struct db *db, const struct account *a, const char *sid)
{
	int64_t d = a->district_id;
	if (!sid || !*sid)
		return EB_ENOTFOUND;
	if (access_all_students(a))
		return exists1(db, sql_student_exists, d, sid, NULL) ? EB_OK : EB_ENOTFOUND;
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		switch (r->role) {
		case ROLE_PRINCIPAL:
		case ROLE_COACH:
			if (strcmp(r->scope_type, "school") == 0 &&
			    exists1(db, sql_student_in_school, d, sid, r->scope_id))
				return EB_OK;
			break;
		case ROLE_TEACHER:
			if (strcmp(r->scope_type, "class") == 0 &&
			    exists1(db, sql_student_in_class, d, sid, r->scope_id))
				return EB_OK;
			if (a->person_sid[0] &&
			    exists1(db, sql_student_of_teacher, d, sid, a->person_sid))
				return EB_OK;
			break;
		case ROLE_GUARDIAN:
			if ((strcmp(r->scope_type, "person") == 0 && strcmp(r->scope_id, sid) == 0 &&
			     exists1(db, sql_student_exists, d, sid, NULL)) ||
			    (a->person_sid[0] && exists1(db, sql_guardian_of, d, sid, a->person_sid)))
				return EB_OK;
			break;
		case ROLE_STUDENT:
			if (strcmp(r->scope_id, sid) == 0 && exists1(db, sql_student_exists, d, sid, NULL))
				return EB_OK;
			break;
		default:
			break;
		}
	}
	return EB_ENOTFOUND;
}

static const char sql_class_exists[] =
	"SELECT 1 FROM class WHERE district_id=?1 AND sourced_id=?2";
static const char sql_class_in_school[] =
	"SELECT 1 FROM class WHERE district_id=?1 AND sourced_id=?2 AND school_sourced_id=?3";
static const char sql_class_taught_by[] =
	"SELECT 1 FROM enrollment WHERE district_id=?1 AND class_sourced_id=?2"
	" AND user_sourced_id=?3 AND role='teacher'";

enum eb_err access_class(struct db *db, const struct account *a, const char *cid)
{
	int64_t d = a->district_id;
	if (!cid || !*cid)
		return EB_ENOTFOUND;
	if (access_all_students(a))
		return exists1(db, sql_class_exists, d, cid, NULL) ? EB_OK : EB_ENOTFOUND;
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		if ((r->role == ROLE_PRINCIPAL || r->role == ROLE_COACH) &&
		    strcmp(r->scope_type, "school") == 0 &&
		    exists1(db, sql_class_in_school, d, cid, r->scope_id))
			return EB_OK;
		if (r->role == ROLE_TEACHER) {
			if (strcmp(r->scope_type, "class") == 0 && strcmp(r->scope_id, cid) == 0 &&
			    exists1(db, sql_class_exists, d, cid, NULL))
				return EB_OK;
			if (a->person_sid[0] && exists1(db, sql_class_taught_by, d, cid, a->person_sid))
				return EB_OK;
		}
	}
	return EB_ENOTFOUND;
}

static const char sql_school_exists[] =
	"SELECT 1 FROM org WHERE district_id=?1 AND sourced_id=?2 AND type='school'";
static const char sql_school_of_teacher[] =
	"SELECT 1 FROM enrollment WHERE district_id=?1 AND school_sourced_id=?2"
	" AND user_sourced_id=?3 AND role='teacher'";

enum eb_err access_school(struct db *db, const struct account *a, const char *sid)
{
	int64_t d = a->district_id;
	if (!sid || !*sid)
		return EB_ENOTFOUND;
	if (access_all_students(a) || access_has(a, ROLE_IT_STAFF))
		return exists1(db, sql_school_exists, d, sid, NULL) ? EB_OK : EB_ENOTFOUND;
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		if ((r->role == ROLE_PRINCIPAL || r->role == ROLE_COACH ||
		     r->role == ROLE_TECH_CHAMPION || r->role == ROLE_TEACHER) &&
		    strcmp(r->scope_type, "school") == 0 && strcmp(r->scope_id, sid) == 0)
			return exists1(db, sql_school_exists, d, sid, NULL) ? EB_OK : EB_ENOTFOUND;
		if (r->role == ROLE_TEACHER && a->person_sid[0] &&
		    exists1(db, sql_school_of_teacher, d, sid, a->person_sid))
			return EB_OK;
	}
	return EB_ENOTFOUND;
}
