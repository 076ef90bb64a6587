/* feedback.c - see feedback.h. */
#include "domain/feedback.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "domain/standards.h"
#include "store/db.h"

/* The trimmed text of s into arena, checked: 1..max bytes of UTF-8.
 * NULL with why set otherwise. */
static const char *checked_text(struct arena *arena, const char *s, size_t max, const char *field,
				char *why, size_t cap)
{
	struct str t = str_trim(str_from(s ? s : ""));
	if (t.n == 0) {
		snprintf(why, cap, "%s: write something first", field);
		return NULL;
	}
	if (t.n > max) {
		snprintf(why, cap, "%s: is longer than %zu characters", field, max);
		return NULL;
	}
	if (!str_utf8_valid(t, NULL)) {
		snprintf(why, cap, "%s: is not valid text (UTF-8)", field);
		return NULL;
	}
	char *out = arena_alloc(arena, t.n + 1);
	if (!out) {
		snprintf(why, cap, "%s: out of memory", field);
		return NULL;
	}
	memcpy(out, t.p, t.n);
	out[t.n] = '\0';
	return out;
}

static enum eb_err audit_student(struct db *db, int64_t d, const struct audit_actor *who,
				 const char *sid, const char *detail)
{
	struct audit_actor cli = { 0, "cli", "" };
	return audit_record_students(db, d, who ? who : &cli, "create", "student", sid, 1, detail);
}

enum eb_err feedback_give(struct db *db, int64_t district_id, const struct audit_actor *who,
			  const char *author_name, const char *class_sid,
			  const char *const *students, size_t n, const char *standard,
			  const char *body, bool share_family, const char *group_name,
			  int64_t *first_id, char *why, size_t cap)
{
	char canon[64];
	const struct standard *s = standard ? standards_find(standard) : NULL;
	if (!s || standards_canonical(standard, canon, sizeof canon) ||
	    s->kind == STANDARD_CLUSTER || s->kind == STANDARD_PRACTICE) {
		snprintf(why, cap, "standard: choose a standard of the catalog (e.g. 4.NF.A.1)");
		return EB_EINVAL;
	}
	if (n == 0 || n > FEEDBACK_STUDENTS_MAX) {
		snprintf(why, cap, "students: give feedback to 1 to %d students at once",
			 FEEDBACK_STUDENTS_MAX);
		return EB_EINVAL;
	}
	struct arena tmp;
	arena_init(&tmp);
	enum eb_err e = EB_EINVAL;
	const char *text = checked_text(&tmp, body, FEEDBACK_MAX, "body", why, cap);
	if (!text)
		goto done;
	bool own = !db_in_transaction(db);
	if (own && (e = db_begin(db)))
		goto done;
	int64_t now = time_now();
	char detail[128];
	snprintf(detail, sizeof detail, "feedback on %s%s%s", canon,
		 group_name && *group_name ? " (to a group)" : "",
		 share_family ? ", shared with the family" : "");
	for (size_t i = 0; i < n; i++) {
		e = db_execute(
			db,
			"INSERT INTO feedback(district_id,student_sid,class_sid,standard,body,"
			"share_family,group_name,author_account_id,author_name,created_at)"
			" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
			DB_ARGS(DB_INT(district_id), DB_TEXT(students[i]),
				DB_TEXT(class_sid ? class_sid : ""), DB_TEXT(canon), DB_TEXT(text),
				DB_INT(share_family ? 1 : 0), DB_TEXT(group_name ? group_name : ""),
				DB_INT(who ? who->account_id : 0),
				DB_TEXT(author_name ? author_name : ""), DB_INT(now)),
			NULL);
		if (!e && i == 0 && first_id)
			*first_id = db_last_id(db);
		if (!e)
			e = audit_student(db, district_id, who, students[i], detail);
		if (e)
			break;
	}
	if (!e && own)
		e = db_commit(db);
	if (e) {
		if (own)
			db_rollback(db);
		snprintf(why, cap, "feedback: could not be stored (%s)", eb_strerror(e));
	}
done:
	arena_free(&tmp);
	return e;
}

DB_ROWSPEC(feedback_spec, struct feedback, NULL, DB_FIELD_INT(struct feedback, id),
	   DB_FIELD_INT(struct feedback, at), DB_FIELD_STR(struct feedback, student),
	   DB_FIELD_STR(struct feedback, class_sid), DB_FIELD_STR(struct feedback, standard),
	   DB_FIELD_STR(struct feedback, body), DB_FIELD_STR(struct feedback, author),
	   DB_FIELD_STR(struct feedback, group_name), DB_FIELD_INT(struct feedback, share_family));

