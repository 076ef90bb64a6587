/* observation.c - see observation.h. */
#include "domain/observation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/access.h"
#include "domain/account.h"
#include "domain/coaching.h"
#include "domain/roster.h"
#include "store/db.h"

/* ---- the protocol (our own wording) -------------------------------------- */

const struct observation_dimension observation_dimensions[] = {
	{ "mathematics", "The mathematics",
	  "The lesson is about the mathematics of the grade, and the ideas hang together." },
	{ "demand", "Cognitive demand",
	  "Students do the thinking: they make sense of problems rather than copy steps." },
	{ "access", "Equitable access",
	  "Every student has a way into the work and a real part in the discussion." },
	{ "agency", "Agency and identity",
	  "Students' ideas drive the lesson, and they see themselves as people who do "
	  "mathematics." },
	{ "formative", "Formative assessment",
	  "The teacher draws out what students think and changes course on what is heard." },
};
const size_t observation_dimensions_count =
	sizeof observation_dimensions / sizeof observation_dimensions[0];

const struct observation_indicator observation_indicators[] = {
	{ "math_focus",
	  "mathematics",
	  "Focus",
	  "Grade-level focus",
	  "The task and the talk aim at the grade's standards, not at side topics.",
	  { "The lesson is mostly about something other than the grade's standards.",
	    "The standard is named, but much of the time goes to other things.",
	    "Most of the lesson works on the standard at the grade's level.",
	    "The whole lesson works on the standard, and students can say what they learned." } },
	{ "math_coherence",
	  "mathematics",
	  "Coherence",
	  "Building on what came before",
	  "The lesson links to what students already know and to where the ideas go next.",
	  { "No link to earlier work or to what comes next.",
	    "The teacher mentions earlier work, but it does not help today's task.",
	    "Earlier ideas are used on purpose to start today's work.",
	    "Students themselves connect today's idea to earlier ones and to other "
	    "representations." } },
	{ "demand_rigour",
	  "demand",
	  "Rigour",
	  "Understanding, fluency and use in balance",
	  "Students work on meaning, on skill and on applying it, as the standard asks.",
	  { "Only answers or steps are asked for.",
	    "Some meaning is discussed, but the teacher does the explaining.",
	    "Students explain why a method works as well as using it.",
	    "Students move between meaning, skill and new situations on their own." } },
	{ "demand_struggle",
	  "demand",
	  "Rigour",
	  "Room to struggle productively",
	  "Students get time to wrestle with a problem before a method is shown.",
	  { "The teacher shows the method before students try.",
	    "Students try briefly, then the teacher takes over.",
	    "Students work through difficulty with hints that keep the thinking theirs.",
	    "Students persist, try several ways and compare them." } },
	{ "access_entry",
	  "access",
	  "",
	  "Ways in for every student",
	  "The task can be started in more than one way (drawings, objects, words, numbers).",
	  { "One way in; many students cannot start.",
	    "Some supports exist, but only a few students use them.",
	    "Most students start the task, using different ways in.",
	    "Every student starts, and the different ways in are shared and compared." } },
	{ "access_voice",
	  "access",
	  "Student talk",
	  "Who gets heard",
	  "Talk is spread across the room, not held by a few students.",
	  { "A few students do all the talking.",
	    "More students speak, but mostly the same ones answer.",
	    "Most students speak at some point, in pairs or to the class.",
	    "Every student's thinking is heard, including those who are often quiet." } },
	{ "agency_reasoning",
	  "agency",
	  "Student talk",
	  "Students explain and critique",
	  "Students explain their reasoning and respond to each other's ideas.",
	  { "Students give answers only.", "Students explain when asked, to the teacher only.",
	    "Students explain and sometimes question each other's reasoning.",
	    "Students build on, question and improve each other's ideas without prompting." } },
	{ "agency_identity",
	  "agency",
	  "",
	  "Doers of mathematics",
	  "Students are treated as capable thinkers, and their ideas are credited to them.",
	  { "Students' ideas are not visible in the lesson.",
	    "Students' ideas are heard but not built on.",
	    "Students' ideas are named and used to move the lesson along.",
	    "Students choose approaches and defend them as their own." } },
	{ "formative_elicit",
	  "formative",
	  "Student talk",
	  "Drawing out thinking",
	  "Questions and tasks show what students think, not only whether they are right.",
	  { "Questions check for right answers only.", "Some questions ask how, few ask why.",
	    "Many questions ask students to explain or show their thinking.",
	    "Questions and tasks make every student's thinking visible to the teacher." } },
	{ "formative_respond",
	  "formative",
	  "Focus",
	  "Acting on what is heard",
	  "The teacher changes course, groups or questions on what students say and do.",
	  { "The plan goes on whatever students say.",
	    "Mistakes are corrected, but the lesson does not change.",
	    "The teacher adjusts questions or examples to what students show.",
	    "Students' errors and ideas become the material of the lesson." } },
};
const size_t observation_indicators_count =
	sizeof observation_indicators / sizeof observation_indicators[0];

const struct observation_indicator *observation_indicator_find(const char *key)
{
	for (size_t i = 0; key && i < observation_indicators_count; i++)
		if (strcmp(observation_indicators[i].key, key) == 0)
			return &observation_indicators[i];
	return NULL;
}

const char *observation_level_name(int level)
{
	static const char *const names[] = { "Not yet", "Beginning", "Developing", "Strong" };
	return level >= 1 && level <= OBSERVATION_LEVELS ? names[level - 1] : "";
}

