/* export.c - see export.h. */
#include "web/export.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "web/http.h"
#include "web/page.h"

static void fail(struct export *x, enum eb_err e)
{
	if (x->err == EB_OK)
		x->err = e;
}

static enum eb_err from_lxw(lxw_error e)
{
	switch (e) {
	case LXW_NO_ERROR:
		return EB_OK;
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
		return EB_ENOMEM;
	case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
		return EB_ETOOBIG;
	default:
		return EB_EIO;
	}
}

enum eb_err export_begin(struct export *x, enum export_format f, const char *sheet, struct buf *out)
{
	memset(x, 0, sizeof *x);
	x->format = f;
	x->out = out;
	x->scratch = (struct buf)BUF_INIT;
	if (f != EXPORT_XLSX)
		return EB_OK;
	buf_init(&x->scratch, 1 << 20);
	snprintf(x->path, sizeof x->path, "/tmp/edbridge-xlsx-XXXXXX");
	int fd = mkstemp(x->path);
	if (fd < 0) {
		x->path[0] = '\0';
		fail(x, EB_EIO);
		return x->err;
	}
	close(fd);
	x->wb = workbook_new(x->path);
	if (!x->wb) {
		fail(x, EB_EIO);
		return x->err;
	}
	if (sheet && workbook_validate_sheet_name(x->wb, sheet) != LXW_NO_ERROR) {
		fail(x, EB_EINVAL);
		return x->err;
	}
	x->ws = workbook_add_worksheet(x->wb, sheet);
	x->bold = workbook_add_format(x->wb);
	if (!x->ws || !x->bold) {
		fail(x, EB_EIO);
		return x->err;
	}
	format_set_bold(x->bold);
	return EB_OK;
}

/* ---- CSV -------------------------------------------------------------- */

static void csv_sep(struct export *x)
{
	if (x->col)
		buf_putc(x->out, ',');
}

static void csv_text(struct export *x, const char *s)
{
	csv_sep(x);
	bool guard = *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_putc(x->out, '"');
	if (guard)
		buf_putc(x->out, '\'');
	if (!quote) {
		buf_puts(x->out, s);
		return;
	}
	const char *run = s;
	for (const char *p = s; *p; p++)
		if (*p == '"') {
			/* the run up to and with the quote, then the quote again */
			buf_put(x->out, run, (size_t)(p - run) + 1);
			buf_putc(x->out, '"');
			run = p + 1;
		}
	buf_puts(x->out, run);
	buf_putc(x->out, '"');
}

/* ---- Excel ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (not overlong, no surrogates,
 * at most U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		return (p[1] & 0xC0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		unsigned char lo = p[0] == 0xE0 ? 0xA0 : 0x80, hi = p[0] == 0xED ? 0x9F : 0xBF;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		unsigned char lo = p[0] == 0xF0 ? 0x90 : 0x80, hi = p[0] == 0xF4 ? 0x8F : 0xBF;
		return p[1] >= lo && p[1] <= hi && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80
			       ? 4
			       : 0;
	}
	return 0;
}

/* s itself when it is valid UTF-8; else a copy in x->scratch with U+FFFD
 * for each byte that starts no valid sequence. */
static const char *utf8_repaired(struct export *x, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	while (*p && (n = utf8_len(p)) > 0)
		p += n;
	if (!*p)
		return s;
	buf_reset(&x->scratch);
	buf_put(&x->scratch, s, (size_t)((const char *)p - s));
	while (*p) {
		n = utf8_len(p);
		if (n) {
			buf_put(&x->scratch, p, n);
			p += n;
		} else {
			buf_puts(&x->scratch, "\xEF\xBF\xBD");
			p++;
		}
	}
	if (buf_failed(&x->scratch)) {
		fail(x, x->scratch.err);
		return "";
	}
	return buf_cstr(&x->scratch);
}

/* The current cell is inside Excel's grid; else the table fails. */
static bool xlsx_in_grid(struct export *x)
{
	if (x->row < LXW_ROW_MAX && x->col < LXW_COL_MAX)
		return true;
	fail(x, EB_ETOOBIG);
	return false;
}

static void xlsx_text(struct export *x, const char *s, bool bold)
{
	if (xlsx_in_grid(x))
		fail(x,
		     from_lxw(worksheet_write_string(x->ws, (lxw_row_t)x->row, (lxw_col_t)x->col,
						     utf8_repaired(x, s), bold ? x->bold : NULL)));
}

