/* activity.h - learning data at rest: xAPI statements, Caliper events,
 * learning events, the quarantine and the activity -> standard map.
 *
 * All SQL about learning data lives in activity.c. Every function is scoped by
 * (district_id, tool_id): a tool's credentials read and write only its own
 * rows. Callers own transactions (db_begin/db_commit) when several calls must
 * be atomic; these functions never open one themselves except
 * activity_rematch(). */
#ifndef EB_ACTIVITY_H
#define EB_ACTIVITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"

struct db;

/* One agent or activity a statement mentions (see xapi_statement_ref). */
struct activity_ref {
	const char *kind; /* "agent" or "activity" */
	const char *key;  /* agent key (activity_agent_key form) or activity IRI */
	int related;	  /* 0: actor/object itself; 1: related only */
};

/* A validated statement ready to store. Strings are borrowed. */
struct activity_statement {
	const char *id;		  /* lower-case UUID */
	const char *json;	  /* the statement as it will be returned */
	const char *content_hash; /* 64 hex chars (stored as 32 bytes), see xapi.c */
	int64_t stored_ms;	  /* `stored` in Unix ms (the text is inside json) */
	const char *voids_id;	  /* voiding statement: target id; else NULL */
	const char *target_id;	  /* object a StatementRef: its id (voiding too); else NULL */
	const char *verb;
	const char *registration;
	/* actor, object and timestamp are read from json; the agent and activity
	 * filters use refs */
	const struct activity_ref *refs;
	size_t nrefs;
	bool new_id; /* id freshly generated: skip the voided-before check */
	/* the caller read already (activity_statements_find) whether a stored
	 * voiding statement targets id: voided_by says; else it is read here */
	bool voided_checked, voided_by;
	bool *voided_out; /* optional: set when stored voided (its voiding came first) */
};

/* Looks up a statement by id. *found false when absent. When found,
 * hash_out gets its content hash and *is_voiding whether it voids another. */
enum eb_err activity_statement_find(struct db *db, int64_t district_id, int64_t tool_id,
				    const char *id, bool *found, char hash_out[65],
				    bool *is_voiding);

/* What is stored about one statement id (activity_statements_find). */
struct activity_found {
	const char *id; /* in: the id (borrowed) */
	bool found;	/* a statement with this id is stored */
	bool voiding;	/* ... and it voids another */
	bool voided_by; /* a stored voiding statement targets this id */
	char hash[65];	/* the stored statement's content hash (found) */
};

/* activity_statement_find for many ids in two queries (the batch's ids, then
 * the voiding statements that target them): fills each f[i] from its id.
 * Ids may repeat. EB_EDB, EB_ENOMEM. */
enum eb_err activity_statements_find(struct db *db, int64_t district_id, int64_t tool_id,
				     struct activity_found *f, size_t n);

/* Inserts a statement (EB_EEXIST when the id is taken). If a stored voiding
 * statement already targets it, it is stored as voided. */
enum eb_err activity_statement_insert(struct db *db, int64_t district_id, int64_t tool_id,
				      const struct activity_statement *s);

/* Statements written together: activity_statement_insert's rows kept by
 * activity_stmts_keep and written by activity_stmts_flush in a few
 * multi-row statements (store/db_rows.h: the rows, reading back their seqs,
 * then their refs), instead of two statements each. */
struct activity_stmts;

/* A batch for one district and tool's statements; NULL when out of memory. */
struct activity_stmts *activity_stmts_new(int64_t district_id, int64_t tool_id);
/* activity_statement_insert of s into the batch: the voided-before check
 * and the counts now (*s->voided_out set), the row and its refs (their
 * strings copied) at the next activity_stmts_flush, in the same
 * transaction. The caller keeps the batch's ids distinct and not stored
 * (activity_statements_find). EB_EINVAL (a hash not 64 hex digits),
 * EB_ENOMEM, EB_EDB. */
enum eb_err activity_stmts_keep(struct db *db, struct activity_stmts *b,
				const struct activity_statement *s);
