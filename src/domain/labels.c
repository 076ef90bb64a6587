/* The words for stored codes: grades, languages, audit actions and actors,
 * role scopes. */
#include "domain/labels.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/str.h"
#include "domain/account.h"
#include "domain/initiatives.h"
#include "domain/roster.h"
#include "domain/tools.h"

/* ---- grades ----------------------------------------------------------- */

/* Ranks order the grades of a list: the early years below 0, kindergarten
 * 0, grades 1..13; codes outside that order have no rank. */
#define RANK_MIN (-4)
#define RANK_MAX 13

static const struct {
	const char *code, *label;
	int rank; /* RANK_MIN..RANK_MAX, or RANK_NONE */
} grade_table[] = {
	{ "IT", "Infant and toddler", -4 }, { "PR", "Preschool", -3 },
	{ "PK", "Pre-kindergarten", -2 },   { "TK", "Transitional kindergarten", -1 },
	{ "KG", "Kindergarten", 0 },	    { "K", "Kindergarten", 0 },
	{ "HS", "High school", 99 },	    { "PS", "Postsecondary", 99 },
	{ "UG", "Ungraded", 99 },	    { "Other", "Other grade", 99 },
};
#define RANK_NONE 99

static const char *const grade_words[14] = {
	"Kindergarten", "Grade 1", "Grade 2", "Grade 3",  "Grade 4",  "Grade 5",  "Grade 6",
	"Grade 7",	"Grade 8", "Grade 9", "Grade 10", "Grade 11", "Grade 12", "Grade 13",
};

/* The table's entry or the grade number of a code; false when unknown. */
static bool grade_lookup(struct str s, const char **label, int *rank)
{
	s = str_trim(s);
	if (!s.n)
		return false;
	for (size_t i = 0; i < sizeof grade_table / sizeof grade_table[0]; i++)
		if (str_ieq_cstr(s, grade_table[i].code)) {
			*label = grade_table[i].label;
			*rank = grade_table[i].rank;
			return true;
		}
	int64_t g;
	if (s.n > 2 || str_to_i64(s, 0, 13, &g) || s.p[0] == '+' || s.p[0] == '-')
		return false;
	*label = grade_words[g];
	*rank = (int)g;
	return true;
}

const char *label_grade(const char *code)
{
	const char *l;
	int r;
	return code && grade_lookup(str_from(code), &l, &r) ? l : NULL;
}

const char *label_grade_number(int grade)
{
	if (grade == LABEL_GRADE_HS)
		return "High school";
	if (grade == -1)
		return "Pre-kindergarten";
	return grade >= 0 && grade <= 13 ? grade_words[grade] : NULL;
}

/* The label of a rank <= 0 (the early years, kindergarten). */
static const char *early_label(int rank)
{
	for (size_t i = 0; i < sizeof grade_table / sizeof grade_table[0]; i++)
		if (grade_table[i].rank == rank)
			return grade_table[i].label;
	return "?";
}

/* Appends text to out[cap] at *k, cut at the end. */
static void put(char *out, size_t cap, size_t *k, const char *text)
{
	size_t n = strlen(text);
	if (*k + 1 >= cap)
		return;
	if (n > cap - 1 - *k)
		n = cap - 1 - *k;
	memcpy(out + *k, text, n);
	*k += n;
	out[*k] = '\0';
}

#define LIST_MAX 24

