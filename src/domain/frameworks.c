/* frameworks.c - CASE frameworks of a district and their crosswalk to the
 * CCSS catalog (frameworks.h). */
#include "domain/frameworks.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hashset.h"
#include "base/sha1.h"
#include "base/str.h"
#include "domain/standards.h"
#include "store/db.h"

/* ---- naming a CCSS standard ----------------------------------------------
 *
 * Codes come spelled many ways: "CCSS.Math.Content.6.RP.A.3a" (the CCSS
 * package's humanCodingScheme), "urn:fdc:edplancms.com:2016:cfr:CCSS-M:HSN.RN.A.1"
 * (Smarter Balanced's crosswalk targets). standards_canonical reads the
 * code itself; here we find the code in a URN that says it is a CCSS one. */

static bool ccss_of_code(const char *code, char *out, size_t cap)
{
	if (!code || !*code || strlen(code) > 200)
		return false;
	return standards_canonical(code, out, cap) == EB_OK;
}

/* First "CCSS" in s, any case, or NULL. */
static const char *find_ccss(const char *s)
{
	for (; *s; s++)
		if (!strncasecmp(s, "CCSS", 4))
			return s;
	return NULL;
}

/* A CCSS code named by a URN or URL that says "CCSS" (the segment after the
 * one that names the CCSS), or "" */
static bool ccss_of_reference(const char *ref, char *out, size_t cap)
{
	if (!ref || !*ref || strlen(ref) > 1000)
		return false;
	const char *p = find_ccss(ref);
	if (!p)
		return false;
	const char *sep = strpbrk(p, ":/");
	if (sep && sep[1] && ccss_of_code(sep + 1, out, cap))
		return true;
	return ccss_of_code(p, out, cap);
}

/* RFC 4122 version 5 (SHA-1) name in the URL namespace, lower-case text:
 * how OpenSALT names an item whose identifier is a URL (an ASN resource). */
