/* data_scope.c - the district's data-sharing scopes per tool (see data_scope.h). */
#include "domain/data_scope.h"

#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "domain/account.h"
#include "store/db.h"

static const struct {
	const char *name, *label, *help;
} elements[DATA_SCOPE__COUNT] = {
	[DATA_SCOPE_NAME] = { "name", "Name", "Given and family name of students and staff." },
	[DATA_SCOPE_EMAIL] = { "email", "Email address", "School email addresses." },
	[DATA_SCOPE_STUDENT_ID] = { "student_id", "District id",
				    "The district's id of each person (not the student number)." },
	[DATA_SCOPE_SCHOOL] = { "school", "School", "The school of the class." },
	[DATA_SCOPE_GRADE] = { "grade", "Grade level", "Each student's grade level." },
	[DATA_SCOPE_CLASS] = { "class", "Class title", "The class's title and course." },
	[DATA_SCOPE_MEMBERSHIP] = { "membership", "Class list",
				    "The tool may read who is in the class (with only the fields "
				    "above)." },
	[DATA_SCOPE_SCORES] = { "scores", "Scores",
				"The tool may send scores back and read the scores it sent." },
};

const char *data_scope_name(enum data_scope_element e)
{
	return (unsigned)e < DATA_SCOPE__COUNT ? elements[e].name : NULL;
}

const char *data_scope_label(enum data_scope_element e)
{
	return (unsigned)e < DATA_SCOPE__COUNT ? elements[e].label : NULL;
}

const char *data_scope_help(enum data_scope_element e)
{
	return (unsigned)e < DATA_SCOPE__COUNT ? elements[e].help : NULL;
}

bool data_scope_is_roster(enum data_scope_element e)
{
	return e <= DATA_SCOPE_CLASS;
}

bool data_scope_parse(const char *s, enum data_scope_element *out)
{
	for (int i = 0; s && i < DATA_SCOPE__COUNT; i++)
		if (strcmp(s, elements[i].name) == 0) {
			*out = (enum data_scope_element)i;
			return true;
		}
	return false;
}

bool data_scope_can_edit(const struct account *a)
{
	return (a->role_mask & ((1u << ROLE_DISTRICT_ADMIN) | (1u << ROLE_COORDINATOR) |
				(1u << ROLE_IT_STAFF))) != 0;
}

static enum eb_err tool_exists(struct db *db, int64_t district_id, int64_t tool_id)
{
	int64_t one;
	return db_get_int(db, "SELECT 1 FROM tool WHERE district_id = ?1 AND id = ?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &one);
}

bool data_scope_allows(struct db *db, int64_t district_id, int64_t tool_id,
		       enum data_scope_element e)
{
	if ((unsigned)e >= DATA_SCOPE__COUNT)
		return false;
	int64_t one;
	return db_get_int(db,
			  "SELECT 1 FROM tool_data_scope s JOIN tool t ON t.id = s.tool_id"
			  " AND t.district_id = s.district_id"
			  " WHERE s.district_id = ?1 AND s.tool_id = ?2 AND s.element = ?3",
			  DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(elements[e].name)),
			  &one) == EB_OK;
}

enum eb_err data_scope_get(struct db *db, int64_t district_id, int64_t tool_id, unsigned *mask)
{
	*mask = 0;
	enum eb_err rc = tool_exists(db, district_id, tool_id);
	if (rc)
		return rc;
	struct db_stmt *st;
	if ((rc = db_query(db,
			   "SELECT element FROM tool_data_scope WHERE district_id = ?1"
			   " AND tool_id = ?2",
			   DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &st)))
		return rc;
	while (db_next(st)) {
		enum data_scope_element e;
		if (data_scope_parse(db_col_text(st, 0), &e))
			*mask |= 1u << e;
	}
	return db_done(st);
}

void data_scope_describe(unsigned mask, char *out, size_t cap)
{
	size_t len = 0;
	if (cap)
		out[0] = '\0';
	for (int i = 0; i < DATA_SCOPE__COUNT && cap; i++) {
		if (!(mask & (1u << i)))
			continue;
		int n = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", elements[i].name);
		if (n < 0 || (size_t)n >= cap - len)
			break;
		len += (size_t)n;
	}
	if (cap && !out[0])
		snprintf(out, cap, "none");
}

enum eb_err data_scope_set(struct db *db, int64_t district_id, int64_t tool_id, unsigned mask,
			   const struct audit_actor *who)
{
	if (mask >> DATA_SCOPE__COUNT)
		return EB_EINVAL;
	bool own = !db_in_transaction(db);
	enum eb_err rc = own ? db_begin(db) : EB_OK;
	if (rc)
		return rc;
	unsigned before;
	if ((rc = data_scope_get(db, district_id, tool_id, &before)) || before == mask)
		goto out;
	int64_t now = time_now();
	for (int i = 0; i < DATA_SCOPE__COUNT && !rc; i++) {
		unsigned bit = 1u << i;
		if ((before & bit) && !(mask & bit))
			rc = db_execute(db,
					"DELETE FROM tool_data_scope WHERE district_id = ?1"
					" AND tool_id = ?2 AND element = ?3",
					DB_ARGS(DB_INT(district_id), DB_INT(tool_id),
						DB_TEXT(elements[i].name)),
					NULL);
		else if (!(before & bit) && (mask & bit))
			rc = db_execute(
				db,
				"INSERT INTO tool_data_scope (district_id, tool_id, element,"
				" granted_at, granted_by) VALUES (?1, ?2, ?3, ?4, ?5)",
				DB_ARGS(DB_INT(district_id), DB_INT(tool_id),
					DB_TEXT(elements[i].name), DB_INT(now),
					DB_INT_IF(who && who->account_id, who->account_id)),
				NULL);
	}
	if (rc)
		goto out;
	char b[200], a[200], detail[420], id[24];
	data_scope_describe(before, b, sizeof b);
	data_scope_describe(mask, a, sizeof a);
	snprintf(detail, sizeof detail, "scopes: %s -> %s", b, a);
	snprintf(id, sizeof id, "%lld", (long long)tool_id);
	rc = audit_record(db, district_id, who, "update", "tool_scope", id, detail);
out:
	if (own) {
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	return rc;
}
