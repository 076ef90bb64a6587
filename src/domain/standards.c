/* standards.c - the built-in CCSS-M catalog: parsed once from the embedded
 * the data/ccssm TSV files into static arrays, looked up through an open-addressing
 * hash keyed by canonical code and by the cluster-less alias ("3.NF.3a"). */
#include "domain/standards.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/embed.h"
#include "base/log.h"
#include "base/str.h"

#define MAX_ENTRIES 1024
#define MAX_LINKS 2048
#define MAX_DOMAINS 64
#define HASH_SLOTS 4096 /* power of two, > 2 keys per entry */
#define POOL_BYTES (256 * 1024)
#define CODE_MAX 256

struct link {
	uint16_t from, to;
	enum standards_link_kind kind;
};

struct domain_name {
	const char *code, *name;
};

static struct standard entries[MAX_ENTRIES];
static size_t nentries;
static struct link links[MAX_LINKS];
static size_t nlinks;
static struct domain_name domain_names[MAX_DOMAINS];
static size_t ndomain_names;
static struct {
	const char *key;
	uint16_t entry;
} hash[HASH_SLOTS];
static char pool[POOL_BYTES];
static size_t pool_used;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static enum eb_err load_rc;

static const char *const grade_labels[] = { "K", "1", "2", "3", "4", "5", "6", "7", "8", "HS" };

/* ---- small helpers ---------------------------------------------------- */

static const char *pool_dup(const char *p, size_t n)
{
	if (pool_used + n + 1 > sizeof(pool))
		return NULL;
	char *d = pool + pool_used;
	memcpy(d, p, n);
	d[n] = '\0';
	pool_used += n + 1;
	return d;
}

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const struct standard *hash_get(const char *key)
{
	for (uint32_t i = fnv1a(key) & (HASH_SLOTS - 1);; i = (i + 1) & (HASH_SLOTS - 1)) {
		if (!hash[i].key)
			return NULL;
		if (strcmp(hash[i].key, key) == 0)
			return &entries[hash[i].entry];
	}
}

static enum eb_err hash_put(const char *key, size_t entry)
{
	uint32_t i = fnv1a(key) & (HASH_SLOTS - 1);
	for (size_t probes = 0; hash[i].key; probes++, i = (i + 1) & (HASH_SLOTS - 1)) {
		if (strcmp(hash[i].key, key) == 0 || probes >= HASH_SLOTS)
			return EB_EEXIST;
	}
	hash[i].key = key;
	hash[i].entry = (uint16_t)entry;
	return EB_OK;
}

/* Splits one line of a TSV file (no quoting: our files never need it) into
 * at most `max` fields, NUL-terminating each in place. */
static size_t tsv_split(char *line, char **fields, size_t max)
{
	size_t n = 0;
	fields[n++] = line;
	for (char *p = line; *p; p++) {
		if (*p == '\t') {
			*p = '\0';
			if (n == max)
				break;
			fields[n++] = p + 1;
		}
	}
	return n;
}

/* Calls fn on each data line (header skipped) of an embedded TSV file. The
 * file is copied to the pool so fields can be kept. */
typedef enum eb_err (*row_fn)(char **fields, size_t n, size_t line);

static enum eb_err each_row(const char *path, size_t nfields, row_fn fn)
{
	const struct embed_file *f = embed_find(path);
	if (!f) {
		log_msg(LOG_ERROR, "standards: %s is not embedded", path);
		return EB_EPARSE;
	}
	char *text = (char *)pool_dup(f->data, f->len);
	if (!text) {
		log_msg(LOG_ERROR, "standards: %s: catalog pool too small", path);
		return EB_EPARSE;
	}
	size_t line = 0;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		size_t len = strlen(p);
		if (len && p[len - 1] == '\r')
			p[len - 1] = '\0';
		line++;
		if (line > 1 && *p) {
			char *fields[8];
			size_t n = tsv_split(p, fields, 8);
			if (n < nfields) {
				log_msg(LOG_ERROR,
					"standards: %s:%zu: expected %zu fields, got %zu", path,
					line, nfields, n);
				return EB_EPARSE;
			}
			enum eb_err rc = fn(fields, n, line);
			if (rc) {
				log_msg(LOG_ERROR, "standards: %s:%zu: bad row", path, line);
				return rc;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return EB_OK;
}

/* ---- code normalisation ---------------------------------------------- */

struct token {
	char text[16];
	bool digits;
};

static bool strip_prefix_ci(const char **s, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncasecmp(*s, prefix, n) != 0)
		return false;
	*s += n;
	return true;
}

/* Splits on . - / _ blanks and on digit/letter boundaries. */
static size_t tokenize(const char *s, struct token *tok, size_t max)
{
	size_t n = 0;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		if (!isalnum(c)) {
			if (strchr(".-/_ \t", c) == NULL)
				return 0; /* ",", ";", "|" etc.: not one code */
			s++;
			continue;
		}
		if (n == max)
			return 0;
		bool digits = isdigit(c) != 0;
		size_t len = 0;
		while (*s && isalnum((unsigned char)*s) &&
		       (isdigit((unsigned char)*s) != 0) == digits) {
			if (len + 1 >= sizeof(tok[n].text))
				return 0;
			tok[n].text[len++] = *s++;
		}
		tok[n].text[len] = '\0';
		tok[n].digits = digits;
		n++;
	}
	return n;
}

