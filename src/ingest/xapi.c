/* xapi.c - xAPI statement validation, mapping and the Statements resource.
 *
 * Validation is table-driven: each JSON object kind (statement, agent,
 * activity definition, result, context ...) has a table of the properties it
 * may carry with a checker per property. Unknown properties are errors. */
#include "ingest/xapi.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "base/json.h"
#include "store/db.h"

/* ---- validation context ---------------------------------------------- */

struct vctx {
	enum xapi_version v;
	struct arena *a;	/* for normalising contextActivities */
	char path[512];
	size_t plen;
	char *err;
	size_t cap;
	bool failed;
};

static int vfail(struct vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int vfail(struct vctx *c, const char *fmt, ...)
{
	if (c->failed)
		return -1;
	c->failed = true;
	if (c->err && c->cap) {
		int n = snprintf(c->err, c->cap, "%s: ", c->path);
		if (n >= 0 && (size_t)n < c->cap) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->cap - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

static size_t push_key(struct vctx *c, const char *key)
{
	size_t mark = c->plen;
	int n = snprintf(c->path + mark, sizeof c->path - mark, ".%s", key);
	if (n > 0)
		c->plen = mark + (size_t)n < sizeof c->path ? mark + (size_t)n : sizeof c->path - 1;
	return mark;
}

static size_t push_index(struct vctx *c, size_t i)
{
	size_t mark = c->plen;
	int n = snprintf(c->path + mark, sizeof c->path - mark, "[%zu]", i);
	if (n > 0)
		c->plen = mark + (size_t)n < sizeof c->path ? mark + (size_t)n : sizeof c->path - 1;
	return mark;
}

static void pop(struct vctx *c, size_t mark)
{
	c->plen = mark;
	c->path[mark] = '\0';
}

/* ---- lexical checks ----------------------------------------------------- */

static bool is_iri(const char *s)
{
	if (!isalpha((unsigned char)s[0]))
		return false;
	const char *p = s + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || !p[1])
		return false;
	for (p++; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' ||
		    *p == '{' || *p == '}' || *p == '\\' || *p == '^' || *p == '`')
			return false;
	return true;
}

static bool is_hex(char c) { return isxdigit((unsigned char)c) != 0; }

static bool is_uuid(const char *s)
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

/* ISO 8601 date-time; one without a zone is read as UTC (xAPI 1.0.3 only
 * recommends the zone; c_timestamp refuses it in 2.0). */
static bool parse_ts(const char *s, int64_t *ms)
{
	int64_t t;
	int32_t milli;
	char tmp[64];
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

/* ISO 8601 duration PnYnMnDTnHnMnS or PnW; seconds (years 365 d, months 30 d). */
static bool parse_duration(const char *s, double *secs)
{
	if (*s != 'P')
		return false;
	const char *p = s + 1;
	bool in_time = false, any = false, weeks = false, frac_seen = false;
	double total = 0;
	const char *order_d = "YMWD", *order_t = "HMS";
	const char *pos = order_d;
	while (*p) {
		if (*p == 'T') {
			if (in_time)
				return false;
			in_time = true;
			pos = order_t;
			p++;
			if (!*p)
				return false;
			continue;
		}
		if (!isdigit((unsigned char)*p) || frac_seen)
			return false;
		double v = 0;
		while (isdigit((unsigned char)*p))
			v = v * 10 + (*p++ - '0');
		if (*p == '.' || *p == ',') {
			double f = 0.1;
			p++;
			if (!isdigit((unsigned char)*p))
				return false;
			while (isdigit((unsigned char)*p)) {
				v += (*p++ - '0') * f;
				f /= 10;
			}
			frac_seen = true;	/* only the last component may have one */
		}
		const char *u = *p ? strchr(pos, *p) : NULL;
		if (!u)
			return false;
		static const double dsec[] = { 365 * 86400.0, 30 * 86400.0, 7 * 86400.0, 86400.0 };
		static const double tsec[] = { 3600, 60, 1 };
		total += v * (in_time ? tsec[u - order_t] : dsec[u - order_d]);
		if (!in_time && *p == 'W')
			weeks = true;
		else if (weeks)
			return false;
		pos = u + 1;
		any = true;
		p++;
	}
	if (!any)
		return false;
	if (secs)
		*secs = total;
	return true;
}

/* ---- property tables ---------------------------------------------------- */

typedef int (*check_fn)(struct vctx *c, struct jv *v);

enum { F_REQ = 1, F_V2 = 2 };

struct field {
	const char *name;
	check_fn check;
	unsigned flags;
};

static int check_fields(struct vctx *c, struct jv *obj, const struct field *fields)
{
	if (!jv_is_object(obj))
		return vfail(c, "must be an object");
	const char *key;
	struct jv *val;
	jv_object_foreach(obj, key, val) {
		const struct field *f = fields;
		while (f->name && strcmp(f->name, key))
			f++;
		size_t m = push_key(c, key);
		if (!f->name || ((f->flags & F_V2) && c->v != XAPI_V2)) {
			vfail(c, "unknown property");
			pop(c, m);
			return -1;
		}
		if (jv_is_null(val) && !(f->check == NULL)) {
			vfail(c, "must not be null");
			pop(c, m);
			return -1;
		}
		if (f->check && f->check(c, val)) {
			pop(c, m);
			return -1;
		}
		pop(c, m);
	}
	for (const struct field *f = fields; f->name; f++) {
		if ((f->flags & F_REQ) && !jv_get(obj, f->name)) {
			size_t m = push_key(c, f->name);
			vfail(c, "is required");
			pop(c, m);
			return -1;
		}
	}
	return 0;
}

static int c_string(struct vctx *c, struct jv *v)
{
	return jv_is_string(v) ? 0 : vfail(c, "must be a string");
}

static int c_bool(struct vctx *c, struct jv *v)
{
	return jv_is_boolean(v) ? 0 : vfail(c, "must be true or false");
}

static int c_number(struct vctx *c, struct jv *v)
{
	return jv_is_number(v) ? 0 : vfail(c, "must be a number");
}

static int c_iri(struct vctx *c, struct jv *v)
{
	if (!jv_is_string(v))
		return vfail(c, "must be a string (an IRI)");
	return is_iri(jv_str(v)) ? 0 : vfail(c, "must be an absolute IRI (scheme:...)");
}

static int c_uuid(struct vctx *c, struct jv *v)
{
	if (!jv_is_string(v) || !is_uuid(jv_str(v)))
		return vfail(c, "must be a UUID (8-4-4-4-12 hex digits)");
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

static int c_timestamp(struct vctx *c, struct jv *v)
{
	if (!jv_is_string(v) || !parse_ts(jv_str(v), NULL))
		return vfail(c, "must be an ISO 8601 timestamp (e.g. 2024-05-01T10:00:00.000Z)");
	/* xAPI 2.0 timestamps follow RFC 3339, which requires the offset */
	if (c->v == XAPI_V2 && !has_zone(jv_str(v)))
		return vfail(c, "must carry a time zone (Z or +hh:mm) in xAPI 2.0");
	return 0;
}

static int c_duration(struct vctx *c, struct jv *v)
{
	if (!jv_is_string(v) || !parse_duration(jv_str(v), NULL))
		return vfail(c, "must be an ISO 8601 duration (e.g. PT1M30S)");
	return 0;
}

static int c_lang_tag(struct vctx *c, struct jv *v)
{
	if (!jv_is_string(v) || !is_lang_tag(jv_str(v)))
		return vfail(c, "must be an RFC 5646 language tag (e.g. en-US)");
	return 0;
}

static int c_lang_map(struct vctx *c, struct jv *v)
{
	if (!jv_is_object(v))
		return vfail(c, "must be a language map (object of language tag -> string)");
	const char *key;
	struct jv *val;
	jv_object_foreach(v, key, val) {
		size_t m = push_key(c, key);
		if (!is_lang_tag(key)) {
			vfail(c, "is not a valid language tag");
			pop(c, m);
			return -1;
		}
		if (!jv_is_string(val)) {
			vfail(c, "must be a string");
			pop(c, m);
			return -1;
		}
		pop(c, m);
	}
	return 0;
}

static int c_extensions(struct vctx *c, struct jv *v)
{
	if (!jv_is_object(v))
		return vfail(c, "must be an object whose keys are IRIs");
	const char *key;
	struct jv *val;
	jv_object_foreach(v, key, val) {
		(void)val;
		if (!is_iri(key)) {
			size_t m = push_key(c, key);
			vfail(c, "extension keys must be IRIs");
			pop(c, m);
			return -1;
		}
	}
	return 0;
}

static int c_version(struct vctx *c, struct jv *v)
{
	const char *s = jv_is_string(v) ? jv_str(v) : NULL;
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
	return vfail(c, "must be 1.0.x or 2.0.x");
}

/* ---- agents ------------------------------------------------------------- */

static int c_mbox(struct vctx *c, struct jv *v)
{
	if (!jv_is_string(v))
		return vfail(c, "must be a string");
	const char *s = jv_str(v);
	if (strncmp(s, "mailto:", 7))
		return vfail(c, "must start with mailto:");
	const char *at = strchr(s + 7, '@');
	if (!at || at == s + 7 || !at[1] || strchr(s, ' '))
		return vfail(c, "must be mailto: followed by an email address");
	return 0;
}

static int c_sha1(struct vctx *c, struct jv *v)
{
	const char *s = jv_is_string(v) ? jv_str(v) : "";
	size_t n = strlen(s);
	bool ok = n == 40;
	for (size_t i = 0; ok && i < n; i++)
		ok = is_hex(s[i]);
	return ok ? 0 : vfail(c, "must be 40 hex digits (SHA-1 of the mailto IRI)");
}

static const struct field account_fields[] = {
	{ "homePage", c_iri, F_REQ }, { "name", c_string, F_REQ }, { NULL, NULL, 0 }
};

static int c_account(struct vctx *c, struct jv *v)
{
	return check_fields(c, v, account_fields);
}

static int c_object_type_agent(struct vctx *c, struct jv *v)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "Agent")
		       ? 0 : vfail(c, "must be \"Agent\"");
}

static int c_object_type_group(struct vctx *c, struct jv *v)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "Group")
		       ? 0 : vfail(c, "must be \"Group\"");
}

