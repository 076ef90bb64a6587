/* gradebook.h - OneRoster 1.2 Gradebook results at rest and as evidence
 * (docs/gradebook.md).
 *
 * Line items and results are stored as received (migration 044). Each
 * fully graded result with a score becomes learning events of its student
 * through activity_event_record (domain/activity.h), the path xAPI,
 * Caliper and LTI AGS scores take into mastery: one event per learning
 * objective of the result (learningObjectiveResults, each with its own
 * score when it has one), else per objective of the line item, on the
 * standard the objective resolves to; source "oneroster", statement_id
 * "gb:<result sourcedId>". The score is read as a share of the line item's
 * range (resultValueMin, default 0, to resultValueMax); a share of at least
 * LTI_SCORE_CORRECT_AT counts as a correct response, as for AGS scores.
 *
 * A result sent again replaces the events it gave before (nothing is
 * counted twice; the student's mastery is replayed), and one whose content
 * is unchanged changes nothing. What refers to something the district does
 * not have yet (a class, a student, a line item) is stored waiting (its
 * place and reason in the report) and linked when the missing row arrives
 * (gradebook_relink); what cannot be read as evidence (no resultValueMax, a
 * score out of range) is stored without evidence, its reason in the
 * report. Nothing is dropped silently; objectives that resolve to
 * no standard go to the quarantine (activity_rematch takes them when the
 * line item is mapped). */
#ifndef EB_GRADEBOOK_H
#define EB_GRADEBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/arena.h"
#include "base/err.h"

struct db;

/* The records of a OneRoster 1.2 Gradebook as read from either binding
 * (ingest/oneroster_gradebook.h fills them). */
#define GB_MAX_OBJECTIVES 32 /* learning objectives per line item or result */
#define GB_MAX_ERRORS 50     /* error lines written; the rest are counted */

/* A learning objective reference: source "case", "unknown" or an
 * extension token; id a CASE identifier or the source's own. */
struct gb_objective {
	const char *source, *id;
	double score; /* result objectives: the score when has_score */
	bool has_score;
	const char *text_score; /* result objectives; NULL when none */
};

struct gb_line_item {
	const char *sourced_id;
	bool deleted; /* status tobedeleted */
	const char *title, *description, *class_sid, *category_sid;
	const char *assign_date, *due_date; /* as received; NULL when absent */
	double min, max;
	bool has_min, has_max;
	struct gb_objective *obj;
	size_t nobj;
	const char *where; /* "lineItems.csv:3" or "lineItems: $.lineItems[2]" */
};

struct gb_result {
	const char *sourced_id;
	bool deleted;
	const char *line_item_sid, *student_sid;
	const char *score_status; /* lower case: "fully graded", "submitted" ... */
	double score;
	bool has_score;
	const char *text_score, *comment; /* NULL when absent */
	int64_t score_date;		  /* Unix seconds */
	struct gb_objective *obj;
	size_t nobj;
	const char *where;
};

/* Parsed records; every string lives in the arena. */
struct gradebook {
	struct arena *a;
	struct gb_line_item *items;
	size_t nitems, items_cap;
	struct gb_result *results;
	size_t nresults, results_cap;
	size_t ncategories, nscales; /* read and checked, not used further */
	/* errors: lines in errs (at most GB_MAX_ERRORS written), nerrors found */
	struct buf *errs;
	size_t nerrors;
};

#define GRADEBOOK_MAX_LINES 50 /* report lines written; the rest are counted */

struct gradebook_report {
	size_t items, items_deleted;	 /* line items stored / deleted */
	size_t results, results_deleted; /* results stored / deleted */
	size_t unchanged;		 /* results received again as they were */
	size_t replaced;		 /* results whose earlier events were replaced */
	size_t events, quarantined;	 /* learning events stored / quarantined */
	size_t not_graded;		 /* results stored without evidence (status) */
	size_t set_aside;		 /* records set aside (lines in out) */
	size_t linked, items_linked;	 /* results / line items linked after waiting */
	struct buf *out;		 /* "PLACE: field: reason" lines (may be NULL) */
	size_t nlines;
};

