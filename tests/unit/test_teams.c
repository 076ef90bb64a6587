/* Unit tests of teams (domain/teams): refused teams, members, meetings,
 * agenda items and action items store nothing (a member who is not a user
 * of the district, a family account as a user member, an owner outside the
 * team, a due date before the meeting, an empty agenda item); family
 * representatives are members by name without an account; a status
 * decision of an initiative's team goes through the initiatives domain and
 * the initiative's history names its meeting, and a refused one stores
 * neither; the contract reads (meetings on a day, items due for a user);
 * who sees a team. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/account.h"
#include "domain/district.h"
#include "domain/initiatives.h"
#include "domain/teams.h"
#include "store/db.h"

struct fx {
	struct db *db;
	int64_t d, d2, coord, teacher, teacher2, principal, principal2, parent, other, init;
};

static const struct audit_actor cli = { 0, "cli", "" };

static const char roster_sql[] = "INSERT INTO org(district_id,sourced_id,name,type) VALUES"
				 " (1,'s1','Birch','school'),(1,'s2','Cedar','school');";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256];
	if (db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "One", &f->d) || district_create(f->db, "Two", &f->d2))
		return -1;
	if (db_exec(f->db, roster_sql))
		return -1;
	if (account_create(f->db, f->d, "coord", "Cora Coord", NULL, NULL, &f->coord) ||
	    account_add_role(f->db, f->d, f->coord, ROLE_COORDINATOR, "district", "1") ||
	    account_create(f->db, f->d, "teach", "Tess Teacher", NULL, NULL, &f->teacher) ||
	    account_add_role(f->db, f->d, f->teacher, ROLE_TEACHER, "school", "s1") ||
	    account_create(f->db, f->d, "teach2", "Tom Teacher", NULL, NULL, &f->teacher2) ||
	    account_add_role(f->db, f->d, f->teacher2, ROLE_TEACHER, "school", "s1") ||
	    account_create(f->db, f->d, "prin", "Pat Principal", NULL, NULL, &f->principal) ||
	    account_add_role(f->db, f->d, f->principal, ROLE_PRINCIPAL, "school", "s1") ||
	    account_create(f->db, f->d, "prin2", "Pia Principal", NULL, NULL, &f->principal2) ||
	    account_add_role(f->db, f->d, f->principal2, ROLE_PRINCIPAL, "school", "s2") ||
	    account_create(f->db, f->d, "parent@example.org", "Pam Parent", NULL, NULL,
			   &f->parent) ||
	    account_add_role(f->db, f->d, f->parent, ROLE_GUARDIAN, "person", "stu1") ||
	    account_create(f->db, f->d2, "other", "Other", NULL, NULL, &f->other) ||
	    account_add_role(f->db, f->d2, f->other, ROLE_TEACHER, "district", "2"))
		return -1;
	struct initiative_in in = {
		.title = "Fraction videos",
		.need = "Grade 3 students mix up numerators and denominators",
		.tool_name = "Khan Academy",
		.schools = "s1",
		.grades = "3",
		.standards = "3.NF.1",
		.start_date = "2026-09-01",
		.review_date = "2027-01-15",
		.outcome_assessment = "Unit 5 quiz",
		.success_measure = "average up 5 points",
		.dosage_minutes = 60,
		.quiz_builder = f->coord,
		.monitor = f->coord,
		.monitor_every_days = 14,
		.evaluator = f->coord,
		.teacher_support = f->coord,
		.family_contact = f->coord,
	};
	char why[INIT_WHY_CAP];
	if (initiative_create(f->db, f->d, NULL, &in, &f->init, why, sizeof why))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	free(f);
	return 0;
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->db, sql, DB_NOARGS, &n), EB_OK);
	return n;
}

static struct account acct(struct fx *f, int64_t id)
{
	struct account a;
	assert_int_equal(account_get(f->db, f->d, id, &a), EB_OK);
	return a;
}

static int64_t make_team(struct fx *f, const char *kind)
{
	struct account c = acct(f, f->coord);
	char idtext[24];
	snprintf(idtext, sizeof idtext, "%lld", (long long)f->init);
	struct team_form tf = { .name = "Fractions team",
				.kind = kind,
				.initiative = idtext,
				.school = "s1",
				.grade = "3",
				.purpose = "Watch the pilot" };
	int64_t id = 0;
	char why[TEAMS_WHY_CAP];
	assert_int_equal(teams_create(f->db, f->d, &tf, &c, &cli, 1000, &id, why, sizeof why),
			 EB_OK);
	return id;
}

static int64_t add_user(struct fx *f, int64_t team, const char *login, const char *role)
{
	struct team_member_form mf = { .role = role, .account = login };
	int64_t mid = 0;
	char why[TEAMS_WHY_CAP];
	assert_int_equal(
		teams_member_add(f->db, f->d, team, &mf, &cli, 1000, &mid, why, sizeof why), EB_OK);
	return mid;
}

static int64_t make_meeting(struct fx *f, int64_t team, const char *date)
{
	struct meeting_form mf = { .date = date,
				   .time = "15:30",
				   .minutes = "45",
				   .place = "Library",
				   .agenda = "Look at the data\n\n  Decide on the pilot  \n" };
	int64_t id = 0;
	char why[TEAMS_WHY_CAP];
	assert_int_equal(teams_meeting_create(f->db, f->d, team, &mf, NULL, &cli, 1000, &id, why,
					      sizeof why),
			 EB_OK);
	return id;
}

static void refused_teams_store_nothing(void **state)
{
	struct fx *f = *state;
	struct account c = acct(f, f->coord);
	char why[TEAMS_WHY_CAP];
	int64_t id;
	struct {
		struct team_form tf;
		const char *says;
	} bad[] = {
		{ { .name = "", .kind = "school", .school = "s1" }, "name:" },
		{ { .name = "T", .kind = "club", .school = "s1" }, "kind:" },
		{ { .name = "T", .kind = "school", .school = "nowhere" }, "school:" },
		{ { .name = "T", .kind = "grade", .school = "s1", .grade = "13" }, "grade:" },
		{ { .name = "T", .kind = "initiative", .initiative = "999" }, "initiative:" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = 0;
		assert_int_equal(
			teams_create(f->db, f->d, &bad[i].tf, &c, &cli, 1000, &id, why, sizeof why),
			EB_EINVAL);
		assert_non_null(strstr(why, bad[i].says));
	}
	assert_int_equal(count(f, "SELECT count(*) FROM team"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM team_member"), 0);
	/* a good one: the creator is its first member */
	int64_t t = make_team(f, "grade");
	struct team got;
	assert_int_equal(teams_get(f->db, f->d, t, &got), EB_OK);
	assert_int_equal(got.kind, TEAM_GRADE);
	assert_int_equal(got.grade, 3);
	assert_string_equal(got.school_name, "Birch");
	assert_int_equal(count(f, "SELECT count(*) FROM team_member WHERE account_id=1"), 1);
	assert_int_equal(teams_get(f->db, f->d2, t, &got), EB_ENOTFOUND);
}