const struct observation_code observation_codes[] = {
	{ OBSERVATION_TALK, "teacher", "Teacher talks",
	  "The teacher speaks to the class or a student." },
	{ OBSERVATION_TALK, "student", "Student to teacher", "A student speaks to the teacher." },
	{ OBSERVATION_TALK, "student_student", "Student to student",
	  "A student answers or builds on another student." },
	{ OBSERVATION_MOVE, "revoice", "Revoicing",
	  "The teacher says a student's idea back, to check it or to spread it." },
	{ OBSERVATION_MOVE, "press", "Pressing for reasoning",
	  "\"Why?\", \"How do you know?\", \"Will it always work?\"" },
	{ OBSERVATION_MOVE, "add_on", "Inviting others in",
	  "\"Who can add on?\", \"Do you agree or disagree, and why?\"" },
	{ OBSERVATION_MOVE, "wait_time", "Wait time",
	  "The teacher waits after a question before taking an answer." },
	{ OBSERVATION_MOVE, "turn_and_talk", "Turn and talk",
	  "Students talk in pairs or groups before sharing." },
	{ OBSERVATION_QUESTION, "recall", "Recall", "Asks for a fact or an answer." },
	{ OBSERVATION_QUESTION, "procedure", "Procedure", "Asks how to do a step." },
	{ OBSERVATION_QUESTION, "reasoning", "Reasoning", "Asks why, to explain or to justify." },
	{ OBSERVATION_QUESTION, "connect", "Connecting",
	  "Asks to link ideas, methods or representations." },
};
const size_t observation_codes_count = sizeof observation_codes / sizeof observation_codes[0];
_Static_assert(sizeof observation_codes / sizeof observation_codes[0] <= OBSERVATION_CODES_MAX,
	       "observation_tally.count holds every code");

const struct observation_code *observation_code_find(const char *key)
{
	for (size_t i = 0; key && i < observation_codes_count; i++)
		if (strcmp(observation_codes[i].key, key) == 0)
			return &observation_codes[i];
	return NULL;
}

const char *observation_kind_name(enum observation_kind k)
{
	switch (k) {
	case OBSERVATION_TALK:
		return "talk";
	case OBSERVATION_MOVE:
		return "move";
	case OBSERVATION_QUESTION:
		return "question";
	}
	return "";
}

const struct observation_measure observation_measures[] = {
	{ "student_talk_share", "Share of talk by students", true },
	{ "student_to_student_share", "Share of talk from student to student", true },
	{ "reasoning_question_share", "Share of questions asking for reasoning", true },
	{ "talk_moves_per_10min", "Talk moves per 10 minutes", false },
};
const size_t observation_measures_count =
	sizeof observation_measures / sizeof observation_measures[0];

const struct observation_measure *observation_measure_find(const char *key)
{
	for (size_t i = 0; key && i < observation_measures_count; i++)
		if (strcmp(observation_measures[i].key, key) == 0)
			return &observation_measures[i];
	return NULL;
}

/* ---- observations ----------------------------------------------------------- */

bool observation_can_observe(const struct account *a)
{
	return access_has(a, ROLE_COACH) || access_has(a, ROLE_PRINCIPAL) ||
	       access_has(a, ROLE_COORDINATOR) || access_has(a, ROLE_DISTRICT_ADMIN);
}

/* True when account t teaches the class: a class-scoped teacher role, or
 * the roster's enrollment of its person. */
static bool teaches(struct db *db, const struct account *t, const char *class_sid)
{
	for (int i = 0; i < t->nroles; i++)
		if (t->roles[i].role == ROLE_TEACHER &&
		    strcmp(t->roles[i].scope_type, "class") == 0 &&
		    strcmp(t->roles[i].scope_id, class_sid) == 0)
			return true;
	return access_has(t, ROLE_TEACHER) && t->person_sid[0] &&
	       roster_teaches_class(db, t->district_id, t->person_sid, class_sid);
}

/* True when teacher_id is one of the cycle's teachers. */
static bool cycle_has_teacher(struct db *db, int64_t district_id, int64_t cycle_id,
			      int64_t teacher_id)
{
	struct arena a;
	struct coaching_cycle c;
	bool in = false;
	arena_init(&a);
	if (coaching_cycle_get(db, district_id, cycle_id, &a, &c) == EB_OK)
		for (size_t i = 0; i < c.nteachers; i++)
			in |= c.teachers[i] == teacher_id;
	arena_free(&a);
	return in;
}

static bool text_ok(const char *s, size_t max, bool allow_nl)
{
	size_t n = strlen(s);
	if (n > max || !str_utf8_valid(str_from(s), NULL))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < ' ' && !(allow_nl && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f)
			return false;
	}
	return true;
}

static void id_text(int64_t id, char out[24])
{
	snprintf(out, 24, "%lld", (long long)id);
}

