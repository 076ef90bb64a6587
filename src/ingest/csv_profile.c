/* csv_profile.c - vendor CSV profiles and their reader (see csv_profile.h). */
#include "ingest/csv_profile.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/csv.h"
#include "base/str.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/standards.h"
#include "store/db.h"

/* ---- the profiles ------------------------------------------------------ */

/* clang-format off */
#define STUDENT_COLS \
	{ CSVP_SOURCED_ID, "student_id|student_sourcedid|sourcedid|user_sourcedid|studentid", false }, \
	{ CSVP_USERNAME, "username|user_name|login|student_username", false }, \
	{ CSVP_EMAIL, "email|student_email|email_address|e_mail", false }
/* clang-format on */

static const struct csv_profile profiles[] = {
	{
		.name = "item-results",
		.summary = "generic per-item results: one row per answered item; score is a percent",
		.kind = CSVP_ITEMS,
		.date_format = CSVP_DATE_ISO,
		.score_max = 100,
		.cols = {
			STUDENT_COLS,
			{ CSVP_ITEM, "item_id|item|question_id|question|problem_id", true },
			{ CSVP_ACTIVITY, "activity_id|activity|assignment_id|assignment|lesson|skill", false },
			{ CSVP_STANDARD, "standard|standard_code|ccss|ccss_code", false },
			{ CSVP_CORRECT, "correct|is_correct|result|outcome", false },
			{ CSVP_SCORE, "score|score_percent|percent|percent_correct", false },
			{ CSVP_SECONDS, "seconds|time_spent_seconds|duration_seconds", false },
			{ CSVP_MINUTES, "minutes|time_spent_minutes", false },
			{ CSVP_DATE, "date|completed_at|timestamp|submitted_at|answered_at", true },
		},
		.ncols = 11,
	},
	{
		.name = "usage-summary",
		.summary = "generic per-student per-week usage: one usage event per row",
		.kind = CSVP_USAGE,
		.date_format = CSVP_DATE_YMD,
		.cols = {
			STUDENT_COLS,
			{ CSVP_DATE, "week_start|week|week_of|start_date|date", true },
			{ CSVP_MINUTES, "minutes|usage_minutes|total_minutes|time_minutes", true },
			{ CSVP_ACTIVITY, "activity_id|activity|program|course", false },
			{ CSVP_STANDARD, "standard|standard_code|ccss|ccss_code", false },
			{ CSVP_COUNT, "sessions|logins", false },
			{ CSVP_COUNT, "items_attempted|problems_attempted|attempted", false },
			{ CSVP_COUNT, "items_correct|problems_correct", false },
		},
		.ncols = 10,
	},
	{
		.name = "sim-quiz",
		.summary = "the demo quiz tool: student_id,item_id,standard,correct,score,date (MM/DD/YYYY)",
		.kind = CSVP_ITEMS,
		.date_format = CSVP_DATE_MDY,
		.true_words = "1",
		.false_words = "0",
		.cols = {
			{ CSVP_SOURCED_ID, "student_id", true },
			{ CSVP_ITEM, "item_id", true },
			{ CSVP_STANDARD, "standard", true },
			{ CSVP_CORRECT, "correct", true },
			{ CSVP_POINTS, "score", false },	/* points earned, 1 or 2 per item */
			{ CSVP_DATE, "date", true },
		},
		.ncols = 6,
	},
	{
		.name = "sim-fluency",
		.summary = "the demo fluency game: student_email,week_start (YYYY-MM-DD),minutes,"
			   "sessions,items_attempted,items_correct,standard",
		.kind = CSVP_USAGE,
		.date_format = CSVP_DATE_YMD,
		.cols = {
			{ CSVP_EMAIL, "student_email", true },
			{ CSVP_DATE, "week_start", true },
			{ CSVP_MINUTES, "minutes", true },
			{ CSVP_COUNT, "sessions", false },
			{ CSVP_COUNT, "items_attempted", false },
			{ CSVP_COUNT, "items_correct", false },
			{ CSVP_STANDARD, "standard", true },
		},
		.ncols = 7,
	},
};
#define NPROFILES (sizeof profiles / sizeof profiles[0])

