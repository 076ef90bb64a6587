/* test_xapi.c - xAPI statement validation and the Statements resource. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "domain/activity.h"
#include "domain/district.h"
#include "base/json.h"
#include "ingest/xapi.h"
#include "ingest/xapi_map.h"
#include "ingest/xapi_query.h"
#include "ingest/xapi_store.h"
#include "ingest/xapi_validate.h"
#include "store/db.h"
#include "web/api/ingest.h"

/* The HTTP status the web layer answers a result with (web/api/ingest.c). */
static int status(const struct xapi_result *r)
{
	return api_ingest_status(r->rc, r->body != NULL);
}

struct fx {
	struct db *db;
	int64_t district;
	char path[64];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_xapi_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (district_create(f->db, "Test", &f->district))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	char p[80];
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

#define ACTOR "\"actor\":{\"mbox\":\"mailto:ann@example.org\"}"
#define VERB "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/answered\"}"
#define OBJ "\"object\":{\"id\":\"http://example.org/q/1\"}"

static const char *validate(const char *json, enum xapi_version v, char *err, size_t cap)
{
	enum eb_err rc = xapi_validate_json(json, strlen(json), v, err, cap);
	return rc ? err : NULL;
}

static void test_valid_statements(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"{" ACTOR "," VERB "," OBJ "}",
		"{\"id\":\"f6c6a4d2-0c4f-4a4e-9d7d-3f5a1e2b8c11\"," ACTOR "," VERB "," OBJ
		",\"timestamp\":\"2024-05-01T10:00:00.123+02:00\",\"version\":\"1.0.3\"}",
		"{\"actor\":{\"objectType\":\"Group\",\"member\":[{\"account\":{\"homePage\":"
		"\"https://sis.example\",\"name\":\"s1\"}}]}," VERB "," OBJ "}",
		"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"StatementRef\",\"id\":"
		"\"f6c6a4d2-0c4f-4a4e-9d7d-3f5a1e2b8c11\"}}",
		"{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\"," ACTOR "," VERB
		"," OBJ "}}",
		"{" ACTOR "," VERB "," OBJ ",\"result\":{\"score\":{\"scaled\":0.5,\"raw\":5,"
		"\"min\":0,\"max\":10},\"success\":true,\"completion\":false,\"duration\":\"PT1M30."
		"5S\","
		"\"extensions\":{\"http://x.example/e\":1}}}",
		"{" ACTOR "," VERB ",\"object\":{\"id\":\"http://example.org/q/1\",\"definition\":{"
		"\"name\":{\"en-US\":\"Q1\",\"zh-Hant-TW\":\"x\"},\"interactionType\":\"choice\","
		"\"correctResponsesPattern\":[\"a\"],\"choices\":[{\"id\":\"a\"},{\"id\":\"b\"}]}}"
		"}",
		"{" ACTOR "," VERB "," OBJ ",\"context\":{\"registration\":"
		"\"f6c6a4d2-0c4f-4a4e-9d7d-3f5a1e2b8c11\",\"contextActivities\":{\"parent\":"
		"{\"id\":\"http://example.org/quiz\"}},\"language\":\"en\"}}",
		"[{" ACTOR "," VERB "," OBJ "},{" ACTOR "," VERB "," OBJ "}]",
	};
	char err[512];
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		const char *e = validate(ok[i], XAPI_V1, err, sizeof err);
		if (e)
			fail_msg("valid statement %zu rejected: %s", i, e);
	}
	/* xAPI 2.0 context agents */
	const char *v2 = "{" ACTOR "," VERB "," OBJ
			 ",\"context\":{\"contextAgents\":[{\"objectType\":"
			 "\"contextAgent\",\"agent\":{\"mbox\":\"mailto:t@example.org\"},"
			 "\"relevantTypes\":[\"http://example.org/teacher\"]}]}}";
	assert_null(validate(v2, XAPI_V2, err, sizeof err));
	assert_non_null(validate(v2, XAPI_V1, err, sizeof err));
	/* a zone-less timestamp: fine in 1.0.3, not in 2.0 */
	const char *nozone = "{" ACTOR "," VERB "," OBJ ",\"timestamp\":\"2024-05-01T10:00:00\"}";
	assert_null(validate(nozone, XAPI_V1, err, sizeof err));
	assert_non_null(validate(nozone, XAPI_V2, err, sizeof err));
	assert_string_equal(err, "$.timestamp: must carry a time zone (Z or +hh:mm) in xAPI 2.0");
}

