/* teacher_note.h - a teacher's note to families for one week, about one
 * student or a whole class, and its machine translations (domain/translate)
 * into the families' languages. A note is plain text; the pages escape it.
 * Saving a note again for the same scope and week replaces it and drops
 * its translations. The caller audits (the note is a change to what
 * families read about a student). */
#ifndef EB_TEACHER_NOTE_H
#define EB_TEACHER_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;
struct i18n_lang;

#define TEACHER_NOTE_MAX 2000 /* bytes of a note */

struct teacher_note {
	int64_t id;
	const char *scope_type; /* "student" or "class" */
	const char *scope_id;
	const char *week;   /* "2026-W47" */
	const char *body;   /* the teacher's words (English) */
	const char *author; /* the teacher's name as shown to families */
	int64_t updated_at;
};

/* Saves (or replaces) the note of scope_type ("student" or "class")
 * scope_id for week (a family_week label). body is trimmed; an empty body
 * deletes the note. EB_EINVAL for a scope type, a week or a body that is
 * not valid UTF-8 or longer than TEACHER_NOTE_MAX; nothing is stored then.
 * *id (may be NULL) gets the note's id, 0 when deleted. Runs in one
 * transaction of its own unless the caller holds one. */
enum eb_err teacher_note_save(struct db *db, int64_t district_id, const char *scope_type,
			      const char *scope_id, const char *week, const char *body,
			      int64_t author_id, const char *author_name, int64_t *id);
/* The note of one scope and week (into arena). EB_ENOTFOUND when none. */
enum eb_err teacher_note_get(struct db *db, int64_t district_id, const char *scope_type,
			     const char *scope_id, const char *week, struct arena *arena,
			     struct teacher_note *out);
/* The note families of student_sid read for week: the student's own, else
 * that of one of the student's classes (the newest). EB_ENOTFOUND when
 * none. */
enum eb_err teacher_note_for_student(struct db *db, int64_t district_id, const char *student_sid,
				     const char *week, struct arena *arena,
				     struct teacher_note *out);

/* A stored translation of note_id into lang: *body and *engine (stored
 * names, translate_engine_name) into arena. EB_ENOTFOUND when none. */
enum eb_err teacher_note_translation(struct db *db, int64_t district_id, int64_t note_id,
				     const struct i18n_lang *lang, struct arena *arena,
				     const char **body, const char **engine);
/* Translates note n into each language the families it reaches read
 * (family_lang_of_guardian for every guardian of the student, or of every
 * student of the class) that has an engine, and stores the translations.
 * A language whose engine fails is left without one (the page then says
 * the note is not translated). *done and *failed (may be NULL) count the
 * languages. Slow (engines run here): call it where a wait is acceptable,
 * as after a teacher saves a note. */
enum eb_err teacher_note_translate(struct db *db, int64_t district_id, const struct teacher_note *n,
				   struct arena *arena, int *done, int *failed);

#endif