size_t csvp_count(void)
{
	return NPROFILES;
}

const struct csv_profile *csvp_at(size_t i)
{
	return i < NPROFILES ? &profiles[i] : NULL;
}

const struct csv_profile *csvp_find(const char *name)
{
	for (size_t i = 0; name && i < NPROFILES; i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

static const char *const field_names[CSVP_FIELD__COUNT] = {
	[CSVP_SOURCED_ID] = "student sourcedId",
	[CSVP_USERNAME] = "student username",
	[CSVP_EMAIL] = "student email",
	[CSVP_ITEM] = "item id",
	[CSVP_ACTIVITY] = "activity id",
	[CSVP_STANDARD] = "standard",
	[CSVP_CORRECT] = "correct",
	[CSVP_SCORE] = "score",
	[CSVP_MINUTES] = "minutes",
	[CSVP_SECONDS] = "seconds",
	[CSVP_DATE] = "date",
	[CSVP_COUNT] = "count (checked, not stored)",
	[CSVP_POINTS] = "points (checked, not stored)",
};

const char *csvp_field_name(enum csvp_field f)
{
	return (unsigned)f < CSVP_FIELD__COUNT ? field_names[f] : "?";
}

const char *csvp_date_name(enum csvp_date d)
{
	static const char *const n[] = { "YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY",
					 "ISO 8601 date-time or YYYY-MM-DD" };
	return (unsigned)d < sizeof n / sizeof n[0] ? n[d] : "?";
}

/* ---- helpers ----------------------------------------------------------- */

static bool is_student(enum csvp_field f)
{
	return f == CSVP_SOURCED_ID || f == CSVP_USERNAME || f == CSVP_EMAIL;
}

/* Header comparison: case, spaces, '_', '-' and '.' do not count. */
static size_t norm(const char *p, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 1 < cap; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t')
			continue;
		out[k++] = (char)tolower(c);
	}
	out[k] = '\0';
	return k;
}

/* Whether the normalised name is one of the '|' separated alternatives. */
static bool names_match(const char *names, const char *want)
{
	char alt[96];
	for (const char *p = names; *p;) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		norm(p, n, alt, sizeof alt);
		if (strcmp(alt, want) == 0)
			return true;
		p += n + (e ? 1 : 0);
	}
	return false;
}

static bool word_in(const char *words, const char *v)
{
	for (const char *p = words; *p;) {
		const char *e = strchr(p, '|');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (strlen(v) == n && strncasecmp(p, v, n) == 0)
			return true;
		p += n + (e ? 1 : 0);
	}
	return false;
}

static void first_name(const char *names, char *out, size_t cap)
{
	size_t n = strcspn(names, "|");
	snprintf(out, cap, "%.*s", (int)n, names);
}

static bool parse_num(const char *s, double *out)
{
	if (!*s || str_to_double(str_from(s), out) || !isfinite(*out))
		return false;
	return true;
}

/* 1-2 digits, then sep. */
static bool take_num(const char **p, int maxd, int *out)
{
	int v = 0, d = 0;
	while (d < maxd && isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		d++;
	}
	*out = v;
	return d > 0;
}

static bool civil_ok(int y, int m, int d, int64_t *t)
{
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	int32_t days = days_from_civil(y, (unsigned)m, (unsigned)d);
	int yy;
	unsigned mm, dd;
	civil_from_days(days, &yy, &mm, &dd);
	if (yy != y || (int)mm != m || (int)dd != d)
		return false;
	*t = (int64_t)days * 86400;
	return true;
}

