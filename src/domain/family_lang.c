/* The language a family reads: the account's choice, else the roster. */
#include "domain/family_lang.h"

#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "store/db.h"

/* distinct roster languages the census keeps apart before ranking them */
#define CENSUS_TAGS 64

static void set_default(struct family_lang *out)
{
	memset(out, 0, sizeof *out);
	out->lang = i18n_english();
	out->source = FAMILY_LANG_DEFAULT;
}

/* The roster homeLanguage of a person into out; false when none recorded. */
static bool roster_lang(struct db *db, int64_t d, const char *sid, char *out, size_t cap)
{
	out[0] = '\0';
	if (!sid || !*sid)
		return false;
	struct db_stmt *st;
	if (db_query(db, "SELECT home_language FROM person WHERE district_id=?1 AND sourced_id=?2",
		     DB_ARGS(DB_INT(d), DB_TEXT(sid)), &st))
		return false;
	if (db_next(st))
		db_col_copy(st, 0, out, cap);
	db_done(st);
	struct str t = str_trim(str_from(out));
	return t.n > 0;
}

/* A recorded tag decides: ours, or English with the fallback noted. */
static void decide(const char *tag, enum family_lang_source src, struct family_lang *out)
{
	const struct i18n_lang *l = i18n_find(tag);
	out->source = src;
	if (l) {
		out->lang = l;
		return;
	}
	out->lang = i18n_english();
	out->fallback = true;
	str_copy(out->wanted, sizeof out->wanted, tag);
}

enum eb_err family_lang_chosen(struct db *db, int64_t district_id, int64_t account_id, char *out,
			       size_t cap)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db, "SELECT lang FROM family_language WHERE district_id=?1 AND account_id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(account_id)), &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found)
		db_col_copy(st, 0, out, cap);
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

/* The roster's part, after no choice: the guardian's language, else the
 * child's. */
static void from_roster(struct db *db, int64_t d, const char *guardian_sid, const char *child_sid,
			struct family_lang *out)
{
	char tag[64];
	if (roster_lang(db, d, guardian_sid, tag, sizeof tag))
		decide(tag, FAMILY_LANG_GUARDIAN, out);
	else if (roster_lang(db, d, child_sid, tag, sizeof tag))
		decide(tag, FAMILY_LANG_CHILD, out);
}

void family_lang_of_account(struct db *db, int64_t district_id, const struct account *a,
			    const char *child_sid, struct family_lang *out)
{
	set_default(out);
	char tag[24];
	const struct i18n_lang *l;
	if (family_lang_chosen(db, district_id, a->id, tag, sizeof tag) == EB_OK &&
	    (l = i18n_find(tag))) {
		out->lang = l;
		out->source = FAMILY_LANG_CHOSEN;
		return;
	}
	bool student = false, guardian = false;
	const char *first_child = NULL, *own = NULL;
	for (int i = 0; i < a->nroles; i++) {
		if (a->roles[i].role == ROLE_STUDENT) {
			student = true;
			if (!own)
				own = a->roles[i].scope_id;
		} else if (a->roles[i].role == ROLE_GUARDIAN) {
			guardian = true;
			if (!first_child && strcmp(a->roles[i].scope_type, "person") == 0)
				first_child = a->roles[i].scope_id;
		}
	}
	const char *person = a->person_sid[0] ? a->person_sid : NULL;
	if (guardian)
		from_roster(db, district_id, person, child_sid ? child_sid : first_child, out);
	else if (student)
		from_roster(db, district_id, NULL, person ? person : own, out);
}

void family_lang_of_guardian(struct db *db, int64_t district_id, const char *guardian_sid,
			     const char *child_sid, struct family_lang *out)
{
	set_default(out);
	struct db_stmt *st;
	char tag[24] = "";
	if (guardian_sid &&
	    db_query(db,
		     "SELECT fl.lang FROM account a JOIN family_language fl ON "
		     "fl.district_id=a.district_id AND fl.account_id=a.id WHERE a.district_id=?1 "
		     "AND a.person_sourced_id=?2 ORDER BY fl.updated_at DESC LIMIT 1",
		     DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid)), &st) == EB_OK) {
		if (db_next(st))
			db_col_copy(st, 0, tag, sizeof tag);
		db_done(st);
	}
	const struct i18n_lang *l = tag[0] ? i18n_find(tag) : NULL;
	if (l) {
		out->lang = l;
		out->source = FAMILY_LANG_CHOSEN;
		return;
	}
	from_roster(db, district_id, guardian_sid, child_sid, out);
}

static void add_lang(const struct i18n_lang *l, const struct i18n_lang **out, size_t cap, size_t *n)
{
	if (!l || l == i18n_english())
		return;
	for (size_t i = 0; i < *n; i++)
		if (out[i] == l)
			return;
	if (*n < cap)
		out[(*n)++] = l;
}

