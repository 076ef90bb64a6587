/* case_pkg.h - a CASE CFPackage (IMS Competencies and Academic Standards
 * Exchange 1.0/1.1, and OpenSALT's pre-1.0 draft exports) read and checked
 * into a framework to store (domain/frameworks.h). No SQL, no HTTP.
 *
 * What is read: CFDocument (identifier, uri, title, creator, publisher,
 * version, adoptionStatus, lastChangeDateTime), CFItems (identifier, uri,
 * humanCodingScheme, fullStatement, abbreviatedStatement, CFItemType or
 * CFItemTypeURI.title, educationLevel array or the draft's
 * educationalLevel string, listEnumeration) and CFAssociations (every
 * type, ends by originNodeURI/destinationNodeURI.identifier or the draft's
 * originNodeIdentifier/destinationNodeIdentifier). The isChildOf tree gives
 * each item its parent (the first isChildOf of an item; the document is
 * "no parent").
 *
 * Refused, with "<JSON path>: <reason>" lines and nothing returned: bad
 * JSON (line and column), a missing CFDocument/CFItems or a required field
 * (identifiers, title, fullStatement, associationType, association ends),
 * an identifier used twice (items, associations, an item named like the
 * document), an isChildOf whose child is not an item of the package or
 * whose parent is neither the document nor an item ("unknown item"), and a
 * cycle of isChildOf. Tolerated: an association repeated word for word
 * under its identifier (kept once), items without a type or a code, orphans
 * (no isChildOf), associations of any other type with an end outside the
 * package (kept as outside references), placeholder titles, dates without
 * a zone, fields CASE does not name. */
#ifndef EB_CASE_PKG_H
#define EB_CASE_PKG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "domain/frameworks.h"

/* Refusal lines written at most (the rest are counted in a last line). */
#define CASE_PKG_ERRS_MAX 20
/* The biggest package read (a state's whole catalogue is a few MiB). */
#define CASE_PKG_MAX_BYTES (64u << 20)

struct case_pkg_stats {
	size_t items, associations;
	size_t untyped;	 /* items without CFItemType */
	size_t orphans;	 /* items with no isChildOf */
	size_t outside;	 /* associations with an end outside the package */
	size_t children; /* isChildOf associations */
	size_t repeated; /* associations repeated word for word (kept once) */
};

/* Reads the package json[len] (label: the file name or URL, used for bad
 * JSON's "label:LINE:COL" and as the framework's source) into *out, every
 * string in arena a. EB_EPARSE for bad JSON, EB_EINVAL for a package that
 * breaks a rule above, EB_ETOOBIG past CASE_PKG_MAX_BYTES, EB_ENOMEM; the
 * reasons go to errs, one per line. stats may be NULL. */
enum eb_err case_pkg_parse(const char *json, size_t len, const char *label, struct arena *a,
			   struct framework_in *out, struct case_pkg_stats *stats,
			   struct buf *errs);

struct db;

/* What case_pkg_import did. */
struct case_pkg_result {
	int64_t framework_id;
	bool updated; /* the framework was there already (same identifier) */
	struct case_pkg_stats stats;
	int64_t mapped; /* items that count for at least one CCSS standard */
	int rematched;	/* quarantined learning events that now count */
	char title[200];
};

/* case_pkg_parse, then frameworks_store in one transaction: the package is
 * stored whole (a re-import replaces the framework's items and
 * associations in place) or not at all; then the district's quarantined
 * learning events are matched again (activity_rematch), so evidence tagged
 * with the new items counts. Errors as case_pkg_parse's, and the
 * store's (EB_EDB: "label: cannot be stored" in errs). */
enum eb_err case_pkg_import(struct db *db, int64_t district_id, const char *json, size_t len,
			    const char *label, int64_t actor_account_id, int64_t now,
			    struct case_pkg_result *res, struct buf *errs);

#endif
