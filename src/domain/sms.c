/* sms.c - the weekly update by text message (sms.h): keywords, quiet
 * hours, rendering, the outbox channel, inbound texts and delivery
 * callbacks. */
#include "domain/sms.h"

#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "base/str.h"
#include "base/tz.h"
#include "domain/audit.h"
#include "domain/delivery.h"
#include "domain/district.h"
#include "domain/family_contact.h"
#include "domain/family_lang.h"
#include "domain/family_link.h"
#include "domain/family_update.h"
#include "domain/family_week.h"
#include "domain/outbox.h"
#include "domain/sms_text.h"
#include "store/db.h"

/* ---- keywords ------------------------------------------------------------ */

/* The words, folded (see fold): lower case, no accents, one space between
 * words. Whole messages only. */
static const char *const stop_words[] = {
	/* English (the provider's own list), and what people also type */
	"stop",
	"stopall",
	"unsubscribe",
	"cancel",
	"end",
	"quit",
	"optout",
	"opt out",
	"revoke",
	/* Spanish */
	"alto",
	"parar",
	"para",
	"baja",
	"detener",
	"cancelar",
	/* French and Haitian Creole */
	"arreter",
	"arret",
	"arete",
	"sispann",
	"kanpe",
	"stope",
	/* Portuguese */
	"pare",
	"sair",
	/* Vietnamese: dừng, ngừng */
	"dung",
	"ngung",
	/* Chinese: 停止, 退订, 取消 */
	"\xE5\x81\x9C\xE6\xAD\xA2",
	"\xE9\x80\x80\xE8\xAE\xA2",
	"\xE5\x8F\x96\xE6\xB6\x88",
	/* Arabic: توقف, ايقاف (إيقاف), الغاء (إلغاء) */
	"\xD8\xAA\xD9\x88\xD9\x82\xD9\x81",
	"\xD8\xA7\xD9\x8A\xD9\x82\xD8\xA7\xD9\x81",
	"\xD8\xA7\xD9\x84\xD8\xBA\xD8\xA7\xD8\xA1",
	/* Russian: стоп, отписаться, отмена */
	"\xD1\x81\xD1\x82\xD0\xBE\xD0\xBF",
	"\xD0\xBE\xD1\x82\xD0\xBF\xD0\xB8\xD1\x81\xD0\xB0\xD1\x82\xD1\x8C\xD1\x81\xD1\x8F",
	"\xD0\xBE\xD1\x82\xD0\xBC\xD0\xB5\xD0\xBD\xD0\xB0",
	/* Korean: 중지, 정지, 수신거부 */
	"\xEC\xA4\x91\xEC\xA7\x80",
	"\xEC\xA0\x95\xEC\xA7\x80",
	"\xEC\x88\x98\xEC\x8B\xA0\xEA\xB1\xB0\xEB\xB6\x80",
	/* Tagalog */
	"hinto",
	"itigil",
	"tigil",
};

static const char *const help_words[] = {
	"help",
	"info",
	"aide",
	"ayuda",
	"ajuda",
	"ed" /* Haitian èd */,
	/* Vietnamese: trợ giúp, giúp, giúp đỡ */
	"tro giup",
	"giup",
	"giup do",
	/* Chinese: 帮助 */
	"\xE5\xB8\xAE\xE5\x8A\xA9",
	/* Arabic: مساعدة */
	"\xD9\x85\xD8\xB3\xD8\xA7\xD8\xB9\xD8\xAF\xD8\xA9",
	/* Russian: помощь */
	"\xD0\xBF\xD0\xBE\xD0\xBC\xD0\xBE\xD1\x89\xD1\x8C",
	/* Korean: 도움, 도움말 */
	"\xEB\x8F\x84\xEC\x9B\x80",
	"\xEB\x8F\x84\xEC\x9B\x80\xEB\xA7\x90",
	/* Tagalog */
	"tulong",
};