/* Writes the rows kept since the last flush and their refs, in the order
 * kept. Call it before anything in the transaction reads or changes them
 * (activity_statement_void of one of them). EB_EEXIST when one's id is
 * stored already (another writer came between); EB_EDB, EB_ENOMEM. After
 * an error the caller rolls back and frees the batch: what it keeps belongs
 * to the failed transaction. */
enum eb_err activity_stmts_flush(struct db *db, struct activity_stmts *b);
/* The ids kept and not yet flushed (for a caller's message after a failed
 * flush): n, and each by i. */
size_t activity_stmts_pending(const struct activity_stmts *b);
const char *activity_stmts_id(const struct activity_stmts *b, size_t i);
void activity_stmts_free(struct activity_stmts *b);

/* Marks the statement target_id voided (if stored and not itself voiding) and
 * removes the learning events and quarantine rows derived from it. Absent
 * targets are not an error (the spec lets the target arrive later). */
enum eb_err activity_statement_void(struct db *db, int64_t district_id, int64_t tool_id,
				    const char *target_id);

/* Appends the stored JSON of statement id to out. want_voided selects the
 * voidedStatementId semantics: only a voided statement is returned; else
 * only a statement that is not voided. EB_ENOTFOUND otherwise. */
enum eb_err activity_statement_get(struct db *db, int64_t district_id, int64_t tool_id,
				   const char *id, bool want_voided, struct buf *out);

/* Statement query; NULL / negative members mean "no filter". */
struct activity_query {
	const char *agent_key;
	const char *verb;
	const char *activity;
	const char *registration;
	int64_t since_ms; /* stored strictly after, or -1 */
	int64_t until_ms; /* stored at or before, or -1 */
	bool related_agents, related_activities, ascending;
	int limit;	   /* 1..500 */
	int64_t after_seq; /* paging position (exclusive), 0 for the first page */
	int64_t max_seq;   /* consistency bound: seq <= max_seq; 0 for none */
};

/* Appends up to q->limit statements as comma-separated JSON objects to out.
 * *count: statements appended; *last_seq: seq of the last one; *more: true
 * when at least one further statement matches. */
enum eb_err activity_statement_query(struct db *db, int64_t district_id, int64_t tool_id,
				     const struct activity_query *q, struct buf *out, size_t *count,
				     int64_t *last_seq, bool *more);

/* Highest statement seq of the tool (0 when none). */
enum eb_err activity_statement_max_seq(struct db *db, int64_t district_id, int64_t tool_id,
				       int64_t *out);

/* Which of the Caliper event ids[0..n) the tool has stored: stored[i]
 * (one query). EB_EDB, EB_ENOMEM. */
enum eb_err activity_caliper_stored(struct db *db, int64_t district_id, int64_t tool_id,
				    const char *const *ids, size_t n, bool *stored);

/* Stores a Caliper event as received; *duplicate true (and nothing written)
 * when the id is already stored for the tool. duplicate NULL: the caller
 * knows the id is not stored (activity_caliper_stored, in the same
 * transaction), and no count is read back (on PostgreSQL the write stays in
 * the pipeline). */
enum eb_err activity_caliper_insert(struct db *db, int64_t district_id, int64_t tool_id,
				    const char *id, const char *type, const char *action,
				    const char *event_time, const char *json, bool *duplicate);

/* A learning event before matching. Strings are borrowed. */
struct learning_event_in {
	const char *actor_key;	 /* required: how the source names the learner */
	const char *match_name;	 /* candidate roster sourcedId or username, or NULL */
	const char *match_email; /* candidate roster email, or NULL */
	const char *activity_id;
	const char *standard_code; /* found in the payload, or NULL */
	const char *item_id;
	int correct;	     /* -1 unknown, else 0/1 */
	double score;	     /* < 0 unknown, else in [0, 1] */
	double duration_s;   /* < 0 unknown */
	int64_t occurred_at; /* Unix seconds */
	const char *source;  /* "xapi", "caliper" or "csv" */
	const char *statement_id;
	const char *verb;
};

