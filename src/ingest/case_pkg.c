/* case_pkg.c - reading and checking a CASE CFPackage (case_pkg.h). */
#include "ingest/case_pkg.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/hashset.h"
#include "base/json.h"
#include "base/str.h"
#include "domain/activity.h"
#include "store/db.h"

#define ID_MAX 1024

struct pkg_errs {
	struct buf *b;
	size_t n;
};

static void perr(struct pkg_errs *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void perr(struct pkg_errs *e, const char *fmt, ...)
{
	if (e->n++ >= CASE_PKG_ERRS_MAX || !e->b)
		return;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(e->b, fmt, ap);
	va_end(ap);
	buf_putc(e->b, '\n');
}

/* A string member, "" when absent or not a string. */
static const char *sget(const struct jv *o, const char *key)
{
	const char *s = jv_str(jv_get(o, key));
	return s ? s : "";
}

/* A link object's member ({title, identifier, uri}); the draft format sends
 * some links as plain strings, read as the uri. */
static const char *link_get(const struct jv *o, const char *key, const char *member)
{
	const struct jv *l = jv_get(o, key);
	if (jv_is_string(l))
		return strcmp(member, "uri") ? "" : jv_str(l);
	return sget(l, member);
}

/* An identifier: 1..ID_MAX bytes, no control characters or blanks at the
 * ends (UUIDs in CASE 1.0; URLs and URNs in the drafts and in outside
 * references). */
static const char *check_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return "is missing";
	if (n > ID_MAX)
		return "is longer than 1024 bytes";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "contains a control character";
	if (s[0] == ' ' || s[n - 1] == ' ')
		return "has blanks at its ends";
	return NULL;
}

/* educationLevel (array, 1.0) or educationalLevel (string, draft) joined
 * with ','. */
static const char *grades_of(struct arena *a, const struct jv *item)
{
	const struct jv *el = jv_get(item, "educationLevel");
	if (!el)
		el = jv_get(item, "educationalLevel");
	if (jv_is_string(el))
		return jv_str(el);
	if (!jv_is_array(el))
		return "";
	struct buf b;
	buf_init(&b, 1024);
	size_t i;
	struct jv *v;
	jv_array_foreach(el, i, v)
	{
		if (!jv_is_string(v))
			continue;
		if (b.len)
			buf_putc(&b, ',');
		buf_puts(&b, jv_str(v));
	}
	char *s = arena_strdup(a, buf_failed(&b) ? "" : buf_cstr(&b));
	buf_free(&b);
	return s ? s : "";
}

struct walk {
	const char *label;
	struct arena *a;
	struct pkg_errs e;
	struct hashset items; /* identifier -> index */
	struct framework_item_in *it;
	size_t nit;
	const char *doc_id;
};

static bool is_item(const struct walk *w, const char *id, int32_t *ix)
{
	return id[0] && hs_get(&w->items, str_from(id), ix);
}

static void read_document(struct walk *w, const struct jv *doc, struct framework_in *out)
{
	const char *why;
	if (!jv_is_object(doc)) {
		perr(&w->e, "$.CFDocument: %s", doc ? "must be an object" : "is missing");
		return;
	}
	out->identifier = sget(doc, "identifier");
	if ((why = check_id(out->identifier)))
		perr(&w->e, "$.CFDocument.identifier: %s", why);
	out->title = sget(doc, "title");
	if (!out->title[0])
		perr(&w->e, "$.CFDocument.title: is missing");
	else if (strlen(out->title) > 1000)
		perr(&w->e, "$.CFDocument.title: is longer than 1000 bytes");
	out->uri = sget(doc, "uri");
	out->creator = sget(doc, "creator");
	out->publisher = sget(doc, "publisher");
	out->version = sget(doc, "version");
	out->adoption_status = sget(doc, "adoptionStatus");
	out->last_change = sget(doc, "lastChangeDateTime");
	/* CASE 1.0 links are {title, identifier, uri} objects; OpenSALT's
	 * drafts wrote CFPackageURI as a plain string */
	out->case_format = jv_is_string(jv_get(doc, "CFPackageURI")) ? "draft" : "1.0";
	w->doc_id = out->identifier;
}

