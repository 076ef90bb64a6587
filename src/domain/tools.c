/* Technology inventory: tools, support matrix, status review, credentials. */
#include "domain/tools.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "domain/roster.h"
#include "domain/standards.h"
#include "store/db.h"
#include "store/db_write.h"

/* ---- names ---- */

static const char *const status_names[TOOL_STATUS__COUNT] = {
	"requested", "under_review", "approved", "approved_with_conditions", "denied", "retired",
};
static const char *const status_labels[TOOL_STATUS__COUNT] = {
	"Requested", "Under review", "Approved", "Approved with conditions", "Denied", "Retired",
};
static const char *const data_names[TOOL_DATA__COUNT] = {
	"name",		"email",      "student_id", "grade",
	"demographics", "assessment", "usage",	    "audio_video",
};
static const char *const data_labels[TOOL_DATA__COUNT] = {
	"Name",	      "Email",		"Student id", "Grade", "Demographics", "Assessment results",
	"Usage data", "Audio or video",
};
static const char *const kind_names[TOOL_KIND__COUNT] = { "app", "platform", "device" };
static const char *const kind_labels[TOOL_KIND__COUNT] = { "App", "Platform", "Device type" };

/* allowed[from] = mask of statuses reachable from it */
#define B(s) (1u << (s))
static const unsigned allowed[TOOL_STATUS__COUNT] = {
	[TOOL_REQUESTED] = B(TOOL_UNDER_REVIEW) | B(TOOL_APPROVED) |
			   B(TOOL_APPROVED_WITH_CONDITIONS) | B(TOOL_DENIED),
	[TOOL_UNDER_REVIEW] = B(TOOL_REQUESTED) | B(TOOL_APPROVED) |
			      B(TOOL_APPROVED_WITH_CONDITIONS) | B(TOOL_DENIED),
	[TOOL_APPROVED] = B(TOOL_APPROVED_WITH_CONDITIONS) | B(TOOL_UNDER_REVIEW) | B(TOOL_RETIRED),
	[TOOL_APPROVED_WITH_CONDITIONS] = B(TOOL_APPROVED) | B(TOOL_UNDER_REVIEW) | B(TOOL_RETIRED),
	[TOOL_DENIED] = B(TOOL_UNDER_REVIEW),
	[TOOL_RETIRED] = B(TOOL_UNDER_REVIEW),
};
#undef B

const char *tool_status_name(enum tool_status s)
{
	return (unsigned)s < TOOL_STATUS__COUNT ? status_names[s] : NULL;
}

const char *tool_status_label(enum tool_status s)
{
	return (unsigned)s < TOOL_STATUS__COUNT ? status_labels[s] : NULL;
}

bool tool_status_parse(const char *s, enum tool_status *out)
{
	char norm[40];
	size_t n = s ? strlen(s) : 0;
	if (!n || n >= sizeof norm)
		return false;
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];
		if (c == '-' || c == ' ')
			c = '_';
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		norm[i] = c;
	}
	for (int i = 0; i < TOOL_STATUS__COUNT; i++)
		if (strcmp(norm, status_names[i]) == 0) {
			*out = (enum tool_status)i;
			return true;
		}
	return false;
}

bool tool_status_public(enum tool_status s)
{
	return s == TOOL_APPROVED || s == TOOL_APPROVED_WITH_CONDITIONS;
}

bool tool_status_allowed(enum tool_status from, enum tool_status to)
{
	if ((unsigned)from >= TOOL_STATUS__COUNT || (unsigned)to >= TOOL_STATUS__COUNT)
		return false;
	return (allowed[from] & (1u << to)) != 0;
}

const char *tool_data_name(enum tool_data e)
{
	return (unsigned)e < TOOL_DATA__COUNT ? data_names[e] : NULL;
}

const char *tool_data_label(enum tool_data e)
{
	return (unsigned)e < TOOL_DATA__COUNT ? data_labels[e] : NULL;
}

const char *tool_kind_name(enum tool_kind k)
{
	return (unsigned)k < TOOL_KIND__COUNT ? kind_names[k] : NULL;
}

const char *tool_kind_label(enum tool_kind k)
{
	return (unsigned)k < TOOL_KIND__COUNT ? kind_labels[k] : NULL;
}

bool tool_kind_parse(const char *s, enum tool_kind *out)
{
	for (int i = 0; s && i < TOOL_KIND__COUNT; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*out = (enum tool_kind)i;
			return true;
		}
	return false;
}

/* ---- permissions ---- */

bool tools_can_edit(const struct account *a)
{
	return (a->role_mask & ((1u << ROLE_DISTRICT_ADMIN) | (1u << ROLE_COORDINATOR) |
				(1u << ROLE_IT_STAFF))) != 0;
}

bool tools_can_manage_credentials(const struct account *a)
{
	return (a->role_mask & ((1u << ROLE_DISTRICT_ADMIN) | (1u << ROLE_IT_STAFF))) != 0;
}

bool tools_is_champion_of(const struct account *a, const char *school_sid)
{
	for (int i = 0; i < a->nroles; i++)
		if (a->roles[i].role == ROLE_TECH_CHAMPION &&
		    strcmp(a->roles[i].scope_type, "school") == 0 &&
		    strcmp(a->roles[i].scope_id, school_sid) == 0)
			return true;
	return false;
}

bool tools_can_edit_support(const struct account *a, const char *school_sid)
{
	return tools_can_edit(a) || tools_is_champion_of(a, school_sid);
}

/* ---- validation ---- */

static void fail(char *why, size_t cap, const char *field, const char *reason)
{
	if (why && cap)
		snprintf(why, cap, "%s: %s", field, reason);
}