static bool parse_date(enum csvp_date fmt, const char *s, int64_t *t)
{
	int32_t days;
	int32_t ms;
	int a, b, y;
	const char *p = s;
	switch (fmt) {
	case CSVP_DATE_ISO:
		if (strlen(s) > 10 && time_parse_iso(str_from(s), t, &ms) == EB_OK)
			return true;
		/* a plain date is accepted too */
		__attribute__((fallthrough));
	case CSVP_DATE_YMD:
		if (strlen(s) != 10 || date_parse_ymd(str_from(s), &days))
			return false;
		*t = (int64_t)days * 86400;
		return true;
	case CSVP_DATE_MDY:
	case CSVP_DATE_DMY:
		if (!take_num(&p, 2, &a) || *p++ != '/' || !take_num(&p, 2, &b) || *p++ != '/')
			return false;
		{
			const char *ys = p;
			if (!take_num(&p, 4, &y) || p - ys != 4 || *p)
				return false;
		}
		return fmt == CSVP_DATE_MDY ? civil_ok(y, a, b, t) : civil_ok(y, b, a, t);
	}
	return false;
}

/* ---- reading ----------------------------------------------------------- */

struct occ_table { /* 64-bit row digest -> rows seen with it */
	uint64_t *keys;
	uint32_t *counts;
	size_t cap, n;
};

static enum eb_err occ_bump(struct occ_table *o, uint64_t key, uint32_t *before)
{
	if ((o->n + 1) * 2 > o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 1024;
		uint64_t *nk = calloc(nc, sizeof *nk);
		uint32_t *nn = calloc(nc, sizeof *nn);
		if (!nk || !nn) {
			free(nk);
			free(nn);
			return EB_ENOMEM;
		}
		for (size_t i = 0; i < o->cap; i++) {
			if (!o->counts[i])
				continue;
			size_t j = (size_t)(o->keys[i] * 0x9E3779B97F4A7C15ull) & (nc - 1);
			while (nn[j])
				j = (j + 1) & (nc - 1);
			nk[j] = o->keys[i];
			nn[j] = o->counts[i];
		}
		free(o->keys);
		free(o->counts);
		o->keys = nk;
		o->counts = nn;
		o->cap = nc;
	}
	size_t j = (size_t)(key * 0x9E3779B97F4A7C15ull) & (o->cap - 1);
	while (o->counts[j] && o->keys[j] != key)
		j = (j + 1) & (o->cap - 1);
	if (!o->counts[j]) {
		o->keys[j] = key;
		o->n++;
	}
	*before = o->counts[j]++;
	return EB_OK;
}

struct reader {
	const struct csv_profile *p;
	const char *fname;
	struct csvp_report *rep;
	int col_of[CSVP_MAX_COLS]; /* header column (0-based) of p->cols[i], -1 absent */
	size_t nheader;
};

static void add_error(struct reader *r, size_t line, size_t col, const char *field, const char *fmt,
		      ...) __attribute__((format(printf, 5, 6)));
static void add_error(struct reader *r, size_t line, size_t col, const char *field, const char *fmt,
		      ...)
{
	struct csvp_report *rep = r->rep;
	if (rep->nerrors < CSVP_MAX_ERRORS) {
		char reason[200];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(reason, sizeof reason, fmt, ap);
		va_end(ap);
		snprintf(rep->errors[rep->nerrors], sizeof rep->errors[0], "%s:%zu:%zu: %s: %s",
			 r->fname, line, col, field, reason);
	}
	rep->nerrors++;
}

