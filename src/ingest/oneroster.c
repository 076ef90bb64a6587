#include "ingest/oneroster.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <zip.h>

#include "base/csv.h"
#include "base/hashset.h"
#include "base/timeutil.h"
#include "domain/activity.h"
#include "domain/import_log.h"
#include "domain/roster.h"
#include "ingest/oneroster_gradebook.h"
#include "store/db.h"

/* ---- the column tables ---- */

enum fkind {
	F_ID,	  /* sourcedId: required, unique within the file */
	F_STATUS, /* active | tobedeleted; empty = active in bulk */
	F_DLM,	  /* dateLastModified: date or date-time, tolerated otherwise */
	F_TEXT,
	F_DATE,	  /* YYYY-MM-DD */
	F_BOOL,	  /* true | false */
	F_YEAR,	  /* YYYY */
	F_ENUM,	  /* one of vocab, case-insensitive */
	F_REF,	  /* sourcedId of kind ref */
	F_REFS,	  /* comma-separated sourcedIds of kind ref */
	F_LANG,	  /* BCP 47 language tag */
	F_SECRET, /* read and discarded (users.csv password) */
};

enum { REQ = 1, V11 = 2, V12 = 4 };

struct coldef {
	const char *name;
	unsigned char kind, flags;
	signed char ref; /* enum roster_kind for F_REF/F_REFS */
	signed char out; /* index in roster_put's values, -1 not stored */
	const char *const *vocab;
};

static const char *const v_status[] = { "active", "tobedeleted", NULL };
static const char *const v_orgtype[] = { "department", "school",   "district", "local",
					 "state",      "national", NULL };
static const char *const v_sessiontype[] = { "gradingPeriod", "semester", "schoolYear", "term",
					     NULL };
static const char *const v_classtype[] = { "homeroom", "scheduled", NULL };
static const char *const v_role11[] = { "administrator", "aide",    "guardian", "parent", "proctor",
					"relative",	 "student", "teacher",	NULL };
static const char *const v_role12[] = { "administrator",
					"aide",
					"guardian",
					"parent",
					"proctor",
					"relative",
					"student",
					"teacher",
					"districtAdministrator",
					"siteAdministrator",
					"systemAdministrator",
					"principal",
					NULL };
static const char *const v_enrolrole[] = { "administrator", "aide",    "guardian",
					   "parent",	    "proctor", "relative",
					   "student",	    "teacher", NULL };
static const char *const v_roletype[] = { "primary", "secondary", NULL };
static const char *const v_sex[] = { "male", "female", "other", "unspecified", NULL };

/* clang-format off */
#define C(n, k, f, r, o, v) { n, k, f, r, o, v }
/* clang-format on */
#define ID C("sourcedId", F_ID, REQ, -1, 0, NULL)
#define STATUS(o) C("status", F_STATUS, 0, -1, o, v_status)
#define DLM(o) C("dateLastModified", F_DLM, 0, -1, o, NULL)

static const struct coldef c_orgs[] = {
	ID,
	STATUS(1),
	DLM(2),
	C("name", F_TEXT, REQ, -1, 3, NULL),
	C("type", F_ENUM, REQ, -1, 4, v_orgtype),
	C("identifier", F_TEXT, 0, -1, 5, NULL),
	C("parentSourcedId", F_REF, 0, ROSTER_ORG, 6, NULL),
};
static const struct coldef c_sessions[] = {
	ID,
	STATUS(1),
	DLM(2),
	C("title", F_TEXT, REQ, -1, 3, NULL),
	C("type", F_ENUM, REQ, -1, 4, v_sessiontype),
	C("startDate", F_DATE, REQ, -1, 5, NULL),
	C("endDate", F_DATE, REQ, -1, 6, NULL),
	C("parentSourcedId", F_REF, 0, ROSTER_SESSION, 7, NULL),
	C("schoolYear", F_YEAR, REQ, -1, 8, NULL),
};
static const struct coldef c_courses[] = {
	ID,
	STATUS(1),
	DLM(2),
	C("schoolYearSourcedId", F_REF, 0, ROSTER_SESSION, 3, NULL),
	C("title", F_TEXT, REQ, -1, 4, NULL),
	C("courseCode", F_TEXT, 0, -1, 5, NULL),
	C("grades", F_TEXT, 0, -1, 6, NULL),
	C("orgSourcedId", F_REF, REQ, ROSTER_ORG, 7, NULL),
	C("subjects", F_TEXT, 0, -1, 8, NULL),
	C("subjectCodes", F_TEXT, 0, -1, 9, NULL),
};
static const struct coldef c_classes[] = {
	ID,
	STATUS(1),
	DLM(2),
	C("title", F_TEXT, REQ, -1, 3, NULL),
	C("grades", F_TEXT, 0, -1, 4, NULL),
	C("courseSourcedId", F_REF, REQ, ROSTER_COURSE, 5, NULL),
	C("classCode", F_TEXT, 0, -1, 6, NULL),
	C("classType", F_ENUM, REQ, -1, 7, v_classtype),
	C("location", F_TEXT, 0, -1, 8, NULL),
	C("schoolSourcedId", F_REF, REQ, ROSTER_ORG, 9, NULL),
	C("termSourcedIds", F_REFS, REQ, ROSTER_SESSION, 10, NULL),
	C("subjects", F_TEXT, 0, -1, 11, NULL),
	C("subjectCodes", F_TEXT, 0, -1, 12, NULL),
	C("periods", F_TEXT, 0, -1, 13, NULL),
};
enum { U_ORGS = 4, U_ROLE = 5, U_PRIMARY_ORG = 23 };
static const struct coldef c_users[] = {
	ID,
	STATUS(1),
	DLM(2),
	C("enabledUser", F_BOOL, REQ, -1, 3, NULL),
	C("orgSourcedIds", F_REFS, REQ | V11, ROSTER_ORG, 4, NULL),
	C("role", F_ENUM, REQ | V11, -1, 5, v_role11),
	C("username", F_TEXT, REQ, -1, 6, NULL),
	C("userIds", F_TEXT, 0, -1, 7, NULL),
	C("givenName", F_TEXT, REQ, -1, 8, NULL),
	C("familyName", F_TEXT, REQ, -1, 9, NULL),
	C("middleName", F_TEXT, 0, -1, 10, NULL),
	C("identifier", F_TEXT, 0, -1, 11, NULL),
	C("email", F_TEXT, 0, -1, 12, NULL),
	C("sms", F_TEXT, 0, -1, 13, NULL),
	C("phone", F_TEXT, 0, -1, 14, NULL),
	C("agentSourcedIds", F_REFS, 0, ROSTER_PERSON, 15, NULL),
	C("grades", F_TEXT, 0, -1, 16, NULL),
	C("password", F_SECRET, 0, -1, -1, NULL),
	C("userMasterIdentifier", F_TEXT, V12, -1, -1, NULL),
	C("resourceSourcedIds", F_TEXT, V12, -1, -1, NULL),
	C("preferredGivenName", F_TEXT, V12, -1, 17, NULL),
	C("preferredMiddleName", F_TEXT, V12, -1, -1, NULL),
	C("preferredFamilyName", F_TEXT, V12, -1, -1, NULL),
	C("primaryOrgSourcedId", F_REF, V12, ROSTER_ORG, -1, NULL),
	C("pronouns", F_TEXT, V12, -1, -1, NULL),
	C("metadata.homeLanguage", F_LANG, 0, -1, 18, NULL),
	C("metadata.homeInternet", F_BOOL, 0, -1, 19, NULL),
	C("metadata.englishLearner", F_BOOL, 0, -1, 20, NULL),
	C("metadata.disability", F_BOOL, 0, -1, 21, NULL),
};
enum { R_USER = 3, R_ROLETYPE = 4, R_ROLE = 5, R_ORG = 8 };
static const struct coldef c_roles[] = {
	ID,
	STATUS(-1),
	DLM(-1),
	C("userSourcedId", F_REF, REQ, ROSTER_PERSON, 1, NULL),
	C("roleType", F_ENUM, REQ, -1, 2, v_roletype),
	C("role", F_ENUM, REQ, -1, 3, v_role12),
	C("beginDate", F_DATE, 0, -1, 6, NULL),
	C("endDate", F_DATE, 0, -1, 7, NULL),
	C("orgSourcedId", F_REF, REQ, ROSTER_ORG, 4, NULL),
	C("userProfileSourcedId", F_TEXT, 0, -1, 5, NULL),
};
static const struct coldef c_enrollments[] = {
	ID,
	STATUS(1),
	DLM(2),
	C("classSourcedId", F_REF, REQ, ROSTER_CLASS, 3, NULL),
	C("schoolSourcedId", F_REF, REQ, ROSTER_ORG, 4, NULL),
	C("userSourcedId", F_REF, REQ, ROSTER_PERSON, 5, NULL),
	C("role", F_ENUM, REQ, -1, 6, v_enrolrole),
	C("primary", F_BOOL, 0, -1, 7, NULL),
	C("beginDate", F_DATE, 0, -1, 8, NULL),
	C("endDate", F_DATE, 0, -1, 9, NULL),
};
static const struct coldef c_demographics[] = {
	ID,
	STATUS(1),
	DLM(2),
	C("birthDate", F_DATE, 0, -1, 3, NULL),
	C("sex", F_ENUM, 0, -1, 4, v_sex),
	C("americanIndianOrAlaskaNative", F_BOOL, 0, -1, 5, NULL),
	C("asian", F_BOOL, 0, -1, 6, NULL),
	C("blackOrAfricanAmerican", F_BOOL, 0, -1, 7, NULL),
	C("nativeHawaiianOrOtherPacificIslander", F_BOOL, 0, -1, 8, NULL),
	C("white", F_BOOL, 0, -1, 9, NULL),
	C("demographicRaceTwoOrMoreRaces", F_BOOL, 0, -1, 10, NULL),
	C("hispanicOrLatinoEthnicity", F_BOOL, 0, -1, 11, NULL),
	C("countryOfBirthCode", F_TEXT, 0, -1, 12, NULL),
	C("stateOfBirthAbbreviation", F_TEXT, 0, -1, 13, NULL),
	C("cityOfBirth", F_TEXT, 0, -1, 14, NULL),
	C("publicSchoolResidenceStatus", F_TEXT, 0, -1, 15, NULL),
};

struct filedef {
	const char *name;	/* manifest name and file stem */
	int kind;		/* enum roster_kind, or -1: accepted and ignored */
	unsigned char versions; /* V11 | V12 */
	const struct coldef *cols;
	size_t ncols;
	const char *what; /* for reference messages */
};

/* clang-format off */
#define FD(n, k, v, c, w) { n, k, v, c, sizeof c / sizeof c[0], w }
/* clang-format on */
/* in write order: referenced kinds first */
static const struct filedef filedefs[] = {
	FD("orgs", ROSTER_ORG, V11 | V12, c_orgs, "org"),
	FD("academicSessions", ROSTER_SESSION, V11 | V12, c_sessions, "academic session"),
	FD("courses", ROSTER_COURSE, V11 | V12, c_courses, "course"),
	FD("classes", ROSTER_CLASS, V11 | V12, c_classes, "class"),
	FD("users", ROSTER_PERSON, V11 | V12, c_users, "user"),
	FD("roles", ROSTER_ROLE, V12, c_roles, "role"),
	FD("enrollments", ROSTER_ENROLLMENT, V11 | V12, c_enrollments, "enrollment"),
	FD("demographics", ROSTER_DEMOGRAPHICS, V11 | V12, c_demographics, "demographics"),
	{ "userProfiles", -1, V12, NULL, 0, "user profile" },
};
#define NDEFS (sizeof filedefs / sizeof filedefs[0])

static const char *const kind_what[ROSTER_KIND_COUNT] = {
	"org", "academic session", "course", "class", "user", "role", "enrollment", "demographics",
};
static const char *const kind_a[ROSTER_KIND_COUNT] = {
	"an org",	 "an academic session",	  "a course", "a class", "a user", "a role",
	"an enrollment", "a demographics record",
};

/* Misspelled headers seen in vendors' files, mapped to the spec's names. */
static const struct {
	const char *seen, *means;
} header_alias[] = {
	{ "dataLastModified", "dateLastModified" },
	{ "prefferedGivenName", "preferredGivenName" },
	{ "prefferedMiddleName", "preferredMiddleName" },
	{ "prefferedFamilyName", "preferredFamilyName" },
};

/* ---- import state ---- */

/* low bits of a file id's value (line << 2 above): kept, deleted, or not
 * applied (set aside or waiting); row[1] tells the last two apart */
enum { ST_KEEP = 1, ST_DELETE = 2, ST_OUT = 3 };
enum { ST_ASIDE = 3, ST_WAIT = 4 }; /* row[1] only */

