/* observation.h - classroom observation of student discourse (migration
 * 034; docs/observations.md): the protocol (dimensions, indicators with a
 * 1-4 scale, in our own words; a static table with stable keys), an
 * observation of a teacher's class (observer, date and time, optional
 * coaching cycle and initiative), its live tally in timed segments (who
 * talks, talk moves, questions by level), rubric ratings with evidence notes
 * tagged to indicators, the summary (shares of talk, moves per 10 minutes,
 * question levels, per segment) and the shifts across observations of the
 * same class.
 *
 * Coaching stays apart from evaluation: the notes, ratings and tally of an
 * observation are seen by its observer, its teacher and the people the
 * teacher shares it with (observation_visibility); others who may see the
 * class see only that it happened. Families and students never.
 *
 * Every function takes the district id; an observation of another district
 * answers EB_ENOTFOUND. A refused write stores nothing. */
#ifndef EB_OBSERVATION_H
#define EB_OBSERVATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/audit.h"

struct db;
struct account;

#define OBSERVATION_WHY_CAP 240
#define OBSERVATION_FOCUS_MAX 500
#define OBSERVATION_NOTES_MAX 8000
#define OBSERVATION_EVIDENCE_MAX 2000
#define OBSERVATION_WHO_MAX 40
#define OBSERVATION_SEGMENTS_MAX 99
#define OBSERVATION_LEVELS 4

/* ---- the protocol -------------------------------------------------------
 *
 * Five dimensions (the mathematics, cognitive demand, equitable access,
 * agency and identity, formative assessment); each indicator belongs to one
 * and names the core action it serves (focus, coherence, rigour, student
 * talk, or "" for none). Keys are stable: they are stored. */
struct observation_dimension {
	const char *key, *label, *desc;
};
struct observation_indicator {
	const char *key;       /* "talk_reasoning" */
	const char *dimension; /* a dimension's key */
	const char *core;      /* "Focus", "Coherence", "Rigour", "Student talk" or "" */
	const char *label;     /* plain words */
	const char *desc;      /* what to look for, one sentence */
	const char *levels[OBSERVATION_LEVELS]; /* what level 1..4 looks like */
};
extern const struct observation_dimension observation_dimensions[];
extern const size_t observation_dimensions_count;
extern const struct observation_indicator observation_indicators[];
extern const size_t observation_indicators_count;
/* The indicator with this key, or NULL. */
const struct observation_indicator *observation_indicator_find(const char *key);
/* The plain name of a level 1..4 ("Not yet" .. "Strong"); "" outside. */
const char *observation_level_name(int level);

/* The tally's buttons: who talks (talk: teacher, student, student_student:
 * a student answering or building on another student), talk moves (move)
 * and questions by level (question). */
enum observation_kind { OBSERVATION_TALK, OBSERVATION_MOVE, OBSERVATION_QUESTION };
struct observation_code {
	enum observation_kind kind;
	const char *key, *label, *desc;
};
extern const struct observation_code observation_codes[];
extern const size_t observation_codes_count;
/* The code with this key, or NULL. Keys are unique across kinds. */
const struct observation_code *observation_code_find(const char *key);
const char *observation_kind_name(enum observation_kind k); /* "talk" "move" "question" */

/* The measures the tally gives per observation (and per segment), with
 * stable keys; the series below takes them or an indicator key:
 *   student_talk_share        student turns (with student_student) / all turns, 0..1
 *   student_to_student_share  student_student turns / all turns, 0..1
 *   reasoning_question_share  reasoning questions / all questions, 0..1
 *   talk_moves_per_10min      talk moves per 10 minutes of the segments observed */
struct observation_measure {
	const char *key, *label;
	bool share; /* 0..1, shown as a percentage; else a rate */
};
extern const struct observation_measure observation_measures[];
extern const size_t observation_measures_count;
const struct observation_measure *observation_measure_find(const char *key);

/* ---- observations -------------------------------------------------------- */

/* Who may observe (start an observation): coach, principal, coordinator,
 * district admin. The class must be one the observer may see. */
bool observation_can_observe(const struct account *a);

struct observation {
	int64_t id, district_id, observer_id, teacher_id, started_at, created_at;
	int64_t closed_at;     /* 0 while open */
	int64_t cycle_id;      /* 0: none */
	int64_t initiative_id; /* 0: none */
	int segments;	       /* segments started (the current one is the last) */
	int marks;	       /* tally marks */
	char class_sid[128], class_title[201], school_sid[128];
	char observer_name[128], teacher_name[128], initiative_name[201];
	char focus[OBSERVATION_FOCUS_MAX + 1];
	char notes[OBSERVATION_NOTES_MAX + 1];
};