static void test_invalid_statements(void **state)
{
	(void)state;
	static const struct {
		const char *json, *err;
	} bad[] = {
		{ "{" VERB "," OBJ "}", "$.actor: is required" },
		{ "{" ACTOR "," OBJ "}", "$.verb: is required" },
		{ "{" ACTOR "," VERB "}", "$.object: is required" },
		{ "{\"actor\":{\"mbox\":\"ann@example.org\"}," VERB "," OBJ "}",
		  "$.actor.mbox: must start with mailto:" },
		{ "{\"actor\":{\"mbox\":\"mailto:a@b.org\",\"openid\":\"http://o.example/a\"}," VERB
		  "," OBJ "}",
		  "$.actor: an Agent needs exactly one of" },
		{ "{\"actor\":{\"name\":\"x\"}," VERB "," OBJ "}",
		  "$.actor: an Agent needs exactly one" },
		{ "{\"actor\":{\"account\":{\"name\":\"x\"}}," VERB "," OBJ "}",
		  "$.actor.account.homePage: is required" },
		{ "{\"actor\":{\"mbox_sha1sum\":\"abc\"}," VERB "," OBJ "}",
		  "$.actor.mbox_sha1sum: must be 40 hex" },
		{ "{\"actor\":{\"objectType\":\"Group\"}," VERB "," OBJ "}",
		  "$.actor: an anonymous Group" },
		{ "{" ACTOR ",\"verb\":{\"id\":\"answered\"}," OBJ "}",
		  "$.verb.id: must be an absolute IRI" },
		{ "{" ACTOR "," VERB
		  ",\"object\":{\"id\":\"http://e.org/1\",\"objectType\":\"Thing\"}}",
		  "$.object.objectType: must be Activity, Agent" },
		{ "{" ACTOR "," VERB
		  ",\"object\":{\"objectType\":\"StatementRef\",\"id\":\"nope\"}}",
		  "$.object.id: must be a UUID" },
		{ "{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\"," ACTOR "," VERB
		  ",\"object\":{\"objectType\":\"SubStatement\"," ACTOR "," VERB "," OBJ "}}}",
		  "$.object.object.objectType: a SubStatement cannot contain" },
		{ "{" ACTOR "," VERB ",\"object\":{\"objectType\":\"SubStatement\",\"id\":"
		  "\"f6c6a4d2-0c4f-4a4e-9d7d-3f5a1e2b8c11\"," ACTOR "," VERB "," OBJ "}}",
		  "$.object.id: unknown property" },
		{ "{" ACTOR "," VERB "," OBJ ",\"result\":{\"score\":{\"scaled\":1.5}}}",
		  "$.result.score.scaled: must be between -1 and 1" },
		{ "{" ACTOR "," VERB "," OBJ
		  ",\"result\":{\"score\":{\"raw\":11,\"min\":0,\"max\":10}}}",
		  "$.result.score.raw: must not be greater than max" },
		{ "{" ACTOR "," VERB "," OBJ ",\"result\":{\"success\":\"yes\"}}",
		  "$.result.success: must be true or false" },
		{ "{" ACTOR "," VERB "," OBJ ",\"result\":{\"duration\":\"90 seconds\"}}",
		  "$.result.duration: must be an ISO 8601 duration" },
		{ "{" ACTOR "," VERB "," OBJ ",\"context\":{\"registration\":\"123\"}}",
		  "$.context.registration: must be a UUID" },
		{ "{" ACTOR "," VERB "," OBJ ",\"timestamp\":\"yesterday\"}",
		  "$.timestamp: must be an ISO 8601 timestamp" },
		{ "{" ACTOR "," VERB "," OBJ ",\"version\":\"0.95\"}",
		  "$.version: must be 1.0.x or 2.0.x" },
		{ "{" ACTOR "," VERB "," OBJ ",\"colour\":\"red\"}", "$.colour: unknown property" },
		{ "{" ACTOR
		  ",\"verb\":{\"id\":\"http://e.org/v\",\"display\":{\"not a tag\":\"x\"}}," OBJ
		  "}",
		  "$.verb.display.not a tag: is not a valid language tag" },
		{ "{" ACTOR "," VERB ",\"object\":{\"id\":\"http://e.org/1\",\"definition\":{"
		  "\"extensions\":{\"plain\":1}}}}",
		  "$.object.definition.extensions.plain: extension keys must be IRIs" },
		{ "{" ACTOR ",\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"}," OBJ "}",
		  "$.object: a voiding statement (verb voided) needs a StatementRef" },
		{ "{" ACTOR "," VERB
		  ",\"object\":{\"mbox\":\"mailto:x@e.org\",\"objectType\":\"Agent\"},"
		  "\"context\":{\"platform\":\"web\"}}",
		  "$.context.platform: only allowed when the object is an Activity" },
		{ "{\"id\":\"bad\"," ACTOR "," VERB "," OBJ "}", "$.id: must be a UUID" },
		{ "{" ACTOR "," VERB ",\"object\":{\"id\":\"http://e.org/1\",\"definition\":{"
		  "\"interactionType\":\"true-false\",\"choices\":[{\"id\":\"a\"}]}}}",
		  "$.object.definition.choices: not allowed for interactionType true-false" },
		{ "{" ACTOR "," VERB "," OBJ ",\"context\":{\"contextActivities\":{\"parent\":"
		  "[{\"id\":\"not an iri\"}]}}}",
		  "$.context.contextActivities.parent[0].id: must be an absolute IRI" },
		{ "[{" ACTOR "," VERB "," OBJ "},{" ACTOR "," VERB "," OBJ "},{" ACTOR "," VERB
		  "," OBJ "},{" ACTOR "," VERB "," OBJ ",\"result\":{\"score\":{\"scaled\":-2}}}]",
		  "$[3].result.score.scaled: must be between -1 and 1" },
		{ "{\"actor\":", "body is not valid JSON" },
		{ "{" ACTOR "," ACTOR "," VERB "," OBJ "}", "body is not valid JSON" },
		{ "{" ACTOR "," VERB "," OBJ ",\"context\":null}", "$.context: must not be null" },
	};
	char err[512];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *e = validate(bad[i].json, XAPI_V1, err, sizeof err);
		if (!e)
			fail_msg("invalid statement %zu accepted (want %s)", i, bad[i].err);
		if (strncmp(e, bad[i].err, strlen(bad[i].err)))
			fail_msg("statement %zu: got \"%s\", want \"%s...\"", i, e, bad[i].err);
	}
	/* 2.0 wants arrays in contextActivities */
	const char *single = "{" ACTOR "," VERB "," OBJ
			     ",\"context\":{\"contextActivities\":{\"parent\":"
			     "{\"id\":\"http://example.org/quiz\"}}}}";
	const char *e = validate(single, XAPI_V2, err, sizeof err);
	assert_non_null(e);
	assert_string_equal(
		e, "$.context.contextActivities.parent: must be an array of Activities (xAPI 2.0)");
}

