/* training.h - training sessions per tool or initiative (migration 032):
 * when and where, the trainer, whether IT attends and who, capacity,
 * registration with a waiting list, attendance, materials (links) and the
 * attendees' three-question follow-up; and the payoff: the tool's use by
 * the classes of trained and not-yet-trained teachers, before and after the
 * session, through the evaluation engine's difference-in-differences
 * (docs/trainings.md).
 *
 * Every function takes the district id; a session of another district
 * answers EB_ENOTFOUND. Functions that write more than one row take their
 * own transaction (db_begin/db_commit) and store nothing on an error. */
#ifndef EB_TRAINING_H
#define EB_TRAINING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/audit.h"
#include "domain/evidence.h"

struct db;
struct account;
struct tz;

#define TRAINING_WHY_CAP 240
#define TRAINING_TITLE_MAX 200
#define TRAINING_PLACE_MAX 200
#define TRAINING_URL_MAX 500
#define TRAINING_TRAINER_MAX 120
#define TRAINING_MATERIALS_MAX 4000
#define TRAINING_ANSWER_MAX 1000

/* Who may plan sessions, register others and take attendance: district
 * admin, coordinator, IT staff, coach. The one who created a session may
 * take its attendance too (training_can_take_attendance). */
bool training_can_manage(const struct account *a);

/* Who may see the sessions and register themselves: staff who teach or
 * support teaching (not vendor contacts, families or students). */
bool training_can_view(const struct account *a);

/* One session with its counts. tool_id, initiative_id and it_account_id are
 * 0 when none; tool_name and it_name "" then. */
struct training {
	int64_t id, district_id, tool_id, initiative_id, starts_at, it_account_id;
	int64_t created_by, created_at;
	int minutes, capacity;
	int registered, waiting, attended; /* seats */
	char title[TRAINING_TITLE_MAX + 1], place[TRAINING_PLACE_MAX + 1];
	char online_url[TRAINING_URL_MAX + 1], trainer[TRAINING_TRAINER_MAX + 1];
	char materials[TRAINING_MATERIALS_MAX + 1];
	char tool_name[121], it_name[121];
};

bool training_can_take_attendance(const struct account *a, const struct training *t);

/* A new session as typed on the form. date "YYYY-MM-DD" and time "HH:MM"
 * in the district's zone z (NULL: UTC); minutes 5..600; capacity 1..1000;
 * tool a tool id of the district, or "" for none; it_account an account id
 * holding it_staff in the district, or "" (nobody from IT yet); place or
 * online_url (an http(s) address) at least one; materials: links, one per
 * line, each http(s). */
struct training_form {
	const char *title, *tool, *date, *time, *minutes, *place, *online_url, *trainer,
		*it_account, *capacity, *materials;
};

/* Checks the form and stores the session (audited). EB_EINVAL with
 * "field: reason" in why on the first bad field: nothing stored. */
enum eb_err training_create(struct db *db, int64_t district_id, const struct training_form *in,
			    const struct tz *z, const struct audit_actor *who, int64_t *id,
			    char *why, size_t cap);

/* Loads a session with its counts. EB_ENOTFOUND when absent. */
enum eb_err training_get(struct db *db, int64_t district_id, int64_t id, struct training *out);

/* Sessions that end at or after now (upcoming, soonest first) or before it
 * (past, newest first, at most 200). tool_id 0: every tool. account_id > 0
 * with mine_only: only the sessions that account holds a seat in. mine
 * (per row) says whether account_id holds a seat, waiting whether on the
 * waiting list. Arrays in arena. */
struct training_row {
	int64_t id, tool_id, starts_at, it_account_id;
	int minutes, capacity, registered, waiting, attended;
	bool mine, mine_waiting;
	const char *title, *tool_name, *place, *online_url, *trainer, *it_name;
};
enum eb_err training_list(struct db *db, int64_t district_id, bool upcoming, int64_t now,
			  int64_t tool_id, int64_t account_id, bool mine_only, struct arena *a,
			  struct training_row **rows, size_t *n);

enum training_seat_state { TRAINING_SEAT_REGISTERED, TRAINING_SEAT_WAITING };

/* Registers account_id (an enabled account of the district) for the
 * session; who did it is in who (the same account, or a planner). A full
 * session refuses with EB_ECONFLICT and why "The session is full (N of N
 * seats)..." unless waitlist is true: then the seat is on the waiting list
 * (*state TRAINING_SEAT_WAITING). EB_EEXIST when the account already holds
 * a seat, EB_EINVAL (why) when the session has already started (unless
 * walk_in: a planner or the trainer adds someone who came, who takes a
 * seat whatever the capacity), EB_ENOTFOUND for an unknown session or
 * account. Audited. */
enum eb_err training_register(struct db *db, int64_t district_id, int64_t training_id,
			      int64_t account_id, bool waitlist, bool walk_in,
			      const struct audit_actor *who, enum training_seat_state *state,
			      char *why, size_t cap);

