/* i18n.h - the product's own words in the languages families read.
 *
 * The source text is English, written in the code and marked TR(lang,
 * "...") (or N_("...") where a table holds it and TR is applied later).
 * `make po` extracts the marked strings into po/edbridge.pot and merges
 * them into po/LANG.po; the build compiles each po/LANG.po with msgfmt
 * --check-format into a .mo catalogue that is embedded in the binary.
 *
 * The language is chosen per call, never per process or thread: every
 * lookup names its language (a request carries it, a weekly update is
 * built for one), and the catalogues are read-only after the first lookup
 * parses them. Two threads in two languages at once never see each other's
 * words. docs/i18n.md says why this is not glibc's gettext with uselocale.
 *
 * Messages have no plural forms: the product's words are written so that
 * none is needed ("practiced this week", not "3 times"). */
#ifndef EB_I18N_H
#define EB_I18N_H

#include <stdbool.h>
#include <stddef.h>

struct i18n_lang {
	const char *tag;     /* BCP 47, for lang="" and forms: "es", "zh-Hans", "ar" */
	const char *po;	     /* the catalogue's name: po/<po>.po ("zh_CN"); "" for English */
	const char *name;    /* the language's own name: "Español", "العربية" */
	const char *english; /* its English name: "Spanish" */
	bool rtl;	     /* written right to left (dir="rtl") */
};

/* Marks a string for extraction without translating it (tables). */
#define N_(s) (s)
/* The translation of msgid in lang (English, or NULL, gives msgid back);
 * msgid itself when the catalogue lacks it. Never NULL for a non-NULL
 * msgid. The result lives as long as the process. */
#define TR(lang, msgid) i18n_text((lang), (msgid))
const char *i18n_text(const struct i18n_lang *lang, const char *msgid);

/* English, the source language (never NULL). */
const struct i18n_lang *i18n_english(void);
/* The language we have for a tag as rosters and browsers write it: a BCP
 * 47 tag ("es-MX", "zh-Hans", "pt_BR"; the primary subtag decides, any
 * case), an ISO 639-2 code ("spa"), or the English name ("Spanish").
 * NULL when we have no catalogue for it (the caller falls back to English
 * and says so) or tag is NULL or empty. Chinese in any script is given the
 * Simplified catalogue; Filipino ("fil") is given Tagalog. */
const struct i18n_lang *i18n_find(const char *tag);
/* The languages we have, English first; NULL past the end. */
size_t i18n_count(void);
const struct i18n_lang *i18n_at(size_t i);
/* The first language of an Accept-Language header that we have ("es-MX,
 * es;q=0.9, en;q=0.8"), by the header's order and q values (q=0 skipped);
 * NULL when none (or the header is NULL). */
const struct i18n_lang *i18n_from_accept(const char *header);

/* How many messages lang's catalogue holds (0 for English or a catalogue
 * that did not load), and the i-th msgid (sorted) with its translation;
 * false past the end. For the completeness test and tools. */
size_t i18n_catalogue_size(const struct i18n_lang *lang);
bool i18n_catalogue_at(const struct i18n_lang *lang, size_t i, const char **msgid,
		       const char **msgstr);

/* The .mo reader, exposed for tests: parses a GNU .mo file (either byte
 * order, revision 0) into *count (msgid, msgstr) pairs written to pairs
 * (cap of them), sorted by msgid, pointing into data (which must stay
 * alive and be NUL-terminated after each string, as .mo files are). The
 * header entry (empty msgid), entries with a context and plural entries
 * are skipped. False for a file that is not a valid .mo (short, bad magic,
 * tables or strings out of bounds, a string not NUL-terminated). */
struct i18n_pair {
	const char *msgid, *msgstr;
};
bool i18n_mo_parse(const unsigned char *data, size_t len, struct i18n_pair *pairs, size_t cap,
		   size_t *count);

/* Whether a translation keeps the printf conversions of its msgid, in the
 * same order ("%s", "%lld"; "%%" is text). msgfmt --check-format checks the
 * same at build time; the tests check the embedded catalogues again. */
bool i18n_same_conversions(const char *msgid, const char *msgstr);

#endif
