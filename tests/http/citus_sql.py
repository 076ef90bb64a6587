"""The Citus query rule (docs/scale.md "Ready for Citus"), checked on SQL text:
a statement that touches two distributed tables (tables with district_id)
must tie them together by district_id equalities, a.district_id =
b.district_id, directly or through a chain (a = b, b = c). Used by
tests/http/test_citus_rules.py on the statements a black-box run prepared
(EDBRIDGE_SQL_LOG); `python3 tests/http/citus_sql.py LOG TABLES` prints the
violations of a log against a file of distributed table names.

A small tokenizer and a scope walk, not a SQL parser: each parenthesised
SELECT is a scope with its own FROM list; a column reference resolves to the
nearest scope that has its qualifier (or, unqualified, to the only table of
the nearest scope with one). `x.district_id = ?1 AND y.district_id = ?1`
ties x and y too (both pinned to the same value: Citus's router planner sends
such a statement to one shard group); same_param=False (--strict) counts only
column = column equalities.
Standard library only."""
import re
import sys

TOKEN = re.compile(r"""
    (?P<ws>\s+|--[^\n]*)
  | (?P<str>'(?:[^']|'')*')
  | (?P<qid>"(?:[^"]|"")*")
  | (?P<param>\?\d*|\$\d+|:\w+)
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|<>|!=|==|\|\||[=<>(),.;*+\-/%])
  | (?P<other>.)
""", re.X)

KEYWORDS = {
    "select", "from", "join", "inner", "left", "right", "full", "outer", "cross", "natural",
    "on", "using", "where", "group", "order", "having", "limit", "offset", "union", "all",
    "except", "intersect", "as", "and", "or", "not", "in", "exists", "is", "null", "set",
    "values", "insert", "into", "update", "delete", "returning", "with", "recursive", "case",
    "when", "then", "else", "end", "by", "distinct", "conflict", "do", "nothing", "replace",
    "ignore", "window", "over", "partition", "between", "like", "collate", "asc", "desc",
    "lateral", "filter", "escape", "glob", "match", "cast", "indexed",
}
# words after which an identifier is not a table alias
NOT_ALIAS = KEYWORDS


def tokens(sql):
    out = []
    for m in TOKEN.finditer(sql):
        kind = m.lastgroup
        if kind == "ws":
            continue
        text = m.group()
        if kind == "qid":
            kind, text = "id", text[1:-1]
        out.append((kind, text.lower() if kind == "id" else text))
    return out


class Scope:
    def __init__(self, parent):
        self.parent = parent
        self.tables = {}  # alias -> node id
        self.order = []   # node ids in FROM order