static void uuid5_url(const char *name, char out[37])
{
	static const unsigned char ns[16] = { 0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
					      0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
	unsigned char h[SHA1_LEN];
	struct sha1 s;
	sha1_init(&s);
	sha1_update(&s, ns, sizeof ns);
	sha1_update(&s, name, strlen(name));
	sha1_final(&s, h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	static const char hex[] = "0123456789abcdef";
	char *w = out;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*w++ = '-';
		*w++ = hex[h[i] >> 4];
		*w++ = hex[h[i] & 15];
	}
	*w = '\0';
}

static bool is_url(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

/* ---- storing a package -------------------------------------------------- */

static const char *nz(const char *s)
{
	return s ? s : "";
}

static enum eb_err store_rows(struct db *db, int64_t district_id, const struct framework_in *f,
			      int64_t actor_account_id, int64_t now, int64_t *id, bool *updated)
{
	int64_t fid = 0;
	enum eb_err rc = db_get_int(
		db, "SELECT id FROM framework WHERE district_id = ?1 AND identifier = ?2",
		DB_ARGS(DB_INT(district_id), DB_TEXT(f->identifier)), &fid);
	bool existed = rc == EB_OK;
	if (rc && rc != EB_ENOTFOUND)
		return rc;
	if (existed) {
		rc = db_execute(
			db,
			"UPDATE framework SET uri = ?3, title = ?4, creator = ?5, publisher = ?6,"
			" version = ?7, adoption_status = ?8, last_change = ?9, case_format = ?10,"
			" source = ?11, items = ?12, associations = ?13, imported_at = ?14,"
			" imported_by = ?15 WHERE district_id = ?1 AND id = ?2",
			DB_ARGS(DB_INT(district_id), DB_INT(fid), DB_TEXT(nz(f->uri)),
				DB_TEXT(f->title), DB_TEXT(nz(f->creator)),
				DB_TEXT(nz(f->publisher)), DB_TEXT(nz(f->version)),
				DB_TEXT(nz(f->adoption_status)), DB_TEXT(nz(f->last_change)),
				DB_TEXT(f->case_format), DB_TEXT(nz(f->source)), DB_INT(f->nitems),
				DB_INT(f->nassocs), DB_INT(now),
				DB_INT_IF(actor_account_id > 0, actor_account_id)),
			NULL);
		if (!rc)
			rc = db_execute(db,
					"DELETE FROM framework_item WHERE district_id = ?1"
					" AND framework_id = ?2",
					DB_ARGS(DB_INT(district_id), DB_INT(fid)), NULL);
		if (!rc)
			rc = db_execute(db,
					"DELETE FROM framework_assoc WHERE district_id = ?1"
					" AND framework_id = ?2",
					DB_ARGS(DB_INT(district_id), DB_INT(fid)), NULL);
	} else {
		rc = db_execute(
			db,
			"INSERT INTO framework (district_id, identifier, uri, title, creator,"
			" publisher, version, adoption_status, last_change, case_format, source,"
			" items, associations, imported_at, imported_by)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
			"?15)",
			DB_ARGS(DB_INT(district_id), DB_TEXT(f->identifier), DB_TEXT(nz(f->uri)),
				DB_TEXT(f->title), DB_TEXT(nz(f->creator)),
				DB_TEXT(nz(f->publisher)), DB_TEXT(nz(f->version)),
				DB_TEXT(nz(f->adoption_status)), DB_TEXT(nz(f->last_change)),
				DB_TEXT(f->case_format), DB_TEXT(nz(f->source)), DB_INT(f->nitems),
				DB_INT(f->nassocs), DB_INT(now),
				DB_INT_IF(actor_account_id > 0, actor_account_id)),
			NULL);
		fid = db_last_id(db);
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < f->nitems && !rc; i++) {
		const struct framework_item_in *it = &f->items[i];
		rc = db_execute(
			db,
			"INSERT INTO framework_item (district_id, framework_id, identifier, uri, "
			"code,"
			" statement, abbreviated, item_type, grades, list_enum, parent, seq)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
			DB_ARGS(DB_INT(district_id), DB_INT(fid), DB_TEXT(it->identifier),
				DB_TEXT(nz(it->uri)), DB_TEXT(nz(it->code)),
				DB_TEXT(nz(it->statement)), DB_TEXT(nz(it->abbreviated)),
				DB_TEXT(nz(it->item_type)), DB_TEXT(nz(it->grades)),
				DB_TEXT(nz(it->list_enum)), DB_TEXT(it->parent), DB_INT(i)),
			NULL);
	}
	for (size_t i = 0; i < f->nassocs && !rc; i++) {
		const struct framework_assoc_in *as = &f->assocs[i];
		rc = db_execute(
			db,
			"INSERT INTO framework_assoc (district_id, framework_id, identifier, kind,"
			" origin, dest, dest_uri, dest_title, seq, inside)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			DB_ARGS(DB_INT(district_id), DB_INT(fid), DB_TEXT(as->identifier),
				DB_TEXT(as->kind), DB_TEXT(as->origin), DB_TEXT(as->dest),
				DB_TEXT(nz(as->dest_uri)), DB_TEXT(nz(as->dest_title)),
				DB_INT_IF(as->seq >= 0, as->seq), DB_INT(as->inside ? 1 : 0)),
			NULL);
	}
	if (rc)
		return rc;
	if ((rc = frameworks_rebuild_crosswalk(db, district_id)))
		return rc;
	if (id)
		*id = fid;
	if (updated)
		*updated = existed;
	return EB_OK;
}

enum eb_err frameworks_delete(struct db *db, int64_t district_id, int64_t framework_id)
{
	int changes = 0;
	enum eb_err rc = db_execute(db, "DELETE FROM framework WHERE district_id = ?1 AND id = ?2",
				    DB_ARGS(DB_INT(district_id), DB_INT(framework_id)), &changes);
	if (rc)
		return rc;
	if (!changes)
		return EB_ENOTFOUND;
	return frameworks_rebuild_crosswalk(db, district_id);
}

/* ---- the crosswalk ------------------------------------------------------ */

struct xw_item {
	int64_t framework_id;
	char *identifier, *uri, *code;
	char self[FRAMEWORKS_CODE_MAX];
	char uuid5[37];
	bool mapped; /* counts for at least one CCSS code */
};

DB_ROWSPEC(xw_item_spec, struct xw_item, NULL, DB_FIELD_INT(struct xw_item, framework_id),
	   DB_FIELD_STR(struct xw_item, identifier), DB_FIELD_STR(struct xw_item, uri),
	   DB_FIELD_STR(struct xw_item, code));

struct xw_assoc {
	char *kind, *origin, *dest, *dest_uri, *dest_title;
};

DB_ROWSPEC(xw_assoc_spec, struct xw_assoc, NULL, DB_FIELD_STR(struct xw_assoc, kind),
	   DB_FIELD_STR(struct xw_assoc, origin), DB_FIELD_STR(struct xw_assoc, dest),
	   DB_FIELD_STR(struct xw_assoc, dest_uri), DB_FIELD_STR(struct xw_assoc, dest_title));

/* Every name of item i into the index (first item wins a shared name). */
static enum eb_err index_item(struct hashset *h, struct xw_item *it, int32_t i)
{
	const char *names[] = { it->identifier, it->uri, it->uuid5 };
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		if (!names[k][0])
			continue;
		enum eb_err rc = hs_put(h, str_from(names[k]), i, NULL);
		if (rc && rc != EB_EEXIST)
			return rc;
	}
	return EB_OK;
}

static enum eb_err xw_insert(struct db *db, int64_t district_id, struct xw_item *it,
			     const char *ccss, const char *via, int rank)
{
	it->mapped = true;
	const char *keys[] = { it->identifier, it->uri, it->code, it->uuid5 };
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		if (!keys[k][0])
			continue;
		enum eb_err rc = db_execute(
			db,
			"INSERT INTO framework_ccss (district_id, key, ccss_code, via, rank,"
			" framework_id, item_identifier) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
			" ON CONFLICT (district_id, key, ccss_code) DO UPDATE SET"
			" via = CASE WHEN excluded.rank < framework_ccss.rank THEN excluded.via"
			" ELSE framework_ccss.via END,"
			" rank = CASE WHEN excluded.rank < framework_ccss.rank THEN excluded.rank"
			" ELSE framework_ccss.rank END",
			DB_ARGS(DB_INT(district_id), DB_TEXT(keys[k]), DB_TEXT(ccss), DB_TEXT(via),
				DB_INT(rank), DB_INT(it->framework_id), DB_TEXT(it->identifier)),
			NULL);
		if (rc)
			return rc;
	}
	return EB_OK;
}

