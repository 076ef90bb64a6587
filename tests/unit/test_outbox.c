/* Unit tests of the family deliveries (issue 13): phone numbers to E.164 and
 * email syntax (domain/family_contact), the channel choice, MIME building
 * (base/mime: quoted-printable line lengths and encodings, RFC 2047 words
 * within 78 bytes, no header injection), the back-off, the district
 * settings' checks (domain/delivery), and the outbox on a database: queue
 * a week once, claim with a lease, recover after a crash (a recorded
 * provider id means sent), finish with retry/failed/bounced. The real SMTP
 * server is in tests/http/test_family_send.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/mime.h"
#include "base/str.h"
#include "domain/delivery.h"
#include "domain/district.h"
#include "domain/family_contact.h"
#include "domain/outbox.h"
#include "store/db.h"

/* ---- E.164 ---- */

static void phone_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *raw, *cc, *want; /* want NULL: refused */
	} cases[] = {
		{ "(312) 555-0101", "1", "+13125550101" },
		{ "312.555.0101", "1", "+13125550101" },
		{ "1-312-555-0101", "1", "+13125550101" },
		{ "+1 312 555 0101", "1", "+13125550101" },
		{ "001 312 555 0101", "1", "+13125550101" },
		{ "+44 20 7946 0958", "1", "+442079460958" },
		{ "020 7946 0958", "44", "+442079460958" },
		{ "0612345678", "33", "+33612345678" },
		{ "+52 55 1234 5678", "1", "+525512345678" },
		{ "+1 (312) 555-0101", "52", "+13125550101" },
		{ "555-01", "1", NULL },	     /* too short */
		{ "5550100", "1", NULL },	     /* 7 digits: no area code */
		{ "(012) 555-0101", "1", NULL },     /* area code starting 0 */
		{ "(312) 155-0101", "1", NULL },     /* exchange starting 1 */
		{ "312-555-01011", "1", NULL },	     /* 11 digits, not 1... */
		{ "+1234567890123456", "1", NULL },  /* 16 digits */
		{ "312-555-CALL", "1", NULL },	     /* letters */
		{ "312 555 0101 ext 4", "1", NULL }, /* an extension */
		{ "+0 123 456 789", "1", NULL },     /* country code 0 */
		{ "", "1", NULL },
		{ "+", "1", NULL },
		{ "++13125550101", "1", NULL },
		{ "+1 312 555 0101\n", "1", NULL }, /* a line break */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[FAMILY_PHONE_MAX];
		const char *why = NULL;
		enum eb_err rc = family_phone_e164(cases[i].raw, cases[i].cc, out, &why);
		if (cases[i].want) {
			if (rc != EB_OK)
				fail_msg("'%s' refused: %s", cases[i].raw, why);
			assert_string_equal(out, cases[i].want);
			assert_null(why);
		} else {
			if (rc != EB_EINVAL)
				fail_msg("'%s' accepted as %s", cases[i].raw, out);
			assert_string_equal(out, "");
			assert_non_null(strstr(why, "not a valid phone number"));
		}
	}
}