static void test_normalise_context_activities(void **state)
{
	(void)state;
	const char *text = "{" ACTOR "," VERB "," OBJ ",\"context\":{\"contextActivities\":"
			   "{\"parent\":{\"id\":\"http://example.org/quiz\"}}}}";
	struct arena a;
	arena_init(&a);
	struct jv_error je;
	struct jv *s = jv_parse(&a, text, strlen(text), &je);
	assert_non_null(s);
	char err[256];
	assert_int_equal(xapi_validate_statement(&a, s, XAPI_V1, "$", err, sizeof err), EB_OK);
	struct jv *p = jv_get(jv_get(jv_get(s, "context"), "contextActivities"), "parent");
	assert_true(jv_is_array(p));
	assert_int_equal(jv_size(p), 1);
	assert_string_equal(jv_str(jv_get(jv_at(p, 0), "id")), "http://example.org/quiz");
	arena_free(&a);
}

static void test_version_header(void **state)
{
	struct fx *f = *state;
	enum xapi_version v;
	assert_int_equal(xapi_version_parse("1.0.3", &v), EB_OK);
	assert_int_equal(v, XAPI_V1);
	assert_int_equal(xapi_version_parse("2.0.0", &v), EB_OK);
	assert_int_equal(v, XAPI_V2);
	assert_int_not_equal(xapi_version_parse("0.9", &v), EB_OK);
	assert_int_not_equal(xapi_version_parse(NULL, &v), EB_OK);
	struct xapi_result r = { 0 };
	const char *body = "{" ACTOR "," VERB "," OBJ "}";
	xapi_post(f->db, f->district, 1, body, strlen(body), NULL, &r);
	assert_int_equal(status(&r), 400);
	assert_non_null(strstr(r.body, "X-Experience-API-Version"));
	xapi_result_free(&r);
}

/* The checks every resource shares (xapi.h): version negotiation and the
 * query parameters per resource and method. */
