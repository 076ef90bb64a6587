/* xapi_validate.c - xAPI statement validation (xapi_validate.h).
 *
 * Validation is table-driven (ingest/validate.h): each JSON object kind
 * (statement, agent, activity definition, result, context ...) has a table
 * of the properties it may carry with a checker per property. Unknown
 * properties are errors. */
#include "ingest/xapi_validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/json.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "ingest/validate.h"

/* ---- lexical checks ----------------------------------------------------- */

bool xapi_is_iri(const char *s)
{
	return val_is_iri(s, true);
}

static bool is_hex(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

bool xapi_is_uuid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	if (strlen(s) != 36)
		return false;
	for (int i = 0, d = 0; i < 36; i++) {
		if (d < 4 && i == dash[d]) {
			if (s[i] != '-')
				return false;
			d++;
		} else if (!is_hex(s[i])) {
			return false;
		}
	}
	return true;
}

/* BCP 47 shape: subtags of 1-8 alphanumerics joined by '-', the first
 * alphabetic (2-8 letters, or the i / x singletons). */
static bool is_lang_tag(const char *s)
{
	size_t first = 0;
	while (isalpha((unsigned char)s[first]))
		first++;
	if (!(first >= 2 && first <= 8) &&
	    !(first == 1 && (s[0] == 'x' || s[0] == 'X' || s[0] == 'i' || s[0] == 'I')))
		return false;
	if (first == 1 && s[1] != '-')
		return false;
	const char *p = s + first;
	while (*p) {
		if (*p != '-')
			return false;
		p++;
		size_t n = 0;
		while (isalnum((unsigned char)p[n]))
			n++;
		if (n < 1 || n > 8)
			return false;
		p += n;
	}
	return true;
}

static bool has_zone(const char *s);

bool xapi_negative_zero_offset(const char *s)
{
	size_t n = strlen(s);
	const char *t = strchr(s, 'T');
	if (!t)
		t = strchr(s, 't');
	if (!t)
		return false;
	size_t tn = strlen(t);
	return (tn > 6 && !strcmp(s + n - 6, "-00:00")) ||
	       (tn > 5 && !strcmp(s + n - 5, "-0000")) ||
	       (tn > 3 && !strcmp(s + n - 3, "-00") && isdigit((unsigned char)s[n - 4]));
}

/* ISO 8601 date-time; one without a zone is read as UTC (xAPI 1.0.3 only
 * recommends the zone; c_timestamp refuses it in 2.0). */
bool xapi_parse_timestamp(const char *s, int64_t *ms)
{
	int64_t t;
	int32_t milli;
	char tmp[64];
	if (xapi_negative_zero_offset(s))
		return false;
	if (!has_zone(s) && strlen(s) < sizeof tmp - 1) {
		snprintf(tmp, sizeof tmp, "%sZ", s);
		s = tmp;
	}
	if (time_parse_iso(str_from(s), &t, &milli))
		return false;
	if (ms)
		*ms = t * 1000 + milli;
	return true;
}

bool xapi_parse_duration(const char *s, double *secs)
{
	return val_parse_duration(s, true, secs);
}

/* ---- property tables ---------------------------------------------------- */

/* Properties that exist only in xAPI 2.0: unknown in 1.0.3 (val_ctx.hidden). */
#define XAPI_F_V2 VAL_TAGS

/* The xAPI context: the version being validated and the arena that holds
 * the normalised contextActivities. */
struct xctx {
	struct val_ctx c; /* first: checkers get &x->c and cast back */
	enum xapi_version v;
	struct arena *a;
};

static struct xctx *X(struct val_ctx *c)
{
	return (struct xctx *)c;
}

static void xctx_init(struct xctx *x, struct arena *a, enum xapi_version v, const char *path,
		      char *err, size_t cap)
{
	val_init(&x->c, path, err, cap);
	x->c.hidden = v == XAPI_V2 ? 0 : XAPI_F_V2;
	x->v = v;
	x->a = a;
}

