/* Machine translation: Apertium as a child process, LibreTranslate over
 * HTTP (libcurl). */
/* pipe2 (O_CLOEXEC at creation: no other thread's child inherits the pipe) */
#define _GNU_SOURCE
#include "domain/translate.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "store/db.h"

extern char **environ;

const char *translate_engine_name(enum translate_engine e)
{
	return e == TRANSLATE_APERTIUM ? "apertium" : "libretranslate";
}

enum eb_err translate_config_get(struct db *db, int64_t district_id, struct translate_config *out)
{
	memset(out, 0, sizeof *out);
	out->timeout_ms = TRANSLATE_TIMEOUT_MS;
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT endpoint, api_key, timeout_ms FROM district_translation "
				  "WHERE district_id=?1",
				  DB_ARGS(DB_INT(district_id)), &st);
	if (rc)
		return rc;
	if (db_next(st)) {
		db_col_copy(st, 0, out->endpoint, sizeof out->endpoint);
		db_col_copy(st, 1, out->api_key, sizeof out->api_key);
		out->timeout_ms = (int)db_col_int(st, 2);
	}
	return db_done(st);
}

enum eb_err translate_config_set(struct db *db, int64_t district_id, const char *endpoint,
				 const char *api_key, int timeout_ms)
{
	if (!endpoint || !*endpoint)
		return db_execute(db, "DELETE FROM district_translation WHERE district_id=?1",
				  DB_ARGS(DB_INT(district_id)), NULL);
	size_t n = strlen(endpoint);
	size_t scheme = strncmp(endpoint, "https://", 8) == 0  ? 8
			: strncmp(endpoint, "http://", 7) == 0 ? 7
							       : 0;
	while (n > scheme && endpoint[n - 1] == '/')
		n--;
	if (!scheme || n <= scheme || endpoint[scheme] == '/' || n >= TRANSLATE_ENDPOINT_MAX)
		return EB_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (endpoint[i] <= ' ' || endpoint[i] > '~' || strchr("\"'<>\\`?#", endpoint[i]))
			return EB_EINVAL;
	if (api_key && strlen(api_key) >= TRANSLATE_KEY_MAX)
		return EB_EINVAL;
	if (timeout_ms == 0)
		timeout_ms = TRANSLATE_TIMEOUT_MS;
	if (timeout_ms < 100 || timeout_ms > 60000)
		return EB_EINVAL;
	return db_execute(
		db,
		"INSERT INTO district_translation(district_id,endpoint,api_key,timeout_ms) "
		"VALUES(?1,?2,?3,?4) ON CONFLICT(district_id) DO UPDATE SET "
		"endpoint=excluded.endpoint,api_key=excluded.api_key,"
		"timeout_ms=excluded.timeout_ms",
		DB_ARGS(DB_INT(district_id), DB_TEXTN(endpoint, n), DB_TEXT(api_key ? api_key : ""),
			DB_INT(timeout_ms)),
		NULL);
}

/* Appends s with runs of white space made one space, trimmed; false when
 * nothing but white space. */
static bool put_tidy(struct buf *out, const char *s, size_t n)
{
	bool any = false, space = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
			space = any;
			continue;
		}
		if (space)
			buf_putc(out, ' ');
		space = false;
		buf_putc(out, c);
		any = true;
	}
	return any;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Apertium ------------------------------------------------------------ */

/* Writes all of p to fd with SIGPIPE held back in this thread (a child that
 * died early must not end the process); false on an error. */
static bool write_all(int fd, const char *p, size_t n)
{
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	bool ok = true;
	while (n && ok) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			ok = false;
		else {
			p += k;
			n -= (size_t)k;
		}
	}
	sigset_t pending;
	struct timespec zero = { 0, 0 };
	if (sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE))
		sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ok;
}

/* English to Spanish (mode "eng-spa") or back ("spa-eng") with the apertium
 * program; EB_ENOTSUP when it is not installed. */