static void read_items(struct walk *w, const struct jv *items, struct framework_in *out,
		       struct case_pkg_stats *st)
{
	if (!jv_is_array(items)) {
		perr(&w->e, "$.CFItems: %s", items ? "must be an array" : "is missing");
		return;
	}
	w->nit = jv_size(items);
	w->it = arena_zalloc(w->a, (w->nit + 1) * sizeof *w->it);
	if (!w->it) {
		w->nit = 0;
		return;
	}
	size_t i;
	struct jv *v;
	jv_array_foreach(items, i, v)
	{
		struct framework_item_in *it = &w->it[i];
		const char *why;
		if (!jv_is_object(v)) {
			perr(&w->e, "$.CFItems[%zu]: must be an object", i);
			continue;
		}
		it->identifier = sget(v, "identifier");
		if ((why = check_id(it->identifier))) {
			perr(&w->e, "$.CFItems[%zu].identifier: %s", i, why);
			continue;
		}
		int32_t old;
		enum eb_err rc = hs_put(&w->items, str_from(it->identifier), (int32_t)i, &old);
		if (rc == EB_EEXIST)
			perr(&w->e,
			     "$.CFItems[%zu].identifier: duplicate identifier %s (also "
			     "$.CFItems[%d])",
			     i, it->identifier, old);
		else if (rc)
			perr(&w->e, "$.CFItems[%zu]: out of memory", i);
		if (w->doc_id && !strcmp(it->identifier, w->doc_id))
			perr(&w->e,
			     "$.CFItems[%zu].identifier: duplicate identifier %s (the "
			     "CFDocument's)",
			     i, it->identifier);
		it->statement = sget(v, "fullStatement");
		if (!it->statement[0])
			perr(&w->e, "$.CFItems[%zu].fullStatement: is missing", i);
		it->uri = sget(v, "uri");
		it->code = sget(v, "humanCodingScheme");
		it->abbreviated = sget(v, "abbreviatedStatement");
		it->item_type = sget(v, "CFItemType");
		if (!it->item_type[0])
			it->item_type = link_get(v, "CFItemTypeURI", "title");
		if (!it->item_type[0])
			st->untyped++;
		it->grades = grades_of(w->a, v);
		it->list_enum = sget(v, "listEnumeration");
		if (strlen(it->code) > 200)
			perr(&w->e, "$.CFItems[%zu].humanCodingScheme: is longer than 200 bytes",
			     i);
	}
	out->items = w->it;
	out->nitems = w->nit;
	st->items = w->nit;
}

/* An association end: the link object's identifier, else the draft's
 * plain *NodeIdentifier. */
static const char *end_id(const struct jv *as, const char *link, const char *plain)
{
	const char *s = link_get(as, link, "identifier");
	return s[0] ? s : sget(as, plain);
}

