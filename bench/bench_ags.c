/* bench_ags.c - LTI Assignment and Grade Services score posts into mastery,
 * over HTTP on one keep-alive loopback connection (the server of bench/lib
 * with its 2 worker threads), on a generated district (bench/lib/large;
 * 2,000 students by default, `--students N` for more). Each post is a
 * FullyGraded score of a student of the link's class, with a later
 * timestamp each time, so each one stores a score, a learning event and a
 * mastery update (lti_ags_score). Prints:
 *   ags_score_posts_per_s: N   (sequential posts / wall seconds)
 *   ags_score_median_ms: N     (client-measured round trip)
 *   ags_score_p99_ms: N
 *   ags_token_issue_ms: N      (one /lti/token grant in-process, JWKS cached) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/jose.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/data_scope.h"
#include "domain/lti.h"
#include "domain/lti_services.h"
#include "domain/tools.h"
#include "lib/large.h"
#include "store/db.h"
#include "web/http.h"

#define POSTS 3000
#define MAX_STUDENTS 64

static struct buf jwks_doc = BUF_INIT;

static enum eb_err fake_fetch(const char *url, struct buf *out)
{
	(void)url;
	buf_put(out, jwks_doc.data, jwks_doc.len);
	return EB_OK;
}

/* One request on fd; the status (0 on a transport error); body into body. */
static int request(int fd, const char *method, const char *path, const char *auth, const char *body,
		   char *resp, size_t cap)
{
	char head[1024];
	size_t blen = body ? strlen(body) : 0;
	int n = snprintf(head, sizeof head,
			 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
			 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
			 method, path, auth, blen);
	if (write(fd, head, (size_t)n) != n || (blen && write(fd, body, blen) != (ssize_t)blen))
		return 0;
	size_t got = 0;
	for (;;) {
		ssize_t r = read(fd, resp + got, cap - got - 1);
		if (r <= 0)
			return 0;
		got += (size_t)r;
		resp[got] = '\0';
		char *end = strstr(resp, "\r\n\r\n");
		if (!end)
			continue;
		char *cl = strstr(resp, "\r\nContent-Length:");
		size_t want = cl && cl < end ? (size_t)strtoul(cl + 17, NULL, 10) : 0;
		if (got >= (size_t)(end + 4 - resp) + want)
			break;
	}
	return (int)strtol(resp + 9, NULL, 10); /* "HTTP/1.1 200" */
}

