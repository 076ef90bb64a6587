/* test_caliper.c - Caliper envelopes/events: the IMS fixtures, mapping, storage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/json.h"
#include "domain/activity.h"
#include "domain/district.h"
#include "ingest/caliper.h"
#include "store/db.h"
#include "web/api/ingest.h"

#define FIXTURES "../shared/data/caliper/v1p2"

/* The HTTP status the web layer answers a result with (web/api/ingest.c). */
static int status(const struct caliper_result *r)
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
	snprintf(f->path, sizeof f->path, "/tmp/test_caliper_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err))
		return -1;
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

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, fp);
	b[*len] = '\0';
	fclose(fp);
	return b;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_json(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

static bool fixtures_present(void)
{
	DIR *d = opendir(FIXTURES);
	if (!d)
		return false;
	closedir(d);
	return true;
}

/* Every event or envelope fixture validates and stores; every entity
 * fixture passes the entity validator. */
static void test_valid_fixtures(void **state)
{
	struct fx *f = *state;
	if (!fixtures_present()) {
		printf("skipped: ../shared/data absent\n");
		skip();
	}
	struct dirent **list;
	int n = scandir(FIXTURES, &list, is_json, by_name);
	assert_true(n > 0);
	int events = 0, entities = 0, other = 0;
	for (int i = 0; i < n; i++) {
		char path[512], err[512];
		snprintf(path, sizeof path, FIXTURES "/%s", list[i]->d_name);
		size_t len;
		char *body = slurp(path, &len);
		assert_non_null(body);
		struct arena a;
		arena_init(&a);
		struct jv_error je;
		struct jv *j = jv_parse(&a, body, len, &je);
		assert_non_null(j);
		bool is_event = jv_get(j, "data") || jv_get(j, "action");
		if (is_event) {
			struct caliper_result r;
			caliper_post(f->db, f->district, 1, body, len, &r);
			if (status(&r) != 200)
				fail_msg("%s rejected: %s", list[i]->d_name, r.body);
			caliper_result_free(&r);
			events++;
		} else if (jv_get(j, "type")) {
			if (caliper_validate_entity(j, "$", err, sizeof err))
				fail_msg("entity %s rejected: %s", list[i]->d_name, err);
			/* a bare entity is not something to POST */
			struct caliper_result r;
			caliper_post(f->db, f->district, 1, body, len, &r);
			assert_int_equal(status(&r), 400);
			assert_non_null(strstr(r.body, "not a Caliper event or envelope"));
			caliper_result_free(&r);
			entities++;
		} else {
			other++; /* caliperEndpointConfigPayload: not a data payload */
		}
		arena_free(&a);
		free(body);
		free(list[i]);
	}
	free(list);
	printf("# caliper fixtures: %d events/envelopes accepted, %d entities valid, %d other\n",
	       events, entities, other);
	assert_true(events >= 60);
}

/* Every fixture in commonErrorFixtures/ is rejected with a message. Event
 * fixtures are rejected as events; entity fixtures are rejected by
 * caliper_post as not-an-event, and the entity validator's own verdict is
 * counted. */
static void test_error_fixtures(void **state)
{
	struct fx *f = *state;
	if (!fixtures_present()) {
		printf("skipped: ../shared/data absent\n");
		skip();
	}
	struct dirent **list;
	int n = scandir(FIXTURES "/commonErrorFixtures", &list, is_json, by_name);
	assert_true(n > 0);
	int rejected = 0, entity_total = 0, entity_own = 0;
	for (int i = 0; i < n; i++) {
		char path[512], err[512];
		snprintf(path, sizeof path, FIXTURES "/commonErrorFixtures/%s", list[i]->d_name);
		size_t len;
		char *body = slurp(path, &len);
		assert_non_null(body);
		struct caliper_result r;
		caliper_post(f->db, f->district, 1, body, len, &r);
		if (status(&r) != 400 || !r.body || strlen(r.body) < 10)
			fail_msg("%s: got %d (%s), want 400", list[i]->d_name, status(&r),
				 r.body ? r.body : "");
		rejected++;
		bool event_fixture = !strncmp(list[i]->d_name, "caliperEvent", 12);
		if (event_fixture) {
			/* rejected for what is wrong, not for looking like an entity */
			assert_null(strstr(r.body, "not a Caliper event or envelope"));
		} else {
			struct arena a;
			arena_init(&a);
			struct jv_error je;
			struct jv *j = jv_parse(&a, body, len, &je);
			if (j) {
				entity_total++;
				if (caliper_validate_entity(j, "$", err, sizeof err))
					entity_own++;
			}
			arena_free(&a);
		}
		if (getenv("CALIPER_VERBOSE"))
			printf("# %s: %s", list[i]->d_name, r.body);
		caliper_result_free(&r);
		free(body);
		free(list[i]);
	}
	free(list);
	printf("# caliper error fixtures: %d/%d rejected; entity fixtures rejected by the entity"
	       " validator on their own merits: %d/%d\n",
	       rejected, n, entity_own, entity_total);
	int64_t s, e, q;
	assert_int_equal(activity_counts(f->db, f->district, 1, &s, &e, &q), EB_OK);
	assert_int_equal(e + q, 0); /* nothing stored from a rejected payload */
}

static void add_person(struct fx *f, const char *sid)
{
	assert_int_equal(db_execute(f->db,
				    "INSERT INTO person (district_id, sourced_id, org_sourced_ids, "
				    "role, given_name,"
				    " family_name) VALUES (?1, ?2, 'school1', 'student', 'G', 'F')",
				    DB_ARGS(DB_INT(f->district), DB_TEXT(sid)), NULL),
			 EB_OK);
}

#define EVENT_HEAD(uuid, type, action)                                                             \
	"{\"@context\":\"http://purl.imsglobal.org/ctx/caliper/v1p2\",\"id\":\"urn:uuid:" uuid     \
	"\",\"type\":\"" type "\",\"action\":\"" action                                            \
	"\",\"eventTime\":\"2024-03-01T10:00:00.000Z\","                                           \
	"\"actor\":{\"id\":\"https://sis.example/users/stu-1\",\"type\":\"Person\"},"

static const char envelope[] =
	"{\"sensor\":\"https://tool.example/sensor\",\"sendTime\":\"2024-03-01T10:00:01.000Z\","
	"\"dataVersion\":\"http://purl.imsglobal.org/ctx/caliper/v1p2\",\"data\":[" EVENT_HEAD(
		"11111111-1111-4111-8111-111111111111", "GradeEvent",
		"Graded") "\"object\":{\"id\":\"https://tool.example/attempts/"
			  "1\",\"type\":\"Attempt\","
			  "\"assignable\":{\"id\":\"https://tool.example/quiz/"
			  "4.NF.B.3\",\"type\":\"Assessment\"}},"
			  "\"generated\":{\"id\":\"https://tool.example/scores/"
			  "1\",\"type\":\"Score\",\"attempt\":"
			  "\"https://tool.example/attempts/"
			  "1\",\"scoreGiven\":8,\"maxScore\":10}}," EVENT_HEAD(
				  "22222222-2222-4222-8222-222222222222", "ToolUseEvent",
				  "Used") "\"object\":{\"id\":\"https://"
					  "tool.example\",\"type\":\"SoftwareApplication\"},"
					  "\"generated\":{\"id\":\"urn:uuid:33333333-3333-4333-"
					  "8333-333333333333\",\"type\":"
					  "\"AggregateMeasureCollection\",\"items\":[{\"id\":\"urn:"
					  "uuid:44444444-4444-4444-8444-444444444444\","
					  "\"type\":\"AggregateMeasure\",\"metric\":"
					  "\"MinutesOnTask\",\"metricValue\":12.5}]}}," EVENT_HEAD(
						  "55555555-5555-4555-8555-555555555555",
						  "AnnotationEvent",
						  "Bookmarked") "\"object\":{\"id\":\"https://"
								"tool.example/doc/"
								"1\",\"type\":\"Document\"}},"
								"{\"id\":\"https://tool.example/"
								"doc/"
								"1\",\"type\":\"Document\","
								"\"name\":\"described\"}"
								"]}";

static void test_mapping_and_duplicates(void **state)
{
	struct fx *f = *state;
	add_person(f, "stu-1");
	struct caliper_result r;
	caliper_post(f->db, f->district, 4, envelope, strlen(envelope), &r);
	if (status(&r) != 200)
		fail_msg("%d %s", status(&r), r.body);
	assert_string_equal(r.body,
			    "{\"events\":3,\"duplicates\":0,\"entities\":1,\"learningEvents\":2}");
	caliper_result_free(&r);
	struct db_stmt *st;
	assert_int_equal(
		db_query(f->db,
			 "SELECT standard_code, score, duration_s, activity_id FROM learning_event"
			 " WHERE district_id = ?1 AND student_sourced_id = 'stu-1' ORDER BY id",
			 DB_ARGS(DB_INT(f->district)), &st),
		EB_OK);
	assert_true(db_next(st));
	assert_string_equal(db_col_text(st, 0), "4.NF.B.3");
	assert_true(db_col_double(st, 1) > 0.79 && db_col_double(st, 1) < 0.81);
	assert_string_equal(db_col_text(st, 3), "https://tool.example/quiz/4.NF.B.3");
	assert_true(db_next(st));
	assert_true(db_col_is_null(st, 0));
	assert_true(db_col_double(st, 2) > 749 && db_col_double(st, 2) < 751);
	assert_false(db_next(st));
	assert_int_equal(db_done(st), EB_OK);
	/* re-sending: nothing new */
	caliper_post(f->db, f->district, 4, envelope, strlen(envelope), &r);
	assert_int_equal(status(&r), 200);
	assert_string_equal(r.body,
			    "{\"events\":0,\"duplicates\":3,\"entities\":1,\"learningEvents\":0}");
	caliper_result_free(&r);
}

static void test_event_rules(void **state)
{
	(void)state;
	static const struct {
		const char *json, *err;
	} bad[] = {
		{ "{\"@context\":\"http://purl.imsglobal.org/ctx/caliper/v1p2\",\"id\":\"urn:uuid:"
		  "11111111-1111-4111-8111-111111111111\",\"type\":\"ViewEvent\",\"action\":"
		  "\"Graded\","
		  "\"eventTime\":\"2024-01-01T00:00:00Z\",\"actor\":\"https://e.org/u/"
		  "1\",\"object\":"
		  "\"https://e.org/d/1\"}",
		  "$.action: 'Graded' is not allowed for ViewEvent (allowed: Viewed)" },
		{ "{\"@context\":\"http://purl.imsglobal.org/ctx/caliper/"
		  "v1p2\",\"id\":\"11111111\","
		  "\"type\":\"ViewEvent\",\"action\":\"Viewed\",\"eventTime\":\"2024-01-01T00:00:"
		  "00Z\","
		  "\"actor\":\"https://e.org/u/1\",\"object\":\"https://e.org/d/1\"}",
		  "$.id: must be a urn:uuid: identifier" },
		{ "{\"sensor\":\"https://e.org/"
		  "s\",\"sendTime\":\"2024-01-01T00:00:00Z\",\"dataVersion\":"
		  "\"http://purl.imsglobal.org/ctx/caliper/v1p2\",\"data\":[{\"@context\":"
		  "\"http://purl.imsglobal.org/ctx/caliper/v1p2\",\"id\":\"urn:uuid:"
		  "11111111-1111-4111-8111-111111111111\",\"type\":\"ViewEvent\",\"action\":"
		  "\"Viewed\","
		  "\"eventTime\":\"2024-01-01T00:00:00Z\",\"actor\":\"https://e.org/u/"
		  "1\",\"object\":"
		  "{\"id\":\"https://e.org/u/2\",\"type\":\"Person\"}}]}",
		  "$.data[0].object: a Person is not allowed here (expected DigitalResource "
		  "Result)" },
		{ "{\"sensor\":\"https://e.org/s\",\"dataVersion\":\"x\",\"data\":[]}",
		  "$.sendTime: is required" },
	};
	char err[512];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum eb_err rc = caliper_validate_json(bad[i].json, strlen(bad[i].json), err,
						       sizeof err, NULL, NULL);
		if (!rc)
			fail_msg("case %zu accepted", i);
		if (strcmp(err, bad[i].err))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, bad[i].err);
	}
}