static void test_negotiate_and_params(void **state)
{
	(void)state;
	enum xapi_version v;
	const char *ans;
	char why[200];
	assert_int_equal(xapi_version_negotiate("1.0", XAPI_RES_STATEMENTS, &v, &ans, why, 200),
			 EB_OK);
	assert_string_equal(ans, "1.0.3");
	assert_int_equal(xapi_version_negotiate("2.0.0", XAPI_RES_STATE, &v, &ans, why, 200),
			 EB_OK);
	assert_int_equal(v, XAPI_V2);
	assert_string_equal(ans, "2.0.0");
	assert_int_equal(xapi_version_negotiate("1.1.0", XAPI_RES_STATEMENTS, &v, &ans, why, 200),
			 EB_EINVAL);
	assert_non_null(strstr(why, "1.1.0"));
	assert_int_equal(xapi_version_negotiate("0.95", XAPI_RES_STATEMENTS, &v, &ans, why, 200),
			 EB_EINVAL);
	assert_int_equal(xapi_version_negotiate(NULL, XAPI_RES_STATEMENTS, &v, &ans, why, 200),
			 EB_EINVAL);
	assert_int_equal(xapi_version_negotiate(NULL, XAPI_RES_ABOUT, &v, &ans, why, 200), EB_OK);

	const char *ok[] = { "agent", "verb", "format", "attachments" };
	assert_int_equal(xapi_params_check(XAPI_RES_STATEMENTS, "GET", XAPI_V1, ok, 4, why, 200),
			 EB_OK);
	const char *unknown[] = { "agent", "foo" };
	assert_int_equal(
		xapi_params_check(XAPI_RES_STATEMENTS, "GET", XAPI_V1, unknown, 2, why, 200),
		EB_EINVAL);
	assert_string_equal(why, "unknown parameter foo");
	const char *put[] = { "statementId", "verb" };
	assert_int_equal(xapi_params_check(XAPI_RES_STATEMENTS, "PUT", XAPI_V1, put, 2, why, 200),
			 EB_EINVAL);
	assert_string_equal(why, "verb is not allowed with PUT");
	const char *twice[] = { "verb", "verb" };
	assert_int_equal(xapi_params_check(XAPI_RES_STATEMENTS, "GET", XAPI_V1, twice, 2, why, 200),
			 EB_EINVAL);
	assert_int_equal(
		xapi_params_check(XAPI_RES_STATEMENTS, "DELETE", XAPI_V1, NULL, 0, why, 200),
		EB_EINVAL);
	const char *since[] = { "activityId", "agent", "since" };
	assert_int_equal(xapi_params_check(XAPI_RES_STATE, "HEAD", XAPI_V2, since, 3, why, 200),
			 EB_OK);
	assert_int_equal(xapi_params_check(XAPI_RES_STATE, "DELETE", XAPI_V2, since, 3, why, 200),
			 EB_EINVAL);
	assert_string_equal(why, "since is not allowed with DELETE");
}

static int64_t count_statements(struct fx *f, int64_t tool)
{
	int64_t s, e, q;
	assert_int_equal(activity_counts(f->db, f->district, tool, &s, &e, &q), EB_OK);
	return s;
}

static void post(struct fx *f, int64_t tool, const char *body, int want, struct xapi_result *r)
{
	memset(r, 0, sizeof *r);
	xapi_post(f->db, f->district, tool, body, strlen(body), "1.0.3", r);
	if (status(r) != want)
		fail_msg("POST got %d (%s), want %d", status(r), r->body ? r->body : "", want);
}

/* Ids the server assigns are UUID v7: version and variant bits, the current
 * Unix milliseconds in front, strictly increasing within and across batches. */
static void test_generated_ids_ordered(void **state)
{
	struct fx *f = *state;
	char prev[37] = "";
	for (int round = 0; round < 2; round++) {
		struct buf b = BUF_INIT;
		buf_putc(&b, '[');
		for (int i = 0; i < 50; i++)
			buf_printf(&b, "%s{" ACTOR "," VERB "," OBJ "}", i ? "," : "");
		buf_putc(&b, ']');
		struct xapi_result r;
		post(f, 1, buf_cstr(&b), 200, &r);
		buf_free(&b);
		json_t *ids = json_loads(r.body, 0, NULL);
		assert_int_equal(json_array_size(ids), 50);
		for (size_t i = 0; i < 50; i++) {
			const char *id = json_string_value(json_array_get(ids, i));
			assert_int_equal(strlen(id), 36);
			assert_int_equal(id[14], '7');
			assert_non_null(strchr("89ab", id[19]));
			if (strcmp(prev, id) >= 0)
				fail_msg("id %s does not follow %s", id, prev);
			snprintf(prev, sizeof prev, "%s", id);
			char hex[13];
			memcpy(hex, id, 8);
			memcpy(hex + 8, id + 9, 4);
			hex[12] = '\0';
			long long ms = strtoll(hex, NULL, 16), now = (long long)time(NULL) * 1000;
			assert_true(ms > now - 60000 && ms < now + 60000);
		}
		json_decref(ids);
		xapi_result_free(&r);
	}
}