/* Case-insensitive strstr (strcasestr is a GNU extension). */
static const char *find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

static bool is_hs_category(char c)
{
	c = (char)toupper((unsigned char)c);
	return c == 'N' || c == 'A' || c == 'F' || c == 'G' || c == 'S';
}

static void upcase(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

/* Produces the lookup key (canonical code, or the cluster-less alias) for a
 * code in any accepted spelling. False when malformed. */
static bool make_key(const char *in, char *out, size_t cap)
{
	char buf[CODE_MAX];
	size_t inlen = strlen(in);
	if (inlen >= sizeof(buf))
		return false;
	memcpy(buf, in, inlen + 1);
	char *bar = strstr(buf, "||");
	if (bar)
		*bar = '\0';
	const char *s = buf;
	while (isspace((unsigned char)*s))
		s++;
	const char *host = find_ci(s, "corestandards.org/");
	if (host)
		s = host + strlen("corestandards.org/");
	strip_prefix_ci(&s, "CCSS.");
	(void)(strip_prefix_ci(&s, "Math.") || strip_prefix_ci(&s, "Math/"));
	(void)(strip_prefix_ci(&s, "Content.") || strip_prefix_ci(&s, "Content/") ||
	       strip_prefix_ci(&s, "Practice.") || strip_prefix_ci(&s, "Practice/"));

	struct token tok[8];
	size_t n = tokenize(s, tok, 8), i = 0;
	if (n == 0)
		return false;
	char prefix[40];
	if (strcasecmp(tok[0].text, "MP") == 0) {
		int64_t k;
		if (n != 2 || !tok[1].digits || cstr_to_i64(tok[1].text, 1, 8, &k))
			return false;
		return (size_t)snprintf(out, cap, "MP.%d", (int)k) < cap;
	}
	if (strcasecmp(tok[0].text, "HS") == 0)
		i = 1; /* "HS.N-RN..." */
	if (i < n && !tok[i].digits && strlen(tok[i].text) == 3 &&
	    strncasecmp(tok[i].text, "HS", 2) == 0 && is_hs_category(tok[i].text[2])) {
		/* HSN.RN / HSN-RN */
		if (i + 1 >= n || tok[i + 1].digits)
			return false;
		upcase(tok[i + 1].text);
		snprintf(prefix, sizeof(prefix), "%c-%s", toupper((unsigned char)tok[i].text[2]),
			 tok[i + 1].text);
		i += 2;
	} else if (i < n && !tok[i].digits && strlen(tok[i].text) == 1 &&
		   is_hs_category(tok[i].text[0]) && i + 1 < n && !tok[i + 1].digits) {
		/* N-RN, G-C (a K-8 code starts with its grade, never with one of these) */
		upcase(tok[i + 1].text);
		snprintf(prefix, sizeof(prefix), "%c-%s", toupper((unsigned char)tok[i].text[0]),
			 tok[i + 1].text);
		i += 2;
	} else if (i == 0 && n >= 2 && !tok[1].digits) {
		int64_t g = -1;
		if (strcasecmp(tok[0].text, "K") == 0)
			g = 0;
		else if (!tok[0].digits || cstr_to_i64(tok[0].text, 0, 8, &g))
			return false;
		upcase(tok[1].text);
		if (strlen(tok[1].text) > 4)
			return false;
		snprintf(prefix, sizeof(prefix), "%s.%s", grade_labels[g], tok[1].text);
		i = 2;
	} else {
		return false;
	}

	char cluster = 0, sub = 0;
	int64_t num = -1;
	if (i < n && !tok[i].digits && strlen(tok[i].text) == 1 &&
	    (i + 1 == n || tok[i + 1].digits)) {
		cluster = (char)toupper((unsigned char)tok[i].text[0]);
		i++;
	}
	if (i < n && tok[i].digits) {
		if (cstr_to_i64(tok[i].text, 1, 99, &num))
			return false;
		i++;
		if (i < n && !tok[i].digits && strlen(tok[i].text) == 1) {
			sub = (char)tolower((unsigned char)tok[i].text[0]);
			i++;
		}
	}
	if (i != n)
		return false;
	char cpart[8] = "", npart[32] = "";
	if (cluster)
		snprintf(cpart, sizeof(cpart), ".%c", cluster);
	if (num >= 0)
		snprintf(npart, sizeof(npart), ".%d%.*s", (int)num, sub ? 1 : 0, &sub);
	return (size_t)snprintf(out, cap, "%s%s%s", prefix, cpart, npart) < cap;
}

/* ---- loading ------------------------------------------------------------ */

static const char *domain_name_of(const char *code)
{
	for (size_t i = 0; i < ndomain_names; i++)
		if (strcmp(domain_names[i].code, code) == 0)
			return domain_names[i].name;
	return NULL;
}

static enum eb_err domain_row(char **f, size_t n, size_t line)
{
	(void)n;
	(void)line;
	if (ndomain_names == MAX_DOMAINS || !*f[0] || !*f[1])
		return EB_EPARSE;
	domain_names[ndomain_names++] = (struct domain_name){ f[0], f[1] };
	return EB_OK;
}

static enum eb_err standard_row(char **f, size_t n, size_t line)
{
	(void)n;
	(void)line;
	if (nentries == MAX_ENTRIES || !*f[2])
		return EB_EPARSE;
	struct standard *s = &entries[nentries];
	const char *code = f[0];
	char key[CODE_MAX];
	if (!make_key(code, key, sizeof(key)) || strcmp(key, code) != 0)
		return EB_EPARSE; /* the catalog must be stored canonically */
	s->index = nentries;
	s->code = code;
	s->family_description = f[2];
	static const struct {
		const char *name;
		enum standard_emphasis e;
	} emph[] = { { "", EMPHASIS_NONE },
		     { "major", EMPHASIS_MAJOR },
		     { "supporting", EMPHASIS_SUPPORTING },
		     { "additional", EMPHASIS_ADDITIONAL } };
	size_t k = 0;
	while (k < sizeof(emph) / sizeof(emph[0]) && strcmp(emph[k].name, f[1]) != 0)
		k++;
	if (k == sizeof(emph) / sizeof(emph[0]))
		return EB_EPARSE;
	s->emphasis = emph[k].e;

	if (strncmp(code, "MP.", 3) == 0) {
		s->kind = STANDARD_PRACTICE;
		s->grade = STANDARDS_GRADE_NONE;
		s->grade_label = "MP";
		s->domain_code = "MP";
	} else {
		/* split into prefix (grade.domain or HS domain), cluster, rest */
		const char *dash = strchr(code, '-');
		const char *dot1 = strchr(code, '.');
		const char *dom_end;
		if (dash && dash < dot1) {
			s->grade = STANDARDS_GRADE_HS;
			s->domain_code = pool_dup(code, (size_t)(dot1 - code));
			char cat[6] = { 'H', 'S', ':', code[0], 0 };
			s->category_name = domain_name_of(cat);
			dom_end = dot1;
		} else {
			s->grade = code[0] == 'K' ? 0 : code[0] - '0';
			dom_end = strchr(dot1 + 1, '.');
			if (!dom_end)
				return EB_EPARSE;
			s->domain_code = pool_dup(dot1 + 1, (size_t)(dom_end - dot1 - 1));
		}
		s->grade_label = grade_labels[s->grade];
		const char *rest = dom_end + 1; /* "A" or "A.3a" */
		if (rest[1] == '\0') {
			s->kind = STANDARD_CLUSTER;
			s->cluster = s;
		} else {
			size_t clen = (size_t)(rest + 1 - code);
			char ccode[CODE_MAX];
			snprintf(ccode, sizeof(ccode), "%.*s", (int)clen, code);
			s->cluster = hash_get(ccode);
			size_t len = strlen(code);
			if (islower((unsigned char)code[len - 1])) {
				s->kind = STANDARD_SUBSTANDARD;
				snprintf(ccode, sizeof(ccode), "%.*s", (int)(len - 1), code);
				s->parent = hash_get(ccode);
			} else {
				s->kind = STANDARD_STANDARD;
				s->parent = s->cluster;
			}
			if (!s->cluster || (s->kind == STANDARD_SUBSTANDARD && !s->parent))
				return EB_EPARSE; /* parents come first in the file */
			/* the cluster-less alias: 3.NF.3a, N-RN.1 */
			char alias[CODE_MAX];
			snprintf(alias, sizeof(alias), "%.*s%s", (int)(rest - code), code,
				 rest + 2);
			const char *a = pool_dup(alias, strlen(alias));
			if (!a || hash_put(a, nentries))
				return EB_EPARSE;
		}
		s->cluster_code = s->cluster->code;
		s->cluster_heading = s->cluster->family_description;
	}
	s->domain_name = domain_name_of(s->domain_code);
	if (!s->domain_code || !s->domain_name || hash_put(code, nentries))
		return EB_EPARSE;
	nentries++;
	return EB_OK;
}

static enum eb_err link_row(char **f, size_t n, size_t line)
{
	(void)n;
	(void)line;
	const struct standard *a = hash_get(f[0]), *b = hash_get(f[1]);
	if (!a || !b || a == b || nlinks == MAX_LINKS)
		return EB_EPARSE;
	enum standards_link_kind k;
	if (strcmp(f[2], "arrow") == 0)
		k = STANDARDS_LINK_ARROW;
	else if (strcmp(f[2], "nondirectional") == 0)
		k = STANDARDS_LINK_NONDIRECTIONAL;
	else
		return EB_EPARSE;
	links[nlinks++] = (struct link){ (uint16_t)a->index, (uint16_t)b->index, k };
	return EB_OK;
}

static void load(void)
{
	enum eb_err rc = each_row("data/ccssm/domains.tsv", 2, domain_row);
	if (!rc)
		rc = each_row("data/ccssm/standards.tsv", 3, standard_row);
	if (!rc)
		rc = each_row("data/ccssm/links.tsv", 3, link_row);
	if (rc) {
		nentries = 0;
		nlinks = 0;
		memset(hash, 0, sizeof(hash));
	}
	load_rc = rc;
}

enum eb_err standards_init(void)
{
	pthread_once(&load_once, load);
	return load_rc;
}

/* ---- queries ------------------------------------------------------------ */

size_t standards_count(void)
{
	standards_init();
	return nentries;
}

const struct standard *standards_at(size_t index)
{
	standards_init();
	return index < nentries ? &entries[index] : NULL;
}

const struct standard *standards_find(const char *code_any_form)
{
	char key[CODE_MAX];
	standards_init();
	if (!code_any_form)
		return NULL;
	const struct standard *s = hash_get(code_any_form); /* canonical: no work */
	if (s)
		return s;
	if (!make_key(code_any_form, key, sizeof(key)))
		return NULL;
	return hash_get(key);
}

enum eb_err standards_canonical(const char *code_any_form, char *out, size_t cap)
{
	char key[CODE_MAX];
	standards_init();
	if (!code_any_form || !make_key(code_any_form, key, sizeof(key)))
		return EB_EINVAL;
	const struct standard *s = hash_get(key);
	if (!s)
		return EB_ENOTFOUND;
	if (strlen(s->code) >= cap)
		return EB_ETOOBIG;
	str_copy(out, cap, s->code);
	return EB_OK;
}

static void put(const struct standard **out, size_t cap, size_t *n, const struct standard *s)
{
	if (*n < cap)
		out[*n] = s;
	(*n)++;
}

size_t standards_grades(int *out, size_t cap)
{
	bool seen[STANDARDS_GRADE_HS + 1] = { false };
	size_t n = 0;
	standards_init();
	for (size_t i = 0; i < nentries; i++)
		if (entries[i].grade >= 0)
			seen[entries[i].grade] = true;
	for (int g = 0; g <= STANDARDS_GRADE_HS; g++)
		if (seen[g]) {
			if (n < cap)
				out[n] = g;
			n++;
		}
	return n;
}

size_t standards_domains_of_grade(int grade, const char **out, size_t cap)
{
	const char *seen[MAX_DOMAINS];
	size_t nseen = 0;
	standards_init();
	for (size_t i = 0; i < nentries; i++) {
		const struct standard *s = &entries[i];
		if (s->grade != grade || s->kind != STANDARD_CLUSTER)
			continue;
		size_t k = 0;
		while (k < nseen && strcmp(seen[k], s->domain_code) != 0)
			k++;
		if (k == nseen && nseen < MAX_DOMAINS) {
			if (nseen < cap)
				out[nseen] = s->domain_code;
			seen[nseen++] = s->domain_code;
		}
	}
	return nseen;
}

size_t standards_clusters_of(int grade, const char *domain_code, const struct standard **out,
			     size_t cap)
{
	size_t n = 0;
	standards_init();
	for (size_t i = 0; i < nentries && domain_code; i++) {
		const struct standard *s = &entries[i];
		if (s->kind == STANDARD_CLUSTER && s->grade == grade &&
		    strcasecmp(s->domain_code, domain_code) == 0)
			put(out, cap, &n, s);
	}
	return n;
}

size_t standards_in_cluster(const struct standard *cluster, const struct standard **out, size_t cap)
{
	size_t n = 0;
	standards_init();
	for (size_t i = 0; i < nentries && cluster; i++)
		if (entries[i].kind == STANDARD_STANDARD && entries[i].cluster == cluster)
			put(out, cap, &n, &entries[i]);
	return n;
}

size_t standards_children(const struct standard *std, const struct standard **out, size_t cap)
{
	size_t n = 0;
	standards_init();
	for (size_t i = 0; i < nentries && std; i++)
		if (entries[i].kind == STANDARD_SUBSTANDARD && entries[i].parent == std)
			put(out, cap, &n, &entries[i]);
	return n;
}

size_t standards_practices(const struct standard **out, size_t cap)
{
	size_t n = 0;
	standards_init();
	for (size_t i = 0; i < nentries; i++)
		if (entries[i].kind == STANDARD_PRACTICE)
			put(out, cap, &n, &entries[i]);
	return n;
}

size_t standards_prereqs(const struct standard *std, const struct standard **out, size_t cap)
{
	size_t n = 0;
	standards_init();
	for (size_t i = 0; i < nlinks && std; i++)
		if (links[i].kind == STANDARDS_LINK_ARROW && links[i].to == std->index)
			put(out, cap, &n, &entries[links[i].from]);
	return n;
}

size_t standards_successors(const struct standard *std, const struct standard **out, size_t cap)
{
	size_t n = 0;
	standards_init();
	for (size_t i = 0; i < nlinks && std; i++)
		if (links[i].kind == STANDARDS_LINK_ARROW && links[i].from == std->index)
			put(out, cap, &n, &entries[links[i].to]);
	return n;
}

size_t standards_related(const struct standard *std, const struct standard **out, size_t cap)
{
	size_t n = 0;
	standards_init();
	for (size_t i = 0; i < nlinks && std; i++) {
		if (links[i].kind != STANDARDS_LINK_NONDIRECTIONAL)
			continue;
		if (links[i].from == std->index)
			put(out, cap, &n, &entries[links[i].to]);
		else if (links[i].to == std->index)
			put(out, cap, &n, &entries[links[i].from]);
	}
	return n;
}

size_t standards_link_count(enum standards_link_kind kind)
{
	size_t n = 0;
	standards_init();
	for (size_t i = 0; i < nlinks; i++)
		n += links[i].kind == kind;
	return n;
}

bool standards_has_link(const struct standard *from, const struct standard *to,
			enum standards_link_kind kind)
{
	standards_init();
	if (!from || !to)
		return false;
	for (size_t i = 0; i < nlinks; i++) {
		if (links[i].kind != kind)
			continue;
		if (links[i].from == from->index && links[i].to == to->index)
			return true;
		if (kind == STANDARDS_LINK_NONDIRECTIONAL && links[i].from == to->index &&
		    links[i].to == from->index)
			return true;
	}
	return false;
}

enum eb_err standards_parse_grade(const char *s, int *grade)
{
	if (!s)
		return EB_EINVAL;
	if (strcasecmp(s, "K") == 0 || strcmp(s, "0") == 0) {
		*grade = 0;
		return EB_OK;
	}
	if (strcasecmp(s, "HS") == 0) {
		*grade = STANDARDS_GRADE_HS;
		return EB_OK;
	}
	int64_t g;
	if (cstr_to_i64(s, 1, 8, &g))
		return EB_EINVAL;
	*grade = (int)g;
	return EB_OK;
}

const char *standards_emphasis_name(enum standard_emphasis e)
{
	static const char *const names[] = { "", "major", "supporting", "additional" };
	return (unsigned)e < sizeof(names) / sizeof(names[0]) ? names[e] : "";
}

const char *standards_kind_name(enum standard_kind k)
{
	static const char *const names[] = { "cluster", "standard", "substandard", "practice" };
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "";
}
