/* family_lang.h - the language a family or a student reads edbridge in.
 *
 * In order: the language the account chose on its page (stored per
 * account, family_lang_set); the roster's metadata.homeLanguage of the
 * guardian (the account's person); the roster's homeLanguage of the child
 * the page is about (or of the student); English. A roster language we have
 * no catalogue for (Somali, say) gives English, with `fallback` set and the
 * roster's tag kept so that the page can say so and the reach report count
 * it (family_lang_census). */
#ifndef EB_FAMILY_LANG_H
#define EB_FAMILY_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct account;
struct i18n_lang;

enum family_lang_source {
	FAMILY_LANG_CHOSEN,   /* the account's own choice */
	FAMILY_LANG_GUARDIAN, /* the guardian's roster homeLanguage */
	FAMILY_LANG_CHILD,    /* the child's (or student's) roster homeLanguage */
	FAMILY_LANG_DEFAULT,  /* nothing recorded: English */
};

struct family_lang {
	const struct i18n_lang *lang; /* never NULL */
	enum family_lang_source source;
	/* the roster said a language we do not have: lang is English and
	 * wanted holds the roster's tag ("so") */
	bool fallback;
	char wanted[24];
};

/* The language of account a (a guardian or a student) reading about the
 * student child_sid (NULL: about no one child, as on the home page: the
 * account's first child or its own student record). Never fails: a read
 * that fails gives English (source FAMILY_LANG_DEFAULT). */
void family_lang_of_account(struct db *db, int64_t district_id, const struct account *a,
			    const char *child_sid, struct family_lang *out);
/* The language of the family of guardian guardian_sid (a roster person) for
 * its child child_sid (may be NULL): the choice of an account linked to the
 * guardian (the newest), else the roster as above. For the deliveries
 * (email, text, letter), which have no account at hand. */
void family_lang_of_guardian(struct db *db, int64_t district_id, const char *guardian_sid,
			     const char *child_sid, struct family_lang *out);
/* Every language the family of student_sid reads (once each, English
 * left out): the choices of the accounts of its guardians and of the
 * accounts that see the student as a guardian or are the student, and the
 * roster languages we have of its guardians and of the student. For what
 * is written once for all of them (a teacher's note's translations).
 * Writes at most cap languages to out; returns how many (0 on an error). */
size_t family_lang_all_for_student(struct db *db, int64_t district_id, const char *student_sid,
				   const struct i18n_lang **out, size_t cap);
/* Stores account_id's choice: a tag i18n_find knows ("es", "ar"); "" or
 * NULL removes the choice (the roster decides again). EB_EINVAL for a
 * language we do not have (nothing stored). */
enum eb_err family_lang_set(struct db *db, int64_t district_id, int64_t account_id,
			    const char *tag);
/* The account's stored choice into out (cap bytes): EB_ENOTFOUND when none. */
enum eb_err family_lang_chosen(struct db *db, int64_t district_id, int64_t account_id, char *out,
			       size_t cap);

/* The district's guardians by the language edbridge reaches them in (the
 * roster's homeLanguage, or an account's choice): for the reach report and
 * the page that shows who reads what. per_lang[i] counts the guardians in
 * i18n_at(i) (English includes those without a language and those who fell
 * back); fallback counts those whose roster language we do not have
 * (shown in English), and unknown_tags lists up to FAMILY_LANG_TAGS_MAX of
 * those languages' tags, most frequent first, with their counts. */
#define FAMILY_LANG_MAX 16
#define FAMILY_LANG_TAGS_MAX 8
struct family_lang_census {
	long guardians;
	long per_lang[FAMILY_LANG_MAX];
	long fallback;
	struct {
		char tag[24];
		long n;
	} unknown[FAMILY_LANG_TAGS_MAX];
	size_t nunknown;
};
enum eb_err family_lang_census(struct db *db, int64_t district_id, struct family_lang_census *out);

#endif