const char *label_grades(const char *list, char *out, size_t cap)
{
	if (!cap)
		return out;
	out[0] = '\0';
	if (!list)
		return out;
	bool have[RANK_MAX - RANK_MIN + 1] = { false };
	const char *other[LIST_MAX]; /* labels (or the text as given) of unranked codes */
	char raw[LIST_MAX][32];
	size_t nother = 0, nranked = 0;
	const char *p = list;
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == ';' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *s = p;
		while (*p && *p != ',' && *p != ' ' && *p != ';' && *p != '\t')
			p++;
		struct str tok = { s, (size_t)(p - s) };
		const char *l;
		int r;
		if (grade_lookup(tok, &l, &r) && r != RANK_NONE) {
			nranked += !have[r - RANK_MIN];
			have[r - RANK_MIN] = true;
		} else if (nother < LIST_MAX) {
			bool known = grade_lookup(tok, &l, &r);
			if (!known) {
				snprintf(raw[nother], sizeof raw[nother], "%.*s", (int)tok.n,
					 tok.p);
				l = raw[nother];
			}
			bool dup = false;
			for (size_t i = 0; i < nother; i++)
				dup = dup || strcmp(other[i], l) == 0;
			if (!dup)
				other[nother++] = l;
		}
	}
	if (nranked + nother == 0)
		return out;
	if (nranked == 1 && nother == 0) {
		for (int r = RANK_MIN; r <= RANK_MAX; r++)
			if (have[r - RANK_MIN])
				str_copy(out, cap, r > 0 ? grade_words[r] : early_label(r));
		return out;
	}
	/* items: runs of consecutive ranks; a run of three or more is "a to b";
	 * grades 1..13 are kept as "#n" until the words around them are known */
	char items[2 * LIST_MAX][64];
	size_t nitems = 0;
	int numbered = 0; /* grades 1..13 written as numbers */
	for (int r = RANK_MIN; r <= RANK_MAX; r++) {
		if (!have[r - RANK_MIN])
			continue;
		int e = r;
		while (e + 1 <= RANK_MAX && have[e + 1 - RANK_MIN])
			e++;
		if (e - r >= 2) {
			char *it = items[nitems++];
			if (e <= 0)
				snprintf(it, 64, "%s to %s", early_label(r), early_label(e));
			else if (r <= 0)
				snprintf(it, 64, "%s to grade %d", early_label(r), e);
			else
				snprintf(it, 64, "#%d to %d", r, e);
			numbered += r > 0 ? e - r + 1 : 0;
		} else {
			for (int x = r; x <= e; x++) {
				char *it = items[nitems++];
				if (x <= 0) {
					snprintf(it, 64, "%s", early_label(x));
				} else {
					snprintf(it, 64, "#%d", x);
					numbered++;
				}
			}
		}
		r = e;
	}
	for (size_t i = 0; i < nother && nitems < sizeof items / sizeof items[0]; i++)
		snprintf(items[nitems++], 64, "%s", other[i]);
	size_t k = 0;
	bool grades_said = false;
	for (size_t i = 0; i < nitems; i++) {
		if (i)
			put(out, cap, &k, i + 1 == nitems ? " and " : ", ");
		char *it = items[i];
		if (it[0] == '#') {
			/* numbers: "Grades 3 to 5" once, then the numbers alone */
			if (!grades_said)
				put(out, cap, &k,
				    i ? (numbered > 1 ? "grades " : "grade ")
				      : (numbered > 1 ? "Grades " : "Grade "));
			grades_said = true;
			put(out, cap, &k, it + 1);
		} else {
			/* an early grade or another label: lower case after the start */
			if (i && it[0] >= 'A' && it[0] <= 'Z')
				it[0] = (char)(it[0] + 32);
			put(out, cap, &k, it);
		}
	}
	return out;
}

/* ---- languages -------------------------------------------------------- */