static int hs_state(const uint32_t *row)
{
	return row[1] >= ST_OUT ? ST_OUT : (int)row[1];
}

struct fstate {
	const struct filedef *def;
	struct oneroster_file *f; /* NULL when not present */
	enum oneroster_mode mode;
	size_t manifest_line;
	size_t count_idx;	    /* index in rep->files */
	long changed_sum;	    /* write_file: stored rows changed (exact after db_flush) */
	int colmap[CSV_MAX_FIELDS]; /* file column -> def column, -1 ignored */
	int defcol[64];		    /* def column -> file column, -1 absent */
	size_t ncols_hdr;	    /* header columns after dropping trailing empty ones */
	size_t ncols_raw;
	uint32_t *rows; /* stride = def->ncols + 2: line, state, offsets */
	size_t nrows, caprows;
	struct hashset ids;
	long dlm_odd; /* tolerated odd dateLastModified values */
	size_t dlm_odd_line;
	char dlm_odd_example[32];
	long inactive; /* lenient: 1.0 status inactive read as tobedeleted */
	size_t inactive_line;
	long agents_unknown; /* lenient: agentSourcedIds naming no one */
	size_t agents_line;
	bool bad_header; /* its rows were not read: nothing about it is checked */
	bool incomplete; /* rows were lost to CSV errors: references into it are not checked */
};

struct imp {
	struct db *db;
	int64_t district;
	struct oneroster_report *rep;
	int version; /* 11 or 12 */
	struct fstate fs[NDEFS];
	struct fstate *by_kind[ROSTER_KIND_COUNT];
	struct hashset dbids[ROSTER_KIND_COUNT];
	struct arena a;		/* db ids */
	struct hashset rolemap; /* 1.2: user sid -> roles row index */
	const struct oneroster_options *opts;
	bool lenient;
	/* rows waiting from earlier imports (roster_waiting) */
	struct roster_waiting_row *waiting;
	size_t nwaiting;
	bool *waiting_done; /* superseded by a row of this import, or linked */
	struct hashset waitset[ROSTER_KIND_COUNT]; /* sid -> index in waiting */
	struct hashset linked[ROSTER_KIND_COUNT];  /* linked by this import */
	bool linked_people;
	long nlinked;	     /* waiting rows applied (waiting_link) */
	enum eb_err wait_rc; /* the first failure to store a waiting row */
	bool soft_pending;   /* an optional parent is missing: a final pass records it */
};

static enum eb_err waiting_store(struct imp *im, struct fstate *fs, uint32_t *row,
				 const char *waits_for, bool link_only);
static enum eb_err waiting_supersede(struct imp *im, int kind, struct str sid, bool drop);

/* ---- report ---- */

void oneroster_report_init(struct oneroster_report *rep)
{
	memset(rep, 0, sizeof *rep);
	arena_init(&rep->arena);
}

void oneroster_report_free(struct oneroster_report *rep)
{
	arena_free(&rep->arena);
	memset(rep, 0, sizeof *rep);
}

