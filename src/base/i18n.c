/* The catalogues: one .mo file per language, compiled from po/LANG.po by
 * msgfmt at build time and embedded (build/gen/po/LANG.mo), parsed once on
 * first use into a sorted array and then only read. */
#include "base/i18n.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/embed.h"
#include "base/log.h"

/* The languages we have. English first (the source). */
static const struct i18n_lang langs[] = {
	{ "en", "", "English", "English", false },
	{ "es", "es", "Español", "Spanish", false },
	{ "zh-Hans", "zh_CN", "中文（简体）", "Chinese (Simplified)", false },
	{ "vi", "vi", "Tiếng Việt", "Vietnamese", false },
	{ "ar", "ar", "العربية", "Arabic", true },
	{ "ht", "ht", "Kreyòl ayisyen", "Haitian Creole", false },
	{ "pt", "pt", "Português", "Portuguese", false },
	{ "ru", "ru", "Русский", "Russian", false },
	{ "ko", "ko", "한국어", "Korean", false },
	{ "tl", "tl", "Tagalog", "Tagalog", false },
};
#define NLANGS (sizeof langs / sizeof langs[0])

/* Other names a roster or a browser uses for them: primary subtags, ISO
 * 639-2 codes, English names. Index into langs[]. */
static const struct {
	const char *alias;
	size_t lang;
} aliases[] = {
	{ "en", 0 },
	{ "eng", 0 },
	{ "english", 0 },
	{ "es", 1 },
	{ "spa", 1 },
	{ "spanish", 1 },
	{ "zh", 2 },
	{ "zho", 2 },
	{ "chi", 2 },
	{ "cmn", 2 },
	{ "yue", 2 },
	{ "chinese", 2 },
	{ "mandarin", 2 },
	{ "cantonese", 2 },
	{ "vi", 3 },
	{ "vie", 3 },
	{ "vietnamese", 3 },
	{ "ar", 4 },
	{ "ara", 4 },
	{ "arabic", 4 },
	{ "ht", 5 },
	{ "hat", 5 },
	{ "haitian creole", 5 },
	{ "haitian", 5 },
	{ "pt", 6 },
	{ "por", 6 },
	{ "portuguese", 6 },
	{ "ru", 7 },
	{ "rus", 7 },
	{ "russian", 7 },
	{ "ko", 8 },
	{ "kor", 8 },
	{ "korean", 8 },
	{ "tl", 9 },
	{ "tgl", 9 },
	{ "fil", 9 },
	{ "tagalog", 9 },
	{ "filipino", 9 },
};

#define MAX_MESSAGES 4096

static struct catalogue {
	struct i18n_pair *pairs;
	size_t n;
} cats[NLANGS];
static pthread_once_t cats_once = PTHREAD_ONCE_INIT;

/* The embedded .mo of a catalogue name: its path ends in "/po/NAME.mo"
 * (the build folder varies: build, build-asan ...). */
static const struct embed_file *mo_file(const char *po)
{
	char tail[32];
	size_t n = strlen(po);
	if (n + 8 >= sizeof tail)
		return NULL;
	memcpy(tail, "/po/", 4);
	memcpy(tail + 4, po, n);
	memcpy(tail + 4 + n, ".mo", 4);
	size_t tn = strlen(tail);
	for (const struct embed_file *f = embed_files; f->path; f++) {
		size_t pn = strlen(f->path);
		if (pn >= tn && strcmp(f->path + pn - tn, tail) == 0)
			return f;
	}
	return NULL;
}

static void load_all(void)
{
	for (size_t i = 1; i < NLANGS; i++) {
		const struct embed_file *f = mo_file(langs[i].po);
		struct i18n_pair *p = f ? malloc(MAX_MESSAGES * sizeof *p) : NULL;
		size_t n = 0;
		if (!f || !p ||
		    !i18n_mo_parse((const unsigned char *)f->data, f->len, p, MAX_MESSAGES, &n)) {
			log_warn(
				"i18n: the %s catalogue is missing or unreadable: English is shown",
				langs[i].english);
			free(p);
			continue;
		}
		/* kept for the life of the process, like the embedded data */
		cats[i].pairs = p;
		cats[i].n = n;
	}
}

static const struct catalogue *cat_of(const struct i18n_lang *lang)
{
	if (!lang || lang < langs || lang >= langs + NLANGS || lang == &langs[0])
		return NULL;
	pthread_once(&cats_once, load_all);
	const struct catalogue *c = &cats[lang - langs];
	return c->n ? c : NULL;
}

static int pair_cmp(const void *a, const void *b)
{
	return strcmp(((const struct i18n_pair *)a)->msgid, ((const struct i18n_pair *)b)->msgid);
}

const char *i18n_text(const struct i18n_lang *lang, const char *msgid)
{
	const struct catalogue *c = cat_of(lang);
	if (!c || !msgid)
		return msgid;
	struct i18n_pair key = { msgid, NULL };
	const struct i18n_pair *hit = bsearch(&key, c->pairs, c->n, sizeof key, pair_cmp);
	return hit ? hit->msgstr : msgid;
}

const struct i18n_lang *i18n_english(void)
{
	return &langs[0];
}

size_t i18n_count(void)
{
	return NLANGS;
}

const struct i18n_lang *i18n_at(size_t i)
{
	return i < NLANGS ? &langs[i] : NULL;
}

static bool ieq(const char *a, size_t n, const char *b)
{
	for (size_t i = 0; i < n; i++, b++) {
		char x = a[i], y = *b;
		if (!y)
			return false;
		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return false;
	}
	return *b == '\0';
}