static void email_syntax(void **state)
{
	(void)state;
	static const char *const good[] = { "a@b.co", "gloria.one+math@example.org",
					    "o'neil@mail.example.org", "x_y-z@sub-domain.example" };
	static const char *const bad[] = { "",
					   "plain",
					   "@example.org",
					   "a@",
					   "a@localhost",
					   "a@@example.org",
					   "a b@example.org",
					   "a@exa mple.org",
					   ".a@example.org",
					   "a.@example.org",
					   "a..b@example.org",
					   "a@-example.org",
					   "a@example-.org",
					   "a@example..org",
					   "\"a\"@example.org",
					   "a@example.org\r\nBcc: x@y.org",
					   "a@[127.0.0.1]" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!family_email_valid(good[i]))
			fail_msg("refused %s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (family_email_valid(bad[i]))
			fail_msg("accepted %s", bad[i]);
	char big[300];
	memset(big, 'a', sizeof big);
	memcpy(big + 250, "@example.org", 13);
	assert_false(family_email_valid(big)); /* local part over 64 */
}

static void channel_choice(void **state)
{
	(void)state;
	struct family_contact c;
	bool w[FAMILY_CH_N];
	memset(&c, 0, sizeof c);
	family_contact_channels(&c, w); /* nothing: a letter */
	assert_false(w[FAMILY_CH_EMAIL] || w[FAMILY_CH_SMS]);
	assert_true(w[FAMILY_CH_LETTER]);
	str_copy(c.email, sizeof c.email, "a@b.co");
	str_copy(c.phone, sizeof c.phone, "+13125550101");
	family_contact_channels(&c, w); /* both, no letter */
	assert_true(w[FAMILY_CH_EMAIL] && w[FAMILY_CH_SMS] && !w[FAMILY_CH_LETTER]);
	c.paper = true;
	family_contact_channels(&c, w); /* asked for paper: all three */
	assert_true(w[FAMILY_CH_EMAIL] && w[FAMILY_CH_SMS] && w[FAMILY_CH_LETTER]);
	c.paper = false;
	c.opted_out[FAMILY_CH_EMAIL] = c.opted_out[FAMILY_CH_SMS] = true;
	family_contact_channels(&c, w); /* opted out of both: a letter */
	assert_true(!w[FAMILY_CH_EMAIL] && !w[FAMILY_CH_SMS] && w[FAMILY_CH_LETTER]);
	c.opted_out[FAMILY_CH_LETTER] = true;
	family_contact_channels(&c, w); /* and of letters: nothing */
	assert_true(!w[FAMILY_CH_EMAIL] && !w[FAMILY_CH_SMS] && !w[FAMILY_CH_LETTER]);
}

/* ---- MIME ---- */

static int hexv(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* decodes quoted-printable (CRLF line ends) into out */
static void qp_decode(const char *s, struct buf *out)
{
	while (*s) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
		} else if (s[0] == '=') {
			assert_true(hexv(s[1]) >= 0 && hexv(s[2]) >= 0);
			buf_putc(out, (char)(hexv(s[1]) * 16 + hexv(s[2])));
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			buf_putc(out, '\n');
			s += 2;
		} else {
			assert_true(*s != '\n' && *s != '\r');
			buf_putc(out, *s++);
		}
	}
}

static void check_lines(const char *s, size_t max)
{
	size_t col = 0;
	for (; *s; s++) {
		if (*s == '\r') {
			assert_int_equal(s[1], '\n');
			s++;
			col = 0;
			continue;
		}
		assert_int_not_equal(*s, '\n'); /* no bare LF */
		if (++col > max)
			fail_msg("a line longer than %zu", max);
	}
}

static void quoted_printable(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"Hello\n",
		"a=b, 100% sure\n",
		"trailing space \nand tab\t\n",
		".a line that starts with a dot\n.\n",
		"Ñandú — 数学 — الرياضيات — 수학 ✓\n",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx end\n",
		"ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé\n",
		"https://edbridge.example.org/f/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdEfG\n",
		"windows\r\nline ends\r\n",
		"no final line end",
		"x................................................................................"
		"...\n",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct buf q = BUF_INIT, d = BUF_INIT;
		buf_init(&q, 0);
		buf_init(&d, 0);
		mime_qp(&q, texts[i]);
		const char *enc = buf_cstr(&q);
		check_lines(enc, 76);
		/* a line never starts with '.' (SMTP's end of data), never ends
		 * with a space or tab */
		for (const char *p = enc; *p; p++) {
			if (p == enc || p[-1] == '\n')
				assert_int_not_equal(*p, '.');
			if (*p == '\r')
				assert_true(p == enc || (p[-1] != ' ' && p[-1] != '\t'));
			assert_true((unsigned char)*p < 0x80);
		}
		qp_decode(enc, &d);
		/* what was sent is what was meant (CRLF and LF read alike) */
		struct buf want = BUF_INIT;
		buf_init(&want, 0);
		for (const char *p = texts[i]; *p; p++)
			if (!(p[0] == '\r' && p[1] == '\n'))
				buf_putc(&want, *p);
		if (want.len && want.data[want.len - 1] != '\n')
			buf_putc(&want, '\n');
		assert_string_equal(buf_cstr(&d), buf_cstr(&want));
		buf_free(&q);
		buf_free(&d);
		buf_free(&want);
	}
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void b64_decode(const char *s, size_t n, struct buf *out)
{
	unsigned v = 0;
	int bits = 0;
	for (size_t i = 0; i < n && s[i] != '='; i++) {
		const char *p = strchr(b64, s[i]);
		assert_non_null(p);
		v = (v << 6) | (unsigned)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_putc(out, (char)((v >> bits) & 0xff));
		}
	}
}