/* Trims blanks, checks length and control characters, copies into out. */
static bool text_in(const char *in, char *out, size_t cap, bool multiline, const char *field,
		    char *why, size_t wcap)
{
	struct str s = str_trim(str_from(in));
	if (s.n >= cap) {
		char r[64];
		snprintf(r, sizeof r, "at most %zu characters", cap - 1);
		fail(why, wcap, field, r);
		return false;
	}
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) ||
		    c == 0x7f) {
			fail(why, wcap, field, "contains a control character");
			return false;
		}
	}
	memcpy(out, s.p, s.n);
	out[s.n] = '\0';
	return true;
}

static bool url_ok(const char *u)
{
	if (!*u)
		return true;
	if (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0)
		return false;
	const char *host = strstr(u, "//") + 2;
	if (!*host || *host == '/')
		return false;
	for (const char *p = u; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == '"' || *p == '<' || *p == '>' ||
		    *p == '\\' || *p == '`' || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

static bool email_ok(const char *e)
{
	if (!*e)
		return true;
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@') || !strchr(at + 1, '.') || at[1] == '.' ||
	    e[strlen(e) - 1] == '.')
		return false;
	for (const char *p = e; *p; p++)
		if ((unsigned char)*p <= 0x20 || strchr("\"<>(),;:\\[]", *p) ||
		    (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

static bool phone_ok(const char *s)
{
	int digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +-().x", *p))
			return false;
	}
	return !*s || digits >= 3;
}

static bool grade_tok(struct str t, int *g)
{
	if (str_ieq_cstr(t, "K") || str_ieq_cstr(t, "KG"))
		return *g = 0, true;
	int64_t v;
	if (str_to_i64(t, 0, 12, &v))
		return false;
	*g = (int)v;
	return true;
}

/* "K-5", "K, 1, 2", "9-12" -> "K,1,2,3,4,5" */
static bool grades_in(const char *in, char out[TOOL_GRADES_MAX], char *why, size_t wcap)
{
	unsigned mask = 0;
	const char *p = in;
	if (strlen(in) > 200) {
		fail(why, wcap, "grades", "too long");
		return false;
	}
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && *p != ',' && *p != ' ' && *p != '\t' && *p != ';')
			p++;
		struct str tok = { s, (size_t)(p - s) };
		const char *dash = memchr(tok.p, '-', tok.n);
		int lo, hi;
		if (dash) {
			struct str a = { tok.p, (size_t)(dash - tok.p) };
			struct str b = { dash + 1, tok.n - a.n - 1 };
			if (!grade_tok(a, &lo) || !grade_tok(b, &hi) || lo > hi) {
				fail(why, wcap, "grades",
				     "a range is like K-5 or 9-12 (K, 1 to 12)");
				return false;
			}
		} else if (!grade_tok(tok, &lo)) {
			fail(why, wcap, "grades",
			     "use K and 1 to 12, separated by commas, or a range like K-5");
			return false;
		} else {
			hi = lo;
		}
		for (int g = lo; g <= hi; g++)
			mask |= 1u << g;
	}
	size_t k = 0;
	out[0] = '\0';
	for (int g = 0; g <= 12; g++) {
		if (!(mask & (1u << g)))
			continue;
		int w = g ? snprintf(out + k, TOOL_GRADES_MAX - k, "%s%d", k ? "," : "", g)
			  : snprintf(out + k, TOOL_GRADES_MAX - k, "%sK", k ? "," : "");
		k += (size_t)w;
	}
	return true;
}

static bool standards_in(const char *in, char out[TOOL_STANDARDS_MAX], char *why, size_t wcap)
{
	size_t k = 0;
	out[0] = '\0';
	const char *p = in;
	while (*p) {
		while (*p && strchr(", \t\r\n;", *p))
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && !strchr(", \t\r\n;", *p))
			p++;
		char tok[256];
		size_t n = (size_t)(p - s);
		if (n >= sizeof tok) {
			fail(why, wcap, "standards", "a code is too long");
			return false;
		}
		memcpy(tok, s, n);
		tok[n] = '\0';
		const struct standard *st = standards_find(tok);
		if (!st) {
			char r[320];
			snprintf(r, sizeof r,
				 "'%.200s' is not a CCSS mathematics code (like 3.NF.A.1)", tok);
			fail(why, wcap, "standards", r);
			return false;
		}
		/* skip duplicates */
		size_t cl = strlen(st->code);
		bool dup = false;
		for (const char *q = out; *q;) {
			const char *e = strchr(q, ' ');
			size_t ql = e ? (size_t)(e - q) : strlen(q);
			if (ql == cl && memcmp(q, st->code, cl) == 0)
				dup = true;
			q += ql + (e ? 1 : 0);
		}
		if (dup)
			continue;
		if (k + cl + 2 > TOOL_STANDARDS_MAX) {
			fail(why, wcap, "standards", "too many codes");
			return false;
		}
		if (k)
			out[k++] = ' ';
		memcpy(out + k, st->code, cl + 1);
		k += cl;
	}
	return true;
}

static bool date_in(const char *in, char out[11], const char *field, char *why, size_t wcap,
		    int32_t *days)
{
	struct str s = str_trim(str_from(in));
	if (!s.n) {
		out[0] = '\0';
		return true;
	}
	int32_t d;
	if (s.n != 10 || date_parse_ymd(s, &d)) {
		fail(why, wcap, field, "a date is YYYY-MM-DD");
		return false;
	}
	memcpy(out, s.p, 10);
	out[10] = '\0';
	if (days)
		*days = d;
	return true;
}

static bool cents_in(const char *in, int64_t *cents, char *why, size_t wcap)
{
	struct str s = str_trim(str_from(in));
	if (!s.n) {
		*cents = -1;
		return true;
	}
	if (s.p[0] == '$') {
		s.p++;
		s.n--;
	}
	const char *dot = memchr(s.p, '.', s.n);
	struct str whole = { s.p, dot ? (size_t)(dot - s.p) : s.n };
	int64_t w, f = 0;
	if (!whole.n || str_to_i64(whole, 0, 1000000000, &w) || (whole.p[0] == '+')) {
		fail(why, wcap, "annual_cost", "dollars like 1200 or 1200.50");
		return false;
	}
	if (dot) {
		struct str frac = { dot + 1, s.n - whole.n - 1 };
		if (frac.n < 1 || frac.n > 2 || frac.p[0] < '0' || frac.p[0] > '9' ||
		    str_to_i64(frac, 0, 99, &f)) {
			fail(why, wcap, "annual_cost", "dollars like 1200 or 1200.50");
			return false;
		}
		if (frac.n == 1)
			f *= 10;
	}
	*cents = w * 100 + f;
	return true;
}

