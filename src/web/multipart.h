/* multipart.h - the one part of a multipart/form-data body that a form
 * upload needs: find a named field and return its bytes (a view into the
 * body; nothing is copied). */
#ifndef EB_MULTIPART_H
#define EB_MULTIPART_H

#include <stddef.h>

#include "base/err.h"

struct multipart_part {
	const char *data; /* points into the body */
	size_t len;
	char filename[256]; /* "" when the part is not a file */
};

/* content_type is the request's Content-Type header (it carries the
 * boundary). EB_EINVAL for a body that is not multipart/form-data or is
 * malformed, EB_ENOTFOUND when no part has that name. */
enum eb_err multipart_find(const char *content_type, const char *body, size_t len, const char *name,
			   struct multipart_part *out);

#endif
