/* json.c - strict JSON reader into an arena, and its two writers (see json.h). */
#include "base/json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"

struct parser {
	struct arena *a;
	char *p, *end;		 /* cursor over the arena copy of the input */
	const char *start;	 /* arena copy, for error positions */
	const char *orig;	 /* the caller's bytes, for error positions */
	struct jv_member *stack; /* pending members/items of open containers */
	size_t sp, scap;
	struct jv_error *e;
	bool failed;
};

static bool fail(struct parser *ps, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool fail(struct parser *ps, const char *at, const char *fmt, ...)
{
	if (ps->failed)
		return false;
	ps->failed = true;
	size_t off = (size_t)(at - ps->start);
	int line = 1, col = 1;
	for (size_t i = 0; i < off; i++) {
		if (ps->orig[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	ps->e->line = line;
	ps->e->column = col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->e->text, sizeof ps->e->text, fmt, ap);
	va_end(ap);
	return false;
}

static inline void skip_ws(struct parser *ps)
{
	char *p = ps->p;
	while (p < ps->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	ps->p = p;
}

static bool push(struct parser *ps, const char *key, uint32_t klen)
{
	if (ps->sp == ps->scap) {
		size_t nc = ps->scap ? ps->scap * 2 : 64;
		struct jv_member *ns = realloc(ps->stack, nc * sizeof *ns);
		if (!ns) {
			ps->failed = true;
			ps->e->line = 0;
			return false;
		}
		ps->stack = ns;
		ps->scap = nc;
	}
	ps->stack[ps->sp].key = key;
	ps->stack[ps->sp].klen = klen;
	ps->sp++;
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool read_u4(struct parser *ps, const char *at, unsigned *out)
{
	if (ps->end - at < 4)
		return fail(ps, at, "invalid escape");
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(at[i]);
		if (h < 0)
			return fail(ps, at, "invalid escape");
		v = v << 4 | (unsigned)h;
	}
	*out = v;
	return true;
}

static char *put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xC0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xE0 | cp >> 12);
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*w++ = (char)(0xF0 | cp >> 18);
		*w++ = (char)(0x80 | ((cp >> 12) & 0x3F));
		*w++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*w++ = (char)(0x80 | (cp & 0x3F));
	}
	return w;
}

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned c = p[0], cp;
	size_t n;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

/* At the opening quote. Decodes in place; *out points at the NUL-terminated
 * text, *len its bytes. */
static bool read_string(struct parser *ps, const char **out, uint32_t *len)
{
	char *r = ps->p + 1, *end = ps->end;
	/* fast path: plain ASCII up to the closing quote needs no copying */
	while (r < end) {
		unsigned char c = (unsigned char)*r;
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
			break;
		r++;
	}
	char *w = r, *s = ps->p + 1;
	while (r < end) {
		unsigned char c = (unsigned char)*r;
		if (c == '"') {
			*w = '\0';
			*out = s;
			if ((size_t)(w - s) > UINT32_MAX)
				return fail(ps, s, "string too long");
			*len = (uint32_t)(w - s);
			ps->p = r + 1;
			return true;
		}
		if (c < 0x20)
			return fail(ps, r, "control character 0x%x in string", c);
		if (c < 0x80) {
			if (c != '\\') {
				*w++ = (char)c;
				r++;
				continue;
			}
			if (r + 1 >= end)
				break;
			char e = r[1];
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			const char *k = e ? strchr(from, e) : NULL;
			if (k) {
				*w++ = to[k - from];
				r += 2;
				continue;
			}
			if (e != 'u')
				return fail(ps, r, "invalid escape");
			unsigned cp;
			if (!read_u4(ps, r + 2, &cp))
				return false;
			const char *at = r;
			r += 6;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				unsigned lo;
				if (end - r < 6 || r[0] != '\\' || r[1] != 'u' ||
				    !read_u4(ps, r + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
					return fail(ps, at, "invalid Unicode surrogate pair");
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				r += 6;
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				return fail(ps, at, "invalid Unicode surrogate");
			} else if (cp == 0) {
				return fail(ps, at, "\\u0000 is not allowed");
			}
			w = put_utf8(w, cp); /* never longer than the escape it replaces */
			continue;
		}
		size_t n = utf8_len((const unsigned char *)r, (const unsigned char *)end);
		if (!n)
			return fail(ps, r, "invalid UTF-8 in string");
		memmove(w, r, n);
		w += n;
		r += n;
	}
	return fail(ps, ps->p, "unterminated string");
}

static bool read_number(struct parser *ps, struct jv *v)
{
	char *p = ps->p, *end = ps->end, *s = p;
	bool real = false;
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0') {
		p++;
	} else if (p < end && *p >= '1' && *p <= '9') {
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return fail(ps, s, "invalid number");
	}
	if (p < end && *p == '.') {
		real = true;
		p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(ps, s, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		real = true;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			return fail(ps, s, "invalid number");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	size_t n = (size_t)(p - s);
	v->u.s = s;
	v->n = (uint32_t)n;
	if (!real) {
		const char *q = s;
		bool neg = *q == '-';
		q += neg;
		uint64_t acc = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (; q < p; q++) {
			unsigned d = (unsigned)(*q - '0');
			if (acc > (lim - d) / 10)
				return fail(ps, s, "too big integer");
			acc = acc * 10 + d;
		}
		v->type = JV_INT;
		v->i = neg ? (acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc)
			   : (int64_t)acc;
		v->num = (double)v->i;
	} else {
		char tmp[64], *t = tmp;
		if (n >= sizeof tmp && !(t = arena_strndup(ps->a, s, n)))
			return fail(ps, s, "out of memory");
		if (t == tmp) {
			memcpy(tmp, s, n);
			tmp[n] = '\0';
		}
		errno = 0;
		double d = strtod(t, NULL);
		if (errno == ERANGE && isinf(d))
			return fail(ps, s, "real number overflow");
		v->type = JV_REAL;
		v->num = d;
		v->i = 0;
	}
	ps->p = p;
	return true;
}

static bool read_value(struct parser *ps, struct jv *v, int depth);

static bool dup_keys(const struct jv_member *m, size_t n);

static bool read_container(struct parser *ps, struct jv *v, int depth, bool object)
{
	char *open = ps->p;
	if (depth >= JV_MAX_DEPTH)
		return fail(ps, open, "maximum nesting depth %d reached", JV_MAX_DEPTH);
	ps->p++;
	size_t base = ps->sp;
	char close = object ? '}' : ']';
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		goto done;
	}
	for (;;) {
		const char *key = NULL;
		uint32_t klen = 0;
		skip_ws(ps);
		if (object) {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, ps->p, "string or '}' expected");
			if (!read_string(ps, &key, &klen))
				return false;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return fail(ps, ps->p, "':' expected");
			ps->p++;
			skip_ws(ps);
		}
		if (!push(ps, key, klen))
			return false;
		size_t slot = ps->sp - 1;
		struct jv child;
		if (!read_value(ps, &child, depth + 1))
			return false;
		ps->stack[slot].val = child; /* the stack may have moved */
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			break;
		}
		return fail(ps, ps->p, object ? "',' or '}' expected" : "',' or ']' expected");
	}
done:;
	size_t n = ps->sp - base;
	if (n > UINT32_MAX)
		return fail(ps, open, "too many members");
	v->type = object ? JV_OBJECT : JV_ARRAY;
	v->n = (uint32_t)n;
	v->u.items = NULL;
	if (object) {
		struct jv_member *m = arena_alloc(ps->a, (n ? n : 1) * sizeof *m);
		if (!m)
			return fail(ps, open, "out of memory");
		if (n)
			memcpy(m, ps->stack + base, n * sizeof *m);
		if (dup_keys(m, n))
			return fail(ps, open, "duplicate object key");
		v->u.members = m;
	} else {
		struct jv *it = arena_alloc(ps->a, (n ? n : 1) * sizeof *it);
		if (!it)
			return fail(ps, open, "out of memory");
		for (size_t i = 0; i < n; i++)
			it[i] = ps->stack[base + i].val;
		v->u.items = it;
	}
	ps->sp = base;
	return true;
}

