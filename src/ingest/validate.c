/* validate.c - the validation context the JSON formats share (validate.h). */
#include "ingest/validate.h"

#include <stdarg.h>
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
	jv_object_foreach(obj, key, val) {
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
