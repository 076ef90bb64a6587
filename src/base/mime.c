/* mime.c - email messages (mime.h). */
#include "base/mime.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char hexd[] = "0123456789ABCDEF";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void mime_qp(struct buf *out, const char *s)
{
	size_t col = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if (c == '\r' && p[1] == '\n')
			continue; /* the LF that follows ends the line */
		if (c == '\n') {
			buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		bool at_end = p[1] == '\n' || p[1] == '\0' || (p[1] == '\r' && p[2] == '\n');
		bool enc = c == '=' || c > '~' || (c < ' ' && c != '\t') ||
			   ((c == ' ' || c == '\t') && at_end) || (c == '.' && col == 0);
		size_t w = enc ? 3 : 1;
		/* a soft break keeps every line at most 76 bytes with its '=' */
		if (col + w > 75 && !(at_end && col + w <= 76)) {
			buf_puts(out, "=\r\n");
			col = 0;
			if (c == '.')
				enc = true, w = 3;
		}
		if (enc) {
			buf_putc(out, '=');
			buf_putc(out, hexd[c >> 4]);
			buf_putc(out, hexd[c & 15]);
		} else {
			buf_putc(out, (char)c);
		}
		col += w;
	}
	if (col)
		buf_puts(out, "\r\n");
}

static bool plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s > '~')
			return false;
	return true;
}

/* base64 of n bytes of p */
static void put_b64(struct buf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		buf_putc(out, b64[(v >> 18) & 63]);
		buf_putc(out, b64[(v >> 12) & 63]);
		buf_putc(out, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		buf_putc(out, i + 2 < n ? b64[v & 63] : '=');
	}
}

/* the value without CR and LF */
static void clean(const char *s, char *out, size_t cap)
{
	size_t k = 0;
	for (; s && *s && k + 1 < cap; s++)
		if (*s != '\r' && *s != '\n')
			out[k++] = *s;
	out[k] = '\0';
}

void mime_header_text(struct buf *out, const char *name, const char *value)
{
	char v[2048];
	clean(value, v, sizeof v);
	buf_puts(out, name);
	buf_puts(out, ": ");
	if (plain_ascii(v) && strlen(name) + 2 + strlen(v) <= 78) {
		buf_puts(out, v);
		buf_puts(out, "\r\n");
		return;
	}
	/* encoded words (=?UTF-8?B?...?=: 12 bytes and the base64) one per
	 * line, each line at most 78 bytes with what comes before the word
	 * ("Name: " on the first, a space on the others), cut at character
	 * boundaries */
	const unsigned char *p = (const unsigned char *)v;
	size_t n = strlen(v), i = 0;
	bool first = true;
	size_t lead = strlen(name) + 2;
	while (i < n) {
		size_t room = 78 - (first ? (lead < 50 ? lead : 50) : 1) - 12;
		size_t most = room / 4 * 3;
		size_t take = n - i > most ? most : n - i;
		while (take > 0 && i + take < n && (p[i + take] & 0xC0) == 0x80)
			take--;
		if (take == 0)
			take = 1;
		if (!first)
			buf_puts(out, "\r\n ");
		buf_puts(out, "=?UTF-8?B?");
		put_b64(out, p + i, take);
		buf_puts(out, "?=");
		i += take;
		first = false;
	}
	buf_puts(out, "\r\n");
}

void mime_date(int64_t t, char out[40])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday % 7], tm.tm_mday,
		 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void put_addr_header(struct buf *out, const char *name, const char *display,
			    const char *addr)
{
	char a[512], d[512];
	clean(addr, a, sizeof a);
	clean(display, d, sizeof d);
	if (!*d) {
		buf_printf(out, "%s: <%s>\r\n", name, a);
		return;
	}
	/* the display name as one encoded word list (safe for any bytes) */
	struct buf tmp = BUF_INIT;
	buf_init(&tmp, 4096);
	mime_header_text(&tmp, "X", d);
	/* tmp is "X: words\r\n": reuse the words, then the address */
	const char *w = buf_cstr(&tmp) + 3;
	size_t wl = strlen(w) - 2;
	buf_puts(out, name);
	buf_puts(out, ": ");
	if (plain_ascii(d) && !strpbrk(d, "\"\\()<>[]:;@,.")) {
		buf_puts(out, d);
	} else if (plain_ascii(d)) {
		buf_putc(out, '"');
		for (const char *p = d; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(out, '\\');
			buf_putc(out, *p);
		}
		buf_putc(out, '"');
	} else {
		buf_put(out, w, wl);
	}
	buf_printf(out, "\r\n <%s>\r\n", a);
	buf_free(&tmp);
}

void mime_build(struct buf *out, const struct mime_mail *m)
{
	char date[40], v[1024];
	mime_date(m->date, date);
	put_addr_header(out, "From", m->from_name, m->from);
	clean(m->to, v, sizeof v);
	buf_printf(out, "To: <%s>\r\n", v);
	if (m->reply_to && *m->reply_to) {
		clean(m->reply_to, v, sizeof v);
		buf_printf(out, "Reply-To: <%s>\r\n", v);
	}
	mime_header_text(out, "Subject", m->subject ? m->subject : "");
	buf_printf(out, "Date: %s\r\n", date);
	clean(m->message_id, v, sizeof v);
	buf_printf(out, "Message-ID: <%s>\r\n", v);
	buf_puts(out, "MIME-Version: 1.0\r\n");
	buf_puts(out, "Auto-Submitted: auto-generated\r\n");
	if (m->lang && *m->lang) {
		clean(m->lang, v, sizeof v);
		buf_printf(out, "Content-Language: %s\r\n", v);
	}
	if (m->unsubscribe_url && *m->unsubscribe_url) {
		clean(m->unsubscribe_url, v, sizeof v);
		buf_printf(out, "List-Unsubscribe: <%s>\r\n", v);
		buf_puts(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
	}
	if (!m->html) {
		buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n"
			      "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		mime_qp(out, m->text ? m->text : "");
		return;
	}
	clean(m->boundary, v, sizeof v);
	buf_printf(out, "Content-Type: multipart/alternative;\r\n boundary=\"%s\"\r\n\r\n", v);
	buf_printf(out, "--%s\r\n", v);
	buf_puts(out, "Content-Type: text/plain; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	mime_qp(out, m->text ? m->text : "");
	buf_printf(out, "--%s\r\n", v);
	buf_puts(out, "Content-Type: text/html; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	mime_qp(out, m->html);
	buf_printf(out, "--%s--\r\n", v);
}
