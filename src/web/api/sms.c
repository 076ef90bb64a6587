/* web/api/sms.c - the text-message provider's webhooks (domain/sms.h;
 * docs/security.md "Text-message webhooks"): POST /sms/inbound (a family's
 * text, answered with TwiML) and POST /sms/status (delivery callbacks).
 *
 * Public routes, authenticated by the provider's signature alone: the
 * AccountSid field names the district(s) using that account, and the
 * X-Twilio-Signature header must be the HMAC-SHA1, under that district's
 * token, of the URL the provider called (the district's public URL, else
 * serve's --public-url, and the request's path and query) and the POST
 * fields. Without a valid signature: 403 and nothing read or stored. */
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/sms.h"
#include "web/html.h"
#include "web/http.h"
#include "web/page.h"
#include "web/pages/pages.h"

#define SMS_ACCOUNTS_MAX 16

/* The district whose token signed req, or 0 (the response is then set:
 * 403). */
static int64_t signed_district(struct http_request *req)
{
	const char *account = http_form(req, "AccountSid");
	const char *sig = http_header(req, "X-Twilio-Signature");
	struct sms_param params[HTTP_MAX_FORM];
	size_t n = 0;
	for (int i = 0; i < req->nform; i++)
		params[n++] = (struct sms_param){ req->form[i].name, req->form[i].value };
	const char *target = http_request_target(req, 2048);
	struct sms_account acc[SMS_ACCOUNTS_MAX];
	size_t nacc = 0;
	if (account && sig && target &&
	    sms_accounts_of(req->db, account, &req->arena, acc, SMS_ACCOUNTS_MAX, &nacc) == EB_OK) {
		for (size_t i = 0; i < nacc; i++) {
			const char *base = acc[i].public_url && acc[i].public_url[0]
						   ? acc[i].public_url
						   : page_public_url();
			if (!base)
				continue;
			size_t bl = strlen(base);
			while (bl > 0 && base[bl - 1] == '/')
				bl--;
			char *url = arena_printf(&req->arena, "%.*s%s", (int)bl, base, target);
			if (url && sms_signature_ok(acc[i].token, url, params, n, sig))
				return acc[i].district_id;
		}
	}
	http_text(req, 403, "The request is not signed by the district's text-message provider.\n");
	return 0;
}

void api_sms_inbound(struct http_request *req)
{
	int64_t district = signed_district(req);
	if (!district)
		return;
	const char *sid = http_form(req, "MessageSid");
	if (!sid)
		sid = http_form(req, "SmsSid");
	struct buf answer = BUF_INIT;
	buf_init(&answer, 2048);
	struct sms_inbound_result res;
	enum eb_err rc = sms_inbound(req->db, district, http_form(req, "From"),
				     http_form(req, "Body"), sid, time_now(), &answer, &res);
	if (rc == EB_EINVAL) {
		http_text(req, 400,
			  "From must be a phone number, Body UTF-8 text of at most 1600 bytes, "
			  "and MessageSid given.\n");
	} else if (rc || buf_failed(&answer)) {
		http_text(req, 500, "The text could not be handled; please send it again.\n");
	} else {
		/* TwiML: the answer, if any, goes back to the family */
		req->status = 200;
		req->content_type = "application/xml; charset=utf-8";
		html_raw(&req->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>");
		if (answer.len) {
			html_raw(&req->out, "<Message>");
			html_text(&req->out, buf_cstr(&answer));
			html_raw(&req->out, "</Message>");
		}
		html_raw(&req->out, "</Response>\n");
	}
	buf_free(&answer);
}

void api_sms_status(struct http_request *req)
{
	int64_t district = signed_district(req);
	if (!district)
		return;
	const char *sid = http_form(req, "MessageSid");
	if (!sid)
		sid = http_form(req, "SmsSid");
	const char *status = http_form(req, "MessageStatus");
	if (!status)
		status = http_form(req, "SmsStatus");
	const char *code = http_form(req, "ErrorCode");
	int64_t ec = 0;
	if (!sid || !status || (code && code[0] && cstr_to_i64(code, 0, 999999, &ec) != EB_OK)) {
		http_text(req, 400,
			  "MessageSid and MessageStatus are required; ErrorCode is a "
			  "number.\n");
		return;
	}
	bool found;
	if (sms_status_callback(req->db, district, sid, status, (int)ec, time_now(), &found)) {
		http_text(req, 500, "The callback could not be recorded; please send it again.\n");
		return;
	}
	req->status = 204;
}