enum eb_err observation_create(struct db *db, int64_t district_id, const struct account *observer,
			       const struct observation_form *in, int64_t now,
			       const struct audit_actor *who, int64_t *id, char *why, size_t cap)
{
	int64_t teacher_id, cycle_id = 0, initiative_id = 0, x;
	const char *focus = in->focus ? in->focus : "";
	struct account t;

	if (!observation_can_observe(observer))
		return eb_say(why, cap, EB_EPERM,
			      "Only coaches, principals and coordinators start observations.");
	if (!in->class_sid || !*in->class_sid || access_class(db, observer, in->class_sid))
		return eb_say(why, cap, EB_EINVAL, "class: choose a class you may see");
	if (!in->teacher || cstr_to_i64(in->teacher, 1, INT64_MAX, &teacher_id) ||
	    account_get(db, district_id, teacher_id, &t) || t.disabled ||
	    !teaches(db, &t, in->class_sid))
		return eb_say(why, cap, EB_EINVAL, "teacher: choose a teacher of this class");
	if (in->cycle && *in->cycle) {
		if (cstr_to_i64(in->cycle, 1, INT64_MAX, &cycle_id) ||
		    !coaching_cycle_exists(db, district_id, cycle_id))
			return eb_say(why, cap, EB_EINVAL,
				      "cycle: not a coaching cycle of the district");
		if (!cycle_has_teacher(db, district_id, cycle_id, teacher_id))
			return eb_say(why, cap, EB_EINVAL,
				      "cycle: the teacher observed is not in this coaching cycle");
	}
	if (in->initiative && *in->initiative) {
		if (cstr_to_i64(in->initiative, 1, INT64_MAX, &initiative_id) ||
		    db_get_int(db, "SELECT id FROM initiative WHERE district_id=?1 AND id=?2",
			       DB_ARGS(DB_INT(district_id), DB_INT(initiative_id)), &x))
			return eb_say(why, cap, EB_EINVAL,
				      "initiative: not an initiative of the district");
	}
	if (!text_ok(focus, OBSERVATION_FOCUS_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "focus: at most %d characters of text",
			      OBSERVATION_FOCUS_MAX);

	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_execute(db,
			"INSERT INTO observation (district_id, observer_id, teacher_id, class_sid,"
			" started_at, cycle_id, initiative_id, focus, created_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
			DB_ARGS(DB_INT(district_id), DB_INT(observer->id), DB_INT(teacher_id),
				DB_TEXT(in->class_sid), DB_INT(now), DB_INT_IF(cycle_id, cycle_id),
				DB_INT_IF(initiative_id, initiative_id), DB_TEXT(focus),
				DB_INT(time_now())),
			NULL);
	if (!rc) {
		*id = db_last_id(db);
		rc = db_execute(db,
				"INSERT INTO observation_segment (district_id, observation_id, n,"
				" started_at) VALUES (?1, ?2, 1, ?3)",
				DB_ARGS(DB_INT(district_id), DB_INT(*id), DB_INT(now)), NULL);
	}
	if (!rc) {
		char sid[24], detail[200];
		id_text(*id, sid);
		snprintf(detail, sizeof detail, "class %s, teacher account %lld", in->class_sid,
			 (long long)teacher_id);
		rc = audit_record(db, district_id, who, "create", "observation", sid, detail);
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

#define OBS_COLS                                                                                   \
	"o.id, o.district_id, o.observer_id, o.teacher_id, o.started_at, o.created_at,"            \
	" coalesce(o.closed_at, 0), coalesce(o.cycle_id, 0), coalesce(o.initiative_id, 0),"        \
	" (SELECT count(*) FROM observation_segment s WHERE s.district_id=o.district_id AND "      \
	"s.observation_id=o.id),"                                                                  \
	" (SELECT count(*) FROM observation_mark m WHERE m.district_id=o.district_id AND "         \
	"m.observation_id=o.id),"                                                                  \
	" o.class_sid, coalesce(c.title, o.class_sid), coalesce(c.school_sourced_id, ''),"         \
	" coalesce((SELECT display_name FROM account WHERE district_id=o.district_id AND "         \
	"id=o.observer_id), ''),"                                                                  \
	" coalesce((SELECT display_name FROM account WHERE district_id=o.district_id AND "         \
	"id=o.teacher_id), ''),"                                                                   \
	" coalesce((SELECT title FROM initiative i WHERE i.id=o.initiative_id"                     \
	" AND i.district_id=o.district_id), ''), o.focus, o.notes"

DB_ROWSPEC(obs_spec, struct observation, NULL, DB_FIELD_INT(struct observation, id),
	   DB_FIELD_INT(struct observation, district_id),
	   DB_FIELD_INT(struct observation, observer_id),
	   DB_FIELD_INT(struct observation, teacher_id),
	   DB_FIELD_INT(struct observation, started_at),
	   DB_FIELD_INT(struct observation, created_at),
	   DB_FIELD_INT(struct observation, closed_at), DB_FIELD_INT(struct observation, cycle_id),
	   DB_FIELD_INT(struct observation, initiative_id),
	   DB_FIELD_INT(struct observation, segments), DB_FIELD_INT(struct observation, marks),
	   DB_FIELD_CHARS(struct observation, class_sid),
	   DB_FIELD_CHARS(struct observation, class_title),
	   DB_FIELD_CHARS(struct observation, school_sid),
	   DB_FIELD_CHARS(struct observation, observer_name),
	   DB_FIELD_CHARS(struct observation, teacher_name),
	   DB_FIELD_CHARS(struct observation, initiative_name),
	   DB_FIELD_CHARS(struct observation, focus), DB_FIELD_CHARS(struct observation, notes));

enum eb_err observation_get(struct db *db, int64_t district_id, int64_t id, struct observation *out)
{
	return db_get_row(db,
			  "SELECT " OBS_COLS " FROM observation o LEFT JOIN class c"
			  " ON c.district_id=o.district_id AND c.sourced_id=o.class_sid"
			  " WHERE o.district_id=?1 AND o.id=?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(id)), &obs_spec, NULL, out);
}

static bool is_staff(const struct account *a)
{
	return a->role_mask &
	       ~((1u << ROLE_GUARDIAN) | (1u << ROLE_STUDENT) | (1u << ROLE_VENDOR_CONTACT) |
		 (1u << ROLE_IT_STAFF) | (1u << ROLE_TECH_CHAMPION));
}

static bool shared_with(struct db *db, int64_t district_id, int64_t id, int64_t account_id)
{
	int64_t x;
	return db_get_int(db,
			  "SELECT 1 FROM observation_share WHERE district_id=?1 AND"
			  " observation_id=?2 AND account_id=?3",
			  DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(account_id)),
			  &x) == EB_OK;
}

enum observation_view observation_visibility(struct db *db, const struct account *viewer,
					     const struct observation *o)
{
	if (viewer->district_id != o->district_id)
		return OBSERVATION_HIDDEN;
	if (viewer->id == o->observer_id || viewer->id == o->teacher_id ||
	    shared_with(db, o->district_id, o->id, viewer->id))
		return is_staff(viewer) || viewer->id == o->teacher_id ? OBSERVATION_FULL
								       : OBSERVATION_HIDDEN;
	if (is_staff(viewer) && access_class(db, viewer, o->class_sid) == EB_OK)
		return OBSERVATION_EXISTS;
	return OBSERVATION_HIDDEN;
}

struct list_row {
	struct observation_row r;
	int full;
};

DB_ROWSPEC(list_spec, struct list_row, NULL, DB_FIELD_INT(struct list_row, r.id),
	   DB_FIELD_INT(struct list_row, r.started_at), DB_FIELD_INT(struct list_row, r.closed_at),
	   DB_FIELD_INT(struct list_row, r.teacher_id),
	   DB_FIELD_INT(struct list_row, r.observer_id), DB_FIELD_INT(struct list_row, r.cycle_id),
	   DB_FIELD_INT(struct list_row, r.marks), DB_FIELD_STR(struct list_row, r.class_sid),
	   DB_FIELD_STR(struct list_row, r.class_title),
	   DB_FIELD_STR(struct list_row, r.teacher_name),
	   DB_FIELD_STR(struct list_row, r.observer_name), DB_FIELD_INT(struct list_row, full));

static int newest_first(const void *x, const void *y)
{
	const struct observation_row *a = x, *b = y;
	if (a->started_at != b->started_at)
		return a->started_at < b->started_at ? 1 : -1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

enum eb_err observation_list(struct db *db, int64_t district_id, const struct account *viewer,
			     struct arena *a, struct observation_row **rows, size_t *n)
{
	struct list_row *lr;
	size_t ln, k = 0;
	*rows = NULL;
	*n = 0;
	if (!is_staff(viewer))
		return EB_OK;
	/* own and shared first (the SQL marks them, and reads them first, so
	 * that a busy district's newer visits never push them out), then the
	 * rest of the district, kept when the viewer may see the class; the
	 * result newest first */
	enum eb_err rc = db_get_rows(
		db,
		"SELECT o.id, o.started_at, coalesce(o.closed_at, 0), o.teacher_id, o.observer_id,"
		" coalesce(o.cycle_id, 0),"
		" (SELECT count(*) FROM observation_mark m WHERE m.district_id=o.district_id AND "
		"m.observation_id=o.id),"
		" o.class_sid, coalesce(c.title, o.class_sid),"
		" coalesce((SELECT display_name FROM account WHERE district_id=o.district_id AND "
		"id=o.teacher_id), ''),"
		" coalesce((SELECT display_name FROM account WHERE district_id=o.district_id AND "
		"id=o.observer_id), ''),"
		" (o.observer_id=?2 OR o.teacher_id=?2 OR EXISTS (SELECT 1 FROM observation_share s"
		" WHERE s.district_id=o.district_id AND s.observation_id=o.id AND s.account_id=?2))"
		" FROM observation o LEFT JOIN class c ON c.district_id=o.district_id"
		" AND c.sourced_id=o.class_sid WHERE o.district_id=?1"
		" ORDER BY 12 DESC, o.started_at DESC, o.id DESC LIMIT 2000",
		DB_ARGS(DB_INT(district_id), DB_INT(viewer->id)), &list_spec, a, &lr, &ln);
	if (rc)
		return rc;
	struct observation_row *out = arena_alloc(a, (ln ? ln : 1) * sizeof *out);
	if (!out)
		return EB_ENOMEM;
	for (size_t i = 0; i < ln && k < 500; i++) {
		if (lr[i].full)
			lr[i].r.view = OBSERVATION_FULL;
		else if (access_class(db, viewer, lr[i].r.class_sid) == EB_OK)
			lr[i].r.view = OBSERVATION_EXISTS;
		else
			continue;
		out[k++] = lr[i].r;
	}
	qsort(out, k, sizeof *out, newest_first);
	*rows = out;
	*n = k;
	return EB_OK;
}

/* ---- the tally ---------------------------------------------------------------- */

/* Why a write on observation id found nothing to change: it does not exist
 * (EB_ENOTFOUND) or it is closed (EB_ECONFLICT, with the sentence). */
static enum eb_err not_open(struct db *db, int64_t district_id, int64_t id, char *why, size_t cap)
{
	int64_t closed;
	if (db_get_int(
		    db,
		    "SELECT coalesce(closed_at, 0) FROM observation WHERE district_id=?1 AND id=?2",
		    DB_ARGS(DB_INT(district_id), DB_INT(id)), &closed))
		return eb_say(why, cap, EB_ENOTFOUND, "No such observation.");
	if (closed) {
		char at[32];
		time_format_iso(closed, at);
		return eb_say(why, cap, EB_ECONFLICT,
			      "This observation was closed at %s; marks can no longer be added.",
			      at);
	}
	return eb_say(why, cap, EB_ECONFLICT, "The observation could not be changed.");
}

enum eb_err observation_mark(struct db *db, int64_t district_id, int64_t id, const char *code,
			     const char *who_label, int64_t now_ms, char *why, size_t cap)
{
	const struct observation_code *c = observation_code_find(code);
	char who[OBSERVATION_WHO_MAX + 2];
	int changes = 0;
	if (!c)
		return eb_say(why, cap, EB_EINVAL, "code: not a button of the tally");
	struct str w = str_trim(str_from(who_label ? who_label : ""));
	if (w.n > OBSERVATION_WHO_MAX)
		return eb_say(why, cap, EB_EINVAL, "who: a group or seat of at most %d characters",
			      OBSERVATION_WHO_MAX);
	memcpy(who, w.p, w.n);
	who[w.n] = 0;
	if (!text_ok(who, OBSERVATION_WHO_MAX, false))
		return eb_say(why, cap, EB_EINVAL, "who: a group or seat in plain text");
	if (c->kind != OBSERVATION_TALK)
		who[0] = 0;
	/* one statement: stored only while the observation is open */
	enum eb_err rc = db_execute(
		db,
		"INSERT INTO observation_mark (district_id, observation_id, segment, kind, code, "
		"who,"
		" at) SELECT o.district_id, o.id, (SELECT max(n) FROM observation_segment s"
		" WHERE s.district_id=o.district_id AND s.observation_id=o.id), ?3, ?4, ?5, ?6 "
		"FROM observation o"
		" WHERE o.district_id=?1 AND o.id=?2 AND o.closed_at IS NULL",
		DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(observation_kind_name(c->kind)),
			DB_TEXT(c->key), DB_TEXT(who), DB_INT(now_ms)),
		&changes);
	if (rc)
		return rc;
	return changes ? EB_OK : not_open(db, district_id, id, why, cap);
}

enum eb_err observation_undo(struct db *db, int64_t district_id, int64_t id, char *why, size_t cap)
{
	int changes = 0;
	int64_t x;
	enum eb_err rc = db_execute(
		db,
		"DELETE FROM observation_mark WHERE district_id=?1 AND id=(SELECT max(m.id) FROM"
		" observation_mark m WHERE m.district_id=?1 AND m.observation_id=?2) AND EXISTS "
		"(SELECT 1 FROM observation o WHERE"
		" o.district_id=?1 AND o.id=?2 AND o.closed_at IS NULL)",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &changes);
	if (rc || changes)
		return rc;
	rc = not_open(db, district_id, id, why, cap);
	if (rc == EB_ECONFLICT && db_get_int(db,
					     "SELECT 1 FROM observation WHERE district_id=?1 AND "
					     "id=?2 AND closed_at IS NULL",
					     DB_ARGS(DB_INT(district_id), DB_INT(id)), &x) == EB_OK)
		return eb_say(why, cap, EB_ENOTFOUND, "There is no mark to take back.");
	return rc;
}

enum eb_err observation_segment_start(struct db *db, int64_t district_id, int64_t id, int64_t now,
				      int *segment, char *why, size_t cap)
{
	int64_t last;
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_get_int(db,
			"SELECT (SELECT coalesce(max(n), 0) FROM observation_segment s WHERE"
			" s.district_id=o.district_id AND s.observation_id=o.id) FROM observation "
			"o WHERE o.district_id=?1 AND"
			" o.id=?2 AND o.closed_at IS NULL",
			DB_ARGS(DB_INT(district_id), DB_INT(id)), &last);
	if (rc == EB_ENOTFOUND) {
		db_rollback(db);
		return not_open(db, district_id, id, why, cap);
	}
	if (!rc && last >= OBSERVATION_SEGMENTS_MAX) {
		db_rollback(db);
		return eb_say(why, cap, EB_ETOOBIG, "An observation has at most %d segments.",
			      OBSERVATION_SEGMENTS_MAX);
	}
	if (!rc)
		rc = db_execute(
			db,
			"INSERT INTO observation_segment (district_id, observation_id, n,"
			" started_at) VALUES (?1, ?2, ?3, ?4)",
			DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(last + 1), DB_INT(now)),
			NULL);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	*segment = (int)last + 1;
	return db_commit(db);
}

enum eb_err observation_close(struct db *db, int64_t district_id, int64_t id, int64_t now,
			      const struct audit_actor *who, char *why, size_t cap)
{
	int changes = 0;
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_execute(db,
			"UPDATE observation SET closed_at=?3 WHERE district_id=?1 AND id=?2 AND"
			" closed_at IS NULL",
			DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(now)), &changes);
	if (!rc && !changes) {
		db_rollback(db);
		rc = not_open(db, district_id, id, why, cap);
		if (rc == EB_ECONFLICT)
			eb_say(why, cap, EB_ECONFLICT, "This observation is already closed.");
		return rc;
	}
	if (!rc) {
		char sid[24];
		id_text(id, sid);
		rc = audit_record(db, district_id, who, "update", "observation", sid, "closed");
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* ---- ratings, evidence, notes, sharing ---------------------------------------- */

enum eb_err observation_rate(struct db *db, int64_t district_id, int64_t id, const char *indicator,
			     const char *level, const char *note, int64_t author, int64_t now,
			     char *why, size_t cap)
{
	const struct observation_indicator *ind = observation_indicator_find(indicator);
	int64_t lv = 0, x;
	struct str nt = str_trim(str_from(note ? note : ""));
	if (!ind)
		return eb_say(why, cap, EB_EINVAL, "indicator: not an indicator of the protocol");
	if (level && *level && cstr_to_i64(level, 1, OBSERVATION_LEVELS, &lv))
		return eb_say(why, cap, EB_EINVAL, "level: a rating from 1 to %d",
			      OBSERVATION_LEVELS);
	if (nt.n > OBSERVATION_EVIDENCE_MAX)
		return eb_say(why, cap, EB_EINVAL, "note: at most %d characters of evidence",
			      OBSERVATION_EVIDENCE_MAX);
	char buf[OBSERVATION_EVIDENCE_MAX + 1];
	memcpy(buf, nt.p, nt.n);
	buf[nt.n] = 0;
	if (!text_ok(buf, OBSERVATION_EVIDENCE_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "note: plain text only");
	if (!lv && !nt.n)
		return eb_say(why, cap, EB_EINVAL,
			      "level: give a rating, an evidence note or both");
	enum eb_err rc = db_begin(db);
	if (rc)
		return rc;
	rc = db_get_int(db, "SELECT id FROM observation WHERE district_id=?1 AND id=?2",
			DB_ARGS(DB_INT(district_id), DB_INT(id)), &x);
	if (!rc && lv)
		rc = db_execute(db,
				"INSERT INTO observation_rating (district_id, observation_id,"
				" indicator, level, rated_at) VALUES (?1, ?2, ?3, ?4, ?5)"
				" ON CONFLICT (district_id, observation_id, indicator)"
				" DO UPDATE SET"
				" level=excluded.level, rated_at=excluded.rated_at",
				DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(ind->key),
					DB_INT(lv), DB_INT(now)),
				NULL);
	if (!rc && nt.n)
		rc = db_execute(db,
				"INSERT INTO observation_evidence (district_id, observation_id,"
				" indicator, note, created_by, created_at) VALUES (?1, ?2, ?3, ?4,"
				" ?5, ?6)",
				DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(ind->key),
					DB_TEXT(buf), DB_INT(author), DB_INT(now)),
				NULL);
	if (rc) {
		db_rollback(db);
		return rc == EB_ENOTFOUND ? eb_say(why, cap, rc, "No such observation.") : rc;
	}
	return db_commit(db);
}

enum eb_err observation_set_notes(struct db *db, int64_t district_id, int64_t id, const char *notes,
				  char *why, size_t cap)
{
	int changes = 0;
	if (!notes || !text_ok(notes, OBSERVATION_NOTES_MAX, true))
		return eb_say(why, cap, EB_EINVAL, "notes: at most %d characters of text",
			      OBSERVATION_NOTES_MAX);
	enum eb_err rc =
		db_execute(db, "UPDATE observation SET notes=?3 WHERE district_id=?1 AND id=?2",
			   DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(notes)), &changes);
	if (!rc && !changes)
		return eb_say(why, cap, EB_ENOTFOUND, "No such observation.");
	return rc;
}

DB_ROWSPEC(rating_spec, struct observation_rating, NULL,
	   DB_FIELD_STR(struct observation_rating, indicator),
	   DB_FIELD_INT(struct observation_rating, level));
DB_ROWSPEC(evidence_spec, struct observation_evidence, NULL,
	   DB_FIELD_INT(struct observation_evidence, id),
	   DB_FIELD_INT(struct observation_evidence, created_at),
	   DB_FIELD_INT(struct observation_evidence, created_by),
	   DB_FIELD_STR(struct observation_evidence, indicator),
	   DB_FIELD_STR(struct observation_evidence, note),
	   DB_FIELD_STR(struct observation_evidence, author));

static size_t indicator_index(const char *key)
{
	const struct observation_indicator *ind = observation_indicator_find(key);
	return ind ? (size_t)(ind - observation_indicators) : observation_indicators_count;
}

enum eb_err observation_ratings(struct db *db, int64_t district_id, int64_t id, struct arena *a,
				struct observation_rating **r, size_t *nr,
				struct observation_evidence **e, size_t *ne)
{
	struct observation_rating *rr;
	struct observation_evidence *ee;
	size_t n1, n2, k;
	enum eb_err rc = db_get_rows(db,
				     "SELECT indicator, level FROM observation_rating WHERE"
				     " district_id=?1 AND observation_id=?2",
				     DB_ARGS(DB_INT(district_id), DB_INT(id)), &rating_spec, a, &rr,
				     &n1);
	if (!rc)
		rc = db_get_rows(
			db,
			"SELECT e.id, e.created_at, e.created_by, e.indicator, e.note,"
			" coalesce(a.display_name, '') FROM observation_evidence e LEFT JOIN"
			" account a ON a.district_id=e.district_id AND a.id=e.created_by WHERE "
			"e.district_id=?1 AND"
			" e.observation_id=?2 ORDER BY e.id",
			DB_ARGS(DB_INT(district_id), DB_INT(id)), &evidence_spec, a, &ee, &n2);
	if (rc)
		return rc;
	/* protocol order (stable within an indicator: oldest first) */
	struct observation_rating *ro = arena_alloc(a, (n1 ? n1 : 1) * sizeof *ro);
	struct observation_evidence *eo = arena_alloc(a, (n2 ? n2 : 1) * sizeof *eo);
	if (!ro || !eo)
		return EB_ENOMEM;
	k = 0;
	for (size_t i = 0; i <= observation_indicators_count; i++)
		for (size_t j = 0; j < n1; j++)
			if (indicator_index(rr[j].indicator) == i)
				ro[k++] = rr[j];
	*r = ro;
	*nr = k;
	k = 0;
	for (size_t i = 0; i <= observation_indicators_count; i++)
		for (size_t j = 0; j < n2; j++)
			if (indicator_index(ee[j].indicator) == i)
				eo[k++] = ee[j];
	*e = eo;
	*ne = k;
	return EB_OK;
}

enum eb_err observation_share(struct db *db, int64_t district_id, int64_t id,
			      const struct account *teacher, int64_t account_id, bool share,
			      const struct audit_actor *who, char *why, size_t cap)
{
	struct observation o;
	struct account other;
	enum eb_err rc = observation_get(db, district_id, id, &o);
	if (rc)
		return rc == EB_ENOTFOUND ? eb_say(why, cap, rc, "No such observation.") : rc;
	if (teacher->id != o.teacher_id)
		return eb_say(why, cap, EB_EPERM,
			      "Only the observed teacher shares an observation.");
	if (share) {
		if (account_id == teacher->id || account_id == o.observer_id)
			return eb_say(why, cap, EB_EINVAL,
				      "account: the teacher and the observer see it already");
		if (account_get(db, district_id, account_id, &other) || other.disabled ||
		    !is_staff(&other))
			return eb_say(why, cap, EB_EINVAL, "account: choose a member of the staff");
	}
	rc = db_begin(db);
	if (rc)
		return rc;
	int changes = 0;
	if (share)
		rc = db_execute(
			db,
			"INSERT OR IGNORE INTO observation_share (district_id, observation_id,"
			" account_id, shared_by, shared_at) VALUES (?1, ?2, ?3, ?4, ?5)",
			DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(account_id),
				DB_INT(teacher->id), DB_INT(time_now())),
			&changes);
	else
		rc = db_execute(db,
				"DELETE FROM observation_share WHERE district_id=?1 AND"
				" observation_id=?2 AND account_id=?3",
				DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(account_id)),
				&changes);
	if (!rc && changes) {
		char sid[24], detail[80];
		id_text(id, sid);
		snprintf(detail, sizeof detail, "%s account %lld",
			 share ? "shared with" : "unshared from", (long long)account_id);
		rc = audit_record(db, district_id, who, share ? "share" : "unshare", "observation",
				  sid, detail);
	}
	if (rc) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

