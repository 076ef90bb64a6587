/* groups.h - small groups of a class for a unit (docs/groups.md): the
 * proposal, drawn from the students' mastery and the coherence map's
 * prerequisites; the teacher's saved groups (migration 020); what changed
 * since they were saved. No HTML here; words for people are made by the
 * groups_*_words functions so that pages and cards say the same thing.
 *
 * The proposal reads estimates only (struct groups_input), never anything
 * else about a student: the simulator check (sim/groups_check.h) feeds it
 * estimates made from simulated evidence and scores it against the truth. */
#ifndef EB_GROUPS_H
#define EB_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "domain/district.h"
#include "domain/standards.h"

struct audit_actor;
struct db;
struct frameworks_labels;
struct frameworks_links;

#define GROUPS_MAX_GROUPS 6  /* at most six groups per class */
#define GROUPS_DEFAULT_MIN 3 /* default group sizes 3..6 */
#define GROUPS_DEFAULT_MAX 6
#define GROUPS_SIZE_LO 2      /* the smallest min_size a teacher may ask for */
#define GROUPS_SIZE_HI 12     /* the largest max_size */
#define GROUPS_NAME_MAX 60    /* bytes of a group's name */
#define GROUPS_UNIT_MAX 48    /* standards of a unit */
#define GROUPS_STD_MAX 192    /* a unit's standards and their prerequisites */
#define GROUPS_PREREQ_DEPTH 3 /* coherence-map links walked back from the unit */
#define GROUPS_CLASS_MAX 400  /* students of a class considered */
#define GROUPS_WHY_CAP 2048
#define GROUPS_Z95 1.645 /* one-sided 95%: "clearly below Proficient", what places a student */
#define GROUPS_Z99                                                                                 \
	2.326 /* one-sided 99%: "well below", what makes a group sure */ /* "field: reason" lines of a refused save */

/* Sizes and count the teacher sets: min_size GROUPS_SIZE_LO..max_size,
 * max_size min_size..GROUPS_SIZE_HI, max_groups 1..GROUPS_MAX_GROUPS. */
struct groups_params {
	int min_size, max_size, max_groups;
};

/* The defaults: 3..6 students, at most 6 groups. */
struct groups_params groups_params_default(void);
/* EB_OK, or EB_EINVAL with "field: reason" lines (fields min, max, count)
 * in why (cap bytes, may be NULL). */
enum eb_err groups_params_check(const struct groups_params *p, char *why, size_t cap);

/* ---- the unit ------------------------------------------------------------ */

/* A unit as the class view's picker names it: a cluster; a grade's domain
 * (its clusters); or a grade's major clusters (high school: all). */
struct groups_unit {
	const struct standard *std[GROUPS_UNIT_MAX];
	size_t n;
	int grade;
	const char *domain, *cluster; /* catalog strings, or NULL */
	char key[32];		      /* stored form: "5.NF.A", "5:NF", "5" ("HS:N-RN") */
	char title[96]; /* "Cluster 5.NF.A", "Grade 5, NF", "Major clusters of grade 5" */
};

/* The grade of a class from its roster grades ("05", "KG", "10,11"); -1
 * when none is recognised. */
int groups_class_grade(const char *grades);
/* The unit of the picker's ?grade=&domain=&cluster= (each may be NULL or
 * ""), the class's grade's major clusters by default (class_grade -1: grade
 * 5). A cluster wins over grade and domain; an unknown grade or domain falls
 * back to the default, as the class view does. */
void groups_unit_pick(int class_grade, const char *grade, const char *domain, const char *cluster,
		      struct groups_unit *u);
/* The unit of a stored key (struct groups_unit.key). EB_EINVAL when key
 * names no unit of the catalog. */
enum eb_err groups_unit_from_key(const char *key, struct groups_unit *u);

/* The unit's standards, then their coherence-map prerequisites up to
 * GROUPS_PREREQ_DEPTH links back, each once, nearest first. Fills out[0..cap)
 * and depth[] (0 for the unit's own, may be NULL); returns the count (at most
 * cap). */
size_t groups_standards_of_unit(const struct groups_unit *u, const struct standard **out,
				int *depth, size_t cap);
/* The same with a district's prerequisite links (domain/frameworks: the
 * coherence map plus its frameworks' precedes/isPeerOf between catalog
 * standards); links NULL: the coherence map alone. */
