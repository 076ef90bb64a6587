/* The at-home library, read from data/home/activities.tsv (tab-separated:
 * id, clusters separated by commas, title, text; one header line). */
#include "domain/home_activities.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/log.h"
#include "domain/standards.h"

#define LIBRARY_PATH "data/home/activities.tsv"
#define MAX_ACTIVITIES 256

static struct home_activity lib[MAX_ACTIVITIES];
static size_t nlib;
static char *text; /* the file's copy the entries point into (process lifetime) */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static enum eb_err load_rc;

/* Splits s at the first c (which becomes NUL); the rest, or NULL. */
static char *cut(char *s, char c)
{
	char *p = s ? strchr(s, c) : NULL;
	if (!p)
		return NULL;
	*p = '\0';
	return p + 1;
}

static void load(void)
{
	const struct embed_file *f = embed_find(LIBRARY_PATH);
	if (!f) {
		load_rc = EB_ENOTFOUND;
		return;
	}
	text = malloc(f->len + 1);
	if (!text) {
		load_rc = EB_ENOMEM;
		return;
	}
	memcpy(text, f->data, f->len + 1);
	char *line = cut(text, '\n'); /* the header */
	size_t n = 0;
	while (line && *line) {
		char *next = cut(line, '\n');
		struct home_activity *a = &lib[n];
		char *clusters = cut(line, '\t'), *title = cut(clusters, '\t');
		char *body = cut(title, '\t');
		if (n == MAX_ACTIVITIES || !body || !*line || !*title || !*body ||
		    strchr(body, '\t')) {
			load_rc = EB_EPARSE;
			nlib = 0;
			return;
		}
		memset(a, 0, sizeof *a);
		a->id = line;
		a->title = title;
		a->text = body;
		for (char *c = clusters; c && *c;) {
			char *rest = cut(c, ',');
			if (a->nclusters == HOME_ACTIVITY_MAX_CLUSTERS) {
				load_rc = EB_EPARSE;
				nlib = 0;
				return;
			}
			a->clusters[a->nclusters++] = c;
			c = rest;
		}
		n++;
		line = next;
	}
	nlib = n;
}

enum eb_err home_activities_load(void)
{
	pthread_once(&once, load);
	if (load_rc)
		log_warn("home activities: %s could not be read (%s)", LIBRARY_PATH,
			 eb_strerror(load_rc));
	return load_rc;
}

size_t home_activities_count(void)
{
	home_activities_load();
	return nlib;
}

const struct home_activity *home_activities_at(size_t i)
{
	home_activities_load();
	return i < nlib ? &lib[i] : NULL;
}

const struct home_activity *home_activity_for(const char *code, size_t pick)
{
	const struct standard *s = code ? standards_find(code) : NULL;
	if (!s || !s->cluster_code)
		return NULL;
	home_activities_load();
	const struct home_activity *fit[MAX_ACTIVITIES];
	size_t n = 0;
	for (size_t i = 0; i < nlib; i++)
		for (size_t k = 0; k < lib[i].nclusters; k++)
			if (strcmp(lib[i].clusters[k], s->cluster_code) == 0) {
				fit[n++] = &lib[i];
				break;
			}
	return n ? fit[pick % n] : NULL;
}