static const char *const ifi_names[] = { "mbox", "mbox_sha1sum", "openid", "account", NULL };

static int count_ifi(struct jv *o)
{
	int n = 0;
	for (const char *const *k = ifi_names; *k; k++)
		n += jv_get(o, *k) != NULL;
	return n;
}

static const struct field agent_fields[] = {
	{ "objectType", c_object_type_agent, 0 }, { "name", c_string, 0 },
	{ "mbox", c_mbox, 0 }, { "mbox_sha1sum", c_sha1, 0 }, { "openid", c_iri, 0 },
	{ "account", c_account, 0 }, { NULL, NULL, 0 }
};

static int check_agent(struct vctx *c, struct jv *v)
{
	if (check_fields(c, v, agent_fields))
		return -1;
	int n = count_ifi(v);
	if (n != 1)
		return vfail(c, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account (has %d)", n);
	return 0;
}

static int c_members(struct vctx *c, struct jv *v)
{
	if (!jv_is_array(v))
		return vfail(c, "must be an array of Agents");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m) {
		size_t mark = push_index(c, i);
		int r = check_agent(c, m);
		pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static const struct field group_fields[] = {
	{ "objectType", c_object_type_group, F_REQ }, { "name", c_string, 0 },
	{ "mbox", c_mbox, 0 }, { "mbox_sha1sum", c_sha1, 0 }, { "openid", c_iri, 0 },
	{ "account", c_account, 0 }, { "member", c_members, 0 }, { NULL, NULL, 0 }
};

static int check_group(struct vctx *c, struct jv *v)
{
	if (check_fields(c, v, group_fields))
		return -1;
	int n = count_ifi(v);
	if (n > 1)
		return vfail(c, "a Group has at most one of mbox, mbox_sha1sum, openid, account (has %d)", n);
	if (n == 0 && !jv_get(v, "member"))
		return vfail(c, "an anonymous Group (no identifier) needs a member array");
	return 0;
}

static const char *object_type(struct jv *v)
{
	struct jv *t = jv_get(v, "objectType");
	return jv_is_string(t) ? jv_str(t) : NULL;
}

/* Agent or Group. */
static int c_actor(struct vctx *c, struct jv *v)
{
	if (!jv_is_object(v))
		return vfail(c, "must be an Agent or Group object");
	const char *t = object_type(v);
	if (t && !strcmp(t, "Group"))
		return check_group(c, v);
	return check_agent(c, v);
}

static int c_group(struct vctx *c, struct jv *v)
{
	if (!jv_is_object(v))
		return vfail(c, "must be a Group object");
	return check_group(c, v);
}

/* ---- verb, activity ----------------------------------------------------- */

static const struct field verb_fields[] = {
	{ "id", c_iri, F_REQ }, { "display", c_lang_map, 0 }, { NULL, NULL, 0 }
};

static int c_verb(struct vctx *c, struct jv *v)
{
	return check_fields(c, v, verb_fields);
}

static const struct field component_fields[] = {
	{ "id", c_string, F_REQ }, { "description", c_lang_map, 0 }, { NULL, NULL, 0 }
};

static int c_components(struct vctx *c, struct jv *v)
{
	if (!jv_is_array(v))
		return vfail(c, "must be an array of interaction components");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m) {
		size_t mark = push_index(c, i);
		int r = check_fields(c, m, component_fields);
		if (!r) {
			/* ids unique within the list */
			for (size_t j = 0; j < i; j++)
				if (jv_equal(jv_get(jv_at(v, j), "id"),
					       jv_get(m, "id")))
					r = vfail(c, "duplicate interaction component id");
		}
		pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static const char *const interaction_types[] = {
	"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
	"sequencing", "likert", "numeric", "other", NULL
};

static int c_interaction_type(struct vctx *c, struct jv *v)
{
	const char *s = jv_is_string(v) ? jv_str(v) : "";
	for (const char *const *t = interaction_types; *t; t++)
		if (!strcmp(*t, s))
			return 0;
	return vfail(c, "must be one of true-false, choice, fill-in, long-fill-in, matching,"
			" performance, sequencing, likert, numeric, other");
}

static int c_string_array(struct vctx *c, struct jv *v)
{
	if (!jv_is_array(v))
		return vfail(c, "must be an array of strings");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m) {
		if (!jv_is_string(m)) {
			size_t mark = push_index(c, i);
			vfail(c, "must be a string");
			pop(c, mark);
			return -1;
		}
	}
	return 0;
}

static const struct field definition_fields[] = {
	{ "name", c_lang_map, 0 }, { "description", c_lang_map, 0 }, { "type", c_iri, 0 },
	{ "moreInfo", c_iri, 0 }, { "extensions", c_extensions, 0 },
	{ "interactionType", c_interaction_type, 0 },
	{ "correctResponsesPattern", c_string_array, 0 },
	{ "choices", c_components, 0 }, { "scale", c_components, 0 },
	{ "source", c_components, 0 }, { "target", c_components, 0 },
	{ "steps", c_components, 0 }, { NULL, NULL, 0 }
};

/* Which component lists each interaction type may carry. */
static const struct {
	const char *type, *lists;
} interaction_lists[] = {
	{ "choice", "choices" }, { "sequencing", "choices" }, { "likert", "scale" },
	{ "matching", "source target" }, { "performance", "steps" }, { NULL, NULL }
};

static int c_definition(struct vctx *c, struct jv *v)
{
	if (check_fields(c, v, definition_fields))
		return -1;
	struct jv *it = jv_get(v, "interactionType");
	static const char *const lists[] = { "choices", "scale", "source", "target", "steps", NULL };
	for (const char *const *l = lists; *l; l++) {
		if (!jv_get(v, *l))
			continue;
		const char *allowed = "";
		if (jv_is_string(it))
			for (size_t i = 0; interaction_lists[i].type; i++)
				if (!strcmp(interaction_lists[i].type, jv_str(it)))
					allowed = interaction_lists[i].lists;
		if (!strstr(allowed, *l)) {
			size_t m = push_key(c, *l);
			vfail(c, "not allowed for interactionType %s",
			      jv_is_string(it) ? jv_str(it) : "(none)");
			pop(c, m);
			return -1;
		}
	}
	if ((jv_get(v, "correctResponsesPattern")) && !it) {
		size_t m = push_key(c, "correctResponsesPattern");
		vfail(c, "needs interactionType");
		pop(c, m);
		return -1;
	}
	return 0;
}

static int c_object_type_activity(struct vctx *c, struct jv *v)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "Activity")
		       ? 0 : vfail(c, "must be \"Activity\"");
}

