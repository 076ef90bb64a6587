/* update_message.h - the weekly update as a message (issue 13;
 * docs/family_updates.md "Delivery"): the outbox's renderer
 * (domain/outbox.h outbox_render_fn) for email and text messages.
 *
 * One message per family covering all its children in the district, in the
 * family's language (the row's): an email has a section per child (the
 * update as text and as HTML, web/family_update_html.h) each with its own
 * single-use sign-in link (family_link_issue, FAMILY_LINK_EMAIL), and a
 * one-click link to stop the emails (List-Unsubscribe); a text message is
 * the first child's short update and its sign-in link, and a line saying
 * that the other children's updates are on the page. */
#ifndef EB_UPDATE_MESSAGE_H
#define EB_UPDATE_MESSAGE_H

#include <stdint.h>

#include "base/arena.h"
#include "domain/outbox.h"

struct family_update_ctx;

struct update_message_ctx {
	int64_t district_id;
	struct arena arena; /* the week's update context */
	struct family_update_ctx *uctx;
	char week[9]; /* the week uctx was made for */
};

void update_message_ctx_init(struct update_message_ctx *c, int64_t district_id);
void update_message_ctx_free(struct update_message_ctx *c);

/* The outbox_render_fn: rctx is a struct update_message_ctx. EB_EINVAL
 * without a public_url; EB_ENOTFOUND when no child of the row can be
 * rendered; EB_EDB, EB_ENOMEM. */
enum eb_err update_message_render(void *rctx, struct db *db, const struct outbox_row *row,
				  const char *public_url, struct arena *arena,
				  struct outbox_message *msg);

#endif