void tools_defaults(struct tool *t)
{
	memset(t, 0, sizeof *t);
	t->kind = TOOL_KIND_APP;
	t->status = TOOL_REQUESTED;
	t->seats = -1;
	t->annual_cost_cents = -1;
}

#define TEXT(field, cap_, ml)                                                                      \
	do {                                                                                       \
		if (in->field && !text_in(in->field, t->field, cap_, ml, #field, why, cap))        \
			return EB_EINVAL;                                                          \
	} while (0)

enum eb_err tools_validate(struct db *db, int64_t district_id, const struct tool_form *in,
			   struct tool *t, char *why, size_t cap)
{
	TEXT(name, sizeof t->name, false);
	if (in->name && !t->name[0]) {
		fail(why, cap, "name", "required");
		return EB_EINVAL;
	}
	TEXT(vendor, sizeof t->vendor, false);
	if (in->kind && !tool_kind_parse(in->kind, &t->kind)) {
		fail(why, cap, "kind", "one of app, platform, device");
		return EB_EINVAL;
	}
	TEXT(category, sizeof t->category, false);
	TEXT(need, sizeof t->need, true);
	TEXT(url, sizeof t->url, false);
	if (!url_ok(t->url)) {
		fail(why, cap, "url", "an address starting with https:// or http://");
		return EB_EINVAL;
	}
	if (in->grades && !grades_in(in->grades, t->grades, why, cap))
		return EB_EINVAL;
	if (in->standards && !standards_in(in->standards, t->standards, why, cap))
		return EB_EINVAL;
	TEXT(conditions, sizeof t->conditions, true);
	if (in->dpa_signed) {
		const char *v = in->dpa_signed;
		if (!strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1") || !strcmp(v, "true"))
			t->dpa_signed = true;
		else if (!strcmp(v, "no") || !strcmp(v, "0") || !strcmp(v, "false") || !*v)
			t->dpa_signed = false;
		else {
			fail(why, cap, "dpa_signed", "yes or no");
			return EB_EINVAL;
		}
	}
	if (in->dpa_date && !date_in(in->dpa_date, t->dpa_date, "dpa_date", why, cap, NULL))
		return EB_EINVAL;
	if (t->dpa_signed && !t->dpa_date[0]) {
		fail(why, cap, "dpa_date", "give the date the data-privacy agreement was signed");
		return EB_EINVAL;
	}
	if (!t->dpa_signed && t->dpa_date[0]) {
		fail(why, cap, "dpa_date", "leave empty while no agreement is signed");
		return EB_EINVAL;
	}
	if (in->data_given) {
		unsigned m = 0;
		for (int i = 0; i < in->ndata; i++) {
			int k = -1;
			for (int j = 0; j < TOOL_DATA__COUNT; j++)
				if (in->data_elements[i] &&
				    strcmp(in->data_elements[i], data_names[j]) == 0)
					k = j;
			if (k < 0) {
				fail(why, cap, "data",
				     "not one of the listed student data elements");
				return EB_EINVAL;
			}
			m |= 1u << k;
		}
		t->data_elements = m;
	}
	TEXT(data_location, sizeof t->data_location, false);
	if (in->seats) {
		struct str s = str_trim(str_from(in->seats));
		if (!s.n)
			t->seats = -1;
		else if (str_to_i64(s, 0, 10000000, &t->seats)) {
			fail(why, cap, "seats", "a whole number from 0 to 10000000");
			return EB_EINVAL;
		}
	}
	if (in->annual_cost && !cents_in(in->annual_cost, &t->annual_cost_cents, why, cap))
		return EB_EINVAL;
	int32_t d0 = 0, d1 = 0;
	if (in->term_start && !date_in(in->term_start, t->term_start, "term_start", why, cap, &d0))
		return EB_EINVAL;
	if (in->term_end && !date_in(in->term_end, t->term_end, "term_end", why, cap, &d1))
		return EB_EINVAL;
	if (t->term_start[0] && t->term_end[0] && strcmp(t->term_end, t->term_start) < 0) {
		fail(why, cap, "term_end", "the licence term ends before it starts");
		return EB_EINVAL;
	}
	if (in->it_owner) {
		struct str s = str_trim(str_from(in->it_owner));
		int64_t id = 0;
		struct account a;
		if (s.n &&
		    (str_to_i64(s, 1, INT64_MAX, &id) ||
		     account_get(db, district_id, id, &a) != EB_OK ||
		     !(a.role_mask & ((1u << ROLE_IT_STAFF) | (1u << ROLE_DISTRICT_ADMIN))))) {
			fail(why, cap, "it_owner", "not an IT staff account of this district");
			return EB_EINVAL;
		}
		t->it_owner_id = id;
	}
	TEXT(help_name, sizeof t->help_name, false);
	TEXT(help_email, sizeof t->help_email, false);
	if (!email_ok(t->help_email)) {
		fail(why, cap, "help_email", "an email address like help@vendor.example");
		return EB_EINVAL;
	}
	TEXT(help_phone, sizeof t->help_phone, false);
	if (!phone_ok(t->help_phone)) {
		fail(why, cap, "help_phone", "digits, spaces and + - ( ) . x only");
		return EB_EINVAL;
	}
	TEXT(help_url, sizeof t->help_url, false);
	if (!url_ok(t->help_url)) {
		fail(why, cap, "help_url", "an address starting with https:// or http://");
		return EB_EINVAL;
	}
	TEXT(help_hours, sizeof t->help_hours, false);
	return EB_OK;
}
#undef TEXT

/* ---- storage ---- */

#define TOOL_COLS                                                                                  \
	"id, district_id, name, vendor, kind, category, need, url, grades, standards, status,"     \
	" conditions, dpa_signed, dpa_date, data_elements, data_location, seats,"                  \
	" annual_cost_cents, term_start, term_end, it_owner_id, help_name, help_email,"            \
	" help_phone, help_url, help_hours, requested_by, created_at, updated_at"

static enum eb_err finish_tool(struct db_stmt *st, void *row, struct arena *arena)
{
	struct tool *t = row;
	tool_kind_parse(db_col_text(st, 4), &t->kind);
	tool_status_parse(db_col_text(st, 10), &t->status);
	return EB_OK;
}

DB_ROWSPEC(tool_spec, struct tool, finish_tool, DB_FIELD_INT(struct tool, id),
	   DB_FIELD_INT(struct tool, district_id), DB_FIELD_CHARS(struct tool, name),
	   DB_FIELD_CHARS(struct tool, vendor), DB_FIELD_SKIP, /* kind */
	   DB_FIELD_CHARS(struct tool, category), DB_FIELD_CHARS(struct tool, need),
	   DB_FIELD_CHARS(struct tool, url), DB_FIELD_CHARS(struct tool, grades),
	   DB_FIELD_CHARS(struct tool, standards), DB_FIELD_SKIP, /* status */
	   DB_FIELD_CHARS(struct tool, conditions), DB_FIELD_INT(struct tool, dpa_signed),
	   DB_FIELD_CHARS(struct tool, dpa_date), DB_FIELD_INT(struct tool, data_elements),
	   DB_FIELD_CHARS(struct tool, data_location), DB_FIELD_INT_OR(struct tool, seats, -1),
	   DB_FIELD_INT_OR(struct tool, annual_cost_cents, -1),
	   DB_FIELD_CHARS(struct tool, term_start), DB_FIELD_CHARS(struct tool, term_end),
	   DB_FIELD_INT(struct tool, it_owner_id), DB_FIELD_CHARS(struct tool, help_name),
	   DB_FIELD_CHARS(struct tool, help_email), DB_FIELD_CHARS(struct tool, help_phone),
	   DB_FIELD_CHARS(struct tool, help_url), DB_FIELD_CHARS(struct tool, help_hours),
	   DB_FIELD_INT(struct tool, requested_by), DB_FIELD_INT(struct tool, created_at),
	   DB_FIELD_INT(struct tool, updated_at));

/* The editable fields as ?3..?26 (name .. help_hours, without status), after
 * the two parameters each statement puts first. */
#define TOOL_FIELD_ARGS(t)                                                                         \
	DB_TEXT((t)->name), DB_TEXT((t)->vendor), DB_TEXT(tool_kind_name((t)->kind)),              \
		DB_TEXT((t)->category), DB_TEXT((t)->need), DB_TEXT((t)->url),                     \
		DB_TEXT((t)->grades), DB_TEXT((t)->standards), DB_TEXT((t)->conditions),           \
		DB_INT((t)->dpa_signed), DB_TEXT((t)->dpa_date), DB_INT((t)->data_elements),       \
		DB_TEXT((t)->data_location), DB_INT_IF((t)->seats >= 0, (t)->seats),               \
		DB_INT_IF((t)->annual_cost_cents >= 0, (t)->annual_cost_cents),                    \
		DB_TEXT((t)->term_start), DB_TEXT((t)->term_end),                                  \
		DB_INT_IF((t)->it_owner_id > 0, (t)->it_owner_id), DB_TEXT((t)->help_name),        \
		DB_TEXT((t)->help_email), DB_TEXT((t)->help_phone), DB_TEXT((t)->help_url),        \
		DB_TEXT((t)->help_hours), DB_INT(time_now())

static enum eb_err history_add(struct db *db, int64_t district_id, int64_t tool_id,
			       const struct audit_actor *who, const char *from, const char *to,
			       const char *reason)
{
	return db_execute(
		db,
		"INSERT INTO tool_status_history(district_id, tool_id, at, account_id, actor,"
		" from_status, to_status, reason) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_INT(time_now()),
			DB_INT_IF(who->account_id > 0, who->account_id),
			DB_TEXT(who->login ? who->login : "cli"), DB_TEXT(from), DB_TEXT(to),
			DB_TEXT(reason)),
		NULL);
}

static const char *id_text(char buf[24], int64_t id)
{
	snprintf(buf, 24, "%lld", (long long)id);
	return buf;
}

enum eb_err tools_create(struct db *db, int64_t district_id, struct tool *t,
			 enum tool_status initial, int64_t requested_by,
			 const struct audit_actor *who, const char *reason, int64_t *id)
{
	if (!t->name[0] || (initial != TOOL_REQUESTED && initial != TOOL_UNDER_REVIEW) || !reason ||
	    !*reason)
		return EB_EINVAL;
	enum eb_err rc = db_execute(
		db,
		"INSERT INTO tool(district_id, status, name, vendor, kind, category, need, url,"
		" grades, standards, conditions, dpa_signed, dpa_date, data_elements,"
		" data_location, seats, annual_cost_cents, term_start, term_end, it_owner_id,"
		" help_name, help_email, help_phone, help_url, help_hours, updated_at,"
		" requested_by, created_at)"
		" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,"
		"?20,?21,?22,?23,?24,?25,?26,?27,?26)",
		DB_ARGS(DB_INT(district_id), DB_TEXT(status_names[initial]), TOOL_FIELD_ARGS(t),
			DB_INT_IF(requested_by > 0, requested_by)),
		NULL);
	if (rc)
		return rc;
	*id = db_last_id(db);
	t->id = *id;
	t->district_id = district_id;
	t->status = initial;
	rc = history_add(db, district_id, *id, who, "", status_names[initial], reason);
	char ib[24];
	if (!rc)
		rc = audit_record(db, district_id, who, "create", "tool", id_text(ib, *id),
				  t->name);
	return rc;
}

enum eb_err tools_update(struct db *db, int64_t district_id, const struct tool *t,
			 const struct audit_actor *who)
{
	if (!t->name[0])
		return EB_EINVAL;
	int changed = 0;
	enum eb_err rc = db_execute(
		db,
		"UPDATE tool SET name=?3, vendor=?4, kind=?5, category=?6, need=?7, url=?8,"
		" grades=?9, standards=?10, conditions=?11, dpa_signed=?12, dpa_date=?13,"
		" data_elements=?14, data_location=?15, seats=?16, annual_cost_cents=?17,"
		" term_start=?18, term_end=?19, it_owner_id=?20, help_name=?21,"
		" help_email=?22, help_phone=?23, help_url=?24, help_hours=?25,"
		" updated_at=?26 WHERE district_id=?1 AND id=?2",
		DB_ARGS(DB_INT(district_id), DB_INT(t->id), TOOL_FIELD_ARGS(t)), &changed);
	if (rc)
		return rc;
	if (changed == 0)
		return EB_ENOTFOUND;
	char ib[24];
	return audit_record(db, district_id, who, "update", "tool", id_text(ib, t->id), "details");
}

enum eb_err tools_get(struct db *db, int64_t district_id, int64_t id, struct tool *out)
{
	return db_get_row(db, "SELECT " TOOL_COLS " FROM tool WHERE district_id=?1 AND id=?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(id)), &tool_spec, NULL, out);
}

enum eb_err tools_find(struct db *db, int64_t district_id, const char *id_or_name, struct tool *out)
{
	int64_t id;
	if (!id_or_name || !*id_or_name)
		return EB_ENOTFOUND;
	if (cstr_to_i64(id_or_name, 1, INT64_MAX, &id) == EB_OK &&
	    tools_get(db, district_id, id, out) == EB_OK)
		return EB_OK;
	return db_get_row(db, "SELECT " TOOL_COLS " FROM tool WHERE district_id=?1 AND name=?2",
			  DB_ARGS(DB_INT(district_id), DB_TEXT(id_or_name)), &tool_spec, NULL, out);
}

enum eb_err tools_set_status(struct db *db, int64_t district_id, int64_t id, enum tool_status to,
			     const char *reason, const char *conditions,
			     const struct audit_actor *who, char *why, size_t cap)
{
	char r[TOOL_LONG_MAX], c[TOOL_LONG_MAX] = "";
	if ((unsigned)to >= TOOL_STATUS__COUNT) {
		fail(why, cap, "status", "not one of the statuses");
		return EB_EINVAL;
	}
	if (!reason || !text_in(reason, r, sizeof r, true, "reason", why, cap))
		return EB_EINVAL;
	if (!r[0]) {
		fail(why, cap, "reason", "say why the status changes");
		return EB_EINVAL;
	}
	if (conditions && !text_in(conditions, c, sizeof c, true, "conditions", why, cap))
		return EB_EINVAL;
	struct tool t;
	enum eb_err rc = tools_get(db, district_id, id, &t);
	if (rc)
		return rc;
	if (to == TOOL_APPROVED_WITH_CONDITIONS && !c[0] && (conditions || !t.conditions[0])) {
		fail(why, cap, "conditions", "state the conditions of the approval");
		return EB_EINVAL;
	}
	if (!tool_status_allowed(t.status, to)) {
		char m[160];
		snprintf(m, sizeof m, "a tool that is %s cannot become %s", status_labels[t.status],
			 status_labels[to]);
		fail(why, cap, "status", m);
		return EB_ECONFLICT;
	}
	rc = db_execute(db,
			"UPDATE tool SET status=?3, conditions=CASE WHEN ?4 IS NULL THEN conditions"
			" ELSE ?4 END, updated_at=?5 WHERE district_id=?1 AND id=?2",
			DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(status_names[to]),
				DB_TEXT(conditions ? c : NULL), DB_INT(time_now())),
			NULL);
	if (!rc)
		rc = history_add(db, district_id, id, who, status_names[t.status], status_names[to],
				 r);
	if (!rc) {
		char ib[24], d[TOOL_LONG_MAX + 80];
		snprintf(d, sizeof d, "status %s -> %s: %.300s", status_labels[t.status],
			 status_labels[to], r);
		rc = audit_record(db, district_id, who, "status", "tool", id_text(ib, id), d);
	}
	return rc;
}

static enum eb_err finish_tool_row(struct db_stmt *st, void *row, struct arena *arena)
{
	struct tool_row *x = row;
	tool_status_parse(db_col_text(st, 9), &x->status);
	return EB_OK;
}

DB_ROWSPEC(tool_row_spec, struct tool_row, finish_tool_row, DB_FIELD_INT(struct tool_row, id),
	   DB_FIELD_STR(struct tool_row, name), DB_FIELD_STR(struct tool_row, vendor),
	   DB_FIELD_STR(struct tool_row, kind), DB_FIELD_STR(struct tool_row, category),
	   DB_FIELD_STR(struct tool_row, need), DB_FIELD_STR(struct tool_row, grades),
	   DB_FIELD_STR(struct tool_row, conditions), DB_FIELD_STR(struct tool_row, data_location),
	   DB_FIELD_SKIP, /* status */
	   DB_FIELD_INT(struct tool_row, dpa_signed), DB_FIELD_INT(struct tool_row, data_elements));

enum eb_err tools_list(struct db *db, int64_t district_id, int only_status, bool public_only,
		       struct arena *arena, struct tool_row **rows, size_t *n)
{
	const char *status = only_status >= 0 ? tool_status_name((enum tool_status)only_status)
					      : NULL;
	return db_get_rows(
		db,
		"SELECT id, name, vendor, kind, category, need, grades, conditions,"
		" data_location, status, dpa_signed, data_elements FROM tool"
		" WHERE district_id=?1 AND (?2 IS NULL OR status=?2) AND (?3=0 OR status IN"
		" ('approved','approved_with_conditions')) ORDER BY name, id",
		DB_ARGS(DB_INT(district_id), DB_TEXT(status), DB_INT(public_only)), &tool_row_spec,
		arena, rows, n);
}

DB_ROWSPEC(history_spec, struct tool_history, NULL, DB_FIELD_INT(struct tool_history, at),
	   DB_FIELD_INT(struct tool_history, account_id), DB_FIELD_STR(struct tool_history, actor),
	   DB_FIELD_STR(struct tool_history, from_status),
	   DB_FIELD_STR(struct tool_history, to_status), DB_FIELD_STR(struct tool_history, reason));

enum eb_err tools_history(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
			  struct tool_history **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT at, account_id, actor, from_status, to_status, reason"
		" FROM tool_status_history WHERE district_id=?1 AND tool_id=?2 ORDER BY id",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &history_spec, arena, rows, n);
}

/* ---- support matrix ---- */

DB_ROWSPEC(support_spec, struct tool_support, NULL, DB_FIELD_STR(struct tool_support, school_sid),
	   DB_FIELD_INT(struct tool_support, champion_id),
	   DB_FIELD_STR(struct tool_support, champion_login),
	   DB_FIELD_STR(struct tool_support, champion_name),
	   DB_FIELD_STR(struct tool_support, notes));

enum eb_err tools_support(struct db *db, int64_t district_id, int64_t id, struct arena *arena,
			  struct tool_support **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT s.school_sourced_id, s.champion_id, a.login, a.display_name, s.notes"
		" FROM tool_support s LEFT JOIN account a ON a.district_id=s.district_id AND "
		"a.id=s.champion_id"
		" WHERE s.district_id=?1 AND s.tool_id=?2 ORDER BY s.school_sourced_id",
		DB_ARGS(DB_INT(district_id), DB_INT(id)), &support_spec, arena, rows, n);
}

