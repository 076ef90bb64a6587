/* `edbridge families send|reach|settings|contact` and serve's weekly
 * schedule (families_send.h). */
#include "cli/families_send.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/log.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "base/tz.h"
#include "cli/cli.h"
#include "domain/audit.h"
#include "domain/delivery.h"
#include "domain/device.h"
#include "domain/district.h"
#include "domain/family_contact.h"
#include "domain/family_week.h"
#include "domain/outbox.h"
#include "store/db.h"
#include "web/update_message.h"
#include "web/page.h"

const char families_send_usage[] =
	"       edbridge families send [--week YYYY-Www] [--dry-run] [--public-url URL]\n"
	"       edbridge families reach [--week YYYY-Www] [--school SOURCEDID]\n"
	"       edbridge families settings [--smtp-url URL] [--smtp-user U]\n"
	"                               [--smtp-password-stdin] [--smtp-plain-loopback yes|no]\n"
	"                               [--mail-from ADDR] [--mail-from-name NAME]\n"
	"                               [--reply-to ADDR] [--sms-url URL] [--sms-account ID]\n"
	"                               [--sms-token-stdin] [--sms-from NUMBER]\n"
	"                               [--quiet-hours HH:MM-HH:MM] [--country-code N]\n"
	"                               [--public-url URL] [--send-day DAY] [--send-hour H]\n"
	"       edbridge families contact --guardian SOURCEDID [--opt-out CHANNEL]\n"
	"                               [--opt-in CHANNEL] [--paper yes|no]\n";

static void zone_of(struct db *db, int64_t d, const struct tz **z)
{
	char zname[DISTRICT_TIME_ZONE_MAX] = "";
	*z = NULL;
	if (district_time_zone(db, d, zname, sizeof zname) == EB_OK)
		*z = tz_get(zname);
}

static int week_opt(const char *cmd, const char *wq, struct db *db, int64_t d,
		    struct family_week *w)
{
	const struct tz *z;
	zone_of(db, d, &z);
	if (wq && family_week_parse(wq, z, w)) {
		fprintf(stderr, "families %s: --week: '%s' is not a week such as 2026-W47\n", cmd,
			wq);
		return 2;
	}
	if (!wq)
		family_week_of(time_now(), z, w);
	return 0;
}

/* ---- send ---- */

static void print_note(void *ctx, const char *guardian_sid, const char *problem)
{
	(void)ctx;
	printf("guardian %s: %s\n", guardian_sid, problem);
}

static void drain_line(const char *ch, const struct outbox_drain_report *r)
{
	if (r->not_configured) {
		if (r->waiting)
			printf("%s waiting: %ld (%s)\n", ch, r->waiting,
			       *r->error ? r->error : "this build has no channel for it yet");
		return;
	}
	if (*r->error)
		printf("%s not sent: %s\n", ch, r->error);
	if (r->retry)
		printf("%s retry: %ld\n", ch, r->retry);
	if (r->failed)
		printf("%s failed: %ld\n", ch, r->failed);
	if (r->bounced)
		printf("%s bounced: %ld\n", ch, r->bounced);
	if (r->deferred)
		printf("%s deferred (quiet hours): %ld\n", ch, r->deferred);
}