struct answer_row {
	int64_t feedback_id;
	struct feedback_answer a;
};
DB_ROWSPEC(answer_spec, struct answer_row, NULL, DB_FIELD_INT(struct answer_row, feedback_id),
	   DB_FIELD_INT(struct answer_row, a.id), DB_FIELD_INT(struct answer_row, a.at),
	   DB_FIELD_INT(struct answer_row, a.by_student), DB_FIELD_STR(struct answer_row, a.author),
	   DB_FIELD_STR(struct answer_row, a.body));

enum eb_err feedback_of_student(struct db *db, int64_t district_id, const char *student_sid,
				bool family_only, size_t max, struct arena *arena,
				struct feedback **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (max < 1)
		max = 1;
	if (max > 200)
		max = 200;
	struct feedback *f;
	size_t nf;
	enum eb_err e = db_get_rows(
		db,
		"SELECT id,created_at,student_sid,class_sid,standard,body,author_name,group_name,"
		"share_family FROM feedback WHERE district_id=?1 AND student_sid=?2 AND"
		" (?3 = 0 OR share_family = 1) ORDER BY created_at DESC, id DESC LIMIT ?4",
		DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_INT(family_only ? 1 : 0),
			DB_INT((int64_t)max)),
		&feedback_spec, arena, &f, &nf);
	if (e || nf == 0) {
		if (!e)
			*out = f;
		return e;
	}
	struct answer_row *ar;
	size_t na;
	e = db_get_rows(db,
			"SELECT a.feedback_id,a.id,a.created_at,a.by_student,a.author_name,a.body"
			" FROM feedback_answer a JOIN feedback f ON f.district_id=a.district_id AND"
			" f.id=a.feedback_id WHERE a.district_id=?1 AND f.student_sid=?2"
			" AND f.id >= ?3 ORDER BY a.feedback_id, a.id",
			DB_ARGS(DB_INT(district_id), DB_TEXT(student_sid), DB_INT(f[nf - 1].id)),
			&answer_spec, arena, &ar, &na);
	if (e)
		return e;
	for (size_t i = 0; i < nf; i++) {
		size_t k = 0, first = na;
		for (size_t j = 0; j < na; j++)
			if (ar[j].feedback_id == f[i].id) {
				if (first == na)
					first = j;
				k++;
			}
		if (!k)
			continue;
		f[i].answers = arena_alloc(arena, k * sizeof *f[i].answers);
		if (!f[i].answers)
			return EB_ENOMEM;
		for (size_t j = first; j < na && f[i].nanswers < k; j++)
			if (ar[j].feedback_id == f[i].id)
				f[i].answers[f[i].nanswers++] = ar[j].a;
	}
	*out = f;
	*n = nf;
	return EB_OK;
}

