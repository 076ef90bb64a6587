/* sms_provider.c - the Twilio-style Messages API over libcurl and the
 * webhook signature (sms_provider.h). */
#include "domain/sms_provider.h"

#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/sha1.h"

static const char *const outcome_names[] = {
	[SMS_SENT] = "sent",	       [SMS_RETRY] = "retry",
	[SMS_FAILED] = "failed",       [SMS_BAD_NUMBER] = "bad number",
	[SMS_OPTED_OUT] = "opted out",
};

const char *sms_outcome_name(enum sms_outcome o)
{
	return (unsigned)o < sizeof outcome_names / sizeof outcome_names[0] ? outcome_names[o]
									    : "?";
}

static bool http_url(const char *u)
{
	if (strncmp(u, "http://", 7) != 0 && strncmp(u, "https://", 8) != 0)
		return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || (unsigned char)*p >= 0x7F)
			return false;
	return strlen(u) > 8;
}

bool sms_provider_ok(const struct sms_provider *p, const char **why)
{
	const char *w = NULL;
	if (!http_url(p->base_url))
		w = "the provider's address is not an http(s) URL";
	else if (!p->account_sid[0])
		w = "no account id";
	else if (!p->auth_token[0])
		w = "no token";
	else if (!p->from[0])
		w = "no number to send from";
	else if (p->status_callback[0] && !http_url(p->status_callback))
		w = "the status callback is not an http(s) URL";
	for (const char *s = p->account_sid; !w && *s; s++)
		if (!isalnum((unsigned char)*s))
			w = "the account id has a character other than letters and digits";
	if (why)
		*why = w;
	return w == NULL;
}

/* ---- the answer ---------------------------------------------------------- */

static void reason(struct sms_result *r, const char *fmt, const char *what)
{
	snprintf(r->reason, sizeof r->reason, fmt, what);
}

/* a Retry-After of seconds (an HTTP-date is left to the back-off); at
 * most a day */
static int retry_after(const char *h)
{
	if (!h)
		return 0;
	while (*h == ' ')
		h++;
	long v = 0;
	const char *p = h;
	for (; *p >= '0' && *p <= '9'; p++)
		if (v <= 86400)
			v = v * 10 + (*p - '0');
	if (p == h || (*p && *p != ' ' && *p != '\r' && *p != '\n'))
		return 0;
	return v > 86400 ? 86400 : (int)v;
}

static bool sid_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= SMS_SID_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s))
			return false;
	return true;
}

void sms_result_from_http(long status, const char *body, size_t len, const char *retry_hdr,
			  struct sms_result *r)
{
	memset(r, 0, sizeof *r);
	r->http_status = (int)status;
	json_error_t e;
	json_t *j = body && len ? json_loadb(body, len, 0, &e) : NULL;
	json_t *code = json_object_get(j, "code");
	if (json_is_integer(code) && json_integer_value(code) > 0 &&
	    json_integer_value(code) < 1000000)
		r->error_code = (int)json_integer_value(code);
	if (status == 200 || status == 201) {
		const char *sid = json_string_value(json_object_get(j, "sid"));
		r->outcome = SMS_SENT;
		if (sid && sid_ok(sid))
			snprintf(r->sid, sizeof r->sid, "%s", sid);
		else
			reason(r, "%s", "accepted by the provider without a message id");
	} else if (status == 429 || status >= 500) {
		r->outcome = SMS_RETRY;
		r->retry_after_s = retry_after(retry_hdr);
		reason(r, "%s",
		       status == 429 ? "the provider asked to slow down"
				     : "the provider had an error");
	} else if (status == 401 || status == 403) {
		/* the district's settings are wrong: fixed, the messages go */
		r->outcome = SMS_RETRY;
		reason(r, "%s", "the provider refused the district's account id or token");
	} else {
		switch (r->error_code) {
		case 21610:
			r->outcome = SMS_OPTED_OUT;
			reason(r, "%s",
			       "the number has opted out of text messages at the provider");
			break;
		case 21211:
		case 21214:
		case 21612:
		case 21614:
			r->outcome = SMS_BAD_NUMBER;
			reason(r, "%s", "the provider cannot send a text to this number");
			break;
		default:
			r->outcome = SMS_FAILED;
			reason(r, "%s", "the provider refused the message");
		}
		if (r->error_code) {
			size_t n = strlen(r->reason);
			snprintf(r->reason + n, sizeof r->reason - n, " (error %d)", r->error_code);
		}
	}
	json_decref(j);
}

