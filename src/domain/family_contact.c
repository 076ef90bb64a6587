/* family_contact.c - a guardian's contacts, opt-outs and paper preference
 * (family_contact.h). */
#include "domain/family_contact.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/audit.h"
#include "store/db.h"

static const char *const channel_names[FAMILY_CH_N] = { "email", "sms", "letter" };
static const char *const source_names[] = { "sms STOP", "family page", "staff", "bounce" };
static const struct audit_actor system_actor = { 0, "system", "" };

const char *family_channel_name(enum family_channel c)
{
	return (unsigned)c < FAMILY_CH_N ? channel_names[c] : "email";
}

bool family_channel_parse(const char *s, enum family_channel *out)
{
	for (int i = 0; s && i < FAMILY_CH_N; i++)
		if (strcmp(s, channel_names[i]) == 0) {
			*out = (enum family_channel)i;
			return true;
		}
	return false;
}

const char *family_opt_out_source_name(enum family_opt_out_source s)
{
	return (unsigned)s < sizeof source_names / sizeof source_names[0] ? source_names[s]
									  : "staff";
}

/* ---- email ---- */

static bool local_char(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~.-", c));
}

bool family_email_valid(const char *s)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n > 254 || !at || strchr(at + 1, '@'))
		return false;
	size_t local = (size_t)(at - s);
	if (local < 1 || local > 64 || s[0] == '.' || s[local - 1] == '.')
		return false;
	for (size_t i = 0; i < local; i++) {
		if (!local_char((unsigned char)s[i]))
			return false;
		if (s[i] == '.' && s[i + 1] == '.')
			return false;
	}
	/* the domain: labels of letters, digits and '-', at least two */
	const char *d = at + 1;
	int labels = 0;
	size_t len = 0;
	for (const char *p = d;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '.' || c == '\0') {
			if (len < 1 || len > 63 || p[-1] == '-' || p[-(ptrdiff_t)len] == '-')
				return false;
			labels++;
			len = 0;
			if (c == '\0')
				break;
			continue;
		}
		if (!(isalnum(c) || c == '-'))
			return false;
		len++;
	}
	return labels >= 2;
}

/* ---- phone numbers ---- */

#define BAD "not a valid phone number"

enum eb_err family_phone_e164(const char *raw, const char *default_cc, char out[FAMILY_PHONE_MAX],
			      const char **reason)
{
	char digits[40];
	size_t n = 0;
	bool plus = false, any = false;
	out[0] = '\0';
	*reason = BAD;
	if (!default_cc || !*default_cc)
		default_cc = "1";
	if (!raw)
		return EB_EINVAL;
	for (const char *p = raw; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isdigit(c)) {
			if (n + 1 >= sizeof digits) {
				*reason = BAD " (too long)";
				return EB_EINVAL;
			}
			digits[n++] = (char)c;
			any = true;
		} else if (c == '+' && !any && !plus) {
			plus = true;
		} else if (c == ' ' || c == '\t' || c == '(' || c == ')' || c == '-' || c == '.' ||
			   c == '/') {
			continue;
		} else {
			*reason = BAD " (letters or signs in it)";
			return EB_EINVAL;
		}
	}
	digits[n] = '\0';
	if (n == 0) {
		*reason = BAD " (no digits)";
		return EB_EINVAL;
	}
	const char *d = digits;
	char full[40];
	if (plus) {
		str_copy(full, sizeof full, d);
	} else if (n > 2 && d[0] == '0' && d[1] == '0') {
		str_copy(full, sizeof full, d + 2); /* 00: the international prefix */
	} else if (strcmp(default_cc, "1") == 0) {
		if (n == 11 && d[0] == '1')
			d++;
		size_t k = strlen(d);
		if (k != 10) {
			*reason = k < 10 ? BAD " (too short)" : BAD " (too long)";
			return EB_EINVAL;
		}
		full[0] = '1';
		str_copy(full + 1, sizeof full - 1, d);
	} else {
		if (d[0] == '0')
			d++; /* the trunk prefix */
		size_t cc = strlen(default_cc);
		str_copy(full, sizeof full, default_cc);
		str_copy(full + cc, sizeof full - cc, d);
	}
	size_t k = strlen(full);
	if (k < 8) {
		*reason = BAD " (too short)";
		return EB_EINVAL;
	}
	if (k > 15) {
		*reason = BAD " (too long)";
		return EB_EINVAL;
	}
	if (full[0] == '0') {
		*reason = BAD " (no country code starts with 0)";
		return EB_EINVAL;
	}
	if (full[0] == '1') {
		/* North American Numbering Plan: NXX-NXX-XXXX */
		if (k != 11) {
			*reason = k < 11 ? BAD " (too short)" : BAD " (too long)";
			return EB_EINVAL;
		}
		if (full[1] < '2' || full[4] < '2') {
			*reason = BAD " (no area code or exchange starts with 0 or 1)";
			return EB_EINVAL;
		}
	}
	out[0] = '+';
	str_copy(out + 1, FAMILY_PHONE_MAX - 1, full);
	*reason = NULL;
	return EB_OK;
}

