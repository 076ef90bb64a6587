/* demo_roster_sync.c - see demo_roster_sync.h. */
#include "cli/demo_roster_sync.h"

#include <stdio.h>

#include "domain/account.h"
#include "domain/roster_source.h"

enum eb_err demo_roster_sync(struct db *db, int64_t d, int64_t now)
{
	struct roster_source s = { .hour = 2 };
	char why[256] = "";
	int64_t id = 0, admin = 0;
	snprintf(s.url, sizeof s.url, "https://sis.example.org/ims/oneroster/v1p1");
	snprintf(s.client_id, sizeof s.client_id, "edbridge-demo");
	snprintf(s.version, sizeof s.version, "1.1");
	enum eb_err rc =
		roster_source_save(db, d, &s, "demo-secret-not-real", &id, why, sizeof why);
	if (rc) {
		fprintf(stderr, "demo: roster source: %s\n", why);
		return rc;
	}
	struct account a;
	if (account_find_login(db, d, "admin", &a) == EB_OK)
		admin = a.id;
	static const struct {
		int days_ago, minute;
		bool delta, ok, by_admin;
		long objects;
		const char *reason;
	} runs[] = {
		{ 3, 2 * 60 + 4, false, true, false, 15240, "" },
		{ 2, 2 * 60 + 3, false, false, false, 6100,
		  "https://sis.example.org/ims/oneroster/v1p1/users?limit=1000&offset=3000: HTTP "
		  "500 (after 5 tries)" },
		{ 1, 2 * 60 + 5, false, true, false, 15262, "" },
		{ 0, 0, true, true, true, 41, "" },
	};
	for (size_t i = 0; !rc && i < sizeof runs / sizeof runs[0]; i++) {
		int64_t t = now - runs[i].days_ago * 86400 - (runs[i].by_admin ? 3600 : 0);
		if (!runs[i].by_admin)
			t = t - t % 86400 + runs[i].minute * 60 + 8 * 3600; /* 02:0x in Chicago */
		rc = roster_source_record_run(
			db, d, id, runs[i].delta, runs[i].by_admin ? admin : 0,
			runs[i].by_admin ? "Demo District Administrator" : "scheduled sync", t,
			t + 40, runs[i].ok, runs[i].objects, 0, runs[i].reason);
	}
	if (!rc)
		rc = roster_source_set_enabled(db, d, id, false);
	if (!rc)
		printf("roster sync: 1 source, %zu runs\n", sizeof runs / sizeof runs[0]);
	return rc;
}
