/* SQLite's SQL spoken to PostgreSQL (sql_dialect.h): a token walk. */
#include "store/sql_dialect.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"

enum tok_kind {
	T_SPACE,
	T_COMMENT,
	T_WORD,
	T_STRING,
	T_QIDENT,
	T_BLOB,
	T_PARAM,
	T_NUMBER,
	T_PUNCT
};

struct tok {
	enum tok_kind kind;
	const char *p;
	size_t n;
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (unsigned char)c >= 0x80;
}

/* Splits sql into tokens; a quote left open runs to the end. */
static enum eb_err lex(const char *s, size_t len, struct toks *t)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i + 1;
		enum tok_kind k;
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			k = T_SPACE;
			while (j < len &&
			       (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'))
				j++;
		} else if (c == '-' && i + 1 < len && s[i + 1] == '-') {
			k = T_COMMENT;
			while (j < len && s[j] != '\n')
				j++;
		} else if (c == '/' && i + 1 < len && s[i + 1] == '*') {
			k = T_COMMENT;
			j = i + 2;
			while (j + 1 < len && !(s[j] == '*' && s[j + 1] == '/'))
				j++;
			j = j + 2 <= len ? j + 2 : len;
		} else if ((c == 'x' || c == 'X') && i + 1 < len && s[i + 1] == '\'') {
			k = T_BLOB;
			j = i + 2;
			while (j < len && s[j] != '\'')
				j++;
			j = j < len ? j + 1 : len;
		} else if (c == '\'' || c == '"') {
			k = c == '\'' ? T_STRING : T_QIDENT;
			for (;;) {
				while (j < len && s[j] != c)
					j++;
				if (j + 1 < len && s[j + 1] == c) {
					j += 2; /* a doubled quote */
					continue;
				}
				j = j < len ? j + 1 : len;
				break;
			}
		} else if (c == '?') {
			k = T_PARAM;
			while (j < len && s[j] >= '0' && s[j] <= '9')
				j++;
		} else if (c >= '0' && c <= '9') {
			k = T_NUMBER;
			while (j < len && (is_word_char(s[j]) || s[j] == '.'))
				j++;
		} else if (is_word_char(c)) {
			k = T_WORD;
			while (j < len && is_word_char(s[j]))
				j++;
		} else {
			k = T_PUNCT;
		}
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 256;
			struct tok *v = realloc(t->v, cap * sizeof *v);
			if (!v)
				return EB_ENOMEM;
			t->v = v;
			t->cap = cap;
		}
		t->v[t->n++] = (struct tok){ k, s + i, j - i };
		i = j;
	}
	return EB_OK;
}

struct tr {
	const struct toks *t;
	struct buf *out;
	int nparams, bare;
	char *errmsg;
	size_t errcap;
};

static bool is_kw(const struct tok *k, const char *w)
{
	return k->kind == T_WORD && strlen(w) == k->n && strncasecmp(k->p, w, k->n) == 0;
}

static bool is_punct(const struct tok *k, char c)
{
	return k->kind == T_PUNCT && k->p[0] == c;
}

/* The index of the next token from i on that is not space or comment (n
 * at the end). */
static size_t sig(const struct toks *t, size_t i)
{
	while (i < t->n && (t->v[i].kind == T_SPACE || t->v[i].kind == T_COMMENT))
		i++;
	return i;
}

static bool kw_at(const struct toks *t, size_t i, const char *w)
{
	return i < t->n && is_kw(&t->v[i], w);
}

/* The index of the ')' closing the '(' at open (n when unbalanced); *commas
 * gets the commas at its top level. */
static size_t close_paren(const struct toks *t, size_t open, int *commas)
{
	int depth = 0;
	*commas = 0;
	for (size_t i = open; i < t->n; i++) {
		if (is_punct(&t->v[i], '('))
			depth++;
		else if (is_punct(&t->v[i], ')') && --depth == 0)
			return i;
		else if (is_punct(&t->v[i], ',') && depth == 1)
			(*commas)++;
	}
	return t->n;
}