static void rep_error(struct oneroster_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void rep_error(struct oneroster_report *rep, const char *fmt, ...)
{
	rep->nerrors_total++;
	if (rep->nerrors >= ONEROSTER_MAX_ERRORS)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(&rep->arena, fmt, ap);
	va_end(ap);
	rep->errors[rep->nerrors++] = s ? s : "out of memory";
}

static void rep_note(struct oneroster_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void rep_note(struct oneroster_report *rep, const char *fmt, ...)
{
	if (rep->nnotes >= 1000)
		return;
	if (rep->nnotes == rep->notes_cap) {
		size_t nc = rep->notes_cap ? rep->notes_cap * 2 : 16;
		const char **nn = arena_alloc(&rep->arena, nc * sizeof *nn);
		if (!nn)
			return;
		if (rep->nnotes)
			memcpy(nn, rep->notes, rep->nnotes * sizeof *nn);
		rep->notes = nn;
		rep->notes_cap = nc;
	}
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(&rep->arena, fmt, ap);
	va_end(ap);
	if (s)
		rep->notes[rep->nnotes++] = s;
}

static void *grow(struct arena *a, void *old, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return old;
	size_t nc = *cap ? *cap * 2 : 16;
	void *p = arena_alloc(a, nc * size);
	if (!p)
		return NULL;
	if (n)
		memcpy(p, old, n * size);
	*cap = nc;
	return p;
}

static void rep_aside(struct oneroster_report *rep, const char *file, size_t line,
		      const char *field, struct str sid, const char *reason)
{
	struct oneroster_aside *na =
		grow(&rep->arena, rep->aside, rep->naside, &rep->aside_cap, sizeof *na);
	if (!na)
		return;
	rep->aside = na;
	struct oneroster_aside *x = &na[rep->naside];
	x->file = arena_strdup(&rep->arena, file);
	x->line = line;
	x->field = arena_strdup(&rep->arena, field);
	x->sourced_id = arena_strndup(&rep->arena, sid.p, sid.n);
	x->reason = reason;
	if (x->file && x->field && x->sourced_id && x->reason)
		rep->naside++;
}

static void rep_waiting(struct oneroster_report *rep, const char *file, size_t line, struct str sid,
			const char *waits_for, bool linked)
{
	struct oneroster_waiting *nw =
		grow(&rep->arena, rep->waiting, rep->nwaiting, &rep->waiting_cap, sizeof *nw);
	if (!nw)
		return;
	rep->waiting = nw;
	struct oneroster_waiting *x = &nw[rep->nwaiting];
	x->file = arena_strdup(&rep->arena, file);
	x->line = line;
	x->sourced_id = arena_strndup(&rep->arena, sid.p, sid.n);
	x->waits_for = arena_strdup(&rep->arena, waits_for);
	x->linked = linked;
	if (x->file && x->sourced_id && x->waits_for)
		rep->nwaiting++;
	if (linked)
		rep->nlinked++;
}

/* "1 row", "2 rows": the word after a count of a file's rows */
static const char *rows_word(long n)
{
	return n == 1 ? "row" : "rows";
}

static void oneroster_report_rows(const struct oneroster_report *rep, FILE *out)
{
	size_t shown = 0, nwait = 0, nlink = 0;
	for (size_t i = 0; i < rep->naside; i++) {
		const struct oneroster_aside *x = &rep->aside[i];
		if (shown++ < ONEROSTER_MAX_ERRORS)
			fprintf(out, "set aside: %s:%zu: %s: %s%s%s%s\n", x->file, x->line,
				x->field, x->reason, x->sourced_id[0] ? " (sourcedId '" : "",
				x->sourced_id, x->sourced_id[0] ? "')" : "");
	}
	if (rep->naside > ONEROSTER_MAX_ERRORS)
		fprintf(out, "set aside: ... and %zu more %s\n", rep->naside - ONEROSTER_MAX_ERRORS,
			rows_word((long)(rep->naside - ONEROSTER_MAX_ERRORS)));
	shown = 0;
	for (size_t i = 0; i < rep->nwaiting; i++) {
		const struct oneroster_waiting *x = &rep->waiting[i];
		if (x->linked) {
			nlink++;
			continue;
		}
		nwait++;
		if (shown++ < ONEROSTER_MAX_ERRORS)
			fprintf(out, "waiting: %s:%zu: '%s' waits for %s\n", x->file, x->line,
				x->sourced_id, x->waits_for);
	}
	if (shown > ONEROSTER_MAX_ERRORS)
		fprintf(out, "waiting: ... and %zu more %s\n", shown - ONEROSTER_MAX_ERRORS,
			rows_word((long)(shown - ONEROSTER_MAX_ERRORS)));
	shown = 0;
	for (size_t i = 0; i < rep->nwaiting; i++) {
		const struct oneroster_waiting *x = &rep->waiting[i];
		if (x->linked && shown++ < ONEROSTER_MAX_ERRORS)
			fprintf(out, "linked: %s '%s' (it waited for %s)\n", x->file, x->sourced_id,
				x->waits_for);
	}
	if (shown > ONEROSTER_MAX_ERRORS)
		fprintf(out, "linked: ... and %zu more %s\n", shown - ONEROSTER_MAX_ERRORS,
			rows_word((long)(shown - ONEROSTER_MAX_ERRORS)));
	if (rep->naside || nwait || nlink)
		fprintf(out, "rows: %zu set aside, %zu waiting, %zu linked\n", rep->naside, nwait,
			nlink);
}

void oneroster_report_print(const struct oneroster_report *rep, FILE *out, FILE *err)
{
	for (size_t i = 0; i < rep->nnotes; i++)
		fprintf(err, "note: %s\n", rep->notes[i]);
	for (size_t i = 0; i < rep->nerrors; i++)
		fprintf(err, "%s\n", rep->errors[i]);
	if (rep->nerrors_total > rep->nerrors)
		fprintf(err, "... and %zu more errors\n", rep->nerrors_total - rep->nerrors);
	if (rep->nerrors_total) {
		fprintf(err, "import rejected: nothing was stored (%zu error%s)\n",
			rep->nerrors_total, rep->nerrors_total == 1 ? "" : "s");
		return;
	}
	for (size_t i = 0; i < rep->nfiles; i++) {
		const struct oneroster_count *c = &rep->files[i];
		if (c->ignored)
			fprintf(out, "%s: %ld %s, ignored\n", c->name, c->rows, rows_word(c->rows));
		else
			fprintf(out, "%s: %ld %s, %ld added, %ld changed, %ld deleted\n", c->name,
				c->rows, rows_word(c->rows), c->added, c->changed, c->deleted);
	}
	if (rep->guardians_synced)
		fprintf(out, "guardianship: %ld added, %ld deleted\n", rep->guardians_added,
			rep->guardians_deleted);
	oneroster_report_rows(rep, out);
}

/* ---- small helpers ---- */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* "users.csv" (any case, any directory) -> filedefs index, -2 manifest, -1 other */
static int file_index(const char *name)
{
	const char *b = base_name(name);
	size_t n = strlen(b);
	if (n < 5 || strcasecmp(b + n - 4, ".csv") != 0)
		return -1;
	struct str stem = { b, n - 4 };
	if (str_ieq_cstr(stem, "manifest"))
		return -2;
	for (size_t i = 0; i < NDEFS; i++)
		if (str_ieq_cstr(stem, filedefs[i].name))
			return (int)i;
	return -1;
}

static int vocab_find(const char *const *vocab, struct str v)
{
	for (int i = 0; vocab[i]; i++)
		if (str_ieq_cstr(v, vocab[i]))
			return i;
	return -1;
}

static char *vocab_list(struct arena *a, const char *const *vocab)
{
	char tmp[512];
	size_t len = 0;
	tmp[0] = 0;
	for (int i = 0; vocab[i]; i++) {
		int w = snprintf(tmp + len, sizeof tmp - len, "%s%s", i ? ", " : "", vocab[i]);
		if (w < 0 || (size_t)w >= sizeof tmp - len)
			break;
		len += (size_t)w;
	}
	return arena_strdup(a, tmp);
}

static bool bool_parse(struct str v, int *out)
{
	if (str_ieq_cstr(v, "true")) {
		*out = 1;
		return true;
	}
	if (str_ieq_cstr(v, "false")) {
		*out = 0;
		return true;
	}
	return false;
}

/* loose BCP 47: alpha{2,8} then (-alnum{1,8})* */
static bool lang_ok(struct str v)
{
	size_t i = 0, run = 0;
	bool first = true;
	if (!v.n || v.n > 64)
		return false;
	for (; i <= v.n; i++) {
		if (i == v.n || v.p[i] == '-') {
			if (run < (first ? 2u : 1u) || run > 8)
				return false;
			first = false;
			run = 0;
			continue;
		}
		unsigned char c = (unsigned char)v.p[i];
		if (first ? !isalpha(c) : !isalnum(c))
			return false;
		run++;
	}
	return true;
}

/* printable, quoted excerpt of a value for messages */
static const char *show(struct arena *a, struct str v)
{
	char tmp[64];
	size_t n = 0;
	for (size_t i = 0; i < v.n && n < 40; i++) {
		unsigned char c = (unsigned char)v.p[i];
		tmp[n++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	tmp[n] = 0;
	return arena_printf(a, "'%s%s'", tmp, v.n > 40 ? "..." : "");
}

static struct str row_val(const struct fstate *fs, const uint32_t *row, int defcol)
{
	uint32_t off = row[2 + defcol];
	if (!off)
		return (struct str){ "", 0 };
	const char *p = fs->f->data + off - 1;
	return (struct str){ p, strlen(p) };
}

static uint32_t *row_at(const struct fstate *fs, size_t i)
{
	return fs->rows + i * (fs->def->ncols + 2);
}

/* Marks a row not applied (ST_ASIDE or ST_WAIT), in row[1] and, when the
 * file's id set holds this row, there too (so references to it wait). */
static void row_mark(struct fstate *fs, uint32_t *row, uint32_t state)
{
	row[1] = state;
	struct str sid = row_val(fs, row, 0);
	int32_t v;
	if (sid.n && hs_get(&fs->ids, sid, &v) && ((uint32_t)v >> 2) == row[0])
		hs_set(&fs->ids, sid, (int32_t)((row[0] << 2) | ST_OUT));
}

/* A problem with one row (row NULL: a line that is not a row). strict: an
 * error; lenient: the row is set aside with the first problem as reason. */
static void row_bad(struct imp *im, struct fstate *fs, uint32_t *row, size_t line, size_t col,
		    const char *field, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void row_bad(struct imp *im, struct fstate *fs, uint32_t *row, size_t line, size_t col,
		    const char *field, const char *fmt, ...)
{
	struct oneroster_report *rep = im->rep;
	if (im->lenient && row && row[1] >= ST_OUT)
		return; /* set aside already: its first problem is the reason */
	va_list ap;
	va_start(ap, fmt);
	char *reason = arena_vprintf(&rep->arena, fmt, ap);
	va_end(ap);
	if (!reason)
		reason = "out of memory";
	if (!im->lenient) {
		rep_error(rep, "%s:%zu:%zu: %s: %s", fs->f->name, line, col, field, reason);
		return;
	}
	rep_aside(rep, fs->f->name, line, field, row ? row_val(fs, row, 0) : (struct str){ "", 0 },
		  reason);
	if (row)
		row_mark(fs, row, ST_ASIDE);
}

/* ---- manifest ---- */

static const char *mode_names[] = { "absent", "bulk", "delta" };

static void read_manifest(struct imp *im, struct oneroster_file *mf)
{
	struct oneroster_report *rep = im->rep;
	const char *fn = mf->name;
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error ce;
	csv_init(&r, mf->data, mf->len);
	bool header = true;
	enum eb_err rc;
	while ((rc = csv_next(&r, &rec, &ce)) != EB_ENOTFOUND) {
		if (rc) {
			rep_error(rep, "%s:%zu:%zu: csv: %s", fn, ce.line, ce.column, ce.reason);
			continue;
		}
		if (header) {
			header = false;
			if (rec.nfields >= 1 &&
			    str_ieq_cstr(str_trim(rec.fields[0]), "propertyName"))
				continue;
		}
		if (rec.nfields < 2) {
			rep_error(rep, "%s:%zu:1: manifest: expected propertyName,value", fn,
				  rec.line);
			continue;
		}
		struct str k = str_trim(rec.fields[0]), v = str_trim(rec.fields[1]);
		if (str_ieq_cstr(k, "oneroster.version")) {
			if (str_eq_cstr(v, "1.1") || str_eq_cstr(v, "1.1.0"))
				im->version = 11;
			else if (str_eq_cstr(v, "1.2") || str_eq_cstr(v, "1.2.0"))
				im->version = 12;
			else
				rep_error(rep,
					  "%s:%zu:2: oneroster.version: %s is not supported (1.1 "
					  "or 1.2)",
					  fn, rec.line, show(&rep->arena, v));
			continue;
		}
		if (k.n <= 5 || !str_starts_with(k, "file."))
			continue;
		struct str stem = { k.p + 5, k.n - 5 };
		int mode = -1;
		if (!v.n || str_ieq_cstr(v, "absent"))
			mode = OR_ABSENT;
		else if (str_ieq_cstr(v, "bulk"))
			mode = OR_BULK;
		else if (str_ieq_cstr(v, "delta"))
			mode = OR_DELTA;
		size_t i;
		for (i = 0; i < NDEFS; i++)
			if (str_ieq_cstr(stem, filedefs[i].name))
				break;
		if (mode < 0) {
			rep_error(rep, "%s:%zu:2: %.*s: %s is not bulk, delta or absent", fn,
				  rec.line, (int)k.n, k.p, show(&rep->arena, v));
			continue;
		}
		if (i == NDEFS) {
			char gbname[64]; /* Gradebook files: read by import_gradebook */
			snprintf(gbname, sizeof gbname, "%.*s.csv", (int)(k.n - 5), k.p + 5);
			if (mode != OR_ABSENT && !gradebook_csv_name(gbname))
				rep_note(rep,
					 "%s: %.*s is %s, but edbridge does not use that file; "
					 "ignored",
					 fn, (int)k.n, k.p, mode_names[mode]);
			continue;
		}
		im->fs[i].mode = (enum oneroster_mode)mode;
		im->fs[i].manifest_line = rec.line;
	}
	if (!im->version && !rep->nerrors_total)
		rep_error(rep,
			  "%s:1:1: oneroster.version: missing (add a line oneroster.version,1.1 "
			  "or oneroster.version,1.2)",
			  fn);
	snprintf(rep->version, sizeof rep->version, "%s",
		 im->version == 11   ? "1.1"
		 : im->version == 12 ? "1.2"
				     : "");
}

/* ---- header ---- */

static bool col_in_version(const struct coldef *c, int version)
{
	if ((c->flags & V11) && version != 11)
		return false;
	if ((c->flags & V12) && version != 12)
		return false;
	return true;
}

static int header_lookup(const struct filedef *d, struct str h, int version)
{
	for (size_t a = 0; a < sizeof header_alias / sizeof header_alias[0]; a++)
		if (str_ieq_cstr(h, header_alias[a].seen)) {
			h = str_from(header_alias[a].means);
			break;
		}
	for (size_t i = 0; i < d->ncols; i++)
		if (str_ieq_cstr(h, d->cols[i].name) && col_in_version(&d->cols[i], version))
			return (int)i;
	return -1;
}

/* false when the header is unusable (errors reported) */
static bool read_header(struct imp *im, struct fstate *fs, const struct csv_record *rec)
{
	struct oneroster_report *rep = im->rep;
	const char *fn = fs->f->name;
	const struct filedef *d = fs->def;
	bool ok = true;
	size_t n = rec->nfields;
	fs->ncols_raw = n;
	while (n > 1 && str_trim(rec->fields[n - 1]).n == 0)
		n--;
	if (n < rec->nfields)
		rep_note(rep, "%s: %zu empty column name%s at the end of the header; ignored", fn,
			 rec->nfields - n, rec->nfields - n == 1 ? "" : "s");
	fs->ncols_hdr = n;
	for (size_t i = 0; i < d->ncols; i++)
		fs->defcol[i] = -1;
	for (size_t i = 0; i < n; i++) {
		struct str h = str_trim(rec->fields[i]);
		fs->colmap[i] = -1;
		if (!h.n) {
			rep_error(rep, "%s:%zu:%zu: header: column %zu has no name", fn, rec->line,
				  i + 1, i + 1);
			ok = false;
			continue;
		}
		int c = header_lookup(d, h, im->version);
		if (c < 0) {
			if (!str_starts_with(h, "metadata."))
				rep_note(rep,
					 "%s: column %.*s is not a OneRoster %s %s column; ignored",
					 fn, (int)(h.n > 60 ? 60 : h.n), h.p,
					 im->version == 11 ? "1.1" : "1.2", d->name);
			continue;
		}
		if (!str_eq_cstr(h, d->cols[c].name))
			rep_note(rep, "%s: header %.*s read as %s", fn, (int)(h.n > 60 ? 60 : h.n),
				 h.p, d->cols[c].name);
		if (fs->defcol[c] >= 0) {
			rep_error(rep,
				  "%s:%zu:%zu: header: column %s appears twice (also column %d)",
				  fn, rec->line, i + 1, d->cols[c].name, fs->defcol[c] + 1);
			ok = false;
			continue;
		}
		fs->defcol[c] = (int)i;
		fs->colmap[i] = c;
	}
	for (size_t c = 0; c < d->ncols; c++)
		if (fs->defcol[c] < 0 && (d->cols[c].flags & REQ) &&
		    col_in_version(&d->cols[c], im->version)) {
			rep_error(rep, "%s:%zu:1: header: missing required column %s", fn,
				  rec->line, d->cols[c].name);
			ok = false;
		}
	if (fs->mode == OR_DELTA && fs->defcol[1] < 0) {
		rep_error(rep, "%s:%zu:1: header: missing column status (a delta file needs it)",
			  fn, rec->line);
		ok = false;
	}
	return ok;
}

/* ---- rows ---- */

#define MAX_VALUE 4096

static void validate_row(struct imp *im, struct fstate *fs, uint32_t *row)
{
	struct oneroster_report *rep = im->rep;
	struct arena *a = &rep->arena;
	const struct filedef *d = fs->def;
	const char *fn = fs->f->name;
	size_t line = row[0];
#define COLNO(c) (fs->defcol[c] >= 0 ? (size_t)fs->defcol[c] + 1 : (size_t)1)

	int state = ST_KEEP;
	row[1] = ST_KEEP;
	struct str st = row_val(fs, row, 1);
	if (!st.n) {
		if (fs->mode == OR_DELTA)
			row_bad(im, fs, row, line, COLNO(1), "status",
				"required in a delta file (active or tobedeleted)");
	} else {
		int k = vocab_find(v_status, st);
		if (k == 1) {
			state = ST_DELETE;
		} else if (k < 0 && im->lenient && str_ieq_cstr(st, "inactive")) {
			/* OneRoster 1.1 removed inactive and says to read it as
			 * tobedeleted */
			state = ST_DELETE;
			if (!fs->inactive++)
				fs->inactive_line = line;
		} else if (k < 0) {
			row[1] = (uint32_t)state;
			row_bad(im, fs, row, line, COLNO(1), "status",
				"%s is not one of active, tobedeleted%s", show(a, st),
				str_ieq_cstr(st, "inactive")
					? " (inactive is OneRoster 1.0; "
					  "use tobedeleted or leave the row out)"
					: "");
			state = (int)row[1];
		}
	}
	if (row[1] < ST_OUT)
		row[1] = (uint32_t)state;

	for (size_t c = 0; c < d->ncols; c++) {
		const struct coldef *cd = &d->cols[c];
		if (c == 1 || !col_in_version(cd, im->version) || fs->defcol[c] < 0)
			continue;
		struct str v = row_val(fs, row, (int)c);
		size_t col = COLNO(c);
		if (cd->kind == F_SECRET) {
			if (v.n)
				memset((char *)v.p, 0, v.n);
			row[2 + c] = 0;
			continue;
		}
		if (!v.n) {
			if ((cd->flags & REQ) && (state == ST_KEEP || cd->kind == F_ID))
				row_bad(im, fs, row, line, col, cd->name,
					"required value is missing");
			continue;
		}
		if (v.n > MAX_VALUE) {
			row_bad(im, fs, row, line, col, cd->name, "value is longer than %d bytes",
				MAX_VALUE);
			continue;
		}
		int32_t days;
		int64_t t, y;
		int32_t ms;
		int b;
		switch (cd->kind) {
		case F_ID: {
			int32_t old;
			enum eb_err rc = hs_put(
				&fs->ids, v, (int32_t)((line << 2) | (size_t)hs_state(row)), &old);
			if (rc == EB_EEXIST)
				row_bad(im, fs, row, line, col, "sourcedId",
					"duplicate %s (first on line %d)", show(a, v),
					(int)((uint32_t)old >> 2));
			else if (rc)
				rep_error(rep, "%s:%zu:%zu: sourcedId: out of memory", fn, line,
					  col);
			break;
		}
		case F_DLM:
			if (date_parse_ymd(v, &days) == EB_OK ||
			    time_parse_iso(v, &t, &ms) == EB_OK)
				break;
			if (!fs->dlm_odd++) {
				fs->dlm_odd_line = line;
				snprintf(fs->dlm_odd_example, sizeof fs->dlm_odd_example, "%.*s",
					 (int)(v.n > 24 ? 24 : v.n), v.p);
			}
			row[2 + c] = 0; /* stored as unknown */
			break;
		case F_DATE:
			if (date_parse_ymd(v, &days))
				row_bad(im, fs, row, line, col, cd->name,
					"%s is not a date (YYYY-MM-DD)", show(a, v));
			break;
		case F_BOOL:
			if (!bool_parse(v, &b))
				row_bad(im, fs, row, line, col, cd->name, "%s is not true or false",
					show(a, v));
			break;
		case F_YEAR:
			if (v.n != 4 || str_to_i64(v, 1900, 2999, &y))
				row_bad(im, fs, row, line, col, cd->name, "%s is not a year (YYYY)",
					show(a, v));
			break;
		case F_ENUM: {
			int k = vocab_find(cd->vocab, v);
			if (k < 0)
				row_bad(im, fs, row, line, col, cd->name, "%s is not one of %s",
					show(a, v), vocab_list(a, cd->vocab));
			else
				memcpy((char *)v.p, cd->vocab[k], v.n); /* canonical case */
			break;
		}
		case F_LANG:
			if (!lang_ok(v))
				row_bad(im, fs, row, line, col, cd->name,
					"%s is not a language tag (BCP 47, e.g. en or es-MX)",
					show(a, v));
			break;
		default:
			break;
		}
	}
	/* cross-field checks */
	if (d->kind == ROSTER_SESSION && state == ST_KEEP) {
		int32_t s, e;
		if (date_parse_ymd(row_val(fs, row, 5), &s) == EB_OK &&
		    date_parse_ymd(row_val(fs, row, 6), &e) == EB_OK && e < s)
			row_bad(im, fs, row, line, COLNO(6), "endDate", "before startDate");
	}
#undef COLNO
}

static bool rows_grow(struct fstate *fs)
{
	size_t stride = fs->def->ncols + 2;
	if (fs->nrows < fs->caprows)
		return true;
	size_t nc = fs->caprows ? fs->caprows * 2 : 256;
	uint32_t *nr = realloc(fs->rows, nc * stride * sizeof *nr);
	if (!nr)
		return false;
	fs->rows = nr;
	fs->caprows = nc;
	return true;
}

static void parse_file(struct imp *im, struct fstate *fs)
{
	struct oneroster_report *rep = im->rep;
	struct oneroster_file *f = fs->f;
	const char *fn = f->name;
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error ce;
	csv_init(&r, f->data, f->len);
	enum eb_err rc = csv_next(&r, &rec, &ce);
	if (rc == EB_ENOTFOUND) {
		rep_error(rep, "%s:1:1: header: the file is empty (a header line is required)", fn);
		fs->bad_header = true;
		return;
	}
	if (rc) {
		rep_error(rep, "%s:%zu:%zu: csv: %s", fn, ce.line, ce.column, ce.reason);
		fs->bad_header = true;
		return;
	}
	if (!read_header(im, fs, &rec)) {
		fs->bad_header = true;
		return;
	}
	size_t stride = fs->def->ncols + 2;
	while ((rc = csv_next(&r, &rec, &ce)) != EB_ENOTFOUND) {
		if (rc) {
			row_bad(im, fs, NULL, ce.line, ce.column, "csv", "%s", ce.reason);
			/* strict: rows may be lost, so references to it are not judged;
			 * lenient: a row lost is set aside and what refers to it waits */
			if (!im->lenient)
				fs->incomplete = true;
			continue;
		}
		size_t nf = rec.nfields;
		bool extra_empty = nf > fs->ncols_hdr;
		for (size_t i = fs->ncols_hdr; i < nf && extra_empty; i++)
			if (str_trim(rec.fields[i]).n)
				extra_empty = false;
		if (nf != fs->ncols_hdr && !(extra_empty && nf <= fs->ncols_raw)) {
			row_bad(im, fs, NULL, rec.line,
				(nf < fs->ncols_hdr ? nf : fs->ncols_hdr) + 1, "csv",
				"%zu fields, but the header has %zu", nf, fs->ncols_hdr);
			continue;
		}
		if (rec.line > (UINT32_MAX >> 4)) {
			rep_error(rep, "%s:%zu:1: csv: too many lines", fn, rec.line);
			return;
		}
		if (!rows_grow(fs)) {
			rep_error(rep, "%s:%zu:1: out of memory", fn, rec.line);
			return;
		}
		uint32_t *row = fs->rows + fs->nrows * stride;
		memset(row, 0, stride * sizeof *row);
		row[0] = (uint32_t)rec.line;
		for (size_t i = 0; i < fs->ncols_hdr; i++) {
			if (fs->colmap[i] < 0)
				continue;
			struct str v = str_trim(rec.fields[i]);
			char *p = (char *)v.p;
			if (!v.n)
				continue;
			p[v.n] = 0; /* the separator behind it was consumed; slack at the end */
			row[2 + fs->colmap[i]] = (uint32_t)(p - f->data) + 1;
		}
		fs->nrows++;
		validate_row(im, fs, row);
	}
	if (fs->dlm_odd)
		rep_note(rep,
			 "%s: %ld row%s with a dateLastModified that is not ISO 8601 (first: "
			 "line %zu, '%s'); stored as unknown",
			 fn, fs->dlm_odd, fs->dlm_odd == 1 ? "" : "s", fs->dlm_odd_line,
			 fs->dlm_odd_example);
}

/* ---- references ---- */

/* 0 resolvable, 1 unknown, 2 deleted by this import */
static int ref_state(const struct imp *im, int kind, struct str id)
{
	const struct fstate *fs = im->by_kind[kind];
	int32_t v;
	if (fs && fs->f && (fs->bad_header || fs->incomplete))
		return 0;
	if (fs && fs->f && hs_get(&fs->ids, id, &v)) {
		if ((v & 3) == ST_OUT) /* set aside or waiting: the stored row stays */
			return hs_get(&im->dbids[kind], id, NULL) ? 0 : 1;
		return (v & 3) == ST_KEEP ? 0 : 2;
	}
	if (hs_get(&im->linked[kind], id, NULL))
		return 0;
	if (!hs_get(&im->dbids[kind], id, NULL))
		return 1;
	return fs && fs->f && fs->mode == OR_BULK ? 2 : 0;
}

/* lenient: what one row's references found (the first unknown and the
 * first deleted target) */
struct refs_seen {
	int kind_unknown, kind_deleted, kind_soft;
	struct str unknown, deleted, soft; /* soft: an optional parent, unknown */
	const char *field_unknown, *field_deleted;
	size_t col_unknown, col_deleted;
	bool optional; /* the reference being checked is an optional F_REF */
};

static void check_ref(struct imp *im, struct fstate *fs, size_t line, size_t col, const char *field,
		      int kind, struct str id, struct refs_seen *seen)
{
	int s = ref_state(im, kind, id);
	if (im->lenient) {
		if (s == 1 && seen->optional) {
			if (!seen->soft.n) {
				seen->kind_soft = kind;
				seen->soft = id;
			}
		} else if (s == 1 && !seen->unknown.n) {
			seen->kind_unknown = kind;
			seen->unknown = id;
			seen->field_unknown = field;
			seen->col_unknown = col;
		} else if (s == 2 && !seen->deleted.n) {
			seen->kind_deleted = kind;
			seen->deleted = id;
			seen->field_deleted = field;
			seen->col_deleted = col;
		}
		return;
	}
	const struct fstate *target = im->by_kind[kind];
	if (s == 1)
		rep_error(im->rep,
			  "%s:%zu:%zu: %s: %s is not %s in this import or in the "
			  "database%s%s%s",
			  fs->f->name, line, col, field, show(&im->rep->arena, id), kind_a[kind],
			  target && !target->f ? " (" : "",
			  target && !target->f ? target->def->name : "",
			  target && !target->f ? ".csv is not part of this import)" : "");
	else if (s == 2)
		rep_error(im->rep, "%s:%zu:%zu: %s: %s is %s that this import deletes", fs->f->name,
			  line, col, field, show(&im->rep->arena, id), kind_a[kind]);
}

#define U_AGENTS 15 /* users.csv agentSourcedIds */

/* Returns true when a row was newly set aside or set waiting (lenient).
 * final: the pass after the last mark, which records the applied rows whose
 * optional parent (an org's or session's parent, a course's school year, a
 * 1.2 user's primary org) is missing: their link waits. */
static bool check_refs(struct imp *im, struct fstate *fs, bool final)
{
	const struct filedef *d = fs->def;
	bool marked = false;
	for (size_t i = 0; i < fs->nrows; i++) {
		uint32_t *row = row_at(fs, i);
		if (row[1] != ST_KEEP)
			continue;
		size_t line = row[0];
		struct refs_seen seen = { 0 };
		for (size_t c = 0; c < d->ncols; c++) {
			const struct coldef *cd = &d->cols[c];
			if ((cd->kind != F_REF && cd->kind != F_REFS) || fs->defcol[c] < 0)
				continue;
			struct str v = row_val(fs, row, (int)c);
			size_t col = (size_t)fs->defcol[c] + 1;
			if (im->lenient && d->kind == ROSTER_PERSON && c == U_AGENTS) {
				/* a guardian not (yet) in the roster: the user is applied,
				 * the guardian link is made when that person arrives */
				struct refs_seen ag = { 0 };
				const char *p = v.p, *e = v.p + v.n;
				while (p < e && !ag.unknown.n && !ag.deleted.n) {
					const char *q = memchr(p, ',', (size_t)(e - p));
					if (!q)
						q = e;
					struct str one =
						str_trim((struct str){ p, (size_t)(q - p) });
					if (one.n)
						check_ref(im, fs, line, col, cd->name, cd->ref, one,
							  &ag);
					p = q + 1;
				}
				if ((ag.unknown.n || ag.deleted.n) && !fs->agents_unknown++)
					fs->agents_line = line;
				continue;
			}
			if (cd->kind == F_REF) {
				seen.optional = !(cd->flags & REQ);
				if (v.n)
					check_ref(im, fs, line, col, cd->name, cd->ref, v, &seen);
				seen.optional = false;
				continue;
			}
			const char *p = v.p, *e = v.p + v.n;
			while (p < e) {
				const char *q = memchr(p, ',', (size_t)(e - p));
				if (!q)
					q = e;
				struct str one = str_trim((struct str){ p, (size_t)(q - p) });
				if (one.n)
					check_ref(im, fs, line, col, cd->name, cd->ref, one, &seen);
				p = q + 1;
			}
		}
		if (d->kind == ROSTER_DEMOGRAPHICS)
			check_ref(im, fs, line, (size_t)fs->defcol[0] + 1, "sourcedId",
				  ROSTER_PERSON, row_val(fs, row, 0), &seen);
		if (d->kind == ROSTER_PERSON && im->version == 12) {
			struct str sid = row_val(fs, row, 0);
			if (!hs_get(&im->rolemap, sid, NULL) &&
			    !hs_get(&im->dbids[ROSTER_PERSON], sid, NULL)) {
				row_bad(im, fs, row, line, (size_t)fs->defcol[0] + 1, "sourcedId",
					"user %s has no role (OneRoster 1.2 gives each user a row "
					"in roles.csv)",
					show(&im->rep->arena, sid));
				marked = true;
				continue;
			}
		}
		if (!im->lenient)
			continue;
		struct arena *a = &im->rep->arena;
		if (seen.deleted.n) {
			/* set aside, and a stored copy goes with its parent: nothing
			 * stored may point at a deleted row */
			const char *why =
				arena_printf(a,
					     "%s is %s that this import deletes; the row "
					     "is left out (a stored copy is deleted with it)",
					     show(a, seen.deleted), kind_a[seen.kind_deleted]);
			rep_aside(im->rep, fs->f->name, line, seen.field_deleted,
				  row_val(fs, row, 0), why ? why : "its parent is deleted");
			row[1] = ST_DELETE;
			struct str sid = row_val(fs, row, 0);
			int32_t v;
			if (sid.n && hs_get(&fs->ids, sid, &v) && ((uint32_t)v >> 2) == row[0])
				hs_set(&fs->ids, sid, (int32_t)((row[0] << 2) | ST_DELETE));
			marked = true;
		} else if (seen.unknown.n) {
			const char *wf = arena_printf(a, "%s %s", kind_what[seen.kind_unknown],
						      show(a, seen.unknown));
			rep_waiting(im->rep, fs->f->name, line, row_val(fs, row, 0),
				    wf ? wf : "a parent", false);
			row_mark(fs, row, ST_WAIT);
			waiting_supersede(im, d->kind, row_val(fs, row, 0), false);
			if (!im->wait_rc)
				im->wait_rc =
					waiting_store(im, fs, row, wf ? wf : "a parent", false);
			marked = true;
		} else if (seen.soft.n && !final) {
			im->soft_pending = true; /* recorded by the final pass */
		} else if (seen.soft.n) {
			const char *wf =
				arena_printf(a, "%s %s (the row is applied; the link waits)",
					     kind_what[seen.kind_soft], show(a, seen.soft));
			rep_waiting(im->rep, fs->f->name, line, row_val(fs, row, 0),
				    wf ? wf : "a parent", false);
			waiting_supersede(im, d->kind, row_val(fs, row, 0), false);
			if (!im->wait_rc)
				im->wait_rc =
					waiting_store(im, fs, row, wf ? wf : "a parent", true);
		}
	}
	return marked;
}

static void build_rolemap(struct imp *im)
{
	struct fstate *fs = im->by_kind[ROSTER_ROLE];
	if (!fs || !fs->f || im->version != 12)
		return;
	for (size_t i = 0; i < fs->nrows; i++) {
		uint32_t *row = row_at(fs, i);
		if (row[1] != ST_KEEP)
			continue;
		struct str u = row_val(fs, row, R_USER);
		bool primary = str_eq_cstr(row_val(fs, row, R_ROLETYPE), "primary");
		int32_t old;
		if (hs_put(&im->rolemap, u, (int32_t)i, &old) == EB_EEXIST && primary &&
		    !str_eq_cstr(row_val(fs, row_at(fs, (size_t)old), R_ROLETYPE), "primary"))
			hs_set(&im->rolemap, u, (int32_t)i);
	}
}

/* ---- writes ---- */

static void dbid_add(void *ctx, const char *sid, size_t n)
{
	struct imp *im = ((struct imp **)ctx)[0];
	struct hashset *h = ((struct hashset **)ctx)[1];
	char *p = arena_strndup(&im->a, sid, n);
	if (p)
		hs_put(h, (struct str){ p, n }, 0, NULL);
}

static enum eb_err load_dbids(struct imp *im)
{
	for (int k = 0; k < ROSTER_KIND_COUNT; k++) {
		void *ctx[2] = { im, &im->dbids[k] };
		enum eb_err rc =
			roster_each_id(im->db, im->district, (enum roster_kind)k, dbid_add, ctx);
		if (rc)
			return rc;
	}
	return EB_OK;
}

static struct roster_val text_or_null(struct str v)
{
	if (!v.n)
		return (struct roster_val){ RV_NULL, NULL, 0, 0 };
	return (struct roster_val){ RV_TEXT, v.p, (int)v.n, 0 };
}

/* The values roster_put takes for one row. */
static void build_vals(struct imp *im, struct fstate *fs, uint32_t *row, struct roster_val *vals)
{
	const struct filedef *d = fs->def;
	enum roster_kind kind = (enum roster_kind)d->kind;
	struct str sid = row_val(fs, row, 0);
	{ /* clang-format keeps the block */
		for (size_t c = 0; c < 32; c++)
			vals[c] = (struct roster_val){ RV_NULL, NULL, 0, 0 };
		for (size_t c = 0; c < d->ncols; c++) {
			const struct coldef *cd = &d->cols[c];
			if (cd->out < 0)
				continue;
			struct str v = row_val(fs, row, (int)c);
			int b;
			if (cd->kind == F_STATUS)
				vals[cd->out] = (struct roster_val){ RV_TEXT, "active", 6, 0 };
			else if (cd->kind == F_BOOL && v.n && bool_parse(v, &b))
				vals[cd->out] = (struct roster_val){ RV_INT, NULL, 0, b };
			else
				vals[cd->out] = text_or_null(v);
		}
		if (kind == ROSTER_PERSON && im->version == 12) {
			int32_t ri;
			struct fstate *rf = im->by_kind[ROSTER_ROLE];
			struct str porg = row_val(fs, row, U_PRIMARY_ORG);
			if (rf && hs_get(&im->rolemap, sid, &ri)) {
				uint32_t *rr = row_at(rf, (size_t)ri);
				vals[5] = text_or_null(row_val(rf, rr, R_ROLE));
				if (!porg.n)
					porg = row_val(rf, rr, R_ORG);
			}
			vals[4] = text_or_null(porg);
		}
	}
}

/* The stored waiting row of an earlier import with this sourcedId is
 * superseded by this import's row (applied, set aside, deleted, or set
 * waiting again). */
static enum eb_err waiting_supersede(struct imp *im, int kind, struct str sid, bool drop)
{
	int32_t wi;
	if (!im->nwaiting || !hs_get(&im->waitset[kind], sid, &wi) || im->waiting_done[wi])
		return EB_OK;
	im->waiting_done[wi] = true;
	return drop ? roster_waiting_delete(im->db, im->district, kind, sid.p, sid.n, NULL) : EB_OK;
}

static enum eb_err write_file(struct imp *im, struct fstate *fs)
{
	const struct filedef *d = fs->def;
	enum roster_kind kind = (enum roster_kind)d->kind;
	struct oneroster_count *cnt = &im->rep->files[fs->count_idx];
	struct hashset *dbset = &im->dbids[kind];
	struct roster_val vals[32];
	enum eb_err rc;
	cnt->rows = (long)fs->nrows;
	for (size_t i = 0; i < fs->nrows; i++) {
		uint32_t *row = row_at(fs, i);
		struct str sid = row_val(fs, row, 0);
		if ((rc = waiting_supersede(im, kind, sid, row[1] != ST_WAIT)))
			return rc;
		if (row[1] >= ST_OUT)
			continue; /* set aside, or stored waiting by check_refs */
		if (row[1] == ST_DELETE) {
			bool del = false;
			if ((rc = roster_delete(im->db, im->district, kind, sid.p, sid.n, &del)))
				return rc;
			cnt->deleted += del;
			continue;
		}
		build_vals(im, fs, row, vals);
		/* neither waits for its answer on PostgreSQL (import_core): a new
		 * row is added, a stored one counted when it changed */
		bool stored = hs_get(dbset, sid, NULL);
		if ((rc = stored ? roster_put_sum(im->db, im->district, kind, vals,
						  &fs->changed_sum)
				 : roster_put(im->db, im->district, kind, vals, NULL)))
			return rc;
		if (!stored)
			cnt->added++;
	}
	if (fs->mode == OR_BULK && im->nwaiting) {
		/* earlier waiting rows the full set no longer lists */
		long dropped = 0;
		for (size_t i = 0; i < im->nwaiting; i++) {
			struct roster_waiting_row *w = &im->waiting[i];
			if (w->kind != (int)kind || im->waiting_done[i])
				continue;
			im->waiting_done[i] = true;
			struct str sid = str_from(w->sourced_id);
			if ((rc = roster_waiting_delete(im->db, im->district, w->kind, sid.p, sid.n,
							NULL)))
				return rc;
			dropped++;
		}
		if (dropped)
			rep_note(im->rep,
				 "%s: %ld row%s that waited for a parent %s not in this full set; "
				 "dropped",
				 fs->f->name, dropped, dropped == 1 ? "" : "s",
				 dropped == 1 ? "is" : "are");
	}
	if (fs->mode == OR_BULK) {
		for (size_t i = 0; i < dbset->cap; i++) {
			struct hs_slot *s = &dbset->slots[i];
			if (!s->p || hs_get(&fs->ids, (struct str){ s->p, s->n }, NULL))
				continue;
			bool del = false;
			if ((rc = roster_delete(im->db, im->district, kind, s->p, s->n, &del)))
				return rc;
			cnt->deleted += del;
		}
	}
	return EB_OK;
}

static char *summary(struct oneroster_report *rep)
{
	size_t cap = 4096, len = 0;
	char *s = arena_alloc(&rep->arena, cap);
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t i = 0; i < rep->nfiles && len < cap; i++) {
		const struct oneroster_count *c = &rep->files[i];
		int w = c->ignored ? snprintf(s + len, cap - len, "%s: %ld %s, ignored\n", c->name,
					      c->rows, rows_word(c->rows))
				   : snprintf(s + len, cap - len,
					      "%s: %ld %s, %ld added, %ld changed, %ld deleted\n",
					      c->name, c->rows, rows_word(c->rows), c->added,
					      c->changed, c->deleted);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (len < cap && rep->guardians_synced)
		snprintf(s + len, cap - len, "guardianship: %ld added, %ld deleted\n",
			 rep->guardians_added, rep->guardians_deleted);
	return s;
}

static long count_records(struct oneroster_file *f)
{
	struct csv_reader r;
	struct csv_record rec;
	struct csv_error ce;
	long n = -1; /* the header */
	enum eb_err rc;
	csv_init(&r, f->data, f->len);
	while ((rc = csv_next(&r, &rec, &ce)) != EB_ENOTFOUND)
		if (rc == EB_OK)
			n++;
	return n < 0 ? 0 : n;
}

static void imp_free(struct imp *im)
{
	for (size_t i = 0; i < NDEFS; i++) {
		free(im->fs[i].rows);
		hs_free(&im->fs[i].ids);
	}
	for (int k = 0; k < ROSTER_KIND_COUNT; k++) {
		hs_free(&im->dbids[k]);
		hs_free(&im->waitset[k]);
		hs_free(&im->linked[k]);
	}
	hs_free(&im->rolemap);
	arena_free(&im->a);
}

/* One Gradebook line "FILE:LINE: field: reason" as a set-aside row of the
 * report (lenient mode: the history page and exit status show it), else
 * a note. */
static void gradebook_aside(struct oneroster_report *rep, bool lenient, const char *prefix, char *l)
{
	char *f = strstr(l, ": "); /* FILE:LINE|: field: reason */
	char *r = f ? strstr(f + 2, ": ") : NULL;
	char *c = f; /* after the last ':' before f: LINE */
	while (c && c > l && c[-1] != ':')
		c--;
	int64_t line = 0;
	bool ok = lenient && r && c && c > l + 1;
	if (ok) {
		*f = '\0';
		ok = cstr_to_i64(c, 0, INT32_MAX, &line) == EB_OK;
		*f = ':';
	}
	if (!ok) {
		rep_note(rep, "%s%s", prefix, l);
		return;
	}
	c[-1] = *f = *r = '\0';
	char *reason = arena_printf(&rep->arena, "%s%s", prefix, r + 2);
	if (reason)
		rep_aside(rep, l, (size_t)line, f + 2, str_from(""), reason);
}

/* The Gradebook files of a 1.2 package (docs/gradebook.md), in the
 * import's transaction. A refused Gradebook file (nothing of it stored)
 * refuses a strict import (EB_EPARSE, its errors in rep); a lenient one
 * goes on without it, each error a set-aside row. The records the
 * Gradebook sets aside are set-aside rows too (notes in strict mode). */
static enum eb_err import_gradebook(struct db *db, int64_t district, struct oneroster_file *files,
				    size_t n, bool lenient, struct oneroster_report *rep)
{
	struct buf errs, lines;
	buf_init(&errs, 1 << 16);
	buf_init(&lines, 1 << 16);
	struct gradebook_report gr = { .out = &lines };
	enum eb_err rc = oneroster_gradebook_import(db, district, 0, files, n, &errs, &gr);
	for (char *p = errs.len ? (char *)buf_cstr(&errs) : NULL, *e; p && *p; p = e + 1) {
		if (!(e = strchr(p, '\n')))
			break;
		*e = '\0';
		if (lenient)
			gradebook_aside(rep, true,
					"Gradebook files refused, nothing of them stored: ", p);
		else
			rep_error(rep, "%s", p);
	}
	if (rc == EB_EPARSE && lenient)
		rc = EB_OK;
	/* Gradebook results waiting for a student, class or line item this
	 * roster may have brought (docs/gradebook.md) */
	struct gradebook_report linked = { 0 };
	if (rc == EB_OK && (rc = gradebook_relink(db, district, time_now(), &linked)) == EB_OK &&
	    (linked.linked || linked.items_linked))
		rep_note(rep, "gradebook: %zu waiting line items and %zu waiting results linked",
			 linked.items_linked, linked.linked);
	if (rc == EB_OK && (gr.items || gr.results || gr.items_deleted || gr.results_deleted ||
			    gr.unchanged || gr.set_aside)) {
		rep_note(rep,
			 "gradebook: %zu line items, %zu results stored (%zu unchanged), %zu "
			 "learning events, %zu set aside",
			 gr.items, gr.results, gr.unchanged, gr.events, gr.set_aside);
		for (char *p = lines.len ? (char *)buf_cstr(&lines) : NULL, *e; p && *p;
		     p = e + 1) {
			if (!(e = strchr(p, '\n')))
				break;
			*e = '\0';
			gradebook_aside(rep, lenient, "", p);
		}
	}
	buf_free(&errs);
	buf_free(&lines);
	return rc;
}

/* ---- rows waiting for a parent (lenient) ---- */

/* Every reference of a row as [kind, sourcedId] pairs (agents left out:
 * they make guardian links, not parents). */
static void row_refs_json(struct imp *im, struct fstate *fs, uint32_t *row, json_t *refs)
{
	const struct filedef *d = fs->def;
	for (size_t c = 0; c < d->ncols; c++) {
		const struct coldef *cd = &d->cols[c];
		if ((cd->kind != F_REF && cd->kind != F_REFS) || fs->defcol[c] < 0 ||
		    !col_in_version(cd, im->version) || (d->kind == ROSTER_PERSON && c == U_AGENTS))
			continue;
		struct str v = row_val(fs, row, (int)c);
		const char *p = v.p, *e = v.p + v.n;
		while (p < e) {
			const char *q = cd->kind == F_REFS ? memchr(p, ',', (size_t)(e - p)) : NULL;
			if (!q)
				q = e;
			struct str one = str_trim((struct str){ p, (size_t)(q - p) });
			if (one.n)
				json_array_append_new(
					refs, json_pack("[is%]", (int)cd->ref, one.p, one.n));
			p = q + 1;
		}
	}
	if (d->kind == ROSTER_DEMOGRAPHICS) {
		struct str sid = row_val(fs, row, 0);
		json_array_append_new(refs, json_pack("[is%]", (int)ROSTER_PERSON, sid.p, sid.n));
	}
}

/* link_only: the row is applied; only its link waits (vals stored as null) */
static enum eb_err waiting_store(struct imp *im, struct fstate *fs, uint32_t *row,
				 const char *waits_for, bool link_only)
{
	struct roster_val vals[32];
	build_vals(im, fs, row, vals);
	size_t nv = link_only ? 0 : roster_ncols((enum roster_kind)fs->def->kind);
	json_t *jv = link_only ? json_null() : json_array(), *jr = json_array();
	for (size_t i = 0; jv && i < nv && i < 32; i++) {
		if (vals[i].t == RV_TEXT)
			json_array_append_new(jv, json_stringn(vals[i].p, (size_t)vals[i].n));
		else if (vals[i].t == RV_INT)
			json_array_append_new(jv, json_integer(vals[i].i));
		else
			json_array_append_new(jv, json_null());
	}
	if (jr)
		row_refs_json(im, fs, row, jr);
	char *sv = jv ? json_dumps(jv, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	char *sr = jr ? json_dumps(jr, JSON_COMPACT) : NULL;
	json_decref(jv);
	json_decref(jr);
	enum eb_err rc = EB_ENOMEM;
	struct str sid = row_val(fs, row, 0);
	char *sidz = arena_strndup(&im->a, sid.p, sid.n);
	if (sv && sr && sidz) {
		struct roster_waiting_row w = { .kind = fs->def->kind,
						.sourced_id = sidz,
						.vals = sv,
						.refs = sr,
						.waits_for = waits_for,
						.file = fs->f->name,
						.line = row[0],
						.since = time_now() };
		rc = roster_waiting_put(im->db, im->district, &w);
	}
	free(sv);
	free(sr);
	return rc;
}

static enum eb_err waiting_load(struct imp *im)
{
	enum eb_err rc =
		roster_waiting_all(im->db, im->district, &im->a, &im->waiting, &im->nwaiting);
	if (rc || !im->nwaiting)
		return rc;
	im->waiting_done = arena_alloc(&im->a, im->nwaiting * sizeof *im->waiting_done);
	if (!im->waiting_done)
		return EB_ENOMEM;
	memset(im->waiting_done, 0, im->nwaiting * sizeof *im->waiting_done);
	for (size_t i = 0; i < im->nwaiting; i++) {
		int k = im->waiting[i].kind;
		if (k < 0 || k >= ROSTER_KIND_COUNT)
			continue;
		if ((rc = hs_put(&im->waitset[k], str_from(im->waiting[i].sourced_id), (int32_t)i,
				 NULL)) &&
		    rc != EB_EEXIST)
			return rc;
	}
	return EB_OK;
}

/* true when every reference of a waiting row now resolves */
static bool waiting_ready(struct imp *im, const struct roster_waiting_row *w, json_t *refs)
{
	size_t i;
	json_t *r;
	json_array_foreach(refs, i, r)
	{
		int k = (int)json_integer_value(json_array_get(r, 0));
		const char *id = json_string_value(json_array_get(r, 1));
		if (k < 0 || k >= ROSTER_KIND_COUNT || !id)
			return false;
		if (ref_state(im, k, str_from(id)) != 0)
			return false;
	}
	(void)w;
	return true;
}

static enum eb_err waiting_apply(struct imp *im, struct roster_waiting_row *w, json_t *vals)
{
	struct roster_val rv[32];
	size_t nv = roster_ncols((enum roster_kind)w->kind);
	struct str sid = str_from(w->sourced_id);
	if (json_is_null(vals)) /* the row was applied; only the link waited */
		return roster_waiting_delete(im->db, im->district, w->kind, sid.p, sid.n, NULL);
	if (!json_is_array(vals) || json_array_size(vals) != nv || nv > 32)
		return EB_EINVAL;
	for (size_t i = 0; i < nv; i++) {
		json_t *v = json_array_get(vals, i);
		if (json_is_string(v))
			rv[i] = (struct roster_val){ RV_TEXT, json_string_value(v),
						     (int)json_string_length(v), 0 };
		else if (json_is_integer(v))
			rv[i] = (struct roster_val){ RV_INT, NULL, 0, json_integer_value(v) };
		else
			rv[i] = (struct roster_val){ RV_NULL, NULL, 0, 0 };
	}
	bool changed = false;
	enum eb_err rc = roster_put(im->db, im->district, (enum roster_kind)w->kind, rv, &changed);
	if (rc)
		return rc;
	return roster_waiting_delete(im->db, im->district, w->kind, sid.p, sid.n, NULL);
}

/* Applies the earlier waiting rows whose parents this import brought, until
 * none more can be (a waiting org may be the parent another waits for). */
static enum eb_err waiting_link(struct imp *im)
{
	bool more = im->nwaiting > 0;
	while (more) {
		more = false;
		for (size_t i = 0; i < im->nwaiting; i++) {
			struct roster_waiting_row *w = &im->waiting[i];
			if (im->waiting_done[i] || w->kind < 0 || w->kind >= ROSTER_KIND_COUNT)
				continue;
			json_t *refs = json_loads(w->refs, 0, NULL);
			json_t *vals = json_loads(w->vals, JSON_DECODE_ANY, NULL);
			enum eb_err rc = EB_OK;
			if (json_is_array(refs) && waiting_ready(im, w, refs)) {
				rc = waiting_apply(im, w, vals);
				if (rc == EB_OK) {
					im->waiting_done[i] = true;
					im->nlinked++;
					struct str sid = str_from(w->sourced_id);
					hs_put(&im->linked[w->kind], sid, 0, NULL);
					rep_waiting(im->rep, w->file, (size_t)w->line, sid,
						    w->waits_for, true);
					if (w->kind == ROSTER_PERSON || w->kind == ROSTER_ROLE)
						im->linked_people = true;
					more = true;
				}
			}
			json_decref(refs);
			json_decref(vals);
			if (rc && rc != EB_EINVAL)
				return rc;
		}
	}
	return EB_OK;
}

/* ---- the large-removal guard ---- */

static void sid_collect(void *ctx, const char *sid, size_t n)
{
	struct imp *im = ((struct imp **)ctx)[0];
	struct hashset *h = ((struct hashset **)ctx)[1];
	char *p = arena_strndup(&im->a, sid, n);
	if (p)
		hs_put(h, (struct str){ p, n }, 0, NULL);
}

/* How many stored rows of a kind this import removes (rows marked
 * tobedeleted, and for a bulk file the stored rows it leaves out); among
 * (when only is not NULL) the rows in only. */
static long removals(struct imp *im, int kind, const struct hashset *only)
{
	struct fstate *fs = im->by_kind[kind];
	const struct hashset *stored = only ? only : &im->dbids[kind];
	long n = 0;
	if (!fs || !fs->f)
		return 0;
	for (size_t i = 0; i < fs->nrows; i++) {
		uint32_t *row = row_at(fs, i);
		if (row[1] == ST_DELETE && hs_get(stored, row_val(fs, row, 0), NULL))
			n++;
	}
	if (fs->mode == OR_BULK)
		for (size_t i = 0; i < stored->cap; i++) {
			const struct hs_slot *sl = &stored->slots[i];
			if (sl->p && !hs_get(&fs->ids, (struct str){ sl->p, sl->n }, NULL))
				n++;
		}
	return n;
}

/* true when the import may go on; else the report says what it would
 * remove and how to confirm */
static bool removal_guard(struct imp *im)
{
	struct oneroster_report *rep = im->rep;
	if (im->opts->allow_large_removal)
		return true;
	double limit = im->opts->removal_limit > 0 ? im->opts->removal_limit : 0.10;
	struct hashset students;
	hs_init(&students);
	long st_stored = 0, st_remove = 0;
	if (im->by_kind[ROSTER_PERSON]->f) {
		void *ctx[2] = { im, &students };
		if (import_log_each_student(im->db, im->district, sid_collect, ctx) == EB_OK) {
			st_stored = (long)students.count;
			st_remove = removals(im, ROSTER_PERSON, &students);
		}
	}
	hs_free(&students);
	struct oneroster_removal r[3] = {
		{ "students", st_remove, st_stored },
		{ "classes", removals(im, ROSTER_CLASS, NULL),
		  (long)im->dbids[ROSTER_CLASS].count },
		{ "enrollments", removals(im, ROSTER_ENROLLMENT, NULL),
		  (long)im->dbids[ROSTER_ENROLLMENT].count },
	};
	bool ok = true;
	for (size_t i = 0; i < 3; i++) {
		if (r[i].stored <= 0 || (double)r[i].remove <= limit * (double)r[i].stored)
			continue;
		ok = false;
		rep->removals[rep->nremovals++] = r[i];
		rep_error(
			rep,
			"removal: this import would remove %ld of the district's %ld %s (%.0f %%), "
			"more than the %.0f %% a sync may remove without confirmation",
			r[i].remove, r[i].stored, r[i].what,
			100.0 * (double)r[i].remove / (double)r[i].stored, 100.0 * limit);
	}
	if (!ok) {
		rep->removal_stopped = true;
		rep_error(rep,
			  "removal: nothing was stored. A truncated export looks like this; if "
			  "the export is complete, import it again with --allow-large-removal "
			  "(on the upload page: tick \"Allow a large removal\")");
	}
	return ok;
}

/* ---- the import's record ---- */

static char *notes_text(struct oneroster_report *rep)
{
	size_t len = 0;
	for (size_t i = 0; i < rep->nnotes; i++)
		len += strlen(rep->notes[i]) + 1;
	char *s = arena_alloc(&rep->arena, len + 1);
	if (!s)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < rep->nnotes; i++) {
		size_t n = strlen(rep->notes[i]);
		memcpy(s + o, rep->notes[i], n);
		o += n;
		s[o++] = '\n';
	}
	s[o] = 0;
	return s;
}

static enum eb_err record_run(struct imp *im, const char *source, int64_t started, bool ok,
			      const char *summary)
{
	struct oneroster_report *rep = im->rep;
	const struct oneroster_options *o = im->opts;
	long nwait = 0;
	for (size_t i = 0; i < rep->nwaiting; i++)
		nwait += !rep->waiting[i].linked;
	struct import_log_run run = {
		.started_at = started,
		.account_id = o->actor_user_id,
		.ok = ok,
		.kind = "oneroster",
		.source = source,
		.mode = o->strict ? "strict" : "lenient",
		.actor = o->actor ? o->actor
				  : (o->actor_user_id > 0 ? "an account" : "command line"),
		.summary = summary,
		.notes = notes_text(rep),
		.n_aside = ok ? (long)rep->naside : 0,
		.n_waiting = ok ? nwait : 0,
		.n_linked = ok ? rep->nlinked : 0,
	};
	enum eb_err rc = import_log_record(im->db, im->district, &run, &rep->run_id);
	if (rc || !ok)
		return rc;
	int64_t seq = 0;
	for (size_t i = 0; i < rep->naside && !rc; i++) {
		const struct oneroster_aside *x = &rep->aside[i];
		struct import_log_row r = { "aside",	   x->file,   x->field,
					    x->sourced_id, x->reason, (int64_t)x->line };
		rc = import_log_add_row(im->db, im->district, rep->run_id, ++seq, &r);
	}
	for (size_t i = 0; i < rep->nwaiting && !rc; i++) {
		const struct oneroster_waiting *x = &rep->waiting[i];
		struct import_log_row r = { x->linked ? "linked" : "waiting",
					    x->file,
					    "",
					    x->sourced_id,
					    x->waits_for,
					    (int64_t)x->line };
		rc = import_log_add_row(im->db, im->district, rep->run_id, ++seq, &r);
	}
	if (!rc && nwait)
		rc = roster_waiting_claim(im->db, im->district, rep->run_id);
	return rc;
}

/* warnings of what lenient reading did */
static void lenient_notes(struct imp *im)
{
	for (size_t i = 0; i < NDEFS; i++) {
		struct fstate *fs = &im->fs[i];
		if (!fs->f)
			continue;
		if (fs->inactive)
			rep_note(im->rep,
				 "warning: %s: %ld row%s with status inactive (first: line %zu), a "
				 "OneRoster 1.0 value; read as tobedeleted, as OneRoster 1.1 says: "
				 "%s leave%s the roster",
				 fs->f->name, fs->inactive, fs->inactive == 1 ? "" : "s",
				 fs->inactive_line, fs->inactive == 1 ? "it" : "they",
				 fs->inactive == 1 ? "s" : "");
		if (fs->agents_unknown)
			rep_note(im->rep,
				 "warning: %s: %ld user%s name%s agentSourcedIds that are not in "
				 "the "
				 "roster (first: line %zu); the guardian links are made when those "
				 "people arrive",
				 fs->f->name, fs->agents_unknown,
				 fs->agents_unknown == 1 ? "" : "s",
				 fs->agents_unknown == 1 ? "s" : "", fs->agents_line);
	}
}

/* whether the import wrote a roster row (the evaluation inputs changed) */
static bool roster_wrote(const struct imp *im)
{
	long wrote = im->nlinked;
	for (size_t i = 0; i < im->rep->nfiles; i++)
		wrote += im->rep->files[i].added + im->rep->files[i].changed +
			 im->rep->files[i].deleted;
	return wrote > 0;
}

/* files[i].data must have one writable byte after len; it is modified. */
static enum eb_err import_core(struct db *db, int64_t district, struct oneroster_file *files,
			       size_t n, const char *source, const struct oneroster_options *opts,
			       struct oneroster_report *rep)
{
	if (opts->source)
		source = opts->source;
	rep->strict = opts->strict;
	double t0 = time_mono();
	int64_t started = time_now();
	struct imp *im = calloc(1, sizeof *im);
	if (!im)
		return EB_ENOMEM;
	im->db = db;
	im->district = district;
	im->rep = rep;
	im->opts = opts;
	im->lenient = !opts->strict;
	enum eb_err refused = EB_EPARSE;
	arena_init(&im->a);
	for (size_t i = 0; i < NDEFS; i++) {
		im->fs[i].def = &filedefs[i];
		if (filedefs[i].kind >= 0)
			im->by_kind[filedefs[i].kind] = &im->fs[i];
	}
	struct oneroster_file *manifest = NULL;
	for (size_t i = 0; i < n; i++) {
		int fi = file_index(files[i].name);
		const char *b = base_name(files[i].name);
		if (fi == -2) {
			if (manifest)
				rep_error(rep, "%s:1:1: file: two manifest files in the input", b);
			manifest = &files[i];
		} else if (fi == -1) {
			if (!gradebook_csv_name(b))
				rep_note(rep, "%s: not a file edbridge reads; ignored", b);
		} else if (im->fs[fi].f) {
			rep_error(rep, "%s:1:1: file: %s appears twice in the input", b,
				  filedefs[fi].name);
		} else {
			im->fs[fi].f = &files[i];
		}
		files[i].name = b;
	}
	enum eb_err rc = EB_OK;
	if (!manifest)
		rep_error(rep,
			  "manifest.csv:1:1: file: missing (a OneRoster export has manifest.csv "
			  "with oneroster.version and one file.NAME line per file)");
	else
		read_manifest(im, manifest);
	if (rep->nerrors_total)
		goto rejected;

	for (size_t i = 0; i < NDEFS; i++) {
		struct fstate *fs = &im->fs[i];
		const struct filedef *d = fs->def;
		bool in_version = (d->versions & (im->version == 11 ? V11 : V12)) != 0;
		if (!fs->f) {
			if (fs->mode != OR_ABSENT && d->kind >= 0)
				rep_error(rep,
					  "%s:%zu:2: file.%s: the manifest says %s, but %s.csv is "
					  "missing",
					  manifest->name, fs->manifest_line, d->name,
					  mode_names[fs->mode], d->name);
			continue;
		}
		if (rep->nfiles == sizeof rep->files / sizeof rep->files[0])
			continue;
		fs->count_idx = rep->nfiles++;
		struct oneroster_count *c = &rep->files[fs->count_idx];
		c->name = arena_strdup(&rep->arena, fs->f->name);
		c->mode = fs->mode;
		if (d->kind < 0 || fs->mode == OR_ABSENT || !in_version) {
			c->ignored = true;
			c->rows = count_records(fs->f);
			if (d->kind < 0)
				rep_note(rep, "%s: accepted but not used by edbridge; ignored",
					 fs->f->name);
			else if (!in_version)
				rep_note(rep, "%s: not part of OneRoster %s; ignored", fs->f->name,
					 rep->version);
			else
				rep_note(rep,
					 "%s: the manifest says absent (or does not list it); "
					 "ignored",
					 fs->f->name);
			fs->f = NULL;
		}
	}
	if (rep->nerrors_total)
		goto rejected;

	if ((rc = db_begin(db)))
		goto dberr;
	if ((rc = load_dbids(im)) || (rc = waiting_load(im)))
		goto dberr;
	for (size_t i = 0; i < NDEFS; i++)
		if (im->fs[i].f)
			parse_file(im, &im->fs[i]);
	/* references are checked even after other errors, so that one run lists
	 * every problem; a file whose header was unusable is not held against
	 * the files that refer to it. Lenient: a row set aside or waiting makes
	 * the rows that refer to it wait, so the check runs until nothing more
	 * is marked. */
	build_rolemap(im);
	for (bool more = true, final = !im->lenient; more;) {
		more = false;
		for (size_t i = 0; i < NDEFS; i++)
			if (im->fs[i].f && !im->fs[i].bad_header)
				more |= check_refs(im, &im->fs[i], final);
		if (rep->nerrors_total || im->wait_rc || final)
			break;
		if (!more && im->soft_pending)
			final = more = true; /* once more, to record the waiting links */
	}
	if ((rc = im->wait_rc))
		goto dberr;
	lenient_notes(im);
	if (rep->nerrors_total) {
		db_rollback(db);
		goto rejected;
	}
	if (!removal_guard(im)) {
		db_rollback(db);
		refused = EB_ECONFLICT;
		goto rejected;
	}
	/* The rows' writes: every row written here passed the import's own
	 * checks, and any failure rolls the whole import back, so they run
	 * without a savepoint each and, on PostgreSQL, pipelined (one round
	 * trip per 256 writes, not three per row); db_flush reads their
	 * answers and the counts of changed rows. */
	bool guard = db_set_statement_guard(db, false);
	/* the evaluation-inputs version bumped once below, not once per row */
	rc = roster_bulk_begin(db);
	for (size_t i = 0; i < NDEFS && !rc; i++)
		if (im->fs[i].f)
			rc = write_file(im, &im->fs[i]);
	if (!rc)
		rc = db_flush(db);
	db_set_statement_guard(db, guard);
	if (rc)
		goto dberr;
	for (size_t i = 0; i < NDEFS; i++)
		if (im->fs[i].f)
			rep->files[im->fs[i].count_idx].changed += im->fs[i].changed_sum;
	if ((rc = waiting_link(im)))
		goto dberr;
	/* rows stored earlier that point at something this import deleted */
	unsigned deleted_mask = 0;
	for (size_t i = 0; i < NDEFS; i++)
		if (im->fs[i].f && rep->files[im->fs[i].count_idx].deleted)
			deleted_mask |= 1u << im->fs[i].def->kind;
	if (deleted_mask) {
		struct roster_dangling dg[16];
		size_t ndg;
		if ((rc = roster_find_dangling(db, district, deleted_mask, dg, 16, &ndg)))
			goto dberr;
		for (size_t i = 0; i < ndg; i++) {
			const struct fstate *tf = im->by_kind[dg[i].target];
			rep_error(
				rep,
				"%s:0:0: sourcedId: '%s' is deleted by this import, but %ld "
				"stored %s row%s still refer%s to it or another deleted %s (first: "
				"%s '%s' %s); import %s.csv too, or delete those rows",
				tf->f->name, dg[i].example_ref, dg[i].count,
				kind_what[dg[i].referrer], dg[i].count == 1 ? "" : "s",
				dg[i].count == 1 ? "s" : "", kind_what[dg[i].target],
				kind_what[dg[i].referrer], dg[i].example_id, dg[i].field,
				im->by_kind[dg[i].referrer]->def->name);
		}
		if (ndg) {
			db_rollback(db);
			goto rejected;
		}
	}
	if (im->by_kind[ROSTER_PERSON]->f || im->linked_people ||
	    (im->by_kind[ROSTER_ROLE] && im->by_kind[ROSTER_ROLE]->f)) {
		/* its writes as the rows' above: unguarded, pipelined */
		bool was = db_set_statement_guard(db, false);
		rc = roster_sync_guardianship(db, district, &rep->guardians_added,
					      &rep->guardians_deleted);
		if (!rc)
			rc = db_flush(db);
		db_set_statement_guard(db, was);
		if (rc)
			goto dberr;
		rep->guardians_synced = true;
	}
	if ((rc = roster_bulk_end(db, district, roster_wrote(im))))
		goto dberr;
	if ((rc = import_gradebook(db, district, files, n, im->lenient, rep))) {
		db_rollback(db);
		if (rc == EB_EPARSE)
			goto rejected;
		goto dberr;
	}
	char *sum = summary(rep);
	if ((rc = record_run(im, source, started, true, sum ? sum : "")))
		goto dberr;
	if ((rc = db_commit(db)))
		goto dberr;
	/* fresh planner statistics: without them the enrollment look-ups of every
	 * class page scan the district (measured: 2.7k vs 10.5k pages/s) */
	db_analyze(db);
	/* learners who were unknown until this roster arrived leave the quarantine */
	int rematched = 0;
	if (activity_rematch(db, district, &rematched) == EB_OK && rematched)
		rep_note(rep, "%d quarantined learning events matched the new roster", rematched);
	rep->seconds = time_mono() - t0;
	imp_free(im);
	free(im);
	return EB_OK;

dberr:
	rep_error(rep, "%s:0:0: database: %s (%s); nothing was stored", source, eb_strerror(rc),
		  db_errmsg(db));
	db_rollback(db);
	imp_free(im);
	free(im);
	return rc == EB_ENOMEM ? EB_ENOMEM : EB_EDB;
rejected : {
	char first[600];
	snprintf(first, sizeof first, "%zu errors; first: %s", rep->nerrors_total,
		 rep->nerrors ? rep->errors[0] : "");
	record_run(im, source, started, false, first);
	rep->seconds = time_mono() - t0;
	imp_free(im);
	free(im);
	return refused;
}
}

/* ---- entry points ---- */

static void free_files(struct oneroster_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(files[i].data);
		free((char *)files[i].name);
	}
	free(files);
}

static const struct oneroster_options strict_opts = { .strict = true, .allow_large_removal = true };

static const struct oneroster_options *opts_or_default(const struct oneroster_options *opts)
{
	static const struct oneroster_options dflt = { .removal_limit = 0.10 };
	return opts ? opts : &dflt;
}

enum eb_err oneroster_import_files(struct db *db, int64_t district_id, struct oneroster_file *files,
				   size_t n, struct oneroster_report *rep)
{
	return oneroster_import_files_opts(db, district_id, files, n, &strict_opts, rep);
}

enum eb_err oneroster_import_files_opts(struct db *db, int64_t district_id,
					struct oneroster_file *files, size_t n,
					const struct oneroster_options *opts,
					struct oneroster_report *rep)
{
	opts = opts_or_default(opts);
	if (n > 64) {
		rep_error(rep, "input:0:0: file: too many files (%zu, at most 64)", n);
		return EB_ETOOBIG;
	}
	struct oneroster_file *copy = calloc(n ? n : 1, sizeof *copy);
	if (!copy)
		return EB_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (files[i].len > ONEROSTER_MAX_FILE) {
			rep_error(rep, "%s:0:0: file: larger than %u bytes", files[i].name,
				  ONEROSTER_MAX_FILE);
			free_files(copy, i);
			return EB_ETOOBIG;
		}
		copy[i].name = strdup(files[i].name ? files[i].name : "");
		copy[i].data = malloc(files[i].len + 1);
		copy[i].len = files[i].len;
		if (!copy[i].name || !copy[i].data) {
			free_files(copy, i + 1);
			return EB_ENOMEM;
		}
		if (files[i].len)
			memcpy(copy[i].data, files[i].data, files[i].len);
		copy[i].data[files[i].len] = 0;
	}
	/* import_core rewrites names to base names; keep the owned pointers */
	const char **owned = calloc(n ? n : 1, sizeof *owned);
	if (!owned) {
		free_files(copy, n);
		return EB_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		owned[i] = copy[i].name;
	enum eb_err rc = import_core(db, district_id, copy, n, "memory", opts, rep);
	for (size_t i = 0; i < n; i++)
		copy[i].name = owned[i];
	free(owned);
	free_files(copy, n);
	return rc;
}

static enum eb_err add_file(struct oneroster_file **files, size_t *n, const char *name, char *data,
			    size_t len)
{
	struct oneroster_file *nf = realloc(*files, (*n + 1) * sizeof *nf);
	if (!nf)
		return EB_ENOMEM;
	*files = nf;
	nf[*n].name = strdup(name);
	nf[*n].data = data;
	nf[*n].len = len;
	if (!nf[*n].name)
		return EB_ENOMEM;
	(*n)++;
	return EB_OK;
}

static bool wanted_name(const char *name)
{
	const char *b = base_name(name);
	size_t n = strlen(b);
	if (!n || b[0] == '.' || strstr(name, "__MACOSX"))
		return false;
	return n >= 4 && strcasecmp(b + n - 4, ".csv") == 0;
}

uint64_t oneroster_max_total(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	uint64_t quarter = pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize / 4 : 0;
	return quarter && quarter < ONEROSTER_MAX_TOTAL ? quarter : ONEROSTER_MAX_TOTAL;
}

/* One entry, inflated piece by piece into a block of its stated size: an
 * entry that holds more than its directory says is refused when the first
 * byte too many arrives, so memory never exceeds what was checked. */
static enum eb_err read_entry(zip_t *z, zip_uint64_t i, const zip_stat_t *st, const char *src,
			      char **out, struct oneroster_report *rep)
{
	char *data = malloc((size_t)st->size + 1);
	zip_file_t *zf = data ? zip_fopen_index(z, i, 0) : NULL;
	if (!zf) {
		free(data);
		rep_error(rep, "%s:0:0: zip: cannot read %s", src, st->name);
		return data ? EB_EIO : EB_ENOMEM;
	}
	zip_uint64_t got = 0;
	enum eb_err rc = EB_OK;
	for (;;) {
		char probe;
		zip_uint64_t want = st->size - got;
		if (want > 1u << 16)
			want = 1u << 16;
		/* at the stated end, one byte more must not come */
		zip_int64_t r = want ? zip_fread(zf, data + got, want) : zip_fread(zf, &probe, 1);
		if (r < 0) {
			rep_error(rep, "%s:0:0: zip: cannot read %s (%s)", src, st->name,
				  zip_file_strerror(zf));
			rc = EB_EIO;
			break;
		}
		if (r == 0)
			break;
		if (!want) {
			rep_error(rep,
				  "%s:0:0: zip: %s holds more than the %llu bytes its directory "
				  "entry states",
				  src, st->name, (unsigned long long)st->size);
			rc = EB_ETOOBIG;
			break;
		}
		got += (zip_uint64_t)r;
	}
	zip_fclose(zf);
	if (!rc && got != st->size) {
		rep_error(rep, "%s:0:0: zip: %s ends after %llu of its %llu bytes", src, st->name,
			  (unsigned long long)got, (unsigned long long)st->size);
		rc = EB_EIO;
	}
	if (rc) {
		free(data);
		return rc;
	}
	data[st->size] = 0;
	*out = data;
	return EB_OK;
}

/* The CSV entries of an open archive of zip_bytes bytes. Their stated sizes
 * are checked, all together, before anything is inflated: at most
 * ONEROSTER_ZIP_MAX_RATIO bytes per byte of the archive (a zip bomb
 * expands a thousandfold; CSV exports compress 3-10 times) and at most
 * oneroster_max_total(); then each entry is read within its stated size. */
static enum eb_err load_zip_archive(zip_t *z, const char *src, uint64_t zip_bytes,
				    struct oneroster_file **files, size_t *n,
				    struct oneroster_report *rep)
{
	uint64_t by_ratio = zip_bytes * ONEROSTER_ZIP_MAX_RATIO, total = 0;
	uint64_t limit = oneroster_max_total();
	if (by_ratio < limit)
		limit = by_ratio;
	zip_int64_t ne = zip_get_num_entries(z, 0);
	size_t ncsv = 0;
	for (zip_int64_t i = 0; i < ne; i++) {
		zip_stat_t st;
		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) || !(st.valid & ZIP_STAT_NAME) ||
		    !(st.valid & ZIP_STAT_SIZE) || !wanted_name(st.name))
			continue;
		if (st.size > ONEROSTER_MAX_FILE) {
			rep_error(rep, "%s:0:0: zip: %s is larger than %u bytes", src, st.name,
				  ONEROSTER_MAX_FILE);
			return EB_ETOOBIG;
		}
		total += st.size;
		if (++ncsv > 64) {
			rep_error(rep, "%s:0:0: zip: more than 64 CSV files", src);
			return EB_ETOOBIG;
		}
	}
	if (total > limit) {
		if (limit == by_ratio)
			rep_error(rep,
				  "%s:0:0: zip: the CSV files would expand to %llu bytes, more "
				  "than %d times the archive's %llu (a OneRoster export compresses "
				  "far less, a zip bomb far more); nothing was read",
				  src, (unsigned long long)total, ONEROSTER_ZIP_MAX_RATIO,
				  (unsigned long long)zip_bytes);
		else
			rep_error(rep,
				  "%s:0:0: zip: the CSV files would expand to %llu bytes, more "
				  "than the %llu this machine's memory allows; nothing was read",
				  src, (unsigned long long)total, (unsigned long long)limit);
		return EB_ETOOBIG;
	}
	enum eb_err rc = EB_OK;
	for (zip_int64_t i = 0; i < ne && rc == EB_OK; i++) {
		zip_stat_t st;
		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) || !(st.valid & ZIP_STAT_NAME) ||
		    !(st.valid & ZIP_STAT_SIZE) || !wanted_name(st.name))
			continue;
		char *data;
		if ((rc = read_entry(z, (zip_uint64_t)i, &st, src, &data, rep)))
			break;
		rc = add_file(files, n, st.name, data, (size_t)st.size);
		if (rc)
			free(data);
	}
	return rc;
}

