/* kb.h - the knowledge base: known fixes per tool, written by tech
 * champions and IT, read by everyone their audience allows, suggested to a
 * reporter before a ticket is filed, and ranked by what readers said
 * ("this fixed it" / "this didn't help", once per person per article).
 *
 * Every function takes the district (through the viewer); an article of
 * another district, a draft seen by a reader, a staff-only article seen by a
 * family or student, or an article of another tool seen by a vendor contact
 * answers EB_ENOTFOUND, the same as none. docs/support.md, "Knowledge
 * base", says who may do what. */
#ifndef EB_KB_H
#define EB_KB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/audit.h"

struct db;
struct account;

#define KB_TITLE_MAX 200
#define KB_SYMPTOM_MAX 2000
#define KB_FIX_MAX 8000
#define KB_QUERY_MAX 500 /* bytes of a search typed by a person */

enum kb_audience { KB_EVERYONE, KB_STAFF };
enum kb_status { KB_DRAFT, KB_PUBLISHED };

/* Stored names ("everyone", "staff"; "draft", "published"), NULL out of
 * range; labels for people ("Everyone: families and students too", "Staff
 * only"; "Draft", "Published"). */
const char *kb_audience_name(enum kb_audience a);
const char *kb_audience_label(enum kb_audience a);
const char *kb_status_name(enum kb_status s);
const char *kb_status_label(enum kb_status s);

/* Who reads: built from an account by kb_viewer_of. writer: may write and
 * sees drafts (IT staff, tech champion, coordinator, district admin);
 * staff: sees staff-only articles (every staff role); vendor_only: a
 * vendor contact with no other staff role, who reads only the articles of
 * the tools their role names. */
struct kb_viewer {
	int64_t district_id, account_id;
	bool writer, editor, staff, vendor_only;
};
void kb_viewer_of(const struct account *a, struct kb_viewer *out);

struct kb_article {
	int64_t id, tool_id, author_id, created_at, updated_at;
	const char *tool_name, *title, *symptom, *fix, *author_name; /* arena */
	enum kb_audience audience;
	enum kb_status status;
	int64_t fixed, not_helped; /* readers' marks */
};

/* Whether v may change article a: IT staff, coordinators and district
 * admins any article (v->editor); a tech champion the articles they wrote. */
bool kb_can_edit(const struct kb_viewer *v, const struct kb_article *a);

/* An article as a writer typed it (form fields; NULL is "missing"). */
struct kb_form {
	const char *tool, *title, *symptom, *fix, *audience, *status;
};

/* Creates (*id 0) or changes (*id the article) an article after checking
 * every field: the tool an id of a tool of the district; title 1..200,
 * symptom 1..2000, fix 1..8000 bytes of UTF-8 text after trimming;
 * audience everyone|staff; status draft|published. The first bad field
 * gives EB_EINVAL with "field: reason" lines in why, and nothing stored.
 * EB_EPERM when v may not write (or edit this article), EB_ENOTFOUND for an
 * article v cannot see. Writes an audit entry. *id receives the new id. */
enum eb_err kb_save(struct db *db, const struct kb_viewer *v, const struct kb_form *f,
		    const struct audit_actor *who, int64_t *id, char *why, size_t cap);

/* Loads an article v may read (EB_ENOTFOUND otherwise). */
enum eb_err kb_get(struct db *db, const struct kb_viewer *v, int64_t id, struct arena *arena,
		   struct kb_article *out);

/* The articles v may read, of one tool (tool_id > 0) or all, at most limit
 * (1..200). q NULL or blank: browse, articles that fixed it for more
 * readers first (fixed minus not helped, then fixed, then the newest).
 * Otherwise a full-text search of title, symptom and fix (kb_fts_query;
 * prefix_last: the last word may be unfinished, for suggestions while one
 * types), best first: SQLite's bm25 (title weighs 10, symptom 5, fix 1;
 * on PostgreSQL ts_rank of the article's tsvector, weighted the same)
 * scaled by 1 + 0.5 x (fixed minus not helped, when above 0), so an article
 * that fixed it for readers rises. A search of no usable words finds
 * nothing. published_only drops drafts even for writers (suggestions).
 * Rows in arena; fix is not read (NULL) to keep lists small. */
enum eb_err kb_search(struct db *db, const struct kb_viewer *v, int64_t tool_id, const char *q,
		      bool prefix_last, bool published_only, int limit, struct arena *arena,
		      struct kb_article **rows, size_t *n);

/* Turns text a person typed into an FTS5 query that cannot be malformed:
 * its words (runs of letters and digits, any script; ASCII lowercased), at
 * most 16, of two bytes or more, common English words left out, each
 * quoted, joined by OR; the last word with a prefix star when prefix_last.
 * Writes "" when no word is left. Returns the number of words. */
int kb_fts_query(const char *text, bool prefix_last, char *out, size_t cap);
/* The same words as kb_fts_query, as a PostgreSQL tsquery for
 * to_tsquery('english', ...): joined by |, the last with :* when
 * prefix_last (the search on PostgreSQL, migrations/pg/031). */
int kb_tsquery(const char *text, bool prefix_last, char *out, size_t cap);

/* Records v's mark on a published article v may read: helped true "this
 * fixed it", false "this didn't help"; deflected true when marked from the
 * new-ticket form (the reporter filed no ticket). Once per person per
 * article: a later mark replaces the earlier. EB_ENOTFOUND for an article v
 * cannot read or a draft. */
enum eb_err kb_mark(struct db *db, const struct kb_viewer *v, int64_t article_id, bool helped,
		    bool deflected);
/* v's own mark on an article: 1 fixed it, 0 didn't help, -1 none. */
enum eb_err kb_my_mark(struct db *db, const struct kb_viewer *v, int64_t article_id, int *mark);

/* Tickets not filed because a reporter marked "this fixed it" from the
 * new-ticket form, by tool, marked in [from, to) (Unix seconds). */
struct kb_deflection {
	int64_t tool_id;
	const char *tool_name;
	int64_t deflected;
};
enum eb_err kb_deflections(struct db *db, int64_t district_id, int64_t from, int64_t to,
			   struct arena *arena, struct kb_deflection **rows, size_t *n);

#endif