static enum eb_err translate_range(struct tr *x, size_t from, size_t to);

/* Words of an upsert's SET and WHERE that are not column names. */
static bool is_upsert_keyword(const struct tok *k)
{
	static const char *const words[] = {
		"AND",	     "OR",	 "NOT",	   "IS",       "NULL",	  "IN",
		"CASE",	     "WHEN",	 "THEN",   "ELSE",     "END",	  "TRUE",
		"FALSE",     "DISTINCT", "FROM",   "LIKE",     "ILIKE",	  "BETWEEN",
		"ESCAPE",    "CAST",	 "AS",	   "excluded", "SET",	  "WHERE",
		"RETURNING", "DO",	 "UPDATE", "NOTHING",  "COLLATE", "CURRENT_TIMESTAMP",
		NULL
	};
	for (int i = 0; words[i]; i++)
		if (is_kw(k, words[i]))
			return true;
	return false;
}

/* CREATE TRIGGER at i (the CREATE): a PL/pgSQL function and a trigger. *end
 * gets the index after the trigger's END. */
static enum eb_err translate_trigger(struct tr *x, size_t i, size_t to, size_t *end)
{
	const struct toks *t = x->t;
	size_t k = sig(t, sig(t, i + 1) + 1); /* past CREATE TRIGGER */
	if (kw_at(t, k, "IF"))
		k = sig(t, sig(t, sig(t, k + 1) + 1) + 1);
	if (k >= to || t->v[k].kind != T_WORD)
		goto bad;
	const struct tok *name = &t->v[k];
	k = sig(t, k + 1);
	bool before = kw_at(t, k, "BEFORE");
	if (!before && !kw_at(t, k, "AFTER"))
		goto bad;
	k = sig(t, k + 1);
	const struct tok *event = &t->v[k];
	if (!is_kw(event, "INSERT") && !is_kw(event, "UPDATE") && !is_kw(event, "DELETE"))
		goto bad;
	size_t ev_from = k;
	k = sig(t, k + 1);
	if (kw_at(t, k, "OF")) /* UPDATE OF a, b */
		while (k < to && !kw_at(t, k, "ON"))
			k++;
	size_t ev_to = k;
	while (ev_to > ev_from &&
	       (t->v[ev_to - 1].kind == T_SPACE || t->v[ev_to - 1].kind == T_COMMENT))
		ev_to--;
	if (!kw_at(t, k, "ON"))
		goto bad;
	k = sig(t, k + 1);
	const struct tok *table = &t->v[k];
	k = sig(t, k + 1);
	if (kw_at(t, k, "FOR")) /* FOR EACH ROW */
		k = sig(t, sig(t, sig(t, k + 1) + 1) + 1);
	size_t when_from = 0, when_to = 0;
	if (kw_at(t, k, "WHEN")) {
		when_from = k + 1;
		while (k < to && !kw_at(t, k, "BEGIN"))
			k++;
		when_to = k;
	}
	if (!kw_at(t, k, "BEGIN"))
		goto bad;
	size_t body = k + 1;
	int cases = 0;
	for (k = body; k < to; k++) {
		if (kw_at(t, k, "CASE"))
			cases++;
		else if (kw_at(t, k, "END") && cases > 0)
			cases--;
		else if (kw_at(t, k, "END"))
			break;
	}
	if (k >= to)
		goto bad;
	*end = k + 1;
	buf_printf(x->out,
		   "CREATE OR REPLACE FUNCTION %.*s_fn() RETURNS trigger LANGUAGE plpgsql AS "
		   "$eb$\nBEGIN\n",
		   (int)name->n, name->p);
	if (when_to) {
		buf_puts(x->out, "IF ");
		enum eb_err rc = translate_range(x, when_from, when_to);
		if (rc)
			return rc;
		buf_puts(x->out, " THEN\n");
	}
	enum eb_err rc = translate_range(x, body, k);
	if (rc)
		return rc;
	if (when_to)
		buf_puts(x->out, "\nEND IF;");
	buf_printf(x->out, "\nRETURN %s;\nEND $eb$;\nCREATE TRIGGER %.*s %s ",
		   !before		    ? "NULL"
		   : is_kw(event, "DELETE") ? "OLD"
					    : "NEW",
		   (int)name->n, name->p, before ? "BEFORE" : "AFTER");
	for (size_t e = ev_from; e < ev_to; e++)
		buf_put(x->out, t->v[e].p, t->v[e].n);
	buf_printf(x->out, " ON %.*s FOR EACH ROW EXECUTE FUNCTION %.*s_fn()", (int)table->n,
		   table->p, (int)name->n, name->p);
	return EB_OK;
bad:
	if (x->errmsg && x->errcap)
		snprintf(x->errmsg, x->errcap, "a trigger the translator does not read: %.80s",
			 t->v[i].p);
	return EB_EINVAL;
}