DB_ROWSPEC(person_spec, struct observation_person, NULL,
	   DB_FIELD_INT(struct observation_person, id),
	   DB_FIELD_STR(struct observation_person, name));

enum eb_err observation_shared_with(struct db *db, int64_t district_id, int64_t id, struct arena *a,
				    struct observation_person **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT a.id, a.display_name FROM observation_share s JOIN account a"
			   " ON a.district_id=s.district_id AND a.id=s.account_id"
			   " WHERE s.district_id=?1 AND s.observation_id=?2"
			   " ORDER BY a.display_name, a.id",
			   DB_ARGS(DB_INT(district_id), DB_INT(id)), &person_spec, a, rows, n);
}

enum eb_err observation_staff(struct db *db, int64_t district_id, struct arena *a,
			      struct observation_person **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT a.id, a.display_name FROM account a WHERE a.district_id=?1 AND"
			   " a.disabled=0 AND EXISTS (SELECT 1 FROM account_role r WHERE"
			   " r.district_id=a.district_id AND r.account_id=a.id AND r.role IN"
			   " ('coach', 'principal', 'coordinator', 'teacher'))"
			   " ORDER BY a.display_name, a.id LIMIT 500",
			   DB_ARGS(DB_INT(district_id)), &person_spec, a, rows, n);
}