static enum eb_err apertium(const char *mode, const char *text, int timeout_ms, struct buf *out)
{
	const char *prog = getenv("EDBRIDGE_APERTIUM");
	if (!prog || !*prog)
		prog = "apertium";
	char *const argv[] = { (char *)prog,  (char *)"-u", (char *)"-f",
			       (char *)"txt", (char *)mode, NULL };
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 };
	enum eb_err rc = EB_EIO;
	pid_t pid = -1;
	posix_spawn_file_actions_t fa;
	bool fa_ok = false;
	struct buf got = BUF_INIT;
	buf_init(&got, TRANSLATE_OUT_MAX);
	if (pipe2(in, O_CLOEXEC) || pipe2(outp, O_CLOEXEC))
		goto out;
	if (posix_spawn_file_actions_init(&fa))
		goto out;
	fa_ok = true;
	if (posix_spawn_file_actions_adddup2(&fa, in[0], 0) ||
	    posix_spawn_file_actions_adddup2(&fa, outp[1], 1) ||
	    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0))
		goto out;
	int e = posix_spawnp(&pid, prog, &fa, NULL, argv, environ);
	if (e) {
		pid = -1;
		rc = e == ENOENT ? EB_ENOTSUP : EB_EIO;
		goto out;
	}
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	/* the text fits a pipe's buffer: all of it, then end of input */
	bool wrote = write_all(in[1], text, strlen(text)) && write_all(in[1], "\n", 1);
	close(in[1]);
	in[1] = -1;
	int64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			goto out; /* killed below */
		struct pollfd p = { outp[0], POLLIN, 0 };
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto out;
		char chunk[4096];
		ssize_t k = read(outp[0], chunk, sizeof chunk);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			goto out;
		if (k == 0)
			break;
		buf_put(&got, chunk, (size_t)k);
		if (buf_failed(&got))
			goto out;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	pid = -1;
	if (!wrote || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		goto out;
	rc = put_tidy(out, got.data ? got.data : "", got.len) ? EB_OK : EB_EPARSE;
out:
	if (pid > 0) {
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	if (fa_ok)
		posix_spawn_file_actions_destroy(&fa);
	buf_free(&got);
	return rc;
}

/* ---- LibreTranslate ------------------------------------------------------ */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	buf_put(b, p, size * n);
	return buf_failed(b) ? 0 : size * n;
}

/* LibreTranslate's code for one of our languages ("zh" for zh-Hans). */
static const char *libre_code(const struct i18n_lang *l)
{
	return strcmp(l->tag, "zh-Hans") == 0 ? "zh" : l->tag;
}

static enum eb_err libretranslate(const struct translate_config *c, const char *source,
				  const char *target, const char *text, struct buf *out)
{
	pthread_once(&curl_once, curl_start);
	enum eb_err rc = EB_EIO;
	char url[TRANSLATE_ENDPOINT_MAX + 16];
	snprintf(url, sizeof url, "%s/translate", c->endpoint);
	json_t *req = json_pack("{s:s, s:s, s:s, s:s}", "q", text, "source", source, "target",
				target, "format", "text");
	if (req && c->api_key[0])
		json_object_set_new(req, "api_key", json_string(c->api_key));
	char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	struct buf got = BUF_INIT;
	buf_init(&got, TRANSLATE_OUT_MAX);
	CURL *h = body ? curl_easy_init() : NULL;
	struct curl_slist *hdr = h ? curl_slist_append(NULL, "Content-Type: application/json")
				   : NULL;
	if (!hdr)
		goto out;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)c->timeout_ms);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	long status = 0;
	if (curl_easy_perform(h) != CURLE_OK ||
	    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200)
		goto out;
	json_error_t err;
	json_t *ans = json_loadb(got.data ? got.data : "", got.len, 0, &err);
	const char *t = json_string_value(json_object_get(ans, "translatedText"));
	rc = t && put_tidy(out, t, strlen(t)) ? EB_OK : EB_EPARSE;
	json_decref(ans);
out:
	curl_slist_free_all(hdr);
	if (h)
		curl_easy_cleanup(h);
	free(body);
	buf_free(&got);
	return rc;
}

/* Translates text between English and other (to_english: from other into
 * English, else from English into other): Apertium for Spanish (offline),
 * else, or when it fails, the district's LibreTranslate endpoint. */
static enum eb_err translate_pair(const struct translate_config *c, const struct i18n_lang *other,
				  bool to_english, const char *text, struct buf *out,
				  enum translate_engine *used)
{
	if (!other || other == i18n_english() || !text)
		return EB_ENOTSUP;
	if (strlen(text) > TRANSLATE_TEXT_MAX)
		return EB_ETOOBIG;
	int timeout = c && c->timeout_ms > 0 ? c->timeout_ms : TRANSLATE_TIMEOUT_MS;
	struct buf t = BUF_INIT;
	buf_init(&t, TRANSLATE_OUT_MAX);
	enum eb_err rc = EB_ENOTSUP;
	if (strcmp(other->tag, "es") == 0 &&
	    (rc = apertium(to_english ? "spa-eng" : "eng-spa", text, timeout, &t)) == EB_OK)
		*used = TRANSLATE_APERTIUM;
	if (rc && c && c->endpoint[0]) {
		buf_reset(&t);
		const char *src = to_english ? libre_code(other) : "en";
		const char *dst = to_english ? "en" : libre_code(other);
		if ((rc = libretranslate(c, src, dst, text, &t)) == EB_OK)
			*used = TRANSLATE_LIBRETRANSLATE;
	}
	if (!rc)
		buf_put(out, t.data, t.len);
	buf_free(&t);
	return rc;
}

enum eb_err translate_text(const struct translate_config *c, const struct i18n_lang *lang,
			   const char *text, struct buf *out, enum translate_engine *used)
{
	return translate_pair(c, lang, false, text, out, used);
}

enum eb_err translate_to_english(const struct translate_config *c, const struct i18n_lang *from,
				 const char *text, struct buf *out, enum translate_engine *used)
{
	return translate_pair(c, from, true, text, out, used);
}