/* INSERT OR REPLACE INTO t (a, b) ...: every listed column taken from the
 * new row on a conflict (the conflict target, t's primary key, is added by
 * db_pg.c, which reads it from the catalog). */
static void put_replace(struct tr *x, size_t open)
{
	const struct toks *t = x->t;
	int commas;
	size_t close = close_paren(t, open, &commas);
	buf_puts(x->out, " ON CONFLICT DO UPDATE SET ");
	bool first = true;
	for (size_t j = open + 1; j < close; j++) {
		if (t->v[j].kind != T_WORD && t->v[j].kind != T_QIDENT)
			continue;
		buf_printf(x->out, "%s%.*s=excluded.%.*s", first ? "" : ", ", (int)t->v[j].n,
			   t->v[j].p, (int)t->v[j].n, t->v[j].p);
		first = false;
	}
}

/* Whether the argument of the aggregate whose '(' is at open is a
 * comparison (a = b, a IN (...), a IS NULL, a AND b...) at its top level. */
static bool boolean_arg(const struct toks *t, size_t open, size_t to)
{
	int commas;
	size_t close = close_paren(t, open, &commas);
	int depth = 0;
	static const char *const ops[] = { "IN", "IS",	"LIKE", "BETWEEN", "AND",
					   "OR", "NOT", "GLOB", NULL };
	if (close >= to || commas)
		return false;
	for (size_t i = open + 1; i < close; i++) {
		const struct tok *k = &t->v[i];
		if (is_punct(k, '(')) {
			depth++;
		} else if (is_punct(k, ')')) {
			depth--;
		} else if (depth == 0 && k->kind == T_PUNCT &&
			   (k->p[0] == '=' || k->p[0] == '<' || k->p[0] == '>' ||
			    (k->p[0] == '!' && k->n > 1))) {
			return true;
		} else if (depth == 0 && k->kind == T_WORD) {
			for (int w = 0; ops[w]; w++)
				if (is_kw(k, ops[w]))
					return true;
		}
	}
	return false;
}

/* Whether the CROSS JOIN whose JOIN is at join has an ON condition: its
 * table (or parenthesised subquery) and alias are followed by ON. */
static bool cross_join_on(const struct toks *t, size_t join, size_t to)
{
	size_t i = sig(t, join + 1);
	if (i >= to)
		return false;
	if (is_punct(&t->v[i], '(')) {
		int commas;
		i = close_paren(t, i, &commas);
	} else if (t->v[i].kind != T_WORD || kw_at(t, i, "LATERAL")) {
		return false;
	} else if (sig(t, i + 1) < to && is_punct(&t->v[sig(t, i + 1)], '.')) {
		i = sig(t, sig(t, i + 1) + 1); /* schema.table */
	}
	i = sig(t, i + 1);
	if (kw_at(t, i, "AS"))
		i = sig(t, i + 1);
	if (i < to && t->v[i].kind == T_WORD && !kw_at(t, i, "ON"))
		i = sig(t, i + 1); /* the alias */
	return i < to && kw_at(t, i, "ON");
}