int main(int argc, char **argv)
{
	int students = 2000;
	if (argc > 1 && !large_args(argc, argv, &students))
		return 2;
	struct large L;
	if (!large_build(&L, "ags", students))
		return 0;
	struct db *db = L.db;
	int64_t d = L.d;
	struct audit_actor who = { 0, "bench", "" };
	struct tool t;
	struct tool_form tf = { .name = "Bench Quiz" };
	char why[300];
	int64_t tool_id, lti_id, link_id;
	tools_defaults(&t);
	struct jose_key *key = NULL;
	if (tools_validate(db, d, &tf, &t, why, sizeof why) ||
	    tools_create(db, d, &t, TOOL_UNDER_REVIEW, 0, &who, "bench", &tool_id) ||
	    data_scope_set(db, d, tool_id, 1u << DATA_SCOPE_SCORES, &who) ||
	    jose_key_generate(JOSE_RS256, &key)) {
		printf("ags: setup failed\n");
		return 1;
	}
	buf_init(&jwks_doc, 16384);
	const struct jose_key *keys[1] = { key };
	jose_jwks_export(keys, 1, &jwks_doc);
	lti_jwks_set_fetch(fake_fetch);
	char tool_s[24];
	snprintf(tool_s, sizeof tool_s, "%lld", (long long)tool_id);
	struct lti_tool_form lf = {
		.tool = tool_s,
		.client_id = "bench-client",
		.deployment_ids = "d1",
		.login_url = "http://127.0.0.1:9/login",
		.launch_url = "http://127.0.0.1:9/launch",
		.jwks_url = "http://127.0.0.1:9/jwks",
	};
	char cls[1][64];
	int64_t nclasses;
	if (lti_tool_add(db, d, &lf, &who, &lti_id, why, sizeof why) ||
	    large_pick_classes(db, d, 1, cls, &nclasses) != 1) {
		printf("ags: LTI setup failed: %s\n", why);
		return 1;
	}
	struct lti_link_form kf = { .class_sourced_id = cls[0],
				    .title = "Bench activity",
				    .standards = "3.NF.A.1" };
	if (lti_link_add(db, d, lti_id, &kf, &who, &link_id, why, sizeof why)) {
		printf("ags: link failed: %s\n", why);
		return 1;
	}
	/* the class's students get accounts (only they have a subject) */
	char subs[MAX_STUDENTS][LTI_SUB_MAX + 1];
	int ns = 0;
	struct db_stmt *st;
	char sids[MAX_STUDENTS][64];
	if (db_query(db,
		     "SELECT user_sourced_id FROM enrollment WHERE district_id = ?1 AND"
		     " class_sourced_id = ?2 AND role = 'student' LIMIT 64",
		     DB_ARGS(DB_INT(d), DB_TEXT(cls[0])), &st))
		return 1;
	while (db_next(st) && ns < MAX_STUDENTS)
		db_col_copy(st, 0, sids[ns++], sizeof sids[0]);
	db_done(st);
	for (int i = 0; i < ns; i++) {
		int64_t acc;
		char login[80];
		snprintf(login, sizeof login, "bench-s%d", i);
		if (account_create(db, d, login, login, NULL, sids[i], &acc) ||
		    lti_subject(db, d, lti_id, acc, subs[i])) {
			printf("ags: student accounts failed\n");
			return 1;
		}
	}
	/* a token, in-process (the assertion signed here) */
	struct buf claims = BUF_INIT, jwt = BUF_INIT, tok = BUF_INIT;
	buf_init(&claims, 4096);
	buf_init(&jwt, 8192);
	buf_init(&tok, 4096);
	int64_t now = time_now();
	buf_printf(&claims,
		   "{\"iss\":\"bench-client\",\"sub\":\"bench-client\",\"aud\":"
		   "\"http://127.0.0.1/lti/token\",\"iat\":%lld,\"exp\":%lld,\"jti\":\"j1\"}",
		   (long long)now, (long long)now + 300);
	jose_sign(key, "JWT", claims.data, claims.len, &jwt);
	struct lti_token_request tr = {
		.grant_type = "client_credentials",
		.client_assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
		.client_assertion = buf_cstr(&jwt),
		.scope = "https://purl.imsglobal.org/spec/lti-ags/scope/score "
			 "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
	};
	struct lti_error err = { 0 };
	double t0 = time_mono();
	if (lti_token_issue(db, &tr, "http://127.0.0.1/lti/token", now, &tok, &err)) {
		printf("ags: token refused: %s\n", err.why);
		return 1;
	}
	double token_ms = (time_mono() - t0) * 1000;
	char token[LTI_TOKEN_CHARS + 1];
	const char *p = strstr(buf_cstr(&tok), "\"access_token\":\"");
	snprintf(token, sizeof token, "%s", p + 16);
	struct http_server *srv;
	int fd = large_serve(&L, &srv);
	if (fd < 0)
		return 1;
	static char resp[1 << 16];
	char path[200], body[600];
	snprintf(path, sizeof path, "/lti/ags/%lld/lineitems", (long long)link_id);
	snprintf(body, sizeof body,
		 "{\"label\":\"Bench quiz\",\"scoreMaximum\":10,"
		 "\"resourceLinkId\":\"%lld\"}",
		 (long long)link_id);
	if (request(fd, "POST", path, token, body, resp, sizeof resp) != 201) {
		printf("ags: line item refused: %s\n", resp);
		return 1;
	}
	const char *loc = strstr(resp, "/lineitems/");
	long item = loc ? strtol(loc + 11, NULL, 10) : 0;
	snprintf(path, sizeof path, "/lti/ags/%lld/lineitems/%ld/scores", (long long)link_id, item);
	static double lat[POSTS];
	int ok = 0;
	double start = time_mono();
	for (int i = 0; i < POSTS; i++) {
		char ts[40];
		time_format_iso(1767225600 + i, ts); /* 2026-01-01 onwards: later each time */
		snprintf(body, sizeof body,
			 "{\"userId\":\"%s\",\"scoreGiven\":%d,\"scoreMaximum\":10,"
			 "\"activityProgress\":\"Completed\",\"gradingProgress\":\"FullyGraded\","
			 "\"timestamp\":\"%s\"}",
			 subs[i % ns], i % 11, ts);
		double a = time_mono();
		int status = request(fd, "POST", path, token, body, resp, sizeof resp);
		lat[i] = (time_mono() - a) * 1000;
		ok += status == 200;
		if (status != 200 && i < 3)
			printf("ags: score %d answered %d: %s\n", i, status, resp);
	}
	double secs = time_mono() - start;
	printf("ags_students: %d\nags_class_students: %d\nags_score_posts: %d (%d stored)\n",
	       students, ns, POSTS, ok);
	printf("ags_score_posts_per_s: %.0f\n", POSTS / secs);
	printf("ags_score_median_ms: %.3f\n", large_quantile(lat, POSTS, 0.5));
	printf("ags_score_p99_ms: %.3f\n", large_quantile(lat, POSTS, 0.99));
	printf("ags_token_issue_ms: %.3f\n", token_ms);
	large_finish(&L, srv, fd);
	jose_key_free(key);
	buf_free(&claims);
	buf_free(&jwt);
	buf_free(&tok);
	buf_free(&jwks_doc);
	return ok == POSTS ? 0 : 1;
}
