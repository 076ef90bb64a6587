/* demo_trainings.c - see demo_trainings.h. */
#include "cli/demo_trainings.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/tz.h"
#include "domain/account.h"
#include "domain/training.h"
#include "sim/district.h"

#define DEMO_TRAINED 14 /* simulated teachers given a sign-in and a seat */

static const struct audit_actor cli = { 0, "cli", "" };

static void ymd(int32_t day, char out[11])
{
	int y;
	unsigned m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, 11, "%04d-%02u-%02u", y, m, d);
}

static enum eb_err session(struct db *db, int64_t d, const char *title, int64_t tool, int32_t day,
			   const char *time, const char *place, const char *url,
			   const char *trainer, int64_t it, const char *capacity,
			   const char *materials, int64_t *id)
{
	char date[11], tool_s[24] = "", it_s[24] = "", why[TRAINING_WHY_CAP] = "";
	ymd(day, date);
	if (tool)
		snprintf(tool_s, sizeof tool_s, "%lld", (long long)tool);
	if (it)
		snprintf(it_s, sizeof it_s, "%lld", (long long)it);
	struct training_form f = { .title = title,
				   .tool = tool_s,
				   .date = date,
				   .time = time,
				   .minutes = "75",
				   .place = place,
				   .online_url = url,
				   .trainer = trainer,
				   .it_account = it_s,
				   .capacity = capacity,
				   .materials = materials };
	enum eb_err rc =
		training_create(db, d, &f, tz_get("America/Chicago"), &cli, id, why, sizeof why);
	if (rc)
		fprintf(stderr, "demo: training %s: %s\n", title, why);
	return rc;
}

static enum eb_err seat(struct db *db, int64_t d, int64_t id, int64_t account, bool waitlist)
{
	char why[TRAINING_WHY_CAP];
	enum training_seat_state st;
	enum eb_err rc =
		training_register(db, d, id, account, waitlist, true, &cli, &st, why, sizeof why);
	return rc == EB_EEXIST ? EB_OK : rc;
}

static int64_t login_id(struct db *db, int64_t d, const char *login)
{
	struct account a;
	return account_find_login(db, d, login, &a) == EB_OK ? a.id : 0;
}