/* The last token of the primary expression at i (LIKE's pattern, or its
 * first operand when the pattern is a || chain): a parameter, a string, a
 * parenthesised expression, a function call or a [qualified] column; to
 * when the tokens there are none of these. */
static size_t like_operand_end(const struct toks *t, size_t i, size_t to)
{
	int commas;
	if (i >= to)
		return to;
	const struct tok *k = &t->v[i];
	if (k->kind == T_PARAM || k->kind == T_STRING || k->kind == T_QIDENT)
		return i;
	if (is_punct(k, '(')) {
		size_t close = close_paren(t, i, &commas);
		return close < to ? close : to;
	}
	if (k->kind != T_WORD || is_kw(k, "CASE") || is_kw(k, "NOT") || is_kw(k, "NULL") ||
	    is_kw(k, "EXISTS"))
		return to;
	size_t nx = sig(t, i + 1);
	if (nx < to && is_punct(&t->v[nx], '(')) {
		size_t close = close_paren(t, nx, &commas);
		return close < to ? close : to;
	}
	if (nx < to && is_punct(&t->v[nx], '.')) {
		size_t col = sig(t, nx + 1);
		return col < to && (t->v[col].kind == T_WORD || t->v[col].kind == T_QIDENT) ? col
											    : to;
	}
	return i;
}