/* Matches the learner to a roster student (match_name = sourcedId or
 * username, match_email = email; role student) and the activity to a standard
 * (the activity_map, else standard_code, else a CCSS code in activity_id).
 * Stores a learning_event, or a quarantine row with the reason when the
 * learner is unknown, or when evidence (correct/score) has no standard.
 * Usage without evidence and without a standard is stored with standard NULL.
 * *quarantined (optional) says which happened. */
enum eb_err activity_event_record(struct db *db, int64_t district_id, int64_t tool_id,
				  const struct learning_event_in *ev, bool *quarantined);

/* A batch of events whose look-ups were read ahead (activity_batch_read). */
struct activity_batch;

/* Reads ahead, in a few set-based queries on db (inside the transaction that
 * will record them), what activity_event_record looks up one event at a time
 * for evs[0..n): the actors' roster students (by sourcedId; the other ways
 * of matching, one actor at a time, once per actor), the activities'
 * standards (activity_map) and the mastery cells the events' evidence
 * updates. evs (and the strings they point to) must outlive *out. Nothing
 * else may write those students' mastery cells in the transaction before
 * the batch's events are recorded. *out NULL on an error: EB_EDB, EB_ENOMEM,
 * EB_EPARSE (a stored cell not its format). */
enum eb_err activity_batch_read(struct db *db, int64_t district_id, int64_t tool_id,
				const struct learning_event_in *evs, size_t n,
				struct activity_batch **out);

/* activity_event_record of the batch's event i, on the db it was read on:
 * the same rows, the same mastery numbers, *quarantined (optional) the same
 * (the mastery cells once activity_batch_finish has written them); each
 * event at most once, in any order. */
enum eb_err activity_batch_record(struct db *db, struct activity_batch *b, size_t i,
				  bool *quarantined);

/* Writes the rows of the batch's events recorded so far: learning_event,
 * quarantine and tool_student, each table in a few multi-row statements
 * (store/db_rows.h). Anything that reads or deletes those rows in the
 * transaction must come after it (activity_statement_void: call it first).
 * EB_EDB, EB_ENOMEM. */
enum eb_err activity_batch_flush(struct db *db, struct activity_batch *b);

/* Writes what the batch's recorded events left to write (activity_batch_flush,
 * and their mastery cells once, each updated in memory by every event of it): call it after the
 * last activity_batch_record, in the same transaction, before anything else
 * reads those cells. Without it the cells are not stored. EB_EDB. */
enum eb_err activity_batch_finish(struct db *db, struct activity_batch *b);

/* Frees the batch (NULL: nothing). */
void activity_batch_free(struct activity_batch *b);

/* Removes the learning events and quarantine rows that carry statement_id
 * (a source's re-sent record replacing what it gave before). The student's
 * mastery is not replayed: call activity_mastery_replay after. */
enum eb_err activity_events_forget(struct db *db, int64_t district_id, int64_t tool_id,
				   const char *statement_id);

/* Replays the student's evidence left (every tool's learning events with a
 * standard and a correct/incorrect, by time) into a fresh mastery state:
 * after events were removed. Caller owns the transaction. */
enum eb_err activity_mastery_replay(struct db *db, int64_t district_id, const char *sid);

/* Retries every quarantined event of the district (after roster or mapping
 * changes) in one transaction; *matched (optional) counts events moved into
 * learning_event. */
enum eb_err activity_rematch(struct db *db, int64_t district_id, int *matched);

/* Maps a tool's activity id to a standard code (insert or replace). */
enum eb_err activity_map_set(struct db *db, int64_t district_id, int64_t tool_id,
			     const char *activity_id, const char *standard_code);

/* Finds a Common Core math code in s (e.g. "3.NF.A.1", "CCSS.Math.Content.3.NF.A.1",
 * "k-cc-b-4", "6.RP.A.3a", "HSA-SSE.A.1") and writes its canonical form
 * ("3.NF.A.1", "K.CC.B.4", "6.RP.A.3a", "HSA-SSE.A.1") into out. Returns true
 * when one was found; out is "" otherwise. cap >= 32 is enough. */
bool activity_extract_ccss_code(const char *s, char *out, size_t cap);

