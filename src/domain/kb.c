/* The knowledge base of known fixes per tool (kb.h). */
#include "domain/kb.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "base/timeutil.h"
#include "domain/account.h"
#include "store/db.h"

static const char *const audience_names[] = { [KB_EVERYONE] = "everyone", [KB_STAFF] = "staff" };
static const char *const audience_labels[] = {
	[KB_EVERYONE] = "Everyone: families and students too",
	[KB_STAFF] = "Staff only",
};
static const char *const status_names[] = { [KB_DRAFT] = "draft", [KB_PUBLISHED] = "published" };
static const char *const status_labels[] = { [KB_DRAFT] = "Draft", [KB_PUBLISHED] = "Published" };

const char *kb_audience_name(enum kb_audience a)
{
	return (unsigned)a <= KB_STAFF ? audience_names[a] : NULL;
}

const char *kb_audience_label(enum kb_audience a)
{
	return (unsigned)a <= KB_STAFF ? audience_labels[a] : NULL;
}

const char *kb_status_name(enum kb_status s)
{
	return (unsigned)s <= KB_PUBLISHED ? status_names[s] : NULL;
}

const char *kb_status_label(enum kb_status s)
{
	return (unsigned)s <= KB_PUBLISHED ? status_labels[s] : NULL;
}

#define BIT(r) (1u << (r))

void kb_viewer_of(const struct account *a, struct kb_viewer *out)
{
	unsigned editors = BIT(ROLE_DISTRICT_ADMIN) | BIT(ROLE_COORDINATOR) | BIT(ROLE_IT_STAFF);
	unsigned staff = ((1u << ROLE__COUNT) - 1) & ~(BIT(ROLE_GUARDIAN) | BIT(ROLE_STUDENT));
	memset(out, 0, sizeof *out);
	out->district_id = a->district_id;
	out->account_id = a->id;
	out->editor = (a->role_mask & editors) != 0;
	out->writer = out->editor || (a->role_mask & BIT(ROLE_TECH_CHAMPION));
	out->staff = (a->role_mask & staff) != 0;
	out->vendor_only = (a->role_mask & staff) == BIT(ROLE_VENDOR_CONTACT);
}

bool kb_can_edit(const struct kb_viewer *v, const struct kb_article *a)
{
	return v->editor || (v->writer && a->author_id == v->account_id);
}

/* ---- reading ---- */

static enum eb_err finish_article(struct db_stmt *st, void *row, struct arena *arena)
{
	struct kb_article *a = row;
	const char *aud = db_col_text(st, 7), *status = db_col_text(st, 8);
	a->audience = aud && strcmp(aud, "staff") == 0 ? KB_STAFF : KB_EVERYONE;
	a->status = status && strcmp(status, "published") == 0 ? KB_PUBLISHED : KB_DRAFT;
	return EB_OK;
}

/* clang-format off */
DB_ROWSPEC(article_spec, struct kb_article, finish_article,
	   DB_FIELD_INT(struct kb_article, id), DB_FIELD_INT(struct kb_article, tool_id),
	   DB_FIELD_STR(struct kb_article, tool_name), DB_FIELD_STR(struct kb_article, title),
	   DB_FIELD_STR(struct kb_article, symptom), DB_FIELD_TEXT(struct kb_article, fix),
	   DB_FIELD_INT(struct kb_article, author_id), DB_FIELD_SKIP, /* audience */
	   DB_FIELD_SKIP, /* status */
	   DB_FIELD_STR(struct kb_article, author_name),
	   DB_FIELD_INT(struct kb_article, created_at), DB_FIELD_INT(struct kb_article, updated_at),
	   DB_FIELD_INT(struct kb_article, fixed), DB_FIELD_INT(struct kb_article, not_helped));
/* clang-format on */

/* The visibility rule, in SQL, for a row `a` of kb_article: ?1 district,
 * ?2 account, ?3 writer (sees drafts), ?4 staff (sees staff-only), ?5
 * vendor_only (only the tools its vendor_contact roles name). */