static bool literal(struct parser *ps, const char *word, size_t n, struct jv *v, enum jv_type t)
{
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, ps->p, "invalid token");
	ps->p += n;
	v->type = t;
	v->n = 0;
	v->u.s = NULL;
	return true;
}

static bool read_value(struct parser *ps, struct jv *v, int depth)
{
	memset(v, 0, sizeof *v);
	if (ps->p >= ps->end)
		return fail(ps, ps->p, "unexpected end of input");
	switch (*ps->p) {
	case '{':
		return read_container(ps, v, depth, true);
	case '[':
		return read_container(ps, v, depth, false);
	case '"': {
		const char *s;
		uint32_t n;
		if (!read_string(ps, &s, &n))
			return false;
		v->type = JV_STRING;
		v->u.s = s;
		v->n = n;
		return true;
	}
	case 't':
		return literal(ps, "true", 4, v, JV_TRUE);
	case 'f':
		return literal(ps, "false", 5, v, JV_FALSE);
	case 'n':
		return literal(ps, "null", 4, v, JV_NULL);
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return read_number(ps, v);
		return fail(ps, ps->p, "invalid token");
	}
}

static int cmp_member(const void *a, const void *b)
{
	const struct jv_member *x = *(const struct jv_member *const *)a;
	const struct jv_member *y = *(const struct jv_member *const *)b;
	return strcmp(x->key, y->key);
}

