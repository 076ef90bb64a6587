/* family_message.c - see family_message.h. */
#include "domain/family_message.h"

#include <stdio.h>
#include <string.h>

#include "base/buf.h"
#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/translate.h"
#include "store/db.h"

enum eb_err family_message_add(struct db *db, int64_t district_id, const struct audit_actor *who,
			       const char *author_name, const char *student_sid,
			       const struct i18n_lang *lang, const char *body,
			       const struct translate_config *tc, int64_t *id, bool *translated,
			       char *why, size_t cap)
{
	if (translated)
		*translated = false;
	struct str t = str_trim(str_from(body ? body : ""));
	if (t.n == 0) {
		snprintf(why, cap, "message: write something first");
		return EB_EINVAL;
	}
	if (t.n > FAMILY_MESSAGE_MAX) {
		snprintf(why, cap, "message: is longer than %d characters", FAMILY_MESSAGE_MAX);
		return EB_EINVAL;
	}
	if (!str_utf8_valid(t, NULL)) {
		snprintf(why, cap, "message: is not valid text (UTF-8)");
		return EB_EINVAL;
	}
	if (!lang)
		lang = i18n_english();
	struct buf text = BUF_INIT, en = BUF_INIT;
	buf_init(&text, FAMILY_MESSAGE_MAX + 1);
	buf_init(&en, TRANSLATE_OUT_MAX);
	buf_put(&text, t.p, t.n);
	buf_put(&text, "", 1);
	enum translate_engine used = TRANSLATE_APERTIUM;
	/* the engine runs before the write lock is taken */
	bool have_en = lang != i18n_english() &&
		       translate_to_english(tc, lang, text.data, &en, &used) == EB_OK && en.len;
	if (have_en)
		buf_put(&en, "", 1);
	enum eb_err e = buf_failed(&text) || buf_failed(&en) ? EB_ENOMEM : EB_OK;
	bool own = !db_in_transaction(db);
	if (!e && own)
		e = db_begin(db);
	if (e)
		goto out;
	e = db_execute(
		db,
		"INSERT INTO family_message(district_id,student_sid,author_account_id,"
		"author_name,lang,body,body_en,engine,created_at)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
		DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid),
			DB_INT(who ? who->account_id : 0), DB_TEXT(author_name ? author_name : ""),
			DB_TEXT(lang->tag), DB_TEXT(text.data), DB_TEXT(have_en ? en.data : NULL),
			DB_TEXT(have_en ? translate_engine_name(used) : NULL), DB_INT(time_now())),
		NULL);
	if (!e && id)
		*id = db_last_id(db);
	if (!e) {
		struct audit_actor cli = { 0, "cli", "" };
		e = audit_record_students(db, district_id, who ? who : &cli, "create", "student",
					  student_sid, 1,
					  have_en ? "family message to the teacher (translated)"
						  : "family message to the teacher");
	}
	if (!e && own)
		e = db_commit(db);
	if (e && own)
		db_rollback(db);
	if (!e && translated)
		*translated = have_en;
out:
	if (e)
		snprintf(why, cap, "message: could not be stored (%s)", eb_strerror(e));
	buf_free(&text);
	buf_free(&en);
	return e;
}

DB_ROWSPEC(message_spec, struct family_message, NULL, DB_FIELD_INT(struct family_message, id),
	   DB_FIELD_INT(struct family_message, at), DB_FIELD_INT(struct family_message, read_at),
	   DB_FIELD_STR(struct family_message, student),
	   DB_FIELD_STR(struct family_message, author), DB_FIELD_STR(struct family_message, lang),
	   DB_FIELD_STR(struct family_message, body), DB_FIELD_TEXT(struct family_message, body_en),
	   DB_FIELD_TEXT(struct family_message, engine));

enum eb_err family_message_list(struct db *db, int64_t district_id, const char *student_sid,
				size_t max, struct arena *arena, struct family_message **out,
				size_t *n)
{
	if (max < 1)
		max = 1;
	if (max > 200)
		max = 200;
	return db_get_rows(db,
			   "SELECT id,created_at,read_at,student_sid,author_name,lang,body,body_en,"
			   "engine FROM family_message WHERE district_id=?1 AND student_sid=?2"
			   " ORDER BY created_at DESC, id DESC LIMIT ?3",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_INT((int64_t)max)),
			   &message_spec, arena, out, n);
}

enum eb_err family_message_mark_read(struct db *db, int64_t district_id, const char *student_sid)
{
	return db_execute(db,
			  "UPDATE family_message SET read_at=?3 WHERE district_id=?1 AND"
			  " student_sid=?2 AND read_at IS NULL",
			  DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_INT(time_now())),
			  NULL);
}

DB_ROWSPEC(unread_spec, struct family_message_unread, NULL,
	   DB_FIELD_STR(struct family_message_unread, student),
	   DB_FIELD_STR(struct family_message_unread, name),
	   DB_FIELD_INT(struct family_message_unread, count),
	   DB_FIELD_INT(struct family_message_unread, newest_at));

enum eb_err family_message_unread_for_teacher(struct db *db, int64_t district_id,
					      const char *teacher_sid, size_t max,
					      struct arena *arena,
					      struct family_message_unread **out, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT m.student_sid, coalesce(nullif(p.preferred_first_name,''), p.given_name)"
		" || ' ' || p.family_name, count(*), max(m.created_at)"
		" FROM family_message m JOIN person p ON p.district_id=m.district_id AND"
		" p.sourced_id=m.student_sid WHERE m.district_id=?1 AND m.read_at IS NULL AND"
		" m.student_sid IN (SELECT s.user_sourced_id FROM enrollment t JOIN enrollment s"
		" ON s.district_id=t.district_id AND s.class_sourced_id=t.class_sourced_id"
		" WHERE t.district_id=?1 AND t.user_sourced_id=?2 AND t.role='teacher'"
		" AND s.role='student')"
		" GROUP BY m.student_sid, p.preferred_first_name, p.given_name, p.family_name"
		" ORDER BY 4 DESC, 1 LIMIT ?3",
		DB_ARGS(DB_INT(district_id), DB_TEXT(teacher_sid), DB_INT((int64_t)max)),
		&unread_spec, arena, out, n);
}
