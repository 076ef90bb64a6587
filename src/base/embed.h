/* embed.h - files compiled into the binary (migrations, stylesheet, catalog
 * data). The table is generated at build time by tools/embed.c from the
 * files named in the Makefile's EMBED_IN. */
#ifndef EB_EMBED_H
#define EB_EMBED_H

#include <stddef.h>

struct embed_file {
	const char *path; /* path relative to the source tree, e.g. "src/web/assets/style.css" */
	const char *data; /* NUL-terminated for convenience */
	size_t len;
};

/* NULL-terminated table of every embedded file, sorted by path. */
extern const struct embed_file embed_files[];

/* The file at exactly this path, or NULL. */
const struct embed_file *embed_find(const char *path);

#endif