static bool own_token(const char *id)
{
	size_t n = strlen(id);
	if (n < 1 || n > 64)
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return false;
	return true;
}

/* The own key of an item (FRAMEWORKS_OWN_PREFIX + identifier or its UUIDv5). */
static void own_key(const char *identifier, char out[FRAMEWORKS_CODE_MAX])
{
	char u[37];
	if (!own_token(identifier))
		uuid5_url(identifier, u);
	snprintf(out, FRAMEWORKS_CODE_MAX, "%s%s", FRAMEWORKS_OWN_PREFIX,
		 own_token(identifier) ? identifier : u);
}

/* Every name of an item without a CCSS match -> its own key; the key names
 * itself too. */
static enum eb_err own_insert(struct db *db, int64_t district_id, const struct xw_item *it)
{
	char own[FRAMEWORKS_CODE_MAX];
	own_key(it->identifier, own);
	const char *keys[] = { it->identifier, it->uri, it->code, it->uuid5, own };
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		if (!keys[k][0])
			continue;
		enum eb_err rc = db_execute(
			db,
			"INSERT INTO framework_own (district_id, key, own_code, framework_id,"
			" item_identifier) VALUES (?1, ?2, ?3, ?4, ?5)"
			" ON CONFLICT (district_id, key, own_code) DO NOTHING",
			DB_ARGS(DB_INT(district_id), DB_TEXT(keys[k]), DB_TEXT(own),
				DB_INT(it->framework_id), DB_TEXT(it->identifier)),
			NULL);
		if (rc)
			return rc;
	}
	return EB_OK;
}

/* The CCSS code an association end names: an item of the district that is
 * a CCSS standard, else a reference that spells a CCSS code. */
static const char *end_ccss(const struct hashset *h, const struct xw_item *items, const char *id,
			    const char *uri, const char *title, char *tmp, size_t cap)
{
	int32_t j;
	if ((hs_get(h, str_from(id), &j) || (uri[0] && hs_get(h, str_from(uri), &j))) &&
	    items[j].self[0])
		return items[j].self;
	if (ccss_of_reference(uri, tmp, cap) || ccss_of_reference(id, tmp, cap) ||
	    ccss_of_code(title, tmp, cap))
		return tmp;
	return NULL;
}

/* A framework is thousands of rows (the CCSS: 1,171 items, 6,735
 * associations) in a transaction that its callers roll back on any failure:
 * on PostgreSQL its writes go without a savepoint each, sent in pipeline
 * mode (db_set_statement_guard), about 6 round trips in all where there were
 * 3 per row. */
enum eb_err frameworks_store(struct db *db, int64_t district_id, const struct framework_in *f,
			     int64_t actor_account_id, int64_t now, int64_t *id, bool *updated)
{
	bool guard = db_set_statement_guard(db, false);
	enum eb_err rc = store_rows(db, district_id, f, actor_account_id, now, id, updated);
	db_set_statement_guard(db, guard);
	return rc;
}

enum eb_err frameworks_rebuild_crosswalk(struct db *db, int64_t district_id)
{
	struct arena a;
	arena_init(&a);
	struct hashset h;
	hs_init(&h);
	struct xw_item *items = NULL;
	struct xw_assoc *as = NULL;
	size_t ni = 0, na = 0;
	enum eb_err rc = db_execute(db, "DELETE FROM framework_ccss WHERE district_id = ?1",
				    DB_ARGS(DB_INT(district_id)), NULL);
	if (!rc)
		rc = db_execute(db, "DELETE FROM framework_own WHERE district_id = ?1",
				DB_ARGS(DB_INT(district_id)), NULL);
	if (rc)
		goto out;
	if ((rc = db_get_rows(db,
			      "SELECT framework_id, identifier, uri, code FROM framework_item"
			      " WHERE district_id = ?1 ORDER BY framework_id, seq",
			      DB_ARGS(DB_INT(district_id)), &xw_item_spec, &a, &items, &ni)))
		goto out;
	for (size_t i = 0; i < ni; i++) {
		struct xw_item *it = &items[i];
		if (it->code[0] && !ccss_of_code(it->code, it->self, sizeof it->self))
			it->self[0] = '\0';
		if (is_url(it->identifier))
			uuid5_url(it->identifier, it->uuid5);
		if ((rc = index_item(&h, it, (int32_t)i)))
			goto out;
		if (it->self[0] && (rc = xw_insert(db, district_id, it, it->self, "self", 0)))
			goto out;
	}
	if ((rc = db_get_rows(db,
			      "SELECT kind, origin, dest, dest_uri, dest_title FROM framework_assoc"
			      " WHERE district_id = ?1 AND kind IN ('exactMatchOf', 'isRelatedTo')"
			      " ORDER BY framework_id, id",
			      DB_ARGS(DB_INT(district_id)), &xw_assoc_spec, &a, &as, &na)))
		goto out;
	for (size_t k = 0; k < na; k++) {
		bool exact = !strcmp(as[k].kind, "exactMatchOf");
		char tmp[FRAMEWORKS_CODE_MAX];
		int32_t o, d;
		/* origin -> the CCSS code the destination names */
		if (hs_get(&h, str_from(as[k].origin), &o) && !items[o].self[0]) {
			const char *c = end_ccss(&h, items, as[k].dest, as[k].dest_uri,
						 as[k].dest_title, tmp, sizeof tmp);
			if (c &&
			    (rc = xw_insert(db, district_id, &items[o], c,
					    exact ? "exactMatchOf" : "isRelatedTo", exact ? 1 : 2)))
				goto out;
		}
		/* and back: a CCSS item that names an item of another framework */
		if (hs_get(&h, str_from(as[k].dest), &d) && !items[d].self[0] &&
		    hs_get(&h, str_from(as[k].origin), &o) && items[o].self[0] &&
		    (rc = xw_insert(db, district_id, &items[d], items[o].self,
				    exact ? "exactMatchOf" : "isRelatedTo", exact ? 1 : 2)))
			goto out;
	}
	/* what counts for no CCSS code gets mastery of its own */
	for (size_t i = 0; i < ni; i++)
		if (!items[i].mapped && (rc = own_insert(db, district_id, &items[i])))
			goto out;
out:
	hs_free(&h);
	arena_free(&a);
	return rc;
}