static int c_string(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) ? 0 : val_fail(c, "must be a string");
}

static int c_bool(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_boolean(v) ? 0 : val_fail(c, "must be true or false");
}

static int c_number(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_number(v) ? 0 : val_fail(c, "must be a number");
}

static int c_iri(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_string(v))
		return val_fail(c, "must be a string (an IRI)");
	return xapi_is_iri(jv_str(v)) ? 0 : val_fail(c, "must be an absolute IRI (scheme:...)");
}

static int c_uuid(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_string(v) || !xapi_is_uuid(jv_str(v)))
		return val_fail(c, "must be a UUID (8-4-4-4-12 hex digits)");
	return 0;
}

/* Whether an ISO 8601 time ends in a zone designator (Z or +hh:mm / -hh:mm). */
static bool has_zone(const char *s)
{
	size_t n = strlen(s);
	if (n && (s[n - 1] == 'Z' || s[n - 1] == 'z'))
		return true;
	return n > 6 && (s[n - 6] == '+' || s[n - 6] == '-') && s[n - 3] == ':';
}

static int c_timestamp(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (jv_is_string(v) && xapi_negative_zero_offset(jv_str(v)))
		return val_fail(c, "must not use the -00:00 offset (RFC 3339: an unknown local"
				   " offset); use Z or +00:00 for UTC");
	if (!jv_is_string(v) || !xapi_parse_timestamp(jv_str(v), NULL))
		return val_fail(c, "must be an ISO 8601 timestamp (e.g. 2024-05-01T10:00:00.000Z)");
	/* xAPI 2.0 timestamps follow RFC 3339, which requires the offset */
	if (X(c)->v == XAPI_V2 && !has_zone(jv_str(v)))
		return val_fail(c, "must carry a time zone (Z or +hh:mm) in xAPI 2.0");
	return 0;
}

static int c_duration(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_string(v) || !xapi_parse_duration(jv_str(v), NULL))
		return val_fail(c, "must be an ISO 8601 duration (e.g. PT1M30S)");
	return 0;
}

static int c_lang_tag(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_string(v) || !is_lang_tag(jv_str(v)))
		return val_fail(c, "must be an RFC 5646 language tag (e.g. en-US)");
	return 0;
}

static int c_lang_map(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_object(v))
		return val_fail(c, "must be a language map (object of language tag -> string)");
	const char *key;
	struct jv *val;
	jv_object_foreach(v, key, val)
	{
		size_t m = val_push_key(c, key);
		if (!is_lang_tag(key)) {
			val_fail(c, "is not a valid language tag");
			val_pop(c, m);
			return -1;
		}
		if (!jv_is_string(val)) {
			val_fail(c, "must be a string");
			val_pop(c, m);
			return -1;
		}
		val_pop(c, m);
	}
	return 0;
}

static int c_extensions(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_object(v))
		return val_fail(c, "must be an object whose keys are IRIs");
	const char *key;
	struct jv *val;
	jv_object_foreach(v, key, val)
	{
		(void)val;
		if (!xapi_is_iri(key)) {
			size_t m = val_push_key(c, key);
			val_fail(c, "extension keys must be IRIs");
			val_pop(c, m);
			return -1;
		}
	}
	return 0;
}

static int c_version(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	const char *s = jv_is_string(v) ? jv_str(v) : NULL;
	/* 1.0.3: "An LRS MUST reject all Statements with a version specified that
	 * does not start with 1.0."; 2.0 reads 1.0.x and 2.0.x statements */
	if (s && X(c)->v == XAPI_V1 && !strncmp(s, "2.0", 3))
		return val_fail(c, "must be 1.0.x in an xAPI 1.0.3 request (send the"
				   " X-Experience-API-Version header 2.0.0 for 2.0 statements)");
	if (s && (!strncmp(s, "1.0", 3) || !strncmp(s, "2.0", 3))) {
		const char *p = s + 3;
		if (!*p)
			return 0;
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			p++;
			while (isdigit((unsigned char)*p))
				p++;
			if (!*p)
				return 0;
		}
	}
	return val_fail(c, "must be 1.0.x or 2.0.x");
}

