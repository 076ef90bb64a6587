/* sms_text.c - GSM-7 / UCS-2 segment counts and fitting a text into a
 * budget (sms_text.h). The alphabet is written here from 3GPP TS 23.038
 * section 6.2.1 (the default alphabet) and 6.2.1.1 (its extension table). */
#include "domain/sms_text.h"

#include <stdlib.h>
#include <string.h>

/* The default alphabet's characters outside printable ASCII, by code
 * point: 0x00 '@' and the rest of the table's non-ASCII cells. */
static const unsigned gsm7_basic_extra[] = {
	0x00A3, /* £ */ 0x00A5, /* ¥ */ 0x00E8, /* è */ 0x00E9, /* é */ 0x00F9, /* ù */
	0x00EC, /* ì */ 0x00F2, /* ò */ 0x00C7, /* Ç */ 0x00D8, /* Ø */ 0x00F8, /* ø */
	0x00C5, /* Å */ 0x00E5, /* å */ 0x0394, /* Δ */ 0x03A6, /* Φ */ 0x0393, /* Γ */
	0x039B, /* Λ */ 0x03A9, /* Ω */ 0x03A0, /* Π */ 0x03A8, /* Ψ */ 0x03A3, /* Σ */
	0x0398, /* Θ */ 0x039E, /* Ξ */ 0x00C6, /* Æ */ 0x00E6, /* æ */ 0x00DF, /* ß */
	0x00C9, /* É */ 0x00A4, /* ¤ */ 0x00A1, /* ¡ */ 0x00C4, /* Ä */ 0x00D6, /* Ö */
	0x00D1, /* Ñ */ 0x00DC, /* Ü */ 0x00A7, /* § */ 0x00BF, /* ¿ */ 0x00E4, /* ä */
	0x00F6, /* ö */ 0x00F1, /* ñ */ 0x00FC, /* ü */ 0x00E0,			/* à */
};

int sms_gsm7_septets(unsigned c)
{
	switch (c) {
	case '\n':
	case '\r':
		return 1;
	case '\f': /* the extension's page break */
	case '^':
	case '{':
	case '}':
	case '\\':
	case '[':
	case '~':
	case ']':
	case '|':
	case 0x20AC: /* € */
		return 2;
	case '`': /* not in the alphabet */
		return 0;
	}
	if (c >= 0x20 && c <= 0x7E)
		return 1; /* '$' 0x02, '@' 0x00, '_' 0x11 and the ASCII cells */
	for (size_t i = 0; i < sizeof gsm7_basic_extra / sizeof gsm7_basic_extra[0]; i++)
		if (gsm7_basic_extra[i] == c)
			return 1;
	return 0;
}

/* Decodes one UTF-8 character at s (n bytes left): its code point in *cp
 * and its length, or 0 for a malformed one (overlong, surrogate, past
 * U+10FFFF, cut short). */
static size_t utf8_next(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], min;
	size_t len;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, c &= 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, c &= 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, c &= 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* Segments of a message of total units whose characters take the widths
 * the walk gives (1 or 2), filled whole characters at a time. */
static size_t pack(const unsigned char *s, size_t len, enum sms_encoding enc, size_t total)
{
	size_t single = enc == SMS_GSM7 ? SMS_GSM7_SINGLE : SMS_UCS2_SINGLE;
	size_t multi = enc == SMS_GSM7 ? SMS_GSM7_MULTI : SMS_UCS2_MULTI;
	if (total == 0)
		return 0;
	if (total <= single)
		return 1;
	size_t segs = 1, room = multi;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		i += n;
		size_t w = enc == SMS_GSM7 ? (size_t)sms_gsm7_septets(cp) : (cp > 0xFFFF ? 2 : 1);
		if (w > room) {
			segs++;
			room = multi;
		}
		room -= w;
	}
	return segs;
}

bool sms_count(const char *text, size_t len, struct sms_count *out)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t chars = 0, septets = 0, units = 0;
	bool gsm = true;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		if (!n)
			return false;
		i += n;
		chars++;
		units += cp > 0xFFFF ? 2 : 1;
		int w = gsm ? sms_gsm7_septets(cp) : 0;
		if (!w)
			gsm = false;
		septets += (size_t)w;
	}
	out->enc = gsm ? SMS_GSM7 : SMS_UCS2;
	out->chars = chars;
	out->units = gsm ? septets : units;
	out->segments = pack(s, len, out->enc, out->units);
	return true;
}