enum eb_err observation_class_teachers(struct db *db, int64_t district_id, const char *class_sid,
				       struct arena *a, struct observation_person **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT a.id, a.display_name FROM account a WHERE a.district_id=?1 AND a.disabled=0"
		" AND EXISTS (SELECT 1 FROM account_role r WHERE r.district_id=?1 AND"
		" r.district_id=a.district_id AND r.account_id=a.id AND r.role='teacher' AND "
		"(r.scope_type<>'class' OR"
		" r.scope_id=?2)) AND (EXISTS (SELECT 1 FROM account_role r WHERE"
		" r.district_id=?1 AND r.district_id=a.district_id AND r.account_id=a.id AND "
		"r.role='teacher' AND"
		" r.scope_type='class' AND r.scope_id=?2) OR EXISTS (SELECT 1 FROM enrollment e"
		" WHERE e.district_id=?1 AND e.class_sourced_id=?2 AND e.role='teacher' AND"
		" e.status='active' AND e.user_sourced_id=a.person_sourced_id))"
		" ORDER BY a.display_name, a.id LIMIT 50",
		DB_ARGS(DB_INT(district_id), DB_TEXT(class_sid)), &person_spec, a, rows, n);
}

/* ---- the summary ---------------------------------------------------------------- */

static void tally_add(struct observation_tally *t, size_t code)
{
	t->count[code]++;
	switch (observation_codes[code].kind) {
	case OBSERVATION_TALK:
		t->talk++;
		break;
	case OBSERVATION_MOVE:
		t->moves++;
		break;
	case OBSERVATION_QUESTION:
		t->questions++;
		break;
	}
}