static bool school_exists(struct db *db, int64_t district_id, const char *sid)
{
	int64_t one;
	return db_get_int(
		       db,
		       "SELECT 1 FROM org WHERE district_id=?1 AND sourced_id=?2 AND type='school'",
		       DB_ARGS(DB_INT(district_id), DB_TEXT(sid)), &one) == EB_OK;
}

enum eb_err tools_set_support(struct db *db, int64_t district_id, int64_t id,
			      const char *school_sid, int64_t champion_id, const char *notes,
			      const struct audit_actor *who, char *why, size_t cap)
{
	char nb[TOOL_LONG_MAX];
	struct tool t;
	enum eb_err rc = tools_get(db, district_id, id, &t);
	if (rc)
		return rc;
	if (!school_sid || !*school_sid || strlen(school_sid) > 127 ||
	    !school_exists(db, district_id, school_sid)) {
		fail(why, cap, "school", "not a school of this district");
		return EB_EINVAL;
	}
	if (!text_in(notes ? notes : "", nb, sizeof nb, true, "notes", why, cap))
		return EB_EINVAL;
	if (champion_id) {
		struct account a;
		if (account_get(db, district_id, champion_id, &a) != EB_OK ||
		    !tools_is_champion_of(&a, school_sid)) {
			fail(why, cap, "champion", "not a tech champion of that school");
			return EB_EINVAL;
		}
	}
	if (!champion_id && !nb[0])
		rc = db_execute(db,
				"DELETE FROM tool_support WHERE district_id=?1 AND tool_id=?2 AND"
				" school_sourced_id=?3",
				DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(school_sid)),
				NULL);
	else
		rc = db_execute(db,
				"INSERT INTO tool_support(district_id, tool_id, school_sourced_id,"
				" champion_id, notes, updated_at) VALUES(?1,?2,?3,?4,?5,?6)"
				" ON CONFLICT(district_id, tool_id, school_sourced_id)"
				" DO UPDATE SET"
				" champion_id=excluded.champion_id, notes=excluded.notes,"
				" updated_at=excluded.updated_at",
				DB_ARGS(DB_INT(district_id), DB_INT(id), DB_TEXT(school_sid),
					DB_INT_IF(champion_id, champion_id), DB_TEXT(nb),
					DB_INT(time_now())),
				NULL);
	if (!rc) {
		char ib[24], d[200], name[128] = "";
		struct arena a;
		struct roster_org_row o;
		arena_init(&a);
		if (roster_org_get(db, district_id, school_sid, &a, &o) == EB_OK)
			snprintf(name, sizeof name, "%.127s", o.name);
		arena_free(&a);
		snprintf(d, sizeof d, "support at %.127s", name[0] ? name : school_sid);
		rc = audit_record(db, district_id, who, "update", "tool", id_text(ib, id), d);
	}
	return rc;
}

