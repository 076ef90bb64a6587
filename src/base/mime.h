/* mime.h - an email message (RFC 5322, MIME multipart/alternative) built in
 * a buf: headers with RFC 2047 encoded words where they are not ASCII, a
 * text/plain and a text/html part in UTF-8, quoted-printable (RFC 2045),
 * CRLF line ends, no line longer than 78 bytes. No domain knowledge. */
#ifndef EB_MIME_H
#define EB_MIME_H

#include <stdbool.h>
#include <stdint.h>

#include "base/buf.h"

struct mime_mail {
	const char *from, *from_name; /* address (checked by the caller), display name */
	const char *to;		      /* address */
	const char *reply_to;	      /* NULL or "": none */
	const char *subject;	      /* UTF-8 */
	const char *message_id;	      /* without the angle brackets */
	int64_t date;		      /* Unix seconds (written in UTC) */
	const char *lang;	      /* Content-Language, or NULL */
	/* List-Unsubscribe: a one-click URL (RFC 8058 adds List-Unsubscribe-
	 * Post), or NULL */
	const char *unsubscribe_url;
	const char *text, *html; /* UTF-8 bodies; html may be NULL (text only) */
	const char *boundary;	 /* the multipart boundary (random; no '-' run needed) */
};

/* Appends the whole message to out. CR and LF in header values are
 * dropped (no header injection). */
void mime_build(struct buf *out, const struct mime_mail *m);

/* Appends s quoted-printable (RFC 2045 6.7): lines end CRLF (a lone LF in
 * s becomes CRLF), soft breaks keep lines at most 76 bytes, '=', bytes
 * outside printable ASCII, a space or tab before a line end and a '.' at a
 * line's start are encoded. */
void mime_qp(struct buf *out, const char *s);

/* Appends header `name: value`, value as RFC 2047 B encoded words of UTF-8
 * when it is not plain printable ASCII, folded so that no line exceeds 78
 * bytes; CRLF at the end. */
void mime_header_text(struct buf *out, const char *name, const char *value);

/* RFC 5322 date of t in UTC: "Sat, 05 Dec 2026 10:40:05 +0000". */
void mime_date(int64_t t, char out[40]);

#endif
