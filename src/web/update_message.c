/* update_message.c - the weekly update as an email or a text message
 * (update_message.h). */
#include "web/update_message.h"

#include <string.h>

#include "base/buf.h"
#include "base/i18n.h"
#include "base/str.h"
#include "base/tz.h"
#include "domain/district.h"
#include "domain/family_contact.h"
#include "domain/family_link.h"
#include "domain/family_update.h"
#include "domain/family_week.h"
#include "domain/sms.h"
#include "web/family_update_html.h"
#include "web/html.h"

#define MESSAGE_MAX (2u << 20)

void update_message_ctx_init(struct update_message_ctx *c, int64_t district_id)
{
	memset(c, 0, sizeof *c);
	c->district_id = district_id;
	arena_init(&c->arena);
}

void update_message_ctx_free(struct update_message_ctx *c)
{
	arena_free(&c->arena);
	c->uctx = NULL;
}

static enum eb_err week_ctx(struct update_message_ctx *c, struct db *db, const char *week)
{
	if (c->uctx && strcmp(c->week, week) == 0)
		return EB_OK;
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	const struct tz *z = NULL;
	if (district_time_zone(db, c->district_id, zname, sizeof zname) == EB_OK)
		z = tz_get(zname);
	struct family_week w;
	if (family_week_parse(week, z, &w))
		return EB_EINVAL;
	arena_reset(&c->arena);
	c->uctx = NULL;
	enum eb_err rc = family_update_ctx_new(db, c->district_id, &w, &c->arena, &c->uctx);
	if (!rc)
		str_copy(c->week, sizeof c->week, week);
	return rc;
}