DB_ROWSPEC(champion_spec, struct tool_champion, NULL,
	   DB_FIELD_INT(struct tool_champion, account_id),
	   DB_FIELD_STR(struct tool_champion, school_sid),
	   DB_FIELD_STR(struct tool_champion, name));

enum eb_err tools_champions(struct db *db, int64_t district_id, struct arena *arena,
			    struct tool_champion **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT a.id, r.scope_id, a.display_name FROM account_role r JOIN account a"
		" ON a.id = r.account_id AND a.district_id = r.district_id"
		" WHERE r.district_id = ?1 AND r.role = 'tech_champion' AND r.scope_type = 'school'"
		"  AND a.disabled = 0 ORDER BY r.scope_id, a.display_name",
		DB_ARGS(DB_INT(district_id)), &champion_spec, arena, rows, n);
}

/* ---- credentials ---- */

static void hash_secret(const char *s, unsigned char out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)s, strlen(s), NULL, 0);
}

static const char *cred_kind_name(enum tool_cred_kind k)
{
	return k == TOOL_CRED_XAPI ? "xapi" : "caliper";
}

static void new_key(enum tool_cred_kind kind, char key[TOOL_KEY_MAX])
{
	char r[TOOL_KEY_MAX];
	if (kind == TOOL_CRED_XAPI) {
		account_random_token(key, TOOL_KEY_MAX, 15); /* 20 characters */
	} else {
		account_random_token(r, sizeof r, 9); /* 12 characters */
		snprintf(key, TOOL_KEY_MAX, "cal-%.12s", r);
	}
}

