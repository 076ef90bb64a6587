/* Unit tests of domain/lti (issue 16, h16-lti): registration and its
 * refusals, resource links, launch hints (replay, expiry, another user or
 * deployment), LIS role mapping, the id_token's claims and signature, the
 * data-sharing scopes honoured, platform key rotation with its grace
 * period. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/jose.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "domain/data_scope.h"
#include "domain/district.h"
#include "domain/lti.h"
#include "domain/tools.h"
#include "ingest/oneroster.h"
#include "roster_fixture.h"
#include "store/db.h"

#define CLAIM "https://purl.imsglobal.org/spec/lti/claim/"

struct fx {
	struct db *db;
	int64_t d1, d2, tool1, tool2, lti1;
	char keyfile[64];
};

static const struct audit_actor cli = { 0, "cli", "" };

static int64_t add_tool(struct fx *f, int64_t d, const char *name)
{
	struct tool t;
	struct tool_form in = { .name = name };
	char why[200];
	int64_t id = 0;
	tools_defaults(&t);
	if (tools_validate(f->db, d, &in, &t, why, sizeof why) ||
	    tools_create(f->db, d, &t, TOOL_UNDER_REVIEW, 0, &cli, "added", &id))
		return 0;
	return id;
}

static const struct lti_tool_form good_form = {
	.tool = "Math Tool",
	.client_id = "client-1",
	.deployment_ids = "dep-1, dep-2",
	.login_url = "https://tool.example/login",
	.launch_url = "https://tool.example/launch",
	.redirect_uris = "https://tool.example/launch https://tool.example/other",
	.jwks_url = "https://tool.example/jwks",
	.deep_link_url = "https://tool.example/deep",
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[256], why[200];
	struct oneroster_file files[FX_COUNT];
	struct oneroster_report rep;
	snprintf(f->keyfile, sizeof f->keyfile, "/tmp/eb-test-lti-%d.key", (int)getpid());
	unlink(f->keyfile);
	setenv("EDBRIDGE_VAULT_KEY_FILE", f->keyfile, 1);
	if (db_open(":memory:", DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
	if (district_create(f->db, "One", &f->d1) || district_create(f->db, "Two", &f->d2))
		return -1;
	memset(&rep, 0, sizeof rep);
	if (oneroster_import_files(f->db, f->d1, files, fx_files(files, -1, NULL), &rep))
		return -1;
	f->tool1 = add_tool(f, f->d1, "Math Tool");
	f->tool2 = add_tool(f, f->d2, "Other Tool");
	if (!f->tool1 || !f->tool2 ||
	    lti_tool_add(f->db, f->d1, &good_form, &cli, &f->lti1, why, sizeof why))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	unlink(f->keyfile);
	lti_jwks_cache_clear();
	free(f);
	return 0;
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	db_get_int(f->db, sql, DB_NOARGS, &n);
	return n;
}

static struct account person(int64_t id, int64_t d, enum role r, const char *sid)
{
	struct account a;
	memset(&a, 0, sizeof a);
	a.id = id;
	a.district_id = d;
	a.role_mask = 1u << r;
	snprintf(a.person_sid, sizeof a.person_sid, "%s", sid);
	snprintf(a.display_name, sizeof a.display_name, "Someone");
	return a;
}

static void registration(void **state)
{
	struct fx *f = *state;
	struct lti_tool t;
	char why[300], dep[64];
	int64_t id;
	assert_int_equal(lti_tool_by_client(f->db, "client-1", &t), EB_OK);
	assert_int_equal(t.district_id, f->d1);
	assert_int_equal(t.tool_id, f->tool1);
	assert_string_equal(t.name, "Math Tool");
	assert_int_equal(lti_tool_by_tool(f->db, f->d1, f->tool1, &t), EB_OK);
	assert_int_equal(lti_tool_by_deployment(f->db, "client-1", "dep-2", &t), EB_OK);
	assert_int_equal(lti_tool_by_deployment(f->db, "client-1", "dep-3", &t), EB_ENOTFOUND);
	assert_int_equal(lti_tool_get(f->db, f->d2, f->lti1, &t), EB_ENOTFOUND); /* tenant */
	assert_int_equal(lti_tool_get(f->db, f->d1, f->lti1, &t), EB_OK);
	assert_int_equal(lti_tool_deployment(f->db, &t, dep, sizeof dep), EB_OK);
	assert_string_equal(dep, "dep-1");
	assert_true(lti_redirect_registered(&t, "https://tool.example/other"));
	assert_false(lti_redirect_registered(&t, "https://tool.example/oth"));
	assert_false(lti_redirect_registered(&t, "https://tool.example/launch/"));
	assert_false(lti_redirect_registered(&t, ""));

	/* refusals store nothing */
	int64_t tools = count(f, "SELECT count(*) FROM lti_tool");
	int64_t deps = count(f, "SELECT count(*) FROM lti_deployment");
	struct {
		struct lti_tool_form in;
		enum eb_err rc;
		const char *why;
	} bad[] = {
		{ good_form, EB_EEXIST, "tool: this tool is registered already" },
		{ { "Other Tool", "c2", "d", "https://a/l", "https://a/x", "", "https://a/j", "" },
		  EB_ENOTFOUND,
		  "tool: no such tool" },
		{ { "nope", "c2", "d", "https://a/l", "https://a/x", "", "https://a/j", "" },
		  EB_ENOTFOUND,
		  "tool:" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(lti_tool_add(f->db, f->d1, &bad[i].in, &cli, &id, why, sizeof why),
				 bad[i].rc);
		assert_non_null(strstr(why, bad[i].why));
	}
	int64_t t3 = add_tool(f, f->d1, "Geo Tool");
	assert_true(t3 > 0);
	struct lti_tool_form in = good_form;
	char tid[24];
	snprintf(tid, sizeof tid, "%lld", (long long)t3);
	in.tool = tid;
	struct {
		const char *field, *value, *why;
	} fields[] = {
		{ "client_id", "", "client_id:" },
		{ "client_id", "has space", "client_id:" },
		{ "client_id", "client-1", "client_id: this client id is taken" },
		{ "login_url", "http://tool.example/login", "login_url: plain http" },
		{ "launch_url", "ftp://tool.example/", "launch_url: not an http(s)" },
		{ "jwks_url", "https://tool.example/\"x", "jwks_url:" },
		{ "redirect_uris", "https://ok.example/ javascript:alert(1)", "redirect_uris:" },
		{ "deployment_ids", "", "deployment_id: at least one" },
		{ "deep_link_url", "https://x.example/a b", "deep_link_url:" },
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		struct lti_tool_form g = in;
		const char **slot =
			strcmp(fields[i].field, "client_id") == 0	 ? &g.client_id
			: strcmp(fields[i].field, "login_url") == 0	 ? &g.login_url
			: strcmp(fields[i].field, "launch_url") == 0	 ? &g.launch_url
			: strcmp(fields[i].field, "jwks_url") == 0	 ? &g.jwks_url
			: strcmp(fields[i].field, "redirect_uris") == 0	 ? &g.redirect_uris
			: strcmp(fields[i].field, "deployment_ids") == 0 ? &g.deployment_ids
									 : &g.deep_link_url;
		*slot = fields[i].value;
		assert_int_not_equal(lti_tool_add(f->db, f->d1, &g, &cli, &id, why, sizeof why),
				     EB_OK);
		if (!strstr(why, fields[i].why))
			fail_msg("%s: got '%s'", fields[i].field, why);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM lti_tool"), tools);
	assert_int_equal(count(f, "SELECT count(*) FROM lti_deployment"), deps);
	/* plain http to this machine is fine (a tool on loopback) */
	in.client_id = "local";
	in.login_url = "http://127.0.0.1:3000/login";
	in.redirect_uris = "";
	assert_int_equal(lti_tool_add(f->db, f->d1, &in, &cli, &id, why, sizeof why), EB_OK);
	assert_int_equal(lti_tool_get(f->db, f->d1, id, &t), EB_OK);
	assert_string_equal(t.redirect_uris, "https://tool.example/launch");
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action='lti.tool.add'"), 2);
}

static void links(void **state)
{
	struct fx *f = *state;
	struct lti_link l;
	struct arena ar;
	struct lti_link_row *rows;
	size_t n;
	char why[300];
	int64_t id;
	struct lti_link_form in = { .class_sourced_id = "k1",
				    .title = "Solving equations",
				    .custom = "{\"unit\":\"3\"}",
				    .standards = "8.EE.C.7, 8.ee.c.8" };
	assert_int_equal(lti_link_add(f->db, f->d1, f->lti1, &in, &cli, &id, why, sizeof why),
			 EB_OK);
	assert_int_equal(lti_link_get(f->db, f->d1, id, &l), EB_OK);
	assert_int_equal(l.nstandards, 2);
	assert_string_equal(l.standards[0], "8.EE.C.7");
	assert_string_equal(l.tool_name, "Math Tool");
	assert_non_null(strstr(l.activity_id, "lti:"));
	assert_int_equal(count(f, "SELECT count(*) FROM activity_map WHERE"
				  " standard_code='8.EE.C.7'"),
			 1);
	assert_int_equal(lti_link_get(f->db, f->d2, id, &l), EB_ENOTFOUND);
	/* refusals */
	int64_t before = count(f, "SELECT count(*) FROM lti_link");
	struct lti_link_form bad[] = {
		{ .class_sourced_id = "nope", .title = "x" },
		{ .class_sourced_id = "k1", .title = "" },
		{ .class_sourced_id = "k1", .title = "x", .custom = "[1]" },
		{ .class_sourced_id = "k1", .title = "x", .custom = "{\"a\":1}" },
		{ .class_sourced_id = "k1", .title = "x", .standards = "NOT.A.CODE" },
		{ .class_sourced_id = "k1", .title = "x", .url = "javascript:alert(1)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_not_equal(
			lti_link_add(f->db, f->d1, f->lti1, &bad[i], &cli, &id, why, sizeof why),
			EB_OK);
		assert_true(why[0] != '\0');
	}
	assert_int_equal(count(f, "SELECT count(*) FROM lti_link"), before);
	arena_init(&ar);
	assert_int_equal(lti_link_list(f->db, f->d1, "k1", 0, &ar, &rows, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].standards, "8.EE.C.7, 8.EE.C.8");
	/* the student of k1 sees it; the one only in k2 does not */
	assert_int_equal(lti_link_list_student(f->db, f->d1, "u-s1", &ar, &rows, &n), EB_OK);
	assert_int_equal(n, 1);
	assert_int_equal(lti_link_list_student(f->db, f->d1, "u-g1", &ar, &rows, &n), EB_OK);
	assert_int_equal(n, 0);
	arena_free(&ar);
	assert_int_equal(lti_link_set_standards(f->db, f->d1, id, "", &cli, why, sizeof why),
			 EB_OK);
	assert_int_equal(lti_link_get(f->db, f->d1, id, &l), EB_OK);
	assert_int_equal(l.nstandards, 0);
}

static void roles(void **state)
{
	struct {
		enum role r;
		const char *has, *not ;
	} cases[] = {
		{ ROLE_TEACHER, "membership#Instructor", "membership#Learner" },
		{ ROLE_STUDENT, "membership#Learner", "membership#Instructor" },
		{ ROLE_DISTRICT_ADMIN, "institution/person#Administrator", "membership#Learner" },
		{ ROLE_COACH, "membership#Mentor", "membership#Instructor" },
		{ ROLE_IT_STAFF, "system/person#SysAdmin", "membership#Instructor" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct account a = person(1, 1, cases[i].r, "");
		json_t *arr = json_array();
		assert_int_equal(lti_roles_json(&a, arr), EB_OK);
		char *s = json_dumps(arr, 0);
		assert_non_null(strstr(s, cases[i].has));
		assert_null(strstr(s, cases[i].not ));
		assert_non_null(strstr(s, "http://purl.imsglobal.org/vocab/lis/v2/"));
		free(s);
		json_decref(arr);
	}
	/* two roles: each URI once */
	struct account a = person(1, 1, ROLE_DISTRICT_ADMIN, "");
	a.role_mask |= 1u << ROLE_COORDINATOR;
	json_t *arr = json_array();
	assert_int_equal(lti_roles_json(&a, arr), EB_OK);
	assert_int_equal(json_array_size(arr), 2);
	json_decref(arr);
	/* a vendor contact has no LTI role */
	a = person(1, 1, ROLE_VENDOR_CONTACT, "");
	arr = json_array();
	assert_int_equal(lti_roles_json(&a, arr), EB_OK);
	assert_int_equal(json_array_size(arr), 0);
	json_decref(arr);
	(void)state;
}

static void hints(void **state)
{
	struct fx *f = *state;
	struct lti_launch l, got;
	int64_t link;
	char why[200];
	struct lti_link_form in = { .class_sourced_id = "k1", .title = "Quiz" };
	assert_int_equal(lti_link_add(f->db, f->d1, f->lti1, &in, &cli, &link, why, sizeof why),
			 EB_OK);
	assert_int_equal(lti_launch_begin(f->db, f->d1, f->lti1, 5, LTI_LAUNCH_RESOURCE, link, "k1",
					  1000, &l),
			 EB_OK);
	assert_string_equal(l.deployment_id, "dep-1");
	assert_true(strlen(l.hint) >= 40);
	/* wrong user, wrong tool, wrong deployment, expired: refused, not spent */
	assert_int_equal(lti_launch_take(f->db, l.hint, f->lti1, 6, NULL, 1001, &got), EB_EPERM);
	assert_int_equal(lti_launch_take(f->db, l.hint, f->lti1 + 99, 5, NULL, 1001, &got),
			 EB_EPERM);
	assert_int_equal(lti_launch_take(f->db, l.hint, f->lti1, 5, "dep-2", 1001, &got),
			 EB_ECONFLICT);
	assert_int_equal(
		lti_launch_take(f->db, l.hint, f->lti1, 5, NULL, 1000 + LTI_HINT_TTL_S + 1, &got),
		EB_EAUTH);
	assert_int_equal(lti_launch_take(f->db, "unknown", f->lti1, 5, NULL, 1001, &got),
			 EB_ENOTFOUND);
	/* good once, then a replay */
	assert_int_equal(lti_launch_take(f->db, l.hint, f->lti1, 5, "dep-1", 1001, &got), EB_OK);
	assert_int_equal(got.link_id, link);
	assert_int_equal(lti_launch_take(f->db, l.hint, f->lti1, 5, NULL, 1002, &got), EB_EEXIST);
	/* subjects: stable, per tool, not the id */
	char s1[LTI_SUB_MAX + 1], s2[LTI_SUB_MAX + 1];
	int64_t who;
	assert_int_equal(lti_subject(f->db, f->d1, f->lti1, 5, s1), EB_OK);
	assert_int_equal(lti_subject(f->db, f->d1, f->lti1, 5, s2), EB_OK);
	assert_string_equal(s1, s2);
	assert_true(strlen(s1) >= 30);
	assert_int_equal(lti_subject_account(f->db, f->lti1, s1, &who), EB_OK);
	assert_int_equal(who, 5);
	assert_int_equal(lti_subject(f->db, f->d1, f->lti1, 6, s2), EB_OK);
	assert_string_not_equal(s1, s2);
}

/* the claims of a signed id_token, after checking its signature against
 * the platform's JWKS */
static json_t *verified_claims(struct fx *f, const char *token, int64_t now)
{
	struct buf jwks = BUF_INIT;
	struct jose_jwks *set = NULL;
	struct jose_jws jws = { 0 };
	assert_int_equal(lti_jwks(f->db, now, &jwks), EB_OK);
	assert_int_equal(jose_jwks_parse(jwks.data, jwks.len, &set, NULL), EB_OK);
	assert_int_equal(jose_jws_parse(str_from(token), &jws, NULL), EB_OK);
	assert_int_equal(jws.alg, JOSE_RS256);
	assert_int_equal(jose_jws_verify_jwks(&jws, set, NULL), EB_OK);
	json_error_t e;
	json_t *c = json_loads(jws.payload, 0, &e);
	jose_jws_free(&jws);
	jose_jwks_free(set);
	buf_free(&jwks);
	assert_non_null(c);
	return c;
}

static void id_token_claims(void **state)
{
	struct fx *f = *state;
	struct lti_launch l;
	int64_t link;
	char why[200];
	struct lti_link_form in = { .class_sourced_id = "k1",
				    .title = "Lines",
				    .custom = "{\"unit\":\"4\"}" };
	assert_int_equal(lti_link_add(f->db, f->d1, f->lti1, &in, &cli, &link, why, sizeof why),
			 EB_OK);
	struct account stu = person(11, f->d1, ROLE_STUDENT, "u-s1");
	assert_int_equal(lti_launch_begin(f->db, f->d1, f->lti1, stu.id, LTI_LAUNCH_RESOURCE, link,
					  "k1", 5000, &l),
			 EB_OK);
	struct lti_message m = { "https://edbridge.example", "nonce-1", NULL, "One", 5000 };
	struct buf tok = BUF_INIT;
	assert_int_equal(lti_id_token(f->db, &l, &stu, &m, &tok, NULL), EB_OK);
	json_t *c = verified_claims(f, tok.data, 5000);
	assert_string_equal(json_string_value(json_object_get(c, "iss")),
			    "https://edbridge.example");
	assert_string_equal(json_string_value(json_object_get(c, "aud")), "client-1");
	assert_string_equal(json_string_value(json_object_get(c, "nonce")), "nonce-1");
	assert_int_equal(json_integer_value(json_object_get(c, "exp")), 5000 + LTI_ID_TOKEN_TTL_S);
	assert_string_equal(json_string_value(json_object_get(c, CLAIM "message_type")),
			    "LtiResourceLinkRequest");
	assert_string_equal(json_string_value(json_object_get(c, CLAIM "deployment_id")), "dep-1");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(c, CLAIM "custom"), "unit")),
		"4");
	const char *sub = json_string_value(json_object_get(c, "sub"));
	assert_string_not_equal(sub, "11");
	assert_string_not_equal(sub, "u-s1");
	/* nothing the district did not grant */
	assert_null(json_object_get(c, "name"));
	assert_null(json_object_get(c, "email"));
	assert_null(json_object_get(c, CLAIM "lis"));
	assert_null(json_object_get(c, "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"));
	assert_null(json_object_get(json_object_get(c, CLAIM "context"), "title"));
	json_decref(c);
	buf_free(&tok);
	/* granted: name, student id, scores, class; the claims follow */
	unsigned mask = (1u << DATA_SCOPE_NAME) | (1u << DATA_SCOPE_STUDENT_ID) |
			(1u << DATA_SCOPE_SCORES) | (1u << DATA_SCOPE_CLASS) |
			(1u << DATA_SCOPE_MEMBERSHIP);
	assert_int_equal(data_scope_set(f->db, f->d1, f->tool1, mask, &cli), EB_OK);
	assert_int_equal(lti_launch_begin(f->db, f->d1, f->lti1, stu.id, LTI_LAUNCH_RESOURCE, link,
					  "k1", 5000, &l),
			 EB_OK);
	assert_int_equal(lti_id_token(f->db, &l, &stu, &m, &tok, NULL), EB_OK);
	c = verified_claims(f, tok.data, 5000);
	assert_string_equal(json_string_value(json_object_get(c, "name")), "Ann Lee");
	assert_null(json_object_get(c, "email")); /* not granted */
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, CLAIM "lis"),
							      "person_sourcedid")),
			    "u-s1");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(c, CLAIM "context"), "title")),
		"Algebra I - P1");
	json_t *ags = json_object_get(c, "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint");
	char want[200];
	snprintf(want, sizeof want, "https://edbridge.example/lti/ags/%lld/lineitems",
		 (long long)link);
	assert_string_equal(json_string_value(json_object_get(ags, "lineitems")), want);
	json_t *nrps = json_object_get(
		c, "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice");
	assert_string_equal(json_string_value(json_object_get(nrps, "context_memberships_url")),
			    "https://edbridge.example/lti/nrps/k1/memberships");
	json_decref(c);
	buf_free(&tok);
	/* a deep-linking request */
	struct account tch = person(12, f->d1, ROLE_TEACHER, "u-t1");
	assert_int_equal(
		lti_launch_begin(f->db, f->d1, f->lti1, tch.id, LTI_LAUNCH_DEEP, 0, "k1", 5000, &l),
		EB_OK);
	assert_int_equal(lti_id_token(f->db, &l, &tch, &m, &tok, NULL), EB_OK);
	c = verified_claims(f, tok.data, 5000);
	assert_string_equal(json_string_value(json_object_get(c, CLAIM "message_type")),
			    "LtiDeepLinkingRequest");
	json_t *dl = json_object_get(
		c, "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings");
	assert_string_equal(json_string_value(json_object_get(dl, "deep_link_return_url")),
			    "https://edbridge.example/lti/deep-linking/return");
	assert_string_equal(json_string_value(json_object_get(dl, "data")), l.deep_data);
	assert_string_equal(json_string_value(json_object_get(c, CLAIM "target_link_uri")),
			    "https://tool.example/deep");
	assert_null(json_object_get(c, CLAIM "resource_link"));
	json_decref(c);
	buf_free(&tok);
}

