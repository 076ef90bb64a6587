/* translate.h - machine translation of a teacher's free text (a note to
 * families) into a family's language.
 *
 * Two engines: Apertium, offline, run as a child process (Debian apertium
 * and apertium-eng-spa; English to Spanish), and a LibreTranslate-compatible
 * HTTP endpoint the district configures (POST {endpoint}/translate, JSON
 * {q, source, target, format, api_key} -> {translatedText}; libcurl), for
 * the other languages, and for Spanish where Apertium is missing. Each call
 * has a deadline; an engine that fails, answers badly or runs past it gives
 * an error and no text: the caller shows the original, marked as not
 * translated. Nothing here runs a shell or logs the text. */
#ifndef EB_TRANSLATE_H
#define EB_TRANSLATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct db;
struct i18n_lang;

#define TRANSLATE_ENDPOINT_MAX 300
#define TRANSLATE_KEY_MAX 200
/* the longest text given to an engine, and the longest answer kept */
#define TRANSLATE_TEXT_MAX 4000
#define TRANSLATE_OUT_MAX 16000

enum translate_engine { TRANSLATE_APERTIUM, TRANSLATE_LIBRETRANSLATE };

struct translate_config {
	char endpoint[TRANSLATE_ENDPOINT_MAX]; /* "" when the district has none */
	char api_key[TRANSLATE_KEY_MAX];
	int timeout_ms; /* each engine call; default TRANSLATE_TIMEOUT_MS */
};
#define TRANSLATE_TIMEOUT_MS 15000

/* The district's settings (an empty endpoint when none is set). */
enum eb_err translate_config_get(struct db *db, int64_t district_id, struct translate_config *out);
/* Sets them: endpoint an absolute http(s) URL without query or fragment,
 * at most TRANSLATE_ENDPOINT_MAX - 1 bytes (trailing slashes dropped), or
 * "" / NULL to remove it; api_key (may be NULL) shorter than
 * TRANSLATE_KEY_MAX; timeout_ms 100..60000 (0: the default). EB_EINVAL
 * with nothing stored for another. */
enum eb_err translate_config_set(struct db *db, int64_t district_id, const char *endpoint,
				 const char *api_key, int timeout_ms);

/* Words for the engine ("apertium", "libretranslate"), as stored. */
const char *translate_engine_name(enum translate_engine e);

/* Translates text (English, UTF-8, at most TRANSLATE_TEXT_MAX bytes) into
 * lang and appends the translation to out (white space tidied). *used says
 * which engine did it. EB_ENOTSUP when no engine serves lang (English
 * itself included), EB_ETOOBIG for a longer text, EB_EIO when the engine
 * failed or timed out, EB_EPARSE for an answer that is not a translation.
 * Apertium is the program $EDBRIDGE_APERTIUM, else "apertium" on PATH.
 * Thread-safe. */
enum eb_err translate_text(const struct translate_config *c, const struct i18n_lang *lang,
			   const char *text, struct buf *out, enum translate_engine *used);

/* The other way: text a family wrote in from (UTF-8, at most
 * TRANSLATE_TEXT_MAX bytes) into English for the teacher, appended to out:
 * Apertium "spa-eng" for Spanish, else (and where Apertium fails) the
 * district's endpoint. Errors as translate_text's (EB_ENOTSUP for English
 * itself or a language no engine serves). Thread-safe. */
enum eb_err translate_to_english(const struct translate_config *c, const struct i18n_lang *from,
				 const char *text, struct buf *out, enum translate_engine *used);

#endif