/* ---- agents ------------------------------------------------------------- */

static int c_mbox(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_string(v))
		return val_fail(c, "must be a string");
	const char *s = jv_str(v);
	if (strncmp(s, "mailto:", 7))
		return val_fail(c, "must start with mailto:");
	const char *at = strchr(s + 7, '@');
	if (!at || at == s + 7 || !at[1] || strchr(s, ' '))
		return val_fail(c, "must be mailto: followed by an email address");
	return 0;
}

static int c_sha1(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	const char *s = jv_is_string(v) ? jv_str(v) : "";
	size_t n = strlen(s);
	bool ok = n == 40;
	for (size_t i = 0; ok && i < n; i++)
		ok = is_hex(s[i]);
	return ok ? 0 : val_fail(c, "must be 40 hex digits (SHA-1 of the mailto IRI)");
}

static const struct val_field account_fields[] = { { "homePage", c_iri, VAL_REQUIRED },
						   { "name", c_string, VAL_REQUIRED },
						   { NULL, NULL, 0 } };

static int c_account(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return val_check_fields(c, v, account_fields);
}

static int c_object_type_agent(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "Agent") ? 0
							      : val_fail(c, "must be \"Agent\"");
}

static int c_object_type_group(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "Group") ? 0
							      : val_fail(c, "must be \"Group\"");
}

static const char *const ifi_names[] = { "mbox", "mbox_sha1sum", "openid", "account", NULL };

static int count_ifi(struct jv *o)
{
	int n = 0;
	for (const char *const *k = ifi_names; *k; k++)
		n += jv_get(o, *k) != NULL;
	return n;
}

static const struct val_field agent_fields[] = { { "objectType", c_object_type_agent, 0 },
						 { "name", c_string, 0 },
						 { "mbox", c_mbox, 0 },
						 { "mbox_sha1sum", c_sha1, 0 },
						 { "openid", c_iri, 0 },
						 { "account", c_account, 0 },
						 { NULL, NULL, 0 } };

static int check_agent(struct val_ctx *c, struct jv *v)
{
	if (val_check_fields(c, v, agent_fields))
		return -1;
	int n = count_ifi(v);
	if (n != 1)
		return val_fail(c,
				"an Agent needs exactly one of mbox, mbox_sha1sum, openid,"
				" account (has %d)",
				n);
	return 0;
}

static int c_members(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_array(v))
		return val_fail(c, "must be an array of Agents");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m)
	{
		size_t mark = val_push_index(c, i);
		int r = check_agent(c, m);
		val_pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static const struct val_field group_fields[] = { { "objectType", c_object_type_group,
						   VAL_REQUIRED },
						 { "name", c_string, 0 },
						 { "mbox", c_mbox, 0 },
						 { "mbox_sha1sum", c_sha1, 0 },
						 { "openid", c_iri, 0 },
						 { "account", c_account, 0 },
						 { "member", c_members, 0 },
						 { NULL, NULL, 0 } };

static int check_group(struct val_ctx *c, struct jv *v)
{
	if (val_check_fields(c, v, group_fields))
		return -1;
	int n = count_ifi(v);
	if (n > 1)
		return val_fail(
			c,
			"a Group has at most one of mbox, mbox_sha1sum, openid, account (has %d)",
			n);
	if (n == 0 && !jv_get(v, "member"))
		return val_fail(c, "an anonymous Group (no identifier) needs a member array");
	return 0;
}

const char *xapi_object_type(struct jv *v)
{
	struct jv *t = jv_get(v, "objectType");
	return jv_is_string(t) ? jv_str(t) : NULL;
}

/* Agent or Group. */
static int c_actor(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_object(v))
		return val_fail(c, "must be an Agent or Group object");
	const char *t = xapi_object_type(v);
	if (t && !strcmp(t, "Group"))
		return check_group(c, v);
	return check_agent(c, v);
}