/* The Common Core standard a learning objective counts for, whatever its
 * source says: a CASE identifier, URI or code of one of the district's
 * frameworks (through frameworks_resolve: the item's own CCSS code, else
 * its exactMatchOf, else its isRelatedTo crosswalk; the best one), or a
 * Common Core code in any spelling. *found false when none; out gets the
 * canonical code. */
enum eb_err gradebook_resolve_objective(struct db *db, int64_t district_id, const char *source,
					const char *id, char *out, size_t cap, bool *found);

/* Stores g (parsed and checked: gradebook_check) for district_id, and its
 * results' evidence under tool_id (the inventory tool whose gradebook it is;
 * 0: the district's own). The caller owns the transaction; on an error
 * other than a set-aside record it must roll back. now: receipt time. */
enum eb_err gradebook_apply(struct db *db, int64_t district_id, int64_t tool_id,
			    const struct gradebook *g, int64_t now, struct gradebook_report *rep);

/* A waiting record older than this many days is called out on the
 * gradebook page (the roster it waits for is probably never coming). */
#define GRADEBOOK_WAIT_DAYS 14

/* Links the district's waiting Gradebook records whose class, line item or
 * student is there now (each result becomes evidence once; its student's
 * mastery replayed): the roster import and sync call it in their
 * transaction, gradebook_apply at its end. Counts go to rep->linked and
 * rep->items_linked; no report lines. */
enum eb_err gradebook_relink(struct db *db, int64_t district_id, int64_t now,
			     struct gradebook_report *rep);

/* ---- reading the gradebook back (web/pages/gradebook.c) -------------- */

/* A line item as the gradebook page lists it. */
struct gradebook_item_row {
	char *sid, *title, *class_sid, *class_title; /* class_title "" when waiting */
	char *due_date;				     /* as received; "" when none */
	char *waits_for;			     /* NULL: linked; "class" */
	double min, max;
	int has_min, has_max;
	int64_t results, waiting_since; /* linked results; waiting_since 0: linked */
};

/* The district's line items, by class title then due date, at most limit,
 * into an arena array: every one when teacher_sid is NULL, else those of
 * the classes teacher_sid teaches (enrollment role teacher). Line items
 * waiting for their class come only district-wide (they have no teacher). */
enum eb_err gradebook_items(struct db *db, int64_t district_id, const char *teacher_sid,
			    size_t limit, struct arena *a, struct gradebook_item_row **out,
			    size_t *n);

/* One line item of the district. EB_ENOTFOUND. */
enum eb_err gradebook_item_get(struct db *db, int64_t district_id, const char *sid, struct arena *a,
			       struct gradebook_item_row *out);

/* A line item's learning objectives as received (source, id), into arena
 * arrays src[i], id[i]. */
enum eb_err gradebook_item_objectives(struct db *db, int64_t district_id, const char *item_sid,
				      struct arena *a, char ***src, char ***id, size_t *n);

/* A linked result with its student's name. */
struct gradebook_result_row {
	char *sid, *student_sid, *given_name, *family_name, *status;
	char *text_score; /* NULL when none */
	double score;
	int has_score;
	int64_t score_date;
};

/* The linked results of a line item, by family then given name. */
enum eb_err gradebook_item_results(struct db *db, int64_t district_id, const char *item_sid,
				   struct arena *a, struct gradebook_result_row **out, size_t *n);

/* A result still waiting, with its reason. */
struct gradebook_waiting_row {
	char *sid, *item_sid, *student_sid, *waits_for, *reason;
	int64_t since; /* Unix seconds: first set waiting */
};

/* The district's waiting results, oldest first, at most limit: all when
 * teacher_sid is NULL, else those of line items of the teacher's classes. */
enum eb_err gradebook_waiting(struct db *db, int64_t district_id, const char *teacher_sid,
			      size_t limit, struct arena *a, struct gradebook_waiting_row **out,
			      size_t *n);

/* Prints the report's counts to out ("line items: 3 stored, 0 deleted" ...). */
void gradebook_report_counts(const struct gradebook_report *rep, struct buf *out);

#endif
