/* smtp.c - the email channel (smtp.h). */
#include "domain/smtp.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mime.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/delivery.h"

#define MAIL_MAX (4u << 20) /* one message: a family with many children fits */

struct smtp_session {
	CURL *curl;
	struct delivery_settings s;
	char domain[200]; /* of the From address: Message-IDs end with it */
	char errbuf[CURL_ERROR_SIZE];
	long connections;
	/* the message being read by curl */
	const char *data;
	size_t len, off;
};

/* libcurl's global state, once (thread-safe in Debian 12's 7.88, and once
 * here as translate.c does) */
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t read_cb(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct smtp_session *ss = ud;
	size_t room = size * nmemb, left = ss->len - ss->off;
	size_t n = left < room ? left : room;
	memcpy(ptr, ss->data + ss->off, n);
	ss->off += n;
	return n;
}

static int sockopt_cb(void *ud, curl_socket_t fd, curlsocktype purpose)
{
	struct smtp_session *ss = ud;
	if (purpose == CURLSOCKTYPE_IPCXN)
		ss->connections++;
	return CURL_SOCKOPT_OK;
}

static enum eb_err smtp_open(const struct delivery_settings *s, void **session, char *err,
			     size_t errcap)
{
	*session = NULL;
	if (!*s->smtp_url) {
		snprintf(err, errcap,
			 "no mail server is set (edbridge families settings"
			 " --smtp-url)");
		return EB_ENOTSUP;
	}
	if (delivery_check(s, err, errcap))
		return EB_EINVAL;
	pthread_once(&curl_once, curl_start);
	struct smtp_session *ss = calloc(1, sizeof *ss);
	if (!ss)
		return EB_ENOMEM;
	ss->s = *s;
	const char *at = strrchr(s->mail_from, '@');
	str_copy(ss->domain, sizeof ss->domain, at ? at + 1 : "edbridge.invalid");
	ss->curl = curl_easy_init();
	if (!ss->curl) {
		free(ss);
		return EB_ENOMEM;
	}
	CURL *c = ss->curl;
	curl_easy_setopt(c, CURLOPT_URL, s->smtp_url);
	curl_easy_setopt(c, CURLOPT_USE_SSL,
			 s->smtp_plain_loopback ? (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	if (*s->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->smtp_password);
	}
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, ss);
	curl_easy_setopt(c, CURLOPT_SOCKOPTFUNCTION, sockopt_cb);
	curl_easy_setopt(c, CURLOPT_SOCKOPTDATA, ss);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ss->errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	*session = ss;
	return EB_OK;
}

static void smtp_close(void *session)
{
	struct smtp_session *ss = session;
	if (!ss)
		return;
	curl_easy_cleanup(ss->curl);
	sodium_memzero(&ss->s, sizeof ss->s);
	free(ss);
}

long smtp_session_connections(void *session)
{
	return session ? ((struct smtp_session *)session)->connections : 0;
}

static void smtp_send(void *session, const struct outbox_row *row, const struct outbox_message *msg,
		      struct outbox_result *res)
{
	struct smtp_session *ss = session;
	memset(res, 0, sizeof *res);
	unsigned char rnd[12];
	randombytes_buf(rnd, sizeof rnd);
	char mid[300], boundary[64], rcpt[FAMILY_EMAIL_MAX + 2], from[DELIVERY_FIELD_MAX + 2];
	snprintf(mid, sizeof mid, "%02x%02x%02x%02x%02x%02x%02x%02x.%lld.%s@%s", rnd[0], rnd[1],
		 rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7], (long long)row->id, row->week,
		 ss->domain);
	snprintf(boundary, sizeof boundary, "=_eb_%02x%02x%02x%02x%02x%02x", rnd[6], rnd[7], rnd[8],
		 rnd[9], rnd[10], rnd[11]);
	struct mime_mail m = {
		.from = ss->s.mail_from,
		.from_name = ss->s.mail_from_name,
		.to = msg->to,
		.reply_to = ss->s.reply_to,
		.subject = msg->subject,
		.message_id = mid,
		.date = time_now(),
		.lang = msg->lang,
		.unsubscribe_url = msg->unsubscribe_url,
		.text = msg->text,
		.html = msg->html,
		.boundary = boundary,
	};
	struct buf b = BUF_INIT;
	buf_init(&b, MAIL_MAX);
	mime_build(&b, &m);
	if (buf_failed(&b)) {
		buf_free(&b);
		res->kind = OUTBOX_SEND_FAILED;
		str_copy(res->reason, sizeof res->reason, "the message is too large");
		return;
	}
	snprintf(rcpt, sizeof rcpt, "<%s>", msg->to);
	snprintf(from, sizeof from, "<%s>", ss->s.mail_from);
	struct curl_slist *to = curl_slist_append(NULL, rcpt);
	ss->data = b.data;
	ss->len = b.len;
	ss->off = 0;
	ss->errbuf[0] = '\0';
	curl_easy_setopt(ss->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(ss->curl, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(ss->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)b.len);
	CURLcode cc = to ? curl_easy_perform(ss->curl) : CURLE_OUT_OF_MEMORY;
	long code = 0;
	curl_easy_getinfo(ss->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(ss->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(to);
	buf_free(&b);
	if (cc == CURLE_OK) {
		res->kind = OUTBOX_SEND_SENT;
		str_copy(res->provider_id, sizeof res->provider_id, mid);
		return;
	}
	bool at_rcpt = strncmp(ss->errbuf, "RCPT failed", 11) == 0;
	if (code >= 500 && code < 600) {
		res->kind = at_rcpt ? OUTBOX_SEND_BOUNCED : OUTBOX_SEND_FAILED;
		snprintf(res->reason, sizeof res->reason, "%s refused by the mail server (%ld)",
			 at_rcpt ? "recipient" : "message", code);
	} else if (code >= 400 && code < 500) {
		res->kind = OUTBOX_SEND_RETRY;
		snprintf(res->reason, sizeof res->reason, "mail server busy (%ld): try later",
			 code);
	} else {
		res->kind = OUTBOX_SEND_RETRY;
		snprintf(res->reason, sizeof res->reason, "mail server unreachable: %s",
			 curl_easy_strerror(cc));
	}
}

const struct outbox_channel outbox_channel_email = {
	.name = "email",
	.channel = FAMILY_CH_EMAIL,
	.open = smtp_open,
	.send = smtp_send,
	.not_before = NULL,
	.close = smtp_close,
};
