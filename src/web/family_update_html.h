/* family_update_html.h - the weekly family update (domain/family_update.h)
 * as an HTML fragment: the family page shows it, and an email's HTML part
 * can use it. Escaped by construction; no links, scripts or images (an
 * email client shows it as it is). Headings start at h_level (2 on a page,
 * where the page's h1 is above it). The catalog's English descriptions are
 * marked lang="en" when the update is in another language. */
#ifndef EB_FAMILY_UPDATE_HTML_H
#define EB_FAMILY_UPDATE_HTML_H

#include "base/buf.h"

struct family_update;

void family_update_html(struct buf *b, const struct family_update *u, int h_level);

#endif