static void key_rotation(void **state)
{
	struct fx *f = *state;
	char k1[LTI_KID_MAX + 1], k2[LTI_KID_MAX + 1];
	struct buf jwks = BUF_INIT;
	const struct jose_key *cur;
	assert_int_equal(lti_key_rotate(f->db, 100, 0, k1), EB_OK);
	assert_int_equal(lti_key_current(f->db, 100, &cur), EB_OK);
	assert_string_equal(jose_key_kid(cur), k1);
	lti_key_release(cur);
	/* the private part is sealed, never in the clear */
	assert_int_equal(count(f, "SELECT count(*) FROM lti_platform_key WHERE private_sealed"
				  " LIKE '%PRIVATE KEY%' OR private_sealed NOT LIKE 'ebv1:%'"),
			 0);
	assert_int_equal(lti_key_rotate(f->db, 200, 1000, k2), EB_OK);
	assert_string_not_equal(k1, k2);
	assert_int_equal(lti_key_current(f->db, 200, &cur), EB_OK);
	assert_string_equal(jose_key_kid(cur), k2);
	lti_key_release(cur);
	/* both published in the grace period, the old one dropped after it */
	assert_int_equal(lti_jwks(f->db, 500, &jwks), EB_OK);
	assert_non_null(strstr(jwks.data, k1));
	assert_non_null(strstr(jwks.data, k2));
	assert_null(strstr(jwks.data, "\"d\""));
	buf_free(&jwks);
	assert_int_equal(lti_jwks(f->db, 1201, &jwks), EB_OK);
	assert_null(strstr(jwks.data, k1));
	assert_non_null(strstr(jwks.data, k2));
	buf_free(&jwks);
	struct arena ar;
	struct lti_key_row *rows;
	size_t n;
	arena_init(&ar);
	assert_int_equal(lti_key_list(f->db, &ar, &rows, &n), EB_OK);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].retired_at, 0);
	assert_int_equal(rows[1].retire_after, 1200);
	arena_free(&ar);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(registration, setup, teardown),
		cmocka_unit_test_setup_teardown(links, setup, teardown),
		cmocka_unit_test(roles),
		cmocka_unit_test_setup_teardown(hints, setup, teardown),
		cmocka_unit_test_setup_teardown(id_token_claims, setup, teardown),
		cmocka_unit_test_setup_teardown(key_rotation, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