static const struct field activity_fields[] = {
	{ "objectType", c_object_type_activity, 0 }, { "id", c_iri, F_REQ },
	{ "definition", c_definition, 0 }, { NULL, NULL, 0 }
};

static int c_activity(struct vctx *c, struct jv *v)
{
	return check_fields(c, v, activity_fields);
}

static int c_object_type_ref(struct vctx *c, struct jv *v)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "StatementRef")
		       ? 0 : vfail(c, "must be \"StatementRef\"");
}

static const struct field statement_ref_fields[] = {
	{ "objectType", c_object_type_ref, F_REQ }, { "id", c_uuid, F_REQ }, { NULL, NULL, 0 }
};

static int c_statement_ref(struct vctx *c, struct jv *v)
{
	return check_fields(c, v, statement_ref_fields);
}

/* ---- result, context, attachments -------------------------------------- */

static const struct field score_fields[] = {
	{ "scaled", c_number, 0 }, { "raw", c_number, 0 }, { "min", c_number, 0 },
	{ "max", c_number, 0 }, { NULL, NULL, 0 }
};

static int c_score(struct vctx *c, struct jv *v)
{
	if (check_fields(c, v, score_fields))
		return -1;
	struct jv *sc = jv_get(v, "scaled"), *raw = jv_get(v, "raw");
	struct jv *mn = jv_get(v, "min"), *mx = jv_get(v, "max");
	size_t m;
	int r = 0;
	if (sc && (jv_num(sc) < -1 || jv_num(sc) > 1)) {
		m = push_key(c, "scaled");
		r = vfail(c, "must be between -1 and 1");
		pop(c, m);
	} else if (mn && mx && jv_num(mn) >= jv_num(mx)) {
		m = push_key(c, "min");
		r = vfail(c, "must be less than max");
		pop(c, m);
	} else if (raw && mn && jv_num(raw) < jv_num(mn)) {
		m = push_key(c, "raw");
		r = vfail(c, "must not be less than min");
		pop(c, m);
	} else if (raw && mx && jv_num(raw) > jv_num(mx)) {
		m = push_key(c, "raw");
		r = vfail(c, "must not be greater than max");
		pop(c, m);
	}
	return r;
}

static const struct field result_fields[] = {
	{ "score", c_score, 0 }, { "success", c_bool, 0 }, { "completion", c_bool, 0 },
	{ "response", c_string, 0 }, { "duration", c_duration, 0 },
	{ "extensions", c_extensions, 0 }, { NULL, NULL, 0 }
};

static int c_result(struct vctx *c, struct jv *v)
{
	return check_fields(c, v, result_fields);
}

static int c_context_activity_list(struct vctx *c, struct jv *v)
{
	if (jv_is_object(v))
		return c_activity(c, v); /* normalised by c_context_activities */
	if (!jv_is_array(v))
		return vfail(c, "must be an array of Activities");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m) {
		size_t mark = push_index(c, i);
		int r = c_activity(c, m);
		pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static const struct field context_activities_fields[] = {
	{ "parent", c_context_activity_list, 0 }, { "grouping", c_context_activity_list, 0 },
	{ "category", c_context_activity_list, 0 }, { "other", c_context_activity_list, 0 },
	{ NULL, NULL, 0 }
};

static int c_context_activities(struct vctx *c, struct jv *v)
{
	if (check_fields(c, v, context_activities_fields))
		return -1;
	/* xAPI 1.0.3 allows one Activity object; store it as a one-element array */
	const char *key;
	struct jv *val;
	jv_object_foreach(v, key, val) {
		if (jv_is_object(val)) {
			if (c->v == XAPI_V2) {
				size_t m = push_key(c, key);
				vfail(c, "must be an array of Activities (xAPI 2.0)");
				pop(c, m);
				return -1;
			}
			if (!jv_wrap_array(c->a, val))
				return vfail(c, "out of memory");
		}
	}
	return 0;
}

static int c_relevant_types(struct vctx *c, struct jv *v)
{
	if (!jv_is_array(v) || jv_size(v) == 0)
		return vfail(c, "must be a non-empty array of IRIs");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m) {
		size_t mark = push_index(c, i);
		int r = c_iri(c, m);
		pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static int c_object_type_context_agent(struct vctx *c, struct jv *v)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "contextAgent")
		       ? 0 : vfail(c, "must be \"contextAgent\"");
}

static int c_object_type_context_group(struct vctx *c, struct jv *v)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "contextGroup")
		       ? 0 : vfail(c, "must be \"contextGroup\"");
}

static const struct field context_agent_fields[] = {
	{ "objectType", c_object_type_context_agent, F_REQ }, { "agent", c_actor, F_REQ },
	{ "relevantTypes", c_relevant_types, 0 }, { NULL, NULL, 0 }
};
static const struct field context_group_fields[] = {
	{ "objectType", c_object_type_context_group, F_REQ }, { "group", c_group, F_REQ },
	{ "relevantTypes", c_relevant_types, 0 }, { NULL, NULL, 0 }
};

static int check_list_of(struct vctx *c, struct jv *v, const struct field *fields)
{
	if (!jv_is_array(v))
		return vfail(c, "must be an array");
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m) {
		size_t mark = push_index(c, i);
		int r = check_fields(c, m, fields);
		pop(c, mark);
		if (r)
			return -1;
	}
	return 0;
}

static int c_context_agents(struct vctx *c, struct jv *v)
{
	return check_list_of(c, v, context_agent_fields);
}

static int c_context_groups(struct vctx *c, struct jv *v)
{
	return check_list_of(c, v, context_group_fields);
}

static const struct field context_fields[] = {
	{ "registration", c_uuid, 0 }, { "instructor", c_actor, 0 }, { "team", c_group, 0 },
	{ "contextActivities", c_context_activities, 0 }, { "revision", c_string, 0 },
	{ "platform", c_string, 0 }, { "language", c_lang_tag, 0 },
	{ "statement", c_statement_ref, 0 }, { "extensions", c_extensions, 0 },
	{ "contextAgents", c_context_agents, F_V2 }, { "contextGroups", c_context_groups, F_V2 },
	{ NULL, NULL, 0 }
};

static int c_context(struct vctx *c, struct jv *v)
{
	return check_fields(c, v, context_fields);
}

static int c_length(struct vctx *c, struct jv *v)
{
	return jv_is_integer(v) && jv_int(v) >= 0
		       ? 0 : vfail(c, "must be a non-negative integer");
}

static int c_sha2(struct vctx *c, struct jv *v)
{
	const char *s = jv_is_string(v) ? jv_str(v) : "";
	size_t n = strlen(s);
	bool ok = n == 56 || n == 64 || n == 96 || n == 128;
	for (size_t i = 0; ok && i < n; i++)
		ok = is_hex(s[i]);
	return ok ? 0 : vfail(c, "must be a SHA-2 hash in hex");
}

