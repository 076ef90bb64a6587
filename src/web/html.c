#include "web/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void html_escape(struct buf *b, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (const char *p = s; *p; p++) {
		const char *rep;
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		buf_put(b, run, (size_t)(p - run));
		buf_puts(b, rep);
		run = p + 1;
	}
	buf_puts(b, run);
}

void html_text(struct buf *b, const char *s)
{
	html_escape(b, s);
}

void html_attr(struct buf *b, const char *s)
{
	html_escape(b, s);
}

void html_url(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_put(b, e, 3);
		}
	}
}

void html_raw(struct buf *b, const char *markup)
{
	buf_puts(b, markup);
}

void html_textf(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	html_escape(b, tmp);
}

void html_int(struct buf *b, int64_t v)
{
	buf_printf(b, "%lld", (long long)v);
}

void html_time(struct buf *b, int64_t t)
{
	char tmp[32];
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(tmp, sizeof tmp, "%Y-%m-%d %H:%M UTC", &tm);
	buf_puts(b, tmp);
}
