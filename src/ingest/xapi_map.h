/* xapi_map.h - an xAPI statement read as a learning event: who (the agent
 * key and the roster hints), which item and standard, how well, when. */
#ifndef EB_XAPI_MAP_H
#define EB_XAPI_MAP_H

#include <stdbool.h>
#include <stddef.h>

struct jv;
struct learning_event_in;

/* Fills ev from a validated statement (pointers borrow from stmt and from
 * scratch, scratch_cap >= 512). Returns false when the statement carries no
 * learner evidence to map (Group actor, non-Activity object, voiding). */
bool xapi_map_event(struct jv *stmt, struct learning_event_in *ev, char *scratch,
		    size_t scratch_cap);

/* Agent key of an Agent/Group object with an identifier ("mbox:mailto:a@b",
 * "mbox_sha1sum:<hex>", "openid:<iri>", "account:<homePage> <name>"), written
 * into out. false when there is none. */
bool xapi_agent_key(struct jv *agent, char *out, size_t cap);

#endif