enum eb_err feedback_answer_add(struct db *db, int64_t district_id, const struct audit_actor *who,
				const char *student_sid, int64_t feedback_id, bool by_student,
				const char *author_name, const char *body, char *why, size_t cap)
{
	struct arena tmp;
	arena_init(&tmp);
	enum eb_err e = EB_EINVAL;
	const char *text = checked_text(&tmp, body, FEEDBACK_ANSWER_MAX, "answer", why, cap);
	if (!text)
		goto done;
	bool own = !db_in_transaction(db);
	if (own && (e = db_begin(db)))
		goto done;
	int64_t have = 0, answers = 0;
	e = db_get_int(db,
		       "SELECT count(*) FROM feedback WHERE district_id=?1 AND id=?2 AND"
		       " student_sid=?3",
		       DB_ARGS(DB_INT(district_id), DB_INT(feedback_id), DB_TEXT(student_sid)),
		       &have);
	if (!e && !have) {
		e = EB_ENOTFOUND;
		snprintf(why, cap, "feedback: there is no such feedback for this student");
		goto fail;
	}
	if (!e)
		e = db_get_int(db,
			       "SELECT count(*) FROM feedback_answer WHERE district_id=?1 AND"
			       " feedback_id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(feedback_id)), &answers);
	if (!e && answers >= FEEDBACK_THREAD_MAX) {
		e = EB_EINVAL;
		snprintf(why, cap, "answer: this conversation is full (%d answers); talk in class",
			 FEEDBACK_THREAD_MAX);
		goto fail;
	}
	if (!e)
		e = db_execute(db,
			       "INSERT INTO feedback_answer(district_id,feedback_id,by_student,"
			       "author_account_id,author_name,body,created_at)"
			       " VALUES(?1,?2,?3,?4,?5,?6,?7)",
			       DB_ARGS(DB_INT(district_id), DB_INT(feedback_id),
				       DB_INT(by_student ? 1 : 0),
				       DB_INT(who ? who->account_id : 0),
				       DB_TEXT(author_name ? author_name : ""), DB_TEXT(text),
				       DB_INT(time_now())),
			       NULL);
	if (!e)
		e = audit_student(db, district_id, who, student_sid,
				  by_student ? "answered feedback" : "answer to feedback");
	if (!e && own)
		e = db_commit(db);
	if (e) {
		snprintf(why, cap, "answer: could not be stored (%s)", eb_strerror(e));
		goto fail;
	}
	goto done;
fail:
	if (own)
		db_rollback(db);
done:
	arena_free(&tmp);
	return e;
}

DB_ROWSPEC(pattern_spec, struct feedback_pattern, NULL,
	   DB_FIELD_STR(struct feedback_pattern, standard),
	   DB_FIELD_INT(struct feedback_pattern, students),
	   DB_FIELD_INT(struct feedback_pattern, given),
	   DB_FIELD_INT(struct feedback_pattern, answered));
DB_ROWSPEC(gap_spec, struct feedback_gap, NULL, DB_FIELD_STR(struct feedback_gap, standard),
	   DB_FIELD_INT(struct feedback_gap, need));

enum eb_err feedback_class_pattern(struct db *db, int64_t district_id, const char *class_sid,
				   int64_t since, const struct district_levels *lv,
				   struct arena *arena, struct feedback_pattern **rows,
				   size_t *nrows, struct feedback_gap **gaps, size_t *ngaps)
{
	enum eb_err e = db_get_rows(
		db,
		"SELECT f.standard, count(DISTINCT f.student_sid), count(*),"
		" sum(EXISTS (SELECT 1 FROM feedback_answer a WHERE a.district_id=f.district_id"
		" AND a.feedback_id=f.id AND a.by_student=1))"
		" FROM feedback f WHERE f.district_id=?1 AND f.class_sid=?2 AND f.created_at>=?3"
		" GROUP BY f.standard ORDER BY 2 DESC, f.standard",
		DB_ARGS(DB_INT(district_id), DB_TEXT(class_sid), DB_INT(since)), &pattern_spec,
		arena, rows, nrows);
	if (e)
		return e;
	/* the class's students measured below Proficient, per standard, where
	 * none of the class's students got feedback on it since */
	return db_get_rows(
		db,
		"SELECT m.standard_code, count(*) FROM enrollment e JOIN mastery_state m ON"
		" m.district_id=e.district_id AND m.student_sourced_id=e.user_sourced_id"
		" WHERE e.district_id=?1 AND e.class_sourced_id=?2 AND e.role='student'"
		" AND e.status='active' AND m.inferred=0 AND m.p < ?3"
		" AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.district_id=?1 AND"
		" f.class_sid=?2 AND f.standard=m.standard_code AND f.created_at>=?4)"
		" GROUP BY m.standard_code ORDER BY 2 DESC, m.standard_code LIMIT 50",
		DB_ARGS(DB_INT(district_id), DB_TEXT(class_sid), DB_REAL(lv->proficient),
			DB_INT(since)),
		&gap_spec, arena, gaps, ngaps);
}

enum eb_err feedback_new_answers(struct db *db, int64_t district_id, int64_t author_id,
				 int64_t since, struct arena *arena, int64_t *count,
				 const char **newest_student)
{
	*count = 0;
	*newest_student = NULL;
	struct db_stmt *st;
	enum eb_err e = db_query(
		db,
		"SELECT count(*), (SELECT f2.student_sid FROM feedback_answer a2 JOIN feedback f2"
		" ON f2.district_id=a2.district_id AND f2.id=a2.feedback_id WHERE"
		" a2.district_id=?1 AND f2.author_account_id=?2 AND a2.by_student=1 AND"
		" a2.created_at>=?3 ORDER BY a2.id DESC LIMIT 1)"
		" FROM feedback_answer a JOIN feedback f ON f.district_id=a.district_id AND"
		" f.id=a.feedback_id WHERE a.district_id=?1 AND f.author_account_id=?2 AND"
		" a.by_student=1 AND a.created_at>=?3",
		DB_ARGS(DB_INT(district_id), DB_INT(author_id), DB_INT(since)), &st);
	if (e)
		return e;
	if (db_next(st)) {
		*count = db_col_int(st, 0);
		*newest_student = db_col_dup(st, 1, arena);
	}
	return db_done(st);
}
