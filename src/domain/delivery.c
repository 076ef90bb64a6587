/* delivery.c - a district's delivery settings (delivery.h). */
#include "domain/delivery.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/district.h"
#include "domain/family_contact.h"
#include "store/db.h"

static void defaults(struct delivery_settings *s)
{
	memset(s, 0, sizeof *s);
	s->quiet_start = 20 * 60;
	s->quiet_end = 8 * 60;
	str_copy(s->country_code, sizeof s->country_code, "1");
	s->send_day = 5;
	s->send_hour = 16;
}

DB_ROWSPEC(settings_spec, struct delivery_settings, NULL,
	   DB_FIELD_CHARS(struct delivery_settings, smtp_url),
	   DB_FIELD_CHARS(struct delivery_settings, smtp_user),
	   DB_FIELD_CHARS(struct delivery_settings, smtp_password),
	   DB_FIELD_INT(struct delivery_settings, smtp_plain_loopback),
	   DB_FIELD_CHARS(struct delivery_settings, mail_from),
	   DB_FIELD_CHARS(struct delivery_settings, mail_from_name),
	   DB_FIELD_CHARS(struct delivery_settings, reply_to),
	   DB_FIELD_CHARS(struct delivery_settings, sms_base_url),
	   DB_FIELD_CHARS(struct delivery_settings, sms_account),
	   DB_FIELD_CHARS(struct delivery_settings, sms_token),
	   DB_FIELD_CHARS(struct delivery_settings, sms_from),
	   DB_FIELD_INT(struct delivery_settings, quiet_start),
	   DB_FIELD_INT(struct delivery_settings, quiet_end),
	   DB_FIELD_CHARS(struct delivery_settings, country_code),
	   DB_FIELD_CHARS(struct delivery_settings, public_url),
	   DB_FIELD_INT(struct delivery_settings, send_day),
	   DB_FIELD_INT(struct delivery_settings, send_hour),
	   DB_FIELD_INT(struct delivery_settings, updated_at));

enum eb_err delivery_get(struct db *db, int64_t district_id, struct delivery_settings *out)
{
	enum eb_err rc = db_get_row(
		db,
		"SELECT smtp_url, smtp_user, smtp_password, smtp_plain_loopback, mail_from,"
		" mail_from_name, reply_to, sms_base_url, sms_account, sms_token, sms_from,"
		" quiet_start, quiet_end, country_code, public_url, send_day, send_hour,"
		" updated_at FROM district_delivery WHERE district_id=?1",
		DB_ARGS(DB_INT(district_id)), &settings_spec, NULL, out);
	if (rc == EB_ENOTFOUND) {
		defaults(out);
		rc = EB_OK;
	}
	if (!rc && district_time_zone(db, district_id, out->time_zone, sizeof out->time_zone))
		str_copy(out->time_zone, sizeof out->time_zone, DISTRICT_TIME_ZONE_DEFAULT);
	return rc;
}

/* host of an smtp(s):// URL into out; false when there is none */
static bool url_host(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");
	if (!p)
		return false;
	p += 3;
	const char *at = strchr(p, '@');
	if (at)
		p = at + 1; /* user:pass@ in the URL */
	size_t n;
	if (*p == '[') {
		const char *e = strchr(p, ']');
		if (!e)
			return false;
		p++;
		n = (size_t)(e - p);
	} else {
		n = strcspn(p, ":/");
	}
	if (n == 0 || n >= cap)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* localhost, an IPv4 address of 127.0.0.0/8 or ::1: an address, not a
 * name that merely starts like one ("127.0.0.1.example.org") */
static bool loopback(const char *host)
{
	unsigned char a[16];
	if (strcmp(host, "localhost") == 0)
		return true;
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	return inet_pton(AF_INET6, host, a) == 1 && memcmp(a, in6addr_loopback.s6_addr, 16) == 0;
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return false;
	return true;
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errcap, __VA_ARGS__);                                                \
		return EB_EINVAL;                                                                  \
	} while (0)

