/* standards.h - the Common Core State Standards for Mathematics (CCSS-M)
 * catalog compiled into the binary (data/ccssm/, see docs/standards.md).
 *
 * The catalog is parsed once, on first use (pthread_once), into static
 * arrays that live for the whole process: every pointer handed out here is
 * valid forever and must not be freed. All functions are thread-safe.
 *
 * Codes are stored in one canonical spelling: "K.CC.A.1", "3.NF.A.3a"
 * (sub-standard letter glued to the number), clusters "3.NF.A", high school
 * "A-SSE.B.3a" / cluster "A-SSE.B", practices "MP.1". standards_find()
 * accepts the other spellings found in xAPI/Caliper data and the coherence
 * map (see standards_canonical()).
 *
 * Displaying catalog entries obliges the CCSSO notice STANDARDS_NOTICE. */
#ifndef EB_STANDARDS_H
#define EB_STANDARDS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define STANDARDS_NOTICE                                                                           \
	"Common Core State Standards: \xC2\xA9 Copyright 2010. National Governors "                \
	"Association Center for Best Practices and Council of Chief State School "                 \
	"Officers. All rights reserved."

/* Grades: 0 = kindergarten, 1..8, then high school; practices are not in a
 * grade and carry STANDARDS_GRADE_NONE. */
#define STANDARDS_GRADE_HS 9
#define STANDARDS_GRADE_NONE (-1)

enum standard_kind {
	STANDARD_CLUSTER,     /* "3.NF.A": a group of related standards */
	STANDARD_STANDARD,    /* "3.NF.A.3" */
	STANDARD_SUBSTANDARD, /* "3.NF.A.3a" (parent: 3.NF.A.3) */
	STANDARD_PRACTICE,    /* "MP.1" .. "MP.8" */
};

/* The K-8 emphasis of the Achieve the Core map; high school and practices
 * have none. */
enum standard_emphasis {
	EMPHASIS_NONE,
	EMPHASIS_MAJOR,
	EMPHASIS_SUPPORTING,
	EMPHASIS_ADDITIONAL,
};

enum standards_link_kind {
	STANDARDS_LINK_ARROW,	       /* from is a prerequisite of to */
	STANDARDS_LINK_NONDIRECTIONAL, /* related, no order */
};

struct standard {
	size_t index;	  /* dense 0..standards_count()-1, file order */
	const char *code; /* canonical code */
	enum standard_kind kind;
	int grade;		   /* 0..8, STANDARDS_GRADE_HS, or STANDARDS_GRADE_NONE */
	const char *grade_label;   /* "K", "1".."8", "HS", "MP" */
	const char *domain_code;   /* "NF", "N-RN", "MP" */
	const char *domain_name;   /* "Number and Operations—Fractions" */
	const char *category_name; /* HS conceptual category ("Number and Quantity"), else NULL */
	const struct standard *cluster; /* the cluster (itself for a cluster); NULL for practices */
	const char *cluster_code;	/* cluster->code, or NULL */
	const char *cluster_heading;	/* our plain wording of the cluster, or NULL */
	enum standard_emphasis emphasis;
	const char *family_description; /* our own one-sentence wording for families */
	const struct standard *parent;	/* substandard -> standard -> cluster; else NULL */
};

/* Parses the catalog if not done yet. EB_EPARSE if the embedded files are
 * malformed (a build defect; the reason is logged); every other function
 * then behaves as if the catalog were empty. */
enum eb_err standards_init(void);

/* Number of entries (clusters, standards, substandards, practices). */
size_t standards_count(void);
/* Entry by dense index, NULL when out of range. */
const struct standard *standards_at(size_t index);

/* Looks a code up in any accepted spelling (see standards_canonical);
 * NULL when malformed or not in the catalog. O(1). */
const struct standard *standards_find(const char *code_any_form);

/* Writes the canonical code for `code_any_form` into out (cap bytes).
 * Accepted: "3.NF.A.3a", "3.NF.A.3.a", "3.NF.3a", "3.NF.3.a",
 * "CCSS.Math.Content.3.NF.A.3.a", "http://corestandards.org/Math/Content/3/NF/A/3/a/",
 * "0.CC.1" (K as 0), "HSA-SSE.B.3a", "HSA.SSE.B.3.a", "A-SSE.3a", "MP1",
 * "CCSS.Math.Practice.MP1", any letter case, surrounding blanks, and a
 * coherence-map qualifier after "||" (dropped). Input over 255 bytes is
 * refused. EB_EINVAL when malformed, EB_ENOTFOUND when well formed but not
 * in the catalog, EB_ETOOBIG when out is too small. */
enum eb_err standards_canonical(const char *code_any_form, char *out, size_t cap);

/* Hierarchy. Each fills out[0..cap) and returns the total number available
 * (which may exceed cap: call again with a larger array). */

/* Grades present, ascending (0..8, STANDARDS_GRADE_HS). */
size_t standards_grades(int *out, size_t cap);
/* Domain codes of a grade in catalog order ("CC", "OA", ...). */
size_t standards_domains_of_grade(int grade, const char **out, size_t cap);
/* Clusters of a grade's domain (domain code matched case-insensitively). */
size_t standards_clusters_of(int grade, const char *domain_code, const struct standard **out,
			     size_t cap);
/* Standards (not substandards) of a cluster. */
size_t standards_in_cluster(const struct standard *cluster, const struct standard **out,
			    size_t cap);
/* Substandards of a standard ("3.NF.A.3" -> 3.NF.A.3a..d). */
size_t standards_children(const struct standard *std, const struct standard **out, size_t cap);
/* MP.1 .. MP.8. */
size_t standards_practices(const struct standard **out, size_t cap);

/* Coherence-map links. prereqs: what std builds on (arrow links into it);
 * successors: what builds on it (arrow links out of it); related: the
 * nondirectional links either way. */
size_t standards_prereqs(const struct standard *std, const struct standard **out, size_t cap);
size_t standards_successors(const struct standard *std, const struct standard **out, size_t cap);
size_t standards_related(const struct standard *std, const struct standard **out, size_t cap);
/* Number of stored links of a kind. */
size_t standards_link_count(enum standards_link_kind kind);
/* True when the catalog holds exactly this link (for nondirectional links
 * either order matches). */
bool standards_has_link(const struct standard *from, const struct standard *to,
			enum standards_link_kind kind);

/* "K", "1".."8", "HS" -> grade number (also "0", "k", "hs"); EB_EINVAL else. */
enum eb_err standards_parse_grade(const char *s, int *grade);
/* "major" / "supporting" / "additional" / "" */
const char *standards_emphasis_name(enum standard_emphasis e);
/* "cluster" / "standard" / "substandard" / "practice" */
const char *standards_kind_name(enum standard_kind k);

#endif