/* ---- look-ups ----------------------------------------------------------- */

enum eb_err frameworks_resolve(struct db *db, int64_t district_id, const char *id_or_code,
			       char (*codes)[FRAMEWORKS_CODE_MAX], size_t cap, size_t *n)
{
	*n = 0;
	if (!id_or_code || !*id_or_code || cap == 0)
		return EB_OK;
	if (ccss_of_code(id_or_code, codes[0], FRAMEWORKS_CODE_MAX)) {
		*n = 1;
		return EB_OK;
	}
	if (strlen(id_or_code) > 2048)
		return EB_OK;
	/* only the best rank an item has: exact matches hide related ones */
	struct db_stmt *st;
	enum eb_err rc =
		db_query(db,
			 "SELECT ccss_code, rank FROM framework_ccss WHERE district_id = ?1"
			 " AND key = ?2 ORDER BY rank, ccss_code",
			 DB_ARGS(DB_INT(district_id), DB_TEXT(id_or_code)), &st);
	if (rc)
		return rc;
	int64_t best = -1;
	while (db_next(st) && *n < cap && *n < FRAMEWORKS_RESOLVE_MAX) {
		int64_t rank = db_col_int(st, 1);
		if (best >= 0 && rank != best)
			break;
		best = rank;
		db_col_copy(st, 0, codes[*n], FRAMEWORKS_CODE_MAX);
		(*n)++;
	}
	if ((rc = db_done(st)) || *n)
		return rc;
	/* no CCSS code: the item's own key (first framework wins a shared name) */
	if ((rc = db_query(db,
			   "SELECT own_code FROM framework_own WHERE district_id = ?1 AND key = ?2"
			   " ORDER BY framework_id, own_code LIMIT 1",
			   DB_ARGS(DB_INT(district_id), DB_TEXT(id_or_code)), &st)))
		return rc;
	if (db_next(st)) {
		db_col_copy(st, 0, codes[0], FRAMEWORKS_CODE_MAX);
		*n = 1;
	}
	return db_done(st);
}

bool frameworks_is_own_key(const char *code)
{
	return code && !strncmp(code, FRAMEWORKS_OWN_PREFIX, sizeof FRAMEWORKS_OWN_PREFIX - 1);
}

size_t frameworks_prereqs(struct db *db, int64_t district_id, const char *ccss_code,
			  char (*out)[FRAMEWORKS_CODE_MAX], size_t cap)
{
	size_t n = 0;
	struct db_stmt *st;
	/* a.origin precedes a.dest: the origin is a prerequisite of the dest;
	 * isPeerOf links both ways */
	if (db_query(db,
		     "SELECT DISTINCT o.ccss_code FROM framework_assoc a"
		     " JOIN framework_ccss d ON d.district_id = a.district_id"
		     "  AND d.framework_id = a.framework_id AND d.item_identifier = a.dest"
		     "  AND d.key = a.dest"
		     " JOIN framework_ccss o ON o.district_id = a.district_id"
		     "  AND o.framework_id = a.framework_id AND o.item_identifier = a.origin"
		     "  AND o.key = a.origin"
		     " WHERE a.district_id = ?1 AND a.kind IN ('precedes', 'isPeerOf')"
		     "  AND d.ccss_code = ?2 AND o.ccss_code <> ?2"
		     " UNION"
		     " SELECT DISTINCT d.ccss_code FROM framework_assoc a"
		     " JOIN framework_ccss d ON d.district_id = a.district_id"
		     "  AND d.framework_id = a.framework_id AND d.item_identifier = a.dest"
		     "  AND d.key = a.dest"
		     " JOIN framework_ccss o ON o.district_id = a.district_id"
		     "  AND o.framework_id = a.framework_id AND o.item_identifier = a.origin"
		     "  AND o.key = a.origin"
		     " WHERE a.district_id = ?1 AND a.kind = 'isPeerOf'"
		     "  AND o.ccss_code = ?2 AND d.ccss_code <> ?2"
		     " ORDER BY 1",
		     DB_ARGS(DB_INT(district_id), DB_TEXT(ccss_code)), &st))
		return 0;
	while (db_next(st)) {
		if (n < cap)
			db_col_copy(st, 0, out[n], FRAMEWORKS_CODE_MAX);
		n++;
	}
	if (db_done(st))
		return 0;
	return n;
}