static const struct {
	const char *tag, *tag3, *name;
} languages[] = {
	{ "en", "eng", "English" },	{ "es", "spa", "Spanish" },
	{ "ar", "ara", "Arabic" },	{ "zh", "zho", "Chinese" },
	{ "yue", "yue", "Cantonese" },	{ "cmn", "cmn", "Mandarin" },
	{ "vi", "vie", "Vietnamese" },	{ "pt", "por", "Portuguese" },
	{ "ru", "rus", "Russian" },	{ "ht", "hat", "Haitian Creole" },
	{ "ko", "kor", "Korean" },	{ "tl", "tgl", "Tagalog" },
	{ "fil", "fil", "Filipino" },	{ "so", "som", "Somali" },
	{ "hmn", "hmn", "Hmong" },	{ "ur", "urd", "Urdu" },
	{ "hi", "hin", "Hindi" },	{ "bn", "ben", "Bengali" },
	{ "pa", "pan", "Punjabi" },	{ "gu", "guj", "Gujarati" },
	{ "te", "tel", "Telugu" },	{ "ta", "tam", "Tamil" },
	{ "ne", "nep", "Nepali" },	{ "fa", "fas", "Persian" },
	{ "prs", "prs", "Dari" },	{ "ps", "pus", "Pashto" },
	{ "fr", "fra", "French" },	{ "de", "deu", "German" },
	{ "it", "ita", "Italian" },	{ "pl", "pol", "Polish" },
	{ "uk", "ukr", "Ukrainian" },	{ "ro", "ron", "Romanian" },
	{ "el", "ell", "Greek" },	{ "tr", "tur", "Turkish" },
	{ "he", "heb", "Hebrew" },	{ "hy", "hye", "Armenian" },
	{ "sq", "sqi", "Albanian" },	{ "bs", "bos", "Bosnian" },
	{ "sr", "srp", "Serbian" },	{ "hr", "hrv", "Croatian" },
	{ "uz", "uzb", "Uzbek" },	{ "ja", "jpn", "Japanese" },
	{ "th", "tha", "Thai" },	{ "lo", "lao", "Lao" },
	{ "km", "khm", "Khmer" },	{ "my", "mya", "Burmese" },
	{ "kar", "kar", "Karen" },	{ "sw", "swa", "Swahili" },
	{ "am", "amh", "Amharic" },	{ "ti", "tir", "Tigrinya" },
	{ "om", "orm", "Oromo" },	{ "rw", "kin", "Kinyarwanda" },
	{ "yo", "yor", "Yoruba" },	{ "ig", "ibo", "Igbo" },
	{ "mh", "mah", "Marshallese" }, { "sm", "smo", "Samoan" },
	{ "to", "ton", "Tongan" },	{ "chk", "chk", "Chuukese" },
	{ "nv", "nav", "Navajo" },	{ "mam", "mam", "Mam" },
	{ "quc", "quc", "K'iche'" },	{ "ase", "ase", "American Sign Language" },
};
#define NLANG (sizeof languages / sizeof languages[0])

const char *label_language(const char *tag)
{
	if (!tag)
		return NULL;
	struct str t = str_trim(str_from(tag));
	size_t n = 0;
	while (n < t.n && t.p[n] != '-' && t.p[n] != '_')
		n++;
	struct str primary = { t.p, n };
	if (!primary.n)
		return NULL;
	for (size_t i = 0; i < NLANG; i++)
		if (str_ieq_cstr(primary, languages[i].tag) ||
		    str_ieq_cstr(primary, languages[i].tag3) || str_ieq_cstr(t, languages[i].name))
			return languages[i].name;
	return NULL;
}

size_t label_language_count(void)
{
	return NLANG;
}

const char *label_language_tag(size_t i)
{
	return i < NLANG ? languages[i].tag : NULL;
}

const char *label_language_name(size_t i)
{
	return i < NLANG ? languages[i].name : NULL;
}

/* ---- the audit log ------------------------------------------------------ */

static const struct {
	const char *action, *label;
} audit_actions[] = {
	{ "view", "Viewed" },
	{ "export", "Exported" },
	{ "refused", "Refused (not visible to this account)" },
	{ "create", "Created" },
	{ "update", "Changed" },
	{ "status", "Changed the status" },
	{ "credential", "Changed a credential" },
	{ "activity_map", "Mapped an activity to a standard" },
	{ "import", "Imported" },
	{ "import_rejected", "Import refused" },
	{ "csv_import", "Imported a CSV export" },
	{ "csv_import_rejected", "CSV import refused" },
	{ "code_issued", "Printed an access code" },
	{ "unlock_code_issued", "Issued an unlock code" },
	{ "device_checkout", "Checked out a device" },
	{ "device_checkin", "Checked in a device" },
	{ "login", "Signed in" },
	{ "login_failed", "Sign-in failed" },
	{ "login_locked", "Account locked" },
	{ "logout", "Signed out" },
};

const char *label_audit_action(const char *action)
{
	for (size_t i = 0; action && i < sizeof audit_actions / sizeof audit_actions[0]; i++)
		if (strcmp(action, audit_actions[i].action) == 0)
			return audit_actions[i].label;
	return NULL;
}

const char *label_audit_action_at(size_t i, const char **words)
{
	if (i >= sizeof audit_actions / sizeof audit_actions[0])
		return NULL;
	*words = audit_actions[i].label;
	return audit_actions[i].action;
}