static const struct field attachment_fields[] = {
	{ "usageType", c_iri, F_REQ }, { "display", c_lang_map, F_REQ },
	{ "description", c_lang_map, 0 }, { "contentType", c_string, F_REQ },
	{ "length", c_length, F_REQ }, { "sha2", c_sha2, F_REQ }, { "fileUrl", c_iri, 0 },
	{ NULL, NULL, 0 }
};

static int c_attachments(struct vctx *c, struct jv *v)
{
	if (check_list_of(c, v, attachment_fields))
		return -1;
	size_t i;
	struct jv *m;
	jv_array_foreach(v, i, m) {
		if (!jv_get(m, "fileUrl")) {
			size_t mark = push_index(c, i);
			vfail(c, "attachments without fileUrl need multipart/mixed, which this LRS"
				 " does not accept yet");
			pop(c, mark);
			return -1;
		}
	}
	return 0;
}

/* ---- statement, object, substatement ------------------------------------ */

static int c_object(struct vctx *c, struct jv *v);
static int c_sub_object(struct vctx *c, struct jv *v);

static int c_object_type_sub(struct vctx *c, struct jv *v)
{
	return jv_is_string(v) && !strcmp(jv_str(v), "SubStatement")
		       ? 0 : vfail(c, "must be \"SubStatement\"");
}

static const struct field substatement_fields[] = {
	{ "objectType", c_object_type_sub, F_REQ }, { "actor", c_actor, F_REQ },
	{ "verb", c_verb, F_REQ }, { "object", c_sub_object, F_REQ },
	{ "result", c_result, 0 }, { "context", c_context, 0 }, { "timestamp", c_timestamp, 0 },
	{ "attachments", c_attachments, 0 }, { NULL, NULL, 0 }
};

static int c_substatement(struct vctx *c, struct jv *v)
{
	return check_fields(c, v, substatement_fields);
}

static int c_object_agent(struct vctx *c, struct jv *v) { return check_agent(c, v); }

static const struct {
	const char *type;
	check_fn check;
} object_kinds[] = {
	{ "Activity", c_activity }, { "Agent", c_object_agent }, { "Group", c_group },
	{ "StatementRef", c_statement_ref }, { "SubStatement", c_substatement }, { NULL, NULL }
};

static int check_object_kind(struct vctx *c, struct jv *v, bool allow_sub)
{
	if (!jv_is_object(v))
		return vfail(c, "must be an object (Activity, Agent, Group, StatementRef or SubStatement)");
	struct jv *t = jv_get(v, "objectType");
	const char *type = t ? jv_str(t) : "Activity";
	if (t && !type) {
		size_t m = push_key(c, "objectType");
		vfail(c, "must be a string");
		pop(c, m);
		return -1;
	}
	for (size_t i = 0; object_kinds[i].type; i++) {
		if (strcmp(object_kinds[i].type, type))
			continue;
		if (!allow_sub && object_kinds[i].check == c_substatement) {
			size_t m = push_key(c, "objectType");
			vfail(c, "a SubStatement cannot contain a SubStatement");
			pop(c, m);
			return -1;
		}
		return object_kinds[i].check(c, v);
	}
	size_t m = push_key(c, "objectType");
	vfail(c, "must be Activity, Agent, Group, StatementRef or SubStatement");
	pop(c, m);
	return -1;
}

static int c_object(struct vctx *c, struct jv *v) { return check_object_kind(c, v, true); }
static int c_sub_object(struct vctx *c, struct jv *v) { return check_object_kind(c, v, false); }

static const struct field statement_fields[] = {
	{ "id", c_uuid, 0 }, { "actor", c_actor, F_REQ }, { "verb", c_verb, F_REQ },
	{ "object", c_object, F_REQ }, { "result", c_result, 0 }, { "context", c_context, 0 },
	{ "timestamp", c_timestamp, 0 }, { "stored", c_timestamp, 0 },
	{ "authority", c_actor, 0 }, { "version", c_version, 0 },
	{ "attachments", c_attachments, 0 }, { NULL, NULL, 0 }
};

#define VERB_VOIDED "http://adlnet.gov/expapi/verbs/voided"

static bool is_voiding(struct jv *stmt)
{
	struct jv *verb = jv_get(jv_get(stmt, "verb"), "id");
	return jv_is_string(verb) && !strcmp(jv_str(verb), VERB_VOIDED);
}

/* Cross-property rules of a statement or substatement. */
static int check_statement_rules(struct vctx *c, struct jv *stmt)
{
	struct jv *obj = jv_get(stmt, "object");
	const char *ot = object_type(obj);
	bool activity = !ot || !strcmp(ot, "Activity");
	struct jv *ctx = jv_get(stmt, "context");
	static const char *const only_activity[] = { "revision", "platform", NULL };
	for (const char *const *k = only_activity; ctx && *k; k++) {
		if (!activity && jv_get(ctx, *k)) {
			size_t m = push_key(c, "context");
			size_t m2 = push_key(c, *k);
			vfail(c, "only allowed when the object is an Activity");
			pop(c, m2);
			pop(c, m);
			return -1;
		}
	}
	if (is_voiding(stmt) && (!ot || strcmp(ot, "StatementRef"))) {
		size_t m = push_key(c, "object");
		vfail(c, "a voiding statement (verb voided) needs a StatementRef object");
		pop(c, m);
		return -1;
	}
	return 0;
}

enum eb_err xapi_validate_statement(struct arena *a, struct jv *stmt, enum xapi_version v,
				    const char *path, char *err, size_t errcap)
{
	struct vctx c = { .v = v, .a = a, .err = err, .cap = errcap };
	c.plen = str_copy(c.path, sizeof c.path, path ? path : "$");
	if (err && errcap)
		err[0] = '\0';
	if (check_fields(&c, stmt, statement_fields) || check_statement_rules(&c, stmt))
		return EB_EINVAL;
	struct jv *obj = jv_get(stmt, "object");
	const char *ot = object_type(obj);
	if (ot && !strcmp(ot, "SubStatement")) {
		size_t m = push_key(&c, "object");
		int r = check_statement_rules(&c, obj);
		pop(&c, m);
		if (r)
			return EB_EINVAL;
	}
	return EB_OK;
}

static struct jv *load_capped(struct arena *a, const char *json, size_t len, char *err,
			      size_t errcap, enum eb_err *rc)
{
	if (len > XAPI_MAX_BODY) {
		snprintf(err, errcap, "body of %zu bytes exceeds the limit of %u", len, XAPI_MAX_BODY);
		*rc = EB_ETOOBIG;
		return NULL;
	}
	struct jv_error je;
	struct jv *root = jv_parse(a, json, len, &je);
	if (!root && !je.line) {
		snprintf(err, errcap, "out of memory");
		*rc = EB_ENOMEM;
	} else if (!root) {
		snprintf(err, errcap, "body is not valid JSON: line %d column %d: %s", je.line,
			 je.column, je.text);
		*rc = EB_EPARSE;
	}
	return root;
}