/* ---- reading, for the pages --------------------------------------------- */

enum eb_err frameworks_mapped(struct db *db, int64_t district_id, int64_t framework_id, int64_t *n)
{
	return db_get_int(db,
			  "SELECT count(DISTINCT item_identifier) FROM framework_ccss"
			  " WHERE district_id = ?1 AND framework_id = ?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(framework_id)), n);
}

DB_ROWSPEC(framework_spec, struct framework_row, NULL, DB_FIELD_INT(struct framework_row, id),
	   DB_FIELD_STR(struct framework_row, identifier),
	   DB_FIELD_STR(struct framework_row, title), DB_FIELD_STR(struct framework_row, creator),
	   DB_FIELD_STR(struct framework_row, publisher),
	   DB_FIELD_STR(struct framework_row, version),
	   DB_FIELD_STR(struct framework_row, adoption_status),
	   DB_FIELD_STR(struct framework_row, last_change),
	   DB_FIELD_STR(struct framework_row, case_format),
	   DB_FIELD_STR(struct framework_row, source), DB_FIELD_INT(struct framework_row, items),
	   DB_FIELD_INT(struct framework_row, associations),
	   DB_FIELD_INT(struct framework_row, imported_at),
	   DB_FIELD_INT(struct framework_row, mapped), DB_FIELD_INT(struct framework_row, primary));

#define FRAMEWORK_COLUMNS                                                                          \
	"SELECT f.id, f.identifier, f.title, f.creator, f.publisher, f.version,"                   \
	" f.adoption_status, f.last_change, f.case_format, f.source, f.items, f.associations,"     \
	" f.imported_at,"                                                                          \
	" (SELECT count(DISTINCT c.item_identifier) FROM framework_ccss c"                         \
	"   WHERE c.district_id = f.district_id AND c.framework_id = f.id),"                       \
	" CASE WHEN p.framework_id = f.id THEN 1 ELSE 0 END"                                       \
	" FROM framework f LEFT JOIN framework_primary p ON p.district_id = f.district_id"

enum eb_err frameworks_list(struct db *db, int64_t district_id, struct arena *a,
			    struct framework_row **rows, size_t *n)
{
	return db_get_rows(db, FRAMEWORK_COLUMNS " WHERE f.district_id = ?1 ORDER BY f.title, f.id",
			   DB_ARGS(DB_INT(district_id)), &framework_spec, a, rows, n);
}

enum eb_err frameworks_get(struct db *db, int64_t district_id, int64_t framework_id,
			   struct arena *a, struct framework_row *row)
{
	return db_get_row(db, FRAMEWORK_COLUMNS " WHERE f.district_id = ?1 AND f.id = ?2",
			  DB_ARGS(DB_INT(district_id), DB_INT(framework_id)), &framework_spec, a,
			  row);
}

struct item_flat {
	char *identifier, *code, *statement, *item_type, *grades, *parent, *ccss;
	int64_t seq;
};

DB_ROWSPEC(item_flat_spec, struct item_flat, NULL, DB_FIELD_STR(struct item_flat, identifier),
	   DB_FIELD_STR(struct item_flat, code), DB_FIELD_STR(struct item_flat, statement),
	   DB_FIELD_STR(struct item_flat, item_type), DB_FIELD_STR(struct item_flat, grades),
	   DB_FIELD_TEXT(struct item_flat, parent), DB_FIELD_STR(struct item_flat, ccss),
	   DB_FIELD_INT(struct item_flat, seq));

struct tree_walk {
	const struct item_flat *flat;
	size_t nflat;
	struct hashset byid;
	int32_t *first_child, *next_sibling;
	bool *placed;
	struct framework_item_row *out;
	size_t n, max;
};

static void tree_emit(struct tree_walk *w, int32_t i, int depth)
{
	/* iterative over siblings, recursive over depth (a CASE tree is shallow;
	 * cycles were refused at import, and placed[] guards anyway) */
	for (; i >= 0 && w->n < w->max; i = w->next_sibling[i]) {
		if (w->placed[i])
			continue;
		w->placed[i] = true;
		const struct item_flat *f = &w->flat[i];
		w->out[w->n++] = (struct framework_item_row){ f->identifier, f->code,
							      f->statement,  f->item_type,
							      f->grades,     f->parent,
							      f->ccss,	     depth };
		if (depth < 32)
			tree_emit(w, w->first_child[i], depth + 1);
	}
}

enum eb_err frameworks_items(struct db *db, int64_t district_id, int64_t framework_id, size_t max,
			     struct arena *a, struct framework_item_row **rows, size_t *n)
{
	struct tree_walk w = { 0 };
	hs_init(&w.byid);
	*rows = NULL;
	*n = 0;
	struct item_flat *flat = NULL;
	enum eb_err rc = db_get_rows(
		db,
		"SELECT i.identifier, i.code, i.statement, i.item_type, i.grades, i.parent,"
		" coalesce((SELECT group_concat(c.ccss_code, ', ') FROM framework_ccss c"
		"   WHERE c.district_id = i.district_id AND c.framework_id = i.framework_id"
		"   AND c.key = i.identifier), ''), i.seq"
		" FROM framework_item i WHERE i.district_id = ?1 AND i.framework_id = ?2"
		" ORDER BY i.seq",
		DB_ARGS(DB_INT(district_id), DB_INT(framework_id)), &item_flat_spec, a, &flat,
		&w.nflat);
	if (rc)
		goto out;
	w.flat = flat;
	w.max = max;
	w.first_child = arena_alloc(a, (w.nflat + 1) * sizeof(int32_t));
	w.next_sibling = arena_alloc(a, (w.nflat + 1) * sizeof(int32_t));
	w.placed = arena_zalloc(a, w.nflat + 1);
	w.out = arena_alloc(a, (w.nflat < max ? w.nflat : max) * sizeof *w.out + 1);
	if (!w.first_child || !w.next_sibling || !w.placed || !w.out) {
		rc = EB_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < w.nflat; i++) {
		w.first_child[i] = w.next_sibling[i] = -1;
		if ((rc = hs_put(&w.byid, str_from(flat[i].identifier), (int32_t)i, NULL)) &&
		    rc != EB_EEXIST)
			goto out;
		rc = EB_OK;
	}
	/* children lists in package order: link from the back */
	int32_t top = -1, *last_top = &top;
	int32_t *tail = arena_alloc(a, (w.nflat + 1) * sizeof(int32_t));
	if (!tail) {
		rc = EB_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < w.nflat; i++)
		tail[i] = -1;
	for (size_t i = 0; i < w.nflat; i++) {
		int32_t p;
		if (flat[i].parent && hs_get(&w.byid, str_from(flat[i].parent), &p)) {
			if (tail[p] < 0)
				w.first_child[p] = (int32_t)i;
			else
				w.next_sibling[tail[p]] = (int32_t)i;
			tail[p] = (int32_t)i;
		} else {
			*last_top = (int32_t)i;
			last_top = &w.next_sibling[i];
		}
	}
	tree_emit(&w, top, 0);
	*rows = w.out;
	*n = w.n;
out:
	hs_free(&w.byid);
	return rc;
}

enum eb_err frameworks_primary(struct db *db, int64_t district_id, int64_t *framework_id)
{
	*framework_id = 0;
	enum eb_err rc = db_get_int(db,
				    "SELECT coalesce(framework_id, 0) FROM framework_primary"
				    " WHERE district_id = ?1",
				    DB_ARGS(DB_INT(district_id)), framework_id);
	return rc == EB_ENOTFOUND ? EB_OK : rc;
}

enum eb_err frameworks_set_primary(struct db *db, int64_t district_id, int64_t framework_id,
				   int64_t actor_account_id, int64_t now)
{
	if (framework_id) {
		int64_t one;
		enum eb_err rc = db_get_int(db,
					    "SELECT 1 FROM framework WHERE district_id = ?1"
					    " AND id = ?2",
					    DB_ARGS(DB_INT(district_id), DB_INT(framework_id)),
					    &one);
		if (rc)
			return rc;
	}
	return db_execute(db,
			  "INSERT INTO framework_primary (district_id, framework_id, chosen_by,"
			  " chosen_at) VALUES (?1, ?2, ?3, ?4)"
			  " ON CONFLICT (district_id) DO UPDATE SET"
			  " framework_id = excluded.framework_id, chosen_by = excluded.chosen_by,"
			  " chosen_at = excluded.chosen_at",
			  DB_ARGS(DB_INT(district_id), DB_INT_IF(framework_id > 0, framework_id),
				  DB_INT_IF(actor_account_id > 0, actor_account_id), DB_INT(now)),
			  NULL);
}

enum eb_err frameworks_primary_label(struct db *db, int64_t district_id, const char *ccss_code,
				     char *out, size_t cap)
{
	out[0] = '\0';
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT i.code, i.statement FROM framework_primary p"
		" JOIN framework_ccss c ON c.district_id = p.district_id"
		"  AND c.framework_id = p.framework_id AND c.ccss_code = ?2"
		"  AND c.key = c.item_identifier"
		" JOIN framework_item i ON i.district_id = c.district_id"
		"  AND i.framework_id = c.framework_id AND i.identifier = c.item_identifier"
		" WHERE p.district_id = ?1 ORDER BY c.rank, i.seq LIMIT 1",
		DB_ARGS(DB_INT(district_id), DB_TEXT(ccss_code)), &st);
	if (rc)
		return rc;
	if (db_next(st)) {
		const char *code = db_col_text(st, 0);
		if (code && *code) {
			db_col_copy(st, 0, out, cap);
		} else {
			db_col_copy(st, 1, out, cap < 61 ? cap : 61);
		}
	}
	return db_done(st);
}