int families_send(int argc, char **argv, struct db *db, int64_t d)
{
	struct family_week w;
	if (week_opt("send", cli_opt(argc, argv, "--week"), db, d, &w))
		return 2;
	bool dry = cli_flag(argc, argv, "--dry-run");
	struct delivery_settings s;
	if (delivery_get(db, d, &s)) {
		fprintf(stderr, "families send: the delivery settings cannot be read\n");
		return 1;
	}
	const char *pub = cli_opt(argc, argv, "--public-url");
	if (!pub)
		pub = *s.public_url ? s.public_url : NULL;
	if (pub && !str_site_url_len(pub, 200)) {
		fprintf(stderr, "families send: --public-url: '%s' is not an http(s) address\n",
			pub);
		return 2;
	}
	if (!dry && !pub) {
		fprintf(stderr, "families send: no public address for the sign-in links: set it"
				" with `edbridge families settings --public-url URL` or pass"
				" --public-url\n");
		return 2;
	}
	struct outbox_queue_report q;
	enum eb_err rc = outbox_queue_week(db, d, w.label, dry, time_now(), print_note, NULL, &q);
	if (rc) {
		fprintf(stderr, "families send: %s\n", eb_strerror(rc));
		return 1;
	}
	long sent[FAMILY_CH_N] = { 0 };
	struct outbox_drain_report dr[FAMILY_CH_N];
	memset(dr, 0, sizeof dr);
	if (!dry) {
		struct update_message_ctx mc;
		update_message_ctx_init(&mc, d);
		for (int ch = FAMILY_CH_EMAIL; ch <= FAMILY_CH_SMS && !rc; ch++) {
			rc = outbox_drain(db, d, (enum family_channel)ch, &s, pub,
					  update_message_render, &mc, time_now(), 0, &dr[ch]);
			sent[ch] = dr[ch].sent;
		}
		update_message_ctx_free(&mc);
		if (rc) {
			fprintf(stderr, "families send: %s\n", eb_strerror(rc));
			return 1;
		}
	}
	printf("week: %s%s\n", w.label, dry ? " (dry run: nothing stored or sent)" : "");
	printf("email: %ld\n", dry ? q.queued[FAMILY_CH_EMAIL] : sent[FAMILY_CH_EMAIL]);
	printf("sms: %ld\n", dry ? q.queued[FAMILY_CH_SMS] : sent[FAMILY_CH_SMS]);
	printf("letter: %ld\n", q.queued[FAMILY_CH_LETTER]);
	printf("unreachable: %ld\n", q.unreachable);
	printf("families: %ld\n", q.families);
	if (q.skipped)
		printf("opted out (not sent): %ld\n", q.skipped);
	if (q.existing)
		printf("already queued: %ld\n", q.existing);
	if (q.bad_email || q.bad_phone)
		printf("bad contacts: %ld email, %ld phone\n", q.bad_email, q.bad_phone);
	if (q.lang_fallback)
		printf("language fallback (English): %ld\n", q.lang_fallback);
	if (!dry) {
		drain_line("email", &dr[FAMILY_CH_EMAIL]);
		drain_line("sms", &dr[FAMILY_CH_SMS]);
		if (q.queued[FAMILY_CH_LETTER])
			printf("letters to print: edbridge families letters --week %s\n", w.label);
	}
	return 0;
}

/* ---- reach ---- */

/* Families without home internet and the hotspots lent to them, per
 * school (domain/device.h). */
static void hotspot_lines(struct db *db, int64_t d, const char *school, struct arena *a)
{
	struct device_reach_school *r;
	size_t n;
	if (device_hotspot_reach(db, d, school, a, &r, &n))
		return;
	int64_t fam = 0, hot = 0;
	for (size_t i = 0; i < n; i++) {
		fam += r[i].families_no_internet;
		hot += r[i].with_hotspot;
	}
	printf("no_home_internet: %lld\nwith_hotspot: %lld\n", (long long)fam, (long long)hot);
	for (size_t i = 0; i < n; i++)
		printf("hotspots school %s (%s): no home internet %lld, hotspot lent %lld\n",
		       *r[i].school_name ? r[i].school_name : "none",
		       *r[i].school_sid ? r[i].school_sid : "-",
		       (long long)r[i].families_no_internet, (long long)r[i].with_hotspot);
}

int families_reach(int argc, char **argv, struct db *db, int64_t d)
{
	const char *wq = cli_opt(argc, argv, "--week");
	struct family_week w;
	if (wq && week_opt("reach", wq, db, d, &w))
		return 2;
	struct arena a;
	arena_init(&a);
	struct outbox_reach r;
	enum eb_err rc = outbox_reach(db, d, wq ? w.label : NULL, cli_opt(argc, argv, "--school"),
				      0, &a, &r);
	if (rc == EB_ENOTFOUND) {
		hotspot_lines(db, d, cli_opt(argc, argv, "--school"), &a);
		fprintf(stderr, "families reach: no week has been sent yet (edbridge families"
				" send)\n");
		arena_free(&a);
		return 1;
	}
	if (rc) {
		fprintf(stderr, "families reach: %s\n", eb_strerror(rc));
		arena_free(&a);
		return 1;
	}
	printf("week: %s\n", r.week);
	printf("reached_share: %.2f\n", r.families ? (double)r.reached / (double)r.families : 0.0);
	printf("families: %ld\nreached: %ld\nnot_reached: %ld\n", r.families, r.reached,
	       r.families - r.reached);
	for (int k = 0; k < OUTBOX_WHY_N; k++)
		if (r.why[k])
			printf("  %s: %ld\n", outbox_why_name((enum outbox_why)k), r.why[k]);
	if (r.lang_fallback)
		printf("language fallback (English): %ld\n", r.lang_fallback);
	for (size_t i = 0; i < r.ngroups; i++) {
		const struct outbox_reach_group *g = &r.groups[i];
		printf("school %s (%s) %s: families %ld, reached %ld",
		       *g->school_name ? g->school_name : "none",
		       *g->school_sid ? g->school_sid : "-", g->lang, g->families, g->reached);
		for (int k = 0; k < OUTBOX_WHY_N; k++)
			if (g->why[k])
				printf(", %s %ld", outbox_why_name((enum outbox_why)k), g->why[k]);
		putchar('\n');
	}
	hotspot_lines(db, d, cli_opt(argc, argv, "--school"), &a);
	arena_free(&a);
	return 0;
}