enum eb_err delivery_check(const struct delivery_settings *s, char *err, size_t errcap)
{
	char host[256];
	const char *fields[] = { s->smtp_url,	    s->smtp_user, s->smtp_password, s->mail_from,
				 s->mail_from_name, s->reply_to,  s->sms_base_url,  s->sms_account,
				 s->sms_token,	    s->sms_from,  s->public_url };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (!printable(fields[i]))
			FAIL("a setting holds a control character (a line break?)");
	if (*s->smtp_url) {
		bool tls = strncmp(s->smtp_url, "smtps://", 8) == 0;
		bool plain = strncmp(s->smtp_url, "smtp://", 7) == 0;
		if (!tls && !plain)
			FAIL("smtp URL: '%s' is not smtp://HOST[:PORT] (STARTTLS) or"
			     " smtps://HOST[:PORT]",
			     s->smtp_url);
		if (!url_host(s->smtp_url, host, sizeof host))
			FAIL("smtp URL: '%s' has no host", s->smtp_url);
		if (s->smtp_plain_loopback && !loopback(host))
			FAIL("smtp URL: mail without TLS is allowed only to this machine"
			     " (localhost, 127.0.0.1 or ::1), not to '%s'",
			     host);
		if (!family_email_valid(s->mail_from))
			FAIL("from address: '%s' is not an email address", s->mail_from);
	}
	if (*s->reply_to && !family_email_valid(s->reply_to))
		FAIL("reply-to: '%s' is not an email address", s->reply_to);
	if (*s->sms_base_url && !str_site_url_len(s->sms_base_url, DELIVERY_URL_MAX - 1))
		FAIL("text provider URL: '%s' is not an http(s) address", s->sms_base_url);
	if (*s->public_url && !str_site_url_len(s->public_url, 200))
		FAIL("public URL: '%s' is not an http(s) address such as"
		     " https://edbridge.example.org",
		     s->public_url);
	size_t cc = strlen(s->country_code);
	if (cc < 1 || cc > 3 || s->country_code[0] == '0')
		FAIL("country code: '%s' is not 1 to 3 digits (1 for the United States)",
		     s->country_code);
	for (size_t i = 0; i < cc; i++)
		if (!isdigit((unsigned char)s->country_code[i]))
			FAIL("country code: '%s' is not 1 to 3 digits (1 for the United States)",
			     s->country_code);
	if (s->quiet_start < 0 || s->quiet_start > 1439 || s->quiet_end < 0 || s->quiet_end > 1439)
		FAIL("quiet hours: times are HH:MM between 00:00 and 23:59");
	if (s->send_day < 1 || s->send_day > 7)
		FAIL("send day: 1 (Monday) to 7 (Sunday)");
	if (s->send_hour < 0 || s->send_hour > 23)
		FAIL("send hour: 0 to 23");
	return EB_OK;
}

enum eb_err delivery_set(struct db *db, int64_t district_id, const struct delivery_settings *s,
			 char *err, size_t errcap)
{
	enum eb_err rc = delivery_check(s, err, errcap);
	if (rc)
		return rc;
	rc = db_execute(
		db,
		"INSERT OR REPLACE INTO district_delivery(district_id, smtp_url, smtp_user,"
		" smtp_password, smtp_plain_loopback, mail_from, mail_from_name, reply_to,"
		" sms_base_url, sms_account, sms_token, sms_from, quiet_start, quiet_end,"
		" country_code, public_url, send_day, send_hour, updated_at)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)",
		DB_ARGS(DB_INT(district_id), DB_TEXT(s->smtp_url), DB_TEXT(s->smtp_user),
			DB_TEXT(s->smtp_password), DB_INT(s->smtp_plain_loopback),
			DB_TEXT(s->mail_from), DB_TEXT(s->mail_from_name), DB_TEXT(s->reply_to),
			DB_TEXT(s->sms_base_url), DB_TEXT(s->sms_account), DB_TEXT(s->sms_token),
			DB_TEXT(s->sms_from), DB_INT(s->quiet_start), DB_INT(s->quiet_end),
			DB_TEXT(s->country_code), DB_TEXT(s->public_url), DB_INT(s->send_day),
			DB_INT(s->send_hour), DB_INT(time_now())),
		NULL);
	if (rc) {
		snprintf(err, errcap, "%s", eb_strerror(rc));
		return rc;
	}
	return EB_OK;
}

void delivery_settings_redact(struct delivery_settings *s)
{
	sodium_memzero(s->smtp_password, sizeof s->smtp_password);
	sodium_memzero(s->sms_token, sizeof s->sms_token);
}

bool delivery_quiet_at(const struct delivery_settings *s, int m)
{
	if (s->quiet_start == s->quiet_end)
		return false;
	if (s->quiet_start < s->quiet_end)
		return m >= s->quiet_start && m < s->quiet_end;
	return m >= s->quiet_start || m < s->quiet_end;
}