enum eb_err xapi_validate_json(const char *json, size_t len, enum xapi_version v, char *err,
			       size_t errcap)
{
	enum eb_err rc = EB_OK;
	struct arena a;
	arena_init(&a);
	struct jv *root = load_capped(&a, json, len, err, errcap, &rc);
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
		jv_array_foreach(root, i, s) {
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

/* ---- keys and mapping ---------------------------------------------------- */

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
		snprintf(out, cap, "account:%s %s",
			 jv_str(jv_get(v, "homePage")) ?: "",
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
		jv_object_foreach(map, key, val) {
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
	const char *ot = object_type(obj);
	if ((ot && strcmp(ot, "Activity")) || is_voiding(stmt) || cap < 512)
		return false;
	const char *at = object_type(actor);
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
	if (dur && !parse_duration(dur, &ev->duration_s))
		ev->duration_s = -1;
	int64_t ms = 0;
	const char *ts = jv_str(jv_get(stmt, "timestamp"));
	if (ts && parse_ts(ts, &ms))
		ev->occurred_at = ms / 1000;
	else
		ev->occurred_at = time_now();
	ev->source = "xapi";
	ev->statement_id = jv_str(jv_get(stmt, "id"));
	ev->verb = jv_str(jv_get(jv_get(stmt, "verb"), "id"));
	return true;
}

/* ---- results -------------------------------------------------------------- */

void xapi_result_free(struct xapi_result *out)
{
	free(out->body);
	out->body = NULL;
	out->body_len = 0;
}

static void set_text(struct xapi_result *out, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_text(struct xapi_result *out, int status, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	buf_putc(&b, '\n');
	free(out->body);
	out->status = status;
	out->content_type = "text/plain; charset=utf-8";
	out->body = buf_detach(&b, &out->body_len);
}

static void set_json(struct xapi_result *out, int status, struct buf *b)
{
	free(out->body);
	out->status = status;
	out->content_type = "application/json";
	if (buf_failed(b)) {
		buf_free(b);
		set_text(out, 500, "response too large");
		return;
	}
	buf_cstr(b);
	out->body = buf_detach(b, &out->body_len);
}

static int status_for(enum eb_err rc)
{
	switch (rc) {
	case EB_ETOOBIG: return 413;
	case EB_ECONFLICT: return 409;
	case EB_ENOTFOUND: return 404;
	case EB_EBUSY: return 503;
	case EB_EINVAL:
	case EB_EPARSE: return 400;
	default: return 500;
	}
}

static void begin_result(struct xapi_result *out, enum xapi_version v)
{
	out->status = 0;
	out->content_type = "text/plain; charset=utf-8";
	out->body = NULL;
	out->body_len = 0;
	out->consistent_through[0] = '\0';
	out->version = v == XAPI_V2 ? "2.0.0" : "1.0.3";
}

void xapi_now_iso(char out[40], int64_t *ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t t = (int64_t)ts.tv_sec;
	int milli = (int)(ts.tv_nsec / 1000000);
	char base[32];
	time_format_iso(t, base); /* YYYY-MM-DDTHH:MM:SSZ */
	base[19] = '\0';
	snprintf(out, 40, "%s.%03dZ", base, milli);
	if (ms)
		*ms = t * 1000 + milli;
}

enum eb_err xapi_version_parse(const char *h, enum xapi_version *out)
{
	static const struct { const char *s; enum xapi_version v; } known[] = {
		{ "1.0", XAPI_V1 }, { "1.0.0", XAPI_V1 }, { "1.0.1", XAPI_V1 },
		{ "1.0.2", XAPI_V1 }, { "1.0.3", XAPI_V1 }, { "2.0", XAPI_V2 }, { NULL, 0 }
	};
	if (!h)
		return EB_EINVAL;
	for (size_t i = 0; known[i].s; i++)
		if (!strcmp(known[i].s, h)) {
			*out = known[i].v;
			return EB_OK;
		}
	if (!strncmp(h, "2.0.", 4) && h[4] && strspn(h + 4, "0123456789") == strlen(h + 4)) {
		*out = XAPI_V2;
		return EB_OK;
	}
	return EB_EINVAL;
}

/* ---- storing --------------------------------------------------------------- */

/* A fresh statement id: UUID version 7 (RFC 9562), 48 bits of Unix
 * milliseconds, a 12-bit sequence within the millisecond (RFC 9562 method 1,
 * shared by the process's threads), then 62 random bits. Ids the server
 * assigns are therefore increasing, so the id indexes grow at their tail
 * (full pages, one dirty page per batch) instead of touching a random leaf
 * page per statement. */
static _Atomic uint64_t uuid_last;	/* ms << 12 | sequence of the last id */

static void uuid_v7(char out[37])
{
	unsigned char b[16];
	if (sodium_init() < 0)
		abort();	/* no entropy source: nothing sensible to continue with */
	randombytes_buf(b, sizeof b);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t now = ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) << 12;
	uint64_t last = atomic_load(&uuid_last), next;
	do	/* a sequence overflow borrows from the next millisecond: still unique, ordered */
		next = now > last ? now : last + 1;
	while (!atomic_compare_exchange_weak(&uuid_last, &last, next));
	uint64_t ms = next >> 12;
	for (int i = 0; i < 6; i++)
		b[i] = (unsigned char)(ms >> (40 - 8 * i));
	b[6] = (unsigned char)(0x70 | ((next >> 8) & 0x0f));
	b[7] = (unsigned char)(next & 0xff);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	static const char hx[] = "0123456789abcdef";
	int o = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hx[b[i] >> 4];
		out[o++] = hx[b[i] & 15];
	}
	out[o] = '\0';
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Canonical content: sorted, compact JSON without the LRS-set properties
 * (stored, authority, version), which the spec lets differ between two
 * sendings of one statement. Removes them from stmt; returns the malloc'd
 * text and its SHA-256 in hex. */
static char *canonical(struct arena *a, struct buf *tmp, struct jv *stmt, size_t *len,
		       char hash[65])
{
	jv_del(stmt, "stored");
	jv_del(stmt, "authority");
	jv_del(stmt, "version");
	buf_reset(tmp);
	jv_dump_sorted(stmt, tmp, NULL);
	if (buf_failed(tmp))
		return NULL;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)tmp->data, tmp->len);
	sodium_bin2hex(hash, 65, h, sizeof h);
	*len = tmp->len;
	return arena_strndup(a, tmp->data, tmp->len);
}

#define MAX_REFS 64

struct refs {
	struct activity_ref r[MAX_REFS];
	char keys[MAX_REFS][300];
	size_t n;
};

static void add_agent_ref(struct refs *rs, struct jv *agent, int related)
{
	if (!agent || rs->n >= MAX_REFS)
		return;
	if (xapi_agent_key(agent, rs->keys[rs->n], sizeof rs->keys[0])) {
		rs->r[rs->n] = (struct activity_ref){ "agent", rs->keys[rs->n], related };
		rs->n++;
	}
	/* group members count as related agents */
	size_t i;
	struct jv *m;
	struct jv *members = jv_get(agent, "member");
	jv_array_foreach(members, i, m)
		add_agent_ref(rs, m, 1);
}

static void add_activity_ref(struct refs *rs, struct jv *act, int related)
{
	const char *id = jv_str(jv_get(act, "id"));
	if (!id || rs->n >= MAX_REFS || strlen(id) >= sizeof rs->keys[0])
		return;
	str_copy(rs->keys[rs->n], sizeof rs->keys[0], id);
	rs->r[rs->n] = (struct activity_ref){ "activity", rs->keys[rs->n], related };
	rs->n++;
}

static void collect_refs(struct refs *rs, struct jv *stmt, int related)
{
	add_agent_ref(rs, jv_get(stmt, "actor"), related);
	struct jv *obj = jv_get(stmt, "object");
	const char *ot = object_type(obj);
	if (!ot || !strcmp(ot, "Activity"))
		add_activity_ref(rs, obj, related);
	else if (!strcmp(ot, "Agent") || !strcmp(ot, "Group"))
		add_agent_ref(rs, obj, related);
	else if (!strcmp(ot, "SubStatement"))
		collect_refs(rs, obj, 1);
	struct jv *ctx = jv_get(stmt, "context");
	add_agent_ref(rs, jv_get(ctx, "instructor"), 1);
	add_agent_ref(rs, jv_get(ctx, "team"), 1);
	const char *key;
	struct jv *list, *cas = jv_get(ctx, "contextActivities");
	jv_object_foreach(cas, key, list) {
		(void)key;
		size_t i;
		struct jv *a;
		jv_array_foreach(list, i, a)
			add_activity_ref(rs, a, 1);
	}
}

struct prepared {
	struct jv *stmt;
	char id[37];
	char hash[65];
	bool voiding;
	char voids[37];
	char *canon;		/* canonical text (in the request's arena) */
	size_t canon_len;
	bool generated_id;	/* fresh UUID v7: cannot be stored or voided yet */
	char version[16];	/* as sent, or the default of the request version */
};

/* Validates one statement and fills in id, timestamp, stored, authority and
 * version. */
static enum eb_err prepare_one(struct arena *a, struct buf *tmp, struct jv *stmt,
			       enum xapi_version v, const char *path, int64_t tool_id,
			       const char *stored, struct prepared *p, char *err, size_t cap)
{
	enum eb_err rc = xapi_validate_statement(a, stmt, v, path, err, cap);
	if (rc)
		return rc;
	p->stmt = stmt;
	const char *id = jv_str(jv_get(stmt, "id"));
	if (id) {
		str_copy(p->id, sizeof p->id, id);
		lower(p->id);
	} else {
		uuid_v7(p->id);
		p->generated_id = true;
	}
	struct jv idv = jv_string(p->id), tsv = jv_string(stored);
	if (!jv_set(a, stmt, "id", &idv) ||
	    (!jv_get(stmt, "timestamp") && !jv_set(a, stmt, "timestamp", &tsv)))
		return EB_ENOMEM;
	const char *ver = jv_str(jv_get(stmt, "version"));
	str_copy(p->version, sizeof p->version, ver ? ver : v == XAPI_V2 ? "2.0.0" : "1.0.0");
	if (!(p->canon = canonical(a, tmp, stmt, &p->canon_len, p->hash)))
		return EB_ENOMEM;
	p->voiding = is_voiding(stmt);
	p->voids[0] = '\0';
	if (p->voiding) {
		const char *t = jv_str(jv_get(jv_get(stmt, "object"), "id"));
		str_copy(p->voids, sizeof p->voids, t ? t : "");
		lower(p->voids);
	}
	(void)tool_id;
	return EB_OK;
}

/* The stored form: the canonical text plus authority, stored and version. */
static void stored_json(struct buf *b, const struct prepared *p, int64_t tool_id,
			const char *stored)
{
	buf_put(b, p->canon, p->canon_len - 1);	/* without the closing brace */
	buf_printf(b, ",\"authority\":{\"objectType\":\"Agent\",\"account\":{\"homePage\":"
		   "\"urn:edbridge:tool\",\"name\":\"%lld\"}},\"stored\":\"%s\",\"version\":\"%s\"}",
		   (long long)tool_id, stored, p->version);
}

static enum eb_err store_one(struct db *db, int64_t district_id, int64_t tool_id,
			     struct prepared *p, size_t i, const char *stored, int64_t stored_ms,
			     bool batch, struct refs *rs, struct buf *jbuf, char *err, size_t cap);

/* Stores prepared statements in the open transaction; statements already
 * stored with the same content are skipped. */
static enum eb_err store_prepared(struct db *db, int64_t district_id, int64_t tool_id,
				  struct prepared *ps, size_t n, const char *stored,
				  int64_t stored_ms, bool batch, char *err, size_t cap)
{
	struct refs *rs = malloc(sizeof *rs);
	struct buf jb = BUF_INIT;
	enum eb_err rc = rs ? EB_OK : EB_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++)
		rc = store_one(db, district_id, tool_id, &ps[i], i, stored, stored_ms, batch, rs,
			       &jb, err, cap);
	free(rs);
	buf_free(&jb);
	return rc;
}