/* ---- labels ------------------------------------------------------------- */

struct label_pair {
	const char *code, *label;
};

struct own_memo {
	struct own_memo *next;
	const char *key, *label;
};

struct frameworks_labels {
	struct db *db;
	int64_t district_id;
	struct arena *a;
	bool primary;
	struct label_pair *v; /* the primary's labels by CCSS code, sorted */
	size_t n;
	struct own_memo *own; /* own keys looked up so far */
};

/* An item's label: its code, else the start of its statement (60 bytes, cut
 * on a UTF-8 boundary). */
static const char *item_label(struct arena *a, const char *code, const char *statement)
{
	if (code && *code)
		return arena_strdup(a, code);
	if (!statement)
		return NULL;
	size_t n = strlen(statement);
	if (n > 60) {
		n = 60;
		while (n > 0 && ((unsigned char)statement[n] & 0xc0) == 0x80)
			n--;
	}
	return n ? arena_strndup(a, statement, n) : NULL;
}

enum eb_err frameworks_labels_load(struct db *db, int64_t district_id, struct arena *a,
				   struct frameworks_labels **out)
{
	struct frameworks_labels *l = arena_zalloc(a, sizeof *l);
	*out = l;
	if (!l)
		return EB_ENOMEM;
	l->db = db;
	l->district_id = district_id;
	l->a = a;
	size_t cap = 0;
	struct db_stmt *st;
	enum eb_err rc = db_query(
		db,
		"SELECT c.ccss_code, i.code, i.statement FROM framework_primary p"
		" JOIN framework_ccss c ON c.district_id = p.district_id"
		"  AND c.framework_id = p.framework_id AND c.key = c.item_identifier"
		" JOIN framework_item i ON i.district_id = c.district_id"
		"  AND i.framework_id = c.framework_id AND i.identifier = c.item_identifier"
		" WHERE p.district_id = ?1 AND p.framework_id IS NOT NULL"
		" ORDER BY c.ccss_code, c.rank, i.seq",
		DB_ARGS(DB_INT(district_id)), &st);
	if (rc)
		return rc;
	while (db_next(st)) {
		const char *code = db_col_text(st, 0);
		if (!code || (l->n && !strcmp(l->v[l->n - 1].code, code)))
			continue; /* the best item of a code comes first */
		const char *lab = item_label(a, db_col_text(st, 1), db_col_text(st, 2));
		if (!lab)
			continue;
		if (l->n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct label_pair *nv = arena_alloc(a, nc * sizeof *nv);
			if (!nv) {
				db_fail(st, EB_ENOMEM);
				break;
			}
			if (l->n)
				memcpy(nv, l->v, l->n * sizeof *nv);
			l->v = nv;
			cap = nc;
		}
		l->v[l->n].code = arena_strdup(a, code);
		l->v[l->n].label = lab;
		l->n++;
	}
	if ((rc = db_done(st))) {
		l->n = 0;
		return rc;
	}
	int64_t fid = 0;
	if (!frameworks_primary(db, district_id, &fid))
		l->primary = fid != 0;
	return EB_OK;
}