/* The statement's authority: an Agent, or a Group that is an OAuth
 * consumer pair: exactly two Agents in member (1.0.3 Data 2.4.9, 2.0
 * the same). */
static int c_authority(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (c_actor(c, v, f))
		return -1;
	const char *t = xapi_object_type(v);
	if (!t || strcmp(t, "Group"))
		return 0;
	struct jv *m = jv_get(v, "member");
	if (!jv_is_array(m) || jv_size(m) != 2)
		return val_fail(c,
				"a Group authority must be an OAuth consumer pair: a member"
				" array of exactly two Agents (has %zu)",
				jv_is_array(m) ? jv_size(m) : (size_t)0);
	return 0;
}

static int c_group(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_object(v))
		return val_fail(c, "must be a Group object");
	return check_group(c, v);
}

/* ---- verb, activity ----------------------------------------------------- */

static const struct val_field verb_fields[] = { { "id", c_iri, VAL_REQUIRED },
						{ "display", c_lang_map, 0 },
						{ NULL, NULL, 0 } };

static int c_verb(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return val_check_fields(c, v, verb_fields);
}

static const struct val_field component_fields[] = { { "id", c_string, VAL_REQUIRED },
						     { "description", c_lang_map, 0 },
						     { NULL, NULL, 0 } };

static int c_components(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_array(v))
		return val_fail(c, "must be an array of interaction components");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m)
	{
		size_t mark = val_push_index(c, i);
		int r = val_check_fields(c, m, component_fields);
		if (!r) {
			/* ids unique within the list */
			for (size_t j = 0; j < i; j++)
				if (jv_equal(jv_get(jv_at(v, j), "id"), jv_get(m, "id")))
					r = val_fail(c, "duplicate interaction component id");
		}
		val_pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static const char *const interaction_types[] = { "true-false",	 "choice",   "fill-in",
						 "long-fill-in", "matching", "performance",
						 "sequencing",	 "likert",   "numeric",
						 "other",	 NULL };

static int c_interaction_type(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	const char *s = jv_is_string(v) ? jv_str(v) : "";
	for (const char *const *t = interaction_types; *t; t++)
		if (!strcmp(*t, s))
			return 0;
	return val_fail(c, "must be one of true-false, choice, fill-in, long-fill-in, matching,"
			   " performance, sequencing, likert, numeric, other");
}

static int c_string_array(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_array(v))
		return val_fail(c, "must be an array of strings");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m)
	{
		if (!jv_is_string(m)) {
			size_t mark = val_push_index(c, i);
			val_fail(c, "must be a string");
			val_pop(c, mark);
			return -1;
		}
	}
	return 0;
}

static const struct val_field definition_fields[] = { { "name", c_lang_map, 0 },
						      { "description", c_lang_map, 0 },
						      { "type", c_iri, 0 },
						      { "moreInfo", c_iri, 0 },
						      { "extensions", c_extensions, 0 },
						      { "interactionType", c_interaction_type, 0 },
						      { "correctResponsesPattern", c_string_array,
							0 },
						      { "choices", c_components, 0 },
						      { "scale", c_components, 0 },
						      { "source", c_components, 0 },
						      { "target", c_components, 0 },
						      { "steps", c_components, 0 },
						      { NULL, NULL, 0 } };

/* Which component lists each interaction type may carry. */
static const struct {
	const char *type, *lists;
} interaction_lists[] = { { "choice", "choices" },    { "sequencing", "choices" },
			  { "likert", "scale" },      { "matching", "source target" },
			  { "performance", "steps" }, { NULL, NULL } };

