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

#endif