/* ---- reading contacts ---- */

/* The columns every reader selects, in order (see fill). */
#define CONTACT_COLS                                                                               \
	"p.sourced_id, trim(coalesce(p.email,'')), trim(coalesce(nullif(trim(p.sms),''),"          \
	" p.phone, '')), coalesce(p.home_internet, -1),"                                           \
	" (SELECT address FROM family_opt_out o WHERE o.district_id=p.district_id"                 \
	"  AND o.guardian_sourced_id=p.sourced_id AND o.channel='email'),"                         \
	" (SELECT address FROM family_opt_out o WHERE o.district_id=p.district_id"                 \
	"  AND o.guardian_sourced_id=p.sourced_id AND o.channel='sms'),"                           \
	" (SELECT address FROM family_opt_out o WHERE o.district_id=p.district_id"                 \
	"  AND o.guardian_sourced_id=p.sourced_id AND o.channel='letter'),"                        \
	" EXISTS (SELECT 1 FROM family_paper f WHERE f.district_id=p.district_id"                  \
	"  AND f.guardian_sourced_id=p.sourced_id)"

/* An opt-out (address, or NULL when none) applies to usable address addr. */
static bool opted(struct db_stmt *st, int col, const char *addr)
{
	if (db_col_is_null(st, col))
		return false;
	const char *a = db_col_text(st, col);
	return !a || !*a || strcasecmp(a, addr) == 0;
}

static void fill(struct db_stmt *st, const char *cc, struct family_contact *c)
{
	memset(c, 0, sizeof *c);
	db_col_copy(st, 0, c->guardian_sid, sizeof c->guardian_sid);
	const char *email = db_col_text(st, 1), *phone = db_col_text(st, 2);
	c->email_given = email && *email;
	c->phone_given = phone && *phone;
	str_copy(c->email_raw, sizeof c->email_raw, email ? email : "");
	str_copy(c->phone_raw, sizeof c->phone_raw, phone ? phone : "");
	if (c->email_given) {
		if (family_email_valid(email))
			str_copy(c->email, sizeof c->email, email);
		else
			c->email_problem = "not a valid email address";
	}
	if (c->phone_given && family_phone_e164(phone, cc, c->phone, &c->phone_problem))
		c->phone[0] = '\0';
	c->home_internet = (int)db_col_int(st, 3);
	c->opted_out[FAMILY_CH_EMAIL] = opted(st, 4, c->email);
	c->opted_out[FAMILY_CH_SMS] = opted(st, 5, c->phone);
	c->opted_out[FAMILY_CH_LETTER] = opted(st, 6, "");
	c->paper = db_col_int(st, 7) != 0;
}

enum eb_err family_contact_get(struct db *db, int64_t district_id, const char *guardian_sid,
			       const char *default_cc, struct family_contact *out)
{
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT " CONTACT_COLS " FROM person p WHERE p.district_id=?1"
				  " AND p.sourced_id=?2",
				  DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid)), &st);
	if (rc)
		return rc;
	bool found = false;
	if (db_next(st)) {
		fill(st, default_cc, out);
		found = true;
	}
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

enum eb_err family_contact_each(struct db *db, int64_t district_id, const char *default_cc,
				enum eb_err (*fn)(void *ctx, const struct family_contact *c),
				void *ctx)
{
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT " CONTACT_COLS " FROM person p WHERE p.district_id=?1"
			 " AND p.sourced_id IN (SELECT guardian_sourced_id FROM guardianship"
			 " WHERE district_id=?1) ORDER BY p.sourced_id",
			 DB_ARGS(DB_INT(district_id)), &st);
	if (rc)
		return rc;
	enum eb_err stop = EB_OK;
	while (!stop && db_next(st)) {
		struct family_contact c;
		fill(st, default_cc, &c);
		stop = fn(ctx, &c);
	}
	rc = db_done(st);
	return stop ? stop : rc;
}