static int c_definition(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (val_check_fields(c, v, definition_fields))
		return -1;
	struct jv *it = jv_get(v, "interactionType");
	static const char *const lists[] = {
		"choices", "scale", "source", "target", "steps", NULL
	};
	for (const char *const *l = lists; *l; l++) {
		if (!jv_get(v, *l))
			continue;
		const char *allowed = "";
		if (jv_is_string(it))
			for (size_t i = 0; interaction_lists[i].type; i++)
				if (!strcmp(interaction_lists[i].type, jv_str(it)))
					allowed = interaction_lists[i].lists;
		if (!strstr(allowed, *l)) {
			size_t m = val_push_key(c, *l);
			val_fail(c, "not allowed for interactionType %s",
				 jv_is_string(it) ? jv_str(it) : "(none)");
			val_pop(c, m);
			return -1;
		}
	}
	if ((jv_get(v, "correctResponsesPattern")) && !it) {
		size_t m = val_push_key(c, "correctResponsesPattern");
		val_fail(c, "needs interactionType");
		val_pop(c, m);
		return -1;
	}
	return 0;
}

static int c_object_type_activity(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "Activity")
		       ? 0
		       : val_fail(c, "must be \"Activity\"");
}

static const struct val_field activity_fields[] = { { "objectType", c_object_type_activity, 0 },
						    { "id", c_iri, VAL_REQUIRED },
						    { "definition", c_definition, 0 },
						    { NULL, NULL, 0 } };

static int c_activity(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return val_check_fields(c, v, activity_fields);
}

static int c_object_type_ref(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "StatementRef")
		       ? 0
		       : val_fail(c, "must be \"StatementRef\"");
}

static const struct val_field statement_ref_fields[] = { { "objectType", c_object_type_ref,
							   VAL_REQUIRED },
							 { "id", c_uuid, VAL_REQUIRED },
							 { NULL, NULL, 0 } };

static int c_statement_ref(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return val_check_fields(c, v, statement_ref_fields);
}

/* ---- result, context, attachments -------------------------------------- */

static const struct val_field score_fields[] = { { "scaled", c_number, 0 },
						 { "raw", c_number, 0 },
						 { "min", c_number, 0 },
						 { "max", c_number, 0 },
						 { NULL, NULL, 0 } };

static int c_score(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (val_check_fields(c, v, score_fields))
		return -1;
	struct jv *sc = jv_get(v, "scaled"), *raw = jv_get(v, "raw");
	struct jv *mn = jv_get(v, "min"), *mx = jv_get(v, "max");
	size_t m;
	int r = 0;
	if (sc && (jv_num(sc) < -1 || jv_num(sc) > 1)) {
		m = val_push_key(c, "scaled");
		r = val_fail(c, "must be between -1 and 1");
		val_pop(c, m);
	} else if (mn && mx && jv_num(mn) >= jv_num(mx)) {
		m = val_push_key(c, "min");
		r = val_fail(c, "must be less than max");
		val_pop(c, m);
	} else if (raw && mn && jv_num(raw) < jv_num(mn)) {
		m = val_push_key(c, "raw");
		r = val_fail(c, "must not be less than min");
		val_pop(c, m);
	} else if (raw && mx && jv_num(raw) > jv_num(mx)) {
		m = val_push_key(c, "raw");
		r = val_fail(c, "must not be greater than max");
		val_pop(c, m);
	}
	return r;
}

static const struct val_field result_fields[] = { { "score", c_score, 0 },
						  { "success", c_bool, 0 },
						  { "completion", c_bool, 0 },
						  { "response", c_string, 0 },
						  { "duration", c_duration, 0 },
						  { "extensions", c_extensions, 0 },
						  { NULL, NULL, 0 } };

static int c_result(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return val_check_fields(c, v, result_fields);
}