/* Gives a seat back; the first on the waiting list (by time of
 * registration) takes a freed registered seat. EB_ENOTFOUND when the account
 * holds no seat. Audited. */
enum eb_err training_cancel(struct db *db, int64_t district_id, int64_t training_id,
			    int64_t account_id, const struct audit_actor *who);

/* Records attendance for the seats listed: present[i] for account ids[i]
 * (a person on the waiting list who came is moved to a registered seat).
 * EB_EINVAL (why) when the session has not started yet or an id holds no
 * seat: nothing stored. Audited. */
enum eb_err training_set_attendance(struct db *db, int64_t district_id, int64_t training_id,
				    const int64_t *ids, const bool *present, size_t n, int64_t now,
				    const struct audit_actor *who, char *why, size_t cap);

struct training_seat {
	int64_t account_id, registered_at;
	bool waiting, attended, answered;
	const char *name, *login;
};
/* The seats: registered first (in order of registration), then waiting. */
enum eb_err training_seats(struct db *db, int64_t district_id, int64_t training_id, struct arena *a,
			   struct training_seat **rows, size_t *n);

/* The follow-up of one attendee: ready "1".."5" ("I can use it in class
 * tomorrow": 1 not at all .. 5 certainly); will_try and still_need free
 * text of at most TRAINING_ANSWER_MAX bytes each (may be empty). EB_EPERM
 * (why) when the account did not attend; EB_EINVAL (why) for a bad answer.
 * Answering again replaces the earlier answer. */
enum eb_err training_followup_save(struct db *db, int64_t district_id, int64_t training_id,
				   int64_t account_id, const char *ready, const char *will_try,
				   const char *still_need, char *why, size_t cap);

/* The answers of a session in summary: how many, the mean and spread of
 * "ready" (count[k] for k+1), and the free answers (unsigned, newest
 * first, non-empty ones only). */
struct training_followup_summary {
	int answers, count[5];
	double mean_ready;
	const char **will_try, **still_need;
	size_t ntry, nneed;
};
enum eb_err training_followup_summary(struct db *db, int64_t district_id, int64_t training_id,
				      struct arena *a, struct training_followup_summary *out);

/* The district's IT staff (accounts holding it_staff), by name: the
 * choices of "who from IT attends". */
struct training_person {
	int64_t id;
	const char *name;
};
enum eb_err training_it_staff(struct db *db, int64_t district_id, struct arena *a,
			      struct training_person **rows, size_t *n);

/* ---- the payoff ---------------------------------------------------------
 *
 * Unit: a class of the district taught by one teacher (roster enrollment
 * role teacher). Outcome: the share of the class's students who used the
 * session's tool in a week (0..1), averaged over TRAINING_PAYOFF_WEEKS
 * weeks before the session and as many weeks after it (the session's own
 * week left out). Groups: trained = classes of teachers who attended this
 * session; not yet trained = classes of teachers who attended no session of
 * the tool up to the end of the after period. Teachers trained in another
 * session are left out. The estimate is the difference in differences on
 * the classes followed over time (ev_did_panel: each class its own
 * control), clustered by teacher; it compares early and late adopters, who
 * chose to come: it is not a causal effect of the training. */
#define TRAINING_PAYOFF_WEEKS 4

struct training_payoff_class {
	double pre, post; /* share of students active per week, 0..1 */
	int trained;	  /* 1 trained, 0 not yet trained */
	int64_t teacher;  /* cluster */
};

struct training_payoff {
	bool shown; /* false: why says what is missing or suppressed */
	char why[TRAINING_WHY_CAP];
	double n_trained, n_not; /* classes */
	double teachers_trained, teachers_not;
	double pre_t, post_t, pre_c, post_c; /* group means, 0..1 */
	double diff, lo, hi, p;		     /* difference in differences, 95 % interval */
	bool significant;		     /* the interval excludes 0 */
	struct ev_estimate est;
	int64_t pre_from, post_to; /* the periods compared (Unix s) */
};

/* Pure: the difference in differences over the classes' rows, with its 95 %
 * interval in share points (diff, lo, hi; clustering-corrected by teacher,
 * the ICC of the changes estimated, when a teacher has two classes), and the privacy rule of the evaluation engine: a
 * group of fewer than EVAL_MIN_SHOWN classes shows nothing (shown false,
 * why says so). EB_EINVAL (why) when the estimate cannot be made. */
enum eb_err training_payoff_run(const struct training_payoff_class *rows, size_t n,
				struct training_payoff *out);

/* Reads the classes' rows for session t (which must have a tool) as of now
 * and runs the design. Returns EB_OK with shown false and why when the
 * design cannot be applied (no tool, the after period not over, too few
 * classes); another error only on a database failure. */
enum eb_err training_payoff(struct db *db, int64_t district_id, const struct training *t,
			    int64_t now, struct arena *a, struct training_payoff *out);

#endif