static const char *const start_words[] = {
	"start",
	"unstop",
	"yes",
	/* Spanish, Portuguese, Vietnamese (bắt đầu), Haitian Creole (kòmanse) */
	"inicio",
	"iniciar",
	"comecar",
	"bat dau",
	"komanse",
	/* Chinese: 开始 */
	"\xE5\xBC\x80\xE5\xA7\x8B",
	/* Arabic: ابدا (ابدأ) */
	"\xD8\xA7\xD8\xA8\xD8\xAF\xD8\xA7",
	/* Russian: старт */
	"\xD1\x81\xD1\x82\xD0\xB0\xD1\x80\xD1\x82",
	/* Korean: 시작 */
	"\xEC\x8B\x9C\xEC\x9E\x91",
	/* Tagalog */
	"simula",
};

/* Words that fold into a stop word but mean something else: "đúng"
 * (Vietnamese: "right", "yes") is not "dừng". Compared after case
 * folding only. */
static const char *const not_keywords[] = {
	"\xC4\x91\xC3\xBAng", /* đúng */
};

static size_t utf8_decode(const unsigned char *s, unsigned *cp)
{
	unsigned c = s[0];
	size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
	if (n == 1) {
		*cp = c;
		return 1;
	}
	c &= n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return n;
}

static void utf8_put(struct buf *b, unsigned c)
{
	char t[4];
	size_t n;
	if (c < 0x80) {
		t[0] = (char)c, n = 1;
	} else if (c < 0x800) {
		t[0] = (char)(0xC0 | c >> 6), t[1] = (char)(0x80 | (c & 0x3F)), n = 2;
	} else if (c < 0x10000) {
		t[0] = (char)(0xE0 | c >> 12), t[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		t[2] = (char)(0x80 | (c & 0x3F)), n = 3;
	} else {
		t[0] = (char)(0xF0 | c >> 18), t[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((c >> 6) & 0x3F)), t[3] = (char)(0x80 | (c & 0x3F)), n = 4;
	}
	buf_put(b, t, n);
}

/* The base letter of an accented Latin letter (lower case), or 0. */
static unsigned latin_base(unsigned c)
{
	/* Latin-1: À..ÿ, by position from U+00C0 ('*': not a letter we fold) */
	static const char l1[] = "aaaaaaaceeeeiiii*nooooo*ouuuuy**aaaaaaaceeeeiiii*nooooo*ouuuuy*y";
	if (c >= 0xC0 && c <= 0xFF)
		return l1[c - 0xC0] == '*' ? 0 : (unsigned)l1[c - 0xC0];
	/* Vietnamese: Ạ..ỹ (U+1EA0..U+1EF9) */
	if (c >= 0x1EA0 && c <= 0x1EB7)
		return 'a';
	if (c >= 0x1EB8 && c <= 0x1EC7)
		return 'e';
	if (c >= 0x1EC8 && c <= 0x1ECB)
		return 'i';
	if (c >= 0x1ECC && c <= 0x1EE3)
		return 'o';
	if (c >= 0x1EE4 && c <= 0x1EF1)
		return 'u';
	if (c >= 0x1EF2 && c <= 0x1EF9)
		return 'y';
	switch (c) {
	case 0x0102: /* Ă ă */
	case 0x0103:
		return 'a';
	case 0x0110: /* Đ đ */
	case 0x0111:
		return 'd';
	case 0x01A0: /* Ơ ơ */
	case 0x01A1:
		return 'o';
	case 0x01AF: /* Ư ư */
	case 0x01B0:
		return 'u';
	}
	return 0;
}

/* body folded into out: trimmed, white space runs made one space, a
 * trailing '.' or '!' dropped; with accents: case only (lower) when
 * keep_accents, else also accents and Arabic hamza seats removed. False
 * for a body that is not UTF-8 or longer than a keyword could be. */
static bool fold(const char *body, bool keep_accents, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)body;
	bool space = false;
	while (*s) {
		unsigned c;
		size_t n = utf8_decode(s, &c);
		if (!n)
			return false;
		s += n;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000) {
			space = out->len > 0;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c += 32;
		else if (c >= 0x0410 && c <= 0x042F) /* Cyrillic А..Я */
			c += 0x20;
		else if (c == 0x0401) /* Ё */
			c = 0x0451;
		else if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
			c += 0x20;
		else if ((c >= 0x1EA0 && c <= 0x1EF9) || c == 0x0102 || c == 0x0110 || c == 0x01A0)
			c |= 1;	      /* Vietnamese and Latin Extended: upper even, lower odd */
		else if (c == 0x01AF) /* Ư */
			c = 0x01B0;
		if (!keep_accents) {
			if (c >= 0x0300 && c <= 0x036F)
				continue; /* a combining accent */
			unsigned b = latin_base(c);
			if (b)
				c = b;
			if (c == 0x0622 || c == 0x0623 || c == 0x0625) /* آ أ إ */
				c = 0x0627;
		}
		if (space)
			buf_putc(out, ' ');
		space = false;
		utf8_put(out, c);
	}
	while (out->len && (out->data[out->len - 1] == '.' || out->data[out->len - 1] == '!'))
		out->data[--out->len] = 0;
	return !buf_failed(out);
}

