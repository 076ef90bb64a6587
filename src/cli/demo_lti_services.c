/* demo_lti_services.c - the demo district's data-sharing scopes (see the header). */
#include "cli/demo_lti_services.h"

#include "base/arena.h"
#include "domain/account.h"
#include "domain/data_scope.h"
#include "domain/tools.h"

enum eb_err demo_lti_services(struct db *db, int64_t district_id)
{
	struct account coord;
	struct audit_actor who = { 0, "cli", "" };
	if (account_find_login(db, district_id, "coordinator", &coord) == EB_OK) {
		who.account_id = coord.id;
		who.login = "coordinator";
	}
	struct arena a;
	arena_init(&a);
	struct tool_row *rows;
	size_t n;
	enum eb_err rc = tools_list(db, district_id, -1, true, &a, &rows, &n);
	static const unsigned masks[] = {
		(1u << DATA_SCOPE_NAME) | (1u << DATA_SCOPE_CLASS) | (1u << DATA_SCOPE_MEMBERSHIP) |
			(1u << DATA_SCOPE_SCORES),
		(1u << DATA_SCOPE_MEMBERSHIP) | (1u << DATA_SCOPE_SCORES),
	};
	for (size_t i = 0; !rc && i < n && i < sizeof masks / sizeof masks[0]; i++)
		rc = data_scope_set(db, district_id, rows[i].id, masks[i], &who);
	arena_free(&a);
	return rc;
}