/* ---- settings ---- */

static bool read_secret(const char *what, char *out, size_t cap)
{
	if (!fgets(out, (int)cap, stdin)) {
		fprintf(stderr, "families settings: no %s on standard input\n", what);
		return false;
	}
	out[strcspn(out, "\r\n")] = '\0';
	return true;
}

static bool parse_hm(const char *s, int *out)
{
	if (!s || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return false;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return false;
	*out = h * 60 + m;
	return true;
}

static const char *const day_names[] = { "monday", "tuesday",  "wednesday", "thursday",
					 "friday", "saturday", "sunday" };

static void show(const struct delivery_settings *s)
{
	printf("smtp_url: %s\n", *s->smtp_url ? s->smtp_url : "(none: no email is sent)");
	printf("smtp_user: %s\n", s->smtp_user);
	printf("smtp_password: %s\n", *s->smtp_password ? "(set)" : "(not set)");
	printf("smtp_plain_loopback: %s\n", s->smtp_plain_loopback ? "yes" : "no");
	printf("mail_from: %s\nmail_from_name: %s\nreply_to: %s\n", s->mail_from, s->mail_from_name,
	       s->reply_to);
	printf("sms_url: %s\n", *s->sms_base_url ? s->sms_base_url : "(none: no text is sent)");
	printf("sms_account: %s\nsms_token: %s\nsms_from: %s\n", s->sms_account,
	       *s->sms_token ? "(set)" : "(not set)", s->sms_from);
	printf("quiet_hours: %02d:%02d-%02d:%02d\n", s->quiet_start / 60, s->quiet_start % 60,
	       s->quiet_end / 60, s->quiet_end % 60);
	printf("country_code: %s\n", s->country_code);
	printf("public_url: %s\n", *s->public_url ? s->public_url : "(serve's --public-url)");
	printf("send: %s %02d:00\n", day_names[(s->send_day + 6) % 7], s->send_hour);
}

#define SET_TEXT(opt, field)                                                                       \
	do {                                                                                       \
		const char *v_ = cli_opt(argc, argv, opt);                                         \
		if (v_) {                                                                          \
			if (strlen(v_) >= sizeof s.field) {                                        \
				fprintf(stderr, "families settings: %s is too long\n", opt);       \
				return 2;                                                          \
			}                                                                          \
			str_copy(s.field, sizeof s.field, v_);                                     \
			changed = true;                                                            \
		}                                                                                  \
	} while (0)

int families_settings(int argc, char **argv, struct db *db, int64_t d)
{
	struct delivery_settings s;
	if (delivery_get(db, d, &s)) {
		fprintf(stderr, "families settings: the settings cannot be read\n");
		return 1;
	}
	bool changed = false;
	SET_TEXT("--smtp-url", smtp_url);
	SET_TEXT("--smtp-user", smtp_user);
	SET_TEXT("--mail-from", mail_from);
	SET_TEXT("--mail-from-name", mail_from_name);
	SET_TEXT("--reply-to", reply_to);
	SET_TEXT("--sms-url", sms_base_url);
	SET_TEXT("--sms-account", sms_account);
	SET_TEXT("--sms-from", sms_from);
	SET_TEXT("--country-code", country_code);
	SET_TEXT("--public-url", public_url);
	const char *v;
	if ((v = cli_opt(argc, argv, "--smtp-plain-loopback"))) {
		if (strcmp(v, "yes") && strcmp(v, "no")) {
			fprintf(stderr, "families settings: --smtp-plain-loopback: yes or no\n");
			return 2;
		}
		s.smtp_plain_loopback = strcmp(v, "yes") == 0;
		changed = true;
	}
	if ((v = cli_opt(argc, argv, "--quiet-hours"))) {
		if (strlen(v) != 11 || v[5] != '-' || !parse_hm(v, &s.quiet_start) ||
		    !parse_hm(v + 6, &s.quiet_end)) {
			fprintf(stderr,
				"families settings: --quiet-hours: '%s' is not HH:MM-HH:MM such as"
				" 20:00-08:00\n",
				v);
			return 2;
		}
		changed = true;
	}
	if ((v = cli_opt(argc, argv, "--send-day"))) {
		int day = 0;
		for (int i = 0; i < 7; i++)
			if (strncasecmp(v, day_names[i], 3) == 0 && strlen(v) >= 3 &&
			    strncasecmp(v, day_names[i], strlen(v)) == 0)
				day = i + 1;
		if (strlen(v) == 1 && v[0] >= '1' && v[0] <= '7')
			day = v[0] - '0';
		if (!day) {
			fprintf(stderr,
				"families settings: --send-day: '%s' is not a day (monday ..."
				" sunday, or 1..7)\n",
				v);
			return 2;
		}
		s.send_day = day;
		changed = true;
	}
	int64_t hour;
	if (cli_opt(argc, argv, "--send-hour")) {
		if (cli_opt_int(argc, argv, "--send-hour", 0, 23, 16, &hour))
			return 2;
		s.send_hour = (int)hour;
		changed = true;
	}
	if (cli_flag(argc, argv, "--smtp-password-stdin")) {
		if (!read_secret("SMTP password", s.smtp_password, sizeof s.smtp_password))
			return 2;
		changed = true;
	}
	if (cli_flag(argc, argv, "--sms-token-stdin")) {
		if (!read_secret("text-message token", s.sms_token, sizeof s.sms_token))
			return 2;
		changed = true;
	}
	int ret = 0;
	if (changed) {
		char err[512];
		enum eb_err rc = delivery_set(db, d, &s, err, sizeof err);
		if (rc) {
			fprintf(stderr, "families settings: %s\n", err);
			ret = rc == EB_EINVAL ? 2 : 1;
		} else {
			static const struct audit_actor cli = { 0, "cli", "" };
			audit_record(db, d, &cli, "update", "district", "delivery",
				     "family message settings saved (secrets not recorded)");
		}
	}
	if (!ret)
		show(&s);
	delivery_settings_redact(&s);
	return ret;
}

/* ---- contact ---- */

int families_contact(int argc, char **argv, struct db *db, int64_t d)
{
	const char *g = cli_opt(argc, argv, "--guardian");
	if (!g) {
		fprintf(stderr, "families contact: --guardian SOURCEDID is required\n");
		return 2;
	}
	struct delivery_settings s;
	struct family_contact c;
	if (delivery_get(db, d, &s) || family_contact_get(db, d, g, s.country_code, &c)) {
		fprintf(stderr, "families contact: no such person in the roster\n");
		return 1;
	}
	const char *v;
	enum family_channel ch;
	enum eb_err rc = EB_OK;
	if ((v = cli_opt(argc, argv, "--opt-out"))) {
		if (!family_channel_parse(v, &ch)) {
			fprintf(stderr, "families contact: --opt-out: email, sms or letter\n");
			return 2;
		}
		rc = family_contact_opt_out(db, d, g, ch, FAMILY_OPT_OUT_STAFF);
	}
	if (!rc && (v = cli_opt(argc, argv, "--opt-in"))) {
		if (!family_channel_parse(v, &ch)) {
			fprintf(stderr, "families contact: --opt-in: email, sms or letter\n");
			return 2;
		}
		rc = family_contact_opt_in(db, d, g, ch, "staff");
	}
	if (!rc && (v = cli_opt(argc, argv, "--paper"))) {
		if (strcmp(v, "yes") && strcmp(v, "no")) {
			fprintf(stderr, "families contact: --paper: yes or no\n");
			return 2;
		}
		rc = family_contact_set_paper(db, d, g, strcmp(v, "yes") == 0, "staff");
	}
	if (rc || family_contact_get(db, d, g, s.country_code, &c)) {
		fprintf(stderr, "families contact: %s\n", eb_strerror(rc ? rc : EB_EDB));
		return 1;
	}
	bool want[FAMILY_CH_N];
	family_contact_channels(&c, want);
	printf("email: %s%s\n",
	       *c.email		 ? c.email
	       : c.email_problem ? c.email_problem
				 : "none",
	       c.opted_out[FAMILY_CH_EMAIL] ? " (opted out)" : "");
	printf("phone: %s%s\n",
	       *c.phone		 ? c.phone
	       : c.phone_problem ? c.phone_problem
				 : "none",
	       c.opted_out[FAMILY_CH_SMS] ? " (opted out)" : "");
	printf("paper: %s%s\n", c.paper ? "yes" : "no",
	       c.opted_out[FAMILY_CH_LETTER] ? " (letters opted out)" : "");
	printf("channels:");
	for (int i = 0; i < FAMILY_CH_N; i++)
		if (want[i])
			printf(" %s", family_channel_name((enum family_channel)i));
	putchar('\n');
	return 0;
}

/* ---- serve's schedule ---- */

#define SCHEDULE_TICK_S 300

static void schedule_district(struct db *db, int64_t d, int64_t now)
{
	struct delivery_settings s;
	if (delivery_get(db, d, &s) || !s.updated_at)
		return; /* a district that has not set up delivery sends nothing */
	const char *pub = *s.public_url ? s.public_url : page_public_url();
	if (!pub)
		return;
	const struct tz *z;
	zone_of(db, d, &z);
	struct family_week w;
	family_week_of(now, z, &w);
	int64_t local = now + (z ? tz_offset(z, now, NULL) : 0);
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int wday = (int)(((days + 3) % 7 + 7) % 7) + 1; /* 1970-01-01 was a Thursday: 1 Monday */
	int hour = (int)((local - days * 86400) / 3600);
	int64_t queued = 0;
	db_get_int(db, "SELECT count(*) FROM outbox_family WHERE district_id=?1 AND week=?2",
		   DB_ARGS(DB_INT(d), DB_TEXT(w.label)), &queued);
	/* the send time of this week, and a day after it to catch up (a server
	 * that was down then): not later, so that a restart on Sunday does not
	 * send Friday's week out of the blue */
	int since = ((wday - s.send_day) * 24 + (hour - s.send_hour));
	if (!queued && since >= 0 && since < 24) {
		struct outbox_queue_report q;
		if (outbox_queue_week(db, d, w.label, false, now, NULL, NULL, &q) == EB_OK)
			log_info("families: district %lld week %s queued: %ld families, email %ld,"
				 " sms %ld, letter %ld, unreachable %ld",
				 (long long)d, w.label, q.families, q.queued[FAMILY_CH_EMAIL],
				 q.queued[FAMILY_CH_SMS], q.queued[FAMILY_CH_LETTER],
				 q.unreachable);
	}
	struct update_message_ctx mc;
	update_message_ctx_init(&mc, d);
	for (int ch = FAMILY_CH_EMAIL; ch <= FAMILY_CH_SMS; ch++) {
		struct outbox_drain_report r;
		if (outbox_drain(db, d, (enum family_channel)ch, &s, pub, update_message_render,
				 &mc, now, 0, &r) == EB_OK &&
		    (r.sent || r.retry || r.failed || r.bounced))
			log_info("families: district %lld %s: sent %ld, retry %ld, failed %ld,"
				 " bounced %ld",
				 (long long)d, family_channel_name((enum family_channel)ch), r.sent,
				 r.retry, r.failed, r.bounced);
	}
	update_message_ctx_free(&mc);
	delivery_settings_redact(&s);
}

void *families_schedule_main(void *arg)
{
	const char *db_path = arg;
	for (;;) {
		struct db *db;
		char err[256];
		if (db_open(db_path, 0, &db, err, sizeof err) == EB_OK) {
			int64_t ids[256];
			size_t nd = district_all(db, ids, 256);
			for (size_t i = 0; i < nd && i < 256; i++)
				schedule_district(db, ids[i], time_now());
			db_close(db);
		} else {
			log_error("families: schedule: %s", err);
		}
		sleep(SCHEDULE_TICK_S);
	}
	return NULL;
}