static bool in(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w, list[i]) == 0)
			return true;
	return false;
}
#define IN(w, list) in((w), (list), sizeof(list) / sizeof(list)[0])

enum sms_keyword sms_keyword_of(const char *body)
{
	enum sms_keyword kw = SMS_KW_NONE;
	struct buf f = BUF_INIT, c = BUF_INIT;
	buf_init(&f, 64);
	buf_init(&c, 64);
	if (!body || !fold(body, false, &f) || !fold(body, true, &c) || !f.len ||
	    IN(buf_cstr(&c), not_keywords))
		goto out;
	const char *w = buf_cstr(&f);
	if (IN(w, stop_words))
		kw = SMS_KW_STOP;
	else if (IN(w, help_words))
		kw = SMS_KW_HELP;
	else if (IN(w, start_words))
		kw = SMS_KW_START;
out:
	buf_free(&f);
	buf_free(&c);
	return kw;
}

/* ---- quiet hours --------------------------------------------------------- */

static int64_t local_second_of_day(const struct tz *z, int64_t t)
{
	int64_t l = t + tz_offset(z, t, NULL);
	return ((l % 86400) + 86400) % 86400;
}

static bool quiet_at(int qs, int qe, int64_t second_of_day)
{
	int m = (int)(second_of_day / 60);
	if (qs == qe)
		return false;
	return qs < qe ? m >= qs && m < qe : m >= qs || m < qe;
}