static enum eb_err load_zip(const char *path, uint64_t zip_bytes, struct oneroster_file **files,
			    size_t *n, struct oneroster_report *rep)
{
	int zerr = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &zerr);
	if (!z) {
		rep_error(rep, "%s:0:0: zip: cannot open (not a readable zip archive)", path);
		return EB_EIO;
	}
	enum eb_err rc = load_zip_archive(z, path, zip_bytes, files, n, rep);
	zip_close(z);
	return rc;
}

static enum eb_err read_whole(const char *path, char **out, size_t *len,
			      struct oneroster_report *rep)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		rep_error(rep, "%s:0:0: file: cannot open (%s)", path, strerror(errno));
		return EB_EIO;
	}
	struct stat st;
	if (fstat(fileno(f), &st) || st.st_size < 0 || (uint64_t)st.st_size > ONEROSTER_MAX_FILE) {
		fclose(f);
		rep_error(rep, "%s:0:0: file: unreadable or larger than %u bytes", path,
			  ONEROSTER_MAX_FILE);
		return EB_ETOOBIG;
	}
	size_t sz = (size_t)st.st_size;
	char *data = malloc(sz + 1);
	if (!data || fread(data, 1, sz, f) != sz) {
		free(data);
		fclose(f);
		rep_error(rep, "%s:0:0: file: read failed", path);
		return EB_EIO;
	}
	fclose(f);
	data[sz] = 0;
	*out = data;
	*len = sz;
	return EB_OK;
}