const struct i18n_lang *i18n_find(const char *tag)
{
	if (!tag)
		return NULL;
	while (*tag == ' ' || *tag == '\t')
		tag++;
	size_t n = strlen(tag);
	while (n && (tag[n - 1] == ' ' || tag[n - 1] == '\t'))
		n--;
	if (!n || n > 64)
		return NULL;
	/* a whole English name first ("Haitian Creole"), then the primary subtag */
	for (size_t pass = 0; pass < 2; pass++) {
		size_t k = n;
		if (pass == 1) {
			k = 0;
			while (k < n && tag[k] != '-' && tag[k] != '_')
				k++;
		}
		for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
			if (ieq(tag, k, aliases[i].alias))
				return &langs[aliases[i].lang];
	}
	return NULL;
}

const struct i18n_lang *i18n_from_accept(const char *h)
{
	if (!h)
		return NULL;
	const struct i18n_lang *best = NULL;
	int best_q = 0;
	while (*h) {
		const char *end = strchr(h, ',');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		char item[72];
		if (len < sizeof item) {
			memcpy(item, h, len);
			item[len] = '\0';
			int q = 1000;
			char *semi = strchr(item, ';');
			if (semi) {
				*semi = '\0';
				const char *qs = strstr(semi + 1, "q=");
				if (qs) {
					/* q=0.8 as thousandths, q=1 as 1000 */
					qs += 2;
					q = 0;
					if (*qs == '1')
						q = 1000;
					else if (*qs == '0' && qs[1] == '.')
						for (int d = 0, m = 100;
						     d < 3 && qs[2 + d] >= '0' && qs[2 + d] <= '9';
						     d++, m /= 10)
							q += (qs[2 + d] - '0') * m;
				}
			}
			const struct i18n_lang *l = q > 0 ? i18n_find(item) : NULL;
			if (l && q > best_q) {
				best = l;
				best_q = q;
			}
		}
		if (!end)
			break;
		h = end + 1;
	}
	return best;
}

size_t i18n_catalogue_size(const struct i18n_lang *lang)
{
	const struct catalogue *c = cat_of(lang);
	return c ? c->n : 0;
}

bool i18n_catalogue_at(const struct i18n_lang *lang, size_t i, const char **msgid,
		       const char **msgstr)
{
	const struct catalogue *c = cat_of(lang);
	if (!c || i >= c->n)
		return false;
	*msgid = c->pairs[i].msgid;
	*msgstr = c->pairs[i].msgstr;
	return true;
}

/* ---- the .mo reader --------------------------------------------------- */

static uint32_t rd32(const unsigned char *p, bool swap)
{
	return swap ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		    : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* The string of table entry i: length then offset; NULL when it does not
 * lie inside the file with its NUL. */
static const char *mo_string(const unsigned char *data, size_t len, uint32_t table, uint32_t i,
			     bool swap, uint32_t *slen)
{
	uint64_t at = (uint64_t)table + (uint64_t)i * 8;
	if (at + 8 > len)
		return NULL;
	uint32_t n = rd32(data + at, swap), off = rd32(data + at + 4, swap);
	if ((uint64_t)off + n >= len || data[off + n] != '\0')
		return NULL;
	*slen = n;
	return (const char *)data + off;
}

bool i18n_mo_parse(const unsigned char *data, size_t len, struct i18n_pair *pairs, size_t cap,
		   size_t *count)
{
	*count = 0;
	if (!data || len < 28)
		return false;
	uint32_t magic = rd32(data, false);
	bool swap;
	if (magic == 0x950412deu)
		swap = false;
	else if (magic == 0xde120495u)
		swap = true;
	else
		return false;
	if (rd32(data + 4, swap) >> 16 != 0) /* major revision 0 */
		return false;
	uint32_t n = rd32(data + 8, swap), orig = rd32(data + 12, swap),
		 trans = rd32(data + 16, swap);
	if ((uint64_t)orig + (uint64_t)n * 8 > len || (uint64_t)trans + (uint64_t)n * 8 > len)
		return false;
	size_t k = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t il, sl;
		const char *id = mo_string(data, len, orig, i, swap, &il);
		const char *s = mo_string(data, len, trans, i, swap, &sl);
		if (!id || !s)
			return false;
		/* the header, a context ("ctx\4id") or a plural ("one\0other") */
		if (il == 0 || memchr(id, '\4', il) || strlen(id) != il)
			continue;
		if (k == cap)
			return false;
		pairs[k].msgid = id;
		pairs[k].msgstr = s;
		k++;
	}
	qsort(pairs, k, sizeof *pairs, pair_cmp);
	*count = k;
	return true;
}

/* The next printf conversion of s at or after *i ("%s", "%lld", "%.2f"):
 * its span copied into out without flags' positions; false at the end. */
static bool next_conversion(const char *s, size_t *i, char *out, size_t cap)
{
	for (; s[*i]; (*i)++) {
		if (s[*i] != '%')
			continue;
		if (s[*i + 1] == '%') {
			(*i)++;
			continue;
		}
		size_t j = *i + 1, k = 0;
		while (s[j] && !strchr("diouxXeEfFgGaAcspn", s[j]))
			if (k + 1 < cap)
				out[k++] = s[j++];
			else
				j++;
		if (!s[j])
			return false;
		if (k + 1 < cap)
			out[k++] = s[j];
		out[k] = '\0';
		*i = j + 1;
		return true;
	}
	return false;
}

bool i18n_same_conversions(const char *msgid, const char *msgstr)
{
	size_t a = 0, b = 0;
	for (;;) {
		char x[16], y[16];
		bool hx = next_conversion(msgid, &a, x, sizeof x);
		bool hy = next_conversion(msgstr, &b, y, sizeof y);
		if (hx != hy)
			return false;
		if (!hx)
			return true;
		if (strcmp(x, y) != 0)
			return false;
	}
}
