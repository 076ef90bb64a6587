/* family_message.h - a family's message to the teachers of one child (the
 * reply box of the family page), stored as written with its machine
 * translation into English for the teacher (domain/translate: Apertium
 * spa->eng offline; the district's LibreTranslate endpoint for other
 * languages), the engine that made it, and whether a teacher has read it
 * (table family_message, migration 028). Plain text: the pages escape it.
 * Writes are audited here (subject: the child); access checks are the
 * caller's. */
#ifndef EB_FAMILY_MESSAGE_H
#define EB_FAMILY_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;
struct audit_actor;
struct i18n_lang;
struct translate_config;

#define FAMILY_MESSAGE_MAX 1000 /* bytes of a message */
#define FAMILY_MESSAGE_WHY_CAP 256

struct family_message {
	int64_t id, at, read_at; /* read_at 0: no teacher has read it yet */
	const char *student, *author, *lang;
	const char *body;    /* as the family wrote it */
	const char *body_en; /* the machine translation into English; NULL none */
	const char *engine;  /* "apertium" / "libretranslate"; NULL none */
};

/* Stores the message body (trimmed; 1..FAMILY_MESSAGE_MAX bytes of UTF-8)
 * of the account who (author_name) about student_sid, written in lang
 * (NULL: English), translated into English first when lang is not English
 * and an engine serves it (tc: the district's settings; NULL: Apertium
 * only). A translation that fails leaves body_en NULL: the message is
 * still stored (never lost), the teacher reads it as written. Audited.
 * EB_EINVAL (why) with nothing stored for an empty, too long or non-UTF-8
 * body. *id (may be NULL) gets the row; *translated (may be NULL) whether
 * a translation was stored. Slow when an engine runs (seconds). */
enum eb_err family_message_add(struct db *db, int64_t district_id, const struct audit_actor *who,
			       const char *author_name, const char *student_sid,
			       const struct i18n_lang *lang, const char *body,
			       const struct translate_config *tc, int64_t *id, bool *translated,
			       char *why, size_t cap);

/* The messages about student_sid, newest first, at most max (1..200). */
enum eb_err family_message_list(struct db *db, int64_t district_id, const char *student_sid,
				size_t max, struct arena *arena, struct family_message **out,
				size_t *n);

/* Marks the student's messages read (a teacher opened the student page). */
enum eb_err family_message_mark_read(struct db *db, int64_t district_id, const char *student_sid);

/* Unread messages about the students of the classes teacher_sid (roster
 * sourcedId) teaches: one row per student, newest first, at most max. */
struct family_message_unread {
	const char *student, *name; /* sourcedId, "Given Family" */
	int64_t count, newest_at;
};
enum eb_err family_message_unread_for_teacher(struct db *db, int64_t district_id,
					      const char *teacher_sid, size_t max,
					      struct arena *arena,
					      struct family_message_unread **out, size_t *n);

#endif
