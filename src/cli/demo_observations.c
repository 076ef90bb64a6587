/* demo_observations.c - see demo_observations.h. */
#include "cli/demo_observations.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "domain/account.h"
#include "domain/observation.h"
#include "domain/roster.h"

#define WEEK 604800

static const struct audit_actor cli = { 0, "cli", "" };

/* Marks of one visit: counts per tally code (observation_codes' keys). */
struct visit {
	int teacher, student, s2s, recall, procedure, reasoning, connect;
	int revoice, press, add_on, wait_time, turn_and_talk;
};

static const struct visit visits[] = {
	{ 18, 4, 2, 6, 3, 1, 0, 1, 1, 0, 2, 0 },
	{ 14, 6, 3, 5, 3, 2, 1, 2, 2, 1, 2, 1 },
	{ 11, 7, 6, 4, 2, 3, 2, 3, 4, 2, 3, 1 },
	{ 9, 8, 8, 3, 2, 4, 2, 4, 5, 3, 3, 2 },
};

static enum eb_err marks(struct db *db, int64_t d, int64_t id, const char *code, int n, int64_t t0,
			 int *k)
{
	static const char *const tables[] = { "Table 1", "Table 2", "Table 3", "Table 4" };
	char why[OBSERVATION_WHY_CAP];
	enum eb_err rc = EB_OK;
	bool student = strcmp(code, "student") == 0 || strcmp(code, "student_student") == 0;
	for (int i = 0; i < n && !rc; i++, (*k)++)
		rc = observation_mark(db, d, id, code, student ? tables[*k % 4] : "",
				      (t0 + 20 * *k) * 1000, why, sizeof why);
	return rc;
}

/* One visit's marks in two segments: the first half of each code, then the
 * second segment 20 minutes in, then the rest; closed at 40 minutes. */
static enum eb_err tally(struct db *db, int64_t d, int64_t id, const struct visit *v, int64_t t0,
			 bool close)
{
	const struct {
		const char *code;
		int n;
	} c[] = {
		{ "teacher", v->teacher },     { "student", v->student },
		{ "student_student", v->s2s }, { "recall", v->recall },
		{ "procedure", v->procedure }, { "reasoning", v->reasoning },
		{ "connect", v->connect },     { "revoice", v->revoice },
		{ "press", v->press },	       { "add_on", v->add_on },
		{ "wait_time", v->wait_time }, { "turn_and_talk", v->turn_and_talk },
	};
	char why[OBSERVATION_WHY_CAP];
	enum eb_err rc = EB_OK;
	int k = 0, seg;
	for (size_t i = 0; i < sizeof c / sizeof c[0] && !rc; i++)
		rc = marks(db, d, id, c[i].code, c[i].n / 2, t0, &k);
	if (!rc)
		rc = observation_segment_start(db, d, id, t0 + 1200, &seg, why, sizeof why);
	k = 60;
	for (size_t i = 0; i < sizeof c / sizeof c[0] && !rc; i++)
		rc = marks(db, d, id, c[i].code, c[i].n - c[i].n / 2, t0, &k);
	if (!rc && close)
		rc = observation_close(db, d, id, t0 + 2400, &cli, why, sizeof why);
	if (rc)
		fprintf(stderr, "demo: observation %lld: %s\n", (long long)id, why);
	return rc;
}

static int64_t login_id(struct db *db, int64_t d, const char *login, struct account *a)
{
	return account_find_login(db, d, login, a) == EB_OK ? a->id : 0;
}

enum eb_err demo_observations(struct db *db, int64_t d, int64_t now)
{
	struct account coach, teacher, principal;
	if (!login_id(db, d, "coach", &coach) || !login_id(db, d, "teacher", &teacher) ||
	    !login_id(db, d, "principal", &principal) || !teacher.person_sid[0])
		return EB_OK;
	struct arena a;
	struct roster_class_row *cls;
	size_t ncls;
	arena_init(&a);
	enum eb_err rc = roster_teacher_classes(db, d, teacher.person_sid, &a, &cls, &ncls);
	if (rc || !ncls) {
		arena_free(&a);
		return rc;
	}
	char tid[24], why[OBSERVATION_WHY_CAP] = "";
	snprintf(tid, sizeof tid, "%lld", (long long)teacher.id);
	struct observation_form f = { .class_sid = cls[0].sourced_id,
				      .teacher = tid,
				      .focus = "Who explains their thinking, and to whom?" };
	/* Tuesdays at 10:00 UTC, a week apart, the last one a week ago */
	int64_t base = now - (int64_t)(sizeof visits / sizeof visits[0] + 1) * WEEK;
	base -= base % 86400;
	base += 10 * 3600;
	static const char *const notes[] = {
		"Mostly teacher explanation. Agreed to try a turn-and-talk before whole-class"
		" sharing.",
		"Turn-and-talk tried twice. Next: ask \"who can add on?\" before evaluating an"
		" answer.",
		"Students at Tables 2 and 3 answered each other. Next: press for reasoning on"
		" wrong answers too.",
		"More than half the talk was students'. Next: plan the reasoning questions with"
		" the unit's anchor task.",
	};
	static const char *const evidence[] = {
		"Students answered the teacher; no one responded to a classmate.",
		"Two pairs compared their ratio tables during the turn-and-talk.",
		"Mia asked Sam why his unit rate worked, and he explained with the table.",
		"Four students built on one another's strategies for the discount problem.",
	};
	int64_t id = 0;
	size_t made = 0;
	for (size_t i = 0; i < sizeof visits / sizeof visits[0] && !rc; i++) {
		int64_t t0 = base + (int64_t)i * WEEK;
		rc = observation_create(db, d, &coach, &f, t0, &cli, &id, why, sizeof why);
		if (!rc)
			rc = tally(db, d, id, &visits[i], t0, true);
		if (!rc)
			rc = observation_rate(db, d, id, "agency_reasoning", i < 2 ? "2" : "3",
					      evidence[i], coach.id, t0 + 2400, why, sizeof why);
		if (!rc)
			rc = observation_rate(db, d, id, "formative_elicit",
					      i < 1   ? "1"
					      : i < 3 ? "2"
						      : "3",
					      "", coach.id, t0 + 2400, why, sizeof why);
		if (!rc)
			rc = observation_set_notes(db, d, id, notes[i], why, sizeof why);
		made += !rc;
	}
	/* the principal's walk-through of the same class: not shared with the coach */
	if (!rc) {
		struct observation_form pf = f;
		pf.focus = "";
		int64_t t0 = base + 2 * WEEK + 2 * 86400;
		rc = observation_create(db, d, &principal, &pf, t0, &cli, &id, why, sizeof why);
		if (!rc)
			rc = tally(db, d, id, &visits[2], t0, true);
		made += !rc;
	}
	/* one open today: the tally page has something to show */
	if (!rc) {
		const struct visit today = { 3, 2, 2, 1, 0, 1, 0, 1, 1, 0, 1, 0 };
		rc = observation_create(db, d, &coach, &f, now - 900, &cli, &id, why, sizeof why);
		if (!rc)
			rc = tally(db, d, id, &today, now - 900, false);
		made += !rc;
	}
	if (rc)
		fprintf(stderr, "demo: observations: %s\n", why);
	else
		printf("observations: %zu of %s's class %s (a shift in student talk)\n", made,
		       teacher.display_name, cls[0].title);
	arena_free(&a);
	return rc;
}