static void xlsx_num(struct export *x, double v)
{
	if (xlsx_in_grid(x))
		fail(x, from_lxw(worksheet_write_number(x->ws, (lxw_row_t)x->row, (lxw_col_t)x->col,
							v, NULL)));
}

/* ---- cells ------------------------------------------------------------ */

static bool writable(struct export *x)
{
	return x->err == EB_OK && (x->format == EXPORT_CSV || x->ws);
}

static void cell_text(struct export *x, const char *s, bool bold)
{
	if (!writable(x))
		return;
	if (!s)
		s = "";
	if (x->format == EXPORT_CSV)
		csv_text(x, s);
	else if (*s)
		xlsx_text(x, s, bold);
	x->col++;
}

void export_head(struct export *x, const char *name)
{
	cell_text(x, name, true);
}

void export_text(struct export *x, const char *s)
{
	cell_text(x, s, false);
}

void export_num(struct export *x, double v, int decimals)
{
	if (!writable(x))
		return;
	if (x->format == EXPORT_CSV) {
		csv_sep(x);
		if (isfinite(v)) {
			if (decimals < 0)
				buf_printf(x->out, "%g", v);
			else
				buf_printf(x->out, "%.*f", decimals > 17 ? 17 : decimals, v);
		}
	} else if (isfinite(v)) {
		xlsx_num(x, v);
	}
	x->col++;
}

void export_end_row(struct export *x)
{
	if (!writable(x))
		return;
	if (x->format == EXPORT_CSV)
		buf_put(x->out, "\r\n", 2);
	x->row++;
	x->col = 0;
}

/* Appends the file at path to out. */
static enum eb_err append_file(struct buf *out, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return EB_EIO;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(out, chunk, n);
	enum eb_err e = ferror(f) ? EB_EIO : EB_OK;
	fclose(f);
	return e;
}

enum eb_err export_finish(struct export *x)
{
	if (x->wb) {
		lxw_error e = workbook_close(x->wb); /* frees the workbook */
		x->wb = NULL;
		fail(x, from_lxw(e));
		if (x->err == EB_OK)
			fail(x, append_file(x->out, x->path));
	}
	if (x->path[0]) {
		unlink(x->path);
		x->path[0] = '\0';
	}
	x->ws = NULL;
	x->bold = NULL;
	buf_free(&x->scratch);
	if (x->err == EB_OK && x->out && buf_failed(x->out))
		fail(x, x->out->err);
	return x->err;
}

/* ---- HTTP ------------------------------------------------------------- */

bool export_format_parse(const char *name, enum export_format *f)
{
	if (name && strcmp(name, "csv") == 0)
		*f = EXPORT_CSV;
	else if (name && strcmp(name, "xlsx") == 0)
		*f = EXPORT_XLSX;
	else
		return false;
	return true;
}

bool export_respond_begin(struct http_request *req, struct export *x, enum export_format f,
			  const char *sheet)
{
	buf_reset(&req->out);
	if (export_begin(x, f, sheet, &req->out) == EB_OK)
		return true;
	export_finish(x);
	page_error(req, 503, "Unavailable", "Could not write the spreadsheet.");
	return false;
}

void export_respond_end(struct http_request *req, struct export *x, const char *basename)
{
	enum eb_err e = export_finish(x);
	if (e) {
		if (e == EB_ETOOBIG || e == EB_ENOMEM)
			page_error(req, 500, "Too large", "The export is too large to send.");
		else
			page_error(req, 503, "Unavailable", "Could not write the spreadsheet.");
		return;
	}
	char name[64];
	size_t k = 0;
	for (const char *p = basename ? basename : "export"; *p && k + 1 < sizeof name; p++)
		name[k++] = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
					    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'
				    ? *p
				    : '-';
	name[k] = '\0';
	bool csv = x->format == EXPORT_CSV;
	req->content_type =
		csv ? "text/csv; charset=utf-8"
		    : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	char cd[128];
	snprintf(cd, sizeof cd, "attachment; filename=\"%s.%s\"", name, csv ? "csv" : "xlsx");
	http_set_header(req, "Content-Disposition", cd);
	req->no_cache = true;
}