enum eb_err tools_cred_create(struct db *db, int64_t district_id, int64_t tool_id,
			      enum tool_cred_kind kind, const struct audit_actor *who,
			      int64_t *cred_id, char key_out[TOOL_KEY_MAX],
			      char secret_out[TOOL_SECRET_MAX])
{
	struct tool t;
	enum eb_err rc = tools_get(db, district_id, tool_id, &t);
	if (rc)
		return rc;
	unsigned char h[32];
	for (int attempt = 0; attempt < 3; attempt++) {
		new_key(kind, key_out);
		account_random_token(secret_out, TOOL_SECRET_MAX, 32);
		hash_secret(secret_out, h);
		rc = db_execute(db,
				"INSERT INTO tool_credential(district_id, tool_id, kind, key_id,"
				" secret_hash, created_at) VALUES(?1,?2,?3,?4,?5,?6)",
				DB_ARGS(DB_INT(district_id), DB_INT(tool_id),
					DB_TEXT(cred_kind_name(kind)), DB_TEXT(key_out),
					DB_BLOB(h, sizeof h), DB_INT(time_now())),
				NULL);
		if (rc != EB_EEXIST)
			break;
	}
	sodium_memzero(h, sizeof h);
	if (rc) {
		sodium_memzero(secret_out, TOOL_SECRET_MAX);
		return rc;
	}
	*cred_id = db_last_id(db);
	char ib[24], d[120];
	snprintf(d, sizeof d, "%s credential %s created", cred_kind_name(kind), key_out);
	return audit_record(db, district_id, who, "credential", "tool", id_text(ib, tool_id), d);
}