static void members_users_and_people_by_name(void **state)
{
	struct fx *f = *state;
	int64_t t = make_team(f, "initiative");
	char why[TEAMS_WHY_CAP];
	int64_t mid;
	int64_t before = count(f, "SELECT count(*) FROM team_member");
	struct {
		struct team_member_form mf;
		const char *says;
	} bad[] = {
		/* a user of another district, an unknown login */
		{ { .role = "teacher", .account = "other" }, "not a user of this district" },
		{ { .role = "teacher", .account = "nobody" }, "not a user of this district" },
		{ { .role = "teacher", .account = "" }, "member:" },
		/* a parent account is not a staff member: families by name */
		{ { .role = "family_rep", .account = "parent@example.org" }, "by name" },
		{ { .role = "teacher", .account = "parent@example.org" }, "family or student" },
		{ { .role = "family_rep", .name = "" }, "name:" },
		{ { .role = "family_rep", .name = "Ana", .email = "not-an-email" }, "email:" },
		{ { .role = "wizard", .account = "teach" }, "role:" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = 0;
		assert_int_not_equal(teams_member_add(f->db, f->d, t, &bad[i].mf, &cli, 1, &mid,
						      why, sizeof why),
				     EB_OK);
		assert_non_null(strstr(why, bad[i].says));
	}
	assert_int_equal(count(f, "SELECT count(*) FROM team_member"), before);
	add_user(f, t, "teach", "teacher");
	struct team_member_form dup = { .role = "teacher", .account = "teach" };
	assert_int_equal(teams_member_add(f->db, f->d, t, &dup, &cli, 1, &mid, why, sizeof why),
			 EB_EEXIST);
	struct team_member_form fam = { .role = "family_rep",
					.name = "Ana Ruiz",
					.email = "ana@example.org",
					.connector = "" };
	assert_int_equal(teams_member_add(f->db, f->d, t, &fam, &cli, 1, &mid, why, sizeof why),
			 EB_OK);
	struct team_member_form partner = { .role = "partner",
					    .name = "Dr. Lee",
					    .connector = "on" };
	assert_int_equal(teams_member_add(f->db, f->d, t, &partner, &cli, 1, &mid, why, sizeof why),
			 EB_OK);
	struct arena a;
	arena_init(&a);
	struct team_member *m;
	size_t n;
	assert_int_equal(teams_members(f->db, f->d, t, &a, &m, &n), EB_OK);
	assert_int_equal(n, 4);
	/* users first; people by name last, without an account */
	assert_int_equal(m[0].role, TEAM_ROLE_COORDINATOR);
	assert_int_equal(m[1].role, TEAM_ROLE_TEACHER);
	assert_string_equal(m[1].name, "Tess Teacher");
	assert_int_equal(m[2].account_id, 0);
	assert_int_equal(m[3].account_id, 0);
	bool connector_seen = false;
	for (size_t i = 2; i < 4; i++)
		if (strcmp(m[i].name, "Dr. Lee") == 0)
			connector_seen = m[i].connector;
	assert_true(connector_seen);
	arena_free(&a);
}

static void meetings_agenda_and_action_items(void **state)
{
	struct fx *f = *state;
	int64_t t = make_team(f, "school");
	int64_t tm = add_user(f, t, "teach", "teacher");
	int64_t other_team = make_team(f, "grade");
	int64_t outsider = add_user(f, other_team, "teach2", "teacher");
	int64_t g = make_meeting(f, t, "2026-03-10");
	char why[TEAMS_WHY_CAP];
	struct arena a;
	arena_init(&a);
	struct meeting_agenda_item *ag;
	size_t n;
	assert_int_equal(teams_agenda(f->db, f->d, g, &a, &ag, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(ag[1].text, "Decide on the pilot");
	/* an empty agenda item */
	assert_int_equal(teams_agenda_add(f->db, f->d, g, "   ", &cli, why, sizeof why), EB_EINVAL);
	assert_non_null(strstr(why, "agenda: write"));
	assert_int_equal(count(f, "SELECT count(*) FROM meeting_agenda"), 2);
	assert_int_equal(teams_agenda_add(f->db, f->d, g, "Next steps", &cli, why, sizeof why),
			 EB_OK);
	/* a bad meeting stores nothing */
	struct meeting_form bad = { .date = "2026-02-30", .time = "15:30", .agenda = "x" };
	int64_t id;
	assert_int_equal(
		teams_meeting_create(f->db, f->d, t, &bad, NULL, &cli, 1, &id, why, sizeof why),
		EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM meeting"), 1);
	/* action items: a due date before the meeting, an owner outside the team */
	char own[24], out[24];
	snprintf(own, sizeof own, "%lld", (long long)tm);
	snprintf(out, sizeof out, "%lld", (long long)outsider);
	struct action_form early = { .text = "Send the survey", .owner = own, .due = "2026-03-09" };
	assert_int_equal(teams_action_add(f->db, f->d, g, &early, &cli, 1, &id, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "due: the due date 2026-03-09 is before the meeting"));
	struct action_form stranger = { .text = "Send the survey",
					.owner = out,
					.due = "2026-03-20" };
	assert_int_equal(teams_action_add(f->db, f->d, g, &stranger, &cli, 1, &id, why, sizeof why),
			 EB_EINVAL);
	assert_non_null(strstr(why, "owner: choose a member of this team"));
	struct action_form empty = { .text = " ", .owner = own, .due = "2026-03-20" };
	assert_int_equal(teams_action_add(f->db, f->d, g, &empty, &cli, 1, &id, why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM action_item"), 0);
	struct action_form ok = { .text = "Send the survey", .owner = own, .due = "2026-03-10" };
	assert_int_equal(teams_action_add(f->db, f->d, g, &ok, &cli, 1, &id, why, sizeof why),
			 EB_OK);
	struct action_form later = { .text = "Book the room", .owner = own, .due = "2026-04-01" };
	int64_t id2;
	assert_int_equal(teams_action_add(f->db, f->d, g, &later, &cli, 1, &id2, why, sizeof why),
			 EB_OK);
	/* the contract reads: the teacher's items due through 03-20, overdue on 03-15 */
	struct action_item *x;
	assert_int_equal(teams_action_items_due(f->db, f->d, f->teacher, "2026-03-15", "2026-03-20",
						10, &a, &x, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(x[0].id, id);
	assert_true(x[0].overdue);
	assert_string_equal(x[0].team_name, "Fractions team");
	struct action_query q = { .owner_account_id = f->teacher,
				  .filter = ACTION_F_OVERDUE,
				  .today = "2026-03-15" };
	assert_int_equal(teams_actions(f->db, f->d, &q, &a, &x, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(teams_action_set_status(f->db, f->d, id, "done", &cli, 5, why, sizeof why),
			 EB_OK);
	assert_int_equal(teams_actions(f->db, f->d, &q, &a, &x, &n), EB_OK);
	assert_int_equal(n, 0);
	q.filter = ACTION_F_DONE;
	assert_int_equal(teams_actions(f->db, f->d, &q, &a, &x, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(teams_action_set_status(f->db, f->d, id, "lost", &cli, 5, why, sizeof why),
			 EB_EINVAL);
	/* the meetings of a member on a day */
	struct meeting_row *mr;
	assert_int_equal(teams_meetings_on_day(f->db, f->d, f->teacher, "2026-03-10", &a, &mr, &n),
			 EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(mr[0].id, g);
	assert_int_equal(mr[0].agenda_items, 3);
	assert_int_equal(mr[0].actions, 2);
	assert_string_equal(mr[0].at, "15:30");
	assert_int_equal(teams_meetings_on_day(f->db, f->d, f->teacher2, "2026-03-10", &a, &mr, &n),
			 EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(teams_meetings_on_day(f->db, f->d, f->teacher, "03/10/2026", &a, &mr, &n),
			 EB_EINVAL);
	/* attendance: a member of another team is refused, nothing stored */
	int64_t ids[2] = { tm, outsider };
	bool present[2] = { true, true };
	assert_int_equal(
		teams_attendance_set(f->db, f->d, g, ids, present, 2, &cli, why, sizeof why),
		EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM meeting_attendance"), 0);
	assert_int_equal(
		teams_attendance_set(f->db, f->d, g, ids, present, 1, &cli, why, sizeof why),
		EB_OK);
	struct meeting_attendance *at;
	assert_int_equal(teams_attendance(f->db, f->d, g, &a, &at, &n), EB_OK);
	assert_int_equal(n, 2);
	int seen_present = 0, seen_unknown = 0;
	for (size_t i = 0; i < n; i++) {
		seen_present += at[i].present == 1;
		seen_unknown += at[i].present == -1;
	}
	assert_int_equal(seen_present, 1);
	assert_int_equal(seen_unknown, 1);
	/* a member who owns an open item stays */
	assert_int_equal(teams_member_remove(f->db, f->d, t, tm, &cli, why, sizeof why),
			 EB_ECONFLICT);
	arena_free(&a);
}

static void initiative_decisions_keep_their_meeting(void **state)
{
	struct fx *f = *state;
	int64_t t = make_team(f, "initiative");
	int64_t g = make_meeting(f, t, "2026-09-15");
	char why[TEAMS_WHY_CAP];
	/* a move the initiatives domain refuses: nothing stored on either side */
	assert_int_equal(teams_decision_add(f->db, f->d, g, "Keep going", "continued", "", &cli, 10,
					    why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM meeting_decision"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM initiative_status"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM initiative WHERE status='planned'"), 1);
	assert_int_equal(
		teams_decision_add(f->db, f->d, g, "", NULL, NULL, &cli, 10, why, sizeof why),
		EB_EINVAL);
	/* a plain decision and a status decision */
	assert_int_equal(teams_decision_add(f->db, f->d, g, "Meet every other Tuesday", NULL, NULL,
					    &cli, 10, why, sizeof why),
			 EB_OK);
	assert_int_equal(teams_decision_add(f->db, f->d, g, "Start the pilot in two classes",
					    "piloting", "", &cli, 11, why, sizeof why),
			 EB_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM initiative WHERE status='piloting'"), 1);
	struct arena a;
	arena_init(&a);
	struct initiative_decision *h;
	size_t n;
	assert_int_equal(initiative_history(f->db, f->d, f->init, &a, &h, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(h[0].meeting_id, g);
	assert_string_equal(h[0].reason, "Start the pilot in two classes");
	struct meeting_decision *md;
	assert_int_equal(teams_decisions(f->db, f->d, g, &a, &md, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_string_equal(md[1].to, "piloting");
	assert_int_equal(md[1].initiative_id, f->init);
	assert_string_equal(md[0].to, "");
	/* a school team decides no initiative's status */
	int64_t st = make_team(f, "school");
	int64_t g2 = make_meeting(f, st, "2026-09-16");
	assert_int_equal(teams_decision_add(f->db, f->d, g2, "Scale it", "scaling", "", &cli, 12,
					    why, sizeof why),
			 EB_EINVAL);
	assert_int_equal(count(f, "SELECT count(*) FROM initiative WHERE status='piloting'"), 1);
	arena_free(&a);
}

static void who_sees_a_team(void **state)
{
	struct fx *f = *state;
	int64_t t = make_team(f, "school"); /* Birch (s1) */
	int64_t it = make_team(f, "initiative");
	struct team school, init;
	assert_int_equal(teams_get(f->db, f->d, t, &school), EB_OK);
	assert_int_equal(teams_get(f->db, f->d, it, &init), EB_OK);
	struct account teacher = acct(f, f->teacher), p1 = acct(f, f->principal);
	struct account p2 = acct(f, f->principal2), parent = acct(f, f->parent);
	assert_false(teams_can_view(f->db, &teacher, &school));
	add_user(f, t, "teach", "teacher");
	assert_true(teams_can_view(f->db, &teacher, &school));
	assert_true(teams_can_edit(f->db, &teacher, &school));
	assert_false(teams_can_view(f->db, &teacher, &init));
	assert_true(teams_can_view(f->db, &p1, &school));
	assert_true(teams_can_view(f->db, &p1, &init)); /* the initiative targets s1 */
	assert_false(teams_can_edit(f->db, &p1, &school));
	assert_false(teams_can_view(f->db, &p2, &school));
	assert_false(teams_can_view(f->db, &p2, &init));
	assert_false(teams_can_view(f->db, &parent, &school));
	assert_false(teams_can_open(&parent));
	struct arena a;
	arena_init(&a);
	struct team_row *rows;
	size_t n;
	assert_int_equal(teams_list(f->db, f->d, &teacher, 0, &a, &rows, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_true(rows[0].mine);
	assert_int_equal(teams_list(f->db, f->d, &p2, 0, &a, &rows, &n), EB_OK);
	assert_int_equal(n, 0);
	assert_int_equal(teams_list(f->db, f->d, &parent, 0, &a, &rows, &n), EB_OK);
	assert_int_equal(n, 0);
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(refused_teams_store_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(members_users_and_people_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(meetings_agenda_and_action_items, setup, teardown),
		cmocka_unit_test_setup_teardown(initiative_decisions_keep_their_meeting, setup,
						teardown),
		cmocka_unit_test_setup_teardown(who_sees_a_team, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
