/* delivery.h - a district's settings for delivering family messages
 * (migration 025 district_delivery; docs/family_updates.md "Delivery";
 * `edbridge families settings`, /admin/delivery).
 *
 * Secrets (smtp_password, sms_token) are stored for the senders and never
 * shown back, never logged: pages and commands say only whether one is set
 * (delivery_settings_redact). */
#ifndef EB_DELIVERY_H
#define EB_DELIVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;

#define DELIVERY_URL_MAX 512
#define DELIVERY_FIELD_MAX 256

struct delivery_settings {
	/* email: smtps://host[:port] or smtp://host[:port] (STARTTLS
	 * required), "" when the district sends no email */
	char smtp_url[DELIVERY_URL_MAX];
	char smtp_user[DELIVERY_FIELD_MAX];
	char smtp_password[DELIVERY_FIELD_MAX]; /* secret */
	/* plain smtp:// without STARTTLS, to a loopback address only (tests) */
	bool smtp_plain_loopback;
	char mail_from[DELIVERY_FIELD_MAX]; /* the From address */
	char mail_from_name[DELIVERY_FIELD_MAX];
	char reply_to[DELIVERY_FIELD_MAX]; /* "" for none */
	/* text messages: the provider's Messages API (Twilio-style), "" for
	 * none; the account id, its token (secret) and the from number */
	char sms_base_url[DELIVERY_URL_MAX];
	char sms_account[DELIVERY_FIELD_MAX];
	char sms_token[DELIVERY_FIELD_MAX]; /* secret */
	char sms_from[DELIVERY_FIELD_MAX];
	/* quiet hours, minutes after local midnight (default 20:00-08:00: no
	 * text is sent in [quiet_start, quiet_end), wrapping midnight) */
	int quiet_start, quiet_end;
	char country_code[4]; /* digits, default "1" */
	/* the address families use ("" : serve's --public-url) */
	char public_url[DELIVERY_URL_MAX];
	int send_day;	    /* 1 Monday .. 7 Sunday (default 5, Friday) */
	int send_hour;	    /* local hour 0..23 (default 16) */
	int64_t updated_at; /* 0: never stored (the defaults) */
	/* the district's time zone (IANA name, district_time_zone), filled by
	 * delivery_get and not stored here: quiet hours and the send time are
	 * local to it (base/tz.h tz_get) */
	char time_zone[65]; /* DISTRICT_TIME_ZONE_MAX */
};

/* The district's settings; the defaults (above) when none are stored.
 * EB_EDB on a database error. */
enum eb_err delivery_get(struct db *db, int64_t district_id, struct delivery_settings *out);

/* Checks s (EB_EINVAL with a reason a person can act on in err: a URL
 * that is not smtp:// or smtps://, plain smtp to a host that is not a
 * loopback, a From that is not an email address, a country code that is
 * not 1..3 digits, times out of range, a public URL that is not http(s))
 * and stores it whole. The caller audits it (never with a secret's
 * value). */
enum eb_err delivery_set(struct db *db, int64_t district_id, const struct delivery_settings *s,
			 char *err, size_t errcap);

/* Checks s without storing (the same reasons as delivery_set). */
enum eb_err delivery_check(const struct delivery_settings *s, char *err, size_t errcap);

/* Blanks the secrets of s (for showing it). */
void delivery_settings_redact(struct delivery_settings *s);

/* True when local minute-of-day m (0..1439) falls in the quiet hours. */
bool delivery_quiet_at(const struct delivery_settings *s, int minute_of_day);

#endif
