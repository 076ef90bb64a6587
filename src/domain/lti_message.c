/* lti_message.c - the LTI messages edbridge signs (the launch id_token of a
 * resource link or a deep-linking request) and the one it reads (a tool's
 * deep-linking response). See lti.h and docs/lti.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jose.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/data_scope.h"
#include "domain/district.h"
#include "domain/lti.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "store/db.h"

#define CLAIM "https://purl.imsglobal.org/spec/lti/claim/"
#define CLAIM_DL "https://purl.imsglobal.org/spec/lti-dl/claim/"
#define CLAIM_AGS "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
#define CLAIM_NRPS "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
#define AGS_SCOPE "https://purl.imsglobal.org/spec/lti-ags/scope/"
/* seconds of clock difference tolerated with a tool */
#define SKEW_S 60

static void say(char *why, size_t cap, const char *text)
{
	if (why && cap)
		str_copy(why, cap, text);
}

static json_t *url_claim(const char *issuer, const char *fmt_path, const char *arg_s, int64_t arg_i)
{
	char path[600], url[1200];
	if (arg_s) {
		/* a class id in a path: keep it to characters that need no escaping */
		char safe[300];
		size_t j = 0;
		for (const char *p = arg_s; *p && j + 4 < sizeof safe; p++) {
			unsigned char c = (unsigned char)*p;
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || strchr("-._~", c)) {
				safe[j++] = (char)c;
			} else {
				snprintf(safe + j, sizeof safe - j, "%%%02X", c);
				j += 3;
			}
		}
		safe[j] = '\0';
		snprintf(path, sizeof path, fmt_path, safe);
	} else {
		snprintf(path, sizeof path, fmt_path, (long long)arg_i);
	}
	snprintf(url, sizeof url, "%s%s", issuer, path);
	return json_string(url);
}

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

/* The person claims the district lets the tool have. */
static void person_claims(struct db *db, const struct lti_tool *t, const struct account *a,
			  json_t *c, struct arena *ar)
{
	int64_t d = t->district_id;
	bool name = data_scope_allows(db, d, t->tool_id, DATA_SCOPE_NAME);
	bool email = data_scope_allows(db, d, t->tool_id, DATA_SCOPE_EMAIL);
	bool sid = data_scope_allows(db, d, t->tool_id, DATA_SCOPE_STUDENT_ID);
	if (!name && !email && !sid)
		return;
	struct roster_person_row p;
	bool have = a->person_sid[0] && roster_person_get(db, d, a->person_sid, ar, &p) == EB_OK;
	if (name) {
		if (have) {
			const char *given = p.preferred_first_name && *p.preferred_first_name
						    ? p.preferred_first_name
						    : p.given_name;
			char full[300];
			snprintf(full, sizeof full, "%s %s", given ? given : "",
				 p.family_name ? p.family_name : "");
			set_str(c, "given_name", given);
			set_str(c, "family_name", p.family_name);
			set_str(c, "name", full);
		} else {
			set_str(c, "name", a->display_name);
		}
	}
	if (email && have)
		set_str(c, "email", p.email);
	if (sid && have) {
		json_t *lis = json_object();
		set_str(lis, "person_sourcedid", a->person_sid);
		json_object_set_new(c, CLAIM "lis", lis);
	}
}