/* the decoded value of a header made by mime_header_text; each encoded word
 * must be whole UTF-8 by itself */
static void header_decode(const char *h, struct buf *out)
{
	const char *p = strchr(h, ':') + 2;
	if (strncmp(p, "=?UTF-8?B?", 10) != 0) {
		buf_put(out, p, strcspn(p, "\r"));
		return;
	}
	while ((p = strstr(p, "=?UTF-8?B?"))) {
		p += 10;
		const char *e = strstr(p, "?=");
		struct buf w = BUF_INIT;
		buf_init(&w, 0);
		b64_decode(p, (size_t)(e - p), &w);
		assert_true(str_utf8_valid((struct str){ w.data, w.len }, NULL));
		buf_put(out, w.data, w.len);
		buf_free(&w);
		p = e + 2;
	}
}

static void encoded_headers(void **state)
{
	(void)state;
	static const char *const subjects[] = {
		"This week in math: Sam",
		"Esta semana en matemáticas: Sam, Sara",
		"الرياضيات هذا الأسبوع: سارة، سامي، سلمى، سليم، سعاد، سمير، سهى، سند",
		"本周数学：小明、小红、小刚、小丽、小华、小强、小芳、小军、小燕、小龙、小虎",
		"A long plain subject that is ASCII only but longer than one header line may be",
	};
	static const char *const names[] = { "Subject", "X-Very-Long-Header-Name-For-Testing" };
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
			struct buf h = BUF_INIT, d = BUF_INIT;
			buf_init(&h, 0);
			buf_init(&d, 0);
			mime_header_text(&h, names[k], subjects[i]);
			check_lines(buf_cstr(&h), 78);
			header_decode(buf_cstr(&h), &d);
			assert_string_equal(buf_cstr(&d), subjects[i]);
			buf_free(&h);
			buf_free(&d);
		}
	/* a line break in a value cannot add a header */
	struct buf h = BUF_INIT;
	buf_init(&h, 0);
	mime_header_text(&h, "Subject", "hi\r\nBcc: victim@example.org");
	assert_null(strstr(buf_cstr(&h), "\r\nBcc:"));
	buf_free(&h);
	char date[40];
	mime_date(0, date);
	assert_string_equal(date, "Thu, 01 Jan 1970 00:00:00 +0000");
	mime_date(1796467205, date);
	assert_string_equal(date, "Sat, 05 Dec 2026 10:40:05 +0000");
}