/* Loads key and status of a credential of the tool. */
static enum eb_err cred_get(struct db *db, int64_t district_id, int64_t tool_id, int64_t cred_id,
			    char key[TOOL_KEY_MAX], bool *revoked, enum tool_cred_kind *kind)
{
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT key_id, status, kind FROM tool_credential WHERE district_id=?1"
			 " AND tool_id=?2 AND id=?3",
			 DB_ARGS(DB_INT(district_id), DB_INT(tool_id), DB_INT(cred_id)), &st);
	if (rc)
		return rc;
	bool found = db_next(st);
	if (found) {
		db_col_copy(st, 0, key, TOOL_KEY_MAX);
		const char *s = db_col_text(st, 1), *k = db_col_text(st, 2);
		*revoked = s && strcmp(s, "revoked") == 0;
		*kind = k && strcmp(k, "xapi") == 0 ? TOOL_CRED_XAPI : TOOL_CRED_CALIPER;
	}
	rc = db_done(st);
	return rc ? rc : found ? EB_OK : EB_ENOTFOUND;
}

enum eb_err tools_cred_rotate(struct db *db, int64_t district_id, int64_t tool_id, int64_t cred_id,
			      const struct audit_actor *who, char key_out[TOOL_KEY_MAX],
			      char secret_out[TOOL_SECRET_MAX])
{
	bool revoked;
	enum tool_cred_kind kind;
	enum eb_err rc = cred_get(db, district_id, tool_id, cred_id, key_out, &revoked, &kind);
	if (rc)
		return rc;
	if (revoked)
		return EB_ECONFLICT;
	unsigned char h[32];
	account_random_token(secret_out, TOOL_SECRET_MAX, 32);
	hash_secret(secret_out, h);
	rc = db_execute(
		db,
		"UPDATE tool_credential SET secret_hash=?1, rotated_at=?2 WHERE district_id=?3"
		" AND id=?4 AND status='active'",
		DB_ARGS(DB_BLOB(h, sizeof h), DB_INT(time_now()), DB_INT(district_id),
			DB_INT(cred_id)),
		NULL);
	sodium_memzero(h, sizeof h);
	if (rc) {
		sodium_memzero(secret_out, TOOL_SECRET_MAX);
		return rc;
	}
	char ib[24], d[120];
	snprintf(d, sizeof d, "%s credential %s rotated", cred_kind_name(kind), key_out);
	return audit_record(db, district_id, who, "credential", "tool", id_text(ib, tool_id), d);
}

enum eb_err tools_cred_revoke(struct db *db, int64_t district_id, int64_t tool_id, int64_t cred_id,
			      const struct audit_actor *who)
{
	bool revoked;
	enum tool_cred_kind kind;
	char key[TOOL_KEY_MAX];
	enum eb_err rc = cred_get(db, district_id, tool_id, cred_id, key, &revoked, &kind);
	if (rc)
		return rc;
	if (revoked)
		return EB_ECONFLICT;
	rc = db_execute(db,
			"UPDATE tool_credential SET status='revoked', revoked_at=?1 WHERE"
			" district_id=?2 AND id=?3",
			DB_ARGS(DB_INT(time_now()), DB_INT(district_id), DB_INT(cred_id)), NULL);
	if (rc)
		return rc;
	char ib[24], d[120];
	snprintf(d, sizeof d, "%s credential %s revoked", cred_kind_name(kind), key);
	return audit_record(db, district_id, who, "credential", "tool", id_text(ib, tool_id), d);
}

static enum eb_err finish_cred(struct db_stmt *st, void *row, struct arena *arena)
{
	struct tool_credential *x = row;
	const char *kd = db_col_text(st, 6), *s = db_col_text(st, 8);
	x->kind = kd && strcmp(kd, "xapi") == 0 ? TOOL_CRED_XAPI : TOOL_CRED_CALIPER;
	x->revoked = s && strcmp(s, "revoked") == 0;
	return EB_OK;
}