enum eb_err lti_id_token(struct db *db, const struct lti_launch *l, const struct account *a,
			 const struct lti_message *m, struct buf *out, json_t **claims_out)
{
	struct lti_tool t;
	struct lti_link link;
	struct arena ar;
	const struct jose_key *key = NULL;
	char sub[LTI_SUB_MAX + 1];
	enum eb_err rc;
	json_t *c = NULL;
	char *text = NULL;
	bool deep = l->kind == LTI_LAUNCH_DEEP;
	arena_init(&ar);
	if (claims_out)
		*claims_out = NULL;
	if ((rc = lti_tool_get(db, l->district_id, l->lti_tool_id, &t)))
		goto out;
	if (!deep && (rc = lti_link_get(db, l->district_id, l->link_id, &link)))
		goto out;
	if ((rc = lti_subject(db, l->district_id, t.id, a->id, sub)))
		goto out;
	c = json_object();
	json_t *roles = json_array();
	if (!c || !roles || (rc = lti_roles_json(a, roles))) {
		json_decref(roles);
		rc = rc ? rc : EB_ENOMEM;
		goto out;
	}
	json_object_set_new(c, "iss", json_string(m->issuer));
	json_object_set_new(c, "aud", json_string(t.client_id));
	json_object_set_new(c, "azp", json_string(t.client_id));
	json_object_set_new(c, "sub", json_string(sub));
	json_object_set_new(c, "iat", json_integer(m->now));
	json_object_set_new(c, "exp", json_integer(m->now + LTI_ID_TOKEN_TTL_S));
	json_object_set_new(c, "nonce", json_string(m->nonce ? m->nonce : ""));
	json_object_set_new(c, CLAIM "message_type",
			    json_string(deep ? "LtiDeepLinkingRequest" : "LtiResourceLinkRequest"));
	json_object_set_new(c, CLAIM "version", json_string("1.3.0"));
	json_object_set_new(c, CLAIM "deployment_id", json_string(l->deployment_id));
	json_object_set_new(c, CLAIM "roles", roles);

	/* the class: its id always; what it is called where the tool may know */
	json_t *ctx = json_object();
	json_object_set_new(ctx, "id", json_string(l->class_sourced_id));
	json_t *types = json_array();
	json_array_append_new(
		types, json_string("http://purl.imsglobal.org/vocab/lis/v2/course#CourseSection"));
	json_object_set_new(ctx, "type", types);
	if (data_scope_allows(db, t.district_id, t.tool_id, DATA_SCOPE_CLASS)) {
		struct roster_class_row cr;
		if (roster_class_get(db, t.district_id, l->class_sourced_id, &ar, &cr) == EB_OK) {
			set_str(ctx, "title", cr.title);
			set_str(ctx, "label",
				cr.class_code && *cr.class_code ? cr.class_code : cr.title);
		}
	}
	json_object_set_new(c, CLAIM "context", ctx);

	json_t *plat = json_object();
	json_object_set_new(plat, "guid", json_string(m->issuer));
	json_object_set_new(plat, "product_family_code", json_string("edbridge"));
	set_str(plat, "name", m->platform_name);
	json_object_set_new(c, CLAIM "tool_platform", plat);
	json_t *pres = json_object();
	json_object_set_new(pres, "document_target", json_string("window"));
	set_str(pres, "return_url", m->return_url);
	json_object_set_new(c, CLAIM "launch_presentation", pres);

	if (deep) {
		char ret[1100];
		snprintf(ret, sizeof ret, "%s%s", m->issuer, LTI_PATH_DEEP_RETURN);
		json_object_set_new(
			c, CLAIM "target_link_uri",
			json_string(t.deep_link_url[0] ? t.deep_link_url : t.launch_url));
		json_t *dl = json_object();
		json_t *acc = json_array(), *targets = json_array();
		json_array_append_new(acc, json_string("ltiResourceLink"));
		json_array_append_new(targets, json_string("window"));
		json_object_set_new(dl, "deep_link_return_url", json_string(ret));
		json_object_set_new(dl, "accept_types", acc);
		json_object_set_new(dl, "accept_presentation_document_targets", targets);
		json_object_set_new(dl, "accept_multiple", json_true());
		json_object_set_new(dl, "auto_create", json_true());
		json_object_set_new(dl, "data", json_string(l->deep_data));
		json_object_set_new(c, CLAIM_DL "deep_linking_settings", dl);
	} else {
		json_object_set_new(c, CLAIM "target_link_uri",
				    json_string(link.url[0] ? link.url : t.launch_url));
		json_t *rl = json_object();
		char rid[32];
		snprintf(rid, sizeof rid, "%lld", (long long)link.id);
		json_object_set_new(rl, "id", json_string(rid));
		json_object_set_new(rl, "title", json_string(link.title));
		json_object_set_new(c, CLAIM "resource_link", rl);
		json_error_t e;
		json_t *custom = json_loads(link.custom, 0, &e);
		json_object_set_new(c, CLAIM "custom",
				    json_is_object(custom) ? custom : json_object());
		if (!json_is_object(custom))
			json_decref(custom);
		if (data_scope_allows(db, t.district_id, t.tool_id, DATA_SCOPE_SCORES)) {
			json_t *ags = json_object(), *sc = json_array();
			json_array_append_new(sc, json_string(AGS_SCOPE "lineitem"));
			json_array_append_new(sc, json_string(AGS_SCOPE "lineitem.readonly"));
			json_array_append_new(sc, json_string(AGS_SCOPE "result.readonly"));
			json_array_append_new(sc, json_string(AGS_SCOPE "score"));
			json_object_set_new(ags, "scope", sc);
			json_object_set_new(
				ags, "lineitems",
				url_claim(m->issuer, LTI_PATH_AGS_LINEITEMS, NULL, link.id));
			json_object_set_new(c, CLAIM_AGS, ags);
		}
	}
	if (data_scope_allows(db, t.district_id, t.tool_id, DATA_SCOPE_MEMBERSHIP)) {
		json_t *nrps = json_object(), *v = json_array();
		json_array_append_new(v, json_string("2.0"));
		json_object_set_new(nrps, "context_memberships_url",
				    url_claim(m->issuer, LTI_PATH_NRPS, l->class_sourced_id, 0));
		json_object_set_new(nrps, "service_versions", v);
		json_object_set_new(c, CLAIM_NRPS, nrps);
	}
	person_claims(db, &t, a, c, &ar);

	text = json_dumps(c, JSON_COMPACT);
	if (!text) {
		rc = EB_ENOMEM;
		goto out;
	}
	if ((rc = lti_key_current(db, m->now, &key)))
		goto out;
	rc = jose_sign(key, "JWT", text, strlen(text), out);
	if (!rc && buf_failed(out))
		rc = out->err;
out:
	lti_key_release(key);
	free(text);
	if (!rc && claims_out)
		*claims_out = c;
	else
		json_decref(c);
	arena_free(&ar);
	return rc;
}