static const struct {
	const char *type, *label;
} subject_types[] = {
	{ "student", "Student records" }, { "class", "Classes" },
	{ "account", "Accounts" },	  { "tool", "Tools" },
	{ "initiative", "Initiatives" },  { "roster", "The roster" },
	{ "assessment", "Assessments" },  { "district", "District settings" },
	{ "device", "Devices" },
};

const char *label_subject_type(size_t i, const char **words)
{
	if (i >= sizeof subject_types / sizeof subject_types[0])
		return NULL;
	*words = subject_types[i].label;
	return subject_types[i].type;
}

const char *label_actor(const char *actor)
{
	if (!actor || !*actor)
		return "edbridge";
	if (strcmp(actor, "cli") == 0)
		return "edbridge command line";
	return actor;
}

/* ---- roles and their scopes -------------------------------------------- */

const char *label_roles(const char *names, char *out, size_t cap)
{
	size_t k = 0;
	if (!cap)
		return out;
	out[0] = '\0';
	const char *p = names ? names : "";
	while (*p) {
		size_t n = strcspn(p, ",");
		char name[32];
		enum role r;
		snprintf(name, sizeof name, "%.*s", (int)(n < 31 ? n : 31), p);
		if (role_parse(name, &r)) {
			if (k)
				put(out, cap, &k, ", ");
			put(out, cap, &k, role_label(r));
		}
		p += n + (p[n] == ',');
	}
	return out;
}

const char *label_scope(struct db *db, int64_t district_id, const char *scope_type,
			const char *scope_id, struct arena *arena)
{
	if (!scope_type || strcmp(scope_type, "district") == 0)
		return "the whole district";
	if (strcmp(scope_type, "school") == 0) {
		struct roster_org_row o;
		if (roster_org_get(db, district_id, scope_id, arena, &o) == EB_OK)
			return o.name;
		return "a school no longer in the roster";
	}
	if (strcmp(scope_type, "class") == 0) {
		struct roster_class_row c;
		struct roster_org_row o;
		if (roster_class_get(db, district_id, scope_id, arena, &c) != EB_OK)
			return "a class no longer in the roster";
		if (roster_org_get(db, district_id, c.school_sourced_id, arena, &o) == EB_OK)
			return arena_printf(arena, "class %s (%s)", c.title, o.name);
		return arena_printf(arena, "class %s", c.title);
	}
	if (strcmp(scope_type, "person") == 0) {
		struct roster_person_row p;
		if (roster_person_get(db, district_id, scope_id, arena, &p) != EB_OK)
			return "a person no longer in the roster";
		return arena_printf(arena, "student %s %s",
				    p.preferred_first_name ? p.preferred_first_name : p.given_name,
				    p.family_name);
	}
	if (strcmp(scope_type, "tool") == 0) {
		struct tool t;
		int64_t id;
		if (cstr_to_i64(scope_id, 1, INT64_MAX, &id) == EB_OK &&
		    tools_get(db, district_id, id, &t) == EB_OK)
			return arena_printf(arena, "the tool %s", t.name);
		return "a tool no longer in the inventory";
	}
	return "an unknown scope";
}

const char *label_subject(struct db *db, int64_t district_id, const char *subject_type,
			  const char *subject_id, struct arena *arena)
{
	const char *t = subject_type ? subject_type : "", *id = subject_id ? subject_id : "";
	/* the audit log keeps a record of what has left the roster since: its
	 * id is then all there is to tell */
	if (strcmp(t, "student") == 0 || strcmp(t, "class") == 0 || strcmp(t, "tool") == 0) {
		const char *l = label_scope(db, district_id, t[0] == 's' ? "person" : t, id, arena);
		if (l && strstr(l, " no longer in the "))
			return arena_printf(arena, "%s %s (no longer in the %s)", t, id,
					    t[0] == 't' ? "inventory" : "roster");
		return l;
	}
	if (strcmp(t, "initiative") == 0) {
		struct initiative in;
		int64_t n;
		if (cstr_to_i64(id, 1, INT64_MAX, &n) == EB_OK &&
		    initiative_get(db, district_id, n, arena, &in) == EB_OK)
			return arena_printf(arena, "initiative %s", in.title);
		return "an initiative no longer stored";
	}
	if (strcmp(t, "roster") == 0)
		return "the roster";
	if (strcmp(t, "district") == 0)
		return "the district's settings";
	return arena_printf(arena, "%s %s", t, id);
}