/* A new observation as typed on the form: class (a class sourcedId the
 * observer may see), teacher (an account id of a teacher of that class),
 * cycle (a coaching cycle id or ""), initiative (an initiative id of the
 * district or ""), focus (free text of at most OBSERVATION_FOCUS_MAX bytes,
 * may be empty). The observation starts at now (Unix s): the tally is live. */
struct observation_form {
	const char *class_sid, *teacher, *cycle, *initiative, *focus;
};

/* Checks the form and stores the observation, open, with segment 1 started
 * at now (audited). EB_EINVAL with "field: reason" in why on the first bad
 * field, EB_EPERM when observer may not observe: nothing stored. */
enum eb_err observation_create(struct db *db, int64_t district_id, const struct account *observer,
			       const struct observation_form *in, int64_t now,
			       const struct audit_actor *who, int64_t *id, char *why, size_t cap);

/* Loads an observation with its names and counts. EB_ENOTFOUND when absent. */
enum eb_err observation_get(struct db *db, int64_t district_id, int64_t id,
			    struct observation *out);

/* What viewer may see of o:
 *   OBSERVATION_FULL    the observer, the teacher, an account it is shared with
 *   OBSERVATION_EXISTS  others who may see the class (access_class) and are
 *                       staff: that it happened, when, by whom; no notes,
 *                       ratings or tally
 *   OBSERVATION_HIDDEN  everyone else (families and students always). */
enum observation_view { OBSERVATION_HIDDEN, OBSERVATION_EXISTS, OBSERVATION_FULL };
enum observation_view observation_visibility(struct db *db, const struct account *viewer,
					     const struct observation *o);

/* The observations viewer may know of, newest first (at most 500): those it
 * observed, of its own classes as teacher, shared with it, and (visibility
 * EXISTS) others of classes it may see. Arrays in arena. */
struct observation_row {
	int64_t id, started_at, closed_at, teacher_id, observer_id, cycle_id;
	enum observation_view view;
	int marks;
	const char *class_sid, *class_title, *teacher_name, *observer_name;
};
enum eb_err observation_list(struct db *db, int64_t district_id, const struct account *viewer,
			     struct arena *a, struct observation_row **rows, size_t *n);

/* ---- the tally (each call one short write transaction) -------------------
 *
 * All refuse with EB_ECONFLICT and why "This observation was closed at ...;
 * marks can no longer be added." when the observation is closed: nothing
 * stored. now_ms: Unix milliseconds. */

/* One mark: code an observation_codes key; who a group or seat label of at
 * most OBSERVATION_WHO_MAX bytes, "" for none (only for talk marks).
 * Stamped with the current segment and now_ms. EB_EINVAL (why) for an
 * unknown code or a bad label. */
enum eb_err observation_mark(struct db *db, int64_t district_id, int64_t id, const char *code,
			     const char *who_label, int64_t now_ms, char *why, size_t cap);
/* Takes the last mark back. EB_ENOTFOUND (why) when there is none. */
enum eb_err observation_undo(struct db *db, int64_t district_id, int64_t id, char *why, size_t cap);
/* Starts the next segment at now (seconds). EB_ETOOBIG past
 * OBSERVATION_SEGMENTS_MAX. *segment: its number. */
enum eb_err observation_segment_start(struct db *db, int64_t district_id, int64_t id, int64_t now,
				      int *segment, char *why, size_t cap);
/* Closes the tally at now (seconds); audited. Closing twice: EB_ECONFLICT. */
enum eb_err observation_close(struct db *db, int64_t district_id, int64_t id, int64_t now,
			      const struct audit_actor *who, char *why, size_t cap);

/* ---- ratings, evidence, notes, sharing ---------------------------------- */

/* Rates an indicator 1..4 (replacing an earlier rating) and, when note is
 * not empty, adds it as evidence tagged to that indicator. level "" keeps
 * only the note. EB_EINVAL (why) for an unknown indicator, a level outside
 * 1..4 or a note too long: nothing stored. Allowed open or closed. */
enum eb_err observation_rate(struct db *db, int64_t district_id, int64_t id, const char *indicator,
			     const char *level, const char *note, int64_t author, int64_t now,
			     char *why, size_t cap);
/* Replaces the observation's general notes (at most OBSERVATION_NOTES_MAX). */
enum eb_err observation_set_notes(struct db *db, int64_t district_id, int64_t id, const char *notes,
				  char *why, size_t cap);