/* ---- the deep-linking response -------------------------------------------- */

static bool aud_is(json_t *aud, const char *issuer)
{
	size_t i;
	json_t *v;
	if (json_is_string(aud))
		return strcmp(json_string_value(aud), issuer) == 0;
	json_array_foreach(aud, i, v) if (json_is_string(v) &&
					  strcmp(json_string_value(v), issuer) == 0) return true;
	return false;
}

/* The standards an item names: custom "standards" / "standard", else the
 * lineItem's tag or resourceId when it is a standard code. */
static void item_standards(json_t *item, char *out, size_t cap)
{
	char code[64];
	json_t *custom = json_object_get(item, "custom");
	const char *s = json_string_value(json_object_get(custom, "standards"));
	if (!s)
		s = json_string_value(json_object_get(custom, "standard"));
	out[0] = '\0';
	if (s) {
		str_copy(out, cap, s);
		return;
	}
	json_t *li = json_object_get(item, "lineItem");
	const char *cand[2] = { json_string_value(json_object_get(li, "tag")),
				json_string_value(json_object_get(li, "resourceId")) };
	for (int i = 0; i < 2; i++)
		if (cand[i] && standards_canonical(cand[i], code, sizeof code) == EB_OK) {
			str_copy(out, cap, code);
			return;
		}
}

static enum eb_err store_items(struct db *db, const struct lti_tool *t, json_t *items,
			       const struct lti_launch *l, struct lti_deep_result *res, char *why,
			       size_t cap)
{
	size_t i;
	json_t *item;
	struct audit_actor who = { l->account_id, "lti", "" };
	json_array_foreach(items, i, item)
	{
		const char *type = json_string_value(json_object_get(item, "type"));
		if (!type || strcmp(type, "ltiResourceLink") != 0) {
			res->skipped++;
			continue;
		}
		char standards[600], *custom = NULL;
		const char *title = json_string_value(json_object_get(item, "title"));
		if (!title || !*title)
			title = "Activity"; /* the title is optional in Deep Linking 2.0 */
		json_t *cj = json_object_get(item, "custom");
		if (json_is_object(cj))
			custom = json_dumps(cj, JSON_COMPACT);
		item_standards(item, standards, sizeof standards);
		json_t *li = json_object_get(item, "lineItem");
		const char *rid = json_string_value(json_object_get(li, "resourceId"));
		struct lti_link_form f = {
			.class_sourced_id = l->class_sourced_id,
			.title = title,
			.url = json_string_value(json_object_get(item, "url")),
			.custom = custom,
			.standards = standards,
			.resource_id = rid,
		};
		int64_t id;
		char lwhy[300];
		enum eb_err rc =
			lti_link_add(db, l->district_id, t->id, &f, &who, &id, lwhy, sizeof lwhy);
		if (rc == EB_EINVAL && strncmp(lwhy, "standards:", 10) == 0) {
			/* a code the catalogue does not know: keep the item, to be mapped */
			f.standards = NULL;
			rc = lti_link_add(db, l->district_id, t->id, &f, &who, &id, lwhy,
					  sizeof lwhy);
			standards[0] = '\0';
		}
		free(custom);
		if (rc) {
			snprintf(why, cap, "Item %zu (\"%.80s\") was refused: %s", i + 1, title,
				 lwhy[0] ? lwhy : eb_strerror(rc));
			return rc;
		}
		res->added++;
		if (!standards[0])
			res->to_map++;
	}
	return EB_OK;
}