enum eb_err demo_trainings(struct db *db, int64_t d, const struct sim_district *sd,
			   int32_t week0_day, int64_t practice_tool, int64_t video_tool)
{
	int64_t it = login_id(db, d, "itstaff"), teacher = login_id(db, d, "teacher");
	int64_t champion = login_id(db, d, "champion");
	if (!it || !teacher || !champion)
		return EB_OK;
	/* sign-ins for simulated teachers (no password: they would get a code) */
	size_t nt;
	const struct sim_teacher *te = sim_teachers(sd, &nt);
	int64_t people[DEMO_TRAINED];
	size_t np = 0;
	enum eb_err rc = EB_OK;
	for (size_t i = 0; i < nt && np < DEMO_TRAINED && !rc; i += 2) {
		char sid[SIM_ID_MAX], login[40], name[120], school[SIM_ID_MAX];
		sim_teacher_id(i, sid);
		sim_school_id(sd, (size_t)te[i].school, school);
		snprintf(login, sizeof login, "demo.teacher%02zu", np + 1);
		snprintf(name, sizeof name, "%s %s", te[i].given, te[i].family_name);
		int64_t id;
		rc = account_create(db, d, login, name, NULL, sid, &id);
		if (rc == EB_EEXIST) {
			rc = EB_OK;
			continue;
		}
		if (!rc)
			rc = account_add_role(db, d, id, ROLE_TEACHER, "school", school);
		if (!rc)
			people[np++] = id;
	}
	if (rc)
		return rc;

	/* during the tool period: the practice app, with IT in the room */
	int64_t s1, s2, s3, s4;
	static const char *const try_words[] = {
		"Exit tickets from the practice reports on Fridays",
		"Small groups from the mastery view, twice a week",
		"",
		"Station rotation with the app at one station",
		"Letting students pick their own practice set",
		"",
		"Checking the class view before planning",
		"Sharing the weekly report with families",
	};
	static const char *const need_words[] = {
		"Time to set up the classes",
		"",
		"Help with student logins on the Chromebooks",
		"How to read the standards report",
		"",
		"More devices in my room",
		"A second session on grouping",
		"",
	};
	if ((rc = session(db, d, "Adaptive practice in small groups", practice_tool,
			  week0_day + 7 * 6 + 1, "15:45", "District office, room 2", "",
			  "Demo Math Coordinator", it, "30",
			  "https://example.org/practice/small-groups-slides\n"
			  "https://example.org/practice/teacher-guide.pdf",
			  &s1)))
		return rc;
	for (size_t i = 0; i < np && !rc; i++)
		rc = seat(db, d, s1, people[i], false);
	if (!rc)
		rc = seat(db, d, s1, champion, false);
	if (rc)
		return rc;
	{
		int64_t ids[DEMO_TRAINED + 1];
		bool here[DEMO_TRAINED + 1];
		size_t n = 0;
		for (size_t i = 0; i < np; i++) {
			ids[n] = people[i];
			here[n++] = i % 7 != 3; /* two did not come */
		}
		ids[n] = champion;
		here[n++] = true;
		char why[TRAINING_WHY_CAP];
		if ((rc = training_set_attendance(db, d, s1, ids, here, n, time_now(), &cli, why,
						  sizeof why)))
			return rc;
		for (size_t i = 0, k = 0; i < n && !rc; i++) {
			if (!here[i] || i % 3 == 2)
				continue;
			char ready[2] = { (char)('3' + (k % 3)), 0 };
			rc = training_followup_save(db, d, s1, ids[i], ready, try_words[k % 8],
						    need_words[k % 8], why, sizeof why);
			k++;
		}
		if (rc)
			return rc;
	}
	/* the video library, nobody from IT: flagged */
	if ((rc = session(db, d, "Video lessons for flipped homework", video_tool,
			  week0_day + 7 * 3 + 2, "16:00", "Birch library", "",
			  "Demo Instructional Coach", 0, "12",
			  "https://example.org/video/flipped-homework", &s2)))
		return rc;
	if ((rc = seat(db, d, s2, teacher, false)) || (rc = seat(db, d, s2, champion, false)))
		return rc;
	{
		int64_t ids[] = { teacher, champion };
		bool here[] = { true, true };
		char why[TRAINING_WHY_CAP];
		if ((rc = training_set_attendance(db, d, s2, ids, here, 2, time_now(), &cli, why,
						  sizeof why)) ||
		    (rc = training_followup_save(
			     db, d, s2, teacher, "4", "Assigning one video before each new unit",
			     "Captions in Spanish for my families", why, sizeof why)))
			return rc;
	}
	/* upcoming: the class mastery view with IT; online, full, a waiting list */
	int32_t today = (int32_t)(time_now() / 86400);
	if ((rc = session(db, d, "Reading the class mastery view", practice_tool, today + 9,
			  "15:45", "District office, room 2", "", "Demo Math Coordinator", it, "20",
			  "https://example.org/mastery-view/guide", &s3)))
		return rc;
	if ((rc = seat(db, d, s3, teacher, false)) || (rc = seat(db, d, s3, champion, false)))
		return rc;
	for (size_t i = 0; i < np && i < 4 && !rc; i++)
		rc = seat(db, d, s3, people[i], false);
	if (rc)
		return rc;
	if ((rc = session(db, d, "Video library: playlists for intervention", video_tool,
			  today + 16, "16:30", "", "https://meet.example.org/edbridge-video",
			  "Demo Instructional Coach", 0, "2", "", &s4)))
		return rc;
	for (size_t i = 4; i < np && i < 7 && !rc; i++)
		rc = seat(db, d, s4, people[i], i >= 6);
	if (rc)
		return rc;
	printf("trainings: 4 sessions (2 past, 2 upcoming), %zu teachers with sign-ins\n", np);
	return EB_OK;
}
