#include "base/csv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void csv_init(struct csv_reader *r, char *data, size_t len)
{
	r->p = data;
	r->start = data;
	r->end = data + len;
	r->line = 1;
	r->sep = ',';
	if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
	    (unsigned char)data[2] == 0xBF)
		r->p += 3;
}

static void csv_skip_line(struct csv_reader *r)
{
	while (r->p < r->end && *r->p != '\n')
		r->p++;
	if (r->p < r->end) {
		r->p++;
		r->line++;
	}
}

static enum eb_err csv_fail(struct csv_reader *r, struct csv_error *err, size_t line, size_t col,
			    const char *reason)
{
	if (err) {
		err->line = line;
		err->column = col;
		str_copy(err->reason, sizeof err->reason, reason);
	}
	(void)r;
	return EB_EPARSE;
}

/* True when p[0..n) is ASCII without NUL (8 bytes at a time): the common
 * case, which needs no closer look. */
static bool csv_plain_ascii(const char *p, size_t n)
{
	const uint64_t hi = 0x8080808080808080ull, lo = 0x0101010101010101ull;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, p + i, 8);
		if ((x & hi) || ((x - lo) & ~x & hi))
			return false;
	}
	for (; i < n; i++)
		if (p[i] == 0 || (unsigned char)p[i] >= 0x80)
			return false;
	return true;
}

/* Refuses a record with a field that is not UTF-8 text; the line is that of
 * the bad byte (a quoted field may span lines). raw[0..nraw) is the record
 * as read: its fields were unescaped inside it, so when it is plain ASCII so
 * are they. */
static enum eb_err csv_check_text(struct csv_reader *r, struct csv_record *rec, const char *raw,
				  size_t nraw, struct csv_error *err)
{
	if (csv_plain_ascii(raw, nraw))
		return EB_OK;
	size_t line = rec->line;
	for (size_t j = 0; j < rec->nfields; j++) {
		struct str f = rec->fields[j];
		size_t bad;
		if (str_utf8_valid(f, &bad)) {
			for (size_t k = 0; k < f.n; k++)
				line += f.p[k] == '\n';
			continue;
		}
		for (size_t k = 0; k < bad; k++)
			line += f.p[k] == '\n';
		const unsigned char *b = (const unsigned char *)f.p + bad;
		char why[128];
		if (f.p + bad == r->start && f.n - bad >= 2 &&
		    ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
			snprintf(
				why, sizeof why,
				"the file is UTF-16 (byte-order mark %02X %02X), not UTF-8: save it"
				" as CSV UTF-8",
				b[0], b[1]);
		else if (b[0] == 0)
			snprintf(why, sizeof why, "a NUL byte at byte %zu of the field", bad + 1);
		else
			snprintf(why, sizeof why,
				 "not UTF-8 text: byte %02X at byte %zu of the field (save the file"
				 " as CSV UTF-8)",
				 b[0], bad + 1);
		return csv_fail(r, err, line, j + 1, why);
	}
	return EB_OK;
}

enum eb_err csv_next(struct csv_reader *r, struct csv_record *rec, struct csv_error *err)
{
	/* skip blank lines */
	for (;;) {
		if (r->p >= r->end)
			return EB_ENOTFOUND;
		if (*r->p == '\n') {
			r->p++;
			r->line++;
			continue;
		}
		if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n') {
			r->p += 2;
			r->line++;
			continue;
		}
		break;
	}
	size_t start_line = r->line;
	const char *raw = r->p;
	size_t nf = 0;
	for (;;) {
		if (nf == CSV_MAX_FIELDS) {
			size_t l = r->line;
			csv_skip_line(r);
			return csv_fail(r, err, l, nf + 1, "too many fields in record");
		}
		char *p = r->p;
		if (p < r->end && *p == '"') {
			/* quoted field: unescape in place */
			char *w = p, *s = p + 1;
			size_t qline = r->line;
			for (;;) {
				if (s >= r->end) {
					r->p = r->end;
					return csv_fail(r, err, qline, nf + 1,
							"unterminated quoted field");
				}
				if (*s == '"') {
					if (s + 1 < r->end && s[1] == '"') {
						*w++ = '"';
						s += 2;
						continue;
					}
					s++;
					break;
				}
				if (*s == '\n')
					r->line++;
				*w++ = *s++;
			}
			r->fields[nf].p = p;
			r->fields[nf].n = (size_t)(w - p);
			nf++;
			r->p = s;
			if (s < r->end && *s == r->sep) {
				r->p = s + 1;
				continue;
			}
			if (s >= r->end) {
				break;
			}
			if (*s == '\n') {
				r->p = s + 1;
				r->line++;
				break;
			}
			if (*s == '\r' && s + 1 < r->end && s[1] == '\n') {
				r->p = s + 2;
				r->line++;
				break;
			}
			if (*s == '\r' && s + 1 == r->end) { /* CR ending the last line */
				r->p = r->end;
				break;
			}
			size_t l = r->line;
			csv_skip_line(r);
			return csv_fail(r, err, l, nf, "unexpected character after closing quote");
		}
		/* unquoted field */
		char *s = p;
		while (s < r->end && *s != r->sep && *s != '\n') {
			if (*s == '"') {
				size_t l = r->line;
				csv_skip_line(r);
				return csv_fail(r, err, l, nf + 1,
						"quote inside an unquoted field");
			}
			s++;
		}
		size_t n = (size_t)(s - p);
		if (s < r->end && *s == '\n' && n && p[n - 1] == '\r')
			n--;
		else if (s >= r->end && n && p[n - 1] == '\r')
			n--;
		r->fields[nf].p = p;
		r->fields[nf].n = n;
		nf++;
		if (s < r->end && *s == r->sep) {
			r->p = s + 1;
			continue;
		}
		if (s < r->end) {
			r->p = s + 1;
			r->line++;
		} else {
			r->p = s;
		}
		break;
	}
	rec->line = start_line;
	rec->nfields = nf;
	rec->fields = r->fields;
	return csv_check_text(r, rec, raw, (size_t)(r->p - raw), err);
}

int csv_column(const struct csv_record *header, const char *name)
{
	for (size_t i = 0; i < header->nfields; i++)
		if (str_ieq_cstr(str_trim(header->fields[i]), name))
			return (int)i;
	return -1;
}

struct str csv_field(const struct csv_record *r, int col)
{
	if (col < 0 || (size_t)col >= r->nfields)
		return (struct str){ "", 0 };
	return str_trim(r->fields[col]);
}