size_t groups_standards_of_unit_links(const struct groups_unit *u,
				      const struct frameworks_links *links,
				      const struct standard **out, int *depth, size_t cap);

/* ---- the proposal --------------------------------------------------------- */

/* One student's estimate on one standard, as the proposal reads it. A
 * zeroed cell is "no estimate". */
struct groups_cell {
	float p, sd;
	int32_t responses;
	bool present;  /* an estimate exists (measured or inferred) */
	bool measured; /* at least MASTERY_MIN_DIRECT direct responses (not inferred) */
};

/* What the proposal reads: standards (the unit's first, nunit of them, then
 * prerequisites with their depth) and a row of cells per student. */
struct groups_input {
	const struct standard **stds;
	const int *depth; /* links from the unit: 0 for the unit's own */
	size_t nstds, nunit;
	size_t nstudents;
	const struct groups_cell *cells; /* nstudents x nstds, row by row */
	struct district_levels lv;
	const struct frameworks_links *links; /* the district's; NULL: coherence map */
	struct frameworks_labels *labels;     /* how the district names standards; NULL: codes */
};

/* How sure a group's focus is, from its members' evidence. */
enum groups_sureness {
	GROUPS_SURE,	    /* at least 4 in 5 members well below Proficient (99% bound) */
	GROUPS_FAIRLY_SURE, /* at least half */
	GROUPS_TENTATIVE,   /* fewer: check in class before acting on it */
};

struct groups_group {
	size_t focus;	  /* index into input stds */
	size_t toward[4]; /* unit standards (indices) the focus is a prerequisite of */
	size_t ntoward;	  /* 0 when the focus is a standard of the unit */
	size_t *members;  /* student indices, weakest on the focus first */
	size_t n;
	enum groups_sureness sure;
	size_t clear;	   /* members whose 95% upper bound is below Proficient */
	size_t not_yet;	   /* members at Not yet (the rest are Approaching) */
	int64_t responses; /* the members' direct responses on the focus */
	double p_lo, p_hi; /* lowest and highest P(mastered) of the members */
};

/* Why a student is not in a group. */
enum groups_apart_why {
	GROUPS_APART_THIN,     /* too little evidence: no measured estimate on the unit or its
				* prerequisites; never guessed into a group */
	GROUPS_APART_ALONE,    /* a need no other student shares (or no group left) */
	GROUPS_APART_ON_TRACK, /* every measured estimate Proficient or better */
	GROUPS_APART_UNCLEAR,  /* measured below Proficient, but not clearly (its 95% range
				* reaches Proficient): check in class, not guessed */
};

struct groups_apart {
	size_t student;
	enum groups_apart_why why;
	size_t need; /* ALONE: the standard (index) they need first */
};

struct groups_proposal {
	struct groups_group groups[GROUPS_MAX_GROUPS];
	size_t ngroups;
	struct groups_apart *apart; /* in student order */
	size_t napart;
};

/* Proposes groups (params already checked). A student's needs are the
 * standards they are measured clearly below Proficient on (p + GROUPS_Z95 sd
 * under it), among the unit's
 * standards and the prerequisites of the unit's standards they are not
 * measured secure on; the first need is the earliest (lowest grade, then
 * furthest back in the map). Students are grouped by their first need where
 * at least min_size share it, then by a later need where their first had too
 * few; groups larger than max_size are split by P (weakest together); at
 * most max_groups groups. Everything lives in arena. EB_ENOMEM; EB_EINVAL
 * for an input without standards or over GROUPS_STD_MAX. */
enum eb_err groups_propose(const struct groups_input *in, const struct groups_params *p,
			   struct arena *arena, struct groups_proposal *out);

/* The stored estimates of students (sourcedIds) on the unit's standards and
 * their prerequisites (the district's links), into *in (arrays and links in
 * arena; lv from the district).
 * EB_EDB, EB_EPARSE, EB_ENOMEM; EB_ETOOBIG over GROUPS_CLASS_MAX students. */
enum eb_err groups_read_input(struct db *db, int64_t district_id, const char *const *sids, size_t n,
			      const struct groups_unit *u, struct arena *arena,
			      struct groups_input *in);

/* ---- words ------------------------------------------------------------------ */

/* "Sure", "Fairly sure", "Tentative: check in class first". */
const char *groups_sureness_words(enum groups_sureness s);
/* The reason: "All five are not yet secure on 4.NF.A.1, the prerequisite
 * that 5.NF.A.1 and 5.NF.B.3 build on." */