int64_t sms_quiet_until(const struct tz *z, int qs, int qe, int64_t now)
{
	if (!z)
		z = tz_utc();
	if (qs < 0 || qs > 1439 || qe < 0 || qe > 1439 ||
	    !quiet_at(qs, qe, local_second_of_day(z, now)))
		return now;
	/* step by the wall-clock time left to the end; a clock change on the
	 * way may land in quiet time again (the clocks went back): step on */
	int64_t lo = now, hi = now;
	for (int i = 0; i < 4; i++) {
		int64_t sod = local_second_of_day(z, hi);
		int64_t left = (int64_t)qe * 60 - sod;
		if (left <= 0)
			left += 86400;
		lo = hi;
		hi += left;
		if (!quiet_at(qs, qe, local_second_of_day(z, hi)))
			break;
	}
	if (quiet_at(qs, qe, local_second_of_day(z, hi)))
		return hi;
	/* lo is quiet, hi is not: the first instant that is not (the clocks
	 * may have skipped the end: then it is the change itself) */
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (quiet_at(qs, qe, local_second_of_day(z, mid)))
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* ---- sending ------------------------------------------------------------- */

static void copy(char *dst, size_t cap, const char *src)
{
	str_copy(dst, cap, src ? src : "");
}

void sms_provider_from(const struct delivery_settings *s, const char *public_url,
		       struct sms_provider *out)
{
	memset(out, 0, sizeof *out);
	copy(out->base_url, sizeof out->base_url, s->sms_base_url);
	size_t n = strlen(out->base_url);
	while (n > 0 && out->base_url[n - 1] == '/')
		out->base_url[--n] = 0;
	copy(out->account_sid, sizeof out->account_sid, s->sms_account);
	copy(out->auth_token, sizeof out->auth_token, s->sms_token);
	copy(out->from, sizeof out->from, s->sms_from);
	if (public_url && public_url[0]) {
		n = strlen(public_url);
		while (n > 0 && public_url[n - 1] == '/')
			n--;
		if (n + sizeof "/sms/status" <= sizeof out->status_callback)
			snprintf(out->status_callback, sizeof out->status_callback,
				 "%.*s/sms/status", (int)n, public_url);
	}
}

enum eb_err sms_compose(struct db *db, const struct outbox_row *row, const struct i18n_lang *L,
			const char *short_text, const char *link, struct arena *arena,
			const char **text)
{
	*text = NULL;
	if (!L)
		L = i18n_english();
	if (!link || !link[0])
		return EB_EINVAL;
	struct buf tail = BUF_INIT, out = BUF_INIT;
	buf_init(&tail, 4096);
	buf_init(&out, 4096);
	/* the link opens the first child's page; the family's account sees
	 * every child of the guardian there */
	if (row->nchildren > 1) {
		buf_puts(&tail, TR(L, "Your other children's updates are on the same page:"));
		buf_putc(&tail, ' ');
	}
	buf_puts(&tail, link);
	struct sms_count c;
	enum eb_err rc = buf_failed(&tail) ? EB_ENOMEM
					   : sms_fit(short_text, buf_cstr(&tail),
						     SMS_BUDGET_DEFAULT, &out, &c);
	if (!rc && buf_failed(&out))
		rc = EB_ENOMEM;
	if (!rc)
		rc = db_execute(db,
				"UPDATE outbox SET segments=?3, sms_encoding=?4 "
				"WHERE district_id=?1 AND id=?2",
				DB_ARGS(DB_INT(row->district_id), DB_INT(row->id),
					DB_INT(c.segments),
					DB_TEXT(c.enc == SMS_GSM7 ? "gsm7" : "ucs2")),
				NULL);
	if (!rc && !(*text = arena_strdup(arena, buf_cstr(&out))))
		rc = EB_ENOMEM;
	/* the text holds a live link */
	if (out.data)
		sodium_memzero(out.data, out.len);
	if (tail.data)
		sodium_memzero(tail.data, tail.len);
	buf_free(&tail);
	buf_free(&out);
	return rc;
}

struct sms_session {
	struct sms_provider p;
	const struct tz *zone;
};

static enum eb_err ch_open(const struct delivery_settings *s, void **session, char *err,
			   size_t errcap)
{
	*session = NULL;
	if (!s->sms_base_url[0]) {
		snprintf(err, errcap, "no text-message provider is set up");
		return EB_ENOTSUP;
	}
	struct sms_session *ss = calloc(1, sizeof *ss);
	if (!ss) {
		snprintf(err, errcap, "out of memory");
		return EB_ENOMEM;
	}
	sms_provider_from(s, s->public_url, &ss->p);
	const char *why;
	if (!sms_provider_ok(&ss->p, &why)) {
		snprintf(err, errcap, "text messages: %s", why);
		sodium_memzero(ss, sizeof *ss);
		free(ss);
		return EB_EINVAL;
	}
	ss->zone = s->time_zone[0] ? tz_get(s->time_zone) : NULL;
	*session = ss;
	return EB_OK;
}

static void ch_send(void *session, const struct outbox_row *row, const struct outbox_message *msg,
		    struct outbox_result *res)
{
	struct sms_session *ss = session;
	struct sms_result r;
	memset(res, 0, sizeof *res);
	const char *to = msg->to && msg->to[0] ? msg->to : row->address;
	enum eb_err rc = sms_send(&ss->p, to, msg->text, &r);
	if (rc) {
		res->kind = rc == EB_EINVAL ? OUTBOX_SEND_FAILED : OUTBOX_SEND_RETRY;
		copy(res->reason, sizeof res->reason,
		     rc == EB_EINVAL ? "no number or no text to send" : eb_strerror(rc));
		return;
	}
	copy(res->reason, sizeof res->reason, r.reason);
	switch (r.outcome) {
	case SMS_SENT:
		res->kind = OUTBOX_SEND_SENT;
		copy(res->provider_id, sizeof res->provider_id, r.sid[0] ? r.sid : "accepted");
		break;
	case SMS_RETRY:
		res->kind = OUTBOX_SEND_RETRY;
		res->retry_after_s = r.retry_after_s;
		break;
	case SMS_FAILED:
		res->kind = OUTBOX_SEND_FAILED;
		break;
	case SMS_BAD_NUMBER:
	case SMS_OPTED_OUT:
		/* never again to this number (the outbox opts the family out
		 * of texts to it) */
		res->kind = OUTBOX_SEND_BOUNCED;
		break;
	}
}

static int64_t ch_not_before(void *session, const struct delivery_settings *s,
			     const struct outbox_row *row, int64_t now)
{
	struct sms_session *ss = session;
	return sms_quiet_until(ss ? ss->zone : NULL, s->quiet_start, s->quiet_end, now);
}

static void ch_close(void *session)
{
	if (!session)
		return;
	sodium_memzero(session, sizeof(struct sms_session));
	free(session);
}

const struct outbox_channel sms_outbox_channel = {
	.name = "sms",
	.channel = FAMILY_CH_SMS,
	.open = ch_open,
	.send = ch_send,
	.not_before = ch_not_before,
	.close = ch_close,
};

/* ---- receiving ----------------------------------------------------------- */

static const struct audit_actor provider_actor = { 0, "text-message provider", "" };

enum eb_err sms_accounts_of(struct db *db, const char *account_sid, struct arena *arena,
			    struct sms_account *out, size_t cap, size_t *n)
{
	*n = 0;
	if (!account_sid || !account_sid[0])
		return EB_OK;
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT district_id, sms_token, public_url FROM district_delivery "
			 "WHERE sms_account=?1 AND sms_token<>'' ORDER BY district_id",
			 DB_ARGS(DB_TEXT(account_sid)), &st);
	if (rc)
		return rc;
	while (db_next(st) && *n < cap) {
		out[*n].district_id = db_col_int(st, 0);
		out[*n].token = db_col_str(st, 1, arena);
		out[*n].public_url = db_col_str(st, 2, arena);
		(*n)++;
	}
	return db_done(st);
}

