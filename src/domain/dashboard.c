/* dashboard.c - see dashboard.h. */
#include "domain/dashboard.h"

#include "store/db.h"

enum eb_err dashboard_tool_link(struct db *db, int64_t district_id, int64_t tool_id,
				const char *standard, struct arena *arena, const char **name,
				const char **url)
{
	*name = *url = NULL;
	struct db_stmt *st;
	enum eb_err e = db_query(
		db,
		"SELECT t.name, coalesce((SELECT m.activity_id FROM activity_map m WHERE"
		" m.district_id=t.district_id AND m.tool_id=t.id AND m.standard_code=?3 AND"
		" (m.activity_id LIKE 'https://%' OR m.activity_id LIKE 'http://%')"
		" ORDER BY m.activity_id LIMIT 1), CASE WHEN t.url LIKE 'https://%' OR"
		" t.url LIKE 'http://%' THEN t.url ELSE '' END)"
		" FROM tool t WHERE t.district_id=?1 AND t.id=?2 AND"
		" t.status IN ('approved','approved_with_conditions')",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_TEXT(standard ? standard : "")),
		&st);
	if (e)
		return e;
	bool found = db_next(st);
	if (found) {
		*name = db_col_str(st, 0, arena);
		*url = db_col_str(st, 1, arena);
	}
	e = db_done(st);
	return e ? e : found ? EB_OK : EB_ENOTFOUND;
}