/* A session's ISO 8601 duration becomes the event's seconds: each unit
 * counts as itself wherever it stands (PT5M30S was read as 5 min + 30 h). */
static void test_durations_in_seconds(void **state)
{
	(void)state;
	static const struct {
		const char *iso;
		double secs;
	} cases[] = {
		{ "PT30M", 1800 },	   { "PT1H30M", 5400 },	 { "PT5M30S", 330 },
		{ "PT90S", 90 },	   { "P1DT2H", 93600 },	 { "P1Y2M", 425 * 86400.0 },
		{ "P2W3D", 17 * 86400.0 }, { "PT1.5M30S", 120 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char ev[1024];
		snprintf(ev, sizeof ev,
			 EVENT_HEAD("11111111-1111-4111-8111-111111111111", "SessionEvent",
				    "LoggedOut") "\"object\":{\"id\":\"https://e.org/"
						 "app\",\"type\":\"SoftwareApplication\"},"
						 "\"session\":{\"id\":\"https://e.org/s/"
						 "1\",\"type\":\"Session\","
						 "\"duration\":\"%s\"}}",
			 cases[i].iso);
		struct arena a;
		arena_init(&a);
		struct jv_error je;
		struct jv *j = jv_parse(&a, ev, strlen(ev), &je);
		assert_non_null(j);
		char err[256], scratch[1536];
		if (caliper_validate_event(j, "$", err, sizeof err))
			fail_msg("%s: %s", cases[i].iso, err);
		struct learning_event_in le;
		assert_true(caliper_map_event(j, &le, scratch, sizeof scratch));
		if (le.duration_s != cases[i].secs)
			fail_msg("%s read as %g s, want %g", cases[i].iso, le.duration_s,
				 cases[i].secs);
		arena_free(&a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_fixtures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_fixtures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapping_and_duplicates, setup, teardown),
		cmocka_unit_test(test_event_rules),
		cmocka_unit_test(test_durations_in_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