static enum eb_err load_dir(const char *path, struct oneroster_file **files, size_t *n,
			    struct oneroster_report *rep)
{
	DIR *d = opendir(path);
	if (!d) {
		rep_error(rep, "%s:0:0: folder: cannot open (%s)", path, strerror(errno));
		return EB_EIO;
	}
	enum eb_err rc = EB_OK;
	size_t total = 0;
	struct dirent *e;
	while (rc == EB_OK && (e = readdir(d))) {
		if (!wanted_name(e->d_name))
			continue;
		char full[4096];
		if (snprintf(full, sizeof full, "%s/%s", path, e->d_name) >= (int)sizeof full)
			continue;
		char *data;
		size_t len;
		if ((rc = read_whole(full, &data, &len, rep)))
			break;
		total += len;
		if (total > oneroster_max_total() || *n >= 64) {
			free(data);
			rep_error(rep, "%s:0:0: folder: more than 64 CSV files or %llu bytes", path,
				  (unsigned long long)oneroster_max_total());
			rc = EB_ETOOBIG;
			break;
		}
		if ((rc = add_file(files, n, e->d_name, data, len)))
			free(data);
	}
	closedir(d);
	return rc;
}

/* Checks the loaded files' totals and imports them; frees them. */
static enum eb_err import_loaded(struct db *db, int64_t district_id, const char *source,
				 enum eb_err rc, struct oneroster_file *files, size_t n,
				 const struct oneroster_options *opts, struct oneroster_report *rep)
{
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += files[i].len;
	if (rc == EB_OK && total > oneroster_max_total()) {
		rep_error(rep,
			  "%s:0:0: file: the CSV files hold %llu bytes together, more than %llu",
			  source, (unsigned long long)total,
			  (unsigned long long)oneroster_max_total());
		rc = EB_ETOOBIG;
	}
	if (rc == EB_OK && n > 64) {
		rep_error(rep, "%s:0:0: file: too many CSV files (%zu, at most 64)", source, n);
		rc = EB_ETOOBIG;
	}
	if (rc == EB_OK) {
		const char **owned = calloc(n ? n : 1, sizeof *owned);
		if (!owned) {
			rc = EB_ENOMEM;
		} else {
			for (size_t i = 0; i < n; i++)
				owned[i] = files[i].name;
			rc = import_core(db, district_id, files, n, source, opts, rep);
			for (size_t i = 0; i < n; i++)
				files[i].name = owned[i];
			free(owned);
		}
	}
	free_files(files, n);
	return rc;
}