static void test_post_get(void **state)
{
	struct fx *f = *state;
	struct xapi_result r;
	post(f, 1, "{" ACTOR "," VERB "," OBJ "}", 200, &r);
	json_t *ids = json_loads(r.body, 0, NULL);
	assert_true(json_is_array(ids));
	assert_int_equal(json_array_size(ids), 1);
	const char *id = json_string_value(json_array_get(ids, 0));
	assert_int_equal(strlen(id), 36);
	assert_int_equal(id[14], '7'); /* UUID v7: time-ordered */
	assert_true(r.consistent_through[0] != '\0');
	xapi_result_free(&r);

	struct xapi_get_params p = { .statement_id = id };
	xapi_get(f->db, f->district, 1, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 200);
	json_t *st = json_loads(r.body, 0, NULL);
	assert_non_null(st);
	assert_string_equal(json_string_value(json_object_get(st, "id")), id);
	assert_non_null(json_object_get(st, "stored"));
	assert_non_null(json_object_get(st, "timestamp"));
	assert_non_null(json_object_get(st, "authority"));
	assert_string_equal(json_string_value(json_object_get(st, "version")), "1.0.0");
	json_decref(st);
	xapi_result_free(&r);
	json_decref(ids);

	p.statement_id = "00000000-0000-4000-8000-000000000000";
	xapi_get(f->db, f->district, 1, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 404);
	xapi_result_free(&r);

	/* statementId with another filter */
	p.verb = "http://adlnet.gov/expapi/verbs/answered";
	xapi_get(f->db, f->district, 1, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 400);
	xapi_result_free(&r);
}

static void test_batch_atomic(void **state)
{
	struct fx *f = *state;
	struct xapi_result r;
	post(f, 1,
	     "[{" ACTOR "," VERB "," OBJ "},{" ACTOR "," VERB "," OBJ "},{" ACTOR
	     ",\"verb\":{}," OBJ "}]",
	     400, &r);
	assert_string_equal(r.body, "$[2].verb.id: is required\n");
	xapi_result_free(&r);
	assert_int_equal(count_statements(f, 1), 0);

	/* conflict in the middle of a batch rolls back the earlier ones */
	post(f, 1, "{\"id\":\"11111111-1111-4111-8111-111111111111\"," ACTOR "," VERB "," OBJ "}",
	     200, &r);
	xapi_result_free(&r);
	post(f, 1,
	     "[{" ACTOR "," VERB "," OBJ "},{\"id\":\"11111111-1111-4111-8111-111111111111\"," ACTOR
	     "," VERB ",\"object\":{\"id\":\"http://example.org/other\"}}]",
	     409, &r);
	assert_non_null(strstr(r.body, "$[1].id"));
	xapi_result_free(&r);
	assert_int_equal(count_statements(f, 1), 1);

	/* duplicate ids inside one batch */
	post(f, 1,
	     "[{\"id\":\"22222222-2222-4222-8222-222222222222\"," ACTOR "," VERB "," OBJ "},"
	     "{\"id\":\"22222222-2222-4222-8222-222222222222\"," ACTOR "," VERB "," OBJ "}]",
	     400, &r);
	xapi_result_free(&r);
	assert_int_equal(count_statements(f, 1), 1);

	/* too many */
	size_t n = XAPI_MAX_BATCH + 1;
	char *big = malloc(n * 256 + 8);
	size_t o = 0;
	big[o++] = '[';
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(big + o, 256, "%s{" ACTOR "," VERB "," OBJ "}", i ? "," : "");
	big[o++] = ']';
	big[o] = '\0';
	post(f, 1, big, 413, &r);
	xapi_result_free(&r);
	free(big);
}