static int c_context_activity_list(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (jv_is_object(v))
		return c_activity(c, v, NULL); /* normalised by c_context_activities */
	if (!jv_is_array(v))
		return val_fail(c, "must be an array of Activities");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m)
	{
		size_t mark = val_push_index(c, i);
		int r = c_activity(c, m, NULL);
		val_pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static const struct val_field context_activities_fields[] = {
	{ "parent", c_context_activity_list, 0 },
	{ "grouping", c_context_activity_list, 0 },
	{ "category", c_context_activity_list, 0 },
	{ "other", c_context_activity_list, 0 },
	{ NULL, NULL, 0 }
};

static int c_context_activities(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (val_check_fields(c, v, context_activities_fields))
		return -1;
	/* xAPI 1.0.3 allows one Activity object; store it as a one-element array */
	const char *key;
	struct jv *val;
	jv_object_foreach(v, key, val)
	{
		if (jv_is_object(val)) {
			if (X(c)->v == XAPI_V2) {
				size_t m = val_push_key(c, key);
				val_fail(c, "must be an array of Activities (xAPI 2.0)");
				val_pop(c, m);
				return -1;
			}
			if (!jv_wrap_array(X(c)->a, val))
				return val_fail(c, "out of memory");
		}
	}
	return 0;
}

static int c_relevant_types(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	if (!jv_is_array(v) || jv_size(v) == 0)
		return val_fail(c, "must be a non-empty array of IRIs");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m)
	{
		size_t mark = val_push_index(c, i);
		int r = c_iri(c, m, NULL);
		val_pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static int c_object_type_context_agent(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "contextAgent")
		       ? 0
		       : val_fail(c, "must be \"contextAgent\"");
}

static int c_object_type_context_group(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "contextGroup")
		       ? 0
		       : val_fail(c, "must be \"contextGroup\"");
}

static const struct val_field context_agent_fields[] = {
	{ "objectType", c_object_type_context_agent, VAL_REQUIRED },
	{ "agent", c_actor, VAL_REQUIRED },
	{ "relevantTypes", c_relevant_types, 0 },
	{ NULL, NULL, 0 }
};
static const struct val_field context_group_fields[] = {
	{ "objectType", c_object_type_context_group, VAL_REQUIRED },
	{ "group", c_group, VAL_REQUIRED },
	{ "relevantTypes", c_relevant_types, 0 },
	{ NULL, NULL, 0 }
};

static int check_list_of(struct val_ctx *c, struct jv *v, const struct val_field *fields)
{
	if (!jv_is_array(v))
		return val_fail(c, "must be an array");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m)
	{
		size_t mark = val_push_index(c, i);
		int r = val_check_fields(c, m, fields);
		val_pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static int c_context_agents(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return check_list_of(c, v, context_agent_fields);
}

static int c_context_groups(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return check_list_of(c, v, context_group_fields);
}

static const struct val_field context_fields[] = { { "registration", c_uuid, 0 },
						   { "instructor", c_actor, 0 },
						   { "team", c_group, 0 },
						   { "contextActivities", c_context_activities, 0 },
						   { "revision", c_string, 0 },
						   { "platform", c_string, 0 },
						   { "language", c_lang_tag, 0 },
						   { "statement", c_statement_ref, 0 },
						   { "extensions", c_extensions, 0 },
						   { "contextAgents", c_context_agents, XAPI_F_V2 },
						   { "contextGroups", c_context_groups, XAPI_F_V2 },
						   { NULL, NULL, 0 } };

static int c_context(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return val_check_fields(c, v, context_fields);
}

static int c_length(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_integer(v) && jv_int(v) >= 0 ? 0
						  : val_fail(c, "must be a non-negative integer");
}

static int c_sha2(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	const char *s = jv_is_string(v) ? jv_str(v) : "";
	size_t n = strlen(s);
	bool ok = n == 56 || n == 64 || n == 96 || n == 128;
	for (size_t i = 0; ok && i < n; i++)
		ok = is_hex(s[i]);
	return ok ? 0 : val_fail(c, "must be a SHA-2 hash in hex");
}

static const struct val_field attachment_fields[] = { { "usageType", c_iri, VAL_REQUIRED },
						      { "display", c_lang_map, VAL_REQUIRED },
						      { "description", c_lang_map, 0 },
						      { "contentType", c_string, VAL_REQUIRED },
						      { "length", c_length, VAL_REQUIRED },
						      { "sha2", c_sha2, VAL_REQUIRED },
						      { "fileUrl", c_iri, 0 },
						      { NULL, NULL, 0 } };

/* The structure only: whether an attachment without fileUrl has its part
 * (or is in an application/json request) is xapi_attach_check's rule. */
static int c_attachments(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return check_list_of(c, v, attachment_fields) ? -1 : 0;
}

/* ---- statement, object, substatement ------------------------------------ */

static int c_object(struct val_ctx *c, struct jv *v, const struct val_field *f);
static int c_sub_object(struct val_ctx *c, struct jv *v, const struct val_field *f);

static int c_object_type_sub(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "SubStatement")
		       ? 0
		       : val_fail(c, "must be \"SubStatement\"");
}