static bool read_header(struct reader *r, const struct csv_record *rec)
{
	const struct csv_profile *p = r->p;
	bool ok = true, any_student = false;
	r->nheader = rec->nfields;
	for (size_t i = 0; i < p->ncols; i++) {
		r->col_of[i] = -1;
		for (size_t c = 0; c < rec->nfields; c++) {
			char h[96];
			norm(rec->fields[c].p, rec->fields[c].n, h, sizeof h);
			if (!h[0] || !names_match(p->cols[i].names, h))
				continue;
			bool taken = false; /* one header column feeds one field */
			for (size_t k = 0; k < i; k++)
				taken |= r->col_of[k] == (int)c;
			if (!taken) {
				r->col_of[i] = (int)c;
				break;
			}
		}
		if (r->col_of[i] >= 0 && is_student(p->cols[i].field))
			any_student = true;
		if (r->col_of[i] < 0 && p->cols[i].required) {
			char n1[64];
			first_name(p->cols[i].names, n1, sizeof n1);
			if (strchr(p->cols[i].names, '|'))
				add_error(r, rec->line, 1, n1,
					  "missing required column (accepted names: %s)",
					  p->cols[i].names);
			else
				add_error(r, rec->line, 1, n1, "missing required column");
			ok = false;
		}
	}
	if (!any_student) {
		bool listed = false;
		for (size_t i = 0; i < p->ncols; i++)
			listed |= is_student(p->cols[i].field) && p->cols[i].required;
		if (!listed) {
			add_error(
				r, rec->line, 1, "student",
				"missing required column (a student sourcedId, username or email)");
			ok = false;
		}
	}
	return ok;
}

/* Builds the event of one data row; false (errors added) when bad. Strings
 * are copied into scratch (NUL-terminated). */
struct row_vals {
	char v[CSVP_MAX_COLS][CSVP_FIELD_MAX + 1];
	char actor[CSVP_FIELD_MAX + 24];
	char standard[64];
	char statement_id[40];
};