static void test_idempotent_and_conflict(void **state)
{
	struct fx *f = *state;
	struct xapi_result r;
	const char *s = "{\"id\":\"33333333-3333-4333-8333-333333333333\"," ACTOR "," VERB "," OBJ
			",\"timestamp\":\"2024-05-01T10:00:00Z\"}";
	post(f, 1, s, 200, &r);
	xapi_result_free(&r);
	/* same content, keys reordered, with client-set stored/version/authority */
	const char *again = "{" VERB "," OBJ "," ACTOR
			    ",\"id\":\"33333333-3333-4333-8333-333333333333\","
			    "\"timestamp\":\"2024-05-01T10:00:00Z\",\"version\":\"1.0.3\","
			    "\"stored\":\"2020-01-01T00:00:00Z\"}";
	post(f, 1, again, 200, &r);
	assert_string_equal(r.body, "[\"33333333-3333-4333-8333-333333333333\"]");
	xapi_result_free(&r);
	assert_int_equal(count_statements(f, 1), 1);
	/* PUT of the same: 204 */
	memset(&r, 0, sizeof r);
	xapi_put(f->db, f->district, 1, "33333333-3333-4333-8333-333333333333", s, strlen(s),
		 "1.0.3", &r);
	assert_int_equal(status(&r), 204);
	xapi_result_free(&r);
	/* different content */
	const char *other = "{\"id\":\"33333333-3333-4333-8333-333333333333\"," ACTOR "," VERB
			    ",\"object\":{\"id\":\"http://example.org/q/2\"}}";
	post(f, 1, other, 409, &r);
	assert_non_null(strstr(r.body, "already stored with different content"));
	xapi_result_free(&r);
	xapi_put(f->db, f->district, 1, "33333333-3333-4333-8333-333333333333", other,
		 strlen(other), "1.0.3", &r);
	assert_int_equal(status(&r), 409);
	xapi_result_free(&r);
	/* PUT id mismatch; PUT new */
	xapi_put(f->db, f->district, 1, "44444444-4444-4444-8444-444444444444", s, strlen(s),
		 "1.0.3", &r);
	assert_int_equal(status(&r), 400);
	xapi_result_free(&r);
	const char *noid = "{" ACTOR "," VERB "," OBJ "}";
	xapi_put(f->db, f->district, 1, "44444444-4444-4444-8444-444444444444", noid, strlen(noid),
		 "2.0.0", &r);
	assert_int_equal(status(&r), 204);
	assert_null(r.body);
	xapi_result_free(&r);
	assert_int_equal(count_statements(f, 1), 2);
	/* the same id under another tool is another statement */
	post(f, 2, other, 200, &r);
	xapi_result_free(&r);
}

#define SID_A "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
#define SID_V "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"

static void test_voiding(void **state)
{
	struct fx *f = *state;
	struct xapi_result r;
	post(f, 1, "{\"id\":\"" SID_A "\"," ACTOR "," VERB "," OBJ "}", 200, &r);
	xapi_result_free(&r);
	const char *voiding =
		"{\"id\":\"" SID_V "\"," ACTOR ",\"verb\":{\"id\":"
		"\"http://adlnet.gov/expapi/verbs/voided\"},\"object\":{\"objectType\":"
		"\"StatementRef\",\"id\":\"" SID_A "\"}}";
	post(f, 1, voiding, 200, &r);
	xapi_result_free(&r);
	struct xapi_get_params p = { .statement_id = SID_A };
	xapi_get(f->db, f->district, 1, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 404);
	xapi_result_free(&r);
	p = (struct xapi_get_params){ .voided_statement_id = SID_A };
	xapi_get(f->db, f->district, 1, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 200);
	assert_non_null(strstr(r.body, SID_A));
	xapi_result_free(&r);
	p = (struct xapi_get_params){ .voided_statement_id = SID_V };
	xapi_get(f->db, f->district, 1, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 404); /* not voided */
	xapi_result_free(&r);
	/* queries skip the voided one but return the voiding statement */
	p = (struct xapi_get_params){ 0 };
	xapi_get(f->db, f->district, 1, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 200);
	json_t *j = json_loads(r.body, 0, NULL);
	json_t *list = json_object_get(j, "statements");
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "id")),
			    SID_V);
	json_decref(j);
	xapi_result_free(&r);
	/* voiding a voiding statement is refused */
	post(f, 1,
	     "{" ACTOR ",\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
	     "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" SID_V "\"}}",
	     400, &r);
	assert_string_equal(
		r.body,
		"$.object.id: a voiding statement cannot target another voiding statement\n");
	xapi_result_free(&r);
	/* a statement whose voiding arrived first is stored voided */
	post(f, 1,
	     "{" ACTOR ",\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},"
	     "\"object\":{\"objectType\":\"StatementRef\",\"id\":\"cccccccc-cccc-4ccc-8ccc-"
	     "cccccccccccc\"}}",
	     200, &r);
	xapi_result_free(&r);
	post(f, 1, "{\"id\":\"cccccccc-cccc-4ccc-8ccc-cccccccccccc\"," ACTOR "," VERB "," OBJ "}",
	     200, &r);
	xapi_result_free(&r);
	p = (struct xapi_get_params){ .voided_statement_id =
					      "CCCCCCCC-cccc-4ccc-8ccc-cccccccccccc" };
	xapi_get(f->db, f->district, 1, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 200);
	xapi_result_free(&r);
}