static const struct val_field substatement_fields[] = { { "objectType", c_object_type_sub,
							  VAL_REQUIRED },
							{ "actor", c_actor, VAL_REQUIRED },
							{ "verb", c_verb, VAL_REQUIRED },
							{ "object", c_sub_object, VAL_REQUIRED },
							{ "result", c_result, 0 },
							{ "context", c_context, 0 },
							{ "timestamp", c_timestamp, 0 },
							{ "attachments", c_attachments, 0 },
							{ NULL, NULL, 0 } };

static int c_substatement(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return val_check_fields(c, v, substatement_fields);
}

static int c_object_agent(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return check_agent(c, v);
}

static const struct {
	const char *type;
	val_check_fn check;
} object_kinds[] = { { "Activity", c_activity },
		     { "Agent", c_object_agent },
		     { "Group", c_group },
		     { "StatementRef", c_statement_ref },
		     { "SubStatement", c_substatement },
		     { NULL, NULL } };

static int check_object_kind(struct val_ctx *c, struct jv *v, bool allow_sub)
{
	if (!jv_is_object(v))
		return val_fail(
			c,
			"must be an object (Activity, Agent, Group, StatementRef or SubStatement)");
	struct jv *t = jv_get(v, "objectType");
	const char *type = t ? jv_str(t) : "Activity";
	if (t && !type) {
		size_t m = val_push_key(c, "objectType");
		val_fail(c, "must be a string");
		val_pop(c, m);
		return -1;
	}
	for (size_t i = 0; object_kinds[i].type; i++) {
		if (strcmp(object_kinds[i].type, type))
			continue;
		if (!allow_sub && object_kinds[i].check == c_substatement) {
			size_t m = val_push_key(c, "objectType");
			val_fail(c, "a SubStatement cannot contain a SubStatement");
			val_pop(c, m);
			return -1;
		}
		return object_kinds[i].check(c, v, NULL);
	}
	size_t m = val_push_key(c, "objectType");
	val_fail(c, "must be Activity, Agent, Group, StatementRef or SubStatement");
	val_pop(c, m);
	return -1;
}

static int c_object(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return check_object_kind(c, v, true);
}

static int c_sub_object(struct val_ctx *c, struct jv *v, const struct val_field *f)
{
	return check_object_kind(c, v, false);
}

static const struct val_field statement_fields[] = { { "id", c_uuid, 0 },
						     { "actor", c_actor, VAL_REQUIRED },
						     { "verb", c_verb, VAL_REQUIRED },
						     { "object", c_object, VAL_REQUIRED },
						     { "result", c_result, 0 },
						     { "context", c_context, 0 },
						     { "timestamp", c_timestamp, 0 },
						     { "stored", c_timestamp, 0 },
						     { "authority", c_authority, 0 },
						     { "version", c_version, 0 },
						     { "attachments", c_attachments, 0 },
						     { NULL, NULL, 0 } };

#define VERB_VOIDED "http://adlnet.gov/expapi/verbs/voided"