enum eb_err lti_deep_linking_return(struct db *db, const char *jwt, const char *issuer, int64_t now,
				    struct lti_deep_result *out, char *why, size_t cap)
{
	struct jose_jws jws = { 0 };
	struct lti_tool t;
	json_t *p = NULL;
	const char *jwhy = NULL;
	enum eb_err rc;
	memset(out, 0, sizeof *out);
	if (why && cap)
		why[0] = '\0';
	if (!jwt || !*jwt) {
		say(why, cap, "The tool sent no deep-linking response (the JWT field is empty).");
		return EB_EPARSE;
	}
	if ((rc = jose_jws_parse(str_from(jwt), &jws, &jwhy))) {
		snprintf(why, cap, "The tool's answer is not a signed message we accept (%s).",
			 jwhy ? jwhy : "malformed");
		return rc == EB_EINVAL ? EB_EAUTH : EB_EPARSE;
	}
	json_error_t e;
	p = json_loads(jws.payload, 0, &e);
	const char *iss = json_string_value(json_object_get(p, "iss"));
	if (!json_is_object(p) || !iss) {
		say(why, cap, "The tool's answer has no issuer (iss).");
		rc = EB_EPARSE;
		goto out;
	}
	if (lti_tool_by_client(db, iss, &t)) {
		say(why, cap,
		    "The answer comes from a tool that is not registered (unknown client id).");
		rc = EB_EAUTH;
		goto out;
	}
	/* the signature first: nothing the message says counts before it */
	rc = lti_verify_with_tool_keys(t.jwks_url, &jws, now, &jwhy);
	if (rc == EB_EIO) {
		say(why, cap, "The tool's keys could not be fetched from its JWKS address.");
		rc = EB_EAUTH;
		goto out;
	}
	if (rc) {
		snprintf(why, cap, "The tool's answer is not signed by the tool's key (%s).",
			 jwhy ? jwhy : "signature");
		rc = EB_EAUTH;
		goto out;
	}
	json_t *exp = json_object_get(p, "exp"), *iat = json_object_get(p, "iat");
	const char *mt = json_string_value(json_object_get(p, CLAIM "message_type"));
	const char *ver = json_string_value(json_object_get(p, CLAIM "version"));
	const char *dep = json_string_value(json_object_get(p, CLAIM "deployment_id"));
	const char *data = json_string_value(json_object_get(p, CLAIM_DL "data"));
	struct lti_tool td;
	rc = EB_EAUTH;
	if (!aud_is(json_object_get(p, "aud"), issuer))
		say(why, cap,
		    "The answer is addressed to another platform (aud is not our issuer).");
	else if (!json_is_integer(exp) || json_integer_value(exp) + SKEW_S < now)
		say(why, cap, "The answer has expired (exp): start adding activities again.");
	else if (json_is_integer(iat) && json_integer_value(iat) > now + SKEW_S)
		say(why, cap, "The answer is dated in the future (iat).");
	else if (!json_string_value(json_object_get(p, "nonce")))
		say(why, cap, "The answer has no nonce.");
	else if (!mt || strcmp(mt, "LtiDeepLinkingResponse") != 0)
		say(why, cap, "The message is not a deep-linking response.");
	else if (!ver || strcmp(ver, "1.3.0") != 0)
		say(why, cap, "The message is not LTI 1.3.0.");
	else if (lti_tool_by_deployment(db, iss, dep, &td) || td.id != t.id)
		say(why, cap, "The answer names a deployment this tool does not have.");
	else
		rc = EB_OK;
	if (rc)
		goto out;
	const char *msg = json_string_value(json_object_get(p, CLAIM_DL "msg"));
	if (msg)
		str_copy(out->msg, sizeof out->msg, msg);
	json_t *items = json_object_get(p, CLAIM_DL "content_items");
	if (items && !json_is_array(items)) {
		say(why, cap, "The answer's content_items is not a list.");
		rc = EB_EPARSE;
		goto out;
	}
	if ((rc = db_begin(db)))
		goto out;
	rc = lti_launch_finish_deep(db, data, now, &out->launch);
	if (rc == EB_OK && out->launch.lti_tool_id != t.id)
		rc = EB_ENOTFOUND;
	if (rc) {
		db_rollback(db);
		say(why, cap,
		    rc == EB_EEXIST  ? "This answer was received already (a replay): nothing added."
		    : rc == EB_EAUTH ? "The request this answers is more than an hour old: start "
				       "adding activities again."
				     : "The answer does not belong to a request of ours (data).");
		rc = rc == EB_EDB ? rc : EB_EAUTH;
		goto out;
	}
	out->tool_id = t.tool_id;
	rc = store_items(db, &t, items, &out->launch, out, why, cap);
	if (!rc) {
		char detail[200], sid[24];
		struct audit_actor who = { out->launch.account_id, "lti", "" };
		snprintf(detail, sizeof detail,
			 "deep linking from %.80s: %d added, %d to be mapped", t.name, out->added,
			 out->to_map);
		snprintf(sid, sizeof sid, "%lld", (long long)t.id);
		rc = audit_record(db, t.district_id, &who, "lti.deep_linking", "lti_tool", sid,
				  detail);
	}
	if (rc || (rc = db_commit(db))) {
		db_rollback(db);
		out->added = out->to_map = out->skipped = 0;
		if (rc == EB_EDB)
			say(why, cap, "The activities could not be stored.");
	}
out:
	json_decref(p);
	jose_jws_free(&jws);
	return rc;
}