#define SMS_BODY_MAX 1600 /* ten concatenated segments */

enum eb_err sms_inbound(struct db *db, int64_t district_id, const char *from, const char *body,
			const char *message_sid, int64_t now, struct buf *answer,
			struct sms_inbound_result *res)
{
	memset(res, 0, sizeof *res);
	struct sms_count cnt;
	if (!body || strlen(body) > SMS_BODY_MAX || !sms_count(body, strlen(body), &cnt) || !from ||
	    !message_sid || !message_sid[0] || strlen(message_sid) >= SMS_SID_MAX)
		return EB_EINVAL;
	struct delivery_settings s;
	enum eb_err rc = delivery_get(db, district_id, &s);
	if (rc)
		return rc;
	char e164[FAMILY_PHONE_MAX];
	const char *why;
	if (family_phone_e164(from, s.country_code, e164, &why))
		return EB_EINVAL;
	struct arena a;
	arena_init(&a);
	char **sids = NULL;
	size_t n = 0;
	if ((rc = family_contact_by_phone(db, district_id, e164, s.country_code, &a, &sids, &n)))
		goto out;
	res->families = n;
	res->kw = sms_keyword_of(body);
	const struct i18n_lang *L = i18n_english();
	if (n) {
		struct family_lang fl;
		family_lang_of_guardian(db, district_id, sids[0], NULL, &fl);
		L = fl.lang;
	}
	char name[200];
	if (district_name(db, district_id, name, sizeof name))
		copy(name, sizeof name, TR(L, "your school district"));
	/* every family of the number, or none: one transaction */
	bool tx = n && res->kw != SMS_KW_HELP;
	if (tx && (rc = db_begin(db)))
		goto out;
	switch (res->kw) {
	case SMS_KW_STOP:
		for (size_t i = 0; i < n && !rc; i++) {
			rc = family_contact_opt_out(db, district_id, sids[i], FAMILY_CH_SMS,
						    FAMILY_OPT_OUT_SMS_STOP);
			/* at once: a text already queued (waiting for quiet
			 * hours to end, or to be retried) is not sent either */
			if (!rc)
				rc = outbox_skip_family(db, district_id, sids[i], FAMILY_CH_SMS,
							"opted out by text (STOP)", now);
		}
		if (!rc)
			buf_printf(answer,
				   TR(L, "You will get no more text messages from %s. Reply START "
					 "to get them again."),
				   name);
		break;
	case SMS_KW_START:
		for (size_t i = 0; i < n && !rc; i++)
			rc = family_contact_opt_in(db, district_id, sids[i], FAMILY_CH_SMS,
						   "sms START");
		if (!rc && n)
			buf_printf(answer,
				   TR(L, "You will get text messages from %s again. Reply STOP to "
					 "stop them."),
				   name);
		break;
	case SMS_KW_HELP:
		buf_printf(answer,
			   TR(L,
			      "%s: weekly updates about your child's learning. Reply STOP to "
			      "stop these messages. Questions: please call your child's school."),
			   name);
		break;
	case SMS_KW_NONE:
		/* kept for the school; a number we do not know gets nothing */
		for (size_t i = 0; i < n && !rc; i++) {
			int changed = 0;
			rc = db_execute(db,
					"INSERT OR IGNORE INTO sms_reply (district_id, "
					"guardian_sourced_id, provider_id, body, received_at) "
					"VALUES (?1, ?2, ?3, ?4, ?5)",
					DB_ARGS(DB_INT(district_id), DB_TEXT(sids[i]),
						DB_TEXT(message_sid ? message_sid : ""),
						DB_TEXT(body), DB_INT(now)),
					&changed);
			if (!rc && changed) {
				res->stored = true;
				rc = audit_record(db, district_id, &provider_actor, "sms_reply",
						  "account", sids[i],
						  "a text from the family, kept");
			}
		}
		if (!rc && n)
			buf_puts(answer,
				 TR(L, "Thank you. Your message was passed on to the school."));
		break;
	}
	if (tx && !rc)
		rc = db_commit(db);
	if (tx && rc) {
		db_rollback(db);
		buf_reset(answer);
		res->stored = false;
	}
out:
	arena_free(&a);
	return rc;
}