bool xapi_is_voiding(struct jv *stmt)
{
	struct jv *verb = jv_get(jv_get(stmt, "verb"), "id");
	return jv_is_string(verb) && !strcmp(jv_str(verb), VERB_VOIDED);
}

/* Cross-property rules of a statement or substatement. */
static int check_statement_rules(struct val_ctx *c, struct jv *stmt)
{
	struct jv *obj = jv_get(stmt, "object");
	const char *ot = xapi_object_type(obj);
	bool activity = !ot || !strcmp(ot, "Activity");
	struct jv *ctx = jv_get(stmt, "context");
	static const char *const only_activity[] = { "revision", "platform", NULL };
	for (const char *const *k = only_activity; ctx && *k; k++) {
		if (!activity && jv_get(ctx, *k)) {
			size_t m = val_push_key(c, "context");
			size_t m2 = val_push_key(c, *k);
			val_fail(c, "only allowed when the object is an Activity");
			val_pop(c, m2);
			val_pop(c, m);
			return -1;
		}
	}
	if (xapi_is_voiding(stmt) && (!ot || strcmp(ot, "StatementRef"))) {
		size_t m = val_push_key(c, "object");
		val_fail(c, "a voiding statement (verb voided) needs a StatementRef object");
		val_pop(c, m);
		return -1;
	}
	return 0;
}

enum eb_err xapi_validate_statement(struct arena *a, struct jv *stmt, enum xapi_version v,
				    const char *path, char *err, size_t errcap)
{
	struct xctx x;
	xctx_init(&x, a, v, path, err, errcap);
	struct val_ctx *c = &x.c;
	if (val_check_fields(c, stmt, statement_fields) || check_statement_rules(c, stmt))
		return EB_EINVAL;
	struct jv *obj = jv_get(stmt, "object");
	const char *ot = xapi_object_type(obj);
	if (ot && !strcmp(ot, "SubStatement")) {
		size_t m = val_push_key(c, "object");
		int r = check_statement_rules(c, obj);
		val_pop(c, m);
		if (r)
			return EB_EINVAL;
	}
	return EB_OK;
}

enum eb_err xapi_validate_agent(struct arena *a, struct jv *agent, enum xapi_version v,
				const char *path, char *err, size_t errcap)
{
	struct xctx x;
	xctx_init(&x, a, v, path, err, errcap);
	return c_actor(&x.c, agent, NULL) ? EB_EINVAL : EB_OK;
}

struct jv *xapi_parse_body(struct arena *a, const char *json, size_t len, char *err, size_t errcap,
			   enum eb_err *rc)
{
	return val_parse_body(a, json, len, XAPI_MAX_BODY, err, errcap, rc);
}

enum eb_err xapi_validate_json(const char *json, size_t len, enum xapi_version v, char *err,
			       size_t errcap)
{
	enum eb_err rc = EB_OK;
	struct arena a;
	arena_init(&a);
	struct jv *root = xapi_parse_body(&a, json, len, err, errcap, &rc);
	if (!root) {
		arena_free(&a);
		return rc;
	}
	if (jv_is_array(root)) {
		if (jv_size(root) > XAPI_MAX_BATCH) {
			snprintf(err, errcap, "batch of %zu statements exceeds the limit of %d",
				 jv_size(root), XAPI_MAX_BATCH);
			rc = EB_ETOOBIG;
		}
		size_t i;
		struct jv *s;
		jv_array_foreach(root, i, s)
		{
			if (rc)
				break;
			char path[32];
			snprintf(path, sizeof path, "$[%zu]", i);
			rc = xapi_validate_statement(&a, s, v, path, err, errcap);
		}
	} else {
		rc = xapi_validate_statement(&a, root, v, "$", err, errcap);
	}
	arena_free(&a);
	return rc;
}

void xapi_uuid_lower(char out[37], const char *uuid)
{
	str_copy(out, 37, uuid);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}