static bool fits(const struct sms_count *c, struct sms_budget b)
{
	return c->segments <= (c->enc == SMS_GSM7 ? b.gsm7_segments : b.ucs2_segments);
}

/* A mark that joins the character before it (Latin combining diacritics,
 * as decomposed Vietnamese writes its tones; Arabic harakat): a cut never
 * goes just before one. */
static bool combining(unsigned c)
{
	return (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
	       (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
	       (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
	       c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F);
}

/* b moved back to the start of the character it is in. */
static size_t boundary(const char *s, size_t b)
{
	while (b > 0 && ((unsigned char)s[b] & 0xC0) == 0x80)
		b--;
	return b;
}

/* The candidate: text[0, b) without trailing white space and ",;:",
 * the ellipsis of its encoding, " ", tail; counted into *c. */
#define FIT_MAX 4096
static bool compose(const char *text, size_t b, bool cut, const char *tail, struct buf *m,
		    struct sms_count *c)
{
	while (b > 0 && strchr(" \t\n,;:", text[b - 1]))
		b--;
	for (int pass = 0; pass < 2; pass++) {
		buf_reset(m);
		buf_put(m, text, b);
		if (cut && b > 0)
			buf_puts(m, pass == 0 ? "..." : "\xE2\x80\xA6");
		if (b > 0 && tail[0])
			buf_putc(m, ' ');
		buf_puts(m, tail);
		if (buf_failed(m) || !sms_count(m->data ? m->data : "", m->len, c))
			return false;
		/* "..." kept GSM-7 text GSM-7; in UCS-2 one "…" costs less */
		if (!cut || b == 0 || c->enc == SMS_GSM7)
			break;
	}
	return true;
}

enum eb_err sms_fit(const char *text, const char *tail, struct sms_budget budget, struct buf *out,
		    struct sms_count *cnt)
{
	text = text ? text : "";
	tail = tail ? tail : "";
	size_t len = strlen(text), nb = 0;
	size_t *at = NULL; /* the character boundaries of text, in order */
	struct sms_count c;
	struct buf m;
	enum eb_err rc = EB_OK;
	buf_init(&m, FIT_MAX);
	if (!sms_count(text, len, &c) || !sms_count(tail, strlen(tail), &c)) {
		rc = EB_EINVAL;
		goto out;
	}
	if (compose(text, len, false, tail, &m, &c) && fits(&c, budget))
		goto done;
	if (!compose(text, 0, true, tail, &m, &c) || !fits(&c, budget)) {
		rc = EB_ETOOBIG;
		goto out;
	}
	if (len > FIT_MAX)
		len = boundary(text, FIT_MAX);
	if (!(at = malloc((len + 1) * sizeof *at))) {
		rc = EB_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i <= len; i++)
		if (i == len || ((unsigned char)text[i] & 0xC0) != 0x80)
			at[nb++] = i;
	/* the longest prefix that fits (at[0] = 0 does): more text never
	 * costs less but for odd texts, so the result is checked again below */
	size_t lo = 0, hi = nb - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;
		if (compose(text, at[mid], true, tail, &m, &c) && fits(&c, budget))
			lo = mid;
		else
			hi = mid - 1;
	}
	size_t b = at[lo];
	/* at a word: the last space, when it keeps at least half */
	for (size_t i = b; i > 1; i--) {
		if (text[i - 1] == ' ') {
			if (i - 1 >= b / 2)
				b = i - 1;
			break;
		}
	}
	/* never just before a combining mark */
	for (unsigned cp; b > 0 && b < len &&
			  utf8_next((const unsigned char *)text + b, len - b, &cp) &&
			  combining(cp);)
		b = boundary(text, b - 1);
	while (b > 0 && !(compose(text, b, true, tail, &m, &c) && fits(&c, budget)))
		b = boundary(text, b - 1);
	if (b == 0 && !(compose(text, 0, true, tail, &m, &c) && fits(&c, budget))) {
		rc = EB_ETOOBIG;
		goto out;
	}
done:
	buf_put(out, m.data ? m.data : "", m.len);
	if (cnt)
		*cnt = c;
out:
	free(at);
	buf_free(&m);
	return rc;
}