static bool row_event(struct reader *r, const struct csv_record *rec, struct row_vals *rv,
		      struct learning_event_in *ev)
{
	const struct csv_profile *p = r->p;
	bool ok = true;
	*ev = (struct learning_event_in){
		.correct = -1, .score = -1, .duration_s = -1, .source = "csv"
	};
	ev->verb = p->kind == CSVP_ITEMS ? "csv:item-result" : "csv:usage-summary";
	if (rec->nfields != r->nheader) {
		add_error(r, rec->line, (rec->nfields < r->nheader ? rec->nfields : r->nheader) + 1,
			  "row", "has %zu fields, the header has %zu", rec->nfields, r->nheader);
		return false;
	}
	const char *sid = NULL, *uname = NULL, *email = NULL, *item = NULL, *activity = NULL;
	double minutes = -1, seconds = -1;
	bool have_date = false;
	for (size_t i = 0; i < p->ncols; i++) {
		rv->v[i][0] = '\0';
		if (r->col_of[i] < 0)
			continue;
		size_t col = (size_t)r->col_of[i];
		struct str f = str_trim(rec->fields[col]);
		char name[64];
		first_name(p->cols[i].names, name, sizeof name);
		if (f.n > CSVP_FIELD_MAX) {
			add_error(r, rec->line, col + 1, name, "longer than %d bytes",
				  CSVP_FIELD_MAX);
			ok = false;
			continue;
		}
		memcpy(rv->v[i], f.p, f.n);
		rv->v[i][f.n] = '\0';
		const char *s = rv->v[i];
		if (!*s) {
			if (p->cols[i].required) {
				add_error(r, rec->line, col + 1, name, "empty");
				ok = false;
			}
			continue;
		}
		double d;
		int64_t n;
		switch (p->cols[i].field) {
		case CSVP_SOURCED_ID:
			sid = s;
			break;
		case CSVP_USERNAME:
			uname = s;
			break;
		case CSVP_EMAIL:
			email = s;
			break;
		case CSVP_ITEM:
			item = s;
			break;
		case CSVP_ACTIVITY:
			activity = s;
			break;
		case CSVP_STANDARD: {
			enum eb_err e = standards_canonical(s, rv->standard, sizeof rv->standard);
			if (e) {
				add_error(r, rec->line, col + 1, name, "\"%.64s\" is %s", s,
					  e == EB_ENOTFOUND ? "not a standard of the CCSS-M catalog"
							    : "not a CCSS code (like 3.NF.A.1)");
				ok = false;
			} else {
				ev->standard_code = rv->standard;
			}
			break;
		}
		case CSVP_CORRECT: {
			const char *tw = p->true_words ? p->true_words : "1|y|yes|true|t|correct";
			const char *fw = p->false_words ? p->false_words
							: "0|n|no|false|f|incorrect";
			if (word_in(tw, s)) {
				ev->correct = 1;
			} else if (word_in(fw, s)) {
				ev->correct = 0;
			} else {
				add_error(r, rec->line, col + 1, name,
					  "\"%.32s\" is not one of %s (true) or %s (false)", s, tw,
					  fw);
				ok = false;
			}
			break;
		}
		case CSVP_SCORE:
			if (!parse_num(s, &d)) {
				add_error(r, rec->line, col + 1, name, "\"%.32s\" is not a number",
					  s);
				ok = false;
			} else if (d < 0 || d > p->score_max) {
				add_error(r, rec->line, col + 1, name, "%g is out of range 0..%g",
					  d, p->score_max);
				ok = false;
			} else {
				ev->score = d / p->score_max;
			}
			break;
		case CSVP_MINUTES:
		case CSVP_SECONDS:
		case CSVP_POINTS:
			if (!parse_num(s, &d)) {
				add_error(r, rec->line, col + 1, name, "\"%.32s\" is not a number",
					  s);
				ok = false;
			} else if (d < 0) {
				add_error(r, rec->line, col + 1, name, "negative (%g)", d);
				ok = false;
			} else if (p->cols[i].field == CSVP_MINUTES) {
				minutes = d;
			} else if (p->cols[i].field == CSVP_SECONDS) {
				seconds = d;
			}
			break;
		case CSVP_COUNT:
			if (cstr_to_i64(s, 0, INT32_MAX, &n)) {
				add_error(r, rec->line, col + 1, name,
					  "\"%.32s\" is not a whole number 0 or more", s);
				ok = false;
			}
			break;
		case CSVP_DATE:
			if (!parse_date(p->date_format, s, &ev->occurred_at)) {
				add_error(r, rec->line, col + 1, name,
					  "\"%.40s\" is not a date in the form %s", s,
					  csvp_date_name(p->date_format));
				ok = false;
			} else {
				have_date = true;
			}
			break;
		case CSVP_FIELD__COUNT:
			break;
		}
	}
	if (!ok)
		return false;
	if (!sid && !uname && !email) {
		add_error(r, rec->line, 1, "student",
			  "no student key in this row (sourcedId, username or email)");
		return false;
	}
	if (!have_date) {
		add_error(r, rec->line, 1, "date", "no date in this row");
		return false;
	}
	const char *key = sid ? sid : uname ? uname : email;
	snprintf(rv->actor, sizeof rv->actor, "csv:%s:%s",
		 sid	 ? "sourcedId"
		 : uname ? "username"
			 : "email",
		 key);
	ev->actor_key = rv->actor;
	ev->match_name = sid ? sid : uname;
	ev->match_email = email;
	if (p->kind == CSVP_ITEMS) {
		ev->item_id = item;
		ev->activity_id = activity ? activity : item;
		if (seconds >= 0)
			ev->duration_s = seconds;
		else if (minutes >= 0)
			ev->duration_s = minutes * 60;
	} else {
		ev->activity_id = activity;
		ev->duration_s = minutes >= 0 ? minutes * 60 : seconds;
	}
	return true;
}

/* Statement id "csv-" + 32 hex: BLAKE2b-128 of the tool, the raw fields and
 * how many identical rows came before in the file. */