static int count_of(const struct observation_tally *t, const char *key)
{
	const struct observation_code *c = observation_code_find(key);
	return c ? t->count[c - observation_codes] : 0;
}

static void tally_finish(struct observation_tally *t)
{
	int student = count_of(t, "student"), s2s = count_of(t, "student_student");
	int reasoning = count_of(t, "reasoning") + count_of(t, "connect");
	t->student_talk_share = t->talk ? (double)(student + s2s) / t->talk : NAN;
	t->student_to_student_share = t->talk ? (double)s2s / t->talk : NAN;
	t->reasoning_question_share = t->questions ? (double)reasoning / t->questions : NAN;
	t->moves_per_10min = t->seconds > 0 ? t->moves * 600.0 / (double)t->seconds : NAN;
}

enum eb_err observation_summarize(const struct observation_mark_row *marks, size_t nmarks,
				  const struct observation_segment_row *segs, size_t nsegs,
				  int64_t end, struct arena *a, struct observation_summary *out)
{
	memset(out, 0, sizeof *out);
	out->segment = arena_zalloc(a, (nsegs ? nsegs : 1) * sizeof *out->segment);
	out->who = arena_zalloc(a, (nmarks ? nmarks : 1) * sizeof *out->who);
	out->who_turns = arena_zalloc(a, (nmarks ? nmarks : 1) * sizeof *out->who_turns);
	if (!out->segment || !out->who || !out->who_turns)
		return EB_ENOMEM;
	out->nsegments = nsegs;
	for (size_t i = 0; i < nsegs; i++) {
		int64_t to = i + 1 < nsegs ? segs[i + 1].started_at : end;
		int64_t s = to - segs[i].started_at;
		out->segment[i].seconds = s > 0 ? s : 0;
		out->total.seconds += out->segment[i].seconds;
	}
	for (size_t i = 0; i < nmarks; i++) {
		const struct observation_code *c = observation_code_find(marks[i].code);
		if (!c)
			continue;
		size_t code = (size_t)(c - observation_codes);
		tally_add(&out->total, code);
		for (size_t j = 0; j < nsegs; j++)
			if (segs[j].n == marks[i].segment) {
				tally_add(&out->segment[j], code);
				break;
			}
		if (c->kind == OBSERVATION_TALK && marks[i].who && marks[i].who[0]) {
			size_t j = 0;
			while (j < out->nwho && strcmp(out->who[j], marks[i].who) != 0)
				j++;
			if (j == out->nwho)
				out->who[out->nwho++] = marks[i].who;
			out->who_turns[j]++;
		}
	}
	tally_finish(&out->total);
	for (size_t i = 0; i < nsegs; i++)
		tally_finish(&out->segment[i]);
	return EB_OK;
}