class Walk:
    """Scopes, table references (nodes) and district_id equalities (edges)."""

    def __init__(self, sql, distributed):
        self.t = tokens(sql)
        self.dist = distributed
        self.nodes = []          # (table, scope)
        self.parent = {}         # union-find over nodes and "param:?1" names
        self.scopes = []
        self.refs = []           # (scope, qualifier or None, position) of district_id
        self.eqs = []            # (left ref index or value, right ...)

    # union-find
    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)

    def add_table(self, scope, name, alias):
        n = len(self.nodes)
        self.nodes.append((name, scope))
        scope.tables[alias or name] = n
        if alias:
            scope.tables.setdefault(name, n)
        scope.order.append(n)
        return n

    def run(self):
        t = self.t
        root = Scope(None)
        self.scopes.append(root)
        # scope of each token: a "(" followed by SELECT/WITH opens one
        scope_at = []
        stack = [(root, 0)]  # (scope, paren depth when opened)
        depth = 0
        for i, (k, v) in enumerate(t):
            if v == "(":
                depth += 1
                nxt = t[i + 1][1] if i + 1 < len(t) else ""
                if nxt in ("select", "with", "values"):
                    s = Scope(stack[-1][0])
                    self.scopes.append(s)
                    stack.append((s, depth))
            elif v in ("union", "except", "intersect"):
                # the next SELECT of a compound is a sibling scope (its own
                # aliases), tied to the others only through its equalities
                cur, d = stack[-1]
                s = Scope(cur.parent)
                self.scopes.append(s)
                stack[-1] = (s, d)
            elif v == ")":
                if stack[-1][1] == depth and len(stack) > 1:
                    scope_at.append(stack[-1][0])
                    stack.pop()
                    depth -= 1
                    continue
                depth -= 1
            scope_at.append(stack[-1][0])
        self.scope_at = scope_at
        self.collect_tables()
        self.collect_equalities()

    def collect_tables(self):
        t = self.t
        i = 0
        while i < len(t):
            k, v = t[i]
            s = self.scope_at[i]
            if k == "id" and v in ("from", "join", "into", "update") and i + 1 < len(t):
                if v == "from" and i > 0 and t[i - 1][1] == "delete":
                    pass
                i = self.table_list(i + 1, s, v)
                continue
            i += 1

    def table_list(self, i, s, after):
        """Reads `name [AS] alias [, name alias ...]` from token i."""
        t = self.t
        while i < len(t):
            k, v = t[i]
            if k != "id" or v in KEYWORDS:
                return i
            name = v
            i += 1
            if i + 1 < len(t) and t[i][1] == "." and t[i + 1][0] == "id":  # schema.table
                name = t[i + 1][1]
                i += 2
            if i < len(t) and t[i][1] == "(":  # a function in FROM (json_each(...))
                return i
            alias = None
            if i < len(t) and t[i][1] == "as":
                i += 1
            if i < len(t) and t[i][0] == "id" and t[i][1] not in NOT_ALIAS:
                alias = t[i][1]
                i += 1
            n = self.add_table(s, name, alias)
            if after == "into" and i < len(t) and t[i][1] == "(":
                self.insert_cols = (n, i)
            if after in ("join", "into", "update") or i >= len(t) or t[i][1] != ",":
                return i
            i += 1
        return i

    def resolve(self, scope, qual):
        s = scope
        while s:
            if qual is not None:
                if qual in s.tables:
                    return s.tables[qual]
            else:
                cands = [n for n in s.order if self.nodes[n][0] in self.dist]
                if len(cands) == 1:
                    return cands[0]
                if len(cands) > 1:
                    return None
            s = s.parent
        return None

    def ref_at(self, i):
        """A district_id column reference starting at token i: (node, next i)."""
        t = self.t
        if i + 2 < len(t) and t[i][0] == "id" and t[i + 1][1] == "." and \
                t[i + 2][1] == "district_id":
            return self.resolve(self.scope_at[i], t[i][1]), i + 3
        if i < len(t) and t[i][1] == "district_id" and (i == 0 or t[i - 1][1] != "."):
            return self.resolve(self.scope_at[i], None), i + 1
        return None, i

    def value_at(self, i):
        t = self.t
        if i < len(t) and t[i][0] in ("param", "num", "str"):
            nxt = t[i + 1][1] if i + 1 < len(t) else ""
            if nxt in ("", ")", "and", "or", ",", ";", "where", "group", "order", "limit",
                       "join", "left", "inner", "on", "union", "returning", "do", "set"):
                return "value:" + t[i][1]
        return None

    def collect_equalities(self):
        t = self.t
        for i in range(len(t)):
            if t[i][1] not in ("=", "=="):
                continue
            # left side: find the start of a column ref ending at i
            left = None
            if i >= 3 and t[i - 2][1] == "." and t[i - 1][1] == "district_id":
                left, _ = self.ref_at(i - 3)
                left = ("n", left)
            elif i >= 1 and t[i - 1][1] == "district_id":
                left, _ = self.ref_at(i - 1)
                left = ("n", left)
            elif i >= 1 and t[i - 1][0] in ("param", "num", "str"):
                left = ("v", "value:" + t[i - 1][1])
            right = None
            node, _ = self.ref_at(i + 1)
            if node is not None or (i + 1 < len(t) and t[i + 1][1] == "district_id") or \
                    (i + 3 < len(t) and t[i + 2][1] == "." and t[i + 3][1] == "district_id"):
                right = ("n", node)
            else:
                v = self.value_at(i + 1)
                if v:
                    right = ("v", v)
            if not left or not right or (left[0] == "v" and right[0] == "v"):
                continue
            if left[1] is None or right[1] is None:
                continue
            self.eqs.append((left, right))
        # INSERT INTO t (..., district_id, ...) SELECT ..., x.district_id, ...
        ic = getattr(self, "insert_cols", None)
        if ic:
            n, i = ic
            cols = []
            i += 1
            while i < len(t) and t[i][1] != ")":
                if t[i][0] == "id":
                    cols.append(t[i][1])
                i += 1
            if "district_id" in cols and i + 1 < len(t) and t[i + 1][1] == "select":
                pos = cols.index("district_id")
                j, depth, col = i + 2, 0, 0
                start = j
                while j < len(t):
                    v = t[j][1]
                    if v == "(":
                        depth += 1
                    elif v == ")":
                        depth -= 1
                    elif depth == 0 and v in (",", "from"):
                        if col == pos:
                            break
                        col += 1
                        start = j + 1
                        if v == "from":
                            break
                    j += 1
                expr = t[start:j]
                if col == pos and expr:
                    node, end = self.ref_at(start)
                    if node is not None and end == j:
                        self.eqs.append((("n", n), ("n", node)))
                    elif len(expr) == 1 and expr[0][0] in ("param", "num"):
                        self.eqs.append((("n", n), ("v", "value:" + expr[0][1])))

    def violations(self, same_param=True):
        for (lk, lv), (rk, rv) in self.eqs:
            if lk == "n" and rk == "n":
                self.union(lv, rv)
            elif same_param:
                self.union(lv if lk == "n" else rv, lv if lk == "v" else rv)
        dist = [n for n, (name, _) in enumerate(self.nodes) if name in self.dist]
        groups = {}
        for n in dist:
            groups.setdefault(self.find(n), []).append(self.nodes[n][0])
        if len(groups) <= 1:
            return []
        return sorted(sorted(g) for g in groups.values())


def check(sql, distributed, same_param=True):
    """The groups of distributed tables a statement leaves untied by
    district_id ([] when it follows the rule)."""
    w = Walk(sql, distributed)
    w.run()
    return w.violations(same_param)


def check_log(lines, distributed, same_param=True):
    """[(sql, groups)] for each distinct statement of a log breaking the rule."""
    seen, bad = set(), []
    for sql in lines:
        sql = sql.strip()
        if not sql or sql in seen:
            continue
        seen.add(sql)
        g = check(sql, distributed, same_param)
        if g:
            bad.append((sql, g))
    return bad


if __name__ == "__main__":
    dist = set(open(sys.argv[2]).read().split())
    same = "--strict" not in sys.argv
    for sql, g in check_log(open(sys.argv[1]), dist, same):
        print(" | ".join(",".join(x) for x in g), "::", sql[:300])