void family_contact_channels(const struct family_contact *c, bool want[FAMILY_CH_N])
{
	want[FAMILY_CH_EMAIL] = c->email[0] && !c->opted_out[FAMILY_CH_EMAIL];
	want[FAMILY_CH_SMS] = c->phone[0] && !c->opted_out[FAMILY_CH_SMS];
	want[FAMILY_CH_LETTER] = (c->paper || (!want[FAMILY_CH_EMAIL] && !want[FAMILY_CH_SMS])) &&
				 !c->opted_out[FAMILY_CH_LETTER];
}

/* ---- opt-outs ---- */

enum eb_err family_contact_opt_out(struct db *db, int64_t district_id, const char *guardian_sid,
				   enum family_channel channel, enum family_opt_out_source source)
{
	if (!guardian_sid || !*guardian_sid || (unsigned)channel >= FAMILY_CH_N)
		return EB_EINVAL;
	/* a bounce or a STOP is about the address the roster gives now */
	const char *addr = "";
	struct family_contact c;
	if ((source == FAMILY_OPT_OUT_BOUNCE || source == FAMILY_OPT_OUT_SMS_STOP) &&
	    family_contact_get(db, district_id, guardian_sid, NULL, &c) == EB_OK)
		addr = channel == FAMILY_CH_EMAIL ? c.email
		       : channel == FAMILY_CH_SMS ? c.phone
						  : "";
	enum eb_err rc = db_execute(
		db,
		"INSERT OR REPLACE INTO family_opt_out(district_id, guardian_sourced_id, channel,"
		" source, address, created_at) VALUES(?1,?2,?3,?4,?5,?6)",
		DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid),
			DB_TEXT(family_channel_name(channel)),
			DB_TEXT(family_opt_out_source_name(source)), DB_TEXT(addr),
			DB_INT(time_now())),
		NULL);
	if (!rc) {
		char detail[96];
		str_copy(detail, sizeof detail, family_channel_name(channel));
		size_t k = strlen(detail);
		str_copy(detail + k, sizeof detail - k, " opted out: ");
		k = strlen(detail);
		str_copy(detail + k, sizeof detail - k, family_opt_out_source_name(source));
		audit_record(db, district_id, &system_actor, "opt_out", "guardian", guardian_sid,
			     detail);
	}
	return rc;
}

enum eb_err family_contact_opt_in(struct db *db, int64_t district_id, const char *guardian_sid,
				  enum family_channel channel, const char *why)
{
	if (!guardian_sid || !*guardian_sid || (unsigned)channel >= FAMILY_CH_N)
		return EB_EINVAL;
	int changes = 0;
	enum eb_err rc = db_execute(db,
				    "DELETE FROM family_opt_out WHERE district_id=?1"
				    " AND guardian_sourced_id=?2 AND channel=?3",
				    DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid),
					    DB_TEXT(family_channel_name(channel))),
				    &changes);
	if (!rc && changes) {
		char detail[96];
		str_copy(detail, sizeof detail, family_channel_name(channel));
		size_t k = strlen(detail);
		str_copy(detail + k, sizeof detail - k, " opted in: ");
		k = strlen(detail);
		str_copy(detail + k, sizeof detail - k, why ? why : "");
		audit_record(db, district_id, &system_actor, "opt_in", "guardian", guardian_sid,
			     detail);
	}
	return rc;
}

enum eb_err family_contact_set_paper(struct db *db, int64_t district_id, const char *guardian_sid,
				     bool paper, const char *source)
{
	if (!guardian_sid || !*guardian_sid)
		return EB_EINVAL;
	enum eb_err rc =
		paper ? db_execute(db,
				   "INSERT OR REPLACE INTO family_paper(district_id,"
				   " guardian_sourced_id, source, created_at) VALUES(?1,?2,?3,?4)",
				   DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid),
					   DB_TEXT(source ? source : "staff"), DB_INT(time_now())),
				   NULL)
		      : db_execute(db,
				   "DELETE FROM family_paper WHERE district_id=?1"
				   " AND guardian_sourced_id=?2",
				   DB_ARGS(DB_INT(district_id), DB_TEXT(guardian_sid)), NULL);
	if (!rc)
		audit_record(db, district_id, &system_actor, "update", "guardian", guardian_sid,
			     paper ? "asked for paper letters" : "no longer asks for paper");
	return rc;
}