#define VISIBLE                                                                                    \
	" a.district_id=?1 AND (?3<>0 OR a.status='published') AND (?4<>0 OR"                      \
	" a.audience='everyone')"                                                                  \
	" AND (?5=0 OR a.tool_id IN (SELECT CAST(r.scope_id AS INTEGER) FROM account_role r"       \
	" WHERE r.district_id=?1 AND r.account_id=?2 AND r.role='vendor_contact'"                  \
	" AND r.scope_type='tool'))"
#define VIEWER_ARGS(v, writer)                                                                     \
	DB_INT((v)->district_id), DB_INT((v)->account_id), DB_INT(writer), DB_INT((v)->staff),     \
		DB_INT((v)->vendor_only)
#define COLUMNS(fix)                                                                               \
	"a.id, a.tool_id, coalesce(t.name, ''), a.title, a.symptom, " fix ", a.author_account_id," \
	" a.audience, a.status, a.author_name, a.created_at, a.updated_at,"                        \
	" (SELECT count(*) FROM kb_mark m WHERE m.district_id=a.district_id"                       \
	"  AND m.article_id=a.id AND m.helped=1) AS fixed_n,"                                      \
	" (SELECT count(*) FROM kb_mark m WHERE m.district_id=a.district_id"                       \
	"  AND m.article_id=a.id AND m.helped=0) AS unhelped_n"

enum eb_err kb_get(struct db *db, const struct kb_viewer *v, int64_t id, struct arena *arena,
		   struct kb_article *out)
{
	return db_get_row(
		db,
		"SELECT " COLUMNS("a.fix") " FROM kb_article a"
					   " LEFT JOIN tool t ON t.district_id=a.district_id AND "
					   "t.id=a.tool_id"
					   " WHERE a.id=?6 AND" VISIBLE,
		DB_ARGS(VIEWER_ARGS(v, v->writer), DB_INT(id)), &article_spec, arena, out);
}

/* common English words that would match nearly every article */
static const char *const stop_words[] = {
	"an",	"and", "are",  "as",   "at",	"be",	 "but",	 "by",	  "can",  "do",
	"does", "for", "from", "has",  "have",	"how",	 "if",	 "in",	  "into", "is",
	"isn",	"it",  "its",  "me",   "my",	"no",	 "not",	 "of",	  "on",	  "or",
	"our",	"so",  "that", "the",  "their", "them",	 "then", "there", "they", "this",
	"to",	"up",  "was",  "we",   "were",	"what",	 "when", "which", "why",  "will",
	"with", "won", "you",  "your", "can't", "doesn", "don",	 "didn",  "wasn",
};

static bool is_stop_word(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof stop_words / sizeof stop_words[0]; i++)
		if (strlen(stop_words[i]) == n && memcmp(stop_words[i], w, n) == 0)
			return true;
	return false;
}

static bool word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c >= 0x80;
}

/* The words of text as FTS5 ("a" OR "b"*) or, pg, as a PostgreSQL tsquery
 * (a | b:*): the same words either way. */
