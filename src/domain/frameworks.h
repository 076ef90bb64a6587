/* frameworks.h - standards frameworks a district imports as CASE packages
 * (docs/case.md), and the crosswalk between their items and the Common
 * Core catalog compiled into the binary (domain/standards, framework
 * "ccss").
 *
 * Evidence keeps its CCSS code: an item of another framework counts for the
 * CCSS standard(s) it is tied to by exactMatchOf (or, failing that,
 * isRelatedTo), and a CCSS package's own items count for their code. The
 * crosswalk is rebuilt for the whole district after each import, so a
 * package imported before the one it points at resolves once that one
 * arrives. An item without a crosswalk has mastery of its own under its own
 * key (FRAMEWORKS_OWN_PREFIX below); the district's precedes/isPeerOf links
 * add prerequisites (frameworks_links) and its primary framework names the
 * standards on the pages (frameworks_labels).
 *
 * Every function takes the district id; another district's framework
 * answers EB_ENOTFOUND. SQL lives here and nowhere else. */
#ifndef EB_FRAMEWORKS_H
#define EB_FRAMEWORKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

struct db;

/* The longest key frameworks_resolve gives with room: a CCSS canonical code
 * ("A-SSE.B.3a", "MP.8") or an own key ("case:" and up to 64 bytes). */
#define FRAMEWORKS_CODE_MAX 72

/* CONTRACT (mastery keys of items without a CCSS match): an item of a
 * district framework that counts for no CCSS standard gets mastery of its
 * own under the key FRAMEWORKS_OWN_PREFIX + its CASE identifier, in
 * learning_event.standard_code and mastery_state.standard_code (e.g.
 * "case:9fa1e9b6-d7cc-11e8-824f-0242ac160002"). An identifier that is not
 * 1..64 bytes of [A-Za-z0-9._-] (a URL: OpenSALT) is named by its UUIDv5
 * (URL namespace) instead. The key does not change when the package is
 * imported again. */
#define FRAMEWORKS_OWN_PREFIX "case:"

/* True when code is an own key (starts with FRAMEWORKS_OWN_PREFIX). */
bool frameworks_is_own_key(const char *code);
/* At most this many CCSS codes are returned for one item. */
#define FRAMEWORKS_RESOLVE_MAX 8

/* ---- a package to store (filled by ingest/case_pkg) -------------------- */

/* One item. Strings are borrowed (the parser's arena); "" when absent.
 * parent: the identifier of its isChildOf parent item, NULL when it hangs
 * from the document or has no parent. */
struct framework_item_in {
	const char *identifier, *uri, *code, *statement, *abbreviated, *item_type, *grades,
		*list_enum, *parent;
};

/* One association, any type (kind = associationType as sent, e.g.
 * "isChildOf", "exactMatchOf"). seq < 0: no sequenceNumber. inside: both
 * ends are the document or items of the package. */
struct framework_assoc_in {
	const char *identifier, *kind, *origin, *dest, *dest_uri, *dest_title;
	int64_t seq;
	bool inside;
};

struct framework_in {
	const char *identifier, *uri, *title, *creator, *publisher, *version, *adoption_status,
		*last_change;
	const char *case_format; /* "1.0" or "draft" */
	const char *source;	 /* file name or URL it came from */
	const struct framework_item_in *items;
	size_t nitems;
	const struct framework_assoc_in *assocs;
	size_t nassocs;
};

/* Stores f for the district: a new framework, or the one with the same
 * identifier updated in place (items and associations replaced), then
 * rebuilds the district's crosswalk. The caller holds the transaction
 * (db_begin .. db_commit): on an error it rolls back and nothing is stored.
 * *id (may be NULL) gets the framework id; *updated (may be NULL) whether
 * it existed. */
enum eb_err frameworks_store(struct db *db, int64_t district_id, const struct framework_in *f,
			     int64_t actor_account_id, int64_t now, int64_t *id, bool *updated);

/* Rebuilds the district's crosswalk from its items and associations (caller's
 * transaction); frameworks_store and frameworks_delete call it. */
enum eb_err frameworks_rebuild_crosswalk(struct db *db, int64_t district_id);

/* Removes a framework of the district and rebuilds the crosswalk (caller's
 * transaction). EB_ENOTFOUND when there is none. */
enum eb_err frameworks_delete(struct db *db, int64_t district_id, int64_t framework_id);

/* CONTRACT (h17-gradebook and the ingest mapping use it): the CCSS canonical
 * code(s) that id_or_code counts for, best first, into codes[0..cap) and
 * their number into *n (an item with none: its own key, see above):
 * - a CCSS code in any spelling standards_canonical accepts: itself;
 * - an item of one of the district's frameworks named by its CASE
 *   identifier, its URI, its code (humanCodingScheme) or, for an item whose
 *   identifier is a URL, the UUIDv5 (URL namespace) of it: the item's own
 *   code when the item is a CCSS standard, else its exactMatchOf targets
 *   that are CCSS standards, else its isRelatedTo ones.
 * *n = 0 (EB_OK) when it counts for nothing. EB_EDB on a store error.
 * At most FRAMEWORKS_RESOLVE_MAX codes; cap may be smaller. No transaction
 * needed; cheap for a CCSS code (no SQL). */