enum eb_err family_contact_by_phone(struct db *db, int64_t district_id, const char *e164,
				    const char *default_cc, struct arena *arena, char ***sids,
				    size_t *n)
{
	*sids = NULL;
	*n = 0;
	char want[FAMILY_PHONE_MAX], got[FAMILY_PHONE_MAX];
	const char *why;
	if (!e164 || e164[0] != '+' || family_phone_e164(e164, default_cc, want, &why))
		return EB_EINVAL;
	/* the roster keeps numbers as typed: compare their E.164 forms, after
	 * a cheap filter on the last four digits once the punctuation that
	 * family_phone_e164 strips is gone */
	size_t wl = strlen(want);
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT p.sourced_id, coalesce(nullif(trim(p.sms),''), p.phone) FROM person p"
		" WHERE p.district_id=?1 AND instr(replace(replace(replace(replace(replace(replace("
		" replace(coalesce(nullif(trim(p.sms),''), p.phone, ''), ' ', ''), '-', ''),"
		" '(', ''), ')', ''), '.', ''), '/', ''), char(9), ''), ?2) > 0"
		" AND p.sourced_id IN (SELECT guardian_sourced_id FROM guardianship"
		" WHERE district_id=?1) ORDER BY p.sourced_id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(want + wl - 4)), &st);
	if (rc)
		return rc;
	size_t cap = 0;
	char **v = NULL;
	while (db_next(st)) {
		if (family_phone_e164(db_col_text(st, 1), default_cc, got, &why) ||
		    strcmp(got, want) != 0)
			continue;
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			char **nv = arena_alloc(arena, ncap * sizeof *nv);
			if (!nv) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			if (cap)
				memcpy(nv, v, cap * sizeof *nv);
			v = nv;
			cap = ncap;
		}
		v[*n] = db_col_dup(st, 0, arena);
		if (v[*n])
			(*n)++;
	}
	rc = db_done(st);
	if (rc)
		*n = 0;
	*sids = v;
	return rc;
}

/* ---- unsubscribe links ---- */

static bool token_shape(const char *t)
{
	if (!t || strlen(t) != 43)
		return false;
	for (; *t; t++)
		if (!(isalnum((unsigned char)*t) || *t == '-' || *t == '_'))
			return false;
	return true;
}

enum eb_err family_unsubscribe_issue(struct db *db, int64_t district_id, const char *guardian_sid,
				     enum family_channel channel, char token_out[64])
{
	if (!guardian_sid || !*guardian_sid || (unsigned)channel >= FAMILY_CH_N)
		return EB_EINVAL;
	char token[64];
	unsigned char h[32];
	account_random_token(token, sizeof token, 32);
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	int64_t now = time_now();
	enum eb_err rc = db_execute(
		db,
		"INSERT INTO family_unsubscribe(token_hash, district_id, guardian_sourced_id,"
		" channel, created_at, expires_at) VALUES(?1,?2,?3,?4,?5,?6)",
		DB_ARGS(DB_BLOB(h, sizeof h), DB_INT(district_id), DB_TEXT(guardian_sid),
			DB_TEXT(family_channel_name(channel)), DB_INT(now),
			DB_INT(now + FAMILY_UNSUBSCRIBE_TTL_S)),
		NULL);
	if (!rc)
		str_copy(token_out, 64, token);
	sodium_memzero(token, sizeof token);
	return rc;
}

enum eb_err family_unsubscribe_check(struct db *db, const char *token, int64_t *district_id,
				     char guardian_sid_out[FAMILY_SID_MAX],
				     enum family_channel *channel)
{
	if (!token_shape(token))
		return EB_ENOTFOUND;
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  "SELECT district_id, guardian_sourced_id, channel"
				  " FROM family_unsubscribe WHERE token_hash=?1 AND expires_at>?2",
				  DB_ARGS(DB_BLOB(h, sizeof h), DB_INT(time_now())), &st);
	if (rc)
		return rc;
	bool found = false;
	if (db_next(st)) {
		*district_id = db_col_int(st, 0);
		db_col_copy(st, 1, guardian_sid_out, FAMILY_SID_MAX);
		found = family_channel_parse(db_col_text(st, 2), channel);
	}
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

enum eb_err family_unsubscribe_use(struct db *db, const char *token, int64_t *district_id,
				   enum family_channel *channel)
{
	char gsid[FAMILY_SID_MAX];
	enum eb_err rc = family_unsubscribe_check(db, token, district_id, gsid, channel);
	if (!rc)
		rc = family_contact_opt_out(db, *district_id, gsid, *channel,
					    FAMILY_OPT_OUT_FAMILY_PAGE);
	return rc;
}