DB_ROWSPEC(cred_spec, struct tool_credential, finish_cred, DB_FIELD_INT(struct tool_credential, id),
	   DB_FIELD_INT(struct tool_credential, tool_id),
	   DB_FIELD_INT(struct tool_credential, created_at),
	   DB_FIELD_INT(struct tool_credential, rotated_at),
	   DB_FIELD_INT(struct tool_credential, last_used_at),
	   DB_FIELD_INT(struct tool_credential, revoked_at), DB_FIELD_SKIP, /* kind */
	   DB_FIELD_STR(struct tool_credential, key_id), DB_FIELD_SKIP);    /* status */

enum eb_err tools_cred_list(struct db *db, int64_t district_id, int64_t tool_id,
			    struct arena *arena, struct tool_credential **rows, size_t *n)
{
	return db_get_rows(
		db,
		"SELECT id, tool_id, created_at, rotated_at, last_used_at, revoked_at, kind,"
		" key_id, status FROM tool_credential WHERE district_id=?1 AND tool_id=?2"
		" ORDER BY id DESC",
		DB_ARGS(DB_INT(district_id), DB_INT(tool_id)), &cred_spec, arena, rows, n);
}

/* Records that a credential was used, at most once a minute: the caller
 * read last_used_at, so a credential in steady use costs no write. The write
 * goes through the group commit (db_write_submit) rather than this worker's
 * connection: an UPDATE takes SQLite's write lock, and the request that
 * authenticates must not wait for the writer. Best effort: when the queue is
 * full it is skipped (the next request tries again). */
struct touch_job {
	struct db_write w;
	int64_t cred_id, now;
};

static enum eb_err touch_run(struct db *db, void *ctx)
{
	struct touch_job *j = ctx;
	/* best effort: never fails the group it joins */
	(void)db_execute(db,
			 "UPDATE tool_credential SET last_used_at=?1 WHERE id=?2 AND"
			 " (last_used_at IS NULL OR last_used_at <= ?1 - 60)",
			 DB_ARGS(DB_INT(j->now), DB_INT(j->cred_id)), NULL);
	return EB_OK;
}

static void touch_done(void *arg)
{
	free(arg);
}

static void touch(struct db *db, int64_t cred_id, int64_t last_used)
{
	int64_t now = time_now();
	if (last_used > now - 60)
		return;
	struct touch_job *j = malloc(sizeof *j);
	if (!j)
		return;
	*j = (struct touch_job){ .w = { .fn = touch_run, .ctx = j },
				 .cred_id = cred_id,
				 .now = now };
	enum eb_err rc = db_write_submit(db, &j->w, touch_done, j);
	if (rc == EB_OK)
		return;
	if (rc != EB_EBUSY && !db_in_transaction(db))
		(void)touch_run(db, j); /* no writer thread for this database (in memory) */
	free(j);
}

/* Shared tail of both checks: st was run for the candidate credential,
 * with columns id, district_id, tool_id, secret_hash, status, tool status,
 * last_used_at. The hash is compared in constant time even when there is no
 * candidate, so a wrong key costs what a wrong secret costs. */
static enum eb_err check_row(struct db *db, struct db_stmt *st, const unsigned char h[32],
			     int64_t *district_id, int64_t *tool_id)
{
	static const unsigned char zero[32];
	unsigned char stored[32];
	memcpy(stored, zero, sizeof stored);
	bool found = db_next(st), usable = false;
	int64_t cid = 0, d = 0, t = 0, last = 0;
	if (found && db_col_bytes(st, 3) == 32) {
		memcpy(stored, db_col_blob(st, 3), sizeof stored);
		const char *cs = db_col_text(st, 4), *ts = db_col_text(st, 5);
		usable = cs && strcmp(cs, "active") == 0 && ts && strcmp(ts, "denied") != 0 &&
			 strcmp(ts, "retired") != 0;
		cid = db_col_int(st, 0);
		d = db_col_int(st, 1);
		t = db_col_int(st, 2);
		last = db_col_int(st, 6);
	}
	bool same = sodium_memcmp(stored, h, 32) == 0;
	enum eb_err rc = db_done(st);
	if (rc)
		return rc;
	if (!found || !same || !usable)
		return EB_EAUTH;
	touch(db, cid, last);
	*district_id = d;
	*tool_id = t;
	return EB_OK;
}

/* a credential and its tool, as check_row reads them */
#define CREDENTIAL_SELECT                                                                          \
	"SELECT c.id, c.district_id, c.tool_id, c.secret_hash, c.status, t.status,"                \
	" c.last_used_at"                                                                          \
	" FROM tool_credential c JOIN tool t ON t.district_id=c.district_id AND"                   \
	" t.id=c.tool_id"

enum eb_err tools_check_basic(struct db *db, const char *key, const char *secret,
			      int64_t *district_id, int64_t *tool_id)
{
	unsigned char h[32];
	if (!key || !secret || strlen(key) >= TOOL_KEY_MAX || strlen(secret) >= TOOL_SECRET_MAX)
		return EB_EAUTH;
	hash_secret(secret, h);
	struct db_stmt *st;
	enum eb_err rc = db_query(db, CREDENTIAL_SELECT " WHERE c.key_id=?1 AND c.kind='xapi'",
				  DB_ARGS(DB_TEXT(key)), &st);
	return rc ? rc : check_row(db, st, h, district_id, tool_id);
}

enum eb_err tools_check_bearer(struct db *db, const char *token, int64_t *district_id,
			       int64_t *tool_id)
{
	unsigned char h[32];
	if (!token || strlen(token) >= TOOL_SECRET_MAX)
		return EB_EAUTH;
	hash_secret(token, h);
	struct db_stmt *st;
	enum eb_err rc = db_query(db,
				  CREDENTIAL_SELECT " WHERE c.secret_hash=?1 AND c.kind='caliper'",
				  DB_ARGS(DB_BLOB(h, sizeof h)), &st);
	return rc ? rc : check_row(db, st, h, district_id, tool_id);
}