struct observation_rating {
	const char *indicator; /* key */
	int level;	       /* 1..4, 0 not rated */
};
struct observation_evidence {
	int64_t id, created_at, created_by;
	const char *indicator, *note, *author;
};
/* Ratings (in protocol order, rated ones only) and evidence (in protocol
 * order, then oldest first). Arrays in arena. */
enum eb_err observation_ratings(struct db *db, int64_t district_id, int64_t id, struct arena *a,
				struct observation_rating **r, size_t *nr,
				struct observation_evidence **e, size_t *ne);

/* The teacher shares the observation with account_id (staff of the
 * district) or takes it back (share false). Only the teacher may:
 * EB_EPERM otherwise. Audited. */
enum eb_err observation_share(struct db *db, int64_t district_id, int64_t id,
			      const struct account *teacher, int64_t account_id, bool share,
			      const struct audit_actor *who, char *why, size_t cap);
struct observation_person {
	int64_t id;
	const char *name;
};
enum eb_err observation_shared_with(struct db *db, int64_t district_id, int64_t id, struct arena *a,
				    struct observation_person **rows, size_t *n);
/* The district's staff who could be shared with (coaches, principals,
 * coordinators, teachers), by name, at most 500. */
enum eb_err observation_staff(struct db *db, int64_t district_id, struct arena *a,
			      struct observation_person **rows, size_t *n);
/* The teachers of a class with an account, for the form. */
enum eb_err observation_class_teachers(struct db *db, int64_t district_id, const char *class_sid,
				       struct arena *a, struct observation_person **rows,
				       size_t *n);

/* ---- the summary ---------------------------------------------------------- */

#define OBSERVATION_CODES_MAX 16

struct observation_tally {
	int count[OBSERVATION_CODES_MAX]; /* per observation_codes index */
	int talk, moves, questions;	  /* totals per kind */
	int64_t seconds;		  /* time covered */
	/* measures; a share is NaN when its total is 0 */
	double student_talk_share, student_to_student_share, reasoning_question_share;
	double moves_per_10min; /* NaN when seconds is 0 */
};
struct observation_mark_row {
	int64_t id, at_ms;
	int segment;
	const char *code, *who;
};
struct observation_segment_row {
	int n;
	int64_t started_at; /* Unix s */
};
struct observation_summary {
	struct observation_tally total;
	struct observation_tally *segment; /* nsegments, in order */
	size_t nsegments;
	/* who talks by group or seat: label, and turns (talk marks) */
	const char **who;
	int *who_turns;
	size_t nwho;
};
/* Pure: the summary of marks over segments. A segment runs from its start
 * to the next segment's start, the last one to end (Unix s: the close, or
 * now while open). Marks of an unknown code are left out. Arrays in a. */
enum eb_err observation_summarize(const struct observation_mark_row *marks, size_t nmarks,
				  const struct observation_segment_row *segs, size_t nsegs,
				  int64_t end, struct arena *a, struct observation_summary *out);
/* The marks (oldest first) and segments of an observation. Arrays in a. */
enum eb_err observation_marks(struct db *db, int64_t district_id, int64_t id, struct arena *a,
			      struct observation_mark_row **marks, size_t *nmarks,
			      struct observation_segment_row **segs, size_t *nsegs);
/* observation_marks + observation_summarize with end = closed_at or now. */
enum eb_err observation_summary(struct db *db, int64_t district_id, const struct observation *o,
				int64_t now, struct arena *a, struct observation_summary *out);

/* ---- shifts over time (the contract with coaching) ----------------------
 *
 * The value of one measure or indicator per observation of a teacher's
 * class, oldest first: key is an observation_measures key (a share 0..1 or
 * a rate) or an indicator key (the rating 1..4). teacher_id 0: any teacher
 * of the class; class_sid NULL or "": every class of the teacher. Only
 * closed observations started in [from, to) (Unix s; to 0: no end) count,
 * and those without a value (no questions asked, not rated) are left out.
 * EB_EINVAL for an unknown key. Arrays in a. Coaching cycles use it for a
 * goal about practice ("student talk share at 50 %"). */
struct observation_point {
	int64_t observation_id, at;
	double value;
};
enum eb_err observation_series(struct db *db, int64_t district_id, int64_t teacher_id,
			       const char *class_sid, const char *key, int64_t from, int64_t to,
			       struct arena *a, struct observation_point **pts, size_t *n);

#endif
