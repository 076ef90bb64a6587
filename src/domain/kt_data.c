/* kt_data.c - ASSISTments-format reader; see kt_data.h. */
#include "domain/kt_data.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/str.h"

static enum eb_err kt_fail(char *err, size_t cap, enum eb_err rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum eb_err kt_fail(char *err, size_t cap, enum eb_err rc, const char *fmt, ...)
{
	if (err && cap) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, cap, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* ---- id map ---- */

static size_t kt_hash(int32_t k, size_t mask)
{
	uint64_t x = (uint64_t)(uint32_t)k * 0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 32) & mask;
}

enum eb_err kt_idmap_init(struct kt_idmap *m, size_t expect)
{
	memset(m, 0, sizeof *m);
	size_t cap = 64;
	while (cap < expect * 2)
		cap <<= 1;
	m->keys = malloc(cap * sizeof *m->keys);
	m->vals = malloc(cap * sizeof *m->vals);
	m->raw = malloc((cap / 2) * sizeof *m->raw);
	if (!m->keys || !m->vals || !m->raw) {
		kt_idmap_free(m);
		return EB_ENOMEM;
	}
	memset(m->keys, 0xff, cap * sizeof *m->keys);
	m->cap = cap;
	return EB_OK;
}

static enum eb_err kt_idmap_grow(struct kt_idmap *m)
{
	struct kt_idmap big;
	if (kt_idmap_init(&big, m->cap) != EB_OK)
		return EB_ENOMEM;
	for (size_t i = 0; i < m->n; i++) {
		int32_t idx;
		kt_idmap_add(&big, m->raw[i], &idx);
	}
	kt_idmap_free(m);
	*m = big;
	return EB_OK;
}

enum eb_err kt_idmap_add(struct kt_idmap *m, int32_t id, int32_t *index)
{
	if ((m->n + 1) * 2 > m->cap && kt_idmap_grow(m) != EB_OK)
		return EB_ENOMEM;
	size_t mask = m->cap - 1;
	for (size_t h = kt_hash(id, mask);; h = (h + 1) & mask) {
		if (m->keys[h] == id) {
			*index = m->vals[h];
			return EB_OK;
		}
		if (m->keys[h] == -1) {
			m->keys[h] = id;
			m->vals[h] = (int32_t)m->n;
			m->raw[m->n] = id;
			*index = (int32_t)m->n++;
			return EB_OK;
		}
	}
}

int32_t kt_idmap_get(const struct kt_idmap *m, int32_t id)
{
	if (!m->cap || id < 0)
		return -1;
	size_t mask = m->cap - 1;
	for (size_t h = kt_hash(id, mask);; h = (h + 1) & mask) {
		if (m->keys[h] == id)
			return m->vals[h];
		if (m->keys[h] == -1)
			return -1;
	}
}

void kt_idmap_free(struct kt_idmap *m)
{
	free(m->keys);
	free(m->vals);
	free(m->raw);
	memset(m, 0, sizeof *m);
}

/* ---- reader ---- */

enum kt_col { KT_USER, KT_ITEM, KT_TIME, KT_CORRECT, KT_SKILL, KT_NCOLS };
static const char *const kt_col_name[KT_NCOLS] = {
	[KT_USER] = "user_id",	  [KT_ITEM] = "item_id",   [KT_TIME] = "timestamp",
	[KT_CORRECT] = "correct", [KT_SKILL] = "skill_id",
};

struct kt_sortkey {
	int32_t order; /* first appearance of the user */
	int64_t t;
	uint32_t idx;
};

static int kt_sortkey_cmp(const void *a, const void *b)
{
	const struct kt_sortkey *x = a, *y = b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static enum eb_err kt_field_id(const char *name, size_t line, const char *col, struct str f,
			       int32_t *out, char *err, size_t cap)
{
	int64_t v;
	f = str_trim(f);
	if (f.n == 0)
		return kt_fail(err, cap, EB_EPARSE, "%s:%zu: column '%s' is empty", name, line,
			       col);
	if (str_to_i64(f, 0, KT_MAX_ID, &v) != EB_OK)
		return kt_fail(err, cap, EB_EPARSE,
			       "%s:%zu: column '%s': '%.*s' is not a whole number in 0..%d", name,
			       line, col, (int)(f.n > 40 ? 40 : f.n), f.p, KT_MAX_ID);
	*out = (int32_t)v;
	return EB_OK;
}

enum eb_err kt_parse(const char *name, char *data, size_t len, struct kt_dataset *out, char *err,
		     size_t cap)
{
	memset(out, 0, sizeof *out);
	struct csv_reader rd;
	struct csv_record rec;
	struct csv_error ce;
	enum eb_err rc;
	int col[KT_NCOLS];
	struct kt_response *raw = NULL;
	struct kt_sortkey *keys = NULL;
	struct kt_idmap users = { 0 };
	size_t n = 0, rcap = 0, ncols = 0;

	csv_init(&rd, data, len);
	rd.sep = '\t';
	rc = csv_next(&rd, &rec, &ce);
	if (rc == EB_ENOTFOUND)
		return kt_fail(err, cap, EB_EPARSE,
			       "%s: empty file (expected a header line: "
			       "user_id item_id timestamp correct skill_id)",
			       name);
	if (rc != EB_OK)
		return kt_fail(err, cap, EB_EPARSE, "%s:%zu: %s", name, ce.line, ce.reason);
	for (int c = 0; c < KT_NCOLS; c++)
		col[c] = -1;
	for (size_t i = 0; i < rec.nfields; i++)
		for (int c = 0; c < KT_NCOLS; c++)
			if (str_eq_cstr(str_trim(rec.fields[i]), kt_col_name[c]) && col[c] < 0)
				col[c] = (int)i;
	for (int c = 0; c < KT_NCOLS; c++)
		if (col[c] < 0 && c != KT_TIME)
			return kt_fail(err, cap, EB_EPARSE,
				       "%s:%zu: header lacks column '%s' (expected tab-separated "
				       "user_id item_id timestamp correct skill_id)",
				       name, rec.line, kt_col_name[c]);
	ncols = rec.nfields;
	if (kt_idmap_init(&users, 1024) != EB_OK) {
		rc = kt_fail(err, cap, EB_ENOMEM, "%s: out of memory", name);
		goto fail;
	}
	for (;;) {
		rc = csv_next(&rd, &rec, &ce);
		if (rc == EB_ENOTFOUND)
			break;
		if (rc != EB_OK) {
			rc = kt_fail(err, cap, EB_EPARSE, "%s:%zu: %s", name, ce.line, ce.reason);
			goto fail;
		}
		if (rec.nfields != ncols) {
			rc = kt_fail(err, cap, EB_EPARSE,
				     "%s:%zu: expected %zu tab-separated columns as in the header, "
				     "found %zu",
				     name, rec.line, ncols, rec.nfields);
			goto fail;
		}
		if (rec.line > UINT32_MAX) {
			rc = kt_fail(err, cap, EB_ETOOBIG, "%s: too many lines", name);
			goto fail;
		}
		if (n == rcap) {
			rcap = rcap ? rcap * 2 : 4096;
			void *p = realloc(raw, rcap * sizeof *raw);
			if (!p) {
				rc = kt_fail(err, cap, EB_ENOMEM, "%s: out of memory", name);
				goto fail;
			}
			raw = p;
		}
		struct kt_response *r = &raw[n];
		memset(r, 0, sizeof *r);
		r->line = (uint32_t)rec.line;
		if ((rc = kt_field_id(name, rec.line, "user_id", rec.fields[col[KT_USER]], &r->user,
				      err, cap)) ||
		    (rc = kt_field_id(name, rec.line, "item_id", rec.fields[col[KT_ITEM]], &r->item,
				      err, cap)))
			goto fail;
		struct str fc = str_trim(rec.fields[col[KT_CORRECT]]);
		if (str_eq_cstr(fc, "0") || str_eq_cstr(fc, "1")) {
			r->correct = (uint8_t)(fc.p[0] - '0');
		} else {
			rc = kt_fail(err, cap, EB_EPARSE,
				     "%s:%zu: column 'correct': '%.*s' is not 0 or 1", name,
				     rec.line, (int)(fc.n > 40 ? 40 : fc.n), fc.p);
			goto fail;
		}
		struct str fs = str_trim(rec.fields[col[KT_SKILL]]);
		if (fs.n) {
			if ((rc = kt_field_id(name, rec.line, "skill_id", fs, &r->skill[0], err,
					      cap)))
				goto fail;
			r->nskills = 1;
		}
		if (col[KT_TIME] >= 0) {
			struct str ft = str_trim(rec.fields[col[KT_TIME]]);
			if (str_to_i64(ft, INT64_MIN, INT64_MAX, &r->timestamp) != EB_OK) {
				rc = kt_fail(err, cap, EB_EPARSE,
					     "%s:%zu: column 'timestamp': '%.*s' is not a whole "
					     "number (0 keeps file order)",
					     name, rec.line, (int)(ft.n > 40 ? 40 : ft.n), ft.p);
				goto fail;
			}
		}
		n++;
	}
	if (n == 0) {
		rc = kt_fail(err, cap, EB_EPARSE, "%s: no responses after the header line", name);
		goto fail;
	}

	/* Group by user (first appearance), then timestamp, then file order. */
	keys = malloc(n * sizeof *keys);
	if (!keys) {
		rc = kt_fail(err, cap, EB_ENOMEM, "%s: out of memory", name);
		goto fail;
	}
	int sorted = 1;
	for (size_t i = 0; i < n; i++) {
		int32_t ord;
		if (kt_idmap_add(&users, raw[i].user, &ord) != EB_OK) {
			rc = kt_fail(err, cap, EB_ENOMEM, "%s: out of memory", name);
			goto fail;
		}
		keys[i] = (struct kt_sortkey){ ord, raw[i].timestamp, (uint32_t)i };
		if (i && kt_sortkey_cmp(&keys[i - 1], &keys[i]) > 0)
			sorted = 0;
	}
	if (!sorted)
		qsort(keys, n, sizeof *keys, kt_sortkey_cmp);

	out->rows = malloc(n * sizeof *out->rows);
	out->user_start = malloc((users.n + 1) * sizeof *out->user_start);
	if (!out->rows || !out->user_start) {
		rc = kt_fail(err, cap, EB_ENOMEM, "%s: out of memory", name);
		goto fail;
	}
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kt_response *r = &raw[keys[i].idx];
		if (m) {
			struct kt_response *p = &out->rows[m - 1];
			/* Another skill tag of the same interaction? */
			if (p->user == r->user && p->item == r->item &&
			    p->timestamp == r->timestamp && p->correct == r->correct &&
			    r->nskills == 1 && p->nskills >= 1) {
				int dup = 0;
				for (int k = 0; k < p->nskills; k++)
					dup |= p->skill[k] == r->skill[0];
				if (!dup) {
					if (p->nskills < KT_MAX_SKILLS)
						p->skill[p->nskills++] = r->skill[0];
					continue;
				}
			}
		}
		out->rows[m++] = *r;
	}
	out->n = m;
	out->nusers = 0;
	for (size_t i = 0; i < m; i++)
		if (i == 0 || out->rows[i].user != out->rows[i - 1].user)
			out->user_start[out->nusers++] = i;
	out->user_start[out->nusers] = m;
	free(raw);
	free(keys);
	kt_idmap_free(&users);
	return EB_OK;
fail:
	free(raw);
	free(keys);
	kt_idmap_free(&users);
	kt_free(out);
	return rc;
}

enum eb_err kt_load(const char *path, struct kt_dataset *out, char *err, size_t cap)
{
	memset(out, 0, sizeof *out);
	FILE *f = fopen(path, "rb");
	if (!f)
		return kt_fail(err, cap, EB_EIO, "%s: cannot open: %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0, bcap = 0;
	enum eb_err rc = EB_OK;
	for (;;) {
		if (len == bcap) {
			if (bcap >= KT_MAX_FILE_BYTES) {
				rc = kt_fail(err, cap, EB_ETOOBIG, "%s: larger than %zu bytes",
					     path, KT_MAX_FILE_BYTES);
				goto out;
			}
			bcap = bcap ? bcap * 2 : 1 << 20;
			char *p = realloc(buf, bcap);
			if (!p) {
				rc = kt_fail(err, cap, EB_ENOMEM, "%s: out of memory", path);
				goto out;
			}
			buf = p;
		}
		size_t got = fread(buf + len, 1, bcap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f))
				rc = kt_fail(err, cap, EB_EIO, "%s: read failed", path);
			break;
		}
	}
	if (rc == EB_OK)
		rc = kt_parse(path, buf, len, out, err, cap);
out:
	fclose(f);
	free(buf);
	return rc;
}