static void whole_message(void **state)
{
	(void)state;
	struct mime_mail m = {
		.from = "updates@alder.example",
		.from_name = "Écoles d'Alder, \"district\"",
		.to = "rosa@example.org\r\nBcc: x@y.org",
		.reply_to = "office@alder.example",
		.subject = "Esta semana en matemáticas: Ana",
		.message_id = "abc.1.2026-W10@alder.example",
		.date = 0,
		.lang = "es",
		.unsubscribe_url = "https://e.example.org/u/tok",
		.text = "Hola\n",
		.html = "<p>Hola</p>\n",
		.boundary = "=_eb_0001",
	};
	struct buf b = BUF_INIT;
	buf_init(&b, 0);
	mime_build(&b, &m);
	const char *s = buf_cstr(&b);
	check_lines(s, 998);
	assert_null(strstr(s, "\r\nBcc:"));
	assert_non_null(strstr(s, "\r\nMessage-ID: <abc.1.2026-W10@alder.example>\r\n"));
	assert_non_null(strstr(s, "\r\nContent-Language: es\r\n"));
	assert_non_null(strstr(s, "\r\nList-Unsubscribe: <https://e.example.org/u/tok>\r\n"));
	assert_non_null(strstr(s, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(
		strstr(s, "Content-Type: multipart/alternative;\r\n boundary=\"=_eb_0001\""));
	assert_non_null(strstr(s, "\r\n--=_eb_0001\r\nContent-Type: text/plain; charset=UTF-8\r\n"
				  "Content-Transfer-Encoding: quoted-printable\r\n\r\nHola\r\n"));
	assert_non_null(strstr(s, "\r\n--=_eb_0001\r\nContent-Type: text/html; charset=UTF-8\r\n"));
	assert_non_null(strstr(s, "\r\n--=_eb_0001--\r\n"));
	/* the headers end before the first blank line, and that is the body's */
	const char *blank = strstr(s, "\r\n\r\n");
	assert_true(blank > strstr(s, "Content-Type: multipart"));
	buf_free(&b);
}

/* ---- back-off and settings ---- */

static void backoff(void **state)
{
	(void)state;
	assert_int_equal(outbox_backoff_s(1, 0.5), 60);
	assert_int_equal(outbox_backoff_s(2, 0.5), 120);
	assert_int_equal(outbox_backoff_s(3, 0.5), 240);
	assert_int_equal(outbox_backoff_s(30, 0.5), OUTBOX_BACKOFF_CAP_S);
	assert_int_equal(outbox_backoff_s(0, 0.5), 60);
	for (int a = 1; a < 12; a++) {
		int64_t mid = outbox_backoff_s(a, 0.5);
		int64_t lo = outbox_backoff_s(a, 0.0), hi = outbox_backoff_s(a, 0.999);
		assert_true(lo >= mid * 3 / 4 && hi <= mid * 5 / 4 && lo < hi);
		if (a > 1)
			assert_true(mid >= outbox_backoff_s(a - 1, 0.5));
	}
}

static void settings_checks(void **state)
{
	(void)state;
	struct delivery_settings s;
	char err[512];
	memset(&s, 0, sizeof s);
	s.quiet_start = 1200;
	s.quiet_end = 480;
	str_copy(s.country_code, sizeof s.country_code, "1");
	s.send_day = 5;
	s.send_hour = 16;
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_OK);
	str_copy(s.smtp_url, sizeof s.smtp_url, "smtps://mail.example.org");
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_EINVAL); /* no From */
	str_copy(s.mail_from, sizeof s.mail_from, "updates@example.org");
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_OK);
	s.smtp_plain_loopback = true;
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_EINVAL);
	str_copy(s.smtp_url, sizeof s.smtp_url, "smtp://127.0.0.1:2525");
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_OK);
	str_copy(s.smtp_url, sizeof s.smtp_url, "smtp://127.0.0.1.evil.example:25");
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_EINVAL);
	str_copy(s.smtp_url, sizeof s.smtp_url, "http://mail.example.org");
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_EINVAL);
	str_copy(s.smtp_url, sizeof s.smtp_url, "smtps://mail.example.org");
	s.smtp_plain_loopback = false;
	str_copy(s.mail_from_name, sizeof s.mail_from_name, "Alder\r\nBcc: x@y.org");
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_EINVAL);
	s.mail_from_name[0] = '\0';
	str_copy(s.country_code, sizeof s.country_code, "01");
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_EINVAL);
	str_copy(s.country_code, sizeof s.country_code, "44");
	s.send_day = 8;
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_EINVAL);
	s.send_day = 1;
	assert_int_equal(delivery_check(&s, err, sizeof err), EB_OK);
	/* quiet hours across midnight, within a day, and none */
	assert_true(delivery_quiet_at(&s, 20 * 60) && delivery_quiet_at(&s, 3 * 60));
	assert_false(delivery_quiet_at(&s, 8 * 60) || delivery_quiet_at(&s, 12 * 60));
	s.quiet_start = 12 * 60;
	s.quiet_end = 13 * 60;
	assert_true(delivery_quiet_at(&s, 12 * 60 + 30) && !delivery_quiet_at(&s, 13 * 60));
	s.quiet_end = s.quiet_start;
	assert_false(delivery_quiet_at(&s, 12 * 60));
}

/* ---- the outbox on a database ---- */

struct fx {
	char path[64];
	struct db *db;
	int64_t d;
};