static json_t *get_page(struct fx *f, int64_t tool, const struct xapi_get_params *p)
{
	struct xapi_result r = { 0 };
	xapi_get(f->db, f->district, tool, p, "1.0.3", &r);
	if (status(&r) != 200)
		fail_msg("GET %d: %s", status(&r), r.body ? r.body : "");
	json_t *j = json_loads(r.body, 0, NULL);
	xapi_result_free(&r);
	assert_non_null(j);
	return j;
}

static size_t page_count(json_t *j)
{
	return json_array_size(json_object_get(j, "statements"));
}

static void test_query_and_paging(void **state)
{
	struct fx *f = *state;
	struct xapi_result r;
	/* 25 statements: 5 by bob, 10 with verb completed, registration on 3 */
	for (int i = 0; i < 25; i++) {
		char body[1024];
		snprintf(body, sizeof body,
			 "{\"actor\":{\"mbox\":\"mailto:%s@example.org\"},\"verb\":{\"id\":"
			 "\"http://adlnet.gov/expapi/verbs/%s\"},\"object\":{\"id\":"
			 "\"http://example.org/act/%d\"},\"context\":{%s\"contextActivities\":"
			 "{\"parent\":[{\"id\":\"http://example.org/course\"}]},\"instructor\":"
			 "{\"mbox\":\"mailto:teach@example.org\"}}}",
			 i % 5 == 0 ? "bob" : "ann", i % 5 < 2 ? "completed" : "answered", i % 3,
			 i < 3 ? "\"registration\":\"dddddddd-dddd-4ddd-8ddd-dddddddddddd\"," : "");
		post(f, 1, body, 200, &r);
		xapi_result_free(&r);
	}
	struct xapi_get_params p = { .agent = "{\"mbox\":\"mailto:bob@example.org\"}" };
	json_t *j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 5);
	assert_string_equal(json_string_value(json_object_get(j, "more")), "");
	json_decref(j);
	p = (struct xapi_get_params){ .verb = "http://adlnet.gov/expapi/verbs/completed" };
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 10);
	json_decref(j);
	p = (struct xapi_get_params){ .activity = "http://example.org/act/1" };
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 8);
	json_decref(j);
	p.activity = "http://example.org/course";
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 0);
	json_decref(j);
	p.related_activities = "true";
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 25);
	json_decref(j);
	p = (struct xapi_get_params){ .agent = "{\"mbox\":\"mailto:teach@example.org\"}",
				      .related_agents = "true" };
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 25);
	json_decref(j);
	p.related_agents = NULL;
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 0);
	json_decref(j);
	p = (struct xapi_get_params){ .registration = "dddddddd-dddd-4ddd-8ddd-dddddddddddd" };
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 3);
	json_decref(j);
	p = (struct xapi_get_params){ .since = "2000-01-01T00:00:00Z",
				      .until = "2001-01-01T00:00:00Z" };
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 0);
	json_decref(j);
	p = (struct xapi_get_params){ .since = "2000-01-01T00:00:00Z" };
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 25);
	json_decref(j);

	/* paging: 7 per page, ascending, visits each statement once */
	p = (struct xapi_get_params){ .limit = "7", .ascending = "true" };
	size_t total = 0, pages = 0;
	char prev_stored[64] = "";
	char more[4096];
	for (;;) {
		j = get_page(f, 1, &p);
		total += page_count(j);
		pages++;
		size_t i;
		json_t *s;
		json_array_foreach(json_object_get(j, "statements"), i, s)
		{
			const char *st = json_string_value(json_object_get(s, "stored"));
			assert_true(strcmp(prev_stored, st) <= 0);
			snprintf(prev_stored, sizeof prev_stored, "%s", st);
		}
		const char *m = json_string_value(json_object_get(j, "more"));
		if (!m[0]) {
			json_decref(j);
			break;
		}
		assert_true(!strncmp(m, "/xapi/statements?more=", 22));
		snprintf(more, sizeof more, "%s", m + 22);
		json_decref(j);
		p = (struct xapi_get_params){ .more = more };
		/* statements added after the first page stay out of this listing */
		if (pages == 1) {
			post(f, 1, "{" ACTOR "," VERB "," OBJ "}", 200, &r);
			xapi_result_free(&r);
		}
	}
	assert_int_equal(total, 25);
	assert_int_equal(pages, 4);
	/* descending default with limit */
	p = (struct xapi_get_params){ .limit = "10" };
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 10);
	json_decref(j);

	/* bad parameters */
	static const struct xapi_get_params bad[] = {
		{ .agent = "{\"name\":\"x\"}" },
		{ .verb = "nope" },
		{ .registration = "x" },
		{ .since = "soon" },
		{ .limit = "-1" },
		{ .ascending = "yes" },
		{ .more = "garbage!" },
		{ .agent =
			  "{\"objectType\":\"Group\",\"member\":[{\"mbox\":\"mailto:a@b.org\"}]}" },
		{ .agent = "not json" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&r, 0, sizeof r);
		xapi_get(f->db, f->district, 1, &bad[i], "1.0.3", &r);
		if (status(&r) != 400 || !r.body || strlen(r.body) < 8)
			fail_msg("bad query %zu got %d (%s)", i, status(&r), r.body ? r.body : "");
		xapi_result_free(&r);
	}
}