static enum eb_err row_id(int64_t tool_id, const struct csv_record *rec, struct occ_table *occ,
			  char out[40])
{
	crypto_generichash_state h;
	unsigned char dig[16];
	char t[24];
	int tn = snprintf(t, sizeof t, "%lld", (long long)tool_id);
	crypto_generichash_init(&h, NULL, 0, sizeof dig);
	crypto_generichash_update(&h, (const unsigned char *)t, (size_t)tn);
	for (size_t i = 0; i < rec->nfields; i++) {
		unsigned char sep = 0x1f;
		crypto_generichash_update(&h, &sep, 1);
		crypto_generichash_update(&h, (const unsigned char *)rec->fields[i].p,
					  rec->fields[i].n);
	}
	crypto_generichash_state h2 = h;
	crypto_generichash_final(&h2, dig, sizeof dig);
	uint64_t k;
	memcpy(&k, dig, sizeof k);
	uint32_t before;
	enum eb_err rc = occ_bump(occ, k, &before);
	if (rc)
		return rc;
	if (before) {
		char o[16];
		int on = snprintf(o, sizeof o, "\x1e%u", (unsigned)before);
		crypto_generichash_update(&h, (const unsigned char *)o, (size_t)on);
		crypto_generichash_final(&h, dig, sizeof dig);
	}
	static const char hex[] = "0123456789abcdef";
	memcpy(out, "csv-", 4);
	for (size_t i = 0; i < sizeof dig; i++) {
		out[4 + 2 * i] = hex[dig[i] >> 4];
		out[5 + 2 * i] = hex[dig[i] & 15];
	}
	out[4 + 2 * sizeof dig] = '\0';
	return EB_OK;
}

enum eb_err csvp_read(const struct csv_profile *p, const char *fname, int64_t tool_id, char *data,
		      size_t len, csvp_row_fn fn, void *ctx, struct csvp_report *rep)
{
	memset(rep, 0, sizeof *rep);
	struct reader r = { .p = p, .fname = fname ? fname : "-", .rep = rep };
	if (len > CSVP_MAX_FILE) {
		add_error(&r, 1, 1, "file", "larger than %u MiB", CSVP_MAX_FILE >> 20);
		return EB_ETOOBIG;
	}
	struct row_vals *rv = malloc(sizeof *rv);
	if (!rv)
		return EB_ENOMEM;
	struct occ_table occ = { 0 };
	struct csv_reader cr;
	struct csv_record rec;
	struct csv_error ce;
	csv_init(&cr, data, len);
	enum eb_err rc = EB_OK, e;
	bool header = false, header_ok = false;
	while ((e = csv_next(&cr, &rec, &ce)) != EB_ENOTFOUND) {
		if (e == EB_EPARSE) {
			add_error(&r, ce.line, ce.column, "csv", "%s", ce.reason);
			if (!header) {
				header = true; /* a broken header: report it, read nothing else */
				break;
			}
			continue;
		}
		if (!header) {
			header = true;
			header_ok = read_header(&r, &rec);
			if (!header_ok)
				break;
			continue;
		}
		rep->rows++;
		struct learning_event_in ev;
		if (!row_event(&r, &rec, rv, &ev))
			continue;
		if ((rc = row_id(tool_id, &rec, &occ, rv->statement_id)))
			break;
		ev.statement_id = rv->statement_id;
		if (fn && rep->nerrors == 0 && (rc = fn(ctx, &ev, rec.line)))
			break;
	}
	if (!header && !rc)
		add_error(&r, 1, 1, "header", "the file is empty");
	free(occ.keys);
	free(occ.counts);
	free(rv);
	if (rc)
		return rc;
	return rep->nerrors ? EB_EPARSE : EB_OK;
}

/* ---- storing ----------------------------------------------------------- */

struct store_ctx {
	struct db *db;
	int64_t district_id, tool_id;
	struct csvp_report *rep;
	size_t events, quarantined, skipped;
};

