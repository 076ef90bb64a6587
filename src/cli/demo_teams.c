/* demo_teams.c - see demo_teams.h. */
#include "cli/demo_teams.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/account.h"
#include "domain/initiatives.h"
#include "domain/teams.h"

static const struct audit_actor cli = { 0, "cli", "" };

static bool get(struct db *db, int64_t d, const char *login, struct account *a)
{
	return account_find_login(db, d, login, a) == EB_OK;
}

static enum eb_err member(struct db *db, int64_t d, int64_t team, const char *role,
			  const char *login, const char *name, const char *email,
			  const char *connector, int64_t now, int64_t *id)
{
	char why[TEAMS_WHY_CAP] = "";
	struct team_member_form f = {
		.role = role, .account = login, .name = name, .email = email, .connector = connector
	};
	int64_t mid = 0;
	enum eb_err rc = teams_member_add(db, d, team, &f, &cli, now, &mid, why, sizeof why);
	if (rc)
		fprintf(stderr, "demo: team member %s: %s\n", login ? login : name, why);
	if (id)
		*id = mid;
	return rc;
}

static void day_after(const char *day, int n, char out[11])
{
	int32_t days = 0;
	date_parse_ymd(str_from(day), &days);
	int y;
	unsigned m, dd;
	civil_from_days(days + n, &y, &m, &dd);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, dd);
}

static enum eb_err action(struct db *db, int64_t d, int64_t meeting, const char *text,
			  int64_t owner, const char *due, const char *status, int64_t now)
{
	char why[TEAMS_WHY_CAP] = "", o[24];
	snprintf(o, sizeof o, "%lld", (long long)owner);
	struct action_form f = { .text = text, .owner = o, .due = due };
	int64_t id;
	enum eb_err rc = teams_action_add(db, d, meeting, &f, &cli, now, &id, why, sizeof why);
	if (!rc && status)
		rc = teams_action_set_status(db, d, id, status, &cli, now, why, sizeof why);
	if (rc)
		fprintf(stderr, "demo: action item %s: %s\n", text, why);
	return rc;
}