static void exec_ok(struct fx *f, const char *sql)
{
	assert_int_equal(db_exec(f->db, sql), EB_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	snprintf(f->path, sizeof f->path, "/tmp/test_outbox_XXXXXX");
	int fd = mkstemp(f->path);
	close(fd);
	unlink(f->path);
	char err[256];
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, err, sizeof err) ||
	    district_create(f->db, "Test", &f->d) || f->d != 1)
		return -1;
	/* two families of one school; a third whose child is in none */
	exec_ok(f,
		"INSERT INTO org(district_id, sourced_id, name, type) VALUES"
		" (1, 'sch', 'Birch', 'school');"
		"INSERT INTO person(district_id, sourced_id, org_sourced_ids, role, given_name,"
		" family_name, email, sms, home_language) VALUES"
		" (1, 's1', 'sch', 'student', 'Ana', 'A', NULL, NULL, NULL),"
		" (1, 's2', 'sch', 'student', 'Ben', 'B', NULL, NULL, NULL),"
		" (1, 's3', 'sch', 'student', 'Cy', 'C', NULL, NULL, NULL),"
		" (1, 'g1', 'sch', 'guardian', 'Rosa', 'A', 'rosa@example.org', '312 555 0101',"
		"  'es'),"
		" (1, 'g2', 'sch', 'guardian', 'Sam', 'B', 'not-an-email', '555-01', NULL),"
		" (1, 'g3', 'sch', 'guardian', 'Tom', 'C', 'tom@example.org', NULL, NULL);"
		"INSERT INTO guardianship VALUES (1, 'g1', 's1'), (1, 'g1', 's2'),"
		" (1, 'g2', 's2'), (1, 'g3', 's3');"
		"INSERT INTO enrollment(district_id, sourced_id, class_sourced_id,"
		" school_sourced_id, user_sourced_id, role) VALUES"
		" (1, 'e1', 'c', 'sch', 's1', 'student'), (1, 'e2', 'c', 'sch', 's2', 'student');");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	db_close(f->db);
	char p[80];
	unlink(f->path);
	snprintf(p, sizeof p, "%s-wal", f->path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", f->path);
	unlink(p);
	free(f);
	return 0;
}

static int64_t count(struct fx *f, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(db_get_int(f->db, sql, DB_NOARGS, &n), EB_OK);
	return n;
}

static long notes, notes_g3;
static void note(void *ctx, const char *g, const char *problem)
{
	(void)ctx;
	if (strcmp(g, "g3") == 0) {
		assert_non_null(strstr(problem, "no child of this family is enrolled"));
		notes_g3++;
		return;
	}
	assert_string_equal(g, "g2");
	assert_true(strstr(problem, "email 'not-an-email'") ||
		    strstr(problem, "phone '555-01': not a valid phone number"));
	notes++;
}

