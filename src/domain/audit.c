#include "domain/audit.h"

#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "store/db.h"
#include "store/db_write.h"

/* src as valid UTF-8 in out (cap bytes with the NUL): a byte that does
 * not start a valid character becomes '?'; cut at a character boundary. */
static const char *clean(const char *src, char *out, size_t cap)
{
	size_t k = 0, n = src ? strlen(src) : 0, i = 0;
	while (i < n && k + 1 < cap) {
		size_t bad;
		/* look no further than what still fits (and one character more) */
		size_t room = cap - 1 - k, look = n - i < room + 4 ? n - i : room + 4;
		struct str rest = { src + i, look };
		size_t ok = str_utf8_valid(rest, &bad) ? rest.n : bad;
		/* copy the valid run, whole characters only */
		size_t take = ok < room ? ok : room;
		while (take > 0 && take < ok && ((unsigned char)src[i + take] & 0xC0) == 0x80)
			take--;
		memcpy(out + k, src + i, take);
		k += take;
		i += take;
		if (take < ok)
			break; /* out is full */
		if (i < n && k + 1 < cap) {
			out[k++] = '?';
			i++;
		}
	}
	out[k] = '\0';
	return out;
}

static enum eb_err insert(struct db *db, int64_t district_id, const struct audit_actor *who,
			  const char *action, const char *subject_type, const char *subject_id,
			  int64_t students, const char *detail)
{
	char sid[513], det[4097];
	return db_execute(db,
			  "INSERT INTO audit_log(district_id, at, account_id, actor, action,"
			  " subject_type, subject_id, detail, address, students)"
			  " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
			  DB_ARGS(DB_INT(district_id), DB_INT(time_now()),
				  DB_INT_IF(who && who->account_id, who ? who->account_id : 0),
				  DB_TEXT((who && who->login) ? who->login : "cli"),
				  DB_TEXT(action), DB_TEXT(subject_type),
				  DB_TEXT(clean(subject_id, sid, sizeof sid)),
				  DB_TEXT(clean(detail, det, sizeof det)),
				  DB_TEXT((who && who->address) ? who->address : ""),
				  DB_INT_IF(students >= 0, students)),
			  NULL);
}

enum eb_err audit_record(struct db *db, int64_t district_id, const struct audit_actor *who,
			 const char *action, const char *subject_type, const char *subject_id,
			 const char *detail)
{
	return insert(db, district_id, who, action, subject_type, subject_id, -1, detail);
}

enum eb_err audit_record_students(struct db *db, int64_t district_id, const struct audit_actor *who,
				  const char *action, const char *subject_type,
				  const char *subject_id, int64_t students, const char *detail)
{
	return insert(db, district_id, who, action, subject_type, subject_id,
		      students < 0 ? 0 : students, detail);
}

struct audit_job {
	struct db_write w;
	int64_t district_id, students;
	struct audit_actor who;
	const char *action, *subject_type, *subject_id, *detail;
};

static enum eb_err audit_job_run(struct db *db, void *ctx)
{
	struct audit_job *j = ctx;
	return audit_record_students(db, j->district_id, &j->who, j->action, j->subject_type,
				     j->subject_id, j->students, j->detail);
}

struct audit_job *audit_job_new(struct arena *ar, int64_t district_id,
				const struct audit_actor *who, const char *action,
				const char *subject_type, const char *subject_id, int64_t students,
				const char *detail)
{
	struct audit_job *j = arena_zalloc(ar, sizeof *j);
	if (!j)
		return NULL;
	*j = (struct audit_job){
		.w = { .fn = audit_job_run, .ctx = j, .linger_ms = 20 },
		.district_id = district_id,
		.students = students,
		.who = { who->account_id, arena_strdup(ar, who->login ? who->login : "cli"),
			 arena_strdup(ar, who->address ? who->address : "") },
		.action = arena_strdup(ar, action),
		.subject_type = arena_strdup(ar, subject_type),
		.subject_id = arena_strdup(ar, subject_id ? subject_id : ""),
		.detail = arena_strdup(ar, detail ? detail : ""),
	};
	if (!j->who.login || !j->who.address || !j->action || !j->subject_type || !j->subject_id ||
	    !j->detail)
		return NULL;
	return j;
}

struct db_write *audit_job_write(struct audit_job *j)
{
	return &j->w;
}

DB_ROWSPEC(audit_entry_spec, struct audit_entry, NULL, DB_FIELD_INT(struct audit_entry, id),
	   DB_FIELD_INT(struct audit_entry, at), DB_FIELD_INT(struct audit_entry, account_id),
	   DB_FIELD_STR(struct audit_entry, actor), DB_FIELD_STR(struct audit_entry, action),
	   DB_FIELD_STR(struct audit_entry, subject_type),
	   DB_FIELD_STR(struct audit_entry, subject_id), DB_FIELD_STR(struct audit_entry, detail),
	   DB_FIELD_STR(struct audit_entry, address), DB_FIELD_INT(struct audit_entry, students));

enum eb_err audit_list(struct db *db, int64_t district_id, const struct audit_filter *f,
		       struct arena *arena, struct audit_entry **out, size_t *n)
{
	int limit = f->limit < 1 ? 100 : f->limit > 500 ? 500 : f->limit;
	return db_get_rows(db,
			   "SELECT id, at, coalesce(account_id,0), actor, action, subject_type,"
			   " subject_id, detail, address, coalesce(students,-1) FROM audit_log"
			   " WHERE district_id=?1"
			   " AND (?2 IS NULL OR subject_type=?2) AND (?3 IS NULL OR subject_id=?3)"
			   " AND (?4 IS NULL OR action=?4) AND (?5 = 0 OR id < ?5)"
			   " ORDER BY id DESC LIMIT ?6",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(f->subject_type),
				   DB_TEXT(f->subject_id), DB_TEXT(f->action), DB_INT(f->before_id),
				   DB_INT(limit)),
			   &audit_entry_spec, arena, out, n);
}
