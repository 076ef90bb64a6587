/* smtp.h - the email channel of the outbox: MIME messages (base/mime.h)
 * sent over SMTP with libcurl, one connection reused for a whole drain
 * (docs/family_updates.md "Email").
 *
 * TLS: smtps:// is TLS from the start; smtp:// must upgrade with STARTTLS
 * (CURLUSESSL_ALL: a server that does not offer it fails the send), except
 * when the district's settings allow plain mail to a loopback test server
 * (delivery.h smtp_plain_loopback, checked to be a loopback host).
 *
 * Results: accepted (provider id: the Message-ID) -> sent; a permanent 5xx
 * answer to RCPT TO -> bounced; another 5xx -> failed; a 4xx or a
 * connection error -> retry. */
#ifndef EB_SMTP_H
#define EB_SMTP_H

#include "domain/outbox.h"

extern const struct outbox_channel outbox_channel_email;

/* The session's count of SMTP connections opened so far (for tests and the
 * benchmark: one per drain when the server keeps it open). */
long smtp_session_connections(void *session);

#endif