static int label_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct label_pair *)e)->code);
}

const char *frameworks_label(struct frameworks_labels *l, const char *code)
{
	if (!code)
		return "";
	if (!l)
		return code;
	if (!frameworks_is_own_key(code)) {
		const struct label_pair *p =
			l->n ? bsearch(code, l->v, l->n, sizeof *l->v, label_cmp) : NULL;
		return p ? p->label : code;
	}
	for (struct own_memo *m = l->own; m; m = m->next)
		if (!strcmp(m->key, code))
			return m->label;
	const char *lab = NULL;
	struct db_stmt *st;
	if (!db_query(l->db,
		      "SELECT i.code, i.statement FROM framework_own o"
		      " JOIN framework_item i ON i.district_id = o.district_id"
		      "  AND i.framework_id = o.framework_id AND i.identifier = o.item_identifier"
		      " WHERE o.district_id = ?1 AND o.own_code = ?2 AND o.key = o.own_code"
		      " ORDER BY o.framework_id LIMIT 1",
		      DB_ARGS(DB_INT(l->district_id), DB_TEXT(code)), &st)) {
		if (db_next(st))
			lab = item_label(l->a, db_col_text(st, 0), db_col_text(st, 1));
		if (db_done(st))
			lab = NULL;
	}
	struct own_memo *m = arena_alloc(l->a, sizeof *m);
	if (!m)
		return lab ? lab : code;
	m->key = arena_strdup(l->a, code);
	m->label = lab ? lab : m->key;
	m->next = l->own;
	l->own = m;
	return m->label ? m->label : code;
}

bool frameworks_labels_primary(const struct frameworks_labels *l)
{
	return l && l->primary;
}

/* ---- prerequisite links ------------------------------------------------- */

struct link_edge {
	const char *pre, *post;
};

struct frameworks_links {
	struct link_edge *by_post, *by_pre; /* the same edges, sorted two ways */
	size_t n;
};

struct end_row {
	char *key, *code;
};

DB_ROWSPEC(end_row_spec, struct end_row, NULL, DB_FIELD_STR(struct end_row, key),
	   DB_FIELD_STR(struct end_row, code));

static int edge_post_cmp(const void *x, const void *y)
{
	const struct link_edge *a = x, *b = y;
	int c = strcmp(a->post, b->post);
	return c ? c : strcmp(a->pre, b->pre);
}

static int edge_pre_cmp(const void *x, const void *y)
{
	const struct link_edge *a = x, *b = y;
	int c = strcmp(a->pre, b->pre);
	return c ? c : strcmp(a->post, b->post);
}

