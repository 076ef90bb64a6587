/* sms_text.h - what a text message costs and how a family's text is made
 * to fit (issue 13; docs/family_updates.md "Text messages").
 *
 * A text message is sent in one of two encodings (3GPP TS 23.038):
 *
 *   GSM-7   the GSM 03.38 default alphabet, 7 bits a character; the
 *           characters of its extension table ('€', '[', ']', '{', '}',
 *           '\', '^', '~', '|', form feed) take an escape and count 2;
 *           one segment holds 160 septets, a message of several 153 each;
 *   UCS-2   anything else: UTF-16 code units (a character outside the
 *           Basic Multilingual Plane, an emoji, counts 2); 70 units in
 *           one segment, 67 each in a message of several.
 *
 * Segments of a long message are filled whole characters at a time: an
 * escape and its character, or the two halves of a surrogate pair, are
 * never split between segments (so a segment may carry one unit less than
 * its room). The provider bills every segment; the district pays per
 * segment. */
#ifndef EB_SMS_TEXT_H
#define EB_SMS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

enum sms_encoding { SMS_GSM7, SMS_UCS2 };

#define SMS_GSM7_SINGLE 160
#define SMS_GSM7_MULTI 153
#define SMS_UCS2_SINGLE 70
#define SMS_UCS2_MULTI 67

struct sms_count {
	enum sms_encoding enc;
	size_t chars;	 /* Unicode code points */
	size_t units;	 /* septets (GSM-7) or UTF-16 code units (UCS-2) */
	size_t segments; /* 0 for the empty text */
};

/* Counts text (len bytes of UTF-8) as a provider will send it: GSM-7 when
 * every character is in the default alphabet or its extension, else
 * UCS-2. False (out untouched) when text is not valid UTF-8. */
bool sms_count(const char *text, size_t len, struct sms_count *out);

/* Whether code point c is in the GSM 03.38 default alphabet (1 septet),
 * its extension table (2 septets), or neither (0). */
int sms_gsm7_septets(unsigned c);

/* The most segments a family's text may take: the district pays per
 * segment, and a message past two or three is read less. */
struct sms_budget {
	size_t gsm7_segments; /* default 2 (306 septets) */
	size_t ucs2_segments; /* default 3 (201 units) */
};
#define SMS_BUDGET_DEFAULT ((struct sms_budget){ 2, 3 })

/* Makes a text message of text followed by tail (a space between them;
 * tail is the part that is never shortened: the "and 2 more" line and the
 * sign-in link) within budget, and appends it to out; *c (may be NULL)
 * gets its count. When the whole does not fit, text is shortened: at the
 * last space that keeps at least half of what fits (else at a character
 * boundary, never inside a surrogate pair, an escape or before a
 * combining mark), with "..." (GSM-7) or "…" (UCS-2) after it. tail is
 * never cut: EB_ETOOBIG (nothing appended) when tail alone does not fit;
 * EB_EINVAL for text or tail that is not UTF-8 (either may be empty or
 * NULL). */
enum eb_err sms_fit(const char *text, const char *tail, struct sms_budget budget, struct buf *out,
		    struct sms_count *c);

#endif