DB_ROWSPEC(mark_spec, struct observation_mark_row, NULL,
	   DB_FIELD_INT(struct observation_mark_row, id),
	   DB_FIELD_INT(struct observation_mark_row, at_ms),
	   DB_FIELD_INT(struct observation_mark_row, segment),
	   DB_FIELD_STR(struct observation_mark_row, code),
	   DB_FIELD_STR(struct observation_mark_row, who));
DB_ROWSPEC(segment_spec, struct observation_segment_row, NULL,
	   DB_FIELD_INT(struct observation_segment_row, n),
	   DB_FIELD_INT(struct observation_segment_row, started_at));

enum eb_err observation_marks(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			      struct observation_mark_row **marks, size_t *nmarks,
			      struct observation_segment_row **segs, size_t *nsegs)
{
	enum eb_err rc = db_get_rows(db,
				     "SELECT id, at, segment, code, who FROM observation_mark WHERE"
				     " district_id=?1 AND observation_id=?2 ORDER BY id",
				     DB_ARGS(DB_INT(district_id), DB_INT(id)), &mark_spec, a, marks,
				     nmarks);
	if (!rc)
		rc = db_get_rows(
			db,
			"SELECT n, started_at FROM observation_segment WHERE district_id=?1"
			" AND observation_id=?2 ORDER BY n",
			DB_ARGS(DB_INT(district_id), DB_INT(id)), &segment_spec, a, segs, nsegs);
	return rc;
}