/* ---- sending ------------------------------------------------------------- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
	struct buf *b = arg;
	buf_put(b, p, size * n);
	return buf_failed(b) ? 0 : size * n;
}

/* name=escaped value, '&' between */
static void field(CURL *h, struct buf *b, const char *name, const char *value)
{
	char *v = curl_easy_escape(h, value, 0);
	if (!v) {
		b->err = EB_ENOMEM;
		return;
	}
	if (b->len)
		buf_putc(b, '&');
	buf_printf(b, "%s=%s", name, v);
	curl_free(v);
}

enum eb_err sms_send(const struct sms_provider *p, const char *to, const char *body,
		     struct sms_result *r)
{
	memset(r, 0, sizeof *r);
	if (!sms_provider_ok(p, NULL) || !to || !to[0] || !body || !body[0])
		return EB_EINVAL;
	pthread_once(&curl_once, curl_start);
	enum eb_err rc = EB_ENOMEM;
	struct buf form = BUF_INIT, got = BUF_INIT, url = BUF_INIT;
	buf_init(&form, 64 * 1024);
	buf_init(&got, 64 * 1024);
	buf_init(&url, 2 * SMS_URL_MAX);
	CURL *h = curl_easy_init();
	if (!h)
		goto out;
	buf_printf(&url, "%s/2010-04-01/Accounts/%s/Messages.json", p->base_url, p->account_sid);
	field(h, &form, "To", to);
	field(h, &form, "From", p->from);
	field(h, &form, "Body", body);
	if (p->status_callback[0])
		field(h, &form, "StatusCallback", p->status_callback);
	if (buf_failed(&form) || buf_failed(&url))
		goto out;
	long ms = p->timeout_ms > 0 ? p->timeout_ms : SMS_TIMEOUT_MS;
	curl_easy_setopt(h, CURLOPT_URL, buf_cstr(&url));
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(h, CURLOPT_USERNAME, p->account_sid);
	curl_easy_setopt(h, CURLOPT_PASSWORD, p->auth_token);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, buf_cstr(&form));
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)form.len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &got);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	CURLcode cc = curl_easy_perform(h);
	long status = 0;
	rc = EB_OK;
	if (cc != CURLE_OK || curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
	    status == 0) {
		/* nothing (or not all) came back: the provider may or may not
		 * have taken it; sent again later (see docs: a rare double) */
		r->outcome = SMS_RETRY;
		reason(r, "%s",
		       cc == CURLE_OPERATION_TIMEDOUT ? "the provider did not answer in time"
		       : cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST
			       ? "could not reach the provider"
			       : "the connection to the provider failed");
		goto out;
	}
	struct curl_header *ra = NULL;
	const char *rav = NULL;
	if (curl_easy_header(h, "Retry-After", 0, CURLH_HEADER, -1, &ra) == CURLHE_OK && ra)
		rav = ra->value;
	sms_result_from_http(status, got.data, got.len, rav, r);
out:
	if (h)
		curl_easy_cleanup(h);
	/* the form held the number and the text */
	if (form.data)
		sodium_memzero(form.data, form.len);
	buf_free(&form);
	buf_free(&got);
	buf_free(&url);
	return rc;
}

/* ---- the webhook signature ----------------------------------------------- */

static int param_cmp(const void *a, const void *b)
{
	const struct sms_param *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->value, y->value);
}

bool sms_signature(const char *token, const char *url, struct sms_param *params, size_t n,
		   char *out, size_t cap)
{
	size_t need = sodium_base64_ENCODED_LEN(SHA1_LEN, sodium_base64_VARIANT_ORIGINAL);
	if (cap < need || !token || !url)
		return false;
	qsort(params, n, sizeof *params, param_cmp);
	struct buf m = BUF_INIT;
	buf_init(&m, 1024 * 1024);
	buf_puts(&m, url);
	for (size_t i = 0; i < n; i++) {
		buf_puts(&m, params[i].name);
		buf_puts(&m, params[i].value ? params[i].value : "");
	}
	bool ok = !buf_failed(&m);
	if (ok) {
		unsigned char mac[SHA1_LEN];
		hmac_sha1(token, strlen(token), m.data, m.len, mac);
		sodium_bin2base64(out, cap, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
	}
	buf_free(&m);
	return ok;
}

bool sms_signature_ok(const char *token, const char *url, struct sms_param *params, size_t n,
		      const char *got)
{
	char want[64];
	if (!got || !got[0] || !token || !token[0] ||
	    !sms_signature(token, url, params, n, want, sizeof want))
		return false;
	size_t len = strlen(want);
	return strlen(got) == len && sodium_memcmp(want, got, len) == 0;
}