static enum eb_err store_row(void *vctx, const struct learning_event_in *ev, size_t line)
{
	struct store_ctx *c = vctx;
	bool found = false, q = false;
	enum eb_err rc =
		activity_event_exists(c->db, c->district_id, c->tool_id, ev->statement_id, &found);
	if (rc)
		return rc;
	if (found) {
		c->skipped++;
		return EB_OK;
	}
	if ((rc = activity_event_record(c->db, c->district_id, c->tool_id, ev, &q)))
		return rc;
	if (q)
		c->quarantined++;
	else
		c->events++;
	return EB_OK;
}

enum eb_err csvp_import(struct db *db, int64_t district_id, int64_t tool_id,
			const struct csv_profile *p, const char *fname, char *data, size_t len,
			struct csvp_report *rep)
{
	if (len > CSVP_MAX_FILE)
		return csvp_read(p, fname, tool_id, data, len, NULL, NULL, rep);
	/* pass 1 on a copy (the reader unescapes in place) */
	char *copy = malloc(len ? len : 1);
	if (!copy)
		return EB_ENOMEM;
	memcpy(copy, data, len);
	enum eb_err rc = csvp_read(p, fname, tool_id, copy, len, NULL, NULL, rep);
	free(copy);
	if (rc)
		return rc;
	int64_t started = time_now();
	if ((rc = db_begin(db)))
		return rc;
	struct store_ctx c = {
		.db = db, .district_id = district_id, .tool_id = tool_id, .rep = rep
	};
	rc = csvp_read(p, fname, tool_id, data, len, store_row, &c, rep);
	if (!rc)
		rc = activity_csv_received(db, district_id, tool_id, fname, started, c.events,
					   c.quarantined, c.skipped);
	if (rc || (rc = db_commit(db))) {
		db_rollback(db);
		return rc == EB_EPARSE ? EB_EDB : rc;
	}
	rep->events = c.events;
	rep->quarantined = c.quarantined;
	rep->skipped = c.skipped;
	return EB_OK;
}

/* ---- profile files ----------------------------------------------------- */

static const struct {
	const char *key;
	enum csvp_field field;
} file_fields[] = {
	{ "student_sourcedid", CSVP_SOURCED_ID },
	{ "student_username", CSVP_USERNAME },
	{ "student_email", CSVP_EMAIL },
	{ "item", CSVP_ITEM },
	{ "activity", CSVP_ACTIVITY },
	{ "standard", CSVP_STANDARD },
	{ "correct", CSVP_CORRECT },
	{ "score", CSVP_SCORE },
	{ "minutes", CSVP_MINUTES },
	{ "seconds", CSVP_SECONDS },
	{ "date", CSVP_DATE },
	{ "count", CSVP_COUNT },
	{ "points", CSVP_POINTS },
};
#define NFILE_FIELDS (sizeof file_fields / sizeof file_fields[0])

static const char *keep(struct csvp_custom *c, const char *s, size_t n)
{
	if (c->used + n + 1 > sizeof c->store)
		return NULL;
	char *d = c->store + c->used;
	memcpy(d, s, n);
	d[n] = '\0';
	c->used += n + 1;
	return d;
}

static enum eb_err bad_line(char *why, size_t cap, size_t line, const char *reason)
{
	snprintf(why, cap, "line %zu: %s", line, reason);
	return EB_EINVAL;
}