enum eb_err oneroster_import_path(struct db *db, int64_t district_id, const char *path,
				  struct oneroster_report *rep)
{
	return oneroster_import_path_opts(db, district_id, path, &strict_opts, rep);
}

enum eb_err oneroster_import_path_opts(struct db *db, int64_t district_id, const char *path,
				       const struct oneroster_options *opts,
				       struct oneroster_report *rep)
{
	opts = opts_or_default(opts);
	struct stat st;
	if (stat(path, &st)) {
		rep_error(rep, "%s:0:0: path: %s", path, strerror(errno));
		return EB_EIO;
	}
	struct oneroster_file *files = NULL;
	size_t n = 0;
	enum eb_err rc;
	if (S_ISDIR(st.st_mode))
		rc = load_dir(path, &files, &n, rep);
	else
		rc = load_zip(path, (uint64_t)st.st_size, &files, &n, rep);
	return import_loaded(db, district_id, path, rc, files, n, opts, rep);
}

enum eb_err oneroster_import_zip(struct db *db, int64_t district_id, const void *zip, size_t len,
				 const char *source, struct oneroster_report *rep)
{
	return oneroster_import_zip_opts(db, district_id, zip, len, source, &strict_opts, rep);
}

enum eb_err oneroster_import_zip_opts(struct db *db, int64_t district_id, const void *zip,
				      size_t len, const char *source,
				      const struct oneroster_options *opts,
				      struct oneroster_report *rep)
{
	opts = opts_or_default(opts);
	struct oneroster_file *files = NULL;
	size_t n = 0;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *zs = zip_source_buffer_create(zip, len, 0, &ze);
	zip_t *z = zs ? zip_open_from_source(zs, ZIP_RDONLY, &ze) : NULL;
	zip_error_fini(&ze);
	if (!z) {
		if (zs)
			zip_source_free(zs);
		rep_error(rep, "%s:0:0: zip: cannot open (not a readable zip archive)", source);
		return EB_EIO;
	}
	enum eb_err rc = load_zip_archive(z, source, len, &files, &n, rep);
	zip_discard(z); /* read-only: frees the archive and its source */
	return import_loaded(db, district_id, source, rc, files, n, opts, rep);
}

enum eb_err oneroster_load_path(const char *path, struct oneroster_file **files, size_t *n,
				struct oneroster_report *rep)
{
	struct stat st;
	*files = NULL;
	*n = 0;
	if (stat(path, &st)) {
		rep_error(rep, "%s:0:0: path: %s", path, strerror(errno));
		return EB_EIO;
	}
	enum eb_err rc = S_ISDIR(st.st_mode) ? load_dir(path, files, n, rep)
					     : load_zip(path, (uint64_t)st.st_size, files, n, rep);
	if (rc) {
		free_files(*files, *n);
		*files = NULL;
		*n = 0;
	}
	return rc;
}

void oneroster_files_free(struct oneroster_file *files, size_t n)
{
	free_files(files, n);
}