enum eb_err demo_teams(struct db *db, int64_t d, int64_t now)
{
	struct account coach, principal;
	if (!get(db, d, "coach", &coach) || !get(db, d, "principal", &principal))
		return EB_OK;
	struct arena a;
	arena_init(&a);
	struct initiative_row *inits = NULL;
	size_t ninits = 0;
	enum eb_err rc = initiative_list(db, d, &a, &inits, &ninits);
	int64_t init = 0;
	for (size_t i = 0; !rc && i < ninits; i++)
		if (inits[i].status == INIT_UNDER_REVIEW)
			init = inits[i].id; /* newest first: the last is the first made */
	if (rc || !init)
		goto out;
	char why[INIT_WHY_CAP] = "", idtext[24];
	snprintf(idtext, sizeof idtext, "%lld", (long long)init);
	struct team_form tf = {
		.name = "Practice tool pilot team",
		.kind = "initiative",
		.initiative = idtext,
		.purpose = "Watch the pilot's data and tickets, decide at the review, and keep"
			   " families in the loop.",
	};
	int64_t team;
	if ((rc = teams_create(db, d, &tf, &coach, &cli, now, &team, why, sizeof why))) {
		fprintf(stderr, "demo: team: %s\n", why);
		goto out;
	}
	int64_t m_teacher = 0, m_champ = 0, m_it = 0, m_family = 0, m_principal = 0;
	if ((rc = member(db, d, team, "coordinator", "coordinator", NULL, NULL, NULL, now, NULL)) ||
	    (rc = member(db, d, team, "principal", "principal", NULL, NULL, NULL, now,
			 &m_principal)) ||
	    (rc = member(db, d, team, "teacher", "teacher", NULL, NULL, NULL, now, &m_teacher)) ||
	    (rc = member(db, d, team, "tech_champion", "champion", NULL, NULL, NULL, now,
			 &m_champ)) ||
	    (rc = member(db, d, team, "it", "itstaff", NULL, NULL, NULL, now, &m_it)) ||
	    (rc = member(db, d, team, "vendor_contact", "vendor", NULL, NULL, NULL, now, NULL)) ||
	    (rc = member(db, d, team, "family_rep", NULL, "Rosa Martínez", "rosa@example.org", NULL,
			 now, &m_family)) ||
	    (rc = member(db, d, team, "partner", NULL, "Dr. Amara Lee (State University)", "", "1",
			 now, NULL)))
		goto out;
	/* the meeting held a week ago, in the district's zone */
	char today[11], held[11], due[11];
	teams_today(db, d, now, today);
	day_after(today, -7, held);
	const struct tz *z = tz_get("America/Chicago");
	struct meeting_form mf = {
		.date = held,
		.time = "15:30",
		.minutes = "45",
		.place = "Library, Birch",
		.agenda = "The pilot's fall data\nOpen tickets on the tool\nThe review decision\n"
			  "What families hear next",
	};
	int64_t g;
	if ((rc = teams_meeting_create(db, d, team, &mf, z, &cli, now, &g, why, sizeof why))) {
		fprintf(stderr, "demo: meeting: %s\n", why);
		goto out;
	}
	int64_t ids[4] = { m_teacher, m_champ, m_it, m_family };
	bool present[4] = { true, true, false, true };
	if ((rc = teams_attendance_set(db, d, g, ids, present, 4, &cli, why, sizeof why)) ||
	    (rc = teams_notes_set(db, d, g,
				  "Users gained more than comparable non-users on the fall"
				  " benchmark. Two login tickets are open; IT is on them. Families"
				  " asked for a short how-to in Spanish.",
				  &cli, why, sizeof why)) ||
	    (rc = teams_decision_add(db, d, g, "Continue the pilot through the spring", "continued",
				     "Fall interim benchmark and the team's review", &cli, now, why,
				     sizeof why)) ||
	    (rc = teams_decision_add(db, d, g, "Send families a one-page how-to in their language",
				     NULL, NULL, &cli, now, why, sizeof why))) {
		fprintf(stderr, "demo: meeting: %s\n", why);
		goto out;
	}
	day_after(held, 1, due);
	if ((rc = action(db, d, g, "Share the fall results with the grade-level team", m_principal,
			 due, "done", now)))
		goto out;
	day_after(today, -2, due);
	if ((rc = action(db, d, g, "Fix the Chromebook login loop in room 12", m_it, due, NULL,
			 now)))
		goto out;
	day_after(today, 3, due);
	if ((rc = action(db, d, g, "Draft the families' how-to (Spanish and English)", m_family,
			 due, NULL, now)) ||
	    (rc = action(db, d, g, "Try the tool's small-group mode and report back", m_teacher,
			 due, NULL, now)))
		goto out;
	/* the next meeting: today */
	struct meeting_form next = {
		.date = today,
		.time = "16:00",
		.minutes = "45",
		.place = "Library, Birch",
		.agenda = "Action items from last week\nThe spring plan",
	};
	int64_t g2;
	if ((rc = teams_meeting_create(db, d, team, &next, z, &cli, now, &g2, why, sizeof why))) {
		fprintf(stderr, "demo: meeting: %s\n", why);
		goto out;
	}
	/* a school team at the principal's school */
	const char *school = NULL;
	for (int i = 0; i < principal.nroles; i++)
		if (strcmp(principal.roles[i].scope_type, "school") == 0)
			school = principal.roles[i].scope_id;
	int64_t st = 0;
	if (school) {
		struct team_form sf = { .name = "Math leadership team",
					.kind = "school",
					.school = school,
					.purpose =
						"The school's weakest standards, term by term." };
		if ((rc = teams_create(db, d, &sf, &principal, &cli, now, &st, why, sizeof why)) ||
		    (rc = member(db, d, st, "coach", "coach", NULL, NULL, "1", now, NULL)) ||
		    (rc = member(db, d, st, "teacher", "teacher", NULL, NULL, NULL, now, NULL)) ||
		    (rc = member(db, d, st, "family_rep", NULL, "Kim Nguyen", "", NULL, now, NULL)))
			goto out;
	}
	printf("teams: %lld (initiative, a meeting held %s and one today), %lld (school)\n",
	       (long long)team, held, (long long)st);
out:
	arena_free(&a);
	return rc;
}