static bool dup_keys(const struct jv_member *m, size_t n)
{
	if (n <= 16) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = 0; j < i; j++)
				if (m[i].klen == m[j].klen &&
				    !memcmp(m[i].key, m[j].key, m[i].klen))
					return true;
		return false;
	}
	const struct jv_member **idx = malloc(n * sizeof *idx);
	if (!idx)
		return true; /* refuse rather than accept unchecked */
	for (size_t i = 0; i < n; i++)
		idx[i] = &m[i];
	qsort(idx, n, sizeof *idx, cmp_member);
	bool dup = false;
	for (size_t i = 1; i < n && !dup; i++)
		dup = !strcmp(idx[i]->key, idx[i - 1]->key);
	free(idx);
	return dup;
}

struct jv *jv_parse(struct arena *a, const char *json, size_t len, struct jv_error *e)
{
	memset(e, 0, sizeof *e);
	char *copy = arena_alloc(a, len + 1);
	struct jv *root = arena_alloc(a, sizeof *root);
	if (!copy || !root)
		return NULL;
	if (len)
		memcpy(copy, json, len);
	copy[len] = '\0';
	struct parser ps = {
		.a = a, .p = copy, .end = copy + len, .start = copy, .orig = json, .e = e
	};
	skip_ws(&ps);
	bool ok = read_value(&ps, root, 0);
	if (ok) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			ok = fail(&ps, ps.p, "end of file expected");
	}
	free(ps.stack);
	return ok ? root : NULL;
}

/* ---- access and edits -------------------------------------------------- */

struct jv *jv_get(const struct jv *o, const char *key)
{
	if (!jv_is_object(o))
		return NULL;
	for (uint32_t i = 0; i < o->n; i++)
		if (!strcmp(o->u.members[i].key, key))
			return &o->u.members[i].val;
	return NULL;
}

bool jv_set(struct arena *a, struct jv *o, const char *key, const struct jv *v)
{
	struct jv *old = jv_get(o, key);
	if (old) {
		*old = *v;
		return true;
	}
	if (!jv_is_object(o))
		return false;
	struct jv_member *m = arena_alloc(a, (o->n + 1) * sizeof *m);
	if (!m)
		return false;
	if (o->n)
		memcpy(m, o->u.members, o->n * sizeof *m);
	m[o->n] = (struct jv_member){ .key = key, .klen = (uint32_t)strlen(key), .val = *v };
	o->u.members = m;
	o->n++;
	return true;
}

void jv_del(struct jv *o, const char *key)
{
	struct jv *v = jv_get(o, key);
	if (!v)
		return;
	struct jv_member *m = (struct jv_member *)((char *)v - offsetof(struct jv_member, val));
	size_t i = (size_t)(m - o->u.members);
	memmove(m, m + 1, (o->n - i - 1) * sizeof *m);
	o->n--;
}

struct jv jv_string(const char *s)
{
	struct jv v = { .type = JV_STRING, .n = (uint32_t)strlen(s) };
	v.u.s = s;
	return v;
}

bool jv_wrap_array(struct arena *a, struct jv *v)
{
	struct jv *it = arena_alloc(a, sizeof *it);
	if (!it)
		return false;
	*it = *v;
	memset(v, 0, sizeof *v);
	v->type = JV_ARRAY;
	v->n = 1;
	v->u.items = it;
	return true;
}

