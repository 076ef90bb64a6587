/* access.h - who may see which roster records. Every page calls these
 * before it reads; a record outside the caller's reach answers EB_ENOTFOUND,
 * the same as one that does not exist, so existence never leaks.
 *
 *   district_admin, coordinator, coach (district)  every student of the district
 *   principal, coach (school)                       students and classes of their school
 *   teacher                                         classes they teach (roster enrollment
 *                                                   or a class-scoped role) and their students
 *   guardian                                        their own children
 *   student                                         themselves
 *   tech champion, IT staff, vendor contact         no student records */
#ifndef EB_ACCESS_H
#define EB_ACCESS_H

#include <stdbool.h>

#include "base/err.h"
#include "domain/account.h"

struct db;

static inline bool access_has(const struct account *a, enum role r)
{
	return (a->role_mask & (1u << r)) != 0;
}

/* True when the account sees every student of its district. */
bool access_all_students(const struct account *a);
/* True when the account may open student records at all. */
bool access_any_students(const struct account *a);

enum eb_err access_student(struct db *db, const struct account *a, const char *student_sid);
enum eb_err access_class(struct db *db, const struct account *a, const char *class_sid);
enum eb_err access_school(struct db *db, const struct account *a, const char *school_sid);

/* The one scope rule of the reports about students in aggregate (What's
 * working, an initiative's use by school and by teacher and its evaluation,
 * their CSV and Excel exports): the school they are limited to.
 * requested: the school asked for (?school=), NULL or "" for none.
 *   - an account that sees every student of the district: the requested
 *     school, or the whole district (*school_sid = NULL);
 *   - any other account: the requested school, else its own (its first
 *     school-scoped role's school); never the whole district.
 * EB_ENOTFOUND when the requested school does not exist or is not one the
 * account may see (access_school), EB_EPERM when the account sees no whole
 * district and has no school of its own. *school_sid points into requested
 * or into a's roles. */
enum eb_err access_report_school(struct db *db, const struct account *a, const char *requested,
				 const char **school_sid);

#endif