enum eb_err update_message_render(void *rctx, struct db *db, const struct outbox_row *row,
				  const char *public_url, struct arena *arena,
				  struct outbox_message *msg)
{
	struct update_message_ctx *c = rctx;
	if (!public_url || !*public_url)
		return EB_EINVAL;
	enum eb_err rc = week_ctx(c, db, row->week);
	if (rc)
		return rc;
	const struct i18n_lang *L = i18n_find(row->lang);
	if (!L)
		L = i18n_english();
	bool email = row->channel == FAMILY_CH_EMAIL;
	struct family_update u[OUTBOX_CHILDREN_MAX];
	char url[OUTBOX_CHILDREN_MAX][600];
	size_t n = 0;
	for (size_t i = 0; i < row->nchildren && n < (email ? OUTBOX_CHILDREN_MAX : 1); i++) {
		if (family_update_build_in(c->uctx, row->children[i], L, arena, &u[n]))
			continue;
		char token[64];
		rc = family_link_issue(db, row->district_id, row->guardian_sid, row->children[i],
				       email ? FAMILY_LINK_EMAIL : FAMILY_LINK_SMS, token);
		if (rc == EB_ENOTFOUND)
			continue; /* no longer a child of this guardian */
		if (rc)
			return rc;
		bool ok = family_link_url(public_url, token, url[n], sizeof url[n]);
		memset(token, 0, sizeof token);
		if (!ok)
			return EB_EINVAL;
		n++;
	}
	if (n == 0)
		return EB_ENOTFOUND;
	memset(msg, 0, sizeof *msg);
	msg->to = row->address;
	msg->lang = L->tag;
	msg->rtl = L->rtl;
	struct buf t = BUF_INIT;
	buf_init(&t, MESSAGE_MAX);
	if (!email) {
		/* fitted into the segment budget, counted (domain/sms.h) */
		family_update_short(&u[0], &t);
		rc = buf_failed(&t)
			     ? EB_ENOMEM
			     : sms_compose(db, row, L, buf_cstr(&t), url[0], arena, &msg->text);
		buf_free(&t);
		return rc;
	}
	/* the subject names the children (first names) */
	struct buf names = BUF_INIT;
	buf_init(&names, 1024);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(&names, ", ");
		buf_puts(&names, u[i].child);
	}
	struct buf subj = BUF_INIT;
	buf_init(&subj, 2048);
	buf_printf(&subj, TR(L, "This week in math: %s"), buf_cstr(&names));
	buf_free(&names);
	char unsub_token[64], unsub[600] = "";
	size_t bl = strlen(public_url);
	while (bl > 0 && public_url[bl - 1] == '/')
		bl--;
	if (family_unsubscribe_issue(db, row->district_id, row->guardian_sid, FAMILY_CH_EMAIL,
				     unsub_token) == EB_OK) {
		str_copy(unsub, sizeof unsub, public_url);
		unsub[bl < sizeof unsub ? bl : sizeof unsub - 1] = '\0';
		size_t k = strlen(unsub);
		str_copy(unsub + k, sizeof unsub - k, "/u/");
		k = strlen(unsub);
		str_copy(unsub + k, sizeof unsub - k, unsub_token);
	}
	struct buf h = BUF_INIT;
	buf_init(&h, MESSAGE_MAX);
	html_raw(&h, "<!DOCTYPE html>\n<html lang=\"");
	html_attr(&h, L->tag);
	html_raw(&h, L->rtl ? "\" dir=\"rtl\">" : "\" dir=\"ltr\">");
	html_raw(&h, "<head><meta charset=\"utf-8\"><title>");
	html_text(&h, buf_cstr(&subj));
	html_raw(&h, "</title></head>\n<body style=\"font-family:sans-serif;max-width:40em;"
		     "line-height:1.5\">\n");
	for (size_t i = 0; i < n; i++) {
		if (i) {
			buf_puts(&t, "\n----------------------------------------\n\n");
			html_raw(&h, "<hr>\n");
		}
		family_update_text(&u[i], &t);
		buf_putc(&t, '\n');
		buf_printf(&t, TR(L, "Open the page of %s"), u[i].child);
		buf_printf(&t, ":\n%s\n", url[i]);
		html_raw(&h, "<h1>");
		html_textf(&h, TR(L, "Math this week for %s"), u[i].child);
		html_raw(&h, "</h1>\n");
		family_update_html(&h, &u[i], 2);
		/* the whole address as an attribute: html_url encodes a part */
		html_raw(&h, "<p><a href=\"");
		html_attr(&h, url[i]);
		html_raw(&h, "\">");
		html_textf(&h, TR(L, "Open the page of %s"), u[i].child);
		html_raw(&h, "</a></p>\n");
	}
	buf_puts(&t, "\n");
	buf_puts(&t, TR(L, "This link signs you in once and works for 7 days."));
	buf_puts(&t, "\n\n");
	buf_puts(&t, TR(L, "You get this email because the school has this address for your"
			   " family."));
	html_raw(&h, "<p>");
	html_text(&h, TR(L, "This link signs you in once and works for 7 days."));
	html_raw(&h, "</p>\n<p><small>");
	html_text(&h, TR(L, "You get this email because the school has this address for your"
			    " family."));
	if (*unsub) {
		buf_printf(&t, "\n%s: %s\n", TR(L, "Stop these emails"), unsub);
		html_raw(&h, " <a href=\"");
		html_attr(&h, unsub);
		html_raw(&h, "\">");
		html_text(&h, TR(L, "Stop these emails"));
		html_raw(&h, "</a>");
	}
	html_raw(&h, "</small></p>\n</body>\n</html>\n");
	rc = buf_failed(&t) || buf_failed(&h) || buf_failed(&subj) ? EB_ENOMEM : EB_OK;
	if (!rc) {
		msg->subject = arena_strdup(arena, buf_cstr(&subj));
		msg->text = arena_strdup(arena, buf_cstr(&t));
		msg->html = arena_strdup(arena, buf_cstr(&h));
		msg->unsubscribe_url = *unsub ? arena_strdup(arena, unsub) : NULL;
		if (!msg->subject || !msg->text || !msg->html)
			rc = EB_ENOMEM;
	}
	memset(unsub_token, 0, sizeof unsub_token);
	buf_free(&t);
	buf_free(&h);
	buf_free(&subj);
	return rc;
}
