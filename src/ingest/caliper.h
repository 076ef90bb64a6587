/* caliper.h - IMS Caliper 1.1/1.2 envelopes and events, HTTP-free.
 *
 * The web layer authenticates the bearer token to (district_id, tool_id),
 * passes the body bytes and answers with out->body, in the HTTP status it
 * picks for out->rc (web/api/ingest.c). Bodies are read with base/json.h.
 *
 * Accepted payloads: an envelope {sensor, sendTime, dataVersion, data[]}
 * whose data holds events and/or entities ("describes"), or one bare event.
 * Events are validated (required properties, @context, urn:uuid id, type,
 * the action allowed for the type by the Caliper 1.2 profiles, entity types
 * of actor/object/generated/target/referrer/edApp/group/membership/session,
 * date-times, durations, extensions) and stored; Assessment, AssessmentItem,
 * Grade, ToolUse, Session, Media, View and Navigation events also become
 * learning events. Entities inside an envelope are validated and counted,
 * not stored. A bare entity (no envelope) is rejected as not an event. */
#ifndef EB_CALIPER_H
#define EB_CALIPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;
struct jv;
struct learning_event_in;

#define CALIPER_MAX_BODY (8u << 20)
#define CALIPER_MAX_EVENTS 1000

/* How a POST ended: rc EB_OK (body: the JSON counts); EB_EINVAL or
 * EB_EPARSE (the payload is wrong), EB_ETOOBIG (over a cap), EB_EBUSY (the
 * writer's queue is full; nothing stored); any other code (EB_EDB for every
 * failure to store): the server failed. Unless rc is EB_OK the body is the
 * reason, one line of text ending in "\n". */
struct caliper_result {
	enum eb_err rc;
	char *body; /* malloc'd, NUL-terminated */
	size_t body_len;
};

void caliper_result_free(struct caliper_result *out);

/* Validates one Caliper entity (object form) at path; err gets
 * "<path>: <reason>". Known types, id (IRI), property kinds (strings,
 * integers, numbers, date-times, durations, lists, entity references).
 * This is the strict conformance check: xsd:float properties (scoreGiven,
 * maxScore, metricValue ...) must be written as decimals (8.0). Ingest
 * (caliper_post, caliper_validate_json) accepts integers there too, because
 * JavaScript sensors cannot write 8.0. */
enum eb_err caliper_validate_entity(struct jv *entity, const char *path, char *err, size_t errcap);

/* Validates one event object at path. */
enum eb_err caliper_validate_event(struct jv *event, const char *path, char *err, size_t errcap);

/* Parses (size-capped) and validates an envelope or a bare event.
 * *events / *entities (optional) count what it holds. EB_EPARSE bad JSON,
 * EB_ETOOBIG over the caps, EB_EINVAL invalid (err says where and why). */
enum eb_err caliper_validate_json(const char *json, size_t len, char *err, size_t errcap,
				  size_t *events, size_t *entities);

/* Fills ev from a validated event of a mapped type; false for others.
 * Pointers borrow from event and scratch (scratch_cap >= 512). */
bool caliper_map_event(struct jv *ev, struct learning_event_in *out, char *scratch,
		       size_t scratch_cap);

/* POST /caliper: validates everything first, then stores every event of the
 * payload in one transaction (an event id already stored for the tool is
 * skipped, each new one stored as sent less its whitespace), records learning
 * events. EB_OK with {"events":N,"duplicates":N,"entities":N,"learningEvents":N};
 * EB_EINVAL / EB_EPARSE with the reason and JSON path; EB_ETOOBIG over the
 * caps. Returns out->rc. */
enum eb_err caliper_post(struct db *db, int64_t district_id, int64_t tool_id, const char *json,
			 size_t len, struct caliper_result *out);

/* caliper_post in two halves, as xapi_post_begin / xapi_write_end (xapi.h):
 * NULL means out holds the answer; otherwise run caliper_write_job(x) through
 * the group commit, then caliper_write_end fills out and frees x. */
struct caliper_write;
struct db_write;
struct caliper_write *caliper_post_begin(int64_t district_id, int64_t tool_id, const char *json,
					 size_t len, struct caliper_result *out);
struct db_write *caliper_write_job(struct caliper_write *x);
enum eb_err caliper_write_end(struct caliper_write *x, struct caliper_result *out);

#endif