enum eb_err observation_summary(struct db *db, int64_t district_id, const struct observation *o,
				int64_t now, struct arena *a, struct observation_summary *out)
{
	struct observation_mark_row *m;
	struct observation_segment_row *s;
	size_t nm, ns;
	enum eb_err rc = observation_marks(db, district_id, o->id, a, &m, &nm, &s, &ns);
	if (rc)
		return rc;
	return observation_summarize(m, nm, s, ns, o->closed_at ? o->closed_at : now, a, out);
}

/* ---- shifts over time ------------------------------------------------------------ */

struct series_obs {
	int64_t id, started_at, closed_at;
};
DB_ROWSPEC(series_spec, struct series_obs, NULL, DB_FIELD_INT(struct series_obs, id),
	   DB_FIELD_INT(struct series_obs, started_at), DB_FIELD_INT(struct series_obs, closed_at));

static double measure_value(const struct observation_tally *t, const char *key)
{
	if (strcmp(key, "student_talk_share") == 0)
		return t->student_talk_share;
	if (strcmp(key, "student_to_student_share") == 0)
		return t->student_to_student_share;
	if (strcmp(key, "reasoning_question_share") == 0)
		return t->reasoning_question_share;
	return t->moves_per_10min;
}

enum eb_err observation_series(struct db *db, int64_t district_id, int64_t teacher_id,
			       const char *class_sid, const char *key, int64_t from, int64_t to,
			       struct arena *a, struct observation_point **pts, size_t *n)
{
	const struct observation_measure *m = observation_measure_find(key);
	const struct observation_indicator *ind = m ? NULL : observation_indicator_find(key);
	struct series_obs *os;
	size_t no, k = 0;
	*pts = NULL;
	*n = 0;
	if (!m && !ind)
		return EB_EINVAL;
	if (!class_sid)
		class_sid = "";
	enum eb_err rc = db_get_rows(
		db,
		"SELECT id, started_at, closed_at FROM observation WHERE district_id=?1 AND"
		" (?2=0 OR teacher_id=?2) AND (?3='' OR class_sid=?3) AND closed_at IS NOT NULL"
		" AND started_at>=?4 AND (?5=0 OR started_at<?5) ORDER BY started_at, id LIMIT "
		"1000",
		DB_ARGS(DB_INT(district_id), DB_INT(teacher_id), DB_TEXT(class_sid), DB_INT(from),
			DB_INT(to)),
		&series_spec, a, &os, &no);
	if (rc)
		return rc;
	struct observation_point *out = arena_alloc(a, (no ? no : 1) * sizeof *out);
	if (!out)
		return EB_ENOMEM;
	for (size_t i = 0; i < no; i++) {
		double v = NAN;
		if (ind) {
			int64_t lv;
			rc = db_get_int(
				db,
				"SELECT level FROM observation_rating WHERE district_id=?1 AND"
				" observation_id=?2 AND indicator=?3",
				DB_ARGS(DB_INT(district_id), DB_INT(os[i].id), DB_TEXT(ind->key)),
				&lv);
			if (rc == EB_ENOTFOUND)
				continue;
			if (rc)
				return rc;
			v = (double)lv;
		} else {
			struct observation_mark_row *mk;
			struct observation_segment_row *sg;
			size_t nm, ns;
			struct observation_summary s;
			rc = observation_marks(db, district_id, os[i].id, a, &mk, &nm, &sg, &ns);
			if (!rc)
				rc = observation_summarize(mk, nm, sg, ns, os[i].closed_at, a, &s);
			if (rc)
				return rc;
			v = measure_value(&s.total, m->key);
		}
		if (isnan(v))
			continue;
		out[k++] = (struct observation_point){ os[i].id, os[i].started_at, v };
	}
	*pts = out;
	*n = k;
	return EB_OK;
}