enum eb_err kt_check_disjoint(const struct kt_dataset *train, const struct kt_dataset *test,
			      char *err, size_t cap)
{
	struct kt_idmap seen;
	if (kt_idmap_init(&seen, train->nusers) != EB_OK)
		return kt_fail(err, cap, EB_ENOMEM, "out of memory");
	enum eb_err rc = EB_OK;
	for (size_t u = 0; u < train->nusers && rc == EB_OK; u++) {
		int32_t idx;
		rc = kt_idmap_add(&seen, train->rows[train->user_start[u]].user, &idx);
	}
	if (rc != EB_OK) {
		kt_idmap_free(&seen);
		return kt_fail(err, cap, EB_ENOMEM, "out of memory");
	}
	/* Report the earliest test line, whatever the grouping order. */
	const struct kt_response *hit = NULL;
	for (size_t i = 0; i < test->n; i++)
		if (kt_idmap_get(&seen, test->rows[i].user) >= 0 &&
		    (!hit || test->rows[i].line < hit->line))
			hit = &test->rows[i];
	kt_idmap_free(&seen);
	if (hit)
		return kt_fail(err, cap, EB_ECONFLICT,
			       "test file shares user %d with train (line %u)", (int)hit->user,
			       (unsigned)hit->line);
	return EB_OK;
}