enum eb_err frameworks_resolve(struct db *db, int64_t district_id, const char *id_or_code,
			       char (*codes)[FRAMEWORKS_CODE_MAX], size_t cap, size_t *n);

/* Prerequisite links the district's frameworks add to the catalog's: the
 * CCSS codes that ccss_code builds on, from `precedes` associations (A
 * precedes B: A is a prerequisite of B) and `isPeerOf` (both ways) between
 * items that resolve to CCSS codes. Codes already linked in the catalog may
 * repeat. Fills out[0..cap) and returns the total (may exceed cap). */
size_t frameworks_prereqs(struct db *db, int64_t district_id, const char *ccss_code,
			  char (*out)[FRAMEWORKS_CODE_MAX], size_t cap);

/* ---- reading, for the pages and the CLI -------------------------------- */

/* How many items of the framework count for at least one CCSS standard. */
enum eb_err frameworks_mapped(struct db *db, int64_t district_id, int64_t framework_id, int64_t *n);

struct framework_row {
	int64_t id;
	char *identifier, *title, *creator, *publisher, *version, *adoption_status, *last_change,
		*case_format, *source;
	int64_t items, associations, imported_at;
	int64_t mapped; /* items with at least one CCSS code (crosswalk coverage) */
	bool primary;
};

/* The district's frameworks, by title, into an arena array. */
enum eb_err frameworks_list(struct db *db, int64_t district_id, struct arena *a,
			    struct framework_row **rows, size_t *n);
/* One framework. EB_ENOTFOUND when not the district's. */
enum eb_err frameworks_get(struct db *db, int64_t district_id, int64_t framework_id,
			   struct arena *a, struct framework_row *row);

struct framework_item_row {
	char *identifier, *code, *statement, *item_type, *grades, *parent;
	char *ccss; /* the CCSS codes it counts for, ", "-joined; "" when none */
	int depth;  /* 0 for a child of the document */
};

/* The framework's items as a tree in reading order (depth first, siblings
 * by package order), orphans last at depth 0; at most max rows. */
enum eb_err frameworks_items(struct db *db, int64_t district_id, int64_t framework_id, size_t max,
			     struct arena *a, struct framework_item_row **rows, size_t *n);

/* The district's primary framework id, 0 when it is the CCSS. */
enum eb_err frameworks_primary(struct db *db, int64_t district_id, int64_t *framework_id);
/* Sets it (0: back to the CCSS). EB_ENOTFOUND for a framework not the
 * district's. The caller audits the change. */
enum eb_err frameworks_set_primary(struct db *db, int64_t district_id, int64_t framework_id,
				   int64_t actor_account_id, int64_t now);

/* How the district's primary framework names a CCSS standard: the code (or,
 * without one, the statement's start) of the first primary-framework item
 * that counts for ccss_code, copied into out; "" when the primary is the
 * CCSS or no item maps to it. */
enum eb_err frameworks_primary_label(struct db *db, int64_t district_id, const char *ccss_code,
				     char *out, size_t cap);

/* ---- labels and prerequisites for a page or a refit --------------------- */

/* CONTRACT (every page that prints a standard): how the district names its
 * standards, loaded once per request (one query: the primary framework's
 * items that count for a CCSS code; own keys are looked up on first use and
 * remembered). Lives in arena a; keeps db for those look-ups, so use it on
 * the connection and thread that loaded it, within the request. */
struct frameworks_labels;

/* Loads the district's labels into a. EB_EDB on a store error (then *out is
 * still a usable map that answers every code with itself). */
enum eb_err frameworks_labels_load(struct db *db, int64_t district_id, struct arena *a,
				   struct frameworks_labels **out);

/* The label of a mastery key, never NULL, valid as long as the arena:
 * - a CCSS code: the primary framework's code for it (or, for an item
 *   without one, the start of its statement); the CCSS code itself when the
 *   primary is the CCSS or has no item for it;
 * - an own key ("case:..."): the item's code, else the start of its
 *   statement; the key itself when the item is gone;
 * - anything else: code itself.
 * l NULL: code itself. */
const char *frameworks_label(struct frameworks_labels *l, const char *code);

/* True when the district's primary framework is not the CCSS (pages say
 * "standards of <title>" then). */
bool frameworks_labels_primary(const struct frameworks_labels *l);

/* CONTRACT (mastery inference, grouping, next steps): a district's
 * prerequisite links = the compiled-in coherence map plus its frameworks'
 * `precedes` (A precedes B: A is a prerequisite of B) and `isPeerOf` (both
 * ways) associations, each end mapped through frameworks_resolve's rules
 * (a CCSS code, else the item's own key). Loaded once per refit or request
 * (one query) into arena a; read-only afterwards, so threads may share it. */
struct frameworks_links;

enum eb_err frameworks_links_load(struct db *db, int64_t district_id, struct arena *a,
				  struct frameworks_links **out);

/* The keys code builds on (dir 0: prerequisites) or that build on it (dir 1:
 * successors): the coherence map's first (catalog order), then the
 * district's, without repeats or code itself; pointers valid as long as the
 * catalog and the arena. Fills out[0..cap) and returns the number filled.
 * l NULL: the coherence map alone. */
size_t frameworks_links_of(const struct frameworks_links *l, const char *code, int dir,
			   const char **out, size_t cap);

#endif