/* One prepared statement: duplicate and conflict checks, the row, its refs,
 * and its learning event (or voiding). */
static enum eb_err store_one(struct db *db, int64_t district_id, int64_t tool_id,
			     struct prepared *p, size_t i, const char *stored, int64_t stored_ms,
			     bool batch, struct refs *rs, struct buf *jbuf, char *err, size_t cap)
{
	{
		char where[32];
		if (batch)
			snprintf(where, sizeof where, "$[%zu]", i);
		else
			str_copy(where, sizeof where, "$");
		bool found = false, target_voiding = false;
		char old_hash[65];
		enum eb_err rc = p->generated_id ? EB_OK
			: activity_statement_find(db, district_id, tool_id, p->id, &found, old_hash, NULL);
		if (rc)
			return rc;
		if (found) {
			if (strcmp(old_hash, p->hash)) {
				snprintf(err, cap, "%s.id: statement %s is already stored with"
					 " different content", where, p->id);
				return EB_ECONFLICT;
			}
			return EB_OK;	/* same statement again: no duplicate */
		}
		if (p->voiding) {
			bool tfound = false;
			rc = activity_statement_find(db, district_id, tool_id, p->voids, &tfound,
						     NULL, &target_voiding);
			if (rc)
				return rc;
			if (tfound && target_voiding) {
				snprintf(err, cap, "%s.object.id: a voiding statement cannot target"
					 " another voiding statement", where);
				return EB_EINVAL;
			}
		}
		buf_reset(jbuf);
		stored_json(jbuf, p, tool_id, stored);
		if (buf_failed(jbuf))
			return EB_ENOMEM;
		const char *json = buf_cstr(jbuf);
		rs->n = 0;
		collect_refs(rs, p->stmt, 0);
		struct activity_statement as = {
			.id = p->id, .json = json, .content_hash = p->hash, .stored_ms = stored_ms,
			.voids_id = p->voiding ? p->voids : NULL,
			.verb = jv_str(jv_get(jv_get(p->stmt, "verb"), "id")),
			.registration = jv_str(jv_get(
				jv_get(p->stmt, "context"), "registration")),
			.refs = rs->r, .nrefs = rs->n, .new_id = p->generated_id,
		};
		bool arrived_voided = false;
		as.voided_out = &arrived_voided;
		rc = activity_statement_insert(db, district_id, tool_id, &as);
		if (rc == EB_EEXIST) {
			/* the same id twice in this request was caught earlier */
			snprintf(err, cap, "%s.id: statement %s is already stored", where, p->id);
			return EB_ECONFLICT;
		}
		if (rc)
			return rc;
		if (p->voiding) {
			rc = activity_statement_void(db, district_id, tool_id, p->voids);
		} else if (!arrived_voided) {
			struct learning_event_in ev;
			char scratch[640];
			if (xapi_map_event(p->stmt, &ev, scratch, sizeof scratch))
				rc = activity_event_record(db, district_id, tool_id, &ev, NULL);
		}
		if (rc)
			return rc;
	}
	return EB_OK;
}

/* A POST or PUT between its validation and its answer: owns the parsed
 * statements (arena), and is the group-commit job (db.h) that stores them.
 * Many requests' batches share one transaction under load. */
struct xapi_write {
	struct db_write w;
	struct arena a;
	struct prepared *ps;
	size_t n;
	bool batch, put;
	int64_t district_id, tool_id;
	char stored[40];
	int64_t stored_ms;
	char err[512];
	struct xapi_result out;	/* version set; the rest by xapi_write_end */
};

static enum eb_err write_run(struct db *db, void *ctx)
{
	struct xapi_write *x = ctx;
	x->err[0] = '\0';
	return store_prepared(db, x->district_id, x->tool_id, x->ps, x->n, x->stored,
			      x->stored_ms, x->batch, x->err, sizeof x->err);
}

static void write_free(struct xapi_write *x)
{
	if (!x)
		return;
	free(x->ps);
	arena_free(&x->a);
	xapi_result_free(&x->out);
	free(x);
}

/* Validates root (one statement or, POST only, an array) into x->ps. On an
 * error out holds the answer. */