/* Appends a JSON array of the district's quarantined events (newest first,
 * at most limit, 1..1000) to out: [{"id","toolId","reason","actorKey",
 * "activityId","occurredAt","source","statementId"}]. tool_id 0 = all tools
 * (IT staff view). */
enum eb_err activity_quarantine_json(struct db *db, int64_t district_id, int64_t tool_id, int limit,
				     struct buf *out);

/* Appends a JSON array of the tool's activities that have no standard yet
 * (quarantined for that reason, or usage stored without one), with counts:
 * [{"activityId","events"}], most events first, at most limit (1..1000). */
enum eb_err activity_unmapped_json(struct db *db, int64_t district_id, int64_t tool_id, int limit,
				   struct buf *out);

/* Exact counts by scanning the tool's rows (tests check the summaries of
 * activity_tool_data against them). */
enum eb_err activity_counts(struct db *db, int64_t district_id, int64_t tool_id,
			    int64_t *statements, int64_t *events, int64_t *quarantined);

/* ---- CSV imports and the tool page (added for vendor CSV exports) ------ */

/* *found true when a learning event or a quarantine row of the tool carries
 * statement_id (indexed lookups). Lets importers skip rows already stored. */
enum eb_err activity_event_exists(struct db *db, int64_t district_id, int64_t tool_id,
				  const char *statement_id, bool *found);

/* Records, inside the import's transaction, that a CSV export of the tool
 * was received now (an import_run row of kind 'csv' with the counts), so
 * that the tool page's last received time is a receipt time. */
enum eb_err activity_csv_received(struct db *db, int64_t district_id, int64_t tool_id,
				  const char *source, int64_t started_at, size_t events,
				  size_t quarantined, size_t skipped);

#define ACTIVITY_DAYS 30

/* What a tool has sent, for its page. per_day[i] counts learning events and
 * quarantined events that occurred on day first_day + i (days since the
 * epoch, UTC; first_day = today - 29). Read from the summary tables that
 * triggers keep (migration 010), not by scanning. last_received: the latest
 * receipt:
 * the statements' stored time, Caliper events' and CSV imports' receipt,
 * quarantine rows' creation (Unix seconds; 0 when none). */
struct activity_tool_data {
	int64_t statements, events, quarantined;
	int64_t students; /* distinct roster students matched */
	int64_t last_received;
	int32_t first_day;
	int64_t per_day[ACTIVITY_DAYS];
};
enum eb_err activity_tool_data(struct db *db, int64_t district_id, int64_t tool_id, int64_t now,
			       struct activity_tool_data *out);

struct activity_count {
	const char *text; /* a reason or an activity id (arena) */
	int64_t count;
};

/* Quarantine reasons of the tool with their counts, most frequent first. */
enum eb_err activity_quarantine_reasons(struct db *db, int64_t district_id, int64_t tool_id,
					struct arena *a, struct activity_count **out, size_t *n);

struct activity_quarantined {
	int64_t id, occurred_at;
	const char *actor_key, *activity_id, *reason, *source; /* arena; activity may be NULL */
};

/* The latest `limit` (1..500) quarantine rows of the tool, newest first. */
enum eb_err activity_quarantine_list(struct db *db, int64_t district_id, int64_t tool_id, int limit,
				     struct arena *a, struct activity_quarantined **out, size_t *n);

/* Activities of the tool not yet mapped to a standard: distinct activity ids
 * of quarantined events waiting for a standard and of stored events without
 * one, that have no activity_map row; with their event counts, most events
 * first, at most `limit` (1..500). */
enum eb_err activity_unmapped(struct db *db, int64_t district_id, int64_t tool_id, int limit,
			      struct arena *a, struct activity_count **out, size_t *n);

/* Removes the learning events and quarantine rows a source stored under
 * statement_id (a corrected result replacing its earlier evidence: the
 * common assessments' item results). Nothing there: EB_OK. The caller holds
 * the transaction. The online mastery estimate is not rewound; the nightly
 * refit reads what is left. */
enum eb_err activity_event_forget(struct db *db, int64_t district_id, int64_t tool_id,
				  const char *statement_id);

#endif
