/* Teacher notes to families, and their stored translations. */
#include "domain/teacher_note.h"

#include <string.h>

#include "base/buf.h"
#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/family_lang.h"
#include "domain/family_week.h"
#include "domain/roster.h"
#include "domain/translate.h"
#include "store/db.h"

/* languages one note is translated into at most (those we have) */
#define MAX_LANGS 16

static bool scope_ok(const char *t)
{
	return t && (strcmp(t, "student") == 0 || strcmp(t, "class") == 0);
}

static enum eb_err save(struct db *db, int64_t d, const char *type, const char *sid,
			const char *week, struct str body, int64_t author_id, const char *author,
			int64_t *id)
{
	if (!body.n)
		return db_execute(db,
				  "DELETE FROM teacher_note WHERE district_id=?1 AND scope_type=?2 "
				  "AND scope_id=?3 AND week=?4",
				  DB_ARGS(DB_INT(d), DB_TEXT(type), DB_TEXT(sid), DB_TEXT(week)),
				  NULL);
	enum eb_err rc = db_execute(
		db,
		"INSERT INTO teacher_note(district_id,scope_type,scope_id,week,body,"
		"author_account_id,author_name,updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8) "
		"ON CONFLICT(district_id,scope_type,scope_id,week) DO UPDATE SET "
		"body=excluded.body,author_account_id=excluded.author_account_id,"
		"author_name=excluded.author_name,updated_at=excluded.updated_at",
		DB_ARGS(DB_INT(d), DB_TEXT(type), DB_TEXT(sid), DB_TEXT(week),
			DB_TEXTN(body.p, body.n), DB_INT(author_id), DB_TEXT(author ? author : ""),
			DB_INT(time_now())),
		NULL);
	if (!rc)
		rc = db_get_int(
			db,
			"SELECT id FROM teacher_note WHERE district_id=?1 AND scope_type=?2 "
			"AND scope_id=?3 AND week=?4",
			DB_ARGS(DB_INT(d), DB_TEXT(type), DB_TEXT(sid), DB_TEXT(week)), id);
	if (!rc)
		rc = db_execute(db,
				"DELETE FROM teacher_note_translation WHERE district_id=?1 AND "
				"note_id=?2",
				DB_ARGS(DB_INT(d), DB_INT(*id)), NULL);
	return rc;
}

enum eb_err teacher_note_save(struct db *db, int64_t district_id, const char *scope_type,
			      const char *scope_id, const char *week, const char *body,
			      int64_t author_id, const char *author_name, int64_t *id)
{
	struct family_week w;
	int64_t got = 0;
	if (id)
		*id = 0;
	if (!scope_ok(scope_type) || !scope_id || !*scope_id || family_week_parse(week, NULL, &w) ||
	    !body)
		return EB_EINVAL;
	struct str b = str_trim(str_from(body));
	if (b.n > TEACHER_NOTE_MAX || !str_utf8_valid(b, NULL))
		return EB_EINVAL;
	bool own = !db_in_transaction(db);
	enum eb_err rc = own ? db_begin(db) : EB_OK;
	if (rc)
		return rc;
	rc = save(db, district_id, scope_type, scope_id, w.label, b, author_id, author_name, &got);
	if (own) {
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	if (!rc && id)
		*id = got;
	return rc;
}

#define NOTE_COLS "id,scope_type,scope_id,week,body,author_name,updated_at"
DB_ROWSPEC(note_spec, struct teacher_note, NULL, DB_FIELD_INT(struct teacher_note, id),
	   DB_FIELD_STR(struct teacher_note, scope_type),
	   DB_FIELD_STR(struct teacher_note, scope_id), DB_FIELD_STR(struct teacher_note, week),
	   DB_FIELD_STR(struct teacher_note, body), DB_FIELD_STR(struct teacher_note, author),
	   DB_FIELD_INT(struct teacher_note, updated_at));

enum eb_err teacher_note_get(struct db *db, int64_t district_id, const char *scope_type,
			     const char *scope_id, const char *week, struct arena *arena,
			     struct teacher_note *out)
{
	return db_get_row(
		db,
		"SELECT " NOTE_COLS " FROM teacher_note WHERE district_id=?1 AND "
		"scope_type=?2 AND scope_id=?3 AND week=?4",
		DB_ARGS(DB_INT(district_id), DB_TEXT(scope_type), DB_TEXT(scope_id), DB_TEXT(week)),
		&note_spec, arena, out);
}

enum eb_err teacher_note_for_student(struct db *db, int64_t district_id, const char *student_sid,
				     const char *week, struct arena *arena,
				     struct teacher_note *out)
{
	enum eb_err rc =
		teacher_note_get(db, district_id, "student", student_sid, week, arena, out);
	if (rc != EB_ENOTFOUND)
		return rc;
	return db_get_row(db,
			  "SELECT " NOTE_COLS " FROM teacher_note WHERE district_id=?1 AND "
			  "scope_type='class' AND week=?3 AND scope_id IN (SELECT class_sourced_id "
			  "FROM enrollment WHERE district_id=?1 AND user_sourced_id=?2 AND "
			  "role='student') ORDER BY updated_at DESC LIMIT 1",
			  DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_TEXT(week)),
			  &note_spec, arena, out);
}

