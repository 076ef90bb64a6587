/* Unit tests of base/sha1 (FIPS 180-4 and RFC 2202 vectors) and
 * domain/sms_provider: the webhook signature (the example of the
 * provider's documentation) and how an answer maps to an outcome. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/sha1.h"
#include "domain/sms_provider.h"

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void sha1_vectors(void **state)
{
	struct {
		const char *msg, *want;
	} t[] = {
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	unsigned char d[SHA1_LEN];
	char h[41];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sha1 s;
		sha1_init(&s);
		sha1_update(&s, t[i].msg, strlen(t[i].msg));
		sha1_final(&s, d);
		hex(d, sizeof d, h);
		assert_string_equal(h, t[i].want);
	}
	/* a million 'a', fed in odd pieces */
	struct sha1 s;
	char a[997];
	memset(a, 'a', sizeof a);
	sha1_init(&s);
	size_t left = 1000000;
	while (left) {
		size_t n = left < sizeof a ? left : sizeof a;
		sha1_update(&s, a, n);
		left -= n;
	}
	sha1_final(&s, d);
	hex(d, sizeof d, h);
	assert_string_equal(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

static void hmac_rfc2202(void **state)
{
	unsigned char d[SHA1_LEN], key[80];
	char h[41];
	memset(key, 0x0b, 20);
	hmac_sha1(key, 20, "Hi There", 8, d);
	hex(d, sizeof d, h);
	assert_string_equal(h, "b617318655057264e28bc0b6fb378c8ef146be00");
	hmac_sha1("Jefe", 4, "what do ya want for nothing?", 28, d);
	hex(d, sizeof d, h);
	assert_string_equal(h, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	/* a key longer than the block is hashed first (test case 6) */
	memset(key, 0xaa, 80);
	const char *m = "Test Using Larger Than Block-Size Key - Hash Key First";
	hmac_sha1(key, 80, m, strlen(m), d);
	hex(d, sizeof d, h);
	assert_string_equal(h, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

static void webhook_signature(void **state)
{
	/* the provider's documented example */
	struct sms_param p[] = {
		{ "To", "+18005551212" },     { "From", "+12349013030" },
		{ "Digits", "1234" },	      { "CallSid", "CA1234567890ABCDE" },
		{ "Caller", "+12349013030" },
	};
	const char *url = "https://mycompany.com/myapp.php?foo=1&bar=2";
	char sig[64];
	assert_true(sms_signature("12345", url, p, 5, sig, sizeof sig));
	assert_string_equal(sig, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
	assert_true(sms_signature_ok("12345", url, p, 5, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	/* another token, another URL, another value, none: refused */
	assert_false(sms_signature_ok("12346", url, p, 5, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	assert_false(sms_signature_ok("12345", "https://mycompany.com/myapp.php", p, 5,
				      "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	p[2].value = "1235";
	assert_false(sms_signature_ok("12345", url, p, 5, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	assert_false(sms_signature_ok("12345", url, p, 5, NULL));
	assert_false(sms_signature_ok("12345", url, p, 5, ""));
	assert_false(sms_signature_ok("", url, p, 5, "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
	/* UTF-8 in the token and the body (computed with Python's hmac) */
	struct sms_param q[] = { { "From", "+15551230000" },
				 { "Body", "ALTO" },
				 { "AccountSid", "AC1" } };
	assert_true(sms_signature_ok("t\xC3\xB6k", "https://e.org/sms/inbound", q, 3,
				     "FdhQ5AH76e9sXWG8MTAMVlZNv5k="));
	/* too small an out */
	assert_false(sms_signature("12345", url, p, 5, sig, 10));
}

static void answers_map_to_outcomes(void **state)
{
	struct sms_result r;
	const char *ok = "{\"sid\": \"SM0123456789abcdef\", \"status\": \"queued\"}";
	sms_result_from_http(201, ok, strlen(ok), NULL, &r);
	assert_int_equal(r.outcome, SMS_SENT);
	assert_string_equal(r.sid, "SM0123456789abcdef");
	/* accepted without an id: sent all the same, never sent twice */
	sms_result_from_http(201, "{}", 2, NULL, &r);
	assert_int_equal(r.outcome, SMS_SENT);
	assert_string_equal(r.sid, "");
	/* a sid that is not one is not kept */
	const char *odd = "{\"sid\": \"SM<script>\"}";
	sms_result_from_http(201, odd, strlen(odd), NULL, &r);
	assert_int_equal(r.outcome, SMS_SENT);
	assert_string_equal(r.sid, "");
	sms_result_from_http(429, "", 0, "30", &r);
	assert_int_equal(r.outcome, SMS_RETRY);
	assert_int_equal(r.retry_after_s, 30);
	sms_result_from_http(503, "oops", 4, "Wed, 21 Oct 2026 07:28:00 GMT", &r);
	assert_int_equal(r.outcome, SMS_RETRY);
	assert_int_equal(r.retry_after_s, 0);
	sms_result_from_http(500, NULL, 0, "999999", &r);
	assert_int_equal(r.retry_after_s, 86400);
	sms_result_from_http(401, "{\"code\": 20003}", 15, NULL, &r);
	assert_int_equal(r.outcome, SMS_RETRY);
	const char *unsub = "{\"code\": 21610, \"message\": \"Attempt to send to unsubscribed "
			    "recipient\", \"status\": 400}";
	sms_result_from_http(400, unsub, strlen(unsub), NULL, &r);
	assert_int_equal(r.outcome, SMS_OPTED_OUT);
	assert_int_equal(r.error_code, 21610);
	const char *bad = "{\"code\": 21211, \"message\": \"The 'To' number +1555 is not valid\"}";
	sms_result_from_http(400, bad, strlen(bad), NULL, &r);
	assert_int_equal(r.outcome, SMS_BAD_NUMBER);
	/* the provider's message (which names the number) is not kept */
	assert_null(strstr(r.reason, "+1555"));
	assert_non_null(strstr(r.reason, "21211"));
	sms_result_from_http(400, "{\"code\": 21602}", 15, NULL, &r);
	assert_int_equal(r.outcome, SMS_FAILED);
	sms_result_from_http(404, "not json", 8, NULL, &r);
	assert_int_equal(r.outcome, SMS_FAILED);
	assert_int_equal(r.error_code, 0);
}

static void provider_settings_checked(void **state)
{
	struct sms_provider p = {
		"https://api.example.org", "AC123", "secret", "+15550001111", "", 0
	};
	const char *why;
	assert_true(sms_provider_ok(&p, &why));
	snprintf(p.account_sid, sizeof p.account_sid, "AC/../x");
	assert_false(sms_provider_ok(&p, &why));
	assert_non_null(why);
	snprintf(p.account_sid, sizeof p.account_sid, "AC1");
	snprintf(p.base_url, sizeof p.base_url, "ftp://x");
	assert_false(sms_provider_ok(&p, NULL));
	struct sms_result r;
	assert_int_equal(sms_send(&p, "+15551234567", "hi", &r), EB_EINVAL);
	snprintf(p.base_url, sizeof p.base_url, "http://127.0.0.1:9");
	assert_int_equal(sms_send(&p, "", "hi", &r), EB_EINVAL);
	/* nothing listens on port 9 (discard): retried later */
	p.timeout_ms = 2000;
	assert_int_equal(sms_send(&p, "+15551234567", "hi", &r), EB_OK);
	assert_int_equal(r.outcome, SMS_RETRY);
	assert_int_equal(r.http_status, 0);
}

/* a provider that takes the connection and never answers: a timeout,
 * retried later */
static void a_silent_provider_times_out(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	struct sms_provider p = { "", "AC1", "secret", "+15550001111", "", 300 };
	snprintf(p.base_url, sizeof p.base_url, "http://127.0.0.1:%d", ntohs(a.sin_port));
	struct sms_result r;
	assert_int_equal(sms_send(&p, "+15551234567", "hi", &r), EB_OK);
	assert_int_equal(r.outcome, SMS_RETRY);
	assert_string_equal(r.reason, "the provider did not answer in time");
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha1_vectors),
		cmocka_unit_test(hmac_rfc2202),
		cmocka_unit_test(webhook_signature),
		cmocka_unit_test(answers_map_to_outcomes),
		cmocka_unit_test(provider_settings_checked),
		cmocka_unit_test(a_silent_provider_times_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