static enum eb_err write_prepare(struct xapi_write *x, struct jv *root, enum xapi_version v,
				 struct xapi_result *out)
{
	xapi_now_iso(x->stored, &x->stored_ms);
	x->batch = jv_is_array(root);
	size_t n = x->batch ? jv_size(root) : 1;
	if (x->batch && n > XAPI_MAX_BATCH) {
		set_text(out, 413, "batch of %zu statements exceeds the limit of %d", n,
			 XAPI_MAX_BATCH);
		return EB_ETOOBIG;
	}
	if (x->batch && n == 0) {
		set_text(out, 400, "$: the array holds no statements");
		return EB_EINVAL;
	}
	if (!(x->ps = calloc(n, sizeof *x->ps))) {
		set_text(out, 500, "out of memory");
		return EB_ENOMEM;
	}
	x->n = n;
	enum eb_err rc = EB_OK;
	struct buf tmp = BUF_INIT;
	for (size_t i = 0; i < n && !rc; i++) {
		char path[32];
		if (x->batch)
			snprintf(path, sizeof path, "$[%zu]", i);
		else
			str_copy(path, sizeof path, "$");
		struct jv *s = x->batch ? jv_at(root, i) : root;
		rc = prepare_one(&x->a, &tmp, s, v, path, x->tool_id, x->stored, &x->ps[i], x->err,
				 sizeof x->err);
		for (size_t j = 0; !rc && j < i; j++)
			if (!strcmp(x->ps[j].id, x->ps[i].id)) {
				snprintf(x->err, sizeof x->err, "%s.id: statement id %s appears"
					 " twice in the batch", path, x->ps[i].id);
				rc = EB_EINVAL;
			}
	}
	buf_free(&tmp);
	if (rc)
		set_text(out, status_for(rc), "%s", x->err);
	return rc;
}

static bool check_version(const char *h, enum xapi_version *v, struct xapi_result *out)
{
	if (xapi_version_parse(h, v)) {
		begin_result(out, XAPI_V1);
		set_text(out, 400, "X-Experience-API-Version header must be 1.0.x or 2.0.x (got %s)",
			 h ? h : "none");
		return false;
	}
	begin_result(out, *v);
	return true;
}

/* The shared start of POST and PUT: version, parse, the PUT's id rules,
 * validation. NULL when out already holds the answer. */
static struct xapi_write *write_begin(int64_t district_id, int64_t tool_id, bool put,
				      const char *statement_id, const char *json, size_t len,
				      const char *version_header, struct xapi_result *out,
				      enum eb_err *rc_out)
{
	enum xapi_version v;
	*rc_out = EB_EINVAL;
	if (!check_version(version_header, &v, out))
		return NULL;
	if (put && (!statement_id || !is_uuid(statement_id))) {
		set_text(out, 400, "statementId parameter must be a UUID");
		return NULL;
	}
	struct xapi_write *x = calloc(1, sizeof *x);
	if (!x) {
		*rc_out = EB_ENOMEM;
		set_text(out, 500, "out of memory");
		return NULL;
	}
	arena_init(&x->a);
	x->district_id = district_id;
	x->tool_id = tool_id;
	x->put = put;
	x->out = *out;
	x->w.fn = write_run;
	x->w.ctx = x;
	enum eb_err rc = EB_OK;
	struct jv *root = load_capped(&x->a, json, len, x->err, sizeof x->err, &rc);
	if (!root) {
		*rc_out = rc;
		set_text(out, status_for(rc), "%s", x->err);
	} else if (!put && !jv_is_array(root) && !jv_is_object(root)) {
		set_text(out, 400, "$: must be a statement object or an array of statements");
	} else if (put && !jv_is_object(root)) {
		set_text(out, 400, "$: PUT takes one statement object");
	} else {
		struct jv *id = put ? jv_get(root, "id") : NULL;
		struct jv idv = jv_string(statement_id ? statement_id : "");
		if (put && id && (!jv_is_string(id) || strcasecmp(jv_str(id), statement_id)))
			set_text(out, 400, "$.id: does not match the statementId parameter");
		else if (put && !id && !jv_set(&x->a, root, "id", &idv))
			set_text(out, 500, "out of memory"), *rc_out = EB_ENOMEM;
		else if (!(*rc_out = write_prepare(x, root, v, out)))
			return x;
	}
	x->out = (struct xapi_result){ 0 };	/* out owns the answer */
	write_free(x);
	return NULL;
}

struct xapi_write *xapi_post_begin(int64_t district_id, int64_t tool_id, const char *json,
				   size_t len, const char *version_header,
				   struct xapi_result *out)
{
	enum eb_err rc;
	return write_begin(district_id, tool_id, false, NULL, json, len, version_header, out, &rc);
}

struct xapi_write *xapi_put_begin(int64_t district_id, int64_t tool_id,
				  const char *statement_id, const char *json, size_t len,
				  const char *version_header, struct xapi_result *out)
{
	enum eb_err rc;
	return write_begin(district_id, tool_id, true, statement_id, json, len, version_header,
			   out, &rc);
}

struct db_write *xapi_write_job(struct xapi_write *x)
{
	return &x->w;
}

enum eb_err xapi_write_end(struct xapi_write *x, struct xapi_result *out)
{
	enum eb_err rc = x->w.rc;
	*out = x->out;
	x->out = (struct xapi_result){ 0 };
	if (rc == EB_EBUSY) {
		str_copy(x->err, sizeof x->err, "the server is busy storing other statements;"
			 " nothing of this request was stored: send it again shortly");
	} else if (rc && !x->err[0]) {
		snprintf(x->err, sizeof x->err, "storing failed: %s", eb_strerror(rc));
	}
	if (rc) {
		set_text(out, status_for(rc), "%s", x->err);
	} else if (x->put) {
		out->status = 204;
		out->content_type = "text/plain; charset=utf-8";
	} else {
		struct buf ids = BUF_INIT;
		buf_putc(&ids, '[');
		for (size_t i = 0; i < x->n; i++)
			buf_printf(&ids, "%s\"%s\"", i ? "," : "", x->ps[i].id);
		buf_putc(&ids, ']');
		set_json(out, 200, &ids);
	}
	xapi_now_iso(out->consistent_through, NULL);
	write_free(x);
	return rc;
}

enum eb_err xapi_post(struct db *db, int64_t district_id, int64_t tool_id, const char *json,
		      size_t len, const char *version_header, struct xapi_result *out)
{
	enum eb_err rc;
	struct xapi_write *x =
		write_begin(district_id, tool_id, false, NULL, json, len, version_header, out, &rc);
	if (!x)
		return rc;
	db_write_grouped(db, xapi_write_job(x));
	return xapi_write_end(x, out);
}

enum eb_err xapi_put(struct db *db, int64_t district_id, int64_t tool_id,
		     const char *statement_id, const char *json, size_t len,
		     const char *version_header, struct xapi_result *out)
{
	enum eb_err rc;
	struct xapi_write *x = write_begin(district_id, tool_id, true, statement_id, json, len,
					   version_header, out, &rc);
	if (!x)
		return rc;
	db_write_grouped(db, xapi_write_job(x));
	return xapi_write_end(x, out);
}

/* ---- reading ------------------------------------------------------------------ */

static int parse_bool_param(const char *s, bool *out)
{
	if (!s)
		return 0;
	if (!strcmp(s, "true"))
		*out = true;
	else if (!strcmp(s, "false"))
		*out = false;
	else
		return -1;
	return 0;
}