/* Codes of an item identifier: the run of ends[] from hs index. */
static size_t ends_of(const struct hashset *h, const struct end_row *ends, size_t nends,
		      const char *id, const struct end_row **first)
{
	int32_t i;
	if (!hs_get(h, str_from(id), &i))
		return 0;
	size_t k = (size_t)i;
	*first = &ends[k];
	size_t n = 0;
	while (k + n < nends && !strcmp(ends[k + n].key, id))
		n++;
	return n;
}

enum eb_err frameworks_links_load(struct db *db, int64_t district_id, struct arena *a,
				  struct frameworks_links **out)
{
	struct frameworks_links *l = arena_zalloc(a, sizeof *l);
	*out = l;
	if (!l)
		return EB_ENOMEM;
	struct hashset h;
	hs_init(&h);
	struct end_row *ends = NULL;
	struct xw_assoc *as = NULL;
	size_t nends = 0, na = 0;
	struct arena tmp;
	arena_init(&tmp);
	/* each item identifier -> its best-rank CCSS codes, else its own key */
	enum eb_err rc = db_get_rows(
		db,
		"SELECT c.key, c.ccss_code FROM framework_ccss c"
		" WHERE c.district_id = ?1 AND c.key = c.item_identifier AND c.rank ="
		" (SELECT min(b.rank) FROM framework_ccss b WHERE b.district_id = c.district_id"
		"  AND b.key = c.key)"
		" UNION ALL SELECT o.key, o.own_code FROM framework_own o"
		" WHERE o.district_id = ?1 AND o.key = o.item_identifier"
		" ORDER BY 1, 2",
		DB_ARGS(DB_INT(district_id)), &end_row_spec, a, &ends, &nends);
	if (rc)
		goto out;
	for (size_t i = 0; i < nends; i++)
		if ((rc = hs_put(&h, str_from(ends[i].key), (int32_t)i, NULL)) && rc != EB_EEXIST)
			goto out;
	rc = EB_OK;
	if ((rc = db_get_rows(db,
			      "SELECT kind, origin, dest, dest_uri, dest_title FROM framework_assoc"
			      " WHERE district_id = ?1 AND kind IN ('precedes', 'isPeerOf')"
			      " ORDER BY framework_id, id",
			      DB_ARGS(DB_INT(district_id)), &xw_assoc_spec, &tmp, &as, &na)))
		goto out;
	size_t cap = 0;
	for (size_t k = 0; k < na; k++) {
		const struct end_row *o, *d;
		size_t no = ends_of(&h, ends, nends, as[k].origin, &o);
		size_t nd = ends_of(&h, ends, nends, as[k].dest, &d);
		bool peer = !strcmp(as[k].kind, "isPeerOf");
		for (size_t i = 0; i < no; i++)
			for (size_t j = 0; j < nd; j++)
				for (int w = 0; w < (peer ? 2 : 1); w++) {
					const char *pre = w ? d[j].code : o[i].code;
					const char *post = w ? o[i].code : d[j].code;
					if (!strcmp(pre, post))
						continue;
					if (l->n == cap) {
						size_t nc = cap ? cap * 2 : 64;
						struct link_edge *nv =
							arena_alloc(a, nc * sizeof *nv);
						if (!nv) {
							rc = EB_ENOMEM;
							goto out;
						}
						if (l->n)
							memcpy(nv, l->by_post, l->n * sizeof *nv);
						l->by_post = nv;
						cap = nc;
					}
					l->by_post[l->n].pre = pre;
					l->by_post[l->n].post = post;
					l->n++;
				}
	}
	if (l->n) {
		qsort(l->by_post, l->n, sizeof *l->by_post, edge_post_cmp);
		l->by_pre = arena_alloc(a, l->n * sizeof *l->by_pre);
		if (!l->by_pre) {
			rc = EB_ENOMEM;
			goto out;
		}
		memcpy(l->by_pre, l->by_post, l->n * sizeof *l->by_pre);
		qsort(l->by_pre, l->n, sizeof *l->by_pre, edge_pre_cmp);
	}
out:
	if (rc)
		l->n = 0;
	hs_free(&h);
	arena_free(&tmp);
	return rc;
}

static bool seen(const char **out, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(out[i], s))
			return true;
	return false;
}

size_t frameworks_links_of(const struct frameworks_links *l, const char *code, int dir,
			   const char **out, size_t cap)
{
	size_t n = 0;
	if (!code)
		return 0;
	const struct standard *s = standards_find(code), *cl[64];
	if (s) {
		size_t nc = dir ? standards_successors(s, cl, 64) : standards_prereqs(s, cl, 64);
		for (size_t i = 0; i < nc && i < 64 && n < cap; i++)
			if (!seen(out, n, cl[i]->code))
				out[n++] = cl[i]->code;
		code = s->code;
	}
	if (!l || !l->n)
		return n;
	const struct link_edge *v = dir ? l->by_pre : l->by_post;
	/* lower bound of code in v */
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(dir ? v[mid].pre : v[mid].post, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < l->n && n < cap; i++) {
		const char *k = dir ? v[i].pre : v[i].post;
		if (strcmp(k, code))
			break;
		const char *other = dir ? v[i].post : v[i].pre;
		if (strcmp(other, code) && !seen(out, n, other))
			out[n++] = other;
	}
	return n;
}