static bool bounce_code(int code)
{
	/* unreachable handset, unknown handset, landline or unreachable
	 * carrier: the number will not take a text */
	return code == 30003 || code == 30005 || code == 30006;
}

enum eb_err sms_status_callback(struct db *db, int64_t district_id, const char *message_sid,
				const char *status, int error_code, int64_t now, bool *found)
{
	*found = false;
	if (!message_sid || !message_sid[0] || !status)
		return EB_OK;
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT id, guardian_sourced_id, week FROM outbox "
				  "WHERE district_id=?1 AND channel='sms' AND provider_id=?2",
				  DB_ARGS(DB_INT(district_id), DB_TEXT(message_sid)), &st);
	if (rc)
		return rc;
	int64_t id = 0;
	char guardian[FAMILY_SID_MAX] = "", week[16] = "";
	if (db_next(st)) {
		*found = true;
		id = db_col_int(st, 0);
		db_col_copy(st, 1, guardian, sizeof guardian);
		db_col_copy(st, 2, week, sizeof week);
	}
	if ((rc = db_done(st)) || !*found)
		return rc;
	if (strcmp(status, "delivered") == 0)
		return db_execute(db,
				  "UPDATE outbox SET delivered_at=?3, updated_at=?3 "
				  "WHERE district_id=?1 AND id=?2",
				  DB_ARGS(DB_INT(district_id), DB_INT(id), DB_INT(now)), NULL);
	if (strcmp(status, "undelivered") != 0 && strcmp(status, "failed") != 0)
		return EB_OK; /* queued, sending, sent: nothing new */
	bool bounce = bounce_code(error_code);
	char reason[OUTBOX_REASON_MAX], detail[OUTBOX_REASON_MAX + 40];
	snprintf(reason, sizeof reason,
		 bounce ? "the number cannot take a text (error %d)"
			: "the text was not delivered (error %d)",
		 error_code);
	if ((rc = db_execute(db,
			     "UPDATE outbox SET status=?3, reason=?4, updated_at=?5 "
			     "WHERE district_id=?1 AND id=?2",
			     DB_ARGS(DB_INT(district_id), DB_INT(id),
				     DB_TEXT(bounce ? "bounced" : "failed"), DB_TEXT(reason),
				     DB_INT(now)),
			     NULL)))
		return rc;
	snprintf(detail, sizeof detail, "sms %s: %s", week, reason);
	if ((rc = audit_record(db, district_id, &provider_actor, bounce ? "bounced" : "failed",
			       "account", guardian, detail)))
		return rc;
	if (bounce)
		rc = family_contact_opt_out(db, district_id, guardian, FAMILY_CH_SMS,
					    FAMILY_OPT_OUT_BOUNCE);
	return rc;
}