static void test_tool_isolation(void **state)
{
	struct fx *f = *state;
	struct xapi_result r;
	post(f, 1, "{\"id\":\"" SID_A "\"," ACTOR "," VERB "," OBJ "}", 200, &r);
	xapi_result_free(&r);
	struct xapi_get_params p = { .statement_id = SID_A };
	xapi_get(f->db, f->district, 2, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 404);
	xapi_result_free(&r);
	p = (struct xapi_get_params){ 0 };
	json_t *j = get_page(f, 2, &p);
	assert_int_equal(page_count(j), 0);
	json_decref(j);
	j = get_page(f, 1, &p);
	assert_int_equal(page_count(j), 1);
	/* tool 2 cannot use tool 1's cursor to reach tool 1's rows */
	json_decref(j);
	p = (struct xapi_get_params){ .limit = "1" };
	post(f, 1, "{" ACTOR "," VERB "," OBJ "}", 200, &r);
	xapi_result_free(&r);
	j = get_page(f, 1, &p);
	const char *m = json_string_value(json_object_get(j, "more"));
	assert_true(m[0] != '\0');
	char tok[4096];
	snprintf(tok, sizeof tok, "%s", m + 22);
	json_decref(j);
	p = (struct xapi_get_params){ .more = tok };
	j = get_page(f, 2, &p);
	assert_int_equal(page_count(j), 0);
	json_decref(j);
	/* and another district sees nothing either */
	int64_t d2;
	assert_int_equal(district_create(f->db, "Other", &d2), EB_OK);
	p = (struct xapi_get_params){ .statement_id = SID_A };
	memset(&r, 0, sizeof r);
	xapi_get(f->db, d2, 1, &p, "1.0.3", &r);
	assert_int_equal(status(&r), 404);
	xapi_result_free(&r);
}

static void test_about_and_unsupported(void **state)
{
	(void)state;
	json_t *a = json_loads(xapi_about_json(), 0, NULL);
	assert_non_null(a);
	assert_true(json_is_array(json_object_get(a, "version")));
	json_decref(a);
	struct xapi_result r = { 0 };
	xapi_not_supported("activities/state", &r);
	assert_int_equal(status(&r), 501);
	assert_non_null(strstr(r.body, "activities/state"));
	xapi_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_statements),
		cmocka_unit_test(test_invalid_statements),
		cmocka_unit_test(test_normalise_context_activities),
		cmocka_unit_test_setup_teardown(test_version_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generated_ids_ordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_post_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_atomic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idempotent_and_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voiding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_query_and_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tool_isolation, setup, teardown),
		cmocka_unit_test(test_about_and_unsupported),
		cmocka_unit_test(test_negotiate_and_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
