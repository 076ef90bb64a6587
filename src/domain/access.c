#include "domain/access.h"

#include <string.h>

#include "domain/roster.h"

bool access_all_students(const struct account *a)
{
	if (access_has(a, ROLE_DISTRICT_ADMIN) || access_has(a, ROLE_COORDINATOR))
		return true;
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == ROLE_COACH &&
		    strcmp(a->roles[i].scope_type, "district") == 0)
			return true;
	return false;
}

bool access_any_students(const struct account *a)
{
	return access_all_students(a) || access_has(a, ROLE_PRINCIPAL) ||
	       access_has(a, ROLE_COACH) || access_has(a, ROLE_TEACHER) ||
	       access_has(a, ROLE_GUARDIAN) || access_has(a, ROLE_STUDENT);
}

enum eb_err access_student(struct db *db, const struct account *a, const char *sid)
{
	int64_t d = a->district_id;
	if (!sid || !*sid)
		return EB_ENOTFOUND;
	if (access_all_students(a))
		return roster_is_student(db, d, sid) ? EB_OK : EB_ENOTFOUND;
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		switch (r->role) {
		case ROLE_PRINCIPAL:
		case ROLE_COACH:
			if (strcmp(r->scope_type, "school") == 0 &&
			    (roster_is_student(db, d, sid) &&
			     roster_person_in_school(db, d, sid, r->scope_id)))
				return EB_OK;
			break;
		case ROLE_TEACHER:
			if (strcmp(r->scope_type, "class") == 0 &&
			    roster_student_in_class(db, d, sid, r->scope_id))
				return EB_OK;
			if (a->person_sid[0] &&
			    roster_student_in_teacher_class(db, d, a->person_sid, sid))
				return EB_OK;
			break;
		case ROLE_GUARDIAN:
			if ((strcmp(r->scope_type, "person") == 0 &&
			     strcmp(r->scope_id, sid) == 0 && roster_is_student(db, d, sid)) ||
			    (a->person_sid[0] && roster_is_guardian_of(db, d, a->person_sid, sid)))
				return EB_OK;
			break;
		case ROLE_STUDENT:
			if (strcmp(r->scope_id, sid) == 0 && roster_is_student(db, d, sid))
				return EB_OK;
			break;
		default:
			break;
		}
	}
	return EB_ENOTFOUND;
}

enum eb_err access_class(struct db *db, const struct account *a, const char *cid)
{
	int64_t d = a->district_id;
	if (!cid || !*cid)
		return EB_ENOTFOUND;
	if (access_all_students(a))
		return roster_class_exists(db, d, cid, NULL) ? EB_OK : EB_ENOTFOUND;
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		if ((r->role == ROLE_PRINCIPAL || r->role == ROLE_COACH) &&
		    strcmp(r->scope_type, "school") == 0 &&
		    roster_class_exists(db, d, cid, r->scope_id))
			return EB_OK;
		if (r->role == ROLE_TEACHER) {
			if (strcmp(r->scope_type, "class") == 0 && strcmp(r->scope_id, cid) == 0 &&
			    roster_class_exists(db, d, cid, NULL))
				return EB_OK;
			if (a->person_sid[0] && roster_teaches_class(db, d, a->person_sid, cid))
				return EB_OK;
		}
	}
	return EB_ENOTFOUND;
}

enum eb_err access_school(struct db *db, const struct account *a, const char *sid)
{
	int64_t d = a->district_id;
	if (!sid || !*sid)
		return EB_ENOTFOUND;
	if (access_all_students(a) || access_has(a, ROLE_IT_STAFF))
		return roster_is_school(db, d, sid) ? EB_OK : EB_ENOTFOUND;
	for (int i = 0; i < a->nroles; i++) {
		const struct account_role *r = &a->roles[i];
		if ((r->role == ROLE_PRINCIPAL || r->role == ROLE_COACH ||
		     r->role == ROLE_TECH_CHAMPION || r->role == ROLE_TEACHER) &&
		    strcmp(r->scope_type, "school") == 0 && strcmp(r->scope_id, sid) == 0)
			return roster_is_school(db, d, sid) ? EB_OK : EB_ENOTFOUND;
		if (r->role == ROLE_TEACHER && a->person_sid[0] &&
		    roster_teaches_in_school(db, d, a->person_sid, sid))
			return EB_OK;
	}
	return EB_ENOTFOUND;
}

enum eb_err access_report_school(struct db *db, const struct account *a, const char *requested,
				 const char **school_sid)
{
	const char *sid = requested && *requested ? requested : NULL;
	*school_sid = NULL;
	if (!sid && !access_all_students(a))
		for (int i = 0; i < a->nroles && !sid; i++)
			if (strcmp(a->roles[i].scope_type, "school") == 0)
				sid = a->roles[i].scope_id;
	if (sid && (strlen(sid) > 200 || access_school(db, a, sid) != EB_OK))
		return EB_ENOTFOUND;
	if (!sid && !access_all_students(a))
		return EB_EPERM;
	*school_sid = sid;
	return EB_OK;
}