static void read_assocs(struct walk *w, const struct jv *assocs, struct framework_in *out,
			struct case_pkg_stats *st)
{
	if (!assocs)
		return; /* a package of items alone */
	if (!jv_is_array(assocs)) {
		perr(&w->e, "$.CFAssociations: must be an array");
		return;
	}
	size_t n = jv_size(assocs);
	struct framework_assoc_in *as = arena_zalloc(w->a, (n + 1) * sizeof *as);
	if (!as)
		return;
	struct hashset ids;
	hs_init(&ids);
	size_t i;
	struct jv *v;
	jv_array_foreach(assocs, i, v)
	{
		struct framework_assoc_in *x = &as[i];
		const char *why;
		if (!jv_is_object(v)) {
			perr(&w->e, "$.CFAssociations[%zu]: must be an object", i);
			continue;
		}
		x->identifier = sget(v, "identifier");
		if ((why = check_id(x->identifier))) {
			perr(&w->e, "$.CFAssociations[%zu].identifier: %s", i, why);
			continue;
		}
		int32_t old;
		enum eb_err rc = hs_put(&ids, str_from(x->identifier), (int32_t)i, &old);
		if (rc == EB_EEXIST) {
			/* a real export (Smarter Balanced's) repeats one association
			 * word for word: kept once; a different one under the same
			 * identifier is refused */
			if (jv_equal(v, jv_at(assocs, (size_t)old))) {
				x->kind = NULL;
				st->repeated++;
				continue;
			}
			perr(&w->e,
			     "$.CFAssociations[%zu].identifier: duplicate identifier %s (also "
			     "$.CFAssociations[%d])",
			     i, x->identifier, old);
		}
		x->kind = sget(v, "associationType");
		if (!x->kind[0]) {
			perr(&w->e, "$.CFAssociations[%zu].associationType: is missing", i);
			continue;
		}
		if (strlen(x->kind) > 100) {
			perr(&w->e,
			     "$.CFAssociations[%zu].associationType: is longer than 100 bytes", i);
			continue;
		}
		x->origin = end_id(v, "originNodeURI", "originNodeIdentifier");
		x->dest = end_id(v, "destinationNodeURI", "destinationNodeIdentifier");
		if ((why = check_id(x->origin))) {
			perr(&w->e, "$.CFAssociations[%zu].originNodeURI.identifier: %s", i, why);
			continue;
		}
		if ((why = check_id(x->dest))) {
			perr(&w->e, "$.CFAssociations[%zu].destinationNodeURI.identifier: %s", i,
			     why);
			continue;
		}
		x->dest_uri = link_get(v, "destinationNodeURI", "uri");
		x->dest_title = link_get(v, "destinationNodeURI", "title");
		struct jv *seq = jv_get(v, "sequenceNumber");
		x->seq = jv_is_integer(seq) ? jv_int(seq) : -1;
		int32_t oi, di;
		bool o_in = is_item(w, x->origin, &oi), d_in = is_item(w, x->dest, &di);
		bool d_doc = !strcmp(x->dest, w->doc_id), o_doc = !strcmp(x->origin, w->doc_id);
		x->inside = (o_in || o_doc) && (d_in || d_doc);
		if (!x->inside)
			st->outside++;
		if (strcmp(x->kind, "isChildOf"))
			continue;
		st->children++;
		if (!o_in) {
			perr(&w->e, "$.CFAssociations[%zu].originNodeURI: unknown item %s", i,
			     x->origin);
			continue;
		}
		if (!d_in && !d_doc) {
			perr(&w->e,
			     "$.CFAssociations[%zu].destinationNodeURI: unknown item %s (an "
			     "isChildOf "
			     "parent must be the CFDocument or an item of the package)",
			     i, x->dest);
			continue;
		}
		if (o_in && d_in && oi == di) {
			perr(&w->e,
			     "$.CFAssociations[%zu]: isChildOf cycle: item %s is its own parent", i,
			     x->origin);
			continue;
		}
		/* the first isChildOf names the item's place in the tree; 0 marks
		 * "hangs from the document" until the end */
		if (!w->it[oi].parent)
			w->it[oi].parent = d_doc ? "" : w->it[di].identifier;
	}
	hs_free(&ids);
	size_t kept = 0;
	for (i = 0; i < n; i++)
		if (as[i].kind)
			as[kept++] = as[i];
	out->assocs = as;
	out->nassocs = kept;
	st->associations = kept;
}

/* Follows parents from every item: a walk longer than the item count has
 * met a cycle. Colours: 0 unseen, 1 on the current path, 2 done. */
static void check_cycles(struct walk *w, const struct framework_item_in *items)
{
	unsigned char *colour = arena_zalloc(w->a, w->nit + 1);
	if (!colour)
		return;
	for (size_t s = 0; s < w->nit; s++) {
		int32_t i = (int32_t)s;
		while (i >= 0 && colour[i] == 0) {
			colour[i] = 1;
			int32_t p;
			const char *par = items[i].parent;
			if (!par || !par[0] || !hs_get(&w->items, str_from(par), &p))
				p = -1;
			if (p >= 0 && colour[p] == 1) {
				perr(&w->e, "$.CFItems[%d]: isChildOf cycle through item %s", p,
				     items[p].identifier);
				p = -1;
			}
			i = p;
		}
		/* mark the path done */
		for (i = (int32_t)s; i >= 0 && colour[i] == 1;) {
			colour[i] = 2;
			int32_t p;
			const char *par = items[i].parent;
			i = par && par[0] && hs_get(&w->items, str_from(par), &p) ? p : -1;
		}
	}
}