size_t family_lang_all_for_student(struct db *db, int64_t district_id, const char *student_sid,
				   const struct i18n_lang **out, size_t cap)
{
	size_t n = 0;
	struct db_stmt *st;
	if (db_query(
		    db,
		    "SELECT fl.lang FROM family_language fl JOIN account a ON "
		    "a.district_id=fl.district_id AND a.id=fl.account_id WHERE fl.district_id=?1 "
		    "AND (a.person_sourced_id=?2 OR a.person_sourced_id IN (SELECT "
		    "guardian_sourced_id FROM guardianship WHERE district_id=?1 AND "
		    "student_sourced_id=?2) OR a.id IN (SELECT account_id FROM account_role WHERE "
		    "district_id=?1 AND role IN ('guardian','student') AND scope_type='person' AND "
		    "scope_id=?2)) "
		    "UNION SELECT home_language FROM person WHERE district_id=?1 AND "
		    "(sourced_id=?2 "
		    "OR sourced_id IN (SELECT guardian_sourced_id FROM guardianship WHERE "
		    "district_id=?1 AND student_sourced_id=?2)) AND home_language IS NOT NULL",
		    DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid)), &st))
		return 0;
	while (db_next(st))
		add_lang(i18n_find(db_col_text(st, 0)), out, cap, &n);
	return db_done(st) ? 0 : n;
}

enum eb_err family_lang_set(struct db *db, int64_t district_id, int64_t account_id, const char *tag)
{
	if (!tag || !*tag)
		return db_execute(db,
				  "DELETE FROM family_language WHERE district_id=?1 AND "
				  "account_id=?2",
				  DB_ARGS(DB_INT(district_id), DB_INT(account_id)), NULL);
	const struct i18n_lang *l = i18n_find(tag);
	if (!l)
		return EB_EINVAL;
	return db_execute(db,
			  "INSERT INTO family_language(district_id,account_id,lang,updated_at) "
			  "VALUES(?1,?2,?3,?4) ON CONFLICT(district_id,account_id) DO UPDATE SET "
			  "lang=excluded.lang,updated_at=excluded.updated_at",
			  DB_ARGS(DB_INT(district_id), DB_INT(account_id), DB_TEXT(l->tag),
				  DB_INT(time_now())),
			  NULL);
}

struct tag_count {
	char tag[24];
	long n;
};

/* most frequent first, then by tag */
static int by_count(const void *a, const void *b)
{
	const struct tag_count *x = a, *y = b;
	return x->n > y->n ? -1 : x->n < y->n ? 1 : strcmp(x->tag, y->tag);
}

enum eb_err family_lang_census(struct db *db, int64_t district_id, struct family_lang_census *out)
{
	memset(out, 0, sizeof *out);
	struct tag_count seen[CENSUS_TAGS];
	size_t nseen = 0;
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT p.home_language, (SELECT fl.lang FROM account a JOIN family_language fl ON "
		"fl.district_id=a.district_id AND fl.account_id=a.id WHERE "
		"a.district_id=p.district_id AND a.person_sourced_id=p.sourced_id ORDER BY "
		"fl.updated_at DESC LIMIT 1) FROM person p WHERE p.district_id=?1 AND p.role IN "
		"('parent','guardian','relative')",
		DB_ARGS(DB_INT(district_id)), &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		const char *roster = db_col_text(st, 0), *chosen = db_col_text(st, 1);
		const struct i18n_lang *l = chosen ? i18n_find(chosen) : NULL;
		out->guardians++;
		if (!l && roster && str_trim(str_from(roster)).n) {
			l = i18n_find(roster);
			if (!l) {
				out->fallback++;
				size_t k = 0;
				while (k < nseen && strcmp(seen[k].tag, roster) != 0)
					k++;
				if (k == nseen && nseen < CENSUS_TAGS) {
					str_copy(seen[k].tag, sizeof seen[k].tag, roster);
					seen[k].n = 0;
					nseen++;
				}
				if (k < nseen)
					seen[k].n++;
			}
		}
		if (!l)
			l = i18n_english();
		for (size_t i = 0; i < i18n_count() && i < FAMILY_LANG_MAX; i++)
			if (i18n_at(i) == l)
				out->per_lang[i]++;
	}
	rc = db_done(st);
	qsort(seen, nseen, sizeof seen[0], by_count);
	for (size_t k = 0; k < nseen && k < FAMILY_LANG_TAGS_MAX; k++) {
		str_copy(out->unknown[k].tag, sizeof out->unknown[k].tag, seen[k].tag);
		out->unknown[k].n = seen[k].n;
	}
	out->nunknown = nseen < FAMILY_LANG_TAGS_MAX ? nseen : FAMILY_LANG_TAGS_MAX;
	return rc;
}
