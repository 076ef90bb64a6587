/* sms_provider.h - a text-message provider's HTTP API, the Twilio-style
 * Messages API that most providers copy (docs/family_updates.md "Text
 * messages"; docs/security.md "Text-message webhooks").
 *
 * Sending: POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json,
 * form fields To, From, Body and StatusCallback, HTTP Basic auth with the
 * account id and its token (libcurl). 201 (or 200) with {"sid": ...} is
 * accepted; 429 and 5xx are retried later (honouring Retry-After), as are a
 * refused login (the district can fix its settings) and a network failure
 * or timeout; another 4xx is permanent, its error code kept (21610: the
 * number has opted out at the provider; 21211, 21214, 21612, 21614: the
 * number cannot take a text).
 *
 * Receiving: the provider signs each webhook request (inbound messages,
 * delivery callbacks): X-Twilio-Signature = base64(HMAC-SHA1(token, the
 * full URL it called + every POST parameter's name and value, sorted by
 * name)). sms_signature_ok checks it in constant time.
 *
 * The token is a secret: nothing here logs it, the message body or the
 * phone number. */
#ifndef EB_SMS_PROVIDER_H
#define EB_SMS_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define SMS_URL_MAX 512
#define SMS_ACCOUNT_MAX 256
#define SMS_TOKEN_MAX 256
#define SMS_FROM_MAX 256
#define SMS_SID_MAX 64
#define SMS_TIMEOUT_MS 15000

/* A district's provider account. */
struct sms_provider {
	char base_url[SMS_URL_MAX];	   /* "https://api.twilio.com", no trailing '/' */
	char account_sid[SMS_ACCOUNT_MAX]; /* letters and digits */
	char auth_token[SMS_TOKEN_MAX];
	char from[SMS_FROM_MAX];		/* the district's number (E.164) or sender id */
	char status_callback[SMS_URL_MAX + 16]; /* "" for none: "<public url>/sms/status" */
	int timeout_ms;				/* 0: SMS_TIMEOUT_MS */
};

/* Whether p can send: base_url an absolute http(s) URL, an account id of
 * letters and digits, a token and a sender. why (may be NULL) gets the
 * first problem in words. */
bool sms_provider_ok(const struct sms_provider *p, const char **why);

enum sms_outcome {
	SMS_SENT,	/* accepted: sid holds the provider's id */
	SMS_RETRY,	/* transient: try again later (retry_after_s when the provider said) */
	SMS_FAILED,	/* permanent for this message */
	SMS_BAD_NUMBER, /* permanent for this number: it cannot take a text */
	SMS_OPTED_OUT,	/* the number opted out at the provider (21610) */
};

struct sms_result {
	enum sms_outcome outcome;
	char sid[SMS_SID_MAX];
	int http_status; /* 0 when no answer came */
	int error_code;	 /* the provider's code, 0 when none */
	int retry_after_s;
	char reason[160]; /* in words, without the number, the body or the token */
};

const char *sms_outcome_name(enum sms_outcome o);

/* Sends body to to (E.164) through p; *r gets the outcome. Returns EB_OK
 * whenever the outcome is known (sent or not: see r->outcome), EB_EINVAL
 * for a provider that is not sms_provider_ok or an empty to or body (nothing
 * posted), EB_ENOMEM. Thread-safe. */
enum eb_err sms_send(const struct sms_provider *p, const char *to, const char *body,
		     struct sms_result *r);

/* The outcome of an answer (status, body of len bytes, the Retry-After
 * header or NULL) as sms_send reads it; for tests. */
void sms_result_from_http(long status, const char *body, size_t len, const char *retry_after,
			  struct sms_result *r);

/* A POST parameter as a webhook carries it. */
struct sms_param {
	const char *name, *value;
};

/* The signature of a webhook request: base64 (standard alphabet, padded)
 * of HMAC-SHA1(token, url + the params' names and values sorted by name,
 * then by value) into out (NUL-terminated). false when out is too small
 * (29 bytes are enough) or memory runs out. params may be reordered. */
bool sms_signature(const char *token, const char *url, struct sms_param *params, size_t n,
		   char *out, size_t cap);
/* Whether got (the X-Twilio-Signature header; NULL or "" is not) is the
 * signature of the request, compared in constant time. */
bool sms_signature_ok(const char *token, const char *url, struct sms_param *params, size_t n,
		      const char *got);

#endif
