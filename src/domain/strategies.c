/* strategies.c - the teacher-led strategy library: parsed once from the
 * embedded data/strategies/strategies.tsv into static arrays. */
#include "domain/strategies.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/log.h"
#include "base/str.h"

#define STRATEGIES_FILE "data/strategies/strategies.tsv"
#define STRATEGIES_MAX 1024

static struct strategy lib[STRATEGIES_MAX];
static size_t nlib;
static char *text; /* the file's copy the fields point into; lives forever */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static enum eb_err load_rc;

/* Cuts the line at tabs into at most max fields (NUL-terminated in place). */
static size_t split_tabs(char *line, char **f, size_t max)
{
	size_t n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static enum eb_err parse_line(char *line, size_t lineno)
{
	char *f[8];
	size_t n = split_tabs(line, f, 8);
	int64_t minutes;
	if (n != 7) {
		log_msg(LOG_ERROR, "%s:%zu: expected 7 fields, got %zu", STRATEGIES_FILE, lineno,
			n);
		return EB_EPARSE;
	}
	for (size_t i = 0; i < n; i++)
		if (!*f[i]) {
			log_msg(LOG_ERROR, "%s:%zu: field %zu is empty", STRATEGIES_FILE, lineno,
				i + 1);
			return EB_EPARSE;
		}
	const struct standard *cl = standards_find(f[1]);
	if (!cl || cl->kind != STANDARD_CLUSTER) {
		log_msg(LOG_ERROR, "%s:%zu: cluster: %s is not a cluster of the catalog",
			STRATEGIES_FILE, lineno, f[1]);
		return EB_EPARSE;
	}
	if (cstr_to_i64(f[6], 5, 60, &minutes)) {
		log_msg(LOG_ERROR, "%s:%zu: minutes: %s is not 5..60", STRATEGIES_FILE, lineno,
			f[6]);
		return EB_EPARSE;
	}
	for (size_t i = 0; i < nlib; i++)
		if (strcmp(lib[i].id, f[0]) == 0) {
			log_msg(LOG_ERROR, "%s:%zu: id: %s is used twice", STRATEGIES_FILE, lineno,
				f[0]);
			return EB_EPARSE;
		}
	if (nlib == STRATEGIES_MAX) {
		log_msg(LOG_ERROR, "%s:%zu: more than %d strategies", STRATEGIES_FILE, lineno,
			STRATEGIES_MAX);
		return EB_EPARSE;
	}
	lib[nlib++] = (struct strategy){ .id = f[0],
					 .cluster = cl,
					 .kind = f[2],
					 .name = f[3],
					 .what = f[4],
					 .materials = f[5],
					 .minutes = (int)minutes };
	return EB_OK;
}

static void load(void)
{
	const struct embed_file *ef = embed_find(STRATEGIES_FILE);
	if (standards_init() || !ef) {
		log_msg(LOG_ERROR, "strategies: %s",
			ef ? "the catalog did not load" : STRATEGIES_FILE " is not embedded");
		load_rc = EB_EPARSE;
		return;
	}
	text = malloc(ef->len + 1);
	if (!text) {
		load_rc = EB_ENOMEM;
		return;
	}
	memcpy(text, ef->data, ef->len);
	text[ef->len] = '\0';
	size_t lineno = 0;
	for (char *p = text; *p && !load_rc;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		size_t len = strlen(p);
		if (len && p[len - 1] == '\r')
			p[len - 1] = '\0';
		if (++lineno > 1 && *p)
			load_rc = parse_line(p, lineno);
		if (!nl)
			break;
		p = nl + 1;
	}
	if (load_rc)
		nlib = 0;
}

enum eb_err strategies_init(void)
{
	pthread_once(&load_once, load);
	return load_rc;
}

size_t strategies_count(void)
{
	strategies_init();
	return nlib;
}

const struct strategy *strategies_at(size_t i)
{
	strategies_init();
	return i < nlib ? &lib[i] : NULL;
}

const struct strategy *strategies_find(const char *id)
{
	strategies_init();
	for (size_t i = 0; id && i < nlib; i++)
		if (strcmp(lib[i].id, id) == 0)
			return &lib[i];
	return NULL;
}

size_t strategies_for(const struct standard *std, const struct strategy **out, size_t cap)
{
	strategies_init();
	const struct standard *cl = std ? std->cluster : NULL;
	size_t n = 0;
	for (size_t i = 0; cl && i < nlib; i++)
		if (lib[i].cluster == cl) {
			if (n < cap)
				out[n] = &lib[i];
			n++;
		}
	return n;
}