/* The "more" cursor: base64url of a compact JSON of the query and the position. */
static char *cursor_encode(const struct activity_query *q)
{
	json_t *o = json_pack("{s:s*, s:s*, s:s*, s:s*, s:I, s:I, s:b, s:b, s:b, s:i, s:I, s:I}",
		"ag", q->agent_key, "vb", q->verb, "ac", q->activity, "rg", q->registration,
		"si", (json_int_t)q->since_ms, "un", (json_int_t)q->until_ms,
		"ra", q->related_agents, "rc", q->related_activities, "as", q->ascending,
		"li", q->limit, "af", (json_int_t)q->after_seq, "mx", (json_int_t)q->max_seq);
	if (!o)
		return NULL;
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *b = malloc(cap);
	if (b)
		sodium_bin2base64(b, cap, (const unsigned char *)s, n,
				  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	free(s);
	return b;
}

/* Decodes into q; strings are copied into *holder (json_decref when done). */
static bool cursor_decode(const char *tok, struct activity_query *q, json_t **holder)
{
	size_t n = strlen(tok);
	if (n > 16384)
		return false;
	unsigned char *bin = malloc(n + 1);
	size_t len = 0;
	if (!bin || sodium_base642bin(bin, n + 1, tok, n, NULL, &len, NULL,
				      sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		free(bin);
		return false;
	}
	json_t *o = json_loadb((const char *)bin, len, 0, NULL);
	free(bin);
	if (!o)
		return false;
	json_int_t si = -1, un = -1, af = 0, mx = 0;
	int ra = 0, rcx = 0, as = 0, li = 0;
	const char *ag = NULL, *vb = NULL, *ac = NULL, *rg = NULL;
	if (json_unpack(o, "{s?s, s?s, s?s, s?s, s:I, s:I, s:b, s:b, s:b, s:i, s:I, s:I}",
			"ag", &ag, "vb", &vb, "ac", &ac, "rg", &rg, "si", &si, "un", &un,
			"ra", &ra, "rc", &rcx, "as", &as, "li", &li, "af", &af, "mx", &mx)) {
		json_decref(o);
		return false;
	}
	*q = (struct activity_query){
		.agent_key = ag, .verb = vb, .activity = ac, .registration = rg,
		.since_ms = si, .until_ms = un, .related_agents = ra, .related_activities = rcx,
		.ascending = as, .limit = li, .after_seq = af, .max_seq = mx,
	};
	*holder = o;
	return q->limit >= 1 && q->limit <= XAPI_MAX_LIMIT;
}

static enum eb_err get_one(struct db *db, int64_t district_id, int64_t tool_id,
			   const char *id, bool voided, struct xapi_result *out)
{
	if (!is_uuid(id)) {
		set_text(out, 400, "%s must be a UUID", voided ? "voidedStatementId" : "statementId");
		return EB_EINVAL;
	}
	char lid[37];
	str_copy(lid, sizeof lid, id);
	lower(lid);
	struct buf b = BUF_INIT;
	enum eb_err rc = activity_statement_get(db, district_id, tool_id, lid, voided, &b);
	if (rc) {
		buf_free(&b);
		if (rc == EB_ENOTFOUND)
			set_text(out, 404, "no %sstatement with id %s", voided ? "voided " : "", lid);
		else
			set_text(out, 500, "reading failed: %s", eb_strerror(rc));
		return rc;
	}
	set_json(out, 200, &b);
	return EB_OK;
}

enum eb_err xapi_get(struct db *db, int64_t district_id, int64_t tool_id,
		     const struct xapi_get_params *p, const char *version_header,
		     struct xapi_result *out)
{
	enum xapi_version v;
	if (!check_version(version_header, &v, out))
		return EB_EINVAL;
	xapi_now_iso(out->consistent_through, NULL);
	bool filters = p->agent || p->verb || p->activity || p->registration || p->since ||
		       p->until || p->limit || p->ascending || p->related_activities ||
		       p->related_agents || p->more;
	if (p->format && strcmp(p->format, "exact") && strcmp(p->format, "ids") &&
	    strcmp(p->format, "canonical")) {
		set_text(out, 400, "format must be exact, ids or canonical");
		return EB_EINVAL;
	}
	if (p->statement_id || p->voided_statement_id) {
		if ((p->statement_id && p->voided_statement_id) || filters) {
			set_text(out, 400, "statementId / voidedStatementId take no other"
				 " parameters except attachments and format");
			return EB_EINVAL;
		}
		return p->statement_id ? get_one(db, district_id, tool_id, p->statement_id, false, out)
				       : get_one(db, district_id, tool_id, p->voided_statement_id, true, out);
	}
	struct activity_query q = { .since_ms = -1, .until_ms = -1, .limit = XAPI_DEFAULT_LIMIT };
	json_t *holder = NULL;
	char agent_key[300];
	enum eb_err rc = EB_OK;
	if (p->more) {
		if (!cursor_decode(p->more, &q, &holder)) {
			set_text(out, 400, "more: not a cursor this server issued");
			return EB_EINVAL;
		}
	} else {
		if (p->agent) {
			char err[256];
			struct arena ar;
			arena_init(&ar);
			struct jv_error je;
			struct jv *a = jv_parse(&ar, p->agent, strlen(p->agent), &je);
			struct vctx c = { .v = v, .a = &ar, .err = err, .cap = sizeof err };
			c.plen = str_copy(c.path, sizeof c.path, "agent");
			bool valid = a && !c_actor(&c, a);
			bool keyed = valid && xapi_agent_key(a, agent_key, sizeof agent_key);
			bool parsed = a != NULL;
			arena_free(&ar);
			if (!keyed) {
				set_text(out, 400, "%s", valid ? "agent: an anonymous Group cannot be"
					 " used as a filter; give an identifier" : parsed ? err
					 : "agent: must be a JSON Agent or identified Group");
				return EB_EINVAL;
			}
			q.agent_key = agent_key;
		}
		if ((p->verb && !is_iri(p->verb)) || (p->activity && !is_iri(p->activity))) {
			set_text(out, 400, "%s: must be an IRI", p->verb && !is_iri(p->verb) ? "verb" : "activity");
			return EB_EINVAL;
		}
		q.verb = p->verb;
		q.activity = p->activity;
		if (p->registration && !is_uuid(p->registration)) {
			set_text(out, 400, "registration: must be a UUID");
			return EB_EINVAL;
		}
		q.registration = p->registration;
		if ((p->since && !parse_ts(p->since, &q.since_ms)) ||
		    (p->until && !parse_ts(p->until, &q.until_ms))) {
			set_text(out, 400, "%s: must be an ISO 8601 timestamp",
				 p->since && !parse_ts(p->since, NULL) ? "since" : "until");
			return EB_EINVAL;
		}
		int64_t lim = 0;
		if (p->limit && cstr_to_i64(p->limit, 0, INT32_MAX, &lim)) {
			set_text(out, 400, "limit: must be a non-negative integer");
			return EB_EINVAL;
		}
		q.limit = lim == 0 ? XAPI_DEFAULT_LIMIT : lim > XAPI_MAX_LIMIT ? XAPI_MAX_LIMIT : (int)lim;
		if (parse_bool_param(p->ascending, &q.ascending) ||
		    parse_bool_param(p->related_agents, &q.related_agents) ||
		    parse_bool_param(p->related_activities, &q.related_activities)) {
			set_text(out, 400, "ascending, related_agents and related_activities take"
				 " true or false");
			return EB_EINVAL;
		}
		if ((rc = activity_statement_max_seq(db, district_id, tool_id, &q.max_seq)))
			goto fail;
	}
	struct buf b = BUF_INIT;
	size_t count;
	int64_t last;
	bool more;
	buf_puts(&b, "{\"statements\":[");
	rc = activity_statement_query(db, district_id, tool_id, &q, &b, &count, &last, &more);
	if (rc) {
		buf_free(&b);
		goto fail;
	}
	buf_puts(&b, "],\"more\":\"");
	if (more) {
		q.after_seq = last;
		char *tok = cursor_encode(&q);
		if (tok)
			buf_printf(&b, "/xapi/statements?more=%s", tok);
		free(tok);
	}
	buf_puts(&b, "\"}");
	json_decref(holder);
	set_json(out, 200, &b);
	return EB_OK;
fail:
	json_decref(holder);
	set_text(out, 500, "query failed: %s", eb_strerror(rc));
	return rc;
}

const char *xapi_about_json(void)
{
	return "{\"version\":[\"1.0.3\",\"2.0.0\"],\"extensions\":{}}";
}

void xapi_not_supported(const char *resource, struct xapi_result *out)
{
	begin_result(out, XAPI_V1);
	set_text(out, 501, "the xAPI %s resource is not supported by this LRS yet;"
		 " only /xapi/statements and /xapi/about are", resource ? resource : "requested");
}