static int fts_words(const char *text, bool prefix_last, bool pg, char *out, size_t cap)
{
	char word[64];
	size_t len = 0;
	int words = 0;
	if (!cap)
		return 0;
	out[0] = '\0';
	const unsigned char *p = (const unsigned char *)(text ? text : "");
	while (*p && words < 16) {
		while (*p && !word_byte(*p))
			p++;
		size_t n = 0;
		while (*p && word_byte(*p)) {
			if (n < sizeof word - 1)
				word[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			p++;
		}
		/* a word cut inside a UTF-8 sequence would not be text: back
		 * off to the start of the last whole character */
		while (n && ((unsigned char)word[n - 1] & 0xC0) == 0x80)
			n--;
		if (n && (unsigned char)word[n - 1] >= 0xC0)
			n--;
		if (n < 2 || is_stop_word(word, n))
			continue;
		int w = pg ? snprintf(out + len, cap - len, "%s%.*s", words ? " | " : "", (int)n,
				      word)
			   : snprintf(out + len, cap - len, "%s\"%.*s\"", words ? " OR " : "",
				      (int)n, word);
		if (w < 0 || (size_t)w >= cap - len) {
			out[len] = '\0';
			break;
		}
		len += (size_t)w;
		words++;
	}
	/* the last word kept (a shorter or stop word after it is dropped) is
	 * the one still being typed */
	const char *suffix = pg ? ":*" : "*";
	if (prefix_last && words && len + strlen(suffix) < cap) {
		memcpy(out + len, suffix, strlen(suffix) + 1);
		len += strlen(suffix);
	}
	return words;
}

int kb_fts_query(const char *text, bool prefix_last, char *out, size_t cap)
{
	return fts_words(text, prefix_last, false, out, cap);
}

int kb_tsquery(const char *text, bool prefix_last, char *out, size_t cap)
{
	return fts_words(text, prefix_last, true, out, cap);
}

enum eb_err kb_search(struct db *db, const struct kb_viewer *v, int64_t tool_id, const char *q,
		      bool prefix_last, bool published_only, int limit, struct arena *arena,
		      struct kb_article **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	if (limit < 1 || limit > 200)
		return EB_EINVAL;
	bool drafts = v->writer && !published_only;
	if (!q || !str_trim(str_from(q)).n)
		return db_get_rows(db,
				   "SELECT * FROM (SELECT " COLUMNS(
					   "NULL") " FROM kb_article a"
						   " LEFT JOIN tool t ON "
						   "t.district_id=a.district_id AND t.id=a.tool_id"
						   " WHERE (?6=0 OR a.tool_id=?6) AND" VISIBLE ")"
						   " ORDER BY fixed_n - unhelped_n DESC, fixed_n "
						   "DESC, updated_at DESC, id DESC"
						   " LIMIT ?7",
				   DB_ARGS(VIEWER_ARGS(v, drafts), DB_INT(tool_id), DB_INT(limit)),
				   &article_spec, arena, rows, n);
	if (strlen(q) > KB_QUERY_MAX)
		return EB_EINVAL;
	char match[KB_QUERY_MAX * 2 + 128];
	if (db_is_pg(db)) {
		/* the generated tsvector of migrations/pg/031 (title A, symptom B,
		 * fix C): ts_rank with the weights of the bm25 below (higher is
		 * better there, lower here) */
		if (!kb_tsquery(q, prefix_last, match, sizeof match))
			return EB_OK;
		return db_get_rows(
			db,
			"SELECT * FROM (SELECT " COLUMNS(
				"NULL") ", ts_rank(CAST('{0.1, 0.1, 0.5, 1.0}' AS float4[]),"
					" a.search, to_tsquery('english', ?8)) AS score"
					" FROM kb_article a LEFT JOIN tool t ON"
					" t.district_id=a.district_id AND t.id=a.tool_id"
					" WHERE a.search @@ to_tsquery('english', ?8)"
					" AND (?6=0 OR a.tool_id=?6) AND" VISIBLE ")"
					" ORDER BY score * (1.0 + 0.5 * CASE WHEN fixed_n >"
					" unhelped_n THEN fixed_n - unhelped_n ELSE 0 END) DESC,"
					" id LIMIT ?7",
			DB_ARGS(VIEWER_ARGS(v, drafts), DB_INT(tool_id), DB_INT(limit),
				DB_TEXT(match)),
			&article_spec, arena, rows, n);
	}
	if (!kb_fts_query(q, prefix_last, match, sizeof match))
		return EB_OK;
	return db_get_rows(
		db,
		"SELECT * FROM (SELECT " COLUMNS(
			"NULL") ", bm25(kb_fts, 10.0, 5.0, 1.0) AS score"
				" FROM kb_fts JOIN kb_article a ON a.id=kb_fts.rowid"
				" LEFT JOIN tool t ON t.district_id=a.district_id AND "
				"t.id=a.tool_id"
				" WHERE kb_fts MATCH ?8 AND (?6=0 OR a.tool_id=?6) AND" VISIBLE ")"
				" ORDER BY score * (1.0 + 0.5 * max(0, fixed_n - unhelped_n)), id "
				"LIMIT ?7",
		DB_ARGS(VIEWER_ARGS(v, drafts), DB_INT(tool_id), DB_INT(limit), DB_TEXT(match)),
		&article_spec, arena, rows, n);
}

/* ---- writing ---- */

static void fail(char *why, size_t cap, const char *field, const char *reason)
{
	if (why && cap)
		snprintf(why, cap, "%s: %s", field, reason);
}

static enum eb_err text_field(const char *in, size_t max, const char *field, struct str *out,
			      char *why, size_t cap)
{
	struct str s = str_trim(str_from(in ? in : ""));
	if (!s.n) {
		fail(why, cap, field, "required");
		return EB_EINVAL;
	}
	if (s.n > max) {
		char r[64];
		snprintf(r, sizeof r, "at most %zu characters", max);
		fail(why, cap, field, r);
		return EB_EINVAL;
	}
	if (!str_utf8_valid(s, NULL)) {
		fail(why, cap, field, "not readable as text");
		return EB_EINVAL;
	}
	*out = s;
	return EB_OK;
}

enum eb_err kb_save(struct db *db, const struct kb_viewer *v, const struct kb_form *f,
		    const struct audit_actor *who, int64_t *id, char *why, size_t cap)
{
	struct str title, symptom, fix;
	int64_t tool_id = 0, found = 0;
	enum kb_audience aud;
	enum kb_status status;
	enum eb_err rc;
	bool is_new = !*id;
	if (why && cap)
		why[0] = '\0';
	if (!v->writer)
		return EB_EPERM;
	if (*id) {
		struct arena a;
		struct kb_article cur;
		arena_init(&a);
		rc = kb_get(db, v, *id, &a, &cur);
		bool may = rc == EB_OK && kb_can_edit(v, &cur);
		arena_free(&a);
		if (rc)
			return rc;
		if (!may)
			return EB_EPERM;
	}
	if (cstr_to_i64(f->tool, 1, INT64_MAX, &tool_id) ||
	    db_get_int(db, "SELECT id FROM tool WHERE district_id=?1 AND id=?2",
		       DB_ARGS(DB_INT(v->district_id), DB_INT(tool_id)), &found) != EB_OK) {
		fail(why, cap, "tool", "choose one of the district's tools");
		return EB_EINVAL;
	}
	if ((rc = text_field(f->title, KB_TITLE_MAX, "title", &title, why, cap)) ||
	    (rc = text_field(f->symptom, KB_SYMPTOM_MAX, "symptom", &symptom, why, cap)) ||
	    (rc = text_field(f->fix, KB_FIX_MAX, "fix", &fix, why, cap)))
		return rc;
	if (f->audience && strcmp(f->audience, "everyone") == 0)
		aud = KB_EVERYONE;
	else if (f->audience && strcmp(f->audience, "staff") == 0)
		aud = KB_STAFF;
	else {
		fail(why, cap, "audience", "choose everyone or staff only");
		return EB_EINVAL;
	}
	if (f->status && strcmp(f->status, "draft") == 0)
		status = KB_DRAFT;
	else if (f->status && strcmp(f->status, "published") == 0)
		status = KB_PUBLISHED;
	else {
		fail(why, cap, "status", "choose draft or published");
		return EB_EINVAL;
	}
	int64_t now = time_now();
	bool own = !db_in_transaction(db);
	if (own && (rc = db_begin(db)))
		return rc;
	if (!*id) {
		rc = db_execute(db,
				"INSERT INTO kb_article(district_id, tool_id, title, symptom, fix,"
				" audience, status, author_account_id, author_name, created_at,"
				" updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
				" coalesce((SELECT display_name FROM account WHERE id=?8"
				" AND district_id=?1), ''), ?9, ?9)",
				DB_ARGS(DB_INT(v->district_id), DB_INT(tool_id),
					DB_TEXTN(title.p, title.n), DB_TEXTN(symptom.p, symptom.n),
					DB_TEXTN(fix.p, fix.n), DB_TEXT(kb_audience_name(aud)),
					DB_TEXT(kb_status_name(status)), DB_INT(v->account_id),
					DB_INT(now)),
				NULL);
		if (!rc)
			*id = db_last_id(db);
	} else {
		rc = db_execute(db,
				"UPDATE kb_article SET tool_id=?3, title=?4, symptom=?5, fix=?6,"
				" audience=?7, status=?8, updated_at=?9"
				" WHERE district_id=?1 AND id=?2",
				DB_ARGS(DB_INT(v->district_id), DB_INT(*id), DB_INT(tool_id),
					DB_TEXTN(title.p, title.n), DB_TEXTN(symptom.p, symptom.n),
					DB_TEXTN(fix.p, fix.n), DB_TEXT(kb_audience_name(aud)),
					DB_TEXT(kb_status_name(status)), DB_INT(now)),
				NULL);
	}
	if (!rc) {
		char ib[24];
		snprintf(ib, sizeof ib, "%lld", (long long)*id);
		rc = audit_record(db, v->district_id, who, is_new ? "create" : "update",
				  "kb_article", ib, kb_status_name(status));
	}
	if (own) {
		if (rc)
			db_rollback(db);
		else
			rc = db_commit(db);
	}
	return rc;
}

enum eb_err kb_mark(struct db *db, const struct kb_viewer *v, int64_t article_id, bool helped,
		    bool deflected)
{
	int64_t tool_id = 0;
	enum eb_err rc = db_get_int(db,
				    "SELECT a.tool_id FROM kb_article a WHERE a.id=?6 AND" VISIBLE,
				    DB_ARGS(VIEWER_ARGS(v, 0), DB_INT(article_id)), &tool_id);
	if (rc)
		return rc;
	return db_execute(db,
			  "INSERT INTO kb_mark(district_id, article_id, account_id, helped,"
			  " deflected, tool_id, at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"
			  " ON CONFLICT(district_id, article_id, account_id) DO UPDATE SET"
			  " helped=excluded.helped, deflected=excluded.deflected, at=excluded.at",
			  DB_ARGS(DB_INT(v->district_id), DB_INT(article_id), DB_INT(v->account_id),
				  DB_INT(helped), DB_INT(helped && deflected), DB_INT(tool_id),
				  DB_INT(time_now())),
			  NULL);
}

enum eb_err kb_my_mark(struct db *db, const struct kb_viewer *v, int64_t article_id, int *mark)
{
	int64_t h = -1;
	enum eb_err rc = db_get_int(
		db,
		"SELECT helped FROM kb_mark WHERE district_id=?1 AND"
		" article_id=?2 AND account_id=?3",
		DB_ARGS(DB_INT(v->district_id), DB_INT(article_id), DB_INT(v->account_id)), &h);
	*mark = rc == EB_OK ? (int)h : -1;
	return rc == EB_ENOTFOUND ? EB_OK : rc;
}

DB_ROWSPEC(deflection_spec, struct kb_deflection, NULL, DB_FIELD_INT(struct kb_deflection, tool_id),
	   DB_FIELD_STR(struct kb_deflection, tool_name),
	   DB_FIELD_INT(struct kb_deflection, deflected));

enum eb_err kb_deflections(struct db *db, int64_t district_id, int64_t from, int64_t to,
			   struct arena *arena, struct kb_deflection **rows, size_t *n)
{
	return db_get_rows(db,
			   "SELECT m.tool_id, coalesce(t.name, ''), count(*) FROM kb_mark m"
			   " LEFT JOIN tool t ON t.district_id=m.district_id AND t.id=m.tool_id"
			   " WHERE m.district_id=?1 AND m.deflected=1 AND m.at>=?2 AND m.at<?3"
			   " GROUP BY m.tool_id, t.name ORDER BY 2, 1",
			   DB_ARGS(DB_INT(district_id), DB_INT(from), DB_INT(to)), &deflection_spec,
			   arena, rows, n);
}