enum eb_err teacher_note_translation(struct db *db, int64_t district_id, int64_t note_id,
				     const struct i18n_lang *lang, struct arena *arena,
				     const char **body, const char **engine)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT body, engine FROM teacher_note_translation WHERE "
				  "district_id=?1 AND note_id=?2 AND lang=?3",
				  DB_ARGS(DB_INT(district_id), DB_INT(note_id), DB_TEXT(lang->tag)),
				  &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found) {
		*body = db_col_str(st, 0, arena);
		*engine = db_col_str(st, 1, arena);
	}
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

/* Adds the languages of the families of student sid to langs (once each). */
static void family_langs(struct db *db, int64_t d, const char *sid, const struct i18n_lang **langs,
			 size_t *n)
{
	const struct i18n_lang *more[MAX_LANGS];
	size_t k = family_lang_all_for_student(db, d, sid, more, MAX_LANGS);
	for (size_t i = 0; i < k; i++) {
		bool have = false;
		for (size_t j = 0; j < *n && !have; j++)
			have = langs[j] == more[i];
		if (!have && *n < MAX_LANGS)
			langs[(*n)++] = more[i];
	}
}

enum eb_err teacher_note_translate(struct db *db, int64_t district_id, const struct teacher_note *n,
				   struct arena *arena, int *done, int *failed)
{
	const struct i18n_lang *langs[MAX_LANGS];
	size_t nl = 0;
	int ok = 0, bad = 0;
	if (strcmp(n->scope_type, "student") == 0) {
		family_langs(db, district_id, n->scope_id, langs, &nl);
	} else {
		struct roster_person_row *st = NULL;
		size_t ns = 0;
		enum eb_err rc =
			roster_class_students(db, district_id, n->scope_id, arena, &st, &ns);
		if (rc)
			return rc;
		for (size_t i = 0; i < ns; i++)
			family_langs(db, district_id, st[i].sourced_id, langs, &nl);
	}
	struct translate_config c;
	if (translate_config_get(db, district_id, &c))
		memset(&c, 0, sizeof c);
	for (size_t i = 0; i < nl; i++) {
		struct buf t = BUF_INIT;
		buf_init(&t, TRANSLATE_OUT_MAX);
		enum translate_engine used;
		enum eb_err rc = translate_text(&c, langs[i], n->body, &t, &used);
		if (!rc && !buf_failed(&t))
			rc = db_execute(db,
					"INSERT INTO teacher_note_translation(district_id,note_id,"
					"lang,body,engine,created_at) VALUES(?1,?2,?3,?4,?5,?6) ON "
					"CONFLICT(district_id,note_id,lang) DO UPDATE SET "
					"body=excluded.body,engine=excluded.engine,"
					"created_at=excluded.created_at",
					DB_ARGS(DB_INT(district_id), DB_INT(n->id),
						DB_TEXT(langs[i]->tag), DB_TEXT(buf_cstr(&t)),
						DB_TEXT(translate_engine_name(used)),
						DB_INT(time_now())),
					NULL);
		buf_free(&t);
		if (rc)
			bad++;
		else
			ok++;
	}
	if (done)
		*done = ok;
	if (failed)
		*failed = bad;
	return EB_OK;
}