enum eb_err case_pkg_parse(const char *json, size_t len, const char *label, struct arena *a,
			   struct framework_in *out, struct case_pkg_stats *stats, struct buf *errs)
{
	struct case_pkg_stats st0 = { 0 };
	struct case_pkg_stats *st = stats ? stats : &st0;
	memset(st, 0, sizeof *st);
	memset(out, 0, sizeof *out);
	if (len > CASE_PKG_MAX_BYTES) {
		if (errs)
			buf_printf(errs, "%s: larger than %u MiB\n", label,
				   CASE_PKG_MAX_BYTES >> 20);
		return EB_ETOOBIG;
	}
	struct jv_error je;
	struct jv *root = jv_parse(a, json, len, &je);
	if (!root) {
		if (je.line == 0)
			return EB_ENOMEM;
		if (errs)
			buf_printf(errs, "%s:%d:%d: bad JSON: %s\n", label, je.line, je.column,
				   je.text);
		return EB_EPARSE;
	}
	struct walk w = { .label = label, .a = a, .e = { errs, 0 }, .doc_id = "" };
	hs_init(&w.items);
	if (!jv_is_object(root)) {
		perr(&w.e, "$: a CFPackage must be a JSON object");
		goto out;
	}
	/* a CASE provider answers the package itself; some wrap it */
	if (!jv_get(root, "CFDocument") && jv_is_object(jv_get(root, "CFPackage")))
		root = jv_get(root, "CFPackage");
	read_document(&w, jv_get(root, "CFDocument"), out);
	if (w.e.n)
		goto out;
	read_items(&w, jv_get(root, "CFItems"), out, st);
	if (!w.e.n)
		read_assocs(&w, jv_get(root, "CFAssociations"), out, st);
	if (!w.e.n)
		check_cycles(&w, w.it);
	for (size_t i = 0; i < w.nit; i++) {
		if (!w.it[i].parent)
			st->orphans++;
		else if (!w.it[i].parent[0])
			w.it[i].parent = NULL; /* hangs from the document */
	}
	out->source = label;
out:
	if (w.e.n > CASE_PKG_ERRS_MAX && errs)
		buf_printf(errs, "%s: ... and %zu more problems\n", label,
			   w.e.n - CASE_PKG_ERRS_MAX);
	hs_free(&w.items);
	if (w.e.n) {
		memset(out, 0, sizeof *out);
		return EB_EINVAL;
	}
	return EB_OK;
}

enum eb_err case_pkg_import(struct db *db, int64_t district_id, const char *json, size_t len,
			    const char *label, int64_t actor_account_id, int64_t now,
			    struct case_pkg_result *res, struct buf *errs)
{
	struct arena a;
	arena_init(&a);
	struct framework_in f;
	memset(res, 0, sizeof *res);
	enum eb_err rc = case_pkg_parse(json, len, label, &a, &f, &res->stats, errs);
	if (rc)
		goto out;
	if ((rc = db_begin(db)))
		goto stored;
	rc = frameworks_store(db, district_id, &f, actor_account_id, now, &res->framework_id,
			      &res->updated);
	if (!rc)
		rc = frameworks_mapped(db, district_id, res->framework_id, &res->mapped);
	if (!rc)
		rc = db_commit(db);
	if (rc)
		db_rollback(db);
	/* evidence tagged with the new items waited in the quarantine: it
	 * counts now (its own transaction; the framework is stored either way) */
	int matched = 0;
	if (!rc && activity_rematch(db, district_id, &matched) == EB_OK)
		res->rematched = matched;
stored:
	if (rc && errs)
		buf_printf(errs, "%s: cannot be stored (%s)\n", label, eb_strerror(rc));
	if (!rc)
		str_copy(res->title, sizeof res->title, f.title);
out:
	arena_free(&a);
	return rc;
}