void kt_free(struct kt_dataset *d)
{
	free(d->rows);
	free(d->user_start);
	memset(d, 0, sizeof *d);
}

static int kt_user_fold(int32_t user, int folds)
{
	uint64_t x = (uint64_t)(uint32_t)user + 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	x ^= x >> 31;
	return (int)(x % (uint64_t)folds);
}

static enum eb_err kt_take(const struct kt_dataset *d, int folds, int fold, int want_held,
			   struct kt_dataset *out)
{
	memset(out, 0, sizeof *out);
	out->rows = malloc((d->n ? d->n : 1) * sizeof *out->rows);
	out->user_start = malloc((d->nusers + 1) * sizeof *out->user_start);
	if (!out->rows || !out->user_start) {
		kt_free(out);
		return EB_ENOMEM;
	}
	for (size_t u = 0; u < d->nusers; u++) {
		size_t a = d->user_start[u], b = d->user_start[u + 1];
		if ((kt_user_fold(d->rows[a].user, folds) == fold) != want_held)
			continue;
		out->user_start[out->nusers++] = out->n;
		memcpy(out->rows + out->n, d->rows + a, (b - a) * sizeof *d->rows);
		out->n += b - a;
	}
	out->user_start[out->nusers] = out->n;
	return EB_OK;
}

enum eb_err kt_split_users(const struct kt_dataset *d, int folds, int fold, struct kt_dataset *rest,
			   struct kt_dataset *held)
{
	if (folds < 2 || fold < 0 || fold >= folds)
		return EB_EINVAL;
	enum eb_err rc = kt_take(d, folds, fold, 0, rest);
	if (rc)
		return rc;
	rc = kt_take(d, folds, fold, 1, held);
	if (rc)
		kt_free(rest);
	return rc;
}
