/* names.h - the simulator's home languages and name lists.
 *
 * Every list is a static table of ASCII strings (transliterated where the
 * language uses another script), so names cost no memory per person and a
 * person's name is a pair of pointers into these tables. A few entries carry
 * an apostrophe or a hyphen on purpose: importers and HTML output must cope. */
#ifndef EB_SIM_NAMES_H
#define EB_SIM_NAMES_H

#include <stddef.h>

#include "base/rng.h"

/* Home languages, in the order of their district-wide share. */
enum sim_lang {
	SIM_LANG_EN,
	SIM_LANG_ES,
	SIM_LANG_ZH,
	SIM_LANG_VI,
	SIM_LANG_AR,
	SIM_LANG_HT,
	SIM_LANG_PT,
	SIM_LANG_RU,
	SIM_LANG_KO,
	SIM_LANG_TL,
	SIM_LANG__COUNT
};

enum sim_sex { SIM_FEMALE, SIM_MALE };

/* BCP 47 tag ("en", "es", "zh", ...) of lang; never NULL. */
const char *sim_lang_tag(enum sim_lang lang);
/* ISO 3166-1 alpha-2 country a foreign-born child of this language family
 * most often comes from ("MX" for es); "US" for en. */
const char *sim_lang_country(enum sim_lang lang);
/* Draws a family's home language: en ~70 %, es ~20 %, the other eight
 * share the remaining ~10 % (zh, vi, ar, ht, pt, ru, ko, tl in that order). */
enum sim_lang sim_lang_draw(struct rng *r);
/* District-wide share of lang in [0, 1] (the weights sim_lang_draw uses). */
double sim_lang_share(enum sim_lang lang);

/* A given name typical for lang and sex; static storage. */
const char *sim_name_given(struct rng *r, enum sim_lang lang, enum sim_sex sex);
/* A family name typical for lang; static storage. */
const char *sim_name_family(struct rng *r, enum sim_lang lang);
/* A school's place name (index wraps around the list); static storage.
 * *round is set to how many times the list wrapped (0 on the first pass)
 * so callers can number repeats ("Maple Grove Elementary 2"). */
const char *sim_name_place(size_t index, size_t *round);

#endif