void groups_reason_words(const struct groups_input *in, const struct groups_group *g, char *out,
			 size_t cap);
/* The evidence: "38 responses on 4.NF.A.1; probability of mastery 12% to
 * 55%; 3 at Not yet, 2 Approaching." */
void groups_evidence_words(const struct groups_input *in, const struct groups_group *g, char *out,
			   size_t cap);
/* Why sure: "4 of 5 well below Proficient (even their 99% range stays under
 * 70%); all 5 clearly below it (95%)." */
void groups_sureness_detail(const struct groups_group *g, const struct district_levels *lv,
			    char *out, size_t cap);

/* ---- saved groups (migration 020) ----------------------------------------- */

struct groups_save_group {
	const char *name;     /* 1..GROUPS_NAME_MAX bytes of UTF-8, trimmed */
	const char *focus;    /* a standard of the catalog, any spelling */
	const char **members; /* student sourcedIds */
	size_t n;
};

/* Saves the teacher's groups of a class for a unit as a new set, with a
 * snapshot of every student's estimate on each group's focus (for "what
 * changed since") and the audit entry, in one transaction. Groups without
 * members are dropped. Checks everything first; EB_EINVAL with "field:
 * reason" lines in why and nothing stored when: the params are out of range
 * (min, max, count); unit_key names no unit (unit); more groups than count
 * (count); a group's name is empty or too long (nameK, K 1-based); a focus is
 * not a standard of the catalog (focusK); a group has more than max members
 * (groupK); a student is not enrolled in the class or is in two groups
 * ("g.<sourcedId>"); no group has a member (groups). EB_EDB otherwise. */
enum eb_err groups_save(struct db *db, int64_t district_id, const struct audit_actor *who,
			const char *class_sid, const char *unit_key, const struct groups_params *p,
			const struct groups_save_group *g, size_t ng, int64_t now, int64_t *set_id,
			char *why, size_t cap);

struct groups_saved_member {
	const char *student;
	double p_then; /* estimate on the focus when saved; -1 none */
	bool measured_then;
};

struct groups_saved_group {
	int position; /* 1-based */
	const char *name, *focus;
	struct groups_saved_member *members;
	size_t n;
};

struct groups_saved {
	int64_t id, saved_at;
	const char *saved_by; /* the account's display name, "" when gone */
	const char *unit_key;
	struct groups_params params;
	struct groups_saved_group *groups;
	size_t ngroups;
};

/* The class's latest saved set (any unit). *found false when none. Strings
 * and arrays in arena. EB_EDB, EB_ENOMEM. */
enum eb_err groups_latest(struct db *db, int64_t district_id, const char *class_sid,
			  struct arena *arena, struct groups_saved *out, bool *found);

enum groups_change_kind {
	GROUPS_MOVED_UP,    /* a member whose level on the focus rose since */
	GROUPS_NEW_TO_NEED, /* not a member, now measured below Proficient on the focus,
			       * and was not when the groups were saved */
	GROUPS_LEFT_CLASS,  /* a member no longer enrolled in the class */
};

struct groups_change {
	size_t group; /* index into saved->groups */
	enum groups_change_kind kind;
	const char *student;
	double p_then, p_now; /* -1 when none */
};

/* What changed since s was saved, for the class's students now (sids):
 * members moved up on their group's focus, students new to a group's need,
 * members who left the class; by group, in that order. Reads the current
 * estimates (lv: the district's levels). EB_EDB, EB_ENOMEM. */
enum eb_err groups_changes(struct db *db, int64_t district_id, const struct groups_saved *s,
			   const char *const *sids, size_t n, const struct district_levels *lv,
			   struct arena *arena, struct groups_change **out, size_t *nout);

/* ---- the teacher's home --------------------------------------------------- */

struct groups_home_row {
	const char *class_sid, *class_title;
	int64_t saved_at;
	size_t ngroups, nstudents;
	const char *first_focus; /* the first group's focus */
};

/* The latest saved set of each class the teacher (roster sourcedId) teaches,
 * newest first. Strings in arena. EB_EDB, EB_ENOMEM. */
enum eb_err groups_of_teacher(struct db *db, int64_t district_id, const char *teacher_sid,
			      struct arena *arena, struct groups_home_row **out, size_t *n);

#endif