static enum eb_err translate_range(struct tr *x, size_t from, size_t to)
{
	const struct toks *t = x->t;
	struct buf *o = x->out;
	bool on_conflict = false; /* INSERT OR IGNORE in this statement */
	size_t replace_cols = to; /* INSERT OR REPLACE: the '(' of its column list */
	int depth = 0;
	size_t prev = to;     /* the last significant token before i */
	size_t unaliased[32]; /* the ')' of subqueries in FROM without a name */
	int nunaliased = 0;
	size_t stmt_start = o->len; /* where the output of this statement begins */
	/* INSERT INTO t ... ON CONFLICT ... DO UPDATE SET ... WHERE ...: SQLite
	 * reads a bare column there as t's, PostgreSQL calls it ambiguous (t's
	 * or excluded's), so bare columns get "t." (targets of SET excepted) */
	size_t upsert_table = to;
	int upsert_phase = 0; /* 1: in SET, 2: in WHERE */
	for (size_t i = from; i < to;
	     prev = t->v[i].kind == T_SPACE || t->v[i].kind == T_COMMENT ? prev : i, i++) {
		const struct tok *k = &t->v[i];
		size_t nx = sig(t, i + 1);
		/* PostgreSQL 15 wants a name for every subquery in FROM */
		if (is_punct(k, '(') && prev < to &&
		    (is_kw(&t->v[prev], "FROM") || is_kw(&t->v[prev], "JOIN")) &&
		    kw_at(t, nx, "SELECT") && nunaliased < 32) {
			int commas;
			size_t close = close_paren(t, i, &commas);
			size_t after = sig(t, close + 1);
			static const char *const not_names[] = {
				"WHERE",  "GROUP",     "ORDER", "LIMIT", "JOIN",   "LEFT",
				"INNER",  "CROSS",     "UNION", "ON",	 "HAVING", "WINDOW",
				"EXCEPT", "INTERSECT", "USING", NULL
			};
			bool named = after < t->n && t->v[after].kind == T_WORD;
			for (int w = 0; named && not_names[w]; w++)
				if (kw_at(t, after, not_names[w]))
					named = false;
			if (close < to && !named)
				unaliased[nunaliased++] = close;
		}
		if (nunaliased > 0 && i == unaliased[nunaliased - 1]) {
			nunaliased--;
			depth--;
			buf_printf(o, ") AS eb_sub%zu", i);
			continue;
		}
		switch (k->kind) {
		case T_PARAM: {
			int no = 0;
			if (k->n > 1) {
				for (size_t d = 1; d < k->n && no < 100000; d++)
					no = no * 10 + (k->p[d] - '0');
			} else {
				no = ++x->bare;
			}
			if (no > x->nparams)
				x->nparams = no;
			buf_printf(o, "$%d", no);
			continue;
		}
		case T_BLOB:
			buf_puts(o, "'\\x");
			buf_put(o, k->p + 2, k->n > 3 ? k->n - 3 : 0);
			buf_puts(o, "'::bytea");
			continue;
		case T_PUNCT:
			if (k->p[0] == '(')
				depth++;
			else if (k->p[0] == ')')
				depth--;
			else if (k->p[0] == ';' && depth <= 0) {
				if (on_conflict)
					buf_puts(o, " ON CONFLICT DO NOTHING");
				if (replace_cols < to)
					put_replace(x, replace_cols);
				on_conflict = false;
				replace_cols = to;
				upsert_table = to;
				upsert_phase = 0;
				buf_put(o, k->p, k->n);
				stmt_start = o->len;
				continue;
			}
			break;
		case T_WORD:
			if (is_kw(k, "INTO") && prev < to && is_kw(&t->v[prev], "INSERT") &&
			    nx < to && t->v[nx].kind == T_WORD) {
				size_t alias = sig(t, nx + 1);
				upsert_table = kw_at(t, alias, "AS") ? sig(t, alias + 1) : nx;
				upsert_phase = 0;
			} else if (is_kw(k, "SET") && prev < to && is_kw(&t->v[prev], "UPDATE") &&
				   upsert_table < to) {
				upsert_phase = 1;
			} else if (upsert_phase == 1 && depth <= 0 && is_kw(k, "WHERE")) {
				upsert_phase = 2;
			} else if (upsert_phase && depth <= 0 && is_kw(k, "RETURNING")) {
				upsert_phase = 0;
			} else if (upsert_phase && !is_upsert_keyword(k) &&
				   !(nx < to &&
				     (is_punct(&t->v[nx], '(') || is_punct(&t->v[nx], '.'))) &&
				   !(prev < to && is_punct(&t->v[prev], '.')) &&
				   !(upsert_phase == 1 && nx < to && is_punct(&t->v[nx], '=') &&
				     prev < to &&
				     (is_kw(&t->v[prev], "SET") || is_punct(&t->v[prev], ',')))) {
				const struct tok *tb = &t->v[upsert_table];
				buf_put(o, tb->p, tb->n);
				buf_putc(o, '.');
			}
			if ((is_kw(k, "INDEXED") && kw_at(t, nx, "BY")) ||
			    (is_kw(k, "NOT") && kw_at(t, nx, "INDEXED"))) {
				/* SQLite's index hints (INDEXED BY name, NOT INDEXED):
				 * PostgreSQL's planner takes none; the hint goes */
				size_t last = is_kw(k, "NOT") ? nx : sig(t, nx + 1);
				if (last < to) {
					i = last;
					continue;
				}
			}
			if (is_kw(k, "CROSS") && kw_at(t, nx, "JOIN") && cross_join_on(t, nx, to)) {
				/* SQLite's CROSS JOIN ... ON (a join order the planner
				 * keeps) is an inner join; PostgreSQL allows no ON there */
				i = nx - 1;
				continue;
			}
			if (is_kw(k, "CREATE") && kw_at(t, nx, "TRIGGER")) {
				size_t end;
				enum eb_err rc = translate_trigger(x, i, to, &end);
				if (rc)
					return rc;
				i = end - 1;
				continue;
			}
			if (is_kw(k, "sqlite_sequence") && !buf_failed(o)) {
				/* SQLite's AUTOINCREMENT bookkeeping: the statement goes
				 * (db_pg.c moves identity sequences past copied ids) */
				o->len = stmt_start;
				if (o->data)
					o->data[o->len] = '\0';
				while (i + 1 < to && !is_punct(&t->v[i + 1], ';'))
					i++;
				if (i + 1 < to)
					i++;
				on_conflict = false;
				continue;
			}
			if (is_kw(k, "PRAGMA")) {
				while (i + 1 < to && !is_punct(&t->v[i + 1], ';'))
					i++;
				if (i + 1 < to)
					i++; /* and its ';' */
				continue;
			}
			if (is_kw(k, "INSERT") && kw_at(t, nx, "OR") &&
			    kw_at(t, sig(t, nx + 1), "IGNORE")) {
				buf_puts(o, "INSERT");
				i = sig(t, nx + 1);
				on_conflict = true;
				continue;
			}
			if (is_kw(k, "INSERT") && kw_at(t, nx, "OR") &&
			    kw_at(t, sig(t, nx + 1), "REPLACE")) {
				size_t into = sig(t, sig(t, nx + 1) + 1);
				size_t open = sig(t, sig(t, into + 1) + 1);
				if (kw_at(t, into, "INTO") && open < to &&
				    is_punct(&t->v[open], '(')) {
					buf_puts(o, "INSERT");
					i = sig(t, nx + 1);
					replace_cols = open;
					continue;
				}
			}
			if (is_kw(k, "RETURNING") && depth <= 0 &&
			    (on_conflict || replace_cols < to)) {
				if (on_conflict)
					buf_puts(o, "ON CONFLICT DO NOTHING ");
				else {
					put_replace(x, replace_cols);
					buf_putc(o, ' ');
				}
				on_conflict = false;
				replace_cols = to;
				break;
			}
			if (nx < to && is_punct(&t->v[nx], '(')) {
				/* functions PostgreSQL spells otherwise */
				static const char *const renamed[][2] = {
					{ "ifnull", "coalesce" },
					{ "instr", "strpos" },
					{ "char", "chr" },
					{ "last_insert_rowid", "lastval" },
				};
				size_t r = 0;
				while (r < sizeof renamed / sizeof renamed[0] &&
				       !is_kw(k, renamed[r][0]))
					r++;
				if (r < sizeof renamed / sizeof renamed[0]) {
					buf_puts(o, renamed[r][1]);
					continue;
				}
			}
			if (is_kw(k, "hex") && nx < to && is_punct(&t->v[nx], '(')) {
				/* SQLite's hex() is upper case */
				int commas;
				size_t close = close_paren(t, nx, &commas);
				if (close >= to || commas)
					break;
				buf_puts(o, "upper(encode(");
				enum eb_err rc = translate_range(x, nx + 1, close);
				if (rc)
					return rc;
				buf_puts(o, ", 'hex'))");
				i = close;
				continue;
			}
			if (is_kw(k, "json_extract") && nx < to && is_punct(&t->v[nx], '(')) {
				/* json_extract(x, '$.name') -> ((x)::json ->> 'name'),
				 * json_extract(x, '$[N]') -> ((x)::json ->> N); x
				 * without a comma of its own */
				int commas;
				size_t close = close_paren(t, nx, &commas);
				size_t comma = nx + 1;
				while (comma < close && !is_punct(&t->v[comma], ','))
					comma++;
				size_t path = sig(t, comma + 1);
				const struct tok *pt = path < close ? &t->v[path] : NULL;
				/* '$[N]': an element of an array */
				bool index = pt && pt->kind == T_STRING && pt->n >= 6 &&
					     !strncmp(pt->p, "'$[", 3) && pt->p[pt->n - 2] == ']';
				for (size_t d = 3; index && d < pt->n - 2; d++)
					index = pt->p[d] >= '0' && pt->p[d] <= '9';
				if (close >= to || commas != 1 || !pt || pt->kind != T_STRING ||
				    pt->n < 5 || (strncmp(pt->p, "'$.", 3) && !index) ||
				    sig(t, path + 1) != close)
					break;
				buf_puts(o, "((");
				enum eb_err rc = translate_range(x, nx + 1, comma);
				if (rc)
					return rc;
				if (index) {
					buf_puts(o, ")::json ->> ");
					buf_put(o, pt->p + 3, pt->n - 5);
				} else {
					buf_puts(o, ")::json ->> '");
					buf_put(o, pt->p + 3, pt->n - 3);
				}
				buf_putc(o, ')');
				i = close;
				continue;
			}
			if (is_kw(k, "json_each") && nx < to && is_punct(&t->v[nx], '(')) {
				/* json_each(array) in FROM, unnamed, read by its value
				 * column (a batch's keys: IN (SELECT value FROM
				 * json_each(?N))) -> the array's elements as text */
				int commas;
				size_t close = close_paren(t, nx, &commas);
				if (close >= to || commas)
					break;
				buf_puts(o, "json_array_elements_text((");
				enum eb_err rc = translate_range(x, nx + 1, close);
				if (rc)
					return rc;
				buf_puts(o, ")::json) AS json_each(value)");
				i = close;
				continue;
			}
			if (is_kw(k, "unixepoch") && nx < to && is_punct(&t->v[nx], '(') &&
			    sig(t, nx + 1) < to && is_punct(&t->v[sig(t, nx + 1)], ')')) {
				buf_puts(o, "CAST(extract(epoch FROM now()) AS BIGINT)");
				i = sig(t, nx + 1);
				continue;
			}
			if ((is_kw(k, "max") || is_kw(k, "min")) && nx < to &&
			    is_punct(&t->v[nx], '(')) {
				int commas;
				close_paren(t, nx, &commas);
				if (commas > 0) {
					buf_puts(o, is_kw(k, "max") ? "greatest" : "least");
					continue;
				}
				break;
			}
			if ((is_kw(k, "sum") || is_kw(k, "avg")) && nx < to &&
			    is_punct(&t->v[nx], '(') && boolean_arg(t, nx, to)) {
				/* sum(a = b): SQLite's comparisons are 1/0, PostgreSQL's
				 * booleans have no sum */
				int commas;
				size_t close = close_paren(t, nx, &commas);
				buf_put(o, k->p, k->n);
				buf_puts(o, "(CAST((");
				enum eb_err rc = translate_range(x, nx + 1, close);
				if (rc)
					return rc;
				buf_puts(o, ") AS INTEGER))");
				i = close;
				continue;
			}
			if (is_kw(k, "sqlite_master") && prev < to &&
			    (is_kw(&t->v[prev], "FROM") || is_kw(&t->v[prev], "JOIN"))) {
				/* the catalog's tables, as SQLite's schema table names them */
				buf_puts(o, "(SELECT CAST('table' AS TEXT) AS type, CAST(tablename "
					    "AS TEXT)"
					    " AS name FROM pg_tables WHERE schemaname = "
					    "current_schema())"
					    " AS sqlite_master");
				continue;
			}
			if (is_kw(k, "group_concat") && nx < to && is_punct(&t->v[nx], '(')) {
				/* group_concat([DISTINCT] x[, sep]) -> string_agg of text */
				int commas;
				size_t close = close_paren(t, nx, &commas), comma = close,
				       a = sig(t, nx + 1);
				if (close >= to || commas > 1)
					break;
				int d = 0;
				for (size_t j = nx; j < close; j++) {
					d += is_punct(&t->v[j], '(') - is_punct(&t->v[j], ')');
					if (d == 1 && is_punct(&t->v[j], ','))
						comma = j;
				}
				buf_puts(o, "string_agg(");
				if (kw_at(t, a, "DISTINCT")) {
					buf_puts(o, "DISTINCT ");
					a++;
				}
				buf_puts(o, "CAST(");
				enum eb_err rc = translate_range(x, a, comma);
				if (rc)
					return rc;
				buf_puts(o, " AS TEXT), ");
				if (comma < close) {
					if ((rc = translate_range(x, comma + 1, close)))
						return rc;
				} else {
					buf_puts(o, "','");
				}
				buf_putc(o, ')');
				i = close;
				continue;
			}
			if (is_kw(k, "LIKE")) {
				/* the pattern's first operand gets COLLATE "C": an
				 * explicit collation wins over a column's implicit
				 * nocase (nondeterministic: PostgreSQL refuses LIKE on
				 * it), and "C" folds ASCII case only, as SQLite does */
				size_t end = like_operand_end(t, nx, to);
				buf_puts(o, "ILIKE");
				if (end < to) {
					buf_putc(o, ' ');
					enum eb_err rc = translate_range(x, nx, end + 1);
					if (rc)
						return rc;
					buf_puts(o, " COLLATE \"C\"");
					i = end;
				}
				continue;
			}
			if (is_kw(k, "IS")) {
				size_t a = nx;
				bool not = kw_at(t, a, "NOT");
				if (not )
					a = sig(t, a + 1);
				if (a < to && !kw_at(t, a, "NULL") && !kw_at(t, a, "TRUE") &&
				    !kw_at(t, a, "FALSE") && !kw_at(t, a, "DISTINCT")) {
					buf_puts(o,
						 not ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM");
					if (not )
						i = nx;
					continue;
				}
				break;
			}
			if (is_kw(k, "INTEGER") && kw_at(t, nx, "PRIMARY") &&
			    kw_at(t, sig(t, nx + 1), "KEY")) {
				buf_puts(o, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
				i = sig(t, nx + 1);
				if (kw_at(t, sig(t, i + 1), "AUTOINCREMENT"))
					i = sig(t, i + 1);
				continue;
			}
			if (is_kw(k, "INTEGER")) {
				buf_puts(o, "BIGINT");
				continue;
			}
			if (is_kw(k, "REAL")) {
				buf_puts(o, "DOUBLE PRECISION");
				continue;
			}
			if (is_kw(k, "BLOB")) {
				buf_puts(o, "BYTEA");
				continue;
			}
			if (is_kw(k, "AUTOINCREMENT"))
				continue;
			if (is_kw(k, "COLLATE") && kw_at(t, nx, "NOCASE")) {
				/* db_pg.c creates "nocase": ICU, case-insensitive */
				buf_puts(o, "COLLATE nocase");
				i = nx;
				continue;
			}
			if (is_kw(k, "STRICT") || (is_kw(k, "WITHOUT") && kw_at(t, nx, "ROWID"))) {
				/* a table option after the closing ')', and its comma */
				if (is_kw(k, "WITHOUT"))
					i = nx;
				size_t c = sig(t, i + 1);
				if (c < to && is_punct(&t->v[c], ','))
					i = c;
				continue;
			}
			break;
		default:
			break;
		}
		buf_put(o, k->p, k->n);
	}
	if (on_conflict)
		buf_puts(o, " ON CONFLICT DO NOTHING");
	if (replace_cols < to)
		put_replace(x, replace_cols);
	return EB_OK;
}

enum eb_err sql_to_pg(const char *sql, char **out, int *nparams, char *errmsg, size_t errcap)
{
	*out = NULL;
	struct toks t = { 0 };
	struct buf o = BUF_INIT;
	enum eb_err rc = lex(sql, strlen(sql), &t);
	if (!rc) {
		struct tr x = { &t, &o, 0, 0, errmsg, errcap };
		rc = translate_range(&x, 0, t.n);
		if (nparams)
			*nparams = x.nparams;
	}
	if (!rc && buf_failed(&o))
		rc = o.err;
	if (!rc)
		*out = buf_detach(&o, NULL);
	buf_free(&o);
	free(t.v);
	if (!rc && !*out) {
		*out = calloc(1, 1);
		if (!*out)
			rc = EB_ENOMEM;
	}
	return rc;
}
