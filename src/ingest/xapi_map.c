/* xapi_map.c - a statement read as a learning event (xapi_map.h). */
#include "ingest/xapi_map.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "ingest/xapi_validate.h"

bool xapi_agent_key(struct jv *agent, char *out, size_t cap)
{
	struct jv *v;
	if ((v = jv_get(agent, "mbox")) && jv_is_string(v))
		snprintf(out, cap, "mbox:%s", jv_str(v));
	else if ((v = jv_get(agent, "mbox_sha1sum")) && jv_is_string(v))
		snprintf(out, cap, "mbox_sha1sum:%s", jv_str(v));
	else if ((v = jv_get(agent, "openid")) && jv_is_string(v))
		snprintf(out, cap, "openid:%s", jv_str(v));
	else if ((v = jv_get(agent, "account")) && jv_is_object(v))
		snprintf(out, cap, "account:%s %s", jv_str(jv_get(v, "homePage")) ?: "",
			 jv_str(jv_get(v, "name")) ?: "");
	else {
		if (cap)
			out[0] = '\0';
		return false;
	}
	/* mbox_sha1sum is hex: compare case-insensitively by storing lower case */
	if (!strncmp(out, "mbox_sha1sum:", 13))
		for (char *p = out + 13; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return true;
}

/* A CCSS code in the definition's extension values, name or description. */
static bool definition_code(struct jv *def, char *out, size_t cap)
{
	static const char *const maps[] = { "extensions", "name", "description", NULL };
	for (const char *const *m = maps; *m; m++) {
		const char *key;
		struct jv *val;
		struct jv *map = jv_get(def, *m);
		jv_object_foreach(map, key, val)
		{
			if (jv_is_string(val) && activity_extract_ccss_code(jv_str(val), out, cap))
				return true;
			if (!strcmp(*m, "extensions") && activity_extract_ccss_code(key, out, cap))
				return true;
		}
	}
	return false;
}

bool xapi_map_event(struct jv *stmt, struct learning_event_in *ev, char *scratch, size_t cap)
{
	struct jv *actor = jv_get(stmt, "actor"), *obj = jv_get(stmt, "object");
	const char *ot = xapi_object_type(obj);
	if ((ot && strcmp(ot, "Activity")) || xapi_is_voiding(stmt) || cap < 512)
		return false;
	const char *at = xapi_object_type(actor);
	if (at && !strcmp(at, "Group"))
		return false;
	memset(ev, 0, sizeof *ev);
	/* scratch: [0, cap/2) actor key, [cap/2, cap/2+64) standard code */
	size_t half = cap / 2;
	if (!xapi_agent_key(actor, scratch, half))
		return false;
	ev->actor_key = scratch;
	struct jv *acc = jv_get(actor, "account");
	ev->match_name = acc ? jv_str(jv_get(acc, "name")) : NULL;
	const char *mbox = jv_str(jv_get(actor, "mbox"));
	ev->match_email = mbox ? mbox + 7 : NULL;
	ev->activity_id = jv_str(jv_get(obj, "id"));
	ev->item_id = ev->activity_id;
	char *code = scratch + half;
	if (definition_code(jv_get(obj, "definition"), code, 64))
		ev->standard_code = code;
	struct jv *res = jv_get(stmt, "result");
	struct jv *succ = jv_get(res, "success");
	ev->correct = jv_is_boolean(succ) ? jv_is_true(succ) : -1;
	struct jv *score = jv_get(res, "score");
	struct jv *sc = jv_get(score, "scaled"), *raw = jv_get(score, "raw");
	struct jv *mn = jv_get(score, "min"), *mx = jv_get(score, "max");
	ev->score = -1;
	if (sc)
		ev->score = jv_num(sc) < 0 ? 0 : jv_num(sc);
	else if (raw && mx) {
		double lo = mn ? jv_num(mn) : 0, hi = jv_num(mx);
		if (hi > lo)
			ev->score = (jv_num(raw) - lo) / (hi - lo);
		if (ev->score > 1 || ev->score < 0)
			ev->score = ev->score > 1 ? 1 : 0;
	}
	ev->duration_s = -1;
	const char *dur = jv_str(jv_get(res, "duration"));
	if (dur && !xapi_parse_duration(dur, &ev->duration_s))
		ev->duration_s = -1;
	int64_t ms = 0;
	const char *ts = jv_str(jv_get(stmt, "timestamp"));
	if (ts && xapi_parse_timestamp(ts, &ms))
		ev->occurred_at = ms / 1000;
	else
		ev->occurred_at = time_now();
	ev->source = "xapi";
	ev->statement_id = jv_str(jv_get(stmt, "id"));
	ev->verb = jv_str(jv_get(jv_get(stmt, "verb"), "id"));
	return true;
}