bool jv_equal(const struct jv *x, const struct jv *y)
{
	if (!x || !y)
		return x == y;
	if (jv_is_number(x) && jv_is_number(y))
		return x->type == y->type && (x->type == JV_INT ? x->i == y->i : x->num == y->num);
	if (x->type != y->type)
		return false;
	switch (x->type) {
	case JV_STRING:
		return x->n == y->n && !memcmp(x->u.s, y->u.s, x->n);
	case JV_ARRAY:
		if (x->n != y->n)
			return false;
		for (uint32_t i = 0; i < x->n; i++)
			if (!jv_equal(&x->u.items[i], &y->u.items[i]))
				return false;
		return true;
	case JV_OBJECT:
		if (x->n != y->n)
			return false;
		for (uint32_t i = 0; i < x->n; i++)
			if (!jv_equal(&x->u.members[i].val, jv_get(y, x->u.members[i].key)))
				return false;
		return true;
	default:
		return true;
	}
}

/* ---- output ---------------------------------------------------------------- */

static void dump_string(struct buf *b, const char *s, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";
	buf_putc(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		buf_put(b, s + run, i - run);
		run = i + 1;
		char esc[7] = { '\\', 0 };
		size_t en = 2;
		switch (c) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hx[c >> 4];
			esc[5] = hx[c & 15];
			en = 6;
		}
		buf_put(b, esc, en);
	}
	buf_put(b, s + run, n - run);
	buf_putc(b, '"');
}

static bool skipped(const char *key, const char *const *skip)
{
	for (; skip && *skip; skip++)
		if (!strcmp(key, *skip))
			return true;
	return false;
}

static void dump(const struct jv *v, struct buf *b, bool sorted, const char *const *skip);

static void dump_member(const struct jv_member *m, struct buf *b, bool sorted, bool *first)
{
	if (!*first)
		buf_putc(b, ',');
	*first = false;
	dump_string(b, m->key, m->klen);
	buf_putc(b, ':');
	dump(&m->val, b, sorted, NULL);
}

/* Members in bytewise key order: the canonical form. */
static void dump_object_sorted(const struct jv *v, struct buf *b, const char *const *skip)
{
	const struct jv_member *small[16], **idx = small;
	if (v->n > 16 && !(idx = malloc(v->n * sizeof *idx))) {
		b->err = EB_ENOMEM;
		return;
	}
	for (uint32_t i = 0; i < v->n; i++)
		idx[i] = &v->u.members[i];
	if (v->n > 16) {
		qsort(idx, v->n, sizeof *idx, cmp_member);
	} else {
		for (uint32_t i = 1; i < v->n; i++) {
			const struct jv_member *t = idx[i];
			uint32_t j = i;
			for (; j > 0 && strcmp(idx[j - 1]->key, t->key) > 0; j--)
				idx[j] = idx[j - 1];
			idx[j] = t;
		}
	}
	buf_putc(b, '{');
	bool first = true;
	for (uint32_t i = 0; i < v->n; i++)
		if (!skipped(idx[i]->key, skip))
			dump_member(idx[i], b, true, &first);
	buf_putc(b, '}');
	if (idx != small)
		free(idx);
}

/* sorted: object members in bytewise key order (the canonical form), else
 * in their order of arrival. skip applies at this level only. */
static void dump(const struct jv *v, struct buf *b, bool sorted, const char *const *skip)
{
	switch (v->type) {
	case JV_NULL:
		buf_put(b, "null", 4);
		return;
	case JV_TRUE:
		buf_put(b, "true", 4);
		return;
	case JV_FALSE:
		buf_put(b, "false", 5);
		return;
	case JV_INT:
	case JV_REAL:
		buf_put(b, v->u.s, v->n);
		return;
	case JV_STRING:
		dump_string(b, v->u.s, v->n);
		return;
	case JV_ARRAY:
		buf_putc(b, '[');
		for (uint32_t i = 0; i < v->n; i++) {
			if (i)
				buf_putc(b, ',');
			dump(&v->u.items[i], b, sorted, NULL);
		}
		buf_putc(b, ']');
		return;
	case JV_OBJECT:
		if (sorted) {
			dump_object_sorted(v, b, skip);
		} else {
			bool first = true;
			buf_putc(b, '{');
			for (uint32_t i = 0; i < v->n; i++)
				if (!skipped(v->u.members[i].key, skip))
					dump_member(&v->u.members[i], b, false, &first);
			buf_putc(b, '}');
		}
		return;
	}
}

void jv_dump_sorted(const struct jv *v, struct buf *b, const char *const *skip)
{
	dump(v, b, true, skip);
}

void jv_dump(const struct jv *v, struct buf *b)
{
	dump(v, b, false, NULL);
}
