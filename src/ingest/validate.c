/* validate.c - the validation context the JSON formats share (validate.h). */
#include "ingest/validate.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/json.h"
#include "base/str.h"

void val_init(struct val_ctx *c, const char *path, char *err, size_t cap)
{
	memset(c, 0, sizeof *c);
	c->err = err;
	c->cap = cap;
	c->plen = str_copy(c->path, sizeof c->path, path ? path : "$");
	if (err && cap)
		err[0] = '\0';
}

int val_fail(struct val_ctx *c, const char *fmt, ...)
{
	if (c->failed)
		return -1;
	c->failed = true;
	if (c->err && c->cap) {
		int n = snprintf(c->err, c->cap, "%s: ", c->path);
		if (n >= 0 && (size_t)n < c->cap) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->cap - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

int val_check_fields(struct val_ctx *c, struct jv *obj, const struct val_field *fields)
{
	if (!jv_is_object(obj))
		return val_fail(c, "must be an object");
	const char *key;
	struct jv *val;
	jv_object_foreach(obj, key, val)
	{
		const struct val_field *f = fields;
		while (f->name && strcmp(f->name, key))
			f++;
		if (!f->name || (f->flags & c->hidden)) {
			if (c->ignore_unknown)
				continue;
			size_t m = val_push_key(c, key);
			val_fail(c, "unknown property");
			val_pop(c, m);
			return -1;
		}
		size_t m = val_push_key(c, key);
		int r = 0;
		if (jv_is_null(val) && f->check && !(f->flags & VAL_CHECKS_NULL))
			r = val_fail(c, "must not be null");
		else if (f->check)
			r = f->check(c, val, f);
		val_pop(c, m);
		if (r)
			return -1;
	}
	for (const struct val_field *f = fields; f->name; f++) {
		if ((f->flags & VAL_REQUIRED) && !jv_get(obj, f->name)) {
			size_t m = val_push_key(c, f->name);
			val_fail(c, "is required");
			val_pop(c, m);
			return -1;
		}
	}
	return 0;
}

struct jv *val_parse_body(struct arena *a, const char *json, size_t len, size_t max, char *err,
			  size_t errcap, enum eb_err *rc)
{
	if (len > max) {
		snprintf(err, errcap, "body of %zu bytes exceeds the limit of %zu", len, max);
		*rc = EB_ETOOBIG;
		return NULL;
	}
	struct jv_error je;
	struct jv *root = jv_parse(a, json, len, &je);
	if (!root && !je.line) {
		snprintf(err, errcap, "out of memory");
		*rc = EB_ENOMEM;
	} else if (!root) {
		snprintf(err, errcap, "body is not valid JSON: line %d column %d: %s", je.line,
			 je.column, je.text);
		*rc = EB_EPARSE;
	}
	return root;
}

bool val_is_iri(const char *s, bool strict)
{
	if (!s || !isalpha((unsigned char)s[0]))
		return false;
	const char *p = s + 1;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || !p[1])
		return false;
	for (p++; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"')
			return false;
		if (strict && (*p == '{' || *p == '}' || *p == '\\' || *p == '^' || *p == '`'))
			return false;
	}
	return true;
}

bool val_parse_duration(const char *s, bool strict, double *secs)
{
	static const char date_units[] = "YMWD", time_units[] = "HMS";
	static const double date_secs[] = { 365 * 86400.0, 30 * 86400.0, 7 * 86400.0, 86400.0 };
	static const double time_secs[] = { 3600, 60, 1 };
	if (!s || *s != 'P')
		return false;
	const char *p = s + 1, *units = date_units, *next = date_units;
	bool in_time = false, any = false, weeks = false, fraction = false;
	double total = 0;
	while (*p) {
		if (*p == 'T') {
			if (in_time || !p[1])
				return false;
			in_time = true;
			units = next = time_units;
			p++;
			continue;
		}
		if (!isdigit((unsigned char)*p) || (strict && fraction))
			return false;
		double v = 0;
		while (isdigit((unsigned char)*p))
			v = v * 10 + (*p++ - '0');
		if (*p == '.' || *p == ',') {
			double f = 0.1;
			p++;
			if (!isdigit((unsigned char)*p))
				return false;
			while (isdigit((unsigned char)*p)) {
				v += (*p++ - '0') * f;
				f /= 10;
			}
			fraction = true;
		}
		/* the unit: one not yet passed; its place in units (not in what is
		 * left of them) says how many seconds it holds */
		const char *u = *p ? strchr(next, *p) : NULL;
		if (!u)
			return false;
		total += v * (in_time ? time_secs : date_secs)[u - units];
		if (strict) {
			if (!in_time && *p == 'W')
				weeks = true;
			else if (weeks)
				return false;
		}
		next = u + 1;
		any = true;
		p++;
	}
	if (any && secs)
		*secs = total;
	return any;
}