enum eb_err csvp_parse_profile(const char *text, struct csvp_custom *c, char *why, size_t cap)
{
	memset(c, 0, sizeof *c);
	c->p.kind = CSVP_ITEMS;
	c->p.date_format = CSVP_DATE_YMD;
	c->p.score_max = 1;
	c->p.summary = "";
	char required[512] = "";
	size_t line = 0;
	for (const char *p = text; p && *p;) {
		line++;
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		struct str l = str_trim((struct str){ p, n });
		p = e ? e + 1 : NULL;
		if (!l.n || l.p[0] == '#')
			continue;
		const char *eq = memchr(l.p, '=', l.n);
		if (!eq)
			return bad_line(why, cap, line, "expected key = value");
		struct str k = str_trim((struct str){ l.p, (size_t)(eq - l.p) });
		struct str v = str_trim((struct str){ eq + 1, l.n - (size_t)(eq + 1 - l.p) });
		const char *val = keep(c, v.p, v.n);
		if (!val)
			return bad_line(why, cap, line, "the file is too large");
		if (str_eq_cstr(k, "name")) {
			c->p.name = val;
		} else if (str_eq_cstr(k, "summary")) {
			c->p.summary = val;
		} else if (str_eq_cstr(k, "kind")) {
			if (!strcmp(val, "items"))
				c->p.kind = CSVP_ITEMS;
			else if (!strcmp(val, "usage"))
				c->p.kind = CSVP_USAGE;
			else
				return bad_line(why, cap, line, "kind: items or usage");
		} else if (str_eq_cstr(k, "date_format")) {
			static const char *const f[] = { "YYYY-MM-DD", "MM/DD/YYYY", "DD/MM/YYYY",
							 "ISO" };
			size_t i = 0;
			while (i < 4 && strcasecmp(val, f[i]))
				i++;
			if (i == 4)
				return bad_line(
					why, cap, line,
					"date_format: YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY or ISO");
			c->p.date_format = (enum csvp_date)i;
		} else if (str_eq_cstr(k, "score_max")) {
			if (!parse_num(val, &c->p.score_max) || c->p.score_max <= 0 ||
			    c->p.score_max > 1e9)
				return bad_line(why, cap, line, "score_max: a number above 0");
		} else if (str_eq_cstr(k, "true")) {
			c->p.true_words = val;
		} else if (str_eq_cstr(k, "false")) {
			c->p.false_words = val;
		} else if (str_eq_cstr(k, "required")) {
			snprintf(required, sizeof required, "%s", val);
		} else {
			size_t i = 0;
			while (i < NFILE_FIELDS && !str_eq_cstr(k, file_fields[i].key))
				i++;
			if (i == NFILE_FIELDS)
				return bad_line(why, cap, line, "unknown key");
			if (!*val)
				return bad_line(why, cap, line,
						"a column needs at least one header name");
			for (size_t j = 0; j < c->p.ncols; j++)
				if (c->p.cols[j].field == file_fields[i].field &&
				    file_fields[i].field != CSVP_COUNT &&
				    file_fields[i].field != CSVP_POINTS)
					return bad_line(why, cap, line,
							"this field is given twice");
			if (c->p.ncols == CSVP_MAX_COLS)
				return bad_line(why, cap, line, "too many columns");
			c->p.cols[c->p.ncols++] =
				(struct csvp_column){ file_fields[i].field, val, false };
		}
	}
	if (!c->p.name || !*c->p.name)
		return bad_line(why, cap, line, "name: missing");
	/* required fields must be columns of the profile */
	for (const char *r = required; *r;) {
		size_t n = strcspn(r, " \t,");
		if (n) {
			bool found = false;
			for (size_t j = 0; j < c->p.ncols; j++) {
				const char *key = NULL;
				for (size_t i = 0; i < NFILE_FIELDS; i++)
					if (file_fields[i].field == c->p.cols[j].field)
						key = file_fields[i].key;
				if (key && strlen(key) == n && !strncmp(key, r, n)) {
					c->p.cols[j].required = true;
					found = true;
				}
			}
			if (!found) {
				snprintf(why, cap,
					 "required: '%.*s' is not a column of the profile",
					 (int)(n > 40 ? 40 : n), r);
				return EB_EINVAL;
			}
		}
		r += n;
		r += strspn(r, " \t,");
	}
	bool has_date = false;
	for (size_t j = 0; j < c->p.ncols; j++)
		if (c->p.cols[j].field == CSVP_DATE)
			has_date = c->p.cols[j].required = true; /* every row needs one */
	if (!has_date) {
		snprintf(why, cap, "date: the profile needs a date column");
		return EB_EINVAL;
	}
	return EB_OK;
}
