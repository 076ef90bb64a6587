/* labels.h - the words people read for the codes edbridge stores. One
 * table per kind of code, each in one place, used by every page:
 *
 *   roles                 role_label             (domain/account.h)
 *   tool statuses, kinds  tool_status_label, tool_kind_label (domain/tools.h)
 *   initiative statuses   initiative_status_label (domain/initiatives.h)
 *   mastery levels        mastery_level_name     (domain/mastery.h)
 *   grades, languages,    this file
 *   audit actions and actors, role scopes
 *
 * Every function here is thread-safe and returns static strings or writes
 * into the caller's buffer; none of them returns a code a person would have
 * to look up. */
#ifndef EB_LABELS_H
#define EB_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct arena;
struct db;

/* One grade as a roster writes it (OneRoster: "KG", "PK", "TK", "IT",
 * "PR", "01".."13", "PS", "UG", "Other"; also "K", "0".."13", "HS" and any
 * case): "Kindergarten", "Pre-kindergarten", "Grade 5", "High school",
 * "Ungraded" ... NULL for anything else (or NULL, or ""). */
const char *label_grade(const char *code);
/* A grade number as the forms count them: -1 "Pre-kindergarten", 0
 * "Kindergarten", 1..13 "Grade N", LABEL_GRADE_HS "High school" (the
 * catalog's band of grades 9 to 12); NULL for anything else. */
#define LABEL_GRADE_HS 100
const char *label_grade_number(int grade);
/* A list of grades ("04,05", "K, 1, 2", "KG 01 02 03"; separated by commas
 * or blanks) in words into out (cap bytes, always terminated): consecutive
 * grades become a range. "05" -> "Grade 5"; "04,05" -> "Grades 4 and 5";
 * "03,04,05" -> "Grades 3 to 5"; "KG,01,02" -> "Kindergarten to grade 2";
 * "KG,02,04" -> "Kindergarten, grades 2 and 4". A code label_grade does not
 * know is written as given (a district's own words). "" for an empty list.
 * Returns out. */
const char *label_grades(const char *list, char *out, size_t cap);

/* The English name of a home language given as a BCP 47 tag ("es",
 * "es-MX", "zh-Hant", "ZH"; the primary subtag decides): "Spanish",
 * "Chinese" ... NULL for an unknown, NULL or empty tag. Also accepts the
 * language's English name ("Spanish") and ISO 639-2 codes of the table
 * ("spa"). */
const char *label_language(const char *tag);
/* How many languages the table knows, and the i-th one's tag and name
 * (for pickers); NULL past the end. */
size_t label_language_count(void);
const char *label_language_tag(size_t i);
const char *label_language_name(size_t i);

/* What an audit entry's action did, for people: "view" -> "Viewed",
 * "refused" -> "Refused (not visible)", "code_issued" -> "Printed an access
 * code" ... NULL for an action the table does not know. */
const char *label_audit_action(const char *action);
/* Who did it: an account's login as it is, and the pseudo-actors of
 * edbridge's own work in words ("cli" -> "edbridge command line", "" or
 * NULL -> "edbridge"). Never NULL. */
const char *label_actor(const char *actor);

/* An audit entry's subject in words: "student Ana Lee", "class Math 5
 * (Lincoln Elementary)", "the tool Numberwise", "initiative Fractions
 * pilot", "account ana.admin", "the roster" ... (names read from the
 * district's records, as label_scope). Copied into arena. */
const char *label_subject(struct db *db, int64_t district_id, const char *subject_type,
			  const char *subject_id, struct arena *arena);
/* The subject types and actions of the audit log's filters, in words, for
 * a picker: the i-th stored name and its words; NULL past the end. */
const char *label_subject_type(size_t i, const char **words);
const char *label_audit_action_at(size_t i, const char **words);

/* Stored role names, comma-separated ("teacher,coach", account_row's
 * role_names), as words into out: "Teacher, Instructional coach"; a name
 * that is not a role is left out. Returns out. */
const char *label_roles(const char *names, char *out, size_t cap);

/* A role's scope in words, for the role lists of the admin pages:
 * "the whole district", "Lincoln Elementary" (a school by name), "class
 * Math 5 (Lincoln Elementary)", "student Ana Lee", "the tool Numberwise"
 * (a vendor contact's). Names are read from the
 * district's roster; a scope that names nothing in it says so ("a school no
 * longer in the roster") rather than showing the id. The text is copied into
 * arena (NULL when it cannot grow). */
const char *label_scope(struct db *db, int64_t district_id, const char *scope_type,
			const char *scope_id, struct arena *arena);

#endif