static void queue_claim_recover(void **state)
{
	struct fx *f = *state;
	struct outbox_queue_report q;
	notes = notes_g3 = 0;
	assert_int_equal(outbox_queue_week(f->db, 1, "2026-W10", true, 1000, note, NULL, &q), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0); /* dry run */
	assert_int_equal(notes, 2);				      /* g2: email, phone */
	assert_int_equal(notes_g3, 1);
	assert_int_equal(q.families, 3);
	assert_int_equal(q.queued[FAMILY_CH_EMAIL], 1);
	assert_int_equal(q.queued[FAMILY_CH_SMS], 1);
	assert_int_equal(q.queued[FAMILY_CH_LETTER], 1); /* g2: nothing usable */
	assert_int_equal(q.unreachable, 1);		 /* g3: s3 in no school */
	assert_int_equal(outbox_queue_week(f->db, 1, "2026-W10", false, 1000, NULL, NULL, &q), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox_family"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE guardian_sourced_id='g1'"
				  " AND address='+13125550101' AND lang='es'"),
			 1);
	/* again: nothing new */
	assert_int_equal(outbox_queue_week(f->db, 1, "2026-W10", false, 1000, NULL, NULL, &q), 0);
	assert_int_equal(q.existing, 3);
	assert_int_equal(q.queued[FAMILY_CH_EMAIL] + q.queued[FAMILY_CH_SMS], 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 3);
	assert_int_equal(outbox_queue_week(f->db, 1, "2026-W99", false, 1000, NULL, NULL, &q),
			 EB_EINVAL);

	/* claim: the email row, with a lease; a second claim finds nothing */
	struct arena a;
	arena_init(&a);
	struct outbox_row *rows;
	size_t n;
	assert_int_equal(outbox_claim(f->db, 1, FAMILY_CH_EMAIL, 2000, 10, &a, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].guardian_sid, "g1");
	assert_int_equal(rows[0].status, OUTBOX_SENDING);
	assert_int_equal(rows[0].attempts, 1);
	assert_int_equal(rows[0].nchildren, 2);
	assert_string_equal(rows[0].children[0], "s1");
	assert_string_equal(rows[0].school_sid, "sch");
	struct outbox_row *again;
	assert_int_equal(outbox_claim(f->db, 1, FAMILY_CH_EMAIL, 2001, 10, &a, &again, &n), 0);
	assert_int_equal(n, 0);
	/* the crash: the lease runs out; with the provider's id recorded the
	 * row is sent, never claimed again */
	assert_int_equal(outbox_record_provider_id(f->db, 1, rows[0].id, "mid@x"), 0);
	long changed;
	assert_int_equal(outbox_recover(f->db, 1, 2000 + OUTBOX_LEASE_S - 1, &changed), 0);
	assert_int_equal(changed, 0); /* the lease still holds */
	assert_int_equal(outbox_recover(f->db, 1, 2000 + OUTBOX_LEASE_S + 1, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE channel='email'"
				  " AND status='sent' AND provider_id='mid@x'"),
			 1);
	assert_int_equal(outbox_claim(f->db, 1, FAMILY_CH_EMAIL, 9000, 10, &a, &again, &n), 0);
	assert_int_equal(n, 0);
	/* without one it goes back to the queue, due now */
	assert_int_equal(outbox_claim(f->db, 1, FAMILY_CH_SMS, 3000, 10, &a, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(outbox_recover(f->db, 1, 3000 + OUTBOX_LEASE_S + 1, &changed), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(
		outbox_claim(f->db, 1, FAMILY_CH_SMS, 3000 + OUTBOX_LEASE_S + 1, 10, &a, &rows, &n),
		0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].attempts, 2);
	/* a transient failure waits its back-off; the last one fails */
	struct outbox_result res = { .kind = OUTBOX_SEND_RETRY };
	str_copy(res.reason, sizeof res.reason, "busy");
	assert_int_equal(outbox_finish(f->db, &rows[0], &res, 5000), 0);
	int64_t next = count(f, "SELECT next_attempt_at FROM outbox WHERE channel='sms'");
	assert_true(next >= 5000 + 90 && next <= 5000 + 150); /* 120 s +-25% */
	rows[0].attempts = OUTBOX_MAX_ATTEMPTS;
	assert_int_equal(outbox_finish(f->db, &rows[0], &res, 5000), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE channel='sms'"
				  " AND status='failed'"),
			 1);
	/* a bounce opts the address out ('bounce', bound to it) */
	res.kind = OUTBOX_SEND_BOUNCED;
	assert_int_equal(outbox_finish(f->db, &rows[0], &res, 5000), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM family_opt_out WHERE"
				  " guardian_sourced_id='g1' AND channel='sms' AND source='bounce'"
				  " AND address='+13125550101'"),
			 1);
	struct family_contact c;
	assert_int_equal(family_contact_get(f->db, 1, "g1", "1", &c), 0);
	assert_true(c.opted_out[FAMILY_CH_SMS]);
	/* a new number in the roster starts clean */
	exec_ok(f, "UPDATE person SET sms='312 555 0199' WHERE sourced_id='g1'");
	assert_int_equal(family_contact_get(f->db, 1, "g1", "1", &c), 0);
	assert_false(c.opted_out[FAMILY_CH_SMS]);
	/* inbound texts find their guardians by number */
	char **sids;
	assert_int_equal(family_contact_by_phone(f->db, 1, "+13125550199", "1", &a, &sids, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(sids[0], "g1");
	assert_int_equal(family_contact_by_phone(f->db, 1, "+13125550101", "1", &a, &sids, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(family_contact_by_phone(f->db, 1, "312", "1", &a, &sids, &n), EB_EINVAL);
	/* letters wait for printing */
	assert_int_equal(outbox_letters(f->db, 1, "2026-W10", NULL, false, &a, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].guardian_sid, "g2");
	int64_t id = rows[0].id;
	assert_int_equal(outbox_mark_letters_printed(f->db, 1, &id, 1, 6000), 0);
	assert_int_equal(outbox_letters(f->db, 1, "2026-W10", NULL, false, &a, &rows, &n), 0);
	assert_int_equal(n, 0);
	/* reach: g1 (email sent) and g2 (letter printed) of 3 */
	struct outbox_reach r;
	assert_int_equal(outbox_reach(f->db, 1, NULL, NULL, 10, &a, &r), 0);
	assert_string_equal(r.week, "2026-W10");
	assert_int_equal(r.families, 3);
	assert_int_equal(r.reached, 2);
	assert_int_equal(r.why[OUTBOX_WHY_NO_CONTACT], 1);
	assert_int_equal(r.nmissed, 1);
	assert_string_equal(r.missed[0].guardian_sid, "g3");
	assert_string_equal(r.missed[0].guardian_name, "Tom C");
	assert_int_equal(outbox_reach(f->db, 1, NULL, "sch", 10, &a, &r), 0);
	assert_int_equal(r.families, 2);
	arena_free(&a);
}

/* Two senders claiming in the same second (the command line and serve's
 * schedule) each get their own rows, never the other's. */
static void claims_in_the_same_second(void **state)
{
	struct fx *f = *state;
	exec_ok(f, "INSERT INTO outbox(district_id, guardian_sourced_id, week, channel, status,"
		   " address, lang, next_attempt_at, created_at, updated_at) VALUES"
		   " (1, 'g1', '2026-W10', 'email', 'queued', 'rosa@example.org', 'es', 0, 0, 0),"
		   " (1, 'g1', '2026-W11', 'email', 'queued', 'rosa@example.org', 'es', 0, 0, 0)");
	struct arena a;
	arena_init(&a);
	struct outbox_row *one, *two;
	size_t n1, n2;
	assert_int_equal(outbox_claim(f->db, 1, FAMILY_CH_EMAIL, 7000, 1, &a, &one, &n1), 0);
	assert_int_equal(outbox_claim(f->db, 1, FAMILY_CH_EMAIL, 7000, 1, &a, &two, &n2), 0);
	assert_int_equal(n1, 1);
	assert_int_equal(n2, 1);
	assert_int_not_equal(one[0].id, two[0].id);
	assert_int_equal(outbox_claim(f->db, 1, FAMILY_CH_EMAIL, 7000, 5, &a, &two, &n2), 0);
	assert_int_equal(n2, 0);
	arena_free(&a);
}

static void unsubscribe_tokens(void **state)
{
	struct fx *f = *state;
	char tok[64];
	assert_int_equal(family_unsubscribe_issue(f->db, 1, "g3", FAMILY_CH_EMAIL, tok), 0);
	assert_int_equal(strlen(tok), 43);
	assert_int_equal(count(f, "SELECT count(*) FROM family_unsubscribe"), 1);
	int64_t d;
	char g[FAMILY_SID_MAX];
	enum family_channel ch;
	assert_int_equal(family_unsubscribe_check(f->db, tok, &d, g, &ch), 0);
	assert_string_equal(g, "g3");
	assert_int_equal(family_unsubscribe_use(f->db, tok, &d, &ch), 0);
	assert_int_equal(family_unsubscribe_use(f->db, tok, &d, &ch), 0); /* again: the same */
	assert_int_equal(count(f, "SELECT count(*) FROM family_opt_out WHERE"
				  " guardian_sourced_id='g3' AND source='family page'"),
			 1);
	assert_int_equal(family_unsubscribe_check(f->db, "x", &d, g, &ch), EB_ENOTFOUND);
	tok[0] = tok[0] == 'A' ? 'B' : 'A';
	assert_int_equal(family_unsubscribe_check(f->db, tok, &d, g, &ch), EB_ENOTFOUND);
	/* only the hash is stored */
	assert_int_equal(count(f, "SELECT length(token_hash) FROM family_unsubscribe"), 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phone_numbers),
		cmocka_unit_test(email_syntax),
		cmocka_unit_test(channel_choice),
		cmocka_unit_test(quoted_printable),
		cmocka_unit_test(encoded_headers),
		cmocka_unit_test(whole_message),
		cmocka_unit_test(backoff),
		cmocka_unit_test(settings_checks),
		cmocka_unit_test_setup_teardown(queue_claim_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(claims_in_the_same_second, setup, teardown),
		cmocka_unit_test_setup_teardown(unsubscribe_tokens, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
